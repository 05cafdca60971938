/* campaign_internal.h — private pieces of the strike campaign shared by its stage files: asset table and grid helpers, scenario helpers, the shared model, the run workspace and the stages (attack, damage, cascade, repair, one run). */
#ifndef GRIDRES_CAMPAIGN_INTERNAL_H
#define GRIDRES_CAMPAIGN_INTERNAL_H

#include <stdint.h>

#include "gridres.h"

/* The files, from the top (each calls only files below it):
 *   campaign.c           options, result lifetime, Monte Carlo over runs (entry)
 *   campaign_model.c     the shared model, built once per campaign
 *   campaign_run.c       one run: nights, hours, totals
 *   campaign_attack.c    threats, targets, air defence engagement, hits
 *   campaign_cascade.c   the cascade at a wave's boundary
 *   campaign_repair.c    crews, spares, dispatch and the restoration planner
 *   campaign_damage.c    damaged elements and the event log
 *   campaign_state.c     served-load states (the shedding LP), cached per run
 *   campaign_assets.c    the asset table, grid status helpers
 *   campaign_scenario.c  scenario defaults, lifetime, night plans, clock,
 *                        distributions */

#define HOURS 24                /* hourly steps of a night */
#define NFIELD GR_HOUR_NFIELD   /* values per hourly row */

/* ------------------------------------------------------------------------
 * Asset table and grid helpers (campaign_assets.c).
 * ------------------------------------------------------------------------ */
void camp_assets_free(gr_campaign_assets *a);

/* Bus adjacency of a grid (every branch, in service or not): the branches
 * and generators at each bus, CSR. Read only once built. */
typedef struct camp_adj {
    int nb;
    int *br_ptr, *br;       /* nb + 1, 2 nl */
    int *gen_ptr, *gen;     /* nb + 1, ng */
} camp_adj;
int camp_adj_build(const gr_grid *g, camp_adj *a);
void camp_adj_free(camp_adj *a);
/* Statuses of g back to those of g0 (branches, generators, bus types). */
void camp_grid_reset(gr_grid *g, const gr_grid *g0);
/* Take an element out of service: a branch or generator; a bus becomes
 * isolated with its branches and generators out (as gr_outage_apply). */
void camp_grid_out(gr_grid *g, const camp_adj *adj, int kind, int index);
/* Load (pu, positive loads) in dark islands and isolated buses of g: buses
 * that no in-service generator reaches through in-service branches. mark
 * (nb) and queue (nb) are scratch. */
double camp_dark_load(const gr_grid *g, const camp_adj *adj, int *mark, int *queue);
/* The worst-case ranking (campaign_rank.c): a->loss_mw of every asset of
 * s->assets (elements set). plain: 1 every transmission substation and plant
 * by gr_shed_solve (tests and benchmarks); 0: the screen, then the LP by
 * constraint generation, then the full LP, plants on the undamaged grid's
 * factorised B and first through the zero-loss test; CAMP_RANK_FRESH: the
 * same without that reuse and test (every asset set up afresh; the path
 * before them, for tests and benchmarks). stats (may be NULL): how the
 * shedding values were found. */
#define CAMP_RANK_FRESH 2
typedef struct camp_rank_stats {
    int screened;           /* decided by the knapsack screen, no LP */
    int lp;                 /* by an LP (the zero-loss test's included) */
    long lp_iterations;
    int reused;             /* plants solved on the undamaged grid's islands and B */
    int warm;               /* decided by the zero-loss test */
} camp_rank_stats;
int camp_assets_loss(gr_campaign_scenario *s, const camp_adj *adj, int plain,
                     camp_rank_stats *stats, gr_error *err);

/* ------------------------------------------------------------------------
 * Scenario helpers (campaign_scenario.c).
 * ------------------------------------------------------------------------ */
/* Clock hour (0..24) of campaign time t_h. */
double camp_clock_h(const gr_campaign_scenario *s, double t_h);

/* ------------------------------------------------------------------------
 * Shared model (read only during the runs).
 * ------------------------------------------------------------------------ */
/* A served-load state: per-bus served fraction of load and of critical load
 * at the high and low load level. */
typedef struct camp_entry {
    uint64_t hash;
    int nkey;
    int *key;
    int exact;              /* served scales with the level: lo == hi */
    float *f_hi, *c_hi, *f_lo, *c_lo;
    int relaxed;            /* a level needed the relaxed LP (docs/shedding.md) */
    double curt_hi, curt_lo, unb_hi, unb_lo; /* MW curtailed / unbalanced per level */
    int unb_bus;            /* reference bus of the most unbalanced island, -1 */
    float *pg_hi, *pg_lo;   /* ng: the LP's dispatch (pu) per level (fleet.c: hydro) */
} camp_entry;

typedef struct camp_model {
    const gr_campaign_scenario *s;
    const gr_grid *g0;
    camp_adj adj;
    gr_load_classes *lc;
    gr_shed_options so;
    gr_cascade_options co;
    int nb, ng, nl, nights, control;
    double base;
    double lam_hi, lam_lo;
    double *crit0;          /* nb: critical load at peak, pu */
    double *pop, *heat_pop, *fac;  /* nb */
    int *heat_dist;         /* nb: district or -1 */
    int *dist_plant;        /* nheat: CHP plant of the district */
    int nheat;
    double *plant_pmax;     /* nplant */
    int *gen_plant;         /* ng */
    double load_pu;         /* Σ positive pd at peak */
    double population;
    int *rank;              /* worst-case ranking of eligible assets */
    int nrank;
    double *weight;         /* capacity-policy weight per asset */
    int *spare_of_kind;     /* GR_REPAIR_NKIND: spare class, -1 */
    camp_entry base_entry;  /* the undamaged grid */
    int plain;              /* CAMP_PLAIN_* (tests and benchmarks only), 0: the fast path */
    /* interconnection (interconnection.c): g0 with the scenario's ties appended
       as generators ng0 .. ng-1 (owned; NULL: no ties, g0 is the scenario's) */
    gr_grid *tie_grid;
    int ng0;                /* units of the scenario's grid */
    unsigned char *gen_sync;/* ng: synchronous tie */
    double *tie_ramp_mw;    /* ng: a tie's import (instant), 0 for the units */
    struct camp_qh_model *qh; /* outage queues and heat (campaign_heat.h) */
} camp_model;

/* Append the scenario's ties to the model's grid (interconnection.c): each a
 * generator at its bus, pg 0, in [-export_mw, import_mw], picked up at once;
 * sets m->g0, m->ng, m->tie_grid, m->gen_sync and the cascade options'
 * gen_sync, ramp_mw, sync_system_mw. GR_ENOMEM. */
int camp_ties_build(camp_model *m, gr_error *err);
void camp_ties_free(camp_model *m);

/* The plain paths of the served-load states, for tests and benchmarks only
 * (camp_campaign_run; gr_campaign_run always takes the fast path):
 *   CAMP_PLAIN_LP       every state by the full shedding LP of shed.c,
 *                       started from the run's last LP dispatch: the
 *                       algorithm of 353929f (same results as it);
 *   CAMP_PLAIN_NOCACHE  no cache of states: every hour (and every cascade's
 *                       state before its wave) is solved afresh. */
enum { CAMP_PLAIN_LP = 1, CAMP_PLAIN_NOCACHE = 2 };

/* The model of scenario s for `nights` nights under cascade control
 * `control` (campaign_model.c): load levels, critical load, people and heat
 * per bus, plants, spare classes, targeting weights and the worst-case
 * ranking, the undamaged state; plain: CAMP_PLAIN_* or 0. m borrows s (it must outlive m). On failure
 * m is half built: camp_model_free it either way. */
int camp_model_build(camp_model *m, const gr_campaign_scenario *s, int control, int nights,
                     int plain, gr_error *err);
void camp_model_free(camp_model *m);

/* ------------------------------------------------------------------------
 * Per-run workspace.
 * ------------------------------------------------------------------------ */
typedef struct camp_dmg {
    int kind, index, asset, rkind, spare;
    double t_h;             /* effective (the wave's boundary) */
    double work_h;          /* sampled repair duration */
    double work_left, travel_left;
    int crew;               /* -1: not assigned */
    int has_spare, active, done;
    int night;
    double prio;            /* planned start (planner), NaN: none */
} camp_dmg;

typedef struct camp_thr {
    int wave, type, asset;
    double launch_h, arrival_h, detect_h;
    double lx_km, ly_km;            /* launch point (layered model's route) */
    const gr_launch_area *la;       /* its launch area (waypoints) */
} camp_thr;

/* Per wave of the night: boundary hour (0..23) when its damage takes effect. */
typedef struct camp_wave_fx {
    int hour;
    int ndmg_from, ndmg_to; /* its damaged elements w->d[from .. to-1] */
} camp_wave_fx;

/* Progress: nights done over all runs. */
typedef struct camp_progress {
    const gr_campaign_options *opt;
    int done, total;
} camp_progress;

typedef struct camp_run {
    const camp_model *m;
    gr_rng rng;             /* the night's draws: reseeded each night from night_key */
    uint64_t night_key;     /* the run's key for per-night and per-hit streams */
    gr_rng dmg;             /* draws of one hit (damage, element, repair time) */
    gr_grid *g;
    gr_error *err;
    gr_ad_zone *zones;
    int *stock;             /* spares */
    camp_dmg *d;
    int nd, capd;
    unsigned char *dmg_br, *dmg_gen, *dmg_bus; /* damaged (active or pending) */
    unsigned char *trip_br, *trip_gen;
    int ntrip;
    double window_end;      /* cascade window: served from casc_f/casc_c until then */
    double casc_lam;
    float *casc_f, *casc_c;
    double *crew_x, *crew_y;
    int *crew_task;
    camp_entry *cache;
    int ncache, capcache;
    camp_entry fresh[2];    /* CAMP_PLAIN_NOCACHE: the last two states solved */
    int nfresh;
    const camp_entry *cur;  /* state of the grid without the window; NULL: dirty */
    int *keybuf;
    double *run_h;          /* nb: consecutive hours mostly unserved */
    double *frac, *cfrac;   /* nb scratch */
    double *run_scratch;    /* 2 nb scratch */
    double *warm_pg;        /* ng: the last LP dispatch (next LP's start) */
    double *chp_lost;       /* nheat: share of each heat district's CHP capacity damaged */
    camp_thr *t;
    gr_threat *gt;
    int nt, capt;
    camp_wave_fx *fx;       /* the night's waves (room for the longest plan) */
    camp_progress *prog;
    /* outputs */
    double *hourly;         /* nights * 24 * NFIELD */
    double *area_hourly;    /* nights * 24 * (ncity + 1) * GR_AREA_NFIELD, or NULL */
    gr_campaign_night *night;
    gr_campaign_total *total;
    gr_campaign_event *ev;
    int nev, capev, keep_events;
    double *warn_sum, *warn_min;
    int *warn_n;
    int lp_solves;
    struct camp_qh_run *qh; /* outage queues and heat (campaign_heat.h) */
    struct fleet *fl;       /* generation fleet (fleet.c), NULL: fleet.enabled 0 */
    unsigned char *fl_lost; /* ng0: nuclear outlet lost (fleet.c scratch) */
    int *fl_mark, *fl_queue;/* nb: fleet.c scratch */
    unsigned char *fl_abr, *fl_abus, *fl_agen; /* nl, nb, ng: active damage (fleet.c) */
    unsigned char *fl_pabr, *fl_pabus, *fl_pagen; /* the same when fl_lost was last found */
    int fl_lost_ok;         /* fl_lost is nuclear_outlets' answer for fl_pabr/pabus/pagen */
} camp_run;

/* ------------------------------------------------------------------------
 * Served-load states (campaign_state.c).
 * ------------------------------------------------------------------------ */
void camp_entry_free(camp_entry *e);
/* Statuses of g: the base, minus the listed elements (encoded kind << 28 | index). */
void camp_apply_key(const camp_model *m, gr_grid *g, const int *key, int nkey);
/* Fill e (key already set) by the shedding LP at the high level, and at the
 * low level unless served load scales exactly; warm_pg (ng, nullable): the
 * high level's dispatch (with CAMP_PLAIN_LP also its start). Counts LPs in
 * *lp_solves. */
int camp_entry_solve(const camp_model *m, gr_grid *g, camp_entry *e, double *warm_pg,
                     int *lp_solves, gr_error *err);
/* Served fractions of entry e at level lam into frac/cfrac (nb). */
void camp_entry_at(const camp_model *m, const camp_entry *e, double lam, double *frac,
                   double *cfrac);
/* MW of negative load curtailed and MW unbalanced of entry e at level lam
 * (interpolated as served load; 0 unless e->relaxed). */
void camp_entry_relax_at(const camp_model *m, const camp_entry *e, double lam, double *curt,
                         double *unb);
/* The state of the damaged grid (no cascade window): cached per run. */
int camp_current_state(camp_run *w, const camp_entry **out);

/* ------------------------------------------------------------------------
 * Generation fleet (fleet.c, fleet.h): every hook is a no-op when
 * fleet.enabled is 0 (w->fl NULL).
 * ------------------------------------------------------------------------ */
int camp_fleet_run_init(camp_run *w);           /* GR_ENOMEM */
void camp_fleet_run_free(camp_run *w);
/* Append the units out (not damaged) to key[0 .. n-1] as GR_ELEM_GEN; the new length. */
int camp_fleet_key(const camp_run *w, int *key, int n);
/* Start of the hour at t_h: outlets, budgets, restarts; w->cur = NULL on a change. */
void camp_fleet_hour(camp_run *w, double t_h);
/* The hour's dispatch from state e at level lam (NULL: the cascade window). */
void camp_fleet_dispatch(camp_run *w, const camp_entry *e, double lam);
/* After the cascade cr at t_h (w->g still the state before the wave, w->trip_gen set). */
void camp_fleet_cascade(camp_run *w, double t_h, const gr_cascade_result *cr);
/* Element (kind, index) repaired at t_h: its units start. */
void camp_fleet_repaired(camp_run *w, int kind, int index, double t_h);
void camp_fleet_totals(camp_run *w);

/* ------------------------------------------------------------------------
 * Damage and events (campaign_damage.c).
 * ------------------------------------------------------------------------ */
/* Append an event to the run's log (nothing without keep_events). GR_ENOMEM. */
int camp_log_event(camp_run *w, int night, double t_h, int kind, int ek, int ei, int cause,
                   double mw);
/* The run's damaged flag of an element (GR_ELEM_*). */
unsigned char *camp_dmg_flag(camp_run *w, int kind, int index);
/* 1 when every element of asset a is damaged. */
int camp_asset_dead(camp_run *w, int a);
/* A damaging hit on asset a: pick the element (or -1 when nothing is left);
 * draws from w->dmg. */
int camp_pick_element(camp_run *w, int a, int *kind, int *index);
/* One hit of threat `hit` (its index in the night's threats: the seed of its
 * own draws) of type `type` on asset a, its damage effective at th: by
 * fragility, or with the fixed p_damage where the scenario gives it; damage
 * and events logged, nr->damaged counted. GR_ENOMEM. */
int camp_hit(camp_run *w, int night, int hit, int a, int type, double th,
             gr_campaign_night *nr);
/* Record the damage of element (kind, index) of asset a, effective at t_h:
 * its repair kind, spare class and sampled repair time (from w->dmg). */
int camp_add_damage(camp_run *w, int night, int a, int kind, int index, double t_h);

/* ------------------------------------------------------------------------
 * The stages of a night.
 * ------------------------------------------------------------------------ */
/* Attack of night (1-based) by plan pl (campaign_attack.c): every wave's
 * threats, one engagement, the hits in arrival order; each wave's effect hour
 * and damaged elements into fx (pl->nwaves); counts into nr. */
int camp_attack(camp_run *w, int night, const gr_night_plan *pl, camp_wave_fx *fx,
                gr_campaign_night *nr);
/* The cascade at boundary t_h (level lam) of the damage w->d[from .. to-1]
 * from the state `before` (campaign_cascade.c): trips, window fractions,
 * events. */
int camp_cascade(camp_run *w, int night, double t_h, double lam, int from, int to,
                 const camp_entry *before);
/* The repair step of the hour starting at t_h (campaign_repair.c). */
int camp_repair_hour(camp_run *w, double t_h);
/* Repairs finished in the last hour come back at boundary t_h. */
int camp_finish_repairs(camp_run *w, int night, double t_h);

/* ------------------------------------------------------------------------
 * One run (campaign_run.c).
 * ------------------------------------------------------------------------ */
/* What one run reads and where it writes: its slot of every result array. */
typedef struct camp_run_ctx {
    const camp_model *m;
    int index;                  /* run r: draws from the stream (seed, r) */
    uint64_t seed;              /* the campaign's master seed */
    int keep_events;            /* keep the event log */
    camp_progress *prog;        /* nights done, shared by all runs */
    double *hourly;             /* out: nights x 24 x NFIELD, or NULL */
    gr_campaign_night *night;   /* out: nights */
    gr_campaign_total *total;   /* out */
    double *warn_mean_min;      /* out: ncity mean warning time, minutes */
    double *warn_short_min;     /* out: ncity shortest warning time, minutes */
    double *area_hourly;        /* out: nights x 24 x (ncity + 1) x GR_AREA_NFIELD, or NULL */
    gr_campaign_event **events; /* out (keep_events, on success): the log, the caller's */
    int *n_events;              /* out: its length */
    int *lp_solves;             /* out: LPs the run solved (also on failure) */
    gr_error *err;              /* out: the run's error */
} camp_run_ctx;
/* Run c->index of the campaign: status GR_OK or the first error. */
int camp_run_one(const camp_run_ctx *c);

/* gr_campaign_run with the plain paths `plain` (CAMP_PLAIN_*, 0: the fast
 * path, as gr_campaign_run) (campaign.c). Tests and benchmarks only. */
int camp_campaign_run(const gr_campaign_scenario *s, const gr_campaign_options *opt, int plain,
                      gr_campaign_result **out, gr_error *err);

#endif
