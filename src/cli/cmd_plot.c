/* cmd_plot.c — `gridres plot`: a picture of any case, coloured by branch loading or
 * bus voltage from a power flow (gr_case_plot); layout from the overlay, else built. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cli_util.h"
#include "gridres.h"

int cmd_plot(int argc, char **argv, gr_mpi *mpi);

#define CMD "plot"

static void plot_help(FILE *f)
{
    fputs("usage: gridres plot [CASE.m | CASE.raw] [--out F.svg|F.png] [options]\n"
          "\n"
          "Draw a case: buses at the coordinates of its overlay (--overlay), else at a\n"
          "layout of the network (the stress layout of gridres overlay, docs/own_grid.md),\n"
          "branches coloured by loading in % of rateA (max(|Sf|, |St|); DC |Pf|), or buses\n"
          "by voltage magnitude, from a power flow of the case. Without CASE it draws the\n"
          "built-in example grid (examples/example6.m).\n"
          "\n"
          "options:\n"
          "  --out FILE          the picture, .svg or .png (default plot.svg)\n"
          "  --color loading|voltage\n"
          "                      branch loading (default) or bus voltage (0.90 .. 1.10 pu)\n"
          "  --overlay FILE      the case's scenario overlay: its bus coordinates\n"
          "  --dc                DC power flow instead of AC (no voltages)\n"
          "  --width W           width in pixels (default 1000; 200 .. 8000)\n"
          "  --title TEXT        title drawn at the top (default: the case's name)\n"
          CLI_HELP_FORCE
          CLI_HELP_HELP
          "\n"
          CLI_HELP_DEFAULTS
          "examples:\n"
          "  gridres plot examples/example6.m --out grid.svg\n"
          "  gridres plot examples/example6.m --overlay examples/example6.scenario.json --color voltage --out grid.png\n"
          "  gridres plot --dc --out example.png\n"
          "\n"
          "exit status: 0 drawn, 3 the AC power flow did not converge (nothing drawn),\n"
          "2 bad command line or input, 1 other failure.\n",
          f);
}

int cmd_plot(int argc, char **argv, gr_mpi *mpi)
{
    (void)mpi;
    const char *out = "plot.svg", *color = "loading", *overlay = NULL, *title = NULL;
    int dc = 0, force = 0, width = 1000;
    const cli_opt opts[] = {
        CLI_OPT_OUT(out),
        {"color", CLI_STRING, &color, 0, 0, 0, NULL},
        CLI_OPT_OVERLAY(overlay),
        CLI_OPT_DC(dc),
        {"width", CLI_INT, &width, 0, 200, 8000, NULL},
        {"title", CLI_STRING, &title, 0, 0, 0, NULL},
        CLI_OPT_FORCE(force),
    };
    const char *pos[1];
    int npos = 0, rc, st;
    if (!cli_parse_args(CMD, argc, argv, opts, CLI_NOPTS(opts), pos, 1, &npos, plot_help, &rc))
        return rc;
    gr_case_plot_options po;
    gr_case_plot_options_default(&po);
    if (strcmp(color, "loading") == 0)
        po.color = GR_PLOT_LOADING;
    else if (strcmp(color, "voltage") == 0)
        po.color = GR_PLOT_VOLTAGE;
    else {
        cli_errorf(CMD, "--color expects loading or voltage, got '%s'", color);
        return CLI_EXIT_USAGE;
    }
    if (dc && po.color == GR_PLOT_VOLTAGE) {
        cli_errorf(CMD, "--color voltage needs the AC power flow (drop --dc)");
        return CLI_EXIT_USAGE;
    }
    size_t n = strlen(out);
    if (n < 5 || (strcmp(out + n - 4, ".svg") != 0 && strcmp(out + n - 4, ".png") != 0)) {
        cli_errorf(CMD, "--out: '%s': the picture's name must end in .svg or .png", out);
        return CLI_EXIT_USAGE;
    }
    if (cli_check_new(CMD, out, force) != 0)
        return CLI_EXIT_USAGE;

    cli_inputs in;
    const cli_inputs_spec spec = {npos ? pos[0] : NULL, overlay, -1, 1, 0, "", ""};
    gr_overlay *built = NULL;
    gr_pf_result *r = NULL;
    gr_error err = {0};
    double *flow = NULL, *vm = NULL;
    if ((rc = cli_load_inputs(CMD, &spec, &in)) != CLI_EXIT_OK)
        goto done;
    const gr_grid *g = in.g;
    const gr_overlay *ov = in.ov;
    if (!ov) { /* the overlay builder's layout (src/sim/overlay_build_layout.c) */
        if ((st = gr_overlay_build(in.c, g, NULL, &built, &err))) {
            cli_errorf(CMD, "layout: %s", err.msg[0] ? err.msg : gr_strerror(st));
            rc = st == GR_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
            goto done;
        }
        ov = built;
    }
    gr_pf_options opt;
    gr_pf_options_default(&opt);
    st = dc ? gr_pf_dc(g, &r, &err) : gr_pf_ac(g, &opt, &r, &err);
    if (st || !r->converged) {
        cli_errorf(CMD, "power flow %s: %s", st ? "failed" : "did not converge",
                   st ? (err.msg[0] ? err.msg : gr_strerror(st)) : r->reason);
        rc = st == GR_ENOMEM ? CLI_EXIT_FAIL : st == GR_EPARSE || st == GR_EINVAL ? CLI_EXIT_USAGE
                                                                               : CLI_EXIT_NOCONV;
        goto done;
    }
    flow = malloc(((size_t)g->nl + 1) * sizeof(double));
    vm = malloc(((size_t)g->nb + 1) * sizeof(double));
    if (!flow || !vm) {
        cli_errorf(CMD, "out of memory");
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    for (int k = 0; k < g->nl; k++)
        flow[k] = dc ? fabs(r->pf[k]) : fmax(hypot(r->pf[k], r->qf[k]), hypot(r->pt[k], r->qt[k]));
    for (int b = 0; b < g->nb; b++) {
        int i = r->bus_island[b];
        vm[b] = i >= 0 && r->island_converged[i] == 1 && !dc ? r->vm[b] : NAN;
    }
    po.width_px = width;
    po.title = title ? title : in.name;
    if ((st = gr_case_plot(g, ov->bus_x_km, ov->bus_y_km, flow, dc ? NULL : vm, &po, out, force,
                           &err))) {
        cli_errorf(CMD, "%s", err.msg[0] ? err.msg : gr_strerror(st));
        rc = st == GR_ENOMEM || st == GR_EIO ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
        goto done;
    }
    double worst = 0;
    int wk = -1;
    for (int k = 0; k < g->nl; k++)
        if (g->br_on[k] && g->rate_a[k] > 0 && flow[k] / g->rate_a[k] > worst)
            worst = flow[k] / g->rate_a[k], wk = k;
    printf("wrote %s: %d buses, %d branches coloured by %s (%s power flow; layout %s)", out,
           g->nb, g->nl, color, dc ? "DC" : "AC", in.ov ? "from the overlay" : "built");
    if (wk >= 0)
        printf("; most loaded branch %d at %.1f %% of rateA", wk + 1, worst * 100.0);
    printf("\n");
    rc = CLI_EXIT_OK;
done:
    free(flow);
    free(vm);
    gr_pf_result_free(r);
    gr_overlay_free(built);
    cli_inputs_free(&in);
    return rc;
}
