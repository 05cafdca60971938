/* threats_layered.c — layered air defence along the routes: radar horizon, engagement windows of every zone a route crosses, channels, reload, shoot-look-shoot and magazines shared by the wave (docs/threats.md).
 *
 * DESIGN. Each threat flies a polyline (launch point, waypoints, target) at
 * constant speed. A zone is a circle (weapon range) around a radar at its
 * centre; the radar sees a threat within the 4/3-earth radar horizon of the
 * threat's altitude (Skolnik 2001, §8.2), so the zone can fire while the
 * threat is inside the smaller of the two concentric circles: each crossing
 * of that disc, shortened by the zone's reaction time, is an engagement
 * window, which opens at entry or reaction_min after the radar first saw
 * that stretch, whichever is later. Low-flying cruise missiles are seen late (42 km for 50 m against a
 * 10 m mast) and get short windows; high ballistic missiles are seen at once
 * but fly through in a minute. All windows of the wave are processed in time
 * order, so channels (busy engage + reload) and magazines are shared by
 * every threat in a zone's sky at once — the saturation the literature on
 * layered defence describes (Washburn, "Notes on Firing Theory", NPS; the
 * shoot-look-shoot doctrine) — and a threat is handed from layer to layer in
 * route order. Nothing depends on the wave's size. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"

typedef struct window {
    double t0, t1;  /* can fire from t0; must be done by t1 */
    int threat, zone;
} window;

static int cmp_window(const void *a, const void *b)
{
    const window *x = a, *y = b;
    if (x->t0 != y->t0)
        return x->t0 < y->t0 ? -1 : 1;
    if (x->threat != y->threat)
        return x->threat < y->threat ? -1 : 1;
    return (x->zone > y->zone) - (x->zone < y->zone);
}

/* Route vertex k (0: launch, 1..nwp: waypoints, nwp + 1: target). */
static void vertex(const gr_threat *t, int k, double *x, double *y)
{
    if (k == 0) {
        *x = t->lx_km;
        *y = t->ly_km;
    } else if (k <= t->nwp) {
        *x = t->wp_km[2 * (k - 1)];
        *y = t->wp_km[2 * (k - 1) + 1];
    } else {
        *x = t->x_km;
        *y = t->y_km;
    }
}

/* Path length of the route, km. */
static double route_km(const gr_threat *t)
{
    double L = 0.0, px, py, qx, qy;
    vertex(t, 0, &px, &py);
    for (int k = 1; k <= t->nwp + 1; k++) {
        vertex(t, k, &qx, &qy);
        L += hypot(qx - px, qy - py);
        px = qx;
        py = qy;
    }
    return L;
}

/* The route's stretches inside the disc (cx, cy, r), as arc-length
 * intervals [s0, s1] merged across vertices; calls add(s0, s1) for each.
 * Returns the number found, or -1 when add fails. */
typedef int (*add_fn)(void *ctx, double s0, double s1);
static int disc_stretches(const gr_threat *t, double cx, double cy, double r, add_fn add,
                          void *ctx)
{
    double base = 0.0, px, py, qx, qy, c0 = 0.0, c1 = -1.0; /* pending stretch [c0, c1] */
    int found = 0;
    vertex(t, 0, &px, &py);
    for (int k = 1; k <= t->nwp + 1; k++) {
        vertex(t, k, &qx, &qy);
        double dx = qx - px, dy = qy - py, len = hypot(dx, dy);
        double a0 = 1.0, a1 = 0.0; /* inside for u in [a0, a1] of the segment */
        double fx = px - cx, fy = py - cy;
        if (len > 0.0) {
            /* |P + u D - C|^2 = r^2 */
            double A = len * len, B = 2.0 * (fx * dx + fy * dy);
            double C = fx * fx + fy * fy - r * r, disc = B * B - 4.0 * A * C;
            if (disc >= 0.0) {
                double sq = sqrt(disc);
                a0 = fmax(0.0, (-B - sq) / (2.0 * A));
                a1 = fmin(1.0, (-B + sq) / (2.0 * A));
            }
        } else if (fx * fx + fy * fy <= r * r) {
            a0 = 0.0;
            a1 = 1.0;
        }
        if (a0 <= a1) {
            double s0 = base + a0 * len, s1 = base + a1 * len;
            if (c1 >= c0 && s0 <= c1 + 1e-9) {
                c1 = s1; /* continues the pending stretch across a vertex */
            } else {
                if (c1 >= c0 && add(ctx, c0, c1) != 0)
                    return -1;
                found += c1 >= c0;
                c0 = s0;
                c1 = s1;
            }
        }
        base += len;
        px = qx;
        py = qy;
    }
    if (c1 >= c0) {
        if (add(ctx, c0, c1) != 0)
            return -1;
        found++;
    }
    return found;
}

typedef struct win_list {
    window *w;
    int n, cap;
    const gr_threat *t;
    double v_kmh, react_h;
    int threat, zone;
    double det[2 * 16];  /* the radar circle's stretches (at most 16 kept) */
    int ndet;
} win_list;

/* A stretch inside the weapon's circle (and seen): an engagement window from
 * max(entry, detection of that stretch + reaction) to the exit. */
static int add_window(void *ctx, double s0, double s1)
{
    win_list *L = ctx;
    double sdet = s0;
    for (int k = 0; k < L->ndet; k++)
        if (L->det[2 * k] <= s0 + 1e-9 && s0 <= L->det[2 * k + 1] + 1e-9) {
            sdet = L->det[2 * k];
            break;
        }
    double t0 = L->t->launch_h + fmax(s0 / L->v_kmh, sdet / L->v_kmh + L->react_h);
    double t1 = L->t->launch_h + s1 / L->v_kmh;
    if (t0 >= t1)
        return 0;
    if (L->n == L->cap) {
        int cap = L->cap ? 2 * L->cap : 256;
        window *a = gr_realloc(L->w, (size_t)cap * sizeof *a);
        if (!a)
            return -1;
        L->w = a;
        L->cap = cap;
    }
    L->w[L->n++] = (window){t0, t1, L->threat, L->zone};
    return 0;
}

/* A stretch inside the radar's circle: kept for the windows' reaction. */
static int add_detect(void *ctx, double s0, double s1)
{
    win_list *L = ctx;
    if (L->ndet < 16) {
        L->det[2 * L->ndet] = s0;
        L->det[2 * L->ndet + 1] = s1;
        L->ndet++;
    }
    return 0;
}

static int first_free_channel(const double *busy_until, int channels)
{
    int best = 0;
    for (int c = 1; c < channels; c++)
        if (busy_until[c] < busy_until[best])
            best = c;
    return best;
}

int gr_ad_engage_layered(gr_ad_zone *zones, int nzones, const gr_threat_type *types,
                         gr_threat *threats, int n, gr_rng *rng, gr_error *err)
{
    int max_channels = 1;
    for (int z = 0; z < nzones; z++) {
        const gr_ad_zone *zz = &zones[z];
        if (zz->channels < 0 || zz->stock < 0 || zz->radius_km < 0 || zz->radar_h_m < 0 ||
            zz->reaction_min < 0 || zz->reload_min < 0 || zz->kind < GR_AD_AREA ||
            zz->kind > GR_AD_MOBILE)
            return gr_error_set(err, GR_EINVAL,
                                "air defence zone %d: negative channels, stock, radius, radar "
                                "height, reaction or reload, or an unknown kind", z);
        if (zz->channels > max_channels)
            max_channels = zz->channels;
    }
    for (int i = 0; i < n; i++) {
        const gr_threat *t = &threats[i];
        if (t->type < 0 || t->type >= GR_THREAT_NTYPES || !(types[t->type].speed_kmh > 0.0))
            return gr_error_set(err, GR_EINVAL, "threat %d: unknown type %d or no speed", i,
                                t->type);
        if (t->nwp < 0 || (t->nwp > 0 && !t->wp_km))
            return gr_error_set(err, GR_EINVAL, "threat %d: bad waypoints", i);
    }
    win_list L;
    memset(&L, 0, sizeof L);
    double *busy = gr_malloc((size_t)(nzones > 0 ? nzones : 1) * (size_t)max_channels * sizeof *busy);
    double *look = gr_malloc((size_t)(n > 0 ? n : 1) * sizeof *look);
    if (!busy || !look)
        goto oom;
    for (int j = 0; j < nzones * max_channels; j++)
        busy[j] = -HUGE_VAL;
    /* routes, detection and windows */
    for (int i = 0; i < n; i++) {
        gr_threat *t = &threats[i];
        const gr_threat_type *ty = &types[t->type];
        double v = ty->speed_kmh;
        t->arrival_h = t->launch_h + route_km(t) / v;
        t->detect_h = INFINITY;
        t->outcome = GR_OUT_LEAKED;
        t->zone = t->first_zone = -1;
        t->interceptors = t->engagements = t->layers = 0;
        look[i] = -HUGE_VAL;
        for (int z = 0; z < nzones; z++) {
            const gr_ad_zone *zz = &zones[z];
            double horizon = zz->radar_h_m > 0.0 ? gr_radar_horizon_km(zz->radar_h_m, ty->altitude_m)
                                                 : HUGE_VAL;
            L.t = t;
            L.v_kmh = v;
            L.threat = i;
            L.zone = z;
            /* detection (warning, reaction): the radar circle; without a
             * horizon limit, the zone's own circle */
            L.ndet = 0;
            if (disc_stretches(t, zz->x_km, zz->y_km, zz->radar_h_m > 0.0 ? horizon : zz->radius_km,
                               add_detect, &L) < 0)
                goto oom;
            if (zz->radar_h_m > 0.0 && L.ndet > 0 && t->launch_h + L.det[0] / v < t->detect_h)
                t->detect_h = t->launch_h + L.det[0] / v;
            if (zz->kind == GR_AD_POINT &&
                hypot(t->x_km - zz->x_km, t->y_km - zz->y_km) > zz->radius_km)
                continue; /* point defence guards its own sites only */
            L.react_h = zz->reaction_min / 60.0;
            if (disc_stretches(t, zz->x_km, zz->y_km, fmin(zz->radius_km, horizon), add_window,
                               &L) < 0)
                goto oom;
        }
    }
    /* EW: one draw per threat, in index order */
    for (int i = 0; i < n; i++)
        if (gr_rng_uniform(rng) < types[threats[i].type].p_ew)
            threats[i].outcome = GR_OUT_EW;
    if (L.n > 1)
        qsort(L.w, (size_t)L.n, sizeof *L.w, cmp_window);
    for (int q = 0; q < L.n; q++) {
        const window *wd = &L.w[q];
        gr_threat *t = &threats[wd->threat];
        if (t->outcome != GR_OUT_LEAKED)
            continue; /* killed or lost to EW already */
        gr_ad_zone *z = &zones[wd->zone];
        const gr_threat_type *ty = &types[t->type];
        double *chan = busy + (size_t)wd->zone * (size_t)max_channels;
        double now = fmax(wd->t0, look[wd->threat]);
        double engage_h = ty->engage_min / 60.0, turn_h = engage_h + z->reload_min / 60.0;
        int shots = z->shots[t->type] > 0 ? z->shots[t->type] : 1, engaged = 0;
        while (z->channels > 0 && z->stock > 0) {
            int c = first_free_channel(chan, z->channels);
            double start = fmax(now, chan[c]);
            if (start + engage_h > wd->t1)
                break; /* no channel frees in time: it flies on */
            int fired = shots < z->stock ? shots : z->stock;
            z->stock -= fired;
            chan[c] = start + turn_h;
            t->interceptors += fired;
            t->engagements++;
            engaged = 1;
            now = start + engage_h;
            double p_kill = 1.0 - pow(1.0 - z->pk[t->type], fired);
            if (gr_rng_uniform(rng) < p_kill) {
                t->outcome = GR_OUT_INTERCEPTED;
                break;
            }
            if (!z->shoot_look_shoot)
                break;
        }
        if (engaged) {
            if (t->first_zone < 0)
                t->first_zone = wd->zone;
            t->zone = wd->zone;
            t->layers++;
            look[wd->threat] = now;
        }
    }
    gr_free(L.w);
    gr_free(busy);
    gr_free(look);
    return GR_OK;
oom:
    gr_free(L.w);
    gr_free(busy);
    gr_free(look);
    return gr_error_set(err, GR_ENOMEM, "out of memory in the air-defence engagement");
}
