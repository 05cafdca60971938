/* cascade_dc.c — DC power flow of a cascade on a fixed sparsity pattern: analysed once per workspace, factored per step.
 *
 * DESIGN
 *   gr_pf_dc builds, orders (AMD/BTF) and factors the reduced B of the live
 *   buses on every call; in a cascade the topology only loses branches, so
 *   the pattern of the base network (every branch, every diagonal) holds
 *   every later B. Each step fills the values of the energised branches and
 *   pins the buses whose angle is known: the reference of every live island
 *   (angle from the case, as gr_pf_dc), every bus of a dark island and every
 *   isolated bus (angle 0). A pinned bus keeps only its diagonal (1) in the
 *   matrix, and its known angle moves to the right-hand side of its
 *   neighbours — the matrix of each island is then its reduced B, exactly
 *   MATPOWER's model (makeBdc, with phase shifters and shunts), and the
 *   numbers equal gr_pf_dc's up to rounding.
 *
 *   The first solve (the base case) is factored with pivoting; later steps
 *   refactor with its pivots (klu_refactor: no pivot search, ~5x faster; B
 *   is symmetric positive definite after pinning, so the diagonal pivots of
 *   the base stay good). When a refactor's pivots are poor, lu_factor_track
 *   pivots afresh; casc_dc_restart then returns to the base pivots before the
 *   next cascade, so each cascade's numbers depend only on that cascade —
 *   never on which thread ran what before (determinism of the Monte Carlo).
 */
#include <math.h>
#include <string.h>

#include "model/islands_internal.h"
#include "sim/cascade_dc.h"
#include "solve/dc.h"
#include "solve/finite.h"
#include "solve/lu.h"
#include "sparse/csc.h"

struct casc_dc {
    int nb, nl;
    gr_csc *B;          /* nb x nb: pattern of all branches and all diagonals */
    int *slot;          /* 4 nl: positions of (f,f), (t,t), (f,t), (t,f) in B->x */
    int *diag;          /* nb: position of (b,b) */
    int *pinned;        /* nb */
    double *b;          /* nl: susceptance of energised branches, else 0 */
    double *rhs;        /* nb */
    double *pinj;       /* nb: computed injections */
    lu_solver *lu;
    double *x_ref;      /* values whose pivots every event starts from (the first solve's) */
    int have_ref;       /* x_ref set and factored */
    int dirty;          /* pivots differ from x_ref's (a refactor fell back to pivoting) */
};

void casc_dc_free(casc_dc *dc)
{
    if (!dc)
        return;
    gr_csc_free(dc->B);
    gr_free(dc->slot);
    gr_free(dc->diag);
    gr_free(dc->pinned);
    gr_free(dc->b);
    gr_free(dc->rhs);
    gr_free(dc->pinj);
    lu_free(dc->lu);
    gr_free(dc->x_ref);
    gr_free(dc);
}

/* Position of (i, j) in B, or -1. Rows are sorted within a column. */
static int find_slot(const gr_csc *B, int i, int j)
{
    int lo = B->p[j], hi = B->p[j + 1] - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (B->i[mid] == i)
            return mid;
        if (B->i[mid] < i)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

int casc_dc_create(const gr_grid *g, casc_dc **out)
{
    *out = NULL;
    int nb = g->nb, nl = g->nl, st = GR_ENOMEM;
    casc_dc *dc = gr_calloc(1, sizeof *dc);
    int *Ti = gr_malloc(((size_t)4 * nl + 1) * sizeof(int));
    int *Tj = gr_malloc(((size_t)4 * nl + 1) * sizeof(int));
    if (!dc || !Ti || !Tj)
        goto done;
    dc->nb = nb;
    dc->nl = nl;
    dc->slot = gr_malloc(((size_t)4 * nl + 1) * sizeof(int));
    dc->diag = gr_malloc(((size_t)nb + 1) * sizeof(int));
    dc->pinned = gr_calloc((size_t)nb + 1, sizeof(int));
    dc->b = gr_calloc((size_t)nl + 1, sizeof(double));
    dc->rhs = gr_calloc((size_t)nb + 1, sizeof(double));
    dc->pinj = gr_calloc((size_t)nb + 1, sizeof(double));
    if (!dc->slot || !dc->diag || !dc->pinned || !dc->b || !dc->rhs || !dc->pinj)
        goto done;
    int nz = 0;
    for (int k = 0; k < nl; k++) {
        int f = g->br_f[k], t = g->br_t[k];
        Ti[nz] = f, Tj[nz++] = t;
        Ti[nz] = t, Tj[nz++] = f;
    }
    dc->B = csc_from_triplets(nb, nb, nz, Ti, Tj, NULL, NULL, 1);
    if (!dc->B)
        goto done;
    gr_free(dc->B->x);
    dc->B->x = gr_calloc((size_t)dc->B->p[nb] + 1, sizeof(double));
    dc->x_ref = gr_calloc((size_t)dc->B->p[nb] + 1, sizeof(double));
    if (!dc->B->x || !dc->x_ref)
        goto done;
    for (int b = 0; b < nb; b++)
        dc->diag[b] = find_slot(dc->B, b, b);
    for (int k = 0; k < nl; k++) {
        int f = g->br_f[k], t = g->br_t[k];
        dc->slot[4 * k] = dc->diag[f];
        dc->slot[4 * k + 1] = dc->diag[t];
        dc->slot[4 * k + 2] = find_slot(dc->B, f, t);
        dc->slot[4 * k + 3] = find_slot(dc->B, t, f);
    }
    if ((st = lu_create(&dc->lu)))
        goto done;
    if (nb > 0 && (st = lu_analyze(dc->lu, nb, dc->B->p, dc->B->i)))
        goto done;
    st = GR_OK;
done:
    gr_free(Ti);
    gr_free(Tj);
    if (st) {
        casc_dc_free(dc);
        return st;
    }
    *out = dc;
    return GR_OK;
}

int casc_dc_restart(casc_dc *dc)
{
    if (!dc->have_ref || !dc->dirty)
        return GR_OK;
    dc->dirty = 0;
    return lu_factor_full(dc->lu, dc->B->p, dc->B->i, dc->x_ref);
}

int casc_dc_solve(casc_dc *dc, const gr_grid *g, const gr_islands *isl, gr_pf_result *r)
{
    int nb = g->nb, nl = g->nl;
    gr_csc *B = dc->B;
    double *x = B->x, *rhs = dc->rhs;
    memset(x, 0, (size_t)B->p[nb] * sizeof(double));
    /* Pins, reference angles, injections Pbus = Pg - Pd - Gs - Pbusinj. */
    for (int b = 0; b < nb; b++) {
        int s = isl->bus_island[b];
        int live = s >= 0 && isl->ref[s] >= 0;
        dc->pinned[b] = !live || isl->ref[s] == b;
        r->bus_type[b] = g->bus_type[b];
        r->vm[b] = live ? 1.0 : 0.0;
        r->va[b] = live && isl->ref[s] == b ? g->va0[b] : 0.0;
        if (live && isl->ref[s] == b)
            r->bus_type[b] = GR_BUS_REF;
        rhs[b] = -g->pd[b] - g->gs[b];
    }
    for (int k = 0; k < g->ng; k++) {
        int s = isl->bus_island[g->gen_bus[k]];
        r->pg[k] = 0.0;
        r->qg[k] = 0.0;
        if (gen_energisable(g, k) && s >= 0 && isl->ref[s] >= 0) {
            r->pg[k] = g->pg[k];
            rhs[g->gen_bus[k]] += g->pg[k];
        }
    }
    for (int k = 0; k < nl; k++) {
        dc->b[k] = 0.0;
        if (!branch_energisable(g, k))
            continue;
        int f = g->br_f[k], t = g->br_t[k], s = isl->bus_island[f];
        if (s < 0 || isl->ref[s] < 0)
            continue; /* dark island: no flow */
        double bk = 1.0 / (g->br_x[k] * g->br_tap[k]), pfinj = -bk * g->br_shift[k];
        dc->b[k] = bk;
        rhs[f] -= pfinj;
        rhs[t] += pfinj;
        int pf_ = dc->pinned[f], pt_ = dc->pinned[t];
        if (!pf_)
            x[dc->slot[4 * k]] += bk;
        if (!pt_)
            x[dc->slot[4 * k + 1]] += bk;
        if (!pf_ && !pt_) {
            x[dc->slot[4 * k + 2]] -= bk;
            x[dc->slot[4 * k + 3]] -= bk;
        }
        if (!pf_ && pt_)
            rhs[f] += bk * r->va[t];
        if (!pt_ && pf_)
            rhs[t] += bk * r->va[f];
    }
    for (int b = 0; b < nb; b++)
        if (dc->pinned[b]) {
            x[dc->diag[b]] = 1.0;
            rhs[b] = r->va[b];
        }
    int st = GR_OK;
    if (nb > 0 && !dc->have_ref) {
        memcpy(dc->x_ref, x, (size_t)B->p[nb] * sizeof(double));
        st = lu_factor_full(dc->lu, B->p, B->i, x);
        dc->have_ref = st == GR_OK;
    } else if (nb > 0) {
        int full = 0;
        st = lu_factor_track(dc->lu, B->p, B->i, x, &full);
        dc->dirty |= full;
    }
    if (!st && nb > 0)
        st = lu_solve(dc->lu, rhs);
    if (st)
        return st;
    for (int b = 0; b < nb; b++)
        if (!dc->pinned[b])
            r->va[b] = rhs[b];
    /* Flows Pf = b (Va_f - Va_t) + Pfinj; the reference unit takes what
     * leaves its bus (as gr_pf_dc). */
    memset(dc->pinj, 0, (size_t)nb * sizeof(double));
    r->loss_p = r->loss_q = 0.0;
    for (int k = 0; k < nl; k++) {
        r->qf[k] = r->qt[k] = 0.0;
        if (dc->b[k] == 0.0) {
            r->pf[k] = r->pt[k] = 0.0;
            continue;
        }
        int f = g->br_f[k], t = g->br_t[k];
        r->pf[k] = dc->b[k] * (r->va[f] - r->va[t]) - dc->b[k] * g->br_shift[k];
        r->pt[k] = -r->pf[k];
        dc->pinj[f] += r->pf[k];
        dc->pinj[t] += r->pt[k];
    }
    r->n_islands = isl->n;
    r->n_dark_islands = 0;
    r->dark_load_p = 0.0;
    memcpy(r->bus_island, isl->bus_island, (size_t)nb * sizeof(int));
    for (int s = 0; s < isl->n; s++) {
        int ref = isl->ref[s];
        r->island_ref[s] = ref;
        r->island_converged[s] = ref < 0 ? -1 : 1;
        r->n_dark_islands += ref < 0;
        if (ref < 0)
            continue;
        dc_slack_dispatch(g, ref, dc->pinj[ref], r->pg);
    }
    for (int b = 0; b < nb; b++) {
        int s = isl->bus_island[b];
        if (s < 0 || isl->ref[s] < 0)
            r->dark_load_p += g->pd[b];
    }
    r->converged = 1;
    r->iterations = 1;
    r->max_mismatch = 0.0;
    r->fail = GR_PF_FAIL_NONE;
    r->reason[0] = '\0';
    pf_result_check_finite(g, r); /* as gr_pf_dc: never converged with NaN in it */
    return GR_OK;
}
