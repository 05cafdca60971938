/* outage.c — outage sets "branch:12,gen:3,bus:45": parsing and applying them to a grid. */
#include <stdlib.h>

#include "gridres.h"

void gr_outage_free(gr_outage *o)
{
    if (!o)
        return;
    gr_free(o->kind);
    gr_free(o->id);
    gr_free(o);
}

/* The grammar is element_name.c's; without a case only its syntax is checked. */
int gr_outage_parse(const char *spec, gr_outage **out, gr_error *err)
{
    return gr_outage_parse_names(spec, NULL, NULL, out, err);
}

int gr_outage_apply(const gr_outage *o, gr_grid *g, gr_error *err)
{
    if (!o)
        return GR_OK;
    /* validate everything first: g is unchanged on error */
    for (int i = 0; i < o->n; i++) {
        int id = o->id[i];
        switch (o->kind[i]) {
        case GR_OUTAGE_BRANCH:
            if (id < 1 || id > g->nl)
                return gr_error_set(err, GR_ENOTFOUND,
                                    "outage branch:%d: the case has branches 1..%d", id, g->nl);
            break;
        case GR_OUTAGE_GEN:
            if (id < 1 || id > g->ng)
                return gr_error_set(err, GR_ENOTFOUND,
                                    "outage gen:%d: the case has generators 1..%d", id, g->ng);
            break;
        case GR_OUTAGE_BUS:
            if (gr_grid_bus_index(g, id) < 0)
                return gr_error_set(err, GR_ENOTFOUND, "outage bus:%d: no bus numbered %d", id, id);
            break;
        default:
            return gr_error_set(err, GR_EINVAL, "outage item %d: unknown kind %d", i + 1,
                                o->kind[i]);
        }
    }
    for (int i = 0; i < o->n; i++) {
        int id = o->id[i];
        if (o->kind[i] == GR_OUTAGE_BRANCH) {
            g->br_on[id - 1] = 0;
        } else if (o->kind[i] == GR_OUTAGE_GEN) {
            g->gen_on[id - 1] = 0;
        } else {
            int b = gr_grid_bus_index(g, id);
            g->bus_type[b] = GR_BUS_ISOLATED;
            for (int k = 0; k < g->nl; k++)
                if (g->br_f[k] == b || g->br_t[k] == b)
                    g->br_on[k] = 0;
            for (int k = 0; k < g->ng; k++)
                if (g->gen_bus[k] == b)
                    g->gen_on[k] = 0;
        }
    }
    return GR_OK;
}
