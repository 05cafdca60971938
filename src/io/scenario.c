/* scenario.c — the campaign scenario (campaign JSON): validating reader and the built-in default scenario.
 *
 * DESIGN. A campaign scenario extends the scenario overlay: it names (or
 * embeds) the grid and its overlay, or omits them for the built-in synthetic
 * region, and adds the campaign: nights, threat types, night plans of waves,
 * air defence, targeting, passive protection, repair and the load profile.
 * Every field is optional with a documented default (docs/scenario.md)
 * except the format tag, the version and the schedule; every field present is
 * checked for its type and range, unknown fields and names are errors, and
 * the first problem is reported with its JSON path, as the overlay reader
 * does. The built-in default is itself a JSON document read by the same code,
 * so it cannot drift from the format. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gridres.h"
#include "io/file_read.h"
#include "io/json_read.h"
#include "model/overlay.h"

#define CAMP_FORMAT "gridres-campaign"
#define CAMP_VERSION 1
#define PATHLEN JR_PATHLEN

/* ------------------------------------------------------------------------
 * The built-in default scenario (numbers and their sources: docs/campaign.md).
 * ------------------------------------------------------------------------ */
static const char default_json[] =
    "{\n"
    "  \"format\": \"gridres-campaign\",\n"
    "  \"version\": 1,\n"
    "  \"name\": \"default: 30 winter nights on the synthetic region\",\n"
    "  \"synth\": {\"buses\": 2000, \"seed\": 1},\n"
    "  \"nights\": 30,\n"
    "  \"start_h\": 18,\n"
    "  \"threat_types\": {\n"
    "    \"drone\": {\"speed_kmh\": 185, \"p_ew\": 0.30, \"engage_min\": 3,\n"
    "      \"p_damage\": {\"sub750\": 0.5, \"sub330\": 0.5, \"sub110\": 0.6, \"line\": 0.3,\n"
    "        \"nuclear\": 0, \"thermal\": 0.4, \"chp\": 0.4, \"hydro\": 0.2, \"gas\": 0.4,\n"
    "        \"wind\": 0.5, \"solar\": 0.5, \"other\": 0.4}},\n"
    "    \"cruise\": {\"speed_kmh\": 800, \"p_ew\": 0.02, \"engage_min\": 1.5,\n"
    "      \"p_damage\": {\"sub750\": 0.8, \"sub330\": 0.8, \"sub110\": 0.9, \"line\": 0.6,\n"
    "        \"nuclear\": 0, \"thermal\": 0.7, \"chp\": 0.7, \"hydro\": 0.5, \"gas\": 0.7,\n"
    "        \"wind\": 0.8, \"solar\": 0.8, \"other\": 0.7}},\n"
    "    \"ballistic\": {\"speed_kmh\": 3000, \"p_ew\": 0, \"engage_min\": 0.25,\n"
    "      \"p_damage\": {\"sub750\": 0.85, \"sub330\": 0.85, \"sub110\": 0.9, \"line\": 0.6,\n"
    "        \"nuclear\": 0, \"thermal\": 0.75, \"chp\": 0.75, \"hydro\": 0.5, \"gas\": 0.75,\n"
    "        \"wind\": 0.8, \"solar\": 0.8, \"other\": 0.75}}\n"
    "  },\n"
    "  \"p_switchyard\": 0.2,\n"
    "  \"schedule\": [\n"
    "    {\"name\": \"harassment\", \"every\": 1, \"first\": 1, \"waves\": [\n"
    "      {\"time_h\": 4.0, \"spread_h\": 1.5, \"counts\": {\"drone\": 12},\n"
    "       \"launch\": [{\"x_km\": 650, \"y_km\": 250, \"radius_km\": 60},\n"
    "                  {\"x_km\": 300, \"y_km\": 650, \"radius_km\": 60}]}]},\n"
    "    {\"name\": \"medium strike\", \"nights\": [5, 12, 20, 27], \"waves\": [\n"
    "      {\"time_h\": 3.0, \"spread_h\": 1.5, \"counts\": {\"drone\": 60},\n"
    "       \"launch\": [{\"x_km\": 650, \"y_km\": 250, \"radius_km\": 60},\n"
    "                  {\"x_km\": 300, \"y_km\": 650, \"radius_km\": 60}]},\n"
    "      {\"time_h\": 8.5, \"spread_h\": 0.4, \"counts\": {\"cruise\": 4},\n"
    "       \"launch\": [{\"x_km\": 1200, \"y_km\": 350, \"radius_km\": 100}]}]},\n"
    "    {\"name\": \"massive combined strike\", \"nights\": [2, 9, 16, 23, 30], \"waves\": [\n"
    "      {\"time_h\": 2.0, \"spread_h\": 1.5, \"counts\": {\"drone\": 150},\n"
    "       \"launch\": [{\"x_km\": 650, \"y_km\": 250, \"radius_km\": 60, \"share\": 2},\n"
    "                  {\"x_km\": 300, \"y_km\": 650, \"radius_km\": 60, \"share\": 1}]},\n"
    "      {\"time_h\": 8.5, \"spread_h\": 0.4, \"counts\": {\"cruise\": 10},\n"
    "       \"launch\": [{\"x_km\": 1200, \"y_km\": 350, \"radius_km\": 100}]},\n"
    "      {\"time_h\": 10.0, \"spread_h\": 0.1, \"counts\": {\"ballistic\": 4},\n"
    "       \"launch\": [{\"x_km\": 650, \"y_km\": 150, \"radius_km\": 30}]}]}\n"
    "  ],\n"
    "  \"air_defence\": {\n"
    "    \"detect_km\": 0,\n"
    "    \"default\": {\"channels\": 4, \"stock\": 40, \"stock_max\": 60, \"resupply\": 8,\n"
    "      \"pk\": {\"drone\": 0.6, \"cruise\": 0.65, \"ballistic\": 0.15},\n"
    "      \"shots\": {\"drone\": 1, \"cruise\": 2, \"ballistic\": 2}, \"shoot_look_shoot\": true},\n"
    "    \"zones\": [\n"
    "      {\"zone\": 0, \"channels\": 8, \"stock\": 120, \"stock_max\": 160, \"resupply\": 20,\n"
    "       \"pk\": {\"drone\": 0.75, \"cruise\": 0.75, \"ballistic\": 0.6},\n"
    "       \"shots\": {\"drone\": 1, \"cruise\": 2, \"ballistic\": 2}, \"shoot_look_shoot\": true},\n"
    "      {\"name\": \"mobile fire groups\", \"x_km\": 200, \"y_km\": 200, \"radius_km\": 300,\n"
    "       \"channels\": 24, \"stock\": 5000, \"stock_max\": 5000, \"resupply\": 5000,\n"
    "       \"pk\": {\"drone\": 0.72, \"cruise\": 0.55, \"ballistic\": 0},\n"
    "       \"shots\": {\"drone\": 1, \"cruise\": 1, \"ballistic\": 1}, \"shoot_look_shoot\": false}\n"
    "    ]\n"
    "  },\n"
    "  \"targets\": {\"policy\": \"capacity\",\n"
    "    \"salvo\": {\"drone\": 3, \"cruise\": 1, \"ballistic\": 1},\n"
    "    \"class_weight\": {\"sub750\": 1, \"sub330\": 1, \"sub110\": 0.5, \"line\": 0,\n"
    "      \"nuclear\": 0, \"thermal\": 1, \"chp\": 1, \"hydro\": 1, \"gas\": 1,\n"
    "      \"wind\": 0.2, \"solar\": 0.2, \"other\": 0.5}},\n"
    "  \"protection\": {\"class\": {\"sub750\": 0.85}},\n"
    "  \"repair\": {\n"
    "    \"crews\": null, \"work_start_h\": 6, \"work_h_per_day\": 16,\n"
    "    \"speed_kmh\": 60, \"road_factor\": 1.3,\n"
    "    \"times\": {\n"
    "      \"line\": {\"dist\": \"lognormal\", \"median_h\": 12, \"sigma\": 0.6},\n"
    "      \"sub110\": {\"dist\": \"lognormal\", \"median_h\": 48, \"sigma\": 0.6},\n"
    "      \"autotransformer\": {\"dist\": \"triangular\", \"min_h\": 240, \"mode_h\": 504,"
    " \"max_h\": 840},\n"
    "      \"switchyard\": {\"dist\": \"lognormal\", \"median_h\": 312, \"sigma\": 0.35},\n"
    "      \"nuclear\": {\"dist\": \"lognormal\", \"median_h\": 2160, \"sigma\": 0.5},\n"
    "      \"thermal\": {\"dist\": \"lognormal\", \"median_h\": 1440, \"sigma\": 0.5},\n"
    "      \"chp\": {\"dist\": \"lognormal\", \"median_h\": 1800, \"sigma\": 0.4},\n"
    "      \"hydro\": {\"dist\": \"lognormal\", \"median_h\": 1440, \"sigma\": 0.6},\n"
    "      \"gas\": {\"dist\": \"lognormal\", \"median_h\": 720, \"sigma\": 0.5},\n"
    "      \"wind\": {\"dist\": \"lognormal\", \"median_h\": 336, \"sigma\": 0.5},\n"
    "      \"solar\": {\"dist\": \"lognormal\", \"median_h\": 168, \"sigma\": 0.5},\n"
    "      \"other\": {\"dist\": \"lognormal\", \"median_h\": 720, \"sigma\": 0.5}\n"
    "    },\n"
    "    \"spares\": [\n"
    "      {\"name\": \"AT-330/750\", \"for\": [\"autotransformer\"], \"stock\": 6,"
    " \"every_days\": 10, \"units\": 1},\n"
    "      {\"name\": \"T-110\", \"for\": [\"sub110\"], \"stock\": 40, \"every_days\": 7,"
    " \"units\": 4}\n"
    "    ]\n"
    "  },\n"
    "  \"load\": {\"scale\": 1.0, \"profile\": [0.78, 0.74, 0.72, 0.70, 0.70, 0.72, 0.78, 0.87,\n"
    "    0.93, 0.95, 0.95, 0.94, 0.93, 0.92, 0.91, 0.92, 0.95, 0.99, 1.00, 1.00, 0.98, 0.94,\n"
    "    0.89, 0.83]},\n"
    "  \"cascade\": {\"control\": \"shed\", \"reclose_h\": 2},\n"
    "  \"metrics\": {\"heat_loss_h\": 4}\n"
    "}\n";

const char *gr_campaign_default_json(void) { return default_json; }

/* ------------------------------------------------------------------------
 * JSON reading helpers: every failure names the file and the JSON path.
 * ------------------------------------------------------------------------ */

/* The field, number, integer and name helpers (jr_field, jr_num, jr_integer,
 * jr_name_in, ...) are json_read.c's, shared with the costs and overlay readers. */

static int boolean(jr *r, const json_t *obj, const char *path, const char *key, int *out)
{
    const json_t *v;
    char p[PATHLEN];
    int st = jr_member(r, obj, path, key, 0, &v, p);
    if (st || !v)
        return st;
    if (!json_is_boolean(v))
        return jr_fail(r, p, "expected true or false, found %s", jr_type(v));
    *out = json_is_true(v);
    return GR_OK;
}

/* A non-empty string (borrowed from the JSON tree). */
static int string(jr *r, const json_t *obj, const char *path, const char *key, int required,
                  const char **out)
{
    const json_t *v;
    char p[PATHLEN];
    int st = jr_member(r, obj, path, key, required, &v, p);
    if (st || !v)
        return st;
    if (!json_is_string(v))
        return jr_fail(r, p, "expected a string, found %s", jr_type(v));
    if (json_string_length(v) == 0 || strlen(json_string_value(v)) != json_string_length(v))
        return jr_fail(r, p, "expected a non-empty string without NUL characters");
    *out = json_string_value(v);
    return GR_OK;
}

static int dup(jr *r, const char *src, char **dst)
{
    gr_free(*dst);
    *dst = gr_overlay_strdup(src);
    return *dst ? GR_OK : jr_oom(r);
}

static const char *threat_name(int t)
{
    static const char *const names[GR_THREAT_NTYPES] = {"drone", "cruise", "ballistic"};
    return t >= 0 && t < GR_THREAT_NTYPES ? names[t] : "?";
}

/* An object keyed by names (threat types, asset classes, repair kinds):
 * number values in [min, max] into dout[index], or, with dout NULL, integer
 * values into iout[index]. */
static int keyed_map(jr *r, const json_t *obj, const char *path, const char *key, int n,
                     const char *(*name_of)(int), const char *what, double min, double max,
                     double *dout, int *iout)
{
    const json_t *v;
    char p[PATHLEN], q[PATHLEN];
    int st = jr_member(r, obj, path, key, 0, &v, p);
    if (st || !v)
        return st;
    if (!json_is_object(v))
        return jr_fail(r, p, "expected an object, found %s", jr_type(v));
    const char *k;
    json_t *val;
    json_object_foreach((json_t *)v, k, val) {
        int idx = 0;
        if ((st = jr_name_in(r, p, k, n, name_of, what, &idx)))
            return st;
        jr_key_path(q, p, k);
        st = dout ? jr_num_value(r, val, q, min, max, &dout[idx])
                  : jr_int_value(r, val, q, (long long)min, (long long)max, &iout[idx]);
        if (st)
            return st;
    }
    return GR_OK;
}

/* Numbers in [min, max] keyed by names, into out[index]. */
static int name_map(jr *r, const json_t *obj, const char *path, const char *key, int n,
                    const char *(*name_of)(int), const char *what, double min, double max,
                    double *out)
{
    return keyed_map(r, obj, path, key, n, name_of, what, min, max, out, NULL);
}

/* Integers in [min, max] keyed by threat type, into out[type]. */
static int int_map(jr *r, const json_t *obj, const char *path, const char *key, long long min,
                   long long max, int *out)
{
    return keyed_map(r, obj, path, key, GR_THREAT_NTYPES, threat_name, "threat type",
                     (double)min, (double)max, NULL, out);
}

/* An array field (optional when !required: *arr NULL, *n 0). */
static int array(jr *r, const json_t *obj, const char *path, const char *key, int required,
                 const json_t **arr, size_t *n)
{
    char p[PATHLEN];
    *n = 0;
    int st = jr_member(r, obj, path, key, required, arr, p);
    if (st || !*arr)
        return st;
    if (!json_is_array(*arr))
        return jr_fail(r, p, "expected an array, found %s", jr_type(*arr));
    *n = json_array_size(*arr);
    if (*n > 10000000u)
        return jr_fail(r, p, "too many entries");
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Sections.
 * ------------------------------------------------------------------------ */
static char *path_in(const char *base_dir, const char *rel)
{
    if (rel[0] == '/' || !base_dir || !base_dir[0] || strcmp(base_dir, ".") == 0)
        return gr_overlay_strdup(rel);
    size_t n = strlen(base_dir) + strlen(rel) + 2;
    char *p = gr_malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", base_dir, rel);
    return p;
}

static const char *const synth_fields[] = {"buses", "seed", NULL};

/* The grid, its overlay, the grid model with the load scale, and the assets. */
static int read_grid(jr *r, const json_t *root, const char *base_dir, gr_campaign_scenario *s)
{
    const json_t *gv, *ov, *sv;
    int st;
    jr_field(r, root, "$", "grid", 0, &gv);
    jr_field(r, root, "$", "overlay", 0, &ov);
    jr_field(r, root, "$", "synth", 0, &sv);
    if (gv && json_is_null(gv))
        gv = NULL;
    if (ov && json_is_null(ov))
        ov = NULL;
    if (gv) {
        const char *rel;
        if (sv)
            return jr_fail(r, "$.synth", "not allowed together with $.grid");
        if ((st = string(r, root, "$", "grid", 1, &rel)))
            return st;
        if (!(s->grid_path = path_in(base_dir, rel)))
            return jr_oom(r);
        if ((st = gr_case_read(s->grid_path, &s->grid_case, r->err)))
            return st;
        if (!ov)
            return jr_fail(r, "$", "missing field \"overlay\" (a campaign needs the grid's "
                                "scenario overlay: places, people, zones)");
        if (json_is_string(ov)) {
            if ((st = string(r, root, "$", "overlay", 1, &rel)))
                return st;
            if (!(s->overlay_path = path_in(base_dir, rel)))
                return jr_oom(r);
            if ((st = gr_overlay_read(s->overlay_path, s->grid_case, &s->overlay, r->err)))
                return st;
        } else if (json_is_object(ov)) {
            char *text = json_dumps(ov, JSON_COMPACT);
            char nm[PATHLEN];
            if (!text)
                return jr_oom(r);
            snprintf(nm, sizeof nm, "%s: $.overlay", r->name);
            st = gr_overlay_parse(text, strlen(text), nm, s->grid_case, &s->overlay, r->err);
            free(text);
            if (st)
                return st;
        } else {
            return jr_fail(r, "$.overlay", "expected a file name or an object, found %s",
                        jr_type(ov));
        }
    } else {
        gr_synth_options so;
        gr_synth_options_default(&so);
        if (ov)
            return jr_fail(r, "$.overlay", "needs $.grid (without a grid the synthetic region "
                                        "and its own overlay are used)");
        if (sv) {
            double seed = (double)so.seed;
            if ((st = jr_keys(r, sv, "$.synth", synth_fields)) ||
                (st = jr_integer(r, sv, "$.synth", "buses", 0, 100, 50000, &so.n_bus)) ||
                (st = jr_num(r, sv, "$.synth", "seed", 0, 0, 9007199254740991.0, &seed)))
                return st;
            if (seed != floor(seed))
                return jr_fail(r, "$.synth.seed", "expected an integer");
            so.seed = (uint64_t)seed;
        }
        if ((st = gr_synth(&so, &s->grid_case, &s->overlay, r->err)))
            return st;
    }
    if ((st = gr_grid_from_case(s->grid_case, &s->grid, r->err)))
        return st;
    return GR_OK;
}

static const char *const type_fields[] = {"speed_kmh", "p_ew", "engage_min", "p_damage", NULL};

static int read_types(jr *r, const json_t *root, gr_campaign_scenario *s)
{
    const json_t *v;
    char p[PATHLEN];
    int st = jr_field(r, root, "$", "threat_types", 0, &v);
    if (st || !v)
        return st;
    if (!json_is_object(v))
        return jr_fail(r, "$.threat_types", "expected an object, found %s", jr_type(v));
    const char *k;
    json_t *o;
    json_object_foreach((json_t *)v, k, o) {
        int t = 0;
        if ((st = jr_name_in(r, "$.threat_types", k, GR_THREAT_NTYPES, threat_name, "threat type",
                          &t)))
            return st;
        jr_key_path(p, "$.threat_types", k);
        if ((st = jr_keys(r, o, p, type_fields)) ||
            (st = jr_num(r, o, p, "speed_kmh", 0, 1.0, 1e5, &s->types[t].speed_kmh)) ||
            (st = jr_num(r, o, p, "p_ew", 0, 0.0, 1.0, &s->types[t].p_ew)) ||
            (st = jr_num(r, o, p, "engage_min", 0, 0.0, 1440.0, &s->types[t].engage_min)) ||
            (st = name_map(r, o, p, "p_damage", GR_ASSET_NCLASS, gr_asset_class_name,
                           "asset class", 0.0, 1.0, s->p_damage[t])))
            return st;
    }
    return GR_OK;
}

static const char *const plan_fields[] = {"name", "every", "first", "nights", "waves", NULL};
static const char *const wave_fields[] = {"time_h", "spread_h", "counts", "launch", NULL};
static const char *const launch_fields[] = {"x_km", "y_km", "radius_km", "share", NULL};

static int read_wave(jr *r, const json_t *o, const char *p, gr_wave *w)
{
    int st;
    const json_t *arr;
    size_t n;
    char q[PATHLEN], e[PATHLEN];
    if ((st = jr_keys(r, o, p, wave_fields)) ||
        (st = jr_num(r, o, p, "time_h", 1, 0.0, 24.0, &w->time_h)) ||
        (st = jr_num(r, o, p, "spread_h", 0, 0.0, 12.0, &w->spread_h)))
        return st;
    const json_t *cv;
    if ((st = jr_field(r, o, p, "counts", 1, &cv)))
        return st;
    if ((st = int_map(r, o, p, "counts", 0, 100000, w->count)))
        return st;
    int total = 0;
    for (int t = 0; t < GR_THREAT_NTYPES; t++)
        total += w->count[t];
    if ((st = array(r, o, p, "launch", 1, &arr, &n)))
        return st;
    jr_key_path(q, p, "launch");
    if (n == 0 && total > 0)
        return jr_fail(r, q, "a wave with threats needs at least one launch area");
    w->launch = gr_calloc(n ? n : 1, sizeof *w->launch);
    if (!w->launch)
        return jr_oom(r);
    w->nlaunch = (int)n;
    for (size_t j = 0; j < n; j++) {
        const json_t *a = json_array_get(arr, j);
        gr_launch_area *la = &w->launch[j];
        jr_index_path(e, q, j);
        la->share = 1.0;
        if ((st = jr_keys(r, a, e, launch_fields)) ||
            (st = jr_num(r, a, e, "x_km", 1, -1e5, 1e5, &la->x_km)) ||
            (st = jr_num(r, a, e, "y_km", 1, -1e5, 1e5, &la->y_km)) ||
            (st = jr_num(r, a, e, "radius_km", 0, 0.0, 1e4, &la->radius_km)) ||
            (st = jr_num(r, a, e, "share", 0, 1e-9, 1e9, &la->share)))
            return st;
    }
    return GR_OK;
}

static int read_schedule(jr *r, const json_t *root, gr_campaign_scenario *s)
{
    const json_t *arr;
    size_t n;
    char p[PATHLEN], q[PATHLEN], e[PATHLEN];
    int st = array(r, root, "$", "schedule", 1, &arr, &n);
    if (st)
        return st;
    s->plans = gr_calloc(n ? n : 1, sizeof *s->plans);
    if (!s->plans)
        return jr_oom(r);
    s->nplans = (int)n;
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_array_get(arr, i);
        gr_night_plan *pl = &s->plans[i];
        const char *nm = NULL;
        const json_t *na, *wa;
        size_t nn, nw;
        jr_index_path(p, "$.schedule", i);
        pl->first = 1;
        if ((st = jr_keys(r, o, p, plan_fields)) || (st = string(r, o, p, "name", 0, &nm)) ||
            (st = jr_integer(r, o, p, "every", 0, 0, 100000, &pl->every)) ||
            (st = jr_integer(r, o, p, "first", 0, 1, 100000, &pl->first)) ||
            (st = array(r, o, p, "nights", 0, &na, &nn)) ||
            (st = array(r, o, p, "waves", 1, &wa, &nw)))
            return st;
        char defname[32];
        snprintf(defname, sizeof defname, "plan %zu", i + 1);
        if ((st = dup(r, nm ? nm : defname, &pl->name)))
            return st;
        if (!na && pl->every == 0)
            return jr_fail(r, p, "needs \"nights\" or \"every\" to say which nights it covers");
        pl->nights = gr_calloc(nn ? nn : 1, sizeof(int));
        pl->waves = gr_calloc(nw ? nw : 1, sizeof *pl->waves);
        if (!pl->nights || !pl->waves)
            return jr_oom(r);
        pl->nnights = (int)nn;
        pl->nwaves = (int)nw;
        jr_key_path(q, p, "nights");
        for (size_t j = 0; j < nn; j++) {
            jr_index_path(e, q, j);
            if ((st = jr_int_value(r, json_array_get(na, j), e, 1, 100000, &pl->nights[j])))
                return st;
        }
        jr_key_path(q, p, "waves");
        for (size_t j = 0; j < nw; j++) {
            jr_index_path(e, q, j);
            if ((st = read_wave(r, json_array_get(wa, j), e, &pl->waves[j])))
                return st;
        }
    }
    return GR_OK;
}

static const char *const ad_fields[] = {"detect_km", "default", "zones", NULL};
static const char *const sys_fields[] = {"zone", "name", "x_km", "y_km", "radius_km",
                                         "channels", "stock", "stock_max", "resupply", "pk",
                                         "shots", "shoot_look_shoot", NULL};

/* The system fields of a zone entry (or of "default") into z. */
static int read_system(jr *r, const json_t *o, const char *p, gr_ad_zone *z)
{
    int st, stock_max_seen, inherited_max = z->stock_max;
    double pk[GR_THREAT_NTYPES];
    for (int t = 0; t < GR_THREAT_NTYPES; t++)
        pk[t] = z->pk[t];
    z->stock_max = -1;
    if ((st = jr_integer(r, o, p, "channels", 0, 0, 100000, &z->channels)) ||
        (st = jr_integer(r, o, p, "stock", 0, 0, 100000000, &z->stock)) ||
        (st = jr_integer(r, o, p, "stock_max", 0, 0, 100000000, &z->stock_max)) ||
        (st = jr_integer(r, o, p, "resupply", 0, 0, 100000000, &z->resupply)) ||
        (st = name_map(r, o, p, "pk", GR_THREAT_NTYPES, threat_name, "threat type", 0.0, 1.0,
                       pk)) ||
        (st = int_map(r, o, p, "shots", 1, 100, z->shots)) ||
        (st = boolean(r, o, p, "shoot_look_shoot", &z->shoot_look_shoot)))
        return st;
    for (int t = 0; t < GR_THREAT_NTYPES; t++)
        z->pk[t] = pk[t];
    stock_max_seen = z->stock_max >= 0;
    if (!stock_max_seen) /* default: the larger of the stock and the inherited magazine */
        z->stock_max = z->stock > inherited_max ? z->stock : inherited_max;
    if (z->stock > z->stock_max) {
        char q[PATHLEN];
        jr_key_path(q, p, "stock");
        return jr_fail(r, q, "%d exceeds stock_max %d", z->stock, z->stock_max);
    }
    return GR_OK;
}

static void system_default(gr_ad_zone *z)
{
    memset(z, 0, sizeof *z);
    for (int t = 0; t < GR_THREAT_NTYPES; t++)
        z->shots[t] = 1;
    z->shoot_look_shoot = 1;
}

static int read_air_defence(jr *r, const json_t *root, gr_campaign_scenario *s)
{
    const json_t *v, *dv = NULL, *arr = NULL;
    size_t n = 0;
    char p[PATHLEN], q[PATHLEN];
    const gr_overlay *ov = s->overlay;
    int st = jr_field(r, root, "$", "air_defence", 0, &v);
    if (st)
        return st;
    gr_ad_zone def;
    int have_def = 0;
    system_default(&def);
    if (v) {
        if ((st = jr_keys(r, v, "$.air_defence", ad_fields)) ||
            (st = jr_num(r, v, "$.air_defence", "detect_km", 0, 0.0, 1e5, &s->detect_km)) ||
            (st = jr_field(r, v, "$.air_defence", "default", 0, &dv)) ||
            (st = array(r, v, "$.air_defence", "zones", 0, &arr, &n)))
            return st;
        if (dv) {
            static const char *const def_fields[] = {"channels", "stock", "stock_max",
                                                     "resupply", "pk", "shots",
                                                     "shoot_look_shoot", NULL};
            if ((st = jr_keys(r, dv, "$.air_defence.default", def_fields)) ||
                (st = read_system(r, dv, "$.air_defence.default", &def)))
                return st;
            have_def = 1;
        }
    }
    /* overlay zones first (in overlay order), then the extra zones listed */
    int nextra = 0;
    int *listed = gr_calloc((size_t)ov->nzone + 1, sizeof(int)); /* entry index + 1 */
    if (!listed)
        return jr_oom(r);
    for (size_t j = 0; j < n; j++) {
        const json_t *o = json_array_get(arr, j), *zv;
        jr_index_path(p, "$.air_defence.zones", j);
        if ((st = jr_keys(r, o, p, sys_fields)))
            goto done;
        zv = json_object_get(o, "zone");
        if (!zv) {
            nextra++;
            continue;
        }
        int z = -1;
        jr_key_path(q, p, "zone");
        if (json_is_integer(zv)) {
            if ((st = jr_int_value(r, zv, q, 0, ov->nzone - 1, &z)))
                goto done;
        } else if (json_is_string(zv)) {
            for (int k = 0; k < ov->nzone; k++)
                if (strcmp(ov->zone_name[k], json_string_value(zv)) == 0)
                    z = k;
            if (z < 0) {
                st = jr_fail(r, q, "no defended zone named \"%s\" in the overlay",
                          json_string_value(zv));
                goto done;
            }
        } else {
            st = jr_fail(r, q, "expected an overlay zone name or index, found %s", jr_type(zv));
            goto done;
        }
        if (listed[z]) {
            st = jr_fail(r, q, "zone %d is already configured by $.air_defence.zones[%d]", z,
                      listed[z] - 1);
            goto done;
        }
        if (json_object_get(o, "x_km") || json_object_get(o, "y_km") ||
            json_object_get(o, "name")) {
            st = jr_fail(r, p, "an overlay zone takes its name and centre from the overlay");
            goto done;
        }
        listed[z] = (int)j + 1;
    }
    s->nzones = ov->nzone + nextra;
    s->zones = gr_calloc((size_t)s->nzones + 1, sizeof *s->zones);
    s->zone_name = gr_calloc((size_t)s->nzones + 1, sizeof(char *));
    if (!s->zones || !s->zone_name) {
        st = jr_oom(r);
        goto done;
    }
    for (int z = 0; z < ov->nzone; z++) {
        gr_ad_zone *zz = &s->zones[z];
        if (listed[z]) {
            const json_t *o = json_array_get(arr, (size_t)listed[z] - 1);
            jr_index_path(p, "$.air_defence.zones", (size_t)listed[z] - 1);
            *zz = have_def ? def : (gr_ad_zone){0};
            if (!have_def)
                system_default(zz);
            if ((st = read_system(r, o, p, zz)))
                goto done;
            zz->radius_km = ov->zone_radius_km[z];
            if ((st = jr_num(r, o, p, "radius_km", 0, 0.0, 1e5, &zz->radius_km)))
                goto done;
        } else if (have_def) {
            *zz = def;
            zz->radius_km = ov->zone_radius_km[z];
        } else {
            system_default(zz);
            zz->radius_km = ov->zone_radius_km[z];
        }
        zz->x_km = ov->zone_x_km[z];
        zz->y_km = ov->zone_y_km[z];
        if ((st = dup(r, ov->zone_name[z], &s->zone_name[z])))
            goto done;
    }
    int zi = ov->nzone;
    for (size_t j = 0; j < n; j++) {
        const json_t *o = json_array_get(arr, j);
        if (json_object_get(o, "zone"))
            continue;
        const char *nm;
        gr_ad_zone *zz = &s->zones[zi];
        jr_index_path(p, "$.air_defence.zones", j);
        system_default(zz);
        if ((st = string(r, o, p, "name", 1, &nm)) ||
            (st = jr_num(r, o, p, "x_km", 1, -1e5, 1e5, &zz->x_km)) ||
            (st = jr_num(r, o, p, "y_km", 1, -1e5, 1e5, &zz->y_km)) ||
            (st = jr_num(r, o, p, "radius_km", 1, 0.0, 1e5, &zz->radius_km)) ||
            (st = read_system(r, o, p, zz)) || (st = dup(r, nm, &s->zone_name[zi])))
            goto done;
        zi++;
    }
    st = GR_OK;
done:
    gr_free(listed);
    return st;
}

static const char *policy_name(int k)
{
    static const char *const names[] = {"capacity", "worst", "list"};
    return k >= 0 && k < 3 ? names[k] : "?";
}

static const char *control_name(int k) { return k == 0 ? "none" : k == 1 ? "shed" : "?"; }

static const char *const target_fields[] = {"policy", "salvo", "class_weight", "assets", NULL};
static const char *const tlist_fields[] = {"asset", "weight", NULL};

/* An asset name into its index. */
static int asset_ref(jr *r, const json_t *o, const char *p, const gr_campaign_scenario *s,
                     int *out)
{
    const char *nm;
    char q[PATHLEN];
    int st = string(r, o, p, "asset", 1, &nm);
    if (st)
        return st;
    *out = gr_campaign_asset_find(&s->assets, nm);
    if (*out < 0) {
        jr_key_path(q, p, "asset");
        return jr_fail(r, q, "no asset named \"%s\" (a substation or plant name of the overlay, "
                          "or line:ROW)", nm);
    }
    return GR_OK;
}

static int read_targets(jr *r, const json_t *root, gr_campaign_scenario *s)
{
    const json_t *v, *arr;
    size_t n;
    char p[PATHLEN];
    const char *pol = NULL;
    int st = jr_field(r, root, "$", "targets", 0, &v);
    if (st || !v)
        return st;
    if ((st = jr_keys(r, v, "$.targets", target_fields)) ||
        (st = string(r, v, "$.targets", "policy", 0, &pol)) ||
        (pol && (st = jr_name_in(r, "$.targets.policy", pol, 3, policy_name, "policy",
                              &s->target_policy))) ||
        (st = int_map(r, v, "$.targets", "salvo", 1, 1000, s->salvo)) ||
        (st = name_map(r, v, "$.targets", "class_weight", GR_ASSET_NCLASS, gr_asset_class_name,
                       "asset class", 0.0, 1e6, s->class_weight)) ||
        (st = array(r, v, "$.targets", "assets", 0, &arr, &n)))
        return st;
    if (s->target_policy == GR_TARGET_LIST && n == 0)
        return jr_fail(r, "$.targets", "policy \"list\" needs a non-empty \"assets\" list");
    if (s->target_policy != GR_TARGET_LIST && arr)
        return jr_fail(r, "$.targets.assets", "only used with policy \"list\"");
    s->target_asset = gr_calloc(n ? n : 1, sizeof(int));
    s->target_weight = gr_calloc(n ? n : 1, sizeof(double));
    if (!s->target_asset || !s->target_weight)
        return jr_oom(r);
    s->ntarget = (int)n;
    for (size_t j = 0; j < n; j++) {
        const json_t *o = json_array_get(arr, j);
        jr_index_path(p, "$.targets.assets", j);
        s->target_weight[j] = 1.0;
        if ((st = jr_keys(r, o, p, tlist_fields)) ||
            (st = asset_ref(r, o, p, s, &s->target_asset[j])) ||
            (st = jr_num(r, o, p, "weight", 0, 1e-9, 1e9, &s->target_weight[j])))
            return st;
    }
    return GR_OK;
}

static const char *const prot_fields[] = {"class", "assets", NULL};
static const char *const plist_fields[] = {"asset", "level", NULL};

static int read_protection(jr *r, const json_t *root, gr_campaign_scenario *s)
{
    const json_t *v, *arr;
    size_t n;
    char p[PATHLEN];
    double lvl[GR_ASSET_NCLASS] = {0};
    int st = jr_field(r, root, "$", "protection", 0, &v);
    if (st)
        return st;
    if (v) {
        if ((st = jr_keys(r, v, "$.protection", prot_fields)) ||
            (st = name_map(r, v, "$.protection", "class", GR_ASSET_NCLASS, gr_asset_class_name,
                           "asset class", 0.0, 1.0, lvl)))
            return st;
    }
    for (int a = 0; a < s->assets.n; a++)
        s->assets.protection[a] = lvl[s->assets.cls[a]];
    if (!v)
        return GR_OK;
    if ((st = array(r, v, "$.protection", "assets", 0, &arr, &n)))
        return st;
    for (size_t j = 0; j < n; j++) {
        const json_t *o = json_array_get(arr, j);
        int a;
        double x;
        jr_index_path(p, "$.protection.assets", j);
        if ((st = jr_keys(r, o, p, plist_fields)) || (st = asset_ref(r, o, p, s, &a)) ||
            (st = jr_num(r, o, p, "level", 1, 0.0, 1.0, &x)))
            return st;
        s->assets.protection[a] = x;
    }
    return GR_OK;
}

static const char *const repair_fields[] = {"method", "planner_max_jobs", "crews",
                                            "work_start_h",
                                            "work_h_per_day", "speed_kmh", "road_factor",
                                            "times", "spares", NULL};
static const char *const spare_fields[] = {"name", "for", "stock", "every_days", "units", NULL};

static const char *dist_name(int k)
{
    static const char *const names[] = {"fixed", "lognormal", "triangular"};
    return k >= 0 && k < 3 ? names[k] : "?";
}

static const char *method_name(int k) { return k == 0 ? "dispatch" : k == 1 ? "planner" : "?"; }

static int read_dist(jr *r, const json_t *o, const char *p, gr_dist *d)
{
    static const char *const f_fixed[] = {"dist", "value_h", NULL};
    static const char *const f_logn[] = {"dist", "median_h", "sigma", NULL};
    static const char *const f_tri[] = {"dist", "min_h", "mode_h", "max_h", NULL};
    const char *kind;
    char q[PATHLEN];
    int st = string(r, o, p, "dist", 1, &kind), k;
    if (st)
        return st;
    jr_key_path(q, p, "dist");
    if ((st = jr_name_in(r, q, kind, 3, dist_name, "distribution", &k)))
        return st;
    *d = (gr_dist){k, 0, 0, 0};
    if (k == GR_DIST_FIXED) {
        if ((st = jr_keys(r, o, p, f_fixed)))
            return st;
        return jr_num(r, o, p, "value_h", 1, 0.0, 1e6, &d->a);
    }
    if (k == GR_DIST_LOGNORMAL) {
        if ((st = jr_keys(r, o, p, f_logn)) ||
            (st = jr_num(r, o, p, "median_h", 1, 1e-6, 1e6, &d->a)) ||
            (st = jr_num(r, o, p, "sigma", 1, 0.0, 5.0, &d->b)))
            return st;
        return GR_OK;
    }
    if ((st = jr_keys(r, o, p, f_tri)) || (st = jr_num(r, o, p, "min_h", 1, 0.0, 1e6, &d->a)) ||
        (st = jr_num(r, o, p, "mode_h", 1, 0.0, 1e6, &d->b)) ||
        (st = jr_num(r, o, p, "max_h", 1, 0.0, 1e6, &d->c)))
        return st;
    if (!(d->a <= d->b && d->b <= d->c))
        return jr_fail(r, p, "needs min_h <= mode_h <= max_h");
    return GR_OK;
}

static int read_repair(jr *r, const json_t *root, gr_campaign_scenario *s)
{
    const json_t *v, *tv, *arr, *cv;
    size_t n;
    char p[PATHLEN], q[PATHLEN], e[PATHLEN];
    const char *meth = NULL;
    int st = jr_field(r, root, "$", "repair", 0, &v), crews = -1;
    const gr_overlay *ov = s->overlay;
    if (st)
        return st;
    if (v) {
        if ((st = jr_keys(r, v, "$.repair", repair_fields)) ||
            (st = string(r, v, "$.repair", "method", 0, &meth)) ||
            (meth && (st = jr_name_in(r, "$.repair.method", meth, 2, method_name, "method",
                                      &s->repair_method))) ||
            (st = jr_integer(r, v, "$.repair", "planner_max_jobs", 0, 1, 64,
                             &s->planner_max_jobs)) ||
            (st = jr_num(r, v, "$.repair", "work_start_h", 0, 0.0, 24.0, &s->work_start_h)) ||
            (st = jr_num(r, v, "$.repair", "work_h_per_day", 0, 1.0, 24.0, &s->work_h_per_day)) ||
            (st = jr_num(r, v, "$.repair", "speed_kmh", 0, 1.0, 1000.0, &s->speed_kmh)) ||
            (st = jr_num(r, v, "$.repair", "road_factor", 0, 1.0, 10.0, &s->road_factor)) ||
            (st = jr_field(r, v, "$.repair", "crews", 0, &cv)))
            return st;
        if (cv && !json_is_null(cv) &&
            (st = jr_integer(r, v, "$.repair", "crews", 1, 0, 100000, &crews)))
            return st;
        if ((st = jr_field(r, v, "$.repair", "times", 0, &tv)))
            return st;
        if (tv) {
            if (!json_is_object(tv))
                return jr_fail(r, "$.repair.times", "expected an object, found %s", jr_type(tv));
            const char *k;
            json_t *o;
            json_object_foreach((json_t *)tv, k, o) {
                int kind = 0;
                if ((st = jr_name_in(r, "$.repair.times", k, GR_REPAIR_NKIND, gr_repair_kind_name,
                                  "repair kind", &kind)))
                    return st;
                jr_key_path(p, "$.repair.times", k);
                if ((st = read_dist(r, o, p, &s->repair[kind])))
                    return st;
            }
        }
    }
    /* crews: from the overlay's bases, or `crews` spread over them in turn */
    int nbase = ov->ncrew, total = 0;
    for (int b = 0; b < nbase; b++)
        total += ov->crew_count[b];
    if (crews < 0)
        crews = nbase > 0 ? total : 4;
    s->crews = crews;
    s->crew_x_km = gr_calloc((size_t)crews + 1, sizeof(double));
    s->crew_y_km = gr_calloc((size_t)crews + 1, sizeof(double));
    if (!s->crew_x_km || !s->crew_y_km)
        return jr_oom(r);
    if (nbase > 0 && total > 0 && crews == total) {
        int c = 0;
        for (int b = 0; b < nbase; b++)
            for (int j = 0; j < ov->crew_count[b]; j++, c++) {
                s->crew_x_km[c] = ov->crew_x_km[b];
                s->crew_y_km[c] = ov->crew_y_km[b];
            }
    } else {
        for (int c = 0; c < crews; c++) {
            int b = nbase > 0 ? c % nbase : -1;
            s->crew_x_km[c] = b >= 0 ? ov->crew_x_km[b] : 0.5 * ov->width_km;
            s->crew_y_km[c] = b >= 0 ? ov->crew_y_km[b] : 0.5 * ov->height_km;
        }
    }
    if (!v)
        return GR_OK;
    if ((st = array(r, v, "$.repair", "spares", 0, &arr, &n)))
        return st;
    s->spares = gr_calloc(n ? n : 1, sizeof *s->spares);
    if (!s->spares)
        return jr_oom(r);
    s->nspares = (int)n;
    int used = 0;
    for (size_t j = 0; j < n; j++) {
        const json_t *o = json_array_get(arr, j), *fa;
        gr_campaign_spare *sp = &s->spares[j];
        const char *nm;
        size_t nf;
        jr_index_path(p, "$.repair.spares", j);
        if ((st = jr_keys(r, o, p, spare_fields)) || (st = string(r, o, p, "name", 1, &nm)) ||
            (st = dup(r, nm, &sp->name)) || (st = array(r, o, p, "for", 1, &fa, &nf)) ||
            (st = jr_integer(r, o, p, "stock", 0, 0, 100000000, &sp->stock)) ||
            (st = jr_num(r, o, p, "every_days", 0, 0.0, 1e5, &sp->every_days)) ||
            (st = jr_integer(r, o, p, "units", 0, 0, 100000000, &sp->units)))
            return st;
        jr_key_path(q, p, "for");
        for (size_t f = 0; f < nf; f++) {
            const json_t *fv = json_array_get(fa, f);
            int kind = 0;
            jr_index_path(e, q, f);
            if (!json_is_string(fv))
                return jr_fail(r, e, "expected a repair kind name, found %s", jr_type(fv));
            if ((st = jr_name_in(r, e, json_string_value(fv), GR_REPAIR_NKIND, gr_repair_kind_name,
                              "repair kind", &kind)))
                return st;
            if (used & (1 << kind))
                return jr_fail(r, e, "repair kind \"%s\" already has a spare class",
                            json_string_value(fv));
            used |= 1 << kind;
            sp->kinds |= 1 << kind;
        }
    }
    return GR_OK;
}

static const char *const load_fields[] = {"scale", "profile", NULL};
static const char *const cascade_fields[] = {"control", "reclose_h", NULL};
static const char *const metrics_fields[] = {"heat_loss_h", NULL};

static int read_misc(jr *r, const json_t *root, gr_campaign_scenario *s)
{
    const json_t *v, *arr;
    size_t n;
    char p[PATHLEN];
    int st;
    if ((st = jr_field(r, root, "$", "load", 0, &v)))
        return st;
    if (v) {
        if ((st = jr_keys(r, v, "$.load", load_fields)) ||
            (st = jr_num(r, v, "$.load", "scale", 0, 0.0, 100.0, &s->load_scale)) ||
            (st = array(r, v, "$.load", "profile", 0, &arr, &n)))
            return st;
        if (arr) {
            if (n != 24)
                return jr_fail(r, "$.load.profile", "expected 24 values (clock hours 0..23), "
                                                 "found %zu", n);
            for (size_t h = 0; h < 24; h++) {
                jr_index_path(p, "$.load.profile", h);
                if ((st = jr_num_value(r, json_array_get(arr, h), p, 0.0, 2.0, &s->profile[h])))
                    return st;
            }
        }
    }
    if ((st = jr_field(r, root, "$", "cascade", 0, &v)))
        return st;
    if (v) {
        const char *c = NULL;
        if ((st = jr_keys(r, v, "$.cascade", cascade_fields)) ||
            (st = string(r, v, "$.cascade", "control", 0, &c)) ||
            (c && (st = jr_name_in(r, "$.cascade.control", c, 2, control_name, "control",
                                &s->control))) ||
            (st = jr_num(r, v, "$.cascade", "reclose_h", 0, 0.0, 24.0, &s->reclose_h)))
            return st;
    }
    if ((st = jr_field(r, root, "$", "metrics", 0, &v)))
        return st;
    if (v && ((st = jr_keys(r, v, "$.metrics", metrics_fields)) ||
              (st = jr_num(r, v, "$.metrics", "heat_loss_h", 0, 0.0, 1000.0, &s->heat_loss_h))))
        return st;
    return GR_OK;
}

static const char *const root_fields[] = {
    "format",     "version",     "name",    "grid",       "overlay", "synth",
    "nights",     "start_h",     "threat_types", "p_switchyard", "schedule", "air_defence",
    "targets",    "protection",  "repair",  "load",       "cascade", "metrics", NULL};

static int read_root(jr *r, const json_t *root, const char *base_dir, gr_campaign_scenario *s)
{
    const char *fmt, *nm = NULL;
    int st, version;
    if ((st = jr_keys(r, root, "$", root_fields)) || (st = string(r, root, "$", "format", 1, &fmt)))
        return st;
    if (strcmp(fmt, CAMP_FORMAT) != 0)
        return jr_fail(r, "$.format", "expected \"" CAMP_FORMAT "\", found \"%s\"", fmt);
    if ((st = jr_integer(r, root, "$", "version", 1, 0, 1000000, &version)))
        return st;
    if (version != CAMP_VERSION)
        return jr_fail(r, "$.version", "unsupported version %d (this reader knows %d)", version,
                    CAMP_VERSION);
    if ((st = string(r, root, "$", "name", 0, &nm)) || (st = dup(r, nm ? nm : "campaign",
                                                                 &s->name)))
        return st;
    /* scalars first, so that a typo fails before the grid is built */
    if ((st = jr_integer(r, root, "$", "nights", 0, 1, 10000, &s->nights)) ||
        (st = jr_num(r, root, "$", "start_h", 0, 0.0, 24.0, &s->start_h)) ||
        (st = jr_num(r, root, "$", "p_switchyard", 0, 0.0, 1.0, &s->p_switchyard)) ||
        (st = read_types(r, root, s)) || (st = read_schedule(r, root, s)) ||
        (st = read_misc(r, root, s)))
        return st;
    if ((st = read_grid(r, root, base_dir, s)))
        return st;
    /* the load scale applies to the grid model (the case keeps its numbers) */
    for (int b = 0; b < s->grid->nb; b++) {
        s->grid->pd[b] *= s->load_scale;
        s->grid->qd[b] *= s->load_scale;
    }
    if ((st = gr_campaign_assets_build(s, r->err)))
        return st;
    if ((st = read_air_defence(r, root, s)) || (st = read_targets(r, root, s)) ||
        (st = read_protection(r, root, s)) || (st = read_repair(r, root, s)))
        return st;
    return GR_OK;
}

int gr_campaign_scenario_parse(const char *text, size_t len, const char *name,
                               const char *base_dir, gr_campaign_scenario **out, gr_error *err)
{
    json_t *root;
    jr r = {name ? name : "campaign", err};
    *out = NULL;
    int st = jr_load_text(&r, text, len, &root);
    if (st)
        return st;
    gr_campaign_scenario *s = gr_calloc(1, sizeof *s);
    if (!s) {
        json_decref(root);
        return jr_oom(&r);
    }
    gr_campaign_scenario_defaults(s);
    s->text = gr_malloc(len + 1);
    if (!s->text || dup(&r, r.name, &s->source)) {
        st = jr_oom(&r);
        goto done;
    }
    memcpy(s->text, text, len);
    s->text[len] = '\0';
    st = read_root(&r, root, base_dir, s);
done:
    json_decref(root);
    if (st) {
        gr_campaign_scenario_free(s);
        return st;
    }
    *out = s;
    return GR_OK;
}

int gr_campaign_scenario_read(const char *path, gr_campaign_scenario **out, gr_error *err)
{
    *out = NULL;
    if (!path)
        return gr_campaign_scenario_parse(default_json, strlen(default_json), "built-in",
                                          NULL, out, err);
    char *buf;
    size_t len;
    int st = io_read_file(path, &buf, &len, err);
    if (st)
        return st;
    /* base directory of the file */
    char *dir = gr_overlay_strdup(path);
    if (!dir) {
        gr_free(buf);
        return gr_error_set(err, GR_ENOMEM, "%s: out of memory", path);
    }
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    else
        strcpy(dir, ".");
    st = gr_campaign_scenario_parse(buf, len, path, dir, out, err);
    gr_free(dir);
    gr_free(buf);
    return st;
}
