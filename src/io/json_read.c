/* json_read.c — shared helpers of the JSON readers: every failure names the file and the JSON path. */
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
