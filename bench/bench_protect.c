/* bench_protect.c — what to protect first on the default scenario: a budget of ten 330 kV drone shelters (UAH 1000 M, built-in catalogue) over 200 Monte Carlo runs: wall time, runs simulated against runs evaluated, and the plan's benefit over the best simple rule (in sample, and on fresh runs).
 *
 * 200 runs x 30 nights takes hours on 2 cores (each option judged on up to
 * 200 campaign runs of ~2.5 s), so the default here is 7 nights: the first
 * week holds one massive (night 2) and one medium strike (night 5).
 * Usage: bench_protect [runs] [nights] [budget] [threads] [validate]
 * (default 200 7 1000 0 100; threads 0: all cores). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"

static void progress(void *user, const char *stage, long runs)
{
    double *t0 = user;
    fprintf(stderr, "\r[%6.0f s] %7ld runs  %-60.60s", gr_time_s() - *t0, runs, stage);
    fflush(stderr);
}

int main(int argc, char **argv)
{
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
    gr_protect_options o;
    gr_protect_options_default(&o);
    o.budget = budget;
    o.runs = runs;
    o.nights = nights;
    o.threads = threads;
    o.validate = validate;
    double tp = gr_time_s();
    o.progress = progress;
    o.user = &tp;
    gr_protect_result *r = NULL;
    int st = gr_protect_plan(s, NULL, &o, &r, &err);
    fprintf(stderr, "\r%90s\r", "");
    if (st) {
        fprintf(stderr, "bench_protect: %s\n", err.msg);
        gr_campaign_scenario_free(s);
        return 1;
    }
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
    gr_protect_result_free(r);
    gr_campaign_scenario_free(s);
    return 0;
}
