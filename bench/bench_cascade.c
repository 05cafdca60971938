/* bench_cascade.c — random N-2 cascades per second, DC and AC, 1 and 2 threads, on case2383wp and the synthetic default grid.
 *
 * Each row runs gr_cascade_random_n2 (seed 1, the same events for every
 * thread count) and prints events, wall time, cascades per second, the
 * speed-up of 2 threads over 1 measured in the same run, mean power flows
 * per event, and P(loss > 10 %). The target of DESIGN §4 / issue 5:
 * 10,000 random N-2 DC cascades on case2383wp in <= 60 s on 2 cores.
 * Usage: bench_cascade [n_dc] [n_ac] [n_shed]   (defaults 10000 200 1000)
 *
 * bench_cascade models [n] [grid] [model] (default 200, all): the three rule sets (gridres,
 * dcsimsep, accfm; issue 18) on the same n random N-2 events (seed 1) of
 * case39, pglib case118 and case2383wp, one thread: P(loss > 10 %), mean
 * loss, mean trips, wall and CPU ms per cascade; on case2383wp also the
 * ratio to the published Octave times per cascade (DCSIMSEP 5.5 s, AC-CFM
 * 2.3 s, as quoted in issue 18) and the goals (dcsimsep <= 12 ms,
 * accfm <= 25 ms). Dispatch: the case's own (PG, slack from the base power
 * flow), no AC OPF; see docs/cascade.md. accfm runs twice on the same events:
 * with its AC solver rebuilt after every topology change (casc_accfm_rebuild,
 * the path before pf_solver_update: the baseline) and kept; the CPU ratio and
 * the largest relative difference of per-event load lost are printed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gridres.h"
#include "sim/cascade_accfm.h"

static void row(const char *grid, const gr_grid *g, int ac, int control, int n, int threads,
                double *rate_1t)
{
    gr_cascade_options o;
    gr_cascade_options_default(&o);
    o.ac = ac;
    o.control = control;
    gr_cascade_mc_result *m = NULL;
    gr_error err = {0};
    int st = gr_cascade_random_n2(g, &o, n, 1, threads, &m, &err);
    if (st) {
        printf("%-12s %-3s %-5s %7d %2d  failed: %s\n", grid, ac ? "AC" : "DC",
               control ? "shed" : "none", n, threads, err.msg);
        return;
    }
    int big = 0, failed = 0, trips = 0;
    for (int e = 0; e < m->n; e++) {
        failed += m->status[e] != GR_OK;
        big += m->fraction[e] > 0.10;
        trips += m->n_trips[e];
    }
    double rate = m->n / m->wall_s;
    if (threads == 1)
        *rate_1t = rate;
    printf("%-12s %-3s %-5s %7d %2d %9.2f %11.1f %8.2f %10.2f %9.4f %6d\n", grid, ac ? "AC" : "DC",
           control ? "shed" : "none", n, threads, m->wall_s, rate,
           threads == 1 ? 1.0 : rate / *rate_1t, (double)trips / m->n, (double)big / m->n,
           failed);
    fflush(stdout);
    gr_cascade_mc_result_free(m);
}

static void bench_grid(const char *name, const gr_grid *g, int n_dc, int n_ac, int n_shed)
{
    double r1 = 0.0;
    for (int t = 1; t <= 2; t++)
        row(name, g, 0, GR_CASCADE_CONTROL_NONE, n_dc, t, &r1);
    for (int t = 1; t <= 2; t++)
        row(name, g, 1, GR_CASCADE_CONTROL_NONE, n_ac, t, &r1);
    for (int t = 1; t <= 2; t++)
        row(name, g, 0, GR_CASCADE_CONTROL_SHED, n_shed, t, &r1);
}

/* stop: dcsimsep's stop_served (0: to the end, comparable with the others).
 * keep: the result handed back (else freed); returns CPU ms per cascade. */
static double model_row(const char *grid, const gr_grid *g, int model, int n, double stop,
                        const char *tag, gr_cascade_mc_result **keep)
{
    gr_cascade_options o;
    gr_cascade_options_default(&o);
    o.model = model;
    o.stop_served = stop;
    char label[32];
    snprintf(label, sizeof label, "%s%s%s", gr_cascade_model_name(model),
             model == GR_CASCADE_MODEL_DCSIMSEP && stop > 0 ? "/stop" : "", tag);
    gr_cascade_mc_result *m = NULL;
    gr_error err = {0};
    clock_t c0 = clock();
    int st = gr_cascade_random_n2(g, &o, n, 1, 1, &m, &err);
    double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    if (st) {
        printf("%-12s %-13s failed: %s\n", grid, label, err.msg);
        return NAN;
    }
    int big = 0, failed = 0;
    double mean = 0.0, trips = 0.0;
    for (int e = 0; e < m->n; e++) {
        failed += m->status[e] != GR_OK;
        big += m->fraction[e] > 0.10;
        mean += m->fraction[e];
        trips += m->n_trips[e];
    }
    double ms = 1e3 * m->wall_s / m->n, cpu_ms = 1e3 * cpu / m->n;
    printf("%-12s %-13s %6d %9.3f %9.2f %8.2f %9.2f %9.2f %6d", grid, label,
           m->n, (double)big / m->n, 100.0 * mean / m->n, trips / m->n, ms, cpu_ms, failed);
    if (!strcmp(grid, "case2383wp") && model != GR_CASCADE_MODEL_GRIDRES) {
        double published = model == GR_CASCADE_MODEL_DCSIMSEP ? 5.5 : 2.3;
        double goal = model == GR_CASCADE_MODEL_DCSIMSEP ? 12.0 : 25.0;
        printf("   vs published Octave %.1f s/cascade: x%.0f (CPU x%.0f); goal <= %.0f ms %s",
               published, 1e3 * published / ms, 1e3 * published / cpu_ms, goal,
               cpu_ms <= goal ? "met (CPU)" : "NOT met (CPU)");
    }
    printf("\n");
    fflush(stdout);
    if (keep)
        *keep = m;
    else
        gr_cascade_mc_result_free(m);
    return cpu_ms;
}

/* accfm: the solver rebuilt after every topology change (the path before
 * pf_solver_update) against the kept one, same events, same run; per-event
 * load lost compared. */
static void accfm_vs_rebuild(const char *grid, const gr_grid *g, int n)
{
    gr_cascade_mc_result *mb = NULL, *mn = NULL;
    casc_accfm_rebuild = 1;
    double tb = model_row(grid, g, GR_CASCADE_MODEL_ACCFM, n, 0.0, "/rebuild", &mb);
    casc_accfm_rebuild = 0;
    double tn = model_row(grid, g, GR_CASCADE_MODEL_ACCFM, n, 0.0, "", &mn);
    if (mb && mn) {
        double dmax = 0.0;
        int differ = 0;
        for (int e = 0; e < mn->n; e++) {
            double a = mb->mw_lost[e], b = mn->mw_lost[e];
            double d = fabs(a - b) / fmax(fmax(fabs(a), fabs(b)), 1e-300);
            if (a == b)
                d = 0.0;
            if (!(d <= 1e-6))
                differ++;
            if (!(d <= dmax))
                dmax = d;
        }
        printf("%-12s accfm kept solver vs rebuilt: CPU x%.2f (%.2f -> %.2f ms/cascade); "
               "load lost per event: max relative difference %.3g, %d of %d events beyond 1e-6\n",
               grid, tb / tn, tb, tn, dmax, differ, mn->n);
    }
    gr_cascade_mc_result_free(mb);
    gr_cascade_mc_result_free(mn);
}

static int bench_models(int n, const char *only_grid, const char *only_model)
{
    static const char *const cases[][2] = {
        {"case39", "/cases/matpower/case39.m"},
        {"case118", "/cases/pglib/pglib_opf_case118_ieee.m"},
        {"case2383wp", "/cases/matpower/case2383wp.m"},
    };
    printf("# dcsimsep/stop: stop_served 0.95 (DCSIMSEP's default): losses when it stopped\n");
    printf("%-12s %-13s %6s %9s %9s %8s %9s %9s %6s\n", "grid", "model", "events", "P(>10%)",
           "mean_%", "trips", "ms/casc", "cpu_ms", "failed");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (only_grid && strcmp(only_grid, cases[i][0]))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s%s", GRIDRES_SHARED_DIR, cases[i][1]);
        gr_case *c = NULL;
        gr_grid *g = NULL;
        gr_error err = {0};
        if (gr_case_read(path, &c, &err) == GR_OK && gr_grid_from_case(c, &g, &err) == GR_OK)
            for (int model = 0; model <= GR_CASCADE_MODEL_ACCFM; model++) {
                if (only_model && strcmp(only_model, gr_cascade_model_name(model)))
                    continue;
                if (model == GR_CASCADE_MODEL_ACCFM) {
                    accfm_vs_rebuild(cases[i][0], g, n);
                    continue;
                }
                model_row(cases[i][0], g, model, n, 0.0, "", NULL);
                if (model == GR_CASCADE_MODEL_DCSIMSEP)
                    model_row(cases[i][0], g, model, n, 0.95, "", NULL);
            }
        else
            printf("%s: skipped (%s)\n", cases[i][0], err.msg);
        gr_grid_free(g);
        gr_case_free(c);
    }
    return 0;
}

int main(int argc, char **argv)
{
    gr_heap_keep(); /* as the gridres program */
    if (argc > 1 && !strcmp(argv[1], "models"))
        return bench_models(argc > 2 ? atoi(argv[2]) : 200, argc > 3 ? argv[3] : NULL,
                            argc > 4 ? argv[4] : NULL);
    int n_dc = argc > 1 ? atoi(argv[1]) : 10000;
    int n_ac = argc > 2 ? atoi(argv[2]) : 200;
    int n_shed = argc > 3 ? atoi(argv[3]) : 1000;
    printf("%-12s %-3s %-5s %7s %2s %9s %11s %8s %10s %9s %6s\n", "grid", "pf", "ctrl", "events",
           "th", "wall_s", "cascades/s", "speedup", "trips/ev", "P(>10%)", "failed");
    const char *path = GRIDRES_SHARED_DIR "/cases/matpower/case2383wp.m";
    gr_case *c = NULL;
    gr_grid *g = NULL;
    gr_error err = {0};
    if (gr_case_read(path, &c, &err) == GR_OK && gr_grid_from_case(c, &g, &err) == GR_OK) {
        bench_grid("case2383wp", g, n_dc, n_ac, n_shed);
    } else {
        printf("case2383wp: skipped (%s)\n", err.msg);
    }
    gr_grid_free(g);
    gr_case_free(c);
    g = NULL;
    c = NULL;

    gr_synth_options so;
    gr_synth_options_default(&so);
    double t0 = gr_time_s();
    if (gr_synth(&so, &c, NULL, &err) == GR_OK && gr_grid_from_case(c, &g, &err) == GR_OK) {
        printf("# synthetic default grid: %d buses, %d branches (generated in %.1f s)\n", g->nb,
               g->nl, gr_time_s() - t0);
        bench_grid("synth2000", g, n_dc, n_ac, n_shed);
    } else {
        printf("synth: skipped (%s)\n", err.msg);
    }
    gr_grid_free(g);
    gr_case_free(c);
    return 0;
}
