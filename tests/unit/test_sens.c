/* test_sens.c — PTDF and LODF against finite differences of the DC power flow, bridges against islands. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static double worst_ptdf, worst_lodf;

static gr_grid *load_grid(const char *name)
{
    char rel[512], path[4096];
    snprintf(rel, sizeof rel, "cases/matpower/%s.m", name);
    TU_NEED_SHARED(rel, path, sizeof path);
    gr_case *c = NULL;
    gr_grid *g = NULL;
    gr_error err = {0};
    if (gr_case_read(path, &c, &err) || gr_grid_from_case(c, &g, &err))
        fail_msg("%s: %s", name, err.msg);
    gr_case_free(c);
    return g;
}

/* PTDF column of bus b = flow change per pu injected at b (the island's
 * reference takes it): a DC solve with the load at b lowered by delta. */
static void check_ptdf(const char *name, int bus_stride)
{
    gr_grid *g = load_grid(name);
    gr_sens *s = NULL;
    gr_error err = {0};
    assert_int_equal(gr_sens_create(g, &s, &err), GR_OK);
    int nl = g->nl, nb = g->nb;
    int *mon = malloc((size_t)nl * sizeof *mon);
    for (int k = 0; k < nl; k++)
        mon[k] = k;
    double *ptdf = malloc((size_t)nl * nb * sizeof *ptdf);
    assert_int_equal(gr_sens_ptdf(s, nl, mon, ptdf), GR_OK);
    gr_pf_result *base = NULL;
    assert_int_equal(gr_pf_dc(g, &base, NULL), GR_OK);
    gr_grid *gc = NULL;
    assert_int_equal(gr_grid_copy(g, &gc), GR_OK);
    const double delta = 0.37;
    for (int b = 0; b < nb; b += bus_stride) {
        gc->pd[b] = g->pd[b] - delta;
        gr_pf_result *r = NULL;
        assert_int_equal(gr_pf_dc(gc, &r, NULL), GR_OK);
        gc->pd[b] = g->pd[b];
        for (int k = 0; k < nl; k++) {
            double fd = (r->pf[k] - base->pf[k]) / delta, d = fabs(ptdf[(size_t)k * nb + b] - fd);
            if (d > worst_ptdf)
                worst_ptdf = d;
            if (d > 1e-9)
                fail_msg("%s PTDF(branch %d, bus %d) = %.12g, finite difference %.12g", name, k + 1,
                         g->bus_id[b], ptdf[(size_t)k * nb + b], fd);
        }
        gr_pf_result_free(r);
    }
    gr_pf_result_free(base);
    gr_grid_free(gc);
    free(ptdf);
    free(mon);
    gr_sens_free(s);
    gr_grid_free(g);
}

/* LODF column of branch k = (post-outage - base flows) / base flow of k;
 * bridges (NaN) exactly where the outage adds an island. */
static void check_lodf(const char *name, int out_stride)
{
    gr_grid *g = load_grid(name);
    gr_sens *s = NULL;
    assert_int_equal(gr_sens_create(g, &s, NULL), GR_OK);
    int nl = g->nl, nout = 0;
    int *mon = malloc((size_t)nl * sizeof *mon), *out = malloc((size_t)nl * sizeof *out);
    for (int k = 0; k < nl; k++)
        mon[k] = k;
    for (int k = 0; k < nl; k += out_stride)
        out[nout++] = k;
    double *lodf = malloc((size_t)nl * nout * sizeof *lodf);
    assert_int_equal(gr_sens_lodf(s, nl, mon, nout, out, lodf), GR_OK);
    gr_pf_result *base = NULL;
    assert_int_equal(gr_pf_dc(g, &base, NULL), GR_OK);
    gr_islands *isl0 = NULL;
    assert_int_equal(gr_islands_find(g, 0, &isl0, NULL), GR_OK);
    gr_grid *gc = NULL;
    assert_int_equal(gr_grid_copy(g, &gc), GR_OK);
    int n_bridges = 0;
    for (int j = 0; j < nout; j++) {
        int k = out[j];
        if (!g->br_on[k])
            continue;
        gc->br_on[k] = 0;
        gr_islands *isl = NULL;
        assert_int_equal(gr_islands_find(gc, 0, &isl, NULL), GR_OK);
        int bridge = isl->n > isl0->n;
        gr_islands_free(isl);
        assert_int_equal(gr_sens_is_bridge(s, k), bridge);
        if (bridge) {
            n_bridges++;
            assert_true(isnan(lodf[(size_t)k * nout + j]));
            gc->br_on[k] = 1;
            continue;
        }
        assert_near(lodf[(size_t)k * nout + j], -1.0, 0, 0);
        gr_pf_result *r = NULL;
        assert_int_equal(gr_pf_dc(gc, &r, NULL), GR_OK);
        gc->br_on[k] = 1;
        double fk = base->pf[k];
        if (fabs(fk) > 1e-3)
            for (int l = 0; l < nl; l++) {
                if (l == k)
                    continue;
                double fd = (r->pf[l] - base->pf[l]) / fk;
                double d = fabs(lodf[(size_t)l * nout + j] - fd);
                if (d > worst_lodf)
                    worst_lodf = d;
                if (d > 1e-8 * (1.0 + 1.0 / fabs(fk)))
                    fail_msg("%s LODF(%d, %d) = %.12g, finite difference %.12g", name, l + 1, k + 1,
                             lodf[(size_t)l * nout + j], fd);
            }
        gr_pf_result_free(r);
    }
    if (strcmp(name, "case30") == 0)
        assert_true(n_bridges > 0);
    gr_islands_free(isl0);
    gr_pf_result_free(base);
    gr_grid_free(gc);
    free(lodf);
    free(mon);
    free(out);
    gr_sens_free(s);
    gr_grid_free(g);
}

static void test_ptdf(void **state)
{
    (void)state;
    check_ptdf("case9", 1);
    check_ptdf("case30", 1);
    check_ptdf("case118", 3);
    check_ptdf("case300", 11);   /* phase shifters, several reference candidates */
}

static void test_lodf(void **state)
{
    (void)state;
    check_lodf("case9", 1);
    check_lodf("case30", 1);
    check_lodf("case118", 2);
    check_lodf("case300", 7);
}

/* A block boundary falls inside the monitored set: rows must not depend on it. */
static void test_blocks(void **state)
{
    (void)state;
    gr_grid *g = load_grid("case118");
    gr_sens *s = NULL;
    assert_int_equal(gr_sens_create(g, &s, NULL), GR_OK);
    int mon[40], one[1] = {77};
    for (int k = 0; k < 40; k++)
        mon[k] = (k * 37) % g->nl;
    mon[35] = 77;
    double *a = malloc(40 * (size_t)g->nb * sizeof *a), *b = malloc((size_t)g->nb * sizeof *b);
    assert_int_equal(gr_sens_ptdf(s, 40, mon, a), GR_OK);
    assert_int_equal(gr_sens_ptdf(s, 1, one, b), GR_OK);
    for (int j = 0; j < g->nb; j++)
        assert_near(a[35 * (size_t)g->nb + j], b[j], 1e-15, 1e-13);
    int bad[1] = {g->nl};
    assert_int_equal(gr_sens_ptdf(s, 1, bad, b), GR_EINVAL);
    free(a);
    free(b);
    gr_sens_free(s);
    gr_grid_free(g);
}

static int print_summary(void **state)
{
    (void)state;
    print_message("worst difference to finite differences: PTDF %.3g, LODF %.3g\n", worst_ptdf,
                  worst_lodf);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ptdf),
        cmocka_unit_test(test_lodf),
        cmocka_unit_test(test_blocks),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, print_summary));
}
