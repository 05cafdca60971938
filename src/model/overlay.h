/* overlay.h — private helpers of the scenario overlay: allocation by table sizes, string copies and the consistency check. */
#ifndef GRIDRES_MODEL_OVERLAY_H
#define GRIDRES_MODEL_OVERLAY_H

#include "gridres.h"

/* The overlay format version: gr_overlay_alloc stamps it, the reader accepts only it. */
#define GR_OVERLAY_VERSION 1

/* Table sizes of an overlay. nl = 0: no branch lengths. */
typedef struct gr_overlay_sizes {
    int nb, nsub, nplant, ng, ncity, nheat, nzone, ncrew, nl;
} gr_overlay_sizes;

/* Allocate an overlay with zeroed tables of the given sizes (indices set to
 * -1 where -1 means "none", names NULL, version 1, seed -1). */
int gr_overlay_alloc(const gr_overlay_sizes *sz, gr_overlay **out);

/* Duplicate a string with gr_malloc (NULL on failure or for NULL). */
char *gr_overlay_strdup(const char *s);

/* The reader's rules on an in-memory overlay (ranges, references, names
 * present), and with `c` its agreement with the case (bus numbers in row
 * order, generator and branch counts). GR_EINVAL with a message naming the
 * JSON path of the first violation. Defined in io/overlay.c: the check is
 * the writer's text read back by the reader, so the rules exist once. */
int gr_overlay_check(const gr_overlay *ov, const gr_case *c, gr_error *err);

/* Append a warning (printf-style, at most 511 characters) to ov->warnings.
 * GR_ENOMEM when it cannot. */
int gr_overlay_warn(gr_overlay *ov, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The reader's warnings about an overlay that agrees with case c (same bus
 * rows): a substation holding more than half of the buses (grids of 10 or
 * more), people on buses without load, defended zones covering no bus; each
 * "NAME: JSON-PATH: text" appended to ov->warnings. GR_OK or GR_ENOMEM. */
int gr_overlay_note_checks(gr_overlay *ov, const gr_case *c, const char *name);

#endif /* GRIDRES_MODEL_OVERLAY_H */
