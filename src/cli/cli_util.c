/* cli_util.c — the CLI's output helpers: no-clobber output files and directories, CSV and JSON writing. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "cli_util.h"

int cli_mkdir_p(const char *cmd, const char *dir)
{
    char buf[4096];
    size_t len = strlen(dir);
    struct stat st;
    if (len == 0 || len >= sizeof buf) {
        cli_errorf(cmd, "bad output directory '%s'", dir);
        return -1;
    }
    memcpy(buf, dir, len + 1);
    /* Create each prefix ending before a '/', then the whole path. */
    for (size_t k = 1; k <= len; k++) {
        if (k < len && buf[k] != '/')
            continue;
        char saved = buf[k];
        buf[k] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            cli_errorf(cmd, "cannot create directory '%s': %s", buf, strerror(errno));
            return -1;
        }
        buf[k] = saved;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_errorf(cmd, "'%s' exists and is not a directory", dir);
        return -1;
    }
    return 0;
}

int cli_path_join(char *buf, size_t len, const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    int n;
    if (dl > 0 && dir[dl - 1] == '/')
        n = snprintf(buf, len, "%s%s", dir, name);
    else
        n = snprintf(buf, len, "%s/%s", dir, name);
    return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

int cli_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

int cli_check_new(const char *cmd, const char *path, int force)
{
    if (!force && cli_exists(path)) {
        cli_errorf(cmd, "'%s' exists; not overwriting it (use --force)", path);
        return -1;
    }
    return 0;
}

FILE *cli_open_out(const char *cmd, const char *path, int force)
{
    gr_error err = {0, ""};
    FILE *f = gr_out_open(path, force, &err); /* PATH.tmp.PID.SEQ until cli_close_out */
    if (!f)
        cli_errorf(cmd, "%s", err.msg);
    return f;
}

int cli_close_out(const char *cmd, FILE *f, const char *path)
{
    gr_error err = {0, ""};
    (void)path; /* (gr_out_close knows it) */
    if (gr_out_close(f, &err) != GR_OK) {
        cli_errorf(cmd, "%s", err.msg);
        return -1;
    }
    return 0;
}

void cli_abort_out(FILE *f) { gr_out_abort(f); }

int cli_out_path(const char *cmd, char *buf, size_t len, const char *dir, const char *name)
{
    if (cli_path_join(buf, len, dir, name) != 0) {
        cli_errorf(cmd, "output path too long: '%s'", dir);
        return -1;
    }
    return 0;
}

FILE *cli_open_out_in(const char *cmd, const char *dir, const char *name, int force, char *path,
                      size_t len)
{
    if (cli_out_path(cmd, path, len, dir, name) != 0)
        return NULL;
    return cli_open_out(cmd, path, force);
}

int cli_check_outputs(const char *cmd, const char *dir, const char *const *names, int n,
                      int force)
{
    char path[4096];
    for (int k = 0; k < n; k++)
        if (cli_out_path(cmd, path, sizeof path, dir, names[k]) != 0 ||
            cli_check_new(cmd, path, force) != 0)
            return CLI_EXIT_USAGE;
    return CLI_EXIT_OK;
}

int cli_out_dir_prepare(const char *cmd, const char *out_dir, const char *prefix,
                        const char *const *names, int n, int force, char *dir, size_t len)
{
    if (out_dir) {
        if (strlen(out_dir) + 32 > len) {
            cli_errorf(cmd, "output path too long: '%s'", out_dir);
            return CLI_EXIT_USAGE;
        }
        snprintf(dir, len, "%s", out_dir);
        return cli_check_outputs(cmd, dir, names, n, force);
    }
    time_t now = time(NULL);
    struct tm tmv;
    char stamp[32];
    localtime_r(&now, &tmv);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv);
    snprintf(dir, len, "%s-%s", prefix, stamp);
    for (int k = 2; cli_exists(dir) && k < 1000; k++)
        snprintf(dir, len, "%s-%s-%d", prefix, stamp, k);
    if (cli_exists(dir)) {
        cli_errorf(cmd, "cannot find a new output directory name (use --out)");
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

int cli_write_text(const char *cmd, const char *path, int force, const char *text)
{
    FILE *f = cli_open_out(cmd, path, force);
    if (!f)
        return -1;
    fputs(text, f);
    return cli_close_out(cmd, f, path);
}

int cli_write_json(const char *cmd, const char *path, int force, const json_t *obj)
{
    FILE *f = cli_open_out(cmd, path, force);
    if (!f)
        return -1;
    if (cli_json_print(f, obj) != 0) {
        gr_out_abort(f);
        cli_errorf(cmd, "error writing '%s'", path);
        return -1;
    }
    return cli_close_out(cmd, f, path);
}

void cli_progress_clear(int shown)
{
    if (shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

int cli_progress_due(double *last, double every, int *shown, double *now)
{
    *now = gr_time_s();
    if (*now - *last < every)
        return 0;
    *last = *now;
    *shown = 1;
    return 1;
}

static void read_progress_sink(const char *stage, long done, long total, void *user)
{
    cli_read_progress *p = user;
    double now;
    if (!cli_progress_due(&p->last, 0.25, &p->shown, &now))
        return;
    if (total > 0)
        fprintf(stderr, "\r\033[Kgridres %s: reading %s: %s, %ld of %ld (%.0f s)", p->cmd,
                p->what, stage, done, total, now - p->t0);
    else
        fprintf(stderr, "\r\033[Kgridres %s: reading %s: %s (%.0f s)", p->cmd, p->what, stage,
                now - p->t0);
    fflush(stderr);
}

void cli_read_progress_begin(cli_read_progress *p, const char *cmd, const char *what, int tty)
{
    p->cmd = cmd;
    p->what = what;
    p->t0 = p->last = gr_time_s();
    p->tty = tty;
    p->shown = 0;
    if (!tty)
        return;
    fprintf(stderr, "gridres %s: reading %s ...", cmd, what);
    fflush(stderr);
    gr_progress_set(read_progress_sink, p);
}

void cli_read_progress_end(cli_read_progress *p)
{
    if (!p->tty)
        return;
    gr_progress_set(NULL, NULL);
    double s = gr_time_s() - p->t0;
    if (p->shown)
        fprintf(stderr, "\r\033[Kgridres %s: reading %s ... %.1f s\n", p->cmd, p->what, s);
    else
        fprintf(stderr, " %.1f s\n", s);
}

void cli_csv_num(FILE *f, double x, char sep)
{
    if (isnan(x))
        fputs("nan", f);
    else if (x == 0.0)
        fputc('0', f);   /* also -0 */
    else
        fprintf(f, "%.10g", x);
    fputc(sep, f);
}

void cli_csv_int(FILE *f, long x, char sep) { fprintf(f, "%ld%c", x, sep); }

json_t *cli_json_num(double x)
{
    if (!isfinite(x))
        return json_null();
    return json_real(x);
}

int cli_json_print(FILE *f, const json_t *obj)
{
    if (json_dumpf(obj, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12)) != 0)
        return -1;
    fputc('\n', f);
    return ferror(f) ? -1 : 0;
}
