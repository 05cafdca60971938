/* bench_protect.c — what to protect first on the default scenario: a budget of ten 330 kV drone shelters (UAH 1000 M, built-in catalogue) over 200 Monte Carlo runs: wall time, runs simulated against runs evaluated, where they went (baseline, greedy, rules, validation), and the plan's benefit over the best simple rule (in sample, and on fresh runs); the exact greedy against racing (opt.screen), interleaved, medians.
 *
 * Usage: bench_protect [runs] [nights] [budget] [threads] [validate] [reps] [screen]
 *        [rule_points]
 * (default 200 7 1000 0 100 1 runs/4 8; threads 0: all cores). Each rep runs
 * the old path (the exact greedy, screen 0, and every rule step simulated,
 * rule_points 0) and the fast one (racing with screen S, the rules' curves
 * at rule_points points), in alternating order; the medians of their wall
 * times and the ratio are printed, and whether the two plans are the same.
 * screen 0: the old path only (one per rep). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"

/* Where the runs and the time went: stage classes by the planner's stage text. */
enum { ST_BASE, ST_GREEDY, ST_RULES, ST_VALID, ST_ADAPT, ST_N };
static const char *const st_name[ST_N] = {"baseline", "greedy (candidates)", "rules",
                                          "validation", "adaptive check"};
typedef struct prof {
    double t0, last_t;
    long last_runs;
    long runs[ST_N];
    double time[ST_N];
} prof;

static int stage_class(const char *stage)
{
    if (strncmp(stage, "baseline", 8) == 0)
        return ST_BASE;
    if (strncmp(stage, "rule", 4) == 0)
        return ST_RULES;
    if (strncmp(stage, "validation", 10) == 0)
        return ST_VALID;
    if (strncmp(stage, "adaptive", 8) == 0)
        return ST_ADAPT;
    return ST_GREEDY;
}

static void progress(void *user, const char *stage, long runs)
{
    prof *p = user;
    double t = gr_time_s();
    int k = stage_class(stage);
    p->runs[k] += runs - p->last_runs;
    p->time[k] += t - p->last_t;
    p->last_runs = runs;
    p->last_t = t;
    fprintf(stderr, "\r[%6.0f s] %7ld runs  %-60.60s", t - p->t0, runs, stage);
    fflush(stderr);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_dbl);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int same_plan(const gr_protect_result *a, const gr_protect_result *b)
{
    if (a->nplan != b->nplan)
        return 0;
    for (int k = 0; k < a->nplan; k++)
        if (a->plan[k].type != b->plan[k].type || a->plan[k].option != b->plan[k].option ||
            a->plan[k].target != b->plan[k].target || a->plan[k].benefit != b->plan[k].benefit)
            return 0;
    return a->benefit == b->benefit;
}

static void print_result(const gr_protect_result *r, const prof *pf);

/* One planner run with racing screen (0: exact); *out kept for the caller. */
static int one(const gr_campaign_scenario *s, const gr_protect_options *base, int screen,
               int rule_points, gr_protect_result **out, prof *pf)
{
    gr_protect_options o = *base;
    gr_error err = {0, ""};
    o.screen = screen;
    o.rule_points = rule_points;
    memset(pf, 0, sizeof *pf);
    pf->t0 = pf->last_t = gr_time_s();
    o.progress = progress;
    o.user = pf;
    int st = gr_protect_plan(s, NULL, &o, out, &err);
    fprintf(stderr, "\r%90s\r", "");
    if (st)
        fprintf(stderr, "bench_protect: %s\n", err.msg);
    return st;
}

int main(int argc, char **argv)
{
    gr_heap_keep(); /* as the gridres program */
    int runs = argc > 1 ? atoi(argv[1]) : 200;
    int nights = argc > 2 ? atoi(argv[2]) : 7;
    double budget = argc > 3 ? atof(argv[3]) : 1000.0;
    int threads = argc > 4 ? atoi(argv[4]) : 0;
    int validate = argc > 5 ? atoi(argv[5]) : 100;
    if (runs < 1 || nights < 1 || !(budget >= 0) || threads < 0 || validate < 0) {
        fprintf(stderr, "usage: bench_protect [runs] [nights] [budget] [threads] [validate]\n");
        return 2;
    }
    gr_error err = {0, ""};
    gr_campaign_scenario *s = NULL;
    double t0 = gr_time_s();
    if (gr_campaign_scenario_read(NULL, &s, &err)) {
        fprintf(stderr, "bench_protect: %s\n", err.msg);
        return 1;
    }
    printf("default scenario: %d buses, %d assets, read %.2f s\n", s->grid->nb, s->assets.n,
           gr_time_s() - t0);
    printf("protect: budget %.6g million UAH (built-in catalogue), objective ens, %d runs x %d "
           "nights, seed 1, validation on %d fresh runs\n",
           budget, runs, nights, validate);
    int reps = argc > 6 ? atoi(argv[6]) : 1;
    int screen = argc > 7 ? atoi(argv[7]) : runs / 4;
    int points = argc > 8 ? atoi(argv[8]) : 8;
    if (reps < 1 || screen < 0 || points < 0) {
        fprintf(stderr, "bench_protect: reps >= 1, screen >= 0, rule_points >= 0\n");
        return 2;
    }
    gr_protect_options o;
    gr_protect_options_default(&o);
    o.budget = budget;
    o.runs = runs;
    o.nights = nights;
    o.threads = threads;
    o.validate = validate;
    double *t_old = calloc((size_t)reps, sizeof(double)), *t_new = calloc((size_t)reps, sizeof(double));
    gr_protect_result *keep_old = NULL, *keep_new = NULL;
    prof pf_old, pf_new;
    int st = 0, differ = 0;
    for (int rep = 0; rep < reps && !st; rep++)
        for (int half = 0; half < 2 && !st; half++) {
            int use_new = screen > 0 && ((rep + half) % 2 == 1);
            if (screen == 0 && half == 1)
                break;
            gr_protect_result *r = NULL;
            prof pf;
            if ((st = one(s, &o, use_new ? screen : 0, use_new ? points : 0, &r, &pf)))
                break;
            printf("rep %d %s: %.1f s on %d threads, %ld runs simulated, %d evaluations (%d "
                   "screened out)\n",
                   rep + 1, use_new ? "fast" : "old ", r->wall_s, r->threads,
                   r->runs_simulated, r->evaluations, r->screened);
            fflush(stdout);
            (use_new ? t_new : t_old)[rep] = r->wall_s;
            gr_protect_result **slot = use_new ? &keep_new : &keep_old;
            gr_protect_result_free(*slot);
            *slot = r;
            *(use_new ? &pf_new : &pf_old) = pf;
        }
    if (st) {
        gr_protect_result_free(keep_old);
        gr_protect_result_free(keep_new);
        gr_campaign_scenario_free(s);
        return 1;
    }
    printf("\n== old path: exact greedy (screen 0), every rule step (rule_points 0) ==\n");
    print_result(keep_old, &pf_old);
    if (keep_new) {
        printf("\n== fast path: racing (screen %d of %d runs), rules at %d points ==\n", screen,
               runs, points);
        print_result(keep_new, &pf_new);
        differ = !same_plan(keep_old, keep_new);
        double mo = median(t_old, reps), mn = median(t_new, reps);
        printf("\nmedian of %d: old %.1f s, fast %.1f s, ratio %.2fx; plans %s\n", reps, mo,
               mn, mn > 0 ? mo / mn : NAN, differ ? "DIFFER" : "identical (steps and benefits)");
    }
    free(t_old);
    free(t_new);
    gr_protect_result_free(keep_old);
    gr_protect_result_free(keep_new);
    gr_campaign_scenario_free(s);
    return 0;
}

static void print_result(const gr_protect_result *r, const prof *pf)
{
    long tot = 0;
    for (int k = 0; k < ST_N; k++)
        tot += pf->runs[k];
    printf("where the runs went (campaign runs simulated, wall s, CPU s per run = wall x "
           "threads / runs):\n");
    for (int k = 0; k < ST_N; k++)
        if (pf->runs[k] > 0)
            printf("  %-20s %7ld runs (%4.1f %%)  %8.1f s  %.3f s/run\n", st_name[k],
                   pf->runs[k], tot > 0 ? 100.0 * (double)pf->runs[k] / (double)tot : 0.0,
                   pf->time[k], pf->time[k] * r->threads / (double)pf->runs[k]);
    double per_eval = r->runs > 0 ? (double)r->runs_simulated / r->runs : 0.0;
    printf("time: %.1f s on %d threads; %ld campaign runs simulated of %ld evaluated (%.0f %% "
           "skipped as identical), %d evaluations = %.1f full Monte Carlo passes, %.3f s per "
           "simulated run\n",
           r->wall_s, r->threads, r->runs_simulated, r->runs_total,
           r->runs_total > 0 ? 100.0 * (1.0 - (double)r->runs_simulated / (double)r->runs_total) : 0.0,
           r->evaluations, per_eval,
           r->runs_simulated > 0 ? r->wall_s * r->threads / (double)r->runs_simulated : 0.0);
    printf("candidates %d (%d shelter assets shortlisted)\n", r->ncandidates, r->nshort);
    printf("baseline: %.1f weighted MWh not served per campaign\n", r->obj_none);
    printf("plan: %d options, %.6g of %.6g spent\n", r->nplan, r->spent, r->budget);
    for (int k = 0; k < r->nplan; k++) {
        const gr_protect_step *p = &r->plan[k];
        printf("  %2d  %-24s %-24s cost %7.1f  benefit %9.1f +- %8.1f  (%d runs simulated)\n",
               k + 1, p->option_name, p->target_name, p->cost, p->benefit, p->benefit_ci,
               p->runs_simulated);
    }
    printf("plan benefit: %.1f +- %.1f MWh (%.1f %% of the baseline)\n", r->benefit,
           r->benefit_ci, r->obj_none > 0 ? 100.0 * r->benefit / r->obj_none : 0.0);
    int best = -1;
    for (int k = 0; k < r->nrules; k++) {
        const gr_protect_rule *u = &r->rules[k];
        printf("rule %-9s %2d shelters, %.6g spent: benefit %.1f +- %.1f; plan better by %.1f +- "
               "%.1f\n",
               gr_protect_rule_name(u->rule), u->nsteps, u->cost, u->benefit, u->benefit_ci,
               u->plan_gain, u->plan_gain_ci);
        if (best < 0 || u->benefit > r->rules[best].benefit)
            best = k;
    }
    if (best >= 0) {
        const gr_protect_rule *u = &r->rules[best];
        printf("best rule (in sample): %s; plan's benefit over it %.1f +- %.1f MWh (%+.0f %%)\n",
               gr_protect_rule_name(u->rule), u->plan_gain, u->plan_gain_ci,
               u->benefit > 0 ? 100.0 * u->plan_gain / u->benefit : NAN);
    }
    if (r->validate_runs > 0) {
        printf("validation on %d fresh runs: plan %.1f +- %.1f\n", r->validate_runs,
               r->val_benefit, r->val_benefit_ci);
        int vb = -1;
        for (int k = 0; k < r->nrules; k++) {
            const gr_protect_rule *u = &r->rules[k];
            printf("  rule %-9s benefit %.1f +- %.1f; plan better by %.1f +- %.1f\n",
                   gr_protect_rule_name(u->rule), u->val_benefit, u->val_benefit_ci,
                   u->val_plan_gain, u->val_plan_gain_ci);
            if (vb < 0 || u->val_benefit > r->rules[vb].val_benefit)
                vb = k;
        }
        if (vb >= 0)
            printf("best rule (fresh runs): %s; plan's benefit over it %.1f +- %.1f MWh (%+.0f %%)\n",
                   gr_protect_rule_name(r->rules[vb].rule), r->rules[vb].val_plan_gain,
                   r->rules[vb].val_plan_gain_ci,
                   r->rules[vb].val_benefit > 0
                       ? 100.0 * r->rules[vb].val_plan_gain / r->rules[vb].val_benefit
                       : NAN);
    }
}
