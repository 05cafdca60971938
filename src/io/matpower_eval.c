/* matpower_eval.c — MATPOWER reader: the evaluator of the small MATLAB subset case files use (values, mpc.T(r, c) indexing, expressions). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "io/matpower_internal.h"

/* ------------------------------------------------------------------------
 * Evaluator: values
 * ------------------------------------------------------------------------ */
void mp_ev_free(ev_val *v)
{
    gr_free(v->x);
    v->x = NULL;
    v->m = v->n = 0;
}

static const ev_val EV_EMPTY = {0, 0, 0, NULL};

/* An m x n value; storage is allocated unless it is a scalar or empty. */
static int ev_make(mp_parser *P, int m, int n, ev_val *v, const mp_tok *at)
{
    v->m = m;
    v->n = n;
    v->s = 0;
    v->x = NULL;
    size_t numel = (size_t)m * (size_t)n;
    if (numel > (size_t)MP_MAX_ELEMS)
        return mp_perr(P, at->line, at->col, "expected a value of at most %ld elements, found %dx%d",
                    MP_MAX_ELEMS, m, n);
    if (numel > 1 && !(v->x = gr_malloc(numel * sizeof *v->x)))
        return mp_oom(P);
    return GR_OK;
}

static void ev_set(ev_val *v, size_t k, double a)
{
    if (v->x)
        v->x[k] = a;
    else
        v->s = a;
}

static int ev_copy(mp_parser *P, const ev_val *a, ev_val *out, const mp_tok *at)
{
    int st = ev_make(P, a->m, a->n, out, at);
    if (st != GR_OK)
        return st;
    if (a->x)
        memcpy(out->x, a->x, ev_numel(a) * sizeof *a->x);
    else
        out->s = a->s;
    return GR_OK;
}

static double apply_binary(int op, double a, double b)
{
    switch (op) {
    case T_PLUS: return a + b;
    case T_MINUS: return a - b;
    case T_STAR: case T_DSTAR: return a * b;
    case T_SLASH: case T_DSLASH: return a / b;
    case T_BACKSLASH: case T_DBACKSLASH: return b / a;
    case T_CARET: case T_DCARET: return pow(a, b);
    case T_EQ: return a == b;
    case T_NE: return a != b;
    case T_LT: return a < b;
    case T_LE: return a <= b;
    case T_GT: return a > b;
    case T_GE: return a >= b;
    case T_AND: case T_ANDAND: return (a != 0) && (b != 0);
    default: return (a != 0) || (b != 0); /* T_OR, T_OROR */
    }
}

/* Matrix products and divisions are not needed by case files: `*`, `/`, `\`
 * and `^` are allowed only where MATLAB makes them elementwise (a scalar side). */
static int shapes_fit(int op, const ev_val *a, const ev_val *b)
{
    int as = a->m == 1 && a->n == 1, bs = b->m == 1 && b->n == 1;
    switch (op) {
    case T_STAR: return as || bs;
    case T_SLASH: return bs;
    case T_BACKSLASH: return as;
    case T_CARET: return as && bs;
    default: return as || bs || (a->m == b->m && a->n == b->n);
    }
}

/* out = a op b; a and b are consumed. Like every ev_* function, leaves *out
 * empty on failure. */
static int ev_binary(mp_parser *P, int op, ev_val *a, ev_val *b, const mp_tok *at, ev_val *out)
{
    int st;
    *out = EV_EMPTY;
    if (!shapes_fit(op, a, b)) {
        char what[64];
        mp_quote_span(at->s, at->e, what, sizeof what);
        st = mp_perr(P, at->line, at->col, "expected operands of %s with matching sizes, found %dx%d and %dx%d",
                  what, a->m, a->n, b->m, b->n);
    } else {
        int a_scalar = a->m == 1 && a->n == 1;
        const ev_val *shape = a_scalar ? b : a;
        st = ev_make(P, shape->m, shape->n, out, at);
        if (st == GR_OK) {
            size_t n = ev_numel(out);
            int a1 = ev_numel(a) == 1, b1 = ev_numel(b) == 1;
            for (size_t k = 0; k < n; k++)
                ev_set(out, k, apply_binary(op, ev_get(a, a1 ? 0 : k), ev_get(b, b1 ? 0 : k)));
        }
    }
    mp_ev_free(a);
    mp_ev_free(b);
    return st;
}

static int ev_transpose(mp_parser *P, ev_val *a, const mp_tok *at)
{
    if (!a->x) {
        int m = a->m;
        a->m = a->n;
        a->n = m;
        return GR_OK;
    }
    ev_val t;
    int st = ev_make(P, a->n, a->m, &t, at);
    if (st == GR_OK)
        for (int i = 0; i < a->m; i++)
            for (int j = 0; j < a->n; j++)
                t.x[(size_t)j * (size_t)a->m + (size_t)i] = a->x[(size_t)i * (size_t)a->n + (size_t)j];
    mp_ev_free(a);
    *a = t;
    return st;
}

/* Elementwise functions MATLAB code in case files may call. */
static double fn_not(double a) { return a == 0; }
static double fn_fix(double a) { return trunc(a); }
static double fn_sign(double a) { return (a > 0) - (a < 0); }

ev_fn mp_lookup_function(const mp_tok *t)
{
    static const struct { const char *name; ev_fn fn; } fns[] = {
        {"sin", sin},   {"cos", cos},     {"tan", tan},     {"asin", asin}, {"acos", acos},
        {"atan", atan}, {"sqrt", sqrt},   {"abs", fabs},    {"exp", exp},   {"log", log},
        {"log10", log10}, {"floor", floor}, {"ceil", ceil}, {"round", round}, {"fix", fn_fix},
        {"sign", fn_sign}, {"not", fn_not}};
    for (size_t k = 0; k < sizeof fns / sizeof fns[0]; k++)
        if (mp_tok_is(t, fns[k].name))
            return fns[k].fn;
    return NULL;
}

int mp_lookup_constant(const mp_tok *t, double *v)
{
    static const struct { const char *name; double v; } cs[] = {
        {"pi", 3.14159265358979323846}, {"Inf", HUGE_VAL}, {"inf", HUGE_VAL}, {"NaN", NAN},
        {"nan", NAN}, {"eps", 2.220446049250313e-16}, {"true", 1}, {"false", 0}};
    for (size_t k = 0; k < sizeof cs / sizeof cs[0]; k++) {
        if (mp_tok_is(t, cs[k].name)) {
            *v = cs[k].v;
            return 1;
        }
    }
    return 0;
}

mp_var *mp_find_var(mp_parser *P, const char *name, int len)
{
    for (int k = P->n_vars - 1; k >= 0; k--)
        if (P->vars[k].len == len && memcmp(P->vars[k].name, name, (size_t)len) == 0)
            return &P->vars[k];
    return NULL;
}

/* Bind a variable to v (consumed), or poison it when v is NULL. */
int mp_set_var(mp_parser *P, const mp_tok *name, ev_val *v)
{
    int len = (int)(name->e - name->s);
    mp_var *var = mp_find_var(P, name->s, len);
    if (!var) {
        if (P->n_vars >= MP_MAX_VARS) {
            if (v)
                mp_ev_free(v);
            return mp_perr(P, name->line, name->col, "expected at most %d variables, found more",
                        MP_MAX_VARS);
        }
        if (P->n_vars == P->cap_vars) {
            int cap = P->cap_vars ? 2 * P->cap_vars : 32;
            mp_var *vars = gr_realloc(P->vars, (size_t)cap * sizeof *vars);
            if (!vars) {
                if (v)
                    mp_ev_free(v);
                return mp_oom(P);
            }
            P->vars = vars;
            P->cap_vars = cap;
        }
        var = &P->vars[P->n_vars++];
        memset(var, 0, sizeof *var);
        var->name = name->s;
        var->len = len;
    }
    mp_ev_free(&var->v);
    var->poisoned = v == NULL;
    var->line = name->line;
    if (v)
        var->v = *v;
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Evaluator: table indexing, `mpc.T(rows, cols)`
 * ------------------------------------------------------------------------ */
static int index_at(const ev_index *ix, int i) { return ix->all ? i : ix->k[i]; }


/* One index argument: ':' or an expression of positive integers <= limit. */
static int parse_index(mp_parser *P, int dim, int limit, ev_index *ix)
{
    memset(ix, 0, sizeof *ix);
    int st;
    if (P->tok.kind == T_COLON) {
        if ((st = mp_lex(P)) != GR_OK)
            return st;
        if (P->tok.kind != T_COMMA && P->tok.kind != T_RPAREN)
            return mp_expected(P, "',' or ')' after ':'");
        ix->all = 1;
        ix->n = ix->max = dim;
        return GR_OK;
    }
    mp_tok at = P->tok;
    int save_in = P->in_index;
    double save_end = P->end_val;
    P->in_index = 1;
    P->end_val = dim;
    ev_val v = {0, 0, 0, NULL};
    st = mp_ev_expr(P, &v);
    P->in_index = save_in;
    P->end_val = save_end;
    if (st != GR_OK)
        return st;
    size_t n = ev_numel(&v);
    ix->n = (int)n;
    if (n && !(ix->k = gr_malloc(n * sizeof *ix->k))) {
        mp_ev_free(&v);
        return mp_oom(P);
    }
    for (size_t i = 0; i < n; i++) {
        double d = ev_get(&v, i);
        if (!(d >= 1 && d <= limit && d == floor(d))) {
            char found[32];
            gr_mp_format_double(d, found);
            mp_ev_free(&v);
            gr_free(ix->k);
            ix->k = NULL;
            return mp_perr(P, at.line, at.col, "expected an index from 1 to %d, found %s", limit, found);
        }
        ix->k[i] = (int)d - 1;
        if (ix->k[i] + 1 > ix->max)
            ix->max = ix->k[i] + 1;
    }
    mp_ev_free(&v);
    return GR_OK;
}

/* `(rows, cols)` after mpc.T; the current token is '('. */
int mp_parse_table_indices(mp_parser *P, const mp_table *t, int for_write, ev_index *ri,
                               ev_index *ci)
{
    int save_ws = P->ws_sep, st;
    memset(ri, 0, sizeof *ri);
    memset(ci, 0, sizeof *ci);
    P->ws_sep = 0;
    if ((st = mp_lex(P)) == GR_OK && (st = parse_index(P, t->rows, t->rows, ri)) == GR_OK) {
        if (P->tok.kind != T_COMMA)
            st = mp_expected(P, "',' and a column index (mpc tables take two indices)");
        else if ((st = mp_lex(P)) == GR_OK &&
                 (st = parse_index(P, t->cols, for_write ? MP_MAX_COLS : t->cols, ci)) == GR_OK) {
            if (P->tok.kind != T_RPAREN)
                st = mp_expected(P, "')'");
            else
                st = mp_lex(P);
        }
    }
    P->ws_sep = save_ws;
    if (st != GR_OK) {
        gr_free(ri->k);
        gr_free(ci->k);
        ri->k = ci->k = NULL;
    }
    return st;
}

static int read_table(mp_parser *P, const mp_table *t, const ev_index *ri, const ev_index *ci,
                      const mp_tok *at, ev_val *out)
{
    int st = ev_make(P, ri->n, ci->n, out, at);
    if (st != GR_OK)
        return st;
    for (int i = 0; i < ri->n; i++)
        for (int j = 0; j < ci->n; j++)
            ev_set(out, (size_t)i * (size_t)ci->n + (size_t)j,
                   t->x[(size_t)index_at(ri, i) * (size_t)t->cols + (size_t)index_at(ci, j)]);
    return GR_OK;
}

/* Widen a closed table to `cols` columns, new ones 0 (MATLAB grows on assignment). */
static int widen_table(mp_parser *P, mp_table *t, int cols)
{
    if (cols <= t->cols)
        return GR_OK;
    double *x = gr_calloc((size_t)t->rows * (size_t)cols, sizeof *x);
    if (!x)
        return mp_oom(P);
    for (int r = 0; r < t->rows; r++)
        memcpy(x + (size_t)r * (size_t)cols, t->x + (size_t)r * (size_t)t->cols,
               (size_t)t->cols * sizeof *x);
    gr_free(t->x);
    t->x = x;
    t->cols = cols;
    return GR_OK;
}

int mp_write_table(mp_parser *P, mp_table *t, const ev_index *ri, const ev_index *ci,
                       const ev_val *v, const mp_tok *at)
{
    size_t n = (size_t)ri->n * (size_t)ci->n;
    int scalar = ev_numel(v) == 1;
    int same = v->m == ri->n && v->n == ci->n;
    int vectors = (v->m == 1 || v->n == 1) && (ri->n == 1 || ci->n == 1) && ev_numel(v) == n;
    if (!scalar && !same && !vectors)
        return mp_perr(P, at->line, at->col, "expected a %dx%d value (or a scalar) to assign, found %dx%d",
                    ri->n, ci->n, v->m, v->n);
    int st = widen_table(P, t, ci->max);
    if (st != GR_OK)
        return st;
    for (int i = 0; i < ri->n; i++)
        for (int j = 0; j < ci->n; j++) {
            size_t k = (size_t)i * (size_t)ci->n + (size_t)j;
            t->x[(size_t)index_at(ri, i) * (size_t)t->cols + (size_t)index_at(ci, j)] =
                ev_get(v, scalar ? 0 : k);
        }
    return GR_OK;
}

int mp_field_table(const mp_tok *t)
{
    for (int k = 0; k < TB_COUNT; k++)
        if (mp_tok_is(t, mp_table_field[k]))
            return k;
    return -1;
}

/* `mpc.FIELD` or `mpc.T(r, c)` in an expression; the current token is FIELD. */
static int ev_struct_field(mp_parser *P, ev_val *out)
{
    mp_tok field = P->tok;
    int st = mp_lex(P);
    if (st != GR_OK)
        return st;
    if (mp_tok_is(&field, "baseMVA")) {
        if (!P->have_base)
            return mp_perr(P, field.line, field.col, "expected mpc.baseMVA to be set before this use, found none");
        *out = ev_scalar(P->base_mva);
        return GR_OK;
    }
    int which = mp_field_table(&field);
    if (which < 0 || !P->tab[which].defined) {
        char found[64];
        mp_quote_span(field.s, field.e, found, sizeof found);
        return mp_perr(P, field.line, field.col, "expected a numeric field of mpc defined above, found %s",
                    found);
    }
    mp_table *t = &P->tab[which];
    if (P->tok.kind != T_LPAREN) {
        ev_index all_r = {1, t->rows, NULL, t->rows}, all_c = {1, t->cols, NULL, t->cols};
        return read_table(P, t, &all_r, &all_c, &field, out);
    }
    ev_index ri, ci;
    if ((st = mp_parse_table_indices(P, t, 0, &ri, &ci)) != GR_OK)
        return st;
    st = read_table(P, t, &ri, &ci, &field, out);
    gr_free(ri.k);
    gr_free(ci.k);
    return st;
}

/* ------------------------------------------------------------------------
 * Evaluator: expressions (MATLAB precedence, highest last)
 * ------------------------------------------------------------------------ */
int mp_enter(mp_parser *P)
{
    if (++P->depth > MP_MAX_DEPTH)
        return mp_perr(P, P->tok.line, P->tok.col, "expected at most %d nested levels, found more",
                    MP_MAX_DEPTH);
    return GR_OK;
}

/* Horizontal (dim 1) or vertical (dim 0) concatenation of a and b into a. */
static int ev_concat(mp_parser *P, ev_val *a, ev_val *b, int horizontal, const mp_tok *at)
{
    if (ev_numel(b) == 0) {
        mp_ev_free(b);
        return GR_OK;
    }
    if (ev_numel(a) == 0) {
        mp_ev_free(a);
        *a = *b;
        *b = EV_EMPTY;
        return GR_OK;
    }
    if ((horizontal && a->m != b->m) || (!horizontal && a->n != b->n)) {
        int st = mp_perr(P, at->line, at->col, "expected matching sizes to concatenate, found %dx%d and %dx%d",
                      a->m, a->n, b->m, b->n);
        mp_ev_free(a);
        mp_ev_free(b);
        return st;
    }
    ev_val c;
    int m = horizontal ? a->m : a->m + b->m, n = horizontal ? a->n + b->n : a->n;
    int st = ev_make(P, m, n, &c, at);
    if (st == GR_OK) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                const ev_val *src = a;
                int si = i, sj = j;
                if (horizontal && j >= a->n) {
                    src = b;
                    sj = j - a->n;
                } else if (!horizontal && i >= a->m) {
                    src = b;
                    si = i - a->m;
                }
                ev_set(&c, (size_t)i * (size_t)n + (size_t)j,
                       ev_get(src, (size_t)si * (size_t)src->n + (size_t)sj));
            }
    }
    mp_ev_free(a);
    mp_ev_free(b);
    *a = c;
    return st;
}

static int starts_value(int kind)
{
    switch (kind) {
    case T_NUM: case T_IDENT: case T_STR: case T_LPAREN: case T_LBRACK: case T_PLUS: case T_MINUS:
    case T_NOT: case T_AT: case T_LBRACE:
        return 1;
    default:
        return 0;
    }
}

/* `[ a b, c; d e f ]` in an expression; the current token is '['. */
static int ev_matrix(mp_parser *P, ev_val *out)
{
    mp_tok open = P->tok;
    int save_ws = P->ws_sep, st;
    ev_val all = {0, 0, 0, NULL}, row = {0, 0, 0, NULL};
    P->ws_sep = 1;
    st = mp_lex(P);
    while (st == GR_OK) {
        int k = P->tok.kind;
        if (k == T_RBRACK || k == T_SEMI || k == T_NL) {
            mp_tok at = P->tok;
            if ((st = ev_concat(P, &all, &row, 0, &at)) != GR_OK)
                break;
            if (k == T_RBRACK)
                break;
            st = mp_lex(P);
        } else if (k == T_COMMA) {
            st = mp_lex(P);
        } else if (k == T_EOF) {
            char what[64];
            snprintf(what, sizeof what, "']' closing the '[' at line %d", open.line);
            st = mp_expected(P, what);
        } else if (starts_value(k)) {
            mp_tok at = P->tok;
            ev_val e = {0, 0, 0, NULL};
            if ((st = mp_ev_expr(P, &e)) == GR_OK)
                st = ev_concat(P, &row, &e, 1, &at);
            if (st == GR_OK && !(P->tok.kind == T_COMMA || P->tok.kind == T_SEMI ||
                                 P->tok.kind == T_NL || P->tok.kind == T_RBRACK ||
                                 P->tok.kind == T_EOF || P->tok.space_before))
                st = mp_expected(P, "',', ';' or ']'");
        } else {
            st = mp_expected(P, "a value, ',', ';' or ']'");
        }
    }
    P->ws_sep = save_ws;
    mp_ev_free(&row);
    if (st == GR_OK)
        st = mp_lex(P); /* past ']' */
    if (st != GR_OK) {
        mp_ev_free(&all);
        return st;
    }
    *out = all;
    return GR_OK;
}

static int tok_is_fill(const mp_tok *t) { return mp_tok_is(t, "zeros") || mp_tok_is(t, "ones"); }

/* zeros(n) (n x n), zeros(m, n), ones(...): a matrix of `fill`; the current
 * token is '('. Sizes are integers from 0 (MATPOWER's empty tables,
 * `mpc.gencost = zeros(0, 7)`). */
static int ev_filled(mp_parser *P, const mp_tok *id, double fill, ev_val *out)
{
    int dims[2] = {0, 0}, nd = 0;
    int save_ws = P->ws_sep, save_in = P->in_index;
    P->ws_sep = P->in_index = 0;
    int st = mp_lex(P);
    while (st == GR_OK) {
        mp_tok at = P->tok;
        ev_val a = {0, 0, 0, NULL};
        if ((st = mp_ev_expr(P, &a)) != GR_OK)
            break;
        int scalar = ev_numel(&a) == 1;
        double d = scalar ? ev_get(&a, 0) : 0;
        int m = a.m, n = a.n;
        mp_ev_free(&a);
        if (!scalar) {
            st = mp_perr(P, at.line, at.col, "expected a scalar size, found a %dx%d value", m, n);
            break;
        }
        if (!(d >= 0 && d <= (double)MP_MAX_ELEMS && d == floor(d))) {
            char found[32];
            gr_mp_format_double(d, found);
            st = mp_perr(P, at.line, at.col, "expected a size from 0 to %ld, found %s", MP_MAX_ELEMS, found);
            break;
        }
        dims[nd++] = (int)d;
        if (P->tok.kind == T_RPAREN) {
            st = mp_lex(P);
            break;
        }
        if (P->tok.kind != T_COMMA || nd == 2) {
            st = mp_expected(P, nd == 2 ? "')' (zeros and ones take one or two sizes)" : "',' or ')'");
            break;
        }
        st = mp_lex(P);
    }
    P->ws_sep = save_ws;
    P->in_index = save_in;
    if (st != GR_OK)
        return st;
    if ((st = ev_make(P, dims[0], nd == 2 ? dims[1] : dims[0], out, id)) != GR_OK)
        return st;
    for (size_t k = 0; k < ev_numel(out); k++)
        ev_set(out, k, fill);
    return GR_OK;
}

static int ev_identifier(mp_parser *P, ev_val *out)
{
    mp_tok id = P->tok;
    int st = mp_lex(P);
    if (st != GR_OK)
        return st;
    if ((int)(id.e - id.s) == P->sv_len && memcmp(id.s, P->sv, (size_t)P->sv_len) == 0 &&
        P->tok.kind == T_DOT) {
        if ((st = mp_lex(P)) != GR_OK)
            return st;
        if (P->tok.kind != T_IDENT)
            return mp_expected(P, "a field name after '.'");
        return ev_struct_field(P, out);
    }
    if (P->in_index && mp_tok_is(&id, "end")) {
        *out = ev_scalar(P->end_val);
        return GR_OK;
    }
    mp_var *var = mp_find_var(P, id.s, (int)(id.e - id.s));
    if (var && !var->poisoned && P->tok.kind != T_LPAREN)
        return ev_copy(P, &var->v, out, &id);
    char found[64];
    mp_quote_span(id.s, id.e, found, sizeof found);
    if (var && var->poisoned)
        return mp_perr(P, id.line, id.col,
                    "expected a value, found %s, set at line %d by a statement gridres cannot evaluate",
                    found, var->line);
    if (var)
        return mp_perr(P, id.line, id.col, "expected a variable without indices, found %s(", found);
    double c;
    if (mp_lookup_constant(&id, &c) && P->tok.kind != T_LPAREN) {
        *out = ev_scalar(c);
        return GR_OK;
    }
    if (tok_is_fill(&id) && P->tok.kind == T_LPAREN)
        return ev_filled(P, &id, mp_tok_is(&id, "ones") ? 1.0 : 0.0, out);
    ev_fn fn = mp_lookup_function(&id);
    if (!fn || P->tok.kind != T_LPAREN)
        return mp_perr(P, id.line, id.col, "expected a number, variable or known function, found %s", found);
    int save_ws = P->ws_sep, save_in = P->in_index;
    P->ws_sep = P->in_index = 0;
    ev_val a = {0, 0, 0, NULL};
    if ((st = mp_lex(P)) == GR_OK && (st = mp_ev_expr(P, &a)) == GR_OK) {
        if (P->tok.kind != T_RPAREN)
            st = mp_expected(P, "')' (functions take one argument)");
        else
            st = mp_lex(P);
    }
    P->ws_sep = save_ws;
    P->in_index = save_in;
    if (st != GR_OK) {
        mp_ev_free(&a);
        return st;
    }
    for (size_t k = 0; k < ev_numel(&a); k++)
        ev_set(&a, k, fn(ev_get(&a, k)));
    *out = a;
    return GR_OK;
}

static int ev_primary(mp_parser *P, ev_val *out)
{
    int st;
    *out = EV_EMPTY;
    switch (P->tok.kind) {
    case T_NUM:
        *out = ev_scalar(P->tok.num);
        return mp_lex(P);
    case T_IDENT:
        return ev_identifier(P, out);
    case T_LBRACK:
        if ((st = mp_enter(P)) == GR_OK)
            st = ev_matrix(P, out);
        P->depth--;
        return st;
    case T_LPAREN: {
        if ((st = mp_enter(P)) != GR_OK) {
            P->depth--;
            return st;
        }
        int save_ws = P->ws_sep;
        P->ws_sep = 0;
        if ((st = mp_lex(P)) == GR_OK && (st = mp_ev_expr(P, out)) == GR_OK) {
            if (P->tok.kind != T_RPAREN) {
                mp_ev_free(out);
                st = mp_expected(P, "')'");
            } else if ((st = mp_lex(P)) != GR_OK) {
                mp_ev_free(out);
            }
        }
        P->ws_sep = save_ws;
        P->depth--;
        return st;
    }
    default:
        return mp_expected(P, "a number or an expression");
    }
}

static int ev_postfix(mp_parser *P, ev_val *out)
{
    int st = ev_primary(P, out);
    while (st == GR_OK && (P->tok.kind == T_TRANSPOSE || P->tok.kind == T_DTRANSPOSE) &&
           !P->tok.space_before) {
        mp_tok at = P->tok;
        if ((st = ev_transpose(P, out, &at)) == GR_OK)
            st = mp_lex(P);
        if (st != GR_OK)
            mp_ev_free(out);
    }
    return st;
}

static int ev_unary(mp_parser *P, ev_val *out);

/* Operand of ^: may carry its own sign (2^-1). */
static int ev_power_operand(mp_parser *P, ev_val *out)
{
    int k = P->tok.kind;
    if (k != T_MINUS && k != T_PLUS && k != T_NOT)
        return ev_postfix(P, out);
    return ev_unary(P, out);
}

static int ev_power(mp_parser *P, ev_val *out)
{
    int st = ev_postfix(P, out);
    while (st == GR_OK && (P->tok.kind == T_CARET || P->tok.kind == T_DCARET)) {
        mp_tok op = P->tok;
        ev_val b = {0, 0, 0, NULL}, r;
        if ((st = mp_lex(P)) != GR_OK || (st = ev_power_operand(P, &b)) != GR_OK) {
            mp_ev_free(out);
            return st;
        }
        st = ev_binary(P, op.kind, out, &b, &op, &r);
        *out = r;
    }
    return st;
}

static int ev_unary(mp_parser *P, ev_val *out)
{
    int k = P->tok.kind;
    if (k != T_MINUS && k != T_PLUS && k != T_NOT)
        return ev_power(P, out);
    int st = mp_enter(P);
    if (st == GR_OK && (st = mp_lex(P)) == GR_OK && (st = ev_unary(P, out)) == GR_OK && k != T_PLUS)
        for (size_t i = 0; i < ev_numel(out); i++)
            ev_set(out, i, k == T_MINUS ? -ev_get(out, i) : ev_get(out, i) == 0);
    P->depth--;
    return st;
}

/* Inside [ ], "a -b" is two elements and "a - b" one (MATLAB's rule). */
static int sign_starts_element(const mp_parser *P)
{
    const mp_tok *t = &P->tok;
    return P->ws_sep && t->space_before && (t->kind == T_PLUS || t->kind == T_MINUS) &&
           !(*t->e == ' ' || *t->e == '\t');
}

typedef int (*ev_level)(mp_parser *, ev_val *);

/* Left-associative binary level: next (op next)* for ops in `ops`. */
static int ev_binary_level(mp_parser *P, ev_val *out, ev_level next, const int *ops, int nops)
{
    int st = next(P, out);
    while (st == GR_OK) {
        int k = P->tok.kind, hit = 0;
        for (int i = 0; i < nops; i++)
            hit |= ops[i] == k;
        if (!hit || sign_starts_element(P))
            break;
        mp_tok op = P->tok;
        ev_val b = {0, 0, 0, NULL}, r;
        if ((st = mp_lex(P)) != GR_OK || (st = next(P, &b)) != GR_OK) {
            mp_ev_free(out);
            return st;
        }
        st = ev_binary(P, k, out, &b, &op, &r);
        *out = r;
    }
    return st;
}

static int ev_mul(mp_parser *P, ev_val *out)
{
    static const int ops[] = {T_STAR, T_SLASH, T_BACKSLASH, T_DSTAR, T_DSLASH, T_DBACKSLASH};
    return ev_binary_level(P, out, ev_unary, ops, 6);
}

static int ev_add(mp_parser *P, ev_val *out)
{
    static const int ops[] = {T_PLUS, T_MINUS};
    return ev_binary_level(P, out, ev_mul, ops, 2);
}

/* a:b or a:s:b (scalars). */
static int ev_range(mp_parser *P, ev_val *out)
{
    int st = ev_add(P, out);
    if (st != GR_OK || P->tok.kind != T_COLON)
        return st;
    mp_tok at = P->tok;
    ev_val v[3] = {*out, {0, 0, 0, NULL}, {0, 0, 0, NULL}};
    *out = EV_EMPTY; /* owned by v[0] now */
    int n = 1;
    while (st == GR_OK && n < 3 && P->tok.kind == T_COLON)
        if ((st = mp_lex(P)) == GR_OK)
            st = ev_add(P, &v[n++]);
    double a = 0, s = 1, b = 0;
    if (st == GR_OK) {
        for (int i = 0; i < n; i++)
            if (ev_numel(&v[i]) != 1)
                st = mp_perr(P, at.line, at.col, "expected scalar bounds for ':', found %dx%d", v[i].m, v[i].n);
        if (st == GR_OK) {
            a = ev_get(&v[0], 0);
            s = n == 3 ? ev_get(&v[1], 0) : 1;
            b = ev_get(&v[n - 1], 0);
        }
    }
    for (int i = 0; i < 3; i++)
        mp_ev_free(&v[i]);
    if (st != GR_OK)
        return st;
    double count = (s == 0 || !isfinite(a) || !isfinite(b) || !isfinite(s)) ? -1
                                                                           : floor((b - a) / s + 1e-10) + 1;
    if (count < 0 && s != 0 && isfinite(a) && isfinite(b) && isfinite(s))
        count = 0; /* 5:1 is empty */
    if (!(count >= 0 && count <= (double)MP_MAX_ELEMS))
        return mp_perr(P, at.line, at.col, "expected a finite range of at most %ld elements, found another",
                    MP_MAX_ELEMS);
    if ((st = ev_make(P, 1, (int)count, out, &at)) != GR_OK)
        return st;
    for (int i = 0; i < (int)count; i++)
        ev_set(out, (size_t)i, a + i * s);
    return GR_OK;
}

static int ev_compare(mp_parser *P, ev_val *out)
{
    static const int ops[] = {T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE};
    return ev_binary_level(P, out, ev_range, ops, 6);
}

static int ev_and(mp_parser *P, ev_val *out)
{
    static const int ops[] = {T_AND, T_ANDAND};
    return ev_binary_level(P, out, ev_compare, ops, 2);
}

int mp_ev_expr(mp_parser *P, ev_val *out)
{
    static const int ops[] = {T_OR, T_OROR};
    out->m = out->n = 0;
    out->x = NULL;
    int st = mp_enter(P);
    if (st == GR_OK)
        st = ev_binary_level(P, out, ev_and, ops, 2);
    P->depth--;
    return st;
}
