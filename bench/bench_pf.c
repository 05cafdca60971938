/* bench_pf.c — AC power-flow speed on large MATPOWER cases, and how close it is to its own KLU limit.
 *
 * For each case, from MATPOWER's default start (the case's voltages, set
 * points at generator buses; GRIDRES_FLAT=1 for a flat start), parsing and
 * grid building excluded:
 *   cold: median wall time of gr_pf_ac — islands, Ybus, Jacobian pattern,
 *         ordering, KLU analysis, the first factorisation with pivoting and
 *         all Newton iterations;
 *   warm: median time of gr_pf_solver_solve on a solver already used once for
 *         this topology (what contingency, cascade and campaign loops pay):
 *         pattern, analysis and pivots reused, each iteration refactors;
 * the iterations, and for both the ratio
 *   time / (iterations x (one klu_refactor + one klu_solve of the final Jacobian)),
 * i.e. how much the solver spends beyond the linear algebra it cannot avoid.
 * Usage: bench_pf [reps] [case names...]
 *
 * bench_pf --peer CASE.m [reps] [n1_max] [max_iter] [flat|case]: the figures
 * bench/peers.sh sets beside lightsim2grid's (bench_anchors.py) on the same
 * case, as "key value" lines, in ms, medians over reps: the same model and
 * settings as the peer (flat start unless "case": the case's voltages; tol
 * 1e-8, at most max_iter (default 10) iterations, no Q limits);
 *   ac_cold_ms: gr_pf_ac (islands, Ybus, ordering, analysis and Newton: more
 *               than the peer's ls_ac_algo_ms, which leaves out its Ybus);
 *   ac_newton_ms: the Newton solve alone (pattern, ordering, analysis,
 *               factorisations, iterations; Ybus, roles and injections built
 *               before the clock starts): the peer's ls_ac_algo_ms scope;
 *               ac_newton_same 1 when it took the same steps to the same
 *               voltages (ac_newton_dv: largest |dVm| + |dVa|, pu + rad);
 *   ac_warm_ms: gr_pf_solver_solve from the same start on a solver already
 *               used once (peer: ls_ac_warm_algo_ms);
 *   dc_ms:      gr_pf_dc (peer: ls_dc_ms);
 *   n1_ms:      AC N-1 of the in-service branches among the first n1_max
 *               rows, 1 thread, from the base solution: the sum of the
 *               contingencies' own times over their number (peer:
 *               n1_ms_per_cont, whose base solve and set-up are excluded as
 *               well); islanding outages are solved and counted (n1_islanding),
 *               n1_ms_connected: the same mean over the others. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"
#include "model/islands_internal.h"
#include "solve/newton.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The buses of g's main island into bus (their count returned) and their
 * Newton roles into kind (nb): the reference NR_FIXED; a PV or REF bus of
 * bus_type with an energised unit NR_PV; the others NR_PQ. */
static int main_island_roles(const gr_grid *g, const gr_islands *isl, const int *bus_type,
                             int *bus, int *kind)
{
    int *has_gen = calloc((size_t)g->nb, sizeof(int));
    for (int k = 0; k < g->ng; k++)
        has_gen[g->gen_bus[k]] |= gen_energisable(g, k);
    int nbus = 0, main_island = isl->bus_island[isl->ref[0] >= 0 ? isl->ref[0] : 0];
    for (int b = 0; b < g->nb; b++) {
        if (isl->bus_island[b] != main_island)
            continue;
        bus[nbus++] = b;
        int t = bus_type[b];
        kind[b] = b == isl->ref[main_island] ? NR_FIXED
                  : ((t == GR_BUS_PV || t == GR_BUS_REF) && has_gen[b]) ? NR_PV
                                                                         : NR_PQ;
    }
    free(has_gen);
    return nbus;
}

/* Median time of one refactor + solve of the Jacobian at the solution. */
static double lu_step_time(const gr_grid *g, const gr_pf_result *r, int reps)
{
    gr_islands *isl = NULL;
    gr_csc *Y = NULL;
    gr_islands_find(g, 0, &isl, NULL);
    gr_ybus_build(g, &Y, NULL, NULL);
    int *kind = calloc((size_t)g->nb, sizeof(int)), *bus = malloc((size_t)g->nb * sizeof(int));
    int nbus = main_island_roles(g, isl, r->bus_type, bus, kind);
    nr_ws w;
    nr_setup(&w, Y, g->nb, nbus, bus, kind);
    double *vm = malloc((size_t)g->nb * sizeof(double)), *va = malloc((size_t)g->nb * sizeof(double));
    double *sp = calloc((size_t)g->nb, sizeof(double)), *sq = calloc((size_t)g->nb, sizeof(double));
    memcpy(vm, r->vm, (size_t)g->nb * sizeof(double));
    memcpy(va, r->va, (size_t)g->nb * sizeof(double));
    int conv, it;
    double mis;
    nr_solve(&w, sp, sq, vm, va, -1.0, 1, &conv, &it, &mis); /* fills J at the solution, factors once */
    double *t = malloc((size_t)reps * sizeof(double));
    double *rhs = malloc((size_t)w.n * sizeof(double));
    for (int k = 0; k < reps; k++) {
        for (int j = 0; j < w.n; j++)
            rhs[j] = 1.0;
        double t0 = gr_time_s();
        lu_factor(w.lu, w.J->p, w.J->i, w.J->x);
        lu_solve(w.lu, rhs);
        t[k] = gr_time_s() - t0;
    }
    double m = median(t, reps);
    free(t);
    free(rhs);
    free(vm);
    free(va);
    free(sp);
    free(sq);
    free(kind);
    free(bus);
    nr_free(&w);
    gr_csc_free(Y);
    gr_islands_free(isl);
    return m;
}

/* Median of reps wall times of one AC or DC solve of g; *iters: the last one's iterations. */
static double peer_pf_time(const gr_grid *g, const gr_pf_options *opt, int reps, int dc,
                           int *iters, int *conv)
{
    double *t = malloc((size_t)reps * sizeof(double));
    for (int k = 0; k < reps; k++) {
        gr_pf_result *r = NULL;
        gr_error err = {0};
        double t0 = gr_time_s();
        int st = dc ? gr_pf_dc(g, &r, &err) : gr_pf_ac(g, opt, &r, &err);
        t[k] = gr_time_s() - t0;
        *conv = st == GR_OK && r->converged;
        *iters = st == GR_OK ? r->iterations : -1;
        gr_pf_result_free(r);
    }
    double m = median(t, reps);
    free(t);
    return m;
}

/* Median wall time of the Newton solve alone on g's main island, the scope of
 * the peer's ls_ac_algo_ms (its timer starts after its Ybus is built): the
 * Jacobian pattern, the bus-graph ordering, KLU's analysis, the factorisations
 * and every iteration (nr_setup + nr_solve + nr_free), from opt's start, with
 * Ybus, the roles and the injections built before the clock starts. *dv: the
 * largest |V| difference from gr_pf_ac's answer ref (the same solution). */
static double peer_newton_time(const gr_grid *g, const gr_pf_options *opt, const gr_pf_result *ref,
                               int reps, int *iters, int *conv, double *dv)
{
    gr_islands *isl = NULL;
    gr_csc *Y = NULL;
    *conv = 0;
    *dv = INFINITY;
    if (gr_islands_find(g, 0, &isl, NULL) || gr_ybus_build(g, &Y, NULL, NULL))
        return NAN;
    int nb = g->nb, split = isl->n > 1;
    int *kind = calloc((size_t)nb, sizeof(int)), *bus = malloc((size_t)nb * sizeof(int));
    double *sp = calloc((size_t)nb, sizeof(double)), *sq = calloc((size_t)nb, sizeof(double));
    double *vm0 = malloc((size_t)nb * sizeof(double)), *va0 = malloc((size_t)nb * sizeof(double));
    double *vm = malloc((size_t)nb * sizeof(double)), *va = malloc((size_t)nb * sizeof(double));
    double *t = malloc((size_t)reps * sizeof(double));
    for (int b = 0; b < nb; b++) {
        sp[b] = -g->pd[b];
        sq[b] = -g->qd[b];
        vm0[b] = opt->flat_start ? 1.0 : g->vm0[b];
        va0[b] = opt->flat_start ? 0.0 : g->va0[b];
    }
    for (int k = 0; k < g->ng; k++) /* as prepare_island (pf_ac.c): set points of the units */
        if (gen_energisable(g, k)) {
            sp[g->gen_bus[k]] += g->pg[k];
            sq[g->gen_bus[k]] += g->qg[k];
        }
    int nbus = main_island_roles(g, isl, g->bus_type, bus, kind);
    for (int k = 0; k < g->ng; k++) /* generator buses at their last unit's set point */
        if (gen_energisable(g, k) && kind[g->gen_bus[k]] != NR_PQ)
            vm0[g->gen_bus[k]] = g->vg[k];
    double m = NAN;
    for (int r = 0; r < reps && !split; r++) {
        memcpy(vm, vm0, (size_t)nb * sizeof(double));
        memcpy(va, va0, (size_t)nb * sizeof(double));
        double mis, t0 = gr_time_s();
        nr_ws w;
        int st = nr_setup(&w, Y, nb, nbus, bus, kind);
        if (!st)
            st = nr_solve(&w, sp, sq, vm, va, opt->tol, opt->max_iter, conv, iters, &mis);
        nr_free(&w);
        t[r] = gr_time_s() - t0;
        if (st)
            *conv = 0;
    }
    if (!split) {
        m = median(t, reps);
        double d = 0.0;
        for (int j = 0; j < nbus; j++) {
            int b = bus[j];
            d = fmax(d, fabs(vm[b] - ref->vm[b]) + fabs(va[b] - ref->va[b]));
        }
        *dv = d;
    }
    free(kind);
    free(bus);
    free(sp);
    free(sq);
    free(vm0);
    free(va0);
    free(vm);
    free(va);
    free(t);
    gr_csc_free(Y);
    gr_islands_free(isl);
    return m;
}

static int peer_mode(const char *path, int reps, int n1_max, int max_iter, int flat)
{
    gr_case *cs = NULL;
    gr_grid *g = NULL;
    gr_error err = {0};
    if (gr_case_read(path, &cs, &err) || gr_grid_from_case(cs, &g, &err)) {
        fprintf(stderr, "bench_pf: %s\n", err.msg);
        return 1;
    }
    gr_pf_options opt;
    gr_pf_options_default(&opt); /* tol 1e-8, 10 iterations, no Q limits */
    opt.flat_start = flat;
    if (max_iter > 0)
        opt.max_iter = max_iter;
    int iters = 0, conv = 0, dc_it = 0, dc_conv = 0;
    printf("buses %d\n", g->nb);
    printf("ac_cold_ms %.4f\n", 1e3 * peer_pf_time(g, &opt, reps, 0, &iters, &conv));
    printf("ac_iters %d\nac_converged %d\n", iters, conv);
    {
        gr_pf_result *ref = NULL;
        if (gr_pf_ac(g, &opt, &ref, &err) == GR_OK) {
            int it_n = 0, conv_n = 0;
            double dv = 0.0;
            double tn = peer_newton_time(g, &opt, ref, reps, &it_n, &conv_n, &dv);
            if (isfinite(tn)) /* a split case has no single-island figure */
                printf("ac_newton_ms %.4f\nac_newton_same %d\nac_newton_dv %.3g\n", 1e3 * tn,
                       conv_n && it_n == iters && dv < 1e-9, dv);
        }
        gr_pf_result_free(ref);
    }
    gr_pf_solver *ps = NULL;
    double *t = malloc((size_t)reps * sizeof(double));
    gr_pf_solver_create(g, &ps, &err);
    for (int k = 0; k <= reps; k++) {
        gr_pf_result *rw = NULL;
        double t0 = gr_time_s();
        gr_pf_solver_solve(ps, g, &opt, &rw, &err);
        if (k > 0) /* the first solve builds the workspace */
            t[k - 1] = gr_time_s() - t0;
        conv &= rw->converged && rw->iterations == iters;
        gr_pf_result_free(rw);
    }
    gr_pf_solver_free(ps);
    printf("ac_warm_ms %.4f\nac_warm_same %d\n", 1e3 * median(t, reps), conv);
    free(t);
    printf("dc_ms %.4f\n", 1e3 * peer_pf_time(g, &opt, reps, 1, &dc_it, &dc_conv));
    if (n1_max > 0) {
        gr_ctg_list *l = NULL;
        gr_ctg_list_n1(g, GR_CTG_BRANCHES, &l);
        int n = 0;
        while (n < l->n && l->index[l->ptr[n]] < n1_max)
            n++;
        int n_all = l->n;
        l->n = n; /* branches come first, in row order */
        gr_ctg_options co;
        gr_ctg_options_default(&co);
        co.threads = 1;
        gr_ctg_result *r = NULL;
        if (gr_ctg_run(g, l, &co, &r, &err)) {
            fprintf(stderr, "bench_pf: %s\n", err.msg);
            return 1;
        }
        double sum = 0.0, sum_c = 0.0;
        int n_isl = 0, n_nc = 0, n_full = 0;
        for (int c = 0; c < n; c++) {
            sum += r->time_s[c];
            n_isl += r->method[c] == GR_CTG_ISLANDS;
            n_full += r->method[c] == GR_CTG_FULL;
            n_nc += !r->converged[c];
            if (r->method[c] != GR_CTG_ISLANDS)
                sum_c += r->time_s[c];
        }
        printf("n1_contingencies %d\nn1_ms %.4f\nn1_ms_connected %.4f\n", n, 1e3 * sum / n,
               n > n_isl ? 1e3 * sum_c / (n - n_isl) : 0.0);
        printf("n1_islanding %d\nn1_full %d\nn1_not_converged %d\n", n_isl, n_full, n_nc);
        l->n = n_all;
        gr_ctg_result_free(r);
        gr_ctg_list_free(l);
    }
    gr_grid_free(g);
    gr_case_free(cs);
    return 0;
}

int main(int argc, char **argv)
{
    gr_heap_keep(); /* as the gridres program */
    if (argc > 2 && strcmp(argv[1], "--peer") == 0)
        return peer_mode(argv[2], argc > 3 ? atoi(argv[3]) : 5, argc > 4 ? atoi(argv[4]) : 0,
                         argc > 5 ? atoi(argv[5]) : 0, !(argc > 6 && strcmp(argv[6], "case") == 0));
    int reps = argc > 1 ? atoi(argv[1]) : 21;
    const char *defaults[] = {"case2383wp", "case9241pegase", "case13659pegase", "case_ACTIVSg10k"};
    const char **names = argc > 2 ? (const char **)argv + 2 : defaults;
    int ncases = argc > 2 ? argc - 2 : 4;
    printf("%-18s %6s %4s %8s %8s %8s %10s %10s %5s\n", "case", "buses", "iter", "cold_ms",
           "warm_ms", "lu_ms", "ratio_cold", "ratio_warm", "conv");
    for (int c = 0; c < ncases; c++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/cases/matpower/%s.m", GRIDRES_SHARED_DIR, names[c]);
        gr_case *cs = NULL;
        gr_grid *g = NULL;
        gr_error err = {0};
        if (gr_case_read(path, &cs, &err) || gr_grid_from_case(cs, &g, &err)) {
            fprintf(stderr, "bench_pf: %s\n", err.msg);
            return 1;
        }
        gr_pf_options opt;
        gr_pf_options_default(&opt);
        opt.flat_start = getenv("GRIDRES_FLAT") && atoi(getenv("GRIDRES_FLAT"));
        double *t = malloc((size_t)reps * sizeof(double));
        gr_pf_result *r = NULL;
        int iters = 0, conv = 0;
        for (int k = 0; k < reps; k++) {
            gr_pf_result_free(r);
            double t0 = gr_time_s();
            gr_pf_ac(g, &opt, &r, &err);
            t[k] = gr_time_s() - t0;
            iters = r->iterations;
            conv = r->converged;
        }
        double solve = median(t, reps);
        gr_pf_solver *ps = NULL;
        gr_pf_solver_create(g, &ps, &err);
        for (int k = 0; k <= reps; k++) {
            gr_pf_result *rw = NULL;
            double t0 = gr_time_s();
            gr_pf_solver_solve(ps, g, &opt, &rw, &err);
            if (k > 0) /* the first solve builds the workspace */
                t[k - 1] = gr_time_s() - t0;
            conv &= rw->converged && rw->iterations == iters;
            gr_pf_result_free(rw);
        }
        gr_pf_solver_free(ps);
        double warm = median(t, reps);
        double lu = lu_step_time(g, r, reps);
        printf("%-18s %6d %4d %8.2f %8.2f %8.3f %10.2f %10.2f %5s\n", names[c], g->nb, iters,
               solve * 1e3, warm * 1e3, lu * 1e3, solve / (iters * lu), warm / (iters * lu),
               conv ? "yes" : "NO");
        free(t);
        gr_pf_result_free(r);
        gr_grid_free(g);
        gr_case_free(cs);
    }
    return 0;
}
