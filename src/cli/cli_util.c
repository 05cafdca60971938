/* cli_util.c — option parsing, no-clobber output files, CSV and JSON helpers for the CLI. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cli_util.h"

void cli_errorf(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    if (cmd)
        fprintf(stderr, "gridres %s: ", cmd);
    else
        fputs("gridres: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_parse_int(const char *s, long min, long max, int *out)
{
    char *end;
    long v;
    if (!s || !*s)
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < min || v > max || v < INT_MIN || v > INT_MAX)
        return -1;
    *out = (int)v;
    return 0;
}

int cli_parse_double(const char *s, double min, double max, double *out)
{
    char *end;
    double v;
    if (!s || !*s)
        return -1;
    errno = 0;
    v = strtod(s, &end);
    if (errno == ERANGE && fabs(v) > 1.0)   /* overflow; underflow to ~0 is fine */
        return -1;
    if (end == s || *end != '\0' || !isfinite(v) || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static const cli_opt *find_opt(const cli_opt *opts, int nopts, const char *name, size_t len)
{
    for (int k = 0; k < nopts; k++)
        if (strlen(opts[k].name) == len && strncmp(opts[k].name, name, len) == 0)
            return &opts[k];
    return NULL;
}

/* Store `val` (NULL for a flag) into the option's destination. */
static int set_opt(const char *cmd, const cli_opt *o, const char *val)
{
    switch (o->kind) {
    case CLI_FLAG:
        *(int *)o->dest = o->ival;
        break;
    case CLI_INT: {
        int v;
        if (cli_parse_int(val, (long)o->min, (long)o->max, &v) != 0) {
            cli_errorf(cmd, "option '--%s' expects an integer in [%.0f, %.0f], got '%s'", o->name,
                       o->min, o->max, val);
            return CLI_EXIT_USAGE;
        }
        *(int *)o->dest = v;
        break;
    }
    case CLI_DOUBLE: {
        double v;
        if (cli_parse_double(val, o->min, o->max, &v) != 0) {
            cli_errorf(cmd, "option '--%s' expects a number in [%g, %g], got '%s'", o->name,
                       o->min, o->max, val);
            return CLI_EXIT_USAGE;
        }
        *(double *)o->dest = v;
        break;
    }
    case CLI_STRING:
        *(const char **)o->dest = val;
        break;
    }
    if (o->seen)
        *o->seen = 1;
    return CLI_PARSE_OK;
}

int cli_parse(const char *cmd, int argc, char **argv, const cli_opt *opts, int nopts,
              const char **pos, int max_pos, int *npos)
{
    int only_pos = 0;
    *npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (!only_pos && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0))
            return CLI_PARSE_HELP;
        if (!only_pos && a[0] == '-' && a[1] != '\0') {
            const char *name, *eq, *val = NULL;
            const cli_opt *o;
            if (a[1] != '-') {
                cli_errorf(cmd, "unknown option '%s' (see gridres %s --help)", a, cmd);
                return CLI_EXIT_USAGE;
            }
            name = a + 2;
            eq = strchr(name, '=');
            o = find_opt(opts, nopts, name, eq ? (size_t)(eq - name) : strlen(name));
            if (!o || *name == '\0') {
                cli_errorf(cmd, "unknown option '%.*s' (see gridres %s --help)",
                           eq ? (int)(eq - a) : (int)strlen(a), a, cmd);
                return CLI_EXIT_USAGE;
            }
            if (o->kind == CLI_FLAG) {
                if (eq) {
                    cli_errorf(cmd, "option '--%s' takes no value (see gridres %s --help)",
                               o->name, cmd);
                    return CLI_EXIT_USAGE;
                }
            } else if (eq) {
                val = eq + 1;
            } else if (i + 1 < argc && !(argv[i + 1][0] == '-' && argv[i + 1][1] == '-')) {
                val = argv[++i];
            }
            if (o->kind != CLI_FLAG && (!val || *val == '\0')) {
                cli_errorf(cmd, "option '--%s' needs a value (see gridres %s --help)", o->name,
                           cmd);
                return CLI_EXIT_USAGE;
            }
            int rc = set_opt(cmd, o, val);
            if (rc != CLI_PARSE_OK)
                return rc;
            continue;
        }
        if (*npos >= max_pos) {
            cli_errorf(cmd, "unexpected argument '%s' (see gridres %s --help)", a, cmd);
            return CLI_EXIT_USAGE;
        }
        pos[(*npos)++] = a;
    }
    return CLI_PARSE_OK;
}

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
    FILE *f = fopen(path, force ? "w" : "wx");
    if (!f) {
        if (!force && errno == EEXIST)
            cli_errorf(cmd, "'%s' exists; not overwriting it (use --force)", path);
        else
            cli_errorf(cmd, "cannot write '%s': %s", path, strerror(errno));
    }
    return f;
}

int cli_close_out(const char *cmd, FILE *f, const char *path)
{
    int bad = ferror(f);
    if (fclose(f) != 0)
        bad = 1;
    if (bad) {
        cli_errorf(cmd, "error writing '%s'", path);
        return -1;
    }
    return 0;
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
