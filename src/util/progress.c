/* progress.c — gr_progress_set: a per-thread sink for the progress of long library steps (reading a scenario: building an overlay, ranking the assets), so that a command on a large grid shows what it is doing from the first second. */
#include "gridres.h"
#include "util/progress.h"

static _Thread_local gr_progress_fn sink;
static _Thread_local void *sink_user;

void gr_progress_set(gr_progress_fn fn, void *user)
{
    sink = fn;
    sink_user = fn ? user : NULL;
}

void gr_progress_report(const char *stage, long done, long total)
{
    if (sink)
        sink(stage, done, total, sink_user);
}
