/* test_schedule.c — rotating outage schedules: equal dark time, deficit met every block, critical never dark, network limits respected (independent LP check per block). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static gr_case *mk_case(int nb, int ng, int nl)
{
    gr_case *c = NULL;
    assert_int_equal(gr_case_alloc(nb, ng, nl, &c), GR_OK);
    c->base_mva = 100;
    for (int b = 0; b < nb; b++) {
        c->bus.bus_i[b] = b + 1;
        c->bus.type[b] = b == 0 ? GR_BUS_REF : GR_BUS_PQ;
        c->bus.vm_pu[b] = 1.0;
        c->bus.base_kv[b] = 110;
        c->bus.vmax_pu[b] = 1.1;
        c->bus.vmin_pu[b] = 0.9;
    }
    for (int k = 0; k < ng; k++) {
        c->gen.bus[k] = 1;
        c->gen.vg_pu[k] = 1.0;
        c->gen.pmax_mw[k] = 1000;
        c->gen.status[k] = 1;
    }
    for (int k = 0; k < nl; k++) {
        c->branch.x_pu[k] = 0.1;
        c->branch.status[k] = 1;
    }
    return c;
}

static gr_grid *to_grid(const gr_case *c)
{
    gr_grid *g = NULL;
    gr_error err = {0};
    if (gr_grid_from_case(c, &g, &err))
        fail_msg("gr_grid_from_case: %s", err.msg);
    return g;
}

/* Triangle: gen at 1, 100 MW at buses 2 and 3, line 1-3 limited to 50 MW
 * (its flow is (s2 + 2 s3) / 3). */
static gr_grid *triangle(void)
{
    gr_case *c = mk_case(3, 1, 3);
    c->bus.pd_mw[1] = 100;
    c->bus.pd_mw[2] = 100;
    int f[3] = {1, 1, 2}, t[3] = {2, 3, 3};
    for (int k = 0; k < 3; k++) {
        c->branch.f_bus[k] = f[k];
        c->branch.t_bus[k] = t[k];
    }
    c->branch.rate_a_mva[1] = 50;
    gr_grid *g = to_grid(c);
    gr_case_free(c);
    return g;
}

/* The properties every schedule must have. */
static void check_common(const gr_grid *g, const gr_load_classes *lc, const gr_schedule *s)
{
    int Q = s->queues, T = s->blocks;
    int mn = T + 1, mx = -1;
    for (int q = 0; q < Q; q++) {
        int n = 0;
        for (int t = 0; t < T; t++)
            n += s->dark[(size_t)q * T + t];
        assert_int_equal(n, s->dark_blocks[q]);
        mn = n < mn ? n : mn;
        mx = n > mx ? n : mx;
    }
    if (mx - mn > 1)
        fail_msg("dark blocks per queue range over %d .. %d (more than one block apart)", mn, mx);
    /* deficit met, exactly k queues dark each block */
    for (int t = 0; t < T; t++) {
        int n = 0;
        for (int q = 0; q < Q; q++)
            n += s->dark[(size_t)q * T + t];
        assert_int_equal(n, s->k);
        assert_near(s->dark_mw[t], n * s->queue_mw, 1e-9, 1e-12);
        if (s->dark_mw[t] < s->deficit_mw - 1e-6 * (1 + s->deficit_mw))
            fail_msg("block %d: %.6f MW dark < deficit %.6f MW", t, s->dark_mw[t], s->deficit_mw);
    }
    /* k is minimal for a given deficit (without the LP check) */
    if (!s->extra_shed_mw && s->k > 0)
        assert_true((s->k - 1) * s->queue_mw < s->deficit_mw);
    /* critical never dark: queues hold exactly residential + other */
    double crit = 0, rest = 0;
    gr_islands *isl = NULL;
    assert_int_equal(gr_islands_find(g, 0, &isl, NULL), GR_OK);
    int n_area = 0;
    for (int b = 0; b < g->nb; b++) {
        int i = isl->bus_island[b], live = i >= 0 && isl->ref[i] >= 0;
        if (s->in_area[b] && !live)
            fail_msg("bus %d of a dark island is in the queues", g->bus_id[b]);
        n_area += s->in_area[b];
        if (g->pd[b] <= 0 || !live)
            continue;
        const double *sh = lc ? lc->share + b * GR_LOAD_NCLASS : NULL;
        double sc = sh ? sh[0] : 0.05;
        crit += g->pd[b] * sc * g->base_mva;
        if (s->in_area[b])
            rest += g->pd[b] * (1 - sc) * g->base_mva;
    }
    gr_islands_free(isl);
    assert_int_equal(n_area, s->n_area);
    assert_near(s->queue_mw * Q, rest, 1e-6, 1e-9);
    assert_near(s->critical_mw, crit, 1e-6, 1e-9);
}

static void test_rotation_properties(void **state)
{
    (void)state;
    gr_grid *g = triangle();
    gr_error err = {0};
    /* every (Q, deficit, block length) combination on a small grid */
    int blocks[3] = {30, 60, 45};
    for (int Q = 1; Q <= 12; Q++)
        for (int d = 0; d <= 20; d++)
            for (int bm = 0; bm < 3; bm++) {
                gr_schedule_options opt;
                gr_schedule_options_default(&opt);
                opt.queues = Q;
                opt.block_min = blocks[bm];
                opt.hours = 24;
                opt.deficit_mw = 190.0 * d / 20.0; /* 0 .. all non-critical load */
                gr_schedule *s = NULL;
                int st = gr_schedule_build(g, NULL, &opt, &s, &err);
                if (st != GR_OK)
                    fail_msg("Q %d deficit %g: %s", Q, opt.deficit_mw, err.msg);
                assert_int_equal(s->blocks, 24 * 60 / blocks[bm]);
                check_common(g, NULL, s);
                if (d == 0)
                    assert_int_equal(s->k, 0);
                if (d == 20)
                    assert_int_equal(s->k, Q);
                gr_schedule_free(s);
            }
    gr_grid_free(g);
}

/* 6 queues, 24 h of 30-min blocks, 100 MW deficit on 190 MW of rotating
 * load: 31.67 MW a queue, 4 queues dark per block (3 give only 95 MW), each
 * queue dark 48 * 4 / 6 = 32 blocks = 16 h. */
static void test_worked_example(void **state)
{
    (void)state;
    gr_grid *g = triangle();
    gr_schedule_options opt;
    gr_schedule_options_default(&opt);
    opt.deficit_mw = 100;
    gr_schedule *s = NULL;
    gr_error err = {0};
    assert_int_equal(gr_schedule_build(g, NULL, &opt, &s, &err), GR_OK);
    assert_int_equal(s->queues, 6);
    assert_int_equal(s->blocks, 48);
    assert_near(s->queue_mw, 190.0 / 6, 1e-9, 0);
    assert_int_equal(s->k, 4);
    for (int q = 0; q < 6; q++)
        assert_int_equal(s->dark_blocks[q], 32);
    /* block 0 darkens queues 0-3, block 1 queues 4, 5, 0, 1 */
    assert_int_equal(s->dark[0 * 48 + 0], 1);
    assert_int_equal(s->dark[3 * 48 + 0], 1);
    assert_int_equal(s->dark[4 * 48 + 0], 0);
    assert_int_equal(s->dark[4 * 48 + 1], 1);
    assert_int_equal(s->dark[0 * 48 + 1], 1);
    assert_int_equal(s->dark[2 * 48 + 1], 0);
    check_common(g, NULL, s);
    gr_schedule_free(s);

    /* 20 MW with 12 queues of 15.83 MW: 2 dark, 8 blocks each */
    opt.queues = 12;
    opt.deficit_mw = 20;
    assert_int_equal(gr_schedule_build(g, NULL, &opt, &s, &err), GR_OK);
    assert_int_equal(s->k, 2);
    for (int q = 0; q < 12; q++)
        assert_int_equal(s->dark_blocks[q], 8);
    gr_schedule_free(s);

    /* a deficit beyond the rotating load: critical load is never scheduled */
    opt.deficit_mw = 191;
    s = (gr_schedule *)1;
    assert_int_equal(gr_schedule_build(g, NULL, &opt, &s, &err), GR_EINFEASIBLE);
    assert_null(s);
    assert_non_null(strstr(err.msg, "critical"));
    /* bad options */
    gr_schedule_options_default(&opt);
    opt.block_min = 7;
    assert_int_equal(gr_schedule_build(g, NULL, &opt, &s, &err), GR_EINVAL);
    opt.block_min = 30;
    opt.queues = 0;
    assert_int_equal(gr_schedule_build(g, NULL, &opt, &s, &err), GR_EINVAL);
    opt.queues = 6;
    opt.deficit_mw = -1;
    assert_int_equal(gr_schedule_build(g, NULL, &opt, &s, &err), GR_EINVAL);
    gr_grid_free(g);
}

/* Independent check of one block: a grid whose load is what stays lit
 * (critical in full, non-critical times (1 - dark/Q) at live buses) must
 * need no shedding and keep every flow within its limit (gr_shed_solve and
 * gr_pf_dc on that grid, through the public API only). */
static void check_block_by_lp(const gr_grid *g, const gr_load_classes *lc, const gr_schedule *s,
                              int t)
{
    int ndark = 0;
    for (int q = 0; q < s->queues; q++)
        ndark += s->dark[(size_t)q * s->blocks + t];
    double lit = 1.0 - (double)ndark / s->queues;
    gr_grid *h = NULL;
    assert_int_equal(gr_grid_copy(g, &h), GR_OK);
    gr_load_classes *lh = NULL;
    assert_int_equal(gr_load_classes_default(g->nb, &lh), GR_OK);
    gr_islands *isl = NULL;
    assert_int_equal(gr_islands_find(g, 0, &isl, NULL), GR_OK);
    double lit_b;
    for (int b = 0; b < g->nb; b++) {
        int i = isl->bus_island[b];
        double sc = lc ? lc->share[b * 3] : 0.05;
        if (g->pd[b] <= 0 || i < 0 || isl->ref[i] < 0)
            continue;
        if (!s->in_area[b])
            lit_b = 1.0;
        else
            lit_b = lit;
        double crit = g->pd[b] * sc, rest = g->pd[b] * (1 - sc) * lit_b;
        h->pd[b] = crit + rest;
        double *sh = lh->share + b * 3;
        sh[0] = h->pd[b] > 0 ? crit / h->pd[b] : 0;
        sh[1] = h->pd[b] > 0 ? rest / h->pd[b] : 0;
        sh[2] = 1 - sh[0] - sh[1];
    }
    gr_shed_result *r = NULL;
    gr_error err = {0};
    assert_int_equal(gr_shed_solve(h, lh, NULL, &r, &err), GR_OK);
    double extra = (r->shed_total_p - r->dark_p) * g->base_mva;
    if (extra > 1e-4)
        fail_msg("block %d: %d queues dark, yet the LP still sheds %.6f MW", t, ndark, extra);
    for (int k = 0; k < g->nl; k++)
        if (g->rate_a[k] > 0 && fabs(r->flow_p[k]) > g->rate_a[k] * (1 + 1e-6) + 1e-7)
            fail_msg("block %d: branch %d flow %g > %g", t, k + 1, r->flow_p[k], g->rate_a[k]);
    /* the LP's flows are a DC power flow of its own dispatch */
    for (int k = 0; k < h->ng; k++)
        h->pg[k] = r->pg[k];
    for (int b = 0; b < h->nb; b++)
        if (h->pd[b] > 0)
            h->pd[b] = r->served_p[b];
    gr_pf_result *pf = NULL;
    assert_int_equal(gr_pf_dc(h, &pf, NULL), GR_OK);
    for (int k = 0; k < g->nl; k++)
        assert_near(pf->pf[k], r->flow_p[k], 1e-6, 1e-6);
    gr_pf_result_free(pf);
    gr_islands_free(isl);
    gr_shed_result_free(r);
    gr_load_classes_free(lh);
    gr_grid_free(h);
}

/* Network deficit on the triangle, default classes (5/60/35 %): per unit of
 * line 1-3 capacity (s2 + 2 s3 <= 1.5) the LP serves critical, then bus 2
 * residential (10/1), bus 3 residential (10/2) up to 0.375 pu, and sheds
 * the rest: 35 + 35 + 22.5 = 92.5 MW. A uniform
 * fraction a of the 95 MW of rotating load per bus must satisfy
 * (s2 + 2 s3) / 3 <= 0.5 with s2 = s3 = 1 - 0.95 a: 300 - 285 a <= 150,
 * a >= 0.526: 4 of 6 queues of 31.67 MW, where 92.5 MW alone would take 3. */
static void test_network_deficit_triangle(void **state)
{
    (void)state;
    gr_grid *g = triangle();
    gr_schedule_options opt;
    gr_schedule_options_default(&opt);
    opt.check_lp = 1;
    gr_schedule *s = NULL;
    gr_error err = {0};
    assert_int_equal(gr_schedule_build(g, NULL, &opt, &s, &err), GR_OK);
    assert_near(s->deficit_mw, 92.5, 1e-6, 0);
    assert_int_equal(s->k, 4);
    for (int t = 0; t < s->blocks; t++) {
        assert_true(s->extra_shed_mw[t] <= 1e-4);
        check_block_by_lp(g, NULL, s, t);
    }
    check_common(g, NULL, s);
    /* one queue fewer would not do: with 3 of 6 dark each bus keeps
     * 0.05 + 0.95 / 2 pu, and line 1-3 would carry 3 * that / 3 > 0.5 pu */
    double s2 = 0.05 + 0.95 * (1.0 - 3.0 / 6.0), s3 = s2;
    assert_true((s2 + 2 * s3) / 3 > 0.5);
    gr_schedule_free(s);
    gr_grid_free(g);
}

/* case118 with its most loaded lines tightened and little spare generation:
 * every block's dark set keeps the flows within limits. */
static void test_case118(void **state)
{
    (void)state;
    char path[4096];
    TU_NEED_SHARED("cases/matpower/case118.m", path, sizeof path);
    gr_case *c = NULL;
    gr_error err = {0};
    assert_int_equal(gr_case_read(path, &c, &err), GR_OK);
    gr_grid *g = to_grid(c);
    gr_case_free(c);
    gr_outage *o = NULL;
    assert_int_equal(gr_outage_parse("branch:7,gen:5", &o, &err), GR_OK);
    assert_int_equal(gr_outage_apply(o, g, &err), GR_OK);
    gr_outage_free(o);
    gr_pf_result *pf = NULL;
    assert_int_equal(gr_pf_dc(g, &pf, NULL), GR_OK);
    for (int k = 0; k < g->nl; k++)
        g->rate_a[k] = fabs(pf->pf[k]) > 1.5 ? 0.6 * fabs(pf->pf[k]) : 0;
    gr_pf_result_free(pf);
    for (int k = 0; k < g->ng; k++)
        g->pmax[k] = g->pg[k] > 0 ? 1.02 * g->pg[k] : 0;
    /* overlay-like classes: critical share varies by bus */
    gr_load_classes *lc = NULL;
    assert_int_equal(gr_load_classes_default(g->nb, &lc), GR_OK);
    for (int b = 0; b < g->nb; b++) {
        double cs = 0.02 * (b % 7);
        lc->share[b * 3] = cs;
        lc->share[b * 3 + 1] = (1 - cs) * 0.6;
        lc->share[b * 3 + 2] = (1 - cs) * 0.4;
    }
    gr_schedule_options opt;
    gr_schedule_options_default(&opt);
    opt.check_lp = 1;
    opt.queues = 12;
    gr_schedule *s = NULL;
    assert_int_equal(gr_schedule_build(g, lc, &opt, &s, &err), GR_OK);
    assert_true(s->deficit_mw > 10);
    assert_true(s->k >= 1 && s->k < 12);
    printf("  case118: deficit %.1f MW, area %d buses, %d of %d queues of %.1f MW dark per "
           "block (%.1f MW), LP %.1f ms\n",
           s->deficit_mw, s->n_area, s->k, s->queues, s->queue_mw, s->k * s->queue_mw,
           s->lp_s * 1e3);
    check_common(g, lc, s);
    for (int t = 0; t < s->blocks; t++)
        check_block_by_lp(g, lc, s, t);
    gr_schedule_free(s);
    gr_load_classes_free(lc);
    gr_grid_free(g);
}

static void test_oom(void **state)
{
    (void)state;
    gr_grid *g = triangle();
    int n_fail = 0;
    for (long n = 0;; n++) {
        gr_schedule_options opt;
        gr_schedule_options_default(&opt);
        opt.check_lp = 1;
        opt.hours = 2;
        gr_schedule *s = NULL;
        gr_error err = {0};
        gr_alloc_fail_after(n);
        int st = gr_schedule_build(g, NULL, &opt, &s, &err);
        gr_alloc_fail_after(-1);
        if (st == GR_OK) {
            assert_int_equal(s->k, 4);
            gr_schedule_free(s);
            break;
        }
        assert_int_equal(st, GR_ENOMEM);
        assert_null(s);
        n_fail++;
    }
    assert_true(n_fail > 10);
    gr_grid_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rotation_properties),
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_network_deficit_triangle),
        cmocka_unit_test(test_oom),
        cmocka_unit_test(test_case118),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
