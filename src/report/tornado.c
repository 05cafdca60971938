/* tornado.c — gr_sensitivity_report_write: the tornado chart (PNG and SVG, cairo) and a
 * small HTML page of a sensitivity folder (sensitivity.json of `gridres sensitivity`).
 *
 * A tornado diagram (Howard, Management Science 34(6), 1988; Saltelli et al., Global
 * Sensitivity Analysis: The Primer, 2008, ch. 1): per output one panel, per parameter one
 * row, a bar from the base value to the value at the low factor and one to the value at
 * the high factor, rows sorted by the swing |high - low|, the widest on top. Whiskers:
 * ±1 standard error of the paired difference (common random numbers). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cairo-svg.h>

#include "report/report_internal.h"

#define TN_MAX_PARAM 64
#define TN_MAX_METRIC 16
#define TN_W 1100
#define TN_ROW 24.0
#define TN_PANEL_TOP 30.0
#define TN_PANEL_BOTTOM 46.0
#define TN_LEFT 250.0
#define TN_RIGHT 30.0
#define TN_TITLE 64.0
#define TN_C_LOW RP_OI_BLUE
#define TN_C_HIGH RP_OI_ORANGE

typedef struct tn_data {
    const json_t *root;
    int np, nm;
    const char *label[TN_MAX_PARAM];
    double flo[TN_MAX_PARAM], fhi[TN_MAX_PARAM];
    const char *mkey[TN_MAX_METRIC], *mlabel[TN_MAX_METRIC], *munit[TN_MAX_METRIC];
    double mscale[TN_MAX_METRIC];
    /* [m][p]: values in display units */
    double base[TN_MAX_METRIC];
    double lo[TN_MAX_METRIC][TN_MAX_PARAM], hi[TN_MAX_METRIC][TN_MAX_PARAM];
    double selo[TN_MAX_METRIC][TN_MAX_PARAM], sehi[TN_MAX_METRIC][TN_MAX_PARAM];
    int runs, nights;
    long long seed;
    const char *scenario;
} tn_data;

static double jn(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static double jstat(const json_t *o, const char *metric, const char *field)
{
    return jn(json_object_get(o, metric), field);
}

static int tn_read(tn_data *d, const json_t *root, const char *path, gr_error *err)
{
    memset(d, 0, sizeof *d);
    d->root = root;
    const json_t *ma = json_object_get(root, "metrics"), *pa = json_object_get(root, "params"),
                 *base = json_object_get(root, "base");
    const char *fmt = json_string_value(json_object_get(root, "format"));
    if (!fmt || strcmp(fmt, "gridres-sensitivity") != 0 || !json_is_array(ma) ||
        !json_is_array(pa) || !json_is_object(base))
        return gr_error_set(err, GR_EPARSE,
                            "%s: not a sensitivity file ($.format \"gridres-sensitivity\", "
                            "$.metrics, $.params and $.base expected)",
                            path);
    d->nm = (int)json_array_size(ma);
    d->np = (int)json_array_size(pa);
    if (d->nm < 1 || d->nm > TN_MAX_METRIC || d->np < 1 || d->np > TN_MAX_PARAM)
        return gr_error_set(err, GR_EPARSE, "%s: $.metrics (1 .. %d) or $.params (1 .. %d): "
                                            "wrong count",
                            path, TN_MAX_METRIC, TN_MAX_PARAM);
    for (int m = 0; m < d->nm; m++) {
        const json_t *o = json_array_get(ma, (size_t)m);
        d->mkey[m] = json_string_value(json_object_get(o, "key"));
        d->mlabel[m] = json_string_value(json_object_get(o, "label"));
        d->munit[m] = json_string_value(json_object_get(o, "unit"));
        d->mscale[m] = jn(o, "scale");
        if (!d->mkey[m] || !d->mlabel[m] || !d->munit[m] || !isfinite(d->mscale[m]))
            return gr_error_set(err, GR_EPARSE,
                                "%s: $.metrics[%d]: key, label, unit (strings) and scale "
                                "(number) expected",
                                path, m);
        d->base[m] = jstat(base, d->mkey[m], "mean") * d->mscale[m];
    }
    for (int p = 0; p < d->np; p++) {
        const json_t *o = json_array_get(pa, (size_t)p);
        d->label[p] = json_string_value(json_object_get(o, "label"));
        d->flo[p] = jn(o, "low_factor");
        d->fhi[p] = jn(o, "high_factor");
        const json_t *lo = json_object_get(o, "low"), *hi = json_object_get(o, "high");
        if (!d->label[p] || !json_is_object(lo) || !json_is_object(hi))
            return gr_error_set(err, GR_EPARSE,
                                "%s: $.params[%d]: label, low and high expected", path, p);
        for (int m = 0; m < d->nm; m++) {
            d->lo[m][p] = jstat(lo, d->mkey[m], "mean") * d->mscale[m];
            d->hi[m][p] = jstat(hi, d->mkey[m], "mean") * d->mscale[m];
            d->selo[m][p] = jstat(lo, d->mkey[m], "se_diff") * d->mscale[m];
            d->sehi[m][p] = jstat(hi, d->mkey[m], "se_diff") * d->mscale[m];
        }
    }
    d->runs = (int)jn(root, "runs");
    d->nights = (int)jn(root, "nights");
    const json_t *sv = json_object_get(root, "seed");
    d->seed = json_is_integer(sv) ? (long long)json_integer_value(sv) : 0;
    d->scenario = json_string_value(json_object_get(root, "scenario"));
    return GR_OK;
}

static double swing(const tn_data *d, int m, int p)
{
    double s = fabs(d->hi[m][p] - d->lo[m][p]);
    return isnan(s) ? -1.0 : s;
}

/* Rows of panel m sorted by swing, widest first (ties: parameter order). */
static void order(const tn_data *d, int m, int *idx)
{
    for (int p = 0; p < d->np; p++)
        idx[p] = p;
    for (int a = 1; a < d->np; a++) /* insertion sort: stable */
        for (int b = a; b > 0 && swing(d, m, idx[b]) > swing(d, m, idx[b - 1]); b--) {
            int t = idx[b];
            idx[b] = idx[b - 1];
            idx[b - 1] = t;
        }
}

static double panel_h(const tn_data *d) { return TN_PANEL_TOP + d->np * TN_ROW + TN_PANEL_BOTTOM; }

static int tn_height(const tn_data *d) { return (int)(TN_TITLE + d->nm * panel_h(d) + 10.0); }

static void bar(cairo_t *cr, const rp_plot *pl, double y, double from, double to, double se,
                unsigned color, double hfrac)
{
    if (isnan(to) || isnan(from))
        return;
    double x0 = rp_px(pl, fmin(from, to)), x1 = rp_px(pl, fmax(from, to));
    if (x1 - x0 < 1.0) { /* no change: a thin mark */
        x0 -= 0.5;
        x1 += 0.5;
    }
    rp_rgb(cr, color);
    cairo_rectangle(cr, x0, y - TN_ROW * hfrac / 2, x1 - x0, TN_ROW * hfrac);
    cairo_fill(cr);
    if (isfinite(se) && se > 0.0) {
        double xa = rp_px(pl, to - se), xb = rp_px(pl, to + se);
        rp_rgb(cr, RP_OI_BLACK);
        cairo_set_line_width(cr, 1.0);
        cairo_move_to(cr, xa, y);
        cairo_line_to(cr, xb, y);
        cairo_move_to(cr, xa, y - 4);
        cairo_line_to(cr, xa, y + 4);
        cairo_move_to(cr, xb, y - 4);
        cairo_line_to(cr, xb, y + 4);
        cairo_stroke(cr);
    }
}

static void draw(cairo_t *cr, const tn_data *d, int w)
{
    char buf[512];
    rp_rgb(cr, 0x111111);
    rp_text(cr, 20, 10, "Sensitivity of the campaign outputs (one at a time)", 17, 1, -1, -1);
    snprintf(buf, sizeof buf,
             "%s; %d runs x %d nights, seed %lld, common random numbers; bars: base -> low / "
             "high factor; whiskers: \xc2\xb1" "1 s.e. of the paired difference",
             d->scenario ? d->scenario : "", d->runs, d->nights, d->seed);
    rp_rgb(cr, 0x444444);
    rp_text(cr, 20, 34, buf, 11, 0, -1, -1);
    rp_legend_item leg[2] = {{"low factor", TN_C_LOW, RP_LEG_BOX, 1.0},
                             {"high factor", TN_C_HIGH, RP_LEG_BOX, 1.0}};
    rp_legend(cr, w - 230, 14, w - 10, leg, 2);
    int idx[TN_MAX_PARAM];
    for (int m = 0; m < d->nm; m++) {
        double top = TN_TITLE + m * panel_h(d);
        rp_plot pl;
        pl.x0 = TN_LEFT;
        pl.x1 = w - TN_RIGHT;
        pl.y0 = top + TN_PANEL_TOP;
        pl.y1 = pl.y0 + d->np * TN_ROW;
        pl.ylo = 0;
        pl.yhi = d->np;
        pl.ylog = 0;
        double lo = d->base[m], hi = d->base[m];
        for (int p = 0; p < d->np; p++) {
            double v[4] = {d->lo[m][p] - fmax(0, d->selo[m][p]), d->lo[m][p] + fmax(0, d->selo[m][p]),
                           d->hi[m][p] - fmax(0, d->sehi[m][p]), d->hi[m][p] + fmax(0, d->sehi[m][p])};
            for (int k = 0; k < 4; k++)
                if (isfinite(v[k])) {
                    lo = fmin(lo, v[k]);
                    hi = fmax(hi, v[k]);
                }
        }
        if (!isfinite(lo) || !isfinite(hi)) {
            lo = 0.0;
            hi = 1.0;
        }
        if (hi - lo < 1e-12 * fmax(1.0, fabs(hi)))
            hi = lo + fmax(1e-9, 0.1 * fabs(lo) + (lo == 0.0 ? 1.0 : 0.0));
        double step;
        rp_nice(lo, hi, 6, &pl.xlo, &pl.xhi, &step);
        snprintf(buf, sizeof buf, "%s, %s (base %.4g %s)", d->mlabel[m], d->munit[m], d->base[m],
                 d->munit[m]);
        rp_rgb(cr, 0x111111);
        rp_text(cr, 20, top + 8, buf, 13, 1, -1, -1);
        snprintf(buf, sizeof buf, "%s (%s)", d->mlabel[m], d->munit[m]);
        rp_axes(cr, &pl, step, 0.0, buf, NULL, NULL);
        order(d, m, idx);
        for (int r = 0; r < d->np; r++) {
            int p = idx[r];
            double y = pl.y0 + (r + 0.5) * TN_ROW;
            snprintf(buf, sizeof buf, "%s (x%g / x%g)", d->label[p], d->flo[p], d->fhi[p]);
            rp_rgb(cr, 0x222222);
            rp_text(cr, TN_LEFT - 8, y, buf, 11, 0, 1, 0);
            /* both on one side of the base: the longer first and full height, the
               shorter over it and thinner, so that both show */
            double dl = d->lo[m][p] - d->base[m], dh = d->hi[m][p] - d->base[m];
            int same = dl * dh > 0.0, low_first = fabs(dl) >= fabs(dh);
            if (low_first) {
                bar(cr, &pl, y, d->base[m], d->lo[m][p], d->selo[m][p], TN_C_LOW, 0.64);
                bar(cr, &pl, y, d->base[m], d->hi[m][p], d->sehi[m][p], TN_C_HIGH,
                    same ? 0.32 : 0.64);
            } else {
                bar(cr, &pl, y, d->base[m], d->hi[m][p], d->sehi[m][p], TN_C_HIGH, 0.64);
                bar(cr, &pl, y, d->base[m], d->lo[m][p], d->selo[m][p], TN_C_LOW,
                    same ? 0.32 : 0.64);
            }
        }
        /* the base line */
        if (isfinite(d->base[m])) {
            double xb = rp_px(&pl, d->base[m]);
            rp_rgb(cr, RP_OI_BLACK);
            cairo_set_line_width(cr, 1.5);
            cairo_move_to(cr, xb, pl.y0);
            cairo_line_to(cr, xb, pl.y1);
            cairo_stroke(cr);
        }
    }
}

static int cairo_fail(cairo_status_t cs, const char *path, gr_error *err)
{
    return gr_error_set(err, cs == CAIRO_STATUS_NO_MEMORY ? GR_ENOMEM : GR_EIO, "%s: %s", path,
                        cairo_status_to_string(cs));
}

static int render(const tn_data *d, const char *dir, int svg, gr_error *err)
{
    char path[RP_PATH_MAX + 32];
    int w = TN_W, h = tn_height(d);
    snprintf(path, sizeof path, "%s/tornado.%s", dir, svg ? "svg" : "png");
    FILE *f = gr_out_open(path, 1, err);
    if (!f)
        return err ? err->status : GR_EIO;
    cairo_surface_t *sf;
    if (svg) {
        sf = cairo_svg_surface_create_for_stream(rp_cairo_write, f, w, h);
        cairo_svg_surface_restrict_to_version(sf, CAIRO_SVG_VERSION_1_1);
    } else {
        sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    }
    cairo_t *cr = cairo_create(sf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    draw(cr, d, w);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    if (svg) {
        cairo_surface_finish(sf);
        if (cs == CAIRO_STATUS_SUCCESS)
            cs = cairo_surface_status(sf);
    } else if (cs == CAIRO_STATUS_SUCCESS) {
        cs = cairo_surface_write_to_png_stream(sf, rp_cairo_write, f);
    }
    cairo_surface_destroy(sf);
    if (cs != CAIRO_STATUS_SUCCESS) {
        gr_out_abort(f);
        return cairo_fail(cs, path, err);
    }
    return gr_out_close(f, err);
}

static void esc(FILE *f, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

static void num(FILE *f, double x)
{
    if (isnan(x))
        fputs("—", f);
    else
        fprintf(f, "%.4g", x);
}

static int page(const tn_data *d, const char *dir, gr_error *err)
{
    char path[RP_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/report.html", dir);
    FILE *f = gr_out_open(path, 1, err);
    if (!f)
        return err ? err->status : GR_EIO;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<title>Sensitivity report</title>\n<style>\n"
          "body{font-family:sans-serif;max-width:1150px;margin:1em auto;color:#222}\n"
          "table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;"
          "padding:2px 6px;text-align:right}th:first-child,td:first-child{text-align:left}\n"
          "img{max-width:100%}\n</style>\n</head>\n<body>\n<h1>Sensitivity report</h1>\n<p>",
          f);
    esc(f, d->scenario);
    fprintf(f, ": %d runs &times; %d nights per case, seed %lld; base, low and high cases run "
               "with the same random streams (common random numbers). Each parameter scales "
               "every number under its JSON path by the factor shown; the others stay at the "
               "base (one at a time). Method and sources: docs/calibration.md.</p>\n",
            d->runs, d->nights, d->seed);
    fprintf(f, "<figure id=\"chart-tornado\">\n<img class=\"chart\" src=\"tornado.png\" "
               "width=\"%d\" height=\"%d\" alt=\"Tornado chart\">\n<figcaption>Tornado chart "
               "(<a href=\"tornado.svg\">SVG</a>): per output, the value at the low and the high "
               "factor of each parameter against the base (black line); whiskers &plusmn;1 "
               "standard error of the paired difference.</figcaption>\n</figure>\n",
            TN_W, tn_height(d));
    for (int m = 0; m < d->nm; m++) {
        fputs("<h2>", f);
        esc(f, d->mlabel[m]);
        fputs(" (", f);
        esc(f, d->munit[m]);
        fputs(")</h2>\n<table>\n<tr><th>parameter</th><th>factors</th><th>low</th><th>base</th>"
              "<th>high</th><th>s.e. low &minus; base</th><th>s.e. high &minus; base</th></tr>\n",
              f);
        for (int p = 0; p < d->np; p++) {
            fputs("<tr><td>", f);
            esc(f, d->label[p]);
            fprintf(f, "</td><td>&times;%g / &times;%g</td><td>", d->flo[p], d->fhi[p]);
            num(f, d->lo[m][p]);
            fputs("</td><td>", f);
            num(f, d->base[m]);
            fputs("</td><td>", f);
            num(f, d->hi[m][p]);
            fputs("</td><td>", f);
            num(f, d->selo[m][p]);
            fputs("</td><td>", f);
            num(f, d->sehi[m][p]);
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    fputs("</body>\n</html>\n", f);
    if (ferror(f)) {
        gr_out_abort(f);
        return gr_error_set(err, GR_EIO, "%s: write error", path);
    }
    return gr_out_close(f, err);
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* SDIR/sensitivity.json into *root and *d (caller frees both). */
static int load(const char *sdir, json_t **root, tn_data **d, gr_error *err)
{
    char path[RP_PATH_MAX + 32];
    *root = NULL;
    *d = NULL;
    if (!sdir || !*sdir)
        return gr_error_set(err, GR_EINVAL, "no sensitivity folder given");
    if (strlen(sdir) > RP_PATH_MAX)
        return gr_error_set(err, GR_EINVAL, "folder name too long");
    snprintf(path, sizeof path, "%s/sensitivity.json", sdir);
    json_error_t je;
    *root = json_load_file(path, 0, &je);
    if (!*root)
        return gr_error_set(err, errno == ENOENT && !exists(path) ? GR_ENOTFOUND : GR_EPARSE,
                            "%s:%d:%d: %s", path, je.line, je.column, je.text);
    if (!(*d = malloc(sizeof **d)))
        return gr_error_set(err, GR_ENOMEM, "out of memory");
    return tn_read(*d, *root, path, err);
}

int rp_tornado_charts(const char *sdir, const char *charts_dir, int *w, int *h, char *caption,
                      size_t caplen, gr_error *err)
{
    json_t *root;
    tn_data *d;
    int st = load(sdir, &root, &d, err);
    if (!st && !(st = render(d, charts_dir, 0, err)) && !(st = render(d, charts_dir, 1, err))) {
        *w = TN_W;
        *h = tn_height(d);
        int n = snprintf(caption, caplen,
                         "gridres sensitivity (%s): each input scaled one at a time to its low and "
                         "high factor, %d runs x %d nights, seed %lld, common random numbers; "
                         "bars from the base value to the low (blue) and high (orange) value of "
                         "each output, whiskers ±1 standard error of the paired difference. "
                         "Inputs:",
                         sdir, d->runs, d->nights, d->seed);
        for (int p = 0; p < d->np && n > 0 && (size_t)n < caplen; p++)
            n += snprintf(caption + n, caplen - (size_t)n, "%s %s (x%g / x%g)", p ? "," : "",
                          d->label[p], d->flo[p], d->fhi[p]);
    }
    free(d);
    json_decref(root);
    return st;
}

int gr_sensitivity_report_write(const char *dir, int force, gr_error *err)
{
    char path[RP_PATH_MAX + 32];
    static const char *const outs[] = {"tornado.png", "tornado.svg", "report.html"};
    json_t *root;
    tn_data *d;
    int st = load(dir, &root, &d, err);
    if (st)
        goto done;
    if (!force)
        for (size_t k = 0; k < sizeof outs / sizeof *outs; k++) {
            snprintf(path, sizeof path, "%s/%s", dir, outs[k]);
            if (exists(path)) {
                st = gr_error_set(err, GR_EEXIST, "'%s' exists; not overwriting it (use --force)",
                                  path);
                goto done;
            }
        }
    if ((st = render(d, dir, 0, err)) || (st = render(d, dir, 1, err)) || (st = page(d, dir, err)))
        goto done;
    st = GR_OK;
done:
    free(d);
    json_decref(root);
    return st;
}
