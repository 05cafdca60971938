/* report_data.c — reads a campaign output folder (CSV by header name, summary.json, grid.m + scenario.json) into what the charts draw. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/report_internal.h"

#define MAX_RUN 10000000L
#define MAX_NIGHT 1000000L
#define MAX_RUN_NIGHTS (1L << 22) /* runs x nights held per (run, night) */

static int join(char *buf, const rp_data *d, const char *name, gr_error *err)
{
    int n = snprintf(buf, RP_PATH_MAX, "%s/%s", d->dir, name);
    if (n < 0 || n >= RP_PATH_MAX)
        return gr_error_set(err, GR_EINVAL, "path too long: '%s/%s'", d->dir, name);
    return GR_OK;
}

static int is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static double *nan_array(size_t n)
{
    double *x = gr_malloc((n ? n : 1) * sizeof(double));
    for (size_t k = 0; x && k < n; k++)
        x[k] = NAN;
    return x;
}

/* ------------------------------------------------------------------------
 * hourly.csv: two passes, the first for the sizes and the checks.
 * ------------------------------------------------------------------------ */
enum { H_RUN, H_NIGHT, H_HOUR, H_LOAD, H_SERVED, H_CRIT, H_PPL, H_HEAT, H_N };
static const char *const hourly_cols[H_N] = {"run",       "night",     "hour",
                                             "load_mw",   "served_mw", "served_critical_mw",
                                             "people_without_power", "people_without_heat"};

typedef struct hrow {
    int run, night, hour;
    double v[H_N - H_LOAD];
} hrow;

static int hourly_row(rp_csv *c, const int *col, hrow *r, gr_error *err)
{
    int st;
    if ((st = rp_csv_int(c, col[H_RUN], 1, MAX_RUN, &r->run, err)) ||
        (st = rp_csv_int(c, col[H_NIGHT], 1, MAX_NIGHT, &r->night, err)) ||
        (st = rp_csv_int(c, col[H_HOUR], 0, RP_HOURS - 1, &r->hour, err)))
        return st;
    for (int k = H_LOAD; k < H_N; k++) {
        r->v[k - H_LOAD] = NAN;
        if (col[k] >= 0 && (st = rp_csv_num(c, col[k], &r->v[k - H_LOAD], err)))
            return st;
    }
    return GR_OK;
}

static int read_hourly(rp_data *d, const char *path, gr_error *err)
{
    rp_csv c;
    int col[H_N], st, rc;
    hrow r;
    unsigned char *seen = NULL;
    if ((st = rp_csv_open(&c, path, err)))
        return st;
    for (int k = 0; k < H_N; k++) {
        if (k <= H_SERVED) {
            if ((st = rp_csv_require(&c, hourly_cols[k], &col[k], err)))
                goto done;
        } else {
            col[k] = rp_csv_col(&c, hourly_cols[k]);
        }
    }
    d->has_crit = col[H_CRIT] >= 0;
    d->has_ppl = col[H_PPL] >= 0;
    d->has_heat = col[H_HEAT] >= 0;
    int R = 0, N = 0;
    long rows = 0;
    while ((rc = rp_csv_next(&c, err)) == 1) {
        if ((st = hourly_row(&c, col, &r, err)))
            goto done;
        if (r.run > R)
            R = r.run;
        if (r.night > N)
            N = r.night;
        rows++;
    }
    if (rc < 0) {
        st = rc;
        goto done;
    }
    if (rows == 0) {
        st = gr_error_set(err, GR_EPARSE, "%s:%ld: no data rows", path, c.line);
        goto done;
    }
    if ((long)R * N > MAX_RUN_NIGHTS) {
        st = gr_error_set(err, GR_EPARSE, "%s: %d runs x %d nights is more than the report handles",
                          path, R, N);
        goto done;
    }
    if (d->run > R) {
        st = gr_error_set(err, GR_EINVAL, "run %d is not in %s (runs 1 .. %d)", d->run, path, R);
        goto done;
    }
    d->runs = R;
    d->nights = N;
    size_t rn = (size_t)R * (size_t)N, nh = (size_t)N * RP_HOURS;
    d->load = nan_array(nh);
    d->served = nan_array(nh);
    d->crit = nan_array(nh);
    d->ppl = nan_array(nh);
    d->heat = nan_array(nh);
    d->e_served = gr_calloc(rn, sizeof(double));
    d->e_load = gr_calloc(rn, sizeof(double));
    d->ppl_max = nan_array(rn);
    d->heat_max = nan_array(rn);
    seen = gr_calloc((rn * RP_HOURS + 7) / 8, 1);
    if (!d->load || !d->served || !d->crit || !d->ppl || !d->heat || !d->e_served ||
        !d->e_load || !d->ppl_max || !d->heat_max || !seen) {
        st = gr_error_set(err, GR_ENOMEM, "out of memory reading %s", path);
        goto done;
    }
    if ((st = rp_csv_rewind(&c, err)))
        goto done;
    int n_sel = 0;
    while ((rc = rp_csv_next(&c, err)) == 1) {
        if ((st = hourly_row(&c, col, &r, err)))
            goto done;
        size_t rnk = (size_t)(r.run - 1) * (size_t)N + (size_t)(r.night - 1);
        size_t bit = rnk * RP_HOURS + (size_t)r.hour;
        if (seen[bit / 8] & (1u << (bit % 8))) {
            st = gr_error_set(err, GR_EPARSE, "%s:%ld: a second row for run %d, night %d, hour %d",
                              path, c.line, r.run, r.night, r.hour);
            goto done;
        }
        seen[bit / 8] |= (unsigned char)(1u << (bit % 8));
        double load = r.v[H_LOAD - H_LOAD], served = r.v[H_SERVED - H_LOAD];
        if (!isnan(load) && !isnan(served)) {
            d->e_load[rnk] += load;
            d->e_served[rnk] += served;
        }
        double p = r.v[H_PPL - H_LOAD], h = r.v[H_HEAT - H_LOAD];
        if (!isnan(p) && (isnan(d->ppl_max[rnk]) || p > d->ppl_max[rnk]))
            d->ppl_max[rnk] = p;
        if (!isnan(h) && (isnan(d->heat_max[rnk]) || h > d->heat_max[rnk]))
            d->heat_max[rnk] = h;
        if (r.run == d->run) {
            size_t k = (size_t)(r.night - 1) * RP_HOURS + (size_t)r.hour;
            d->load[k] = load;
            d->served[k] = served;
            d->crit[k] = r.v[H_CRIT - H_LOAD];
            d->ppl[k] = p;
            d->heat[k] = h;
            n_sel++;
        }
    }
    if (rc < 0) {
        st = rc;
        goto done;
    }
    if (n_sel == 0) {
        st = gr_error_set(err, GR_EINVAL, "run %d has no rows in %s", d->run, path);
        goto done;
    }
    d->has_hourly = 1;
    st = GR_OK;
done:
    gr_free(seen);
    rp_csv_close(&c);
    return st;
}

/* ------------------------------------------------------------------------
 * nights.csv: the selected run's rows, known columns only.
 * ------------------------------------------------------------------------ */
static const char *const night_cols[] = {
    "drones",          "missiles",         "intercepted",      "ew",
    "hits",            "damaged",          "ens_mwh",          "peak_lost_mw",
    "customer_hours",  "people_without_heat_max", "critical_dark_h", "interceptors_used",
    "spares_left",     "level_before_wave"};
#define N_NIGHT_COLS ((int)(sizeof night_cols / sizeof night_cols[0]))

static int read_nights(rp_data *d, const char *path, gr_error *err)
{
    rp_csv c;
    int crun, cnight, col[N_NIGHT_COLS], st, rc, cap = 0;
    unsigned char *seen = NULL;
    if ((st = rp_csv_open(&c, path, err)))
        return st;
    if ((st = rp_csv_require(&c, "run", &crun, err)) ||
        (st = rp_csv_require(&c, "night", &cnight, err)))
        goto done;
    d->nights_ncol = 0;
    for (int k = 0; k < N_NIGHT_COLS; k++)
        if ((col[d->nights_ncol] = rp_csv_col(&c, night_cols[k])) >= 0)
            d->nights_names[d->nights_ncol++] = night_cols[k];
    int nc = d->nights_ncol;
    while ((rc = rp_csv_next(&c, err)) == 1) {
        int run, night;
        double v[N_NIGHT_COLS];
        if ((st = rp_csv_int(&c, crun, 1, MAX_RUN, &run, err)) ||
            (st = rp_csv_int(&c, cnight, 1, MAX_NIGHT, &night, err)))
            goto done;
        for (int k = 0; k < nc; k++)
            if ((st = rp_csv_num(&c, col[k], &v[k], err)))
                goto done;
        if (run != d->run)
            continue;
        if (night > cap) {
            int ncap = cap ? cap : 32;
            while (ncap < night)
                ncap *= 2;
            double *x = gr_realloc(d->nights_val, (size_t)ncap * (size_t)(nc ? nc : 1) * sizeof(double));
            unsigned char *s = gr_realloc(seen, (size_t)ncap);
            if (x)
                d->nights_val = x;
            if (s)
                seen = s;
            if (!x || !s) {
                st = gr_error_set(err, GR_ENOMEM, "out of memory reading %s", path);
                goto done;
            }
            for (size_t k = (size_t)cap * (size_t)nc; k < (size_t)ncap * (size_t)nc; k++)
                d->nights_val[k] = NAN;
            memset(seen + cap, 0, (size_t)(ncap - cap));
            cap = ncap;
        }
        if (seen[night - 1]) {
            st = gr_error_set(err, GR_EPARSE, "%s:%ld: a second row for run %d, night %d", path,
                              c.line, run, night);
            goto done;
        }
        seen[night - 1] = 1;
        for (int k = 0; k < nc; k++)
            d->nights_val[(size_t)(night - 1) * (size_t)nc + (size_t)k] = v[k];
        if (night > d->n_nights)
            d->n_nights = night;
    }
    if (rc < 0) {
        st = rc;
        goto done;
    }
    d->has_nights = d->n_nights > 0;
    st = GR_OK;
done:
    gr_free(seen);
    rp_csv_close(&c);
    return st;
}

/* ------------------------------------------------------------------------
 * events.csv: the selected run's events, sorted by time (stable).
 * ------------------------------------------------------------------------ */
static const char *const ev_names[] = {"damage", "hit", "trip", "shed", "reclose", "repair"};
static const char *const elem_names[] = {"branch", "gen", "bus", "island"};

/* "KIND:NUMBER" into *kind (GR_ELEM_*, -1 unknown kind) and *id. */
static int parse_element(const char *s, int *kind, int *id)
{
    const char *colon = strchr(s, ':');
    if (!colon || colon == s)
        return -1;
    char *end;
    errno = 0;
    long v = strtol(colon + 1, &end, 10);
    if (end == colon + 1 || *end || errno || v < 0 || v > 2147483647L)
        return -1;
    *id = (int)v;
    *kind = -1;
    size_t len = (size_t)(colon - s);
    for (int k = 0; k < 4; k++)
        if (strlen(elem_names[k]) == len && strncmp(s, elem_names[k], len) == 0)
            *kind = k; /* GR_ELEM_BRANCH, GEN, BUS, ISLAND in that order */
    return 0;
}

static int ev_cmp(const void *a, const void *b)
{
    const rp_event *x = a, *y = b;
    if (x->t_h != y->t_h)
        return x->t_h < y->t_h ? -1 : 1;
    return 0;
}

/* An event with its position in the file: ties in time keep file order. */
typedef struct ev_sort {
    rp_event e;
    long pos;
} ev_sort;

static int evs_cmp(const void *a, const void *b)
{
    const ev_sort *x = a, *y = b;
    int c = ev_cmp(&x->e, &y->e);
    if (c)
        return c;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The element named by an event, checked against the grid when there is one. */
static int check_element(const rp_data *d, const rp_csv *c, int kind, int id, const char *text,
                         gr_error *err)
{
    if (!d->has_grid || kind < 0)
        return GR_OK;
    const char *what = NULL;
    int n = 0;
    if (kind == GR_ELEM_BRANCH && (id < 1 || id > d->grid->nl)) {
        what = "branches";
        n = d->grid->nl;
    } else if (kind == GR_ELEM_GEN && (id < 1 || id > d->grid->ng)) {
        what = "generators";
        n = d->grid->ng;
    } else if ((kind == GR_ELEM_BUS || kind == GR_ELEM_ISLAND) && gr_grid_bus_index(d->grid, id) < 0) {
        return gr_error_set(err, GR_EPARSE, "%s:%ld: element '%s': grid.m has no bus %d", c->path,
                            c->line, text, id);
    }
    if (what)
        return gr_error_set(err, GR_EPARSE, "%s:%ld: element '%s' is not in grid.m (%d %s)",
                            c->path, c->line, text, n, what);
    return GR_OK;
}

static int read_events(rp_data *d, const char *path, gr_error *err)
{
    rp_csv c;
    int crun, cnight, ct, cel, ckind, cmw, st, rc, cap = 0, n = 0;
    ev_sort *v = NULL;
    if ((st = rp_csv_open(&c, path, err)))
        return st;
    if ((st = rp_csv_require(&c, "run", &crun, err)) ||
        (st = rp_csv_require(&c, "night", &cnight, err)) ||
        (st = rp_csv_require(&c, "t_h", &ct, err)) ||
        (st = rp_csv_require(&c, "element", &cel, err)) ||
        (st = rp_csv_require(&c, "kind", &ckind, err)))
        goto done;
    cmw = rp_csv_col(&c, "mw_lost");
    while ((rc = rp_csv_next(&c, err)) == 1) {
        rp_event e;
        int run;
        memset(&e, 0, sizeof e);
        if ((st = rp_csv_int(&c, crun, 1, MAX_RUN, &run, err)) ||
            (st = rp_csv_int(&c, cnight, 1, MAX_NIGHT, &e.night, err)) ||
            (st = rp_csv_num(&c, ct, &e.t_h, err)))
            goto done;
        if (isnan(e.t_h)) {
            st = gr_error_set(err, GR_EPARSE, "%s:%ld: column 't_h': expected a number, found nan",
                              path, c.line);
            goto done;
        }
        e.mw_lost = 0.0;
        if (cmw >= 0 && (st = rp_csv_num(&c, cmw, &e.mw_lost, err)))
            goto done;
        if (parse_element(c.cell[cel], &e.elem_kind, &e.elem_id) != 0) {
            st = gr_error_set(err, GR_EPARSE,
                              "%s:%ld: column 'element': expected KIND:NUMBER (branch:12, gen:3, "
                              "bus:45), found '%.40s'",
                              path, c.line, c.cell[cel]);
            goto done;
        }
        if ((st = check_element(d, &c, e.elem_kind, e.elem_id, c.cell[cel], err)))
            goto done;
        e.kind = RP_EV_OTHER;
        for (int k = 0; k < RP_EV_OTHER; k++)
            if (strcmp(c.cell[ckind], ev_names[k]) == 0)
                e.kind = k;
        if (run != d->run)
            continue;
        if (n == cap) {
            int ncap = cap ? 2 * cap : 64;
            ev_sort *x = gr_realloc(v, (size_t)ncap * sizeof *x);
            if (!x) {
                st = gr_error_set(err, GR_ENOMEM, "out of memory reading %s", path);
                goto done;
            }
            v = x;
            cap = ncap;
        }
        v[n].e = e;
        v[n].pos = n;
        n++;
    }
    if (rc < 0) {
        st = rc;
        goto done;
    }
    if (n > 1)
        qsort(v, (size_t)n, sizeof *v, evs_cmp);
    d->ev = gr_malloc((size_t)(n ? n : 1) * sizeof(rp_event));
    if (!d->ev) {
        st = gr_error_set(err, GR_ENOMEM, "out of memory reading %s", path);
        goto done;
    }
    for (int k = 0; k < n; k++)
        d->ev[k] = v[k].e;
    d->nev = n;
    d->has_events = 1;
    st = GR_OK;
done:
    gr_free(v);
    rp_csv_close(&c);
    return st;
}

/* ------------------------------------------------------------------------
 * runs.csv: ens_mwh per run.
 * ------------------------------------------------------------------------ */
static int read_runs(rp_data *d, const char *path, gr_error *err)
{
    rp_csv c;
    int crun, cens, st, rc, cap = 0, n = 0;
    if ((st = rp_csv_open(&c, path, err)))
        return st;
    if ((st = rp_csv_require(&c, "run", &crun, err)) ||
        (st = rp_csv_require(&c, "ens_mwh", &cens, err)))
        goto done;
    while ((rc = rp_csv_next(&c, err)) == 1) {
        int run;
        double x;
        if ((st = rp_csv_int(&c, crun, 1, MAX_RUN, &run, err)) ||
            (st = rp_csv_num(&c, cens, &x, err)))
            goto done;
        if (n == cap) {
            int ncap = cap ? 2 * cap : 64;
            double *y = gr_realloc(d->run_ens, (size_t)ncap * sizeof(double));
            if (!y) {
                st = gr_error_set(err, GR_ENOMEM, "out of memory reading %s", path);
                goto done;
            }
            d->run_ens = y;
            cap = ncap;
        }
        d->run_ens[n++] = x;
    }
    if (rc < 0) {
        st = rc;
        goto done;
    }
    d->nrun_rows = n;
    d->has_runs = 1;
    st = GR_OK;
done:
    rp_csv_close(&c);
    return st;
}

/* ------------------------------------------------------------------------
 * summary.json: syntax, and the types of the members the page shows.
 * ------------------------------------------------------------------------ */
static int num_or_null(const json_t *v) { return !v || json_is_number(v) || json_is_null(v); }

static int jfail(gr_error *err, const char *path, const char *jpath, const char *want)
{
    return gr_error_set(err, GR_EPARSE, "%s: %s: expected %s", path, jpath, want);
}

/* An object whose members are numbers, nulls or objects of numbers/nulls. */
static int check_stats_object(const json_t *o, const char *path, const char *jpath, gr_error *err)
{
    const char *k;
    json_t *v;
    char p[256];
    if (!json_is_object(o))
        return jfail(err, path, jpath, "an object");
    json_object_foreach((json_t *)o, k, v) {
        snprintf(p, sizeof p, "%s.%s", jpath, k);
        if (json_is_object(v)) {
            const char *k2;
            json_t *v2;
            json_object_foreach(v, k2, v2) {
                if (!num_or_null(v2) && !json_is_object(v2)) {
                    char q[300];
                    snprintf(q, sizeof q, "%s.%s", p, k2);
                    return jfail(err, path, q, "a number or null");
                }
            }
        } else if (!num_or_null(v)) {
            return jfail(err, path, p, "a number, null or an object");
        }
    }
    return GR_OK;
}

static int read_summary(rp_data *d, const char *path, gr_error *err)
{
    json_error_t je;
    json_t *o = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!o) {
        /* a failed allocation inside jansson (see jr_load_text) */
        if (json_error_code(&je) == json_error_out_of_memory || gr_alloc_failing())
            return gr_error_set(err, GR_ENOMEM, "%s: out of memory", path);
        if (je.line <= 0)
            return gr_error_set(err, GR_EPARSE, "%s: %s", path, je.text);
        return gr_error_set(err, GR_EPARSE, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    }
    d->summary = o;
    if (!json_is_object(o))
        return jfail(err, path, "$", "an object");
    static const char *const strs[] = {"scenario", "source", "control"};
    static const char *const ints[] = {"nights", "runs", "seed", "lp_solves"};
    char p[128];
    for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) {
        json_t *v = json_object_get(o, strs[k]);
        if (v && !json_is_string(v) && !json_is_null(v)) {
            snprintf(p, sizeof p, "$.%s", strs[k]);
            return jfail(err, path, p, "a string");
        }
    }
    for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
        json_t *v = json_object_get(o, ints[k]);
        if (v && !json_is_integer(v)) {
            snprintf(p, sizeof p, "$.%s", ints[k]);
            return jfail(err, path, p, "an integer");
        }
    }
    json_t *v;
    int st;
    if ((v = json_object_get(o, "grid"))) {
        const char *k;
        json_t *x;
        if (!json_is_object(v))
            return jfail(err, path, "$.grid", "an object");
        json_object_foreach(v, k, x) {
            if (!num_or_null(x) && !json_is_string(x)) {
                snprintf(p, sizeof p, "$.grid.%.40s", k);
                return jfail(err, path, p, "a number or a string");
            }
        }
    }
    if ((v = json_object_get(o, "totals")) && (st = check_stats_object(v, path, "$.totals", err)))
        return st;
    if ((v = json_object_get(o, "interception")) &&
        (st = check_stats_object(v, path, "$.interception", err)))
        return st;
    if ((v = json_object_get(o, "trapezoid")) &&
        (st = check_stats_object(v, path, "$.trapezoid", err)))
        return st;
    if ((v = json_object_get(o, "repairs")) && (st = check_stats_object(v, path, "$.repairs", err)))
        return st;
    if ((v = json_object_get(o, "warning_times"))) {
        size_t i;
        json_t *w;
        if (!json_is_array(v))
            return jfail(err, path, "$.warning_times", "an array");
        json_array_foreach(v, i, w) {
            snprintf(p, sizeof p, "$.warning_times[%zu]", i);
            if (!json_is_object(w))
                return jfail(err, path, p, "an object");
            json_t *city = json_object_get(w, "city");
            if (city && !json_is_string(city)) {
                snprintf(p, sizeof p, "$.warning_times[%zu].city", i);
                return jfail(err, path, p, "a string");
            }
            json_t *pop = json_object_get(w, "population"), *sh = json_object_get(w, "shortest_min"),
                   *mm = json_object_get(w, "mean_min");
            if (!num_or_null(pop) || !num_or_null(sh)) {
                snprintf(p, sizeof p, "$.warning_times[%zu]", i);
                return jfail(err, path, p, "numbers in population and shortest_min");
            }
            if (mm && !num_or_null(mm)) {
                const char *k;
                json_t *x;
                if (!json_is_object(mm)) {
                    snprintf(p, sizeof p, "$.warning_times[%zu].mean_min", i);
                    return jfail(err, path, p, "a number or an object");
                }
                json_object_foreach(mm, k, x) {
                    if (!num_or_null(x)) {
                        snprintf(p, sizeof p, "$.warning_times[%zu].mean_min.%.20s", i, k);
                        return jfail(err, path, p, "a number or null");
                    }
                }
            }
        }
    }
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Map layers.
 * ------------------------------------------------------------------------ */
/* State codes while replaying events: 0 in service, 1 damaged, 2 tripped. */
static unsigned char *elem_slot(const rp_data *d, const rp_event *e, unsigned char *br,
                                unsigned char *gen, unsigned char *bus)
{
    const gr_grid *g = d->grid;
    int b;
    switch (e->elem_kind) {
    case GR_ELEM_BRANCH: return e->elem_id >= 1 && e->elem_id <= g->nl ? &br[e->elem_id - 1] : NULL;
    case GR_ELEM_GEN: return e->elem_id >= 1 && e->elem_id <= g->ng ? &gen[e->elem_id - 1] : NULL;
    case GR_ELEM_BUS:
        b = gr_grid_bus_index(g, e->elem_id);
        return b >= 0 ? &bus[b] : NULL;
    default: return NULL;
    }
}

/* Replay the selected run's events up to campaign time t_h. */
static void replay(const rp_data *d, double t_h, unsigned char *br, unsigned char *gen,
                   unsigned char *bus)
{
    memset(br, 0, (size_t)d->grid->nl);
    memset(gen, 0, (size_t)d->grid->ng);
    memset(bus, 0, (size_t)d->grid->nb);
    for (int k = 0; k < d->nev && d->ev[k].t_h <= t_h + 1e-9; k++) {
        unsigned char *s = elem_slot(d, &d->ev[k], br, gen, bus);
        if (!s)
            continue;
        switch (d->ev[k].kind) {
        case RP_EV_DAMAGE: *s = 1; break;
        case RP_EV_REPAIR: if (*s == 1) *s = 0; break;
        case RP_EV_TRIP: if (*s == 0) *s = 2; break;
        case RP_EV_RECLOSE: if (*s == 2) *s = 0; break;
        default: break;
        }
    }
}

static int worst_hour(const rp_data *d)
{
    int best = -1;
    double lost = 1e-9;
    for (int k = 0; d->has_hourly && k < d->nights * RP_HOURS; k++) {
        double l = d->load[k] - d->served[k];
        if (!isnan(l) && l > lost) {
            lost = l;
            best = k;
        }
    }
    return best;
}

static int map_layers(rp_data *d, gr_error *err)
{
    const gr_grid *g0 = d->grid;
    gr_grid *g = NULL;
    gr_islands *isl = NULL;
    unsigned char *br = gr_calloc((size_t)g0->nl + 1, 1), *gen = gr_calloc((size_t)g0->ng + 1, 1),
                  *bus = gr_calloc((size_t)g0->nb + 1, 1);
    int st = GR_ENOMEM;
    d->br_dmg = gr_calloc((size_t)g0->nl + 1, 1);
    d->gen_dmg = gr_calloc((size_t)g0->ng + 1, 1);
    d->bus_dmg = gr_calloc((size_t)g0->nb + 1, 1);
    d->dark = gr_calloc((size_t)g0->nb + 1, 1);
    if (!br || !gen || !bus || !d->br_dmg || !d->gen_dmg || !d->bus_dmg || !d->dark)
        goto done;
    /* damage over the campaign: damaged at some time (2), not repaired at the end (1) */
    for (int k = 0; k < d->nev; k++) {
        unsigned char *s = d->ev[k].kind == RP_EV_DAMAGE
                               ? elem_slot(d, &d->ev[k], d->br_dmg, d->gen_dmg, d->bus_dmg)
                               : NULL;
        if (s)
            *s = 2;
    }
    replay(d, INFINITY, br, gen, bus);
    for (int k = 0; k < g0->nl; k++)
        if (br[k] == 1)
            d->br_dmg[k] = 1;
    for (int k = 0; k < g0->ng; k++)
        if (gen[k] == 1)
            d->gen_dmg[k] = 1;
    for (int k = 0; k < g0->nb; k++)
        if (bus[k] == 1)
            d->bus_dmg[k] = 1;
    /* dark buses at the worst hour (else at the end) */
    d->worst_hour = worst_hour(d);
    replay(d, d->worst_hour >= 0 ? (double)d->worst_hour : INFINITY, br, gen, bus);
    if ((st = gr_grid_copy(g0, &g)) != GR_OK)
        goto done;
    for (int b = 0; b < g->nb; b++)
        if (bus[b]) {
            g->bus_type[b] = GR_BUS_ISOLATED;
            for (int k = 0; k < g->nl; k++)
                if (g->br_f[k] == b || g->br_t[k] == b)
                    g->br_on[k] = 0;
            for (int k = 0; k < g->ng; k++)
                if (g->gen_bus[k] == b)
                    g->gen_on[k] = 0;
        }
    for (int k = 0; k < g->nl; k++)
        if (br[k])
            g->br_on[k] = 0;
    for (int k = 0; k < g->ng; k++)
        if (gen[k])
            g->gen_on[k] = 0;
    if ((st = gr_islands_find(g, 0, &isl, NULL)) != GR_OK)
        goto done;
    d->n_dark = 0;
    for (int b = 0; b < g->nb; b++) {
        int i = isl->bus_island[b];
        d->dark[b] = (unsigned char)(i < 0 || isl->ref[i] < 0);
        d->n_dark += d->dark[b];
    }
    st = GR_OK;
done:
    if (st == GR_ENOMEM)
        gr_error_set(err, GR_ENOMEM, "out of memory preparing the map");
    else if (st != GR_OK)
        gr_error_set(err, st, "preparing the map: %s", gr_strerror(st));
    gr_islands_free(isl);
    gr_grid_free(g);
    gr_free(br);
    gr_free(gen);
    gr_free(bus);
    return st;
}

/* ------------------------------------------------------------------------
 * Statistics over runs.
 * ------------------------------------------------------------------------ */
static int run_stats(rp_data *d, gr_error *err)
{
    static const double pf[5] = {5, 25, 50, 75, 95}, pb[2] = {5, 95}, pe[2] = {50, 95};
    double out[6];
    int R = d->runs, N = d->nights;
    double *x = NULL;
    if (d->has_hourly && R >= 2) {
        x = gr_malloc((size_t)R * sizeof(double));
        d->fan = gr_malloc((size_t)N * 6 * sizeof(double));
        d->ppl_band = gr_malloc((size_t)N * 2 * sizeof(double));
        d->heat_band = gr_malloc((size_t)N * 2 * sizeof(double));
        if (!x || !d->fan || !d->ppl_band || !d->heat_band)
            goto oom;
        for (int n = 0; n < N; n++) {
            for (int r = 0; r < R; r++) {
                size_t k = (size_t)r * (size_t)N + (size_t)n;
                x[r] = d->e_load[k] > 0.0 ? 100.0 * d->e_served[k] / d->e_load[k] : NAN;
            }
            if (gr_stats(x, R, pf, 5, d->fan + (size_t)n * 6) != GR_OK)
                goto oom;
            for (int r = 0; r < R; r++)
                x[r] = d->ppl_max[(size_t)r * (size_t)N + (size_t)n];
            if (gr_stats(x, R, pb, 2, out) != GR_OK)
                goto oom;
            d->ppl_band[2 * n] = out[1];
            d->ppl_band[2 * n + 1] = out[2];
            for (int r = 0; r < R; r++)
                x[r] = d->heat_max[(size_t)r * (size_t)N + (size_t)n];
            if (gr_stats(x, R, pb, 2, out) != GR_OK)
                goto oom;
            d->heat_band[2 * n] = out[1];
            d->heat_band[2 * n + 1] = out[2];
        }
    }
    if (d->has_runs && d->nrun_rows >= 2) {
        int m = gr_ccdf(d->run_ens, d->nrun_rows, &d->ccdf_x, &d->ccdf_p);
        if (m < 0)
            goto oom;
        d->nccdf = m;
        if (gr_stats(d->run_ens, d->nrun_rows, pe, 2, out) != GR_OK)
            goto oom;
        memcpy(d->ens_stat, out, 3 * sizeof(double));
    }
    gr_free(x);
    return GR_OK;
oom:
    gr_free(x);
    return gr_error_set(err, GR_ENOMEM, "out of memory computing statistics over runs");
}

/* ------------------------------------------------------------------------
 * The folder.
 * ------------------------------------------------------------------------ */
int rp_data_read(rp_data *d, const char *dir, int run, gr_error *err)
{
    char path[RP_PATH_MAX], p2[RP_PATH_MAX];
    int st;
    memset(d, 0, sizeof *d);
    d->run = run;
    d->worst_hour = -1;
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    if (len + 32 >= RP_PATH_MAX)
        return gr_error_set(err, GR_EINVAL, "path too long: '%s'", dir);
    memcpy(d->dir, dir, len);
    d->dir[len] = '\0';

    int any = 0;
    if ((st = join(path, d, "summary.json", err)))
        return st;
    if (is_file(path)) {
        any = 1;
        if ((st = read_summary(d, path, err)))
            return st;
    }
    if ((st = join(path, d, "grid.m", err)) || (st = join(p2, d, "scenario.json", err)))
        return st;
    if (is_file(path) && is_file(p2)) {
        if ((st = gr_case_read(path, &d->gcase, err)) ||
            (st = gr_overlay_read(p2, d->gcase, &d->ov, err)) ||
            (st = gr_grid_from_case(d->gcase, &d->grid, err)))
            return st;
        d->has_grid = 1;
    }
    if ((st = join(path, d, "hourly.csv", err)))
        return st;
    if (is_file(path)) {
        any = 1;
        if ((st = read_hourly(d, path, err)))
            return st;
    }
    if ((st = join(path, d, "nights.csv", err)))
        return st;
    if (is_file(path)) {
        any = 1;
        if ((st = read_nights(d, path, err)))
            return st;
    }
    if (!any)
        return gr_error_set(err, GR_ENOTFOUND,
                            "%s: not a campaign output folder (none of hourly.csv, nights.csv, "
                            "summary.json)",
                            d->dir);
    if ((st = join(path, d, "events.csv", err)))
        return st;
    if (is_file(path) && (st = read_events(d, path, err)))
        return st;
    if ((st = join(path, d, "runs.csv", err)))
        return st;
    if (is_file(path) && (st = read_runs(d, path, err)))
        return st;
    if (d->has_grid && (st = map_layers(d, err)))
        return st;
    return run_stats(d, err);
}

void rp_data_free(rp_data *d)
{
    if (!d)
        return;
    gr_free(d->load);
    gr_free(d->served);
    gr_free(d->crit);
    gr_free(d->ppl);
    gr_free(d->heat);
    gr_free(d->e_served);
    gr_free(d->e_load);
    gr_free(d->ppl_max);
    gr_free(d->heat_max);
    gr_free(d->nights_val);
    gr_free(d->ev);
    gr_free(d->run_ens);
    json_decref(d->summary);
    gr_grid_free(d->grid);
    gr_overlay_free(d->ov);
    gr_case_free(d->gcase);
    gr_free(d->br_dmg);
    gr_free(d->gen_dmg);
    gr_free(d->bus_dmg);
    gr_free(d->dark);
    gr_free(d->fan);
    gr_free(d->ppl_band);
    gr_free(d->heat_band);
    gr_free(d->ccdf_x);
    gr_free(d->ccdf_p);
    memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------------------------
 * Trapezoids.
 * ------------------------------------------------------------------------ */
static double level_at(const rp_data *d, int k, double prev)
{
    double l = d->load[k], s = d->served[k];
    if (isnan(l) || isnan(s))
        return prev;
    return l > 0.0 ? s / l : 1.0;
}

int rp_night_trapezoid(const rp_data *d, int night, gr_trapezoid *tz, int *first_hour)
{
    double cur[RP_HOURS + 1];
    if (!d->has_hourly || night < 1 || night > d->nights)
        return 0;
    double prev = 1.0;
    for (int k = 0; k < (night - 1) * RP_HOURS; k++)
        prev = level_at(d, k, prev);
    cur[0] = prev;
    for (int h = 0; h < RP_HOURS; h++)
        cur[h + 1] = level_at(d, (night - 1) * RP_HOURS + h, cur[h]);
    int fh = RP_HOURS;
    if (d->has_events) {
        double t0 = 24.0 * (night - 1);
        for (int k = 0; k < d->nev; k++) {
            const rp_event *e = &d->ev[k];
            if (e->night != night || (e->kind != RP_EV_DAMAGE && e->kind != RP_EV_HIT &&
                                      e->kind != RP_EV_TRIP && e->kind != RP_EV_SHED))
                continue;
            double h = floor(e->t_h - t0 + 1e-9);
            int hi = h < 0.0 ? 0 : h > RP_HOURS - 1 ? RP_HOURS - 1 : (int)h;
            if (hi < fh)
                fh = hi;
        }
    } else {
        for (int h = 0; h < RP_HOURS && fh == RP_HOURS; h++)
            if (cur[h + 1] < cur[h] - 1e-6)
                fh = h;
    }
    if (fh >= RP_HOURS)
        return 0;
    if (gr_trapezoid_compute(cur, RP_HOURS + 1, 1.0, fh + 1, tz) != GR_OK)
        return 0;
    *first_hour = fh;
    return 1;
}
