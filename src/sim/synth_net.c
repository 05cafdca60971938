/* synth_net.c — network of the synthetic grid (Delaunay + MST corridors per voltage level, autotransformers) and its generation (units, merit-order dispatch).
 *
 * DESIGN
 * Following Birchfield et al. (IEEE TPWRS 32(4), 2017, "Grid structural
 * characteristics as validation criteria for synthetic networks"), each
 * voltage level is its own planar network: the Delaunay triangulation of the
 * level's buses gives the candidate corridors, a tree makes the level
 * connected (minimum spanning tree at 750/330 kV; at 110 kV a Prim-Dijkstra
 * forest grown from the 330/110 kV substations, which keeps feeders short),
 * and a share of the remaining Delaunay edges, drawn with a preference for
 * short ones, adds the meshing real grids have (alpha = corridors per bus,
 * per level). Levels are joined by
 * autotransformer banks (750/330 and 330/110 kV) inside the substations that
 * have both voltages. Conductor and transformer data are typical values of
 * the post-Soviet 750/330/110 kV system (docs/synth.md). */
#include <stdlib.h>
#include <string.h>

#include "sim/synth.h"

const double sy_level_kv[SY_NLEVEL] = {750.0, 330.0, 110.0};

/* Per km at 50 Hz: r (ohm), x (ohm), b (uS); rating = sqrt(3) kV I_max with
 * I_max from PUE table 1.3.29 (bare ACSR outdoors, per subconductor). */
const sy_conductor sy_cond[SY_NLEVEL][4] = {
    {{"5xAC-240/56", 0.0240, 0.286, 4.11, 3930.0},
     {"5xAC-300/66", 0.0196, 0.283, 4.15, 4612.0}},
    {{"2xAC-240/32", 0.0600, 0.331, 3.38, 691.6},
     {"2xAC-300/39", 0.0480, 0.328, 3.41, 811.6},
     {"2xAC-400/51", 0.0370, 0.323, 3.46, 943.0}},
    {{"AC-120/19", 0.249, 0.427, 2.66, 74.3},
     {"AC-150/24", 0.198, 0.420, 2.70, 85.7},
     {"AC-185/29", 0.162, 0.413, 2.75, 97.2},
     {"AC-240/32", 0.121, 0.405, 2.81, 115.3}}};
const int sy_ncond[SY_NLEVEL] = {2, 3, 4};

const sy_xfmr_type sy_xfmr[3] = {
    {"3xAODCTN-333000/750/330", 1000.0, 0.0016, 0.115, 0.025, 2},
    {"ATDCTN-200000/330/110", 200.0, 0.0028, 0.100, 0.020, 6},
    {"ATDCTN-125000/330/110", 125.0, 0.0028, 0.100, 0.020, 6}};

/* Corridors per bus at each level (750, 330, 110). */
static const double alpha[SY_NLEVEL] = {1.5, 1.45, 1.22};
/* Acceptance of a candidate in one pass over the candidates, shortest first. */
static const double accept_p[SY_NLEVEL] = {0.7, 0.55, 0.45};

typedef struct cand {
    int64_t d2;
    int a, b;   /* point indices, a < b */
    int used;
} cand;

/* Binary min-heap of (key, v, u) for the Prim-Dijkstra tree. */
typedef struct hent {
    double key;
    int v, u, e;  /* reach point v from tree point u over candidate e */
} hent;

static int hless(const hent *a, const hent *b)
{
    if (a->key != b->key)
        return a->key < b->key;
    if (a->v != b->v)
        return a->v < b->v;
    return a->u < b->u;
}

static int hpush(hent **h, int *n, int *cap, hent x)
{
    int st = sy_grow((void **)h, cap, *n + 1, sizeof **h);
    if (st)
        return st;
    int i = (*n)++;
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!hless(&x, &(*h)[p]))
            break;
        (*h)[i] = (*h)[p];
        i = p;
    }
    (*h)[i] = x;
    return GR_OK;
}

static hent hpop(hent *h, int *n)
{
    hent top = h[0], x = h[--(*n)];
    int i = 0;
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        const hent *best = &x;
        if (l < *n && hless(&h[l], best)) {
            m = l;
            best = &h[l];
        }
        if (r < *n && hless(&h[r], best))
            m = r;
        if (m == i)
            break;
        h[i] = h[m];
        i = m;
    }
    if (*n > 0)
        h[i] = x;
    return top;
}

/* Prim-Dijkstra forest (Alpert et al., IEEE TCAD 14(7), 1995) over the
 * candidates, grown from every root at once: a point joins over the edge that
 * minimises c * (path length from its root to the tree point) + edge length.
 * c = 0 is Prim's minimum spanning tree, c = 1 a shortest-path tree; in
 * between, feeders stay short in hops without much more line length. Marks
 * the tree edges used; returns their count, or a negative status. */
#define PD_C 0.5
static int pd_forest(const int *x, const int *y, int n, cand *c, int ne, const int *root, int *deg)
{
    int *ptr = gr_calloc((size_t)n + 1, sizeof *ptr), *adj = gr_malloc((size_t)(2 * ne + 1) * sizeof *adj);
    double *dist = gr_malloc((size_t)n * sizeof *dist);
    unsigned char *in = gr_calloc((size_t)n, 1);
    hent *h = NULL;
    int nh = 0, caph = 0, nsel = 0, st = GR_ENOMEM;
    if (!ptr || !adj || !dist || !in)
        goto done;
    for (int k = 0; k < ne; k++) {
        ptr[c[k].a + 1]++;
        ptr[c[k].b + 1]++;
    }
    for (int i = 0; i < n; i++)
        ptr[i + 1] += ptr[i];
    {
        int *fill = gr_malloc((size_t)n * sizeof *fill);
        if (!fill)
            goto done;
        memcpy(fill, ptr, (size_t)n * sizeof *fill);
        for (int k = 0; k < ne; k++) {
            adj[fill[c[k].a]++] = k;
            adj[fill[c[k].b]++] = k;
        }
        gr_free(fill);
    }
    for (int i = 0; i < n; i++) {
        dist[i] = 0.0;
        if (!root[i])
            continue;
        in[i] = 1;
        for (int j = ptr[i]; j < ptr[i + 1]; j++) {
            int k = adj[j], w = c[k].a == i ? c[k].b : c[k].a;
            hent e = {sy_dist_km(x[i], y[i], x[w], y[w]), w, i, k};
            if ((st = hpush(&h, &nh, &caph, e)))
                goto done;
        }
    }
    while (nh > 0) {
        hent e = hpop(h, &nh);
        if (in[e.v])
            continue;
        in[e.v] = 1;
        double len = sy_dist_km(x[e.u], y[e.u], x[e.v], y[e.v]);
        dist[e.v] = dist[e.u] + len;
        c[e.e].used = 1;
        deg[e.u]++;
        deg[e.v]++;
        nsel++;
        for (int j = ptr[e.v]; j < ptr[e.v + 1]; j++) {
            int k = adj[j], w = c[k].a == e.v ? c[k].b : c[k].a;
            if (in[w])
                continue;
            hent f = {PD_C * dist[e.v] + sy_dist_km(x[e.v], y[e.v], x[w], y[w]), w, e.v, k};
            if ((st = hpush(&h, &nh, &caph, f)))
                goto done;
        }
    }
    st = GR_OK;
done:
    gr_free(ptr);
    gr_free(adj);
    gr_free(dist);
    gr_free(in);
    gr_free(h);
    return st ? st : nsel;
}

static int cmp_cand(const void *x, const void *y)
{
    const cand *p = x, *q = y;
    if (p->d2 != q->d2)
        return p->d2 < q->d2 ? -1 : 1;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return (p->b > q->b) - (p->b < q->b);
}

static int uf_find(int *parent, int i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static int add_corr(sy_state *s, int a, int b, int kind, int level, double len, int cond)
{
    sy_corr *c = SY_APPEND(s->corr);
    if (!c)
        return GR_ENOMEM;
    *c = (sy_corr){.a = a, .b = b, .kind = kind, .level = level, .len_km = len, .n = kind == SY_XFMR ? 2 : 1,
                   .cond = cond};
    return GR_OK;
}

/* A line corridor for each chosen candidate of one level: the route is 8 to
 * 22 % longer than the straight line, in steps of 0.1 km, at least 1 km.
 * idx maps the level's points to buses, x and y are their coordinates. */
static int add_lines(sy_state *s, int level, const cand *c, int ne, const int *idx, const int *x, const int *y)
{
    int st;
    for (int k = 0; k < ne; k++) {
        if (!c[k].used)
            continue;
        int a = idx[c[k].a], b = idx[c[k].b];
        double d = sy_dist_km(x[c[k].a], y[c[k].a], x[c[k].b], y[c[k].b]);
        double len = d * (1.08 + 0.14 * gr_rng_uniform(&s->rng));
        len = (double)sy_lround(10.0 * len) / 10.0;
        if (len < 1.0)
            len = 1.0;
        if ((st = add_corr(s, a, b, SY_LINE, level, len, level == SY_L750 ? 0 : 1)))
            return st;
    }
    return GR_OK;
}

/* Corridors of one voltage level. */
static int level_network(sy_state *s, int level)
{
    int n = 0, st = GR_ENOMEM, ne = 0;
    for (int b = 0; b < s->bus.n; b++)
        n += s->bus.v[b].level == level;
    if (n < 2)
        return GR_OK;
    int *idx = gr_malloc((size_t)n * sizeof *idx), *x = gr_malloc((size_t)n * sizeof *x);
    int *y = gr_malloc((size_t)n * sizeof *y), *parent = gr_malloc((size_t)n * sizeof *parent);
    int *deg = gr_calloc((size_t)n, sizeof *deg), *edges = NULL;
    cand *c = NULL;
    if (!idx || !x || !y || !parent || !deg)
        goto done;
    n = 0;
    for (int b = 0; b < s->bus.n; b++)
        if (s->bus.v[b].level == level) {
            idx[n] = b;
            x[n] = s->bus.v[b].x;
            y[n] = s->bus.v[b].y;
            parent[n] = n;
            n++;
        }
    if ((st = sy_delaunay(x, y, n, &edges, &ne)))
        goto done;
    c = gr_malloc((size_t)(ne > 0 ? ne : 1) * sizeof *c);
    if (!c) {
        st = GR_ENOMEM;
        goto done;
    }
    for (int k = 0; k < ne; k++) {
        c[k].a = edges[2 * k];
        c[k].b = edges[2 * k + 1];
        c[k].d2 = sy_d2(x[c[k].a], y[c[k].a], x[c[k].b], y[c[k].b]);
        c[k].used = 0;
    }
    qsort(c, (size_t)ne, sizeof *c, cmp_cand);
    /* 110 kV: feeder trees from the 330/110 kV substations; higher levels:
     * a minimum spanning tree (Kruskal) */
    int nsel = 0, nroot = 0;
    if (level == SY_L110) {
        int *root = gr_calloc((size_t)n, sizeof *root);
        if (!root) {
            st = GR_ENOMEM;
            goto done;
        }
        for (int i = 0; i < n; i++) {
            const sy_sub *sb = &s->sub.v[s->bus.v[idx[i]].sub];
            root[i] = sb->bus[SY_L330] >= 0;
            nroot += root[i];
        }
        if (nroot > 0) {
            nsel = pd_forest(x, y, n, c, ne, root, deg);
            /* points the forest cannot reach (none in a triangulation) join below */
            for (int k = 0; k < ne; k++)
                if (c[k].used) {
                    int ra = uf_find(parent, c[k].a), rb = uf_find(parent, c[k].b);
                    if (ra != rb)
                        parent[ra] = rb;
                }
            /* roots are joined through the 330 kV level: one component */
            int r0 = -1;
            for (int i = 0; i < n; i++)
                if (root[i]) {
                    if (r0 < 0)
                        r0 = i;
                    int ra = uf_find(parent, i), rb = uf_find(parent, r0);
                    if (ra != rb)
                        parent[ra] = rb;
                }
        }
        gr_free(root);
        if (nsel < 0) {
            st = nsel;
            goto done;
        }
    }
    for (int k = 0; k < ne; k++) {
        if (c[k].used)
            continue;
        int ra = uf_find(parent, c[k].a), rb = uf_find(parent, c[k].b);
        if (ra == rb)
            continue;
        parent[ra] = rb;
        c[k].used = 1;
        deg[c[k].a]++;
        deg[c[k].b]++;
        nsel++;
    }
    /* meshing: shorter candidates first, each pass accepting a share */
    int target = (int)sy_lround(alpha[level] * n);
    if (target > ne)
        target = ne;
    for (int pass = 0; pass < 20 && nsel < target; pass++)
        for (int k = 0; k < ne && nsel < target; k++) {
            if (c[k].used || gr_rng_uniform(&s->rng) >= accept_p[level])
                continue;
            c[k].used = 1;
            deg[c[k].a]++;
            deg[c[k].b]++;
            nsel++;
        }
    /* power stations get at least two outlets */
    for (int i = 0; i < n; i++) {
        if (s->bus.v[idx[i]].plant < 0)
            continue;
        for (int k = 0; k < ne && deg[i] < 2; k++)
            if (!c[k].used && (c[k].a == i || c[k].b == i)) {
                c[k].used = 1;
                deg[c[k].a]++;
                deg[c[k].b]++;
            }
    }
    st = add_lines(s, level, c, ne, idx, x, y);
done:
    gr_free(idx);
    gr_free(x);
    gr_free(y);
    gr_free(parent);
    gr_free(deg);
    gr_free(edges);
    gr_free(c);
    return st;
}

int sy_network(sy_state *s)
{
    int st;
    for (int level = 0; level < SY_NLEVEL; level++)
        if ((st = level_network(s, level)))
            return st;
    /* autotransformer banks */
    for (int i = 0; i < s->sub.n; i++) {
        const sy_sub *b = &s->sub.v[i];
        if (b->bus[SY_L750] >= 0 && b->bus[SY_L330] >= 0 &&
            (st = add_corr(s, b->bus[SY_L750], b->bus[SY_L330], SY_XFMR, SY_L750, 0.0, 0)))
            return st;
        if (b->bus[SY_L330] >= 0 && b->bus[SY_L110] >= 0 &&
            (st = add_corr(s, b->bus[SY_L330], b->bus[SY_L110], SY_XFMR, SY_L330, 0.0, 2)))
            return st;
    }
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Generation: units, limits, costs, merit-order dispatch.
 * ------------------------------------------------------------------------ */

/* Per type: minimum output, must-run output, Q limits (per MW of Pmax),
 * voltage set point, marginal cost range ($/MWh). */
typedef struct type_data {
    double pmin, run, qmax, qmin, vg, cost, cost_spread;
} type_data;

static const type_data tdata[GR_PLANT_N] = {
    /* nuclear: base load, VVER units at 95 % */
    {0.80, 0.95, 0.50, -0.25, 1.030, 10.0, 2.0},
    /* thermal (coal/gas steam units): merit order fills these */
    {0.40, 0.00, 0.60, -0.30, 1.030, 45.0, 20.0},
    /* CHP in winter: heat-led, runs at 80 % */
    {0.50, 0.80, 0.60, -0.30, 1.020, 30.0, 5.0},
    /* hydro: water-limited at the evening peak */
    {0.00, 0.60, 0.50, -0.40, 1.020, 5.0, 2.0},
    {0.30, 0.00, 0.60, -0.30, 1.020, 60.0, 10.0},
    {0.00, 0.30, 0.33, -0.33, 1.020, 0.0, 0.0},
    {0.00, 0.00, 0.33, -0.33, 1.020, 0.0, 0.0},
    {0.00, 0.00, 0.50, -0.30, 1.020, 50.0, 10.0}};

int sy_generation(sy_state *s)
{
    double demand = 0.0;
    for (int b = 0; b < s->bus.n; b++)
        demand += s->bus.v[b].pd;
    demand *= 1.025; /* transmission losses, first estimate */
    for (int p = 0; p < s->plant.n; p++) {
        sy_plant *pl = &s->plant.v[p];
        const type_data *t = &tdata[pl->type];
        pl->cost = sy_round6(t->cost + t->cost_spread * gr_rng_uniform(&s->rng));
        pl->vg = t->vg;
        for (int k = 0; k < pl->nunit; k++) {
            sy_unit *u = SY_APPEND(s->unit);
            if (!u)
                return GR_ENOMEM;
            u->plant = p;
            u->pmax = pl->unit_mw;
            u->pmin = sy_round6(t->pmin * pl->unit_mw);
            u->qmax = sy_round6(t->qmax * pl->unit_mw);
            u->qmin = sy_round6(t->qmin * pl->unit_mw);
            u->pg = t->run > 0.0 ? t->run * pl->unit_mw : u->pmin;
        }
    }
    /* merit order over the plants that are not must-run: cheapest first,
     * each up to 90 % (10 % spinning reserve), then to 100 % */
    double sum = 0.0;
    for (int k = 0; k < s->unit.n; k++)
        sum += s->unit.v[k].pg;
    double need = demand - sum;
    int marginal = -1;
    for (int pass = 0; pass < 2 && need > 0.0; pass++) {
        double lim = pass == 0 ? 0.9 : 1.0;
        for (int done = 0; need > 0.0; done++) {
            /* next cheapest plant with headroom (ties by index) */
            int best = -1;
            for (int p = 0; p < s->plant.n; p++) {
                const sy_plant *pl = &s->plant.v[p];
                if (tdata[pl->type].run > 0.0 && pass == 0)
                    continue;
                double head = 0.0;
                for (int k = 0; k < s->unit.n; k++)
                    if (s->unit.v[k].plant == p && s->unit.v[k].pg < lim * s->unit.v[k].pmax)
                        head += lim * s->unit.v[k].pmax - s->unit.v[k].pg;
                if (head <= 1e-9)
                    continue;
                if (best < 0 || pl->cost < s->plant.v[best].cost)
                    best = p;
            }
            if (best < 0)
                break;
            for (int k = 0; k < s->unit.n && need > 0.0; k++) {
                sy_unit *u = &s->unit.v[k];
                if (u->plant != best || u->pg >= lim * u->pmax)
                    continue;
                double add = lim * u->pmax - u->pg;
                if (add > need)
                    add = need;
                u->pg += add;
                need -= add;
            }
            marginal = best;
            (void)done;
        }
    }
    if (need < 0.0) {
        /* too much must-run: back hydro, then CHP, then nuclear down to Pmin */
        static const int order[3] = {GR_PLANT_HYDRO, GR_PLANT_CHP, GR_PLANT_NUCLEAR};
        for (int o = 0; o < 3 && need < 0.0; o++)
            for (int k = 0; k < s->unit.n && need < 0.0; k++) {
                sy_unit *u = &s->unit.v[k];
                if (s->plant.v[u->plant].type != order[o])
                    continue;
                double cut = u->pg - u->pmin;
                if (cut > -need)
                    cut = -need;
                u->pg -= cut;
                need += cut;
            }
    }
    for (int k = 0; k < s->unit.n; k++)
        s->unit.v[k].pg = sy_round6(s->unit.v[k].pg);
    /* reference bus: the marginal plant (headroom both ways), else the
     * largest thermal plant, else the largest plant */
    int ref = marginal;
    if (ref < 0) {
        for (int p = 0; p < s->plant.n; p++) {
            const sy_plant *pl = &s->plant.v[p];
            double mw = pl->nunit * pl->unit_mw;
            if (ref < 0 || (pl->type == GR_PLANT_THERMAL) > (s->plant.v[ref].type == GR_PLANT_THERMAL) ||
                ((pl->type == GR_PLANT_THERMAL) == (s->plant.v[ref].type == GR_PLANT_THERMAL) &&
                 mw > s->plant.v[ref].nunit * s->plant.v[ref].unit_mw))
                ref = p;
        }
    }
    s->ref_bus = ref >= 0 ? s->plant.v[ref].bus : 0;
    return GR_OK;
}
