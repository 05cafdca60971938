/* fuzz_costs.c — libFuzzer target: any bytes through gr_protect_costs_parse; a parsed catalogue holds only options in the documented ranges. */
#include <math.h>
#include <stdint.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gr_protect_costs *c = (gr_protect_costs *)&c;
    gr_error err = {0};
    int st = gr_protect_costs_parse((const char *)data, size, "fuzz.json", &c, &err);
    fuzz_verdict(st, &err);
    if (st != GR_OK) {
        fuzz_check_failure(st, c, &err, "fuzz.json");
        return 0;
    }
    if (c->noptions < 0 || (c->noptions > 0 && !c->options) || !c->source ||
        strcmp(c->source, "fuzz.json") != 0 || c->shortlist < 0 || !(c->critical_weight >= 0))
        abort();
    for (int k = 0; k < c->noptions; k++) {
        const gr_protect_option *o = &c->options[k];
        if (o->type < 0 || o->type >= GR_OPTION_NTYPES || !o->name || !(o->cost >= 0) ||
            o->units < 1 || o->max < 1 ||
            (o->type == GR_OPTION_SHELTER && (o->level < 1 || o->level > 100)) ||
            (o->type == GR_OPTION_SPARE && (o->kind < 0 || o->kind >= GR_REPAIR_NKIND)))
            abort();
        for (int t = 0; t < GR_THREAT_NTYPES; t++)
            if (!(o->effect[t] >= 0 && o->effect[t] <= 1))
                abort();
        for (int a = 0; a < GR_ASSET_NCLASS; a++)
            if (!(o->class_cost[a] >= 0) && !isnan(o->class_cost[a]))
                abort();
    }
    gr_protect_costs_free(c);
    return 0;
}
