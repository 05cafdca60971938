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
 * On a congested case (one whose base dispatch overloads branches, as
 * pglib_opf_case1888_rte or case2383wp) 1. never decides, 1b. often does and
 * 2. replaces a simplex over thousands of rows by one over tens:
 * bench/bench_assets.c measures the ratio (11.5x and 5.4x on those two).
 * The plain path (every asset by gr_shed_solve, the implementation before
 * 1b. and 2.) stays for tests and benchmarks. Values below
 * CAMP_RANK_ZERO pu of the difference are round-off of the two solves and
 * count as 0, in both paths. */
#include <math.h>
#include <string.h>

#include "sim/campaign_internal.h"
#include "sim/shed.h"

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

int camp_assets_loss(gr_campaign_scenario *s, const camp_adj *adj, int plain,
                     camp_rank_stats *stats, gr_error *err)
{
    gr_campaign_assets *a = &s->assets;
    const gr_grid *g0 = s->grid;
    gr_grid *g = NULL;
    gr_load_classes *lc = NULL;
    shed_lazy *z0 = NULL, *zw = NULL;
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
    /* the undamaged grid's LP (zw, kept at its optimum: the zero-loss test)
     * and its islands and factorised B (z0, for the assets that leave them
     * as they are: plants, shed_lazy_rebind) */
    int fresh = plain == CAMP_RANK_FRESH;
    if (fresh)
        plain = 0;
    if (!plain && !fresh && ((st = shed_lazy_create(g, &so, &zw, err)) ||
                   (st = shed_lazy_create(g, &so, &z0, err))))
        goto done;
    if ((st = shed_total(g, lc, cap, &so, plain, zw, NULL, 0, pg, seed, &nseed, &shed0, stats,
                          err)))
        goto done;
    if (z0)
        shed_lazy_set_warm(z0, zw, shed0, 0.1 * CAMP_RANK_ZERO);
    for (int i = 0; i < a->n; i++) {
        camp_grid_reset(g, g0);
        for (int j = a->elem_ptr[i]; j < a->elem_ptr[i + 1]; j++)
            camp_grid_out(g, adj, a->elem_kind[j], a->elem_index[j]);
        int cls = a->cls[i];
        if (a->switchyard[i] < 0 && cls < GR_ASSET_PLANT) { /* distribution, line */
            a->loss_mw[i] = fmax(0.0, camp_dark_load(g, adj, mark, queue) - dark0) * base;
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
    gr_free(cap);
    gr_free(seed);
    gr_free(pg);
    return st;
}
