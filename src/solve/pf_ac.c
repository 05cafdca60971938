/* pf_ac.c — AC power flow: islands, reactive limits and slack handling around the Newton kernel, as MATPOWER's runpf/pfsoln. */
#include <math.h>
#include <string.h>

#include "gridres.h"
#include "model/islands_internal.h"
#include "solve/finite.h"
#include "solve/newton.h"
#include "solve/pf_internal.h"
#include "sparse/csc.h"

void gr_pf_options_default(gr_pf_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->tol = 1e-8;
    opt->max_iter = 10;
    opt->enforce_q_lims = 0;
    opt->max_q_rounds = 50;
    opt->flat_start = 0;
    opt->distributed_slack = 0;
}

/* A reusable AC solver for one topology; arrays indexed by bus or generator.
 * Everything that depends only on the topology (islands, Ybus, generators
 * per bus) is built once; each island keeps its Newton workspace (Jacobian
 * pattern, KLU analysis and pivots) for as long as its bus roles stay the
 * same, so a repeated solve only refactors. */
typedef struct gr_pf_solver {
    const gr_grid *g;    /* the grid of the current solve (borrowed) */
    const gr_pf_options *opt;
    gr_csc *Y;
    gr_islands *isl;
    int *island_ptr, *island_bus; /* buses of island i: island_bus[island_ptr[i] .. ] */
    nr_ws *ws;           /* n islands: cached Newton workspaces */
    int *ws_ready;       /* n islands: 1 when ws[i] is set up */
    int *ws_kind;        /* nb: the roles ws of the bus's island was built for */
    gr_pf_result *r;     /* vm, va, bus_type, pg, qg live here */
    int *gen_ptr, *gen_list; /* generators of bus b: gen_list[gen_ptr[b] .. gen_ptr[b+1]-1] */
    int *active;         /* ng: in service, energised, not held at a Q limit */
    int *kind;           /* nb: NR_FIXED / NR_PV / NR_PQ */
    int *group;          /* ng: scratch for the active units of one bus */
    double *sp, *sq;     /* nb: scheduled injections */
    double *pinj, *qinj; /* nb: computed injections V conj(I) */
    pf_big *big;         /* kept solvers only: the fixed-pattern Newton (pf_reuse.c) */
    pf_big *big0;        /* its first pattern (no magnitude unknowns at PV buses),
                            back at each restart */
    pf_big *ball;        /* the same bus set with every magnitude an unknown: big
                            once an island needs one big0 lacks, until the restart */
    int big_tried;       /* pf_solver_update tried to set big up */
    int restart;         /* pf_solver_restart: the next update starts afresh */
    const double *ref_vm, *ref_va; /* pf_solver_base: voltages of the reference Jacobians */
} gr_pf_solver;



/* MATPOWER's "opf.violation" tolerance for Q-limit checks: 5e-6 MVAr. */
#define QLIM_VIOLATION_MVAR 5e-6
/* Outer rounds of the distributed-slack update. */
#define DSLACK_MAX_ROUNDS 30

/* Finite stand-in for an infinite Q limit (MATPOWER pfsoln). */
static double q_limit_proxy(double lim, double proxy)
{
    return isfinite(lim) ? lim : (lim > 0 ? proxy : -proxy);
}

/* Split the total generator Q at one bus among its active units, each at the
 * same fraction of its own range (MATPOWER pfsoln; the rule is restated in
 * shared/reference/README.md). */
static void split_bus_q(gr_pf_solver *s, double q_total, const int *gens, int n)
{
    const gr_grid *g = s->g;
    double *qg = s->r->qg;
    if (n == 1) {
        qg[gens[0]] = q_total;
        return;
    }
    double proxy = 0.0;
    for (int j = 0; j < n; j++) {
        int k = gens[j];
        proxy += fabs(q_total / n);
        proxy += isfinite(g->qmax[k]) ? fabs(g->qmax[k]) : 0.0;
        proxy += isfinite(g->qmin[k]) ? fabs(g->qmin[k]) : 0.0;
    }
    double qmin_tot = 0.0, qmax_tot = 0.0;
    for (int j = 0; j < n; j++) {
        qmin_tot += q_limit_proxy(g->qmin[gens[j]], proxy);
        qmax_tot += q_limit_proxy(g->qmax[gens[j]], proxy);
    }
    const double eps = 2.220446049250313e-16;
    for (int j = 0; j < n; j++) {
        int k = gens[j];
        double lo = q_limit_proxy(g->qmin[k], proxy), hi = q_limit_proxy(g->qmax[k], proxy);
        if (fabs(qmax_tot - qmin_tot) < 10 * eps)
            qg[k] = lo + (q_total - qmin_tot) / n;
        else
            qg[k] = lo + (q_total - qmin_tot) / (qmax_tot - qmin_tot + eps) * (hi - lo);
    }
}

/* Active units at bus b into s->group; returns how many. */
static int active_units(const gr_pf_solver *s, int b)
{
    int n = 0;
    for (int q = s->gen_ptr[b]; q < s->gen_ptr[b + 1]; q++)
        if (s->active[s->gen_list[q]])
            s->group[n++] = s->gen_list[q];
    return n;
}

/* Roles, set points and scheduled injections of one island's buses. */
static void prepare_island(gr_pf_solver *s, const int *bus, int nbus, int ref)
{
    const gr_grid *g = s->g;
    gr_pf_result *r = s->r;
    for (int j = 0; j < nbus; j++) {
        int b = bus[j], t = r->bus_type[b], n_active = 0;
        s->sp[b] = -g->pd[b];
        s->sq[b] = -g->qd[b];
        for (int q = s->gen_ptr[b]; q < s->gen_ptr[b + 1]; q++) {
            int k = s->gen_list[q];
            if (!gen_energisable(g, k))
                continue;
            s->sp[b] += r->pg[k];
            s->sq[b] += r->qg[k];
            n_active += s->active[k];
        }
        if (b == ref)
            s->kind[b] = NR_FIXED;
        else if ((t == GR_BUS_PV || t == GR_BUS_REF) && n_active > 0)
            s->kind[b] = NR_PV;
        else
            s->kind[b] = NR_PQ;
        /* Generator buses hold the set point of their last active unit (as MATPOWER). */
        if (s->kind[b] != NR_PQ)
            for (int q = s->gen_ptr[b]; q < s->gen_ptr[b + 1]; q++)
                if (s->active[s->gen_list[q]])
                    r->vm[b] = g->vg[s->gen_list[q]];
    }
}

/* s->pinj/qinj of the island from r->vm/va: its Newton workspace w, or
 * s->big when w is NULL. */
static void island_injections(gr_pf_solver *s, nr_ws *w, const int *bus, int nbus)
{
    if (w)
        nr_injections(w, s->r->vm, s->r->va, s->pinj, s->qinj);
    else
        pf_big_injections(s->big, bus, nbus, s->r->vm, s->r->va, s->pinj, s->qinj);
}

/* After a converged solve: slack P and generator Q as MATPOWER's pfsoln. */
static void update_generators(gr_pf_solver *s, nr_ws *w, const int *bus, int nbus, int ref)
{
    const gr_grid *g = s->g;
    gr_pf_result *r = s->r;
    island_injections(s, w, bus, nbus);
    /* The first active unit at the reference takes what the others there do not. */
    int n = active_units(s, ref);
    if (n > 0) {
        double others = 0.0;
        for (int j = 1; j < n; j++)
            others += r->pg[s->group[j]];
        r->pg[s->group[0]] = s->pinj[ref] + g->pd[ref] - others;
    }
    for (int j = 0; j < nbus; j++) {
        int b = bus[j];
        if (s->kind[b] == NR_PQ)
            continue;
        n = active_units(s, b);
        if (n > 0)
            split_bus_q(s, s->qinj[b] + g->qd[b], s->group, n);
    }
}

/* Distributed slack: share the reference's extra P among the island's
 * active units in proportion to apf (pmax when no unit has one). Returns the
 * amount moved (pu). */
static double distribute_slack(gr_pf_solver *s, const int *bus, int nbus, int ref)
{
    const gr_grid *g = s->g;
    gr_pf_result *r = s->r;
    double sched = 0.0;
    int n = active_units(s, ref);
    for (int j = 0; j < n; j++)
        sched += r->pg[s->group[j]];
    /* What the reference produces beyond its schedule (pinj is current): */
    double delta = s->pinj[ref] + g->pd[ref] - sched;
    double use_apf = 0.0, sum_w = 0.0;
    for (int j = 0; j < nbus; j++)
        for (int q = s->gen_ptr[bus[j]]; q < s->gen_ptr[bus[j] + 1]; q++)
            if (s->active[s->gen_list[q]])
                use_apf += g->apf[s->gen_list[q]] > 0;
    for (int j = 0; j < nbus; j++)
        for (int q = s->gen_ptr[bus[j]]; q < s->gen_ptr[bus[j] + 1]; q++) {
            int k = s->gen_list[q];
            if (s->active[k])
                sum_w += use_apf > 0 ? fmax(g->apf[k], 0.0) : fmax(g->pmax[k], 0.0);
        }
    if (sum_w <= 0.0)
        return 0.0;
    for (int j = 0; j < nbus; j++)
        for (int q = s->gen_ptr[bus[j]]; q < s->gen_ptr[bus[j] + 1]; q++) {
            int k = s->gen_list[q];
            if (s->active[k])
                r->pg[k] += delta * (use_apf > 0 ? fmax(g->apf[k], 0.0) : fmax(g->pmax[k], 0.0)) /
                            sum_w;
        }
    return delta;
}

/* The island's Newton workspace for the current roles s->kind: the cached
 * one when the roles are those it was built for, else a new one. */
static int island_workspace(gr_pf_solver *s, int isl, const int *bus, int nbus)
{
    if (s->ws_ready[isl]) {
        int same = 1;
        for (int j = 0; j < nbus && same; j++)
            same = s->ws_kind[bus[j]] == s->kind[bus[j]];
        if (same)
            return GR_OK;
        nr_free(&s->ws[isl]);
        s->ws_ready[isl] = 0;
    }
    int st = nr_setup(&s->ws[isl], s->Y, s->isl->nb, nbus, bus, s->kind);
    if (st)
        return st;
    for (int j = 0; j < nbus; j++)
        s->ws_kind[bus[j]] = s->kind[bus[j]];
    s->ws_ready[isl] = 1;
    return GR_OK;
}

/* s->big -> s->ball (magnitude unknowns for every bus: units out, buses
 * held at a Q limit), its Ybus values those of s->big (the same set, the
 * same pattern); its first factorisation on its reference pivots. */
static int big_magnitudes(gr_pf_solver *s)
{
    pf_big *o = s->big, *n = s->ball;
    if (!n || o == n) {
        s->big = NULL; /* not covered: the islands' own workspaces */
        return GR_OK;
    }
    size_t ny = (size_t)o->Y->p[o->nb];
    memcpy(n->Y->x, o->Y->x, ny * sizeof(double));
    memcpy(n->Y->z, o->Y->z, ny * sizeof(double));
    n->fresh = 1;
    s->big = n;
    return GR_OK;
}

/* Newton solve of one island for the current roles, with the distributed
 * slack loop around it when asked for. */
static int solve_roles(gr_pf_solver *s, const int *bus, int nbus, int ref, int *converged,
                       int *iterations, double *mismatch)
{
    const gr_pf_options *opt = s->opt;
    gr_pf_result *r = s->r;
    int isl = s->isl->bus_island[ref], st;
    nr_ws *w = NULL; /* NULL: the island is solved on s->big */
    if (s->big && pf_big_covers(s->big, nbus, bus, NULL) &&
        !pf_big_covers(s->big, nbus, bus, s->kind) && (st = big_magnitudes(s)))
        return st;
    if (!s->big || !pf_big_covers(s->big, nbus, bus, s->kind)) {
        if ((st = island_workspace(s, isl, bus, nbus)))
            return st;
        w = &s->ws[isl];
    }
    for (int round = 0;; round++) {
        int it = 0;
        if (w)
            st = nr_solve(w, s->sp, s->sq, r->vm, r->va, opt->tol, opt->max_iter, converged,
                          &it, mismatch);
        else
            st = pf_big_solve(s->big, bus, nbus, s->kind, s->sp, s->sq, r->vm, r->va, opt->tol,
                              opt->max_iter, converged, &it, mismatch);
        *iterations += it;
        if (st || !*converged)
            break;
        if (!opt->distributed_slack) {
            update_generators(s, w, bus, nbus, ref);
            break;
        }
        island_injections(s, w, bus, nbus);
        double delta = distribute_slack(s, bus, nbus, ref);
        if (fabs(delta) <= opt->tol || round >= DSLACK_MAX_ROUNDS) {
            update_generators(s, w, bus, nbus, ref);
            break;
        }
        for (int j = 0; j < nbus; j++) {
            int b = bus[j];
            s->sp[b] = -s->g->pd[b];
            for (int q = s->gen_ptr[b]; q < s->gen_ptr[b + 1]; q++)
                if (gen_energisable(s->g, s->gen_list[q]))
                    s->sp[b] += r->pg[s->gen_list[q]];
        }
    }
    return st;
}

/* MATPOWER enforce_q_lims = 1: every unit beyond a limit is held there and its
 * bus turns PQ; if the reference turns PQ, the island's first PV bus becomes
 * the reference. Returns 1 to solve again, 0 when done, -1 when infeasible. */
static int enforce_q_limits(gr_pf_solver *s, const int *bus, int nbus, int *ref)
{
    const gr_grid *g = s->g;
    gr_pf_result *r = s->r;
    double viol = QLIM_VIOLATION_MVAR / g->base_mva;
    int n_viol = 0, n_max = 0, n_min = 0, n_remaining = 0, n_viol_remaining = 0;
    for (int j = 0; j < nbus; j++)
        for (int q = s->gen_ptr[bus[j]]; q < s->gen_ptr[bus[j] + 1]; q++) {
            int k = s->gen_list[q];
            if (!s->active[k])
                continue;
            int t = r->bus_type[bus[j]];
            int at_pv = t == GR_BUS_PV || t == GR_BUS_REF;
            int over = r->qg[k] > g->qmax[k] + viol, under = r->qg[k] < g->qmin[k] - viol;
            n_remaining += at_pv;
            n_viol += over || under;
            n_viol_remaining += (over || under) && at_pv;
            n_max += over;
            n_min += under;
        }
    if (n_viol == 0)
        return 0;
    /* All units at PV/REF buses at limits, all on one side: no solution. */
    if (n_viol == n_remaining && n_viol_remaining == n_viol && (n_max == 0 || n_min == 0)) {
        pf_result_fail(r, GR_PF_FAIL_QLIM_INFEASIBLE,
                       "reactive limits: all %d generator%s at PV buses of the island of bus %d "
                       "exceed their %s Q limits: no PV bus left (MATPOWER: infeasible problem)",
                       n_viol, n_viol == 1 ? "" : "s", g->bus_id[*ref],
                       n_max ? "upper" : "lower");
        return -1;
    }
    for (int j = 0; j < nbus; j++)
        for (int q = s->gen_ptr[bus[j]]; q < s->gen_ptr[bus[j] + 1]; q++) {
            int k = s->gen_list[q];
            if (!s->active[k])
                continue;
            int over = r->qg[k] > g->qmax[k] + viol, under = r->qg[k] < g->qmin[k] - viol;
            if (!over && !under)
                continue;
            r->qg[k] = over ? g->qmax[k] : g->qmin[k];
            s->active[k] = 0;
            r->bus_type[bus[j]] = GR_BUS_PQ;
        }
    if (r->bus_type[*ref] == GR_BUS_PQ) {
        int new_ref = -1;
        for (int j = 0; j < nbus && new_ref < 0; j++) {
            int b = bus[j];
            if (r->bus_type[b] == GR_BUS_PV && active_units(s, b) > 0)
                new_ref = b;
        }
        if (new_ref < 0) {
            pf_result_fail(r, GR_PF_FAIL_QLIM_NO_REF,
                           "reactive limits: the reference bus %d is held at a Q limit and no "
                           "PV bus is left in its island to take over",
                           g->bus_id[*ref]);
            return -1;
        }
        r->bus_type[new_ref] = GR_BUS_REF;
        *ref = new_ref;
    }
    return 1;
}

/* Why Newton stopped short in an island: an iterate that left the finite
 * numbers (the bus named) or the iteration limit. */
static int newton_fail(gr_pf_solver *s, const int *bus, int nbus, double mismatch)
{
    gr_pf_result *r = s->r;
    for (int j = 0; j < nbus; j++) {
        int b = bus[j];
        if (!isfinite(r->vm[b]) || !isfinite(r->va[b])) {
            pf_result_fail(r, GR_PF_FAIL_DIVERGED, "diverged: non-finite voltage at bus %d",
                           s->g->bus_id[b]);
            return GR_PF_FAIL_DIVERGED;
        }
    }
    if (!isfinite(mismatch)) {
        pf_result_fail(r, GR_PF_FAIL_DIVERGED,
                       "diverged: non-finite mismatch in the island of bus %d",
                       s->g->bus_id[bus[0]]);
        return GR_PF_FAIL_DIVERGED;
    }
    pf_result_fail(r, GR_PF_FAIL_MAX_ITER,
                   "no convergence in %d iterations: max mismatch %.3g pu above tol %g pu "
                   "(island of bus %d)",
                   s->opt->max_iter, mismatch, s->opt->tol, s->g->bus_id[bus[0]]);
    return GR_PF_FAIL_MAX_ITER;
}

/* Solve one island with generation; fills r->island_converged[isl]. */
static int solve_island(gr_pf_solver *s, int isl, const int *bus, int nbus)
{
    gr_pf_result *r = s->r;
    int ref = r->island_ref[isl], ref0 = ref;
    double va_ref0 = r->va[ref0];
    int converged = 0, st = GR_OK, why = GR_PF_FAIL_NONE;
    double mismatch = 0.0;
    r->bus_type[ref] = GR_BUS_REF;
    for (int round = 0; round <= s->opt->max_q_rounds; round++) {
        prepare_island(s, bus, nbus, ref);
        st = solve_roles(s, bus, nbus, ref, &converged, &r->iterations, &mismatch);
        if (st || !s->opt->enforce_q_lims)
            break;
        if (!converged) {
            why = newton_fail(s, bus, nbus, mismatch);
            break;
        }
        int again = enforce_q_limits(s, bus, nbus, &ref);
        if (again <= 0) {
            converged = again == 0;
            break;
        }
        if (round == s->opt->max_q_rounds) {
            converged = 0;
            pf_result_fail(r, GR_PF_FAIL_QLIM_ROUNDS,
                           "reactive limits: not settled in %d rounds (island of bus %d)",
                           s->opt->max_q_rounds, s->g->bus_id[ref]);
        }
    }
    if (!st && !converged && !s->opt->enforce_q_lims)
        why = newton_fail(s, bus, nbus, mismatch);
    if (!st && !converged && why != GR_PF_FAIL_MAX_ITER)
        mismatch = NAN; /* no mismatch stands for a result that has none */
    if (ref != ref0) { /* keep the original reference's angle (MATPOWER runpf) */
        double shift = r->va[ref0] - va_ref0;
        for (int j = 0; j < nbus; j++)
            r->va[bus[j]] -= shift;
    }
    r->island_ref[isl] = ref;
    r->island_converged[isl] = converged;
    if (!(mismatch <= r->max_mismatch))
        r->max_mismatch = mismatch;
    return st;
}

/* Buses of each island, ascending (counting sort by island), into
 * s->island_ptr (zeroed, islands + 1) and s->island_bus; s->kind (zeroed)
 * is the fill counter and is zeroed again. */
static void index_islands(gr_pf_solver *s, int nb)
{
    const int *bi = s->isl->bus_island;
    for (int b = 0; b < nb; b++)
        if (bi[b] >= 0)
            s->island_ptr[bi[b] + 1]++;
    for (int i = 0; i < s->isl->n; i++)
        s->island_ptr[i + 1] += s->island_ptr[i];
    for (int b = 0; b < nb; b++)
        if (bi[b] >= 0)
            s->island_bus[s->island_ptr[bi[b]] + s->kind[bi[b]]++] = b;
    memset(s->kind, 0, ((size_t)nb + 1) * sizeof(int));
}

void gr_pf_solver_free(gr_pf_solver *s)
{
    if (!s)
        return;
    for (int i = 0; s->ws && s->ws_ready && s->isl && i < s->isl->n; i++)
        if (s->ws_ready[i])
            nr_free(&s->ws[i]);
    gr_free(s->ws);
    gr_free(s->ws_ready);
    gr_free(s->ws_kind);
    gr_free(s->island_ptr);
    gr_free(s->island_bus);
    gr_islands_free(s->isl);
    gr_csc_free(s->Y);
    gr_free(s->gen_ptr);
    gr_free(s->gen_list);
    gr_free(s->active);
    gr_free(s->kind);
    gr_free(s->group);
    gr_free(s->sp);
    gr_free(s->sq);
    gr_free(s->pinj);
    gr_free(s->qinj);
    pf_big_free(s->big0);
    pf_big_free(s->ball);
    gr_free(s);
}

int gr_pf_solver_create(const gr_grid *g, gr_pf_solver **out, gr_error *err)
{
    *out = NULL;
    gr_pf_solver *s = gr_calloc(1, sizeof *s);
    if (!s)
        return gr_error_set(err, GR_ENOMEM, "out of memory in the AC power flow");
    int st = gr_islands_find(g, 0, &s->isl, err);
    if (st) {
        gr_pf_solver_free(s);
        return st;
    }
    size_t nb = (size_t)g->nb + 1, ng = (size_t)g->ng + 1, ni = (size_t)s->isl->n + 1;
    s->gen_ptr = gr_calloc(nb + 1, sizeof(int));
    s->gen_list = gr_malloc(ng * sizeof(int));
    s->active = gr_calloc(ng, sizeof(int));
    s->group = gr_malloc(ng * sizeof(int));
    s->kind = gr_calloc(nb, sizeof(int));
    s->sp = gr_calloc(nb, sizeof(double));
    s->sq = gr_calloc(nb, sizeof(double));
    s->pinj = gr_calloc(nb, sizeof(double));
    s->qinj = gr_calloc(nb, sizeof(double));
    s->ws = gr_calloc(ni, sizeof(nr_ws));
    s->ws_ready = gr_calloc(ni, sizeof(int));
    s->ws_kind = gr_calloc(nb, sizeof(int));
    s->island_ptr = gr_calloc(ni + 1, sizeof(int));
    s->island_bus = gr_malloc(nb * sizeof(int));
    if (!s->gen_ptr || !s->gen_list || !s->active || !s->group || !s->kind ||
        !s->sp || !s->sq || !s->pinj || !s->qinj || !s->ws || !s->ws_ready || !s->ws_kind ||
        !s->island_ptr || !s->island_bus || gr_ybus_build(g, &s->Y, NULL, NULL) != GR_OK) {
        gr_pf_solver_free(s);
        return gr_error_set(err, GR_ENOMEM, "out of memory in the AC power flow");
    }
    /* generators grouped by bus, in case-file order within a bus */
    for (int k = 0; k < g->ng; k++)
        s->gen_ptr[g->gen_bus[k] + 1]++;
    for (int b = 0; b < g->nb; b++)
        s->gen_ptr[b + 1] += s->gen_ptr[b];
    for (int k = 0; k < g->ng; k++) {
        int b = g->gen_bus[k];
        s->gen_list[s->gen_ptr[b] + s->kind[b]++] = k; /* kind used as a fill counter */
    }
    memset(s->kind, 0, nb * sizeof(int));
    index_islands(s, g->nb);
    *out = s;
    return GR_OK;
}

/* Topology update of a kept solver (pf_internal.h). Ybus: the pattern it
 * had, less the entries between buses now in different islands; values
 * those of gr_ybus_build on g (bitwise), explicit zeros where a branch went
 * out inside an island. An island whose bus set is that of an island before
 * has the same Ybus columns, so its Newton workspaces (Jacobian pattern,
 * KLU analysis and pivots) move to it; the others are built when solved. */
void pf_solver_restart(gr_pf_solver *s) { s->restart = 1; }

int pf_solver_base(gr_pf_solver *s, const gr_grid *g, const double *vm, const double *va,
                   gr_error *err)
{
    s->ref_vm = vm;
    s->ref_va = va;
    int st = pf_solver_update(s, g, err);
    s->ref_vm = s->ref_va = NULL;
    return st;
}

int pf_solver_update(gr_pf_solver *s, const gr_grid *g, gr_error *err)
{
    if (g->nb != s->isl->nb)
        return gr_error_set(err, GR_EINVAL, "AC power flow: grid does not match its solver");
    gr_csc *E = NULL, *Y = NULL;
    gr_islands *isl = NULL;
    nr_ws *ws = NULL;
    int *ready = NULL, *ptr = NULL;
    int st = gr_islands_find(g, 0, &isl, err);
    if (st)
        return st;
    st = GR_ENOMEM;
    size_t ni = (size_t)isl->n + 1;
    const gr_csc *O = s->Y;
    if (gr_ybus_build(g, &E, NULL, NULL) != GR_OK ||
        !(Y = csc_alloc(O->m, O->n, O->p[O->n] + E->p[E->n] + 1, 1, 1)) ||
        !(ws = gr_calloc(ni, sizeof(nr_ws))) || !(ready = gr_calloc(ni, sizeof(int))) ||
        !(ptr = gr_calloc(ni + 1, sizeof(int))))
        goto fail;
    /* merge, per column, the kept old entries and the exact ones (sorted) */
    const int *bi = isl->bus_island;
    int nz = 0, added = 0;
    for (int k = 0; k < O->n; k++) {
        Y->p[k] = nz;
        int qo = s->restart ? O->p[k + 1] : O->p[k], qe = E->p[k]; /* restart: nothing kept */
        while (qo < O->p[k + 1] || qe < E->p[k + 1]) {
            int io = qo < O->p[k + 1] ? O->i[qo] : O->m, ie = qe < E->p[k + 1] ? E->i[qe] : O->m;
            if (ie <= io) {
                Y->i[nz] = ie, Y->x[nz] = E->x[qe], Y->z[nz++] = E->z[qe++];
                added |= ie != io;
                qo += ie == io;
            } else {
                if (bi[io] >= 0 && bi[io] == bi[k])
                    Y->i[nz] = io, Y->x[nz] = 0.0, Y->z[nz++] = 0.0;
                qo++;
            }
        }
    }
    Y->p[O->n] = nz;
    /* the fixed-pattern Newton, on the largest island of the first topology */
    if (!s->big && !s->big_tried) {
        s->big_tried = 1;
        int best = -1;
        for (int j = 0; j < s->isl->n; j++)
            if (s->isl->ref[j] >= 0 && (best < 0 || s->isl->n_bus[j] > s->isl->n_bus[best]))
                best = j;
        unsigned char *pv = best >= 0 ? gr_calloc((size_t)g->nb + 1, 1) : NULL;
        if (best >= 0 && !pv)
            goto fail;
        for (int k = 0; pv && k < g->ng; k++) /* PV and REF buses with a unit */
            if (gen_energisable(g, k) && (g->bus_type[g->gen_bus[k]] == GR_BUS_PV ||
                                          g->bus_type[g->gen_bus[k]] == GR_BUS_REF))
                pv[g->gen_bus[k]] = 1;
        if (best >= 0) {
            int nbig = s->island_ptr[best + 1] - s->island_ptr[best];
            const int *bbus = s->island_bus + s->island_ptr[best];
            int bst = pf_big_create(O, nbig, bbus, pv, &s->big);
            s->big0 = s->big;
            int fixed = s->isl->ref[best];
            if (bst == GR_ENOMEM ||
                (s->big && pf_big_reference(s->big, s->ref_vm, s->ref_va, fixed) == GR_ENOMEM)) {
                gr_free(pv);
                goto fail;
            }
            memset(pv, 0, (size_t)g->nb + 1);
            bst = s->big ? pf_big_create(O, nbig, bbus, pv, &s->ball) : GR_OK;
            gr_free(pv);
            if (bst == GR_ENOMEM ||
                (s->ball && pf_big_reference(s->ball, s->ref_vm, s->ref_va, fixed) == GR_ENOMEM))
                goto fail;
        }
    }
    if (s->restart) /* back to the first pattern */
        s->big = s->big0;
    if (s->big && pf_big_values(s->big, E) != GR_OK) {
        pf_big_free(s->big0);
        pf_big_free(s->ball);
        s->big = s->big0 = s->ball = NULL;
    }
    if (s->big && s->restart)
        s->big->fresh = 1;
    /* new island i keeps the workspace of old island j when their bus sets
     * are the same (every bus of i was in j, and as many) */
    const int *obi = s->isl->bus_island;
    for (int i = 0; i < isl->n; i++)
        ptr[i] = -2; /* -2: unseen, -1: no match, else the old island */
    for (int b = 0; b < g->nb; b++) {
        int i = bi[b];
        if (i < 0)
            continue;
        int j = obi[b];
        if (ptr[i] == -2)
            ptr[i] = j >= 0 && s->isl->n_bus[j] == isl->n_bus[i] ? j : -1;
        else if (ptr[i] != j)
            ptr[i] = -1;
    }
    for (int i = 0; i < isl->n; i++) {
        int j = ptr[i];
        if (j >= 0 && s->ws_ready[j] && !added && !s->restart) { /* a branch in: new patterns */
            ws[i] = s->ws[j];
            ws[i].Y = Y;
            ready[i] = 1;
            s->ws_ready[j] = 0;
        }
    }
    for (int j = 0; j < s->isl->n; j++)
        if (s->ws_ready[j])
            nr_free(&s->ws[j]);
    gr_free(s->ws);
    gr_free(s->ws_ready);
    gr_free(s->island_ptr);
    gr_islands_free(s->isl);
    gr_csc_free(s->Y);
    s->ws = ws;
    s->ws_ready = ready;
    s->island_ptr = ptr;
    s->isl = isl;
    s->Y = Y;
    gr_csc_free(E);
    s->restart = 0;
    memset(ptr, 0, (ni + 1) * sizeof(int));
    memset(s->kind, 0, ((size_t)g->nb + 1) * sizeof(int));
    index_islands(s, g->nb);
    return GR_OK;
fail:
    gr_csc_free(E);
    gr_csc_free(Y);
    gr_free(ws);
    gr_free(ready);
    gr_free(ptr);
    gr_islands_free(isl);
    return gr_error_set(err, st, "out of memory in the AC power flow");
}

int gr_pf_solver_solve(gr_pf_solver *s, const gr_grid *g, const gr_pf_options *opt_in,
                       gr_pf_result **out, gr_error *err)
{
    double t0 = gr_time_s();
    *out = NULL;
    gr_pf_options defaults;
    if (!opt_in) {
        gr_pf_options_default(&defaults);
        opt_in = &defaults;
    }
    const gr_islands *isl = s->isl;
    if (g->nb != isl->nb)
        return gr_error_set(err, GR_EINVAL, "AC power flow: grid does not match its solver");
    gr_pf_result *r = NULL;
    int st = gr_grid_check(g, GR_GRID_CHECK_AC, err);
    if (st)
        return st;
    st = gr_pf_result_alloc(g->nb, g->ng, g->nl, &r);
    if (st || (st = pf_result_set_islands(r, isl)))
        goto done;
    s->g = g;
    s->opt = opt_in;
    s->r = r;
    for (int b = 0; b < g->nb; b++) {
        r->bus_type[b] = g->bus_type[b];
        r->vm[b] = opt_in->flat_start ? 1.0 : g->vm0[b];
        r->va[b] = opt_in->flat_start ? 0.0 : g->va0[b];
    }
    for (int k = 0; k < g->ng; k++) {
        int on = gen_energisable(g, k) && isl->ref[isl->bus_island[g->gen_bus[k]]] >= 0;
        s->active[k] = on;
        r->pg[k] = on ? g->pg[k] : 0.0;
        r->qg[k] = on ? g->qg[k] : 0.0;
    }
    r->converged = 1;
    for (int i = 0; i < isl->n; i++) {
        const int *bus = s->island_bus + s->island_ptr[i];
        int nbus = s->island_ptr[i + 1] - s->island_ptr[i];
        if (isl->ref[i] < 0) { /* dark island: no generation, no voltage */
            for (int j = 0; j < nbus; j++) {
                r->vm[bus[j]] = r->va[bus[j]] = 0.0;
                r->dark_load_p += g->pd[bus[j]];
            }
            continue;
        }
        if ((st = solve_island(s, i, bus, nbus)))
            goto done;
        r->converged &= r->island_converged[i] == 1;
    }
    for (int b = 0; b < g->nb; b++)
        if (isl->bus_island[b] < 0) {
            r->vm[b] = r->va[b] = 0.0;
            r->dark_load_p += g->pd[b];
        }
    /* An island that did not converge has no solution: its numbers are NaN,
     * never the last iterate. */
    for (int b = 0; b < g->nb; b++) {
        int i = isl->bus_island[b];
        if (i >= 0 && r->island_converged[i] == 0)
            r->vm[b] = r->va[b] = NAN;
    }
    for (int k = 0; k < g->ng; k++) {
        int i = isl->bus_island[g->gen_bus[k]];
        if (i >= 0 && r->island_converged[i] == 0)
            r->pg[k] = r->qg[k] = NAN;
    }
    pf_branch_flows(g, r, s->pinj, s->qinj); /* free scratch once the islands are solved */
    pf_result_check_finite(g, r);
    r->solve_s = gr_time_s() - t0;
done:
    s->g = NULL;
    s->r = NULL;
    if (st) {
        gr_pf_result_free(r);
        if (st == GR_ENOMEM)
            gr_error_set(err, st, "out of memory in the AC power flow");
        return st;
    }
    *out = r;
    return GR_OK;
}

int gr_pf_ac(const gr_grid *g, const gr_pf_options *opt, gr_pf_result **out, gr_error *err)
{
    double t0 = gr_time_s();
    gr_pf_solver *s = NULL;
    *out = NULL;
    int st = gr_pf_solver_create(g, &s, err);
    if (st == GR_OK)
        st = gr_pf_solver_solve(s, g, opt, out, err);
    gr_pf_solver_free(s);
    if (*out)
        (*out)->solve_s = gr_time_s() - t0;
    return st;
}
