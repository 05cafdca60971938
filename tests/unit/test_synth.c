/* test_synth.c — the synthetic grid: determinism, round trip, the quality list of issue 3, options, out of memory. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

/* ------------------------------------------------------------------------
 * Helpers.
 * ------------------------------------------------------------------------ */
static char tmpdir[256];

static int setup_dir(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/gridres_synth_XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void tmp_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
}

/* Whole file into a malloc'd buffer. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void synth(int n_bus, uint64_t seed, gr_case **c, gr_overlay **ov)
{
    gr_synth_options opt;
    gr_error err = {0, ""};
    gr_synth_options_default(&opt);
    opt.n_bus = n_bus;
    opt.seed = seed;
    int st = gr_synth(&opt, c, ov, &err);
    if (st != GR_OK)
        fail_msg("gr_synth(%d buses, seed %llu): %s: %s", n_bus, (unsigned long long)seed,
                 gr_err_name(st), err.msg);
}

static double dist(double ax, double ay, double bx, double by)
{
    return sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ------------------------------------------------------------------------
 * Determinism and round trip.
 * ------------------------------------------------------------------------ */
static void write_pair(const gr_case *c, const gr_overlay *ov, const char *tag)
{
    char p[512];
    gr_error err = {0, ""};
    snprintf(p, sizeof p, "%s/%s.m", tmpdir, tag);
    assert_int_equal(gr_case_write(c, p, &err), GR_OK);
    snprintf(p, sizeof p, "%s/%s.json", tmpdir, tag);
    assert_int_equal(gr_overlay_write(ov, p, &err), GR_OK);
}

static int same_file(const char *a, const char *b)
{
    char pa[512], pb[512];
    size_t la, lb;
    tmp_path(pa, sizeof pa, a);
    tmp_path(pb, sizeof pb, b);
    char *x = slurp(pa, &la), *y = slurp(pb, &lb);
    int same = la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

static void test_determinism(void **state)
{
    (void)state;
    gr_case *c1, *c2, *c3;
    gr_overlay *o1, *o2, *o3;
    synth(600, 11, &c1, &o1);
    synth(600, 11, &c2, &o2);
    synth(600, 12, &c3, &o3);
    write_pair(c1, o1, "a");
    write_pair(c2, o2, "b");
    write_pair(c3, o3, "c");
    assert_true(same_file("a.m", "b.m"));
    assert_true(same_file("a.json", "b.json"));
    assert_false(same_file("a.m", "c.m"));
    assert_false(same_file("a.json", "c.json"));
    gr_case_free(c1);
    gr_case_free(c2);
    gr_case_free(c3);
    gr_overlay_free(o1);
    gr_overlay_free(o2);
    gr_overlay_free(o3);
}

#define SAME_ARRAY(a, b, n)                                      \
    do {                                                         \
        for (int k_ = 0; k_ < (n); k_++)                         \
            if ((a)[k_] != (b)[k_])                              \
                fail_msg("%s[%d] differs: %.17g vs %.17g", #a, k_, \
                         (double)(a)[k_], (double)(b)[k_]);      \
    } while (0)

static void test_round_trip(void **state)
{
    (void)state;
    gr_case *c, *back;
    gr_overlay *ov, *oback;
    gr_error err = {0, ""};
    char pm[512], pj[512];
    synth(500, 5, &c, &ov);
    write_pair(c, ov, "rt");
    tmp_path(pm, sizeof pm, "rt.m");
    tmp_path(pj, sizeof pj, "rt.json");
    assert_int_equal(gr_case_read(pm, &back, &err), GR_OK);
    assert_int_equal(back->bus.n, c->bus.n);
    assert_int_equal(back->gen.n, c->gen.n);
    assert_int_equal(back->branch.n, c->branch.n);
    int nb = c->bus.n, ng = c->gen.n, nl = c->branch.n;
    SAME_ARRAY(back->bus.bus_i, c->bus.bus_i, nb);
    SAME_ARRAY(back->bus.type, c->bus.type, nb);
    SAME_ARRAY(back->bus.pd_mw, c->bus.pd_mw, nb);
    SAME_ARRAY(back->bus.qd_mvar, c->bus.qd_mvar, nb);
    SAME_ARRAY(back->bus.bs_mvar, c->bus.bs_mvar, nb);
    SAME_ARRAY(back->bus.vm_pu, c->bus.vm_pu, nb);
    SAME_ARRAY(back->bus.va_deg, c->bus.va_deg, nb);
    SAME_ARRAY(back->bus.base_kv, c->bus.base_kv, nb);
    SAME_ARRAY(back->gen.bus, c->gen.bus, ng);
    SAME_ARRAY(back->gen.pg_mw, c->gen.pg_mw, ng);
    SAME_ARRAY(back->gen.qmax_mvar, c->gen.qmax_mvar, ng);
    SAME_ARRAY(back->gen.qmin_mvar, c->gen.qmin_mvar, ng);
    SAME_ARRAY(back->gen.vg_pu, c->gen.vg_pu, ng);
    SAME_ARRAY(back->gen.pmax_mw, c->gen.pmax_mw, ng);
    SAME_ARRAY(back->branch.f_bus, c->branch.f_bus, nl);
    SAME_ARRAY(back->branch.t_bus, c->branch.t_bus, nl);
    SAME_ARRAY(back->branch.r_pu, c->branch.r_pu, nl);
    SAME_ARRAY(back->branch.x_pu, c->branch.x_pu, nl);
    SAME_ARRAY(back->branch.b_pu, c->branch.b_pu, nl);
    SAME_ARRAY(back->branch.rate_a_mva, c->branch.rate_a_mva, nl);
    SAME_ARRAY(back->branch.rate_b_mva, c->branch.rate_b_mva, nl);
    SAME_ARRAY(back->branch.tap, c->branch.tap, nl);
    assert_int_equal(back->gencost.n, c->gencost.n);
    assert_non_null(back->bus_name);
    for (int k = 0; k < nb; k++)
        assert_string_equal(back->bus_name[k], c->bus_name[k]);
    /* the overlay reads back against the case it was written for */
    assert_int_equal(gr_overlay_read(pj, back, &oback, &err), GR_OK);
    assert_int_equal(oback->nb, ov->nb);
    SAME_ARRAY(oback->bus_x_km, ov->bus_x_km, nb);
    SAME_ARRAY(oback->bus_population, ov->bus_population, nb);
    SAME_ARRAY(oback->bus_fac, ov->bus_fac, nb * GR_FAC_N);
    SAME_ARRAY(oback->gen_plant, ov->gen_plant, ng);
    SAME_ARRAY(oback->branch_length_km, ov->branch_length_km, nl);
    assert_int_equal(oback->nheat, ov->nheat);
    SAME_ARRAY(oback->heat_population, ov->heat_population, ov->nheat);
    gr_overlay_free(oback);
    gr_case_free(back);
    gr_case_free(c);
    gr_overlay_free(ov);
}

/* ------------------------------------------------------------------------
 * Quality (issue 3, item 6).
 * ------------------------------------------------------------------------ */
static double branch_mva(const gr_pf_result *r, int l, double base)
{
    double sf = hypot(r->pf[l], r->qf[l]), st = hypot(r->pt[l], r->qt[l]);
    return base * (sf > st ? sf : st);
}

static void check_quality(int n_bus, uint64_t seed, int max_outages)
{
    gr_case *c;
    gr_overlay *ov;
    gr_grid *g;
    gr_islands *isl;
    gr_pf_result *r, *rd;
    gr_pf_options opt;
    gr_error err = {0, ""};
    synth(n_bus, seed, &c, &ov);
    print_message("synth %d buses, seed %llu\n", n_bus, (unsigned long long)seed);

    /* sizes: exactly the buses asked for, one reference, one island */
    assert_int_equal(c->bus.n, n_bus);
    int nref = 0;
    for (int k = 0; k < c->bus.n; k++)
        nref += c->bus.type[k] == GR_BUS_REF;
    assert_int_equal(nref, 1);
    assert_int_equal(gr_grid_from_case(c, &g, &err), GR_OK);
    assert_int_equal(gr_islands_find(g, 1, &isl, &err), GR_OK);
    assert_int_equal(isl->n, 1);
    gr_islands_free(isl);

    /* AC power flow with Q limits from a flat start; residual; voltages */
    gr_pf_options_default(&opt);
    opt.flat_start = 1;
    opt.enforce_q_lims = 1;
    assert_int_equal(gr_pf_ac(g, &opt, &r, &err), GR_OK);
    assert_int_equal(r->converged, 1);
    double mp, mq;
    assert_int_equal(gr_pf_residual(g, r, &mp, &mq), GR_OK);
    assert_true(mp < 1e-6 && mq < 1e-6);
    double vmin = 9.0, vmax = 0.0;
    for (int k = 0; k < g->nb; k++) {
        vmin = fmin(vmin, r->vm[k]);
        vmax = fmax(vmax, r->vm[k]);
    }
    print_message("  V %.4f .. %.4f pu\n", vmin, vmax);
    assert_true(vmin >= 0.95);
    assert_true(vmax <= 1.05);
    /* base case: no branch above rateA */
    double maxload = 0.0;
    for (int l = 0; l < g->nl; l++) {
        double ld = branch_mva(r, l, g->base_mva) / c->branch.rate_a_mva[l];
        maxload = fmax(maxload, ld);
    }
    print_message("  max loading %.3f of rateA\n", maxload);
    assert_true(maxload <= 1.0);
    gr_pf_result_free(r);

    /* N-1 (DC): share of single-branch outages with no branch over rateB */
    int step = g->nl / max_outages + 1, tested = 0, secure = 0;
    for (int k = 0; k < g->nl; k += step) {
        g->br_on[k] = 0;
        assert_int_equal(gr_pf_dc(g, &rd, &err), GR_OK);
        g->br_on[k] = 1;
        int ok = 1;
        for (int l = 0; l < g->nl && ok; l++)
            if (l != k && fabs(rd->pf[l]) * g->base_mva > c->branch.rate_b_mva[l] * (1 + 1e-9))
                ok = 0;
        secure += ok;
        tested++;
        gr_pf_result_free(rd);
    }
    print_message("  N-1 secure %d / %d\n", secure, tested);
    assert_true(secure >= 0.95 * tested);

    /* bus-graph degree (distinct bus pairs) */
    long pairs = 0;
    int *seen = calloc((size_t)g->nb, sizeof *seen);
    int *ptr = calloc((size_t)g->nb + 1, sizeof *ptr), *adj = malloc(2 * (size_t)g->nl * sizeof *adj);
    assert_true(seen && ptr && adj);
    for (int l = 0; l < g->nl; l++) {
        ptr[g->br_f[l] + 1]++;
        ptr[g->br_t[l] + 1]++;
    }
    for (int b = 0; b < g->nb; b++)
        ptr[b + 1] += ptr[b];
    int *fill = malloc((size_t)g->nb * sizeof *fill);
    memcpy(fill, ptr, (size_t)g->nb * sizeof *fill);
    for (int l = 0; l < g->nl; l++) {
        adj[fill[g->br_f[l]]++] = g->br_t[l];
        adj[fill[g->br_t[l]]++] = g->br_f[l];
    }
    for (int b = 0; b < g->nb; b++) {
        for (int j = ptr[b]; j < ptr[b + 1]; j++)
            if (seen[adj[j]] != b + 1) {
                seen[adj[j]] = b + 1;
                pairs++;
            }
    }
    double avgdeg = (double)pairs / g->nb; /* each pair counted from both ends */
    print_message("  average degree %.3f\n", avgdeg);
    assert_true(avgdeg >= 2.3 && avgdeg <= 2.9);
    free(seen);
    free(ptr);
    free(adj);
    free(fill);

    /* line lengths per level: plausible medians and extremes */
    static const double kv[3] = {110.0, 330.0, 750.0};
    static const double med_lo[3] = {3.0, 20.0, 60.0}, med_hi[3] = {30.0, 150.0, 400.0};
    double *len = malloc((size_t)g->nl * sizeof *len);
    assert_non_null(len);
    for (int v = 0; v < 3; v++) {
        int n = 0;
        for (int l = 0; l < g->nl; l++) {
            int f = g->br_f[l], t = g->br_t[l];
            if (c->branch.tap[l] != 0.0 || g->base_kv[f] != kv[v])
                continue;
            double L = ov->branch_length_km[l];
            /* a route is at least the straight line and not much longer */
            double d = dist(ov->bus_x_km[f], ov->bus_y_km[f], ov->bus_x_km[t], ov->bus_y_km[t]);
            assert_true(L >= d - 0.1 && L <= 1.3 * d + 1.1);
            assert_true(L >= 1.0 && L <= 600.0);
            len[n++] = L;
        }
        if (n == 0) {
            assert_true(kv[v] == 750.0); /* small systems have no 750 kV level */
            continue;
        }
        qsort(len, (size_t)n, sizeof *len, cmp_double);
        print_message("  %g kV: %d lines, median %.1f km, max %.1f km\n", kv[v], n, len[n / 2],
                      len[n - 1]);
        assert_true(len[n / 2] >= med_lo[v] && len[n / 2] <= med_hi[v]);
    }
    free(len);

    /* load and generation */
    double load = 0.0, cap = 0.0, people = 0.0;
    for (int k = 0; k < c->bus.n; k++)
        load += c->bus.pd_mw[k];
    for (int k = 0; k < c->gen.n; k++)
        cap += c->gen.pmax_mw[k];
    for (int k = 0; k < ov->nb; k++)
        people += ov->bus_population[k];
    assert_near(people, ov->population, 0.5, 0.0);
    assert_near(load, people * ov->kw_per_person / 1000.0, 0.0, 1e-4);
    print_message("  capacity / peak load %.3f\n", cap / load);
    assert_true(cap >= 1.15 * load && cap <= 1.3 * load);

    /* overlay consistency: levels, heat districts, plants, zones */
    int types[GR_PLANT_N] = {0};
    for (int k = 0; k < ov->nb; k++)
        assert_true(ov->bus_kv[k] == c->bus.base_kv[k]);
    for (int h = 0; h < ov->nheat; h++) {
        double sum = 0.0;
        for (int k = 0; k < ov->nb; k++)
            if (ov->bus_heat_district[k] == h)
                sum += ov->bus_heat_population[k];
        assert_near(sum, ov->heat_population[h], 1e-6, 0.0);
        assert_int_equal(ov->plant_type[ov->heat_plant[h]], GR_PLANT_CHP);
    }
    for (int p = 0; p < ov->nplant; p++) {
        types[ov->plant_type[p]]++;
        if (ov->plant_type[p] == GR_PLANT_NUCLEAR) {
            /* far from cities */
            int s = ov->plant_substation[p];
            for (int k = 0; k < ov->ncity; k++)
                assert_true(dist(ov->sub_x_km[s], ov->sub_y_km[s], ov->city_x_km[k],
                                 ov->city_y_km[k]) >= ov->city_radius_km[k] + 20.0);
        }
        if (ov->plant_type[p] == GR_PLANT_CHP) {
            /* inside its city */
            int s = ov->plant_substation[p], k = ov->plant_city[p];
            assert_true(k >= 0);
            assert_true(dist(ov->sub_x_km[s], ov->sub_y_km[s], ov->city_x_km[k],
                             ov->city_y_km[k]) <= ov->city_radius_km[k] + 0.1);
        }
    }
    assert_true(types[GR_PLANT_THERMAL] >= 1);
    assert_true(types[GR_PLANT_CHP] >= 1);
    if (load >= 1500.0)
        assert_true(types[GR_PLANT_NUCLEAR] >= 1 && types[GR_PLANT_HYDRO] >= 1);
    for (int k = 0; k < ov->ncity; k++) {
        int zoned = 0;
        for (int z = 0; z < ov->nzone; z++)
            zoned |= ov->zone_city[z] == k && ov->zone_radius_km[z] > ov->city_radius_km[k];
        assert_true(zoned);
    }
    assert_true(ov->ncrew >= ov->ncity);
    /* cities rank-size: sorted, the largest several times the smallest */
    for (int k = 1; k < ov->ncity; k++)
        assert_true(ov->city_population[k] <= ov->city_population[k - 1]);
    if (ov->ncity >= 4)
        assert_true(ov->city_population[0] >= 2.5 * ov->city_population[ov->ncity - 1]);
    /* critical load is derivable and at most half of each bus's load; about
     * one hospital per 25 000 people */
    int hospitals = 0;
    for (int k = 0; k < ov->nb; k++) {
        assert_true(gr_overlay_critical_mw(ov, k, NULL) <= 0.5 * c->bus.pd_mw[k] + 1e-9);
        hospitals += ov->bus_fac[k * GR_FAC_N + GR_FAC_HOSPITAL];
    }
    assert_true(hospitals >= 0.7 * people / 25000.0 && hospitals <= 1.3 * people / 25000.0);

    gr_grid_free(g);
    gr_case_free(c);
    gr_overlay_free(ov);
}

static void test_quality_500(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++)
        check_quality(500, seed, 100000); /* every outage */
}

static void test_quality_2000(void **state)
{
    (void)state;
    check_quality(2000, 1, 300);
    check_quality(2000, 2, 300);
}

static void test_quality_10000(void **state)
{
    (void)state;
    check_quality(10000, 3, 60);
}

/* Default options: ~2000 buses, ~8 cities, ~10 million people. */
static void test_default_region(void **state)
{
    (void)state;
    gr_synth_options opt;
    gr_case *c;
    gr_overlay *ov;
    gr_error err = {0, ""};
    gr_synth_options_default(&opt);
    assert_int_equal(gr_synth(&opt, &c, &ov, &err), GR_OK);
    assert_int_equal(c->bus.n, 2000);
    assert_int_equal(ov->ncity, 8);
    assert_near(ov->population, 1e7, 0.0, 1e-9);
    assert_true(ov->width_km >= 200.0 && ov->width_km <= 800.0);
    int has750 = 0;
    for (int k = 0; k < c->bus.n; k++)
        has750 |= c->bus.base_kv[k] == 750.0;
    assert_true(has750);
    gr_case_free(c);
    gr_overlay_free(ov);
}

static void test_options(void **state)
{
    (void)state;
    gr_synth_options opt;
    gr_case *c = (gr_case *)1;
    gr_error err = {0, ""};
    gr_synth_options_default(&opt);
    opt.n_bus = 99;
    assert_int_equal(gr_synth(&opt, &c, NULL, &err), GR_EINVAL);
    assert_null(c);
    assert_non_null(strstr(err.msg, "buses"));
    gr_synth_options_default(&opt);
    opt.load_pf = 1.5;
    assert_int_equal(gr_synth(&opt, NULL, NULL, &err), GR_EINVAL);
    gr_synth_options_default(&opt);
    opt.n_cities = -1;
    assert_int_equal(gr_synth(&opt, NULL, NULL, &err), GR_EINVAL);
    assert_int_equal(gr_synth(NULL, NULL, NULL, &err), GR_EINVAL);
    /* many cities for few buses: refused, not a crash */
    gr_synth_options_default(&opt);
    opt.n_bus = 100;
    opt.n_cities = 1000;
    assert_int_equal(gr_synth(&opt, NULL, NULL, &err), GR_EINVAL);
    /* tune = 0 skips the flows but still gives a valid case and overlay */
    gr_overlay *ov;
    gr_synth_options_default(&opt);
    opt.n_bus = 300;
    opt.tune = 0;
    assert_int_equal(gr_synth(&opt, &c, &ov, &err), GR_OK);
    assert_int_equal(c->bus.n, 300);
    gr_case_free(c);
    gr_overlay_free(ov);
}

/* Every allocation failure ends in GR_ENOMEM, nothing leaks (ASan). */
static void test_out_of_memory(void **state)
{
    (void)state;
    gr_synth_options opt;
    gr_error err;
    gr_synth_options_default(&opt);
    opt.n_bus = 120;
    opt.seed = 4;
    int ok = 0;
    for (long n = 0; n < 200000 && !ok; n += n < 300 ? 1 : 97) {
        gr_case *c = NULL;
        gr_overlay *ov = NULL;
        gr_alloc_fail_after(n);
        int st = gr_synth(&opt, &c, &ov, &err);
        gr_alloc_fail_after(-1);
        if (st == GR_OK) {
            ok = 1;
            assert_non_null(c);
            assert_non_null(ov);
        } else {
            if (st != GR_ENOMEM)
                fail_msg("fail after %ld: %s (%s)", n, gr_err_name(st), err.msg);
            assert_null(c);
            assert_null(ov);
        }
        gr_case_free(c);
        gr_overlay_free(ov);
    }
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_default_region),
        cmocka_unit_test(test_quality_500),
        cmocka_unit_test(test_quality_2000),
        cmocka_unit_test(test_quality_10000),
        cmocka_unit_test(test_out_of_memory),
    };
    return tu_exit(cmocka_run_group_tests(tests, setup_dir, teardown_dir));
}
