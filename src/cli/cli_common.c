/* cli_common.c — the CLI's input layer: option parsing, the seed parser, and loading case + grid + overlay + islands. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli_common.h"
#include "example_grid.h"

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

int cli_parse_seed(const char *s, int bits, uint64_t *out)
{
    uint64_t max = bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1, v = 0;
    if (!s || !*s || bits < 1)
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1; /* signs, spaces, "1e3", "1.0" */
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (max - d) / 10)
            return -1; /* v * 10 + d > max */
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int cli_parse_control(const char *cmd, const char *s, int *out)
{
    if (strcmp(s, "shed") == 0)
        *out = GR_CASCADE_CONTROL_SHED;
    else if (strcmp(s, "none") == 0)
        *out = GR_CASCADE_CONTROL_NONE;
    else {
        cli_errorf(cmd, "--control expects shed or none, got '%s'", s);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

const char *cli_suggest(const char *word, size_t len, const char *const *names, int n)
{
    const char *best = NULL;
    int best_d = 3;
    if (len == 0)
        return NULL;
    for (int k = 0; k < n; k++) {
        size_t nl = strlen(names[k]);
        int dist = gr_edit_distance(word, len, names[k], nl);
        /* a prefix of a longer name ("camp" for "campaign") counts as distance 1 */
        if (dist > 1 && len >= 2 && len < nl && strncmp(word, names[k], len) == 0)
            dist = 1;
        /* short words: one edit at most (else "--foo" would suggest "--tol") */
        if (dist < best_d && (dist <= 1 || len > 4)) {
            best_d = dist;
            best = names[k];
        }
    }
    return best;
}

/* " (did you mean '--NAME'?)" for an unknown option, or "". */
static void suggest_opt(const cli_opt *opts, int nopts, const char *name, size_t len, char *buf,
                        size_t cap)
{
    const char *names[256];
    int n = 0;
    for (int k = 0; k < nopts && n < 255; k++)
        names[n++] = opts[k].name;
    names[n++] = "help";
    const char *s = cli_suggest(name, len, names, n);
    if (s)
        snprintf(buf, cap, "did you mean '--%s'? ", s);
    else
        buf[0] = '\0';
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
    case CLI_SEED:
        if (cli_parse_seed(val, o->ival, (uint64_t *)o->dest) != 0) {
            cli_errorf(cmd, "--%s expects an integer in [0, 2^%d-1], got '%s'", o->name, o->ival,
                       val);
            return CLI_EXIT_USAGE;
        }
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
            char hint[96];
            if (a[1] != '-') {
                suggest_opt(opts, nopts, a + 1, strlen(a + 1), hint, sizeof hint);
                cli_errorf(cmd, "unknown option '%s' (%ssee gridres %s --help)", a, hint, cmd);
                return CLI_EXIT_USAGE;
            }
            name = a + 2;
            eq = strchr(name, '=');
            size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
            o = find_opt(opts, nopts, name, nlen);
            if (!o || *name == '\0') {
                suggest_opt(opts, nopts, name, nlen, hint, sizeof hint);
                cli_errorf(cmd, "unknown option '%.*s' (%ssee gridres %s --help)",
                           eq ? (int)(eq - a) : (int)strlen(a), a, hint, cmd);
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


int cli_parse_args(const char *cmd, int argc, char **argv, const cli_opt *opts, int nopts,
                   const char **pos, int max_pos, int *npos, void (*help)(FILE *f),
                   int *exit_code)
{
    int rc = cli_parse(cmd, argc, argv, opts, nopts, pos, max_pos, npos);
    if (rc == CLI_PARSE_HELP) {
        help(stdout);
        *exit_code = CLI_EXIT_OK;
        return 0;
    }
    *exit_code = rc;
    return rc == CLI_PARSE_OK;
}

/* ------------------------------------------------------------------------
 * Inputs.
 * ------------------------------------------------------------------------ */
void cli_inputs_free(cli_inputs *in)
{
    gr_islands_free(in->isl);
    gr_overlay_free(in->ov);
    gr_grid_free(in->g);
    gr_case_free(in->c);
    memset(in, 0, sizeof *in);
}

/* Exit code for a library error about the input: unreadable or bad files are 2. */
static int input_exit(int st) { return st == GR_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE; }

int cli_load_inputs(const char *cmd, const cli_inputs_spec *spec, cli_inputs *in)
{
    const char *who = spec->anonymous ? NULL : cmd;
    const char *path = spec->case_path;
    gr_error err = {0, ""};
    int st;
    memset(in, 0, sizeof *in);
    if (path)
        st = gr_case_read(path, &in->c, &err);
    else
        st = gr_case_parse((const char *)gridres_example6_m, gridres_example6_m_len,
                           GRIDRES_EXAMPLE_NAME, &in->c, &err);
    if (st != GR_OK) {
        cli_errorf(who, "%s%s", spec->read_prefix, err.msg[0] ? err.msg : gr_strerror(st));
        return input_exit(st);
    }
    for (int k = 0; k < in->c->n_warnings; k++)   /* a RAW file's skipped records */
        cli_errorf(who, "warning: %s", in->c->warnings[k]);
    in->source = path ? path : "built-in";
    in->name = in->c->name ? in->c->name : path ? path : GRIDRES_EXAMPLE_NAME;
    if (spec->need_buses && in->c->bus.n <= 0) {
        cli_errorf(who, "%s%s: the case has no buses", spec->read_prefix,
                   path ? path : GRIDRES_EXAMPLE_NAME);
        return CLI_EXIT_USAGE;
    }
    if ((st = gr_grid_from_case(in->c, &in->g, &err)) == GR_OK) {
        if (in->g->nb != in->c->bus.n || in->g->ng != in->c->gen.n ||
            in->g->nl != in->c->branch.n) {
            cli_errorf(cmd, "internal error: grid sizes differ from the case");
            return CLI_EXIT_FAIL;
        }
        if (spec->overlay_path)
            st = gr_overlay_read(spec->overlay_path, in->c, &in->ov, &err);
        for (int k = 0; st == GR_OK && in->ov && k < in->ov->n_warnings; k++)
            cli_errorf(NULL, "warning: %s", in->ov->warnings[k]);
    }
    if (st == GR_OK && spec->islands >= 0)
        st = gr_islands_find(in->g, spec->islands, &in->isl, &err);
    if (st != GR_OK) {
        cli_errorf(who, "%s%s", spec->build_prefix, err.msg[0] ? err.msg : gr_strerror(st));
        return input_exit(st);
    }
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------
 * A case file instead of a scenario (campaign, protect).
 * ------------------------------------------------------------------------ */
/* 1 when `path` names a case (.m, or .raw in any letter case), not a scenario. */
int cli_is_case_path(const char *path)
{
    size_t n = strlen(path);
    if (n > 2 && strcmp(path + n - 2, ".m") == 0)
        return 1;
    if (n < 4 || path[n - 4] != '.')
        return 0;
    const char *e = path + n - 3;
    return (e[0] == 'r' || e[0] == 'R') && (e[1] == 'a' || e[1] == 'A') && (e[2] == 'w' || e[2] == 'W');
}

/* The built-in scenario with "grid" (and "overlay") instead of "synth"; read
 * relative to the current directory. */
int cli_case_scenario_read(const char *case_path, const char *overlay_path,
                           gr_campaign_scenario **s, gr_error *err)
{
    const char *def = gr_campaign_default_json();
    json_t *root = json_loads(def, 0, NULL);
    char name[512];
    snprintf(name, sizeof name, "built-in campaign on %s", case_path);
    /* the default ties name assets of the synthetic region: an own grid has none */
    if (!root || json_object_del(root, "synth") || json_object_del(root, "interconnection") ||
        json_object_set_new(root, "name", json_string(name)) ||
        json_object_set_new(root, "grid", json_string(case_path)) ||
        (overlay_path && json_object_set_new(root, "overlay", json_string(overlay_path)))) {
        json_decref(root);
        return gr_error_set(err, GR_ENOMEM, "out of memory");
    }
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text)
        return gr_error_set(err, GR_ENOMEM, "out of memory");
    int st = gr_campaign_scenario_parse(text, strlen(text), case_path, NULL, s, err);
    free(text);
    return st;
}
