/* cmd_cascade.c — `gridres cascade`: one cascading failure from an outage set, or a Monte Carlo of random N-2 events with the loss CCDF. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cli_sweep.h"
#include "cli_util.h"
#include "gridres.h"

int cmd_cascade(int argc, char **argv, gr_mpi *mpi);

static void cascade_help(FILE *f)
{
    gr_cascade_options d;
    gr_cascade_options_default(&d);
    fprintf(f,
            "usage: gridres cascade CASE.m --outage SPEC [options]\n"
            "       gridres cascade CASE.m --random-n2 N [--seed S] [--out DIR] [options]\n"
            "\n"
            "Quasi-steady-state cascading failure (DCSIMSEP / AC-CFM; docs/cascade.md):\n"
            "islands, generator pick-up, under-frequency load shedding, power flow,\n"
            "under-voltage shedding and voltage collapse (AC), time-overcurrent relays,\n"
            "and optionally the operator's emergency shedding LP before the relays act.\n"
            "\n"
            "one cascade:\n"
            "  --outage SPEC       initiating damage, element names separated by commas, e.g.\n"
            "                      branch:12,trafo:4,gen:3,bus:45 (rows of the case; bus\n"
            "                      number; with --overlay also substation and plant names)\n"
            "  --out DIR           write DIR/events.csv (t_s,element,cause,mw_lost)\n"
            CLI_HELP_JSON
            "Monte Carlo:\n"
            "  --random-n2 N       N events, each two distinct in-service branches out\n"
            "  --seed S            master seed, 0 .. 2^63-1 (default 1; event e draws from\n"
            "                      stream (S, e))\n"
            CLI_HELP_THREADS
            "  --out DIR           write DIR/losses.csv and DIR/ccdf.csv (default: a new\n"
            "                      gridres-out-DATE-TIME)\n");
    cli_sweep_help(f, "events");
    fprintf(f,
            "common:\n"
            "  --dc | --ac         DC (default) or AC power flow\n"
            CLI_HELP_QLIM
            "  --control none|shed operator emergency shedding before relays act (default none)\n"
            "  --overlay FILE      scenario.json: load priority classes for the shedding LP\n"
            "  --rating A|B|C      relay rating: B = rateB, else rateC, else rateA (default B)\n"
            "  --base-overload raise|keep\n"
            "                      branches over their rating in the base case: raise the relay\n"
            "                      rating to the base flow (default) or keep it\n"
            "  --t-max S           stop the simulation at S seconds (default %g)\n"
            "  --model gridres|dcsimsep|accfm\n"
            "                      rule set (default gridres): dcsimsep = DCSIMSEP's rules\n"
            "                      (DC, rateB relays), accfm = AC-CFM's (AC, rateA); they take\n"
            "                      no --ac/--dc/--control/--rating/--t-max\n"
            "  --stop-served F     dcsimsep: stop once load served < F of the base (default\n"
            "                      %g, DCSIMSEP's; 0: run the cascade to its end)\n"
            CLI_HELP_FORCE
            CLI_HELP_HELP
            "\n"
            CLI_HELP_DEFAULTS
            "examples:\n"
            "  gridres cascade examples/example6.m --outage trafo:4,line:6\n"
            "  gridres cascade examples/example6.m --outage \"CITY-E (5)\" --overlay examples/example6.scenario.json --control shed\n"
            "  gridres cascade examples/example6.m --random-n2 20\n"
            "\n"
            "exit status: 0 success, 2 bad command line or input, 1 other failure.\n",
            d.t_max_s, d.stop_served);
}

static void lib_error(const char *what, int st, const gr_error *err)
{
    cli_errorf("cascade", "%s%s", what, err->msg[0] ? err->msg : gr_strerror(st));
}

/* Exit code for a library error about the input (unreadable or bad files: 2). */
static int status_exit(int st) { return st == GR_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE; }

/* "branch:12", "gen:3", "bus:45", "island:45" (1-based rows, bus numbers). */
static void element_name(char *buf, size_t len, const gr_grid *g, int kind, int index)
{
    int id = kind == GR_ELEM_BRANCH || kind == GR_ELEM_GEN ? index + 1 : g->bus_id[index];
    snprintf(buf, len, "%s:%d", gr_elem_kind_name(kind), id);
}

/* ------------------------------------------------------------------------
 * One cascade.
 * ------------------------------------------------------------------------ */
static int write_events(const char *dir, int force, const gr_grid *g, const gr_cascade_result *r)
{
    char path[4096], name[64];
    FILE *f = cli_open_out_in("cascade", dir, "events.csv", force, path, sizeof path);
    if (!f)
        return -1;
    fputs("t_s,element,cause,mw_lost\n", f);
    for (int e = 0; e < r->n_events; e++) {
        const gr_cascade_event *ev = &r->events[e];
        element_name(name, sizeof name, g, ev->kind, ev->index);
        cli_csv_num(f, ev->t_s, ',');
        fprintf(f, "%s,%s,", name, gr_cascade_cause_name(ev->cause));
        cli_csv_num(f, ev->mw_lost, '\n');
    }
    return cli_close_out("cascade", f, path);
}

static const char *stop_text(int reason)
{
    return reason == 0   ? "no overload left"
           : reason == 1 ? "time limit"
           : reason == 2 ? "step limit"
                         : "load served below --stop-served";
}

static void print_summary(FILE *f, const char *name, const gr_grid *g, const char *spec, int ac,
                          int control, int model, const gr_cascade_result *r)
{
    fprintf(f, "case        %s (%d buses, %d generators, %d branches)\n", name, g->nb, g->ng,
            g->nl);
    fprintf(f, "outage      %s\n", spec);
    fprintf(f, "model       %s power flow, control %s\n", ac ? "AC" : "DC",
            control ? "shed" : "none");
    fprintf(f, "rules       %s\n", gr_cascade_model_name(model));
    fprintf(f, "events      %d (%d trips by the cascade), %d power flows, stopped at %.3f s (%s)\n",
            r->n_events, r->n_trips, r->n_steps, r->t_end_s, stop_text(r->stop_reason));
    fprintf(f, "load        %.3f MW before, %.3f MW served after\n", r->load0_mw, r->served_mw);
    fprintf(f, "lost        %.3f MW (%.2f %%)\n", r->lost_mw,
            r->load0_mw > 0 ? 100.0 * r->lost_mw / r->load0_mw : 0.0);
    for (int c = 0; c < GR_LOSS_N; c++)
        fprintf(f, "  %-17s %.3f MW\n", gr_cascade_loss_name(c), r->lost_by_cat_mw[c]);
    fprintf(f, "islands     %d live, %d dark\n", r->n_islands, r->n_dark_islands);
}

static json_t *summary_json(const char *name, const gr_grid *g, const char *spec, int ac,
                            int control, int model, const gr_cascade_result *r)
{
    json_t *o = json_object(), *lost = json_object(), *isl = json_array();
    if (!o || !lost || !isl) {
        json_decref(o);
        json_decref(lost);
        json_decref(isl);
        return NULL;
    }
    int bad = 0;
    bad |= json_object_set_new(o, "case", json_string(name));
    bad |= json_object_set_new(o, "outage", json_string(spec));
    bad |= json_object_set_new(o, "method", json_string(ac ? "ac" : "dc"));
    bad |= json_object_set_new(o, "control", json_string(control ? "shed" : "none"));
    bad |= json_object_set_new(o, "model", json_string(gr_cascade_model_name(model)));
    bad |= json_object_set_new(o, "events", json_integer(r->n_events));
    bad |= json_object_set_new(o, "trips", json_integer(r->n_trips));
    bad |= json_object_set_new(o, "power_flows", json_integer(r->n_steps));
    bad |= json_object_set_new(o, "t_end_s", cli_json_num(r->t_end_s));
    bad |= json_object_set_new(o, "stop", json_string(stop_text(r->stop_reason)));
    bad |= json_object_set_new(o, "load_mw", cli_json_num(r->load0_mw));
    bad |= json_object_set_new(o, "served_mw", cli_json_num(r->served_mw));
    bad |= json_object_set_new(o, "lost_mw", cli_json_num(r->lost_mw));
    bad |= json_object_set_new(o, "lost_fraction",
                               cli_json_num(r->load0_mw > 0 ? r->lost_mw / r->load0_mw : 0.0));
    for (int c = 0; c < GR_LOSS_N; c++)
        bad |= json_object_set_new(lost, gr_cascade_loss_name(c),
                                   cli_json_num(r->lost_by_cat_mw[c]));
    bad |= json_object_set_new(o, "lost_by_cause_mw", lost);
    bad |= json_object_set_new(o, "live_islands", json_integer(r->n_islands));
    bad |= json_object_set_new(o, "dark_islands", json_integer(r->n_dark_islands));
    /* live islands: buses, served load and generation */
    int n_isl = r->n_islands + r->n_dark_islands;
    for (int s = 0; s < n_isl && !bad; s++) {
        if (!r->island_live[s])
            continue;
        int nbus = 0, first = -1;
        double load = 0.0, gen = 0.0;
        for (int b = 0; b < g->nb; b++)
            if (r->bus_island[b] == s) {
                nbus++;
                load += r->pd_mw[b];
                if (first < 0)
                    first = b;
            }
        for (int k = 0; k < g->ng; k++)
            if (r->bus_island[g->gen_bus[k]] == s)
                gen += r->pg_mw[k];
        json_t *it = json_object();
        if (!it) {
            bad = 1;
            break;
        }
        bad |= json_object_set_new(it, "first_bus", json_integer(first >= 0 ? g->bus_id[first] : 0));
        bad |= json_object_set_new(it, "buses", json_integer(nbus));
        bad |= json_object_set_new(it, "served_mw", cli_json_num(load));
        bad |= json_object_set_new(it, "gen_mw", cli_json_num(gen));
        bad |= json_array_append_new(isl, it);
    }
    bad |= json_object_set_new(o, "islands", isl);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Outage spec → damage set (0-based rows, bus indices). */
static int build_damage(const char *spec, const gr_grid *g, const gr_overlay *ov,
                        gr_cascade_damage *d, int **buf)
{
    gr_outage *o = NULL;
    gr_grid *tmp = NULL;
    gr_error err = {0};
    int st = gr_outage_parse_names(spec, g, ov, &o, &err); /* element names: docs/cli.md */
    if (!st && !(st = gr_grid_copy(g, &tmp)))
        st = gr_outage_apply(o, tmp, &err); /* validates rows and bus numbers */
    gr_grid_free(tmp);
    if (st) {
        lib_error("--outage: ", st, &err);
        gr_outage_free(o);
        return status_exit(st == GR_ENOTFOUND ? GR_EPARSE : st);
    }
    *buf = malloc(((size_t)o->n + 1) * sizeof(int));
    if (!*buf) {
        gr_outage_free(o);
        cli_errorf("cascade", "out of memory");
        return CLI_EXIT_FAIL;
    }
    int *p = *buf;
    memset(d, 0, sizeof *d);
    d->branch = p;
    for (int i = 0; i < o->n; i++)
        if (o->kind[i] == GR_OUTAGE_BRANCH)
            p[d->n_branch++] = o->id[i] - 1;
    d->gen = p + d->n_branch;
    for (int i = 0; i < o->n; i++)
        if (o->kind[i] == GR_OUTAGE_GEN)
            p[d->n_branch + d->n_gen++] = o->id[i] - 1;
    d->bus = p + d->n_branch + d->n_gen;
    for (int i = 0; i < o->n; i++)
        if (o->kind[i] == GR_OUTAGE_BUS)
            p[d->n_branch + d->n_gen + d->n_bus++] = gr_grid_bus_index(g, o->id[i]);
    gr_outage_free(o);
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------
 * Monte Carlo.
 * ------------------------------------------------------------------------ */
static int write_mc(const char *dir, int force, const gr_cascade_mc_result *m)
{
    char path[4096];
    FILE *f;
    if (!(f = cli_open_out_in("cascade", dir, "losses.csv", force, path, sizeof path)))
        return -1;
    fputs("event,branch1,branch2,mw_lost,fraction,n_trips\n", f);
    for (int e = 0; e < m->n; e++) {
        cli_csv_int(f, e, ',');
        cli_csv_int(f, m->branch1[e] + 1, ',');
        cli_csv_int(f, m->branch2[e] + 1, ',');
        cli_csv_num(f, m->mw_lost[e], ',');
        cli_csv_num(f, m->fraction[e], ',');
        cli_csv_int(f, m->n_trips[e], '\n');
    }
    if (cli_close_out("cascade", f, path) != 0)
        return -1;
    double *x = NULL, *p = NULL;
    int n = gr_ccdf(m->mw_lost, m->n, &x, &p);
    if (n < 0) {
        cli_errorf("cascade", "out of memory");
        return -1;
    }
    if (!(f = cli_open_out_in("cascade", dir, "ccdf.csv", force, path, sizeof path))) {
        gr_free(x);
        gr_free(p);
        return -1;
    }
    fputs("mw_lost,fraction,p_exceed\n", f);
    for (int i = 0; i < n; i++) {
        cli_csv_num(f, x[i], ',');
        cli_csv_num(f, m->load0_mw > 0 ? x[i] / m->load0_mw : 0.0, ',');
        cli_csv_num(f, p[i], '\n');
    }
    gr_free(x);
    gr_free(p);
    return cli_close_out("cascade", f, path);
}

typedef struct mc_stats {
    int n_ok, n_failed;
    double mean_mw, max_mw, p_over_10pct, p_over_1pct, mean_operator_mw, mean_cascade_mw;
    double mean_trips;
} mc_stats;

static void mc_summarize(const gr_cascade_mc_result *m, mc_stats *s)
{
    memset(s, 0, sizeof *s);
    for (int e = 0; e < m->n; e++) {
        if (m->status[e]) {
            s->n_failed++;
            continue;
        }
        s->n_ok++;
        s->mean_mw += m->mw_lost[e];
        s->max_mw = fmax(s->max_mw, m->mw_lost[e]);
        s->p_over_10pct += m->fraction[e] > 0.10;
        s->p_over_1pct += m->fraction[e] > 0.01;
        s->mean_operator_mw += m->operator_mw[e];
        s->mean_cascade_mw += m->mw_lost[e] - m->operator_mw[e];
        s->mean_trips += m->n_trips[e];
    }
    if (s->n_ok) {
        s->mean_mw /= s->n_ok;
        s->p_over_10pct /= s->n_ok;
        s->p_over_1pct /= s->n_ok;
        s->mean_operator_mw /= s->n_ok;
        s->mean_cascade_mw /= s->n_ok;
        s->mean_trips /= s->n_ok;
    }
}

static int run_mc(const char *name, const gr_grid *g, const gr_cascade_options *opt, int n,
                  uint64_t seed, int threads, const char *out_dir, int force, int json,
                  const cli_sweep *cs)
{
    gr_cascade_mc_result *m = NULL;
    gr_error err = {0};
    int st = gr_cascade_random_n2(g, opt, n, seed, threads, &m, &err);
    if (st) {
        if (cli_sweep_root(cs))
            lib_error("", st, &err);
        return st == GR_ENOMEM || st == GR_EIO ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
    if (!cli_sweep_root(cs)) { /* MPI: rank 0 writes the outputs */
        gr_cascade_mc_result_free(m);
        return CLI_EXIT_OK;
    }
    cli_sweep_report("cascade", cs, "events");
    int rc = CLI_EXIT_OK;
    if (cli_mkdir_p("cascade", out_dir) != 0 || write_mc(out_dir, force, m) != 0)
        rc = CLI_EXIT_FAIL;
    mc_stats s;
    mc_summarize(m, &s);
    if (json) {
        json_t *o = json_object();
        int bad = !o;
        if (o) {
            bad |= json_object_set_new(o, "case", json_string(name));
            bad |= json_object_set_new(o, "method", json_string(opt->ac ? "ac" : "dc"));
            bad |= json_object_set_new(o, "control", json_string(opt->control ? "shed" : "none"));
            bad |= json_object_set_new(o, "model", json_string(gr_cascade_model_name(opt->model)));
            bad |= json_object_set_new(o, "events", json_integer(m->n));
            bad |= json_object_set_new(o, "seed", json_integer((json_int_t)seed));
            bad |= json_object_set_new(o, "failed", json_integer(s.n_failed));
            bad |= json_object_set_new(o, "load_mw", cli_json_num(m->load0_mw));
            bad |= json_object_set_new(o, "mean_lost_mw", cli_json_num(s.mean_mw));
            bad |= json_object_set_new(o, "max_lost_mw", cli_json_num(s.max_mw));
            bad |= json_object_set_new(o, "p_loss_over_1pct", cli_json_num(s.p_over_1pct));
            bad |= json_object_set_new(o, "p_loss_over_10pct", cli_json_num(s.p_over_10pct));
            bad |= json_object_set_new(o, "mean_operator_shed_mw", cli_json_num(s.mean_operator_mw));
            bad |= json_object_set_new(o, "mean_cascade_lost_mw", cli_json_num(s.mean_cascade_mw));
            bad |= json_object_set_new(o, "mean_trips", cli_json_num(s.mean_trips));
            bad |= json_object_set_new(o, "wall_s", cli_json_num(m->wall_s));
            bad |= json_object_set_new(o, "events_per_s",
                                       cli_json_num(m->wall_s > 0 ? m->n / m->wall_s : 0.0));
        }
        if (bad || cli_json_print(stdout, o) != 0)
            rc = CLI_EXIT_FAIL;
        json_decref(o);
    } else {
        printf("output      %s/\n", out_dir);
        printf("case        %s (%d buses, %d branches)\n", name, g->nb, g->nl);
        printf("model       %s power flow, control %s\n", opt->ac ? "AC" : "DC",
               opt->control ? "shed" : "none");
        printf("rules       %s\n", gr_cascade_model_name(opt->model));
        printf("events      %d random N-2 (seed %llu), %d failed\n", m->n,
               (unsigned long long)seed, s.n_failed);
        printf("load        %.3f MW\n", m->load0_mw);
        printf("lost        mean %.3f MW, max %.3f MW\n", s.mean_mw, s.max_mw);
        printf("P(loss>1%%)  %.4f\n", s.p_over_1pct);
        printf("P(loss>10%%) %.4f\n", s.p_over_10pct);
        printf("operator    mean %.3f MW shed; cascade mean %.3f MW lost\n", s.mean_operator_mw,
               s.mean_cascade_mw);
        printf("trips       mean %.3f per event\n", s.mean_trips);
        printf("time        %.3f s (%.1f events/s)\n", m->wall_s,
               m->wall_s > 0 ? m->n / m->wall_s : 0.0);
    }
    gr_cascade_mc_result_free(m);
    return rc;
}

/* ------------------------------------------------------------------------
 * The command.
 * ------------------------------------------------------------------------ */
int cmd_cascade(int argc, char **argv, gr_mpi *mpi)
{
    gr_cascade_options opt;
    gr_cascade_options_default(&opt);
    int ac = 0, dc = 0, json = 0, force = 0, n_mc = 0, threads = 0, mc_seen = 0, seed_seen = 0;
    uint64_t seed = 1; /* the seed default of every command */
    const char *outage = NULL, *control = "none", *overlay = NULL, *out_dir = NULL;
    const char *rating = NULL, *base_policy = NULL, *model = NULL;
    int tmax_seen = 0;
    static char new_dir[4096];
    const char *pos[1];
    int npos = 0;
    cli_sweep cs;
    memset(&cs, 0, sizeof cs);
    const cli_opt opts[] = {
        CLI_SWEEP_OPTS(cs),
        CLI_OPT_OUTAGE(outage),
        CLI_OPT_AC(ac),
        CLI_OPT_QLIM(opt.pf.enforce_q_lims),
        CLI_OPT_DC(dc),
        CLI_OPT_CONTROL(control),
        CLI_OPT_OVERLAY(overlay),
        CLI_OPT_OUT(out_dir),
        CLI_OPT_JSON(json),
        CLI_OPT_FORCE(force),
        {"random-n2", CLI_INT, &n_mc, 0, 1, 100000000, &mc_seen},
        CLI_OPT_SEED(seed, CLI_SEED_BITS_JSON, &seed_seen),
        CLI_OPT_THREADS(threads),
        {"rating", CLI_STRING, &rating, 0, 0, 0, NULL},
        {"base-overload", CLI_STRING, &base_policy, 0, 0, 0, NULL},
        {"t-max", CLI_DOUBLE, &opt.t_max_s, 0, 0, 1e9, &tmax_seen},
        {"model", CLI_STRING, &model, 0, 0, 0, NULL},
        {"stop-served", CLI_DOUBLE, &opt.stop_served, 0, 0, 1, NULL},
    };
    int rc;
    if ((rc = cli_sweep_args("cascade", &cs, mpi, opts, CLI_NOPTS(opts), &argc, &argv)) != CLI_EXIT_OK)
        return rc;
    if (!cli_parse_args("cascade", argc, argv, opts, CLI_NOPTS(opts), pos, 1, &npos, cascade_help, &rc))
        return rc;
    if (npos != 1) {
        cli_errorf("cascade", "expected a case file (see gridres cascade --help)");
        return CLI_EXIT_USAGE;
    }
    if (ac && dc) {
        cli_errorf("cascade", "--ac and --dc exclude each other");
        return CLI_EXIT_USAGE;
    }
    if (model && (opt.model = gr_cascade_model_parse(model)) < 0) {
        cli_errorf("cascade", "--model must be gridres, dcsimsep or accfm, not '%s'", model);
        return CLI_EXIT_USAGE;
    }
    if (opt.model != GR_CASCADE_MODEL_GRIDRES &&
        (ac || dc || rating || tmax_seen || strcmp(control, "none") != 0)) {
        cli_errorf("cascade", "--model %s has its own power flow, relays and time limit: "
                   "--ac, --dc, --control, --rating and --t-max apply to "
                   "--model gridres only", model);
        return CLI_EXIT_USAGE;
    }
    if (opt.model == GR_CASCADE_MODEL_ACCFM)
        ac = 1;
    opt.ac = ac;
    if (opt.pf.enforce_q_lims && !ac) {
        cli_errorf("cascade", "--qlim applies to the AC power flow only (add --ac)");
        return CLI_EXIT_USAGE;
    }
    if ((rc = cli_parse_control("cascade", control, &opt.control)) != 0)
        return rc;
    if (rating) {
        if (strlen(rating) != 1 || !strchr("ABC", rating[0])) {
            cli_errorf("cascade", "--rating must be A, B or C, not '%s'", rating);
            return CLI_EXIT_USAGE;
        }
        opt.rating = rating[0];
    }
    if (base_policy) {
        if (strcmp(base_policy, "raise") == 0)
            opt.base_overload = GR_CASCADE_BASE_RAISE;
        else if (strcmp(base_policy, "keep") == 0)
            opt.base_overload = GR_CASCADE_BASE_KEEP;
        else {
            cli_errorf("cascade", "--base-overload must be raise or keep, not '%s'", base_policy);
            return CLI_EXIT_USAGE;
        }
    }
    if (mc_seen) {
        if (outage) {
            cli_errorf("cascade", "--outage and --random-n2 exclude each other");
            return CLI_EXIT_USAGE;
        }
        if ((rc = cli_sweep_setup("cascade", &cs, mpi, argc, argv, &out_dir, &opt.sweep)) != CLI_EXIT_OK)
            return rc;
        if (!out_dir) { /* the rule of every command: a new gridres-out-DATE-TIME folder */
            static const char *const mc_files[] = {"losses.csv", "ccdf.csv"};
            if ((rc = cli_out_dir_prepare("cascade", NULL, "gridres-out", mc_files, 2, force,
                                          new_dir, sizeof new_dir)) != CLI_EXIT_OK)
                return rc;
            out_dir = new_dir;
        }
    } else {
        if (!outage) {
            cli_errorf("cascade", "give --outage SPEC or --random-n2 N (see gridres cascade --help)");
            return CLI_EXIT_USAGE;
        }
        if (seed_seen || threads) {
            cli_errorf("cascade", "--seed and --threads go with --random-n2");
            return CLI_EXIT_USAGE;
        }
        if (cs.resume || cs.every_seen || cs.every_s_seen) {
            cli_errorf("cascade", "--checkpoint-every, --checkpoint-s and --resume go with --random-n2");
            return CLI_EXIT_USAGE;
        }
    }
    /* Refuse before simulating if an output file exists. */
    if (out_dir) {
        static const char *const single[] = {"events.csv"}, *const mc[] = {"losses.csv", "ccdf.csv"};
        if ((rc = cli_check_outputs("cascade", out_dir, mc_seen ? mc : single, mc_seen ? 2 : 1,
                                    force)) != CLI_EXIT_OK)
            return rc;
    }

    cli_inputs in;
    const cli_inputs_spec spec = {pos[0], overlay, -1, 0, 0, "", ""};
    gr_load_classes *classes = NULL;
    gr_cascade_result *r = NULL;
    gr_error err = {0};
    double *ramp = NULL;
    int *dmg_buf = NULL;
    int st;
    if ((rc = cli_load_inputs("cascade", &spec, &in)) != CLI_EXIT_OK)
        goto done;
    const gr_case *c = in.c;
    const gr_grid *g = in.g;
    const char *name = in.name;
    if (overlay) {
        if ((st = gr_load_classes_from_overlay(g, in.ov, &classes, &err))) {
            lib_error("", st, &err);
            rc = status_exit(st);
            goto done;
        }
        opt.classes = classes;
    }
    /* Ramp limits from the case's RAMP_10 column where it has one. */
    ramp = calloc((size_t)g->ng + 1, sizeof(double));
    if (!ramp) {
        cli_errorf("cascade", "out of memory");
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    for (int k = 0; k < g->ng; k++)
        ramp[k] = c->gen.ramp_10 ? c->gen.ramp_10[k] : 0.0;
    opt.ramp_mw = ramp;

    if (mc_seen) {
        if ((rc = cli_sweep_begin("cascade", &cs, out_dir, n_mc, force)) != CLI_EXIT_OK)
            goto done;
        rc = run_mc(name, g, &opt, n_mc, seed, threads, out_dir, force, json, &cs);
        goto done;
    }
    gr_cascade_damage d;
    if ((rc = build_damage(outage, g, in.ov, &d, &dmg_buf)) != CLI_EXIT_OK)
        goto done;
    if ((st = gr_cascade_run(g, &d, &opt, &r, &err))) {
        lib_error("", st, &err);
        rc = st == GR_ENOMEM ? CLI_EXIT_FAIL : st == GR_EINFEASIBLE ? CLI_EXIT_NOCONV : CLI_EXIT_USAGE;
        goto done;
    }
    if (out_dir && (cli_mkdir_p("cascade", out_dir) != 0 || write_events(out_dir, force, g, r) != 0)) {
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    if (json) {
        json_t *o = summary_json(name, g, outage, ac, opt.control, opt.model, r);
        if (!o || cli_json_print(stdout, o) != 0)
            rc = CLI_EXIT_FAIL;
        json_decref(o);
    } else {
        print_summary(stdout, name, g, outage, ac, opt.control, opt.model, r);
        if (!out_dir) {
            char el[64];
            printf("\nt_s,element,cause,mw_lost\n");
            for (int e = 0; e < r->n_events; e++) {
                element_name(el, sizeof el, g, r->events[e].kind, r->events[e].index);
                printf("%.6g,%s,%s,%.6g\n", r->events[e].t_s, el,
                       gr_cascade_cause_name(r->events[e].cause), r->events[e].mw_lost);
            }
        }
    }
done:
    free(ramp);
    free(dmg_buf);
    gr_cascade_result_free(r);
    gr_load_classes_free(classes);
    cli_inputs_free(&in);
    return rc;
}
