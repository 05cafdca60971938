/* json_read.h — shared helpers of the JSON readers: every failure names the file and the JSON path. */
#ifndef GRIDRES_JSON_READ_H
#define GRIDRES_JSON_READ_H

#include <jansson.h>
#include <stddef.h>

#include "gridres.h"

/* Size of a JSON path buffer ("$.schedule[0].waves[1]…"); longer paths end in "...". */
#define JR_PATHLEN 256

/* The file being read (for messages) and where errors go. */
typedef struct jr {
    const char *name;
    gr_error *err;
} jr;

/* GR_EPARSE with "NAME: PATH: message". */
int jr_fail(jr *r, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* GR_ENOMEM with "NAME: out of memory". */
int jr_oom(jr *r);
/* "object", "array", "string", "integer", "number", "boolean" or "null". */
const char *jr_type(const json_t *v);
/* buf (JR_PATHLEN bytes) = path.key / path[i] / path.key[i]. */
void jr_key_path(char *buf, const char *path, const char *key);
void jr_index_path(char *buf, const char *path, size_t i);
void jr_key_index_path(char *buf, const char *path, const char *key, size_t i);
/* v must be an object whose keys are all in names (NULL-terminated). */
int jr_keys(jr *r, const json_t *v, const char *path, const char *const *names);

/* Route jansson's allocations through gr_malloc/gr_free (process-wide in
 * jansson; harmless to repeat), so that the JSON readers fail cleanly under the
 * allocator's failure switch like the rest of the library. */
void jr_use_library_allocator(void);
/* Parse len bytes of text as one JSON document (duplicate keys rejected), with
 * jansson on the library's allocator. *root (the caller's json_decref) on
 * success; else GR_ENOMEM, or GR_EPARSE with "NAME:LINE:COLUMN: message". */
int jr_load_text(jr *r, const char *text, size_t len, json_t **root);

/* Field `key` of obj: *v = NULL when absent; GR_EPARSE "missing field" when
 * absent and required. */
int jr_field(jr *r, const json_t *obj, const char *path, const char *key, int required,
             const json_t **v);
/* jr_field, and p (JR_PATHLEN bytes) = path.key when the field is there. */
int jr_member(jr *r, const json_t *obj, const char *path, const char *key, int required,
              const json_t **v, char *p);
/* A finite number in [min, max]; p is the value's path. */
int jr_num_value(jr *r, const json_t *v, const char *p, double min, double max, double *out);
/* An integer in [min, max]; p is the value's path. */
int jr_int_value(jr *r, const json_t *v, const char *p, long long min, long long max,
                 int *out);
/* Number / integer field `key` of obj; *out is left alone when the field is
 * absent and optional. */
int jr_num(jr *r, const json_t *obj, const char *path, const char *key, int required,
           double min, double max, double *out);
int jr_integer(jr *r, const json_t *obj, const char *path, const char *key, int required,
               long long min, long long max, int *out);
/* s must be one of the n names name_of(0 .. n-1): *out = its index; else
 * GR_EPARSE at p: "unknown WHAT "s" (expected one of: …)". */
int jr_name_in(jr *r, const char *p, const char *s, int n, const char *(*name_of)(int),
               const char *what, int *out);

#endif /* GRIDRES_JSON_READ_H */
