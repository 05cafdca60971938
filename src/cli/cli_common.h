/* cli_common.h — the CLI's input layer: exit codes, option parsing, the options every command shares (declared once: name, kind, range, help text), the seed parser, and loading case + grid + overlay + islands. */
#ifndef GRIDRES_CLI_COMMON_H
#define GRIDRES_CLI_COMMON_H

#include <stdint.h>
#include <stdio.h>

#include "gridres.h"

/* Exit codes of every command. */
enum {
    CLI_EXIT_OK = 0,        /* success (a power flow converged) */
    CLI_EXIT_FAIL = 1,      /* other failure: out of memory, cannot write, internal error */
    CLI_EXIT_USAGE = 2,     /* bad command line or bad input file */
    CLI_EXIT_NOCONV = 3     /* the solve ran but did not converge */
};

/* Print "gridres CMD: MESSAGE\n" (CMD may be NULL: "gridres: …") to stderr. */
void cli_errorf(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ------------------------------------------------------------------------
 * Option parsing. Long options only: "--name VALUE" and "--name=VALUE";
 * "--" ends the options; "-h"/"--help" asks for help. A command describes its
 * options in a table and gets its positional arguments back.
 * ------------------------------------------------------------------------ */
typedef enum {
    CLI_FLAG,     /* no value: *(int *)dest = ival */
    CLI_INT,      /* *(int *)dest, range [min, max] */
    CLI_DOUBLE,   /* *(double *)dest, finite, range [min, max] */
    CLI_STRING,   /* *(const char **)dest = the argument (borrowed from argv) */
    CLI_SEED      /* *(uint64_t *)dest, decimal in [0, 2^ival - 1] (cli_parse_seed) */
} cli_opt_kind;

typedef struct cli_opt {
    const char *name;   /* without the leading "--" */
    cli_opt_kind kind;
    void *dest;
    int ival;           /* value a CLI_FLAG stores (usually 1); bits of a CLI_SEED */
    double min, max;    /* inclusive range for CLI_INT and CLI_DOUBLE */
    int *seen;          /* optional: set to 1 when the option was given */
} cli_opt;

/* Results of cli_parse besides CLI_EXIT_USAGE. */
#define CLI_PARSE_OK 0
#define CLI_PARSE_HELP (-1)

/* Parse argv[1..argc-1] of command `cmd` (argv[0] is the command name).
 * Positional arguments go to pos[0..max_pos-1] and their count to *npos.
 * Returns CLI_PARSE_OK, CLI_PARSE_HELP (-h/--help seen; nothing printed), or
 * CLI_EXIT_USAGE after printing one line to stderr, e.g.
 * "gridres pf: unknown option '--foo' (see gridres pf --help)". */
int cli_parse(const char *cmd, int argc, char **argv, const cli_opt *opts, int nopts,
              const char **pos, int max_pos, int *npos);

/* The name of names[0..n-1] closest to word[0..len-1]: optimal string alignment
 * distance (edits and adjacent swaps) at most 2, or word a prefix of the name (at least
 * 2 characters); NULL when none is that close. For "did you mean ..." messages. */
const char *cli_suggest(const char *word, size_t len, const char *const *names, int n);

/* Entries of an option table. */
#define CLI_NOPTS(opts) ((int)(sizeof(opts) / sizeof((opts)[0])))

/* cli_parse, and -h/--help answered: returns 1 when the command goes on, or 0
 * when it must return *exit_code now (CLI_EXIT_OK after help(stdout), or
 * CLI_EXIT_USAGE after cli_parse's message). */
int cli_parse_args(const char *cmd, int argc, char **argv, const cli_opt *opts, int nopts,
                   const char **pos, int max_pos, int *npos, void (*help)(FILE *f),
                   int *exit_code);

/* Strict number parsing: the whole string must be a number in [min, max]
 * (finite for doubles). Return 0 on success, -1 otherwise (nothing printed). */
int cli_parse_int(const char *s, long min, long max, int *out);
int cli_parse_double(const char *s, double min, double max, double *out);

/* The one seed parser: plain decimal digits (no sign, space, point or
 * exponent), value in [0, 2^bits - 1], bits 1..64. Returns 0, or -1 (nothing
 * printed) for anything else, overflow included. */
int cli_parse_seed(const char *s, int bits, uint64_t *out);

/* ------------------------------------------------------------------------
 * The options several commands share: one row each, the same name, kind,
 * range and meaning everywhere. `dest` is the variable the value goes to.
 * ------------------------------------------------------------------------ */
#define CLI_OPT_FORCE(dest) {"force", CLI_FLAG, &(dest), 1, 0, 0, NULL}
#define CLI_OPT_JSON(dest) {"json", CLI_FLAG, &(dest), 1, 0, 0, NULL}
#define CLI_OPT_QUIET(dest) {"quiet", CLI_FLAG, &(dest), 1, 0, 0, NULL}
#define CLI_OPT_OUT(dest) {"out", CLI_STRING, &(dest), 0, 0, 0, NULL}
#define CLI_OPT_OVERLAY(dest) {"overlay", CLI_STRING, &(dest), 0, 0, 0, NULL}
#define CLI_OPT_OUTAGE(dest) {"outage", CLI_STRING, &(dest), 0, 0, 0, NULL}
#define CLI_OPT_CONTROL(dest) {"control", CLI_STRING, &(dest), 0, 0, 0, NULL}
#define CLI_OPT_THREADS(dest) {"threads", CLI_INT, &(dest), 0, 1, 4096, NULL}
#define CLI_OPT_NIGHTS(dest) {"nights", CLI_INT, &(dest), 0, 1, 10000, NULL}
#define CLI_OPT_RUNS(dest) {"runs", CLI_INT, &(dest), 0, 1, 1000000, NULL}
/* --seed S: a uint64_t, at most 2^bits - 1 (CLI_SEED_BITS_*); seen may be NULL. */
#define CLI_OPT_SEED(dest, bits, seen) {"seed", CLI_SEED, &(dest), (bits), 0, 0, (seen)}
/* Power flow model (pf, contingency, cascade). */
#define CLI_OPT_AC(dest) {"ac", CLI_FLAG, &(dest), 1, 0, 0, NULL}
#define CLI_OPT_DC(dest) {"dc", CLI_FLAG, &(dest), 1, 0, 0, NULL}
#define CLI_OPT_QLIM(dest) {"qlim", CLI_FLAG, &(dest), 1, 0, 0, NULL}
#define CLI_OPT_TOL(dest, seen) {"tol", CLI_DOUBLE, &(dest), 0, 1e-15, 1.0, (seen)}
#define CLI_OPT_MAX_ITER(dest, seen) {"max-iter", CLI_INT, &(dest), 0, 1, 1000, (seen)}

/* Seed ranges. The library's seeds are all uint64_t (include/gridres.h); a
 * command takes less where its outputs need it: a seed printed as a JSON
 * integer (summary.json, cascade --json) is signed 64-bit, and protect's run
 * seeds are seed x 2^20 + r (gr_protect_run_seed). */
#define CLI_SEED_BITS_ANY 64    /* 0 .. 2^64-1: restore */
#define CLI_SEED_BITS_JSON 63   /* 0 .. 2^63-1: campaign, cascade, synth (overlay: int64) */
#define CLI_SEED_BITS_PROTECT 43 /* 0 .. 2^43-1: protect */

/* Help lines of the shared options (column 22), pasted into each command's
 * help text; the ones with a conversion take the default as an argument. */
#define CLI_HELP_FORCE "  --force             overwrite existing output files\n"
#define CLI_HELP_JSON "  --json              print the results as one JSON object on stdout\n"
#define CLI_HELP_THREADS                                                              \
    "  --threads T         threads (default: all cores); the output files are\n"       \
    "                      byte-identical for any T\n"
#define CLI_HELP_QLIM "  --qlim              AC: enforce generator reactive limits (PV->PQ switching)\n"
#define CLI_HELP_TOL "  --tol X             AC mismatch tolerance in pu (default %g)\n"
#define CLI_HELP_MAX_ITER "  --max-iter N        AC Newton iterations (default %d)\n"
#define CLI_HELP_HELP "  -h, --help          show this help\n"
/* The defaults every command shares, stated in every --help (docs/cli.md "Defaults"),
 * then the command's "examples:" lines (each one runs: tests/cli/test_cli.sh). */
#define CLI_HELP_DEFAULTS                                                                   \
    "defaults of every command: --seed 1; --threads all cores (outputs identical for any\n"  \
    "T); --out as each command says: campaign, protect and cascade --random-n2 make a\n"  \
    "new gridres-out-DATE-TIME folder (protect: protect-out-...) without it and name it\n" \
    "on the summary's first line; no file is overwritten without --force.\n"             \
    "Elements are named branch:N, line:N, trafo:N (branch rows), gen:N, bus:N (bus\n"    \
    "number) or, with an overlay, a substation or plant name (docs/cli.md).\n"          \
    "\n"

/* --control none|shed → GR_CASCADE_CONTROL_*. Returns 0, or CLI_EXIT_USAGE with
 * "gridres CMD: --control expects shed or none, got 'S'" printed. */
int cli_parse_control(const char *cmd, const char *s, int *out);

/* ------------------------------------------------------------------------
 * Inputs: the case (or the built-in example grid), its grid, the overlay
 * and the islands, read in that order.
 * ------------------------------------------------------------------------ */
typedef struct cli_inputs {
    gr_case *c;
    gr_grid *g;
    gr_overlay *ov;       /* NULL without an overlay */
    gr_islands *isl;      /* NULL unless asked for */
    const char *name;     /* the case's name, else its file name */
    const char *source;   /* the case path, or "built-in" */
} cli_inputs;

typedef struct cli_inputs_spec {
    const char *case_path;    /* NULL: the built-in example grid (examples/example6.m) */
    const char *overlay_path; /* NULL: no overlay */
    int islands;              /* -1: none; 0 or 1: gr_islands_find(g, islands) */
    int need_buses;           /* a case without buses is bad input */
    /* how the command words its input errors: "gridres CMD: PREFIX MESSAGE", or
       "gridres: PREFIX MESSAGE" when anonymous; read_prefix goes before errors
       reading the case, build_prefix before the grid's, overlay's and islands' */
    int anonymous;
    const char *read_prefix, *build_prefix;
} cli_inputs_spec;

/* Read the inputs `spec` names into *in (zeroed first). Returns CLI_EXIT_OK,
 * or CLI_EXIT_USAGE (bad input) / CLI_EXIT_FAIL (out of memory, internal
 * error) with a message naming the file printed. Free with cli_inputs_free,
 * also after a failure. */
int cli_load_inputs(const char *cmd, const cli_inputs_spec *spec, cli_inputs *in);
void cli_inputs_free(cli_inputs *in);

/* 1 when `path` names a case (.m, or .raw in any letter case), not a scenario. */
int cli_is_case_path(const char *path);
/* The built-in campaign scenario on the case at case_path, with the overlay
 * at overlay_path or (NULL) one built on the fly (s->overlay_built). */
int cli_case_scenario_read(const char *case_path, const char *overlay_path,
                           gr_campaign_scenario **s, gr_error *err);

#endif /* GRIDRES_CLI_COMMON_H */
