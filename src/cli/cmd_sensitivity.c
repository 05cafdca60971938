/* cmd_sensitivity.c — `gridres sensitivity`: one-at-a-time sensitivity of the campaign's
 * main outputs to scaled inputs (numbers under a JSON path of the scenario times a low
 * and a high factor), with common random numbers, as JSON, CSV and a tornado chart.
 *
 * DESIGN. The scenario text (the built-in default, or a file) is read once as the base;
 * each parameter's low and high scenarios are that JSON with every number under the
 * parameter's paths multiplied by the factor (integers rounded to the nearest integer),
 * written back and read by the same scenario reader, so a bad factor is reported as the
 * reader reports any bad field (with its JSON path). Base, low and high campaigns run
 * with the same seed and runs (run r: stream (seed, r - 1)): the differences are paired
 * (common random numbers; Law, Simulation Modeling and Analysis, 5th ed., 2015, §11.2)
 * and their standard errors are those of the paired differences. One-at-a-time ranges
 * and the tornado chart: Saltelli et al., Global Sensitivity Analysis: The Primer, Wiley
 * 2008, ch. 1; Howard, "Decision analysis: practice and promise", Management Science
 * 34(6), 1988 (tornado diagrams). docs/calibration.md "Sensitivity". */
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cli_util.h"
#include "gridres.h"

int cmd_sensitivity(int argc, char **argv, gr_mpi *mpi);

#define CMD "sensitivity"
#define MAX_PARAMS 32

/* The default set: the five inputs we judge the most uncertain (docs/calibration.md
 * "Sensitivity" gives the reasons and the ranges). */
static const struct {
    const char *label, *path;
    double low, high;
} default_params[] = {
    {"interceptor stock", "air_defence.zones[*].stock,air_defence.zones[*].stock_max,"
                          "air_defence.zones[*].resupply", 0.5, 1.5},
    {"lethal radius (fragility)", "fragility.lethal_z", 0.75, 1.25},
    {"repair times", "repair.times.*.*_h", 0.5, 1.5},
    {"import limit", "interconnection.ties[*].import_mw", 0.5, 1.5},
    {"building time constant", "weather.tau_h", 0.5, 1.5},
};
#define N_DEFAULT ((int)(sizeof default_params / sizeof default_params[0]))

/* The outputs: keys of gr_campaign_total as summary.json's "totals" names them; the
 * chart shows value x scale in `unit`. */
static const struct {
    const char *key, *label, *unit;
    double scale;
} metrics[] = {
    {"ens_mwh", "Energy not served", "GWh", 1e-3},
    {"customer_hours", "Customer-hours without power", "M person-h", 1e-6},
    {"mean_hours_per_day", "Hours without power per person", "h/day", 1.0},
    {"worst_decile_hours_per_day", "Worst-off 10 %: hours without power", "h/day", 1.0},
    {"people_below_12c_max", "People below 12 \xc2\xb0" "C indoors (peak)", "M people", 1e-6},
    {"people_without_heat_max", "People without heat (peak)", "M people", 1e-6},
};
#define N_METRIC ((int)(sizeof metrics / sizeof metrics[0]))

static double metric_of(const gr_campaign_total *t, int m)
{
    switch (m) {
    case 0: return t->ens_mwh;
    case 1: return t->customer_hours;
    case 2: return t->mean_hours_per_day;
    case 3: return t->worst_decile_hours_per_day;
    case 4: return t->people_below_12c_max;
    default: return t->people_without_heat_max;
    }
}

static void sensitivity_help(FILE *f)
{
    fputs("usage: gridres sensitivity [SCENARIO.json] [options]\n"
          "\n"
          "One-at-a-time sensitivity of the campaign's main outputs (energy not served,\n"
          "customer-hours, hours/day without power on average and for the worst-off 10 %,\n"
          "people below 12 °C indoors, people without heat) to its inputs: each parameter\n"
          "is a JSON path of the scenario (the built-in default without SCENARIO: the JSON\n"
          "that gridres campaign --write-scenario writes); every number under the path is\n"
          "multiplied by a low and a high factor (integers rounded), and the campaign runs\n"
          "for base, low and high with the same seed and runs (common random numbers).\n"
          "docs/calibration.md \"Sensitivity\".\n"
          "\n"
          "options:\n"
          "  --param PATH:LOW:HIGH\n"
          "                      a parameter (repeatable; default: the five inputs of\n"
          "                      docs/calibration.md). PATH: members separated by '.',\n"
          "                      array elements as [N] or [*], member names as shell\n"
          "                      patterns (*_h); several paths joined by ','. LOW, HIGH:\n"
          "                      factors >= 0, e.g. weather.tau_h:0.5:1.5\n"
          "  --nights N          nights (default: the scenario's, 30)\n"
          "  --runs R            Monte Carlo runs per case (default 4); run r draws from\n"
          "                      the random stream (seed, r - 1) in every case\n"
          "  --seed S            master seed, 0 .. 2^63-1 (default 1)\n"
          CLI_HELP_THREADS
          "  --out DIR           output directory (default: a new gridres-sens-DATE-TIME)\n"
          CLI_HELP_FORCE
          "  --quiet             no progress lines and no summary\n"
          CLI_HELP_HELP
          "\n"
          "outputs in DIR: sensitivity.json and sensitivity.csv (metric x parameter: low,\n"
          "base and high means over the runs with their standard errors, and the standard\n"
          "errors of the paired differences), tornado.png and tornado.svg (one panel per\n"
          "output), report.html (the chart and the table).\n"
          CLI_HELP_DEFAULTS
          "examples:\n"
          "  gridres sensitivity examples/example6.campaign.json --runs 2 --nights 2 --param repair.times:0.5:1.5 --out sens-out\n"
          "\n"
          "exit status: 0 success; 2 bad command line, bad scenario, a --param whose path\n"
          "names no number or whose factors are bad (the message names the path), or an\n"
          "existing output; 1 other failure.\n",
          f);
}

/* ------------------------------------------------------------------------
 * Scaling the numbers under a JSON path.
 * ------------------------------------------------------------------------ */
typedef struct scale_ct {
    int numbers;            /* numbers scaled */
    int other;              /* matched leaves that are not numbers */
    const char *bad;        /* a path syntax error, or NULL */
} scale_ct;

static void scale_number(json_t *v, double f, scale_ct *c)
{
    if (json_is_integer(v)) {
        json_integer_set(v, (json_int_t)llround((double)json_integer_value(v) * f));
        c->numbers++;
    } else if (json_is_real(v)) {
        json_real_set(v, json_real_value(v) * f);
        c->numbers++;
    }
}

/* Every number under v. */
static void scale_all(json_t *v, double f, scale_ct *c)
{
    const char *key;
    json_t *x;
    size_t i;
    if (json_is_object(v)) {
        json_object_foreach(v, key, x)
            scale_all(x, f, c);
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x)
            scale_all(x, f, c);
    } else {
        scale_number(v, f, c);
    }
}

/* p: the rest of one path (".name", "[N]", "[*]" segments). */
static void walk(json_t *v, const char *p, double f, scale_ct *c)
{
    if (c->bad)
        return;
    if (!*p) {
        if (json_is_number(v) || json_is_object(v) || json_is_array(v))
            scale_all(v, f, c);
        else
            c->other++;
        return;
    }
    if (*p == '[') {
        const char *e = strchr(p, ']');
        if (!e || e == p + 1) {
            c->bad = "'[' without an index and ']'";
            return;
        }
        if (!json_is_array(v))
            return;
        if (e == p + 2 && p[1] == '*') {
            size_t i;
            json_t *x;
            json_array_foreach(v, i, x)
                walk(x, e + 1, f, c);
            return;
        }
        char num[24];
        int idx;
        size_t n = (size_t)(e - p - 1);
        if (n >= sizeof num) {
            c->bad = "array index too long";
            return;
        }
        memcpy(num, p + 1, n);
        num[n] = '\0';
        if (cli_parse_int(num, 0, 1000000000L, &idx) != 0) {
            c->bad = "array index is not [N] or [*]";
            return;
        }
        json_t *x = json_array_get(v, (size_t)idx);
        if (x)
            walk(x, e + 1, f, c);
        return;
    }
    if (*p != '.') {
        c->bad = "expected '.' or '['";
        return;
    }
    p++;
    size_t n = strcspn(p, ".[");
    if (n == 0 || n >= 256) {
        c->bad = "empty or too long member name";
        return;
    }
    char pat[256];
    memcpy(pat, p, n);
    pat[n] = '\0';
    if (!json_is_object(v))
        return;
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x)
        if (fnmatch(pat, key, 0) == 0)
            walk(x, p + n, f, c);
}

/* Scale the numbers under each of the comma-separated paths of `paths` in root.
 * Returns 0, or CLI_EXIT_USAGE with a message naming the path printed. */
static int scale_paths(json_t *root, const char *paths, double f, int *numbers, int say)
{
    char buf[1024], one[1024];
    snprintf(buf, sizeof buf, "%s", paths);
    *numbers = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        const char *p = tok;
        if (p[0] == '$')
            p++;
        snprintf(one, sizeof one, "%s%s", p[0] == '.' || p[0] == '[' ? "" : ".", p);
        scale_ct c = {0, 0, NULL};
        walk(root, one, f, &c);
        if (c.bad) {
            cli_errorf(CMD, "--param: bad JSON path '$%s': %s", one, c.bad);
            return CLI_EXIT_USAGE;
        }
        if (c.numbers == 0) {
            if (!say)
                return CLI_EXIT_USAGE;
            cli_errorf(CMD, "--param: JSON path '$%s' %s", one,
                       c.other ? "names no number (a string, boolean or null)"
                               : "names nothing in the scenario");
            return CLI_EXIT_USAGE;
        }
        *numbers += c.numbers;
    }
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------
 * Parameters and cases.
 * ------------------------------------------------------------------------ */
typedef struct param {
    char label[1024], path[1024];
    double factor[2];       /* low, high */
    int numbers;            /* numbers under the path */
} param;

/* "PATH:LOW:HIGH" -> p. CLI_EXIT_USAGE with a message naming the path. */
static int parse_param(const char *s, param *p)
{
    const char *c2 = strrchr(s, ':');
    const char *c1 = NULL;
    for (const char *q = s; c2 && q < c2; q++)
        if (*q == ':')
            c1 = q;
    if (!c1 || c1 == s) {
        cli_errorf(CMD, "--param '%s': expected PATH:LOW:HIGH", s);
        return CLI_EXIT_USAGE;
    }
    size_t n = (size_t)(c1 - s);
    char lo[64], hi[64];
    size_t nl = (size_t)(c2 - c1 - 1);
    if (n >= sizeof p->path || nl >= sizeof lo || strlen(c2 + 1) >= sizeof hi) {
        cli_errorf(CMD, "--param '%s': too long", s);
        return CLI_EXIT_USAGE;
    }
    memcpy(p->path, s, n);
    p->path[n] = '\0';
    memcpy(lo, c1 + 1, nl);
    lo[nl] = '\0';
    snprintf(hi, sizeof hi, "%s", c2 + 1);
    if (cli_parse_double(lo, 0.0, 1e6, &p->factor[0]) != 0 ||
        cli_parse_double(hi, 0.0, 1e6, &p->factor[1]) != 0) {
        cli_errorf(CMD, "--param '%s': the factors of path '%s' must be numbers in [0, 1e6], "
                        "got '%s' and '%s'",
                   s, p->path, lo, hi);
        return CLI_EXIT_USAGE;
    }
    snprintf(p->label, sizeof p->label, "%s", p->path);
    return CLI_EXIT_OK;
}

/* Per-run values of every metric of one case: x[m * runs + i]. */
typedef struct case_out {
    double *x;
} case_out;

static int run_case(const gr_campaign_scenario *s, const gr_campaign_options *opt, case_out *o,
                    int runs, const char *what)
{
    gr_campaign_result *r = NULL;
    gr_error err = {0, ""};
    int st = gr_campaign_run(s, opt, &r, &err);
    if (st != GR_OK) {
        cli_errorf(CMD, "%s: %s", what, err.msg[0] ? err.msg : gr_strerror(st));
        return st == GR_EINVAL || st == GR_EPARSE ? CLI_EXIT_USAGE
               : st == GR_EINFEASIBLE ? CLI_EXIT_NOCONV : CLI_EXIT_FAIL;
    }
    o->x = malloc((size_t)N_METRIC * (size_t)runs * sizeof(double));
    if (!o->x) {
        gr_campaign_result_free(r);
        cli_errorf(CMD, "out of memory");
        return CLI_EXIT_FAIL;
    }
    for (int m = 0; m < N_METRIC; m++)
        for (int i = 0; i < runs; i++)
            o->x[(size_t)m * (size_t)runs + (size_t)i] = metric_of(&r->total[i], m);
    gr_campaign_result_free(r);
    return CLI_EXIT_OK;
}

/* Mean as summary.json's totals give it (gr_stats: NaN skipped). */
static double mean_of(const double *x, int n)
{
    double s[1];
    if (gr_stats(x, n, NULL, 0, s) != GR_OK)
        return NAN;
    return s[0];
}

/* Standard error of the mean of x (or of x - y when y is not NULL), NaN skipped;
 * NaN with fewer than two values. */
static double se_of(const double *x, const double *y, int n)
{
    double sum = 0.0, ss = 0.0;
    int k = 0;
    for (int i = 0; i < n; i++) {
        double v = y ? x[i] - y[i] : x[i];
        if (isnan(v))
            continue;
        sum += v;
        k++;
    }
    if (k < 2)
        return NAN;
    double m = sum / k;
    for (int i = 0; i < n; i++) {
        double v = y ? x[i] - y[i] : x[i];
        if (!isnan(v))
            ss += (v - m) * (v - m);
    }
    return sqrt(ss / (k - 1) / k);
}

static json_t *stat_json(const double *x, const double *base, int n)
{
    json_t *o = json_object();
    json_object_set_new(o, "mean", cli_json_num(mean_of(x, n)));
    json_object_set_new(o, "se", cli_json_num(se_of(x, NULL, n)));
    if (base)
        json_object_set_new(o, "se_diff", cli_json_num(se_of(x, base, n)));
    return o;
}

static const char *const out_files[] = {"sensitivity.json", "sensitivity.csv", "tornado.png",
                                        "tornado.svg", "report.html"};
#define N_OUT ((int)(sizeof out_files / sizeof out_files[0]))

/* Take the --param options out of argv (cli_parse keeps one value per option). */
static int take_params(int *argc, char **argv, param *ps, int *np)
{
    int k = 1, rc;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (strcmp(a, "--") == 0) {
            while (i < *argc)
                argv[k++] = argv[i++];
            break;
        }
        if (strcmp(a, "--param") == 0) {
            if (i + 1 >= *argc) {
                cli_errorf(CMD, "option '--param' needs a value (see gridres sensitivity --help)");
                return CLI_EXIT_USAGE;
            }
            v = argv[++i];
        } else if (strncmp(a, "--param=", 8) == 0) {
            v = a + 8;
        }
        if (!v) {
            argv[k++] = argv[i];
            continue;
        }
        if (*np >= MAX_PARAMS) {
            cli_errorf(CMD, "at most %d --param options", MAX_PARAMS);
            return CLI_EXIT_USAGE;
        }
        if ((rc = parse_param(v, &ps[*np])) != CLI_EXIT_OK)
            return rc;
        (*np)++;
    }
    *argc = k;
    argv[k] = NULL;
    return CLI_EXIT_OK;
}

int cmd_sensitivity(int argc, char **argv, gr_mpi *mpi)
{
    (void)mpi;
    static param ps[MAX_PARAMS];
    int np = 0, nights = 0, runs = 4, threads = 0, force = 0, quiet = 0, npos = 0, rc;
    const char *out_dir = NULL, *pos[1] = {NULL}, *param_unused = NULL;
    char dir[4096], path[4096 + 32];
    gr_campaign_options opt;
    gr_error err = {0, ""};
    gr_campaign_scenario *base = NULL;
    json_t *root = NULL, *js = NULL;
    case_out *co = NULL;
    int ncase = 0;

    gr_campaign_options_default(&opt);
    if ((rc = take_params(&argc, argv, ps, &np)) != CLI_EXIT_OK)
        return rc;
    const cli_opt opts[] = {
        CLI_OPT_NIGHTS(nights),
        CLI_OPT_RUNS(runs),
        CLI_OPT_SEED(opt.seed, CLI_SEED_BITS_JSON, NULL),
        CLI_OPT_THREADS(threads),
        CLI_OPT_OUT(out_dir),
        CLI_OPT_FORCE(force),
        CLI_OPT_QUIET(quiet),
        /* (taken out above; listed for "did you mean") */
        {"param", CLI_STRING, &param_unused, 0, 0, 0, NULL},
    };
    if (!cli_parse_args(CMD, argc, argv, opts, CLI_NOPTS(opts), pos, 1, &npos,
                        sensitivity_help, &rc))
        return rc;
    const char *scen_path = npos > 0 ? pos[0] : NULL;
    if (scen_path && cli_is_case_path(scen_path)) {
        cli_errorf(CMD, "'%s' is a case; give a campaign scenario (JSON; gridres campaign "
                        "--write-scenario writes the default one)", scen_path);
        return CLI_EXIT_USAGE;
    }
    int defaults = np == 0;
    if (defaults) {
        for (int k = 0; k < N_DEFAULT; k++) {
            snprintf(ps[k].label, sizeof ps[k].label, "%s", default_params[k].label);
            snprintf(ps[k].path, sizeof ps[k].path, "%s", default_params[k].path);
            ps[k].factor[0] = default_params[k].low;
            ps[k].factor[1] = default_params[k].high;
        }
        np = N_DEFAULT;
    }
    if ((rc = cli_out_dir_prepare(CMD, out_dir, "gridres-sens", out_files, N_OUT, force, dir,
                                  sizeof dir)) != CLI_EXIT_OK)
        return rc;

    /* the base scenario, and its text as JSON */
    int st = gr_campaign_scenario_read(scen_path, &base, &err);
    if (st != GR_OK) {
        cli_errorf(CMD, "%s", err.msg[0] ? err.msg : gr_strerror(st));
        return st == GR_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
    json_error_t je;
    root = json_loads(base->text, 0, &je);
    if (!root) {
        cli_errorf(CMD, "%s: %s", base->source, je.text);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    /* every path checked (and counted) before any run */
    for (int k = 0; k < np; k++) {
        json_t *copy = json_deep_copy(root);
        if (!copy) {
            cli_errorf(CMD, "out of memory");
            rc = CLI_EXIT_FAIL;
            goto done;
        }
        rc = scale_paths(copy, ps[k].path, 1.0, &ps[k].numbers, !defaults);
        json_decref(copy);
        if (rc != CLI_EXIT_OK && defaults) {
            /* a default parameter the scenario does not have (it then runs on the
               reader's built-in default value): left out, said */
            cli_errorf(CMD, "warning: '%s' (%s) is not in %s: left out", ps[k].label,
                       ps[k].path, base->source);
            memmove(&ps[k], &ps[k + 1], (size_t)(np - k - 1) * sizeof *ps);
            np--;
            k--;
            continue;
        }
        if (rc != CLI_EXIT_OK)
            goto done;
    }
    if (np == 0) {
        cli_errorf(CMD, "none of the default parameters is in %s; name some with --param",
                   base->source);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    char base_dir[4096];
    snprintf(base_dir, sizeof base_dir, "%s", scen_path ? scen_path : ".");
    char *slash = strrchr(base_dir, '/');
    if (!scen_path || !slash)
        snprintf(base_dir, sizeof base_dir, ".");
    else if (slash == base_dir)
        base_dir[1] = '\0';
    else
        *slash = '\0';

    opt.nights = nights;
    opt.runs = runs;
    opt.threads = threads;
    opt.keep_hourly = 0;
    opt.keep_events = 0;
    ncase = 1 + 2 * np;
    co = calloc((size_t)ncase, sizeof *co);
    if (!co) {
        cli_errorf(CMD, "out of memory");
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    double t0 = gr_time_s();
    int eff_nights = nights > 0 ? nights : base->nights;
    if (!quiet)
        fprintf(stderr, "gridres sensitivity: %d cases x %d runs x %d nights, seed %llu\n",
                ncase, runs, eff_nights, (unsigned long long)opt.seed);
    if ((rc = run_case(base, &opt, &co[0], runs, "base")) != CLI_EXIT_OK)
        goto done;
    if (!quiet)
        fprintf(stderr, "  [1/%d] base (%.1f s)\n", ncase, gr_time_s() - t0);
    for (int k = 0; k < np; k++)
        for (int e = 0; e < 2; e++) {
            char what[1400];
            snprintf(what, sizeof what, "--param %s x%g", ps[k].path, ps[k].factor[e]);
            json_t *copy = json_deep_copy(root);
            int dummy;
            if (!copy ||
                scale_paths(copy, ps[k].path, ps[k].factor[e], &dummy, 1) != CLI_EXIT_OK) {
                json_decref(copy);
                rc = CLI_EXIT_FAIL;
                goto done;
            }
            char *text = json_dumps(copy, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
            json_decref(copy);
            if (!text) {
                cli_errorf(CMD, "out of memory");
                rc = CLI_EXIT_FAIL;
                goto done;
            }
            gr_campaign_scenario *s = NULL;
            st = gr_campaign_scenario_parse(text, strlen(text), scen_path ? scen_path : "built-in",
                                            base_dir, &s, &err);
            free(text);
            if (st != GR_OK) {
                cli_errorf(CMD, "%s: %s", what, err.msg[0] ? err.msg : gr_strerror(st));
                rc = st == GR_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
                goto done;
            }
            rc = run_case(s, &opt, &co[1 + 2 * k + e], runs, what);
            gr_campaign_scenario_free(s);
            if (rc != CLI_EXIT_OK)
                goto done;
            if (!quiet)
                fprintf(stderr, "  [%d/%d] %s x%g (%.1f s)\n", 2 + 2 * k + e, ncase, ps[k].label,
                        ps[k].factor[e], gr_time_s() - t0);
        }

    /* sensitivity.json */
    rc = CLI_EXIT_FAIL;
    js = json_object();
    json_object_set_new(js, "format", json_string("gridres-sensitivity"));
    json_object_set_new(js, "version", json_integer(1));
    json_object_set_new(js, "scenario", json_string(base->name));
    json_object_set_new(js, "source", json_string(base->source));
    json_object_set_new(js, "runs", json_integer(runs));
    json_object_set_new(js, "nights", json_integer(eff_nights));
    json_object_set_new(js, "seed", json_integer((json_int_t)opt.seed));
    json_t *ma = json_array();
    for (int m = 0; m < N_METRIC; m++) {
        json_t *o = json_object();
        json_object_set_new(o, "key", json_string(metrics[m].key));
        json_object_set_new(o, "label", json_string(metrics[m].label));
        json_object_set_new(o, "unit", json_string(metrics[m].unit));
        json_object_set_new(o, "scale", json_real(metrics[m].scale));
        json_array_append_new(ma, o);
    }
    json_object_set_new(js, "metrics", ma);
    json_t *bo = json_object();
    for (int m = 0; m < N_METRIC; m++)
        json_object_set_new(bo, metrics[m].key,
                            stat_json(co[0].x + (size_t)m * (size_t)runs, NULL, runs));
    json_object_set_new(js, "base", bo);
    json_t *pa = json_array();
    for (int k = 0; k < np; k++) {
        json_t *o = json_object();
        json_object_set_new(o, "label", json_string(ps[k].label));
        json_object_set_new(o, "path", json_string(ps[k].path));
        json_object_set_new(o, "numbers", json_integer(ps[k].numbers));
        json_object_set_new(o, "low_factor", json_real(ps[k].factor[0]));
        json_object_set_new(o, "high_factor", json_real(ps[k].factor[1]));
        for (int e = 0; e < 2; e++) {
            json_t *v = json_object();
            for (int m = 0; m < N_METRIC; m++)
                json_object_set_new(v, metrics[m].key,
                                    stat_json(co[1 + 2 * k + e].x + (size_t)m * (size_t)runs,
                                              co[0].x + (size_t)m * (size_t)runs, runs));
            json_object_set_new(o, e ? "high" : "low", v);
        }
        json_array_append_new(pa, o);
    }
    json_object_set_new(js, "params", pa);
    if (cli_mkdir_p(CMD, dir) != 0 || cli_out_path(CMD, path, sizeof path, dir,
                                                   "sensitivity.json") != 0 ||
        cli_write_json(CMD, path, force, js) != 0)
        goto done;

    /* sensitivity.csv */
    FILE *f = cli_open_out_in(CMD, dir, "sensitivity.csv", force, path, sizeof path);
    if (!f)
        goto done;
    fputs("metric,param,path,low_factor,high_factor,low,base,high,se_low,se_base,se_high,"
          "se_diff_low,se_diff_high\n",
          f);
    for (int m = 0; m < N_METRIC; m++)
        for (int k = 0; k < np; k++) {
            const double *xb = co[0].x + (size_t)m * (size_t)runs;
            const double *xl = co[1 + 2 * k].x + (size_t)m * (size_t)runs;
            const double *xh = co[2 + 2 * k].x + (size_t)m * (size_t)runs;
            fprintf(f, "%s,\"%s\",\"%s\",", metrics[m].key, ps[k].label, ps[k].path);
            cli_csv_num(f, ps[k].factor[0], ',');
            cli_csv_num(f, ps[k].factor[1], ',');
            cli_csv_num(f, mean_of(xl, runs), ',');
            cli_csv_num(f, mean_of(xb, runs), ',');
            cli_csv_num(f, mean_of(xh, runs), ',');
            cli_csv_num(f, se_of(xl, NULL, runs), ',');
            cli_csv_num(f, se_of(xb, NULL, runs), ',');
            cli_csv_num(f, se_of(xh, NULL, runs), ',');
            cli_csv_num(f, se_of(xl, xb, runs), ',');
            cli_csv_num(f, se_of(xh, xb, runs), '\n');
        }
    if (cli_close_out(CMD, f, path) != 0)
        goto done;

    /* the tornado chart and the page */
    st = gr_sensitivity_report_write(dir, force, &err);
    if (st != GR_OK) {
        cli_errorf(CMD, "report: %s", err.msg[0] ? err.msg : gr_strerror(st));
        rc = st == GR_ENOMEM || st == GR_EIO ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
        goto done;
    }
    if (!quiet) {
        printf("gridres sensitivity: %s -> outputs in %s/\n", base->name, dir);
        printf("  %d runs x %d nights, seed %llu; low / base / high (mean over runs)\n", runs,
               eff_nights, (unsigned long long)opt.seed);
        for (int k = 0; k < np; k++) {
            printf("  %s (x%g / x%g):\n", ps[k].label, ps[k].factor[0], ps[k].factor[1]);
            for (int m = 0; m < N_METRIC; m++) {
                double sc = metrics[m].scale;
                printf("    %-38s %10.4g %10.4g %10.4g %s\n", metrics[m].label,
                       mean_of(co[1 + 2 * k].x + (size_t)m * (size_t)runs, runs) * sc,
                       mean_of(co[0].x + (size_t)m * (size_t)runs, runs) * sc,
                       mean_of(co[2 + 2 * k].x + (size_t)m * (size_t)runs, runs) * sc,
                       metrics[m].unit);
            }
        }
        printf("  report      %s/report.html\n", dir);
    }
    rc = CLI_EXIT_OK;
done:
    for (int k = 0; co && k < ncase; k++)
        free(co[k].x);
    free(co);
    json_decref(js);
    json_decref(root);
    gr_campaign_scenario_free(base);
    return rc;
}
