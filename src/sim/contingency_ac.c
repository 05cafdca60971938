/* contingency_ac.c — AC N-1 (N-k) that reuses the base case: Jacobian pattern, slot map, symbolic and numeric LU built once, warm start, no analysis per contingency.
 *
 * DESIGN. A full power flow per contingency (gr_pf_ac of the outaged grid)
 * rebuilds Ybus, the islands, the Jacobian pattern and slot map, runs the
 * KLU analysis (ordering) and Newton from the case voltages: on
 * case9241pegase about 6 iterations and 36 ms. A branch outage only
 * changes four Ybus values, so here:
 *   - the base Ybus, Jacobian pattern, slot map (nr_setup) and KLU symbolic
 *     analysis are built once and shared read-only by all threads; the
 *     outaged branch's admittances are subtracted from the thread's copy of
 *     the Ybus values (the entries stay, as explicit zeros when the branch was
 *     alone), so the pattern and the analysis stay valid;
 *   - Newton starts from the base solution and runs as a chord method (the
 *     same operator for several steps) and stops at the same tolerance as
 *     gr_pf_ac (max |mismatch| <= tol), so it satisfies the same equations to
 *     the same accuracy. For a single branch outage the first operator is the
 *     post-outage Jacobian at the base point, which differs from the base
 *     Jacobian only in the rows and columns of the branch's two buses (at most
 *     4 unknowns): it is applied through the base LU factors with the
 *     Sherman-Morrison-Woodbury formula (Alsac, Stott & Tinney, "Sparsity-
 *     oriented compensation methods", IEEE TPAS 1983) at the cost of one
 *     extra solve with at most 4 right-hand sides, no factorisation at all. When the
 *     mismatch shrinks by less than CHORD_RATE per step, the Jacobian is
 *     refilled at the current point and refactored (klu_refactor: pivots
 *     reused, no analysis), and so is it for outages of several branches or
 *     that split islands;
 *   - voltages are updated in rectangular form by the step's small rotation
 *     (a series for cos/sin of the angle step), not with cos/sin of every
 *     angle at every step;
 *   - an outage that splits an island keeps the same pattern: buses of a
 *     dark island get identity rows and columns (their voltage is dropped,
 *     their load reported as dark), and an island that split off with
 *     generation gets its reference per DESIGN §1 by turning that bus's rows
 *     into identities (angle fixed at its case value, Vm at the set point):
 *     exactly the equations gr_pf_ac solves island by island. The side a
 *     single bridge cuts off comes from the depth-first tree of the bridge
 *     search (no island search per contingency); when it is small its rows
 *     and columns join the low-rank change above (up to SMW_MAX unknowns),
 *     so most islanding outages need no factorisation either;
 *   - when the chord steps do not converge, plain Newton (a fresh Jacobian
 *     every step, max_iter steps) runs again from the same start: the
 *     iterations gr_pf_ac would make on these equations, so non-convergence
 *     is Newton's verdict, never a by-product of the shortcut; an island
 *     split off with generation and more buses than its reference is solved
 *     by plain Newton from the start (its state can move far);
 *   - what changes bus roles (a PV bus losing its last generator, the loss of
 *     a reference generator, generator Q limits) is solved by an independent
 *     gr_pf_ac of the outaged grid (from the base solution too).
 * Both start from the base solution on purpose: from the case's voltages a
 * stressed grid may converge to another, low-voltage solution of the same
 * equations (case2383wp, branch 2492: Vm down to 0.38 pu), which is not the
 * state the grid moves to from its operating point.
 * Each thread owns its Ybus values, Jacobian values, KLU numeric factors and
 * scratch. Its factors start from the base Jacobian's pivots and are reset
 * to them whenever a contingency needed fresh pivoting, so every contingency
 * is computed the same way whatever thread runs it: results do not depend
 * on the thread count. */
#include <complex.h>
#include <math.h>
#include <string.h>

#include "model/islands_internal.h"
#include "model/ybus_internal.h"
#include "sim/contingency_ac.h"
#include "solve/sens.h"

/* ------------------------------------------------------------------------
 * Set-up.
 * ------------------------------------------------------------------------ */
static void ac_shared_free(ac_shared *sh)
{
    gr_islands_free(sh->isl);
    gr_pf_result_free(sh->base);
    gr_csc_free(sh->Y);
    if (sh->proto_ok)
        nr_free(&sh->proto);
    gr_free(sh->kind);
    gr_free(sh->live);
    gr_free(sh->sp);
    gr_free(sh->sq);
    gr_free(sh->Jx0);
    lu_factors_free(sh->f0);
    gr_free(sh->vr0);
    gr_free(sh->vi0);
    gr_free(sh->bus_pos);
    gr_free(sh->ypos);
    gr_free(sh->tpos);
    gr_free(sh->yb);
    ctg_tree_free(&sh->tree);
    gr_free(sh->gen_ptr);
    gr_free(sh->gen_list);
}

/* Position of entry (row i, column j) in Y, or -1. */
static int ypos_of(const gr_csc *Y, int i, int j)
{
    int lo = Y->p[j], hi = Y->p[j + 1] - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (Y->i[mid] == i)
            return mid;
        if (Y->i[mid] < i)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static void ac_thread_free(void *thread)
{
    ac_thread *t = thread;
    gr_free(t->Y.x);
    gr_free(t->Y.z);
    gr_free(t->gx);
    gr_free(t->gz);
    gr_free(t->Jx);
    lu_free_sharing(t->lu);
    gr_free(t->smw_pi);
    gr_free(t->smw_pv);
    gr_free(t->smw_work);
    gr_free(t->smw_c);
    gr_free(t->ubus);
    gr_free(t->F);
    gr_free(t->dx);
    gr_free(t->vr);
    gr_free(t->vi);
    gr_free(t->ir);
    gr_free(t->ii);
    gr_free(t->vm);
    gr_free(t->va);
    gr_free(t->sp);
    gr_free(t->vm_start);
    gr_free(t->va_start);
    gr_free(t->mask_a);
    gr_free(t->mask_m);
    gr_free(t->bus_ok);
    gr_free(t->br_out);
    gr_free(t->pf);
    gr_free(t->qf);
    gr_free(t->pt);
    gr_free(t->qt);
    gr_free(t->ysave);
    gr_free(t->br);
    gr_free(t->gen);
    gr_grid_free(t->gc);
}

static int ac_thread_init(void *thread, const void *shared)
{
    ac_thread *t = thread;
    const ac_shared *sh = shared;
    const gr_grid *g = sh->g;
    memset(t, 0, sizeof *t);
    size_t nb = (size_t)g->nb + 1, nl = (size_t)g->nl + 1, nz = (size_t)sh->Y->p[g->nb] + 1;
    size_t n = (size_t)sh->proto.n + 1, me = (size_t)sh->max_el + 1;
    t->Y = *sh->Y;
    t->Y.x = gr_malloc(nz * sizeof(double));
    t->Y.z = gr_malloc(nz * sizeof(double));
    t->Jx = gr_calloc((size_t)sh->proto.J->p[sh->proto.n] + 1, sizeof(double));
    t->F = gr_malloc(n * sizeof(double));
    t->dx = gr_malloc(n * sizeof(double));
    t->vr = gr_calloc(nb, sizeof(double));
    t->vi = gr_calloc(nb, sizeof(double));
    t->ir = gr_calloc(nb, sizeof(double));
    t->ii = gr_calloc(nb, sizeof(double));
    t->vm = gr_malloc(nb * sizeof(double));
    t->va = gr_malloc(nb * sizeof(double));
    t->sp = gr_malloc(nb * sizeof(double));
    t->vm_start = gr_malloc(nb * sizeof(double));
    t->va_start = gr_malloc(nb * sizeof(double));
    t->mask_a = gr_calloc(nb, 1);
    t->mask_m = gr_calloc(nb, 1);
    t->bus_ok = gr_calloc(nb, 1);
    t->br_out = gr_calloc(nl, 1);
    t->pf = gr_calloc(nl, sizeof(double));
    t->qf = gr_calloc(nl, sizeof(double));
    t->pt = gr_calloc(nl, sizeof(double));
    t->qt = gr_calloc(nl, sizeof(double));
    t->ysave = gr_malloc(8 * me * sizeof(double));
    t->smw_cap = (int)(SMW_MAX * n);
    t->smw_pi = gr_malloc((size_t)t->smw_cap * sizeof(int));
    t->smw_pv = gr_malloc((size_t)t->smw_cap * sizeof(double));
    t->smw_work = gr_calloc(n, sizeof(double));
    t->smw_c = gr_malloc(n * sizeof(double));
    t->ubus = gr_malloc((SMW_MAX + 2) * sizeof(int));
    t->br = gr_malloc(me * sizeof(int));
    t->gen = gr_malloc(me * sizeof(int));
    if (!t->Y.x || !t->Y.z || !t->Jx || !t->F || !t->dx || !t->vr || !t->vi || !t->ir ||
        !t->ii || !t->vm || !t->va || !t->sp || !t->mask_a || !t->mask_m || !t->bus_ok ||
        !t->br_out || !t->pf || !t->qf || !t->pt || !t->qt || !t->ysave || !t->br || !t->gen ||
        !t->smw_pi || !t->smw_pv || !t->smw_work || !t->smw_c || !t->ubus || !t->vm_start || !t->va_start)
        return GR_ENOMEM;
    memcpy(t->Y.x, sh->Y->x, (nz - 1) * sizeof(double));
    memcpy(t->Y.z, sh->Y->z, (nz - 1) * sizeof(double));
    if (sh->tpos) {
        t->gx = gr_malloc(nz * sizeof(double));
        t->gz = gr_malloc(nz * sizeof(double));
        if (!t->gx || !t->gz)
            return GR_ENOMEM;
        for (size_t q = 0; q + 1 < nz; q++) {
            t->gx[q] = sh->Y->x[sh->tpos[q]];
            t->gz[q] = sh->Y->z[sh->tpos[q]];
        }
    }
    int st = gr_grid_copy(g, &t->gc);
    if (st)
        return st;
    /* full solves start from the base solution, as the fast path does */
    for (int b = 0; b < g->nb; b++)
        if (sh->live[b]) {
            t->gc->vm0[b] = sh->base->vm[b];
            t->gc->va0[b] = sh->base->va[b];
        }
    if (sh->proto.n > 0) {
        if ((st = lu_create_sharing(sh->proto.lu, &t->lu)))
            return st;
        /* the reference pivots: the base Jacobian's */
        if ((st = lu_factor_full(t->lu, sh->proto.J->p, sh->proto.J->i, sh->Jx0)))
            return st;
    }
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * One contingency.
 * ------------------------------------------------------------------------ */
/* Independent gr_pf_ac of the outaged grid, from the base solution. */
static int solve_full(ctg_run *run, const ac_shared *sh, ac_thread *t, int c)
{
    const gr_grid *g = run->g;
    gr_pf_result *r = NULL;
    ctg_apply_outage(run, c, t->gc, 0);
    int st = gr_pf_ac(t->gc, sh->pf, &r, NULL);
    ctg_apply_outage(run, c, t->gc, 1);
    if (st)
        return st;
    for (int e = run->list->ptr[c]; e < run->list->ptr[c + 1]; e++)
        if (run->list->kind[e] == GR_ELEM_BRANCH)
            t->br_out[run->list->index[e]] = 1;
    for (int b = 0; b < g->nb; b++) {
        int i = r->bus_island[b];
        t->bus_ok[b] = i >= 0 && r->island_converged[i] == 1;
    }
    ctg_state s = {.converged = r->converged, .method = GR_CTG_FULL,
                   .iterations = r->iterations, .islands = r->n_islands,
                   .dark_load_p = r->dark_load_p, .mismatch = r->max_mismatch, .vm = r->vm,
                   .bus_ok = t->bus_ok, .pf = r->pf, .qf = r->qf, .pt = r->pt, .qt = r->qt,
                   .br_out = t->br_out};
    st = ctg_record(run, c, &s);
    memset(t->br_out, 0, (size_t)g->nl);
    gr_pf_result_free(r);
    return st;
}

/* Voltage set point of bus b without the generators in out[0..nout-1]: the
 * last remaining energised unit's (as gr_pf_ac); -1 when none is left. */
static double bus_setpoint(const ac_shared *sh, int b, const int *out, int nout)
{
    double vg = -1.0;
    for (int q = sh->gen_ptr[b]; q < sh->gen_ptr[b + 1]; q++) {
        int k = sh->gen_list[q], gone = 0;
        for (int j = 0; j < nout; j++)
            gone |= out[j] == k;
        if (!gone)
            vg = sh->g->vg[k];
    }
    return vg;
}

/* Branch flows S = V conj(y V) at both ends from t->vr/vi. */
static void branch_flows(const ac_shared *sh, ac_thread *t)
{
    const gr_grid *g = sh->g;
    for (int k = 0; k < g->nl; k++) {
        int f = g->br_f[k], to = g->br_t[k];
        if (sh->ypos[4 * k] < 0 || t->br_out[k] || !t->bus_ok[f] || !t->bus_ok[to]) {
            t->pf[k] = t->qf[k] = t->pt[k] = t->qt[k] = 0.0;
            continue;
        }
        const double *y = sh->yb + 8 * k;
        double vfr = t->vr[f], vfi = t->vi[f], vtr = t->vr[to], vti = t->vi[to];
        double ifr = y[0] * vfr - y[1] * vfi + y[2] * vtr - y[3] * vti;
        double ifi = y[0] * vfi + y[1] * vfr + y[2] * vti + y[3] * vtr;
        double itr = y[4] * vfr - y[5] * vfi + y[6] * vtr - y[7] * vti;
        double iti = y[4] * vfi + y[5] * vfr + y[6] * vti + y[7] * vtr;
        t->pf[k] = vfr * ifr + vfi * ifi;
        t->qf[k] = vfi * ifr - vfr * ifi;
        t->pt[k] = vtr * itr + vti * iti;
        t->qt[k] = vti * itr - vtr * iti;
    }
}

/* The transposed copies of the four Ybus entries at pos, from Y's values. */
static void set_transposed(const ac_shared *sh, ac_thread *t, const int *pos)
{
    if (!sh->tpos)
        return;
    for (int e = 0; e < 4; e++) {
        t->gx[sh->tpos[pos[e]]] = t->Y.x[pos[e]];
        t->gz[sh->tpos[pos[e]]] = t->Y.z[pos[e]];
    }
}

static int ac_contingency(ctg_run *run, const ac_shared *sh, ac_thread *t, int c)
{
    const gr_grid *g = run->g;
    const gr_pf_result *base = sh->base;
    int nb = g->nb, m, ngen, st = GR_OK;
    if (sh->pf->enforce_q_lims)
        return solve_full(run, sh, t, c);
    ctg_elements(run, c, t->br, &m, t->gen, &ngen);

    /* Generators: only outages that keep every bus role. */
    int gen_changed = 0, v_changed = 0;
    for (int j = 0; j < ngen; j++) {
        int k = t->gen[j], b = g->gen_bus[k];
        if (sh->kind[b] == NR_FIXED)
            return solve_full(run, sh, t, c);              /* the slack changes */
        if (sh->kind[b] == NR_PV && bus_setpoint(sh, b, t->gen, ngen) < 0)
            return solve_full(run, sh, t, c);              /* PV bus turns PQ */
    }
    memcpy(t->vm, base->vm, (size_t)nb * sizeof(double));
    memcpy(t->va, base->va, (size_t)nb * sizeof(double));
    if (ngen > 0) {
        gen_changed = 1;
        memcpy(t->sp, sh->sp, (size_t)nb * sizeof(double));
        for (int j = 0; j < ngen; j++) {
            int k = t->gen[j], b = g->gen_bus[k];
            t->sp[b] -= g->pg[k];
            if (sh->kind[b] == NR_PQ && g->qg[k] != 0.0)
                return solve_full(run, sh, t, c);          /* its fixed Q injection goes */
            if (sh->kind[b] == NR_PV && t->vm[b] != bus_setpoint(sh, b, t->gen, ngen)) {
                t->vm[b] = bus_setpoint(sh, b, t->gen, ngen);
                v_changed = 1;
            }
        }
    }

    /* Islands after the outage. */
    int islands = sh->isl->n, masked = 0, method = GR_CTG_FAST;
    double dark = base->dark_load_p;
    for (int b = 0; b < nb; b++)
        t->bus_ok[b] = sh->live[b];
    int need_islands = m > 1, cut = m == 1 && ngen == 0 && sh->tree.bridge[t->br[0]];
    int newton = 0; /* plain Newton steps: an island split off with generation */
    for (int j = 0; j < m; j++)
        need_islands |= sh->tree.bridge[t->br[j]];
    /* the buses whose Jacobian rows and columns change: both ends of one branch */
    t->nubus = 0;
    int smw = m == 0 || (m == 1 && g->br_f[t->br[0]] != g->br_t[t->br[0]]);
    if (m == 1) {
        t->ubus[t->nubus++] = g->br_f[t->br[0]];
        t->ubus[t->nubus++] = g->br_t[t->br[0]];
    }
    if (cut) {
        /* One bridge: the side S it cuts off, from the bridge tree. */
        ctg_cut cs;
        ctg_cut_side(g, sh->isl, &sh->tree, t->br[0], &cs);
        islands = sh->isl->n + 1;
        method = GR_CTG_ISLANDS;
        if (sh->isl->ref[cs.island] >= 0) {
            masked = 1;
            v_changed = 1;
            int v = cs.v, lo = sh->tree.disc[v], hi = sh->tree.last[v];
            double shift = cs.ref >= 0 ? g->va0[cs.ref] - base->va[cs.ref] : 0.0;
            if (cs.ref < 0)
                dark += cs.pd;
            /* S's buses: the subtree's stretch of the discovery order, or the rest */
            int n_s = cs.flip ? nb : hi - lo + 1;
            if (cs.flip || n_s + 1 > SMW_MAX)
                smw = 0;
            for (int j = 0; j < n_s; j++) {
                int b = cs.flip ? j : sh->tree.order[lo + j];
                if (cs.flip && !ctg_in_cut(sh->isl, &sh->tree, &cs, b))
                    continue;
                if (smw && b != g->br_f[t->br[0]] && b != g->br_t[t->br[0]])
                    t->ubus[t->nubus++] = b;
                if (cs.ref < 0) {          /* dark now */
                    t->mask_a[b] = sh->proto.arow[b] >= 0;
                    t->mask_m[b] = sh->proto.qrow[b] >= 0;
                    t->bus_ok[b] = 0;
                } else {                   /* gr_pf_ac keeps the new reference at its case angle */
                    t->va[b] += shift;
                }
            }
            if (cs.ref >= 0) {
                /* A new island with generation: its reference takes up the
                 * import it lost, its state can move far from the base one;
                 * chord steps from there may end on another solution of its
                 * equations (case300, branch 210, at -O3), Newton's as
                 * gr_pf_ac's do not. */
                newton = n_s > 1 || cs.flip; /* more than the reference bus to solve */
                t->mask_a[cs.ref] = 1;
                if (sh->proto.qrow[cs.ref] >= 0) {
                    t->mask_m[cs.ref] = 1;
                    t->vm[cs.ref] = bus_setpoint(sh, cs.ref, NULL, 0);
                }
            }
        }
    } else if (need_islands) {
        smw = 0;
        gr_islands *isl = NULL;
        for (int j = 0; j < m; j++)
            t->gc->br_on[t->br[j]] = 0;
        st = gr_islands_find(t->gc, 0, &isl, NULL);
        for (int j = 0; j < m; j++)
            t->gc->br_on[t->br[j]] = g->br_on[t->br[j]];
        if (st)
            return st;
        if (isl->n != sh->isl->n) {
            if (ngen > 0) {
                gr_islands_free(isl);
                return solve_full(run, sh, t, c);
            }
            islands = isl->n;
            masked = 1;
            v_changed = 1;
            method = GR_CTG_ISLANDS;
            int bad = 0;
            /* new references and dark islands */
            for (int b = 0; b < nb && !bad; b++) {
                int i = isl->bus_island[b];
                if (i < 0 || !sh->live[b])
                    continue;
                int ref = isl->ref[i];
                if (ref < 0) {                 /* dark now */
                    t->mask_a[b] = sh->proto.arow[b] >= 0;
                    t->mask_m[b] = sh->proto.qrow[b] >= 0;
                    t->bus_ok[b] = 0;
                    dark += g->pd[b];
                } else if (sh->kind[b] == NR_FIXED && b != ref) {
                    bad = 1;                   /* a base reference lost its role */
                }
            }
            for (int i = 0; i < isl->n && !bad; i++) {
                int ref = isl->ref[i];
                if (ref < 0 || sh->kind[ref] == NR_FIXED)
                    continue;
                double vg = bus_setpoint(sh, ref, NULL, 0);
                newton = 1;
                t->mask_a[ref] = 1;
                if (sh->proto.qrow[ref] >= 0) {
                    t->mask_m[ref] = 1;
                    t->vm[ref] = vg;
                }
                /* gr_pf_ac keeps the new reference at its case angle */
                double shift = g->va0[ref] - base->va[ref];
                for (int b = 0; b < nb; b++)
                    if (isl->bus_island[b] == i)
                        t->va[b] += shift;
            }
            gr_islands_free(isl);
            if (bad) {
                memset(t->mask_a, 0, (size_t)nb);
                memset(t->mask_m, 0, (size_t)nb);
                return solve_full(run, sh, t, c);
            }
        } else {
            gr_islands_free(isl); /* the same islands as the base case */
        }
    }

    /* Ybus without the outaged branches (entries kept). */
    for (int j = 0; j < m; j++) {
        const int *pos = sh->ypos + 4 * t->br[j];
        const double *y = sh->yb + 8 * t->br[j];
        for (int e = 0; e < 4; e++) {
            t->ysave[8 * j + 2 * e] = t->Y.x[pos[e]];
            t->ysave[8 * j + 2 * e + 1] = t->Y.z[pos[e]];
        }
        for (int e = 0; e < 4; e++) { /* yff at (f,f), yft at (f,t), ytf at (t,f), ytt at (t,t) */
            t->Y.x[pos[e]] -= y[2 * e];
            t->Y.z[pos[e]] -= y[2 * e + 1];
        }
        set_transposed(sh, t, pos);
        t->br_out[t->br[j]] = 1;
    }
    if (!gen_changed)
        memcpy(t->sp, sh->sp, (size_t)nb * sizeof(double));

    int converged = 0, iterations = 0, repivot = 0;
    double mis = NAN;
    if (sh->proto.n > 0) {
        memcpy(t->vm_start, t->vm, (size_t)nb * sizeof(double));
        memcpy(t->va_start, t->va, (size_t)nb * sizeof(double));
    }
    /* Chord steps first; if they fail, plain Newton from the same start: the
     * iterations gr_pf_ac makes, so non-convergence is Newton's verdict. */
    for (int attempt = 0; attempt < 2 && st == GR_OK && !converged; attempt++) {
        if (attempt == 1) {
            if (newton)
                break;
            newton = 1;
            memcpy(t->vm, t->vm_start, (size_t)nb * sizeof(double));
            memcpy(t->va, t->va_start, (size_t)nb * sizeof(double));
        }
        if (v_changed || attempt == 1) {
            ctg_ac_voltage_exact(&sh->proto, t);
        } else {
            memcpy(t->vr, sh->vr0, (size_t)nb * sizeof(double));
            memcpy(t->vi, sh->vi0, (size_t)nb * sizeof(double));
        }
        int it = 0, rp = 0;
        if (sh->proto.n > 0)
            st = ctg_ac_chord_newton(sh, t, masked, smw && !newton, newton, &converged, &it,
                                     &mis, &rp);
        else
            converged = 1, mis = 0.0;
        iterations += it;
        repivot |= rp;
    }

    if (st == GR_OK) {
        for (int b = 0; b < nb; b++)
            if (!t->bus_ok[b])
                t->vr[b] = t->vi[b] = 0.0;
        if (converged)
            branch_flows(sh, t);
        ctg_state s = {.converged = converged, .method = m + ngen == 0 ? GR_CTG_NOOP : method,
                       .iterations = iterations, .islands = islands, .dark_load_p = dark,
                       .mismatch = mis, .vm = t->vm, .bus_ok = t->bus_ok, .pf = t->pf,
                       .qf = t->qf, .pt = t->pt, .qt = t->qt, .br_out = t->br_out};
        st = ctg_record(run, c, &s);
    }

    /* Restore the thread's state: Ybus values (exactly), masks, pivots. */
    for (int j = m - 1; j >= 0; j--) {
        const int *pos = sh->ypos + 4 * t->br[j];
        for (int e = 3; e >= 0; e--) {
            t->Y.x[pos[e]] = t->ysave[8 * j + 2 * e];
            t->Y.z[pos[e]] = t->ysave[8 * j + 2 * e + 1];
        }
        set_transposed(sh, t, pos);
        t->br_out[t->br[j]] = 0;
    }
    if (masked) {
        memset(t->mask_a, 0, (size_t)nb);
        memset(t->mask_m, 0, (size_t)nb);
    }
    if (repivot && st == GR_OK)
        st = lu_factor_full(t->lu, sh->proto.J->p, sh->proto.J->i, sh->Jx0);
    return st;
}

/* ------------------------------------------------------------------------
 * The run.
 * ------------------------------------------------------------------------ */
static int ac_shared_init(ctg_run *run, ac_shared *sh, gr_error *err)
{
    const gr_grid *g = run->g;
    int nb = g->nb, nl = g->nl, st;
    sh->g = g;
    sh->pf = &run->opt->pf;
    if ((st = gr_islands_find(g, 0, &sh->isl, err)))
        return st;
    if ((st = gr_pf_ac(g, sh->pf, &sh->base, err)))
        return st;
    if (!sh->base->converged)
        return gr_error_set(err, GR_EINFEASIBLE,
                            "the base case does not converge (max mismatch %.3g pu after %d "
                            "iterations): no contingency analysis without a base solution",
                            sh->base->max_mismatch, sh->base->iterations);
    if ((st = gr_ybus_build(g, &sh->Y, NULL, NULL)))
        return st;
    sh->kind = gr_calloc((size_t)nb + 1, sizeof(int));
    sh->live = gr_calloc((size_t)nb + 1, 1);
    sh->sp = gr_calloc((size_t)nb + 1, sizeof(double));
    sh->sq = gr_calloc((size_t)nb + 1, sizeof(double));
    sh->ypos = gr_malloc(((size_t)4 * nl + 1) * sizeof(int));
    sh->yb = gr_calloc((size_t)8 * nl + 1, sizeof(double));
    sh->gen_ptr = gr_calloc((size_t)nb + 2, sizeof(int));
    sh->gen_list = gr_malloc(((size_t)g->ng + 1) * sizeof(int));
    int *bus = gr_malloc(((size_t)nb + 1) * sizeof(int));
    if (!sh->kind || !sh->live || !sh->sp || !sh->sq || !sh->ypos || !sh->yb ||
        !sh->gen_ptr || !sh->gen_list || !bus) {
        gr_free(bus);
        return GR_ENOMEM;
    }
    if ((st = ctg_tree_build(g, sh->isl, &sh->tree))) {
        gr_free(bus);
        return st;
    }
    /* energised generators of live islands, by bus, in row order */
    for (int k = 0; k < g->ng; k++)
        if (gen_energisable(g, k) && sh->isl->ref[sh->isl->bus_island[g->gen_bus[k]]] >= 0)
            sh->gen_ptr[g->gen_bus[k] + 2]++;
    for (int b = 0; b < nb; b++)
        sh->gen_ptr[b + 2] += sh->gen_ptr[b + 1];
    for (int k = 0; k < g->ng; k++)
        if (gen_energisable(g, k) && sh->isl->ref[sh->isl->bus_island[g->gen_bus[k]]] >= 0)
            sh->gen_list[sh->gen_ptr[g->gen_bus[k] + 1]++] = k;
    /* roles and schedules as gr_pf_ac's prepare_island (no Q limits) */
    int nbus = 0;
    for (int b = 0; b < nb; b++) {
        int i = sh->isl->bus_island[b];
        if (i < 0 || sh->isl->ref[i] < 0)
            continue;
        sh->live[b] = 1;
        bus[nbus++] = b;
        int t = g->bus_type[b], n_active = sh->gen_ptr[b + 1] - sh->gen_ptr[b];
        sh->sp[b] = -g->pd[b];
        sh->sq[b] = -g->qd[b];
        for (int q = sh->gen_ptr[b]; q < sh->gen_ptr[b + 1]; q++) {
            sh->sp[b] += g->pg[sh->gen_list[q]];
            sh->sq[b] += g->qg[sh->gen_list[q]];
        }
        sh->kind[b] = b == sh->isl->ref[i] ? NR_FIXED
                      : (t == GR_BUS_PV || t == GR_BUS_REF) && n_active > 0 ? NR_PV
                                                                             : NR_PQ;
    }
    for (int k = 0; k < nl; k++) {
        int *pos = sh->ypos + 4 * k;
        if (!branch_energisable(g, k)) {
            pos[0] = pos[1] = pos[2] = pos[3] = -1;
            continue;
        }
        int f = g->br_f[k], t = g->br_t[k];
        double complex y[4];
        branch_admittances(g, k, &y[0], &y[1], &y[2], &y[3]);
        for (int e = 0; e < 4; e++) {
            sh->yb[8 * k + 2 * e] = creal(y[e]);
            sh->yb[8 * k + 2 * e + 1] = cimag(y[e]);
        }
        pos[0] = ypos_of(sh->Y, f, f);
        pos[1] = ypos_of(sh->Y, f, t);
        pos[2] = ypos_of(sh->Y, t, f);
        pos[3] = ypos_of(sh->Y, t, t);
    }
    /* transposed positions for the gathered currents (the mismatch of
     * contingency_ac_newton.c); a pattern that is not symmetric keeps the scatter */
    int nzy = sh->Y->p[nb];
    sh->tpos = gr_malloc(((size_t)nzy + 1) * sizeof(int));
    if (!sh->tpos) {
        gr_free(bus);
        return GR_ENOMEM;
    }
    for (int k = 0; k < nb && sh->tpos; k++)
        for (int q = sh->Y->p[k]; q < sh->Y->p[k + 1]; q++)
            if ((sh->tpos[q] = ypos_of(sh->Y, k, sh->Y->i[q])) < 0) {
                gr_free(sh->tpos);
                sh->tpos = NULL;
                break;
            }
    st = nr_setup(&sh->proto, sh->Y, nb, nbus, bus, sh->kind);
    gr_free(bus);
    if (st)
        return st;
    sh->proto_ok = 1;
    /* every contingency refactors and solves on this analysis: AMD on the
     * Jacobian itself, once, gives a little less fill than nr_setup's
     * quicker order of the bus graph */
    if (sh->proto.n > 0 &&
        (st = lu_analyze(sh->proto.lu, sh->proto.n, sh->proto.J->p, sh->proto.J->i)))
        return st;
    /* base Jacobian at the base solution: its pivots are every thread's reference */
    sh->Jx0 = gr_calloc((size_t)sh->proto.J->p[sh->proto.n] + 1, sizeof(double));
    if (!sh->Jx0)
        return GR_ENOMEM;
    {
        ac_thread t;
        memset(&t, 0, sizeof t);
        t.Y = *sh->Y;
        t.Jx = sh->Jx0;
        t.vm = sh->base->vm;
        t.va = sh->base->va;
        t.sp = sh->sp;
        t.vr = gr_calloc((size_t)nb + 1, sizeof(double));
        t.vi = gr_calloc((size_t)nb + 1, sizeof(double));
        t.ir = gr_calloc((size_t)nb + 1, sizeof(double));
        t.ii = gr_calloc((size_t)nb + 1, sizeof(double));
        t.mask_a = gr_calloc((size_t)nb + 1, 1);
        t.mask_m = gr_calloc((size_t)nb + 1, 1);
        sh->vr0 = t.vr;
        sh->vi0 = t.vi;
        sh->bus_pos = gr_malloc(((size_t)nb + 1) * sizeof(int));
        if (t.vr && t.vi && t.ir && t.ii && t.mask_a && t.mask_m && sh->bus_pos) {
            ctg_ac_voltage_exact(&sh->proto, &t);
            ctg_ac_compute_current(&sh->proto, &t);
            ctg_ac_fill_jacobian(&sh->proto, &t, 0);
            for (int b = 0; b < nb; b++)
                sh->bus_pos[b] = -1;
            for (int q = 0; q < sh->proto.nbus; q++)
                sh->bus_pos[sh->proto.bus[q]] = q;
        } else {
            st = GR_ENOMEM;
        }
        gr_free(t.mask_a);
        gr_free(t.mask_m);
        gr_free(t.ir);
        gr_free(t.ii);
    }
    /* the base factors, copied out once for every thread's compensation */
    if (st == GR_OK && sh->proto.n > 0 &&
        (st = lu_factor_full(sh->proto.lu, sh->proto.J->p, sh->proto.J->i, sh->Jx0)) == GR_OK)
        st = lu_extract(sh->proto.lu, &sh->f0);
    for (int c = 0; c < run->list->n; c++) {
        int n = run->list->ptr[c + 1] - run->list->ptr[c];
        if (n > sh->max_el)
            sh->max_el = n;
    }
    return st;
}

static int ac_block(ctg_run *run, const void *shared, void *thread, int c0, int c1)
{
    int st = GR_OK;
    for (int c = c0; c < c1 && st == GR_OK; c++) {
        double tc = gr_time_s();
        st = ac_contingency(run, shared, thread, c);
        run->r->time_s[c] = gr_time_s() - tc;
    }
    return st;
}

int ctg_run_ac(ctg_run *run, gr_error *err)
{
    const gr_grid *g = run->g;
    ac_shared sh;
    memset(&sh, 0, sizeof sh);
    int st = ac_shared_init(run, &sh, err);
    if (st) {
        if (st == GR_ENOMEM)
            gr_error_set(err, st, "out of memory in the AC contingency analysis");
        ac_shared_free(&sh);
        return st;
    }
    {   /* the base case in the report */
        unsigned char *ok = gr_calloc((size_t)g->nb + 1, 1);
        if (!ok) {
            ac_shared_free(&sh);
            return gr_error_set(err, GR_ENOMEM, "out of memory in the AC contingency analysis");
        }
        for (int b = 0; b < g->nb; b++)
            ok[b] = sh.live[b];
        ctg_state s = {.converged = 1, .vm = sh.base->vm, .bus_ok = ok, .pf = sh.base->pf,
                       .qf = sh.base->qf, .pt = sh.base->pt, .qt = sh.base->qt};
        ctg_record(run, -1, &s);
        gr_free(ok);
    }
    /* blocks of contingencies over threads and MPI ranks (ctg_sweep) */
    ctg_engine e = {.shared = &sh, .thread_size = sizeof(ac_thread),
                    .thread_init = ac_thread_init, .thread_free = ac_thread_free,
                    .block = ac_block, .name = "ac", .what = "AC contingency analysis"};
    st = ctg_sweep(run, &e, err);
    ac_shared_free(&sh);
    return st;
}
