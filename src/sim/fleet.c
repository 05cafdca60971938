/* fleet.c — the campaign's generation fleet: per-unit availability (on, starting, nuclear disconnected, hydro out of water), the hooks that feed it from the campaign's trips, repairs and hourly dispatch, and the served-load key of the units out.
 *
 * DESIGN (docs/campaign.md "Generation fleet"; defaults and sources in
 * docs/calibration.md "Generation fleet defaults")
 *   A unit-commitment-lite rule, one state machine per unit of the scenario
 *   (ties are never fleet units), stepped once per hour:
 *     ON        dispatchable by the shedding LP in [0, Pmax] (the LP's
 *               emergency relaxation of Pmin, docs/shedding.md; in the
 *               campaign's deficits the committed units run at Pmax, so Pmin
 *               does not bind: a small MIP would return the same served load
 *               at many times the cost);
 *     STARTING  after a cascade trip or a return from repair: out until
 *               t + start_h[type] (the first hour boundary at or after it);
 *     NUCLEAR   a nuclear unit whose outlet is lost (its bus damaged or
 *               islanded with less peak load plus tie export than its Pmin,
 *               or, once an outlet branch is damaged, the undamaged ones
 *               rated below the units they carry) or whose
 *               island's SFR nadir leaves nuclear_band_hz: out while the
 *               outlet is lost and start_h[nuclear] after it is back (IAEA,
 *               23-25 Nov 2022: Rivne, Khmelnytskyy, South Ukraine
 *               disconnected on 23 Nov, back on the grid on 25 Nov);
 *     HYDRO     a hydro unit whose daily energy budget (hydro_budget_h x
 *               Pmax, refilled at each clock midnight) has less than an hour
 *               at Pmax left: out for the rest of the day. The budget is
 *               charged with the LP's dispatch of the hour, but only when the
 *               water is needed (the other units on, ties included, could not
 *               carry the load served, system-wide): hydro runs last, as a
 *               storage plant's operator runs it; it is never exceeded.
 *   The units out join the damaged elements in the served-load state's key
 *   (campaign_state.c), so the cache of states stays exact. A must-run CHP
 *   unit (winter, chp_must_run) cannot go below Pmin (fleet_floor_mw): when
 *   its island's peak load plus tie export cannot take the floors of the
 *   island's must-run units at its bus, it trips (STARTING, out while the
 *   island is too small, start_h[chp] after). In the campaign's deficits the
 *   units run at Pmax, so the floor never binds in the LP. */
#include <math.h>
#include <string.h>

#include "sim/campaign_internal.h"
#include "sim/fleet.h"

/* ------------------------------------------------------------------------
 * The state machine (no campaign: unit tests drive it directly).
 * ------------------------------------------------------------------------ */
int fleet_init(fleet *f, const gr_fleet_params *p, int n, const int *type,
               const double *pmax_mw)
{
    memset(f, 0, sizeof *f);
    f->p = p;
    f->n = n;
    f->day = -1;
    size_t m = (size_t)n + 1;
    f->type = gr_malloc(m * sizeof(int));
    f->pmax_mw = gr_malloc(m * sizeof(double));
    f->until_h = gr_malloc(m * sizeof(double));
    f->out = gr_calloc(m, 1);
    f->outlet = gr_calloc(m, 1);
    f->budget_mwh = gr_malloc(m * sizeof(double));
    f->last_mw = gr_calloc(m, sizeof(double));
    if (!f->type || !f->pmax_mw || !f->until_h || !f->out || !f->outlet || !f->budget_mwh ||
        !f->last_mw)
        return GR_ENOMEM;
    for (int k = 0; k < n; k++) {
        f->type[k] = type[k] >= 0 && type[k] < GR_PLANT_N ? type[k] : -1;
        f->pmax_mw[k] = pmax_mw[k] > 0.0 ? pmax_mw[k] : 0.0;
        f->until_h[k] = -INFINITY;
        f->budget_mwh[k] = p->hydro_budget_h * f->pmax_mw[k];
    }
    return GR_OK;
}

void fleet_free(fleet *f)
{
    gr_free(f->type);
    gr_free(f->pmax_mw);
    gr_free(f->until_h);
    gr_free(f->out);
    gr_free(f->outlet);
    gr_free(f->budget_mwh);
    gr_free(f->last_mw);
    memset(f, 0, sizeof *f);
}

void fleet_trip(fleet *f, int k, double t_h)
{
    if (k < 0 || k >= f->n || f->type[k] < 0)
        return;
    if (f->type[k] == GR_PLANT_NUCLEAR) { /* a trip disconnects it */
        fleet_nuclear_disconnect(f, k, t_h);
        return;
    }
    double until = t_h + f->p->start_h[f->type[k]];
    if (f->out[k] == FLEET_STARTING) { /* already starting: the later return wins */
        f->until_h[k] = fmax(f->until_h[k], until);
        return;
    }
    f->restarts++;
    f->out[k] = FLEET_STARTING;
    f->until_h[k] = until;
}

void fleet_nuclear_disconnect(fleet *f, int k, double t_h)
{
    if (k < 0 || k >= f->n || f->type[k] != GR_PLANT_NUCLEAR)
        return;
    if (f->out[k] != FLEET_NUCLEAR) {
        f->nuclear_disconnections++;
        f->restarts++;
        f->until_h[k] = -INFINITY;
    }
    f->out[k] = FLEET_NUCLEAR;
    f->until_h[k] = fmax(f->until_h[k], t_h + f->p->start_h[GR_PLANT_NUCLEAR]);
}

int fleet_begin_hour(fleet *f, double t_h, int day, const unsigned char *outlet_lost)
{
    const gr_fleet_params *p = f->p;
    int changed = 0, newday = day != f->day;
    f->day = day;
    for (int k = 0; k < f->n; k++) {
        int ty = f->type[k];
        if (ty < 0)
            continue;
        unsigned char was = f->out[k];
        if (ty == GR_PLANT_NUCLEAR && outlet_lost) {
            if (outlet_lost[k]) {
                if (f->out[k] != FLEET_NUCLEAR) {
                    f->nuclear_disconnections++;
                    f->restarts++;
                }
                f->out[k] = FLEET_NUCLEAR;
                f->until_h[k] = INFINITY;
            } else if (f->outlet[k]) { /* the outlet is back: the restart starts */
                f->until_h[k] = t_h + p->start_h[GR_PLANT_NUCLEAR];
            }
            f->outlet[k] = outlet_lost[k];
        } else if (ty == GR_PLANT_CHP && p->chp_must_run && outlet_lost) {
            /* a must-run unit whose island cannot take its floor trips (over-
               frequency protection) and restarts once the island can */
            if (outlet_lost[k]) {
                if (!f->outlet[k] && f->out[k] != FLEET_STARTING)
                    f->restarts++;
                f->out[k] = FLEET_STARTING;
                f->until_h[k] = INFINITY;
            } else if (f->outlet[k]) {
                f->until_h[k] = t_h + p->start_h[GR_PLANT_CHP];
            }
            f->outlet[k] = outlet_lost[k];
        }
        if (ty == GR_PLANT_HYDRO && newday) {
            f->budget_mwh[k] = p->hydro_budget_h * f->pmax_mw[k];
            if (f->out[k] == FLEET_HYDRO_EMPTY)
                f->out[k] = FLEET_ON;
        }
        if ((f->out[k] == FLEET_STARTING || f->out[k] == FLEET_NUCLEAR) &&
            f->until_h[k] <= t_h + 1e-9)
            f->out[k] = FLEET_ON;
        if (ty == GR_PLANT_HYDRO && (f->out[k] == FLEET_ON || f->out[k] == FLEET_HYDRO_EMPTY))
            f->out[k] = f->budget_mwh[k] < f->pmax_mw[k] - 1e-9
                            ? FLEET_HYDRO_EMPTY
                            : FLEET_ON;
        changed |= (was != FLEET_ON) != (f->out[k] != FLEET_ON);
    }
    return changed;
}

void fleet_use(fleet *f, int k, double mw)
{
    if (k < 0 || k >= f->n || f->out[k] != FLEET_ON)
        return;
    mw = fmax(0.0, fmin(mw, f->pmax_mw[k]));
    f->last_mw[k] = mw;
    if (f->type[k] == GR_PLANT_HYDRO)
        f->budget_mwh[k] = fmax(0.0, f->budget_mwh[k] - mw);
}

void fleet_end_hour(fleet *f)
{
    for (int k = 0; k < f->n; k++) {
        if (f->out[k] == FLEET_NUCLEAR)
            f->nuclear_unit_h_out += 1.0;
        else if (f->out[k] == FLEET_HYDRO_EMPTY)
            f->hydro_limited_mwh += f->pmax_mw[k];
    }
}

double fleet_floor_mw(const fleet *f, int k)
{
    if (k < 0 || k >= f->n || f->out[k] != FLEET_ON || f->type[k] != GR_PLANT_CHP ||
        !f->p->chp_must_run)
        return 0.0;
    return f->p->pmin[GR_PLANT_CHP] * f->pmax_mw[k];
}

/* ------------------------------------------------------------------------
 * Campaign hooks.
 * ------------------------------------------------------------------------ */
int camp_fleet_run_init(camp_run *w)
{
    const camp_model *m = w->m;
    const gr_campaign_scenario *s = m->s;
    w->fl = NULL;
    if (!s->fleet.enabled)
        return GR_OK;
    int n = m->ng0;
    w->fl = gr_calloc(1, sizeof *w->fl);
    int *type = gr_malloc(((size_t)n + 1) * sizeof(int));
    double *pmax = gr_malloc(((size_t)n + 1) * sizeof(double));
    w->fl_lost = gr_calloc((size_t)n + 1, 1);
    w->fl_mark = gr_malloc(((size_t)m->nb + 1) * sizeof(int));
    w->fl_queue = gr_malloc(((size_t)m->nb + 1) * sizeof(int));
    w->fl_abr = gr_calloc((size_t)m->nl + 1, 1);
    w->fl_abus = gr_calloc((size_t)m->nb + 1, 1);
    w->fl_agen = gr_calloc((size_t)m->ng + 1, 1);
    w->fl_pabr = gr_calloc((size_t)m->nl + 1, 1);
    w->fl_pabus = gr_calloc((size_t)m->nb + 1, 1);
    w->fl_pagen = gr_calloc((size_t)m->ng + 1, 1);
    w->fl_lost_ok = 0;
    int st = !w->fl || !type || !pmax || !w->fl_lost || !w->fl_mark || !w->fl_queue ||
                     !w->fl_abr || !w->fl_abus || !w->fl_agen || !w->fl_pabr || !w->fl_pabus ||
                     !w->fl_pagen
                 ? GR_ENOMEM
                 : GR_OK;
    if (!st) {
        const gr_overlay *ov = s->overlay;
        for (int k = 0; k < n; k++) {
            int pl = m->gen_plant[k];
            type[k] = pl >= 0 && m->g0->gen_on[k] ? ov->plant_type[pl] : -1;
            pmax[k] = m->g0->pmax[k] * m->base;
        }
        st = fleet_init(w->fl, &s->fleet, n, type, pmax);
    }
    gr_free(type);
    gr_free(pmax);
    return st;
}

void camp_fleet_run_free(camp_run *w)
{
    if (w->fl)
        fleet_free(w->fl);
    gr_free(w->fl);
    gr_free(w->fl_lost);
    gr_free(w->fl_mark);
    gr_free(w->fl_queue);
    gr_free(w->fl_abr);
    gr_free(w->fl_abus);
    gr_free(w->fl_agen);
    gr_free(w->fl_pabr);
    gr_free(w->fl_pabus);
    gr_free(w->fl_pagen);
    w->fl = NULL;
}

int camp_fleet_key(const camp_run *w, int *key, int n)
{
    const fleet *f = w->fl;
    if (!f)
        return n;
    for (int k = 0; k < f->n; k++)
        if (fleet_is_out(f, k) && !w->fl_agen[k])
            key[n++] = GR_ELEM_GEN << 28 | k;
    return n;
}

/* The active (effective, unrepaired) damage into fl_abr, fl_abus, fl_agen:
 * dmg_br and the others also hold the damage of waves still due tonight. */
static void active_sets(camp_run *w)
{
    const camp_model *m = w->m;
    memset(w->fl_abr, 0, (size_t)m->nl);
    memset(w->fl_abus, 0, (size_t)m->nb);
    memset(w->fl_agen, 0, (size_t)m->ng);
    for (int i = 0; i < w->nd; i++) {
        const camp_dmg *d = &w->d[i];
        if (!d->active || d->done)
            continue;
        if (d->kind == GR_ELEM_BRANCH)
            w->fl_abr[d->index] = 1;
        else if (d->kind == GR_ELEM_BUS)
            w->fl_abus[d->index] = 1;
        else if (d->kind == GR_ELEM_GEN)
            w->fl_agen[d->index] = 1;
    }
}

/* Buses reached from bus b through undamaged branches and buses into mark
 * (stamp) and the queue; returns their positive load (pu, at peak) plus the
 * export room of energised ties among them. */
static double island_room(camp_run *w, int b, int stamp, int *nq)
{
    const camp_model *m = w->m;
    const gr_grid *g0 = m->g0;
    int *mark = w->fl_mark, *q = w->fl_queue, head = 0, tail = 0;
    double room = 0.0;
    mark[b] = stamp;
    q[tail++] = b;
    while (head < tail) {
        int u = q[head++];
        if (g0->pd[u] > 0.0)
            room += g0->pd[u];
        for (int i = m->adj.gen_ptr[u]; i < m->adj.gen_ptr[u + 1]; i++) {
            int k = m->adj.gen[i];
            if (k >= m->ng0 && g0->gen_on[k])
                room += -g0->pmin[k]; /* a tie's export */
        }
        for (int i = m->adj.br_ptr[u]; i < m->adj.br_ptr[u + 1]; i++) {
            int k = m->adj.br[i];
            if (!g0->br_on[k] || w->fl_abr[k])
                continue;
            int v = g0->br_f[k] == u ? g0->br_t[k] : g0->br_f[k];
            if (mark[v] == stamp || w->fl_abus[v])
                continue;
            mark[v] = stamp;
            q[tail++] = v;
        }
    }
    *nq = tail;
    return room;
}

/* Outlet lost of every nuclear unit into w->fl_lost. */
static void nuclear_outlets(camp_run *w)
{
    const camp_model *m = w->m;
    const gr_grid *g0 = m->g0;
    fleet *f = w->fl;
    int stamp = 0;
    for (int b = 0; b < m->nb; b++)
        w->fl_mark[b] = -1;
    memset(w->fl_lost, 0, (size_t)f->n);
    for (int k = 0; k < f->n; k++) {
        if (f->type[k] != GR_PLANT_NUCLEAR)
            continue;
        int b = g0->gen_bus[k];
        if (w->fl_abus[b]) {
            w->fl_lost[k] = 1;
            continue;
        }
        /* a bus of units already looked at: done with them */
        int first = 1;
        for (int i = m->adj.gen_ptr[b]; i < m->adj.gen_ptr[b + 1]; i++)
            if (m->adj.gen[i] < k && f->type[m->adj.gen[i]] == GR_PLANT_NUCLEAR)
                first = 0;
        if (!first)
            continue;
        /* the outlet: undamaged branches' rating; the island's load and export */
        double rate = 0.0;
        int unlimited = 0, cut = 0, nq;
        for (int i = m->adj.br_ptr[b]; i < m->adj.br_ptr[b + 1]; i++) {
            int l = m->adj.br[i];
            if (!g0->br_on[l])
                continue;
            if (w->fl_abr[l]) {
                cut = 1;
                continue;
            }
            if (g0->rate_a[l] > 0.0)
                rate += g0->rate_a[l];
            else
                unlimited = 1;
        }
        double room = island_room(w, b, stamp++, &nq) * m->base;
        /* the rating rule only once an outlet branch is damaged: a case whose
           undamaged outlet is rated below its units keeps them */
        if (unlimited || !cut)
            rate = INFINITY;
        else
            rate *= m->base;
        /* the bus's nuclear units in index order while the outlet carries them */
        double cum = 0.0;
        for (int i = m->adj.gen_ptr[b]; i < m->adj.gen_ptr[b + 1]; i++) {
            int j = m->adj.gen[i];
            if (j >= f->n || f->type[j] != GR_PLANT_NUCLEAR || w->fl_agen[j])
                continue;
            double pmin = f->p->pmin[GR_PLANT_NUCLEAR] * f->pmax_mw[j];
            cum += f->pmax_mw[j];
            w->fl_lost[j] = (unsigned char)(cum > rate + 1e-6 || room < pmin);
        }
    }
    /* must-run CHP units (winter): the island's peak load and tie export must take
       the floors of its must-run units, in index order (the heat-led minimum cannot
       be backed down: fleet_floor_mw) */
    if (!f->p->chp_must_run)
        return;
    for (int k = 0; k < f->n; k++) {
        if (f->type[k] != GR_PLANT_CHP || w->fl_agen[k])
            continue;
        int b = g0->gen_bus[k];
        if (w->fl_abus[b])
            continue; /* the bus is damaged: the unit is out with it */
        int first = 1;
        for (int i = m->adj.gen_ptr[b]; i < m->adj.gen_ptr[b + 1]; i++)
            if (m->adj.gen[i] < k && f->type[m->adj.gen[i]] == GR_PLANT_CHP)
                first = 0;
        if (!first)
            continue;
        int nq;
        double room = island_room(w, b, stamp++, &nq) * m->base, cum = 0.0;
        for (int i = m->adj.gen_ptr[b]; i < m->adj.gen_ptr[b + 1]; i++) {
            int j = m->adj.gen[i];
            if (j >= f->n || f->type[j] != GR_PLANT_CHP || w->fl_agen[j])
                continue;
            cum += f->p->pmin[GR_PLANT_CHP] * f->pmax_mw[j];
            w->fl_lost[j] = (unsigned char)(room < cum - 1e-6);
        }
    }
}

void camp_fleet_hour(camp_run *w, double t_h)
{
    fleet *f = w->fl;
    if (!f)
        return;
    const gr_campaign_scenario *s = w->m->s;
    active_sets(w);
    /* the outlets and islands change only with the damage: most hours keep
       the last answer (nuclear_outlets reads nothing else that changes) */
    const camp_model *m = w->m;
    if (!w->fl_lost_ok || memcmp(w->fl_abr, w->fl_pabr, (size_t)m->nl) ||
        memcmp(w->fl_abus, w->fl_pabus, (size_t)m->nb) ||
        memcmp(w->fl_agen, w->fl_pagen, (size_t)m->ng)) {
        nuclear_outlets(w);
        memcpy(w->fl_pabr, w->fl_abr, (size_t)m->nl);
        memcpy(w->fl_pabus, w->fl_abus, (size_t)m->nb);
        memcpy(w->fl_pagen, w->fl_agen, (size_t)m->ng);
        w->fl_lost_ok = 1;
    }
    int day = (int)floor((s->start_h + t_h) / 24.0 + 1e-9);
    if (fleet_begin_hour(f, t_h, day, w->fl_lost))
        w->cur = NULL;
}

void camp_fleet_dispatch(camp_run *w, const camp_entry *e, double lam)
{
    fleet *f = w->fl;
    if (!f)
        return;
    const camp_model *m = w->m;
    const gr_grid *g0 = m->g0;
    /* water is charged only when it is needed: an hour whose other units on
       (ties' import included) could carry the load served takes nothing from
       the budget (the LP's split between units of equal cost is arbitrary; a
       storage plant's operator runs the others first). System-wide: the
       network's limits on that substitution are not checked. */
    double served = 0.0, other = 0.0;
    for (int b = 0; b < m->nb; b++) {
        double pd = lam * g0->pd[b];
        if (pd > 0.0)
            served += w->frac[b] * pd;
    }
    for (int k = 0; k < m->ng; k++) {
        if (!g0->gen_on[k] || w->fl_agen[k] || w->fl_abus[g0->gen_bus[k]] ||
            (k < f->n && (f->type[k] == GR_PLANT_HYDRO || fleet_is_out(f, k))))
            continue;
        other += fmax(g0->pmax[k], 0.0);
    }
    int needed = other < served;
    for (int k = 0; k < f->n; k++) {
        if (f->type[k] != GR_PLANT_HYDRO || fleet_is_out(f, k))
            continue;
        double mw = f->last_mw[k];
        if (e && e->pg_hi) {
            if (e->exact || !e->pg_lo) {
                mw = e->pg_hi[k] * lam / m->lam_hi;
            } else {
                double lo = m->lam_lo, hi = m->lam_hi, l = fmin(fmax(lam, lo), hi);
                double t = (l - lo) / (hi - lo);
                mw = (1.0 - t) * e->pg_lo[k] + t * e->pg_hi[k];
            }
            mw *= m->base;
        }
        fleet_use(f, k, needed ? mw : 0.0);
        if (!needed)
            f->last_mw[k] = mw;
    }
    fleet_end_hour(f);
}

/* The SFR nadir (Hz) of a sudden loss of p_mw on an island of s_mw online
 * units with up_mw of headroom and load_mw, sync: part of the large
 * interconnection; as cascade_balance.c's island_sfr (Anderson & Mirheydar
 * 1990 through gr_sfr_step). */
static double nadir_hz(const gr_cascade_options *o, double p_mw, double s_mw, double up_mw,
                       double load_mw, int sync)
{
    const gr_sfr_params *q = &o->sfr;
    double d0 = o->load_damping_pct_per_hz / 100.0 * o->f0_hz;
    double km = q->km * (p_mw > 0.0 ? fmin(1.0, up_mw / p_mw) : 1.0);
    double s_ic = sync ? q->sync_system_mw : 0.0;
    double k_ic = q->sync_fcr_hz > 0.0 && q->sync_system_mw > 0.0
                      ? (q->sync_fcr_mw / q->sync_system_mw) / (q->sync_fcr_hz / o->f0_hz)
                      : 0.0;
    double base = s_mw + s_ic;
    if (!(base > 0.0) || !(p_mw > 0.0))
        return o->f0_hz;
    gr_sfr_model mdl = {(q->h_s * s_mw + q->sync_h_s * s_ic) / base, q->r, q->t_r_s, q->f_h,
                        (km * s_mw + k_ic * q->r * s_ic) / base, d0 * (load_mw + s_ic) / base};
    gr_sfr_response rsp;
    if (gr_sfr_step(&mdl, p_mw / base, &rsp, NULL) != GR_OK)
        return o->f0_hz;
    return o->f0_hz * (1.0 - rsp.nadir_pu);
}

void camp_fleet_cascade(camp_run *w, double t_h, const gr_cascade_result *cr)
{
    fleet *f = w->fl;
    if (!f)
        return;
    const camp_model *m = w->m;
    const gr_grid *g = w->g; /* the state before the wave */
    active_sets(w);          /* the wave's damage is active now */
    for (int k = 0; k < f->n; k++)
        if (w->trip_gen[k])
            fleet_trip(f, k, t_h);
    /* nuclear units still on: the SFR nadir of their pre-wave island's loss */
    int stamp = 0;
    for (int b = 0; b < m->nb; b++)
        w->fl_mark[b] = -1;
    for (int k = 0; k < f->n; k++) {
        if (f->type[k] != GR_PLANT_NUCLEAR || !cr->gen_on[k] || fleet_is_out(f, k))
            continue;
        int b = g->gen_bus[k];
        {   /* pre-wave island of b over in-service branches */
            int *mark = w->fl_mark, *q = w->fl_queue, head = 0, tail = 0;
            stamp++;
            mark[b] = stamp;
            q[tail++] = b;
            while (head < tail) {
                int u = q[head++];
                for (int i = m->adj.br_ptr[u]; i < m->adj.br_ptr[u + 1]; i++) {
                    int l = m->adj.br[i];
                    if (!g->br_on[l])
                        continue;
                    int v = g->br_f[l] == u ? g->br_t[l] : g->br_f[l];
                    if (mark[v] != stamp) {
                        mark[v] = stamp;
                        q[tail++] = v;
                    }
                }
            }
        }
        int isl = w->fl_mark[b], bi = cr->bus_island[b], sync = 0;
        double p = 0.0, s_mw = 0.0, up = 0.0, load = 0.0;
        for (int u = 0; u < m->nb; u++)
            if (w->fl_mark[u] == isl && g->pd[u] > 0.0)
                load += g->pd[u] * m->base;
        for (int j = 0; j < m->ng; j++) {
            if (!g->gen_on[j] || w->fl_mark[g->gen_bus[j]] != isl)
                continue;
            double pg = g->pg[j] * m->base, pmax = g->pmax[j] * m->base;
            if (!cr->gen_on[j]) {
                p += fmax(pg, 0.0);
            } else if (j >= m->ng0) {
                sync |= m->gen_sync && m->gen_sync[j] && cr->bus_island[g->gen_bus[j]] == bi;
            } else {
                s_mw += fmax(pmax, 0.0);
                up += fmax(pmax - pg, 0.0);
            }
        }
        double fz = nadir_hz(&m->co, p, s_mw, up, load, sync);
        if (fz < f->p->nuclear_f_low_hz || fz > f->p->nuclear_f_high_hz)
            fleet_nuclear_disconnect(f, k, t_h);
    }
}

void camp_fleet_repaired(camp_run *w, int kind, int index, double t_h)
{
    fleet *f = w->fl;
    if (!f)
        return;
    const camp_model *m = w->m;
    if (kind == GR_ELEM_GEN) {
        fleet_trip(f, index, t_h);
    } else if (kind == GR_ELEM_BUS) {
        for (int i = m->adj.gen_ptr[index]; i < m->adj.gen_ptr[index + 1]; i++)
            if (!w->dmg_gen[m->adj.gen[i]])
                fleet_trip(f, m->adj.gen[i], t_h);
    }
}

void camp_fleet_totals(camp_run *w)
{
    const fleet *f = w->fl;
    if (!f)
        return;
    gr_campaign_total *t = w->total;
    t->unit_restarts = f->restarts;
    t->nuclear_disconnections = f->nuclear_disconnections;
    t->nuclear_unit_days_out = f->nuclear_unit_h_out / 24.0;
    t->hydro_energy_limited_mwh = f->hydro_limited_mwh;
}
