/* case_plot.c — a picture of any case (gridres plot): buses at their coordinates
 * (the overlay's, or a layout of the network), branches coloured by loading in % of
 * rateA or buses by voltage magnitude, from a power flow; PNG or SVG (cairo). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cairo-svg.h>
#include <cairo.h>

#include "gridres.h"
#include "report/report_internal.h"

void gr_case_plot_options_default(gr_case_plot_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->color = GR_PLOT_LOADING;
    opt->width_px = 1000;
    opt->vm_lo = 0.90;
    opt->vm_hi = 1.10;
}

/* Loading colour scale: green below 50 %, yellow to 80 %, orange to 100 %, red above
 * (the traffic-light bands of operators' one-line displays); grey when unrated. */
static unsigned loading_color(double x)
{
    if (!isfinite(x))
        return 0x9e9e9eu;
    return x < 0.5 ? 0x2e7d32u : x < 0.8 ? 0xc0ca33u : x < 1.0 ? 0xfb8c00u : 0xd32f2fu;
}

/* Voltage colour: blue (low) .. green (1 pu) .. red (high), linear in [lo, hi]. */
static void vm_rgb(double vm, double lo, double hi, double *r, double *g, double *b)
{
    if (!isfinite(vm)) {
        *r = *g = *b = 0.13; /* dark: not energised */
        return;
    }
    double t = (vm - lo) / (hi - lo);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    if (t < 0.5) {
        double u = t / 0.5;
        *r = 0.08 * (1 - u) + 0.18 * u, *g = 0.40 * (1 - u) + 0.60 * u, *b = 0.75 * (1 - u) + 0.2 * u;
    } else {
        double u = (t - 0.5) / 0.5;
        *r = 0.18 * (1 - u) + 0.83 * u, *g = 0.60 * (1 - u) + 0.18 * u, *b = 0.2 * (1 - u) + 0.18 * u;
    }
}

typedef struct plot_in {
    const gr_grid *g;
    const double *x, *y;
    const double *flow_pu, *vm;
    const gr_case_plot_options *opt;
    double xmin, xmax, ymin, ymax, scale, margin;
    int w, h;
} plot_in;

static double px(const plot_in *p, double x) { return p->margin + (x - p->xmin) * p->scale; }
static double py(const plot_in *p, double y)
{
    return p->h - 60 - p->margin - (y - p->ymin) * p->scale; /* y up; 60 px legend below */
}

static void draw(cairo_t *cr, const plot_in *p)
{
    const gr_grid *g = p->g;
    int by_v = p->opt->color == GR_PLOT_VOLTAGE;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (int k = 0; k < g->nl; k++) {
        double x0 = px(p, p->x[g->br_f[k]]), y0 = py(p, p->y[g->br_f[k]]);
        double x1 = px(p, p->x[g->br_t[k]]), y1 = py(p, p->y[g->br_t[k]]);
        double load = g->rate_a[k] > 0 ? fabs(p->flow_pu[k]) / g->rate_a[k] : NAN;
        if (!g->br_on[k]) {
            rp_rgb(cr, 0xbdbdbdu);
            double dash[] = {4, 4};
            cairo_set_dash(cr, dash, 2, 0);
            cairo_set_line_width(cr, 1.0);
        } else {
            rp_rgb(cr, by_v ? 0x757575u : loading_color(load));
            cairo_set_dash(cr, NULL, 0, 0);
            cairo_set_line_width(cr, by_v ? 1.5 : 1.5 + 3.0 * fmin(isfinite(load) ? load : 0, 1.5));
        }
        cairo_move_to(cr, x0, y0);
        cairo_line_to(cr, x1, y1);
        cairo_stroke(cr);
    }
    cairo_set_dash(cr, NULL, 0, 0);
    double rad = g->nb > 500 ? 1.5 : g->nb > 60 ? 3.0 : 6.0;
    for (int b = 0; b < g->nb; b++) {
        double r, gg, bb;
        if (by_v)
            vm_rgb(p->vm ? p->vm[b] : NAN, p->opt->vm_lo, p->opt->vm_hi, &r, &gg, &bb);
        else
            r = gg = bb = 0.2;
        cairo_set_source_rgb(cr, r, gg, bb);
        cairo_arc(cr, px(p, p->x[b]), py(p, p->y[b]), rad, 0, 2 * M_PI);
        cairo_fill(cr);
        if (g->nb <= 60) {
            char lb[32];
            snprintf(lb, sizeof lb, "%d", g->bus_id[b]);
            rp_text_halo(cr, px(p, p->x[b]) + rad + 2, py(p, p->y[b]) - rad - 2, lb, 11, -1, 1);
        }
    }
    /* title and legend */
    if (p->opt->title)
        rp_text(cr, 12, 18, p->opt->title, 14, 1, -1, 0);
    double ly = p->h - 30;
    if (by_v) {
        char lo[32], hi[32];
        for (int i = 0; i <= 100; i++) {
            double r, gg, bb;
            vm_rgb(p->opt->vm_lo + (p->opt->vm_hi - p->opt->vm_lo) * i / 100.0, p->opt->vm_lo,
                   p->opt->vm_hi, &r, &gg, &bb);
            cairo_set_source_rgb(cr, r, gg, bb);
            cairo_rectangle(cr, 120 + 2.0 * i, ly - 6, 2.2, 12);
            cairo_fill(cr);
        }
        snprintf(lo, sizeof lo, "%.2f", p->opt->vm_lo);
        snprintf(hi, sizeof hi, "%.2f pu", p->opt->vm_hi);
        rp_text(cr, 12, ly, "voltage", 12, 1, -1, 0);
        rp_text(cr, 115, ly, lo, 11, 0, 1, 0);
        rp_text(cr, 325, ly, hi, 11, 0, -1, 0);
    } else {
        static const rp_legend_item it[] = {{"< 50 %", 0x2e7d32u, RP_LEG_LINE, 3},
                                            {"50-80 %", 0xc0ca33u, RP_LEG_LINE, 3},
                                            {"80-100 %", 0xfb8c00u, RP_LEG_LINE, 3},
                                            {"> 100 % of rateA", 0xd32f2fu, RP_LEG_LINE, 3},
                                            {"unrated", 0x9e9e9eu, RP_LEG_LINE, 2},
                                            {"out of service", 0xbdbdbdu, RP_LEG_DASH, 1}};
        rp_text(cr, 12, ly, "loading", 12, 1, -1, 0);
        rp_legend(cr, 90, ly - 6, p->w - 10, it, 6);
    }
}

static int fail(cairo_status_t cs, const char *path, gr_error *err)
{
    return gr_error_set(err, GR_EIO, "%s: cannot draw: %s", path, cairo_status_to_string(cs));
}

int gr_case_plot(const gr_grid *g, const double *x_km, const double *y_km,
                 const double *flow_pu, const double *vm, const gr_case_plot_options *opt,
                 const char *path, int force, gr_error *err)
{
    gr_case_plot_options d;
    if (!opt) {
        gr_case_plot_options_default(&d);
        opt = &d;
    }
    size_t n = strlen(path);
    int svg = n >= 4 && strcmp(path + n - 4, ".svg") == 0;
    int png = n >= 4 && strcmp(path + n - 4, ".png") == 0;
    if (!svg && !png)
        return gr_error_set(err, GR_EINVAL, "%s: the picture's name must end in .svg or .png",
                            path);
    if (g->nb < 1)
        return gr_error_set(err, GR_EINVAL, "the case has no buses to draw");
    plot_in p = {g, x_km, y_km, flow_pu, vm, opt, 0, 0, 0, 0, 1, 30, 0, 0};
    p.xmin = p.xmax = x_km[0];
    p.ymin = p.ymax = y_km[0];
    for (int b = 1; b < g->nb; b++) {
        p.xmin = fmin(p.xmin, x_km[b]), p.xmax = fmax(p.xmax, x_km[b]);
        p.ymin = fmin(p.ymin, y_km[b]), p.ymax = fmax(p.ymax, y_km[b]);
    }
    double wx = fmax(p.xmax - p.xmin, 1e-9), wy = fmax(p.ymax - p.ymin, 1e-9);
    p.w = opt->width_px > 100 ? opt->width_px : 1000;
    p.scale = (p.w - 2 * p.margin) / wx;
    double hh = wy * p.scale;
    if (hh > 2.0 * p.w) { /* a tall region: cap the height */
        p.scale *= 2.0 * p.w / hh;
        hh = 2.0 * p.w;
    }
    if (hh < 200)
        hh = 200;
    p.h = (int)ceil(hh + 2 * p.margin + 60 + (opt->title ? 20 : 0));

    FILE *f = gr_out_open(path, force, err);
    if (!f)
        return err ? err->status : GR_EIO;
    cairo_surface_t *sf = svg ? cairo_svg_surface_create_for_stream(rp_cairo_write, f, p.w, p.h)
                              : cairo_image_surface_create(CAIRO_FORMAT_RGB24, p.w, p.h);
    if (svg)
        cairo_svg_surface_restrict_to_version(sf, CAIRO_SVG_VERSION_1_1);
    cairo_t *cr = cairo_create(sf);
    draw(cr, &p);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    if (svg)
        cairo_surface_finish(sf);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(sf);
    if (cs == CAIRO_STATUS_SUCCESS && png)
        cs = cairo_surface_write_to_png_stream(sf, rp_cairo_write, f);
    cairo_surface_destroy(sf);
    if (cs != CAIRO_STATUS_SUCCESS) {
        gr_out_abort(f);
        return fail(cs, path, err);
    }
    return gr_out_close(f, err);
}
