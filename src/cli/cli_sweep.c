/* cli_sweep.c — the sweep commands' output folder and its manifest (sweep.json), --resume DIR from that manifest, checkpoint options, the job line that identifies a sweep, and the MPI rank that writes outputs. */
/*
 * DESIGN
 * A sweep's command line is its definition. When the sweep starts, rank 0
 * writes DIR/sweep.json: the command, its arguments as given (without --out,
 * --force, --resume), the working directory, each input file with its size
 * and checksum, and the job line. `--resume DIR` reads it back before the
 * command parses its options and runs the recorded command line, so a
 * resume alone is exactly the killed job. Options the user repeats are
 * checked against the record (the ones that change the results) or override
 * it (threads, checkpoints, printing). The job line then recomputed from the
 * merged command line must equal the recorded one (catches a changed input
 * file or another version); the library checks it once more against the
 * checkpoint's own manifest.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli_sweep.h"

#define MANIFEST "sweep.json"
#define MANIFEST_FORMAT "gridres-sweep/1"
/* manifest_read: no manifest, and that is fine (an MPI rank other than 0) */
#define NO_MANIFEST (-1)
/* the job line: the command line, then this, then every input file read */
#define READ_MARK "|read|"

void cli_sweep_help(FILE *f, const char *unit)
{
    fprintf(f,
            "checkpoints and clusters (docs/cluster.md):\n"
            "  the output folder DIR and DIR/sweep.json (the command line) are written\n"
            "  when the sweep starts; with more than one item the finished %s are\n"
            "  saved to DIR/checkpoint/ every 60 s and when the sweep ends\n"
            "  --checkpoint-every N\n"
            "                      ... and every N %s\n"
            "  --checkpoint-s S    ... every S seconds instead of 60\n"
            "  --resume DIR        continue the sweep recorded in DIR/sweep.json with the\n"
            "                      recorded options: only the %s missing from\n"
            "                      DIR/checkpoint/ run. Options given again must have the\n"
            "                      recorded values, except --threads, --checkpoint-*,\n"
            "                      --json, --quiet, --top, --force. Outputs go to DIR\n"
            "  under mpirun -n P (built with MPI) rank 0 hands %s to every rank, each\n"
            "  runs them on --threads T threads (default: cores / ranks on the node), and\n"
            "  rank 0 writes the outputs, byte-identical to a run without MPI\n",
            unit, unit, unit, unit);
}

int cli_sweep_root(const cli_sweep *cs)
{
    return gr_mpi_rank(cs->mpi) == 0;
}

/* Options that do not change the results: left out of the job line. */
static int skipped(const char *name, int *takes_value)
{
    static const char *const with_value[] = {"threads", "out", "top", "resume", "checkpoint-every",
                                             "checkpoint-s"};
    static const char *const flags[] = {"force", "json", "quiet"};
    for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++)
        if (strcmp(name, with_value[k]) == 0) {
            *takes_value = 1;
            return 1;
        }
    for (size_t k = 0; k < sizeof flags / sizeof *flags; k++)
        if (strcmp(name, flags[k]) == 0) {
            *takes_value = 0;
            return 1;
        }
    return 0;
}

/* FNV-1a 64 and size of a regular file; 0 when it is not one. */
static int file_hash(const char *path, uint64_t *h, long long *bytes)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char buf[65536];
    uint64_t x = 0xcbf29ce484222325ULL;
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t i = 0; i < n; i++) {
            x ^= buf[i];
            x *= 0x100000001b3ULL;
        }
    int ok = !ferror(f);
    fclose(f);
    *h = x;
    if (bytes)
        *bytes = (long long)sb.st_size;
    return ok;
}

static void append(char *job, size_t len, const char *s)
{
    size_t n = strlen(job), k = strlen(s);
    if (n + 1 >= len)
        return;
    if (n)
        job[n++] = ' ';
    if (k > len - 1 - n)
        k = len - 1 - n;
    memcpy(job + n, s, k);
    job[n + k] = '\0';
}

/* An argument as the job line names it: a file as "name#checksum", anything
 * else as is. */
static void job_token(char *tok, size_t len, const char *arg)
{
    uint64_t h;
    if (file_hash(arg, &h, NULL)) {
        const char *base = strrchr(arg, '/');
        snprintf(tok, len, "%.400s#%016llx", base ? base + 1 : arg, (unsigned long long)h);
    } else {
        snprintf(tok, len, "%s", arg);
    }
}

/* Append an argument (job_token). */
static void append_arg(char *job, size_t len, const char *arg)
{
    char tok[4200];
    job_token(tok, sizeof tok, arg);
    append(job, len, tok);
}

/* ------------------------------------------------------------------------
 * A command line as the command's option table reads it (as cli_parse does).
 * ------------------------------------------------------------------------ */
enum { TOK_OPT, TOK_POS, TOK_END };

typedef struct arg_tok {
    int at, count;          /* argv[at .. at + count - 1] */
    int kind;               /* TOK_OPT, TOK_POS, TOK_END ("--") */
    char name[64];          /* option name without "--" */
    const char *value;      /* the option's value (NULL: a flag), or the argument */
    const cli_opt *opt;     /* NULL: not an option of the command */
} arg_tok;

static const cli_opt *opt_named(const cli_sweep *cs, const char *name)
{
    for (int k = 0; k < cs->nopts; k++)
        if (strcmp(cs->opts[k].name, name) == 0)
            return &cs->opts[k];
    return NULL;
}

/* Tokens of argv[1..argc-1] into t[max]; their count, or -1 when too many. */
static int tokenize(const cli_sweep *cs, int argc, char **argv, arg_tok *t, int max)
{
    int n = 0, only_pos = 0;
    for (int i = 1; i < argc; i++) {
        if (n == max)
            return -1;
        arg_tok *k = &t[n++];
        memset(k, 0, sizeof *k);
        k->at = i;
        k->count = 1;
        const char *a = argv[i];
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
            k->kind = TOK_END;
            continue;
        }
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            k->kind = TOK_POS;
            k->value = a;
            continue;
        }
        k->kind = TOK_OPT; /* "-x" too: not an option of any command (cli_parse says so) */
        const char *name = a[1] == '-' ? a + 2 : a;
        const char *eq = strchr(name, '=');
        size_t nl = eq ? (size_t)(eq - name) : strlen(name);
        snprintf(k->name, sizeof k->name, "%.*s", (int)(nl < 63 ? nl : 63), name);
        k->opt = a[1] == '-' ? opt_named(cs, k->name) : NULL;
        if (eq)
            k->value = eq + 1;
        else if (k->opt && k->opt->kind != CLI_FLAG && i + 1 < argc &&
                 !(argv[i + 1][0] == '-' && argv[i + 1][1] == '-')) {
            k->value = argv[++i];
            k->count = 2;
        }
    }
    return n;
}

static int asks_help(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------------
 * --resume DIR: the recorded command line.
 * ------------------------------------------------------------------------ */

/* A copy of s in cs->arg_text; NULL when it is full. */
static char *keep_str(cli_sweep *cs, size_t *used, const char *s)
{
    size_t n = strlen(s) + 1;
    if (n > sizeof cs->arg_text - *used)
        return NULL;
    char *p = cs->arg_text + *used;
    memcpy(p, s, n);
    *used += n;
    return p;
}

/* s with its tail `path` (all of s, or after "--name=") replaced by abs, kept in cs. */
static char *with_abs_path(cli_sweep *cs, size_t *used, const char *s, const char *path,
                           const char *abs)
{
    size_t ls = strlen(s), lp = strlen(path);
    if (ls < lp || strcmp(s + ls - lp, path) != 0 || (ls > lp && s[ls - lp - 1] != '='))
        return keep_str(cs, used, s);
    char buf[8192];
    if (snprintf(buf, sizeof buf, "%.*s%s", (int)(ls - lp), s, abs) >= (int)sizeof buf)
        return NULL;
    return keep_str(cs, used, buf);
}

static int manifest_bad(const char *cmd, const char *path, const char *field, const char *what)
{
    cli_errorf(cmd, "%s: %s: %s; nothing to resume", path, field, what);
    return CLI_EXIT_USAGE;
}

/* DIR/sweep.json, parsed and checked: the recorded argv into cs->arg_v (from
 * index 0, *rargc entries) and the job line into cs->recorded_job. */
static int manifest_read(const char *cmd, cli_sweep *cs, const char *dir, int quiet_missing,
                         int *rargc, size_t *used)
{
    char path[4096], field[64];
    if (cli_path_join(path, sizeof path, dir, MANIFEST) != 0) {
        cli_errorf(cmd, "--resume: path too long: '%s'", dir);
        return CLI_EXIT_USAGE;
    }
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (quiet_missing && (errno == ENOENT || errno == ENOTDIR))
            return NO_MANIFEST; /* the command line is used as given */
        if (errno == ENOENT || errno == ENOTDIR)
            cli_errorf(cmd, "%s: no sweep manifest (%s); nothing to resume", dir, MANIFEST);
        else
            cli_errorf(cmd, "cannot read %s: %s", path, strerror(errno));
        return CLI_EXIT_USAGE;
    }
    json_error_t je;
    json_t *m = json_load_file(path, 0, &je);
    if (!m) {
        cli_errorf(cmd, "%s:%d:%d: %s; nothing to resume", path, je.line, je.column, je.text);
        return CLI_EXIT_USAGE;
    }
    int rc = CLI_EXIT_USAGE;
    const char *format = json_string_value(json_object_get(m, "format"));
    const char *command = json_string_value(json_object_get(m, "command"));
    const char *cwd = json_string_value(json_object_get(m, "cwd"));
    const char *job = json_string_value(json_object_get(m, "job"));
    json_t *av = json_object_get(m, "argv"), *in = json_object_get(m, "inputs");
    if (!json_is_object(m)) {
        manifest_bad(cmd, path, "$", "expected a JSON object");
        goto done;
    }
    if (!format || strcmp(format, MANIFEST_FORMAT) != 0) {
        manifest_bad(cmd, path, "$.format", "expected \"" MANIFEST_FORMAT "\"");
        goto done;
    }
    if (!command) {
        manifest_bad(cmd, path, "$.command", "expected a string");
        goto done;
    }
    if (strcmp(command, cmd) != 0) {
        cli_errorf(cmd, "%s holds a `gridres %s` sweep, not a `gridres %s` one; resume it with "
                        "`gridres %s --resume %s`",
                   dir, command, cmd, command, dir);
        goto done;
    }
    if (!cwd || !job || strlen(job) >= sizeof cs->recorded_job) {
        manifest_bad(cmd, path, !cwd ? "$.cwd" : "$.job", "expected a string");
        goto done;
    }
    size_t n = json_array_size(av);
    if (!json_is_array(av) || n < 1 || n > CLI_SWEEP_MAX_ARGS) {
        manifest_bad(cmd, path, "$.argv", "expected an array of 1 to 256 strings");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (!json_is_string(json_array_get(av, i))) {
            snprintf(field, sizeof field, "$.argv[%zu]", i);
            manifest_bad(cmd, path, field, "expected a string");
            goto done;
        }
    if (strcmp(json_string_value(json_array_get(av, 0)), command) != 0) {
        manifest_bad(cmd, path, "$.argv[0]", "expected the command");
        goto done;
    }
    if (in && !json_is_array(in)) {
        manifest_bad(cmd, path, "$.inputs", "expected an array");
        goto done;
    }
    /* relative input paths: from the recorded working directory */
    char here[4096];
    int moved = !getcwd(here, sizeof here) || strcmp(here, cwd) != 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(av, i));
        char *kept = NULL;
        for (size_t k = 0; moved && !kept && k < json_array_size(in); k++) {
            json_t *e = json_array_get(in, k);
            json_t *arg = json_object_get(e, "arg");
            const char *p = json_string_value(json_object_get(e, "path"));
            const char *abs = json_string_value(json_object_get(e, "abs"));
            if (!json_is_integer(arg) || !p || !abs) {
                snprintf(field, sizeof field, "$.inputs[%zu]", k);
                manifest_bad(cmd, path, field, "expected {\"arg\": N, \"path\": \"…\", \"abs\": \"…\"}");
                goto done;
            }
            if (json_integer_value(arg) == (json_int_t)i && (kept = with_abs_path(cs, used, s, p, abs)) == NULL)
                break;
        }
        if (!kept)
            kept = keep_str(cs, used, s);
        if (!kept) {
            manifest_bad(cmd, path, "$.argv", "too long (more than 16 KiB)");
            goto done;
        }
        cs->arg_v[i] = kept;
    }
    *rargc = (int)n;
    snprintf(cs->recorded_job, sizeof cs->recorded_job, "%s", job);
    rc = CLI_EXIT_OK;
done:
    json_decref(m);
    return rc;
}

/* The refusal of an option that differs from the recorded sweep. */
static int differs(const char *cmd, const char *dir, const char *what, const char *there,
                   const char *here)
{
    cli_errorf(cmd, "cannot resume %s: it holds a different sweep (%s %s there, %s here); leave "
                    "it out to resume the recorded sweep, or start afresh in another "
                    "directory",
               dir, what, there, here);
    return CLI_EXIT_USAGE;
}

static void quoted(char *buf, size_t len, const char *v)
{
    char tok[4200];
    if (!v) {
        snprintf(buf, len, "given");
        return;
    }
    job_token(tok, sizeof tok, v);
    snprintf(buf, len, "'%.1000s'", tok);
}

int cli_sweep_args(const char *cmd, cli_sweep *cs, gr_mpi *mpi, const cli_opt *opts, int nopts,
                   int *argc, char ***argv)
{
    cs->opts = opts;
    cs->nopts = nopts;
    cs->argc = *argc;
    cs->argv = *argv;
    cs->recorded_job[0] = '\0';
    if (asks_help(*argc, *argv))
        return CLI_EXIT_OK;
    static const int max = CLI_SWEEP_MAX_ARGS;
    arg_tok cur[CLI_SWEEP_MAX_ARGS], rec[CLI_SWEEP_MAX_ARGS];
    int ncur = tokenize(cs, *argc, *argv, cur, max);
    if (ncur < 0) {
        cli_errorf(cmd, "more than %d arguments", max);
        return CLI_EXIT_USAGE;
    }
    const char *dir = NULL;
    for (int k = 0; k < ncur; k++)
        if (cur[k].kind == TOK_OPT && cur[k].opt && strcmp(cur[k].name, "resume") == 0)
            dir = cur[k].value;
    if (!dir || !*dir)
        return CLI_EXIT_OK; /* (an empty --resume: cli_parse says so) */

    size_t used = 0;
    int rargc = 0;
    int rc = manifest_read(cmd, cs, dir, gr_mpi_rank(mpi) != 0, &rargc, &used);
    if (rc == NO_MANIFEST)
        return CLI_EXIT_OK;
    if (rc != CLI_EXIT_OK)
        return rc;
    int nrec = tokenize(cs, rargc, cs->arg_v, rec, max);
    if (nrec < 0) {
        cli_errorf(cmd, "%s/%s: more than %d arguments", dir, MANIFEST, max);
        return CLI_EXIT_USAGE;
    }
    for (int k = 0; k < nrec; k++)
        if (rec[k].kind == TOK_OPT && !rec[k].opt) {
            cli_errorf(cmd, "%s/%s: $.argv[%d]: '%s' is not an option of gridres %s (another "
                            "version?); nothing to resume",
                       dir, MANIFEST, rec[k].at, cs->arg_v[rec[k].at], cmd);
            return CLI_EXIT_USAGE;
        }

    /* the user's arguments against the record */
    int keep[CLI_SWEEP_MAX_ARGS], extra[CLI_SWEEP_MAX_ARGS], nextra = 0, npos = 0;
    char there[1100], here[1100], what[96];
    for (int k = 0; k < nrec; k++)
        keep[k] = 1;
    for (int c = 0; c < ncur; c++) {
        const arg_tok *t = &cur[c];
        int takes_value;
        if (t->kind == TOK_END)
            continue;
        if (t->kind == TOK_POS) {
            int r = 0, seen = 0;
            for (; r < nrec; r++)
                if (rec[r].kind == TOK_POS && seen++ == npos)
                    break;
            npos++;
            snprintf(what, sizeof what, "argument %d", npos);
            quoted(here, sizeof here, t->value);
            if (r == nrec)
                return differs(cmd, dir, what, "absent", here);
            quoted(there, sizeof there, rec[r].value);
            if (strcmp(there, here) != 0)
                return differs(cmd, dir, what, there, here);
            continue;
        }
        if (!t->opt || strcmp(t->name, "out") == 0 || strcmp(t->name, "resume") == 0 ||
            strcmp(t->name, "force") == 0) {
            extra[nextra++] = c; /* (an unknown option: cli_parse says so) */
            continue;
        }
        if (skipped(t->name, &takes_value)) { /* the user's value replaces the record's */
            for (int r = 0; r < nrec; r++)
                if (rec[r].kind == TOK_OPT && strcmp(rec[r].name, t->name) == 0)
                    keep[r] = 0;
            extra[nextra++] = c;
            continue;
        }
        int last = -1;
        for (int r = 0; r < nrec; r++)
            if (rec[r].kind == TOK_OPT && strcmp(rec[r].name, t->name) == 0)
                last = r;
        snprintf(what, sizeof what, "--%s", t->name);
        quoted(here, sizeof here, t->value);
        if (last < 0)
            return differs(cmd, dir, what, "absent", here);
        quoted(there, sizeof there, rec[last].value);
        if (strcmp(there, here) != 0)
            return differs(cmd, dir, what, there, here);
    }

    /* the merged command line: the record in its order (the job line depends
       on it), the user's overrides before any "--" */
    int n = 0;
    char *merged[CLI_SWEEP_MAX_ARGS + 2];
    merged[n++] = (*argv)[0];
    int placed = 0;
    for (int r = 0; r <= nrec; r++) {
        if (!placed && (r == nrec || rec[r].kind == TOK_END)) {
            for (int e = 0; e < nextra; e++)
                for (int j = 0; j < cur[extra[e]].count; j++) {
                    if (n >= CLI_SWEEP_MAX_ARGS) {
                        cli_errorf(cmd, "more than %d arguments with the recorded ones", max);
                        return CLI_EXIT_USAGE;
                    }
                    merged[n++] = (*argv)[cur[extra[e]].at + j];
                }
            placed = 1;
        }
        if (r == nrec || !keep[r])
            continue;
        for (int j = 0; j < rec[r].count; j++) {
            if (n >= CLI_SWEEP_MAX_ARGS) {
                cli_errorf(cmd, "more than %d arguments with the recorded ones", max);
                return CLI_EXIT_USAGE;
            }
            merged[n++] = cs->arg_v[rec[r].at + j];
        }
    }
    memcpy(cs->arg_v, merged, (size_t)n * sizeof *merged);
    cs->arg_v[n] = NULL;
    cs->argc = *argc = n;
    cs->argv = *argv = cs->arg_v;
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------
 * The job line and the sweep options.
 * ------------------------------------------------------------------------ */

/* The first token where two job lines differ, into a[] and b[]. */
static void first_difference(const char *x, const char *y, char *a, size_t la, char *b, size_t lb)
{
    for (;;) {
        size_t nx = strcspn(x, " "), ny = strcspn(y, " ");
        if (nx != ny || strncmp(x, y, nx) != 0 || (!x[nx] && !y[ny])) {
            snprintf(a, la, "'%.*s'", (int)(nx < 1000 ? nx : 1000), x);
            snprintf(b, lb, "'%.*s'", (int)(ny < 1000 ? ny : 1000), y);
            if (!nx)
                snprintf(a, la, "nothing");
            if (!ny)
                snprintf(b, lb, "nothing");
            return;
        }
        x += nx + (x[nx] == ' ');
        y += ny + (y[ny] == ' ');
    }
}

int cli_sweep_setup(const char *cmd, cli_sweep *cs, gr_mpi *mpi, int argc, char **argv,
                    const char **out_dir, const gr_sweep_options **opt_out)
{
    *opt_out = NULL;
    gr_sweep_options_default(&cs->opt);
    cs->mpi = mpi;
    cs->opt.mpi = mpi;
    if (cs->resume) {
        if (!*cs->resume) {
            cli_errorf(cmd, "--resume needs a directory");
            return CLI_EXIT_USAGE;
        }
        if (*out_dir && strcmp(*out_dir, cs->resume) != 0) {
            cli_errorf(cmd, "--resume DIR writes its outputs to DIR: leave out --out or give the "
                            "same directory");
            return CLI_EXIT_USAGE;
        }
        *out_dir = cs->resume;
    }
    if ((cs->every_seen || cs->every_s_seen) && !*out_dir && !cs->out_default) {
        cli_errorf(cmd, "--checkpoint-every/--checkpoint-s save to DIR/checkpoint/: give --out DIR");
        return CLI_EXIT_USAGE;
    }
    /* the job line: the command and the arguments that change the results */
    cs->job[0] = '\0';
    append(cs->job, sizeof cs->job, "gridres-" GRIDRES_VERSION); /* built-in defaults */
    append(cs->job, sizeof cs->job, cmd);
    int opts_done = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!opts_done && strcmp(a, "--") == 0) {
            opts_done = 1;
            continue;
        }
        if (!opts_done && a[0] == '-' && a[1] == '-') {
            char name[64];
            const char *eq = strchr(a + 2, '=');
            size_t nl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            snprintf(name, sizeof name, "%.*s", (int)(nl < 63 ? nl : 63), a + 2);
            int takes_value = 0;
            if (skipped(name, &takes_value)) {
                if (takes_value && !eq)
                    i++;
                continue;
            }
            char tok[80];
            snprintf(tok, sizeof tok, "--%s", name);
            append(cs->job, sizeof cs->job, tok);
            if (eq)
                append_arg(cs->job, sizeof cs->job, eq + 1);
            continue;
        }
        append_arg(cs->job, sizeof cs->job, a);
    }
    /* the command-line part of the recorded job line (the inputs read: cli_sweep_begin) */
    char rec_cmd[sizeof cs->recorded_job];
    const char *mark = strstr(cs->recorded_job, " " READ_MARK);
    snprintf(rec_cmd, sizeof rec_cmd, "%.*s",
             (int)(mark ? (size_t)(mark - cs->recorded_job) : strlen(cs->recorded_job)),
             cs->recorded_job);
    if (cs->resume && cs->recorded_job[0] && strcmp(rec_cmd, cs->job) != 0) {
        char a[1100], b[1100];
        first_difference(rec_cmd, cs->job, a, sizeof a, b, sizeof b);
        cli_errorf(cmd, "cannot resume %s: it holds a different sweep (%s there, %s here%s)",
                   cs->resume, a, b,
                   strchr(a, '#') || strchr(b, '#') ? ": an input file changed"
                                                    : ": another gridres version?");
        return CLI_EXIT_USAGE;
    }
    cs->opt.dir = NULL; /* cli_sweep_begin */
    cs->opt.every = cs->every_seen ? cs->every : 0;
    cs->opt.every_s = cs->every_s_seen ? cs->every_s : 0; /* both 0: every 60 s */
    cs->opt.resume = cs->resume != NULL;
    cs->opt.job = cs->job;
    cs->opt.stats = &cs->stats;
    *opt_out = &cs->opt;
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------
 * DIR/sweep.json
 * ------------------------------------------------------------------------ */

/* The manifest of the sweep cs is about to run; NULL when out of memory or an
 * argument is not UTF-8 (jansson's strings must be). */
static json_t *manifest_json(const char *cmd, const cli_sweep *cs)
{
    json_t *o = json_object(), *av = json_array(), *in = json_array(); /* av, in: borrowed */
    char cwd[4096], stamp[32];
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, ".");
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    int bad = !o || json_object_set_new(o, "format", json_string(MANIFEST_FORMAT)) ||
              json_object_set_new(o, "version", json_string(GRIDRES_VERSION)) ||
              json_object_set_new(o, "created", json_string(stamp)) ||
              json_object_set_new(o, "command", json_string(cmd));
    bad = json_object_set_new(o, "argv", av) || bad; /* (steals av even on failure) */
    bad = json_object_set_new(o, "cwd", json_string(cwd)) || bad;
    bad = json_object_set_new(o, "inputs", in) || bad;
    bad = json_object_set_new(o, "job", json_string(cs->job)) || bad;
    bad = bad || json_array_append_new(av, json_string(cmd));
    arg_tok t[CLI_SWEEP_MAX_ARGS];
    int n = tokenize(cs, cs->argc, cs->argv, t, CLI_SWEEP_MAX_ARGS);
    bad = bad || n < 0;
    for (int k = 0; !bad && k < n; k++) {
        if (t[k].kind == TOK_OPT && (strcmp(t[k].name, "out") == 0 ||
                                     strcmp(t[k].name, "force") == 0 ||
                                     strcmp(t[k].name, "resume") == 0))
            continue;
        for (int j = 0; j < t[k].count && !bad; j++)
            bad = json_array_append_new(av, json_string(cs->argv[t[k].at + j]));
        /* an input file: an argument, or the value of an option taking text */
        int text = t[k].kind == TOK_POS || (t[k].kind == TOK_OPT && t[k].opt &&
                                            t[k].opt->kind == CLI_STRING && t[k].value);
        uint64_t h;
        long long bytes;
        char abs[8192], sum[24];
        if (bad || !text || !file_hash(t[k].value, &h, &bytes))
            continue;
        if (t[k].value[0] == '/')
            snprintf(abs, sizeof abs, "%s", t[k].value);
        else
            snprintf(abs, sizeof abs, "%s/%s", cwd, t[k].value);
        snprintf(sum, sizeof sum, "%016llx", (unsigned long long)h);
        const char *base = strrchr(t[k].value, '/');
        json_t *e = json_object();
        bad = json_array_append_new(in, e); /* (steals e; fails on NULL) */
        bad = bad || json_object_set_new(e, "arg", json_integer((json_int_t)json_array_size(av) - 1));
        bad = bad || json_object_set_new(e, "path", json_string(t[k].value));
        bad = bad || json_object_set_new(e, "abs", json_string(abs));
        bad = bad || json_object_set_new(e, "name", json_string(base ? base + 1 : t[k].value));
        bad = bad || json_object_set_new(e, "bytes", json_integer((json_int_t)bytes));
        bad = bad || json_object_set_new(e, "fnv1a64", json_string(sum));
    }
    /* every file the inputs' readers read (the job line's "|read|" part) */
    json_t *rd = json_array();
    bad = json_object_set_new(o, "read", rd) || bad; /* (steals rd) */
    for (int k = 0, nr = gr_inputs_count(); !bad && k < nr; k++) {
        gr_input_file f;
        char sum[24];
        if (gr_inputs_get(k, &f) != GR_OK)
            continue;
        snprintf(sum, sizeof sum, "%016llx", (unsigned long long)f.fnv1a64);
        json_t *e = json_object();
        bad = json_array_append_new(rd, e);
        bad = bad || json_object_set_new(e, "path", json_string(f.path));
        bad = bad || json_object_set_new(e, "bytes", json_integer((json_int_t)f.bytes));
        bad = bad || json_object_set_new(e, "fnv1a64", json_string(sum));
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Write text to dir/name (gr_out_write_buf: a temporary file, fsync, rename, fsync of dir). */
static int write_atomic(const char *cmd, const char *dir, const char *name, const char *text,
                        int force)
{
    char path[4096];
    gr_error err = {0, ""};
    if (cli_out_path(cmd, path, sizeof path, dir, name) != 0)
        return -1;
    if (gr_out_write_buf(path, force, text, strlen(text), &err) != GR_OK) {
        cli_errorf(cmd, "%s", err.msg);
        return -1;
    }
    return 0;
}

/* The job line's second part: READ_MARK and every input file read so far. */
static void append_inputs(cli_sweep *cs)
{
    append(cs->job, sizeof cs->job, READ_MARK);
    for (int k = 0, n = gr_inputs_count(); k < n; k++) {
        gr_input_file in;
        char tok[600];
        if (gr_inputs_get(k, &in) != GR_OK)
            continue;
        const char *base = strrchr(in.path, '/');
        snprintf(tok, sizeof tok, "%.400s#%016llx", base ? base + 1 : in.path,
                 (unsigned long long)in.fnv1a64);
        append(cs->job, sizeof cs->job, tok);
    }
}

/* --resume: the inputs read must be those of the recorded sweep. */
static int same_inputs(const char *cmd, const cli_sweep *cs)
{
    if (!cs->recorded_job[0] || strcmp(cs->recorded_job, cs->job) == 0)
        return CLI_EXIT_OK;
    const char *x = strstr(cs->recorded_job, " " READ_MARK), *y = strstr(cs->job, " " READ_MARK);
    if (!x) {
        cli_errorf(cmd, "cannot resume %s: its %s does not record the input files read "
                        "(another gridres version?); start afresh with --force",
                   cs->resume, MANIFEST);
        return CLI_EXIT_USAGE;
    }
    x += strlen(" " READ_MARK);
    y += strlen(" " READ_MARK);
    for (int k = 0;; k++) { /* the first file that differs */
        while (*x == ' ')
            x++;
        while (*y == ' ')
            y++;
        size_t nx = strcspn(x, " "), ny = strcspn(y, " ");
        if (nx == ny && strncmp(x, y, nx) == 0) {
            if (!nx)
                break;
            x += nx;
            y += ny;
            continue;
        }
        gr_input_file in = {"", 0, 0};
        gr_inputs_get(k, &in);
        const char *hx = memchr(x, '#', nx), *hy = memchr(y, '#', ny);
        if (hx && hy && hx - x == hy - y && strncmp(x, y, (size_t)(hx - x)) == 0)
            cli_errorf(cmd, "cannot resume %s: input '%.*s' changed since the sweep started "
                            "(%s: checksum %.*s there, %.*s now); restore it, or start afresh "
                            "with --force",
                       cs->resume, (int)(hx - x), x, in.path, (int)(nx - (size_t)(hx - x) - 1),
                       hx + 1, (int)(ny - (size_t)(hy - y) - 1), hy + 1);
        else
            cli_errorf(cmd, "cannot resume %s: the sweep read other input files ('%.*s' there, "
                            "'%.*s' now%s%s); start afresh with --force",
                       cs->resume, (int)(nx < 400 ? nx : 400), nx ? x : "nothing",
                       (int)(ny < 400 ? ny : 400), ny ? y : "nothing", in.path[0] ? ": " : "",
                       in.path);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK; /* (only spacing differs) */
}

int cli_sweep_begin(const char *cmd, cli_sweep *cs, const char *dir, long n_items, int force)
{
    int ckpt = dir && (n_items > 1 || cs->resume || cs->every_seen || cs->every_s_seen);
    cs->opt.dir = ckpt ? dir : NULL;
    cs->opt.force = force;
    /* the identity: the inputs' contents as read (the grid a scenario names too) */
    append_inputs(cs);
    if (cs->resume && cli_sweep_root(cs) && same_inputs(cmd, cs) != CLI_EXIT_OK)
        return CLI_EXIT_USAGE;
    /* resuming: the manifest is there (cli_sweep_args). MPI: rank 0 checks and
       writes (another rank could see the manifest rank 0 has just written) */
    if (!dir || cs->resume || !cli_sweep_root(cs))
        return CLI_EXIT_OK;
    char path[4096];
    if (cli_out_path(cmd, path, sizeof path, dir, MANIFEST) != 0)
        return CLI_EXIT_USAGE;
    if (!force && cli_exists(path)) {
        cli_errorf(cmd, "%s exists: a sweep was started in %s; continue it with `gridres %s "
                        "--resume %s`, or use --force to start afresh (its checkpoint is "
                        "deleted)",
                   path, dir, cmd, dir);
        return CLI_EXIT_USAGE;
    }
    char ck[4096];
    if (ckpt && !force && cli_out_path(cmd, ck, sizeof ck, dir, "checkpoint") == 0 &&
        cli_exists(ck)) {
        cli_errorf(cmd, "%s/ holds the checkpoint of an earlier sweep (and %s is missing, so "
                        "--resume cannot continue it); not deleting it: move it away, or use "
                        "--force to start afresh",
                   ck, MANIFEST);
        return CLI_EXIT_USAGE;
    }
    if (cli_mkdir_p(cmd, dir) != 0)
        return CLI_EXIT_FAIL;
    json_t *m = manifest_json(cmd, cs);
    char *text = m ? json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(m);
    if (!text) {
        cli_errorf(cmd, "cannot write %s: out of memory, or an argument is not UTF-8", path);
        return CLI_EXIT_FAIL;
    }
    size_t len = strlen(text);
    char *nl = malloc(len + 2);
    if (nl) {
        memcpy(nl, text, len);
        memcpy(nl + len, "\n", 2);
    }
    free(text);
    if (!nl) {
        cli_errorf(cmd, "out of memory");
        return CLI_EXIT_FAIL;
    }
    int rc = write_atomic(cmd, dir, MANIFEST, nl, force) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
    free(nl);
    return rc;
}

void cli_sweep_report(const char *cmd, const cli_sweep *cs, const char *unit)
{
    if (cs->resume && cli_sweep_root(cs))
        cli_errorf(cmd, "resumed %ld of %ld %s from %s/checkpoint/, ran %ld", cs->stats.resumed,
                   cs->stats.n, unit, cs->resume, cs->stats.run_total);
}
