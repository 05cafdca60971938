/* test_fragility.c — damage by fragility: the CEP relation, cube-root lethal radius, which units of a row one hit takes (one of k, neighbours in the lethal radius, repeat hits, fire spread with p = 1 and p = 0, shelters), and a bank losing one unit a night in a campaign. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/fragility.h"
#include "testutil.h"

/* CEP: half the impacts within one CEP; (R/CEP)^2 = 4 gives 1 - 0.5^4. */
static void test_cep_probability(void **state)
{
    (void)state;
    assert_float_equal(gr_cep_hit_probability(10.0, 10.0), 0.5, 1e-15);
    assert_float_equal(gr_cep_hit_probability(20.0, 10.0), 0.9375, 1e-15);
    assert_float_equal(gr_cep_hit_probability(5.0, 10.0), 1.0 - pow(0.5, 0.25), 1e-15);
    assert_float_equal(gr_cep_hit_probability(0.0, 10.0), 0.0, 0);
    assert_float_equal(gr_cep_hit_probability(3.0, 0.0), 1.0, 0);
    /* cube-root scaling: 64 kg at z = 4 m/kg^(1/3) -> 16 m; 8x the mass doubles it */
    assert_float_equal(gr_lethal_radius_m(4.0, 64.0), 16.0, 1e-12);
    assert_float_equal(gr_lethal_radius_m(4.0, 512.0), 32.0, 1e-12);
    assert_float_equal(gr_lethal_radius_m(4.0, 0.0), 0.0, 0);
}

/* The sampled miss distance follows the CEP relation: a single unit with
 * R = CEP is lost in half the hits, with R = 2 CEP in 15/16 (binomial
 * 4-sigma bands over 40000 hits). */
static void test_cep_sampling(void **state)
{
    (void)state;
    const int n = 40000;
    const double rr[2] = {10.0, 20.0}, want[2] = {0.5, 0.9375};
    for (int c = 0; c < 2; c++) {
        gr_rng rng;
        gr_rng_seed(&rng, 7);
        int lost = 0;
        for (int i = 0; i < n; i++) {
            unsigned char st = FR_INTACT;
            lost += fr_hit_row(1, 0, 0.0, rr[c], 10.0, 0.0, 0.0, &st, &rng);
        }
        double sd = sqrt(want[c] * (1 - want[c]) / n);
        assert_true(fabs((double)lost / n - want[c]) < 4 * sd);
    }
}

/* A bank of k = 4 units 25 m apart, an exact hit (CEP 0) on unit 1 with a
 * 14 m lethal radius: that unit alone is lost; 3 remain. A 30 m radius also
 * takes both neighbours (25 m away); aimed at the end unit, two are lost. */
static void test_bank_loses_one_unit(void **state)
{
    (void)state;
    gr_rng rng;
    gr_rng_seed(&rng, 1);
    unsigned char st[4] = {0, 0, 0, 0};
    assert_int_equal(fr_hit_row(4, 1, 25.0, 14.0, 0.0, 0.0, 0.0, st, &rng), 1);
    assert_int_equal(st[0], FR_INTACT);
    assert_int_equal(st[1], FR_BLAST);
    assert_int_equal(st[2], FR_INTACT);
    assert_int_equal(st[3], FR_INTACT);
    unsigned char big[4] = {0, 0, 0, 0};
    assert_int_equal(fr_hit_row(4, 1, 25.0, 30.0, 0.0, 0.0, 0.0, big, &rng), 3);
    assert_true(big[0] == FR_BLAST && big[1] == FR_BLAST && big[2] == FR_BLAST &&
                big[3] == FR_INTACT);
    unsigned char end[4] = {0, 0, 0, 0};
    assert_int_equal(fr_hit_row(4, 0, 25.0, 30.0, 0.0, 0.0, 0.0, end, &rng), 2);
    assert_true(end[2] == FR_INTACT && end[3] == FR_INTACT);
}

/* A repeat hit on a damaged bank: unit 1 already lost, the hit aimed at unit
 * 2 takes it (and with a 30 m radius unit 3 too); unit 1 stays as it was and
 * is not counted again. */
static void test_repeat_hit(void **state)
{
    (void)state;
    gr_rng rng;
    gr_rng_seed(&rng, 2);
    unsigned char st[4] = {FR_INTACT, FR_DAMAGED, FR_INTACT, FR_INTACT};
    assert_int_equal(fr_hit_row(4, 2, 25.0, 14.0, 0.0, 0.0, 0.0, st, &rng), 1);
    assert_true(st[1] == FR_DAMAGED && st[2] == FR_BLAST && st[3] == FR_INTACT);
    unsigned char st2[4] = {FR_INTACT, FR_DAMAGED, FR_INTACT, FR_INTACT};
    assert_int_equal(fr_hit_row(4, 2, 25.0, 30.0, 0.0, 0.0, 0.0, st2, &rng), 2);
    assert_true(st2[0] == FR_INTACT && st2[1] == FR_DAMAGED && st2[2] == FR_BLAST &&
                st2[3] == FR_BLAST);
}

/* Fire: with p = 1 the unit lost to the blast sets both intact neighbours on
 * fire (one step: unit 3, two away, stays); a damaged neighbour does not
 * burn again; with p = 0 only the blast's unit is lost. */
static void test_fire_spread(void **state)
{
    (void)state;
    gr_rng rng;
    gr_rng_seed(&rng, 3);
    unsigned char st[4] = {0, 0, 0, 0};
    assert_int_equal(fr_hit_row(4, 1, 25.0, 14.0, 0.0, 0.0, 1.0, st, &rng), 3);
    assert_true(st[0] == FR_FIRE && st[1] == FR_BLAST && st[2] == FR_FIRE &&
                st[3] == FR_INTACT);
    unsigned char dm[4] = {FR_DAMAGED, 0, 0, 0};
    assert_int_equal(fr_hit_row(4, 1, 25.0, 14.0, 0.0, 0.0, 1.0, dm, &rng), 2);
    assert_true(dm[0] == FR_DAMAGED && dm[2] == FR_FIRE && dm[3] == FR_INTACT);
    unsigned char no[4] = {0, 0, 0, 0};
    assert_int_equal(fr_hit_row(4, 1, 25.0, 14.0, 0.0, 0.0, 0.0, no, &rng), 1);
    assert_true(no[0] == FR_INTACT && no[2] == FR_INTACT);
}

/* A shelter with protection 1 defeats every hit; with 0.5 about half
 * (exact hits, 4-sigma band over 20000). */
static void test_protection(void **state)
{
    (void)state;
    gr_rng rng;
    gr_rng_seed(&rng, 4);
    unsigned char st[2] = {0, 0};
    for (int i = 0; i < 100; i++)
        assert_int_equal(fr_hit_row(2, 0, 25.0, 14.0, 0.0, 1.0, 1.0, st, &rng), 0);
    int lost = 0, n = 20000;
    for (int i = 0; i < n; i++) {
        unsigned char one = FR_INTACT;
        lost += fr_hit_row(1, 0, 0.0, 14.0, 0.0, 0.5, 0.0, &one, &rng);
    }
    assert_true(fabs((double)lost / n - 0.5) < 4 * sqrt(0.25 / n));
}

/* ------------------------------------------------------------------------
 * In the campaign.
 * ------------------------------------------------------------------------ */
static const char *const tiny_fmt =
    "{\"format\": \"gridres-campaign\", \"version\": 1, \"name\": \"tiny\",\n"
    " \"synth\": {\"buses\": 300, \"seed\": 3}, \"nights\": 2, \"p_switchyard\": 0,\n"
    " \"threat_types\": {\"drone\": {\"p_ew\": 0, \"warhead_kg\": 50, \"cep_m\": 0}},\n"
    " \"fragility\": {\"spacing_m\": {\"autotransformer\": 1000},"
    " \"p_fire\": {\"autotransformer\": 0}},\n"
    " \"schedule\": [{\"every\": 1, \"waves\": [{\"time_h\": 2, \"counts\": {\"drone\": 1},"
    " \"launch\": [{\"x_km\": -50, \"y_km\": -50}]}]}],\n"
    " \"targets\": {\"policy\": \"list\", \"assets\": [{\"asset\": \"%s\"}]}}\n";

static gr_campaign_scenario *parse(const char *text, gr_error *err, int *st)
{
    gr_campaign_scenario *s = NULL;
    *st = gr_campaign_scenario_parse(text, strlen(text), "tiny.json", NULL, &s, err);
    return s;
}

/* A transmission substation with k >= 2 transformer units, hit once a night
 * by an exact drone (CEP 0, the lethal radius 14 m, units 1 km apart): night 1
 * takes one unit of k, night 2 (the repair takes weeks) another one. */
static void test_campaign_bank(void **state)
{
    (void)state;
    char text[2048];
    gr_error err = {0, ""};
    int st;
    /* find the bank on the tiny grid first (the name is not known in advance) */
    const char *plain = "{\"format\": \"gridres-campaign\", \"version\": 1,"
                        " \"synth\": {\"buses\": 300, \"seed\": 3}, \"schedule\": []}";
    gr_campaign_scenario *s0 = parse(plain, &err, &st);
    assert_non_null(s0);
    const gr_campaign_assets *a0 = &s0->assets;
    int bank = -1, k = 0;
    for (int i = 0; i < a0->n && bank < 0; i++) {
        if (a0->switchyard[i] < 0)
            continue;
        int n = 0;
        for (int j = a0->elem_ptr[i]; j < a0->elem_ptr[i + 1]; j++)
            n += a0->elem_kind[j] == GR_ELEM_BRANCH;
        if (n >= 2) {
            bank = i;
            k = n;
        }
    }
    assert_true(bank >= 0);
    snprintf(text, sizeof text, tiny_fmt, a0->name[bank]);
    gr_campaign_scenario *s = parse(text, &err, &st);
    if (st != GR_OK)
        fail_msg("parse: %s", err.msg);
    int a = gr_campaign_asset_find(&s->assets, a0->name[bank]);
    assert_true(a >= 0);
    assert_int_equal(s->p_damage_fixed[GR_THREAT_DRONE][s->assets.cls[a]], 0);
    /* the reader filled the single-hit figure: CEP 0, every impact on the aim */
    assert_float_equal(s->p_damage[GR_THREAT_DRONE][s->assets.cls[a]], 1.0, 0);
    gr_campaign_options o;
    gr_campaign_result *r = NULL;
    gr_campaign_options_default(&o);
    o.runs = 1;
    o.threads = 1;
    o.seed = 5;
    assert_int_equal(gr_campaign_run(s, &o, &r, &err), GR_OK);
    assert_int_equal(r->night[0].hits, 1);
    assert_int_equal(r->night[0].damaged, 1);
    assert_int_equal(r->night[1].hits, 1);
    assert_int_equal(r->night[1].damaged, 1);
    int seen[2] = {-1, -1}, nd = 0;
    for (int e = 0; e < r->n_events[0]; e++) {
        const gr_campaign_event *ev = &r->events[0][e];
        if (ev->kind != GR_CEV_DAMAGE)
            continue;
        assert_int_equal(ev->elem_kind, GR_ELEM_BRANCH); /* a unit, never the switchyard */
        int mine = 0;
        for (int j = s->assets.elem_ptr[a]; j < s->assets.elem_ptr[a + 1]; j++)
            mine |= s->assets.elem_kind[j] == GR_ELEM_BRANCH &&
                    s->assets.elem_index[j] == ev->elem_index;
        assert_true(mine);
        assert_true(nd < 2);
        seen[nd++] = ev->elem_index;
    }
    assert_int_equal(nd, 2);
    assert_int_not_equal(seen[0], seen[1]); /* the repeat hit took another unit */
    assert_true(k >= 2);
    gr_campaign_result_free(r);
    gr_campaign_scenario_free(s);
    gr_campaign_scenario_free(s0);
}

/* Reader: weapon and fragility fields checked with their JSON paths; a
 * p_damage given for a class fixes that class only. */
static void test_reader(void **state)
{
    (void)state;
    gr_error err = {0, ""};
    int st;
    const char *bad =
        "{\"format\": \"gridres-campaign\", \"version\": 1, \"synth\": {\"buses\": 300},"
        " \"schedule\": [], \"fragility\": {\"p_fire\": {\"castle\": 0.5}}}";
    gr_campaign_scenario *s = parse(bad, &err, &st);
    assert_int_equal(st, GR_EPARSE);
    assert_null(s);
    assert_non_null(strstr(err.msg, "$.fragility.p_fire"));
    assert_non_null(strstr(err.msg, "castle"));
    const char *neg =
        "{\"format\": \"gridres-campaign\", \"version\": 1, \"synth\": {\"buses\": 300},"
        " \"schedule\": [], \"threat_types\": {\"cruise\": {\"cep_m\": -1}}}";
    s = parse(neg, &err, &st);
    assert_int_equal(st, GR_EPARSE);
    assert_non_null(strstr(err.msg, "$.threat_types.cruise.cep_m"));
    const char *mixed =
        "{\"format\": \"gridres-campaign\", \"version\": 1, \"synth\": {\"buses\": 300},"
        " \"schedule\": [], \"threat_types\": {\"drone\": {\"p_damage\": {\"thermal\": 0.25},"
        " \"warhead_kg\": 64, \"cep_m\": 16}},"
        " \"fragility\": {\"lethal_z\": {\"line\": 4}}}";
    s = parse(mixed, &err, &st);
    if (st != GR_OK)
        fail_msg("parse: %s", err.msg);
    int th = GR_ASSET_PLANT + GR_PLANT_THERMAL, ln = GR_ASSET_LINE;
    assert_int_equal(s->p_damage_fixed[GR_THREAT_DRONE][th], 1);
    assert_float_equal(s->p_damage[GR_THREAT_DRONE][th], 0.25, 0);
    assert_int_equal(s->p_damage_fixed[GR_THREAT_DRONE][ln], 0);
    /* line: R = 4 x 64^(1/3) = 16 m = CEP -> 0.5 */
    assert_float_equal(s->p_damage[GR_THREAT_DRONE][ln], 0.5, 1e-12);
    gr_campaign_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cep_probability),  cmocka_unit_test(test_cep_sampling),
        cmocka_unit_test(test_bank_loses_one_unit), cmocka_unit_test(test_repeat_hit),
        cmocka_unit_test(test_fire_spread),      cmocka_unit_test(test_protection),
        cmocka_unit_test(test_campaign_bank),    cmocka_unit_test(test_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
