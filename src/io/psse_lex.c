/* psse_lex.c — PSS/E RAW reader: one line into fields (commas or blanks, quotes, `/` comments), numbers, error messages. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/psse_internal.h"

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------ */
/* GR_EPARSE "NAME:LINE: [SECTION, record N, field WHAT: ]message". */
static int report(ps_parser *P, int line, const char *what, const char *fmt, va_list ap)
{
    if (P->err) {
        char msg[GR_ERROR_MAX];
        vsnprintf(msg, sizeof msg, fmt, ap);
        if (what)
            gr_error_set(P->err, GR_EPARSE, "%s:%d: %s, record %d, field %s: %s", P->name, line,
                         P->section ? P->section : "data", P->record, what, msg);
        else
            gr_error_set(P->err, GR_EPARSE, "%s:%d: %s", P->name, line, msg);
    }
    return GR_EPARSE;
}

int ps_error(ps_parser *P, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(P, line, NULL, fmt, ap);
    va_end(ap);
    return GR_EPARSE;
}

int ps_field_error(ps_parser *P, const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(P, P->L.line, what, fmt, ap);
    va_end(ap);
    return GR_EPARSE;
}

int ps_oom(ps_parser *P) { return gr_error_set(P->err, GR_ENOMEM, "%s: out of memory", P->name); }

void ps_quote(const char *s, int len, char *buf, size_t size)
{
    size_t k = 0;
    buf[k++] = '\'';
    for (int n = 0; n < len && n < 24 && k + 6 < size; n++) {
        unsigned char c = (unsigned char)s[n];
        if (c >= 32 && c < 127)
            buf[k++] = (char)c;
        else
            k += (size_t)snprintf(buf + k, size - k, "\\x%02x", c);
    }
    if (len > 24 && k + 5 < size) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k++] = '\'';
    buf[k] = 0;
}

/* ------------------------------------------------------------------------
 * Lines
 * ------------------------------------------------------------------------ */
static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

static void add_field(ps_line *L, const char *s, const char *e, int quoted)
{
    if (L->nf < PS_MAX_FIELDS) {
        L->f[L->nf].s = s;
        L->f[L->nf].len = (int)(e - s);
        L->f[L->nf].quoted = quoted;
    }
    L->nf++;
}

/* Split [s, e) into fields. PSS/E's rules: a comma, or blanks, separate fields;
 * blanks around a comma are part of it; two commas in a row leave an empty field
 * (its default); text in single or double quotes is one field; an unquoted `/`
 * ends the data of the line. An unclosed quote runs to the end of the line. */
static void split_line(ps_line *L, const char *s, const char *e)
{
    L->nf = 0;
    L->comment = L->comment_end = NULL;
    int after_field = 0;   /* a field ended and no comma followed yet */
    const char *p = s;
    while (p < e) {
        if (is_blank(*p)) {
            p++;
            continue;
        }
        if (*p == '/') {
            L->comment = p + 1;
            L->comment_end = e;
            break;
        }
        if (*p == ',') {
            if (!after_field)
                add_field(L, p, p, 0);   /* ",," or a leading comma: an empty field */
            after_field = 0;
            p++;
            continue;
        }
        if (*p == '\'' || *p == '"') {
            char q = *p++;
            const char *b = p;
            while (p < e && *p != q)
                p++;
            add_field(L, b, p, 1);
            if (p < e)
                p++;
        } else {
            const char *b = p;
            while (p < e && !is_blank(*p) && *p != ',' && *p != '/' && *p != '\'' && *p != '"')
                p++;
            add_field(L, b, p, 0);
        }
        after_field = 1;
    }
    if (L->nf > PS_MAX_FIELDS)
        L->nf = PS_MAX_FIELDS;
}

/* [*s, *e) of the next physical line; advances P->p past its newline. */
static int next_raw_line(ps_parser *P, const char **s, const char **e)
{
    if (P->p >= P->end)
        return 0;
    const char *b = P->p;
    const char *nl = memchr(b, '\n', (size_t)(P->end - b));
    const char *x = nl ? nl : P->end;
    P->p = nl ? nl + 1 : P->end;
    P->line++;
    *s = b;
    *e = x;
    return 1;
}

int ps_next_line(ps_parser *P)
{
    const char *s, *e;
    while (next_raw_line(P, &s, &e)) {
        const char *q = s;
        while (q < e && is_blank(*q))
            q++;
        if (e - q >= 2 && q[0] == '@' && q[1] == '!') {   /* v35 column headers */
            P->saw_headers = 1;
            continue;
        }
        P->L.line = P->line;
        split_line(&P->L, s, e);
        return 1;
    }
    return 0;
}

void ps_skip_raw_lines(ps_parser *P, int n)
{
    const char *s, *e;
    for (int k = 0; k < n && next_raw_line(P, &s, &e); k++)
        ;
}

int ps_field_empty(const ps_line *L, int k) { return k >= L->nf || L->f[k].len == 0; }

static int field_is(const ps_line *L, int k, char c)
{
    return k < L->nf && !L->f[k].quoted && L->f[k].len == 1 &&
           (L->f[k].s[0] == c || L->f[k].s[0] == (c | 0x20));
}

int ps_is_terminator(const ps_line *L)
{
    if (L->nf < 1 || !field_is(L, 0, '0'))
        return 0;
    for (int k = 1; k < L->nf; k++)
        if (L->f[k].len)
            return 0;
    return 1;
}

int ps_is_q(const ps_line *L) { return field_is(L, 0, 'Q'); }

/* ------------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------------ */
/* A decimal number: [+-] digits [. digits] [eEdD [+-] digits]; Fortran's D exponent
 * is accepted. Inf, NaN and hexadecimal are not numbers here. */
static int parse_number(const ps_field *f, double *out)
{
    char buf[64];
    if (f->len <= 0 || f->len >= (int)sizeof buf)
        return 0;
    int digits = 0, k = 0, n = f->len;
    const char *s = f->s;
    if (s[k] == '+' || s[k] == '-')
        k++;
    for (; k < n && s[k] >= '0' && s[k] <= '9'; k++)
        digits++;
    if (k < n && s[k] == '.')
        for (k++; k < n && s[k] >= '0' && s[k] <= '9'; k++)
            digits++;
    if (!digits)
        return 0;
    int epos = -1;
    if (k < n && (s[k] == 'e' || s[k] == 'E' || s[k] == 'd' || s[k] == 'D')) {
        epos = k++;
        if (k < n && (s[k] == '+' || s[k] == '-'))
            k++;
        int ed = 0;
        for (; k < n && s[k] >= '0' && s[k] <= '9'; k++)
            ed++;
        if (!ed)
            return 0;
    }
    if (k != n)
        return 0;
    memcpy(buf, s, (size_t)n);
    buf[n] = 0;
    if (epos >= 0)
        buf[epos] = 'e';
    double v = strtod(buf, NULL);
    if (!isfinite(v))
        return 0;
    *out = v;
    return 1;
}

static int bad_number(ps_parser *P, int k, const char *what, const char *kind)
{
    char q[64];
    ps_quote(P->L.f[k].s, P->L.f[k].len, q, sizeof q);
    return ps_field_error(P, what, "expected %s, found %s%s", kind, P->L.f[k].quoted ? "text " : "",
                          q);
}

int ps_num(ps_parser *P, int k, const char *what, double def, double *out)
{
    if (ps_field_empty(&P->L, k)) {
        *out = def;
        return GR_OK;
    }
    if (P->L.f[k].quoted || !parse_number(&P->L.f[k], out))
        return bad_number(P, k, what, "a number");
    return GR_OK;
}

int ps_num_nonneg(ps_parser *P, int k, const char *what, double def, double *out)
{
    int st = ps_num(P, k, what, def, out);
    if (st == GR_OK && *out < 0.0) /* what the MATPOWER reader refuses too (V_NONNEG) */
        return ps_field_error(P, what, "expected a number >= 0, found %g", *out);
    return st;
}

int ps_int(ps_parser *P, int k, const char *what, int def, int *out)
{
    double v;
    if (ps_field_empty(&P->L, k)) {
        *out = def;
        return GR_OK;
    }
    if (P->L.f[k].quoted || !parse_number(&P->L.f[k], &v) || v != floor(v) || v < -2147483647.0 ||
        v > 2147483647.0)
        return bad_number(P, k, what, "an integer");
    *out = (int)v;
    return GR_OK;
}

int ps_num_req(ps_parser *P, int k, const char *what, double *out)
{
    if (ps_field_empty(&P->L, k))
        return ps_field_error(P, what, "expected a number, found %s",
                              k < P->L.nf ? "an empty field" : "the end of the record");
    return ps_num(P, k, what, 0.0, out);
}

int ps_int_req(ps_parser *P, int k, const char *what, int *out)
{
    if (ps_field_empty(&P->L, k))
        return ps_field_error(P, what, "expected an integer, found %s",
                              k < P->L.nf ? "an empty field" : "the end of the record");
    return ps_int(P, k, what, 0, out);
}

char *ps_text(const ps_line *L, int k)
{
    int len = k < L->nf ? L->f[k].len : 0;
    const char *s = k < L->nf ? L->f[k].s : "";
    while (len > 0 && is_blank(s[len - 1]))
        len--;
    char *t = gr_malloc((size_t)len + 1);
    if (!t)
        return NULL;
    for (int i = 0; i < len; i++)   /* control characters (NUL, CR, ...) become blanks */
        t[i] = (unsigned char)s[i] < 32 ? ' ' : s[i];
    t[len] = 0;
    return t;
}
