/* bench_contingency.c — AC N-1 per-contingency time against full independent solves, thread speed-up, and DC N-1 on a large case.
 *
 * AC, for each case: N-1 of every in-service branch (islanding outages
 * included) by gr_ctg_run on 1 thread: the median wall time per contingency;
 * the same run on 2 threads: speed-up of the whole run; and, measured in the
 * same process, a full independent solve per contingency: gr_pf_ac of a
 * modified grid copy (Ybus, islands, pattern, analysis, Newton), on a sample
 * of contingencies spread over the list, from the case voltages (MATPOWER's
 * default) and from the base solution (the start the fast path uses).
 * DC: N-1 of every branch of case13659pegase with every post-outage flow
 * computed (and checked against ratings), total time on 1 and 2 threads.
 * Usage: bench_contingency [sample] [case names...] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gridres.h"

/* CPU time of the process (all threads), seconds: on a loaded machine the
 * wall times grow with the load, CPU time much less. */
static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
    if (n <= 0)
        return NAN;
    double *w = malloc((size_t)n * sizeof *w);
    memcpy(w, v, (size_t)n * sizeof *w);
    qsort(w, (size_t)n, sizeof *w, cmp_double);
    double m = n % 2 ? w[n / 2] : 0.5 * (w[n / 2 - 1] + w[n / 2]);
    free(w);
    return m;
}

static gr_grid *load(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/cases/matpower/%s.m", GRIDRES_SHARED_DIR, name);
    gr_case *c = NULL;
    gr_grid *g = NULL;
    gr_error err = {0};
    if (gr_case_read(path, &c, &err) || gr_grid_from_case(c, &g, &err)) {
        fprintf(stderr, "bench_contingency: %s\n", err.msg);
        gr_case_free(c);
        return NULL;
    }
    gr_case_free(c);
    return g;
}

static gr_ctg_result *run(const gr_grid *g, const gr_ctg_list *l, int ac, int threads)
{
    gr_ctg_options opt;
    gr_ctg_options_default(&opt);
    opt.ac = ac;
    opt.threads = threads;
    gr_ctg_result *r = NULL;
    gr_error err = {0};
    if (gr_ctg_run(g, l, &opt, &r, &err)) {
        fprintf(stderr, "bench_contingency: %s\n", err.msg);
        exit(1);
    }
    return r;
}

/* Median time of gr_pf_ac on a copy with one branch out, over `sample`
 * contingencies spread over the list; warm: start from the base solution. */
static double full_solve_median(const gr_grid *g, const gr_ctg_list *l, int sample, int warm,
                                double *cpu_mean)
{
    gr_grid *gc = NULL;
    gr_grid_copy(g, &gc);
    gr_pf_options opt;
    gr_pf_options_default(&opt);
    if (warm) {
        gr_pf_result *b = NULL;
        gr_pf_ac(g, &opt, &b, NULL);
        for (int k = 0; k < g->nb; k++)
            if (b->vm[k] > 0) {
                gc->vm0[k] = b->vm[k];
                gc->va0[k] = b->va[k];
            }
        gr_pf_result_free(b);
    }
    if (sample > l->n)
        sample = l->n;
    double *t = malloc((size_t)(sample > 0 ? sample : 1) * sizeof *t);
    double c0 = cpu_s();
    for (int s = 0; s < sample; s++) {
        int c = (int)((long)s * l->n / sample), k = l->index[l->ptr[c]];
        double t0 = gr_time_s();
        gc->br_on[k] = 0;   /* the modification is part of the baseline's work */
        gr_pf_result *r = NULL;
        gr_pf_ac(gc, &opt, &r, NULL);
        gc->br_on[k] = g->br_on[k];
        t[s] = gr_time_s() - t0;
        gr_pf_result_free(r);
    }
    *cpu_mean = sample > 0 ? (cpu_s() - c0) / sample : NAN;
    double m = median(t, sample);
    free(t);
    gr_grid_free(gc);
    return m;
}

int main(int argc, char **argv)
{
    gr_heap_keep(); /* as the gridres program */
    int sample = argc > 1 ? atoi(argv[1]) : 50;
    const char *defaults[] = {"case2383wp", "case9241pegase", "case13659pegase"};
    const char **names = argc > 2 ? (const char **)argv + 2 : defaults;
    int ncases = argc > 2 ? argc - 2 : 3;

    printf("AC N-1, all in-service branches (islanding outages included); times in ms\n");
    printf("%-16s %6s %6s %4s %6s %7s %7s %7s %6s %6s %7s %7s %6s %8s %8s %7s\n", "case",
           "ctgs", "island", "full", "noconv", "med_1t", "full_cs", "full_ws", "ratio", "ratio_w",
           "cpu_1t", "cpu_ws", "ratio_c", "total_1t", "total_2t", "speedup");
    for (int i = 0; i < ncases; i++) {
        gr_grid *g = load(names[i]);
        if (!g)
            continue;
        gr_ctg_list *l = NULL;
        gr_ctg_list_n1(g, GR_CTG_BRANCHES, &l);
        double c0 = cpu_s();
        gr_ctg_result *r1 = run(g, l, 1, 1);
        double cpu1 = (cpu_s() - c0) / l->n;
        gr_ctg_result *r2 = run(g, l, 1, 2);
        int n_isl = 0, n_full = 0, n_nc = 0;
        for (int c = 0; c < l->n; c++) {
            n_isl += r1->method[c] == GR_CTG_ISLANDS;
            n_full += r1->method[c] == GR_CTG_FULL;
            n_nc += !r1->converged[c];
        }
        double med = median(r1->time_s, l->n), cpu_cs, cpu_ws;
        double full_cs = full_solve_median(g, l, sample, 0, &cpu_cs);
        double full_ws = full_solve_median(g, l, sample, 1, &cpu_ws);
        printf("%-16s %6d %6d %4d %6d %7.3f %7.2f %7.2f %6.3f %6.3f %7.3f %7.2f %6.3f %8.0f %8.0f "
               "%7.2f\n",
               names[i], l->n, n_isl, n_full, n_nc, med * 1e3, full_cs * 1e3, full_ws * 1e3,
               med / full_cs, med / full_ws, cpu1 * 1e3, cpu_ws * 1e3, cpu1 / cpu_ws,
               r1->solve_s * 1e3, r2->solve_s * 1e3, r1->solve_s / r2->solve_s);
        fflush(stdout);
        gr_ctg_result_free(r1);
        gr_ctg_result_free(r2);
        gr_ctg_list_free(l);
        gr_grid_free(g);
    }
    printf("  med_1t: median wall time per contingency on 1 thread; full_cs / full_ws: median\n"
           "  gr_pf_ac of a modified copy from the case voltages / from the base solution (%d\n"
           "  sampled); ratio = med_1t / full_cs, ratio_w = med_1t / full_ws; cpu_1t / cpu_ws:\n"
           "  mean CPU time per contingency / per sampled full solve (base start), ratio_c their\n"
           "  ratio; island: split the grid, solved island by island on the base pattern; full:\n"
           "  re-solved by gr_pf_ac (bus role changes); noconv: not converged (reported);\n"
           "  total_1t/2t: whole run, ms; speedup = total_1t / total_2t.\n",
           sample);

    const char *dc_case = "case13659pegase";
    gr_grid *g = load(dc_case);
    if (g) {
        gr_ctg_list *l = NULL;
        gr_ctg_list_n1(g, GR_CTG_BRANCHES, &l);
        double c0 = cpu_s();
        gr_ctg_result *r1 = run(g, l, 0, 1);
        double cpu1 = cpu_s() - c0;
        gr_ctg_result *r2 = run(g, l, 0, 2);
        int n_isl = 0, n_full = 0, n_over = 0;
        for (int c = 0; c < l->n; c++) {
            n_isl += r1->method[c] == GR_CTG_ISLANDS;
            n_full += r1->method[c] == GR_CTG_FULL;
            n_over += r1->n_overloaded[c] > 0;
        }
        printf("\nDC N-1 %s: %d branch outages, every post-outage flow (%d x %d) computed and\n"
               "  checked against rateA; %d split the grid (solved on the base factors), %d by\n"
               "  full DC solves, %d with overloads.\n"
               "  total %.3f s on 1 thread (CPU %.3f s), %.3f s on 2 threads (speed-up %.2f);\n"
               "  target <= 2 s\n",
               dc_case, l->n, l->n, g->nl, n_isl, n_full, n_over, r1->solve_s, cpu1, r2->solve_s,
               r1->solve_s / r2->solve_s);
        gr_ctg_result_free(r1);
        gr_ctg_result_free(r2);
        gr_ctg_list_free(l);
        gr_grid_free(g);
    }
    return 0;
}
