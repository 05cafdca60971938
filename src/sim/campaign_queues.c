/* campaign_queues.c — rotating outage queues inside the campaign: the shedding LP decides how many MW each area sheds, the queues decide who is dark, block by block; dark hours per sub-queue and per person, cold-load pickup on re-energising, and the hourly heat step (docs/campaign.md "Outage queues").
 *
 * DESIGN
 * Queues. As in schedule.c (Ukrenergo's practice, 2024: six queues of two
 * sub-queues each, 1.1 … 6.2, switched in 30-minute blocks; critical sites
 * in no queue): every bus's people and non-critical load are split into
 * nq = 12 equal slices, slice q of every bus is sub-queue q. A group is one
 * (bus, sub-queue) pair, pop[b] / nq people.
 *
 * Areas. The LP's shedding is local (a damaged substation, a congested
 * corridor), so the queues rotate per area: the buses of each city, and one
 * area for the buses of no city. Buses no in-service generator reaches (dark
 * islands, isolated buses) are dark whatever the queues do and are in no
 * rotation. For each live area a, the LP's non-critical shed on its buses,
 * S_a = sum of pd (1 - f) - crit (1 - c), over its non-critical load L_a gives
 * the share x_a = S_a / L_a of its rotating load to darken.
 *
 * Rotation. Per block, x_a nq sub-queue-blocks are owed (a carry keeps the
 * rounding); k = round(carry) sub-queues are dark, the cyclic window starting
 * where the last one ended (schedule.c's rule t k .. t k + k - 1 mod nq, with
 * a count that may change from block to block). With a constant deficit over
 * a day of 48 blocks every sub-queue is dark exactly 48 k / 12 = 4 k blocks.
 * The energy not served stays the LP's; who is dark follows the queues (so
 * the people-hours without power are the rotating share of each area's
 * people, not of the buses the LP happened to pick).
 *
 * Cold-load pickup. A group re-energised after a dark block draws
 * (1 + clpu_extra) of its load for clpu_h hours: loss of load diversity
 * after an outage (IEEE PSRC WG D1, "Cold load pickup issues", 2009;
 * McDonald, Bruning & Mahieu, IEEE Trans. PAS-98(4), 1979). Defaults +30 %
 * for 2 h: a modest aggregate figure for a mostly district-heated region
 * (feeder peaks right after restoration are higher but decay within the
 * first hour; the hourly model carries the average). In an area already in
 * deficit the extra load is served by darkening more of the area's normal
 * load (more sub-queues), which adds to the energy not served; elsewhere it
 * is taken from spare capacity (counted in clpu_mwh only). */
#include <math.h>
#include <string.h>

#include "sim/campaign_heat.h"

int camp_queue_block(int nq, double x, double *carry, int *start, unsigned char *win)
{
    memset(win, 0, (size_t)nq);
    if (!(x > 1e-9)) {
        *carry = 0.0; /* no deficit: nothing owed */
        return 0;
    }
    if (x >= 1.0 - 1e-9) {
        *carry = 0.0;
        memset(win, 1, (size_t)nq);
        return nq;
    }
    *carry += x * nq;
    int k = (int)floor(*carry + 0.5);
    k = k < 0 ? 0 : k > nq ? nq : k;
    *carry -= k;
    for (int i = 0; i < k; i++)
        win[(*start + i) % nq] = 1;
    *start = (*start + k) % nq;
    return k;
}

double camp_group_clpu(const gr_campaign_weather *wx, unsigned char was_dark, double left)
{
    return !was_dark && left > 0.0 ? wx->clpu_extra : 0.0;
}

void camp_group_block(const gr_campaign_weather *wx, int dark, double dt, unsigned char *was_dark,
                      double *dark_h, double *spell_h, double *spell_max, double *left)
{
    if (dark) {
        *dark_h += dt;
        *spell_h += dt;
        if (*spell_h > *spell_max)
            *spell_max = *spell_h;
        *left = 0.0;
    } else {
        if (*was_dark) /* re-energised: as long as it was dark, at most clpu_h */
            *left = fmin(wx->clpu_h, *spell_h);
        else if (*left > 0.0)
            *left = fmax(*left - dt, 0.0);
        *spell_h = 0.0;
    }
    *was_dark = (unsigned char)(dark != 0);
}

/* ------------------------------------------------------------------------
 * Model and run lifetime.
 * ------------------------------------------------------------------------ */
int camp_qh_model_build(camp_model *m)
{
    const gr_overlay *ov = m->s->overlay;
    camp_qh_model *q = gr_calloc(1, sizeof *q);
    if (!q)
        return GR_ENOMEM;
    m->qh = q;
    gr_schedule_options so;
    gr_schedule_options_default(&so);
    q->nq = GR_CAMPAIGN_SUBQUEUES;
    q->blocks = so.block_min > 0 && 60 % so.block_min == 0 ? 60 / so.block_min : 2;
    q->narea = ov->ncity + 1;
    size_t nb = (size_t)m->nb + 1;
    q->bus_area = gr_malloc(nb * sizeof(int));
    q->heat_fac = gr_calloc(nb, sizeof(double));
    q->dist_fac = gr_calloc((size_t)m->nheat + 1, sizeof(double));
    q->dist_pop = gr_calloc((size_t)m->nheat + 1, sizeof(double));
    if (!q->bus_area || !q->heat_fac || !q->dist_fac || !q->dist_pop)
        return GR_ENOMEM;
    for (int b = 0; b < m->nb; b++) {
        int c = ov->bus_city[b];
        q->bus_area[b] = c >= 0 && c < ov->ncity ? c : ov->ncity;
        q->heat_fac[b] = ov->bus_fac[(size_t)b * GR_FAC_N + GR_FAC_HEATING];
        int d = m->heat_dist[b];
        if (d >= 0 && d < m->nheat) {
            q->dist_fac[d] += q->heat_fac[b];
            q->dist_pop[d] += m->heat_pop[b];
        }
    }
    return GR_OK;
}

void camp_qh_model_free(camp_model *m)
{
    camp_qh_model *q = m->qh;
    if (!q)
        return;
    gr_free(q->bus_area);
    gr_free(q->heat_fac);
    gr_free(q->dist_fac);
    gr_free(q->dist_pop);
    gr_free(q);
    m->qh = NULL;
}

int camp_qh_run_init(camp_run *w)
{
    const camp_model *m = w->m;
    const camp_qh_model *qm = m->qh;
    camp_qh_run *q = gr_calloc(1, sizeof *q);
    if (!q)
        return GR_ENOMEM;
    w->qh = q;
    size_t na = (size_t)qm->narea, ng = (size_t)m->nb * (size_t)qm->nq + 1;
    q->carry = gr_calloc(na, sizeof(double));
    q->start = gr_calloc(na, sizeof(int));
    q->area_load = gr_calloc(na, sizeof(double));
    q->area_shed = gr_calloc(na, sizeof(double));
    q->area_clpu = gr_calloc(na, sizeof(double));
    q->win = gr_calloc(na * (size_t)qm->nq, 1);
    q->dark = gr_calloc(ng, 1);
    q->dark_h = gr_calloc(ng, sizeof(double));
    q->spell_h = gr_calloc(ng, sizeof(double));
    q->spell_max = gr_calloc(ng, sizeof(double));
    q->clpu_left = gr_calloc(ng, sizeof(double));
    q->busy = gr_calloc((size_t)m->nb + 1, 1);
    q->area_on = gr_calloc(na, 1);
    q->mark = gr_malloc(((size_t)m->nb + 1) * sizeof(int));
    q->queue = gr_malloc(((size_t)m->nb + 1) * sizeof(int));
    q->t_in = gr_malloc(((size_t)m->nheat + 1) * sizeof(double));
    q->supply = gr_malloc(((size_t)m->nheat + 1) * sizeof(double));
    if (!q->carry || !q->start || !q->area_load || !q->area_shed || !q->area_clpu || !q->win ||
        !q->dark || !q->dark_h || !q->spell_h || !q->spell_max || !q->clpu_left || !q->busy ||
        !q->area_on || !q->mark || !q->queue || !q->t_in || !q->supply)
        return GR_ENOMEM;
    for (int d = 0; d < m->nheat; d++)
        q->t_in[d] = m->s->weather.indoor_c;
    q->t_min = m->s->weather.indoor_c;
    return GR_OK;
}

void camp_qh_run_free(camp_run *w)
{
    camp_qh_run *q = w->qh;
    if (!q)
        return;
    gr_free(q->carry);
    gr_free(q->start);
    gr_free(q->area_load);
    gr_free(q->area_shed);
    gr_free(q->area_clpu);
    gr_free(q->win);
    gr_free(q->dark);
    gr_free(q->dark_h);
    gr_free(q->spell_h);
    gr_free(q->spell_max);
    gr_free(q->clpu_left);
    gr_free(q->busy);
    gr_free(q->area_on);
    gr_free(q->mark);
    gr_free(q->queue);
    gr_free(q->t_in);
    gr_free(q->supply);
    gr_free(q);
    w->qh = NULL;
}

/* ------------------------------------------------------------------------
 * The hour.
 * ------------------------------------------------------------------------ */
/* Buses a generator reaches in the damaged grid (mark[b] = 1); the cascade's
 * tripped elements are not out here (their window is short; their shedding
 * rotates like the rest). */
static void live_buses(camp_run *w)
{
    const camp_model *m = w->m;
    camp_qh_run *q = w->qh;
    int n = 0;
    uint64_t h = 1469598103934665603ULL; /* FNV-1a of the damaged set: unchanged, no work */
    for (int i = 0; i < w->nd; i++) {
        const camp_dmg *d = &w->d[i];
        if (d->active && !d->done) {
            w->keybuf[n++] = d->kind << 28 | d->index;
            h = (h ^ (uint64_t)(unsigned)i) * 1099511628211ULL;
        }
    }
    h ^= (uint64_t)n;
    if (q->live_ok && h == q->live_hash)
        return;
    q->live_ok = 1;
    q->live_hash = h;
    camp_apply_key(m, w->g, w->keybuf, n);
    camp_dark_load(w->g, &m->adj, w->qh->mark, w->qh->queue);
}

static void heat_hour(camp_run *w, int night, double t_h, const double *cfrac, double *noheat)
{
    const camp_model *m = w->m;
    const camp_qh_model *qm = m->qh;
    camp_qh_run *q = w->qh;
    const gr_campaign_weather *wx = &m->s->weather;
    gr_campaign_total *tot = w->total;
    double *sup = q->supply;
    camp_heat_supply(w, cfrac, sup);
    /* outdoor temperature at the middle of the hour */
    double t_out = gr_weather_outdoor_c(wx, night + 1, camp_clock_h(m->s, t_h + 0.5));
    double cold = 0.0, off = 0.0;
    double *row = w->area_hourly ? w->area_hourly + (size_t)(t_h + 0.5) * (size_t)qm->narea *
                                                        GR_AREA_NFIELD
                                 : NULL; /* per area: people below cold_c */
    const gr_overlay *ov = m->s->overlay;
    for (int a = 0; row && a < qm->narea; a++)
        row[(size_t)a * GR_AREA_NFIELD + GR_AREA_BELOW_COLD] = 0.0;
    for (int d = 0; d < m->nheat; d++) {
        q->t_in[d] = gr_heat_indoor_step(wx, q->t_in[d], t_out, sup[d], 1.0);
        if (q->t_in[d] < wx->cold_c) {
            cold += qm->dist_pop[d];
            int a = ov->heat_city[d] >= 0 && ov->heat_city[d] < ov->ncity ? ov->heat_city[d]
                                                                          : ov->ncity;
            if (row)
                row[(size_t)a * GR_AREA_NFIELD + GR_AREA_BELOW_COLD] += qm->dist_pop[d];
        }
        off += qm->dist_pop[d] * (1.0 - sup[d]);
        if (q->t_in[d] < q->t_min)
            q->t_min = q->t_in[d];
    }
    tot->person_hours_below_12c += cold;
    if (cold > tot->people_below_12c_max)
        tot->people_below_12c_max = cold;
    *noheat = off;
}

void camp_qh_hour(camp_run *w, int night, double t_h, double lam, const double *frac,
                  const double *cfrac, double *nopower, double *noheat, double *clpu_lost_mw)
{
    const camp_model *m = w->m;
    const camp_qh_model *qm = m->qh;
    camp_qh_run *q = w->qh;
    const gr_campaign_weather *wx = &m->s->weather;
    const gr_grid *g0 = m->g0;
    int nq = qm->nq, na = qm->narea, nb = m->nb;
    double dt = 1.0 / qm->blocks, base = m->base;
    live_buses(w);
    /* the LP's non-critical shed per live area (MW) */
    for (int a = 0; a < na; a++)
        q->area_load[a] = q->area_shed[a] = 0.0;
    for (int b = 0; b < nb; b++) {
        double pd = g0->pd[b] * lam, cr = m->crit0[b] * lam;
        if (!q->mark[b] || pd <= 0.0)
            continue;
        int a = qm->bus_area[b];
        double nc = fmax(pd - cr, 0.0);
        double shed = pd * (1.0 - frac[b]) - cr * (1.0 - cfrac[b]);
        q->area_load[a] += nc * base;
        q->area_shed[a] += fmin(fmax(shed, 0.0), nc) * base;
    }
    double people = 0.0, lost = 0.0;
    double *row = w->area_hourly ? w->area_hourly + (size_t)(t_h + 0.5) * (size_t)na *
                                                        GR_AREA_NFIELD
                                 : NULL; /* per area: people without power, hour average */
    for (int a = 0; row && a < na; a++)
        row[(size_t)a * GR_AREA_NFIELD + GR_AREA_NO_POWER] = 0.0;
    for (int k = 0; k < qm->blocks; k++) {
        /* cold-load pickup of the groups re-energised lately (lit in the last block) */
        for (int a = 0; a < na; a++)
            q->area_clpu[a] = 0.0;
        for (int b = 0; b < nb; b++) {
            if (!q->busy[b])
                continue; /* every group at rest: no pickup */
            double pd = g0->pd[b] * lam, nc = fmax(pd - m->crit0[b] * lam, 0.0) * base / nq;
            if (!q->mark[b] || nc <= 0.0)
                continue;
            const double *cl = q->clpu_left + (size_t)b * (size_t)nq;
            const unsigned char *dk = q->dark + (size_t)b * (size_t)nq;
            double acc = q->area_clpu[qm->bus_area[b]]; /* the same sums, in a register */
            for (int s = 0; s < nq; s++)
                if (cl[s] > 0.0) /* camp_group_clpu is 0 otherwise */
                    acc += camp_group_clpu(wx, dk[s], cl[s]) * nc;
            q->area_clpu[qm->bus_area[b]] = acc;
        }
        for (int a = 0; a < na; a++) {
            double L = q->area_load[a], S = q->area_shed[a], extra = 0.0;
            if (S > 1e-9 * (L + 1.0) && q->area_clpu[a] > 0.0) {
                extra = fmin(q->area_clpu[a], L - S);
                lost += extra * dt;
            }
            if (q->area_clpu[a] > 0.0)
                w->total->clpu_mwh += q->area_clpu[a] * dt;
            double x = L > 0.0 ? (S + extra) / L : 0.0;
            q->area_on[a] = (unsigned char)(camp_queue_block(nq, x, &q->carry[a], &q->start[a],
                                                             q->win + (size_t)a * (size_t)nq) > 0);
        }
        /* groups: dark, dark time, spells, cold-load pickup clocks */
        for (int b = 0; b < nb; b++) {
            double gp = m->pop[b] / nq;
            if (!(gp > 0.0) && !(g0->pd[b] > 0.0))
                continue; /* nobody and no load: nothing to track */
            if (!q->busy[b] && q->mark[b] && !q->area_on[qm->bus_area[b]])
                continue; /* lit and at rest: camp_group_block would change nothing */
            const unsigned char *win = q->win + (size_t)qm->bus_area[b] * (size_t)nq;
            size_t g = (size_t)b * (size_t)nq;
            unsigned char busy = 0;
            double *dark_people = row ? row + (size_t)qm->bus_area[b] * GR_AREA_NFIELD +
                                            GR_AREA_NO_POWER
                                      : NULL;
            double acc = dark_people ? *dark_people : 0.0; /* the same sums, in a register */
            for (int s = 0; s < nq; s++, g++) {
                int dk = !q->mark[b] || win[s];
                if (!dk && !q->dark[g] && q->clpu_left[g] == 0.0)
                    continue; /* lit, was lit (no spell), no pickup: nothing changes */
                camp_group_block(wx, dk, dt, &q->dark[g], &q->dark_h[g], &q->spell_h[g],
                                 &q->spell_max[g], &q->clpu_left[g]);
                busy |= (unsigned char)(q->dark[g] || q->spell_h[g] != 0.0 ||
                                        q->clpu_left[g] != 0.0);
                if (dk) {
                    people += gp * dt;
                    acc += gp * dt;
                }
            }
            if (dark_people)
                *dark_people = acc;
            q->busy[b] = busy;
        }
    }
    *nopower = people; /* people-hours in this hour = people dark, hour average */
    *clpu_lost_mw = lost;
    heat_hour(w, night, t_h, cfrac, noheat);
}

int camp_qh_totals(camp_run *w)
{
    const camp_model *m = w->m;
    const camp_qh_model *qm = m->qh;
    camp_qh_run *q = w->qh;
    gr_campaign_total *tot = w->total;
    int nq = qm->nq, nb = m->nb;
    double days = m->nights > 0 ? (double)m->nights : 1.0;
    size_t n = (size_t)nb * (size_t)nq;
    double *x = gr_malloc((n + 1) * sizeof(double)), *wt = gr_malloc((n + 1) * sizeof(double));
    if (!x || !wt) {
        gr_free(x);
        gr_free(wt);
        return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
    }
    double pq = 0.0, all = 0.0;
    for (int s = 0; s < nq && s < GR_CAMPAIGN_SUBQUEUES; s++)
        tot->queue_hours_per_day[s] = 0.0;
    tot->longest_dark_h = 0.0;
    tot->indoor_min_c = q->t_min;
    for (int b = 0; b < nb; b++) {
        double gp = m->pop[b] / nq;
        for (int s = 0; s < nq; s++) {
            size_t g = (size_t)b * (size_t)nq + (size_t)s;
            x[g] = q->dark_h[g] / days;
            wt[g] = gp > 0.0 ? gp : 0.0;
            if (s < GR_CAMPAIGN_SUBQUEUES)
                tot->queue_hours_per_day[s] += wt[g] * x[g];
            all += wt[g] * x[g];
            if (wt[g] > 0.0 && q->spell_max[g] > tot->longest_dark_h)
                tot->longest_dark_h = q->spell_max[g];
        }
        pq += gp > 0.0 ? gp : 0.0;
    }
    for (int s = 0; s < nq && s < GR_CAMPAIGN_SUBQUEUES; s++)
        tot->queue_hours_per_day[s] = pq > 0.0 ? tot->queue_hours_per_day[s] / pq : 0.0;
    tot->mean_hours_per_day = pq > 0.0 ? all / (pq * nq) : 0.0;
    double wd = 0.0;
    int st = gr_worst_share(x, wt, (int)n, 0.1, &wd);
    gr_free(x);
    gr_free(wt);
    if (st)
        return gr_error_set(w->err, st, "out of memory in the campaign");
    tot->worst_decile_hours_per_day = isnan(wd) ? 0.0 : wd;
    return GR_OK;
}
