/* alloc.c — the library's one allocator, with a test-only "fail after N" switch. */
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "gridres.h"

/* Failure injection state. Only tests touch it, single-threaded; it is the
 * one piece of global state in the library and holds no data. */
static long fail_countdown = -1;

static int injected_failure(void)
{
    if (fail_countdown < 0)
        return 0;
    if (fail_countdown == 0)
        return 1;
    fail_countdown--;
    return 0;
}

void gr_alloc_fail_after(long n) { fail_countdown = n; }

int gr_alloc_failing(void) { return fail_countdown == 0; }

void *gr_malloc(size_t size)
{
    if (injected_failure())
        return NULL;
    return malloc(size ? size : 1);
}

void *gr_calloc(size_t count, size_t size)
{
    if (injected_failure())
        return NULL;
    if (count == 0 || size == 0)
        count = size = 1;
    return calloc(count, size);
}

void *gr_realloc(void *ptr, size_t size)
{
    if (injected_failure())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

void gr_free(void *ptr) { free(ptr); }

/* glibc returns the top of the heap to the kernel once 128 kB are free there
 * and serves blocks of 128 kB and more (raised as they are freed) by mmap:
 * a power flow on a large case allocates and frees a few MB (Ybus, Jacobian,
 * KLU's factors) and pays page faults to map them again at every call (about
 * 15 % of gr_pf_ac on case2869pegase, docs/performance.md). Keep up to 64 MB
 * free in the heap and map only blocks of 32 MB (glibc's largest threshold)
 * and more. Process-wide: for programs, not called by the library itself. */
void gr_heap_keep(void)
{
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
}
