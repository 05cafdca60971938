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
 *             buy it (if it still fits and its benefit is positive and
 *             significant — its 95 % interval excludes 0; positive but not
 *             significant: drop it, it is noise; not positive: stop: every
 *             other key is an upper bound, by diminishing returns), otherwise re-evaluate it against the current plan
 *             and push it back. A candidate's benefit is the mean over the
 *             runs of the paired difference objective(plan) -
 *             objective(plan + it), with 1.96 s / sqrt(R). A shelter changes
 *             only the runs in which a threat reached its asset (the others
 *             are identical), so only those are simulated. Buying a level
 *             re-prices the other levels of that asset (their keys reset);
 *             spares and crews can be bought again up to their max.
 *   rules     the simple rules: protect_rules.c.
 *   Everything is accumulated in run order after the parallel loops, and
 *   ties are broken by index, so the plan is the same for any thread count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/protect_internal.h"

int gr_protect_significant(double mean, double ci)
{
    return isfinite(mean) && isfinite(ci) && (mean - ci > 0.0 || mean + ci < 0.0);
}

const char *gr_protect_attacker_name(int a)
{
    static const char *const names[GR_PROTECT_NATTACKER] = {"fixed", "adaptive", "both"};
    return a >= 0 && a < GR_PROTECT_NATTACKER ? names[a] : "?";
}

void gr_protect_options_default(gr_protect_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->budget = 0.0;
    opt->objective = GR_PROTECT_OBJ_ENS;
    opt->runs = 20;
    opt->seed = 1;
    opt->rules = 1;
    opt->attacker = GR_PROTECT_ATTACKER_FIXED;
    opt->rule_points = 8;
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
    prot_state cache;       /* the runs with it, when has_cache (fixed attacker) */
    int has_acache;
    prot_state acache;      /* the runs with it against the adaptive attacker */
    double bf, cf, ba, ca;  /* benefit and CI against the fixed / adaptive attacker */
} cand;

/* The defender-attacker-defender side of the planner: the adaptive attacker's
 * context (the scenario with targets.policy "adaptive", same seeds) and its
 * runs with no protection and with the current plan. */
typedef struct dad {
    int mode;               /* GR_PROTECT_ATTACKER_* */
    int on;                 /* the adaptive context is set up */
    gr_campaign_scenario sa;
    prot_ctx ax;
    prot_state abase, astate;
} dad;

/* Plan pl against the adaptive attacker, every run simulated (its targets
 * depend on the protection it sees); the effort is counted in p->x. */
static int adv_run(planner *p, dad *d, const prot_plan *pl, prot_state *out)
{
    int st = prot_eval(&d->ax, pl, NULL, NULL, out);
    p->x.runs_simulated += d->ax.runs_simulated;
    p->x.runs_total += d->ax.runs_total;
    p->x.evaluations += d->ax.evaluations;
    d->ax.runs_simulated = d->ax.runs_total = 0;
    d->ax.evaluations = 0;
    prot_progress(p);
    return st;
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
            prot_shelter_level(p, o, a) > p->p0[a])
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
    if (c->has_acache)
        prot_state_free(&c->acache);
    c->has_cache = c->has_acache = 0;
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

/* Candidates of option o at the places idx[0..n-1], the `want` with the most need
 * (option o's cost and max). */
static int add_top(planner *p, int *cap, int type, int o, int *idx, int n, const double *need,
                   int want)
{
    const gr_protect_option *op = &p->c->options[o];
    int st = prot_sort_desc(idx, n, need);
    for (int k = 0; k < (want < n ? want : n) && !st; k++)
        st = add_cand(p, cap, type, o, idx[k], op->cost, op->max);
    return st;
}

static int build_candidates(planner *p, const int *shortlist, int nshort, double budget)
{
    const gr_campaign_scenario *s = p->s;
    const gr_protect_costs *c = p->c;
    int cap = 0, st, *idx = NULL;
    double *eh = NULL, *need = NULL;
    prot_plan empty;
    if ((st = prot_plan_init(&empty, &p->x)))
        return st;
    for (int k = 0; k < nshort; k++) {
        int a = shortlist[k], cls = s->assets.cls[a];
        for (int o = 0; o < c->noptions; o++) {
            const gr_protect_option *op = &c->options[o];
            if (op->type != GR_OPTION_SHELTER || isnan(op->class_cost[cls]) ||
                !(prot_shelter_level(p, o, a) > p->p0[a]))
                continue;
            double cost = prot_shelter_cost(p, &empty, o, a);
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
    /* crews and air defence go where the expected damage is: computed once */
    int nb = p->x.nbase, nz = s->nzones, np = nb > nz ? nb : nz;
    eh = gr_malloc(((size_t)p->x.na + 1) * sizeof(double));
    need = gr_malloc(((size_t)np + 1) * sizeof(double));
    idx = gr_malloc(((size_t)np + 1) * sizeof(int));
    if (!eh || !need || !idx) {
        st = GR_ENOMEM;
        goto done;
    }
    expected_damage(p, eh);
    for (int o = 0; o < c->noptions; o++) {
        const gr_protect_option *op = &c->options[o];
        if (op->type != GR_OPTION_CREW || op->cost > budget)
            continue;
        /* the bases nearest to most of the expected damage */
        memset(need, 0, ((size_t)nb + 1) * sizeof(double));
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
        if ((st = add_top(p, &cap, GR_OPTION_CREW, o, idx, nb, need, op->bases)))
            goto done;
    }
    /* air defence: the zones whose circles hold most of the expected damage
       (damaging hits x (load lost + capacity)); fire groups and batteries add
       zones, which only the layered model's route engagement uses */
    for (int o = 0; o < c->noptions && nz > 0; o++) {
        const gr_protect_option *op = &c->options[o];
        if (op->type != GR_OPTION_AD || op->cost > budget ||
            (op->system != GR_PROTECT_AD_INTERCEPTORS && s->ad_model != GR_AD_MODEL_LAYERED))
            continue;
        memset(need, 0, ((size_t)nz + 1) * sizeof(double));
        for (int z = 0; z < nz; z++) {
            const gr_ad_zone *zz = &s->zones[z];
            if (op->system == GR_PROTECT_AD_INTERCEPTORS && zz->channels <= 0)
                continue; /* a magazine nobody fires from */
            for (int a = 0; a < p->x.na; a++)
                if (eh[a] > 0.0 && hypot(s->assets.x_km[a] - zz->x_km,
                                         s->assets.y_km[a] - zz->y_km) <= zz->radius_km)
                    need[z] += eh[a] * (s->assets.loss_mw[a] + s->assets.capacity_mw[a]);
        }
        int n = 0;
        for (int z = 0; z < nz; z++)
            if (need[z] > 0.0)
                idx[n++] = z;
        if ((st = add_top(p, &cap, GR_OPTION_AD, o, idx, n, need, op->zones)))
            goto done;
    }
done:
    gr_free(eh);
    gr_free(need);
    gr_free(idx);
    prot_plan_free(&empty);
    return st;
}

/* Candidate c on top of plan pl (outcomes `state` against the fixed attacker,
 * d->astate against the adaptive one): its benefit against the attacker(s)
 * of d->mode; c->benefit, c->ci the criterion (BOTH: the smaller). */
static int eval_cand(planner *p, dad *d, const prot_plan *pl, const prot_state *state, cand *c)
{
    int st;
    drop_cache(c);
    c->bf = c->cf = c->ba = c->ca = NAN;
    c->nsim = 0;
    if (d->mode != GR_PROTECT_ATTACKER_ADAPTIVE) {
        if ((st = prot_eval_option(p, pl, state, c->type, c->option, c->target, &c->cache,
                                   &c->bf, &c->cf, &c->nsim)))
            return st;
        c->has_cache = c->nsim > 0;
    }
    if (d->mode != GR_PROTECT_ATTACKER_FIXED) {
        prot_plan np;
        if ((st = prot_plan_copy(&np, pl, &p->x)))
            return gr_error_set(p->x.err, st, "protect: out of memory");
        prot_apply(p, &np, c->type, c->option, c->target);
        st = adv_run(p, d, &np, &c->acache);
        prot_plan_free(&np);
        if (st)
            return st;
        c->has_acache = 1;
        c->nsim += c->acache.runs;
        prot_paired(&d->astate, &c->acache, p->obj, &c->ba, &c->ca);
    }
    if (d->mode == GR_PROTECT_ATTACKER_FIXED || (d->mode == GR_PROTECT_ATTACKER_BOTH && c->bf < c->ba)) {
        c->benefit = c->bf;
        c->ci = c->cf;
    } else {
        c->benefit = c->ba;
        c->ci = c->ca;
    }
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * The greedy (CELF).
 * ------------------------------------------------------------------------ */
static int greedy(planner *p, dad *d, double budget, prot_plan *plan, prot_state *state,
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
                !(prot_shelter_level(p, c->option, a) > plan->prot[a]))
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
            prot_target_name(p, c->type, c->target, tn, sizeof tn);
            snprintf(p->stage, sizeof p->stage, "plan step %d: %s %s", round + 1,
                     p->c->options[c->option].name, tn);
            if (d->mode == GR_PROTECT_ATTACKER_FIXED) { /* racing (protect_core.c) against the best other key */
                p->screen_armed = 1;
                p->screen_bar = p->nheap > 0 ? p->cand[p->heap[0]].key * (c->cost > 1e-9 ? c->cost : 1e-9)
                                             : -INFINITY;
            }
            if ((st = eval_cand(p, d, plan, state, c)))
                break;
            /* screened out: its key is an upper bound */
            c->round = d->mode == GR_PROTECT_ATTACKER_FIXED && p->screened ? -1 : round;
            c->key = c->benefit / (c->cost > 1e-9 ? c->cost : 1e-9);
            heap_push(p, i);
            continue;
        }
        /* fresh and on top: buy it, unless nothing helps any more */
        if (!(c->benefit > 0.0) || (d->mode != GR_PROTECT_ATTACKER_ADAPTIVE && !c->has_cache) ||
            (d->mode != GR_PROTECT_ATTACKER_FIXED && !c->has_acache))
            break;
        if (!p->x.opt.buy_noise &&
            (!gr_protect_significant(c->benefit, c->ci) ||
             (d->mode == GR_PROTECT_ATTACKER_BOTH && (!gr_protect_significant(c->bf, c->cf) ||
                                                      !gr_protect_significant(c->ba, c->ca))))) {
            /* within noise: not bought; with diminishing returns it cannot
               become significant later, so it leaves the heap */
            c->alive = 0;
            drop_cache(c);
            continue;
        }
        if (d->mode == GR_PROTECT_ATTACKER_ADAPTIVE) {
            /* its value against the fixed attacker, for the report */
            if ((st = prot_eval_option(p, plan, state, c->type, c->option, c->target, &c->cache,
                                       &c->bf, &c->cf, &c->nsim)))
                break;
            c->has_cache = c->nsim > 0;
        }
        prot_apply(p, plan, c->type, c->option, c->target);
        if (c->has_cache) {
            prot_state_free(state);
            *state = c->cache;
            c->has_cache = 0;
        }
        left -= c->cost;
        gr_protect_step step;
        prot_fill_step(p, &step, c->type, c->option, c->target,
                       c->type == GR_OPTION_SHELTER ? plan->prot[c->target] : NAN, c->cost,
                       c->benefit, c->ci, c->nsim);
        step.cum_cost = budget - left;
        prot_paired(&p->base, state, p->obj, &step.cum_benefit, &step.cum_benefit_ci);
        step.adv_benefit = step.adv_benefit_ci = step.adv_cum_benefit = step.adv_cum_benefit_ci =
            NAN;
        if (c->has_acache) {
            step.adv_benefit = c->ba;
            step.adv_benefit_ci = c->ca;
            prot_state_free(&d->astate);
            d->astate = c->acache;
            c->has_acache = 0;
            prot_paired(&d->abase, &d->astate, p->obj, &step.adv_cum_benefit,
                        &step.adv_cum_benefit_ci);
        }
        if ((st = prot_push_step(&res->plan, &res->nplan, &cap, &step))) {
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
                o->cost = prot_shelter_cost(p, plan, o->option, o->target);
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
        prot_apply(p, &pl, steps[k].type, steps[k].option, steps[k].target);
        for (int r = 0; r < V; r++)
            if (steps[k].type != GR_OPTION_SHELTER || prot_run_hit(&vb->run[r], steps[k].target))
                mask[r] = 1;
    }
    st = prot_eval(vx, &pl, vb, mask, out);
    prot_progress(p);
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
    prot_progress(p);
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
        snprintf(p->stage, sizeof p->stage, "validation: rule %s", gr_protect_rule_name(u->rule));
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
 * The plan and the rules against the adaptive attacker (a defender-attacker-
 * defender check with the greedy attacker of campaign_attack.c: it sees the
 * protection and re-plans each night; the operator's shedding and repairs are
 * the inner defender). Same runs and seeds; every run is simulated (the
 * attacker's targets depend on the protection, so no run can be skipped).
 * ------------------------------------------------------------------------ */
static int adv_steps(planner *p, dad *d, const gr_protect_step *steps, int n,
                     prot_state *out)
{
    prot_plan pl;
    int st = prot_plan_init(&pl, &d->ax);
    if (st)
        return gr_error_set(p->x.err, st, "protect: out of memory");
    for (int k = 0; k < n; k++)
        prot_apply(p, &pl, steps[k].type, steps[k].option, steps[k].target);
    st = adv_run(p, d, &pl, out);
    prot_plan_free(&pl);
    return st;
}

/* Set up the adaptive attacker's context and its runs without protection. */
static int dad_init(planner *p, dad *d, const gr_protect_options *opt)
{
    d->sa = *p->s; /* shallow: only the policy differs */
    d->sa.target_policy = GR_TARGET_ADAPTIVE;
    int st = prot_ctx_init(&d->ax, &d->sa, p->c, opt, p->x.err);
    d->on = 1;
    if (st)
        return st;
    snprintf(p->stage, sizeof p->stage, "adaptive attacker: no protection");
    if ((st = adv_steps(p, d, NULL, 0, &d->abase)))
        return st;
    if ((st = prot_state_init(&d->astate, d->abase.runs)))
        return gr_error_set(p->x.err, st, "protect: out of memory");
    for (int r = 0; r < d->abase.runs && !st; r++)
        st = prot_run_copy(&d->astate.run[r], &d->abase.run[r]);
    return st ? gr_error_set(p->x.err, st, "protect: out of memory") : GR_OK;
}

static void dad_free(dad *d)
{
    if (!d->on)
        return;
    prot_state_free(&d->abase);
    prot_state_free(&d->astate);
    prot_ctx_free(&d->ax);
    d->on = 0;
}

static int adaptive_check(planner *p, dad *d, gr_protect_result *res)
{
    prot_state ar;
    memset(&ar, 0, sizeof ar);
    int st = GR_OK, R = d->abase.runs;
    if (d->mode == GR_PROTECT_ATTACKER_FIXED) {
        /* the plan was chosen against the fixed attacker: value each step
           against the adaptive one (the plan up to it, every run) */
        for (int k = 0; k < res->nplan; k++) {
            gr_protect_step *sp = &res->plan[k];
            snprintf(p->stage, sizeof p->stage, "adaptive attacker: plan step %d", k + 1);
            if ((st = adv_steps(p, d, res->plan, k + 1, &ar)))
                goto done;
            prot_paired(&d->astate, &ar, p->obj, &sp->adv_benefit, &sp->adv_benefit_ci);
            prot_paired(&d->abase, &ar, p->obj, &sp->adv_cum_benefit, &sp->adv_cum_benefit_ci);
            prot_state_free(&d->astate);
            d->astate = ar;
            memset(&ar, 0, sizeof ar);
        }
    }
    double sum0 = 0.0, sum1 = 0.0;
    for (int r = 0; r < R; r++) {
        sum0 += d->abase.run[r].m[p->obj];
        sum1 += d->astate.run[r].m[p->obj];
    }
    res->adv_obj_none = sum0 / R;
    res->adv_obj_plan = sum1 / R;
    prot_paired(&d->abase, &d->astate, p->obj, &res->adv_benefit, &res->adv_benefit_ci);
    for (int k = 0; k < res->nrules; k++) {
        gr_protect_rule *u = &res->rules[k];
        snprintf(p->stage, sizeof p->stage, "adaptive attacker: rule %s",
                 gr_protect_rule_name(u->rule));
        if ((st = adv_steps(p, d, u->steps, u->nsteps, &ar)))
            goto done;
        prot_paired(&d->abase, &ar, p->obj, &u->adv_benefit, &u->adv_benefit_ci);
        prot_paired(&ar, &d->astate, p->obj, &u->adv_plan_gain, &u->adv_plan_gain_ci);
        prot_state_free(&ar);
    }
done:
    prot_state_free(&ar);
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
    if (opt.rule_points < 0 || opt.rule_points > 1000000)
        return gr_error_set(err, GR_EINVAL, "protect: rule_points must be 0..1000000, got %d",
                            opt.rule_points);
    if (opt.screen < 0)
        opt.screen = 0; /* off */
    if (opt.objective < 0 || opt.objective >= GR_PROTECT_NOBJ)
        return gr_error_set(err, GR_EINVAL, "protect: unknown objective %d", opt.objective);
    if (opt.attacker < 0 || opt.attacker >= GR_PROTECT_NATTACKER)
        return gr_error_set(err, GR_EINVAL, "protect: unknown attacker %d", opt.attacker);
    /* MPI: each campaign run here is a one-run sweep of this process (its
       options carry no MPI session), so the planner runs on this process's
       threads; the CLI refuses to start it under mpirun */
    int st;
    if (!costs) {
        if ((st = gr_protect_costs_read_for(NULL, &s->assets, &own, err)))
            return st;
        costs = own;
    }
    double t0 = gr_time_s();
    planner p;
    memset(&p, 0, sizeof p);
    dad d;
    memset(&d, 0, sizeof d);
    d.mode = opt.attacker;
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
    res->attacker = opt.attacker;
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
    prot_progress(&p);
    hit_shares(&p);
    /* the adaptive attacker's baseline (it is judged or planned against) */
    if ((opt.attacker != GR_PROTECT_ATTACKER_FIXED || opt.adaptive) && (st = dad_init(&p, &d, &opt)))
        goto done;
    /* exposure and shortlist */
    eh = gr_malloc(((size_t)na + 1) * sizeof(double));
    expo = gr_malloc(((size_t)na + 1) * sizeof(double));
    idx = gr_malloc(((size_t)na + 1) * sizeof(int));
    if (!eh || !expo || !idx) {
        st = gr_error_set(err, GR_ENOMEM, "protect: out of memory");
        goto done;
    }
    expected_damage(&p, eh);
    if (opt.attacker != GR_PROTECT_ATTACKER_FIXED) {
        /* against the adaptive attacker: also what it reaches */
        prot_state keep = p.base;
        p.base = d.abase;
        double *ea = gr_malloc(((size_t)na + 1) * sizeof(double));
        if (ea)
            expected_damage(&p, ea);
        p.base = keep;
        if (!ea) {
            st = gr_error_set(err, GR_ENOMEM, "protect: out of memory");
            goto done;
        }
        for (int a = 0; a < na; a++)
            eh[a] = fmax(eh[a], ea[a]);
        gr_free(ea);
    }
    int n = 0;
    for (int a = 0; a < na; a++) {
        expo[a] = eh[a] * (s->assets.loss_mw[a] + s->assets.capacity_mw[a]);
        if (expo[a] > 0.0 && shelter_useful(&p, a))
            idx[n++] = a;
    }
    if (prot_sort_desc(idx, n, expo)) {
        st = gr_error_set(err, GR_ENOMEM, "protect: out of memory");
        goto done;
    }
    /* the rules' orders (for the rules, and so that the shortlist holds the
       first assets the capacity and degree rules buy) */
    ro = prot_rule_option(costs);
    if (ro >= 0) {
        order = gr_malloc(((size_t)GR_RULE_N * na + 1) * sizeof(int));
        if (!order || prot_rule_orders(&p, ro, order, &nrule)) {
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
    if ((st = greedy(&p, &d, opt.budget, &plan, &state, res)))
        goto done;
    /* the rules, on the same runs */
    if (opt.rules && ro >= 0 && (st = prot_rules(&p, ro, order, nrule, opt.budget, &state, res)))
        goto done;
    res->val_obj_none = res->val_obj_plan = res->val_benefit = res->val_benefit_ci = NAN;
    for (int k = 0; k < GR_RULE_N; k++)
        res->rules[k].val_benefit = res->rules[k].val_benefit_ci = res->rules[k].val_plan_gain =
            res->rules[k].val_plan_gain_ci = NAN;
    if (opt.validate > 0 && (st = validate(&p, &opt, res)))
        goto done;
    res->adv_obj_none = res->adv_obj_plan = res->adv_benefit = res->adv_benefit_ci = NAN;
    for (int k = 0; k < GR_RULE_N; k++)
        res->rules[k].adv_benefit = res->rules[k].adv_benefit_ci = res->rules[k].adv_plan_gain =
            res->rules[k].adv_plan_gain_ci = NAN;
    if (d.on && (st = adaptive_check(&p, &d, res)))
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
    res->screened = p.x.screened;
    res->screen = opt.screen;
    res->rule_points = opt.rule_points;
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
    dad_free(&d);
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
