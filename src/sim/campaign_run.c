/* campaign_run.c — one run of the campaign: its workspace, night by night (the attack, then hour by hour: repairs back, spare deliveries, reclosing, the waves' cascade, served load, the repair step), the night's trapezoid and resupply, then the run's totals. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/campaign_heat.h"

/* ------------------------------------------------------------------------
 * The run's workspace.
 * ------------------------------------------------------------------------ */
static void run_free(camp_run *w)
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
        camp_entry_free(&w->cache[i]);
    gr_free(w->cache);
    camp_entry_free(&w->fresh[0]);
    camp_entry_free(&w->fresh[1]);
    gr_free(w->keybuf);
    gr_free(w->run_h);
    gr_free(w->frac);
    gr_free(w->cfrac);
    gr_free(w->run_scratch);
    gr_free(w->warm_pg);
    gr_free(w->chp_lost);
    gr_free(w->t);
    gr_free(w->gt);
    gr_free(w->fx);
    gr_free(w->warn_sum);
    gr_free(w->warn_n);
    gr_free(w->ev);
    camp_qh_run_free(w);
    camp_fleet_run_free(w);
}

/* The workspace of run rc into w (zeroed first, so run_free can always
 * follow): its outputs, its copy of the grid, zones, spares and crews as the
 * scenario starts them. GR_ENOMEM. */
static int run_init(camp_run *w, const camp_run_ctx *rc)
{
    const camp_model *m = rc->m;
    const gr_campaign_scenario *s = m->s;
    int ncity = s->overlay->ncity, maxw = 1;
    *w = (camp_run){.m = m, .err = rc->err, .hourly = rc->hourly, .night = rc->night,
                    .total = rc->total, .keep_events = rc->keep_events,
                    .warn_min = rc->warn_short_min, .area_hourly = rc->area_hourly,
                    .prog = rc->prog};
    w->warn_sum = gr_calloc((size_t)ncity + 1, sizeof(double));
    w->warn_n = gr_calloc((size_t)ncity + 1, sizeof(int));
    for (int p = 0; p < s->nplans; p++)
        if (s->plans[p].nwaves > maxw)
            maxw = s->plans[p].nwaves;
    w->fx = gr_malloc((size_t)maxw * sizeof *w->fx);
    if (!w->warn_sum || !w->warn_n || !w->fx)
        return GR_ENOMEM;
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
    int st = camp_fleet_run_init(w);
    return st ? st : camp_qh_run_init(w);
}

static int spares_left(const camp_run *w)
{
    int n = 0;
    for (int k = 0; k < w->m->s->nspares; k++)
        n += w->stock[k];
    return n;
}

/* Record hour t of night (0-based index), returns the level served/load. */
static double record_hour(camp_run *w, int night, int h, double lam, const double *frac,
                          const double *cfrac, gr_campaign_night *nr, double *heat_out)
{
    const camp_model *m = w->m;
    const gr_grid *g0 = m->g0;
    double base = m->base;
    double load = 0.0, served = 0.0, crit = 0.0, nopower = 0.0, noheat = 0.0, dark = 0.0;
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
    }
    /* who is dark: the outage queues; cold-load pickup; heat (campaign_queues.c) */
    double clpu_lost = 0.0;
    camp_qh_hour(w, night, 24.0 * night + h, lam, frac, cfrac, &nopower, &noheat, &clpu_lost);
    double load_mw = load * base, served_mw = served * base - clpu_lost;
    if (served_mw > load_mw)
        served_mw = load_mw;
    if (served_mw < 0.0)
        served_mw = 0.0;
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

static void progress_tick(camp_progress *p)
{
    if (!p->opt->progress)
        return;
#pragma omp critical(gr_campaign_progress)
    {
        p->done++;
        p->opt->progress(p->opt->user, p->done, p->total);
    }
}

/* ------------------------------------------------------------------------
 * One hour.
 * ------------------------------------------------------------------------ */
/* Spare deliveries due at t. */
static void deliver_spares(camp_run *w, double t)
{
    const gr_campaign_scenario *s = w->m->s;
    for (int k = 0; k < s->nspares; k++) {
        double every = floor(s->spares[k].every_days * 24.0 + 0.5);
        if (every > 0.0 && t > 0.0 && fmod(t, every) == 0.0)
            w->stock[k] += s->spares[k].units;
    }
}

/* Reclose what the last cascade tripped once its window has closed. */
static int reclose_tripped(camp_run *w, int night, double t)
{
    const camp_model *m = w->m;
    int st = GR_OK;
    if (w->ntrip == 0 || t < w->window_end)
        return GR_OK;
    for (int k = 0; k < m->nl && !st; k++)
        if (w->trip_br[k])
            st = camp_log_event(w, night, t, GR_CEV_RECLOSE, GR_ELEM_BRANCH, k, 0, 0.0);
    for (int k = 0; k < m->ng && !st; k++)
        if (w->trip_gen[k])
            st = camp_log_event(w, night, t, GR_CEV_RECLOSE, GR_ELEM_GEN, k, 0, 0.0);
    if (st)
        return st;
    memset(w->trip_br, 0, (size_t)m->nl);
    memset(w->trip_gen, 0, (size_t)m->ng);
    w->ntrip = 0;
    return GR_OK;
}

/* Waves of the night (nw of them) taking effect at hour h (time t, level
 * lam): activate their damage, then one cascade from the state before them,
 * which opens the cascade window. */
static int waves_take_effect(camp_run *w, int night, int nw, int h, double t, double lam)
{
    const gr_campaign_scenario *s = w->m->s;
    const camp_wave_fx *fx = w->fx;
    int from = -1, to = -1, st;
    const camp_entry *before = NULL;
    for (int wi = 0; wi < nw && !before; wi++)
        if (fx[wi].hour == h && fx[wi].ndmg_to > fx[wi].ndmg_from &&
            (st = camp_current_state(w, &before)))
            return st;
    for (int wi = 0; wi < nw; wi++) {
        if (fx[wi].hour != h)
            continue;
        for (int i = fx[wi].ndmg_from; i < fx[wi].ndmg_to; i++)
            w->d[i].active = 1;
        if (fx[wi].ndmg_to > fx[wi].ndmg_from) {
            if (from < 0 || fx[wi].ndmg_from < from)
                from = fx[wi].ndmg_from;
            if (fx[wi].ndmg_to > to)
                to = fx[wi].ndmg_to;
        }
    }
    if (from < 0)
        return GR_OK;
    w->cur = NULL;
    if ((st = camp_cascade(w, night, t, lam, from, to, before)))
        return st;
    w->window_end = t + ceil(s->reclose_h);
    if (s->reclose_h <= 0.0)
        w->window_end = t;
    return GR_OK;
}

/* Served fractions of the hour at t (level lam) into w->frac and w->cfrac:
 * the cascade's within its window, else the damaged grid's state (whose
 * relaxation, if any, is counted into the run's totals at night, hour h). */
static int served_fractions(camp_run *w, int night, int h, double t, double lam)
{
    const camp_model *m = w->m;
    if (t < w->window_end) {
        /* cascade window: the cascade's served fractions */
        for (int b = 0; b < m->nb; b++) {
            w->frac[b] = w->casc_f[b];
            w->cfrac[b] = w->casc_c[b];
        }
        camp_fleet_dispatch(w, NULL, lam);
        return GR_OK;
    }
    const camp_entry *e = NULL;
    int st = camp_current_state(w, &e);
    if (st)
        return st;
    camp_entry_at(m, e, lam, w->frac, w->cfrac);
    camp_fleet_dispatch(w, e, lam); /* hydro budgets (fleet.c) */
    if (e->relaxed) {
        gr_campaign_total *tot = w->total;
        double curt, unb;
        camp_entry_relax_at(m, e, lam, &curt, &unb);
        tot->relaxed_hours++;
        tot->curtailed_mwh += curt;
        tot->unbalanced_mwh += unb;
        tot->curtailed_max_mw = fmax(tot->curtailed_max_mw, curt);
        if (unb > tot->unbalanced_max_mw) {
            tot->unbalanced_max_mw = unb;
            tot->unbalanced_night = night;
            tot->unbalanced_hour = h;
            tot->unbalanced_bus = e->unb_bus;
        }
    }
    return GR_OK;
}

/* Hour h of night (1-based; nw waves): its level served/load into *level. */
static int run_hour(camp_run *w, int night, int nw, int h, double *level)
{
    const gr_campaign_scenario *s = w->m->s;
    double t0 = 24.0 * (night - 1);
    double t = t0 + h;
    double clock = camp_clock_h(s, t);
    double lam = s->profile[(int)floor(clock) % 24];
    double heat;
    int st;
    if ((st = camp_finish_repairs(w, night, t)))
        return st;
    deliver_spares(w, t);
    camp_fleet_hour(w, t); /* restarts, nuclear outlets, hydro budgets (fleet.c) */
    if ((st = reclose_tripped(w, night, t)) || (st = waves_take_effect(w, night, nw, h, t, lam)) ||
        (st = served_fractions(w, night, h, t, lam))) {
        if (st == GR_EINFEASIBLE) { /* name where: the message is the shedding LP's */
            char msg[GR_ERROR_MAX];
            snprintf(msg, sizeof msg, "%s", w->err->msg);
            gr_error_set(w->err, st, "night %d, hour %d (%d damaged elements out): %s", night, h,
                         w->nd, msg);
        }
        return st;
    }
    *level = record_hour(w, night - 1, h, lam, w->frac, w->cfrac, &w->night[night - 1], &heat);
    return camp_repair_hour(w, t);
}

/* ------------------------------------------------------------------------
 * One night, the run's totals, the run.
 * ------------------------------------------------------------------------ */
/* The night's trapezoid: the level curve lv with the hour before (prev_level)
 * prepended; the event at the first wave's hour. */
static void night_trapezoid(gr_campaign_night *nr, double prev_level, const double *lv,
                            int first_hour)
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

/* Night `night` (1-based): the attack, its 24 hours, the trapezoid,
 * resupply. *prev_level: the level of the hour before the night, then of
 * its last hour. */
static int run_night(camp_run *w, int night, double *prev_level)
{
    const gr_campaign_scenario *s = w->m->s;
    gr_campaign_night *nr = &w->night[night - 1];
    camp_wave_fx *fx = w->fx;
    double lv[HOURS];
    int st;
    memset(nr, 0, sizeof *nr);
    gr_rng_stream(&w->rng, w->night_key, (uint64_t)night); /* the night's attack */
    const gr_night_plan *pl = gr_campaign_night_plan(s, night);
    int nw = pl ? pl->nwaves : 0;
    if (pl && (st = camp_attack(w, night, pl, fx, nr)))
        return st;
    int first_hour = HOURS;
    for (int wi = 0; wi < nw; wi++)
        if (fx[wi].hour >= 0 && fx[wi].hour < first_hour)
            first_hour = fx[wi].hour;
    nr->has_event = first_hour < HOURS;
    for (int h = 0; h < HOURS; h++) {
        if (h == first_hour)
            nr->level_before_wave = h > 0 ? lv[h - 1] : *prev_level;
        if ((st = run_hour(w, night, nw, h, &lv[h])))
            return st;
    }
    if (!nr->has_event)
        nr->level_before_wave = *prev_level;
    night_trapezoid(nr, *prev_level, lv, first_hour);
    *prev_level = lv[HOURS - 1];
    gr_ad_resupply(w->zones, s->nzones);
    nr->spares_left = spares_left(w);
    w->total->interceptors_used += nr->interceptors_used;
    w->total->damaged += nr->damaged;
    progress_tick(w->prog);
    return GR_OK;
}

/* The run's totals over its nights; final_level: the level of the last hour. */
static int run_totals(camp_run *w, double final_level)
{
    const camp_model *m = w->m;
    const gr_campaign_night *nights = w->night;
    gr_campaign_total *tot = w->total;
    int nn = m->nights;
    double *tmp = gr_malloc((size_t)(4 * nn + 1) * sizeof(double));
    if (!tmp)
        return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
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
    tot->final_level = final_level;
    tot->spares_left = spares_left(w);
    camp_fleet_totals(w);
    return camp_qh_totals(w);
}

int camp_run_one(const camp_run_ctx *rc)
{
    const camp_model *m = rc->m;
    int ncity = m->s->overlay->ncity, st;
    camp_run w;
    if ((st = run_init(&w, rc))) {
        st = gr_error_set(rc->err, GR_ENOMEM, "out of memory in the campaign");
        goto done;
    }
    for (int c = 0; c < ncity; c++)
        rc->warn_short_min[c] = NAN;
    gr_rng_stream(&w.rng, rc->seed, (uint64_t)rc->index);
    w.night_key = gr_rng_next(&w.rng);
    memset(rc->total, 0, sizeof *rc->total);
    rc->total->unbalanced_hour = -1;
    rc->total->unbalanced_bus = -1;
    double level = 1.0;
    for (int night = 1; night <= m->nights; night++)
        if ((st = run_night(&w, night, &level)))
            goto done;
    if ((st = run_totals(&w, level)))
        goto done;
    for (int c = 0; c < ncity; c++)
        rc->warn_mean_min[c] = w.warn_n[c] ? w.warn_sum[c] / w.warn_n[c] : NAN;
    if (rc->keep_events) {
        *rc->events = w.ev;
        *rc->n_events = w.nev;
        w.ev = NULL;
    }
done:
    *rc->lp_solves = w.lp_solves;
    run_free(&w);
    return st;
}
