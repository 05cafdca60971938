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
/* buf (JR_PATHLEN bytes) = path.key / path[i]. */
void jr_key_path(char *buf, const char *path, const char *key);
void jr_index_path(char *buf, const char *path, size_t i);
/* v must be an object whose keys are all in names (NULL-terminated). */
int jr_keys(jr *r, const json_t *v, const char *path, const char *const *names);

#endif
