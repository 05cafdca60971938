/* report_charts.c — the time and distribution charts: served load with trapezoids, per-night people bars, Monte Carlo fan and loss CCDF. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"

#define LEFT 84.0
#define RIGHT 24.0

static void title(cairo_t *cr, const char *s)
{
    rp_rgb(cr, 0x111111);
    rp_text(cr, 16, 12, s, 16, 1, -1, -1);
}

/* A polyline through (x0 + k * dx, y[k * stride]), broken at NaN. */
static void polyline(cairo_t *cr, const rp_plot *p, const double *y, int n, int stride,
                     double x0, double dx)
{
    int pen = 0;
    for (int k = 0; k < n; k++) {
        double v = y[(size_t)k * (size_t)stride];
        if (isnan(v)) {
            pen = 0;
            continue;
        }
        double px = rp_px(p, x0 + k * dx), py = rp_py(p, v);
        if (pen)
            cairo_line_to(cr, px, py);
        else
            cairo_move_to(cr, px, py);
        pen = 1;
    }
    cairo_stroke(cr);
}

/* Step between night labels so that they are at least min_px apart. */
static int label_every(double px_per_night, double min_px)
{
    static const int steps[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++)
        if (steps[k] * px_per_night >= min_px)
            return steps[k];
    return 100000;
}

/* Night labels under a plot whose x runs over nights: at x = centre(n). */
static void night_axis(cairo_t *cr, const rp_plot *p, int nights, double per_night,
                       double offset, int grid, int labels)
{
    char buf[32];
    double pw = (p->x1 - p->x0) / (nights > 0 ? nights : 1);
    int every = label_every(pw, 30.0);
    cairo_save(cr);
    cairo_set_line_width(cr, 1.0);
    for (int n = 1; n <= nights; n++) {
        if (grid && n > 1 && ((n - 1) % every == 0 || pw >= 6.0)) {
            double x = floor(rp_px(p, per_night * (n - 1))) + 0.5;
            rp_rgb(cr, 0xdddddd);
            cairo_move_to(cr, x, p->y0);
            cairo_line_to(cr, x, p->y1);
            cairo_stroke(cr);
        }
        if (labels && (n - 1) % every == 0) {
            snprintf(buf, sizeof buf, "%d", n);
            rp_rgb(cr, 0x333333);
            rp_text(cr, rp_px(p, per_night * (n - 1) + offset), p->y1 + 5, buf, 11, 0, 0, -1);
        }
    }
    cairo_restore(cr);
}

/* A filled band between lo[k * stride] and hi[k * stride] at x0 + k * dx (NaN skipped). */
static void band(cairo_t *cr, const rp_plot *p, const double *lo, const double *hi, int n,
                 int stride, double x0, double dx)
{
    int pen = 0;
    cairo_new_path(cr);
    for (int k = 0; k < n; k++) {
        double v = hi[(size_t)k * (size_t)stride];
        if (isnan(v) || isnan(lo[(size_t)k * (size_t)stride]))
            continue;
        if (pen)
            cairo_line_to(cr, rp_px(p, x0 + k * dx), rp_py(p, v));
        else
            cairo_move_to(cr, rp_px(p, x0 + k * dx), rp_py(p, v));
        pen = 1;
    }
    for (int k = n - 1; k >= 0; k--) {
        double v = lo[(size_t)k * (size_t)stride];
        if (!isnan(v) && !isnan(hi[(size_t)k * (size_t)stride]))
            cairo_line_to(cr, rp_px(p, x0 + k * dx), rp_py(p, v));
    }
    if (pen) {
        cairo_close_path(cr);
        cairo_fill(cr);
    }
    cairo_new_path(cr);
}

/* Range of the values x[k * stride] (NaN skipped) into *lo, *hi. */
static void range(const double *x, int n, int stride, double *lo, double *hi)
{
    for (int k = 0; x && k < n; k++) {
        double v = x[(size_t)k * (size_t)stride];
        if (isnan(v))
            continue;
        if (v < *lo)
            *lo = v;
        if (v > *hi)
            *hi = v;
    }
}

/* An axis fitted to [lo, hi] (from 0 when zero), about n ticks. */
static void fit(double lo, double hi, int zero, int n, double *alo, double *ahi, double *step)
{
    if (!(hi >= lo)) {
        lo = 0.0;
        hi = 1.0;
    }
    if (zero || lo < 0.0)
        lo = 0.0;
    double pad = 0.04 * (hi - lo > 0 ? hi - lo : fabs(hi) + 1.0);
    rp_nice(lo > 0.0 ? fmax(0.0, lo - pad) : lo, hi + pad, n, alo, ahi, step);
    if (*alo < 0.0)
        *alo = 0.0;
}

int rp_trapezoid_of_level(const double *lvl, int nights, int night, gr_trapezoid *tz, int *first_hour)
{
    double cur[RP_HOURS + 1];
    if (night < 1 || night > nights)
        return 0;
    double prev = 1.0;
    for (int k = 0; k < (night - 1) * RP_HOURS; k++)
        if (!isnan(lvl[k]))
            prev = lvl[k];
    cur[0] = prev;
    for (int h = 0; h < RP_HOURS; h++) {
        double v = lvl[(night - 1) * RP_HOURS + h];
        cur[h + 1] = isnan(v) ? cur[h] : v;
    }
    int fh = RP_HOURS;
    for (int h = 0; h < RP_HOURS && fh == RP_HOURS; h++)
        if (cur[h + 1] < cur[h] - 1e-6)
            fh = h;
    if (fh >= RP_HOURS || gr_trapezoid_compute(cur, RP_HOURS + 1, 1.0, fh + 1, tz) != GR_OK)
        return 0;
    *first_hour = fh;
    return 1;
}

/* ------------------------------------------------------------------------
 * Served load with each night's trapezoid: demand and served (MW), critical
 * demand and critical served (MW, its own axis), the level served / demand
 * (%) with the trapezoids. With several runs every panel shows the median
 * over runs with the p10–p90 band, and the selected run as a thin line.
 * ------------------------------------------------------------------------ */
void rp_draw_served(cairo_t *cr, const rp_data *d, int w, int h)
{
    int N = d->nights, n24 = N * RP_HOURS;
    double T = (double)n24;
    char buf[256], lab_run[64];
    int agg = d->agg_served != NULL;
    int has_crit = d->has_crit, has_cd = has_crit && !isnan(d->crit_share);
    /* the curves: median (agg) or the run (rp_data) */
    const double *load = d->v_load, *served = d->v_served, *crit = d->v_crit, *cdem = d->v_cdem;
    const double *lvl = d->v_lvl;
    snprintf(lab_run, sizeof lab_run, "run %d", d->run);
    if (agg)
        snprintf(buf, sizeof buf,
                 "Load served hour by hour, median of %d runs with p10–p90 band (MW and %% of "
                 "demand, by night)", d->runs);
    else
        snprintf(buf, sizeof buf, "Load served hour by hour (MW and %% of demand, by night)");
    title(cr, buf);
    rp_legend_item items[14];
    int nit = 0;
    items[nit++] = (rp_legend_item){agg ? "demand (median)" : "demand", RP_C_LOAD, RP_LEG_LINE, 1.3};
    items[nit++] = (rp_legend_item){agg ? "served (median)" : "served", RP_C_SERVED, RP_LEG_LINE, 2.0};
    if (agg) {
        items[nit++] = (rp_legend_item){"p10–p90 over runs", RP_C_SERVED, RP_LEG_BOX, 0.22};
        items[nit++] = (rp_legend_item){lab_run, RP_C_RUN, RP_LEG_LINE, 1.0};
    }
    items[nit++] = (rp_legend_item){"not served", RP_C_LOST, RP_LEG_BOX, 0.55};
    if (has_cd)
        items[nit++] = (rp_legend_item){"critical demand", RP_C_LOAD, RP_LEG_DASH, 1.3};
    if (has_crit)
        items[nit++] = (rp_legend_item){"critical served", RP_C_CRIT, RP_LEG_LINE, 1.8};
    items[nit++] = (rp_legend_item){"first wave", 0x555555, RP_LEG_DASH, 1.0};
    items[nit++] = (rp_legend_item){"trapezoid", RP_OI_BLACK, RP_LEG_DASH, 1.5};
    items[nit++] = (rp_legend_item){"drop", RP_C_DROP, RP_LEG_BOX, 0.3};
    items[nit++] = (rp_legend_item){"degraded", RP_C_DEGR, RP_LEG_BOX, 0.5};
    items[nit++] = (rp_legend_item){"recovery", RP_C_RECOV, RP_LEG_BOX, 0.3};
    double top = rp_legend(cr, LEFT, 40, w - RIGHT, items, nit) + 6;
    double bottom = h - 46.0, gap = 16.0;
    int np = has_crit ? 3 : 2;
    double ph = bottom - top - gap * (np - 1);
    double h1 = has_crit ? 0.42 * ph : 0.6 * ph, h2 = has_crit ? 0.22 * ph : 0.0;

    /* panel 1: demand and served, MW, axis fitted to the data */
    double lo = INFINITY, hi = -INFINITY, alo, ahi, step;
    range(load, n24, 1, &lo, &hi);
    range(served, n24, 1, &lo, &hi);
    if (agg) {
        range(d->agg_served, n24, 3, &lo, &hi);
        range(d->agg_served + 2, n24, 3, &lo, &hi);
        range(d->served, n24, 1, &lo, &hi);
    }
    fit(lo, hi, d->zero_based, 4, &alo, &ahi, &step);
    rp_plot a = {LEFT, top, w - RIGHT, top + h1, 0.0, T, alo, ahi, 0};
    rp_axes(cr, &a, 0.0, step, NULL, "MW", NULL);
    night_axis(cr, &a, N, 24.0, 12.0, 1, 0);
    cairo_save(cr);
    cairo_rectangle(cr, a.x0, a.y0, a.x1 - a.x0, a.y1 - a.y0);
    cairo_clip(cr);
    rp_rgba(cr, RP_C_LOST, 0.55);
    band(cr, &a, served, load, n24, 1, 0.5, 1.0);
    if (agg) {
        rp_rgba(cr, RP_C_SERVED, 0.22);
        band(cr, &a, d->agg_served, d->agg_served + 2, n24, 3, 0.5, 1.0);
    }
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    rp_rgb(cr, RP_C_LOAD);
    cairo_set_line_width(cr, 1.3);
    polyline(cr, &a, load, n24, 1, 0.5, 1.0);
    if (agg) {
        rp_rgb(cr, RP_C_RUN);
        cairo_set_line_width(cr, 1.0);
        polyline(cr, &a, d->served, n24, 1, 0.5, 1.0);
    }
    rp_rgb(cr, RP_C_SERVED);
    cairo_set_line_width(cr, 2.0);
    polyline(cr, &a, served, n24, 1, 0.5, 1.0);
    cairo_restore(cr);

    /* panel 2: critical demand beside critical served, MW */
    rp_plot c = a;
    if (has_crit) {
        lo = INFINITY;
        hi = -INFINITY;
        range(crit, n24, 1, &lo, &hi);
        range(cdem, n24, 1, &lo, &hi);
        if (agg)
            range(d->agg_crit, n24, 3, &lo, &hi);
        fit(lo, hi, d->zero_based, 2, &alo, &ahi, &step);
        c = (rp_plot){LEFT, a.y1 + gap, w - RIGHT, a.y1 + gap + h2, 0.0, T, alo, ahi, 0};
        rp_axes(cr, &c, 0.0, step, NULL, "critical MW", NULL);
        night_axis(cr, &c, N, 24.0, 12.0, 1, 0);
        cairo_save(cr);
        cairo_rectangle(cr, c.x0, c.y0, c.x1 - c.x0, c.y1 - c.y0);
        cairo_clip(cr);
        if (agg) {
            rp_rgba(cr, RP_C_CRIT, 0.25);
            band(cr, &c, d->agg_crit, d->agg_crit + 2, n24, 3, 0.5, 1.0);
        }
        if (has_cd) {
            double dash[2] = {5, 3};
            cairo_set_dash(cr, dash, 2, 0);
            rp_rgb(cr, RP_C_LOAD);
            cairo_set_line_width(cr, 1.3);
            polyline(cr, &c, cdem, n24, 1, 0.5, 1.0);
            cairo_set_dash(cr, NULL, 0, 0);
        }
        rp_rgb(cr, RP_C_CRIT);
        cairo_set_line_width(cr, 1.8);
        polyline(cr, &c, crit, n24, 1, 0.5, 1.0);
        cairo_restore(cr);
    }

    /* panel 3: level = served / demand, %, with the trapezoids */
    double lmin = 100.0;
    for (int k = 0; k < n24; k++) {
        double v = agg ? d->agg_level[3 * k] : 100.0 * lvl[k];
        if (!isnan(v) && v < lmin)
            lmin = v;
    }
    double blo, bhi, bstep;
    rp_nice(lmin < 99.0 ? lmin : 99.0, 100.0, 4, &blo, &bhi, &bstep);
    if (blo < 0.0 || d->zero_based)
        blo = 0.0;
    rp_plot b = {LEFT, (has_crit ? c.y1 : a.y1) + gap, w - RIGHT, bottom, 0.0, T, blo,
                 100.0 + 0.04 * (100.0 - blo), 0};
    rp_axes(cr, &b, 0.0, bstep, "night (24 h each)", "served / demand", " %");
    night_axis(cr, &b, N, 24.0, 12.0, 1, 1);
    cairo_save(cr);
    cairo_rectangle(cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
    cairo_clip(cr);
    double pw = (b.x1 - b.x0) / (N > 0 ? N : 1);
    for (int n = 1; n <= N; n++) {
        gr_trapezoid tz;
        int fh;
        if (!(agg ? rp_trapezoid_of_level(lvl, N, n, &tz, &fh) : rp_night_trapezoid(d, n, &tz, &fh)))
            continue;
        double base = 24.0 * (n - 1) - 0.5; /* x of cur[k] = base + k */
        double xw = floor(rp_px(&a, 24.0 * (n - 1) + fh)) + 0.5;
        cairo_save(cr);
        cairo_reset_clip(cr);
        double dash[2] = {2, 3};
        cairo_set_dash(cr, dash, 2, 0);
        rp_rgba(cr, 0x555555, 0.9);
        cairo_set_line_width(cr, 1.0);
        const rp_plot *pp[3] = {&a, &c, &b};
        for (int j = 0; j < 3; j++) {
            if (j == 1 && !has_crit)
                continue;
            cairo_move_to(cr, xw, pp[j]->y0);
            cairo_line_to(cr, xw, pp[j]->y1);
        }
        cairo_stroke(cr);
        cairo_restore(cr);
        if (tz.lambda <= 1e-6)
            continue;
        int koe = (int)lround(tz.t_oe), kee = (int)lround(tz.t_ee), kor = (int)lround(tz.t_or),
            kpr = (int)lround(tz.t_pr);
        double xs = rp_px(&b, base + koe - 1), xe = rp_px(&b, base + kee),
               xo = rp_px(&b, base + kor), xp = rp_px(&b, base + kpr);
        struct { double x0, x1, a; unsigned c; } bd[3] = {
            {xs, xe, 0.3, RP_C_DROP}, {xe, xo, 0.5, RP_C_DEGR}, {xo, xp, 0.3, RP_C_RECOV}};
        for (int j = 0; j < 3; j++)
            if (bd[j].x1 > bd[j].x0) {
                rp_rgba(cr, bd[j].c, bd[j].a);
                cairo_rectangle(cr, bd[j].x0, b.y0, bd[j].x1 - bd[j].x0, b.y1 - b.y0);
                cairo_fill(cr);
            }
    }
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    if (agg) {
        rp_rgba(cr, RP_C_SERVED, 0.22);
        band(cr, &b, d->agg_level, d->agg_level + 2, n24, 3, 0.5, 1.0);
    }
    rp_rgb(cr, RP_C_SERVED);
    cairo_set_line_width(cr, 2.0);
    {
        /* the level in % on the axis: a scaled copy of the plot */
        rp_plot bp = b;
        bp.ylo /= 100.0;
        bp.yhi /= 100.0;
        polyline(cr, &bp, lvl, n24, 1, 0.5, 1.0);
    }
    for (int n = 1; n <= N; n++) {
        gr_trapezoid tz;
        int fh;
        if (!(agg ? rp_trapezoid_of_level(lvl, N, n, &tz, &fh) : rp_night_trapezoid(d, n, &tz, &fh)) ||
            tz.lambda <= 1e-6)
            continue;
        double base = 24.0 * (n - 1) - 0.5;
        double xs = rp_px(&b, base + round(tz.t_oe) - 1), xe = rp_px(&b, base + round(tz.t_ee)),
               xo = rp_px(&b, base + round(tz.t_or)), xp = rp_px(&b, base + round(tz.t_pr));
        double tdash[2] = {5, 3};
        cairo_save(cr);
        cairo_set_dash(cr, tdash, 2, 0);
        cairo_set_line_width(cr, 1.5);
        rp_rgb(cr, RP_OI_BLACK);
        cairo_move_to(cr, xs, rp_py(&b, 100.0 * tz.r0));
        cairo_line_to(cr, xe, rp_py(&b, 100.0 * tz.r_min));
        cairo_line_to(cr, xo, rp_py(&b, 100.0 * tz.r_min));
        cairo_line_to(cr, xp, rp_py(&b, 100.0 * tz.r_end));
        cairo_line_to(cr, rp_px(&b, base + RP_HOURS), rp_py(&b, 100.0 * tz.r_end));
        cairo_stroke(cr);
        cairo_restore(cr);
        if (pw >= 44.0) {
            snprintf(buf, sizeof buf, "−%.3g %%", 100.0 * tz.lambda);
            double ty = rp_py(&b, 100.0 * tz.r_min) + 5;
            if (ty > b.y1 - 14)
                ty = rp_py(&b, 100.0 * tz.r_min) - 17;
            double tx = fmin(fmax((xe + xo) / 2, b.x0 + 30), b.x1 - 30);
            rp_text_halo(cr, tx, ty, buf, 10, 0, -1);
        }
    }
    cairo_restore(cr);
}

/* ------------------------------------------------------------------------
 * People without power and without heat, per night.
 * ------------------------------------------------------------------------ */
void rp_draw_nights(cairo_t *cr, const rp_data *d, int w, int h)
{
    char buf[256];
    int N, two, from_hourly = d->has_hourly && d->has_ppl;
    int cch = -1, chm = -1;
    if (!from_hourly) {
        for (int k = 0; k < d->nights_ncol; k++) {
            if (strcmp(d->nights_names[k], "customer_hours") == 0)
                cch = k;
            if (strcmp(d->nights_names[k], "people_without_heat_max") == 0)
                chm = k;
        }
    }
    N = from_hourly ? d->nights : d->n_nights;
    two = from_hourly ? d->has_heat : chm >= 0;
    const double *band_p = from_hourly ? d->ppl_band : NULL;
    const double *band_h = from_hourly && d->has_heat ? d->heat_band : NULL;
    int agg = band_p != NULL;
    /* values of the selected run */
#define VAL_P(n)                                                                             \
    (from_hourly ? d->ppl_max[(size_t)(d->run - 1) * (size_t)d->nights + (size_t)(n)]        \
     : cch >= 0  ? d->nights_val[(size_t)(n) * (size_t)d->nights_ncol + (size_t)cch] / 24.0 \
                 : NAN)
#define VAL_H(n)                                                                             \
    (from_hourly ? d->heat_max[(size_t)(d->run - 1) * (size_t)d->nights + (size_t)(n)]       \
     : chm >= 0  ? d->nights_val[(size_t)(n) * (size_t)d->nights_ncol + (size_t)chm]        \
                 : NAN)
    /* the bars: the median over runs (several runs) or the run */
#define BAR(s, n) (agg ? ((s) == 0 ? band_p : band_h)[3 * (n) + 1] : (s) == 0 ? VAL_P(n) : VAL_H(n))
    double ymax = 0.0;
    for (int n = 0; n < N; n++) {
        double v[6] = {VAL_P(n), two ? VAL_H(n) : NAN, band_p ? band_p[3 * n + 2] : NAN,
                       band_h ? band_h[3 * n + 2] : NAN, NAN, NAN};
        for (int j = 0; j < 4; j++)
            if (!isnan(v[j]) && v[j] > ymax)
                ymax = v[j];
    }
    if (agg)
        snprintf(buf, sizeof buf,
                 "People without power and without heat per night, median of %d runs (people, "
                 "by night)", d->runs);
    else
        snprintf(buf, sizeof buf, "People without power and without heat per night (people, by night)");
    title(cr, buf);
    char lab_run[64];
    snprintf(lab_run, sizeof lab_run, "run %d", d->run);
    rp_legend_item items[4] = {
        {from_hourly ? "without power (peak hour)" : "without power (night average)", RP_C_POWER,
         RP_LEG_BOX, 0.9},
        {"without heat (peak hour)", RP_C_HEAT, RP_LEG_BOX, 0.9},
        {"p10–p90 over runs", 0x333333, RP_LEG_LINE, 1.2},
        {lab_run, RP_OI_BLACK, RP_LEG_DOT, 0},
    };
    int nit = two ? 2 : 1;
    if (agg) {
        items[nit++] = items[2];
        items[nit++] = items[3];
    }
    double top = rp_legend(cr, LEFT, 40, w - RIGHT, items, nit) + 6;
    double lo, hi, step;
    rp_nice(0.0, ymax > 0 ? ymax * 1.05 : 1.0, 5, &lo, &hi, &step);
    rp_plot p = {LEFT, top, w - RIGHT, h - 46.0, 0.0, (double)N, 0.0, hi, 0};
    rp_axes(cr, &p, 0.0, step, "night (number)", "people", NULL);
    night_axis(cr, &p, N, 1.0, 0.5, 0, 1);
    double gw = 0.8 / (two ? 2 : 1);
    for (int n = 0; n < N; n++) {
        for (int s = 0; s < (two ? 2 : 1); s++) {
            double v = BAR(s, n);
            double x0 = n + 0.1 + s * gw;
            double xc = rp_px(&p, x0 + gw / 2);
            if (!isnan(v) && v > 0.0) {
                rp_rgba(cr, s == 0 ? RP_C_POWER : RP_C_HEAT, agg ? 0.75 : 0.9);
                double px0 = rp_px(&p, x0), px1 = rp_px(&p, x0 + gw);
                if (px1 - px0 < 1.0)
                    px1 = px0 + 1.0;
                cairo_rectangle(cr, px0, rp_py(&p, v), px1 - px0, rp_py(&p, 0.0) - rp_py(&p, v));
                cairo_fill(cr);
            }
            const double *bd = s == 0 ? band_p : band_h;
            if (bd && !isnan(bd[3 * n]) && bd[3 * n + 2] > 0.0) {
                rp_rgb(cr, 0x333333);
                cairo_set_line_width(cr, 1.2);
                cairo_move_to(cr, xc, rp_py(&p, bd[3 * n]));
                cairo_line_to(cr, xc, rp_py(&p, bd[3 * n + 2]));
                cairo_move_to(cr, xc - 3, rp_py(&p, bd[3 * n]));
                cairo_line_to(cr, xc + 3, rp_py(&p, bd[3 * n]));
                cairo_move_to(cr, xc - 3, rp_py(&p, bd[3 * n + 2]));
                cairo_line_to(cr, xc + 3, rp_py(&p, bd[3 * n + 2]));
                cairo_stroke(cr);
            }
            double rv = s == 0 ? VAL_P(n) : VAL_H(n);
            if (agg && !isnan(rv)) {
                cairo_new_path(cr);
                cairo_arc(cr, xc, rp_py(&p, rv), 2.6, 0, 2 * M_PI);
                rp_rgb(cr, RP_OI_BLACK);
                cairo_fill(cr);
            }
        }
    }
#undef BAR
#undef VAL_P
#undef VAL_H
}

/* ------------------------------------------------------------------------
 * Monte Carlo: fan of the share of demand served per night.
 * ------------------------------------------------------------------------ */
void rp_draw_fan(cairo_t *cr, const rp_data *d, int w, int h)
{
    char buf[256];
    int N = d->nights;
    snprintf(buf, sizeof buf, "Share of demand served per night over %d runs (%% of the night's energy, by night)", d->runs);
    title(cr, buf);
    rp_legend_item items[] = {
        {"p10–p90", RP_C_SERVED, RP_LEG_BOX, 0.18},
        {"p25–p75", RP_C_SERVED, RP_LEG_BOX, 0.38},
        {"median", RP_C_SERVED, RP_LEG_LINE, 2.2},
        {"mean", 0x333333, RP_LEG_DASH, 1.2},
    };
    double top = rp_legend(cr, LEFT, 46, w - RIGHT, items, 4) + 4;
    double lmin = 100.0;
    for (int n = 0; n < N; n++)
        if (!isnan(d->fan[6 * n + 1]) && d->fan[6 * n + 1] < lmin)
            lmin = d->fan[6 * n + 1];
    double lo, hi, step;
    rp_nice(lmin < 99.0 ? lmin : 99.0, 100.0, 5, &lo, &hi, &step);
    if (lo < 0.0)
        lo = 0.0;
    rp_plot p = {LEFT, top, w - RIGHT, h - 46.0, 0.5, N + 0.5, lo, 100.0 + 0.04 * (100.0 - lo), 0};
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, p.x0, p.y0, p.x1 - p.x0, p.y1 - p.y0);
    cairo_fill(cr);
    rp_axes(cr, &p, 0.0, step, "night (number)", "energy served / demand", " %");
    night_axis(cr, &p, N, 1.0, 1.0, 0, 1);
    cairo_save(cr);
    cairo_rectangle(cr, p.x0, p.y0, p.x1 - p.x0, p.y1 - p.y0);
    cairo_clip(cr);
    /* bands: (lo index, hi index, alpha) in the rows (mean, p5, p25, p50, p75, p95) */
    static const int bl[2] = {1, 2}, bh[2] = {5, 4};
    static const double ba[2] = {0.18, 0.38};
    for (int j = 0; j < 2; j++) {
        rp_rgba(cr, RP_C_SERVED, ba[j]);
        int pen = 0;
        for (int n = 0; n < N; n++) {
            double y = d->fan[6 * n + bh[j]];
            if (isnan(y))
                continue;
            double x = rp_px(&p, n + 1.0), py = rp_py(&p, y);
            if (pen)
                cairo_line_to(cr, x, py);
            else
                cairo_move_to(cr, x, py);
            pen = 1;
        }
        for (int n = N - 1; n >= 0; n--) {
            double y = d->fan[6 * n + bl[j]];
            if (!isnan(y))
                cairo_line_to(cr, rp_px(&p, n + 1.0), rp_py(&p, y));
        }
        cairo_close_path(cr);
        cairo_fill(cr);
    }
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    rp_rgb(cr, RP_C_SERVED);
    cairo_set_line_width(cr, 2.2);
    polyline(cr, &p, d->fan + 3, N, 6, 1.0, 1.0);
    double dash[2] = {5, 3};
    cairo_set_dash(cr, dash, 2, 0);
    rp_rgb(cr, 0x333333);
    cairo_set_line_width(cr, 1.2);
    polyline(cr, &p, d->fan, N, 6, 1.0, 1.0);
    cairo_set_dash(cr, NULL, 0, 0);
    if (N <= 60) {
        rp_rgb(cr, RP_C_SERVED);
        for (int n = 0; n < N; n++)
            if (!isnan(d->fan[6 * n + 3])) {
                cairo_arc(cr, rp_px(&p, n + 1.0), rp_py(&p, d->fan[6 * n + 3]), 2.8, 0, 2 * M_PI);
                cairo_fill(cr);
            }
    }
    cairo_restore(cr);
}

/* ------------------------------------------------------------------------
 * Monte Carlo: CCDF of the energy not served per run.
 * ------------------------------------------------------------------------ */
void rp_draw_ccdf(cairo_t *cr, const rp_data *d, int w, int h)
{
    char buf[256];
    int m = d->nccdf;
    double xmax = 0.0, xmin = 0.0, pmin = 1.0;
    for (int k = 0; k < m; k++) {
        if (d->ccdf_x[k] > xmax)
            xmax = d->ccdf_x[k];
        if (d->ccdf_x[k] < xmin)
            xmin = d->ccdf_x[k];
        if (d->ccdf_p[k] > 0.0 && d->ccdf_p[k] < pmin)
            pmin = d->ccdf_p[k];
    }
    double sc = xmax >= 1e4 ? 1e-3 : 1.0;
    const char *unit = sc < 1.0 ? "GWh" : "MWh";
    snprintf(buf, sizeof buf, "Loss distribution over %d runs: share of runs with energy not "
             "served above x (probability against %s)", d->nrun_rows, unit);
    title(cr, buf);
    rp_legend_item items[] = {
        {"share of runs above x", RP_C_SERVED, RP_LEG_LINE, 2.0},
        {"mean", 0x333333, RP_LEG_DASH, 1.2},
        {"p95", RP_OI_VERMILLION, RP_LEG_DASH, 1.2},
    };
    double top = rp_legend(cr, LEFT, 46, w - RIGHT, items, 3) + 4;
    double lo, hi, step;
    rp_nice(xmin * sc, (xmax > 0 ? xmax : 1.0) * sc, 6, &lo, &hi, &step);
    double ylo = pow(10.0, floor(log10(pmin) - 1e-9));
    if (ylo >= 1.0)
        ylo = 0.1;
    rp_plot p = {LEFT, top, w - RIGHT, h - 52.0, lo, hi, ylo, 1.0, 1};
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, p.x0, p.y0, p.x1 - p.x0, p.y1 - p.y0);
    cairo_fill(cr);
    snprintf(buf, sizeof buf, "energy not served per run, x (%s)", unit);
    rp_axes(cr, &p, step, 0.0, buf, "probability (log scale)", NULL);
    cairo_save(cr);
    cairo_rectangle(cr, p.x0, p.y0 - 1, p.x1 - p.x0, p.y1 - p.y0 + 2);
    cairo_clip(cr);
    /* P(X > x) = 1 left of the smallest value, then steps down at each value */
    rp_rgb(cr, RP_C_SERVED);
    cairo_set_line_width(cr, 2.0);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    if (m > 0) {
        cairo_move_to(cr, p.x0, rp_py(&p, 1.0));
        double prev = 1.0;
        for (int k = 0; k < m; k++) {
            double x = rp_px(&p, d->ccdf_x[k] * sc);
            cairo_line_to(cr, x, rp_py(&p, prev));
            double pk = d->ccdf_p[k];
            cairo_line_to(cr, x, pk > 0.0 ? rp_py(&p, pk) : p.y1 + 2);
            if (pk <= 0.0)
                break;
            prev = pk;
        }
        cairo_stroke(cr);
        for (int k = 0; k < m; k++)
            if (d->ccdf_p[k] > 0.0) {
                cairo_arc(cr, rp_px(&p, d->ccdf_x[k] * sc), rp_py(&p, d->ccdf_p[k]), 2.6, 0,
                          2 * M_PI);
                cairo_fill(cr);
            }
    }
    /* mean and p95 */
    double mark[2] = {d->ens_stat[0], d->ens_stat[2]};
    unsigned mc[2] = {0x333333, RP_OI_VERMILLION};
    const char *ml[2] = {"mean", "p95"};
    for (int j = 0; j < 2; j++) {
        if (isnan(mark[j]))
            continue;
        double x = rp_px(&p, mark[j] * sc), dash[2] = {5, 3};
        cairo_set_dash(cr, dash, 2, 0);
        rp_rgb(cr, mc[j]);
        cairo_set_line_width(cr, 1.2);
        cairo_move_to(cr, floor(x) + 0.5, p.y0);
        cairo_line_to(cr, floor(x) + 0.5, p.y1);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        rp_fmt_si(buf, sizeof buf, mark[j] * sc);
        char lab[300];
        snprintf(lab, sizeof lab, "%s %s", ml[j], buf);
        rp_text(cr, x + 4, p.y0 + 4 + 14 * j, lab, 10.5, 0, -1, -1);
    }
    cairo_restore(cr);
}
