/* main.c — the gridres command-line tool: a table of commands and the dispatcher.
 *
 * A new command is one file src/cli/cmd_<name>.c defining
 *     int cmd_<name>(int argc, char **argv, gr_mpi *mpi);   (argv[0] is "<name>";
 *     mpi: the process's MPI session, for the commands that run sweeps)
 * that prints its own help for --help (cli_parse returns CLI_PARSE_HELP), and
 * one row in GRIDRES_COMMANDS below. It uses only gridres.h, cli_common.h (input:
 * options, seed, case + grid + overlay) and cli_util.h (output files, CSV, JSON). */
#include <stdio.h>
#include <string.h>

#include "gridres.h"

/* name, one-line help. Order = order in `gridres --help`. */
#define GRIDRES_COMMANDS(X)                                                          \
    X(pf, "AC or DC power flow of a MATPOWER case (default: the built-in example grid)")      \
    X(sens, "DC sensitivities (PTDF, LODF) of a MATPOWER case, as CSV")                       \
    X(contingency, "DC or AC N-1, N-2 or listed contingencies, ranked by severity")          \
    X(synth, "generate the synthetic regional grid: grid.m + scenario.json")                 \
    X(info, "statistics of a MATPOWER case (and its scenario overlay)")                      \
    X(overlay, "build a scenario overlay for any case: substations, map, people, zones")   \
    X(cascade, "cascading failure from an outage set, or a random N-2 Monte Carlo (CCDF)")  \
    X(shed, "emergency load shedding LP after an outage (priority classes, flow limits)")    \
    X(schedule, "rotating outage schedule: queues x blocks of who is dark when")          \
    X(restore, "plan repairs by crews with travel and spares: schedule, served load, ENS") \
    X(campaign, "multi-night strike campaign: waves, air defence, damage, cascades, repairs") \
    X(protect, "what to protect first: shelters, spares, crews under a budget vs simple rules") \
    X(report, "HTML report with charts (PNG/SVG) of a campaign output folder")

#define DECLARE_CMD(name, help) int cmd_##name(int argc, char **argv, gr_mpi *mpi);
GRIDRES_COMMANDS(DECLARE_CMD)
#undef DECLARE_CMD

typedef struct cli_command {
    const char *name;
    const char *help;
    int (*run)(int argc, char **argv, gr_mpi *mpi);
} cli_command;

static const cli_command commands[] = {
#define CMD_ROW(name, help) {#name, help, cmd_##name},
    GRIDRES_COMMANDS(CMD_ROW)
#undef CMD_ROW
};
static const int n_commands = (int)(sizeof commands / sizeof commands[0]);

static void usage(FILE *f)
{
    fputs("usage: gridres <command> [options] [arguments]\n"
          "       gridres <command> --help\n"
          "       gridres --version\n"
          "\n"
          "gridres simulates how a power grid survives damage: power flow, contingencies,\n"
          "cascades, emergency shedding and restoration. Inputs are MATPOWER cases.\n"
          "\n"
          "commands:\n",
          f);
    for (int k = 0; k < n_commands; k++)
        fprintf(f, "  %-12s %s\n", commands[k].name, commands[k].help);
    fputs("\n"
          "exit status: 0 success, 1 failure, 2 bad command line or input, 3 not converged.\n"
          "See docs/cli.md for details.\n",
          f);
}

static const cli_command *find_command(const char *name)
{
    for (int k = 0; k < n_commands; k++)
        if (strcmp(commands[k].name, name) == 0)
            return &commands[k];
    return NULL;
}

static int dispatch(int argc, char **argv, gr_mpi *mpi)
{
    const cli_command *c;
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("gridres %s\n", GRIDRES_VERSION);
        const char *lib = gr_mpi_library(mpi);
        printf("mpi %s\n", lib ? lib : "no (built without GRIDRES_WITH_MPI)");
        return 0;
    }
    if (strcmp(argv[1], "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return 0;
        }
        c = find_command(argv[2]);
        if (!c) {
            fprintf(stderr, "gridres: unknown command '%s' (see gridres --help)\n", argv[2]);
            return 2;
        }
        char *hargv[] = {(char *)c->name, (char *)"--help", NULL};
        return c->run(2, hargv, mpi);
    }
    if (argv[1][0] == '-') {
        fprintf(stderr, "gridres: unknown option '%s' (see gridres --help)\n", argv[1]);
        return 2;
    }
    c = find_command(argv[1]);
    if (!c) {
        fprintf(stderr, "gridres: unknown command '%s' (see gridres --help)\n", argv[1]);
        return 2;
    }
    return c->run(argc - 1, argv + 1, mpi);
}

int main(int argc, char **argv)
{
    /* One MPI session for the process: MPI starts here when mpirun/srun started
       us, and ends after the command (docs/cluster.md). */
    gr_mpi *mpi = NULL;
    gr_error err = {0};
    if (gr_mpi_open(&mpi, &err)) {
        fprintf(stderr, "gridres: %s\n", err.msg);
        return 1;
    }
    int rc = dispatch(argc, argv, mpi);
    gr_mpi_close(mpi, rc);
    return rc;
}
