/* test_campaign.c — the strike campaign: cases whose outcome can be reasoned, conservation of the metrics, determinism across thread counts, and scenario errors with JSON paths. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/campaign_internal.h"
#include "testutil.h"

/* A small scenario on a 300-bus synthetic region. %s slots: threat types,
 * schedule, extra root fields (each may be empty, extra starts with ','). */
static const char *const tiny_fmt =
    "{\"format\": \"gridres-campaign\", \"version\": 1, \"name\": \"tiny\",\n"
    " \"synth\": {\"buses\": 300, \"seed\": 3}, \"nights\": 3,\n"
    " \"threat_types\": {%s},\n"
    " \"schedule\": [%s]%s}\n";

static const char *const all_one =
    "\"p_damage\": {\"sub750\": 1, \"sub330\": 1, \"sub110\": 1, \"line\": 1, \"nuclear\": 1,"
    " \"thermal\": 1, \"chp\": 1, \"hydro\": 1, \"gas\": 1, \"wind\": 1, \"solar\": 1,"
    " \"other\": 1}";

static char *tiny(const char *types, const char *schedule, const char *extra)
{
    size_t n = strlen(tiny_fmt) + strlen(types) + strlen(schedule) + strlen(extra) + 1;
    char *s = malloc(n);
    snprintf(s, n, tiny_fmt, types, schedule, extra);
    return s;
}

static gr_campaign_scenario *parse_ok(const char *text)
{
    gr_campaign_scenario *s = NULL;
    gr_error err = {0, ""};
    int st = gr_campaign_scenario_parse(text, strlen(text), "tiny.json", NULL, &s, &err);
    if (st != GR_OK)
        fail_msg("parse failed (%d): %s", st, err.msg);
    return s;
}

static gr_campaign_result *run_ok(const gr_campaign_scenario *s, int runs, int threads)
{
    gr_campaign_options o;
    gr_campaign_result *r = NULL;
    gr_error err = {0, ""};
    gr_campaign_options_default(&o);
    o.runs = runs;
    o.threads = threads;
    o.seed = 42;
    int st = gr_campaign_run(s, &o, &r, &err);
    if (st != GR_OK)
        fail_msg("run failed (%d): %s", st, err.msg);
    return r;
}

static const double *hour_row(const gr_campaign_result *r, int run, int night, int h)
{
    return r->hourly + (((size_t)run * r->nights + night) * 24 + h) * GR_HOUR_NFIELD;
}

/* ------------------------------------------------------------------------ */
static void test_default_scenario(void **state)
{
    (void)state;
    gr_campaign_scenario *s = NULL;
    gr_error err = {0, ""};
    assert_int_equal(gr_campaign_scenario_read(NULL, &s, &err), GR_OK);
    assert_int_equal(s->nights, 30);
    assert_int_equal(s->grid->nb, 2000);
    assert_int_equal(s->nzones, s->overlay->nzone + 2); /* + mobile groups east, north */
    assert_int_equal(s->ad_model, GR_AD_MODEL_LAYERED);
    assert_int_equal(s->zones[s->nzones - 1].kind, GR_AD_MOBILE);
    assert_int_equal(s->zones[0].resupply_days, 7);
    assert_true(s->crews > 0);
    assert_true(s->assets.n > s->overlay->nplant);
    assert_non_null(gr_campaign_night_plan(s, 1));
    /* massive strikes on nights 2, 9, 16, 23, 30 */
    const gr_night_plan *p2 = gr_campaign_night_plan(s, 2), *p3 = gr_campaign_night_plan(s, 3);
    assert_true(p2->nwaves == 3 && p2->waves[0].count[GR_THREAT_DRONE] == 150);
    assert_true(p3->nwaves == 1);
    gr_campaign_scenario_free(s);
}

static void test_zero_threats_zero_ens(void **state)
{
    (void)state;
    char *text = tiny("", "{\"every\": 1, \"waves\": [{\"time_h\": 4, \"counts\": {}, \"launch\": []}]}",
                      "");
    gr_campaign_scenario *s = parse_ok(text);
    gr_campaign_result *r = run_ok(s, 2, 1);
    for (int i = 0; i < r->runs; i++) {
        assert_near(r->total[i].ens_mwh, 0.0, 1e-9, 0);
        assert_near(r->total[i].customer_hours, 0.0, 1e-6, 0);
        for (int n = 0; n < r->nights; n++) {
            assert_int_equal(r->night[i * r->nights + n].drones, 0);
            assert_int_equal(r->night[i * r->nights + n].has_event, 0);
            for (int h = 0; h < 24; h++) {
                const double *row = hour_row(r, i, n, h);
                assert_near(row[GR_HOUR_SERVED_MW], row[GR_HOUR_LOAD_MW], 1e-6, 1e-9);
                assert_near(row[GR_HOUR_PEOPLE_NO_POWER], 0.0, 1e-6, 0);
            }
        }
    }
    gr_campaign_result_free(r);
    gr_campaign_scenario_free(s);
    free(text);
}

/* Issue 13 item 3: a negative load (a fixed injection) that no shedding can
 * balance never aborts a campaign. One bus injects twice the grid's load L:
 * the units go to 0, and at least L of the injection must be curtailed at
 * every hour (more where branch limits bind, never more than the
 * injection); no balance slack is needed (the curtailment can take it all).
 * Before the relaxation gr_campaign_run failed with GR_EINFEASIBLE. */
static void test_negative_load_relaxed(void **state)
{
    (void)state;
    char *text = tiny("", "{\"every\": 1, \"waves\": [{\"time_h\": 4, \"counts\": {}, \"launch\": []}]}",
                      "");
    gr_campaign_scenario *s = parse_ok(text);
    double load = 0.0;
    int at = -1;
    for (int b = 0; b < s->grid->nb; b++)
        if (s->grid->pd[b] > 0.0) {
            load += s->grid->pd[b];
            if (at < 0 || s->grid->pd[b] > s->grid->pd[at])
                at = b;
        }
    assert_true(at >= 0);
    load -= s->grid->pd[at];
    double inj = 2.0 * load;
    s->grid->pd[at] = -inj; /* the bus's own load becomes the injection */
    gr_campaign_result *r = run_ok(s, 1, 1);
    const gr_campaign_total *t = &r->total[0];
    assert_int_equal(t->relaxed_hours, r->nights * 24);
    double sum_load = 0.0;
    for (int n = 0; n < r->nights; n++)
        for (int h = 0; h < 24; h++)
            sum_load += hour_row(r, 0, n, h)[GR_HOUR_LOAD_MW];
    /* hourly load is pd > 0 only, so the injection is 2 x that in MW */
    assert_true(t->curtailed_mwh >= sum_load * (1.0 - 1e-6));
    assert_true(t->curtailed_mwh <= 2.0 * sum_load * (1.0 + 1e-6));
    assert_true(t->curtailed_max_mw > 0.0);
    assert_near(t->unbalanced_mwh, 0.0, 1e-6, 0);
    assert_int_equal(t->unbalanced_bus, -1);
    gr_campaign_result_free(r);
    gr_campaign_scenario_free(s);
    free(text);
}

/* The asset the worst-case policy aims at first. */
static int top_asset(const gr_campaign_scenario *s)
{
    const gr_campaign_assets *a = &s->assets;
    int best = -1;
    for (int i = 0; i < a->n; i++) {
        if (!(s->class_weight[a->cls[i]] > 0))
            continue;
        if (best < 0 || a->loss_mw[i] > a->loss_mw[best] ||
            (a->loss_mw[i] == a->loss_mw[best] && a->capacity_mw[i] > a->capacity_mw[best]))
            best = i;
    }
    return best;
}

static int elem_of_asset(const gr_campaign_scenario *s, int asset, int kind, int index)
{
    const gr_campaign_assets *a = &s->assets;
    for (int j = a->elem_ptr[asset]; j < a->elem_ptr[asset + 1]; j++)
        if (a->elem_kind[j] == kind && a->elem_index[j] == index)
            return 1;
    return 0;
}

static void test_undefended_target_is_damaged(void **state)
{
    (void)state;
    char types[512];
    snprintf(types, sizeof types, "\"drone\": {\"p_ew\": 0, %s}", all_one);
    const char *sched = "{\"nights\": [1], \"waves\": [{\"time_h\": 2, \"counts\": {\"drone\": 1},"
                        " \"launch\": [{\"x_km\": -50, \"y_km\": -50}]}]}";
    char *text = tiny(types, sched, ", \"targets\": {\"policy\": \"worst\"}");
    gr_campaign_scenario *s = parse_ok(text);
    assert_int_equal(s->nzones, s->overlay->nzone);
    int top = top_asset(s);
    assert_true(top >= 0);
    gr_campaign_result *r = run_ok(s, 1, 1);
    const gr_campaign_night *n1 = &r->night[0];
    assert_int_equal(n1->drones, 1);
    assert_int_equal(n1->hits, 1); /* undefended (no air defence configured): it leaks */
    assert_int_equal(n1->damaged, 1);
    assert_int_equal(r->night[1].damaged, 0);
    int found = 0;
    for (int k = 0; k < r->n_events[0]; k++) {
        const gr_campaign_event *e = &r->events[0][k];
        if (e->kind != GR_CEV_DAMAGE)
            continue;
        assert_int_equal(e->night, 1);
        assert_int_equal(e->cause, GR_THREAT_DRONE);
        assert_true(elem_of_asset(s, top, e->elem_kind, e->elem_index));
        assert_true(e->t_h >= 0 && e->t_h < 24);
        found++;
    }
    assert_int_equal(found, 1);
    gr_campaign_result_free(r);
    gr_campaign_scenario_free(s);
    free(text);

    /* the same by name with the list policy; full protection stops the damage */
    const char *name = NULL;
    s = NULL;
    {
        char *t0 = tiny(types, sched, "");
        gr_campaign_scenario *s0 = parse_ok(t0);
        int a = -1;
        for (int i = 0; i < s0->assets.n && a < 0; i++)
            if (s0->assets.cls[i] == GR_ASSET_SUB330)
                a = i;
        assert_true(a >= 0);
        static char nm[64];
        snprintf(nm, sizeof nm, "%s", s0->assets.name[a]);
        name = nm;
        gr_campaign_scenario_free(s0);
        free(t0);
    }
    for (int prot = 0; prot <= 1; prot++) {
        char extra[512];
        snprintf(extra, sizeof extra,
                 ", \"targets\": {\"policy\": \"list\", \"assets\": [{\"asset\": \"%s\"}]},"
                 " \"protection\": {\"assets\": [{\"asset\": \"%s\", \"level\": %d}]}",
                 name, name, prot);
        text = tiny(types, sched, extra);
        s = parse_ok(text);
        int a = -1;
        for (int i = 0; i < s->assets.n; i++)
            if (strcmp(s->assets.name[i], name) == 0)
                a = i;
        r = run_ok(s, 1, 1);
        assert_int_equal(r->night[0].hits, 1);
        assert_int_equal(r->night[0].damaged, prot ? 0 : 1);
        for (int k = 0; k < r->n_events[0]; k++) {
            const gr_campaign_event *e = &r->events[0][k];
            if (e->kind == GR_CEV_DAMAGE || e->kind == GR_CEV_HIT)
                assert_true(elem_of_asset(s, a, e->elem_kind, e->elem_index));
        }
        gr_campaign_result_free(r);
        gr_campaign_scenario_free(s);
        free(text);
    }
}

/* A campaign with real damage (undefended, certain damage, worst case). */
static char *damaging(void)
{
    char types[700];
    snprintf(types, sizeof types,
             "\"drone\": {\"p_ew\": 0.1, %s}, \"cruise\": {%s}", all_one, all_one);
    const char *sched =
        "{\"every\": 1, \"waves\": ["
        "{\"time_h\": 2, \"spread_h\": 1, \"counts\": {\"drone\": 12},"
        " \"launch\": [{\"x_km\": 500, \"y_km\": 100, \"radius_km\": 30}]},"
        "{\"time_h\": 9, \"spread_h\": 0.3, \"counts\": {\"cruise\": 2},"
        " \"launch\": [{\"x_km\": 900, \"y_km\": 100}]}]}";
    return tiny(types, sched,
                ", \"targets\": {\"policy\": \"worst\", \"salvo\": {\"drone\": 2}},"
                " \"air_defence\": {\"default\": {\"channels\": 1, \"stock\": 3, \"resupply\": 1,"
                " \"pk\": {\"drone\": 0.5, \"cruise\": 0.5}}},"
                " \"repair\": {\"crews\": 3, \"spares\": [{\"name\": \"AT\", \"for\":"
                " [\"autotransformer\"], \"stock\": 1, \"every_days\": 2, \"units\": 1}]}");
}

static void test_conservation(void **state)
{
    (void)state;
    char *text = damaging();
    gr_campaign_scenario *s = parse_ok(text);
    gr_campaign_result *r = run_ok(s, 3, 2);
    double pop = s->overlay->population;
    int any_loss = 0;
    for (int i = 0; i < r->runs; i++) {
        double ens_total = 0.0, ch_total = 0.0, peak = 0.0, pmax = 0.0;
        for (int n = 0; n < r->nights; n++) {
            const gr_campaign_night *x = &r->night[i * r->nights + n];
            double ens = 0.0, ch = 0.0, pk = 0.0, heat = 0.0;
            for (int h = 0; h < 24; h++) {
                const double *row = hour_row(r, i, n, h);
                double load = row[GR_HOUR_LOAD_MW], served = row[GR_HOUR_SERVED_MW];
                assert_true(served <= load + 1e-6);
                assert_true(served >= 0.0);
                assert_true(row[GR_HOUR_SERVED_CRITICAL_MW] <= served + 1e-6);
                assert_true(row[GR_HOUR_PEOPLE_NO_POWER] >= -1e-6);
                assert_true(row[GR_HOUR_PEOPLE_NO_POWER] <= pop * (1 + 1e-9));
                assert_true(row[GR_HOUR_PEOPLE_NO_HEAT] >= -1e-6);
                assert_true(row[GR_HOUR_PEOPLE_NO_HEAT] <= pop * (1 + 1e-9));
                /* load follows the profile */
                double clock = fmod(s->start_h + h, 24.0);
                assert_near(load, r->peak_mw * s->profile[(int)clock], 1e-6, 1e-9);
                ens += load - served; /* 1-hour steps: the integral of the lost load */
                ch += row[GR_HOUR_PEOPLE_NO_POWER];
                pk = fmax(pk, load - served);
                heat = fmax(heat, row[GR_HOUR_PEOPLE_NO_HEAT]);
                pmax = fmax(pmax, row[GR_HOUR_PEOPLE_NO_POWER]);
            }
            assert_near(x->ens_mwh, ens, 1e-6, 1e-9);
            assert_near(x->customer_hours, ch, 1e-3, 1e-9);
            assert_near(x->peak_lost_mw, pk, 1e-9, 1e-12);
            assert_near(x->people_without_heat_max, heat, 1e-6, 1e-12);
            assert_true(x->level_before_wave >= 0 && x->level_before_wave <= 1 + 1e-12);
            assert_true(x->intercepted + x->ew + x->hits == x->drones + x->missiles);
            assert_true(x->damaged <= x->hits);
            ens_total += ens;
            ch_total += ch;
            peak = fmax(peak, pk);
            if (x->has_event) {
                assert_true(x->trap.lambda >= 0.0 && x->trap.lambda <= 1.0);
                assert_true(x->trap.area >= 0.0);
            }
        }
        const gr_campaign_total *t = &r->total[i];
        assert_near(t->ens_mwh, ens_total, 1e-6, 1e-9);
        assert_near(t->customer_hours, ch_total, 1e-3, 1e-9);
        assert_near(t->peak_lost_mw, peak, 1e-9, 1e-12);
        assert_near(t->people_without_power_max, pmax, 1e-6, 1e-12);
        assert_true(t->people_without_power_mean <= pmax + 1e-6);
        assert_near(t->saidi_h, ch_total / pop, 1e-9, 1e-9);
        int launched = 0, out = 0;
        for (int ty = 0; ty < GR_THREAT_NTYPES; ty++) {
            launched += t->launched[ty];
            for (int o = 0; o < GR_OUT_NOUTCOMES; o++)
                out += t->outcome[ty][o];
        }
        assert_int_equal(launched, out);
        assert_int_equal(launched, r->nights * 14);
        if (t->ens_mwh > 0.0)
            any_loss = 1;
        /* every repair event follows a damage event of the same element */
        for (int k = 0; k < r->n_events[i]; k++) {
            const gr_campaign_event *e = &r->events[i][k];
            if (e->kind != GR_CEV_REPAIR)
                continue;
            int seen = 0;
            for (int j = 0; j < k; j++)
                seen |= r->events[i][j].kind == GR_CEV_DAMAGE &&
                        r->events[i][j].elem_kind == e->elem_kind &&
                        r->events[i][j].elem_index == e->elem_index &&
                        r->events[i][j].t_h <= e->t_h;
            assert_true(seen);
        }
    }
    assert_true(any_loss); /* the scenario does hurt */
    gr_campaign_result_free(r);
    gr_campaign_scenario_free(s);
    free(text);
}

static void test_determinism_threads(void **state)
{
    (void)state;
    char *text = damaging();
    gr_campaign_scenario *s = parse_ok(text);
    gr_campaign_result *a = run_ok(s, 4, 1), *b = run_ok(s, 4, 2);
    assert_int_equal(a->threads, 1);
    size_t nh = (size_t)a->runs * a->nights * 24 * GR_HOUR_NFIELD;
    assert_memory_equal(a->hourly, b->hourly, nh * sizeof(double));
    assert_memory_equal(a->night, b->night, (size_t)a->runs * a->nights * sizeof *a->night);
    assert_memory_equal(a->total, b->total, (size_t)a->runs * sizeof *a->total);
    for (int i = 0; i < a->runs; i++) {
        assert_int_equal(a->n_events[i], b->n_events[i]);
        for (int k = 0; k < a->n_events[i]; k++) { /* field by field: structs have padding */
            const gr_campaign_event *x = &a->events[i][k], *y = &b->events[i][k];
            assert_int_equal(x->night, y->night);
            assert_true(x->t_h == y->t_h && x->mw_lost == y->mw_lost);
            assert_int_equal(x->kind, y->kind);
            assert_int_equal(x->elem_kind, y->elem_kind);
            assert_int_equal(x->elem_index, y->elem_index);
            assert_int_equal(x->cause, y->cause);
        }
    }
    assert_int_equal(a->lp_solves, b->lp_solves);
    /* different runs differ (independent streams) */
    assert_true(memcmp(&a->total[0], &a->total[1], sizeof a->total[0]) != 0 ||
                memcmp(&a->total[0], &a->total[2], sizeof a->total[0]) != 0);
    gr_campaign_result_free(a);
    gr_campaign_result_free(b);
    gr_campaign_scenario_free(s);
    free(text);
}

static int same_event(const gr_campaign_event *x, const gr_campaign_event *y);

/* Streaming (on_run) against the kept result: every run once, in order, with
 * the same curves and log, and a result without them. */
typedef struct stream_check {
    const gr_campaign_result *ref;
    int next;
    int fail_at;        /* on_run returns GR_EIO at this run (-1: never) */
} stream_check;

static int check_run(void *user, const gr_campaign_result *r, const gr_campaign_run_out *v)
{
    stream_check *c = user;
    const gr_campaign_result *ref = c->ref;
    size_t i = (size_t)v->run;
    if (v->run != c->next++ || r->hourly || r->area_hourly)
        return GR_EINVAL;
    size_t nh = (size_t)ref->nights * 24 * GR_HOUR_NFIELD;
    size_t na = (size_t)ref->nights * 24 * (size_t)(ref->ncity + 1) * GR_AREA_NFIELD;
    if (memcmp(v->hourly, ref->hourly + i * nh, nh * sizeof(double)) != 0 ||
        memcmp(v->area_hourly, ref->area_hourly + i * na, na * sizeof(double)) != 0 ||
        memcmp(&r->total[i], &ref->total[i], sizeof *r->total) != 0 ||
        v->n_events != ref->n_events[i])
        return GR_EINVAL;
    for (int k = 0; k < v->n_events; k++)
        if (!same_event(&v->events[k], &ref->events[i][k]))
            return GR_EINVAL;
    return v->run == c->fail_at ? GR_EIO : GR_OK;
}

static void test_streaming_runs(void **state)
{
    (void)state;
    char *text = damaging();
    gr_campaign_scenario *s = parse_ok(text);
    gr_campaign_result *ref = run_ok(s, 5, 1);
    for (int threads = 1; threads <= 2; threads++) {
        gr_campaign_options o;
        gr_campaign_result *r = NULL;
        gr_error err = {0, ""};
        gr_campaign_options_default(&o);
        o.runs = 5;
        o.threads = threads;
        o.seed = 42;
        stream_check c = {ref, 0, -1};
        o.on_run = check_run;
        o.on_run_user = &c;
        int st = gr_campaign_run(s, &o, &r, &err);
        if (st != GR_OK)
            fail_msg("streamed run failed (%d): %s", st, err.msg);
        assert_int_equal(c.next, 5);
        assert_null(r->hourly);
        assert_null(r->area_hourly);
        for (int i = 0; i < 5; i++) {
            assert_null(r->events[i]);
            assert_int_equal(r->n_events[i], ref->n_events[i]);
        }
        assert_memory_equal(r->night, ref->night, (size_t)5 * r->nights * sizeof *r->night);
        assert_int_equal(r->lp_solves, ref->lp_solves);
        gr_campaign_result_free(r);

        /* the caller's failure stops the campaign with its status */
        stream_check f = {ref, 0, 2};
        o.on_run_user = &f;
        r = NULL;
        assert_int_equal(gr_campaign_run(s, &o, &r, &err), GR_EIO);
        assert_null(r);
        assert_int_equal(f.next, 3);
        assert_non_null(strstr(err.msg, "run 3"));
    }
    gr_campaign_result_free(ref);
    gr_campaign_scenario_free(s);
    free(text);
}

/* ------------------------------------------------------------------------
 * The fast path against the plain paths (camp_campaign_run, CAMP_PLAIN_*).
 * ------------------------------------------------------------------------ */
static gr_campaign_result *run_mode(const gr_campaign_scenario *s, int runs, int nights,
                                    int plain)
{
    gr_campaign_options o;
    gr_campaign_result *r = NULL;
    gr_error err = {0, ""};
    gr_campaign_options_default(&o);
    o.runs = runs;
    o.nights = nights;
    o.threads = 1;
    o.seed = 7;
    int st = camp_campaign_run(s, &o, plain, &r, &err);
    if (st != GR_OK)
        fail_msg("run failed (%d): %s", st, err.msg);
    return r;
}

static int same_event(const gr_campaign_event *x, const gr_campaign_event *y)
{
    return x->night == y->night && x->t_h == y->t_h && x->kind == y->kind &&
           x->elem_kind == y->elem_kind && x->elem_index == y->elem_index &&
           x->cause == y->cause && fabs(x->mw_lost - y->mw_lost) <= 1e-6 * fmax(1.0, fabs(x->mw_lost));
}

static int rel_equal(double a, double b, double tol)
{
    return fabs(a - b) <= tol * fmax(1.0, fmax(fabs(a), fabs(b)));
}

/* The cache of states changes nothing: every hour solved afresh
 * (CAMP_PLAIN_NOCACHE) gives the same hourly rows (1e-6 relative, the LP's
 * tolerance) and the same events, with many more LPs. The default scenario
 * (2000 buses, congested after the first massive strike), 2 runs x 5 nights. */
static void test_fast_equals_nocache(void **state)
{
    (void)state;
    gr_campaign_scenario *s = NULL;
    gr_error err = {0, ""};
    assert_int_equal(gr_campaign_scenario_read(NULL, &s, &err), GR_OK);
    gr_campaign_result *a = run_mode(s, 2, 5, 0), *b = run_mode(s, 2, 5, CAMP_PLAIN_NOCACHE);
    size_t nh = (size_t)a->runs * a->nights * 24;
    int shed_hours = 0;
    for (size_t i = 0; i < nh * GR_HOUR_NFIELD; i++)
        if (!rel_equal(a->hourly[i], b->hourly[i], 1e-6))
            fail_msg("hourly value %zu: %.9g (fast) vs %.9g (no cache)", i, a->hourly[i],
                     b->hourly[i]);
    for (size_t h = 0; h < nh; h++)
        shed_hours += a->hourly[h * GR_HOUR_NFIELD + GR_HOUR_SERVED_MW] <
                      a->hourly[h * GR_HOUR_NFIELD + GR_HOUR_LOAD_MW] - 1.0;
    for (int i = 0; i < a->runs; i++) {
        assert_int_equal(a->n_events[i], b->n_events[i]);
        for (int k = 0; k < a->n_events[i]; k++)
            assert_true(same_event(&a->events[i][k], &b->events[i][k]));
    }
    print_message("no cache: %d hours with shedding, %d LPs against %d\n", shed_hours, b->lp_solves,
                  a->lp_solves);
    assert_true(shed_hours > 24);              /* the strikes do shed load */
    assert_true(b->lp_solves > 3 * a->lp_solves); /* and the cache saves LPs */
    gr_campaign_result_free(a);
    gr_campaign_result_free(b);
    gr_campaign_scenario_free(s);
}

/* Against the full shedding LP of 353929f (CAMP_PLAIN_LP): the load served
 * in total and the critical load served are the LP's optimum, so they agree
 * hour by hour (1e-6 relative) as long as the runs agree, i.e. before the
 * first event that differs (a cascade starts from the per-bus served load,
 * and which buses of a class are shed is not unique: the two LPs may pick
 * different ones, and the cascades then differ). Asserted over at least
 * three nights with shedding. */
static void test_fast_matches_full_lp(void **state)
{
    (void)state;
    gr_campaign_scenario *s = NULL;
    gr_error err = {0, ""};
    assert_int_equal(gr_campaign_scenario_read(NULL, &s, &err), GR_OK);
    /* cold-load pickup follows which buses were dark, which the two LPs may pick
     * differently (see above): off here, where the LPs' optima are compared */
    s->weather.clpu_extra = 0.0;
    gr_campaign_result *a = run_mode(s, 2, 8, 0), *b = run_mode(s, 2, 8, CAMP_PLAIN_LP);
    int compared_shed = 0;
    for (int i = 0; i < a->runs; i++) {
        double t_diff = INFINITY;
        int n = a->n_events[i] < b->n_events[i] ? a->n_events[i] : b->n_events[i];
        for (int k = 0; k < n && !isfinite(t_diff); k++)
            if (!same_event(&a->events[i][k], &b->events[i][k]))
                t_diff = fmin(a->events[i][k].t_h, b->events[i][k].t_h);
        for (int q = 0; q < a->nights * 24 && q < t_diff; q++) {
            const double *x = hour_row(a, i, q / 24, q % 24), *y = hour_row(b, i, q / 24, q % 24);
            assert_true(x[GR_HOUR_LOAD_MW] == y[GR_HOUR_LOAD_MW]);
            if (!rel_equal(x[GR_HOUR_SERVED_MW], y[GR_HOUR_SERVED_MW], 1e-6) ||
                !rel_equal(x[GR_HOUR_SERVED_CRITICAL_MW], y[GR_HOUR_SERVED_CRITICAL_MW], 1e-6))
                fail_msg("run %d hour %d: served %.9g / %.9g MW, critical %.9g / %.9g MW", i, q,
                         x[GR_HOUR_SERVED_MW], y[GR_HOUR_SERVED_MW],
                         x[GR_HOUR_SERVED_CRITICAL_MW], y[GR_HOUR_SERVED_CRITICAL_MW]);
            compared_shed += x[GR_HOUR_SERVED_MW] < x[GR_HOUR_LOAD_MW] - 1.0;
        }
    }
    print_message("full LP: %d hours with shedding agree\n", compared_shed);
    assert_true(compared_shed >= 3 * 24);
    gr_campaign_result_free(a);
    gr_campaign_result_free(b);
    gr_campaign_scenario_free(s);
}

/* Common random numbers: protecting every asset changes the damage, not the
 * attack: the same threats are launched every night, and on the first night
 * they are engaged and reach their targets exactly as without protection.
 * (Later nights' targets may differ: attackers skip assets already dead, and
 * protection changes which ones are.) gridres protect relies on it. */
static void test_protection_keeps_the_attacks(void **state)
{
    (void)state;
    char *text = damaging();
    gr_campaign_scenario *s = parse_ok(text);
    gr_campaign_result *a = run_ok(s, 2, 1);
    for (int k = 0; k < s->assets.n; k++)
        s->assets.protection[k] = 1.0;
    gr_campaign_result *b = run_ok(s, 2, 1);
    int damaged_a = 0, damaged_b = 0;
    for (int q = 0; q < a->runs * a->nights; q++) {
        const gr_campaign_night *x = &a->night[q], *y = &b->night[q];
        assert_int_equal(x->drones, y->drones);
        assert_int_equal(x->missiles, y->missiles);
        if (q % a->nights == 0) { /* night 1 of each run */
            assert_int_equal(x->intercepted, y->intercepted);
            assert_int_equal(x->ew, y->ew);
            assert_int_equal(x->hits, y->hits);
            assert_int_equal(x->interceptors_used, y->interceptors_used);
        }
        damaged_a += x->damaged;
        damaged_b += y->damaged;
    }
    assert_true(damaged_a > 0);
    assert_int_equal(damaged_b, 0);
    gr_campaign_result_free(a);
    gr_campaign_result_free(b);
    gr_campaign_scenario_free(s);
    free(text);
}

static void test_control_none_differs_only_in_cascades(void **state)
{
    (void)state;
    char *text = damaging();
    gr_campaign_scenario *s = parse_ok(text);
    gr_campaign_options o;
    gr_campaign_result *r = NULL;
    gr_campaign_options_default(&o);
    o.control = GR_CASCADE_CONTROL_NONE;
    o.nights = 2;
    assert_int_equal(gr_campaign_run(s, &o, &r, NULL), GR_OK);
    assert_int_equal(r->control, GR_CASCADE_CONTROL_NONE);
    assert_int_equal(r->nights, 2);
    gr_campaign_result_free(r);
    o.runs = 0;
    assert_int_equal(gr_campaign_run(s, &o, &r, NULL), GR_EINVAL);
    assert_null(r);
    gr_campaign_scenario_free(s);
    free(text);
}

/* bad input: status GR_EPARSE and the message names the JSON path */
typedef struct bad_case {
    const char *types, *schedule, *extra, *path;
} bad_case;

static void test_bad_scenarios(void **state)
{
    (void)state;
    const char *ok_sched = "{\"every\": 1, \"waves\": [{\"time_h\": 4, \"counts\": {\"drone\": 1},"
                           " \"launch\": [{\"x_km\": 0, \"y_km\": 0}]}]}";
    const bad_case cases[] = {
        {"", "{\"every\": 1, \"waves\": [{\"time_h\": 4, \"counts\": {\"drone\": \"x\"},"
             " \"launch\": []}]}",
         "", "$.schedule[0].waves[0].counts.drone: expected an integer, found string"},
        {"", "{\"every\": 1, \"waves\": [{\"counts\": {}, \"launch\": []}]}", "",
         "$.schedule[0].waves[0]: missing field \"time_h\""},
        {"", "{\"every\": 1, \"waves\": [{\"time_h\": 4, \"counts\": {\"tank\": 1},"
             " \"launch\": []}]}",
         "", "$.schedule[0].waves[0].counts: unknown threat type \"tank\""},
        {"\"drone\": {\"speed_kmh\": -5}", ok_sched, "", "$.threat_types.drone.speed_kmh"},
        {"\"drone\": {\"p_damage\": {\"castle\": 1}}", ok_sched, "",
         "$.threat_types.drone.p_damage: unknown asset class \"castle\""},
        {"", ok_sched, ", \"targets\": {\"policy\": \"random\"}",
         "$.targets.policy: unknown policy \"random\""},
        {"", ok_sched, ", \"targets\": {\"policy\": \"list\", \"assets\": [{\"asset\": \"Nowhere\"}]}",
         "$.targets.assets[0].asset: no asset named \"Nowhere\""},
        {"", ok_sched, ", \"air_defence\": {\"zones\": [{\"zone\": \"Atlantis\"}]}",
         "$.air_defence.zones[0].zone: no defended zone named \"Atlantis\""},
        {"", ok_sched, ", \"air_defence\": {\"zones\": [{\"name\": \"x\", \"x_km\": 1, \"y_km\": 1}]}",
         "$.air_defence.zones[0]: missing field \"radius_km\""},
        {"", ok_sched, ", \"repair\": {\"times\": {\"line\": {\"dist\": \"lognormal\"}}}",
         "$.repair.times.line: missing field \"median_h\""},
        {"", ok_sched, ", \"repair\": {\"times\": {\"line\": {\"dist\": \"triangular\","
                       " \"min_h\": 5, \"mode_h\": 2, \"max_h\": 9}}}",
         "$.repair.times.line: needs min_h <= mode_h <= max_h"},
        {"", ok_sched, ", \"load\": {\"profile\": [1, 2]}", "$.load.profile: expected 24 values"},
        {"", ok_sched, ", \"cascade\": {\"control\": \"maybe\"}", "$.cascade.control"},
        {"", ok_sched, ", \"cascade\": {\"model\": \"DCSIMSEP\"}", "$.cascade.model"},
        {"", ok_sched, ", \"colour\": \"red\"", "$: unknown field \"colour\""},
        {"", ok_sched, ", \"weather\": {\"tau_h\": -1}", "$.weather.tau_h"},
        {"", ok_sched, ", \"weather\": {\"cold_snaps\": [{\"days\": 2, \"mean_c\": -9}]}",
         "$.weather.cold_snaps[0]: missing field \"night\""},
        {"", ok_sched, ", \"weather\": {\"cold_load_pickup\": {\"extra\": \"x\"}}",
         "$.weather.cold_load_pickup.extra: expected a number"},
        {"", ok_sched, ", \"weather\": {\"design_c\": 25}", "$.weather.design_c"},
        {"", ok_sched, ", \"grid\": \"no-such-file.m\"", "$.synth: not allowed together with $.grid"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *text = tiny(cases[k].types, cases[k].schedule, cases[k].extra);
        gr_campaign_scenario *s = NULL;
        gr_error err = {0, ""};
        int st = gr_campaign_scenario_parse(text, strlen(text), "bad.json", NULL, &s, &err);
        if (st != GR_EPARSE || !strstr(err.msg, cases[k].path) || strncmp(err.msg, "bad.json: ", 10))
            fail_msg("case %zu: status %d, message '%s', expected '%s'", k, st, err.msg,
                     cases[k].path);
        assert_null(s);
        free(text);
    }
    /* syntax errors give line:column; a missing schedule; a missing file */
    gr_campaign_scenario *s = NULL;
    gr_error err = {0, ""};
    const char *syn = "{\"format\": \"gridres-campaign\",\n \"version\": 1,,}";
    assert_int_equal(gr_campaign_scenario_parse(syn, strlen(syn), "syn.json", NULL, &s, &err),
                     GR_EPARSE);
    assert_non_null(strstr(err.msg, "syn.json:2:"));
    const char *nosched = "{\"format\": \"gridres-campaign\", \"version\": 1}";
    assert_int_equal(gr_campaign_scenario_parse(nosched, strlen(nosched), "n.json", NULL, &s, &err),
                     GR_EPARSE);
    assert_non_null(strstr(err.msg, "$: missing field \"schedule\""));
    const char *badver = "{\"format\": \"gridres-campaign\", \"version\": 7, \"schedule\": []}";
    assert_int_equal(gr_campaign_scenario_parse(badver, strlen(badver), "v.json", NULL, &s, &err),
                     GR_EPARSE);
    assert_non_null(strstr(err.msg, "$.version"));
    assert_int_equal(gr_campaign_scenario_read("/nonexistent/campaign.json", &s, &err), GR_EIO);
    assert_null(s);
    /* cascade.model: the reference rule sets (issue 18) */
    char *text = tiny("", ok_sched, ", \"cascade\": {\"model\": \"accfm\"}");
    s = parse_ok(text);
    assert_int_equal(s->cascade_model, GR_CASCADE_MODEL_ACCFM);
    gr_campaign_scenario_free(s);
    free(text);
    text = tiny("", ok_sched, "");
    s = parse_ok(text);
    assert_int_equal(s->cascade_model, GR_CASCADE_MODEL_GRIDRES);
    gr_campaign_scenario_free(s);
    free(text);
    /* "grid": "/dev/zero" used to read 2 GiB before failing: now refused at once as
       not a regular file, with the field's JSON path */
    const char *devzero = "{\"format\": \"gridres-campaign\", \"version\": 1, \"grid\": "
                          "\"/dev/zero\", \"schedule\": []}";
    assert_int_equal(gr_campaign_scenario_parse(devzero, strlen(devzero), "z.json", NULL, &s, &err),
                     GR_EIO);
    assert_null(s);
    assert_string_equal(err.msg,
                        "z.json: $.grid: /dev/zero: not a regular file (a character device)");
}

/* The restoration planner as the day's repair step: same campaign mechanics,
 * jobs ordered by gr_restore_plan; repairs follow their damage. */
static void test_planner_repairs(void **state)
{
    (void)state;
    char *base = damaging();
    const char *from = "\"repair\": {\"crews\": 3,";
    char *at = strstr(base, from);
    assert_non_null(at);
    size_t n = strlen(base) + 128;
    char *text = malloc(n);
    snprintf(text, n, "%.*s\"repair\": {\"method\": \"planner\", \"planner_max_jobs\": 5,"
                      " \"crews\": 3,%s",
             (int)(at - base), base, at + strlen(from));
    gr_campaign_scenario *s = parse_ok(text);
    assert_int_equal(s->repair_method, GR_CAMPAIGN_REPAIR_PLANNER);
    gr_campaign_result *r = run_ok(s, 1, 1);
    int repairs = 0;
    for (int k = 0; k < r->n_events[0]; k++)
        repairs += r->events[0][k].kind == GR_CEV_REPAIR;
    assert_int_equal(repairs, 0 + r->total[0].repairs_done[GR_REPAIR_LINE] +
                                  r->total[0].repairs_done[GR_REPAIR_SUB110] +
                                  r->total[0].repairs_done[GR_REPAIR_AUTOTRANSFORMER] +
                                  r->total[0].repairs_done[GR_REPAIR_SWITCHYARD] +
                                  r->total[0].repairs_done[GR_REPAIR_PLANT + GR_PLANT_THERMAL] +
                                  r->total[0].repairs_done[GR_REPAIR_PLANT + GR_PLANT_CHP] +
                                  r->total[0].repairs_done[GR_REPAIR_PLANT + GR_PLANT_HYDRO] +
                                  r->total[0].repairs_done[GR_REPAIR_PLANT + GR_PLANT_NUCLEAR] +
                                  r->total[0].repairs_done[GR_REPAIR_PLANT + GR_PLANT_GAS] +
                                  r->total[0].repairs_done[GR_REPAIR_PLANT + GR_PLANT_WIND] +
                                  r->total[0].repairs_done[GR_REPAIR_PLANT + GR_PLANT_SOLAR] +
                                  r->total[0].repairs_done[GR_REPAIR_PLANT + GR_PLANT_OTHER]);
    gr_campaign_result_free(r);
    gr_campaign_scenario_free(s);
    free(text);
    free(base);
}

/* Out of memory anywhere in a run or in reading a scenario: an error, never a
 * crash or a leak (ASan in CI checks the leaks). */
/* ------------------------------------------------------------------------
 * Voltage classes from the case: on a hand-made 400/220 kV grid
 * (tests/data/campaign/case6_400_220.m) the classes are named by its kV,
 * "sub400" protects its two 400 kV substations (worked out by hand: the
 * overlay builder joins buses 3-4-6 and 2-5 through their transformers, bus 1
 * is a plant), its lines split 3 at 400 kV and 2 at 220 kV, and a key of a
 * level it lacks ("sub750") fails naming the levels present.
 * ------------------------------------------------------------------------ */
static int parse_400(const char *extra, gr_campaign_scenario **s, gr_error *err)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"format\": \"gridres-campaign\", \"version\": 1, \"grid\": \"case6_400_220.m\","
             " \"nights\": 1, \"schedule\": []%s}", extra);
    return gr_campaign_scenario_parse(text, strlen(text), "c400.json",
                                      GRIDRES_TEST_DATA "/campaign", s, err);
}

/* gr_progress_set: reading a scenario reports its stages to this thread's
 * sink, the ranking once per asset in order (0 .. n-1 of n); with the sink
 * removed nothing is reported. */
typedef struct progress_log {
    int overlay, table, ranked, calls;
    long last, total;
    int in_order;
} progress_log;

static void progress_sink(const char *stage, long done, long total, void *user)
{
    progress_log *l = user;
    l->calls++;
    if (strcmp(stage, "building an overlay") == 0)
        l->overlay++;
    else if (strcmp(stage, "building the asset table") == 0)
        l->table++;
    else if (strcmp(stage, "ranking the assets by their loss") == 0) {
        l->in_order &= done == l->last + 1 && (l->total == 0 || total == l->total);
        l->last = done;
        l->total = total;
        l->ranked++;
    }
}

static void test_read_progress(void **state)
{
    (void)state;
    progress_log l = {0, 0, 0, 0, -1, 0, 1};
    gr_campaign_scenario *s = NULL;
    gr_error err = {0, ""};
    gr_progress_set(progress_sink, &l);
    int st = parse_400("", &s, &err);
    gr_progress_set(NULL, NULL);
    if (st != GR_OK)
        fail_msg("parse failed (%d): %s", st, err.msg);
    assert_int_equal(l.overlay, 1); /* no overlay in the scenario: one was built */
    assert_int_equal(l.table, 1);
    assert_int_equal(l.ranked, s->assets.n);
    assert_int_equal(l.total, s->assets.n);
    assert_int_equal(l.last, s->assets.n - 1);
    assert_true(l.in_order);
    gr_campaign_scenario_free(s);
    int calls = l.calls;
    assert_int_equal(parse_400("", &s, &err), GR_OK);
    assert_int_equal(l.calls, calls); /* the sink is gone */
    gr_campaign_scenario_free(s);
}

static void test_voltage_classes_from_case(void **state)
{
    (void)state;
    gr_campaign_scenario *s = NULL;
    gr_error err = {0, ""};
    int st = parse_400(", \"protection\": {\"class\": {\"sub400\": 0.7, \"lineHV\": 0.2}},"
                       " \"targets\": {\"class_weight\": {\"line\": 2, \"line400\": 3}}",
                       &s, &err);
    if (st != GR_OK)
        fail_msg("parse failed (%d): %s", st, err.msg);
    const gr_campaign_assets *a = &s->assets;
    assert_int_equal(a->nlevel, 2);
    assert_true(a->level_kv[0] == 400.0 && a->level_kv[1] == 220.0);
    assert_string_equal(gr_campaign_class_name(a, GR_ASSET_SUB + 0), "sub400");
    assert_string_equal(gr_campaign_class_name(a, GR_ASSET_SUB + 1), "sub220");
    assert_string_equal(gr_campaign_class_name(a, GR_ASSET_LINE + 1), "line220");
    assert_string_equal(gr_campaign_class_name(a, GR_ASSET_SUB + 2), "?");
    int nsub400 = 0, nline[2] = {0, 0};
    for (int i = 0; i < a->n; i++) {
        int c = a->cls[i];
        if (c == GR_ASSET_SUB + 0) {
            nsub400++;
            assert_true(a->switchyard[i] >= 0);
            assert_true(a->protection[i] == 0.7);
        } else if (c >= GR_ASSET_LINE && c < GR_ASSET_PLANT) {
            nline[c - GR_ASSET_LINE]++;
            assert_true(a->protection[i] == (c == GR_ASSET_LINE + 1 ? 0.2 : 0.0));
        } else {
            assert_true(a->protection[i] == 0.0);
        }
    }
    assert_int_equal(nsub400, 2);
    assert_int_equal(nline[0], 3);
    assert_int_equal(nline[1], 2);
    /* the more specific key wins whatever the order: "line400" over "line" */
    assert_true(s->class_weight[GR_ASSET_LINE + 0] == 3.0);
    assert_true(s->class_weight[GR_ASSET_LINE + 1] == 2.0);
    gr_campaign_scenario_free(s);
    s = NULL;
    st = parse_400(", \"protection\": {\"class\": {\"sub750\": 0.85}}", &s, &err);
    assert_int_equal(st, GR_EPARSE);
    assert_null(s);
    assert_non_null(strstr(err.msg, "c400.json: $.protection.class: unknown asset class \"sub750\""));
    assert_non_null(strstr(err.msg, "the case's voltage levels: 400, 220 kV"));
    assert_non_null(strstr(err.msg, "sub400, sub220, line400, line220"));
}

/* ------------------------------------------------------------------------
 * The worst-case ranking's fast path (campaign_rank.c: knapsack screen, LP by
 * constraint generation) against the plain path (gr_shed_solve per asset),
 * asset by asset: the same loss_mw up to the LP's tolerance and the same
 * order; and against the fast path without the plants' reuse of the
 * undamaged grid's B and the zero-loss test (CAMP_RANK_FRESH): the same
 * values bit for bit. On the tiny region at 1.5 x its peak (branch limits
 * bind, so the LP path is taken) and on pglib_opf_case300_ieee with its
 * overlay built.
 * ------------------------------------------------------------------------ */
static void check_rank_paths(gr_campaign_scenario *s, int need_lp)
{
    gr_campaign_assets *a = &s->assets;
    gr_error err = {0, ""};
    camp_adj adj;
    camp_rank_stats sf, sp;
    assert_int_equal(camp_adj_build(s->grid, &adj), GR_OK);
    double *plain = malloc(((size_t)a->n + 1) * sizeof(double));
    assert_non_null(plain);
    assert_int_equal(camp_assets_loss(s, &adj, 1, &sp, &err), GR_OK);
    memcpy(plain, a->loss_mw, (size_t)a->n * sizeof(double));
    /* the path before the plants' reuse of B and the zero-loss test: the
       same values bit for bit (campaign_rank.c) */
    double *fresh = malloc(((size_t)a->n + 1) * sizeof(double));
    assert_non_null(fresh);
    camp_rank_stats sr;
    assert_int_equal(camp_assets_loss(s, &adj, CAMP_RANK_FRESH, &sr, &err), GR_OK);
    memcpy(fresh, a->loss_mw, (size_t)a->n * sizeof(double));
    assert_int_equal(sr.reused + sr.warm, 0);
    assert_int_equal(camp_assets_loss(s, &adj, 0, &sf, &err), GR_OK);
    assert_int_equal(sf.screened + sf.lp, sp.screened + sp.lp);
    for (int i = 0; i < a->n; i++)
        assert_true(a->loss_mw[i] == fresh[i]);
    free(fresh);
    if (need_lp)
        assert_true(sf.lp > 0); /* the constraint-generation LP was exercised */
    assert_true(sf.reused > 0);
    if (need_lp > 1)
        assert_true(sf.warm > 0); /* the zero-loss test decided some plants */
    int positive = 0;
    for (int i = 0; i < a->n; i++) {
        assert_near(a->loss_mw[i], plain[i], 1e-6, 1e-9);
        positive += plain[i] > 1.0;
    }
    assert_true(positive > 0);
    /* the order of the worst-case policy (campaign_model.c), place by place,
       where the values are not within the tolerance of a tie */
    for (int i = 0; i < a->n; i++)
        for (int j = i + 1; j < a->n; j++)
            if (fabs(plain[i] - plain[j]) > 1e-5)
                assert_true((plain[i] > plain[j]) == (a->loss_mw[i] > a->loss_mw[j]));
    free(plain);
    camp_adj_free(&adj);
}

static void test_rank_fast_equals_lp(void **state)
{
    (void)state;
    char *text = tiny("", "", ", \"load\": {\"scale\": 1.5}");
    gr_campaign_scenario *s = parse_ok(text);
    free(text);
    check_rank_paths(s, 1);
    gr_campaign_scenario_free(s);

    char path[1024], json[1400];
    TU_NEED_SHARED("cases/pglib/pglib_opf_case300_ieee.m", path, sizeof path);
    snprintf(json, sizeof json,
             "{\"format\": \"gridres-campaign\", \"version\": 1, \"grid\": \"%s\","
             " \"nights\": 1, \"schedule\": []}", path);
    s = parse_ok(json);
    check_rank_paths(s, 2); /* LPs, and plants decided by the zero-loss test (31 of 54) */
    gr_campaign_scenario_free(s);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    char *text = damaging();
    gr_campaign_scenario *s = parse_ok(text);
    gr_campaign_options o;
    gr_campaign_options_default(&o);
    o.runs = 2;
    o.threads = 1; /* the failure switch is not thread-safe */
    o.nights = 2;
    int ok = 0;
    for (long n = 0; n < 200000; n += n < 400 ? 1 : 53) {
        gr_campaign_result *r = NULL;
        gr_error err = {0, ""};
        gr_alloc_fail_after(n);
        int st = gr_campaign_run(s, &o, &r, &err);
        gr_alloc_fail_after(-1);
        if (st == GR_OK) {
            gr_campaign_result_free(r);
            ok = 1;
            break;
        }
        assert_null(r);
        assert_true(st < 0);
    }
    assert_true(ok);
    for (long n = 0; n < 2000000; n += n < 200 ? 1 : 997) {
        gr_campaign_scenario *t = NULL;
        gr_error err = {0, ""};
        gr_alloc_fail_after(n);
        int st = gr_campaign_scenario_parse(text, strlen(text), "oom.json", NULL, &t, &err);
        gr_alloc_fail_after(-1);
        if (st == GR_OK) {
            gr_campaign_scenario_free(t);
            break;
        }
        assert_null(t);
        assert_true(st < 0);
    }
    gr_campaign_scenario_free(s);
    free(text);
}


/* ------------------------------------------------------------------------
 * Interconnection (issue 16 item 1): the default scenario's boundary ties,
 * their reading, and imports that lower the energy not served.
 * ------------------------------------------------------------------------ */
static char *replace_all(const char *text, const char *from, const char *to)
{
    size_t n = strlen(text) * 2 + 1, lf = strlen(from), lt = strlen(to);
    char *out = malloc(n), *o = out;
    for (const char *p = text; *p;) {
        if (strncmp(p, from, lf) == 0) {
            memcpy(o, to, lt);
            o += lt;
            p += lf;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

static double ens_sum(const gr_campaign_scenario *s, int runs, int nights)
{
    gr_campaign_options o;
    gr_campaign_result *r = NULL;
    gr_error err = {0, ""};
    gr_campaign_options_default(&o);
    o.runs = runs;
    o.nights = nights;
    o.threads = 2;
    o.seed = 3;
    if (gr_campaign_run(s, &o, &r, &err) != GR_OK)
        fail_msg("run: %s", err.msg);
    double e = 0.0;
    for (int i = 0; i < r->runs; i++)
        e += r->total[i].ens_mwh;
    gr_campaign_result_free(r);
    return e;
}

static void test_interconnection_ties(void **state)
{
    (void)state;
    const char *def = gr_campaign_default_json();
    gr_campaign_scenario *s = parse_ok(def);
    assert_int_equal(s->nties, 3);
    assert_int_equal(s->frequency, GR_FREQ_SFR);
    double imp = 0.0;
    for (int t = 0; t < s->nties; t++) {
        imp += s->ties[t].import_mw;
        assert_true(s->ties[t].synchronous);
        assert_true(s->ties[t].bus >= 0 && s->ties[t].bus < s->grid->nb);
    }
    assert_near(imp, 700.0, 1e-9, 0.0);
    /* "SS750-2" is a 750 kV substation: its tie sits on its 750 kV bus */
    assert_string_equal(s->ties[0].name, "west 750 kV");
    assert_near(s->grid->base_kv[s->ties[0].bus], 750.0, 1e-9, 0.0);
    /* every import at 0: more energy lost over the default 30 nights (the hours
     * that are short of generation after plants are hit are where imports help;
     * with fragility damage the first 10 nights have none) */
    char *a = replace_all(def, "\"import_mw\": 300", "\"import_mw\": 0");
    char *b = replace_all(a, "\"import_mw\": 200", "\"import_mw\": 0");
    gr_campaign_scenario *z = parse_ok(b);
    assert_int_equal(z->nties, 3);
    double e_def = ens_sum(s, 1, 30), e_zero = ens_sum(z, 1, 30);
    print_message("30 nights: %.1f MWh with the imports, %.1f without\n", e_def, e_zero);
    assert_true(e_def > 0.0);
    assert_true(e_zero > e_def); /* issue 16: "loses more energy than the default" */
    gr_campaign_scenario_free(z);
    free(a);
    free(b);
    /* bad ties: the JSON path and the reason */
    a = replace_all(def, "\"bus\": \"SS330-6\"", "\"bus\": \"nowhere\"");
    gr_campaign_scenario *x = NULL;
    gr_error err = {0, ""};
    assert_int_equal(gr_campaign_scenario_parse(a, strlen(a), "c.json", NULL, &x, &err),
                     GR_EPARSE);
    assert_non_null(strstr(err.msg, "$.interconnection.ties[2].bus"));
    assert_non_null(strstr(err.msg, "nowhere"));
    free(a);
    a = replace_all(def, "\"import_mw\": 300", "\"import_mw\": -5");
    assert_int_equal(gr_campaign_scenario_parse(a, strlen(a), "c.json", NULL, &x, &err),
                     GR_EPARSE);
    assert_non_null(strstr(err.msg, "$.interconnection.ties[0].import_mw"));
    free(a);
    a = replace_all(def, "\"frequency\": \"sfr\"", "\"frequency\": \"fast\"");
    assert_int_equal(gr_campaign_scenario_parse(a, strlen(a), "c.json", NULL, &x, &err),
                     GR_EPARSE);
    assert_non_null(strstr(err.msg, "$.cascade.frequency"));
    free(a);
    gr_campaign_scenario_free(s);
}

/* Outage queues and heat over a damaging campaign: every sub-queue's dark
 * time within one block per area of the others (the rotation windows are
 * contiguous and consecutive; dark islands darken all sub-queues alike), the
 * per-person figures consistent with customer_hours, the worst decile above
 * the mean, the cold metrics within the district-heated people; cold-load
 * pickup only adds to ENS, by at most its energy; without it ENS is the LP's. */
static void test_queues_and_heat(void **state)
{
    (void)state;
    char *text = damaging();
    gr_campaign_scenario *s = parse_ok(text);
    gr_campaign_result *r = run_ok(s, 2, 1);
    double pop = s->overlay->population, heated = 0.0;
    for (int d = 0; d < s->overlay->nheat; d++)
        heated += s->overlay->heat_population[d];
    int any_dark = 0;
    for (int i = 0; i < r->runs; i++) {
        const gr_campaign_total *t = &r->total[i];
        double lo = 1e300, hi = -1e300;
        for (int q = 0; q < GR_CAMPAIGN_SUBQUEUES; q++) {
            lo = fmin(lo, t->queue_hours_per_day[q]);
            hi = fmax(hi, t->queue_hours_per_day[q]);
        }
        assert_true(hi - lo <= 0.5 / r->nights + 1e-9);
        assert_near(t->mean_hours_per_day * r->nights * pop, t->customer_hours, 1e-3, 1e-9);
        assert_true(t->worst_decile_hours_per_day >= t->mean_hours_per_day - 1e-12);
        assert_true(t->worst_decile_hours_per_day <= 24.0 + 1e-12);
        assert_true(t->longest_dark_h >= 0.0 && t->longest_dark_h <= 24.0 * r->nights);
        assert_true(t->people_below_12c_max >= 0.0 && t->people_below_12c_max <= heated + 1e-6);
        assert_true(t->person_hours_below_12c <= heated * 24.0 * r->nights + 1e-6);
        assert_true(t->indoor_min_c <= s->weather.indoor_c);
        if (t->customer_hours > 0.0) {
            any_dark = 1;
            assert_true(t->longest_dark_h >= 0.5);
        }
    }
    assert_true(any_dark);
    /* cold-load pickup off: the LP's energy not served, less than with it */
    gr_campaign_scenario *s0 = parse_ok(text);
    s0->weather.clpu_extra = 0.0;
    gr_campaign_result *r0 = run_ok(s0, 2, 1);
    for (int i = 0; i < r->runs; i++) {
        assert_true(r0->total[i].clpu_mwh == 0.0);
        double more = r->total[i].ens_mwh - r0->total[i].ens_mwh;
        assert_true(more >= -1e-6);
        assert_true(more <= r->total[i].clpu_mwh + 1e-6);
    }
    gr_campaign_result_free(r0);
    gr_campaign_scenario_free(s0);
    gr_campaign_result_free(r);
    gr_campaign_scenario_free(s);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_scenario),
        cmocka_unit_test(test_zero_threats_zero_ens),
        cmocka_unit_test(test_negative_load_relaxed),
        cmocka_unit_test(test_undefended_target_is_damaged),
        cmocka_unit_test(test_conservation),
        cmocka_unit_test(test_determinism_threads),
        cmocka_unit_test(test_streaming_runs),
        cmocka_unit_test(test_fast_equals_nocache),
        cmocka_unit_test(test_fast_matches_full_lp),
        cmocka_unit_test(test_protection_keeps_the_attacks),
        cmocka_unit_test(test_control_none_differs_only_in_cascades),
        cmocka_unit_test(test_bad_scenarios),
        cmocka_unit_test(test_planner_repairs),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_voltage_classes_from_case),
        cmocka_unit_test(test_read_progress),
        cmocka_unit_test(test_interconnection_ties),
        cmocka_unit_test(test_queues_and_heat),
        cmocka_unit_test(test_rank_fast_equals_lp),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
