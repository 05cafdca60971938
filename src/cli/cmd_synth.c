/* cmd_synth.c — `gridres synth`: generate the synthetic regional grid (grid.m + scenario.json). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cli_util.h"
#include "gridres.h"

int cmd_synth(int argc, char **argv, gr_mpi *mpi);

static void synth_help(FILE *f)
{
    gr_synth_options d;
    gr_synth_options_default(&d);
    fprintf(f,
            "usage: gridres synth [options]\n"
            "\n"
            "Generate a synthetic regional power grid: cities with rank-size populations,\n"
            "substations placed by population, a 750/330 kV backbone and a 110 kV network\n"
            "(Delaunay + spanning-tree corridors), nuclear, thermal, CHP and hydro plants\n"
            "dispatched in merit order, reactive support tuned by AC power flows. Writes\n"
            "DIR/grid.m (MATPOWER case, solved) and DIR/scenario.json (the overlay: places,\n"
            "people, critical sites, plants, cities, heat districts, defended zones, crew\n"
            "bases; docs/scenario.md). The same options give the same files, byte for byte.\n"
            "\n"
            "options:\n"
            "  --buses N           buses (default %d, 100 .. 50000)\n"
            "  --cities K          cities (default: 8 for 2000 buses, scaled by sqrt(N/2000))\n"
            "  --seed S            random seed, 0 .. 2^63-1 (default %llu)\n"
            "  --population P      people, 1000 .. 20000 per bus (default 5000 per bus:\n"
            "                      10 million for 2000 buses)\n"
            "  --region-km L       side of the square region, 5 .. 500 km^2 per bus\n"
            "                      (default 400 km * sqrt(N/2000))\n"
            "  --out DIR           output directory, created if missing (default .)\n"
            CLI_HELP_FORCE
            "  --quiet             print nothing on success\n"
            CLI_HELP_HELP
            "\n"
            CLI_HELP_DEFAULTS
            "examples:\n"
            "  gridres synth --buses 100 --out synth-out\n"
            "  gridres synth --buses 200 --cities 3 --seed 7 --out synth-out\n"
            "\n"
            "exit status: 0 success, 2 bad command line or existing output file,\n"
            "1 other failure (out of memory, cannot write, no feasible design).\n",
            d.n_bus, (unsigned long long)d.seed);
}

int cmd_synth(int argc, char **argv, gr_mpi *mpi)
{
    (void)mpi;
    gr_synth_options opt;
    gr_case *c = NULL;
    gr_overlay *ov = NULL;
    gr_error err = {0, ""};
    const char *out_dir = ".";
    int force = 0, quiet = 0, npos = 0, rc;
    const char *pos[1];
    char grid_path[4096], scen_path[4096];

    gr_synth_options_default(&opt);
    const cli_opt opts[] = {
        {"buses", CLI_INT, &opt.n_bus, 0, 100, 50000, NULL},
        {"cities", CLI_INT, &opt.n_cities, 0, 1, 1000, NULL},
        CLI_OPT_SEED(opt.seed, CLI_SEED_BITS_JSON, NULL),
        {"population", CLI_DOUBLE, &opt.population, 0, 1e5, 1e9, NULL},
        {"region-km", CLI_DOUBLE, &opt.region_km, 0, 22, 2500, NULL},
        CLI_OPT_OUT(out_dir),
        CLI_OPT_FORCE(force),
        CLI_OPT_QUIET(quiet),
    };
    if (!cli_parse_args("synth", argc, argv, opts, CLI_NOPTS(opts), pos, 0, &npos, synth_help, &rc))
        return rc;
    if (cli_out_path("synth", grid_path, sizeof grid_path, out_dir, "grid.m") != 0 ||
        cli_out_path("synth", scen_path, sizeof scen_path, out_dir, "scenario.json") != 0)
        return CLI_EXIT_USAGE;
    /* refuse before working if an output exists */
    if (cli_check_new("synth", grid_path, force) != 0 ||
        cli_check_new("synth", scen_path, force) != 0)
        return CLI_EXIT_USAGE;

    double t0 = gr_time_s();
    int st = gr_synth(&opt, &c, &ov, &err);
    double t1 = gr_time_s();
    if (st != GR_OK) {
        cli_errorf(NULL, "error: %s", err.msg[0] ? err.msg : gr_strerror(st));
        return st == GR_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    rc = CLI_EXIT_FAIL;
    if (cli_mkdir_p("synth", out_dir) != 0)
        goto done;
    /* check again: the directory may have been filled while we worked */
    if (cli_check_new("synth", grid_path, force) != 0 ||
        cli_check_new("synth", scen_path, force) != 0) {
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    if ((st = gr_case_write(c, grid_path, &err)) != GR_OK ||
        (st = gr_overlay_write(ov, scen_path, &err)) != GR_OK) {
        cli_errorf(NULL, "error: %s", err.msg[0] ? err.msg : gr_strerror(st));
        goto done;
    }
    if (!quiet) {
        double load = 0.0, cap = 0.0;
        int nline = 0, nxf = 0;
        for (int k = 0; k < c->bus.n; k++)
            load += c->bus.pd_mw[k];
        for (int k = 0; k < c->gen.n; k++)
            cap += c->gen.pmax_mw[k];
        for (int k = 0; k < c->branch.n; k++) {
            if (c->branch.tap[k] != 0.0)
                nxf++;
            else
                nline++;
        }
        printf("synthetic grid, seed %llu: %d buses, %d lines, %d transformers, %d generators\n"
               "%d cities, %.0f people, peak load %.0f MW, capacity %.0f MW (%.2f x peak)\n"
               "wrote %s and %s (%.2f s)\n",
               (unsigned long long)opt.seed, c->bus.n, nline, nxf, c->gen.n, ov->ncity,
               ov->population, load, cap, load > 0 ? cap / load : 0.0, grid_path, scen_path,
               t1 - t0);
    }
    rc = CLI_EXIT_OK;
done:
    gr_case_free(c);
    gr_overlay_free(ov);
    return rc;
}
