/* cmd_campaign.c — `gridres campaign`: a multi-night strike campaign (waves, air defence, damage, cascades, repairs), Monte Carlo over runs, CSV/JSON outputs for `gridres report`. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_common.h"
#include "cli_sweep.h"
#include "cli_util.h"
#include "gridres.h"

int cmd_campaign(int argc, char **argv, gr_mpi *mpi);

#define CMD "campaign"

static void campaign_help(FILE *f)
{
    fputs("usage: gridres campaign [SCENARIO.json | CASE.m | CASE.raw] [options]\n"
          "\n"
          "Simulate a multi-night strike campaign on a power grid (docs/campaign.md): each\n"
          "night waves of drones and missiles fly to grid assets, the air defence engages\n"
          "them, leakers damage substations, plants and lines, the grid cascades with or\n"
          "without the operator's emergency shedding, and crews repair with the spares at\n"
          "hand over the day. Load served is tracked hour by hour. Without SCENARIO.json\n"
          "the built-in default runs: 30 winter nights on the built-in synthetic region\n"
          "(2000 buses, 10 million people); the scenario format is in docs/scenario.md.\n"
          "With a case file instead, the built-in campaign runs on that grid with the\n"
          "overlay given by --overlay, else one built by gridres overlay's rules and\n"
          "written to DIR/scenario.json (docs/own_grid.md).\n"
          "\n"
          "options:\n"
          "  --nights N          nights to simulate (default: the scenario's, 30)\n"
          "  --runs R            Monte Carlo runs (default 1); run r draws from the random\n"
          "                      stream (seed, r - 1)\n"
          "  --seed S            master seed, 0 .. 2^63-1 (default 1)\n"
          CLI_HELP_THREADS
          "  --control shed|none operator emergency shedding in the cascades (default: the\n"
          "                      scenario's, shed)\n"
          "  --overlay FILE      with CASE: its scenario overlay (default: built)\n"
          "  --out DIR           output directory (default: a new gridres-out-DATE-TIME)\n"
          CLI_HELP_FORCE
          CLI_HELP_JSON
          "                      (summary.json, instead of the summary block)\n"
          "  --quiet             no progress bar and no summary\n"
          "  --report            also write DIR/report.html with its charts (gridres report)\n"
          "  --write-scenario F  write the built-in default scenario to F and exit\n"
          CLI_HELP_HELP,
          f);
    cli_sweep_help(f, "runs");
    fputs("\n"
          "outputs in DIR: hourly.csv, nights.csv, events.csv, runs.csv, summary.json,\n"
          "grid.m and scenario.json (the grid and its overlay, for the map), campaign.json\n"
          "(the scenario as read). Formats: docs/campaign.md. From the start of the runs:\n"
          "sweep.json (the command line, for --resume DIR) and checkpoint/ (with R > 1).\n"
          "\n"
          "your own grid: give CASE.m (or CASE.raw), or a scenario with \"grid\": \"CASE.m\"\n"
          "(relative to the scenario's folder) and optionally \"overlay\": \"FILE.json\" (else\n"
          "one is built, as gridres overlay does); docs/own_grid.md, docs/scenario.md.\n"
          CLI_HELP_DEFAULTS
          "examples:\n"
          "  gridres campaign examples/example6.m --nights 3\n"
          "  gridres campaign examples/example6.m --overlay examples/example6.scenario.json --runs 4 --out camp-out\n"
          "  gridres campaign examples/example6.campaign.json --report\n"
          "\n"
          "exit status: 0 success, 2 bad command line, bad scenario (the message names the\n"
          "JSON path) or existing output, 3 a damaged state that no shedding, curtailment\n"
          "of negative load or balance slack can balance (the message names night and\n"
          "hour), 1 other failure.\n",
          f);
}

/* ------------------------------------------------------------------------
 * Progress bar (stderr is a terminal, after one second, not --quiet).
 * ------------------------------------------------------------------------ */
typedef struct bar {
    double t0;
    int shown;
    double last;
} bar;

static void bar_update(void *user, int done, int total)
{
    bar *b = user;
    double now = gr_time_s(), el = now - b->t0;
    if (el < 1.0 || (now - b->last < 0.1 && done < total))
        return;
    b->last = now;
    b->shown = 1;
    int width = 30, fill = total > 0 ? (int)((double)width * done / total) : width;
    double eta = done > 0 ? el * (total - done) / done : 0.0;
    char line[128];
    int p = snprintf(line, sizeof line, "\r[");
    for (int k = 0; k < width; k++)
        line[p++] = k < fill ? '#' : '.';
    snprintf(line + p, sizeof line - (size_t)p, "] %3d%% %d/%d nights  ETA %4.0f s ",
             total > 0 ? 100 * done / total : 100, done, total, eta);
    fputs(line, stderr);
    fflush(stderr);
}

/* ------------------------------------------------------------------------
 * Output files.
 * ------------------------------------------------------------------------ */
static void element_name(char *buf, size_t len, const gr_grid *g, int kind, int index)
{
    int id = kind == GR_ELEM_BRANCH || kind == GR_ELEM_GEN ? index + 1
             : index >= 0 && index < g->nb                ? g->bus_id[index]
                                                           : index;
    snprintf(buf, len, "%s:%d", gr_elem_kind_name(kind), id);
}

static const char *threat_name(int t)
{
    return t == GR_THREAT_DRONE ? "drone" : t == GR_THREAT_CRUISE ? "cruise" : t == GR_THREAT_DECOY ? "decoy" : "ballistic";
}

static const char *cause_name(const gr_campaign_event *e)
{
    switch (e->kind) {
    case GR_CEV_DAMAGE:
    case GR_CEV_HIT: return threat_name(e->cause);
    case GR_CEV_TRIP:
    case GR_CEV_SHED: return gr_cascade_cause_name(e->cause);
    case GR_CEV_REPAIR: return gr_repair_kind_name(e->cause);
    default: return "operator";
    }
}

/* hourly.csv, cities.csv and events.csv are written run by run as the
 * campaign streams them (gr_campaign_options.on_run), so memory does not grow
 * with the runs: a header when opened, then each run's rows. */
static void hourly_head(FILE *f)
{
    fputs("run,night,hour,t_h,load_mw,served_mw,served_critical_mw,people_without_power,"
          "people_without_heat\n",
          f);
}

static void hourly_rows(FILE *f, int run, int nights, const double *hourly)
{
    for (int n = 0; n < nights; n++)
        for (int h = 0; h < 24; h++) {
            const double *row = hourly + ((size_t)n * 24 + (size_t)h) * GR_HOUR_NFIELD;
            fprintf(f, "%d,%d,%d,%d,", run + 1, n + 1, h, n * 24 + h);
            for (int c = 0; c < GR_HOUR_NFIELD; c++)
                cli_csv_num(f, row[c], c + 1 < GR_HOUR_NFIELD ? ',' : '\n');
        }
}

static int write_nights(const char *path, int force, const gr_campaign_result *r)
{
    FILE *f = cli_open_out(CMD, path, force);
    if (!f)
        return -1;
    fputs("run,night,drones,missiles,intercepted,ew,hits,damaged,ens_mwh,peak_lost_mw,"
          "customer_hours,people_without_heat_max,critical_dark_h,interceptors_used,"
          "spares_left,level_before_wave\n",
          f);
    for (int i = 0; i < r->runs; i++)
        for (int n = 0; n < r->nights; n++) {
            const gr_campaign_night *x = &r->night[(size_t)i * (size_t)r->nights + (size_t)n];
            fprintf(f, "%d,%d,%d,%d,%d,%d,%d,%d,", i + 1, n + 1, x->drones, x->missiles,
                    x->intercepted, x->ew, x->hits, x->damaged);
            cli_csv_num(f, x->ens_mwh, ',');
            cli_csv_num(f, x->peak_lost_mw, ',');
            cli_csv_num(f, x->customer_hours, ',');
            cli_csv_num(f, x->people_without_heat_max, ',');
            cli_csv_num(f, x->critical_dark_h, ',');
            fprintf(f, "%d,%d,", x->interceptors_used, x->spares_left);
            cli_csv_num(f, x->level_before_wave, '\n');
        }
    return cli_close_out(CMD, f, path);
}

/* The overlay's name of the substation of bus row b ("" without one). */
static const char *sub_of_bus(const gr_overlay *ov, int b)
{
    if (!ov || !ov->bus_substation || b < 0 || b >= ov->nb)
        return "";
    int k = ov->bus_substation[b];
    return k >= 0 && k < ov->nsub && ov->sub_name && ov->sub_name[k] ? ov->sub_name[k] : "";
}

/* An event's asset as the overlay names it: a bus or island by its
 * substation, a unit by its plant, a branch by the substations at its ends
 * ("A - B"; lines have no names of their own in the overlay). */
static void asset_name(char *buf, size_t len, const gr_grid *g, const gr_overlay *ov, int kind,
                       int index)
{
    buf[0] = '\0';
    if (!ov)
        return;
    if (kind == GR_ELEM_BUS || kind == GR_ELEM_ISLAND) {
        snprintf(buf, len, "%s", sub_of_bus(ov, index));
    } else if (kind == GR_ELEM_GEN && index >= 0 && index < g->ng) {
        int p = ov->gen_plant ? ov->gen_plant[index] : -1;
        snprintf(buf, len, "%s",
                 p >= 0 && p < ov->nplant && ov->plant_name[p] ? ov->plant_name[p] : "");
    } else if (kind == GR_ELEM_BRANCH && index >= 0 && index < g->nl) {
        const char *a = sub_of_bus(ov, g->br_f[index]), *b = sub_of_bus(ov, g->br_t[index]);
        if (a[0] && b[0] && strcmp(a, b) != 0)
            snprintf(buf, len, "%s - %s", a, b);
        else
            snprintf(buf, len, "%s", a[0] ? a : b);
    }
}

/* A CSV field, quoted when it holds a comma, a quote or a line break. */
static void csv_text(FILE *f, const char *s, char sep)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(sep, f);
}

static void events_head(FILE *f)
{
    fputs("run,night,t_h,element,kind,cause,mw_lost,name\n", f);
}

static void event_rows(FILE *f, int run, const gr_campaign_event *ev, int n, const gr_grid *g,
                       const gr_overlay *ov)
{
    char name[64], asset[512];
    for (int k = 0; k < n; k++) {
        const gr_campaign_event *e = &ev[k];
        element_name(name, sizeof name, g, e->elem_kind, e->elem_index);
        fprintf(f, "%d,%d,", run + 1, e->night);
        cli_csv_num(f, e->t_h, ',');
        fprintf(f, "%s,%s,%s,", name, gr_campaign_event_kind_name(e->kind), cause_name(e));
        cli_csv_num(f, e->mw_lost, ',');
        asset_name(asset, sizeof asset, g, ov, e->elem_kind, e->elem_index);
        csv_text(f, asset, '\n');
    }
}

static int total_drones(const gr_campaign_total *t) { return t->launched[GR_THREAT_DRONE]; }
static int total_missiles(const gr_campaign_total *t)
{
    return t->launched[GR_THREAT_CRUISE] + t->launched[GR_THREAT_BALLISTIC];
}
static int total_outcome(const gr_campaign_total *t, int o)
{
    int n = 0;
    for (int ty = 0; ty < GR_THREAT_NTYPES; ty++)
        n += t->outcome[ty][o];
    return n;
}

/* Hours per day without power of queue q (0-based): the mean of its two sub-queues. */
static double queue_h(const gr_campaign_total *t, int q)
{
    int per = GR_CAMPAIGN_SUBQUEUES / GR_CAMPAIGN_QUEUES;
    double h = 0.0;
    for (int k = 0; k < per; k++)
        h += t->queue_hours_per_day[q * per + k];
    return h / per;
}

/* The per-run totals, as named columns (runs.csv) and summary metrics. */
#define RUN_METRICS(X)                                                                       \
    X(ens_mwh, t->ens_mwh)                                                                   \
    X(customer_hours, t->customer_hours)                                                     \
    X(peak_lost_mw, t->peak_lost_mw)                                                         \
    X(people_without_power_max, t->people_without_power_max)                                 \
    X(people_without_power_mean, t->people_without_power_mean)                               \
    X(people_without_heat_max, t->people_without_heat_max)                                   \
    X(critical_dark_h, t->critical_dark_h)                                                   \
    X(worst_week_hours_per_day, t->worst_week_hours_per_day)                                 \
    X(saidi_h, t->saidi_h)                                                                   \
    X(final_level, t->final_level)                                                           \
    X(worst_night, (double)t->worst_night)                                                   \
    X(drones, (double)total_drones(t))                                                       \
    X(missiles, (double)total_missiles(t))                                                   \
    X(intercepted, (double)total_outcome(t, GR_OUT_INTERCEPTED))                             \
    X(ew, (double)total_outcome(t, GR_OUT_EW))                                               \
    X(hits, (double)total_outcome(t, GR_OUT_LEAKED))                                         \
    X(damaged, (double)t->damaged)                                                           \
    X(interceptors_used, (double)t->interceptors_used)                                       \
    X(spares_left, (double)t->spares_left)                                                   \
    X(level_trend_per_night, t->level_trend)                                                 \
    X(e_trend_h_per_night, t->e_trend)                                                       \
    X(pi_trend_per_night, t->pi_trend)                                                       \
    X(relaxed_hours, (double)t->relaxed_hours)                                               \
    X(curtailed_mwh, t->curtailed_mwh)                                                       \
    X(curtailed_max_mw, t->curtailed_max_mw)                                                 \
    X(unbalanced_mwh, t->unbalanced_mwh)                                                     \
    X(unbalanced_max_mw, t->unbalanced_max_mw)                                               \
    X(mean_hours_per_day, t->mean_hours_per_day)                                             \
    X(worst_decile_hours_per_day, t->worst_decile_hours_per_day)                             \
    X(longest_dark_h, t->longest_dark_h)                                                     \
    X(queue1_hours_per_day, queue_h(t, 0))                                                   \
    X(queue2_hours_per_day, queue_h(t, 1))                                                   \
    X(queue3_hours_per_day, queue_h(t, 2))                                                   \
    X(queue4_hours_per_day, queue_h(t, 3))                                                   \
    X(queue5_hours_per_day, queue_h(t, 4))                                                   \
    X(queue6_hours_per_day, queue_h(t, 5))                                                   \
    X(clpu_mwh, t->clpu_mwh)                                                                 \
    X(people_below_12c_max, t->people_below_12c_max)                                         \
    X(person_hours_below_12c, t->person_hours_below_12c)                                     \
    X(indoor_min_c, t->indoor_min_c)                                                         \
    X(unit_restarts, (double)t->unit_restarts)                                               \
    X(nuclear_disconnections, (double)t->nuclear_disconnections)                             \
    X(nuclear_unit_days_out, t->nuclear_unit_days_out)                                       \
    X(hydro_energy_limited_mwh, t->hydro_energy_limited_mwh)

/* A number as cli_csv_num prints it, without a separator. */
static void put_num(FILE *f, double x)
{
    if (isnan(x))
        fputs("nan", f);
    else if (x == 0.0)
        fputc('0', f);
    else
        fprintf(f, "%.10g", x);
}

/* cities.csv: per run, hour and area (city 1..ncity of scenario.json, 0: the buses of no
   city) the people without power and below 12 °C indoors (gr_campaign_run_out.area_hourly);
   rows where both are 0 are left out. */
static void cities_head(FILE *f)
{
    fputs("run,night,hour,city,people_without_power,people_below_12c,name\n", f);
}

static void city_rows(FILE *f, int run, int nights, const double *area, const gr_overlay *ov)
{
    size_t na = (size_t)ov->ncity + 1, nh = (size_t)nights * 24;
    for (size_t t = 0; t < nh; t++)
        for (size_t a = 0; a < na; a++) {
            const double *v = area + (t * na + a) * GR_AREA_NFIELD;
            if (v[GR_AREA_NO_POWER] == 0.0 && v[GR_AREA_BELOW_COLD] == 0.0)
                continue;
            int c = a < (size_t)ov->ncity ? (int)a + 1 : 0;
            fprintf(f, "%d,%d,%d,%d,", run + 1, (int)(t / 24) + 1, (int)(t % 24), c);
            cli_csv_num(f, v[GR_AREA_NO_POWER], ',');
            cli_csv_num(f, v[GR_AREA_BELOW_COLD], ',');
            csv_text(f, c ? ov->city_name[c - 1] : "", '\n');
        }
}

/* The streamed files of one campaign, open on rank 0 during the runs. */
enum { STREAM_HOURLY = 0, STREAM_EVENTS, STREAM_CITIES, STREAM_N };
static const char *const stream_name[STREAM_N] = {"hourly.csv", "events.csv", "cities.csv"};
typedef struct stream_out {
    FILE *f[STREAM_N];
    char path[STREAM_N][4096];
    const gr_campaign_scenario *s;
} stream_out;

static int stream_run(void *user, const gr_campaign_result *r, const gr_campaign_run_out *v)
{
    stream_out *o = user;
    if (v->hourly)
        hourly_rows(o->f[STREAM_HOURLY], v->run, r->nights, v->hourly);
    if (v->events)
        event_rows(o->f[STREAM_EVENTS], v->run, v->events, v->n_events, o->s->grid, o->s->overlay);
    if (v->area_hourly)
        city_rows(o->f[STREAM_CITIES], v->run, r->nights, v->area_hourly, o->s->overlay);
    for (int k = 0; k < STREAM_N; k++)
        if (ferror(o->f[k])) {
            cli_errorf(CMD, "cannot write %s: %s", o->path[k], strerror(errno ? errno : EIO));
            return GR_EIO;
        }
    return GR_OK;
}

/* Open the streamed files with their headers: 0, or -1 (message printed, none left open). */
static int stream_open(stream_out *o, const char *dir, int force)
{
    for (int k = 0; k < STREAM_N; k++) {
        o->f[k] = cli_open_out_in(CMD, dir, stream_name[k], force, o->path[k], sizeof o->path[k]);
        if (!o->f[k]) {
            while (k-- > 0) {
                cli_abort_out(o->f[k]);
                o->f[k] = NULL;
            }
            return -1;
        }
    }
    hourly_head(o->f[STREAM_HOURLY]);
    events_head(o->f[STREAM_EVENTS]);
    cities_head(o->f[STREAM_CITIES]);
    return 0;
}

/* Commit (ok) or give up every file still open: 0, or -1 (message printed). */
static int stream_close(stream_out *o, int ok)
{
    int rc = 0;
    for (int k = 0; ok && k < STREAM_N; k++) /* every file flushed before any is renamed */
        if (o->f[k] && (fflush(o->f[k]) != 0 || ferror(o->f[k]))) {
            cli_errorf(CMD, "cannot write %s: %s", o->path[k], strerror(errno ? errno : EIO));
            ok = 0;
            rc = -1;
        }
    for (int k = 0; k < STREAM_N; k++) {
        if (!o->f[k])
            continue;
        if (ok && rc == 0)
            rc = cli_close_out(CMD, o->f[k], o->path[k]);
        else
            cli_abort_out(o->f[k]);
        o->f[k] = NULL;
    }
    return rc;
}

static int write_runs(const char *path, int force, const gr_campaign_result *r)
{
    FILE *f = cli_open_out(CMD, path, force);
    if (!f)
        return -1;
    fputs("run", f);
#define HEAD(name, expr) fputs("," #name, f);
    RUN_METRICS(HEAD)
#undef HEAD
    fputc('\n', f);
    for (int i = 0; i < r->runs; i++) {
        const gr_campaign_total *t = &r->total[i];
        fprintf(f, "%d", i + 1);
#define VAL(name, expr) \
    fputc(',', f);      \
    put_num(f, (expr));
        RUN_METRICS(VAL)
#undef VAL
        fputc('\n', f);
    }
    return cli_close_out(CMD, f, path);
}

/* ------------------------------------------------------------------------
 * summary.json
 * ------------------------------------------------------------------------ */
static const double pct[3] = {5.0, 50.0, 95.0};

/* {"mean", "p5", "p50", "p95"} of x[0..n-1] (NaN skipped; null when none). */
static json_t *stats_json(const double *x, int n)
{
    double s[4];
    json_t *o = json_object();
    if (!o || gr_stats(x, n, pct, 3, s) != GR_OK) {
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "mean", cli_json_num(s[0]));
    json_object_set_new(o, "p5", cli_json_num(s[1]));
    json_object_set_new(o, "p50", cli_json_num(s[2]));
    json_object_set_new(o, "p95", cli_json_num(s[3]));
    return o;
}

static double mean_of(const double *x, int n)
{
    double s[1];
    gr_stats(x, n, NULL, 0, s);
    return s[0];
}

static json_t *num_array(const double *x, int n)
{
    json_t *a = json_array();
    for (int k = 0; a && k < n; k++)
        json_array_append_new(a, cli_json_num(x[k]));
    return a;
}

/* Negative load (pd < 0, a fixed injection never shed) at the peak, MW:
 * peak_mw counts pd > 0 only, gridres pf the net sum of pd. */
static double negative_peak_mw(const gr_campaign_scenario *s, const gr_campaign_result *r)
{
    double pos = 0.0, neg = 0.0;
    for (int b = 0; b < s->grid->nb; b++) {
        pos += s->grid->pd[b] > 0.0 ? s->grid->pd[b] : 0.0;
        neg += s->grid->pd[b] < 0.0 ? s->grid->pd[b] : 0.0;
    }
    return pos > 0.0 ? r->peak_mw * neg / pos : 0.0;
}

/* The run with the largest unbalanced MW (-1: none unbalanced). */
static int worst_unbalanced(const gr_campaign_result *r)
{
    int best = -1;
    for (int i = 0; i < r->runs; i++)
        if (r->total[i].unbalanced_max_mw > 0.0 &&
            (best < 0 || r->total[i].unbalanced_max_mw > r->total[best].unbalanced_max_mw))
            best = i;
    return best;
}

/* Relaxed shedding states (docs/shedding.md "Infeasible states"): one line
 * when any run had one. */
static void print_relaxed(FILE *f, const gr_campaign_scenario *s, const gr_campaign_result *r)
{
    int hours = 0;
    double curt = 0.0, cmax = 0.0;
    for (int i = 0; i < r->runs; i++) {
        hours += r->total[i].relaxed_hours;
        curt += r->total[i].curtailed_mwh;
        cmax = fmax(cmax, r->total[i].curtailed_max_mw);
    }
    if (!hours)
        return;
    fprintf(f, "  relaxed     %.1f hours per run: negative load curtailed up to %.1f MW "
               "(%.1f MWh per run)",
            (double)hours / r->runs, cmax, curt / r->runs);
    int w = worst_unbalanced(r);
    if (w >= 0) {
        const gr_campaign_total *t = &r->total[w];
        int b = t->unbalanced_bus;
        fprintf(f, "; unbalanced up to %.1f MW (run %d, night %d, hour %d, island of bus %d)",
                t->unbalanced_max_mw, w + 1, t->unbalanced_night, t->unbalanced_hour,
                b >= 0 ? s->grid->bus_id[b] : 0);
    }
    fputc('\n', f);
}

static json_t *summary_json(const gr_campaign_scenario *s, const gr_campaign_result *r)
{
    const gr_overlay *ov = s->overlay;
    int R = r->runs, N = r->nights;
    double *x = malloc(((size_t)R * (size_t)N + (size_t)R + 1) * sizeof(double));
    json_t *o = json_object();
    if (!x || !o) {
        free(x);
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "scenario", json_string(s->name));
    json_object_set_new(o, "source", json_string(s->source));
    json_object_set_new(o, "nights", json_integer(N));
    json_object_set_new(o, "runs", json_integer(R));
    json_object_set_new(o, "seed", json_integer((json_int_t)r->seed));
    json_object_set_new(o, "control", json_string(r->control ? "shed" : "none"));
    json_t *grid = json_object();
    json_object_set_new(grid, "buses", json_integer(s->grid->nb));
    json_object_set_new(grid, "branches", json_integer(s->grid->nl));
    json_object_set_new(grid, "generators", json_integer(s->grid->ng));
    json_object_set_new(grid, "population", cli_json_num(r->population));
    json_object_set_new(grid, "peak_mw", cli_json_num(r->peak_mw));
    json_object_set_new(grid, "negative_load_mw", cli_json_num(negative_peak_mw(s, r)));
    json_object_set_new(grid, "net_peak_mw", cli_json_num(r->peak_mw + negative_peak_mw(s, r)));
    json_object_set_new(grid, "case", json_string("grid.m"));
    json_object_set_new(grid, "overlay", json_string("scenario.json"));
    json_object_set_new(o, "grid", grid);

    /* totals */
    json_t *tot = json_object();
#define TOT(name, expr)                                \
    for (int i = 0; i < R; i++) {                      \
        const gr_campaign_total *t = &r->total[i];     \
        x[i] = (expr);                                 \
    }                                                  \
    json_object_set_new(tot, #name, stats_json(x, R));
    RUN_METRICS(TOT)
#undef TOT
    json_object_set_new(o, "totals", tot);

    /* per night: means over runs, for the erosion and trapezoid charts */
    json_t *pn = json_object();
#define PER_NIGHT(name, expr)                                                  \
    {                                                                          \
        double *m = x + R;                                                     \
        (void)m;                                                               \
        double *col = x;                                                       \
        double *means = malloc((size_t)N * sizeof(double));                    \
        for (int n = 0; means && n < N; n++) {                                 \
            for (int i = 0; i < R; i++) {                                      \
                const gr_campaign_night *v = &r->night[(size_t)i * N + n];     \
                col[i] = (expr);                                               \
            }                                                                  \
            means[n] = mean_of(col, R);                                        \
        }                                                                      \
        if (means)                                                             \
            json_object_set_new(pn, #name, num_array(means, N));               \
        free(means);                                                           \
    }
    PER_NIGHT(ens_mwh, v->ens_mwh)
    PER_NIGHT(peak_lost_mw, v->peak_lost_mw)
    PER_NIGHT(customer_hours, v->customer_hours)
    PER_NIGHT(level_before_wave, v->level_before_wave)
    PER_NIGHT(phi_per_h, v->has_event ? v->trap.phi : NAN)
    PER_NIGHT(lambda, v->has_event ? v->trap.lambda : NAN)
    PER_NIGHT(e_h, v->has_event ? v->trap.e_h : NAN)
    PER_NIGHT(pi_per_h, v->has_event ? v->trap.pi : NAN)
    PER_NIGHT(area_h, v->has_event ? v->trap.area : NAN)
    PER_NIGHT(level_end, v->trap.r_end)
#undef PER_NIGHT
    json_object_set_new(o, "per_night", pn);

    /* trapezoid over all events (run, night with arrivals) */
    json_t *tz = json_object();
    int ne = 0;
#define TRAP(name, expr)                                                      \
    ne = 0;                                                                   \
    for (int i = 0; i < R * N; i++) {                                         \
        const gr_campaign_night *v = &r->night[i];                            \
        if (v->has_event)                                                     \
            x[ne++] = (expr);                                                 \
    }                                                                         \
    json_object_set_new(tz, #name, stats_json(x, ne));
    TRAP(phi_per_h, v->trap.phi)
    TRAP(lambda, v->trap.lambda)
    TRAP(e_h, v->trap.e_h)
    TRAP(pi_per_h, v->trap.pi)
    TRAP(area_h, v->trap.area)
#undef TRAP
    json_object_set_new(tz, "events", json_integer(ne));
    json_t *er = json_object();
#define ERO(name, expr)                            \
    for (int i = 0; i < R; i++) {                  \
        const gr_campaign_total *t = &r->total[i]; \
        x[i] = (expr);                             \
    }                                              \
    json_object_set_new(er, #name, stats_json(x, R));
    ERO(phi_trend_per_night, t->phi_trend)
    ERO(e_trend_h_per_night, t->e_trend)
    ERO(pi_trend_per_night, t->pi_trend)
    ERO(level_trend_per_night, t->level_trend)
#undef ERO
    json_object_set_new(tz, "erosion", er);
    json_object_set_new(o, "trapezoid", tz);

    /* interception shares per threat type (over all runs) */
    json_t *ic = json_object();
    for (int ty = 0; ty < GR_THREAT_NTYPES; ty++) {
        long n = 0, oc[GR_OUT_NOUTCOMES] = {0};
        for (int i = 0; i < R; i++) {
            n += r->total[i].launched[ty];
            for (int q = 0; q < GR_OUT_NOUTCOMES; q++)
                oc[q] += r->total[i].outcome[ty][q];
        }
        json_t *t = json_object();
        double d = n > 0 ? (double)n : NAN;
        json_object_set_new(t, "launched", json_integer(n));
        json_object_set_new(t, "intercepted", json_integer(oc[GR_OUT_INTERCEPTED]));
        json_object_set_new(t, "ew", json_integer(oc[GR_OUT_EW]));
        json_object_set_new(t, "hits", json_integer(oc[GR_OUT_LEAKED]));
        json_object_set_new(t, "intercepted_share", cli_json_num((double)oc[GR_OUT_INTERCEPTED] / d));
        json_object_set_new(t, "ew_share", cli_json_num((double)oc[GR_OUT_EW] / d));
        json_object_set_new(t, "downed_share",
                            cli_json_num((double)(oc[GR_OUT_INTERCEPTED] + oc[GR_OUT_EW]) / d));
        json_object_set_new(t, "hit_share", cli_json_num((double)oc[GR_OUT_LEAKED] / d));
        json_object_set_new(ic, threat_name(ty), t);
    }
    json_object_set_new(o, "interception", ic);

    /* warning times per city */
    json_t *wa = json_array();
    for (int c = 0; c < r->ncity; c++) {
        json_t *w = json_object();
        double shortest = NAN;
        for (int i = 0; i < R; i++) {
            x[i] = r->warn_mean_min[(size_t)i * r->ncity + c];
            double v = r->warn_short_min[(size_t)i * r->ncity + c];
            if (!isnan(v) && (isnan(shortest) || v < shortest))
                shortest = v;
        }
        json_object_set_new(w, "city", json_string(ov->city_name[c]));
        json_object_set_new(w, "population", cli_json_num(ov->city_population[c]));
        json_object_set_new(w, "mean_min", stats_json(x, R));
        json_object_set_new(w, "shortest_min", cli_json_num(shortest));
        json_array_append_new(wa, w);
    }
    json_object_set_new(o, "warning_times", wa);

    /* repairs by kind */
    json_t *rp = json_object();
    for (int k = 0; k < GR_REPAIR_NKIND; k++) {
        long dmg = 0, done = 0;
        double work = 0.0, rest = 0.0;
        for (int i = 0; i < R; i++) {
            dmg += r->total[i].damaged_kind[k];
            done += r->total[i].repairs_done[k];
            work += r->total[i].repair_work_h[k];
            rest += r->total[i].restore_h[k];
        }
        if (dmg == 0)
            continue;
        json_t *t = json_object();
        json_object_set_new(t, "damaged_per_run", cli_json_num((double)dmg / R));
        json_object_set_new(t, "repaired_per_run", cli_json_num((double)done / R));
        json_object_set_new(t, "mean_repair_h", cli_json_num(work / (double)dmg));
        json_object_set_new(t, "mean_restore_h", done ? cli_json_num(rest / (double)done)
                                                      : json_null());
        json_object_set_new(rp, gr_repair_kind_name(k), t);
    }
    json_object_set_new(o, "repairs", rp);
    json_object_set_new(o, "lp_solves", json_integer(r->lp_solves));
    int wu = worst_unbalanced(r);
    if (wu >= 0) { /* where the largest balance slack was */
        const gr_campaign_total *t = &r->total[wu];
        json_t *u = json_object();
        json_object_set_new(u, "mw", cli_json_num(t->unbalanced_max_mw));
        json_object_set_new(u, "run", json_integer(wu + 1));
        json_object_set_new(u, "night", json_integer(t->unbalanced_night));
        json_object_set_new(u, "hour", json_integer(t->unbalanced_hour));
        json_object_set_new(u, "island_bus", t->unbalanced_bus >= 0
                                                  ? json_integer(s->grid->bus_id[t->unbalanced_bus])
                                                  : json_null());
        json_object_set_new(o, "worst_unbalanced", u);
    }
    json_t *files = json_array();
    static const char *const names[] = {"hourly.csv", "nights.csv", "events.csv", "runs.csv",
                                        "cities.csv", "summary.json", "grid.m", "scenario.json",
                                        "campaign.json"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        json_array_append_new(files, json_string(names[k]));
    json_object_set_new(o, "files", files);
    free(x);
    return o;
}

/* ------------------------------------------------------------------------
 * The terminal summary.
 * ------------------------------------------------------------------------ */
/* "12.3" or "12.3 [9.1-15.2]" (mean and p5-p95 over runs). */
static void fmt_stat(char *buf, size_t len, const double *x, int n, double scale, int prec)
{
    double s[4];
    gr_stats(x, n, pct, 3, s);
    if (n > 1)
        snprintf(buf, len, "%.*f [%.*f-%.*f]", prec, s[0] * scale, prec, s[1] * scale, prec,
                 s[3] * scale);
    else
        snprintf(buf, len, "%.*f", prec, s[0] * scale);
}

/* Wall time of the whole command and of its stages (the summary's time line). */
typedef struct cmd_times {
    double t0;              /* the command's start */
    double read_s;          /* reading the scenario: case, overlay, assets */
} cmd_times;

static void print_block(FILE *f, const gr_campaign_scenario *s, const gr_campaign_result *r,
                        const char *dir, int report, const cmd_times *tm)
{
    int R = r->runs;
    double *x = malloc(((size_t)R + (size_t)r->nights + 1) * sizeof(double));
    char a[96], b[96], c[96];
    if (!x)
        return;
#define COL(expr)                                  \
    for (int i = 0; i < R; i++) {                  \
        const gr_campaign_total *t = &r->total[i]; \
        x[i] = (expr);                             \
    }
    if (dir) /* the first line says where the outputs went (a new folder without --out) */
        fprintf(f, "gridres campaign: %s -> outputs in %s/\n", s->name, dir);
    else
        fprintf(f, "gridres campaign: %s\n", s->name);
    fprintf(f, "  grid        %d buses, %d branches, %d units; %.1f M people, peak %.0f MW",
            s->grid->nb, s->grid->nl, s->grid->ng, r->population / 1e6, r->peak_mw);
    double neg = negative_peak_mw(s, r);
    if (neg < 0.0)
        fprintf(f, " (pd > 0; negative load %.0f MW, net %.0f MW)", neg, r->peak_mw + neg);
    fputc('\n', f);
    fprintf(f, "  campaign    %d nights x %d run%s, seed %llu, control %s (%d thread%s)\n",
            r->nights, R, R > 1 ? "s" : "", (unsigned long long)r->seed,
            r->control ? "shed" : "none", r->threads, r->threads > 1 ? "s" : "");
    double total_s = gr_time_s() - tm->t0;
    fprintf(f, "  time        %.1f s in all: %.1f s reading the scenario, %.1f s simulating, "
               "%.1f s writing\n",
            total_s, tm->read_s, r->wall_s, fmax(0.0, total_s - tm->read_s - r->wall_s));
    long launched[GR_THREAT_NTYPES] = {0}, down[GR_THREAT_NTYPES] = {0};
    for (int i = 0; i < R; i++)
        for (int ty = 0; ty < GR_THREAT_NTYPES; ty++) {
            launched[ty] += r->total[i].launched[ty];
            down[ty] += r->total[i].outcome[ty][GR_OUT_INTERCEPTED] +
                        r->total[i].outcome[ty][GR_OUT_EW];
        }
    fprintf(f, "  attacks     %.0f drones, %.0f cruise, %.0f ballistic missiles per run\n",
            (double)launched[0] / R, (double)launched[1] / R, (double)launched[2] / R);
    fprintf(f, "  downed      ");
    for (int ty = 0; ty < GR_THREAT_NTYPES; ty++)
        if (launched[ty])
            fprintf(f, "%s %.0f %%%s", threat_name(ty), 100.0 * (double)down[ty] / (double)launched[ty],
                    ty + 1 < GR_THREAT_NTYPES ? "  " : "");
    fputc('\n', f);
    COL(t->damaged)
    fmt_stat(a, sizeof a, x, R, 1.0, 0);
    fprintf(f, "  damage      %s elements damaged\n", a);
    COL(t->people_without_power_max)
    fmt_stat(a, sizeof a, x, R, 1e-6, 2);
    COL(t->people_without_power_mean)
    fmt_stat(b, sizeof b, x, R, 1e-6, 2);
    fprintf(f, "  no power    peak %s M people, average %s M\n", a, b);
    COL(t->ens_mwh)
    fmt_stat(a, sizeof a, x, R, 1e-3, 1);
    COL(t->peak_lost_mw)
    fmt_stat(b, sizeof b, x, R, 1.0, 0);
    fprintf(f, "  energy      %s GWh not served, worst hour %s MW lost\n", a, b);
    COL(t->worst_week_hours_per_day)
    fmt_stat(a, sizeof a, x, R, 1.0, 1);
    COL(t->saidi_h)
    fmt_stat(b, sizeof b, x, R, 1.0, 1);
    fprintf(f, "  per person  %s h/day without power in the worst week, %s h in all\n", a, b);
    COL(t->mean_hours_per_day)
    fmt_stat(a, sizeof a, x, R, 1.0, 1);
    COL(t->worst_decile_hours_per_day)
    fmt_stat(b, sizeof b, x, R, 1.0, 1);
    COL(t->longest_dark_h)
    fmt_stat(c, sizeof c, x, R, 1.0, 0);
    fprintf(f, "  queues      %s h/day on average, %s h/day for the worst-off 10 %%; longest "
               "dark spell %s h\n",
            a, b, c);
    /* worst night: the night with the largest mean ENS */
    int worst = 1;
    double wmax = -1.0;
    for (int n = 0; n < r->nights; n++) {
        double e = 0.0;
        for (int i = 0; i < R; i++)
            e += r->night[(size_t)i * r->nights + n].ens_mwh;
        if (e > wmax) {
            wmax = e;
            worst = n + 1;
        }
    }
    fprintf(f, "  worst night %d: %.1f GWh not served (mean)\n", worst, wmax / R / 1e3);
    COL(t->people_without_heat_max)
    fmt_stat(a, sizeof a, x, R, 1e-6, 2);
    COL(t->critical_dark_h)
    fmt_stat(c, sizeof c, x, R, 1.0, 0);
    fprintf(f, "  heat        up to %s M people without heat; critical sites dark %s "
               "facility-hours\n",
            a, c);
    print_relaxed(f, s, r);
    COL(t->people_below_12c_max)
    fmt_stat(a, sizeof a, x, R, 1e-6, 2);
    COL(t->indoor_min_c)
    fmt_stat(b, sizeof b, x, R, 1.0, 1);
    fprintf(f, "  cold        up to %s M people below %.0f °C indoors; coldest %s °C\n", a,
            s->weather.cold_c, b);
    if (s->fleet.enabled) {
        char d[64];
        COL((double)t->unit_restarts)
        fmt_stat(a, sizeof a, x, R, 1.0, 0);
        COL((double)t->nuclear_disconnections)
        fmt_stat(b, sizeof b, x, R, 1.0, 0);
        COL(t->nuclear_unit_days_out)
        fmt_stat(c, sizeof c, x, R, 1.0, 1);
        COL(t->hydro_energy_limited_mwh)
        fmt_stat(d, sizeof d, x, R, 1e-3, 1);
        fprintf(f, "  fleet       %s unit restarts; %s nuclear disconnections, %s unit-days out;"
                   " hydro short of water %s GWh\n",
                a, b, c, d);
    }
    fprintf(f, "  warning     ");
    int shown = 0;
    for (int k = 0; k < r->ncity && shown < 4; k++) {
        int ok = 0;
        for (int i = 0; i < R; i++) {
            x[i] = r->warn_mean_min[(size_t)i * r->ncity + k];
            ok |= !isnan(x[i]);
        }
        if (!ok)
            continue;
        fmt_stat(a, sizeof a, x, R, 1.0, 0);
        fprintf(f, "%s%s %s min", shown ? ", " : "", s->overlay->city_name[k], a);
        shown++;
    }
    fprintf(f, "%s\n", shown ? "" : "no arrivals in cities");
    if (dir)
        fprintf(f, "  output      %s/\n", dir);
    if (dir && report)
        fprintf(f, "  report      %s/report.html\n", dir);
#undef COL
    free(x);
}

/* ------------------------------------------------------------------------
 * The command.
 * ------------------------------------------------------------------------ */
static const char *const out_files[] = {"hourly.csv", "nights.csv", "events.csv", "runs.csv",
                                        "cities.csv", "summary.json", "grid.m", "scenario.json",
                                        "campaign.json"};
#define N_OUT ((int)(sizeof out_files / sizeof out_files[0]))

int cmd_campaign(int argc, char **argv, gr_mpi *mpi)
{
    gr_campaign_options opt;
    gr_campaign_scenario *s = NULL;
    gr_campaign_result *r = NULL;
    gr_error err = {0, ""};
    const char *out_dir = NULL, *control_s = NULL, *write_s = NULL, *overlay_s = NULL;
    int nights = 0, runs = 1, threads = 0, force = 0, as_json = 0, quiet = 0, npos = 0, rc;
    int report = 0;
    const char *pos[1] = {NULL};
    char dir[4096], path[4096];

    cmd_times tm = {gr_time_s(), 0.0};
    gr_campaign_options_default(&opt);
    cli_sweep cs;
    memset(&cs, 0, sizeof cs);
    const cli_opt opts[] = {
        CLI_SWEEP_OPTS(cs),
        CLI_OPT_NIGHTS(nights),
        CLI_OPT_RUNS(runs),
        CLI_OPT_SEED(opt.seed, CLI_SEED_BITS_JSON, NULL),
        CLI_OPT_THREADS(threads),
        CLI_OPT_CONTROL(control_s),
        CLI_OPT_OUT(out_dir),
        CLI_OPT_FORCE(force),
        CLI_OPT_JSON(as_json),
        CLI_OPT_QUIET(quiet),
        {"report", CLI_FLAG, &report, 1, 0, 0, NULL},
        {"write-scenario", CLI_STRING, &write_s, 0, 0, 0, NULL},
        CLI_OPT_OVERLAY(overlay_s),
    };
    cs.out_default = 1; /* gridres-out-DATE-TIME */
    if ((rc = cli_sweep_args(CMD, &cs, mpi, opts, CLI_NOPTS(opts), &argc, &argv)) != CLI_EXIT_OK)
        return rc;
    if (!cli_parse_args(CMD, argc, argv, opts, CLI_NOPTS(opts), pos, 1, &npos, campaign_help, &rc))
        return rc;
    if (write_s) {
        if (cli_write_text(CMD, write_s, force, gr_campaign_default_json()) != 0)
            return cli_exists(write_s) && !force ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
        if (!quiet)
            printf("wrote the built-in default scenario to %s\n", write_s);
        return CLI_EXIT_OK;
    }
    if (control_s && (rc = cli_parse_control(CMD, control_s, &opt.control)) != 0)
        return rc;
    opt.nights = nights;
    opt.runs = runs;
    opt.threads = threads;
    if ((rc = cli_sweep_setup(CMD, &cs, mpi, argc, argv, &out_dir, &opt.sweep)) != CLI_EXIT_OK)
        return rc;

    /* the output directory: given (existing files refused without --force),
       or a new one that does not exist yet */
    if ((rc = cli_out_dir_prepare(CMD, out_dir, "gridres-out", out_files, N_OUT, force, dir,
                                  sizeof dir)) != CLI_EXIT_OK)
        return rc;
    if (out_dir && report) {
        static const char *const report_file[] = {"report.html"};
        if ((rc = cli_check_outputs(CMD, dir, report_file, 1, force)) != CLI_EXIT_OK)
            return rc;
    }

    int from_case = npos > 0 && cli_is_case_path(pos[0]);
    if (overlay_s && !from_case) {
        cli_errorf(CMD, "--overlay needs a case file (CASE.m or CASE.raw); a scenario names "
                        "its overlay in $.overlay");
        return CLI_EXIT_USAGE;
    }
    /* progress from the first second: a large grid takes a while to read */
    cli_read_progress rp;
    cli_read_progress_begin(&rp, CMD, npos > 0 ? pos[0] : "the built-in scenario",
                            !quiet && !as_json && isatty(STDERR_FILENO));
    double t_read = gr_time_s();
    int st = from_case ? cli_case_scenario_read(pos[0], overlay_s, &s, &err)
                       : gr_campaign_scenario_read(npos > 0 ? pos[0] : NULL, &s, &err);
    tm.read_s = gr_time_s() - t_read;
    cli_read_progress_end(&rp);
    if (st != GR_OK) {
        cli_errorf(CMD, "%s", err.msg[0] ? err.msg : gr_strerror(st));
        return st == GR_ENOMEM ? CLI_EXIT_FAIL
               : st == GR_EINFEASIBLE ? CLI_EXIT_NOCONV : CLI_EXIT_USAGE;
    }
    for (int k = 0; k < s->grid_case->n_warnings; k++)
        cli_errorf(NULL, "warning: %s", s->grid_case->warnings[k]);
    for (int k = 0; k < s->overlay->n_warnings; k++)
        cli_errorf(NULL, "warning: %s", s->overlay->warnings[k]);
    if (s->overlay_built)
        cli_errorf(CMD, "no overlay for %s: built one (%d substations, %.0f people); written to "
                        "%s/scenario.json", s->grid_path, s->overlay->nsub,
                   s->overlay->population, dir);
    bar pb = {gr_time_s(), 0, 0.0};
    if (!quiet && isatty(STDERR_FILENO)) {
        opt.progress = bar_update;
        opt.user = &pb;
    }
    if ((rc = cli_sweep_begin(CMD, &cs, dir, runs, force)) != CLI_EXIT_OK) {
        gr_campaign_scenario_free(s);
        return rc;
    }
    /* rank 0 writes the hourly, event and city rows as the runs come in */
    stream_out so;
    memset(&so, 0, sizeof so);
    so.s = s;
    int dir_was_there = cli_exists(dir);
    if (cli_sweep_root(&cs) && (cli_mkdir_p(CMD, dir) != 0 || stream_open(&so, dir, force) != 0)) {
        if (!dir_was_there)
            rmdir(dir); /* only if empty */
        gr_campaign_scenario_free(s);
        return CLI_EXIT_FAIL;
    }
    opt.on_run = stream_run;
    opt.on_run_user = &so;
    st = gr_campaign_run(s, &opt, &r, &err);
    cli_progress_clear(pb.shown);
    if (st != GR_OK) {
        stream_close(&so, 0);
        if (!dir_was_there)
            rmdir(dir); /* only if empty (a checkpoint stays) */
        if (cli_sweep_root(&cs))
            cli_errorf(CMD, "%s", err.msg[0] ? err.msg : gr_strerror(st));
        gr_campaign_scenario_free(s);
        return st == GR_EINVAL || st == GR_EPARSE ? CLI_EXIT_USAGE
               : st == GR_EINFEASIBLE ? CLI_EXIT_NOCONV : CLI_EXIT_FAIL;
    }
    if (!cli_sweep_root(&cs)) { /* MPI: rank 0 prints and writes the outputs */
        gr_campaign_result_free(r);
        gr_campaign_scenario_free(s);
        return CLI_EXIT_OK;
    }
    cli_sweep_report(CMD, &cs, "runs");
    rc = CLI_EXIT_FAIL;
    json_t *sum = summary_json(s, r);
    if (!sum) {
        cli_errorf(CMD, "out of memory");
        goto done;
    }
    if (stream_close(&so, 1) != 0)
        goto done;
    if (cli_out_path(CMD, path, sizeof path, dir, "nights.csv") != 0)
        goto done;
    if (write_nights(path, force, r) != 0)
        goto done;
    if (cli_out_path(CMD, path, sizeof path, dir, "runs.csv") != 0)
        goto done;
    if (write_runs(path, force, r) != 0)
        goto done;
    if (cli_out_path(CMD, path, sizeof path, dir, "summary.json") != 0)
        goto done;
    if (cli_write_json(CMD, path, force, sum) != 0)
        goto done;
    if (cli_out_path(CMD, path, sizeof path, dir, "grid.m") != 0)
        goto done;
    if (force && cli_exists(path))
        remove(path);
    if ((st = gr_case_write(s->grid_case, path, &err)) != GR_OK) {
        cli_errorf(CMD, "%s", err.msg[0] ? err.msg : gr_strerror(st));
        goto done;
    }
    if (cli_out_path(CMD, path, sizeof path, dir, "scenario.json") != 0)
        goto done;
    if (force && cli_exists(path))
        remove(path);
    if ((st = gr_overlay_write(s->overlay, path, &err)) != GR_OK) {
        cli_errorf(CMD, "%s", err.msg[0] ? err.msg : gr_strerror(st));
        goto done;
    }
    if (cli_out_path(CMD, path, sizeof path, dir, "campaign.json") != 0)
        goto done;
    if (cli_write_text(CMD, path, force, s->text) != 0)
        goto done;
    if (report) {
        gr_report_options ropt;
        gr_report_options_default(&ropt);
        ropt.force = force;
        if ((st = gr_report_write(dir, &ropt, &err)) != GR_OK) {
            cli_errorf(CMD, "report: %s", err.msg[0] ? err.msg : gr_strerror(st));
            rc = st == GR_ENOMEM || st == GR_EIO ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
            goto done;
        }
    }
    if (as_json) {
        if (cli_json_print(stdout, sum) != 0)
            goto done;
    } else if (!quiet) {
        print_block(stdout, s, r, dir, report, &tm);
    }
    rc = CLI_EXIT_OK;
done:
    stream_close(&so, 0);
    json_decref(sum);
    gr_campaign_result_free(r);
    gr_campaign_scenario_free(s);
    return rc;
}
