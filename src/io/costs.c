/* costs.c — the protection cost catalogue (costs.json): validating reader, the built-in catalogue from public figures, lifetime.
 *
 * DESIGN. Same rules as the scenario readers: every field is optional with a
 * documented default (docs/protect.md) except the format tag and the
 * version; every field present is checked for type and range, unknown fields
 * and names are errors, and the first problem is reported with the file and
 * its JSON path. "options", when present, replaces the built-in option list
 * as a whole; "planner" fields override one by one. The built-in catalogue
 * is itself a JSON text read by the same code. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gridres.h"
#include "io/class_key.h"
#include "io/file_read.h"
#include "io/json_read.h"
#include "model/overlay.h"

#define COSTS_FORMAT "gridres-costs"
#define COSTS_VERSION 1
#define PATHLEN JR_PATHLEN

/* Built-in catalogue; figures and sources in docs/protect.md. Currency:
 * million UAH; USD figures at 41.5 UAH/USD. Its shelter costs are keyed so that
 * they fit any case: "submax" (the case's highest level: 750 kV on the synthetic
 * region) and the bands subEHV (>= 300 kV: 330 kV there), subHV (100-300 kV: 110 kV
 * there) and subMV (below 100 kV: none there), the specific key winning over the
 * band (io_class_key), so that the synthetic region gets its 750/330/110 kV figures. */
static const char default_json[] =
    "{\n"
    "  \"format\": \"gridres-costs\",\n"
    "  \"version\": 1,\n"
    "  \"currency\": \"million UAH\",\n"
    "  \"usd_uah\": 41.5,\n"
    "  \"options\": [\n"
    "    {\"type\": \"shelter\", \"name\": \"gabion walls\", \"level\": 1,\n"
    "     \"cost\": {\"submax\": 20, \"subEHV\": 15, \"subHV\": 3, \"subMV\": 3, \"thermal\": 25,"
    " \"chp\": 25, \"hydro\": 25},\n"
    "     \"effect\": {\"drone\": 0.3, \"cruise\": 0.15, \"ballistic\": 0.05}},\n"
    "    {\"type\": \"shelter\", \"name\": \"drone shelter\", \"level\": 2,\n"
    "     \"cost\": {\"submax\": 130, \"subEHV\": 100, \"subHV\": 20, \"subMV\": 20},\n"
    "     \"effect\": {\"drone\": 0.85, \"cruise\": 0.4, \"ballistic\": 0.2}},\n"
    "    {\"type\": \"shelter\", \"name\": \"bunker\", \"level\": 3,\n"
    "     \"cost\": {\"submax\": 31000, \"subEHV\": 31000},\n"
    "     \"effect\": {\"drone\": 0.97, \"cruise\": 0.95, \"ballistic\": 0.9}},\n"
    "    {\"type\": \"spare\", \"name\": \"spare autotransformer\", \"for\": \"autotransformer\","
    " \"cost\": 311, \"units\": 1, \"max\": 10},\n"
    "    {\"type\": \"spare\", \"name\": \"spare 110 kV transformer\", \"for\": \"sub110\","
    " \"cost\": 15, \"units\": 1, \"max\": 20},\n"
    "    {\"type\": \"crew\", \"name\": \"repair crew\", \"cost\": 8, \"max\": 10, \"bases\": 2},\n"
    "    {\"type\": \"air_defence\", \"name\": \"mobile fire group\", \"system\": \"fire_group\","
    " \"cost\": 10, \"max\": 4, \"zones\": 1,\n"
    "     \"channels\": 2, \"stock\": 100, \"resupply\": 100, \"radius_km\": 25, \"radar_h_m\": 0,\n"
    "     \"pk\": {\"drone\": 0.6, \"cruise\": 0.3, \"ballistic\": 0, \"decoy\": 0.6}},\n"
    "    {\"type\": \"air_defence\", \"name\": \"point-defence battery\", \"system\": \"battery\","
    " \"cost\": 2500, \"max\": 1, \"zones\": 1,\n"
    "     \"channels\": 2, \"stock\": 16, \"resupply\": 8, \"radius_km\": 10, \"radar_h_m\": 10,\n"
    "     \"pk\": {\"drone\": 0.8, \"cruise\": 0.7, \"ballistic\": 0.3, \"decoy\": 0.8}},\n"
    "    {\"type\": \"air_defence\", \"name\": \"interceptors\", \"system\": \"interceptors\","
    " \"cost\": 415, \"units\": 20, \"max\": 5, \"zones\": 1}\n"
    "  ],\n"
    "  \"planner\": {\"shortlist\": 12, \"critical_weight\": 10, \"rule_level\": 2}\n"
    "}\n";

const char *gr_protect_costs_default_json(void) { return default_json; }

static const char *const type_names[GR_OPTION_NTYPES] = {"shelter", "spare", "crew",
                                                         "air_defence"};
static const char *const ad_names[3] = {"fire_group", "battery", "interceptors"};

static const char *ad_name(int k) { return k >= 0 && k < 3 ? ad_names[k] : "?"; }

/* The names of gr_protect_attacker_name (kept here: io does not call sim). */
static const char *attacker_name(int k)
{
    static const char *const names[GR_PROTECT_NATTACKER] = {"fixed", "adaptive", "both"};
    return k >= 0 && k < GR_PROTECT_NATTACKER ? names[k] : "?";
}

const char *gr_option_type_name(int type)
{
    return type >= 0 && type < GR_OPTION_NTYPES ? type_names[type] : "?";
}

static const char *const threat_names[GR_THREAT_NTYPES] = {"drone", "cruise", "ballistic",
                                                           "decoy"};

void gr_protect_costs_free(gr_protect_costs *c)
{
    if (!c)
        return;
    gr_free(c->currency);
    gr_free(c->source);
    if (c->options)
        for (int k = 0; k < c->noptions; k++)
            gr_free(c->options[k].name);
    gr_free(c->options);
    gr_free(c);
}

/* ------------------------------------------------------------------------
 * JSON helpers: every failure names the file and the JSON path.
 * ------------------------------------------------------------------------ */

/* String field `key` (non-empty); *out borrowed from the JSON tree. */
static int str(jr *r, const json_t *obj, const char *path, const char *key, int required,
               const char **out)
{
    char p[PATHLEN];
    const json_t *v;
    int st = jr_member(r, obj, path, key, required, &v, p);
    if (st || !v)
        return st;
    if (!json_is_string(v))
        return jr_fail(r, p, "expected a string, found %s", jr_type(v));
    if (json_string_length(v) == 0)
        return jr_fail(r, p, "expected a non-empty string");
    if (json_string_length(v) > 63)
        return jr_fail(r, p, "longer than 63 characters");
    *out = json_string_value(v);
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * The options.
 * ------------------------------------------------------------------------ */
/* The shelter's costs per asset class: keys resolved against the case's class table a
 * by io_class_key (the scenario reader's resolver), the generic keys (bands, "submax")
 * applied before the specific ones; null: not offered. */
static int read_shelter(jr *r, const json_t *o, const char *path, gr_protect_option *op,
                        const gr_campaign_assets *a)
{
    static const char *const known[] = {"type", "name", "level", "cost", "effect", NULL};
    char p[PATHLEN], q[PATHLEN];
    unsigned char set[GR_ASSET_NCLASS];
    int st;
    if ((st = jr_keys(r, o, path, known)) ||
        (st = jr_integer(r, o, path, "level", 1, 1, 100, &op->level)))
        return st;
    const json_t *cost = json_object_get(o, "cost");
    if (!cost)
        return jr_fail(r, path, "missing field \"cost\"");
    jr_key_path(p, path, "cost");
    if (!json_is_object(cost))
        return jr_fail(r, p, "expected an object, found %s", jr_type(cost));
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)cost, key, val) {
        jr_key_path(q, p, key);
        if (io_class_key(a, key, set) < 0)
            return io_class_key_fail(r, q, key, a);
    }
    for (int spec = 0; spec <= 3; spec++)
        json_object_foreach((json_t *)cost, key, val) {
            if (io_class_key(a, key, set) != spec)
                continue;
            double x = NAN; /* null: not offered */
            jr_key_path(q, p, key);
            if (!json_is_null(val) && (st = jr_num_value(r, val, q, 0.0, 1e9, &x)))
                return st;
            for (int cl = 0; cl < GR_ASSET_NCLASS; cl++)
                if (set[cl])
                    op->class_cost[cl] = x;
        }
    int any = 0;
    for (int cl = 0; cl < GR_ASSET_NCLASS; cl++)
        any |= !isnan(op->class_cost[cl]);
    if (!any)
        return jr_fail(r, p, "no asset class of the case with a cost (the shelter is offered "
                             "for none)");
    const json_t *eff = json_object_get(o, "effect");
    if (!eff)
        return jr_fail(r, path, "missing field \"effect\"");
    jr_key_path(p, path, "effect");
    static const char *const tk[] = {"drone", "cruise", "ballistic", NULL};
    if ((st = jr_keys(r, eff, p, tk)))
        return st;
    for (int t = 0; t < GR_THREAT_DECOY; t++) /* decoys do no damage */
        if ((st = jr_num(r, eff, p, threat_names[t], 1, 0.0, 1.0, &op->effect[t])))
            return st;
    return GR_OK;
}

static int read_spare(jr *r, const json_t *o, const char *path, gr_protect_option *op)
{
    static const char *const known[] = {"type", "name", "for", "cost", "units", "max", NULL};
    const char *kind = NULL;
    char p[PATHLEN];
    int st;
    if ((st = jr_keys(r, o, path, known)) || (st = str(r, o, path, "for", 1, &kind)) ||
        (st = jr_num(r, o, path, "cost", 1, 0.0, 1e9, &op->cost)) ||
        (st = jr_integer(r, o, path, "units", 0, 1, 1000, &op->units)) ||
        (st = jr_integer(r, o, path, "max", 0, 1, 1000, &op->max)))
        return st;
    op->kind = -1;
    jr_key_path(p, path, "for");
    return jr_name_in(r, p, kind, GR_REPAIR_NKIND, gr_repair_kind_name, "repair kind", &op->kind);
}

static int read_crew(jr *r, const json_t *o, const char *path, gr_protect_option *op)
{
    static const char *const known[] = {"type", "name", "cost", "max", "bases", NULL};
    int st;
    if ((st = jr_keys(r, o, path, known)) ||
        (st = jr_num(r, o, path, "cost", 1, 0.0, 1e9, &op->cost)) ||
        (st = jr_integer(r, o, path, "max", 0, 1, 1000, &op->max)) ||
        (st = jr_integer(r, o, path, "bases", 0, 1, 64, &op->bases)))
        return st;
    op->units = 1;
    return GR_OK;
}

/* An air-defence option: a mobile fire group or a point-defence battery at a
 * defended zone, or interceptors for a zone's magazine (protect_ad.c). */
static int read_ad(jr *r, const json_t *o, const char *path, gr_protect_option *op)
{
    static const char *const known[] = {"type", "name", "system", "cost", "max", "zones",
                                        "units", "channels", "stock", "resupply",
                                        "radius_km", "radar_h_m", "pk", NULL};
    static const char *const unit_only[] = {"channels", "stock", "resupply", "radius_km",
                                            "radar_h_m", "pk", NULL};
    const char *sys = NULL;
    char p[PATHLEN], q[PATHLEN];
    int st;
    op->max = 1;
    op->zones = 1;
    if ((st = jr_keys(r, o, path, known)) || (st = str(r, o, path, "system", 1, &sys)))
        return st;
    jr_key_path(p, path, "system");
    if ((st = jr_name_in(r, p, sys, 3, ad_name, "air-defence system", &op->system)) ||
        (st = jr_num(r, o, path, "cost", 1, 0.0, 1e9, &op->cost)) ||
        (st = jr_integer(r, o, path, "max", 0, 1, 1000, &op->max)) ||
        (st = jr_integer(r, o, path, "zones", 0, 1, 64, &op->zones)))
        return st;
    if (op->system == GR_PROTECT_AD_INTERCEPTORS) {
        for (int k = 0; unit_only[k]; k++)
            if (json_object_get(o, unit_only[k])) {
                jr_key_path(q, path, unit_only[k]);
                return jr_fail(r, q, "not used by \"interceptors\" (only units, cost, max, "
                                     "zones)");
            }
        op->units = 20;
        return jr_integer(r, o, path, "units", 0, 1, 1000000, &op->units);
    }
    if (json_object_get(o, "units")) {
        jr_key_path(q, path, "units");
        return jr_fail(r, q, "only used by \"interceptors\"");
    }
    op->channels = 2;
    op->stock = 100;
    op->resupply = 0;
    op->radius_km = 10.0;
    op->radar_h_m = 0.0;
    if ((st = jr_integer(r, o, path, "channels", 0, 1, 1000, &op->channels)) ||
        (st = jr_integer(r, o, path, "stock", 0, 0, 1000000, &op->stock)) ||
        (st = jr_integer(r, o, path, "resupply", 0, 0, 1000000, &op->resupply)) ||
        (st = jr_num(r, o, path, "radius_km", 0, 1e-3, 1e4, &op->radius_km)) ||
        (st = jr_num(r, o, path, "radar_h_m", 0, 0.0, 1e4, &op->radar_h_m)))
        return st;
    const json_t *pk = json_object_get(o, "pk");
    if (!pk)
        return jr_fail(r, path, "missing field \"pk\"");
    jr_key_path(p, path, "pk");
    static const char *const tk[] = {"drone", "cruise", "ballistic", "decoy", NULL};
    if ((st = jr_keys(r, pk, p, tk)))
        return st;
    for (int t = 0; t < GR_THREAT_DECOY; t++)
        if ((st = jr_num(r, pk, p, threat_names[t], 1, 0.0, 1.0, &op->pk[t])))
            return st;
    op->pk[GR_THREAT_DECOY] = op->pk[GR_THREAT_DRONE]; /* a decoy looks like a drone */
    return jr_num(r, pk, p, "decoy", 0, 0.0, 1.0, &op->pk[GR_THREAT_DECOY]);
}

static int read_options(jr *r, const json_t *arr, gr_protect_costs *c,
                        const gr_campaign_assets *a)
{
    const char *path = "$.options";
    char p[PATHLEN], q[PATHLEN];
    if (!json_is_array(arr))
        return jr_fail(r, path, "expected an array, found %s", jr_type(arr));
    size_t n = json_array_size(arr);
    if (n > 1000)
        return jr_fail(r, path, "more than 1000 options");
    gr_protect_option *ops = gr_calloc(n + 1, sizeof *ops);
    if (!ops)
        return jr_oom(r);
    if (c->options)
        for (int k = 0; k < c->noptions; k++)
            gr_free(c->options[k].name);
    gr_free(c->options);
    c->options = ops;
    c->noptions = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_array_get(arr, i);
        gr_protect_option *op = &ops[i];
        jr_index_path(p, path, i);
        if (!json_is_object(o))
            return jr_fail(r, p, "expected an object, found %s", jr_type(o));
        for (int cl = 0; cl < GR_ASSET_NCLASS; cl++)
            op->class_cost[cl] = NAN;
        op->kind = -1;
        op->units = 1;
        op->max = 10;
        op->bases = 2;
        const char *type = NULL, *name = NULL;
        int st = str(r, o, p, "type", 1, &type);
        if (st)
            return st;
        op->type = -1;
        for (int t = 0; t < GR_OPTION_NTYPES; t++)
            if (strcmp(type, type_names[t]) == 0)
                op->type = t;
        if (op->type < 0) {
            jr_key_path(q, p, "type");
            return jr_fail(r, q, "unknown option type \"%s\" (expected shelter, spare, crew or "
                                 "air_defence)", type);
        }
        if ((st = str(r, o, p, "name", 0, &name)))
            return st;
        op->name = gr_overlay_strdup(name ? name : type);
        c->noptions = (int)i + 1;
        if (!op->name)
            return jr_oom(r);
        st = op->type == GR_OPTION_SHELTER ? read_shelter(r, o, p, op, a)
             : op->type == GR_OPTION_SPARE ? read_spare(r, o, p, op)
             : op->type == GR_OPTION_AD    ? read_ad(r, o, p, op)
                                           : read_crew(r, o, p, op);
        if (st)
            return st;
        /* one shelter option per level; one spare option per repair kind; one crew option */
        for (size_t j = 0; j < i; j++) {
            const gr_protect_option *x = &ops[j];
            if (x->type != op->type)
                continue;
            if (op->type == GR_OPTION_SHELTER && x->level == op->level) {
                jr_key_path(q, p, "level");
                return jr_fail(r, q, "level %d is already used by $.options[%zu]", op->level, j);
            }
            if (op->type == GR_OPTION_SPARE && x->kind == op->kind) {
                jr_key_path(q, p, "for");
                return jr_fail(r, q, "repair kind \"%s\" already has a spare option ($.options[%zu])",
                            gr_repair_kind_name(op->kind), j);
            }
            if (op->type == GR_OPTION_CREW)
                return jr_fail(r, p, "a second crew option ($.options[%zu] is one)", j);
            if (op->type == GR_OPTION_AD && x->system == op->system) {
                jr_key_path(q, p, "system");
                return jr_fail(r, q, "system \"%s\" already has an option ($.options[%zu])",
                               ad_name(op->system), j);
            }
        }
    }
    return GR_OK;
}

static int read_root(jr *r, const json_t *root, gr_protect_costs *c,
                     const gr_campaign_assets *a)
{
    static const char *const known[] = {"format", "version", "currency", "usd_uah", "options",
                                        "planner", NULL};
    const char *fmt = NULL, *cur = NULL;
    int version = 0, st;
    if ((st = jr_keys(r, root, "$", known)) || (st = str(r, root, "$", "format", 1, &fmt)))
        return st;
    if (strcmp(fmt, COSTS_FORMAT) != 0)
        return jr_fail(r, "$.format", "expected \"%s\", found \"%s\"", COSTS_FORMAT, fmt);
    if ((st = jr_integer(r, root, "$", "version", 1, 1, 1000, &version)))
        return st;
    if (version != COSTS_VERSION)
        return jr_fail(r, "$.version", "unsupported version %d (expected %d)", version,
                    COSTS_VERSION);
    if ((st = str(r, root, "$", "currency", 0, &cur)))
        return st;
    if (cur) {
        char *d = gr_overlay_strdup(cur);
        if (!d)
            return jr_oom(r);
        gr_free(c->currency);
        c->currency = d;
    }
    if ((st = jr_num(r, root, "$", "usd_uah", 0, 1e-6, 1e9, &c->usd_uah)))
        return st;
    const json_t *ops = json_object_get(root, "options");
    if (ops && (st = read_options(r, ops, c, a)))
        return st;
    const json_t *pl = json_object_get(root, "planner");
    if (ops && !(pl && json_is_object(pl) && json_object_get(pl, "rule_level")))
        c->rule_level = 0; /* new options: the rules buy the highest level unless told */
    if (pl) {
        static const char *const pk[] = {"shortlist", "critical_weight", "rule_level",
                                         "attacker", NULL};
        const char *att = NULL;
        if ((st = jr_keys(r, pl, "$.planner", pk)) ||
            (st = jr_integer(r, pl, "$.planner", "shortlist", 0, 1, 10000, &c->shortlist)) ||
            (st = jr_num(r, pl, "$.planner", "critical_weight", 0, 1.0, 1e6,
                         &c->critical_weight)) ||
            (st = jr_integer(r, pl, "$.planner", "rule_level", 0, 0, 100, &c->rule_level)) ||
            (st = str(r, pl, "$.planner", "attacker", 0, &att)) ||
            (att && (st = jr_name_in(r, "$.planner.attacker", att, GR_PROTECT_NATTACKER,
                                     attacker_name, "attacker", &c->attacker))))
            return st;
    }
    if (c->rule_level > 0) {
        int found = 0;
        for (int k = 0; k < c->noptions; k++)
            found |= c->options[k].type == GR_OPTION_SHELTER && c->options[k].level == c->rule_level;
        if (!found)
            return jr_fail(r, pl && json_object_get(pl, "rule_level") ? "$.planner.rule_level" : "$",
                        "no shelter option has level %d (the level the rules buy)", c->rule_level);
    }
    return GR_OK;
}

/* Fresh catalogue with the numeric defaults and no options. */
static gr_protect_costs *costs_new(void)
{
    gr_protect_costs *c = gr_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->usd_uah = 41.5;
    c->shortlist = 12;
    c->critical_weight = 10.0;
    c->rule_level = 0;
    c->attacker = -1;
    c->currency = gr_overlay_strdup("million UAH");
    if (!c->currency) {
        gr_free(c);
        return NULL;
    }
    return c;
}

static int parse_into(const char *text, size_t len, jr *r, gr_protect_costs *c,
                      const gr_campaign_assets *a)
{
    json_t *root;
    int st = jr_load_text(r, text, len, &root);
    if (st)
        return st;
    st = read_root(r, root, c, a);
    json_decref(root);
    return st;
}

int gr_protect_costs_parse_for(const char *text, size_t len, const char *name,
                               const gr_campaign_assets *a, gr_protect_costs **out,
                               gr_error *err)
{
    *out = NULL;
    jr rb = {"built-in costs", err};
    gr_campaign_assets synth;
    if (!a) { /* the synthetic region's 750/330/110 kV */
        memset(&synth, 0, sizeof synth);
        io_class_table_synth(&synth);
        a = &synth;
    }
    gr_protect_costs *c = costs_new();
    if (!c)
        return jr_oom(&rb);
    /* the built-in catalogue first: a file overrides what it gives */
    int st = parse_into(default_json, strlen(default_json), &rb, c, a);
    if (!st && text != default_json) {
        jr r = {name ? name : "costs", err};
        st = parse_into(text, len, &r, c, a);
    }
    if (!st) {
        c->source = gr_overlay_strdup(text == default_json ? "built-in" : name ? name : "costs");
        if (!c->source)
            st = jr_oom(&rb);
    }
    if (st) {
        gr_protect_costs_free(c);
        return st;
    }
    *out = c;
    return GR_OK;
}

int gr_protect_costs_parse(const char *text, size_t len, const char *name,
                           gr_protect_costs **out, gr_error *err)
{
    return gr_protect_costs_parse_for(text, len, name, NULL, out, err);
}

int gr_protect_costs_read_for(const char *path, const gr_campaign_assets *a,
                              gr_protect_costs **out, gr_error *err)
{
    *out = NULL;
    if (!path)
        return gr_protect_costs_parse_for(default_json, strlen(default_json), "built-in", a,
                                          out, err);
    char *buf;
    size_t len;
    int st = io_read_file(path, &buf, &len, err);
    if (st)
        return st;
    st = gr_protect_costs_parse_for(buf, len, path, a, out, err);
    gr_free(buf);
    return st;
}

int gr_protect_costs_read(const char *path, gr_protect_costs **out, gr_error *err)
{
    return gr_protect_costs_read_for(path, NULL, out, err);
}
