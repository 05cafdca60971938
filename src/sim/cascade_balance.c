/* cascade_balance.c — per-island rebalance of a cascade: generator pick-up within headroom and ramp, staged UFLS, load relief, frequency collapse, over-frequency tripping.
 *
 * DESIGN (DESIGN §4; docs/cascade.md, "Rebalance")
 *   An island's demand is D = Σ (Pd + overhead) over its buses, where the
 *   overhead is the shunt conductance and the bus's share of the branch losses
 *   of the last converged power flow (DC: the shunt only), and its generation
 *   is G = Σ Pg of its energised units. The reference bus takes only what the
 *   overhead estimate misses; everything else is decided here:
 *
 *   - Deficit D - G ≤ R_up (Σ of each unit's room up to min(Pmax, Pg0 + ramp)):
 *     the units pick it up in proportion to their room (DCSIMSEP, AC-CFM).
 *   - Larger deficit: the units go to their limits and the residual r is met
 *     by the frequency-dependent load. The steady-state frequency follows the
 *     load self-regulation K = load_damping_pct_per_hz % of the island's load
 *     per Hz (ENTSO-E, Continental Europe: 1 %/Hz):  Δf = r / (K · L).
 *     Governors are at their limits, so droop adds no further response.
 *     While f is below the threshold of the next UFLS stage (49.0, 48.8, …
 *     48.0 Hz), that stage sheds ufls_stage_frac of every bus's base load and
 *     the balance is redone (ENTSO-E NC ER: from 49.0 Hz, ≥ 6 stages, 45 % ±
 *     7 % in total). What remains once no stage is due is the load relief
 *     itself: the loads are scaled down by r / L (cause load_relief, counted as
 *     "other"); if f would be below f_collapse_hz (47.5 Hz, where the units'
 *     under-frequency protection may act, ENTSO-E RfG) the island blacks out.
 *   - Surplus G - D: the units back down in proportion to their room (to
 *     Pmin; over-frequency response, LFSM-O, is fast, so no ramp limit). What they cannot take raises the frequency by
 *     r / (K · L), and the reference unit keeps that residual (the loads'
 *     own response at the raised frequency). If the surplus is over
 *     overfreq_surplus (15 %) of the demand, or the frequency would exceed
 *     f_overfreq_trip_hz (51.5 Hz, the upper limit of ENTSO-E RfG), the
 *     smallest unit trips (over-frequency protection) and the balance is redone.
 *
 *   Frequency model SFR (opt.freq_model = GR_FREQ_SFR; docs/cascade.md
 *   "Frequency response"): each deficit is also a sudden loss p, and the
 *   island's low-order SFR model (Anderson & Mirheydar 1990, frequency.c) on
 *   its online capacity S gives the nadir and the initial RoCoF p/(2H) f0.
 *   The island's governors respond with gain km, scaled by min(1, R_up / p)
 *   (governors at their limits give no more). An island holding an energised
 *   synchronous tie (opt.gen_sync) is part of the large interconnection: S,
 *   H, governor gain (its FCR, sync_fcr_mw at sync_fcr_hz) and load damping
 *   include sync_system_mw, so the nadir barely moves; a deficit beyond its
 *   room (the ties' import included) trips the ties (cause separation) and
 *   the island goes on alone. Then: a RoCoF above rocof_trip_hz_s trips the
 *   smallest unit once (loss-of-mains protection of embedded units); the
 *   UFLS stages act on min(nadir, the static rule's frequency) and so does
 *   the collapse limit f_collapse_hz (under-frequency protection of the
 *   units, 47.5 Hz); a deficit within the room with no stage due is picked
 *   up as before.
 */
#include <math.h>

#include "model/islands_internal.h"
#include "sim/cascade_internal.h"

/* Room of unit k to move up (dir > 0: to min(Pmax, Pg0 + ramp)) or down
 * (dir < 0: to Pmin; backing down is fast — LFSM-O — so no ramp limit), pu. */
static double gen_room(const casc_ws *ws, int k, int dir)
{
    const gr_grid *g = ws->g;
    if (!g->gen_on[k])
        return 0.0;
    if (dir > 0) {
        double hi = fmin(g->pmax[k], ws->pg0[k] + ws->ramp[k]);
        return fmax(0.0, hi - g->pg[k]);
    }
    return fmax(0.0, g->pg[k] - g->pmin[k]);
}

void casc_move_gens(casc_ws *ws, int s, double delta)
{
    int dir = delta > 0 ? 1 : -1;
    double room = 0.0;
    for (int q = ws->isl_gptr[s]; q < ws->isl_gptr[s + 1]; q++)
        room += gen_room(ws, ws->isl_gen[q], dir);
    if (room <= 0.0)
        return;
    double share = fmin(1.0, fabs(delta) / room);
    for (int q = ws->isl_gptr[s]; q < ws->isl_gptr[s + 1]; q++) {
        int k = ws->isl_gen[q];
        ws->g->pg[k] += dir * share * gen_room(ws, k, dir);
    }
}

typedef struct island_sums {
    double gen, demand, load, up, down; /* pu; load counts positive loads only */
    int n_on;
} island_sums;

static void sum_island(const casc_ws *ws, int s, island_sums *x)
{
    const gr_grid *g = ws->g;
    x->gen = x->demand = x->load = x->up = x->down = 0.0;
    x->n_on = 0;
    for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++) {
        int b = ws->isl_bus[q];
        x->demand += g->pd[b] + ws->overhead[b];
        x->load += fmax(g->pd[b], 0.0);
    }
    for (int q = ws->isl_gptr[s]; q < ws->isl_gptr[s + 1]; q++) {
        int k = ws->isl_gen[q];
        if (!g->gen_on[k])
            continue;
        x->n_on++;
        x->gen += g->pg[k];
        x->up += gen_room(ws, k, 1);
        x->down += gen_room(ws, k, -1);
    }
}

/* Trip the unit with the smallest output (lowest row on ties). */
static int trip_smallest(casc_ws *ws, int s, double surplus_frac)
{
    int best = -1;
    for (int q = ws->isl_gptr[s]; q < ws->isl_gptr[s + 1]; q++) {
        int k = ws->isl_gen[q];
        if (ws->g->gen_on[k] && (best < 0 || ws->g->pg[k] < ws->g->pg[best]))
            best = k;
    }
    if (best < 0)
        return GR_OK;
    ws->g->gen_on[best] = 0;
    ws->g->pg[best] = 0.0;
    ws->n_trips++;
    return casc_log(ws, GR_ELEM_GEN, best, GR_CAUSE_OVERFREQUENCY, 0.0, surplus_frac);
}

/* Scale every positive load of island s by (1 - frac); returns the load shed. */
static double scale_island_load(casc_ws *ws, int s, double frac, int category)
{
    double shed = 0.0;
    for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++) {
        int b = ws->isl_bus[q];
        if (ws->g->pd[b] > 0.0)
            shed += casc_shed_bus(ws, b, frac >= 1.0 ? ws->g->pd[b] : frac * ws->g->pd[b],
                                  category);
    }
    return shed;
}

/* SFR of a sudden deficit p (pu) on island s: its nadir frequency and initial
 * RoCoF (Hz, Hz/s); *sync: the island holds an energised synchronous tie. */
static void island_sfr(const casc_ws *ws, int s, const island_sums *x, double p, double *f_nadir,
                       double *rocof, int *sync)
{
    const gr_cascade_options *o = &ws->opt;
    const gr_sfr_params *q = &o->sfr;
    const gr_grid *g = ws->g;
    double s_loc = 0.0;
    *sync = 0;
    for (int i = ws->isl_gptr[s]; i < ws->isl_gptr[s + 1]; i++) {
        int k = ws->isl_gen[i];
        if (!g->gen_on[k])
            continue;
        if (o->gen_sync && o->gen_sync[k])
            *sync = 1;
        else
            s_loc += fmax(g->pmax[k], 0.0);
    }
    double d0 = o->load_damping_pct_per_hz / 100.0 * o->f0_hz; /* pu load / pu f */
    double km = q->km * (p > 0.0 ? fmin(1.0, x->up / p) : 1.0);
    double s_ic = *sync ? q->sync_system_mw / g->base_mva : 0.0;
    double k_ic = q->sync_fcr_hz > 0.0 ? (q->sync_fcr_mw / q->sync_system_mw) /
                                             (q->sync_fcr_hz / o->f0_hz) : 0.0;
    double base = s_loc + s_ic;
    *f_nadir = o->f0_hz;
    *rocof = 0.0;
    if (!(base > 0.0) || !(p > 0.0))
        return;
    gr_sfr_model mdl = {(q->h_s * s_loc + q->sync_h_s * s_ic) / base, q->r, q->t_r_s, q->f_h,
                        (km * s_loc + k_ic * q->r * s_ic) / base,
                        d0 * (x->load + s_ic) / base};
    gr_sfr_response rsp;
    if (gr_sfr_step(&mdl, p / base, &rsp, NULL) != GR_OK)
        return;
    *f_nadir = o->f0_hz * (1.0 - rsp.nadir_pu);
    *rocof = rsp.rocof_pu_s * o->f0_hz;
}

/* SFR: trip the island's energised synchronous ties (it separates). */
static int separate(casc_ws *ws, int s, double f)
{
    for (int q = ws->isl_gptr[s]; q < ws->isl_gptr[s + 1]; q++) {
        int k = ws->isl_gen[q];
        if (ws->g->gen_on[k] && ws->opt.gen_sync[k]) {
            ws->g->gen_on[k] = 0;
            ws->g->pg[k] = 0.0;
            ws->n_trips++;
            int st = casc_log(ws, GR_ELEM_GEN, k, GR_CAUSE_SEPARATION, 0.0, fmax(f, 0.0));
            if (st)
                return st;
        }
    }
    return GR_OK;
}

/* SFR: trip the smallest energised unit that is not a tie (RoCoF protection). */
static int trip_rocof(casc_ws *ws, int s, double rocof)
{
    int best = -1;
    for (int q = ws->isl_gptr[s]; q < ws->isl_gptr[s + 1]; q++) {
        int k = ws->isl_gen[q];
        if (ws->g->gen_on[k] && !(ws->opt.gen_sync && ws->opt.gen_sync[k]) &&
            (best < 0 || ws->g->pg[k] < ws->g->pg[best]))
            best = k;
    }
    if (best < 0)
        return GR_OK;
    ws->g->gen_on[best] = 0;
    ws->g->pg[best] = 0.0;
    ws->n_trips++;
    return casc_log(ws, GR_ELEM_GEN, best, GR_CAUSE_ROCOF, 0.0, rocof);
}

static int balance_island(casc_ws *ws, int s, int *gen_tripped)
{
    const gr_cascade_options *o = &ws->opt;
    int island_bus = ws->isl_bus[ws->isl_ptr[s]]; /* lowest bus index names the island */
    int guard = ws->g->ng + o->ufls_stages + 8;
    int sfr = o->freq_model == GR_FREQ_SFR, rocof_done = 0;
    for (int it = 0; it < guard; it++) {
        island_sums x;
        sum_island(ws, s, &x);
        if (x.n_on == 0)
            return GR_OK; /* dark: the caller accounts for it */
        double imb = x.demand - x.gen;
        if (fabs(imb) <= CASC_BALANCE_TOL)
            return GR_OK;
        if (imb < 0.0) { /* surplus */
            double surplus = -imb;
            double frac = x.demand > CASC_BALANCE_TOL ? surplus / x.demand : HUGE_VAL;
            /* What the units cannot back down raises the frequency (load
             * self-regulation, as for a deficit). */
            double k_pu_per_hz = x.load * o->load_damping_pct_per_hz / 100.0;
            double r = fmax(0.0, surplus - x.down);
            double f = o->f0_hz + (r > 0.0 ? (k_pu_per_hz > 0.0 ? r / k_pu_per_hz : HUGE_VAL) : 0.0);
            if (frac > o->overfreq_surplus || f > o->f_overfreq_trip_hz) {
                *gen_tripped = 1;
                int st = trip_smallest(ws, s, isfinite(frac) ? frac : 0.0);
                if (st)
                    return st;
                continue;
            }
            /* Within the room: the units back down; a residual below the trip
             * frequency stays with the reference unit (the loads' own response
             * at the raised frequency). */
            casc_move_gens(ws, s, -fmin(surplus, x.down));
            return GR_OK;
        }
        double f_nadir = o->f0_hz;
        if (sfr) {
            double rocof;
            int sync;
            island_sfr(ws, s, &x, imb, &f_nadir, &rocof, &sync);
            if (sync && imb > x.up + CASC_BALANCE_TOL) { /* beyond the ties' import */
                *gen_tripped = 1;
                int st = separate(ws, s, f_nadir);
                if (st)
                    return st;
                continue;
            }
            if (!rocof_done && rocof > o->sfr.rocof_trip_hz_s) {
                rocof_done = 1;
                *gen_tripped = 1;
                int st = trip_rocof(ws, s, rocof);
                if (st)
                    return st;
                continue;
            }
        }
        int within = imb <= x.up + CASC_BALANCE_TOL;
        if (within && !(sfr && f_nadir < o->ufls_f_start_hz)) { /* within the units' room */
            casc_move_gens(ws, s, imb);
            return GR_OK;
        }
        /* Deficit beyond the room: frequency from the load self-regulation
         * (SFR: or the nadir, the lower of the two). */
        double r = fmax(0.0, imb - x.up);
        double k_pu_per_hz = x.load * o->load_damping_pct_per_hz / 100.0;
        double f = within ? o->f0_hz
                          : o->f0_hz - (k_pu_per_hz > 0.0 ? r / k_pu_per_hz : HUGE_VAL);
        if (sfr)
            f = fmin(f, f_nadir);
        int stage = o->ufls_stages;
        for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++)
            if (ws->ufls_stage[ws->isl_bus[q]] < stage)
                stage = ws->ufls_stage[ws->isl_bus[q]];
        if (stage < o->ufls_stages && f < o->ufls_f_start_hz - stage * o->ufls_f_step_hz) {
            double shed = 0.0;
            for (int q = ws->isl_ptr[s]; q < ws->isl_ptr[s + 1]; q++) {
                int b = ws->isl_bus[q];
                if (ws->ufls_stage[b] > stage)
                    continue;
                ws->ufls_stage[b] = stage + 1;
                double amount = o->ufls_stage_frac * fmax(ws->pd0[b], 0.0);
                shed += casc_shed_bus(ws, b, amount, GR_LOSS_UFLS);
            }
            int st = casc_log(ws, GR_ELEM_ISLAND, island_bus, GR_CAUSE_UFLS, shed,
                              fmax(f, 0.0));
            if (st)
                return st;
            if (shed > 0.0)
                continue;
            /* no load left to shed at this stage: fall through */
        }
        if (!(f >= o->f_collapse_hz)) {
            /* Frequency collapse: the units' protection trips, the island is dark. */
            double shed = scale_island_load(ws, s, 1.0, GR_LOSS_OTHER);
            for (int q = ws->isl_gptr[s]; q < ws->isl_gptr[s + 1]; q++) {
                int k = ws->isl_gen[q];
                if (ws->g->gen_on[k]) {
                    ws->g->gen_on[k] = 0;
                    ws->g->pg[k] = 0.0;
                }
            }
                    *gen_tripped = 1;
            return casc_log(ws, GR_ELEM_ISLAND, island_bus, GR_CAUSE_FREQ_COLLAPSE, shed,
                            fmax(f, 0.0));
        }
        if (within) { /* SFR: the nadir arrested above the stages still due */
            casc_move_gens(ws, s, imb);
            return GR_OK;
        }
        /* Load relief: the residual deficit is the load's own frequency response. */
        double shed = scale_island_load(ws, s, x.load > 0.0 ? r / x.load : 0.0, GR_LOSS_OTHER);
        casc_move_gens(ws, s, x.up);
        return casc_log(ws, GR_ELEM_ISLAND, island_bus, GR_CAUSE_LOAD_RELIEF, shed, fmax(f, 0.0));
    }
    return GR_OK;
}

int casc_rebalance(casc_ws *ws, int *gen_tripped)
{
    *gen_tripped = 0;
    for (int s = 0; s < ws->isl->n; s++) {
        if (ws->isl->ref[s] < 0)
            continue;
        int st = balance_island(ws, s, gen_tripped);
        if (st)
            return st;
    }
    return GR_OK;
}
