/* shed_screen.c — exact shortcut of the shedding LP when no branch limit binds.
 *
 * DESIGN. Without branch limits the shedding LP splits into one fractional
 * knapsack per island: generation capacity P (sum of pmax) minus the fixed
 * demand (shunts, negative loads) is given to the load classes in order of
 * weight, each MW of class c being worth weight_c - gen_cost. That value is
 * an upper bound of the full LP's objective. If a dispatch that produces
 * exactly the served load gives DC flows within every limit, the bound is
 * reached and the point is optimal for the full LP; no LP is needed. This
 * is the common case in Monte Carlo loops over damaged grids (a dark area, a
 * lost plant) and costs one sparse DC solve instead of a simplex run. The
 * shed load is spread in proportion to each bus's load of the class (the LP
 * is degenerate there and could pick any split). */
#include <math.h>
#include <string.h>

#include "model/islands_internal.h"
#include "sim/shed.h"
#include "solve/dc.h"

/* Served fraction of each class per island; returns 0 when the knapsack
 * cannot decide alone (demand beyond capacity, a class not worth serving). */
static int island_fractions(const gr_grid *g, const gr_islands *isl, const double *cap,
                            const gr_shed_options *opt, const int *brow, const int *gcol,
                            double *frac, double *target)
{
    const int NC = GR_LOAD_NCLASS, ni = isl->n;
    double *cls = frac; /* first the class totals, then the fractions */
    for (int q = 0; q < ni * NC; q++)
        cls[q] = 0.0;
    for (int s = 0; s < ni; s++)
        target[s] = 0.0; /* fixed demand, then everything to produce */
    double *capacity = target + ni;
    for (int s = 0; s < ni; s++)
        capacity[s] = 0.0;
    for (int b = 0; b < g->nb; b++) {
        if (brow[b] < 0)
            continue;
        int s = isl->bus_island[b];
        target[s] += g->gs[b] + (g->pd[b] < 0.0 ? g->pd[b] : 0.0);
        if (g->pd[b] > 0.0)
            for (int c = 0; c < NC; c++)
                cls[s * NC + c] += cap[(size_t)b * NC + (size_t)c];
    }
    for (int k = 0; k < g->ng; k++)
        if (gcol[k] >= 0)
            capacity[isl->bus_island[g->gen_bus[k]]] += g->pmax[k] > 0.0 ? g->pmax[k] : 0.0;
    int order[GR_LOAD_NCLASS] = {0, 1, 2};
    for (int i = 1; i < NC; i++) /* classes by weight, heaviest first (stable) */
        for (int j = i; j > 0 && opt->weight[order[j]] > opt->weight[order[j - 1]]; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (int s = 0; s < ni; s++) {
        if (isl->ref[s] < 0)
            continue;
        double avail = capacity[s] - target[s];
        if (avail < 0.0)
            return 0; /* fixed injections alone exceed capacity: the LP reports it */
        for (int i = 0; i < NC; i++) {
            int c = order[i];
            double total = cls[s * NC + c];
            if (total <= 0.0) {
                cls[s * NC + c] = 1.0;
                continue;
            }
            if (opt->weight[c] <= opt->gen_cost)
                return 0;
            double served = total < avail ? total : avail;
            avail -= served;
            target[s] += served;
            cls[s * NC + c] = served / total;
        }
        if (target[s] < 0.0)
            return 0; /* a surplus of fixed injections: units cannot absorb it */
    }
    return 1;
}

/* Dispatch producing target[s] in each island from the LP's starting point
 * pg0: extra output shared by headroom, less output in proportion. */
static void island_dispatch(const gr_grid *g, const gr_islands *isl, const int *gcol,
                            const double *pg0, const double *target, double *sum, double *room,
                            double *pg)
{
    for (int s = 0; s < isl->n; s++)
        sum[s] = room[s] = 0.0;
    for (int k = 0; k < g->ng; k++) {
        if (gcol[k] < 0)
            continue;
        int s = isl->bus_island[g->gen_bus[k]];
        sum[s] += pg0[k];
        room[s] += (g->pmax[k] > 0.0 ? g->pmax[k] : 0.0) - pg0[k];
    }
    for (int k = 0; k < g->ng; k++) {
        pg[k] = 0.0;
        if (gcol[k] < 0)
            continue;
        int s = isl->bus_island[g->gen_bus[k]];
        double pmax = g->pmax[k] > 0.0 ? g->pmax[k] : 0.0, need = target[s] - sum[s];
        if (need >= 0.0)
            pg[k] = pg0[k] + (room[s] > 0.0 ? (pmax - pg0[k]) * need / room[s] : 0.0);
        else
            pg[k] = sum[s] > 0.0 ? pg0[k] * target[s] / sum[s] : 0.0;
    }
}

int shed_screen(const gr_grid *g, const gr_islands *isl, const double *cap,
                const gr_shed_options *opt, const int *brow, const int *gcol, const double *pg0,
                gr_shed_result *r, int *solved)
{
    *solved = 0;
    if (opt->redispatch_cost != 0.0)
        return GR_OK; /* the knapsack bound ignores the redispatch cost */
    dc_system dc;
    int st = dc_system_build(g, isl, &dc);
    if (st == GR_ESINGULAR)
        return GR_OK; /* let the LP deal with it */
    if (st)
        return st;
    int decided = 0;
    st = shed_screen_dc(g, isl, cap, opt, brow, gcol, pg0, &dc, r, solved, &decided);
    dc_system_free(&dc);
    return st;
}

int shed_screen_dc(const gr_grid *g, const gr_islands *isl, const double *cap,
                   const gr_shed_options *opt, const int *brow, const int *gcol,
                   const double *pg0, const dc_system *dcp, gr_shed_result *r, int *solved,
                   int *decided)
{
    const int NC = GR_LOAD_NCLASS, nb = g->nb;
    const dc_system dc = *dcp;
    *solved = *decided = 0;
    if (opt->redispatch_cost != 0.0)
        return GR_OK; /* the knapsack bound ignores the redispatch cost */
    size_t ni = (size_t)isl->n + 1;
    double *frac = gr_malloc(ni * (size_t)NC * sizeof(double));
    double *target = gr_malloc(3 * ni * sizeof(double)); /* target, capacity/sum, room */
    double *inj = gr_calloc((size_t)nb + 1, sizeof(double));
    int st = GR_OK;
    if (!frac || !target || !inj) {
        st = GR_ENOMEM;
        goto done;
    }
    if (!island_fractions(g, isl, cap, opt, brow, gcol, frac, target))
        goto done;
    *decided = 1;
    island_dispatch(g, isl, gcol, pg0, target, target + ni, target + 2 * ni, r->pg);
    /* Injections P = Pg - served - Gs - negative load - Pbusinj, then B theta = P. */
    for (int b = 0; b < nb; b++) {
        if (brow[b] < 0)
            continue;
        const double *f = frac + (size_t)isl->bus_island[b] * NC;
        double served = 0.0;
        for (int c = 0; c < NC; c++) {
            size_t q = (size_t)b * NC + (size_t)c;
            double cp = g->pd[b] > 0.0 ? cap[q] : 0.0;
            double sv = cp * f[c];
            served += sv;
            r->shed_class_p[q] = cp - sv;
        }
        inj[b] = -served - g->gs[b] - (g->pd[b] < 0.0 ? g->pd[b] : 0.0) - dc.pbusinj[b];
    }
    for (int k = 0; k < g->ng; k++)
        if (gcol[k] >= 0)
            inj[g->gen_bus[k]] += r->pg[k];
    double *rhs = gr_malloc(((size_t)dc.n + 1) * sizeof(double));
    if (!rhs) {
        st = GR_ENOMEM;
        goto done;
    }
    for (int j = 0; j < dc.n; j++)
        rhs[j] = inj[dc.bus_of[j]];
    if (dc.n > 0 && (st = lu_solve(dc.lu, rhs))) {
        gr_free(rhs);
        goto done;
    }
    for (int b = 0; b < nb; b++) {
        int s = isl->bus_island[b];
        r->va[b] = brow[b] < 0 ? 0.0 : g->va0[isl->ref[s]] + (dc.col[b] >= 0 ? rhs[dc.col[b]] : 0.0);
    }
    gr_free(rhs);
    int within = 1; /* every flow is computed: shed_solve_lazy starts from the overloads */
    for (int k = 0; k < g->nl; k++) {
        r->flow_p[k] = 0.0;
        if ((dc.b[k] == 0.0 && dc.pfinj[k] == 0.0) || brow[g->br_f[k]] < 0)
            continue;
        r->flow_p[k] = dc.b[k] * (r->va[g->br_f[k]] - r->va[g->br_t[k]]) + dc.pfinj[k];
        double lim = shed_branch_limit(g, k, opt->rating);
        if (lim > 0.0 && fabs(r->flow_p[k]) > lim * (1.0 + 1e-9))
            within = 0;
    }
    if (!within)
        goto done;
    /* The bound is reached: fill the result as the LP path does. */
    double wserved = 0.0, gen_p = 0.0;
    for (int b = 0; b < nb; b++) {
        double load = 0.0, served = 0.0;
        for (int c = 0; c < NC; c++) {
            size_t q = (size_t)b * NC + (size_t)c;
            double cp = g->pd[b] > 0.0 ? cap[q] : 0.0;
            if (brow[b] < 0)
                r->shed_class_p[q] = cp;
            load += cp;
            served += cp - r->shed_class_p[q];
            r->shed_by_class_p[c] += r->shed_class_p[q];
            wserved += opt->weight[c] * (cp - r->shed_class_p[q]);
        }
        r->served_p[b] = served + (brow[b] >= 0 && g->pd[b] < 0.0 ? g->pd[b] : 0.0);
        r->shed_p[b] = load - served;
        r->shed_total_p += load - served;
        if (brow[b] < 0)
            r->dark_p += load;
    }
    for (int k = 0; k < g->ng; k++)
        gen_p += r->pg[k];
    r->objective = (wserved - opt->gen_cost * gen_p) * g->base_mva;
    *solved = 1;
done:
    gr_free(frac);
    gr_free(target);
    gr_free(inj);
    return st;
}
