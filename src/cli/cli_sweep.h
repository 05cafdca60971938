/* cli_sweep.h — what the commands that run sweeps (cascade --random-n2, contingency, campaign) share: the output folder's manifest (sweep.json), --resume DIR from it, checkpoints, and which MPI rank writes the outputs. */
#ifndef GRIDRES_CLI_SWEEP_H
#define GRIDRES_CLI_SWEEP_H

#include "cli_common.h"
#include "cli_util.h"
#include "gridres.h"

/* Arguments a command line may have when it is resumed from a manifest. */
#define CLI_SWEEP_MAX_ARGS 256

typedef struct cli_sweep {
    int every;              /* --checkpoint-every N (items) */
    double every_s;         /* --checkpoint-s S (seconds) */
    const char *resume;     /* --resume DIR */
    int every_seen, every_s_seen;
    int out_default;        /* set by the command: it makes its own output folder
                               when --out is not given (campaign) */
    char job[8192];         /* the sweep's identity (the job line) */
    char recorded_job[8192];/* --resume: the job line in DIR/sweep.json ("" otherwise) */
    gr_sweep_options opt;
    gr_sweep_stats stats;
    gr_mpi *mpi;            /* the process's MPI session (borrowed from main) */
    /* the command line (cli_sweep_args): the user's, or on --resume the one
       recorded in DIR/sweep.json with the user's options merged in */
    const cli_opt *opts;
    int nopts;
    int argc;
    char **argv;
    char *arg_v[CLI_SWEEP_MAX_ARGS + 2];
    char arg_text[16384];   /* the recorded arguments' text */
} cli_sweep;

/* Rows for a command's cli_opt table. */
#define CLI_SWEEP_OPTS(cs)                                                                    \
    {"checkpoint-every", CLI_INT, &(cs).every, 0, 1, 1000000000, &(cs).every_seen},            \
    {"checkpoint-s", CLI_DOUBLE, &(cs).every_s, 0, 0.001, 1e9, &(cs).every_s_seen},            \
    {"resume", CLI_STRING, &(cs).resume, 0, 0, 0, NULL}

/* Help text for those options (`unit` names an item: "events", "runs"). */
void cli_sweep_help(FILE *f, const char *unit);

/* Before cli_parse, with the command's option table: remember the command
 * line, and when it has --resume DIR, replace *argc, *argv by the command
 * line recorded in DIR/sweep.json (its file arguments made absolute when the
 * working directory differs), with the user's arguments merged in: options
 * that do not change the results (--threads, --checkpoint-*, --json, --quiet,
 * --top, --force, --out) override the recorded ones; any other option or
 * argument must have the recorded value. The new argv lives in cs.
 * Returns CLI_EXIT_OK, or CLI_EXIT_USAGE with a message printed when DIR has
 * no manifest (or does not exist), the manifest is bad or of another command,
 * or an option differs from the recorded one. On MPI ranks other than 0 a
 * missing manifest is not an error (the command line is used as given; rank
 * 0 and the sweep's job check decide). */
int cli_sweep_args(const char *cmd, cli_sweep *cs, gr_mpi *mpi, const cli_opt *opts, int nopts,
                   int *argc, char ***argv);

/* After cli_parse: check the options and fill cs->opt. --resume DIR sets the
 * output directory (*out_dir NULL → DIR; another --out is an error);
 * checkpoint options need an output directory (--out, or cs->out_default).
 * The job line is the command and its arguments without the options that do
 * not change the results (--threads, --out, --force, --json, --quiet, --top
 * and these), each input file named by its base name and checksum; on
 * --resume it must equal the recorded one (else CLI_EXIT_USAGE naming what
 * differs: an input file that changed, another version). Returns
 * CLI_EXIT_OK, or CLI_EXIT_USAGE with a message printed. *opt_out: &cs->opt
 * (its output directory is set by cli_sweep_begin). */
int cli_sweep_setup(const char *cmd, cli_sweep *cs, gr_mpi *mpi, int argc, char **argv,
                    const char **out_dir, const gr_sweep_options **opt_out);

/* When the sweep starts, after its inputs are read, before any work: with an
 * output folder `dir` (NULL: none, nothing done), the sweep checkpoints into
 * dir/checkpoint/ when it has more than one item (n_items: runs, events,
 * contingencies), when checkpoint options were given, or on --resume. Not
 * resuming, rank 0 refuses an existing dir/sweep.json unless `force` (a
 * sweep started there: --resume continues it), creates dir and writes
 * dir/sweep.json (temporary file, fsync, rename; format in docs/cluster.md).
 * The job line gets "|read|" and every file the inputs' readers read
 * (gr_inputs_get: the case, overlay, scenario and the grid and overlay it
 * names, costs, damage) as "name#checksum" of the bytes as read; on --resume
 * it must equal the recorded one (else CLI_EXIT_USAGE naming the input that
 * changed). Not resuming, an existing dir/checkpoint/ is refused unless
 * `force` too (the library would start afresh over it).
 * Returns CLI_EXIT_OK, CLI_EXIT_USAGE (manifest or checkpoint exists, a
 * refused resume) or CLI_EXIT_FAIL (cannot write), with a message printed. */
int cli_sweep_begin(const char *cmd, cli_sweep *cs, const char *dir, long n_items, int force);

/* 1 in the process that prints and writes the outputs: MPI rank 0, or the
 * only process without MPI. */
int cli_sweep_root(const cli_sweep *cs);

/* On rank 0, after a sweep that resumed something: "gridres CMD: resumed K of
 * N items from DIR/checkpoint" on stderr. */
void cli_sweep_report(const char *cmd, const cli_sweep *cs, const char *unit);

#endif
