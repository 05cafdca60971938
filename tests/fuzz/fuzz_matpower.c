/* fuzz_matpower.c — libFuzzer target: any bytes through gr_case_parse, and a parsed case round-trips. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gridres.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    return buf;
}

static char p1[256], p2[256];

/* write(c) must read back, and write(read(write(c))) must equal write(c). */
static void check_round_trip(const gr_case *c)
{
    if (!p1[0]) {
        const char *dir = getenv("FUZZ_TMPDIR");
        if (!dir)
            dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(p1, sizeof p1, "%s/fuzz_matpower_%ld_1.m", dir, (long)getpid());
        snprintf(p2, sizeof p2, "%s/fuzz_matpower_%ld_2.m", dir, (long)getpid());
    }
    gr_error err;
    if (gr_case_write(c, p1, &err) != GR_OK) {
        fprintf(stderr, "write failed: %s\n", err.msg);
        abort();
    }
    gr_case *back = NULL;
    if (gr_case_read(p1, &back, &err) != GR_OK) {
        fprintf(stderr, "written case does not read back: %s\n", err.msg);
        abort();
    }
    if (gr_case_write(back, p2, &err) != GR_OK)
        abort();
    size_t l1 = 0, l2 = 0;
    char *t1 = slurp(p1, &l1), *t2 = slurp(p2, &l2);
    if (!t1 || !t2 || l1 != l2 || memcmp(t1, t2, l1) != 0) {
        fprintf(stderr, "round trip differs: %s vs %s\n", p1, p2);
        abort();
    }
    free(t1);
    free(t2);
    gr_case_free(back);
    unlink(p1); /* libFuzzer exits without atexit handlers */
    unlink(p2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gr_case *c = (gr_case *)&c;
    gr_error err = {0};
    int st = gr_case_parse((const char *)data, size, "fuzz.m", &c, &err);
    if (st != GR_OK) {
        /* a clean failure: no case, one-line "fuzz.m:LINE:COL: ..." message */
        if (c != NULL || err.status != st || strchr(err.msg, '\n') ||
            (st == GR_EPARSE && strncmp(err.msg, "fuzz.m:", 7) != 0))
            abort();
        return 0;
    }
    gr_case *d = NULL;
    if (gr_case_copy(c, &d) != GR_OK)
        abort();
    gr_case_free(d);
    check_round_trip(c);
    gr_case_free(c);
    return 0;
}
