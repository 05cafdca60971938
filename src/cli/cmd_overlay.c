/* cmd_overlay.c — `gridres overlay`: build a scenario overlay (scenario.json) for any MATPOWER or PSS/E case, to run a campaign on it or edit. */
#include <stdio.h>
#include <string.h>

#include "cli_common.h"
#include "cli_util.h"
#include "gridres.h"

int cmd_overlay(int argc, char **argv, gr_mpi *mpi);

#define CMD "overlay"

static void overlay_help(FILE *f)
{
    gr_overlay_build_options d;
    gr_overlay_build_options_default(&d);
    fprintf(f,
            "usage: gridres overlay CASE [options]\n"
            "\n"
            "Build the scenario overlay of any case (MATPOWER .m or PSS/E .raw): what a\n"
            "campaign needs and the case lacks. Substations from transformers, bus ties and\n"
            "bus names; coordinates from a geodata file or a stress layout of the network\n"
            "with plausible line lengths; people in proportion to load; hospitals, water\n"
            "and heating sites; cities (load centres), a defended zone per city, crew\n"
            "bases; plants with types by unit size. Every rule and figure is an assumption\n"
            "listed in docs/own_grid.md: edit the file where you know better. The same\n"
            "input gives the same file, byte for byte.\n"
            "\n"
            "options:\n"
            "  --geo FILE          bus coordinates, CSV with header bus_id,lon,lat (degrees,\n"
            "                      projected about the mean latitude) or bus_id,x_km,y_km\n"
            "  --people-per-mw N   people per MW of peak load (default %g)\n"
            "  --cities K          load centres (default 8 * sqrt(buses / 2000), at least 1)\n"
            "  --zero-z X          |r + jx| below X pu is a bus tie inside a substation\n"
            "                      (default %g)\n"
            "  --seed S            layout start, 0 .. 2^63-1 (default %llu)\n"
            "  --out FILE          output (default scenario.json)\n"
            CLI_HELP_FORCE
            "  --quiet             print nothing on success\n"
            CLI_HELP_HELP
            "\n"
            "Then: gridres campaign CASE --overlay FILE (docs/own_grid.md).\n"
            CLI_HELP_DEFAULTS
            "examples:\n"
            "  gridres overlay examples/example6.m --out my.scenario.json\n"
            "  gridres overlay examples/example6.m --cities 2 --people-per-mw 2500 --out my.scenario.json\n"
            "\n"
            "exit status: 0 success, 2 bad command line or input (the message names file and\n"
            "line) or existing output, 1 other failure.\n",
            d.people_per_mw, d.zero_z_pu, (unsigned long long)d.seed);
}

/* The file name without its directories. */
static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int cmd_overlay(int argc, char **argv, gr_mpi *mpi)
{
    (void)mpi;
    gr_overlay_build_options opt;
    gr_overlay *ov = NULL;
    gr_bus_geo *geo = NULL;
    gr_error err = {0, ""};
    const char *out = "scenario.json", *geo_path = NULL;
    int force = 0, quiet = 0, npos = 0, rc;
    const char *pos[1] = {NULL};

    gr_overlay_build_options_default(&opt);
    const cli_opt opts[] = {
        {"geo", CLI_STRING, &geo_path, 0, 0, 0, NULL},
        {"people-per-mw", CLI_DOUBLE, &opt.people_per_mw, 0, 1e-3, 1e6, NULL},
        {"cities", CLI_INT, &opt.n_cities, 0, 1, 10000, NULL},
        {"zero-z", CLI_DOUBLE, &opt.zero_z_pu, 0, 0, 0.1, NULL},
        CLI_OPT_SEED(opt.seed, CLI_SEED_BITS_JSON, NULL),
        {"out", CLI_STRING, &out, 0, 0, 0, NULL},
        CLI_OPT_FORCE(force),
        CLI_OPT_QUIET(quiet),
    };
    if (!cli_parse_args(CMD, argc, argv, opts, CLI_NOPTS(opts), pos, 1, &npos, overlay_help, &rc))
        return rc;
    if (npos < 1) {
        cli_errorf(CMD, "expects a case file (see gridres overlay --help)");
        return CLI_EXIT_USAGE;
    }
    if (cli_check_new(CMD, out, force) != 0)
        return CLI_EXIT_USAGE;
    cli_inputs in;
    const cli_inputs_spec spec = {pos[0], NULL, -1, 1, 0, "", ""};
    if ((rc = cli_load_inputs(CMD, &spec, &in)) != CLI_EXIT_OK) {
        cli_inputs_free(&in);
        return rc;
    }
    int st;
    if (geo_path) {
        if ((st = gr_bus_geo_read(geo_path, &geo, &err)) != GR_OK) {
            cli_errorf(CMD, "%s", err.msg[0] ? err.msg : gr_strerror(st));
            cli_inputs_free(&in);
            return st == GR_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
        }
        opt.geo = geo;
    }
    opt.case_file = base_name(pos[0]);
    double t0 = gr_time_s();
    st = gr_overlay_build(in.c, in.g, &opt, &ov, &err);
    double secs = gr_time_s() - t0;
    rc = CLI_EXIT_FAIL;
    if (st != GR_OK) {
        cli_errorf(CMD, "%s", err.msg[0] ? err.msg : gr_strerror(st));
        if (st == GR_EINVAL)
            rc = CLI_EXIT_USAGE;
        goto done;
    }
    for (int k = 0; k < ov->n_warnings; k++)
        cli_errorf(NULL, "warning: %s", ov->warnings[k]);
    if (force && cli_exists(out))
        remove(out);
    if ((st = gr_overlay_write(ov, out, &err)) != GR_OK) {
        cli_errorf(CMD, "%s", err.msg[0] ? err.msg : gr_strerror(st));
        goto done;
    }
    if (!quiet) {
        int ncrews = 0;
        for (int k = 0; k < ov->ncrew; k++)
            ncrews += ov->crew_count[k];
        printf("wrote %s: %d buses in %d substations, coordinates from %s,\n"
               "  %.0f people (%g per MW), %d cities with a defended zone each, %d crew bases "
               "(%d crews), %d plants; region %.0f x %.0f km; built in %.2f s\n",
               out, ov->nb, ov->nsub, geo_path ? geo_path : "a stress layout", ov->population,
               opt.people_per_mw, ov->ncity, ov->ncrew, ncrews, ov->nplant, ov->width_km,
               ov->height_km, secs);
    }
    rc = CLI_EXIT_OK;
done:
    gr_overlay_free(ov);
    gr_bus_geo_free(geo);
    cli_inputs_free(&in);
    return rc;
}
