/* protect_chart.c — the protection planner's benefit curve (cairo, PNG and SVG): objective reduction against money spent, for the plan (with its 95 % intervals) and each simple rule. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cairo-svg.h>
#include <cairo.h>

#include "sim/protect_internal.h"

#define CH_W 900
#define CH_H 540
#define CH_PI 3.14159265358979323846
#define CH_FONT "DejaVu Sans" /* cairo's toy font API; fontconfig falls back to any sans */

/* A "nice" tick step (1, 2 or 5 x 10^k) for about n ticks over [0, span]. */
static double nice_step(double span, int n)
{
    if (!(span > 0.0))
        return 1.0;
    double raw = span / n, p = pow(10.0, floor(log10(raw))), f = raw / p;
    return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * p;
}

static void fmt_num(char *buf, size_t len, double v)
{
    double a = fabs(v);
    if (a >= 1e6)
        snprintf(buf, len, "%.3gM", v / 1e6);
    else if (a >= 1e4)
        snprintf(buf, len, "%.3gk", v / 1e3);
    else
        snprintf(buf, len, "%g", v);
}

static void text(cairo_t *cr, double x, double y, const char *s, double ax, double ay)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_move_to(cr, x - ax * e.width - e.x_bearing, y - ay * e.height - e.y_bearing);
    cairo_show_text(cr, s);
}

typedef struct series {
    const gr_protect_step *steps;
    int n;
    const char *label;
    double r, g, b;
    int dashed, bars;
} series;

static const char *obj_axis(int obj)
{
    return obj == GR_PROTECT_OBJ_HEAT       ? "people-hours without heat avoided per campaign"
           : obj == GR_PROTECT_OBJ_CRITICAL ? "critical facility-hours dark avoided per campaign"
                                            : "weighted MWh not served avoided per campaign";
}

static void draw(cairo_t *cr, const gr_protect_result *r, const char *unit)
{
    series sr[1 + GR_RULE_N];
    char lab[GR_RULE_N][48];
    int ns = 0;
    static const double col[GR_RULE_N][3] = {{0.85, 0.45, 0.1}, {0.2, 0.55, 0.25}, {0.5, 0.5, 0.5}};
    sr[ns++] = (series){r->plan, r->nplan, "plan (greedy, 95 % interval)", 0.1, 0.3, 0.75, 0, 1};
    for (int k = 0; k < r->nrules; k++) {
        snprintf(lab[k], sizeof lab[k], "rule: %s first", gr_protect_rule_name(r->rules[k].rule));
        if (r->rules[k].rule == GR_RULE_RANDOM)
            snprintf(lab[k], sizeof lab[k], "rule: random order");
        sr[ns++] = (series){r->rules[k].steps, r->rules[k].nsteps, lab[k], col[k][0], col[k][1],
                            col[k][2], 1, 0};
    }
    /* ranges */
    double xmax = r->budget > 0.0 ? r->budget : 1.0, ymin = 0.0, ymax = 0.0;
    for (int k = 0; k < ns; k++)
        for (int j = 0; j < sr[k].n; j++) {
            const gr_protect_step *s = &sr[k].steps[j];
            if (!isfinite(s->cum_benefit))
                continue; /* a rule step between two simulated points */
            double ci = sr[k].bars && isfinite(s->cum_benefit_ci) ? s->cum_benefit_ci : 0.0;
            if (s->cum_cost > xmax)
                xmax = s->cum_cost;
            if (s->cum_benefit + ci > ymax)
                ymax = s->cum_benefit + ci;
            if (s->cum_benefit - ci < ymin)
                ymin = s->cum_benefit - ci;
        }
    if (!(ymax > ymin))
        ymax = ymin + 1.0;
    double ystep = nice_step(ymax - ymin, 6), xstep = nice_step(xmax, 8);
    ymin = floor(ymin / ystep) * ystep;
    ymax = ceil(ymax / ystep) * ystep;
    xmax = ceil(xmax / xstep) * xstep;
    /* the legend gets its own rows between the title and the plot, so it can never
       cover a curve or an error bar (issue 20) */
    double L = 90, Rm = 30, T = 48 + 16.0 * ns + 8, B = 70, W = CH_W - L - Rm, H = CH_H - T - B;
#define X(v) (L + (v) / xmax * W)
#define Y(v) (T + H - ((v) - ymin) / (ymax - ymin) * H)
    cairo_select_font_face(cr, CH_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 15);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    char buf[256];
    snprintf(buf, sizeof buf, "What to protect first: benefit against money spent (%d runs x %d nights)",
             r->runs, r->nights);
    text(cr, L, 28, buf, 0.0, 0.5);
    cairo_select_font_face(cr, CH_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 11);
    /* grid and ticks */
    cairo_set_line_width(cr, 1.0);
    for (double v = ymin; v <= ymax + 0.5 * ystep; v += ystep) {
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_move_to(cr, L, Y(v));
        cairo_line_to(cr, L + W, Y(v));
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        fmt_num(buf, sizeof buf, fabs(v) < 1e-12 * ystep ? 0.0 : v);
        text(cr, L - 6, Y(v), buf, 1.0, 0.5);
    }
    for (double v = 0.0; v <= xmax + 0.5 * xstep; v += xstep) {
        cairo_set_source_rgb(cr, 0.92, 0.92, 0.92);
        cairo_move_to(cr, X(v), T);
        cairo_line_to(cr, X(v), T + H);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        fmt_num(buf, sizeof buf, v);
        text(cr, X(v), T + H + 8, buf, 0.5, 0.0);
    }
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_rectangle(cr, L, T, W, H);
    cairo_stroke(cr);
    snprintf(buf, sizeof buf, "spent (%s)", unit && *unit ? unit : "cost units");
    text(cr, L + 0.5 * W, CH_H - 22, buf, 0.5, 0.5);
    cairo_save(cr);
    cairo_translate(cr, 22, T + 0.5 * H);
    cairo_rotate(cr, -CH_PI / 2);
    text(cr, 0, 0, obj_axis(r->objective), 0.5, 0.5);
    cairo_restore(cr);
    /* budget line */
    if (r->budget > 0.0) {
        double dash[2] = {2, 3};
        cairo_set_source_rgb(cr, 0.6, 0.1, 0.1);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_move_to(cr, X(r->budget), T);
        cairo_line_to(cr, X(r->budget), T + H);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        text(cr, X(r->budget) - 4, T + 6, "budget", 1.0, 0.0);
    }
    /* series: from (0, 0) through each step, flat to the budget */
    for (int k = ns - 1; k >= 0; k--) {
        const series *s = &sr[k];
        double dash[2] = {7, 4};
        cairo_set_source_rgb(cr, s->r, s->g, s->b);
        cairo_set_line_width(cr, s->bars ? 2.5 : 1.8);
        cairo_set_dash(cr, s->dashed ? dash : NULL, s->dashed ? 2 : 0, 0);
        cairo_move_to(cr, X(0.0), Y(0.0));
        double last = 0.0;
        for (int j = 0; j < s->n; j++) {
            if (!isfinite(s->steps[j].cum_benefit))
                continue; /* a rule step between two simulated points */
            cairo_line_to(cr, X(s->steps[j].cum_cost), Y(s->steps[j].cum_benefit));
            last = s->steps[j].cum_benefit;
        }
        cairo_line_to(cr, X(r->budget > 0.0 ? r->budget : xmax), Y(last));
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        for (int j = 0; j < s->n; j++) {
            const gr_protect_step *st = &s->steps[j];
            if (!isfinite(st->cum_benefit))
                continue;
            double px = X(st->cum_cost), py = Y(st->cum_benefit);
            if (s->bars && isfinite(st->cum_benefit_ci)) {
                cairo_set_line_width(cr, 1.2);
                cairo_move_to(cr, px, Y(st->cum_benefit - st->cum_benefit_ci));
                cairo_line_to(cr, px, Y(st->cum_benefit + st->cum_benefit_ci));
                cairo_stroke(cr);
            }
            cairo_arc(cr, px, py, s->bars ? 3.5 : 2.5, 0, 2 * CH_PI);
            cairo_fill(cr);
        }
    }
    /* legend, above the plot area (rows from y = 48) */
    double ly = 48 + 8;
    for (int k = 0; k < ns; k++) {
        double dash[2] = {7, 4};
        cairo_set_source_rgb(cr, sr[k].r, sr[k].g, sr[k].b);
        cairo_set_line_width(cr, sr[k].bars ? 2.5 : 1.8);
        cairo_set_dash(cr, sr[k].dashed ? dash : NULL, sr[k].dashed ? 2 : 0, 0);
        cairo_move_to(cr, L + 4, ly);
        cairo_line_to(cr, L + 34, ly);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
        text(cr, L + 40, ly, sr[k].label, 0.0, 0.5);
        ly += 16;
    }
#undef X
#undef Y
}

/* Draw the chart on surface sf over a white background; cairo's status of the drawing. */
static cairo_status_t paint(cairo_surface_t *sf, const gr_protect_result *r, const char *unit)
{
    cairo_t *cr = cairo_create(sf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    draw(cr, r, unit);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    return cs;
}

static int cairo_fail(cairo_status_t cs, const char *path, gr_error *err)
{
    return gr_error_set(err, GR_EIO, "%s: cannot write the chart (%s)", path,
                        cairo_status_to_string(cs));
}

/* cairo's stream callback: into a stream of gr_out_open. */
static cairo_status_t chart_write(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, (FILE *)closure) == length ? CAIRO_STATUS_SUCCESS
                                                              : CAIRO_STATUS_WRITE_ERROR;
}

int gr_protect_chart(const gr_protect_result *r, const char *unit, const char *png_path,
                     const char *svg_path, gr_error *err)
{
    if (!r)
        return gr_error_set(err, GR_EINVAL, "protect chart: no result");
    cairo_status_t cs;
    /* each through gr_out_open: a temporary name, fsync, rename */
    if (png_path) {
        FILE *f = gr_out_open(png_path, 1, err);
        if (!f)
            return err ? err->status : GR_EIO;
        cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, CH_W, CH_H);
        cs = paint(sf, r, unit);
        if (cs == CAIRO_STATUS_SUCCESS)
            cs = cairo_surface_write_to_png_stream(sf, chart_write, f);
        cairo_surface_destroy(sf);
        if (cs != CAIRO_STATUS_SUCCESS) {
            gr_out_abort(f);
            return cairo_fail(cs, png_path, err);
        }
        int st = gr_out_close(f, err);
        if (st)
            return st;
    }
    if (svg_path) {
        FILE *f = gr_out_open(svg_path, 1, err);
        if (!f)
            return err ? err->status : GR_EIO;
        cairo_surface_t *sf = cairo_svg_surface_create_for_stream(chart_write, f, CH_W, CH_H);
        cairo_svg_surface_restrict_to_version(sf, CAIRO_SVG_VERSION_1_1);
        cs = paint(sf, r, unit);
        cairo_surface_finish(sf);
        if (cs == CAIRO_STATUS_SUCCESS)
            cs = cairo_surface_status(sf);
        cairo_surface_destroy(sf);
        if (cs != CAIRO_STATUS_SUCCESS) {
            gr_out_abort(f);
            return cairo_fail(cs, svg_path, err);
        }
        return gr_out_close(f, err);
    }
    return GR_OK;
}
