/* protect_eval.c — the protection planner's run evaluator: a plan applied to a shallow copy of the scenario, single campaign runs per seed (in parallel), their metrics and the assets the threats reached.
 *
 * DESIGN
 *   Run r of every plan is gr_campaign_run with runs = 1 and the campaign
 *   seed seeds[r] (gr_protect_run_seed), so all plans see the same campaign
 *   random numbers run by run (common random numbers). A plan is applied to a
 *   shallow copy of the scenario struct whose protection, spares and crews
 *   point to the plan's own arrays; the scenario itself is never written.
 *   Protection enters a run only where a threat reaches a protected asset
 *   (the damage draw p_damage x (1 - protection)), so a run in which no
 *   threat reached the assets a plan adds shelters to is identical, number
 *   for number, under the larger plan: prot_eval simulates only the runs in
 *   `mask` and copies the others. The runs go to threads one by one; each
 *   writes its own slot, so results do not depend on the thread count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "sim/protect_internal.h"

uint64_t gr_protect_run_seed(uint64_t seed, int run)
{
    return ((seed << 20) + (uint64_t)run) & 0x7fffffffffffffffULL;
}

/* ------------------------------------------------------------------------
 * States and plans.
 * ------------------------------------------------------------------------ */
int prot_state_init(prot_state *st, int runs)
{
    st->runs = runs;
    st->run = gr_calloc((size_t)runs + 1, sizeof *st->run);
    return st->run ? GR_OK : GR_ENOMEM;
}

void prot_state_free(prot_state *st)
{
    if (st->run)
        for (int r = 0; r < st->runs; r++)
            gr_free(st->run[r].leak);
    gr_free(st->run);
    st->run = NULL;
    st->runs = 0;
}

int prot_run_copy(prot_run *to, const prot_run *from)
{
    gr_free(to->leak);
    *to = *from;
    to->leak = NULL;
    if (from->nleak > 0) {
        to->leak = gr_malloc((size_t)from->nleak * sizeof(int));
        if (!to->leak) {
            to->nleak = 0;
            return GR_ENOMEM;
        }
        memcpy(to->leak, from->leak, (size_t)from->nleak * sizeof(int));
    }
    return GR_OK;
}

int prot_run_hit(const prot_run *r, int a)
{
    int lo = 0, hi = r->nleak, key = a * 4;
    while (lo < hi) { /* first entry >= key */
        int mid = lo + (hi - lo) / 2;
        if (r->leak[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->nleak && r->leak[lo] / 4 == a;
}

int prot_plan_init(prot_plan *p, const prot_ctx *x)
{
    const gr_campaign_scenario *s = x->s;
    memset(p, 0, sizeof *p);
    p->prot = gr_malloc(((size_t)x->na + 1) * sizeof(double));
    p->level = gr_malloc(((size_t)x->na + 1) * sizeof(int));
    p->spare_extra = gr_calloc((size_t)s->nspares + 1, sizeof(int));
    p->crew_extra = gr_calloc((size_t)x->nbase + 1, sizeof(int));
    p->ad_extra = gr_calloc((size_t)x->c->noptions * (size_t)s->nzones + 1, sizeof(int));
    if (!p->prot || !p->level || !p->spare_extra || !p->crew_extra || !p->ad_extra) {
        prot_plan_free(p);
        return GR_ENOMEM;
    }
    for (int a = 0; a < x->na; a++) {
        p->prot[a] = s->assets.protection[a];
        p->level[a] = -1;
    }
    return GR_OK;
}

int prot_plan_copy(prot_plan *to, const prot_plan *from, const prot_ctx *x)
{
    int st = prot_plan_init(to, x);
    if (st)
        return st;
    memcpy(to->prot, from->prot, (size_t)x->na * sizeof(double));
    memcpy(to->level, from->level, (size_t)x->na * sizeof(int));
    memcpy(to->spare_extra, from->spare_extra, (size_t)x->s->nspares * sizeof(int));
    memcpy(to->crew_extra, from->crew_extra, (size_t)x->nbase * sizeof(int));
    memcpy(to->ad_extra, from->ad_extra,
           (size_t)x->c->noptions * (size_t)x->s->nzones * sizeof(int));
    return GR_OK;
}

void prot_plan_free(prot_plan *p)
{
    gr_free(p->prot);
    gr_free(p->level);
    gr_free(p->spare_extra);
    gr_free(p->crew_extra);
    gr_free(p->ad_extra);
    memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------------------------
 * Context.
 * ------------------------------------------------------------------------ */
/* CSR map element index (0..n-1) -> assets from the asset table's elements
 * of one kind. */
static int build_map(const gr_campaign_assets *as, int kind, int n, int **ptr_out,
                     int **asset_out)
{
    int *ptr = gr_calloc((size_t)n + 2, sizeof(int));
    if (!ptr)
        return GR_ENOMEM;
    int tot = 0;
    for (int a = 0; a < as->n; a++)
        for (int j = as->elem_ptr[a]; j < as->elem_ptr[a + 1]; j++)
            if (as->elem_kind[j] == kind && as->elem_index[j] >= 0 && as->elem_index[j] < n) {
                ptr[as->elem_index[j] + 1]++;
                tot++;
            }
    for (int e = 0; e < n; e++)
        ptr[e + 1] += ptr[e];
    int *asset = gr_malloc(((size_t)tot + 1) * sizeof(int));
    int *fill = gr_malloc(((size_t)n + 1) * sizeof(int));
    if (!asset || !fill) {
        gr_free(ptr);
        gr_free(asset);
        gr_free(fill);
        return GR_ENOMEM;
    }
    memcpy(fill, ptr, (size_t)n * sizeof(int));
    for (int a = 0; a < as->n; a++)
        for (int j = as->elem_ptr[a]; j < as->elem_ptr[a + 1]; j++)
            if (as->elem_kind[j] == kind && as->elem_index[j] >= 0 && as->elem_index[j] < n) {
                int e = as->elem_index[j];
                /* an asset lists an element once; keep each (element, asset) pair once */
                int dup = 0;
                for (int k = ptr[e]; k < fill[e] && !dup; k++)
                    dup = asset[k] == a;
                if (!dup)
                    asset[fill[e]++] = a;
            }
    /* compact duplicates away (rare: none in campaign_assets tables) */
    int w = 0;
    for (int e = 0; e < n; e++) {
        int from = ptr[e], to = fill[e];
        ptr[e] = w;
        for (int k = from; k < to; k++)
            asset[w++] = asset[k];
    }
    ptr[n] = w;
    gr_free(fill);
    *ptr_out = ptr;
    *asset_out = asset;
    return GR_OK;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = gr_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int prot_ctx_init(prot_ctx *x, const gr_campaign_scenario *s, const gr_protect_costs *c,
                  const gr_protect_options *opt, gr_error *err)
{
    memset(x, 0, sizeof *x);
    x->s = s;
    x->c = c;
    x->opt = *opt;
    x->err = err;
    x->na = s->assets.n;
    x->runs = opt->runs;
    x->nights = opt->nights > 0 ? opt->nights : s->nights;
    int threads = opt->threads;
#ifdef _OPENMP
    if (threads <= 0)
        threads = omp_get_max_threads();
#endif
    x->threads = threads > 0 ? threads : 1;
    const gr_grid *g = s->grid;
    int st;
    if ((st = build_map(&s->assets, GR_ELEM_BRANCH, g->nl, &x->br_ptr, &x->br_asset)) ||
        (st = build_map(&s->assets, GR_ELEM_GEN, g->ng, &x->gen_ptr, &x->gen_asset)) ||
        (st = build_map(&s->assets, GR_ELEM_BUS, g->nb, &x->bus_ptr, &x->bus_asset)))
        return gr_error_set(err, st, "protect: out of memory");
    x->seeds = gr_malloc(((size_t)x->runs + 1) * sizeof(uint64_t));
    if (!x->seeds)
        return gr_error_set(err, GR_ENOMEM, "protect: out of memory");
    for (int r = 0; r < x->runs; r++)
        x->seeds[r] = gr_protect_run_seed(opt->seed, r);
    /* critical share of the load: the campaign's critical load per bus is the
       overlay's critical class share of its positive load at peak, and both
       scale with the hour's level */
    gr_load_classes *lc = NULL;
    if ((st = gr_load_classes_from_overlay(g, s->overlay, &lc, err)))
        return st;
    double load = 0.0, crit = 0.0;
    for (int b = 0; b < g->nb; b++)
        if (g->pd[b] > 0.0) {
            load += g->pd[b];
            crit += g->pd[b] * lc->share[(size_t)b * GR_LOAD_NCLASS + GR_LOAD_CRITICAL];
        }
    gr_load_classes_free(lc);
    x->crit_share = load > 0.0 ? crit / load : 0.0;
    /* crew bases */
    const gr_overlay *ov = s->overlay;
    int nb = ov->ncrew > 0 ? ov->ncrew : 1;
    x->base_x = gr_malloc((size_t)nb * sizeof(double));
    x->base_y = gr_malloc((size_t)nb * sizeof(double));
    x->base_name = gr_calloc((size_t)nb, sizeof(char *));
    if (!x->base_x || !x->base_y || !x->base_name)
        return gr_error_set(err, GR_ENOMEM, "protect: out of memory");
    x->nbase = nb;
    for (int k = 0; k < nb; k++) {
        if (ov->ncrew > 0) {
            x->base_x[k] = ov->crew_x_km[k];
            x->base_y[k] = ov->crew_y_km[k];
            x->base_name[k] = dup_str(ov->crew_name[k]);
        } else {
            x->base_x[k] = 0.5 * ov->width_km;
            x->base_y[k] = 0.5 * ov->height_km;
            x->base_name[k] = dup_str("region centre");
        }
        if (!x->base_name[k])
            return gr_error_set(err, GR_ENOMEM, "protect: out of memory");
    }
    return GR_OK;
}

void prot_ctx_free(prot_ctx *x)
{
    prot_screen_free(x->screen_cache);
    gr_free(x->seeds);
    gr_free(x->br_ptr);
    gr_free(x->br_asset);
    gr_free(x->gen_ptr);
    gr_free(x->gen_asset);
    gr_free(x->bus_ptr);
    gr_free(x->bus_asset);
    gr_free(x->base_x);
    gr_free(x->base_y);
    if (x->base_name)
        for (int k = 0; k < x->nbase; k++)
            gr_free(x->base_name[k]);
    gr_free(x->base_name);
    memset(x, 0, sizeof *x);
}

/* ------------------------------------------------------------------------
 * One run.
 * ------------------------------------------------------------------------ */
static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Metrics and reached assets of a one-run result. */
static int extract(const prot_ctx *x, const gr_campaign_result *res, prot_run *out)
{
    const gr_campaign_total *t = &res->total[0];
    double crit_ens = 0.0, heat = 0.0;
    if (res->hourly) {
        size_t nh = (size_t)res->nights * 24;
        for (size_t h = 0; h < nh; h++) {
            const double *row = res->hourly + h * GR_HOUR_NFIELD;
            double lost = row[GR_HOUR_LOAD_MW] * x->crit_share - row[GR_HOUR_SERVED_CRITICAL_MW];
            if (lost > 0.0)
                crit_ens += lost;
            heat += row[GR_HOUR_PEOPLE_NO_HEAT];
        }
    }
    memset(out, 0, sizeof *out);
    out->m[GR_PM_WEIGHTED_ENS] = t->ens_mwh + (x->c->critical_weight - 1.0) * crit_ens;
    out->m[GR_PM_HEAT_PH] = heat;
    out->m[GR_PM_CRITICAL_H] = t->critical_dark_h;
    out->m[GR_PM_ENS] = t->ens_mwh;
    out->m[GR_PM_CRITICAL_ENS] = crit_ens;
    out->m[GR_PM_CUSTOMER_H] = t->customer_hours;
    out->m[GR_PM_NO_POWER_MAX] = t->people_without_power_max;
    out->m[GR_PM_NO_HEAT_MAX] = t->people_without_heat_max;
    out->m[GR_PM_PEAK_LOST] = t->peak_lost_mw;
    out->m[GR_PM_DAMAGED] = (double)t->damaged;
    out->m[GR_PM_WORST_WEEK] = t->worst_week_hours_per_day;
    /* assets the threats reached: "damage" and "hit" events, element -> assets */
    int n = 0, cap = 0;
    int *leak = NULL;
    int ne = res->n_events ? res->n_events[0] : 0;
    const gr_campaign_event *ev = res->events ? res->events[0] : NULL;
    for (int k = 0; k < ne && ev; k++) {
        const gr_campaign_event *e = &ev[k];
        if (e->kind != GR_CEV_DAMAGE && e->kind != GR_CEV_HIT)
            continue;
        const int *ptr = NULL, *as = NULL;
        int nel = 0;
        if (e->elem_kind == GR_ELEM_BRANCH) {
            ptr = x->br_ptr;
            as = x->br_asset;
            nel = x->s->grid->nl;
        } else if (e->elem_kind == GR_ELEM_GEN) {
            ptr = x->gen_ptr;
            as = x->gen_asset;
            nel = x->s->grid->ng;
        } else if (e->elem_kind == GR_ELEM_BUS) {
            ptr = x->bus_ptr;
            as = x->bus_asset;
            nel = x->s->grid->nb;
        }
        if (!ptr || e->elem_index < 0 || e->elem_index >= nel)
            continue;
        int type = e->cause >= 0 && e->cause < GR_THREAT_NTYPES ? e->cause : 0;
        for (int j = ptr[e->elem_index]; j < ptr[e->elem_index + 1]; j++) {
            if (n == cap) {
                int nc = cap ? 2 * cap : 64;
                int *nl = gr_realloc(leak, (size_t)nc * sizeof(int));
                if (!nl) {
                    gr_free(leak);
                    return GR_ENOMEM;
                }
                leak = nl;
                cap = nc;
            }
            leak[n++] = as[j] * 4 + type;
        }
    }
    if (n > 1)
        qsort(leak, (size_t)n, sizeof(int), cmp_int);
    out->nleak = n;
    out->leak = leak;
    return GR_OK;
}

static int run_one(const prot_ctx *x, const gr_campaign_scenario *sc, int r, prot_run *out,
                   gr_error *err)
{
    gr_campaign_options o;
    gr_campaign_options_default(&o);
    o.runs = 1;
    o.threads = 1;
    o.nights = x->nights;
    o.seed = x->seeds[r];
    o.keep_hourly = 1;
    o.keep_events = 1;
    gr_campaign_result *res = NULL;
    int st = gr_campaign_run(sc, &o, &res, err);
    if (st)
        return st;
    gr_free(out->leak);
    out->leak = NULL;
    st = extract(x, res, out);
    gr_campaign_result_free(res);
    if (st)
        gr_error_set(err, st, "protect: out of memory");
    return st;
}

/* ------------------------------------------------------------------------
 * A plan over the runs.
 * ------------------------------------------------------------------------ */
int prot_eval(prot_ctx *x, const prot_plan *p, const prot_state *from, const unsigned char *mask,
              prot_state *to)
{
    const gr_campaign_scenario *s = x->s;
    int R = x->runs, st;
    if ((st = prot_state_init(to, R)))
        return gr_error_set(x->err, st, "protect: out of memory");
    /* the scenario with the plan applied: a shallow copy pointing to the plan */
    gr_campaign_scenario sc = *s;
    sc.assets.protection = p->prot;
    gr_campaign_spare *sp = gr_malloc(((size_t)s->nspares + 1) * sizeof *sp);
    int extra = 0;
    for (int k = 0; k < x->nbase; k++)
        extra += p->crew_extra[k];
    double *cx = gr_malloc(((size_t)s->crews + (size_t)extra + 1) * sizeof(double));
    double *cy = gr_malloc(((size_t)s->crews + (size_t)extra + 1) * sizeof(double));
    int *idx = gr_malloc(((size_t)R + 1) * sizeof(int));
    int *rst = gr_calloc((size_t)R + 1, sizeof(int));
    gr_error *errs = gr_calloc((size_t)R + 1, sizeof(gr_error));
    gr_ad_zone *zones = NULL; /* the plan's air defence (protect_ad.c) */
    if (!sp || !cx || !cy || !idx || !rst || !errs ||
        prot_plan_zones(x, p, &zones, &sc.nzones)) {
        st = gr_error_set(x->err, GR_ENOMEM, "protect: out of memory");
        goto done;
    }
    for (int k = 0; k < s->nspares; k++) {
        sp[k] = s->spares[k];
        sp[k].stock += p->spare_extra[k];
    }
    sc.spares = sp;
    for (int k = 0; k < s->crews; k++) {
        cx[k] = s->crew_x_km[k];
        cy[k] = s->crew_y_km[k];
    }
    int nc = s->crews;
    for (int b = 0; b < x->nbase; b++)
        for (int j = 0; j < p->crew_extra[b]; j++) {
            cx[nc] = x->base_x[b];
            cy[nc] = x->base_y[b];
            nc++;
        }
    sc.crews = nc;
    sc.crew_x_km = cx;
    sc.crew_y_km = cy;
    if (zones)
        sc.zones = zones;
    /* runs to simulate; the others are those of `from` */
    int n = 0;
    for (int r = 0; r < R; r++) {
        if (!mask || mask[r])
            idx[n++] = r;
        else if ((st = prot_run_copy(&to->run[r], &from->run[r]))) {
            st = gr_error_set(x->err, st, "protect: out of memory");
            goto done;
        }
    }
    int threads = x->threads < n ? x->threads : (n > 0 ? n : 1);
    (void)threads;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int k = 0; k < n; k++) {
        int r = idx[k];
        rst[r] = run_one(x, &sc, r, &to->run[r], &errs[r]);
    }
    st = GR_OK;
    for (int r = 0; r < R && !st; r++)
        if (rst[r]) {
            st = rst[r];
            gr_error_set(x->err, st, "protect: run %d (seed %llu): %s", r + 1,
                         (unsigned long long)x->seeds[r], errs[r].msg);
        }
    x->runs_simulated += n;
    x->runs_total += R;
    x->evaluations++;
done:
    gr_free(sp);
    gr_free(cx);
    gr_free(cy);
    gr_free(idx);
    gr_free(rst);
    gr_free(errs);
    gr_free(zones);
    if (st)
        prot_state_free(to);
    return st;
}

void prot_paired(const prot_state *a, const prot_state *b, int metric, double *mean, double *ci)
{
    int R = a->runs;
    double sum = 0.0, sum2 = 0.0;
    for (int r = 0; r < R; r++)
        sum += a->run[r].m[metric] - b->run[r].m[metric];
    double mu = R > 0 ? sum / R : 0.0;
    for (int r = 0; r < R; r++) {
        double d = a->run[r].m[metric] - b->run[r].m[metric] - mu;
        sum2 += d * d;
    }
    *mean = mu;
    *ci = R > 1 ? 1.96 * sqrt(sum2 / (R - 1)) / sqrt((double)R) : NAN;
}
