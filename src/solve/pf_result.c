/* pf_result.c — power-flow results: allocation, branch flows, and the independent residual check. */
#include <complex.h>
#include <math.h>
#include <string.h>

#include "gridres.h"
#include "model/islands_internal.h"
#include "model/ybus_internal.h"
#include "solve/pf_internal.h"
#include "sparse/csc.h"

void gr_pf_result_free(gr_pf_result *r)
{
    if (!r)
        return;
    gr_free(r->vm);
    gr_free(r->va);
    gr_free(r->bus_type);
    gr_free(r->pg);
    gr_free(r->qg);
    gr_free(r->pf);
    gr_free(r->qf);
    gr_free(r->pt);
    gr_free(r->qt);
    gr_free(r->bus_island);
    gr_free(r->island_converged);
    gr_free(r->island_ref);
    gr_free(r);
}

int gr_pf_result_alloc(int nb, int ng, int nl, gr_pf_result **out)
{
    *out = NULL;
    gr_pf_result *r = gr_calloc(1, sizeof *r);
    if (!r)
        return GR_ENOMEM;
    r->nb = nb, r->ng = ng, r->nl = nl;
    size_t b = (size_t)(nb ? nb : 1), gn = (size_t)(ng ? ng : 1), l = (size_t)(nl ? nl : 1);
    r->vm = gr_calloc(b, sizeof(double));
    r->va = gr_calloc(b, sizeof(double));
    r->bus_type = gr_calloc(b, sizeof(int));
    r->bus_island = gr_calloc(b, sizeof(int));
    r->pg = gr_calloc(gn, sizeof(double));
    r->qg = gr_calloc(gn, sizeof(double));
    r->pf = gr_calloc(l, sizeof(double));
    r->qf = gr_calloc(l, sizeof(double));
    r->pt = gr_calloc(l, sizeof(double));
    r->qt = gr_calloc(l, sizeof(double));
    if (!r->vm || !r->va || !r->bus_type || !r->bus_island || !r->pg || !r->qg || !r->pf ||
        !r->qf || !r->pt || !r->qt) {
        gr_pf_result_free(r);
        return GR_ENOMEM;
    }
    *out = r;
    return GR_OK;
}

int pf_result_set_islands(gr_pf_result *r, const gr_islands *isl)
{
    r->n_islands = isl->n;
    memcpy(r->bus_island, isl->bus_island, (size_t)r->nb * sizeof(int));
    r->island_converged = gr_calloc((size_t)(isl->n ? isl->n : 1), sizeof(int));
    r->island_ref = gr_calloc((size_t)(isl->n ? isl->n : 1), sizeof(int));
    if (!r->island_converged || !r->island_ref)
        return GR_ENOMEM;
    r->n_dark_islands = 0;
    for (int s = 0; s < isl->n; s++) {
        r->island_ref[s] = isl->ref[s];
        r->island_converged[s] = isl->ref[s] < 0 ? -1 : 0;
        r->n_dark_islands += isl->ref[s] < 0;
    }
    return GR_OK;
}

void pf_branch_flows(const gr_grid *g, gr_pf_result *r, double *vr, double *vi)
{
    for (int b = 0; b < g->nb; b++) { /* one sincos per bus, not four per branch */
        vr[b] = r->vm[b] * cos(r->va[b]);
        vi[b] = r->vm[b] * sin(r->va[b]);
    }
    /* S_f = V_f conj(Yff V_f + Yft V_t), S_t = V_t conj(Ytf V_f + Ytt V_t)
     * (MATPOWER pfsoln, with Yf/Yt rows written out per branch). */
    r->loss_p = r->loss_q = 0.0;
    for (int k = 0; k < g->nl; k++) {
        r->pf[k] = r->qf[k] = r->pt[k] = r->qt[k] = 0.0;
        if (!branch_energisable(g, k))
            continue;
        double complex yff, yft, ytf, ytt;
        branch_admittances(g, k, &yff, &yft, &ytf, &ytt);
        int f = g->br_f[k], t = g->br_t[k];
        double vfr = vr[f], vfi = vi[f], vtr = vr[t], vti = vi[t];
        double ifr = creal(yff) * vfr - cimag(yff) * vfi + creal(yft) * vtr - cimag(yft) * vti;
        double ifi = creal(yff) * vfi + cimag(yff) * vfr + creal(yft) * vti + cimag(yft) * vtr;
        double itr = creal(ytf) * vfr - cimag(ytf) * vfi + creal(ytt) * vtr - cimag(ytt) * vti;
        double iti = creal(ytf) * vfi + cimag(ytf) * vfr + creal(ytt) * vti + cimag(ytt) * vtr;
        r->pf[k] = vfr * ifr + vfi * ifi; /* V conj(I) */
        r->qf[k] = vfi * ifr - vfr * ifi;
        r->pt[k] = vtr * itr + vti * iti;
        r->qt[k] = vti * itr - vtr * iti;
        r->loss_p += r->pf[k] + r->pt[k];
        r->loss_q += r->qf[k] + r->qt[k];
    }
}

int gr_pf_residual(const gr_grid *g, const gr_pf_result *r, double *max_p, double *max_q)
{
    /* Recompute S = V conj(Ybus V) from the output voltages and compare it with
     * generation minus load at every energised bus of a live island. */
    gr_csc *Y = NULL;
    int st = gr_ybus_build(g, &Y, NULL, NULL);
    if (st)
        return st;
    double *inj_p = gr_calloc((size_t)g->nb + 1, sizeof(double));
    double *inj_q = gr_calloc((size_t)g->nb + 1, sizeof(double));
    double *vr = gr_malloc(((size_t)g->nb + 1) * sizeof(double));
    double *vi = gr_malloc(((size_t)g->nb + 1) * sizeof(double));
    double *ir = gr_calloc((size_t)g->nb + 1, sizeof(double));
    double *ii = gr_calloc((size_t)g->nb + 1, sizeof(double));
    if (!inj_p || !inj_q || !vr || !vi || !ir || !ii) {
        st = GR_ENOMEM;
        goto done;
    }
    for (int b = 0; b < g->nb; b++) {
        vr[b] = r->vm[b] * cos(r->va[b]);
        vi[b] = r->vm[b] * sin(r->va[b]);
        inj_p[b] = -g->pd[b];
        inj_q[b] = -g->qd[b];
    }
    csc_cmatvec(Y, vr, vi, ir, ii);
    for (int k = 0; k < g->ng; k++) {
        if (!gen_energisable(g, k))
            continue;
        inj_p[g->gen_bus[k]] += r->pg[k];
        inj_q[g->gen_bus[k]] += r->qg[k];
    }
    *max_p = *max_q = 0.0;
    for (int b = 0; b < g->nb; b++) {
        int s = r->bus_island[b];
        if (s < 0 || r->island_converged[s] != 1)
            continue;
        double p = vr[b] * ir[b] + vi[b] * ii[b], q = vi[b] * ir[b] - vr[b] * ii[b];
        *max_p = fmax(*max_p, fabs(p - inj_p[b]));
        *max_q = fmax(*max_q, fabs(q - inj_q[b]));
    }
done:
    gr_free(inj_p);
    gr_free(inj_q);
    gr_free(vr);
    gr_free(vi);
    gr_free(ir);
    gr_free(ii);
    gr_csc_free(Y);
    return st;
}
