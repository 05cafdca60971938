/* restore_internal.h — private parts of restoration planning: the served-load evaluator with its cache, the instance, the schedule decoder.
 *
 * The files form a tree: restore.c (entry points, instance, results) calls
 * the methods restore_rad.c and restore_mip.c and the core restore_core.c
 * (calendar, schedules, decoder, objective, greedy); the methods use the
 * core; restore_core.c and restore_mip.c use the evaluator restore_eval.c.
 * Nothing calls back into restore.c. */
#ifndef GRIDRES_RESTORE_INTERNAL_H
#define GRIDRES_RESTORE_INTERNAL_H

#include <stdint.h>

#include "gridres.h"

/* ------------------------------------------------------------------------
 * Served load of a state (restore_eval.c). A state is the set of repaired
 * elements, a bitmask of nw = (n + 63) / 64 words.
 * ------------------------------------------------------------------------ */
typedef struct rs_value {
    double served_mw;
    double critical_mw;
    double weighted;        /* sum_c weight_c * MW served in class c */
    double people_out;
} rs_value;

typedef struct rs_eval rs_eval;

/* g: the grid before damage (borrowed, must outlive the evaluator); d: the
 * damage; classes: NULL for the defaults; pop: nb people per bus (grid bus
 * index) or NULL. mode: GR_RESTORE_EVAL_*. */
int rs_eval_create(const gr_grid *g, const gr_damage *d, const gr_load_classes *classes,
                   const gr_shed_options *shed, const double *pop, int mode, rs_eval **out,
                   gr_error *err);
void rs_eval_free(rs_eval *e);
/* Value of the state `mask` (nw words); cached by the mask. */
int rs_eval_get(rs_eval *e, const uint64_t *mask, rs_value *out, gr_error *err);
int rs_eval_words(const rs_eval *e);
/* Upper bound (weighted MW) of the value of `mask` without an LP: the
 * cached value when known (returns 1), else a per-island knapsack of unit
 * capacity (returns 0); never below the LP's value. */
int rs_eval_bound(rs_eval *e, const uint64_t *mask, double *ub);
/* Bounds computed (states the bound answered without the cache). */
int rs_eval_bounds(const rs_eval *e);
/* Demand: load of all buses (MW), weighted, critical. */
void rs_eval_demand(const rs_eval *e, double *mw, double *weighted, double *critical);
/* LP solves, cache hits, LP seconds. */
void rs_eval_stats(const rs_eval *e, int *solves, int *hits, double *lp_s);

/* ------------------------------------------------------------------------
 * Working-time calendar (restore_core.c): crews work (and travel) only in a daily shift of
 * W hours from shift_start. phi = working hours since the shift start of
 * day 0 on the absolute clock; with W = 24 phi is the absolute time.
 * ------------------------------------------------------------------------ */
typedef struct rs_cal {
    double W;       /* working hours a day (24: continuous) */
    double u0;      /* hours from the day-0 shift start to absolute time 0 */
} rs_cal;

void rs_cal_init(rs_cal *c, double clock_h, double shift_start_h, double work_h);
double rs_cal_phi(const rs_cal *c, double t);        /* working hours done by time t */
double rs_cal_start(const rs_cal *c, double phi);    /* earliest time work at phi can go on */
double rs_cal_end(const rs_cal *c, double phi);      /* time the working hour phi is reached */

/* ------------------------------------------------------------------------
 * The instance (built in restore.c) and the decoder (restore_core.c).
 * ------------------------------------------------------------------------ */
typedef struct rs_inst {
    int n, C, nw;
    const gr_damage *d;
    rs_cal cal;
    double start_h;         /* absolute plan start */
    double *p;              /* n: work hours */
    double *travel;         /* (n + C) x n: travel hours from site / crew start (rows n..n+C-1) */
    double *crew_phi;       /* C: phi at which each crew is free */
    int *pred_p, *pred_i;   /* CSR n+1: elements that must end before i starts */
    /* spare units: per class the sorted phi at which units become available;
       units beyond the list come at new_phi (INFINITY if none) */
    int nspare;
    int *unit_p;            /* nspare+1 */
    double *unit_phi;
    double *unit_abs;       /* the same as absolute times */
    double *new_phi, *new_abs; /* nspare */
    rs_eval *ev;
    double demand_weighted, demand_mw;
} rs_inst;

/* A decoded schedule (working-time phi and absolute times). */
typedef struct rs_sched {
    int *crew;              /* n */
    double *dep, *arr, *st, *en;   /* n: phi */
    double *spare_abs;      /* n: absolute time its last spare unit was ready, NaN none */
    int *order;             /* n: the priority order used (topologically repaired) */
    double *t_done;         /* n: absolute completion time */
    double objective;       /* weighted ENS from start to the last completion */
} rs_sched;

int rs_sched_alloc(int n, rs_sched *s);
void rs_sched_free(rs_sched *s);
void rs_sched_copy(rs_sched *dst, const rs_sched *src, int n);

/* Serial schedule generation: elements in `order` (any permutation; it is
 * repaired to respect precedence), each to the crew that finishes it first.
 * Fills s (times) without evaluating. */
void rs_decode(const rs_inst *in, const int *order, rs_sched *s);
/* Weighted ENS of the times in s (absolute completion s->t_done) from the
 * plan start until the last completion; sets s->objective. */
int rs_objective(const rs_inst *in, rs_sched *s, gr_error *err);
/* rs_objective when the result is below `cutoff` (*below = 1); else
 * *below = 0 and s->objective is a lower bound >= cutoff, found from bounds
 * of the states without solving them all (rs_eval_bound). */
int rs_objective_below(const rs_inst *in, rs_sched *s, double cutoff, int *below,
                       gr_error *err);
/* idx (n) = 0 .. n-1 sorted by completion s->t_done, ties by index. */
void rs_sort_by_done(const rs_sched *s, int n, int *idx);

/* Methods. order_out: n. Greedy (restore_core.c), RAD (restore_rad.c). */
int rs_greedy(const rs_inst *in, int exhaustive, int *order_out, gr_error *err);
int rs_rad(const rs_inst *in, const gr_restore_options *opt, int *order, rs_sched *best,
           gr_error *err);
/* Exact MIP (restore_mip.c). `start` is a feasible schedule for the MIP
 * start (may be NULL). It stops at `deadline` (gr_time_s clock): while the
 * served-load states are computed, or through CBC's time limit. */
typedef struct rs_mip_out {
    int status;             /* GR_RESTORE_MIP_* */
    int have_plan;          /* s holds the MIP's schedule */
    double objective;       /* CBC's incumbent (NaN: none) */
    double bound;           /* CBC's lower bound (NaN: unknown) */
} rs_mip_out;
int rs_mip(const rs_inst *in, const rs_sched *start, double deadline, rs_sched *s,
           rs_mip_out *out, gr_error *err);

#endif /* GRIDRES_RESTORE_INTERNAL_H */
