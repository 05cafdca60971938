/* protect_core.c — the core of the protection planner shared by its files: names, and the planner's primitives (shelter levels and costs, applying and evaluating an option, plan steps, sorting). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/protect_internal.h"

/* ------------------------------------------------------------------------
 * Names (gridres.h).
 * ------------------------------------------------------------------------ */
static const char *const obj_names[GR_PROTECT_NOBJ] = {"ens", "heat", "critical"};
static const char *const metric_names[GR_PM_N] = {
    "weighted_ens_mwh", "heat_people_hours",        "critical_dark_h",
    "ens_mwh",          "critical_ens_mwh",         "customer_hours",
    "people_without_power_max", "people_without_heat_max", "peak_lost_mw",
    "damaged",          "worst_week_hours_per_day"};
static const char *const rule_names[GR_RULE_N] = {"capacity", "degree", "random"};

const char *gr_protect_objective_name(int obj)
{
    return obj >= 0 && obj < GR_PROTECT_NOBJ ? obj_names[obj] : "?";
}

const char *gr_protect_metric_name(int m) { return m >= 0 && m < GR_PM_N ? metric_names[m] : "?"; }

const char *gr_protect_rule_name(int rule)
{
    return rule >= 0 && rule < GR_RULE_N ? rule_names[rule] : "?";
}

/* ------------------------------------------------------------------------
 * The planner's primitives (protect_internal.h).
 * ------------------------------------------------------------------------ */
void prot_progress(planner *p)
{
    if (p->x.opt.progress)
        p->x.opt.progress(p->x.opt.user, p->stage, p->x.runs_simulated);
}

/* Protection a shelter option gives asset a (the effect averaged over the
 * threat types by the class's damaging-hit shares). */
double prot_shelter_level(const planner *p, int o, int a)
{
    const gr_protect_option *op = &p->c->options[o];
    int cls = p->s->assets.cls[a];
    double e = 0.0;
    for (int t = 0; t < GR_THREAT_NTYPES; t++)
        e += p->share[cls][t] * op->effect[t];
    return e > p->p0[a] ? e : p->p0[a];
}

double prot_shelter_cost(const planner *p, const prot_plan *pl, int o, int a)
{
    int cls = p->s->assets.cls[a];
    double cost = p->c->options[o].class_cost[cls];
    if (pl->level[a] >= 0)
        cost -= p->c->options[pl->level[a]].class_cost[cls];
    return cost > 0.0 ? cost : 0.0;
}

void prot_target_name(const planner *p, int type, int target, char *buf, size_t len)
{
    if (type == GR_OPTION_SHELTER)
        snprintf(buf, len, "%s", p->s->assets.name[target]);
    else if (type == GR_OPTION_SPARE)
        snprintf(buf, len, "%s", p->s->spares[target].name);
    else if (type == GR_OPTION_AD)
        snprintf(buf, len, "%s", p->s->zone_name[target] ? p->s->zone_name[target] : "zone");
    else
        snprintf(buf, len, "%s", p->x.base_name[target]);
}

void prot_apply(const planner *p, prot_plan *pl, int type, int option, int target)
{
    if (type == GR_OPTION_SHELTER) {
        double lv = prot_shelter_level(p, option, target);
        if (lv > pl->prot[target])
            pl->prot[target] = lv;
        pl->level[target] = option;
    } else if (type == GR_OPTION_SPARE) {
        pl->spare_extra[target] += p->c->options[option].units;
    } else if (type == GR_OPTION_AD) {
        pl->ad_extra[(size_t)option * (size_t)p->s->nzones + (size_t)target] += 1;
    } else {
        pl->crew_extra[target] += 1;
    }
}

/* Evaluate option (type, option, target) on top of plan pl with outcomes
 * `cur`: the runs it can change are simulated. *out is initialised unless
 * nothing can change (then *nsim = 0, *benefit = 0 and *out untouched). */
int prot_eval_option(planner *p, const prot_plan *pl, const prot_state *cur, int type, int option,
                     int target, prot_state *out, double *benefit, double *ci, int *nsim)
{
    int R = p->x.runs, st;
    unsigned char *mask = gr_calloc((size_t)R + 1, 1);
    prot_plan np;
    memset(&np, 0, sizeof np);
    if (!mask)
        return gr_error_set(p->x.err, GR_ENOMEM, "protect: out of memory");
    int n = 0;
    for (int r = 0; r < R; r++) {
        mask[r] = type != GR_OPTION_SHELTER || prot_run_hit(&cur->run[r], target);
        n += mask[r];
    }
    *nsim = n;
    *benefit = 0.0;
    *ci = 0.0;
    if (n == 0) {
        gr_free(mask);
        return GR_OK;
    }
    if ((st = prot_plan_copy(&np, pl, &p->x))) {
        gr_free(mask);
        return gr_error_set(p->x.err, st, "protect: out of memory");
    }
    prot_apply(p, &np, type, option, target);
    st = prot_eval(&p->x, &np, cur, mask, out);
    prot_plan_free(&np);
    gr_free(mask);
    if (st)
        return st;
    prot_paired(cur, out, p->obj, benefit, ci);
    prot_progress(p);
    return GR_OK;
}

/* Indices sorted by score descending, ties by index (qsort on pairs: C11's
 * qsort has no context argument). */
typedef struct scored {
    double score;
    int index;
} scored;

static int cmp_scored(const void *x, const void *y)
{
    const scored *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* idx[0..n-1] (any indices into score) sorted in place. GR_ENOMEM. */
int prot_sort_desc(int *idx, int n, const double *score)
{
    scored *t = gr_malloc(((size_t)n + 1) * sizeof *t);
    if (!t)
        return GR_ENOMEM;
    for (int k = 0; k < n; k++) {
        t[k].score = score[idx[k]];
        t[k].index = idx[k];
    }
    qsort(t, (size_t)n, sizeof *t, cmp_scored);
    for (int k = 0; k < n; k++)
        idx[k] = t[k].index;
    gr_free(t);
    return GR_OK;
}

int prot_push_step(gr_protect_step **steps, int *n, int *cap, const gr_protect_step *s)
{
    if (*n == *cap) {
        int nc = *cap ? 2 * *cap : 16;
        gr_protect_step *a = gr_realloc(*steps, (size_t)nc * sizeof *a);
        if (!a)
            return GR_ENOMEM;
        *steps = a;
        *cap = nc;
    }
    (*steps)[(*n)++] = *s;
    return GR_OK;
}

void prot_fill_step(const planner *p, gr_protect_step *st, int type, int option, int target,
                    double protection, double cost, double benefit, double ci, int nsim)
{
    memset(st, 0, sizeof *st);
    st->type = type;
    st->option = option;
    st->target = target;
    snprintf(st->option_name, sizeof st->option_name, "%s", p->c->options[option].name);
    prot_target_name(p, type, target, st->target_name, sizeof st->target_name);
    st->protection = protection;
    st->cost = cost;
    st->benefit = benefit;
    st->benefit_ci = ci;
    st->runs_simulated = nsim;
}
