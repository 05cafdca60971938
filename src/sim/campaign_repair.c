/* campaign_repair.c — the campaign's repairs hour by hour: crews within their shift, spares in stock, the dispatch rule or the restoration planner (gr_restore_plan) each morning, travel and work, repaired elements back at the next boundary. */
#include <math.h>
#include <string.h>

#include "sim/campaign_internal.h"

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
static int before(const camp_run *w, int i, int j)
{
    const camp_dmg *a = &w->d[i], *b = &w->d[j];
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
static int plan_day(camp_run *w, double t_h)
{
    const camp_model *m = w->m;
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
        const camp_dmg *x = &w->d[i];
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
        const camp_dmg *x = &w->d[job[k]];
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
            const camp_dmg *x = &w->d[i];
            int planned = 0;
            for (int k = 0; k < n; k++)
                planned |= job[k] == i;
            if (x->active && !x->done && !planned)
                w->keybuf[nk++] = x->kind << 28 | x->index;
        }
        camp_apply_key(m, w->g, w->keybuf, nk);
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

int camp_repair_hour(camp_run *w, double t_h)
{
    const camp_model *m = w->m;
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
                const camp_dmg *d = &w->d[i];
                if (!d->active || d->done || d->crew >= 0)
                    continue;
                if (d->spare >= 0 && !d->has_spare && w->stock[d->spare] <= 0)
                    continue;
                if (best < 0 || before(w, i, best))
                    best = i;
            }
            if (best < 0)
                break;
            camp_dmg *d = &w->d[best];
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
        camp_dmg *d = &w->d[i];
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
int camp_finish_repairs(camp_run *w, int night, double t_h)
{
    int st = GR_OK;
    for (int i = 0; i < w->nd && !st; i++) {
        camp_dmg *d = &w->d[i];
        if (d->done != 2)
            continue;
        d->done = 1;
        *camp_dmg_flag(w, d->kind, d->index) = 0;
        camp_fleet_repaired(w, d->kind, d->index, t_h); /* its units start (fleet.c) */
        w->cur = NULL;
        w->total->repairs_done[d->rkind]++;
        w->total->restore_h[d->rkind] += t_h - d->t_h;
        st = camp_log_event(w, night, t_h, GR_CEV_REPAIR, d->kind, d->index, d->rkind, 0.0);
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
