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
    {"worst_night", NULL, NULL, 0}, /* a mean of night numbers: shown as "Worst night" instead */
    {"drones", "Drones launched", "", 1},
    {"missiles", "Missiles launched", "", 1},
    {"intercepted", "Threats intercepted", "", 1},
    {"ew", "Threats lost to electronic warfare", "", 1},
    {"hits", "Threats that hit", "", 1},
    {"damaged", "Elements damaged", "", 1},
    {"interceptors_used", "Interceptors used", "", 1},
    {"spares_left", "Spare units left", "", 1},
    {"level_trend_per_night", "Level regained after each night: change per night",
     "percentage points of demand per night", 100},
    {"e_trend_h_per_night", "Time degraded (E): change per night", "hours per night", 1},
    {"pi_trend_per_night", "Recovery speed (Π): change per night",
     "percentage points of demand per hour, per night", 100},
    {"phi_per_h", "Φ: how fast the level drops", "% of demand per hour", 100},
    {"lambda", "Λ: how far it drops", "% of demand", 100},
    {"e_h", "E: how long it stays degraded", "h", 1},
    {"pi_per_h", "Π: how fast it recovers", "% of demand per hour", 100},
    {"area_h", "Demand lost over the event (share × hours)", "demand-hours", 1},
    {"phi_trend_per_night", "Drop speed (Φ): change per night",
     "percentage points of demand per hour, per night", 100},
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
        if (m && !m->label)
            continue;
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
              "<th>repaired per run</th><th>mean repair work (h)</th><th>mean time to restore, "
              "repaired units only (h)</th></tr>\n",
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


/* ------------------------------------------------------------------------
 * Plain language: the executive summary, the trapezoid in words, the worst
 * night, time to restore.
 * ------------------------------------------------------------------------ */
/* Hours as "31 h" below two days, "5.2 days" above. */
static void fmt_hours(char *buf, size_t len, double h)
{
    if (isnan(h))
        snprintf(buf, len, "—");
    else if (h < 48.0)
        snprintf(buf, len, "%.0f h", h);
    else
        snprintf(buf, len, "%.1f days", h / 24.0);
}

/* p10, p50, p90 and mean of x[0..n-1] (NaN skipped) into q[0..3] = mean, p10, p50, p90. */
static void q3(const double *x, int n, double *q)
{
    static const double pp[3] = {10, 50, 90};
    if (gr_stats(x, n, pp, 3, q) != GR_OK)
        q[0] = q[1] = q[2] = q[3] = NAN;
}

/* The night with the largest median energy not served over runs (1-based; 0: none). */
static int worst_night(const rp_data *d, double *q, double *x)
{
    int best = 0;
    double bv = 0.0;
    for (int n = 0; n < d->nights; n++) {
        for (int r = 0; r < d->runs; r++)
            x[r] = d->ens_rn[(size_t)r * (size_t)d->nights + (size_t)n];
        double qq[4];
        q3(x, d->runs, qq);
        if (!isnan(qq[2]) && qq[2] > bv) {
            bv = qq[2];
            best = n + 1;
            memcpy(q, qq, sizeof qq);
        }
    }
    return best;
}

/* The campaign's level curve (median over runs, or the run) as one trapezoid. */
static int campaign_trapezoid(const rp_data *d, gr_trapezoid *tz, int *first, double *lvl)
{
    int nh = d->nights * RP_HOURS;
    int ok = 0;
    lvl[0] = 1.0;
    for (int k = 0; k < nh; k++) {
        double v = d->agg_level ? d->agg_level[3 * k + 1] / 100.0
                   : d->load[k] > 0.0 ? d->served[k] / d->load[k] : 1.0;
        lvl[k + 1] = isnan(v) ? lvl[k] : v;
    }
    for (int k = 0; k < nh && !ok; k++)
        if (lvl[k + 1] < lvl[k] - 1e-6) {
            *first = k;
            ok = gr_trapezoid_compute(lvl, nh + 1, 1.0, k + 1, tz) == GR_OK;
        }
    return ok;
}

static double erosion(const rp_data *d, const char *key)
{
    const json_t *t = d->summary ? json_object_get(d->summary, "trapezoid") : NULL;
    const json_t *e = t ? json_object_get(t, "erosion") : NULL;
    const json_t *v = e ? json_object_get(e, key) : NULL;
    return json_is_object(v) ? jnum(json_object_get(v, "mean")) : jnum(v);
}

static const char *const rs_kind[3] = {"lines and transformers", "generating units",
                                       "substation buses"};

static int plain_sections(FILE *f, const rp_data *d)
{
    char a[64], b[64], c[64], e[64];
    int R = d->runs, N = d->nights, multi = R > 1;
    if (!d->has_hourly)
        return 0;
    /* energy not served per run */
    double *ens = gr_calloc((size_t)R + 1, sizeof(double)), q[4], qp[4], dem = 0.0;
    double *pk = gr_malloc(((size_t)R + 1) * sizeof(double));
    size_t ntmp = (size_t)(R > N * RP_HOURS ? R : N * RP_HOURS) + 2;
    double *tmp = gr_malloc(ntmp * sizeof(double));
    if (!ens || !pk || !tmp) {
        gr_free(ens);
        gr_free(pk);
        gr_free(tmp);
        return -1;
    }
    for (int r = 0; r < R; r++) {
        pk[r] = NAN;
        for (int n = 0; n < N; n++) {
            size_t k = (size_t)r * (size_t)N + (size_t)n;
            ens[r] += d->ens_rn[k];
            dem += d->e_load[k] / R;
            double p = d->ppl_max[k];
            if (!isnan(p) && (isnan(pk[r]) || p > pk[r]))
                pk[r] = p;
        }
    }
    q3(ens, R, q);
    q3(pk, R, qp);
    gr_trapezoid tz;
    int first = 0, has_tz = campaign_trapezoid(d, &tz, &first, tmp);
    double wq[4] = {NAN, NAN, NAN, NAN};
    int wn = worst_night(d, wq, tmp);

    fputs("<h2 id=\"at-a-glance\">At a glance</h2>\n<p id=\"exec-summary\" class=\"exec\">", f);
    fmt(a, sizeof a, q[2]);
    fmt(b, sizeof b, 100.0 * q[2] / (dem > 0 ? dem : 1));
    fprintf(f, "Over %d night%s%s, the grid failed to deliver %s MWh (%s %% of the energy "
            "demanded)%s", N, N == 1 ? "" : "s",
            multi ? "" : "", a, b, multi ? " in the median run" : "");
    if (multi) {
        fmt(a, sizeof a, q[1]);
        fmt(b, sizeof b, q[3]);
        fprintf(f, "; across the %d runs the loss ranged from %s to %s MWh (p10–p90)", R, a, b);
    }
    fputs(". ", f);
    if (!isnan(qp[2])) {
        fmt(a, sizeof a, qp[2]);
        fprintf(f, "At the worst hour %s people were without power%s. ", a,
                multi ? " (median over runs)" : "");
    }
    if (has_tz && tz.lambda > 1e-6) {
        fmt_hours(a, sizeof a, tz.t_ee - tz.t_oe + 1.0);
        fprintf(f, "From the first wave (night %d) the supply sank to %.3g %% of demand, %s "
                "later (night %d); in the last hour %.3g %% was served. ", first / RP_HOURS + 1,
                100.0 * tz.r_min, a, (int)(tz.t_ee - 1) / RP_HOURS + 1, 100.0 * tz.r_end);
    }
    if (wn > 0) {
        fmt(a, sizeof a, wq[2]);
        fprintf(f, "The worst night was night %d (%s MWh not served%s). ", wn, a,
                multi ? ", median over runs" : "");
    }
    if (d->has_risk) {
        int n_out = 0, n_all = 0;
        double tsum = 0.0;
        for (int k = 0; k < 3; k++) {
            n_all += d->rs_units[k];
            n_out += d->rs_units[k] - d->rs_repaired[k];
            if (d->rs_units[k])
                tsum += d->rs_mean_all[k] * d->rs_units[k];
        }
        if (n_all > 0) {
            fmt_hours(a, sizeof a, tsum / n_all);
            fprintf(f, "Damaged units took %s on average to come back, counting the %d of %d "
                    "still out at the end as out until the campaign ended. ", a, n_out, n_all);
        }
        /* the likeliest damaged substation */
        int best = -1;
        for (int j = 0; j < d->ov->nsub; j++)
            if (d->sub_p[j] > 0.0 && (best < 0 || d->sub_p[j] > d->sub_p[best]))
                best = j;
        if (best >= 0 && multi) {
            fputs("The substation most often hit is ", f);
            esc(f, d->ov->sub_name[best] ? d->ov->sub_name[best] : "?");
            fprintf(f, " (damaged in %.0f %% of runs).", 100.0 * d->sub_p[best]);
        }
        rp_city_summary(f, d);
    }
    fputs("</p>\n", f);

    /* the trapezoid in words */
    fputs("<h3 id=\"resilience-words\">Resilience in words</h3>\n<ul id=\"trapezoid-words\">\n", f);
    if (has_tz && tz.lambda > 1e-6) {
        fmt_hours(a, sizeof a, tz.t_ee - tz.t_oe + 1.0);
        fmt_hours(b, sizeof b, tz.e_h);
        fprintf(f, "<li>Over the whole campaign (%s): the grid lost %.3g %% of demand within %s "
                "of the first wave, stayed at that lowest level for %s",
                multi ? "median of the runs, hour by hour" : "the run", 100.0 * tz.lambda, a, b);
        if (tz.pi > 0.0 && tz.r_end > tz.r_min + 1e-6) {
            fmt_hours(c, sizeof c, tz.t_pr - tz.t_or);
            fprintf(f, ", then climbed back to %.3g %% of demand in %s, by the end.</li>\n",
                    100.0 * tz.r_end, c);
        } else {
            fprintf(f, ", and had not recovered when the campaign ended (%.3g %% served).</li>\n",
                    100.0 * tz.r_end);
        }
    } else {
        fputs("<li>The supply never fell: no load was lost.</li>\n", f);
    }
    const json_t *tj = d->summary ? json_object_get(d->summary, "trapezoid") : NULL;
    if (tj) {
        double lam = jnum(json_object_get(json_object_get(tj, "lambda"), "mean")),
               eh = jnum(json_object_get(json_object_get(tj, "e_h"), "mean")),
               phi = jnum(json_object_get(json_object_get(tj, "phi_per_h"), "mean")),
               pi = jnum(json_object_get(json_object_get(tj, "pi_per_h"), "mean"));
        if (!isnan(lam) && lam > 0) {
            fmt_hours(a, sizeof a, phi > 0 ? lam / phi : NAN);
            fmt_hours(b, sizeof b, eh);
            fmt_hours(c, sizeof c, pi > 0 ? lam / pi : NAN);
            fprintf(f, "<li>A typical attack night (mean over the nights with a wave): %.3g %% "
                    "of demand lost within %s, degraded for %s%s.</li>\n",
                    100.0 * lam, a, b, pi > 0 ? "" : ", no recovery within the day");
            if (pi > 0)
                fprintf(f, "<li>At that night's recovery speed (%.3g %% of demand per hour) the "
                        "loss takes %s to make good.</li>\n", 100.0 * pi, c);
        }
    }
    double lt = erosion(d, "level_trend_per_night"), et = erosion(d, "e_trend_h_per_night"),
           pt = erosion(d, "pi_trend_per_night");
    if (!isnan(lt)) {
        fprintf(f, "<li>Each night it recovers %s: the level regained after a night %s by "
                "%.2g percentage points of demand per night",
                lt < 0 ? "less" : "as much or more", lt < 0 ? "falls" : "rises", fabs(100.0 * lt));
        if (!isnan(et))
            fprintf(f, "; the time spent degraded %s by %.2g h per night", et > 0 ? "grows" : "shrinks",
                    fabs(et));
        if (!isnan(pt))
            fprintf(f, "; the recovery speed %s by %.2g percentage points of demand per hour "
                    "each night", pt < 0 ? "slows" : "quickens", fabs(100.0 * pt));
        fputs(" (least-squares trends over the nights, mean over runs).</li>\n", f);
    }
    fputs("</ul>\n", f);

    /* the worst night */
    if (wn > 0) {
        fprintf(f, "<h3 id=\"worst-night\">Worst night: night %d</h3>\n<table class=\"stats\" "
                "id=\"worst-night-table\">\n<tr><th>night %d</th><th>unit</th>%s</tr>\n",
                wn, wn, multi ? "<th>median</th><th>p10</th><th>p90</th>" : "<th>value</th>");
        double x[3][4];
        memcpy(x[0], wq, sizeof wq);
        double *v = tmp;
        {
            for (int r = 0; r < R; r++)
                v[r] = d->ppl_max[(size_t)r * (size_t)N + (size_t)(wn - 1)];
            q3(v, R, x[1]);
            for (int r = 0; r < R; r++) {
                size_t k = (size_t)r * (size_t)N + (size_t)(wn - 1);
                v[r] = d->e_load[k] > 0 ? 100.0 * d->e_served[k] / d->e_load[k] : NAN;
            }
            q3(v, R, x[2]);
            static const char *const lab[3][2] = {{"energy not served", "MWh"},
                                                  {"people without power, peak hour", "people"},
                                                  {"energy served / demanded", "%"}};
            for (int j = 0; j < 3; j++) {
                fprintf(f, "<tr><th>%s</th><td class=\"u\">%s</td>", lab[j][0], lab[j][1]);
                td_num(f, x[j][2], 1);
                if (multi) {
                    td_num(f, x[j][1], 1);
                    td_num(f, x[j][3], 1);
                }
                fputs("</tr>\n", f);
            }
        }
        fputs("</table>\n", f);
        if (multi)
            fprintf(f, "<p>Night %d has the largest median energy not served over the %d runs; "
                    "its figures are over runs, for that night.</p>\n", wn, R);
    }

    /* time to restore */
    if (d->has_risk) {
        fputs("<h3 id=\"restore\">Time to restore</h3>\n<table class=\"stats\" id=\"restore-table\">\n"
              "<tr><th>element</th><th>damaged units (all runs)</th><th>repaired</th><th>still out "
              "at the end</th><th>mean time to restore, every damaged unit (h)</th><th>mean, "
              "repaired units only (h)</th></tr>\n", f);
        for (int k = 0; k < 3; k++) {
            if (!d->rs_units[k])
                continue;
            fprintf(f, "<tr><th>%s</th>", rs_kind[k]);
            td_num(f, d->rs_units[k], 1);
            td_num(f, d->rs_repaired[k], 1);
            td_num(f, d->rs_units[k] - d->rs_repaired[k], 1);
            td_num(f, d->rs_mean_all[k], 1);
            td_num(f, d->rs_mean_rep[k], 1);
            fputs("</tr>\n", f);
        }
        fmt(e, sizeof e, (double)N * RP_HOURS);
        fprintf(f, "</table>\n<p>Time to restore runs from the damage to the repair (events.csv). "
                "Units not repaired by the end are counted as out until the end of the campaign "
                "(hour %s), so the mean over every damaged unit is a lower bound; the mean over "
                "repaired units alone leaves out every unit still out at the end (those hit "
                "late, and the longest outages).</p>\n", e);
    }
    gr_free(ens);
    gr_free(pk);
    gr_free(tmp);
    return 0;
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
    "p.exec{font-size:1.08em;background:#f4f8fb;border-left:4px solid #0072b2;padding:.6em .9em}\n"
    "p.note{background:#fff6e0;border-left:4px solid #f0b400;padding:.5em .8em}\n"
    "dl.legend dt{font-weight:bold;margin-top:.5em}dl.legend dd{margin-left:1.2em}\n"
    "#viewer{position:relative}#v-map{width:100%;max-width:1100px;height:auto;border:1px solid #ccc;background:#fff}\n"
    ".vctl{margin:.4em 0;display:flex;gap:1em;flex-wrap:wrap;align-items:center}\n"
    ".vtip{position:absolute;background:#fff;border:1px solid #888;padding:.3em .5em;font-size:.85em;white-space:pre;pointer-events:none;box-shadow:0 1px 4px rgba(0,0,0,.3)}\n"
    ".vleg{font-size:.88em;color:#444}\n"
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

    if (plain_sections(f, d) < 0 || rp_viewer_write(f, d) < 0)
        return gr_error_set(err, GR_ENOMEM, "out of memory writing the report page");
    fputs("<h2 id=\"summary-h\">Summary tables</h2>\n", f);
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
          "<dt>Served load</dt><dd>Demand (black), load served (blue) and the load not served "
          "between them (reddish-purple area); below, critical demand (black, dashed) beside "
          "critical load served (hospitals, water, heating; orange), on its own MW axis. With "
          "several runs each curve is the median over runs, the light band spans p10–p90 and "
          "the thin sky-blue line is the selected run. Axes are fitted to the data "
          "(zero-based with the zero_based option). A dotted grey line marks the hour each "
          "night's first wave took effect.</dd>\n"
          "<dt>Resilience trapezoid</dt><dd>Panteli &amp; Mancarella (IEEE TPWRS 2017): the "
          "level (served / demand) falls from its value before the wave (Φ, how fast; Λ, how "
          "far; vermillion band), stays degraded (E, how long; yellow band) and recovers as "
          "crews repair (Π, how fast; bluish-green band). The dashed black outline is the "
          "trapezoid fitted to the night (to the median curve with several runs); the label "
          "under it is Λ.</dd>\n"
          "<dt>People without power / heat</dt><dd>The largest hourly number of people without "
          "power (blue) and without heat (vermillion) in each night. With several runs the bars "
          "are the median over runs, the whiskers p10–p90 and the black dots the selected "
          "run.</dd>\n"
          "<dt>Map</dt><dd>Buses at the overlay's coordinates; lines coloured by the case's own "
          "voltage levels, named in the legend (highest reddish purple, then blue, bluish "
          "green, grey below; dashed when out of service in the case). Crosses with a black "
          "outline mark damaged elements (vermillion: still out at the end; yellow: repaired); "
          "triangles are power plants, filled as their units. Dark areas are buses without "
          "supply at the worst hour: destroyed, or in an island without generation (load shed "
          "inside a live island is not shown). Pale yellow discs are cities (area in "
          "proportion to people), sky-blue dashed circles the defended zones. City labels are "
          "placed greedily, largest city first, and left out where they would overlap.</dd>\n"
          "<dt>Risk map</dt><dd>Over all runs: substations and lines coloured by the share of "
          "runs in which they were damaged (viridis steps of 20 %, yellow to dark purple; grey "
          "dots never), plants by the same scale, cities darker the more hours their residents "
          "were cut off on average.</dd>\n"
          "<dt>Monte Carlo</dt><dd>The fan chart shows, per night, the share of the night's "
          "energy demand that was served over all runs (p10–p90 and p25–p75 bands, median "
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
