/* shed.c — emergency load shedding as an LP in DC-OPF form (DESIGN §5), built directly in CSC and solved through solve/lp.h.
 *
 * DESIGN
 * Variables (all per unit on base_mva):
 *   theta_j   angle of every non-reference bus of a live island (free); the
 *             reference of each island (gr_islands_find) is fixed at 0 inside
 *             the LP and shifted to the case's angle afterwards, as rundcpf;
 *   pg_k      every energised generator of a live island, in [0, max(pmax, 0)]
 *             (pmin is relaxed to 0: in an emergency a unit may be run down
 *             or off; a unit with pmax <= 0, MATPOWER's dispatchable load, is
 *             held at 0). It is written pg_k = pg0_k + up_k - down_k around
 *             the case's dispatch pg0 (clamped to the bounds), up in
 *             [0, pmax - pg0], down in [0, pg0], so that the case's DC power
 *             flow is a starting basis (set_dc_basis);
 *   s_bc      load served at bus b in class c, in [0, pd_b * share_bc], for
 *             pd_b > 0. A negative load (generation modelled as load) is a
 *             fixed injection, never shed.
 * Rows:
 *   bus b of a live island (MATPOWER makeBdc, B-theta with phase shifters and
 *   shunts as load):
 *     sum_j Bbus_bj theta_j - sum_k pg_k + sum_c s_bc = -Gs_b - Pbusinj_b - pdfix_b
 *   branch k with a limit r_k > 0 (rateA, or rateB with 'B'):
 *     -r_k - Pfinj_k <= b_k (theta_f - theta_t) <= r_k - Pfinj_k
 * Objective: minimise  gen_cost * sum pg - sum_bc weight_c * s_bc
 * (gen_cost on up, -gen_cost on down: the same up to a constant), plus
 * redispatch_cost * (up + down) when that option is set (default 0).
 * (= maximise weighted load served minus generation cost).
 * Buses of dark islands and isolated buses get no rows and no columns: their
 * load is shed whole (reported as dark_p).
 *
 * The matrix is written straight into CSC, one column at a time: a theta
 * column gathers its incident branches through a bus->branch adjacency and a
 * dense row marker (parallel branches summed), a pg column is -1 in its bus
 * row, an s column +1. Everything is O(nb + nl + ng); the rest is CLP. */
#include <math.h>
#include <string.h>

#include "model/islands_internal.h"
#include "sim/shed.h"
#include "solve/lp.h"

void gr_shed_options_default(gr_shed_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->rating = 'A';
    opt->weight[GR_LOAD_CRITICAL] = 1000.0;
    opt->weight[GR_LOAD_RESIDENTIAL] = 10.0;
    opt->weight[GR_LOAD_OTHER] = 1.0;
    opt->gen_cost = 1e-3;
    opt->redispatch_cost = 0.0;
    opt->screen = 1;
}

void gr_shed_result_free(gr_shed_result *r)
{
    if (!r)
        return;
    gr_free(r->served_p);
    gr_free(r->shed_p);
    gr_free(r->shed_class_p);
    gr_free(r->pg);
    gr_free(r->flow_p);
    gr_free(r->va);
    gr_free(r);
}

int shed_result_alloc(int nb, int ng, int nl, gr_shed_result **out)
{
    *out = NULL;
    gr_shed_result *r = gr_calloc(1, sizeof *r);
    if (!r)
        return GR_ENOMEM;
    r->nb = nb, r->ng = ng, r->nl = nl;
    r->unbalanced_bus = -1;
    size_t b = (size_t)(nb ? nb : 1), gn = (size_t)(ng ? ng : 1), l = (size_t)(nl ? nl : 1);
    r->served_p = gr_calloc(b, sizeof(double));
    r->shed_p = gr_calloc(b, sizeof(double));
    r->shed_class_p = gr_calloc(b * GR_LOAD_NCLASS, sizeof(double));
    r->pg = gr_calloc(gn, sizeof(double));
    r->flow_p = gr_calloc(l, sizeof(double));
    r->va = gr_calloc(b, sizeof(double));
    if (!r->served_p || !r->shed_p || !r->shed_class_p || !r->pg || !r->flow_p || !r->va) {
        gr_shed_result_free(r);
        return GR_ENOMEM;
    }
    *out = r;
    return GR_OK;
}

/* Flow injection of a phase shifter, Pfinj = -b shift with b = 1/(x tap)
 * (MATPOWER makeBdc); 0 for no shift. */
static double branch_pfinj(const gr_grid *g, int k)
{
    if (g->br_shift[k] == 0.0)
        return 0.0;
    double p = -g->br_shift[k] / (g->br_x[k] * g->br_tap[k]);
    return isfinite(p) ? p : 0.0;
}

int shed_check_options(const gr_grid *g, const gr_shed_options *opt, gr_error *err)
{
    if (opt->rating != 'A' && opt->rating != 'B' && opt->rating != 'a' && opt->rating != 'b')
        return gr_error_set(err, GR_EINVAL, "shedding: rating must be 'A' or 'B', not '%c'",
                            opt->rating ? opt->rating : '?');
    for (int c = 0; c < GR_LOAD_NCLASS; c++)
        if (!isfinite(opt->weight[c]) || opt->weight[c] < 0.0)
            return gr_error_set(err, GR_EINVAL,
                                "shedding: class weight %d is %g (must be finite and >= 0)", c,
                                opt->weight[c]);
    if (!isfinite(opt->gen_cost) || opt->gen_cost < 0.0)
        return gr_error_set(err, GR_EINVAL,
                            "shedding: generation cost %g (must be finite and >= 0)",
                            opt->gen_cost);
    if (!isfinite(opt->redispatch_cost) || opt->redispatch_cost < 0.0)
        return gr_error_set(err, GR_EINVAL,
                            "shedding: redispatch cost %g (must be finite and >= 0)",
                            opt->redispatch_cost);
    gr_error e = {0};
    int st = gr_grid_check(g, GR_GRID_CHECK_DC, &e); /* the one input check of every solver */
    if (st)
        return gr_error_set(err, st, "shedding: %s", e.msg);
    return GR_OK;
}

/* Workspace of one build: index maps and the CSC arrays. */
typedef struct shed_ws {
    int *brow;      /* nb: row of the bus's balance equation, -1 if not live */
    int *tcol;      /* nb: theta column, -1 for references / not live */
    int *frow;      /* nl: flow-limit row of the branch, -1 if none */
    int *gcol;      /* ng: column of up_k (down_k follows), -1 if not dispatched */
    double *pg0;    /* ng: starting dispatch, the case's pg clamped to [0, pmax] */
    int *lcol;      /* nb * 3: s column, -1 if none */
    int *adj_p;     /* nb + 1: bus -> incident branches */
    int *adj_k;
    int *mark;      /* rows: position in the current column, -1 */
    double *bk;     /* nl: susceptance 1/(x tap) of energised live branches, 0 else */
    int *Ap, *Ai;
    double *Ax, *clo, *cup, *obj, *rlo, *rup;
} shed_ws;

static void ws_free(shed_ws *w)
{
    gr_free(w->brow);
    gr_free(w->tcol);
    gr_free(w->frow);
    gr_free(w->gcol);
    gr_free(w->pg0);
    gr_free(w->lcol);
    gr_free(w->adj_p);
    gr_free(w->adj_k);
    gr_free(w->mark);
    gr_free(w->bk);
    gr_free(w->Ap);
    gr_free(w->Ai);
    gr_free(w->Ax);
    gr_free(w->clo);
    gr_free(w->cup);
    gr_free(w->obj);
    gr_free(w->rlo);
    gr_free(w->rup);
}

/* Starting dispatch pg0: the case's pg clamped to [0, max(pmax, 0)], scaled
 * per island so that it meets the island's demand with everything served
 * (load, negative load, shunts): the AC losses in the case's dispatch would
 * otherwise all land on one unit and redirect flows. */
int shed_starting_dispatch(const gr_grid *g, const gr_islands *isl, const double *cap,
                           const int *brow, const int *gcol, double *pg0)
{
    double *dem = gr_calloc(2 * ((size_t)isl->n + 1), sizeof(double));
    if (!dem)
        return GR_ENOMEM;
    double *sup = dem + isl->n + 1;
    for (int b = 0; b < g->nb; b++) {
        if (brow[b] < 0)
            continue;
        int s = isl->bus_island[b];
        dem[s] += g->gs[b] + (g->pd[b] < 0.0 ? g->pd[b] : 0.0);
        if (g->pd[b] > 0.0)
            for (int c = 0; c < GR_LOAD_NCLASS; c++)
                dem[s] += cap[(size_t)b * GR_LOAD_NCLASS + (size_t)c];
    }
    for (int k = 0; k < g->ng; k++) {
        if (gcol[k] < 0)
            continue;
        double pmax = g->pmax[k] > 0.0 ? g->pmax[k] : 0.0;
        double p = g->pg[k] > 0.0 && isfinite(g->pg[k]) ? g->pg[k] : 0.0;
        pg0[k] = p < pmax ? p : pmax;
        sup[isl->bus_island[g->gen_bus[k]]] += pg0[k];
    }
    for (int k = 0; k < g->ng; k++) {
        if (gcol[k] < 0)
            continue;
        int s = isl->bus_island[g->gen_bus[k]];
        double f = sup[s] > 0.0 && dem[s] > 0.0 ? dem[s] / sup[s] : 0.0;
        double pmax = g->pmax[k] > 0.0 ? g->pmax[k] : 0.0;
        pg0[k] *= f;
        if (pg0[k] > pmax)
            pg0[k] = pmax;
    }
    gr_free(dem);
    return GR_OK;
}

/* Starting basis = the case's DC power flow with everything served: angles
 * basic, every unit at its case dispatch (up = down = 0) except in each
 * island the one with the most headroom, whose up is basic (it takes the
 * mismatch, as a slack bus); every load at its upper bound; flow rows basic,
 * balance rows at their (equal) bounds. The duals of this basis are
 * -gen_cost at every bus, so every reduced cost has the right sign: the
 * basis is dual feasible and the dual simplex only has to work off the
 * overloaded branches (and any shortfall of generation). */
static int set_dc_basis(const gr_grid *g, const gr_islands *isl, const shed_ws *w, int m, int n,
                        lp_problem *lp)
{
    unsigned char *cs = gr_malloc((size_t)n + 1), *rs = gr_malloc((size_t)m + 1);
    int *best = gr_malloc(((size_t)isl->n + 1) * sizeof(int));
    if (!cs || !rs || !best) {
        gr_free(cs);
        gr_free(rs);
        gr_free(best);
        return GR_ENOMEM;
    }
    memset(cs, LP_AT_LOWER, (size_t)n); /* the relaxed LP's extra columns at 0 */
    for (int s = 0; s < isl->n; s++)
        best[s] = -1;
    for (int k = 0; k < g->ng; k++) {
        if (w->gcol[k] < 0)
            continue;
        int s = isl->bus_island[g->gen_bus[k]];
        if (best[s] < 0 || g->pmax[k] - w->pg0[k] > g->pmax[best[s]] - w->pg0[best[s]])
            best[s] = k;
    }
    for (int b = 0; b < g->nb; b++)
        if (w->tcol[b] >= 0)
            cs[w->tcol[b]] = LP_BASIC;
    for (int k = 0; k < g->ng; k++) {
        if (w->gcol[k] < 0)
            continue;
        cs[w->gcol[k]] = best[isl->bus_island[g->gen_bus[k]]] == k ? LP_BASIC : LP_AT_LOWER;
        cs[w->gcol[k] + 1] = LP_AT_LOWER;
    }
    for (int q = 0; q < g->nb * GR_LOAD_NCLASS; q++)
        if (w->lcol[q] >= 0)
            cs[w->lcol[q]] = LP_AT_UPPER;
    for (int b = 0; b < g->nb; b++)
        if (w->brow[b] >= 0)
            rs[w->brow[b]] = LP_AT_LOWER;
    for (int k = 0; k < g->nl; k++)
        if (w->frow[k] >= 0)
            rs[w->frow[k]] = LP_BASIC;
    lp_set_basis(lp, cs, rs);
    gr_free(cs);
    gr_free(rs);
    gr_free(best);
    return GR_OK;
}

/* Penalties of the relaxed LP per pu (docs/shedding.md "Infeasible
 * states"): curtailing a negative load costs 10x the heaviest class weight,
 * so load is shed first wherever shedding helps; the balance slack costs
 * 1000x, so it only takes what neither shedding nor curtailment can. */
#define SHED_CURTAIL_FACTOR 10.0
#define SHED_SLACK_FACTOR 1000.0

/* The LP; relax adds the curtailment and slack columns (and skips the
 * screen). */
static int solve_caps(const gr_grid *g, const double *cap, const gr_shed_options *opt_in,
                      int relax, gr_shed_result **out, gr_error *err)
{
    double t0 = gr_time_s();
    *out = NULL;
    gr_shed_options opt;
    if (opt_in)
        opt = *opt_in;
    else
        gr_shed_options_default(&opt);
    int st = shed_check_options(g, &opt, err);
    if (st)
        return st;
    const int nb = g->nb, ng = g->ng, nl = g->nl, NC = GR_LOAD_NCLASS;
    gr_islands *isl = NULL;
    gr_shed_result *r = NULL;
    lp_problem *lp = NULL;
    shed_ws w;
    memset(&w, 0, sizeof w);
    int *ccol = NULL, *ucol = NULL;
    if ((st = gr_islands_find(g, 0, &isl, err)))
        return st;
    if ((st = shed_result_alloc(nb, ng, nl, &r)))
        goto oom;
    size_t b1 = (size_t)nb + 1, l1 = (size_t)nl + 1;
    w.brow = gr_malloc(b1 * sizeof(int));
    w.tcol = gr_malloc(b1 * sizeof(int));
    w.frow = gr_malloc(l1 * sizeof(int));
    w.gcol = gr_malloc(((size_t)ng + 1) * sizeof(int));
    w.pg0 = gr_calloc((size_t)ng + 1, sizeof(double));
    w.lcol = gr_malloc(b1 * (size_t)NC * sizeof(int));
    w.adj_p = gr_calloc(b1 + 1, sizeof(int));
    w.adj_k = gr_malloc(2 * l1 * sizeof(int));
    w.bk = gr_calloc(l1, sizeof(double));
    if (relax) {
        ccol = gr_malloc(b1 * sizeof(int));                       /* curtailment column */
        ucol = gr_malloc(((size_t)isl->n + 1) * sizeof(int));     /* slack pair */
    }
    if ((relax && (!ccol || !ucol)) || !w.brow || !w.tcol || !w.frow || !w.gcol || !w.pg0 || !w.lcol || !w.adj_p || !w.adj_k || !w.bk)
        goto oom;

    /* Index maps: balance rows, then flow rows; theta, pg, s columns. */
    int m = 0, n = 0;
    for (int b = 0; b < nb; b++) {
        int s = isl->bus_island[b];
        w.brow[b] = s >= 0 && isl->ref[s] >= 0 ? m++ : -1;
    }
    int nbal = m;
    for (int k = 0; k < nl; k++) {
        w.frow[k] = -1;
        if (!branch_energisable(g, k) || w.brow[g->br_f[k]] < 0)
            continue;
        if (g->br_f[k] != g->br_t[k])
            w.bk[k] = 1.0 / (g->br_x[k] * g->br_tap[k]);
        if (shed_branch_limit(g, k, opt.rating) > 0.0)
            w.frow[k] = m++;
    }
    for (int b = 0; b < nb; b++) {
        int s = isl->bus_island[b];
        w.tcol[b] = w.brow[b] >= 0 && isl->ref[s] != b ? n++ : -1;
    }
    int ntheta = n;
    for (int k = 0; k < ng; k++) {
        w.gcol[k] = -1;
        if (!gen_energisable(g, k) || w.brow[g->gen_bus[k]] < 0)
            continue;
        w.gcol[k] = n;
        n += 2;
    }
    if ((st = shed_starting_dispatch(g, isl, cap, w.brow, w.gcol, w.pg0)))
        goto oom;
    if (opt.screen && !relax) {
        int solved = 0;
        if ((st = shed_screen(g, isl, cap, &opt, w.brow, w.gcol, w.pg0, r, &solved)))
            goto oom;
        if (solved) {
            r->total_s = gr_time_s() - t0;
            ws_free(&w);
            gr_islands_free(isl);
            gr_free(ccol);
            gr_free(ucol);
            *out = r;
            return GR_OK;
        }
    }
    int nload = 0;
    for (int b = 0; b < nb; b++)
        for (int c = 0; c < NC; c++) {
            size_t q = (size_t)b * NC + (size_t)c;
            int on = w.brow[b] >= 0 && g->pd[b] > 0.0 && cap[q] > 0.0;
            w.lcol[q] = on ? n++ : -1;
            nload += on;
        }
    int nrelax = 0;
    if (relax) {
        for (int b = 0; b < nb; b++) {
            ccol[b] = w.brow[b] >= 0 && g->pd[b] < 0.0 ? n++ : -1;
            nrelax += ccol[b] >= 0;
        }
        for (int s = 0; s < isl->n; s++) {
            ucol[s] = isl->ref[s] >= 0 ? n : -1;
            n += isl->ref[s] >= 0 ? 2 : 0;
            nrelax += isl->ref[s] >= 0 ? 2 : 0;
        }
    }

    /* bus -> incident energised branches of live islands (not self-loops) */
    for (int k = 0; k < nl; k++)
        if (w.bk[k] != 0.0) {
            w.adj_p[g->br_f[k] + 1]++;
            w.adj_p[g->br_t[k] + 1]++;
        }
    for (int b = 0; b < nb; b++)
        w.adj_p[b + 1] += w.adj_p[b];
    {
        int *next = gr_malloc(b1 * sizeof(int));
        if (!next)
            goto oom;
        memcpy(next, w.adj_p, (size_t)nb * sizeof(int));
        for (int k = 0; k < nl; k++)
            if (w.bk[k] != 0.0) {
                w.adj_k[next[g->br_f[k]]++] = k;
                w.adj_k[next[g->br_t[k]]++] = k;
            }
        gr_free(next);
    }

    /* Upper bound on nonzeros: a theta column has its diagonal, one entry per
     * incident branch for the far bus and one for its flow row. */
    size_t nzmax = (size_t)ntheta + 4 * (size_t)nl + 2 * (size_t)ng + (size_t)nload + (size_t)nrelax + 1;
    w.Ap = gr_malloc(((size_t)n + 1) * sizeof(int));
    w.Ai = gr_malloc(nzmax * sizeof(int));
    w.Ax = gr_malloc(nzmax * sizeof(double));
    w.clo = gr_malloc(((size_t)n + 1) * sizeof(double));
    w.cup = gr_malloc(((size_t)n + 1) * sizeof(double));
    w.obj = gr_malloc(((size_t)n + 1) * sizeof(double));
    w.rlo = gr_malloc(((size_t)m + 1) * sizeof(double));
    w.rup = gr_malloc(((size_t)m + 1) * sizeof(double));
    w.mark = gr_malloc(((size_t)m + 1) * sizeof(int));
    if (!w.Ap || !w.Ai || !w.Ax || !w.clo || !w.cup || !w.obj || !w.rlo || !w.rup || !w.mark)
        goto oom;
    for (int i = 0; i < m; i++)
        w.mark[i] = -1;

    /* Columns, in index order: theta, pg, s. */
    int nz = 0, j = 0;
    for (int b = 0; b < nb; b++) {
        if (w.tcol[b] < 0)
            continue;
        w.Ap[j] = nz;
        for (int p = w.adj_p[b]; p < w.adj_p[b + 1]; p++) {
            int k = w.adj_k[p];
            double bk = w.bk[k];
            int other = g->br_f[k] == b ? g->br_t[k] : g->br_f[k];
            int rows[2] = {w.brow[b], w.brow[other]};
            double vals[2] = {bk, -bk};
            for (int e = 0; e < 2; e++) {   /* Bbus(b, b) += b_k, Bbus(other, b) -= b_k */
                int i = rows[e];
                if (w.mark[i] < 0) {
                    w.mark[i] = nz;
                    w.Ai[nz] = i;
                    w.Ax[nz++] = vals[e];
                } else {
                    w.Ax[w.mark[i]] += vals[e];
                }
            }
            if (w.frow[k] >= 0) {           /* flow row: +b_k at the from end, -b_k at the to end */
                w.Ai[nz] = w.frow[k];
                w.Ax[nz++] = g->br_f[k] == b ? bk : -bk;
            }
        }
        for (int p = w.Ap[j]; p < nz; p++)
            if (w.Ai[p] < nbal)
                w.mark[w.Ai[p]] = -1;
        w.clo[j] = -LP_INF;
        w.cup[j] = LP_INF;
        w.obj[j] = 0.0;
        j++;
    }
    for (int k = 0; k < ng; k++) {
        if (w.gcol[k] < 0)
            continue;
        double pmax = g->pmax[k] > 0.0 ? g->pmax[k] : 0.0;
        w.Ap[j] = nz;                 /* up_k: pg = pg0 + up - down */
        w.Ai[nz] = w.brow[g->gen_bus[k]];
        w.Ax[nz++] = -1.0;
        w.clo[j] = 0.0;
        w.cup[j] = pmax - w.pg0[k];
        w.obj[j] = opt.gen_cost + opt.redispatch_cost;
        j++;
        w.Ap[j] = nz;                 /* down_k */
        w.Ai[nz] = w.brow[g->gen_bus[k]];
        w.Ax[nz++] = 1.0;
        w.clo[j] = 0.0;
        w.cup[j] = w.pg0[k];
        w.obj[j] = -opt.gen_cost + opt.redispatch_cost;
        j++;
    }
    for (int b = 0; b < nb; b++)
        for (int c = 0; c < NC; c++) {
            if (w.lcol[(size_t)b * NC + (size_t)c] < 0)
                continue;
            w.Ap[j] = nz;
            w.Ai[nz] = w.brow[b];
            w.Ax[nz++] = 1.0;
            w.clo[j] = 0.0;
            w.cup[j] = cap[(size_t)b * NC + (size_t)c];
            w.obj[j] = -opt.weight[c];
            j++;
        }
    if (relax) {
        double wmax = 1.0;
        for (int c = 0; c < NC; c++)
            wmax = fmax(wmax, opt.weight[c]);
        for (int b = 0; b < nb; b++) {
            if (ccol[b] < 0)
                continue;
            /* curtailing c of the injection -pd: +c on the withdrawal side */
            w.Ap[j] = nz;
            w.Ai[nz] = w.brow[b];
            w.Ax[nz++] = 1.0;
            w.clo[j] = 0.0;
            w.cup[j] = -g->pd[b];
            w.obj[j] = SHED_CURTAIL_FACTOR * wmax;
            j++;
        }
        for (int s = 0; s < isl->n; s++) {
            if (ucol[s] < 0)
                continue;
            for (int e = 0; e < 2; e++) { /* +: absorbs a surplus, -: covers a deficit */
                w.Ap[j] = nz;
                w.Ai[nz] = w.brow[isl->ref[s]];
                w.Ax[nz++] = e == 0 ? 1.0 : -1.0;
                w.clo[j] = 0.0;
                w.cup[j] = LP_INF;
                w.obj[j] = SHED_SLACK_FACTOR * wmax;
                j++;
            }
        }
    }
    w.Ap[n] = nz;

    /* Row bounds. Balance: -Gs - pdfix - Pbusinj, where the phase shift of
     * branch k adds Pfinj_k = -b_k shift_k to Pbusinj at its from bus and
     * subtracts it at its to bus. Flow rows: -r - Pfinj .. r - Pfinj. */
    for (int b = 0; b < nb; b++)
        if (w.brow[b] >= 0)
            w.rlo[w.brow[b]] = -g->gs[b] - (g->pd[b] < 0.0 ? g->pd[b] : 0.0);
    for (int k = 0; k < nl; k++) {
        if (!branch_energisable(g, k) || w.brow[g->br_f[k]] < 0)
            continue;
        double pfinj = branch_pfinj(g, k);
        w.rlo[w.brow[g->br_f[k]]] -= pfinj;
        w.rlo[w.brow[g->br_t[k]]] += pfinj;
        if (w.frow[k] >= 0) {
            double lim = shed_branch_limit(g, k, opt.rating);
            w.rlo[w.frow[k]] = -lim - pfinj;
            w.rup[w.frow[k]] = lim - pfinj;
        }
    }
    for (int k = 0; k < ng; k++)
        if (w.gcol[k] >= 0)
            w.rlo[w.brow[g->gen_bus[k]]] += w.pg0[k];
    for (int b = 0; b < nb; b++)
        if (w.brow[b] >= 0)
            w.rup[w.brow[b]] = w.rlo[w.brow[b]];

    /* Solve. */
    lp_status ls = LP_OPTIMAL;
    double t1 = gr_time_s();
    if ((st = lp_create(&lp)))
        goto oom;
    if ((st = lp_load_cols(lp, m, n, w.Ap, w.Ai, w.Ax, w.clo, w.cup, w.obj, w.rlo, w.rup))) {
        if (st == GR_ENOMEM)   /* inside CLP (std::bad_alloc, solve/lp.h) */
            goto oom;
        gr_error_set(err, GR_ELP, "shedding: the LP could not be loaded (internal error)");
        st = GR_ELP;
        goto fail;
    }
    /* the relaxed LP starts from the same basis: its extra columns at 0 cost
     * far more than gen_cost, so the basis stays dual feasible */
    if ((st = set_dc_basis(g, isl, &w, m, n, lp)))
        goto oom;
    if ((st = lp_solve_dual(lp, &ls))) {
        if (st == GR_ENOMEM)   /* inside CLP (std::bad_alloc, solve/lp.h) */
            goto oom;
        gr_error_set(err, st, "shedding: the LP solver failed: %s", gr_strerror(st));
        goto fail;
    }
    if (relax && ls != LP_OPTIMAL && (st = lp_solve(lp, &ls))) { /* from scratch */
        if (st == GR_ENOMEM)
            goto oom;
        goto fail;
    }
    r->solve_s = gr_time_s() - t1;
    r->lp_iterations = lp_iterations(lp);
    r->lp_rows = m;
    r->lp_cols = n;
    if (ls == LP_INFEASIBLE) {
        st = gr_error_set(err, GR_EINFEASIBLE,
                          "shedding LP is infeasible%s: fixed injections (negative loads, shunts, "
                          "phase shifters) cannot be balanced within generator and branch limits "
                          "even with all load shed",
                          relax ? " even with negative load curtailed and a balance slack per "
                                  "island" : "");
        goto fail;
    }
    if (ls != LP_OPTIMAL) {
        st = gr_error_set(err, GR_ELP, "shedding LP failed: %s (%d rows, %d columns)",
                          lp_status_name(ls), m, n);
        goto fail;
    }

    /* Results. */
    const double *x = lp_primal(lp);
    for (int b = 0; b < nb; b++) {
        int s = isl->bus_island[b];
        double load = 0.0, served = 0.0;
        for (int c = 0; c < NC; c++) {
            size_t q = (size_t)b * NC + (size_t)c;
            double cp = g->pd[b] > 0.0 ? cap[q] : 0.0;
            double sv = 0.0;
            if (w.lcol[q] >= 0) {   /* clip solver round-off (< 1e-10 pu) */
                sv = x[w.lcol[q]];
                sv = sv < 1e-10 ? 0.0 : sv > cp - 1e-10 ? cp : sv;
            }
            load += cp;
            served += sv;
            r->shed_class_p[q] = cp - sv;
            r->shed_by_class_p[c] += cp - sv;
        }
        double curt = relax && ccol[b] >= 0 ? fmin(fmax(x[ccol[b]], 0.0), -g->pd[b]) : 0.0;
        if (curt < 1e-10)
            curt = 0.0;
        r->curtailed_p += curt;
        r->served_p[b] = served + (w.brow[b] >= 0 && g->pd[b] < 0.0 ? g->pd[b] + curt : 0.0);
        r->shed_p[b] = load - served;
        r->shed_total_p += load - served;
        if (w.brow[b] < 0)
            r->dark_p += load;
        r->va[b] = w.tcol[b] >= 0 ? x[w.tcol[b]] + g->va0[isl->ref[s]]
                   : w.brow[b] >= 0 ? g->va0[b] : 0.0;
    }
    r->relaxed = relax;
    r->unbalanced_bus = -1;
    double worst = 0.0;
    for (int s = 0; relax && s < isl->n; s++) {
        if (ucol[s] < 0)
            continue;
        double u = fabs(x[ucol[s]] - x[ucol[s] + 1]);
        if (u < 1e-10)
            continue;
        r->unbalanced_p += u;
        if (u > worst) {
            worst = u;
            r->unbalanced_bus = isl->ref[s];
        }
    }
    double gen_p = 0.0;
    for (int k = 0; k < ng; k++) {
        r->pg[k] = w.gcol[k] >= 0 ? w.pg0[k] + x[w.gcol[k]] - x[w.gcol[k] + 1] : 0.0;
        gen_p += r->pg[k];
    }
    for (int k = 0; k < nl; k++) {
        if (!branch_energisable(g, k) || w.brow[g->br_f[k]] < 0)
            continue;
        double pfinj = branch_pfinj(g, k);
        r->flow_p[k] = w.bk[k] * (r->va[g->br_f[k]] - r->va[g->br_t[k]]) + pfinj;
    }
    double wserved = 0.0;
    for (int b = 0; b < nb; b++)
        for (int c = 0; c < NC; c++) {
            size_t q = (size_t)b * NC + (size_t)c;
            if (w.lcol[q] >= 0)
                wserved += opt.weight[c] * (cap[q] - r->shed_class_p[q]);
        }
    double moved = 0.0;
    for (int k = 0; k < ng; k++)
        moved += w.gcol[k] >= 0 ? fabs(r->pg[k] - w.pg0[k]) : 0.0;
    r->objective = (wserved - opt.gen_cost * gen_p - opt.redispatch_cost * moved) * g->base_mva;
    r->total_s = gr_time_s() - t0;
    lp_free(lp);
    ws_free(&w);
    gr_islands_free(isl);
    gr_free(ccol);
    gr_free(ucol);
    *out = r;
    return GR_OK;

oom:
    st = gr_error_set(err, GR_ENOMEM, "out of memory in the shedding LP");
fail:
    lp_free(lp);
    ws_free(&w);
    gr_islands_free(isl);
    gr_free(ccol);
    gr_free(ucol);
    gr_shed_result_free(r);
    return st;
}

int shed_solve_caps(const gr_grid *g, const double *cap, const gr_shed_options *opt,
                    gr_shed_result **out, gr_error *err)
{
    int st = solve_caps(g, cap, opt, 0, out, err);
    if (st == GR_EINFEASIBLE)
        st = solve_caps(g, cap, opt, 1, out, err);
    return st;
}

int gr_shed_solve(const gr_grid *g, const gr_load_classes *classes, const gr_shed_options *opt,
                  gr_shed_result **out, gr_error *err)
{
    *out = NULL;
    if (classes && classes->nb != g->nb)
        return gr_error_set(err, GR_EINVAL,
                            "shedding: load classes are for %d buses, the grid has %d",
                            classes->nb, g->nb);
    double *cap = gr_malloc(((size_t)g->nb * GR_LOAD_NCLASS + 1) * sizeof(double));
    if (!cap)
        return gr_error_set(err, GR_ENOMEM, "out of memory in the shedding LP");
    shed_caps_from_classes(g, classes, cap);
    int st = shed_solve_caps(g, cap, opt, out, err);
    gr_free(cap);
    return st;
}
