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

/* Issue 22: one input check (gr_grid_check) in front of every solver path.
 * A grid changed through the API (no reader in between) with a NaN or a zero
 * impedance is GR_EINVAL from every path, with the row named; before, the
 * DC paths reported such grids as converged with NaN flows. */
typedef struct bad_input {
    const char *what;     /* the change */
    const char *named;    /* what the message must name */
    int ac_ok;            /* 1 when the AC model can solve it (x = 0 with r > 0) */
} bad_input;

static void apply_bad(gr_grid *g, int i)
{
    switch (i) {
    case 0: g->br_x[0] = 0.0; break;            /* r = 0 too: zero impedance */
    case 1: g->br_x[0] = 0.0, g->br_r[0] = 0.01; break;
    case 2: g->br_r[1] = NAN; break;
    case 3: g->br_x[1] = NAN; break;
    case 4: g->br_b[2] = NAN; break;
    case 5: g->pd[2] = NAN; break;
    case 6: g->qd[2] = HUGE_VAL; break;
    case 7: g->pg[0] = NAN; break;
    case 8: g->qg[0] = NAN; break;
    case 9: g->br_tap[2] = 0.0; break;
    default: break;
    }
}

static void test_grid_check_every_path(void **state)
{
    (void)state;
    static const bad_input bad[] = {
        {"x = r = 0", "branch 1 (bus 10 to bus 20)", 0},
        {"x = 0, r = 0.01", "branch 1 (bus 10 to bus 20): zero reactance", 1},
        {"r NaN", "branch 2 (bus 20 to bus 30): r = nan", 0},
        {"x NaN", "branch 2 (bus 20 to bus 30): x = nan", 0},
        {"b NaN", "branch 3 (bus 10 to bus 30): b = nan", 0},
        {"Pd NaN", "bus 30 (row 3): Pd = nan", 0},
        {"Qd Inf", "bus 30 (row 3): Qd = inf", 0},
        {"Pg NaN", "generator 1 (at bus 10): Pg = nan", 0},
        {"Qg NaN", "generator 1 (at bus 10): Qg = nan", 0},
        {"tap 0", "branch 3 (bus 10 to bus 30): tap = 0", 0},
    };
    gr_case *c = six_bus_case();
    gr_grid *g0 = NULL;
    assert_int_equal(gr_grid_from_case(c, &g0, NULL), GR_OK);
    assert_int_equal(gr_grid_check(g0, GR_GRID_CHECK_AC | GR_GRID_CHECK_DC, NULL), GR_OK);
    for (int i = 0; i < (int)(sizeof bad / sizeof bad[0]); i++) {
        gr_grid *g = NULL;
        assert_int_equal(gr_grid_copy(g0, &g), GR_OK);
        apply_bad(g, i);
        gr_error err = {0};
        gr_pf_result *r = NULL;
        gr_sens *sens = NULL;
        gr_ctg_list *l = NULL;
        gr_ctg_result *cr = NULL;
        gr_cascade_result *cas = NULL;
        gr_shed_result *sh = NULL;
        gr_load_classes *lc = NULL;
        assert_int_equal(gr_load_classes_default(g->nb, &lc), GR_OK);
        assert_int_equal(gr_ctg_list_n1(g, GR_CTG_BRANCHES, &l), GR_OK);
        gr_ctg_options co;
        gr_ctg_options_default(&co);
        gr_cascade_options cao;
        gr_cascade_options_default(&cao);
        int one = 2;
        gr_cascade_damage dmg = {.n_branch = 1, .branch = &one};
        gr_shed_options so;
        gr_shed_options_default(&so);
        int st[7];
        st[0] = gr_pf_dc(g, &r, &err);
        assert_null(r);
        if (st[0] == GR_EINVAL && !strstr(err.msg, bad[i].named))
            fail_msg("%s: pf dc: '%s' does not name '%s'", bad[i].what, err.msg, bad[i].named);
        st[1] = gr_sens_create(g, &sens, &err);
        co.ac = 0;
        st[2] = gr_ctg_run(g, l, &co, &cr, &err);
        gr_ctg_result_free(cr);
        cr = NULL;
        cao.ac = 0;
        st[3] = gr_cascade_run(g, &dmg, &cao, &cas, &err);
        gr_cascade_result_free(cas);
        st[4] = gr_shed_solve(g, lc, &so, &sh, &err);
        gr_shed_result_free(sh);
        for (int p = 0; p < 5; p++)
            if (st[p] != GR_EINVAL)
                fail_msg("%s: DC path %d returned %d, not GR_EINVAL", bad[i].what, p, st[p]);
        /* the AC paths */
        gr_pf_options opt;
        gr_pf_options_default(&opt);
        st[5] = gr_pf_ac(g, &opt, &r, &err);
        if (bad[i].ac_ok) {
            assert_int_equal(st[5], GR_OK);
            assert_int_equal(r->converged, 1);
        } else {
            assert_int_equal(st[5], GR_EINVAL);
            assert_non_null(strstr(err.msg, bad[i].named));
        }
        gr_pf_result_free(r);
        co.ac = 1;
        st[6] = gr_ctg_run(g, l, &co, &cr, &err);
        assert_int_equal(st[6], bad[i].ac_ok ? GR_OK : GR_EINVAL);
        gr_ctg_result_free(cr);
        gr_sens_free(sens);
        gr_ctg_list_free(l);
        gr_load_classes_free(lc);
        gr_grid_free(g);
    }
    gr_grid_free(g0);
    gr_case_free(c);
}

/* Loads that pass the input check but overflow the balance (two of 1.5e308
 * pu: the slack's 3e308 is +Inf): before issue 22, gr_pf_dc said converged
 * with an infinite generation. The one finite check makes it a failure with
 * the element named, and the other paths follow. */
static void test_nonfinite_output_is_not_converged(void **state)
{
    (void)state;
    gr_case *c = six_bus_case();
    gr_grid *g = NULL;
    assert_int_equal(gr_grid_from_case(c, &g, NULL), GR_OK);
    g->pd[1] = g->pd[2] = 1.5e308;
    assert_int_equal(gr_grid_check(g, GR_GRID_CHECK_AC | GR_GRID_CHECK_DC, NULL), GR_OK);
    gr_pf_result *r = NULL;
    assert_int_equal(gr_pf_dc(g, &r, NULL), GR_OK);
    assert_int_equal(r->converged, 0);
    assert_int_equal(r->island_converged[r->bus_island[0]], 0);
    assert_int_equal(r->fail, GR_PF_FAIL_NONFINITE);
    assert_true(isnan(r->max_mismatch));
    assert_non_null(strstr(r->reason, "non-finite"));
    assert_true(isnan(r->pg[0]) && isnan(r->pf[0]) && isnan(r->va[1]));
    assert_int_equal(r->island_converged[r->bus_island[3]], -1); /* the dark island stays */
    gr_pf_result_free(r);
    /* AC: Newton's iterate leaves the finite numbers, or it stops at max_iter */
    gr_pf_options opt;
    gr_pf_options_default(&opt);
    assert_int_equal(gr_pf_ac(g, &opt, &r, NULL), GR_OK);
    assert_int_equal(r->converged, 0);
    assert_true(r->fail == GR_PF_FAIL_DIVERGED || r->fail == GR_PF_FAIL_MAX_ITER);
    assert_true(r->reason[0] != '\0');
    gr_pf_result_free(r);
    /* DC contingencies: the LODF results are not finite either, so none converged */
    gr_ctg_list *l = NULL;
    gr_ctg_result *cr = NULL;
    gr_ctg_options co;
    gr_ctg_options_default(&co);
    co.ac = 0;
    assert_int_equal(gr_ctg_list_n1(g, GR_CTG_BRANCHES, &l), GR_OK);
    assert_int_equal(gr_ctg_run(g, l, &co, &cr, NULL), GR_OK);
    assert_int_equal(cr->base_converged, 0);
    for (int k = 0; k < cr->n; k++)
        assert_int_equal(cr->converged[k], 0);
    gr_ctg_result_free(cr);
    gr_ctg_list_free(l);
    /* the cascade's own DC solver: its base case does not converge, with the reason */
    gr_cascade_options cao;
    gr_cascade_options_default(&cao);
    cao.ac = 0;
    cao.control = GR_CASCADE_CONTROL_NONE;
    int one = 2;
    gr_cascade_damage dmg = {.n_branch = 1, .branch = &one};
    gr_cascade_result *cas = NULL;
    gr_error err = {0};
    assert_int_equal(gr_cascade_run(g, &dmg, &cao, &cas, &err), GR_EINFEASIBLE);
    assert_non_null(strstr(err.msg, "non-finite"));
    gr_grid_free(g);
    gr_case_free(c);
}

/* Issue 22 item 9: case14 with loads x 3 and Q limits. Every generator at a
 * PV/REF bus is above its Qmax in the solution without limits (checked here
 * independently), so MATPOWER's runpf stops "INFEASIBLE PROBLEM"; gridres
 * says so instead of "converged NO" with a small mismatch and NaN outputs. */
static void test_qlim_infeasible_reason(void **state)
{
    (void)state;
    char path[4096];
    TU_NEED_SHARED("cases/matpower/case14.m", path, sizeof path);
    gr_case *c = NULL;
    gr_grid *g = NULL;
    assert_int_equal(gr_case_read(path, &c, NULL), GR_OK);
    assert_int_equal(gr_grid_from_case(c, &g, NULL), GR_OK);
    for (int b = 0; b < g->nb; b++)
        g->pd[b] *= 3, g->qd[b] *= 3;
    gr_pf_options opt;
    gr_pf_options_default(&opt);
    gr_pf_result *r = NULL;
    assert_int_equal(gr_pf_ac(g, &opt, &r, NULL), GR_OK);
    assert_int_equal(r->converged, 1);
    int n_over = 0;
    for (int k = 0; k < g->ng; k++)
        n_over += g->gen_on[k] && r->qg[k] > g->qmax[k];
    assert_int_equal(n_over, 5);
    gr_pf_result_free(r);
    opt.enforce_q_lims = 1;
    assert_int_equal(gr_pf_ac(g, &opt, &r, NULL), GR_OK);
    assert_int_equal(r->converged, 0);
    assert_int_equal(r->fail, GR_PF_FAIL_QLIM_INFEASIBLE);
    assert_true(isnan(r->max_mismatch));   /* no mismatch that hides the NaN outputs */
    assert_non_null(strstr(r->reason, "reactive limits: all 5 generators"));
    assert_true(isnan(r->vm[13]));
    gr_pf_result_free(r);
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
        cmocka_unit_test(test_grid_check_every_path),
        cmocka_unit_test(test_nonfinite_output_is_not_converged),
        cmocka_unit_test(test_qlim_infeasible_reason),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
