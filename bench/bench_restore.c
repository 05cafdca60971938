/* bench_restore.c — restoration planning on the default synthetic grid: 50 damaged elements and 6 crews, time and ENS per method; gaps of greedy and RAD to the MIP on small instances.
 *
 * usage: bench_restore [--quick] [--elements N] [--crews K] [--rad-iters N] [--no-gap]
 *                      [--no-reference] [--method greedy|rad]
 * Greedy and RAD run twice each: the reference (every state solved by LP, as
 * before issue 15; --no-reference skips it) and the default with bounds; the
 * speed-up printed is the ratio of the two times in the same run.
 * The damage is drawn with a fixed seed from the high-voltage part of the grid
 * (substations >= 330 kV, transformers, backbone and 110 kV lines, generating
 * units), so every run plans the same instance. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"

typedef struct pick {
    int kind, index;
} pick;

static int picked(const pick *p, int n, int kind, int index)
{
    for (int i = 0; i < n; i++)
        if (p[i].kind == kind && p[i].index == index)
            return 1;
    return 0;
}

/* Draw `want` distinct elements satisfying `ok`; with `weight`, element i is
 * accepted with probability weight(i) / max weight (a planner's worst case:
 * the big loads and units are hit more often). */
static int draw(const gr_grid *g, gr_rng *rng, int kind, int want, pick *p, int n,
                int (*ok)(const gr_grid *, int), const double *weight)
{
    int lim = kind == GR_ELEM_BUS ? g->nb : kind == GR_ELEM_GEN ? g->ng : g->nl;
    double wmax = 0;
    for (int i = 0; weight && i < lim; i++)
        wmax = weight[i] > wmax ? weight[i] : wmax;
    for (int tries = 0; want > 0 && tries < 10000000; tries++) {
        int i = (int)(gr_rng_next(rng) % (uint64_t)lim);
        if (!ok(g, i) || picked(p, n, kind, i))
            continue;
        if (weight && gr_rng_uniform(rng) * wmax > weight[i])
            continue;
        p[n].kind = kind;
        p[n++].index = i;
        want--;
    }
    return n;
}

static double kv_max(const gr_grid *g, int k)
{
    double a = g->base_kv[g->br_f[k]], b = g->base_kv[g->br_t[k]];
    return a > b ? a : b;
}
static int ok_sub(const gr_grid *g, int b) { return g->base_kv[b] >= 330; }
static int ok_load_sub(const gr_grid *g, int b) { return g->base_kv[b] < 330 && g->pd[b] > 0; }
static int ok_tr(const gr_grid *g, int k)
{
    return g->br_on[k] && gr_damage_classify(g, GR_ELEM_BRANCH, k) == GR_DMG_TRANSFORMER;
}
static int ok_hv_line(const gr_grid *g, int k)
{
    return g->br_on[k] && gr_damage_classify(g, GR_ELEM_BRANCH, k) == GR_DMG_LINE &&
           kv_max(g, k) >= 330;
}
static int ok_line(const gr_grid *g, int k)
{
    return g->br_on[k] && gr_damage_classify(g, GR_ELEM_BRANCH, k) == GR_DMG_LINE &&
           kv_max(g, k) < 330;
}
static int ok_gen(const gr_grid *g, int k) { return g->gen_on[k] && g->pmax[k] > 0; }

/* A damage set of n elements: ~16 % substations (half 750/330 kV, half 110 kV
 * ones drawn by their load), 24 % transformers (those
 * with a 750 kV side need an "AT-750/330" unit: 2 in stock, 12 months lead;
 * the others an "AT-330/110": 3 in stock, 6 months), 50 % lines (60 % of
 * them 330/750 kV), 10 % units (drawn by capacity). Repair hours: the class
 * defaults. */
static gr_damage *make_damage(const gr_grid *g, int n, uint64_t seed)
{
    pick *p = calloc((size_t)n + 1, sizeof *p);
    gr_rng rng;
    gr_rng_seed(&rng, seed);
    int ns = (int)lround(0.16 * n), nt = (int)lround(0.24 * n), ngn = (int)lround(0.10 * n);
    if (ns + nt + ngn > n)
        ngn = n - ns - nt;
    int nlines = n - ns - nt - ngn, nhv = (int)lround(0.6 * nlines);
    int k = 0;
    k = draw(g, &rng, GR_ELEM_BUS, ns / 2, p, k, ok_sub, NULL);
    k = draw(g, &rng, GR_ELEM_BUS, ns - ns / 2, p, k, ok_load_sub, g->pd);
    k = draw(g, &rng, GR_ELEM_BRANCH, nt, p, k, ok_tr, NULL);
    k = draw(g, &rng, GR_ELEM_BRANCH, nhv, p, k, ok_hv_line, NULL);
    k = draw(g, &rng, GR_ELEM_BRANCH, nlines - nhv, p, k, ok_line, NULL);
    k = draw(g, &rng, GR_ELEM_GEN, n - k, p, k, ok_gen, g->pmax);
    gr_damage *d = NULL;
    if (gr_damage_alloc(k, 2, &d)) {
        free(p);
        return NULL;
    }
    const char *names[2] = {"AT-750/330", "AT-330/110"};
    for (int s = 0; s < 2; s++) {
        d->spare[s].name = gr_malloc(strlen(names[s]) + 1);
        strcpy(d->spare[s].name, names[s]);
    }
    d->spare[0].stock = 2;
    d->spare[0].lead_h = 8760;
    d->spare[1].stock = 3;
    d->spare[1].lead_h = 4380;
    for (int i = 0; i < k; i++) {
        gr_damage_elem *e = &d->elem[i];
        e->kind = p[i].kind;
        e->index = p[i].index;
        e->cls = gr_damage_classify(g, e->kind, e->index);
        if (e->cls == GR_DMG_TRANSFORMER) {
            e->spare = kv_max(g, e->index) >= 750 ? 0 : 1;
            e->spare_count = 1;
        }
    }
    free(p);
    return d;
}

static gr_restore_result *run(const gr_grid *g, const gr_overlay *ov, const gr_damage *d,
                              const gr_restore_options *o)
{
    gr_restore_result *r = NULL;
    gr_error err = {0};
    if (gr_restore_plan(g, ov, d, o, &r, &err)) {
        fprintf(stderr, "bench_restore: %s\n", err.msg);
        exit(1);
    }
    return r;
}

int main(int argc, char **argv)
{
    gr_heap_keep(); /* as the gridres program */
    int n = 50, crews = 6, rad_iters = 0, gap = 1, quick = 0, no_ref = 0;
    int m_first = GR_RESTORE_GREEDY, m_last = GR_RESTORE_RAD;
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--quick"))
            quick = 1;
        else if (!strcmp(argv[a], "--no-gap"))
            gap = 0;
        else if (!strcmp(argv[a], "--no-reference"))
            no_ref = 1;
        else if (!strcmp(argv[a], "--method") && a + 1 < argc && !strcmp(argv[a + 1], "rad"))
            m_first = GR_RESTORE_RAD, a++;
        else if (!strcmp(argv[a], "--method") && a + 1 < argc && !strcmp(argv[a + 1], "greedy"))
            m_last = GR_RESTORE_GREEDY, a++;
        else if (!strcmp(argv[a], "--elements") && a + 1 < argc)
            n = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--crews") && a + 1 < argc)
            crews = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--rad-iters") && a + 1 < argc)
            rad_iters = atoi(argv[++a]);
        else {
            fprintf(stderr, "usage: bench_restore [--quick] [--elements N] [--crews K] "
                            "[--rad-iters N] [--no-gap] [--no-reference] "
                            "[--method greedy|rad]\n");
            return 2;
        }
    }
    if (quick) {
        n = 20;
        rad_iters = rad_iters ? rad_iters : 20;
    }
    gr_synth_options so;
    gr_synth_options_default(&so);
    gr_case *c = NULL;
    gr_overlay *ov = NULL;
    gr_grid *g = NULL;
    gr_error err = {0};
    double t0 = gr_time_s();
    if (gr_synth(&so, &c, &ov, &err) || gr_grid_from_case(c, &g, &err)) {
        fprintf(stderr, "bench_restore: %s\n", err.msg);
        return 1;
    }
    printf("grid: default synthetic (%d buses, %d branches, %d units), built in %.2f s\n", g->nb,
           g->nl, g->ng, gr_time_s() - t0);
    gr_damage *d = make_damage(g, n, 2026);
    int cnt[GR_DMG_NCLASS] = {0};
    for (int i = 0; i < d->n; i++)
        cnt[d->elem[i].cls]++;
    printf("damage: %d elements (%d lines, %d transformers, %d units, %d substations), %d crews\n"
           "        spares AT-750/330: 2 in stock, lead 8760 h; AT-330/110: 3, lead 4380 h\n\n",
           d->n, cnt[GR_DMG_LINE], cnt[GR_DMG_TRANSFORMER], cnt[GR_DMG_GEN], cnt[GR_DMG_BUS],
           crews);

    /* Each heuristic twice in this run: the reference (opt.exhaustive = 1:
       every candidate state and trial order solved by LP, the algorithm
       before issue 15) and the default with the served-load bounds. The
       ratio is between the two, measured here, on this machine. */
    printf("%-7s %-9s %9s %9s %14s %12s %8s %8s %7s\n", "method", "variant", "time_s", "lp_s",
           "ens_weighted", "restored_h", "lp", "bounds", "hits");
    double obj_g = 0;
    int same = 1;
    for (int m = m_first; m <= m_last; m++) {
        double t[2] = {0, 0}, obj[2] = {0, 0};
        for (int ex = 1; ex >= 0; ex--) {
            if (ex && no_ref)
                continue;
            gr_restore_options o;
            gr_restore_options_default(&o);
            o.method = m;
            o.crews = crews;
            o.rad_iters = rad_iters;
            o.exhaustive = ex;
            gr_restore_result *r = run(g, ov, d, &o);
            t[ex] = r->wall_s;
            obj[ex] = r->objective;
            printf("%-7s %-9s %9.2f %9.2f %14.8g %12.1f %8d %8d %7d", gr_restore_method_name(m),
                   ex ? "reference" : "bounded", r->wall_s, r->lp_s, r->ens_weighted, r->end_h,
                   r->lp_solves, r->bound_checks, r->cache_hits);
            if (m == GR_RESTORE_GREEDY && ex == 0)
                obj_g = r->objective;
            if (m == GR_RESTORE_RAD && ex == 0)
                printf("   (%.2f %% below greedy)",
                       obj_g > 0 ? 100.0 * (obj_g - r->objective) / obj_g : 0.0);
            printf("\n");
            gr_restore_result_free(r);
        }
        if (!no_ref) {
            int eq = fabs(obj[0] - obj[1]) <= 1e-9 * fabs(obj[1]) + 1e-9;
            same &= obj[0] <= obj[1] * (1 + 1e-9) + 1e-9;
            printf("%-7s speed-up %.1fx over the reference in this run; objective %s "
                   "(%.10g vs %.10g)\n",
                   gr_restore_method_name(m), t[0] > 0 ? t[1] / t[0] : 0.0,
                   eq ? "identical" : obj[0] < obj[1] ? "better" : "WORSE", obj[0], obj[1]);
        }
    }
    printf("%-7s %9s   (n/a: %d elements, the MIP takes at most 10)\n", "mip", "-", d->n);
    if (!same)
        printf("WARNING: a bounded plan is worse than the reference\n");
    gr_damage_free(d);

    if (gap) {
        printf("\ngaps to the MIP (weighted ENS to full restoration; small instances of the same "
               "grid,\n4-64 h of work per element)\n");
        printf("%-4s %3s %5s %14s %14s %14s %14s %8s %8s %8s %s\n", "inst", "n", "crews", "greedy",
               "rad", "mip", "mip_bound", "gap_g%", "gap_r%", "mip_s", "status");
        int ninst = quick ? 3 : 8;
        double worst_r = 0, sum_g = 0, sum_r = 0;
        int nopt = 0;
        for (int inst = 0; inst < ninst; inst++) {
            int ne = 5 + inst % 4, nc = 1 + inst % 3;
            gr_damage *ds = make_damage(g, ne, 7000 + (uint64_t)inst);
            /* hours to days of work each, so that order and crews matter (with the
               class defaults long lead times and weeks of work dominate) */
            gr_rng hr;
            gr_rng_seed(&hr, 9000 + (uint64_t)inst);
            for (int i = 0; i < ds->n; i++)
                ds->elem[i].repair_h = 4.0 + (double)(gr_rng_next(&hr) % 61);
            double obj[3] = {0, 0, 0}, mip_s = 0;
            gr_restore_result *rm = NULL;
            for (int m = GR_RESTORE_GREEDY; m <= GR_RESTORE_MIP; m++) {
                gr_restore_options o;
                gr_restore_options_default(&o);
                o.method = m;
                o.crews = nc;
                o.mip_time_s = 120;
                gr_restore_result *r = run(g, ov, ds, &o);
                obj[m] = r->objective;
                if (m == GR_RESTORE_MIP) {
                    rm = r;
                    mip_s = r->wall_s;
                } else {
                    gr_restore_result_free(r);
                }
            }
            double gg = obj[2] > 0 ? 100.0 * (obj[0] - obj[2]) / obj[2] : 0.0;
            double grr = obj[2] > 0 ? 100.0 * (obj[1] - obj[2]) / obj[2] : 0.0;
            printf("%-4d %3d %5d %14.6g %14.6g %14.6g %14.6g %8.3f %8.3f %8.2f %s\n", inst, ne, nc,
                   obj[0], obj[1], obj[2], rm->mip_bound, gg, grr, mip_s,
                   rm->mip_optimal ? "optimal" : "time limit");
            if (rm->mip_optimal) {
                nopt++;
                sum_g += gg;
                sum_r += grr;
                worst_r = grr > worst_r ? grr : worst_r;
            }
            gr_restore_result_free(rm);
            gr_damage_free(ds);
        }
        if (nopt)
            printf("proven optimal on %d of %d: mean gap greedy %.3f %%, RAD %.3f %% (worst %.3f "
                   "%%; target <= 2 %%)\n",
                   nopt, ninst, sum_g / nopt, sum_r / nopt, worst_r);
    }
    gr_grid_free(g);
    gr_case_free(c);
    gr_overlay_free(ov);
    return 0;
}
