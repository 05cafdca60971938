/* test_cascade.c — cascading failures worked by hand (relay law, UFLS, load relief, dark islands, operator shedding), conservation, DC/AC agreement, thread determinism. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ------------------------------------------------------------------------
 * Helpers.
 * ------------------------------------------------------------------------ */
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

static gr_grid *grid_from_shared(const char *rel)
{
    char path[4096];
    TU_NEED_SHARED(rel, path, sizeof path);
    gr_case *c = NULL;
    gr_grid *g = NULL;
    gr_error err = {0};
    if (gr_case_read(path, &c, &err) != GR_OK || gr_grid_from_case(c, &g, &err) != GR_OK)
        fail_msg("%s: %s", rel, err.msg);
    gr_case_free(c);
    return g;
}

static gr_cascade_result *run(const gr_grid *g, const gr_cascade_options *o, int nbr,
                              const int *br, int ngen, const int *gen, int nbus, const int *bus)
{
    gr_cascade_damage d = {nbr, ngen, nbus, br, gen, bus};
    gr_cascade_result *r = NULL;
    gr_error err = {0};
    int st = gr_cascade_run(g, &d, o, &r, &err);
    if (st != GR_OK)
        fail_msg("gr_cascade_run: %s (%s)", gr_strerror(st), err.msg);
    return r;
}

/* Load lost = base - served = sum of the categories. */
static void check_accounts(const gr_cascade_result *r)
{
    double sum = 0.0;
    for (int c = 0; c < GR_LOSS_N; c++) {
        assert_true(r->lost_by_cat_mw[c] >= -1e-9);
        sum += r->lost_by_cat_mw[c];
    }
    assert_near(r->lost_mw, r->load0_mw - r->served_mw, 1e-9, 1e-12);
    assert_near(sum, r->lost_mw, 1e-6, 1e-9);
    double ev = 0.0;
    for (int e = 0; e < r->n_events; e++)
        ev += r->events[e].mw_lost;
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
    assert_near(ev->t_s, t_s, 1e-7, 1e-9);
    assert_near(ev->mw_lost, mw, 1e-7, 1e-9);
}

/* ------------------------------------------------------------------------
 * Case A: one generator (bus 1), 100 MW load (bus 2), three parallel lines
 * x = 0.1, 0.1, 0.2 pu: flows 40, 40, 20 MW. Emergency ratings (rateB)
 * 45, 60, 25 MVA: nothing overloaded in the base case.
 * ------------------------------------------------------------------------ */
static const char *case_a =
    "function mpc = casea\n"
    "mpc.version = '2';\n"
    "mpc.baseMVA = 100;\n"
    "mpc.bus = [\n"
    "  1 3 0   0 0 0 1 1 0 110 1 1.1 0.9;\n"
    "  2 1 100 0 0 0 1 1 0 110 1 1.1 0.9;\n"
    "];\n"
    "mpc.gen = [\n"
    "  1 100 0 300 -300 1 100 1 200 0;\n"
    "];\n"
    "mpc.branch = [\n"
    "  1 2 R1 0.1 0 40 45 50 0 0 1 -360 360;\n"
    "  1 2 R1 0.1 0 55 60 65 0 0 1 -360 360;\n"
    "  1 2 R1 0.2 0 20 25 30 0 0 1 -360 360;\n"
    "];\n";

static gr_grid *case_a_grid(double r)
{
    char text[2048], rbuf[32];
    snprintf(rbuf, sizeof rbuf, "%g", r);
    const char *src = case_a;
    char *w = text;
    while (*src) { /* substitute R1 */
        if (src[0] == 'R' && src[1] == '1') {
            w += sprintf(w, "%s", rbuf);
            src += 2;
        } else {
            *w++ = *src++;
        }
    }
    *w = '\0';
    return grid_from_text(text);
}

/* Relay law by hand (threshold 0.5 * 15 s = 7.5 s of overload):
 *   line 3 out → lines 1, 2 carry 50 MW each: line 1 at 50/45 = 1.111,
 *   trips at 7.5 / 0.1111 = 67.5 s; line 2 at 50/60 stays under.
 *   then line 2 carries 100 MW = 1.667 x 60: trips 7.5 / 0.6667 = 11.25 s
 *   later, at 78.75 s; bus 2 is dark (100 MW, islanding), and the generator,
 *   left with no load, trips on over-frequency. */
static void test_relay_law_by_hand(void **state)
{
    (void)state;
    gr_grid *g = case_a_grid(0.0);
    gr_cascade_options o;
    gr_cascade_options_default(&o);
    int br[1] = {2};
    gr_cascade_result *r = run(g, &o, 1, br, 0, NULL, 0, NULL);
    assert_int_equal(r->n_events, 5);
    expect_event(r, 0, GR_ELEM_BRANCH, 2, GR_CAUSE_DAMAGE, 0.0, 0.0);
    expect_event(r, 1, GR_ELEM_BRANCH, 0, GR_CAUSE_OVERLOAD, 67.5, 0.0);
    assert_near(r->events[1].value, 50.0 / 45.0, 1e-9, 1e-9);
    expect_event(r, 2, GR_ELEM_BRANCH, 1, GR_CAUSE_OVERLOAD, 78.75, 0.0);
    assert_near(r->events[2].value, 100.0 / 60.0, 1e-9, 1e-9);
    expect_event(r, 3, GR_ELEM_ISLAND, 1, GR_CAUSE_ISLANDING, 78.75, 100.0);
    expect_event(r, 4, GR_ELEM_GEN, 0, GR_CAUSE_OVERFREQUENCY, 78.75, 0.0);
    assert_int_equal(r->n_trips, 3);
    assert_near(r->load0_mw, 100.0, 1e-9, 0);
    assert_near(r->served_mw, 0.0, 1e-9, 0);
    assert_near(r->lost_by_cat_mw[GR_LOSS_ISLANDING], 100.0, 1e-9, 0);
    assert_int_equal(r->stop_reason, 0);
    assert_int_equal(r->n_islands, 0);
    check_accounts(r);
    gr_cascade_result_free(r);

    /* Above 2x rating a branch trips at once (Grid2Op): lines 1 and 3 out
     * leave 100 MW on line 2 (1.667 x) → 11.25 s; with rateB 45 on line 2
     * (2.22 x) it trips at t = 0. */
    g->rate_b[1] = 0.45;
    int br2[2] = {0, 2};
    r = run(g, &o, 2, br2, 0, NULL, 0, NULL);
    expect_event(r, 2, GR_ELEM_BRANCH, 1, GR_CAUSE_OVERLOAD_INSTANT, 0.0, 0.0);
    check_accounts(r);
    gr_cascade_result_free(r);
    g->rate_b[1] = 0.60;

    /* Relay ratings: 'A' uses rateA (40, 55, 20 MVA): line 1 at 1.25 trips at
     * 30 s; then line 2 at 100/55 = 1.818 after 7.5/0.818 = 9.17 s. */
    o.rating = 'A';
    r = run(g, &o, 1, br, 0, NULL, 0, NULL);
    expect_event(r, 1, GR_ELEM_BRANCH, 0, GR_CAUSE_OVERLOAD, 30.0, 0.0);
    expect_event(r, 2, GR_ELEM_BRANCH, 1, GR_CAUSE_OVERLOAD, 30.0 + 7.5 / (100.0 / 55.0 - 1.0),
                 0.0);
    gr_cascade_result_free(r);

    /* Time limit: stop at 60 s, before the first trip. */
    o.rating = 'B';
    o.t_max_s = 60.0;
    r = run(g, &o, 1, br, 0, NULL, 0, NULL);
    assert_int_equal(r->n_events, 1);
    assert_int_equal(r->stop_reason, 1);
    assert_near(r->t_end_s, 60.0, 1e-12, 0);
    assert_near(r->served_mw, 100.0, 1e-9, 0);
    gr_cascade_result_free(r);
    gr_grid_free(g);
}

/* The operator's shedding LP (control = shed) keeps line 1 at its 45 MW:
 * the lines share 50/50, so 90 MW can be served and 10 MW are shed; no
 * relay trips. */
static void test_operator_shed_stops_cascade(void **state)
{
    (void)state;
    gr_grid *g = case_a_grid(0.0);
    gr_cascade_options o;
    gr_cascade_options_default(&o);
    o.control = GR_CASCADE_CONTROL_SHED;
    int br[1] = {2};
    gr_cascade_result *r = run(g, &o, 1, br, 0, NULL, 0, NULL);
    assert_int_equal(r->n_trips, 0);
    assert_near(r->operator_shed_mw, 10.0, 1e-6, 1e-9);
    assert_near(r->served_mw, 90.0, 1e-6, 1e-9);
    assert_int_equal(r->n_events, 2);
    expect_event(r, 1, GR_ELEM_BUS, 1, GR_CAUSE_OPERATOR_SHED, 0.0, 10.0);
    assert_int_equal(r->stop_reason, 0);
    check_accounts(r);
    gr_cascade_result_free(r);
    gr_grid_free(g);
}

/* ------------------------------------------------------------------------
 * Case B: G1 (bus 1, Pmax 2000 MW) feeds 1000 MW at bus 2; bus 3 has G2 (50 MW,
 * Pmax 60) and load LOAD3; lines 1-2 and 2-3, unrated. Opening 2-3 leaves
 * bus 3 alone: G2 picks up 10 MW (to Pmax; its ramp 0.2 x 60 = 12 MW does
 * not bind), the rest is the residual r, f = 50 - r / (1 % x load).
 * ------------------------------------------------------------------------ */
static gr_grid *case_b_grid(double load3)
{
    char text[2048];
    snprintf(text, sizeof text,
             "function mpc = caseb\n"
             "mpc.version = '2';\n"
             "mpc.baseMVA = 100;\n"
             "mpc.bus = [\n"
             "  1 3 0 0 0 0 1 1 0 110 1 1.1 0.9;\n"
             "  2 1 1000 0 0 0 1 1 0 110 1 1.1 0.9;\n"
             "  3 2 %.17g 0 0 0 1 1 0 110 1 1.1 0.9;\n"
             "];\n"
             "mpc.gen = [\n"
             "  1 0 0 300 -300 1 100 1 2000 0;\n"
             "  3 50 0 300 -300 1 100 1 60 0;\n"
             "];\n"
             "mpc.branch = [\n"
             "  1 2 0 0.1 0 0 0 0 0 0 1 -360 360;\n"
             "  2 3 0 0.1 0 0 0 0 0 0 1 -360 360;\n"
             "];\n",
             load3);
    return grid_from_text(text);
}

/* load 60.5: r = 0.5 MW, f = 50 - 0.5 / 0.605 = 49.17 Hz > 49: no UFLS; the
 * load relief takes 0.5 MW ("other"); G2 runs at 60 MW. */
static void test_load_relief(void **state)
{
    (void)state;
    gr_grid *g = case_b_grid(60.5);
    gr_cascade_options o;
    gr_cascade_options_default(&o);
    int br[1] = {1};
    gr_cascade_result *r = run(g, &o, 1, br, 0, NULL, 0, NULL);
    assert_int_equal(r->n_events, 2);
    expect_event(r, 1, GR_ELEM_ISLAND, 2, GR_CAUSE_LOAD_RELIEF, 0.0, 0.5);
    assert_near(r->events[1].value, 50.0 - 0.5 / 0.605, 1e-9, 1e-12);
    assert_near(r->pg_mw[1], 60.0, 1e-9, 1e-12);
    assert_near(r->pg_mw[0], 1000.0, 1e-9, 1e-12);
    assert_near(r->lost_by_cat_mw[GR_LOSS_OTHER], 0.5, 1e-9, 1e-12);
    assert_int_equal(r->n_islands, 2);
    check_accounts(r);
    gr_cascade_result_free(r);
    gr_grid_free(g);
}

/* load 70: deficit 20, r = 10 → f far below 49 → stage 1 sheds 8 % of 70 =
 * 5.6 MW; r = 4.4, f = 50 - 4.4 / 0.644 = 43.2 Hz < 48.8 → stage 2 sheds 5.6
 * MW; the deficit (8.8 MW) is within G2's room: G2 = 58.8 MW. */
static void test_ufls_stages(void **state)
{
    (void)state;
    gr_grid *g = case_b_grid(70.0);
    gr_cascade_options o;
    gr_cascade_options_default(&o);
    int br[1] = {1};
    gr_cascade_result *r = run(g, &o, 1, br, 0, NULL, 0, NULL);
    assert_int_equal(r->n_events, 3);
    expect_event(r, 1, GR_ELEM_ISLAND, 2, GR_CAUSE_UFLS, 0.0, 5.6);
    expect_event(r, 2, GR_ELEM_ISLAND, 2, GR_CAUSE_UFLS, 0.0, 5.6);
    assert_near(r->events[2].value, 50.0 - 4.4 / 0.644, 1e-9, 1e-12);
    assert_near(r->pg_mw[1], 58.8, 1e-9, 1e-12);
    assert_near(r->lost_by_cat_mw[GR_LOSS_UFLS], 11.2, 1e-9, 1e-12);
    check_accounts(r);
    gr_cascade_result_free(r);
    gr_grid_free(g);

    /* load 150: six stages (6 x 12 = 72 MW) leave r = 18 MW on 78 MW, f =
     * 50 - 18 / 0.78 < 47.5 Hz: frequency collapse, bus 3 dark. */
    g = case_b_grid(150.0);
    r = run(g, &o, 1, br, 0, NULL, 0, NULL);
    assert_near(r->lost_by_cat_mw[GR_LOSS_UFLS], 72.0, 1e-9, 1e-12);
    assert_near(r->lost_by_cat_mw[GR_LOSS_OTHER], 78.0, 1e-9, 1e-12);
    assert_int_equal(r->events[r->n_events - 1].cause, GR_CAUSE_FREQ_COLLAPSE);
    assert_near(r->served_mw, 1000.0, 1e-9, 1e-12);
    assert_int_equal(r->gen_on[1], 0);
    check_accounts(r);
    gr_cascade_result_free(r);
    gr_grid_free(g);
}

/* A dark island loses exactly its load; so does a destroyed bus. */
static void test_dark_island(void **state)
{
    (void)state;
    gr_grid *g = case_b_grid(60.0);
    gr_cascade_options o;
    gr_cascade_options_default(&o);
    int gen[1] = {1}, br[1] = {1};
    /* G2 out and line 2-3 out: bus 3 is dark → exactly 60 MW lost; the main
     * island keeps its 1000 MW (G1 backs down from 1010). */
    gr_cascade_result *r = run(g, &o, 1, br, 1, gen, 0, NULL);
    assert_near(r->lost_mw, 60.0, 1e-9, 1e-12);
    assert_near(r->lost_by_cat_mw[GR_LOSS_ISLANDING], 60.0, 1e-9, 1e-12);
    assert_near(r->pg_mw[0], 1000.0, 1e-9, 1e-12);
    assert_int_equal(r->n_dark_islands, 1);
    assert_int_equal(r->n_islands, 1);
    check_accounts(r);
    gr_cascade_result_free(r);
    /* bus 2 destroyed: its 1000 MW lost (islanding), bus 3 islanded with G2:
     * 60 MW load, G2 50 → 60. Bus 1 alone with G1 and no load: G1 trips. */
    int bus[1] = {1};
    r = run(g, &o, 0, NULL, 0, NULL, 1, bus);
    expect_event(r, 0, GR_ELEM_BUS, 1, GR_CAUSE_DAMAGE, 0.0, 1000.0);
    assert_near(r->lost_mw, 1000.0, 1e-9, 1e-12);
    assert_near(r->served_mw, 60.0, 1e-9, 1e-12);
    assert_int_equal(r->gen_on[0], 0);
    check_accounts(r);
    gr_cascade_result_free(r);
    gr_grid_free(g);
}

/* ------------------------------------------------------------------------
 * Conservation after every power flow: per island, generation = load +
 * shunts (DC) and generation = load + losses (AC, through the independent
 * residual of gr_pf_residual and an island power balance).
 * ------------------------------------------------------------------------ */
typedef struct cons_state {
    int ac, steps;
    double worst;
} cons_state;

static void check_step(void *user, const gr_grid *g, const gr_pf_result *r, double t_s)
{
    cons_state *cs = user;
    (void)t_s;
    cs->steps++;
    int n = r->n_islands;
    double *bal = calloc((size_t)n + 1, sizeof(double));
    assert_non_null(bal);
    for (int k = 0; k < g->ng; k++) {
        int s = r->bus_island[g->gen_bus[k]];
        if (s >= 0 && r->island_converged[s] == 1 && g->gen_on[k])
            bal[s] += r->pg[k];
    }
    for (int b = 0; b < g->nb; b++) {
        int s = r->bus_island[b];
        if (s < 0 || r->island_converged[s] != 1)
            continue;
        bal[s] -= g->pd[b] + g->gs[b] * (cs->ac ? r->vm[b] * r->vm[b] : 1.0);
    }
    for (int k = 0; k < g->nl; k++) {
        int s = r->bus_island[g->br_f[k]];
        if (s >= 0 && r->island_converged[s] == 1)
            bal[s] -= r->pf[k] + r->pt[k]; /* losses (0 in DC) */
    }
    for (int s = 0; s < n; s++)
        cs->worst = fmax(cs->worst, fabs(bal[s]));
    free(bal);
    if (cs->ac) {
        double mp = 0, mq = 0;
        assert_int_equal(gr_pf_residual(g, r, &mp, &mq), GR_OK);
        cs->worst = fmax(cs->worst, mp);
    }
}

static void conservation_on(const gr_grid *g, int ac, int n_events, uint64_t seed)
{
    gr_cascade_options o;
    gr_cascade_options_default(&o);
    o.ac = ac;
    cons_state cs = {ac, 0, 0.0};
    o.on_step = check_step;
    o.user = &cs;
    int n_on = 0;
    for (int k = 0; k < g->nl; k++)
        n_on += g->br_on[k] != 0;
    int *on = malloc((size_t)n_on * sizeof(int));
    assert_non_null(on);
    for (int k = 0, j = 0; k < g->nl; k++)
        if (g->br_on[k])
            on[j++] = k;
    int total_trips = 0;
    for (int e = 0; e < n_events; e++) {
        gr_rng rng;
        gr_rng_stream(&rng, seed, (uint64_t)e);
        int br[3];
        for (int j = 0; j < 3; j++)
            br[j] = on[(int)(gr_rng_uniform(&rng) * n_on) % n_on];
        gr_cascade_result *r = run(g, &o, 3, br, 0, NULL, 0, NULL);
        total_trips += r->n_trips;
        check_accounts(r);
        gr_cascade_result_free(r);
    }
    free(on);
    assert_true(cs.steps > n_events);
    if (cs.worst > 1e-6)
        fail_msg("power balance off by %g pu (ac %d)", cs.worst, ac);
    (void)total_trips;
}

static void test_conservation_example(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/../../examples/example6.m", GRIDRES_TEST_DATA);
    gr_case *c = NULL;
    gr_grid *g = NULL;
    assert_int_equal(gr_case_read(path, &c, NULL), GR_OK);
    assert_int_equal(gr_grid_from_case(c, &g, NULL), GR_OK);
    conservation_on(g, 0, 20, 11);
    conservation_on(g, 1, 20, 11);
    gr_grid_free(g);
    gr_case_free(c);
}

static void test_conservation_case118(void **state)
{
    (void)state;
    gr_grid *g = grid_from_shared("cases/matpower/case118.m");
    /* tighten the ratings so that cascades happen: rateB = 1.05 x |base DC flow| */
    gr_pf_result *p = NULL;
    assert_int_equal(gr_pf_dc(g, &p, NULL), GR_OK);
    for (int k = 0; k < g->nl; k++)
        g->rate_a[k] = g->rate_b[k] = g->rate_c[k] = fmax(1.05 * fabs(p->pf[k]), 0.05);
    gr_pf_result_free(p);
    conservation_on(g, 0, 40, 5);
    conservation_on(g, 1, 15, 5);
    gr_grid_free(g);
}

/* ------------------------------------------------------------------------
 * The cascade's own DC solver (fixed pattern, pinned buses, refactoring)
 * gives gr_pf_dc's numbers at every step.
 * ------------------------------------------------------------------------ */
static void compare_with_pf_dc(void *user, const gr_grid *g, const gr_pf_result *r, double t_s)
{
    double *worst = user;
    (void)t_s;
    gr_pf_result *p = NULL;
    assert_int_equal(gr_pf_dc(g, &p, NULL), GR_OK);
    assert_int_equal(p->n_islands, r->n_islands);
    for (int k = 0; k < g->nl; k++)
        *worst = fmax(*worst, fabs(p->pf[k] - r->pf[k]));
    for (int k = 0; k < g->ng; k++)
        *worst = fmax(*worst, fabs(p->pg[k] - r->pg[k]));
    for (int b = 0; b < g->nb; b++)
        *worst = fmax(*worst, fabs(p->va[b] - r->va[b]));
    gr_pf_result_free(p);
}

static void test_dc_solver_matches_pf_dc(void **state)
{
    (void)state;
    gr_grid *g = grid_from_shared("cases/matpower/case2383wp.m");
    double worst = 0.0;
    gr_cascade_options o;
    gr_cascade_options_default(&o);
    o.on_step = compare_with_pf_dc;
    o.user = &worst;
    int pairs[][2] = {{2819, 2799}, {1153, 854}, {1102, 136}, {2119, 2556}, {5, 6}};
    for (int i = 0; i < 5; i++) {
        gr_cascade_result *r = run(g, &o, 2, pairs[i], 0, NULL, 0, NULL);
        gr_cascade_result_free(r);
    }
    if (worst > 1e-8)
        fail_msg("cascade DC solver differs from gr_pf_dc by %g", worst);
    gr_grid_free(g);
}

/* ------------------------------------------------------------------------
 * DC and AC agree where voltages are no issue: case A with r = x / 200 and
 * no reactive load — the same trips in the same order; case118 made
 * lossless, without charging, shunts or reactive load, set points 1 pu.
 * ------------------------------------------------------------------------ */
static void test_dc_ac_agree(void **state)
{
    (void)state;
    gr_grid *g = case_a_grid(0.0005);
    gr_cascade_options o;
    gr_cascade_options_default(&o);
    int br[1] = {2};
    gr_cascade_result *rd = run(g, &o, 1, br, 0, NULL, 0, NULL);
    o.ac = 1;
    gr_cascade_result *ra = run(g, &o, 1, br, 0, NULL, 0, NULL);
    assert_int_equal(rd->n_events, ra->n_events);
    for (int e = 0; e < rd->n_events; e++) {
        assert_int_equal(rd->events[e].kind, ra->events[e].kind);
        assert_int_equal(rd->events[e].index, ra->events[e].index);
        assert_int_equal(rd->events[e].cause, ra->events[e].cause);
        assert_near(ra->events[e].t_s, rd->events[e].t_s, 0.5, 0.02);
        assert_near(ra->events[e].mw_lost, rd->events[e].mw_lost, 1e-6, 1e-9);
    }
    assert_near(ra->lost_mw, rd->lost_mw, 1e-6, 1e-9);
    gr_cascade_result_free(rd);
    gr_cascade_result_free(ra);
    gr_grid_free(g);

    /* case118 with tightened ratings, a few N-2 events: the same branches trip. */
    g = grid_from_shared("cases/matpower/case118.m");
    gr_pf_result *p = NULL;
    assert_int_equal(gr_pf_dc(g, &p, NULL), GR_OK);
    /* no voltage problems: lossless lines without charging, nominal taps, no
     * shunts or reactive load, every set point 1 pu */
    for (int k = 0; k < g->nl; k++) {
        g->rate_a[k] = g->rate_b[k] = g->rate_c[k] = fmax(1.3 * fabs(p->pf[k]), 0.3);
        g->br_r[k] = g->br_b[k] = g->br_shift[k] = 0.0;
        g->br_tap[k] = 1.0;
    }
    for (int b = 0; b < g->nb; b++)
        g->qd[b] = g->gs[b] = g->bs[b] = 0.0;
    for (int k = 0; k < g->ng; k++)
        g->vg[k] = 1.0;
    gr_pf_result_free(p);
    /* Events whose flows stay clear of the thresholds (AC and DC loadings
     * differ by a few per cent: near a threshold they may part ways). */
    int pairs[][2] = {{6, 7}, {9, 10}, {90, 91}, {99, 100}, {126, 127}, {183, 184}};
    for (int i = 0; i < 6; i++) {
        gr_cascade_options_default(&o);
        rd = run(g, &o, 2, pairs[i], 0, NULL, 0, NULL);
        o.ac = 1;
        ra = run(g, &o, 2, pairs[i], 0, NULL, 0, NULL);
        int nd = 0, na = 0;
        if (getenv("CASC_TEST_VERBOSE"))
            for (int e = 0; e < (rd->n_events > ra->n_events ? rd->n_events : ra->n_events); e++)
                printf("%d: dc %s %d %s %.2f | ac %s %d %s %.2f\n", e,
                       e < rd->n_events ? gr_elem_kind_name(rd->events[e].kind) : "-",
                       e < rd->n_events ? rd->events[e].index : -1,
                       e < rd->n_events ? gr_cascade_cause_name(rd->events[e].cause) : "-",
                       e < rd->n_events ? rd->events[e].t_s : 0.0,
                       e < ra->n_events ? gr_elem_kind_name(ra->events[e].kind) : "-",
                       e < ra->n_events ? ra->events[e].index : -1,
                       e < ra->n_events ? gr_cascade_cause_name(ra->events[e].cause) : "-",
                       e < ra->n_events ? ra->events[e].t_s : 0.0);
        for (int e = 0; e < rd->n_events; e++)
            nd += rd->events[e].kind == GR_ELEM_BRANCH;
        for (int e = 0; e < ra->n_events; e++)
            na += ra->events[e].kind == GR_ELEM_BRANCH;
        assert_int_equal(nd, na);
        assert_true(nd > 2);
        for (int k = 0; k < g->nl; k++)
            assert_int_equal(rd->br_on[k], ra->br_on[k]);
        assert_near(ra->lost_mw, rd->lost_mw, 1e-6, 1e-9);
        gr_cascade_result_free(rd);
        gr_cascade_result_free(ra);
    }
    gr_grid_free(g);
}

/* ------------------------------------------------------------------------
 * Monte Carlo: the same numbers for 1 and 2 threads.
 * ------------------------------------------------------------------------ */
static void same_mc(const gr_grid *g, const gr_cascade_options *o, int n)
{
    gr_cascade_mc_result *a = NULL, *b = NULL;
    gr_error err = {0};
    assert_int_equal(gr_cascade_random_n2(g, o, n, 42, 1, &a, &err), GR_OK);
    assert_int_equal(gr_cascade_random_n2(g, o, n, 42, 2, &b, &err), GR_OK);
    assert_int_equal(a->n, n);
    assert_memory_equal(a->branch1, b->branch1, (size_t)n * sizeof(int));
    assert_memory_equal(a->branch2, b->branch2, (size_t)n * sizeof(int));
    assert_memory_equal(a->mw_lost, b->mw_lost, (size_t)n * sizeof(double));
    assert_memory_equal(a->n_trips, b->n_trips, (size_t)n * sizeof(int));
    assert_memory_equal(a->lost_by_cat_mw, b->lost_by_cat_mw,
                        (size_t)n * GR_LOSS_N * sizeof(double));
    for (int e = 0; e < n; e++) {
        assert_int_equal(a->status[e], GR_OK);
        assert_true(a->branch1[e] != a->branch2[e]);
    }
    gr_cascade_mc_result_free(a);
    gr_cascade_mc_result_free(b);
}

static void test_mc_threads_deterministic(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/../../examples/example6.m", GRIDRES_TEST_DATA);
    gr_case *c = NULL;
    gr_grid *g = NULL;
    assert_int_equal(gr_case_read(path, &c, NULL), GR_OK);
    assert_int_equal(gr_grid_from_case(c, &g, NULL), GR_OK);
    gr_cascade_options o;
    gr_cascade_options_default(&o);
    same_mc(g, &o, 50);
    o.ac = 1;
    same_mc(g, &o, 50);
    gr_grid_free(g);
    gr_case_free(c);

    g = grid_from_shared("cases/matpower/case2383wp.m");
    gr_cascade_options_default(&o);
    same_mc(g, &o, 200);
    o.control = GR_CASCADE_CONTROL_SHED;
    same_mc(g, &o, 40);
    gr_grid_free(g);
}

static void test_ccdf(void **state)
{
    (void)state;
    double x[6] = {0, 5, 5, 1, 0, 10}, *v = NULL, *p = NULL;
    int m = gr_ccdf(x, 6, &v, &p);
    assert_int_equal(m, 4);
    double ev[4] = {0, 1, 5, 10}, ep[4] = {4.0 / 6, 3.0 / 6, 1.0 / 6, 0};
    for (int i = 0; i < 4; i++) {
        assert_near(v[i], ev[i], 0, 0);
        assert_near(p[i], ep[i], 1e-15, 0);
    }
    gr_free(v);
    gr_free(p);
}

static void test_bad_input(void **state)
{
    (void)state;
    gr_grid *g = case_a_grid(0.0);
    gr_cascade_options o;
    gr_cascade_options_default(&o);
    gr_cascade_result *r = NULL;
    gr_error err = {0};
    int br[1] = {7};
    gr_cascade_damage d = {.n_branch = 1, .branch = br};
    assert_int_equal(gr_cascade_run(g, &d, &o, &r, &err), GR_EINVAL);
    assert_null(r);
    o.rating = 'Z';
    assert_int_equal(gr_cascade_run(g, NULL, &o, &r, &err), GR_EINVAL);
    assert_non_null(strstr(err.msg, "rating"));
    /* no damage: nothing happens */
    gr_cascade_options_default(&o);
    assert_int_equal(gr_cascade_run(g, NULL, &o, &r, &err), GR_OK);
    assert_int_equal(r->n_events, 0);
    assert_near(r->served_mw, 100.0, 1e-9, 0);
    gr_cascade_result_free(r);
    gr_cascade_result_free(NULL);
    gr_cascade_mc_result_free(NULL);
    assert_string_equal(gr_cascade_cause_name(GR_CAUSE_OPERATOR_SHED), "operator_shed");
    assert_string_equal(gr_cascade_loss_name(GR_LOSS_VOLTAGE_COLLAPSE), "voltage_collapse");
    assert_int_equal(gr_cascade_cause_category(GR_CAUSE_OVERLOAD), -1);
    gr_grid_free(g);
}

/* Out of memory anywhere: an error, never a crash or a leak (ASan). */
static void test_out_of_memory(void **state)
{
    (void)state;
    gr_grid *g = case_a_grid(0.0);
    gr_cascade_options o;
    gr_cascade_options_default(&o);
    int br[1] = {2};
    gr_cascade_damage d = {.n_branch = 1, .branch = br};
    int ok = 0;
    for (long n = 0; n < 2000 && !ok; n++) {
        gr_cascade_result *r = NULL;
        gr_alloc_fail_after(n);
        int st = gr_cascade_run(g, &d, &o, &r, NULL);
        gr_alloc_fail_after(-1);
        if (st == GR_OK) {
            ok = 1;
            assert_int_equal(r->n_events, 5);
        } else {
            assert_int_equal(st, GR_ENOMEM);
            assert_null(r);
        }
        gr_cascade_result_free(r);
    }
    assert_true(ok);
    gr_grid_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_relay_law_by_hand),
        cmocka_unit_test(test_operator_shed_stops_cascade),
        cmocka_unit_test(test_load_relief),
        cmocka_unit_test(test_ufls_stages),
        cmocka_unit_test(test_dark_island),
        cmocka_unit_test(test_conservation_example),
        cmocka_unit_test(test_conservation_case118),
        cmocka_unit_test(test_dc_solver_matches_pf_dc),
        cmocka_unit_test(test_dc_ac_agree),
        cmocka_unit_test(test_mc_threads_deterministic),
        cmocka_unit_test(test_ccdf),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_out_of_memory),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
