/* protect.c — what to protect first: a budgeted plan of shelters, spare transformer units and extra crews by lazy greedy (CELF) over Monte Carlo campaigns with common random numbers, and the simple rules it must beat.
 *
 * DESIGN (docs/protect.md)
 *   baseline  every run r = 0..R-1 of the campaign with the scenario as it
 *             is (campaign seed gr_protect_run_seed(seed, r), one run per
 *             call: protect_eval.c), keeping per run the metrics and the
 *             assets threats reached, with the threat type.
 *   effect    a shelter level stops a share effect[type] of the damaging
 *             hits of each threat type; the campaign has one protection
 *             level per asset, so the level applied is the effect averaged
 *             over the threat types in proportion to the baseline's
 *             damaging hits on the asset's class (hits x p_damage).
 *             A level replaces the asset's own: protection = max(own, it).
 *   shortlist shelter candidates are the K assets with the largest
 *             exposure = expected damaging hits per campaign x (load lost at
 *             peak if the asset is lost + its capacity), among those a
 *             shelter level would improve, plus the first (K+1)/2 assets
 *             the capacity and the degree rules would buy (so the greedy
 *             can always follow a rule where the rule is right); assets no
 *             threat reached in the baseline are left out (their benefit is
 *             exactly zero on these runs). Spares: one candidate per spare
 *             option whose repair kind has a spare class in the scenario.
 *             Crews: one per candidate base (the bases nearest to most of
 *             the baseline's expected damage).
 *   greedy    CELF (Leskovec et al., KDD 2007): candidates in a max-heap by
 *             benefit / cost, all first evaluated against the empty plan;
 *             pop the top: if it was evaluated against the current plan,
 *             buy it (if it still fits and its benefit is positive; else
 *             stop: every other key is an upper bound, by diminishing
 *             returns), otherwise re-evaluate it against the current plan
 *             and push it back. A candidate's benefit is the mean over the
 *             runs of the paired difference objective(plan) -
 *             objective(plan + it), with 1.96 s / sqrt(R). A shelter changes
 *             only the runs in which a threat reached its asset (the others
 *             are identical), so only those are simulated. Buying a level
 *             re-prices the other levels of that asset (their keys reset);
 *             spares and crews can be bought again up to their max.
 *   rules     capacity (assets.capacity_mw), degree (branches at the
 *             asset's buses) and random (seeded) orders of the assets a
 *             shelter of the rule level improves; each buys that level down
 *             its order while the budget allows, evaluated step by step on
 *             the same runs (the curve), compared with the plan by paired
 *             differences.
 *   Everything is accumulated in run order after the parallel loops, and
 *   ties are broken by index, so the plan is the same for any thread count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/protect_internal.h"

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

void gr_protect_options_default(gr_protect_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->budget = 0.0;
    opt->objective = GR_PROTECT_OBJ_ENS;
    opt->runs = 20;
    opt->seed = 1;
    opt->rules = 1;
}

uint64_t gr_protect_run_seed(uint64_t seed, int run)
{
    return ((seed << 20) + (uint64_t)run) & 0x7fffffffffffffffULL;
}

void gr_protect_result_free(gr_protect_result *r)
{
    if (!r)
        return;
    gr_free(r->plan);
    for (int k = 0; k < GR_RULE_N; k++)
        gr_free(r->rules[k].steps);
    gr_free(r->metric_none);
    gr_free(r->metric_plan);
    gr_free(r->protection);
    gr_free(r->shortlist);
    gr_free(r->exposure);
    gr_free(r);
}

/* ------------------------------------------------------------------------
 * Working data.
 * ------------------------------------------------------------------------ */
typedef struct cand {
    int type, option, target;
    double cost;            /* at the current plan */
    double key;             /* benefit / cost: exact when round == current, else a bound */
    int round;              /* plan size when last evaluated, -1: never */
    double benefit, ci;
    int nsim;               /* runs simulated in that evaluation */
    int bought, max;
    int alive;
    int has_cache;
    prot_state cache;       /* the runs with it, when has_cache */
} cand;

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
} planner;

static void progress(planner *p)
{
    if (p->x.opt.progress)
        p->x.opt.progress(p->x.opt.user, p->stage, p->x.runs_simulated);
}

/* Protection a shelter option gives asset a (the effect averaged over the
 * threat types by the class's damaging-hit shares). */
static double shelter_level(const planner *p, int o, int a)
{
    const gr_protect_option *op = &p->c->options[o];
    int cls = p->s->assets.cls[a];
    double e = 0.0;
    for (int t = 0; t < GR_THREAT_NTYPES; t++)
        e += p->share[cls][t] * op->effect[t];
    return e > p->p0[a] ? e : p->p0[a];
}

static double shelter_cost(const planner *p, const prot_plan *pl, int o, int a)
{
    int cls = p->s->assets.cls[a];
    double cost = p->c->options[o].class_cost[cls];
    if (pl->level[a] >= 0)
        cost -= p->c->options[pl->level[a]].class_cost[cls];
    return cost > 0.0 ? cost : 0.0;
}

static void target_name(const planner *p, int type, int target, char *buf, size_t len)
{
    if (type == GR_OPTION_SHELTER)
        snprintf(buf, len, "%s", p->s->assets.name[target]);
    else if (type == GR_OPTION_SPARE)
        snprintf(buf, len, "%s", p->s->spares[target].name);
    else
        snprintf(buf, len, "%s", p->x.base_name[target]);
}

static void apply(const planner *p, prot_plan *pl, int type, int option, int target)
{
    if (type == GR_OPTION_SHELTER) {
        double lv = shelter_level(p, option, target);
        if (lv > pl->prot[target])
            pl->prot[target] = lv;
        pl->level[target] = option;
    } else if (type == GR_OPTION_SPARE) {
        pl->spare_extra[target] += p->c->options[option].units;
    } else {
        pl->crew_extra[target] += 1;
    }
}

/* Evaluate option (type, option, target) on top of plan pl with outcomes
 * `cur`: the runs it can change are simulated. *out is initialised unless
 * nothing can change (then *nsim = 0, *benefit = 0 and *out untouched). */
static int evaluate(planner *p, const prot_plan *pl, const prot_state *cur, int type, int option,
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
    apply(p, &np, type, option, target);
    st = prot_eval(&p->x, &np, cur, mask, out);
    prot_plan_free(&np);
    gr_free(mask);
    if (st)
        return st;
    prot_paired(cur, out, p->obj, benefit, ci);
    progress(p);
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Baseline statistics: damaging-hit shares, exposure, shortlist, bases.
 * ------------------------------------------------------------------------ */
static void hit_shares(planner *p)
{
    const gr_campaign_scenario *s = p->s;
    double w[GR_ASSET_NCLASS][GR_THREAT_NTYPES], all[GR_THREAT_NTYPES] = {0, 0, 0};
    memset(w, 0, sizeof w);
    for (int r = 0; r < p->base.runs; r++) {
        const prot_run *run = &p->base.run[r];
        for (int k = 0; k < run->nleak; k++) {
            int a = run->leak[k] / 4, t = run->leak[k] % 4;
            if (t >= GR_THREAT_NTYPES)
                continue;
            int cls = s->assets.cls[a];
            w[cls][t] += s->p_damage[t][cls];
            all[t] += s->p_damage[t][cls];
        }
    }
    double tot_all = all[0] + all[1] + all[2];
    for (int c = 0; c < GR_ASSET_NCLASS; c++) {
        double tot = w[c][0] + w[c][1] + w[c][2];
        for (int t = 0; t < GR_THREAT_NTYPES; t++)
            p->share[c][t] = tot > 0.0       ? w[c][t] / tot
                             : tot_all > 0.0 ? all[t] / tot_all
                             : t == GR_THREAT_DRONE ? 1.0 : 0.0;
    }
}

/* Shelter options that would raise asset a's protection (any level). */
static int shelter_useful(const planner *p, int a)
{
    int cls = p->s->assets.cls[a];
    for (int o = 0; o < p->c->noptions; o++) {
        const gr_protect_option *op = &p->c->options[o];
        if (op->type == GR_OPTION_SHELTER && !isnan(op->class_cost[cls]) &&
            shelter_level(p, o, a) > p->p0[a])
            return 1;
    }
    return 0;
}

/* Expected damaging hits per campaign on each asset (baseline), into eh[na]. */
static void expected_damage(const planner *p, double *eh)
{
    const gr_campaign_scenario *s = p->s;
    int na = p->x.na;
    for (int a = 0; a < na; a++)
        eh[a] = 0.0;
    for (int r = 0; r < p->base.runs; r++) {
        const prot_run *run = &p->base.run[r];
        for (int k = 0; k < run->nleak; k++) {
            int a = run->leak[k] / 4, t = run->leak[k] % 4;
            if (t < GR_THREAT_NTYPES)
                eh[a] += s->p_damage[t][s->assets.cls[a]] * (1.0 - p->p0[a]);
        }
    }
    for (int a = 0; a < na; a++)
        eh[a] /= p->base.runs;
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
static int sort_desc(int *idx, int n, const double *score)
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

/* ------------------------------------------------------------------------
 * The heap of candidates (max by key, ties by lower index).
 * ------------------------------------------------------------------------ */
static int above(const planner *p, int i, int j)
{
    double a = p->cand[i].key, b = p->cand[j].key;
    if (a != b)
        return a > b;
    return i < j;
}

static void sift_down(planner *p, int k)
{
    int n = p->nheap, *h = p->heap;
    for (;;) {
        int l = 2 * k + 1, r = l + 1, m = k;
        if (l < n && above(p, h[l], h[m]))
            m = l;
        if (r < n && above(p, h[r], h[m]))
            m = r;
        if (m == k)
            return;
        int t = h[k];
        h[k] = h[m];
        h[m] = t;
        k = m;
    }
}

static void heap_push(planner *p, int i)
{
    int *h = p->heap, k = p->nheap++;
    h[k] = i;
    while (k > 0) {
        int up = (k - 1) / 2;
        if (!above(p, h[k], h[up]))
            break;
        int t = h[k];
        h[k] = h[up];
        h[up] = t;
        k = up;
    }
}

static int heap_pop(planner *p)
{
    int top = p->heap[0];
    p->heap[0] = p->heap[--p->nheap];
    sift_down(p, 0);
    return top;
}

static void heap_rebuild(planner *p)
{
    p->nheap = 0;
    for (int i = 0; i < p->ncand; i++)
        if (p->cand[i].alive)
            p->heap[p->nheap++] = i;
    for (int k = p->nheap / 2 - 1; k >= 0; k--)
        sift_down(p, k);
}

static void drop_cache(cand *c)
{
    if (c->has_cache)
        prot_state_free(&c->cache);
    c->has_cache = 0;
}

/* ------------------------------------------------------------------------
 * Candidates.
 * ------------------------------------------------------------------------ */
static int add_cand(planner *p, int *cap, int type, int option, int target, double cost, int max)
{
    if (p->ncand == *cap) {
        int nc = *cap ? 2 * *cap : 32;
        cand *c = gr_realloc(p->cand, (size_t)nc * sizeof *c);
        if (!c)
            return GR_ENOMEM;
        p->cand = c;
        *cap = nc;
    }
    cand *c = &p->cand[p->ncand++];
    memset(c, 0, sizeof *c);
    c->type = type;
    c->option = option;
    c->target = target;
    c->cost = cost;
    c->key = INFINITY;
    c->round = -1;
    c->max = max;
    c->alive = 1;
    return GR_OK;
}

static int build_candidates(planner *p, const int *shortlist, int nshort, double budget)
{
    const gr_campaign_scenario *s = p->s;
    const gr_protect_costs *c = p->c;
    int cap = 0, st;
    prot_plan empty;
    if ((st = prot_plan_init(&empty, &p->x)))
        return st;
    for (int k = 0; k < nshort; k++) {
        int a = shortlist[k], cls = s->assets.cls[a];
        for (int o = 0; o < c->noptions; o++) {
            const gr_protect_option *op = &c->options[o];
            if (op->type != GR_OPTION_SHELTER || isnan(op->class_cost[cls]) ||
                !(shelter_level(p, o, a) > p->p0[a]))
                continue;
            double cost = shelter_cost(p, &empty, o, a);
            if (cost > budget)
                continue;
            if ((st = add_cand(p, &cap, GR_OPTION_SHELTER, o, a, cost, 1)))
                goto done;
        }
    }
    for (int o = 0; o < c->noptions; o++) {
        const gr_protect_option *op = &c->options[o];
        if (op->type != GR_OPTION_SPARE || op->cost > budget)
            continue;
        for (int j = 0; j < s->nspares; j++)
            if (s->spares[j].kinds & (1 << op->kind)) {
                if ((st = add_cand(p, &cap, GR_OPTION_SPARE, o, j, op->cost, op->max)))
                    goto done;
                break;
            }
    }
    for (int o = 0; o < c->noptions; o++) {
        const gr_protect_option *op = &c->options[o];
        if (op->type != GR_OPTION_CREW || op->cost > budget)
            continue;
        /* the bases nearest to most of the expected damage */
        int nb = p->x.nbase;
        double *need = gr_calloc((size_t)nb + 1, sizeof(double));
        double *eh = gr_malloc(((size_t)p->x.na + 1) * sizeof(double));
        int *idx = gr_malloc(((size_t)nb + 1) * sizeof(int));
        if (!need || !eh || !idx) {
            gr_free(need);
            gr_free(eh);
            gr_free(idx);
            st = GR_ENOMEM;
            goto done;
        }
        expected_damage(p, eh);
        for (int a = 0; a < p->x.na; a++) {
            if (!(eh[a] > 0.0))
                continue;
            int best = 0;
            double bd = INFINITY;
            for (int b = 0; b < nb; b++) {
                double d = hypot(s->assets.x_km[a] - p->x.base_x[b],
                                 s->assets.y_km[a] - p->x.base_y[b]);
                if (d < bd) {
                    bd = d;
                    best = b;
                }
            }
            need[best] += eh[a];
        }
        for (int b = 0; b < nb; b++)
            idx[b] = b;
        st = sort_desc(idx, nb, need);
        int nuse = op->bases < nb ? op->bases : nb;
        for (int k = 0; k < nuse && !st; k++)
            st = add_cand(p, &cap, GR_OPTION_CREW, o, idx[k], op->cost, op->max);
        gr_free(need);
        gr_free(eh);
        gr_free(idx);
        if (st)
            goto done;
    }
done:
    prot_plan_free(&empty);
    return st;
}

/* ------------------------------------------------------------------------
 * The greedy (CELF).
 * ------------------------------------------------------------------------ */
static int push_step(gr_protect_step **steps, int *n, int *cap, const gr_protect_step *s)
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

static void fill_step(const planner *p, gr_protect_step *st, int type, int option, int target,
                      double protection, double cost, double benefit, double ci, int nsim)
{
    memset(st, 0, sizeof *st);
    st->type = type;
    st->option = option;
    st->target = target;
    snprintf(st->option_name, sizeof st->option_name, "%s", p->c->options[option].name);
    target_name(p, type, target, st->target_name, sizeof st->target_name);
    st->protection = protection;
    st->cost = cost;
    st->benefit = benefit;
    st->benefit_ci = ci;
    st->runs_simulated = nsim;
}

static int greedy(planner *p, double budget, prot_plan *plan, prot_state *state,
                  gr_protect_result *res)
{
    int st = GR_OK, cap = 0, round = 0;
    double left = budget;
    p->heap = gr_malloc(((size_t)p->ncand + 1) * sizeof(int));
    if (!p->heap)
        return gr_error_set(p->x.err, GR_ENOMEM, "protect: out of memory");
    heap_rebuild(p);
    while (p->nheap > 0) {
        int i = heap_pop(p);
        cand *c = &p->cand[i];
        /* still possible? */
        if (c->type == GR_OPTION_SHELTER) {
            int a = c->target, cur = plan->level[a];
            if ((cur >= 0 && p->c->options[cur].level >= p->c->options[c->option].level) ||
                !(shelter_level(p, c->option, a) > plan->prot[a]))
                c->alive = 0;
        } else if (c->bought >= c->max) {
            c->alive = 0;
        }
        if (c->cost > left)
            c->alive = 0;
        if (!c->alive) {
            drop_cache(c);
            continue;
        }
        if (c->round != round) {
            /* stale: evaluate against the current plan and push it back */
            char tn[96];
            target_name(p, c->type, c->target, tn, sizeof tn);
            snprintf(p->stage, sizeof p->stage, "plan step %d: %s %s", round + 1,
                     p->c->options[c->option].name, tn);
            drop_cache(c);
            if ((st = evaluate(p, plan, state, c->type, c->option, c->target, &c->cache,
                               &c->benefit, &c->ci, &c->nsim)))
                break;
            c->has_cache = c->nsim > 0;
            c->round = round;
            c->key = c->benefit / (c->cost > 1e-9 ? c->cost : 1e-9);
            heap_push(p, i);
            continue;
        }
        /* fresh and on top: buy it, unless nothing helps any more */
        if (!(c->benefit > 0.0) || !c->has_cache)
            break;
        apply(p, plan, c->type, c->option, c->target);
        prot_state_free(state);
        *state = c->cache;
        c->has_cache = 0;
        left -= c->cost;
        gr_protect_step step;
        fill_step(p, &step, c->type, c->option, c->target,
                  c->type == GR_OPTION_SHELTER ? plan->prot[c->target] : NAN, c->cost,
                  c->benefit, c->ci, c->nsim);
        step.cum_cost = budget - left;
        prot_paired(&p->base, state, p->obj, &step.cum_benefit, &step.cum_benefit_ci);
        if ((st = push_step(&res->plan, &res->nplan, &cap, &step))) {
            st = gr_error_set(p->x.err, st, "protect: out of memory");
            break;
        }
        round++;
        c->bought++;
        /* everything evaluated is stale now; keys stay as upper bounds, but
           the other levels of a sheltered asset are re-priced */
        for (int k = 0; k < p->ncand; k++) {
            cand *o = &p->cand[k];
            drop_cache(o);
            if (c->type == GR_OPTION_SHELTER && o->type == GR_OPTION_SHELTER &&
                o->target == c->target && k != i) {
                o->cost = shelter_cost(p, plan, o->option, o->target);
                o->key = INFINITY;
            }
        }
        if (c->type == GR_OPTION_SHELTER)
            c->alive = 0;
        heap_rebuild(p);
    }
    for (int k = 0; k < p->ncand; k++)
        drop_cache(&p->cand[k]);
    res->spent = budget - left;
    return st;
}

/* ------------------------------------------------------------------------
 * The rules.
 * ------------------------------------------------------------------------ */
/* Branches at the asset's buses (each branch once). */
static int asset_degrees(const planner *p, double *deg)
{
    const gr_campaign_scenario *s = p->s;
    const gr_campaign_assets *as = &s->assets;
    const gr_grid *g = s->grid;
    int nb = g->nb, nl = g->nl;
    int *ptr = gr_calloc((size_t)nb + 2, sizeof(int));
    int *adj = gr_malloc(((size_t)2 * nl + 1) * sizeof(int));
    int *fill = gr_malloc(((size_t)nb + 1) * sizeof(int));
    int *stamp_b = gr_malloc(((size_t)nl + 1) * sizeof(int));
    int *stamp_u = gr_malloc(((size_t)nb + 1) * sizeof(int));
    int *buses = gr_malloc(((size_t)nb + 1) * sizeof(int));
    int st = GR_OK;
    if (!ptr || !adj || !fill || !stamp_b || !stamp_u || !buses) {
        st = GR_ENOMEM;
        goto done;
    }
    for (int k = 0; k < nl; k++) {
        ptr[g->br_f[k] + 1]++;
        ptr[g->br_t[k] + 1]++;
    }
    for (int b = 0; b < nb; b++)
        ptr[b + 1] += ptr[b];
    memcpy(fill, ptr, (size_t)nb * sizeof(int));
    for (int k = 0; k < nl; k++) {
        adj[fill[g->br_f[k]]++] = k;
        adj[fill[g->br_t[k]]++] = k;
    }
    for (int k = 0; k < nl; k++)
        stamp_b[k] = -1;
    for (int b = 0; b < nb; b++)
        stamp_u[b] = -1;
    for (int a = 0; a < as->n; a++) {
        int nu = 0;
        for (int j = as->elem_ptr[a]; j < as->elem_ptr[a + 1]; j++) {
            int e = as->elem_index[j], b[2] = {-1, -1};
            if (as->elem_kind[j] == GR_ELEM_BRANCH && e >= 0 && e < nl) {
                b[0] = g->br_f[e];
                b[1] = g->br_t[e];
            } else if (as->elem_kind[j] == GR_ELEM_GEN && e >= 0 && e < g->ng) {
                b[0] = g->gen_bus[e];
            } else if (as->elem_kind[j] == GR_ELEM_BUS && e >= 0 && e < nb) {
                b[0] = e;
            }
            for (int q = 0; q < 2; q++)
                if (b[q] >= 0 && stamp_u[b[q]] != a) {
                    stamp_u[b[q]] = a;
                    buses[nu++] = b[q];
                }
        }
        int d = 0;
        for (int q = 0; q < nu; q++)
            for (int k = ptr[buses[q]]; k < ptr[buses[q] + 1]; k++)
                if (stamp_b[adj[k]] != a) {
                    stamp_b[adj[k]] = a;
                    d++;
                }
        deg[a] = d;
    }
done:
    gr_free(ptr);
    gr_free(adj);
    gr_free(fill);
    gr_free(stamp_b);
    gr_free(stamp_u);
    gr_free(buses);
    return st;
}

static int run_rule(planner *p, int rule, int opt_idx, const int *order, int n, double budget,
                    gr_protect_rule *out, prot_state *final_state)
{
    int st = GR_OK, cap = 0;
    double left = budget;
    prot_plan plan;
    prot_state cur, nxt;
    memset(&cur, 0, sizeof cur);
    if ((st = prot_plan_init(&plan, &p->x)))
        return gr_error_set(p->x.err, st, "protect: out of memory");
    if ((st = prot_state_init(&cur, p->x.runs))) {
        prot_plan_free(&plan);
        return gr_error_set(p->x.err, st, "protect: out of memory");
    }
    for (int r = 0; r < p->x.runs && !st; r++)
        st = prot_run_copy(&cur.run[r], &p->base.run[r]);
    if (st) {
        st = gr_error_set(p->x.err, st, "protect: out of memory");
        goto done;
    }
    out->rule = rule;
    for (int k = 0; k < n; k++) {
        int a = order[k];
        double cost = shelter_cost(p, &plan, opt_idx, a);
        if (cost > left)
            continue;
        double b = 0.0, ci = 0.0;
        int nsim = 0;
        snprintf(p->stage, sizeof p->stage, "rule %s step %d: %s", rule_names[rule],
                 out->nsteps + 1, p->s->assets.name[a]);
        if ((st = evaluate(p, &plan, &cur, GR_OPTION_SHELTER, opt_idx, a, &nxt, &b, &ci, &nsim)))
            goto done;
        apply(p, &plan, GR_OPTION_SHELTER, opt_idx, a);
        if (nsim > 0) {
            prot_state_free(&cur);
            cur = nxt;
        }
        left -= cost;
        gr_protect_step step;
        fill_step(p, &step, GR_OPTION_SHELTER, opt_idx, a, plan.prot[a], cost, b, ci, nsim);
        step.cum_cost = budget - left;
        prot_paired(&p->base, &cur, p->obj, &step.cum_benefit, &step.cum_benefit_ci);
        if ((st = push_step(&out->steps, &out->nsteps, &cap, &step))) {
            st = gr_error_set(p->x.err, st, "protect: out of memory");
            goto done;
        }
    }
    out->cost = budget - left;
    prot_paired(&p->base, &cur, p->obj, &out->benefit, &out->benefit_ci);
    double sum = 0.0;
    for (int r = 0; r < p->x.runs; r++)
        sum += cur.run[r].m[p->obj];
    out->objective = sum / p->x.runs;
    *final_state = cur;
    memset(&cur, 0, sizeof cur);
done:
    prot_state_free(&cur);
    prot_plan_free(&plan);
    return st;
}

/* The shelter option the rules buy (rule_level, or the highest level), -1. */
static int rule_option(const gr_protect_costs *c)
{
    int ro = -1;
    for (int o = 0; o < c->noptions; o++) {
        const gr_protect_option *op = &c->options[o];
        if (op->type != GR_OPTION_SHELTER)
            continue;
        if (c->rule_level > 0 ? op->level == c->rule_level
                              : (ro < 0 || op->level > c->options[ro].level))
            ro = o;
    }
    return ro;
}

/* The rules' orders of the assets their shelter option improves:
 * order[rule * na + k], k < *n. */
static int rule_orders(planner *p, int ro, int *order, int *n_out)
{
    const gr_campaign_scenario *s = p->s;
    int na = p->x.na, n = 0, st = GR_OK;
    int *elig = gr_malloc(((size_t)na + 1) * sizeof(int));
    double *score = gr_malloc(((size_t)na + 1) * sizeof(double));
    double *deg = gr_malloc(((size_t)na + 1) * sizeof(double));
    if (!elig || !score || !deg || asset_degrees(p, deg)) {
        st = GR_ENOMEM;
        goto done;
    }
    for (int a = 0; a < na; a++)
        if (!isnan(p->c->options[ro].class_cost[s->assets.cls[a]]) &&
            shelter_level(p, ro, a) > p->p0[a])
            elig[n++] = a;
    for (int rule = 0; rule < GR_RULE_N && !st; rule++) {
        int *ord = order + (size_t)rule * na;
        memcpy(ord, elig, (size_t)n * sizeof(int));
        if (rule == GR_RULE_RANDOM) {
            gr_rng rng;
            gr_rng_stream(&rng, p->x.opt.seed, 0x72616e646f6dULL); /* "random" */
            for (int k = n - 1; k > 0; k--) {
                int j = (int)(gr_rng_uniform(&rng) * (k + 1));
                if (j > k)
                    j = k;
                int t = ord[k];
                ord[k] = ord[j];
                ord[j] = t;
            }
        } else {
            /* capacity: MW / MVA; degree: branches at its buses, ties by capacity */
            for (int a = 0; a < na; a++) {
                double cap = s->assets.capacity_mw[a];
                score[a] = rule == GR_RULE_CAPACITY ? cap : deg[a] + 1e-9 * cap / (1.0 + cap);
            }
            st = sort_desc(ord, n, score);
        }
    }
    *n_out = n;
done:
    gr_free(elig);
    gr_free(score);
    gr_free(deg);
    return st;
}

static int rules(planner *p, int ro, const int *order, int n, double budget,
                 const prot_state *plan_state, gr_protect_result *res)
{
    int st = GR_OK;
    for (int rule = 0; rule < GR_RULE_N && !st; rule++) {
        prot_state fin;
        memset(&fin, 0, sizeof fin);
        gr_protect_rule *ru = &res->rules[rule];
        if ((st = run_rule(p, rule, ro, order + (size_t)rule * p->x.na, n, budget, ru, &fin)))
            break;
        prot_paired(&fin, plan_state, p->obj, &ru->plan_gain, &ru->plan_gain_ci);
        prot_state_free(&fin);
        res->nrules = rule + 1;
    }
    return st;
}

/* ------------------------------------------------------------------------
 * Out-of-sample check: the final purchases on fresh runs.
 * ------------------------------------------------------------------------ */
/* Outcomes of the purchases steps[0..n-1] on the validation runs: simulated
 * where they can differ from the validation baseline vb. */
static int val_eval(planner *p, prot_ctx *vx, const prot_state *vb, const gr_protect_step *steps,
                    int n, prot_state *out)
{
    prot_plan pl;
    int st = prot_plan_init(&pl, vx), V = vx->runs;
    if (st)
        return gr_error_set(p->x.err, st, "protect: out of memory");
    unsigned char *mask = gr_calloc((size_t)V + 1, 1);
    if (!mask) {
        prot_plan_free(&pl);
        return gr_error_set(p->x.err, GR_ENOMEM, "protect: out of memory");
    }
    for (int k = 0; k < n; k++) {
        apply(p, &pl, steps[k].type, steps[k].option, steps[k].target);
        for (int r = 0; r < V; r++)
            if (steps[k].type != GR_OPTION_SHELTER || prot_run_hit(&vb->run[r], steps[k].target))
                mask[r] = 1;
    }
    st = prot_eval(vx, &pl, vb, mask, out);
    progress(p);
    gr_free(mask);
    prot_plan_free(&pl);
    return st;
}

static int validate(planner *p, const gr_protect_options *opt, gr_protect_result *res)
{
    prot_ctx vx;
    prot_state vb, vp, vr;
    memset(&vb, 0, sizeof vb);
    memset(&vp, 0, sizeof vp);
    gr_protect_options vo = *opt;
    vo.runs = opt->validate;
    int st = prot_ctx_init(&vx, p->s, p->c, &vo, p->x.err);
    if (st)
        goto done;
    for (int r = 0; r < vx.runs; r++)
        vx.seeds[r] = gr_protect_run_seed(opt->seed, p->x.runs + r);
    prot_plan base;
    if ((st = prot_plan_init(&base, &vx))) {
        st = gr_error_set(p->x.err, st, "protect: out of memory");
        goto done;
    }
    snprintf(p->stage, sizeof p->stage, "validation: %d fresh runs", vx.runs);
    st = prot_eval(&vx, &base, NULL, NULL, &vb);
    prot_plan_free(&base);
    if (st)
        goto done;
    progress(p);
    snprintf(p->stage, sizeof p->stage, "validation: the plan");
    if ((st = val_eval(p, &vx, &vb, res->plan, res->nplan, &vp)))
        goto done;
    double sum0 = 0.0, sum1 = 0.0;
    for (int r = 0; r < vx.runs; r++) {
        sum0 += vb.run[r].m[p->obj];
        sum1 += vp.run[r].m[p->obj];
    }
    res->validate_runs = vx.runs;
    res->val_obj_none = sum0 / vx.runs;
    res->val_obj_plan = sum1 / vx.runs;
    prot_paired(&vb, &vp, p->obj, &res->val_benefit, &res->val_benefit_ci);
    for (int k = 0; k < res->nrules; k++) {
        gr_protect_rule *u = &res->rules[k];
        snprintf(p->stage, sizeof p->stage, "validation: rule %s", rule_names[u->rule]);
        if ((st = val_eval(p, &vx, &vb, u->steps, u->nsteps, &vr)))
            goto done;
        prot_paired(&vb, &vr, p->obj, &u->val_benefit, &u->val_benefit_ci);
        prot_paired(&vr, &vp, p->obj, &u->val_plan_gain, &u->val_plan_gain_ci);
        prot_state_free(&vr);
    }
done:
    prot_state_free(&vb);
    prot_state_free(&vp);
    prot_ctx_free(&vx);
    return st;
}

/* ------------------------------------------------------------------------
 * The public entry.
 * ------------------------------------------------------------------------ */
int gr_protect_plan(const gr_campaign_scenario *s, const gr_protect_costs *costs,
                    const gr_protect_options *opt_in, gr_protect_result **out, gr_error *err)
{
    gr_protect_options opt;
    gr_protect_costs *own = NULL;
    *out = NULL;
    if (opt_in)
        opt = *opt_in;
    else
        gr_protect_options_default(&opt);
    if (!s)
        return gr_error_set(err, GR_EINVAL, "protect: no scenario");
    if (!isfinite(opt.budget) || opt.budget < 0.0)
        return gr_error_set(err, GR_EINVAL, "protect: the budget must be a number >= 0, got %g",
                            opt.budget);
    if (opt.runs < 1 || opt.runs > 1000000 || opt.nights < 0 || opt.threads < 0 ||
        opt.validate < 0 || opt.validate > 1000000)
        return gr_error_set(err, GR_EINVAL, "protect: bad options (runs 1..1000000, nights >= 0, "
                                            "threads >= 0, validate 0..1000000)");
    if (opt.objective < 0 || opt.objective >= GR_PROTECT_NOBJ)
        return gr_error_set(err, GR_EINVAL, "protect: unknown objective %d", opt.objective);
    /* MPI: each campaign run here is a one-run sweep of this process (its
       options carry no MPI session), so the planner runs on this process's
       threads; the CLI refuses to start it under mpirun */
    int st;
    if (!costs) {
        if ((st = gr_protect_costs_read(NULL, &own, err)))
            return st;
        costs = own;
    }
    double t0 = gr_time_s();
    planner p;
    memset(&p, 0, sizeof p);
    p.s = s;
    p.c = costs;
    p.obj = opt.objective;
    prot_plan plan;
    prot_state state;
    memset(&plan, 0, sizeof plan);
    memset(&state, 0, sizeof state);
    gr_protect_result *res = gr_calloc(1, sizeof *res);
    int *shortlist = NULL, *idx = NULL, *order = NULL, ro = -1, nrule = 0;
    double *eh = NULL, *expo = NULL;
    if (!res) {
        st = gr_error_set(err, GR_ENOMEM, "protect: out of memory");
        goto done;
    }
    if ((st = prot_ctx_init(&p.x, s, costs, &opt, err)))
        goto done;
    int na = p.x.na, R = p.x.runs;
    res->runs = R;
    res->nights = p.x.nights;
    res->objective = opt.objective;
    res->seed = opt.seed;
    res->budget = opt.budget;
    p.p0 = s->assets.protection;
    /* baseline */
    snprintf(p.stage, sizeof p.stage, "baseline: %d runs", R);
    if ((st = prot_plan_init(&plan, &p.x))) {
        st = gr_error_set(err, st, "protect: out of memory");
        goto done;
    }
    if ((st = prot_eval(&p.x, &plan, NULL, NULL, &p.base)))
        goto done;
    progress(&p);
    hit_shares(&p);
    /* exposure and shortlist */
    eh = gr_malloc(((size_t)na + 1) * sizeof(double));
    expo = gr_malloc(((size_t)na + 1) * sizeof(double));
    idx = gr_malloc(((size_t)na + 1) * sizeof(int));
    if (!eh || !expo || !idx) {
        st = gr_error_set(err, GR_ENOMEM, "protect: out of memory");
        goto done;
    }
    expected_damage(&p, eh);
    int n = 0;
    for (int a = 0; a < na; a++) {
        expo[a] = eh[a] * (s->assets.loss_mw[a] + s->assets.capacity_mw[a]);
        if (expo[a] > 0.0 && shelter_useful(&p, a))
            idx[n++] = a;
    }
    if (sort_desc(idx, n, expo)) {
        st = gr_error_set(err, GR_ENOMEM, "protect: out of memory");
        goto done;
    }
    /* the rules' orders (for the rules, and so that the shortlist holds the
       first assets the capacity and degree rules buy) */
    ro = rule_option(costs);
    if (ro >= 0) {
        order = gr_malloc(((size_t)GR_RULE_N * na + 1) * sizeof(int));
        if (!order || rule_orders(&p, ro, order, &nrule)) {
            st = gr_error_set(err, GR_ENOMEM, "protect: out of memory");
            goto done;
        }
    }
    int K = costs->shortlist < n ? costs->shortlist : n;
    int kmax = K + (ro >= 0 ? 2 * ((costs->shortlist + 1) / 2) : 0);
    res->shortlist = gr_malloc(((size_t)kmax + 1) * sizeof(int));
    res->exposure = gr_malloc(((size_t)kmax + 1) * sizeof(double));
    if (!res->shortlist || !res->exposure) {
        st = gr_error_set(err, GR_ENOMEM, "protect: out of memory");
        goto done;
    }
    for (int k = 0; k < K; k++)
        res->shortlist[res->nshort++] = idx[k];
    for (int rule = GR_RULE_CAPACITY; ro >= 0 && rule <= GR_RULE_DEGREE; rule++) {
        const int *ord = order + (size_t)rule * na;
        double left = opt.budget;
        int added = 0;
        for (int k = 0; k < nrule && added < (costs->shortlist + 1) / 2; k++) {
            int a = ord[k], cls = s->assets.cls[a];
            double cost = costs->options[ro].class_cost[cls];
            if (cost > left)
                continue;
            left -= cost;
            int dup = 0;
            for (int j = 0; j < res->nshort && !dup; j++)
                dup = res->shortlist[j] == a;
            if (!dup && expo[a] > 0.0) {
                res->shortlist[res->nshort++] = a;
                added++;
            }
        }
    }
    for (int k = 0; k < res->nshort; k++)
        res->exposure[k] = expo[res->shortlist[k]];
    int K2 = res->nshort;
    if ((st = build_candidates(&p, res->shortlist, K2, opt.budget))) {
        st = gr_error_set(err, st, "protect: out of memory");
        goto done;
    }
    res->ncandidates = p.ncand;
    /* the plan, from the scenario as it is */
    if ((st = prot_state_init(&state, R))) {
        st = gr_error_set(err, st, "protect: out of memory");
        goto done;
    }
    for (int r = 0; r < R && !st; r++)
        st = prot_run_copy(&state.run[r], &p.base.run[r]);
    if (st) {
        st = gr_error_set(err, st, "protect: out of memory");
        goto done;
    }
    if ((st = greedy(&p, opt.budget, &plan, &state, res)))
        goto done;
    /* the rules, on the same runs */
    if (opt.rules && ro >= 0 && (st = rules(&p, ro, order, nrule, opt.budget, &state, res)))
        goto done;
    res->val_obj_none = res->val_obj_plan = res->val_benefit = res->val_benefit_ci = NAN;
    for (int k = 0; k < GR_RULE_N; k++)
        res->rules[k].val_benefit = res->rules[k].val_benefit_ci = res->rules[k].val_plan_gain =
            res->rules[k].val_plan_gain_ci = NAN;
    if (opt.validate > 0 && (st = validate(&p, &opt, res)))
        goto done;
    /* results */
    res->metric_none = gr_malloc(((size_t)R * GR_PM_N + 1) * sizeof(double));
    res->metric_plan = gr_malloc(((size_t)R * GR_PM_N + 1) * sizeof(double));
    res->protection = gr_malloc(((size_t)na + 1) * sizeof(double));
    if (!res->metric_none || !res->metric_plan || !res->protection) {
        st = gr_error_set(err, GR_ENOMEM, "protect: out of memory");
        goto done;
    }
    double s0 = 0.0, s1 = 0.0;
    for (int r = 0; r < R; r++) {
        memcpy(res->metric_none + (size_t)r * GR_PM_N, p.base.run[r].m, sizeof p.base.run[r].m);
        memcpy(res->metric_plan + (size_t)r * GR_PM_N, state.run[r].m, sizeof state.run[r].m);
        s0 += p.base.run[r].m[p.obj];
        s1 += state.run[r].m[p.obj];
    }
    res->obj_none = s0 / R;
    res->obj_plan = s1 / R;
    prot_paired(&p.base, &state, p.obj, &res->benefit, &res->benefit_ci);
    memcpy(res->protection, plan.prot, (size_t)na * sizeof(double));
    res->evaluations = p.x.evaluations;
    res->runs_simulated = p.x.runs_simulated;
    res->runs_total = p.x.runs_total;
    res->wall_s = gr_time_s() - t0;
    res->threads = p.x.threads;
done:
    if (p.cand)
        for (int k = 0; k < p.ncand; k++)
            drop_cache(&p.cand[k]);
    gr_free(p.cand);
    gr_free(p.heap);
    prot_state_free(&p.base);
    prot_state_free(&state);
    prot_plan_free(&plan);
    prot_ctx_free(&p.x);
    gr_free(eh);
    gr_free(expo);
    gr_free(idx);
    gr_free(shortlist);
    gr_free(order);
    gr_protect_costs_free(own);
    if (st) {
        gr_protect_result_free(res);
        return st;
    }
    *out = res;
    return GR_OK;
}
