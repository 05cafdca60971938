/* report_html.c — the self-contained report page: summary tables from summary.json, the charts, the nights table, a legend. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"

static void esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* A number for a table: grouped thousands, a few significant digits. */
static void fmt(char *buf, size_t len, double x)
{
    double a = fabs(x);
    if (isnan(x) || isinf(x)) {
        snprintf(buf, len, "—");
        return;
    }
    if (a >= 1000.0) {
        char raw[64];
        snprintf(raw, sizeof raw, "%.0f", a);
        size_t n = strlen(raw), o = 0;
        if (x < 0 && o + 1 < len)
            buf[o++] = '-';
        for (size_t k = 0; k < n && o + 2 < len; k++) {
            if (k > 0 && (n - k) % 3 == 0)
                buf[o++] = ',';
            buf[o++] = raw[k];
        }
        buf[o] = '\0';
    } else if (a >= 100.0 || x == floor(x)) {
        snprintf(buf, len, "%.0f", x);
    } else if (a >= 10.0) {
        snprintf(buf, len, "%.1f", x);
    } else if (a >= 0.01) {
        snprintf(buf, len, "%.3g", x);
    } else {
        snprintf(buf, len, "%.2e", x);
    }
}

static double jnum(const json_t *v) { return json_is_number(v) ? json_number_value(v) : NAN; }

static void td_num(FILE *f, double x, double scale)
{
    char b[64];
    fmt(b, sizeof b, x * scale);
    fprintf(f, "<td class=\"n\">%s</td>", b);
}

/* Known metrics: JSON name, label, unit, scale. */
typedef struct metric {
    const char *key, *label, *unit;
    double scale;
} metric;

static const metric totals_known[] = {
    {"ens_mwh", "Energy not served", "MWh", 1},
    {"customer_hours", "Customer-hours without power", "person·h", 1},
    {"peak_lost_mw", "Load lost in the worst hour", "MW", 1},
    {"people_without_power_max", "People without power, peak", "people", 1},
    {"people_without_power_mean", "People without power, average", "people", 1},
    {"people_without_heat_max", "People without heat, peak", "people", 1},
    {"critical_dark_h", "Critical facilities dark", "facility·h", 1},
    {"worst_week_hours_per_day", "Hours without power per person and day, worst week", "h/day", 1},
    {"saidi_h", "SAIDI (hours without power per person)", "h", 1},
    {"mean_hours_per_day", "Hours without power per person and day, average", "h/day", 1},
    {"worst_decile_hours_per_day", "Hours without power per day, worst-off 10 % of people", "h/day", 1},
    {"longest_dark_h", "Longest continuous dark spell (a sub-queue of a bus)", "h", 1},
    {"people_below_12c_max", "People below 12 °C indoors, peak", "people", 1},
    {"person_hours_below_12c", "Person-hours below 12 °C indoors", "person·h", 1},
    {"final_level", "Load served in the last hour", "%", 100},
    {"worst_night", "Worst night (largest ENS)", "", 1},
    {"drones", "Drones launched", "", 1},
    {"missiles", "Missiles launched", "", 1},
    {"intercepted", "Threats intercepted", "", 1},
    {"ew", "Threats lost to electronic warfare", "", 1},
    {"hits", "Threats that hit", "", 1},
    {"damaged", "Elements damaged", "", 1},
    {"interceptors_used", "Interceptors used", "", 1},
    {"spares_left", "Spare units left", "", 1},
    {"level_trend_per_night", "Trend of the level regained", "% per night", 100},
    {"e_trend_h_per_night", "Trend of E (time degraded)", "h per night", 1},
    {"pi_trend_per_night", "Trend of Π (recovery speed)", "per h per night", 1},
    {"phi_per_h", "Φ: how fast the level drops", "per h", 1},
    {"lambda", "Λ: how far it drops", "% of demand", 100},
    {"e_h", "E: how long it stays degraded", "h", 1},
    {"pi_per_h", "Π: how fast it recovers", "per h", 1},
    {"area_h", "Area lost (level × hours)", "h", 1},
    {"phi_trend_per_night", "Trend of Φ", "per h per night", 1},
};

static const metric *find_metric(const char *key)
{
    for (size_t k = 0; k < sizeof totals_known / sizeof totals_known[0]; k++)
        if (strcmp(totals_known[k].key, key) == 0)
            return &totals_known[k];
    return NULL;
}

/* Rows of an object of stats ({mean, p5, p50, p95} or plain numbers). */
static void stats_rows(FILE *f, const json_t *o, int single)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v) {
        if ((!json_is_object(v) && !json_is_number(v) && !json_is_null(v)) ||
            strcmp(k, "events") == 0)
            continue;
        const metric *m = find_metric(k);
        int has_stats = json_is_object(v) && json_object_get(v, "mean");
        if (json_is_object(v) && !has_stats)
            continue; /* a nested group (e.g. erosion) */
        double sc = m ? m->scale : 1.0;
        fputs("<tr><th>", f);
        esc(f, m ? m->label : k);
        fputs("</th><td class=\"u\">", f);
        esc(f, m ? m->unit : "");
        fputs("</td>", f);
        if (json_is_object(v)) {
            td_num(f, jnum(json_object_get(v, "mean")), sc);
            if (!single) {
                td_num(f, jnum(json_object_get(v, "p5")), sc);
                td_num(f, jnum(json_object_get(v, "p50")), sc);
                td_num(f, jnum(json_object_get(v, "p95")), sc);
            }
        } else {
            td_num(f, jnum(v), sc);
            if (!single)
                fputs("<td></td><td></td><td></td>", f);
        }
        fputs("</tr>\n", f);
    }
}

static void stats_head(FILE *f, int single)
{
    if (single)
        fputs("<tr><th>metric</th><th>unit</th><th>value</th></tr>\n", f);
    else
        fputs("<tr><th>metric</th><th>unit</th><th>mean</th><th>p5</th><th>p50</th>"
              "<th>p95</th></tr>\n",
              f);
}

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = o ? json_object_get(o, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void summary_tables(FILE *f, const rp_data *d)
{
    const json_t *s = d->summary, *v;
    json_int_t runs = json_integer_value(json_object_get(s, "runs"));
    int single = runs <= 1;
    if (!single)
        fprintf(f, "<p>Mean and percentiles over %lld runs.</p>\n", (long long)runs);
    fputs("<table class=\"stats\" id=\"summary\">\n", f);
    stats_head(f, single);
    if ((v = json_object_get(s, "totals")))
        stats_rows(f, v, single);
    fputs("</table>\n", f);

    if ((v = json_object_get(s, "interception")) && json_object_size(v) > 0) {
        const char *k;
        json_t *t;
        fputs("<h3>Air defence (all runs)</h3>\n<table class=\"stats\">\n<tr><th>threat</th>"
              "<th>launched</th><th>intercepted</th><th>electronic warfare</th><th>hits</th>"
              "<th>downed</th></tr>\n",
              f);
        json_object_foreach((json_t *)v, k, t) {
            if (!json_is_object(t))
                continue;
            fputs("<tr><th>", f);
            esc(f, k);
            fputs("</th>", f);
            td_num(f, jnum(json_object_get(t, "launched")), 1);
            td_num(f, jnum(json_object_get(t, "intercepted")), 1);
            td_num(f, jnum(json_object_get(t, "ew")), 1);
            td_num(f, jnum(json_object_get(t, "hits")), 1);
            char b[64];
            double ds = jnum(json_object_get(t, "downed_share"));
            fmt(b, sizeof b, 100.0 * ds);
            fprintf(f, "<td class=\"n\">%s%s</td></tr>\n", b, isnan(ds) ? "" : " %");
        }
        fputs("</table>\n", f);
    }
    if ((v = json_object_get(s, "trapezoid")) && json_is_object(v)) {
        fputs("<h3>Resilience trapezoid per event (Panteli &amp; Mancarella)</h3>\n", f);
        json_t *ne = json_object_get(v, "events");
        if (json_is_integer(ne))
            fprintf(f, "<p>%lld events (nights with a wave, over all runs).</p>\n",
                    (long long)json_integer_value(ne));
        fputs("<table class=\"stats\">\n", f);
        stats_head(f, 0);
        stats_rows(f, v, 0);
        json_t *er = json_object_get(v, "erosion");
        if (json_is_object(er))
            stats_rows(f, er, 0);
        fputs("</table>\n", f);
    }
    if ((v = json_object_get(s, "repairs")) && json_object_size(v) > 0) {
        const char *k;
        json_t *t;
        fputs("<h3>Repairs</h3>\n<table class=\"stats\">\n<tr><th>kind</th><th>damaged per run</th>"
              "<th>repaired per run</th><th>mean repair work (h)</th><th>mean time to restore (h)"
              "</th></tr>\n",
              f);
        json_object_foreach((json_t *)v, k, t) {
            if (!json_is_object(t))
                continue;
            fputs("<tr><th>", f);
            esc(f, k);
            fputs("</th>", f);
            td_num(f, jnum(json_object_get(t, "damaged_per_run")), 1);
            td_num(f, jnum(json_object_get(t, "repaired_per_run")), 1);
            td_num(f, jnum(json_object_get(t, "mean_repair_h")), 1);
            td_num(f, jnum(json_object_get(t, "mean_restore_h")), 1);
            fputs("</tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    if ((v = json_object_get(s, "warning_times")) && json_array_size(v) > 0) {
        size_t i;
        json_t *t;
        fputs("<h3>Warning time per city</h3>\n<table class=\"stats\">\n<tr><th>city</th>"
              "<th>people</th><th>mean warning (min)</th><th>shortest (min)</th></tr>\n",
              f);
        json_array_foreach((json_t *)v, i, t) {
            const json_t *mm = json_object_get(t, "mean_min");
            fputs("<tr><th>", f);
            esc(f, jstr(t, "city") ? jstr(t, "city") : "?");
            fputs("</th>", f);
            td_num(f, jnum(json_object_get(t, "population")), 1);
            td_num(f, json_is_object(mm) ? jnum(json_object_get(mm, "mean")) : jnum(mm), 1);
            td_num(f, jnum(json_object_get(t, "shortest_min")), 1);
            fputs("</tr>\n", f);
        }
        fputs("</table>\n", f);
    }
}

static void nights_table(FILE *f, const rp_data *d)
{
    static const struct {
        const char *key, *label;
        double scale;
    } cols[] = {
        {"drones", "drones", 1},
        {"missiles", "missiles", 1},
        {"intercepted", "intercepted", 1},
        {"ew", "EW", 1},
        {"hits", "hits", 1},
        {"damaged", "damaged", 1},
        {"ens_mwh", "ENS (MWh)", 1},
        {"peak_lost_mw", "peak lost (MW)", 1},
        {"customer_hours", "customer-hours", 1},
        {"people_without_heat_max", "without heat (peak)", 1},
        {"critical_dark_h", "critical dark (facility·h)", 1},
        {"interceptors_used", "interceptors used", 1},
        {"spares_left", "spares left", 1},
        {"level_before_wave", "level before the wave (%)", 100},
    };
    int idx[sizeof cols / sizeof cols[0]];
    int nc = 0;
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        idx[c] = -1;
        for (int k = 0; k < d->nights_ncol; k++)
            if (strcmp(d->nights_names[k], cols[c].key) == 0)
                idx[c] = k;
        nc += idx[c] >= 0;
    }
    if (nc == 0)
        return;
    fprintf(f, "<h2 id=\"nights\">Night by night%s</h2>\n<table class=\"stats nights\">\n<tr><th>night</th>",
            d->runs > 1 ? " (selected run)" : "");
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
        if (idx[c] >= 0) {
            fputs("<th>", f);
            esc(f, cols[c].label);
            fputs("</th>", f);
        }
    fputs("</tr>\n", f);
    for (int n = 0; n < d->n_nights; n++) {
        fprintf(f, "<tr><th>%d</th>", n + 1);
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
            if (idx[c] >= 0)
                td_num(f, d->nights_val[(size_t)n * (size_t)d->nights_ncol + (size_t)idx[c]],
                       cols[c].scale);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

static const char *const css =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
    "margin:0 auto;max-width:1180px;padding:1em 1.5em 3em;color:#222;line-height:1.45}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}\n"
    "p.meta{color:#555;margin-top:0}\n"
    "table.stats{border-collapse:collapse;margin:.6em 0 1em;font-size:.92em}\n"
    "table.stats th,table.stats td{border:1px solid #ddd;padding:.25em .6em;text-align:left}\n"
    "table.stats td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "table.stats td.u{color:#666}\n"
    "table.nights{font-size:.85em}\n"
    "figure{margin:1.2em 0 2em}figure img{max-width:100%;height:auto;border:1px solid #eee}\n"
    "figcaption{color:#444;font-size:.92em;max-width:1100px}\n"
    "p.note{background:#fff6e0;border-left:4px solid #f0b400;padding:.5em .8em}\n"
    "dl.legend dt{font-weight:bold;margin-top:.5em}dl.legend dd{margin-left:1.2em}\n"
    "footer{margin-top:3em;color:#888;font-size:.85em}\n";

/* After load: how many chart images decoded (checked by the headless-browser test). */
static const char *const script =
    "<script>\n"
    "window.addEventListener('load', function () {\n"
    "  var im = document.querySelectorAll('img.chart'), n = 0;\n"
    "  for (var i = 0; i < im.length; i++)\n"
    "    if (im[i].complete && im[i].naturalWidth > 0) n++;\n"
    "  document.body.setAttribute('data-charts-loaded', String(n));\n"
    "});\n"
    "</script>\n";

int rp_html_write(FILE *f, const rp_data *d, const char *title, const rp_chart_out *charts, int n,
                  gr_error *err)
{
    int ndrawn = 0;
    for (int k = 0; k < n; k++)
        ndrawn += charts[k].drawn;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"gridres " GRIDRES_VERSION "\">\n<title>",
          f);
    esc(f, title);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body data-charts-total=\"%d\">\n<h1>", css,
            ndrawn);
    esc(f, title);
    fputs("</h1>\n", f);

    /* one line on what was simulated */
    const json_t *s = d->summary;
    fputs("<p class=\"meta\">", f);
    if (s) {
        const char *src = jstr(s, "source"), *ctl = jstr(s, "control");
        json_t *nn = json_object_get(s, "nights"), *rr = json_object_get(s, "runs"),
               *sd = json_object_get(s, "seed"), *gd = json_object_get(s, "grid");
        if (json_is_integer(nn))
            fprintf(f, "%lld nights", (long long)json_integer_value(nn));
        if (json_is_integer(rr))
            fprintf(f, " × %lld run%s", (long long)json_integer_value(rr),
                    json_integer_value(rr) == 1 ? "" : "s");
        if (json_is_integer(sd))
            fprintf(f, ", seed %lld", (long long)json_integer_value(sd));
        if (ctl) {
            fputs(", operator emergency control: ", f);
            esc(f, ctl);
        }
        if (json_is_object(gd)) {
            double b = jnum(json_object_get(gd, "buses")), pop = jnum(json_object_get(gd, "population")),
                   pk = jnum(json_object_get(gd, "peak_mw"));
            char x[64], y[64];
            if (!isnan(b)) {
                fmt(x, sizeof x, pop);
                fmt(y, sizeof y, pk);
                fprintf(f, ". Grid: %.0f buses, %s people, winter peak %s MW", b, x, y);
            }
        }
        if (src) {
            fputs(". Scenario: ", f);
            esc(f, src);
        }
        fputs(".", f);
    } else {
        fprintf(f, "%d nights × %d runs (from hourly.csv).", d->nights, d->runs);
    }
    fputs("</p>\n", f);

    fputs("<h2 id=\"summary-h\">Summary</h2>\n", f);
    if (s)
        summary_tables(f, d);
    else
        fputs("<p class=\"note\">No summary table: summary.json is missing.</p>\n", f);

    fputs("<h2 id=\"charts\">Charts</h2>\n", f);
    for (int k = 0; k < n; k++) {
        const rp_chart_out *c = &charts[k];
        if (!c->drawn) {
            fprintf(f, "<p class=\"note\" id=\"note-%s\"><b>", c->chart->name);
            esc(f, c->chart->title);
            fputs("</b> — not drawn: ", f);
            esc(f, c->note);
            fputs("</p>\n", f);
            continue;
        }
        fprintf(f,
                "<figure id=\"chart-%s\">\n<img class=\"chart\" src=\"charts/%s.png\" width=\"%d\" "
                "height=\"%d\" alt=\"",
                c->chart->name, c->chart->name, c->chart->width, c->chart->height);
        esc(f, c->chart->title);
        fputs("\">\n<figcaption><b>", f);
        esc(f, c->chart->title);
        fputs(".</b> ", f);
        esc(f, c->caption);
        fprintf(f, " <a href=\"charts/%s.svg\">SVG</a> · <a href=\"charts/%s.png\">PNG</a></figcaption>\n</figure>\n",
                c->chart->name, c->chart->name);
    }
    if (d->has_nights)
        nights_table(f, d);

    fputs("<h2 id=\"legend\">Legend</h2>\n<dl class=\"legend\">\n"
          "<dt>Served load</dt><dd>Hourly demand (grey), load served (blue) and critical load "
          "served (hospitals, water, heating; red). The pink area is load not served. A dashed "
          "red line marks the hour each night's first wave took effect.</dd>\n"
          "<dt>Resilience trapezoid</dt><dd>Panteli &amp; Mancarella (IEEE TPWRS 2017): the "
          "level (served / demand) falls from its value before the wave (Φ, how fast; Λ, how "
          "far; red band), stays degraded (E, how long; orange band) and recovers as crews "
          "repair (Π, how fast; green band). The dashed black outline is the trapezoid fitted "
          "to the night; the label under it is Λ.</dd>\n"
          "<dt>People without power / heat</dt><dd>The largest hourly number of people without "
          "power and without heat in each night (heat is lost when a district's CHP plant or "
          "its power supply is out for hours). With several runs the whiskers show p5–p95 over "
          "runs.</dd>\n"
          "<dt>Map</dt><dd>Buses at the overlay's coordinates; lines coloured by voltage level "
          "(by the grid's voltage levels, named in the legend: highest purple, then red, teal, "
          "grey below; dashed when out of service in the case). "
          "Crosses mark damaged elements (red: still out at the end; orange: repaired). Dark "
          "areas are buses without supply at the worst hour: destroyed, or in an island "
          "without generation (load shed inside a live island is not shown). Yellow discs are "
          "cities (area in proportion to people), blue dashed circles the defended zones.</dd>\n"
          "<dt>Monte Carlo</dt><dd>The fan chart shows, per night, the share of the night's "
          "energy demand that was served over all runs (p5–p95 and p25–p75 bands, median "
          "and mean). The CCDF gives, for each amount x, the share of runs whose energy not "
          "served exceeds x, on a log scale, so the tail of bad campaigns is visible.</dd>\n"
          "</dl>\n",
          f);
    fputs("<footer>Generated by gridres " GRIDRES_VERSION " (gridres report). Charts are PNG "
          "with SVG versions in charts/.</footer>\n",
          f);
    fputs(script, f);
    fputs("</body>\n</html>\n", f);
    if (ferror(f))
        return gr_error_set(err, GR_EIO, "error writing the report page");
    return GR_OK;
}
