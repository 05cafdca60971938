/* cascade_core.c — the cascade workspace shared by the simulator, the island rebalance and the Monte Carlo driver: options, bookkeeping, base state, the power-flow step (DESIGN: cascade_sim.c). */
#include <math.h>
#include <string.h>

#include "model/islands_internal.h"
#include "sim/cascade_internal.h"

/* ------------------------------------------------------------------------
 * Options.
 * ------------------------------------------------------------------------ */
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
    opt->model = GR_CASCADE_MODEL_GRIDRES;
    opt->stop_served = 0.95;           /* DCSIMSEP src/psoptions.m stop_threshold */
    opt->freq_model = GR_FREQ_STATIC;  /* docs/cascade.md "Frequency response" */
    gr_sfr_params_default(&opt->sfr);
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
    else if (o->model < GR_CASCADE_MODEL_GRIDRES || o->model > GR_CASCADE_MODEL_ACCFM)
        bad = "model must be GR_CASCADE_MODEL_GRIDRES, _DCSIMSEP or _ACCFM";
    else if (!(o->stop_served >= 0 && o->stop_served <= 1))
        bad = "stop_served must be in [0, 1]";
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
    gr_free(ws->mscratch);
    gr_pf_solver_free(ws->ac_solver);
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
int casc_solve_pf(casc_ws *ws, gr_error *err)
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
    {   /* the one input check of every solver path; shedding control runs the DC LP */
        gr_error e = {0};
        int models = (opt_in->ac ? GR_GRID_CHECK_AC : GR_GRID_CHECK_DC) |
                     (opt_in->control == GR_CASCADE_CONTROL_SHED ? GR_GRID_CHECK_DC : 0);
        if ((st = gr_grid_check(g, models, &e)))
            return gr_error_set(err, st, "cascade: %s", e.msg);
    }
    casc_ws *ws = gr_calloc(1, sizeof *ws);
    if (!ws)
        return gr_error_set(err, GR_ENOMEM, "out of memory in the cascade");
    ws->g0 = g;
    ws->opt = *opt_in;
    ws->log_events = log_events;
    if (ws->opt.model != GR_CASCADE_MODEL_GRIDRES) { /* their own power flow and rules */
        ws->opt.ac = ws->opt.model == GR_CASCADE_MODEL_ACCFM;
        ws->opt.control = GR_CASCADE_CONTROL_NONE;
    }
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
    if ((st = casc_solve_pf(ws, err)))
        goto fail;
    ws->n_steps = 0;
    const gr_pf_result *r = ws->pf;
    for (int s = 0; s < r->n_islands; s++)
        if (r->island_converged[s] == 0) {
            st = gr_error_set(err, GR_EINFEASIBLE,
                              "cascade: the base-case power flow does not converge (%s)",
                              r->reason[0] ? r->reason : "no reason given");
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
    if (ws->opt.model != GR_CASCADE_MODEL_GRIDRES) {
        st = ws->opt.model == GR_CASCADE_MODEL_DCSIMSEP ? casc_dcsimsep_setup(ws, err)
                                                        : casc_accfm_setup(ws, err);
        if (st)
            goto fail;
    } else if (ws->opt.base_overload == GR_CASCADE_BASE_RAISE)
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
