/* test_matpower.c — MATPOWER reader/writer: shared cases, round trip, bad input, odd syntax, OOM. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#define DATA_DIR GRIDRES_TEST_DATA "/matpower"

/* ---------------------------------------------------------------- helpers */

static char *slurp(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n == cap - 1)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    buf[n] = 0;
    *len = n;
    return buf;
}

static void data_path(const char *file, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", DATA_DIR, file);
}

static gr_case *read_ok(const char *path)
{
    gr_case *c = NULL;
    gr_error err = {0};
    int st = gr_case_read(path, &c, &err);
    if (st != GR_OK)
        fail_msg("%s: %s (%s)", path, gr_err_name(st), err.msg);
    return c;
}

static gr_case *parse_ok(const char *text)
{
    gr_case *c = NULL;
    gr_error err = {0};
    int st = gr_case_parse(text, strlen(text), "mem.m", &c, &err);
    if (st != GR_OK)
        fail_msg("parse: %s (%s)", gr_err_name(st), err.msg);
    return c;
}

/* Bitwise equality, so NaN == NaN and -0 != 0. */
static void assert_same_doubles(const double *a, const double *b, size_t n, const char *what)
{
    if (n == 0)
        return;
    if (!a || !b)
        fail_msg("%s: one array is NULL", what);
    if (memcmp(a, b, n * sizeof *a) != 0) {
        for (size_t k = 0; k < n; k++)
            if (memcmp(&a[k], &b[k], sizeof *a) != 0)
                fail_msg("%s[%zu]: %.17g != %.17g", what, k, a[k], b[k]);
    }
}

static void assert_same_ints(const int *a, const int *b, size_t n, const char *what)
{
    for (size_t k = 0; k < n; k++)
        if (a[k] != b[k])
            fail_msg("%s[%zu]: %d != %d", what, k, a[k], b[k]);
}

/* Every table array, bit for bit. Line numbers are not data and are not compared. */
static void assert_same_case(const gr_case *a, const gr_case *b)
{
    assert_memory_equal(&a->base_mva, &b->base_mva, sizeof a->base_mva);
    assert_int_equal(a->bus.n, b->bus.n);
    assert_int_equal(a->gen.n, b->gen.n);
    assert_int_equal(a->branch.n, b->branch.n);
    size_t nb = (size_t)a->bus.n, ng = (size_t)a->gen.n, nl = (size_t)a->branch.n;
#define SAME_D(t, f, n) assert_same_doubles(a->t.f, b->t.f, n, #t "." #f);
#define SAME_I(t, f, n) assert_same_ints(a->t.f, b->t.f, n, #t "." #f);
    SAME_I(bus, bus_i, nb) SAME_I(bus, type, nb) SAME_D(bus, pd_mw, nb) SAME_D(bus, qd_mvar, nb)
    SAME_D(bus, gs_mw, nb) SAME_D(bus, bs_mvar, nb) SAME_I(bus, area, nb) SAME_D(bus, vm_pu, nb)
    SAME_D(bus, va_deg, nb) SAME_D(bus, base_kv, nb) SAME_I(bus, zone, nb)
    SAME_D(bus, vmax_pu, nb) SAME_D(bus, vmin_pu, nb)
    SAME_I(gen, bus, ng) SAME_D(gen, pg_mw, ng) SAME_D(gen, qg_mvar, ng) SAME_D(gen, qmax_mvar, ng)
    SAME_D(gen, qmin_mvar, ng) SAME_D(gen, vg_pu, ng) SAME_D(gen, mbase_mva, ng)
    SAME_I(gen, status, ng) SAME_D(gen, pmax_mw, ng) SAME_D(gen, pmin_mw, ng)
    SAME_D(gen, pc1, ng) SAME_D(gen, pc2, ng) SAME_D(gen, qc1min, ng) SAME_D(gen, qc1max, ng)
    SAME_D(gen, qc2min, ng) SAME_D(gen, qc2max, ng) SAME_D(gen, ramp_agc, ng)
    SAME_D(gen, ramp_10, ng) SAME_D(gen, ramp_30, ng) SAME_D(gen, ramp_q, ng) SAME_D(gen, apf, ng)
    SAME_I(branch, f_bus, nl) SAME_I(branch, t_bus, nl) SAME_D(branch, r_pu, nl)
    SAME_D(branch, x_pu, nl) SAME_D(branch, b_pu, nl) SAME_D(branch, rate_a_mva, nl)
    SAME_D(branch, rate_b_mva, nl) SAME_D(branch, rate_c_mva, nl) SAME_D(branch, tap, nl)
    SAME_D(branch, shift_deg, nl) SAME_I(branch, status, nl) SAME_D(branch, angmin_deg, nl)
    SAME_D(branch, angmax_deg, nl)
#undef SAME_D
#undef SAME_I
    assert_int_equal(a->bus.n_extra, b->bus.n_extra);
    assert_same_doubles(a->bus.extra, b->bus.extra, nb * (size_t)a->bus.n_extra, "bus.extra");
    assert_int_equal(a->gen.n_cols_in_file, b->gen.n_cols_in_file);
    assert_int_equal(a->gen.n_extra, b->gen.n_extra);
    assert_same_doubles(a->gen.extra, b->gen.extra, ng * (size_t)a->gen.n_extra, "gen.extra");
    assert_int_equal(a->branch.n_cols_in_file, b->branch.n_cols_in_file);
    assert_int_equal(a->gencost.n, b->gencost.n);
    assert_int_equal(a->gencost.cols, b->gencost.cols);
    assert_same_doubles(a->gencost.x, b->gencost.x,
                        (size_t)a->gencost.n * (size_t)a->gencost.cols, "gencost.x");
    assert_int_equal(a->bus_name != NULL, b->bus_name != NULL);
    for (size_t k = 0; a->bus_name && k < nb; k++)
        assert_string_equal(a->bus_name[k], b->bus_name[k]);
    if (a->name && b->name)
        assert_string_equal(a->name, b->name);
}

static void assert_msg_prefix(const gr_error *err, const char *prefix)
{
    if (strncmp(err->msg, prefix, strlen(prefix)) != 0)
        fail_msg("message \"%s\"\n  does not start with \"%s\"", err->msg, prefix);
}

/* A writable scratch directory, created once per run. */
static const char *scratch_dir(void)
{
    static char dir[256];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/gridres_test_matpower_XXXXXX");
        if (!mkdtemp(dir))
            fail_msg("mkdtemp failed");
    }
    return dir;
}

static void remove_scratch(void)
{
    const char *dir = scratch_dir();
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* Rows of MANIFEST.csv: source,file,bytes,buses,branches,gens. */
typedef struct manifest_row {
    char path[512];
    char file[128];
    int buses, branches, gens;
} manifest_row;

static int read_manifest(manifest_row **rows)
{
    char mpath[512], line[1024];
    TU_NEED_SHARED("cases/MANIFEST.csv", mpath, sizeof mpath);
    FILE *f = fopen(mpath, "r");
    assert_non_null(f);
    int n = 0, cap = 0;
    *rows = NULL;
    while (fgets(line, sizeof line, f)) {
        char src[64], file[128];
        long bytes;
        int nb, nl, ng;
        if (sscanf(line, "%63[^,],%127[^,],%ld,%d,%d,%d", src, file, &bytes, &nb, &nl, &ng) != 6)
            continue; /* header, and contab_* rows (NaN counts) */
        if (n == cap)
            *rows = realloc(*rows, (size_t)(cap = cap ? 2 * cap : 128) * sizeof **rows);
        manifest_row *r = &(*rows)[n++];
        char rel[300];
        snprintf(rel, sizeof rel, "cases/%s/%s", src, file);
        tu_shared_path(rel, r->path, sizeof r->path);
        snprintf(r->file, sizeof r->file, "%s", file);
        r->buses = nb;
        r->branches = nl;
        r->gens = ng;
    }
    fclose(f);
    return n;
}

/* ---------------------------------------------------------------- shared cases */

static void test_shared_cases_load(void **state)
{
    (void)state;
    manifest_row *rows;
    int n = read_manifest(&rows);
    assert_true(n > 100);
    /* every shared case passes the value rules (docs/input_validation.md); some
     * hold the open limits they allow: QMAX/PMAX = Inf, QMIN/PMIN = -Inf */
    int open_upper = 0, open_lower = 0;
    for (int k = 0; k < n; k++) {
        gr_case *c = read_ok(rows[k].path);
        for (int g = 0; g < c->gen.n; g++) {
            open_upper += c->gen.qmax_mvar[g] == HUGE_VAL || c->gen.pmax_mw[g] == HUGE_VAL;
            open_lower += c->gen.qmin_mvar[g] == -HUGE_VAL || c->gen.pmin_mw[g] == -HUGE_VAL;
        }
        if (c->bus.n != rows[k].buses || c->branch.n != rows[k].branches || c->gen.n != rows[k].gens)
            fail_msg("%s: %d/%d/%d rows, manifest says %d/%d/%d", rows[k].file, c->bus.n,
                     c->branch.n, c->gen.n, rows[k].buses, rows[k].branches, rows[k].gens);
        assert_non_null(c->bus.line);
        assert_string_equal(c->path, rows[k].path);
        assert_non_null(c->name);
        gr_case_free(c);
    }
    free(rows);
    assert_true(open_upper > 0 && open_lower > 0);
}

/* The distribution cases convert kW and ohms in code after the tables. */
static void test_shared_conversions(void **state)
{
    (void)state;
    char path[512];
    TU_NEED_SHARED("cases/matpower/case10ba.m", path, sizeof path);
    gr_case *c = read_ok(path);
    assert_true(c->bus.pd_mw[1] == 1840 / 1e3);
    assert_true(c->bus.qd_mvar[1] == 460 / 1e3);
    double zbase = pow(23 * 1e3, 2) / (10 * 1e6);
    assert_true(c->branch.r_pu[0] == 0.1233 / zbase);
    assert_true(c->branch.x_pu[0] == 0.4127 / zbase);
    gr_case_free(c);

    assert_true(tu_shared_path("cases/matpower/case141.m", path, sizeof path));
    c = read_ok(path);
    int k = 0;
    while (k < c->bus.n && c->bus.pd_mw[k] == 0)
        k++;
    assert_true(k < c->bus.n);
    double pd = c->bus.pd_mw[k], qd = c->bus.qd_mvar[k];
    assert_true(pd > 0 && pd < 1); /* MW, not kVA */
    assert_near(qd / pd, sin(acos(0.85)) / 0.85, 1e-12, 1e-12);
    gr_case_free(c);

    assert_true(tu_shared_path("cases/matpower/case533mt_hi.m", path, sizeof path));
    c = read_ok(path);
    assert_true(c->base_mva == 50.0 / 3);
    gr_case_free(c);
}

static void test_shared_round_trip(void **state)
{
    (void)state;
    manifest_row *rows;
    int n = read_manifest(&rows);
    char out1[600], out2[600];
    snprintf(out1, sizeof out1, "%s/rt1.m", scratch_dir());
    snprintf(out2, sizeof out2, "%s/rt2.m", scratch_dir());
    for (int k = 0; k < n; k++) {
        gr_case *a = read_ok(rows[k].path);
        gr_error err = {0};
        int st = gr_case_write(a, out1, &err);
        if (st != GR_OK)
            fail_msg("%s: write: %s", rows[k].file, err.msg);
        gr_case *b = read_ok(out1);
        assert_same_case(a, b);
        /* and the writer is a fixed point: write(read(write(x))) == write(x) */
        assert_int_equal(gr_case_write(b, out2, &err), GR_OK);
        size_t l1, l2;
        char *t1 = slurp(out1, &l1), *t2 = slurp(out2, &l2);
        assert_int_equal(l1, l2);
        assert_memory_equal(t1, t2, l1);
        free(t1);
        free(t2);
        gr_case_free(a);
        gr_case_free(b);
    }
    free(rows);
}

/* Parse time of the largest case, from memory (best of 5). */
static void test_shared_parse_speed(void **state)
{
    (void)state;
    char path[512];
    TU_NEED_SHARED("cases/matpower/case13659pegase.m", path, sizeof path);
    size_t len;
    char *text = slurp(path, &len);
    assert_non_null(text);
    double best = 1e9;
    for (int rep = 0; rep < 5; rep++) {
        gr_case *c = NULL;
        double t0 = gr_time_s();
        assert_int_equal(gr_case_parse(text, len, path, &c, NULL), GR_OK);
        double dt = gr_time_s() - t0;
        best = dt < best ? dt : best;
        assert_int_equal(c->bus.n, 13659);
        gr_case_free(c);
    }
    double t0 = gr_time_s();
    gr_case *c = read_ok(path);
    double t_read = gr_time_s() - t0;
    char out[600];
    snprintf(out, sizeof out, "%s/speed.m", scratch_dir());
    t0 = gr_time_s();
    assert_int_equal(gr_case_write(c, out, NULL), GR_OK);
    double t_write = gr_time_s() - t0;
    gr_case_free(c);
    print_message("case13659pegase (%zu bytes): parse %.1f ms (best of 5), read %.1f ms, write %.1f ms\n",
                  len, 1e3 * best, 1e3 * t_read, 1e3 * t_write);
    free(text);
}

/* ---------------------------------------------------------------- own files */

static void test_odd_syntax(void **state)
{
    (void)state;
    char path[512];
    data_path("odd_syntax.m", path, sizeof path);
    gr_case *c = read_ok(path);
    assert_string_equal(c->name, "odd_syntax");
    assert_true(c->base_mva == 100);
    assert_int_equal(c->bus.n, 5);
    assert_int_equal(c->gen.n, 3);
    assert_int_equal(c->branch.n, 4);
    /* non-consecutive bus numbers, in file order */
    int ids[5] = {10, 20, 30, 40, 7};
    assert_memory_equal(c->bus.bus_i, ids, sizeof ids);
    assert_int_equal(c->bus.type[3], GR_BUS_ISOLATED);
    /* commas and exponents */
    assert_true(c->bus.pd_mw[1] == 15.0);
    assert_true(c->bus.qd_mvar[1] == 1.0);
    assert_true(c->bus.va_deg[1] == -1.5);
    /* a continuation splits bus 30's row; the comment after it is ignored */
    assert_true(c->bus.base_kv[2] == 345);
    assert_true(c->bus.vmin_pu[2] == 0.9);
    assert_true(isinf(c->bus.vmax_pu[3]) && c->bus.vmax_pu[3] > 0);
    assert_true(isinf(c->bus.vmin_pu[3]) && c->bus.vmin_pu[3] < 0);
    assert_true(c->bus.pd_mw[4] == 0.5 && c->bus.qd_mvar[4] == -0.25);
    /* source lines: comment line, blank line and continuation counted */
    int lines[5] = {13, 14, 16, 18, 20};
    assert_memory_equal(c->bus.line, lines, sizeof lines);
    /* two generators at bus 20, rows without ';' */
    assert_int_equal(c->gen.bus[1], 20);
    assert_int_equal(c->gen.bus[2], 20);
    assert_int_equal(c->gen.status[2], 0);
    assert_true(isinf(c->gen.qmax_mvar[1]));
    assert_int_equal(c->gen.n_cols_in_file, 10);
    assert_int_equal(c->gen.n_extra, 0);
    assert_true(c->gen.apf[0] == 0 && c->gen.ramp_agc[2] == 0);
    /* 11 branch columns: loadcase's angle defaults */
    assert_int_equal(c->branch.n_cols_in_file, 11);
    assert_true(c->branch.angmin_deg[0] == -360 && c->branch.angmax_deg[3] == 360);
    assert_true(c->branch.tap[2] == 1.05 && c->branch.shift_deg[2] == -3);
    assert_int_equal(c->branch.line[3], 35);
    /* gencost rows of 7, 6 and 8 numbers, padded to 8 */
    assert_int_equal(c->gencost.n, 3);
    assert_int_equal(c->gencost.cols, 8);
    assert_true(c->gencost.x[1 * 8 + 5] == 600 && c->gencost.x[1 * 8 + 6] == 0);
    assert_true(c->gencost.x[2 * 8 + 7] == 2000);
    /* names, with a doubled quote and a row without ';' */
    assert_non_null(c->bus_name);
    assert_string_equal(c->bus_name[1], "Twenty's");
    assert_string_equal(c->bus_name[2], "Thirty");
    assert_string_equal(c->bus_name[4], "Seven");
    gr_case_free(c);
}

static void test_conversions(void **state)
{
    (void)state;
    char path[512];
    data_path("odd_convert.m", path, sizeof path);
    gr_case *c = read_ok(path);
    double base = 50.0 / 3;
    assert_true(c->base_mva == base);
    double zbase = pow(12.66 * 1e3, 2) / (base * 1e6);
    assert_true(c->branch.r_pu[0] == 0.0922 / zbase);
    assert_true(c->branch.x_pu[1] == 0.2511 / zbase);
    assert_true(c->bus.pd_mw[1] == 100 / 1e3);
    assert_true(c->bus.qd_mvar[0] == 0); /* bus 1 untouched by 2:end */
    assert_true(c->bus.qd_mvar[1] == (100 / 1e3) * sin(acos(0.85)));
    assert_true(c->bus.qd_mvar[2] == (90 / 1e3) * sin(acos(0.85)));
    assert_true(c->gen.apf[0] == 1); /* the else branch ran; the if branch did not */
    assert_true(c->gen.qmax_mvar[0] == 10);
    gr_case_free(c);
}

static void test_text_forms(void **state)
{
    (void)state;
    char path[512];
    size_t len;
    data_path("good_small.m", path, sizeof path);
    char *text = slurp(path, &len);
    gr_case *ref = parse_ok(text);

    /* CRLF line ends */
    char *crlf = malloc(2 * len + 1);
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n')
            crlf[k++] = '\r';
        crlf[k++] = text[i];
    }
    gr_case *c = NULL;
    assert_int_equal(gr_case_parse(crlf, k, "crlf.m", &c, NULL), GR_OK);
    assert_same_case(ref, c);
    gr_case_free(c);

    /* no trailing newline, and not NUL-terminated: parse only len - 1 bytes */
    assert_int_equal(gr_case_parse(text, len - 1, "nonl.m", &c, NULL), GR_OK);
    assert_same_case(ref, c);
    gr_case_free(c);

    /* without a function line (a script) and with a byte order mark */
    const char *body = strchr(text, '\n') + 1;
    char *bom = malloc(len + 4);
    memcpy(bom, "\xef\xbb\xbf", 3);
    memcpy(bom + 3, body, strlen(body) + 1);
    c = parse_ok(bom);
    assert_null(c->name);
    assert_same_case(ref, c);
    gr_case_free(c);
    free(bom);
    free(crlf);
    gr_case_free(ref);
    free(text);

    /* gen with 21 + 4 columns (OPF multipliers kept), bus with 17, branch with 17 */
    c = parse_ok("mpc.baseMVA = 1e2;\n"
                 "mpc.bus = [1 3 0 0 0 0 1 1 0 1 1 1.1 0.9 11 12 13 14];\n"
                 "mpc.gen = [1 0 0 0 0 1 100 1 1 0 0 0 0 0 0 0 0 0 0 0 0.5 22 23 24 25];\n"
                 "mpc.branch = [1 1 0 0.1 0 0 0 0 0 0 1 -30 30 99 98 97 96];\n");
    assert_int_equal(c->bus.n_extra, 4);
    assert_true(c->bus.extra[3] == 14);
    assert_int_equal(c->gen.n_cols_in_file, 21);
    assert_int_equal(c->gen.n_extra, 4);
    assert_true(c->gen.apf[0] == 0.5 && c->gen.extra[0] == 22);
    assert_int_equal(c->branch.n_cols_in_file, 13);
    assert_true(c->branch.angmin_deg[0] == -30);
    assert_null(c->name);
    gr_case_free(c);
}

/* gr_case_parse on text with a one-line error: check the message prefix. */
static void expect_parse_error(const char *text, const char *prefix)
{
    gr_case *c = (gr_case *)1;
    gr_error err = {0};
    int st = gr_case_parse(text, strlen(text), "t.m", &c, &err);
    if (st != GR_EPARSE)
        fail_msg("expected GR_EPARSE for <<%s>>, got %s (%s)", text, gr_err_name(st), err.msg);
    assert_null(c);
    assert_int_equal(err.status, GR_EPARSE);
    assert_null(strchr(err.msg, '\n'));
    assert_msg_prefix(&err, prefix);
}

static void test_bad_files(void **state)
{
    (void)state;
    static const struct { const char *file; const char *msg; } cases[] = {
        {"bad_truncated.m", "17:1: expected ']' closing mpc.branch (opened at line 13), found end of file"},
        {"bad_short_row.m", "6:2: expected at least 13 columns in mpc.bus row, found 12"},
        {"bad_text.m", "11:8: expected a number in mpc.gen, found 'abc'"},
        {"bad_missing_gen.m", "14:1: expected mpc.gen, found end of file"},
        {"bad_missing_base.m", "17:1: expected mpc.baseMVA, found end of file"},
        {"bad_duplicate_bus.m", "7:2: expected a unique bus number in mpc.bus BUS_I, found 2 again (first at line 6)"},
        {"bad_gen_bus.m", "11:2: expected a bus number from mpc.bus in mpc.gen GEN_BUS, found 9"},
        {"bad_branch_bus.m", "15:4: expected a bus number from mpc.bus in mpc.branch T_BUS, found 33"},
        {"bad_bus_type.m", "7:4: expected bus type 1 (PQ), 2 (PV), 3 (REF) or 4 (isolated) in mpc.bus BUS_TYPE, found 7"},
        {"bad_two_ref.m", "7:4: expected one reference bus (type 3) per island, found a second: bus 3 is connected to reference bus 1 (line 5)"},
        {"bad_base_mva.m", "3:15: expected a positive mpc.baseMVA, found 0"},
        {"bad_ragged.m", "11:2: expected 10 columns in mpc.gen row (as in the row at line 10), found 11"},
        {"bad_names.m", "18:5: expected 3 names in mpc.bus_name (one per bus), found 2"},
        {"bad_string.m", "20:2: expected a closing ' for this string, found end of line"},
        {"bad_status.m", "15:40: expected an integer BR_STATUS in mpc.branch, found 0.5"},
        {"bad_convert.m", "19:9: expected a value, found 'k', set at line 18 by a statement gridres cannot evaluate"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char path[512];
        data_path(cases[k].file, path, sizeof path);
        gr_case *c = (gr_case *)1;
        gr_error err = {0};
        int st = gr_case_read(path, &c, &err);
        if (st != GR_EPARSE)
            fail_msg("%s: expected GR_EPARSE, got %s (%s)", cases[k].file, gr_err_name(st), err.msg);
        assert_null(c);
        size_t plen = strlen(path);
        if (strncmp(err.msg, path, plen) != 0 || err.msg[plen] != ':')
            fail_msg("message \"%s\" does not start with the path", err.msg);
        gr_error rest = err;
        memmove(rest.msg, err.msg + plen + 1, strlen(err.msg + plen + 1) + 1);
        assert_msg_prefix(&rest, cases[k].msg);
    }
    /* the same data with the REF buses in separate islands is fine */
    char path[512];
    data_path("good_two_islands.m", path, sizeof path);
    gr_case_free(read_ok(path));
}

/* ---------------------------------------------------------------- value rules */

/* A 2-bus case with one data row per line; field `col` of the second row of
 * table `tab` (0 bus, 1 gen, 2 branch) replaced by `val`. *line, *col_at: where
 * that field is. Rules: docs/input_validation.md. */
static const char *const rule_rows[3][2] = {
    {"1 3 0 0 0 0 1 1 0 345 1 1.1 0.9", "2 1 90 30 0 0 1 1 0 345 1 1.1 0.9"},
    {"1 72 27 300 -300 1.04 100 1 250 10", "1 10 0 300 -300 1.04 100 1 250 10"},
    {"1 2 0.01 0.05 0 250 250 250 0 0 1 -360 360", "1 2 0.02 0.09 0.1 150 150 150 0 0 1 -360 360"},
};

static void rule_case(int tab, int col, const char *val, char *buf, size_t len, int *line, int *col_at)
{
    static const char *const field[3] = {"bus", "gen", "branch"};
    size_t k = (size_t)snprintf(buf, len, "mpc.baseMVA = 100;\n");
    int ln = 2;
    for (int t = 0; t < 3; t++) {
        k += (size_t)snprintf(buf + k, len - k, "mpc.%s = [\n  %s\n  ", field[t], rule_rows[t][0]);
        ln += 2;
        char row[256];
        snprintf(row, sizeof row, "%s", rule_rows[t][1]);
        int c = 3, i = 0;
        for (char *tok = strtok(row, " "); tok; tok = strtok(NULL, " "), i++) {
            const char *v = t == tab && i == col ? val : tok;
            if (t == tab && i == col) {
                *line = ln;
                *col_at = c;
            }
            k += (size_t)snprintf(buf + k, len - k, "%s ", v);
            c += (int)strlen(v) + 1;
        }
        k += (size_t)snprintf(buf + k, len - k, "\n];\n");
        ln += 2;
    }
}

static void test_value_rules(void **state)
{
    (void)state;
    enum { BUS, GEN, BRANCH };
    static const char *const fin = "a finite number", *const nonneg = "a finite non-negative number",
                             *const up = "a number or Inf (no upper limit)",
                             *const low = "a number or -Inf (no lower limit)";
    static const struct { int tab, col; const char *name, *val, *want; } cases[] = {
        /* want NULL: the value is accepted */
        {BUS, 2, "PD", "NaN", fin}, {BUS, 2, "PD", "Inf", fin}, {BUS, 2, "PD", "-12.5", NULL},
        {BUS, 3, "QD", "-Inf", fin}, {BUS, 3, "QD", "NaN", fin},
        {BUS, 4, "GS", "Inf", fin}, {BUS, 4, "GS", "-Inf", fin}, {BUS, 4, "GS", "-3", NULL},
        {BUS, 5, "BS", "Inf", fin}, {BUS, 5, "BS", "-Inf", fin}, {BUS, 5, "BS", "NaN", fin},
        {BUS, 7, "VM", "NaN", nonneg}, {BUS, 7, "VM", "-0.5", nonneg}, {BUS, 7, "VM", "Inf", nonneg},
        {BUS, 8, "VA", "NaN", fin}, {BUS, 8, "VA", "-Inf", fin}, {BUS, 8, "VA", "-30", NULL},
        {BUS, 9, "BASE_KV", "-1", nonneg}, {BUS, 9, "BASE_KV", "Inf", nonneg}, {BUS, 9, "BASE_KV", "0", NULL},
        {BUS, 11, "VMAX", "NaN", up}, {BUS, 11, "VMAX", "-Inf", up}, {BUS, 11, "VMAX", "Inf", NULL},
        {BUS, 12, "VMIN", "NaN", low}, {BUS, 12, "VMIN", "Inf", low}, {BUS, 12, "VMIN", "-Inf", NULL},
        {GEN, 1, "PG", "NaN", fin}, {GEN, 1, "PG", "Inf", fin}, {GEN, 1, "PG", "-5", NULL},
        {GEN, 2, "QG", "-Inf", fin}, {GEN, 2, "QG", "NaN", fin},
        {GEN, 3, "QMAX", "NaN", up}, {GEN, 3, "QMAX", "-Inf", up}, {GEN, 3, "QMAX", "Inf", NULL},
        {GEN, 4, "QMIN", "NaN", low}, {GEN, 4, "QMIN", "Inf", low}, {GEN, 4, "QMIN", "-Inf", NULL},
        {GEN, 5, "VG", "NaN", nonneg}, {GEN, 5, "VG", "-1", nonneg},
        {GEN, 6, "MBASE", "-100", nonneg}, {GEN, 6, "MBASE", "Inf", nonneg}, {GEN, 6, "MBASE", "0", NULL},
        {GEN, 8, "PMAX", "NaN", up}, {GEN, 8, "PMAX", "-Inf", up}, {GEN, 8, "PMAX", "Inf", NULL},
        {GEN, 8, "PMAX", "-2", NULL},
        {GEN, 9, "PMIN", "NaN", low}, {GEN, 9, "PMIN", "Inf", low}, {GEN, 9, "PMIN", "-Inf", NULL},
        {BRANCH, 2, "BR_R", "NaN", fin}, {BRANCH, 2, "BR_R", "Inf", fin}, {BRANCH, 2, "BR_R", "-0.01", NULL},
        {BRANCH, 3, "BR_X", "NaN", fin}, {BRANCH, 3, "BR_X", "-Inf", fin}, {BRANCH, 3, "BR_X", "-0.2", NULL},
        {BRANCH, 4, "BR_B", "Inf", fin}, {BRANCH, 4, "BR_B", "NaN", fin}, {BRANCH, 4, "BR_B", "-0.1", NULL},
        {BRANCH, 5, "RATE_A", "-1", nonneg}, {BRANCH, 5, "RATE_A", "NaN", nonneg},
        {BRANCH, 5, "RATE_A", "Inf", nonneg}, {BRANCH, 5, "RATE_A", "0", NULL},
        {BRANCH, 6, "RATE_B", "-Inf", nonneg}, {BRANCH, 6, "RATE_B", "NaN", nonneg},
        {BRANCH, 7, "RATE_C", "-5", nonneg}, {BRANCH, 7, "RATE_C", "0", NULL},
        {BRANCH, 8, "TAP", "-1", nonneg}, {BRANCH, 8, "TAP", "NaN", nonneg}, {BRANCH, 8, "TAP", "0.98", NULL},
        {BRANCH, 9, "SHIFT", "Inf", fin}, {BRANCH, 9, "SHIFT", "NaN", fin}, {BRANCH, 9, "SHIFT", "-30", NULL},
        {BRANCH, 11, "ANGMIN", "NaN", low}, {BRANCH, 11, "ANGMIN", "Inf", low},
        {BRANCH, 11, "ANGMIN", "-Inf", NULL},
        {BRANCH, 12, "ANGMAX", "NaN", up}, {BRANCH, 12, "ANGMAX", "-Inf", up},
        {BRANCH, 12, "ANGMAX", "Inf", NULL},
    };
    static const char *const field[3] = {"bus", "gen", "branch"};
    char buf[2048], prefix[512];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int line = 0, col = 0;
        rule_case(cases[k].tab, cases[k].col, cases[k].val, buf, sizeof buf, &line, &col);
        if (!cases[k].want) {
            gr_case_free(parse_ok(buf));
            continue;
        }
        snprintf(prefix, sizeof prefix, "t.m:%d:%d: column %s (mpc.%s row 2): expected %s", line, col,
                 cases[k].name, field[cases[k].tab], cases[k].want);
        expect_parse_error(buf, prefix);
        gr_case *c = NULL;
        gr_error err = {0};
        gr_case_parse(buf, strlen(buf), "t.m", &c, &err);
        char tail[64];
        snprintf(tail, sizeof tail, ", found %s", cases[k].val);
        size_t n = strlen(err.msg), m = strlen(tail);
        if (n < m || strcmp(err.msg + n - m, tail) != 0)
            fail_msg("message \"%s\" does not end with \"%s\"", err.msg, tail);
    }
    /* a rating's hint */
    int line, col;
    rule_case(BRANCH, 5, "-1", buf, sizeof buf, &line, &col);
    expect_parse_error(buf, "t.m:12:21: column RATE_A (mpc.branch row 2): expected a finite non-negative "
                            "number (0 = no limit), found -1");
    /* statuses: 0 out, a positive integer in service (as MATPOWER's ext2int), negative an error */
    rule_case(GEN, 7, "-1", buf, sizeof buf, &line, &col);
    expect_parse_error(buf, "t.m:8:28: column GEN_STATUS (mpc.gen row 2): expected 0 (out of service) "
                            "or a positive integer (in service), found -1");
    rule_case(BRANCH, 10, "-2", buf, sizeof buf, &line, &col);
    expect_parse_error(buf, "t.m:12:37: column BR_STATUS (mpc.branch row 2): expected 0 (out of service) "
                            "or a positive integer (in service), found -2");
    rule_case(BRANCH, 10, "NaN", buf, sizeof buf, &line, &col);
    expect_parse_error(buf, "t.m:12:37: expected an integer BR_STATUS in mpc.branch, found NaN");
    rule_case(BRANCH, 10, "2", buf, sizeof buf, &line, &col);
    gr_case *c = parse_ok(buf);
    assert_int_equal(c->branch.status[1], 2);
    gr_case_free(c);
    rule_case(GEN, 7, "3", buf, sizeof buf, &line, &col);
    gr_case_free(parse_ok(buf));
    rule_case(BUS, 1, "-1", buf, sizeof buf, &line, &col);
    expect_parse_error(buf, "t.m:4:5: expected bus type 1 (PQ), 2 (PV), 3 (REF) or 4 (isolated)");
    /* the check applies to values set by statements too, located at the row's field */
    rule_case(BUS, 2, "90", buf, sizeof buf, &line, &col);
    strcat(buf, "mpc.bus(2, 3) = 0 / 0;\n");
    expect_parse_error(buf, "t.m:4:7: column PD (mpc.bus row 2): expected a finite number, found NaN");
}

/* An in-service branch with |BR_R| + |BR_X| < 1e-10 pu is rejected, naming its row and buses. */
static void test_zero_impedance(void **state)
{
    (void)state;
    const char *head = "mpc.baseMVA = 100;\nmpc.bus = [1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;\n"
                       "  4 1 90 30 0 0 1 1 0 345 1 1.1 0.9];\nmpc.gen = [1 72 27 300 -300 1.04 100 1 250 10];\n"
                       "mpc.branch = [1 4 0.01 0.05 0 0 0 0 0 0 1;\n";
    char buf[1024];
    snprintf(buf, sizeof buf, "%s  4 1 0 0 0 0 0 0 0 0 1];\n", head);
    expect_parse_error(buf, "t.m:6:7: columns BR_R, BR_X (mpc.branch row 2, bus 4 to bus 1): expected "
                            "|BR_R| + |BR_X| >= 1e-10 pu on an in-service branch, found 0");
    snprintf(buf, sizeof buf, "%s  4 1 1e-11 -2e-11 0.5 0 0 0 0 0 2];\n", head);
    expect_parse_error(buf, "t.m:6:7: columns BR_R, BR_X (mpc.branch row 2, bus 4 to bus 1): expected "
                            "|BR_R| + |BR_X| >= 1e-10 pu on an in-service branch, found 3e-11");
    gr_case *c = NULL;
    gr_error err = {0};
    assert_int_equal(gr_case_parse(buf, strlen(buf), "t.m", &c, &err), GR_EPARSE);
    assert_non_null(strstr(err.msg, "merge buses 4 and 1"));
    /* out of service: kept, as MATPOWER's ext2int drops it before makeYbus */
    snprintf(buf, sizeof buf, "%s  4 1 0 0 0 0 0 0 0 0 0];\n", head);
    gr_case_free(parse_ok(buf));
    /* just above the threshold, and reactance alone */
    snprintf(buf, sizeof buf, "%s  4 1 0 1e-10 0 0 0 0 0 0 1];\n", head);
    gr_case_free(parse_ok(buf));
    snprintf(buf, sizeof buf, "%s  4 1 -6e-11 5e-11 0 0 0 0 0 0 1];\n", head);
    gr_case_free(parse_ok(buf));
}

static void test_bad_text(void **state)
{
    (void)state;
    const char *head = "mpc.baseMVA = 100;\nmpc.bus = [1 3 0 0 0 0 1 1 0 1 1 1.1 0.9];\n"
                       "mpc.gen = [];\n";
    char buf[1024];
    expect_parse_error("", "t.m:1:1: expected mpc.bus, found end of file");
    expect_parse_error("mpc.bus = [1 2 3", "t.m:1:17: expected ']' closing mpc.bus (opened at line 1), found end of file");
    expect_parse_error("mpc.bus = [1 2 3 x", "t.m:1:18: expected a number in mpc.bus, found 'x'");
    expect_parse_error("mpc.bus = [1 2 3 12abc]", "t.m:1:18: expected a number in mpc.bus, found '12abc'");
    expect_parse_error("mpc.bus = [1 2 - 3]", "t.m:1:16: expected a number in mpc.bus, found '-'");
    expect_parse_error("mpc.bus = [1,,2]", "t.m:1:14: expected a number in mpc.bus, found ','");
    expect_parse_error("mpc.bus = [1 1e]", "t.m:1:14: expected a number in mpc.bus, found '1e'");
    expect_parse_error("mpc.bus = [1 2\x01]", "t.m:1:14: expected a number in mpc.bus, found '2\\x01'");
    expect_parse_error("mpc.bus = [1 2 \x01]", "t.m:1:16: expected a number in mpc.bus, found '\\x01'");
    expect_parse_error("mpc.baseMVA = 100;\nmpc.bus = zeros(3, 13);\nmpc.gen = [];\nmpc.branch = [];\n",
                       "t.m:2:11: expected a positive bus number in mpc.bus BUS_I, found 0");
    expect_parse_error("mpc.bus = struct();", "t.m:1:11: expected a number, variable or known function, found 'struct'");
    expect_parse_error("mpc.version = '1';", "t.m:1:15: expected mpc.version '2'");
    expect_parse_error("mpc.baseMVA = 100 200;", "t.m:1:19: expected ';' or end of line after mpc.baseMVA, found '200'");
    expect_parse_error("mpc.areas = [1 2; 3 4;\n", "t.m:2:1: expected ']' closing the '[' at line 1, found end of file");
    expect_parse_error("for k = 1:3\nend\n", "t.m:1:1: expected a case-file statement (loops and switch are not supported), found 'for'");
    expect_parse_error("if 1\nx = 2;\n", "t.m:3:1: expected 'end' closing the 'if' at line 1, found end of file");
    expect_parse_error("if 0\nx = 2;\n", "t.m:3:1: expected 'end' closing the 'if' at line 1, found end of file");
    expect_parse_error("else\n", "t.m:1:1: expected a statement, found 'else'");
    expect_parse_error("mpc = struct();", "t.m:1:5: expected mpc.<field> = ... (the case struct cannot be replaced as a whole), found '='");
    snprintf(buf, sizeof buf, "%smpc.branch = [];\nmpc.bus(2, 1) = 5;\n", head);
    expect_parse_error(buf, "t.m:5:9: expected an index from 1 to 1, found 2");
    snprintf(buf, sizeof buf, "%smpc.branch = [];\nmpc.bus(:, [1 2]) = [1 2 3];\n", head);
    expect_parse_error(buf, "t.m:5:21: expected a 1x2 value (or a scalar) to assign, found 1x3");
    snprintf(buf, sizeof buf, "%smpc.branch = [];\nmpc.bus(1, 3) = PD;\n", head);
    expect_parse_error(buf, "t.m:5:17: expected a number, variable or known function, found 'PD'");
    snprintf(buf, sizeof buf, "%smpc.branch = [];\nmpc.bus(1, 3) = (1 + 2;\n", head);
    expect_parse_error(buf, "t.m:5:23: expected ')', found ';'");
    snprintf(buf, sizeof buf, "%smpc.branch = [];\nmpc.bus(1, 3) = [1 2] * [3 4];\n", head);
    expect_parse_error(buf, "t.m:5:23: expected operands of '*' with matching sizes, found 1x2 and 1x2");
    snprintf(buf, sizeof buf, "%smpc.branch = [];\nmpc.baseMVA = -Inf;\n", head);
    expect_parse_error(buf, "t.m:5:15: expected a positive mpc.baseMVA, found -Inf");
    snprintf(buf, sizeof buf, "%smpc.branch = [];\nmpc.baseMVA = NaN;\n", head);
    expect_parse_error(buf, "t.m:5:15: expected a positive mpc.baseMVA, found NaN");
    snprintf(buf, sizeof buf, "%smpc.branch = [];\nmpc.bus(1, 1) = 1e10;\n", head);
    expect_parse_error(buf, "t.m:2:12: expected an integer BUS_I in mpc.bus, found 10000000000");
    snprintf(buf, sizeof buf, "%smpc.branch = [];\nmpc.bus(1, 1) = -4;\n", head);
    expect_parse_error(buf, "t.m:2:12: expected a positive bus number in mpc.bus BUS_I, found -4");
    snprintf(buf, sizeof buf, "%smpc.branch = [];\nmpc.bus = [];\n", head);
    expect_parse_error(buf, "t.m:5:5: expected at least one row in mpc.bus, found none");
    expect_parse_error("x = 'abc", "t.m:1:5: expected a closing ' for this string, found end of file");
    expect_parse_error("mpc.gencost = [1 2 3 4 5; 1 2 3 4; mpc.gencost(2, 5) 1 2 3];",
                       "t.m:1:40: expected a numeric field of mpc defined above, found 'gencost'");
    snprintf(buf, sizeof buf, "%smpc.branch = [1 1 0 0.1 0 0 0 0 0 0 1 -1e3/3 50/3 sqrt(4)];\n", head);
    gr_case *e = parse_ok(buf);
    assert_true(e->branch.angmin_deg[0] == -1e3 / 3 && e->branch.angmax_deg[0] == 50.0 / 3);
    assert_int_equal(e->branch.n_cols_in_file, 13);
    gr_case_free(e);
    /* deep nesting is an error, not a stack overflow */
    char deep[8192];
    size_t k = (size_t)snprintf(deep, sizeof deep, "x = ");
    for (int i = 0; i < 1000; i++)
        deep[k++] = '(';
    deep[k] = 0;
    gr_case *c = (gr_case *)1;
    gr_error err = {0};
    assert_int_equal(gr_case_parse(deep, strlen(deep), "t.m", &c, &err), GR_EPARSE);
    assert_null(c);
    assert_msg_prefix(&err, "t.m:1:");
    /* 1000 unary minus signs: too deep to evaluate, so x is unusable */
    k = (size_t)snprintf(deep, sizeof deep, "x = ");
    for (int i = 0; i < 1000; i++) {
        deep[k++] = '-';
        deep[k++] = ' ';
    }
    snprintf(deep + k, sizeof deep - k, "1;\nmpc.baseMVA = x;\n");
    assert_int_equal(gr_case_parse(deep, strlen(deep), "t.m", &c, &err), GR_EPARSE);
    assert_msg_prefix(&err, "t.m:2:15: expected a value, found 'x', set at line 1");
    /* moderate nesting is fine */
    k = (size_t)snprintf(deep, sizeof deep, "mpc.baseMVA = ");
    for (int i = 0; i < 50; i++)
        deep[k++] = '(';
    k += (size_t)snprintf(deep + k, sizeof deep - k, "100");
    for (int i = 0; i < 50; i++)
        deep[k++] = ')';
    snprintf(deep + k, sizeof deep - k, ";\n%smpc.branch = [];\n", head);
    c = parse_ok(deep);
    assert_true(c->base_mva == 100);
    gr_case_free(c);
}

/* Statements that gridres evaluates or skips, in one case. */
static const char *const statements_case =
    "function [mpc, other] = stmts(varargin)\n"
    "define_constants;\n"
    "disp('loading'); clear x\n"
    "mpc.baseMVA = 2 ^ -1 * 200;  % 100\n"
    "mpc.bus = [1 3 0 0 0 0 1 1 0 1 1 1.1 0.9; 2 1 10 5 0 0 1 1 0 1 1 1.1 0.9];\n"
    "mpc.gen = [1 0 0 0 0 1 100 1 1 0];\n"
    "mpc.branch = [1 2 0 0.1 0 0 0 0 0 0 1];\n"
    "a = [1 -2];  b = [1 - 2];  c = a';\n"
    "mpc.bus(2, [PD QD]) = mpc.bus(2, [PD QD]) .* [2 3] + b;\n"
    "mpc.bus(:, GS) = c;\n"
    "mpc.bus(end, VMAX) = 1.2;\n"
    "mpc.bus(2, BUS_AREA) = (3 > 2) + (1 & 0) + (0 | 1);\n"
    "mpc.bus(1, ZONE) = floor(2.7) + abs(-1);\n"
    "mpc.bus(1, BASE_KV) = 5:-1:5;\n"
    "mpc.gen(:, APF) = 3;\n"
    "mpc.gen(1, QMAX) = Inf; mpc.gen(1, QMIN) = -inf;\n"
    "if 2 == 2, mpc.bus(1, VM) = 1.05; end\n"
    "if 1 > 2\n  mpc.bus(1, VA) = 1;\nelseif 2 > 1\n  mpc.bus(1, VA) = 2;\n"
    "  if 0\n    mpc.bus(1, VA) = 4;\n  end\nelse\n  mpc.bus(1, VA) = 3;\nend\n"
    "mpc.branch(1, [ANGMIN ANGMAX]) = [-10, 10];\n"
    "mpc.gencost = [2 0 0 2 1 0; 2 0 0 3 1 2 3];\n"
    "mpc.gencost(1:2, 1) = (1:2)';\n"
    "mpc.bus_name = {'a', 'b'};\n"
    "x = unknown_fn(3);\n"
    "mpc.areas(1, 2) = 5;\n"
    "mpc.gentype{1} = 'ST';\n"
    "return\n"
    "mpc.bus(1, 1) = 77;\n"
    "function x = helper\nx = 1;\n";

static void test_statements(void **state)
{
    (void)state;
    gr_case *c = parse_ok(statements_case);
    assert_string_equal(c->name, "stmts");
    assert_true(c->base_mva == 100);
    assert_true(c->bus.pd_mw[1] == 19 && c->bus.qd_mvar[1] == 14);
    assert_true(c->bus.gs_mw[0] == 1 && c->bus.gs_mw[1] == -2);
    assert_true(c->bus.vmax_pu[1] == 1.2 && c->bus.vmax_pu[0] == 1.1);
    assert_int_equal(c->bus.area[1], 2);
    assert_int_equal(c->bus.zone[0], 3);
    assert_true(c->bus.base_kv[0] == 5);
    assert_true(c->bus.vm_pu[0] == 1.05);
    assert_true(c->bus.va_deg[0] == 2);
    assert_int_equal(c->bus_name != NULL, 1);
    assert_string_equal(c->bus_name[1], "b");
    assert_int_equal(c->gen.n_cols_in_file, 21);
    assert_true(c->gen.apf[0] == 3 && c->gen.ramp_q[0] == 0);
    assert_true(c->gen.qmax_mvar[0] == HUGE_VAL && c->gen.qmin_mvar[0] == -HUGE_VAL);
    assert_int_equal(c->branch.n_cols_in_file, 13);
    assert_true(c->branch.angmin_deg[0] == -10 && c->branch.angmax_deg[0] == 10);
    assert_int_equal(c->gencost.n, 2);
    assert_int_equal(c->gencost.cols, 7);
    assert_true(c->gencost.x[0] == 1 && c->gencost.x[7] == 2 && c->gencost.x[6] == 0);
    assert_int_equal(c->bus.bus_i[0], 1); /* after `return`: not run */
    gr_case_free(c);

    /* the function's output names the struct */
    c = parse_ok("function s = named\ns.baseMVA = 10;\ns.bus = [5 3 0 0 0 0 1 1 0 1 1 1.1 0.9];\n"
                 "s.gen = [];\ns.branch = [];\nmpc.baseMVA = -1;\n");
    assert_true(c->base_mva == 10);
    assert_int_equal(c->bus.bus_i[0], 5);
    assert_int_equal(c->gen.n, 0);
    assert_int_equal(c->branch.n, 0);
    assert_int_equal(c->gen.n_cols_in_file, 21);
    gr_case_free(c);
}

/* ---------------------------------------------------------------- writer, copy, alloc */

static void round_trip(const gr_case *a, const char *file)
{
    char out[600];
    snprintf(out, sizeof out, "%s/%s", scratch_dir(), file);
    gr_error err = {0};
    if (gr_case_write(a, out, &err) != GR_OK)
        fail_msg("write %s: %s", out, err.msg);
    gr_case *b = read_ok(out);
    assert_same_case(a, b);
    gr_case_free(b);
}

static void test_round_trip_own(void **state)
{
    (void)state;
    static const char *const files[] = {"odd_syntax.m", "odd_convert.m", "good_small.m",
                                        "good_two_islands.m"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char path[512];
        data_path(files[k], path, sizeof path);
        gr_case *c = read_ok(path);
        round_trip(c, files[k]);
        gr_case_free(c);
    }
    gr_case *c = parse_ok(statements_case);
    round_trip(c, "stmts.m");
    gr_case_free(c);
    /* no temporary file is left behind */
    DIR *d = opendir(scratch_dir());
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp."))
            fail_msg("temporary file left: %s", e->d_name);
    closedir(d);
}

/* Awkward doubles survive write -> read bit for bit. */
/* MATPOWER's empty tables (zeros(0, c), []) and zeros/ones in general. */
static const char *const empty_tables_case =
    "function mpc = onebus\n"
    "mpc.version = '2';\n"
    "mpc.baseMVA = 100;\n"
    "mpc.bus = [1 3 50 10 0 0 1 1 0 230 1 1.1 0.9];\n"
    "mpc.gen = [1 50 10 100 -100 1 100 1 200 0];\n"
    "mpc.branch = zeros(0, 13);\n"
    "mpc.gencost = [];\n"
    "mpc.gentype = {};\n"
    "mpc.genfuel = cell(0, 1);\n";

static void test_empty_tables(void **state)
{
    (void)state;
    /* no branch at all: nl = 0, and no costs */
    gr_case *c = parse_ok(empty_tables_case);
    assert_int_equal(c->bus.n, 1);
    assert_int_equal(c->gen.n, 1);
    assert_int_equal(c->branch.n, 0);
    assert_int_equal(c->gencost.n, 0);
    assert_true(c->gen.pmax_mw[0] == 200);
    round_trip(c, "empty_tables.m");
    gr_case_free(c);

    const char *head = "mpc.baseMVA = 100;\nmpc.bus = [1 3 0 0 0 0 1 1 0 1 1 1.1 0.9];\n";
    char buf[1024];
    /* empty gen and gencost tables of any width; gencost = zeros(0, 7) */
    snprintf(buf, sizeof buf, "%smpc.gen = zeros(0, 21);\nmpc.branch = zeros(0, 11);\n"
             "mpc.gencost = zeros(0, 7);\nmpc.branch(:, 13) = 5;\n", head);
    c = parse_ok(buf);
    assert_int_equal(c->gen.n, 0);
    assert_int_equal(c->branch.n, 0);
    assert_int_equal(c->gencost.n, 0);
    gr_case_free(c);

    /* ones(r, c) and zeros(n) as values; a table defined from its old self */
    snprintf(buf, sizeof buf,
             "mpc.baseMVA = 100;\nmpc.bus = ones(2, 13);\nmpc.bus(:, 1) = [1; 2];\n"
             "mpc.bus(1, 2) = 3;\nmpc.bus(1:2, 3:4) = zeros(2) + 7;\n"
             "mpc.gen = [1 0 0 0 0 1 100 1 1 0; 2 0 0 0 0 1 100 1 1 0];\n"
             "mpc.gen = mpc.gen(2, :);\nmpc.branch = [1 2 0 0.1 0 0 0 0 0 0 1];\n"
             "mpc.gencost = ones(1, 4) * 2;\n");
    c = parse_ok(buf);
    assert_int_equal(c->bus.n, 2);
    assert_int_equal(c->bus.bus_i[1], 2);
    assert_int_equal(c->bus.type[0], GR_BUS_REF);
    assert_int_equal(c->bus.type[1], GR_BUS_PQ);
    assert_true(c->bus.pd_mw[1] == 7 && c->bus.qd_mvar[0] == 7 && c->bus.gs_mw[0] == 1);
    assert_true(c->bus.vmin_pu[1] == 1);
    assert_int_equal(c->gen.n, 1);
    assert_int_equal(c->gen.bus[0], 2);
    assert_int_equal(c->gencost.n, 1);
    assert_int_equal(c->gencost.cols, 4);
    assert_true(c->gencost.x[3] == 2);
    gr_case_free(c);

    /* zero rows that are there are judged as any rows, at the expression */
    snprintf(buf, sizeof buf, "%smpc.gen = [];\nmpc.branch = zeros(2, 13);\n", head);
    expect_parse_error(buf, "t.m:4:14: expected a bus number from mpc.bus in mpc.branch F_BUS, found 0");
    snprintf(buf, sizeof buf, "%smpc.gen = zeros(1, 10);\nmpc.branch = [];\n", head);
    expect_parse_error(buf, "t.m:3:11: expected a bus number from mpc.bus in mpc.gen GEN_BUS, found 0");
    snprintf(buf, sizeof buf, "%smpc.gen = [];\nmpc.branch = [];\nmpc.bus = zeros(0, 13);\n", head);
    expect_parse_error(buf, "t.m:5:5: expected at least one row in mpc.bus, found none");
    expect_parse_error("mpc.bus = zeros(2, 5);", "t.m:1:11: expected at least 13 columns in mpc.bus, found a 2x5 value");
    expect_parse_error("mpc.gencost = ones(1, 3);", "t.m:1:15: expected at least 4 columns in mpc.gencost, found a 1x3 value");
    expect_parse_error("mpc.bus = zeros(0, 20000);", "t.m:1:11: expected at most 10000 columns in mpc.bus, found 20000");
    expect_parse_error("mpc.bus = zeros(-1, 13);", "t.m:1:17: expected a size from 0 to 4194304, found -1");
    expect_parse_error("mpc.bus = zeros(1.5, 13);", "t.m:1:17: expected a size from 0 to 4194304, found 1.5");
    expect_parse_error("mpc.bus = zeros(1, NaN);", "t.m:1:20: expected a size from 0 to 4194304, found NaN");
    expect_parse_error("mpc.bus = zeros([1 13]);", "t.m:1:17: expected a scalar size, found a 1x2 value");
    expect_parse_error("mpc.bus = zeros(1, 13, 1);", "t.m:1:22: expected ')' (zeros and ones take one or two sizes), found ','");
    expect_parse_error("mpc.bus = zeros(1 13);", "t.m:1:19: expected ',' or ')', found '13'");
    expect_parse_error("mpc.bus = zeros(4096, 4096);", "t.m:1:11: expected a value of at most 4194304 elements, found 4096x4096");
    expect_parse_error("mpc.bus = zeros(1, 13) 5;", "t.m:1:24: expected ';' or end of line after mpc.bus = ..., found '5'");
}

static void test_round_trip_values(void **state)
{
    (void)state;
    gr_case *c = NULL;
    assert_int_equal(gr_case_alloc(2, 1, 1, &c), GR_OK);
    c->bus.bus_i[0] = 1;
    c->bus.bus_i[1] = 2;
    c->bus.type[0] = GR_BUS_REF;
    double odd[] = {0.1, -0.0, NAN, 1e-300, 4.9406564584124654e-324, 1.7976931348623157e308,
                    -HUGE_VAL, 1.0 / 3, 123456789012345678.0, 2.5e-7, 0.30000000000000004};
    size_t n = sizeof odd / sizeof odd[0];
    c->branch.x_pu[0] = 0.1; /* an in-service branch needs an impedance */
    for (size_t k = 0; k < n; k++) {
        /* NaN and -Inf only where the reader takes them (APF, an upper limit's
         * +Inf); the physical columns get the finite ones (docs/input_validation.md) */
        double v1 = odd[(k + 1) % n], v4 = odd[(k + 4) % n];
        c->bus.pd_mw[0] = isfinite(odd[k]) ? odd[k] : 1.5;
        c->bus.vm_pu[1] = isfinite(v1) ? fabs(v1) : 1.0;
        c->gen.apf[0] = odd[(k + 2) % n];
        c->branch.shift_deg[0] = isfinite(odd[(k + 3) % n]) ? odd[(k + 3) % n] : -2.0;
        c->branch.angmax_deg[0] = k % 2 ? 360 : isnan(v4) || v4 < 0 ? HUGE_VAL : v4;
        c->gen.n_cols_in_file = 10; /* the writer widens it when apf holds data */
        c->gen.bus[0] = 1;
        c->branch.f_bus[0] = 1;
        c->branch.t_bus[0] = 2;
        char out[600];
        snprintf(out, sizeof out, "%s/values.m", scratch_dir());
        assert_int_equal(gr_case_write(c, out, NULL), GR_OK);
        gr_case *b = read_ok(out);
        assert_memory_equal(&b->bus.pd_mw[0], &c->bus.pd_mw[0], sizeof(double));
        assert_memory_equal(&b->gen.apf[0], &c->gen.apf[0], sizeof(double));
        assert_memory_equal(&b->branch.shift_deg[0], &c->branch.shift_deg[0], sizeof(double));
        assert_memory_equal(&b->branch.angmax_deg[0], &c->branch.angmax_deg[0], sizeof(double));
        assert_memory_equal(&b->bus.vm_pu[1], &c->bus.vm_pu[1], sizeof(double));
        gr_case_free(b);
    }
    gr_case_free(c);
}

static void test_writer_names_and_errors(void **state)
{
    (void)state;
    char path[512], out[600];
    data_path("good_small.m", path, sizeof path);
    gr_case *c = read_ok(path);
    gr_free(c->name);
    c->name = NULL;
    snprintf(out, sizeof out, "%s/from_path.m", scratch_dir());
    assert_int_equal(gr_case_write(c, out, NULL), GR_OK);
    gr_case *b = read_ok(out);
    assert_string_equal(b->name, "from_path");
    gr_case_free(b);
    snprintf(out, sizeof out, "%s/9-bad name.m", scratch_dir());
    assert_int_equal(gr_case_write(c, out, NULL), GR_OK);
    b = read_ok(out);
    assert_string_equal(b->name, "gridres_case");
    gr_case_free(b);
    unlink(out);
    /* the writer replaces an existing file */
    snprintf(out, sizeof out, "%s/from_path.m", scratch_dir());
    c->base_mva = 50;
    assert_int_equal(gr_case_write(c, out, NULL), GR_OK);
    b = read_ok(out);
    assert_true(b->base_mva == 50);
    gr_case_free(b);

    gr_error err = {0};
    assert_int_equal(gr_case_write(c, "/nonexistent-dir/x.m", &err), GR_EIO);
    assert_msg_prefix(&err, "/nonexistent-dir/x.m: cannot create");
    assert_int_equal(gr_case_write(NULL, out, &err), GR_EINVAL);
    assert_int_equal(gr_case_write(c, NULL, &err), GR_EINVAL);
    c->bus_name = gr_calloc((size_t)c->bus.n, sizeof *c->bus_name);
    c->bus_name[0] = gr_malloc(8);
    strcpy(c->bus_name[0], "a\nb");
    assert_int_equal(gr_case_write(c, out, &err), GR_EINVAL);
    gr_case_free(c);

    assert_int_equal(gr_case_read("/nonexistent-dir/x.m", &c, &err), GR_EIO);
    assert_null(c);
    assert_int_equal(gr_case_read(NULL, &c, &err), GR_EINVAL);
    assert_int_equal(gr_case_parse(NULL, 1, "x", &c, &err), GR_EINVAL);
    assert_int_equal(gr_case_parse("x", 1, "x", NULL, &err), GR_EINVAL);
}

static void test_alloc_copy_free(void **state)
{
    (void)state;
    gr_case *c = NULL;
    assert_int_equal(gr_case_alloc(3, 2, 4, &c), GR_OK);
    assert_true(c->base_mva == 100);
    assert_int_equal(c->bus.type[2], GR_BUS_PQ);
    assert_true(c->bus.vm_pu[2] == 1 && c->bus.pd_mw[2] == 0);
    assert_int_equal(c->gen.status[1], 1);
    assert_true(c->gen.vg_pu[1] == 1);
    assert_int_equal(c->branch.status[3], 1);
    assert_true(c->branch.angmin_deg[3] == -360 && c->branch.angmax_deg[3] == 360);
    assert_int_equal(c->gen.n_cols_in_file, 21);
    assert_int_equal(c->branch.n_cols_in_file, 13);
    assert_null(c->bus.line);
    assert_null(c->bus_name);
    gr_case_free(c);
    assert_int_equal(gr_case_alloc(-1, 0, 0, &c), GR_EINVAL);
    assert_int_equal(gr_case_alloc(0, 0, 0, &c), GR_OK);
    gr_case_free(c);
    gr_case_free(NULL);

    char path[512];
    data_path("odd_syntax.m", path, sizeof path);
    gr_case *a = read_ok(path), *b = NULL;
    assert_int_equal(gr_case_copy(a, &b), GR_OK);
    assert_same_case(a, b);
    assert_ptr_not_equal(a->bus.pd_mw, b->bus.pd_mw);
    assert_memory_equal(a->bus.line, b->bus.line, (size_t)a->bus.n * sizeof(int));
    assert_string_equal(a->path, b->path);
    gr_case_free(b);
    assert_int_equal(gr_case_copy(NULL, &b), GR_EINVAL);
    gr_case_free(a);
}

/* ---------------------------------------------------------------- out of memory */

typedef struct oom_job {
    int kind; /* 0 parse, 1 read, 2 copy, 3 write */
    const char *text;
    size_t len;
    const char *path;
    const gr_case *c;
} oom_job;

static int run_job(const oom_job *job)
{
    gr_case *c = (gr_case *)1;
    gr_error err = {0};
    int st;
    switch (job->kind) {
    case 0: st = gr_case_parse(job->text, job->len, "oom.m", &c, &err); break;
    case 1: st = gr_case_read(job->path, &c, &err); break;
    case 2: st = gr_case_copy(job->c, &c); break;
    default: st = gr_case_write(job->c, job->path, &err); c = NULL; break;
    }
    if (st == GR_OK) {
        gr_case_free(c);
        return st;
    }
    if (c != NULL)
        fail_msg("*out not NULL after %s", gr_err_name(st));
    if (job->kind != 2 && err.status != st)
        fail_msg("err.status %d != %d", err.status, st);
    return st;
}

/* Make allocation n fail, for n = 0, 1, 2, ... until the job succeeds. */
static void oom_loop(const oom_job *job, const char *what)
{
    for (long n = 0; n < 1000000; n++) {
        gr_alloc_fail_after(n);
        int st = run_job(job);
        gr_alloc_fail_after(-1);
        if (st == GR_OK) {
            print_message("%s: succeeded after %ld failing allocation points\n", what, n);
            return;
        }
        if (st != GR_ENOMEM)
            fail_msg("%s: allocation %ld failed -> %s, expected GR_ENOMEM", what, n, gr_err_name(st));
    }
    fail_msg("%s: never succeeded", what);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    static const char *const files[] = {"odd_syntax.m", "odd_convert.m", "good_small.m"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char path[512];
        data_path(files[k], path, sizeof path);
        size_t len;
        char *text = slurp(path, &len);
        oom_job job = {0, text, len, path, NULL};
        oom_loop(&job, files[k]);
        job.kind = 1;
        oom_loop(&job, path);
        free(text);
    }
    oom_job job = {0, statements_case, strlen(statements_case), NULL, NULL};
    oom_loop(&job, "statements");
    oom_job empty = {0, empty_tables_case, strlen(empty_tables_case), NULL, NULL};
    oom_loop(&empty, "empty tables");

    char path[512], out[600];
    data_path("odd_syntax.m", path, sizeof path);
    gr_case *c = read_ok(path);
    snprintf(out, sizeof out, "%s/oom.m", scratch_dir());
    oom_job copy = {2, NULL, 0, NULL, c};
    oom_loop(&copy, "copy");
    oom_job write = {3, NULL, 0, out, c};
    oom_loop(&write, "write");
    gr_case_free(c);
    /* a bad file under memory pressure still fails cleanly */
    data_path("bad_convert.m", path, sizeof path);
    for (long n = 0; n < 200; n++) {
        gr_alloc_fail_after(n);
        gr_case *x = (gr_case *)1;
        int st = gr_case_read(path, &x, NULL);
        gr_alloc_fail_after(-1);
        assert_null(x);
        assert_true(st == GR_ENOMEM || st == GR_EPARSE);
    }
}

static int teardown(void **state)
{
    (void)state;
    remove_scratch();
    return 0;
}

/* A NUL byte (it used to end the text early for the C string functions, dropping
 * the rest of its line) is refused at its line and column, from memory as from a
 * file, by both case readers. */
static void test_nul_byte(void **state)
{
    (void)state;
    static const char text[] = "function mpc = x\nmpc.version = '2';\0 junk\n";
    gr_case *c = (gr_case *)1;
    gr_error err = {0, ""};
    assert_int_equal(gr_case_parse(text, sizeof text - 1, "n.m", &c, &err), GR_EPARSE);
    assert_null(c);
    assert_string_equal(err.msg, "n.m:2:19: NUL byte in a text file");
    c = (gr_case *)1;
    assert_int_equal(gr_case_parse_raw(text, sizeof text - 1, "n.raw", &c, &err), GR_EPARSE);
    assert_null(c);
    assert_string_equal(err.msg, "n.raw:2:19: NUL byte in a text file");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_odd_syntax),
        cmocka_unit_test(test_conversions),
        cmocka_unit_test(test_text_forms),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_bad_text),
        cmocka_unit_test(test_value_rules),
        cmocka_unit_test(test_zero_impedance),
        cmocka_unit_test(test_statements),
        cmocka_unit_test(test_empty_tables),
        cmocka_unit_test(test_round_trip_own),
        cmocka_unit_test(test_round_trip_values),
        cmocka_unit_test(test_writer_names_and_errors),
        cmocka_unit_test(test_alloc_copy_free),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_shared_cases_load),
        cmocka_unit_test(test_shared_conversions),
        cmocka_unit_test(test_shared_round_trip),
        cmocka_unit_test(test_shared_parse_speed),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, teardown));
}
