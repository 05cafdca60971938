/* campaign_state.c — the campaign's served-load states: the shedding LP on the damaged grid at the day's high and low load level, interpolated per bus, cached per run (the "hourly" stage of campaign.c's DESIGN). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/campaign_internal.h"
#include "sim/shed.h"

/* ------------------------------------------------------------------------
 * Served-load states: the shedding LP on the damaged grid.
 * ------------------------------------------------------------------------ */
void camp_entry_free(camp_entry *e)
{
    gr_free(e->key);
    gr_free(e->f_hi);
    gr_free(e->c_hi);
    gr_free(e->f_lo);
    gr_free(e->c_lo);
    gr_free(e->pg_hi);
    gr_free(e->pg_lo);
    memset(e, 0, sizeof *e);
}

/* Statuses of g: the base, minus the listed elements (encoded kind << 28 | index). */
void camp_apply_key(const camp_model *m, gr_grid *g, const int *key, int nkey)
{
    camp_grid_reset(g, m->g0);
    memcpy(g->pg, m->g0->pg, (size_t)m->ng * sizeof(double));
    for (int j = 0; j < nkey; j++)
        camp_grid_out(g, &m->adj, key[j] >> 28, key[j] & ((1 << 28) - 1));
}

/* One LP at level lam into served fractions f and critical fractions c (nb):
 * by z (the fast path) or, z NULL, the full LP (CAMP_PLAIN_LP).
 * pg_in (ng, nullable) x pg_scale is the starting dispatch (the LP starts
 * from its DC power flow); pg_out (nullable) receives the LP's dispatch. */
static int solve_level(const camp_model *m, gr_grid *g, shed_lazy *z, double lam, float *f,
                       float *c, int *exact, const double *pg_in, double pg_scale,
                       double *pg_out, int *lp_solves, camp_entry *e, int hi, gr_error *err)
{
    const gr_grid *g0 = m->g0;
    gr_shed_result *r = NULL;
    for (int b = 0; b < m->nb; b++) {
        g->pd[b] = lam * g0->pd[b];
        g->qd[b] = lam * g0->qd[b];
    }
    if (pg_in)
        for (int k = 0; k < m->ng; k++)
            g->pg[k] = pg_in[k] * pg_scale;
    int st;
    if (!z) {
        st = gr_shed_solve(g, m->lc, &m->so, &r, err);
    } else {
        double *cap = gr_malloc(((size_t)m->nb * GR_LOAD_NCLASS + 1) * sizeof(double));
        if (!cap)
            return gr_error_set(err, GR_ENOMEM, "out of memory in the campaign");
        shed_caps_from_classes(g, m->lc, cap);
        st = shed_lazy_solve(z, g, cap, &r, err);
        gr_free(cap);
    }
    (*lp_solves)++;
    if (st)
        return st;
    if (pg_out)
        memcpy(pg_out, r->pg, (size_t)m->ng * sizeof(double));
    float *pe = hi ? e->pg_hi : e->pg_lo; /* the dispatch, for the fleet's hydro budgets */
    if (pe)
        for (int k = 0; k < m->ng; k++)
            pe[k] = (float)r->pg[k];
    double scale = 0.0;
    for (int b = 0; b < m->nb; b++) {
        double pd = lam * g0->pd[b];
        if (pd > 0.0) {
            f[b] = (float)fmin(1.0, fmax(0.0, r->served_p[b] / pd));
            scale += pd;
        } else {
            f[b] = 1.0f;
        }
        double cc = lam * m->crit0[b];
        if (cc > 0.0) {
            double shed = r->shed_class_p[(size_t)b * GR_LOAD_NCLASS + GR_LOAD_CRITICAL];
            c[b] = (float)fmin(1.0, fmax(0.0, (cc - shed) / cc));
        } else {
            c[b] = 1.0f;
        }
    }
    if (exact)
        *exact = !r->relaxed && r->shed_total_p - r->dark_p <= 1e-9 * (scale > 0 ? scale : 1.0);
    if (r->relaxed) {
        e->relaxed = 1;
        *(hi ? &e->curt_hi : &e->curt_lo) = r->curtailed_p * m->base;
        *(hi ? &e->unb_hi : &e->unb_lo) = r->unbalanced_p * m->base;
        if (r->unbalanced_bus >= 0)
            e->unb_bus = r->unbalanced_bus;
    }
    gr_shed_result_free(r);
    return GR_OK;
}

/* Fill e (key already set) by solving at the high level, and at the low level
 * unless served load scales exactly; the low level starts from the high
 * level's dispatch (warm_pg, nullable, receives it).
 * The fast path (shed_solve_lazy) starts the high level from the case's
 * dispatch: a state's served load is then a function of the state alone,
 * whatever was solved before it (the LP is degenerate: among equally good
 * splits of the shed between buses of a class, the one reached depends on
 * the start). CAMP_PLAIN_LP starts it from warm_pg, the run's last LP
 * dispatch, as 353929f did. */
int camp_entry_solve(const camp_model *m, gr_grid *g, camp_entry *e, double *warm_pg,
                     int *lp_solves, gr_error *err)
{
    size_t nb = (size_t)m->nb + 1;
    e->f_hi = gr_malloc(nb * sizeof(float));
    e->c_hi = gr_malloc(nb * sizeof(float));
    e->pg_hi = gr_malloc(((size_t)m->ng + 1) * sizeof(float));
    e->unb_bus = -1;
    if (!e->f_hi || !e->c_hi || !e->pg_hi)
        return gr_error_set(err, GR_ENOMEM, "out of memory in the campaign");
    camp_apply_key(m, g, e->key, e->nkey);
    shed_lazy *z = NULL; /* the fast path: one B factorisation, the low level warm */
    int st = m->plain & CAMP_PLAIN_LP ? GR_OK : shed_lazy_create(g, &m->so, &z, err);
    const double *start = m->plain & CAMP_PLAIN_LP ? warm_pg : NULL;
    if (!st)
        st = solve_level(m, g, z, m->lam_hi, e->f_hi, e->c_hi, &e->exact, start, 1.0, warm_pg,
                         lp_solves, e, 1, err);
    if (st || e->exact || m->lam_lo >= m->lam_hi) {
        if (!st)
            e->exact = 1;
        shed_lazy_free(z);
        return st;
    }
    e->f_lo = gr_malloc(nb * sizeof(float));
    e->c_lo = gr_malloc(nb * sizeof(float));
    e->pg_lo = gr_malloc(((size_t)m->ng + 1) * sizeof(float));
    if (!e->f_lo || !e->c_lo || !e->pg_lo) {
        shed_lazy_free(z);
        return gr_error_set(err, GR_ENOMEM, "out of memory in the campaign");
    }
    st = solve_level(m, g, z, m->lam_lo, e->f_lo, e->c_lo, NULL, warm_pg, m->lam_lo / m->lam_hi,
                     NULL, lp_solves, e, 0, err);
    shed_lazy_free(z);
    return st;
}

/* Served fractions of entry e at level lam into frac/cfrac (nb). */
void camp_entry_at(const camp_model *m, const camp_entry *e, double lam, double *frac,
                   double *cfrac)
{
    if (e->exact) {
        for (int b = 0; b < m->nb; b++) {
            frac[b] = e->f_hi[b];
            cfrac[b] = e->c_hi[b];
        }
        return;
    }
    double lo = m->lam_lo, hi = m->lam_hi;
    double l = fmin(fmax(lam, lo), hi);
    double t = (l - lo) / (hi - lo);
    /* interpolate MW served, then back to a fraction of the load at l */
    for (int b = 0; b < m->nb; b++) {
        frac[b] = ((1.0 - t) * lo * e->f_lo[b] + t * hi * e->f_hi[b]) / l;
        cfrac[b] = ((1.0 - t) * lo * e->c_lo[b] + t * hi * e->c_hi[b]) / l;
    }
}

void camp_entry_relax_at(const camp_model *m, const camp_entry *e, double lam, double *curt,
                         double *unb)
{
    *curt = *unb = 0.0;
    if (!e->relaxed)
        return;
    if (e->exact || !e->f_lo) {
        *curt = e->curt_hi;
        *unb = e->unb_hi;
        return;
    }
    double lo = m->lam_lo, hi = m->lam_hi;
    double l = fmin(fmax(lam, lo), hi);
    double t = hi > lo ? (l - lo) / (hi - lo) : 1.0;
    *curt = (1.0 - t) * e->curt_lo + t * e->curt_hi;
    *unb = (1.0 - t) * e->unb_lo + t * e->unb_hi;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The key of the run's damaged (active, unrepaired) elements, sorted. */
static int make_key(camp_run *w)
{
    int n = 0;
    for (int i = 0; i < w->nd; i++) {
        const camp_dmg *d = &w->d[i];
        if (d->active && !d->done)
            w->keybuf[n++] = d->kind << 28 | d->index;
    }
    n = camp_fleet_key(w, w->keybuf, n); /* units out: starting, disconnected, no water */
    qsort(w->keybuf, (size_t)n, sizeof(int), cmp_int);
    return n;
}

static uint64_t hash_key(const int *key, int n)
{
    uint64_t h = 1469598103934665603ULL;
    for (int j = 0; j < n; j++) {
        h ^= (uint64_t)(unsigned)key[j];
        h *= 1099511628211ULL;
    }
    return h ^ (uint64_t)n;
}

/* Key (hash h, n elements) of the zeroed entry e. GR_ENOMEM. */
static int entry_key(camp_entry *e, uint64_t h, const int *key, int n, gr_error *err)
{
    e->hash = h;
    e->nkey = n;
    e->key = gr_malloc((size_t)n * sizeof(int));
    if (!e->key)
        return gr_error_set(err, GR_ENOMEM, "out of memory in the campaign");
    memcpy(e->key, key, (size_t)n * sizeof(int));
    return GR_OK;
}

/* The state of the damaged grid (no cascade window): cached per run. */
int camp_current_state(camp_run *w, const camp_entry **out)
{
    if (w->cur) {
        *out = w->cur;
        return GR_OK;
    }
    const camp_model *m = w->m;
    int n = make_key(w);
    if (n == 0) {
        *out = w->cur = &m->base_entry;
        return GR_OK;
    }
    uint64_t h = hash_key(w->keybuf, n);
    if (m->plain & CAMP_PLAIN_NOCACHE) { /* solved afresh into the older of two slots */
        camp_entry *e = &w->fresh[w->nfresh++ & 1];
        camp_entry_free(e);
        int st = entry_key(e, h, w->keybuf, n, w->err);
        if (!st)
            st = camp_entry_solve(m, w->g, e, w->warm_pg, &w->lp_solves, w->err);
        *out = e; /* w->cur stays NULL: the next hour solves again */
        return st;
    }
    for (int i = 0; i < w->ncache; i++) {
        const camp_entry *e = &w->cache[i];
        if (e->hash == h && e->nkey == n && memcmp(e->key, w->keybuf, (size_t)n * sizeof(int)) == 0) {
            *out = w->cur = e;
            return GR_OK;
        }
    }
    if (w->ncache == w->capcache) {
        int cap = w->capcache ? 2 * w->capcache : 64;
        camp_entry *c = gr_realloc(w->cache, (size_t)cap * sizeof *c);
        if (!c)
            return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
        w->cache = c;
        w->capcache = cap;
    }
    camp_entry *e = &w->cache[w->ncache];
    memset(e, 0, sizeof *e);
    int st = entry_key(e, h, w->keybuf, n, w->err);
    if (st)
        return st;
    w->ncache++;
    st = camp_entry_solve(m, w->g, e, w->warm_pg, &w->lp_solves, w->err);
    if (st)
        return st;
    *out = w->cur = e;
    return GR_OK;
}
