/* scenario_fields.c — field helpers of the campaign scenario reader: booleans, strings, keyed maps and arrays, each failure naming the file and the JSON path. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gridres.h"
#include "io/class_key.h"
#include "io/json_read.h"
#include "io/scenario_internal.h"
#include "model/overlay.h"

#define PATHLEN JR_PATHLEN


int sc_boolean(jr *r, const json_t *obj, const char *path, const char *key, int *out)
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
int sc_string(jr *r, const json_t *obj, const char *path, const char *key, int required,
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

int sc_dup(jr *r, const char *src, char **dst)
{
    gr_free(*dst);
    *dst = gr_overlay_strdup(src);
    return *dst ? GR_OK : jr_oom(r);
}

const char *sc_threat_name(int t)
{
    static const char *const names[GR_THREAT_NTYPES] = {"drone", "cruise", "ballistic",
                                                         "decoy"};
    return t >= 0 && t < GR_THREAT_NTYPES ? names[t] : "?";
}

/* An object keyed by names (threat types, asset classes, repair kinds):
 * number values in [min, max] into dout[index], or, with dout NULL, integer
 * values into iout[index]. */
int sc_keyed_map(jr *r, const json_t *obj, const char *path, const char *key, int n,
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
int sc_name_map(jr *r, const json_t *obj, const char *path, const char *key, int n,
                const char *(*name_of)(int), const char *what, double min, double max,
                double *out)
{
    return sc_keyed_map(r, obj, path, key, n, name_of, what, min, max, out, NULL);
}

/* Asset-class keys resolve by io_class_key (class_key.c), shared with costs.json. */
int sc_class_map(jr *r, const json_t *obj, const char *path, const char *key,
                 const gr_campaign_scenario *s, double min, double max, double *out)
{
    const json_t *v;
    char p[PATHLEN], q[PATHLEN];
    unsigned char set[GR_ASSET_NCLASS];
    const gr_campaign_assets *a = &s->assets;
    int st = jr_member(r, obj, path, key, 0, &v, p);
    if (st || !v)
        return st;
    if (!json_is_object(v))
        return jr_fail(r, p, "expected an object, found %s", jr_type(v));
    const char *k;
    json_t *val;
    /* check every key first, then apply the generic ones before the specific */
    json_object_foreach((json_t *)v, k, val) {
        if (io_class_key(a, k, set) < 0)
            return io_class_key_fail(r, p, k, a);
    }
    for (int spec = 0; spec <= 3; spec++)
        json_object_foreach((json_t *)v, k, val) {
            if (io_class_key(a, k, set) != spec)
                continue;
            double x;
            jr_key_path(q, p, k);
            if ((st = jr_num_value(r, val, q, min, max, &x)))
                return st;
            for (int c = 0; c < GR_ASSET_NCLASS; c++)
                if (set[c])
                    out[c] = x;
        }
    return GR_OK;
}

/* Integers in [min, max] keyed by threat type, into out[type]. */
int sc_int_map(jr *r, const json_t *obj, const char *path, const char *key, long long min,
               long long max, int *out)
{
    return sc_keyed_map(r, obj, path, key, GR_THREAT_NTYPES, sc_threat_name, "threat type",
                     (double)min, (double)max, NULL, out);
}

/* An array field (optional when !required: *arr NULL, *n 0). */
int sc_array(jr *r, const json_t *obj, const char *path, const char *key, int required,
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

/* The layered model's threat-type fields (altitude_m, decoy) of entry o at p
 * into ty (docs/scenario.md). */
int sc_read_type_route(jr *r, const json_t *o, const char *p, gr_threat_type *ty)
{
    int st = jr_num(r, o, p, "altitude_m", 0, 0.0, 1e6, &ty->altitude_m);
    if (!st)
        st = sc_boolean(r, o, p, "decoy", &ty->decoy);
    return st;
}

/* The waypoints ("via": [{"x_km", "y_km"}, ...], at most GR_VIA_MAX) of
 * launch area o at p into la. */
int sc_read_via(jr *r, const json_t *o, const char *p, gr_launch_area *la)
{
    static const char *const via_fields[] = {"x_km", "y_km", NULL};
    const json_t *arr;
    size_t n;
    char q[PATHLEN], e[PATHLEN];
    int st = sc_array(r, o, p, "via", 0, &arr, &n);
    if (st || !arr)
        return st;
    jr_key_path(q, p, "via");
    if (n > GR_VIA_MAX)
        return jr_fail(r, q, "at most %d waypoints, found %zu", GR_VIA_MAX, n);
    for (size_t j = 0; j < n; j++) {
        const json_t *a = json_array_get(arr, j);
        jr_index_path(e, q, j);
        if ((st = jr_keys(r, a, e, via_fields)) ||
            (st = jr_num(r, a, e, "x_km", 1, -1e5, 1e5, &la->via_km[j][0])) ||
            (st = jr_num(r, a, e, "y_km", 1, -1e5, 1e5, &la->via_km[j][1])))
            return st;
    }
    la->nvia = (int)n;
    return GR_OK;
}
