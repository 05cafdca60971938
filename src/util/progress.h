/* progress.h — the library's side of gr_progress_set (progress.c). */
#ifndef GRIDRES_UTIL_PROGRESS_H
#define GRIDRES_UTIL_PROGRESS_H

/* Tell this thread's sink (gr_progress_set), if any, that `stage` has done
 * `done` of `total` items (total 0: not counted). Cheap when there is none. */
void gr_progress_report(const char *stage, long done, long total);

#endif
