/* test_overlay_build.c — gr_overlay_build on public cases (substations, people, lengths, determinism), geodata CSV, and the reader's kV check and warnings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/overlay.h"
#include "testutil.h"

#define PI_ 3.14159265358979323846

static char tmpdir[256];

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return s;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A transformer by the case's own columns (tap not 0 or 1, a shift, two base kV). */
static int is_transformer(const gr_case *c, int k, int f, int t)
{
    double tap = c->branch.tap[k];
    return (tap != 0.0 && tap != 1.0) || c->branch.shift_deg[k] != 0.0 ||
           c->bus.base_kv[f] != c->bus.base_kv[t];
}

static int row_of(const gr_case *c, int id)
{
    for (int b = 0; b < c->bus.n; b++)
        if (c->bus.bus_i[b] == id)
            return b;
    return -1;
}

static void check_case(const char *rel)
{
    char path[1024], p1[512], p2[512];
    TU_NEED_SHARED(rel, path, sizeof path);
    gr_case *c = NULL;
    gr_overlay *ov = NULL, *ov2 = NULL;
    gr_error err = {0, ""};
    assert_int_equal(gr_case_read(path, &c, &err), GR_OK);
    gr_overlay_build_options opt;
    gr_overlay_build_options_default(&opt);
    opt.people_per_mw = 2000.0;
    int st = gr_overlay_build(c, NULL, &opt, &ov, &err);
    if (st)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, GR_OK);
    /* the reader's own rules, against the case */
    assert_int_equal(gr_overlay_check(ov, c, &err), GR_OK);
    assert_int_equal(ov->nb, c->bus.n);
    assert_int_equal(ov->ng, c->gen.n);
    /* every bus in one substation; no empty substation */
    int *cnt = calloc((size_t)ov->nsub, sizeof *cnt);
    for (int b = 0; b < ov->nb; b++) {
        assert_true(ov->bus_substation[b] >= 0 && ov->bus_substation[b] < ov->nsub);
        cnt[ov->bus_substation[b]]++;
        assert_true(isfinite(ov->bus_x_km[b]) && isfinite(ov->bus_y_km[b]));
        assert_true(ov->bus_x_km[b] >= 0 && ov->bus_x_km[b] <= ov->width_km);
        assert_true(ov->bus_y_km[b] >= 0 && ov->bus_y_km[b] <= ov->height_km);
    }
    for (int i = 0; i < ov->nsub; i++)
        assert_true(cnt[i] > 0);
    free(cnt);
    /* transformers join buses of one substation; lengths of the other lines */
    double *len = malloc(((size_t)c->branch.n + 1) * sizeof *len);
    int nlen = 0;
    for (int k = 0; k < c->branch.n; k++) {
        int f = row_of(c, c->branch.f_bus[k]), t = row_of(c, c->branch.t_bus[k]);
        assert_true(f >= 0 && t >= 0);
        if (is_transformer(c, k, f, t))
            assert_int_equal(ov->bus_substation[f], ov->bus_substation[t]);
        if (ov->bus_substation[f] != ov->bus_substation[t]) {
            double d = hypot(ov->bus_x_km[f] - ov->bus_x_km[t], ov->bus_y_km[f] - ov->bus_y_km[t]);
            assert_near(ov->branch_length_km[k], d, 2e-3, 1e-9);
            len[nlen++] = d;
        }
    }
    assert_true(nlen > 0);
    qsort(len, (size_t)nlen, sizeof *len, cmp_d);
    double med = len[nlen / 2];
    assert_true(med >= 2.0 && med <= 300.0); /* km: 110 kV ~10, 400 kV ~50 */
    assert_true(len[nlen - 1] < 5000.0);
    free(len);
    /* people: people_per_mw x load (negative loads count as none) */
    double load = 0.0, people = 0.0;
    for (int b = 0; b < c->bus.n; b++) {
        double pd = c->bus.pd_mw[b] > 0 ? c->bus.pd_mw[b] : 0.0;
        load += pd;
        people += ov->bus_population[b];
        /* critical load at most half of the bus load */
        assert_true(gr_overlay_critical_mw(ov, b, NULL) <= 0.5 * pd + 1e-9);
    }
    assert_near(people, 2000.0 * load, 1e-6, 1e-12);
    assert_near(ov->population, people, 1e-6, 1e-12);
    /* zones around load centres that cover buses; crews */
    assert_true(ov->ncity >= 1 && ov->nzone == ov->ncity && ov->ncrew >= 1);
    for (int w = 0; w < ov->n_warnings; w++)
        assert_null(strstr(ov->warnings[w], "covers no bus"));
    /* deterministic: the same input gives the same bytes */
    assert_int_equal(gr_overlay_build(c, NULL, &opt, &ov2, &err), GR_OK);
    snprintf(p1, sizeof p1, "%s/a.json", tmpdir);
    snprintf(p2, sizeof p2, "%s/b.json", tmpdir);
    assert_int_equal(gr_overlay_write(ov, p1, &err), GR_OK);
    assert_int_equal(gr_overlay_write(ov2, p2, &err), GR_OK);
    size_t n1, n2;
    char *t1 = slurp(p1, &n1), *t2 = slurp(p2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(t1, t2, n1);
    /* and it reads back with the case */
    gr_overlay *back = NULL;
    assert_int_equal(gr_overlay_read(p1, c, &back, &err), GR_OK);
    assert_int_equal(back->nsub, ov->nsub);
    gr_overlay_free(back);
    free(t1);
    free(t2);
    gr_overlay_free(ov);
    gr_overlay_free(ov2);
    gr_case_free(c);
}

static void test_case9(void **state)
{
    (void)state;
    check_case("cases/matpower/case9.m");
}

static void test_case118(void **state)
{
    (void)state;
    check_case("cases/matpower/case118.m");
}

static void test_case2383wp(void **state)
{
    (void)state;
    check_case("cases/matpower/case2383wp.m");
}

static void test_activsg2000_raw(void **state)
{
    (void)state;
    check_case("cases/psse/ACTIVSg2000.RAW");
}

/* A geodata file's coordinates are used: distances as the equirectangular
 * projection gives them, worked by hand here. */
static void test_geo(void **state)
{
    (void)state;
    char path[1024];
    TU_NEED_SHARED("cases/matpower/case9.m", path, sizeof path);
    gr_case *c = NULL;
    gr_overlay *ov = NULL;
    gr_bus_geo *geo = NULL;
    gr_error err = {0, ""};
    assert_int_equal(gr_case_read(path, &c, &err), GR_OK);
    char csv[1024] = "bus_id,lon,lat\n";
    for (int b = 1; b <= 9; b++) {
        char row[64];
        snprintf(row, sizeof row, "%d,%g,%g\n", b, 30.0 + 0.5 * (b % 3), 50.0 + 0.4 * (b / 3));
        strcat(csv, row);
    }
    assert_int_equal(gr_bus_geo_parse(csv, strlen(csv), "geo.csv", &geo, &err), GR_OK);
    assert_int_equal(geo->lonlat, 1);
    assert_int_equal(geo->n, 9);
    gr_overlay_build_options opt;
    gr_overlay_build_options_default(&opt);
    opt.geo = geo;
    assert_int_equal(gr_overlay_build(c, NULL, &opt, &ov, &err), GR_OK);
    /* buses 1 and 2: 0.5 degrees of longitude apart at the mean latitude */
    double lat0 = 0.0;
    for (int b = 1; b <= 9; b++)
        lat0 += 50.0 + 0.4 * (b / 3);
    lat0 /= 9.0;
    double dx = 6371.0088 * 0.5 * PI_ / 180.0 * cos(lat0 * PI_ / 180.0);
    int r1 = row_of(c, 1), r2 = row_of(c, 2), r4 = row_of(c, 4), r3 = row_of(c, 3);
    assert_near(ov->bus_x_km[r2] - ov->bus_x_km[r1], dx, 2e-3, 0);
    assert_near(ov->bus_y_km[r2], ov->bus_y_km[r1], 2e-3, 0);
    /* bus 3 (lat index 1) vs bus 4 (lat index 1): same latitude; bus 2 vs 3: 0.4 deg */
    assert_near(ov->bus_y_km[r3] - ov->bus_y_km[r2], 6371.0088 * 0.4 * PI_ / 180.0, 2e-3, 0);
    assert_near(ov->bus_y_km[r4], ov->bus_y_km[r3], 2e-3, 0);
    gr_overlay_free(ov);
    gr_bus_geo_free(geo);
    gr_case_free(c);
}

static void expect_geo_error(const char *text, const char *msg)
{
    gr_bus_geo *geo = NULL;
    gr_error err = {0, ""};
    assert_int_equal(gr_bus_geo_parse(text, strlen(text), "g.csv", &geo, &err), GR_EPARSE);
    assert_null(geo);
    if (!strstr(err.msg, msg))
        fail_msg("expected \"%s\" in \"%s\"", msg, err.msg);
}

static void test_geo_errors(void **state)
{
    (void)state;
    expect_geo_error("bus_id,lon,lat\n1,30,50\n2,30,abc\n", "g.csv:3: field lat: \"abc\" is not a number");
    expect_geo_error("bus_id,lon,lat\n1,30,50\n1,31,50\n", "g.csv:3: field bus_id: bus 1 appears twice");
    expect_geo_error("bus,east,north\n1,30,50\n", "g.csv:1: header: column 2 \"east\"");
    expect_geo_error("bus_id,x_km,y_km\n1,30\n", "g.csv:2: expected 3 fields, found 2");
    expect_geo_error("bus_id,lon,lat\n1,200,50\n", "g.csv:2: field lon: 200 is out of range");
    expect_geo_error("bus_id,lon,lat\n", "no rows after the header");
    /* x_km/y_km in any column order, comments and blank lines */
    gr_bus_geo *geo = NULL;
    gr_error err = {0, ""};
    const char *ok = "# km\ny_km,bus_id,x_km\n\n5,7,3\n";
    assert_int_equal(gr_bus_geo_parse(ok, strlen(ok), "g.csv", &geo, &err), GR_OK);
    assert_int_equal(geo->lonlat, 0);
    assert_int_equal(geo->bus_id[0], 7);
    assert_near(geo->x[0], 3, 0, 0);
    assert_near(geo->y[0], 5, 0, 0);
    assert_int_equal(geo->line[0], 4);
    gr_bus_geo_free(geo);
}

/* The reader rejects a kv other than the case's BASE_KV and warns about a
 * substation holding most buses, people without load and empty zones. */
static void test_reader_checks(void **state)
{
    (void)state;
    char path[1024], p1[512];
    TU_NEED_SHARED("cases/matpower/case118.m", path, sizeof path);
    gr_case *c = NULL;
    gr_overlay *ov = NULL, *back = NULL;
    gr_error err = {0, ""};
    assert_int_equal(gr_case_read(path, &c, &err), GR_OK);
    assert_int_equal(gr_overlay_build(c, NULL, NULL, &ov, &err), GR_OK);
    snprintf(p1, sizeof p1, "%s/w.json", tmpdir);
    /* kv */
    double kv = ov->bus_kv[5];
    ov->bus_kv[5] = kv + 1.0;
    assert_int_equal(gr_overlay_write(ov, p1, &err), GR_OK); /* without the case: legal */
    assert_int_equal(gr_overlay_read(p1, c, &back, &err), GR_EPARSE);
    assert_non_null(strstr(err.msg, "$.buses[5].kv"));
    assert_non_null(strstr(err.msg, "BASE_KV"));
    ov->bus_kv[5] = kv;
    /* a clean overlay has none of the warnings below */
    assert_int_equal(gr_overlay_write(ov, p1, &err), GR_OK);
    assert_int_equal(gr_overlay_read(p1, c, &back, &err), GR_OK);
    for (int w = 0; w < back->n_warnings; w++)
        fail_msg("unexpected warning: %s", back->warnings[w]);
    gr_overlay_free(back);
    /* most buses in substation 0, people on a bus without load, a zone far away */
    for (int b = 0; b < 80; b++)
        ov->bus_substation[b] = 0;
    int noload = -1;
    for (int b = 0; b < c->bus.n && noload < 0; b++)
        if (c->bus.pd_mw[b] <= 0)
            noload = b;
    assert_true(noload >= 0);
    ov->bus_population[noload] = 100.0;
    ov->zone_x_km[0] = ov->width_km;
    ov->zone_y_km[0] = ov->height_km;
    ov->zone_radius_km[0] = 1e-3;
    assert_int_equal(gr_overlay_write(ov, p1, &err), GR_OK);
    assert_int_equal(gr_overlay_read(p1, c, &back, &err), GR_OK);
    assert_int_equal(back->n_warnings, 3);
    assert_non_null(strstr(back->warnings[0], "$.substations[0]: holds 80 of the 118 buses"));
    assert_non_null(strstr(back->warnings[1], "people but no load"));
    assert_non_null(strstr(back->warnings[2], "$.defended_zones[0]: covers no bus"));
    gr_overlay_free(back);
    gr_overlay_free(ov);
    gr_case_free(c);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gridres_test_overlay_build_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char p[600];
    snprintf(p, sizeof p, "%s/a.json", tmpdir);
    remove(p);
    snprintf(p, sizeof p, "%s/b.json", tmpdir);
    remove(p);
    snprintf(p, sizeof p, "%s/w.json", tmpdir);
    remove(p);
    rmdir(tmpdir);
    return 0;
}

/* The one transformer rule and the voltage levels, on the hand-made 400/220 kV
 * case (its header lists which rows are transformers: 3-4 and 2-5 join 400
 * and 220 kV, 4-6 has a tap of 1.05; 1-3's explicit tap of 1 is a line); the
 * builder puts every transformer inside one substation. */
static void test_transformer_rule_and_levels(void **state)
{
    (void)state;
    gr_case *c = NULL;
    gr_grid *g = NULL;
    gr_overlay *ov = NULL;
    gr_error err = {0, ""};
    gr_overlay_build_options bo;
    assert_int_equal(gr_case_read(GRIDRES_TEST_DATA "/campaign/case6_400_220.m", &c, &err), GR_OK);
    assert_int_equal(gr_grid_from_case(c, &g, &err), GR_OK);
    static const int want[8] = {0, 0, 0, 1, 1, 0, 0, 1};
    for (int k = 0; k < g->nl; k++)
        assert_int_equal(gr_grid_branch_is_transformer(g, k), want[k]);
    gr_overlay_build_options_default(&bo);
    assert_int_equal(gr_overlay_build(c, g, &bo, &ov, &err), GR_OK);
    for (int k = 0; k < g->nl; k++)
        if (want[k])
            assert_int_equal(ov->bus_substation[g->br_f[k]], ov->bus_substation[g->br_t[k]]);
    double lv[6];
    assert_int_equal(gr_kv_levels(g->base_kv, g->nb, lv, 6), 2);
    assert_true(lv[0] == 400.0 && lv[1] == 220.0);
    assert_int_equal(gr_kv_class_levels(g->base_kv, g->nb, lv, 6), 2);
    assert_int_equal(gr_kv_level_index(lv, 2, 220.0), 1);
    assert_int_equal(gr_kv_level_index(lv, 2, 399.0), 1);
    assert_int_equal(gr_kv_level_index(lv, 2, 399.99), 0); /* 0.1 kV rounding */
    assert_int_equal(gr_kv_level_index(lv, 2, 63.0), 1);
    /* the synthetic region's levels keep all three, even without 750 kV */
    const double sy[4] = {330.0, 110.0, 330.0, 110.0};
    assert_int_equal(gr_kv_class_levels(sy, 4, lv, 6), 3);
    assert_true(lv[0] == 750.0 && lv[1] == 330.0 && lv[2] == 110.0);
    assert_int_equal(gr_kv_band(400.0), GR_BAND_EHV);
    assert_int_equal(gr_kv_band(220.0), GR_BAND_HV);
    assert_int_equal(gr_kv_band(63.0), GR_BAND_MV);
    gr_overlay_free(ov);
    gr_grid_free(g);
    gr_case_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case9),       cmocka_unit_test(test_case118),
        cmocka_unit_test(test_case2383wp),  cmocka_unit_test(test_activsg2000_raw),
        cmocka_unit_test(test_geo),         cmocka_unit_test(test_geo_errors),
        cmocka_unit_test(test_reader_checks),
        cmocka_unit_test(test_transformer_rule_and_levels),
    };
    return tu_exit(cmocka_run_group_tests(tests, setup, teardown));
}
