/* overlay_build_layout.c — where the substations of a case without a map are: sparse stress majorization from a pivot-MDS start, or placement from geodata.
 *
 * DESIGN
 * A line's planning length comes from its reactance: X (ohm) over a typical
 * reactance per km of its voltage class (overhead lines, Kundur, Power
 * System Stability and Control, 1994, table 6.1: 0.49 ohm/km at 230 kV,
 * 0.37 at 345 kV, 0.33 at 500 and 765 kV; 0.40 ohm/km assumed below
 * 200 kV), kept within [0.2, 5] times a typical length of the class so
 * that equivalents and bus ties do not give 0 or 5000 km lines.
 *
 * The layout minimises the stress Σ w_ij (|x_i - x_j| - d_ij)², w = d^-2
 * (Gansner, Koren & North, "Graph drawing by stress majorization", Graph
 * Drawing 2004), where d is the shortest-path distance over the planning
 * lengths. Full stress needs all n² distances; the sparse model of Ortmann,
 * Klimenta & Brandes ("A sparse stress model", Graph Drawing 2016) keeps the
 * terms of the graph's edges and those between every node and k pivots
 * (k <= 60, picked farthest-first), so a sweep costs O(m + n k). The start
 * is the pivot MDS of Brandes & Pich ("Eigensolver methods for progressive
 * multidimensional scaling of large data", Graph Drawing 2006): the
 * double-centred n x k matrix of squared pivot distances, projected on the
 * two leading eigenvectors of its k x k Gram matrix (power iteration). Each
 * sweep applies the localized majorization update of Gansner et al. node by
 * node; at most max_iter sweeps, fewer when no node moves by more than
 * 1e-3 of the median line. Finally the drawing is scaled so that the
 * median ratio of drawn to planning line length is 1. Disconnected parts
 * sit at 1.1 times the largest distance from the pivots that cannot reach
 * them. Everything is deterministic: fixed orders, a seeded jitter. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"
#include "sim/overlay_build.h"

#define MAX_PIVOTS 60
#define PI 3.14159265358979323846
#define EARTH_KM 6371.0088 /* mean Earth radius (IUGG) */

double ob_line_km(double kv, double x_pu, double base_mva)
{
    double typ = kv >= 200.0 ? 50.0 : kv >= 100.0 ? 10.0 : 5.0;
    double x_per_km = kv >= 450.0 ? 0.33 : kv >= 300.0 ? 0.37 : kv >= 200.0 ? 0.49 : 0.40;
    if (!(x_pu > 0.0) || !(base_mva > 0.0) || !(kv > 0.0))
        return typ;
    double km = x_pu * kv * kv / base_mva / x_per_km;
    if (km < 0.2 * typ)
        km = 0.2 * typ;
    if (km > 5.0 * typ)
        km = 5.0 * typ;
    return km;
}

/* ------------------------------------------------------------------------
 * Substation adjacency.
 * ------------------------------------------------------------------------ */
void ob_adj_free(ob_adj *a)
{
    gr_free(a->ptr);
    gr_free(a->nbr);
    gr_free(a->len);
    memset(a, 0, sizeof *a);
}

typedef struct edge {
    int a, b;
    double len;
} edge;

static int cmp_edge(const void *p, const void *q)
{
    const edge *x = p, *y = q;
    if (x->a != y->a)
        return (x->a > y->a) - (x->a < y->a);
    if (x->b != y->b)
        return (x->b > y->b) - (x->b < y->b);
    return (x->len > y->len) - (x->len < y->len);
}

int ob_adj_build(const gr_grid *g, const ob_subs *s, ob_adj *a)
{
    memset(a, 0, sizeof *a);
    a->n = s->nsub;
    edge *e = gr_malloc(((size_t)g->nl * 2 + 1) * sizeof *e);
    a->ptr = gr_calloc((size_t)s->nsub + 1, sizeof *a->ptr);
    if (!e || !a->ptr) {
        gr_free(e);
        ob_adj_free(a);
        return GR_ENOMEM;
    }
    int m = 0;
    for (int k = 0; k < g->nl; k++) {
        int f = g->br_f[k], t = g->br_t[k];
        int sf = s->bus_sub[f], st = s->bus_sub[t];
        if (sf == st)
            continue;
        double kv = fmax(s->bus_kv[f], s->bus_kv[t]);
        double len = ob_line_km(kv, fabs(g->br_x[k]), g->base_mva);
        e[m++] = (edge){sf, st, len};
        e[m++] = (edge){st, sf, len};
    }
    qsort(e, (size_t)m, sizeof *e, cmp_edge);
    int u = 0;
    for (int k = 0; k < m; k++)
        if (u == 0 || e[k].a != e[u - 1].a || e[k].b != e[u - 1].b)
            e[u++] = e[k]; /* the first of a run is the shortest */
    a->nbr = gr_malloc(((size_t)u + 1) * sizeof *a->nbr);
    a->len = gr_malloc(((size_t)u + 1) * sizeof *a->len);
    if (!a->nbr || !a->len) {
        gr_free(e);
        ob_adj_free(a);
        return GR_ENOMEM;
    }
    for (int k = 0; k < u; k++) {
        a->ptr[e[k].a + 1]++;
        a->nbr[k] = e[k].b;
        a->len[k] = e[k].len;
    }
    for (int i = 0; i < s->nsub; i++)
        a->ptr[i + 1] += a->ptr[i];
    gr_free(e);
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Shortest paths (Dijkstra with a binary heap).
 * ------------------------------------------------------------------------ */
typedef struct heap {
    int n;
    int *node;
    double *key;
} heap;

static void heap_push(heap *h, int v, double key)
{
    int i = h->n++;
    while (i > 0) {
        int p = (i - 1) / 2;
        if (h->key[p] <= key)
            break;
        h->node[i] = h->node[p];
        h->key[i] = h->key[p];
        i = p;
    }
    h->node[i] = v;
    h->key[i] = key;
}

static int heap_pop(heap *h, double *key)
{
    int top = h->node[0];
    *key = h->key[0];
    int v = h->node[--h->n];
    double k = h->key[h->n];
    int i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->key[c + 1] < h->key[c])
            c++;
        if (h->key[c] >= k)
            break;
        h->node[i] = h->node[c];
        h->key[i] = h->key[c];
        i = c;
    }
    h->node[i] = v;
    h->key[i] = k;
    return top;
}

/* Distances from src into d (HUGE_VAL: unreachable); h has room for m + 1. */
static void dijkstra(const ob_adj *a, int src, double *d, heap *h)
{
    for (int i = 0; i < a->n; i++)
        d[i] = HUGE_VAL;
    d[src] = 0.0;
    h->n = 0;
    heap_push(h, src, 0.0);
    while (h->n > 0) {
        double du;
        int u = heap_pop(h, &du);
        if (du > d[u])
            continue;
        for (int k = a->ptr[u]; k < a->ptr[u + 1]; k++) {
            int v = a->nbr[k];
            double nd = du + a->len[k];
            if (nd < d[v]) {
                d[v] = nd;
                heap_push(h, v, nd);
            }
        }
    }
}

static int cmp_double(const void *p, const void *q)
{
    double x = *(const double *)p, y = *(const double *)q;
    return (x > y) - (x < y);
}

/* ------------------------------------------------------------------------
 * The layout.
 * ------------------------------------------------------------------------ */
/* Leading eigenvector of the symmetric k x k matrix B (power iteration),
 * orthogonal to `prev` when given. */
static void power_iter(const double *B, int k, const double *prev, gr_rng *rng, double *v)
{
    double *w = v + k; /* scratch: v has 2k entries */
    for (int i = 0; i < k; i++)
        v[i] = gr_rng_uniform(rng) - 0.5;
    for (int it = 0; it < 300; it++) {
        if (prev) {
            double dot = 0.0;
            for (int i = 0; i < k; i++)
                dot += v[i] * prev[i];
            for (int i = 0; i < k; i++)
                v[i] -= dot * prev[i];
        }
        double nrm = 0.0;
        for (int i = 0; i < k; i++) {
            double s = 0.0;
            for (int j = 0; j < k; j++)
                s += B[(size_t)i * (size_t)k + (size_t)j] * v[j];
            w[i] = s;
            nrm += s * s;
        }
        nrm = sqrt(nrm);
        if (!(nrm > 0.0))
            break;
        double diff = 0.0;
        for (int i = 0; i < k; i++) {
            double x = w[i] / nrm;
            diff += fabs(x - v[i]);
            v[i] = x;
        }
        if (diff < 1e-10 * k)
            break;
    }
}

int ob_layout(const gr_grid *g, const ob_subs *s, int max_iter, uint64_t seed, double *sx,
              double *sy, gr_error *err)
{
    int n = s->nsub, st = GR_OK;
    if (n <= 0)
        return GR_OK;
    if (n == 1) {
        sx[0] = sy[0] = 0.0;
        return GR_OK;
    }
    ob_adj a;
    if ((st = ob_adj_build(g, s, &a)))
        return gr_error_set(err, st, "overlay: out of memory (layout)");
    int k = n < MAX_PIVOTS ? n : MAX_PIVOTS;
    size_t nk = (size_t)n * (size_t)k;
    int m = a.ptr[n];
    double *D = gr_malloc(nk * sizeof *D);      /* D[p * n + i] */
    double *C = gr_malloc(nk * sizeof *C);      /* C[i * k + p] */
    double *B = gr_malloc((size_t)k * (size_t)k * sizeof *B);
    double *mind = gr_malloc((size_t)n * sizeof *mind);
    double *vec = gr_malloc(4 * (size_t)k * sizeof *vec);
    double *lens = gr_malloc(((size_t)m + 1) * sizeof *lens);
    int *piv = gr_malloc((size_t)k * sizeof *piv), *is_piv = gr_calloc((size_t)n, sizeof *is_piv);
    heap h = {0, gr_malloc(((size_t)m + 2) * sizeof(int)),
              gr_malloc(((size_t)m + 2) * sizeof(double))};
    if (!D || !C || !B || !mind || !vec || !lens || !piv || !is_piv || !h.node || !h.key) {
        st = gr_error_set(err, GR_ENOMEM, "overlay: out of memory (layout)");
        goto done;
    }
    gr_rng rng;
    gr_rng_seed(&rng, seed);

    /* pivots: the best-connected substation, then farthest-first */
    int first = 0;
    for (int i = 1; i < n; i++)
        if (a.ptr[i + 1] - a.ptr[i] > a.ptr[first + 1] - a.ptr[first])
            first = i;
    for (int i = 0; i < n; i++)
        mind[i] = HUGE_VAL;
    for (int p = 0, next = first; p < k; p++) {
        piv[p] = next;
        is_piv[next] = p + 1;
        double *dp = D + (size_t)p * (size_t)n;
        dijkstra(&a, next, dp, &h);
        next = -1;
        for (int i = 0; i < n; i++) {
            if (dp[i] < mind[i])
                mind[i] = dp[i];
            if (!is_piv[i] && (next < 0 || mind[i] > mind[next]))
                next = i;
        }
        if (next < 0) {
            k = p + 1;
            break;
        }
    }
    nk = (size_t)n * (size_t)k;
    /* unreachable pairs: 1.1 x the largest finite distance */
    double dmax = 0.0;
    for (size_t q = 0; q < nk; q++)
        if (isfinite(D[q]) && D[q] > dmax)
            dmax = D[q];
    if (!(dmax > 0.0))
        dmax = 1.0;
    for (size_t q = 0; q < nk; q++)
        if (!isfinite(D[q]))
            D[q] = 1.1 * dmax;

    /* pivot MDS start */
    {
        double *rmean = mind, grand = 0.0; /* reuse mind: row means over pivots */
        double *cmean = vec + 2 * (size_t)k;
        for (int p = 0; p < k; p++)
            cmean[p] = 0.0;
        for (int i = 0; i < n; i++) {
            double r = 0.0;
            for (int p = 0; p < k; p++) {
                double d2 = D[(size_t)p * (size_t)n + (size_t)i];
                d2 *= d2;
                r += d2;
                cmean[p] += d2;
            }
            rmean[i] = r / k;
            grand += r;
        }
        for (int p = 0; p < k; p++)
            cmean[p] /= n;
        grand /= (double)nk;
        for (int i = 0; i < n; i++)
            for (int p = 0; p < k; p++) {
                double d = D[(size_t)p * (size_t)n + (size_t)i];
                C[(size_t)i * (size_t)k + (size_t)p] =
                    -0.5 * (d * d - rmean[i] - cmean[p] + grand);
            }
        for (int p = 0; p < k; p++)
            for (int q = 0; q < k; q++) {
                double sum = 0.0;
                for (int i = 0; i < n; i++)
                    sum += C[(size_t)i * (size_t)k + (size_t)p] * C[(size_t)i * (size_t)k + (size_t)q];
                B[(size_t)p * (size_t)k + (size_t)q] = sum;
            }
        double *v1 = vec, *v2 = vec + 2 * (size_t)k;
        power_iter(B, k, NULL, &rng, v1);
        power_iter(B, k, v1, &rng, v2);
        for (int i = 0; i < n; i++) {
            double x = 0.0, y = 0.0;
            for (int p = 0; p < k; p++) {
                x += C[(size_t)i * (size_t)k + (size_t)p] * v1[p];
                y += C[(size_t)i * (size_t)k + (size_t)p] * v2[p];
            }
            sx[i] = x;
            sy[i] = y;
        }
    }
    /* scale the start to the distances, then a small jitter against ties */
    double med = 1.0;
    if (m > 0) {
        memcpy(lens, a.len, (size_t)m * sizeof *lens);
        qsort(lens, (size_t)m, sizeof *lens, cmp_double);
        med = lens[m / 2];
    }
    {
        double num = 0.0, den = 0.0;
        for (int p = 0; p < k; p++)
            for (int i = 0; i < n; i++) {
                int j = piv[p];
                double e = hypot(sx[i] - sx[j], sy[i] - sy[j]);
                num += e * D[(size_t)p * (size_t)n + (size_t)i];
                den += e * e;
            }
        double sc = den > 0.0 ? num / den : 1.0;
        for (int i = 0; i < n; i++) {
            sx[i] = sx[i] * sc + 1e-3 * med * (gr_rng_uniform(&rng) - 0.5);
            sy[i] = sy[i] * sc + 1e-3 * med * (gr_rng_uniform(&rng) - 0.5);
        }
    }

    /* sparse stress majorization, localized updates node by node */
    for (int it = 0; it < max_iter; it++) {
        double moved = 0.0;
        for (int i = 0; i < n; i++) {
            double nx = 0.0, ny = 0.0, den = 0.0;
            double xi = sx[i], yi = sy[i];
#define TERM(j_, d_)                                                                  \
    do {                                                                              \
        double dd_ = (d_), w = 1.0 / (dd_ * dd_);                                     \
        double ex = xi - sx[j_], ey = yi - sy[j_], e = sqrt(ex * ex + ey * ey);       \
        double f = e > 0.0 ? dd_ / e : 0.0;                                           \
        nx += w * (sx[j_] + f * ex);                                                  \
        ny += w * (sy[j_] + f * ey);                                                  \
        den += w;                                                                     \
    } while (0)
            for (int q = a.ptr[i]; q < a.ptr[i + 1]; q++)
                TERM(a.nbr[q], a.len[q]);
            if (is_piv[i]) {
                const double *dp = D + (size_t)(is_piv[i] - 1) * (size_t)n;
                for (int j = 0; j < n; j++)
                    if (j != i && dp[j] > 0.0)
                        TERM(j, dp[j]);
            } else {
                for (int p = 0; p < k; p++) {
                    double d = D[(size_t)p * (size_t)n + (size_t)i];
                    if (d > 0.0)
                        TERM(piv[p], d);
                }
            }
#undef TERM
            if (den > 0.0) {
                sx[i] = nx / den;
                sy[i] = ny / den;
                double mv = hypot(sx[i] - xi, sy[i] - yi);
                if (mv > moved)
                    moved = mv;
            }
        }
        if (moved < 1e-3 * med)
            break;
    }

    /* scale: median drawn / planning length of the lines = 1 */
    if (m > 0) {
        for (int i = 0, q = 0; i < n; i++)
            for (int e = a.ptr[i]; e < a.ptr[i + 1]; e++, q++)
                lens[q] = hypot(sx[i] - sx[a.nbr[e]], sy[i] - sy[a.nbr[e]]) / a.len[e];
        qsort(lens, (size_t)m, sizeof *lens, cmp_double);
        double r = lens[m / 2];
        if (r > 0.0 && isfinite(r))
            for (int i = 0; i < n; i++) {
                sx[i] /= r;
                sy[i] /= r;
            }
    }
done:
    gr_free(D);
    gr_free(C);
    gr_free(B);
    gr_free(mind);
    gr_free(vec);
    gr_free(lens);
    gr_free(piv);
    gr_free(is_piv);
    gr_free(h.node);
    gr_free(h.key);
    ob_adj_free(&a);
    return st;
}

/* ------------------------------------------------------------------------
 * Geodata.
 * ------------------------------------------------------------------------ */
int ob_geo_place(const gr_grid *g, const ob_subs *s, const gr_bus_geo *geo, double *sx,
                 double *sy, int *n_unknown, int *n_placed, gr_error *err)
{
    int n = s->nsub, st = GR_OK;
    *n_unknown = *n_placed = 0;
    double *px = gr_malloc(((size_t)geo->n + 1) * sizeof *px);
    double *py = gr_malloc(((size_t)geo->n + 1) * sizeof *py);
    int *row = gr_malloc(((size_t)geo->n + 1) * sizeof *row);
    int *cnt = gr_calloc((size_t)n + 1, sizeof *cnt);
    ob_adj a = {0};
    if (!px || !py || !row || !cnt || ob_adj_build(g, s, &a)) {
        st = gr_error_set(err, GR_ENOMEM, "overlay: out of memory (geodata)");
        goto done;
    }
    int known = 0;
    double lat0 = 0.0, lon0 = 0.0;
    for (int r = 0; r < geo->n; r++) {
        row[r] = gr_grid_bus_index(g, geo->bus_id[r]);
        if (row[r] < 0) {
            (*n_unknown)++;
            continue;
        }
        known++;
        lon0 += geo->x[r];
        lat0 += geo->y[r];
    }
    if (known == 0) {
        st = gr_error_set(err, GR_EINVAL, "%s: no row names a bus of the case",
                          geo->path ? geo->path : "geodata");
        goto done;
    }
    lon0 /= known;
    lat0 /= known;
    double coslat = cos(lat0 * PI / 180.0);
    for (int r = 0; r < geo->n; r++) {
        if (geo->lonlat) {
            px[r] = EARTH_KM * (geo->x[r] - lon0) * PI / 180.0 * coslat;
            py[r] = EARTH_KM * (geo->y[r] - lat0) * PI / 180.0;
        } else {
            px[r] = geo->x[r];
            py[r] = geo->y[r];
        }
    }
    for (int i = 0; i < n; i++)
        sx[i] = sy[i] = 0.0;
    double cx = 0.0, cy = 0.0;
    for (int r = 0; r < geo->n; r++) {
        if (row[r] < 0)
            continue;
        int sb = s->bus_sub[row[r]];
        sx[sb] += px[r];
        sy[sb] += py[r];
        cnt[sb]++;
        cx += px[r];
        cy += py[r];
    }
    cx /= known;
    cy /= known;
    for (int i = 0; i < n; i++) {
        if (cnt[i] > 0) {
            sx[i] /= cnt[i];
            sy[i] /= cnt[i];
        } else {
            sx[i] = cx;
            sy[i] = cy;
            (*n_placed)++;
        }
    }
    /* substations without a point: the mean of their neighbours, repeatedly */
    if (*n_placed > 0)
        for (int it = 0; it < 500; it++) {
            double moved = 0.0;
            for (int i = 0; i < n; i++) {
                if (cnt[i] > 0 || a.ptr[i + 1] == a.ptr[i])
                    continue;
                double x = 0.0, y = 0.0;
                for (int q = a.ptr[i]; q < a.ptr[i + 1]; q++) {
                    x += sx[a.nbr[q]];
                    y += sy[a.nbr[q]];
                }
                int deg = a.ptr[i + 1] - a.ptr[i];
                x /= deg;
                y /= deg;
                moved = fmax(moved, hypot(x - sx[i], y - sy[i]));
                sx[i] = x;
                sy[i] = y;
            }
            if (moved < 1e-6)
                break;
        }
done:
    gr_free(px);
    gr_free(py);
    gr_free(row);
    gr_free(cnt);
    ob_adj_free(&a);
    return st;
}
