/* matpower_internal.h — private to the MATPOWER reader (matpower_*.c): parser state, tokens, raw tables, values, and each stage's entry points. */
#ifndef GRIDRES_IO_MATPOWER_INTERNAL_H
#define GRIDRES_IO_MATPOWER_INTERNAL_H

#include <limits.h>
#include <stddef.h>

#include "gridres.h"
#include "io/matpower.h"

/* Stages, each calling only those below it:
 *   matpower_read.c   entry points: gr_case_parse, gr_case_read
 *   matpower_stmt.c   statements (assignments into mpc.*, if, idx_*), bus_name
 *   matpower_check.c  raw tables -> validated gr_case
 *   matpower_table.c  data matrices `mpc.T = [...]` (fast scanner), field positions
 *   matpower_eval.c   expression evaluator, table indexing
 *   matpower_lex.c    tokens
 *   matpower_scan.c   number literals
 *   matpower_error.c  "PATH:LINE:COL: expected ..., found ..." messages */

/* Limits that keep hostile input from exhausting memory or stack. */
#define MP_MAX_COLS 10000         /* columns in one table row */
#define MP_MAX_ELEMS (1L << 22)   /* elements in one evaluated value */
#define MP_MAX_DEPTH 200          /* nesting of parentheses, brackets, unary ops, ifs */
#define MP_MAX_VARS 4096
#define MP_MAX_INPUT ((size_t)INT_MAX - 16)

/* ------------------------------------------------------------------------
 * Types
 * ------------------------------------------------------------------------ */
enum tok_kind {
    T_EOF, T_NL, T_SEMI, T_COMMA, T_NUM, T_IDENT, T_STR,
    T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK, T_LBRACE, T_RBRACE,
    T_DOT, T_ASSIGN, T_COLON, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_BACKSLASH, T_CARET,
    T_DSTAR, T_DSLASH, T_DBACKSLASH, T_DCARET, T_TRANSPOSE, T_DTRANSPOSE,
    T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_AND, T_OR, T_ANDAND, T_OROR, T_NOT, T_AT, T_OTHER
};

typedef struct mp_tok {
    int kind;
    const char *s, *e;   /* text of the token */
    int line, col;
    int space_before;    /* whitespace, a comment or a continuation right before it */
    double num;          /* T_NUM */
} mp_tok;

/* Lexer position, saved to rewind a statement. */
typedef struct mp_pos {
    const char *p, *line_start;
    int line;
    mp_tok tok;
} mp_pos;

enum { TB_BUS, TB_GEN, TB_BRANCH, TB_GENCOST, TB_COUNT };

/* A table as in the file. While it is read, x holds the numbers of all rows
 * back to back and cnt the count of each row; once closed, x is rows x cols
 * row-major (short gencost rows padded with 0) and cnt is gone. */
typedef struct mp_table {
    int defined;
    int rows, cols, cap_rows;
    size_t nval, cap_val;
    double *x;
    int *line;           /* source line of each row's first number */
    int *pos;            /* byte offset of each row's first number */
    int *cnt;
    int line0, col0;     /* where "mpc.bus" was assigned */
    int evaluated;       /* rows from an expression (zeros(0, 13)): all located at it */
} mp_table;

/* An evaluated value: an m x n matrix, row-major; x is NULL for scalars
 * (value in s) and for empty matrices. */
typedef struct ev_val {
    int m, n;
    double s;
    double *x;
} ev_val;

typedef struct mp_var {
    const char *name;
    int len;
    int poisoned;        /* assigned by a statement we cannot evaluate */
    int line;            /* ... at this line */
    ev_val v;
} mp_var;

typedef struct mp_parser {
    const char *text, *end, *p, *line_start;
    int line;
    const char *name;    /* for messages */
    gr_error *err;
    mp_tok tok;          /* current token; p is just after it */
    mp_table tab[TB_COUNT];
    char **names;
    int n_names, cap_names, names_defined, names_line, names_col;
    int have_base, base_line, base_col;
    double base_mva;
    char *fname;
    int seen_function;
    const char *sv;      /* name of the struct variable ("mpc") */
    int sv_len;
    mp_var *vars;
    int n_vars, cap_vars;
    int ws_sep;          /* inside [ ] of an expression: blanks separate elements */
    int in_index;        /* `end` means end_val */
    double end_val;
    int depth;
    int stopped;         /* `return` or a subfunction: the rest is not run */
} mp_parser;

/* An index argument of `mpc.T(rows, cols)`. */
typedef struct ev_index {
    int all;      /* ':' */
    int n;        /* count */
    int *k;       /* 0-based indices, NULL when all */
    int max;      /* largest index + 1 */
} ev_index;

/* Elementwise functions MATLAB code in case files may call. */
typedef double (*ev_fn)(double);

/* mpc field of each table ("bus", "gen", "branch", "gencost"); in matpower_error.c. */
extern const char *const mp_table_field[TB_COUNT];

/* ---- matpower_scan.c: characters and number literals */
static inline int is_digit(char c) { return c >= '0' && c <= '9'; }
static inline int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline int is_ident_char(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }
static inline int is_continuation(const char *s) { return s[0] == '.' && s[1] == '.' && s[2] == '.'; }
/* Unsigned decimal literal at s (NUL-terminated text): its end, or NULL. */
const char *mp_scan_decimal(const char *s, double *v);
/* Signed literal of a data matrix ([+-] decimal, Inf, NaN): its end, or NULL. */
const char *mp_scan_signed(const char *s, double *v);

/* ---- matpower_error.c: every error is GR_EPARSE "NAME:LINE:COL: ..." (or GR_ENOMEM) */
#if defined(__GNUC__)
#define MP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MP_PRINTF(a, b)
#endif
int mp_perr(mp_parser *P, int line, int col, const char *fmt, ...) MP_PRINTF(4, 5);
int mp_oom(mp_parser *P);
int mp_col_of(const mp_parser *P, const char *s);
void mp_quote_span(const char *s, const char *e, char *buf, size_t len);
void mp_describe_at(const mp_parser *P, const char *s, char *buf, size_t len);
void mp_describe_tok(const mp_parser *P, const mp_tok *t, char *buf, size_t len);
int mp_expected(mp_parser *P, const char *what);

/* ---- matpower_lex.c */
void mp_new_line(mp_parser *P, const char *nl);
int mp_lex(mp_parser *P);
int mp_tok_is(const mp_tok *t, const char *word);
mp_pos mp_save_pos(const mp_parser *P);
void mp_restore_pos(mp_parser *P, const mp_pos *s);

/* ---- matpower_eval.c */
static inline size_t ev_numel(const ev_val *v) { return (size_t)v->m * (size_t)v->n; }
static inline double ev_get(const ev_val *v, size_t k) { return v->x ? v->x[k] : v->s; }
static inline ev_val ev_scalar(double s)
{
    ev_val v = {1, 1, s, NULL};
    return v;
}
void mp_ev_free(ev_val *v);
/* Evaluate the expression at the current token into *out (empty on failure). */
int mp_ev_expr(mp_parser *P, ev_val *out);
/* One nesting level more; the caller decrements P->depth, also on failure. */
int mp_enter(mp_parser *P);
ev_fn mp_lookup_function(const mp_tok *t);
int mp_lookup_constant(const mp_tok *t, double *v);
mp_var *mp_find_var(mp_parser *P, const char *name, int len);
int mp_set_var(mp_parser *P, const mp_tok *name, ev_val *v);
/* TB_* of a field name, or -1. */
int mp_field_table(const mp_tok *t);
int mp_parse_table_indices(mp_parser *P, const mp_table *t, int for_write, ev_index *ri,
                           ev_index *ci);
int mp_write_table(mp_parser *P, mp_table *t, const ev_index *ri, const ev_index *ci,
                   const ev_val *v, const mp_tok *at);

/* ---- matpower_table.c */
/* Free table `which` of P and mark it undefined. */
void mp_table_release(mp_parser *P, int which);
int mp_scan_data_matrix(mp_parser *P, mp_table *t, int which, int open_line);
/* Table `which` becomes the value v (consumed), as `mpc.T = <expression>` at `at`. */
int mp_table_from_value(mp_parser *P, int which, ev_val *v, const mp_tok *at);
void mp_field_pos(const mp_parser *P, const mp_table *t, int r, int k, int *line, int *col);

/* ---- matpower_check.c */
/* Check the raw tables and build *out from them (moving rows' lines and names). */
int mp_build_case(mp_parser *P, gr_case **out);

/* ---- matpower_stmt.c */
/* Run statements until the end of input, or (in a block) else/elseif/end,
 * whose keyword goes to *kw (NULL at end of input). */
int mp_parse_statements(mp_parser *P, int in_block, const char **kw);
void mp_free_names(mp_parser *P);

#endif
