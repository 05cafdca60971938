/* scenario_sections.c — the air defence, targets, protection and repair sections of the campaign scenario reader (names resolved against the asset table). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gridres.h"
#include "io/json_read.h"
#include "io/scenario_internal.h"


#define PATHLEN JR_PATHLEN

static const char *const ad_fields[] = {"model", "detect_km", "default", "zones", NULL};
static const char *const sys_fields[] = {"zone", "name", "x_km", "y_km", "radius_km",
                                         "channels", "stock", "stock_max", "resupply", "pk",
                                         "shots", "shoot_look_shoot", "kind", "radar_h_m",
                                         "reaction_min", "reload_min", "resupply_days", NULL};

static const char *ad_model_name(int k) { return k == 0 ? "target" : k == 1 ? "layered" : "?"; }
static const char *ad_kind_name(int k)
{
    return k == GR_AD_AREA ? "area" : k == GR_AD_POINT ? "point" : k == GR_AD_MOBILE ? "mobile" : "?";
}

static int read_kind(jr *r, const char *p, const char *kind, gr_ad_zone *z)
{
    char q[PATHLEN];
    jr_key_path(q, p, "kind");
    return jr_name_in(r, q, kind, 3, ad_kind_name, "air-defence kind", &z->kind);
}

/* The system fields of a zone entry (or of "default") into z. */
static int read_system(jr *r, const json_t *o, const char *p, gr_ad_zone *z)
{
    int st, stock_max_seen, inherited_max = z->stock_max;
    double pk[GR_THREAT_NTYPES];
    for (int t = 0; t < GR_THREAT_NTYPES; t++)
        pk[t] = z->pk[t];
    /* decoys look like drones: without their own pk and shots, the drone's */
    pk[GR_THREAT_DECOY] = -1.0;
    int shots_decoy = z->shots[GR_THREAT_DECOY];
    z->shots[GR_THREAT_DECOY] = -1;
    const char *kind = NULL;
    z->stock_max = -1;
    if ((st = jr_integer(r, o, p, "channels", 0, 0, 100000, &z->channels)) ||
        (st = jr_integer(r, o, p, "stock", 0, 0, 100000000, &z->stock)) ||
        (st = jr_integer(r, o, p, "stock_max", 0, 0, 100000000, &z->stock_max)) ||
        (st = jr_integer(r, o, p, "resupply", 0, 0, 100000000, &z->resupply)) ||
        (st = sc_name_map(r, o, p, "pk", GR_THREAT_NTYPES, sc_threat_name, "threat type", 0.0, 1.0,
                       pk)) ||
        (st = sc_int_map(r, o, p, "shots", 1, 100, z->shots)) ||
        (st = sc_boolean(r, o, p, "shoot_look_shoot", &z->shoot_look_shoot)) ||
        (st = sc_string(r, o, p, "kind", 0, &kind)) ||
        (kind && (st = read_kind(r, p, kind, z))) ||
        (st = jr_num(r, o, p, "radar_h_m", 0, 0.0, 1e5, &z->radar_h_m)) ||
        (st = jr_num(r, o, p, "reaction_min", 0, 0.0, 1440.0, &z->reaction_min)) ||
        (st = jr_num(r, o, p, "reload_min", 0, 0.0, 1440.0, &z->reload_min)) ||
        (st = jr_integer(r, o, p, "resupply_days", 0, 0, 1000, &z->resupply_days)))
        return st;
    if (pk[GR_THREAT_DECOY] < 0.0)
        pk[GR_THREAT_DECOY] = json_object_get(o, "pk") ? pk[GR_THREAT_DRONE] : z->pk[GR_THREAT_DECOY];
    if (z->shots[GR_THREAT_DECOY] < 0)
        z->shots[GR_THREAT_DECOY] = json_object_get(o, "shots") ? z->shots[GR_THREAT_DRONE] : shots_decoy;
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
    z->radar_h_m = 10.0;     /* a mast-mounted search radar (docs/threats.md) */
    z->reaction_min = 1.0;
    z->reload_min = 0.0;
    z->resupply_days = 1;
}

static int read_model(jr *r, const json_t *v, gr_campaign_scenario *s)
{
    const char *m = NULL;
    int st = sc_string(r, v, "$.air_defence", "model", 0, &m);
    if (!st && m)
        st = jr_name_in(r, "$.air_defence.model", m, 2, ad_model_name, "air-defence model",
                        &s->ad_model);
    return st;
}

int sc_read_air_defence(jr *r, const json_t *root, gr_campaign_scenario *s)
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
            (st = read_model(r, v, s)) ||
            (st = jr_field(r, v, "$.air_defence", "default", 0, &dv)) ||
            (st = sc_array(r, v, "$.air_defence", "zones", 0, &arr, &n)))
            return st;
        if (dv) {
            static const char *const def_fields[] = {"channels", "stock", "stock_max",
                                                     "resupply", "pk", "shots",
                                                     "shoot_look_shoot", "kind", "radar_h_m",
                                                     "reaction_min", "reload_min",
                                                     "resupply_days", NULL};
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
        if ((st = sc_dup(r, ov->zone_name[z], &s->zone_name[z])))
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
        if ((st = sc_string(r, o, p, "name", 1, &nm)) ||
            (st = jr_num(r, o, p, "x_km", 1, -1e5, 1e5, &zz->x_km)) ||
            (st = jr_num(r, o, p, "y_km", 1, -1e5, 1e5, &zz->y_km)) ||
            (st = jr_num(r, o, p, "radius_km", 1, 0.0, 1e5, &zz->radius_km)) ||
            (st = read_system(r, o, p, zz)) || (st = sc_dup(r, nm, &s->zone_name[zi])))
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
    static const char *const names[] = {"capacity", "worst", "list", "adaptive"};
    return k >= 0 && k < 4 ? names[k] : "?";
}


static const char *const target_fields[] = {"policy", "salvo", "class_weight", "assets",
                                            "adaptive_evaluations", NULL};
static const char *const tlist_fields[] = {"asset", "weight", NULL};

/* An asset name into its index. */
static int asset_ref(jr *r, const json_t *o, const char *p, const gr_campaign_scenario *s,
                     int *out)
{
    const char *nm;
    char q[PATHLEN];
    int st = sc_string(r, o, p, "asset", 1, &nm);
    if (st)
        return st;
    *out = gr_campaign_asset_find(&s->assets, nm);
    if (*out < 0 && s->grid) {
        /* any element name (docs/cli.md): branch:N / line:N is the asset line:N, bus:N its
           substation, gen:N its plant */
        gr_element_name e;
        gr_error e2 = {0};
        char buf[32];
        const char *alias = NULL;
        if (gr_element_parse(nm, strlen(nm), s->grid, s->overlay, &e, NULL, &e2) == GR_OK) {
            if (e.kind == GR_ELEM_BRANCH && gr_grid_branch_is_transformer(s->grid, e.index)) {
                e.kind = GR_ELEM_BUS; /* a transformer: its substation */
                e.index = s->grid->br_f[e.index];
            }
            if (e.kind == GR_ELEM_BRANCH) {
                snprintf(buf, sizeof buf, "line:%d", e.index + 1);
                alias = buf;
            }
            if (e.kind == GR_ELEM_BUS && s->overlay && e.index < s->overlay->nb) {
                int sub = s->overlay->bus_substation[e.index];
                alias = sub >= 0 && sub < s->overlay->nsub ? s->overlay->sub_name[sub] : NULL;
            } else if (e.kind == GR_ELEM_GEN && s->overlay && e.index < s->overlay->ng) {
                int pl = s->overlay->gen_plant[e.index];
                alias = pl >= 0 && pl < s->overlay->nplant ? s->overlay->plant_name[pl] : NULL;
            }
        }
        if (alias)
            *out = gr_campaign_asset_find(&s->assets, alias);
    }
    if (*out < 0) {
        jr_key_path(q, p, "asset");
        return jr_fail(r, q, "no asset named \"%s\" (a substation or plant name of the overlay, "
                          "or an element name: line:N, trafo:N, branch:N, bus:N, gen:N; docs/cli.md)", nm);
    }
    return GR_OK;
}

int sc_read_targets(jr *r, const json_t *root, gr_campaign_scenario *s)
{
    const json_t *v, *arr;
    size_t n;
    char p[PATHLEN];
    const char *pol = NULL;
    int st = jr_field(r, root, "$", "targets", 0, &v);
    if (st || !v)
        return st;
    if ((st = jr_keys(r, v, "$.targets", target_fields)) ||
        (st = sc_string(r, v, "$.targets", "policy", 0, &pol)) ||
        (pol && (st = jr_name_in(r, "$.targets.policy", pol, 4, policy_name, "policy",
                              &s->target_policy))) ||
        (st = jr_integer(r, v, "$.targets", "adaptive_evaluations", 0, 1, 100000,
                         &s->adaptive_evals)) ||
        (st = sc_int_map(r, v, "$.targets", "salvo", 1, 1000, s->salvo)) ||
        (st = sc_class_map(r, v, "$.targets", "class_weight", s, 0.0, 1e6,
                           s->class_weight)) ||
        (st = sc_array(r, v, "$.targets", "assets", 0, &arr, &n)))
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

int sc_read_protection(jr *r, const json_t *root, gr_campaign_scenario *s)
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
            (st = sc_class_map(r, v, "$.protection", "class", s, 0.0, 1.0, lvl)))
            return st;
    }
    for (int a = 0; a < s->assets.n; a++)
        s->assets.protection[a] = lvl[s->assets.cls[a]];
    if (!v)
        return GR_OK;
    if ((st = sc_array(r, v, "$.protection", "assets", 0, &arr, &n)))
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
    int st = sc_string(r, o, p, "dist", 1, &kind), k;
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

int sc_read_repair(jr *r, const json_t *root, gr_campaign_scenario *s)
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
            (st = sc_string(r, v, "$.repair", "method", 0, &meth)) ||
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
            (st = jr_integer(r, v, "$.repair", "crews", 1, 0, GR_SC_MAX_CREWS, &crews)))
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
    long long sum = 0;
    for (int b = 0; b < nbase; b++)
        sum += ov->crew_count[b];
    if (sum > GR_SC_MAX_CREWS)
        return jr_fail(r, "$.overlay", "the crew bases hold %lld crews in all, more than %d "
                       "(the most $.repair.crews takes)", sum, GR_SC_MAX_CREWS);
    total = (int)sum;
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
    if ((st = sc_array(r, v, "$.repair", "spares", 0, &arr, &n)))
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
        if ((st = jr_keys(r, o, p, spare_fields)) || (st = sc_string(r, o, p, "name", 1, &nm)) ||
            (st = sc_dup(r, nm, &sp->name)) || (st = sc_array(r, o, p, "for", 1, &fa, &nf)) ||
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

/* "fleet": {"enabled", "start_h": {type: hours}, "pmin": {type: fraction},
 * "hydro_budget_h", "chp_must_run", "nuclear_band_hz": [low, high]}
 * (docs/scenario.md "fleet"); the defaults are gr_fleet_params_default's. */
static const char *const fleet_fields[] = {"enabled", "start_h", "pmin", "hydro_budget_h",
                                           "chp_must_run", "nuclear_band_hz", NULL};
int sc_read_fleet(jr *r, const json_t *root, gr_campaign_scenario *s)
{
    const json_t *v, *band;
    gr_fleet_params *f = &s->fleet;
    char q[PATHLEN];
    int st;
    if ((st = jr_field(r, root, "$", "fleet", 0, &v)) || !v)
        return st;
    if (!json_is_object(v))
        return jr_fail(r, "$.fleet", "expected an object, found %s", jr_type(v));
    if ((st = jr_keys(r, v, "$.fleet", fleet_fields)) ||
        (st = sc_boolean(r, v, "$.fleet", "enabled", &f->enabled)) ||
        (st = sc_name_map(r, v, "$.fleet", "start_h", GR_PLANT_N, gr_plant_type_name,
                          "plant type", 0.0, 8760.0, f->start_h)) ||
        (st = sc_name_map(r, v, "$.fleet", "pmin", GR_PLANT_N, gr_plant_type_name, "plant type",
                          0.0, 1.0, f->pmin)) ||
        (st = jr_num(r, v, "$.fleet", "hydro_budget_h", 0, 0.0, 24.0, &f->hydro_budget_h)) ||
        (st = sc_boolean(r, v, "$.fleet", "chp_must_run", &f->chp_must_run)) ||
        (st = jr_member(r, v, "$.fleet", "nuclear_band_hz", 0, &band, q)))
        return st;
    if (!band)
        return GR_OK;
    if (!json_is_array(band) || json_array_size(band) != 2)
        return jr_fail(r, q, "expected [low, high] in Hz, found %s", jr_type(band));
    double lo, hi;
    char p0[PATHLEN], p1[PATHLEN];
    jr_index_path(p0, q, 0);
    jr_index_path(p1, q, 1);
    if ((st = jr_num_value(r, json_array_get(band, 0), p0, 40.0, 50.0, &lo)) ||
        (st = jr_num_value(r, json_array_get(band, 1), p1, 50.0, 60.0, &hi)))
        return st;
    f->nuclear_f_low_hz = lo;
    f->nuclear_f_high_hz = hi;
    return GR_OK;
}
