/* ybus.c — bus admittance matrix and branch-end admittances, as MATPOWER's makeYbus (π model, tap, shift). */
#include <complex.h>
#include <math.h>

#include "gridres.h"
#include "model/islands_internal.h"
#include "model/ybus_internal.h"
#include "sparse/csc.h"

void branch_admittances(const gr_grid *g, int k, double complex *yff, double complex *yft,
                        double complex *ytf, double complex *ytt)
{
    /* MATPOWER makeYbus: Ys = 1/(r + jx), Bc = b, tap = t e^{j shift};
     * Ytt = Ys + j Bc/2, Yff = Ytt / |tap|^2, Yft = -Ys / conj(tap), Ytf = -Ys / tap.
     * Written in real arithmetic: C's complex division and multiplication
     * go through slow NaN-careful library calls. */
    double r = g->br_r[k], x = g->br_x[k], d = r * r + x * x;
    double ysr = r / d, ysi = -x / d;
    double t = g->br_tap[k], cs = cos(g->br_shift[k]), sn = sin(g->br_shift[k]);
    double t2 = t * t;
    /* 1/conj(tap) = e^{j shift} / t;  1/tap = e^{-j shift} / t */
    double ar = cs / t, ai = sn / t;
    *ytt = ysr + I * (ysi + g->br_b[k] / 2.0);
    *yff = (ysr + I * (ysi + g->br_b[k] / 2.0)) / t2;
    *yft = -(ysr * ar - ysi * ai) - I * (ysr * ai + ysi * ar);
    *ytf = -(ysr * ar + ysi * ai) - I * (ysi * ar - ysr * ai);
}

/* One branch-end matrix (Yf when from_end, else Yt): nl x nb, two entries per energised branch. */
static gr_csc *branch_end_matrix(const gr_grid *g, int from_end)
{
    int nl = g->nl, nz = 0;
    int *Ti = gr_malloc((size_t)(2 * nl + 1) * sizeof(int));
    int *Tj = gr_malloc((size_t)(2 * nl + 1) * sizeof(int));
    double *Tx = gr_malloc((size_t)(2 * nl + 1) * sizeof(double));
    double *Tz = gr_malloc((size_t)(2 * nl + 1) * sizeof(double));
    gr_csc *A = NULL;
    if (Ti && Tj && Tx && Tz) {
        for (int k = 0; k < nl; k++) {
            if (!branch_energisable(g, k))
                continue;
            double complex yff, yft, ytf, ytt;
            branch_admittances(g, k, &yff, &yft, &ytf, &ytt);
            double complex a = from_end ? yff : ytf, b = from_end ? yft : ytt;
            Ti[nz] = k, Tj[nz] = g->br_f[k], Tx[nz] = creal(a), Tz[nz] = cimag(a), nz++;
            Ti[nz] = k, Tj[nz] = g->br_t[k], Tx[nz] = creal(b), Tz[nz] = cimag(b), nz++;
        }
        A = csc_from_triplets(nl, g->nb, nz, Ti, Tj, Tx, Tz, 0);
    }
    gr_free(Ti);
    gr_free(Tj);
    gr_free(Tx);
    gr_free(Tz);
    return A;
}

static gr_csc *bus_matrix(const gr_grid *g)
{
    int nl = g->nl, nb = g->nb, nz = 0;
    size_t cap = (size_t)(4 * nl + nb + 1);
    int *Ti = gr_malloc(cap * sizeof(int));
    int *Tj = gr_malloc(cap * sizeof(int));
    double *Tx = gr_malloc(cap * sizeof(double));
    double *Tz = gr_malloc(cap * sizeof(double));
    gr_csc *A = NULL;
    if (Ti && Tj && Tx && Tz) {
        for (int k = 0; k < nl; k++) {
            if (!branch_energisable(g, k))
                continue;
            double complex y[4];
            branch_admittances(g, k, &y[0], &y[1], &y[2], &y[3]);
            int f = g->br_f[k], t = g->br_t[k];
            int rows[4] = {f, f, t, t}, cols[4] = {f, t, f, t};
            for (int e = 0; e < 4; e++) {
                Ti[nz] = rows[e], Tj[nz] = cols[e];
                Tx[nz] = creal(y[e]), Tz[nz] = cimag(y[e]);
                nz++;
            }
        }
        for (int b = 0; b < nb; b++) {
            if (g->gs[b] == 0.0 && g->bs[b] == 0.0)
                continue;
            Ti[nz] = b, Tj[nz] = b, Tx[nz] = g->gs[b], Tz[nz] = g->bs[b];
            nz++;
        }
        A = csc_from_triplets(nb, nb, nz, Ti, Tj, Tx, Tz, 1);
    }
    gr_free(Ti);
    gr_free(Tj);
    gr_free(Tx);
    gr_free(Tz);
    return A;
}

int gr_ybus_build(const gr_grid *g, gr_csc **ybus, gr_csc **yf, gr_csc **yt)
{
    gr_csc *Y = NULL, *F = NULL, *T = NULL;
    if (ybus && !(Y = bus_matrix(g)))
        goto oom;
    if (yf && !(F = branch_end_matrix(g, 1)))
        goto oom;
    if (yt && !(T = branch_end_matrix(g, 0)))
        goto oom;
    if (ybus)
        *ybus = Y;
    if (yf)
        *yf = F;
    if (yt)
        *yt = T;
    return GR_OK;
oom:
    gr_csc_free(Y);
    gr_csc_free(F);
    gr_csc_free(T);
    return GR_ENOMEM;
}
