/* shed_lazy.c — the shedding LP of shed.c by constraint generation: angles eliminated through distribution factors of the factorised B, branch limits added only where the last optimum breaks them.
 *
 * DESIGN
 * With theta eliminated (theta = B^-1 P on the non-reference buses of the
 * live islands, B the reduced Bbus of solve/dc.h, symmetric), the LP of
 * shed.c becomes, per unit on base_mva:
 *   columns  pg_k in [0, max(pmax_k, 0)] (cost gen_cost), every energised
 *            unit of a live island; s_bc in [0, cap_bc] (cost -weight_c);
 *   rows     per live island  sum pg - sum s = sum (Gs_b + pdfix_b)
 *            (the phase shifters' Pbusinj cancels over an island);
 *            per branch k in the active set, with y_k = B^-1 b_k (e_f - e_t)
 *            (the distribution factors of k, 0 at references):
 *              -r_k - c_k <= sum_k' y_k(bus) pg - sum y_k(b) s <= r_k - c_k,
 *              c_k = Pfinj_k - y_k . (Gs + pdfix + Pbusinj).
 * Eliminating theta is exact, so with every limited branch active this is
 * shed.c's LP. Few branches bind, so the active set starts with the
 * branches that the knapsack point of shed_screen.c overloads (the LP's
 * optimum without any limit), and after each solve every branch flow is
 * computed from one solve with B: the limits broken (beyond 1e-8 pu) join
 * the set and the LP is solved again. When none is broken the optimum of
 * the relaxation is feasible for the full LP, hence optimal for it. The LP
 * has islands + active rows (tens) instead of buses + limited branches
 * (thousands), and B is factorised once (shared with the screen).
 *
 * Degeneracy: the objective and the load served per class are the LP's;
 * which buses of a class are shed where several are equally good (behind
 * one congested branch, say) is the vertex CLP reaches, which depends on the
 * formulation and the start. The vertex here depends only on the grid and
 * the caps (no state carried between calls). */
#include <math.h>
#include <string.h>

#include "model/islands_internal.h"
#include "sim/shed.h"
#include "solve/lp.h"

#define LAZY_MAX_ROUNDS 200
/* Active branches past which the full LP of shed.c is solved instead: every
 * flow row is dense (a factor per unit and load column), and past about a
 * hundred of them CLP's sparse B-theta LP is the cheaper one. Measured per
 * solve in the campaign's ranking (2 cores): case2383wp 25 active on average,
 * lazy 0.009 s vs full 0.047 s; case6495rte 39, 0.030 vs 0.32 s;
 * pglib_opf_case2312_goc 120, 0.042 vs 0.017 s; pglib_opf_case3022_goc 380,
 * 0.4 vs 0.12 s. */
#define LAZY_MAX_ACTIVE 100
#define LAZY_ADD 10         /* branches added per round, worst overload first */
#define LAZY_FLOW_TOL 1e-8  /* pu beyond the limit that adds a branch */
#define LAZY_ZERO 1e-12     /* distribution factors below this are dropped */

typedef struct lazy_ws {
    int *brow, *gcol;       /* nb / ng: live bus (>= 0) / dispatched unit (>= 0) */
    double *pg0;            /* ng */
    int *irow;              /* islands: balance row of a live island, -1 */
    int *act;               /* active branches */
    double *y;              /* nact x dc.n: their distribution factors */
    int nact, capact;
    unsigned char *in_set;  /* nl */
    int *cvar;              /* columns: unit k (>= 0) or -(1 + load q) */
    int *Ap, *Ai;
    double *Ax, *clo, *cup, *obj, *rlo, *rup;
    double *p, *rhs;        /* nb, dc.n + 1 */
} lazy_ws;

static void lazy_free(lazy_ws *w)
{
    void *arrays[] = {w->brow, w->gcol, w->pg0, w->irow, w->act, w->y, w->in_set, w->cvar, w->Ap,
                      w->Ai, w->Ax, w->clo, w->cup, w->obj, w->rlo, w->rup, w->p, w->rhs};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        gr_free(arrays[i]);
}

/* Fixed consumption of bus b: shunt and negative load (pu). */
static double fixed_demand(const gr_grid *g, int b)
{
    return g->gs[b] + (g->pd[b] < 0.0 ? g->pd[b] : 0.0);
}

/* Add branch k to the active set: its distribution factors y = B^-1 b_k (e_f - e_t). */
static int add_branch(lazy_ws *w, const gr_grid *g, const dc_system *dc, int k)
{
    if (w->nact == w->capact) {
        int cap = w->capact ? 2 * w->capact : 16;
        int *a = gr_realloc(w->act, (size_t)cap * sizeof(int));
        if (!a)
            return GR_ENOMEM;
        w->act = a;
        double *y = gr_realloc(w->y, (size_t)cap * ((size_t)dc->n + 1) * sizeof(double));
        if (!y)
            return GR_ENOMEM;
        w->y = y;
        w->capact = cap;
    }
    double *y = w->y + (size_t)w->nact * ((size_t)dc->n + 1);
    memset(y, 0, ((size_t)dc->n + 1) * sizeof(double));
    int cf = dc->col[g->br_f[k]], ct = dc->col[g->br_t[k]];
    if (cf >= 0)
        y[cf] += dc->b[k];
    if (ct >= 0)
        y[ct] -= dc->b[k];
    if (dc->n > 0) {
        int st = lu_solve(dc->lu, y);
        if (st)
            return st;
    }
    w->act[w->nact++] = k;
    w->in_set[k] = 1;
    return GR_OK;
}

/* Coefficient of an injection at bus b in the flow row of active branch a. */
static double factor_at(const lazy_ws *w, const dc_system *dc, int a, int b)
{
    int j = dc->col[b];
    if (j < 0)
        return 0.0;
    double v = w->y[(size_t)a * ((size_t)dc->n + 1) + (size_t)j];
    return fabs(v) < LAZY_ZERO ? 0.0 : v;
}

/* Bounds of the flow row of active branch a: -r - c .. r - c, c the flow of
 * the fixed injections and the phase shift. */
static void flow_row_bounds(const lazy_ws *w, const gr_grid *g, const dc_system *dc,
                            const gr_shed_options *opt, int a, double *lo, double *up)
{
    int k = w->act[a];
    double c = dc->pfinj[k];
    for (int b = 0; b < g->nb; b++)
        if (w->brow[b] >= 0)
            c -= factor_at(w, dc, a, b) * (fixed_demand(g, b) + dc->pbusinj[b]);
    double lim = shed_branch_limit(g, k, opt->rating);
    *lo = -lim - c;
    *up = lim - c;
}

/* Append the flow rows of active branches from.. to the solved LP (its
 * basis kept: the next dual simplex starts from the last optimum). */
static int add_active_rows(lazy_ws *w, const gr_grid *g, const dc_system *dc,
                           const gr_shed_options *opt, int ncol, int from, lp_problem *lp)
{
    const int NC = GR_LOAD_NCLASS;
    int nr = w->nact - from;
    size_t nzmax = (size_t)ncol * (size_t)nr + 1;
    int *Rp = gr_malloc(((size_t)nr + 1) * sizeof(int));
    int *Rj = gr_malloc(nzmax * sizeof(int));
    double *Rx = gr_malloc(nzmax * sizeof(double));
    double *lo = gr_malloc(((size_t)nr + 1) * sizeof(double));
    double *up = gr_malloc(((size_t)nr + 1) * sizeof(double));
    int st = GR_ENOMEM, nz = 0;
    if (!Rp || !Rj || !Rx || !lo || !up)
        goto done;
    for (int i = 0; i < nr; i++) {
        int a = from + i;
        Rp[i] = nz;
        for (int j = 0; j < ncol; j++) {
            int v = w->cvar[j];
            int bus = v >= 0 ? g->gen_bus[v] : (-v - 1) / NC;
            double f = factor_at(w, dc, a, bus);
            if (f != 0.0) {
                Rj[nz] = j;
                Rx[nz++] = v >= 0 ? f : -f;
            }
        }
        flow_row_bounds(w, g, dc, opt, a, &lo[i], &up[i]);
    }
    Rp[nr] = nz;
    st = lp_add_rows(lp, nr, Rp, Rj, Rx, lo, up);
done:
    gr_free(Rp);
    gr_free(Rj);
    gr_free(Rx);
    gr_free(lo);
    gr_free(up);
    return st;
}

/* Branches to add: those whose |flow| (r->flow_p) passes the limit by more
 * than tol, not yet active, the `most` worst by overload ratio (ties by
 * index). Returns how many were added. */
static int add_worst(lazy_ws *w, const gr_grid *g, const dc_system *dc, const gr_shed_options *opt,
                     const double *flow, double rel, double tol, int most, int *added)
{
    int *pick = gr_malloc(((size_t)most + 1) * sizeof(int));
    double *ratio = gr_malloc(((size_t)most + 1) * sizeof(double));
    int n = 0, st = GR_OK;
    *added = 0;
    if (!pick || !ratio) {
        st = GR_ENOMEM;
        goto done;
    }
    for (int k = 0; k < g->nl; k++) {
        double lim = shed_branch_limit(g, k, opt->rating);
        if (w->in_set[k] || !(lim > 0.0) || !(fabs(flow[k]) > lim * (1.0 + rel) + tol))
            continue;
        double q = fabs(flow[k]) / lim;
        if (n == most && !(q > ratio[n - 1]))
            continue;
        int i = n < most ? n++ : n - 1; /* insertion, worst first */
        while (i > 0 && q > ratio[i - 1]) {
            pick[i] = pick[i - 1];
            ratio[i] = ratio[i - 1];
            i--;
        }
        pick[i] = k;
        ratio[i] = q;
    }
    for (int i = 0; i < n && !st; i++)
        st = add_branch(w, g, dc, pick[i]);
    *added = n;
done:
    gr_free(pick);
    gr_free(ratio);
    return st;
}

/* Starting basis of the first solve: a vertex of the knapsack optimum
 * (knap: shed_screen_dc's point, which breaks some limits) that is dual
 * feasible. Per live island, when generation covers the load served: loads
 * at their bounds as served, units at pmax in column order until the next
 * one would pass the demand, that one basic, the rest at 0; when it does
 * not: every unit at pmax, the classes served whole at their caps, the
 * class served in part filled in column order with one load basic, the
 * classes not served at 0. The island's balance row has one basic column,
 * its dual is the marginal cost (gen_cost or the class weight), every
 * reduced cost has the sign of its bound; flow rows are basic. The dual
 * simplex then only has to work off the broken limits. */
static int crash_basis(const lazy_ws *w, const gr_grid *g, const gr_islands *isl,
                       const gr_shed_result *knap, int nisl_rows, int ncol, int m,
                       lp_problem *lp)
{
    const int NC = GR_LOAD_NCLASS;
    size_t ni = (size_t)nisl_rows + 1;
    unsigned char *cs = gr_malloc((size_t)ncol + (size_t)m + ni + 1);
    /* per island: need, left, served and offered per class; marginal class */
    double *need = gr_calloc(ni * (2 + 2 * NC), sizeof(double));
    int *marg = gr_malloc(ni * sizeof(int));
    if (!cs || !need || !marg) {
        gr_free(cs);
        gr_free(need);
        gr_free(marg);
        return GR_ENOMEM;
    }
    unsigned char *rs = cs + ncol, *has_basic = rs + m; /* (after the check: no offset on NULL) */
    memset(has_basic, 0, ni);
    double *left = need + ni, *served = left + ni, *total = served + ni * NC;
    for (int b = 0; b < g->nb; b++) {
        if (w->brow[b] < 0)
            continue;
        int i = w->irow[isl->bus_island[b]];
        need[i] += fixed_demand(g, b);
    }
    for (int j = 0; j < ncol; j++) { /* load served and offered per island and class */
        int v = w->cvar[j];
        if (v >= 0)
            continue;
        int q = -v - 1, b = q / NC, c = q % NC, i = w->irow[isl->bus_island[b]];
        served[(size_t)i * NC + (size_t)c] += w->cup[j] - knap->shed_class_p[q];
        total[(size_t)i * NC + (size_t)c] += w->cup[j];
    }
    /* marginal class per island (0 < served < total), -1: none */
    for (int i = 0; i < nisl_rows; i++) {
        marg[i] = -1;
        for (int c = 0; c < NC; c++) {
            double sv = served[(size_t)i * NC + (size_t)c], tt = total[(size_t)i * NC + (size_t)c];
            need[i] += sv;
            if (sv > 1e-12 * (tt > 1.0 ? tt : 1.0) && sv < tt * (1.0 - 1e-12))
                marg[i] = c;
        }
    }
    /* per island: how much the units must still produce / the marginal class still serve */
    for (int j = 0; j < ncol; j++) {
        int v = w->cvar[j];
        if (v >= 0)
            continue;
        int q = -v - 1, b = q / NC, c = q % NC, i = w->irow[isl->bus_island[b]];
        double sv = served[(size_t)i * NC + (size_t)c], tt = total[(size_t)i * NC + (size_t)c];
        cs[j] = c == marg[i] ? LP_AT_LOWER : sv >= tt * (1.0 - 1e-12) && sv > 0.0 ? LP_AT_UPPER
                                                                                   : LP_AT_LOWER;
    }
    for (int i = 0; i < nisl_rows; i++)
        left[i] = marg[i] < 0 ? need[i] : served[(size_t)i * NC + (size_t)marg[i]];
    for (int j = 0; j < ncol; j++) {
        int v = w->cvar[j];
        int bus = v >= 0 ? g->gen_bus[v] : (-v - 1) / NC;
        int i = w->irow[isl->bus_island[bus]];
        int fill = v >= 0 ? marg[i] < 0 : (-v - 1) % NC == marg[i];
        if (v >= 0 && !fill) {
            cs[j] = LP_AT_UPPER; /* short of generation: every unit at pmax */
            continue;
        }
        if (!fill)
            continue;
        if (has_basic[i]) {
            cs[j] = LP_AT_LOWER;
        } else if (w->cup[j] < left[i]) {
            cs[j] = LP_AT_UPPER;
            left[i] -= w->cup[j];
        } else {
            cs[j] = LP_BASIC;
            has_basic[i] = 1;
        }
    }
    for (int j = ncol - 1; j >= 0; j--) { /* an island without its basic: the last filler */
        int v = w->cvar[j];
        int bus = v >= 0 ? g->gen_bus[v] : (-v - 1) / NC;
        int i = w->irow[isl->bus_island[bus]];
        int fill = v >= 0 ? marg[i] < 0 : (-v - 1) % NC == marg[i];
        if (fill && !has_basic[i]) {
            cs[j] = LP_BASIC;
            has_basic[i] = 1;
        }
    }
    for (int i = 0; i < m; i++)
        rs[i] = i < nisl_rows && has_basic[i] ? LP_AT_LOWER : LP_BASIC;
    lp_set_basis(lp, cs, rs);
    gr_free(cs);
    gr_free(need);
    gr_free(marg);
    return GR_OK;
}

/* Load and solve the LP of the active set; x in lp. *ls: its status. */
static int solve_active(lazy_ws *w, const gr_grid *g, const gr_islands *isl, const dc_system *dc,
                        const gr_shed_options *opt, const gr_shed_result *knap, int nisl_rows,
                        int ncol, lp_problem *lp, lp_status *ls)
{
    const int NC = GR_LOAD_NCLASS;
    int m = nisl_rows + w->nact;
    size_t nzmax = (size_t)ncol * (size_t)(1 + w->nact) + 1;
    int *Ai = gr_realloc(w->Ai, nzmax * sizeof(int));
    if (!Ai)
        return GR_ENOMEM;
    w->Ai = Ai;
    double *Ax = gr_realloc(w->Ax, nzmax * sizeof(double));
    double *rlo = gr_realloc(w->rlo, ((size_t)m + 1) * sizeof(double));
    if (Ax)
        w->Ax = Ax;
    if (rlo)
        w->rlo = rlo;
    double *rup = rlo ? gr_realloc(w->rup, ((size_t)m + 1) * sizeof(double)) : NULL;
    if (rup)
        w->rup = rup;
    if (!Ax || !rlo || !rup)
        return GR_ENOMEM;
    /* rows: island balances, then the active branches */
    for (int i = 0; i < nisl_rows; i++)
        rlo[i] = 0.0;
    for (int b = 0; b < g->nb; b++)
        if (w->brow[b] >= 0)
            rlo[w->irow[isl->bus_island[b]]] += fixed_demand(g, b);
    for (int i = 0; i < nisl_rows; i++)
        rup[i] = rlo[i];
    for (int a = 0; a < w->nact; a++)
        flow_row_bounds(w, g, dc, opt, a, &rlo[nisl_rows + a], &rup[nisl_rows + a]);
    /* columns */
    int nz = 0;
    for (int j = 0; j < ncol; j++) {
        int v = w->cvar[j];
        int bus = v >= 0 ? g->gen_bus[v] : (-v - 1) / NC;
        double sign = v >= 0 ? 1.0 : -1.0;
        w->Ap[j] = nz;
        Ai[nz] = w->irow[isl->bus_island[bus]];
        Ax[nz++] = -sign; /* balance: sum pg - sum s, written as sum s - sum pg = -d */
        for (int a = 0; a < w->nact; a++) {
            double f = factor_at(w, dc, a, bus);
            if (f != 0.0) {
                Ai[nz] = nisl_rows + a;
                Ax[nz++] = sign * f;
            }
        }
    }
    w->Ap[ncol] = nz;
    /* balance rows were written negated: flip their bounds */
    for (int i = 0; i < nisl_rows; i++) {
        double d = rlo[i];
        rlo[i] = rup[i] = -d;
    }
    int st = lp_load_cols(lp, m, ncol, w->Ap, Ai, Ax, w->clo, w->cup, w->obj, rlo, rup);
    if (st)
        return st;
    if ((st = crash_basis(w, g, isl, knap, nisl_rows, ncol, m, lp)))
        return st;
    /* dual simplex from the slack basis, no presolve, no scaling: CLP's
     * presolve stopped up to 1e-5 pu short of the optimum on these dense
     * rows (case300 with 40 limits) */
    return lp_solve_dual(lp, ls);
}

struct shed_lazy {
    gr_shed_options opt;
    gr_islands *isl;
    dc_system dc;
    int have_dc;            /* dc built (else B was singular: every solve falls back) */
    int nisl_rows;
    lazy_ws w;
    lp_problem *lp;         /* the last LP, or NULL */
    double *start;          /* ng: second dispatch the screen tries (shed_lazy_set_start), or NULL */
    unsigned char *br_live; /* nl: branch_energisable of the grid z was built for (shed_lazy_rebind) */
    int ncol;               /* columns of lp */
    int lp_ok;              /* lp holds the optimum of the last solve (an LP, not a screen) */
    unsigned char *fixed;   /* ncol: unit column fixed at 0 by shed_lazy_warm */
    shed_lazy *warm;        /* shed_lazy_set_warm: the zero-loss test before a fresh LP */
    double warm_shed0, warm_zero;
    int warm_hits;          /* solves decided by the zero-loss test */
};

void shed_lazy_free(shed_lazy *z)
{
    if (!z)
        return;
    lp_free(z->lp);
    gr_free(z->start);
    gr_free(z->br_live);
    gr_free(z->fixed);
    if (z->have_dc)
        dc_system_free(&z->dc);
    lazy_free(&z->w);
    gr_islands_free(z->isl);
    gr_free(z);
}

int shed_lazy_create(const gr_grid *g, const gr_shed_options *opt, shed_lazy **out, gr_error *err)
{
    *out = NULL;
    const int nb = g->nb, ng = g->ng, nl = g->nl, NC = GR_LOAD_NCLASS;
    shed_lazy *z = gr_calloc(1, sizeof *z);
    if (!z)
        return gr_error_set(err, GR_ENOMEM, "out of memory in the shedding LP");
    if (opt)
        z->opt = *opt;
    else
        gr_shed_options_default(&z->opt);
    int st = shed_check_options(g, &z->opt, err);
    if (st || (st = gr_islands_find(g, 0, &z->isl, err))) {
        shed_lazy_free(z);
        return st;
    }
    lazy_ws *w = &z->w;
    const gr_islands *isl = z->isl;
    w->brow = gr_malloc(((size_t)nb + 1) * sizeof(int));
    w->gcol = gr_malloc(((size_t)ng + 1) * sizeof(int));
    w->pg0 = gr_calloc((size_t)ng + 1, sizeof(double));
    w->irow = gr_malloc(((size_t)isl->n + 1) * sizeof(int));
    w->in_set = gr_calloc((size_t)nl + 1, 1);
    size_t maxcol = (size_t)ng + (size_t)nb * NC + 1;
    w->cvar = gr_malloc(maxcol * sizeof(int));
    w->Ap = gr_malloc((maxcol + 1) * sizeof(int));
    w->clo = gr_malloc(maxcol * sizeof(double));
    w->cup = gr_malloc(maxcol * sizeof(double));
    w->obj = gr_malloc(maxcol * sizeof(double));
    w->p = gr_malloc(((size_t)nb + 1) * sizeof(double));
    z->br_live = gr_malloc((size_t)nl + 1);
    if (!w->brow || !w->gcol || !w->pg0 || !w->irow || !w->in_set || !w->cvar || !w->Ap ||
        !w->clo || !w->cup || !w->obj || !w->p || !z->br_live) {
        shed_lazy_free(z);
        return gr_error_set(err, GR_ENOMEM, "out of memory in the shedding LP");
    }
    /* live buses and units, as shed.c */
    for (int s = 0; s < isl->n; s++)
        w->irow[s] = isl->ref[s] >= 0 ? z->nisl_rows++ : -1;
    for (int b = 0; b < nb; b++) {
        int s = isl->bus_island[b];
        w->brow[b] = s >= 0 && isl->ref[s] >= 0 ? 0 : -1;
    }
    for (int k = 0; k < ng; k++)
        w->gcol[k] = gen_energisable(g, k) && w->brow[g->gen_bus[k]] >= 0 ? 0 : -1;
    for (int k = 0; k < nl; k++)
        z->br_live[k] = (unsigned char)branch_energisable(g, k);
    st = dc_system_build(g, isl, &z->dc);
    if (st == GR_OK) {
        z->have_dc = 1;
        w->rhs = gr_malloc(((size_t)z->dc.n + 1) * sizeof(double));
        if (!w->rhs)
            st = GR_ENOMEM;
    }
    if (st && st != GR_ESINGULAR) {
        shed_lazy_free(z);
        return gr_error_set(err, GR_ENOMEM, "out of memory in the shedding LP");
    }
    *out = z;
    return GR_OK;
}

/* The LP's columns for caps cap: units, then loads (bus, class), with
 * bounds and costs in w; their count. */
static int lazy_columns(lazy_ws *w, const gr_grid *g, const double *cap,
                        const gr_shed_options *opt)
{
    const int NC = GR_LOAD_NCLASS;
    int ncol = 0;
    for (int k = 0; k < g->ng; k++)
        if (w->gcol[k] >= 0 && g->pmax[k] > 0.0) {
            w->cvar[ncol] = k;
            w->clo[ncol] = 0.0;
            w->cup[ncol] = g->pmax[k];
            w->obj[ncol++] = opt->gen_cost;
        }
    for (int b = 0; b < g->nb; b++)
        for (int c = 0; c < NC; c++) {
            size_t q = (size_t)b * NC + (size_t)c;
            if (w->brow[b] < 0 || !(g->pd[b] > 0.0) || !(cap[q] > 0.0))
                continue;
            w->cvar[ncol] = -1 - (int)q;
            w->clo[ncol] = 0.0;
            w->cup[ncol] = cap[q];
            w->obj[ncol++] = -opt->weight[c];
        }
    return ncol;
}

static int lazy_flows(lazy_ws *w, const gr_grid *g, const dc_system *dc, int ncol,
                      const double *x, double *flow);
static void lazy_result(const lazy_ws *w, const gr_grid *g, const gr_islands *isl,
                        const dc_system *dc, const gr_shed_options *optp, const double *cap,
                        int ncol, const double *x, gr_shed_result *r);
static int lazy_warm(shed_lazy *zw, const gr_grid *g, const double *cap, gr_shed_result **out,
                     int *ok);

int shed_lazy_solve(shed_lazy *z, const gr_grid *g, const double *cap, gr_shed_result **out,
                    gr_error *err)
{
    double t0 = gr_time_s();
    *out = NULL;
    const gr_shed_options opt = z->opt;
    if (!opt.screen || opt.redispatch_cost != 0.0 || !z->have_dc)
        return shed_solve_caps(g, cap, &opt, out, err);
    const int nb = g->nb, ng = g->ng, nl = g->nl;
    const gr_islands *isl = z->isl;
    const dc_system *dc = &z->dc;
    lazy_ws *w = &z->w;
    gr_shed_result *r = NULL;
    int st, fallback = 0, iters = 0;
    z->lp_ok = 0;
    if ((st = shed_result_alloc(nb, ng, nl, &r)))
        goto oom;
    if ((st = shed_starting_dispatch(g, isl, cap, w->brow, w->gcol, w->pg0)))
        goto oom;
    int solved = 0, decided = 0;
    if ((st = shed_screen_dc(g, isl, cap, &opt, w->brow, w->gcol, w->pg0, dc, r, &solved,
                             &decided)))
        goto oom;
    if (!solved && decided && z->start) {
        /* the knapsack's served load from the given dispatch: the same
           fractions, other flows (shed_lazy_set_start) */
        for (int k = 0; k < ng; k++) {
            double pmax = g->pmax[k] > 0.0 ? g->pmax[k] : 0.0, p = z->start[k];
            w->pg0[k] = w->gcol[k] < 0 || !(p > 0.0) ? 0.0 : p < pmax ? p : pmax;
        }
        if ((st = shed_screen_dc(g, isl, cap, &opt, w->brow, w->gcol, w->pg0, dc, r, &solved,
                                 &decided)))
            goto oom;
    }
    if (solved) {
        r->total_s = gr_time_s() - t0;
        *out = r;
        return GR_OK;
    }
    if (!decided) {
        fallback = 1;
        goto done;
    }
    if (z->warm) { /* the zero-loss test (shed_lazy_set_warm) */
        gr_shed_result *wr = NULL;
        int ok = 0;
        if ((st = lazy_warm(z->warm, g, cap, &wr, &ok)))
            goto oom;
        if (ok && wr->shed_total_p - z->warm_shed0 <= z->warm_zero) {
            gr_shed_result_free(r);
            z->warm_hits++;
            wr->total_s = gr_time_s() - t0;
            *out = wr;
            return GR_OK;
        }
        gr_shed_result_free(wr);
    }
    /* a fresh LP; the branches of the last solve on this topology (limits
     * that bound it) and the knapsack point's worst overloads start the
     * active set (warm-starting from the last basis instead costs more
     * iterations at another load level: every unit and load moves) */
    int ncol = lazy_columns(w, g, cap, &opt), added = 0;
    lp_free(z->lp);
    z->lp = NULL;
    if ((st = lp_create(&z->lp)))
        goto oom;
    lp_problem *lp = z->lp;
    lp_set_perturbation(lp, 1);
    if ((st = add_worst(w, g, dc, &opt, r->flow_p, 1e-9, 0.0, LAZY_ADD, &added)))
        goto oom;
    const double *x = NULL;
    for (int round = 0;; round++) {
        if (round == LAZY_MAX_ROUNDS || w->nact > LAZY_MAX_ACTIVE) {
            fallback = 1;
            goto done;
        }
        lp_status ls = LP_OPTIMAL;
        double t1 = gr_time_s();
        if (round == 0) {
            st = solve_active(w, g, isl, dc, &opt, r, z->nisl_rows, ncol, lp, &ls);
        } else {
            st = added ? add_active_rows(w, g, dc, &opt, ncol, w->nact - added, lp) : GR_OK;
            if (!st)
                st = lp_solve_dual(lp, &ls);
        }
        r->solve_s += gr_time_s() - t1;
        if (st == GR_ENOMEM)
            goto oom;
        if (st || ls != LP_OPTIMAL) {
            fallback = 1; /* the full LP says what is wrong */
            goto done;
        }
        iters += lp_iterations(lp);
        x = lp_primal(lp);
        if ((st = lazy_flows(w, g, dc, ncol, x, r->flow_p)))
            goto oom;
        if ((st = add_worst(w, g, dc, &opt, r->flow_p, 0.0, LAZY_FLOW_TOL, LAZY_ADD, &added)))
            goto oom;
        if (!added)
            break;
    }
    lazy_result(w, g, isl, dc, &opt, cap, ncol, x, r);
    r->lp_iterations = iters;
    r->lp_rows = z->nisl_rows + w->nact;
    r->lp_cols = ncol;
    r->total_s = gr_time_s() - t0;
    z->ncol = ncol;
    z->lp_ok = 1;
    *out = r;
    return GR_OK;

oom:
    st = gr_error_set(err, GR_ENOMEM, "out of memory in the shedding LP");
    fallback = 0;
done:
    gr_shed_result_free(r);
    lp_free(z->lp); /* the next solve starts cold */
    z->lp = NULL;
    if (fallback)
        return shed_solve_caps(g, cap, &opt, out, err);
    return st;
}

/* Branch flows (nl) of the LP point x (ncol columns): P = injections,
 * theta = B^-1 P; theta left in w->rhs. */
static int lazy_flows(lazy_ws *w, const gr_grid *g, const dc_system *dc, int ncol,
                      const double *x, double *flow)
{
    const int NC = GR_LOAD_NCLASS;
    for (int b = 0; b < g->nb; b++)
        w->p[b] = w->brow[b] >= 0 ? -fixed_demand(g, b) - dc->pbusinj[b] : 0.0;
    for (int j = 0; j < ncol; j++) {
        int v = w->cvar[j];
        if (v >= 0)
            w->p[g->gen_bus[v]] += x[j];
        else
            w->p[(-v - 1) / NC] -= x[j];
    }
    for (int j = 0; j < dc->n; j++)
        w->rhs[j] = w->p[dc->bus_of[j]];
    int st;
    if (dc->n > 0 && (st = lu_solve(dc->lu, w->rhs)))
        return st;
    for (int k = 0; k < g->nl; k++) {
        flow[k] = 0.0;
        if ((dc->b[k] == 0.0 && dc->pfinj[k] == 0.0) || w->brow[g->br_f[k]] < 0)
            continue;
        int cf = dc->col[g->br_f[k]], ct = dc->col[g->br_t[k]];
        double th_f = cf >= 0 ? w->rhs[cf] : 0.0, th_t = ct >= 0 ? w->rhs[ct] : 0.0;
        flow[k] = dc->b[k] * (th_f - th_t) + dc->pfinj[k];
    }
    return GR_OK;
}

/* The result of the LP point x (angles in w->rhs), as shed.c. */
static void lazy_result(const lazy_ws *w, const gr_grid *g, const gr_islands *isl,
                        const dc_system *dc, const gr_shed_options *optp, const double *cap,
                        int ncol, const double *x, gr_shed_result *r)
{
    const int nb = g->nb, ng = g->ng, NC = GR_LOAD_NCLASS;
    const gr_shed_options opt = *optp;
    for (int q = 0; q < nb * NC; q++)
        r->shed_class_p[q] = -1.0; /* marks "no column": filled below */
    for (int k = 0; k < ng; k++)
        r->pg[k] = 0.0;
    for (int j = 0; j < ncol; j++) {
        int v = w->cvar[j];
        if (v >= 0) {
            r->pg[v] = x[j];
        } else {
            size_t q = (size_t)(-v - 1);
            double cp = cap[q], sv = x[j];
            sv = sv < 1e-10 ? 0.0 : sv > cp - 1e-10 ? cp : sv; /* clip solver round-off */
            r->shed_class_p[q] = cp - sv;
        }
    }
    memset(r->shed_by_class_p, 0, sizeof r->shed_by_class_p);
    r->shed_total_p = r->dark_p = 0.0;
    double wserved = 0.0, gen_p = 0.0;
    for (int b = 0; b < nb; b++) {
        int s = isl->bus_island[b];
        double load = 0.0, served = 0.0;
        for (int c = 0; c < NC; c++) {
            size_t q = (size_t)b * NC + (size_t)c;
            double cp = g->pd[b] > 0.0 ? cap[q] : 0.0;
            double sh = r->shed_class_p[q] >= 0.0 ? r->shed_class_p[q] : cp;
            r->shed_class_p[q] = sh;
            load += cp;
            served += cp - sh;
            r->shed_by_class_p[c] += sh;
            wserved += opt.weight[c] * (cp - sh);
        }
        r->served_p[b] = served + (w->brow[b] >= 0 && g->pd[b] < 0.0 ? g->pd[b] : 0.0);
        r->shed_p[b] = load - served;
        r->shed_total_p += load - served;
        if (w->brow[b] < 0)
            r->dark_p += load;
        int j = dc->col[b];
        r->va[b] = w->brow[b] < 0 ? 0.0 : g->va0[isl->ref[s]] + (j >= 0 ? w->rhs[j] : 0.0);
    }
    for (int k = 0; k < ng; k++)
        gen_p += r->pg[k];
    r->objective = (wserved - opt.gen_cost * gen_p) * g->base_mva;
}

int shed_lazy_seed(shed_lazy *z, const gr_grid *g, const int *br, int n)
{
    if (!z->have_dc)
        return GR_OK;
    for (int i = 0; i < n; i++) {
        int k = br[i];
        if (k < 0 || k >= g->nl || z->w.in_set[k] || z->w.brow[g->br_f[k]] < 0 ||
            z->dc.b[k] == 0.0 || !(shed_branch_limit(g, k, z->opt.rating) > 0.0))
            continue;
        int st = add_branch(&z->w, g, &z->dc, k);
        if (st)
            return st;
    }
    return GR_OK;
}

/* Islands equal field by field. */
static int islands_equal(const gr_islands *a, const gr_islands *b)
{
    return a->nb == b->nb && a->n == b->n &&
           !memcmp(a->bus_island, b->bus_island, (size_t)a->nb * sizeof(int)) &&
           !memcmp(a->ref, b->ref, (size_t)a->n * sizeof(int)) &&
           !memcmp(a->n_bus, b->n_bus, (size_t)a->n * sizeof(int));
}

int shed_lazy_rebind(shed_lazy *z, const gr_grid *g, int *same, gr_error *err)
{
    *same = 0;
    if (g->nb != z->isl->nb || g->nl != z->dc.nl || !z->have_dc)
        return GR_OK;
    for (int k = 0; k < g->nl; k++)
        if (z->br_live[k] != (unsigned char)branch_energisable(g, k))
            return GR_OK;
    gr_islands *isl = NULL;
    int st = gr_islands_find(g, 0, &isl, err);
    if (st)
        return st;
    int eq = islands_equal(isl, z->isl);
    gr_islands_free(isl);
    if (!eq)
        return GR_OK;
    /* dc_system_build(g, isl) would rebuild the same B bit for bit: keep it;
     * the rest as shed_lazy_create leaves it (brow and irow depend on the
     * islands alone, so they stand) */
    lazy_ws *w = &z->w;
    for (int k = 0; k < g->ng; k++)
        w->gcol[k] = gen_energisable(g, k) && w->brow[g->gen_bus[k]] >= 0 ? 0 : -1;
    memset(w->pg0, 0, ((size_t)g->ng + 1) * sizeof(double));
    memset(w->in_set, 0, (size_t)g->nl + 1);
    w->nact = 0;
    lp_free(z->lp);
    z->lp = NULL;
    gr_free(z->start);
    z->start = NULL;
    *same = 1;
    return GR_OK;
}

/* The LP of zw's last solve (zw->lp, its optimum) with the unit columns of
 * units that g has not energised fixed at 0, re-solved by the dual simplex
 * from the last basis, limits added as in shed_lazy_solve. *ok = 1 and *out
 * set when it reaches an optimum within every limit. */
static int lazy_warm(shed_lazy *zw, const gr_grid *g, const double *cap, gr_shed_result **out,
                     int *ok)
{
    *out = NULL;
    *ok = 0;
    if (!zw->lp_ok || !zw->lp)
        return GR_OK;
    lazy_ws *w = &zw->w;
    const dc_system *dc = &zw->dc;
    const int ncol = zw->ncol;
    if (!zw->fixed && !(zw->fixed = gr_calloc((size_t)ncol + 1, 1)))
        return GR_ENOMEM;
    for (int j = 0; j < ncol; j++) {
        int v = w->cvar[j];
        if (v < 0)
            continue;
        unsigned char fix = !gen_energisable(g, v);
        if (fix != zw->fixed[j])
            lp_set_col_bounds(zw->lp, j, 0.0, fix ? 0.0 : w->cup[j]);
        zw->fixed[j] = fix;
    }
    gr_shed_result *r = NULL;
    int st = shed_result_alloc(g->nb, g->ng, g->nl, &r), iters = 0, added = 0;
    if (st)
        return st;
    const double *x = NULL;
    for (int round = 0;; round++) {
        lp_status ls = LP_OPTIMAL;
        if (round == LAZY_MAX_ROUNDS || w->nact > LAZY_MAX_ACTIVE)
            goto off;
        if (added && (st = add_active_rows(w, g, dc, &zw->opt, ncol, w->nact - added, zw->lp)))
            goto fail;
        if ((st = lp_solve_dual(zw->lp, &ls)))
            goto fail;
        if (ls != LP_OPTIMAL)
            goto off;
        iters += lp_iterations(zw->lp);
        x = lp_primal(zw->lp);
        if ((st = lazy_flows(w, g, dc, ncol, x, r->flow_p)) ||
            (st = add_worst(w, g, dc, &zw->opt, r->flow_p, 0.0, LAZY_FLOW_TOL, LAZY_ADD, &added)))
            goto fail;
        if (!added)
            break;
    }
    lazy_result(w, g, zw->isl, dc, &zw->opt, cap, ncol, x, r);
    r->lp_iterations = iters;
    r->lp_rows = zw->nisl_rows + w->nact;
    r->lp_cols = ncol;
    *out = r;
    *ok = 1;
    return GR_OK;
off: /* no answer here; the model is not used again */
    zw->lp_ok = 0;
    gr_shed_result_free(r);
    return GR_OK;
fail:
    zw->lp_ok = 0;
    gr_shed_result_free(r);
    return st == GR_ENOMEM ? st : GR_OK;
}

void shed_lazy_set_warm(shed_lazy *z, shed_lazy *warm, double shed0, double zero)
{
    z->warm = warm;
    z->warm_shed0 = shed0;
    z->warm_zero = zero;
}

int shed_lazy_warm_hits(const shed_lazy *z) { return z->warm_hits; }

int shed_lazy_set_start(shed_lazy *z, const gr_grid *g, const double *pg)
{
    if (!z->start && !(z->start = gr_malloc(((size_t)g->ng + 1) * sizeof(double))))
        return GR_ENOMEM;
    memcpy(z->start, pg, (size_t)g->ng * sizeof(double));
    return GR_OK;
}

const int *shed_lazy_active(const shed_lazy *z, int *n)
{
    *n = z->w.nact;
    return z->w.act;
}

int shed_solve_lazy(const gr_grid *g, const double *cap, const gr_shed_options *opt,
                    gr_shed_result **out, gr_error *err)
{
    shed_lazy *z = NULL;
    *out = NULL;
    int st = shed_lazy_create(g, opt, &z, err);
    if (!st)
        st = shed_lazy_solve(z, g, cap, out, err);
    shed_lazy_free(z);
    return st;
}
