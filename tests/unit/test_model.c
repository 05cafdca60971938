/* test_model.c — grid model, islands, Ybus and small power flows worked by hand. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Six buses (base 100 MVA):
 *   1 (REF, gen) --x0.1-- 2 --x0.2-- 3 (100 MW load), 1 --x0.2-- 3
 *   4 (20 MW load) --- 5 : an island without generation (dark)
 *   6 : isolated bus (type 4) with 7 MW load
 * Buses are numbered 10, 20, 30, 40, 50, 60 (non-consecutive). */
static gr_case *six_bus_case(void)
{
    gr_case *c = NULL;
    assert_int_equal(gr_case_alloc(6, 1, 4, &c), GR_OK);
    c->base_mva = 100;
    int types[6] = {3, 1, 1, 1, 1, 4};
    double pd[6] = {0, 0, 100, 20, 0, 7};
    for (int b = 0; b < 6; b++) {
        c->bus.bus_i[b] = 10 * (b + 1);
        c->bus.type[b] = types[b];
        c->bus.pd_mw[b] = pd[b];
        c->bus.vm_pu[b] = 1.0;
        c->bus.base_kv[b] = 110;
        c->bus.vmax_pu[b] = 1.1;
        c->bus.vmin_pu[b] = 0.9;
    }
    c->gen.bus[0] = 10;
    c->gen.pg_mw[0] = 100;
    c->gen.vg_pu[0] = 1.0;
    c->gen.pmax_mw[0] = 300;
    c->gen.qmax_mvar[0] = 300;
    c->gen.qmin_mvar[0] = -300;
    c->gen.status[0] = 1;
    int f[4] = {10, 20, 10, 40}, t[4] = {20, 30, 30, 50};
    double x[4] = {0.1, 0.2, 0.2, 0.1};
    for (int k = 0; k < 4; k++) {
        c->branch.f_bus[k] = f[k];
        c->branch.t_bus[k] = t[k];
        c->branch.x_pu[k] = x[k];
        c->branch.status[k] = 1;
    }
    return c;
}

static void test_bus_index_and_units(void **state)
{
    (void)state;
    gr_case *c = six_bus_case();
    gr_grid *g = NULL;
    assert_int_equal(gr_grid_from_case(c, &g, NULL), GR_OK);
    assert_int_equal(gr_grid_bus_index(g, 30), 2);
    assert_int_equal(gr_grid_bus_index(g, 60), 5);
    assert_int_equal(gr_grid_bus_index(g, 35), -1);
    assert_near(g->pd[2], 1.0, 1e-15, 0);
    assert_int_equal(g->br_t[1], 2);
    assert_near(g->br_tap[0], 1.0, 0, 0); /* tap 0 in the file means a line */
    gr_grid_free(g);
    gr_case_free(c);
}

static void test_unknown_bus_is_an_error(void **state)
{
    (void)state;
    gr_case *c = six_bus_case();
    c->branch.t_bus[2] = 99;
    gr_grid *g = NULL;
    gr_error err = {0};
    assert_int_equal(gr_grid_from_case(c, &g, &err), GR_EPARSE);
    assert_null(g);
    assert_non_null(strstr(err.msg, "99"));
    gr_case_free(c);
}

static void test_islands_dark_and_isolated(void **state)
{
    (void)state;
    gr_case *c = six_bus_case();
    gr_grid *g = NULL;
    assert_int_equal(gr_grid_from_case(c, &g, NULL), GR_OK);
    gr_islands *isl = NULL;
    assert_int_equal(gr_islands_find(g, 1, &isl, NULL), GR_OK);
    assert_int_equal(isl->n, 2);
    assert_int_equal(isl->bus_island[0], isl->bus_island[2]);
    assert_int_not_equal(isl->bus_island[0], isl->bus_island[3]);
    assert_int_equal(isl->bus_island[5], -1);
    assert_int_equal(isl->ref[isl->bus_island[0]], 0);
    assert_int_equal(isl->ref[isl->bus_island[3]], -1);
    gr_islands_free(isl);
    gr_grid_free(g);
    gr_case_free(c);
}

static void test_reference_rule_largest_generator(void **state)
{
    (void)state;
    /* the six-bus grid with three units: 300 MW at bus 10, 50 MW at 40, 80 MW at 50 */
    gr_case *c1 = six_bus_case(), *c = NULL;
    assert_int_equal(gr_case_alloc(6, 3, 4, &c), GR_OK);
    c->base_mva = 100;
    for (int b = 0; b < 6; b++) {
        c->bus.bus_i[b] = c1->bus.bus_i[b];
        c->bus.type[b] = c1->bus.type[b];
        c->bus.pd_mw[b] = c1->bus.pd_mw[b];
    }
    for (int k = 0; k < 4; k++) {
        c->branch.f_bus[k] = c1->branch.f_bus[k];
        c->branch.t_bus[k] = c1->branch.t_bus[k];
        c->branch.x_pu[k] = c1->branch.x_pu[k];
    }
    int gb[3] = {10, 40, 50};
    double pmax[3] = {300, 50, 80};
    for (int k = 0; k < 3; k++) {
        c->gen.bus[k] = gb[k];
        c->gen.pmax_mw[k] = pmax[k];
        c->gen.vg_pu[k] = 1;
    }
    gr_grid *g = NULL;
    assert_int_equal(gr_grid_from_case(c, &g, NULL), GR_OK);
    gr_islands *isl = NULL;
    assert_int_equal(gr_islands_find(g, 1, &isl, NULL), GR_OK);
    assert_int_equal(isl->ref[isl->bus_island[0]], 0); /* the case's REF bus */
    assert_int_equal(isl->ref[isl->bus_island[3]], 4); /* bus 50: the larger unit */
    gr_islands_free(isl);
    /* two REF buses in one island: an error in strict mode, naming both */
    g->bus_type[2] = GR_BUS_REF;
    gr_error err = {0};
    assert_int_equal(gr_islands_find(g, 1, &isl, &err), GR_EPARSE);
    assert_non_null(strstr(err.msg, "10"));
    assert_non_null(strstr(err.msg, "30"));
    gr_grid_free(g);
    gr_case_free(c);
    gr_case_free(c1);
}

static void test_ybus_by_hand(void **state)
{
    (void)state;
    gr_case *c = six_bus_case();
    c->branch.r_pu[0] = 0.01;
    c->branch.b_pu[0] = 0.02;
    c->branch.tap[0] = 1.05;
    c->bus.bs_mvar[1] = 10; /* 0.1 pu shunt at bus 20 */
    gr_grid *g = NULL;
    assert_int_equal(gr_grid_from_case(c, &g, NULL), GR_OK);
    gr_csc *Y = NULL;
    assert_int_equal(gr_ybus_build(g, &Y, NULL, NULL), GR_OK);
    /* branch 10-20: ys = 1/(0.01 + 0.1j); Yft = -ys/1.05; Ytt = ys + 0.01j */
    double den = 0.01 * 0.01 + 0.1 * 0.1, ysr = 0.01 / den, ysi = -0.1 / den;
    double y01r = 0, y01i = 0, y11r = 0, y11i = 0;
    for (int q = Y->p[1]; q < Y->p[2]; q++) {
        if (Y->i[q] == 0)
            y01r = Y->x[q], y01i = Y->z[q];
        if (Y->i[q] == 1)
            y11r = Y->x[q], y11i = Y->z[q];
    }
    assert_near(y01r, -ysr / 1.05, 1e-12, 0);
    assert_near(y01i, -ysi / 1.05, 1e-12, 0);
    /* Y(20,20) = ys + j b/2 + 1/(j 0.2) + j 0.1 */
    assert_near(y11r, ysr, 1e-12, 0);
    assert_near(y11i, ysi + 0.01 - 5.0 + 0.1, 1e-12, 0);
    gr_csc_free(Y);
    gr_grid_free(g);
    gr_case_free(c);
}

static void test_dc_flow_by_hand(void **state)
{
    (void)state;
    gr_case *c = six_bus_case();
    gr_grid *g = NULL;
    assert_int_equal(gr_grid_from_case(c, &g, NULL), GR_OK);
    gr_pf_result *r = NULL;
    assert_int_equal(gr_pf_dc(g, &r, NULL), GR_OK);
    /* 15 t2 - 5 t3 = 0, -5 t2 + 10 t3 = -1  =>  t3 = -0.12, t2 = -0.04 rad */
    assert_near(r->va[1], -0.04, 1e-12, 0);
    assert_near(r->va[2], -0.12, 1e-12, 0);
    assert_near(r->pf[0], 0.4, 1e-12, 0);
    assert_near(r->pf[1], 0.4, 1e-12, 0);
    assert_near(r->pf[2], 0.6, 1e-12, 0);
    assert_near(r->pg[0], 1.0, 1e-12, 0);
    assert_near(r->dark_load_p, 0.27, 1e-12, 0); /* 20 MW dark island + 7 MW isolated */
    assert_int_equal(r->n_dark_islands, 1);
    gr_pf_result_free(r);
    gr_grid_free(g);
    gr_case_free(c);
}

static void test_ac_conservation_and_residual(void **state)
{
    (void)state;
    gr_case *c = six_bus_case();
    for (int k = 0; k < 3; k++)
        c->branch.r_pu[k] = 0.02, c->branch.b_pu[k] = 0.05;
    c->bus.qd_mvar[2] = 30;
    gr_grid *g = NULL;
    assert_int_equal(gr_grid_from_case(c, &g, NULL), GR_OK);
    gr_pf_result *r = NULL;
    gr_pf_options opt;
    gr_pf_options_default(&opt);
    assert_int_equal(gr_pf_ac(g, &opt, &r, NULL), GR_OK);
    assert_int_equal(r->converged, 1);
    /* generation = served load + losses, to the solver's tolerance (1e-8 pu: the
       balance holds as far as the final mismatch, which chord steps leave just under it) */
    assert_near(r->pg[0], 1.0 + r->loss_p, 1e-8, 0);
    assert_near(r->qg[0], 0.3 + r->loss_q, 1e-8, 0);
    assert_true(r->loss_p > 0);
    double mp, mq;
    assert_int_equal(gr_pf_residual(g, r, &mp, &mq), GR_OK);
    assert_true(mp < 1e-8 && mq < 1e-8);
    assert_near(r->vm[3], 0.0, 0, 0); /* dark */
    gr_pf_result_free(r);
    gr_grid_free(g);
    gr_case_free(c);
}

/* Distributed slack: the imbalance (losses + schedule error) is shared in
 * proportion to the participation factors, and the books still balance. */
static void test_distributed_slack_shares_by_apf(void **state)
{
    (void)state;
    gr_case *c1 = six_bus_case(), *c = NULL;
    assert_int_equal(gr_case_alloc(6, 2, 4, &c), GR_OK);
    c->base_mva = 100;
    for (int b = 0; b < 6; b++) {
        c->bus.bus_i[b] = c1->bus.bus_i[b];
        c->bus.type[b] = c1->bus.type[b];
        c->bus.pd_mw[b] = c1->bus.pd_mw[b];
        c->bus.qd_mvar[b] = 10;
        c->bus.vm_pu[b] = 1;
    }
    c->bus.type[1] = GR_BUS_PV;
    for (int k = 0; k < 4; k++) {
        c->branch.f_bus[k] = c1->branch.f_bus[k];
        c->branch.t_bus[k] = c1->branch.t_bus[k];
        c->branch.r_pu[k] = 0.02;
        c->branch.x_pu[k] = c1->branch.x_pu[k];
    }
    int gb[2] = {10, 20};
    double apf[2] = {1, 3};
    for (int k = 0; k < 2; k++) {
        c->gen.bus[k] = gb[k];
        c->gen.pg_mw[k] = 40;
        c->gen.pmax_mw[k] = 200;
        c->gen.qmax_mvar[k] = 100;
        c->gen.qmin_mvar[k] = -100;
        c->gen.vg_pu[k] = 1.02;
        c->gen.apf[k] = apf[k];
    }
    gr_grid *g = NULL;
    assert_int_equal(gr_grid_from_case(c, &g, NULL), GR_OK);
    gr_pf_options opt;
    gr_pf_options_default(&opt);
    opt.distributed_slack = 1;
    gr_pf_result *r = NULL;
    assert_int_equal(gr_pf_ac(g, &opt, &r, NULL), GR_OK);
    assert_int_equal(r->converged, 1);
    double d1 = r->pg[0] - 0.4, d2 = r->pg[1] - 0.4;
    assert_near(d2, 3.0 * d1, 1e-7, 0);
    assert_near(r->pg[0] + r->pg[1], 1.0 + r->loss_p, 1e-8, 0);
    double mp, mq;
    assert_int_equal(gr_pf_residual(g, r, &mp, &mq), GR_OK);
    assert_true(mp < 1e-7 && mq < 1e-7);
    gr_pf_result_free(r);
    gr_grid_free(g);
    gr_case_free(c);
    gr_case_free(c1);
}

/* A solver reused for a second solve (only refactoring) gives the same answer
 * as a fresh one after the loads change. */
static void test_solver_reuse_matches_fresh_solve(void **state)
{
    (void)state;
    gr_case *c = six_bus_case();
    for (int k = 0; k < 3; k++)
        c->branch.r_pu[k] = 0.02, c->branch.b_pu[k] = 0.05;
    gr_grid *g = NULL;
    assert_int_equal(gr_grid_from_case(c, &g, NULL), GR_OK);
    gr_pf_solver *s = NULL;
    assert_int_equal(gr_pf_solver_create(g, &s, NULL), GR_OK);
    gr_pf_result *r1 = NULL, *r2 = NULL, *fresh = NULL;
    assert_int_equal(gr_pf_solver_solve(s, g, NULL, &r1, NULL), GR_OK);
    g->pd[2] *= 1.3;
    g->qd[2] = 0.2;
    assert_int_equal(gr_pf_solver_solve(s, g, NULL, &r2, NULL), GR_OK);
    assert_int_equal(gr_pf_ac(g, NULL, &fresh, NULL), GR_OK);
    assert_int_equal(r2->converged, 1);
    for (int b = 0; b < 3; b++) {
        assert_near(r2->vm[b], fresh->vm[b], 1e-12, 0);
        assert_near(r2->va[b], fresh->va[b], 1e-12, 0);
    }
    assert_true(fabs(r2->va[2] - r1->va[2]) > 1e-3); /* the load change did move the angle */
    gr_pf_result_free(r1);
    gr_pf_result_free(r2);
    gr_pf_result_free(fresh);
    gr_pf_solver_free(s);
    gr_grid_free(g);
    gr_case_free(c);
}

static void test_out_of_memory_paths(void **state)
{
    (void)state;
    gr_case *c = six_bus_case();
    gr_pf_options opt;
    gr_pf_options_default(&opt);
    opt.enforce_q_lims = 1;
    for (long n = 0;; n++) {
        gr_grid *g = NULL;
        gr_pf_result *r = NULL, *d = NULL;
        gr_alloc_fail_after(n);
        int st = gr_grid_from_case(c, &g, NULL);
        if (st == GR_OK)
            st = gr_pf_ac(g, &opt, &r, NULL);
        if (st == GR_OK)
            st = gr_pf_dc(g, &d, NULL);
        gr_alloc_fail_after(-1);
        gr_pf_result_free(r);
        gr_pf_result_free(d);
        gr_grid_free(g);
        if (st == GR_OK)
            break;
        assert_int_equal(st, GR_ENOMEM);
        assert_true(n < 100000);
    }
    gr_case_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bus_index_and_units),
        cmocka_unit_test(test_unknown_bus_is_an_error),
        cmocka_unit_test(test_islands_dark_and_isolated),
        cmocka_unit_test(test_reference_rule_largest_generator),
        cmocka_unit_test(test_ybus_by_hand),
        cmocka_unit_test(test_dc_flow_by_hand),
        cmocka_unit_test(test_ac_conservation_and_residual),
        cmocka_unit_test(test_distributed_slack_shares_by_apf),
        cmocka_unit_test(test_solver_reuse_matches_fresh_solve),
        cmocka_unit_test(test_out_of_memory_paths),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
