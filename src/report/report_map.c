/* report_map.c — the grid map: lines by voltage level on the overlay's coordinates, damaged elements, dark areas, cities, defended zones. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"

#define MARGIN 16.0
#define TITLE_H 40.0

/* Legend rows a map of width w needs (the legend is about 1150 px long). */
static int legend_rows(int w)
{
    double avail = w - 2 * MARGIN;
    return (int)ceil(1150.0 / (avail > 100.0 ? avail : 100.0)) + 1;
}

int rp_map_height(const rp_data *d, int w)
{
    double s = (w - 2 * MARGIN) / d->ov->width_km;
    return (int)ceil(TITLE_H + d->ov->height_km * s + 14.0 + 18.0 * legend_rows(w) + 8.0);
}

typedef struct mapper {
    double s, x0, y0, hkm;
} mapper;

static double mx(const mapper *m, double x_km) { return m->x0 + x_km * m->s; }
static double my(const mapper *m, double y_km) { return m->y0 + (m->hkm - y_km) * m->s; }

/* Voltage class on the map: the index of the level among the grid's three
 * highest (gr_kv_class_levels over the overlay's bus kV: 750/330/110 kV on
 * the synthetic region, 400/220 kV on a 400/220 kV grid), 3 below them. */
typedef struct kv_levels {
    int n;
    double kv[3];
} kv_levels;

static int kv_class(const kv_levels *lv, double kv)
{
    double v = round(kv * 10.0) / 10.0;
    for (int j = 0; j < lv->n; j++)
        if (v >= lv->kv[j])
            return j;
    return 3;
}

static const unsigned kv_color[4] = {RP_C_KV750, RP_C_KV330, RP_C_KV110, RP_C_KVOTHER};
static const double kv_width[4] = {2.8, 1.7, 0.8, 0.7};

static void cross(cairo_t *cr, double x, double y, double r, unsigned color)
{
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 4.5);
    cairo_move_to(cr, x - r, y - r);
    cairo_line_to(cr, x + r, y + r);
    cairo_move_to(cr, x + r, y - r);
    cairo_line_to(cr, x - r, y + r);
    cairo_stroke(cr);
    rp_rgb(cr, color);
    cairo_set_line_width(cr, 2.5);
    cairo_move_to(cr, x - r, y - r);
    cairo_line_to(cr, x + r, y + r);
    cairo_move_to(cr, x + r, y - r);
    cairo_line_to(cr, x - r, y + r);
    cairo_stroke(cr);
}

void rp_draw_map(cairo_t *cr, const rp_data *d, int w, int h)
{
    const gr_overlay *ov = d->ov;
    const gr_grid *g = d->grid;
    char buf[256];
    (void)h;
    mapper m = {(w - 2 * MARGIN) / ov->width_km, MARGIN, TITLE_H, ov->height_km};
    kv_levels lv;
    lv.n = gr_kv_class_levels(ov->bus_kv, g->nb, lv.kv, 3);
    double map_w = ov->width_km * m.s, map_h = ov->height_km * m.s;

    char run[32] = "";
    if (d->runs > 1)
        snprintf(run, sizeof run, ", run %d", d->run);
    if (d->worst_hour >= 0)
        snprintf(buf, sizeof buf, "Grid map%s — damage over the campaign, dark areas at night %d, hour %d",
                 run, d->worst_hour / RP_HOURS + 1, d->worst_hour % RP_HOURS);
    else
        snprintf(buf, sizeof buf, "Grid map%s — damage over the campaign, dark areas at the end", run);
    rp_rgb(cr, 0x111111);
    rp_text(cr, MARGIN, 12, buf, 15, 1, -1, -1);

    /* region */
    cairo_save(cr);
    rp_rgb(cr, 0xf3f5ee);
    cairo_rectangle(cr, m.x0, m.y0, map_w, map_h);
    cairo_fill_preserve(cr);
    rp_rgb(cr, 0x9e9e9e);
    cairo_set_line_width(cr, 1.0);
    cairo_stroke(cr);
    cairo_rectangle(cr, m.x0, m.y0, map_w, map_h);
    cairo_clip(cr);

    /* defended zones */
    for (int z = 0; z < ov->nzone; z++) {
        double x = mx(&m, ov->zone_x_km[z]), y = my(&m, ov->zone_y_km[z]),
               r = ov->zone_radius_km[z] * m.s, dash[2] = {5, 3};
        rp_rgba(cr, RP_C_ZONE, 0.07);
        cairo_new_path(cr);
        cairo_arc(cr, x, y, r, 0, 2 * M_PI);
        cairo_fill_preserve(cr);
        rp_rgba(cr, RP_C_ZONE, 0.75);
        cairo_set_line_width(cr, 1.2);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }

    /* cities: disc area in proportion to population */
    double pmax = 0.0;
    for (int c = 0; c < ov->ncity; c++)
        if (ov->city_population[c] > pmax)
            pmax = ov->city_population[c];
    double rmax = 0.045 * map_w;
    for (int c = 0; c < ov->ncity; c++) {
        double r = pmax > 0 ? rmax * sqrt(ov->city_population[c] / pmax) : 4.0;
        if (r < 3.0)
            r = 3.0;
        cairo_new_path(cr);
        cairo_arc(cr, mx(&m, ov->city_x_km[c]), my(&m, ov->city_y_km[c]), r, 0, 2 * M_PI);
        rp_rgba(cr, RP_C_CITY, 0.75);
        cairo_fill_preserve(cr);
        rp_rgb(cr, 0xc9a227);
        cairo_set_line_width(cr, 1.0);
        cairo_stroke(cr);
    }

    /* dark areas: one path of discs filled once (non-zero winding), so that
       overlapping discs do not darken each other */
    if (d->n_dark > 0) {
        double r = fmax(5.0, 0.012 * map_w);
        cairo_new_path(cr);
        for (int b = 0; b < g->nb; b++)
            if (d->dark[b]) {
                cairo_new_sub_path(cr);
                cairo_arc(cr, mx(&m, ov->bus_x_km[b]), my(&m, ov->bus_y_km[b]), r, 0, 2 * M_PI);
            }
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
        rp_rgba(cr, RP_C_DARK, 0.35);
        cairo_fill(cr);
    }

    /* lines, low voltage first */
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (int cls = 3; cls >= 0; cls--) {
        for (int k = 0; k < g->nl; k++) {
            int f = g->br_f[k], t = g->br_t[k];
            double kv = fmax(ov->bus_kv[f], ov->bus_kv[t]);
            if (ov->bus_kv[f] != ov->bus_kv[t] || gr_grid_branch_is_transformer(g, k))
                continue; /* transformers: drawn as the substation, not as a line */
            if (kv_class(&lv, kv) != cls)
                continue;
            rp_rgba(cr, kv_color[cls], g->br_on[k] ? 0.9 : 0.35);
            cairo_set_line_width(cr, kv_width[cls]);
            if (!g->br_on[k]) {
                double dash[2] = {3, 3};
                cairo_set_dash(cr, dash, 2, 0);
            }
            cairo_move_to(cr, mx(&m, ov->bus_x_km[f]), my(&m, ov->bus_y_km[f]));
            cairo_line_to(cr, mx(&m, ov->bus_x_km[t]), my(&m, ov->bus_y_km[t]));
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
        }
    }
    /* buses: the two highest levels' substations as squares, the others as dots */
    for (int b = 0; b < g->nb; b++) {
        int cls = kv_class(&lv, ov->bus_kv[b]);
        double x = mx(&m, ov->bus_x_km[b]), y = my(&m, ov->bus_y_km[b]);
        rp_rgb(cr, kv_color[cls]);
        cairo_new_path(cr);
        if (cls <= 1)
            cairo_rectangle(cr, x - 2.5, y - 2.5, 5, 5);
        else
            cairo_arc(cr, x, y, 1.3, 0, 2 * M_PI);
        cairo_fill(cr);
    }
    /* dark buses */
    rp_rgb(cr, RP_C_DARK);
    for (int b = 0; b < g->nb; b++)
        if (d->dark[b]) {
            cairo_new_path(cr);
            cairo_arc(cr, mx(&m, ov->bus_x_km[b]), my(&m, ov->bus_y_km[b]), 2.2, 0, 2 * M_PI);
            cairo_fill(cr);
        }

    /* damaged elements: repaired ones first, those still out on top */
    for (int pass = 2; pass >= 1; pass--) {
        unsigned col = pass == 1 ? RP_C_DAMAGED : RP_C_REPAIRED;
        for (int k = 0; k < g->nl; k++) {
            if (d->br_dmg[k] != pass)
                continue;
            int f = g->br_f[k], t = g->br_t[k];
            double x1 = mx(&m, ov->bus_x_km[f]), y1 = my(&m, ov->bus_y_km[f]),
                   x2 = mx(&m, ov->bus_x_km[t]), y2 = my(&m, ov->bus_y_km[t]);
            rp_rgba(cr, col, 0.85);
            cairo_set_line_width(cr, 4.0);
            cairo_move_to(cr, x1, y1);
            cairo_line_to(cr, x2, y2);
            cairo_stroke(cr);
            cross(cr, (x1 + x2) / 2, (y1 + y2) / 2, 4.0, col);
        }
        for (int k = 0; k < g->ng; k++)
            if (d->gen_dmg[k] == pass) {
                int b = g->gen_bus[k];
                cross(cr, mx(&m, ov->bus_x_km[b]) + 3, my(&m, ov->bus_y_km[b]) - 3, 4.5, col);
            }
        for (int b = 0; b < g->nb; b++)
            if (d->bus_dmg[b] == pass)
                cross(cr, mx(&m, ov->bus_x_km[b]), my(&m, ov->bus_y_km[b]), 5.5, col);
    }

    /* city names, right of the disc (left of it near the right edge) */
    for (int c = 0; c < ov->ncity; c++) {
        double r = pmax > 0 ? rmax * sqrt(ov->city_population[c] / pmax) : 4.0, p = ov->city_population[c];
        char pop[48];
        cairo_text_extents_t te;
        if (p >= 1e6)
            snprintf(pop, sizeof pop, "%.3g M", p / 1e6);
        else if (p >= 1e3)
            snprintf(pop, sizeof pop, "%.0f k", p / 1e3);
        else
            snprintf(pop, sizeof pop, "%.0f", p);
        snprintf(buf, sizeof buf, "%s (%s)", ov->city_name[c] ? ov->city_name[c] : "?", pop);
        cairo_select_font_face(cr, RP_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, 12);
        cairo_text_extents(cr, buf, &te);
        double cx = mx(&m, ov->city_x_km[c]), cy = my(&m, ov->city_y_km[c]);
        r = fmax(r, 3.0) + 3;
        if (cx + r + te.x_advance > m.x0 + map_w - 2)
            rp_text_halo(cr, cx - r, cy, buf, 12, 1, 0);
        else
            rp_text_halo(cr, cx + r, cy, buf, 12, -1, 0);
    }

    /* scale bar */
    double lo, hi, step;
    rp_nice(0.0, ov->width_km / 5.0, 1, &lo, &hi, &step);
    double bar = step * m.s, bx = m.x0 + 12, by = m.y0 + map_h - 14;
    rp_rgb(cr, 0x333333);
    cairo_set_line_width(cr, 2.0);
    cairo_move_to(cr, bx, by);
    cairo_line_to(cr, bx + bar, by);
    cairo_move_to(cr, bx, by - 4);
    cairo_line_to(cr, bx, by + 4);
    cairo_move_to(cr, bx + bar, by - 4);
    cairo_line_to(cr, bx + bar, by + 4);
    cairo_stroke(cr);
    snprintf(buf, sizeof buf, "%g km", step);
    rp_text_halo(cr, bx + bar / 2, by - 6, buf, 11, 0, 1);
    cairo_restore(cr);

    /* legend */
    char kvl[4][40];
    rp_legend_item items[12];
    int ni = 0;
    static const double leg_w[4] = {2.8, 1.7, 1.2, 0.9};
    for (int j = 0; j < lv.n; j++) {
        snprintf(kvl[j], sizeof kvl[j], "%g kV", lv.kv[j]);
        items[ni++] = (rp_legend_item){kvl[j], kv_color[j], RP_LEG_LINE, leg_w[j]};
    }
    if (lv.n == 3 && gr_kv_levels(ov->bus_kv, g->nb, NULL, 0) > 3) {
        snprintf(kvl[3], sizeof kvl[3], "below %g kV", lv.kv[2]);
        items[ni++] = (rp_legend_item){kvl[3], kv_color[3], RP_LEG_LINE, leg_w[3]};
    }
    static const rp_legend_item rest[] = {
        {"city (area ∝ people)", RP_C_CITY, RP_LEG_DOT, 0},
        {"defended zone", RP_C_ZONE, RP_LEG_CIRCLE, 0},
        {"damaged, out at the end", RP_C_DAMAGED, RP_LEG_CROSS, 0},
        {"damaged, repaired", RP_C_REPAIRED, RP_LEG_CROSS, 0},
        {"dark area", RP_C_DARK, RP_LEG_BOX, 0.35},
    };
    for (size_t j = 0; j < sizeof rest / sizeof rest[0]; j++)
        items[ni++] = rest[j];
    rp_legend(cr, MARGIN, m.y0 + map_h + 14 + 9, w - MARGIN, items, ni);
}
