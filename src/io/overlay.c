/* overlay.c — the scenario overlay (scenario.json): validating reader (jansson), byte-stable writer, type names.
 *
 * DESIGN
 * The reader checks every field: its type, its range and the references
 * between tables, and reports the first problem with the JSON path
 * ("scenario.json: $.buses[12].population: expected a number, found string").
 * Unknown fields are errors too, so a misspelt name never goes unnoticed.
 * The writer emits one table element per line with numbers in their shortest
 * round-trip form, so the same overlay always gives the same bytes, and it
 * validates its own output with the reader before writing anything: whatever
 * gr_overlay_write accepts, gr_overlay_read reads back. Reader and writer
 * share one column table per overlay table (city_cols, bus_cols, …): the
 * fields the reader knows, and checks for the simple tables, are the ones
 * the writer lays out, in the same order. The format is documented in
 * docs/scenario.md. Allocation and lifetime live in model/overlay.c. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gridres.h"
#include "io/file_read.h"
#include "io/bus_key.h"
#include "io/json_read.h"
#include "model/overlay.h"

#define OV_FORMAT "gridres-scenario"
#define OV_VERSION GR_OVERLAY_VERSION

static const char *const fac_names[GR_FAC_N] = {"hospital", "water", "heating"};
static const char *const plant_names[GR_PLANT_N] = {"nuclear", "thermal", "chp",  "hydro",
                                                    "gas",     "wind",    "solar", "other"};
static const char *const sub_names[GR_SUB_N] = {"distribution", "transmission", "plant"};

const char *gr_facility_name(int fac)
{
    return fac >= 0 && fac < GR_FAC_N ? fac_names[fac] : "?";
}

const char *gr_plant_type_name(int type)
{
    return type >= 0 && type < GR_PLANT_N ? plant_names[type] : "?";
}

const char *gr_substation_kind_name(int kind)
{
    return kind >= 0 && kind < GR_SUB_N ? sub_names[kind] : "?";
}

/* ------------------------------------------------------------------------
 * Reader.
 * ------------------------------------------------------------------------ */
/* The JSON type of v, with reals named "real" (the format tells integers
 * and reals apart: "expected an integer, found real"). */
static const char *ov_type(const json_t *v) { return json_is_real(v) ? "real" : jr_type(v); }

/* An integer in [min, max]; null allowed (stored as null_value) when allow_null. */
static int rd_int(jr *r, const json_t *obj, const char *path, const char *key, long long min,
                  long long max, int allow_null, long long null_value, long long *out)
{
    const json_t *v;
    char p[JR_PATHLEN];
    int st = jr_member(r, obj, path, key, 1, &v, p);
    if (st)
        return st;
    if (allow_null && json_is_null(v)) {
        *out = null_value;
        return GR_OK;
    }
    if (!json_is_integer(v))
        return jr_fail(r, p, "expected an integer%s, found %s", allow_null ? " or null" : "",
                       ov_type(v));
    long long x = (long long)json_integer_value(v);
    if (x < min || x > max)
        return jr_fail(r, p, "%lld is out of range [%lld, %lld]", x, min, max);
    *out = x;
    return GR_OK;
}

/* An index into a table of n rows, or null (-1) when allow_null. */
static int rd_ref(jr *r, const json_t *obj, const char *path, const char *key, int n,
                  const char *table, int allow_null, int *out)
{
    const json_t *v;
    char p[JR_PATHLEN];
    int st = jr_member(r, obj, path, key, 1, &v, p);
    if (st)
        return st;
    if (allow_null && json_is_null(v)) {
        *out = -1;
        return GR_OK;
    }
    if (!json_is_integer(v))
        return jr_fail(r, p, "expected an index into $.%s%s, found %s", table,
                       allow_null ? " or null" : "", ov_type(v));
    long long x = (long long)json_integer_value(v);
    if (x < 0 || x >= n)
        return jr_fail(r, p, "%lld is not an index into $.%s (%d entries)", x, table, n);
    *out = (int)x;
    return GR_OK;
}

static int rd_int32(jr *r, const json_t *obj, const char *path, const char *key, int min,
                    int max, int *out)
{
    long long x;
    int st = rd_int(r, obj, path, key, min, max, 0, 0, &x);
    if (!st)
        *out = (int)x;
    return st;
}

/* The element's "id" must equal its position. */
static int rd_id(jr *r, const json_t *obj, const char *path, size_t pos)
{
    long long x = 0;
    int st = rd_int(r, obj, path, "id", 0, 1LL << 40, 0, 0, &x);
    if (st)
        return st;
    if (x != (long long)pos) {
        char p[JR_PATHLEN];
        jr_key_path(p, path, "id");
        return jr_fail(r, p, "id %lld does not match its position %zu", x, pos);
    }
    return GR_OK;
}

/* A non-empty string, duplicated into *out (freed by the overlay). */
static int rd_str(jr *r, const json_t *obj, const char *path, const char *key, char **out)
{
    const json_t *v;
    char p[JR_PATHLEN];
    int st = jr_member(r, obj, path, key, 1, &v, p);
    if (st)
        return st;
    if (!json_is_string(v))
        return jr_fail(r, p, "expected a string, found %s", ov_type(v));
    if (json_string_length(v) == 0)
        return jr_fail(r, p, "empty string");
    if (strlen(json_string_value(v)) != json_string_length(v))
        return jr_fail(r, p, "string contains a NUL character");
    *out = gr_overlay_strdup(json_string_value(v));
    if (!*out)
        return jr_oom(r);
    return GR_OK;
}

/* A string naming one of n values. */
static int rd_enum(jr *r, const json_t *obj, const char *path, const char *key,
                   const char *(*name_of)(int), int n, const char *what, int *out)
{
    const json_t *v;
    char p[JR_PATHLEN];
    int st = jr_member(r, obj, path, key, 1, &v, p);
    if (st)
        return st;
    if (!json_is_string(v))
        return jr_fail(r, p, "expected a string, found %s", ov_type(v));
    return jr_name_in(r, p, json_string_value(v), n, name_of, what, out);
}

/* An array field; *n gets its size. */
static int rd_array(jr *r, const json_t *obj, const char *path, const char *key,
                    const json_t **arr, size_t *n)
{
    char p[JR_PATHLEN];
    int st = jr_member(r, obj, path, key, 1, arr, p);
    if (st)
        return st;
    if (!json_is_array(*arr))
        return jr_fail(r, p, "expected an array, found %s", ov_type(*arr));
    *n = json_array_size(*arr);
    if (*n > 100000000u)
        return jr_fail(r, p, "too many entries");
    return GR_OK;
}


static const char *const root_fields[] = {
    "format", "version", "case", "seed", "region", "facility_mw", "buses", "substations",
    "plants", "generators", "cities", "defended_zones", "crew_bases", "branches", NULL};
static const char *const region_fields[] = {"width_km", "height_km", "population",
                                            "kw_per_person", "load_pf", NULL};
static const char *const fac_fields[] = {"hospital", "water", "heating", NULL};
/* Most people in one region, city, district or bus: 1e10, above the world's
 * population (8.2e9 in 2024, UN World Population Prospects 2024). */
#define MAX_PEOPLE 1e10

/* ------------------------------------------------------------------------
 * The columns of each table, in the order of the file: what the reader
 * accepts and checks, and how the writer lays out an element.
 * ------------------------------------------------------------------------ */
typedef enum col_kind {
    COL_ROW,       /* the row number k ("id", equal to its position) */
    COL_ROW1,      /* k + 1 (the 1-based "gen" and "branch" of the case) */
    COL_INT,       /* int array, in [min, max] */
    COL_NUM,       /* double array, in [min, max] */
    COL_X,         /* double array, in [0, width_km] of the region */
    COL_Y,         /* double array, in [0, height_km] of the region */
    COL_REF,       /* int array of indices into another table, -1 written as null */
    COL_NAME,      /* string array, non-empty */
    COL_ENUM,      /* int array written by name */
    COL_HEAT,      /* a city's heat districts (heat_cols) */
    COL_CRITICAL   /* a bus's critical facilities */
} col_kind;

typedef struct ov_col {
    const char *key;
    col_kind kind;
    size_t member;               /* offsetof the array in gr_overlay */
    double min, max;             /* COL_INT, COL_NUM */
    size_t target;               /* COL_REF: offsetof the row count of the table referred to */
    const char *what;            /* COL_REF: that table ("plants"); COL_ENUM: the value's name */
    int null_ok;                 /* COL_REF: null (-1) allowed */
    const char *(*name_of)(int); /* COL_ENUM: names of 0 .. n_names - 1 */
    int n_names;
} ov_col;

#define OV_MAX_COLS 16
#define C_ROW(k_) {.key = k_, .kind = COL_ROW}
#define C_ROW1(k_) {.key = k_, .kind = COL_ROW1}
#define C_OF(k_, kind_, f_) {.key = k_, .kind = kind_, .member = offsetof(gr_overlay, f_)}
#define C_INT(k_, f_, lo, hi) \
    {.key = k_, .kind = COL_INT, .member = offsetof(gr_overlay, f_), .min = lo, .max = hi}
#define C_NUM(k_, f_, lo, hi) \
    {.key = k_, .kind = COL_NUM, .member = offsetof(gr_overlay, f_), .min = lo, .max = hi}
#define C_REF(k_, f_, n_, table, nul)                                                       \
    {.key = k_, .kind = COL_REF, .member = offsetof(gr_overlay, f_),                       \
     .target = offsetof(gr_overlay, n_), .what = table, .null_ok = nul}
#define C_ENUM(k_, f_, names, n, what_)                                                     \
    {.key = k_, .kind = COL_ENUM, .member = offsetof(gr_overlay, f_), .what = what_,       \
     .name_of = names, .n_names = n}
#define C_END {.key = NULL}

/* Tables read row by row by rd_row. */
static const ov_col city_cols[] = {
    C_ROW("id"), C_OF("name", COL_NAME, city_name), C_NUM("population", city_population, 0.0, MAX_PEOPLE),
    C_OF("x_km", COL_X, city_x_km), C_OF("y_km", COL_Y, city_y_km),
    C_NUM("radius_km", city_radius_km, 1e-3, 1e6), {.key = "heat_districts", .kind = COL_HEAT},
    C_END};
static const ov_col heat_cols[] = {
    C_ROW("id"), C_REF("plant", heat_plant, nplant, "plants", 0),
    C_NUM("population", heat_population, 0.0, MAX_PEOPLE), C_END};
static const ov_col sub_cols[] = {
    C_ROW("id"), C_OF("name", COL_NAME, sub_name),
    C_ENUM("kind", sub_kind, gr_substation_kind_name, GR_SUB_N, "substation kind"),
    C_OF("x_km", COL_X, sub_x_km), C_OF("y_km", COL_Y, sub_y_km), C_END};
static const ov_col plant_cols[] = {
    C_ROW("id"), C_OF("name", COL_NAME, plant_name),
    C_ENUM("type", plant_type, gr_plant_type_name, GR_PLANT_N, "plant type"),
    C_REF("substation", plant_substation, nsub, "substations", 0),
    C_REF("city", plant_city, ncity, "cities", 1), C_END};
static const ov_col zone_cols[] = {
    C_ROW("id"), C_OF("name", COL_NAME, zone_name), C_REF("city", zone_city, ncity, "cities", 1),
    C_OF("x_km", COL_X, zone_x_km), C_OF("y_km", COL_Y, zone_y_km),
    C_NUM("radius_km", zone_radius_km, 1e-3, 1e6), C_END};
static const ov_col crew_cols[] = {
    C_ROW("id"), C_OF("name", COL_NAME, crew_name),
    C_REF("substation", crew_substation, nsub, "substations", 1),
    C_INT("crews", crew_count, 0, 100000), C_OF("x_km", COL_X, crew_x_km),
    C_OF("y_km", COL_Y, crew_y_km), C_END};
/* Tables matched against the case and read by their own readers
 * (rd_buses, rd_generators, rd_branches): the columns give the layout. */
static const ov_col bus_cols[] = {
    C_OF("bus", COL_INT, bus_id), C_OF("x_km", COL_X, bus_x_km), C_OF("y_km", COL_Y, bus_y_km),
    C_OF("kv", COL_NUM, bus_kv), C_OF("substation", COL_REF, bus_substation),
    C_OF("city", COL_REF, bus_city), C_OF("population", COL_NUM, bus_population),
    C_OF("heat_district", COL_REF, bus_heat_district),
    C_OF("heat_population", COL_NUM, bus_heat_population),
    {.key = "critical", .kind = COL_CRITICAL}, C_END};
static const ov_col gen_cols[] = {
    C_ROW1("gen"), C_OF("bus", COL_INT, gen_bus), C_OF("plant", COL_REF, gen_plant), C_END};
static const ov_col branch_cols[] = {
    C_ROW1("branch"), C_OF("from", COL_INT, branch_from), C_OF("to", COL_INT, branch_to),
    C_OF("length_km", COL_NUM, branch_length_km), C_END};

/* `o` must be an object whose keys are all columns of the table. */
static int rd_cols(jr *r, const json_t *o, const char *path, const ov_col *cols)
{
    const char *names[OV_MAX_COLS + 1];
    int n = 0;
    for (; cols[n].key && n < OV_MAX_COLS; n++)
        names[n] = cols[n].key;
    names[n] = NULL;
    return jr_keys(r, o, path, names);
}

/* Row k of a table at path p, column by column. COL_ROW1, COL_HEAT and
 * COL_CRITICAL are left to the table's own reader. */
static int rd_row(jr *r, const json_t *o, const char *p, const ov_col *cols, size_t k,
                  gr_overlay *ov)
{
    int st = rd_cols(r, o, p, cols);
    for (const ov_col *c = cols; !st && c->key; c++) {
        char *base = (char *)ov + c->member;
        switch (c->kind) {
        case COL_ROW: st = rd_id(r, o, p, k); break;
        case COL_INT:
            st = rd_int32(r, o, p, c->key, (int)c->min, (int)c->max, &(*(int **)base)[k]);
            break;
        case COL_NUM:
            st = jr_num(r, o, p, c->key, 1, c->min, c->max, &(*(double **)base)[k]);
            break;
        case COL_X:
            st = jr_num(r, o, p, c->key, 1, 0.0, ov->width_km, &(*(double **)base)[k]);
            break;
        case COL_Y:
            st = jr_num(r, o, p, c->key, 1, 0.0, ov->height_km, &(*(double **)base)[k]);
            break;
        case COL_REF:
            st = rd_ref(r, o, p, c->key, *(const int *)((const char *)ov + c->target), c->what,
                        c->null_ok, &(*(int **)base)[k]);
            break;
        case COL_NAME: st = rd_str(r, o, p, c->key, &(*(char ***)base)[k]); break;
        case COL_ENUM:
            st = rd_enum(r, o, p, c->key, c->name_of, c->n_names, c->what, &(*(int **)base)[k]);
            break;
        case COL_ROW1:
        case COL_HEAT:
        case COL_CRITICAL: break;
        }
    }
    return st;
}

/* A table of rows read by rd_row alone. */
static int rd_table(jr *r, const json_t *arr, const char *key, int n, const ov_col *cols,
                    gr_overlay *ov)
{
    char p[JR_PATHLEN];
    int st;
    for (size_t k = 0; k < (size_t)n; k++) {
        jr_key_index_path(p, "$", key, k);
        if ((st = rd_row(r, json_array_get(arr, k), p, cols, k, ov)))
            return st;
    }
    return GR_OK;
}

/* A point inside the region. */
static int rd_point(jr *r, const json_t *o, const char *path, const gr_overlay *ov, double *x,
                    double *y)
{
    int st = jr_num(r, o, path, "x_km", 1, 0.0, ov->width_km, x);
    if (!st)
        st = jr_num(r, o, path, "y_km", 1, 0.0, ov->height_km, y);
    return st;
}

/* Substation names are unique (docs/scenario.md). */
typedef struct name_at {
    const char *name;
    int at;
} name_at;

static int name_at_cmp(const void *a, const void *b)
{
    const name_at *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* The first repeated name in file order is reported, at the repeat, with the index
 * of its first use. */
static int rd_unique_sub_names(jr *r, const gr_overlay *ov)
{
    int n = ov->nsub, later = -1, earlier = -1;
    if (n < 2)
        return GR_OK;
    name_at *v = gr_malloc((size_t)n * sizeof *v);
    if (!v)
        return jr_oom(r);
    for (int k = 0; k < n; k++)
        v[k] = (name_at){ov->sub_name[k], k};
    qsort(v, (size_t)n, sizeof *v, name_at_cmp);
    for (int g = 0; g + 1 < n; g++) /* v[g] first of its name, v[g + 1] its first repeat */
        if ((g == 0 || strcmp(v[g].name, v[g - 1].name) != 0) &&
            strcmp(v[g].name, v[g + 1].name) == 0 && (later < 0 || v[g + 1].at < later)) {
            later = v[g + 1].at;
            earlier = v[g].at;
        }
    gr_free(v);
    if (later < 0)
        return GR_OK;
    char p[JR_PATHLEN];
    snprintf(p, sizeof p, "$.substations[%d].name", later);
    return jr_fail(r, p, "substation name \"%s\" appears twice (also $.substations[%d])",
                   ov->sub_name[later], earlier);
}

static int rd_header(jr *r, const json_t *root, gr_overlay *ov)
{
    const json_t *v;
    int st;
    long long x;
    if ((st = jr_field(r, root, "$", "format", 1, &v)))
        return st;
    if (!json_is_string(v))
        return jr_fail(r, "$.format", "expected a string, found %s", ov_type(v));
    if (strcmp(json_string_value(v), OV_FORMAT) != 0)
        return jr_fail(r, "$.format", "expected \"" OV_FORMAT "\", found \"%s\"",
                       json_string_value(v));
    if ((st = rd_int(r, root, "$", "version", 1, 1000000, 0, 0, &x)))
        return st;
    if (x != OV_VERSION)
        return jr_fail(r, "$.version", "unsupported version %lld (this reader knows %d)", x,
                       OV_VERSION);
    ov->version = (int)x;
    if ((st = jr_field(r, root, "$", "case", 1, &v)))
        return st;
    if (json_is_string(v)) {
        if ((st = rd_str(r, root, "$", "case", &ov->case_file)))
            return st;
    } else if (!json_is_null(v)) {
        return jr_fail(r, "$.case", "expected a string or null, found %s", ov_type(v));
    }
    if ((st = rd_int(r, root, "$", "seed", 0, INT64_MAX, 1, -1, &x)))
        return st;
    ov->seed = x;

    if ((st = jr_field(r, root, "$", "region", 1, &v)) || (st = jr_keys(r, v, "$.region",
                                                                        region_fields)))
        return st;
    if ((st = jr_num(r, v, "$.region", "width_km", 1, 1e-3, 1e6, &ov->width_km)) ||
        (st = jr_num(r, v, "$.region", "height_km", 1, 1e-3, 1e6, &ov->height_km)) ||
        (st = jr_num(r, v, "$.region", "population", 1, 0.0, MAX_PEOPLE, &ov->population)) ||
        (st = jr_num(r, v, "$.region", "kw_per_person", 1, 0.0, 1e3, &ov->kw_per_person)) ||
        (st = jr_num(r, v, "$.region", "load_pf", 1, 1e-3, 1.0, &ov->load_pf)))
        return st;
    if ((st = jr_field(r, root, "$", "facility_mw", 1, &v)) ||
        (st = jr_keys(r, v, "$.facility_mw", fac_fields)))
        return st;
    for (int f = 0; f < GR_FAC_N; f++)
        if ((st = jr_num(r, v, "$.facility_mw", fac_names[f], 1, 0.0, 1e4, &ov->fac_mw[f])))
            return st;
    return GR_OK;
}

static int rd_cities(jr *r, const json_t *arr, gr_overlay *ov)
{
    char p[JR_PATHLEN], q[JR_PATHLEN];
    int st, h = 0;
    for (size_t k = 0; k < (size_t)ov->ncity; k++) {
        const json_t *o = json_array_get(arr, k), *hd;
        size_t nh = 0;
        jr_key_index_path(p, "$", "cities", k);
        if ((st = rd_row(r, o, p, city_cols, k, ov)) ||
            (st = rd_array(r, o, p, "heat_districts", &hd, &nh)))
            return st;
        for (size_t j = 0; j < nh; j++, h++) {
            jr_key_index_path(q, p, "heat_districts", j);
            if ((st = rd_row(r, json_array_get(hd, j), q, heat_cols, (size_t)h, ov)))
                return st;
            ov->heat_city[h] = (int)k;
        }
    }
    return GR_OK;
}

static int rd_buses(jr *r, const json_t *arr, const gr_case *c, const bus_key *keys,
                    gr_overlay *ov)
{
    char p[JR_PATHLEN], q[JR_PATHLEN];
    int st;
    for (size_t k = 0; k < (size_t)ov->nb; k++) {
        const json_t *o = json_array_get(arr, k), *crit;
        long long id;
        int row = (int)k;
        jr_key_index_path(p, "$", "buses", k);
        if ((st = rd_cols(r, o, p, bus_cols)) ||
            (st = rd_int(r, o, p, "bus", 1, INT32_MAX, 0, 0, &id)))
            return st;
        jr_key_path(q, p, "bus");
        if (c) {
            row = bus_key_row(keys, c->bus.n, (int)id);
            if (row < 0)
                return jr_fail(r, q, "bus %lld is not in the case", id);
            if (ov->bus_id[row] != 0)
                return jr_fail(r, q, "bus %lld appears twice", id);
        }
        ov->bus_id[row] = (int)id;
        int city, hd, sub;
        double pop, hpop;
        if ((st = rd_point(r, o, p, ov, &ov->bus_x_km[row], &ov->bus_y_km[row])) ||
            (st = jr_num(r, o, p, "kv", 1, 1e-3, 1e4, &ov->bus_kv[row])) ||
            (st = rd_ref(r, o, p, "substation", ov->nsub, "substations", 0, &sub)) ||
            (st = rd_ref(r, o, p, "city", ov->ncity, "cities", 1, &city)) ||
            (st = jr_num(r, o, p, "population", 1, 0.0, MAX_PEOPLE, &pop)) ||
            (st = rd_ref(r, o, p, "heat_district", ov->nheat, "cities[].heat_districts", 1,
                         &hd)) ||
            (st = jr_num(r, o, p, "heat_population", 1, 0.0, pop, &hpop)))
            return st;
        if (c && c->bus.base_kv[row] > 0.0 &&
            fabs(ov->bus_kv[row] - c->bus.base_kv[row]) > 1e-9 * c->bus.base_kv[row]) {
            jr_key_path(q, p, "kv");
            return jr_fail(r, q, "%.10g kV, but the case's BASE_KV of bus %lld is %.10g",
                           ov->bus_kv[row], id, c->bus.base_kv[row]);
        }
        if (hd < 0 && hpop > 0.0) {
            jr_key_path(q, p, "heat_population");
            return jr_fail(r, q, "%.10g people heated but heat_district is null", hpop);
        }
        ov->bus_substation[row] = sub;
        ov->bus_city[row] = city;
        ov->bus_population[row] = pop;
        ov->bus_heat_district[row] = hd;
        ov->bus_heat_population[row] = hpop;
        if ((st = jr_field(r, o, p, "critical", 1, &crit)))
            return st;
        jr_key_path(q, p, "critical");
        if ((st = jr_keys(r, crit, q, fac_fields)))
            return st;
        for (int f = 0; f < GR_FAC_N; f++)
            if ((st = rd_int32(r, crit, q, fac_names[f], 0, 1000000,
                               &ov->bus_fac[(size_t)row * GR_FAC_N + (size_t)f])))
                return st;
    }
    return GR_OK;
}

static int rd_generators(jr *r, const json_t *arr, const gr_case *c, const bus_key *keys,
                         gr_overlay *ov)
{
    char p[JR_PATHLEN], q[JR_PATHLEN];
    int st;
    for (size_t k = 0; k < (size_t)ov->ng; k++) {
        const json_t *o = json_array_get(arr, k);
        long long gen, bus;
        int plant;
        jr_key_index_path(p, "$", "generators", k);
        if ((st = rd_cols(r, o, p, gen_cols)) ||
            (st = rd_int(r, o, p, "gen", 1, ov->ng, 0, 0, &gen)) ||
            (st = rd_int(r, o, p, "bus", 1, INT32_MAX, 0, 0, &bus)) ||
            (st = rd_ref(r, o, p, "plant", ov->nplant, "plants", 0, &plant)))
            return st;
        int row = (int)gen - 1;
        if (ov->gen_plant[row] >= 0) {
            jr_key_path(q, p, "gen");
            return jr_fail(r, q, "generator %lld appears twice", gen);
        }
        jr_key_path(q, p, "bus");
        if (c && c->gen.bus[row] != bus)
            return jr_fail(r, q, "bus %lld, but generator %lld of the case is at bus %d", bus,
                           gen, c->gen.bus[row]);
        if (!c && bus_key_row(keys, ov->nb, (int)bus) < 0)
            return jr_fail(r, q, "bus %lld is not in $.buses", bus);
        ov->gen_plant[row] = plant;
        ov->gen_bus[row] = (int)bus;
    }
    return GR_OK;
}

static int rd_branches(jr *r, const json_t *arr, const gr_case *c, const bus_key *keys,
                       gr_overlay *ov)
{
    char p[JR_PATHLEN], q[JR_PATHLEN];
    int st;
    unsigned char *seen = gr_calloc((size_t)ov->nl, 1);
    if (!seen)
        return jr_oom(r);
    for (size_t k = 0; k < (size_t)ov->nl; k++) {
        const json_t *o = json_array_get(arr, k);
        long long br, f, t;
        double len;
        jr_key_index_path(p, "$", "branches", k);
        if ((st = rd_cols(r, o, p, branch_cols)) ||
            (st = rd_int(r, o, p, "branch", 1, ov->nl, 0, 0, &br)) ||
            (st = rd_int(r, o, p, "from", 1, INT32_MAX, 0, 0, &f)) ||
            (st = rd_int(r, o, p, "to", 1, INT32_MAX, 0, 0, &t)) ||
            (st = jr_num(r, o, p, "length_km", 1, 0.0, 1e5, &len)))
            goto done;
        int row = (int)br - 1;
        jr_key_path(q, p, "branch");
        if (seen[row]) {
            st = jr_fail(r, q, "branch %lld appears twice", br);
            goto done;
        }
        seen[row] = 1;
        if (c && (c->branch.f_bus[row] != f || c->branch.t_bus[row] != t)) {
            st = jr_fail(r, p, "branch %lld runs %lld-%lld, but the case has %d-%d", br, f, t,
                         c->branch.f_bus[row], c->branch.t_bus[row]);
            goto done;
        }
        if (!c && (bus_key_row(keys, ov->nb, (int)f) < 0 || bus_key_row(keys, ov->nb, (int)t) < 0)) {
            st = jr_fail(r, p, "bus %lld is not in $.buses",
                         bus_key_row(keys, ov->nb, (int)f) < 0 ? f : t);
            goto done;
        }
        ov->branch_from[row] = (int)f;
        ov->branch_to[row] = (int)t;
        ov->branch_length_km[row] = len;
    }
    st = GR_OK;
done:
    gr_free(seen);
    return st;
}

static int rd_root(jr *r, const json_t *root, const gr_case *c, gr_overlay **out)
{
    const json_t *buses, *subs, *plants, *gens, *cities, *zones, *crews, *branches = NULL;
    size_t nb = 0, nsub = 0, nplant = 0, ng = 0, ncity = 0, nzone = 0, ncrew = 0, nl = 0;
    gr_overlay_sizes sz;
    gr_overlay *ov = NULL;
    bus_key *keys = NULL;
    int st;

    if ((st = jr_keys(r, root, "$", root_fields)))
        return st;
    if ((st = rd_array(r, root, "$", "buses", &buses, &nb)) ||
        (st = rd_array(r, root, "$", "substations", &subs, &nsub)) ||
        (st = rd_array(r, root, "$", "plants", &plants, &nplant)) ||
        (st = rd_array(r, root, "$", "generators", &gens, &ng)) ||
        (st = rd_array(r, root, "$", "cities", &cities, &ncity)) ||
        (st = rd_array(r, root, "$", "defended_zones", &zones, &nzone)) ||
        (st = rd_array(r, root, "$", "crew_bases", &crews, &ncrew)))
        return st;
    if (json_object_get(root, "branches") &&
        (st = rd_array(r, root, "$", "branches", &branches, &nl)))
        return st;
    if (c && nb != (size_t)c->bus.n)
        return jr_fail(r, "$.buses", "%zu entries, but the case has %d buses", nb, c->bus.n);
    if (c && ng != (size_t)c->gen.n)
        return jr_fail(r, "$.generators", "%zu entries, but the case has %d generators", ng,
                       c->gen.n);
    if (c && branches && nl != (size_t)c->branch.n)
        return jr_fail(r, "$.branches", "%zu entries, but the case has %d branches", nl,
                       c->branch.n);
    /* heat districts are nested in cities: count them first (shapes are
     * checked properly in rd_cities) */
    size_t nheat = 0;
    for (size_t k = 0; k < ncity; k++) {
        const json_t *hd = json_object_get(json_array_get(cities, k), "heat_districts");
        if (json_is_array(hd))
            nheat += json_array_size(hd);
    }
    if (nheat > 100000000u) /* as rd_array's limit on one table (sz.nheat is an int) */
        return jr_fail(r, "$.cities", "too many heat districts (%zu)", nheat);
    sz.nb = (int)nb;
    sz.nsub = (int)nsub;
    sz.nplant = (int)nplant;
    sz.ng = (int)ng;
    sz.ncity = (int)ncity;
    sz.nheat = (int)nheat;
    sz.nzone = (int)nzone;
    sz.ncrew = (int)ncrew;
    sz.nl = (int)nl;
    if ((st = gr_overlay_alloc(&sz, &ov)))
        return gr_error_set(r->err, st, "%s: %s", r->name, gr_strerror(st));
    keys = gr_malloc(((size_t)nb + 1) * sizeof *keys);
    if (!keys) {
        st = jr_oom(r);
        goto fail;
    }
    if (c) {
        for (int k = 0; k < c->bus.n; k++) {
            keys[k].id = c->bus.bus_i[k];
            keys[k].row = k;
        }
        qsort(keys, nb, sizeof *keys, bus_key_cmp);
    }
    if ((st = rd_header(r, root, ov)) ||
        (st = rd_table(r, subs, "substations", ov->nsub, sub_cols, ov)) ||
        (st = rd_unique_sub_names(r, ov)) ||
        (st = rd_cities(r, cities, ov)) ||
        (st = rd_table(r, plants, "plants", ov->nplant, plant_cols, ov)) ||
        (st = rd_buses(r, buses, c, keys, ov)))
        goto fail;
    if (!c) {
        /* without a case the buses keep their JSON order; numbers must be unique */
        for (int k = 0; k < ov->nb; k++) {
            keys[k].id = ov->bus_id[k];
            keys[k].row = k;
        }
        qsort(keys, nb, sizeof *keys, bus_key_cmp);
        for (int k = 1; k < ov->nb; k++)
            if (keys[k].id == keys[k - 1].id) {
                char p[JR_PATHLEN];
                int row = keys[k].row > keys[k - 1].row ? keys[k].row : keys[k - 1].row;
                snprintf(p, sizeof p, "$.buses[%d].bus", row);
                st = jr_fail(r, p, "bus %d appears twice", keys[k].id);
                goto fail;
            }
    }
    if ((st = rd_generators(r, gens, c, keys, ov)) ||
        (st = rd_table(r, zones, "defended_zones", ov->nzone, zone_cols, ov)) ||
        (st = rd_table(r, crews, "crew_bases", ov->ncrew, crew_cols, ov)) ||
        (branches && (st = rd_branches(r, branches, c, keys, ov))))
        goto fail;
    if (c && gr_overlay_note_checks(ov, c, r->name)) {
        st = jr_oom(r);
        goto fail;
    }
    gr_free(keys);
    *out = ov;
    return GR_OK;
fail:
    gr_free(keys);
    gr_overlay_free(ov);
    return st;
}

int gr_overlay_parse(const char *text, size_t len, const char *name, const gr_case *c,
                     gr_overlay **out, gr_error *err)
{
    jr r;
    json_t *root;
    if (!out)
        return gr_error_set(err, GR_EINVAL, "gr_overlay_parse: out is NULL");
    *out = NULL;
    if (!text)
        return gr_error_set(err, GR_EINVAL, "gr_overlay_parse: text is NULL");
    r.name = name ? name : "(overlay)";
    r.err = err;
    int st = jr_load_text(&r, text, len, &root);
    if (st)
        return st;
    st = rd_root(&r, root, c, out);
    json_decref(root);
    return st;
}

int gr_overlay_read(const char *path, const gr_case *c, gr_overlay **out, gr_error *err)
{
    if (!out)
        return gr_error_set(err, GR_EINVAL, "gr_overlay_read: out is NULL");
    *out = NULL;
    if (!path)
        return gr_error_set(err, GR_EINVAL, "gr_overlay_read: path is NULL");
    char *buf;
    size_t len;
    int st = io_read_file(path, &buf, &len, err);
    if (st)
        return st;
    st = gr_overlay_parse(buf, len, path, c, out, err);
    gr_free(buf);
    return st;
}

/* ------------------------------------------------------------------------
 * Writer: a growable text buffer and a few emitters.
 * ------------------------------------------------------------------------ */
typedef struct wbuf {
    char *s;
    size_t n, cap;
    int oom;
} wbuf;

static void w_reserve(wbuf *w, size_t extra)
{
    if (w->oom || w->n + extra + 1 <= w->cap)
        return;
    size_t cap = w->cap ? w->cap : 65536;
    while (cap < w->n + extra + 1)
        cap *= 2;
    char *s = gr_realloc(w->s, cap);
    if (!s) {
        w->oom = 1;
        return;
    }
    w->s = s;
    w->cap = cap;
}

static void w_put(wbuf *w, const char *s)
{
    size_t len = strlen(s);
    w_reserve(w, len);
    if (w->oom)
        return;
    memcpy(w->s + w->n, s, len + 1);
    w->n += len;
}

/* Shortest decimal that reads back as the same double; integers without a
 * fraction; NaN and infinities as null (the reader then rejects them). */
static void w_num(wbuf *w, double x)
{
    char b[40];
    if (!isfinite(x)) {
        w_put(w, "null");
        return;
    }
    if (x == 0.0) {
        w_put(w, "0");
        return;
    }
    if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(b, sizeof b, "%.0f", x);
    } else {
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(b, sizeof b, "%.*g", prec, x);
            if (strtod(b, NULL) == x)
                break;
        }
    }
    w_put(w, b);
}

static void w_int(wbuf *w, long long x)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", x);
    w_put(w, b);
}

static void w_ref(wbuf *w, int x)
{
    if (x < 0)
        w_put(w, "null");
    else
        w_int(w, x);
}

/* A JSON string with the escapes JSON requires; bytes >= 0x80 pass through. */
static void w_str(wbuf *w, const char *s)
{
    char b[8];
    if (!s) {
        w_put(w, "null");
        return;
    }
    w_put(w, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"')
            w_put(w, "\\\"");
        else if (*p == '\\')
            w_put(w, "\\\\");
        else if (*p < 0x20) {
            snprintf(b, sizeof b, "\\u%04x", *p);
            w_put(w, b);
        } else {
            b[0] = (char)*p;
            b[1] = 0;
            w_put(w, b);
        }
    }
    w_put(w, "\"");
}

/* "key": with a leading ", " unless first. */
static void w_key(wbuf *w, const char *key, int first)
{
    if (!first)
        w_put(w, ", ");
    w_str(w, key);
    w_put(w, ": ");
}

static void w_numf(wbuf *w, const char *key, double x, int first)
{
    w_key(w, key, first);
    w_num(w, x);
}

static void w_intf(wbuf *w, const char *key, long long x, int first)
{
    w_key(w, key, first);
    w_int(w, x);
}

static void w_strf(wbuf *w, const char *key, const char *s, int first)
{
    w_key(w, key, first);
    w_str(w, s);
}

static void w_row(wbuf *w, const gr_overlay *ov, const ov_col *cols, int k);

/* The heat districts of city k: a list of rows of heat_cols. */
static void w_heat(wbuf *w, const gr_overlay *ov, int k)
{
    w_put(w, "[");
    int first = 1;
    for (int h = 0; h < ov->nheat; h++) {
        if (ov->heat_city[h] != k)
            continue;
        if (!first)
            w_put(w, ", ");
        first = 0;
        w_row(w, ov, heat_cols, h);
    }
    w_put(w, "]");
}

/* The critical facilities of bus k: {"hospital": n, ...}. */
static void w_critical(wbuf *w, const gr_overlay *ov, int k)
{
    w_put(w, "{");
    for (int f = 0; f < GR_FAC_N; f++)
        w_intf(w, fac_names[f], ov->bus_fac[(size_t)k * GR_FAC_N + (size_t)f], f == 0);
    w_put(w, "}");
}

/* Row k of a table as one JSON object, a member per column. */
static void w_row(wbuf *w, const gr_overlay *ov, const ov_col *cols, int k)
{
    w_put(w, "{");
    for (const ov_col *c = cols; c->key; c++) {
        const char *base = (const char *)ov + c->member;
        w_key(w, c->key, c == cols);
        switch (c->kind) {
        case COL_ROW: w_int(w, k); break;
        case COL_ROW1: w_int(w, k + 1); break;
        case COL_INT: w_int(w, (*(int *const *)base)[k]); break;
        case COL_NUM:
        case COL_X:
        case COL_Y: w_num(w, (*(double *const *)base)[k]); break;
        case COL_REF: w_ref(w, (*(int *const *)base)[k]); break;
        case COL_NAME: w_str(w, (*(char *const *const *)base)[k]); break;
        case COL_ENUM: w_str(w, c->name_of((*(int *const *)base)[k])); break;
        case COL_HEAT: w_heat(w, ov, k); break;
        case COL_CRITICAL: w_critical(w, ov, k); break;
        }
    }
    w_put(w, "}");
}

/* A table of n rows, one element per line. */
static void w_table(wbuf *w, const gr_overlay *ov, const char *key, int n, const ov_col *cols)
{
    w_put(w, ",\n  ");
    w_str(w, key);
    w_put(w, n ? ": [\n    " : ": [");
    for (int k = 0; k < n; k++) {
        if (k > 0)
            w_put(w, ",\n    ");
        w_row(w, ov, cols, k);
    }
    w_put(w, n ? "\n  ]" : "]");
}

static void emit(wbuf *w, const gr_overlay *ov)
{
    w_put(w, "{\n  ");
    w_strf(w, "format", OV_FORMAT, 1);
    w_put(w, ",\n  ");
    w_intf(w, "version", ov->version, 1);
    w_put(w, ",\n  ");
    w_strf(w, "case", ov->case_file, 1);
    w_put(w, ",\n  ");
    w_key(w, "seed", 1);
    if (ov->seed < 0)
        w_put(w, "null");
    else
        w_int(w, (long long)ov->seed);
    w_put(w, ",\n  ");
    w_key(w, "region", 1);
    w_put(w, "{");
    w_numf(w, "width_km", ov->width_km, 1);
    w_numf(w, "height_km", ov->height_km, 0);
    w_numf(w, "population", ov->population, 0);
    w_numf(w, "kw_per_person", ov->kw_per_person, 0);
    w_numf(w, "load_pf", ov->load_pf, 0);
    w_put(w, "},\n  ");
    w_key(w, "facility_mw", 1);
    w_put(w, "{");
    for (int f = 0; f < GR_FAC_N; f++)
        w_numf(w, fac_names[f], ov->fac_mw[f], f == 0);
    w_put(w, "}");

    w_table(w, ov, "cities", ov->ncity, city_cols);
    w_table(w, ov, "substations", ov->nsub, sub_cols);
    w_table(w, ov, "plants", ov->nplant, plant_cols);
    w_table(w, ov, "buses", ov->nb, bus_cols);
    w_table(w, ov, "generators", ov->ng, gen_cols);
    w_table(w, ov, "defended_zones", ov->nzone, zone_cols);
    w_table(w, ov, "crew_bases", ov->ncrew, crew_cols);
    if (ov->nl > 0 && ov->branch_length_km)
        w_table(w, ov, "branches", ov->nl, branch_cols);
    w_put(w, "\n}\n");
}

/* Render the overlay and check it with the reader (and against `c`). On
 * success *text (gr_malloc'd, NUL-terminated) and *len hold the document. */
static int render(const gr_overlay *ov, const gr_case *c, char **text, size_t *len,
                  gr_error *err)
{
    wbuf w = {0};
    gr_overlay *back = NULL;
    *text = NULL;
    *len = 0;
    if (!ov)
        return gr_error_set(err, GR_EINVAL, "overlay is NULL");
    emit(&w, ov);
    if (w.oom) {
        gr_free(w.s);
        return gr_error_set(err, GR_ENOMEM, "overlay: out of memory");
    }
    int st = gr_overlay_parse(w.s, w.n, "(overlay)", c, &back, err);
    gr_overlay_free(back);
    if (st) {
        gr_free(w.s);
        if (err)
            err->status = st == GR_EPARSE ? GR_EINVAL : st;
        return st == GR_EPARSE ? GR_EINVAL : st;
    }
    *text = w.s;
    *len = w.n;
    return GR_OK;
}

int gr_overlay_check(const gr_overlay *ov, const gr_case *c, gr_error *err)
{
    char *text;
    size_t len;
    int st = render(ov, c, &text, &len, err);
    gr_free(text);
    return st;
}

int gr_overlay_write(const gr_overlay *ov, const char *path, gr_error *err)
{
    char *text;
    size_t len;
    if (!path)
        return gr_error_set(err, GR_EINVAL, "gr_overlay_write: path is NULL");
    int st = render(ov, NULL, &text, &len, err);
    if (st)
        return st;
    /* PATH.tmp.PID.SEQ, fsync'ed and renamed onto PATH: never a truncated file */
    st = gr_out_write_buf(path, 1, text, len, err);
    gr_free(text);
    return st;
}
