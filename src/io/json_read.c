/* json_read.c — shared helpers of the JSON readers: every failure names the file and the JSON path. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "io/file_read.h"
#include "io/json_read.h"

/* Messages stay on one line: control characters of a key or value the file
 * gave ("\n" in a JSON string) are shown escaped, as \n, \t, \r or \xNN. */
static int one_line(jr *r, int st)
{
    if (r->err)
        io_escape_controls(r->err->msg, sizeof r->err->msg);
    return st;
}

/* 1-based line and column of jansson's error. jansson's own column is 0 when the
 * last character it read was a newline (an unterminated string, or the end of
 * the file after a final newline) and counts from the line's start otherwise;
 * its position is the number of bytes read, so the byte at position - 1 is the
 * one it stopped on. Columns count characters (UTF-8 lead bytes), as jansson's. */
static void error_place(const char *text, size_t len, size_t position, int *line, int *col)
{
    size_t at = position ? position - 1 : 0;
    if (at > len)
        at = len;
    *line = 1;
    *col = 1;
    for (size_t k = 0; k < at; k++) {
        unsigned char c = (unsigned char)text[k];
        if (c == '\n') {
            (*line)++;
            *col = 1;
        } else if ((c & 0xc0) != 0x80) {
            (*col)++;
        }
    }
}

int jr_fail(jr *r, const char *path, const char *fmt, ...)
{
    char msg[GR_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return one_line(r, gr_error_set(r->err, GR_EPARSE, "%s: %s: %s", r->name, path, msg));
}

int jr_oom(jr *r) { return gr_error_set(r->err, GR_ENOMEM, "%s: out of memory", r->name); }

const char *jr_type(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    default: return "null";
    }
}

void jr_key_path(char *buf, const char *path, const char *key)
{
    int n = snprintf(buf, JR_PATHLEN, "%s.%s", path, key);
    if (n < 0 || n >= JR_PATHLEN)
        memcpy(buf + JR_PATHLEN - 4, "...", 4);
}

void jr_index_path(char *buf, const char *path, size_t i)
{
    int n = snprintf(buf, JR_PATHLEN, "%s[%zu]", path, i);
    if (n < 0 || n >= JR_PATHLEN)
        memcpy(buf + JR_PATHLEN - 4, "...", 4);
}

void jr_key_index_path(char *buf, const char *path, const char *key, size_t i)
{
    int n = snprintf(buf, JR_PATHLEN, "%s.%s[%zu]", path, key, i);
    if (n < 0 || n >= JR_PATHLEN)
        memcpy(buf + JR_PATHLEN - 4, "...", 4);
}

int jr_keys(jr *r, const json_t *v, const char *path, const char *const *names)
{
    const char *key;
    json_t *val;
    if (!json_is_object(v))
        return jr_fail(r, path, "expected an object, found %s", jr_type(v));
    json_object_foreach((json_t *)v, key, val) {
        int known = 0;
        for (const char *const *n = names; *n && !known; n++)
            known = strcmp(*n, key) == 0;
        if (!known) {
            char list[320] = "";
            for (const char *const *n = names; *n; n++) {
                strncat(list, *n, sizeof list - strlen(list) - 1);
                if (n[1])
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
            }
            return jr_fail(r, path, "unknown field \"%s\" (known: %s)", key, list);
        }
    }
    return GR_OK;
}

void jr_use_library_allocator(void)
{
    /* jansson's allocator is process-wide; gr_malloc and gr_free are malloc and
       free (plus the test-only failure switch), so objects a host made with
       jansson's default allocator stay compatible. Set only when it differs, so
       that repeated calls write nothing. */
    json_malloc_t m = NULL;
    json_free_t f = NULL;
    json_get_alloc_funcs(&m, &f);
    if (m != gr_malloc || f != gr_free)
        json_set_alloc_funcs(gr_malloc, gr_free);
}

int jr_load_text(jr *r, const char *text, size_t len, json_t **root)
{
    json_error_t je;
    jr_use_library_allocator();
    *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!*root) {
        /* jansson reports a failed allocation as out_of_memory, as no message at
           all (its lexer's first buffer), or as "invalid token" (a token's
           buffer): the allocator's failure switch tells the last case apart */
        if (json_error_code(&je) == json_error_out_of_memory || (je.line < 0 && !je.text[0]) ||
            gr_alloc_failing())
            return jr_oom(r);
        if (je.line < 0) /* no place (jansson's argument checks) */
            return one_line(r, gr_error_set(r->err, GR_EPARSE, "%s: %s", r->name, je.text));
        int line, col;
        error_place(text, len, je.position, &line, &col);
        return one_line(r, gr_error_set(r->err, GR_EPARSE, "%s:%d:%d: %s", r->name, line, col,
                                        je.text));
    }
    return GR_OK;
}

int jr_field(jr *r, const json_t *obj, const char *path, const char *key, int required,
             const json_t **v)
{
    *v = json_object_get(obj, key);
    if (!*v && required)
        return jr_fail(r, path, "missing field \"%s\"", key);
    return GR_OK;
}

int jr_member(jr *r, const json_t *obj, const char *path, const char *key, int required,
              const json_t **v, char *p)
{
    int st = jr_field(r, obj, path, key, required, v);
    if (!st && *v)
        jr_key_path(p, path, key);
    return st;
}

int jr_num_value(jr *r, const json_t *v, const char *p, double min, double max, double *out)
{
    if (!json_is_number(v))
        return jr_fail(r, p, "expected a number, found %s", jr_type(v));
    double x = json_number_value(v);
    if (!isfinite(x))
        return jr_fail(r, p, "expected a finite number");
    if (x < min || x > max)
        return jr_fail(r, p, "%.10g is out of range [%.10g, %.10g]", x, min, max);
    *out = x;
    return GR_OK;
}

int jr_int_value(jr *r, const json_t *v, const char *p, long long min, long long max,
                 int *out)
{
    if (!json_is_integer(v))
        return jr_fail(r, p, "expected an integer, found %s", jr_type(v));
    long long x = (long long)json_integer_value(v);
    if (x < min || x > max)
        return jr_fail(r, p, "%lld is out of range [%lld, %lld]", x, min, max);
    *out = (int)x;
    return GR_OK;
}

/* Field `key` of obj as a number into *dout, or with dout NULL as an integer
 * into *iout (bounds pass through double: exact to 2^53); nothing when
 * absent and optional. */
static int member_value(jr *r, const json_t *obj, const char *path, const char *key,
                        int required, double min, double max, double *dout, int *iout)
{
    const json_t *v;
    char p[JR_PATHLEN];
    int st = jr_member(r, obj, path, key, required, &v, p);
    if (st || !v)
        return st;
    return dout ? jr_num_value(r, v, p, min, max, dout)
                : jr_int_value(r, v, p, (long long)min, (long long)max, iout);
}

int jr_num(jr *r, const json_t *obj, const char *path, const char *key, int required,
           double min, double max, double *out)
{
    return member_value(r, obj, path, key, required, min, max, out, NULL);
}

int jr_integer(jr *r, const json_t *obj, const char *path, const char *key, int required,
               long long min, long long max, int *out)
{
    return member_value(r, obj, path, key, required, (double)min, (double)max, NULL, out);
}

int jr_name_in(jr *r, const char *p, const char *s, int n, const char *(*name_of)(int),
               const char *what, int *out)
{
    for (int k = 0; k < n; k++)
        if (strcmp(s, name_of(k)) == 0) {
            *out = k;
            return GR_OK;
        }
    char list[400] = "";
    for (int k = 0; k < n; k++) {
        strncat(list, name_of(k), sizeof list - strlen(list) - 1);
        if (k + 1 < n)
            strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    return jr_fail(r, p, "unknown %s \"%s\" (expected one of: %s)", what, s, list);
}
