/* matpower_read.c — MATPOWER version-2 case reader: hand-written scanner, evaluator, validation. */
/*
 * DESIGN
 * A MATPOWER case file is a MATLAB function (see MATPOWER's caseformat.m). We
 * run the small subset of MATLAB that case files use, in one pass:
 *   - `function mpc = NAME`; `mpc.version`, `mpc.baseMVA` (a scalar expression:
 *     case533mt_* say `50/3`);
 *   - `mpc.bus/gen/branch/gencost = [ ... ];` read by a fast character scanner
 *     (scan_data_matrix) that takes only signed number literals, Inf and NaN —
 *     these tables are nearly all of a file's bytes;
 *   - `mpc.bus_name = { 'a'; 'b' };`
 *   - the unit conversions that MATPOWER's distribution cases append, e.g.
 *     `mpc.bus(:, [PD, QD]) = mpc.bus(:, [PD, QD]) / 1e3;` after
 *     `[PQ, PV, ...] = idx_bus;`, scalar variables, and `if c ... else ... end`
 *     (case8387pegase's `if fixed`). A small evaluator (ev_*) computes these
 *     with MATLAB's double arithmetic, so the data match MATPOWER's loadcase;
 *   - anything else is skipped when it cannot change the case (unknown fields
 *     such as mpc.areas, mpc.gentype, mpc.dcline; commands such as
 *     define_constants), and is an error when it would (loops, assignments
 *     to the tables that we cannot evaluate).
 * Tables stay "raw" (as in the file: rows x columns, row-major) until the end,
 * so conversions index them with MATPOWER's column numbers; then they become a
 * gr_case and are validated. Every error is GR_EPARSE with "PATH:LINE:COL:
 * expected ..., found ..."; a row's fields are located by rescanning the row
 * (field_pos), so no positions are stored per number.
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"
#include "io/matpower.h"

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

static const char *const table_field[TB_COUNT] = {"bus", "gen", "branch", "gencost"};
static const int table_min_cols[TB_COUNT] = {MP_BUS_COLS, MP_GEN_MIN_COLS, MP_BRANCH_MIN_COLS,
                                             MP_GENCOST_MIN_COLS};

/* Column names of caseformat, for messages. */
static const char *const bus_col_name[MP_BUS_COLS] = {
    "BUS_I", "BUS_TYPE", "PD", "QD", "GS", "BS", "BUS_AREA", "VM", "VA", "BASE_KV", "ZONE",
    "VMAX", "VMIN"};
static const char *const gen_col_name[MP_GEN_MIN_COLS] = {
    "GEN_BUS", "PG", "QG", "QMAX", "QMIN", "VG", "MBASE", "GEN_STATUS", "PMAX", "PMIN"};
static const char *const branch_col_name[MP_BRANCH_MIN_COLS] = {
    "F_BUS", "T_BUS", "BR_R", "BR_X", "BR_B", "RATE_A", "RATE_B", "RATE_C", "TAP", "SHIFT",
    "BR_STATUS"};

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------ */
#if defined(__GNUC__)
#define MP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MP_PRINTF(a, b)
#endif

static int perr(mp_parser *P, int line, int col, const char *fmt, ...) MP_PRINTF(4, 5);

/* Report "NAME:LINE:COL: <message>" as GR_EPARSE. */
static int perr(mp_parser *P, int line, int col, const char *fmt, ...)
{
    if (P->err) {
        char msg[GR_ERROR_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        gr_error_set(P->err, GR_EPARSE, "%s:%d:%d: %s", P->name, line, col, msg);
    }
    return GR_EPARSE;
}

static int oom(mp_parser *P)
{
    return gr_error_set(P->err, GR_ENOMEM, "%s: out of memory", P->name);
}

static int col_of(const mp_parser *P, const char *s) { return (int)(s - P->line_start) + 1; }

/* Quote up to 24 bytes of [s, e) into buf, escaping what is not printable. */
static void quote_span(const char *s, const char *e, char *buf, size_t len)
{
    size_t k = 0;
    int n = 0;
    buf[k++] = '\'';
    for (; s < e && n < 24 && k + 6 < len; s++, n++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c < 0x7f)
            buf[k++] = (char)c;
        else
            k += (size_t)snprintf(buf + k, len - k, "\\x%02x", c);
    }
    if (s < e && k + 4 < len) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k++] = '\'';
    buf[k] = 0;
}

static int is_word_end(char c)
{
    switch (c) {
    case ' ': case '\t': case '\r': case '\n': case '\v': case '\f': case ',': case ';':
    case '[': case ']': case '(': case ')': case '{': case '}': case '%': case '\0':
        return 1;
    default:
        return 0;
    }
}

/* "found ..." text for the word that starts at s. */
static void describe_at(const mp_parser *P, const char *s, char *buf, size_t len)
{
    if (s >= P->end) {
        snprintf(buf, len, "end of file");
        return;
    }
    if (*s == '\n' || (*s == '\r' && s + 1 < P->end && s[1] == '\n')) {
        snprintf(buf, len, "end of line");
        return;
    }
    const char *e = s + 1;
    while (!is_word_end(*s) && e < P->end && !is_word_end(*e))
        e++;
    quote_span(s, e, buf, len);
}

static void describe_tok(const mp_parser *P, const mp_tok *t, char *buf, size_t len)
{
    if (t->kind == T_EOF || t->kind == T_NL)
        describe_at(P, t->s, buf, len);
    else
        quote_span(t->s, t->e, buf, len);
}

/* "expected <what>, found <current token>" at the current token. */
static int expected(mp_parser *P, const char *what)
{
    char found[96];
    describe_tok(P, &P->tok, found, sizeof found);
    return perr(P, P->tok.line, P->tok.col, "expected %s, found %s", what, found);
}

/* ------------------------------------------------------------------------
 * Numbers: a correctly rounded decimal scanner with a fast path (Clinger:
 * a mantissa below 2^53 times an exact power of ten is rounded once).
 * ------------------------------------------------------------------------ */
static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_ident_char(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }
static int is_continuation(const char *s) { return s[0] == '.' && s[1] == '.' && s[2] == '.'; }

/* Scan an unsigned decimal literal (1, 1.5, .5, 5., 1e-3, 1E+2) at s. Returns
 * the end, or NULL when s does not start one. The text is NUL-terminated. */
static const char *scan_decimal(const char *s, double *v)
{
    const char *p = s;
    uint64_t m = 0;
    int exp10 = 0, ndig = 0, slow = 0;
    for (; is_digit(*p); p++, ndig++) {
        if (m < 100000000000000000ULL)
            m = m * 10 + (uint64_t)(*p - '0');
        else
            slow = 1;
    }
    if (*p == '.' && !is_continuation(p)) {
        for (p++; is_digit(*p); p++, ndig++) {
            if (m < 100000000000000000ULL) {
                m = m * 10 + (uint64_t)(*p - '0');
                exp10--;
            } else {
                slow = 1;
            }
        }
    }
    if (ndig == 0)
        return NULL;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        int neg = 0, e = 0;
        if (*q == '+' || *q == '-')
            neg = *q++ == '-';
        if (!is_digit(*q))
            return NULL;
        for (; is_digit(*q); q++)
            if (e < 100000)
                e = e * 10 + (*q - '0');
        exp10 += neg ? -e : e;
        p = q;
    }
    if (!slow && m == 0)
        *v = 0.0;
    else if (!slow && m <= (1ULL << 53) && exp10 >= -22 && exp10 <= 22)
        *v = exp10 < 0 ? (double)m / pow10_exact[-exp10] : (double)m * pow10_exact[exp10];
    else
        *v = strtod(s, NULL); /* s..p is a valid literal; strtod stops at its end */
    return p;
}

/* A signed literal as found in data matrices: [+-] decimal | Inf | inf | NaN | nan. */
static const char *scan_signed(const char *s, double *v)
{
    const char *p = s;
    int neg = 0;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if ((p[0] == 'I' || p[0] == 'i') && p[1] == 'n' && p[2] == 'f') {
        *v = neg ? -HUGE_VAL : HUGE_VAL;
        return p + 3;
    }
    if ((p[0] == 'N' && p[1] == 'a' && p[2] == 'N') || (p[0] == 'n' && p[1] == 'a' && p[2] == 'n')) {
        *v = NAN; /* one NaN, whatever the sign, so that a round trip is bit-exact */
        return p + 3;
    }
    p = scan_decimal(p, v);
    if (p && neg)
        *v = -*v;
    return p;
}

/* ------------------------------------------------------------------------
 * Lexer
 * ------------------------------------------------------------------------ */
static void new_line(mp_parser *P, const char *nl)
{
    P->line++;
    P->line_start = nl + 1;
}

/* Skip blanks, comments and `...` continuations; returns whether any was skipped. */
static int skip_blanks(mp_parser *P)
{
    const char *s = P->p;
    int any = 0;
    for (;;) {
        char c = *s;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') {
            s++;
        } else if (c == '%') {
            while (s < P->end && *s != '\n')
                s++;
        } else if (c == '.' && is_continuation(s)) {
            /* caseformat allows `...` anywhere: the rest of the line is a comment */
            while (s < P->end && *s != '\n')
                s++;
            if (s < P->end)
                new_line(P, s++);
        } else {
            break;
        }
        any = 1;
    }
    P->p = s;
    return any;
}

/* MATLAB's rule: ' right after a value (no blank) is a transpose, else a string. */
static int quote_is_transpose(const mp_parser *P, int prev_kind, int space)
{
    if (space && P->ws_sep)
        return 0;
    switch (prev_kind) {
    case T_IDENT: case T_NUM: case T_RPAREN: case T_RBRACK: case T_RBRACE: case T_TRANSPOSE:
    case T_DTRANSPOSE:
        return !space || !P->ws_sep;
    default:
        return 0;
    }
}

static int lex_string(mp_parser *P, char quote)
{
    const char *q = P->tok.s + 1;
    for (;;) {
        if (q >= P->end || *q == '\n' || *q == '\r') /* strings end on their line */
            return perr(P, P->tok.line, P->tok.col, "expected a closing %c for this string, found %s",
                        quote, q >= P->end ? "end of file" : "end of line");
        if (*q == quote) {
            if (q[1] != quote)
                break;
            q++;
        }
        q++;
    }
    P->tok.kind = T_STR;
    P->tok.e = q + 1;
    return GR_OK;
}

/* Two-character operators first, then one-character ones. */
static int lex_operator(mp_parser *P, const char *s)
{
    static const struct { char a, b; int kind; } two[] = {
        {'.', '*', T_DSTAR}, {'.', '/', T_DSLASH}, {'.', '\\', T_DBACKSLASH}, {'.', '^', T_DCARET},
        {'.', '\'', T_DTRANSPOSE}, {'=', '=', T_EQ}, {'~', '=', T_NE}, {'!', '=', T_NE},
        {'<', '=', T_LE}, {'>', '=', T_GE}, {'&', '&', T_ANDAND}, {'|', '|', T_OROR}};
    static const char one_ch[] = "(){}[],;:+-*/\\^.=<>&|~!@";
    static const int one_kind[] = {T_LPAREN, T_RPAREN, T_LBRACE, T_RBRACE, T_LBRACK, T_RBRACK,
                                   T_COMMA,  T_SEMI,   T_COLON,  T_PLUS,   T_MINUS,  T_STAR,
                                   T_SLASH,  T_BACKSLASH, T_CARET, T_DOT,  T_ASSIGN, T_LT,
                                   T_GT,     T_AND,    T_OR,     T_NOT,    T_NOT,    T_AT};
    for (size_t k = 0; k < sizeof two / sizeof two[0]; k++) {
        if (s[0] == two[k].a && s[1] == two[k].b) {
            P->tok.kind = two[k].kind;
            P->tok.e = s + 2;
            return GR_OK;
        }
    }
    const char *hit = *s ? strchr(one_ch, *s) : NULL;
    P->tok.kind = hit ? one_kind[hit - one_ch] : T_OTHER;
    P->tok.e = s + 1;
    return GR_OK;
}

/* Read the next token into P->tok. */
static int lex(mp_parser *P)
{
    int prev = P->tok.kind;
    int space = skip_blanks(P);
    const char *s = P->p;
    mp_tok *t = &P->tok;
    t->s = s;
    t->line = P->line;
    t->col = col_of(P, s);
    t->space_before = space;
    int st = GR_OK;
    if (s >= P->end) {
        t->kind = T_EOF;
        t->e = s;
    } else if (*s == '\n') {
        t->kind = T_NL;
        t->e = s + 1;
        new_line(P, s);
    } else if (is_digit(*s) || (*s == '.' && is_digit(s[1]))) {
        const char *e = scan_decimal(s, &t->num);
        if (!e || is_ident_char(*e) || (*e == '.' && !is_continuation(e) && is_digit(e[1]))) {
            char found[96];
            describe_at(P, s, found, sizeof found);
            return perr(P, t->line, t->col, "expected a number, found %s", found);
        }
        t->kind = T_NUM;
        t->e = e;
    } else if (is_alpha(*s)) {
        const char *e = s + 1;
        while (is_ident_char(*e))
            e++;
        t->kind = T_IDENT;
        t->e = e;
    } else if (*s == '\'' && !quote_is_transpose(P, prev, space)) {
        st = lex_string(P, '\'');
    } else if (*s == '\'') {
        t->kind = T_TRANSPOSE;
        t->e = s + 1;
    } else if (*s == '"') {
        st = lex_string(P, '"');
    } else {
        st = lex_operator(P, s);
    }
    if (st == GR_OK)
        P->p = t->e;
    return st;
}

static int tok_is(const mp_tok *t, const char *word)
{
    size_t len = strlen(word);
    return t->kind == T_IDENT && (size_t)(t->e - t->s) == len && memcmp(t->s, word, len) == 0;
}

static mp_pos save_pos(const mp_parser *P)
{
    mp_pos s = {P->p, P->line_start, P->line, P->tok};
    return s;
}

static void restore_pos(mp_parser *P, const mp_pos *s)
{
    P->p = s->p;
    P->line_start = s->line_start;
    P->line = s->line;
    P->tok = s->tok;
}

/* ------------------------------------------------------------------------
 * Data matrices (the fast path)
 * ------------------------------------------------------------------------ */
static int eval_matrix_element(mp_parser *P, const char *s, int which, double *v);
static int element_is_expression(mp_parser *P, const char *s, const char *lit_end);
static void table_release(mp_table *t)
{
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
        return perr(P, t->line[r], col_at(P, t->pos[r]),
                    "expected at least %d columns in mpc.%s row, found %d",
                    table_min_cols[which], table_field[which], n);
    if (which != TB_GENCOST && r > 0 && n != t->cols)
        return perr(P, t->line[r], col_at(P, t->pos[r]),
                    "expected %d columns in mpc.%s row (as in the row at line %d), found %d",
                    t->cols, table_field[which], t->line[0], n);
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
        return oom(P);
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
    describe_at(P, s, found, sizeof found);
    return perr(P, P->line, col_of(P, s), "expected a number in mpc.%s, found %s",
                table_field[which], found);
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
static int scan_data_matrix(mp_parser *P, mp_table *t, int which, int open_line)
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
                new_line(P, s);
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
                return perr(P, P->line, col_of(P, s),
                            "expected ']' closing mpc.%s (opened at line %d), found end of file",
                            table_field[which], open_line);
            return number_error(P, s, which);
        case '.':
            if (is_continuation(s)) {
                while (s < P->end && *s != '\n')
                    s++;
                if (s < P->end)
                    new_line(P, s++);
                continue;
            }
            break;
        default:
            break;
        }
        double v;
        const char *e = scan_signed(s, &v);
        int expr = 0;
        if (!e || !is_number_end(e)) {
            if (!element_is_expression(P, s, e))
                return number_error(P, s, which);
            expr = 1; /* e.g. 135/sqrt(3) in case533mt_hi */
        }
        if (n == 0) {
            if (grow_rows(t) != GR_OK)
                return oom(P);
            t->line[t->rows] = P->line;
            t->pos[t->rows] = (int)(s - P->text);
        } else if (n >= MP_MAX_COLS) {
            return perr(P, P->line, col_of(P, s), "expected at most %d columns in mpc.%s, found more",
                        MP_MAX_COLS, table_field[which]);
        }
        if (expr) {
            if ((st = eval_matrix_element(P, s, which, &v)) != GR_OK)
                return st;
            e = P->p;
        }
        if (push_value(t, v) != GR_OK)
            return oom(P);
        n++;
        comma = 0;
        s = e;
    }
}

/* Line and column of field k (0-based) of row r, found by rescanning the row. */
static void field_pos(const mp_parser *P, const mp_table *t, int r, int k, int *line, int *col)
{
    const char *s = P->text + t->pos[r];
    const char *ls = s;
    while (ls > P->text && ls[-1] != '\n')
        ls--;
    int ln = t->line[r];
    *line = ln;
    *col = (int)(s - ls) + 1;
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

static void free_names(mp_parser *P)
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
    free_names(P);
    P->names_defined = 1;
    int save_ws = P->ws_sep;
    P->ws_sep = 1;
    for (;;) {
        if ((st = lex(P)) != GR_OK)
            break;
        int k = P->tok.kind;
        if (k == T_NL || k == T_SEMI || k == T_COMMA)
            continue;
        if (k == T_RBRACE) {
            st = lex(P);
            break;
        }
        if (k == T_EOF) {
            char what[80];
            snprintf(what, sizeof what, "'}' closing mpc.bus_name (opened at line %d)", open_line);
            st = expected(P, what);
            break;
        }
        if (k != T_STR) {
            st = expected(P, "a quoted string in mpc.bus_name");
            break;
        }
        char *s = string_value(&P->tok);
        if (!s || push_name(P, s) != GR_OK) {
            st = oom(P);
            break;
        }
    }
    P->ws_sep = save_ws;
    return st;
}

/* ------------------------------------------------------------------------
 * Evaluator: values
 * ------------------------------------------------------------------------ */
static size_t ev_numel(const ev_val *v) { return (size_t)v->m * (size_t)v->n; }
static double ev_get(const ev_val *v, size_t k) { return v->x ? v->x[k] : v->s; }

static void ev_free(ev_val *v)
{
    gr_free(v->x);
    v->x = NULL;
    v->m = v->n = 0;
}

static const ev_val EV_EMPTY = {0, 0, 0, NULL};

static ev_val ev_scalar(double s)
{
    ev_val v = {1, 1, s, NULL};
    return v;
}

/* An m x n value; storage is allocated unless it is a scalar or empty. */
static int ev_make(mp_parser *P, int m, int n, ev_val *v, const mp_tok *at)
{
    v->m = m;
    v->n = n;
    v->s = 0;
    v->x = NULL;
    size_t numel = (size_t)m * (size_t)n;
    if (numel > (size_t)MP_MAX_ELEMS)
        return perr(P, at->line, at->col, "expected a value of at most %ld elements, found %dx%d",
                    MP_MAX_ELEMS, m, n);
    if (numel > 1 && !(v->x = gr_malloc(numel * sizeof *v->x)))
        return oom(P);
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
        quote_span(at->s, at->e, what, sizeof what);
        st = perr(P, at->line, at->col, "expected operands of %s with matching sizes, found %dx%d and %dx%d",
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
    ev_free(a);
    ev_free(b);
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
    ev_free(a);
    *a = t;
    return st;
}

/* Elementwise functions MATLAB code in case files may call. */
typedef double (*ev_fn)(double);
static double fn_not(double a) { return a == 0; }
static double fn_fix(double a) { return trunc(a); }
static double fn_sign(double a) { return (a > 0) - (a < 0); }

static ev_fn lookup_function(const mp_tok *t)
{
    static const struct { const char *name; ev_fn fn; } fns[] = {
        {"sin", sin},   {"cos", cos},     {"tan", tan},     {"asin", asin}, {"acos", acos},
        {"atan", atan}, {"sqrt", sqrt},   {"abs", fabs},    {"exp", exp},   {"log", log},
        {"log10", log10}, {"floor", floor}, {"ceil", ceil}, {"round", round}, {"fix", fn_fix},
        {"sign", fn_sign}, {"not", fn_not}};
    for (size_t k = 0; k < sizeof fns / sizeof fns[0]; k++)
        if (tok_is(t, fns[k].name))
            return fns[k].fn;
    return NULL;
}

static int lookup_constant(const mp_tok *t, double *v)
{
    static const struct { const char *name; double v; } cs[] = {
        {"pi", 3.14159265358979323846}, {"Inf", HUGE_VAL}, {"inf", HUGE_VAL}, {"NaN", NAN},
        {"nan", NAN}, {"eps", 2.220446049250313e-16}, {"true", 1}, {"false", 0}};
    for (size_t k = 0; k < sizeof cs / sizeof cs[0]; k++) {
        if (tok_is(t, cs[k].name)) {
            *v = cs[k].v;
            return 1;
        }
    }
    return 0;
}

static mp_var *find_var(mp_parser *P, const char *name, int len)
{
    for (int k = P->n_vars - 1; k >= 0; k--)
        if (P->vars[k].len == len && memcmp(P->vars[k].name, name, (size_t)len) == 0)
            return &P->vars[k];
    return NULL;
}

/* Bind a variable to v (consumed), or poison it when v is NULL. */
static int set_var(mp_parser *P, const mp_tok *name, ev_val *v)
{
    int len = (int)(name->e - name->s);
    mp_var *var = find_var(P, name->s, len);
    if (!var) {
        if (P->n_vars >= MP_MAX_VARS) {
            if (v)
                ev_free(v);
            return perr(P, name->line, name->col, "expected at most %d variables, found more",
                        MP_MAX_VARS);
        }
        if (P->n_vars == P->cap_vars) {
            int cap = P->cap_vars ? 2 * P->cap_vars : 32;
            mp_var *vars = gr_realloc(P->vars, (size_t)cap * sizeof *vars);
            if (!vars) {
                if (v)
                    ev_free(v);
                return oom(P);
            }
            P->vars = vars;
            P->cap_vars = cap;
        }
        var = &P->vars[P->n_vars++];
        memset(var, 0, sizeof *var);
        var->name = name->s;
        var->len = len;
    }
    ev_free(&var->v);
    var->poisoned = v == NULL;
    var->line = name->line;
    if (v)
        var->v = *v;
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Evaluator: table indexing, `mpc.T(rows, cols)`
 * ------------------------------------------------------------------------ */
typedef struct ev_index {
    int all;      /* ':' */
    int n;        /* count */
    int *k;       /* 0-based indices, NULL when all */
    int max;      /* largest index + 1 */
} ev_index;

static int index_at(const ev_index *ix, int i) { return ix->all ? i : ix->k[i]; }

static int ev_expr(mp_parser *P, ev_val *out);

/* One index argument: ':' or an expression of positive integers <= limit. */
static int parse_index(mp_parser *P, int dim, int limit, ev_index *ix)
{
    memset(ix, 0, sizeof *ix);
    int st;
    if (P->tok.kind == T_COLON) {
        if ((st = lex(P)) != GR_OK)
            return st;
        if (P->tok.kind != T_COMMA && P->tok.kind != T_RPAREN)
            return expected(P, "',' or ')' after ':'");
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
    st = ev_expr(P, &v);
    P->in_index = save_in;
    P->end_val = save_end;
    if (st != GR_OK)
        return st;
    size_t n = ev_numel(&v);
    ix->n = (int)n;
    if (n && !(ix->k = gr_malloc(n * sizeof *ix->k))) {
        ev_free(&v);
        return oom(P);
    }
    for (size_t i = 0; i < n; i++) {
        double d = ev_get(&v, i);
        if (!(d >= 1 && d <= limit && d == floor(d))) {
            char found[32];
            gr_mp_format_double(d, found);
            ev_free(&v);
            gr_free(ix->k);
            ix->k = NULL;
            return perr(P, at.line, at.col, "expected an index from 1 to %d, found %s", limit, found);
        }
        ix->k[i] = (int)d - 1;
        if (ix->k[i] + 1 > ix->max)
            ix->max = ix->k[i] + 1;
    }
    ev_free(&v);
    return GR_OK;
}

/* `(rows, cols)` after mpc.T; the current token is '('. */
static int parse_table_indices(mp_parser *P, const mp_table *t, int for_write, ev_index *ri,
                               ev_index *ci)
{
    int save_ws = P->ws_sep, st;
    memset(ri, 0, sizeof *ri);
    memset(ci, 0, sizeof *ci);
    P->ws_sep = 0;
    if ((st = lex(P)) == GR_OK && (st = parse_index(P, t->rows, t->rows, ri)) == GR_OK) {
        if (P->tok.kind != T_COMMA)
            st = expected(P, "',' and a column index (mpc tables take two indices)");
        else if ((st = lex(P)) == GR_OK &&
                 (st = parse_index(P, t->cols, for_write ? MP_MAX_COLS : t->cols, ci)) == GR_OK) {
            if (P->tok.kind != T_RPAREN)
                st = expected(P, "')'");
            else
                st = lex(P);
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
        return oom(P);
    for (int r = 0; r < t->rows; r++)
        memcpy(x + (size_t)r * (size_t)cols, t->x + (size_t)r * (size_t)t->cols,
               (size_t)t->cols * sizeof *x);
    gr_free(t->x);
    t->x = x;
    t->cols = cols;
    return GR_OK;
}

static int write_table(mp_parser *P, mp_table *t, const ev_index *ri, const ev_index *ci,
                       const ev_val *v, const mp_tok *at)
{
    size_t n = (size_t)ri->n * (size_t)ci->n;
    int scalar = ev_numel(v) == 1;
    int same = v->m == ri->n && v->n == ci->n;
    int vectors = (v->m == 1 || v->n == 1) && (ri->n == 1 || ci->n == 1) && ev_numel(v) == n;
    if (!scalar && !same && !vectors)
        return perr(P, at->line, at->col, "expected a %dx%d value (or a scalar) to assign, found %dx%d",
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

static int field_table(const mp_tok *t)
{
    for (int k = 0; k < TB_COUNT; k++)
        if (tok_is(t, table_field[k]))
            return k;
    return -1;
}

/* `mpc.FIELD` or `mpc.T(r, c)` in an expression; the current token is FIELD. */
static int ev_struct_field(mp_parser *P, ev_val *out)
{
    mp_tok field = P->tok;
    int st = lex(P);
    if (st != GR_OK)
        return st;
    if (tok_is(&field, "baseMVA")) {
        if (!P->have_base)
            return perr(P, field.line, field.col, "expected mpc.baseMVA to be set before this use, found none");
        *out = ev_scalar(P->base_mva);
        return GR_OK;
    }
    int which = field_table(&field);
    if (which < 0 || !P->tab[which].defined) {
        char found[64];
        quote_span(field.s, field.e, found, sizeof found);
        return perr(P, field.line, field.col, "expected a numeric field of mpc defined above, found %s",
                    found);
    }
    mp_table *t = &P->tab[which];
    if (P->tok.kind != T_LPAREN) {
        ev_index all_r = {1, t->rows, NULL, t->rows}, all_c = {1, t->cols, NULL, t->cols};
        return read_table(P, t, &all_r, &all_c, &field, out);
    }
    ev_index ri, ci;
    if ((st = parse_table_indices(P, t, 0, &ri, &ci)) != GR_OK)
        return st;
    st = read_table(P, t, &ri, &ci, &field, out);
    gr_free(ri.k);
    gr_free(ci.k);
    return st;
}

/* ------------------------------------------------------------------------
 * Evaluator: expressions (MATLAB precedence, highest last)
 * ------------------------------------------------------------------------ */
static int enter(mp_parser *P)
{
    if (++P->depth > MP_MAX_DEPTH)
        return perr(P, P->tok.line, P->tok.col, "expected at most %d nested levels, found more",
                    MP_MAX_DEPTH);
    return GR_OK;
}

/* Horizontal (dim 1) or vertical (dim 0) concatenation of a and b into a. */
static int ev_concat(mp_parser *P, ev_val *a, ev_val *b, int horizontal, const mp_tok *at)
{
    if (ev_numel(b) == 0) {
        ev_free(b);
        return GR_OK;
    }
    if (ev_numel(a) == 0) {
        ev_free(a);
        *a = *b;
        *b = EV_EMPTY;
        return GR_OK;
    }
    if ((horizontal && a->m != b->m) || (!horizontal && a->n != b->n)) {
        int st = perr(P, at->line, at->col, "expected matching sizes to concatenate, found %dx%d and %dx%d",
                      a->m, a->n, b->m, b->n);
        ev_free(a);
        ev_free(b);
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
    ev_free(a);
    ev_free(b);
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
    st = lex(P);
    while (st == GR_OK) {
        int k = P->tok.kind;
        if (k == T_RBRACK || k == T_SEMI || k == T_NL) {
            mp_tok at = P->tok;
            if ((st = ev_concat(P, &all, &row, 0, &at)) != GR_OK)
                break;
            if (k == T_RBRACK)
                break;
            st = lex(P);
        } else if (k == T_COMMA) {
            st = lex(P);
        } else if (k == T_EOF) {
            char what[64];
            snprintf(what, sizeof what, "']' closing the '[' at line %d", open.line);
            st = expected(P, what);
        } else if (starts_value(k)) {
            mp_tok at = P->tok;
            ev_val e = {0, 0, 0, NULL};
            if ((st = ev_expr(P, &e)) == GR_OK)
                st = ev_concat(P, &row, &e, 1, &at);
            if (st == GR_OK && !(P->tok.kind == T_COMMA || P->tok.kind == T_SEMI ||
                                 P->tok.kind == T_NL || P->tok.kind == T_RBRACK ||
                                 P->tok.kind == T_EOF || P->tok.space_before))
                st = expected(P, "',', ';' or ']'");
        } else {
            st = expected(P, "a value, ',', ';' or ']'");
        }
    }
    P->ws_sep = save_ws;
    ev_free(&row);
    if (st == GR_OK)
        st = lex(P); /* past ']' */
    if (st != GR_OK) {
        ev_free(&all);
        return st;
    }
    *out = all;
    return GR_OK;
}

static int ev_identifier(mp_parser *P, ev_val *out)
{
    mp_tok id = P->tok;
    int st = lex(P);
    if (st != GR_OK)
        return st;
    if ((int)(id.e - id.s) == P->sv_len && memcmp(id.s, P->sv, (size_t)P->sv_len) == 0 &&
        P->tok.kind == T_DOT) {
        if ((st = lex(P)) != GR_OK)
            return st;
        if (P->tok.kind != T_IDENT)
            return expected(P, "a field name after '.'");
        return ev_struct_field(P, out);
    }
    if (P->in_index && tok_is(&id, "end")) {
        *out = ev_scalar(P->end_val);
        return GR_OK;
    }
    mp_var *var = find_var(P, id.s, (int)(id.e - id.s));
    if (var && !var->poisoned && P->tok.kind != T_LPAREN)
        return ev_copy(P, &var->v, out, &id);
    char found[64];
    quote_span(id.s, id.e, found, sizeof found);
    if (var && var->poisoned)
        return perr(P, id.line, id.col,
                    "expected a value, found %s, set at line %d by a statement gridres cannot evaluate",
                    found, var->line);
    if (var)
        return perr(P, id.line, id.col, "expected a variable without indices, found %s(", found);
    double c;
    if (lookup_constant(&id, &c) && P->tok.kind != T_LPAREN) {
        *out = ev_scalar(c);
        return GR_OK;
    }
    ev_fn fn = lookup_function(&id);
    if (!fn || P->tok.kind != T_LPAREN)
        return perr(P, id.line, id.col, "expected a number, variable or known function, found %s", found);
    int save_ws = P->ws_sep, save_in = P->in_index;
    P->ws_sep = P->in_index = 0;
    ev_val a = {0, 0, 0, NULL};
    if ((st = lex(P)) == GR_OK && (st = ev_expr(P, &a)) == GR_OK) {
        if (P->tok.kind != T_RPAREN)
            st = expected(P, "')' (functions take one argument)");
        else
            st = lex(P);
    }
    P->ws_sep = save_ws;
    P->in_index = save_in;
    if (st != GR_OK) {
        ev_free(&a);
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
        return lex(P);
    case T_IDENT:
        return ev_identifier(P, out);
    case T_LBRACK:
        if ((st = enter(P)) == GR_OK)
            st = ev_matrix(P, out);
        P->depth--;
        return st;
    case T_LPAREN: {
        if ((st = enter(P)) != GR_OK) {
            P->depth--;
            return st;
        }
        int save_ws = P->ws_sep;
        P->ws_sep = 0;
        if ((st = lex(P)) == GR_OK && (st = ev_expr(P, out)) == GR_OK) {
            if (P->tok.kind != T_RPAREN) {
                ev_free(out);
                st = expected(P, "')'");
            } else if ((st = lex(P)) != GR_OK) {
                ev_free(out);
            }
        }
        P->ws_sep = save_ws;
        P->depth--;
        return st;
    }
    default:
        return expected(P, "a number or an expression");
    }
}

static int ev_postfix(mp_parser *P, ev_val *out)
{
    int st = ev_primary(P, out);
    while (st == GR_OK && (P->tok.kind == T_TRANSPOSE || P->tok.kind == T_DTRANSPOSE) &&
           !P->tok.space_before) {
        mp_tok at = P->tok;
        if ((st = ev_transpose(P, out, &at)) == GR_OK)
            st = lex(P);
        if (st != GR_OK)
            ev_free(out);
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
        if ((st = lex(P)) != GR_OK || (st = ev_power_operand(P, &b)) != GR_OK) {
            ev_free(out);
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
    int st = enter(P);
    if (st == GR_OK && (st = lex(P)) == GR_OK && (st = ev_unary(P, out)) == GR_OK && k != T_PLUS)
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
        if ((st = lex(P)) != GR_OK || (st = next(P, &b)) != GR_OK) {
            ev_free(out);
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
        if ((st = lex(P)) == GR_OK)
            st = ev_add(P, &v[n++]);
    double a = 0, s = 1, b = 0;
    if (st == GR_OK) {
        for (int i = 0; i < n; i++)
            if (ev_numel(&v[i]) != 1)
                st = perr(P, at.line, at.col, "expected scalar bounds for ':', found %dx%d", v[i].m, v[i].n);
        if (st == GR_OK) {
            a = ev_get(&v[0], 0);
            s = n == 3 ? ev_get(&v[1], 0) : 1;
            b = ev_get(&v[n - 1], 0);
        }
    }
    for (int i = 0; i < 3; i++)
        ev_free(&v[i]);
    if (st != GR_OK)
        return st;
    double count = (s == 0 || !isfinite(a) || !isfinite(b) || !isfinite(s)) ? -1
                                                                           : floor((b - a) / s + 1e-10) + 1;
    if (count < 0 && s != 0 && isfinite(a) && isfinite(b) && isfinite(s))
        count = 0; /* 5:1 is empty */
    if (!(count >= 0 && count <= (double)MP_MAX_ELEMS))
        return perr(P, at.line, at.col, "expected a finite range of at most %ld elements, found another",
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

static int ev_expr(mp_parser *P, ev_val *out)
{
    static const int ops[] = {T_OR, T_OROR};
    out->m = out->n = 0;
    out->x = NULL;
    int st = enter(P);
    if (st == GR_OK)
        st = ev_binary_level(P, out, ev_and, ops, 2);
    P->depth--;
    return st;
}

/* ------------------------------------------------------------------------
 * Expressions inside data matrices (the slow path of scan_data_matrix)
 * ------------------------------------------------------------------------ */
static int is_known_name(mp_parser *P, const char *s)
{
    const char *e = s;
    while (is_ident_char(*e))
        e++;
    mp_tok t = {T_IDENT, s, e, 0, 0, 0, 0};
    double c;
    return find_var(P, s, (int)(e - s)) || lookup_constant(&t, &c) || lookup_function(&t) ||
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
    if ((st = lex(P)) == GR_OK) {
        at = P->tok;
        st = ev_expr(P, &val);
    }
    P->ws_sep = save_ws;
    if (st != GR_OK)
        return st;
    int k = P->tok.kind;
    if (ev_numel(&val) != 1) {
        ev_free(&val);
        return perr(P, at.line, at.col, "expected a number in mpc.%s, found a %dx%d value",
                    table_field[which], val.m, val.n);
    }
    *v = ev_get(&val, 0);
    if (!(k == T_COMMA || k == T_SEMI || k == T_NL || k == T_RBRACK || k == T_EOF ||
          P->tok.space_before)) {
        char what[64];
        snprintf(what, sizeof what, "a separator after a number in mpc.%s", table_field[which]);
        return expected(P, what);
    }
    /* hand the lookahead token back to the character scanner */
    P->p = P->tok.s;
    P->line = P->tok.line;
    P->line_start = P->tok.s - (P->tok.col - 1);
    return GR_OK;
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
        return lex(P);
    char what[96];
    snprintf(what, sizeof what, "';' or end of line after %s", after);
    return expected(P, what);
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
                st = expected(P, what);
            }
            break;
        }
        if (depth == 0 && (k == T_SEMI || k == T_COMMA || k == T_NL)) {
            st = lex(P);
            break;
        }
        if (is_opener(k)) {
            if (depth == (int)(sizeof open / sizeof open[0])) {
                st = perr(P, P->tok.line, P->tok.col, "expected at most 64 nested brackets, found more");
                break;
            }
            open[depth++] = P->tok;
        } else if (is_closer(k)) {
            if (depth == 0 || closer_of(open[depth - 1].kind) != k) {
                st = expected(P, depth ? "a matching closing bracket" : "end of statement");
                break;
            }
            depth--;
        }
        P->ws_sep = depth > 0 && open[depth - 1].kind != T_LPAREN;
        if ((st = lex(P)) != GR_OK)
            break;
    }
    P->ws_sep = save_ws;
    return st;
}

static int parse_statements(mp_parser *P, int in_block, const char **kw_out);

static int is_block_open(const mp_tok *t)
{
    static const char *const kws[] = {"if", "for", "parfor", "while", "switch", "try", "spmd",
                                      "unwind_protect"};
    for (size_t k = 0; k < sizeof kws / sizeof kws[0]; k++)
        if (tok_is(t, kws[k]))
            return 1;
    return 0;
}

static int is_block_end(const mp_tok *t)
{
    return tok_is(t, "end") || tok_is(t, "endif") || tok_is(t, "endfor") || tok_is(t, "endwhile") ||
           tok_is(t, "endswitch") || tok_is(t, "end_try_catch") || tok_is(t, "endparfor") ||
           tok_is(t, "end_unwind_protect");
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
            return expected(P, what);
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
                    return lex(P);
                }
            } else if (nest == 0 && (tok_is(t, "else") || tok_is(t, "elseif"))) {
                *kw = tok_is(t, "else") ? "else" : "elseif";
                return lex(P);
            }
        }
        prev = t->kind;
        if ((st = lex(P)) != GR_OK)
            return st;
    }
}

/* The truth of an if condition, as MATLAB: nonempty and all nonzero. */
static int eval_condition(mp_parser *P, int *truth)
{
    mp_tok at = P->tok;
    ev_val v;
    int st = ev_expr(P, &v);
    if (st != GR_OK)
        return st;
    *truth = ev_numel(&v) > 0;
    for (size_t k = 0; k < ev_numel(&v); k++) {
        double d = ev_get(&v, k);
        if (d != d) {
            ev_free(&v);
            return perr(P, at.line, at.col, "expected a condition without NaN, found NaN");
        }
        *truth &= d != 0;
    }
    ev_free(&v);
    return stmt_end(P, "the condition");
}

/* if c ... elseif c ... else ... end; the current token is `if`. */
static int stmt_if(mp_parser *P)
{
    int open_line = P->tok.line, taken = 0, st;
    const char *kw = "elseif";
    if ((st = enter(P)) != GR_OK) {
        P->depth--;
        return st;
    }
    if ((st = lex(P)) != GR_OK) {
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
            st = parse_statements(P, 1, &kw);
            if (st == GR_OK && P->stopped) /* `return` inside the branch */
                break;
            if (st == GR_OK && !kw) {
                char what[64];
                snprintf(what, sizeof what, "'end' closing the 'if' at line %d", open_line);
                st = expected(P, what);
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
    if (tok_is(t, "idx_bus")) {
        *n = 21;
        return bus;
    }
    if (tok_is(t, "idx_brch")) {
        *n = 21;
        return brch;
    }
    if (tok_is(t, "idx_gen")) {
        *n = 25;
        return gen;
    }
    if (tok_is(t, "idx_cost")) {
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
            int st = set_var(P, &name, &v);
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
    st = lex(P);
    while (st == GR_OK && P->tok.kind != T_RBRACK) {
        if (P->tok.kind == T_COMMA) {
            st = lex(P);
            continue;
        }
        if (P->tok.kind != T_IDENT && P->tok.kind != T_NOT) {
            st = expected(P, "a variable name in [...] = ...");
            break;
        }
        if (n == (int)(sizeof names / sizeof names[0])) {
            st = perr(P, P->tok.line, P->tok.col, "expected at most 32 outputs, found more");
            break;
        }
        names[n++] = P->tok;
        st = lex(P);
    }
    P->ws_sep = save_ws;
    if (st != GR_OK || (st = lex(P)) != GR_OK)
        return st;
    if (P->tok.kind != T_ASSIGN)
        return expected(P, "'=' after [...]");
    if ((st = lex(P)) != GR_OK)
        return st;
    if (P->tok.kind != T_IDENT)
        return expected(P, "a function name");
    int nval = 0;
    const int *val = idx_function(&P->tok, &nval);
    if (val && n > nval)
        return perr(P, names[nval].line, names[nval].col, "expected at most %d outputs of this function, found %d",
                    nval, n);
    for (int i = 0; i < n && st == GR_OK; i++) {
        if (names[i].kind != T_IDENT)
            continue;
        ev_val v = ev_scalar(val ? val[i] : 0);
        st = set_var(P, &names[i], val ? &v : NULL);
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
    int st = lex(P), name_consumed = 0;
    if (st == GR_OK && P->tok.kind == T_LBRACK) {
        if ((st = lex(P)) == GR_OK)
            out = P->tok;
        while (st == GR_OK && P->tok.kind != T_RBRACK && P->tok.kind != T_EOF && P->tok.kind != T_NL)
            st = lex(P);
        if (st == GR_OK && P->tok.kind == T_RBRACK)
            st = lex(P);
        if (st == GR_OK && P->tok.kind != T_ASSIGN)
            return expected(P, "'=' after the outputs of function");
    } else if (st == GR_OK) {
        out = P->tok;
        st = lex(P);
    }
    if (st != GR_OK)
        return st;
    if (P->tok.kind == T_ASSIGN) {
        if ((st = lex(P)) != GR_OK)
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
        describe_tok(P, &name, found, sizeof found);
        return perr(P, name.line, name.col, "expected a function name, found %s", found);
    }
    gr_free(P->fname);
    size_t len = (size_t)(name.e - name.s);
    if (!(P->fname = gr_malloc(len + 1)))
        return oom(P);
    memcpy(P->fname, name.s, len);
    P->fname[len] = 0;
    if (!name_consumed && (st = lex(P)) != GR_OK)
        return st;
    return skip_statement(P); /* (args) and the end of the line */
}

/* mpc.T(r, c) = expr;  the current token is '('. */
static int stmt_table_assign(mp_parser *P, int which, const mp_tok *field)
{
    mp_table *t = &P->tab[which];
    if (!t->defined) {
        char what[64];
        snprintf(what, sizeof what, "mpc.%s = [...] before indexing it", table_field[which]);
        return perr(P, field->line, field->col, "expected %s, found an index", what);
    }
    ev_index ri, ci;
    int st = parse_table_indices(P, t, 1, &ri, &ci);
    if (st != GR_OK)
        return st;
    ev_val v = {0, 0, 0, NULL};
    if (P->tok.kind != T_ASSIGN)
        st = expected(P, "'=' after the indices");
    else if ((st = lex(P)) == GR_OK) {
        mp_tok at = P->tok;
        if ((st = ev_expr(P, &v)) == GR_OK)
            st = write_table(P, t, &ri, &ci, &v, &at);
    }
    ev_free(&v);
    gr_free(ri.k);
    gr_free(ci.k);
    if (st != GR_OK)
        return st;
    char after[64];
    snprintf(after, sizeof after, "mpc.%s(...) = ...", table_field[which]);
    return stmt_end(P, after);
}

/* mpc.T = [ ... ];  the current token is '='. */
static int stmt_table_define(mp_parser *P, int which, const mp_tok *field)
{
    int st = lex(P);
    if (st != GR_OK)
        return st;
    char what[64];
    snprintf(what, sizeof what, "'[' starting mpc.%s", table_field[which]);
    if (P->tok.kind != T_LBRACK)
        return expected(P, what);
    mp_table *t = &P->tab[which];
    table_release(t); /* defined again only once closed: elements cannot see it half-built */
    t->line0 = field->line;
    t->col0 = field->col;
    if ((st = scan_data_matrix(P, t, which, P->tok.line)) != GR_OK)
        return st;
    t->defined = 1;
    gr_free(t->cnt);
    t->cnt = NULL;
    P->tok.kind = T_RBRACK; /* for the transpose rule */
    if ((st = lex(P)) != GR_OK)
        return st;
    snprintf(what, sizeof what, "mpc.%s = [...]", table_field[which]);
    return stmt_end(P, what);
}

static int stmt_base_mva(mp_parser *P)
{
    int st = lex(P);
    if (st != GR_OK)
        return st;
    mp_tok at = P->tok;
    ev_val v;
    if ((st = ev_expr(P, &v)) != GR_OK)
        return st;
    if (ev_numel(&v) != 1) {
        ev_free(&v);
        return perr(P, at.line, at.col, "expected a scalar mpc.baseMVA, found a %dx%d value", v.m, v.n);
    }
    P->have_base = 1;
    P->base_mva = ev_get(&v, 0);
    P->base_line = at.line;
    P->base_col = at.col;
    ev_free(&v);
    return stmt_end(P, "mpc.baseMVA");
}

static int stmt_version(mp_parser *P)
{
    int st = lex(P);
    if (st != GR_OK)
        return st;
    mp_tok *t = &P->tok;
    int ok = (t->kind == T_STR && t->e - t->s == 3 && t->s[1] == '2') ||
             (t->kind == T_NUM && t->num == 2);
    if (!ok)
        return expected(P, "mpc.version '2' (MATPOWER case format version 2)");
    if ((st = lex(P)) != GR_OK)
        return st;
    return stmt_end(P, "mpc.version");
}

/* mpc.FIELD ...;  the current token is FIELD. */
static int stmt_field(mp_parser *P)
{
    mp_tok field = P->tok;
    int which = field_table(&field);
    int known = which >= 0 || tok_is(&field, "bus_name") || tok_is(&field, "baseMVA") ||
                tok_is(&field, "version");
    int st = lex(P);
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
        return expected(P, what);
    }
    if (which >= 0)
        return stmt_table_define(P, which, &field);
    if (tok_is(&field, "baseMVA"))
        return stmt_base_mva(P);
    if (tok_is(&field, "version"))
        return stmt_version(P);
    if ((st = lex(P)) != GR_OK) /* bus_name */
        return st;
    if (P->tok.kind != T_LBRACE)
        return expected(P, "'{' starting mpc.bus_name");
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
    int st = lex(P);
    ev_val v = {0, 0, 0, NULL};
    if (st == GR_OK)
        st = ev_expr(P, &v);
    if (st == GR_OK && !(P->tok.kind == T_SEMI || P->tok.kind == T_COMMA || P->tok.kind == T_NL ||
                         P->tok.kind == T_EOF)) {
        ev_free(&v);
        st = GR_EPARSE;
    }
    P->err = err;
    if (st == GR_ENOMEM)
        return oom(P);
    if (st == GR_OK) {
        if ((st = set_var(P, name, &v)) != GR_OK)
            return st;
        return stmt_end(P, "the assignment");
    }
    restore_pos(P, start);
    if ((st = set_var(P, name, NULL)) != GR_OK)
        return st;
    return skip_statement(P);
}

/* A statement that starts with an identifier. */
static int stmt_identifier(mp_parser *P, int in_block, const char **kw)
{
    mp_tok id = P->tok;
    mp_pos start = save_pos(P);
    if (tok_is(&id, "function"))
        return stmt_function(P);
    if (tok_is(&id, "if"))
        return stmt_if(P);
    if (tok_is(&id, "return")) {
        P->stopped = 1;
        return GR_OK;
    }
    if (tok_is(&id, "else") || tok_is(&id, "elseif") || is_block_end(&id)) {
        if (in_block) {
            *kw = tok_is(&id, "else") ? "else" : tok_is(&id, "elseif") ? "elseif" : "end";
            return lex(P);
        }
        if (tok_is(&id, "end") || tok_is(&id, "endfunction")) /* closes the function */
            return lex(P);
        return expected(P, "a statement");
    }
    if (is_block_open(&id))
        return expected(P, "a case-file statement (loops and switch are not supported)");
    int st = lex(P);
    if (st != GR_OK)
        return st;
    int is_sv = (int)(id.e - id.s) == P->sv_len && memcmp(id.s, P->sv, (size_t)P->sv_len) == 0;
    if (is_sv && P->tok.kind == T_DOT) {
        if ((st = lex(P)) != GR_OK)
            return st;
        if (P->tok.kind != T_IDENT)
            return expected(P, "a field name after '.'");
        return stmt_field(P);
    }
    if (is_sv && P->tok.kind == T_ASSIGN)
        return expected(P, "mpc.<field> = ... (the case struct cannot be replaced as a whole)");
    if (P->tok.kind == T_ASSIGN)
        return stmt_assign_var(P, &id, &start);
    if (tok_is(&id, "define_constants") && (st = define_constants(P, &id)) != GR_OK)
        return st;
    if (P->tok.kind == T_LPAREN || P->tok.kind == T_DOT || P->tok.kind == T_LBRACE) {
        mp_var *var = find_var(P, id.s, (int)(id.e - id.s));
        if (var && (st = set_var(P, &id, NULL)) != GR_OK) /* x(...) = ... may change it */
            return st;
    }
    return skip_statement(P); /* a command: define_constants, disp(...), clear, ... */
}

/* Run statements until the end of input, or (in a block) else/elseif/end,
 * whose keyword goes to *kw (NULL at end of input). */
static int parse_statements(mp_parser *P, int in_block, const char **kw)
{
    *kw = NULL;
    while (!P->stopped) {
        int k = P->tok.kind, st;
        if (k == T_EOF)
            return GR_OK;
        if (k == T_NL || k == T_SEMI || k == T_COMMA)
            st = lex(P);
        else if (k == T_IDENT)
            st = stmt_identifier(P, in_block, kw);
        else if (k == T_LBRACK)
            st = stmt_multi_assign(P);
        else
            st = expected(P, "a statement");
        if (st != GR_OK || *kw)
            return st;
    }
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * From raw tables to a validated gr_case
 * ------------------------------------------------------------------------ */
typedef struct bus_key {
    int id, row;
} bus_key;

static int cmp_bus_key(const void *a, const void *b)
{
    const bus_key *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

/* Row of bus `id`, or -1 (binary search over keys sorted by id). */
static int bus_row(const bus_key *keys, int n, int id)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (keys[mid].id == id)
            return keys[mid].row;
        if (keys[mid].id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static int field_error(mp_parser *P, int which, int r, int k, const char *fmt, ...) MP_PRINTF(5, 6);

/* A parse error that points at field k of row r of a table. */
static int field_error(mp_parser *P, int which, int r, int k, const char *fmt, ...)
{
    int line, col;
    field_pos(P, &P->tab[which], r, k, &line, &col);
    char msg[GR_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return perr(P, line, col, "%s", msg);
}

static double raw(const mp_parser *P, int which, int r, int k)
{
    const mp_table *t = &P->tab[which];
    return t->x[(size_t)r * (size_t)t->cols + (size_t)k];
}

/* An integer column (bus numbers, types, status, area, zone). */
static int int_field(mp_parser *P, int which, int r, int k, int *out)
{
    double v = raw(P, which, r, k);
    if (v >= INT_MIN && v <= INT_MAX && v == floor(v)) {
        *out = (int)v;
        return GR_OK;
    }
    const char *col = which == TB_BUS ? bus_col_name[k] : which == TB_GEN ? gen_col_name[k]
                                                                         : branch_col_name[k];
    char found[32];
    gr_mp_format_double(v, found);
    return field_error(P, which, r, k, "expected an integer %s in mpc.%s, found %s", col,
                       table_field[which], found);
}

static int fill_bus(mp_parser *P, gr_case *c)
{
    gr_bus_table *b = &c->bus;
    const mp_table *t = &P->tab[TB_BUS];
    b->n_extra = t->cols - MP_BUS_COLS;
    if (b->n_extra > 0 && !(b->extra = gr_malloc((size_t)b->n * (size_t)b->n_extra * sizeof(double))))
        return oom(P);
    int st;
    for (int r = 0; r < b->n; r++) {
        const double *x = t->x + (size_t)r * (size_t)t->cols;
        if ((st = int_field(P, TB_BUS, r, 0, &b->bus_i[r])) != GR_OK ||
            (st = int_field(P, TB_BUS, r, 1, &b->type[r])) != GR_OK ||
            (st = int_field(P, TB_BUS, r, 6, &b->area[r])) != GR_OK ||
            (st = int_field(P, TB_BUS, r, 10, &b->zone[r])) != GR_OK)
            return st;
        b->pd_mw[r] = x[2];
        b->qd_mvar[r] = x[3];
        b->gs_mw[r] = x[4];
        b->bs_mvar[r] = x[5];
        b->vm_pu[r] = x[7];
        b->va_deg[r] = x[8];
        b->base_kv[r] = x[9];
        b->vmax_pu[r] = x[11];
        b->vmin_pu[r] = x[12];
        for (int j = 0; j < b->n_extra; j++)
            b->extra[(size_t)r * (size_t)b->n_extra + (size_t)j] = x[MP_BUS_COLS + j];
        if (b->bus_i[r] <= 0)
            return field_error(P, TB_BUS, r, 0, "expected a positive bus number in mpc.bus BUS_I, found %d",
                               b->bus_i[r]);
        if (b->type[r] < GR_BUS_PQ || b->type[r] > GR_BUS_ISOLATED)
            return field_error(P, TB_BUS, r, 1,
                               "expected bus type 1 (PQ), 2 (PV), 3 (REF) or 4 (isolated) in mpc.bus "
                               "BUS_TYPE, found %d", b->type[r]);
    }
    return GR_OK;
}

static int fill_gen(mp_parser *P, gr_case *c)
{
    gr_gen_table *g = &c->gen;
    const mp_table *t = &P->tab[TB_GEN];
    if (g->n == 0)
        return GR_OK;
    g->n_cols_in_file = t->cols < MP_GEN_COLS ? t->cols : MP_GEN_COLS;
    g->n_extra = t->cols > MP_GEN_COLS ? t->cols - MP_GEN_COLS : 0;
    if (g->n_extra > 0 && !(g->extra = gr_malloc((size_t)g->n * (size_t)g->n_extra * sizeof(double))))
        return oom(P);
    double *opt[MP_GEN_COLS - MP_GEN_MIN_COLS] = {
        g->pc1, g->pc2, g->qc1min, g->qc1max, g->qc2min, g->qc2max,
        g->ramp_agc, g->ramp_10, g->ramp_30, g->ramp_q, g->apf};
    int st;
    for (int r = 0; r < g->n; r++) {
        const double *x = t->x + (size_t)r * (size_t)t->cols;
        if ((st = int_field(P, TB_GEN, r, 0, &g->bus[r])) != GR_OK ||
            (st = int_field(P, TB_GEN, r, 7, &g->status[r])) != GR_OK)
            return st;
        g->pg_mw[r] = x[1];
        g->qg_mvar[r] = x[2];
        g->qmax_mvar[r] = x[3];
        g->qmin_mvar[r] = x[4];
        g->vg_pu[r] = x[5];
        g->mbase_mva[r] = x[6];
        g->pmax_mw[r] = x[8];
        g->pmin_mw[r] = x[9];
        for (int j = MP_GEN_MIN_COLS; j < MP_GEN_COLS; j++) /* absent: 0 */
            opt[j - MP_GEN_MIN_COLS][r] = j < t->cols ? x[j] : 0.0;
        for (int j = 0; j < g->n_extra; j++)
            g->extra[(size_t)r * (size_t)g->n_extra + (size_t)j] = x[MP_GEN_COLS + j];
    }
    return GR_OK;
}

static int fill_branch(mp_parser *P, gr_case *c)
{
    gr_branch_table *br = &c->branch;
    const mp_table *t = &P->tab[TB_BRANCH];
    if (br->n == 0)
        return GR_OK;
    br->n_cols_in_file = t->cols < MP_BRANCH_COLS ? t->cols : MP_BRANCH_COLS;
    int st;
    for (int r = 0; r < br->n; r++) {
        const double *x = t->x + (size_t)r * (size_t)t->cols;
        if ((st = int_field(P, TB_BRANCH, r, 0, &br->f_bus[r])) != GR_OK ||
            (st = int_field(P, TB_BRANCH, r, 1, &br->t_bus[r])) != GR_OK ||
            (st = int_field(P, TB_BRANCH, r, 10, &br->status[r])) != GR_OK)
            return st;
        br->r_pu[r] = x[2];
        br->x_pu[r] = x[3];
        br->b_pu[r] = x[4];
        br->rate_a_mva[r] = x[5];
        br->rate_b_mva[r] = x[6];
        br->rate_c_mva[r] = x[7];
        br->tap[r] = x[8];
        br->shift_deg[r] = x[9];
        /* loadcase: ANGMIN/ANGMAX default to -360/360 when the file lacks them */
        br->angmin_deg[r] = t->cols > 11 ? x[11] : -360.0;
        br->angmax_deg[r] = t->cols > 12 ? x[12] : 360.0;
    }
    return GR_OK;
}

static int fill_gencost(mp_parser *P, gr_case *c)
{
    mp_table *t = &P->tab[TB_GENCOST];
    if (!t->defined || t->rows == 0)
        return GR_OK;
    c->gencost.n = t->rows;
    c->gencost.cols = t->cols;
    c->gencost.x = t->x; /* moved */
    t->x = NULL;
    return GR_OK;
}

/* Sorted bus numbers; a duplicate is reported at its later row. */
static int check_bus_numbers(mp_parser *P, const gr_case *c, bus_key *keys)
{
    int nb = c->bus.n;
    for (int r = 0; r < nb; r++) {
        keys[r].id = c->bus.bus_i[r];
        keys[r].row = r;
    }
    qsort(keys, (size_t)nb, sizeof *keys, cmp_bus_key);
    int first = -1, later = -1;
    for (int k = 1, group = 0; k < nb; k++) {
        if (keys[k].id != keys[k - 1].id) {
            group = k;
            continue;
        }
        if (later < 0 || keys[k].row < later) { /* the earliest repeat in the file */
            later = keys[k].row;
            first = keys[group].row;
        }
    }
    if (later < 0)
        return GR_OK;
    int id = c->bus.bus_i[later];
    return field_error(P, TB_BUS, later, 0,
                       "expected a unique bus number in mpc.bus BUS_I, found %d again (first at line %d)",
                       id, P->tab[TB_BUS].line[first]);
}

static int check_references(mp_parser *P, const gr_case *c, const bus_key *keys)
{
    int nb = c->bus.n;
    for (int r = 0; r < c->gen.n; r++)
        if (bus_row(keys, nb, c->gen.bus[r]) < 0)
            return field_error(P, TB_GEN, r, 0,
                               "expected a bus number from mpc.bus in mpc.gen GEN_BUS, found %d",
                               c->gen.bus[r]);
    for (int r = 0; r < c->branch.n; r++) {
        if (bus_row(keys, nb, c->branch.f_bus[r]) < 0)
            return field_error(P, TB_BRANCH, r, 0,
                               "expected a bus number from mpc.bus in mpc.branch F_BUS, found %d",
                               c->branch.f_bus[r]);
        if (bus_row(keys, nb, c->branch.t_bus[r]) < 0)
            return field_error(P, TB_BRANCH, r, 1,
                               "expected a bus number from mpc.bus in mpc.branch T_BUS, found %d",
                               c->branch.t_bus[r]);
    }
    return GR_OK;
}

static int uf_find(int *parent, int i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]]; /* path halving */
        i = parent[i];
    }
    return i;
}

static void uf_union(int *parent, int *size, int a, int b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a == b)
        return;
    if (size[a] < size[b]) {
        int t = a;
        a = b;
        b = t;
    }
    parent[b] = a;
    size[a] += size[b];
}

/* At most one REF bus per island of in-service branches (isolated buses,
 * type 4, join no island, as in gr_islands_find). */
static int check_ref_buses(mp_parser *P, const gr_case *c, const bus_key *keys)
{
    int nb = c->bus.n, st = GR_OK;
    int *parent = gr_malloc(3 * (size_t)nb * sizeof(int));
    if (!parent)
        return oom(P);
    int *size = parent + nb, *ref = parent + 2 * nb;
    for (int i = 0; i < nb; i++) {
        parent[i] = i;
        size[i] = 1;
        ref[i] = -1;
    }
    for (int r = 0; r < c->branch.n; r++) {
        int f = bus_row(keys, nb, c->branch.f_bus[r]), t = bus_row(keys, nb, c->branch.t_bus[r]);
        if (c->branch.status[r] > 0 && c->bus.type[f] != GR_BUS_ISOLATED &&
            c->bus.type[t] != GR_BUS_ISOLATED)
            uf_union(parent, size, f, t);
    }
    for (int i = 0; i < nb && st == GR_OK; i++) {
        if (c->bus.type[i] != GR_BUS_REF)
            continue;
        int root = uf_find(parent, i);
        if (ref[root] < 0) {
            ref[root] = i;
            continue;
        }
        st = field_error(P, TB_BUS, i, 1,
                         "expected one reference bus (type 3) per island, found a second: bus %d is "
                         "connected to reference bus %d (line %d)",
                         c->bus.bus_i[i], c->bus.bus_i[ref[root]], P->tab[TB_BUS].line[ref[root]]);
    }
    gr_free(parent);
    return st;
}

static int eof_error(mp_parser *P, const char *what)
{
    return perr(P, P->line, col_of(P, P->end), "expected %s, found end of file", what);
}

static int check_required(mp_parser *P)
{
    if (!P->tab[TB_BUS].defined)
        return eof_error(P, "mpc.bus");
    if (!P->tab[TB_GEN].defined)
        return eof_error(P, "mpc.gen");
    if (!P->tab[TB_BRANCH].defined)
        return eof_error(P, "mpc.branch");
    if (!P->have_base)
        return eof_error(P, "mpc.baseMVA");
    if (!(P->base_mva > 0 && P->base_mva < HUGE_VAL)) {
        char found[32];
        gr_mp_format_double(P->base_mva, found);
        return perr(P, P->base_line, P->base_col, "expected a positive mpc.baseMVA, found %s", found);
    }
    if (P->tab[TB_BUS].rows == 0)
        return perr(P, P->tab[TB_BUS].line0, P->tab[TB_BUS].col0,
                    "expected at least one row in mpc.bus, found none");
    if (P->names_defined && P->n_names != P->tab[TB_BUS].rows)
        return perr(P, P->names_line, P->names_col,
                    "expected %d names in mpc.bus_name (one per bus), found %d",
                    P->tab[TB_BUS].rows, P->n_names);
    return GR_OK;
}

/* Move the per-row line numbers and names from the parser into the case. */
static void move_rows_info(mp_parser *P, gr_case *c)
{
    c->bus.line = P->tab[TB_BUS].line;
    P->tab[TB_BUS].line = NULL;
    if (c->gen.n) {
        c->gen.line = P->tab[TB_GEN].line;
        P->tab[TB_GEN].line = NULL;
    }
    if (c->branch.n) {
        c->branch.line = P->tab[TB_BRANCH].line;
        P->tab[TB_BRANCH].line = NULL;
    }
    if (P->names_defined) {
        c->bus_name = P->names;
        P->names = NULL;
        P->n_names = P->cap_names = 0;
    }
    c->name = P->fname;
    P->fname = NULL;
}

static int build_case(mp_parser *P, gr_case **out)
{
    int st = check_required(P);
    if (st != GR_OK)
        return st;
    gr_case *c = NULL;
    if ((st = gr_case_alloc(P->tab[TB_BUS].rows, P->tab[TB_GEN].rows, P->tab[TB_BRANCH].rows, &c)) != GR_OK)
        return oom(P);
    c->base_mva = P->base_mva;
    bus_key *keys = NULL;
    if ((st = fill_bus(P, c)) == GR_OK && (st = fill_gen(P, c)) == GR_OK &&
        (st = fill_branch(P, c)) == GR_OK && (st = fill_gencost(P, c)) == GR_OK) {
        if (!(keys = gr_malloc((size_t)c->bus.n * sizeof *keys)))
            st = oom(P);
        else if ((st = check_bus_numbers(P, c, keys)) == GR_OK &&
                 (st = check_references(P, c, keys)) == GR_OK)
            st = check_ref_buses(P, c, keys);
    }
    gr_free(keys);
    if (st != GR_OK) {
        gr_case_free(c);
        return st;
    }
    move_rows_info(P, c);
    *out = c;
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Entry points
 * ------------------------------------------------------------------------ */
static void parser_release(mp_parser *P)
{
    for (int k = 0; k < TB_COUNT; k++)
        table_release(&P->tab[k]);
    free_names(P);
    gr_free(P->fname);
    for (int k = 0; k < P->n_vars; k++)
        ev_free(&P->vars[k].v);
    gr_free(P->vars);
}

/* Parse text[0..len) with text[len] == 0. */
static int parse_terminated(const char *text, size_t len, const char *name, gr_case **out,
                            gr_error *err)
{
    mp_parser P;
    memset(&P, 0, sizeof P);
    P.text = P.p = P.line_start = text;
    P.end = text + len;
    P.line = 1;
    P.name = name ? name : "<memory>";
    P.err = err;
    P.sv = "mpc";
    P.sv_len = 3;
    P.tok.kind = T_NL;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) /* UTF-8 byte order mark */
        P.p = P.line_start = text + 3;
    const char *kw;
    int st = lex(&P);
    if (st == GR_OK)
        st = parse_statements(&P, 0, &kw);
    if (st == GR_OK)
        st = build_case(&P, out);
    parser_release(&P);
    return st;
}

int gr_case_parse(const char *text, size_t len, const char *name, gr_case **out, gr_error *err)
{
    if (!out)
        return gr_error_set(err, GR_EINVAL, "gr_case_parse: out is NULL");
    *out = NULL;
    if (!text && len > 0)
        return gr_error_set(err, GR_EINVAL, "gr_case_parse: text is NULL");
    if (len > MP_MAX_INPUT)
        return gr_error_set(err, GR_EINVAL, "%s: input larger than 2 GiB", name ? name : "<memory>");
    char *copy = gr_malloc(len + 1);
    if (!copy)
        return gr_error_set(err, GR_ENOMEM, "%s: out of memory", name ? name : "<memory>");
    if (len)
        memcpy(copy, text, len);
    copy[len] = 0;
    int st = parse_terminated(copy, len, name, out, err);
    gr_free(copy);
    return st;
}

/* Whole file into a NUL-terminated buffer. */
static int read_file(const char *path, char **text, size_t *len, gr_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return gr_error_set(err, GR_EIO, "%s: cannot open for reading", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = gr_malloc(cap);
    int st = buf ? GR_OK : gr_error_set(err, GR_ENOMEM, "%s: out of memory", path);
    while (st == GR_OK) {
        if (cap - n < 2) {
            if (cap > MP_MAX_INPUT) {
                st = gr_error_set(err, GR_EINVAL, "%s: file larger than 2 GiB", path);
                break;
            }
            char *b = gr_realloc(buf, 2 * cap);
            if (!b) {
                st = gr_error_set(err, GR_ENOMEM, "%s: out of memory", path);
                break;
            }
            buf = b;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                st = gr_error_set(err, GR_EIO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (st != GR_OK) {
        gr_free(buf);
        return st;
    }
    buf[n] = 0;
    *text = buf;
    *len = n;
    return GR_OK;
}

int gr_case_read(const char *path, gr_case **out, gr_error *err)
{
    if (!out)
        return gr_error_set(err, GR_EINVAL, "gr_case_read: out is NULL");
    *out = NULL;
    if (!path)
        return gr_error_set(err, GR_EINVAL, "gr_case_read: path is NULL");
    char *text = NULL;
    size_t len = 0;
    int st = read_file(path, &text, &len, err);
    if (st != GR_OK)
        return st;
    gr_case *c = NULL;
    st = parse_terminated(text, len, path, &c, err);
    gr_free(text);
    if (st != GR_OK)
        return st;
    size_t plen = strlen(path) + 1;
    if (!(c->path = gr_malloc(plen))) {
        gr_case_free(c);
        return gr_error_set(err, GR_ENOMEM, "%s: out of memory", path);
    }
    memcpy(c->path, path, plen);
    *out = c;
    return GR_OK;
}
