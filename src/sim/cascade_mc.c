/* cascade_mc.c — Monte Carlo of random N-2 initiating events (a sweep over events: threads, MPI ranks, checkpoints; seeded per event) and the empirical CCDF. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "sim/cascade_internal.h"

void gr_cascade_mc_result_free(gr_cascade_mc_result *r)
{
    if (!r)
        return;
    gr_free(r->branch1);
    gr_free(r->branch2);
    gr_free(r->mw_lost);
    gr_free(r->fraction);
    gr_free(r->n_trips);
    gr_free(r->operator_mw);
    gr_free(r->lost_by_cat_mw);
    gr_free(r->status);
    gr_free(r);
}

static int mc_alloc(int n, gr_cascade_mc_result **out)
{
    size_t m = (size_t)n + 1;
    gr_cascade_mc_result *r = gr_calloc(1, sizeof *r);
    if (!r)
        return GR_ENOMEM;
    r->n = n;
    r->branch1 = gr_calloc(m, sizeof(int));
    r->branch2 = gr_calloc(m, sizeof(int));
    r->mw_lost = gr_calloc(m, sizeof(double));
    r->fraction = gr_calloc(m, sizeof(double));
    r->n_trips = gr_calloc(m, sizeof(int));
    r->operator_mw = gr_calloc(m, sizeof(double));
    r->lost_by_cat_mw = gr_calloc(m * GR_LOSS_N, sizeof(double));
    r->status = gr_calloc(m, sizeof(int));
    if (!r->branch1 || !r->branch2 || !r->mw_lost || !r->fraction || !r->n_trips ||
        !r->operator_mw || !r->lost_by_cat_mw || !r->status) {
        gr_cascade_mc_result_free(r);
        return GR_ENOMEM;
    }
    *out = r;
    return GR_OK;
}

/* Two distinct entries of the n in-service branches `cand`, uniformly. */
static void draw_pair(uint64_t seed, int e, const int *cand, int n, int *b1, int *b2)
{
    gr_rng rng;
    gr_rng_stream(&rng, seed, (uint64_t)e);
    int i = (int)(gr_rng_uniform(&rng) * n);
    int j = (int)(gr_rng_uniform(&rng) * (n - 1));
    if (i >= n)
        i = n - 1;
    if (j >= n - 1)
        j = n - 2;
    if (j >= i)
        j++;
    *b1 = cand[i];
    *b2 = cand[j];
}

/* One sweep item is one event: per-thread workspaces; an event's record
 * (for other ranks and the checkpoint) is its slot of every array. */
typedef struct mc_sweep {
    const gr_grid *g;
    const gr_cascade_options *opt;
    gr_cascade_mc_result *r;
    casc_ws **ws;               /* per thread */
    int *ws_st;                 /* per thread: status of creating its workspace */
} mc_sweep;

static int mc_thread_init(void *ctx, int t)
{
    mc_sweep *m = ctx;
    gr_error werr = {0};
    m->ws_st[t] = casc_ws_create(m->g, m->opt, 0, &m->ws[t], &werr);
    return m->ws_st[t] == GR_ENOMEM ? GR_ENOMEM : GR_OK;
}

static void mc_thread_free(void *ctx, int t)
{
    mc_sweep *m = ctx;
    casc_ws_free(m->ws[t]);
    m->ws[t] = NULL;
}

static int mc_run(void *ctx, long item, void *record, int t)
{
    mc_sweep *m = ctx;
    gr_cascade_mc_result *r = m->r;
    const gr_grid *g = m->g;
    casc_ws *ws = m->ws[t];
    int e = (int)item;
    (void)record;
    if (!ws) {
        r->status[e] = m->ws_st[t];
        r->mw_lost[e] = r->fraction[e] = NAN;
        return GR_OK;
    }
    int dmg[2] = {r->branch1[e], r->branch2[e]};
    gr_cascade_damage d = {.n_branch = 2, .branch = dmg};
    gr_error eerr = {0};
    int est = casc_ws_run(ws, &d, &eerr);
    r->status[e] = est;
    if (est) {
        r->mw_lost[e] = r->fraction[e] = NAN;
        return est == GR_ENOMEM ? GR_ENOMEM : GR_OK;
    }
    double base = g->base_mva;
    double lost = (ws->load0 - casc_served(ws)) * base;
    r->mw_lost[e] = lost;
    r->fraction[e] = ws->load0 > 0 ? lost / (ws->load0 * base) : 0.0;
    r->n_trips[e] = ws->n_trips;
    r->operator_mw[e] = ws->lost[GR_LOSS_OPERATOR] * base;
    for (int c = 0; c < GR_LOSS_N; c++)
        r->lost_by_cat_mw[(size_t)e * GR_LOSS_N + c] = ws->lost[c] * base;
    return GR_OK;
}

static int mc_pack(void *ctx, long item, gr_sweep_buf *b)
{
    const gr_cascade_mc_result *r = ((mc_sweep *)ctx)->r;
    size_t e = (size_t)item;
    int st = gr_sweep_put(b, &r->status[e], sizeof(int));
    st = st ? st : gr_sweep_put(b, &r->mw_lost[e], sizeof(double));
    st = st ? st : gr_sweep_put(b, &r->fraction[e], sizeof(double));
    st = st ? st : gr_sweep_put(b, &r->n_trips[e], sizeof(int));
    st = st ? st : gr_sweep_put(b, &r->operator_mw[e], sizeof(double));
    return st ? st : gr_sweep_put(b, &r->lost_by_cat_mw[e * GR_LOSS_N], GR_LOSS_N * sizeof(double));
}

static int mc_unpack(void *ctx, long item, const void *data, size_t len)
{
    gr_cascade_mc_result *r = ((mc_sweep *)ctx)->r;
    size_t e = (size_t)item;
    if (gr_sweep_get(&data, &len, &r->status[e], sizeof(int)) ||
        gr_sweep_get(&data, &len, &r->mw_lost[e], sizeof(double)) ||
        gr_sweep_get(&data, &len, &r->fraction[e], sizeof(double)) ||
        gr_sweep_get(&data, &len, &r->n_trips[e], sizeof(int)) ||
        gr_sweep_get(&data, &len, &r->operator_mw[e], sizeof(double)) ||
        gr_sweep_get(&data, &len, &r->lost_by_cat_mw[e * GR_LOSS_N], GR_LOSS_N * sizeof(double)) ||
        len != 0)
        return GR_EPARSE;
    return GR_OK;
}

int gr_cascade_random_n2(const gr_grid *g, const gr_cascade_options *opt, int n_events,
                         uint64_t seed, int threads, gr_cascade_mc_result **out, gr_error *err)
{
    *out = NULL;
    double t0 = gr_time_s();
    if (n_events < 0 || threads < 0)
        return gr_error_set(err, GR_EINVAL, "random N-2: n_events and threads must be >= 0");
    int n_cand = 0;
    for (int k = 0; k < g->nl; k++)
        n_cand += g->br_on[k] != 0;
    if (n_cand < 2)
        return gr_error_set(err, GR_EINVAL, "random N-2: fewer than two branches in service");
    int *cand = gr_malloc((size_t)n_cand * sizeof(int));
    gr_cascade_mc_result *r = NULL;
    int st = GR_ENOMEM;
    if (!cand || (st = mc_alloc(n_events, &r)))
        goto done;
    n_cand = 0;
    for (int k = 0; k < g->nl; k++)
        if (g->br_on[k])
            cand[n_cand++] = k;
    for (int e = 0; e < n_events; e++)
        draw_pair(seed, e, cand, n_cand, &r->branch1[e], &r->branch2[e]);

    /* The base case once, for its error message and load; the workers build
     * their own workspaces (each solves the same base case). */
    casc_ws *probe = NULL;
    if ((st = casc_ws_create(g, opt, 0, &probe, err)))
        goto done;
    r->load0_mw = probe->load0 * g->base_mva;
    casc_ws_free(probe);

    /* The events as a sweep (src/util/sweep): threads here, chunks of events
     * on other MPI ranks, checkpoints; each event writes its own slot. */
    char kind[128];
    snprintf(kind, sizeof kind, "cascade-random-n2/1 seed=%llu ac=%d control=%d",
             (unsigned long long)seed, opt->ac, opt->control);
    mc_sweep m = {.g = g, .opt = opt, .r = r};
    gr_sweep_spec sp = {.n = n_events, .threads = threads, .ctx = &m, .run = mc_run,
                        .thread_init = mc_thread_init, .thread_free = mc_thread_free,
                        .pack = mc_pack, .unpack = mc_unpack, .kind = kind, .opt = opt->sweep};
    int nt = gr_sweep_threads(&sp);
    m.ws = gr_calloc((size_t)nt, sizeof *m.ws);
    m.ws_st = gr_calloc((size_t)nt, sizeof *m.ws_st);
    st = m.ws && m.ws_st ? gr_sweep_run(&sp, NULL, err) : GR_ENOMEM;
    gr_free(m.ws);
    gr_free(m.ws_st);
    if (st == GR_ENOMEM) {
        st = gr_error_set(err, GR_ENOMEM, "out of memory in the cascade Monte Carlo");
        goto done;
    }
    if (st)
        goto done;
    r->wall_s = gr_time_s() - t0;
    st = GR_OK;
done:
    gr_free(cand);
    if (st) {
        gr_cascade_mc_result_free(r);
        if (st == GR_ENOMEM && err && !err->msg[0])
            gr_error_set(err, st, "out of memory in the cascade Monte Carlo");
        return st;
    }
    *out = r;
    return GR_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int gr_ccdf(const double *x, int n, double **out_x, double **out_p)
{
    *out_x = *out_p = NULL;
    double *v = gr_malloc(((size_t)n + 1) * sizeof(double));
    double *p = gr_malloc(((size_t)n + 1) * sizeof(double));
    if (!v || !p) {
        gr_free(v);
        gr_free(p);
        return -1;
    }
    int m = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(x[i]))
            v[m++] = x[i];
    int total = m;
    qsort(v, (size_t)m, sizeof(double), cmp_double);
    int u = 0;
    for (int i = 0; i < total; i++) {
        if (u > 0 && v[i] == v[u - 1]) {
            p[u - 1] = (double)(total - i - 1) / total;
            continue;
        }
        v[u] = v[i];
        p[u] = (double)(total - i - 1) / total;
        u++;
    }
    *out_x = v;
    *out_p = p;
    return u;
}
