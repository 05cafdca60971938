/* ybus.c — bus admittance matrix and branch-end admittances, as MATPOWER's makeYbus (π model, tap, shift). */
#include <complex.h>
#include <math.h>
#include <string.h>

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
    double shift = g->br_shift[k], t = g->br_tap[k];
    double cs = shift == 0.0 ? 1.0 : cos(shift), sn = shift == 0.0 ? shift : sin(shift); /* as cos/sin of +-0 */
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

/* Position of row r in column c of A (rows of the column in A->i[p[c]..]), or -1. */
static int column_find(const gr_csc *A, int r, int c)
{
    for (int q = A->p[c]; q < A->p[c + 1]; q++)
        if (A->i[q] == r)
            return q;
    return -1;
}

/* Ybus assembled straight into CSC: the pattern column by column (the
 * diagonal and the far end of every energised branch, rows sorted, parallel
 * branches merged), then the values summed in branch order and the shunt
 * last, as MATPOWER's sparse() sums them; every diagonal is stored, zero or
 * not (Jacobian and B' patterns rely on it). */
static gr_csc *bus_matrix(const gr_grid *g)
{
    int nl = g->nl, nb = g->nb;
    int *cnt = gr_calloc((size_t)nb + 1, sizeof(int));
    int *far = gr_malloc((size_t)(2 * nl + 1) * sizeof(int));
    gr_csc *A = NULL;
    if (!cnt || !far)
        goto done;
    /* far ends of each bus's branches, grouped by bus (counting sort) */
    for (int k = 0; k < nl; k++)
        if (branch_energisable(g, k) && g->br_f[k] != g->br_t[k]) {
            cnt[g->br_f[k] + 1]++;
            cnt[g->br_t[k] + 1]++;
        }
    for (int b = 0; b < nb; b++)
        cnt[b + 1] += cnt[b];
    int nfar = cnt[nb];
    for (int k = 0; k < nl; k++)
        if (branch_energisable(g, k) && g->br_f[k] != g->br_t[k]) {
            far[cnt[g->br_f[k]]++] = g->br_t[k];
            far[cnt[g->br_t[k]]++] = g->br_f[k];
        }
    for (int b = nb; b > 0; b--) /* cnt[b]: start of bus b's far ends again */
        cnt[b] = cnt[b - 1];
    cnt[0] = 0;
    A = csc_alloc(nb, nb, nfar + nb, 1, 1);
    if (!A)
        goto done;
    int nz = 0;
    for (int c = 0; c < nb; c++) {
        A->p[c] = nz;
        int *col = A->i + nz, m = 1;
        col[0] = c;
        for (int q = cnt[c]; q < cnt[c + 1]; q++) { /* insertion into the sorted column, once each */
            int r = far[q], j = m;
            while (j > 0 && col[j - 1] > r)
                j--;
            if (j > 0 && col[j - 1] == r)
                continue;
            memmove(col + j + 1, col + j, (size_t)(m - j) * sizeof(int));
            col[j] = r;
            m++;
        }
        nz += m;
    }
    A->p[nb] = nz;
    for (int q = 0; q < nz; q++) /* -0.0 + v == v for every v: sums start from the first term */
        A->x[q] = A->z[q] = -0.0;
    for (int k = 0; k < nl; k++) {
        if (!branch_energisable(g, k))
            continue;
        double complex y[4];
        branch_admittances(g, k, &y[0], &y[1], &y[2], &y[3]);
        int f = g->br_f[k], t = g->br_t[k];
        int rows[4] = {f, f, t, t}, cols[4] = {f, t, f, t};
        for (int e = 0; e < 4; e++) {
            int q = column_find(A, rows[e], cols[e]);
            A->x[q] += creal(y[e]);
            A->z[q] += cimag(y[e]);
        }
    }
    for (int b = 0; b < nb; b++) {
        int q = column_find(A, b, b);
        if (g->gs[b] != 0.0 || g->bs[b] != 0.0) {
            A->x[q] += g->gs[b];
            A->z[q] += g->bs[b];
        }
        A->x[q] += 0.0; /* a stored diagonal is never -0.0 */
        A->z[q] += 0.0;
    }
done:
    gr_free(cnt);
    gr_free(far);
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
