/* protect_internal.h — private pieces of the protection planner shared by the greedy (protect.c), the rules (protect_rules.c), the core (protect_core.c), the run evaluator (protect_eval.c) and the chart (report/protect_chart.c).
 *
 * The files form a tree: protect.c (baseline, candidates, greedy,
 * validation, the entry) calls protect_rules.c; both use the planner's
 * primitives in protect_core.c, which use the run evaluator protect_eval.c
 * (run seeds, campaign runs); report/protect_chart.c uses only the names in
 * protect_core.c. Nothing calls back into protect.c or protect_core.c. */
#ifndef GRIDRES_PROTECT_INTERNAL_H
#define GRIDRES_PROTECT_INTERNAL_H

#include "gridres.h"

/* One campaign run's outcome under some plan. */
typedef struct prot_run {
    double m[GR_PM_N];      /* metrics (GR_PM_*) */
    int nleak;
    int *leak;              /* threats that reached an asset: asset * 4 + threat type,
                               ascending (so grouped by asset); owned */
} prot_run;

/* Outcomes of all runs under one plan. */
typedef struct prot_state {
    int runs;
    prot_run *run;          /* runs entries */
} prot_state;

/* A plan: what has been bought. */
typedef struct prot_plan {
    double *prot;           /* assets.n: protection level in [0, 1] */
    int *level;             /* assets.n: shelter option bought (index into the catalogue), -1 */
    int *spare_extra;       /* nspares: spare units added per spare class */
    int *crew_extra;        /* nbase: crews added per candidate base */
    int *ad_extra;          /* noptions x nzones: air-defence purchases per (option, zone) */
} prot_plan;

/* The planner's fixed context. */
typedef struct prot_ctx {
    const gr_campaign_scenario *s;
    const gr_protect_costs *c;
    gr_protect_options opt;
    int na, runs, nights, threads;
    uint64_t *seeds;        /* runs campaign seeds */
    /* element -> assets (CSR per element kind) */
    int *br_ptr, *br_asset, *gen_ptr, *gen_asset, *bus_ptr, *bus_asset;
    double crit_share;      /* critical load / load (both scale with the hour's level) */
    /* crew bases (overlay crew bases, or the region's centre without any) */
    int nbase;
    double *base_x, *base_y;
    char **base_name;       /* nbase, owned */
    /* effort */
    long runs_simulated, runs_total;
    int evaluations;
    int screened;           /* evaluations stopped on the screening runs (racing) */
    struct prot_screen *screen_cache; /* racing: screening runs kept (protect_core.c) */
    gr_error *err;
} prot_ctx;

int prot_state_init(prot_state *st, int runs);
void prot_state_free(prot_state *st);
/* Copy run r of `from` into `to` (to's run r is freed first). GR_ENOMEM. */
int prot_run_copy(prot_run *to, const prot_run *from);
/* 1 when a threat reached asset a in this run. */
int prot_run_hit(const prot_run *r, int a);

int prot_plan_init(prot_plan *p, const prot_ctx *x);
int prot_plan_copy(prot_plan *to, const prot_plan *from, const prot_ctx *x);
void prot_plan_free(prot_plan *p);

/* Element -> asset maps, critical share, crew bases, seeds. */
int prot_ctx_init(prot_ctx *x, const gr_campaign_scenario *s, const gr_protect_costs *c,
                  const gr_protect_options *opt, gr_error *err);
void prot_ctx_free(prot_ctx *x);

/* Air defence with plan p's purchases (protect_ad.c): the scenario's zones,
 * interceptors added to their magazines, then one zone per fire group or
 * battery bought, at its zone's centre. *zones is NULL (use the scenario's)
 * when p buys no air defence; else owned by the caller. GR_ENOMEM. */
int prot_plan_zones(const prot_ctx *x, const prot_plan *p, gr_ad_zone **zones, int *nzones);

/* Outcomes under plan p: runs with mask[r] (all when mask is NULL) are
 * simulated, the others copied from `from` (which must then be given). `to`
 * is initialised here (prot_state_free it). Counts the effort in x. The first
 * failing run's error (in run order). */
int prot_eval(prot_ctx *x, const prot_plan *p, const prot_state *from, const unsigned char *mask,
              prot_state *to);

/* Racing's kept screening runs (protect_core.c); prot_ctx_free calls it. */
void prot_screen_free(struct prot_screen *c);

/* Paired differences a.run[r].m[metric] - b.run[r].m[metric] over the runs:
 * their mean and 1.96 s / sqrt(R) (NaN with one run). */
void prot_paired(const prot_state *a, const prot_state *b, int metric, double *mean,
                 double *ci);

/* ------------------------------------------------------------------------
 * The planner: its working data (filled in protect.c) and its primitives
 * (protect_core.c).
 * ------------------------------------------------------------------------ */
typedef struct cand cand;   /* a candidate purchase of the greedy (protect.c) */

typedef struct planner {
    prot_ctx x;
    const gr_campaign_scenario *s;
    const gr_protect_costs *c;
    int obj;
    double share[GR_ASSET_NCLASS][GR_THREAT_NTYPES]; /* damaging-hit shares per class */
    double *p0;             /* assets.n: the scenario's protection */
    prot_state base;
    int ncand;
    cand *cand;
    int *heap, nheap;
    char stage[160];
    /* racing (opt.screen, protect_core.c): the greedy arms it before an
       evaluation with the benefit the candidate must reach (the best other key
       x its cost); prot_eval_option disarms it and sets screened = 1 when the
       candidate was judged on the screening runs only (then *benefit is the
       upper bound, *nsim 0 and *out untouched) */
    int screen_armed, screened;
    double screen_bar;
} planner;

/* Report the current stage and the runs simulated so far to opt.progress. */
void prot_progress(planner *p);
/* Protection shelter option o gives asset a; the cost of option o for asset
 * a on top of plan pl (what its current level cost is deducted, >= 0). */
double prot_shelter_level(const planner *p, int o, int a);
double prot_shelter_cost(const planner *p, const prot_plan *pl, int o, int a);
/* Name of the target of an option of type GR_OPTION_* into buf[len]. */
void prot_target_name(const planner *p, int type, int target, char *buf, size_t len);
/* Add option (type, option, target) to plan pl. */
void prot_apply(const planner *p, prot_plan *pl, int type, int option, int target);
/* Outcomes and benefit of option (type, option, target) on top of plan pl
 * whose outcomes are cur: see protect_core.c. */
int prot_eval_option(planner *p, const prot_plan *pl, const prot_state *cur, int type, int option,
                     int target, prot_state *out, double *benefit, double *ci, int *nsim);
/* idx[0..n-1] sorted by score[idx] descending, ties by index. GR_ENOMEM. */
int prot_sort_desc(int *idx, int n, const double *score);
/* Append *s to the growing array *steps (*n used, *cap allocated). GR_ENOMEM. */
int prot_push_step(gr_protect_step **steps, int *n, int *cap, const gr_protect_step *s);
/* A plan step with its names filled in. */
void prot_fill_step(const planner *p, gr_protect_step *st, int type, int option, int target,
                    double protection, double cost, double benefit, double ci, int nsim);

/* The rules (protect_rules.c): the shelter option they buy (-1 none); their
 * orders of the assets it improves, order[rule * na + k] for k < *n_out; and
 * running them all on the plan's runs into res->rules. */
int prot_rule_option(const gr_protect_costs *c);
int prot_rule_orders(planner *p, int ro, int *order, int *n_out);
int prot_rules(planner *p, int ro, const int *order, int n, double budget,
               const prot_state *plan_state, gr_protect_result *res);

#endif
