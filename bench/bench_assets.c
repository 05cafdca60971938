/* bench_assets.c — the campaign asset table's worst-case ranking (loss_mw of every asset lost whole at peak, campaign_rank.c): the fast path (knapsack screen, LP by constraint generation, full LP) against the plain path (gr_shed_solve per transmission substation and plant, as before) in the same process: wall time of each, ratio, and how far the values and the ranking agree.
 *
 * Usage: bench_assets [CASE.m|synth ...] (default: synth, then
 * pglib_opf_case1888_rte and case2383wp from the shared cases). "synth" is
 * the built-in default scenario (2000-bus synthetic region); a case runs the
 * built-in campaign on it with its overlay built on the fly, as `gridres
 * campaign CASE`. BENCH_ASSETS_PLAIN=0 skips the plain path; BENCH_ASSETS_DUMP=FILE
 * writes every asset's loss_mw of the fast path (%.17g) there, to compare two builds;
 * BENCH_ASSETS_FRESH=1 also times the fast path without the plants' reuse of B and
 * the zero-loss test (CAMP_RANK_FRESH) and counts the bit-identical values. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"
#include "sim/campaign_internal.h"

static gr_campaign_scenario *read_case(const char *path, gr_error *err)
{
    gr_campaign_scenario *s = NULL;
    if (strcmp(path, "synth") == 0)
        return gr_campaign_scenario_read(NULL, &s, err) ? NULL : s;
    /* the built-in scenario with "grid" instead of "synth" (cli_case_scenario_read) */
    const char *def = gr_campaign_default_json();
    const char *syn = strstr(def, "\"synth\"");
    if (!syn)
        return NULL;
    const char *end = strchr(syn, '}'); /* the synth block holds no nested object */
    if (!end)
        return NULL;
    size_t n = strlen(def) + strlen(path) + 64;
    char *text = malloc(n);
    if (!text)
        return NULL;
    snprintf(text, n, "%.*s\"grid\": \"%s\"%s", (int)(syn - def), def, path, end + 1);
    /* the default ties name assets of the synthetic region: drop the
       "interconnection" object (cli_case_scenario_read does the same) */
    char *ic = strstr(text, "\"interconnection\"");
    char *o = ic ? strchr(ic, '{') : NULL;
    if (o) {
        int depth = 0;
        char *e = o;
        do
            depth += *e == '{' ? 1 : *e == '}' ? -1 : 0;
        while (*++e && depth > 0);
        while (*e == ',' || *e == ' ' || *e == '\n')
            e++;
        memmove(ic, e, strlen(e) + 1);
    }
    int st = gr_campaign_scenario_parse(text, strlen(text), path, NULL, &s, err);
    free(text);
    return st ? NULL : s;
}

static int cmp_rank(const double *loss, const double *cap, int a, int b)
{
    if (loss[a] != loss[b])
        return loss[a] > loss[b] ? -1 : 1;
    if (cap[a] != cap[b])
        return cap[a] > cap[b] ? -1 : 1;
    return (a > b) - (a < b);
}

static const double *g_loss, *g_cap;
static int cmp_q(const void *x, const void *y)
{
    return cmp_rank(g_loss, g_cap, *(const int *)x, *(const int *)y);
}

static void rank_of(const double *loss, const double *cap, int n, int *order)
{
    for (int i = 0; i < n; i++)
        order[i] = i;
    g_loss = loss;
    g_cap = cap;
    qsort(order, (size_t)n, sizeof(int), cmp_q);
}

static int bench_one(const char *path, int plain_too)
{
    gr_error err = {0, ""};
    double t0 = gr_time_s();
    gr_campaign_scenario *s = read_case(path, &err);
    if (!s) {
        fprintf(stderr, "bench_assets: %s: %s\n", path, err.msg);
        return 1;
    }
    double t_read = gr_time_s() - t0;
    gr_campaign_assets *a = &s->assets;
    int n = a->n, nlp = 0;
    for (int i = 0; i < n; i++)
        nlp += !(a->switchyard[i] < 0 && a->cls[i] < GR_ASSET_PLANT);
    camp_adj adj;
    double *fast = malloc(((size_t)n + 1) * sizeof(double));
    double *plain = malloc(((size_t)n + 1) * sizeof(double));
    int *of = malloc(((size_t)n + 1) * sizeof(int)), *op = malloc(((size_t)n + 1) * sizeof(int));
    if (!fast || !plain || !of || !op || camp_adj_build(s->grid, &adj)) {
        fprintf(stderr, "bench_assets: out of memory\n");
        return 1;
    }
    camp_rank_stats sf, sp;
    t0 = gr_time_s();
    if (camp_assets_loss(s, &adj, 0, &sf, &err)) {
        fprintf(stderr, "bench_assets: %s: fast: %s\n", path, err.msg);
        return 1;
    }
    double t_fast = gr_time_s() - t0;
    memcpy(fast, a->loss_mw, (size_t)n * sizeof(double));
    const char *dump = getenv("BENCH_ASSETS_DUMP"); /* every loss_mw, %.17g, to compare builds */
    FILE *df = dump ? fopen(dump, "w") : NULL;
    for (int i = 0; df && i < n; i++)
        fprintf(df, "%d %.17g\n", i, fast[i]);
    if (df)
        fclose(df);
    printf("%s: %d buses, %d assets (%d by shedding), scenario read in %.1f s\n", path,
           s->grid->nb, n, nlp, t_read);
    printf("  fast   %8.2f s  (%d screened, %d LPs, %ld iterations; %d plants on the kept B, "
           "%d decided by the zero-loss test)\n",
           t_fast, sf.screened, sf.lp, sf.lp_iterations, sf.reused, sf.warm);
    const char *fe = getenv("BENCH_ASSETS_FRESH");
    if (fe && strcmp(fe, "1") == 0) { /* the fast path before the reuse and the test */
        camp_rank_stats sr;
        t0 = gr_time_s();
        if (camp_assets_loss(s, &adj, CAMP_RANK_FRESH, &sr, &err)) {
            fprintf(stderr, "bench_assets: %s: fresh: %s\n", path, err.msg);
            return 1;
        }
        double t_fresh = gr_time_s() - t0;
        int same = 0;
        for (int i = 0; i < n; i++)
            same += a->loss_mw[i] == fast[i];
        printf("  fresh  %8.2f s  (%d screened, %d LPs, %ld iterations); fresh / fast = %.2f; "
               "loss_mw bit-identical for %d of %d assets\n",
               t_fresh, sr.screened, sr.lp, sr.lp_iterations,
               t_fresh / (t_fast > 0 ? t_fast : 1e-9), same, n);
        memcpy(a->loss_mw, fast, (size_t)n * sizeof(double));
    }
    if (plain_too) {
        t0 = gr_time_s();
        if (camp_assets_loss(s, &adj, 1, &sp, &err)) {
            fprintf(stderr, "bench_assets: %s: plain: %s\n", path, err.msg);
            return 1;
        }
        double t_plain = gr_time_s() - t0;
        memcpy(plain, a->loss_mw, (size_t)n * sizeof(double));
        double maxd = 0.0;
        int same = 0;
        for (int i = 0; i < n; i++) {
            maxd = fmax(maxd, fabs(fast[i] - plain[i]));
            same += fast[i] == plain[i];
        }
        rank_of(fast, a->capacity_mw, n, of);
        rank_of(plain, a->capacity_mw, n, op);
        int first_diff = -1;
        for (int i = 0; i < n && first_diff < 0; i++)
            if (of[i] != op[i])
                first_diff = i;
        printf("  plain  %8.2f s  (%d screened, %d LPs, %ld iterations)\n", t_plain,
               sp.screened, sp.lp, sp.lp_iterations);
        printf("  ratio  plain / fast = %.1f; loss_mw identical for %d of %d assets, max "
               "|difference| %.3g MW; ranking %s",
               t_plain / (t_fast > 0 ? t_fast : 1e-9), same, n, maxd,
               first_diff < 0 ? "identical\n" : "differs from place ");
        if (first_diff >= 0)
            printf("%d\n", first_diff + 1);
    }
    camp_adj_free(&adj);
    free(fast);
    free(plain);
    free(of);
    free(op);
    gr_campaign_scenario_free(s);
    return 0;
}

int main(int argc, char **argv)
{
    gr_heap_keep(); /* as the gridres program */
    const char *env = getenv("BENCH_ASSETS_PLAIN");
    int plain_too = !(env && strcmp(env, "0") == 0);
    setvbuf(stdout, NULL, _IOLBF, 0); /* each line as it comes: the plain path takes minutes */
    static const char *const def[] = {"synth",
                                      GRIDRES_SHARED_DIR "/cases/pglib/pglib_opf_case1888_rte.m",
                                      GRIDRES_SHARED_DIR "/cases/matpower/case2383wp.m"};
    int rc = 0;
    if (argc > 1)
        for (int i = 1; i < argc; i++)
            rc |= bench_one(argv[i], plain_too);
    else
        for (size_t i = 0; i < sizeof def / sizeof def[0]; i++)
            rc |= bench_one(def[i], plain_too);
    return rc;
}
