/* campaign_heat.h — outage queues (campaign_queues.c) and district heat (heat.c) inside the campaign: the model's and the run's parts, and the hooks campaign_model.c and campaign_run.c call. */
#ifndef GRIDRES_CAMPAIGN_HEAT_H
#define GRIDRES_CAMPAIGN_HEAT_H

#include "sim/campaign_internal.h"

/* Shared (read only in the runs). */
typedef struct camp_qh_model {
    int nq;                 /* sub-queues (GR_CAMPAIGN_SUBQUEUES) */
    int blocks;             /* blocks per hour (60 / block_min of gr_schedule_options) */
    int narea;              /* areas: the cities, then one for the buses of no city */
    int *bus_area;          /* nb */
    double *heat_fac;       /* nb: heating facilities (boiler houses, pumping stations) */
    double *dist_fac;       /* nheat: heating facilities of the district */
    double *dist_pop;       /* nheat: district-heated people */
} camp_qh_model;

/* Per run. Groups: (bus b, sub-queue q), index b * nq + q, people pop[b] / nq. */
typedef struct camp_qh_run {
    double *carry;          /* narea: sub-queue-blocks owed (rounding carry) */
    int *start;             /* narea: first sub-queue of the next block's window */
    double *area_load, *area_shed, *area_clpu; /* narea scratch, MW */
    unsigned char *win;     /* narea * nq: this block's window */
    unsigned char *dark;    /* groups: dark in the last block */
    double *dark_h;         /* groups: hours dark */
    double *spell_h, *spell_max; /* groups: current and longest dark spell, h */
    double *clpu_left;      /* groups: hours of cold-load pickup left */
    unsigned char *busy;    /* nb: some group of the bus dark, in a spell or picking up
                               (0: every group at rest, which a lit block leaves as is) */
    unsigned char *area_on; /* narea: this block's window holds some sub-queue */
    int *mark, *queue;      /* nb: live buses (mark), scratch */
    uint64_t live_hash;     /* the damaged set mark was computed for */
    int live_ok;
    double *t_in;           /* nheat: indoor temperature, °C */
    double t_min;           /* coldest indoor temperature so far */
    double *supply;         /* nheat scratch: heat supply q of the hour */
} camp_qh_run;

/* Model hooks (campaign_model.c). GR_ENOMEM. */
int camp_qh_model_build(camp_model *m);
void camp_qh_model_free(camp_model *m);
/* Run hooks (campaign_run.c). GR_ENOMEM. */
int camp_qh_run_init(camp_run *w);
void camp_qh_run_free(camp_run *w);

/* The hour at t_h (night 0-based, level lam, the LP's served fractions frac and
 * cfrac): the queues' blocks decide who is dark (*nopower: people without power,
 * hour average), cold-load pickup (*clpu_lost_mw: normal load that an area in
 * deficit darkens to serve it, hour average), and district heat (*noheat: people
 * whose heat supply is off, share-weighted), indoor temperatures and the cold
 * metrics into w->total. */
void camp_qh_hour(camp_run *w, int night, double t_h, double lam, const double *frac,
                  const double *cfrac, double *nopower, double *noheat, double *clpu_lost_mw);
/* The run's queue totals (after its last night). GR_ENOMEM. */
int camp_qh_totals(camp_run *w);

/* One block of an area's rotation (the rule of schedule.c, with a varying
 * count): the share x (0..1) of the area's rotating load to darken adds x nq
 * sub-queue-blocks to *carry; k = round(*carry) sub-queues are dark (0..nq),
 * the cyclic window *start .. *start + k - 1, and *start advances by k. win (nq)
 * receives the window. Returns k. */
int camp_queue_block(int nq, double x, double *carry, int *start, unsigned char *win);

/* One group (bus, sub-queue) over one block of dt hours: dark now or not; its
 * dark time, dark spell (current, longest) and cold-load clock *left: on
 * re-energising after a spell of d hours it draws the extra for min(d, clpu_h)
 * hours. *was_dark becomes `dark`. */
void camp_group_block(const gr_campaign_weather *wx, int dark, double dt, unsigned char *was_dark,
                      double *dark_h, double *spell_h, double *spell_max, double *left);
/* The extra share of its load (clpu_extra or 0) a group draws in the next block
 * when lit, from its state after the last block. */
double camp_group_clpu(const gr_campaign_weather *wx, unsigned char was_dark, double left);

/* Heat (heat.c): the district heat supply q (0..1) of every district into q
 * (nheat): its CHP plant's undamaged share times the served share of its heating
 * facilities; w->chp_lost is set as a side effect. */
void camp_heat_supply(camp_run *w, const double *cfrac, double *q);

#endif
