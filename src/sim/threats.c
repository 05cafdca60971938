/* threats.c — threat types and the discrete-event air-defence engagement (DESIGN §7).
 *
 * DESIGN. A planning model in the spirit of public operations-research work
 * on layered air defence (e.g. Washburn, "Notes on Firing Theory"; the
 * shoot-look-shoot doctrine): each defended zone has a number of fire
 * channels and a magazine. Threats are taken in the order they enter a
 * zone; a channel engages one threat at a time for engage_min minutes and
 * fires `shots` interceptors with single-shot kill probability pk. Survivors
 * may be engaged again (shoot-look-shoot) until they reach the target. Cheap
 * slow drones enter early and stay long, so they take channels and drain the
 * magazine; fast missiles behind them find fewer of both and leak more —
 * the saturation tactic the campaign model must reproduce. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"

void gr_threat_types_default(gr_threat_type types[GR_THREAT_NTYPES])
{
    /* Speeds: Shahed-136-type drones 150-200 km/h, Kh-101-type cruise
     * missiles ~800 km/h, Iskander-type ballistic missiles several km/s
     * (minutes of warning). EW: a share of drones is reported "lost on
     * location" (Ukrainian Air Force daily reports, 2024-25). */
    memset(types, 0, GR_THREAT_NTYPES * sizeof *types);
    strcpy(types[GR_THREAT_DRONE].name, "drone");
    types[GR_THREAT_DRONE].speed_kmh = 185;
    types[GR_THREAT_DRONE].p_ew = 0.30;
    types[GR_THREAT_DRONE].engage_min = 3.0;
    strcpy(types[GR_THREAT_CRUISE].name, "cruise");
    types[GR_THREAT_CRUISE].speed_kmh = 800;
    types[GR_THREAT_CRUISE].p_ew = 0.02;
    types[GR_THREAT_CRUISE].engage_min = 1.5;
    strcpy(types[GR_THREAT_BALLISTIC].name, "ballistic");
    types[GR_THREAT_BALLISTIC].speed_kmh = 3000;
    types[GR_THREAT_BALLISTIC].p_ew = 0.0;
    types[GR_THREAT_BALLISTIC].engage_min = 1.0;
    /* Cruise altitudes (layered model's radar horizon): Shahed-type drones
     * fly at a few hundred m to ~2 km (500 m taken), Kh-101-type cruise
     * missiles terrain-follow at 30-70 m (50 m), ballistic missiles are far
     * above any horizon (30 km taken). Gerbera-type decoys: drone-like,
     * cheaper, slower (public reporting 2024-25; illustrative). */
    types[GR_THREAT_DRONE].altitude_m = 500;
    types[GR_THREAT_CRUISE].altitude_m = 50;
    types[GR_THREAT_BALLISTIC].altitude_m = 30000;
    strcpy(types[GR_THREAT_DECOY].name, "decoy");
    types[GR_THREAT_DECOY].speed_kmh = 160;
    types[GR_THREAT_DECOY].p_ew = 0.30;
    types[GR_THREAT_DECOY].engage_min = 3.0;
    types[GR_THREAT_DECOY].altitude_m = 500;
    types[GR_THREAT_DECOY].decoy = 1;
}

double gr_radar_horizon_km(double h_radar_m, double h_target_m)
{
    /* 4/3-earth radar horizon (Skolnik 2001, §8.2): d = sqrt(2 k R h) with
     * k R = 8,495 km gives 4.12 km per sqrt(m) for each end. */
    return 4.12 * (sqrt(fmax(0.0, h_radar_m)) + sqrt(fmax(0.0, h_target_m)));
}

void gr_ad_resupply(gr_ad_zone *zones, int nzones)
{
    for (int z = 0; z < nzones; z++) {
        if (zones[z].resupply_days > 1 && ++zones[z].days < zones[z].resupply_days)
            continue;
        zones[z].days = 0;
        long s = (long)zones[z].stock + zones[z].resupply;
        zones[z].stock = (int)(s > zones[z].stock_max ? zones[z].stock_max : s);
    }
}

/* First zone whose circle holds the point, or -1. */
static int zone_of(const gr_ad_zone *zones, int nzones, double x, double y)
{
    for (int z = 0; z < nzones; z++) {
        double dx = x - zones[z].x_km, dy = y - zones[z].y_km;
        if (dx * dx + dy * dy <= zones[z].radius_km * zones[z].radius_km)
            return z;
    }
    return -1;
}

typedef struct entry {
    double enter_h, arrival_h;
    int index;
} entry;

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->enter_h != y->enter_h)
        return x->enter_h < y->enter_h ? -1 : 1;
    if (x->arrival_h != y->arrival_h)
        return x->arrival_h < y->arrival_h ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* Index of the channel that frees first (lowest index on ties). */
static int first_free_channel(const double *busy_until, int channels)
{
    int best = 0;
    for (int c = 1; c < channels; c++)
        if (busy_until[c] < busy_until[best])
            best = c;
    return best;
}

int gr_ad_engage(gr_ad_zone *zones, int nzones, const gr_threat_type *types, gr_threat *threats,
                 int n, gr_rng *rng, gr_error *err)
{
    int max_channels = 1;
    for (int z = 0; z < nzones; z++) {
        if (zones[z].channels < 0 || zones[z].stock < 0 || zones[z].radius_km < 0)
            return gr_error_set(err, GR_EINVAL, "air defence zone %d: negative channels, stock or radius", z);
        if (zones[z].channels > max_channels)
            max_channels = zones[z].channels;
    }
    entry *order = gr_malloc((size_t)(n > 0 ? n : 1) * sizeof *order);
    /* busy_until[z * max_channels + c]: when channel c of zone z is free, hours */
    double *busy = gr_malloc((size_t)(nzones > 0 ? nzones : 1) * (size_t)max_channels * sizeof *busy);
    if (!order || !busy) {
        gr_free(order);
        gr_free(busy);
        return gr_error_set(err, GR_ENOMEM, "out of memory in the air-defence engagement");
    }
    for (int j = 0; j < nzones * max_channels; j++)
        busy[j] = -HUGE_VAL;
    for (int i = 0; i < n; i++) {
        gr_threat *t = &threats[i];
        if (t->type < 0 || t->type >= GR_THREAT_NTYPES) {
            gr_free(order);
            gr_free(busy);
            return gr_error_set(err, GR_EINVAL, "threat %d: unknown type %d", i, t->type);
        }
        t->zone = zone_of(zones, nzones, t->x_km, t->y_km);
        double cross_h = t->zone >= 0 ? zones[t->zone].radius_km / types[t->type].speed_kmh : 0.0;
        order[i] = (entry){t->arrival_h - cross_h, t->arrival_h, i};
        t->interceptors = t->engagements = 0;
    }
    qsort(order, (size_t)n, sizeof *order, cmp_entry);
    for (int q = 0; q < n; q++) {
        gr_threat *t = &threats[order[q].index];
        const gr_threat_type *ty = &types[t->type];
        /* One uniform draw per decision, always in the same order: results
         * depend only on the rng state, not on zone configuration elsewhere. */
        double u_ew = gr_rng_uniform(rng);
        if (t->zone < 0) {
            t->outcome = GR_OUT_LEAKED;
            continue;
        }
        if (u_ew < ty->p_ew) {
            t->outcome = GR_OUT_EW;
            continue;
        }
        gr_ad_zone *z = &zones[t->zone];
        double *chan = busy + (size_t)t->zone * (size_t)max_channels;
        double now = order[q].enter_h, engage_h = ty->engage_min / 60.0;
        int shots = z->shots[t->type] > 0 ? z->shots[t->type] : 1;
        t->outcome = GR_OUT_LEAKED;
        while (z->channels > 0 && z->stock > 0) {
            int c = first_free_channel(chan, z->channels);
            double start = fmax(now, chan[c]);
            if (start + engage_h > t->arrival_h)
                break; /* no channel frees in time: it reaches the target */
            int fired = shots < z->stock ? shots : z->stock;
            z->stock -= fired;
            chan[c] = start + engage_h;
            t->interceptors += fired;
            t->engagements++;
            double p_kill = 1.0 - pow(1.0 - z->pk[t->type], fired);
            if (gr_rng_uniform(rng) < p_kill) {
                t->outcome = GR_OUT_INTERCEPTED;
                break;
            }
            if (!z->shoot_look_shoot)
                break;
            now = start + engage_h; /* look, then shoot again */
        }
    }
    gr_free(order);
    gr_free(busy);
    return GR_OK;
}
