/* test_threats.c — the air-defence engagement against closed forms, saturation, and the drones-first tactic. */
#include <math.h>
#include <stdio.h>
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

/* ---- layered model (gr_ad_engage_layered) ------------------------------- */

/* A zone of the layered model: no radar horizon, no reaction, one channel. */
static gr_ad_zone layer_at(double x, double y, double r, int stock, double pk)
{
    gr_ad_zone z;
    memset(&z, 0, sizeof z);
    z.x_km = x;
    z.y_km = y;
    z.radius_km = r;
    z.channels = 1;
    z.stock = z.stock_max = stock;
    z.shoot_look_shoot = 1;
    for (int t = 0; t < GR_THREAT_NTYPES; t++) {
        z.pk[t] = pk;
        z.shots[t] = 2;
    }
    return z;
}

static void cruise_600(gr_threat_type types[GR_THREAT_NTYPES])
{
    gr_threat_types_default(types);
    types[GR_THREAT_CRUISE].speed_kmh = 600; /* 10 km a minute */
    types[GR_THREAT_CRUISE].p_ew = 0;
    types[GR_THREAT_CRUISE].engage_min = 1.5;
}

/* A route crossing two zones: both engage, in route order. Hand-worked: at
 * 10 km/min from (0,0) to (300,0), zone A (100,0) r 20 holds it from minute 8
 * to 12, zone B (200,0) r 20 from 20 to 24; 1.5-minute engagements with
 * shoot-look-shoot on one channel: 8 and 9.5 (11 would end at 12.5 > 12) in
 * A, 20 and 21.5 in B; 2 shots each. */
static void test_layered_two_zones_in_order(void **state)
{
    (void)state;
    gr_threat_type types[GR_THREAT_NTYPES];
    cruise_600(types);
    for (int kill_in_a = 0; kill_in_a <= 1; kill_in_a++) {
        gr_ad_zone z[2] = {layer_at(200, 0, 20, 100, 0.0), layer_at(100, 0, 20, 100, 0.0)};
        z[1].pk[GR_THREAT_CRUISE] = kill_in_a ? 1.0 : 0.0; /* zone 1 is A, met first */
        gr_threat t = {.type = GR_THREAT_CRUISE, .x_km = 300, .y_km = 0, .launch_h = 0};
        gr_rng rng;
        gr_rng_seed(&rng, 1);
        assert_int_equal(gr_ad_engage_layered(z, 2, types, &t, 1, &rng, NULL), GR_OK);
        assert_near(t.arrival_h, 0.5, 1e-12, 0);
        assert_int_equal(t.first_zone, 1);
        if (kill_in_a) {
            assert_int_equal(t.outcome, GR_OUT_INTERCEPTED);
            assert_int_equal(t.zone, 1);
            assert_int_equal(t.layers, 1);
            assert_int_equal(t.engagements, 1);
            assert_int_equal(z[1].stock, 98);
            assert_int_equal(z[0].stock, 100); /* B never fires at a dead missile */
        } else {
            assert_int_equal(t.outcome, GR_OUT_LEAKED);
            assert_int_equal(t.zone, 0); /* B engaged it last */
            assert_int_equal(t.layers, 2);
            assert_int_equal(t.engagements, 4);
            assert_int_equal(t.interceptors, 8);
            assert_int_equal(z[1].stock, 96);
            assert_int_equal(z[0].stock, 96);
        }
    }
    /* a waypoint takes the route through a zone the straight line misses */
    gr_ad_zone c = layer_at(150, 100, 20, 100, 0.0);
    const double via[2] = {150, 100};
    gr_threat t = {.type = GR_THREAT_CRUISE, .x_km = 300, .y_km = 0};
    gr_rng rng;
    gr_rng_seed(&rng, 1);
    assert_int_equal(gr_ad_engage_layered(&c, 1, types, &t, 1, &rng, NULL), GR_OK);
    assert_int_equal(t.engagements, 0);
    t = (gr_threat){.type = GR_THREAT_CRUISE, .x_km = 300, .y_km = 0, .nwp = 1, .wp_km = via};
    assert_int_equal(gr_ad_engage_layered(&c, 1, types, &t, 1, &rng, NULL), GR_OK);
    assert_near(t.arrival_h, 2 * hypot(150, 100) / 600, 1e-12, 0);
    /* inside for 20 km before and after the waypoint: 4 minutes, 2 engagements */
    assert_int_equal(t.engagements, 2);
}

/* The radar horizon sets detection and shortens the window: a 16 m mast sees
 * a 49 m cruise missile at 4.12 (4 + 7) = 45.32 km. */
static void test_layered_radar_horizon(void **state)
{
    (void)state;
    assert_near(gr_radar_horizon_km(16, 49), 45.32, 1e-12, 0);
    gr_threat_type types[GR_THREAT_NTYPES];
    cruise_600(types);
    types[GR_THREAT_CRUISE].altitude_m = 49;
    for (int horizon = 0; horizon <= 1; horizon++) {
        gr_ad_zone z = layer_at(100, 0, 60, 100, 0.0);
        z.radar_h_m = horizon ? 16 : 0;
        z.reaction_min = 1.0;
        gr_threat t = {.type = GR_THREAT_CRUISE, .x_km = 300, .y_km = 0};
        gr_rng rng;
        gr_rng_seed(&rng, 1);
        assert_int_equal(gr_ad_engage_layered(&z, 1, types, &t, 1, &rng, NULL), GR_OK);
        if (horizon) {
            assert_near(t.detect_h, (100 - 45.32) / 600, 1e-12, 0);
            /* seen for 90.64 km = 9.064 min, less 1 min reaction: 5 engagements */
            assert_int_equal(t.engagements, 5);
        } else {
            assert_true(isinf(t.detect_h));
            /* the whole 120 km = 12 min, less 1: 7 engagements */
            assert_int_equal(t.engagements, 7);
        }
    }
}

/* Point defence guards only its own sites; reload lengthens the turnaround. */
static void test_layered_point_and_reload(void **state)
{
    (void)state;
    gr_threat_type types[GR_THREAT_NTYPES];
    cruise_600(types);
    gr_ad_zone z = layer_at(150, 0, 30, 100, 0.0);
    z.kind = GR_AD_POINT;
    gr_threat t[2] = {{.type = GR_THREAT_CRUISE, .x_km = 300, .y_km = 0},
                      {.type = GR_THREAT_CRUISE, .x_km = 160, .y_km = 0}};
    gr_rng rng;
    gr_rng_seed(&rng, 1);
    assert_int_equal(gr_ad_engage_layered(&z, 1, types, t, 2, &rng, NULL), GR_OK);
    assert_int_equal(t[0].engagements, 0); /* flies over to another target */
    /* aimed inside: from 120 km (minute 12) to 160 (16): 12, 13.5 */
    assert_int_equal(t[1].engagements, 2);
    z = layer_at(150, 0, 30, 100, 0.0);
    z.kind = GR_AD_POINT;
    z.reload_min = 1.5; /* turnaround 3 min: 12 only (15 + 1.5 > 16) */
    assert_int_equal(gr_ad_engage_layered(&z, 1, types, &t[1], 1, &rng, NULL), GR_OK);
    assert_int_equal(t[1].engagements, 1);
}

/* Share of drones intercepted in a wave of n drones and m decoys launched
 * over 15 minutes at one city: one area zone on the way and a point zone at the
 * target, finite magazines. */
static double wave_interception(int n, int m, int trials, uint64_t seed)
{
    gr_threat_type types[GR_THREAT_NTYPES];
    gr_threat_types_default(types);
    gr_rng rng;
    gr_rng_seed(&rng, seed);
    gr_threat *th = calloc((size_t)(n + m), sizeof *th);
    double down = 0;
    for (int k = 0; k < trials; k++) {
        gr_ad_zone z[2] = {layer_at(200, 0, 40, 60, 0.6), layer_at(300, 0, 25, 30, 0.7)};
        z[0].channels = 2;
        z[1].kind = GR_AD_POINT;
        for (int q = 0; q < 2; q++) {
            z[q].radar_h_m = 10;
            z[q].reaction_min = 1;
            z[q].shots[GR_THREAT_DRONE] = z[q].shots[GR_THREAT_DECOY] = 1;
        }
        for (int i = 0; i < n + m; i++)
            th[i] = (gr_threat){.type = i < n ? GR_THREAT_DRONE : GR_THREAT_DECOY,
                                .x_km = 300, .y_km = 0, .launch_h = 0.25 * gr_rng_uniform(&rng)};
        assert_int_equal(gr_ad_engage_layered(z, 2, types, th, n + m, &rng, NULL), GR_OK);
        for (int i = 0; i < n; i++)
            down += th[i].outcome == GR_OUT_INTERCEPTED;
    }
    free(th);
    return down / ((double)n * trials);
}

/* Saturation emerges: the share falls as the wave grows and as decoys are
 * added, with the same defence and nothing depending on the wave's size. */
static void test_layered_saturation(void **state)
{
    (void)state;
    double r10 = wave_interception(10, 0, 400, 3), r40 = wave_interception(40, 0, 200, 3);
    double r160 = wave_interception(160, 0, 100, 3), r40d = wave_interception(40, 40, 200, 3);
    print_message("drones intercepted: 10 %.3f, 40 %.3f, 160 %.3f; 40 + 40 decoys %.3f\n", r10,
                  r40, r160, r40d);
    /* p_ew 0.3 caps it at 0.7: ten drones meet free channels and full magazines */
    assert_true(r10 > 0.65);
    assert_true(r40 < r10 - 0.05);
    assert_true(r160 < r40 - 0.1);
    assert_true(r40d < r40 - 0.03);
}

/* Weekly resupply: nothing for six nights, the delivery on the seventh. */
static void test_weekly_resupply(void **state)
{
    (void)state;
    gr_ad_zone z = layer_at(0, 0, 10, 10, 0.5);
    z.stock_max = 100;
    z.resupply = 30;
    z.resupply_days = 7;
    for (int night = 1; night <= 6; night++) {
        gr_ad_resupply(&z, 1);
        assert_int_equal(z.stock, 10);
    }
    gr_ad_resupply(&z, 1);
    assert_int_equal(z.stock, 40);
    z.resupply_days = 1; /* nightly, as before */
    gr_ad_resupply(&z, 1);
    assert_int_equal(z.stock, 70);
}

/* ---- the adaptive attacker (targets.policy "adaptive") ------------------ */

static const char *const adapt_fmt =
    "{\"format\": \"gridres-campaign\", \"version\": 1, \"synth\": {\"buses\": 300, \"seed\": 3},"
    " \"nights\": 3,"
    " \"threat_types\": {\"drone\": {\"p_ew\": 0, \"p_damage\": {\"sub110\": 1}}},"
    " \"schedule\": [{\"every\": 1, \"waves\": [{\"time_h\": 3, \"counts\": {\"drone\": 1},"
    " \"launch\": [{\"x_km\": -50, \"y_km\": -50}]}]}],"
    " \"targets\": {\"policy\": \"adaptive\", \"class_weight\": {\"sub750\": 0, \"sub330\": 0,"
    " \"sub110\": 1, \"line\": 0, \"nuclear\": 0, \"thermal\": 0, \"chp\": 0, \"hydro\": 0,"
    " \"gas\": 0, \"wind\": 0, \"solar\": 0, \"other\": 0}},"
    " \"repair\": {\"times\": {\"sub110\": {\"dist\": \"fixed\", \"value_h\": %g}}}%s}";

static gr_campaign_scenario *adapt_scn(double repair_h, const char *extra)
{
    char text[2048];
    snprintf(text, sizeof text, adapt_fmt, repair_h, extra);
    gr_campaign_scenario *s = NULL;
    gr_error err = {0, ""};
    if (gr_campaign_scenario_parse(text, strlen(text), "adapt.json", NULL, &s, &err) != GR_OK)
        fail_msg("scenario: %s", err.msg);
    return s;
}

/* Buses (the 110 kV substations' elements) of the run's events of `kind`,
 * night by night (one threat a night): out[night - 1], -1 none. */
static void event_buses(const gr_campaign_result *r, int kind, int out[3])
{
    out[0] = out[1] = out[2] = -1;
    for (int i = 0; i < r->n_events[0]; i++) {
        const gr_campaign_event *e = &r->events[0][i];
        if (e->kind == kind && e->night >= 1 && e->night <= 3)
            out[e->night - 1] = e->elem_index;
    }
}

static gr_campaign_result *adapt_run(const gr_campaign_scenario *s, int runs, int threads)
{
    gr_campaign_options o;
    gr_campaign_options_default(&o);
    o.runs = runs;
    o.threads = threads;
    o.seed = 4;
    gr_campaign_result *r = NULL;
    gr_error err = {0, ""};
    if (gr_campaign_run(s, &o, &r, &err) != GR_OK)
        fail_msg("campaign: %s", err.msg);
    return r;
}

/* An undefended target, every hit damages: the adaptive attacker strikes the
 * substation whose loss sheds most, and strikes it again each night once it
 * is repaired (4 h, over the day); while it is still damaged (repairs of
 * 1000 h) it moves on to another one. Visible protection moves it too. */
static void test_adaptive_restrikes_repaired(void **state)
{
    (void)state;
    gr_campaign_scenario *s = adapt_scn(4, "");
    gr_campaign_result *r = adapt_run(s, 1, 1);
    int dmg[3];
    event_buses(r, GR_CEV_DAMAGE, dmg);
    assert_true(dmg[0] >= 0);
    assert_int_equal(dmg[1], dmg[0]);
    assert_int_equal(dmg[2], dmg[0]);
    int a0 = -1;
    for (int a = 0; a < s->assets.n; a++)
        if (s->assets.cls[a] == GR_ASSET_SUB110 && s->assets.elem_index[s->assets.elem_ptr[a]] == dmg[0])
            a0 = a;
    assert_true(a0 >= 0);
    /* the first target is the largest loss at peak among the 110 kV substations
       (its LP value; loss_mw is the dark-island estimate: it must be near the top) */
    int above = 0;
    for (int a = 0; a < s->assets.n; a++)
        above += s->assets.cls[a] == GR_ASSET_SUB110 && s->assets.loss_mw[a] > s->assets.loss_mw[a0] + 1e-9;
    assert_true(above < 16);
    char name[96];
    snprintf(name, sizeof name, "%s", s->assets.name[a0]);
    gr_campaign_result_free(r);
    gr_campaign_scenario_free(s);

    s = adapt_scn(1000, "");
    r = adapt_run(s, 1, 1);
    int dmg2[3];
    event_buses(r, GR_CEV_DAMAGE, dmg2);
    assert_int_equal(dmg2[0], dmg[0]);
    assert_true(dmg2[1] >= 0 && dmg2[1] != dmg[0]); /* not repaired: the next one */
    gr_campaign_result_free(r);
    gr_campaign_scenario_free(s);

    char extra[256];
    snprintf(extra, sizeof extra, ", \"protection\": {\"assets\": [{\"asset\": \"%s\", \"level\": 1}]}",
             name);
    s = adapt_scn(4, extra);
    r = adapt_run(s, 1, 1);
    int hit[3];
    event_buses(r, GR_CEV_DAMAGE, dmg2);
    event_buses(r, GR_CEV_HIT, hit);
    for (int k = 0; k < 3; k++) {
        assert_true(dmg2[k] != dmg[0]); /* the sheltered one is seen and left alone */
        assert_true(hit[k] != dmg[0]);
    }
    assert_true(dmg2[0] >= 0);
    gr_campaign_result_free(r);
    /* deterministic and the same for any thread count */
    gr_campaign_result *r1 = adapt_run(s, 3, 1), *r2 = adapt_run(s, 3, 2);
    for (int i = 0; i < 3; i++) {
        assert_true(r1->total[i].ens_mwh == r2->total[i].ens_mwh);
        assert_int_equal(r1->total[i].damaged, r2->total[i].damaged);
    }
    gr_campaign_result_free(r1);
    gr_campaign_result_free(r2);
    gr_campaign_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_form_without_saturation),
        cmocka_unit_test(test_channel_saturation),
        cmocka_unit_test(test_stock_saturation),
        cmocka_unit_test(test_missiles_leak_more_behind_drones),
        cmocka_unit_test(test_determinism_and_bad_input),
        cmocka_unit_test(test_layered_two_zones_in_order),
        cmocka_unit_test(test_layered_radar_horizon),
        cmocka_unit_test(test_layered_point_and_reload),
        cmocka_unit_test(test_layered_saturation),
        cmocka_unit_test(test_weekly_resupply),
        cmocka_unit_test(test_adaptive_restrikes_repaired),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
