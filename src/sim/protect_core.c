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

/* Racing (opt.screen; docs/protect.md "Racing"). The runs option o can
 * change are those in `mask`; the first S = opt.screen runs are the
 * screening runs. With n0 of the M changed runs among them (n0 >= SCREEN_MIN),
 * their paired differences d (mean m0, standard deviation s0) estimate the
 * benefit (1/R) sum_changed d as (M/R) m0; its upper bound is
 *     U = (M/R) (m0 + z s0 / sqrt(n0) sqrt(1 - n0/M)),   z = 2.576,
 * a 99 % one-sided normal bound (z x the standard error of a mean of n0 runs
 * drawn from M without replacement, the finite-population factor; Cochran,
 * Sampling Techniques, 3rd ed., 1977, §2.5). When U is below the benefit the
 * candidate needs to top the heap (p->screen_bar: the best other key x its
 * cost), the greedy would push it back anyway (CELF, Leskovec et al. 2007):
 * it goes back with key U / cost, an upper bound (at 99 %) like the stale
 * keys, and is judged again when that bound tops the heap. Otherwise the
 * other changed runs are simulated too and the result is exactly the full
 * evaluation (each run's outcome does not depend on which batch it was in).
 * So the greedy buys only fully evaluated options, with their full-run
 * values; its plan differs from the exact greedy's only when a bound U was
 * below a candidate's true benefit while that candidate would have been
 * bought at that point. */
#define SCREEN_MIN 10
#define SCREEN_Z 2.576
#define SCREEN_KEEP 64

/* The screening runs of candidates screened out, by the plan they were run
 * with (plan + the option): when a candidate tops the heap again under the
 * same plan, its screening runs are not simulated again. */
typedef struct prot_screen {
    int n, next;
    prot_plan plan[SCREEN_KEEP];
    prot_state part[SCREEN_KEEP];
} prot_screen;

void prot_screen_free(prot_screen *c)
{
    if (!c)
        return;
    for (int k = 0; k < c->n; k++) {
        prot_plan_free(&c->plan[k]);
        prot_state_free(&c->part[k]);
    }
    gr_free(c);
}

static int same_plan(const prot_ctx *x, const prot_plan *a, const prot_plan *b)
{
    return a->prot && memcmp(a->prot, b->prot, (size_t)x->na * sizeof(double)) == 0 &&
           memcmp(a->spare_extra, b->spare_extra, (size_t)x->s->nspares * sizeof(int)) == 0 &&
           memcmp(a->crew_extra, b->crew_extra, (size_t)x->nbase * sizeof(int)) == 0;
}

/* Index of plan pl's kept screening runs, -1. */
static int screen_find(const prot_ctx *x, const prot_plan *pl)
{
    const prot_screen *c = x->screen_cache;
    for (int k = 0; c && k < c->n; k++)
        if (same_plan(x, &c->plan[k], pl))
            return k;
    return -1;
}

/* Keep `part` (moved in) for plan pl; the oldest entry goes when full (out
 * of memory: not kept). */
static void screen_keep(prot_ctx *x, const prot_plan *pl, prot_state *part)
{
    prot_screen *c = x->screen_cache;
    if (!c && !(c = x->screen_cache = gr_calloc(1, sizeof *c))) {
        prot_state_free(part);
        return;
    }
    int k;
    if (c->n < SCREEN_KEEP) {
        k = c->n++;
    } else {
        k = c->next;
        c->next = (k + 1) % SCREEN_KEEP;
        prot_plan_free(&c->plan[k]);
        prot_state_free(&c->part[k]);
    }
    if (prot_plan_copy(&c->plan[k], pl, x)) { /* prot NULL: matches nothing */
        prot_state_free(part);
        return;
    }
    c->part[k] = *part;
    memset(part, 0, sizeof *part);
}

/* Move entry k's screening runs into *part (the entry then matches nothing).
 * The kept state's runs from S on are those of the plan it was screened on;
 * they are replaced by cur's (the runs a full evaluation copies). */
static int screen_take(prot_ctx *x, int k, int S, const prot_state *cur, prot_state *part)
{
    prot_screen *c = x->screen_cache;
    *part = c->part[k];
    memset(&c->part[k], 0, sizeof c->part[k]);
    prot_plan_free(&c->plan[k]);
    int st = GR_OK;
    for (int r = S; r < part->runs && !st; r++)
        st = prot_run_copy(&part->run[r], &cur->run[r]);
    if (st)
        prot_state_free(part);
    return st;
}

/* Evaluate option (type, option, target) on top of plan pl with outcomes
 * `cur`: the runs it can change are simulated. *out is initialised unless
 * nothing can change (then *nsim = 0, *benefit = 0 and *out untouched) or
 * the option was screened out (racing, above: p->screened = 1, *benefit the
 * upper bound, *nsim = 0, *out untouched). */
int prot_eval_option(planner *p, const prot_plan *pl, const prot_state *cur, int type, int option,
                     int target, prot_state *out, double *benefit, double *ci, int *nsim)
{
    int R = p->x.runs, st;
    int armed = p->screen_armed;
    double bar = p->screen_bar;
    p->screen_armed = 0;
    p->screened = 0;
    unsigned char *mask = gr_calloc(2 * (size_t)R + 1, 1);
    prot_plan np;
    memset(&np, 0, sizeof np);
    if (!mask)
        return gr_error_set(p->x.err, GR_ENOMEM, "protect: out of memory");
    unsigned char *m1 = mask + R; /* after the check: no offset on a null pointer */
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
    int S = p->x.opt.screen, n0 = 0;
    for (int r = 0; r < R; r++)
        n0 += m1[r] = (unsigned char)(mask[r] && r < S);
    if (armed && S > 0 && S < R && n0 >= SCREEN_MIN && n0 < n && !(bar <= -INFINITY)) {
        prot_state part;
        int kept = screen_find(&p->x, &np);
        if (kept >= 0) {
            if ((st = screen_take(&p->x, kept, S, cur, &part))) {
                st = gr_error_set(p->x.err, st, "protect: out of memory");
                goto done;
            }
        } else if ((st = prot_eval(&p->x, &np, cur, m1, &part))) {
            goto done;
        }
        double sum = 0.0, sum2 = 0.0;
        for (int r = 0; r < S; r++)
            if (m1[r])
                sum += cur->run[r].m[p->obj] - part.run[r].m[p->obj];
        double m0 = sum / n0;
        for (int r = 0; r < S; r++)
            if (m1[r]) {
                double d = cur->run[r].m[p->obj] - part.run[r].m[p->obj] - m0;
                sum2 += d * d;
            }
        double s0 = sqrt(sum2 / (n0 - 1));
        double ub = (double)n / R * (m0 + SCREEN_Z * s0 / sqrt((double)n0) *
                                              sqrt(1.0 - (double)n0 / n));
        if (ub < bar) { /* pushed back with its bound: not evaluated further */
            screen_keep(&p->x, &np, &part);
            p->screened = 1;
            p->x.screened++;
            *benefit = ub;
            *ci = NAN;
            *nsim = 0;
            prot_progress(p);
            goto done;
        }
        /* the other changed runs: together exactly the full evaluation */
        for (int r = 0; r < R; r++)
            m1[r] = (unsigned char)(mask[r] && r >= S);
        st = prot_eval(&p->x, &np, &part, m1, out);
        prot_state_free(&part);
        p->x.evaluations--; /* one evaluation in two batches */
        p->x.runs_total -= R;
    } else {
        st = prot_eval(&p->x, &np, cur, mask, out);
    }
    if (st)
        goto done;
    prot_paired(cur, out, p->obj, benefit, ci);
    prot_progress(p);
done:
    prot_plan_free(&np);
    gr_free(mask);
    return st;
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
