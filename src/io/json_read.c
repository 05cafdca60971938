/* json_read.c — shared helpers of the JSON readers: every failure names the file and the JSON path. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "io/json_read.h"

int jr_fail(jr *r, const char *path, const char *fmt, ...)
{
    char msg[GR_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return gr_error_set(r->err, GR_EPARSE, "%s: %s: %s", r->name, path, msg);
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

int jr_load_text(jr *r, const char *text, size_t len, json_t **root)
{
    json_error_t je;
    *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!*root)
        return gr_error_set(r->err, GR_EPARSE, "%s:%d:%d: %s", r->name, je.line, je.column,
                            je.text);
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

int jr_num(jr *r, const json_t *obj, const char *path, const char *key, int required,
           double min, double max, double *out)
{
    const json_t *v;
    char p[JR_PATHLEN];
    int st = jr_field(r, obj, path, key, required, &v);
    if (st || !v)
        return st;
    jr_key_path(p, path, key);
    return jr_num_value(r, v, p, min, max, out);
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

int jr_integer(jr *r, const json_t *obj, const char *path, const char *key, int required,
               long long min, long long max, int *out)
{
    const json_t *v;
    char p[JR_PATHLEN];
    int st = jr_field(r, obj, path, key, required, &v);
    if (st || !v)
        return st;
    jr_key_path(p, path, key);
    return jr_int_value(r, v, p, min, max, out);
}
