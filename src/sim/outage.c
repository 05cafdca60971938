/* outage.c — outage sets "branch:12,gen:3,bus:45": parsing and applying them to a grid. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"

void gr_outage_free(gr_outage *o)
{
    if (!o)
        return;
    gr_free(o->kind);
    gr_free(o->id);
    gr_free(o);
}

static const char *const kind_names[3] = {"branch", "gen", "bus"};

int gr_outage_parse(const char *spec, gr_outage **out, gr_error *err)
{
    *out = NULL;
    if (!spec)
        spec = "";
    size_t len = strlen(spec), cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += spec[i] == ',';
    gr_outage *o = gr_calloc(1, sizeof *o);
    if (!o || !(o->kind = gr_malloc(cap * sizeof(int))) || !(o->id = gr_malloc(cap * sizeof(int)))) {
        gr_outage_free(o);
        return gr_error_set(err, GR_ENOMEM, "out of memory parsing an outage list");
    }
    const char *p = spec;
    int item = 0;
    while (1) {
        const char *end = strchr(p, ',');
        if (!end)
            end = spec + len;
        item++;
        const char *a = p, *z = end;
        while (a < z && isspace((unsigned char)*a))
            a++;
        while (z > a && isspace((unsigned char)z[-1]))
            z--;
        if (a == z) {
            if (end == spec + len && item == 1)
                break; /* empty list */
            gr_outage_free(o);
            return gr_error_set(err, GR_EPARSE, "outage list '%s': item %d is empty", spec, item);
        }
        const char *colon = memchr(a, ':', (size_t)(z - a));
        int kind = -1;
        if (colon)
            for (int k = 0; k < 3; k++)
                if ((size_t)(colon - a) == strlen(kind_names[k]) &&
                    strncmp(a, kind_names[k], (size_t)(colon - a)) == 0)
                    kind = k;
        if (kind < 0) {
            gr_outage_free(o);
            return gr_error_set(err, GR_EPARSE,
                                "outage list '%s': item '%.*s': expected branch:N, gen:N or bus:N",
                                spec, (int)(z - a), a);
        }
        char num[32];
        size_t nl = (size_t)(z - colon - 1);
        long v = 0;
        char *e = NULL;
        if (nl > 0 && nl < sizeof num) {
            memcpy(num, colon + 1, nl);
            num[nl] = '\0';
            errno = 0;
            v = strtol(num, &e, 10);
        }
        if (nl == 0 || nl >= sizeof num || *e != '\0' || errno || !isdigit((unsigned char)num[0]) ||
            v < 1 || v > INT_MAX) {
            gr_outage_free(o);
            return gr_error_set(err, GR_EPARSE,
                                "outage list '%s': item '%.*s': expected a positive integer "
                                "after '%s:'",
                                spec, (int)(z - a), a, kind_names[kind]);
        }
        o->kind[o->n] = kind;
        o->id[o->n++] = (int)v;
        if (end == spec + len)
            break;
        p = end + 1;
    }
    *out = o;
    return GR_OK;
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
