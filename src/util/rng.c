/* rng.c — xoshiro256** (Blackman & Vigna 2018) seeded by splitmix64: fast,
 * reproducible on every platform, with independent streams per scenario. */
#include <math.h>

#include "gridres.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void gr_rng_seed(gr_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int k = 0; k < 4; k++)
        r->s[k] = splitmix64(&x);
}

void gr_rng_stream(gr_rng *r, uint64_t seed, uint64_t k)
{
    uint64_t x = seed ^ 0x5851f42d4c957f2dULL;
    uint64_t mixed = splitmix64(&x) ^ (k * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL);
    gr_rng_seed(r, mixed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t gr_rng_next(gr_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double gr_rng_uniform(gr_rng *r) { return (double)(gr_rng_next(r) >> 11) * 0x1.0p-53; }

double gr_rng_normal(gr_rng *r)
{
    /* Box-Muller; one draw per call keeps the stream position simple. */
    double u1 = gr_rng_uniform(r), u2 = gr_rng_uniform(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
