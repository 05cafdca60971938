/* report.c — gr_report_write: read a campaign folder, draw each chart as PNG and SVG with cairo, write report.html. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo-svg.h>

#include "report/report_internal.h"

enum { CH_SERVED = 0, CH_NIGHTS, CH_MAP, CH_RISK, CH_FAN, CH_CCDF, CH_TORNADO, CH_N };

void gr_report_options_default(gr_report_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->run = 1;
    opt->width_px = 1100;
    opt->height_px = 560;
    opt->map_px = 900;
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* cairo's stream callback: into a stream of gr_out_open. */
cairo_status_t rp_cairo_write(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, (FILE *)closure) == length ? CAIRO_STATUS_SUCCESS
                                                              : CAIRO_STATUS_WRITE_ERROR;
}

static int cairo_fail(cairo_status_t cs, const char *path, gr_error *err)
{
    return gr_error_set(err, cs == CAIRO_STATUS_NO_MEMORY ? GR_ENOMEM : GR_EIO, "%s: %s", path,
                        cairo_status_to_string(cs));
}

/* Draw chart c as PNG and SVG under DIR/charts (each through gr_out_open: a
 * temporary name, fsync, rename). */
static int render(const rp_data *d, const rp_chart *c, gr_error *err)
{
    char path[RP_PATH_MAX + 16];
    cairo_status_t cs;

    /* PNG */
    snprintf(path, sizeof path, "%s/charts/%s.png", d->dir, c->name);
    FILE *f = gr_out_open(path, 1, err);
    if (!f)
        return err ? err->status : GR_EIO;
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, c->width, c->height);
    cairo_t *cr = cairo_create(sf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    c->draw(cr, d, c->width, c->height);
    cs = cairo_status(cr);
    cairo_destroy(cr);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_write_to_png_stream(sf, rp_cairo_write, f);
    cairo_surface_destroy(sf);
    if (cs != CAIRO_STATUS_SUCCESS) {
        gr_out_abort(f);
        return cairo_fail(cs, path, err);
    }
    int st = gr_out_close(f, err);
    if (st)
        return st;

    /* SVG (text as glyph outlines: no fonts needed to view it) */
    snprintf(path, sizeof path, "%s/charts/%s.svg", d->dir, c->name);
    if (!(f = gr_out_open(path, 1, err)))
        return err ? err->status : GR_EIO;
    sf = cairo_svg_surface_create_for_stream(rp_cairo_write, f, c->width, c->height);
    cairo_svg_surface_restrict_to_version(sf, CAIRO_SVG_VERSION_1_1);
    cr = cairo_create(sf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    c->draw(cr, d, c->width, c->height);
    cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(sf);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    if (cs != CAIRO_STATUS_SUCCESS) {
        gr_out_abort(f);
        return cairo_fail(cs, path, err);
    }
    return gr_out_close(f, err);
}

static void add_name(char *buf, size_t len, const char *s)
{
    size_t n = strlen(buf);
    snprintf(buf + n, len - n, "%s%s", n ? ", " : "", s);
}

int gr_report_write(const char *dir, const gr_report_options *opt, gr_error *err)
{
    return gr_report_write_info(dir, opt, NULL, err);
}

int gr_report_write_info(const char *dir, const gr_report_options *opt, gr_report_info *info,
                         gr_error *err)
{
    gr_report_options o;
    rp_data d;
    rp_chart charts[CH_N];
    rp_chart_out out[CH_N];
    char path[RP_PATH_MAX + 16], title[512];
    struct stat sb;
    int st;

    if (info)
        memset(info, 0, sizeof *info);
    if (opt)
        o = *opt;
    else
        gr_report_options_default(&o);
    if (!dir || !*dir)
        return gr_error_set(err, GR_EINVAL, "no campaign folder given");
    if (o.run < 1 || o.width_px < 300 || o.width_px > 8000 || o.height_px < 300 ||
        o.height_px > 8000 || o.map_px < 300 || o.map_px > 8000)
        return gr_error_set(err, GR_EINVAL,
                            "report options out of range (run >= 1, chart sizes 300 .. 8000 px)");
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return gr_error_set(err, GR_ENOTFOUND, "%s: no such folder", dir);

    memset(&d, 0, sizeof d);
    if ((st = rp_data_read(&d, dir, o.run, err)))
        goto done;
    d.zero_based = o.zero_based;

    /* which charts can be drawn */
    static const char *const names[CH_N] = {"served", "nights", "map", "risk",
                                            "fan", "ccdf", "tornado"};
    static const char *const titles[CH_N] = {
        "Load served over the campaign", "People without power and heat per night",
        "Map of the grid", "Risk map over all runs", "Monte Carlo: served load per night",
        "Monte Carlo: loss CCDF", "Sensitivity of the outputs to the most uncertain inputs"};
    /* the tornado chart is drawn by tornado.c from the sensitivity folder */
    static void (*const draws[CH_N])(cairo_t *, const rp_data *, int, int) = {
        rp_draw_served, rp_draw_nights, rp_draw_map, rp_draw_risk, rp_draw_fan, rp_draw_ccdf, NULL};
    memset(out, 0, sizeof out);
    for (int k = 0; k < CH_N; k++) {
        charts[k].name = names[k];
        charts[k].title = titles[k];
        charts[k].width = o.width_px;
        charts[k].height = o.height_px;
        charts[k].draw = draws[k];
        out[k].chart = &charts[k];
        out[k].drawn = 1;
    }
    int has_night_people = 0;
    for (int k = 0; k < d.nights_ncol; k++)
        if (strcmp(d.nights_names[k], "customer_hours") == 0 ||
            strcmp(d.nights_names[k], "people_without_heat_max") == 0)
            has_night_people = 1;
    const char *run_word = d.runs > 1 ? "the selected run" : "the run";
    if (!d.has_hourly) {
        out[CH_SERVED].drawn = 0;
        snprintf(out[CH_SERVED].note, sizeof out[0].note, "hourly.csv is missing.");
    } else {
        if (d.runs > 1)
            snprintf(out[CH_SERVED].caption, sizeof out[0].caption,
                     "%d nights, median over runs with the p10–p90 band of %d runs (run %d as "
                     "a thin line): hourly demand and load served (MW), critical demand and "
                     "critical load served (MW) and the level served / demand (%%) with each "
                     "night's resilience trapezoid.",
                     d.nights, d.runs, d.run);
        else
            snprintf(out[CH_SERVED].caption, sizeof out[0].caption,
                     "Run %d, %d nights: hourly demand and load served (MW), critical demand "
                     "and critical load served (MW) and the level served / demand (%%) with "
                     "each night's resilience trapezoid.",
                     d.run, d.nights);
    }
    if (!(d.has_hourly && d.has_ppl) && !(d.has_nights && has_night_people)) {
        out[CH_NIGHTS].drawn = 0;
        snprintf(out[CH_NIGHTS].note, sizeof out[0].note,
                 "neither hourly.csv (with people_without_power) nor nights.csv (with "
                 "customer_hours) is there.");
    } else {
        snprintf(out[CH_NIGHTS].caption, sizeof out[0].caption,
                 "%s%d: %s in each night%s.", d.has_hourly && d.has_ppl && d.runs > 1 ?
                 "Median over runs, with run " : "Run ", d.run,
                 d.has_hourly && d.has_ppl ? "the most people without power and without heat in "
                                             "one hour"
                                           : "people without power on average (customer-hours / "
                                             "24) and the most people without heat",
                 d.has_hourly && d.has_ppl && d.runs > 1 ? "; whiskers p10–p90 over all runs, dots the run" : "");
    }
    if (!d.has_grid) {
        out[CH_MAP].drawn = 0;
        snprintf(out[CH_MAP].note, sizeof out[0].note, "grid.m and scenario.json are needed.");
    } else {
        charts[CH_MAP].width = o.map_px;
        charts[CH_MAP].height = rp_map_height(&d, o.map_px);
        snprintf(out[CH_MAP].caption, sizeof out[0].caption,
                 "%d buses and %d branches; damage in %s%s; %d buses dark %s.", d.grid->nb,
                 d.grid->nl, run_word, d.has_events ? "" : " (events.csv is missing: none shown)",
                 d.n_dark,
                 d.worst_hour >= 0 ? "at the worst hour" : "at the end");
    }
    if (!d.has_risk || d.runs < 2) {
        out[CH_RISK].drawn = 0;
        snprintf(out[CH_RISK].note, sizeof out[0].note, "%s",
                 !d.has_grid ? "grid.m and scenario.json are needed."
                 : !d.has_events ? "events.csv is missing."
                                 : "a single run (the risk map needs two runs or more).");
    } else {
        charts[CH_RISK].width = o.map_px;
        charts[CH_RISK].height = rp_map_height(&d, o.map_px);
        snprintf(out[CH_RISK].caption, sizeof out[0].caption,
                 "All %d runs: the share of runs in which each substation (a bus, a transformer "
                 "or a plant unit of it) and each line was damaged, and per city the expected "
                 "hours dark per resident (buses destroyed or cut off from generation; load "
                 "shed inside a live island is not counted here).",
                 d.runs);
    }
    if (!d.fan) {
        out[CH_FAN].drawn = 0;
        snprintf(out[CH_FAN].note, sizeof out[0].note, "%s",
                 d.has_hourly ? "a single run (Monte Carlo charts need two runs or more)."
                              : "hourly.csv is missing.");
    } else {
        snprintf(out[CH_FAN].caption, sizeof out[0].caption,
                 "Energy served / energy demanded in each night over %d runs.", d.runs);
    }
    if (d.nccdf <= 0) {
        out[CH_CCDF].drawn = 0;
        snprintf(out[CH_CCDF].note, sizeof out[0].note, "%s",
                 !d.has_runs ? "runs.csv is missing."
                 : d.nrun_rows < 2 ? "a single run (Monte Carlo charts need two runs or more)."
                                   : "runs.csv has no energy-not-served values.");
    } else {
        snprintf(out[CH_CCDF].caption, sizeof out[0].caption,
                 "Share of the %d runs whose energy not served exceeds x (ens_mwh of runs.csv).",
                 d.nrun_rows);
    }

    /* the tornado chart only with a sensitivity folder (else not listed at all) */
    int nch = o.sensitivity ? CH_N : CH_TORNADO;
    if (!o.sensitivity) {
        out[CH_TORNADO].drawn = 0;
    } else {
        char sj[RP_PATH_MAX + 32];
        snprintf(sj, sizeof sj, "%s/sensitivity.json", o.sensitivity);
        if (!exists(sj)) {
            st = gr_error_set(err, GR_ENOTFOUND, "%s: no such file (a `gridres sensitivity` "
                              "output folder is needed)", sj);
            goto done;
        }
    }

    /* refuse to overwrite before writing anything */
    if (!o.force) {
        snprintf(path, sizeof path, "%s/report.html", d.dir);
        int clash = exists(path);
        for (int k = 0; k < CH_N && !clash; k++)
            for (int e = 0; e < 2 && out[k].drawn && !clash; e++) {
                snprintf(path, sizeof path, "%s/charts/%s.%s", d.dir, names[k], e ? "svg" : "png");
                clash = exists(path);
            }
        if (clash) {
            st = gr_error_set(err, GR_EEXIST, "'%s' exists; not overwriting it (use --force)", path);
            goto done;
        }
    }
    snprintf(path, sizeof path, "%s/charts", d.dir);
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        st = gr_error_set(err, GR_EIO, "%s: cannot create: %s", path, strerror(errno));
        goto done;
    }
    for (int k = 0; k < CH_N; k++)
        if (out[k].drawn && k != CH_TORNADO && (st = render(&d, &charts[k], err)))
            goto done;
    if (out[CH_TORNADO].drawn &&
        (st = rp_tornado_charts(o.sensitivity, path, &charts[CH_TORNADO].width,
                                &charts[CH_TORNADO].height, out[CH_TORNADO].caption,
                                sizeof out[0].caption, err)))
        goto done;

    /* the page */
    const char *scen = d.summary ? json_string_value(json_object_get(d.summary, "scenario")) : NULL;
    if (o.title)
        snprintf(title, sizeof title, "%s", o.title);
    else if (scen)
        snprintf(title, sizeof title, "Campaign report: %s", scen);
    else
        snprintf(title, sizeof title, "Campaign report");
    snprintf(path, sizeof path, "%s/report.html", d.dir);
    FILE *f = gr_out_open(path, 1, err);
    if (!f) {
        st = err ? err->status : GR_EIO;
        goto done;
    }
    st = rp_html_write(f, &d, title, out, nch, err);
    if (st) {
        gr_out_abort(f);
        goto done;
    }
    if ((st = gr_out_close(f, err)))
        goto done;
    if (info) {
        for (int k = 0; k < nch; k++) {
            if (out[k].drawn) {
                info->n_charts++;
                add_name(info->charts, sizeof info->charts, names[k]);
            } else {
                char b[300];
                info->n_skipped++;
                snprintf(b, sizeof b, "%s: %s", names[k], out[k].note);
                size_t n = strlen(info->skipped);
                snprintf(info->skipped + n, sizeof info->skipped - n, "%s%s", n ? " " : "", b);
            }
        }
    }
    st = GR_OK;
done:
    rp_data_free(&d);
    return st;
}
