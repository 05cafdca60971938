/* cmd_schedule.c — `gridres schedule`: rotating outage schedule (queues x time blocks), terminal table and CSV. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cli_util.h"
#include "cmd_shed.h"
#include "gridres.h"

int cmd_schedule(int argc, char **argv, gr_mpi *mpi);

static void schedule_help(FILE *f)
{
    gr_schedule_options d;
    gr_schedule_options_default(&d);
    fprintf(f,
            "usage: gridres schedule [CASE.m] (--deficit-mw X | --outage LIST) [options]\n"
            "\n"
            "Rotating outage schedule for a deficit that lasts hours: the residential and\n"
            "other load of every bus is split into equal queues (each queue is the same\n"
            "fraction of every bus: balanced by MW), and each time block a rotating window\n"
            "of queues is dark, just enough to cover the deficit, so that every queue is\n"
            "dark equally long (to within one block). Critical load (hospitals, water,\n"
            "heating) is never scheduled. With --outage the deficit is what the emergency\n"
            "shedding LP must shed after the outage, and each block's dark set is checked\n"
            "with the LP: flows within limits and no further shedding needed.\n"
            "Without CASE it uses the built-in example grid (examples/example6.m).\n"
            "\n"
            "options:\n"
            "  --deficit-mw X      MW to shed in every block (a generation shortfall)\n"
            "  --outage LIST       element names, as gridres shed (trafo:4,bus:5): the deficit\n"
            "                      follows from the network\n"
            "  --overlay FILE      scenario.json: priority classes from people and critical\n"
            "                      sites\n"
            "  --rating A|B        branch limits for the LP check (default A)\n"
            "  --hours H           length of the schedule (default %d)\n"
            "  --queues Q          number of queues (default %d)\n"
            "  --block-min M       block length in minutes, dividing the hours (default %d)\n"
            "  --out DIR           write DIR/schedule.csv (queue,block,start_min,dark) and\n"
            "                      DIR/blocks.csv (per block: dark queues, dark MW, extra LP\n"
            "                      shed)\n"
            CLI_HELP_JSON
            "                      (the summary and the table)\n"
            CLI_HELP_FORCE
            CLI_HELP_HELP
            "\n"
            CLI_HELP_DEFAULTS
            "examples:\n"
            "  gridres schedule --deficit-mw 40\n"
            "  gridres schedule examples/example6.m --outage line:6,line:7 --hours 8 --out sched-out\n"
            "\n"
            "exit status: 0 done, 3 the deficit cannot be covered (exceeds the load that\n"
            "may be rotated), 2 bad command line or input file, 1 other failure.\n",
            d.hours, d.queues, d.block_min);
}

static const char *const csv_names[2] = {"schedule.csv", "blocks.csv"};

static void print_table(const gr_schedule *s, const shed_input *in, int check_lp)
{
    int Q = s->queues, T = s->blocks;
    char a[16];
    printf("case          %s (%s)\n", in->io.name, in->io.source);
    printf("queues        %d of %.2f MW each (residential + other; critical %.2f MW never dark)\n",
           Q, s->queue_mw, s->critical_mw);
    {
        gr_islands *isl = NULL;
        int live = 0;
        if (gr_islands_find(in->io.g, 0, &isl, NULL) == GR_OK) {
            for (int b = 0; b < in->io.g->nb; b++)
                live += isl->bus_island[b] >= 0 && isl->ref[isl->bus_island[b]] >= 0;
            gr_islands_free(isl);
        }
        if (s->n_area == live)
            printf("area          whole grid (%d buses in live islands)\n", s->n_area);
        else
            printf("area          %d buses where the shedding LP sheds (of %d live)\n",
                   s->n_area, live);
    }
    printf("blocks        %d of %d min\n", T, s->block_min);
    printf("deficit       %.2f MW per block%s\n", s->deficit_mw,
           check_lp ? " (from the shedding LP after the outage)" : "");
    printf("dark          %d queue%s per block = %.2f MW\n", s->k, s->k == 1 ? "" : "s",
           s->k * s->queue_mw);
    if (check_lp) {
        double worst = 0;
        for (int t = 0; t < T; t++)
            worst = fmax(worst, s->extra_shed_mw[t]);
        printf("lp check      %d blocks, worst further shedding %.3f MW, %.1f ms\n", T, worst,
               s->lp_s * 1e3);
    }
    /* ruler: hour marks where a block starts on the hour */
    int step = 1;
    while (step * 60 / s->block_min < 3 && step < 24)
        step++;
    char *ruler = malloc((size_t)T + 8);
    if (ruler) {
        memset(ruler, ' ', (size_t)T + 7);
        ruler[T + 7] = '\0';
        for (int t = 0; t < T; t++) {
            int m = t * s->block_min;
            if (m % 60 == 0 && (m / 60) % step == 0) {
                int w = snprintf(a, sizeof a, "%d", m / 60);
                if (t + w <= T + 6)
                    memcpy(ruler + t, a, (size_t)w);
            }
        }
        int e = T + 6;
        while (e >= 0 && ruler[e] == ' ')
            ruler[e--] = '\0';
        printf("\nhour              %s\n", ruler);
        free(ruler);
    }
    for (int q = 0; q < Q; q++) {
        double h = s->dark_blocks[q] * s->block_min / 60.0;
        printf("queue %-4d %5.1fh ", q + 1, h);
        for (int t = 0; t < T; t++)
            putchar(s->dark[(size_t)q * T + t] ? '#' : '.');
        putchar('\n');
    }
    printf("('#' dark, '.' lit; hours dark per queue in the second column)\n");
}

static int write_csvs(const char *dir, int force, const gr_schedule *s)
{
    char path[4096];
    FILE *f;
    int Q = s->queues, T = s->blocks;
    if (!(f = cli_open_out_in("schedule", dir, csv_names[0], force, path, sizeof path)))
        return -1;
    fputs("queue,block,start_min,dark\n", f);
    for (int q = 0; q < Q; q++)
        for (int t = 0; t < T; t++)
            fprintf(f, "%d,%d,%d,%d\n", q + 1, t + 1, t * s->block_min,
                    s->dark[(size_t)q * T + t]);
    if (cli_close_out("schedule", f, path) != 0)
        return -1;
    if (!(f = cli_open_out_in("schedule", dir, csv_names[1], force, path, sizeof path)))
        return -1;
    fputs("block,start_min,dark_queues,dark_mw,deficit_mw,extra_shed_mw\n", f);
    for (int t = 0; t < T; t++) {
        int n = 0;
        for (int q = 0; q < Q; q++)
            n += s->dark[(size_t)q * T + t];
        cli_csv_int(f, t + 1, ',');
        cli_csv_int(f, t * s->block_min, ',');
        cli_csv_int(f, n, ',');
        cli_csv_num(f, s->dark_mw[t], ',');
        cli_csv_num(f, s->deficit_mw, ',');
        cli_csv_num(f, s->extra_shed_mw ? s->extra_shed_mw[t] : 0.0, '\n');
    }
    return cli_close_out("schedule", f, path);
}

static json_t *schedule_json(const gr_schedule *s, const shed_input *in, int check_lp)
{
    json_t *o = json_object(), *qs = json_array();
    if (!o || !qs) {
        json_decref(o);
        json_decref(qs);
        return NULL;
    }
    json_object_set_new(o, "case", json_string(in->io.name));
    json_object_set_new(o, "queues", json_integer(s->queues));
    json_object_set_new(o, "blocks", json_integer(s->blocks));
    json_object_set_new(o, "block_min", json_integer(s->block_min));
    json_object_set_new(o, "queue_mw", cli_json_num(s->queue_mw));
    json_object_set_new(o, "critical_mw", cli_json_num(s->critical_mw));
    json_object_set_new(o, "deficit_mw", cli_json_num(s->deficit_mw));
    json_object_set_new(o, "deficit_from_lp", json_boolean(check_lp));
    json_object_set_new(o, "dark_per_block", json_integer(s->k));
    json_object_set_new(o, "area_buses", json_integer(s->n_area));
    if (check_lp) {
        double worst = 0;
        for (int t = 0; t < s->blocks; t++)
            worst = fmax(worst, s->extra_shed_mw[t]);
        json_object_set_new(o, "worst_extra_shed_mw", cli_json_num(worst));
    }
    for (int q = 0; q < s->queues; q++) {
        json_t *row = json_object();
        char *line = malloc((size_t)s->blocks + 1);
        if (!row || !line) {
            json_decref(row);
            free(line);
            json_decref(o);
            json_decref(qs);
            return NULL;
        }
        for (int t = 0; t < s->blocks; t++)
            line[t] = s->dark[(size_t)q * s->blocks + t] ? '#' : '.';
        line[s->blocks] = '\0';
        json_object_set_new(row, "queue", json_integer(q + 1));
        json_object_set_new(row, "dark_blocks", json_integer(s->dark_blocks[q]));
        json_object_set_new(row, "dark", json_string(line));
        free(line);
        json_array_append_new(qs, row);
    }
    json_object_set_new(o, "table", qs);
    return o;
}

int cmd_schedule(int argc, char **argv, gr_mpi *mpi)
{
    (void)mpi;
    const char *overlay = NULL, *outage = NULL, *rating_s = "A", *out_dir = NULL;
    double deficit = -1;
    int json = 0, force = 0, npos = 0, rc, seen_deficit = 0;
    gr_schedule_options opt;
    gr_schedule_options_default(&opt);
    const char *pos[1];
    const cli_opt opts[] = {
        CLI_OPT_OVERLAY(overlay),
        CLI_OPT_OUTAGE(outage),
        {"deficit-mw", CLI_DOUBLE, &deficit, 0, 0, 1e9, &seen_deficit},
        {"rating", CLI_STRING, &rating_s, 0, 0, 0, NULL},
        {"hours", CLI_INT, &opt.hours, 0, 1, 24 * 366, NULL},
        {"queues", CLI_INT, &opt.queues, 0, 1, 1000, NULL},
        {"block-min", CLI_INT, &opt.block_min, 0, 1, 24 * 60, NULL},
        CLI_OPT_OUT(out_dir),
        CLI_OPT_JSON(json),
        CLI_OPT_FORCE(force),
    };
    if (!cli_parse_args("schedule", argc, argv, opts, CLI_NOPTS(opts), pos, 1, &npos, schedule_help, &rc))
        return rc;
    if (!seen_deficit == !outage) {
        cli_errorf("schedule", "give exactly one of --deficit-mw and --outage (see gridres "
                               "schedule --help)");
        return CLI_EXIT_USAGE;
    }
    if ((rc = shed_cli_rating("schedule", rating_s, &opt.shed.rating)) != 0)
        return rc;
    if ((opt.hours * 60) % opt.block_min != 0) {
        cli_errorf("schedule", "--block-min %d does not divide %d hours into whole blocks",
                   opt.block_min, opt.hours);
        return CLI_EXIT_USAGE;
    }
    opt.check_lp = outage != NULL;
    opt.deficit_mw = seen_deficit ? deficit : 0.0;
    if (out_dir &&
        (rc = cli_check_outputs("schedule", out_dir, csv_names, 2, force)) != CLI_EXIT_OK)
        return rc;
    shed_input in;
    gr_schedule *s = NULL;
    gr_error err = {0};
    rc = shed_input_load("schedule", npos ? pos[0] : NULL, overlay, outage, &in);
    if (rc != CLI_EXIT_OK)
        goto done;
    int st = gr_schedule_build(in.io.g, in.lc, &opt, &s, &err);
    if (st != GR_OK) {
        cli_errorf("schedule", "error: %s", err.msg[0] ? err.msg : gr_strerror(st));
        rc = st == GR_EINFEASIBLE ? CLI_EXIT_NOCONV
             : st == GR_EINVAL || st == GR_ESINGULAR ? CLI_EXIT_USAGE
                                                     : CLI_EXIT_FAIL;
        goto done;
    }
    if (json) {
        json_t *o = schedule_json(s, &in, opt.check_lp);
        if (!o || cli_json_print(stdout, o) != 0) {
            cli_errorf("schedule", "cannot print JSON");
            json_decref(o);
            rc = CLI_EXIT_FAIL;
            goto done;
        }
        json_decref(o);
    } else {
        print_table(s, &in, opt.check_lp);
    }
    if (opt.check_lp) {
        double worst = 0;
        for (int t = 0; t < s->blocks; t++)
            worst = fmax(worst, s->extra_shed_mw[t]);
        if (worst > 1e-3)
            cli_errorf("schedule",
                       "warning: even with every queue dark the LP must shed %.2f MW more "
                       "(critical load or load behind the outage)",
                       worst);
    }
    fflush(stdout);
    if (out_dir && (cli_mkdir_p("schedule", out_dir) != 0 || write_csvs(out_dir, force, s) != 0)) {
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    rc = CLI_EXIT_OK;
done:
    gr_schedule_free(s);
    shed_input_free(&in);
    return rc;
}
