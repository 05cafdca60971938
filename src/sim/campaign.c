/* campaign.c — the multi-night strike campaign: attack, damage, cascade, hourly served load, repairs, resupply; Monte Carlo over runs.
 *
 * DESIGN (DESIGN §7-8; docs/campaign.md)
 *   Time runs in hours from the evening of night 1 (t = 0 at clock start_h);
 *   night k is [24 (k-1), 24 k), 24 hourly steps. Each night:
 *
 *   attack   every wave of the night's plan launches its threats; each salvo
 *            gets a target (policy capacity / worst / list); a threat flies
 *            straight from a random point of its launch area: arrival =
 *            launch + distance / speed (+ the wave's spread). All the night's
 *            threats go through one gr_ad_engage (zones keep their stock
 *            between nights). Leakers in arrival order damage their asset
 *            with p_damage x (1 - protection): a 750/330 kV substation loses
 *            its switchyard (p_switchyard) or one transformer unit, a plant
 *            one unit, a 110 kV substation its bus, a line itself.
 *   damage   a wave's damage takes effect at the hour boundary nearest the
 *            median arrival of its threats (hourly resolution).
 *   cascade  at that boundary the grid, in the operator's state before the
 *            wave (shedding LP dispatch and load at that hour's level), takes
 *            the new damage through gr_cascade_run (control shed or none).
 *            Until reclose_h later the served load is the cascade's (its
 *            tripped, undamaged elements out); then they are reclosed.
 *   hourly   otherwise served load comes from the shedding LP on the damaged
 *            grid (rateA limits, priority classes from the overlay) at that
 *            hour's load level. A state is solved at the day's highest and
 *            lowest level and interpolated per bus between them; when the
 *            LP serves all energised load at the highest level, load served
 *            scales exactly with the level (a feasible dispatch scales down),
 *            and one LP is enough. States are cached per run.
 *   repair   (one function, repair_hour: swap in the restoration planner
 *            there) crews set off within their shift window to the most
 *            important waiting job (asset loss at peak, then shortest), the
 *            nearest free crew first; a job that needs a spare waits for one
 *            in stock. Travel at speed_kmh x road_factor, then the sampled
 *            repair duration; the element is back at the next hour boundary.
 *   resupply interceptors after each night (gr_ad_resupply); spare deliveries
 *            every every_days.
 *
 *   Every run owns its grid copy, rng stream, zones, cache and output slot;
 *   the scenario and the shared model are read only, so runs are independent
 *   and the result is the same for any thread count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "sim/campaign_internal.h"

#define HOURS 24
#define NFIELD GR_HOUR_NFIELD

static const char *const cev_names[GR_CEV_NKIND] = {"damage", "hit",     "trip",
                                                    "shed",   "reclose", "repair"};

const char *gr_campaign_event_kind_name(int kind)
{
    return kind >= 0 && kind < GR_CEV_NKIND ? cev_names[kind] : "?";
}

void gr_campaign_options_default(gr_campaign_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->runs = 1;
    opt->seed = 1;
    opt->control = -1;
    opt->keep_hourly = 1;
    opt->keep_events = 1;
}

/* ------------------------------------------------------------------------
 * Shared model (read only during the runs).
 * ------------------------------------------------------------------------ */
/* A served-load state: per-bus served fraction of load and of critical load
 * at the high and low load level. */
typedef struct entry {
    uint64_t hash;
    int nkey;
    int *key;
    int exact;              /* served scales with the level: lo == hi */
    float *f_hi, *c_hi, *f_lo, *c_lo;
} entry;

typedef struct model {
    const gr_campaign_scenario *s;
    const gr_grid *g0;
    camp_adj adj;
    gr_load_classes *lc;
    gr_shed_options so;
    gr_cascade_options co;
    int nb, ng, nl, nights, control;
    double base;
    double lam_hi, lam_lo;
    double *crit0;          /* nb: critical load at peak, pu */
    double *pop, *heat_pop, *fac;  /* nb */
    int *heat_dist;         /* nb: district or -1 */
    int *dist_plant;        /* nheat: CHP plant of the district */
    int nheat;
    double *plant_pmax;     /* nplant */
    int *gen_plant;         /* ng */
    double load_pu;         /* Σ positive pd at peak */
    double population;
    int *rank;              /* worst-case ranking of eligible assets */
    int nrank;
    double *weight;         /* capacity-policy weight per asset */
    int *spare_of_kind;     /* GR_REPAIR_NKIND: spare class, -1 */
    entry base_entry;       /* the undamaged grid */
} model;

/* ------------------------------------------------------------------------
 * Per-run workspace.
 * ------------------------------------------------------------------------ */
typedef struct dmg {
    int kind, index, asset, rkind, spare;
    double t_h;             /* effective (the wave's boundary) */
    double work_h;          /* sampled repair duration */
    double work_left, travel_left;
    int crew;               /* -1: not assigned */
    int has_spare, active, done;
    int night;
    double prio;            /* planned start (planner), NaN: none */
} dmg;

typedef struct thr {
    int wave, type, asset;
    double launch_h, arrival_h, detect_h;
} thr;

typedef struct run {
    const model *m;
    gr_rng rng;             /* the night's draws: reseeded each night from night_key */
    uint64_t night_key;     /* the run's key for per-night and per-hit streams */
    gr_rng dmg;             /* draws of one hit (damage, element, repair time) */
    gr_grid *g;
    gr_error *err;
    gr_ad_zone *zones;
    int *stock;             /* spares */
    dmg *d;
    int nd, capd;
    unsigned char *dmg_br, *dmg_gen, *dmg_bus; /* damaged (active or pending) */
    unsigned char *trip_br, *trip_gen;
    int ntrip;
    double window_end;      /* cascade window: served from casc_f/casc_c until then */
    double casc_lam;
    float *casc_f, *casc_c;
    double *crew_x, *crew_y;
    int *crew_task;
    entry *cache;
    int ncache, capcache;
    const entry *cur;       /* state of the grid without the window; NULL: dirty */
    int *keybuf;
    double *run_h;          /* nb: consecutive hours mostly unserved */
    double *frac, *cfrac;   /* nb scratch */
    double *run_scratch;    /* 2 nb scratch */
    double *warm_pg;        /* ng: the last LP dispatch (next LP's start) */
    double *chp_lost;       /* nheat: share of each heat district's CHP capacity damaged */
    thr *t;
    gr_threat *gt;
    int nt, capt;
    /* outputs */
    double *hourly;         /* nights * 24 * NFIELD */
    gr_campaign_night *night;
    gr_campaign_total *total;
    gr_campaign_event *ev;
    int nev, capev, keep_events;
    double *warn_sum, *warn_min;
    int *warn_n;
    int lp_solves;
} run;

static void entry_free(entry *e)
{
    gr_free(e->key);
    gr_free(e->f_hi);
    gr_free(e->c_hi);
    gr_free(e->f_lo);
    gr_free(e->c_lo);
    memset(e, 0, sizeof *e);
}

static void model_free(model *m)
{
    camp_adj_free(&m->adj);
    gr_load_classes_free(m->lc);
    gr_free(m->crit0);
    gr_free(m->pop);
    gr_free(m->heat_pop);
    gr_free(m->fac);
    gr_free(m->heat_dist);
    gr_free(m->dist_plant);
    gr_free(m->plant_pmax);
    gr_free(m->gen_plant);
    gr_free(m->rank);
    gr_free(m->weight);
    gr_free(m->spare_of_kind);
    entry_free(&m->base_entry);
}

/* ------------------------------------------------------------------------
 * Served-load states: the shedding LP on the damaged grid.
 * ------------------------------------------------------------------------ */
/* Statuses of g: the base, minus the listed elements (encoded kind << 28 | index). */
static void apply_key(const model *m, gr_grid *g, const int *key, int nkey)
{
    camp_grid_reset(g, m->g0);
    memcpy(g->pg, m->g0->pg, (size_t)m->ng * sizeof(double));
    for (int j = 0; j < nkey; j++)
        camp_grid_out(g, &m->adj, key[j] >> 28, key[j] & ((1 << 28) - 1));
}

/* One LP at level lam into served fractions f and critical fractions c (nb).
 * pg_in (ng, nullable) x pg_scale is the starting dispatch (the LP starts
 * from its DC power flow); pg_out (nullable) receives the LP's dispatch. */
static int solve_level(const model *m, gr_grid *g, double lam, float *f, float *c, int *exact,
                       const double *pg_in, double pg_scale, double *pg_out, int *lp_solves,
                       gr_error *err)
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
    int st = gr_shed_solve(g, m->lc, &m->so, &r, err);
    (*lp_solves)++;
    if (st)
        return st;
    if (pg_out)
        memcpy(pg_out, r->pg, (size_t)m->ng * sizeof(double));
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
        *exact = r->shed_total_p - r->dark_p <= 1e-9 * (scale > 0 ? scale : 1.0);
    gr_shed_result_free(r);
    return GR_OK;
}

/* Fill e (key already set) by solving at the high level, and at the low level
 * unless served load scales exactly. warm_pg (ng, nullable): the dispatch to
 * start from (the run's last LP dispatch), updated with this state's. The
 * optimum does not depend on the start except among equally good dispatches
 * (LP degeneracy), and a run's sequence of states is fixed by its seed. */
static int entry_solve(const model *m, gr_grid *g, entry *e, double *warm_pg, int *lp_solves,
                       gr_error *err)
{
    size_t nb = (size_t)m->nb + 1;
    e->f_hi = gr_malloc(nb * sizeof(float));
    e->c_hi = gr_malloc(nb * sizeof(float));
    if (!e->f_hi || !e->c_hi)
        return gr_error_set(err, GR_ENOMEM, "out of memory in the campaign");
    apply_key(m, g, e->key, e->nkey);
    int st = solve_level(m, g, m->lam_hi, e->f_hi, e->c_hi, &e->exact, warm_pg, 1.0, warm_pg,
                         lp_solves, err);
    if (st)
        return st;
    if (e->exact || m->lam_lo >= m->lam_hi) {
        e->exact = 1;
        return GR_OK;
    }
    e->f_lo = gr_malloc(nb * sizeof(float));
    e->c_lo = gr_malloc(nb * sizeof(float));
    if (!e->f_lo || !e->c_lo)
        return gr_error_set(err, GR_ENOMEM, "out of memory in the campaign");
    return solve_level(m, g, m->lam_lo, e->f_lo, e->c_lo, NULL, warm_pg, m->lam_lo / m->lam_hi,
                       NULL, lp_solves, err);
}

/* Served fractions of entry e at level lam into frac/cfrac (nb). */
static void entry_at(const model *m, const entry *e, double lam, double *frac, double *cfrac)
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

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The key of the run's damaged (active, unrepaired) elements, sorted. */
static int make_key(run *w)
{
    int n = 0;
    for (int i = 0; i < w->nd; i++) {
        const dmg *d = &w->d[i];
        if (d->active && !d->done)
            w->keybuf[n++] = d->kind << 28 | d->index;
    }
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

/* The state of the damaged grid (no cascade window): cached per run. */
static int current_state(run *w, const entry **out)
{
    if (w->cur) {
        *out = w->cur;
        return GR_OK;
    }
    const model *m = w->m;
    int n = make_key(w);
    if (n == 0) {
        *out = w->cur = &m->base_entry;
        return GR_OK;
    }
    uint64_t h = hash_key(w->keybuf, n);
    for (int i = 0; i < w->ncache; i++) {
        const entry *e = &w->cache[i];
        if (e->hash == h && e->nkey == n && memcmp(e->key, w->keybuf, (size_t)n * sizeof(int)) == 0) {
            *out = w->cur = e;
            return GR_OK;
        }
    }
    if (w->ncache == w->capcache) {
        int cap = w->capcache ? 2 * w->capcache : 64;
        entry *c = gr_realloc(w->cache, (size_t)cap * sizeof *c);
        if (!c)
            return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
        w->cache = c;
        w->capcache = cap;
    }
    entry *e = &w->cache[w->ncache];
    memset(e, 0, sizeof *e);
    e->hash = h;
    e->nkey = n;
    e->key = gr_malloc((size_t)n * sizeof(int));
    if (!e->key)
        return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
    memcpy(e->key, w->keybuf, (size_t)n * sizeof(int));
    w->ncache++;
    int st = entry_solve(m, w->g, e, w->warm_pg, &w->lp_solves, w->err);
    if (st)
        return st;
    *out = w->cur = e;
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Events.
 * ------------------------------------------------------------------------ */
static int log_event(run *w, int night, double t_h, int kind, int ek, int ei, int cause,
                     double mw)
{
    if (!w->keep_events)
        return GR_OK;
    if (w->nev == w->capev) {
        int cap = w->capev ? 2 * w->capev : 256;
        gr_campaign_event *e = gr_realloc(w->ev, (size_t)cap * sizeof *e);
        if (!e)
            return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
        w->ev = e;
        w->capev = cap;
    }
    w->ev[w->nev++] = (gr_campaign_event){night, t_h, kind, ek, ei, cause, mw};
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Damage bookkeeping.
 * ------------------------------------------------------------------------ */
static unsigned char *dmg_flag(run *w, int kind, int index)
{
    return kind == GR_ELEM_BRANCH ? &w->dmg_br[index]
           : kind == GR_ELEM_GEN  ? &w->dmg_gen[index]
                                  : &w->dmg_bus[index];
}

/* 1 when every element of asset a is damaged. */
static int asset_dead(run *w, int a)
{
    const gr_campaign_assets *as = &w->m->s->assets;
    for (int j = as->elem_ptr[a]; j < as->elem_ptr[a + 1]; j++)
        if (!*dmg_flag(w, as->elem_kind[j], as->elem_index[j]))
            return 0;
    return 1;
}

static int repair_kind(const model *m, int asset, int kind)
{
    int cls = m->s->assets.cls[asset];
    if (cls == GR_ASSET_SUB750 || cls == GR_ASSET_SUB330)
        return kind == GR_ELEM_BUS ? GR_REPAIR_SWITCHYARD : GR_REPAIR_AUTOTRANSFORMER;
    if (cls == GR_ASSET_SUB110)
        return GR_REPAIR_SUB110;
    if (cls == GR_ASSET_LINE)
        return GR_REPAIR_LINE;
    return GR_REPAIR_PLANT + (cls - GR_ASSET_PLANT);
}

/* A damaging hit on asset a: pick the element (or -1 when nothing is left). */
static int pick_element(run *w, int a, int *kind, int *index)
{
    const gr_campaign_assets *as = &w->m->s->assets;
    int cls = as->cls[a], sy = as->switchyard[a];
    int n0 = as->elem_ptr[a], n1 = as->elem_ptr[a + 1];
    double u = gr_rng_uniform(&w->dmg), v = gr_rng_uniform(&w->dmg);
    int cand = 0;
    for (int j = n0; j < n1; j++)
        if (as->elem_kind[j] != GR_ELEM_BUS || sy < 0)
            cand += !*dmg_flag(w, as->elem_kind[j], as->elem_index[j]);
    int sy_ok = sy >= 0 && !w->dmg_bus[sy];
    if (cls == GR_ASSET_SUB750 || cls == GR_ASSET_SUB330) {
        if (sy_ok && (u < w->m->s->p_switchyard || cand == 0)) {
            *kind = GR_ELEM_BUS;
            *index = sy;
            return 0;
        }
    }
    if (cand == 0)
        return -1;
    int pick = (int)(v * cand);
    if (pick >= cand)
        pick = cand - 1;
    for (int j = n0; j < n1; j++) {
        if (as->elem_kind[j] == GR_ELEM_BUS && sy >= 0)
            continue;
        if (*dmg_flag(w, as->elem_kind[j], as->elem_index[j]))
            continue;
        if (pick-- == 0) {
            *kind = as->elem_kind[j];
            *index = as->elem_index[j];
            return 0;
        }
    }
    return -1;
}

static int add_damage(run *w, int night, int a, int kind, int index, double t_h)
{
    const model *m = w->m;
    if (w->nd == w->capd) {
        int cap = w->capd ? 2 * w->capd : 64;
        dmg *d = gr_realloc(w->d, (size_t)cap * sizeof *d);
        if (!d)
            return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
        w->d = d;
        w->capd = cap;
    }
    dmg *d = &w->d[w->nd++];
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->index = index;
    d->asset = a;
    d->rkind = repair_kind(m, a, kind);
    d->spare = m->spare_of_kind[d->rkind];
    d->t_h = t_h;
    d->work_h = fmax(0.0, gr_dist_sample(&m->s->repair[d->rkind], &w->dmg));
    d->work_left = d->work_h;
    d->crew = -1;
    d->night = night;
    d->prio = NAN;
    *dmg_flag(w, kind, index) = 1;
    w->total->damaged_kind[d->rkind]++;
    w->total->repair_work_h[d->rkind] += d->work_h;
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Attack: threats, targets, engagement, hits.
 * ------------------------------------------------------------------------ */
static int push_threat(run *w, thr t)
{
    if (w->nt == w->capt) {
        int cap = w->capt ? 2 * w->capt : 256;
        thr *a = gr_realloc(w->t, (size_t)cap * sizeof *a);
        if (!a)
            return GR_ENOMEM;
        w->t = a;
        gr_threat *b = gr_realloc(w->gt, (size_t)cap * sizeof *b);
        if (!b)
            return GR_ENOMEM;
        w->gt = b;
        w->capt = cap;
    }
    w->t[w->nt++] = t;
    return GR_OK;
}

/* Fraction s in [0, 1] of segment P0 -> P1 where it enters the rectangle
 * [x0, x1] x [y0, y1] (0 when P0 is inside; 1 when it never enters). */
static double entry_fraction(double px, double py, double qx, double qy, double x0, double x1,
                             double y0, double y1)
{
    double t0 = 0.0, t1 = 1.0;
    double dx = qx - px, dy = qy - py;
    double p[4] = {-dx, dx, -dy, dy};
    double q[4] = {px - x0, x1 - px, py - y0, y1 - py};
    for (int k = 0; k < 4; k++) {
        if (p[k] == 0.0) {
            if (q[k] < 0.0)
                return 1.0;
            continue;
        }
        double r = q[k] / p[k];
        if (p[k] < 0.0)
            t0 = fmax(t0, r);
        else
            t1 = fmin(t1, r);
    }
    return t0 <= t1 ? t0 : 1.0;
}

/* Target of the next salvo under the scenario's policy. used[] marks assets
 * already chosen in this batch (drawn without replacement while possible). */
static int next_target(run *w, unsigned char *used, int *rank_pos)
{
    const model *m = w->m;
    const gr_campaign_scenario *s = m->s;
    const gr_campaign_assets *as = &s->assets;
    if (s->target_policy == GR_TARGET_WORST) {
        for (int pass = 0; pass < 2; pass++) {
            while (*rank_pos < m->nrank) {
                int a = m->rank[(*rank_pos)++];
                if (pass == 1 || !asset_dead(w, a))
                    return a;
            }
            *rank_pos = 0;
        }
        return m->nrank > 0 ? m->rank[0] : -1;
    }
    int n = s->target_policy == GR_TARGET_LIST ? s->ntarget : as->n;
    for (int pass = 0; pass < 2; pass++) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            int a = s->target_policy == GR_TARGET_LIST ? s->target_asset[i] : i;
            double wt = s->target_policy == GR_TARGET_LIST ? s->target_weight[i] : m->weight[a];
            if (wt > 0.0 && !used[a] && (pass == 1 || !asset_dead(w, a)))
                sum += wt;
        }
        if (sum <= 0.0) {
            if (pass == 0)
                continue;
            memset(used, 0, (size_t)as->n);
            pass = -1; /* everything used: draw again from all */
            int any = 0;
            for (int i = 0; i < n && !any; i++) {
                int a = s->target_policy == GR_TARGET_LIST ? s->target_asset[i] : i;
                any = (s->target_policy == GR_TARGET_LIST ? s->target_weight[i] : m->weight[a]) > 0;
            }
            if (!any)
                return -1;
            continue;
        }
        double u = gr_rng_uniform(&w->rng) * sum, acc = 0.0;
        int last = -1;
        for (int i = 0; i < n; i++) {
            int a = s->target_policy == GR_TARGET_LIST ? s->target_asset[i] : i;
            double wt = s->target_policy == GR_TARGET_LIST ? s->target_weight[i] : m->weight[a];
            if (!(wt > 0.0 && !used[a] && (pass == 1 || !asset_dead(w, a))))
                continue;
            last = a;
            acc += wt;
            if (u < acc)
                break;
        }
        used[last] = 1;
        return last;
    }
    return -1;
}

static int cmp_arrival(const void *a, const void *b, const thr *t)
{
    int i = *(const int *)a, j = *(const int *)b;
    if (t[i].arrival_h != t[j].arrival_h)
        return t[i].arrival_h < t[j].arrival_h ? -1 : 1;
    return (i > j) - (i < j);
}

/* insertion-free merge sort of indices by arrival (qsort has no context in C11) */
static void sort_by_arrival(int *idx, int *tmp, int n, const thr *t)
{
    if (n < 2)
        return;
    int h = n / 2;
    sort_by_arrival(idx, tmp, h, t);
    sort_by_arrival(idx + h, tmp, n - h, t);
    int i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp_arrival(&idx[j], &idx[i], t) < 0 ? idx[j++] : idx[i++];
    while (i < h)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, (size_t)n * sizeof(int));
}

/* Per wave of the night: boundary hour (0..23) when its damage takes effect. */
typedef struct wave_fx {
    int hour;
    int ndmg_from, ndmg_to; /* its damaged elements w->d[from .. to-1] */
} wave_fx;

static int attack(run *w, int night, const gr_night_plan *pl, wave_fx *fx,
                  gr_campaign_night *nr)
{
    const model *m = w->m;
    const gr_campaign_scenario *s = m->s;
    const gr_campaign_assets *as = &s->assets;
    const gr_overlay *ov = s->overlay;
    double t0 = 24.0 * (night - 1);
    int st = GR_OK;
    unsigned char *used = gr_calloc((size_t)as->n + 1, 1);
    if (!used)
        return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
    w->nt = 0;
    double x0 = -s->detect_km, x1 = ov->width_km + s->detect_km;
    double y0 = -s->detect_km, y1 = ov->height_km + s->detect_km;
    for (int wi = 0; wi < pl->nwaves; wi++) {
        const gr_wave *wv = &pl->waves[wi];
        double share = 0.0;
        for (int l = 0; l < wv->nlaunch; l++)
            share += wv->launch[l].share;
        for (int ty = 0; ty < GR_THREAT_NTYPES; ty++) {
            int n = wv->count[ty];
            if (n <= 0)
                continue;
            int salvo = s->salvo[ty] > 0 ? s->salvo[ty] : 1, rank_pos = 0, a = -1;
            memset(used, 0, (size_t)as->n);
            for (int i = 0; i < n; i++) {
                if (i % salvo == 0)
                    a = next_target(w, used, &rank_pos);
                if (a < 0)
                    break;
                /* launch point */
                double u = gr_rng_uniform(&w->rng) * share, acc = 0.0;
                int l = 0;
                for (l = 0; l < wv->nlaunch - 1; l++) {
                    acc += wv->launch[l].share;
                    if (u < acc)
                        break;
                }
                const gr_launch_area *la = &wv->launch[l];
                double rr = la->radius_km * sqrt(gr_rng_uniform(&w->rng));
                double ang = 6.283185307179586 * gr_rng_uniform(&w->rng);
                double lx = la->x_km + rr * cos(ang), ly = la->y_km + rr * sin(ang);
                double tx = as->x_km[a], ty2 = as->y_km[a];
                double dist = hypot(tx - lx, ty2 - ly);
                double fly = dist / s->types[ty].speed_kmh;
                double off = wv->spread_h * (2.0 * gr_rng_uniform(&w->rng) - 1.0);
                double launch = t0 + fmax(0.0, wv->time_h + off);
                double fr = entry_fraction(lx, ly, tx, ty2, x0, x1, y0, y1);
                thr t = {wi, ty, a, launch, launch + fly, launch + fr * fly};
                if (push_threat(w, t)) {
                    gr_free(used);
                    return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
                }
                if (ty == GR_THREAT_DRONE)
                    nr->drones++;
                else
                    nr->missiles++;
                w->total->launched[ty]++;
            }
        }
    }
    gr_free(used);
    int nt = w->nt;
    for (int i = 0; i < nt; i++) {
        const thr *t = &w->t[i];
        gr_threat *g = &w->gt[i];
        memset(g, 0, sizeof *g);
        g->type = t->type;
        g->arrival_h = t->arrival_h;
        g->x_km = as->x_km[t->asset];
        g->y_km = as->y_km[t->asset];
        g->target = t->asset;
    }
    if (nt > 0 && (st = gr_ad_engage(w->zones, s->nzones, s->types, w->gt, nt, &w->rng, w->err)))
        return st;
    /* effect hour of each wave: the boundary nearest its median arrival */
    int *idx = gr_malloc((size_t)(nt + 1) * sizeof(int));
    int *tmp = gr_malloc((size_t)(nt + 1) * sizeof(int));
    double *arr = gr_malloc((size_t)(nt + 1) * sizeof(double));
    if (!idx || !tmp || !arr) {
        gr_free(idx);
        gr_free(tmp);
        gr_free(arr);
        return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
    }
    for (int wi = 0; wi < pl->nwaves; wi++) {
        int k = 0;
        for (int i = 0; i < nt; i++)
            if (w->t[i].wave == wi)
                arr[k++] = w->t[i].arrival_h - t0;
        fx[wi].hour = -1;
        if (k == 0)
            continue;
        /* median by selection (k is small) */
        for (int a = 1; a < k; a++) {
            double x = arr[a];
            int b = a - 1;
            while (b >= 0 && arr[b] > x) {
                arr[b + 1] = arr[b];
                b--;
            }
            arr[b + 1] = x;
        }
        double med = k % 2 ? arr[k / 2] : 0.5 * (arr[k / 2 - 1] + arr[k / 2]);
        int hour = (int)floor(med + 0.5);
        fx[wi].hour = hour < 0 ? 0 : hour > HOURS - 1 ? HOURS - 1 : hour;
    }
    /* outcomes, warning times and damage in arrival order */
    for (int i = 0; i < nt; i++)
        idx[i] = i;
    sort_by_arrival(idx, tmp, nt, w->t);
    int ncity = ov->ncity;
    double *first_arr = gr_malloc((size_t)(2 * ncity + 1) * sizeof(double));
    if (!first_arr) {
        gr_free(idx);
        gr_free(tmp);
        gr_free(arr);
        return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
    }
    double *first_det = first_arr + ncity;
    for (int c = 0; c < ncity; c++)
        first_arr[c] = first_det[c] = INFINITY;
    for (int wi = 0; wi < pl->nwaves; wi++)
        fx[wi].ndmg_from = fx[wi].ndmg_to = w->nd;
    /* damage is recorded wave by wave so each wave's elements are contiguous */
    for (int wi = 0; wi < pl->nwaves && !st; wi++) {
        fx[wi].ndmg_from = w->nd;
        for (int q = 0; q < nt && !st; q++) {
            int i = idx[q];
            const thr *t = &w->t[i];
            if (t->wave != wi)
                continue;
            const gr_threat *g = &w->gt[i];
            int a = t->asset, c = as->city[a];
            if (c >= 0) {
                if (t->arrival_h < first_arr[c])
                    first_arr[c] = t->arrival_h;
                if (t->detect_h < first_det[c])
                    first_det[c] = t->detect_h;
            }
            nr->interceptors_used += g->interceptors;
            w->total->outcome[t->type][g->outcome]++;
            if (g->outcome == GR_OUT_INTERCEPTED) {
                nr->intercepted++;
                continue;
            }
            if (g->outcome == GR_OUT_EW) {
                nr->ew++;
                continue;
            }
            nr->hits++;
            double p = s->p_damage[t->type][as->cls[a]] * (1.0 - as->protection[a]);
            /* Common random numbers: each hit draws from its own stream, so
             * whether it damages (protection, say) never shifts the draws of
             * other hits or of later nights (gridres protect compares options
             * on the same attacks). */
            gr_rng_stream(&w->dmg, w->night_key ^ 0x6a09e667f3bcc909ULL,
                          ((uint64_t)night << 32) | (uint64_t)i);
            double u = gr_rng_uniform(&w->dmg);
            int ek = -1, ei = -1;
            double th = t0 + fx[wi].hour;
            if (u < p && pick_element(w, a, &ek, &ei) == 0) {
                nr->damaged++;
                st = add_damage(w, night, a, ek, ei, th);
                if (!st)
                    st = log_event(w, night, th, GR_CEV_DAMAGE, ek, ei, t->type, 0.0);
            } else {
                int j = as->elem_ptr[a];
                ek = as->switchyard[a] >= 0 ? GR_ELEM_BUS : as->elem_kind[j];
                ei = as->switchyard[a] >= 0 ? as->switchyard[a] : as->elem_index[j];
                st = log_event(w, night, th, GR_CEV_HIT, ek, ei, t->type, 0.0);
            }
        }
        fx[wi].ndmg_to = w->nd;
    }
    for (int c = 0; c < ncity; c++) {
        if (!isfinite(first_arr[c]))
            continue;
        double warn = fmax(0.0, first_arr[c] - first_det[c]) * 60.0;
        w->warn_sum[c] += warn;
        w->warn_n[c]++;
        if (isnan(w->warn_min[c]) || warn < w->warn_min[c])
            w->warn_min[c] = warn;
    }
    gr_free(first_arr);
    gr_free(idx);
    gr_free(tmp);
    gr_free(arr);
    return st;
}

/* ------------------------------------------------------------------------
 * Cascade at a wave's boundary.
 * ------------------------------------------------------------------------ */
static int uf_root(int *p, int a)
{
    while (p[a] != a) {
        p[a] = p[p[a]];
        a = p[a];
    }
    return a;
}

/* The operator's state before a wave on w->g: statuses of the state `key`,
 * load served as entry e gives at level lam, and a balanced dispatch: each
 * island's served load shared by its units in proportion to pmax. */
static void pre_wave_state(run *w, const entry *e, double lam, int nkey)
{
    const model *m = w->m;
    gr_grid *g = w->g;
    const gr_grid *g0 = m->g0;
    int nb = m->nb;
    int *uf = w->keybuf + nkey; /* keybuf has room for nl + ng + nb entries */
    double *load = w->run_scratch, *cap = w->run_scratch + nb;
    apply_key(m, g, w->keybuf, nkey);
    entry_at(m, e, lam, w->frac, w->cfrac);
    for (int b = 0; b < nb; b++) {
        uf[b] = b;
        load[b] = cap[b] = 0.0;
        double pd = lam * g0->pd[b];
        g->pd[b] = pd > 0.0 ? pd * w->frac[b] : pd;
        g->qd[b] = lam * g0->qd[b] * (pd > 0.0 ? w->frac[b] : 1.0);
    }
    for (int k = 0; k < m->nl; k++)
        if (g->br_on[k]) {
            int a = uf_root(uf, g->br_f[k]), c = uf_root(uf, g->br_t[k]);
            if (a != c)
                uf[a] = c;
        }
    for (int b = 0; b < nb; b++)
        if (g->bus_type[b] != GR_BUS_ISOLATED)
            load[uf_root(uf, b)] += g->pd[b];
    for (int k = 0; k < m->ng; k++)
        if (g->gen_on[k] && g->pmax[k] > 0.0)
            cap[uf_root(uf, g->gen_bus[k])] += g->pmax[k];
    for (int k = 0; k < m->ng; k++) {
        int r = uf_root(uf, g->gen_bus[k]);
        double f = cap[r] > 0.0 ? fmin(1.0, fmax(0.0, load[r] / cap[r])) : 0.0;
        g->pg[k] = g->gen_on[k] && g->pmax[k] > 0.0 ? f * g->pmax[k] : 0.0;
    }
}

static int cascade(run *w, int night, double t_h, double lam, int from, int to,
                   const entry *before)
{
    const model *m = w->m;
    gr_grid *g = w->g;
    gr_cascade_result *cr = NULL;
    int st;
    /* the operator's state before the wave: damage so far (not this wave's) */
    int n = 0;
    for (int i = 0; i < w->nd; i++) {
        const dmg *d = &w->d[i];
        if (d->active && !d->done && (i < from || i >= to))
            w->keybuf[n++] = d->kind << 28 | d->index;
    }
    pre_wave_state(w, before, lam, n);
    /* the new damage */
    int nbr = 0, ngen = 0, nbus = 0;
    for (int i = from; i < to; i++) {
        int k = w->d[i].kind;
        nbr += k == GR_ELEM_BRANCH;
        ngen += k == GR_ELEM_GEN;
        nbus += k == GR_ELEM_BUS;
    }
    int *buf = gr_malloc((size_t)(to - from + 1) * sizeof(int));
    if (!buf)
        return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
    int *br = buf, *gn = buf + nbr, *bs = buf + nbr + ngen;
    int ib = 0, ig = 0, is = 0;
    for (int i = from; i < to; i++) {
        const dmg *d = &w->d[i];
        if (d->kind == GR_ELEM_BRANCH)
            br[ib++] = d->index;
        else if (d->kind == GR_ELEM_GEN)
            gn[ig++] = d->index;
        else
            bs[is++] = d->index;
    }
    gr_cascade_damage cd = {nbr, ngen, nbus, br, gn, bs};
    gr_cascade_options co = m->co;
    st = gr_cascade_run(g, &cd, &co, &cr, w->err);
    gr_free(buf);
    if (st)
        return st;
    /* tripped: off after the cascade, in service before, not damaged */
    memset(w->trip_br, 0, (size_t)m->nl);
    memset(w->trip_gen, 0, (size_t)m->ng);
    w->ntrip = 0;
    for (int k = 0; k < m->nl; k++)
        if (g->br_on[k] && !cr->br_on[k] && !w->dmg_br[k]) {
            w->trip_br[k] = 1;
            w->ntrip++;
        }
    for (int k = 0; k < m->ng; k++)
        if (g->gen_on[k] && !cr->gen_on[k] && !w->dmg_gen[k]) {
            w->trip_gen[k] = 1;
            w->ntrip++;
        }
    /* window fractions, relative to the full load at this level */
    double base = m->base;
    for (int b = 0; b < m->nb; b++) {
        double pd = lam * m->g0->pd[b];
        double served = pd > 0.0 ? fmin(pd, cr->pd_mw[b] / base) : 0.0;
        w->casc_f[b] = pd > 0.0 ? (float)(served / pd) : 1.0f;
        double cc = lam * m->crit0[b];
        w->casc_c[b] = cc > 0.0 ? (float)fmin(1.0, served / cc) : 1.0f;
    }
    w->casc_lam = lam;
    /* events */
    for (int e = 0; e < cr->n_events && !st; e++) {
        const gr_cascade_event *ev = &cr->events[e];
        double te = t_h + ev->t_s / 3600.0;
        if (ev->cause == GR_CAUSE_DAMAGE) {
            /* add its lost load to this wave's damage event of that element */
            if (ev->mw_lost > 0.0 && w->keep_events)
                for (int j = w->nev - 1; j >= 0; j--) {
                    gr_campaign_event *x = &w->ev[j];
                    if (x->kind == GR_CEV_DAMAGE && x->elem_kind == ev->kind &&
                        x->elem_index == ev->index && x->night == night) {
                        x->mw_lost += ev->mw_lost;
                        break;
                    }
                }
            continue;
        }
        int kind = gr_cascade_cause_category(ev->cause) >= 0 ? GR_CEV_SHED : GR_CEV_TRIP;
        st = log_event(w, night, te, kind, ev->kind, ev->index, ev->cause, ev->mw_lost);
    }
    gr_cascade_result_free(cr);
    return st;
}

/* ------------------------------------------------------------------------
 * Repairs over one hour (the day's repair step; swap in the planner here).
 * ------------------------------------------------------------------------ */
static int in_shift(const gr_campaign_scenario *s, double clock)
{
    if (s->work_h_per_day >= 24.0)
        return 1;
    double d = fmod(clock - s->work_start_h + 48.0, 24.0);
    return d < s->work_h_per_day;
}

/* Priority: 1 when job i goes before job j. Jobs the planner ordered first, by
 * planned start; then the dispatch rule. */
static int before(const run *w, int i, int j)
{
    const dmg *a = &w->d[i], *b = &w->d[j];
    const double *loss = w->m->s->assets.loss_mw;
    if (!isnan(a->prio) || !isnan(b->prio)) {
        if (isnan(b->prio))
            return 1;
        if (isnan(a->prio))
            return 0;
        if (a->prio != b->prio)
            return a->prio < b->prio;
        return i < j;
    }
    if (loss[a->asset] != loss[b->asset])
        return loss[a->asset] > loss[b->asset];
    if (a->work_left != b->work_left)
        return a->work_left < b->work_left;
    return i < j;
}

/* The restoration planner (gr_restore_plan, greedy) orders the most important
 * waiting jobs for the free crews at the start of the shift: each gets its
 * planned start as priority. The grid it plans on has every other damaged
 * element out, at peak load. */
static int plan_day(run *w, double t_h)
{
    const model *m = w->m;
    const gr_campaign_scenario *s = m->s;
    const gr_campaign_assets *as = &s->assets;
    int *job = gr_malloc(((size_t)w->nd + 1) * sizeof(int));
    int *need = gr_calloc((size_t)s->nspares + 1, sizeof(int));
    double *cx = gr_malloc(((size_t)s->crews + 1) * sizeof(double));
    double *cy = gr_malloc(((size_t)s->crews + 1) * sizeof(double));
    gr_damage *d = NULL;
    gr_restore_result *res = NULL;
    int st = GR_ENOMEM, n = 0, nc = 0;
    if (!job || !need || !cx || !cy)
        goto done;
    for (int i = 0; i < w->nd; i++)
        w->d[i].prio = NAN;
    /* candidates by the dispatch rule; a job short of a spare waits */
    for (int i = 0; i < w->nd; i++) {
        const dmg *x = &w->d[i];
        if (!x->active || x->done || x->crew >= 0)
            continue;
        if (x->spare >= 0 && !x->has_spare && need[x->spare] >= w->stock[x->spare])
            continue;
        if (x->spare >= 0 && !x->has_spare)
            need[x->spare]++;
        int k = n++;
        while (k > 0 && before(w, i, job[k - 1])) {
            job[k] = job[k - 1];
            k--;
        }
        job[k] = i;
    }
    if (n > s->planner_max_jobs)
        n = s->planner_max_jobs;
    for (int c = 0; c < s->crews; c++)
        if (w->crew_task[c] < 0) {
            cx[nc] = w->crew_x[c];
            cy[nc++] = w->crew_y[c];
        }
    st = GR_OK;
    if (n == 0 || nc == 0)
        goto done;
    if ((st = gr_damage_alloc(n, s->nspares, &d)))
        goto done;
    for (int k = 0; k < s->nspares; k++) {
        d->spare[k].name = gr_malloc(strlen(s->spares[k].name) + 1);
        if (!d->spare[k].name) {
            st = GR_ENOMEM;
            goto done;
        }
        strcpy(d->spare[k].name, s->spares[k].name);
        d->spare[k].stock = w->stock[k];
        d->spare[k].lead_h = INFINITY;
    }
    for (int k = 0; k < n; k++) {
        const dmg *x = &w->d[job[k]];
        gr_damage_elem *e = &d->elem[k];
        e->kind = x->kind;
        e->index = x->index;
        e->cls = gr_damage_classify(m->g0, x->kind, x->index);
        e->repair_h = fmax(0.0, x->work_left);
        e->spare = x->spare >= 0 && !x->has_spare ? x->spare : -1;
        e->spare_count = e->spare >= 0 ? 1 : 0;
        e->x_km = as->x_km[x->asset];
        e->y_km = as->y_km[x->asset];
    }
    /* the grid: every other damaged element out, peak load */
    {
        int nk = 0;
        for (int i = 0; i < w->nd; i++) {
            const dmg *x = &w->d[i];
            int planned = 0;
            for (int k = 0; k < n; k++)
                planned |= job[k] == i;
            if (x->active && !x->done && !planned)
                w->keybuf[nk++] = x->kind << 28 | x->index;
        }
        apply_key(m, w->g, w->keybuf, nk);
        memcpy(w->g->pd, m->g0->pd, (size_t)m->nb * sizeof(double));
        memcpy(w->g->qd, m->g0->qd, (size_t)m->nb * sizeof(double));
    }
    gr_restore_options o;
    gr_restore_options_default(&o);
    o.method = GR_RESTORE_GREEDY;
    o.crews = nc;
    o.start_h = t_h;
    o.clock_h = s->start_h;
    o.speed_kmh = s->speed_kmh;
    o.road_factor = s->road_factor;
    o.work_h_per_day = s->work_h_per_day;
    o.shift_start_h = s->work_start_h;
    o.crew_x_km = cx;
    o.crew_y_km = cy;
    o.classes = m->lc;
    o.shed = m->so;
    if ((st = gr_restore_plan(w->g, s->overlay, d, &o, &res, w->err)))
        goto done;
    for (int k = 0; k < res->n; k++)
        w->d[job[res->task[k].elem]].prio = res->task[k].start_h;
    w->lp_solves += res->lp_solves;
done:
    if (st == GR_ENOMEM)
        gr_error_set(w->err, st, "out of memory in the campaign's repair planning");
    gr_restore_result_free(res);
    gr_damage_free(d);
    gr_free(job);
    gr_free(need);
    gr_free(cx);
    gr_free(cy);
    return st;
}

static int repair_hour(run *w, double t_h)
{
    const model *m = w->m;
    const gr_campaign_scenario *s = m->s;
    const gr_campaign_assets *as = &s->assets;
    double clock = camp_clock_h(s, t_h);
    int st;
    if (s->repair_method == GR_CAMPAIGN_REPAIR_PLANNER &&
        floor(clock) == floor(fmod(s->work_start_h, 24.0)) && (st = plan_day(w, t_h)))
        return st;
    /* dispatch within the shift */
    if (in_shift(s, clock)) {
        for (;;) {
            int best = -1;
            for (int i = 0; i < w->nd; i++) {
                const dmg *d = &w->d[i];
                if (!d->active || d->done || d->crew >= 0)
                    continue;
                if (d->spare >= 0 && !d->has_spare && w->stock[d->spare] <= 0)
                    continue;
                if (best < 0 || before(w, i, best))
                    best = i;
            }
            if (best < 0)
                break;
            dmg *d = &w->d[best];
            double x = as->x_km[d->asset], y = as->y_km[d->asset];
            int crew = -1;
            double bd = INFINITY;
            for (int c = 0; c < s->crews; c++) {
                if (w->crew_task[c] >= 0)
                    continue;
                double dd = hypot(w->crew_x[c] - x, w->crew_y[c] - y);
                if (dd < bd) {
                    bd = dd;
                    crew = c;
                }
            }
            if (crew < 0)
                break;
            if (d->spare >= 0 && !d->has_spare) {
                w->stock[d->spare]--;
                d->has_spare = 1;
            }
            d->crew = crew;
            d->travel_left = bd * s->road_factor / s->speed_kmh;
            w->crew_task[crew] = best;
        }
    }
    /* progress: travel, then work, one hour */
    for (int c = 0; c < s->crews; c++) {
        int i = w->crew_task[c];
        if (i < 0)
            continue;
        dmg *d = &w->d[i];
        double left = 1.0, use = fmin(d->travel_left, left);
        d->travel_left -= use;
        left -= use;
        d->work_left -= left;
        if (d->travel_left <= 0.0 && d->work_left <= 1e-9) {
            d->done = 2; /* finishes at the next boundary */
            w->crew_task[c] = -1;
            w->crew_x[c] = as->x_km[d->asset];
            w->crew_y[c] = as->y_km[d->asset];
        }
    }
    return GR_OK;
}

/* Repairs finished in the last hour come back at boundary t_h. */
static int finish_repairs(run *w, int night, double t_h)
{
    int st = GR_OK;
    for (int i = 0; i < w->nd && !st; i++) {
        dmg *d = &w->d[i];
        if (d->done != 2)
            continue;
        d->done = 1;
        *dmg_flag(w, d->kind, d->index) = 0;
        w->cur = NULL;
        w->total->repairs_done[d->rkind]++;
        w->total->restore_h[d->rkind] += t_h - d->t_h;
        st = log_event(w, night, t_h, GR_CEV_REPAIR, d->kind, d->index, d->rkind, 0.0);
    }
    /* compact finished entries away now and then */
    if (w->nd > 256) {
        int k = 0;
        for (int i = 0; i < w->nd; i++)
            if (!(w->d[i].done == 1))
                w->d[k++] = w->d[i];
        if (k != w->nd) {
            for (int c = 0; c < w->m->s->crews; c++)
                w->crew_task[c] = -1;
            for (int i = 0; i < k; i++)
                if (w->d[i].crew >= 0 && !w->d[i].done)
                    w->crew_task[w->d[i].crew] = i;
            w->nd = k;
        }
    }
    return st;
}

/* ------------------------------------------------------------------------
 * One run.
 * ------------------------------------------------------------------------ */
static void run_free(run *w)
{
    gr_grid_free(w->g);
    gr_free(w->zones);
    gr_free(w->stock);
    gr_free(w->d);
    gr_free(w->dmg_br);
    gr_free(w->dmg_gen);
    gr_free(w->dmg_bus);
    gr_free(w->trip_br);
    gr_free(w->trip_gen);
    gr_free(w->casc_f);
    gr_free(w->casc_c);
    gr_free(w->crew_x);
    gr_free(w->crew_y);
    gr_free(w->crew_task);
    for (int i = 0; i < w->ncache; i++)
        entry_free(&w->cache[i]);
    gr_free(w->cache);
    gr_free(w->keybuf);
    gr_free(w->run_h);
    gr_free(w->frac);
    gr_free(w->cfrac);
    gr_free(w->run_scratch);
    gr_free(w->warm_pg);
    gr_free(w->chp_lost);
    gr_free(w->t);
    gr_free(w->gt);
}

static int run_init(run *w, const model *m)
{
    const gr_campaign_scenario *s = m->s;
    size_t nb = (size_t)m->nb + 1, nl = (size_t)m->nl + 1, ng = (size_t)m->ng + 1;
    size_t ne = (size_t)(m->nl + m->ng + 2 * m->nb) + 1;
    if (gr_grid_copy(m->g0, &w->g))
        return GR_ENOMEM;
    w->zones = gr_malloc(((size_t)s->nzones + 1) * sizeof *w->zones);
    w->stock = gr_calloc((size_t)s->nspares + 1, sizeof(int));
    w->dmg_br = gr_calloc(nl, 1);
    w->dmg_gen = gr_calloc(ng, 1);
    w->dmg_bus = gr_calloc(nb, 1);
    w->trip_br = gr_calloc(nl, 1);
    w->trip_gen = gr_calloc(ng, 1);
    w->casc_f = gr_malloc(nb * sizeof(float));
    w->casc_c = gr_malloc(nb * sizeof(float));
    w->crew_x = gr_malloc(((size_t)s->crews + 1) * sizeof(double));
    w->crew_y = gr_malloc(((size_t)s->crews + 1) * sizeof(double));
    w->crew_task = gr_malloc(((size_t)s->crews + 1) * sizeof(int));
    w->keybuf = gr_malloc(ne * sizeof(int));
    w->run_h = gr_calloc(nb, sizeof(double));
    w->frac = gr_malloc(nb * sizeof(double));
    w->cfrac = gr_malloc(nb * sizeof(double));
    w->run_scratch = gr_malloc(2 * nb * sizeof(double));
    w->warm_pg = gr_malloc(ng * sizeof(double));
    w->chp_lost = gr_calloc((size_t)m->nheat + 1, sizeof(double));
    if (!w->run_scratch || !w->warm_pg || !w->chp_lost || !w->zones || !w->stock || !w->dmg_br || !w->dmg_gen || !w->dmg_bus || !w->trip_br ||
        !w->trip_gen || !w->casc_f || !w->casc_c || !w->crew_x || !w->crew_y || !w->crew_task ||
        !w->keybuf || !w->run_h || !w->frac || !w->cfrac)
        return GR_ENOMEM;
    if (s->nzones)
        memcpy(w->zones, s->zones, (size_t)s->nzones * sizeof *w->zones);
    memcpy(w->warm_pg, m->g0->pg, (size_t)m->ng * sizeof(double));
    for (int k = 0; k < s->nspares; k++)
        w->stock[k] = s->spares[k].stock;
    for (int c = 0; c < s->crews; c++) {
        w->crew_x[c] = s->crew_x_km[c];
        w->crew_y[c] = s->crew_y_km[c];
        w->crew_task[c] = -1;
    }
    w->window_end = -INFINITY;
    return GR_OK;
}

static int spares_left(const run *w)
{
    int n = 0;
    for (int k = 0; k < w->m->s->nspares; k++)
        n += w->stock[k];
    return n;
}

/* Record hour t of night (0-based index), returns the level served/load. */
static double record_hour(run *w, int night, int h, double lam, const double *frac,
                          const double *cfrac, gr_campaign_night *nr, double *heat_out)
{
    const model *m = w->m;
    const gr_campaign_scenario *s = m->s;
    const gr_grid *g0 = m->g0;
    double base = m->base;
    double load = 0.0, served = 0.0, crit = 0.0, nopower = 0.0, noheat = 0.0, dark = 0.0;
    /* heat: share of each district's CHP capacity damaged */
    double *chp_lost = w->chp_lost;
    int nh = m->nheat;
    for (int d = 0; d < nh; d++)
        chp_lost[d] = 0.0;
    for (int i = 0; i < w->nd; i++) {
        const dmg *x = &w->d[i];
        if (x->kind != GR_ELEM_GEN || !x->active || x->done)
            continue;
        int p = m->gen_plant[x->index];
        for (int d = 0; d < nh; d++)
            if (p >= 0 && m->dist_plant[d] == p && m->plant_pmax[p] > 0.0)
                chp_lost[d] += g0->pmax[x->index] / m->plant_pmax[p];
    }
    for (int b = 0; b < m->nb; b++) {
        double pd = g0->pd[b] * lam;
        double f = frac[b];
        if (pd > 0.0) {
            load += pd;
            served += f * pd;
            nopower += m->pop[b] * (1.0 - f);
        }
        crit += cfrac[b] * lam * m->crit0[b];
        dark += m->fac[b] * (1.0 - cfrac[b]);
        w->run_h[b] = 1.0 - f > 0.5 ? w->run_h[b] + 1.0 : 0.0;
        if (m->heat_pop[b] > 0.0) {
            int d = m->heat_dist[b];
            double x = d >= 0 && d < nh ? chp_lost[d] : 0.0;
            if (w->run_h[b] >= s->heat_loss_h && s->heat_loss_h > 0.0)
                x = fmax(x, 1.0 - f);
            else if (s->heat_loss_h <= 0.0)
                x = fmax(x, 1.0 - f);
            noheat += m->heat_pop[b] * x;
        }
    }
    double load_mw = load * base, served_mw = served * base;
    if (served_mw > load_mw)
        served_mw = load_mw;
    if (w->hourly) {
        double *row = w->hourly + ((size_t)night * HOURS + (size_t)h) * NFIELD;
        row[GR_HOUR_LOAD_MW] = load_mw;
        row[GR_HOUR_SERVED_MW] = served_mw;
        row[GR_HOUR_SERVED_CRITICAL_MW] = crit * base;
        row[GR_HOUR_PEOPLE_NO_POWER] = nopower;
        row[GR_HOUR_PEOPLE_NO_HEAT] = noheat;
    }
    double lost = load_mw - served_mw;
    nr->ens_mwh += lost;
    if (lost > nr->peak_lost_mw)
        nr->peak_lost_mw = lost;
    nr->customer_hours += nopower;
    if (noheat > nr->people_without_heat_max)
        nr->people_without_heat_max = noheat;
    nr->critical_dark_h += dark;
    gr_campaign_total *tot = w->total;
    tot->ens_mwh += lost;
    tot->customer_hours += nopower;
    tot->critical_dark_h += dark;
    if (lost > tot->peak_lost_mw)
        tot->peak_lost_mw = lost;
    if (nopower > tot->people_without_power_max)
        tot->people_without_power_max = nopower;
    tot->people_without_power_mean += nopower;
    if (noheat > tot->people_without_heat_max)
        tot->people_without_heat_max = noheat;
    *heat_out = noheat;
    return load_mw > 0.0 ? served_mw / load_mw : 1.0;
}

/* Progress: nights done over all runs. */
typedef struct progress {
    const gr_campaign_options *opt;
    int done, total;
} progress;

static void progress_tick(progress *p)
{
    if (!p->opt->progress)
        return;
#pragma omp critical(gr_campaign_progress)
    {
        p->done++;
        p->opt->progress(p->opt->user, p->done, p->total);
    }
}

static int run_one(const model *m, int ri, uint64_t seed, double *hourly, gr_campaign_night *nights,
                   gr_campaign_total *tot, double *warn_mean, double *warn_min, int keep_events,
                   gr_campaign_event **ev_out, int *nev_out, int *lp_out, progress *prog,
                   gr_error *err)
{
    const gr_campaign_scenario *s = m->s;
    run w;
    memset(&w, 0, sizeof w);
    w.m = m;
    w.err = err;
    w.hourly = hourly;
    w.total = tot;
    w.keep_events = keep_events;
    w.warn_min = warn_min;
    int ncity = s->overlay->ncity;
    w.warn_sum = gr_calloc((size_t)ncity + 1, sizeof(double));
    w.warn_n = gr_calloc((size_t)ncity + 1, sizeof(int));
    double *level = gr_malloc((size_t)(m->nights * HOURS + 1) * sizeof(double));
    wave_fx *fx = NULL;
    int maxw = 1;
    for (int p = 0; p < s->nplans; p++)
        if (s->plans[p].nwaves > maxw)
            maxw = s->plans[p].nwaves;
    fx = gr_malloc((size_t)maxw * sizeof *fx);
    int st = GR_ENOMEM;
    if (!w.warn_sum || !w.warn_n || !level || !fx || run_init(&w, m)) {
        gr_error_set(err, GR_ENOMEM, "out of memory in the campaign");
        goto done;
    }
    for (int c = 0; c < ncity; c++)
        warn_min[c] = NAN;
    gr_rng_stream(&w.rng, seed, (uint64_t)ri);
    w.night_key = gr_rng_next(&w.rng);
    memset(tot, 0, sizeof *tot);
    double prev_level = 1.0;
    for (int night = 1; night <= m->nights; night++) {
        gr_campaign_night *nr = &nights[night - 1];
        memset(nr, 0, sizeof *nr);
        gr_rng_stream(&w.rng, w.night_key, (uint64_t)night); /* the night's attack */
        const gr_night_plan *pl = gr_campaign_night_plan(s, night);
        double t0 = 24.0 * (night - 1);
        int nw = pl ? pl->nwaves : 0;
        if (pl && (st = attack(&w, night, pl, fx, nr)))
            goto done;
        int first_hour = HOURS;
        for (int wi = 0; wi < nw; wi++)
            if (fx[wi].hour >= 0 && fx[wi].hour < first_hour)
                first_hour = fx[wi].hour;
        nr->has_event = first_hour < HOURS;
        double *lv = level + (size_t)(night - 1) * HOURS;
        double heat;
        for (int h = 0; h < HOURS; h++) {
            double t = t0 + h;
            double clock = camp_clock_h(s, t);
            double lam = s->profile[(int)floor(clock) % 24];
            if ((st = finish_repairs(&w, night, t)))
                goto done;
            /* spare deliveries */
            for (int k = 0; k < s->nspares; k++) {
                double every = floor(s->spares[k].every_days * 24.0 + 0.5);
                if (every > 0.0 && t > 0.0 && fmod(t, every) == 0.0)
                    w.stock[k] += s->spares[k].units;
            }
            /* reclose what the last cascade tripped */
            if (w.ntrip > 0 && t >= w.window_end) {
                for (int k = 0; k < m->nl && !st; k++)
                    if (w.trip_br[k])
                        st = log_event(&w, night, t, GR_CEV_RECLOSE, GR_ELEM_BRANCH, k, 0, 0.0);
                for (int k = 0; k < m->ng && !st; k++)
                    if (w.trip_gen[k])
                        st = log_event(&w, night, t, GR_CEV_RECLOSE, GR_ELEM_GEN, k, 0, 0.0);
                if (st)
                    goto done;
                memset(w.trip_br, 0, (size_t)m->nl);
                memset(w.trip_gen, 0, (size_t)m->ng);
                w.ntrip = 0;
            }
            /* waves taking effect now: activate their damage, then one cascade
               from the state before them */
            int from = -1, to = -1;
            const entry *before = NULL;
            for (int wi = 0; wi < nw && !before; wi++)
                if (fx[wi].hour == h && fx[wi].ndmg_to > fx[wi].ndmg_from &&
                    (st = current_state(&w, &before)))
                    goto done;
            for (int wi = 0; wi < nw; wi++) {
                if (fx[wi].hour != h)
                    continue;
                for (int i = fx[wi].ndmg_from; i < fx[wi].ndmg_to; i++)
                    w.d[i].active = 1;
                if (fx[wi].ndmg_to > fx[wi].ndmg_from) {
                    if (from < 0 || fx[wi].ndmg_from < from)
                        from = fx[wi].ndmg_from;
                    if (fx[wi].ndmg_to > to)
                        to = fx[wi].ndmg_to;
                }
            }
            if (from >= 0) {
                w.cur = NULL;
                if ((st = cascade(&w, night, t, lam, from, to, before)))
                    goto done;
                w.window_end = t + ceil(s->reclose_h);
                if (s->reclose_h <= 0.0)
                    w.window_end = t;
            }
            if (t < w.window_end) {
                /* cascade window: the cascade's served fractions */
                for (int b = 0; b < m->nb; b++) {
                    w.frac[b] = w.casc_f[b];
                    w.cfrac[b] = w.casc_c[b];
                }
            } else {
                const entry *e = NULL;
                if ((st = current_state(&w, &e)))
                    goto done;
                entry_at(m, e, lam, w.frac, w.cfrac);
            }
            if (h == first_hour)
                nr->level_before_wave = h > 0 ? lv[h - 1] : prev_level;
            lv[h] = record_hour(&w, night - 1, h, lam, w.frac, w.cfrac, nr, &heat);
            if ((st = repair_hour(&w, t)))
                goto done;
        }
        if (!nr->has_event)
            nr->level_before_wave = prev_level;
        /* the night's trapezoid: the level curve with the hour before prepended */
        {
            double cur[HOURS + 1];
            cur[0] = prev_level;
            memcpy(cur + 1, lv, HOURS * sizeof(double));
            int te = nr->has_event ? first_hour + 1 : 1;
            gr_trapezoid_compute(cur, HOURS + 1, 1.0, te, &nr->trap);
            if (!nr->has_event) {
                nr->trap.phi = nr->trap.lambda = nr->trap.e_h = nr->trap.pi = 0.0;
            }
        }
        prev_level = lv[HOURS - 1];
        gr_ad_resupply(w.zones, s->nzones);
        nr->spares_left = spares_left(&w);
        tot->interceptors_used += nr->interceptors_used;
        tot->damaged += nr->damaged;
        progress_tick(prog);
    }
    /* totals */
    {
        int nn = m->nights;
        double *tmp = gr_malloc((size_t)(4 * nn + 1) * sizeof(double));
        if (!tmp) {
            st = gr_error_set(err, GR_ENOMEM, "out of memory in the campaign");
            goto done;
        }
        double *phi = tmp, *e = tmp + nn, *pi = tmp + 2 * nn, *lvl = tmp + 3 * nn;
        double worst = -1.0;
        for (int k = 0; k < nn; k++) {
            const gr_campaign_night *nr = &nights[k];
            phi[k] = nr->has_event ? nr->trap.phi : NAN;
            e[k] = nr->has_event ? nr->trap.e_h : NAN;
            pi[k] = nr->has_event ? nr->trap.pi : NAN;
            lvl[k] = nr->level_before_wave;
            if (nr->ens_mwh > worst) {
                worst = nr->ens_mwh;
                tot->worst_night = k + 1;
            }
        }
        tot->phi_trend = gr_trend_slope(phi, nn);
        tot->e_trend = gr_trend_slope(e, nn);
        tot->pi_trend = gr_trend_slope(pi, nn);
        tot->level_trend = gr_trend_slope(lvl, nn);
        gr_free(tmp);
        int win = nn < 7 ? nn : 7;
        double best = 0.0;
        for (int k = 0; k + win <= nn; k++) {
            double ch = 0.0;
            for (int j = k; j < k + win; j++)
                ch += nights[j].customer_hours;
            if (ch > best)
                best = ch;
        }
        tot->worst_week_hours_per_day = m->population > 0 ? best / m->population / win : 0.0;
        tot->saidi_h = m->population > 0 ? tot->customer_hours / m->population : 0.0;
        tot->people_without_power_mean /= (double)(nn * HOURS);
        tot->final_level = prev_level;
        tot->spares_left = spares_left(&w);
    }
    for (int c = 0; c < ncity; c++)
        warn_mean[c] = w.warn_n[c] ? w.warn_sum[c] / w.warn_n[c] : NAN;
    st = GR_OK;
done:
    *lp_out = w.lp_solves;
    if (st == GR_OK && keep_events) {
        *ev_out = w.ev;
        *nev_out = w.nev;
        w.ev = NULL;
    } else {
        gr_free(w.ev);
    }
    gr_free(w.warn_sum);
    gr_free(w.warn_n);
    gr_free(level);
    gr_free(fx);
    run_free(&w);
    return st;
}

/* ------------------------------------------------------------------------
 * The shared model.
 * ------------------------------------------------------------------------ */
static int cmp_rank_ctx_loss(const double *loss, const double *cap, int a, int b)
{
    if (loss[a] != loss[b])
        return loss[a] > loss[b] ? -1 : 1;
    if (cap[a] != cap[b])
        return cap[a] > cap[b] ? -1 : 1;
    return (a > b) - (a < b);
}

static int model_build(model *m, const gr_campaign_scenario *s, int control, int nights,
                       gr_error *err)
{
    const gr_grid *g = s->grid;
    const gr_overlay *ov = s->overlay;
    const gr_campaign_assets *as = &s->assets;
    int st;
    memset(m, 0, sizeof *m);
    m->s = s;
    m->g0 = g;
    m->nb = g->nb;
    m->ng = g->ng;
    m->nl = g->nl;
    m->base = g->base_mva;
    m->nights = nights;
    m->control = control;
    m->population = ov->population;
    m->lam_hi = 0.0;
    m->lam_lo = INFINITY;
    for (int h = 0; h < 24; h++) {
        m->lam_hi = fmax(m->lam_hi, s->profile[h]);
        m->lam_lo = fmin(m->lam_lo, s->profile[h]);
    }
    if (m->lam_hi <= 0.0)
        m->lam_hi = m->lam_lo = 1.0;
    if ((st = camp_adj_build(g, &m->adj)))
        goto oom;
    if ((st = gr_load_classes_from_overlay(g, ov, &m->lc, err)))
        return st;
    gr_shed_options_default(&m->so);
    gr_cascade_options_default(&m->co);
    m->co.control = control;
    m->co.classes = m->lc;
    size_t nb = (size_t)g->nb + 1;
    m->crit0 = gr_calloc(nb, sizeof(double));
    m->pop = gr_calloc(nb, sizeof(double));
    m->heat_pop = gr_calloc(nb, sizeof(double));
    m->fac = gr_calloc(nb, sizeof(double));
    m->heat_dist = gr_malloc(nb * sizeof(int));
    m->nheat = ov->nheat;
    m->dist_plant = gr_malloc(((size_t)ov->nheat + 1) * sizeof(int));
    m->plant_pmax = gr_calloc((size_t)ov->nplant + 1, sizeof(double));
    m->gen_plant = gr_malloc(((size_t)g->ng + 1) * sizeof(int));
    m->rank = gr_malloc(((size_t)as->n + 1) * sizeof(int));
    m->weight = gr_calloc((size_t)as->n + 1, sizeof(double));
    m->spare_of_kind = gr_malloc(GR_REPAIR_NKIND * sizeof(int));
    if (!m->crit0 || !m->pop || !m->heat_pop || !m->fac || !m->heat_dist || !m->dist_plant ||
        !m->plant_pmax || !m->gen_plant || !m->rank || !m->weight || !m->spare_of_kind) {
        st = GR_ENOMEM;
        goto oom;
    }
    for (int b = 0; b < g->nb; b++) {
        double pd = g->pd[b];
        if (pd > 0.0) {
            m->crit0[b] = pd * m->lc->share[(size_t)b * GR_LOAD_NCLASS + GR_LOAD_CRITICAL];
            m->load_pu += pd;
        }
        m->pop[b] = ov->bus_population[b];
        m->heat_pop[b] = ov->bus_heat_population[b];
        m->heat_dist[b] = ov->bus_heat_district[b];
        for (int f = 0; f < GR_FAC_N; f++)
            m->fac[b] += ov->bus_fac[(size_t)b * GR_FAC_N + (size_t)f];
    }
    for (int d = 0; d < ov->nheat; d++)
        m->dist_plant[d] = ov->heat_plant[d];
    for (int k = 0; k < g->ng; k++) {
        m->gen_plant[k] = k < ov->ng ? ov->gen_plant[k] : -1;
        if (m->gen_plant[k] >= 0)
            m->plant_pmax[m->gen_plant[k]] += g->pmax[k];
    }
    for (int k = 0; k < GR_REPAIR_NKIND; k++) {
        m->spare_of_kind[k] = -1;
        for (int j = 0; j < s->nspares && m->spare_of_kind[k] < 0; j++)
            if (s->spares[j].kinds & (1 << k))
                m->spare_of_kind[k] = j;
    }
    /* targeting */
    for (int a = 0; a < as->n; a++)
        m->weight[a] = s->class_weight[as->cls[a]] * as->capacity_mw[a];
    for (int a = 0; a < as->n; a++)
        if (s->class_weight[as->cls[a]] > 0.0)
            m->rank[m->nrank++] = a;
    /* insertion sort is too slow for thousands; a simple merge via qsort on pairs */
    for (int i = 1; i < m->nrank; i++) { /* binary-insertion on an already mostly small list */
        int x = m->rank[i], lo = 0, hi = i;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (cmp_rank_ctx_loss(as->loss_mw, as->capacity_mw, m->rank[mid], x) <= 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        memmove(&m->rank[lo + 1], &m->rank[lo], (size_t)(i - lo) * sizeof(int));
        m->rank[lo] = x;
    }
    /* the undamaged state */
    {
        gr_grid *gw = NULL;
        int lp = 0;
        if ((st = gr_grid_copy(g, &gw)))
            goto oom;
        m->base_entry.key = gr_malloc(sizeof(int));
        if (!m->base_entry.key) {
            gr_grid_free(gw);
            st = GR_ENOMEM;
            goto oom;
        }
        st = entry_solve(m, gw, &m->base_entry, NULL, &lp, err);
        gr_grid_free(gw);
        if (st)
            return st;
    }
    return GR_OK;
oom:
    return gr_error_set(err, st, "out of memory in the campaign");
}

/* ------------------------------------------------------------------------
 * Public entry: Monte Carlo over runs.
 * ------------------------------------------------------------------------ */
void gr_campaign_result_free(gr_campaign_result *r)
{
    if (!r)
        return;
    gr_free(r->hourly);
    gr_free(r->night);
    gr_free(r->total);
    gr_free(r->warn_mean_min);
    gr_free(r->warn_short_min);
    if (r->events)
        for (int i = 0; i < r->runs; i++)
            gr_free(r->events[i]);
    gr_free(r->events);
    gr_free(r->n_events);
    gr_free(r->status);
    gr_free(r->run_s);
    gr_free(r);
}

/* One sweep item is one run; its record is its slice of every result array
 * (for other MPI ranks and the checkpoint). */
typedef struct camp_sweep {
    const model *m;
    const gr_campaign_options *opt;
    gr_campaign_result *r;
    int *lps;
    gr_error *errs;
    progress *prog;
} camp_sweep;

static int camp_sw_run(void *ctx, long item, void *record, int thread)
{
    camp_sweep *x = ctx;
    gr_campaign_result *r = x->r;
    int i = (int)item, nights = r->nights;
    size_t ncity = (size_t)r->ncity;
    (void)record;
    (void)thread;
    double t_run = gr_time_s();
    double *hourly = r->hourly ? r->hourly + (size_t)i * (size_t)nights * HOURS * NFIELD : NULL;
    r->status[i] = run_one(x->m, i, x->opt->seed, hourly, r->night + (size_t)i * (size_t)nights,
                           &r->total[i], r->warn_mean_min + (size_t)i * ncity,
                           r->warn_short_min + (size_t)i * ncity, x->opt->keep_events,
                           &r->events[i], &r->n_events[i], &x->lps[i], x->prog, &x->errs[i]);
    r->run_s[i] = gr_time_s() - t_run;
    return GR_OK; /* a failed run is a result (status[i]); reported after all runs */
}

static int camp_sw_pack(void *ctx, long item, gr_sweep_buf *b)
{
    const camp_sweep *x = ctx;
    const gr_campaign_result *r = x->r;
    size_t i = (size_t)item, nn = (size_t)r->nights, nc = (size_t)r->ncity;
    int head[4] = {r->status[i], x->lps[i], r->n_events[i], (int)strlen(x->errs[i].msg)};
    int st = gr_sweep_put(b, head, sizeof head);
    st = st ? st : gr_sweep_put(b, &r->run_s[i], sizeof(double));
    st = st ? st : gr_sweep_put(b, x->errs[i].msg, (size_t)head[3]);
    if (!st && r->hourly)
        st = gr_sweep_put(b, r->hourly + i * nn * HOURS * NFIELD, nn * HOURS * NFIELD * sizeof(double));
    st = st ? st : gr_sweep_put(b, r->night + i * nn, nn * sizeof *r->night);
    st = st ? st : gr_sweep_put(b, &r->total[i], sizeof *r->total);
    st = st ? st : gr_sweep_put(b, r->warn_mean_min + i * nc, nc * sizeof(double));
    st = st ? st : gr_sweep_put(b, r->warn_short_min + i * nc, nc * sizeof(double));
    if (!st && r->n_events[i] > 0 && r->events[i])
        st = gr_sweep_put(b, r->events[i], (size_t)r->n_events[i] * sizeof **r->events);
    return st;
}

static int camp_sw_unpack(void *ctx, long item, const void *data, size_t len)
{
    camp_sweep *x = ctx;
    gr_campaign_result *r = x->r;
    size_t i = (size_t)item, nn = (size_t)r->nights, nc = (size_t)r->ncity;
    int head[4];
    if (gr_sweep_get(&data, &len, head, sizeof head) || head[2] < 0 || head[3] < 0 ||
        head[3] >= GR_ERROR_MAX || gr_sweep_get(&data, &len, &r->run_s[i], sizeof(double)))
        return GR_EPARSE;
    r->status[i] = head[0];
    x->lps[i] = head[1];
    memset(&x->errs[i], 0, sizeof x->errs[i]);
    x->errs[i].status = head[0];
    if (gr_sweep_get(&data, &len, x->errs[i].msg, (size_t)head[3]) ||
        (r->hourly && gr_sweep_get(&data, &len, r->hourly + i * nn * HOURS * NFIELD,
                                   nn * HOURS * NFIELD * sizeof(double))) ||
        gr_sweep_get(&data, &len, r->night + i * nn, nn * sizeof *r->night) ||
        gr_sweep_get(&data, &len, &r->total[i], sizeof *r->total) ||
        gr_sweep_get(&data, &len, r->warn_mean_min + i * nc, nc * sizeof(double)) ||
        gr_sweep_get(&data, &len, r->warn_short_min + i * nc, nc * sizeof(double)))
        return GR_EPARSE;
    gr_free(r->events[i]);
    r->events[i] = NULL;
    r->n_events[i] = 0;
    if (len != (size_t)head[2] * sizeof **r->events)
        return GR_EPARSE;
    if (head[2] > 0) {
        r->events[i] = gr_malloc(len);
        if (!r->events[i])
            return GR_ENOMEM;
        memcpy(r->events[i], data, len);
    }
    r->n_events[i] = head[2];
    return GR_OK;
}

int gr_campaign_run(const gr_campaign_scenario *s, const gr_campaign_options *opt,
                    gr_campaign_result **out, gr_error *err)
{
    *out = NULL;
    if (!s || !opt || opt->runs < 1 || opt->nights < 0 || opt->threads < 0 ||
        opt->control < -1 || opt->control > GR_CASCADE_CONTROL_SHED)
        return gr_error_set(err, GR_EINVAL, "campaign: bad options (runs >= 1, nights >= 0, "
                                            "threads >= 0, control -1/0/1)");
    double t_start = gr_time_s();
    int nights = opt->nights > 0 ? opt->nights : s->nights;
    int control = opt->control >= 0 ? opt->control : s->control;
    int runs = opt->runs, ncity = s->overlay->ncity;
    model m;
    int st = model_build(&m, s, control, nights, err);
    if (st) {
        model_free(&m);
        return st;
    }
    gr_campaign_result *r = gr_calloc(1, sizeof *r);
    if (!r) {
        model_free(&m);
        return gr_error_set(err, GR_ENOMEM, "out of memory in the campaign");
    }
    r->runs = runs;
    r->nights = nights;
    r->seed = opt->seed;
    r->control = control;
    r->nb = m.nb;
    r->population = m.population;
    r->peak_mw = m.load_pu * m.lam_hi * m.base;
    r->ncity = ncity;
    size_t nr = (size_t)runs;
    if (opt->keep_hourly)
        r->hourly = gr_calloc(nr * (size_t)nights * HOURS * NFIELD, sizeof(double));
    r->night = gr_calloc(nr * (size_t)nights, sizeof *r->night);
    r->total = gr_calloc(nr, sizeof *r->total);
    r->warn_mean_min = gr_calloc(nr * (size_t)(ncity + 1), sizeof(double));
    r->warn_short_min = gr_calloc(nr * (size_t)(ncity + 1), sizeof(double));
    r->events = gr_calloc(nr, sizeof *r->events);
    r->n_events = gr_calloc(nr, sizeof(int));
    r->status = gr_calloc(nr, sizeof(int));
    r->run_s = gr_calloc(nr, sizeof(double));
    int *lps = gr_calloc(nr, sizeof(int));
    gr_error *errs = gr_calloc(nr, sizeof *errs);
    if ((opt->keep_hourly && !r->hourly) || !r->night || !r->total || !r->warn_mean_min ||
        !r->warn_short_min || !r->events || !r->n_events || !r->status || !r->run_s || !lps || !errs) {
        gr_free(lps);
        gr_free(errs);
        gr_campaign_result_free(r);
        model_free(&m);
        return gr_error_set(err, GR_ENOMEM, "out of memory in the campaign");
    }
    /* the runs as a sweep (src/util/sweep): threads here, runs on other MPI
       ranks, checkpoints; each run writes its own slot */
    progress prog = {opt, 0, runs * nights};
    camp_sweep cs = {&m, opt, r, lps, errs, &prog};
    char kind[160];
    snprintf(kind, sizeof kind, "campaign/1 seed=%llu nights=%d control=%d hourly=%d events=%d",
             (unsigned long long)opt->seed, nights, control, opt->keep_hourly != 0,
             opt->keep_events != 0);
    gr_sweep_spec sp = {.n = runs, .threads = opt->threads, .ctx = &cs, .run = camp_sw_run,
                        .pack = camp_sw_pack, .unpack = camp_sw_unpack, .kind = kind,
                        .opt = opt->sweep};
    r->threads = gr_sweep_threads(&sp);
    if ((st = gr_sweep_run(&sp, NULL, err))) {
        gr_free(lps);
        gr_free(errs);
        gr_campaign_result_free(r);
        model_free(&m);
        return st;
    }
    st = GR_OK;
    for (int i = 0; i < runs; i++) {
        r->lp_solves += lps[i];
        if (r->status[i] && !st) {
            st = r->status[i];
            if (err) {
                *err = errs[i];
                err->status = st;
            }
        }
    }
    gr_free(lps);
    gr_free(errs);
    model_free(&m);
    r->wall_s = gr_time_s() - t_start;
    if (st) {
        gr_campaign_result_free(r);
        return st;
    }
    *out = r;
    return GR_OK;
}
