/* cmd_restore.c — `gridres restore`: plan repairs of a damage set with crews and spares; schedule, served-load curve, ENS. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cli_util.h"
#include "gridres.h"

int cmd_restore(int argc, char **argv, gr_mpi *mpi);

static void restore_help(FILE *f)
{
    gr_restore_options d;
    gr_restore_options_default(&d);
    fprintf(f,
            "usage: gridres restore CASE.m (--damage damage.json | --damage-random N) [options]\n"
            "\n"
            "Plan the repair of damaged branches, transformers, generators and buses by\n"
            "repair crews, minimising the priority-weighted energy not served; the load\n"
            "served after each repair comes from the emergency shedding LP. Prints a\n"
            "summary and the schedule; damage.json is described in docs/restore.md.\n"
            "\n"
            "options:\n"
            "  --damage FILE       damaged elements, repair hours, spares (this or\n"
            "                      --damage-random is required)\n"
            "  --damage-random N   instead of a file: N distinct in-service branches drawn\n"
            "                      with --seed S, each at its class's default repair hours\n"
            "                      (line or transformer), no spares\n"
            "  --overlay FILE      scenario.json: bus sites (km), crew bases, population,\n"
            "                      critical load; without it one is built on the fly\n"
            "                      (docs/own_grid.md) and written to DIR/scenario.json\n"
            "                      with --out\n"
            "  --crews K           repair crews (default %d)\n"
            "  --method M          greedy, rad (default) or mip (exact, small instances:\n"
            "                      at most %d elements)\n"
            "  --horizon-h H       report ENS over the first H hours (default 0: until\n"
            "                      every element is repaired)\n"
            "  --seed S            seed of the RAD heuristic and of --damage-random,\n"
            "                      0 .. 2^64-1 (default %llu)\n"
            "  --speed-kmh V       crew travel speed (default %g km/h; roads are %g x the\n"
            "                      straight distance)\n"
            "  --work-h H          crew working hours a day, travel included (default %g;\n"
            "                      24 = around the clock); shifts start at %02.0f:00\n"
            "  --start-h T         plan start on the absolute clock (default 0 = %02.0f:00)\n"
            "  --rad-iters N       RAD windows at most (default: 2 x elements, >= 40)\n"
            "  --rad-window W      elements per RAD window, 2..8 (default %d)\n"
            "  --time-limit S      wall-clock limit of --method mip (default %g s): RAD's\n"
            "                      start plan, the served-load states and CBC stop by it;\n"
            "                      at the limit the best plan found is printed with its\n"
            "                      gap, without an integer solution the heuristic plan is\n"
            "                      kept (fallback). --mip-time-s is the old name\n"
            "  --out DIR           write DIR/schedule.csv and DIR/served.csv\n"
            CLI_HELP_JSON
            "                      (the summary, the schedule and the served-load curve)\n"
            CLI_HELP_FORCE
            CLI_HELP_HELP
            "\n"
            "your own grid: any CASE.m with a damage.json naming its elements (docs/restore.md);\n"
            "\"element\": \"trafo:4\" uses the element names of docs/cli.md.\n"
            CLI_HELP_DEFAULTS
            "examples:\n"
            "  gridres restore examples/example6.m --damage examples/example6.damage.json\n"
            "  gridres restore examples/example6.m --damage examples/example6.damage.json --overlay examples/example6.scenario.json --crews 2 --method mip\n"
            "\n"
            "Times are hours from the plan start. exit status: 0 success, 2 bad command\n"
            "line or input file (message names the file and JSON path), 1 other failure.\n",
            d.crews, d.mip_max_elems, (unsigned long long)d.seed, d.speed_kmh, d.road_factor,
            d.work_h_per_day, d.shift_start_h, d.clock_h, d.rad_window, d.mip_time_s);
}

static int input_exit(int st) { return st == GR_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE; }

/* "branch:12" (1-based row), "gen:3", "bus:45" (external number). */
static void elem_name(const gr_grid *g, const gr_damage_elem *e, char *buf, size_t len)
{
    if (e->kind == GR_ELEM_BUS)
        snprintf(buf, len, "bus:%d", g->bus_id[e->index]);
    else
        snprintf(buf, len, "%s:%d", e->kind == GR_ELEM_GEN ? "gen" : "branch", e->index + 1);
}

static const char *const out_names[2] = {"schedule.csv", "served.csv"};

static void csv_str(FILE *f, const char *s, char sep)
{
    int quote = strpbrk(s, ",\"\n") != NULL;
    if (quote) {
        fputc('"', f);
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                fputc('"', f);
            fputc(*p, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(sep, f);
}

static int write_csvs(const char *dir, int force, const gr_grid *g, const gr_damage *d,
                      const gr_restore_result *r)
{
    char path[4096], name[64];
    FILE *f;
    double t0 = r->start_h;
    if (!(f = cli_open_out_in("restore", dir, out_names[0], force, path, sizeof path)))
        return -1;
    fputs("crew,element,depart_h,arrive_h,start_h,end_h,spare_used\n", f);
    for (int k = 0; k < r->n; k++) {
        const gr_restore_task *t = &r->task[k];
        const gr_damage_elem *e = &d->elem[t->elem];
        cli_csv_int(f, t->crew + 1, ',');
        elem_name(g, e, name, sizeof name);
        csv_str(f, name, ',');
        cli_csv_num(f, t->depart_h - t0, ',');
        cli_csv_num(f, t->arrive_h - t0, ',');
        cli_csv_num(f, t->start_h - t0, ',');
        cli_csv_num(f, t->end_h - t0, ',');
        if (t->spare_used > 0) {
            char sp[256];
            if (t->spare_used > 1)
                snprintf(sp, sizeof sp, "%s*%d", d->spare[e->spare].name, t->spare_used);
            else
                snprintf(sp, sizeof sp, "%s", d->spare[e->spare].name);
            csv_str(f, sp, '\n');
        } else {
            fputc('\n', f);
        }
    }
    if (cli_close_out("restore", f, path) != 0)
        return -1;
    if (!(f = cli_open_out_in("restore", dir, out_names[1], force, path, sizeof path)))
        return -1;
    fputs("t_h,served_mw,served_critical_mw,people_without_power\n", f);
    for (int k = 0; k < r->n_steps; k++) {
        const gr_restore_step *s = &r->step[k];
        cli_csv_num(f, s->t_h - t0, ',');
        cli_csv_num(f, s->served_mw, ',');
        cli_csv_num(f, s->served_critical_mw, ',');
        cli_csv_num(f, s->people_out, '\n');
    }
    return cli_close_out("restore", f, path);
}

static json_t *result_json(const char *case_name, const gr_grid *g, const gr_damage *d,
                           const gr_restore_options *o, const gr_restore_result *r)
{
    json_t *root = json_object(), *tasks = json_array(), *curve = json_array();
    char name[64];
    int bad = !root || !tasks || !curve;
    double t0 = r->start_h;
    if (bad) {
        json_decref(root);
        json_decref(tasks);
        json_decref(curve);
        return NULL;
    }
    bad |= json_object_set_new(root, "case", json_string(case_name));
    bad |= json_object_set_new(root, "method", json_string(gr_restore_method_name(r->method)));
    bad |= json_object_set_new(root, "elements", json_integer(r->n));
    bad |= json_object_set_new(root, "crews", json_integer(o->crews));
    bad |= json_object_set_new(root, "demand_mw", cli_json_num(r->demand_mw));
    bad |= json_object_set_new(root, "served_start_mw",
                               cli_json_num(r->n_steps ? r->step[0].served_mw : NAN));
    bad |= json_object_set_new(root, "restored_h", cli_json_num(r->end_h - t0));
    bad |= json_object_set_new(root, "window_h", cli_json_num(r->window_end_h - t0));
    bad |= json_object_set_new(root, "ens_mwh", cli_json_num(r->ens_mwh));
    bad |= json_object_set_new(root, "ens_weighted", cli_json_num(r->ens_weighted));
    bad |= json_object_set_new(root, "people_hours", cli_json_num(r->people_out_h));
    bad |= json_object_set_new(root, "objective", cli_json_num(r->objective));
    if (r->mip_status >= 0) {
        bad |= json_object_set_new(root, "mip_optimal", json_boolean(r->mip_optimal));
        bad |= json_object_set_new(root, "mip_status",
                                   json_string(gr_restore_mip_status_name(r->mip_status)));
        bad |= json_object_set_new(root, "mip_objective", cli_json_num(r->mip_objective));
        bad |= json_object_set_new(root, "mip_bound", cli_json_num(r->mip_bound));
        bad |= json_object_set_new(root, "mip_gap_pct", cli_json_num(r->mip_gap_pct));
        bad |= json_object_set_new(root, "time_limit_s", cli_json_num(o->mip_time_s));
        bad |= json_object_set_new(root, "fallback",
                                   json_boolean(r->mip_status == GR_RESTORE_MIP_FALLBACK ||
                                                r->mip_status == GR_RESTORE_MIP_FAILED));
    }
    bad |= json_object_set_new(root, "lp_solves", json_integer(r->lp_solves));
    bad |= json_object_set_new(root, "cache_hits", json_integer(r->cache_hits));
    bad |= json_object_set_new(root, "lp_s", cli_json_num(r->lp_s));
    bad |= json_object_set_new(root, "wall_s", cli_json_num(r->wall_s));
    for (int k = 0; k < r->n && !bad; k++) {
        const gr_restore_task *t = &r->task[k];
        const gr_damage_elem *e = &d->elem[t->elem];
        json_t *o2 = json_object();
        if (!o2) {
            bad = 1;
            break;
        }
        elem_name(g, e, name, sizeof name);
        bad |= json_object_set_new(o2, "crew", json_integer(t->crew + 1));
        bad |= json_object_set_new(o2, "element", json_string(name));
        bad |= json_object_set_new(o2, "index", json_integer(t->elem));
        bad |= json_object_set_new(o2, "class", json_string(gr_damage_class_name(e->cls)));
        if (e->label)
            bad |= json_object_set_new(o2, "label", json_string(e->label));
        bad |= json_object_set_new(o2, "depart_h", cli_json_num(t->depart_h - t0));
        bad |= json_object_set_new(o2, "arrive_h", cli_json_num(t->arrive_h - t0));
        bad |= json_object_set_new(o2, "start_h", cli_json_num(t->start_h - t0));
        bad |= json_object_set_new(o2, "end_h", cli_json_num(t->end_h - t0));
        bad |= json_object_set_new(o2, "spare", t->spare_used ? json_string(d->spare[e->spare].name)
                                                              : json_null());
        bad |= json_object_set_new(o2, "spare_used", json_integer(t->spare_used));
        bad |= json_array_append_new(tasks, o2);
    }
    for (int k = 0; k < r->n_steps && !bad; k++) {
        const gr_restore_step *s = &r->step[k];
        json_t *o2 = json_object();
        if (!o2) {
            bad = 1;
            break;
        }
        bad |= json_object_set_new(o2, "t_h", cli_json_num(s->t_h - t0));
        bad |= json_object_set_new(o2, "repaired", json_integer(s->repaired));
        bad |= json_object_set_new(o2, "served_mw", cli_json_num(s->served_mw));
        bad |= json_object_set_new(o2, "served_critical_mw", cli_json_num(s->served_critical_mw));
        bad |= json_object_set_new(o2, "people_without_power", cli_json_num(s->people_out));
        bad |= json_array_append_new(curve, o2);
    }
    bad |= json_object_set_new(root, "schedule", tasks);
    bad |= json_object_set_new(root, "served", curve);
    if (bad) {
        json_decref(root);
        return NULL;
    }
    return root;
}

static void print_summary(FILE *f, const char *case_name, const gr_grid *g, const gr_damage *d,
                          const gr_restore_options *o, const gr_restore_result *r)
{
    char name[64];
    double t0 = r->start_h;
    fprintf(f, "case       %s (%d buses, %d generators, %d branches)\n", case_name, g->nb, g->ng,
            g->nl);
    fprintf(f, "damage     %d elements, %d spare classes\n", d->n, d->nspare);
    fprintf(f, "method     %s, %d crew%s\n", gr_restore_method_name(r->method), o->crews,
            o->crews == 1 ? "" : "s");
    fprintf(f, "load       %.3f MW demand, %.3f MW served after the damage\n", r->demand_mw,
            r->n_steps ? r->step[0].served_mw : 0.0);
    fprintf(f, "restored   all repairs done at %.2f h\n", r->end_h - t0);
    fprintf(f, "ens        %.3f MWh (weighted %.6g) over %.2f h\n", r->ens_mwh, r->ens_weighted,
            r->window_end_h - t0);
    fprintf(f, "people     %.6g person-hours without power\n", r->people_out_h);
    if (r->mip_status == GR_RESTORE_MIP_OPTIMAL || r->mip_status == GR_RESTORE_MIP_TIME_LIMIT)
        fprintf(f, "mip        %s, objective %.6g, bound %.6g, gap %.3g %%%s\n",
                r->mip_status == GR_RESTORE_MIP_OPTIMAL ? "optimal" : "time limit",
                r->mip_objective, r->mip_bound, r->mip_gap_pct,
                r->mip_status == GR_RESTORE_MIP_OPTIMAL ? "" : " (best plan within --time-limit)");
    else if (r->mip_status >= 0)
        fprintf(f, "mip        %s: %s within %g s; the heuristic plan (greedy improved by "
                   "RAD) is kept%s\n",
                gr_restore_mip_status_name(r->mip_status),
                r->mip_status == GR_RESTORE_MIP_FALLBACK ? "no integer solution"
                                                         : "CBC gave up (numerical trouble)",
                o->mip_time_s, isnan(r->mip_gap_pct) ? ", no bound" : "");
    fprintf(f, "effort     %d LP solves, %d cache hits, %.3f s LP, %.3f s total\n", r->lp_solves,
            r->cache_hits, r->lp_s, r->wall_s);
    fprintf(f, "\n%5s  %-14s %-12s %9s %9s %9s %9s  %s\n", "crew", "element", "class", "depart_h",
            "arrive_h", "start_h", "end_h", "spare");
    for (int k = 0; k < r->n; k++) {
        const gr_restore_task *t = &r->task[k];
        const gr_damage_elem *e = &d->elem[t->elem];
        elem_name(g, e, name, sizeof name);
        fprintf(f, "%5d  %-14s %-12s %9.2f %9.2f %9.2f %9.2f  %s\n", t->crew + 1, name,
                gr_damage_class_name(e->cls), t->depart_h - t0, t->arrive_h - t0,
                t->start_h - t0, t->end_h - t0, t->spare_used ? d->spare[e->spare].name : "-");
    }
}

/* --damage-random N: N distinct in-service branches drawn uniformly with
 * gr_rng_stream(seed, 0) (a partial Fisher-Yates shuffle), each of its
 * class (line or transformer, gr_damage_classify) with the class's default
 * repair hours, no spares, sites from the overlay. */
static int random_damage(const gr_grid *g, int n, uint64_t seed, gr_damage **out,
                         gr_error *err)
{
    int *on = malloc(((size_t)g->nl + 1) * sizeof(int));
    if (!on)
        return gr_error_set(err, GR_ENOMEM, "out of memory");
    int m = 0;
    for (int k = 0; k < g->nl; k++)
        if (g->br_on[k])
            on[m++] = k;
    if (n > m) {
        free(on);
        return gr_error_set(err, GR_EINVAL,
                            "--damage-random %d: the grid has only %d branches in service", n, m);
    }
    gr_rng rng;
    gr_rng_stream(&rng, seed, 0);
    for (int i = 0; i < n; i++) {
        int j = i + (int)(gr_rng_uniform(&rng) * (double)(m - i));
        if (j >= m)
            j = m - 1;
        int t = on[i];
        on[i] = on[j];
        on[j] = t;
    }
    int st = gr_damage_alloc(n, 0, out);
    if (st) {
        free(on);
        return gr_error_set(err, st, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        gr_damage_elem *e = &(*out)->elem[i];
        e->kind = GR_ELEM_BRANCH;
        e->index = on[i];
        e->cls = gr_damage_classify(g, GR_ELEM_BRANCH, on[i]);
    }
    free(on);
    return gr_damage_check(*out, g, err);
}

int cmd_restore(int argc, char **argv, gr_mpi *mpi)
{
    (void)mpi;
    gr_restore_options opt;
    gr_restore_options_default(&opt);
    const char *damage_path = NULL, *overlay_path = NULL, *method = NULL, *out_dir = NULL;
    int json = 0, force = 0, n_random = 0;
    const char *pos[1];
    int npos = 0, rc;
    cli_inputs in;
    gr_damage *d = NULL;
    gr_restore_result *r = NULL;
    gr_error err = {0};
    const cli_opt opts[] = {
        {"damage", CLI_STRING, &damage_path, 0, 0, 0, NULL},
        {"damage-random", CLI_INT, &n_random, 0, 1, 1000000, NULL},
        CLI_OPT_OVERLAY(overlay_path),
        {"crews", CLI_INT, &opt.crews, 0, 1, 10000, NULL},
        {"method", CLI_STRING, &method, 0, 0, 0, NULL},
        {"horizon-h", CLI_DOUBLE, &opt.horizon_h, 0, 0, 1e7, NULL},
        CLI_OPT_SEED(opt.seed, CLI_SEED_BITS_ANY, NULL),
        {"speed-kmh", CLI_DOUBLE, &opt.speed_kmh, 0, 1e-3, 1e4, NULL},
        {"work-h", CLI_DOUBLE, &opt.work_h_per_day, 0, 0.25, 24, NULL},
        {"start-h", CLI_DOUBLE, &opt.start_h, 0, 0, 1e7, NULL},
        {"rad-iters", CLI_INT, &opt.rad_iters, 0, 0, 100000000, NULL},
        {"rad-window", CLI_INT, &opt.rad_window, 0, 2, 8, NULL},
        {"time-limit", CLI_DOUBLE, &opt.mip_time_s, 0, 0.01, 1e6, NULL},
        {"mip-time-s", CLI_DOUBLE, &opt.mip_time_s, 0, 0.01, 1e6, NULL},
        CLI_OPT_OUT(out_dir),
        CLI_OPT_JSON(json),
        CLI_OPT_FORCE(force),
    };
    if (!cli_parse_args("restore", argc, argv, opts, CLI_NOPTS(opts), pos, 1, &npos, restore_help, &rc))
        return rc;
    if (npos != 1) {
        cli_errorf("restore", "expected one CASE.m (see gridres restore --help)");
        return CLI_EXIT_USAGE;
    }
    if (!damage_path == !n_random) {
        cli_errorf("restore", damage_path ? "--damage and --damage-random exclude each other"
                                          : "--damage damage.json (or --damage-random N) is "
                                            "required (see gridres restore --help)");
        return CLI_EXIT_USAGE;
    }
    if (method) {
        if (strcmp(method, "greedy") == 0)
            opt.method = GR_RESTORE_GREEDY;
        else if (strcmp(method, "rad") == 0)
            opt.method = GR_RESTORE_RAD;
        else if (strcmp(method, "mip") == 0)
            opt.method = GR_RESTORE_MIP;
        else {
            cli_errorf("restore", "--method expects greedy, rad or mip, not '%s'", method);
            return CLI_EXIT_USAGE;
        }
    }
    if (out_dir &&
        (rc = cli_check_outputs("restore", out_dir, out_names, 2, force)) != CLI_EXIT_OK)
        return rc;

    const cli_inputs_spec spec = {pos[0], overlay_path, -1, 1, 0, "", ""};
    if ((rc = cli_load_inputs("restore", &spec, &in)) != CLI_EXIT_OK)
        goto done;
    const gr_grid *g = in.g;
    int st = GR_OK;
    char ov_out[4096] = "";
    if (!overlay_path) { /* an overlay built on the fly, as gridres campaign CASE does */
        if (out_dir && (cli_out_path("restore", ov_out, sizeof ov_out, out_dir,
                                     "scenario.json") != 0 ||
                        cli_check_new("restore", ov_out, force) != 0)) {
            rc = CLI_EXIT_USAGE;
            goto done;
        }
        gr_overlay_build_options bo;
        gr_overlay_build_options_default(&bo);
        bo.case_file = pos[0];
        if ((st = gr_overlay_build(in.c, in.g, &bo, &in.ov, &err)) != GR_OK) {
            cli_errorf("restore", "building an overlay for %s: %s", pos[0],
                       err.msg[0] ? err.msg : gr_strerror(st));
            rc = input_exit(st);
            goto done;
        }
        if (out_dir && (cli_mkdir_p("restore", out_dir) != 0 ||
                        (st = gr_overlay_write(in.ov, ov_out, &err)) != GR_OK)) {
            if (st)
                cli_errorf("restore", "%s", err.msg[0] ? err.msg : gr_strerror(st));
            rc = CLI_EXIT_FAIL;
            goto done;
        }
        cli_errorf("restore", "no overlay for %s: built one (%d substations, %.0f people)%s%s",
                   pos[0], in.ov->nsub, in.ov->population,
                   out_dir ? "; written to " : "; not written (no --out)", ov_out);
    }
    /* x = 0: a bus tie in the DC models, after the overlay (built from the case's x) */
    int nties = gr_shed_tie_zero_x(in.g, GR_SHED_TIE_X_PU);
    if (nties > 0)
        cli_errorf("restore", "warning: %d branch%s with x = 0 taken as bus tie%s: x = %g pu",
                   nties, nties == 1 ? "" : "es", nties == 1 ? "" : "s", GR_SHED_TIE_X_PU);
    int ninf = gr_shed_cap_infinite_pmax(in.g, NULL, NULL); /* PMAX = Inf: finite, as in the campaign */
    if (ninf > 0)
        cli_errorf("restore", "warning: %d generator%s with PMAX = Inf given PMAX = the case's "
                   "total load plus |PG|", ninf, ninf == 1 ? "" : "s");
    st = damage_path ? gr_damage_read(damage_path, g, &d, &err)
                     : random_damage(g, n_random, opt.seed, &d, &err);
    if (st != GR_OK) {
        cli_errorf("restore", "%s", err.msg[0] ? err.msg : gr_strerror(st));
        rc = input_exit(st);
        goto done;
    }
    const char *case_name = in.name;
    st = gr_restore_plan(g, in.ov, d, &opt, &r, &err);
    if (st != GR_OK) {
        const char *msg = err.msg[0] ? err.msg : gr_strerror(st);
        if (strncmp(msg, "restore: ", 9) == 0)
            msg += 9;
        cli_errorf("restore", "%s", msg);
        rc = st == GR_EINVAL || st == GR_EPARSE ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
        goto done;
    }
    if (json) {
        json_t *o = result_json(case_name, g, d, &opt, r);
        if (!o || cli_json_print(stdout, o) != 0) {
            cli_errorf("restore", "cannot print JSON");
            json_decref(o);
            rc = CLI_EXIT_FAIL;
            goto done;
        }
        json_decref(o);
    } else {
        print_summary(stdout, case_name, g, d, &opt, r);
    }
    fflush(stdout);
    if (out_dir && (cli_mkdir_p("restore", out_dir) != 0 || write_csvs(out_dir, force, g, d, r) != 0)) {
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    rc = CLI_EXIT_OK;
done:
    gr_restore_result_free(r);
    gr_damage_free(d);
    cli_inputs_free(&in);
    return rc;
}
