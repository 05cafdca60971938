/* fuzz_ctg.c — libFuzzer target: any bytes through gr_ctg_list_parse (plain lists and MATPOWER chgtab) against examples/example6.m; a parsed list holds only elements of the grid. */
#include <stdint.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gr_case *fixed_case;
static gr_grid *fixed_grid;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fixed_grid)
        fuzz_load_grid("examples/example6.m", &fixed_case, &fixed_grid);
    gr_ctg_list *l = (gr_ctg_list *)&l;
    gr_error err = {0};
    int st = gr_ctg_list_parse((const char *)data, size, "fuzz.txt", fixed_grid, &l, &err);
    fuzz_verdict(st, &err);
    if (st != GR_OK) {
        fuzz_check_failure(st, l, &err, "fuzz.txt");
        return 0;
    }
    const gr_grid *g = fixed_grid;
    if (l->n < 0 || !l->ptr || l->ptr[0] != 0 || (l->n_ignored > 0) != (l->ignored_msg[0] != 0))
        abort();
    for (int c = 0; c < l->n; c++)
        if (l->ptr[c + 1] < l->ptr[c])
            abort();
    for (int e = 0; e < l->ptr[l->n]; e++) {
        int n = l->kind[e] == GR_ELEM_BRANCH ? g->nl : l->kind[e] == GR_ELEM_GEN ? g->ng : -1;
        if (l->index[e] < 0 || l->index[e] >= n) {
            fprintf(stderr, "element %d: kind %d index %d out of the grid\n", e, l->kind[e],
                    l->index[e]);
            abort();
        }
    }
    gr_ctg_list_free(l);
    return 0;
}
