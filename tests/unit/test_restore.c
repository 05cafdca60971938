/* test_restore.c — restoration planning: calendar, damage.json reader, hand-checked optima, feasibility of every schedule (crews, travel, spares, precedence), MIP vs heuristics, evaluator vs gr_shed_solve, carry-over, OOM. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/restore_internal.h"
#include "testutil.h"

#define EXAMPLE6 GRIDRES_TEST_DATA "/../../examples/example6.m"

/* ------------------------------------------------------------------------
 * Helpers.
 * ------------------------------------------------------------------------ */
static gr_case *mk_case(int nb, int ng, int nl)
{
    gr_case *c = NULL;
    assert_int_equal(gr_case_alloc(nb, ng, nl, &c), GR_OK);
    c->base_mva = 100;
    for (int b = 0; b < nb; b++) {
        c->bus.bus_i[b] = b + 1;
        c->bus.type[b] = b == 0 ? GR_BUS_REF : GR_BUS_PQ;
        c->bus.vm_pu[b] = 1.0;
        c->bus.base_kv[b] = 110;
        c->bus.vmax_pu[b] = 1.1;
        c->bus.vmin_pu[b] = 0.9;
    }
    for (int k = 0; k < ng; k++) {
        c->gen.bus[k] = 1;
        c->gen.vg_pu[k] = 1.0;
        c->gen.pmax_mw[k] = 1000;
        c->gen.qmax_mvar[k] = 1000;
        c->gen.qmin_mvar[k] = -1000;
        c->gen.status[k] = 1;
    }
    for (int k = 0; k < nl; k++) {
        c->branch.x_pu[k] = 0.1;
        c->branch.status[k] = 1;
    }
    return c;
}

static gr_grid *to_grid(const gr_case *c)
{
    gr_grid *g = NULL;
    gr_error err = {0};
    if (gr_grid_from_case(c, &g, &err))
        fail_msg("gr_grid_from_case: %s", err.msg);
    return g;
}

/* A star: bus 1 with the generator, buses 2..nb with load pd[b-1] MW, each
 * on its own radial line 1-b (unlimited). */
static gr_grid *star_grid(int nb, const double *pd_mw)
{
    gr_case *c = mk_case(nb, 1, nb - 1);
    for (int b = 1; b < nb; b++) {
        c->bus.pd_mw[b] = pd_mw[b];
        c->branch.f_bus[b - 1] = 1;
        c->branch.t_bus[b - 1] = b + 1;
    }
    gr_grid *g = to_grid(c);
    gr_case_free(c);
    return g;
}

static gr_grid *example6(void)
{
    gr_case *c = NULL;
    gr_error err = {0};
    if (gr_case_read(EXAMPLE6, &c, &err))
        fail_msg("%s", err.msg);
    gr_grid *g = to_grid(c);
    gr_case_free(c);
    return g;
}

static gr_damage *parse(const gr_grid *g, const char *json)
{
    gr_damage *d = NULL;
    gr_error err = {0};
    if (gr_damage_parse(json, strlen(json), "damage.json", g, &d, &err))
        fail_msg("gr_damage_parse: %s", err.msg);
    return d;
}

/* The parse fails with GR_EPARSE and a message containing `want`. */
static void parse_bad(const gr_grid *g, const char *json, const char *want)
{
    gr_damage *d = NULL;
    gr_error err = {0};
    int st = gr_damage_parse(json, strlen(json), "damage.json", g, &d, &err);
    if (st != GR_EPARSE || !strstr(err.msg, want))
        fail_msg("expected GR_EPARSE with \"%s\", got %d \"%s\" for %s", want, st, err.msg, json);
    assert_null(d);
}

static gr_restore_result *plan(const gr_grid *g, const gr_overlay *ov, const gr_damage *d,
                               const gr_restore_options *o)
{
    gr_restore_result *r = NULL;
    gr_error err = {0};
    int st = gr_restore_plan(g, ov, d, o, &r, &err);
    if (st)
        fail_msg("gr_restore_plan: %d %s", st, err.msg);
    return r;
}

/* Straight-line travel hours between two damage sites (NaN: unknown -> 0). */
static double site_travel(const gr_damage_elem *a, const gr_damage_elem *b,
                          const gr_restore_options *o)
{
    if (isnan(a->x_km) || isnan(b->x_km))
        return 0.0;
    return hypot(a->x_km - b->x_km, a->y_km - b->y_km) * o->road_factor / o->speed_kmh;
}

/* Working hours in [a, b] under the options' shifts (a coarse numeric
 * integral: 1-minute steps; only for checks). */
static double work_between(const gr_restore_options *o, double a, double b)
{
    rs_cal cal;
    rs_cal_init(&cal, o->clock_h, o->shift_start_h, o->work_h_per_day);
    return rs_cal_phi(&cal, b) - rs_cal_phi(&cal, a);
}

/* Every feasibility rule of a plan. */
static void check_feasible(const gr_grid *g, const gr_damage *d, const gr_restore_options *o,
                           const gr_restore_result *r)
{
    const double eps = 1e-6;
    assert_int_equal(r->n, d->n);
    int *seen = calloc((size_t)d->n + 1, sizeof(int));
    for (int k = 0; k < r->n; k++) {
        const gr_restore_task *t = &r->task[k];
        assert_true(t->elem >= 0 && t->elem < d->n);
        seen[t->elem]++;
        assert_true(t->crew >= 0 && t->crew < o->crews);
        assert_true(t->depart_h >= r->start_h - eps);
        assert_true(t->arrive_h >= t->depart_h - eps);
        assert_true(t->start_h >= t->arrive_h - eps);
        assert_true(t->end_h >= t->start_h - eps);
        const gr_damage_elem *e = &d->elem[t->elem];
        double p = isnan(e->repair_h) ? o->repair_h[e->cls] : e->repair_h;
        assert_near(work_between(o, t->start_h, t->end_h), p, 1e-6, 1e-9);
        if (k > 0)   /* tasks in order of start */
            assert_true(r->task[k - 1].start_h <= t->start_h + eps);
    }
    for (int i = 0; i < d->n; i++)
        assert_int_equal(seen[i], 1);
    free(seen);
    /* one place at a time, travel respected: consecutive jobs of a crew */
    for (int c = 0; c < o->crews; c++) {
        const gr_restore_task *prev = NULL;
        for (int k = 0; k < r->n; k++) {
            const gr_restore_task *t = &r->task[k];
            if (t->crew != c)
                continue;
            if (prev) {
                assert_true(t->depart_h >= prev->end_h - eps);
                double need = site_travel(&d->elem[prev->elem], &d->elem[t->elem], o);
                assert_true(work_between(o, t->depart_h, t->arrive_h) >= need - 1e-6);
            }
            prev = t;
        }
    }
    /* precedence: explicit lists, and branch/gen at a damaged bus */
    for (int k = 0; k < r->n; k++) {
        const gr_restore_task *t = &r->task[k];
        const gr_damage_elem *e = &d->elem[t->elem];
        for (int q = 0; q < r->n; q++) {
            const gr_restore_task *u = &r->task[q];
            const gr_damage_elem *f = &d->elem[u->elem];
            int before = 0;
            for (int a = 0; a < e->n_after; a++)
                before |= e->after[a] == u->elem;
            if (f->kind == GR_ELEM_BUS && e->kind == GR_ELEM_BRANCH)
                before |= g->br_f[e->index] == f->index || g->br_t[e->index] == f->index;
            if (f->kind == GR_ELEM_BUS && e->kind == GR_ELEM_GEN)
                before |= g->gen_bus[e->index] == f->index;
            if (before && !(t->start_h >= u->end_h - eps))
                fail_msg("element %d starts at %g before element %d ends at %g", t->elem,
                         t->start_h, u->elem, u->end_h);
        }
    }
    /* spares: each unit once; a unit beyond stock and arrivals waits for lead */
    for (int s = 0; s < d->nspare; s++) {
        const gr_spare_class *sc = &d->spare[s];
        for (int k = 0; k < r->n; k++) {
            const gr_restore_task *t = &r->task[k];
            if (d->elem[t->elem].spare != s)
                continue;
            assert_int_equal(t->spare_used, d->elem[t->elem].spare_count);
            assert_true(t->start_h >= t->spare_ready_h - eps);
            /* units available by this start: stock + arrivals + new (lead) */
            long avail = sc->stock;
            for (int u = 0; u < sc->n_on_order; u++)
                avail += r->start_h + sc->on_order_h[u] <= t->start_h + eps;
            if (isfinite(sc->lead_h) && r->start_h + sc->lead_h <= t->start_h + eps)
                avail += 1000000;
            long used = 0;
            for (int q = 0; q < r->n; q++)
                if (d->elem[r->task[q].elem].spare == s && r->task[q].start_h <= t->start_h + eps)
                    used += r->task[q].spare_used;
            if (used > avail)
                fail_msg("spare %s: %ld units used by %g h, %ld available", sc->name, used,
                         t->start_h, avail);
        }
    }
    /* curve: starts at start_h, times ascending, objective consistent */
    assert_true(r->n_steps >= 1);
    assert_near(r->step[0].t_h, r->start_h, 1e-9, 0);
    for (int k = 1; k < r->n_steps; k++)
        assert_true(r->step[k].t_h > r->step[k - 1].t_h);
    assert_int_equal(r->step[r->n_steps - 1].repaired, r->n);
}

/* ------------------------------------------------------------------------
 * Calendar.
 * ------------------------------------------------------------------------ */
static void test_calendar(void **state)
{
    (void)state;
    rs_cal c;
    rs_cal_init(&c, 6.0, 6.0, 16.0);   /* t = 0 is 06:00, shift 06-22 */
    assert_near(rs_cal_phi(&c, 0.0), 0.0, 1e-12, 0);
    assert_near(rs_cal_phi(&c, 10.0), 10.0, 1e-12, 0);
    assert_near(rs_cal_phi(&c, 20.0), 16.0, 1e-12, 0);   /* 02:00: shift over */
    assert_near(rs_cal_phi(&c, 26.0), 18.0, 1e-12, 0);   /* 08:00 next day */
    assert_near(rs_cal_end(&c, 16.0), 16.0, 1e-12, 0);   /* ends 22:00 */
    assert_near(rs_cal_start(&c, 16.0), 24.0, 1e-12, 0); /* goes on next 06:00 */
    assert_near(rs_cal_end(&c, 20.0), 28.0, 1e-12, 0);   /* 20 h of work: 10:00 next day */
    for (double t = -30.0; t < 100.0; t += 0.7) {      /* start(phi(t)) >= t within shift */
        double f = rs_cal_phi(&c, t);
        assert_near(rs_cal_phi(&c, rs_cal_start(&c, f)), f, 1e-9, 0);
        assert_near(rs_cal_phi(&c, rs_cal_end(&c, f)), f, 1e-9, 0);
        assert_true(rs_cal_end(&c, f) <= t + 1e-9);
    }
    rs_cal_init(&c, 0.0, 6.0, 16.0);   /* t = 0 is midnight: work starts at t = 6 */
    assert_near(rs_cal_start(&c, rs_cal_phi(&c, 0.0)), 6.0, 1e-12, 0);
    rs_cal_init(&c, 6.0, 6.0, 24.0);   /* around the clock: identity */
    assert_near(rs_cal_phi(&c, 33.3), 33.3, 1e-12, 0);
    assert_near(rs_cal_end(&c, 33.3), 33.3, 1e-12, 0);
}

/* ------------------------------------------------------------------------
 * damage.json.
 * ------------------------------------------------------------------------ */
static void test_damage_read(void **state)
{
    (void)state;
    gr_grid *g = example6();
    gr_damage *d = NULL;
    gr_error err = {0};
    assert_int_equal(gr_damage_read(GRIDRES_TEST_DATA "/restore/example6_damage.json", g, &d, &err),
                     GR_OK);
    assert_int_equal(d->n, 5);
    assert_int_equal(d->nspare, 1);
    assert_string_equal(d->spare[0].name, "AT-330/110");
    assert_int_equal(d->spare[0].stock, 1);
    assert_near(d->spare[0].lead_h, 2000.0, 0, 0);
    assert_int_equal(d->elem[0].kind, GR_ELEM_BRANCH);
    assert_int_equal(d->elem[0].index, 3);
    assert_int_equal(d->elem[0].cls, GR_DMG_TRANSFORMER);
    assert_int_equal(d->elem[0].spare, 0);
    assert_int_equal(d->elem[0].spare_count, 1);
    assert_string_equal(d->elem[0].label, "AT-1 CITY-N");
    assert_int_equal(d->elem[2].index, 6);   /* from 4 to 6 = row 7 */
    assert_int_equal(d->elem[2].cls, GR_DMG_LINE);
    assert_int_equal(d->elem[3].kind, GR_ELEM_BUS);
    assert_int_equal(d->elem[3].index, gr_grid_bus_index(g, 5));
    assert_near(d->elem[4].repair_h, 20.0, 0, 0);   /* file default for lines */
    assert_int_equal(d->elem[4].cls, GR_DMG_LINE);
    assert_int_equal(gr_damage_check(d, g, &err), GR_OK);
    gr_damage_free(d);

    /* classification: row 5 (2-6, 330/110 kV, tap 1) is a transformer, row 1 a line */
    assert_int_equal(gr_damage_classify(g, GR_ELEM_BRANCH, 4), GR_DMG_TRANSFORMER);
    assert_int_equal(gr_damage_classify(g, GR_ELEM_BRANCH, 0), GR_DMG_LINE);
    assert_string_equal(gr_damage_class_name(GR_DMG_BUS), "bus");

    /* defaults: no repair_h anywhere is NaN (the options' class default) */
    d = parse(g, "{\"elements\": [{\"kind\": \"gen\", \"row\": 2}]}");
    assert_true(isnan(d->elem[0].repair_h));
    assert_int_equal(d->elem[0].cls, GR_DMG_GEN);
    gr_damage_free(d);
    d = parse(g, "{\"spares\": [{\"class\": \"X\"}], \"elements\": []}");
    assert_near(d->spare[0].lead_h, 8760.0, 0, 0);   /* default lead */
    gr_damage_free(d);
    gr_grid_free(g);
}

static void test_damage_errors(void **state)
{
    (void)state;
    gr_grid *g = example6();
    parse_bad(g, "{\"elements\": [{\"kind\": \"branch\", \"row\": 1}, {\"kind\": \"branch\", "
                 "\"row\": 2}, {\"kind\": \"branch\", \"row\": 3}, {\"kind\": \"line\", \"row\": 6, "
                 "\"repair_h\": -5}]}",
              "damage.json: $.elements[3].repair_h: expected a non-negative number");
    parse_bad(g, "{\"elements\": [{\"kind\": \"branch\", \"row\": 99}]}",
              "$.elements[0].row: branch 99 does not exist (the case has branches 1..8)");
    parse_bad(g, "{\"elements\": [{\"kind\": \"bus\", \"bus\": 77}]}",
              "$.elements[0].bus: bus 77 does not exist");
    parse_bad(g, "{\"elements\": [{\"kind\": \"gen\", \"row\": 5}]}",
              "$.elements[0].row: generator 5 does not exist");
    parse_bad(g, "{\"elements\": [{\"kind\": \"branch\", \"from\": 1, \"to\": 6}]}",
              "$.elements[0]: no branch between buses 1 and 6");
    parse_bad(g, "{\"elements\": [{\"kind\": \"branch\", \"row\": \"4\"}]}",
              "$.elements[0].row: expected a 1-based branch row, found string");
    parse_bad(g, "{\"elements\": [{\"kind\": \"pylon\", \"row\": 4}]}", "$.elements[0].kind");
    parse_bad(g, "{\"elements\": [{\"kind\": \"branch\", \"row\": 4, \"spare\": \"AT\"}]}",
              "$.elements[0].spare: unknown spare class \"AT\" (not in $.spares)");
    parse_bad(g, "{\"spares\": [{\"class\": \"AT\", \"stock\": 1, \"lead_h\": null}], "
                 "\"elements\": [{\"kind\": \"branch\", \"row\": 4, \"spare\": \"AT\"}, "
                 "{\"kind\": \"branch\", \"row\": 5, \"spare\": \"AT\"}]}",
              "$.elements[1].spare: more \"AT\" units used than exist");
    parse_bad(g, "{\"spares\": [{\"class\": \"AT\", \"stock\": -1}], \"elements\": []}",
              "$.spares[0].stock: expected a non-negative integer");
    parse_bad(g, "{\"spares\": [{\"class\": \"AT\", \"lead_h\": \"soon\"}], \"elements\": []}",
              "$.spares[0].lead_h: expected a non-negative number or null, found string");
    parse_bad(g, "{\"elements\": [{\"kind\": \"branch\", \"row\": 4}, {\"kind\": \"branch\", "
                 "\"row\": 4}]}",
              "$.elements[1]: the same branch as $.elements[0]");
    parse_bad(g, "{\"elements\": [{\"kind\": \"branch\", \"row\": 4, \"after\": [1]}, "
                 "{\"kind\": \"branch\", \"row\": 5, \"after\": [0]}]}",
              "$.elements: the \"after\" lists form a cycle");
    parse_bad(g, "{\"elements\": [{\"kind\": \"branch\", \"row\": 4, \"after\": [7]}]}",
              "$.elements[0].after[0]: expected a 0-based index into $.elements");
    parse_bad(g, "{\"elements\": [{\"kind\": \"branch\", \"row\": 4, \"colour\": 1}]}",
              "$.elements[0]: unknown field \"colour\"");
    parse_bad(g, "{\"elements\": {}}", "$.elements: expected an array, found object");
    parse_bad(g, "[]", "$: expected an object, found array");
    parse_bad(g, "{\"elements\": [}", "damage.json:1:");
    parse_bad(g, "{\"repair_h\": {\"line\": -1}, \"elements\": []}",
              "$.repair_h.line: expected a non-negative number");
    gr_error err = {0};
    gr_damage *d = NULL;
    assert_int_equal(gr_damage_read("/nonexistent/damage.json", g, &d, &err), GR_EIO);
    gr_grid_free(g);
}

/* ------------------------------------------------------------------------
 * Hand-checked optima.
 * ------------------------------------------------------------------------ */
/* Two radial lines: 10 MW back after 10 h of work, 30 MW after 20 h. One
 * crew, no travel, around the clock. Smith's rule: the 30 MW line first
 * (1.5 MW/h against 1 MW/h): ENS = 40 x 20 + 10 x 10 = 900 MWh (the other
 * order gives 40 x 10 + 30 x 20 = 1000). Two crews: 40 x 10 + 30 x 10 = 700. */
static void test_tiny_optimum(void **state)
{
    (void)state;
    const double pd[3] = {0, 10, 30};
    gr_grid *g = star_grid(3, pd);
    gr_damage *d = parse(g, "{\"elements\": [{\"kind\": \"branch\", \"row\": 1, \"repair_h\": 10},"
                            " {\"kind\": \"branch\", \"row\": 2, \"repair_h\": 20}]}");
    const double w = 0.05 * 1000 + 0.60 * 10 + 0.35 * 1;   /* default classes and weights */
    for (int m = GR_RESTORE_GREEDY; m <= GR_RESTORE_MIP; m++)
        for (int crews = 1; crews <= 2; crews++) {
            gr_restore_options o;
            gr_restore_options_default(&o);
            o.method = m;
            o.crews = crews;
            o.work_h_per_day = 24;
            gr_restore_result *r = plan(g, NULL, d, &o);
            check_feasible(g, d, &o, r);
            double ens = crews == 1 ? 900.0 : 700.0;
            assert_near(r->ens_mwh, ens, 1e-6, 1e-9);
            assert_near(r->ens_weighted, ens * w, 1e-6, 1e-9);
            assert_near(r->objective, ens * w, 1e-6, 1e-9);
            assert_near(r->demand_mw, 40.0, 1e-9, 0);
            assert_near(r->end_h, crews == 1 ? 30.0 : 20.0, 1e-9, 0);
            if (crews == 1) {
                assert_int_equal(r->task[0].elem, 1);   /* the 30 MW line first */
                assert_near(r->task[0].end_h, 20.0, 1e-9, 0);
                assert_near(r->task[1].end_h, 30.0, 1e-9, 0);
            }
            assert_int_equal(r->n_steps, 3);
            assert_near(r->step[0].served_mw, 0.0, 1e-6, 0);
            assert_near(r->step[2].served_mw, 40.0, 1e-6, 0);
            if (m == GR_RESTORE_MIP) {
                assert_int_equal(r->mip_optimal, 1);
                assert_near(r->mip_objective, ens * w, 1e-3, 1e-6);
                assert_near(r->mip_bound, ens * w, 1e-3, 1e-5);
            }
            /* a horizon cuts the reported window, not the plan */
            o.horizon_h = 15;
            gr_restore_result *r2 = plan(g, NULL, d, &o);
            double ens15 = crews == 1 ? 40.0 * 15 : 40.0 * 10 + 30.0 * 5;
            assert_near(r2->ens_mwh, ens15, 1e-6, 1e-9);
            assert_near(r2->objective, r->objective, 1e-6, 1e-9);
            gr_restore_result_free(r2);
            gr_restore_result_free(r);
        }
    gr_damage_free(d);
    gr_grid_free(g);
}

/* Travel and shifts by hand: one crew at (0,0) via the first element's site;
 * line A at (0,0), 5 h; line B at (78, 0) km: 78 x 1.3 / 60 = 1.69 h away,
 * 5 h. Shift 06-22 from t = 0 = 06:00. Both lines feed 10 MW. */
static void test_travel_shifts(void **state)
{
    (void)state;
    const double pd[3] = {0, 10, 10};
    gr_grid *g = star_grid(3, pd);
    gr_damage *d = parse(g, "{\"elements\": [{\"kind\": \"branch\", \"row\": 1, \"repair_h\": 5, "
                            "\"x_km\": 0, \"y_km\": 0}, {\"kind\": \"branch\", \"row\": 2, "
                            "\"repair_h\": 12, \"x_km\": 78, \"y_km\": 0}]}");
    gr_restore_options o;
    gr_restore_options_default(&o);
    o.crews = 1;
    o.method = GR_RESTORE_MIP;
    gr_restore_result *r = plan(g, NULL, d, &o);
    check_feasible(g, d, &o, r);
    /* A first (no travel, shorter): 0-5; travel 5-6.69; B 6.69 .. 16 h of
       shift end at 16, 2.69 h left: next day 24 + 2.69 = 26.69 */
    assert_int_equal(r->task[0].elem, 0);
    assert_near(r->task[0].end_h, 5.0, 1e-9, 0);
    assert_near(r->task[1].depart_h, 5.0, 1e-9, 0);
    assert_near(r->task[1].arrive_h, 5.0 + 1.69, 1e-9, 0);
    assert_near(r->task[1].end_h, 26.69, 1e-9, 0);
    assert_near(r->ens_mwh, 20 * 5 + 10 * 21.69, 1e-6, 1e-9);
    assert_int_equal(r->mip_optimal, 1);
    assert_near(r->mip_objective, r->objective, 1e-3, 1e-7);
    gr_restore_result_free(r);
    gr_damage_free(d);
    gr_grid_free(g);
}

/* Spares and precedence on example6: two autotransformers share one spare
 * (the second waits for a new unit, lead 2000 h), and line 5-6 waits for
 * substation 5. */
static void test_spares_precedence(void **state)
{
    (void)state;
    gr_grid *g = example6();
    gr_damage *d = NULL;
    gr_error err = {0};
    assert_int_equal(gr_damage_read(GRIDRES_TEST_DATA "/restore/example6_damage.json", g, &d, &err),
                     GR_OK);
    for (int m = GR_RESTORE_GREEDY; m <= GR_RESTORE_MIP; m++)
        for (int crews = 1; crews <= 3; crews++)
            for (int w = 0; w < 2; w++) {
                gr_restore_options o;
                gr_restore_options_default(&o);
                o.method = m;
                o.crews = crews;
                o.work_h_per_day = w ? 24 : 16;
                gr_restore_result *r = plan(g, NULL, d, &o);
                check_feasible(g, d, &o, r);
                /* exactly one transformer starts after the lead time */
                int late = 0;
                for (int k = 0; k < r->n; k++)
                    if (d->elem[r->task[k].elem].spare == 0)
                        late += r->task[k].start_h >= 2000.0 - 1e-9;
                assert_int_equal(late, 1);
                assert_near(r->demand_mw, 375.0, 1e-6, 0);
                assert_near(r->step[0].served_mw, 150.0, 1e-6, 0);
                assert_near(r->step[r->n_steps - 1].served_mw, 375.0, 1e-6, 0);
                gr_restore_result_free(r);
            }
    /* with a second unit in stock nobody waits for the lead time */
    d->spare[0].stock = 2;
    gr_restore_options o;
    gr_restore_options_default(&o);
    o.crews = 2;
    gr_restore_result *r = plan(g, NULL, d, &o);
    check_feasible(g, d, &o, r);
    assert_true(r->end_h < 1000.0);
    gr_restore_result_free(r);
    /* a unit on order arrives at 300 h: the second transformer waits for it */
    d->spare[0].stock = 1;
    d->spare[0].n_on_order = 1;
    d->spare[0].on_order_h = gr_malloc(sizeof(double));
    d->spare[0].on_order_h[0] = 300.0;
    r = plan(g, NULL, d, &o);
    check_feasible(g, d, &o, r);
    int at300 = 0;
    for (int k = 0; k < r->n; k++)
        if (d->elem[r->task[k].elem].spare == 0 && r->task[k].start_h >= 300.0 - 1e-9)
            at300 = 1;
    assert_true(at300);
    assert_true(r->end_h < 1000.0);
    gr_restore_result_free(r);
    /* no unit at all and none to be had: rejected */
    d->spare[0].n_on_order = 0;
    d->spare[0].lead_h = INFINITY;
    assert_int_equal(gr_restore_plan(g, NULL, d, &o, &r, &err), GR_EINVAL);
    assert_non_null(strstr(err.msg, "none can be ordered"));
    assert_null(r);
    gr_damage_free(d);
    gr_grid_free(g);
}

/* Explicit "after": B waits for A even on another crew. */
static void test_explicit_after(void **state)
{
    (void)state;
    const double pd[4] = {0, 10, 50, 5};
    gr_grid *g = star_grid(4, pd);
    gr_damage *d = parse(g, "{\"elements\": [{\"kind\": \"branch\", \"row\": 1, \"repair_h\": 30},"
                            " {\"kind\": \"branch\", \"row\": 2, \"repair_h\": 2, \"after\": [0]},"
                            " {\"kind\": \"branch\", \"row\": 3, \"repair_h\": 4}]}");
    for (int m = GR_RESTORE_GREEDY; m <= GR_RESTORE_MIP; m++) {
        gr_restore_options o;
        gr_restore_options_default(&o);
        o.method = m;
        o.crews = 2;
        gr_restore_result *r = plan(g, NULL, d, &o);
        check_feasible(g, d, &o, r);
        gr_restore_result_free(r);
    }
    gr_damage_free(d);
    gr_grid_free(g);
}

/* ------------------------------------------------------------------------
 * Synthetic grid: evaluators agree, MIP vs heuristics.
 * ------------------------------------------------------------------------ */
static gr_case *syn_case;
static gr_overlay *syn_ov;
static gr_grid *syn_g;

static void synth_load(void)
{
    if (syn_g)
        return;
    gr_synth_options so;
    gr_synth_options_default(&so);
    so.n_bus = 300;
    gr_error err = {0};
    if (gr_synth(&so, &syn_case, &syn_ov, &err))
        fail_msg("gr_synth: %s", err.msg);
    syn_g = to_grid(syn_case);
}

/* n damaged elements drawn from the high-voltage part (buses >= 300 kV,
 * transformers, lines) so that the damage sheds load. */
static gr_damage *random_damage(const gr_grid *g, int n, uint64_t seed, int with_spares)
{
    gr_damage *d = NULL;
    assert_int_equal(gr_damage_alloc(n, with_spares, &d), GR_OK);
    if (with_spares) {
        d->spare[0].name = gr_malloc(3);
        memcpy(d->spare[0].name, "AT", 3);
        d->spare[0].stock = 1;
        d->spare[0].lead_h = 500;
    }
    gr_rng rng;
    gr_rng_seed(&rng, seed);
    int k = 0, tries = 0;
    while (k < n && tries++ < 100000) {
        int kind, idx;
        uint64_t u = gr_rng_next(&rng) % 10;
        if (u < 3) {   /* a substation: high voltage, or a 110 kV one with load */
            kind = GR_ELEM_BUS;
            idx = (int)(gr_rng_next(&rng) % (uint64_t)g->nb);
            if (g->base_kv[idx] < 300 && !(g->pd[idx] > 0.0))
                continue;
        } else {
            kind = GR_ELEM_BRANCH;
            idx = (int)(gr_rng_next(&rng) % (uint64_t)g->nl);
            if (g->base_kv[g->br_f[idx]] < 300 && g->base_kv[g->br_t[idx]] < 300)
                continue;
        }
        int dup = 0;
        for (int j = 0; j < k; j++)
            dup |= d->elem[j].kind == kind && d->elem[j].index == idx;
        if (dup)
            continue;
        d->elem[k].kind = kind;
        d->elem[k].index = idx;
        d->elem[k].cls = gr_damage_classify(g, kind, idx);
        d->elem[k].repair_h = 4.0 + (double)(gr_rng_next(&rng) % 60);
        if (with_spares && d->elem[k].cls == GR_DMG_TRANSFORMER) {
            d->elem[k].spare = 0;
            d->elem[k].spare_count = 1;
        }
        k++;
    }
    assert_int_equal(k, n);
    return d;
}

static void test_eval_agree(void **state)
{
    (void)state;
    synth_load();
    gr_damage *d = random_damage(syn_g, 12, 11, 0);
    gr_load_classes *cl = NULL;
    gr_error err = {0};
    assert_int_equal(gr_load_classes_from_overlay(syn_g, syn_ov, &cl, &err), GR_OK);
    rs_eval *a = NULL, *b = NULL;
    gr_shed_options sh;
    gr_shed_options_default(&sh);
    assert_int_equal(rs_eval_create(syn_g, d, cl, &sh, NULL, GR_RESTORE_EVAL_SHED, &a, &err), GR_OK);
    assert_int_equal(rs_eval_create(syn_g, d, cl, &sh, NULL, GR_RESTORE_EVAL_WARM, &b, &err), GR_OK);
    gr_rng rng;
    gr_rng_seed(&rng, 5);
    int shed_states = 0;
    double dmw;
    rs_eval_demand(a, &dmw, NULL, NULL);
    for (int t = 0; t < 30; t++) {
        uint64_t m = t == 0 ? 0 : t == 1 ? 0xfff : gr_rng_next(&rng) & 0xfff;
        rs_value va, vb;
        assert_int_equal(rs_eval_get(a, &m, &va, &err), GR_OK);
        assert_int_equal(rs_eval_get(b, &m, &vb, &err), GR_OK);
        assert_near(vb.weighted, va.weighted, 1e-6, 1e-7);
        assert_near(vb.served_mw, va.served_mw, 1e-4, 1e-6);
        shed_states += va.served_mw < dmw - 1.0;
    }
    assert_true(shed_states > 5);   /* the damage does shed load */
    /* the cache answers repeated states */
    int solves, hits;
    double lp_s;
    rs_eval_stats(a, &solves, &hits, &lp_s);
    uint64_t m0 = 0;
    rs_value v;
    assert_int_equal(rs_eval_get(a, &m0, &v, &err), GR_OK);
    int solves2, hits2;
    rs_eval_stats(a, &solves2, &hits2, &lp_s);
    assert_int_equal(solves2, solves);
    assert_int_equal(hits2, hits + 1);
    rs_eval_free(a);
    rs_eval_free(b);
    gr_load_classes_free(cl);
    gr_damage_free(d);
}

/* Gap of greedy and RAD to the MIP on small instances of the synthetic grid
 * (sites, crew bases and population from its overlay). Prints a table. */
static void test_mip_gap(void **state)
{
    (void)state;
    synth_load();
    printf("  %-4s %-3s %-5s %14s %14s %14s %14s %8s %8s\n", "inst", "n", "crews", "greedy", "rad",
           "mip", "bound", "gap_g%", "gap_r%");
    int n_opt = 0;
    for (int inst = 0; inst < 6; inst++) {
        int n = 4 + inst % 3 * 2, crews = 1 + inst % 3;   /* 4/6/8 elements, 1-3 crews */
        gr_damage *d = random_damage(syn_g, n, 100 + (uint64_t)inst, inst % 2);
        double obj[3];
        gr_restore_result *rm = NULL;
        for (int m = GR_RESTORE_GREEDY; m <= GR_RESTORE_MIP; m++) {
            gr_restore_options o;
            gr_restore_options_default(&o);
            o.method = m;
            o.crews = crews;
            o.mip_time_s = 60;
            gr_restore_result *r = plan(syn_g, syn_ov, d, &o);
            check_feasible(syn_g, d, &o, r);
            obj[m] = r->objective;
            if (m == GR_RESTORE_MIP)
                rm = r;
            else
                gr_restore_result_free(r);
        }
        assert_true(obj[2] > 0.0);   /* the damage sheds load */
        double gg = 100.0 * (obj[0] - obj[2]) / obj[2], gr = 100.0 * (obj[1] - obj[2]) / obj[2];
        printf("  %-4d %-3d %-5d %14.6g %14.6g %14.6g %14.6g %8.3f %8.3f %s\n", inst, n, crews,
               obj[0], obj[1], obj[2], rm->mip_bound, gg, gr,
               rm->mip_optimal ? "optimal" : "time limit");
        /* the MIP never does worse than its start (RAD), and its own objective
           matches the evaluator's value of its schedule */
        assert_true(obj[2] <= obj[1] * (1 + 1e-9) + 1e-6);
        assert_true(obj[1] <= obj[0] * (1 + 1e-9) + 1e-6);
        assert_true(rm->mip_bound <= obj[2] * (1 + 1e-6) + 1e-6);
        if (rm->mip_optimal) {
            n_opt++;
            assert_true(obj[2] <= rm->mip_objective * (1 + 1e-6) + 1e-6);
            assert_true(gr <= 2.0);   /* issue target: RAD within 2 % of a proven optimum */
        }
        gr_restore_result_free(rm);
        gr_damage_free(d);
    }
    assert_true(n_opt >= 4);
}

/* Issue 15: the bounded greedy and RAD choose exactly what the exhaustive
 * reference (every candidate state and trial order solved by LP, the
 * algorithm before) chooses, on fixed instances of the synthetic grid, and
 * never beat the MIP's proven optimum on the small ones (an independent
 * check that neither variant's objective is mis-evaluated). */
static void test_bounded_equals_reference(void **state)
{
    (void)state;
    synth_load();
    const int sizes[5] = {5, 6, 12, 20, 24}, crews[5] = {1, 2, 3, 4, 6};
    int pruned = 0;
    for (int inst = 0; inst < 5; inst++) {
        gr_damage *d = random_damage(syn_g, sizes[inst], 300 + (uint64_t)inst, inst % 2);
        double mip_obj = -HUGE_VAL;
        if (sizes[inst] <= 6) {
            gr_restore_options o;
            gr_restore_options_default(&o);
            o.method = GR_RESTORE_MIP;
            o.crews = crews[inst];
            gr_restore_result *r = plan(syn_g, syn_ov, d, &o);
            if (r->mip_status == GR_RESTORE_MIP_OPTIMAL)
                mip_obj = r->objective;
            gr_restore_result_free(r);
        }
        for (int m = GR_RESTORE_GREEDY; m <= GR_RESTORE_RAD; m++) {
            gr_restore_result *r[2];
            for (int ex = 0; ex < 2; ex++) {
                gr_restore_options o;
                gr_restore_options_default(&o);
                o.method = m;
                o.crews = crews[inst];
                o.exhaustive = ex;
                o.rad_iters = 30;
                r[ex] = plan(syn_g, syn_ov, d, &o);
                check_feasible(syn_g, d, &o, r[ex]);
            }
            /* the same schedule, task by task */
            assert_near(r[0]->objective, r[1]->objective, 1e-9 * r[1]->objective, 1e-9);
            assert_true(r[0]->objective <= r[1]->objective * (1 + 1e-12));
            for (int k = 0; k < r[0]->n; k++) {
                assert_int_equal(r[0]->task[k].elem, r[1]->task[k].elem);
                assert_int_equal(r[0]->task[k].crew, r[1]->task[k].crew);
                assert_near(r[0]->task[k].end_h, r[1]->task[k].end_h, 1e-9, 0);
            }
            assert_true(r[0]->lp_solves <= r[1]->lp_solves);
            assert_int_equal(r[1]->bound_checks, 0);
            pruned += r[0]->lp_solves < r[1]->lp_solves;
            if (mip_obj > -HUGE_VAL)
                assert_true(r[0]->objective >= mip_obj * (1 - 1e-6) - 1e-6);
            gr_restore_result_free(r[0]);
            gr_restore_result_free(r[1]);
        }
        gr_damage_free(d);
    }
    assert_true(pruned >= 2);   /* the bounds do save LPs on these instances */
}

/* The served-load bound never falls below the LP's value (random states). */
static void test_bound_valid(void **state)
{
    (void)state;
    synth_load();
    gr_damage *d = random_damage(syn_g, 12, 17, 0);
    gr_error err = {0};
    rs_eval *a = NULL, *b = NULL;
    gr_shed_options sh;
    gr_shed_options_default(&sh);
    assert_int_equal(rs_eval_create(syn_g, d, NULL, &sh, NULL, GR_RESTORE_EVAL_SHED, &a, &err),
                     GR_OK);
    assert_int_equal(rs_eval_create(syn_g, d, NULL, &sh, NULL, GR_RESTORE_EVAL_SHED, &b, &err),
                     GR_OK);
    gr_rng rng;
    gr_rng_seed(&rng, 9);
    int tight = 0;
    for (int t = 0; t < 40; t++) {
        uint64_t m = t == 0 ? 0 : t == 1 ? 0xfff : gr_rng_next(&rng) & 0xfff;
        rs_value v;
        double ub;
        assert_int_equal(rs_eval_bound(b, &m, &ub), 0);   /* b has solved nothing */
        assert_int_equal(rs_eval_get(a, &m, &v, &err), GR_OK);
        assert_true(ub >= v.weighted * (1 - 1e-9) - 1e-9);
        tight += fabs(ub - v.weighted) <= 1e-6 * (1 + v.weighted);
        double again;
        assert_int_equal(rs_eval_bound(a, &m, &again), 1);   /* cached: the value */
        assert_near(again, v.weighted, 0, 0);
    }
    printf("  bound equal to the LP value on %d of 40 states\n", tight);
    rs_eval_free(a);
    rs_eval_free(b);
    gr_damage_free(d);
}

/* Issue 14: --time-limit. A limit too short for CBC returns the heuristic
 * plan as a fallback (status, no gap); a short limit on a hard instance
 * returns a plan with a gap >= 0 and its bound. */
static void test_mip_time_limit(void **state)
{
    (void)state;
    synth_load();
    gr_damage *d = random_damage(syn_g, 12, 42, 1);
    gr_restore_options o;
    gr_restore_options_default(&o);
    o.method = GR_RESTORE_MIP;
    o.crews = 3;
    o.mip_max_elems = 12;
    o.mip_time_s = 0.01;   /* no time for CBC at all */
    gr_restore_result *r = plan(syn_g, syn_ov, d, &o);
    check_feasible(syn_g, d, &o, r);
    assert_int_equal(r->mip_status, GR_RESTORE_MIP_FALLBACK);
    assert_int_equal(r->mip_optimal, 0);
    assert_true(isnan(r->mip_objective));
    o.method = GR_RESTORE_GREEDY;
    gr_restore_result *rg = plan(syn_g, syn_ov, d, &o);
    assert_true(r->objective <= rg->objective * (1 + 1e-9));   /* greedy or better */
    gr_restore_result_free(r);
    o.method = GR_RESTORE_MIP;
    o.mip_time_s = 1.0;
    r = plan(syn_g, syn_ov, d, &o);
    check_feasible(syn_g, d, &o, r);
    printf("  12 elements, 3 crews, 1 s: %s, gap %.3g %%\n",
           gr_restore_mip_status_name(r->mip_status), r->mip_gap_pct);
    assert_true(r->mip_status == GR_RESTORE_MIP_OPTIMAL ||
                r->mip_status == GR_RESTORE_MIP_TIME_LIMIT ||
                r->mip_status == GR_RESTORE_MIP_FALLBACK);
    if (r->mip_status == GR_RESTORE_MIP_TIME_LIMIT) {
        assert_true(isfinite(r->mip_gap_pct) && r->mip_gap_pct >= 0.0);
        assert_true(r->mip_bound <= r->objective * (1 + 1e-6) + 1e-6);
        assert_near(r->mip_gap_pct, 100.0 * (r->objective - r->mip_bound) / r->objective, 1e-9,
                    1e-9);
    }
    if (r->mip_status == GR_RESTORE_MIP_OPTIMAL)
        assert_near(r->mip_gap_pct, 0.0, 0, 0);
    assert_true(r->objective <= rg->objective * (1 + 1e-9));
    gr_restore_result_free(r);
    gr_restore_result_free(rg);
    gr_damage_free(d);
}

/* Issue 14: what makes a plan impossible is named before any solver runs:
 * the element and the spare class, or the crews. */
static void test_precheck(void **state)
{
    (void)state;
    gr_grid *g = example6();
    gr_damage *d = NULL;
    gr_restore_result *r = NULL;
    gr_error err = {0};
    assert_int_equal(gr_damage_read(GRIDRES_TEST_DATA "/restore/example6_damage.json", g, &d, &err),
                     GR_OK);
    gr_restore_options o;
    gr_restore_options_default(&o);
    o.method = GR_RESTORE_MIP;
    o.crews = 2;
    /* no stock; the second unit on order never comes within the horizon */
    d->spare[0].stock = 0;
    d->spare[0].lead_h = INFINITY;
    d->spare[0].n_on_order = 2;
    d->spare[0].on_order_h = gr_malloc(2 * sizeof(double));
    d->spare[0].on_order_h[0] = 100.0;
    d->spare[0].on_order_h[1] = 5e6;
    assert_int_equal(gr_restore_plan(g, NULL, d, &o, &r, &err), GR_EINVAL);
    assert_null(r);
    assert_non_null(strstr(err.msg, "element 1 (branch 5, \"AT-2 HYDRO-B\")"));
    assert_non_null(strstr(err.msg, "spare class \"AT-330/110\""));
    assert_non_null(strstr(err.msg, "on_order_h"));
    /* ... or only by a lead time beyond it */
    d->spare[0].n_on_order = 1;
    d->spare[0].lead_h = 2e6;
    assert_int_equal(gr_restore_plan(g, NULL, d, &o, &r, &err), GR_EINVAL);
    assert_non_null(strstr(err.msg, "lead_h"));
    assert_non_null(strstr(err.msg, "AT-330/110"));
    d->spare[0].lead_h = 2000;   /* back to a plan that exists */
    o.mip_time_s = 30;
    r = plan(g, NULL, d, &o);
    check_feasible(g, d, &o, r);
    gr_restore_result_free(r);
    r = NULL;
    /* no crew ever free */
    const double never[2] = {INFINITY, INFINITY};
    o.crew_free_h = never;
    assert_int_equal(gr_restore_plan(g, NULL, d, &o, &r, &err), GR_EINVAL);
    assert_non_null(strstr(err.msg, "element 0 (branch 4, \"AT-1 CITY-N\") cannot be reached"));
    o.crew_free_h = NULL;
    /* work beyond the horizon */
    d->elem[2].repair_h = 3e6;
    assert_int_equal(gr_restore_plan(g, NULL, d, &o, &r, &err), GR_EINVAL);
    assert_non_null(strstr(err.msg, "element 2"));
    assert_non_null(strstr(err.msg, "planning horizon"));
    gr_damage_free(d);
    gr_grid_free(g);
}

/* With an overlay: crews start at bases, people without power are counted. */
static void test_overlay(void **state)
{
    (void)state;
    synth_load();
    gr_damage *d = random_damage(syn_g, 6, 3, 0);
    gr_restore_options o;
    gr_restore_options_default(&o);
    o.crews = 3;
    o.method = GR_RESTORE_GREEDY;
    gr_restore_result *r = plan(syn_g, syn_ov, d, &o);
    check_feasible(syn_g, d, &o, r);
    assert_true(r->step[0].people_out > 0.0);
    assert_near(r->step[r->n_steps - 1].people_out, 0.0, 1e-3, 0);
    assert_true(r->people_out_h > 0.0);
    for (int k = 0; k < r->n; k++)   /* somebody travelled from a base */
        if (r->task[k].arrive_h > r->task[k].depart_h)
            goto travelled;
    fail_msg("no crew travelled");
travelled:
    gr_restore_result_free(r);
    gr_damage_free(d);
}

/* ------------------------------------------------------------------------
 * Carry-over for the campaign loop.
 * ------------------------------------------------------------------------ */
static void test_remaining(void **state)
{
    (void)state;
    gr_grid *g = example6();
    gr_damage *d = NULL, *left = NULL;
    gr_error err = {0};
    assert_int_equal(gr_damage_read(GRIDRES_TEST_DATA "/restore/example6_damage.json", g, &d, &err),
                     GR_OK);
    gr_restore_options o;
    gr_restore_options_default(&o);
    o.crews = 2;
    o.method = GR_RESTORE_GREEDY;
    o.work_h_per_day = 24;
    gr_restore_result *r = plan(g, NULL, d, &o);
    double t = 100.0;
    assert_int_equal(gr_restore_remaining(d, r, &o, t, &left, &err), GR_OK);
    int expect = 0;
    for (int k = 0; k < r->n; k++)
        expect += r->task[k].end_h > t;
    assert_int_equal(left->n, expect);
    assert_int_equal(gr_damage_check(left, g, &err), GR_OK);
    double work_left = 0, work_plan = 0;
    for (int k = 0; k < r->n; k++)
        if (r->task[k].end_h > t)
            work_plan += r->task[k].end_h - (r->task[k].start_h > t ? r->task[k].start_h : t);
    for (int i = 0; i < left->n; i++)
        work_left += left->elem[i].repair_h;
    assert_near(work_left, work_plan, 1e-6, 1e-9);
    /* the spare used by the first transformer is gone; the second still needs one */
    assert_int_equal(left->spare[0].stock, 0);
    gr_restore_options o2 = o;
    o2.start_h = t;
    gr_restore_result *r2 = plan(g, NULL, left, &o2);
    check_feasible(g, left, &o2, r2);
    gr_restore_result_free(r2);
    gr_restore_result_free(r);
    gr_damage_free(left);
    gr_damage_free(d);
    gr_grid_free(g);
}

/* Bad options and damage built by hand. */
static void test_bad_api(void **state)
{
    (void)state;
    const double pd[3] = {0, 10, 30};
    gr_grid *g = star_grid(3, pd);
    gr_damage *d = NULL;
    gr_restore_result *r = NULL;
    gr_error err = {0};
    assert_int_equal(gr_damage_alloc(2, 0, &d), GR_OK);
    d->elem[0].index = 0;
    d->elem[1].index = 1;
    gr_restore_options o;
    gr_restore_options_default(&o);
    o.crews = 0;
    assert_int_equal(gr_restore_plan(g, NULL, d, &o, &r, &err), GR_EINVAL);
    gr_restore_options_default(&o);
    d->elem[1].index = 7;
    assert_int_equal(gr_restore_plan(g, NULL, d, &o, &r, &err), GR_EINVAL);
    assert_non_null(strstr(err.msg, "does not exist"));
    d->elem[1].index = 1;
    d->elem[1].repair_h = -1;
    assert_int_equal(gr_restore_plan(g, NULL, d, &o, &r, &err), GR_EINVAL);
    d->elem[1].repair_h = NAN;
    o.method = GR_RESTORE_MIP;
    o.mip_max_elems = 1;
    assert_int_equal(gr_restore_plan(g, NULL, d, &o, &r, &err), GR_EINVAL);
    assert_non_null(strstr(err.msg, "MIP"));
    assert_null(r);
    /* class defaults: two lines of 24 h each, one crew: done at 48 h */
    gr_restore_options_default(&o);
    o.crews = 1;
    o.work_h_per_day = 24;
    r = plan(g, NULL, d, &o);
    assert_near(r->end_h, 48.0, 1e-9, 0);
    gr_restore_result_free(r);
    /* empty damage */
    gr_damage *e = NULL;
    assert_int_equal(gr_damage_alloc(0, 0, &e), GR_OK);
    r = plan(g, NULL, e, &o);
    assert_int_equal(r->n, 0);
    assert_near(r->ens_mwh, 0.0, 1e-9, 0);
    gr_restore_result_free(r);
    gr_damage_free(e);
    gr_damage_free(d);
    gr_grid_free(g);
    gr_restore_result_free(NULL);
    gr_damage_free(NULL);
}

/* Out of memory at every allocation of parse and plan. */
static void test_oom(void **state)
{
    (void)state;
    gr_grid *g = example6();
    FILE *f = fopen(GRIDRES_TEST_DATA "/restore/example6_damage.json", "rb");
    assert_non_null(f);
    char buf[8192];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    int ok = 0;
    for (long n = 0; n < 100000 && !ok; n++) {
        gr_damage *d = NULL;
        gr_restore_result *r = NULL;
        gr_error err = {0};
        gr_alloc_fail_after(n);
        int st = gr_damage_parse(buf, len, "damage.json", g, &d, &err);
        if (st == GR_OK) {
            gr_restore_options o;
            gr_restore_options_default(&o);
            o.crews = 2;
            st = gr_restore_plan(g, NULL, d, &o, &r, &err);
        }
        gr_alloc_fail_after(-1);
        if (st == GR_OK)
            ok = 1;
        else
            assert_true(st == GR_ENOMEM || st == GR_ELP || st == GR_EINFEASIBLE);
        gr_restore_result_free(r);
        gr_damage_free(d);
    }
    assert_true(ok);
    gr_grid_free(g);
}

static int teardown_all(void **state)
{
    (void)state;
    gr_grid_free(syn_g);
    gr_case_free(syn_case);
    gr_overlay_free(syn_ov);
    return 0;
}

/* Found by tests/fuzz/fuzz_damage: a control character in a name the file
 * gave ("tr\u0001sformer") was echoed into the one-line message; it shows escaped. */
static void test_damage_message_one_line(void **state)
{
    (void)state;
    gr_grid *g = example6();
    parse_bad(g, "{\"elements\": [{\"kind\": \"tr\\u0001ns\\nformer\", \"row\": 4}]}",
              "$.elements[0].kind: expected \"branch\", \"line\", \"transformer\", \"gen\", "
              "\"bus\" or \"substation\", found \"tr\\x01ns\\nformer\"");
    parse_bad(g, "{\"elements\": [{\"kind\": \"branch\", \"row\": 4, \"col\\rour\": 1}]}",
              "$.elements[0]: unknown field \"col\\rour\"");
    gr_grid_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_damage_read),
        cmocka_unit_test(test_damage_errors),
        cmocka_unit_test(test_tiny_optimum),
        cmocka_unit_test(test_travel_shifts),
        cmocka_unit_test(test_spares_precedence),
        cmocka_unit_test(test_explicit_after),
        cmocka_unit_test(test_eval_agree),
        cmocka_unit_test(test_mip_gap),
        cmocka_unit_test(test_bounded_equals_reference),
        cmocka_unit_test(test_bound_valid),
        cmocka_unit_test(test_mip_time_limit),
        cmocka_unit_test(test_precheck),
        cmocka_unit_test(test_overlay),
        cmocka_unit_test(test_remaining),
        cmocka_unit_test(test_bad_api),
        cmocka_unit_test(test_oom),
        cmocka_unit_test(test_damage_message_one_line),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, teardown_all));
}
