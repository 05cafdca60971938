/* matpower_stmt.c — MATPOWER reader: statements (mpc.* assignments, variables, if, idx_*, function) and the bus_name cell array. */
#include <stdio.h>
#include <string.h>

#include "io/matpower_internal.h"

/* ------------------------------------------------------------------------
 * Strings and the bus_name cell array
 * ------------------------------------------------------------------------ */
/* Copy of a string token's text with the doubled quote undone. */
static char *string_value(const mp_tok *t)
{
    char quote = *t->s;
    const char *s = t->s + 1, *e = t->e - 1;
    char *out = gr_malloc((size_t)(e - s) + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    for (; s < e; s++) {
        out[k++] = *s;
        if (*s == quote)
            s++;
    }
    out[k] = 0;
    return out;
}

void mp_free_names(mp_parser *P)
{
    for (int k = 0; k < P->n_names; k++)
        gr_free(P->names[k]);
    gr_free(P->names);
    P->names = NULL;
    P->n_names = P->cap_names = 0;
}

static int push_name(mp_parser *P, char *s)
{
    if (P->n_names == P->cap_names) {
        if (P->cap_names > INT_MAX / 4) {
            gr_free(s);
            return GR_ENOMEM;
        }
        int cap = P->cap_names ? 2 * P->cap_names : 64;
        char **names = gr_realloc(P->names, (size_t)cap * sizeof *names);
        if (!names) {
            gr_free(s);
            return GR_ENOMEM;
        }
        P->names = names;
        P->cap_names = cap;
    }
    P->names[P->n_names++] = s;
    return GR_OK;
}

/* `mpc.bus_name = { 'a'; 'b'; ... }` — the current token is '{'. */
static int parse_name_cell(mp_parser *P)
{
    int open_line = P->tok.line, st;
    mp_free_names(P);
    P->names_defined = 1;
    int save_ws = P->ws_sep;
    P->ws_sep = 1;
    for (;;) {
        if ((st = mp_lex(P)) != GR_OK)
            break;
        int k = P->tok.kind;
        if (k == T_NL || k == T_SEMI || k == T_COMMA)
            continue;
        if (k == T_RBRACE) {
            st = mp_lex(P);
            break;
        }
        if (k == T_EOF) {
            char what[80];
            snprintf(what, sizeof what, "'}' closing mpc.bus_name (opened at line %d)", open_line);
            st = mp_expected(P, what);
            break;
        }
        if (k != T_STR) {
            st = mp_expected(P, "a quoted string in mpc.bus_name");
            break;
        }
        char *s = string_value(&P->tok);
        if (!s || push_name(P, s) != GR_OK) {
            st = mp_oom(P);
            break;
        }
    }
    P->ws_sep = save_ws;
    return st;
}

/* ------------------------------------------------------------------------
 * Statements
 * ------------------------------------------------------------------------ */
static int stmt_end(mp_parser *P, const char *after)
{
    int k = P->tok.kind;
    if (k == T_EOF)
        return GR_OK;
    if (k == T_SEMI || k == T_COMMA || k == T_NL)
        return mp_lex(P);
    char what[96];
    snprintf(what, sizeof what, "';' or end of line after %s", after);
    return mp_expected(P, what);
}

static int is_opener(int k) { return k == T_LPAREN || k == T_LBRACK || k == T_LBRACE; }
static int is_closer(int k) { return k == T_RPAREN || k == T_RBRACK || k == T_RBRACE; }
static int closer_of(int k) { return k == T_LPAREN ? T_RPAREN : k == T_LBRACK ? T_RBRACK : T_RBRACE; }

/* Skip to the end of the current statement, balancing brackets: for fields and
 * commands that cannot change the case. Stops after the ';'/','/newline. */
static int skip_statement(mp_parser *P)
{
    mp_tok open[64];
    int depth = 0, st = GR_OK;
    int save_ws = P->ws_sep;
    for (;;) {
        int k = P->tok.kind;
        if (k == T_EOF) {
            if (depth > 0) {
                char what[64];
                snprintf(what, sizeof what, "'%c' closing the '%c' at line %d",
                         closer_of(open[depth - 1].kind) == T_RPAREN ? ')' :
                         closer_of(open[depth - 1].kind) == T_RBRACK ? ']' : '}',
                         *open[depth - 1].s, open[depth - 1].line);
                st = mp_expected(P, what);
            }
            break;
        }
        if (depth == 0 && (k == T_SEMI || k == T_COMMA || k == T_NL)) {
            st = mp_lex(P);
            break;
        }
        if (is_opener(k)) {
            if (depth == (int)(sizeof open / sizeof open[0])) {
                st = mp_perr(P, P->tok.line, P->tok.col, "expected at most 64 nested brackets, found more");
                break;
            }
            open[depth++] = P->tok;
        } else if (is_closer(k)) {
            if (depth == 0 || closer_of(open[depth - 1].kind) != k) {
                st = mp_expected(P, depth ? "a matching closing bracket" : "end of statement");
                break;
            }
            depth--;
        }
        P->ws_sep = depth > 0 && open[depth - 1].kind != T_LPAREN;
        if ((st = mp_lex(P)) != GR_OK)
            break;
    }
    P->ws_sep = save_ws;
    return st;
}


static int is_block_open(const mp_tok *t)
{
    static const char *const kws[] = {"if", "for", "parfor", "while", "switch", "try", "spmd",
                                      "unwind_protect"};
    for (size_t k = 0; k < sizeof kws / sizeof kws[0]; k++)
        if (mp_tok_is(t, kws[k]))
            return 1;
    return 0;
}

static int is_block_end(const mp_tok *t)
{
    return mp_tok_is(t, "end") || mp_tok_is(t, "endif") || mp_tok_is(t, "endfor") || mp_tok_is(t, "endwhile") ||
           mp_tok_is(t, "endswitch") || mp_tok_is(t, "end_try_catch") || mp_tok_is(t, "endparfor") ||
           mp_tok_is(t, "end_unwind_protect");
}

/* Skip a branch of an `if` not taken, up to its else/elseif/end (consumed);
 * *kw says which. `end` inside brackets is an index, not a keyword. */
static int skip_block(mp_parser *P, int open_line, const char **kw)
{
    int nest = 0, brackets = 0, prev = T_NL, st = GR_OK;
    for (;;) {
        mp_tok *t = &P->tok;
        if (t->kind == T_EOF) {
            char what[64];
            snprintf(what, sizeof what, "'end' closing the 'if' at line %d", open_line);
            return mp_expected(P, what);
        }
        if (is_opener(t->kind))
            brackets++;
        else if (is_closer(t->kind) && brackets > 0)
            brackets--;
        else if (t->kind == T_IDENT && brackets == 0 && prev != T_DOT) {
            if (is_block_open(t)) {
                nest++;
            } else if (is_block_end(t)) {
                if (nest-- == 0) {
                    *kw = "end";
                    return mp_lex(P);
                }
            } else if (nest == 0 && (mp_tok_is(t, "else") || mp_tok_is(t, "elseif"))) {
                *kw = mp_tok_is(t, "else") ? "else" : "elseif";
                return mp_lex(P);
            }
        }
        prev = t->kind;
        if ((st = mp_lex(P)) != GR_OK)
            return st;
    }
}

/* The truth of an if condition, as MATLAB: nonempty and all nonzero. */
static int eval_condition(mp_parser *P, int *truth)
{
    mp_tok at = P->tok;
    ev_val v;
    int st = mp_ev_expr(P, &v);
    if (st != GR_OK)
        return st;
    *truth = ev_numel(&v) > 0;
    for (size_t k = 0; k < ev_numel(&v); k++) {
        double d = ev_get(&v, k);
        if (d != d) {
            mp_ev_free(&v);
            return mp_perr(P, at.line, at.col, "expected a condition without NaN, found NaN");
        }
        *truth &= d != 0;
    }
    mp_ev_free(&v);
    return stmt_end(P, "the condition");
}

/* if c ... elseif c ... else ... end; the current token is `if`. */
static int stmt_if(mp_parser *P)
{
    int open_line = P->tok.line, taken = 0, st;
    const char *kw = "elseif";
    if ((st = mp_enter(P)) != GR_OK) {
        P->depth--;
        return st;
    }
    if ((st = mp_lex(P)) != GR_OK) {
        P->depth--;
        return st;
    }
    while (st == GR_OK && strcmp(kw, "end") != 0) {
        int run = 0;
        if (strcmp(kw, "elseif") == 0 && !taken) {
            if ((st = eval_condition(P, &run)) != GR_OK)
                break;
        } else if (strcmp(kw, "else") == 0) {
            run = !taken;
        }
        if (run) {
            taken = 1;
            st = mp_parse_statements(P, 1, &kw);
            if (st == GR_OK && P->stopped) /* `return` inside the branch */
                break;
            if (st == GR_OK && !kw) {
                char what[64];
                snprintf(what, sizeof what, "'end' closing the 'if' at line %d", open_line);
                st = mp_expected(P, what);
            }
        } else {
            st = skip_block(P, open_line, &kw);
        }
    }
    P->depth--;
    return st;
}

/* MATPOWER's idx_* functions: the value of each output, in order. */
static const int *idx_function(const mp_tok *t, int *n)
{
    static const int bus[] = {1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17};
    static const int brch[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 19, 12, 13,
                               20, 21};
    static const int gen[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 22, 23, 24, 25, 11, 12, 13, 14, 15,
                              16, 17, 18, 19, 20, 21};
    static const int cost[] = {1, 2, 1, 2, 3, 4, 5};
    if (mp_tok_is(t, "idx_bus")) {
        *n = 21;
        return bus;
    }
    if (mp_tok_is(t, "idx_brch")) {
        *n = 21;
        return brch;
    }
    if (mp_tok_is(t, "idx_gen")) {
        *n = 25;
        return gen;
    }
    if (mp_tok_is(t, "idx_cost")) {
        *n = 7;
        return cost;
    }
    return NULL;
}

/* Names that MATPOWER's define_constants puts in the workspace. */
static int define_constants(mp_parser *P, const mp_tok *at)
{
    static const char *const names =
        "PQ PV REF NONE BUS_I BUS_TYPE PD QD GS BS BUS_AREA VM VA BASE_KV ZONE VMAX VMIN LAM_P "
        "LAM_Q MU_VMAX MU_VMIN|F_BUS T_BUS BR_R BR_X BR_B RATE_A RATE_B RATE_C TAP SHIFT "
        "BR_STATUS PF QF PT QT MU_SF MU_ST ANGMIN ANGMAX MU_ANGMIN MU_ANGMAX|GEN_BUS PG QG QMAX "
        "QMIN VG MBASE GEN_STATUS PMAX PMIN MU_PMAX MU_PMIN MU_QMAX MU_QMIN PC1 PC2 QC1MIN QC1MAX "
        "QC2MIN QC2MAX RAMP_AGC RAMP_10 RAMP_30 RAMP_Q APF|PW_LINEAR POLYNOMIAL MODEL STARTUP "
        "SHUTDOWN NCOST COST";
    static const char *const fns[] = {"idx_bus", "idx_brch", "idx_gen", "idx_cost"};
    const char *s = names;
    for (int f = 0; f < 4; f++) {
        mp_tok fn = *at;
        fn.s = fns[f];
        fn.e = fns[f] + strlen(fns[f]);
        fn.kind = T_IDENT;
        int n;
        const int *val = idx_function(&fn, &n);
        for (int i = 0; i < n; i++) {
            mp_tok name = *at;
            name.s = s;
            while (*s && *s != ' ' && *s != '|')
                s++;
            name.e = s++;
            ev_val v = ev_scalar(val[i]);
            int st = mp_set_var(P, &name, &v);
            if (st != GR_OK)
                return st;
        }
    }
    return GR_OK;
}

/* [A, B, ~, ...] = f;  binds idx_* outputs, poisons the names otherwise. */
static int stmt_multi_assign(mp_parser *P)
{
    mp_tok names[32];
    int n = 0, st, save_ws = P->ws_sep;
    P->ws_sep = 1;
    st = mp_lex(P);
    while (st == GR_OK && P->tok.kind != T_RBRACK) {
        if (P->tok.kind == T_COMMA) {
            st = mp_lex(P);
            continue;
        }
        if (P->tok.kind != T_IDENT && P->tok.kind != T_NOT) {
            st = mp_expected(P, "a variable name in [...] = ...");
            break;
        }
        if (n == (int)(sizeof names / sizeof names[0])) {
            st = mp_perr(P, P->tok.line, P->tok.col, "expected at most 32 outputs, found more");
            break;
        }
        names[n++] = P->tok;
        st = mp_lex(P);
    }
    P->ws_sep = save_ws;
    if (st != GR_OK || (st = mp_lex(P)) != GR_OK)
        return st;
    if (P->tok.kind != T_ASSIGN)
        return mp_expected(P, "'=' after [...]");
    if ((st = mp_lex(P)) != GR_OK)
        return st;
    if (P->tok.kind != T_IDENT)
        return mp_expected(P, "a function name");
    int nval = 0;
    const int *val = idx_function(&P->tok, &nval);
    if (val && n > nval)
        return mp_perr(P, names[nval].line, names[nval].col, "expected at most %d outputs of this function, found %d",
                    nval, n);
    for (int i = 0; i < n && st == GR_OK; i++) {
        if (names[i].kind != T_IDENT)
            continue;
        ev_val v = ev_scalar(val ? val[i] : 0);
        st = mp_set_var(P, &names[i], val ? &v : NULL);
    }
    if (st != GR_OK)
        return st;
    return skip_statement(P); /* the function name and any arguments */
}

/* `function mpc = NAME(...)`, `function [mpc, ...] = NAME`, `function NAME`;
 * the current token is `function`. The output names the struct variable. */
static int stmt_function(mp_parser *P)
{
    if (P->seen_function) { /* a subfunction: the case is complete */
        P->stopped = 1;
        return GR_OK;
    }
    P->seen_function = 1;
    mp_tok out = {0}, name;
    int st = mp_lex(P), name_consumed = 0;
    if (st == GR_OK && P->tok.kind == T_LBRACK) {
        if ((st = mp_lex(P)) == GR_OK)
            out = P->tok;
        while (st == GR_OK && P->tok.kind != T_RBRACK && P->tok.kind != T_EOF && P->tok.kind != T_NL)
            st = mp_lex(P);
        if (st == GR_OK && P->tok.kind == T_RBRACK)
            st = mp_lex(P);
        if (st == GR_OK && P->tok.kind != T_ASSIGN)
            return mp_expected(P, "'=' after the outputs of function");
    } else if (st == GR_OK) {
        out = P->tok;
        st = mp_lex(P);
    }
    if (st != GR_OK)
        return st;
    if (P->tok.kind == T_ASSIGN) {
        if ((st = mp_lex(P)) != GR_OK)
            return st;
        name = P->tok;
        if (out.kind == T_IDENT) {
            P->sv = out.s;
            P->sv_len = (int)(out.e - out.s);
        }
    } else {
        name = out;
        name_consumed = 1;
    }
    if (name.kind != T_IDENT) {
        char found[96];
        mp_describe_tok(P, &name, found, sizeof found);
        return mp_perr(P, name.line, name.col, "expected a function name, found %s", found);
    }
    gr_free(P->fname);
    size_t len = (size_t)(name.e - name.s);
    if (!(P->fname = gr_malloc(len + 1)))
        return mp_oom(P);
    memcpy(P->fname, name.s, len);
    P->fname[len] = 0;
    if (!name_consumed && (st = mp_lex(P)) != GR_OK)
        return st;
    return skip_statement(P); /* (args) and the end of the line */
}

/* mpc.T(r, c) = expr;  the current token is '('. */
static int stmt_table_assign(mp_parser *P, int which, const mp_tok *field)
{
    mp_table *t = &P->tab[which];
    if (!t->defined) {
        char what[64];
        snprintf(what, sizeof what, "mpc.%s = [...] before indexing it", mp_table_field[which]);
        return mp_perr(P, field->line, field->col, "expected %s, found an index", what);
    }
    ev_index ri, ci;
    int st = mp_parse_table_indices(P, t, 1, &ri, &ci);
    if (st != GR_OK)
        return st;
    ev_val v = {0, 0, 0, NULL};
    if (P->tok.kind != T_ASSIGN)
        st = mp_expected(P, "'=' after the indices");
    else if ((st = mp_lex(P)) == GR_OK) {
        mp_tok at = P->tok;
        if ((st = mp_ev_expr(P, &v)) == GR_OK)
            st = mp_write_table(P, t, &ri, &ci, &v, &at);
    }
    mp_ev_free(&v);
    gr_free(ri.k);
    gr_free(ci.k);
    if (st != GR_OK)
        return st;
    char after[64];
    snprintf(after, sizeof after, "mpc.%s(...) = ...", mp_table_field[which]);
    return stmt_end(P, after);
}

/* mpc.T = <expression>, e.g. zeros(0, 13): evaluated before the old table
 * goes, so it may use it; the current token starts the expression. */
static int stmt_table_value(mp_parser *P, int which, const mp_tok *field)
{
    mp_tok at = P->tok;
    ev_val v = {0, 0, 0, NULL};
    int st = mp_ev_expr(P, &v);
    if (st == GR_OK)
        st = mp_table_from_value(P, which, &v, &at);
    if (st != GR_OK)
        return st;
    P->tab[which].line0 = field->line;
    P->tab[which].col0 = field->col;
    char what[64];
    snprintf(what, sizeof what, "mpc.%s = ...", mp_table_field[which]);
    return stmt_end(P, what);
}

/* mpc.T = [ ... ];  the current token is '='. */
static int stmt_table_define(mp_parser *P, int which, const mp_tok *field)
{
    int st = mp_lex(P);
    if (st != GR_OK)
        return st;
    if (P->tok.kind != T_LBRACK)
        return stmt_table_value(P, which, field);
    char what[64];
    mp_table *t = &P->tab[which];
    mp_table_release(P, which); /* defined again only once closed: elements cannot see it half-built */
    t->line0 = field->line;
    t->col0 = field->col;
    if ((st = mp_scan_data_matrix(P, t, which, P->tok.line)) != GR_OK)
        return st;
    t->defined = 1;
    gr_free(t->cnt);
    t->cnt = NULL;
    P->tok.kind = T_RBRACK; /* for the transpose rule */
    if ((st = mp_lex(P)) != GR_OK)
        return st;
    snprintf(what, sizeof what, "mpc.%s = [...]", mp_table_field[which]);
    return stmt_end(P, what);
}

static int stmt_base_mva(mp_parser *P)
{
    int st = mp_lex(P);
    if (st != GR_OK)
        return st;
    mp_tok at = P->tok;
    ev_val v;
    if ((st = mp_ev_expr(P, &v)) != GR_OK)
        return st;
    if (ev_numel(&v) != 1) {
        mp_ev_free(&v);
        return mp_perr(P, at.line, at.col, "expected a scalar mpc.baseMVA, found a %dx%d value", v.m, v.n);
    }
    P->have_base = 1;
    P->base_mva = ev_get(&v, 0);
    P->base_line = at.line;
    P->base_col = at.col;
    mp_ev_free(&v);
    return stmt_end(P, "mpc.baseMVA");
}

static int stmt_version(mp_parser *P)
{
    int st = mp_lex(P);
    if (st != GR_OK)
        return st;
    mp_tok *t = &P->tok;
    int ok = (t->kind == T_STR && t->e - t->s == 3 && t->s[1] == '2') ||
             (t->kind == T_NUM && t->num == 2);
    if (!ok)
        return mp_expected(P, "mpc.version '2' (MATPOWER case format version 2)");
    if ((st = mp_lex(P)) != GR_OK)
        return st;
    return stmt_end(P, "mpc.version");
}

/* mpc.FIELD ...;  the current token is FIELD. */
static int stmt_field(mp_parser *P)
{
    mp_tok field = P->tok;
    int which = mp_field_table(&field);
    int known = which >= 0 || mp_tok_is(&field, "bus_name") || mp_tok_is(&field, "baseMVA") ||
                mp_tok_is(&field, "version");
    int st = mp_lex(P);
    if (st != GR_OK)
        return st;
    if (!known)
        return skip_statement(P); /* areas, gentype, genfuel, dcline, bus_name2, ... */
    int k = P->tok.kind;
    if (which >= 0 && k == T_LPAREN)
        return stmt_table_assign(P, which, &field);
    if (k != T_ASSIGN) {
        char what[64];
        snprintf(what, sizeof what, "'=' after mpc.%.*s", (int)(field.e - field.s), field.s);
        return mp_expected(P, what);
    }
    if (which >= 0)
        return stmt_table_define(P, which, &field);
    if (mp_tok_is(&field, "baseMVA"))
        return stmt_base_mva(P);
    if (mp_tok_is(&field, "version"))
        return stmt_version(P);
    if ((st = mp_lex(P)) != GR_OK) /* bus_name */
        return st;
    if (P->tok.kind != T_LBRACE)
        return mp_expected(P, "'{' starting mpc.bus_name");
    P->names_line = field.line;
    P->names_col = field.col;
    if ((st = parse_name_cell(P)) != GR_OK)
        return st;
    return stmt_end(P, "mpc.bus_name = {...}");
}

/* NAME = expr;  a variable we cannot evaluate is poisoned, not an error,
 * until something the case depends on uses it. */
static int stmt_assign_var(mp_parser *P, const mp_tok *name, const mp_pos *start)
{
    gr_error scratch, *err = P->err;
    P->err = &scratch;
    int st = mp_lex(P);
    ev_val v = {0, 0, 0, NULL};
    if (st == GR_OK)
        st = mp_ev_expr(P, &v);
    if (st == GR_OK && !(P->tok.kind == T_SEMI || P->tok.kind == T_COMMA || P->tok.kind == T_NL ||
                         P->tok.kind == T_EOF)) {
        mp_ev_free(&v);
        st = GR_EPARSE;
    }
    P->err = err;
    if (st == GR_ENOMEM)
        return mp_oom(P);
    if (st == GR_OK) {
        if ((st = mp_set_var(P, name, &v)) != GR_OK)
            return st;
        return stmt_end(P, "the assignment");
    }
    mp_restore_pos(P, start);
    if ((st = mp_set_var(P, name, NULL)) != GR_OK)
        return st;
    return skip_statement(P);
}

/* A statement that starts with an identifier. */
static int stmt_identifier(mp_parser *P, int in_block, const char **kw)
{
    mp_tok id = P->tok;
    mp_pos start = mp_save_pos(P);
    if (mp_tok_is(&id, "function"))
        return stmt_function(P);
    if (mp_tok_is(&id, "if"))
        return stmt_if(P);
    if (mp_tok_is(&id, "return")) {
        P->stopped = 1;
        return GR_OK;
    }
    if (mp_tok_is(&id, "else") || mp_tok_is(&id, "elseif") || is_block_end(&id)) {
        if (in_block) {
            *kw = mp_tok_is(&id, "else") ? "else" : mp_tok_is(&id, "elseif") ? "elseif" : "end";
            return mp_lex(P);
        }
        if (mp_tok_is(&id, "end") || mp_tok_is(&id, "endfunction")) /* closes the function */
            return mp_lex(P);
        return mp_expected(P, "a statement");
    }
    if (is_block_open(&id))
        return mp_expected(P, "a case-file statement (loops and switch are not supported)");
    int st = mp_lex(P);
    if (st != GR_OK)
        return st;
    int is_sv = (int)(id.e - id.s) == P->sv_len && memcmp(id.s, P->sv, (size_t)P->sv_len) == 0;
    if (is_sv && P->tok.kind == T_DOT) {
        if ((st = mp_lex(P)) != GR_OK)
            return st;
        if (P->tok.kind != T_IDENT)
            return mp_expected(P, "a field name after '.'");
        return stmt_field(P);
    }
    if (is_sv && P->tok.kind == T_ASSIGN)
        return mp_expected(P, "mpc.<field> = ... (the case struct cannot be replaced as a whole)");
    if (P->tok.kind == T_ASSIGN)
        return stmt_assign_var(P, &id, &start);
    if (mp_tok_is(&id, "define_constants") && (st = define_constants(P, &id)) != GR_OK)
        return st;
    if (P->tok.kind == T_LPAREN || P->tok.kind == T_DOT || P->tok.kind == T_LBRACE) {
        mp_var *var = mp_find_var(P, id.s, (int)(id.e - id.s));
        if (var && (st = mp_set_var(P, &id, NULL)) != GR_OK) /* x(...) = ... may change it */
            return st;
    }
    return skip_statement(P); /* a command: define_constants, disp(...), clear, ... */
}

/* Run statements until the end of input, or (in a block) else/elseif/end,
 * whose keyword goes to *kw (NULL at end of input). */
int mp_parse_statements(mp_parser *P, int in_block, const char **kw)
{
    *kw = NULL;
    while (!P->stopped) {
        int k = P->tok.kind, st;
        if (k == T_EOF)
            return GR_OK;
        if (k == T_NL || k == T_SEMI || k == T_COMMA)
            st = mp_lex(P);
        else if (k == T_IDENT)
            st = stmt_identifier(P, in_block, kw);
        else if (k == T_LBRACK)
            st = stmt_multi_assign(P);
        else
            st = mp_expected(P, "a statement");
        if (st != GR_OK || *kw)
            return st;
    }
    return GR_OK;
}
