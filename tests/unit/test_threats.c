/* test_threats.c — the air-defence engagement against closed forms, saturation, and the drones-first tactic. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static gr_ad_zone zone_at_origin(double radius_km, int channels, int stock)
{
    gr_ad_zone z;
    memset(&z, 0, sizeof z);
    z.radius_km = radius_km;
    z.channels = channels;
    z.stock = z.stock_max = stock;
    for (int t = 0; t < GR_THREAT_NTYPES; t++) {
        z.pk[t] = 0.7;
        z.shots[t] = 2;
    }
    return z;
}

static void test_closed_form_without_saturation(void **state)
{
    (void)state;
    gr_threat_type types[GR_THREAT_NTYPES];
    gr_threat_types_default(types);
    const int n = 40000;
    gr_threat *th = calloc(n, sizeof *th);
    for (int sls = 0; sls <= 1; sls++) {
        gr_ad_zone z = zone_at_origin(50.0, 4, 1 << 30);
        z.shoot_look_shoot = sls;
        for (int i = 0; i < n; i++) /* one missile an hour: never two in the zone at once */
            th[i] = (gr_threat){.type = GR_THREAT_CRUISE, .arrival_h = i, .x_km = 10, .y_km = 0};
        gr_rng rng;
        gr_rng_seed(&rng, 7);
        assert_int_equal(gr_ad_engage(&z, 1, types, th, n, &rng, NULL), GR_OK);
        int leaked = 0;
        for (int i = 0; i < n; i++)
            leaked += th[i].outcome == GR_OUT_LEAKED;
        /* 50 km at 800 km/h = 3.75 min in the zone, 1.5 min per engagement:
         * two engagements fit with shoot-look-shoot, one without. */
        double engagements = sls ? 2 : 1;
        double expect = (1 - types[GR_THREAT_CRUISE].p_ew) * pow(0.3, 2 * engagements);
        double sigma = sqrt(expect * (1 - expect) / n);
        assert_near((double)leaked / n, expect, 5 * sigma, 0);
    }
    free(th);
}

static void test_channel_saturation(void **state)
{
    (void)state;
    gr_threat_type types[GR_THREAT_NTYPES];
    gr_threat_types_default(types);
    types[GR_THREAT_CRUISE].p_ew = 0;
    gr_rng rng;
    gr_rng_seed(&rng, 11);
    double leaks = 0;
    const int trials = 4000;
    for (int k = 0; k < trials; k++) {
        /* ten missiles at once, one channel, 25 km = 1.875 min window, 1.5 min engagement */
        gr_ad_zone z = zone_at_origin(25.0, 1, 1000);
        gr_threat th[10];
        for (int i = 0; i < 10; i++)
            th[i] = (gr_threat){.type = GR_THREAT_CRUISE, .arrival_h = 1.0, .x_km = 0, .y_km = 0};
        assert_int_equal(gr_ad_engage(&z, 1, types, th, 10, &rng, NULL), GR_OK);
        int engaged = 0;
        for (int i = 0; i < 10; i++) {
            engaged += th[i].engagements;
            leaks += th[i].outcome == GR_OUT_LEAKED;
        }
        assert_int_equal(engaged, 1); /* exactly one fits in the window */
    }
    /* expected leaks: 9 never engaged + 0.3^2 of the engaged one */
    double expect = 9 + 0.09, sigma = sqrt(0.09 * 0.91 / trials);
    assert_near(leaks / trials, expect, 5 * sigma, 0);
}

static void test_stock_saturation(void **state)
{
    (void)state;
    gr_threat_type types[GR_THREAT_NTYPES];
    gr_threat_types_default(types);
    types[GR_THREAT_DRONE].p_ew = 0;
    gr_rng rng;
    gr_rng_seed(&rng, 3);
    double intercepted = 0;
    const int trials = 4000;
    for (int k = 0; k < trials; k++) {
        gr_ad_zone z = zone_at_origin(30.0, 100, 10);
        z.shots[GR_THREAT_DRONE] = 1;
        z.pk[GR_THREAT_DRONE] = 0.8;
        gr_threat th[50];
        for (int i = 0; i < 50; i++)
            th[i] = (gr_threat){.type = GR_THREAT_DRONE, .arrival_h = 0.1 * i};
        assert_int_equal(gr_ad_engage(&z, 1, types, th, 50, &rng, NULL), GR_OK);
        assert_int_equal(z.stock, 0);
        for (int i = 0; i < 50; i++)
            intercepted += th[i].outcome == GR_OUT_INTERCEPTED;
    }
    /* ten single shots at pk 0.8: 8 kills on average (binomial sd 1.26) */
    assert_near(intercepted / trials, 8.0, 5 * 1.2649 / sqrt(trials), 0);
}

/* The seed's tactic: the same missiles leak more behind a drone wave. */
static void test_missiles_leak_more_behind_drones(void **state)
{
    (void)state;
    gr_threat_type types[GR_THREAT_NTYPES];
    gr_threat_types_default(types);
    double leak[2] = {0, 0};
    const int trials = 500;
    for (int with_drones = 0; with_drones <= 1; with_drones++) {
        gr_rng rng;
        gr_rng_seed(&rng, 99);
        for (int k = 0; k < trials; k++) {
            gr_ad_zone z = zone_at_origin(40.0, 6, 90);
            z.shots[GR_THREAT_DRONE] = 1;
            z.pk[GR_THREAT_DRONE] = 0.85;
            gr_threat th[110];
            int n = 0;
            if (with_drones)
                for (int i = 0; i < 100; i++) /* drones over the 20 minutes before the missiles */
                    th[n++] = (gr_threat){.type = GR_THREAT_DRONE, .arrival_h = 1.6 + i / 300.0};
            for (int i = 0; i < 10; i++)
                th[n++] = (gr_threat){.type = GR_THREAT_CRUISE, .arrival_h = 1.9 + i / 600.0};
            assert_int_equal(gr_ad_engage(&z, 1, types, th, n, &rng, NULL), GR_OK);
            for (int i = 0; i < n; i++)
                if (th[i].type == GR_THREAT_CRUISE)
                    leak[with_drones] += th[i].outcome == GR_OUT_LEAKED;
        }
    }
    leak[0] /= 10.0 * trials;
    leak[1] /= 10.0 * trials;
    print_message("missile leak share: alone %.3f, behind 100 drones %.3f\n", leak[0], leak[1]);
    assert_true(leak[1] > leak[0] + 0.2);
}

static void test_determinism_and_bad_input(void **state)
{
    (void)state;
    gr_threat_type types[GR_THREAT_NTYPES];
    gr_threat_types_default(types);
    gr_threat a[30], b[30];
    for (int i = 0; i < 30; i++)
        a[i] = (gr_threat){.type = i % 3, .arrival_h = 0.05 * (i % 7), .x_km = i % 4, .y_km = 1};
    memcpy(b, a, sizeof a);
    for (int pass = 0; pass < 2; pass++) {
        gr_ad_zone z = zone_at_origin(20.0, 2, 25);
        z.shoot_look_shoot = 1;
        gr_rng rng;
        gr_rng_seed(&rng, 5);
        assert_int_equal(gr_ad_engage(&z, 1, types, pass ? b : a, 30, &rng, NULL), GR_OK);
    }
    assert_memory_equal(a, b, sizeof a);
    a[3].type = 17;
    gr_ad_zone z = zone_at_origin(20.0, 2, 25);
    gr_rng rng;
    gr_rng_seed(&rng, 5);
    gr_error err = {0};
    assert_int_equal(gr_ad_engage(&z, 1, types, a, 30, &rng, &err), GR_EINVAL);
    assert_non_null(strstr(err.msg, "threat 3"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_form_without_saturation),
        cmocka_unit_test(test_channel_saturation),
        cmocka_unit_test(test_stock_saturation),
        cmocka_unit_test(test_missiles_leak_more_behind_drones),
        cmocka_unit_test(test_determinism_and_bad_input),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
