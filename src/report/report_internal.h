/* report_internal.h — private types of the campaign report: CSV reader, the data read from a campaign folder, chart drawing helpers. */
#ifndef GRIDRES_REPORT_INTERNAL_H
#define GRIDRES_REPORT_INTERNAL_H

#include <stdio.h>

#include <cairo.h>
#include <jansson.h>

#include "gridres.h"

/* cairo's write callback into a stream of gr_out_open (closure: the FILE *),
 * for cairo_surface_write_to_png_stream and cairo_svg_surface_create_for_stream. */
cairo_status_t rp_cairo_write(void *closure, const unsigned char *data, unsigned int length);

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define RP_HOURS 24
#define RP_FONT "DejaVu Sans" /* cairo's toy font API; fontconfig falls back to any sans */
#define RP_PATH_MAX 4096
#define RP_ALL_MAX (1L << 21) /* runs x nights x 24 cells kept for every run */

/* ------------------------------------------------------------------------
 * CSV files read by header name (report_csv.c). Fields may be quoted
 * ("a,b", "" for a quote); blank lines are skipped; \r\n is fine. Messages
 * are "PATH:LINE: …".
 * ------------------------------------------------------------------------ */
typedef struct rp_csv {
    FILE *f;
    const char *path;       /* borrowed, for messages */
    long line;              /* line number of the current row (header: 1) */
    char *buf;              /* the current line, split in place */
    size_t cap;
    int ncol;
    char **head;            /* ncol column names (into hbuf) */
    char *hbuf;
    char **cell;            /* ncol fields of the current row (into buf) */
    long data_pos;          /* file offset of the first data line (for rp_csv_rewind) */
} rp_csv;

/* Open `path` and read its header. GR_EIO (cannot open), GR_EPARSE (empty
 * file, empty or duplicate column name), GR_ENOMEM. */
int rp_csv_open(rp_csv *c, const char *path, gr_error *err);
void rp_csv_close(rp_csv *c);
/* Index of column `name`, or -1. */
int rp_csv_col(const rp_csv *c, const char *name);
/* The same, GR_EPARSE "PATH:1: no column 'NAME'" when absent. */
int rp_csv_require(const rp_csv *c, const char *name, int *col, gr_error *err);
/* Next row: 1, 0 at the end, or a negative status (wrong field count, I/O). */
int rp_csv_next(rp_csv *c, gr_error *err);
/* Back to the first data row. */
int rp_csv_rewind(rp_csv *c, gr_error *err);
/* Field `col` of the current row as a number ("nan" allowed), or as an
 * integer in [lo, hi]; GR_EPARSE naming line and column otherwise. */
int rp_csv_num(const rp_csv *c, int col, double *x, gr_error *err);
int rp_csv_int(const rp_csv *c, int col, long lo, long hi, int *x, gr_error *err);

/* ------------------------------------------------------------------------
 * The data of a campaign folder (report_data.c).
 * ------------------------------------------------------------------------ */
enum { RP_EV_DAMAGE = 0, RP_EV_HIT, RP_EV_TRIP, RP_EV_SHED, RP_EV_RECLOSE, RP_EV_REPAIR,
       RP_EV_OTHER };

typedef struct rp_event {
    int run;                /* 1-based */
    int night;
    double t_h;
    int kind;               /* RP_EV_* */
    int elem_kind;          /* GR_ELEM_*, -1 when the element has another form */
    int elem_id;            /* branch/gen: 1-based row; bus/island: external bus number */
    double mw_lost;
} rp_event;

/* A per-night statistic of one run (from hourly.csv, rows sum or max). */
typedef struct rp_data {
    char dir[RP_PATH_MAX];  /* the folder, without trailing slashes */
    int run;                /* the run drawn by the time charts and the map (1-based) */
    int zero_based;         /* gr_report_options.zero_based */

    /* hourly.csv */
    int has_hourly;
    int runs, nights;       /* largest run and night numbers in hourly.csv */
    int has_crit, has_ppl, has_heat; /* optional columns present */
    double *load, *served, *crit, *ppl, *heat; /* nights*24 of the selected run (NaN: no row) */
    double *e_served, *e_load;  /* runs*nights: energy served and demanded per night */
    double *ppl_max, *heat_max; /* runs*nights: largest hourly value per night (NaN: none) */

    /* nights.csv: rows of the selected run, by night */
    int has_nights;
    int n_nights;           /* largest night number of the selected run */
    int nights_ncol;        /* columns kept (known names present in the file) */
    const char *nights_names[16];
    double *nights_val;     /* n_nights * nights_ncol (NaN: no row) */

    /* events.csv: events of the selected run, and of all runs (sorted by run, then time) */
    int has_events;
    int nev;
    rp_event *ev;
    int nev_all;
    rp_event *ev_all;

    /* hourly.csv, every run: runs * nights * 24 values (NaN: no row) of load, served,
       critical served, people without power, people without heat; NULL when the
       campaign is larger than RP_ALL_MAX cells */
    double *all[5];
    /* critical demand / demand: the campaign's critical load (gr_load_classes_from_overlay,
       the same sum as src/sim/campaign_run.c record_hour), NaN without grid.m */
    double crit_share;

    /* runs.csv */
    int has_runs;
    int nrun_rows;
    double *run_ens;        /* nrun_rows values of ens_mwh */

    /* summary.json */
    json_t *summary;        /* NULL when absent */

    /* grid.m + scenario.json */
    int has_grid;
    gr_case *gcase;
    gr_overlay *ov;
    gr_grid *grid;
    int nties;              /* campaign.json's interconnection.ties: the campaign appends
                               them as generators after grid.m's (events gen:ng+1 ...) */

    /* map layers (with the grid): per element 0 untouched, 1 damaged and not
       repaired at the end, 2 damaged and repaired by the end */
    unsigned char *br_dmg, *gen_dmg, *bus_dmg;
    unsigned char *dark;    /* nb: 1 when the bus is dark at worst_hour (destroyed, or in
                               an island without generation) */
    int worst_hour;         /* campaign hour (0-based) of the selected run with the largest
                               load - served; -1 when nothing was lost (dark: at the end) */
    int n_dark;

    /* statistics over runs (hourly.csv with two runs or more; else NULL) */
    double *fan;            /* nights * 6: mean, p10, p25, p50, p75, p90 of the share of
                               demand served per night, % */
    double *ppl_band, *heat_band; /* nights * 3: p10, p50, p90 of the nightly peaks */
    /* per campaign hour (nights * 24 * 3: p10, p50, p90 over runs) of demand, served,
       critical served and the level served / demand (%); NULL with one run */
    double *agg_load, *agg_served, *agg_crit, *agg_level;
    /* the served chart's curves (nights * 24): the median over runs, or the run:
       demand, served, critical served, critical demand, level (served / demand) */
    double *v_load, *v_served, *v_crit, *v_cdem, *v_lvl;
    double *ens_rn;         /* runs * nights: energy not served per night, MWh */
    double *ens_night;      /* nights * 4: mean, p10, p50, p90 of ens_rn over runs */

    /* risk over all runs (grid.m, scenario.json, events.csv and hourly.csv) */
    int has_risk;
    double *sub_p;          /* nsub: share of runs in which the substation (a bus of it, a
                               transformer inside it or a unit of its plant) was damaged */
    double *line_p;         /* nl: share of runs in which the branch was damaged */
    double *plant_p;        /* nplant: share of runs in which a unit of the plant was damaged */
    double *city_dark_h;    /* ncity * runs: hours dark per resident (share of the city's
                               people on dark buses, summed over the hours) */
    double *city_dark;      /* runs * nights*24 * ncity: that share hour by hour (NULL when
                               too large) */
    double *city_people;    /* ncity: people on the city's buses (bus_population) */
    /* cities.csv (the campaign's outage queues and heat model; read with the risk
       layers): when present, city_dark_h and city_dark come from it, not from the
       replay; per area c (0..ncity-1 a city, ncity the buses of no city) and run r,
       index c * runs + r: person-hours without power and below 12 °C indoors */
    int has_cities;
    double *city_dark_ph, *city_cold_ph;
    double *city_heat_people; /* ncity: district-heated people (bus_heat_population of
                               the city's heat districts) */
    double *city_cold;      /* runs * nights*24 * ncity: share of the heated people below
                               12 °C hour by hour (NULL without cities.csv or when too large) */
    /* time to restore per element kind (branch, gen, bus) over every damaged unit of
       every run: units, repaired, mean over all (unrepaired counted to the campaign's
       end), mean over the repaired only */
    int rs_units[3], rs_repaired[3];
    double rs_mean_all[3], rs_mean_rep[3];
    /* runs.csv with two rows or more */
    int nccdf;
    double *ccdf_x, *ccdf_p; /* gr_ccdf of run_ens */
    double ens_stat[3];     /* mean, p50, p95 of run_ens */
} rp_data;

/* Read what the folder holds. Absent optional files are flagged, not errors;
 * a malformed one is GR_EPARSE with "DIR/FILE:LINE: …". */
int rp_data_read(rp_data *d, const char *dir, int run, gr_error *err);
void rp_data_free(rp_data *d);

/* The trapezoid drawn for night n (1-based) of the selected run: the level
 * curve (served / load) with the hour before prepended, as the campaign
 * computes it; 0 when the night had no wave (no damage or hit event; without
 * events.csv the first hour the level fell). */
int rp_night_trapezoid(const rp_data *d, int night, gr_trapezoid *tz, int *first_hour);
/* The same on a level curve lvl (nights * 24 values, served / demand; NaN: the hour
   before), the wave at the first hour the level falls (report_charts.c). */
int rp_trapezoid_of_level(const double *lvl, int nights, int night, gr_trapezoid *tz,
                          int *first_hour);

/* ------------------------------------------------------------------------
 * Chart drawing (report_draw.c): a plot box mapping data to pixels, nice
 * ticks, text, legends.
 * ------------------------------------------------------------------------ */
typedef struct rp_plot {
    double x0, y0, x1, y1;  /* pixel box (x0 < x1 left to right, y0 < y1 top to bottom) */
    double xlo, xhi, ylo, yhi;
    int ylog;               /* y on a log10 scale (ylo, yhi > 0) */
} rp_plot;

double rp_px(const rp_plot *p, double x);
double rp_py(const rp_plot *p, double y);
/* Round [lo, hi] out to multiples of a 1-2-5 step giving about n ticks. */
void rp_nice(double lo, double hi, int n, double *nlo, double *nhi, double *step);
/* "1.2 M", "350 k", "12.5", "0.25" */
void rp_fmt_si(char *buf, size_t len, double x);
void rp_rgb(cairo_t *cr, unsigned hex);
void rp_rgba(cairo_t *cr, unsigned hex, double a);
/* Text at (x, y): ha -1 left, 0 centre, 1 right; va -1 top, 0 middle, 1
 * baseline-ish bottom. */
void rp_text(cairo_t *cr, double x, double y, const char *s, double size, int bold, int ha,
             int va);
/* The same, rotated 90° counter-clockwise (centred on (x, y)). */
void rp_text_vertical(cairo_t *cr, double x, double y, const char *s, double size);
/* Text with a white halo (map labels). */
void rp_text_halo(cairo_t *cr, double x, double y, const char *s, double size, int ha, int va);
/* Frame, grid lines and tick labels of a plot. x ticks: every xstep from
 * xlo (xfmt NULL: rp_fmt_si), or none when xstep <= 0; y ticks: every ystep,
 * or decades when ylog. */
void rp_axes(cairo_t *cr, const rp_plot *p, double xstep, double ystep, const char *xlabel,
             const char *ylabel, const char *ysuffix);
/* Legend entries drawn in a row starting at (x, y). */
enum { RP_LEG_LINE = 0, RP_LEG_DASH, RP_LEG_BOX, RP_LEG_DOT, RP_LEG_CROSS, RP_LEG_CIRCLE,
       RP_LEG_TRI };
typedef struct rp_legend_item {
    const char *label;
    unsigned color;
    int kind;               /* RP_LEG_* */
    double width;           /* line width (lines), alpha (boxes) */
} rp_legend_item;
/* Draw the items left to right from (x, y), wrapping at x_max; returns the
 * y below the last row. */
double rp_legend(cairo_t *cr, double x, double y, double x_max, const rp_legend_item *it,
                 int n);

/* ------------------------------------------------------------------------
 * The charts (report_charts.c, report_map.c).
 * ------------------------------------------------------------------------ */
typedef struct rp_chart {
    const char *name;       /* file name without extension: charts/NAME.png|svg */
    const char *title;
    int width, height;      /* pixels */
    void (*draw)(cairo_t *cr, const rp_data *d, int w, int h);
} rp_chart;

void rp_draw_served(cairo_t *cr, const rp_data *d, int w, int h);
void rp_draw_nights(cairo_t *cr, const rp_data *d, int w, int h);
void rp_draw_map(cairo_t *cr, const rp_data *d, int w, int h);
void rp_draw_fan(cairo_t *cr, const rp_data *d, int w, int h);
void rp_draw_ccdf(cairo_t *cr, const rp_data *d, int w, int h);
/* Height of the map for width w (the region's aspect plus the legend). */
int rp_map_height(const rp_data *d, int w);

/* Colours shared by charts and the page legend: the Okabe–Ito palette, safe for
   the common colour-vision deficiencies (Okabe & Ito, "Color Universal Design",
   2008; Wong, Nature Methods 8:441, 2011). */
#define RP_OI_BLACK 0x000000u
#define RP_OI_ORANGE 0xe69f00u
#define RP_OI_SKY 0x56b4e9u
#define RP_OI_GREEN 0x009e73u
#define RP_OI_YELLOW 0xf0e442u
#define RP_OI_BLUE 0x0072b2u
#define RP_OI_VERMILLION 0xd55e00u
#define RP_OI_PURPLE 0xcc79a7u
#define RP_C_LOAD RP_OI_BLACK      /* demand */
#define RP_C_SERVED RP_OI_BLUE     /* served, and its p10–p90 band */
#define RP_C_RUN RP_OI_SKY         /* the selected run over the aggregate */
#define RP_C_CRIT RP_OI_ORANGE     /* critical served (critical demand: black, dashed) */
#define RP_C_LOST RP_OI_PURPLE     /* not served */
#define RP_C_DROP RP_OI_VERMILLION /* trapezoid: the drop */
#define RP_C_DEGR RP_OI_YELLOW     /* trapezoid: degraded */
#define RP_C_RECOV RP_OI_GREEN     /* trapezoid: recovery */
#define RP_C_POWER RP_OI_BLUE
#define RP_C_HEAT RP_OI_VERMILLION
/* map: lines of the grid's three highest voltage levels (from the case), then the
   levels below; damage in black-and-vermillion marks that no line colour shares */
#define RP_C_KV1 RP_OI_PURPLE
#define RP_C_KV2 RP_OI_BLUE
#define RP_C_KV3 RP_OI_GREEN
#define RP_C_KVOTHER 0x9e9e9eu
#define RP_C_DAMAGED RP_OI_VERMILLION
#define RP_C_REPAIRED RP_OI_YELLOW
#define RP_C_PLANT RP_OI_BLACK
#define RP_C_DARK 0x212121u
#define RP_C_ZONE RP_OI_SKY
#define RP_C_CITY 0xfff3b0u
#define RP_C_COLD RP_OI_SKY        /* below 12 °C indoors (risk map ring, viewer) */
/* sequential scale for probabilities (viridis stops, colour-blind safe) */
extern const unsigned rp_seq[5];
unsigned rp_seq_color(double p);

/* City c's mean over runs of the hours without power per resident (what 0), or of the
   hours below 12 °C indoors per district-heated resident (what 1; 0 without cities.csv
   or heated people) (report_data.c). */
double rp_city_mean(const rp_data *d, int c, int what);

/* Draw the risk map (report_map.c). */
void rp_draw_risk(cairo_t *cr, const rp_data *d, int w, int h);

/* ------------------------------------------------------------------------
 * The page (report_html.c).
 * ------------------------------------------------------------------------ */
typedef struct rp_chart_out {
    const rp_chart *chart;
    int drawn;              /* 1: charts/NAME.png and .svg written */
    char note[256];         /* why not drawn, or "" */
    char caption[512];
} rp_chart_out;

/* The interactive map (report_viewer.c): 1 when written (it needs the grid and
   hourly.csv), 0 when not, -1 out of memory. */
int rp_viewer_write(FILE *f, const rp_data *d);

/* The executive summary's sentences on the city longest without power and the coldest
   (cities.csv; nothing without it) (report_viewer.c). */
void rp_city_summary(FILE *f, const rp_data *d);

/* Write the page to f. */
/* The tornado chart of sensitivity folder sdir (its sensitivity.json) as
   charts_dir/tornado.png and .svg (tornado.c); *w, *h its size, caption filled. */
int rp_tornado_charts(const char *sdir, const char *charts_dir, int *w, int *h, char *caption,
                      size_t caplen, gr_error *err);

int rp_html_write(FILE *f, const rp_data *d, const char *title, const rp_chart_out *charts,
                  int n, gr_error *err);

#endif /* GRIDRES_REPORT_INTERNAL_H */
