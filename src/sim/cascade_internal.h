/* cascade_internal.h — the cascade workspace (cascade_core.c) shared by the simulator (cascade_sim.c), the island rebalance and the Monte Carlo driver. */
#ifndef GRIDRES_CASCADE_INTERNAL_H
#define GRIDRES_CASCADE_INTERNAL_H

#include "gridres.h"
#include "sim/cascade_dc.h"

/* A branch counts as overloaded above this loading (x relay rating). */
#define CASC_OVERLOAD_TOL 1e-6
/* Imbalances below this (pu) are left to the reference bus. */
#define CASC_BALANCE_TOL 1e-9

/* One cascade workspace: the base state (computed once from the base grid)
 * and the working state of the cascade being simulated. Not shared between
 * threads; the base grid g0 is read only. All powers in pu. */
typedef struct casc_ws {
    const gr_grid *g0;          /* base grid (borrowed) */
    gr_cascade_options opt;
    gr_grid *g;                 /* working copy: statuses, loads, dispatch, warm start */
    gr_grid *lpg;               /* operator LP's copy (control = shed), else NULL */
    gr_load_classes *own_classes; /* defaults when opt.classes is NULL and control = shed */

    /* base state */
    double *pd0, *qd0;          /* nb: base load (0 at buses dark in the base case) */
    double *pg0;                /* ng: base dispatch (base power flow, slack included) */
    int *gen_on0;               /* ng: base generator status (energised in a live island) */
    double *vm0, *va0;          /* nb: base voltages (AC warm start) */
    double *overhead0;          /* nb: base shunt + loss share per bus (see overhead) */
    double *rating;             /* nl: relay rating, pu; 0 = unlimited */
    double *ramp;               /* ng: largest move from pg0, pu */
    double load0;               /* base served load (positive loads), pu */
    double relay_threshold;     /* ∫(loading - 1) dt that trips, s */
    int base_subgraphs;         /* model dcsimsep: islands + isolated buses of the base */
    double *mscratch;           /* model dcsimsep / accfm: 4 ng + nb private scratch */
    gr_pf_solver *ac_solver;    /* model accfm: AC solver kept from run to run */

    /* working state of one cascade */
    double *acc;                /* nl: relay integral */
    int *ufls_stage;            /* nb: UFLS stages fired */
    double *overhead;           /* nb: power the bus consumes besides its load: shunt
                                   conductance and half the losses of its live branches,
                                   from the last converged power flow (DC: gs) */
    double *loading;            /* nl: |flow| / rating of the last power flow (0 unrated) */
    double *scratch_nb;         /* nb: UVLS reference loads */
    int *isl_ptr, *isl_bus;     /* buses of each island (counting sort), nb + 2 / nb */
    int *isl_gptr, *isl_gen;    /* energised generators of each island, nb + 2 / ng */
    gr_islands *isl;            /* islands of the current topology */
    gr_pf_result *pf;           /* last power flow (DC: allocated once, reused) */
    casc_dc *dc;                /* DC solver on the base pattern (DC only) */
    double t;                   /* simulated time, s */
    double lost[GR_LOSS_N];     /* pu */
    int n_trips, n_steps, stop_reason;

    /* event log (optional: MC runs keep no log) */
    int log_events;
    gr_cascade_event *ev;
    int n_ev, cap_ev;
} casc_ws;

/* Build a workspace: copies the grid, solves the base case, sets relay
 * ratings and ramp limits. GR_EINFEASIBLE when the base power flow fails. */
int casc_ws_create(const gr_grid *g, const gr_cascade_options *opt, int log_events,
                   casc_ws **out, gr_error *err);
void casc_ws_free(casc_ws *ws);
/* Simulate one cascade from the base state (cascade_sim.c). Errors only for
 * out of memory or a failed solver call (GR_ESINGULAR, GR_ELP), with err set. */
int casc_ws_run(casc_ws *ws, const gr_cascade_damage *damage, gr_error *err);
/* Load served now (positive loads in live islands), pu. */
double casc_served(const casc_ws *ws);
/* Solve the power flow of the working grid into ws->pf; AC: keep the solved
 * voltages as the next warm start and the solved dispatch. Sets the branch
 * loadings and calls opt.on_step. */
int casc_solve_pf(casc_ws *ws, gr_error *err);

/* Log an event (no-op when the workspace keeps no log). GR_ENOMEM on failure. */
int casc_log(casc_ws *ws, int kind, int index, int cause, double pu_lost, double value);
/* Reduce the (positive) load of bus b by up to `amount` pu, keeping its power
 * factor; counts the loss under `category`. Returns what was shed. */
double casc_shed_bus(casc_ws *ws, int b, double amount, int category);

/* Buses of island s: ws->isl_bus[ws->isl_ptr[s] .. ws->isl_ptr[s+1]-1]. */
int casc_islands_update(casc_ws *ws, gr_error *err);
/* Rebalance every live island (cascade_balance.c): generator pick-up and
 * back-down within headroom and ramp, UFLS, load relief, frequency collapse,
 * over-frequency tripping. Sets *gen_tripped when a generator went off. */
int casc_rebalance(casc_ws *ws, int *gen_tripped);
/* Move the generation of island s by `delta` pu (> 0 up), shared in
 * proportion to the room of each unit; |delta| must not exceed the room. */
void casc_move_gens(casc_ws *ws, int s, double delta);

/* Rule sets other than gridres (cascade_dcsimsep.c, cascade_accfm.c). setup:
 * once, at the end of casc_ws_create (model ratings, ramps, base state);
 * run: one cascade after reset and damage, in place of the gridres loop,
 * ending with casc_islands_update. */
int casc_dcsimsep_setup(casc_ws *ws, gr_error *err);
int casc_dcsimsep_run(casc_ws *ws, gr_error *err);
int casc_accfm_setup(casc_ws *ws, gr_error *err);
int casc_accfm_run(casc_ws *ws, gr_error *err);

#endif
