/* fuzz_damage.c — libFuzzer target: any bytes through gr_damage_parse against examples/example6.m; a parsed damage set passes gr_damage_check. */
#include <math.h>
#include <stdint.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gr_case *fixed_case;
static gr_grid *fixed_grid;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fixed_grid)
        fuzz_load_grid("examples/example6.m", &fixed_case, &fixed_grid);
    gr_damage *d = (gr_damage *)&d;
    gr_error err = {0};
    int st = gr_damage_parse((const char *)data, size, "fuzz.json", fixed_grid, &d, &err);
    fuzz_verdict(st, &err);
    if (st != GR_OK) {
        fuzz_check_failure(st, d, &err, "fuzz.json");
        return 0;
    }
    if (gr_damage_check(d, fixed_grid, &err) != GR_OK) {
        fprintf(stderr, "parsed damage fails gr_damage_check: %s\n", err.msg);
        abort();
    }
    for (int k = 0; k < d->n; k++)
        /* NaN: the planner's class default (gr_restore_options.repair_h) */
        if (!isnan(d->elem[k].repair_h) && !(d->elem[k].repair_h >= 0.0)) {
            fprintf(stderr, "element %d: repair_h %g\n", k, d->elem[k].repair_h);
            abort();
        }
    gr_damage_free(d);
    return 0;
}
