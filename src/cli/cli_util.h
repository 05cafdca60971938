/* cli_util.h — the CLI's output helpers: output files and directories that are
 * never overwritten without --force, CSV and JSON writing. Input side: cli_common.h. */
#ifndef GRIDRES_CLI_UTIL_H
#define GRIDRES_CLI_UTIL_H

#include <stdio.h>

#include <jansson.h>

#include "cli_common.h"

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

/* Open `path` for writing (gr_out_open: the bytes go to PATH.tmp.PID.SEQ
 * beside it until cli_close_out). Without `force` the file must not exist,
 * at the open and at the rename (a file that appears meanwhile is not
 * clobbered either). Returns NULL with a message printed on failure. */
FILE *cli_open_out(const char *cmd, const char *path, int force);

/* Commit a file opened by cli_open_out (gr_out_close: flush, fsync, rename
 * onto `path`); on any write error the temporary file is removed. Returns 0
 * or -1 with a message printed. */
int cli_close_out(const char *cmd, FILE *f, const char *path);
/* Give up a file opened by cli_open_out: closed, its temporary file removed. */
void cli_abort_out(FILE *f);

/* buf = dir/name; -1 with "output path too long: 'DIR'" printed if it does not fit. */
int cli_out_path(const char *cmd, char *buf, size_t len, const char *dir, const char *name);

/* cli_out_path into path[len], then cli_open_out. NULL with a message printed. */
FILE *cli_open_out_in(const char *cmd, const char *dir, const char *name, int force, char *path,
                      size_t len);

/* Before any work: unless `force`, refuse when one of dir/names[0..n-1]
 * exists. Returns CLI_EXIT_OK, or CLI_EXIT_USAGE with a message printed (the
 * file that exists, or a path too long). */
int cli_check_outputs(const char *cmd, const char *dir, const char *const *names, int n,
                      int force);

/* The output directory into dir[len]: out_dir when given (then checked with
 * cli_check_outputs), else a new "PREFIX-YYYYmmdd-HHMMSS[-K]" that does not
 * exist yet. Returns CLI_EXIT_OK or CLI_EXIT_USAGE with a message printed. */
int cli_out_dir_prepare(const char *cmd, const char *out_dir, const char *prefix,
                        const char *const *names, int n, int force, char *dir, size_t len);

/* Write `text` to path (cli_open_out rules). Returns 0 or -1 with a message printed. */
int cli_write_text(const char *cmd, const char *path, int force, const char *text);
/* Write `obj` as cli_json_print does to path. Returns 0 or -1 with a message printed. */
int cli_write_json(const char *cmd, const char *path, int force, const json_t *obj);

/* Erase a progress line drawn on stderr (shown: something was drawn). */
void cli_progress_clear(int shown);
/* A progress line's pace: 1 (with *now, *last = now, *shown = 1) when `every`
 * seconds have passed since *last, else 0: draw only then. */
int cli_progress_due(double *last, double every, int *shown, double *now);

/* Reading a scenario on a terminal: "gridres CMD: reading WHAT ..." at once,
 * then the library's stages (gr_progress_set: building an overlay, ranking
 * the assets "i of n") on the same line at most 4 times a second, and the
 * seconds when cli_read_progress_end is called. Nothing when tty is 0. */
typedef struct cli_read_progress {
    const char *cmd, *what;
    double t0, last;
    int tty, shown;
} cli_read_progress;
void cli_read_progress_begin(cli_read_progress *p, const char *cmd, const char *what, int tty);
void cli_read_progress_end(cli_read_progress *p);

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
