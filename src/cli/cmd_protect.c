/* cmd_protect.c — `gridres protect`: what to protect first under a budget (shelters, spare transformers, crews) over Monte Carlo strike campaigns, against the simple rules; plan.csv, rules.csv, curve.png/svg, summary.json. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_common.h"
#include "cli_util.h"
#include "gridres.h"

int cmd_protect(int argc, char **argv, gr_mpi *mpi);

#define CMD "protect"

static void protect_help(FILE *f)
{
    fputs("usage: gridres protect [SCENARIO.json | CASE.m | CASE.raw] --budget B [options]\n"
          "\n"
          "Choose what to protect first with a budget (docs/protect.md): shelters for\n"
          "substations and plants, spare transformer units and extra repair crews, so that\n"
          "the expected loss over Monte Carlo strike campaigns is smallest. Every option is\n"
          "judged on the same campaign runs (common random numbers), bought greedily by\n"
          "benefit per cost with lazy re-evaluation, and the plan is compared with the rules\n"
          "a planner would use (largest capacity first, most connected first, random) on\n"
          "the same runs. Without SCENARIO.json the built-in default campaign is used; with\n"
          "a case file, the built-in campaign on that grid with --overlay FILE or, without\n"
          "it, an overlay built on the fly and written to DIR/scenario.json\n"
          "(docs/own_grid.md), as gridres campaign CASE does.\n"
          "\n"
          "options:\n"
          "  --budget B          money to spend, in the catalogue's currency (million UAH in\n"
          "                      the built-in one); required, >= 0\n"
          "  --costs FILE        cost catalogue costs.json (default: the built-in one, from\n"
          "                      public figures; docs/protect.md)\n"
          "  --objective OBJ     ens (priority-weighted energy not served, default), heat\n"
          "                      (people-hours without heat) or critical (critical\n"
          "                      facility-hours dark)\n"
          "  --runs R            Monte Carlo runs (default 20)\n"
          "  --nights N          nights per campaign (default: the scenario's)\n"
          "  --seed S            master seed, 0 .. 2^43-1 (default 1); run r (1-based) is\n"
          "                      `gridres campaign --runs 1 --seed S*2^20+r-1`\n"
          CLI_HELP_THREADS
          "  --no-rules          skip the simple rules\n"
          "  --validate V        also judge the plan and the rules' purchases on V fresh runs\n"
          "                      (runs R+1 .. R+V, not used to choose them): out of sample\n"
          "  --attacker A        the attacker every candidate is judged against: fixed (the\n"
          "                      scenario's targets, default: fast), adaptive (re-optimises\n"
          "                      after seeing the protection: a defender-attacker-defender\n"
          "                      loop; every run simulated, much slower) or both (robust: the\n"
          "                      smaller of the two benefits); default costs.json\n"
          "                      planner.attacker, else fixed\n"
          "  --adaptive          also judge the plan, each step and the rules against the\n"
          "                      adaptive attacker (implied by --attacker adaptive|both)\n"
          "  --screen S          racing (docs/protect.md): re-evaluate a candidate first on\n"
          "                      the first S runs and drop it there when a 99 % upper bound\n"
          "                      cannot top the heap; fewer runs simulated, the plan may\n"
          "                      differ (default 0: off, the exact greedy); fixed attacker\n"
          "                      only\n"
          "  --rule-points K     simulate each rule's curve at K points of its spending, the\n"
          "                      purchases between two points together; the rules' final\n"
          "                      figures are the same (default 8; 0: every step)\n"
          "  --out DIR           output directory (default: a new protect-out-DATE-TIME)\n"
          "  --overlay FILE      with CASE: its scenario overlay (default: built)\n"
          CLI_HELP_FORCE
          CLI_HELP_JSON
          "                      (summary.json, instead of the table)\n"
          "  --quiet             no progress line and no table\n"
          "  --write-costs FILE  write the built-in cost catalogue to FILE and exit\n"
          CLI_HELP_HELP
          "\n"
          "outputs in DIR: plan.csv, rules.csv, curve.png, curve.svg, summary.json.\n"
          "\n"
          "your own grid: a scenario with \"grid\": \"CASE.m\" and optionally \"overlay\"\n"
          "(docs/scenario.md), e.g. examples/example6.campaign.json.\n"
          CLI_HELP_DEFAULTS
          "examples:\n"
          "  gridres protect examples/example6.campaign.json --budget 100 --runs 4\n"
          "  gridres protect examples/example6.campaign.json --budget 50 --runs 4 --objective heat --no-rules --out protect-out\n"
          "\n"
          "exit status: 0 success, 2 bad command line, scenario or costs.json (the message\n"
          "names the JSON path) or existing output, 1 other failure.\n",
          f);
}

/* ------------------------------------------------------------------------
 * Progress line (stderr is a terminal, not --quiet).
 * ------------------------------------------------------------------------ */
typedef struct bar {
    double t0, last;
    int shown;
} bar;

static void bar_update(void *user, const char *stage, long runs)
{
    bar *b = user;
    double now;
    if (!cli_progress_due(&b->last, 0.2, &b->shown, &now))
        return;
    fprintf(stderr, "\r\033[K[%5.0f s] %ld runs  %.60s", now - b->t0, runs, stage);
    fflush(stderr);
}

/* ------------------------------------------------------------------------
 * Outputs.
 * ------------------------------------------------------------------------ */
static const char *obj_unit(int obj)
{
    return obj == GR_PROTECT_OBJ_HEAT       ? "people-hours without heat"
           : obj == GR_PROTECT_OBJ_CRITICAL ? "critical facility-hours dark"
                                            : "weighted MWh not served";
}

static int write_plan(const char *path, int force, const gr_protect_result *r)
{
    FILE *f = cli_open_out(CMD, path, force);
    if (!f)
        return -1;
    fputs("rank,option,asset,cost,benefit,benefit_ci,cumulative_cost,cumulative_benefit,"
          "cumulative_benefit_ci,type,protection,runs_simulated,adaptive_benefit,"
          "adaptive_benefit_ci,adaptive_cumulative_benefit,adaptive_cumulative_benefit_ci\n",
          f);
    for (int k = 0; k < r->nplan; k++) {
        const gr_protect_step *s = &r->plan[k];
        fprintf(f, "%d,\"%s\",\"%s\",", k + 1, s->option_name, s->target_name);
        cli_csv_num(f, s->cost, ',');
        cli_csv_num(f, s->benefit, ',');
        cli_csv_num(f, s->benefit_ci, ',');
        cli_csv_num(f, s->cum_cost, ',');
        cli_csv_num(f, s->cum_benefit, ',');
        cli_csv_num(f, s->cum_benefit_ci, ',');
        fprintf(f, "%s,", gr_option_type_name(s->type));
        cli_csv_num(f, s->protection, ',');
        cli_csv_int(f, s->runs_simulated, ',');
        cli_csv_num(f, s->adv_benefit, ',');
        cli_csv_num(f, s->adv_benefit_ci, ',');
        cli_csv_num(f, s->adv_cum_benefit, ',');
        cli_csv_num(f, s->adv_cum_benefit_ci, '\n');
    }
    return cli_close_out(CMD, f, path);
}

static int write_rules(const char *path, int force, const gr_protect_result *r)
{
    FILE *f = cli_open_out(CMD, path, force);
    if (!f)
        return -1;
    fputs("rule,cost,objective,benefit_vs_none,benefit_ci,plan_gain,plan_gain_ci,shelters,"
          "validate_benefit,validate_benefit_ci,validate_plan_gain,validate_plan_gain_ci\n",
          f);
    fputs("none,0,", f);
    cli_csv_num(f, r->obj_none, ',');
    fputs("0,0,", f);
    cli_csv_num(f, r->benefit, ',');
    cli_csv_num(f, r->benefit_ci, ',');
    fputs("0,", f);
    cli_csv_num(f, r->validate_runs ? 0.0 : NAN, ',');
    cli_csv_num(f, r->validate_runs ? 0.0 : NAN, ',');
    cli_csv_num(f, r->val_benefit, ',');
    cli_csv_num(f, r->val_benefit_ci, '\n');
    fputs("plan,", f);
    cli_csv_num(f, r->spent, ',');
    cli_csv_num(f, r->obj_plan, ',');
    cli_csv_num(f, r->benefit, ',');
    cli_csv_num(f, r->benefit_ci, ',');
    fputs("0,0,", f);
    int nsh = 0;
    for (int k = 0; k < r->nplan; k++)
        nsh += r->plan[k].type == GR_OPTION_SHELTER;
    cli_csv_int(f, nsh, ',');
    cli_csv_num(f, r->val_benefit, ',');
    cli_csv_num(f, r->val_benefit_ci, ',');
    cli_csv_num(f, r->validate_runs ? 0.0 : NAN, ',');
    cli_csv_num(f, r->validate_runs ? 0.0 : NAN, '\n');
    for (int k = 0; k < r->nrules; k++) {
        const gr_protect_rule *u = &r->rules[k];
        fprintf(f, "%s,", gr_protect_rule_name(u->rule));
        cli_csv_num(f, u->cost, ',');
        cli_csv_num(f, u->objective, ',');
        cli_csv_num(f, u->benefit, ',');
        cli_csv_num(f, u->benefit_ci, ',');
        cli_csv_num(f, u->plan_gain, ',');
        cli_csv_num(f, u->plan_gain_ci, ',');
        cli_csv_int(f, u->nsteps, ',');
        cli_csv_num(f, u->val_benefit, ',');
        cli_csv_num(f, u->val_benefit_ci, ',');
        cli_csv_num(f, u->val_plan_gain, ',');
        cli_csv_num(f, u->val_plan_gain_ci, '\n');
    }
    return cli_close_out(CMD, f, path);
}

static json_t *step_json(const gr_protect_step *s, int rank)
{
    json_t *o = json_object();
    json_object_set_new(o, "rank", json_integer(rank));
    json_object_set_new(o, "type", json_string(gr_option_type_name(s->type)));
    json_object_set_new(o, "option", json_string(s->option_name));
    json_object_set_new(o, "target", json_string(s->target_name));
    json_object_set_new(o, "protection", cli_json_num(s->protection));
    json_object_set_new(o, "cost", cli_json_num(s->cost));
    json_object_set_new(o, "benefit", cli_json_num(s->benefit));
    json_object_set_new(o, "benefit_ci", cli_json_num(s->benefit_ci));
    json_object_set_new(o, "significant",
                        json_boolean(gr_protect_significant(s->benefit, s->benefit_ci)));
    json_object_set_new(o, "cumulative_cost", cli_json_num(s->cum_cost));
    json_object_set_new(o, "cumulative_benefit", cli_json_num(s->cum_benefit));
    json_object_set_new(o, "cumulative_benefit_ci", cli_json_num(s->cum_benefit_ci));
    json_object_set_new(o, "runs_simulated", json_integer(s->runs_simulated));
    json_object_set_new(o, "cumulative_benefit_significant",
                        json_boolean(gr_protect_significant(s->cum_benefit, s->cum_benefit_ci)));
    if (isfinite(s->adv_cum_benefit)) { /* against the adaptive attacker, same runs */
        json_t *v = json_object();
        json_object_set_new(v, "benefit", cli_json_num(s->adv_benefit));
        json_object_set_new(v, "benefit_ci", cli_json_num(s->adv_benefit_ci));
        json_object_set_new(v, "cumulative_benefit", cli_json_num(s->adv_cum_benefit));
        json_object_set_new(v, "cumulative_benefit_ci", cli_json_num(s->adv_cum_benefit_ci));
        json_object_set_new(v, "cumulative_significant",
                            json_boolean(gr_protect_significant(s->adv_cum_benefit,
                                                                s->adv_cum_benefit_ci)));
        json_object_set_new(o, "adaptive", v);
    }
    return o;
}

static json_t *stats_json(const double *x, int n)
{
    static const double pct[3] = {5, 50, 95};
    double out[4];
    json_t *o = json_object();
    if (gr_stats(x, n, pct, 3, out) != GR_OK)
        out[0] = out[1] = out[2] = out[3] = NAN;
    json_object_set_new(o, "mean", cli_json_num(out[0]));
    json_object_set_new(o, "p5", cli_json_num(out[1]));
    json_object_set_new(o, "p50", cli_json_num(out[2]));
    json_object_set_new(o, "p95", cli_json_num(out[3]));
    return o;
}

static json_t *summary_json(const gr_campaign_scenario *s, const gr_protect_costs *c,
                            const gr_protect_result *r)
{
    json_t *root = json_object();
    int R = r->runs;
    json_object_set_new(root, "scenario", json_string(s->name ? s->name : ""));
    json_object_set_new(root, "source", json_string(s->source ? s->source : ""));
    json_object_set_new(root, "costs", json_string(c->source ? c->source : ""));
    json_object_set_new(root, "currency", json_string(c->currency ? c->currency : ""));
    json_object_set_new(root, "objective", json_string(gr_protect_objective_name(r->objective)));
    json_object_set_new(root, "objective_unit", json_string(obj_unit(r->objective)));
    json_object_set_new(root, "attacker", json_string(gr_protect_attacker_name(r->attacker)));
    json_object_set_new(root, "screen", json_integer(r->screen));
    json_object_set_new(root, "screened", json_integer(r->screened));
    json_object_set_new(root, "rule_points", json_integer(r->rule_points));
    json_object_set_new(root, "critical_weight", cli_json_num(c->critical_weight));
    json_object_set_new(root, "budget", cli_json_num(r->budget));
    json_object_set_new(root, "spent", cli_json_num(r->spent));
    json_object_set_new(root, "runs", json_integer(R));
    json_object_set_new(root, "nights", json_integer(r->nights));
    json_object_set_new(root, "seed", json_integer((json_int_t)r->seed));
    json_object_set_new(root, "run_seeds", json_string("seed * 2^20 + (run - 1)"));
    json_object_set_new(root, "objective_none", cli_json_num(r->obj_none));
    json_object_set_new(root, "objective_plan", cli_json_num(r->obj_plan));
    json_object_set_new(root, "benefit", cli_json_num(r->benefit));
    json_object_set_new(root, "benefit_ci", cli_json_num(r->benefit_ci));
    json_object_set_new(root, "significant",
                        json_boolean(gr_protect_significant(r->benefit, r->benefit_ci)));
    if (r->validate_runs > 0) {
        json_t *v = json_object();
        json_object_set_new(v, "runs", json_integer(r->validate_runs));
        json_object_set_new(v, "run_seeds", json_string("seed * 2^20 + runs + (run - 1)"));
        json_object_set_new(v, "objective_none", cli_json_num(r->val_obj_none));
        json_object_set_new(v, "objective_plan", cli_json_num(r->val_obj_plan));
        json_object_set_new(v, "benefit", cli_json_num(r->val_benefit));
        json_object_set_new(v, "benefit_ci", cli_json_num(r->val_benefit_ci));
        json_object_set_new(root, "validation", v);
    }
    if (isfinite(r->adv_benefit)) {
        json_t *v = json_object();
        json_object_set_new(v, "objective_none", cli_json_num(r->adv_obj_none));
        json_object_set_new(v, "objective_plan", cli_json_num(r->adv_obj_plan));
        json_object_set_new(v, "benefit", cli_json_num(r->adv_benefit));
        json_object_set_new(v, "benefit_ci", cli_json_num(r->adv_benefit_ci));
        json_object_set_new(v, "significant",
                            json_boolean(gr_protect_significant(r->adv_benefit, r->adv_benefit_ci)));
        json_object_set_new(root, "adaptive", v);
    }
    json_t *plan = json_array();
    for (int k = 0; k < r->nplan; k++)
        json_array_append_new(plan, step_json(&r->plan[k], k + 1));
    json_object_set_new(root, "plan", plan);
    json_t *rules = json_array();
    for (int k = 0; k < r->nrules; k++) {
        const gr_protect_rule *u = &r->rules[k];
        json_t *o = json_object();
        json_object_set_new(o, "rule", json_string(gr_protect_rule_name(u->rule)));
        json_object_set_new(o, "cost", cli_json_num(u->cost));
        json_object_set_new(o, "objective", cli_json_num(u->objective));
        json_object_set_new(o, "benefit_vs_none", cli_json_num(u->benefit));
        json_object_set_new(o, "benefit_ci", cli_json_num(u->benefit_ci));
        json_object_set_new(o, "plan_gain", cli_json_num(u->plan_gain));
        json_object_set_new(o, "plan_gain_ci", cli_json_num(u->plan_gain_ci));
        json_object_set_new(o, "benefit_significant",
                            json_boolean(gr_protect_significant(u->benefit, u->benefit_ci)));
        json_object_set_new(o, "plan_gain_significant",
                            json_boolean(gr_protect_significant(u->plan_gain, u->plan_gain_ci)));
        if (r->validate_runs > 0) {
            json_t *v = json_object();
            json_object_set_new(v, "benefit_vs_none", cli_json_num(u->val_benefit));
            json_object_set_new(v, "benefit_ci", cli_json_num(u->val_benefit_ci));
            json_object_set_new(v, "plan_gain", cli_json_num(u->val_plan_gain));
            json_object_set_new(v, "plan_gain_ci", cli_json_num(u->val_plan_gain_ci));
            json_object_set_new(o, "validation", v);
        }
        if (isfinite(r->adv_benefit)) {
            json_t *v = json_object();
            json_object_set_new(v, "benefit_vs_none", cli_json_num(u->adv_benefit));
            json_object_set_new(v, "benefit_ci", cli_json_num(u->adv_benefit_ci));
            json_object_set_new(v, "plan_gain", cli_json_num(u->adv_plan_gain));
            json_object_set_new(v, "plan_gain_ci", cli_json_num(u->adv_plan_gain_ci));
            json_object_set_new(o, "adaptive", v);
        }
        json_t *st = json_array();
        for (int j = 0; j < u->nsteps; j++)
            json_array_append_new(st, step_json(&u->steps[j], j + 1));
        json_object_set_new(o, "steps", st);
        json_array_append_new(rules, o);
    }
    json_object_set_new(root, "rules", rules);
    /* campaign metrics without and with the plan */
    json_t *met = json_object();
    double *x = malloc(((size_t)R + 1) * sizeof(double));
    double *y = malloc(((size_t)R + 1) * sizeof(double));
    if (x && y)
        for (int m = 0; m < GR_PM_N; m++) {
            double sum = 0.0, sum2 = 0.0;
            for (int i = 0; i < R; i++) {
                x[i] = r->metric_none[(size_t)i * GR_PM_N + m];
                y[i] = r->metric_plan[(size_t)i * GR_PM_N + m];
                sum += x[i] - y[i];
            }
            double mu = sum / R;
            for (int i = 0; i < R; i++)
                sum2 += (x[i] - y[i] - mu) * (x[i] - y[i] - mu);
            json_t *o = json_object();
            json_object_set_new(o, "none", stats_json(x, R));
            json_object_set_new(o, "plan", stats_json(y, R));
            json_t *d = json_object();
            json_object_set_new(d, "mean", cli_json_num(mu));
            json_object_set_new(d, "ci",
                                cli_json_num(R > 1 ? 1.96 * sqrt(sum2 / (R - 1)) / sqrt(R) : NAN));
            json_object_set_new(o, "reduction", d);
            json_object_set_new(met, gr_protect_metric_name(m), o);
        }
    free(x);
    free(y);
    json_object_set_new(root, "metrics", met);
    /* the shortlist */
    json_t *sl = json_array();
    for (int k = 0; k < r->nshort; k++) {
        int a = r->shortlist[k];
        json_t *o = json_object();
        json_object_set_new(o, "asset", json_string(s->assets.name[a]));
        json_object_set_new(o, "class", json_string(gr_campaign_class_name(&s->assets, s->assets.cls[a])));
        json_object_set_new(o, "exposure_mw", cli_json_num(r->exposure[k]));
        json_object_set_new(o, "capacity_mw", cli_json_num(s->assets.capacity_mw[a]));
        json_object_set_new(o, "loss_mw", cli_json_num(s->assets.loss_mw[a]));
        json_array_append_new(sl, o);
    }
    json_object_set_new(root, "shortlist", sl);
    /* the plan as a campaign scenario's "protection" (levels, rounded to 4 digits) */
    json_t *pa = json_array();
    for (int a = 0; a < s->assets.n; a++)
        if (r->protection[a] != s->assets.protection[a]) {
            json_t *o = json_object();
            json_object_set_new(o, "asset", json_string(s->assets.name[a]));
            json_object_set_new(o, "level", json_real(round(r->protection[a] * 1e4) / 1e4));
            json_array_append_new(pa, o);
        }
    json_t *prot = json_object();
    json_object_set_new(prot, "assets", pa);
    json_object_set_new(root, "scenario_protection", prot);
    json_object_set_new(root, "candidates", json_integer(r->ncandidates));
    json_object_set_new(root, "evaluations", json_integer(r->evaluations));
    json_object_set_new(root, "runs_simulated", json_integer(r->runs_simulated));
    json_object_set_new(root, "runs_evaluated", json_integer(r->runs_total));
    json_t *files = json_array();
    static const char *const names[] = {"plan.csv", "rules.csv", "curve.png", "curve.svg",
                                        "summary.json"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        json_array_append_new(files, json_string(names[k]));
    json_object_set_new(root, "files", files);
    return root;
}

/* " (n.s.)" after a figure whose 95 % interval includes 0. */
static const char *ns(double mean, double ci)
{
    return gr_protect_significant(mean, ci) ? "" : " (n.s.)";
}

static void print_table(FILE *f, const gr_campaign_scenario *s, const gr_protect_costs *c,
                        const gr_protect_result *r, const char *dir, int threads)
{
    const char *cur = c->currency ? c->currency : "";
    if (dir) /* the first line says where the outputs went (a new folder without --out) */
        fprintf(f, "gridres protect: %s -> outputs in %s/\n", s->name ? s->name : "", dir);
    else
        fprintf(f, "gridres protect: %s\n", s->name ? s->name : "");
    fprintf(f, "  objective   %s (%s), budget %.6g %s\n", gr_protect_objective_name(r->objective),
            obj_unit(r->objective), r->budget, cur);
    fprintf(f, "  campaigns   %d runs x %d nights, seed %llu (%.1f s, %d threads; %ld of %ld runs "
               "simulated, %d evaluations)\n",
            r->runs, r->nights, (unsigned long long)r->seed, r->wall_s, threads, r->runs_simulated,
            r->runs_total, r->evaluations);
    fprintf(f, "  candidates  %d options (%d shelter assets shortlisted)\n", r->ncandidates,
            r->nshort);
    fprintf(f, "  attacker    candidates judged against %s\n",
            r->attacker == GR_PROTECT_ATTACKER_BOTH
                ? "both attackers (robust: the smaller benefit, significant against both)"
            : r->attacker == GR_PROTECT_ATTACKER_ADAPTIVE
                ? "the adaptive attacker (it re-optimises after seeing the protection)"
                : "the scenario's (fixed) attacker");
    fprintf(f, "  baseline    %.6g %s per campaign (mean)", r->obj_none, obj_unit(r->objective));
    int adv = isfinite(r->adv_benefit);
    if (adv)
        fprintf(f, "; adaptive attacker %.6g", r->adv_obj_none);
    fputs("\n\n", f);
    fprintf(f, "  %4s  %-24s %-22s %10s %22s %10s %22s", "rank", "option", "target", "cost",
            "benefit +- 95%", "cum. cost", "cum. vs fixed");
    if (adv)
        fprintf(f, " %22s", "cum. vs adaptive");
    fputc('\n', f);
    for (int k = 0; k < r->nplan; k++) {
        const gr_protect_step *p = &r->plan[k];
        char b[64], cb[64], ab[64];
        snprintf(b, sizeof b, "%.4g +- %.3g%s", p->benefit, p->benefit_ci, ns(p->benefit, p->benefit_ci));
        snprintf(cb, sizeof cb, "%.4g +- %.3g%s", p->cum_benefit, p->cum_benefit_ci,
                 ns(p->cum_benefit, p->cum_benefit_ci));
        fprintf(f, "  %4d  %-24.24s %-22.22s %10.4g %22s %10.4g %22s", k + 1, p->option_name,
                p->target_name, p->cost, b, p->cum_cost, cb);
        if (adv) {
            snprintf(ab, sizeof ab, "%.4g +- %.3g%s", p->adv_cum_benefit, p->adv_cum_benefit_ci,
                     ns(p->adv_cum_benefit, p->adv_cum_benefit_ci));
            fprintf(f, " %22s", ab);
        }
        fputc('\n', f);
    }
    if (r->nplan == 0)
        fprintf(f, "  (nothing bought: no option fits the budget or helps significantly on these "
                   "runs)\n");
    double pct = r->obj_none > 0.0 ? 100.0 * r->benefit / r->obj_none : 0.0;
    fprintf(f, "\n  plan        spent %.6g of %.6g %s: %.4g +- %.3g %s less (%.1f %%)%s\n", r->spent,
            r->budget, cur, r->benefit, r->benefit_ci, obj_unit(r->objective), pct,
            ns(r->benefit, r->benefit_ci));
    if (r->nrules > 0)
        fprintf(f, "  rules       the same budget on shelters, the same runs:\n");
    for (int k = 0; k < r->nrules; k++) {
        const gr_protect_rule *u = &r->rules[k];
        double rel = u->benefit > 0.0 ? 100.0 * u->plan_gain / u->benefit : NAN;
        char relb[32] = "";
        if (isfinite(rel))
            snprintf(relb, sizeof relb, ", %+.0f %%", rel);
        fprintf(f, "    %-9s spent %8.6g, %2d shelters: benefit %.4g +- %.3g%s; plan better by "
                   "%.4g +- %.3g%s%s\n",
                gr_protect_rule_name(u->rule), u->cost, u->nsteps, u->benefit, u->benefit_ci,
                ns(u->benefit, u->benefit_ci), u->plan_gain, u->plan_gain_ci, relb,
                ns(u->plan_gain, u->plan_gain_ci));
    }
    if (isfinite(r->adv_benefit)) {
        fprintf(f, "  adaptive    the same runs against the adaptive attacker: baseline %.6g, plan "
                   "%.4g +- %.3g less%s (fixed targets: %.4g +- %.3g%s)\n",
                r->adv_obj_none, r->adv_benefit, r->adv_benefit_ci,
                ns(r->adv_benefit, r->adv_benefit_ci), r->benefit, r->benefit_ci,
                ns(r->benefit, r->benefit_ci));
        for (int k = 0; k < r->nrules; k++) {
            const gr_protect_rule *u = &r->rules[k];
            fprintf(f, "    %-9s benefit %.4g +- %.3g%s; plan better by %.4g +- %.3g%s\n",
                    gr_protect_rule_name(u->rule), u->adv_benefit, u->adv_benefit_ci,
                    ns(u->adv_benefit, u->adv_benefit_ci), u->adv_plan_gain, u->adv_plan_gain_ci,
                    ns(u->adv_plan_gain, u->adv_plan_gain_ci));
        }
    }
    if (r->validate_runs > 0) {
        fprintf(f, "  validation  %d fresh runs (not used to choose): plan %.4g +- %.3g less\n",
                r->validate_runs, r->val_benefit, r->val_benefit_ci);
        for (int k = 0; k < r->nrules; k++) {
            const gr_protect_rule *u = &r->rules[k];
            fprintf(f, "    %-9s benefit %.4g +- %.3g; plan better by %.4g +- %.3g\n",
                    gr_protect_rule_name(u->rule), u->val_benefit, u->val_benefit_ci,
                    u->val_plan_gain, u->val_plan_gain_ci);
        }
    }
    if (dir)
        fprintf(f, "  output      %s/\n", dir);
}

/* ------------------------------------------------------------------------
 * The command.
 * ------------------------------------------------------------------------ */
static const char *const out_files[] = {"plan.csv", "rules.csv", "curve.png", "curve.svg",
                                        "summary.json"};
#define N_OUT ((int)(sizeof out_files / sizeof out_files[0]))

int cmd_protect(int argc, char **argv, gr_mpi *mpi)
{
    if (gr_mpi_size(mpi) > 1) { /* every rank would run the whole plan */
        cli_errorf(CMD, "runs on one process (threads); start it without mpirun");
        return CLI_EXIT_USAGE;
    }
    gr_protect_options opt;
    gr_campaign_scenario *s = NULL;
    gr_protect_costs *costs = NULL;
    gr_protect_result *r = NULL;
    gr_error err = {0, ""};
    const char *budget_s = NULL, *costs_s = NULL, *obj_s = NULL;
    const char *out_dir = NULL, *write_s = NULL, *overlay_s = NULL, *att_s = NULL;
    int nights = 0, runs = 20, threads = 0, force = 0, as_json = 0, quiet = 0, no_rules = 0;
    int validate = 0;
    int npos = 0, rc;
    const char *pos[1] = {NULL};
    char dir[4096], path[4096];

    gr_protect_options_default(&opt);
    const cli_opt opts[] = {
        {"budget", CLI_STRING, &budget_s, 0, 0, 0, NULL},
        {"costs", CLI_STRING, &costs_s, 0, 0, 0, NULL},
        {"objective", CLI_STRING, &obj_s, 0, 0, 0, NULL},
        CLI_OPT_RUNS(runs),
        CLI_OPT_NIGHTS(nights),
        CLI_OPT_SEED(opt.seed, CLI_SEED_BITS_PROTECT, NULL),
        CLI_OPT_THREADS(threads),
        {"no-rules", CLI_FLAG, &no_rules, 1, 0, 0, NULL},
        {"validate", CLI_INT, &validate, 0, 0, 1000000, NULL},
        {"adaptive", CLI_FLAG, &opt.adaptive, 1, 0, 0, NULL},
        {"attacker", CLI_STRING, &att_s, 0, 0, 0, NULL},
        {"screen", CLI_INT, &opt.screen, 0, 0, 1000000, NULL},
        {"rule-points", CLI_INT, &opt.rule_points, 0, 0, 1000000, NULL},
        CLI_OPT_OUT(out_dir),
        CLI_OPT_OVERLAY(overlay_s),
        CLI_OPT_FORCE(force),
        CLI_OPT_JSON(as_json),
        CLI_OPT_QUIET(quiet),
        {"write-costs", CLI_STRING, &write_s, 0, 0, 0, NULL},
    };
    if (!cli_parse_args(CMD, argc, argv, opts, CLI_NOPTS(opts), pos, 1, &npos, protect_help, &rc))
        return rc;
    if (write_s) {
        if (cli_write_text(CMD, write_s, force, gr_protect_costs_default_json()) != 0)
            return cli_exists(write_s) && !force ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
        if (!quiet)
            printf("wrote the built-in cost catalogue to %s\n", write_s);
        return CLI_EXIT_OK;
    }
    if (!budget_s) {
        cli_errorf(CMD, "--budget is required (money to spend, e.g. --budget 1000 for "
                        "1000 million UAH with the built-in costs)");
        return CLI_EXIT_USAGE;
    }
    if (cli_parse_double(budget_s, 0.0, 1e12, &opt.budget) != 0) {
        cli_errorf(CMD, "--budget expects an amount >= 0 (in the catalogue's currency), got '%s'",
                   budget_s);
        return CLI_EXIT_USAGE;
    }
    if (obj_s) {
        int found = -1;
        for (int k = 0; k < GR_PROTECT_NOBJ; k++)
            if (strcmp(obj_s, gr_protect_objective_name(k)) == 0)
                found = k;
        if (found < 0) {
            cli_errorf(CMD, "--objective expects ens, heat or critical, got '%s'", obj_s);
            return CLI_EXIT_USAGE;
        }
        opt.objective = found;
    }
    int att = -1;
    if (att_s) {
        for (int k = 0; k < GR_PROTECT_NATTACKER; k++)
            if (strcmp(att_s, gr_protect_attacker_name(k)) == 0)
                att = k;
        if (att < 0) {
            cli_errorf(CMD, "--attacker expects fixed, adaptive or both, got '%s'", att_s);
            return CLI_EXIT_USAGE;
        }
    }
    opt.runs = runs;
    opt.nights = nights;
    opt.threads = threads;
    opt.rules = !no_rules;
    opt.validate = validate;

    if ((rc = cli_out_dir_prepare(CMD, out_dir, "protect-out", out_files, N_OUT, force, dir,
                                  sizeof dir)) != CLI_EXIT_OK)
        return rc;

    int st;
    int from_case = npos > 0 && cli_is_case_path(pos[0]);
    if (overlay_s && !from_case) {
        cli_errorf(CMD, "--overlay needs a case file (CASE.m or CASE.raw); a scenario names "
                        "its overlay in $.overlay");
        return CLI_EXIT_USAGE;
    }
    /* a case without an overlay: one built on the fly, written to DIR */
    char ov_path[4096];
    if (from_case && !overlay_s &&
        (cli_out_path(CMD, ov_path, sizeof ov_path, dir, "scenario.json") != 0 ||
         cli_check_new(CMD, ov_path, force) != 0))
        return CLI_EXIT_USAGE;
    cli_read_progress rp;
    cli_read_progress_begin(&rp, CMD, npos > 0 ? pos[0] : "the built-in scenario",
                            !quiet && !as_json && isatty(STDERR_FILENO));
    st = from_case ? cli_case_scenario_read(pos[0], overlay_s, &s, &err)
                   : gr_campaign_scenario_read(npos > 0 ? pos[0] : NULL, &s, &err);
    cli_read_progress_end(&rp);
    if (st != GR_OK) {
        cli_errorf(CMD, "%s", err.msg[0] ? err.msg : gr_strerror(st));
        return st == GR_ENOMEM ? CLI_EXIT_FAIL
               : st == GR_EINFEASIBLE ? CLI_EXIT_NOCONV : CLI_EXIT_USAGE;
    }
    /* costs.json after the scenario: its class keys ("sub400") name the case's levels */
    st = gr_protect_costs_read_for(costs_s, &s->assets, &costs, &err);
    if (st != GR_OK) {
        cli_errorf(CMD, "%s", err.msg[0] ? err.msg : gr_strerror(st));
        gr_campaign_scenario_free(s);
        return st == GR_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
    opt.attacker = att >= 0 ? att : costs->attacker >= 0 ? costs->attacker : opt.attacker;
    if (s->overlay_built) {
        if (cli_mkdir_p(CMD, dir) != 0 ||
            (st = gr_overlay_write(s->overlay, ov_path, &err)) != GR_OK) {
            if (st)
                cli_errorf(CMD, "%s", err.msg[0] ? err.msg : gr_strerror(st));
            gr_campaign_scenario_free(s);
            gr_protect_costs_free(costs);
            return CLI_EXIT_FAIL;
        }
        cli_errorf(CMD, "no overlay for %s: built one (%d substations, %.0f people); written to "
                        "%s", s->grid_path, s->overlay->nsub, s->overlay->population, ov_path);
    }
    bar pb = {gr_time_s(), 0.0, 0};
    if (!quiet && isatty(STDERR_FILENO)) {
        opt.progress = bar_update;
        opt.user = &pb;
    }
    st = gr_protect_plan(s, costs, &opt, &r, &err);
    cli_progress_clear(pb.shown);
    if (st != GR_OK) {
        cli_errorf(CMD, "%s", err.msg[0] ? err.msg : gr_strerror(st));
        gr_campaign_scenario_free(s);
        gr_protect_costs_free(costs);
        return st == GR_EINVAL || st == GR_EPARSE ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    rc = CLI_EXIT_FAIL;
    json_t *sum = summary_json(s, costs, r);
    if (!sum) {
        cli_errorf(CMD, "out of memory");
        goto done;
    }
    if (cli_mkdir_p(CMD, dir) != 0)
        goto done;
    if (cli_out_path(CMD, path, sizeof path, dir, "plan.csv") != 0)
        goto done;
    if (write_plan(path, force, r) != 0)
        goto done;
    if (cli_out_path(CMD, path, sizeof path, dir, "rules.csv") != 0)
        goto done;
    if (write_rules(path, force, r) != 0)
        goto done;
    {
        char png[4096], svg[4096];
        if (cli_out_path(CMD, png, sizeof png, dir, "curve.png") != 0 ||
            cli_out_path(CMD, svg, sizeof svg, dir, "curve.svg") != 0)
            goto done;
        if (cli_check_new(CMD, png, force) != 0 || cli_check_new(CMD, svg, force) != 0)
            goto done;
        if ((st = gr_protect_chart(r, costs->currency, png, svg, &err)) != GR_OK) {
            cli_errorf(CMD, "%s", err.msg[0] ? err.msg : gr_strerror(st));
            goto done;
        }
    }
    if (cli_out_path(CMD, path, sizeof path, dir, "summary.json") != 0)
        goto done;
    if (cli_write_json(CMD, path, force, sum) != 0)
        goto done;
    if (as_json) {
        if (cli_json_print(stdout, sum) != 0)
            goto done;
    } else if (!quiet) {
        print_table(stdout, s, costs, r, dir, r->threads);
    }
    rc = CLI_EXIT_OK;
done:
    json_decref(sum);
    gr_protect_result_free(r);
    gr_campaign_scenario_free(s);
    gr_protect_costs_free(costs);
    return rc;
}
