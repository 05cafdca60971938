/* synth_delaunay.c — Delaunay triangulation of integer points by Bowyer-Watson with exact predicates.
 *
 * DESIGN
 * Points are integers (0.1 km), so orientation fits int64 and the incircle
 * determinant is exact in 128-bit integers, done portably with two uint64
 * words: no epsilon, no failure on cocircular or collinear input, the same
 * triangulation on every machine. Points are inserted in a serpentine grid
 * order and located by walking from the last new triangle, so a cavity search
 * costs O(1) on average and the whole triangulation is near O(n log n) for the
 * up to ~20 000 points of one voltage level. A large super-triangle (1000x the
 * extent) encloses the points; edges to its corners are dropped, which may
 * lose a few long convex-hull edges: harmless for candidate edges. */
#include <stdlib.h>
#include <string.h>

#include "sim/synth.h"

/* ---- 128-bit signed integers (two's complement in two words) ---- */
typedef struct i128 {
    uint64_t hi, lo;
} i128;

static i128 mul64(int64_t a, int64_t b)
{
    int neg = (a < 0) != (b < 0);
    uint64_t ua = a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a;
    uint64_t ub = b < 0 ? (uint64_t)0 - (uint64_t)b : (uint64_t)b;
    uint64_t a0 = ua & 0xffffffffu, a1 = ua >> 32, b0 = ub & 0xffffffffu, b1 = ub >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    i128 r;
    r.lo = (p00 & 0xffffffffu) | (mid << 32);
    r.hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    if (neg) {
        r.lo = ~r.lo + 1u;
        r.hi = ~r.hi + (r.lo == 0 ? 1u : 0u);
    }
    return r;
}

static i128 add128(i128 a, i128 b)
{
    i128 r;
    r.lo = a.lo + b.lo;
    r.hi = a.hi + b.hi + (r.lo < a.lo ? 1u : 0u);
    return r;
}

static int sign128(i128 a)
{
    if (a.hi >> 63)
        return -1;
    return (a.hi | a.lo) ? 1 : 0;
}

/* ---- triangulation ---- */
typedef struct dt {
    int np;                 /* real points + 3 super vertices */
    int64_t *x, *y;
    int (*v)[3];            /* vertices, counter-clockwise */
    int (*nb)[3];           /* nb[t][i]: triangle across the edge opposite v[t][i], -1 none */
    int nt, cap;
    int *visit, *bad;       /* stamps per triangle */
    int *list, nlist, caplist;   /* bad triangles of the current cavity */
    int *stack, capstack;
    int *ba, *bb, *bo, *bu, nbnd, capbnd; /* cavity boundary: a, b, outer tri, its slot */
} dt;

/* > 0 when c lies to the left of a->b. */
static int64_t orient(const dt *d, int a, int b, int c)
{
    return (d->x[b] - d->x[a]) * (d->y[c] - d->y[a]) - (d->y[b] - d->y[a]) * (d->x[c] - d->x[a]);
}

/* > 0 when point p lies inside the circumcircle of counter-clockwise t. */
static int incircle(const dt *d, int t, int p)
{
    int a = d->v[t][0], b = d->v[t][1], c = d->v[t][2];
    int64_t adx = d->x[a] - d->x[p], ady = d->y[a] - d->y[p];
    int64_t bdx = d->x[b] - d->x[p], bdy = d->y[b] - d->y[p];
    int64_t cdx = d->x[c] - d->x[p], cdy = d->y[c] - d->y[p];
    int64_t al = adx * adx + ady * ady, bl = bdx * bdx + bdy * bdy, cl = cdx * cdx + cdy * cdy;
    i128 s = mul64(al, bdx * cdy - cdx * bdy);
    s = add128(s, mul64(bl, cdx * ady - adx * cdy));
    s = add128(s, mul64(cl, adx * bdy - bdx * ady));
    return sign128(s);
}

static int grow_int(int **p, int *cap, int need)
{
    return sy_grow((void **)p, cap, need, sizeof **p);
}

static int grow_bnd(dt *d, int need)
{
    if (need <= d->capbnd)
        return GR_OK;
    int cap = d->capbnd, st;
    if ((st = sy_grow((void **)&d->ba, &cap, need, sizeof(int))))
        return st;
    cap = d->capbnd;
    if ((st = sy_grow((void **)&d->bb, &cap, need, sizeof(int))))
        return st;
    cap = d->capbnd;
    if ((st = sy_grow((void **)&d->bo, &cap, need, sizeof(int))))
        return st;
    cap = d->capbnd;
    if ((st = sy_grow((void **)&d->bu, &cap, need, sizeof(int))))
        return st;
    d->capbnd = cap;
    return GR_OK;
}

/* Triangle containing point p (or with p on its boundary), walking from t. */
static int locate(const dt *d, int t, int p)
{
    long steps = 0, limit = 4L * d->nt + 16;
    int rot = 0;
    while (steps++ < limit) {
        int moved = 0;
        rot = (rot + 1) % 3;
        for (int j = 0; j < 3; j++) {
            int i = (j + rot) % 3;
            if (orient(d, d->v[t][(i + 1) % 3], d->v[t][(i + 2) % 3], p) < 0) {
                t = d->nb[t][i];
                moved = 1;
                break;
            }
        }
        if (!moved)
            return t;
    }
    /* cannot happen with exact predicates; scan as a safety net */
    for (t = 0; t < d->nt; t++) {
        int in = 1;
        for (int i = 0; i < 3 && in; i++)
            in = orient(d, d->v[t][(i + 1) % 3], d->v[t][(i + 2) % 3], p) >= 0;
        if (in)
            return t;
    }
    return 0;
}

static int insert(dt *d, int p, int *last, int stamp)
{
    int t0 = locate(d, *last, p), st;
    d->nlist = 0;
    int nstack = 0;
    d->visit[t0] = stamp;
    d->bad[t0] = stamp;
    if ((st = grow_int(&d->list, &d->caplist, 1)) || (st = grow_int(&d->stack, &d->capstack, 1)))
        return st;
    d->list[d->nlist++] = t0;
    d->stack[nstack++] = t0;
    while (nstack > 0) {
        int u = d->stack[--nstack];
        for (int i = 0; i < 3; i++) {
            int w = d->nb[u][i];
            if (w < 0 || d->visit[w] == stamp)
                continue;
            d->visit[w] = stamp;
            if (incircle(d, w, p) > 0) {
                d->bad[w] = stamp;
                if ((st = grow_int(&d->list, &d->caplist, d->nlist + 1)) ||
                    (st = grow_int(&d->stack, &d->capstack, nstack + 1)))
                    return st;
                d->list[d->nlist++] = w;
                d->stack[nstack++] = w;
            }
        }
    }
    /* boundary of the cavity, each edge (a, b) counter-clockwise seen from p */
    d->nbnd = 0;
    for (int k = 0; k < d->nlist; k++) {
        int u = d->list[k];
        for (int i = 0; i < 3; i++) {
            int w = d->nb[u][i];
            if (w >= 0 && d->bad[w] == stamp)
                continue;
            if ((st = grow_bnd(d, d->nbnd + 1)))
                return st;
            d->ba[d->nbnd] = d->v[u][(i + 1) % 3];
            d->bb[d->nbnd] = d->v[u][(i + 2) % 3];
            d->bo[d->nbnd] = w;
            /* slot in the outer triangle that points back at u (found now,
             * before slots are reused and pointers become ambiguous) */
            d->bu[d->nbnd] = -1;
            if (w >= 0)
                for (int j = 0; j < 3; j++)
                    if (d->nb[w][j] == u)
                        d->bu[d->nbnd] = j;
            d->nbnd++;
        }
    }
    /* new triangles (a, b, p): reuse the cavity's slots, then two new ones */
    int nnew = d->nbnd;
    if (d->nt + nnew - d->nlist > d->cap)
        return GR_EINVAL; /* capacity is 2 per point: cannot happen */
    /* the stack (empty now) holds the new triangle of each boundary edge */
    if ((st = grow_int(&d->stack, &d->capstack, nnew)))
        return st;
    int *tri = d->stack;
    for (int k = 0; k < nnew; k++)
        tri[k] = k < d->nlist ? d->list[k] : d->nt++;
    for (int k = 0; k < nnew; k++) {
        int T = tri[k], w = d->bo[k];
        d->v[T][0] = d->ba[k];
        d->v[T][1] = d->bb[k];
        d->v[T][2] = p;
        d->nb[T][2] = w;
        d->visit[T] = 0;
        d->bad[T] = 0;
        if (w >= 0 && d->bu[k] >= 0)
            d->nb[w][d->bu[k]] = T;
    }
    /* link the fan: across (b, p) is the triangle starting at b; across
     * (p, a) the one ending at a */
    for (int k = 0; k < nnew; k++) {
        int T = tri[k];
        for (int j = 0; j < nnew; j++) {
            if (d->ba[j] == d->bb[k])
                d->nb[T][0] = tri[j];
            if (d->bb[j] == d->ba[k])
                d->nb[T][1] = tri[j];
        }
    }
    *last = tri[0];
    return GR_OK;
}

typedef struct ord {
    int64_t key;
    int i;
} ord;

static int cmp_ord(const void *a, const void *b)
{
    const ord *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static void dt_free(dt *d)
{
    gr_free(d->x);
    gr_free(d->y);
    gr_free(d->v);
    gr_free(d->nb);
    gr_free(d->visit);
    gr_free(d->bad);
    gr_free(d->list);
    gr_free(d->stack);
    gr_free(d->ba);
    gr_free(d->bb);
    gr_free(d->bo);
    gr_free(d->bu);
}

int sy_delaunay(const int *x, const int *y, int n, int **edges, int *ne)
{
    dt d;
    ord *order = NULL;
    int st = GR_ENOMEM;
    memset(&d, 0, sizeof d);
    *edges = NULL;
    *ne = 0;
    if (n < 2)
        return GR_OK;
    d.np = n + 3;
    d.cap = 2 * n + 8;
    d.x = gr_malloc((size_t)d.np * sizeof *d.x);
    d.y = gr_malloc((size_t)d.np * sizeof *d.y);
    d.v = gr_malloc((size_t)d.cap * sizeof *d.v);
    d.nb = gr_malloc((size_t)d.cap * sizeof *d.nb);
    d.visit = gr_calloc((size_t)d.cap, sizeof *d.visit);
    d.bad = gr_calloc((size_t)d.cap, sizeof *d.bad);
    order = gr_malloc((size_t)n * sizeof *order);
    if (!d.x || !d.y || !d.v || !d.nb || !d.visit || !d.bad || !order)
        goto done;
    int64_t minx = x[0], maxx = x[0], miny = y[0], maxy = y[0];
    for (int k = 0; k < n; k++) {
        d.x[k] = x[k];
        d.y[k] = y[k];
        minx = x[k] < minx ? x[k] : minx;
        maxx = x[k] > maxx ? x[k] : maxx;
        miny = y[k] < miny ? y[k] : miny;
        maxy = y[k] > maxy ? y[k] : maxy;
    }
    int64_t ext = (maxx - minx > maxy - miny ? maxx - minx : maxy - miny) + 1;
    int64_t cx = (minx + maxx) / 2, cy = (miny + maxy) / 2, big = 1000 * ext;
    d.x[n] = cx - 2 * big;
    d.y[n] = cy - big;
    d.x[n + 1] = cx + 2 * big;
    d.y[n + 1] = cy - big;
    d.x[n + 2] = cx;
    d.y[n + 2] = cy + 2 * big;
    d.v[0][0] = n;
    d.v[0][1] = n + 1;
    d.v[0][2] = n + 2;
    d.nb[0][0] = d.nb[0][1] = d.nb[0][2] = -1;
    d.nt = 1;
    /* serpentine order over a grid of about sqrt(n/4) x sqrt(n/4) cells */
    int g = 1;
    while ((int64_t)g * g * 4 < n)
        g++;
    for (int k = 0; k < n; k++) {
        int64_t cxk = (x[k] - minx) * g / ext, cyk = (y[k] - miny) * g / ext;
        if (cyk % 2)
            cxk = g - 1 - cxk;
        order[k].key = cyk * g + cxk;
        order[k].i = k;
    }
    qsort(order, (size_t)n, sizeof *order, cmp_ord);
    int last = 0;
    for (int k = 0; k < n; k++)
        if ((st = insert(&d, order[k].i, &last, k + 1)))
            goto done;
    /* edges between real points, each once */
    int cnt = 0;
    for (int t = 0; t < d.nt; t++)
        for (int i = 0; i < 3; i++) {
            int a = d.v[t][(i + 1) % 3], b = d.v[t][(i + 2) % 3], w = d.nb[t][i];
            if (a < n && b < n && (w < 0 || t < w))
                cnt++;
        }
    *edges = gr_malloc((size_t)(2 * cnt + 1) * sizeof **edges);
    if (!*edges) {
        st = GR_ENOMEM;
        goto done;
    }
    cnt = 0;
    for (int t = 0; t < d.nt; t++)
        for (int i = 0; i < 3; i++) {
            int a = d.v[t][(i + 1) % 3], b = d.v[t][(i + 2) % 3], w = d.nb[t][i];
            if (a < n && b < n && (w < 0 || t < w)) {
                (*edges)[2 * cnt] = a < b ? a : b;
                (*edges)[2 * cnt + 1] = a < b ? b : a;
                cnt++;
            }
        }
    *ne = cnt;
    st = GR_OK;
done:
    gr_free(order);
    dt_free(&d);
    return st;
}
