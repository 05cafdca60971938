/* fuzz_overlay.c — libFuzzer target: any bytes through gr_overlay_parse, against the campaign sample's 14-bus case and without a case; a parsed overlay writes, reads back and writes the same bytes. */
#include <stdint.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gr_case *fixed_case;
static char p1[256], p2[256];

/* write(ov) (which checks ov as the reader does) must read back against the same case, and write(read(write(ov))) == write(ov). */
static void check_round_trip(const gr_overlay *ov)
{
    gr_error err = {0};
    if (gr_overlay_write(ov, p1, &err) != GR_OK) {
        fprintf(stderr, "write failed: %s\n", err.msg);
        abort();
    }
    gr_overlay *back = NULL;
    if (gr_overlay_read(p1, fixed_case, &back, &err) != GR_OK) {
        fprintf(stderr, "written overlay does not read back: %s\n", err.msg);
        abort();
    }
    if (gr_overlay_write(back, p2, &err) != GR_OK)
        abort();
    size_t l1 = 0, l2 = 0;
    char *t1 = fuzz_slurp(p1, &l1), *t2 = fuzz_slurp(p2, &l2);
    if (!t1 || !t2 || l1 != l2 || memcmp(t1, t2, l1) != 0) {
        fprintf(stderr, "round trip differs: %s vs %s\n", p1, p2);
        abort();
    }
    free(t1);
    free(t2);
    gr_overlay_free(back);
    unlink(p1); /* libFuzzer exits without atexit handlers */
    unlink(p2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fixed_case) {
        fuzz_load_grid("tests/data/report/campaign/grid.m", &fixed_case, NULL);
        snprintf(p1, sizeof p1, "%s/fuzz_overlay_%ld_1.json", fuzz_tmpdir(), (long)getpid());
        snprintf(p2, sizeof p2, "%s/fuzz_overlay_%ld_2.json", fuzz_tmpdir(), (long)getpid());
    }
    /* without a case: only the overlay's own references are checked */
    gr_overlay *ov = (gr_overlay *)&ov;
    gr_error err = {0};
    int st = gr_overlay_parse((const char *)data, size, "fuzz.json", NULL, &ov, &err);
    if (st != GR_OK)
        fuzz_check_failure(st, ov, &err, "fuzz.json");
    gr_overlay_free(st == GR_OK ? ov : NULL);
    /* against the case */
    ov = (gr_overlay *)&ov;
    memset(&err, 0, sizeof err);
    st = gr_overlay_parse((const char *)data, size, "fuzz.json", fixed_case, &ov, &err);
    fuzz_verdict(st, &err);
    if (st != GR_OK) {
        fuzz_check_failure(st, ov, &err, "fuzz.json");
        return 0;
    }
    check_round_trip(ov);
    gr_overlay_free(ov);
    return 0;
}
