/* restore_eval.c — load served by a set of repairs: the shedding LP per state, warm-started, cached by the repaired-set bitmask.
 *
 * DESIGN
 * A state is the set of damaged elements already repaired. Its grid: every
 * unrepaired element is out (a bus isolated with its branches and units, as
 * gr_outage_apply), every repaired one in service. Its value is what the
 * emergency shedding LP of DESIGN §5 serves (gr_shed_solve: maximise
 * priority-weighted load served minus a small generation cost, DC network,
 * branch and generator limits; dark islands serve nothing).
 *
 * The default evaluator (GR_RESTORE_EVAL_SHED) applies the state to a copy of
 * the grid and solves gr_shed_solve's LP by constraint generation
 * (shed_solve_lazy, shed_lazy.c: angles eliminated, branch limits added only
 * where the last optimum breaks them; the same optimum, ~2 ms a state on the
 * 2000-bus synthetic grid where gr_shed_solve's full LP took 2-150 ms). The alternative (GR_RESTORE_EVAL_WARM) writes the same LP
 * with the branch flows as variables, loaded once, so that a change of
 * topology is a change of column bounds only (rows never change):
 *   balance row of bus b:  sum_{k from b} f_k - sum_{k to b} f_k - sum pg + sum_c s_bc
 *                          + rho_b = -Gs_b - pdfix_b
 *   flow row of branch k:  f_k - b_k theta_f + b_k theta_t + sigma_k = Pfinj_k
 *   energised branch: f_k in [-rateA, rateA], sigma_k = 0; else f_k = 0 and
 *   sigma_k boxed wide enough to absorb any angle difference (the row is void);
 *   live bus: rho_b = 0, s_bc in [0, pd_b share_bc]; else rho_b boxed (absorbs
 *   the fixed injection) and s_bc = 0; pg in [0, pmax] when energised and
 *   live, else 0; every theta in [-100, 100] rad (no reference is fixed: the
 *   LP is free to shift an island's angles).
 * Eliminating f gives gr_shed_solve's LP exactly, so the optimum is the same
 * (tests/unit/test_restore.c checks it state by state against gr_shed_solve).
 * Every column is boxed, so after bound changes the last basis can be made
 * dual feasible by moving nonbasic columns to the right bound, and each state
 * re-solves by dual simplex from the last state's basis. Measured on the
 * synthetic grid it is still ~1.7x slower per state than gr_shed_solve's
 * crash basis, so it is not the default: it stays as an independent
 * cross-check and for grids where warm starts win. Islands and live/dark
 * status come from a union-find over the state's energised branches (live =
 * holds an energised generator, as gr_islands_find).
 *
 * Values are cached in an open-addressing hash table keyed by the bitmask,
 * so a state met again by another order, crew or window is not re-solved. */
#include <math.h>
#include <string.h>

#include "sim/restore_internal.h"
#include "sim/shed.h"
#include "solve/lp.h"

#define NC GR_LOAD_NCLASS
/* Warm LP: every column boxed so that any basis can be made dual feasible by
 * putting nonbasic columns at the right bound. Angles within +-WARM_THETA rad
 * (far beyond any DC solution of a real grid), unlimited branches within
 * +-WARM_FLOW pu. */
#define WARM_THETA 100.0
#define WARM_FLOW 1e4

struct rs_eval {
    const gr_grid *g;
    const gr_damage *d;
    int mode;
    int n, nw;
    gr_shed_options shed;
    double *cap;            /* nb * 3, pu */
    const double *pop;      /* nb or NULL */
    /* state work arrays */
    unsigned char *bus_alive, *br_on, *gen_on, *live;
    int *uf, *island_gen;
    double *bound_work;     /* nb * (1 + NC): rs_eval_bound's island sums */
    /* apply_state's base (every damaged element out; inc_build): statuses,
       islands (uf0: root of each bus), the branches and units a repair can
       switch (touch_br, touch_gen) and the base islands that hold a unit */
    unsigned char *bus_alive0, *br_on0, *gen_on0;
    int *uf0, *touch_br, *touch_gen, *gen_root0;
    unsigned char *dmg_br, *dmg_gen;   /* nl / ng: damaged */
    int ntouch_br, ntouch_gen, ngen_root0;
    int inc;                /* 1: the base is built */     /* nb * (1 + NC): rs_eval_bound's island sums */
    /* warm LP */
    lp_problem *lp;
    int nfl;                /* branches with a flow column */
    int *fcol;              /* nl: index among flow branches, -1 */
    int *fbr;               /* nfl: branch of each flow column */
    double *bk, *pfinj, *lim;   /* nfl */
    int m, ncol;
    int c_th, c_f, c_sig, c_rho, c_pg, c_s;   /* first columns */
    double *rhs;            /* nb: balance right-hand side */
    int *scol;              /* nb * 3: load column or -1 */
    double *clo, *cup, *rlo, *rup;   /* current bounds */
    double *nclo, *ncup, *nrlo, *nrup;
    int loaded;
    /* reference evaluator */
    gr_grid *work;
    const gr_load_classes *classes;
    /* cache */
    size_t cap_slots, used;
    uint64_t *keys;
    rs_value *vals;
    unsigned char *full;
    /* stats */
    int solves, hits, bounds;
    double lp_s;
    double demand_mw, demand_w, demand_crit;
};

int rs_eval_words(const rs_eval *e) { return e->nw; }

void rs_eval_demand(const rs_eval *e, double *mw, double *weighted, double *critical)
{
    if (mw)
        *mw = e->demand_mw;
    if (weighted)
        *weighted = e->demand_w;
    if (critical)
        *critical = e->demand_crit;
}

int rs_eval_bounds(const rs_eval *e) { return e->bounds; }

void rs_eval_stats(const rs_eval *e, int *solves, int *hits, double *lp_s)
{
    *solves = e->solves;
    *hits = e->hits;
    *lp_s = e->lp_s;
}

void rs_eval_free(rs_eval *e)
{
    if (!e)
        return;
    gr_free(e->cap);
    gr_free(e->bus_alive);
    gr_free(e->br_on);
    gr_free(e->gen_on);
    gr_free(e->live);
    gr_free(e->uf);
    gr_free(e->island_gen);
    gr_free(e->bound_work);
    gr_free(e->bus_alive0);
    gr_free(e->br_on0);
    gr_free(e->gen_on0);
    gr_free(e->uf0);
    gr_free(e->touch_br);
    gr_free(e->touch_gen);
    gr_free(e->gen_root0);
    gr_free(e->dmg_br);
    gr_free(e->dmg_gen);
    lp_free(e->lp);
    gr_free(e->fcol);
    gr_free(e->fbr);
    gr_free(e->bk);
    gr_free(e->pfinj);
    gr_free(e->lim);
    gr_free(e->scol);
    gr_free(e->rhs);
    gr_free(e->clo);
    gr_free(e->cup);
    gr_free(e->rlo);
    gr_free(e->rup);
    gr_free(e->nclo);
    gr_free(e->ncup);
    gr_free(e->nrlo);
    gr_free(e->nrup);
    gr_grid_free(e->work);
    gr_free(e->keys);
    gr_free(e->vals);
    gr_free(e->full);
    gr_free(e);
}

static double branch_limit(const gr_grid *g, int k, char rating)
{
    double r = g->rate_a[k];
    if ((rating == 'B' || rating == 'b') && g->rate_b[k] > 0.0)
        r = g->rate_b[k];
    return r > 0.0 && isfinite(r) ? r : 0.0;
}

/* ------------------------------------------------------------------------
 * State → statuses, islands.
 * ------------------------------------------------------------------------ */
static int uf_find(int *p, int a)
{
    while (p[a] != a) {
        p[a] = p[p[a]];
        a = p[a];
    }
    return a;
}

static int bit(const uint64_t *mask, int i) { return (int)((mask[i >> 6] >> (i & 63)) & 1u); }

/* Fill bus_alive, br_on (energised), gen_on (energised), live (per bus):
 * the reference, every element from scratch. */
static void apply_state_full(rs_eval *e, const uint64_t *mask)
{
    const gr_grid *g = e->g;
    for (int b = 0; b < g->nb; b++)
        e->bus_alive[b] = g->bus_type[b] != GR_BUS_ISOLATED;
    for (int k = 0; k < g->nl; k++)
        e->br_on[k] = g->br_on[k] > 0;
    for (int k = 0; k < g->ng; k++)
        e->gen_on[k] = g->gen_on[k] > 0;
    for (int i = 0; i < e->n; i++) {
        const gr_damage_elem *el = &e->d->elem[i];
        unsigned char on = (unsigned char)bit(mask, i);
        if (el->kind == GR_ELEM_BUS)
            e->bus_alive[el->index] = on;
        else if (el->kind == GR_ELEM_BRANCH)
            e->br_on[el->index] = on;
        else
            e->gen_on[el->index] = on;
    }
    for (int k = 0; k < g->nl; k++)
        e->br_on[k] = e->br_on[k] && e->bus_alive[g->br_f[k]] && e->bus_alive[g->br_t[k]];
    for (int k = 0; k < g->ng; k++)
        e->gen_on[k] = e->gen_on[k] && e->bus_alive[g->gen_bus[k]];
    for (int b = 0; b < g->nb; b++) {
        e->uf[b] = b;
        e->island_gen[b] = 0;
    }
    for (int k = 0; k < g->nl; k++)
        if (e->br_on[k]) {
            int a = uf_find(e->uf, g->br_f[k]), c = uf_find(e->uf, g->br_t[k]);
            if (a != c)
                e->uf[a < c ? c : a] = a < c ? a : c;   /* root = lowest bus index */
        }
    for (int k = 0; k < g->ng; k++)
        if (e->gen_on[k])
            e->island_gen[uf_find(e->uf, g->gen_bus[k])] = 1;
    for (int b = 0; b < g->nb; b++)
        e->live[b] = e->bus_alive[b] && e->island_gen[uf_find(e->uf, b)];
}

/* The base of apply_state (issue 15): the state with every damaged element
 * out, once. A repair can only switch on the damaged branches and units and
 * those at damaged buses (touch_br, touch_gen), all out in the base, so a
 * state is the base plus those of them it switches on: its islands are the
 * base islands joined by them. GR_ENOMEM. */
static int inc_build(rs_eval *e)
{
    const gr_grid *g = e->g;
    int nb = g->nb, nl = g->nl, ng = g->ng;
    size_t nb1 = (size_t)nb + 1;
    e->bus_alive0 = gr_malloc(nb1);
    e->br_on0 = gr_malloc((size_t)nl + 1);
    e->gen_on0 = gr_malloc((size_t)ng + 1);
    e->uf0 = gr_malloc(nb1 * sizeof(int));
    e->touch_br = gr_malloc(((size_t)nl + 1) * sizeof(int));
    e->touch_gen = gr_malloc(((size_t)ng + 1) * sizeof(int));
    e->gen_root0 = gr_malloc(nb1 * sizeof(int));
    e->dmg_br = gr_calloc((size_t)nl + 1, 1);
    e->dmg_gen = gr_calloc((size_t)ng + 1, 1);
    uint64_t *zero = gr_calloc((size_t)e->nw, sizeof(uint64_t));
    unsigned char *dmg_bus = gr_calloc(nb1, 1);
    if (!e->bus_alive0 || !e->br_on0 || !e->gen_on0 || !e->uf0 || !e->touch_br ||
        !e->touch_gen || !e->gen_root0 || !e->dmg_br || !e->dmg_gen || !zero || !dmg_bus) {
        gr_free(zero);
        gr_free(dmg_bus);
        return GR_ENOMEM;
    }
    for (int i = 0; i < e->n; i++) {
        const gr_damage_elem *el = &e->d->elem[i];
        if (el->kind == GR_ELEM_BUS)
            dmg_bus[el->index] = 1;
        else if (el->kind == GR_ELEM_BRANCH)
            e->dmg_br[el->index] = 1;
        else
            e->dmg_gen[el->index] = 1;
    }
    e->ntouch_br = e->ntouch_gen = e->ngen_root0 = 0;
    for (int k = 0; k < nl; k++)
        if (e->dmg_br[k] || dmg_bus[g->br_f[k]] || dmg_bus[g->br_t[k]])
            e->touch_br[e->ntouch_br++] = k;
    for (int k = 0; k < ng; k++)
        if (e->dmg_gen[k] || dmg_bus[g->gen_bus[k]])
            e->touch_gen[e->ntouch_gen++] = k;
    apply_state_full(e, zero);
    memcpy(e->bus_alive0, e->bus_alive, (size_t)nb);
    memcpy(e->br_on0, e->br_on, (size_t)nl);
    memcpy(e->gen_on0, e->gen_on, (size_t)ng);
    for (int b = 0; b < nb; b++) {
        e->uf0[b] = uf_find(e->uf, b);
        if (e->island_gen[b] && e->uf0[b] == b)
            e->gen_root0[e->ngen_root0++] = b;
    }
    gr_free(zero);
    gr_free(dmg_bus);
    e->inc = 1;
    return GR_OK;
}

/* apply_state_full from the base: the same statuses and islands (island
 * roots may be other buses of the same island). */
static void apply_state(rs_eval *e, const uint64_t *mask)
{
    if (!e->inc) {
        apply_state_full(e, mask);
        return;
    }
    const gr_grid *g = e->g;
    int nb = g->nb;
    memcpy(e->bus_alive, e->bus_alive0, (size_t)nb);
    memcpy(e->br_on, e->br_on0, (size_t)g->nl);
    memcpy(e->gen_on, e->gen_on0, (size_t)g->ng);
    memcpy(e->uf, e->uf0, (size_t)nb * sizeof(int));
    for (int i = 0; i < e->n; i++) {   /* in service: the repaired elements */
        const gr_damage_elem *el = &e->d->elem[i];
        unsigned char on = (unsigned char)bit(mask, i);
        if (el->kind == GR_ELEM_BUS)
            e->bus_alive[el->index] = on;
        else if (el->kind == GR_ELEM_BRANCH)
            e->br_on[el->index] = on;
        else
            e->gen_on[el->index] = on;
    }
    for (int j = 0; j < e->ntouch_br; j++) {
        int k = e->touch_br[j], f = g->br_f[k], t = g->br_t[k];
        int in = e->dmg_br[k] ? e->br_on[k] : g->br_on[k] > 0;
        e->br_on[k] = (unsigned char)(in && e->bus_alive[f] && e->bus_alive[t]);
        if (e->br_on[k]) {
            int a = uf_find(e->uf, f), c = uf_find(e->uf, t);
            if (a != c)
                e->uf[a < c ? c : a] = a < c ? a : c;
        }
    }
    memset(e->island_gen, 0, (size_t)nb * sizeof(int));
    for (int j = 0; j < e->ngen_root0; j++)
        e->island_gen[uf_find(e->uf, e->gen_root0[j])] = 1;
    for (int j = 0; j < e->ntouch_gen; j++) {
        int k = e->touch_gen[j];
        int in = e->dmg_gen[k] ? e->gen_on[k] : g->gen_on[k] > 0;
        e->gen_on[k] = (unsigned char)(in && e->bus_alive[g->gen_bus[k]]);
        if (e->gen_on[k])
            e->island_gen[uf_find(e->uf, g->gen_bus[k])] = 1;
    }
    for (int b = 0; b < nb; b++)
        e->live[b] = e->bus_alive[b] && e->island_gen[uf_find(e->uf, b)];
}

/* Aggregate per-bus served load into v: the load served in class c at bus b
 * (pu) is sv[q], q = b * NC + c, or, when col is given, sv[col[q]] (nothing
 * where col[q] < 0 or the bus is dark). */
static void aggregate(const rs_eval *e, const double *sv, const int *col, rs_value *v)
{
    const gr_grid *g = e->g;
    double base = g->base_mva;
    memset(v, 0, sizeof *v);
    for (int b = 0; b < g->nb; b++) {
        double served = 0.0, load = 0.0;
        for (int c = 0; c < NC; c++) {
            size_t q = (size_t)b * NC + (size_t)c;
            double s = !col ? sv[q] : col[q] >= 0 && e->live[b] ? sv[col[q]] : 0.0;
            s = s < 0.0 ? 0.0 : s > e->cap[q] ? e->cap[q] : s;
            served += s;
            load += e->cap[q];
            v->weighted += e->shed.weight[c] * s * base;
            if (c == GR_LOAD_CRITICAL)
                v->critical_mw += s * base;
        }
        v->served_mw += served * base;
        if (e->pop && e->pop[b] > 0.0) {
            double frac_out = load > 0.0 ? 1.0 - served / load : (e->live[b] ? 0.0 : 1.0);
            if (frac_out < 0.0)
                frac_out = 0.0;
            v->people_out += e->pop[b] * frac_out;
        }
    }
}

/* ------------------------------------------------------------------------
 * Warm LP.
 * ------------------------------------------------------------------------ */
static int warm_build(rs_eval *e, gr_error *err)
{
    const gr_grid *g = e->g;
    int nb = g->nb, nl = g->nl, ng = g->ng;
    unsigned char *can = gr_calloc((size_t)nl + 1, 1);
    e->fcol = gr_malloc(((size_t)nl + 1) * sizeof(int));
    if (!can || !e->fcol)
        goto oom;
    for (int k = 0; k < nl; k++)
        can[k] = g->br_on[k] > 0;
    for (int i = 0; i < e->n; i++)
        if (e->d->elem[i].kind == GR_ELEM_BRANCH)
            can[e->d->elem[i].index] = 1;
    e->nfl = 0;
    for (int k = 0; k < nl; k++)
        e->fcol[k] = can[k] ? e->nfl++ : -1;
    gr_free(can);
    can = NULL;
    size_t f1 = (size_t)e->nfl + 1;
    e->fbr = gr_malloc(f1 * sizeof(int));
    e->bk = gr_malloc(f1 * sizeof(double));
    e->pfinj = gr_malloc(f1 * sizeof(double));
    e->lim = gr_malloc(f1 * sizeof(double));
    e->scol = gr_malloc(((size_t)nb * NC + 1) * sizeof(int));
    e->rhs = gr_malloc(((size_t)nb + 1) * sizeof(double));
    if (!e->fbr || !e->bk || !e->pfinj || !e->lim || !e->scol || !e->rhs)
        goto oom;
    for (int k = 0; k < nl; k++) {
        int j = e->fcol[k];
        if (j < 0)
            continue;
        double xt = g->br_x[k] * g->br_tap[k];
        e->fbr[j] = k;
        if (g->br_f[k] != g->br_t[k] && (!(xt != 0.0) || !isfinite(xt)))
            return gr_error_set(err, GR_ESINGULAR,
                                "restore: branch %d (bus %d to %d) has zero or invalid "
                                "reactance x = %g",
                                k + 1, g->bus_id[g->br_f[k]], g->bus_id[g->br_t[k]], g->br_x[k]);
        e->bk[j] = g->br_f[k] != g->br_t[k] ? 1.0 / xt : 0.0;
        double p = g->br_shift[k] != 0.0 ? -g->br_shift[k] / xt : 0.0;
        e->pfinj[j] = isfinite(p) ? p : 0.0;
        e->lim[j] = branch_limit(g, k, e->shed.rating);
    }
    int nload = 0;
    for (int q = 0; q < nb * NC; q++)
        e->scol[q] = g->pd[q / NC] > 0.0 && e->cap[q] > 0.0 ? nload++ : -1;
    e->c_th = 0;
    e->c_f = nb;
    e->c_sig = nb + e->nfl;
    e->c_rho = e->c_sig + e->nfl;
    e->c_pg = e->c_rho + nb;
    e->c_s = e->c_pg + ng;
    e->ncol = e->c_s + nload;
    e->m = nb + e->nfl;
    for (int q = 0; q < nb * NC; q++)
        if (e->scol[q] >= 0)
            e->scol[q] += e->c_s;

    /* CSC: theta columns (flow rows of incident branches), f (two balance rows
     * + its flow row), pg (balance), s (balance). */
    int *cnt = gr_calloc((size_t)nb + 1, sizeof(int));
    if (!cnt)
        goto oom;
    for (int j = 0; j < e->nfl; j++) {
        int k = e->fbr[j];
        if (g->br_f[k] != g->br_t[k]) {
            cnt[g->br_f[k]]++;
            cnt[g->br_t[k]]++;
        }
    }
    size_t nz = 0;
    for (int b = 0; b < nb; b++)
        nz += (size_t)cnt[b];
    nz += 4 * (size_t)e->nfl + (size_t)nb + (size_t)ng + (size_t)nload;
    int *Ap = gr_malloc(((size_t)e->ncol + 1) * sizeof(int));
    int *Ai = gr_malloc((nz + 1) * sizeof(int));
    double *Ax = gr_malloc((nz + 1) * sizeof(double));
    double *obj = gr_calloc((size_t)e->ncol + 1, sizeof(double));
    size_t nc1 = (size_t)e->ncol + 1, m1 = (size_t)e->m + 1;
    e->clo = gr_malloc(nc1 * sizeof(double));
    e->cup = gr_malloc(nc1 * sizeof(double));
    e->nclo = gr_malloc(nc1 * sizeof(double));
    e->ncup = gr_malloc(nc1 * sizeof(double));
    e->rlo = gr_malloc(m1 * sizeof(double));
    e->rup = gr_malloc(m1 * sizeof(double));
    e->nrlo = gr_malloc(m1 * sizeof(double));
    e->nrup = gr_malloc(m1 * sizeof(double));
    int *pos = gr_malloc(((size_t)nb + 1) * sizeof(int));
    int st = GR_OK;
    if (!Ap || !Ai || !Ax || !obj || !e->clo || !e->cup || !e->nclo || !e->ncup || !e->rlo ||
        !e->rup || !e->nrlo || !e->nrup || !pos) {
        st = GR_ENOMEM;
        goto done;
    }
    /* theta columns */
    Ap[0] = 0;
    for (int b = 0; b < nb; b++)
        Ap[b + 1] = Ap[b] + cnt[b];
    for (int b = 0; b < nb; b++)
        pos[b] = Ap[b];
    for (int j = 0; j < e->nfl; j++) {   /* rows in increasing order: j ascending */
        int k = e->fbr[j], f = g->br_f[k], t = g->br_t[k];
        if (f == t)
            continue;
        Ai[pos[f]] = nb + j;
        Ax[pos[f]++] = -e->bk[j];
        Ai[pos[t]] = nb + j;
        Ax[pos[t]++] = e->bk[j];
    }
    int p = Ap[nb];
    int col = nb;
    for (int j = 0; j < e->nfl; j++, col++) {
        int k = e->fbr[j], f = g->br_f[k], t = g->br_t[k];
        if (f != t) {
            int lo = f < t ? f : t, hi = f < t ? t : f;
            Ai[p] = lo;
            Ax[p++] = lo == f ? 1.0 : -1.0;
            Ai[p] = hi;
            Ax[p++] = hi == f ? 1.0 : -1.0;
        }
        Ai[p] = nb + j;
        Ax[p++] = 1.0;
        Ap[col + 1] = p;
    }
    for (int j = 0; j < e->nfl; j++, col++) {   /* sigma: slack of the flow row */
        Ai[p] = nb + j;
        Ax[p++] = 1.0;
        Ap[col + 1] = p;
    }
    for (int b = 0; b < nb; b++, col++) {        /* rho: slack of the balance row */
        Ai[p] = b;
        Ax[p++] = 1.0;
        Ap[col + 1] = p;
    }
    for (int k = 0; k < ng; k++, col++) {
        Ai[p] = g->gen_bus[k];
        Ax[p++] = -1.0;
        obj[col] = e->shed.gen_cost;
        Ap[col + 1] = p;
    }
    for (int q = 0; q < nb * NC; q++) {
        if (e->scol[q] < 0)
            continue;
        Ai[p] = q / NC;
        Ax[p++] = 1.0;
        obj[col] = -e->shed.weight[q % NC];
        Ap[col + 1] = p;
        col++;
    }
    /* rows never change; angles are boxed, the rest starts fixed at 0 and
       the first state sets its bounds */
    for (int j = 0; j < e->ncol; j++) {
        e->clo[j] = j < nb ? -WARM_THETA : 0.0;
        e->cup[j] = j < nb ? WARM_THETA : 0.0;
    }
    for (int b = 0; b < nb; b++)
        e->rlo[b] = e->rup[b] = e->rhs[b] = -g->gs[b] - (g->pd[b] < 0.0 ? g->pd[b] : 0.0);
    for (int j = 0; j < e->nfl; j++)
        e->rlo[nb + j] = e->rup[nb + j] = e->pfinj[j];
    if ((st = lp_create(&e->lp))) {
        st = gr_error_set(err, st, "restore: shedding LP: %s", gr_strerror(st));
        goto done;
    }
    if ((st = lp_load_cols(e->lp, e->m, e->ncol, Ap, Ai, Ax, e->clo, e->cup, obj, e->rlo,
                           e->rup))) {
        if (st == GR_ENOMEM)
            st = gr_error_set(err, GR_ENOMEM, "restore: out of memory in the shedding LP");
        else
            st = gr_error_set(err, GR_ELP, "restore: the LP could not be loaded (internal error)");
        goto done;
    }
done:
    gr_free(cnt);
    gr_free(Ap);
    gr_free(Ai);
    gr_free(Ax);
    gr_free(obj);
    gr_free(pos);
    if (st == GR_ENOMEM)
        return gr_error_set(err, GR_ENOMEM, "restore: out of memory");
    return st;
oom:
    gr_free(can);
    return gr_error_set(err, GR_ENOMEM, "restore: out of memory");
}

static int warm_solve(rs_eval *e, rs_value *v, gr_error *err)
{
    const gr_grid *g = e->g;
    int nb = g->nb;
    /* bounds of this state: only columns change */
    for (int b = 0; b < nb; b++) {
        int live = e->live[b];
        double r = fabs(e->rhs[b]) + 1.0;
        e->nclo[b] = -WARM_THETA;
        e->ncup[b] = WARM_THETA;
        e->nclo[e->c_rho + b] = live ? 0.0 : -r;
        e->ncup[e->c_rho + b] = live ? 0.0 : r;
    }
    for (int j = 0; j < e->nfl; j++) {
        int k = e->fbr[j];
        int on = e->br_on[k] && e->live[g->br_f[k]];
        double lim = e->lim[j] > 0.0 ? e->lim[j] : WARM_FLOW;
        double sig = 2.0 * WARM_THETA * fabs(e->bk[j]) + fabs(e->pfinj[j]) + 1.0;
        e->nclo[e->c_f + j] = on ? -lim : 0.0;
        e->ncup[e->c_f + j] = on ? lim : 0.0;
        e->nclo[e->c_sig + j] = on ? 0.0 : -sig;
        e->ncup[e->c_sig + j] = on ? 0.0 : sig;
    }
    for (int k = 0; k < g->ng; k++) {
        int on = e->gen_on[k] && e->live[g->gen_bus[k]];
        e->nclo[e->c_pg + k] = 0.0;
        e->ncup[e->c_pg + k] = on && g->pmax[k] > 0.0 ? g->pmax[k] : 0.0;
    }
    for (int q = 0; q < nb * NC; q++) {
        int j = e->scol[q];
        if (j < 0)
            continue;
        e->nclo[j] = 0.0;
        e->ncup[j] = e->live[q / NC] ? e->cap[q] : 0.0;
    }
    for (int j = 0; j < e->ncol; j++)
        if (e->nclo[j] != e->clo[j] || e->ncup[j] != e->cup[j]) {
            lp_set_col_bounds(e->lp, j, e->nclo[j], e->ncup[j]);
            e->clo[j] = e->nclo[j];
            e->cup[j] = e->ncup[j];
        }
    lp_status ls = LP_OPTIMAL;
    int st = e->loaded ? lp_resolve(e->lp, &ls) : lp_solve(e->lp, &ls);
    if (st == GR_OK && ls != LP_OPTIMAL && ls != LP_INFEASIBLE)
        st = lp_solve(e->lp, &ls);   /* once more from scratch */
    if (st == GR_ENOMEM)   /* inside CLP (std::bad_alloc, solve/lp.h) */
        return gr_error_set(err, GR_ENOMEM, "restore: out of memory in the shedding LP");
    if (st != GR_OK)
        return gr_error_set(err, GR_ELP, "restore: LP solve failed (internal error)");
    e->loaded = 1;
    if (ls == LP_INFEASIBLE)
        return gr_error_set(err, GR_EINFEASIBLE,
                            "restore: shedding LP infeasible in a repair state: fixed "
                            "injections cannot be balanced even with all load shed");
    if (ls != LP_OPTIMAL)
        return gr_error_set(err, GR_ELP, "restore: shedding LP failed: %s", lp_status_name(ls));
    aggregate(e, lp_primal(e->lp), e->scol, v);
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Reference: gr_shed_solve on a copy of the grid.
 * ------------------------------------------------------------------------ */
static int shed_state(rs_eval *e, const uint64_t *mask, rs_value *v, gr_error *err)
{
    const gr_grid *g = e->g;
    gr_grid *w = e->work;
    for (int b = 0; b < g->nb; b++) {
        w->bus_type[b] = e->bus_alive[b] ? (g->bus_type[b] == GR_BUS_ISOLATED ? GR_BUS_PQ
                                                                              : g->bus_type[b])
                                         : GR_BUS_ISOLATED;
    }
    for (int k = 0; k < g->nl; k++)
        w->br_on[k] = g->br_on[k];
    for (int k = 0; k < g->ng; k++)
        w->gen_on[k] = g->gen_on[k];
    for (int i = 0; i < e->n; i++) {
        const gr_damage_elem *el = &e->d->elem[i];
        int on = bit(mask, i);
        if (el->kind == GR_ELEM_BRANCH)
            w->br_on[el->index] = on;
        else if (el->kind == GR_ELEM_GEN)
            w->gen_on[el->index] = on;
    }
    for (int b = 0; b < g->nb; b++)   /* an isolated bus takes its branches and units */
        if (!e->bus_alive[b]) {
            for (int k = 0; k < g->nl; k++)
                if (g->br_f[k] == b || g->br_t[k] == b)
                    w->br_on[k] = 0;
            for (int k = 0; k < g->ng; k++)
                if (g->gen_bus[k] == b)
                    w->gen_on[k] = 0;
        }
    gr_shed_result *r = NULL;
    /* the shedding LP by constraint generation (shed_lazy.c, issue 15): the
       same optimum as gr_shed_solve with caps e->cap (= the classes' caps),
       angles eliminated and only the branch limits that bind */
    int st = shed_solve_lazy(w, e->cap, &e->shed, &r, err);
    if (st != GR_OK)
        return st;
    double *sv = gr_malloc(((size_t)g->nb * NC + 1) * sizeof(double));
    if (!sv) {
        gr_shed_result_free(r);
        return gr_error_set(err, GR_ENOMEM, "restore: out of memory");
    }
    for (int q = 0; q < g->nb * NC; q++)
        sv[q] = e->cap[q] - r->shed_class_p[q];
    aggregate(e, sv, NULL, v);
    gr_free(sv);
    gr_shed_result_free(r);
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Cache.
 * ------------------------------------------------------------------------ */
static uint64_t mask_hash(const uint64_t *m, int nw)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (int w = 0; w < nw; w++) {
        uint64_t z = m[w] + h + 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        h = z ^ (z >> 31);
    }
    return h;
}

static size_t cache_find(const rs_eval *e, const uint64_t *m, int *found)
{
    size_t mask = e->cap_slots - 1, i = (size_t)mask_hash(m, e->nw) & mask;
    while (e->full[i]) {
        if (memcmp(e->keys + i * (size_t)e->nw, m, (size_t)e->nw * sizeof(uint64_t)) == 0) {
            *found = 1;
            return i;
        }
        i = (i + 1) & mask;
    }
    *found = 0;
    return i;
}

static int cache_grow(rs_eval *e)
{
    size_t ncap = e->cap_slots ? 2 * e->cap_slots : 1024, oc = e->cap_slots;
    uint64_t *ok = e->keys;
    rs_value *ov = e->vals;
    unsigned char *of = e->full;
    e->keys = gr_malloc(ncap * (size_t)e->nw * sizeof(uint64_t));
    e->vals = gr_malloc(ncap * sizeof(rs_value));
    e->full = gr_calloc(ncap, 1);
    if (!e->keys || !e->vals || !e->full) {
        gr_free(e->keys);
        gr_free(e->vals);
        gr_free(e->full);
        e->keys = ok;
        e->vals = ov;
        e->full = of;
        return GR_ENOMEM;
    }
    e->cap_slots = ncap;
    for (size_t i = 0; i < oc; i++) {
        if (!of[i])
            continue;
        int found;
        size_t j = cache_find(e, ok + i * (size_t)e->nw, &found);
        memcpy(e->keys + j * (size_t)e->nw, ok + i * (size_t)e->nw,
               (size_t)e->nw * sizeof(uint64_t));
        e->vals[j] = ov[i];
        e->full[j] = 1;
    }
    gr_free(ok);
    gr_free(ov);
    gr_free(of);
    return GR_OK;
}

int rs_eval_get(rs_eval *e, const uint64_t *mask, rs_value *out, gr_error *err)
{
    int found;
    size_t i = cache_find(e, mask, &found);
    if (found) {
        e->hits++;
        *out = e->vals[i];
        return GR_OK;
    }
    double t0 = gr_time_s();
    apply_state(e, mask);
    rs_value v;
    int st = e->mode == GR_RESTORE_EVAL_SHED ? shed_state(e, mask, &v, err)
                                              : warm_solve(e, &v, err);
    e->lp_s += gr_time_s() - t0;
    e->solves++;
    if (st != GR_OK)
        return st;
    if (2 * (e->used + 1) > e->cap_slots) {
        if (cache_grow(e))
            return gr_error_set(err, GR_ENOMEM, "restore: out of memory");
        i = cache_find(e, mask, &found);
    }
    memcpy(e->keys + i * (size_t)e->nw, mask, (size_t)e->nw * sizeof(uint64_t));
    e->vals[i] = v;
    e->full[i] = 1;
    e->used++;
    *out = v;
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Upper bound of a state's value without an LP (issue 15).
 *
 * Summing the balance rows of a live island cancels the flows: the load it
 * serves is at most the capacity of its energised units less its fixed demand
 * (shunts, negative loads), so a fractional knapsack that serves the classes
 * heaviest first bounds the weighted load served from above (the branch
 * limits and Kirchhoff's law only take away). The greedy and RAD use it to
 * skip states that cannot change their choice; the bound is exact whenever no
 * branch limit binds.
 * ------------------------------------------------------------------------ */
int rs_eval_bound(rs_eval *e, const uint64_t *mask, double *ub)
{
    int found;
    size_t slot = cache_find(e, mask, &found);
    if (found) {
        *ub = e->vals[slot].weighted;
        return 1;
    }
    const gr_grid *g = e->g;
    apply_state(e, mask);
    int nb = g->nb;
    double *avail = e->bound_work, *cls = e->bound_work + nb;   /* per island root */
    for (int b = 0; b < nb; b++) {
        avail[b] = 0.0;
        for (int c = 0; c < NC; c++)
            cls[(size_t)b * NC + (size_t)c] = 0.0;
    }
    for (int b = 0; b < nb; b++) {
        if (!e->live[b])
            continue;
        int r = uf_find(e->uf, b);
        avail[r] -= g->gs[b] + (g->pd[b] < 0.0 ? g->pd[b] : 0.0);
        for (int c = 0; c < NC; c++)
            cls[(size_t)r * NC + (size_t)c] += e->cap[(size_t)b * NC + (size_t)c];
    }
    for (int k = 0; k < g->ng; k++)
        if (e->gen_on[k] && e->live[g->gen_bus[k]] && g->pmax[k] > 0.0)
            avail[uf_find(e->uf, g->gen_bus[k])] += g->pmax[k];
    int order[NC] = {0, 1, 2};
    for (int i = 1; i < NC; i++)   /* heaviest class first */
        for (int j = i; j > 0 && e->shed.weight[order[j]] > e->shed.weight[order[j - 1]]; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    double w = 0.0;
    for (int b = 0; b < nb; b++) {
        if (!e->live[b] || uf_find(e->uf, b) != b)
            continue;
        /* avail < 0: the LP is infeasible there; no bound (all load), so
           that the state is solved and the LP reports it */
        double a = avail[b] < 0.0 ? HUGE_VAL : avail[b];
        for (int i = 0; i < NC; i++) {
            int c = order[i];
            if (!(e->shed.weight[c] > 0.0))   /* serving it lowers the value: bound 0 */
                continue;
            double tot = cls[(size_t)b * NC + (size_t)c], sv = tot < a ? tot : a;
            a -= sv;
            w += e->shed.weight[c] * sv * g->base_mva;
        }
    }
    *ub = w * (1.0 + 1e-9) + 1e-9 * (e->demand_w > 1.0 ? e->demand_w : 1.0);
    e->bounds++;
    return 0;
}

int rs_eval_create(const gr_grid *g, const gr_damage *d, const gr_load_classes *classes,
                   const gr_shed_options *shed, const double *pop, int mode, rs_eval **out,
                   gr_error *err)
{
    *out = NULL;
    if (classes && classes->nb != g->nb)
        return gr_error_set(err, GR_EINVAL, "restore: load classes for %d buses, grid has %d",
                            classes->nb, g->nb);
    rs_eval *e = gr_calloc(1, sizeof *e);
    if (!e)
        return gr_error_set(err, GR_ENOMEM, "restore: out of memory");
    e->g = g;
    e->d = d;
    e->mode = mode;
    e->n = d->n;
    e->nw = (d->n + 63) / 64;
    if (e->nw < 1)
        e->nw = 1;
    if (shed)
        e->shed = *shed;
    else
        gr_shed_options_default(&e->shed);
    e->pop = pop;
    e->classes = classes;
    size_t b1 = (size_t)g->nb + 1;
    e->cap = gr_malloc(b1 * NC * sizeof(double));
    e->bus_alive = gr_malloc(b1);
    e->br_on = gr_malloc((size_t)g->nl + 1);
    e->gen_on = gr_malloc((size_t)g->ng + 1);
    e->live = gr_malloc(b1);
    e->uf = gr_malloc(b1 * sizeof(int));
    e->island_gen = gr_malloc(b1 * sizeof(int));
    e->bound_work = gr_malloc(b1 * (1 + NC) * sizeof(double));
    if (!e->bound_work || !e->cap || !e->bus_alive || !e->br_on || !e->gen_on || !e->live || !e->uf ||
        !e->island_gen || cache_grow(e)) {
        rs_eval_free(e);
        return gr_error_set(err, GR_ENOMEM, "restore: out of memory");
    }
    /* class caps: pd * share (gr_load_classes_default when NULL) */
    gr_load_classes *def = NULL;
    if (!classes && gr_load_classes_default(g->nb, &def)) {
        rs_eval_free(e);
        return gr_error_set(err, GR_ENOMEM, "restore: out of memory");
    }
    const gr_load_classes *cl = classes ? classes : def;
    for (int b = 0; b < g->nb; b++)
        for (int c = 0; c < NC; c++) {
            size_t q = (size_t)b * NC + (size_t)c;
            double s = cl->share[q] > 0.0 ? cl->share[q] : 0.0;
            e->cap[q] = g->pd[b] > 0.0 ? g->pd[b] * s : 0.0;
            e->demand_mw += e->cap[q] * g->base_mva;
            e->demand_w += e->shed.weight[c] * e->cap[q] * g->base_mva;
            if (c == GR_LOAD_CRITICAL)
                e->demand_crit += e->cap[q] * g->base_mva;
        }
    gr_load_classes_free(def);
    if (inc_build(e)) {
        rs_eval_free(e);
        return gr_error_set(err, GR_ENOMEM, "restore: out of memory");
    }
    int st;
    if (mode == GR_RESTORE_EVAL_SHED) {
        if ((st = gr_grid_copy(g, &e->work))) {
            rs_eval_free(e);
            return gr_error_set(err, st, "restore: out of memory");
        }
    } else if ((st = warm_build(e, err))) {
        rs_eval_free(e);
        return st;
    }
    *out = e;
    return GR_OK;
}
