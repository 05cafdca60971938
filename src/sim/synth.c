/* synth.c — gr_synth: the synthetic regional grid, from geography to a solved MATPOWER case and its overlay.
 *
 * DESIGN
 * Steps: geography (synth_geo.c) -> corridors and generation (synth_net.c)
 * -> sizing by DC power flow -> tuning by AC power flow -> case + overlay.
 *
 * Sizing: DC flows choose each corridor's conductor (or parallel circuits)
 * and each autotransformer bank's units so that the base flow uses at most
 * half of the rating: at peak load a single outage then seldom pushes a
 * neighbour past its emergency rating. Banks have at least two units.
 *
 * Tuning: AC power flows from a flat start (as the quality checks run them).
 * An initial reactive plan puts a temporary var source holding 1.02 pu at
 * every 330/750 kV bus; what each gives becomes a fixed shunt. Then rounds:
 * branches above 90 % of rateA are upgraded, transformer taps keep the lower
 * sides in band, buses still outside 0.96-1.045 pu get var sources whose
 * output becomes shunts, generators beyond their reactive limits hand the
 * excess to a shunt at their switchyard; the last phase runs with reactive
 * limits enforced and ends when a flow needs no change. Every change is a
 * discrete step (conductor, unit, tap, shunt rounded to 1/5/10 MVAr), so the
 * last bits of a power-flow solution (which may differ between machines and
 * linear-solver builds) cannot change the output; values taken from the final
 * solution (voltages, slack output, reactive outputs) are
 * rounded to 6 significant digits. The rest of the generator uses only
 * exactly rounded arithmetic on integers of 0.1 km (synth.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/overlay.h"
#include "sim/synth.h"

#define LINE_TARGET 0.5   /* base-case loading allowed by sizing, lines */
#define XFMR_TARGET 0.5   /* … transformer banks (>= 2 units) */
#define AC_UPGRADE 0.9    /* AC loading of rateA that triggers an upgrade */
#define V_LOW 0.96
#define V_HIGH 1.045
#define MAX_PARALLEL 6
#define MAX_TUNE_ROUNDS 30

/* ------------------------------------------------------------------------
 * Options.
 * ------------------------------------------------------------------------ */
void gr_synth_options_default(gr_synth_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->n_bus = 2000;
    opt->n_cities = 0;
    opt->seed = 1;
    opt->population = 0.0;
    opt->region_km = 0.0;
    opt->kw_per_person = 0.55;
    opt->load_pf = 0.95;
    opt->capacity_ratio = 1.22;
    opt->tune = 1;
}

static int check_options(const gr_synth_options *o, gr_error *err)
{
    if (o->n_bus < 100 || o->n_bus > 50000)
        return gr_error_set(err, GR_EINVAL, "synth: buses must be in [100, 50000], got %d",
                            o->n_bus);
    if (o->n_cities < 0 || o->n_cities > 1000)
        return gr_error_set(err, GR_EINVAL, "synth: cities must be in [0, 1000], got %d",
                            o->n_cities);
    /* people and area per bus within what a bus of this model can stand for */
    double n = o->n_bus;
    if (!(o->population == 0.0 || (o->population >= 1000.0 * n && o->population <= 20000.0 * n)))
        return gr_error_set(err, GR_EINVAL,
                            "synth: population must be 0 (auto) or 1000 .. 20000 per bus "
                            "(%.0f .. %.0f for %d buses)", 1000.0 * n, 20000.0 * n, o->n_bus);
    double rmin = sqrt(5.0 * n), rmax = sqrt(500.0 * n);
    if (rmax > 2500.0)
        rmax = 2500.0;
    if (!(o->region_km == 0.0 || (o->region_km >= rmin && o->region_km <= rmax)))
        return gr_error_set(err, GR_EINVAL,
                            "synth: region side must be 0 (auto) or %.1f .. %.1f km for %d buses "
                            "(5 .. 500 km^2 per bus)", rmin, rmax, o->n_bus);
    if (!(o->kw_per_person > 0.0 && o->kw_per_person <= 10.0))
        return gr_error_set(err, GR_EINVAL, "synth: kW per person must be in (0, 10]");
    if (!(o->load_pf >= 0.5 && o->load_pf <= 1.0))
        return gr_error_set(err, GR_EINVAL, "synth: load power factor must be in [0.5, 1]");
    if (!(o->capacity_ratio >= 1.05 && o->capacity_ratio <= 3.0))
        return gr_error_set(err, GR_EINVAL, "synth: capacity ratio must be in [1.05, 3]");
    return GR_OK;
}

static void state_free(sy_state *s)
{
    gr_free(s->city.v);
    gr_free(s->bus.v);
    gr_free(s->sub.v);
    gr_free(s->corr.v);
    gr_free(s->plant.v);
    gr_free(s->unit.v);
    gr_free(s->heat.v);
    gr_free(s->zone.v);
    gr_free(s->crew.v);
}

/* ------------------------------------------------------------------------
 * Branch data of a corridor.
 * ------------------------------------------------------------------------ */
static double corr_rate(const sy_corr *c)
{
    return c->kind == SY_LINE ? sy_cond[c->level][c->cond].rate_mva : sy_xfmr[c->cond].mva;
}

static void corr_branch(const sy_corr *c, double *r, double *x, double *b, double *rate,
                        double *tap)
{
    if (c->kind == SY_LINE) {
        const sy_conductor *k = &sy_cond[c->level][c->cond];
        double kv = sy_level_kv[c->level], zb = kv * kv / 100.0;
        *r = sy_round6(k->r_ohm_km * c->len_km / zb);
        *x = sy_round6(k->x_ohm_km * c->len_km / zb);
        *b = sy_round6(k->b_us_km * 1e-6 * c->len_km * zb);
        *tap = 0.0;
    } else {
        const sy_xfmr_type *t = &sy_xfmr[c->cond];
        *r = sy_round6(t->r_pu * 100.0 / t->mva);
        *x = sy_round6(t->x_pu * 100.0 / t->mva);
        *b = 0.0;
        *tap = sy_round6(1.0 + t->tap_step * c->tap);
    }
    *rate = corr_rate(c);
}

/* ------------------------------------------------------------------------
 * The MATPOWER case. Buses are numbered 1..nb by level (750, 330, 110 kV)
 * and creation order; row_corr maps each branch row to its corridor.
 * ------------------------------------------------------------------------ */
static int bus_order(sy_state *s, int *order)
{
    int k = 0;
    for (int l = 0; l < SY_NLEVEL; l++)
        for (int b = 0; b < s->bus.n; b++)
            if (s->bus.v[b].level == l) {
                order[k++] = b;
                s->bus.v[b].id = k;
            }
    return k;
}

static int build_case(sy_state *s, gr_case **out, int **row_corr_out)
{
    int nb = s->bus.n, ng = s->unit.n, nl = 0, st, nvs = 0;
    for (int b = 0; b < nb; b++)
        nvs += s->bus.v[b].vs > 0.0;
    ng += nvs;
    gr_case *c = NULL;
    int *order = gr_malloc((size_t)nb * sizeof *order), *row_corr = NULL;
    *out = NULL;
    if (row_corr_out)
        *row_corr_out = NULL;
    if (!order)
        return GR_ENOMEM;
    bus_order(s, order);
    for (int k = 0; k < s->corr.n; k++)
        nl += s->corr.v[k].n;
    if ((st = gr_case_alloc(nb, ng, nl, &c)))
        goto fail;
    st = GR_ENOMEM;
    row_corr = gr_malloc((size_t)(nl > 0 ? nl : 1) * sizeof *row_corr);
    c->name = gr_overlay_strdup("gridres_synth");
    c->bus_name = gr_calloc((size_t)nb, sizeof *c->bus_name);
    c->gencost.x = gr_calloc((size_t)(ng > 0 ? ng : 1) * 7, sizeof(double));
    if (!row_corr || !c->name || !c->bus_name || !c->gencost.x)
        goto fail;
    c->gencost.n = ng;
    c->gencost.cols = 7;
    c->base_mva = 100.0;
    for (int k = 0; k < nb; k++) {
        const sy_bus *b = &s->bus.v[order[k]];
        char name[72];
        c->bus.bus_i[k] = b->id;
        c->bus.type[k] = GR_BUS_PQ;
        if (b->plant >= 0 && s->plant.v[b->plant].nunit > 0)
            c->bus.type[k] = GR_BUS_PV;
        if (b->vs > 0.0 && c->bus.type[k] == GR_BUS_PQ)
            c->bus.type[k] = GR_BUS_PV;
        if (order[k] == s->ref_bus)
            c->bus.type[k] = GR_BUS_REF;
        c->bus.pd_mw[k] = b->pd;
        c->bus.qd_mvar[k] = b->qd;
        c->bus.bs_mvar[k] = b->bs;
        c->bus.area[k] = 1;
        c->bus.zone[k] = 1;
        c->bus.vm_pu[k] = 1.0;
        c->bus.va_deg[k] = 0.0;
        c->bus.base_kv[k] = sy_level_kv[b->level];
        c->bus.vmax_pu[k] = 1.05;
        c->bus.vmin_pu[k] = 0.95;
        snprintf(name, sizeof name, "%s %g", s->sub.v[b->sub].name, sy_level_kv[b->level]);
        c->bus_name[k] = gr_overlay_strdup(name);
        if (!c->bus_name[k])
            goto fail;
    }
    for (int k = 0, j = s->unit.n; k < nb; k++) {
        /* temporary var sources of the tuning (never in the final case) */
        const sy_bus *b = &s->bus.v[order[k]];
        if (b->vs <= 0.0)
            continue;
        c->gen.bus[j] = b->id;
        c->gen.qmax_mvar[j] = 1e5;
        c->gen.qmin_mvar[j] = -1e5;
        c->gen.vg_pu[j] = b->vs;
        c->gen.mbase_mva[j] = 100.0;
        c->gen.status[j] = 1;
        c->gencost.x[(size_t)j * 7] = 2.0;
        c->gencost.x[(size_t)j * 7 + 3] = 3.0;
        j++;
    }
    for (int k = 0; k < s->unit.n; k++) {
        const sy_unit *u = &s->unit.v[k];
        const sy_plant *p = &s->plant.v[u->plant];
        c->gen.bus[k] = s->bus.v[p->bus].id;
        c->gen.pg_mw[k] = u->pg;
        c->gen.qg_mvar[k] = 0.0;
        c->gen.qmax_mvar[k] = u->qmax;
        c->gen.qmin_mvar[k] = u->qmin;
        c->gen.vg_pu[k] = p->vg;
        c->gen.mbase_mva[k] = (double)sy_lround(u->pmax / 0.85);
        c->gen.status[k] = 1;
        c->gen.pmax_mw[k] = u->pmax;
        c->gen.pmin_mw[k] = u->pmin;
        double *gc = &c->gencost.x[(size_t)k * 7];
        gc[0] = 2.0;             /* polynomial */
        gc[3] = 3.0;             /* c2 P^2 + c1 P + c0 */
        gc[4] = sy_round6(0.001 * p->cost);
        gc[5] = p->cost;
        gc[6] = 0.0;
    }
    int row = 0;
    for (int k = 0; k < s->corr.n; k++) {
        const sy_corr *co = &s->corr.v[k];
        double r, x, b, rate, tap;
        corr_branch(co, &r, &x, &b, &rate, &tap);
        double fb = co->kind == SY_LINE ? 1.2 : 1.3, fc = co->kind == SY_LINE ? 1.4 : 1.5;
        for (int j = 0; j < co->n; j++, row++) {
            c->branch.f_bus[row] = s->bus.v[co->a].id;
            c->branch.t_bus[row] = s->bus.v[co->b].id;
            c->branch.r_pu[row] = r;
            c->branch.x_pu[row] = x;
            c->branch.b_pu[row] = b;
            c->branch.rate_a_mva[row] = sy_round6(rate);
            c->branch.rate_b_mva[row] = sy_round6(fb * rate);
            c->branch.rate_c_mva[row] = sy_round6(fc * rate);
            c->branch.tap[row] = tap;
            c->branch.shift_deg[row] = 0.0;
            c->branch.status[row] = 1;
            row_corr[row] = k;
        }
    }
    gr_free(order);
    *out = c;
    if (row_corr_out)
        *row_corr_out = row_corr;
    else
        gr_free(row_corr);
    return GR_OK;
fail:
    gr_free(order);
    gr_free(row_corr);
    gr_case_free(c);
    return st;
}

/* Solve the current design: AC (flat start, Q limits) or DC. */
static int solve(sy_state *s, int ac, int qlim, gr_case **cout, gr_grid **gout,
                 gr_pf_result **rout, int **row_corr)
{
    gr_case *c = NULL;
    gr_grid *g = NULL;
    gr_pf_result *r = NULL;
    gr_error e = {0, ""};
    int st;
    *rout = NULL;
    if ((st = build_case(s, &c, row_corr)))
        return st;
    if ((st = gr_grid_from_case(c, &g, &e))) {
        gr_error_set(s->err, st, "synth: internal error building the grid: %s", e.msg);
        goto fail;
    }
    if (ac) {
        gr_pf_options opt;
        gr_pf_options_default(&opt);
        opt.flat_start = 1;
        opt.enforce_q_lims = qlim;
        st = gr_pf_ac(g, &opt, &r, &e);
    } else {
        st = gr_pf_dc(g, &r, &e);
    }
    if (st) {
        gr_error_set(s->err, st, "synth: power flow failed: %s", e.msg);
        goto fail;
    }
    *rout = r;
    if (cout)
        *cout = c;
    else
        gr_case_free(c);
    if (gout)
        *gout = g;
    else
        gr_grid_free(g);
    return GR_OK;
fail:
    gr_case_free(c);
    gr_grid_free(g);
    if (row_corr) {
        gr_free(*row_corr);
        *row_corr = NULL;
    }
    return st;
}

/* Make corridor k carry `mva` (total) at loading <= target: a bigger
 * conductor or unit type, then more circuits or units. Only upgrades, so the
 * sizing loop ends. Returns 1 when something changed. */
static int upgrade(sy_corr *c, double mva, double target)
{
    int changed = 0;
    if (c->kind == SY_LINE) {
        int nc = sy_ncond[c->level];
        while (mva > target * c->n * sy_cond[c->level][c->cond].rate_mva) {
            if (c->cond + 1 < nc && mva <= target * c->n * sy_cond[c->level][nc - 1].rate_mva) {
                c->cond++;
            } else if (c->n < MAX_PARALLEL) {
                c->n++;
            } else {
                if (c->cond + 1 < nc)
                    c->cond = nc - 1, changed = 1;
                break;
            }
            changed = 1;
        }
    } else {
        while (mva > target * c->n * sy_xfmr[c->cond].mva) {
            if (c->cond == 2) {
                c->cond = 1; /* 125 -> 200 MVA units */
            } else if (c->n < MAX_PARALLEL) {
                c->n++;
            } else {
                break;
            }
            changed = 1;
        }
    }
    return changed;
}

/* Conductors and banks from DC flows. */
static int size_dc(sy_state *s)
{
    for (int round = 0; round < 6; round++) {
        gr_pf_result *r = NULL;
        int *row_corr = NULL, st, changed = 0;
        if ((st = solve(s, 0, 0, NULL, NULL, &r, &row_corr)))
            return st;
        double *flow = gr_calloc((size_t)(s->corr.n > 0 ? s->corr.n : 1), sizeof *flow);
        if (!flow) {
            gr_pf_result_free(r);
            gr_free(row_corr);
            return GR_ENOMEM;
        }
        for (int l = 0; l < r->nl; l++)
            flow[row_corr[l]] += fabs(r->pf[l]) * 100.0;
        for (int k = 0; k < s->corr.n; k++) {
            sy_corr *c = &s->corr.v[k];
            changed |= upgrade(c, flow[k], c->kind == SY_LINE ? LINE_TARGET : XFMR_TARGET);
        }
        gr_free(flow);
        gr_free(row_corr);
        gr_pf_result_free(r);
        if (!changed)
            break;
    }
    return GR_OK;
}

/* Shunt reactors against line charging: 750 kV buses compensate 90 % of the
 * half-charging of their lines, 330 kV buses half of it; in steps of 10 MVAr. */
static int reactors(sy_state *s)
{
    double *q = gr_calloc((size_t)s->bus.n, sizeof *q);
    if (!q)
        return GR_ENOMEM;
    for (int k = 0; k < s->corr.n; k++) {
        const sy_corr *c = &s->corr.v[k];
        if (c->kind != SY_LINE || c->level == SY_L110)
            continue;
        double r, x, b, rate, tap;
        corr_branch(c, &r, &x, &b, &rate, &tap);
        double half = 0.5 * b * 100.0 * c->n;
        double share = c->level == SY_L750 ? 0.9 : 0.5;
        q[c->a] += share * half;
        q[c->b] += share * half;
    }
    for (int b = 0; b < s->bus.n; b++)
        if (q[b] > 0.0)
            s->bus.v[b].bs -= 10.0 * (double)sy_lround(q[b] / 10.0);
    gr_free(q);
    return GR_OK;
}

/* Transformer taps from a converged flow (vm by state bus index): keep the
 * lower side within 0.98-1.035 pu, moving at most `maxstep` steps towards
 * 1.01 pu. A tap never reverses (coupled banks could otherwise chase each
 * other); what taps cannot fix, shunts do. Returns 1 when a tap moved. */
static int adjust_taps(sy_state *s, const double *vm, int maxstep)
{
    int changed = 0;
    for (int k = 0; k < s->corr.n; k++) {
        sy_corr *co = &s->corr.v[k];
        if (co->kind != SY_XFMR)
            continue;
        const sy_xfmr_type *t = &sy_xfmr[co->cond];
        double v = vm[co->b];
        if (v >= 0.98 && v <= 1.035)
            continue;
        long steps = sy_lround((v - 1.01) / t->tap_step);
        if (steps > maxstep)
            steps = maxstep;
        if (steps < -maxstep)
            steps = -maxstep;
        int dir = steps > 0 ? 1 : (steps < 0 ? -1 : 0);
        if (dir == 0 || dir == -co->tapdir)
            continue;
        int tap = co->tap + (int)steps;
        if (tap > t->tap_max)
            tap = t->tap_max;
        if (tap < -t->tap_max)
            tap = -t->tap_max;
        if (tap != co->tap) {
            co->tap = tap;
            co->tapdir = dir;
            changed = 1;
        }
    }
    return changed;
}

/* Shunt step (MVAr) by level. */
static const double shunt_round[SY_NLEVEL] = {10.0, 5.0, 1.0};

/* Reactive compensation. mode 0, where voltages stay out of band: every bus
 * outside 0.96-1.045 pu gets a temporary var source holding 1.0 pu (1.03 pu);
 * one flow then tells how much each must give -- all at once, so the amounts
 * are consistent -- and that becomes a fixed capacitor or reactor, rounded to
 * the level's step. mode 1 (2), the initial plan before any check: a source
 * at every 330 and 750 kV bus (every bus) holding 1.02 pu, which sets the
 * reactive balance of line charging, load and generator limits at once.
 * Returns 1 when a shunt changed, 0 when not (or, in modes 1 and 2, when the
 * flow did not converge), or a negative status. */
static int add_support(sy_state *s, const double *vm, int mode)
{
    int n = 0, st, changed = 0;
    for (int b = 0; b < s->bus.n; b++) {
        sy_bus *bu = &s->bus.v[b];
        double v = vm ? vm[b] : 1.0;
        bu->vs = 0.0;
        if (bu->plant >= 0 || b == s->ref_bus)
            continue;
        if (mode > 0) {
            /* initial plan: hold every (transmission) bus at 1.02 pu */
            if (mode == 2 || bu->level != SY_L110)
                bu->vs = 1.02;
            n += bu->vs > 0.0;
            continue;
        }
        if (v < V_LOW)
            bu->vs = 1.0;
        else if (v > V_HIGH)
            bu->vs = 1.03;
        n += bu->vs > 0.0;
    }
    if (n == 0)
        return 0;
    gr_pf_result *r = NULL;
    int *row_corr = NULL, *order = gr_malloc((size_t)s->bus.n * sizeof *order);
    if (!order)
        return GR_ENOMEM;
    st = solve(s, 1, 0, NULL, NULL, &r, &row_corr);
    if (st) {
        gr_free(order);
        return st;
    }
    bus_order(s, order);
    int j = s->unit.n;
    for (int k = 0; k < s->bus.n; k++) {
        sy_bus *bu = &s->bus.v[order[k]];
        if (bu->vs <= 0.0)
            continue;
        if (r->converged) {
            double q = 100.0 * r->qg[j] / (bu->vs * bu->vs), step = shunt_round[bu->level];
            double add = step * (double)sy_lround(q / step);
            if (add != 0.0) {
                bu->bs += add;
                changed = 1;
            }
        } else if (mode == 0) {
            /* no solution with the sources: one small step the right way */
            bu->bs += (bu->vs < 1.01 ? 1.0 : -1.0) * shunt_round[bu->level];
            changed = 1;
        }
        bu->vs = 0.0;
        j++;
    }
    gr_free(order);
    gr_free(row_corr);
    gr_pf_result_free(r);
    return changed;
}

/* Upgrade branches loaded above AC_UPGRADE of rateA. */
static int adjust_ratings(sy_state *s, const gr_pf_result *r, const int *row_corr)
{
    int changed = 0;
    for (int l = 0; l < r->nl; l++) {
        sy_corr *co = &s->corr.v[row_corr[l]];
        double sf = sqrt(r->pf[l] * r->pf[l] + r->qf[l] * r->qf[l]);
        double stt = sqrt(r->pt[l] * r->pt[l] + r->qt[l] * r->qt[l]);
        double mva = 100.0 * (sf > stt ? sf : stt) * co->n;
        if (mva > AC_UPGRADE * co->n * corr_rate(co))
            changed |= upgrade(co, mva, 0.8 * AC_UPGRADE);
    }
    return changed;
}

/* Phase 0 (flows without reactive limits): generators asked for more
 * reactive power than their limits allow (with a margin) get the excess as a
 * shunt at their switchyard, in steps of 10 MVAr. Returns 1 when changed, 0
 * when not, GR_ENOMEM. */
static int adjust_plant_q(sy_state *s, const gr_pf_result *r, double margin)
{
    int changed = 0;
    double *q = gr_calloc((size_t)s->plant.n * 3 + 1, sizeof *q);
    if (!q)
        return GR_ENOMEM;
    for (int k = 0; k < s->unit.n; k++) {
        int p = s->unit.v[k].plant;
        q[3 * p] += r->qg[k] * 100.0;
        q[3 * p + 1] += s->unit.v[k].qmax;
        q[3 * p + 2] += s->unit.v[k].qmin;
    }
    for (int p = 0; p < s->plant.n; p++) {
        sy_bus *bu = &s->bus.v[s->plant.v[p].bus];
        double qg = q[3 * p], hi = margin * q[3 * p + 1], lo = margin * q[3 * p + 2];
        if (qg > hi) {
            bu->bs += 10.0 * (double)(1 + (long)((qg - hi) / 10.0));
            changed = 1;
        } else if (qg < lo) {
            bu->bs -= 10.0 * (double)(1 + (long)((lo - qg) / 10.0));
            changed = 1;
        }
    }
    gr_free(q);
    return changed;
}

static int tune_ac(sy_state *s, gr_case **final_case)
{
    int nfail = 0, st = GR_ENOMEM, phase = 0;
    double qmargin = 0.9;
    double *vm = gr_malloc((size_t)s->bus.n * sizeof *vm);
    int *order = gr_malloc((size_t)s->bus.n * sizeof *order);
    *final_case = NULL;
    if (!vm || !order)
        goto done;
    bus_order(s, order);
    /* initial reactive plan; if even that flow fails, sources everywhere */
    if ((st = add_support(s, NULL, 1)) < 0 || (st == 0 && (st = add_support(s, NULL, 2)) < 0))
        goto done;
    for (int round = 0; round < MAX_TUNE_ROUNDS; round++) {
        gr_case *c = NULL;
        gr_pf_result *r = NULL;
        int *row_corr = NULL, changed;
        if ((st = solve(s, 1, phase, &c, NULL, &r, &row_corr)))
            goto done;
        if (!r->converged) {
            gr_pf_result_free(r);
            gr_free(row_corr);
            gr_case_free(c);
            if (++nfail > 8) {
                st = gr_error_set(s->err, GR_EINFEASIBLE,
                                  "synth: the AC power flow does not converge (seed %llu)",
                                  (unsigned long long)s->opt.seed);
                goto done;
            }
            if (phase == 1) {
                /* reactive limits bind: back to phase 0 with a wider margin */
                phase = 0;
                qmargin = qmargin > 0.45 ? qmargin - 0.15 : 0.3;
            } else {
                /* no solution even without limits: support every load */
                for (int b = 0; b < s->bus.n; b++)
                    if (s->bus.v[b].qd > 0.0)
                        s->bus.v[b].bs += (double)sy_lround(0.3 * s->bus.v[b].qd + 0.5);
            }
            continue;
        }
        for (int k = 0; k < s->bus.n; k++)
            vm[order[k]] = r->vm[k];
        changed = adjust_ratings(s, r, row_corr);
        if (adjust_taps(s, vm, round < 4 ? 2 : 1))
            changed = 1;
        else if ((st = add_support(s, vm, 0)) < 0)
            goto fail_round;
        else if (st > 0)
            changed = 1;
        if (phase == 0 && !changed && (changed = adjust_plant_q(s, r, qmargin)) < 0) {
            st = changed;
            goto fail_round;
        }
        if (phase == 0 && !changed) {
            phase = 1; /* now the real check: flat start with Q limits */
            changed = 1;
        }
        if (!changed) {
            /* store the solution, rounded */
            for (int k = 0; k < c->bus.n; k++) {
                c->bus.vm_pu[k] = sy_round6(r->vm[k]);
                c->bus.va_deg[k] = sy_round6(r->va[k] * (180.0 / 3.14159265358979323846));
            }
            for (int k = 0; k < c->gen.n; k++) {
                c->gen.pg_mw[k] = sy_round6(r->pg[k] * 100.0);
                c->gen.qg_mvar[k] = sy_round6(r->qg[k] * 100.0);
            }
            gr_pf_result_free(r);
            gr_free(row_corr);
            *final_case = c;
            st = GR_OK;
            goto done;
        }
        gr_pf_result_free(r);
        gr_free(row_corr);
        gr_case_free(c);
        continue;
    fail_round:
        gr_pf_result_free(r);
        gr_free(row_corr);
        gr_case_free(c);
        goto done;
    }
    st = gr_error_set(s->err, GR_EINFEASIBLE,
                      "synth: voltages and loadings did not settle in %d power flows (seed %llu)",
                      MAX_TUNE_ROUNDS, (unsigned long long)s->opt.seed);
done:
    gr_free(vm);
    gr_free(order);
    return st;
}

/* ------------------------------------------------------------------------
 * The overlay.
 * ------------------------------------------------------------------------ */

/* One named place of the overlay (substation, city, zone, crew base): its
 * name copied into *name_out, its position (0.1 km units) written in km.
 * GR_OK, or GR_ENOMEM when the name cannot be copied. */
static int put_place(char **name_out, double *x_km, double *y_km, const char *name, int x, int y)
{
    *name_out = gr_overlay_strdup(name);
    *x_km = x / 10.0;
    *y_km = y / 10.0;
    return *name_out ? GR_OK : GR_ENOMEM;
}

static int build_overlay(sy_state *s, const gr_case *c, gr_overlay **out)
{
    gr_overlay_sizes sz;
    gr_overlay *ov = NULL;
    int st;
    int *order = gr_malloc((size_t)s->bus.n * sizeof *order);
    if (!order)
        return GR_ENOMEM;
    bus_order(s, order);
    memset(&sz, 0, sizeof sz);
    sz.nb = s->bus.n;
    sz.nsub = s->sub.n;
    sz.nplant = s->plant.n;
    sz.ng = s->unit.n;
    sz.ncity = s->city.n;
    sz.nheat = s->heat.n;
    sz.nzone = s->zone.n;
    sz.ncrew = s->crew.n;
    sz.nl = c->branch.n;
    if ((st = gr_overlay_alloc(&sz, &ov)))
        goto done;
    st = GR_ENOMEM;
    ov->case_file = gr_overlay_strdup("grid.m");
    if (!ov->case_file)
        goto done;
    ov->seed = (int64_t)(s->opt.seed & 0x7fffffffffffffffULL);
    ov->width_km = ov->height_km = s->w / 10.0;
    ov->population = s->pop;
    ov->kw_per_person = s->opt.kw_per_person;
    ov->load_pf = s->opt.load_pf;
    for (int f = 0; f < GR_FAC_N; f++)
        ov->fac_mw[f] = sy_fac_mw(f);
    for (int k = 0; k < s->bus.n; k++) {
        const sy_bus *b = &s->bus.v[order[k]];
        ov->bus_id[k] = b->id;
        ov->bus_x_km[k] = b->x / 10.0;
        ov->bus_y_km[k] = b->y / 10.0;
        ov->bus_kv[k] = sy_level_kv[b->level];
        ov->bus_substation[k] = b->sub;
        ov->bus_city[k] = b->city;
        ov->bus_population[k] = b->pop;
        ov->bus_heat_district[k] = b->heat;
        ov->bus_heat_population[k] = b->heat_pop;
        for (int f = 0; f < GR_FAC_N; f++)
            ov->bus_fac[(size_t)k * GR_FAC_N + (size_t)f] = b->fac[f];
    }
    for (int i = 0; i < s->sub.n; i++) {
        const sy_sub *sb = &s->sub.v[i];
        if (put_place(&ov->sub_name[i], &ov->sub_x_km[i], &ov->sub_y_km[i], sb->name, sb->x, sb->y))
            goto done;
        ov->sub_kind[i] = sb->kind;
    }
    for (int p = 0; p < s->plant.n; p++) {
        ov->plant_name[p] = gr_overlay_strdup(s->plant.v[p].name);
        if (!ov->plant_name[p])
            goto done;
        ov->plant_type[p] = s->plant.v[p].type;
        ov->plant_substation[p] = s->plant.v[p].sub;
        ov->plant_city[p] = s->plant.v[p].type == GR_PLANT_CHP ? s->plant.v[p].city : -1;
    }
    for (int k = 0; k < s->unit.n; k++) {
        ov->gen_plant[k] = s->unit.v[k].plant;
        ov->gen_bus[k] = c->gen.bus[k];
    }
    for (int k = 0; k < s->city.n; k++) {
        const sy_city *ct = &s->city.v[k];
        if (put_place(&ov->city_name[k], &ov->city_x_km[k], &ov->city_y_km[k], ct->name, ct->x, ct->y))
            goto done;
        ov->city_population[k] = ct->pop;
        ov->city_radius_km[k] = ct->radius_km;
    }
    /* heat districts in city order (the file nests them in their city) */
    for (int h = 0; h < s->heat.n; h++) {
        ov->heat_city[h] = s->heat.v[h].city;
        ov->heat_plant[h] = s->heat.v[h].plant;
        ov->heat_population[h] = s->heat.v[h].pop;
    }
    for (int z = 0; z < s->zone.n; z++) {
        const sy_zone *zn = &s->zone.v[z];
        if (put_place(&ov->zone_name[z], &ov->zone_x_km[z], &ov->zone_y_km[z], zn->name, zn->x, zn->y))
            goto done;
        ov->zone_city[z] = zn->city;
        ov->zone_radius_km[z] = zn->radius_km;
    }
    for (int k = 0; k < s->crew.n; k++) {
        const sy_crew *cr = &s->crew.v[k];
        if (put_place(&ov->crew_name[k], &ov->crew_x_km[k], &ov->crew_y_km[k], cr->name, cr->x, cr->y))
            goto done;
        ov->crew_substation[k] = cr->sub;
        ov->crew_count[k] = cr->crews;
    }
    int row = 0;
    for (int k = 0; k < s->corr.n; k++)
        for (int j = 0; j < s->corr.v[k].n; j++, row++) {
            ov->branch_from[row] = c->branch.f_bus[row];
            ov->branch_to[row] = c->branch.t_bus[row];
            ov->branch_length_km[row] = s->corr.v[k].len_km;
        }
    st = GR_OK;
done:
    gr_free(order);
    if (st) {
        gr_overlay_free(ov);
        ov = NULL;
    }
    *out = ov;
    return st;
}

/* ------------------------------------------------------------------------
 * Entry point.
 * ------------------------------------------------------------------------ */
int gr_synth(const gr_synth_options *opt, gr_case **case_out, gr_overlay **overlay_out,
             gr_error *err)
{
    sy_state s;
    gr_case *c = NULL;
    gr_overlay *ov = NULL;
    int st;
    if (case_out)
        *case_out = NULL;
    if (overlay_out)
        *overlay_out = NULL;
    if (err) {
        err->status = GR_OK;
        err->msg[0] = 0;
    }
    if (!opt)
        return gr_error_set(err, GR_EINVAL, "synth: options are NULL");
    if ((st = check_options(opt, err)))
        return st;
    memset(&s, 0, sizeof s);
    s.opt = *opt;
    s.err = err;
    s.pop = opt->population > 0.0 ? (double)sy_lround(opt->population) : 5000.0 * opt->n_bus;
    double side = opt->region_km > 0.0 ? opt->region_km : 400.0 * sqrt(opt->n_bus / 2000.0);
    if (side > 2500.0)
        side = 2500.0;
    s.w = (int)sy_lround(side * 10.0);
    s.peak_mw = s.pop * opt->kw_per_person / 1000.0;
    s.has750 = s.peak_mw >= 2500.0;
    s.n330 = (int)sy_lround(opt->n_bus / 35.0);
    if (s.n330 < 2)
        s.n330 = 2;
    s.n750 = s.has750 ? (int)sy_lround(s.peak_mw / 2000.0) : 0;
    if (s.has750 && s.n750 < 2)
        s.n750 = 2;
    if (s.opt.n_cities == 0) {
        s.opt.n_cities = (int)sy_lround(8.0 * sqrt(opt->n_bus / 2000.0));
        if (s.opt.n_cities < 1)
            s.opt.n_cities = 1;
    }
    gr_rng_seed(&s.rng, opt->seed);
    if ((st = sy_geo(&s)) || (st = sy_network(&s)) || (st = sy_generation(&s)))
        goto fail;
    if (opt->tune) {
        if ((st = size_dc(&s)) || (st = reactors(&s)) || (st = tune_ac(&s, &c)))
            goto fail;
    } else {
        if ((st = reactors(&s)) || (st = build_case(&s, &c, NULL)))
            goto fail;
    }
    if ((st = build_overlay(&s, c, &ov)))
        goto fail;
    if ((st = gr_overlay_check(ov, c, err)))
        goto fail;
    state_free(&s);
    if (case_out)
        *case_out = c;
    else
        gr_case_free(c);
    if (overlay_out)
        *overlay_out = ov;
    else
        gr_overlay_free(ov);
    return GR_OK;
fail:
    if (st == GR_ENOMEM)
        gr_error_set(err, st, "synth: out of memory");
    else if (err && err->status != st)
        gr_error_set(err, st, "synth: %s", gr_strerror(st));
    state_free(&s);
    gr_case_free(c);
    gr_overlay_free(ov);
    return st;
}
