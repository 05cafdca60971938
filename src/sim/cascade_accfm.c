/* cascade_accfm.c — model accfm: the rules of AC-CFM (Noebels, Preece & Panteli, "AC cascading failure model for resilience analysis in power networks", IEEE Systems Journal 16(1), 2022 (online 2020); public code mnoebels/AC-CFM, accfm.m with get_default_settings.m), re-implemented on the cascade workspace.
 *
 * DESIGN (docs/cascade.md, "Reference models")
 *   AC-CFM recurses: a network with several islands recurses into each; a
 *   single island runs one iteration of protections and recurses while
 *   something acted. Islands never interact, so the same outcome comes from
 *   running every island's iteration side by side ("lockstep"): iteration i
 *   finds the islands, does each active island's iteration i, and solves the
 *   AC power flow of the whole grid where AC-CFM solves one island (an
 *   island whose inputs did not change re-converges to its solution). The
 *   state that AC-CFM keeps per island lives per bus here: halted (the
 *   island's recursion ended) and the UVLS steps applied (ws->ufls_stage).
 *   One iteration of an active island, in the code's order:
 *     split: an island just split off: its PQ buses with units -> PV.
 *     no generation (sum Pmax of units on = 0) or no load (sum Pd = 0): its
 *       nodes trip (load lost: islanding).
 *     reference (add_reference_bus): keep a REF bus with a unit on, else the
 *       PV bus with the largest summed Pmax (lowest bus number on ties); none
 *       -> vcls. Power flow; not converged -> vcls.
 *     distribute_slack: the slack unit's change since the last power flow, if
 *       >= 1 MW, is shared by the units on in proportion to Pmax; power flow;
 *       units over Pmax / under Pmin are clipped and the excess re-shared
 *       (the code's rule, rounded to 1e-4 MW); power flow.
 *     dG = generation change: > 0 beyond 15 % of the previous generation (or
 *       beyond the units' Pmax) -> UFLS: every load x min(sum Pmax, 1.15 x
 *       previous) / 1.1 / demand (rounded to 1e-5; >= 1 -> 0, as the code);
 *       < 0 beyond 15 % -> OFGS: the smallest units by Pmax trip until the
 *       next would exceed -dG (at least one). Either: power flow, next
 *       iteration.
 *     else, on that power flow: O/UXL (Q beyond its limit by 10 % of it:
 *       bus -> PQ, Q at the limit), ULGT (P below Pmin: unit trips), UVLS
 *       (Vm rounded to 1e-3 below Vmin at a loaded bus: 5 % of the original
 *       load per step, after 5 steps the bus load trips), OLP (mean of the
 *       from/to MVA, rounded to 1e-5, above 1.01 x rateA: trips at once).
 *     continue while load > 0 and something acted.
 *   vcls: AC-CFM's voltage-collapse load shedding needs an AC OPF (runopf on
 *   dispatchable loads); gridres has none yet: the island is tripped, its
 *   load counted as vcls, and the event has cause GR_CAUSE_VCLS.
 *   Time: AC-CFM has none; an event's t_s is its iteration number.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/islands_internal.h"
#include "sim/cascade_accfm.h"
#include "sim/cascade_internal.h"
#include "solve/pf_internal.h"

int casc_accfm_rebuild = 0;

#define AC_MAX_ITER 100         /* settings.max_iterations */
#define AC_UVLS_STEP 0.05       /* settings.uvls_per_step */
#define AC_UVLS_STEPS 5         /* settings.uvls_max_steps */
#define AC_DP_LIMIT 0.15        /* settings.dP_limit */
#define AC_P_OVERHEAD 0.1       /* settings.P_overhead */
#define AC_Q_TOL 0.1            /* settings.Q_tolerance */
#define AC_LINE_FACTOR 1.01     /* accfm.m: 1.01 x RATE_A */
#define AC_SLACK_MIN_MW 1.0     /* distribute_slack: smaller changes are kept */

static double round_to(double x, int digits)
{
    double f = pow(10.0, digits);
    return round(x * f) / f;
}

/* Private state of one cascade (allocated per run). */
typedef struct ac_state {
    casc_ws *ws;
    int *halted;        /* nb */
    int *changed;       /* nb: conditions_changed of the bus's island this iteration */
    int *acted;         /* nb: something exceeded in the island this iteration */
    int *prev_isl;      /* nb: island of the bus at the previous iteration */
    int *first_new;     /* nb + 1: per previous island, its first new island */
    int *split;         /* nb + 1 */
    int *gptr, *glist;  /* all units (on or off) per island: nb + 2, ng */
    double *pg_prev;    /* ng */
    double *sum_pmax;   /* nb: per bus, Pmax of units on */
    int iter;
    /* AC solver kept while the topology, the units on and the REF buses
     * stay (gr_pf_solver: only set points and loads may change) */
    gr_pf_solver *solver;
    int kept;           /* solver is ws->ac_solver (borrowed) */
    int *sig;           /* nl + ng + nb: br_on, gen_on, REF flags at its creation */
} ac_state;

static int mva_round_exceeds(double mean_s, double rate, double base)
{
    return round_to(mean_s * base, 5) > round_to(AC_LINE_FACTOR * rate * base, 5);
}

/* Mean of the from- and to-end MVA of branch k in the last power flow, pu. */
static double mean_mva(const gr_pf_result *r, int k)
{
    return 0.5 * (hypot(r->pf[k], r->qf[k]) + hypot(r->pt[k], r->qt[k]));
}

int casc_accfm_setup(casc_ws *ws, gr_error *err)
{
    gr_grid *g = ws->g;
    const gr_pf_result *r = ws->pf;
    /* Relays: rateA (0: unlimited; AC-CFM's check would trip any flow on a
     * branch with RATE_A = 0). GR_CASCADE_BASE_RAISE (default): a branch
     * already over 1.01 x rateA in the base gets rating = its base flow / 1.01. */
    for (int k = 0; k < g->nl; k++) {
        ws->rating[k] = fmax(0.0, g->rate_a[k]);
        if (ws->opt.base_overload != GR_CASCADE_BASE_RAISE || !(ws->rating[k] > 0.0) ||
            !g->br_on[k])
            continue;
        double s = mean_mva(ws->pf, k);
        if (isfinite(s) && mva_round_exceeds(s, ws->rating[k], g->base_mva))
            ws->rating[k] = s / AC_LINE_FACTOR;
    }
    /* ... and the other limits the base breaks (AC-CFM expects an AC-OPF
     * dispatch; MATPOWER's cases solved without reactive limits break them):
     * Q limits widened to the base Q of a unit beyond its 10 % tolerance,
     * Vmin lowered to a loaded bus's base voltage (rounded to 1e-3), Pmin to
     * a unit's base P. KEEP: the case's limits (the undamaged grid may act). */
    if (ws->opt.base_overload == GR_CASCADE_BASE_RAISE) {
        for (int k = 0; k < g->ng; k++) {
            int s = r->bus_island[g->gen_bus[k]];
            if (!gen_energisable(g, k) || s < 0 || r->island_converged[s] != 1)
                continue;
            double q = r->qg[k];
            if (q - g->qmin[k] < -fabs(AC_Q_TOL * g->qmin[k]))
                g->qmin[k] = q;
            if (q - g->qmax[k] > fabs(AC_Q_TOL * g->qmax[k]))
                g->qmax[k] = q;
            if (g->pg[k] < g->pmin[k])
                g->pmin[k] = g->pg[k];
        }
        for (int b = 0; b < g->nb; b++)
            if (round_to(r->vm[b], 3) < g->vmin[b] && (g->pd[b] > 0.0 || g->qd[b] > 0.0))
                g->vmin[b] = round_to(r->vm[b], 3);
    }
    int nsub = ws->isl->n;
    ws->base_subgraphs = nsub;
    /* the AC solver of every run (pf_solver_update after the damage; the
     * base island's fixed-pattern Newton analysed once) */
    if (!casc_accfm_rebuild) {
        int st = gr_pf_solver_create(g, &ws->ac_solver, err);
        if (!st)
            st = pf_solver_base(ws->ac_solver, g, r->vm, r->va, err);
        if (st)
            return st;
    }
    ws->mscratch = gr_malloc(((size_t)g->nb + 1) * sizeof(double));
    if (!ws->mscratch)
        return gr_error_set(err, GR_ENOMEM, "out of memory in the cascade");
    for (int b = 0; b < g->nb; b++) /* base islands, for the split rule */
        ws->mscratch[b] = ws->isl->bus_island[b];
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Helpers on one island s of ws->isl.
 * ------------------------------------------------------------------------ */
static void build_gen_lists(ac_state *a)
{
    casc_ws *ws = a->ws;
    const gr_grid *g = ws->g;
    int n = ws->isl->n;
    memset(a->gptr, 0, ((size_t)n + 2) * sizeof(int));
    for (int k = 0; k < g->ng; k++) {
        int s = ws->isl->bus_island[g->gen_bus[k]];
        if (s >= 0)
            a->gptr[s + 2]++;
    }
    for (int s = 0; s < n; s++)
        a->gptr[s + 2] += a->gptr[s + 1];
    for (int k = 0; k < g->ng; k++) {
        int s = ws->isl->bus_island[g->gen_bus[k]];
        if (s >= 0)
            a->glist[a->gptr[s + 1]++] = k;
    }
}

static int gen_on(const gr_grid *g, int k) { return gen_energisable(g, k); }

static int island_active(const ac_state *a, int s)
{
    const casc_ws *ws = a->ws;
    return ws->isl_ptr[s + 1] > ws->isl_ptr[s] && !a->halted[ws->isl_bus[ws->isl_ptr[s]]];
}

static void set_island_flag(ac_state *a, int *flag, int s, int v)
{
    const casc_ws *ws = a->ws;
    for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++)
        flag[ws->isl_bus[q]] = v;
}

static double island_pd(const casc_ws *ws, int s)
{
    double d = 0.0;
    for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++)
        d += ws->g->pd[ws->isl_bus[q]];
    return d;
}

/* trip_nodes: every bus of island s isolated, its load lost under cat, its
 * units and branches off; logs one island event (cause) when load was lost
 * or the cause is vcls. */
static int trip_island(ac_state *a, int s, int cat, int cause)
{
    casc_ws *ws = a->ws;
    gr_grid *g = ws->g;
    double lost = 0.0;
    int lowest = ws->isl_bus[ws->isl_ptr[s]];
    for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++) {
        int b = ws->isl_bus[q];
        lost += casc_shed_bus(ws, b, g->pd[b], cat);
        g->pd[b] = g->qd[b] = 0.0;
        g->bus_type[b] = GR_BUS_ISOLATED;
        a->halted[b] = 1;
    }
    for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
        int k = a->glist[q];
        g->gen_on[k] = 0;
        g->pg[k] = g->qg[k] = 0.0;
    }
    for (int k = 0; k < g->nl; k++)
        if (g->br_on[k] && ws->isl->bus_island[g->br_f[k]] == s)
            g->br_on[k] = 0;
    if (lost > 0.0 || cause == GR_CAUSE_VCLS)
        return casc_log(ws, GR_ELEM_ISLAND, lowest, cause, lost, 0.0);
    return GR_OK;
}

/* add_reference_bus for island s; returns the slack unit (first unit on at
 * the REF bus) or -1 when there is none. */
static int add_reference(ac_state *a, int s, int ignore_type)
{
    casc_ws *ws = a->ws;
    gr_grid *g = ws->g;
    int nref = 0, ref = -1;
    for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++)
        if (g->bus_type[ws->isl_bus[q]] == GR_BUS_REF)
            nref++, ref = ws->isl_bus[q];
    if (nref == 1) {
        int has = 0;
        for (int q = a->gptr[s]; q < a->gptr[s + 1] && !has; q++)
            has = gen_on(g, a->glist[q]) && g->gen_bus[a->glist[q]] == ref;
        if (!has) {
            g->bus_type[ref] = GR_BUS_PQ;
            return add_reference(a, s, 1);
        }
    } else {
        for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++)
            if (g->bus_type[ws->isl_bus[q]] == GR_BUS_REF)
                g->bus_type[ws->isl_bus[q]] = GR_BUS_PV;
        ref = -1;
        for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++)
            a->sum_pmax[ws->isl_bus[q]] = 0.0;
        for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
            int k = a->glist[q];
            if (gen_on(g, k))
                a->sum_pmax[g->gen_bus[k]] += g->pmax[k];
        }
        double best = -HUGE_VAL;
        for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
            int k = a->glist[q], b = g->gen_bus[k];
            if (!gen_on(g, k) || (!ignore_type && g->bus_type[b] != GR_BUS_PV))
                continue;
            double v = a->sum_pmax[b];
            if (v > best || (v == best && ref >= 0 && g->bus_id[b] < g->bus_id[ref]))
                best = v, ref = b;
        }
        if (ref >= 0)
            g->bus_type[ref] = GR_BUS_REF;
    }
    /* A bus alone in its island is its own reference. */
    if (ws->isl_ptr[s + 1] - ws->isl_ptr[s] == 1) {
        int b = ws->isl_bus[ws->isl_ptr[s]];
        g->bus_type[b] = GR_BUS_REF;
        ref = b;
    }
    if (ref < 0)
        return -1;
    for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++)
        if (gen_on(g, a->glist[q]) && g->gen_bus[a->glist[q]] == ref)
            return a->glist[q];
    return -1;
}

/* PV buses of island s without a unit on -> PQ, then a reference. */
static void pv_without_units(ac_state *a, int s)
{
    casc_ws *ws = a->ws;
    gr_grid *g = ws->g;
    for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++)
        a->sum_pmax[ws->isl_bus[q]] = 0.0;
    for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++)
        if (gen_on(g, a->glist[q]))
            a->sum_pmax[g->gen_bus[a->glist[q]]] = 1.0;
    for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++) {
        int b = ws->isl_bus[q];
        if (g->bus_type[b] == GR_BUS_PV && a->sum_pmax[b] == 0.0)
            g->bus_type[b] = GR_BUS_PQ;
    }
    add_reference(a, s, 0);
}

static int trip_unit(ac_state *a, int k, int cause)
{
    gr_grid *g = a->ws->g;
    g->gen_on[k] = 0;
    g->pg[k] = g->qg[k] = 0.0;
    a->ws->n_trips++;
    return casc_log(a->ws, GR_ELEM_GEN, k, cause, 0.0, 0.0);
}

/* 1 when the grid's topology, units on or REF buses differ from sig (and
 * sig is updated). */
static int signature_changed(ac_state *a)
{
    const gr_grid *g = a->ws->g;
    int changed = 0, *p = a->sig;
    for (int k = 0; k < g->nl; k++, p++)
        if (*p != g->br_on[k])
            *p = g->br_on[k], changed = 1;
    for (int k = 0; k < g->ng; k++, p++)
        if (*p != gen_on(g, k))
            *p = gen_on(g, k), changed = 1;
    for (int b = 0; b < g->nb; b++, p++) {
        int v = g->bus_type[b] == GR_BUS_REF ? 1 : g->bus_type[b] == GR_BUS_ISOLATED ? 2 : 0;
        if (*p != v)
            *p = v, changed = 1;
    }
    return changed;
}

/* Islands of the current grid, the unit lists, and an AC power flow (what
 * casc_solve_pf does, through a kept solver); the solved dispatch, the
 * units' reactive output (PQ buses hold it, as MATPOWER's gen table) and
 * the voltages (warm start) written back for converged islands. */
static int power_flow(ac_state *a, gr_error *err)
{
    casc_ws *ws = a->ws;
    gr_grid *g = ws->g;
    int st = casc_islands_update(ws, err);
    if (st)
        return st;
    if (signature_changed(a) || !a->solver || a->kept == 1) {
        a->kept += a->kept == 1; /* the run's first solve: its own start */
        if (a->solver && !casc_accfm_rebuild) {
            if ((st = pf_solver_update(a->solver, g, err)))
                return st;
        } else {
            gr_pf_solver_free(a->solver);
            a->solver = NULL;
            if ((st = gr_pf_solver_create(g, &a->solver, err)))
                return st;
        }
    }
    gr_pf_result_free(ws->pf);
    ws->pf = NULL;
    if ((st = gr_pf_solver_solve(a->solver, g, &ws->opt.pf, &ws->pf, err)))
        return st;
    ws->n_steps++;
    build_gen_lists(a);
    const gr_pf_result *r = ws->pf;
    for (int k = 0; k < g->ng; k++) {
        int s = r->bus_island[g->gen_bus[k]];
        if (gen_on(g, k) && s >= 0 && r->island_converged[s] == 1) {
            g->pg[k] = r->pg[k];
            g->qg[k] = r->qg[k];
        }
    }
    for (int b = 0; b < g->nb; b++) {
        int s = r->bus_island[b];
        if (s >= 0 && r->island_converged[s] == 1) {
            g->vm0[b] = r->vm[b];
            g->va0[b] = r->va[b];
        }
    }
    if (ws->opt.on_step)
        ws->opt.on_step(ws->opt.user, g, r, ws->t);
    return GR_OK;
}

static int converged(const casc_ws *ws, int s)
{
    return s < ws->pf->n_islands && ws->pf->island_converged[s] == 1;
}

static int slack_of(const ac_state *a, int s)
{
    const gr_grid *g = a->ws->g;
    for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
        int k = a->glist[q];
        if (gen_on(g, k) && g->bus_type[g->gen_bus[k]] == GR_BUS_REF)
            return k;
    }
    return -1;
}

/* distribute_slack, first half: share the slack's change. Returns 1 when
 * island s moved its units. */
static int share_slack(ac_state *a, int s)
{
    gr_grid *g = a->ws->g;
    int slack = slack_of(a, s);
    if (slack < 0)
        return 0;
    double change = g->pg[slack] - a->pg_prev[slack];
    if (change * g->base_mva < AC_SLACK_MIN_MW) /* accfm.m: slack_change < 1 */
        return 0;
    double sum = 0.0;
    for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++)
        if (gen_on(g, a->glist[q]))
            sum += g->pmax[a->glist[q]];
    if (!(sum > 0.0))
        return 0;
    for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
        int k = a->glist[q];
        if (gen_on(g, k))
            g->pg[k] += g->pmax[k] / sum * change;
    }
    return 1;
}

/* distribute_slack, second half: clip at Pmax / Pmin and re-share (MW
 * rounding to 1e-4 as the code). Returns 1 when a unit moved. */
static int clip_units(ac_state *a, int s)
{
    gr_grid *g = a->ws->g;
    double base = g->base_mva;
    for (int round_no = 0; round_no < AC_MAX_ITER; round_no++) {
        int bad = 0;
        double surplus = 0.0, deficit = 0.0;
        for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
            int k = a->glist[q];
            if (g->pg[k] > g->pmax[k])
                bad = 1, surplus += g->pg[k] - g->pmax[k];
            if (gen_on(g, k) && g->pg[k] < g->pmin[k])
                bad = 1, deficit -= g->pg[k] - g->pmin[k];
        }
        if (!bad)
            return round_no > 0;
        for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
            int k = a->glist[q];
            if (g->pg[k] > g->pmax[k])
                g->pg[k] = g->pmax[k];
            if (gen_on(g, k) && g->pg[k] < g->pmin[k])
                g->pg[k] = g->pmin[k];
        }
        double below = 0.0, above = 0.0;
        for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
            int k = a->glist[q];
            if (g->pg[k] < g->pmax[k])
                below += g->pg[k];
        }
        double sp = below != 0.0 ? surplus / below : 0.0;
        if (sp > 0.0)
            for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
                int k = a->glist[q];
                if (g->pg[k] < g->pmax[k])
                    g->pg[k] = round_to((1.0 + sp) * g->pg[k] * base, 4) / base;
            }
        for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
            int k = a->glist[q];
            if (gen_on(g, k) && g->pg[k] > g->pmin[k])
                above += g->pg[k];
        }
        double df = above != 0.0 ? deficit / above : 0.0;
        if (df > 0.0)
            for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
                int k = a->glist[q];
                if (gen_on(g, k) && g->pg[k] > g->pmin[k])
                    g->pg[k] = round_to((1.0 + df) * g->pg[k] * base, 4) / base;
            }
    }
    return 1;
}

static double island_pg(const ac_state *a, int s)
{
    const gr_grid *g = a->ws->g;
    double p = 0.0;
    for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++)
        p += gen_on(g, a->glist[q]) ? g->pg[a->glist[q]] : 0.0;
    return p;
}

static double island_pg_prev(const ac_state *a, int s)
{
    double p = 0.0;
    for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++)
        p += a->pg_prev[a->glist[q]];
    return p;
}

typedef struct { double key; int k; } unit_key;

static int cmp_unit(const void *x, const void *y)
{
    const unit_key *u = x, *v = y;
    if (u->key < v->key)
        return -1;
    if (u->key > v->key)
        return 1;
    return (u->k > v->k) - (u->k < v->k); /* stable: case order */
}

/* UFLS / OFGS of island s (converged); returns 1 when it acted. */
static int frequency(ac_state *a, int s, int *acted_out)
{
    casc_ws *ws = a->ws;
    gr_grid *g = ws->g;
    double base = g->base_mva, sum_d = island_pd(ws, s);
    double dg = island_pg(a, s) - island_pg_prev(a, s);
    double sum_g = 0.0, sum_gmax = 0.0;
    int st;
    *acted_out = 0;
    for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
        int k = a->glist[q];
        if (gen_on(g, k))
            sum_g += g->pg[k], sum_gmax += g->pmax[k];
    }
    if (dg > 0.0 && sum_d > 0.0) {
        if (round_to(sum_gmax * base, 2) >= round_to(sum_g * base, 2) &&
            (dg <= AC_DP_LIMIT * (sum_g - dg) || dg * base < 1.0))
            return GR_OK;
        double target = fmin(sum_gmax, (sum_g - dg) * (1.0 + AC_DP_LIMIT));
        double f = round_to(target / (1.0 + AC_P_OVERHEAD) / sum_d, 5);
        if (f >= 1.0)
            f = 0.0; /* as accfm.m */
        f = fmax(f, 0.0);
        double lost = 0.0;
        for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++) {
            int b = ws->isl_bus[q];
            if (g->pd[b] > 0.0)
                lost += casc_shed_bus(ws, b, (1.0 - f) * g->pd[b], GR_LOSS_UFLS);
            else {
                g->pd[b] *= f;
                g->qd[b] *= f;
            }
        }
        *acted_out = 1;
        return casc_log(ws, GR_ELEM_ISLAND, ws->isl_bus[ws->isl_ptr[s]], GR_CAUSE_UFLS, lost,
                        1.0 - f);
    }
    if (dg < 0.0 && -dg > AC_DP_LIMIT * (sum_g - dg)) {
        int n = a->gptr[s + 1] - a->gptr[s];
        unit_key *u = gr_malloc(((size_t)n + 1) * sizeof *u);
        if (!u)
            return GR_ENOMEM;
        for (int j = 0; j < n; j++) {
            int k = a->glist[a->gptr[s] + j];
            u[j].k = k;
            u[j].key = gen_on(g, k) ? g->pmax[k] : HUGE_VAL; /* Pmax / status */
        }
        qsort(u, (size_t)n, sizeof *u, cmp_unit);
        int shed = 0;
        double cum = 0.0;
        for (int j = 0; j < n; j++) {
            cum += gen_on(g, u[j].k) ? g->pg[u[j].k] : 0.0;
            if (cum > -dg) {
                shed = j;
                break;
            }
        }
        if (shed == 0)
            shed = 1;
        for (int j = 0; j < shed && j < n; j++)
            if (gen_on(g, u[j].k) && (st = trip_unit(a, u[j].k, GR_CAUSE_OVERFREQUENCY))) {
                gr_free(u);
                return st;
            }
        gr_free(u);
        pv_without_units(a, s);
        *acted_out = 1;
    }
    return GR_OK;
}

/* O/UXL, ULGT, UVLS and OLP on the last power flow; *acted: any exceeded. */
static int protections(ac_state *a, int s, int *acted)
{
    casc_ws *ws = a->ws;
    gr_grid *g = ws->g;
    const gr_pf_result *r = ws->pf;
    double base = g->base_mva;
    int st, nbus = ws->isl_ptr[s + 1] - ws->isl_ptr[s];
    *acted = 0;
    /* Exceeded sets, all from the same power flow. */
    int any_q = 0, any_p = 0;
    for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
        int k = a->glist[q];
        if (!gen_on(g, k))
            continue;
        if (g->pg[k] < g->pmin[k])
            any_p = 1;
        if (g->qg[k] - g->qmin[k] < -fabs(AC_Q_TOL * g->qmin[k]) ||
            g->qg[k] - g->qmax[k] > fabs(AC_Q_TOL * g->qmax[k]))
            any_q = 1;
    }
    /* O/UXL */
    if (any_q) {
        *acted = 1;
        if (nbus == 1) {
            double qmax = 0.0, qmin = 0.0, qg = 0.0;
            for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
                int k = a->glist[q];
                if (gen_on(g, k))
                    qmax += g->qmax[k], qmin += g->qmin[k], qg += g->qg[k];
            }
            double f = qmax / qg;
            if (f < 0.0)
                f = qmin / qg;
            int b = ws->isl_bus[ws->isl_ptr[s]];
            if (isfinite(f) && f >= 0.0 && f < 1.0 && g->pd[b] > 0.0) {
                double lost = casc_shed_bus(ws, b, (1.0 - f) * g->pd[b], GR_LOSS_UVLS);
                if ((st = casc_log(ws, GR_ELEM_BUS, b, GR_CAUSE_UVLS, lost, 0.0)))
                    return st;
            }
        } else {
            for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
                int k = a->glist[q];
                if (!gen_on(g, k))
                    continue;
                int lo = g->qg[k] - g->qmin[k] < -fabs(AC_Q_TOL * g->qmin[k]);
                int hi = g->qg[k] - g->qmax[k] > fabs(AC_Q_TOL * g->qmax[k]);
                if (!lo && !hi)
                    continue;
                g->bus_type[g->gen_bus[k]] = GR_BUS_PQ;
                g->qg[k] = lo ? g->qmin[k] : g->qmax[k];
            }
        }
    }
    /* ULGT: units below Pmin trip. */
    if (any_p) {
        *acted = 1;
        for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
            int k = a->glist[q];
            if (gen_on(g, k) && g->pg[k] < g->pmin[k] && (st = trip_unit(a, k, GR_CAUSE_UNDERLOAD)))
                return st;
        }
        pv_without_units(a, s);
    }
    /* UVLS */
    for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++) {
        int b = ws->isl_bus[q];
        if (g->bus_type[b] == GR_BUS_ISOLATED || !(round_to(r->vm[b], 3) < g->vmin[b]) ||
            !(g->pd[b] > 0.0 || g->qd[b] > 0.0))
            continue;
        *acted = 1;
        int steps = ws->ufls_stage[b];
        double lost;
        if (steps < AC_UVLS_STEPS) {
            double frac = AC_UVLS_STEP / (1.0 - AC_UVLS_STEP * steps);
            if (g->pd[b] > 0.0) { /* keeps the power factor */
                lost = casc_shed_bus(ws, b, frac * g->pd[b], GR_LOSS_UVLS);
            } else {
                lost = 0.0;
                g->pd[b] *= 1.0 - frac;
                g->qd[b] *= 1.0 - frac;
            }
        } else {
            lost = casc_shed_bus(ws, b, g->pd[b], GR_LOSS_UVLS);
            g->pd[b] = g->qd[b] = 0.0;
        }
        ws->ufls_stage[b] = steps + 1;
        if ((st = casc_log(ws, GR_ELEM_BUS, b, GR_CAUSE_UVLS, lost, steps + 1)))
            return st;
    }
    /* OLP: instantaneous trips. */
    for (int k = 0; k < g->nl; k++) {
        if (!g->br_on[k] || ws->isl->bus_island[g->br_f[k]] != s || !(ws->rating[k] > 0.0))
            continue;
        double m = mean_mva(r, k);
        if (!isfinite(m) || !mva_round_exceeds(m, ws->rating[k], base))
            continue;
        *acted = 1;
        g->br_on[k] = 0;
        ws->n_trips++;
        if ((st = casc_log(ws, GR_ELEM_BRANCH, k, GR_CAUSE_OVERLOAD_INSTANT, 0.0,
                           m / ws->rating[k])))
            return st;
    }
    return GR_OK;
}

/* Islands now vs the previous iteration: PQ buses with units -> PV in every
 * island that split off (accfm.m, sibling case). */
static void split_rule(ac_state *a)
{
    casc_ws *ws = a->ws;
    gr_grid *g = ws->g;
    int nb = g->nb;
    for (int b = 0; b <= nb; b++)
        a->first_new[b] = -1, a->split[b] = 0;
    for (int b = 0; b < nb; b++) {
        int p = a->prev_isl[b], s = ws->isl->bus_island[b];
        if (p < 0 || s < 0)
            continue;
        if (a->first_new[p] < 0)
            a->first_new[p] = s;
        else if (a->first_new[p] != s)
            a->split[p] = 1;
    }
    for (int k = 0; k < g->ng; k++) {
        int b = g->gen_bus[k], p = a->prev_isl[b];
        if (p >= 0 && a->split[p] && ws->isl->bus_island[b] >= 0 && !a->halted[b] &&
            g->bus_type[b] == GR_BUS_PQ)
            g->bus_type[b] = GR_BUS_PV;
    }
    for (int b = 0; b < nb; b++)
        a->prev_isl[b] = ws->isl->bus_island[b];
}

static int iterate(ac_state *a, gr_error *err)
{
    casc_ws *ws = a->ws;
    gr_grid *g = ws->g;
    int st, nb = g->nb;
    if ((st = casc_islands_update(ws, err)))
        return st;
    build_gen_lists(a);
    split_rule(a);
    memset(a->changed, 0, (size_t)nb * sizeof(int));
    memset(a->acted, 0, (size_t)nb * sizeof(int));
    /* No generation or no load; reference. */
    int any = 0;
    for (int s = 0; s < ws->isl->n; s++) {
        if (!island_active(a, s))
            continue;
        double pmax = 0.0;
        for (int q = a->gptr[s]; q < a->gptr[s + 1]; q++) {
            int k = a->glist[q];
            if (gen_on(g, k) && g->pmax[k] > 0.0)
                pmax += g->pmax[k];
        }
        if (pmax == 0.0 || island_pd(ws, s) == 0.0) {
            if ((st = trip_island(a, s, GR_LOSS_ISLANDING, GR_CAUSE_ISLANDING)))
                return st;
            continue;
        }
        if (add_reference(a, s, 0) < 0) {
            set_island_flag(a, a->changed, s, 1);
            if ((st = trip_island(a, s, GR_LOSS_VOLTAGE_COLLAPSE, GR_CAUSE_VCLS)))
                return st;
            continue;
        }
        any = 1;
    }
    if (!any)
        return GR_OK;
    memcpy(a->pg_prev, g->pg, (size_t)g->ng * sizeof(double));
    for (int k = 0; k < g->ng; k++)
        if (!gen_on(g, k))
            a->pg_prev[k] = 0.0;
    if ((st = power_flow(a, err)))
        return st;
    /* distribute_slack */
    int moved = 0;
    for (int s = 0; s < ws->isl->n; s++)
        if (island_active(a, s) && converged(ws, s) && share_slack(a, s))
            set_island_flag(a, a->acted, s, 2), moved = 1; /* 2: slack shared */
    if (moved) {
        if ((st = power_flow(a, err)))
            return st;
        int clipped = 0;
        for (int s = 0; s < ws->isl->n; s++)
            if (island_active(a, s) && a->acted[ws->isl_bus[ws->isl_ptr[s]]] == 2 &&
                converged(ws, s))
                clipped |= clip_units(a, s);
        /* the code's last runpf: the same inputs give the same solution when
         * nothing was clipped, so it is skipped then */
        if (clipped && (st = power_flow(a, err)))
            return st;
        memset(a->acted, 0, (size_t)nb * sizeof(int));
    }
    /* Not converged: vcls. */
    int tripped = 0;
    for (int s = 0; s < ws->isl->n; s++)
        if (island_active(a, s) && !converged(ws, s)) {
            set_island_flag(a, a->changed, s, 1);
            if ((st = trip_island(a, s, GR_LOSS_VOLTAGE_COLLAPSE, GR_CAUSE_VCLS)))
                return st;
            tripped = 1;
        }
    (void)tripped; /* ws->isl stays that of ws->pf: tripped islands are halted */
    /* UFLS / OFGS */
    int freq = 0;
    for (int s = 0; s < ws->isl->n; s++) {
        if (!island_active(a, s) || !converged(ws, s) || a->changed[ws->isl_bus[ws->isl_ptr[s]]])
            continue;
        int acted = 0;
        if ((st = frequency(a, s, &acted)))
            return st;
        if (acted)
            set_island_flag(a, a->changed, s, 1), freq = 1;
    }
    if (freq && (st = power_flow(a, err)))
        return st;
    /* Protections of the islands whose conditions did not change. */
    for (int s = 0; s < ws->isl->n; s++) {
        if (!island_active(a, s) || a->changed[ws->isl_bus[ws->isl_ptr[s]]] || !converged(ws, s))
            continue;
        int acted = 0;
        if ((st = protections(a, s, &acted)))
            return st;
        if (acted)
            set_island_flag(a, a->acted, s, 1);
    }
    /* Recursion: continue while load > 0 and something acted. */
    for (int s = 0; s < ws->isl->n; s++) {
        if (!island_active(a, s))
            continue;
        int b0 = ws->isl_bus[ws->isl_ptr[s]];
        if (!(island_pd(ws, s) > 0.0) || !(a->changed[b0] || a->acted[b0]))
            set_island_flag(a, a->halted, s, 1);
    }
    return GR_OK;
}

int casc_accfm_run(casc_ws *ws, gr_error *err)
{
    gr_grid *g = ws->g;
    size_t nb = (size_t)g->nb + 2, ng = (size_t)g->ng + 1;
    ac_state a = {0};
    a.ws = ws;
    a.halted = gr_calloc(nb, sizeof(int));
    a.changed = gr_calloc(nb, sizeof(int));
    a.acted = gr_calloc(nb, sizeof(int));
    a.prev_isl = gr_malloc(nb * sizeof(int));
    a.first_new = gr_malloc(nb * sizeof(int));
    a.split = gr_malloc(nb * sizeof(int));
    a.gptr = gr_calloc(nb + 1, sizeof(int));
    a.glist = gr_malloc(ng * sizeof(int));
    a.pg_prev = gr_calloc(ng, sizeof(double));
    a.sum_pmax = gr_calloc(nb, sizeof(double));
    a.sig = gr_calloc((size_t)g->nl + (size_t)g->ng + nb, sizeof(int));
    int st = GR_ENOMEM;
    if (!a.halted || !a.changed || !a.acted || !a.prev_isl || !a.first_new || !a.split ||
        !a.gptr || !a.glist || !a.pg_prev || !a.sum_pmax || !a.sig) {
        gr_error_set(err, st, "out of memory in the cascade");
        goto done;
    }
    for (int b = 0; b < g->nb; b++)
        a.prev_isl[b] = (int)ws->mscratch[b];
    if (ws->ac_solver && !casc_accfm_rebuild) {
        a.solver = ws->ac_solver;
        a.kept = 1;
        pf_solver_restart(a.solver);
    }
    /* Bus types from the case (the base solve may have moved nothing, but a
     * previous cascade of this workspace did). */
    memcpy(g->qg, ws->g0->qg, (size_t)g->ng * sizeof(double));
    ws->stop_reason = 0;
    for (a.iter = 1;; a.iter++) {
        if (a.iter > AC_MAX_ITER || ws->n_steps >= ws->opt.max_steps) {
            ws->stop_reason = 2;
            break;
        }
        ws->t = a.iter;
        if ((st = iterate(&a, err)))
            goto done;
        int active = 0;
        for (int b = 0; b < g->nb && !active; b++)
            active = !a.halted[b] && g->bus_type[b] != GR_BUS_ISOLATED;
        if (!active)
            break;
    }
    st = casc_islands_update(ws, err);
done:
    gr_free(a.halted);
    gr_free(a.changed);
    gr_free(a.acted);
    gr_free(a.prev_isl);
    gr_free(a.first_new);
    gr_free(a.split);
    gr_free(a.gptr);
    gr_free(a.glist);
    gr_free(a.pg_prev);
    gr_free(a.sum_pmax);
    gr_free(a.sig);
    if (!a.kept)
        gr_pf_solver_free(a.solver);
    return st;
}
