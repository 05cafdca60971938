/* campaign_scenario.c — the campaign scenario's numeric defaults, lifetime, night plan lookup and clock, and the repair-time distributions (the JSON reader is io/scenario.c). */
#include <math.h>
#include <string.h>

#include "sim/campaign_internal.h"
#include "sim/fragility.h"

/* ------------------------------------------------------------------------
 * Defaults and lifetime.
 * ------------------------------------------------------------------------ */
void gr_campaign_scenario_defaults(gr_campaign_scenario *s)
{
    s->nights = 30;
    s->start_h = 18.0;
    gr_threat_types_default(s->types);
    /* damage by fragility (sim/fragility.c, docs/calibration.md); p_damage
       holds its single-hit figures until a scenario fixes some */
    memset(s->p_damage_fixed, 0, sizeof s->p_damage_fixed);
    fr_defaults(&s->fragility);
    gr_fragility_p_damage(s);
    s->p_switchyard = 0.2;
    s->target_policy = GR_TARGET_CAPACITY;
    for (int t = 0; t < GR_THREAT_NTYPES; t++)
        s->salvo[t] = 1;
    for (int c = 0; c < GR_ASSET_NCLASS; c++)
        s->class_weight[c] = 1.0;
    for (int l = 0; l < GR_ASSET_NLEVEL; l++)
        s->class_weight[GR_ASSET_LINE + l] = 0.0;
    s->class_weight[GR_ASSET_PLANT + GR_PLANT_NUCLEAR] = 0.0;
    s->detect_km = 0.0;
    for (int k = 0; k < GR_REPAIR_NKIND; k++)
        s->repair[k] = (gr_dist){GR_DIST_LOGNORMAL, 720.0, 0.5, 0.0};
    s->repair[GR_REPAIR_LINE] = (gr_dist){GR_DIST_LOGNORMAL, 12.0, 0.6, 0.0};
    s->repair[GR_REPAIR_SUB110] = (gr_dist){GR_DIST_LOGNORMAL, 48.0, 0.6, 0.0};
    s->repair[GR_REPAIR_AUTOTRANSFORMER] = (gr_dist){GR_DIST_TRIANGULAR, 240.0, 504.0, 840.0};
    s->repair[GR_REPAIR_SWITCHYARD] = (gr_dist){GR_DIST_LOGNORMAL, 312.0, 0.35, 0.0};
    s->repair[GR_REPAIR_PLANT + GR_PLANT_THERMAL] = (gr_dist){GR_DIST_LOGNORMAL, 1440.0, 0.5, 0};
    s->repair[GR_REPAIR_PLANT + GR_PLANT_CHP] = (gr_dist){GR_DIST_LOGNORMAL, 1800.0, 0.4, 0};
    s->repair[GR_REPAIR_PLANT + GR_PLANT_NUCLEAR] = (gr_dist){GR_DIST_LOGNORMAL, 2160.0, 0.5, 0};
    s->repair[GR_REPAIR_PLANT + GR_PLANT_HYDRO] = (gr_dist){GR_DIST_LOGNORMAL, 1440.0, 0.6, 0};
    s->repair_method = GR_CAMPAIGN_REPAIR_DISPATCH;
    s->planner_max_jobs = 10;
    s->work_start_h = 6.0;
    s->work_h_per_day = 16.0;
    s->speed_kmh = 60.0;
    s->road_factor = 1.3;
    s->load_scale = 1.0;
    static const double profile[24] = {0.78, 0.74, 0.72, 0.70, 0.70, 0.72, 0.78, 0.87,
                                       0.93, 0.95, 0.95, 0.94, 0.93, 0.92, 0.91, 0.92,
                                       0.95, 0.99, 1.00, 1.00, 0.98, 0.94, 0.89, 0.83};
    memcpy(s->profile, profile, sizeof profile);
    s->heat_loss_h = 4.0;
    gr_campaign_weather_default(&s->weather);
    s->control = GR_CASCADE_CONTROL_SHED;
    s->reclose_h = 2.0;
    s->frequency = GR_FREQ_SFR;        /* interconnection.c, docs/campaign.md */
    s->sync_system_mw = 300000.0;      /* Continental Europe (gr_sfr_params_default) */
    gr_fleet_params_default(&s->fleet);
}

/* The generation fleet's defaults (docs/calibration.md "Generation fleet
 * defaults" gives each one's source; every one is an input). */
void gr_fleet_params_default(gr_fleet_params *p)
{
    /* start-up (restart) times, hours. Thermal: a warm start of a coal steam
     * unit, several hours (Kumar et al., "Power Plant Cycling Costs", NREL/
     * SR-5500-55433, 2012); CHP: smaller steam units, a hot start; gas: a
     * combined cycle hot start, about an hour (same); hydro: minutes (ENTSO-E,
     * hydropower's fast start for balancing; one hourly step here); nuclear:
     * 2 days (IAEA, Update 129/130, 24-25 Nov 2022: the Rivne, South Ukraine
     * and Khmelnytskyy units disconnected on 23 Nov 2022 were back on 25 Nov). */
    static const double start_h[GR_PLANT_N] = {48.0, 6.0, 4.0, 0.1, 1.0, 0.0, 0.0, 2.0};
    /* minimum stable output, fraction of Pmax: the synthetic grid's (synth_net.c):
     * VVER base load 0.8 (NEA, "Technical and Economic Aspects of Load Following
     * with Nuclear Power Plants", 2011), coal 0.4, CHP 0.5, gas 0.3 (Kumar et al. 2012) */
    static const double pmin[GR_PLANT_N] = {0.8, 0.4, 0.5, 0.0, 0.3, 0.0, 0.0, 0.0};
    p->enabled = 1;
    memcpy(p->start_h, start_h, sizeof start_h);
    memcpy(p->pmin, pmin, sizeof pmin);
    p->hydro_budget_h = 12.0;   /* input: half the day at Pmax (docs/calibration.md) */
    p->chp_must_run = 1;        /* the campaign is a winter: heat-led CHP */
    /* ENTSO-E continental band of unlimited operation, 49.0-51.0 Hz (Commission
     * Regulation (EU) 2016/631, RfG, Table 2), also the first UFLS stage */
    p->nuclear_f_low_hz = 49.0;
    p->nuclear_f_high_hz = 51.0;
}

void gr_campaign_scenario_free(gr_campaign_scenario *s)
{
    if (!s)
        return;
    gr_free(s->name);
    gr_free(s->source);
    gr_case_free(s->grid_case);
    gr_grid_free(s->grid);
    gr_overlay_free(s->overlay);
    gr_free(s->grid_path);
    gr_free(s->overlay_path);
    if (s->plans)
        for (int p = 0; p < s->nplans; p++) {
            gr_night_plan *pl = &s->plans[p];
            gr_free(pl->name);
            gr_free(pl->nights);
            if (pl->waves)
                for (int w = 0; w < pl->nwaves; w++)
                    gr_free(pl->waves[w].launch);
            gr_free(pl->waves);
        }
    gr_free(s->plans);
    gr_free(s->target_asset);
    gr_free(s->target_weight);
    gr_free(s->zones);
    if (s->zone_name)
        for (int z = 0; z < s->nzones; z++)
            gr_free(s->zone_name[z]);
    gr_free(s->zone_name);
    camp_assets_free(&s->assets);
    gr_free(s->crew_x_km);
    gr_free(s->crew_y_km);
    if (s->spares)
        for (int k = 0; k < s->nspares; k++)
            gr_free(s->spares[k].name);
    gr_free(s->spares);
    gr_free(s->text);
    gr_free(s);
}

const gr_night_plan *gr_campaign_night_plan(const gr_campaign_scenario *s, int night)
{
    const gr_night_plan *found = NULL;
    for (int p = 0; p < s->nplans; p++) {
        const gr_night_plan *pl = &s->plans[p];
        int match = 0;
        for (int j = 0; j < pl->nnights; j++)
            if (pl->nights[j] == night)
                match = 1;
        if (pl->every > 0 && night >= pl->first && (night - pl->first) % pl->every == 0)
            match = 1;
        if (match)
            found = pl;
    }
    return found;
}

double camp_clock_h(const gr_campaign_scenario *s, double t_h)
{
    double c = fmod(s->start_h + t_h, 24.0);
    return c < 0 ? c + 24.0 : c;
}

/* ------------------------------------------------------------------------
 * Distributions.
 * ------------------------------------------------------------------------ */
double gr_dist_sample(const gr_dist *d, gr_rng *r)
{
    switch (d->kind) {
    case GR_DIST_LOGNORMAL:
        return d->a * exp(d->b * gr_rng_normal(r));
    case GR_DIST_TRIANGULAR: {
        double u = gr_rng_uniform(r), lo = d->a, mode = d->b, hi = d->c;
        if (hi <= lo)
            return lo;
        double f = (mode - lo) / (hi - lo);
        if (u < f)
            return lo + sqrt(u * (hi - lo) * (mode - lo));
        return hi - sqrt((1.0 - u) * (hi - lo) * (hi - mode));
    }
    default:
        return d->a;
    }
}

double gr_dist_mean(const gr_dist *d)
{
    switch (d->kind) {
    case GR_DIST_LOGNORMAL: return d->a * exp(0.5 * d->b * d->b);
    case GR_DIST_TRIANGULAR: return (d->a + d->b + d->c) / 3.0;
    default: return d->a;
    }
}
