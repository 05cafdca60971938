/* test_overlay.c — scenario.json: round trip, validation errors with JSON paths, writer checks, out of memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "testutil.h"

/* One small synthetic grid shared by the tests (no tuning: fast). */
static gr_case *g_case;
static gr_overlay *g_ov;
static char *g_text;   /* its overlay as written */
static size_t g_len;
static char tmpdir[256];

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    if (b)
        b[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return b;
}

static int setup(void **state)
{
    (void)state;
    gr_synth_options opt;
    gr_error err = {0, ""};
    char p[512];
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/gridres_overlay_XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir))
        return -1;
    gr_synth_options_default(&opt);
    opt.n_bus = 300;
    opt.seed = 9;
    opt.tune = 0;
    if (gr_synth(&opt, &g_case, &g_ov, &err) != GR_OK) {
        fprintf(stderr, "gr_synth: %s\n", err.msg);
        return -1;
    }
    snprintf(p, sizeof p, "%s/scenario.json", tmpdir);
    if (gr_overlay_write(g_ov, p, &err) != GR_OK)
        return -1;
    g_text = slurp(p, &g_len);
    return g_text ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    gr_case_free(g_case);
    gr_overlay_free(g_ov);
    free(g_text);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------------
 * Round trip.
 * ------------------------------------------------------------------------ */
static void test_round_trip(void **state)
{
    (void)state;
    gr_overlay *ov;
    gr_error err = {0, ""};
    char p[512], q[512];
    snprintf(p, sizeof p, "%s/scenario.json", tmpdir);
    snprintf(q, sizeof q, "%s/again.json", tmpdir);
    assert_int_equal(gr_overlay_read(p, g_case, &ov, &err), GR_OK);
    assert_int_equal(ov->nb, g_ov->nb);
    assert_int_equal(ov->nsub, g_ov->nsub);
    assert_int_equal(ov->nplant, g_ov->nplant);
    assert_int_equal(ov->ng, g_ov->ng);
    assert_int_equal(ov->ncity, g_ov->ncity);
    assert_int_equal(ov->nheat, g_ov->nheat);
    assert_int_equal(ov->nzone, g_ov->nzone);
    assert_int_equal(ov->ncrew, g_ov->ncrew);
    assert_int_equal(ov->nl, g_ov->nl);
    assert_int_equal((int)ov->seed, 9);
    assert_string_equal(ov->case_file, "grid.m");
    for (int k = 0; k < ov->nb; k++) {
        assert_true(ov->bus_x_km[k] == g_ov->bus_x_km[k]);
        assert_true(ov->bus_population[k] == g_ov->bus_population[k]);
        assert_int_equal(ov->bus_substation[k], g_ov->bus_substation[k]);
        assert_int_equal(ov->bus_heat_district[k], g_ov->bus_heat_district[k]);
    }
    for (int k = 0; k < ov->nplant; k++) {
        assert_string_equal(ov->plant_name[k], g_ov->plant_name[k]);
        assert_int_equal(ov->plant_type[k], g_ov->plant_type[k]);
    }
    for (int k = 0; k < ov->nheat; k++) {
        assert_int_equal(ov->heat_city[k], g_ov->heat_city[k]);
        assert_int_equal(ov->heat_plant[k], g_ov->heat_plant[k]);
    }
    /* written again: the same bytes */
    assert_int_equal(gr_overlay_write(ov, q, &err), GR_OK);
    size_t len;
    char *again = slurp(q, &len);
    assert_non_null(again);
    assert_int_equal(len, g_len);
    assert_memory_equal(again, g_text, len);
    free(again);
    /* without the case it reads as well (buses in file order) */
    gr_overlay_free(ov);
    assert_int_equal(gr_overlay_parse(g_text, g_len, "s.json", NULL, &ov, &err), GR_OK);
    assert_int_equal(ov->nb, g_ov->nb);
    /* the critical load is the facility counts times their MW */
    for (int k = 0; k < ov->nb; k++) {
        double mw[GR_FAC_N], sum = 0.0;
        double tot = gr_overlay_critical_mw(ov, k, mw);
        for (int f = 0; f < GR_FAC_N; f++) {
            assert_near(mw[f], ov->bus_fac[k * GR_FAC_N + f] * ov->fac_mw[f], 1e-12, 0.0);
            sum += mw[f];
        }
        assert_near(tot, sum, 1e-12, 0.0);
    }
    assert_near(gr_overlay_critical_mw(ov, -1, NULL), 0.0, 0.0, 0.0);
    gr_overlay_free(ov);
    gr_overlay_free(NULL);
}

/* ------------------------------------------------------------------------
 * Validation: mutate the valid document, expect GR_EPARSE and a message.
 * ------------------------------------------------------------------------ */
typedef void (*mutator)(json_t *root);

static void expect_error(mutator m, const gr_case *c, const char *want)
{
    json_error_t jerr;
    json_t *root = json_loadb(g_text, g_len, 0, &jerr);
    assert_non_null(root);
    m(root);
    char *text = json_dumps(root, JSON_PRESERVE_ORDER);
    json_decref(root);
    assert_non_null(text);
    gr_overlay *ov = (gr_overlay *)1;
    gr_error err = {0, ""};
    int st = gr_overlay_parse(text, strlen(text), "scenario.json", c, &ov, &err);
    free(text);
    if (st != GR_EPARSE || !strstr(err.msg, want))
        fail_msg("expected GR_EPARSE with \"%s\", got %s: \"%s\"", want, gr_err_name(st), err.msg);
    assert_int_equal(err.status, GR_EPARSE);
    assert_null(ov);
}

static json_t *elem(json_t *root, const char *table, size_t k)
{
    json_t *e = json_array_get(json_object_get(root, table), k);
    assert_non_null(e);
    return e;
}

static void m_pop_string(json_t *r)
{
    json_object_set_new(elem(r, "buses", 12), "population", json_string("many"));
}
static void m_missing_kv(json_t *r) { json_object_del(elem(r, "buses", 3), "kv"); }
static void m_unknown_field(json_t *r)
{
    json_object_set_new(elem(r, "buses", 0), "colour", json_string("red"));
}
static void m_unknown_root(json_t *r) { json_object_set_new(r, "extras", json_true()); }
static void m_plant_type(json_t *r)
{
    json_object_set_new(elem(r, "plants", 0), "type", json_string("fusion"));
}
static void m_bad_ref(json_t *r)
{
    json_object_set_new(elem(r, "buses", 5), "substation", json_integer(1000000));
}
static void m_null_ref(json_t *r)
{
    json_object_set_new(elem(r, "buses", 5), "substation", json_null());
}
static void m_int_real(json_t *r)
{
    json_t *crit = json_object_get(elem(r, "buses", 7), "critical");
    json_object_set_new(crit, "hospital", json_real(1.5));
}
static void m_negative(json_t *r)
{
    json_object_set_new(elem(r, "cities", 0), "population", json_integer(-5));
}
static void m_heat_over(json_t *r)
{
    json_t *buses = json_object_get(r, "buses"), *b = NULL;
    for (size_t k = 0; k < json_array_size(buses) && !b; k++)
        if (json_is_integer(json_object_get(json_array_get(buses, k), "heat_district")))
            b = json_array_get(buses, k);
    assert_non_null(b);
    json_object_set_new(b, "heat_population", json_real(1e12));
}
static void m_version(json_t *r) { json_object_set_new(r, "version", json_integer(2)); }
static void m_format(json_t *r) { json_object_set_new(r, "format", json_string("geojson")); }
static void m_outside(json_t *r)
{
    json_object_set_new(elem(r, "substations", 2), "x_km", json_real(1e5));
}
static void m_id(json_t *r) { json_object_set_new(elem(r, "cities", 0), "id", json_integer(3)); }
static void m_dup_bus(json_t *r)
{
    json_t *b0 = elem(r, "buses", 0);
    json_object_set(elem(r, "buses", 1), "bus", json_object_get(b0, "bus"));
}
static void m_gen_bus(json_t *r)
{
    json_object_set_new(elem(r, "generators", 0), "bus", json_integer(999999));
}
static void m_no_buses(json_t *r) { json_object_del(r, "buses"); }
static void m_buses_object(json_t *r) { json_object_set_new(r, "buses", json_object()); }
static void m_heat_plant(json_t *r)
{
    json_t *hd = json_object_get(elem(r, "cities", 0), "heat_districts");
    json_object_set_new(json_array_get(hd, 0), "plant", json_string("CHP-1"));
}
static void m_drop_bus(json_t *r) { json_array_remove(json_object_get(r, "buses"), 0); }
static void m_branch_ends(json_t *r)
{
    json_t *b = elem(r, "branches", 0);
    json_t *f = json_object_get(b, "from");
    json_int_t fv = json_integer_value(f);
    json_object_set_new(b, "from", json_integer(json_integer_value(json_object_get(b, "to"))));
    json_object_set_new(b, "to", json_integer(fv));
}
static void m_empty_name(json_t *r) { json_object_set_new(elem(r, "plants", 0), "name", json_string("")); }

static void test_errors(void **state)
{
    (void)state;
    expect_error(m_pop_string, g_case,
                 "scenario.json: $.buses[12].population: expected a number, found string");
    expect_error(m_missing_kv, g_case, "scenario.json: $.buses[3]: missing field \"kv\"");
    expect_error(m_unknown_field, g_case, "$.buses[0]: unknown field \"colour\"");
    expect_error(m_unknown_root, g_case, "scenario.json: $: unknown field \"extras\"");
    expect_error(m_plant_type, g_case, "$.plants[0].type: unknown plant type \"fusion\"");
    expect_error(m_bad_ref, g_case, "$.buses[5].substation: 1000000 is not an index into $.substations");
    expect_error(m_null_ref, NULL, "$.buses[5].substation: expected an index into $.substations, found null");
    expect_error(m_int_real, g_case, "$.buses[7].critical.hospital: expected an integer, found real");
    expect_error(m_negative, g_case, "$.cities[0].population: -5 is out of range");
    expect_error(m_heat_over, g_case, ".heat_population: 1e+12 is out of range");
    expect_error(m_version, g_case, "$.version: unsupported version 2");
    expect_error(m_format, g_case, "$.format: expected \"gridres-scenario\"");
    expect_error(m_outside, g_case, "$.substations[2].x_km: 100000 is out of range");
    expect_error(m_id, g_case, "$.cities[0].id: id 3 does not match its position 0");
    expect_error(m_dup_bus, g_case, "$.buses[1].bus: bus 1 appears twice");
    expect_error(m_dup_bus, NULL, "$.buses[1].bus: bus 1 appears twice");
    expect_error(m_gen_bus, g_case, "$.generators[0].bus: bus 999999, but generator 1 of the case");
    expect_error(m_gen_bus, NULL, "$.generators[0].bus: bus 999999 is not in $.buses");
    expect_error(m_no_buses, g_case, "scenario.json: $: missing field \"buses\"");
    expect_error(m_buses_object, g_case, "$.buses: expected an array, found object");
    expect_error(m_heat_plant, g_case, "$.cities[0].heat_districts[0].plant: expected an index into $.plants, found string");
    expect_error(m_drop_bus, g_case, "$.buses: 299 entries, but the case has 300 buses");
    expect_error(m_branch_ends, g_case, "$.branches[0]: branch 1 runs");
    expect_error(m_empty_name, g_case, "$.plants[0].name: empty string");
}

/* Physical numbers the reader must refuse (docs/input_validation.md): JSON has
 * no NaN or Inf literal, and jansson refuses a number that overflows a double
 * (1e999) at parse time, so those are syntax errors at their line:column;
 * negative MW, people and km fail the field's range, naming its JSON path. */
static void expect_text_error(const char *from, const char *to, const char *want)
{
    const char *at = strstr(g_text, from);
    assert_non_null(at);
    size_t head = (size_t)(at - g_text), nf = strlen(from), nt = strlen(to);
    char *text = malloc(g_len - nf + nt + 1);
    assert_non_null(text);
    memcpy(text, g_text, head);
    memcpy(text + head, to, nt);
    memcpy(text + head + nt, at + nf, g_len - head - nf + 1);
    gr_overlay *ov = (gr_overlay *)1;
    gr_error err = {0, ""};
    int st = gr_overlay_parse(text, strlen(text), "scenario.json", g_case, &ov, &err);
    free(text);
    if (st != GR_EPARSE || !strstr(err.msg, want))
        fail_msg("%s -> %s: expected GR_EPARSE with \"%s\", got %s: \"%s\"", from, to, want,
                 gr_err_name(st), err.msg);
    assert_null(ov);
}

static void m_neg_fac(json_t *r)
{
    json_object_set_new(json_object_get(r, "facility_mw"), "hospital", json_real(-2.5));
}
static void m_neg_length(json_t *r)
{
    json_object_set_new(elem(r, "branches", 0), "length_km", json_real(-1.0));
}
static void m_neg_kv(json_t *r) { json_object_set_new(elem(r, "buses", 2), "kv", json_real(-110.0)); }

static void test_non_finite_and_negative(void **state)
{
    (void)state;
    expect_text_error("\"population\": ", "\"population\": 1e999, \"x\": ", "real number overflow");
    expect_text_error("\"population\": ", "\"population\": -1e999, \"x\": ", "real number overflow");
    expect_text_error("\"population\": ", "\"population\": NaN, \"x\": ", "invalid token");
    expect_text_error("\"population\": ", "\"population\": Infinity, \"x\": ", "invalid token");
    expect_text_error("\"x_km\": ", "\"x_km\": 1e400, \"y\": ", "real number overflow");
    expect_error(m_neg_fac, g_case, "$.facility_mw.hospital: -2.5 is out of range [0, 10000]");
    expect_error(m_neg_length, g_case, "$.branches[0].length_km: -1 is out of range");
    expect_error(m_neg_kv, g_case, "$.buses[2].kv: -110 is out of range");
}

static void test_syntax_and_io(void **state)
{
    (void)state;
    gr_overlay *ov;
    gr_error err = {0, ""};
    const char *bad = "{\n  \"format\": \"gridres-scenario\",\n  \"version\": 1,,\n}";
    assert_int_equal(gr_overlay_parse(bad, strlen(bad), "scenario.json", NULL, &ov, &err),
                     GR_EPARSE);
    assert_null(ov);
    assert_non_null(strstr(err.msg, "scenario.json:3:"));
    const char *arr = "[1, 2]";
    assert_int_equal(gr_overlay_parse(arr, strlen(arr), "x.json", NULL, &ov, &err), GR_EPARSE);
    assert_non_null(strstr(err.msg, "x.json: $: expected an object, found array"));
    /* duplicate keys are rejected too */
    const char *dup = "{\"format\": \"gridres-scenario\", \"format\": \"x\"}";
    assert_int_equal(gr_overlay_parse(dup, strlen(dup), "d.json", NULL, &ov, &err), GR_EPARSE);
    assert_int_equal(gr_overlay_read("/nonexistent/dir/scenario.json", NULL, &ov, &err), GR_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/dir/scenario.json"));
    assert_int_equal(gr_overlay_read(NULL, NULL, &ov, &err), GR_EINVAL);
    assert_int_equal(gr_overlay_write(g_ov, "/nonexistent/dir/x.json", &err), GR_EIO);
}

/* The writer refuses what the reader would refuse. */
static void test_writer_checks(void **state)
{
    (void)state;
    gr_error err = {0, ""};
    char p[512];
    snprintf(p, sizeof p, "%s/bad.json", tmpdir);
    int keep = g_ov->bus_substation[4];
    g_ov->bus_substation[4] = g_ov->nsub;
    assert_int_equal(gr_overlay_write(g_ov, p, &err), GR_EINVAL);
    assert_non_null(strstr(err.msg, "$.buses[4].substation"));
    g_ov->bus_substation[4] = keep;
    double x = g_ov->city_radius_km[0];
    g_ov->city_radius_km[0] = 0.0 / 0.0;
    assert_int_equal(gr_overlay_write(g_ov, p, &err), GR_EINVAL);
    assert_non_null(strstr(err.msg, "$.cities[0].radius_km: expected a number, found null"));
    g_ov->city_radius_km[0] = x;
    char *name = g_ov->plant_name[0];
    g_ov->plant_name[0] = (char *)"quote \" and \\ and \t tab";
    assert_int_equal(gr_overlay_write(g_ov, p, &err), GR_OK);
    gr_overlay *ov;
    assert_int_equal(gr_overlay_read(p, g_case, &ov, &err), GR_OK);
    assert_string_equal(ov->plant_name[0], "quote \" and \\ and \t tab");
    gr_overlay_free(ov);
    g_ov->plant_name[0] = name;
    assert_int_equal(gr_overlay_write(NULL, p, &err), GR_EINVAL);
    assert_int_equal(gr_overlay_write(g_ov, NULL, &err), GR_EINVAL);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(gr_plant_type_name(GR_PLANT_NUCLEAR), "nuclear");
    assert_string_equal(gr_plant_type_name(GR_PLANT_CHP), "chp");
    assert_string_equal(gr_plant_type_name(-1), "?");
    assert_string_equal(gr_facility_name(GR_FAC_HEATING), "heating");
    assert_string_equal(gr_facility_name(GR_FAC_N), "?");
    assert_string_equal(gr_substation_kind_name(GR_SUB_TRANSMISSION), "transmission");
}

static void test_out_of_memory(void **state)
{
    (void)state;
    int ok = 0;
    for (long n = 0; n < 100000 && !ok; n++) {
        gr_overlay *ov = NULL;
        gr_error err = {0, ""};
        gr_alloc_fail_after(n);
        int st = gr_overlay_parse(g_text, g_len, "s.json", g_case, &ov, &err);
        gr_alloc_fail_after(-1);
        if (st == GR_OK) {
            ok = 1;
        } else {
            assert_int_equal(st, GR_ENOMEM);
            assert_null(ov);
        }
        gr_overlay_free(ov);
    }
    assert_true(ok);
}

/* Found by tests/fuzz/fuzz_campaign: a key or a token with a control character
 * ("\n" in a JSON key, a raw one in a string) was echoed into the message,
 * which must stay one line; it shows escaped (\n, \t, \r, \xNN). */
static void m_newline_key(json_t *r)
{
    json_object_set_new(elem(r, "buses", 3), "substatio\n", json_integer(1));
}
static void m_control_key(json_t *r)
{
    json_object_set_new(elem(r, "buses", 3), "a\tb\001c\177", json_integer(1));
}

/* gr_overlay_parse of text must fail with exactly `want` as the message. */
static void parse_msg(const char *text, const char *want)
{
    gr_overlay *ov = (gr_overlay *)1;
    gr_error err = {0, ""};
    int st = gr_overlay_parse(text, strlen(text), "e.json", NULL, &ov, &err);
    if (st != GR_EPARSE || strcmp(err.msg, want) != 0)
        fail_msg("expected GR_EPARSE \"%s\", got %s: \"%s\"", want, gr_err_name(st), err.msg);
    assert_null(ov);
}

static void test_messages_one_line(void **state)
{
    (void)state;
    expect_error(m_newline_key, g_case, "$.buses[3]: unknown field \"substatio\\n\" (known: bus,");
    expect_error(m_control_key, g_case, "$.buses[3]: unknown field \"a\\tb\\x01c\\x7f\" (known:");
    /* a raw newline inside a string: jansson's message quotes the token before it */
    parse_msg("{\"format\": \"gridres-\nscenario\"}",
              "e.json:1:20: unexpected newline near '\"gridres-'");
}

/* The column is that of the last character jansson read (its own rule), but
 * where jansson says column 0 (it read a newline: the end of a file that ends in
 * one, an empty file) the reader names the newline on its own line. */
static void test_syntax_columns(void **state)
{
    (void)state;
    parse_msg("", "e.json:1:1: '[' or '{' expected near end of file");
    parse_msg("x", "e.json:1:1: '[' or '{' expected near 'x'");
    parse_msg("{\"a\": 1\n", "e.json:1:8: '}' expected near end of file");
    parse_msg("{\"a\":\n\n  tru}", "e.json:3:5: invalid token near 'tru'");
    parse_msg("{\"a\": 1,\n\"b\": 2,,}", "e.json:2:8: string or '}' expected near ','");
    /* columns count characters, as jansson's: "é" is one */
    parse_msg("{\"\xc3\xa9\": 1 2}", "e.json:1:9: '}' expected near '2'");
}

/* Substation names are unique (docs/scenario.md): a repeat is refused at its path. */
static void m_dup_sub_name(json_t *r)
{
    json_object_set(elem(r, "substations", 7), "name",
                    json_object_get(elem(r, "substations", 2), "name"));
}

static void test_unique_substation_names(void **state)
{
    (void)state;
    json_t *root = json_loadb(g_text, g_len, 0, NULL);
    assert_non_null(root);
    char want[256];
    snprintf(want, sizeof want,
             "scenario.json: $.substations[7].name: substation name \"%s\" appears twice "
             "(also $.substations[2])",
             json_string_value(json_object_get(elem(root, "substations", 2), "name")));
    json_decref(root);
    expect_error(m_dup_sub_name, g_case, want);
    expect_error(m_dup_sub_name, NULL, want);
}

/* Physical maxima (docs/input_validation.md): people at most 1e10, crews per base 1e5. */
static void m_people(json_t *r)
{
    json_object_set_new(elem(r, "buses", 4), "population", json_real(2e10));
}
static void m_city_people(json_t *r)
{
    json_object_set_new(elem(r, "cities", 0), "population", json_real(1e15));
}
static void m_crews(json_t *r)
{
    json_object_set_new(elem(r, "crew_bases", 0), "crews", json_integer(100001));
}

static void test_physical_maxima(void **state)
{
    (void)state;
    expect_error(m_people, g_case, "$.buses[4].population: 2e+10 is out of range [0, 1e+10]");
    expect_error(m_city_people, g_case,
                 "$.cities[0].population: 1e+15 is out of range [0, 1e+10]");
    expect_error(m_crews, g_case, "$.crew_bases[0].crews: 100001 is out of range [0, 100000]");
}

/* io_read_file (every reader's file input): only regular files of at most 1 GiB
 * without NUL bytes. "/dev/zero" used to be read for 2 GiB before failing, a FIFO
 * blocked the reader, a NUL silently ended the text. */
static void read_msg(const char *path, int want_st, const char *want)
{
    gr_overlay *ov = (gr_overlay *)1;
    gr_error err = {0, ""};
    int st = gr_overlay_read(path, NULL, &ov, &err);
    if (st != want_st || strcmp(err.msg, want) != 0)
        fail_msg("%s: expected %s \"%s\", got %s: \"%s\"", path, gr_err_name(want_st), want,
                 gr_err_name(st), err.msg);
    assert_null(ov);
}

static void test_read_file_limits(void **state)
{
    (void)state;
    char p[512], want[700];
    read_msg("/dev/zero", GR_EIO, "/dev/zero: not a regular file (a character device)");
    snprintf(want, sizeof want, "%s: not a regular file (a directory)", tmpdir);
    read_msg(tmpdir, GR_EIO, want);
    snprintf(p, sizeof p, "%s/fifo", tmpdir);
    assert_int_equal(mkfifo(p, 0600), 0);
    snprintf(want, sizeof want, "%s: not a regular file (a FIFO)", p);
    read_msg(p, GR_EIO, want);
    /* a NUL byte: refused at its line and column */
    snprintf(p, sizeof p, "%s/nul.json", tmpdir);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite("{\n  \"format\": \"x\0y\"}\n", 1, 21, f), 21);
    fclose(f);
    snprintf(want, sizeof want, "%s:2:15: NUL byte in a text file", p);
    read_msg(p, GR_EPARSE, want);
    /* larger than 1 GiB (a sparse file: nothing is written) */
    snprintf(p, sizeof p, "%s/big.json", tmpdir);
    f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), (off_t)(1L << 30) + 1), 0);
    fclose(f);
    snprintf(want, sizeof want, "%s: file larger than 1 GiB (the largest input read)", p);
    read_msg(p, GR_EIO, want);
    unlink(p);
    /* and from memory: gr_overlay_parse refuses the NUL too (jansson's message) */
    gr_overlay *ov = (gr_overlay *)1;
    gr_error err = {0, ""};
    assert_int_equal(gr_overlay_parse("{\"a\": \"x\0\"}", 11, "m.json", NULL, &ov, &err),
                     GR_EPARSE);
    assert_null(ov);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),   cmocka_unit_test(test_errors),
        cmocka_unit_test(test_non_finite_and_negative),
        cmocka_unit_test(test_syntax_and_io), cmocka_unit_test(test_writer_checks),
        cmocka_unit_test(test_names),        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_messages_one_line), cmocka_unit_test(test_syntax_columns),
        cmocka_unit_test(test_unique_substation_names), cmocka_unit_test(test_physical_maxima),
        cmocka_unit_test(test_read_file_limits),
    };
    return tu_exit(cmocka_run_group_tests(tests, setup, teardown));
}
