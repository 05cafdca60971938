/* test_frequency.c — the SFR model (Anderson & Mirheydar 1990): closed form against A&M's own formula on a hand-worked case and against an independent RK4 integration of the model's ODEs; the SFR rebalance of the cascade on an isolated island and on one synchronous with a large interconnection. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

/* RK4 of the model's state equations (deviation below f0 = -w):
 *   2H w' = -(Km/R)(F_H w + (1 - F_H) z) - D w - p,   T_R z' = w - z
 * ((1 + F_H T_R s)/(1 + T_R s) = F_H + (1 - F_H)/(1 + T_R s)). Returns the
 * largest deviation below f0 and its time over [0, t_end]; dev(t) optional. */
static void deriv(const gr_sfr_model *m, double p, const double x[2], double dx[2])
{
    double pm = -(m->km / m->r) * (m->f_h * x[0] + (1.0 - m->f_h) * x[1]);
    dx[0] = (pm - m->d * x[0] - p) / (2.0 * m->h_s);
    dx[1] = (x[0] - x[1]) / m->t_r_s;
}

static double rk4_nadir(const gr_sfr_model *m, double p, double t_end, double *t_at,
                        double t_probe, double *dev_probe)
{
    double x[2] = {0.0, 0.0}, dt = 1e-4, best = 0.0;
    *t_at = 0.0;
    int n = (int)(t_end / dt + 0.5);
    for (int i = 1; i <= n; i++) {
        double k1[2], k2[2], k3[2], k4[2], y[2];
        deriv(m, p, x, k1);
        for (int j = 0; j < 2; j++) y[j] = x[j] + 0.5 * dt * k1[j];
        deriv(m, p, y, k2);
        for (int j = 0; j < 2; j++) y[j] = x[j] + 0.5 * dt * k2[j];
        deriv(m, p, y, k3);
        for (int j = 0; j < 2; j++) y[j] = x[j] + dt * k3[j];
        deriv(m, p, y, k4);
        for (int j = 0; j < 2; j++) x[j] += dt / 6.0 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
        if (-x[0] > best) {
            best = -x[0];
            *t_at = i * dt;
        }
        if (dev_probe && fabs(i * dt - t_probe) < 0.5 * dt)
            *dev_probe = -x[0];
    }
    return best;
}

/* Hand-worked case: A&M's typical reheat system (H 4 s, R 0.05, T_R 8 s,
 * F_H 0.3, Km 0.95, D 1), a 0.1 pu step. ω_n² = (DR + Km)/(2HRT_R) = 1/3.2,
 * ω_n = 0.559017; 2ζω_n = (0.4 + 0.335 x 8)/3.2 = 0.9625, ζ = 0.860886;
 * ω_r = 0.284427. A&M eq. (13): t_z = atan2(ω_r T_R, ζω_n T_R - 1)/ω_r =
 * 2.368832 s; eq. (12) with α = 7.167716: Δω_max = R p/(DR + Km) (1 +
 * √(1-ζ²) α e^{-ζω_n t_z}) = 0.0108318 pu (0.5416 Hz at 50 Hz); settling
 * R p/(DR + Km) = 0.005 pu; RoCoF p/(2H) = 0.0125 pu/s = 0.625 Hz/s. */
static void test_sfr_hand_case(void **state)
{
    (void)state;
    gr_sfr_model m = {4.0, 0.05, 8.0, 0.3, 0.95, 1.0};
    gr_sfr_response r;
    gr_error err = {0};
    assert_int_equal(gr_sfr_step(&m, 0.1, &r, &err), GR_OK);
    assert_near(r.rocof_pu_s, 0.0125, 1e-15, 1e-12);
    assert_near(r.steady_pu, 0.005, 1e-15, 1e-12);
    assert_near(r.t_nadir_s, 2.368831900755889, 1e-9, 1e-9);
    assert_near(r.nadir_pu, 0.010831764293418979, 1e-12, 1e-9);
    assert_near(gr_sfr_at(&m, 0.1, r.t_nadir_s), r.nadir_pu, 1e-14, 1e-12);
    assert_near(gr_sfr_at(&m, 0.1, 1000.0), 0.005, 1e-12, 1e-9);
    assert_near(gr_sfr_at(&m, 0.1, 0.0), 0.0, 1e-15, 0.0);
    /* linear in p */
    assert_int_equal(gr_sfr_step(&m, 0.3, &r, &err), GR_OK);
    assert_near(r.nadir_pu, 3.0 * 0.010831764293418979, 1e-12, 1e-9);
    /* no loss: nothing moves */
    assert_int_equal(gr_sfr_step(&m, 0.0, &r, &err), GR_OK);
    assert_true(r.nadir_pu == 0.0 && r.t_nadir_s == 0.0);
    /* bad parameters are errors */
    gr_sfr_model bad = m;
    bad.h_s = 0.0;
    assert_int_equal(gr_sfr_step(&bad, 0.1, &r, &err), GR_EINVAL);
    assert_non_null(strstr(err.msg, "frequency model"));
    bad = m;
    bad.f_h = 1.5;
    assert_int_equal(gr_sfr_step(&bad, 0.1, &r, &err), GR_EINVAL);
}

/* The closed form against an RK4 integration of the state equations: nadir,
 * its time and the trajectory, under- and overdamped. */
static void test_sfr_vs_rk4(void **state)
{
    (void)state;
    const gr_sfr_model cases[] = {
        {4.0, 0.05, 8.0, 0.3, 0.95, 1.0},   /* A&M typical */
        {2.0, 0.04, 6.0, 0.25, 0.6, 0.5},   /* low inertia island */
        {6.0, 0.05, 10.0, 0.3, 0.3, 0.4},   /* few governors */
        {4.0, 0.05, 8.0, 0.3, 0.0, 1.0},    /* no governor: -1/(2Hs + D) */
        {1.0, 0.05, 0.5, 1.0, 0.2, 6.0},    /* overdamped (ζ > 1) */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const gr_sfr_model *m = &cases[i];
        gr_sfr_response r;
        gr_error err = {0};
        assert_int_equal(gr_sfr_step(m, 0.12, &r, &err), GR_OK);
        double t_at, probe = NAN;
        double nad = rk4_nadir(m, 0.12, 200.0, &t_at, 1.7, &probe);
        assert_near(r.nadir_pu, nad, 1e-9, 1e-6);
        if (isfinite(r.t_nadir_s))
            assert_near(r.t_nadir_s, t_at, 2e-3, 1e-3);
        else
            assert_near(nad, r.steady_pu, 1e-7, 1e-4); /* monotone: settles */
        assert_near(gr_sfr_at(m, 0.12, 1.7), probe, 1e-9, 1e-6);
        assert_near(r.rocof_pu_s, 0.12 / (2.0 * m->h_s), 1e-15, 1e-12);
    }
}

/* Bus 1: G1 (Pmax 1000 MW, at 500) and, in the synchronous variant, a tie
 * (Pmax 500 MW, gen_sync); bus 2: G2 (Pmax 300, at 250) and 750 MW of load.
 * G2 is damaged: a 250 MW sudden loss on the 1000 MW left (p = 0.25). */
static gr_grid *case_sfr(int tie)
{
    char text[2048];
    snprintf(text, sizeof text,
             "function mpc = casesfr\nmpc.version = '2';\nmpc.baseMVA = 100;\n"
             "mpc.bus = [\n  1 3 0 0 0 0 1 1 0 110 1 1.1 0.9;\n"
             "  2 1 750 0 0 0 1 1 0 110 1 1.1 0.9;\n];\n"
             "mpc.gen = [\n  1 500 0 300 -300 1 100 1 1000 0;\n"
             "  2 250 0 300 -300 1 100 1 300 0;\n%s];\n"
             "mpc.branch = [\n  1 2 0 0.01 0 0 0 0 0 0 1 -360 360;\n];\n",
             tie ? "  1 0 0 300 -300 1 100 1 500 -500;\n" : "");
    gr_case *c = NULL;
    gr_grid *g = NULL;
    gr_error err = {0};
    if (gr_case_parse(text, strlen(text), "test", &c, &err) != GR_OK ||
        gr_grid_from_case(c, &g, &err) != GR_OK)
        fail_msg("case: %s", err.msg);
    gr_case_free(c);
    return g;
}

static gr_cascade_result *run_sfr(const gr_grid *g, const gr_cascade_options *o)
{
    int gen[1] = {1};
    gr_cascade_damage d = {0, 1, 0, NULL, gen, NULL};
    gr_cascade_result *r = NULL;
    gr_error err = {0};
    if (gr_cascade_run(g, &d, o, &r, &err) != GR_OK)
        fail_msg("cascade: %s", err.msg);
    return r;
}

static int count_cause(const gr_cascade_result *r, int cause)
{
    int n = 0;
    for (int e = 0; e < r->n_events; e++)
        n += r->events[e].cause == cause;
    return n;
}

static void test_sfr_cascade(void **state)
{
    (void)state;
    gr_cascade_options o;
    gr_cascade_options_default(&o);
    o.ramp_frac = 1.0; /* G1 may take all 250 MW: the static rule sees no problem */
    gr_grid *g = case_sfr(0);
    /* static rule (the stand-alone default): within the room, no UFLS */
    gr_cascade_result *r = run_sfr(g, &o);
    assert_int_equal(count_cause(r, GR_CAUSE_UFLS), 0);
    assert_near(r->served_mw, 750.0, 1e-6, 1e-9);
    gr_cascade_result_free(r);
    /* SFR, isolated: RoCoF 0.25/(2 x 4) x 50 = 1.5625 Hz/s (under a 2 Hz/s
     * setting), nadir of the model H 4, R 0.05, T_R 8, F_H 0.3, Km 0.95, D =
     * 1 %/Hz x 50 Hz x 750/1000 = 0.375: 48.55 Hz, below 49.0 Hz: stage 1
     * sheds 8 % of 750 = 60 MW; the 190 MW left (D 0.345) have their nadir
     * above 48.8 Hz: no second stage, G1 picks them up */
    o.freq_model = GR_FREQ_SFR;
    o.sfr.rocof_trip_hz_s = 2.0;
    gr_sfr_model mdl = {4.0, 0.05, 8.0, 0.3, 0.95, 0.375};
    gr_sfr_response rsp;
    assert_int_equal(gr_sfr_step(&mdl, 0.25, &rsp, NULL), GR_OK);
    double f_nadir = 50.0 * (1.0 - rsp.nadir_pu);
    assert_true(f_nadir < 48.8 && f_nadir > 48.0);
    r = run_sfr(g, &o);
    assert_int_equal(count_cause(r, GR_CAUSE_UFLS), 1);
    int first = -1;
    for (int e = 0; e < r->n_events && first < 0; e++)
        if (r->events[e].cause == GR_CAUSE_UFLS)
            first = e;
    assert_near(r->events[first].value, f_nadir, 1e-9, 1e-12);
    assert_near(r->events[first].mw_lost, 0.08 * 750.0, 1e-6, 1e-9);
    assert_near(r->lost_by_cat_mw[GR_LOSS_UFLS], 60.0, 1e-6, 1e-9);
    assert_near(r->pg_mw[0], 690.0, 1e-6, 1e-9);
    mdl.d = 0.345;
    assert_int_equal(gr_sfr_step(&mdl, 0.19, &rsp, NULL), GR_OK);
    assert_true(50.0 * (1.0 - rsp.nadir_pu) > 48.8);
    gr_cascade_result_free(r);
    /* at the 1 Hz/s default the RoCoF protection trips the smallest unit: G1 is
     * the only one left, the island is dark */
    o.sfr.rocof_trip_hz_s = 1.0;
    r = run_sfr(g, &o);
    assert_int_equal(count_cause(r, GR_CAUSE_ROCOF), 1);
    assert_near(r->served_mw, 0.0, 1e-6, 1e-9);
    gr_cascade_result_free(r);
    gr_grid_free(g);

    /* synchronous with 300 GW: the same loss barely moves the frequency, no
     * UFLS, no trip, all load served */
    g = case_sfr(1);
    unsigned char sync[3] = {0, 0, 1};
    o.gen_sync = sync;
    r = run_sfr(g, &o);
    assert_int_equal(count_cause(r, GR_CAUSE_UFLS), 0);
    assert_int_equal(count_cause(r, GR_CAUSE_ROCOF), 0);
    assert_near(r->served_mw, 750.0, 1e-6, 1e-9);
    gr_cascade_result_free(r);
    /* a loss beyond the room (no unit and no tie may move: ramp 0) separates
     * it: the tie trips and the island is on its own */
    o.ramp_frac = 0.0;
    r = run_sfr(g, &o);
    assert_int_equal(count_cause(r, GR_CAUSE_SEPARATION), 1);
    assert_int_equal(r->gen_on[2], 0);
    assert_true(r->served_mw < 750.0 - 1.0);
    gr_cascade_result_free(r);
    gr_grid_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sfr_hand_case),
        cmocka_unit_test(test_sfr_vs_rk4),
        cmocka_unit_test(test_sfr_cascade),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
