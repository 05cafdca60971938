/* grid.c — the per-unit, index-based grid model built from a MATPOWER case. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"
#include "model/grid_internal.h"

/* Every array of gr_grid, with its element size, so allocation, copy and
 * free are one loop each and cannot forget a field. */
#define GRID_BUS_ARRAYS(X)                                                       \
    X(bus_id, int) X(bus_type, int) X(pd, double) X(qd, double) X(gs, double)   \
    X(bs, double) X(vm0, double) X(va0, double) X(base_kv, double)              \
    X(vmax, double) X(vmin, double)
#define GRID_GEN_ARRAYS(X)                                                       \
    X(gen_bus, int) X(gen_on, int) X(pg, double) X(qg, double) X(qmax, double)  \
    X(qmin, double) X(pmax, double) X(pmin, double) X(vg, double) X(apf, double)
#define GRID_BRANCH_ARRAYS(X)                                                    \
    X(br_f, int) X(br_t, int) X(br_on, int) X(br_r, double) X(br_x, double)     \
    X(br_b, double) X(br_tap, double) X(br_shift, double) X(rate_a, double)     \
    X(rate_b, double) X(rate_c, double)

void gr_grid_free(gr_grid *g)
{
    if (!g)
        return;
#define FREE_ARRAY(name, type) gr_free(g->name);
    GRID_BUS_ARRAYS(FREE_ARRAY)
    GRID_GEN_ARRAYS(FREE_ARRAY)
    GRID_BRANCH_ARRAYS(FREE_ARRAY)
#undef FREE_ARRAY
    gr_free(g->bus_order);
    gr_free(g);
}

int grid_alloc(int nb, int ng, int nl, gr_grid **out)
{
    *out = NULL;
    gr_grid *g = gr_calloc(1, sizeof *g);
    if (!g)
        return GR_ENOMEM;
    g->nb = nb;
    g->ng = ng;
    g->nl = nl;
    int ok = 1;
#define ALLOC_BUS(name, type) ok = ok && (g->name = gr_calloc((size_t)nb, sizeof(type))) != NULL;
#define ALLOC_GEN(name, type) ok = ok && (g->name = gr_calloc((size_t)ng, sizeof(type))) != NULL;
#define ALLOC_BR(name, type) ok = ok && (g->name = gr_calloc((size_t)nl, sizeof(type))) != NULL;
    GRID_BUS_ARRAYS(ALLOC_BUS)
    GRID_GEN_ARRAYS(ALLOC_GEN)
    GRID_BRANCH_ARRAYS(ALLOC_BR)
#undef ALLOC_BUS
#undef ALLOC_GEN
#undef ALLOC_BR
    ok = ok && (g->bus_order = gr_calloc((size_t)nb, sizeof(int))) != NULL;
    if (!ok) {
        gr_grid_free(g);
        return GR_ENOMEM;
    }
    *out = g;
    return GR_OK;
}

int gr_grid_copy(const gr_grid *g, gr_grid **out)
{
    gr_grid *c;
    int st = grid_alloc(g->nb, g->ng, g->nl, &c);
    if (st)
        return st;
    c->base_mva = g->base_mva;
#define COPY_BUS(name, type) memcpy(c->name, g->name, (size_t)g->nb * sizeof(type));
#define COPY_GEN(name, type) memcpy(c->name, g->name, (size_t)g->ng * sizeof(type));
#define COPY_BR(name, type) memcpy(c->name, g->name, (size_t)g->nl * sizeof(type));
    GRID_BUS_ARRAYS(COPY_BUS)
    GRID_GEN_ARRAYS(COPY_GEN)
    GRID_BRANCH_ARRAYS(COPY_BR)
#undef COPY_BUS
#undef COPY_GEN
#undef COPY_BR
    memcpy(c->bus_order, g->bus_order, (size_t)g->nb * sizeof(int));
    *out = c;
    return GR_OK;
}

/* bus_order: bus indices sorted by external number, for binary search. */
typedef struct id_index { int id, index; } id_index;

static int cmp_id_index(const void *a, const void *b)
{
    const id_index *x = a, *y = b;
    if (x->id != y->id)
        return (x->id > y->id) - (x->id < y->id);
    return (x->index > y->index) - (x->index < y->index);
}

static int build_bus_order(gr_grid *g)
{
    id_index *pairs = gr_malloc((size_t)g->nb * sizeof *pairs);
    if (!pairs)
        return GR_ENOMEM;
    for (int k = 0; k < g->nb; k++)
        pairs[k] = (id_index){g->bus_id[k], k};
    qsort(pairs, (size_t)g->nb, sizeof *pairs, cmp_id_index);
    for (int k = 0; k < g->nb; k++)
        g->bus_order[k] = pairs[k].index;
    gr_free(pairs);
    return GR_OK;
}

int gr_grid_bus_index(const gr_grid *g, int id)
{
    int lo = 0, hi = g->nb - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int k = g->bus_order[mid];
        if (g->bus_id[k] == id)
            return k;
        if (g->bus_id[k] < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static int row_line(const int *line, int k) { return line ? line[k] : k + 1; }

int gr_grid_from_case(const gr_case *c, gr_grid **out, gr_error *err)
{
    *out = NULL;
    const char *path = c->path ? c->path : (c->name ? c->name : "case");
    gr_grid *g;
    int st = grid_alloc(c->bus.n, c->gen.n, c->branch.n, &g);
    if (st)
        return gr_error_set(err, st, "%s: out of memory building the grid", path);
    double base = c->base_mva;
    g->base_mva = base;
    const double deg = M_PI / 180.0;

    for (int k = 0; k < g->nb; k++) {
        g->bus_id[k] = c->bus.bus_i[k];
        g->bus_type[k] = c->bus.type[k];
        g->pd[k] = c->bus.pd_mw[k] / base;
        g->qd[k] = c->bus.qd_mvar[k] / base;
        g->gs[k] = c->bus.gs_mw[k] / base;
        g->bs[k] = c->bus.bs_mvar[k] / base;
        g->vm0[k] = c->bus.vm_pu[k];
        g->va0[k] = c->bus.va_deg[k] * deg;
        g->base_kv[k] = c->bus.base_kv[k];
        g->vmax[k] = c->bus.vmax_pu[k];
        g->vmin[k] = c->bus.vmin_pu[k];
    }
    if (build_bus_order(g) != GR_OK) {
        gr_grid_free(g);
        return gr_error_set(err, GR_ENOMEM, "%s: out of memory building the grid", path);
    }
    for (int k = 1; k < g->nb; k++) {
        int a = g->bus_order[k - 1], b = g->bus_order[k];
        if (g->bus_id[a] == g->bus_id[b]) {
            int later = a > b ? a : b;
            gr_grid_free(g);
            return gr_error_set(err, GR_EPARSE, "%s:%d:1: bus number %d appears twice", path,
                                row_line(c->bus.line, later), c->bus.bus_i[later]);
        }
    }
    for (int k = 0; k < g->ng; k++) {
        int b = gr_grid_bus_index(g, c->gen.bus[k]);
        if (b < 0) {
            gr_grid_free(g);
            return gr_error_set(err, GR_EPARSE,
                                "%s:%d:1: generator %d: expected an existing bus number, found %d",
                                path, row_line(c->gen.line, k), k + 1, c->gen.bus[k]);
        }
        g->gen_bus[k] = b;
        g->gen_on[k] = c->gen.status[k] > 0;
        g->pg[k] = c->gen.pg_mw[k] / base;
        g->qg[k] = c->gen.qg_mvar[k] / base;
        g->qmax[k] = c->gen.qmax_mvar[k] / base;
        g->qmin[k] = c->gen.qmin_mvar[k] / base;
        g->pmax[k] = c->gen.pmax_mw[k] / base;
        g->pmin[k] = c->gen.pmin_mw[k] / base;
        g->vg[k] = c->gen.vg_pu[k];
        g->apf[k] = c->gen.apf[k];
    }
    for (int k = 0; k < g->nl; k++) {
        int f = gr_grid_bus_index(g, c->branch.f_bus[k]);
        int t = gr_grid_bus_index(g, c->branch.t_bus[k]);
        if (f < 0 || t < 0) {
            gr_grid_free(g);
            return gr_error_set(err, GR_EPARSE,
                                "%s:%d:1: branch %d: expected an existing bus number, found %d",
                                path, row_line(c->branch.line, k), k + 1,
                                f < 0 ? c->branch.f_bus[k] : c->branch.t_bus[k]);
        }
        g->br_f[k] = f;
        g->br_t[k] = t;
        g->br_on[k] = c->branch.status[k] > 0;
        g->br_r[k] = c->branch.r_pu[k];
        g->br_x[k] = c->branch.x_pu[k];
        g->br_b[k] = c->branch.b_pu[k];
        g->br_tap[k] = c->branch.tap[k] == 0.0 ? 1.0 : c->branch.tap[k];
        g->br_shift[k] = c->branch.shift_deg[k] * deg;
        g->rate_a[k] = c->branch.rate_a_mva[k] / base;
        g->rate_b[k] = c->branch.rate_b_mva[k] / base;
        g->rate_c[k] = c->branch.rate_c_mva[k] / base;
    }
    *out = g;
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Branch kind and voltage levels.
 * ------------------------------------------------------------------------ */
int gr_grid_branch_is_transformer(const gr_grid *g, int k)
{
    if (!g || k < 0 || k >= g->nl)
        return 0;
    int f = g->br_f[k], t = g->br_t[k];
    /* gr_grid_from_case stores MATPOWER's tap 0 (a line) as 1.0, so an
     * explicit tap of exactly 1 between equal voltages is a line too */
    return g->br_tap[k] != 1.0 || g->br_shift[k] != 0.0 || g->base_kv[f] != g->base_kv[t];
}

static double kv_round(double kv) { return round(kv * 10.0) / 10.0; }

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

int gr_kv_levels(const double *kv, int n, double *levels, int max)
{
    /* insertion into a small sorted list; grids have a handful of levels */
    double seen[GR_KV_MAXLEVELS];
    int ns = 0;
    for (int i = 0; i < n; i++) {
        if (!(kv[i] > 0.0) || !isfinite(kv[i]))
            continue;
        double v = kv_round(kv[i]);
        int found = 0;
        for (int j = 0; j < ns && !found; j++)
            found = seen[j] == v;
        if (found || (ns == GR_KV_MAXLEVELS && !(v > seen[ns - 1])))
            continue;
        if (ns < GR_KV_MAXLEVELS)
            ns++;
        seen[ns - 1] = v; /* the lowest makes room when the list is full */
        qsort(seen, (size_t)ns, sizeof(double), cmp_desc);
    }
    for (int j = 0; j < max && j < ns; j++)
        levels[j] = seen[j];
    return ns;
}

int gr_kv_level_index(const double *levels, int nlevel, double kv)
{
    double v = kv_round(kv);
    for (int j = 0; j < nlevel; j++)
        if (v >= levels[j])
            return j;
    return nlevel > 0 ? nlevel - 1 : 0;
}

int gr_kv_class_levels(const double *kv, int n, double *levels, int max)
{
    int nl = gr_kv_levels(kv, n, levels, max);
    if (nl > max)
        nl = max;
    int synth = max >= 3;
    for (int l = 0; l < nl; l++)
        synth &= levels[l] == 750.0 || levels[l] == 330.0 || levels[l] == 110.0;
    if (synth) {
        levels[0] = 750.0;
        levels[1] = 330.0;
        levels[2] = 110.0;
        nl = 3;
    }
    return nl;
}

int gr_kv_band(double kv)
{
    return kv >= 300.0 ? GR_BAND_EHV : kv >= 100.0 ? GR_BAND_HV : GR_BAND_MV;
}
