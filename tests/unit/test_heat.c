/* test_heat.c — outage queues and heat in the campaign against hand-worked and closed-form cases: queue rotation, the worst-off decile, building cool-down, cold-load pickup, outdoor temperature. */
#include <math.h>
#include <string.h>

#include "sim/campaign_heat.h"
#include "testutil.h"

/* A constant deficit over a day of 48 half-hour blocks: every sub-queue dark
 * the same number of blocks, 48 k / 12. */
static void test_rotation_equal_over_a_day(void **state)
{
    (void)state;
    const int nq = GR_CAMPAIGN_SUBQUEUES, T = 48;
    for (int k = 0; k <= nq; k++) {
        double x = (double)k / nq, carry = 0.0;
        int start = 0, count[GR_CAMPAIGN_SUBQUEUES] = {0};
        unsigned char win[GR_CAMPAIGN_SUBQUEUES];
        for (int t = 0; t < T; t++) {
            int kk = camp_queue_block(nq, x, &carry, &start, win);
            assert_int_equal(kk, k); /* exactly k dark each block */
            int n = 0;
            for (int q = 0; q < nq; q++) {
                count[q] += win[q];
                n += win[q];
            }
            assert_int_equal(n, k);
        }
        for (int q = 0; q < nq; q++)
            assert_int_equal(count[q], T * k / nq); /* 4 k blocks = 2 k hours each */
    }
}

/* A share that is no whole number of sub-queues (x nq = 3.6): the carry
 * darkens 3 or 4 per block, the day's total is 48 x 3.6 = 172.8 to within a
 * half, and the sub-queues differ by at most one block. */
static void test_rotation_fractional(void **state)
{
    (void)state;
    const int nq = GR_CAMPAIGN_SUBQUEUES, T = 48;
    double carry = 0.0;
    int start = 0, count[GR_CAMPAIGN_SUBQUEUES] = {0}, total = 0;
    unsigned char win[GR_CAMPAIGN_SUBQUEUES];
    for (int t = 0; t < T; t++) {
        int k = camp_queue_block(nq, 0.3, &carry, &start, win);
        assert_true(k == 3 || k == 4);
        total += k;
        for (int q = 0; q < nq; q++)
            count[q] += win[q];
    }
    assert_true(fabs(total - 172.8) <= 0.5);
    int lo = T, hi = 0;
    for (int q = 0; q < nq; q++) {
        lo = count[q] < lo ? count[q] : lo;
        hi = count[q] > hi ? count[q] : hi;
    }
    assert_true(hi - lo <= 1);
    /* no deficit: nothing dark, nothing owed */
    int k = camp_queue_block(nq, 0.0, &carry, &start, win);
    assert_int_equal(k, 0);
    assert_true(carry == 0.0);
    /* all of it: every sub-queue */
    assert_int_equal(camp_queue_block(nq, 1.0, &carry, &start, win), nq);
}

/* Hand example: 100 people; the worst-off 10 are the 5 at 10 h/day and 5 of
 * the 10 at 8 h/day: mean 9 h/day. */
static void test_worst_decile(void **state)
{
    (void)state;
    const double x[] = {2.0, 10.0, 1.0, 8.0}, w[] = {50.0, 5.0, 35.0, 10.0};
    double out = 0.0;
    assert_int_equal(gr_worst_share(x, w, 4, 0.1, &out), GR_OK);
    assert_near(out, 9.0, 1e-12, 0);
    /* the whole population: the weighted mean, (100 + 50 + 35 + 80) / 100 */
    assert_int_equal(gr_worst_share(x, w, 4, 1.0, &out), GR_OK);
    assert_near(out, 2.65, 1e-12, 0);
    /* equal hours for everybody: the decile is the mean */
    const double e[] = {3.0, 3.0, 3.0};
    assert_int_equal(gr_worst_share(e, w, 3, 0.1, &out), GR_OK);
    assert_near(out, 3.0, 1e-12, 0);
    assert_int_equal(gr_worst_share(x, w, 4, 0.0, &out), GR_EINVAL);
    const double neg[] = {1.0, -1.0};
    assert_int_equal(gr_worst_share(x, neg, 2, 0.1, &out), GR_EINVAL);
    assert_int_equal(gr_worst_share(x, w, 0, 0.1, &out), GR_OK);
    assert_true(isnan(out));
}

/* Heat off: T = T_out + (T0 - T_out) exp(-t / tau), hour by hour or in one
 * step; heat on: the set point holds; half the supply: the equilibrium
 * T_out + (T_set - T_design) / 2. */
static void test_building_cooldown(void **state)
{
    (void)state;
    gr_campaign_weather w;
    gr_campaign_weather_default(&w);
    assert_near(w.tau_h, 40.0, 0, 0);
    double t = w.indoor_c, t_out = -5.0;
    for (int h = 1; h <= 48; h++) {
        t = gr_heat_indoor_step(&w, t, t_out, 0.0, 1.0);
        double exact = t_out + (w.indoor_c - t_out) * exp(-h / w.tau_h);
        assert_near(t, exact, 1e-9, 0);
    }
    assert_near(gr_heat_indoor_step(&w, 20.0, t_out, 0.0, 24.0), -5.0 + 25.0 * exp(-0.6), 1e-12,
                0);
    /* below 12 °C after tau ln(25 / 17) = 15.4 h at -5 °C */
    double t15 = gr_heat_indoor_step(&w, 20.0, t_out, 0.0, 15.0);
    double t16 = gr_heat_indoor_step(&w, 20.0, t_out, 0.0, 16.0);
    assert_true(t15 > 12.0 && t16 < 12.0);
    /* heat on at -15 °C: stays at 20 (sized for -22 °C) */
    assert_near(gr_heat_indoor_step(&w, 20.0, -15.0, 1.0, 5.0), 20.0, 0, 0);
    /* and heats a cold building back towards 20 */
    double back = gr_heat_indoor_step(&w, 10.0, -3.0, 1.0, 10.0);
    double eq = -3.0 + 42.0;
    assert_near(back, fmin(eq + (10.0 - eq) * exp(-10.0 / 40.0), 20.0), 1e-12, 0);
    /* half the supply at -5 °C: equilibrium -5 + 21 = 16 */
    assert_near(gr_heat_indoor_step(&w, 20.0, -5.0, 0.5, 4000.0), 16.0, 1e-9, 0);
}

/* Cold-load pickup: a group re-energised after a spell of d hours draws
 * clpu_extra x its load for min(d, clpu_h) hours. Energy drawn per MW of the
 * group's load: 0.3 x 1 h after 1 h dark, 0.3 x 2 h after 3 h dark. */
static double clpu_energy(const gr_campaign_weather *w, int dark_blocks, int lit_blocks)
{
    double dt = 0.5, e = 0.0, dark_h = 0.0, spell = 0.0, smax = 0.0, left = 0.0;
    unsigned char was = 0;
    for (int t = 0; t < dark_blocks + lit_blocks; t++) {
        int dark = t < dark_blocks;
        if (!dark)
            e += camp_group_clpu(w, was, left) * dt; /* drawn this block, 1 MW */
        camp_group_block(w, dark, dt, &was, &dark_h, &spell, &smax, &left);
    }
    assert_near(dark_h, dark_blocks * dt, 1e-12, 0);
    assert_near(smax, dark_blocks * dt, 1e-12, 0);
    return e;
}

static void test_cold_load_pickup(void **state)
{
    (void)state;
    gr_campaign_weather w;
    gr_campaign_weather_default(&w);
    assert_near(w.clpu_extra, 0.3, 0, 0);
    assert_near(w.clpu_h, 2.0, 0, 0);
    assert_near(clpu_energy(&w, 2, 10), 0.3 * 1.0, 1e-12, 0);
    assert_near(clpu_energy(&w, 6, 10), 0.3 * 2.0, 1e-12, 0);
    assert_near(clpu_energy(&w, 1, 10), 0.3 * 0.5, 1e-12, 0);
    assert_near(clpu_energy(&w, 0, 10), 0.0, 0, 0);
    w.clpu_extra = 0.0;
    assert_near(clpu_energy(&w, 6, 10), 0.0, 0, 0);
}

/* Outdoor temperature: the daily mean plus the diurnal cosine, warmest at
 * 15:00; a cold snap replaces the mean on its nights. */
static void test_outdoor(void **state)
{
    (void)state;
    gr_campaign_weather w;
    gr_campaign_weather_default(&w);
    assert_near(gr_weather_outdoor_c(&w, 1, 15.0), -3.0 + 2.5, 1e-12, 0);
    assert_near(gr_weather_outdoor_c(&w, 1, 3.0), -3.0 - 2.5, 1e-12, 0);
    assert_near(gr_weather_outdoor_c(&w, 16, 15.0), -15.0 + 2.5, 1e-12, 0);
    assert_near(gr_weather_outdoor_c(&w, 20, 9.0), -15.0, 1e-12, 0);
    assert_near(gr_weather_outdoor_c(&w, 21, 9.0), -3.0, 1e-12, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rotation_equal_over_a_day),
        cmocka_unit_test(test_rotation_fractional),
        cmocka_unit_test(test_worst_decile),
        cmocka_unit_test(test_building_cooldown),
        cmocka_unit_test(test_cold_load_pickup),
        cmocka_unit_test(test_outdoor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
