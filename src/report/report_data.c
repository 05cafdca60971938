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
    if (rn * RP_HOURS <= (size_t)RP_ALL_MAX)
        for (int j = 0; j < 5; j++)
            if (!(d->all[j] = nan_array(rn * RP_HOURS))) {
                st = gr_error_set(err, GR_ENOMEM, "out of memory reading %s", path);
                goto done;
            }
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
        if (d->all[0]) {
            size_t a = bit;
            d->all[0][a] = load;
            d->all[1][a] = served;
            d->all[2][a] = r.v[H_CRIT - H_LOAD];
            d->all[3][a] = p;
            d->all[4][a] = h;
        }
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
    if (x->e.run != y->e.run)
        return x->e.run < y->e.run ? -1 : 1;
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
    } else if (kind == GR_ELEM_GEN && (id < 1 || id > d->grid->ng + d->nties)) {
        what = "generators and interconnection ties";
        n = d->grid->ng + d->nties;
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
        e.run = run;
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
    d->ev_all = gr_malloc((size_t)(n ? n : 1) * sizeof(rp_event));
    if (!d->ev || !d->ev_all) {
        st = gr_error_set(err, GR_ENOMEM, "out of memory reading %s", path);
        goto done;
    }
    d->nev = 0;
    for (int k = 0; k < n; k++) {
        d->ev_all[k] = v[k].e;
        if (v[k].e.run == d->run)
            d->ev[d->nev++] = v[k].e;
    }
    d->nev_all = n;
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

/* campaign.json: the number of interconnection ties (docs/campaign.md "Ties"; the
   campaign's events name them gen:NG+1 … after grid.m's NG units; not drawn). */
static int read_ties(rp_data *d, const char *path, gr_error *err)
{
    json_error_t je;
    json_t *o = json_load_file(path, 0, &je);
    if (!o)
        return gr_error_set(err, GR_EPARSE, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    const json_t *ic = json_is_object(o) ? json_object_get(o, "interconnection") : NULL;
    const json_t *t = json_is_object(ic) ? json_object_get(ic, "ties") : NULL;
    if (t && !json_is_array(t)) {
        json_decref(o);
        return gr_error_set(err, GR_EPARSE, "%s: $.interconnection.ties: expected an array", path);
    }
    d->nties = t ? (int)json_array_size(t) : 0;
    json_decref(o);
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
/* p10, p50, p90 of x[0..n-1] into out[0..2] (NaN skipped). */
static int p10_50_90(const double *x, int n, double *out)
{
    static const double pp[3] = {10, 50, 90};
    double o[4];
    if (gr_stats(x, n, pp, 3, o) != GR_OK)
        return -1;
    memcpy(out, o + 1, 3 * sizeof(double));
    return 0;
}

static int run_stats(rp_data *d, gr_error *err)
{
    static const double pf[5] = {10, 25, 50, 75, 90}, pe[2] = {50, 95};
    double out[6];
    int R = d->runs, N = d->nights;
    double *x = NULL;
    if (d->has_hourly) {
        /* energy not served per run and night (load - served over the night's hours) */
        d->ens_rn = gr_malloc((size_t)R * (size_t)N * sizeof(double));
        if (!d->ens_rn)
            goto oom;
        for (size_t k = 0; k < (size_t)R * (size_t)N; k++)
            d->ens_rn[k] = d->e_load[k] - d->e_served[k];
    }
    if (d->has_hourly && R >= 2) {
        size_t nh = (size_t)N * RP_HOURS;
        x = gr_malloc((size_t)R * sizeof(double));
        d->fan = gr_malloc((size_t)N * 6 * sizeof(double));
        d->ppl_band = gr_malloc((size_t)N * 3 * sizeof(double));
        d->heat_band = gr_malloc((size_t)N * 3 * sizeof(double));
        d->ens_night = gr_malloc((size_t)N * 4 * sizeof(double));
        if (!x || !d->fan || !d->ppl_band || !d->heat_band || !d->ens_night)
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
            if (p10_50_90(x, R, d->ppl_band + 3 * n))
                goto oom;
            for (int r = 0; r < R; r++)
                x[r] = d->heat_max[(size_t)r * (size_t)N + (size_t)n];
            if (p10_50_90(x, R, d->heat_band + 3 * n))
                goto oom;
            for (int r = 0; r < R; r++)
                x[r] = d->ens_rn[(size_t)r * (size_t)N + (size_t)n];
            static const double pn[3] = {10, 50, 90};
            if (gr_stats(x, R, pn, 3, d->ens_night + 4 * n) != GR_OK)
                goto oom;
        }
        if (d->all[0]) {
            double **agg[4] = {&d->agg_load, &d->agg_served, &d->agg_crit, &d->agg_level};
            for (int j = 0; j < 4; j++)
                if (!(*agg[j] = gr_malloc(nh * 3 * sizeof(double))))
                    goto oom;
            for (size_t t = 0; t < nh; t++) {
                for (int j = 0; j < 4; j++) {
                    for (int r = 0; r < R; r++) {
                        size_t k = (size_t)r * nh + t;
                        if (j < 3) {
                            x[r] = d->all[j][k];
                        } else {
                            double l = d->all[0][k], sv = d->all[1][k];
                            x[r] = isnan(l) || isnan(sv) ? NAN : l > 0.0 ? 100.0 * sv / l : 100.0;
                        }
                    }
                    if (p10_50_90(x, R, *agg[j] + 3 * t))
                        goto oom;
                }
            }
        }
    }
    if (d->has_hourly) {
        size_t nh = (size_t)N * RP_HOURS;
        int agg = d->agg_served != NULL;
        double **v[5] = {&d->v_load, &d->v_served, &d->v_crit, &d->v_cdem, &d->v_lvl};
        for (int j = 0; j < 5; j++)
            if (!(*v[j] = gr_malloc((nh + 1) * sizeof(double))))
                goto oom;
        for (size_t k = 0; k < nh; k++) {
            double l = agg ? d->agg_load[3 * k + 1] : d->load[k],
                   sv = agg ? d->agg_served[3 * k + 1] : d->served[k];
            d->v_load[k] = l;
            d->v_served[k] = sv;
            d->v_crit[k] = agg ? d->agg_crit[3 * k + 1] : d->crit[k];
            d->v_cdem[k] = d->has_crit && !isnan(d->crit_share) ? l * d->crit_share : NAN;
            d->v_lvl[k] = agg ? d->agg_level[3 * k + 1] / 100.0
                          : isnan(l) || isnan(sv) ? NAN : l > 0 ? sv / l : 1.0;
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
 * Risk over all runs: which substations, lines and plants were damaged in
 * how many runs, how long each city was dark, how long damaged units took
 * to come back.
 * ------------------------------------------------------------------------ */
/* Dark buses (destroyed, or in an island without generation) with element
 * states br/gen/bus (0 in service); g is a work copy of d->grid. */
static int dark_buses(const rp_data *d, gr_grid *g, const unsigned char *br,
                      const unsigned char *gen, const unsigned char *bus, unsigned char *dark)
{
    const gr_grid *g0 = d->grid;
    gr_islands *isl = NULL;
    memcpy(g->bus_type, g0->bus_type, (size_t)g0->nb * sizeof(int));
    memcpy(g->br_on, g0->br_on, (size_t)g0->nl * sizeof(int));
    memcpy(g->gen_on, g0->gen_on, (size_t)g0->ng * sizeof(int));
    for (int b = 0; b < g->nb; b++)
        if (bus[b])
            g->bus_type[b] = GR_BUS_ISOLATED;
    for (int k = 0; k < g->nl; k++)
        if (br[k] || bus[g->br_f[k]] || bus[g->br_t[k]])
            g->br_on[k] = 0;
    for (int k = 0; k < g->ng; k++)
        if (gen[k] || bus[g->gen_bus[k]])
            g->gen_on[k] = 0;
    int st = gr_islands_find(g, 0, &isl, NULL);
    if (st != GR_OK)
        return st;
    for (int b = 0; b < g->nb; b++) {
        int i = isl->bus_island[b];
        dark[b] = (unsigned char)(i < 0 || isl->ref[i] < 0);
    }
    gr_islands_free(isl);
    return GR_OK;
}

/* The substation an element belongs to, or -1 (a line between substations). */
static int elem_substation(const rp_data *d, int kind, int idx)
{
    const gr_overlay *ov = d->ov;
    const gr_grid *g = d->grid;
    if (kind == GR_ELEM_BUS)
        return ov->bus_substation[idx];
    if (kind == GR_ELEM_GEN)
        return ov->bus_substation[g->gen_bus[idx]];
    if (kind == GR_ELEM_BRANCH) {
        int sf = ov->bus_substation[g->br_f[idx]], stt = ov->bus_substation[g->br_t[idx]];
        return sf == stt ? sf : -1;
    }
    return -1;
}

/* 0-based element index of an event in the grid, or -1. */
static int ev_index(const rp_data *d, const rp_event *e)
{
    const gr_grid *g = d->grid;
    switch (e->elem_kind) {
    case GR_ELEM_BRANCH: return e->elem_id >= 1 && e->elem_id <= g->nl ? e->elem_id - 1 : -1;
    case GR_ELEM_GEN: return e->elem_id >= 1 && e->elem_id <= g->ng ? e->elem_id - 1 : -1;
    case GR_ELEM_BUS: return gr_grid_bus_index(g, e->elem_id);
    default: return -1;
    }
}

static int risk_layers(rp_data *d, gr_error *err)
{
    const gr_grid *g0 = d->grid;
    const gr_overlay *ov = d->ov;
    int R = d->runs, N = d->nights, nb = g0->nb, nl = g0->nl, ng = g0->ng;
    int nc = ov->ncity, ns = ov->nsub, np = ov->nplant;
    size_t nh = (size_t)N * RP_HOURS;
    double T_end = (double)nh; /* the campaign's end, h */
    gr_grid *g = NULL;
    int st = GR_ENOMEM;
    unsigned char *st_br = gr_calloc((size_t)nl + 1, 1), *st_gen = gr_calloc((size_t)ng + 1, 1),
                  *st_bus = gr_calloc((size_t)nb + 1, 1), *dark = gr_calloc((size_t)nb + 1, 1);
    unsigned char *hit_s = gr_calloc((size_t)ns + 1, 1), *hit_l = gr_calloc((size_t)nl + 1, 1),
                  *hit_p = gr_calloc((size_t)np + 1, 1);
    double *since = gr_malloc(((size_t)nl + (size_t)ng + (size_t)nb + 1) * sizeof(double));
    double *share = gr_calloc((size_t)nc + 1, sizeof(double));
    double sum_all[3] = {0, 0, 0}, sum_rep[3] = {0, 0, 0};
    d->sub_p = gr_calloc((size_t)ns + 1, sizeof(double));
    d->line_p = gr_calloc((size_t)nl + 1, sizeof(double));
    d->plant_p = gr_calloc((size_t)np + 1, sizeof(double));
    d->city_dark_h = gr_calloc((size_t)nc * (size_t)R + 1, sizeof(double));
    d->city_people = gr_calloc((size_t)nc + 1, sizeof(double));
    if ((size_t)R * nh * (size_t)nc <= (size_t)RP_ALL_MAX)
        d->city_dark = gr_calloc((size_t)R * nh * (size_t)nc + 1, sizeof(double));
    if (!st_br || !st_gen || !st_bus || !dark || !hit_s || !hit_l || !hit_p || !since || !share ||
        !d->sub_p || !d->line_p || !d->plant_p || !d->city_dark_h || !d->city_people)
        goto done;
    if ((st = gr_grid_copy(g0, &g)) != GR_OK)
        goto done;
    for (int b = 0; b < nb; b++)
        if (ov->bus_city[b] >= 0 && ov->bus_city[b] < nc)
            d->city_people[ov->bus_city[b]] += ov->bus_population[b];
    int k = 0; /* into ev_all, sorted by run then time */
    for (int r = 1; r <= R; r++) {
        memset(st_br, 0, (size_t)nl);
        memset(st_gen, 0, (size_t)ng);
        memset(st_bus, 0, (size_t)nb);
        memset(hit_s, 0, (size_t)ns);
        memset(hit_l, 0, (size_t)nl);
        memset(hit_p, 0, (size_t)np);
        for (size_t j = 0; j < (size_t)nl + (size_t)ng + (size_t)nb; j++)
            since[j] = NAN;
        while (k < d->nev_all && d->ev_all[k].run < r)
            k++;
        int changed = 1;
        for (size_t t = 0; t < nh; t++) {
            for (; k < d->nev_all && d->ev_all[k].run == r && d->ev_all[k].t_h <= (double)t + 1e-9;
                 k++) {
                const rp_event *e = &d->ev_all[k];
                int i = ev_index(d, e);
                if (i < 0)
                    continue;
                int ek = e->elem_kind; /* GR_ELEM_BRANCH 0, GEN 1, BUS 2 */
                unsigned char *s = ek == GR_ELEM_BRANCH ? &st_br[i]
                                   : ek == GR_ELEM_GEN  ? &st_gen[i]
                                                        : &st_bus[i];
                size_t fl = ek == GR_ELEM_BRANCH ? (size_t)i
                            : ek == GR_ELEM_GEN  ? (size_t)nl + (size_t)i
                                                 : (size_t)nl + (size_t)ng + (size_t)i;
                unsigned char old = *s;
                switch (e->kind) {
                case RP_EV_DAMAGE:
                    if (*s != 1) {
                        *s = 1;
                        since[fl] = e->t_h;
                        d->rs_units[ek]++;
                    }
                    int sub = elem_substation(d, ek, i);
                    if (sub >= 0)
                        hit_s[sub] = 1;
                    if (ek == GR_ELEM_BRANCH)
                        hit_l[i] = 1;
                    if (ek == GR_ELEM_GEN && ov->gen_plant[i] >= 0 && ov->gen_plant[i] < np)
                        hit_p[ov->gen_plant[i]] = 1;
                    break;
                case RP_EV_REPAIR:
                    if (*s == 1) {
                        *s = 0;
                        double dt = e->t_h - since[fl];
                        sum_all[ek] += dt;
                        sum_rep[ek] += dt;
                        d->rs_repaired[ek]++;
                        since[fl] = NAN;
                    }
                    break;
                case RP_EV_TRIP: if (*s == 0) *s = 2; break;
                case RP_EV_RECLOSE: if (*s == 2) *s = 0; break;
                default: break;
                }
                changed |= *s != old;
            }
            if (changed && (st = dark_buses(d, g, st_br, st_gen, st_bus, dark)) != GR_OK)
                goto done;
            if (changed) {
                for (int c = 0; c < nc; c++)
                    share[c] = 0.0;
                for (int b = 0; b < nb; b++) {
                    int c = ov->bus_city[b];
                    if (dark[b] && c >= 0 && c < nc)
                        share[c] += ov->bus_population[b];
                }
                for (int c = 0; c < nc; c++)
                    share[c] = d->city_people[c] > 0.0 ? share[c] / d->city_people[c] : 0.0;
            }
            changed = 0;
            for (int c = 0; c < nc; c++) {
                d->city_dark_h[(size_t)c * (size_t)R + (size_t)(r - 1)] += share[c];
                if (d->city_dark)
                    d->city_dark[((size_t)(r - 1) * nh + t) * (size_t)nc + (size_t)c] = share[c];
            }
        }
        /* units still out at the end count to the end of the campaign */
        for (size_t j = 0; j < (size_t)nl + (size_t)ng + (size_t)nb; j++)
            if (!isnan(since[j])) {
                int ek = j < (size_t)nl ? 0 : j < (size_t)nl + (size_t)ng ? 1 : 2;
                sum_all[ek] += T_end - since[j];
            }
        for (int j = 0; j < ns; j++)
            d->sub_p[j] += hit_s[j];
        for (int j = 0; j < nl; j++)
            d->line_p[j] += hit_l[j];
        for (int j = 0; j < np; j++)
            d->plant_p[j] += hit_p[j];
    }
    for (int j = 0; j < ns; j++)
        d->sub_p[j] /= R;
    for (int j = 0; j < nl; j++)
        d->line_p[j] /= R;
    for (int j = 0; j < np; j++)
        d->plant_p[j] /= R;
    for (int j = 0; j < 3; j++) {
        d->rs_mean_all[j] = d->rs_units[j] ? sum_all[j] / d->rs_units[j] : NAN;
        d->rs_mean_rep[j] = d->rs_repaired[j] ? sum_rep[j] / d->rs_repaired[j] : NAN;
    }
    d->has_risk = 1;
    st = GR_OK;
done:
    if (st == GR_ENOMEM)
        gr_error_set(err, GR_ENOMEM, "out of memory preparing the risk map");
    else if (st != GR_OK)
        gr_error_set(err, st, "preparing the risk map: %s", gr_strerror(st));
    gr_grid_free(g);
    gr_free(st_br);
    gr_free(st_gen);
    gr_free(st_bus);
    gr_free(dark);
    gr_free(hit_s);
    gr_free(hit_l);
    gr_free(hit_p);
    gr_free(since);
    gr_free(share);
    return st;
}

/* ------------------------------------------------------------------------
 * cities.csv: per run, hour and area what the campaign's outage queues left dark
 * and how many district-heated people sat below 12 °C (gr_campaign_result.area_hourly;
 * rows with both 0 are left out). Replaces the replay's city_dark_h and city_dark.
 * ------------------------------------------------------------------------ */
enum { C_RUN, C_NIGHT, C_HOUR, C_CITY, C_PPL, C_COLD, C_N };
static const char *const city_cols[C_N] = {"run", "night", "hour", "city",
                                           "people_without_power", "people_below_12c"};

static int read_cities(rp_data *d, const char *path, gr_error *err)
{
    const gr_overlay *ov = d->ov;
    int R = d->runs, nc = ov->ncity, col[C_N], st, rc;
    size_t nh = (size_t)d->nights * RP_HOURS, na = (size_t)nc + 1;
    rp_csv c;
    if ((st = rp_csv_open(&c, path, err)))
        return st;
    unsigned char *seen = gr_calloc((size_t)R * nh * na + 1, 1);
    d->city_dark_ph = gr_calloc(na * (size_t)R + 1, sizeof(double));
    d->city_cold_ph = gr_calloc(na * (size_t)R + 1, sizeof(double));
    d->city_heat_people = gr_calloc(na, sizeof(double));
    if (d->city_dark && !d->city_cold)
        d->city_cold = gr_calloc((size_t)R * nh * (size_t)nc + 1, sizeof(double));
    if (!seen || !d->city_dark_ph || !d->city_cold_ph || !d->city_heat_people ||
        (d->city_dark && !d->city_cold)) {
        st = gr_error_set(err, GR_ENOMEM, "out of memory reading %s", path);
        goto done;
    }
    for (int k = 0; k < C_N; k++)
        if ((st = rp_csv_require(&c, city_cols[k], &col[k], err)))
            goto done;
    for (int b = 0; b < ov->nb; b++) {
        int hd = ov->bus_heat_district[b];
        int cc = hd >= 0 && hd < ov->nheat ? ov->heat_city[hd] : -1;
        if (cc >= 0 && cc < nc)
            d->city_heat_people[cc] += ov->bus_heat_population[b];
    }
    if (d->city_dark)
        memset(d->city_dark, 0, (size_t)R * nh * (size_t)nc * sizeof(double));
    while ((rc = rp_csv_next(&c, err)) == 1) {
        int run, night, hour, city;
        double ppl, cold;
        if ((st = rp_csv_int(&c, col[C_RUN], 1, R, &run, err)) ||
            (st = rp_csv_int(&c, col[C_NIGHT], 1, d->nights, &night, err)) ||
            (st = rp_csv_int(&c, col[C_HOUR], 0, RP_HOURS - 1, &hour, err)) ||
            (st = rp_csv_int(&c, col[C_CITY], 0, nc, &city, err)) ||
            (st = rp_csv_num(&c, col[C_PPL], &ppl, err)) ||
            (st = rp_csv_num(&c, col[C_COLD], &cold, err)))
            goto done;
        if (!(ppl >= 0.0) || !(cold >= 0.0)) {
            st = gr_error_set(err, GR_EPARSE, "%s:%ld: people must be a number >= 0", path,
                              c.line);
            goto done;
        }
        size_t t = (size_t)(night - 1) * RP_HOURS + (size_t)hour;
        size_t a = city ? (size_t)city - 1 : (size_t)nc; /* 0 in the file: no city */
        size_t key = ((size_t)(run - 1) * nh + t) * na + a;
        if (seen[key]) {
            st = gr_error_set(err, GR_EPARSE, "%s:%ld: a second row for run %d, night %d, "
                                              "hour %d, city %d", path, c.line, run, night,
                              hour, city);
            goto done;
        }
        seen[key] = 1;
        d->city_dark_ph[a * (size_t)R + (size_t)(run - 1)] += ppl;
        d->city_cold_ph[a * (size_t)R + (size_t)(run - 1)] += cold;
        if (a < (size_t)nc && d->city_dark) {
            size_t i = ((size_t)(run - 1) * nh + t) * (size_t)nc + a;
            d->city_dark[i] = d->city_people[a] > 0.0 ? fmin(1.0, ppl / d->city_people[a]) : 0.0;
            d->city_cold[i] =
                d->city_heat_people[a] > 0.0 ? fmin(1.0, cold / d->city_heat_people[a]) : 0.0;
        }
    }
    if (rc < 0) {
        st = rc;
        goto done;
    }
    for (int k = 0; k < nc; k++)
        for (int r = 0; r < R; r++) {
            size_t i = (size_t)k * (size_t)R + (size_t)r;
            d->city_dark_h[i] = d->city_people[k] > 0.0 ? d->city_dark_ph[i] / d->city_people[k]
                                                        : 0.0;
        }
    d->has_cities = 1;
    st = GR_OK;
done:
    gr_free(seen);
    rp_csv_close(&c);
    return st;
}

double rp_city_mean(const rp_data *d, int c, int what)
{
    int R = d->runs;
    double s = 0.0;
    if (!d->has_risk || R < 1 || c < 0 || c >= d->ov->ncity)
        return 0.0;
    if (what == 1 && (!d->has_cities || !(d->city_heat_people[c] > 0.0)))
        return 0.0;
    for (int r = 0; r < R; r++)
        s += what ? d->city_cold_ph[(size_t)c * (size_t)R + (size_t)r]
                  : d->city_dark_h[(size_t)c * (size_t)R + (size_t)r];
    return what ? s / R / d->city_heat_people[c] : s / R;
}

/* Critical demand / demand of the case (see crit_share in report_internal.h). */
static int critical_share(rp_data *d, gr_error *err)
{
    gr_load_classes *lc = NULL;
    int st = gr_load_classes_from_overlay(d->grid, d->ov, &lc, err);
    if (st != GR_OK)
        return st;
    double pd = 0.0, cr = 0.0;
    for (int b = 0; b < d->grid->nb; b++)
        if (d->grid->pd[b] > 0.0) {
            pd += d->grid->pd[b];
            cr += d->grid->pd[b] * lc->share[(size_t)b * GR_LOAD_NCLASS + GR_LOAD_CRITICAL];
        }
    d->crit_share = pd > 0.0 ? cr / pd : NAN;
    gr_load_classes_free(lc);
    return GR_OK;
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
    d->crit_share = NAN;
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
        if ((st = join(path, d, "campaign.json", err)))
            return st;
        if (is_file(path) && (st = read_ties(d, path, err)))
            return st;
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
    if (d->has_grid && (st = critical_share(d, err)))
        return st;
    if (d->has_grid && d->has_events && d->has_hourly && (st = risk_layers(d, err)))
        return st;
    if ((st = join(path, d, "cities.csv", err)))
        return st;
    if (d->has_risk && is_file(path) && (st = read_cities(d, path, err)))
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
    gr_free(d->ev_all);
    for (int j = 0; j < 5; j++)
        gr_free(d->all[j]);
    gr_free(d->agg_load);
    gr_free(d->agg_served);
    gr_free(d->agg_crit);
    gr_free(d->agg_level);
    gr_free(d->ens_rn);
    gr_free(d->v_load);
    gr_free(d->v_served);
    gr_free(d->v_crit);
    gr_free(d->v_cdem);
    gr_free(d->v_lvl);
    gr_free(d->ens_night);
    gr_free(d->sub_p);
    gr_free(d->line_p);
    gr_free(d->plant_p);
    gr_free(d->city_dark_h);
    gr_free(d->city_dark);
    gr_free(d->city_people);
    gr_free(d->city_dark_ph);
    gr_free(d->city_cold_ph);
    gr_free(d->city_heat_people);
    gr_free(d->city_cold);
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
