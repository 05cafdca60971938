/* report_draw.c — chart drawing helpers on cairo: data-to-pixel boxes, 1-2-5 ticks, axes, text, legends. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"



double rp_px(const rp_plot *p, double x)
{
    double span = p->xhi - p->xlo;
    return p->x0 + (span != 0.0 ? (x - p->xlo) / span : 0.5) * (p->x1 - p->x0);
}

double rp_py(const rp_plot *p, double y)
{
    double f;
    if (p->ylog) {
        double lo = log10(p->ylo), hi = log10(p->yhi);
        f = y > 0.0 && hi > lo ? (log10(y) - lo) / (hi - lo) : 0.0;
    } else {
        double span = p->yhi - p->ylo;
        f = span != 0.0 ? (y - p->ylo) / span : 0.5;
    }
    return p->y1 - f * (p->y1 - p->y0);
}

void rp_nice(double lo, double hi, int n, double *nlo, double *nhi, double *step)
{
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0.0;
        hi = 1.0;
    }
    if (hi < lo) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (hi - lo < 1e-12 * fmax(1.0, fabs(hi))) {
        double pad = fabs(hi) > 0.0 ? 0.1 * fabs(hi) : 1.0;
        lo -= pad;
        hi += pad;
    }
    double raw = (hi - lo) / (n > 0 ? n : 5);
    double mag = pow(10.0, floor(log10(raw)));
    double f = raw / mag, s;
    if (f <= 1.0)
        s = 1.0;
    else if (f <= 2.0)
        s = 2.0;
    else if (f <= 2.5)
        s = 2.5;
    else if (f <= 5.0)
        s = 5.0;
    else
        s = 10.0;
    s *= mag;
    *step = s;
    *nlo = floor(lo / s + 1e-9) * s;
    *nhi = ceil(hi / s - 1e-9) * s;
}

void rp_fmt_si(char *buf, size_t len, double x)
{
    double a = fabs(x);
    if (isnan(x))
        snprintf(buf, len, "—");
    else if (a >= 1e9)
        snprintf(buf, len, "%g G", x / 1e9);
    else if (a >= 1e6)
        snprintf(buf, len, "%g M", x / 1e6);
    else if (a >= 1e4)
        snprintf(buf, len, "%g k", x / 1e3);
    else if (a == 0.0)
        snprintf(buf, len, "0");
    else
        snprintf(buf, len, "%.4g", x);
}

void rp_rgb(cairo_t *cr, unsigned hex)
{
    cairo_set_source_rgb(cr, ((hex >> 16) & 255) / 255.0, ((hex >> 8) & 255) / 255.0,
                         (hex & 255) / 255.0);
}

void rp_rgba(cairo_t *cr, unsigned hex, double a)
{
    cairo_set_source_rgba(cr, ((hex >> 16) & 255) / 255.0, ((hex >> 8) & 255) / 255.0,
                          (hex & 255) / 255.0, a);
}

static void place(cairo_t *cr, double x, double y, const char *s, double size, int bold, int ha,
                  int va)
{
    cairo_text_extents_t te;
    cairo_select_font_face(cr, RP_FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents(cr, s, &te);
    double dx = ha < 0 ? 0.0 : ha == 0 ? -te.x_advance / 2 : -te.x_advance;
    /* va: -1 top, 0 middle, 1 bottom, by the font size (stable for any text) */
    double dy = va < 0 ? 0.8 * size : va == 0 ? 0.35 * size : 0.0;
    cairo_move_to(cr, x + dx, y + dy);
}

void rp_text(cairo_t *cr, double x, double y, const char *s, double size, int bold, int ha,
             int va)
{
    place(cr, x, y, s, size, bold, ha, va);
    cairo_show_text(cr, s);
}

void rp_text_vertical(cairo_t *cr, double x, double y, const char *s, double size)
{
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, -M_PI / 2);
    rp_text(cr, 0, 0, s, size, 0, 0, 0);
    cairo_restore(cr);
}

void rp_text_halo(cairo_t *cr, double x, double y, const char *s, double size, int ha, int va)
{
    cairo_save(cr);
    place(cr, x, y, s, size, 0, ha, va);
    cairo_text_path(cr, s);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_set_line_width(cr, 3.0);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
    rp_rgb(cr, 0x202020);
    place(cr, x, y, s, size, 0, ha, va);
    cairo_show_text(cr, s);
    cairo_restore(cr);
}

void rp_axes(cairo_t *cr, const rp_plot *p, double xstep, double ystep, const char *xlabel,
             const char *ylabel, const char *ysuffix)
{
    char buf[64], lab[80];
    cairo_save(cr);
    cairo_set_line_width(cr, 1.0);
    /* y grid and labels */
    if (p->ylog) {
        /* decades, and 2 and 5 times them when the axis spans few decades */
        double e0 = floor(log10(p->ylo) + 1e-9), e1 = log10(p->yhi) + 1e-9;
        int minor = e1 - e0 <= 3.0;
        for (double e = e0; e <= e1; e += 1.0) {
            for (int j = 0; j < 3; j++) {
                static const double mul[3] = {1, 2, 5};
                double v = mul[j] * pow(10.0, e);
                if ((j > 0 && !minor) || v < p->ylo * (1 - 1e-9) || v > p->yhi * (1 + 1e-9))
                    continue;
                double y = rp_py(p, v);
                rp_rgb(cr, j ? 0xf0f0f0 : 0xe0e0e0);
                cairo_move_to(cr, p->x0, floor(y) + 0.5);
                cairo_line_to(cr, p->x1, floor(y) + 0.5);
                cairo_stroke(cr);
                snprintf(buf, sizeof buf, "%g", v);
                rp_rgb(cr, j ? 0x777777 : 0x333333);
                rp_text(cr, p->x0 - 6, y, buf, j ? 10 : 11, 0, 1, 0);
            }
        }
    } else if (ystep > 0.0) {
        double first = ceil(p->ylo / ystep - 1e-9) * ystep;
        for (double v = first; v <= p->yhi + 1e-9 * ystep; v += ystep) {
            double y = rp_py(p, v);
            rp_rgb(cr, 0xe0e0e0);
            cairo_move_to(cr, p->x0, floor(y) + 0.5);
            cairo_line_to(cr, p->x1, floor(y) + 0.5);
            cairo_stroke(cr);
            rp_fmt_si(buf, sizeof buf, fabs(v) < 1e-9 * ystep ? 0.0 : v);
            snprintf(lab, sizeof lab, "%s%s", buf, ysuffix ? ysuffix : "");
            rp_rgb(cr, 0x333333);
            rp_text(cr, p->x0 - 6, y, lab, 11, 0, 1, 0);
        }
    }
    if (xstep > 0.0) {
        double first = ceil(p->xlo / xstep - 1e-9) * xstep;
        for (double v = first; v <= p->xhi + 1e-9 * xstep; v += xstep) {
            double x = rp_px(p, v);
            rp_rgb(cr, 0xeeeeee);
            cairo_move_to(cr, floor(x) + 0.5, p->y0);
            cairo_line_to(cr, floor(x) + 0.5, p->y1);
            cairo_stroke(cr);
            rp_fmt_si(buf, sizeof buf, fabs(v) < 1e-9 * xstep ? 0.0 : v);
            rp_rgb(cr, 0x333333);
            rp_text(cr, x, p->y1 + 5, buf, 11, 0, 0, -1);
        }
    }
    rp_rgb(cr, 0x666666);
    cairo_rectangle(cr, floor(p->x0) + 0.5, floor(p->y0) + 0.5, floor(p->x1 - p->x0),
                    floor(p->y1 - p->y0));
    cairo_stroke(cr);
    rp_rgb(cr, 0x222222);
    if (xlabel)
        rp_text(cr, (p->x0 + p->x1) / 2, p->y1 + 22, xlabel, 12, 0, 0, -1);
    if (ylabel)
        rp_text_vertical(cr, p->x0 - 58, (p->y0 + p->y1) / 2, ylabel, 12);
    cairo_restore(cr);
}

static void legend_symbol(cairo_t *cr, double x, double y, const rp_legend_item *it)
{
    cairo_save(cr);
    cairo_new_path(cr); /* no line from the last text's end point */
    switch (it->kind) {
    case RP_LEG_LINE:
    case RP_LEG_DASH:
        rp_rgb(cr, it->color);
        cairo_set_line_width(cr, it->width > 0 ? it->width : 2.0);
        if (it->kind == RP_LEG_DASH) {
            double dash[2] = {5, 3};
            cairo_set_dash(cr, dash, 2, 0);
        }
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x + 22, y);
        cairo_stroke(cr);
        break;
    case RP_LEG_BOX:
        rp_rgba(cr, it->color, it->width > 0 ? it->width : 1.0);
        cairo_rectangle(cr, x + 2, y - 6, 18, 12);
        cairo_fill(cr);
        break;
    case RP_LEG_DOT:
        rp_rgb(cr, it->color);
        cairo_arc(cr, x + 11, y, 4.5, 0, 2 * M_PI);
        cairo_fill(cr);
        break;
    case RP_LEG_CROSS:
        rp_rgb(cr, it->color);
        cairo_set_line_width(cr, 2.5);
        cairo_move_to(cr, x + 6, y - 5);
        cairo_line_to(cr, x + 16, y + 5);
        cairo_move_to(cr, x + 16, y - 5);
        cairo_line_to(cr, x + 6, y + 5);
        cairo_stroke(cr);
        break;
    case RP_LEG_TRI:
        cairo_move_to(cr, x + 11, y - 6);
        cairo_line_to(cr, x + 17, y + 5);
        cairo_line_to(cr, x + 5, y + 5);
        cairo_close_path(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        rp_rgb(cr, it->color);
        cairo_set_line_width(cr, 1.2);
        cairo_stroke(cr);
        break;
    case RP_LEG_CIRCLE:
        rp_rgba(cr, it->color, 0.15);
        cairo_arc(cr, x + 11, y, 7, 0, 2 * M_PI);
        cairo_fill_preserve(cr);
        rp_rgb(cr, it->color);
        cairo_set_line_width(cr, 1.2);
        {
            double dash[2] = {3, 2};
            cairo_set_dash(cr, dash, 2, 0);
        }
        cairo_stroke(cr);
        break;
    default: break;
    }
    cairo_restore(cr);
}

double rp_legend(cairo_t *cr, double x, double y, double x_max, const rp_legend_item *it, int n)
{
    double cx = x, row = 18;
    cairo_select_font_face(cr, RP_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 11.5);
    for (int k = 0; k < n; k++) {
        cairo_text_extents_t te;
        cairo_select_font_face(cr, RP_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, 11.5);
        cairo_text_extents(cr, it[k].label, &te);
        double wk = 22 + 6 + te.x_advance + 18;
        if (cx > x && cx + wk > x_max) {
            cx = x;
            y += row;
        }
        legend_symbol(cr, cx, y, &it[k]);
        rp_rgb(cr, 0x222222);
        rp_text(cr, cx + 28, y, it[k].label, 11.5, 0, -1, 0);
        cx += wk;
    }
    return y + row;
}
