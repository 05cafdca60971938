/* alloc.c — the library's one allocator, with a test-only "fail after N" switch. */
#include <stdlib.h>

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
