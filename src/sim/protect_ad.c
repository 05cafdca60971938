/* protect_ad.c — air-defence purchases of a protection plan applied to the scenario's defended zones (docs/protect.md "Air defence options").
 *
 * DESIGN. An air-defence option bought at zone z (the scenario's zone index)
 * changes the zones every campaign run starts from, so the engagement
 * (gr_ad_engage_layered) sees it through the scenario the run is given and
 * needs no code of its own: interceptors add `units` to the zone's stock and
 * magazine (stock_max); a mobile fire group adds a GR_AD_MOBILE zone and a
 * point-defence battery a GR_AD_POINT zone at the zone's centre with the
 * option's range, channels, magazine, resupply and kill probabilities, the
 * rest (shots, shoot-look-shoot, reaction, reload, resupply interval) taken
 * from the zone it reinforces. Added zones come after the scenario's, in
 * (option, zone) order, so results are reproducible. */
#include <string.h>

#include "sim/protect_internal.h"

int prot_plan_zones(const prot_ctx *x, const prot_plan *p, gr_ad_zone **zones, int *nzones)
{
    const gr_campaign_scenario *s = x->s;
    const gr_protect_costs *c = x->c;
    int nz = s->nzones, add = 0, any = 0;
    *zones = NULL;
    *nzones = nz;
    for (int o = 0; o < c->noptions; o++) {
        if (c->options[o].type != GR_OPTION_AD)
            continue;
        for (int z = 0; z < nz; z++) {
            int k = p->ad_extra[(size_t)o * (size_t)nz + (size_t)z];
            any |= k > 0;
            if (c->options[o].system != GR_PROTECT_AD_INTERCEPTORS)
                add += k;
        }
    }
    if (!any)
        return GR_OK;
    gr_ad_zone *zs = gr_malloc(((size_t)nz + (size_t)add + 1) * sizeof *zs);
    if (!zs)
        return GR_ENOMEM;
    if (nz)
        memcpy(zs, s->zones, (size_t)nz * sizeof *zs);
    int n = nz;
    for (int o = 0; o < c->noptions; o++) {
        const gr_protect_option *op = &c->options[o];
        if (op->type != GR_OPTION_AD)
            continue;
        for (int z = 0; z < nz; z++) {
            int k = p->ad_extra[(size_t)o * (size_t)nz + (size_t)z];
            if (k <= 0)
                continue;
            if (op->system == GR_PROTECT_AD_INTERCEPTORS) {
                zs[z].stock += k * op->units;
                zs[z].stock_max += k * op->units;
                continue;
            }
            for (int j = 0; j < k; j++) {
                gr_ad_zone *a = &zs[n++];
                *a = s->zones[z];
                a->kind = op->system == GR_PROTECT_AD_FIRE_GROUP ? GR_AD_MOBILE : GR_AD_POINT;
                a->radius_km = op->radius_km;
                a->radar_h_m = op->radar_h_m;
                a->channels = op->channels;
                a->stock = a->stock_max = op->stock;
                a->resupply = op->resupply;
                a->days = 0;
                for (int t = 0; t < GR_THREAT_NTYPES; t++)
                    a->pk[t] = op->pk[t];
            }
        }
    }
    *zones = zs;
    *nzones = n;
    return GR_OK;
}
