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
#include "io/scenario_internal.h"
#include "model/overlay.h"
#include "util/progress.h"

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
    "    \"drone\": {\"speed_kmh\": 185, \"p_ew\": 0.30, \"engage_min\": 3,"
    " \"warhead_kg\": 50, \"cep_m\": 15},\n"
    "    \"cruise\": {\"speed_kmh\": 800, \"p_ew\": 0.02, \"engage_min\": 1.5,"
    " \"warhead_kg\": 450, \"cep_m\": 10},\n"
    "    \"ballistic\": {\"speed_kmh\": 3000, \"p_ew\": 0, \"engage_min\": 0.25,"
    " \"warhead_kg\": 480, \"cep_m\": 7},\n"
    "    \"decoy\": {\"speed_kmh\": 160, \"p_ew\": 0.30, \"engage_min\": 3, \"altitude_m\": 500,\n"
    "      \"decoy\": true}\n"
    "  },\n"
    "  \"fragility\": {\n"
    "    \"lethal_z\": {\"line\": 5.0, \"sub110\": 3.8, \"autotransformer\": 3.8,"
    " \"switchyard\": 5.0, \"unit\": 3.2},\n"
    "    \"spacing_m\": {\"sub110\": 15, \"autotransformer\": 25, \"unit\": 50},\n"
    "    \"p_fire\": {\"sub110\": 0.1, \"autotransformer\": 0.1, \"unit\": 0.1}\n"
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
    "      {\"time_h\": 2.0, \"spread_h\": 1.5, \"counts\": {\"drone\": 150, \"decoy\": 50},\n"
    "       \"launch\": [{\"x_km\": 650, \"y_km\": 250, \"radius_km\": 60, \"share\": 2},\n"
    "                  {\"x_km\": 300, \"y_km\": 650, \"radius_km\": 60, \"share\": 1}]},\n"
    "      {\"time_h\": 8.5, \"spread_h\": 0.4, \"counts\": {\"cruise\": 10},\n"
    "       \"launch\": [{\"x_km\": 1200, \"y_km\": 350, \"radius_km\": 100}]},\n"
    "      {\"time_h\": 10.0, \"spread_h\": 0.1, \"counts\": {\"ballistic\": 4},\n"
    "       \"launch\": [{\"x_km\": 650, \"y_km\": 150, \"radius_km\": 30}]}]}\n"
    "  ],\n"
    "  \"air_defence\": {\n"
    "    \"model\": \"layered\",\n"
    "    \"default\": {\"kind\": \"area\", \"channels\": 4, \"stock\": 40, \"stock_max\": 60,\n"
    "      \"resupply\": 40, \"resupply_days\": 7, \"radar_h_m\": 10, \"reaction_min\": 1,\n"
    "      \"reload_min\": 0.5,\n"
    "      \"pk\": {\"drone\": 0.6, \"cruise\": 0.65, \"ballistic\": 0.15},\n"
    "      \"shots\": {\"drone\": 1, \"cruise\": 2, \"ballistic\": 2}, \"shoot_look_shoot\": true},\n"
    "    \"zones\": [\n"
    "      {\"zone\": 0, \"kind\": \"area\", \"channels\": 8, \"stock\": 120, \"stock_max\": 160,\n"
    "       \"resupply\": 100, \"resupply_days\": 7, \"radar_h_m\": 10, \"reaction_min\": 1,\n"
    "       \"reload_min\": 0.5,\n"
    "       \"pk\": {\"drone\": 0.75, \"cruise\": 0.75, \"ballistic\": 0.6},\n"
    "       \"shots\": {\"drone\": 1, \"cruise\": 2, \"ballistic\": 2}, \"shoot_look_shoot\": true},\n"
    "      {\"name\": \"mobile fire groups east\", \"kind\": \"mobile\", \"x_km\": 430, \"y_km\": 250,\n"
    "       \"radius_km\": 70, \"channels\": 4, \"stock\": 200, \"stock_max\": 200, \"resupply\": 150,\n"
    "       \"resupply_days\": 7, \"radar_h_m\": 0, \"reaction_min\": 2,\n"
    "       \"pk\": {\"drone\": 0.6, \"cruise\": 0.3, \"ballistic\": 0},\n"
    "       \"shots\": {\"drone\": 1, \"cruise\": 1, \"ballistic\": 1}, \"shoot_look_shoot\": false},\n"
    "      {\"name\": \"mobile fire groups north\", \"kind\": \"mobile\", \"x_km\": 290, \"y_km\": 430,\n"
    "       \"radius_km\": 70, \"channels\": 4, \"stock\": 200, \"stock_max\": 200, \"resupply\": 150,\n"
    "       \"resupply_days\": 7, \"radar_h_m\": 0, \"reaction_min\": 2,\n"
    "       \"pk\": {\"drone\": 0.6, \"cruise\": 0.3, \"ballistic\": 0},\n"
    "       \"shots\": {\"drone\": 1, \"cruise\": 1, \"ballistic\": 1}, \"shoot_look_shoot\": false}\n"
    "    ]\n"
    "  },\n"
    "  \"targets\": {\"policy\": \"capacity\",\n"
    "    \"salvo\": {\"drone\": 3, \"cruise\": 1, \"ballistic\": 1},\n"
    "    \"class_weight\": {\"subEHV\": 1, \"subHV\": 0.5, \"subMV\": 0.5, \"line\": 0,\n"
    "      \"nuclear\": 0, \"thermal\": 1, \"chp\": 1, \"hydro\": 1, \"gas\": 1,\n"
    "      \"wind\": 0.2, \"solar\": 0.2, \"other\": 0.5}},\n"
    "  \"protection\": {\"class\": {\"submax\": 0.85}},\n"
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
    "  \"cascade\": {\"control\": \"shed\", \"reclose_h\": 2, \"frequency\": \"sfr\"},\n"
    "  \"interconnection\": {\"system_mw\": 300000, \"ties\": [\n"
    "    {\"name\": \"west 750 kV\", \"bus\": \"SS750-2\", \"import_mw\": 300, \"export_mw\": 300,"
    " \"synchronous\": true},\n"
    "    {\"name\": \"west 330 kV\", \"bus\": \"SS330-50\", \"import_mw\": 200, \"export_mw\": 200,"
    " \"synchronous\": true},\n"
    "    {\"name\": \"north-west 330 kV\", \"bus\": \"SS330-6\", \"import_mw\": 200,"
    " \"export_mw\": 200, \"synchronous\": true}]},\n"
    "  \"metrics\": {\"heat_loss_h\": 4},\n"
    "  \"weather\": {\"mean_c\": -3, \"diurnal_c\": 2.5,\n"
    "    \"cold_snaps\": [{\"night\": 16, \"days\": 5, \"mean_c\": -15}],\n"
    "    \"indoor_c\": 20, \"design_c\": -22, \"tau_h\": 40, \"cold_c\": 12,\n"
    "    \"cold_load_pickup\": {\"extra\": 0.3, \"hours\": 2}},\n"
    "  \"fleet\": {\"enabled\": true, \"hydro_budget_h\": 12, \"chp_must_run\": true,\n"
    "    \"nuclear_band_hz\": [49.0, 51.0],\n"
    "    \"start_h\": {\"nuclear\": 48, \"thermal\": 6, \"chp\": 4, \"hydro\": 0.1,"
    " \"gas\": 1, \"wind\": 0, \"solar\": 0, \"other\": 2},\n"
    "    \"pmin\": {\"nuclear\": 0.8, \"thermal\": 0.4, \"chp\": 0.5, \"hydro\": 0,"
    " \"gas\": 0.3, \"wind\": 0, \"solar\": 0, \"other\": 0}}\n"
    "}\n";

const char *gr_campaign_default_json(void) { return default_json; }

/* ------------------------------------------------------------------------
 * JSON reading helpers: every failure names the file and the JSON path.
 * ------------------------------------------------------------------------ */

/* The field, number, integer and name helpers (jr_field, jr_num, jr_integer,
 * jr_name_in, ...) are json_read.c's, shared with the costs and overlay readers. */

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

/* A file named by field `path` failed to read (st): its message, which names that
 * file, gets this file's name and the field's JSON path in front
 * ("campaign.json: $.grid: /dev/zero: not a regular file (a character device)"). */
static int in_field(jr *r, const char *path, int st)
{
    if (st && st != GR_ENOMEM && r->err) {
        char m[GR_ERROR_MAX];
        snprintf(m, sizeof m, "%s", r->err->msg);
        gr_error_set(r->err, st, "%s: %s: %s", r->name, path, m);
    }
    return st;
}

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
        if ((st = sc_string(r, root, "$", "grid", 1, &rel)))
            return st;
        if (!(s->grid_path = path_in(base_dir, rel)))
            return jr_oom(r);
        if ((st = gr_case_read(s->grid_path, &s->grid_case, r->err)))
            return in_field(r, "$.grid", st);
        if (!ov) {
            /* no overlay: build one with the defaults (docs/own_grid.md) */
            gr_overlay_build_options bo;
            const char *slash = strrchr(s->grid_path, '/');
            gr_overlay_build_options_default(&bo);
            bo.case_file = slash ? slash + 1 : s->grid_path;
            gr_progress_report("building an overlay", 0, 0);
            if ((st = gr_grid_from_case(s->grid_case, &s->grid, r->err)) ||
                (st = gr_overlay_build(s->grid_case, s->grid, &bo, &s->overlay, r->err)))
                return st;
            s->overlay_built = 1;
            return GR_OK;
        }
        if (json_is_string(ov)) {
            if ((st = sc_string(r, root, "$", "overlay", 1, &rel)))
                return st;
            if (!(s->overlay_path = path_in(base_dir, rel)))
                return jr_oom(r);
            if ((st = gr_overlay_read(s->overlay_path, s->grid_case, &s->overlay, r->err)))
                return in_field(r, "$.overlay", st);
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

static const char *const type_fields[] = {"speed_kmh",  "p_ew",  "engage_min", "p_damage",
                                           "altitude_m", "decoy", "warhead_kg", "cep_m",
                                           NULL};

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
        if ((st = jr_name_in(r, "$.threat_types", k, GR_THREAT_NTYPES, sc_threat_name, "threat type",
                          &t)))
            return st;
        jr_key_path(p, "$.threat_types", k);
        if ((st = jr_keys(r, o, p, type_fields)) ||
            (st = jr_num(r, o, p, "speed_kmh", 0, 1.0, 1e5, &s->types[t].speed_kmh)) ||
            (st = jr_num(r, o, p, "p_ew", 0, 0.0, 1.0, &s->types[t].p_ew)) ||
            (st = jr_num(r, o, p, "engage_min", 0, 0.0, 1440.0, &s->types[t].engage_min)) ||
            (st = sc_class_map(r, o, p, "p_damage", s, 0.0, 1.0, s->p_damage[t])) ||
            (st = sc_read_type_route(r, o, p, &s->types[t])) ||
            (st = jr_num(r, o, p, "warhead_kg", 0, 0.0, 1e5, &s->fragility.warhead_kg[t])) ||
            (st = jr_num(r, o, p, "cep_m", 0, 0.0, 1e5, &s->fragility.cep_m[t])))
            return st;
        /* a p_damage given for a class fixes it (the fixed model); the rest
           stay with the fragility */
        double pd[GR_ASSET_NCLASS];
        for (int c = 0; c < GR_ASSET_NCLASS; c++)
            pd[c] = NAN;
        if ((st = sc_class_map(r, o, p, "p_damage", s, 0.0, 1.0, pd)))
            return st;
        for (int c = 0; c < GR_ASSET_NCLASS; c++)
            if (!isnan(pd[c])) {
                s->p_damage[t][c] = pd[c];
                s->p_damage_fixed[t][c] = 1;
            }
    }
    return GR_OK;
}

/* $.fragility: components' lethal scaled distance, unit spacing, fire spread. */
static const char *frag_comp_name(int c)
{
    static const char *const n[GR_FRAG_NCOMP] = {"line", "sub110", "autotransformer",
                                                 "switchyard", "unit"};
    return c >= 0 && c < GR_FRAG_NCOMP ? n[c] : "?";
}
static const char *const frag_fields[] = {"lethal_z", "spacing_m", "p_fire", NULL};

static int read_fragility(jr *r, const json_t *root, gr_campaign_scenario *s)
{
    const json_t *v;
    gr_fragility *f = &s->fragility;
    int st = jr_field(r, root, "$", "fragility", 0, &v);
    if (st || !v)
        return st;
    if ((st = jr_keys(r, v, "$.fragility", frag_fields)) ||
        (st = sc_name_map(r, v, "$.fragility", "lethal_z", GR_FRAG_NCOMP, frag_comp_name,
                          "component", 0.0, 1000.0, f->lethal_z)) ||
        (st = sc_name_map(r, v, "$.fragility", "spacing_m", GR_FRAG_NCOMP, frag_comp_name,
                          "component", 0.0, 1e4, f->spacing_m)) ||
        (st = sc_name_map(r, v, "$.fragility", "p_fire", GR_FRAG_NCOMP, frag_comp_name,
                          "component", 0.0, 1.0, f->p_fire)))
        return st;
    return GR_OK;
}

static const char *const plan_fields[] = {"name", "every", "first", "nights", "waves", NULL};
static const char *const wave_fields[] = {"time_h", "spread_h", "counts", "launch", NULL};
static const char *const launch_fields[] = {"x_km", "y_km", "radius_km", "share", "via", NULL};

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
    if ((st = sc_int_map(r, o, p, "counts", 0, 100000, w->count)))
        return st;
    int total = 0;
    for (int t = 0; t < GR_THREAT_NTYPES; t++)
        total += w->count[t];
    if ((st = sc_array(r, o, p, "launch", 1, &arr, &n)))
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
            (st = jr_num(r, a, e, "share", 0, 1e-9, 1e9, &la->share)) ||
            (st = sc_read_via(r, a, e, la)))
            return st;
    }
    return GR_OK;
}

static int read_schedule(jr *r, const json_t *root, gr_campaign_scenario *s)
{
    const json_t *arr;
    size_t n;
    char p[PATHLEN], q[PATHLEN], e[PATHLEN];
    int st = sc_array(r, root, "$", "schedule", 1, &arr, &n);
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
        if ((st = jr_keys(r, o, p, plan_fields)) || (st = sc_string(r, o, p, "name", 0, &nm)) ||
            (st = jr_integer(r, o, p, "every", 0, 0, 100000, &pl->every)) ||
            (st = jr_integer(r, o, p, "first", 0, 1, 100000, &pl->first)) ||
            (st = sc_array(r, o, p, "nights", 0, &na, &nn)) ||
            (st = sc_array(r, o, p, "waves", 1, &wa, &nw)))
            return st;
        char defname[32];
        snprintf(defname, sizeof defname, "plan %zu", i + 1);
        if ((st = sc_dup(r, nm ? nm : defname, &pl->name)))
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

static const char *control_name(int k) { return k == 0 ? "none" : k == 1 ? "shed" : "?"; }

static const char *const load_fields[] = {"scale", "profile", NULL};
static const char *const cascade_fields[] = {"control", "reclose_h", "model", "frequency", NULL};
static const char *freq_name(int k) { return k == 0 ? "static" : k == 1 ? "sfr" : "?"; }
/* GR_CASCADE_MODEL_* names (as gr_cascade_model_name; io does not call sim) */
static const char *cascade_model_name(int k)
{
    return k == 0 ? "gridres" : k == 1 ? "dcsimsep" : k == 2 ? "accfm" : "?";
}
static const char *const metrics_fields[] = {"heat_loss_h", NULL};

static const char *const weather_fields[] = {"mean_c", "diurnal_c", "cold_snaps", "indoor_c",
                                             "design_c", "tau_h", "cold_c",
                                             "cold_load_pickup", NULL};
static const char *const snap_fields[] = {"night", "days", "mean_c", NULL};
static const char *const clpu_fields[] = {"extra", "hours", NULL};

/* "weather": outdoor temperature, buildings, cold-load pickup (docs/scenario.md). */
static int read_weather(jr *r, const json_t *root, gr_campaign_scenario *s)
{
    const json_t *v, *arr, *c;
    size_t n;
    char p[PATHLEN];
    gr_campaign_weather *wx = &s->weather;
    int st;
    if ((st = jr_field(r, root, "$", "weather", 0, &v)) || !v)
        return st;
    if ((st = jr_keys(r, v, "$.weather", weather_fields)) ||
        (st = jr_num(r, v, "$.weather", "mean_c", 0, -60.0, 40.0, &wx->mean_c)) ||
        (st = jr_num(r, v, "$.weather", "diurnal_c", 0, 0.0, 20.0, &wx->diurnal_c)) ||
        (st = jr_num(r, v, "$.weather", "indoor_c", 0, 5.0, 30.0, &wx->indoor_c)) ||
        (st = jr_num(r, v, "$.weather", "design_c", 0, -60.0, 10.0, &wx->design_c)) ||
        (st = jr_num(r, v, "$.weather", "tau_h", 0, 0.1, 10000.0, &wx->tau_h)) ||
        (st = jr_num(r, v, "$.weather", "cold_c", 0, -20.0, 30.0, &wx->cold_c)) ||
        (st = jr_field(r, v, "$.weather", "cold_load_pickup", 0, &c)) ||
        (st = sc_array(r, v, "$.weather", "cold_snaps", 0, &arr, &n)))
        return st;
    if (wx->design_c >= wx->indoor_c)
        return jr_fail(r, "$.weather.design_c", "%g must be below indoor_c (%g)", wx->design_c,
                       wx->indoor_c);
    if (c && ((st = jr_keys(r, c, "$.weather.cold_load_pickup", clpu_fields)) ||
              (st = jr_num(r, c, "$.weather.cold_load_pickup", "extra", 0, 0.0, 10.0,
                           &wx->clpu_extra)) ||
              (st = jr_num(r, c, "$.weather.cold_load_pickup", "hours", 0, 0.0, 48.0,
                           &wx->clpu_h))))
        return st;
    if (!arr)
        return GR_OK;
    if (n > GR_WEATHER_MAX_SNAPS)
        return jr_fail(r, "$.weather.cold_snaps", "%zu cold snaps (at most %d)", n,
                       GR_WEATHER_MAX_SNAPS);
    wx->nsnaps = (int)n;
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_array_get(arr, i);
        gr_cold_snap *k = &wx->snaps[i];
        jr_index_path(p, "$.weather.cold_snaps", i);
        k->days = 1;
        if ((st = jr_keys(r, o, p, snap_fields)) ||
            (st = jr_integer(r, o, p, "night", 1, 1, 100000, &k->night)) ||
            (st = jr_integer(r, o, p, "days", 0, 1, 100000, &k->days)) ||
            (st = jr_num(r, o, p, "mean_c", 1, -60.0, 40.0, &k->mean_c)))
            return st;
    }
    return GR_OK;
}

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
            (st = sc_array(r, v, "$.load", "profile", 0, &arr, &n)))
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
        const char *c = NULL, *mdl = NULL;
        if ((st = jr_keys(r, v, "$.cascade", cascade_fields)) ||
            (st = sc_string(r, v, "$.cascade", "control", 0, &c)) ||
            (c && (st = jr_name_in(r, "$.cascade.control", c, 2, control_name, "control",
                                &s->control))) ||
            (st = sc_string(r, v, "$.cascade", "model", 0, &mdl)) ||
            (mdl && (st = jr_name_in(r, "$.cascade.model", mdl, 3, cascade_model_name, "model",
                                  &s->cascade_model))) ||
            (st = jr_num(r, v, "$.cascade", "reclose_h", 0, 0.0, 24.0, &s->reclose_h)))
            return st;
        const char *fq = NULL;
        if ((st = sc_string(r, v, "$.cascade", "frequency", 0, &fq)) ||
            (fq && (st = jr_name_in(r, "$.cascade.frequency", fq, 2, freq_name, "frequency model",
                                 &s->frequency))))
            return st;
    }
    if ((st = jr_field(r, root, "$", "metrics", 0, &v)))
        return st;
    if (v && ((st = jr_keys(r, v, "$.metrics", metrics_fields)) ||
              (st = jr_num(r, v, "$.metrics", "heat_loss_h", 0, 0.0, 1000.0, &s->heat_loss_h))))
        return st;
    return read_weather(r, root, s);
}

static const char *const root_fields[] = {
    "format",     "version",     "name",    "grid",       "overlay", "synth",
    "nights",     "start_h",     "threat_types", "p_switchyard", "schedule", "air_defence",
    "targets",    "protection",  "repair",  "load",       "cascade", "metrics",
    "fragility", "interconnection", "weather", "fleet", NULL};

/* "interconnection": {"system_mw", "ties": [{"name", "bus", "import_mw",
 * "export_mw", "synchronous"}]}; "bus" is a bus number of the case or the
 * name of an asset (a substation: its high-voltage bus). After the assets. */
static const char *const ic_fields[] = {"system_mw", "ties", NULL};
static const char *const tie_fields[] = {"name", "bus", "import_mw", "export_mw", "synchronous",
                                         NULL};
static int read_interconnection(jr *r, const json_t *root, gr_campaign_scenario *s)
{
    const json_t *v, *arr;
    size_t n;
    char p[PATHLEN], q[PATHLEN];
    int st;
    if ((st = jr_field(r, root, "$", "interconnection", 0, &v)) || !v)
        return st;
    if ((st = jr_keys(r, v, "$.interconnection", ic_fields)) ||
        (st = jr_num(r, v, "$.interconnection", "system_mw", 0, 0.0, 1e7, &s->sync_system_mw)) ||
        (st = sc_array(r, v, "$.interconnection", "ties", 0, &arr, &n)))
        return st;
    if (n > GR_MAX_TIES)
        return jr_fail(r, "$.interconnection.ties", "at most %d ties, found %zu", GR_MAX_TIES, n);
    const gr_grid *g = s->grid;
    const gr_campaign_assets *as = &s->assets;
    for (size_t i = 0; i < n; i++) {
        const json_t *t = json_array_get(arr, i), *b;
        gr_tie *tie = &s->ties[i];
        jr_index_path(p, "$.interconnection.ties", i);
        const char *nm = NULL;
        tie->synchronous = 1;
        if (!json_is_object(t))
            return jr_fail(r, p, "expected an object, found %s", jr_type(t));
        if ((st = jr_keys(r, t, p, tie_fields)) || (st = sc_string(r, t, p, "name", 0, &nm)) ||
            (st = jr_num(r, t, p, "import_mw", 1, 0.0, 1e6, &tie->import_mw)) ||
            (st = jr_num(r, t, p, "export_mw", 0, 0.0, 1e6, &tie->export_mw)) ||
            (st = sc_boolean(r, t, p, "synchronous", &tie->synchronous)) ||
            (st = jr_member(r, t, p, "bus", 1, &b, q)))
            return st;
        tie->bus = -1;
        if (json_is_string(b)) {
            const char *an = json_string_value(b);
            for (int a = 0; a < as->n && tie->bus < 0; a++) {
                if (!as->name[a] || strcmp(as->name[a], an) != 0)
                    continue;
                tie->bus = as->switchyard[a];
                for (int e = as->elem_ptr[a]; e < as->elem_ptr[a + 1] && tie->bus < 0; e++)
                    if (as->elem_kind[e] == GR_ELEM_BUS)
                        tie->bus = as->elem_index[e];
            }
            if (tie->bus < 0)
                return jr_fail(r, q, "no substation or plant asset named \"%s\"", an);
        } else {
            int id;
            if (!json_is_integer(b))
                return jr_fail(r, q, "expected a bus number or an asset name, found %s",
                               jr_type(b));
            if ((st = jr_int_value(r, b, q, -2147483647LL, 2147483647LL, &id)))
                return st;
            tie->bus = gr_grid_bus_index(g, id);
            if (tie->bus < 0)
                return jr_fail(r, q, "no bus %d in the grid", id);
        }
        snprintf(tie->name, sizeof tie->name, "%s", nm ? nm : json_is_string(b) ?
                 json_string_value(b) : "tie");
        s->nties = (int)i + 1;
    }
    return GR_OK;
}

static int read_root(jr *r, const json_t *root, const char *base_dir, gr_campaign_scenario *s)
{
    const char *fmt, *nm = NULL;
    int st, version;
    if ((st = jr_keys(r, root, "$", root_fields)) || (st = sc_string(r, root, "$", "format", 1, &fmt)))
        return st;
    if (strcmp(fmt, CAMP_FORMAT) != 0)
        return jr_fail(r, "$.format", "expected \"" CAMP_FORMAT "\", found \"%s\"", fmt);
    if ((st = jr_integer(r, root, "$", "version", 1, 0, 1000000, &version)))
        return st;
    if (version != CAMP_VERSION)
        return jr_fail(r, "$.version", "unsupported version %d (this reader knows %d)", version,
                    CAMP_VERSION);
    if ((st = sc_string(r, root, "$", "name", 0, &nm)) || (st = sc_dup(r, nm ? nm : "campaign",
                                                                 &s->name)))
        return st;
    /* scalars first, so that a typo fails before the grid is built */
    if ((st = jr_integer(r, root, "$", "nights", 0, 1, 10000, &s->nights)) ||
        (st = jr_num(r, root, "$", "start_h", 0, 0.0, 24.0, &s->start_h)) ||
        (st = jr_num(r, root, "$", "p_switchyard", 0, 0.0, 1.0, &s->p_switchyard)) ||
        (st = read_schedule(r, root, s)) ||
        (st = read_misc(r, root, s)) || (st = sc_read_fleet(r, root, s)))
        return st;
    if ((st = read_grid(r, root, base_dir, s)))
        return st;
    /* the load scale applies to the grid model (the case keeps its numbers) */
    for (int b = 0; b < s->grid->nb; b++) {
        s->grid->pd[b] *= s->load_scale;
        s->grid->qd[b] *= s->load_scale;
    }
    gr_progress_report("building the asset table", 0, 0);
    if ((st = gr_campaign_assets_build(s, r->err)))
        return st;
    /* threat types after the assets: their damage keys name the case's classes */
    if ((st = read_types(r, root, s)) || (st = read_fragility(r, root, s)) ||
        (st = sc_read_air_defence(r, root, s)) || (st = sc_read_targets(r, root, s)) ||
        (st = sc_read_protection(r, root, s)) || (st = sc_read_repair(r, root, s)) ||
        (st = read_interconnection(r, root, s)))
        return st;
    gr_fragility_p_damage(s); /* the single-hit figures of the classes not fixed */
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
    if (!s->text || sc_dup(&r, r.name, &s->source)) {
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
