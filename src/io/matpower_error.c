/* matpower_error.c — MATPOWER reader: parse errors "NAME:LINE:COL: expected ..., found ...". */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "io/matpower_internal.h"

const char *const mp_table_field[TB_COUNT] = {"bus", "gen", "branch", "gencost"};

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------ */
/* Report "NAME:LINE:COL: <message>" as GR_EPARSE. */
int mp_perr(mp_parser *P, int line, int col, const char *fmt, ...)
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

int mp_oom(mp_parser *P)
{
    return gr_error_set(P->err, GR_ENOMEM, "%s: out of memory", P->name);
}

int mp_col_of(const mp_parser *P, const char *s) { return (int)(s - P->line_start) + 1; }

/* Quote up to 24 bytes of [s, e) into buf, escaping what is not printable. */
void mp_quote_span(const char *s, const char *e, char *buf, size_t len)
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
void mp_describe_at(const mp_parser *P, const char *s, char *buf, size_t len)
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
    mp_quote_span(s, e, buf, len);
}

void mp_describe_tok(const mp_parser *P, const mp_tok *t, char *buf, size_t len)
{
    if (t->kind == T_EOF || t->kind == T_NL)
        mp_describe_at(P, t->s, buf, len);
    else
        mp_quote_span(t->s, t->e, buf, len);
}

/* "expected <what>, found <current token>" at the current token. */
int mp_expected(mp_parser *P, const char *what)
{
    char found[96];
    mp_describe_tok(P, &P->tok, found, sizeof found);
    return mp_perr(P, P->tok.line, P->tok.col, "expected %s, found %s", what, found);
}
