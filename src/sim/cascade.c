/* cascade.c — quasi-steady-state cascading-failure simulator (DCSIMSEP and AC-CFM): islands, rebalance, power flow, UVLS, operator shedding, time-overcurrent relays.
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
 * Names and options.
 * ------------------------------------------------------------------------ */
static const char *const cause_names[] = {
#define GR_CASCADE_CAUSE_NAME(name, text) text,
    GR_CASCADE_CAUSE_MAP(GR_CASCADE_CAUSE_NAME)
#undef GR_CASCADE_CAUSE_NAME
};

const char *gr_cascade_cause_name(int cause)
{
    return cause >= 0 && cause < GR_CAUSE_N ? cause_names[cause] : "?";
}

int gr_cascade_cause_category(int cause)
{
    switch (cause) {
    case GR_CAUSE_DAMAGE:
    case GR_CAUSE_ISLANDING: return GR_LOSS_ISLANDING;
    case GR_CAUSE_UFLS: return GR_LOSS_UFLS;
    case GR_CAUSE_UVLS: return GR_LOSS_UVLS;
    case GR_CAUSE_VOLTAGE_COLLAPSE: return GR_LOSS_VOLTAGE_COLLAPSE;
    case GR_CAUSE_OPERATOR_SHED: return GR_LOSS_OPERATOR;
    case GR_CAUSE_LOAD_RELIEF:
    case GR_CAUSE_FREQ_COLLAPSE: return GR_LOSS_OTHER;
    default: return -1;
    }
}

const char *gr_cascade_loss_name(int category)
{
    static const char *const names[GR_LOSS_N] = {"islanding", "ufls", "uvls",
                                                 "voltage_collapse", "operator_shed", "other"};
    return category >= 0 && category < GR_LOSS_N ? names[category] : "?";
}

const char *gr_elem_kind_name(int kind)
{
    static const char *const names[] = {"branch", "gen", "bus", "island"};
    return kind >= 0 && kind <= GR_ELEM_ISLAND ? names[kind] : "?";
}

void gr_cascade_options_default(gr_cascade_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->ac = 0;
    gr_pf_options_default(&opt->pf);
    opt->pf.enforce_q_lims = 0;        /* as runpf; 1 makes spurious divergence common */
    opt->rating = 'B';                 /* emergency rating, DESIGN §4 */
    opt->base_overload = GR_CASCADE_BASE_RAISE;
    opt->relay_ref_overload = 0.5;     /* DCSIMSEP: a 50 % overload trips in ~15 s */
    opt->relay_ref_time_s = 15.0;
    opt->relay_instant = 2.0;          /* Grid2Op hard overflow threshold */
    opt->relay_memory = 1;
    opt->t_max_s = 3600.0;
    opt->max_steps = 10000;
    opt->ramp_frac = 0.2;
    opt->ramp_mw = NULL;
    opt->f0_hz = 50.0;
    opt->load_damping_pct_per_hz = 1.0; /* ENTSO-E: load self-regulation 1 %/Hz */
    opt->ufls_f_start_hz = 49.0;       /* ENTSO-E NC ER (Reg. 2017/2196) */
    opt->ufls_f_step_hz = 0.2;
    opt->ufls_stages = 6;
    opt->ufls_stage_frac = 0.08;
    opt->f_collapse_hz = 47.5;         /* ENTSO-E RfG (Reg. 2016/631) */
    opt->overfreq_surplus = 0.15;
    opt->f_overfreq_trip_hz = 51.5;    /* ENTSO-E RfG: connected up to 51.5 Hz */
    opt->uvls_step_frac = 0.05;        /* AC-CFM */
    opt->uvls_max_steps = 5;
    opt->control = GR_CASCADE_CONTROL_NONE;
    opt->classes = NULL;
    opt->shed_margin = 0.0;
    opt->shed_max_rounds = 6;
    opt->on_step = NULL;
    opt->user = NULL;
}

static int check_options(const gr_cascade_options *o, gr_error *err)
{
    const char *bad = NULL;
    if (o->rating != 'A' && o->rating != 'B' && o->rating != 'C')
        bad = "rating must be 'A', 'B' or 'C'";
    else if (!(o->relay_ref_overload > 0) || !(o->relay_ref_time_s > 0))
        bad = "relay_ref_overload and relay_ref_time_s must be positive";
    else if (!(o->relay_instant > 1.0))
        bad = "relay_instant must exceed 1";
    else if (!(o->t_max_s >= 0) || o->max_steps < 1)
        bad = "t_max_s must be >= 0 and max_steps >= 1";
    else if (!(o->ramp_frac >= 0) || !(o->f0_hz > 0) || !(o->load_damping_pct_per_hz > 0))
        bad = "ramp_frac >= 0, f0_hz > 0 and load_damping_pct_per_hz > 0 required";
    else if (o->ufls_stages < 0 || !(o->ufls_stage_frac >= 0 && o->ufls_stage_frac <= 1) ||
             !(o->ufls_f_step_hz >= 0) || !(o->ufls_f_start_hz < o->f0_hz))
        bad = "UFLS: stages >= 0, stage_frac in [0, 1], f_step >= 0, f_start < f0";
    else if (!(o->f_collapse_hz < o->f0_hz) || !(o->overfreq_surplus >= 0) ||
             !(o->f_overfreq_trip_hz > o->f0_hz))
        bad = "f_collapse_hz < f0_hz < f_overfreq_trip_hz and overfreq_surplus >= 0 required";
    else if (!(o->uvls_step_frac >= 0 && o->uvls_step_frac <= 1) || o->uvls_max_steps < 0)
        bad = "uvls_step_frac in [0, 1] and uvls_max_steps >= 0 required";
    else if (o->control != GR_CASCADE_CONTROL_NONE && o->control != GR_CASCADE_CONTROL_SHED)
        bad = "control must be GR_CASCADE_CONTROL_NONE or _SHED";
    else if (!(o->shed_margin >= 0 && o->shed_margin < 1) || o->shed_max_rounds < 1)
        bad = "shed_margin in [0, 1) and shed_max_rounds >= 1 required";
    else if (o->base_overload != GR_CASCADE_BASE_RAISE && o->base_overload != GR_CASCADE_BASE_KEEP)
        bad = "base_overload must be GR_CASCADE_BASE_RAISE or _KEEP";
    if (bad)
        return gr_error_set(err, GR_EINVAL, "cascade options: %s", bad);
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Bookkeeping.
 * ------------------------------------------------------------------------ */
int casc_log(casc_ws *ws, int kind, int index, int cause, double pu_lost, double value)
{
    if (!ws->log_events)
        return GR_OK;
    if (ws->n_ev == ws->cap_ev) {
        int cap = ws->cap_ev ? 2 * ws->cap_ev : 64;
        gr_cascade_event *ev = gr_realloc(ws->ev, (size_t)cap * sizeof *ev);
        if (!ev)
            return GR_ENOMEM;
        ws->ev = ev;
        ws->cap_ev = cap;
    }
    gr_cascade_event *e = &ws->ev[ws->n_ev++];
    e->t_s = ws->t;
    e->kind = kind;
    e->index = index;
    e->cause = cause;
    e->mw_lost = pu_lost * ws->g->base_mva;
    e->value = value;
    return GR_OK;
}

double casc_shed_bus(casc_ws *ws, int b, double amount, int category)
{
    gr_grid *g = ws->g;
    if (!(g->pd[b] > 0.0) || !(amount > 0.0))
        return 0.0;
    if (amount >= g->pd[b]) {
        amount = g->pd[b];
        g->pd[b] = 0.0;
        g->qd[b] = 0.0;
    } else {
        g->qd[b] *= (g->pd[b] - amount) / g->pd[b];
        g->pd[b] -= amount;
    }
    ws->lost[category] += amount;
    return amount;
}

double casc_served(const casc_ws *ws)
{
    double served = 0.0;
    for (int b = 0; b < ws->g->nb; b++) {
        int s = ws->isl->bus_island[b];
        if (s >= 0 && ws->isl->ref[s] >= 0 && ws->g->pd[b] > 0.0)
            served += ws->g->pd[b];
    }
    return served;
}

int casc_islands_update(casc_ws *ws, gr_error *err)
{
    const gr_grid *g = ws->g;
    gr_islands_free(ws->isl);
    ws->isl = NULL;
    int st = gr_islands_find(g, 0, &ws->isl, err);
    if (st)
        return st;
    const gr_islands *isl = ws->isl;
    int n = isl->n;
    /* Counting sort of buses and energised generators by island. */
    memset(ws->isl_ptr, 0, ((size_t)n + 2) * sizeof(int));
    memset(ws->isl_gptr, 0, ((size_t)n + 2) * sizeof(int));
    for (int b = 0; b < g->nb; b++)
        if (isl->bus_island[b] >= 0)
            ws->isl_ptr[isl->bus_island[b] + 2]++;
    for (int k = 0; k < g->ng; k++)
        if (gen_energisable(g, k) && isl->bus_island[g->gen_bus[k]] >= 0)
            ws->isl_gptr[isl->bus_island[g->gen_bus[k]] + 2]++;
    for (int s = 0; s < n; s++) {
        ws->isl_ptr[s + 2] += ws->isl_ptr[s + 1];
        ws->isl_gptr[s + 2] += ws->isl_gptr[s + 1];
    }
    for (int b = 0; b < g->nb; b++)
        if (isl->bus_island[b] >= 0)
            ws->isl_bus[ws->isl_ptr[isl->bus_island[b] + 1]++] = b;
    for (int k = 0; k < g->ng; k++)
        if (gen_energisable(g, k) && isl->bus_island[g->gen_bus[k]] >= 0)
            ws->isl_gen[ws->isl_gptr[isl->bus_island[g->gen_bus[k]] + 1]++] = k;
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Workspace.
 * ------------------------------------------------------------------------ */
void casc_ws_free(casc_ws *ws)
{
    if (!ws)
        return;
    gr_grid_free(ws->g);
    gr_grid_free(ws->lpg);
    gr_load_classes_free(ws->own_classes);
    gr_free(ws->pd0);
    gr_free(ws->qd0);
    gr_free(ws->pg0);
    gr_free(ws->gen_on0);
    gr_free(ws->vm0);
    gr_free(ws->va0);
    gr_free(ws->overhead0);
    gr_free(ws->rating);
    gr_free(ws->ramp);
    gr_free(ws->acc);
    gr_free(ws->ufls_stage);
    gr_free(ws->overhead);
    gr_free(ws->loading);
    gr_free(ws->scratch_nb);
    gr_free(ws->isl_ptr);
    gr_free(ws->isl_bus);
    gr_free(ws->isl_gptr);
    gr_free(ws->isl_gen);
    gr_islands_free(ws->isl);
    gr_pf_result_free(ws->pf);
    casc_dc_free(ws->dc);
    gr_free(ws->ev);
    gr_free(ws);
}

/* Relay rating of branch k (pu) from the rating choice; 0 = unlimited. */
static double branch_rating(const gr_grid *g, int k, char which)
{
    double a = g->rate_a[k], b = g->rate_b[k], c = g->rate_c[k];
    if (which == 'A')
        return a;
    if (which == 'C')
        return c > 0 ? c : b > 0 ? b : a;
    return b > 0 ? b : c > 0 ? c : a;
}

/* |flow| of branch k in the last power flow, pu (AC: larger end's MVA). */
static double branch_flow(const casc_ws *ws, int k)
{
    const gr_pf_result *r = ws->pf;
    if (!ws->opt.ac)
        return fabs(r->pf[k]);
    return fmax(hypot(r->pf[k], r->qf[k]), hypot(r->pt[k], r->qt[k]));
}

static void compute_overhead(casc_ws *ws)
{
    const gr_grid *g = ws->g;
    const gr_pf_result *r = ws->pf;
    if (!ws->opt.ac) {
        memcpy(ws->overhead, g->gs, (size_t)g->nb * sizeof(double));
        return;
    }
    for (int b = 0; b < g->nb; b++) {
        int s = r->bus_island[b];
        if (s >= 0 && r->island_converged[s] == 1)
            ws->overhead[b] = g->gs[b] * r->vm[b] * r->vm[b];
    }
    for (int k = 0; k < g->nl; k++) {
        int f = g->br_f[k], t = g->br_t[k], s = r->bus_island[f];
        if (!branch_energisable(g, k) || s < 0 || r->island_converged[s] != 1)
            continue;
        double loss = 0.5 * (r->pf[k] + r->pt[k]);
        ws->overhead[f] += loss;
        ws->overhead[t] += loss;
    }
}

/* Solve the power flow of the working grid into ws->pf; AC: keep the solved
 * voltages as the next warm start and the solved dispatch. */
static int solve_pf(casc_ws *ws, gr_error *err)
{
    gr_grid *g = ws->g;
    int st;
    if (ws->opt.ac) {
        gr_pf_result_free(ws->pf);
        ws->pf = NULL;
        st = gr_pf_ac(g, &ws->opt.pf, &ws->pf, err);
    } else {
        st = casc_dc_solve(ws->dc, g, ws->isl, ws->pf);
        if (st == GR_ESINGULAR)
            gr_error_set(err, st, "cascade: DC power flow: the susceptance matrix is singular");
    }
    if (st)
        return st;
    ws->n_steps++;
    const gr_pf_result *r = ws->pf;
    for (int k = 0; k < g->ng; k++) {
        int s = r->bus_island[g->gen_bus[k]];
        if (gen_energisable(g, k) && s >= 0 && r->island_converged[s] == 1)
            g->pg[k] = r->pg[k];
    }
    if (ws->opt.ac) {
        for (int b = 0; b < g->nb; b++) {
            int s = r->bus_island[b];
            if (s >= 0 && r->island_converged[s] == 1) {
                g->vm0[b] = r->vm[b];
                g->va0[b] = r->va[b];
            }
        }
        compute_overhead(ws);
    }
    for (int k = 0; k < g->nl; k++) {
        double fl = branch_flow(ws, k);
        ws->loading[k] = ws->rating[k] > 0 && g->br_on[k] && isfinite(fl) ? fl / ws->rating[k]
                                                                           : 0.0;
    }
    if (ws->opt.on_step)
        ws->opt.on_step(ws->opt.user, g, r, ws->t);
    return GR_OK;
}

int casc_ws_create(const gr_grid *g, const gr_cascade_options *opt_in, int log_events,
                   casc_ws **out, gr_error *err)
{
    *out = NULL;
    gr_cascade_options defaults;
    if (!opt_in) {
        gr_cascade_options_default(&defaults);
        opt_in = &defaults;
    }
    int st = check_options(opt_in, err);
    if (st)
        return st;
    casc_ws *ws = gr_calloc(1, sizeof *ws);
    if (!ws)
        return gr_error_set(err, GR_ENOMEM, "out of memory in the cascade");
    ws->g0 = g;
    ws->opt = *opt_in;
    ws->log_events = log_events;
    size_t nb = (size_t)g->nb + 1, ng = (size_t)g->ng + 1, nl = (size_t)g->nl + 1;
    if ((st = gr_grid_copy(g, &ws->g)))
        goto fail;
    st = GR_ENOMEM;
    ws->pd0 = gr_calloc(nb, sizeof(double));
    ws->qd0 = gr_calloc(nb, sizeof(double));
    ws->pg0 = gr_calloc(ng, sizeof(double));
    ws->gen_on0 = gr_calloc(ng, sizeof(int));
    ws->vm0 = gr_calloc(nb, sizeof(double));
    ws->va0 = gr_calloc(nb, sizeof(double));
    ws->overhead0 = gr_calloc(nb, sizeof(double));
    ws->rating = gr_calloc(nl, sizeof(double));
    ws->ramp = gr_calloc(ng, sizeof(double));
    ws->acc = gr_calloc(nl, sizeof(double));
    ws->ufls_stage = gr_calloc(nb, sizeof(int));
    ws->overhead = gr_calloc(nb, sizeof(double));
    ws->loading = gr_calloc(nl, sizeof(double));
    ws->scratch_nb = gr_calloc(nb, sizeof(double));
    ws->isl_ptr = gr_calloc(nb + 2, sizeof(int));
    ws->isl_bus = gr_calloc(nb, sizeof(int));
    ws->isl_gptr = gr_calloc(nb + 2, sizeof(int));
    ws->isl_gen = gr_calloc(ng, sizeof(int));
    if (!ws->pd0 || !ws->qd0 || !ws->pg0 || !ws->gen_on0 || !ws->vm0 || !ws->va0 ||
        !ws->overhead0 || !ws->rating || !ws->ramp || !ws->acc || !ws->ufls_stage ||
        !ws->overhead || !ws->loading || !ws->scratch_nb || !ws->isl_ptr || !ws->isl_bus ||
        !ws->isl_gptr || !ws->isl_gen)
        goto fail;

    /* Relay ratings and ramp limits. */
    ws->relay_threshold = ws->opt.relay_ref_overload * ws->opt.relay_ref_time_s;
    for (int k = 0; k < g->nl; k++)
        ws->rating[k] = fmax(0.0, branch_rating(g, k, ws->opt.rating));
    for (int k = 0; k < g->ng; k++) {
        double r = ws->opt.ramp_mw && ws->opt.ramp_mw[k] > 0 ? ws->opt.ramp_mw[k] / g->base_mva
                                                             : ws->opt.ramp_frac * g->pmax[k];
        ws->ramp[k] = fmax(0.0, r);
    }

    if (!ws->opt.ac) {
        if ((st = casc_dc_create(g, &ws->dc)) || (st = gr_pf_result_alloc(g->nb, g->ng, g->nl, &ws->pf)))
            goto fail;
        st = GR_ENOMEM;
        ws->pf->island_converged = gr_calloc(nb, sizeof(int));
        ws->pf->island_ref = gr_calloc(nb, sizeof(int));
        if (!ws->pf->island_converged || !ws->pf->island_ref)
            goto fail;
    }

    /* Base case: solve it as it is. */
    if ((st = casc_islands_update(ws, err)))
        goto fail;
    for (int b = 0; b < g->nb; b++)
        ws->overhead[b] = g->gs[b];
    if ((st = solve_pf(ws, err)))
        goto fail;
    ws->n_steps = 0;
    const gr_pf_result *r = ws->pf;
    for (int s = 0; s < r->n_islands; s++)
        if (r->island_converged[s] == 0) {
            st = gr_error_set(err, GR_EINFEASIBLE,
                              "cascade: the base-case power flow does not converge");
            goto fail;
        }
    for (int b = 0; b < g->nb; b++) {
        int s = ws->isl->bus_island[b];
        int live = s >= 0 && ws->isl->ref[s] >= 0;
        ws->pd0[b] = live ? g->pd[b] : 0.0;
        ws->qd0[b] = live ? g->qd[b] : 0.0;
        ws->load0 += fmax(ws->pd0[b], 0.0);
        ws->vm0[b] = ws->g->vm0[b];
        ws->va0[b] = ws->g->va0[b];
    }
    memcpy(ws->overhead0, ws->overhead, (size_t)g->nb * sizeof(double));
    for (int k = 0; k < g->ng; k++) {
        int s = ws->isl->bus_island[g->gen_bus[k]];
        ws->gen_on0[k] = gen_energisable(g, k) && s >= 0 && ws->isl->ref[s] >= 0;
        ws->pg0[k] = ws->gen_on0[k] ? ws->g->pg[k] : 0.0;
    }
    if (ws->opt.base_overload == GR_CASCADE_BASE_RAISE)
        for (int k = 0; k < g->nl; k++)
            if (ws->loading[k] > 1.0)
                ws->rating[k] = branch_flow(ws, k);

    if (ws->opt.control == GR_CASCADE_CONTROL_SHED) {
        if ((st = gr_grid_copy(g, &ws->lpg)))
            goto fail;
        if (!ws->opt.classes) {
            if ((st = gr_load_classes_default(g->nb, &ws->own_classes)))
                goto fail;
            ws->opt.classes = ws->own_classes;
        }
    }
    *out = ws;
    return GR_OK;
fail:
    casc_ws_free(ws);
    if (st == GR_ENOMEM)
        gr_error_set(err, st, "out of memory in the cascade");
    return st;
}

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

static int apply_damage(casc_ws *ws, const gr_cascade_damage *d, gr_error *err)
{
    gr_grid *g = ws->g;
    int st;
    if (!d)
        return GR_OK;
    for (int j = 0; j < d->n_branch; j++) {
        int k = d->branch[j];
        if (k < 0 || k >= g->nl)
            return gr_error_set(err, GR_EINVAL, "cascade: branch %d out of range", k + 1);
        if (!g->br_on[k])
            continue;
        g->br_on[k] = 0;
        if ((st = casc_log(ws, GR_ELEM_BRANCH, k, GR_CAUSE_DAMAGE, 0.0, 0.0)))
            return st;
    }
    for (int j = 0; j < d->n_gen; j++) {
        int k = d->gen[j];
        if (k < 0 || k >= g->ng)
            return gr_error_set(err, GR_EINVAL, "cascade: generator %d out of range", k + 1);
        if (!g->gen_on[k])
            continue;
        g->gen_on[k] = 0;
        g->pg[k] = 0.0;
        if ((st = casc_log(ws, GR_ELEM_GEN, k, GR_CAUSE_DAMAGE, 0.0, 0.0)))
            return st;
    }
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
    int st = solve_pf(ws, err);
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
        if ((st = settle(ws, err)) || (st = solve_pf(ws, err)))
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
    if (collapsed && ((st = settle(ws, err)) || (st = solve_pf(ws, err))))
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

/* ------------------------------------------------------------------------
 * Public entry.
 * ------------------------------------------------------------------------ */
void gr_cascade_result_free(gr_cascade_result *r)
{
    if (!r)
        return;
    gr_free(r->events);
    gr_free(r->bus_island);
    gr_free(r->island_live);
    gr_free(r->pd_mw);
    gr_free(r->pg_mw);
    gr_free(r->br_on);
    gr_free(r->gen_on);
    gr_free(r);
}

int gr_cascade_run(const gr_grid *g, const gr_cascade_damage *damage,
                   const gr_cascade_options *opt, gr_cascade_result **out, gr_error *err)
{
    *out = NULL;
    casc_ws *ws = NULL;
    gr_cascade_result *r = NULL;
    int st = casc_ws_create(g, opt, 1, &ws, err);
    if (st)
        return st;
    if ((st = casc_ws_run(ws, damage, err)))
        goto done;
    st = GR_ENOMEM;
    r = gr_calloc(1, sizeof *r);
    if (!r)
        goto done;
    const gr_grid *w = ws->g;
    const gr_islands *isl = ws->isl;
    double base = g->base_mva;
    r->nb = g->nb, r->ng = g->ng, r->nl = g->nl;
    r->events = gr_malloc(((size_t)ws->n_ev + 1) * sizeof *r->events);
    r->bus_island = gr_malloc(((size_t)g->nb + 1) * sizeof(int));
    r->island_live = gr_malloc(((size_t)isl->n + 1) * sizeof(int));
    r->pd_mw = gr_calloc((size_t)g->nb + 1, sizeof(double));
    r->pg_mw = gr_calloc((size_t)g->ng + 1, sizeof(double));
    r->br_on = gr_malloc(((size_t)g->nl + 1) * sizeof(int));
    r->gen_on = gr_malloc(((size_t)g->ng + 1) * sizeof(int));
    if (!r->events || !r->bus_island || !r->island_live || !r->pd_mw || !r->pg_mw || !r->br_on ||
        !r->gen_on)
        goto done;
    if (ws->n_ev)
        memcpy(r->events, ws->ev, (size_t)ws->n_ev * sizeof *r->events);
    r->n_events = ws->n_ev;
    memcpy(r->bus_island, isl->bus_island, (size_t)g->nb * sizeof(int));
    for (int s = 0; s < isl->n; s++) {
        r->island_live[s] = isl->ref[s] >= 0;
        r->n_islands += isl->ref[s] >= 0;
        r->n_dark_islands += isl->ref[s] < 0;
    }
    for (int b = 0; b < g->nb; b++) {
        int s = isl->bus_island[b];
        r->pd_mw[b] = s >= 0 && isl->ref[s] >= 0 ? w->pd[b] * base : 0.0;
    }
    for (int k = 0; k < g->ng; k++) {
        r->gen_on[k] = w->gen_on[k];
        int s = isl->bus_island[w->gen_bus[k]];
        r->pg_mw[k] = gen_energisable(w, k) && s >= 0 && isl->ref[s] >= 0 ? w->pg[k] * base : 0.0;
    }
    memcpy(r->br_on, w->br_on, (size_t)g->nl * sizeof(int));
    r->load0_mw = ws->load0 * base;
    r->served_mw = casc_served(ws) * base;
    r->lost_mw = r->load0_mw - r->served_mw;
    for (int c = 0; c < GR_LOSS_N; c++)
        r->lost_by_cat_mw[c] = ws->lost[c] * base;
    r->operator_shed_mw = r->lost_by_cat_mw[GR_LOSS_OPERATOR];
    r->n_trips = ws->n_trips;
    r->n_steps = ws->n_steps;
    r->t_end_s = ws->t;
    r->stop_reason = ws->stop_reason;
    st = GR_OK;
done:
    casc_ws_free(ws);
    if (st) {
        gr_cascade_result_free(r);
        if (st == GR_ENOMEM)
            gr_error_set(err, st, "out of memory in the cascade");
        return st;
    }
    *out = r;
    return GR_OK;
}
