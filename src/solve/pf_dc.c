/* pf_dc.c — DC power flow (MATPOWER rundcpf): B-theta with phase shifters and shunt losses, island by island. */
#include <math.h>
#include <string.h>

#include "model/islands_internal.h"
#include "solve/dc.h"
#include "solve/finite.h"
#include "solve/pf_internal.h"

int gr_pf_dc(const gr_grid *g, gr_pf_result **out, gr_error *err)
{
    double t0 = gr_time_s();
    *out = NULL;
    gr_islands *isl = NULL;
    gr_pf_result *r = NULL;
    dc_system dc = {0};
    double *pbus = NULL, *rhs = NULL;
    int st = gr_grid_check(g, GR_GRID_CHECK_DC, err);
    if (st)
        return st;
    st = gr_islands_find(g, 0, &isl, err);
    if (st)
        return st;
    if ((st = gr_pf_result_alloc(g->nb, g->ng, g->nl, &r)) || (st = pf_result_set_islands(r, isl)))
        goto done;
    if ((st = dc_system_build(g, isl, &dc))) {
        if (st == GR_ESINGULAR)
            gr_error_set(err, st, "DC power flow: the susceptance matrix is singular");
        goto done;
    }
    pbus = gr_calloc((size_t)g->nb + 1, sizeof(double));
    rhs = gr_calloc((size_t)dc.n + 1, sizeof(double));
    if (!pbus || !rhs) {
        st = GR_ENOMEM;
        goto done;
    }
    /* Pbus = Pg - Pd - Gs - Pbusinj (pu); reference angles from the case. */
    for (int b = 0; b < g->nb; b++) {
        pbus[b] = -g->pd[b] - g->gs[b] - dc.pbusinj[b];
        r->bus_type[b] = g->bus_type[b];
        int s = isl->bus_island[b];
        r->va[b] = s >= 0 && isl->ref[s] == b ? g->va0[b] : 0.0;
        r->vm[b] = s >= 0 && isl->ref[s] >= 0 ? 1.0 : 0.0;
        if (s >= 0 && isl->ref[s] == b)
            r->bus_type[b] = GR_BUS_REF;
    }
    for (int k = 0; k < g->ng; k++) {
        int s = isl->bus_island[g->gen_bus[k]];
        if (gen_energisable(g, k) && s >= 0 && isl->ref[s] >= 0) {
            r->pg[k] = g->pg[k];
            pbus[g->gen_bus[k]] += g->pg[k];
        }
    }
    /* rhs = Pbus - B(:, ref) * Va_ref for the unknown buses */
    for (int j = 0; j < dc.n; j++)
        rhs[j] = pbus[dc.bus_of[j]];
    for (int k = 0; k < g->nl; k++) {
        if (dc.b[k] == 0.0)
            continue;
        int f = g->br_f[k], t = g->br_t[k];
        if (dc.col[f] >= 0 && dc.col[t] < 0)
            rhs[dc.col[f]] += dc.b[k] * r->va[t];
        if (dc.col[t] >= 0 && dc.col[f] < 0)
            rhs[dc.col[t]] += dc.b[k] * r->va[f];
    }
    if (dc.n > 0 && (st = lu_solve(dc.lu, rhs)))
        goto done;
    for (int j = 0; j < dc.n; j++)
        r->va[dc.bus_of[j]] = rhs[j];
    /* Flows Pf = b (Va_f - Va_t) + Pfinj; the reference injection is what
     * leaves it through branches plus its shunt and phase-shift injection. */
    double *pinj = pbus; /* reuse: computed injection per bus */
    memset(pinj, 0, (size_t)g->nb * sizeof(double));
    for (int k = 0; k < g->nl; k++) {
        if (dc.b[k] == 0.0)
            continue;
        int f = g->br_f[k], t = g->br_t[k];
        r->pf[k] = dc.b[k] * (r->va[f] - r->va[t]) + dc.pfinj[k];
        r->pt[k] = -r->pf[k];
        pinj[f] += r->pf[k];
        pinj[t] += r->pt[k];
    }
    for (int i = 0; i < isl->n; i++) {
        int ref = isl->ref[i];
        if (ref < 0) {
            r->island_converged[i] = -1;
            continue;
        }
        r->island_converged[i] = 1;
        dc_slack_dispatch(g, ref, pinj[ref], r->pg);
    }
    for (int b = 0; b < g->nb; b++) {
        int s = isl->bus_island[b];
        if (s < 0 || isl->ref[s] < 0)
            r->dark_load_p += g->pd[b];
    }
    r->converged = 1;
    r->iterations = 1;
    r->n_islands = isl->n;
    pf_result_check_finite(g, r);
    r->solve_s = gr_time_s() - t0;
done:
    gr_free(pbus);
    gr_free(rhs);
    dc_system_free(&dc);
    gr_islands_free(isl);
    if (st) {
        gr_pf_result_free(r);
        if (st == GR_ENOMEM)
            gr_error_set(err, st, "out of memory in the DC power flow");
        return st;
    }
    *out = r;
    return GR_OK;
}
