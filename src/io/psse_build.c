/* psse_build.c — PSS/E RAW reader: rows as they are read, the bus lookup, warnings, and the checked gr_case at the end. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/psse_internal.h"
#include "model/islands_internal.h"

int ps_grow(void *arr, int *cap, int n, size_t size)
{
    void **slot = arr;
    if (n < *cap)
        return 1;
    if (*cap > INT_MAX / 2)
        return 0;
    int ncap = *cap ? 2 * *cap : 64;
    void *p = gr_realloc(*slot, (size_t)ncap * size);
    if (!p)
        return 0;
    *slot = p;
    *cap = ncap;
    return 1;
}

/* ------------------------------------------------------------------------
 * Bus lookup
 * ------------------------------------------------------------------------ */
static int cmp_key(const void *a, const void *b)
{
    const ps_bus_key *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

int ps_index_buses(ps_parser *P)
{
    int nb = P->nb;
    P->keys = gr_malloc((size_t)(nb ? nb : 1) * sizeof *P->keys);
    if (!P->keys)
        return ps_oom(P);
    for (int r = 0; r < nb; r++) {
        P->keys[r].id = P->bus[r].id;
        P->keys[r].row = r;
    }
    qsort(P->keys, (size_t)nb, sizeof *P->keys, cmp_key);
    P->nkeys = nb;
    int later = -1, first = -1;
    for (int k = 1, group = 0; k < nb; k++) {
        if (P->keys[k].id != P->keys[k - 1].id) {
            group = k;
            continue;
        }
        if (later < 0 || P->keys[k].row < later) {
            later = P->keys[k].row;
            first = P->keys[group].row;
        }
    }
    if (later >= 0)
        return ps_error(P, P->bus[later].line,
                        "bus data, record %d, field I: bus number %d again (first at line %d)",
                        later + 1, P->bus[later].id, P->bus[first].line);
    /* Star points of three-winding transformers are numbered as MATPOWER's
     * psse_convert_xfmr does: from the next power of ten above the largest bus. */
    P->max_id = nb ? P->keys[nb - 1].id : 0;
    long long b = 1;
    while (b <= P->max_id && b <= INT_MAX / 10)
        b *= 10;
    P->star_base = (int)b;   /* <= max_id only for bus numbers above 10^9 */
    return GR_OK;
}

int ps_bus_row(const ps_parser *P, int id)
{
    int lo = 0, hi = P->nkeys - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (P->keys[mid].id == id)
            return P->keys[mid].row;
        if (P->keys[mid].id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

int ps_bus_field(ps_parser *P, int k, const char *what, int *row)
{
    int id, st = ps_int_req(P, k, what, &id);
    if (st != GR_OK)
        return st;
    if (id < 0)
        id = -id;   /* a negative J marks the metered end (branches) */
    *row = ps_bus_row(P, id);
    if (*row < 0)
        return ps_field_error(P, what, "bus %d is not in the bus data", id);
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Warnings
 * ------------------------------------------------------------------------ */
int ps_warn(ps_parser *P, int line, const char *fmt, ...)
{
    if (P->n_warn_dropped >= 0 && P->n_warn >= PS_MAX_WARNINGS - 1) {
        P->n_warn_dropped++;
        return GR_OK;
    }
    char msg[GR_ERROR_MAX], full[GR_ERROR_MAX + 64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        snprintf(full, sizeof full, "%s:%d: %s", P->name, line, msg);
    else
        snprintf(full, sizeof full, "%s: %s", P->name, msg);
    if (!ps_grow(&P->warn, &P->cap_warn, P->n_warn, sizeof *P->warn))
        return ps_oom(P);
    size_t len = strlen(full) + 1;
    char *w = gr_malloc(len);
    if (!w)
        return ps_oom(P);
    memcpy(w, full, len);
    P->warn[P->n_warn++] = w;
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * The case
 * ------------------------------------------------------------------------ */
/* At most one reference bus (type 3) per island of in-service branches, as the
 * MATPOWER reader requires (isolated buses join no island): later ones become PV. */
static int check_ref_buses(ps_parser *P, const gr_case *c)
{
    int nb = c->bus.n, st = GR_OK;
    int *parent = gr_malloc(3 * (size_t)(nb ? nb : 1) * sizeof(int));
    if (!parent)
        return ps_oom(P);
    int *size = parent + nb, *ref = parent + 2 * nb;
    for (int i = 0; i < nb; i++) {
        parent[i] = i;
        size[i] = 1;
        ref[i] = -1;
    }
    /* bus rows of branch ends: file buses by lookup, star buses by number */
    for (int r = 0; r < P->nl; r++) {
        const ps_branch *b = &P->br[r];
        int f = b->f > P->star_base ? P->nkeys + (b->f - P->star_base - 1) : ps_bus_row(P, b->f);
        int t = b->t > P->star_base ? P->nkeys + (b->t - P->star_base - 1) : ps_bus_row(P, b->t);
        if (f < 0 || t < 0 || f >= nb || t >= nb)
            continue;
        if (b->status > 0 && c->bus.type[f] != GR_BUS_ISOLATED && c->bus.type[t] != GR_BUS_ISOLATED)
            uf_union(parent, size, f, t);
    }
    for (int i = 0; i < nb && st == GR_OK; i++) {
        if (c->bus.type[i] != GR_BUS_REF)
            continue;
        int root = uf_find(parent, i);
        if (ref[root] < 0) {
            ref[root] = i;
            continue;
        }
        /* PSS/E allows several swing buses in an island; MATPOWER one reference. */
        c->bus.type[i] = GR_BUS_PV;
        st = ps_warn(P, P->bus[i].line,
                     "bus %d is a second swing bus (IDE = 3) in the island of swing bus %d (line "
                     "%d): read as a PV bus (one reference bus per island)",
                     c->bus.bus_i[i], c->bus.bus_i[ref[root]], P->bus[ref[root]].line);
    }
    gr_free(parent);
    return st;
}

static void fill_case(ps_parser *P, gr_case *c)
{
    c->base_mva = P->sbase;
    for (int r = 0; r < P->nb; r++) {
        const ps_bus *b = &P->bus[r];
        c->bus.bus_i[r] = b->id;
        c->bus.type[r] = b->type;
        c->bus.pd_mw[r] = b->pd;
        c->bus.qd_mvar[r] = b->qd;
        c->bus.gs_mw[r] = b->gs;
        c->bus.bs_mvar[r] = b->bs;
        c->bus.area[r] = b->area;
        c->bus.vm_pu[r] = b->vm;
        c->bus.va_deg[r] = b->va;
        c->bus.base_kv[r] = b->base_kv;
        c->bus.zone[r] = b->zone;
        c->bus.vmax_pu[r] = b->vmax;
        c->bus.vmin_pu[r] = b->vmin;
        c->bus.line[r] = b->line;
        c->bus_name[r] = b->name;
        P->bus[r].name = NULL;
    }
    for (int k = 0; k < P->ng; k++) {
        const ps_gen *g = &P->gen[k];
        c->gen.bus[k] = g->bus;
        c->gen.pg_mw[k] = g->pg;
        c->gen.qg_mvar[k] = g->qg;
        c->gen.qmax_mvar[k] = g->qmax;
        c->gen.qmin_mvar[k] = g->qmin;
        c->gen.vg_pu[k] = g->vg;
        c->gen.mbase_mva[k] = g->mbase;
        c->gen.status[k] = g->status;
        c->gen.pmax_mw[k] = g->pmax;
        c->gen.pmin_mw[k] = g->pmin;
        c->gen.line[k] = g->line;
    }
    for (int k = 0; k < P->nl; k++) {
        const ps_branch *b = &P->br[k];
        c->branch.f_bus[k] = b->f;
        c->branch.t_bus[k] = b->t;
        c->branch.r_pu[k] = b->r;
        c->branch.x_pu[k] = b->x;
        c->branch.b_pu[k] = b->b;
        c->branch.rate_a_mva[k] = b->rate_a;
        c->branch.rate_b_mva[k] = b->rate_b;
        c->branch.rate_c_mva[k] = b->rate_c;
        c->branch.tap[k] = b->tap;
        c->branch.shift_deg[k] = b->shift;
        c->branch.status[k] = b->status;
        c->branch.line[k] = b->line;
    }
}

int ps_build_case(ps_parser *P, gr_case **out)
{
    if (P->nb == 0)
        return ps_error(P, P->line, "bus data: expected at least one bus, found none");
    gr_case *c = NULL;
    if (gr_case_alloc(P->nb, P->ng, P->nl, &c) != GR_OK)
        return ps_oom(P);
    c->bus.line = gr_malloc((size_t)P->nb * sizeof(int));
    c->gen.line = gr_malloc((size_t)(P->ng ? P->ng : 1) * sizeof(int));
    c->branch.line = gr_malloc((size_t)(P->nl ? P->nl : 1) * sizeof(int));
    c->bus_name = gr_calloc((size_t)P->nb, sizeof *c->bus_name);
    if (!c->bus.line || !c->gen.line || !c->branch.line || !c->bus_name) {
        gr_case_free(c);
        return ps_oom(P);
    }
    fill_case(P, c);
    int st = check_ref_buses(P, c), dropped = P->n_warn_dropped;
    P->n_warn_dropped = -1;   /* this last note is always kept */
    if (st == GR_OK && dropped > 0)
        st = ps_warn(P, 0, "%d more notes not kept", dropped);
    if (st != GR_OK) {
        gr_case_free(c);
        return st;
    }
    c->warnings = P->warn;
    c->n_warnings = P->n_warn;
    P->warn = NULL;
    P->n_warn = P->cap_warn = 0;
    *out = c;
    return GR_OK;
}

void ps_release(ps_parser *P)
{
    for (int r = 0; r < P->nb; r++)
        gr_free(P->bus[r].name);
    gr_free(P->bus);
    gr_free(P->gen);
    gr_free(P->br);
    gr_free(P->keys);
    for (int k = 0; k < P->n_warn; k++)
        gr_free(P->warn[k]);
    gr_free(P->warn);
}
