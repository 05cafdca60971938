/* protect_rules.c — the simple rules the protection plan must beat: shelters bought down the capacity, degree or random order of the assets.
 *
 * DESIGN (docs/protect.md)
 *   rules     capacity (assets.capacity_mw), degree (branches at the
 *             asset's buses) and random (seeded) orders of the assets a
 *             shelter of the rule level improves; each buys that level down
 *             its order while the budget allows, evaluated step by step on
 *             the same runs (the curve), compared with the plan by paired
 *             differences.
 *   The random order comes from its own seeded stream, and ties in the
 *   capacity and degree orders are broken by index, so the rules are the same
 *   for any thread count. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/protect_internal.h"

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

/* Simulate the purchases applied since the last point (the runs in mask, judged
 * before them) and give step *sp the batch's benefit and the cumulative one;
 * mask is cleared. */
static int rule_point(planner *p, const prot_plan *plan, prot_state *cur, unsigned char *mask,
                      gr_protect_step *sp)
{
    int R = p->x.runs, m = 0, st;
    for (int r = 0; r < R; r++)
        m += mask[r];
    sp->benefit = sp->benefit_ci = 0.0;
    if (m > 0) {
        prot_state nxt;
        if ((st = prot_eval(&p->x, plan, cur, mask, &nxt)))
            return st;
        prot_progress(p);
        prot_paired(cur, &nxt, p->obj, &sp->benefit, &sp->benefit_ci);
        prot_state_free(cur);
        *cur = nxt;
    }
    sp->runs_simulated = m;
    memset(mask, 0, (size_t)R);
    prot_paired(&p->base, cur, p->obj, &sp->cum_benefit, &sp->cum_benefit_ci);
    return GR_OK;
}

/* Rule `rule`: shelters of option opt_idx bought down order[0..n-1] while the
 * budget allows. With opt.rule_points = K > 0 the curve is evaluated at K
 * points: the purchases are applied as they come and simulated together
 * when the money spent first reaches j x budget / K (j = 1 .. K) and after
 * the last one. A run no threat of the batch's assets reached under the plan
 * before the batch is the same under the plan after it (one purchase at a
 * time, each leaves it unreached: protect_core.c), so the final state, and
 * every evaluated point, is the step-by-step one number for number; the
 * steps between two points have no value of their own (NaN). K = 0: every
 * step evaluated. */
static int run_rule(planner *p, int rule, int opt_idx, const int *order, int n, double budget,
                    gr_protect_rule *out, prot_state *final_state)
{
    int st = GR_OK, cap = 0, R = p->x.runs, K = p->x.opt.rule_points, point = 1, pending = 0;
    double left = budget;
    prot_plan plan;
    prot_state cur, nxt;
    memset(&cur, 0, sizeof cur);
    unsigned char *mask = gr_calloc((size_t)R + 1, 1);
    if (!mask)
        return gr_error_set(p->x.err, GR_ENOMEM, "protect: out of memory");
    if ((st = prot_plan_init(&plan, &p->x))) {
        gr_free(mask);
        return gr_error_set(p->x.err, st, "protect: out of memory");
    }
    if ((st = prot_state_init(&cur, R))) {
        st = gr_error_set(p->x.err, st, "protect: out of memory");
        goto done;
    }
    for (int r = 0; r < R && !st; r++)
        st = prot_run_copy(&cur.run[r], &p->base.run[r]);
    if (st) {
        st = gr_error_set(p->x.err, st, "protect: out of memory");
        goto done;
    }
    out->rule = rule;
    for (int k = 0; k < n; k++) {
        int a = order[k];
        double cost = prot_shelter_cost(p, &plan, opt_idx, a);
        if (cost > left)
            continue;
        snprintf(p->stage, sizeof p->stage, "rule %s step %d: %s", gr_protect_rule_name(rule),
                 out->nsteps + 1, p->s->assets.name[a]);
        double b = NAN, ci = NAN;
        int nsim = 0;
        if (K <= 0) {
            if ((st = prot_eval_option(p, &plan, &cur, GR_OPTION_SHELTER, opt_idx, a, &nxt, &b,
                                       &ci, &nsim)))
                goto done;
            if (nsim > 0) {
                prot_state_free(&cur);
                cur = nxt;
            }
        } else {
            for (int r = 0; r < R; r++) /* runs the batch can change, judged before it */
                mask[r] = (unsigned char)(mask[r] || prot_run_hit(&cur.run[r], a));
        }
        prot_apply(p, &plan, GR_OPTION_SHELTER, opt_idx, a);
        left -= cost;
        gr_protect_step step;
        prot_fill_step(p, &step, GR_OPTION_SHELTER, opt_idx, a, plan.prot[a], cost, b, ci, nsim);
        step.cum_cost = budget - left;
        step.cum_benefit = step.cum_benefit_ci = NAN;
        if (K <= 0)
            prot_paired(&p->base, &cur, p->obj, &step.cum_benefit, &step.cum_benefit_ci);
        step.adv_benefit = step.adv_benefit_ci = step.adv_cum_benefit = step.adv_cum_benefit_ci =
            NAN; /* the rules are judged against the adaptive attacker as a whole */
        if ((st = prot_push_step(&out->steps, &out->nsteps, &cap, &step))) {
            st = gr_error_set(p->x.err, st, "protect: out of memory");
            goto done;
        }
        pending = K > 0;
        if (pending && step.cum_cost >= budget * point / K - 1e-9) {
            while (point <= K && step.cum_cost >= budget * point / K - 1e-9)
                point++;
            if ((st = rule_point(p, &plan, &cur, mask, &out->steps[out->nsteps - 1])))
                goto done;
            pending = 0;
        }
    }
    /* the last purchase closes the curve */
    if (pending && (st = rule_point(p, &plan, &cur, mask, &out->steps[out->nsteps - 1])))
        goto done;
    out->cost = budget - left;
    prot_paired(&p->base, &cur, p->obj, &out->benefit, &out->benefit_ci);
    double sum = 0.0;
    for (int r = 0; r < R; r++)
        sum += cur.run[r].m[p->obj];
    out->objective = sum / R;
    *final_state = cur;
    memset(&cur, 0, sizeof cur);
done:
    prot_state_free(&cur);
    prot_plan_free(&plan);
    gr_free(mask);
    return st;
}

/* The shelter option the rules buy (rule_level, or the highest level), -1. */
int prot_rule_option(const gr_protect_costs *c)
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
int prot_rule_orders(planner *p, int ro, int *order, int *n_out)
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
            prot_shelter_level(p, ro, a) > p->p0[a])
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
            st = prot_sort_desc(ord, n, score);
        }
    }
    *n_out = n;
done:
    gr_free(elig);
    gr_free(score);
    gr_free(deg);
    return st;
}

int prot_rules(planner *p, int ro, const int *order, int n, double budget,
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
