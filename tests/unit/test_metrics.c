/* test_metrics.c — the resilience trapezoid, trend slopes, Monte Carlo statistics and duration distributions on hand-computed cases. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static void test_trapezoid_phases(void **state)
{
    (void)state;
    /* R0 = 1; falls to 0.6 then 0.4 (steps 2-3), stays 3 h, recovers to 0.9 by step 7 */
    const double lv[] = {1.0, 1.0, 0.6, 0.4, 0.4, 0.4, 0.7, 0.9, 0.9};
    gr_trapezoid t;
    assert_int_equal(gr_trapezoid_compute(lv, 9, 1.0, 2, &t), GR_OK);
    assert_near(t.r0, 1.0, 1e-12, 0);
    assert_near(t.r_min, 0.4, 1e-12, 0);
    assert_near(t.r_end, 0.9, 1e-12, 0);
    assert_near(t.lambda, 0.6, 1e-12, 0);
    assert_near(t.t_oe, 2.0, 1e-12, 0);
    assert_near(t.t_ee, 3.0, 1e-12, 0);
    assert_near(t.phi, 0.6 / 2.0, 1e-12, 0);    /* fall over steps 2..3 */
    assert_near(t.t_or, 5.0, 1e-12, 0);
    assert_near(t.e_h, 3.0, 1e-12, 0);          /* steps 3, 4, 5 at the bottom */
    assert_near(t.t_pr, 7.0, 1e-12, 0);
    assert_near(t.pi, 0.5 / 2.0, 1e-12, 0);     /* 0.4 -> 0.9 from step 5 to 7 */
    assert_near(t.area, 0.4 + 0.6 * 3 + 0.3 + 0.1 + 0.1, 1e-12, 0);
    /* half-hour steps scale every time */
    assert_int_equal(gr_trapezoid_compute(lv, 9, 0.5, 2, &t), GR_OK);
    assert_near(t.phi, 0.6 / 1.0, 1e-12, 0);
    assert_near(t.e_h, 1.5, 1e-12, 0);
    assert_near(t.area, 2.7 * 0.5, 1e-12, 0);
}

static void test_trapezoid_flat_and_unrecovered(void **state)
{
    (void)state;
    const double flat[] = {0.9, 0.9, 0.9, 0.9};
    gr_trapezoid t;
    assert_int_equal(gr_trapezoid_compute(flat, 4, 1.0, 1, &t), GR_OK);
    assert_near(t.lambda, 0.0, 0, 0);
    assert_near(t.phi, 0.0, 0, 0);
    assert_near(t.e_h, 0.0, 0, 0);
    assert_near(t.pi, 0.0, 0, 0);
    assert_near(t.area, 0.0, 0, 0);
    /* no recovery: degraded until the end, Π = 0 */
    const double down[] = {1.0, 0.5, 0.5, 0.5};
    assert_int_equal(gr_trapezoid_compute(down, 4, 1.0, 1, &t), GR_OK);
    assert_near(t.lambda, 0.5, 1e-12, 0);
    assert_near(t.phi, 0.5, 1e-12, 0);
    assert_near(t.e_h, 3.0, 1e-12, 0);
    assert_near(t.pi, 0.0, 0, 0);
    assert_near(t.area, 1.5, 1e-12, 0);
    /* event at step 0: R0 = R[0] */
    assert_int_equal(gr_trapezoid_compute(down, 4, 1.0, 0, &t), GR_OK);
    assert_near(t.r0, 1.0, 0, 0);
    /* an event that raises the level loses nothing */
    const double up[] = {0.5, 0.8, 0.9};
    assert_int_equal(gr_trapezoid_compute(up, 3, 1.0, 1, &t), GR_OK);
    assert_near(t.lambda, 0.0, 0, 0);
    assert_near(t.area, 0.0, 0, 0);
}

static void test_trapezoid_bad_args(void **state)
{
    (void)state;
    const double lv[] = {1.0, 0.5};
    gr_trapezoid t;
    assert_int_equal(gr_trapezoid_compute(lv, 0, 1.0, 0, &t), GR_EINVAL);
    assert_int_equal(gr_trapezoid_compute(lv, 2, 1.0, 2, &t), GR_EINVAL);
    assert_int_equal(gr_trapezoid_compute(lv, 2, 1.0, -1, &t), GR_EINVAL);
    assert_int_equal(gr_trapezoid_compute(lv, 2, 0.0, 0, &t), GR_EINVAL);
    assert_int_equal(gr_trapezoid_compute(NULL, 2, 1.0, 0, &t), GR_EINVAL);
}

static void test_trend_slope(void **state)
{
    (void)state;
    double y[10];
    for (int k = 0; k < 10; k++)
        y[k] = 2.0 * k + 1.0;
    assert_near(gr_trend_slope(y, 10), 2.0, 1e-12, 0);
    y[3] = NAN;
    y[7] = NAN;
    assert_near(gr_trend_slope(y, 10), 2.0, 1e-12, 0);
    assert_near(gr_trend_slope(y, 1), 0.0, 0, 0);
    double one[2] = {NAN, 5.0};
    assert_near(gr_trend_slope(one, 2), 0.0, 0, 0);
}

static void test_stats(void **state)
{
    (void)state;
    double x[102], out[4];
    const double p[3] = {5, 50, 95};
    for (int k = 0; k < 101; k++)
        x[k] = k + 1; /* 1..101 */
    x[101] = NAN;     /* skipped */
    assert_int_equal(gr_stats(x, 102, p, 3, out), GR_OK);
    assert_near(out[0], 51.0, 1e-12, 0);
    assert_near(out[1], 6.0, 1e-12, 0);
    assert_near(out[2], 51.0, 1e-12, 0);
    assert_near(out[3], 96.0, 1e-12, 0);
    /* interpolation between order statistics */
    const double two[2] = {0.0, 10.0};
    const double q[1] = {25};
    assert_int_equal(gr_stats(two, 2, q, 1, out), GR_OK);
    assert_near(out[1], 2.5, 1e-12, 0);
    /* nothing: NaN */
    const double none[2] = {NAN, NAN};
    assert_int_equal(gr_stats(none, 2, p, 3, out), GR_OK);
    for (int j = 0; j < 4; j++)
        assert_true(isnan(out[j]));
}

static void test_distributions(void **state)
{
    (void)state;
    gr_rng r;
    gr_rng_seed(&r, 3);
    gr_dist fixed = {GR_DIST_FIXED, 7.5, 0, 0};
    assert_near(gr_dist_sample(&fixed, &r), 7.5, 0, 0);
    assert_near(gr_dist_mean(&fixed), 7.5, 0, 0);
    gr_dist tri = {GR_DIST_TRIANGULAR, 240, 504, 840};
    gr_dist logn = {GR_DIST_LOGNORMAL, 48, 0.6, 0};
    const int n = 40000;
    double sum = 0.0, *v = malloc(n * sizeof *v);
    for (int i = 0; i < n; i++) {
        double x = gr_dist_sample(&tri, &r);
        assert_true(x >= 240 && x <= 840);
        sum += x;
    }
    assert_near(sum / n, gr_dist_mean(&tri), 3.0, 0);
    assert_near(gr_dist_mean(&tri), (240 + 504 + 840) / 3.0, 1e-12, 0);
    for (int i = 0; i < n; i++)
        v[i] = gr_dist_sample(&logn, &r);
    double s[2];
    const double med[1] = {50};
    assert_int_equal(gr_stats(v, n, med, 1, s), GR_OK);
    assert_near(s[1], 48.0, 1.0, 0);                           /* median */
    assert_near(s[0], gr_dist_mean(&logn), 0.02 * s[0], 0);    /* mean = m e^{s^2/2} */
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trapezoid_phases),
        cmocka_unit_test(test_trapezoid_flat_and_unrecovered),
        cmocka_unit_test(test_trapezoid_bad_args),
        cmocka_unit_test(test_trend_slope),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_distributions),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
