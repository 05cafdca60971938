/* test_cascade_models.c — the reference rule sets of the cascade (model dcsimsep: DCSIMSEP, Eppstein & Hines 2012; model accfm: AC-CFM, Noebels et al. 2020) on small cases worked by hand: relay integration and reset, ramped rebalance, smallest-unit tripping, uniform shedding, islands without generation, the stop threshold; AC-CFM's recursion, instantaneous trips, UFLS amount, UVLS steps and vcls. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "sim/cascade_accfm.h"
#include "solve/pf_internal.h"

static gr_grid *grid_from_text(const char *text)
{
    gr_case *c = NULL;
    gr_grid *g = NULL;
    gr_error err = {0};
    if (gr_case_parse(text, strlen(text), "test", &c, &err) != GR_OK)
        fail_msg("parse: %s", err.msg);
    if (gr_grid_from_case(c, &g, &err) != GR_OK)
        fail_msg("grid: %s", err.msg);
    gr_case_free(c);
    return g;
}

static gr_cascade_result *run(const gr_grid *g, const gr_cascade_options *o, int nbr,
                              const int *br, int ngen, const int *gen)
{
    gr_cascade_damage d = {nbr, ngen, 0, br, gen, NULL};
    gr_cascade_result *r = NULL;
    gr_error err = {0};
    int st = gr_cascade_run(g, &d, o, &r, &err);
    if (st != GR_OK)
        fail_msg("gr_cascade_run: %s (%s)", gr_strerror(st), err.msg);
    return r;
}

static void check_accounts(const gr_cascade_result *r)
{
    double sum = 0.0, ev = 0.0;
    for (int c = 0; c < GR_LOSS_N; c++) {
        assert_true(r->lost_by_cat_mw[c] >= -1e-9);
        sum += r->lost_by_cat_mw[c];
    }
    for (int e = 0; e < r->n_events; e++)
        ev += r->events[e].mw_lost;
    assert_near(r->lost_mw, r->load0_mw - r->served_mw, 1e-9, 1e-12);
    assert_near(sum, r->lost_mw, 1e-6, 1e-9);
    assert_near(ev, r->lost_mw, 1e-6, 1e-9);
}

static void expect_event(const gr_cascade_result *r, int e, int kind, int index, int cause,
                         double t_s, double mw)
{
    if (e >= r->n_events)
        fail_msg("event %d missing (%d events)", e, r->n_events);
    const gr_cascade_event *ev = &r->events[e];
    if (ev->kind != kind || ev->index != index || ev->cause != cause)
        fail_msg("event %d: %s %d %s, expected %s %d %s", e, gr_elem_kind_name(ev->kind), ev->index,
                 gr_cascade_cause_name(ev->cause), gr_elem_kind_name(kind), index,
                 gr_cascade_cause_name(cause));
    assert_near(ev->t_s, t_s, 1e-6, 1e-9);
    assert_near(ev->mw_lost, mw, 1e-6, 1e-9);
}

static void options(gr_cascade_options *o, int model)
{
    gr_cascade_options_default(o);
    o->model = model;
}

/* ------------------------------------------------------------------------
 * DCSIMSEP. Relays: pickup rateB, trip when ∫(|P| - rateB) dt reaches
 * 0.5 x 15 s x rateB; the state runs down below pickup (floor 0); steps of
 * at most 60 s; the damage is at t = 1 s.
 *
 * Case R: G1 at bus 1 (Pmax 2000 MW: ramp 5 % = 100 MW in the minute),
 * loads 100 MW at buses 2 and 3; lines 1-2 (a, b, e; x 0.1), 2-3 (c), 1-3
 * (d). With e out: a, b 60 MW, c 20 MW, d 80 MW (B = [30 -10; -10 20]).
 *   a (rateB 50): 0.1 pu over, threshold 3.75 pu s: trips at 1 + 37.5 s;
 *     c (rateB 19) has integrated 0.01 x 37.5 = 0.375 pu s by then.
 *   then b 100, c 0, d 100 MW: d (rateB 90) trips 67.5 s later (steps 60 +
 *     7.5): t = 106; c runs down to 0 meanwhile.
 *   then c carries 100 MW: 0.81 pu over, threshold 1.425: 1.759259 s later
 *     (with memory it would be 1.296 s). Bus 3 is left without generation:
 *     its 100 MW are lost; G1 ramps down 200 -> 100 MW within its 100 MW.
 * c carries 28.6 MW in the base case, over its 19: base_overload keep (with
 * raise its pickup would be 28.6 MW and it would trip 3 s after d).
 * ------------------------------------------------------------------------ */
static const char *case_r =
    "function mpc = caser\n"
    "mpc.version = '2';\n"
    "mpc.baseMVA = 100;\n"
    "mpc.bus = [\n"
    "  1 3 0   0 0 0 1 1 0 110 1 1.1 0.9;\n"
    "  2 1 100 0 0 0 1 1 0 110 1 1.1 0.9;\n"
    "  3 1 100 0 0 0 1 1 0 110 1 1.1 0.9;\n"
    "];\n"
    "mpc.gen = [\n"
    "  1 200 0 300 -300 1 100 1 2000 0;\n"
    "];\n"
    "mpc.branch = [\n"
    "  1 2 0 0.1 0 0 50  0 0 0 1 -360 360;\n"
    "  1 2 0 0.1 0 0 200 0 0 0 1 -360 360;\n"
    "  1 2 0 0.1 0 0 200 0 0 0 1 -360 360;\n"
    "  2 3 0 0.1 0 0 19  0 0 0 1 -360 360;\n"
    "  1 3 0 0.1 0 0 90  0 0 0 1 -360 360;\n"
    "];\n";

static void test_dcsimsep_relays(void **state)
{
    (void)state;
    gr_grid *g = grid_from_text(case_r);
    gr_cascade_options o;
    options(&o, GR_CASCADE_MODEL_DCSIMSEP);
    o.stop_served = 0.0;
    o.base_overload = GR_CASCADE_BASE_KEEP;
    int br[1] = {2};
    gr_cascade_result *r = run(g, &o, 1, br, 0, NULL);
    expect_event(r, 0, GR_ELEM_BRANCH, 2, GR_CAUSE_DAMAGE, 1.0, 0.0);
    expect_event(r, 1, GR_ELEM_BRANCH, 0, GR_CAUSE_OVERLOAD, 38.5, 0.0);
    assert_near(r->events[1].value, 60.0 / 50.0, 1e-9, 1e-12);
    expect_event(r, 2, GR_ELEM_BRANCH, 4, GR_CAUSE_OVERLOAD, 106.0, 0.0);
    expect_event(r, 3, GR_ELEM_BRANCH, 3, GR_CAUSE_OVERLOAD, 106.0 + 1.425 / 0.81, 0.0);
    expect_event(r, 4, GR_ELEM_ISLAND, 2, GR_CAUSE_ISLANDING, 106.0 + 1.425 / 0.81, 100.0);
    assert_int_equal(r->n_events, 5);
    assert_near(r->pg_mw[0], 100.0, 1e-6, 1e-9);
    assert_near(r->served_mw, 100.0, 1e-6, 1e-9);
    assert_int_equal(r->stop_reason, 0);
    assert_int_equal(r->n_trips, 3);
    check_accounts(r);
    gr_cascade_result_free(r);

    /* rateB = 0 never trips (relay_settings.m: Imax 0 -> LARGE): a stays in
     * at 60 MW; c (20 MW over 19) now trips first, after 0.5 x 15 x 0.19 /
     * 0.01 = 142.5 s in steps of 60, 60, 22.5. */
    g->rate_b[0] = 0.0;
    r = run(g, &o, 1, br, 0, NULL);
    expect_event(r, 1, GR_ELEM_BRANCH, 3, GR_CAUSE_OVERLOAD, 143.5, 0.0);
    for (int e = 0; e < r->n_events; e++)
        assert_false(r->events[e].kind == GR_ELEM_BRANCH && r->events[e].index == 0 &&
                     r->events[e].cause == GR_CAUSE_OVERLOAD);
    assert_int_equal(r->br_on[0], 1);
    check_accounts(r);
    gr_cascade_result_free(r);
    gr_grid_free(g);
}

/* ------------------------------------------------------------------------
 * Case S: G1 at bus 1 (Pmax 2000: ramp 100 MW), 1000 MW at bus 2; bus 3
 * with G2 (50 MW, Pmax 200: ramp 10 MW) and 60 MW, bus 4 with 30 MW;
 * lines 1-2 (rateB RB12), 2-3, 3-4 unrated. Base: G1 = 1040 MW (DC slack).
 * Opening 2-3: island {3, 4} has 50 MW for 90 MW: G2 ramps to 60 (its
 * minute), the last 30 MW are shed uniformly: factor 60/90, bus 3 keeps
 * 40 MW, bus 4 20 MW. Island {1, 2}: 40 MW surplus, G1 ramps down to 1000.
 * ------------------------------------------------------------------------ */
static gr_grid *case_s_grid(double rb12)
{
    char text[2048];
    snprintf(text, sizeof text,
             "function mpc = cases\n"
             "mpc.version = '2';\n"
             "mpc.baseMVA = 100;\n"
             "mpc.bus = [\n"
             "  1 3 0 0 0 0 1 1 0 110 1 1.1 0.9;\n"
             "  2 1 1000 0 0 0 1 1 0 110 1 1.1 0.9;\n"
             "  3 2 60 0 0 0 1 1 0 110 1 1.1 0.9;\n"
             "  4 1 30 0 0 0 1 1 0 110 1 1.1 0.9;\n"
             "];\n"
             "mpc.gen = [\n"
             "  1 1040 0 300 -300 1 100 1 2000 0;\n"
             "  3 50 0 300 -300 1 100 1 200 0;\n"
             "];\n"
             "mpc.branch = [\n"
             "  1 2 0 0.1 0 0 %g 0 0 0 1 -360 360;\n"
             "  2 3 0 0.1 0 0 0 0 0 0 1 -360 360;\n"
             "  3 4 0 0.1 0 0 0 0 0 0 1 -360 360;\n"
             "];\n",
             rb12);
    return grid_from_text(text);
}

static void test_dcsimsep_rebalance(void **state)
{
    (void)state;
    gr_grid *g = case_s_grid(0.0);
    gr_cascade_options o;
    options(&o, GR_CASCADE_MODEL_DCSIMSEP);
    int br[1] = {1};
    gr_cascade_result *r = run(g, &o, 1, br, 0, NULL);
    assert_near(r->pg_mw[0], 1000.0, 1e-6, 1e-9);
    assert_near(r->pg_mw[1], 60.0, 1e-6, 1e-9);
    assert_near(r->pd_mw[2], 40.0, 1e-6, 1e-9);
    assert_near(r->pd_mw[3], 20.0, 1e-6, 1e-9);
    assert_near(r->lost_by_cat_mw[GR_LOSS_UFLS], 30.0, 1e-6, 1e-9);
    expect_event(r, 1, GR_ELEM_ISLAND, 2, GR_CAUSE_UFLS, 1.0, 30.0);
    assert_int_equal(r->n_events, 2);
    check_accounts(r);
    gr_cascade_result_free(r);

    /* No generation in the island (G2 out as well): it loses its 90 MW. */
    int gen[1] = {1};
    r = run(g, &o, 1, br, 1, gen);
    assert_near(r->lost_by_cat_mw[GR_LOSS_ISLANDING], 90.0, 1e-6, 1e-9);
    assert_near(r->pd_mw[2] + r->pd_mw[3], 0.0, 1e-12, 0);
    assert_near(r->pg_mw[0], 1000.0, 1e-6, 1e-9);
    check_accounts(r);
    gr_cascade_result_free(r);
    gr_grid_free(g);

    /* Stop threshold: 1-2 rated 900 MW (raw: base_overload keep) carries
     * 1000 MW after the rebalance. Served 1060 / 1090 = 0.9725 < 0.99: stop
     * (reason 3) before any relay acts; with 0 the relay trips it after
     * 0.5 x 15 x 9 / 1 = 67.5 s and bus 2 (no generation) loses 1000 MW. */
    g = case_s_grid(900.0);
    o.base_overload = GR_CASCADE_BASE_KEEP;
    o.stop_served = 0.99;
    r = run(g, &o, 1, br, 0, NULL);
    assert_int_equal(r->stop_reason, 3);
    assert_int_equal(r->n_trips, 0);
    assert_near(r->served_mw, 1060.0, 1e-6, 1e-9);
    gr_cascade_result_free(r);
    o.stop_served = 0.0;
    r = run(g, &o, 1, br, 0, NULL);
    assert_int_equal(r->stop_reason, 0);
    expect_event(r, 2, GR_ELEM_BRANCH, 0, GR_CAUSE_OVERLOAD, 68.5, 0.0);
    assert_near(r->lost_by_cat_mw[GR_LOSS_ISLANDING], 1000.0, 1e-6, 1e-9);
    check_accounts(r);
    gr_cascade_result_free(r);
    /* base_overload raise (default): the relay picks up at the base flow,
     * 1040 MW, so 1000 MW does not trip it. */
    o.base_overload = GR_CASCADE_BASE_RAISE;
    r = run(g, &o, 1, br, 0, NULL);
    assert_int_equal(r->n_trips, 0);
    gr_cascade_result_free(r);
    gr_grid_free(g);
}

/* Surplus: island {3} with G2a (30 MW) and G2b (25 MW), both Pmax 100 (ramp
 * 5 MW), for 30 MW of load. Ramp down to 25 + 20 = 45: still 15 too much ->
 * the smallest unit (G2b, 20 MW) trips; 5 MW short -> G2a back up to 30. */
static void test_dcsimsep_trip_smallest(void **state)
{
    (void)state;
    const char *text = "function mpc = caset\n"
                       "mpc.version = '2';\n"
                       "mpc.baseMVA = 100;\n"
                       "mpc.bus = [\n"
                       "  1 3 0 0 0 0 1 1 0 110 1 1.1 0.9;\n"
                       "  2 1 500 0 0 0 1 1 0 110 1 1.1 0.9;\n"
                       "  3 2 30 0 0 0 1 1 0 110 1 1.1 0.9;\n"
                       "];\n"
                       "mpc.gen = [\n"
                       "  1 475 0 300 -300 1 100 1 2000 0;\n"
                       "  3 30 0 300 -300 1 100 1 100 0;\n"
                       "  3 25 0 300 -300 1 100 1 100 0;\n"
                       "];\n"
                       "mpc.branch = [\n"
                       "  1 2 0 0.1 0 0 0 0 0 0 1 -360 360;\n"
                       "  2 3 0 0.1 0 0 0 0 0 0 1 -360 360;\n"
                       "];\n";
    gr_grid *g = grid_from_text(text);
    gr_cascade_options o;
    options(&o, GR_CASCADE_MODEL_DCSIMSEP);
    int br[1] = {1};
    gr_cascade_result *r = run(g, &o, 1, br, 0, NULL);
    assert_int_equal(r->gen_on[2], 0);
    assert_int_equal(r->gen_on[1], 1);
    assert_near(r->pg_mw[1], 30.0, 1e-6, 1e-9);
    assert_near(r->pg_mw[0], 500.0, 1e-6, 1e-9);
    assert_near(r->lost_mw, 0.0, 1e-9, 0);
    expect_event(r, 1, GR_ELEM_GEN, 2, GR_CAUSE_OVERFREQUENCY, 1.0, 0.0);
    gr_cascade_result_free(r);
    gr_grid_free(g);
}


/* ------------------------------------------------------------------------
 * AC-CFM. Cases with r = 0 lines and Q = 0 loads: flows are P (plus small
 * reactive losses). Events carry the iteration number as t_s.
 * ------------------------------------------------------------------------ */
static gr_grid *ac_grid(const char *bus, const char *gen, const char *branch)
{
    char text[4096];
    snprintf(text, sizeof text,
             "function mpc = caseac\n"
             "mpc.version = '2';\n"
             "mpc.baseMVA = 100;\n"
             "mpc.bus = [\n%s];\n"
             "mpc.gen = [\n%s];\n"
             "mpc.branch = [\n%s];\n",
             bus, gen, branch);
    return grid_from_text(text);
}

/* Instantaneous trips above 1.01 x rateA and the recursion: G1 at bus 1,
 * 100 MW at bus 2, lines x 0.1, 0.1, 0.2 (rateA 40, 55, 20; base flows 40,
 * 40, 20 MW). Line 3 out: iteration 1, lines 1 and 2 at 50 MW: line 1 (over
 * 40.4) trips; iteration 2, line 2 at 100 MW (over 55.55) trips; iteration
 * 3, two islands: bus 2 has no generation (100 MW lost), bus 1 no load. */
static void test_accfm_lines_recursion(void **state)
{
    (void)state;
    gr_grid *g = ac_grid("  1 3 0   0 0 0 1 1 0 110 1 1.1 0.9;\n"
                         "  2 1 100 0 0 0 1 1 0 110 1 1.1 0.9;\n",
                         "  1 100 0 300 -300 1 100 1 200 0;\n",
                         "  1 2 0 0.1 0 40 45 50 0 0 1 -360 360;\n"
                         "  1 2 0 0.1 0 55 60 65 0 0 1 -360 360;\n"
                         "  1 2 0 0.2 0 20 25 30 0 0 1 -360 360;\n");
    gr_cascade_options o;
    options(&o, GR_CASCADE_MODEL_ACCFM);
    int br[1] = {2};
    gr_cascade_result *r = run(g, &o, 1, br, 0, NULL);
    expect_event(r, 0, GR_ELEM_BRANCH, 2, GR_CAUSE_DAMAGE, 0.0, 0.0);
    expect_event(r, 1, GR_ELEM_BRANCH, 0, GR_CAUSE_OVERLOAD_INSTANT, 1.0, 0.0);
    assert_near(r->events[1].value, 50.0 / 40.0, 2e-3, 0); /* + reactive losses */
    expect_event(r, 2, GR_ELEM_BRANCH, 1, GR_CAUSE_OVERLOAD_INSTANT, 2.0, 0.0);
    assert_near(r->events[2].value, 100.0 / 55.0, 5e-3, 0);
    expect_event(r, 3, GR_ELEM_ISLAND, 1, GR_CAUSE_ISLANDING, 3.0, 100.0);
    assert_int_equal(r->n_events, 4);
    assert_near(r->served_mw, 0.0, 1e-9, 0);
    check_accounts(r);
    gr_cascade_result_free(r);
    /* rateA 0 on line 2: unlimited (AC-CFM's code would trip it at any
     * flow; docs/cascade.md), the cascade stops after line 1. */
    g->rate_a[1] = 0.0;
    r = run(g, &o, 1, br, 0, NULL);
    assert_int_equal(r->n_trips, 1);
    assert_near(r->served_mw, 100.0, 1e-9, 0);
    gr_cascade_result_free(r);
    gr_grid_free(g);
}

/* UFLS: bus 3 (G2: 50 MW, Pmax 60; load 70 MW) islanded. Its power flow
 * puts G2 at 70 (> Pmax): dG = 20 MW; the units cannot cover it, so every
 * load is scaled by min(60, 1.15 x 50) / 1.1 / 70 = 0.74675 (rounded to 1e-5):
 * 17.7275 MW shed, then G2 = 52.2725 MW. */
static void test_accfm_ufls(void **state)
{
    (void)state;
    gr_grid *g = ac_grid("  1 3 0 0 0 0 1 1 0 110 1 1.1 0.9;\n"
                         "  2 1 1000 0 0 0 1 1 0 110 1 1.1 0.9;\n"
                         "  3 2 70 0 0 0 1 1 0 110 1 1.1 0.9;\n",
                         "  1 1020 0 300 -300 1 100 1 2000 0;\n"
                         "  3 50 0 300 -300 1 100 1 60 0;\n",
                         "  1 2 0 0.01 0 0 0 0 0 0 1 -360 360;\n"
                         "  2 3 0 0.01 0 0 0 0 0 0 1 -360 360;\n");
    gr_cascade_options o;
    options(&o, GR_CASCADE_MODEL_ACCFM);
    int br[1] = {1};
    gr_cascade_result *r = run(g, &o, 1, br, 0, NULL);
    double keep = 0.74675;
    expect_event(r, 1, GR_ELEM_ISLAND, 2, GR_CAUSE_UFLS, 1.0, 70.0 * (1.0 - keep));
    assert_near(r->events[1].value, 1.0 - keep, 1e-12, 0);
    assert_near(r->pd_mw[2], 70.0 * keep, 1e-9, 1e-12);
    assert_near(r->pg_mw[1], 70.0 * keep, 1e-6, 1e-9);
    assert_near(r->lost_by_cat_mw[GR_LOSS_UFLS], 70.0 * (1.0 - keep), 1e-9, 1e-12);
    assert_near(r->served_mw, 1000.0 + 70.0 * keep, 1e-9, 1e-12);
    assert_int_equal(r->n_events, 2);
    check_accounts(r);
    gr_cascade_result_free(r);
    gr_grid_free(g);
}

/* OFGS: bus 3 with G2a (40 MW, Pmax 100), G2b (30 MW, Pmax 50) and 30 MW
 * exports 40 MW; islanded, dG = -40 MW > 15 % of 70: the units smallest by
 * Pmax trip until the next would pass 40 MW — none reaches it, so one (G2b)
 * trips; G2a then carries the 30 MW. */
static void test_accfm_ofgs(void **state)
{
    (void)state;
    gr_grid *g = ac_grid("  1 3 0 0 0 0 1 1 0 110 1 1.1 0.9;\n"
                         "  2 1 500 0 0 0 1 1 0 110 1 1.1 0.9;\n"
                         "  3 2 30 0 0 0 1 1 0 110 1 1.1 0.9;\n",
                         "  1 460 0 300 -300 1 100 1 2000 0;\n"
                         "  3 40 0 300 -300 1 100 1 100 0;\n"
                         "  3 30 0 300 -300 1 100 1 50 0;\n",
                         "  1 2 0 0.01 0 0 0 0 0 0 1 -360 360;\n"
                         "  2 3 0 0.01 0 0 0 0 0 0 1 -360 360;\n");
    gr_cascade_options o;
    options(&o, GR_CASCADE_MODEL_ACCFM);
    int br[1] = {1};
    gr_cascade_result *r = run(g, &o, 1, br, 0, NULL);
    expect_event(r, 1, GR_ELEM_GEN, 2, GR_CAUSE_OVERFREQUENCY, 1.0, 0.0);
    assert_int_equal(r->gen_on[2], 0);
    assert_near(r->pg_mw[1], 30.0, 1e-6, 1e-9);
    assert_near(r->lost_mw, 0.0, 1e-9, 0);
    gr_cascade_result_free(r);
    gr_grid_free(g);
}

/* UVLS: 100 MW + 20 Mvar at bus 2 behind x = 0.1, r = 0.01 (Vm about 0.98)
 * with Vmin 0.999 and the case's limits kept: 5 % of the original load per
 * iteration (5 MW at t = 1 .. 5), then the remaining 75 MW trip (t = 6). */
static void test_accfm_uvls(void **state)
{
    (void)state;
    gr_grid *g = ac_grid("  1 3 0 0 0 0 1 1 0 110 1 1.1 0.9;\n"
                         "  2 1 100 20 0 0 1 1 0 110 1 1.1 0.999;\n",
                         "  1 100 0 300 -300 1 100 1 200 0;\n",
                         "  1 2 0.01 0.1 0 0 0 0 0 0 1 -360 360;\n");
    gr_cascade_options o;
    options(&o, GR_CASCADE_MODEL_ACCFM);
    o.base_overload = GR_CASCADE_BASE_KEEP;
    gr_cascade_result *r = run(g, &o, 0, NULL, 0, NULL);
    for (int e = 0; e < 5; e++)
        expect_event(r, e, GR_ELEM_BUS, 1, GR_CAUSE_UVLS, e + 1.0, 5.0);
    expect_event(r, 5, GR_ELEM_BUS, 1, GR_CAUSE_UVLS, 6.0, 75.0);
    assert_int_equal(r->n_events, 6);
    assert_near(r->lost_by_cat_mw[GR_LOSS_UVLS], 100.0, 1e-9, 1e-12);
    check_accounts(r);
    gr_cascade_result_free(r);
    /* raise (default): Vmin lowered to the base voltage, nothing happens */
    o.base_overload = GR_CASCADE_BASE_RAISE;
    r = run(g, &o, 0, NULL, 0, NULL);
    assert_int_equal(r->n_events, 0);
    assert_near(r->lost_mw, 0.0, 1e-12, 0);
    gr_cascade_result_free(r);
    gr_grid_free(g);
}

/* Divergence: 250 MW over two lines x = 0.3 (nose of the pair at 333 MW);
 * one out, the other's nose is 167 MW: the power flow fails and the island
 * is tripped as vcls (its 250 MW counted as voltage collapse). */
static void test_accfm_vcls(void **state)
{
    (void)state;
    gr_grid *g = ac_grid("  1 3 0 0 0 0 1 1 0 110 1 1.1 0.5;\n"
                         "  2 1 250 0 0 0 1 1 0 110 1 1.1 0.5;\n",
                         "  1 250 0 900 -900 1 100 1 500 0;\n",
                         "  1 2 0 0.3 0 0 0 0 0 0 1 -360 360;\n"
                         "  1 2 0 0.3 0 0 0 0 0 0 1 -360 360;\n");
    gr_cascade_options o;
    options(&o, GR_CASCADE_MODEL_ACCFM);
    int br[1] = {0};
    gr_cascade_result *r = run(g, &o, 1, br, 0, NULL);
    expect_event(r, 1, GR_ELEM_ISLAND, 0, GR_CAUSE_VCLS, 1.0, 250.0);
    assert_near(r->lost_by_cat_mw[GR_LOSS_VOLTAGE_COLLAPSE], 250.0, 1e-9, 0);
    assert_int_equal(gr_cascade_cause_category(GR_CAUSE_VCLS), GR_LOSS_VOLTAGE_COLLAPSE);
    assert_string_equal(gr_cascade_cause_name(GR_CAUSE_VCLS), "vcls");
    check_accounts(r);
    gr_cascade_result_free(r);
    gr_grid_free(g);
}

/* Names, parse, bad options; same results for 1 and 2 threads. */
static void test_models_api(void **state)
{
    (void)state;
    assert_int_equal(gr_cascade_model_parse("dcsimsep"), GR_CASCADE_MODEL_DCSIMSEP);
    assert_int_equal(gr_cascade_model_parse("accfm"), GR_CASCADE_MODEL_ACCFM);
    assert_int_equal(gr_cascade_model_parse("gridres"), GR_CASCADE_MODEL_GRIDRES);
    assert_int_equal(gr_cascade_model_parse("DCSIMSEP"), -1);
    assert_string_equal(gr_cascade_model_name(9), "?");
    gr_grid *g = grid_from_text(case_r);
    gr_cascade_options o;
    options(&o, 3);
    gr_cascade_result *r = NULL;
    gr_error err = {0};
    assert_int_equal(gr_cascade_run(g, NULL, &o, &r, &err), GR_EINVAL);
    assert_non_null(strstr(err.msg, "model"));
    options(&o, GR_CASCADE_MODEL_DCSIMSEP);
    o.stop_served = 1.5;
    assert_int_equal(gr_cascade_run(g, NULL, &o, &r, &err), GR_EINVAL);
    gr_grid_free(g);
}

static void same_mc(const char *rel, int model, int n)
{
    char path[4096];
    TU_NEED_SHARED(rel, path, sizeof path);
    gr_case *c = NULL;
    gr_grid *g = NULL;
    gr_error err = {0};
    if (gr_case_read(path, &c, &err) != GR_OK || gr_grid_from_case(c, &g, &err) != GR_OK)
        fail_msg("%s: %s", rel, err.msg);
    gr_case_free(c);
    gr_cascade_options o;
    options(&o, model);
    o.stop_served = 0.0;
    gr_cascade_mc_result *m1 = NULL, *m2 = NULL;
    assert_int_equal(gr_cascade_random_n2(g, &o, n, 7, 1, &m1, &err), GR_OK);
    assert_int_equal(gr_cascade_random_n2(g, &o, n, 7, 2, &m2, &err), GR_OK);
    int lost = 0;
    for (int e = 0; e < n; e++) {
        assert_int_equal(m1->status[e], GR_OK);
        assert_true(m1->mw_lost[e] == m2->mw_lost[e]);
        assert_int_equal(m1->n_trips[e], m2->n_trips[e]);
        double sum = 0.0;
        for (int k = 0; k < GR_LOSS_N; k++)
            sum += m1->lost_by_cat_mw[e * GR_LOSS_N + k];
        assert_near(sum, m1->mw_lost[e], 1e-6, 1e-9);
        lost += m1->mw_lost[e] > 0.0;
    }
    assert_true(lost > 0); /* some events cascade */
    gr_cascade_mc_result_free(m1);
    gr_cascade_mc_result_free(m2);
    gr_grid_free(g);
}

static void test_models_mc_case39(void **state)
{
    (void)state;
    same_mc("cases/matpower/case39.m", GR_CASCADE_MODEL_DCSIMSEP, 60);
    same_mc("cases/matpower/case39.m", GR_CASCADE_MODEL_ACCFM, 30);
}

/* pf_solver_update (the kept solver of model accfm, pf_reuse.c's fixed
 * pattern on the main island): after branches go out (one island split off,
 * one inside), the same solution as a new solver; then accfm with the kept
 * solver against the rebuilt one, event by event. */
static void test_accfm_kept_solver(void **state)
{
    (void)state;
    char path[4096];
    TU_NEED_SHARED("cases/pglib/pglib_opf_case118_ieee.m", path, sizeof path);
    gr_case *c = NULL;
    gr_grid *g = NULL;
    gr_error err = {0};
    assert_int_equal(gr_case_read(path, &c, &err), GR_OK);
    assert_int_equal(gr_grid_from_case(c, &g, &err), GR_OK);
    gr_pf_solver *s = NULL;
    gr_pf_result *r0 = NULL, *r1 = NULL, *r2 = NULL;
    assert_int_equal(gr_pf_solver_create(g, &s, &err), GR_OK);
    assert_int_equal(gr_pf_solver_solve(s, g, NULL, &r0, &err), GR_OK);
    /* a branch of a degree-one bus (an island splits off) and another */
    int split = -1, inside = -1, *deg = calloc((size_t)g->nb, sizeof(int));
    for (int k = 0; k < g->nl; k++)
        deg[g->br_f[k]]++, deg[g->br_t[k]]++;
    for (int k = 0; k < g->nl; k++) {
        if (split < 0 && (deg[g->br_f[k]] == 1 || deg[g->br_t[k]] == 1))
            split = k;
        else if (inside < 0 && deg[g->br_f[k]] > 3 && deg[g->br_t[k]] > 3)
            inside = k;
    }
    free(deg);
    assert_true(split >= 0 && inside >= 0);
    g->br_on[split] = g->br_on[inside] = 0;
    assert_int_equal(pf_solver_update(s, g, &err), GR_OK);
    assert_int_equal(gr_pf_solver_solve(s, g, NULL, &r1, &err), GR_OK);
    assert_int_equal(gr_pf_ac(g, NULL, &r2, &err), GR_OK);
    assert_int_equal(r1->n_islands, r2->n_islands);
    assert_true(r1->n_islands > r0->n_islands);
    for (int i = 0; i < r1->n_islands; i++)
        assert_int_equal(r1->island_converged[i], r2->island_converged[i]);
    for (int b = 0; b < g->nb; b++) {
        if (isnan(r2->vm[b])) {
            assert_true(isnan(r1->vm[b]));
            continue;
        }
        assert_true(fabs(r1->vm[b] - r2->vm[b]) < 1e-8);
        assert_true(fabs(r1->va[b] - r2->va[b]) < 1e-8);
    }
    assert_true(fabs(r1->va[0] - r0->va[0]) + fabs(r1->vm[5] - r0->vm[5]) > 0.0);
    gr_pf_result_free(r0);
    gr_pf_result_free(r1);
    gr_pf_result_free(r2);
    gr_pf_solver_free(s);
    g->br_on[split] = g->br_on[inside] = 1;
    /* the cascade: kept solver vs rebuilt after each change */
    gr_cascade_options o;
    gr_cascade_options_default(&o);
    o.model = GR_CASCADE_MODEL_ACCFM;
    gr_cascade_mc_result *mb = NULL, *mn = NULL;
    casc_accfm_rebuild = 1;
    assert_int_equal(gr_cascade_random_n2(g, &o, 40, 1, 1, &mb, &err), GR_OK);
    casc_accfm_rebuild = 0;
    assert_int_equal(gr_cascade_random_n2(g, &o, 40, 1, 1, &mn, &err), GR_OK);
    int lossy = 0;
    for (int e = 0; e < 40; e++) {
        assert_int_equal(mb->status[e], GR_OK);
        assert_int_equal(mn->status[e], GR_OK);
        assert_int_equal(mb->n_trips[e], mn->n_trips[e]);
        assert_true(fabs(mb->mw_lost[e] - mn->mw_lost[e]) <= 1e-6 * fmax(fabs(mb->mw_lost[e]), 1.0));
        lossy += mb->mw_lost[e] > 0.0;
    }
    assert_true(lossy > 0);
    /* a run does not depend on the runs before it on the same workspace (the
     * fixed pattern's first factorisation on its reference pivots): 2
     * threads share the events otherwise than 1, same results bitwise */
    gr_cascade_mc_result *m2 = NULL;
    assert_int_equal(gr_cascade_random_n2(g, &o, 40, 1, 2, &m2, &err), GR_OK);
    for (int e = 0; e < 40; e++) {
        assert_int_equal(m2->n_trips[e], mn->n_trips[e]);
        assert_true(m2->mw_lost[e] == mn->mw_lost[e]);
    }
    gr_cascade_mc_result_free(m2);
    gr_cascade_mc_result_free(mb);
    gr_cascade_mc_result_free(mn);
    gr_grid_free(g);
    gr_case_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dcsimsep_relays),
        cmocka_unit_test(test_dcsimsep_rebalance),
        cmocka_unit_test(test_dcsimsep_trip_smallest),
        cmocka_unit_test(test_accfm_lines_recursion),
        cmocka_unit_test(test_accfm_ufls),
        cmocka_unit_test(test_accfm_ofgs),
        cmocka_unit_test(test_accfm_uvls),
        cmocka_unit_test(test_accfm_vcls),
        cmocka_unit_test(test_models_api),
        cmocka_unit_test(test_models_mc_case39),
        cmocka_unit_test(test_accfm_kept_solver),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
