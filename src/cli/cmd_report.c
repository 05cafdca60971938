/* cmd_report.c — `gridres report DIR`: charts (PNG + SVG, cairo) and an HTML page from a campaign output folder. */
#include <stdio.h>
#include <string.h>

#include "cli_common.h"
#include "cli_util.h"
#include "gridres.h"

int cmd_report(int argc, char **argv, gr_mpi *mpi);

#define CMD "report"

static void report_help(FILE *f)
{
    fputs("usage: gridres report DIR [options]\n"
          "\n"
          "Draw the charts of a campaign output folder (written by gridres campaign --out DIR)\n"
          "and write DIR/report.html with DIR/charts/NAME.png and NAME.svg (docs/report.md):\n"
          "  served  hourly demand, load served and critical load served, with each night's\n"
          "          resilience trapezoid (drop at the wave, degraded level, recovery)\n"
          "  nights  people without power and without heat, night by night\n"
          "  map     the grid on its coordinates (scenario.json): lines by voltage level,\n"
          "          damaged elements, dark areas, cities and defended zones\n"
          "  fan     Monte Carlo (2 runs or more): share of demand served per night, p5-p95\n"
          "  ccdf    Monte Carlo: distribution of the energy not served per run (log scale)\n"
          "and the summary figures of summary.json as tables. A chart whose input file is\n"
          "missing is skipped with a note in the page. The page needs no network.\n"
          "\n"
          "options:\n"
          "  --run R             run drawn by the served, nights and map charts (default 1)\n"
          "  --title TEXT        page title (default: \"Campaign report: \" + the scenario\n"
          "                      name)\n"
          "  --width W           width of the served, nights, fan and ccdf charts in pixels\n"
          "                      (default 1100; 300 .. 8000)\n"
          "  --height H          their height (default 560; 300 .. 8000)\n"
          "  --map-width W       width of the map (default 900; its height follows the\n"
          "                      region)\n"
          "  --zero-based        MW axes from 0 (default: fitted to the data)\n"
          "  --sensitivity SDIR  also show the tornado chart of a `gridres sensitivity`\n"
          "                      output folder (charts/tornado.png|svg)\n"
          CLI_HELP_FORCE
          "                      (report.html and the charts)\n"
          "  --quiet             print nothing on success\n"
          CLI_HELP_HELP
          "\n"
          CLI_HELP_DEFAULTS
          "examples:\n"
          "  gridres campaign examples/example6.campaign.json --runs 3 --out camp && gridres report camp\n"
          "\n"
          "exit status: 0 success; 2 bad command line, not a campaign folder, a malformed\n"
          "input file (the message names file and line), a run not in the data, or an\n"
          "existing report without --force; 1 other failure (cannot write, out of memory).\n",
          f);
}

int cmd_report(int argc, char **argv, gr_mpi *mpi)
{
    (void)mpi;
    gr_report_options opt;
    gr_report_info info;
    gr_error err = {0, ""};
    const char *pos[1] = {NULL}, *title = NULL;
    int npos = 0, quiet = 0, rc;

    gr_report_options_default(&opt);
    const cli_opt opts[] = {
        {"run", CLI_INT, &opt.run, 0, 1, 10000000, NULL},
        {"title", CLI_STRING, &title, 0, 0, 0, NULL},
        {"width", CLI_INT, &opt.width_px, 0, 300, 8000, NULL},
        {"height", CLI_INT, &opt.height_px, 0, 300, 8000, NULL},
        {"map-width", CLI_INT, &opt.map_px, 0, 300, 8000, NULL},
        {"zero-based", CLI_FLAG, &opt.zero_based, 1, 0, 0, NULL},
        {"sensitivity", CLI_STRING, &opt.sensitivity, 0, 0, 0, NULL},
        CLI_OPT_FORCE(opt.force),
        CLI_OPT_QUIET(quiet),
    };
    if (!cli_parse_args(CMD, argc, argv, opts, CLI_NOPTS(opts), pos, 1, &npos, report_help, &rc))
        return rc;
    if (npos < 1) {
        cli_errorf(CMD, "a campaign output folder DIR is required (see gridres report --help)");
        return CLI_EXIT_USAGE;
    }
    opt.title = title;
    int st = gr_report_write_info(pos[0], &opt, &info, &err);
    if (st != GR_OK) {
        cli_errorf(CMD, "%s", err.msg[0] ? err.msg : gr_strerror(st));
        return st == GR_ENOMEM || st == GR_EIO ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
    if (!quiet) {
        size_t len = strlen(pos[0]);
        while (len > 1 && pos[0][len - 1] == '/')
            len--;
        printf("wrote %.*s/report.html with %d chart%s (%s) in %.*s/charts/\n", (int)len, pos[0],
               info.n_charts, info.n_charts == 1 ? "" : "s", info.n_charts ? info.charts : "none",
               (int)len, pos[0]);
        if (info.n_skipped)
            printf("skipped %s\n", info.skipped);
    }
    return CLI_EXIT_OK;
}
