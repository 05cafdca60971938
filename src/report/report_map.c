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
    return (int)ceil(1500.0 / (avail > 100.0 ? avail : 100.0)) + 1;
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

static const unsigned kv_color[4] = {RP_C_KV1, RP_C_KV2, RP_C_KV3, RP_C_KVOTHER};
static const double kv_width[4] = {2.8, 1.7, 0.8, 0.7};

static void cross(cairo_t *cr, double x, double y, double r, unsigned color)
{
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 5.0);
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


const unsigned rp_seq[5] = {0xfde725u, 0x5dc863u, 0x21908du, 0x3b528bu, 0x440154u};

/* Probability p in (0, 1] to one of five steps of rp_seq (0.2 wide). */
unsigned rp_seq_color(double p)
{
    int k = (int)floor(p * 5.0 - 1e-9);
    return rp_seq[k < 0 ? 0 : k > 4 ? 4 : k];
}

/* Greedy label placement (Christensen, Marks & Shieber, ACM TOG 14:203, 1995,
 * the greedy baseline): labels in priority order; each tries right, left,
 * above, below its anchor, then the four diagonals, and takes the first box
 * that overlaps no box placed before and no other city's disc and lies
 * inside the map; a label with no free box is left out. */
typedef struct lbox {
    double x0, y0, x1, y1;
} lbox;

static int box_free(const lbox *b, const lbox *placed, int n, const lbox *inside)
{
    if (b->x0 < inside->x0 || b->x1 > inside->x1 || b->y0 < inside->y0 || b->y1 > inside->y1)
        return 0;
    for (int k = 0; k < n; k++)
        if (b->x0 < placed[k].x1 && placed[k].x0 < b->x1 && b->y0 < placed[k].y1 &&
            placed[k].y0 < b->y1)
            return 0;
    return 1;
}

/* Place label s (size px) around a disc of radius r at (cx, cy), clear of the boxes
   placed and of the discs disc[0..nd) but disc[self]; 1 when drawn. */
static int place_label(cairo_t *cr, double cx, double cy, double r, const char *s, double size,
                       lbox *placed, int *np, const lbox *inside, const lbox *disc, int nd,
                       int self)
{
    cairo_text_extents_t te;
    cairo_select_font_face(cr, RP_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents(cr, s, &te);
    double tw = te.x_advance, th = size * 1.15;
    double q = 0.75 * r;
    struct { double x, y; int ha, va; } cand[8] = {
        {cx + r, cy, -1, 0}, {cx - r, cy, 1, 0}, {cx, cy - r - 1, 0, 1}, {cx, cy + r + 1, 0, -1},
        {cx + q, cy - q, -1, 1}, {cx + q, cy + q, -1, -1}, {cx - q, cy - q, 1, 1},
        {cx - q, cy + q, 1, -1}};
    for (int j = 0; j < 8; j++) {
        lbox b;
        b.x0 = cand[j].ha < 0 ? cand[j].x : cand[j].ha == 0 ? cand[j].x - tw / 2 : cand[j].x - tw;
        b.x1 = b.x0 + tw;
        b.y0 = cand[j].va == 0 ? cand[j].y - th / 2 : cand[j].va < 0 ? cand[j].y : cand[j].y - th;
        b.y1 = b.y0 + th;
        int ok = box_free(&b, placed, *np, inside);
        for (int k = 0; ok && k < nd; k++)
            if (k != self && !box_free(&b, &disc[k], 1, inside))
                ok = 0;
        if (ok) {
            placed[(*np)++] = b;
            rp_text_halo(cr, cand[j].x, cand[j].y, s, size, cand[j].ha, cand[j].va);
            return 1;
        }
    }
    return 0;
}

/* The bounding boxes of the first n city discs as drawn (radius max(3, rmax sqrt(p / pmax))). */
static void city_discs(const gr_overlay *ov, const mapper *m, double pmax, double rmax,
                       lbox *disc, int n)
{
    for (int c = 0; c < n; c++) {
        double r = pmax > 0 ? fmax(3.0, rmax * sqrt(ov->city_population[c] / pmax)) : 4.0;
        double x = mx(m, ov->city_x_km[c]), y = my(m, ov->city_y_km[c]);
        disc[c] = (lbox){x - r, y - r, x + r, y + r};
    }
}

/* The title at the top left, 15 px bold, smaller when it would not fit the width w. */
static void title_fit(cairo_t *cr, const char *s, int w)
{
    cairo_text_extents_t te;
    cairo_select_font_face(cr, RP_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 15);
    cairo_text_extents(cr, s, &te);
    double avail = w - 2.0 * MARGIN;
    rp_text(cr, MARGIN, 12, s, te.x_advance > avail ? fmax(9.0, 15 * avail / te.x_advance) : 15, 1,
            -1, -1);
}

/* City order by population, largest first (stable by index). */
static void city_order(const gr_overlay *ov, int *ord)
{
    for (int c = 0; c < ov->ncity; c++)
        ord[c] = c;
    for (int i = 1; i < ov->ncity; i++) {
        int v = ord[i], j = i;
        while (j > 0 && ov->city_population[ord[j - 1]] < ov->city_population[v]) {
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = v;
    }
}

static void fmt_people(char *buf, size_t len, double p)
{
    if (p >= 1e6)
        snprintf(buf, len, "%.3g M", p / 1e6);
    else if (p >= 1e3)
        snprintf(buf, len, "%.0f k", p / 1e3);
    else
        snprintf(buf, len, "%.0f", p);
}

/* A plant: a triangle at its substation, filled with fill (outline black). */
static void plant_mark(cairo_t *cr, double x, double y, double r, unsigned fill)
{
    cairo_new_path(cr);
    cairo_move_to(cr, x, y - r);
    cairo_line_to(cr, x + 0.9 * r, y + 0.6 * r);
    cairo_line_to(cr, x - 0.9 * r, y + 0.6 * r);
    cairo_close_path(cr);
    rp_rgb(cr, fill);
    cairo_fill_preserve(cr);
    rp_rgb(cr, RP_C_PLANT);
    cairo_set_line_width(cr, 1.2);
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
    const char *cl = d->has_cities ? "; cities: hours without power over the campaign" : "";
    if (d->worst_hour >= 0)
        snprintf(buf, sizeof buf, "Grid map%s — damage over the campaign, areas cut off at night %d, "
                 "hour %d%s", run, d->worst_hour / RP_HOURS + 1, d->worst_hour % RP_HOURS, cl);
    else
        snprintf(buf, sizeof buf, "Grid map%s — damage over the campaign, areas cut off at the end%s",
                 run, cl);
    rp_rgb(cr, 0x111111);
    title_fit(cr, buf, w);

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

    /* plants at their substations: state of their units in the run */
    for (int pl = 0; pl < ov->nplant; pl++) {
        int state = 0; /* 0 untouched, 2 damaged and repaired, 1 out at the end */
        for (int k = 0; k < g->ng && k < ov->ng; k++)
            if (ov->gen_plant[k] == pl && d->gen_dmg[k] && (state == 0 || d->gen_dmg[k] == 1))
                state = d->gen_dmg[k];
        int sb = ov->plant_substation[pl];
        if (sb < 0 || sb >= ov->nsub)
            continue;
        plant_mark(cr, mx(&m, ov->sub_x_km[sb]), my(&m, ov->sub_y_km[sb]) - 7, 6.0,
                   state == 1 ? RP_C_DAMAGED : state == 2 ? RP_C_REPAIRED : 0xffffffu);
    }

    /* city names, largest first, where they do not overlap (greedy placement) */
    {
        int ord[256], nlab = 0;
        lbox placed[256];
        lbox inside = {m.x0 + 2, m.y0 + 2, m.x0 + map_w - 2, m.y0 + map_h - 2};
        int nc = ov->ncity < 256 ? ov->ncity : 256, n = nc;
        lbox disc[256];
        city_discs(ov, &m, pmax, rmax, disc, n);
        city_order(ov, ord);
        for (int j = 0; j < nc; j++) {
            int c = ord[j];
            if (c >= nc)
                continue;
            double r = pmax > 0 ? rmax * sqrt(ov->city_population[c] / pmax) : 4.0;
            char pop[48];
            fmt_people(pop, sizeof pop, ov->city_population[c]);
            const char *nm = ov->city_name[c] ? ov->city_name[c] : "?";
            if (d->has_cities) { /* the selected run's hours without power and below 12 °C */
                size_t i = (size_t)c * (size_t)d->runs + (size_t)(d->run - 1);
                double hd = d->city_dark_h[i], hp = d->city_heat_people[c];
                double hc = hp > 0.0 ? d->city_cold_ph[i] / hp : 0.0;
                int n0 = snprintf(buf, sizeof buf, "%s (%s): %.*f h dark", nm, pop, hd < 10 ? 1 : 0, hd);
                if (hc >= 0.05 && n0 > 0 && (size_t)n0 < sizeof buf)
                    snprintf(buf + n0, sizeof buf - (size_t)n0, ", %.*f h < 12 °C", hc < 10 ? 1 : 0, hc);
            } else {
                snprintf(buf, sizeof buf, "%s (%s)", nm, pop);
            }
            place_label(cr, mx(&m, ov->city_x_km[c]), my(&m, ov->city_y_km[c]), fmax(r, 3.0) + 3,
                        buf, 12, placed, &nlab, &inside, disc, n, c);
        }
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
        {"plant (triangle; filled as its units)", RP_C_PLANT, RP_LEG_TRI, 0},
        {"cut off (no generator reaches it)", RP_C_DARK, RP_LEG_BOX, 0.35},
    };
    for (size_t j = 0; j < sizeof rest / sizeof rest[0]; j++)
        items[ni++] = rest[j];
    rp_legend(cr, MARGIN, m.y0 + map_h + 14 + 9, w - MARGIN, items, ni);
}

/* ------------------------------------------------------------------------
 * The risk map: over all runs, per substation the share of runs in which it
 * was damaged, per line the same, per city the expected hours dark per
 * resident.
 * ------------------------------------------------------------------------ */
void rp_draw_risk(cairo_t *cr, const rp_data *d, int w, int h)
{
    const gr_overlay *ov = d->ov;
    const gr_grid *g = d->grid;
    char buf[256];
    (void)h;
    mapper m = {(w - 2 * MARGIN) / ov->width_km, MARGIN, TITLE_H, ov->height_km};
    kv_levels lv;
    lv.n = gr_kv_class_levels(ov->bus_kv, g->nb, lv.kv, 3);
    double map_w = ov->width_km * m.s, map_h = ov->height_km * m.s;
    int R = d->runs;
    snprintf(buf, sizeof buf,
             "Risk over %d runs — substations by probability of damage; cities by expected "
             "hours without power%s (km grid)", R, d->has_cities ? " and below 12 °C indoors" : "");
    rp_rgb(cr, 0x111111);
    title_fit(cr, buf, w);

    cairo_save(cr);
    rp_rgb(cr, 0xf3f5ee);
    cairo_rectangle(cr, m.x0, m.y0, map_w, map_h);
    cairo_fill_preserve(cr);
    rp_rgb(cr, 0x9e9e9e);
    cairo_set_line_width(cr, 1.0);
    cairo_stroke(cr);
    cairo_rectangle(cr, m.x0, m.y0, map_w, map_h);
    cairo_clip(cr);

    /* cities: disc area by people, grey by expected hours dark per resident */
    double pmax = 0.0, hmax = 0.0, cmax = 0.0;
    int nc = ov->ncity;
    double *eh = gr_calloc(2 * (size_t)nc + 1, sizeof(double));
    if (!eh) {
        cairo_restore(cr);
        return;
    }
    double *ec = eh + nc; /* after the check: no offset on a null pointer (UBSan) */
    for (int c = 0; c < nc; c++) {
        if (ov->city_population[c] > pmax)
            pmax = ov->city_population[c];
        eh[c] = rp_city_mean(d, c, 0);
        ec[c] = rp_city_mean(d, c, 1);
        if (eh[c] > hmax)
            hmax = eh[c];
        if (ec[c] > cmax)
            cmax = ec[c];
    }
    double full = fmax(hmax, 24.0); /* full shade: the most hours dark, at least a day */
    double rmax = 0.045 * map_w;
    for (int c = 0; c < nc; c++) {
        double r = pmax > 0 ? fmax(3.0, rmax * sqrt(ov->city_population[c] / pmax)) : 4.0;
        double f = fmin(1.0, eh[c] / full);
        double x = mx(&m, ov->city_x_km[c]), y = my(&m, ov->city_y_km[c]);
        cairo_new_path(cr);
        cairo_arc(cr, x, y, r, 0, 2 * M_PI);
        rp_rgba(cr, RP_C_CITY, 0.8);
        cairo_fill_preserve(cr);
        rp_rgba(cr, RP_C_DARK, 0.08 + 0.6 * f);
        cairo_fill_preserve(cr);
        rp_rgb(cr, 0x8a7a2a);
        cairo_set_line_width(cr, 1.0);
        cairo_stroke(cr);
        if (ec[c] > 0.0) { /* a sky-blue ring, wider for more hours below 12 °C */
            cairo_new_path(cr);
            cairo_arc(cr, x, y, r + 2.5, 0, 2 * M_PI);
            rp_rgb(cr, RP_C_COLD);
            cairo_set_line_width(cr, 1.5 + 4.5 * fmin(1.0, ec[c] / fmax(cmax, 1e-9)));
            cairo_stroke(cr);
        }
    }
    /* lines: thin by class, damaged ones coloured by probability on top */
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (int k = 0; k < g->nl; k++) {
        int f = g->br_f[k], t = g->br_t[k];
        if (ov->bus_kv[f] != ov->bus_kv[t] || gr_grid_branch_is_transformer(g, k))
            continue;
        int cls = kv_class(&lv, fmax(ov->bus_kv[f], ov->bus_kv[t]));
        rp_rgba(cr, 0x9e9e9e, 0.6);
        cairo_set_line_width(cr, 0.5 * kv_width[cls]);
        cairo_move_to(cr, mx(&m, ov->bus_x_km[f]), my(&m, ov->bus_y_km[f]));
        cairo_line_to(cr, mx(&m, ov->bus_x_km[t]), my(&m, ov->bus_y_km[t]));
        cairo_stroke(cr);
    }
    for (int k = 0; k < g->nl; k++) {
        if (!(d->line_p[k] > 0.0))
            continue;
        int f = g->br_f[k], t = g->br_t[k];
        rp_rgb(cr, rp_seq_color(d->line_p[k]));
        cairo_set_line_width(cr, 2.5);
        cairo_move_to(cr, mx(&m, ov->bus_x_km[f]), my(&m, ov->bus_y_km[f]));
        cairo_line_to(cr, mx(&m, ov->bus_x_km[t]), my(&m, ov->bus_y_km[t]));
        cairo_stroke(cr);
    }
    /* substations: small grey when never damaged, else a disc by probability,
       drawn in increasing order so that the likeliest stay on top */
    for (int j = 0; j < ov->nsub; j++)
        if (!(d->sub_p[j] > 0.0)) {
            rp_rgb(cr, 0xb0b0b0);
            cairo_new_path(cr);
            cairo_arc(cr, mx(&m, ov->sub_x_km[j]), my(&m, ov->sub_y_km[j]), 1.2, 0, 2 * M_PI);
            cairo_fill(cr);
        }
    for (int step = 0; step < 5; step++)
        for (int j = 0; j < ov->nsub; j++) {
            double p = d->sub_p[j];
            if (!(p > 0.0) || rp_seq_color(p) != rp_seq[step])
                continue;
            double x = mx(&m, ov->sub_x_km[j]), y = my(&m, ov->sub_y_km[j]);
            cairo_new_path(cr);
            cairo_arc(cr, x, y, 2.5 + 3.0 * p, 0, 2 * M_PI);
            rp_rgb(cr, rp_seq[step]);
            cairo_fill_preserve(cr);
            rp_rgb(cr, RP_OI_BLACK);
            cairo_set_line_width(cr, 0.7);
            cairo_stroke(cr);
        }
    /* plants: triangle filled by the probability a unit of it was damaged */
    for (int pl = 0; pl < ov->nplant; pl++) {
        int sb = ov->plant_substation[pl];
        if (sb < 0 || sb >= ov->nsub)
            continue;
        plant_mark(cr, mx(&m, ov->sub_x_km[sb]), my(&m, ov->sub_y_km[sb]) - 7, 6.0,
                   d->plant_p[pl] > 0.0 ? rp_seq_color(d->plant_p[pl]) : 0xffffffu);
    }
    /* labels: city, people, expected hours dark */
    {
        int ord[256], nlab = 0;
        lbox placed[256];
        lbox inside = {m.x0 + 2, m.y0 + 2, m.x0 + map_w - 2, m.y0 + map_h - 2};
        int n = nc < 256 ? nc : 256;
        lbox disc[256];
        city_discs(ov, &m, pmax, rmax, disc, n);
        city_order(ov, ord);
        for (int j = 0; j < n; j++) {
            int c = ord[j];
            if (c >= n)
                continue;
            double r = pmax > 0 ? rmax * sqrt(ov->city_population[c] / pmax) : 4.0;
            char pop[48];
            fmt_people(pop, sizeof pop, ov->city_population[c]);
            const char *nm = ov->city_name[c] ? ov->city_name[c] : "?";
            if (!d->has_cities)
                snprintf(buf, sizeof buf, "%s (%s): %.1f h cut off", nm, pop, eh[c]);
            else if (ec[c] >= 0.05)
                snprintf(buf, sizeof buf, "%s (%s): %.*f h dark, %.*f h < 12 °C", nm, pop,
                         eh[c] < 10 ? 1 : 0, eh[c], ec[c] < 10 ? 1 : 0, ec[c]);
            else
                snprintf(buf, sizeof buf, "%s (%s): %.*f h dark", nm, pop, eh[c] < 10 ? 1 : 0,
                         eh[c]);
            place_label(cr, mx(&m, ov->city_x_km[c]), my(&m, ov->city_y_km[c]), fmax(r, 3.0) + 3,
                        buf, 12, placed, &nlab, &inside, disc, n, c);
        }
    }
    gr_free(eh);
    cairo_restore(cr);

    /* legend */
    static const char *const pl[5] = {"damaged in ≤ 20 % of runs", "20–40 %", "40–60 %",
                                      "60–80 %", "80–100 %"};
    rp_legend_item items[12];
    int ni = 0;
    for (int j = 0; j < 5; j++)
        items[ni++] = (rp_legend_item){pl[j], rp_seq[j], RP_LEG_DOT, 0};
    items[ni++] = (rp_legend_item){"never damaged", 0xb0b0b0, RP_LEG_DOT, 0};
    items[ni++] = (rp_legend_item){"plant (triangle, filled by the same scale)", RP_C_PLANT,
                                   RP_LEG_TRI, 0};
    char dk[128], ck[160];
    snprintf(dk, sizeof dk, "city: darker = more hours without power per resident (full at %.0f h)",
             full);
    items[ni++] = (rp_legend_item){dk, RP_C_DARK, RP_LEG_BOX, 0.45};
    if (d->has_cities && cmax > 0.0) {
        snprintf(ck, sizeof ck, "ring: hours below 12 °C indoors per district-heated resident "
                                "(widest %.0f h)", cmax);
        items[ni++] = (rp_legend_item){ck, RP_C_COLD, RP_LEG_LINE, 4.0};
    }
    rp_legend(cr, MARGIN, m.y0 + map_h + 14 + 9, w - MARGIN, items, ni);
}
