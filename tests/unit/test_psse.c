/* test_psse.c — PSS/E RAW reader: hand-worked small cases (v30, v33, v35), bad input, dispatch, out of memory, and ACTIVSg2000 RAW against its MATPOWER twin. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#define SEEDS GRIDRES_TEST_DATA "/../fuzz/seeds/psse/"
static const double RAD2DEG = 57.29577951308232;

static gr_case *read_ok(const char *path)
{
    gr_case *c = NULL;
    gr_error err = {0};
    int st = gr_case_read(path, &c, &err);
    if (st != GR_OK)
        fail_msg("%s: %s", path, err.msg);
    return c;
}

static int bus_row(const gr_case *c, int id)
{
    for (int r = 0; r < c->bus.n; r++)
        if (c->bus.bus_i[r] == id)
            return r;
    fail_msg("bus %d not found", id);
    return -1;
}

static int branch_row(const gr_case *c, int f, int t)
{
    for (int k = 0; k < c->branch.n; k++)
        if (c->branch.f_bus[k] == f && c->branch.t_bus[k] == t)
            return k;
    fail_msg("branch %d-%d not found", f, t);
    return -1;
}

static int has_warning(const gr_case *c, const char *text)
{
    for (int k = 0; k < c->n_warnings; k++)
        if (strstr(c->warnings[k], text))
            return 1;
    return 0;
}

/* v33: loads with I and Y parts, fixed and switched shunts, a tapped transformer. */
static void test_three_bus_v33(void **state)
{
    (void)state;
    gr_case *c = read_ok(SEEDS "three_bus_v33.raw");
    assert_int_equal(c->bus.n, 3);
    assert_int_equal(c->gen.n, 2);
    assert_int_equal(c->branch.n, 2);
    assert_near(c->base_mva, 100.0, 0, 0);
    int b2 = bus_row(c, 2), b3 = bus_row(c, 3);
    /* PL + IP*VM + YP*VM^2 and QL + IQ*VM - YQ*VM^2 at VM = 1.00 */
    assert_near(c->bus.pd_mw[b2], 80.0 + 5.0 + 3.0, 1e-12, 0);
    assert_near(c->bus.qd_mvar[b2], 30.0 + 2.0 + 1.0, 1e-12, 0);
    assert_near(c->bus.bs_mvar[b2], 10.0 + 15.0, 1e-12, 0);   /* fixed + switched at BINIT */
    assert_near(c->bus.va_deg[b2], -2.0, 0, 0);
    assert_int_equal(c->bus.type[b3], GR_BUS_PV);
    assert_near(c->bus.base_kv[b3], 13.8, 0, 0);
    assert_string_equal(c->bus_name[0], "SLACK");
    assert_string_equal(c->bus_name[b3], "GEN LV");
    assert_int_equal(c->gen.bus[1], 3);
    assert_near(c->gen.pg_mw[1], 50.0, 0, 0);
    assert_near(c->gen.qmax_mvar[1], 40.0, 0, 0);
    assert_near(c->gen.qmin_mvar[1], -40.0, 0, 0);
    assert_near(c->gen.vg_pu[1], 1.01, 0, 0);
    assert_near(c->gen.mbase_mva[1], 60.0, 0, 0);
    assert_near(c->gen.pmax_mw[1], 80.0, 0, 0);
    int l = branch_row(c, 1, 2), t = branch_row(c, 3, 2);
    assert_near(c->branch.x_pu[l], 0.1, 0, 0);
    assert_near(c->branch.b_pu[l], 0.02, 0, 0);
    assert_near(c->branch.rate_c_mva[l], 120.0, 0, 0);
    assert_near(c->branch.tap[l], 0.0, 0, 0);
    assert_near(c->branch.tap[t], 1.025, 1e-15, 0);   /* WINDV1/WINDV2, CW = 1 */
    assert_near(c->branch.x_pu[t], 0.08, 1e-15, 0);
    assert_near(c->branch.rate_a_mva[t], 60.0, 0, 0);
    assert_true(has_warning(c, "constant-current or constant-admittance"));
    gr_case *d = NULL;
    assert_int_equal(gr_case_copy(c, &d), GR_OK);
    assert_int_equal(d->n_warnings, c->n_warnings);
    assert_string_equal(d->warnings[0], c->warnings[0]);
    gr_case_free(d);
    gr_case_free(c);
}

/* v30: GL/BL in the bus record, a three-winding transformer (CZ = 2), a DC line skipped. */
static void test_v30_three_winding(void **state)
{
    (void)state;
    gr_case *c = read_ok(SEEDS "four_bus_v30_3w.raw");
    assert_int_equal(c->bus.n, 5);        /* 4 + the star point */
    assert_int_equal(c->branch.n, 4);     /* a line + three windings */
    int s = bus_row(c, 11);               /* next power of ten above bus 4, plus 1 */
    assert_string_equal(c->bus_name[s], "3W");
    assert_int_equal(c->bus.type[s], GR_BUS_PQ);
    int b2 = bus_row(c, 2), b4 = bus_row(c, 4);
    assert_near(c->bus.gs_mw[b2], 5.0, 1e-12, 0);
    assert_near(c->bus.bs_mvar[b2], -20.0 + 0.1, 1e-12, 0);   /* BL + BI * SBASE */
    assert_near(c->bus.bs_mvar[b4], 12.0 + 0.1, 1e-12, 0);    /* switched (v30 place) + BJ */
    /* Z12 = (0.01 + 0.10j) * 100/200, Z23 = 0.012 + 0.12j, Z31 = 0.014 + 0.14j (pu) */
    int w1 = branch_row(c, 1, 11), w2 = branch_row(c, 2, 11), w3 = branch_row(c, 3, 11);
    assert_near(c->branch.r_pu[w1], (0.005 + 0.014 - 0.012) / 2, 1e-15, 0);
    assert_near(c->branch.x_pu[w1], (0.05 + 0.14 - 0.12) / 2, 1e-15, 0);
    assert_near(c->branch.x_pu[w2], (0.05 + 0.12 - 0.14) / 2, 1e-15, 0);
    assert_near(c->branch.x_pu[w3], (0.14 + 0.12 - 0.05) / 2, 1e-15, 0);
    assert_near(c->branch.rate_a_mva[w3], 50.0, 0, 0);
    assert_true(has_warning(c, "two-terminal DC data: 1 record skipped (first 'DC1')"));
    assert_true(has_warning(c, "buses 11 to 11 added as star points"));
    gr_case_free(c);
}

/* v35: @! headers, system-wide data, branch NAME and 12 ratings, a switching device. */
static void test_v35(void **state)
{
    (void)state;
    gr_case *c = read_ok(SEEDS "three_bus_v35.raw");
    assert_int_equal(c->bus.n, 3);
    assert_int_equal(c->branch.n, 3);
    int l13 = branch_row(c, 1, 3), sw = branch_row(c, 2, 3);
    assert_near(c->branch.rate_c_mva[l13], 99.0, 0, 0);   /* after a quoted NAME with a comma */
    assert_near(c->branch.r_pu[sw], 0.0, 0, 0);
    assert_near(c->branch.x_pu[sw], 0.0002, 0, 0);
    assert_near(c->branch.rate_a_mva[sw], 200.0, 0, 0);
    assert_near(c->gen.mbase_mva[1], 100.0, 0, 0);      /* after NREG */
    assert_int_equal(c->gen.status[1], 1);
    assert_near(c->gen.pmax_mw[1], 50.0, 0, 0);
    assert_near(c->bus.bs_mvar[bus_row(c, 2)], 8.0, 0, 0);
    assert_true(has_warning(c, "regulating a remote bus"));
    assert_true(has_warning(c, "FACTS device data: 1 record skipped"));
    gr_case_free(c);
}

static const char head33[] = "0, 100.0, 33 / test\nTITLE\nTITLE 2\n";

/* Bad input: GR_EPARSE with "file:line: section, record N, field NAME: ...". */
static void test_bad_input(void **state)
{
    (void)state;
    static const struct {
        const char *body, *msg;
    } cases[] = {
        {"1,'A',abc,3\n0\nQ\n", "t.raw:4: bus data, record 1, field BASKV: expected a number, found 'abc'"},
        {"1,'A',1,7\n0\nQ\n", "t.raw:4: bus data, record 1, field IDE: expected a bus type 1 to 4, found 7"},
        {"1,'A',1,3\n2,'B',1,1\n1,'C',1,1\n0\nQ\n", "t.raw:6: bus data, record 3, field I: bus number 1 again (first at line 4)"},
        {"1,'A',1,3\n0\n9,'1',1,1,1,5,5\n0\nQ\n", "t.raw:6: load data, record 1, field I: bus 9 is not in the bus data"},
        {"1,'A',1,3\n2,'B',1,1\n0\n0\n0\n0\n1,2,'1',0,0,0\n0\nQ\n", "t.raw:10: branch data, record 1, field X: R and X are both 0"},
        {"1,'A',1,3\n2,'B',1,1\n0\n0\n0\n0\n0\n1,2,0,'1',5\n", "t.raw:11: transformer data, record 1, field CW: expected a winding data code 1, 2 or 3, found 5"},
        {"1,'A',1,3\n2,'B',1,1\n0\n0\n0\n0\n0\n1,2,0,'1',1,1,1\n0.0,0.1,100\n", "t.raw:12: transformer data, record 1: expected line 3 of 4 of the record, found the end of the file"},
        {"1,'A',1,3\n0\n0\n0\n1,'1',1e999\n", "t.raw:8: generator data, record 1, field PG: expected a number, found '1e999'"},
        {"1,'A',1,3\n0\n0\n0\n1,'1',0x10\n", "field PG: expected a number, found '0x10'"},
        {"1,'A',1,3\n0\n0\n0\n'1','1'\n", "t.raw:8: generator data, record 1, field I: expected an integer, found text '1'"},
        /* magnitudes, bases and ratings >= 0, as the MATPOWER reader wants them
           (fuzz_psse: a VS of -100 converted to a case that did not read back) */
        {"1,'A',1,3\n0\n0\n0\n1,'1',0,0,9,-9,-100\n", "t.raw:8: generator data, record 1, field VS: expected a number >= 0, found -100"},
        {"1,'A',1,3\n0\n0\n0\n1,'1',0,0,9,-9,1,0,-5\n", "t.raw:8: generator data, record 1, field MBASE: expected a number >= 0, found -5"},
        {"1,'A',1,3,1,1,1,-1\n0\nQ\n", "t.raw:4: bus data, record 1, field VM: expected a number >= 0, found -1"},
        {"1,'A',1,3\n2,'B',1,1\n0\n0\n0\n0\n1,2,'1',0,0.1,0,-7\n0\nQ\n", "t.raw:10: branch data, record 1, field RATEA: expected a number >= 0, found -7"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char text[1024];
        snprintf(text, sizeof text, "%s%s", head33, cases[k].body);
        gr_case *c = (gr_case *)&c;
        gr_error err = {0};
        int st = gr_case_parse_raw(text, strlen(text), "t.raw", &c, &err);
        if (st != GR_EPARSE || !strstr(err.msg, cases[k].msg))
            fail_msg("case %zu: got %d '%s', expected '%s'", k, st, err.msg, cases[k].msg);
        assert_null(c);
    }
    static const struct {
        const char *text, *msg;
    } heads[] = {
        {"0, 100.0, 29\nA\nB\n0\nQ\n", "t.raw:1: case identification data, record 1, field REV: expected a RAW version 30 to 35, found 29"},
        {"0, 0.0, 33\nA\nB\n0\nQ\n", "field SBASE: expected a system base > 0 MVA, found 0"},
        {"", "t.raw:1: case identification data: expected IC, SBASE, REV"},
        {"0, 100, 33\nA\nB\n0\nQ\n", "t.raw:5: bus data: expected at least one bus, found none"},
    };
    for (size_t k = 0; k < sizeof heads / sizeof *heads; k++) {
        gr_case *c = NULL;
        gr_error err = {0};
        int st = gr_case_parse_raw(heads[k].text, strlen(heads[k].text), "t.raw", &c, &err);
        if (st != GR_EPARSE || !strstr(err.msg, heads[k].msg))
            fail_msg("head %zu: got %d '%s', expected '%s'", k, st, err.msg, heads[k].msg);
    }
    gr_case *c = NULL;
    gr_error err = {0};
    assert_int_equal(gr_case_read("/nonexistent-dir/x.raw", &c, &err), GR_EIO);
    assert_int_equal(gr_case_parse_raw(NULL, 1, "x", &c, &err), GR_EINVAL);
    assert_int_equal(gr_case_parse_raw("x", 1, "x", NULL, &err), GR_EINVAL);
}

/* Tokens: blanks or commas, empty fields take defaults, quotes keep '/', ',' and blanks. */
static void test_tokens(void **state)
{
    (void)state;
    const char *text = "0 100.0 33 / no commas\nT\nT\n"
                       "1 'A / B, C' 230 3 ,, 1 , 1 1.05 -1.5D0\n"
                       "2,\"TWO\",230,,1,1,1,0.98,-3.0\n"
                       "0 /\n1 ,  '1', 1,,,10.,2.5E+1\n0\n0\n0\n1,2,'1',0,0.1\n0\nQ\n";
    gr_case *c = NULL;
    gr_error err = {0};
    assert_int_equal(gr_case_parse_raw(text, strlen(text), "tok.raw", &c, &err), GR_OK);
    assert_string_equal(c->bus_name[0], "A / B, C");
    assert_int_equal(c->bus.area[0], 1);     /* empty field: default 1 */
    assert_near(c->bus.vm_pu[0], 1.05, 0, 0);
    assert_near(c->bus.va_deg[0], -1.5, 0, 0);   /* Fortran D exponent */
    assert_int_equal(c->bus.type[1], GR_BUS_PQ);  /* empty IDE: 1 */
    assert_near(c->bus.pd_mw[0], 10.0, 0, 0);
    assert_near(c->bus.qd_mvar[0], 25.0, 0, 0);
    assert_int_equal(c->n_warnings, 0);
    gr_case_free(c);
}

/* gr_case_read: *.raw in any case goes to the RAW reader, anything else to MATPOWER. */
static void test_dispatch(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "/tmp/gridres_test_psse_%ld.RaW", (long)getpid());
    FILE *in = fopen(SEEDS "three_bus_v33.raw", "rb"), *out = fopen(path, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
    gr_case *c = read_ok(path);
    assert_int_equal(c->bus.n, 3);
    assert_string_equal(c->path, path);
    gr_case_free(c);
    /* the same bytes under a .m name are MATPOWER syntax errors */
    char mpath[300];
    snprintf(mpath, sizeof mpath, "%s.m", path);
    assert_int_equal(rename(path, mpath), 0);
    gr_error err = {0};
    assert_int_equal(gr_case_read(mpath, &c, &err), GR_EPARSE);
    assert_null(strstr(err.msg, "bus data"));
    remove(mpath);
}

/* Every allocation failure is a clean GR_ENOMEM. */
static void test_out_of_memory(void **state)
{
    (void)state;
    FILE *f = fopen(SEEDS "four_bus_v30_3w.raw", "rb");
    assert_non_null(f);
    static char text[16384];
    size_t len = fread(text, 1, sizeof text, f);
    fclose(f);
    int ok = 0;
    for (long n = 0; n < 10000 && !ok; n++) {
        gr_case *c = NULL;
        gr_error err = {0};
        gr_alloc_fail_after(n);
        int st = gr_case_parse_raw(text, len, "oom.raw", &c, &err);
        gr_alloc_fail_after(-1);
        if (st == GR_OK) {
            ok = 1;
            gr_case_free(c);
        } else {
            assert_int_equal(st, GR_ENOMEM);
            assert_null(c);
        }
    }
    assert_true(ok);
}

/* AC power flow of a case, voltages by bus number. */
static gr_pf_result *solve(const gr_case *c, gr_grid **g, int qlim)
{
    gr_error err = {0};
    gr_pf_result *r = NULL;
    gr_pf_options opt;
    gr_pf_options_default(&opt);
    opt.enforce_q_lims = qlim;
    if (gr_grid_from_case(c, g, &err) != GR_OK || gr_pf_ac(*g, &opt, &r, &err) != GR_OK)
        fail_msg("power flow: %s", err.msg);
    assert_true(r->converged);
    return r;
}

static void max_diff(const gr_case *ca, const gr_grid *ga, const gr_pf_result *ra,
                     const gr_grid *gb, const gr_pf_result *rb, double *dvm, double *dva)
{
    *dvm = *dva = 0;
    for (int i = 0; i < ca->bus.n; i++) {
        int a = gr_grid_bus_index(ga, ca->bus.bus_i[i]), b = gr_grid_bus_index(gb, ca->bus.bus_i[i]);
        assert_true(a >= 0 && b >= 0);
        *dvm = fmax(*dvm, fabs(ra->vm[a] - rb->vm[b]));
        *dva = fmax(*dva, fabs(ra->va[a] - rb->va[b]) * RAD2DEG);
    }
}

/* ACTIVSg2000.RAW and ACTIVSg2000.m, saved by PowerWorld on the same day: the same
 * power flow once the two files' representational differences are taken out:
 * the RAW prints loads and dispatch to 1 kW (the .m to more digits), and the .m
 * holds a transformer's magnetising susceptance as branch charging where the
 * reader puts it (as PSS/E) at the winding-1 bus. */
static void test_activsg2000_raw_vs_m(void **state)
{
    (void)state;
    char praw[4096], pm[4096];
    TU_NEED_SHARED("cases/psse/ACTIVSg2000.RAW", praw, sizeof praw);
    TU_NEED_SHARED("cases/psse/ACTIVSg2000.m", pm, sizeof pm);
    gr_case *a = read_ok(praw), *b = read_ok(pm);
    assert_int_equal(a->bus.n, b->bus.n);
    assert_int_equal(a->gen.n, b->gen.n);
    assert_int_equal(a->branch.n, b->branch.n);
    gr_grid *ga = NULL, *gb = NULL, *gb2 = NULL;
    gr_pf_result *ra = solve(a, &ga, 0), *rb = solve(b, &gb, 0);
    double dvm, dva;
    max_diff(a, ga, ra, gb, rb, &dvm, &dva);
    printf("ACTIVSg2000 RAW vs .m as saved: max |dVm| %.3g pu, max |dVa| %.3g deg\n", dvm, dva);
    assert_true(dvm < 1e-4 && dva < 5e-3);
    /* the same data: loads and dispatch as the RAW prints them, magnetising B at bus I */
    for (int i = 0; i < b->bus.n; i++) {
        int r = bus_row(a, b->bus.bus_i[i]);
        b->bus.pd_mw[i] = a->bus.pd_mw[r];
        b->bus.qd_mvar[i] = a->bus.qd_mvar[r];
    }
    for (int k = 0; k < b->gen.n; k++) {
        assert_int_equal(a->gen.bus[k], b->gen.bus[k]);
        b->gen.pg_mw[k] = a->gen.pg_mw[k];
    }
    int moved = 0;
    for (int k = 0; k < b->branch.n; k++)
        if (b->branch.tap[k] != 0 && b->branch.b_pu[k] != 0) {
            b->bus.bs_mvar[bus_row(b, b->branch.f_bus[k])] += b->branch.b_pu[k] * b->base_mva;
            b->branch.b_pu[k] = 0;
            moved++;
        }
    assert_int_equal(moved, 1);
    gr_pf_result *rb2 = solve(b, &gb2, 0);
    max_diff(a, ga, ra, gb2, rb2, &dvm, &dva);
    printf("ACTIVSg2000 RAW vs .m, same loads and dispatch: max |dVm| %.3g pu, max |dVa| %.3g deg\n",
           dvm, dva);
    assert_true(dvm <= 1e-6);
    assert_true(dva <= 1e-5);
    gr_pf_result_free(ra);
    gr_pf_result_free(rb);
    gr_pf_result_free(rb2);
    gr_grid_free(ga);
    gr_grid_free(gb);
    gr_grid_free(gb2);
    gr_case_free(a);
    gr_case_free(b);
}

/* A file saved at a solved point: our power flow lands on its stored VM, VA
 * (ACTIVSg2000: once the 162 PV buses whose generators the file shows at a Q
 * limit, VM != VS, are held at that Q). */
static void check_lands_on_stored(const char *rel, int hold_limited, double tol_vm, double tol_va)
{
    char path[4096];
    TU_NEED_SHARED(rel, path, sizeof path);
    gr_case *c = read_ok(path);
    if (hold_limited)
        for (int k = 0; k < c->gen.n; k++) {
            int r = bus_row(c, c->gen.bus[k]);
            if (c->gen.status[k] && c->bus.type[r] == GR_BUS_PV &&
                fabs(c->bus.vm_pu[r] - c->gen.vg_pu[k]) > 1e-4)
                c->bus.type[r] = GR_BUS_PQ;
        }
    gr_grid *g = NULL;
    gr_pf_result *r = solve(c, &g, 0);
    double dvm = 0, dva = 0;
    for (int i = 0; i < c->bus.n; i++) {
        int b = gr_grid_bus_index(g, c->bus.bus_i[i]);
        dvm = fmax(dvm, fabs(r->vm[b] - c->bus.vm_pu[i]));
        dva = fmax(dva, fabs(r->va[b] * RAD2DEG - c->bus.va_deg[i]));
    }
    printf("%s: max |Vm - VM| %.3g pu, max |Va - VA| %.3g deg\n", rel, dvm, dva);
    assert_true(dvm <= tol_vm);
    assert_true(dva <= tol_va);
    gr_pf_result_free(r);
    gr_grid_free(g);
    gr_case_free(c);
}

static void test_stored_voltages(void **state)
{
    (void)state;
    check_lands_on_stored("cases/psse/case30.raw", 0, 1e-4, 0.01);
    check_lands_on_stored("cases/psse/ACTIVSg2000.RAW", 1, 1e-4, 0.01);
}

/* Every shared RAW file reads; the notes name what was skipped. */
static void test_shared_files_read(void **state)
{
    (void)state;
    static const char *const files[] = {"ACTIVSg2000.RAW", "RTS-GMLC.RAW", "case14_with_pst3w.raw",
                                        "case25_v35_savnwb.raw", "modified_case14.raw",
                                        "case30.raw"};
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        char rel[256], path[4096];
        snprintf(rel, sizeof rel, "cases/psse/%s", files[k]);
        TU_NEED_SHARED(rel, path, sizeof path);
        gr_case *c = read_ok(path);
        assert_true(c->bus.n > 0);
        if (strstr(files[k], "case25"))
            assert_true(has_warning(c, "two-terminal DC data: 2 records skipped"));
        if (strstr(files[k], "modified_case14"))
            assert_true(has_warning(c, "bus 108 is a second swing bus"));
        gr_case_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_bus_v33),
        cmocka_unit_test(test_v30_three_winding),
        cmocka_unit_test(test_v35),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_dispatch),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_activsg2000_raw_vs_m),
        cmocka_unit_test(test_stored_voltages),
        cmocka_unit_test(test_shared_files_read),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
