/* fleet.h — the campaign's generation fleet: a unit-commitment-lite availability state machine per unit (docs/campaign.md "Generation fleet"). */
#ifndef GRIDRES_SIM_FLEET_H
#define GRIDRES_SIM_FLEET_H

#include "gridres.h"

/* Why a unit is unavailable (fleet.out[k]). */
enum {
    FLEET_ON = 0,       /* available: dispatchable in [0, Pmax] by the shedding LP */
    FLEET_STARTING,     /* tripped or back from repair: starting until until_h */
    FLEET_NUCLEAR,      /* nuclear: outlet lost or frequency out of band */
    FLEET_HYDRO_EMPTY   /* hydro: daily energy budget spent until the next day */
};

/* The availability of the scenario's units (ties excluded). */
typedef struct fleet {
    const gr_fleet_params *p;
    int n;                  /* units */
    int *type;              /* n: GR_PLANT_*, -1: no plant (never a fleet rule) */
    double *pmax_mw;        /* n */
    double *until_h;        /* n: FLEET_STARTING/FLEET_NUCLEAR until this time (h) */
    unsigned char *out;     /* n: FLEET_* */
    unsigned char *outlet;  /* n: nuclear outlet lost at the last hour */
    double *budget_mwh;     /* n: hydro energy left today */
    double *last_mw;        /* n: the last dispatch known */
    int day;                /* budget day of the last hour (-1: none yet) */
    /* counters */
    int restarts, nuclear_disconnections;
    double nuclear_unit_h_out, hydro_limited_mwh;
} fleet;

/* n units of types type (n, GR_PLANT_* or -1) and pmax_mw (n): every unit
 * on, hydro budgets full. GR_ENOMEM. */
int fleet_init(fleet *f, const gr_fleet_params *p, int n, const int *type,
               const double *pmax_mw);
void fleet_free(fleet *f);
/* Unit k tripped (or back from repair) at t_h: starting until t_h + start_h of its type. */
void fleet_trip(fleet *f, int k, double t_h);
/* Nuclear unit k disconnected at t_h (frequency band): back after start_h. */
void fleet_nuclear_disconnect(fleet *f, int k, double t_h);
/* The hour starting at t_h (budget day `day`): units whose start is over come
 * back, budgets refill on a new day, a nuclear unit whose outlet is lost
 * (outlet_lost, n, nullable) disconnects and comes back start_h after the
 * outlet is back; a hydro unit without a full hour at Pmax left is out for
 * the rest of the day. 1 when the set of available units changed. */
int fleet_begin_hour(fleet *f, double t_h, int day, const unsigned char *outlet_lost);
/* Unit k produced mw over the hour (hydro: its budget pays for it). */
void fleet_use(fleet *f, int k, double mw);
/* The hour's counters (hours out of nuclear units, capacity withheld). */
void fleet_end_hour(fleet *f);
/* 1 when unit k cannot generate this hour. */
static inline int fleet_is_out(const fleet *f, int k) { return f->out[k] != FLEET_ON; }
/* Lowest output (MW) of unit k while on: Pmin of a must-run CHP unit, else 0
 * (the shedding LP's emergency relaxation, docs/shedding.md). */
double fleet_floor_mw(const fleet *f, int k);

#endif
