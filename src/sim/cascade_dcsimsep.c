/* cascade_dcsimsep.c — model dcsimsep: the rules of DCSIMSEP (Eppstein & Hines, "A random chemistry algorithm for identifying collections of multiple contingencies that initiate cascading failure", IEEE TPWRS 27(3), 2012; public code phines/dcsimsep, src/dcsimsep.m with src/psoptions.m defaults), re-implemented on the cascade workspace.
 *
 * DESIGN (docs/cascade.md, "Reference models")
 *   Network: DCSIMSEP's dcpf.m, B from 1/x only (no taps, phase shifts or
 *   shunts), one reference bus per island taking the residual mismatch. The
 *   setup sets tap 1, shift 0 and Gs 0 on the working copy, so the cascade's
 *   DC solver (cascade_dc.c, MATPOWER's model) computes exactly that, and
 *   re-solves the base so the slack takes the DC mismatch (DCSIMSEP needs a
 *   balanced base).
 *   Relays (relay_settings.m, update_relays.m): one time-overcurrent relay
 *   per branch, pickup Imax = rateB (0: never trips), state
 *   s <- max(s + (|P| - Imax) dt, 0) for every relay (so it also runs down
 *   below pickup, at the rate of the margin; the code's extra 1e-6 pu tick
 *   down below pickup and 1e-12 tick up are kept), trip when s reaches
 *   0.5 x 15 s x Imax (a 50 % overload trips after 15 s). The time to the
 *   next trip is min (T - s)/(|P| - Imax) over the overloaded; the step is
 *   that, at most 60 s (opt.sim.dt); every relay at its threshold after the
 *   step trips at once.
 *   Loop (dcsimsep.m): damage at t = 1 s; then repeat: islands; if their
 *   number (islands + isolated buses, as find_subgraphs counts) grew,
 *   rebalance every island with 60 s (fast_ramp_mins) of ramping; DC power
 *   flow; relays; stop when nothing is over pickup (+1e-6 pu), when load
 *   served falls below stop_served, or when the next trip is after 900 s
 *   (opt.sim.t_max); else advance and trip. A final rebalance ends it.
 *   Rebalance (rebalance.m) of one island: nothing when |Pg - Pd| < 1e-6 MW;
 *   no generator: its load is lost; no (positive net) load: its units trip;
 *   surplus: ramp down in proportion to each unit's ramp limit rr (5 % of
 *   Pmax per minute, at least 1 MW/min, x 1 min) within [max(Pmin, Pg - rr),
 *   Pg], repeated while units can move; then trip the smallest unit (first
 *   in case order on ties) until no surplus; deficit: ramp up likewise within
 *   min(Pmax, Pg + rr); then every load of the island is scaled by Pg / Pd.
 */
#include <math.h>
#include <string.h>

#include "model/islands_internal.h"
#include "sim/cascade_internal.h"

#define DS_T0_S 1.0             /* dcsimsep.m: exogenous outages at t = 1 */
#define DS_T_MAX_S 900.0        /* src/psoptions.m opt.sim.t_max = 15*60 */
#define DS_DT_MAX_S 60.0        /* opt.sim.dt */
#define DS_TRIP_TIME_S 15.0     /* opt.sim.relay_trip_time (at 150 %) */
#define DS_RAMP_FRAC 0.05       /* dcsimsep.m: 5 % of Pmax per minute */
#define DS_RAMP_MIN_MW 1.0      /* ... at least 1 MW per minute */
#define DS_FAST_RAMP_S 60.0     /* opt.sim.fast_ramp_mins = 1 */
#define DS_BAL_EPS_MW 1e-6      /* rebalance.m EPS */
#define DS_OVER_EPS 1e-6        /* update_relays.m BIG_EPS (pu) */
#define DS_TICK_UP 1e-12        /* update_relays.m SMALL_EPS (pu s) */

int casc_dcsimsep_setup(casc_ws *ws, gr_error *err)
{
    gr_grid *g = ws->g;
    size_t ng = (size_t)g->ng;
    ws->mscratch = gr_calloc(4 * ng + (size_t)g->nb + 1, sizeof(double));
    if (!ws->mscratch)
        return gr_error_set(err, GR_ENOMEM, "out of memory in the cascade");
    /* dcpf.m's network: 1/x only. */
    for (int k = 0; k < g->nl; k++) {
        g->br_tap[k] = 1.0;
        g->br_shift[k] = 0.0;
    }
    for (int b = 0; b < g->nb; b++)
        g->gs[b] = ws->overhead[b] = ws->overhead0[b] = 0.0;
    int st = casc_islands_update(ws, err);
    if (st || (st = casc_solve_pf(ws, err)))
        return st;
    ws->n_steps = 0;
    int nsub = ws->isl->n;
    for (int b = 0; b < g->nb; b++)
        nsub += ws->isl->bus_island[b] < 0;
    ws->base_subgraphs = nsub;
    for (int k = 0; k < g->ng; k++)
        ws->pg0[k] = ws->gen_on0[k] ? g->pg[k] : 0.0;
    /* Relays at rateB exactly (0: never trips); ramp limits of one minute. */
    /* GR_CASCADE_BASE_RAISE (default): a branch over rateB in the base gets
     * its base flow as pickup (DCSIMSEP's published cases, e.g.
     * data/case2383_mod_ps.m, are prepared to be secure; KEEP: raw rateB). */
    for (int k = 0; k < g->nl; k++) {
        ws->rating[k] = fmax(0.0, g->rate_b[k]);
        double f = g->br_on[k] ? fabs(ws->pf->pf[k]) : 0.0;
        if (ws->opt.base_overload == GR_CASCADE_BASE_RAISE && ws->rating[k] > 0.0 &&
            f > ws->rating[k])
            ws->rating[k] = f;
    }
    double base = g->base_mva;
    for (int k = 0; k < g->ng; k++)
        ws->ramp[k] = ws->gen_on0[k] ? fmax(DS_RAMP_MIN_MW, DS_RAMP_FRAC * g->pmax[k] * base) /
                                           60.0 * DS_FAST_RAMP_S / base
                                     : 0.0;
    return GR_OK;
}

static int n_subgraphs(const casc_ws *ws)
{
    int n = ws->isl->n;
    for (int b = 0; b < ws->g->nb; b++)
        n += ws->isl->bus_island[b] < 0;
    return n;
}

/* Scale every load of island s by f (0 <= f < 1): positive loads through
 * casc_shed_bus (counted under cat), negative ones directly. */
static double scale_loads(casc_ws *ws, int s, double f, int cat)
{
    gr_grid *g = ws->g;
    double lost = 0.0;
    for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++) {
        int b = ws->isl_bus[q];
        if (g->pd[b] > 0.0)
            lost += casc_shed_bus(ws, b, (1.0 - f) * g->pd[b], cat);
        else if (g->pd[b] < 0.0) {
            g->pd[b] *= f;
            g->qd[b] *= f;
        }
        if (f == 0.0)
            g->pd[b] = g->qd[b] = 0.0;
    }
    return lost;
}

static int trip_gen(casc_ws *ws, int k)
{
    ws->g->gen_on[k] = 0;
    ws->g->pg[k] = 0.0;
    ws->n_trips++;
    return casc_log(ws, GR_ELEM_GEN, k, GR_CAUSE_OVERFREQUENCY, 0.0, 0.0);
}

/* Sum of the dispatch of the units of island s still on. */
static double island_pg(const casc_ws *ws, int s)
{
    double p = 0.0;
    for (int q = ws->isl_gptr[s]; q < ws->isl_gptr[s + 1]; q++)
        if (ws->g->gen_on[ws->isl_gen[q]])
            p += ws->g->pg[ws->isl_gen[q]];
    return p;
}

/* rebalance.m for island s; sets *tripped when a unit went off. */
static int rebalance_island(casc_ws *ws, int s, int *tripped)
{
    gr_grid *g = ws->g;
    const double eps = DS_BAL_EPS_MW / g->base_mva;
    double *pg_start = ws->mscratch, *lo = pg_start + g->ng, *hi = lo + g->ng;
    const double *rr = ws->ramp;
    int g0 = ws->isl_gptr[s], g1 = ws->isl_gptr[s + 1], ngen = g1 - g0, st;
    double pd = 0.0;
    int any_load = 0;
    for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++) {
        int b = ws->isl_bus[q];
        pd += g->pd[b];
        any_load |= g->pd[b] != 0.0;
    }
    double pgs = island_pg(ws, s);
    if (fabs(pgs - pd) < eps)
        return GR_OK;
    int lowest = ws->isl_bus[ws->isl_ptr[s]];
    if (ngen == 0) { /* no generator: the island's load is lost */
        double lost = scale_loads(ws, s, 0.0, GR_LOSS_ISLANDING);
        return lost > 0.0 ? casc_log(ws, GR_ELEM_ISLAND, lowest, GR_CAUSE_ISLANDING, lost, 0.0)
                          : GR_OK;
    }
    if (!any_load || pd <= 0.0) { /* no load: its units trip */
        for (int q = g0; q < g1; q++)
            if ((st = trip_gen(ws, ws->isl_gen[q])))
                return st;
        *tripped = 1;
        double lost = scale_loads(ws, s, 0.0, GR_LOSS_ISLANDING);
        return lost > 0.0 ? casc_log(ws, GR_ELEM_ISLAND, lowest, GR_CAUSE_ISLANDING, lost, 0.0)
                          : GR_OK;
    }
    for (int q = g0; q < g1; q++) {
        int k = ws->isl_gen[q];
        pg_start[k] = g->pg[k];
        lo[k] = fmax(g->pmin[k], g->pg[k] - rr[k]);
        hi[k] = fmin(g->pmax[k], g->pg[k] + rr[k]);
    }
    int guard = 2 * ngen + 8;
    /* Surplus: ramp down in proportion to rr, at most to lo. */
    for (int it = 0; pgs - pd > eps && it < guard; it++) {
        double sum_rr = 0.0;
        int n = 0;
        for (int q = g0; q < g1; q++) {
            int k = ws->isl_gen[q];
            if (g->gen_on[k] && g->pg[k] > lo[k])
                sum_rr += rr[k], n++;
        }
        if (!n)
            break;
        double factor = (pd - pgs) / sum_rr;
        for (int q = g0; q < g1; q++) {
            int k = ws->isl_gen[q];
            if (g->gen_on[k] && g->pg[k] > lo[k])
                g->pg[k] = fmin(fmax(lo[k], g->pg[k] + rr[k] * factor), pg_start[k]);
        }
        pgs = island_pg(ws, s);
    }
    /* Still a surplus: trip the smallest unit (first on ties). */
    while (pgs - pd > eps) {
        int best = -1;
        for (int q = g0; q < g1; q++) {
            int k = ws->isl_gen[q];
            if (g->gen_on[k] && g->pg[k] > 0.0 && (best < 0 || g->pg[k] < g->pg[best]))
                best = k;
        }
        if (best < 0)
            break;
        if ((st = trip_gen(ws, best)))
            return st;
        *tripped = 1;
        pgs = island_pg(ws, s);
    }
    if (pgs - pd > eps) { /* only negative loads left: shut the island down */
        for (int q = g0; q < g1; q++)
            if (g->gen_on[ws->isl_gen[q]] && (st = trip_gen(ws, ws->isl_gen[q])))
                return st;
        *tripped = 1;
        scale_loads(ws, s, 0.0, GR_LOSS_ISLANDING);
        return GR_OK;
    }
    /* Deficit: ramp up in proportion to rr, at most to hi. */
    for (int it = 0; pgs - pd < -eps && it < guard; it++) {
        double sum_rr = 0.0;
        int n = 0;
        for (int q = g0; q < g1; q++) {
            int k = ws->isl_gen[q];
            if (g->gen_on[k] && g->pg[k] < hi[k])
                sum_rr += rr[k], n++;
        }
        if (!n)
            break;
        double factor = (pd - pgs) / sum_rr;
        for (int q = g0; q < g1; q++) {
            int k = ws->isl_gen[q];
            if (g->gen_on[k] && g->pg[k] < hi[k])
                g->pg[k] = fmin(g->pg[k] + rr[k] * factor, hi[k]);
        }
        pgs = island_pg(ws, s);
    }
    /* Still a deficit: every load of the island scaled by Pg / Pd. */
    if (pd > pgs + eps) {
        double f = fmax(0.0, pgs / pd);
        double lost = scale_loads(ws, s, f, GR_LOSS_UFLS);
        if (lost > 0.0 && (st = casc_log(ws, GR_ELEM_ISLAND, lowest, GR_CAUSE_UFLS, lost, 0.0)))
            return st;
    }
    return GR_OK;
}

static int rebalance_all(casc_ws *ws, gr_error *err)
{
    int tripped = 0, st;
    for (int s = 0; s < ws->isl->n; s++)
        if ((st = rebalance_island(ws, s, &tripped)))
            return st;
    /* units off: the islands' references (and dark islands) change */
    return tripped ? casc_islands_update(ws, err) : GR_OK;
}

/* update_relays.m: advance the relay states by the next step and mark the
 * due branches in due[]; *n_over: branches over pickup; *dt: the step. */
static void update_relays(casc_ws *ws, int *due, int *n_over, double *dt_out, int *any_due)
{
    const gr_grid *g = ws->g;
    const gr_pf_result *r = ws->pf;
    double thr_time = 0.5 * DS_TRIP_TIME_S, dt_trip = HUGE_VAL;
    int over = 0;
    for (int k = 0; k < g->nl; k++) {
        double imax = ws->rating[k];
        if (!(imax > 0.0))
            continue;
        double excess = (g->br_on[k] ? fabs(r->pf[k]) : 0.0) - imax;
        over += excess > DS_OVER_EPS;
        if (excess <= 0.0)
            ws->acc[k] -= DS_OVER_EPS; /* the code's tick down below pickup */
        else {
            double tt = (thr_time * imax - ws->acc[k]) / excess;
            if (tt > 0.0 && tt < dt_trip)
                dt_trip = tt;
        }
    }
    double dt = fmin(DS_DT_MAX_S, dt_trip);
    *any_due = 0;
    for (int k = 0; k < g->nl; k++) {
        double imax = ws->rating[k];
        due[k] = 0;
        if (!(imax > 0.0))
            continue;
        double excess = (g->br_on[k] ? fabs(r->pf[k]) : 0.0) - imax;
        ws->acc[k] = fmax(ws->acc[k] + excess * dt + DS_TICK_UP, 0.0);
        if (dt_trip <= DS_DT_MAX_S && g->br_on[k] && ws->acc[k] >= thr_time * imax)
            due[k] = 1, *any_due = 1;
    }
    *n_over = over;
    *dt_out = dt;
}

int casc_dcsimsep_run(casc_ws *ws, gr_error *err)
{
    gr_grid *g = ws->g;
    int st, n_old = ws->base_subgraphs, solved = 0;
    ws->t = DS_T0_S;
    for (int e = 0; e < ws->n_ev; e++)
        ws->ev[e].t_s = DS_T0_S;
    int *mark = gr_malloc(((size_t)g->nl + 1) * sizeof(int));
    if (!mark)
        return gr_error_set(err, GR_ENOMEM, "out of memory in the cascade");
    for (;;) {
        if (ws->n_steps >= ws->opt.max_steps) {
            ws->stop_reason = 2;
            break;
        }
        if (!solved) {
            if ((st = casc_islands_update(ws, err)))
                goto done;
            int n_sub = n_subgraphs(ws);
            if (n_sub > n_old && (st = rebalance_all(ws, err)))
                goto done;
            n_old = n_sub;
            if ((st = casc_solve_pf(ws, err)))
                goto done;
            solved = 1;
        }
        int n_over = 0, any_due = 0;
        double dt = 0.0;
        update_relays(ws, mark, &n_over, &dt, &any_due);
        if (n_over == 0) {
            ws->stop_reason = 0;
            break;
        }
        if (ws->opt.stop_served > 0.0 && ws->load0 > 0.0 &&
            casc_served(ws) / ws->load0 < ws->opt.stop_served) {
            ws->stop_reason = 3;
            break;
        }
        ws->t += dt;
        if (ws->t > DS_T_MAX_S) {
            ws->t = DS_T_MAX_S;
            ws->stop_reason = 1;
            break;
        }
        for (int k = 0; k < g->nl; k++) {
            if (!mark[k])
                continue;
            double l = fabs(ws->pf->pf[k]) / ws->rating[k];
            g->br_on[k] = 0;
            ws->n_trips++;
            if ((st = casc_log(ws, GR_ELEM_BRANCH, k, GR_CAUSE_OVERLOAD, 0.0, l)))
                goto done;
        }
        if (any_due)
            solved = 0; /* else the same flows: no new power flow needed */
    }
    /* Final rebalance (islands are current: nothing tripped since). */
    if ((st = rebalance_all(ws, err)))
        goto done;
    st = casc_islands_update(ws, err);
done:
    gr_free(mark);
    return st;
}
