/* contingency_list.c — contingency files: one contingency per line ("branch:12,gen:3") or a MATPOWER change table (contab). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"
#include "io/file_read.h"

/* Growing element list while reading. */
typedef struct reader {
    const char *name;
    const gr_grid *g;
    int n, cap_c;            /* contingencies */
    int *ptr, *label;
    int nel, cap_e;          /* elements */
    int *kind, *index;
    int n_ignored;
    char ignored_msg[GR_ERROR_MAX];
    /* duplicate check: stamp[kind][i] = 1 + the contingency that holds element i,
       where[kind][i] = its column (plain list) or line (chgtab) there */
    int *stamp[2], *where[2];
} reader;

static int grow(void **p, int *cap, int need, size_t size)
{
    if (need <= *cap)
        return GR_OK;
    int nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    void *q = gr_realloc(*p, (size_t)nc * size);
    if (!q)
        return GR_ENOMEM;
    *p = q;
    *cap = nc;
    return GR_OK;
}

static int add_element(reader *rd, int kind, int index)
{
    if (rd->nel == rd->cap_e) {
        int nc = rd->cap_e ? 2 * rd->cap_e : 64;
        int *k = gr_realloc(rd->kind, (size_t)nc * sizeof(int));
        if (!k)
            return GR_ENOMEM;
        rd->kind = k;
        int *i = gr_realloc(rd->index, (size_t)nc * sizeof(int));
        if (!i)
            return GR_ENOMEM;
        rd->index = i;
        rd->cap_e = nc;
    }
    rd->kind[rd->nel] = kind;
    rd->index[rd->nel] = index;
    rd->nel++;
    return GR_OK;
}

/* Element (kind, index) enters contingency number rd->n (the one being built) at
 * `at` (a column or a line): 1 and *first = where it already is when it is in
 * that contingency already, 0 when new, GR_ENOMEM (a negative status) on failure. */
static int seen_before(reader *rd, int kind, int index, int at, int *first)
{
    int k = kind == GR_ELEM_BRANCH ? 0 : 1;
    if (!rd->stamp[k]) {
        size_t n = (size_t)(k == 0 ? rd->g->nl : rd->g->ng) + 1;
        rd->stamp[k] = gr_calloc(n, sizeof(int));
        rd->where[k] = gr_calloc(n, sizeof(int));
        if (!rd->stamp[k] || !rd->where[k])
            return GR_ENOMEM;
    }
    if (rd->stamp[k][index] == rd->n + 1) {
        *first = rd->where[k][index];
        return 1;
    }
    rd->stamp[k][index] = rd->n + 1;
    rd->where[k][index] = at;
    return 0;
}

/* Close contingency number n (elements up to nel) with `label`. */
static int add_contingency(reader *rd, int label)
{
    if (rd->n + 1 >= rd->cap_c) {
        int nc = rd->cap_c ? 2 * rd->cap_c : 64;
        int *l = gr_realloc(rd->label, (size_t)nc * sizeof(int));
        if (!l)
            return GR_ENOMEM;
        rd->label = l;
        int *p = gr_realloc(rd->ptr, ((size_t)nc + 1) * sizeof(int));
        if (!p)
            return GR_ENOMEM;
        rd->ptr = p;
        rd->cap_c = nc;
    }
    if (rd->n == 0)
        rd->ptr[0] = 0;
    rd->label[rd->n] = label;
    rd->ptr[++rd->n] = rd->nel;
    return GR_OK;
}

static void reader_free(reader *rd)
{
    for (int k = 0; k < 2; k++) {
        gr_free(rd->stamp[k]);
        gr_free(rd->where[k]);
    }
    gr_free(rd->ptr);
    gr_free(rd->label);
    gr_free(rd->kind);
    gr_free(rd->index);
}

static int finish(reader *rd, gr_ctg_list **out)
{
    gr_ctg_list *l = gr_calloc(1, sizeof *l);
    if (!l)
        return GR_ENOMEM;
    if (rd->n == 0) {
        rd->ptr = gr_calloc(1, sizeof(int));
        if (!rd->ptr) {
            gr_free(l);
            return GR_ENOMEM;
        }
    }
    l->n = rd->n;
    l->ptr = rd->ptr;
    l->label = rd->label ? rd->label : gr_calloc(1, sizeof(int));
    l->kind = rd->kind ? rd->kind : gr_calloc(1, sizeof(int));
    l->index = rd->index ? rd->index : gr_calloc(1, sizeof(int));
    rd->ptr = rd->label = rd->kind = rd->index = NULL;
    l->n_ignored = rd->n_ignored;
    memcpy(l->ignored_msg, rd->ignored_msg, sizeof l->ignored_msg);
    if (!l->label || !l->kind || !l->index) {
        gr_ctg_list_free(l);
        return GR_ENOMEM;
    }
    *out = l;
    return GR_OK;
}

/* Line and column (1-based) of position p in text. */
static void locate(const char *text, const char *p, int *line, int *col)
{
    *line = 1;
    const char *bol = text;
    for (const char *q = text; q < p; q++)
        if (*q == '\n') {
            (*line)++;
            bol = q + 1;
        }
    *col = (int)(p - bol) + 1;
}

static int parse_error(const reader *rd, gr_error *err, const char *text, const char *p,
                       const char *what)
{
    int line, col;
    locate(text, p, &line, &col);
    gr_error_set(err, GR_EPARSE, "%s:%d:%d: %s", rd->name, line, col, what);
    if (err) /* a token the file gave may hold control characters */
        io_escape_controls(err->msg, sizeof err->msg);
    return GR_EPARSE;
}

/* A token [^,\s]+ starting at p (p < end): copy up to cap-1 chars. */
static const char *token(const char *p, const char *end, char *buf, size_t cap)
{
    size_t n = 0;
    while (p < end && *p != ',' && *p != ';' && !isspace((unsigned char)*p)) {
        if (n + 1 < cap)
            buf[n++] = *p;
        p++;
    }
    buf[n] = 0;
    return p;
}

/* One element name (gr_element_parse: docs/cli.md "Element names") added to the
 * contingency being read: a branch or generator; a bus stands for every branch and
 * generator at it (the bus isolated, as shed --outage bus:N). */
static int add_named(reader *rd, const char *tok, const char *text, const char *at,
                     gr_error *err)
{
    gr_element_name e;
    gr_error e2 = {0};
    size_t off = 0;
    const gr_grid *g = rd->g;
    int st = gr_element_parse(tok, strlen(tok), g, NULL, &e, &off, &e2);
    if (st)
        return parse_error(rd, err, text, at + off, e2.msg);
    /* positions are byte offsets, turned into a column only for a message (a long
     * list stays linear) */
    int off_at = (int)(at - text), first = 0;
    if (e.kind != GR_ELEM_BUS) {
        int kind = e.kind == GR_ELEM_GEN ? GR_ELEM_GEN : GR_ELEM_BRANCH;
        int dup = seen_before(rd, kind, e.index, off_at, &first);
        if (dup < 0)
            return dup;
        if (dup) { /* an element twice in one contingency is a mistake in the list */
            char msg[160];
            int line, col;
            locate(text, text + first, &line, &col);
            snprintf(msg, sizeof msg, "%s row %d listed twice in one contingency (first at "
                     "column %d)", kind == GR_ELEM_BRANCH ? "branch" : "gen", e.index + 1, col);
            return parse_error(rd, err, text, at, msg);
        }
        return add_element(rd, kind, e.index);
    }
    /* bus:N is all its branches and units: those already listed are not repeated */
    for (int k = 0; k < g->nl; k++) {
        if (g->br_f[k] != e.index && g->br_t[k] != e.index)
            continue;
        int dup = seen_before(rd, GR_ELEM_BRANCH, k, off_at, &first);
        if (dup < 0)
            return dup;
        if (!dup && (st = add_element(rd, GR_ELEM_BRANCH, k)))
            return st;
    }
    for (int k = 0; k < g->ng; k++) {
        if (g->gen_bus[k] != e.index)
            continue;
        int dup = seen_before(rd, GR_ELEM_GEN, k, off_at, &first);
        if (dup < 0)
            return dup;
        if (!dup && (st = add_element(rd, GR_ELEM_GEN, k)))
            return st;
    }
    return GR_OK;
}

static int parse_plain(reader *rd, const char *text, size_t len, gr_error *err)
{
    const char *p = text, *end = text + len;
    int st;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *stop = p;
        while (stop < eol && *stop != '#' && *stop != '%')
            stop++;
        int nel0 = rd->nel, any = 0;
        const char *q = p;
        for (;;) {
            while (q < stop && (isspace((unsigned char)*q)))
                q++;
            if (q >= stop)
                break;
            if (*q == ',') {
                if (!any)
                    return parse_error(rd, err, text, q, "expected an element before ','");
                q++;
                while (q < stop && isspace((unsigned char)*q))
                    q++;
                if (q >= stop || *q == ',')
                    return parse_error(rd, err, text, q, "expected an element after ','");
                continue;
            }
            char tok[128];
            const char *at = q;
            q = token(q, stop, tok, sizeof tok);
            if (q == at)
                return parse_error(rd, err, text, at, "unexpected character");
            if ((st = add_named(rd, tok, text, at, err)))
                return st;
            any = 1;
        }
        if (rd->nel > nel0 && (st = add_contingency(rd, rd->n + 1)))
            return st;
        p = eol + (eol < end);
    }
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * MATPOWER change tables (idx_ct.m).
 * ------------------------------------------------------------------------ */
typedef struct ct_name {
    const char *name;
    double value;
} ct_name;

static const ct_name ct_names[] = {
    {"CT_TBUS", 1}, {"CT_TGEN", 2}, {"CT_TBRCH", 3}, {"CT_TAREABUS", 4}, {"CT_TAREAGEN", 5},
    {"CT_TAREABRCH", 6}, {"CT_TLOAD", 7}, {"CT_TAREALOAD", 8}, {"CT_TGENCOST", 9},
    {"CT_TAREAGENCOST", 10}, {"CT_REP", 1}, {"CT_REL", 2}, {"CT_ADD", 3},
    {"CT_LOAD_ALL_PQ", 1}, {"CT_LOAD_FIX_PQ", 2}, {"CT_LOAD_ALL_P", 3}, {"CT_LOAD_FIX_P", 4},
    {"CT_LOAD_DIS_PQ", 5}, {"CT_LOAD_DIS_P", 6},
    /* branch columns */
    {"F_BUS", 1}, {"T_BUS", 2}, {"BR_R", 3}, {"BR_X", 4}, {"BR_B", 5}, {"RATE_A", 6},
    {"RATE_B", 7}, {"RATE_C", 8}, {"TAP", 9}, {"SHIFT", 10}, {"BR_STATUS", 11},
    {"ANGMIN", 12}, {"ANGMAX", 13},
    /* generator columns */
    {"GEN_BUS", 1}, {"PG", 2}, {"QG", 3}, {"QMAX", 4}, {"QMIN", 5}, {"VG", 6}, {"MBASE", 7},
    {"GEN_STATUS", 8}, {"PMAX", 9}, {"PMIN", 10},
    /* bus columns */
    {"BUS_I", 1}, {"BUS_TYPE", 2}, {"PD", 3}, {"QD", 4}, {"GS", 5}, {"BS", 6}, {"BUS_AREA", 7},
    {"VM", 8}, {"VA", 9}, {"BASE_KV", 10}, {"ZONE", 11}, {"VMAX", 12}, {"VMIN", 13},
};

static int ct_value(const char *tok, double *v)
{
    for (size_t k = 0; k < sizeof ct_names / sizeof ct_names[0]; k++)
        if (strcmp(tok, ct_names[k].name) == 0) {
            *v = ct_names[k].value;
            return 1;
        }
    char *e;
    *v = strtod(tok, &e);
    return *tok && *e == 0;
}

typedef struct ct_row {
    int label, kind, index, line;   /* kind -1: unsupported */
} ct_row;

static int parse_contab(reader *rd, const char *text, size_t len, gr_error *err)
{
    const char *end = text + len, *p = text;
    /* "chgtab = [" outside comments */
    const char *open = NULL;
    while (p < end && !open) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *q = p;
        while (q < eol && isspace((unsigned char)*q))
            q++;
        if (eol - q > 6 && strncmp(q, "chgtab", 6) == 0) {
            const char *b = memchr(q, '[', (size_t)(eol - q));
            if (b)
                open = b + 1;
        }
        p = eol + (eol < end);
    }
    if (!open)
        return parse_error(rd, err, text, text, "no 'chgtab = [' in the change table");
    ct_row *rows = NULL;
    int nrows = 0, cap = 0, st = GR_OK;
    p = open;
    double f[7];
    int nf = 0;
    const char *row_start = p;
    for (;;) {
        if (p >= end) {
            st = parse_error(rd, err, text, end, "missing ']' at the end of chgtab");
            goto done;
        }
        if (*p == '%') {
            while (p < end && *p != '\n')
                p++;
            continue;
        }
        if (end - p >= 3 && strncmp(p, "...", 3) == 0) {
            while (p < end && *p != '\n')
                p++;
            if (p < end)
                p++;
            continue;
        }
        if (*p == ']' || *p == ';' || *p == '\n') {
            if (nf > 0) {
                if (nf != 7) {
                    st = parse_error(rd, err, text, row_start,
                                     "a chgtab row has 7 columns: label prob table row col "
                                     "chgtype newval");
                    goto done;
                }
                /* label, table, row, column and change type are integers */
                for (int k = 0; k < 6; k++)
                    if (k != 1 && !(f[k] >= INT_MIN && f[k] <= INT_MAX && f[k] == floor(f[k]))) {
                        static const char *const what[] = {"label", "prob", "table", "row",
                                                           "col", "chgtype"};
                        char msg[160];
                        snprintf(msg, sizeof msg, "chgtab %s: expected an integer, found %g",
                                 what[k], f[k]);
                        st = parse_error(rd, err, text, row_start, msg);
                        goto done;
                    }
                if ((st = grow((void **)&rows, &cap, nrows + 1, sizeof *rows)))
                    goto done;
                int line, col;
                locate(text, row_start, &line, &col);
                ct_row r = {(int)f[0], -1, -1, line};
                int table = (int)f[2], row = (int)f[3], column = (int)f[4], type = (int)f[5];
                if (table == 3 && column == 11 && type == 1 && f[6] == 0.0 && row >= 1 &&
                    row <= rd->g->nl)
                    r.kind = GR_ELEM_BRANCH, r.index = row - 1;
                else if (table == 2 && column == 8 && type == 1 && f[6] == 0.0 && row >= 1 &&
                         row <= rd->g->ng)
                    r.kind = GR_ELEM_GEN, r.index = row - 1;
                else if ((table == 3 && column == 11 && type == 1 && f[6] == 0.0) ||
                         (table == 2 && column == 8 && type == 1 && f[6] == 0.0)) {
                    char msg[160];
                    snprintf(msg, sizeof msg, "%s row %d out of range (the case has %d)",
                             table == 3 ? "branch" : "gen", row, table == 3 ? rd->g->nl : rd->g->ng);
                    st = parse_error(rd, err, text, row_start, msg);
                    goto done;
                }
                if (r.kind < 0) {
                    if (rd->n_ignored++ == 0)
                        snprintf(rd->ignored_msg, sizeof rd->ignored_msg,
                                 "%s:%d: change not supported (only branch and generator "
                                 "outages: status set to 0) — skipped: table %d row %d col %d "
                                 "type %d value %g",
                                 rd->name, line, table, row, column, type, f[6]);
                }
                rows[nrows++] = r;
                nf = 0;
            }
            if (*p == ']')
                break;
            p++;
            row_start = p;
            continue;
        }
        if (isspace((unsigned char)*p) || *p == ',') {
            p++;
            if (nf == 0)
                row_start = p;
            continue;
        }
        char tok[64];
        const char *at = p;
        p = token(p, end, tok, sizeof tok);
        char *br = strchr(tok, ']');
        if (br) { /* "0]" */
            p = at + (br - tok);
            *br = 0;
        }
        if (nf >= 7 || !ct_value(tok, &f[nf])) {
            char msg[160];
            if (nf >= 7)
                snprintf(msg, sizeof msg, "a chgtab row has 7 columns, found more");
            else
                snprintf(msg, sizeof msg, "expected a number or a MATPOWER constant, found '%s'",
                         tok);
            st = parse_error(rd, err, text, at, msg);
            goto done;
        }
        nf++;
    }
    /* group rows by label, contingencies in order of each label's first row */
    for (int a = 0; a < nrows; a++) {
        if (rows[a].line < 0)
            continue;  /* already taken into an earlier contingency */
        int label = rows[a].label;
        for (int b = a; b < nrows; b++) {
            if (rows[b].line < 0 || rows[b].label != label)
                continue;
            if (rows[b].kind >= 0) {
                int first = 0;
                int dup = seen_before(rd, rows[b].kind, rows[b].index, rows[b].line, &first);
                if (dup < 0) {
                    st = dup;
                    goto done;
                }
                if (dup) {
                    st = gr_error_set(err, GR_EPARSE,
                                      "%s:%d: chgtab: %s row %d listed twice in contingency %d "
                                      "(first at line %d)",
                                      rd->name, rows[b].line,
                                      rows[b].kind == GR_ELEM_BRANCH ? "branch" : "gen",
                                      rows[b].index + 1, label, first);
                    goto done;
                }
                if ((st = add_element(rd, rows[b].kind, rows[b].index)))
                    goto done;
            }
            rows[b].line = -1;
        }
        if ((st = add_contingency(rd, label)))
            goto done;
    }
done:
    gr_free(rows);
    return st;
}

int gr_ctg_list_parse(const char *text, size_t len, const char *name, const gr_grid *g,
                      gr_ctg_list **out, gr_error *err)
{
    *out = NULL;
    reader rd;
    memset(&rd, 0, sizeof rd);
    rd.name = name ? name : "contingencies";
    rd.g = g;
    int st = io_check_text(text, len, rd.name, err);
    if (st)
        return st;
    /* A change table names its matrix chgtab. */
    int contab = 0;
    for (size_t k = 0; k + 6 <= len && !contab; k++)
        contab = memcmp(text + k, "chgtab", 6) == 0;
    st = contab ? parse_contab(&rd, text, len, err) : parse_plain(&rd, text, len, err);
    if (st == GR_OK)
        st = finish(&rd, out);
    if (st == GR_ENOMEM)
        gr_error_set(err, st, "out of memory reading %s", rd.name);
    reader_free(&rd);
    return st;
}

int gr_ctg_list_read(const char *path, const gr_grid *g, gr_ctg_list **out, gr_error *err)
{
    *out = NULL;
    char *buf;
    size_t len;
    int st = io_read_file(path, &buf, &len, err);
    if (st)
        return st;
    st = gr_ctg_list_parse(buf, len, path, g, out, err);
    gr_free(buf);
    return st;
}
