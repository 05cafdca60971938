/* campaign_rank.c — the asset table's worst-case ranking: the load each asset lost whole costs at peak (loss_mw), by the exact shortcuts of the shedding LP first and the LP only where they cannot decide.
 *
 * DESIGN. loss_mw of asset i is shed(grid without i) - shed(grid), both the
 * shedding LP's (sim/shed.c) served-load optimum at peak, for transmission
 * substations and plants; for distribution substations and lines the dark
 * load (connectivity, campaign_assets.c). Each shedding value is found by
 * the first of these that decides it, all of them exact for the same LP:
 *   1. the knapsack screen (shed_screen.c): with no branch limit the LP
 *      splits into one fractional knapsack per island; when the knapsack's
 *      dispatch breaks no limit it is the LP's optimum (the same test and
 *      the same arithmetic as gr_shed_solve's own screen, so where it
 *      decides the value is bit for bit the one of the plain path);
 *   1b. the same screen from the undamaged grid's optimal dispatch
 *      (shed_lazy_set_start): an asset that moves no generation or load
 *      (a switching substation) only changes the flows, and one DC solve
 *      shows whether they stay within every limit; where the base dispatch
 *      is congested this decides most assets (1,071 of 1,437 solves on
 *      pglib_opf_case1888_rte);
 *   2. the LP by constraint generation (shed_lazy_solve, shed_lazy.c),
 *      its active set seeded with the undamaged grid's limits:
 *      angles eliminated by the distribution factors of the factorised B,
 *      only the branch limits that the last optimum breaks in the LP (tens
 *      of rows instead of buses + limited branches); it reaches the full
 *      LP's optimum (objective and load served per class) up to the LP's
 *      tolerance;
 *   3. the full LP (gr_shed_solve's path, with its relaxation of an
 *      infeasible state), where 2. does not apply.
 * Plants (assets of units only) change no branch: where their islands are
 * the undamaged grid's too, the undamaged grid's islands and factorised B
 * serve (shed_lazy_rebind: dc_system_build would make the same B bit for
 * bit), and before 2. the zero-loss test runs: the undamaged grid's LP,
 * kept at its optimum, re-solved by the dual simplex from its basis with
 * the plant's units fixed at 0 (shed_lazy_set_warm). Both are optimal
 * points of the same LP, so where that shed is within CAMP_RANK_ZERO / 10
 * of the undamaged one the plant's loss is 0, as 2. finds it (most plants
 * of a congested case: 174 of 176 that reach an LP on case2383wp); else 2.
 * decides as before. So the values are those of the path without these
 * steps bit for bit (CAMP_RANK_FRESH; tests/unit/test_campaign.c).
 * Distribution substations and lines: the dark load by searches from the
 * asset's elements only (dark_local), the same sum as camp_dark_load's
 * pass over the whole grid. (Re-optimising by the dual simplex from the
 * last optimal basis after a bound change: V. Chvatal, Linear Programming,
 * Freeman 1983, the dual simplex method.)
 * On a congested case (one whose base dispatch overloads branches, as
 * pglib_opf_case1888_rte or case2383wp) 1. never decides, 1b. often does and
 * 2. replaces a simplex over thousands of rows by one over tens:
 * bench/bench_assets.c measures the ratio (11.5x and 5.4x on those two).
 * The plain path (every asset by gr_shed_solve, the implementation before
 * 1b. and 2.) stays for tests and benchmarks. Values below
 * CAMP_RANK_ZERO pu of the difference are round-off of the two solves and
 * count as 0, in both paths. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/campaign_internal.h"
#include "sim/shed.h"
#include "util/progress.h"

/* |shed(i) - shed0| below this (pu) is the LP's round-off: no loss. */
#define CAMP_RANK_ZERO 1e-9

/* The shedding LP's total shed (pu) on g. Fast path: seeded with the
 * branches seed (nseed) in the constraint-generation LP's active set; with
 * active (not NULL) its active set at the end is copied there (*nactive). */
static int shed_total(const gr_grid *g, const gr_load_classes *lc, const double *cap,
                      const gr_shed_options *so, int plain, shed_lazy *keep, const int *seed,
                      int nseed, double *pg_start, int *active, int *nactive, double *total,
                      camp_rank_stats *stats, gr_error *err)
{
    gr_shed_result *r = NULL;
    int st;
    if (plain) {
        st = gr_shed_solve(g, lc, so, &r, err);
    } else {
        shed_lazy *z = keep;
        st = z ? GR_OK : shed_lazy_create(g, so, &z, err);
        if (!st && ((st = shed_lazy_seed(z, g, seed, nseed)) ||
                    (!active && (st = shed_lazy_set_start(z, g, pg_start)))))
            st = gr_error_set(err, st, "out of memory in the shedding LP");
        if (!st)
            st = shed_lazy_solve(z, g, cap, &r, err);
        if (!st && active) {
            int n = 0;
            const int *act = shed_lazy_active(z, &n);
            if (n > 0) /* (no active limit: act may be NULL) */
                memcpy(active, act, (size_t)n * sizeof(int));
            *nactive = n;
        }
        if (z != keep)
            shed_lazy_free(z);
    }
    if (st)
        return st;
    *total = r->shed_total_p;
    if (active) /* the undamaged grid: its optimum is the others' second start */
        memcpy(pg_start, r->pg, (size_t)g->ng * sizeof(double));
    if (stats) {
        if (r->lp_rows == 0)
            stats->screened++;
        else
            stats->lp++;
        stats->lp_iterations += r->lp_iterations;
    }
    gr_shed_result_free(r);
    return GR_OK;
}

/* Scratch of dark_local: the undamaged grid's reach and dark loaded buses. */
typedef struct dark_ws {
    int *lit0;              /* nb: reached from a unit in the undamaged grid (camp_dark_load) */
    int *dark0;             /* buses with load that are dark there, in bus order */
    int ndark0;
    int *stamp, *lit, *queue, *fresh; /* nb each; lit: 1 lit, 0 dark, -1 being searched */
    int now;
} dark_ws;

/* 1 when bus b of g has a unit that camp_dark_load starts from. */
static int dark_source(const gr_grid *g, const camp_adj *adj, int b)
{
    if (g->bus_type[b] == GR_BUS_ISOLATED)
        return 0;
    for (int j = adj->gen_ptr[b]; j < adj->gen_ptr[b + 1]; j++) {
        int k = adj->gen[j];
        if (g->gen_on[k] && g->pmax[k] > 0.0)
            return 1;
    }
    return 0;
}

static int cmp_int(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    return (a > b) - (a < b);
}

/* camp_dark_load(g) for g = the undamaged grid less asset i's elements, bit
 * for bit, without a pass over the whole grid: damage only takes away, so a
 * bus the undamaged grid reaches goes dark only when its part of the damaged
 * network holds no unit, and that part holds an end of a branch taken out, a
 * neighbour of a bus isolated, or the bus of a unit taken out. A search from
 * each of those stops at the first unit it reaches (the part is lit) or
 * covers the part (dark). The dark load is then summed over the dark buses
 * in bus order, as camp_dark_load sums it. */
static double dark_local(const gr_grid *g, const camp_adj *adj, const gr_campaign_assets *a,
                         int i, dark_ws *d)
{
    int nfresh = 0;
    d->now++;
    for (int e = a->elem_ptr[i]; e < a->elem_ptr[i + 1]; e++) {
        int kind = a->elem_kind[e], idx = a->elem_index[e];
        int start[2], ns = 0;
        if (kind == GR_ELEM_BRANCH) {
            start[ns++] = g->br_f[idx];
            start[ns++] = g->br_t[idx];
        } else if (kind == GR_ELEM_GEN) {
            start[ns++] = g->gen_bus[idx];
        }
        /* a bus isolated: dark itself, its neighbours are starts */
        int nbr0 = 0, nbr1 = 0;
        if (kind == GR_ELEM_BUS) {
            if (d->stamp[idx] != d->now) {
                d->stamp[idx] = d->now;
                d->lit[idx] = 0;
                if (d->lit0[idx] && g->pd[idx] > 0.0)
                    d->fresh[nfresh++] = idx;
            }
            nbr0 = adj->br_ptr[idx];
            nbr1 = adj->br_ptr[idx + 1];
        }
        for (int q = 0; q < ns + (nbr1 - nbr0); q++) {
            int s0;
            if (q < ns) {
                s0 = start[q];
            } else {
                int k = adj->br[nbr0 + q - ns];
                s0 = g->br_f[k] == idx ? g->br_t[k] : g->br_f[k];
            }
            if (!d->lit0[s0] || g->bus_type[s0] == GR_BUS_ISOLATED || d->stamp[s0] == d->now)
                continue;
            int head = 0, tail = 0, found = 0;
            d->stamp[s0] = d->now;
            d->lit[s0] = -1; /* in this search */
            d->queue[tail++] = s0;
            while (head < tail && !found) {
                int b = d->queue[head++];
                if (dark_source(g, adj, b)) {
                    found = 1;
                    break;
                }
                for (int j = adj->br_ptr[b]; j < adj->br_ptr[b + 1] && !found; j++) {
                    int k = adj->br[j];
                    if (!g->br_on[k])
                        continue;
                    int o = g->br_f[k] == b ? g->br_t[k] : g->br_f[k];
                    if (g->bus_type[o] == GR_BUS_ISOLATED)
                        continue;
                    if (d->stamp[o] == d->now) {
                        if (d->lit[o] == 1)
                            found = 1; /* met a part already found lit */
                        continue;
                    }
                    d->stamp[o] = d->now;
                    d->lit[o] = -1;
                    d->queue[tail++] = o;
                }
            }
            /* (a search never meets a part found dark: that part was covered whole) */
            for (int t = 0; t < tail; t++) {
                int b = d->queue[t];
                d->lit[b] = found;
                if (!found && g->pd[b] > 0.0)
                    d->fresh[nfresh++] = b;
            }
        }
    }
    qsort(d->fresh, (size_t)nfresh, sizeof(int), cmp_int);
    double dark = 0.0;
    for (int p = 0, q = 0; p < d->ndark0 || q < nfresh;) {
        int b = q == nfresh || (p < d->ndark0 && d->dark0[p] < d->fresh[q]) ? d->dark0[p++]
                                                                            : d->fresh[q++];
        dark += g->pd[b];
    }
    return dark;
}

int camp_assets_loss(gr_campaign_scenario *s, const camp_adj *adj, int plain,
                     camp_rank_stats *stats, gr_error *err)
{
    gr_campaign_assets *a = &s->assets;
    const gr_grid *g0 = s->grid;
    gr_grid *g = NULL;
    gr_load_classes *lc = NULL;
    shed_lazy *z0 = NULL, *zw = NULL;
    dark_ws dw = {0};
    int nb = g0->nb, fresh = plain == CAMP_RANK_FRESH;
    if (fresh)
        plain = 0;
    gr_shed_options so;
    int *mark = gr_malloc(((size_t)g0->nb + 1) * sizeof(int));
    int *queue = gr_malloc(((size_t)g0->nb + 1) * sizeof(int));
    double *cap = gr_malloc(((size_t)g0->nb * GR_LOAD_NCLASS + 1) * sizeof(double));
    int *seed = gr_malloc(((size_t)g0->nl + 1) * sizeof(int));
    double *pg = gr_malloc(((size_t)g0->ng + 1) * sizeof(double));
    int st = GR_ENOMEM, nseed = 0;
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (!mark || !queue || !cap || !seed || !pg || gr_grid_copy(g0, &g))
        goto done;
    if ((st = gr_load_classes_from_overlay(g0, s->overlay, &lc, err)))
        goto done;
    gr_shed_options_default(&so);
    shed_caps_from_classes(g0, lc, cap); /* statuses change, loads do not */
    double base = g0->base_mva;
    double dark0 = camp_dark_load(g, adj, mark, queue), shed0 = 0.0;
    if (!plain && !fresh) {
        dw.lit0 = gr_malloc(((size_t)nb + 1) * sizeof(int));
        dw.dark0 = gr_malloc(((size_t)nb + 1) * sizeof(int));
        dw.stamp = gr_calloc((size_t)nb + 1, sizeof(int));
        dw.lit = gr_malloc(((size_t)nb + 1) * sizeof(int));
        dw.queue = gr_malloc(((size_t)nb + 1) * sizeof(int));
        dw.fresh = gr_malloc(((size_t)nb + 1) * sizeof(int));
        if (!dw.lit0 || !dw.dark0 || !dw.stamp || !dw.lit || !dw.queue || !dw.fresh) {
            st = GR_ENOMEM;
            goto done;
        }
        memcpy(dw.lit0, mark, (size_t)nb * sizeof(int));
        for (int b = 0; b < nb; b++)
            if (!mark[b] && g0->pd[b] > 0.0)
                dw.dark0[dw.ndark0++] = b;
    }
    /* the undamaged grid's LP (zw, kept at its optimum: the zero-loss test)
     * and its islands and factorised B (z0, for the assets that leave them
     * as they are: plants, shed_lazy_rebind) */
    if (!plain && !fresh && ((st = shed_lazy_create(g, &so, &zw, err)) ||
                   (st = shed_lazy_create(g, &so, &z0, err))))
        goto done;
    if ((st = shed_total(g, lc, cap, &so, plain, zw, NULL, 0, pg, seed, &nseed, &shed0, stats,
                          err)))
        goto done;
    if (z0)
        shed_lazy_set_warm(z0, zw, shed0, 0.1 * CAMP_RANK_ZERO);
    for (int i = 0; i < a->n; i++) {
        gr_progress_report("ranking the assets by their loss", i, a->n);
        camp_grid_reset(g, g0);
        for (int j = a->elem_ptr[i]; j < a->elem_ptr[i + 1]; j++)
            camp_grid_out(g, adj, a->elem_kind[j], a->elem_index[j]);
        int cls = a->cls[i];
        if (a->switchyard[i] < 0 && cls < GR_ASSET_PLANT) { /* distribution, line */
            double dark = !dw.lit0 ? camp_dark_load(g, adj, mark, queue)
                                         : dark_local(g, adj, a, i, &dw);
            a->loss_mw[i] = fmax(0.0, dark - dark0) * base;
            continue;
        }
        double shed = 0.0;
        int units_only = 1, same = 0;
        for (int j = a->elem_ptr[i]; j < a->elem_ptr[i + 1]; j++)
            units_only &= a->elem_kind[j] == GR_ELEM_GEN;
        if (z0 && units_only && (st = shed_lazy_rebind(z0, g, &same, err)))
            goto done;
        int warm0 = z0 ? shed_lazy_warm_hits(z0) : 0;
        if ((st = shed_total(g, lc, cap, &so, plain, same ? z0 : NULL, seed, nseed, pg, NULL,
                              NULL, &shed, stats, err)))
            goto done;
        if (stats) {
            stats->reused += same;
            stats->warm += z0 ? shed_lazy_warm_hits(z0) - warm0 : 0;
        }
        double d = shed - shed0;
        a->loss_mw[i] = d > CAMP_RANK_ZERO ? d * base : 0.0;
    }
    st = GR_OK;
done:
    if (st == GR_ENOMEM)
        gr_error_set(err, st, "out of memory building the asset table");
    gr_load_classes_free(lc);
    shed_lazy_free(z0);
    shed_lazy_free(zw);
    gr_grid_free(g);
    gr_free(mark);
    gr_free(queue);
    gr_free(dw.lit0);
    gr_free(dw.dark0);
    gr_free(dw.stamp);
    gr_free(dw.lit);
    gr_free(dw.queue);
    gr_free(dw.fresh);
    gr_free(cap);
    gr_free(seed);
    gr_free(pg);
    return st;
}
