/* contingency_dc.c — DC contingency analysis: N-1 by LODF, N-k by the multiple-outage formula, islanding outages by a full DC solve.
 *
 * DESIGN. With f0 the base flows and X_j = B^-1 (e_f - e_t) of outaged
 * branch k_j (sens.h), the post-outage flows of a set K of m branches are
 *     f = f0 + sum_j PTDF(:, k_j) z_j,   (I - H) z = f0(K),
 *     H(i, j) = b_ki (X_j[f_ki] - X_j[t_ki])
 * (the compensation form of the LODF; for m = 1, z = f0_k / (1 - H_kk) and
 * f = f0 + LODF(:, k) f0_k; for m = 2 it is the two-outage formula of
 * Guler, Gross & Liu, IEEE TPWRS 2007). It is exact for the linear model,
 * so it equals gr_pf_dc of the outaged grid. Generator outages add the
 * injection change -Pg at their bus (taken up by the island's reference,
 * as gr_pf_dc does) to f0 first. The right-hand sides of a block of
 * contingencies are solved together with the factorised B (one per thread).
 * A single bridge k (its outage cuts off the buses S beyond it; found with
 * the depth-first tree of sens_bridge_tree) carries exactly the net import
 * f_in of S, whatever the impedances. Injecting f_in at one bus of S (the
 * reference S gets per DESIGN §1 when it has generation, any bus of S when
 * it is dark) makes k's flow zero, so the base network with that injection
 * has the flows of the split grid: one solve, like any other outage; S's
 * flows are zero when it is dark and its load is reported. Other outages
 * that split an island (I - H singular, confirmed on the graph) or remove
 * an island's reference generator change islands or slacks in ways the
 * formulas do not cover: they are solved by gr_pf_dc of the outaged grid,
 * island by island. */
#include <math.h>
#include <string.h>

#include "model/islands_internal.h"
#include "sim/contingency_internal.h"
#include "solve/dc.h"
#include "solve/sens.h"

/* Pivot of I - H under which the graph decides whether the outage islands. */
#define DC_PIVOT_CHECK 1e-8
/* Most outaged branches solved by the compensation formula: it needs m
 * solves and an m x m system per contingency, where a full solve of the
 * outaged grid (exact as well) is one factorisation; above this the full
 * solve is used, so a thread's workspace stays O(n DC_MAX_LODF). */
#define DC_MAX_LODF 64

typedef struct dc_shared {
    const gr_grid *g;
    gr_islands *isl;
    gr_pf_result *base;
    unsigned char *is_ref;  /* nb: bus is its island's reference */
    unsigned char *bus_ok;  /* nb: in an island with generation */
    int max_br, max_gen;    /* most branches / generators of a contingency (<= nl / ng:
                               the list has no element twice) */
    ctg_tree tree;          /* bridges and the sides they cut off */
} dc_shared;

typedef struct dc_thread {
    dc_system dc;
    gr_grid *gc;            /* copy for the full solves */
    double *X;              /* dc.n x cap columns */
    int cap;
    double *theta;          /* dc.n: angle change */
    double *pf;             /* nl */
    unsigned char *br_out;  /* nl */
    int *br, *gen;          /* max_br, max_gen */
    double *M, *z;          /* m^2, m for m = min(max_br, DC_MAX_LODF) */
    int *col0, *nbr, *ngen, *fallback; /* per contingency of the block */
    int *cut;               /* per contingency of the block: a single bridge (1) or not */
    ctg_cut *cuts;          /* per contingency of the block: the side it cuts off */
    int *cf, *ct;           /* nl: unknown of each branch end, -1 for references and dark */
} dc_thread;

static void dc_thread_free(void *thread)
{
    dc_thread *t = thread;
    dc_system_free(&t->dc);
    gr_grid_free(t->gc);
    gr_free(t->X);
    gr_free(t->theta);
    gr_free(t->pf);
    gr_free(t->br_out);
    gr_free(t->br);
    gr_free(t->gen);
    gr_free(t->M);
    gr_free(t->z);
    gr_free(t->col0);
    gr_free(t->nbr);
    gr_free(t->ngen);
    gr_free(t->fallback);
    gr_free(t->cut);
    gr_free(t->cuts);
    gr_free(t->cf);
    gr_free(t->ct);
}

static int dc_thread_init(void *thread, const void *shared)
{
    dc_thread *t = thread;
    const dc_shared *sh = shared;
    const gr_grid *g = sh->g;
    memset(t, 0, sizeof *t);
    int st = dc_system_build(g, sh->isl, &t->dc);
    if (st)
        return st;
    int mb = sh->max_br < DC_MAX_LODF ? sh->max_br : DC_MAX_LODF;
    size_t me = (size_t)mb + 1;
    t->cap = CTG_BLOCK * (mb + 1);
    t->X = gr_malloc(((size_t)t->dc.n * (size_t)t->cap + 1) * sizeof(double));
    t->theta = gr_malloc(((size_t)t->dc.n + 1) * sizeof(double));
    t->pf = gr_calloc((size_t)g->nl + 1, sizeof(double));
    t->br_out = gr_calloc((size_t)g->nl + 1, 1);
    t->br = gr_malloc(((size_t)sh->max_br + 1) * sizeof(int));
    t->gen = gr_malloc(((size_t)sh->max_gen + 1) * sizeof(int));
    t->M = gr_malloc(me * me * sizeof(double));
    t->z = gr_malloc(me * sizeof(double));
    t->col0 = gr_malloc((CTG_BLOCK + 1) * sizeof(int));
    t->nbr = gr_malloc(CTG_BLOCK * sizeof(int));
    t->ngen = gr_malloc(CTG_BLOCK * sizeof(int));
    t->fallback = gr_malloc(CTG_BLOCK * sizeof(int));
    t->cut = gr_malloc(CTG_BLOCK * sizeof(int));
    t->cuts = gr_malloc(CTG_BLOCK * sizeof(ctg_cut));
    t->cf = gr_malloc(((size_t)g->nl + 1) * sizeof(int));
    t->ct = gr_malloc(((size_t)g->nl + 1) * sizeof(int));
    if (!t->X || !t->theta || !t->pf || !t->br_out || !t->br || !t->gen || !t->M ||
        !t->z || !t->col0 || !t->nbr || !t->ngen || !t->fallback || !t->cut || !t->cuts ||
        !t->cf || !t->ct)
        return GR_ENOMEM;
    for (int k = 0; k < g->nl; k++) {
        t->cf[k] = t->dc.col[g->br_f[k]];
        t->ct[k] = t->dc.col[g->br_t[k]];
    }
    return gr_grid_copy(g, &t->gc);
}

/* Full DC solve of the outaged grid. */
static int solve_full(ctg_run *run, int c, dc_thread *t)
{
    gr_pf_result *r = NULL;
    ctg_apply_outage(run, c, t->gc, 0);
    int st = gr_pf_dc(t->gc, &r, NULL);
    if (st == GR_OK) {
        const gr_grid *g = run->g;
        unsigned char *ok = (unsigned char *)t->br_out; /* reuse after marking branches */
        memset(t->br_out, 0, (size_t)g->nl);
        for (int e = run->list->ptr[c]; e < run->list->ptr[c + 1]; e++)
            if (run->list->kind[e] == GR_ELEM_BRANCH)
                t->br_out[run->list->index[e]] = 1;
        unsigned char *bus_ok = gr_malloc((size_t)g->nb + 1);
        if (!bus_ok) {
            st = GR_ENOMEM;
        } else {
            for (int b = 0; b < g->nb; b++) {
                int i = r->bus_island[b];
                bus_ok[b] = i >= 0 && r->island_ref[i] >= 0;
            }
            ctg_state s = {.converged = r->converged, .method = GR_CTG_FULL, .iterations = 1,
                           .islands = r->n_islands, .dark_load_p = r->dark_load_p,
                           .bus_ok = bus_ok, .pf = r->pf, .pt = r->pt, .br_out = ok};
            st = ctg_record(run, c, &s);
            gr_free(bus_ok);
        }
        memset(t->br_out, 0, (size_t)g->nl);
    }
    ctg_apply_outage(run, c, t->gc, 1);
    gr_pf_result_free(r);
    return st;
}

/* Does the outage of t->br[0..m-1] split an island? (graph check) */
static int splits(const ctg_run *run, const dc_shared *sh, dc_thread *t, int m, int *st)
{
    gr_islands *isl = NULL;
    for (int j = 0; j < m; j++)
        t->gc->br_on[t->br[j]] = 0;
    *st = gr_islands_find(t->gc, 0, &isl, NULL);
    for (int j = 0; j < m; j++)
        t->gc->br_on[t->br[j]] = run->g->br_on[t->br[j]];
    int split = isl && isl->n != sh->isl->n;
    gr_islands_free(isl);
    return split;
}

/* Gaussian elimination with partial pivoting of the m x m system M z = z
 * (column-major M). Returns the smallest pivot magnitude. */
static double small_solve(int m, double *M, double *z)
{
    double min_piv = HUGE_VAL;
    for (int k = 0; k < m; k++) {
        int p = k;
        for (int i = k + 1; i < m; i++)
            if (fabs(M[k * m + i]) > fabs(M[k * m + p]))
                p = i;
        if (p != k) {
            for (int j = 0; j < m; j++) {
                double tmp = M[j * m + k];
                M[j * m + k] = M[j * m + p];
                M[j * m + p] = tmp;
            }
            double tmp = z[k];
            z[k] = z[p];
            z[p] = tmp;
        }
        double piv = M[k * m + k];
        if (fabs(piv) < min_piv)
            min_piv = fabs(piv);
        if (piv == 0.0)
            return 0.0;
        for (int i = k + 1; i < m; i++) {
            double f = M[k * m + i] / piv;
            for (int j = k; j < m; j++)
                M[j * m + i] -= f * M[j * m + k];
            z[i] -= f * z[k];
        }
    }
    for (int k = m - 1; k >= 0; k--) {
        double s = z[k];
        for (int j = k + 1; j < m; j++)
            s -= M[j * m + k] * z[j];
        z[k] = s / M[k * m + k];
    }
    return min_piv;
}

/* Flows after the outage of single bridge t->br[0], from the solved
 * injection column X (see ctg_cut_side). */
static int dc_cut(ctg_run *run, const dc_shared *sh, dc_thread *t, int c, const ctg_cut *cs,
                  const double *X)
{
    const gr_grid *g = run->g;
    const dc_system *dc = &t->dc;
    const gr_pf_result *base = sh->base;
    int k = t->br[0];
    int live = sh->isl->ref[cs->island] >= 0, dark_cut = live && cs->ref < 0;
    for (int l = 0; l < g->nl; l++) {
        double f = base->pf[l];
        if (dc->b[l] == 0.0)
            f = 0.0;
        else if (dark_cut && ctg_in_cut(sh->isl, &sh->tree, cs, g->br_f[l]))
            f = 0.0;  /* S is dark */
        else if (live)
            f += dc->b[l] * ((t->cf[l] >= 0 ? X[t->cf[l]] : 0.0) - (t->ct[l] >= 0 ? X[t->ct[l]] : 0.0));
        t->pf[l] = f;
    }
    t->pf[k] = 0.0;
    t->br_out[k] = 1;
    ctg_state s = {.converged = 1, .method = GR_CTG_ISLANDS, .iterations = 1,
                   .islands = sh->isl->n + 1,
                   .dark_load_p = base->dark_load_p + (dark_cut ? cs->pd : 0.0),
                   .bus_ok = sh->bus_ok, .pf = t->pf, .br_out = t->br_out};
    int st = ctg_record(run, c, &s);
    t->br_out[k] = 0;
    return st;
}

/* One block of contingencies c0 .. c1-1. */
static int dc_block(ctg_run *run, const dc_shared *sh, dc_thread *t, int c0, int c1)
{
    const gr_grid *g = run->g;
    const dc_system *dc = &t->dc;
    const gr_pf_result *base = sh->base;
    int n = dc->n, ncol = 0, st;
    /* Right-hand sides: one column per outaged branch, one for the generators. */
    for (int c = c0; c < c1; c++) {
        int i = c - c0, nbr, ngen;
        ctg_elements(run, c, t->br, &nbr, t->gen, &ngen);
        t->nbr[i] = nbr;
        t->ngen[i] = ngen;
        t->col0[i] = ncol;
        t->fallback[i] = 0;
        t->cut[i] = 0;
        for (int j = 0; j < ngen; j++)
            if (sh->is_ref[g->gen_bus[t->gen[j]]])
                t->fallback[i] = 1;   /* the island's slack changes */
        if (nbr > DC_MAX_LODF)
            t->fallback[i] = 1;       /* cheaper (and smaller) as a full solve */
        if (nbr >= 1 && sh->tree.bridge[t->br[0]]) {
            if (nbr == 1 && ngen == 0)
                t->cut[i] = 1;
            else
                t->fallback[i] = 1;
        }
        if (t->fallback[i])
            continue;
        double *X = t->X + (size_t)ncol * n;
        if (t->cut[i]) {  /* the cut-off side's import injected inside it */
            ctg_cut *cs = &t->cuts[i];
            ctg_cut_side(g, sh->isl, &sh->tree, t->br[0], cs);
            int k = t->br[0], inject = cs->ref >= 0 ? cs->ref : cs->s_end;
            double f_in = cs->s_end == g->br_t[k] ? base->pf[k] : -base->pf[k];
            memset(X, 0, (size_t)n * sizeof(double));
            if (sh->isl->ref[cs->island] >= 0 && dc->col[inject] >= 0)
                X[dc->col[inject]] = f_in;
            ncol++;
            continue;
        }
        memset(X, 0, (size_t)(nbr + (ngen > 0)) * (size_t)n * sizeof(double));
        for (int j = 0; j < nbr; j++, X += n) {
            int k = t->br[j], cf = dc->col[g->br_f[k]], ct = dc->col[g->br_t[k]];
            if (cf >= 0)
                X[cf] += 1.0;
            if (ct >= 0)
                X[ct] -= 1.0;
        }
        if (ngen > 0)
            for (int j = 0; j < ngen; j++) {
                int cb = dc->col[g->gen_bus[t->gen[j]]];
                if (cb >= 0)
                    X[cb] -= base->pg[t->gen[j]];
            }
        ncol += nbr + (ngen > 0);
    }
    t->col0[c1 - c0] = ncol;
    if (n > 0 && ncol > 0 && (st = lu_solve_many(dc->lu, ncol, t->X)))
        return st;

    for (int c = c0; c < c1; c++) {
        int i = c - c0, m = t->nbr[i], ngen = t->ngen[i];
        if (t->fallback[i]) {
            if ((st = solve_full(run, c, t)))
                return st;
            continue;
        }
        ctg_elements(run, c, t->br, &m, t->gen, &ngen);
        const double *X = t->X + (size_t)t->col0[i] * n;
        if (t->cut[i]) {
            if ((st = dc_cut(run, sh, t, c, &t->cuts[i], X)))
                return st;
            continue;
        }
        const double *Xg = ngen > 0 ? X + (size_t)m * n : NULL;
        /* f0' on the outaged branches, with the generator change */
        for (int a = 0; a < m; a++) {
            int k = t->br[a];
            t->z[a] = base->pf[k] + (Xg ? sens_branch_delta(g, dc, k, Xg) : 0.0);
            for (int j = 0; j < m; j++)  /* M = I - H, column-major */
                t->M[j * m + a] = (a == j) - sens_branch_delta(g, dc, k, X + (size_t)j * n);
        }
        double piv = m > 0 ? small_solve(m, t->M, t->z) : 1.0;
        if (!(piv > DC_PIVOT_CHECK)) {
            int split = splits(run, sh, t, m, &st);
            if (st)
                return st;
            if (split || !(piv > 0.0)) {
                if ((st = solve_full(run, c, t)))
                    return st;
                continue;
            }
        }
        /* theta change = Xg + sum_j X_j z_j (one outage: X_1 z_1, scaled on
         * the fly); flows f = f0 + b (dtheta_f - dtheta_t) */
        const double *th = t->theta;
        double scale = 1.0;
        if (m == 1 && !Xg) {
            th = X;
            scale = t->z[0];
        } else {
            for (int q = 0; q < n; q++)
                t->theta[q] = Xg ? Xg[q] : 0.0;
            for (int j = 0; j < m; j++) {
                const double *Xj = X + (size_t)j * n;
                double zj = t->z[j];
                for (int q = 0; q < n; q++)
                    t->theta[q] += Xj[q] * zj;
            }
        }
        for (int k = 0; k < g->nl; k++) {
            double d = (t->cf[k] >= 0 ? th[t->cf[k]] : 0.0) - (t->ct[k] >= 0 ? th[t->ct[k]] : 0.0);
            t->pf[k] = dc->b[k] == 0.0 ? 0.0 : base->pf[k] + dc->b[k] * (scale * d);
        }
        for (int j = 0; j < m; j++) {
            t->br_out[t->br[j]] = 1;
            t->pf[t->br[j]] = 0.0;
        }
        ctg_state s = {.converged = 1,
                       .method = m + ngen == 0 ? GR_CTG_NOOP : GR_CTG_LODF,
                       .iterations = m + ngen == 0 ? 0 : 1,
                       .islands = sh->isl->n,
                       .dark_load_p = base->dark_load_p,
                       .bus_ok = sh->bus_ok, .pf = t->pf, .br_out = t->br_out};
        st = ctg_record(run, c, &s);
        for (int j = 0; j < m; j++)
            t->br_out[t->br[j]] = 0;
        if (st)
            return st;
    }
    return GR_OK;
}

static int dc_timed_block(ctg_run *run, const void *shared, void *thread, int c0, int c1)
{
    double tb = gr_time_s();
    int st = dc_block(run, shared, thread, c0, c1);
    for (int c = c0; c < c1; c++) /* a block is solved together: its mean */
        run->r->time_s[c] = (gr_time_s() - tb) / (c1 - c0);
    return st;
}

int ctg_run_dc(ctg_run *run, gr_error *err)
{
    const gr_grid *g = run->g;
    const gr_ctg_list *l = run->list;
    dc_shared sh = {.g = g};
    int st = gr_islands_find(g, 0, &sh.isl, err);
    if (st)
        return st;
    if ((st = gr_pf_dc(g, &sh.base, err)))
        goto done;
    sh.is_ref = gr_calloc((size_t)g->nb + 1, 1);
    sh.bus_ok = gr_calloc((size_t)g->nb + 1, 1);
    if (!sh.is_ref || !sh.bus_ok || (st = ctg_tree_build(g, sh.isl, &sh.tree))) {
        st = gr_error_set(err, GR_ENOMEM, "out of memory in the DC contingency analysis");
        goto done;
    }
    for (int b = 0; b < g->nb; b++) {
        int i = sh.isl->bus_island[b];
        sh.is_ref[b] = i >= 0 && sh.isl->ref[i] == b;
        sh.bus_ok[b] = i >= 0 && sh.isl->ref[i] >= 0;
    }
    for (int c = 0; c < l->n; c++) {
        int nbr = 0, ngen = 0;
        for (int e = l->ptr[c]; e < l->ptr[c + 1]; e++)
            nbr += l->kind[e] == GR_ELEM_BRANCH, ngen += l->kind[e] != GR_ELEM_BRANCH;
        sh.max_br = nbr > sh.max_br ? nbr : sh.max_br;
        sh.max_gen = ngen > sh.max_gen ? ngen : sh.max_gen;
    }
    {
        ctg_state s = {.converged = 1, .method = GR_CTG_NOOP, .islands = sh.isl->n,
                       .dark_load_p = sh.base->dark_load_p, .bus_ok = sh.bus_ok,
                       .pf = sh.base->pf, .pt = sh.base->pt};
        ctg_record(run, -1, &s);
    }
    /* blocks of contingencies over threads and MPI ranks (ctg_sweep) */
    ctg_engine e = {.shared = &sh, .thread_size = sizeof(dc_thread),
                    .thread_init = dc_thread_init, .thread_free = dc_thread_free,
                    .block = dc_timed_block, .name = "dc", .what = "DC contingency analysis"};
    st = ctg_sweep(run, &e, err);
    if (st == GR_ESINGULAR)
        gr_error_set(err, st, "DC contingency analysis: singular susceptance matrix");
done:
    gr_islands_free(sh.isl);
    gr_pf_result_free(sh.base);
    gr_free(sh.is_ref);
    gr_free(sh.bus_ok);
    ctg_tree_free(&sh.tree);
    return st;
}
