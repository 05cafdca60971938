/* main.c — the gridres command-line tool: a table of commands and the dispatcher.
 *
 * A new command is one file src/cli/cmd_<name>.c defining
 *     int cmd_<name>(int argc, char **argv, gr_mpi *mpi);   (argv[0] is "<name>";
 *     mpi: the process's MPI session, for the commands that run sweeps)
 * that prints its own help for --help (cli_parse returns CLI_PARSE_HELP), and
 * one row in GRIDRES_COMMANDS below. It uses only gridres.h, cli_common.h (input:
 * options, seed, case + grid + overlay) and cli_util.h (output files, CSV, JSON). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli_common.h"
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
    X(sensitivity, "one-at-a-time sensitivity of the campaign outputs, with a tornado chart") \
    X(report, "HTML report with charts (PNG/SVG) of a campaign output folder")              \
    X(plot, "picture (SVG/PNG) of any case coloured by branch loading or bus voltage")

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

/* "gridres: unknown command 'X' (did you mean 'Y'? see gridres --help)". */
static int unknown_command(const char *name)
{
    const char *names[64];
    int n = 0;
    for (int k = 0; k < n_commands && n < 63; k++)
        names[n++] = commands[k].name;
    names[n++] = "help";
    const char *s = cli_suggest(name, strlen(name), names, n);
    if (s)
        fprintf(stderr, "gridres: unknown command '%s' (did you mean '%s'? see gridres --help)\n",
                name, s);
    else
        fprintf(stderr, "gridres: unknown command '%s' (see gridres --help)\n", name);
    return 2;
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
        if (!c)
            return unknown_command(argv[2]);
        char *hargv[] = {(char *)c->name, (char *)"--help", NULL};
        return c->run(2, hargv, mpi);
    }
    if (argv[1][0] == '-') {
        fprintf(stderr, "gridres: unknown option '%s' (see gridres --help)\n", argv[1]);
        return 2;
    }
    c = find_command(argv[1]);
    if (!c)
        return unknown_command(argv[1]);
    return c->run(argc - 1, argv + 1, mpi);
}

/* SIGINT, SIGTERM, SIGHUP: remove the temporary files of the outputs being
 * written (gr_out_cleanup, async-signal-safe), then die of the signal. */
static void on_signal(int sig)
{
    gr_out_cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t k = 0; k < sizeof sigs / sizeof *sigs; k++) {
        struct sigaction sa, old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        if (sigaction(sigs[k], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[k], &sa, NULL);
    }
}

/* Flush and close stdout, checking every error a write may have left
 * (a full disk, /dev/full, a closed pipe): 0, or -1 with a message on stderr. */
static int close_stdout(void)
{
    int bad = fflush(stdout) != 0;
    int e = errno;
    if (!bad && ferror(stdout)) {
        bad = 1;
        e = 0; /* (the write that failed is long gone, and its errno with it) */
    }
    if (fclose(stdout) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (bad)
        fprintf(stderr, "gridres: error writing the standard output%s%s\n", e ? ": " : "",
                e ? strerror(e) : "");
    return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
    gr_heap_keep(); /* big solves reuse the heap rather than page-fault it back */
    catch_signals();
    /* One MPI session for the process: MPI starts here when mpirun/srun started
       us, and ends after the command (docs/cluster.md). */
    gr_mpi *mpi = NULL;
    gr_error err = {0};
    if (gr_mpi_open(&mpi, &err)) {
        fprintf(stderr, "gridres: %s\n", err.msg);
        return 1;
    }
    int rc = dispatch(argc, argv, mpi);
    gr_out_cleanup(); /* the temporary files of outputs a failing command left open */
    if (close_stdout() != 0 && rc == 0)
        rc = 1; /* (a command that failed otherwise keeps its exit status) */
    gr_mpi_close(mpi, rc);
    return rc;
}
