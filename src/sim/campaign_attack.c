/* campaign_attack.c — a night's attack: threats launched wave by wave from their launch areas, targets by policy (capacity, worst case, list, adaptive), one air defence engagement (gr_ad_engage, or gr_ad_engage_layered along the routes), each wave's effect hour, and the hits in arrival order turned into damage. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/campaign_internal.h"

/* ------------------------------------------------------------------------
 * Attack: threats, targets, engagement, hits.
 * ------------------------------------------------------------------------ */
static int push_threat(camp_run *w, camp_thr t)
{
    if (w->nt == w->capt) {
        int cap = w->capt ? 2 * w->capt : 256;
        camp_thr *a = gr_realloc(w->t, (size_t)cap * sizeof *a);
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
static int next_target(camp_run *w, unsigned char *used, int *rank_pos, const int *rank,
                       int nrank)
{
    const camp_model *m = w->m;
    const gr_campaign_scenario *s = m->s;
    const gr_campaign_assets *as = &s->assets;
    if (s->target_policy == GR_TARGET_WORST || s->target_policy == GR_TARGET_ADAPTIVE) {
        for (int pass = 0; pass < 2; pass++) {
            while (*rank_pos < nrank) {
                int a = rank[(*rank_pos)++];
                if (pass == 1 || !camp_asset_dead(w, a))
                    return a;
            }
            *rank_pos = 0;
        }
        return nrank > 0 ? rank[0] : -1;
    }
    int n = s->target_policy == GR_TARGET_LIST ? s->ntarget : as->n;
    for (int pass = 0; pass < 2; pass++) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            int a = s->target_policy == GR_TARGET_LIST ? s->target_asset[i] : i;
            double wt = s->target_policy == GR_TARGET_LIST ? s->target_weight[i] : m->weight[a];
            if (wt > 0.0 && !used[a] && (pass == 1 || !camp_asset_dead(w, a)))
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
            if (!(wt > 0.0 && !used[a] && (pass == 1 || !camp_asset_dead(w, a))))
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

/* ------------------------------------------------------------------------
 * The adaptive attacker (GR_TARGET_ADAPTIVE): the defender's worst case, as
 * the interdiction literature takes it (Salmeron, Wood & Baldick, "Analysis
 * of electric grid security under terrorist threat", IEEE Trans. Power Syst.
 * 19(2), 2004; Brown, Carlyle, Salmeron & Wood, "Defending critical
 * infrastructure", Interfaces 36(6), 2006). Each night, from what it can
 * observe: first the assets whose damage has been repaired (back in service:
 * re-strike), then a greedy interdiction on today's damage: the
 * adaptive_evals eligible, not wholly damaged assets with the largest
 * loss_mw x (1 - protection) are evaluated by the shedding LP (today's
 * damage plus the asset lost whole) and ranked by the load it sheds beyond
 * today's x (1 - its visible protection). Ties by index; no random draw, so
 * the ranking is the same for any thread count.
 * ------------------------------------------------------------------------ */
#define ADAPTIVE_EVALS_DEFAULT 16

typedef struct keyed {
    double key;
    int a;
} keyed;

static int cmp_keyed(const void *x, const void *y)
{
    const keyed *p = x, *q = y;
    if (p->key != q->key)
        return p->key > q->key ? -1 : 1;
    return (p->a > q->a) - (p->a < q->a);
}

/* Served load at the high level (pu) of an entry. */
static double served_pu(const camp_model *m, const camp_entry *e)
{
    double sum = 0.0;
    for (int b = 0; b < m->nb; b++)
        if (m->g0->pd[b] > 0.0)
            sum += m->g0->pd[b] * e->f_hi[b];
    return sum;
}

/* The night's ranking into rank (assets.n), its length into *nrank. */
static int adaptive_rank(camp_run *w, int *rank, int *nrank)
{
    const camp_model *m = w->m;
    const gr_campaign_scenario *s = m->s;
    const gr_campaign_assets *as = &s->assets;
    int n = as->n, st = GR_OK, nk = 0, nc = 0, nr = 0;
    unsigned char *flag = gr_calloc((size_t)n + 1, 1); /* 1: has repaired damage, 2: damaged now */
    keyed *cand = gr_malloc(((size_t)n + 1) * sizeof *cand);
    keyed *rep = gr_malloc(((size_t)n + 1) * sizeof *rep);
    double *val = gr_malloc(((size_t)n + 1) * sizeof *val);
    int maxel = 0;
    for (int a = 0; a < n; a++)
        if (as->elem_ptr[a + 1] - as->elem_ptr[a] > maxel)
            maxel = as->elem_ptr[a + 1] - as->elem_ptr[a];
    int *key = gr_malloc(((size_t)w->nd + (size_t)maxel + 1) * sizeof *key);
    if (!flag || !cand || !rep || !val || !key) {
        st = gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
        goto out;
    }
    for (int i = 0; i < w->nd; i++) {
        const camp_dmg *d = &w->d[i];
        flag[d->asset] |= d->done == 1 ? 1 : 2;
        if (d->active && !d->done)
            key[nk++] = d->kind << 28 | d->index;
    }
    for (int a = 0; a < n; a++) {
        val[a] = as->loss_mw[a] * (1.0 - as->protection[a]);
        if (s->class_weight[as->cls[a]] > 0.0 && !camp_asset_dead(w, a))
            cand[nc++] = (keyed){val[a], a};
    }
    qsort(cand, (size_t)nc, sizeof *cand, cmp_keyed);
    int evals = s->adaptive_evals > 0 ? s->adaptive_evals : ADAPTIVE_EVALS_DEFAULT;
    if (evals > nc)
        evals = nc;
    const camp_entry *cur = NULL;
    if (evals > 0 && (st = camp_current_state(w, &cur)))
        goto out;
    double served0 = evals > 0 ? served_pu(m, cur) : 0.0;
    for (int k = 0; k < evals; k++) {
        int a = cand[k].a, nkey = nk;
        for (int j = as->elem_ptr[a]; j < as->elem_ptr[a + 1]; j++)
            key[nkey++] = as->elem_kind[j] << 28 | as->elem_index[j];
        camp_entry e;
        memset(&e, 0, sizeof e);
        e.nkey = nkey;
        e.key = gr_malloc((size_t)nkey * sizeof(int) + 1);
        if (!e.key) {
            st = gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
            goto out;
        }
        memcpy(e.key, key, (size_t)nkey * sizeof(int));
        st = camp_entry_solve(m, w->g, &e, NULL, &w->lp_solves, w->err);
        if (!st)
            val[a] = fmax(0.0, served0 - served_pu(m, &e)) * m->base * (1.0 - as->protection[a]);
        camp_entry_free(&e);
        if (st)
            goto out;
        cand[k].key = val[a];
    }
    /* re-strikes: repaired and not damaged now, by value */
    int nrep = 0;
    for (int a = 0; a < n; a++)
        if (flag[a] == 1 && s->class_weight[as->cls[a]] > 0.0)
            rep[nrep++] = (keyed){val[a], a};
    qsort(rep, (size_t)nrep, sizeof *rep, cmp_keyed);
    qsort(cand, (size_t)evals, sizeof *cand, cmp_keyed);
    for (int k = 0; k < nrep; k++)
        rank[nr++] = rep[k].a;
    for (int k = 0; k < evals; k++)
        if (flag[cand[k].a] != 1)
            rank[nr++] = cand[k].a;
out:
    *nrank = nr;
    gr_free(flag);
    gr_free(cand);
    gr_free(rep);
    gr_free(val);
    gr_free(key);
    return st;
}

static int cmp_arrival(const void *a, const void *b, const camp_thr *t)
{
    int i = *(const int *)a, j = *(const int *)b;
    if (t[i].arrival_h != t[j].arrival_h)
        return t[i].arrival_h < t[j].arrival_h ? -1 : 1;
    return (i > j) - (i < j);
}

/* insertion-free merge sort of indices by arrival (qsort has no context in C11) */
static void sort_by_arrival(int *idx, int *tmp, int n, const camp_thr *t)
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

int camp_attack(camp_run *w, int night, const gr_night_plan *pl, camp_wave_fx *fx,
                gr_campaign_night *nr)
{
    const camp_model *m = w->m;
    const gr_campaign_scenario *s = m->s;
    const gr_campaign_assets *as = &s->assets;
    const gr_overlay *ov = s->overlay;
    double t0 = 24.0 * (night - 1);
    int st = GR_OK;
    unsigned char *used = gr_calloc((size_t)as->n + 1, 1);
    if (!used)
        return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
    const int *rank = m->rank;
    int nrank = m->nrank, *arank = NULL;
    if (s->target_policy == GR_TARGET_ADAPTIVE) {
        arank = gr_malloc(((size_t)as->n + 1) * sizeof *arank);
        if (!arank) {
            gr_free(used);
            return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
        }
        if ((st = adaptive_rank(w, arank, &nrank))) {
            gr_free(used);
            gr_free(arank);
            return st;
        }
        rank = arank;
    }
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
                    a = next_target(w, used, &rank_pos, rank, nrank);
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
                camp_thr t = {wi, ty, a, launch, launch + fly, launch + fr * fly, lx, ly, la};
                if (push_threat(w, t)) {
                    gr_free(used);
                    gr_free(arank);
                    return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
                }
                if (ty == GR_THREAT_DRONE || ty == GR_THREAT_DECOY)
                    nr->drones++;
                else
                    nr->missiles++;
                w->total->launched[ty]++;
            }
        }
    }
    gr_free(used);
    gr_free(arank);
    int nt = w->nt;
    for (int i = 0; i < nt; i++) {
        const camp_thr *t = &w->t[i];
        gr_threat *g = &w->gt[i];
        memset(g, 0, sizeof *g);
        g->type = t->type;
        g->arrival_h = t->arrival_h;
        g->x_km = as->x_km[t->asset];
        g->y_km = as->y_km[t->asset];
        g->target = t->asset;
        g->launch_h = t->launch_h;
        g->lx_km = t->lx_km;
        g->ly_km = t->ly_km;
        g->nwp = t->la->nvia;
        g->wp_km = &t->la->via_km[0][0];
    }
    if (s->ad_model == GR_AD_MODEL_LAYERED) {
        /* every zone along the route; warning from the zones' radars */
        if (nt > 0 &&
            (st = gr_ad_engage_layered(w->zones, s->nzones, s->types, w->gt, nt, &w->rng, w->err)))
            return st;
        for (int i = 0; i < nt; i++) {
            w->t[i].arrival_h = w->gt[i].arrival_h;
            w->t[i].detect_h = fmin(w->gt[i].detect_h, w->gt[i].arrival_h);
        }
    } else if (nt > 0 &&
               (st = gr_ad_engage(w->zones, s->nzones, s->types, w->gt, nt, &w->rng, w->err))) {
        return st;
    }
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
            const camp_thr *t = &w->t[i];
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
            if (s->types[t->type].decoy)
                continue; /* reached its target and did nothing */
            nr->hits++;
            st = camp_hit(w, night, i, a, t->type, t0 + fx[wi].hour, nr);
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
