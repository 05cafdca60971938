/* synth_core.c — small helpers shared by every file of the synthetic grid generator: growable arrays, exact rounding, distances (declared in synth.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/synth.h"

int sy_grow(void **p, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return GR_OK;
    int ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    void *q = gr_realloc(*p, (size_t)ncap * elem);
    if (!q)
        return GR_ENOMEM;
    *p = q;
    *cap = ncap;
    return GR_OK;
}

void *sy_append(void **p, int *n, int *cap, size_t elem)
{
    if (sy_grow(p, cap, *n + 1, elem))
        return NULL;
    char *e = (char *)*p + (size_t)(*n)++ * elem;
    memset(e, 0, elem);
    return e;
}

double sy_round6(double x)
{
    char b[40];
    if (x == 0.0)
        return 0.0;
    snprintf(b, sizeof b, "%.5e", x);
    return strtod(b, NULL);
}

int sy_rand_int(gr_rng *r, int n)
{
    if (n <= 1)
        return 0;
    int k = (int)(gr_rng_uniform(r) * n);
    return k < n ? k : n - 1;
}

long sy_lround(double x) { return x >= 0.0 ? (long)(x + 0.5) : -(long)(-x + 0.5); }

int64_t sy_d2(int ax, int ay, int bx, int by)
{
    int64_t dx = (int64_t)ax - bx, dy = (int64_t)ay - by;
    return dx * dx + dy * dy;
}

double sy_dist_km(int ax, int ay, int bx, int by)
{
    return sqrt((double)sy_d2(ax, ay, bx, by)) * SY_UNIT_KM;
}
