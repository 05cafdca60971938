/* fuzz_psse.c — libFuzzer target: any bytes through gr_case_parse_raw; a parsed case copies, builds a grid, and converts to a MATPOWER case that reads back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gridres.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char out_path[256];

/* The case as `gridres pf X.raw --write-case X.m` writes it must read back with
 * the same table sizes. */
static void check_conversion(const gr_case *c)
{
    if (!out_path[0]) {
        const char *dir = getenv("FUZZ_TMPDIR");
        if (!dir)
            dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(out_path, sizeof out_path, "%s/fuzz_psse_%ld.m", dir, (long)getpid());
    }
    gr_error err = {0};
    if (gr_case_write(c, out_path, &err) != GR_OK) {
        fprintf(stderr, "write failed: %s\n", err.msg);
        abort();
    }
    gr_case *back = NULL;
    if (gr_case_read(out_path, &back, &err) != GR_OK) {
        fprintf(stderr, "converted case does not read back: %s\n", err.msg);
        abort();
    }
    if (back->bus.n != c->bus.n || back->gen.n != c->gen.n || back->branch.n != c->branch.n)
        abort();
    gr_case_free(back);
    unlink(out_path); /* libFuzzer exits without atexit handlers */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gr_case *c = (gr_case *)&c;
    gr_error err = {0};
    int st = gr_case_parse_raw((const char *)data, size, "fuzz.raw", &c, &err);
    if (st != GR_OK) {
        /* a clean failure: no case, one-line "fuzz.raw:LINE: ..." message */
        if (c != NULL || err.status != st || strchr(err.msg, '\n') ||
            (st == GR_EPARSE && strncmp(err.msg, "fuzz.raw:", 9) != 0))
            abort();
        return 0;
    }
    for (int k = 0; k < c->n_warnings; k++)
        if (!c->warnings[k] || strncmp(c->warnings[k], "fuzz.raw", 8) != 0)
            abort();
    gr_case *d = NULL;
    if (gr_case_copy(c, &d) != GR_OK || d->n_warnings != c->n_warnings)
        abort();
    gr_case_free(d);
    check_conversion(c);
    gr_case_free(c);
    return 0;
}
