/* bench_cascade.c — random N-2 cascades per second, DC and AC, 1 and 2 threads, on case2383wp and the synthetic default grid.
 *
 * Each row runs gr_cascade_random_n2 (seed 1, the same events for every
 * thread count) and prints events, wall time, cascades per second, the
 * speed-up of 2 threads over 1 measured in the same run, mean power flows
 * per event, and P(loss > 10 %). The target of DESIGN §4 / issue 5:
 * 10,000 random N-2 DC cascades on case2383wp in <= 60 s on 2 cores.
 * Usage: bench_cascade [n_dc] [n_ac] [n_shed]   (defaults 10000 200 1000) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"

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

int main(int argc, char **argv)
{
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
