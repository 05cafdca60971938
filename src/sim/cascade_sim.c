/* cascade_sim.c — quasi-steady-state cascading-failure simulator (DCSIMSEP and AC-CFM): islands, rebalance, power flow, UVLS, operator shedding, time-overcurrent relays.
 *
 * DESIGN (DESIGN §4; docs/cascade.md)
 *   State: a working copy of the grid (statuses, loads, dispatch, the AC warm
 *   start), the relay integrals and the UFLS stages fired. One step:
 *
 *     settle:   islands → dark islands lose their load (islanding) → every
 *               live island is rebalanced (cascade_balance.c); repeated while
 *               the rebalance trips units (an island may go dark).
 *     solve:    DC or AC power flow of the whole damaged grid. AC islands that
 *               do not converge shed uvls_step_frac of their load per step
 *               (UVLS, up to uvls_max_steps) and are solved again; an island
 *               that still fails collapses (all its load lost, units off).
 *     operator: (control = shed) while some branch is over its relay rating,
 *               the shedding LP of §5 (gr_shed_solve, ratings set to the relay
 *               ratings; AC: less the reactive flow, sqrt(rating² - Q²)) gives
 *               the load to keep and the dispatch; they are applied and the
 *               grid solved again (at most shed_max_rounds, AC 2 % tighter
 *               each round).
 *     relays:   each branch integrates I = ∫ (loading - 1) dt while over its
 *               rating (loading = |S| / rating; DC: |P|), and trips when I
 *               reaches relay_ref_overload * relay_ref_time_s (7.5 s: a 50 %
 *               overload trips after 15 s, DCSIMSEP); loading ≥ relay_instant
 *               (2, Grid2Op) trips at once. Flows are constant between events,
 *               so time jumps straight to the next trip: Δt = min_k (T - I_k) /
 *               (loading_k - 1). Branches that trip together (same instant) go
 *               out together. Stop when nothing is overloaded, at t_max_s, or
 *               after max_steps power flows.
 *
 *   Conservation: every change of load goes through casc_shed_bus with its
 *   category, so load lost = Σ categories = base load - served load exactly.
 *
 *   Base case: solved once per workspace; its dispatch (slack included) is
 *   the schedule Pg0, loads of buses dark in the base case do not count, and
 *   a branch over its relay rating in the base case gets the base flow as
 *   its rating (GR_CASCADE_BASE_RAISE), so the undamaged grid is at rest.
 *   DC steps use cascade_dc.c (pattern analysed once, refactored per step).
 */
#include <math.h>
#include <string.h>

#include "model/islands_internal.h"
#include "sim/cascade_internal.h"

/* ------------------------------------------------------------------------
 * One cascade.
 * ------------------------------------------------------------------------ */
static void reset_state(casc_ws *ws)
{
    gr_grid *g = ws->g;
    const gr_grid *g0 = ws->g0;
    memcpy(g->pd, ws->pd0, (size_t)g->nb * sizeof(double));
    memcpy(g->qd, ws->qd0, (size_t)g->nb * sizeof(double));
    memcpy(g->vm0, ws->vm0, (size_t)g->nb * sizeof(double));
    memcpy(g->va0, ws->va0, (size_t)g->nb * sizeof(double));
    memcpy(g->bus_type, g0->bus_type, (size_t)g->nb * sizeof(int));
    memcpy(g->pg, ws->pg0, (size_t)g->ng * sizeof(double));
    memcpy(g->gen_on, ws->gen_on0, (size_t)g->ng * sizeof(int));
    memcpy(g->br_on, g0->br_on, (size_t)g->nl * sizeof(int));
    memcpy(ws->overhead, ws->overhead0, (size_t)g->nb * sizeof(double));
    memset(ws->acc, 0, (size_t)g->nl * sizeof(double));
    memset(ws->ufls_stage, 0, (size_t)g->nb * sizeof(int));
    memset(ws->lost, 0, sizeof ws->lost);
    ws->t = 0.0;
    ws->n_trips = ws->n_steps = ws->stop_reason = 0;
    ws->n_ev = 0;
}

/* Branches (kind GR_ELEM_BRANCH) or generators (GR_ELEM_GEN) idx[0..n-1]
 * out of service, each logged as damage; a generator's dispatch goes to 0. */
static int damage_elements(casc_ws *ws, int kind, const int *idx, int n, gr_error *err)
{
    gr_grid *g = ws->g;
    int branch = kind == GR_ELEM_BRANCH, count = branch ? g->nl : g->ng, st;
    int *on = branch ? g->br_on : g->gen_on;
    for (int j = 0; j < n; j++) {
        int k = idx[j];
        if (k < 0 || k >= count)
            return gr_error_set(err, GR_EINVAL, "cascade: %s %d out of range",
                                branch ? "branch" : "generator", k + 1);
        if (!on[k])
            continue;
        on[k] = 0;
        if (!branch)
            g->pg[k] = 0.0;
        if ((st = casc_log(ws, kind, k, GR_CAUSE_DAMAGE, 0.0, 0.0)))
            return st;
    }
    return GR_OK;
}

static int apply_damage(casc_ws *ws, const gr_cascade_damage *d, gr_error *err)
{
    gr_grid *g = ws->g;
    int st;
    if (!d)
        return GR_OK;
    if ((st = damage_elements(ws, GR_ELEM_BRANCH, d->branch, d->n_branch, err)) ||
        (st = damage_elements(ws, GR_ELEM_GEN, d->gen, d->n_gen, err)))
        return st;
    for (int j = 0; j < d->n_bus; j++) {
        int b = d->bus[j];
        if (b < 0 || b >= g->nb)
            return gr_error_set(err, GR_EINVAL, "cascade: bus index %d out of range", b);
        if (g->bus_type[b] == GR_BUS_ISOLATED)
            continue;
        g->bus_type[b] = GR_BUS_ISOLATED;
        double lost = casc_shed_bus(ws, b, g->pd[b], GR_LOSS_ISLANDING);
        g->pd[b] = g->qd[b] = 0.0;
        for (int k = 0; k < g->ng; k++)
            if (g->gen_bus[k] == b) {
                g->gen_on[k] = 0;
                g->pg[k] = 0.0;
            }
        for (int k = 0; k < g->nl; k++) /* as gr_outage_apply */
            if (g->br_f[k] == b || g->br_t[k] == b)
                g->br_on[k] = 0;
        if ((st = casc_log(ws, GR_ELEM_BUS, b, GR_CAUSE_DAMAGE, lost, 0.0)))
            return st;
    }
    return GR_OK;
}

/* Islands, dark islands, rebalance; until the rebalance trips no unit. */
static int settle(casc_ws *ws, gr_error *err)
{
    gr_grid *g = ws->g;
    for (int round = 0; round <= g->ng + 1; round++) {
        int st = casc_islands_update(ws, err);
        if (st)
            return st;
        for (int s = 0; s < ws->isl->n; s++) {
            if (ws->isl->ref[s] >= 0)
                continue;
            double lost = 0.0;
            for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++) {
                int b = ws->isl_bus[q];
                lost += casc_shed_bus(ws, b, g->pd[b], GR_LOSS_ISLANDING);
                g->pd[b] = g->qd[b] = 0.0; /* negative loads too: nothing runs */
            }
            if (lost > 0.0 &&
                (st = casc_log(ws, GR_ELEM_ISLAND, ws->isl_bus[ws->isl_ptr[s]],
                               GR_CAUSE_ISLANDING, lost, 0.0)))
                return st;
        }
        int tripped = 0;
        if ((st = casc_rebalance(ws, &tripped)))
            return st;
        if (!tripped)
            return GR_OK;
    }
    return GR_OK;
}

/* The island of the last power flow that did not converge, or -1. */
static int first_diverged(const casc_ws *ws)
{
    for (int s = 0; s < ws->pf->n_islands; s++)
        if (ws->pf->island_converged[s] == 0)
            return s;
    return -1;
}

/* Power flow; AC islands that do not converge go through UVLS and collapse. */
static int solve(casc_ws *ws, gr_error *err)
{
    gr_grid *g = ws->g;
    int st = casc_solve_pf(ws, err);
    if (st || !ws->opt.ac || first_diverged(ws) < 0)
        return st;
    /* ws->isl has the numbering of ws->pf (same topology, same rule). */
    for (int b = 0; b < g->nb; b++)
        ws->scratch_nb[b] = fmax(g->pd[b], 0.0);
    for (int step = 0; step < ws->opt.uvls_max_steps && first_diverged(ws) >= 0; step++) {
        for (int s = 0; s < ws->pf->n_islands; s++) {
            if (ws->pf->island_converged[s] != 0)
                continue;
            double shed = 0.0;
            for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++) {
                int b = ws->isl_bus[q];
                shed += casc_shed_bus(ws, b, ws->opt.uvls_step_frac * ws->scratch_nb[b],
                                      GR_LOSS_UVLS);
            }
            if ((st = casc_log(ws, GR_ELEM_ISLAND, ws->isl_bus[ws->isl_ptr[s]], GR_CAUSE_UVLS,
                               shed, 0.0)))
                return st;
        }
        if ((st = settle(ws, err)) || (st = casc_solve_pf(ws, err)))
            return st;
    }
    int collapsed = 0;
    for (int s = 0; s < ws->pf->n_islands; s++) {
        if (ws->pf->island_converged[s] != 0)
            continue;
        double lost = 0.0;
        for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++) {
            int b = ws->isl_bus[q];
            lost += casc_shed_bus(ws, b, g->pd[b], GR_LOSS_VOLTAGE_COLLAPSE);
            g->pd[b] = g->qd[b] = 0.0;
        }
        for (int q = ws->isl_gptr[s]; q < ws->isl_gptr[s + 1]; q++) {
            g->gen_on[ws->isl_gen[q]] = 0;
            g->pg[ws->isl_gen[q]] = 0.0;
        }
        collapsed = 1;
        if ((st = casc_log(ws, GR_ELEM_ISLAND, ws->isl_bus[ws->isl_ptr[s]],
                           GR_CAUSE_VOLTAGE_COLLAPSE, lost, 0.0)))
            return st;
    }
    if (collapsed && ((st = settle(ws, err)) || (st = casc_solve_pf(ws, err))))
        return st;
    return GR_OK;
}

static int any_overload(const casc_ws *ws)
{
    for (int k = 0; k < ws->g->nl; k++)
        if (ws->loading[k] > 1.0 + CASC_OVERLOAD_TOL)
            return 1;
    return 0;
}

/* Operator emergency control: the shedding LP on the damaged grid. */
static int operator_control(casc_ws *ws, gr_error *err)
{
    gr_grid *g = ws->g, *lp = ws->lpg;
    gr_shed_options sopt;
    gr_shed_options_default(&sopt);
    sopt.rating = 'B';
    for (int round = 0; round < ws->opt.shed_max_rounds && any_overload(ws); round++) {
        double factor = 1.0 - ws->opt.shed_margin - (ws->opt.ac ? 0.02 * round : 0.0);
        memcpy(lp->pd, g->pd, (size_t)g->nb * sizeof(double));
        memcpy(lp->qd, g->qd, (size_t)g->nb * sizeof(double));
        memcpy(lp->bus_type, g->bus_type, (size_t)g->nb * sizeof(int));
        memcpy(lp->pg, g->pg, (size_t)g->ng * sizeof(double));
        memcpy(lp->gen_on, g->gen_on, (size_t)g->ng * sizeof(int));
        memcpy(lp->br_on, g->br_on, (size_t)g->nl * sizeof(int));
        for (int k = 0; k < g->nl; k++) {
            double lim = ws->rating[k] * factor;
            if (ws->opt.ac && lim > 0.0 && g->br_on[k]) {
                /* AC: the LP limits P only; leave room for the reactive flow
                 * of the last power flow, |P| <= sqrt(rating^2 - Q^2)
                 * (floored at 10 % of the rating). */
                const gr_pf_result *r = ws->pf;
                double q = fmax(fabs(r->qf[k]), fabs(r->qt[k]));
                if (isfinite(q))
                    lim = sqrt(fmax(lim * lim - q * q, 0.01 * lim * lim));
            }
            lp->rate_a[k] = lp->rate_b[k] = lp->rate_c[k] = lim;
        }
        gr_shed_result *res = NULL;
        gr_error lerr = {0};
        int st = gr_shed_solve(lp, ws->opt.classes, &sopt, &res, &lerr);
        if (st == GR_EINFEASIBLE || st == GR_ELP || st == GR_ESINGULAR)
            return GR_OK; /* the operator finds no remedy: the relays act */
        if (st) {
            if (err)
                *err = lerr;
            return st;
        }
        for (int b = 0; b < g->nb; b++) {
            double shed = casc_shed_bus(ws, b, res->shed_p[b], GR_LOSS_OPERATOR);
            if (shed > 0.0 && (st = casc_log(ws, GR_ELEM_BUS, b, GR_CAUSE_OPERATOR_SHED, shed,
                                             0.0))) {
                gr_shed_result_free(res);
                return st;
            }
        }
        for (int k = 0; k < g->ng; k++)
            if (g->gen_on[k] && isfinite(res->pg[k]))
                g->pg[k] = res->pg[k];
        gr_shed_result_free(res);
        if ((st = settle(ws, err)) || (st = solve(ws, err)))
            return st;
    }
    return GR_OK;
}

/* Relays: trip what is due next and advance time. Returns 1 when the cascade
 * has stopped (stop_reason set), 0 when something tripped, < 0 on error. */
static int relays(casc_ws *ws)
{
    gr_grid *g = ws->g;
    const gr_cascade_options *o = &ws->opt;
    double thr = ws->relay_threshold, dt = HUGE_VAL;
    int instant = 0, st;
    for (int k = 0; k < g->nl; k++) {
        double l = ws->loading[k];
        if (!(l > 1.0 + CASC_OVERLOAD_TOL))
            continue;
        if (l >= o->relay_instant)
            instant = 1;
        dt = fmin(dt, fmax(0.0, thr - ws->acc[k]) / (l - 1.0));
    }
    if (!isfinite(dt) && !instant) {
        ws->stop_reason = 0;
        return 1;
    }
    if (instant) {
        for (int k = 0; k < g->nl; k++) {
            if (!(ws->loading[k] >= o->relay_instant))
                continue;
            g->br_on[k] = 0;
            ws->n_trips++;
            if ((st = casc_log(ws, GR_ELEM_BRANCH, k, GR_CAUSE_OVERLOAD_INSTANT, 0.0,
                               ws->loading[k])))
                return st;
        }
        return 0;
    }
    int stop = ws->t + dt > o->t_max_s;
    if (stop)
        dt = fmax(0.0, o->t_max_s - ws->t);
    for (int k = 0; k < g->nl; k++) {
        double l = ws->loading[k];
        if (l > 1.0 + CASC_OVERLOAD_TOL)
            ws->acc[k] += (l - 1.0) * dt;
        else if (!o->relay_memory)
            ws->acc[k] = 0.0;
    }
    ws->t += dt;
    if (stop) {
        ws->t = o->t_max_s;
        ws->stop_reason = 1;
        return 1;
    }
    for (int k = 0; k < g->nl; k++) {
        double l = ws->loading[k];
        if (!(l > 1.0 + CASC_OVERLOAD_TOL) || ws->acc[k] < thr * (1.0 - 1e-9))
            continue;
        g->br_on[k] = 0;
        ws->n_trips++;
        if ((st = casc_log(ws, GR_ELEM_BRANCH, k, GR_CAUSE_OVERLOAD, 0.0, l)))
            return st;
    }
    return 0;
}

int casc_ws_run(casc_ws *ws, const gr_cascade_damage *damage, gr_error *err)
{
    int st;
    reset_state(ws);
    if (ws->dc && (st = casc_dc_restart(ws->dc)))
        return gr_error_set(err, st, "cascade: DC power flow: %s", gr_strerror(st));
    if ((st = apply_damage(ws, damage, err)))
        return st;
    if (ws->opt.model == GR_CASCADE_MODEL_DCSIMSEP)
        return casc_dcsimsep_run(ws, err);
    if (ws->opt.model == GR_CASCADE_MODEL_ACCFM)
        return casc_accfm_run(ws, err);
    for (;;) {
        if (ws->n_steps >= ws->opt.max_steps) {
            ws->stop_reason = 2;
            break;
        }
        if ((st = settle(ws, err)) || (st = solve(ws, err)))
            return st;
        if (ws->opt.control == GR_CASCADE_CONTROL_SHED && any_overload(ws) &&
            (st = operator_control(ws, err)))
            return st;
        st = relays(ws);
        if (st < 0)
            return st;
        if (st == 1)
            break;
    }
    /* Final islands for the served load (a last trip may have split the grid). */
    if ((st = casc_islands_update(ws, err)))
        return st;
    return GR_OK;
}
