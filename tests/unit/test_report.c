/* test_report.c — campaign report: PNGs read back by cairo (sizes, not blank), SVGs well formed, the page references every chart, missing and malformed inputs, the CSV reader, trapezoids and map layers, OOM. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>

#include "report/report_internal.h"
#include "testutil.h"

#define SAMPLE GRIDRES_TEST_DATA "/report/campaign"

static const char *const chart_names[] = {"served", "nights", "map", "risk", "fan", "ccdf"};
#define N_CHARTS 6

/* ------------------------------------------------------------------------
 * Helpers: temporary folders, files.
 * ------------------------------------------------------------------------ */
static void rm_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return;
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        char sub[4096];
        while (d && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rm_tree(sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return b;
}

static void write_all(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static const char *const sample_files[] = {"hourly.csv", "nights.csv", "events.csv", "runs.csv",
                                           "summary.json", "grid.m", "scenario.json", "cities.csv"};
#define N_SAMPLE ((int)(sizeof sample_files / sizeof sample_files[0]))

/* A fresh copy of the sample folder (without the files named in `skip`,
 * a NULL-terminated list) in a new temporary folder; returns its path. */
static char *sample_copy(const char *const *skip)
{
    char *dir = strdup("/tmp/gridres_report_XXXXXX");
    assert_non_null(mkdtemp(dir));
    for (int k = 0; k < N_SAMPLE; k++) {
        int omit = 0;
        for (int j = 0; skip && skip[j]; j++)
            omit |= strcmp(skip[j], sample_files[k]) == 0;
        if (omit)
            continue;
        char src[4096], dst[4096];
        snprintf(src, sizeof src, "%s/%s", SAMPLE, sample_files[k]);
        snprintf(dst, sizeof dst, "%s/%s", dir, sample_files[k]);
        char *text = read_all(src, NULL);
        assert_non_null(text);
        write_all(dst, text);
        free(text);
    }
    return dir;
}

static void drop(char *dir)
{
    rm_tree(dir);
    free(dir);
}

static void pathf(char *buf, size_t len, const char *dir, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
}

/* Keep only the rows whose first field is "1" (and the header) of DIR/NAME. */
static void keep_run1(const char *dir, const char *name)
{
    char p[4096];
    pathf(p, sizeof p, dir, name);
    char *text = read_all(p, NULL);
    assert_non_null(text);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    int first = 1;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (first || strncmp(line, "1,", 2) == 0)
            fprintf(f, "%s\n", line);
        first = 0;
    }
    fclose(f);
    free(text);
}

/* Replace the first occurrence of `from` by `to` in DIR/NAME. */
static void patch(const char *dir, const char *name, const char *from, const char *to)
{
    char p[4096];
    pathf(p, sizeof p, dir, name);
    char *text = read_all(p, NULL);
    assert_non_null(text);
    char *at = strstr(text, from);
    if (!at)
        fail_msg("patch: '%s' not in %s", from, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fwrite(text, 1, (size_t)(at - text), f);
    fputs(to, f);
    fputs(at + strlen(from), f);
    fclose(f);
    free(text);
}

/* ------------------------------------------------------------------------
 * Checks of the outputs.
 * ------------------------------------------------------------------------ */
/* The PNG loads in cairo, has the size the page gives it, and is not blank. */
static void check_png(const char *dir, const char *name, int want_w, int want_h)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/charts/%s.png", dir, name);
    cairo_surface_t *s = cairo_image_surface_create_from_png(p);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        fail_msg("%s: cairo cannot read it: %s", p, cairo_status_to_string(cairo_surface_status(s)));
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    if (want_w > 0 && w != want_w)
        fail_msg("%s: width %d, expected %d", p, w, want_w);
    if (want_h > 0 && h != want_h)
        fail_msg("%s: height %d, expected %d", p, h, want_h);
    cairo_surface_flush(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    long differ = 0, colored = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const unsigned char *q = px + (size_t)y * (size_t)stride + 4 * (size_t)x;
            if ((q[0] & q[1] & q[2]) != 255)
                differ++; /* not white */
            int mx = q[0] > q[1] ? (q[0] > q[2] ? q[0] : q[2]) : (q[1] > q[2] ? q[1] : q[2]);
            int mn = q[0] < q[1] ? (q[0] < q[2] ? q[0] : q[2]) : (q[1] < q[2] ? q[1] : q[2]);
            if (mx - mn > 60)
                colored++; /* a saturated colour: a series, not only axes and text */
        }
    if (differ < (long)w * h / 100)
        fail_msg("%s: only %ld of %d pixels differ from the background", p, differ, w * h);
    if (colored < 200)
        fail_msg("%s: only %ld coloured pixels (no data drawn?)", p, colored);
    cairo_surface_destroy(s);
}

/* A small XML well-formedness check: declaration first, tags nest and
 * close, one <svg> root, quotes balanced inside tags. */
static void check_svg(const char *dir, const char *name)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/charts/%s.svg", dir, name);
    size_t len;
    char *t = read_all(p, &len);
    assert_non_null(t);
    if (strncmp(t, "<?xml", 5) != 0)
        fail_msg("%s: does not start with <?xml", p);
    if (!strstr(t, "<svg"))
        fail_msg("%s: no <svg element", p);
    char stack[64][64];
    int depth = 0, roots = 0;
    for (const char *c = t; *c; c++) {
        if (*c != '<')
            continue;
        if (c[1] == '?' || c[1] == '!') {
            const char *end = c[1] == '!' && strncmp(c, "<!--", 4) == 0 ? strstr(c, "-->")
                                                                        : strchr(c, '>');
            assert_non_null(end);
            c = end;
            continue;
        }
        int closing = c[1] == '/';
        const char *nm = c + 1 + closing;
        size_t n = strcspn(nm, " \t\r\n/>");
        assert_true(n > 0 && n < 63);
        const char *q = nm + n;
        char quote = 0;
        for (; *q && (quote || *q != '>'); q++)
            if (*q == '"' || *q == '\'')
                quote = quote == *q ? 0 : quote ? quote : *q;
        if (!*q)
            fail_msg("%s: unterminated tag <%.*s", p, (int)n, nm);
        int self = q[-1] == '/';
        if (closing) {
            if (depth == 0 || strncmp(stack[depth - 1], nm, n) != 0 || stack[depth - 1][n])
                fail_msg("%s: </%.*s> does not close <%s>", p, (int)n, nm,
                         depth ? stack[depth - 1] : "(none)");
            depth--;
        } else if (!self) {
            if (depth == 0)
                roots++;
            if (depth >= 64)
                fail_msg("%s: nesting too deep", p);
            memcpy(stack[depth], nm, n);
            stack[depth][n] = '\0';
            depth++;
        } else if (depth == 0) {
            roots++;
        }
        c = q;
    }
    if (depth != 0)
        fail_msg("%s: %d unclosed elements (<%s>)", p, depth, stack[depth - 1]);
    assert_int_equal(roots, 1);
    free(t);
}

/* The <img> of chart `name` in the page: its width and height attributes. */
static int img_size(const char *html, const char *name, int *w, int *h)
{
    char key[128];
    snprintf(key, sizeof key, "src=\"charts/%s.png\"", name);
    const char *at = strstr(html, key);
    if (!at)
        return 0;
    const char *ws = strstr(at, "width=\""), *hs = strstr(at, "height=\"");
    assert_non_null(ws);
    assert_non_null(hs);
    *w = atoi(ws + 7);
    *h = atoi(hs + 8);
    return 1;
}

/* Every chart file in charts/ is referenced by the page (PNG as <img>, SVG as
 * a link), each <img> has its PNG, and the sizes match. Returns the count. */
static int check_page(const char *dir)
{
    char p[4096];
    pathf(p, sizeof p, dir, "report.html");
    char *html = read_all(p, NULL);
    assert_non_null(html);
    assert_non_null(strstr(html, "<!DOCTYPE html>"));
    assert_non_null(strstr(html, "</html>"));
    /* self-contained: nothing fetched from elsewhere */
    if (strstr(html, "http://") || strstr(html, "https://") || strstr(html, "src=\"//"))
        fail_msg("%s refers to an external resource", p);
    int n = 0;
    for (int k = 0; k < N_CHARTS; k++) {
        char png[4096], svg[4096], ref[128];
        snprintf(png, sizeof png, "%s/charts/%s.png", dir, chart_names[k]);
        snprintf(svg, sizeof svg, "%s/charts/%s.svg", dir, chart_names[k]);
        int w, h, in_page = img_size(html, chart_names[k], &w, &h);
        if (file_exists(png) != in_page)
            fail_msg("chart %s: file %s, page %s", chart_names[k],
                     file_exists(png) ? "exists" : "missing", in_page ? "refers to it" : "does not");
        snprintf(ref, sizeof ref, "href=\"charts/%s.svg\"", chart_names[k]);
        if (file_exists(svg) != (strstr(html, ref) != NULL))
            fail_msg("chart %s: SVG file and link disagree", chart_names[k]);
        if (in_page) {
            check_png(dir, chart_names[k], w, h);
            check_svg(dir, chart_names[k]);
            n++;
        } else {
            /* a skipped chart has its note */
            snprintf(ref, sizeof ref, "id=\"note-%s\"", chart_names[k]);
            if (!strstr(html, ref))
                fail_msg("chart %s: neither drawn nor explained", chart_names[k]);
        }
    }
    char total[64];
    snprintf(total, sizeof total, "data-charts-total=\"%d\"", n);
    assert_non_null(strstr(html, total));
    free(html);
    return n;
}

/* ------------------------------------------------------------------------
 * Tests.
 * ------------------------------------------------------------------------ */
static void test_full(void **state)
{
    (void)state;
    char *dir = sample_copy(NULL);
    gr_report_info info;
    gr_error err = {0, ""};
    int st = gr_report_write_info(dir, NULL, &info, &err);
    if (st != GR_OK)
        fail_msg("gr_report_write: %s", err.msg);
    assert_int_equal(info.n_charts, 6);
    assert_int_equal(info.n_skipped, 0);
    assert_string_equal(info.charts, "served, nights, map, risk, fan, ccdf");
    assert_int_equal(check_page(dir), 6);
    /* the time charts have the default size; the map is 900 wide */
    char p[4096];
    int w, h;
    pathf(p, sizeof p, dir, "report.html");
    char *html = read_all(p, NULL);
    for (int k = 0; k < N_CHARTS; k++) {
        assert_true(img_size(html, chart_names[k], &w, &h));
        int is_map = k == 2 || k == 3;
        assert_int_equal(w, is_map ? 900 : 1100);
        if (!is_map)
            assert_int_equal(h, 560);
        else
            assert_true(h > 500 && h < 1000); /* a 200 x 150 km region plus legend */
    }
    /* the summary table, the nights table, the loaded-charts script */
    assert_non_null(strstr(html, "Energy not served"));
    assert_non_null(strstr(html, "sample: 4 nights on a 14-bus test grid"));
    assert_non_null(strstr(html, "id=\"nights\""));
    assert_non_null(strstr(html, "data-charts-loaded"));
    free(html);

    /* the same folder gives the same page and PNGs (SVGs too, but cairo numbers
       its SVG surfaces per process: checked across runs in tests/cli) */
    char *first = read_all(p, NULL);
    snprintf(p, sizeof p, "%s/charts/served.png", dir);
    size_t n1, n2;
    char *svg1 = read_all(p, &n1);
    gr_report_options o;
    gr_report_options_default(&o);
    o.force = 1;
    assert_int_equal(gr_report_write(dir, &o, &err), GR_OK);
    char *svg2 = read_all(p, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(svg1, svg2, n1);
    pathf(p, sizeof p, dir, "report.html");
    char *second = read_all(p, NULL);
    assert_string_equal(first, second);
    free(first);
    free(second);
    free(svg1);
    free(svg2);
    drop(dir);
}

static void test_options(void **state)
{
    (void)state;
    char *dir = sample_copy(NULL);
    gr_report_options o;
    gr_error err = {0, ""};
    gr_report_options_default(&o);
    o.width_px = 640;
    o.height_px = 400;
    o.map_px = 500;
    o.run = 3;
    o.title = "A <test> & title";
    int st = gr_report_write(dir, &o, &err);
    if (st != GR_OK)
        fail_msg("%s", err.msg);
    check_png(dir, "served", 640, 400);
    check_png(dir, "nights", 640, 400);
    check_png(dir, "fan", 640, 400);
    check_png(dir, "ccdf", 640, 400);
    check_png(dir, "map", 500, 0);
    char p[4096];
    pathf(p, sizeof p, dir, "report.html");
    char *html = read_all(p, NULL);
    assert_non_null(strstr(html, "<title>A &lt;test&gt; &amp; title</title>"));
    assert_non_null(strstr(html, "(run 3 as a thin line)"));
    free(html);

    /* outputs exist: refused without force, before anything is written */
    err.msg[0] = '\0';
    assert_int_equal(gr_report_write(dir, &o, &err), GR_EEXIST);
    assert_non_null(strstr(err.msg, "report.html' exists"));
    pathf(p, sizeof p, dir, "report.html");
    unlink(p);
    assert_int_equal(gr_report_write(dir, &o, &err), GR_EEXIST);
    assert_non_null(strstr(err.msg, "charts/served.png' exists"));
    assert_false(file_exists(p));
    o.force = 1;
    assert_int_equal(gr_report_write(dir, &o, &err), GR_OK);

    /* bad options */
    o.width_px = 10;
    assert_int_equal(gr_report_write(dir, &o, &err), GR_EINVAL);
    gr_report_options_default(&o);
    o.force = 1;
    o.run = 0;
    assert_int_equal(gr_report_write(dir, &o, &err), GR_EINVAL);
    o.run = 9;
    assert_int_equal(gr_report_write(dir, &o, &err), GR_EINVAL);
    assert_non_null(strstr(err.msg, "run 9 is not in"));
    assert_int_equal(gr_report_write(NULL, &o, &err), GR_EINVAL);
    drop(dir);
}

static void test_missing_optional(void **state)
{
    (void)state;
    gr_error err = {0, ""};
    gr_report_info info;
    /* no runs.csv, no scenario.json: no CCDF and no map */
    const char *const skip1[] = {"runs.csv", "scenario.json", NULL};
    char *dir = sample_copy(skip1);
    assert_int_equal(gr_report_write_info(dir, NULL, &info, &err), GR_OK);
    assert_int_equal(info.n_charts, 3);
    assert_int_equal(info.n_skipped, 3);
    assert_non_null(strstr(info.skipped, "map: grid.m and scenario.json are needed"));
    assert_non_null(strstr(info.skipped, "risk: grid.m and scenario.json are needed"));
    assert_non_null(strstr(info.skipped, "ccdf: runs.csv is missing"));
    assert_int_equal(check_page(dir), 3);
    drop(dir);

    /* one run: no Monte Carlo charts */
    dir = sample_copy(NULL);
    keep_run1(dir, "hourly.csv");
    keep_run1(dir, "nights.csv");
    keep_run1(dir, "events.csv");
    keep_run1(dir, "runs.csv");
    keep_run1(dir, "cities.csv");
    assert_int_equal(gr_report_write_info(dir, NULL, &info, &err), GR_OK);
    assert_string_equal(info.charts, "served, nights, map");
    assert_non_null(strstr(info.skipped, "fan: a single run"));
    assert_non_null(strstr(info.skipped, "risk: a single run"));
    assert_int_equal(check_page(dir), 3);
    drop(dir);

    /* hourly.csv alone */
    const char *const skip3[] = {"nights.csv", "events.csv", "runs.csv", "summary.json",
                                 "grid.m", "scenario.json", NULL};
    dir = sample_copy(skip3);
    assert_int_equal(gr_report_write_info(dir, NULL, &info, &err), GR_OK);
    assert_string_equal(info.charts, "served, nights, fan");
    assert_int_equal(check_page(dir), 3);
    char p[4096];
    pathf(p, sizeof p, dir, "report.html");
    char *html = read_all(p, NULL);
    assert_non_null(strstr(html, "summary.json is missing"));
    free(html);
    drop(dir);

    /* nights.csv alone: the night bars from customer-hours */
    const char *const skip4[] = {"hourly.csv", "events.csv", "runs.csv", "summary.json",
                                 "grid.m", "scenario.json", NULL};
    dir = sample_copy(skip4);
    assert_int_equal(gr_report_write_info(dir, NULL, &info, &err), GR_OK);
    assert_string_equal(info.charts, "nights");
    assert_int_equal(check_page(dir), 1);
    drop(dir);

    /* not a campaign folder */
    const char *const all[] = {"hourly.csv", "nights.csv", "events.csv", "runs.csv",
                               "summary.json", "grid.m", "scenario.json", NULL};
    dir = sample_copy(all);
    assert_int_equal(gr_report_write(dir, NULL, &err), GR_ENOTFOUND);
    assert_non_null(strstr(err.msg, "not a campaign output folder"));
    drop(dir);
    assert_int_equal(gr_report_write("/nonexistent/gridres/folder", NULL, &err), GR_ENOTFOUND);
}

/* Malformed inputs: the status, a message naming file and line, nothing written. */
static void test_bad_input(void **state)
{
    (void)state;
    static const struct {
        const char *file, *from, *to;
        int status;
        const char *msg;
    } cases[] = {
        {"hourly.csv", "1,1,3,3,385.4,385.4,", "1,1,3,3,385.4,", GR_EPARSE,
         "hourly.csv:5: expected 9 fields (as the header), found 8"},
        {"hourly.csv", "1,1,3,3,385.4,385.4,", "1,1,3,3,385.4,abc,", GR_EPARSE,
         "hourly.csv:5: column 'served_mw': expected a number, found 'abc'"},
        {"hourly.csv", "served_mw", "served", GR_EPARSE, "hourly.csv:1: no column 'served_mw'"},
        {"hourly.csv", "1,1,3,3,", "1,1,24,3,", GR_EPARSE, "hourly.csv:5: column 'hour': 24 is out of range"},
        {"hourly.csv", "1,1,3,3,", "1,1,2,3,", GR_EPARSE, "hourly.csv:5: a second row for run 1, night 1, hour 2"},
        {"hourly.csv", "1,1,3,3,", "x,1,3,3,", GR_EPARSE, "hourly.csv:5: column 'run': expected an integer"},
        {"hourly.csv", "1,1,3,3,385.4,385.4,", "1,1,3,3,385.4,inf,", GR_EPARSE, "hourly.csv:5: column 'served_mw': expected a finite"},
        {"hourly.csv", "1,1,3,3,", "\"1,1,3,3,", GR_EPARSE, "hourly.csv:5: unterminated quote"},
        {"nights.csv", "1,2,40,", "1,2,4x,", GR_EPARSE, "nights.csv:3: column 'drones': expected a number"},
        {"events.csv", "bus:4,hit", "bus4,hit", GR_EPARSE, "events.csv:2: column 'element': expected KIND:NUMBER"},
        {"events.csv", "branch:11,damage", "branch:99,damage", GR_EPARSE, "events.csv:3: element 'branch:99' is not in grid.m (17 branches)"},
        {"events.csv", "bus:4,hit", "bus:444,hit", GR_EPARSE, "events.csv:2: element 'bus:444': grid.m has no bus 444"},
        {"events.csv", "1,1,4,", "1,1,nan,", GR_EPARSE, "events.csv:2: column 't_h'"},
        {"runs.csv", "1,2572.75", "1,abc", GR_EPARSE, "runs.csv:2: column 'ens_mwh'"},
        {"summary.json", "\"nights\": 4,", "\"nights\": 4", GR_EPARSE, "summary.json:5:8: "},
        {"summary.json", "\"nights\": 4,", "\"nights\": \"four\",", GR_EPARSE, "summary.json: $.nights: expected an integer"},
        {"summary.json", "\"totals\": {", "\"totals\": {\"x\": \"y\", ", GR_EPARSE, "summary.json: $.totals.x: expected a number"},
        {"summary.json", "\"warning_times\": [", "\"warning_times\": [3, ", GR_EPARSE, "$.warning_times[0]: expected an object"},
        {"grid.m", "mpc.baseMVA = 100;", "mpc.baseMVA = ;", GR_EPARSE, "grid.m:"},
        {"scenario.json", "\"bus\": 14,", "\"bus\": 15,", GR_EPARSE, "scenario.json"},
        {"hourly.csv", "run,night,hour,t_h,", "", GR_EPARSE, "hourly.csv:1: no column 'run'"},
        {"cities.csv", "1,2,3,1,87530", "1,2,3,3,87530", GR_EPARSE, "cities.csv:2: column 'city': 3 is out of range"},
        {"cities.csv", "1,2,3,1,87530", "1,2,3,2,87530", GR_EPARSE, "cities.csv:3: a second row for run 1, night 2, hour 3, city 2"},
        {"cities.csv", "1,2,3,1,87530", "1,2,3,1,-87530", GR_EPARSE, "cities.csv:2: people must be a number >= 0"},
        {"cities.csv", "1,2,3,1,87530", "6,2,3,1,87530", GR_EPARSE, "cities.csv:2: column 'run': 6 is out of range"},
        {"cities.csv", "people_below_12c", "cold", GR_EPARSE, "cities.csv:1: no column 'people_below_12c'"},
        {"events.csv", "gen:2,damage", "gen:4,damage", GR_EPARSE, "events.csv:8: element 'gen:4' is not in grid.m (3 generators and interconnection ties)"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *dir = sample_copy(NULL);
        gr_error err = {0, ""};
        patch(dir, cases[k].file, cases[k].from, cases[k].to);
        int st = gr_report_write(dir, NULL, &err);
        if (st != cases[k].status || !strstr(err.msg, cases[k].msg))
            fail_msg("case %zu (%s): status %s, message '%s'; expected %s, '%s'", k, cases[k].file,
                     gr_err_name(st), err.msg, gr_err_name(cases[k].status), cases[k].msg);
        /* the message names the file in its folder */
        if (strncmp(err.msg, dir, strlen(dir)) != 0 && !strstr(err.msg, dir))
            fail_msg("case %zu: message '%s' does not name %s", k, err.msg, dir);
        char p[4096];
        pathf(p, sizeof p, dir, "report.html");
        assert_false(file_exists(p));
        pathf(p, sizeof p, dir, "charts");
        assert_false(file_exists(p));
        drop(dir);
    }
    /* an empty file */
    char *dir = sample_copy(NULL);
    char p[4096];
    gr_error err = {0, ""};
    pathf(p, sizeof p, dir, "runs.csv");
    write_all(p, "");
    assert_int_equal(gr_report_write(dir, NULL, &err), GR_EPARSE);
    assert_non_null(strstr(err.msg, "runs.csv:1: empty file"));
    /* a header without rows */
    pathf(p, sizeof p, dir, "hourly.csv");
    write_all(p, "run,night,hour,load_mw,served_mw\n");
    assert_int_equal(gr_report_write(dir, NULL, &err), GR_EPARSE);
    assert_non_null(strstr(err.msg, "hourly.csv:1: no data rows"));
    drop(dir);
}

/* The CSV reader: BOM, quotes, CRLF, blank lines, columns by name in any order. */
static void test_csv(void **state)
{
    (void)state;
    char *dir = sample_copy((const char *const[]){"hourly.csv", "nights.csv", "events.csv",
                                                  "runs.csv", "summary.json", "grid.m",
                                                  "scenario.json", NULL});
    char p[4096];
    pathf(p, sizeof p, dir, "x.csv");
    write_all(p, "\xEF\xBB\xBF\"b\", a ,\"c \"\"q\"\"\"\r\n"
                 "1,\"2,5\", x \r\n"
                 "\r\n"
                 "  3 ,4,\"\"\r\n");
    rp_csv c;
    gr_error err = {0, ""};
    int cb, ca, cc;
    assert_int_equal(rp_csv_open(&c, p, &err), GR_OK);
    assert_int_equal(c.ncol, 3);
    assert_int_equal(rp_csv_require(&c, "b", &cb, &err), GR_OK);
    assert_int_equal(rp_csv_require(&c, "a", &ca, &err), GR_OK);
    assert_int_equal(rp_csv_require(&c, "c \"q\"", &cc, &err), GR_OK);
    assert_int_equal(rp_csv_col(&c, "d"), -1);
    assert_int_equal(rp_csv_next(&c, &err), 1);
    assert_int_equal(c.line, 2);
    int i;
    double x;
    assert_int_equal(rp_csv_int(&c, cb, 0, 10, &i, &err), GR_OK);
    assert_int_equal(i, 1);
    assert_string_equal(c.cell[ca], "2,5");
    assert_string_equal(c.cell[cc], "x");
    assert_int_equal(rp_csv_num(&c, ca, &x, &err), GR_EPARSE);
    assert_int_equal(rp_csv_next(&c, &err), 1);
    assert_int_equal(c.line, 4);
    assert_int_equal(rp_csv_num(&c, cb, &x, &err), GR_OK);
    assert_near(x, 3.0, 0, 0);
    assert_string_equal(c.cell[cc], "");
    assert_int_equal(rp_csv_num(&c, cc, &x, &err), GR_EPARSE);
    assert_non_null(strstr(err.msg, "x.csv:4: column 'c \"q\"': expected a number, found an empty field"));
    assert_int_equal(rp_csv_next(&c, &err), 0);
    assert_int_equal(rp_csv_rewind(&c, &err), GR_OK);
    assert_int_equal(rp_csv_next(&c, &err), 1);
    assert_int_equal(c.line, 2);
    rp_csv_close(&c);
    /* duplicate and empty column names */
    write_all(p, "a,b,a\n1,2,3\n");
    assert_int_equal(rp_csv_open(&c, p, &err), GR_EPARSE);
    assert_non_null(strstr(err.msg, "x.csv:1: column 'a' appears twice"));
    write_all(p, "a,,b\n");
    assert_int_equal(rp_csv_open(&c, p, &err), GR_EPARSE);
    assert_non_null(strstr(err.msg, "column 2 has an empty name"));
    pathf(p, sizeof p, dir, "none.csv");
    assert_int_equal(rp_csv_open(&c, p, &err), GR_EIO);
    drop(dir);
}

/* What the charts draw, from the hand-made sample (make_sample.py). */
static void test_data(void **state)
{
    (void)state;
    rp_data d;
    gr_error err = {0, ""};
    gr_trapezoid tz;
    int fh;
    int st = rp_data_read(&d, SAMPLE "///", 1, &err);
    if (st != GR_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(d.dir, SAMPLE);
    assert_int_equal(d.runs, 5);
    assert_int_equal(d.nights, 4);
    assert_true(d.has_hourly && d.has_nights && d.has_events && d.has_runs && d.has_grid);
    /* night 1: a hit without damage: a wave, no drop */
    assert_int_equal(rp_night_trapezoid(&d, 1, &tz, &fh), 1);
    assert_int_equal(fh, 4);
    assert_near(tz.lambda, 0.0, 1e-12, 0);
    /* night 2: Belov-1 (90 MW of 410) dark from hour 3 until branch 17 is back at
       t = 27 + 12 + 1 (run 1), then 20 MW shed */
    assert_int_equal(rp_night_trapezoid(&d, 2, &tz, &fh), 1);
    assert_int_equal(fh, 3);
    assert_near(tz.r0, 1.0, 1e-12, 0);
    assert_near(tz.lambda, 90.0 / 410.0, 1e-9, 0);
    assert_near(tz.t_oe, 4.0, 0, 0);   /* cur index: the hour before is prepended */
    assert_near(tz.t_ee, 4.0, 0, 0);
    assert_near(tz.t_or, 16.0, 0, 0);  /* hour 15, the last before the repair at t = 40 */
    assert_near(tz.t_pr, 17.0, 0, 0);
    assert_near(tz.r_end, 1.0 - 20.0 / 410.0, 1e-9, 0);
    assert_near(tz.e_h, 13.0, 0, 0);
    /* night 4: a hit, no new loss: a wave without a trapezoid */
    assert_int_equal(rp_night_trapezoid(&d, 4, &tz, &fh), 1);
    assert_near(tz.lambda, 0.0, 1e-12, 0);
    assert_int_equal(rp_night_trapezoid(&d, 5, &tz, &fh), 0);
    /* map layers: branch 11 out at the end, branch 17 repaired, bus 2 and gen 2 out */
    assert_int_equal(d.br_dmg[10], 1);
    assert_int_equal(d.br_dmg[16], 2);
    assert_int_equal(d.br_dmg[7], 0); /* tripped then reclosed: not damage */
    assert_int_equal(d.bus_dmg[gr_grid_bus_index(d.grid, 2)], 1);
    assert_int_equal(d.gen_dmg[1], 1);
    assert_int_equal(d.gen_dmg[0], 0);
    /* worst hour: night 2, hour 15 (90 MW x 0.95, the last before the repair); Belov-1
       (bus 11) alone is dark */
    assert_int_equal(d.worst_hour, 24 + 15);
    assert_int_equal(d.n_dark, 1);
    assert_int_equal(d.dark[gr_grid_bus_index(d.grid, 11)], 1);
    /* fan: night 1 all served; night 2 less */
    assert_near(d.fan[0 * 6 + 3], 100.0, 1e-9, 0);
    assert_true(d.fan[1 * 6 + 1] < d.fan[1 * 6 + 5]);
    assert_int_equal(d.nccdf, 5);
    assert_near(d.ccdf_p[4], 0.0, 0, 0);
    /* the served chart's median and p10-p90 band at night 2, hour 15, against the
       five runs' rows of hourly.csv read here (linear interpolation between order
       statistics: p10 at rank 0.4, p90 at rank 3.6) */
    {
        FILE *f = fopen(SAMPLE "/hourly.csv", "r");
        assert_non_null(f);
        char line[512];
        double v[5];
        int nv = 0;
        assert_non_null(fgets(line, sizeof line, f)); /* run,night,hour,t_h,load_mw,served_mw,... */
        while (fgets(line, sizeof line, f)) {
            int run, night, hour;
            double t, load, served;
            if (sscanf(line, "%d,%d,%d,%lf,%lf,%lf", &run, &night, &hour, &t, &load, &served) == 6 &&
                night == 2 && hour == 15)
                v[nv++] = served;
        }
        fclose(f);
        assert_int_equal(nv, 5);
        for (int i = 1; i < 5; i++)
            for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
                double x = v[j];
                v[j] = v[j - 1];
                v[j - 1] = x;
            }
        int t = 24 + 15;
        assert_near(d.agg_served[3 * t + 0], v[0] + 0.4 * (v[1] - v[0]), 1e-9, 0);
        assert_near(d.agg_served[3 * t + 1], v[2], 1e-9, 0);
        assert_near(d.agg_served[3 * t + 2], v[3] + 0.6 * (v[4] - v[3]), 1e-9, 0);
        assert_true(d.agg_served[3 * t + 0] < d.agg_served[3 * t + 2]);
    }
    /* critical demand / demand: the sample's critical share is a fraction */
    assert_true(d.crit_share > 0.0 && d.crit_share < 1.0);
    /* risk: shares of runs in [0, 1]; time to restore over all damaged units is at
       least the mean over the repaired ones */
    assert_int_equal(d.has_risk, 1);
    for (int j = 0; j < d.ov->nsub; j++)
        assert_true(d.sub_p[j] >= 0.0 && d.sub_p[j] <= 1.0);
    for (int k = 0; k < 3; k++)
        if (d.rs_repaired[k] > 0 && d.rs_repaired[k] < d.rs_units[k])
            assert_true(d.rs_mean_all[k] >= d.rs_mean_rep[k] - 1e-9);
    /* per city from cities.csv (make_sample.py splits each hour's people without power
       55 % Ardan, 30 % Belov, 15 % no city; Ardan's 132 k heated people below 12 °C over
       the last 36 hours, times min(f, 1) of the run): the hours without power per resident
       against hourly.csv's people without power summed here, the cold person-hours by hand */
    {
        assert_int_equal(d.has_cities, 1);
        FILE *f = fopen(SAMPLE "/hourly.csv", "r");
        assert_non_null(f);
        char line[512];
        double ph[5] = {0, 0, 0, 0, 0};
        assert_non_null(fgets(line, sizeof line, f));
        while (fgets(line, sizeof line, f)) {
            int run, night, hour;
            double t, load, served, crit, ppl;
            if (sscanf(line, "%d,%d,%d,%lf,%lf,%lf,%lf,%lf", &run, &night, &hour, &t, &load,
                       &served, &crit, &ppl) == 8 && run >= 1 && run <= 5)
                ph[run - 1] += ppl;
        }
        fclose(f);
        static const double fr[5] = {1.0, 0.6, 1.0, 0.3, 1.0}; /* min(f, 1) */
        double mean_h = 0.0, mean_c = 0.0;
        assert_true(ph[0] > 0.0);
        for (int r = 0; r < 5; r++) {
            assert_near(d.city_dark_h[0 * 5 + r], 0.55 * ph[r] / 400000.0, 1e-6, 0);
            assert_near(d.city_dark_h[1 * 5 + r], 0.30 * ph[r] / 160000.0, 1e-6, 0);
            assert_near(d.city_dark_ph[2 * 5 + r], 0.15 * ph[r], 1e-3, 0); /* no city */
            assert_near(d.city_cold_ph[0 * 5 + r], 132000.0 * fr[r] * 36.0, 1e-3, 0);
            assert_near(d.city_cold_ph[1 * 5 + r], 0.0, 0, 0);
            mean_h += 0.55 * ph[r] / 400000.0 / 5;
            mean_c += 132000.0 * fr[r] * 36.0 / 240000.0 / 5;
        }
        assert_near(d.city_heat_people[0], 240000.0, 1e-6, 0);
        assert_near(d.city_heat_people[1], 0.0, 0, 0);
        assert_near(rp_city_mean(&d, 0, 0), mean_h, 1e-9, 0);
        assert_near(rp_city_mean(&d, 0, 1), mean_c, 1e-9, 0);
        assert_near(rp_city_mean(&d, 1, 1), 0.0, 0, 0);
        /* hour by hour: the share of Ardan's people dark at night 2, hour 3 of run 1 */
        size_t nh = 4 * 24, t = 24 + 3;
        assert_near(d.city_dark[(0 * nh + t) * 2 + 0], 87530.4878 / 400000.0, 1e-9, 0);
        assert_near(d.city_cold[(0 * nh + 95) * 2 + 0], 132000.0 / 240000.0, 1e-9, 0);
    }
    rp_data_free(&d);
    /* interconnection ties: the campaign's events name them after grid.m's units */
    {
        char *dir = sample_copy(NULL);
        char p[4096];
        patch(dir, "events.csv", "gen:2,damage", "gen:4,trip");
        pathf(p, sizeof p, dir, "campaign.json");
        write_all(p, "{\"interconnection\": {\"ties\": [{\"name\": \"west\"}]}}\n");
        assert_int_equal(rp_data_read(&d, dir, 1, &err), GR_OK);
        assert_int_equal(d.nties, 1);
        rp_data_free(&d);
        write_all(p, "{\"interconnection\": {\"ties\": 3}}\n");
        assert_int_equal(rp_data_read(&d, dir, 1, &err), GR_EPARSE);
        assert_non_null(strstr(err.msg, "campaign.json: $.interconnection.ties: expected an array"));
        rp_data_free(&d);
        drop(dir);
    }

    /* another run: its own events and curves */
    assert_int_equal(rp_data_read(&d, SAMPLE, 4, &err), GR_OK);
    assert_int_equal(rp_night_trapezoid(&d, 2, &tz, &fh), 1);
    assert_near(tz.lambda, 0.3 * 90.0 / 410.0, 1e-9, 0);
    rp_data_free(&d);
    rp_data_free(NULL);
}

static void test_helpers(void **state)
{
    (void)state;
    double lo, hi, st;
    rp_nice(0.0, 412.0, 5, &lo, &hi, &st);
    assert_near(lo, 0.0, 0, 0);
    assert_near(st, 100.0, 0, 0);
    assert_near(hi, 500.0, 0, 0);
    rp_nice(78.0, 100.0, 4, &lo, &hi, &st);
    assert_near(st, 10.0, 0, 0);
    assert_near(lo, 70.0, 0, 0);
    assert_near(hi, 100.0, 0, 0);
    rp_nice(5.0, 5.0, 5, &lo, &hi, &st); /* a flat range is widened */
    assert_true(lo < 5.0 && hi > 5.0 && st > 0.0);
    rp_nice(NAN, 1.0, 5, &lo, &hi, &st);
    assert_true(isfinite(lo) && isfinite(hi) && st > 0.0);
    char b[64];
    rp_fmt_si(b, sizeof b, 1.5e6);
    assert_string_equal(b, "1.5 M");
    rp_fmt_si(b, sizeof b, 250000);
    assert_string_equal(b, "250 k");
    rp_fmt_si(b, sizeof b, 2500);
    assert_string_equal(b, "2500");
    rp_fmt_si(b, sizeof b, 0.25);
    assert_string_equal(b, "0.25");
    rp_plot p = {10, 0, 110, 100, 0, 10, 0.01, 1, 1};
    assert_near(rp_py(&p, 1.0), 0.0, 1e-9, 0);
    assert_near(rp_py(&p, 0.1), 50.0, 1e-9, 0);
    assert_near(rp_px(&p, 5.0), 60.0, 1e-9, 0);
}

/* Out of memory anywhere in reading and drawing: GR_ENOMEM, no leak (ASan). */
static void test_oom(void **state)
{
    (void)state;
    char *dir = sample_copy(NULL);
    gr_report_options o;
    gr_report_options_default(&o);
    o.force = 1;
    o.width_px = o.height_px = o.map_px = 300;
    int ok = 0, fails = 0;
    for (long n = 0; n < 100000 && !ok; n++) {
        gr_error err = {0, ""};
        gr_alloc_fail_after(n);
        int st = gr_report_write(dir, &o, &err);
        gr_alloc_fail_after(-1);
        if (st == GR_OK)
            ok = 1;
        else if (st != GR_ENOMEM)
            fail_msg("allocation %ld failing: %s (%s), expected GR_ENOMEM", n, gr_err_name(st),
                     err.msg);
        else
            fails++;
    }
    assert_true(ok);
    assert_true(fails > 10);
    check_page(dir);
    drop(dir);
}

/* Under LeakSanitizer: fontconfig's process-wide configuration is never freed
 * (cairo_debug_reset_static_data below frees cairo's own caches). Same list as
 * tests/data/report/lsan.supp. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),          cmocka_unit_test(test_options),
        cmocka_unit_test(test_missing_optional), cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_csv),           cmocka_unit_test(test_data),
        cmocka_unit_test(test_helpers),       cmocka_unit_test(test_oom),
    };
    int rc = tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
    cairo_debug_reset_static_data(); /* cairo's font caches, for the leak checker */
    return rc;
}
