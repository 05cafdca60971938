/* cmd_shed.c — `gridres shed`: emergency load shedding LP after an outage; summary, JSON, shed.csv and flows.csv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cli_util.h"
#include "cmd_shed.h"
#include "gridres.h"

int cmd_shed(int argc, char **argv, gr_mpi *mpi);

static void shed_help(FILE *f)
{
    gr_shed_options d;
    gr_shed_options_default(&d);
    fprintf(f,
            "usage: gridres shed [CASE.m] [options]\n"
            "\n"
            "Emergency load shedding: take the outaged elements out, then solve an LP in\n"
            "DC-OPF form that keeps every branch flow within its rating and serves as much\n"
            "load as it can, critical load first (hospitals, water, heating), then\n"
            "residential, then the rest. Prints the load shed in total and per priority\n"
            "class, and the number of overloaded branches before (DC power flow of the\n"
            "outaged grid, case dispatch) and after shedding (always 0).\n"
            "Without CASE it uses the built-in example grid (examples/example6.m).\n"
            "\n"
            "options:\n"
            "  --outage LIST       elements out of service, comma-separated element names:\n"
            "                      branch:N, line:N, trafo:N, gen:N (1-based rows of the\n"
            "                      case), bus:ID (a bus number: the bus is isolated with\n"
            "                      all its branches, generators and load); with --overlay\n"
            "                      a substation (its buses) or plant (its units) name\n"
            "  --overlay FILE      scenario.json: priority classes from its people and\n"
            "                      critical sites (docs/shedding.md); default %.0f %% critical,\n"
            "                      %.0f %% residential, %.0f %% other at every bus\n"
            "  --rating A|B        branch limits: rateA (default) or rateB (short-term\n"
            "                      emergency, rateA where rateB is 0); a rating of 0 is\n"
            "                      unlimited\n"
            "  --out DIR           write DIR/shed.csv (per bus) and DIR/flows.csv (per\n"
            "                      branch)\n"
            CLI_HELP_JSON
            CLI_HELP_FORCE
            CLI_HELP_HELP
            "\n"
            "Class weights %g/%g/%g per MW served, generation cost %g per MW.\n"
            "Fixed injections (negative load, shunts) that no shedding balances are\n"
            "relaxed: negative load curtailed, then a balance slack per island, both\n"
            "printed (docs/shedding.md).\n"
            CLI_HELP_DEFAULTS
            "examples:\n"
            "  gridres shed --outage branch:4\n"
            "  gridres shed examples/example6.m --outage trafo:4,gen:2 --rating B\n"
            "  gridres shed examples/example6.m --outage \"HYDRO-B (2) plant\" --overlay examples/example6.scenario.json\n"
            "\n"
            "exit status: 0 solved (also relaxed), 3 infeasible even relaxed, 2 bad command\n"
            "line or input file, 1 other failure.\n",
            100 * 0.05, 100 * 0.60, 100 * 0.35, d.weight[0], d.weight[1], d.weight[2],
            d.gen_cost);
}

/* ------------------------------------------------------------------------
 * Input shared with `gridres schedule`.
 * ------------------------------------------------------------------------ */
static void lib_error(const char *cmd, const char *what, int st, const gr_error *err)
{
    cli_errorf(cmd, "error: %s%s", what, err->msg[0] ? err->msg : gr_strerror(st));
}

void shed_input_free(shed_input *in)
{
    gr_load_classes_free(in->lc);
    gr_outage_free(in->outage);
    cli_inputs_free(&in->io);
    memset(in, 0, sizeof *in);
}

int shed_input_load(const char *cmd, const char *case_path, const char *overlay_path,
                    const char *outage_spec, shed_input *in)
{
    gr_error err = {0};
    int st, rc;
    memset(in, 0, sizeof *in);
    const cli_inputs_spec spec = {case_path, overlay_path, -1, 1, 0, "error: ", "error: "};
    if ((rc = cli_load_inputs(cmd, &spec, &in->io)) != CLI_EXIT_OK)
        return rc;
    int nties = gr_shed_tie_zero_x(in->io.g, GR_SHED_TIE_X_PU); /* x = 0: a bus tie */
    if (nties > 0)
        cli_errorf(cmd, "warning: %d branch%s with x = 0 taken as bus tie%s: x = %g pu", nties,
                   nties == 1 ? "" : "es", nties == 1 ? "" : "s", GR_SHED_TIE_X_PU);
    /* element names (docs/cli.md): checked against the grid and the overlay's names */
    if ((st = gr_outage_parse_names(outage_spec, in->io.g, in->io.ov, &in->outage, &err))) {
        lib_error(cmd, "--outage: ", st, &err);
        return st == GR_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
    if (overlay_path)
        st = gr_load_classes_from_overlay(in->io.g, in->io.ov, &in->lc, &err);
    else
        st = gr_load_classes_default(in->io.g->nb, &in->lc);
    if (st != GR_OK) {
        lib_error(cmd, overlay_path ? "--overlay: " : "", st, &err);
        return st == GR_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
    if ((st = gr_outage_apply(in->outage, in->io.g, &err)) != GR_OK) {
        lib_error(cmd, "--outage: ", st, &err);
        return st == GR_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

int shed_cli_rating(const char *cmd, const char *s, char *out)
{
    if (strcmp(s, "A") == 0 || strcmp(s, "a") == 0)
        *out = 'A';
    else if (strcmp(s, "B") == 0 || strcmp(s, "b") == 0)
        *out = 'B';
    else {
        cli_errorf(cmd, "option '--rating' expects A or B, got '%s'", s);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

double shed_cli_limit(const gr_grid *g, int k, char rating)
{
    double r = g->rate_a[k];
    if (rating == 'B' && g->rate_b[k] > 0.0)
        r = g->rate_b[k];
    return r > 0.0 && isfinite(r) ? r : 0.0;
}

int shed_cli_overloads(const gr_grid *g, const double *flow, char rating)
{
    int n = 0;
    for (int k = 0; k < g->nl; k++) {
        double lim = shed_cli_limit(g, k, rating);
        if (lim > 0.0 && fabs(flow[k]) > lim * (1.0 + 1e-6) + 1e-7)
            n++;
    }
    return n;
}

/* ------------------------------------------------------------------------
 * Report.
 * ------------------------------------------------------------------------ */
static const char *const class_names[GR_LOAD_NCLASS] = {"critical", "residential", "other"};

typedef struct shed_summary {
    double load_mw, gen_mw;
    double neg_load_mw;     /* sum of pd < 0 (fixed injections, never shed) */
    int over_before, over_after; /* over_before -1: DC power flow failed */
} shed_summary;

static void outage_text(const gr_outage *o, char *buf, size_t len)
{
    static const char *const kn[3] = {"branch", "gen", "bus"};
    size_t p = 0;
    buf[0] = '\0';
    if (o->n == 0) {
        snprintf(buf, len, "none");
        return;
    }
    for (int i = 0; i < o->n && p + 1 < len; i++) {
        int w = snprintf(buf + p, len - p, "%s%s:%d", i ? "," : "", kn[o->kind[i]], o->id[i]);
        if (w < 0)
            break;
        p += (size_t)w;
    }
    if (p >= len && len > 4)
        memcpy(buf + len - 4, "...", 4);
}

static void print_summary(const shed_input *in, const gr_shed_result *r, const shed_summary *s,
                          char rating)
{
    const gr_grid *g = in->io.g;
    double base = g->base_mva;
    char otext[512];
    outage_text(in->outage, otext, sizeof otext);
    printf("case          %s (%s)\n", in->io.name, in->io.source);
    printf("size          %d buses, %d generators, %d branches\n", g->nb, g->ng, g->nl);
    printf("outage        %s\n", otext);
    printf("classes       %s\n", in->io.ov ? "from the overlay" : "default (5 % critical, 60 % residential, 35 % other)");
    printf("rating        rate%c\n", rating);
    printf("load          %.2f MW", s->load_mw);
    if (s->neg_load_mw < 0.0) /* pf's load is the net sum of pd */
        printf(" (pd > 0; negative load %.2f MW, a fixed injection; net %.2f MW as gridres pf)",
               s->neg_load_mw, s->load_mw + s->neg_load_mw);
    putchar('\n');
    printf("shed          %.2f MW (%.2f %%)\n", r->shed_total_p * base,
           s->load_mw > 0 ? 100.0 * r->shed_total_p * base / s->load_mw : 0.0);
    for (int c = 0; c < GR_LOAD_NCLASS; c++)
        printf("  %-11s %.2f MW\n", class_names[c], r->shed_by_class_p[c] * base);
    printf("dark          %.2f MW (in dark islands and at isolated buses)\n", r->dark_p * base);
    if (r->relaxed)
        printf("relaxed       %.2f MW of negative load curtailed, %.2f MW unbalanced (no shedding "
               "alone balances this grid: docs/shedding.md)\n",
               r->curtailed_p * base, r->unbalanced_p * base);
    printf("generation    %.2f MW\n", s->gen_mw);
    if (s->over_before >= 0)
        printf("overloaded    %d branches before shedding (DC flow of the outaged grid), %d after\n",
               s->over_before, s->over_after);
    else
        printf("overloaded    ? before shedding (DC power flow failed), %d after\n", s->over_after);
    printf("lp            %d rows, %d columns, %d iterations, %.2f ms\n", r->lp_rows, r->lp_cols,
           r->lp_iterations, r->solve_s * 1e3);
}

static json_t *summary_json(const shed_input *in, const gr_shed_result *r, const shed_summary *s,
                            char rating)
{
    const gr_grid *g = in->io.g;
    double base = g->base_mva;
    static const char *const kn[3] = {"branch", "gen", "bus"};
    json_t *o = json_object(), *out = json_array(), *cls = json_object(), *lp = json_object();
    if (!o || !out || !cls || !lp) {
        json_decref(o), json_decref(out), json_decref(cls), json_decref(lp);
        return NULL;
    }
    for (int i = 0; i < in->outage->n; i++) {
        char item[64];
        snprintf(item, sizeof item, "%s:%d", kn[in->outage->kind[i]], in->outage->id[i]);
        json_array_append_new(out, json_string(item));
    }
    for (int c = 0; c < GR_LOAD_NCLASS; c++)
        json_object_set_new(cls, class_names[c], cli_json_num(r->shed_by_class_p[c] * base));
    json_object_set_new(lp, "rows", json_integer(r->lp_rows));
    json_object_set_new(lp, "columns", json_integer(r->lp_cols));
    json_object_set_new(lp, "iterations", json_integer(r->lp_iterations));
    json_object_set_new(lp, "solve_ms", cli_json_num(r->solve_s * 1e3));
    json_object_set_new(o, "case", json_string(in->io.name));
    json_object_set_new(o, "source", json_string(in->io.source));
    json_object_set_new(o, "buses", json_integer(g->nb));
    json_object_set_new(o, "generators", json_integer(g->ng));
    json_object_set_new(o, "branches", json_integer(g->nl));
    json_object_set_new(o, "outage", out);
    json_object_set_new(o, "classes", json_string(in->io.ov ? "overlay" : "default"));
    char rt[2] = {rating, '\0'};
    json_object_set_new(o, "rating", json_string(rt));
    json_object_set_new(o, "load_mw", cli_json_num(s->load_mw));
    json_object_set_new(o, "negative_load_mw", cli_json_num(s->neg_load_mw));
    json_object_set_new(o, "net_load_mw", cli_json_num(s->load_mw + s->neg_load_mw));
    json_object_set_new(o, "curtailed_mw", cli_json_num(r->curtailed_p * base));
    json_object_set_new(o, "unbalanced_mw", cli_json_num(r->unbalanced_p * base));
    json_object_set_new(o, "shed_mw", cli_json_num(r->shed_total_p * base));
    json_object_set_new(o, "shed_by_class_mw", cls);
    json_object_set_new(o, "dark_mw", cli_json_num(r->dark_p * base));
    json_object_set_new(o, "generation_mw", cli_json_num(s->gen_mw));
    json_object_set_new(o, "objective", cli_json_num(r->objective));
    json_object_set_new(o, "overloaded_before",
                        s->over_before >= 0 ? json_integer(s->over_before) : json_null());
    json_object_set_new(o, "overloaded_after", json_integer(s->over_after));
    json_object_set_new(o, "lp", lp);
    return o;
}

static const char *const csv_names[2] = {"shed.csv", "flows.csv"};

static int write_csvs(const char *dir, int force, const shed_input *in, const gr_shed_result *r,
                      char rating)
{
    const gr_grid *g = in->io.g;
    double base = g->base_mva;
    char path[4096];
    FILE *f;
    if (!(f = cli_open_out_in("shed", dir, csv_names[0], force, path, sizeof path)))
        return -1;
    fputs("bus_id,load_mw,shed_mw,shed_critical_mw,shed_residential_mw,shed_other_mw\n", f);
    for (int b = 0; b < g->nb; b++) {
        cli_csv_int(f, g->bus_id[b], ',');
        cli_csv_num(f, g->pd[b] * base, ',');
        cli_csv_num(f, r->shed_p[b] * base, ',');
        for (int c = 0; c < GR_LOAD_NCLASS; c++)
            cli_csv_num(f, r->shed_class_p[b * GR_LOAD_NCLASS + c] * base,
                        c + 1 < GR_LOAD_NCLASS ? ',' : '\n');
    }
    if (cli_close_out("shed", f, path) != 0)
        return -1;
    if (!(f = cli_open_out_in("shed", dir, csv_names[1], force, path, sizeof path)))
        return -1;
    fputs("branch,from,to,flow_mw,limit_mw,loading_pct\n", f);
    for (int k = 0; k < g->nl; k++) {
        double lim = shed_cli_limit(g, k, rating);
        cli_csv_int(f, k + 1, ',');
        cli_csv_int(f, g->bus_id[g->br_f[k]], ',');
        cli_csv_int(f, g->bus_id[g->br_t[k]], ',');
        cli_csv_num(f, r->flow_p[k] * base, ',');
        cli_csv_num(f, lim * base, ',');
        if (lim > 0)
            cli_csv_num(f, 100.0 * fabs(r->flow_p[k]) / lim, '\n');
        else
            fputc('\n', f); /* unlimited: no loading */
    }
    return cli_close_out("shed", f, path);
}

int cmd_shed(int argc, char **argv, gr_mpi *mpi)
{
    (void)mpi;
    const char *overlay = NULL, *outage = NULL, *rating_s = "A", *out_dir = NULL;
    int json = 0, force = 0, npos = 0, rc;
    const char *pos[1];
    const cli_opt opts[] = {
        CLI_OPT_OVERLAY(overlay),
        CLI_OPT_OUTAGE(outage),
        {"rating", CLI_STRING, &rating_s, 0, 0, 0, NULL},
        CLI_OPT_OUT(out_dir),
        CLI_OPT_JSON(json),
        CLI_OPT_FORCE(force),
    };
    if (!cli_parse_args("shed", argc, argv, opts, CLI_NOPTS(opts), pos, 1, &npos, shed_help, &rc))
        return rc;
    char rating;
    if ((rc = shed_cli_rating("shed", rating_s, &rating)) != 0)
        return rc;
    if (out_dir && (rc = cli_check_outputs("shed", out_dir, csv_names, 2, force)) != CLI_EXIT_OK)
        return rc;

    shed_input in;
    gr_shed_result *r = NULL;
    gr_pf_result *pf = NULL;
    gr_error err = {0};
    rc = shed_input_load("shed", npos ? pos[0] : NULL, overlay, outage, &in);
    if (rc != CLI_EXIT_OK)
        goto done;
    const gr_grid *g = in.io.g;

    /* Before: DC power flow of the outaged grid with the case's dispatch. */
    shed_summary s = {0};
    if (gr_pf_dc(g, &pf, &err) == GR_OK)
        s.over_before = shed_cli_overloads(g, pf->pf, rating);
    else
        s.over_before = -1;
    err.msg[0] = '\0';

    gr_shed_options opt;
    gr_shed_options_default(&opt);
    opt.rating = rating;
    int st = gr_shed_solve(g, in.lc, &opt, &r, &err);
    if (st != GR_OK) {
        lib_error("shed", "", st, &err);
        rc = st == GR_EINFEASIBLE ? CLI_EXIT_NOCONV
             : st == GR_EINVAL || st == GR_ESINGULAR ? CLI_EXIT_USAGE
                                                     : CLI_EXIT_FAIL;
        goto done;
    }
    for (int b = 0; b < g->nb; b++)
    {
        s.load_mw += g->pd[b] > 0 ? g->pd[b] * g->base_mva : 0.0;
        s.neg_load_mw += g->pd[b] < 0 ? g->pd[b] * g->base_mva : 0.0;
    }
    for (int k = 0; k < g->ng; k++)
        s.gen_mw += r->pg[k] * g->base_mva;
    s.over_after = shed_cli_overloads(g, r->flow_p, rating);

    if (json) {
        json_t *o = summary_json(&in, r, &s, rating);
        if (!o || cli_json_print(stdout, o) != 0) {
            cli_errorf("shed", "cannot print JSON");
            json_decref(o);
            rc = CLI_EXIT_FAIL;
            goto done;
        }
        json_decref(o);
    } else {
        print_summary(&in, r, &s, rating);
    }
    fflush(stdout);
    if (out_dir && (cli_mkdir_p("shed", out_dir) != 0 || write_csvs(out_dir, force, &in, r, rating) != 0)) {
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    rc = CLI_EXIT_OK;
done:
    gr_pf_result_free(pf);
    gr_shed_result_free(r);
    shed_input_free(&in);
    return rc;
}
