/* cli_sweep.h — options shared by the commands that run sweeps (cascade --random-n2, contingency, campaign): checkpoints, --resume, and which MPI rank writes the outputs. */
#ifndef GRIDRES_CLI_SWEEP_H
#define GRIDRES_CLI_SWEEP_H

#include "cli_util.h"
#include "gridres.h"

typedef struct cli_sweep {
    int every;              /* --checkpoint-every N (items) */
    double every_s;         /* --checkpoint-s S (seconds) */
    const char *resume;     /* --resume DIR */
    int every_seen, every_s_seen;
    char job[2048];         /* the checkpoint's identity */
    gr_sweep_options opt;
    gr_sweep_stats stats;
    gr_mpi *mpi;            /* the process's MPI session (borrowed from main) */
} cli_sweep;

/* Rows for a command's cli_opt table. */
#define CLI_SWEEP_OPTS(cs)                                                                    \
    {"checkpoint-every", CLI_INT, &(cs).every, 0, 1, 1000000000, &(cs).every_seen},            \
    {"checkpoint-s", CLI_DOUBLE, &(cs).every_s, 0, 0.001, 1e9, &(cs).every_s_seen},            \
    {"resume", CLI_STRING, &(cs).resume, 0, 0, 0, NULL}

/* Help text for those options (`unit` names an item: "events", "runs"). */
void cli_sweep_help(FILE *f, const char *unit);

/* After cli_parse: check the options and fill cs->opt. --resume DIR sets the
 * output directory (*out_dir NULL → DIR; another --out is an error);
 * checkpoints need an output directory. The job line is the command and its
 * arguments without the options that do not change the results (--threads,
 * --out, --force, --json, --quiet, --top and these), each input file named
 * by its base name and checksum. Returns CLI_EXIT_OK, or CLI_EXIT_USAGE with
 * a message printed. *opt_out: &cs->opt when checkpointing, resuming or
 * spreading over several MPI ranks (mpi, borrowed: the session main opened),
 * else NULL. */
int cli_sweep_setup(const char *cmd, cli_sweep *cs, gr_mpi *mpi, int argc, char **argv,
                    const char **out_dir, const gr_sweep_options **opt_out);

/* 1 in the process that prints and writes the outputs: MPI rank 0, or the
 * only process without MPI. */
int cli_sweep_root(const cli_sweep *cs);

/* On rank 0, after a sweep that resumed something: "gridres CMD: resumed K of
 * N items from DIR/checkpoint" on stderr. */
void cli_sweep_report(const char *cmd, const cli_sweep *cs, const char *unit);

#endif
