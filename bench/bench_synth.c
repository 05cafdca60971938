/* bench_synth.c — time to generate the synthetic grid (2 000 and 20 000 buses) including the AC check.
 *
 * For each size: the median over several seeds of gr_synth (geography,
 * network, DC sizing, AC tuning) plus the final check (grid build and one AC
 * power flow from a flat start with reactive limits), and, as the baseline
 * measured in the same run, the median of that one AC power flow alone.
 * Targets (issue 3, 2-core machine): <= 1 s for 2 000 buses, <= 15 s for
 * 20 000. Usage: bench_synth [REPS] (default 5 for 2 000, 3 for 20 000). */
#include <stdio.h>
#include <stdlib.h>

#include "gridres.h"

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

/* One run: returns 0 and the times, or -1. */
static int run(int n_bus, uint64_t seed, double *t_total, double *t_pf, int *iters)
{
    gr_synth_options opt;
    gr_case *c = NULL;
    gr_grid *g = NULL;
    gr_pf_result *r = NULL;
    gr_pf_options po;
    gr_error err = {0, ""};
    gr_synth_options_default(&opt);
    opt.n_bus = n_bus;
    opt.seed = seed;
    double t0 = gr_time_s();
    if (gr_synth(&opt, &c, NULL, &err) != GR_OK) {
        fprintf(stderr, "bench_synth: %s\n", err.msg);
        return -1;
    }
    double t1 = gr_time_s();
    gr_pf_options_default(&po);
    po.flat_start = 1;
    po.enforce_q_lims = 1;
    int ok = gr_grid_from_case(c, &g, &err) == GR_OK && gr_pf_ac(g, &po, &r, &err) == GR_OK &&
             r->converged;
    double t2 = gr_time_s();
    if (!ok) {
        fprintf(stderr, "bench_synth: AC check failed for %d buses, seed %llu\n", n_bus,
                (unsigned long long)seed);
        gr_pf_result_free(r);
        gr_grid_free(g);
        gr_case_free(c);
        return -1;
    }
    *iters = r->iterations;
    gr_pf_result_free(r);
    /* baseline: the AC power flow alone */
    double t3 = gr_time_s();
    if (gr_pf_ac(g, &po, &r, &err) != GR_OK) {
        gr_grid_free(g);
        gr_case_free(c);
        return -1;
    }
    double t4 = gr_time_s();
    gr_pf_result_free(r);
    gr_grid_free(g);
    gr_case_free(c);
    *t_total = (t1 - t0) + (t2 - t1);
    *t_pf = t4 - t3;
    (void)t2;
    return 0;
}

int main(int argc, char **argv)
{
    gr_heap_keep(); /* as the gridres program */
    static const int sizes[2] = {2000, 20000};
    static const double target[2] = {1.0, 15.0};
    int reps_arg = argc > 1 ? atoi(argv[1]) : 0;
    int fail = 0;
    printf("%-8s %5s %12s %12s %8s %10s %s\n", "buses", "runs", "synth+AC s", "one AC pf s",
           "ratio", "target s", "");
    for (int k = 0; k < 2; k++) {
        int reps = reps_arg > 0 ? reps_arg : (k == 0 ? 5 : 3);
        double *tt = malloc((size_t)reps * sizeof *tt), *tp = malloc((size_t)reps * sizeof *tp);
        int it = 0;
        if (!tt || !tp)
            return 1;
        for (int r = 0; r < reps; r++)
            if (run(sizes[k], (uint64_t)r + 1, &tt[r], &tp[r], &it) != 0) {
                fail = 1;
                tt[r] = tp[r] = 0.0;
            }
        double mt = median(tt, reps), mp = median(tp, reps);
        printf("%-8d %5d %12.3f %12.4f %8.1f %10.1f %s\n", sizes[k], reps, mt, mp,
               mp > 0 ? mt / mp : 0.0, target[k], mt <= target[k] ? "ok" : "SLOW");
        free(tt);
        free(tp);
    }
    return fail;
}
