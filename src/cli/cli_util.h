/* cli_util.h — helpers shared by the gridres commands: option parsing, output
 * files that are never overwritten without --force, CSV and JSON writing. */
#ifndef GRIDRES_CLI_UTIL_H
#define GRIDRES_CLI_UTIL_H

#include <stdio.h>

#include <jansson.h>

/* Exit codes of every command. */
enum {
    CLI_EXIT_OK = 0,        /* success (a power flow converged) */
    CLI_EXIT_FAIL = 1,      /* other failure: out of memory, cannot write, internal error */
    CLI_EXIT_USAGE = 2,     /* bad command line or bad input file */
    CLI_EXIT_NOCONV = 3     /* the solve ran but did not converge */
};

/* ------------------------------------------------------------------------
 * Option parsing. Long options only: "--name VALUE" and "--name=VALUE";
 * "--" ends the options; "-h"/"--help" asks for help. A command describes its
 * options in a table and gets its positional arguments back.
 * ------------------------------------------------------------------------ */
typedef enum {
    CLI_FLAG,     /* no value: *(int *)dest = ival */
    CLI_INT,      /* *(int *)dest, range [min, max] */
    CLI_DOUBLE,   /* *(double *)dest, finite, range [min, max] */
    CLI_STRING    /* *(const char **)dest = the argument (borrowed from argv) */
} cli_opt_kind;

typedef struct cli_opt {
    const char *name;   /* without the leading "--" */
    cli_opt_kind kind;
    void *dest;
    int ival;           /* value a CLI_FLAG stores (usually 1) */
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

/* Strict number parsing: the whole string must be a number in [min, max]
 * (finite for doubles). Return 0 on success, -1 otherwise (nothing printed). */
int cli_parse_int(const char *s, long min, long max, int *out);
int cli_parse_double(const char *s, double min, double max, double *out);

/* Print "gridres CMD: MESSAGE\n" (CMD may be NULL: "gridres: …") to stderr. */
void cli_errorf(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ------------------------------------------------------------------------
 * Output files. Existing files are never overwritten unless `force`.
 * ------------------------------------------------------------------------ */

/* Create directory `dir` and its missing parents (mode 0777 & ~umask).
 * An existing directory is fine. Returns 0, or -1 with a message printed. */
int cli_mkdir_p(const char *cmd, const char *dir);

/* Join dir and name into buf ("dir/name"). Returns 0, or -1 if it does not fit. */
int cli_path_join(char *buf, size_t len, const char *dir, const char *name);

/* Returns 1 if `path` exists (any kind of file), 0 if not. */
int cli_exists(const char *path);

/* Unless `force`, fail (-1, message naming the file, printed) when `path`
 * already exists; else 0. */
int cli_check_new(const char *cmd, const char *path, int force);

/* Open `path` for writing. Without `force` the file must not exist (opened
 * with "wx", so a file that appears meanwhile is not clobbered either).
 * Returns NULL with a message printed on failure. */
FILE *cli_open_out(const char *cmd, const char *path, int force);

/* Close a file opened by cli_open_out, checking write errors. Returns 0 or -1
 * with a message printed. */
int cli_close_out(const char *cmd, FILE *f, const char *path);

/* ------------------------------------------------------------------------
 * CSV and JSON.
 * ------------------------------------------------------------------------ */

/* Print a number as CSV field with "%.10g" (-0 printed as 0, NaN as "nan").
 * `sep` (',' or '\n') is written after it. */
void cli_csv_num(FILE *f, double x, char sep);
void cli_csv_int(FILE *f, long x, char sep);

/* A JSON number, or JSON null for NaN and infinities (JSON has neither). */
json_t *cli_json_num(double x);
/* Print `obj` (indented, keys in insertion order) and a newline to f. Returns
 * 0 or -1. Does not take ownership. */
int cli_json_print(FILE *f, const json_t *obj);

#endif /* GRIDRES_CLI_UTIL_H */
