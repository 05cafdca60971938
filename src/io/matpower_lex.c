/* matpower_lex.c — MATPOWER reader: tokens of MATLAB text (blanks, comments, continuations, strings vs transposes). */
#include <string.h>

#include "io/matpower_internal.h"

/* ------------------------------------------------------------------------
 * Lexer
 * ------------------------------------------------------------------------ */
void mp_new_line(mp_parser *P, const char *nl)
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
                mp_new_line(P, s++);
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
            return mp_perr(P, P->tok.line, P->tok.col, "expected a closing %c for this string, found %s",
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
int mp_lex(mp_parser *P)
{
    int prev = P->tok.kind;
    int space = skip_blanks(P);
    const char *s = P->p;
    mp_tok *t = &P->tok;
    t->s = s;
    t->line = P->line;
    t->col = mp_col_of(P, s);
    t->space_before = space;
    int st = GR_OK;
    if (s >= P->end) {
        t->kind = T_EOF;
        t->e = s;
    } else if (*s == '\n') {
        t->kind = T_NL;
        t->e = s + 1;
        mp_new_line(P, s);
    } else if (is_digit(*s) || (*s == '.' && is_digit(s[1]))) {
        const char *e = mp_scan_decimal(s, &t->num);
        if (!e || is_ident_char(*e) || (*e == '.' && !is_continuation(e) && is_digit(e[1]))) {
            char found[96];
            mp_describe_at(P, s, found, sizeof found);
            return mp_perr(P, t->line, t->col, "expected a number, found %s", found);
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

int mp_tok_is(const mp_tok *t, const char *word)
{
    size_t len = strlen(word);
    return t->kind == T_IDENT && (size_t)(t->e - t->s) == len && memcmp(t->s, word, len) == 0;
}

mp_pos mp_save_pos(const mp_parser *P)
{
    mp_pos s = {P->p, P->line_start, P->line, P->tok};
    return s;
}

void mp_restore_pos(mp_parser *P, const mp_pos *s)
{
    P->p = s->p;
    P->line_start = s->line_start;
    P->line = s->line;
    P->tok = s->tok;
}
