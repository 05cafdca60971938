/* islands.c — connected components of the energised network and one reference bus per island (DESIGN §1). */
#include <math.h>
#include <stdlib.h>

#include "gridres.h"
#include "model/islands_internal.h"

/* Union-find with path halving and union by size. */
int uf_find(int *parent, int x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

void uf_union(int *parent, int *size, int a, int b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a == b)
        return;
    if (size[a] < size[b]) {
        int t = a;
        a = b;
        b = t;
    }
    parent[b] = a;
    size[a] += size[b];
}

int branch_energisable(const gr_grid *g, int k)
{
    return g->br_on[k] && g->bus_type[g->br_f[k]] != GR_BUS_ISOLATED &&
           g->bus_type[g->br_t[k]] != GR_BUS_ISOLATED;
}

int gen_energisable(const gr_grid *g, int k)
{
    return g->gen_on[k] && g->bus_type[g->gen_bus[k]] != GR_BUS_ISOLATED;
}

void gr_islands_free(gr_islands *isl)
{
    if (!isl)
        return;
    gr_free(isl->bus_island);
    gr_free(isl->ref);
    gr_free(isl->n_bus);
    gr_free(isl);
}

/* Reference of an island: its REF bus if one holds an in-service generator,
 * else the bus of its largest in-service generator by pmax (lowest bus
 * index on ties). A dark island keeps ref = -1. */
static int choose_references(const gr_grid *g, gr_islands *isl)
{
    double *best_pmax = gr_malloc((size_t)(isl->n ? isl->n : 1) * sizeof(double));
    if (!best_pmax)
        return GR_ENOMEM;
    for (int s = 0; s < isl->n; s++)
        isl->ref[s] = -1;
    for (int k = 0; k < g->ng; k++) {
        int b = g->gen_bus[k], s = isl->bus_island[b];
        if (gen_energisable(g, k) && s >= 0 && g->bus_type[b] == GR_BUS_REF &&
            (isl->ref[s] < 0 || b < isl->ref[s]))
            isl->ref[s] = b;
    }
    for (int s = 0; s < isl->n; s++)
        best_pmax[s] = isl->ref[s] >= 0 ? NAN : -HUGE_VAL; /* NAN: REF bus found */
    for (int k = 0; k < g->ng; k++) {
        int b = g->gen_bus[k], s = isl->bus_island[b];
        if (!gen_energisable(g, k) || s < 0 || isnan(best_pmax[s]))
            continue;
        if (g->pmax[k] > best_pmax[s] || (g->pmax[k] == best_pmax[s] && b < isl->ref[s])) {
            best_pmax[s] = g->pmax[k];
            isl->ref[s] = b;
        }
    }
    gr_free(best_pmax);
    return GR_OK;
}

int gr_islands_find(const gr_grid *g, int strict, gr_islands **out, gr_error *err)
{
    *out = NULL;
    int nb = g->nb;
    gr_islands *isl = gr_calloc(1, sizeof *isl);
    int *parent = gr_malloc((size_t)nb * sizeof(int));
    int *size = gr_malloc((size_t)nb * sizeof(int));
    if (!isl || !parent || !size)
        goto oom;
    isl->nb = nb;
    isl->bus_island = gr_malloc((size_t)nb * sizeof(int));
    if (!isl->bus_island)
        goto oom;
    for (int b = 0; b < nb; b++) {
        parent[b] = b;
        size[b] = 1;
    }
    for (int k = 0; k < g->nl; k++)
        if (branch_energisable(g, k))
            uf_union(parent, size, g->br_f[k], g->br_t[k]);
    /* Number islands in order of their lowest bus index: deterministic. */
    int *root_island = size; /* reuse: root -> island id */
    for (int b = 0; b < nb; b++)
        root_island[b] = -1;
    for (int b = 0; b < nb; b++) {
        if (g->bus_type[b] == GR_BUS_ISOLATED) {
            isl->bus_island[b] = -1;
            continue;
        }
        int r = uf_find(parent, b);
        if (root_island[r] < 0)
            root_island[r] = isl->n++;
        isl->bus_island[b] = root_island[r];
    }
    isl->ref = gr_malloc((size_t)(isl->n ? isl->n : 1) * sizeof(int));
    isl->n_bus = gr_calloc((size_t)(isl->n ? isl->n : 1), sizeof(int));
    if (!isl->ref || !isl->n_bus)
        goto oom;
    for (int b = 0; b < nb; b++)
        if (isl->bus_island[b] >= 0)
            isl->n_bus[isl->bus_island[b]]++;
    if (strict) {
        /* Two REF buses in one island: MATPOWER data error. root_island is
         * reused to remember the first REF bus seen per island. */
        for (int s = 0; s < isl->n; s++)
            root_island[s] = -1;
        for (int b = 0; b < nb; b++) {
            if (g->bus_type[b] != GR_BUS_REF || isl->bus_island[b] < 0)
                continue;
            int s = isl->bus_island[b];
            if (root_island[s] >= 0) {
                gr_error_set(err, GR_EPARSE,
                             "buses %d and %d are both reference buses (type 3) in one island",
                             g->bus_id[root_island[s]], g->bus_id[b]);
                gr_free(parent);
                gr_free(size);
                gr_islands_free(isl);
                return GR_EPARSE;
            }
            root_island[s] = b;
        }
    }
    if (choose_references(g, isl) != GR_OK)
        goto oom;
    gr_free(parent);
    gr_free(size);
    *out = isl;
    return GR_OK;
oom:
    gr_free(parent);
    gr_free(size);
    gr_islands_free(isl);
    return gr_error_set(err, GR_ENOMEM, "out of memory finding islands");
}
