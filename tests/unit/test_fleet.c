/* test_fleet.c — the campaign's generation fleet (src/sim/fleet.c) against hand-worked cases: restart after a trip, the hydro daily budget, a nuclear unit's outlet and its restart delay, the CHP must-run floor; the scenario's fleet block; the default campaign's restarts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/campaign_internal.h"
#include "sim/fleet.h"
#include "testutil.h"

/* Units: 0 thermal 300 MW, 1 hydro 100 MW, 2 nuclear 1000 MW, 3 CHP 200 MW,
 * 4 no plant (a tie's slot: never a fleet unit). */
static void make(fleet *f, gr_fleet_params *p)
{
    static const int type[5] = {GR_PLANT_THERMAL, GR_PLANT_HYDRO, GR_PLANT_NUCLEAR,
                                GR_PLANT_CHP, -1};
    static const double pmax[5] = {300.0, 100.0, 1000.0, 200.0, 500.0};
    gr_fleet_params_default(p);
    assert_int_equal(fleet_init(f, p, 5, type, pmax), GR_OK);
}

/* A thermal unit tripped at hour 5 with start_h 6 is out for hours 5..10 and
 * generates again from hour 11; hydro (0.1 h) is back at the next hour. */
static void test_trip_out_until_restart(void **state)
{
    (void)state;
    fleet f;
    gr_fleet_params p;
    make(&f, &p);
    assert_near(p.start_h[GR_PLANT_THERMAL], 6.0, 0, 0);
    int day = 0;
    assert_int_equal(fleet_begin_hour(&f, 5.0, day, NULL), 0);
    fleet_trip(&f, 0, 5.0);
    fleet_trip(&f, 1, 5.0);
    fleet_trip(&f, 4, 5.0); /* no plant: ignored */
    assert_true(fleet_is_out(&f, 0) && fleet_is_out(&f, 1) && !fleet_is_out(&f, 4));
    assert_int_equal(f.restarts, 2);
    for (int h = 6; h <= 12; h++) {
        int changed = fleet_begin_hour(&f, (double)h, day, NULL);
        assert_int_equal(fleet_is_out(&f, 0), h <= 10);
        assert_false(fleet_is_out(&f, 1));
        assert_int_equal(changed, h == 6 || h == 11); /* hydro back at 6, thermal at 11 */
    }
    /* a second trip while starting: the later return wins, one restart */
    fleet_trip(&f, 0, 12.0);
    fleet_trip(&f, 0, 14.0);
    assert_int_equal(f.restarts, 3);
    fleet_begin_hour(&f, 19.0, day, NULL);
    assert_true(fleet_is_out(&f, 0));
    fleet_begin_hour(&f, 20.0, day, NULL);
    assert_false(fleet_is_out(&f, 0));
    fleet_free(&f);
}

/* Hydro 100 MW with a 3 h budget (300 MWh) dispatched at 80 MW: 220, 140, 60
 * MWh left after hours 0, 1, 2; at hour 3 less than an hour at Pmax is left,
 * so it is out for hours 3..23 (21 h x 100 MW withheld) and the energy used
 * (240 MWh) never exceeds the budget; the next day refills it. */
static void test_hydro_budget(void **state)
{
    (void)state;
    fleet f;
    gr_fleet_params p;
    make(&f, &p);
    p.hydro_budget_h = 3.0;
    f.budget_mwh[1] = 300.0; /* as fleet_init with this budget */
    double used = 0.0;
    for (int h = 0; h < 24; h++) {
        fleet_begin_hour(&f, (double)h, 0, NULL);
        assert_int_equal(fleet_is_out(&f, 1), h >= 3);
        double before = f.budget_mwh[1];
        fleet_use(&f, 1, 80.0);
        used += before - f.budget_mwh[1];
        fleet_end_hour(&f);
    }
    assert_near(used, 240.0, 1e-9, 0);
    assert_near(f.budget_mwh[1], 60.0, 1e-9, 0);
    assert_near(f.hydro_limited_mwh, 21 * 100.0, 1e-9, 0);
    assert_int_equal(fleet_begin_hour(&f, 24.0, 1, NULL), 1); /* day 1: back */
    assert_false(fleet_is_out(&f, 1));
    assert_near(f.budget_mwh[1], 300.0, 1e-9, 0);
    /* a dispatch above Pmax is clipped: the budget pays at most Pmax */
    fleet_use(&f, 1, 500.0);
    assert_near(f.budget_mwh[1], 200.0, 1e-9, 0);
    fleet_free(&f);
}

/* A nuclear unit whose outlet is lost at hour 10 disconnects (one
 * disconnection), stays out while the outlet is lost (to hour 19), and comes
 * back start_h = 48 h after the outlet is back (hour 20): at hour 68. Out for
 * hours 10..67, 58 unit-hours. */
static void test_nuclear_outlet(void **state)
{
    (void)state;
    fleet f;
    gr_fleet_params p;
    make(&f, &p);
    assert_near(p.start_h[GR_PLANT_NUCLEAR], 48.0, 0, 0);
    unsigned char lost[5] = {0};
    for (int h = 0; h < 80; h++) {
        lost[2] = (unsigned char)(h >= 10 && h < 20);
        fleet_begin_hour(&f, (double)h, h / 24, lost);
        assert_int_equal(fleet_is_out(&f, 2), h >= 10 && h < 68);
        fleet_end_hour(&f);
    }
    assert_int_equal(f.nuclear_disconnections, 1);
    assert_near(f.nuclear_unit_h_out, 58.0, 1e-9, 0);
    /* the frequency band: disconnected at hour 100, back at 148 */
    fleet_nuclear_disconnect(&f, 2, 100.0);
    fleet_nuclear_disconnect(&f, 0, 100.0); /* not nuclear: ignored */
    assert_int_equal(f.nuclear_disconnections, 2);
    fleet_begin_hour(&f, 147.0, 6, lost);
    assert_true(fleet_is_out(&f, 2));
    fleet_begin_hour(&f, 148.0, 6, lost);
    assert_false(fleet_is_out(&f, 2));
    /* a cascade trip of a nuclear unit is a disconnection too */
    fleet_trip(&f, 2, 150.0);
    assert_int_equal(f.nuclear_disconnections, 3);
    assert_int_equal(f.out[2], FLEET_NUCLEAR);
    fleet_free(&f);
}

/* A must-run CHP unit holds Pmin (0.5 x 200 MW = 100 MW) while on; without
 * must-run, and for the other types, the floor is the LP's 0. A must-run unit
 * whose island cannot take its floor trips and restarts start_h after. */
static void test_chp_must_run(void **state)
{
    (void)state;
    fleet f;
    gr_fleet_params p;
    make(&f, &p);
    assert_true(p.chp_must_run);
    assert_near(fleet_floor_mw(&f, 3), 100.0, 1e-12, 0);
    assert_near(fleet_floor_mw(&f, 0), 0.0, 0, 0);
    assert_near(fleet_floor_mw(&f, 2), 0.0, 0, 0);
    fleet_trip(&f, 3, 0.0); /* starting: no output at all */
    assert_near(fleet_floor_mw(&f, 3), 0.0, 0, 0);
    fleet_begin_hour(&f, 4.0, 0, NULL);
    assert_near(fleet_floor_mw(&f, 3), 100.0, 1e-12, 0);
    p.chp_must_run = 0;
    assert_near(fleet_floor_mw(&f, 3), 0.0, 0, 0);
    /* without must-run an island too small for the floor does not matter */
    unsigned char lost[5] = {0, 0, 0, 1, 0};
    int r0 = f.restarts;
    fleet_begin_hour(&f, 5.0, 0, lost);
    assert_false(fleet_is_out(&f, 3));
    /* with it, the unit trips while its island cannot take its 100 MW (hours 10..19)
       and generates again start_h[chp] = 4 h after the island can: hour 24 */
    p.chp_must_run = 1;
    lost[3] = 0;
    fleet_begin_hour(&f, 6.0, 0, lost);
    for (int h = 10; h < 30; h++) {
        lost[3] = (unsigned char)(h < 20);
        fleet_begin_hour(&f, (double)h, h / 24, lost);
        assert_int_equal(fleet_is_out(&f, 3), h < 24);
    }
    assert_int_equal(f.restarts, r0 + 1);
    fleet_free(&f);
}

/* The default scenario's fleet block; bad values fail naming the JSON path. */
static void test_scenario_fleet(void **state)
{
    (void)state;
    const char *def = gr_campaign_default_json();
    const char *key = "\"fleet\": {";
    const char *at = strstr(def, key);
    assert_non_null(at);
    static const struct {
        const char *block, *path;
    } bad[] = {
        {"\"fleet\": {\"start_h\": {\"nuclear\": -1}}", "$.fleet.start_h.nuclear"},
        {"\"fleet\": {\"pmin\": {\"coal\": 0.4}}", "$.fleet.pmin"},
        {"\"fleet\": {\"hydro_budget_h\": 30}", "$.fleet.hydro_budget_h"},
        {"\"fleet\": {\"nuclear_band_hz\": [51, 49]}", "$.fleet.nuclear_band_hz[0]"},
        {"\"fleet\": {\"nuclear_band_hz\": 49}", "$.fleet.nuclear_band_hz"},
        {"\"fleet\": {\"enabled\": 1}", "$.fleet.enabled"},
        {"\"fleet\": {\"startup_h\": 1}", "$.fleet"},
    };
    /* the fleet block runs to the end of the default text: "...}}\n}\n" */
    size_t head = (size_t)(at - def);
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        size_t n = head + strlen(bad[k].block) + 4;
        char *text = malloc(n);
        assert_non_null(text);
        snprintf(text, n, "%.*s%s\n}\n", (int)head, def, bad[k].block);
        gr_campaign_scenario *s = NULL;
        gr_error err = {0, ""};
        int st = gr_campaign_scenario_parse(text, strlen(text), "bad.json", NULL, &s, &err);
        if (st != GR_EPARSE || !strstr(err.msg, bad[k].path))
            fail_msg("case %zu: status %d, message \"%s\" (expected %s)", k, st, err.msg,
                     bad[k].path);
        gr_campaign_scenario_free(s);
        free(text);
    }
}

/* The default campaign (seed 1, one run, 10 nights): the fleet restarts
 * units that cascades tripped or crews repaired, every one counted; with
 * fleet.enabled 0 nothing is counted, and holding units out never serves
 * more energy. */
static void test_default_campaign_restarts(void **state)
{
    (void)state;
    gr_campaign_scenario *s = NULL;
    gr_error err = {0, ""};
    assert_int_equal(gr_campaign_scenario_read(NULL, &s, &err), GR_OK);
    assert_true(s->fleet.enabled);
    gr_campaign_options o;
    gr_campaign_options_default(&o);
    o.nights = 10;
    o.seed = 1;
    o.threads = 1;
    gr_campaign_result *r = NULL, *r0 = NULL;
    assert_int_equal(gr_campaign_run(s, &o, &r, &err), GR_OK);
    s->fleet.enabled = 0;
    assert_int_equal(gr_campaign_run(s, &o, &r0, &err), GR_OK);
    const gr_campaign_total *t = &r->total[0], *t0 = &r0->total[0];
    assert_true(t->unit_restarts > 0);
    assert_true(t->nuclear_unit_days_out >= 0.0);
    assert_true(t->nuclear_unit_days_out * 24.0 <= 10 * 24.0 * 15 + 1e-9);
    assert_int_equal(t0->unit_restarts, 0);
    assert_int_equal(t0->nuclear_disconnections, 0);
    assert_near(t0->hydro_energy_limited_mwh, 0.0, 0, 0);
    assert_true(t->ens_mwh >= t0->ens_mwh - 1e-6 * t0->ens_mwh);
    gr_campaign_result_free(r);
    gr_campaign_result_free(r0);
    gr_campaign_scenario_free(s);
}

/* The first in-service unit of plant type `type` on the default region's
 * model, and (n_at_bus) how many such units its bus holds. */
static int first_unit_of(const camp_model *m, const gr_campaign_scenario *s, int type,
                         int *n_at_bus)
{
    int k = -1;
    for (int j = 0; j < m->ng0 && k < 0; j++)
        if (m->gen_plant[j] >= 0 && s->overlay->plant_type[m->gen_plant[j]] == type &&
            m->g0->gen_on[j])
            k = j;
    assert_true(k >= 0);
    int b = m->g0->gen_bus[k];
    *n_at_bus = 0;
    for (int j = 0; j < m->ng0; j++)
        *n_at_bus += m->g0->gen_bus[j] == b && m->gen_plant[j] >= 0 && m->g0->gen_on[j] &&
                     s->overlay->plant_type[m->gen_plant[j]] == type;
    return k;
}

/* A run of model m whose only damage is every branch at bus b: listed, not
 * active until cut_run_cut, done by cut_run_repair; the fleet initialised. */
typedef struct cut_run {
    camp_run w;
    gr_campaign_total tot;
    int nbr;
} cut_run;

static void cut_run_init(cut_run *c, camp_model *m, int b)
{
    memset(c, 0, sizeof *c);
    camp_run *w = &c->w;
    w->m = m;
    w->total = &c->tot;
    w->dmg_br = calloc((size_t)m->nl, 1);
    w->dmg_gen = calloc((size_t)m->ng, 1);
    w->dmg_bus = calloc((size_t)m->nb, 1);
    c->nbr = m->adj.br_ptr[b + 1] - m->adj.br_ptr[b];
    w->d = calloc((size_t)c->nbr, sizeof *w->d);
    assert_true(c->nbr > 0 && w->d && w->dmg_br && w->dmg_gen && w->dmg_bus);
    for (int i = 0; i < c->nbr; i++)
        w->d[i] = (camp_dmg){.kind = GR_ELEM_BRANCH, .index = m->adj.br[m->adj.br_ptr[b] + i],
                             .active = 1, .crew = -1};
    assert_int_equal(camp_fleet_run_init(w), GR_OK);
}

static void cut_run_cut(cut_run *c)
{
    for (int i = 0; i < c->nbr; i++)
        c->w.dmg_br[c->w.d[i].index] = 1;
    c->w.nd = c->nbr;
}

static void cut_run_repair(cut_run *c)
{
    for (int i = 0; i < c->nbr; i++) {
        c->w.d[i].done = 1;
        c->w.dmg_br[c->w.d[i].index] = 0;
    }
}

static void cut_run_free(cut_run *c)
{
    camp_fleet_run_free(&c->w);
    free(c->w.d);
    free(c->w.dmg_br);
    free(c->w.dmg_gen);
    free(c->w.dmg_bus);
}

/* The outlet rule on the default region: a nuclear unit whose bus loses
 * every branch (damaged at hour 1, repaired at hour 5) is disconnected at
 * hour 1 with the other nuclear units of its bus, and back at 5 + 48 = 53. */
static void test_nuclear_outlet_in_campaign(void **state)
{
    (void)state;
    gr_campaign_scenario *s = NULL;
    gr_error err = {0, ""};
    assert_int_equal(gr_campaign_scenario_read(NULL, &s, &err), GR_OK);
    camp_model m;
    assert_int_equal(camp_model_build(&m, s, s->control, 3, 0, &err), GR_OK);
    int nat = 0, k = first_unit_of(&m, s, GR_PLANT_NUCLEAR, &nat);
    cut_run c;
    cut_run_init(&c, &m, m.g0->gen_bus[k]);
    camp_fleet_hour(&c.w, 0.0);
    assert_false(fleet_is_out(c.w.fl, k)); /* the undamaged outlet carries its units */
    cut_run_cut(&c);
    for (int h = 1; h < 60; h++) {
        if (h == 5)
            cut_run_repair(&c);
        camp_fleet_hour(&c.w, (double)h);
        assert_int_equal(fleet_is_out(c.w.fl, k), h < 53);
    }
    assert_int_equal(c.w.fl->nuclear_disconnections, nat);
    camp_fleet_totals(&c.w);
    assert_int_equal(c.tot.nuclear_disconnections, nat);
    cut_run_free(&c);
    camp_model_free(&m);
    gr_campaign_scenario_free(s);
}

/* The must-run rule on the default region: a CHP bus cut off from every branch
 * (damaged at hour 1, repaired at hour 5), with its own load set to 0, is an
 * island that cannot take any floor: its must-run units trip at hour 1 and
 * generate again at 5 + start_h[chp] = 9; with must-run off they stay on. */
static void test_chp_island_in_campaign(void **state)
{
    (void)state;
    for (int must = 1; must >= 0; must--) {
        gr_campaign_scenario *s = NULL;
        gr_error err = {0, ""};
        assert_int_equal(gr_campaign_scenario_read(NULL, &s, &err), GR_OK);
        s->fleet.chp_must_run = must;
        camp_model m;
        assert_int_equal(camp_model_build(&m, s, s->control, 3, 0, &err), GR_OK);
        int nchp = 0, k = first_unit_of(&m, s, GR_PLANT_CHP, &nchp);
        int b = m.g0->gen_bus[k];
        ((gr_grid *)m.g0)->pd[b] = 0.0; /* the island's load: none */
        cut_run c;
        cut_run_init(&c, &m, b);
        camp_fleet_hour(&c.w, 0.0);
        assert_false(fleet_is_out(c.w.fl, k)); /* connected: the grid takes its floor */
        cut_run_cut(&c);
        for (int h = 1; h < 12; h++) {
            if (h == 5)
                cut_run_repair(&c);
            camp_fleet_hour(&c.w, (double)h);
            assert_int_equal(fleet_is_out(c.w.fl, k), must && h < 9);
        }
        assert_int_equal(c.w.fl->restarts, must ? nchp : 0); /* every CHP unit of the bus */
        cut_run_free(&c);
        camp_model_free(&m);
        gr_campaign_scenario_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trip_out_until_restart),
        cmocka_unit_test(test_hydro_budget),
        cmocka_unit_test(test_nuclear_outlet),
        cmocka_unit_test(test_nuclear_outlet_in_campaign),
        cmocka_unit_test(test_chp_island_in_campaign),
        cmocka_unit_test(test_chp_must_run),
        cmocka_unit_test(test_scenario_fleet),
        cmocka_unit_test(test_default_campaign_restarts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
