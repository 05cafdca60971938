/* matpower_table.c — MATPOWER reader: the rows of mpc.bus/gen/branch/gencost = [...] (fast scanner, expressions as elements) and field positions. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "io/matpower_internal.h"

static const int table_min_cols[TB_COUNT] = {MP_BUS_COLS, MP_GEN_MIN_COLS, MP_BRANCH_MIN_COLS,
                                             MP_GENCOST_MIN_COLS};

/* ------------------------------------------------------------------------
 * Data matrices (the fast path)
 * ------------------------------------------------------------------------ */
static int eval_matrix_element(mp_parser *P, const char *s, int which, double *v);
static int element_is_expression(mp_parser *P, const char *s, const char *lit_end);
void mp_table_release(mp_parser *P, int which)
{
    mp_table *t = &P->tab[which];
    gr_free(t->x);
    gr_free(t->line);
    gr_free(t->pos);
    gr_free(t->cnt);
    memset(t, 0, sizeof *t);
}

static int grow_rows(mp_table *t)
{
    if (t->rows < t->cap_rows)
        return GR_OK;
    if (t->cap_rows > INT_MAX / 4)
        return GR_ENOMEM;
    int cap = t->cap_rows ? 2 * t->cap_rows : 64;
    int *line = gr_realloc(t->line, (size_t)cap * sizeof *line);
    if (!line)
        return GR_ENOMEM;
    t->line = line;
    int *pos = gr_realloc(t->pos, (size_t)cap * sizeof *pos);
    if (!pos)
        return GR_ENOMEM;
    t->pos = pos;
    int *cnt = gr_realloc(t->cnt, (size_t)cap * sizeof *cnt);
    if (!cnt)
        return GR_ENOMEM;
    t->cnt = cnt;
    t->cap_rows = cap;
    return GR_OK;
}

static int push_value(mp_table *t, double v)
{
    if (t->nval == t->cap_val) {
        size_t cap = t->cap_val ? 2 * t->cap_val : 1024;
        if (cap > SIZE_MAX / sizeof(double) / 2)
            return GR_ENOMEM;
        double *x = gr_realloc(t->x, cap * sizeof *x);
        if (!x)
            return GR_ENOMEM;
        t->x = x;
        t->cap_val = cap;
    }
    t->x[t->nval++] = v;
    return GR_OK;
}

/* Column of byte offset pos in its line. */
static int col_at(const mp_parser *P, int pos)
{
    int col = 1;
    while (pos - col >= 0 && P->text[pos - col] != '\n')
        col++;
    return col;
}

/* A row of `n` numbers ended: check its width against the table's rules
 * (short gencost rows are padded; other tables must be rectangular, as MATLAB). */
static int end_row(mp_parser *P, mp_table *t, int which, int n)
{
    int r = t->rows;
    if (n < table_min_cols[which])
        return mp_perr(P, t->line[r], col_at(P, t->pos[r]),
                    "expected at least %d columns in mpc.%s row, found %d",
                    table_min_cols[which], mp_table_field[which], n);
    if (which != TB_GENCOST && r > 0 && n != t->cols)
        return mp_perr(P, t->line[r], col_at(P, t->pos[r]),
                    "expected %d columns in mpc.%s row (as in the row at line %d), found %d",
                    t->cols, mp_table_field[which], t->line[0], n);
    t->cnt[r] = n;
    if (n > t->cols)
        t->cols = n;
    t->rows++;
    return GR_OK;
}

/* Turn back-to-back rows into a rows x cols matrix, padding short rows with 0. */
static int pad_rows(mp_parser *P, mp_table *t)
{
    if (t->nval == (size_t)t->rows * (size_t)t->cols)
        return GR_OK;
    double *x = gr_calloc((size_t)t->rows * (size_t)t->cols, sizeof *x);
    if (!x)
        return mp_oom(P);
    const double *src = t->x;
    for (int r = 0; r < t->rows; r++) {
        memcpy(x + (size_t)r * (size_t)t->cols, src, (size_t)t->cnt[r] * sizeof *x);
        src += t->cnt[r];
    }
    gr_free(t->x);
    t->x = x;
    return GR_OK;
}

static int number_error(mp_parser *P, const char *s, int which)
{
    char found[96];
    mp_describe_at(P, s, found, sizeof found);
    return mp_perr(P, P->line, mp_col_of(P, s), "expected a number in mpc.%s, found %s",
                mp_table_field[which], found);
}

static int is_number_end(const char *s)
{
    switch (*s) {
    case ' ': case '\t': case '\r': case '\n': case '\v': case '\f': case ',': case ';':
    case ']': case '%': case '\0':
        return 1;
    default:
        return is_continuation(s);
    }
}

/* Scan the rows of `mpc.X = [` up to the closing ']' (P->p is just after '[').
 * Rows end at ';' or a newline; numbers are separated by blanks or commas;
 * comments and continuations may appear anywhere (caseformat). */
int mp_scan_data_matrix(mp_parser *P, mp_table *t, int which, int open_line)
{
    const char *s = P->p;
    int n = 0, comma = 0, st;
    for (;;) {
        switch (*s) {
        case ' ': case '\t': case '\r': case '\v': case '\f':
            s++;
            continue;
        case '\n':
        case ';':
        case ']':
            if (n > 0) {
                P->p = s;
                if ((st = end_row(P, t, which, n)) != GR_OK)
                    return st;
            }
            n = comma = 0;
            if (*s == ']') {
                P->p = s + 1;
                return pad_rows(P, t);
            }
            if (*s == '\n')
                mp_new_line(P, s);
            s++;
            continue;
        case ',':
            if (n == 0 || comma)
                return number_error(P, s, which);
            comma = 1;
            s++;
            continue;
        case '%':
            while (s < P->end && *s != '\n')
                s++;
            continue;
        case '\0':
            if (s >= P->end)
                return mp_perr(P, P->line, mp_col_of(P, s),
                            "expected ']' closing mpc.%s (opened at line %d), found end of file",
                            mp_table_field[which], open_line);
            return number_error(P, s, which);
        case '.':
            if (is_continuation(s)) {
                while (s < P->end && *s != '\n')
                    s++;
                if (s < P->end)
                    mp_new_line(P, s++);
                continue;
            }
            break;
        default:
            break;
        }
        double v;
        const char *e = mp_scan_signed(s, &v);
        int expr = 0;
        if (!e || !is_number_end(e)) {
            if (!element_is_expression(P, s, e))
                return number_error(P, s, which);
            expr = 1; /* e.g. 135/sqrt(3) in case533mt_hi */
        }
        if (n == 0) {
            if (grow_rows(t) != GR_OK)
                return mp_oom(P);
            t->line[t->rows] = P->line;
            t->pos[t->rows] = (int)(s - P->text);
        } else if (n >= MP_MAX_COLS) {
            return mp_perr(P, P->line, mp_col_of(P, s), "expected at most %d columns in mpc.%s, found more",
                        MP_MAX_COLS, mp_table_field[which]);
        }
        if (expr) {
            if ((st = eval_matrix_element(P, s, which, &v)) != GR_OK)
                return st;
            e = P->p;
        }
        if (push_value(t, v) != GR_OK)
            return mp_oom(P);
        n++;
        comma = 0;
        s = e;
    }
}

/* `mpc.T = <expression>` (zeros(0, 13), ones(2, 13), mpc.gen(1:2, :)): the
 * value's rows become the table's, every one located at the expression (a
 * table scanned from literal rows is checked for the same widths). */
int mp_table_from_value(mp_parser *P, int which, ev_val *v, const mp_tok *at)
{
    mp_table *t = &P->tab[which];
    int st = GR_OK;
    if (v->m > 0 && v->n < table_min_cols[which])
        st = mp_perr(P, at->line, at->col, "expected at least %d columns in mpc.%s, found a %dx%d value",
                     table_min_cols[which], mp_table_field[which], v->m, v->n);
    else if (v->n > MP_MAX_COLS)
        st = mp_perr(P, at->line, at->col, "expected at most %d columns in mpc.%s, found %d",
                     MP_MAX_COLS, mp_table_field[which], v->n);
    if (st != GR_OK) {
        mp_ev_free(v);
        return st;
    }
    mp_table_release(P, which);
    t->rows = t->cap_rows = v->m;
    t->cols = v->n;
    t->nval = t->cap_val = ev_numel(v);
    t->x = v->x; /* moved: both row-major; NULL when empty (a 1x1 is narrower than any table) */
    v->x = NULL;
    t->line = gr_malloc((size_t)t->rows * sizeof *t->line);
    t->pos = gr_malloc((size_t)t->rows * sizeof *t->pos);
    if (!t->line || !t->pos) {
        mp_table_release(P, which);
        return mp_oom(P);
    }
    for (int r = 0; r < t->rows; r++) {
        t->line[r] = at->line;
        t->pos[r] = (int)(at->s - P->text);
    }
    t->evaluated = 1;
    t->defined = 1;
    return GR_OK;
}

/* Line and column of field k (0-based) of row r, found by rescanning the row. */
void mp_field_pos(const mp_parser *P, const mp_table *t, int r, int k, int *line, int *col)
{
    const char *s = P->text + t->pos[r];
    const char *ls = s;
    while (ls > P->text && ls[-1] != '\n')
        ls--;
    int ln = t->line[r];
    *line = ln;
    *col = (int)(s - ls) + 1;
    if (t->evaluated)
        return;
    for (int i = 0; s < P->end;) {
        char c = *s;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == ',') {
            s++;
        } else if (c == '%') {
            while (s < P->end && *s != '\n')
                s++;
        } else if (is_continuation(s)) {
            while (s < P->end && *s != '\n')
                s++;
            if (s < P->end) {
                ln++;
                ls = ++s;
            }
        } else if (c == '\n' || c == ';' || c == ']') {
            return;
        } else {
            if (i++ == k) {
                *line = ln;
                *col = (int)(s - ls) + 1;
                return;
            }
            while (!is_number_end(s))
                s++;
        }
    }
}

/* ------------------------------------------------------------------------
 * Expressions inside data matrices (the slow path of mp_scan_data_matrix)
 * ------------------------------------------------------------------------ */
static int is_known_name(mp_parser *P, const char *s)
{
    const char *e = s;
    while (is_ident_char(*e))
        e++;
    mp_tok t = {T_IDENT, s, e, 0, 0, 0, 0};
    double c;
    return mp_find_var(P, s, (int)(e - s)) || mp_lookup_constant(&t, &c) || mp_lookup_function(&t) ||
           ((int)(e - s) == P->sv_len && memcmp(s, P->sv, (size_t)P->sv_len) == 0);
}

/* Whether the element at s is an expression rather than a malformed number:
 * a literal followed by an operator (50/3, 2*pi), or a parenthesis or a known
 * name, possibly signed. lit_end is where a literal at s ended, or NULL. */
static int element_is_expression(mp_parser *P, const char *s, const char *lit_end)
{
    if (lit_end) {
        char c = *lit_end;
        return c == '+' || c == '-' || c == '*' || c == '/' || c == '\\' || c == '^' ||
               (c == '.' && (lit_end[1] == '*' || lit_end[1] == '/' || lit_end[1] == '^'));
    }
    while (*s == '+' || *s == '-')
        s++;
    return *s == '(' || (is_alpha(*s) && is_known_name(P, s));
}

/* Evaluate one element at s with the evaluator; leaves P->p where the
 * character scanner resumes. */
static int eval_matrix_element(mp_parser *P, const char *s, int which, double *v)
{
    int save_ws = P->ws_sep, st;
    P->ws_sep = 1;
    P->p = s;
    P->tok.kind = T_COMMA;
    mp_tok at = P->tok;
    ev_val val = {0, 0, 0, NULL};
    if ((st = mp_lex(P)) == GR_OK) {
        at = P->tok;
        st = mp_ev_expr(P, &val);
    }
    P->ws_sep = save_ws;
    if (st != GR_OK)
        return st;
    int k = P->tok.kind;
    if (ev_numel(&val) != 1) {
        mp_ev_free(&val);
        return mp_perr(P, at.line, at.col, "expected a number in mpc.%s, found a %dx%d value",
                    mp_table_field[which], val.m, val.n);
    }
    *v = ev_get(&val, 0);
    if (!(k == T_COMMA || k == T_SEMI || k == T_NL || k == T_RBRACK || k == T_EOF ||
          P->tok.space_before)) {
        char what[64];
        snprintf(what, sizeof what, "a separator after a number in mpc.%s", mp_table_field[which]);
        return mp_expected(P, what);
    }
    /* hand the lookahead token back to the character scanner */
    P->p = P->tok.s;
    P->line = P->tok.line;
    P->line_start = P->tok.s - (P->tok.col - 1);
    return GR_OK;
}
