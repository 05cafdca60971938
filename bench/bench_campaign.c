/* bench_campaign.c — the default strike campaign (30 nights on the built-in 2000-bus region): the fast path against the plain path of 353929f in the same process (time per run, ratio), then a Monte Carlo of 100 runs on 1 and 2 threads: wall time, median time per run, speed-up, identical results, and the medians of the main outputs.
 *
 * The Monte Carlo uses the DC cascade and the DC shedding LP (docs/campaign.md,
 * "Performance"). Usage: bench_campaign [runs] [nights] [threads ...]
 * (default 100 30 1 2). The first part runs min(runs, 3) runs on one thread,
 * fast and plain (CAMP_PLAIN_LP: every served-load state by the full
 * shedding LP, as 353929f) interleaved, three times, and prints medians:
 * the plain path takes about 6 s a run. Set BENCH_CAMPAIGN_PLAIN=0 to skip
 * it. The comparison with the 353929f binary itself is
 * bench/campaign_vs_base.sh. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gridres.h"
#include "sim/campaign_internal.h"

static double cpu_s(void) { return (double)clock() / CLOCKS_PER_SEC; }

static double pct(const double *x, int n, double p)
{
    double s[2];
    gr_stats(x, n, &p, 1, s);
    return s[1];
}

static double median3(double *x, int n)
{
    return pct(x, n, 50);
}

/* Fast path against CAMP_PLAIN_LP, interleaved: medians of the time per run. */
static int fast_vs_plain(const gr_campaign_scenario *s, int runs, int nights)
{
    enum { REPS = 3 };
    double fast[REPS], plain[REPS], cpu_fast[REPS], cpu_plain[REPS];
    int lp_fast = 0, lp_plain = 0;
    gr_error err = {0, ""};
    for (int rep = 0; rep < REPS; rep++)
        for (int mode = 0; mode < 2; mode++) {
            gr_campaign_options o;
            gr_campaign_options_default(&o);
            o.runs = runs;
            o.nights = nights;
            o.threads = 1;
            o.keep_events = 0;
            gr_campaign_result *r = NULL;
            double c0 = cpu_s();
            if (camp_campaign_run(s, &o, mode ? CAMP_PLAIN_LP : 0, &r, &err)) {
                fprintf(stderr, "bench_campaign: %s\n", err.msg);
                return 1;
            }
            double cpu = (cpu_s() - c0) / runs, per_run = 0.0;
            for (int i = 0; i < runs; i++)
                per_run += r->run_s[i] / runs;
            (mode ? plain : fast)[rep] = per_run;
            (mode ? cpu_plain : cpu_fast)[rep] = cpu;
            *(mode ? &lp_plain : &lp_fast) = r->lp_solves;
            gr_campaign_result_free(r);
        }
    double f = median3(fast, REPS), p = median3(plain, REPS);
    printf("fast vs plain (%d runs x %d nights, 1 thread, %d reps interleaved, medians):\n",
           runs, nights, REPS);
    printf("  plain (353929f path): %.3f s per run (cpu %.3f s), %.0f LPs per run\n", p,
           median3(cpu_plain, REPS), (double)lp_plain / runs);
    printf("  fast:                 %.3f s per run (cpu %.3f s), %.0f LPs per run\n", f,
           median3(cpu_fast, REPS), (double)lp_fast / runs);
    printf("  ratio: %.1fx (wall per run), %.1fx (cpu)\n", p / f,
           median3(cpu_plain, REPS) / median3(cpu_fast, REPS));
    return 0;
}

int main(int argc, char **argv)
{
    gr_heap_keep(); /* as the gridres program */
    int runs = argc > 1 ? atoi(argv[1]) : 100;
    int nights = argc > 2 ? atoi(argv[2]) : 30;
    int threads[8] = {1, 2}, nt = 2;
    if (argc > 3) {
        nt = 0;
        for (int k = 3; k < argc && nt < 8; k++)
            threads[nt++] = atoi(argv[k]);
    }
    if (runs < 1 || nights < 1) {
        fprintf(stderr, "usage: bench_campaign [runs] [nights] [threads ...]\n");
        return 2;
    }
    gr_error err = {0, ""};
    gr_campaign_scenario *s = NULL;
    double t0 = gr_time_s();
    if (gr_campaign_scenario_read(NULL, &s, &err)) {
        fprintf(stderr, "bench_campaign: %s\n", err.msg);
        return 1;
    }
    printf("default scenario: %d buses, %d assets, read + asset ranking %.2f s\n", s->grid->nb,
           s->assets.n, gr_time_s() - t0);
    const char *pl = getenv("BENCH_CAMPAIGN_PLAIN");
    if ((!pl || strcmp(pl, "0") != 0) && fast_vs_plain(s, runs < 3 ? runs : 3, nights))
        return 1;
    printf("campaign: %d nights x %d runs, DC cascade (control shed), DC shedding LP\n", nights,
           runs);
    gr_campaign_result *ref = NULL;
    double base_wall = NAN;
    for (int k = 0; k < nt; k++) {
        gr_campaign_options o;
        gr_campaign_options_default(&o);
        o.runs = runs;
        o.nights = nights;
        o.threads = threads[k];
        o.keep_events = 0;
        gr_campaign_result *r = NULL;
        double c0 = cpu_s();
        if (gr_campaign_run(s, &o, &r, &err)) {
            fprintf(stderr, "bench_campaign: %s\n", err.msg);
            return 1;
        }
        double cpu = cpu_s() - c0;
        if (k == 0)
            base_wall = r->wall_s;
        int same = 1;
        if (ref) {
            size_t nh = (size_t)runs * nights * 24 * GR_HOUR_NFIELD;
            same = memcmp(ref->hourly, r->hourly, nh * sizeof(double)) == 0 &&
                   memcmp(ref->total, r->total, (size_t)runs * sizeof *r->total) == 0;
        }
        printf("threads %d: wall %.1f s, cpu %.1f s, median %.3f s per run (p95 %.3f), "
               "%.0f LPs per run, speed-up %.2f%s\n",
               r->threads, r->wall_s, cpu, pct(r->run_s, runs, 50), pct(r->run_s, runs, 95),
               (double)r->lp_solves / runs, base_wall / r->wall_s,
               ref ? (same ? ", results identical" : ", RESULTS DIFFER") : "");
        if (!ref) {
            ref = r;
        } else {
            gr_campaign_result_free(r);
            if (!same)
                return 1;
        }
    }
    /* medians (and p5-p95) of the main outputs over the runs */
    double *x = malloc((size_t)runs * sizeof *x);
#define MED(label, expr, scale, unit)                                                      \
    for (int i = 0; i < runs; i++) {                                                       \
        const gr_campaign_total *t = &ref->total[i];                                       \
        x[i] = (expr) * (scale);                                                           \
    }                                                                                      \
    printf("  %-38s median %10.2f  [p5 %.2f, p95 %.2f] %s\n", label, pct(x, runs, 50),    \
           pct(x, runs, 5), pct(x, runs, 95), unit);
    printf("outputs over %d runs:\n", runs);
    MED("energy not served", t->ens_mwh, 1e-3, "GWh")
    MED("people without power, peak", t->people_without_power_max, 1e-6, "M")
    MED("people without power, average", t->people_without_power_mean, 1e-6, "M")
    MED("hours without power/day, worst week", t->worst_week_hours_per_day, 1, "h")
    MED("people without heat, peak", t->people_without_heat_max, 1e-6, "M")
    MED("drones downed", (double)(t->outcome[0][0] + t->outcome[0][1]) / t->launched[0], 100,
        "%")
    MED("cruise missiles downed",
        t->launched[1] ? (double)(t->outcome[1][0] + t->outcome[1][1]) / t->launched[1] : NAN,
        100, "%")
    MED("ballistic missiles downed",
        t->launched[2] ? (double)(t->outcome[2][0] + t->outcome[2][1]) / t->launched[2] : NAN,
        100, "%")
    MED("elements damaged", (double)t->damaged, 1, "")
    MED("level served at the end", t->final_level, 100, "%")
#undef MED
    free(x);
    gr_campaign_result_free(ref);
    gr_campaign_scenario_free(s);
    return 0;
}
