/* campaign_internal.h — private pieces of the strike campaign shared by the scenario reader, the asset table, the night loop and the metrics. */
#ifndef GRIDRES_CAMPAIGN_INTERNAL_H
#define GRIDRES_CAMPAIGN_INTERNAL_H

#include "gridres.h"

/* Build s->assets from s->grid and s->overlay: transmission substations
 * (750 or 330 kV by their highest bus; elements: their transformer rows and
 * the high-voltage bus), 110 kV distribution substations (their buses),
 * plants (their generator rows) and lines; capacity, city, site; protection
 * zeroed. Then the loss at peak of each asset lost whole (worst-case ranking
 * and repair priority): the shedding LP for substations >= 330 kV and
 * plants, dark load (islands without generation) for 110 kV substations and
 * lines. GR_ENOMEM, or the LP's error. */
int camp_assets_build(gr_campaign_scenario *s, gr_error *err);
void camp_assets_free(gr_campaign_assets *a);
/* Index of the asset named `name`, or -1. */
int camp_asset_find(const gr_campaign_assets *a, const char *name);

/* Fill the scenario's numeric defaults (everything docs/scenario.md lists
 * with a default), before the reader overrides what the file gives. */
void camp_scenario_defaults(gr_campaign_scenario *s);

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

/* Clock hour (0..24) of campaign time t_h. */
double camp_clock_h(const gr_campaign_scenario *s, double t_h);

#endif
