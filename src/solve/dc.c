/* dc.c — DC network model (MATPOWER makeBdc): branch susceptances, phase-shift injections, reduced Bbus and its LU. */
#include <string.h>

#include "model/islands_internal.h"
#include "solve/dc.h"
#include "sparse/csc.h"

void dc_system_free(dc_system *dc)
{
    if (!dc)
        return;
    gr_free(dc->col);
    gr_free(dc->bus_of);
    gr_free(dc->b);
    gr_free(dc->pfinj);
    gr_free(dc->pbusinj);
    gr_csc_free(dc->B);
    lu_free(dc->lu);
    memset(dc, 0, sizeof *dc);
}

int dc_system_build(const gr_grid *g, const gr_islands *isl, dc_system *dc)
{
    memset(dc, 0, sizeof *dc);
    int nb = g->nb, nl = g->nl, st = GR_ENOMEM;
    dc->nb = nb;
    dc->nl = nl;
    dc->col = gr_malloc(((size_t)nb + 1) * sizeof(int));
    dc->bus_of = gr_malloc(((size_t)nb + 1) * sizeof(int));
    dc->b = gr_calloc((size_t)nl + 1, sizeof(double));
    dc->pfinj = gr_calloc((size_t)nl + 1, sizeof(double));
    dc->pbusinj = gr_calloc((size_t)nb + 1, sizeof(double));
    int *Ti = gr_malloc((size_t)(4 * nl + 1) * sizeof(int));
    int *Tj = gr_malloc((size_t)(4 * nl + 1) * sizeof(int));
    double *Tx = gr_malloc((size_t)(4 * nl + 1) * sizeof(double));
    if (!dc->col || !dc->bus_of || !dc->b || !dc->pfinj || !dc->pbusinj || !Ti || !Tj || !Tx)
        goto done;
    for (int b = 0; b < nb; b++) {
        int s = isl->bus_island[b];
        int live = s >= 0 && isl->ref[s] >= 0 && isl->ref[s] != b;
        dc->col[b] = live ? dc->n : -1;
        if (live)
            dc->bus_of[dc->n++] = b;
    }
    int nz = 0;
    for (int k = 0; k < nl; k++) {
        if (!branch_energisable(g, k))
            continue;
        double bk = 1.0 / (g->br_x[k] * g->br_tap[k]);
        int f = g->br_f[k], t = g->br_t[k];
        dc->b[k] = bk;
        dc->pfinj[k] = -bk * g->br_shift[k];
        dc->pbusinj[f] += dc->pfinj[k];
        dc->pbusinj[t] -= dc->pfinj[k];
        int cf = dc->col[f], ct = dc->col[t];
        if (cf >= 0)
            Ti[nz] = cf, Tj[nz] = cf, Tx[nz++] = bk;
        if (ct >= 0)
            Ti[nz] = ct, Tj[nz] = ct, Tx[nz++] = bk;
        if (cf >= 0 && ct >= 0) {
            Ti[nz] = cf, Tj[nz] = ct, Tx[nz++] = -bk;
            Ti[nz] = ct, Tj[nz] = cf, Tx[nz++] = -bk;
        }
    }
    dc->B = csc_from_triplets(dc->n, dc->n, nz, Ti, Tj, Tx, NULL, 1);
    if (!dc->B || (st = lu_create(&dc->lu)))
        goto done;
    if (dc->n > 0) {
        if ((st = lu_analyze(dc->lu, dc->n, dc->B->p, dc->B->i)))
            goto done;
        st = lu_factor_full(dc->lu, dc->B->p, dc->B->i, dc->B->x);
    }
done:
    gr_free(Ti);
    gr_free(Tj);
    gr_free(Tx);
    if (st)
        dc_system_free(dc);
    return st;
}

void dc_slack_dispatch(const gr_grid *g, int ref, double pinj_ref, double *pg)
{
    int first = -1;
    double others = 0.0;
    for (int k = 0; k < g->ng; k++) {
        if (g->gen_bus[k] != ref || !gen_energisable(g, k))
            continue;
        if (first < 0)
            first = k;
        else
            others += pg[k];
    }
    if (first >= 0)
        pg[first] = pinj_ref + g->pd[ref] + g->gs[ref] - others;
}
