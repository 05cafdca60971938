/* heat.c — winter weather and district heat in the campaign: outdoor temperature, the first-order building model, district heat supply (CHP plant, boiler houses and pumping stations) (docs/campaign.md "Heat").
 *
 * DESIGN
 * Outdoor. T_out = mean + diurnal cos(2 pi (clock - 15) / 24): the daily mean
 * (a cold snap's on its nights) and a diurnal cosine warmest at 15:00.
 * Defaults: mean -3 °C, the December-February climate normals of Kyiv
 * (1991-2020: about -1 °C in December, -3.5 °C in January, -3 °C in February;
 * Ukrainian Hydrometeorological Center normals, as tabulated in Wikipedia,
 * "Kyiv", Climate); half-range 2.5 °C (January mean daily maximum about -1 °C,
 * minimum about -6 °C, same table); one cold snap of 5 nights (16-20) at a
 * daily mean of -15 °C, as the January 2024 and February 2012 cold waves in
 * Kyiv (daily means of -12 to -18 °C).
 *
 * Buildings. A heat district's buildings are one lumped first-order model
 * (capacity C, loss coefficient UA, tau = C / UA):
 *     C dT/dt = Q - UA (T - T_out),   Q = q Q_max,   Q_max = UA (T_set - T_design),
 * the heating sized for the design outdoor temperature (EN 12831; Kyiv -22 °C,
 * DSTU-N B V.1.1-27:2010 "Building climatology"), so
 *     dT/dt = [q (T_set - T_design) - (T - T_out)] / tau,
 * capped at T_set (the supply is regulated to the set point). With q = 0 this
 * is the cool-down T = T_out + (T0 - T_out) exp(-t / tau) of the district-
 * heating norm (SNiP 41-02-2003 "Heat networks", formula for the admissible
 * interruption of heat supply, with the building's accumulation coefficient
 * beta = 40 h for residential buildings; the same formula and the 12 °C floor
 * for living rooms during an interruption are in DBN V.2.5-39:2008 "Heat
 * networks"): tau = 40 h, threshold 12 °C. T_set = 20 °C (EN 12831 living
 * rooms; DBN V.2.2-15 "Residential buildings"). Over an hour with constant
 * inputs the step is exact: T(t + dt) = T_eq + (T - T_eq) exp(-dt / tau).
 *
 * Supply. District d is heated by its CHP plant (overlay heat_plant) and
 * circulated by its heating facilities (the overlay's "heating" critical
 * sites on its buses: boiler houses and pumping stations, which need power):
 * q_d = (1 - share of the plant's capacity damaged) x (served share of the
 * district's heating facilities' load). A district without heating facilities
 * depends on its plant only. */
#include <math.h>
#include <string.h>

#include "sim/campaign_heat.h"

#define HEAT_PI 3.14159265358979323846

void gr_campaign_weather_default(gr_campaign_weather *w)
{
    memset(w, 0, sizeof *w);
    w->mean_c = -3.0;
    w->diurnal_c = 2.5;
    w->nsnaps = 1;
    w->snaps[0] = (gr_cold_snap){16, 5, -15.0};
    w->indoor_c = 20.0;
    w->design_c = -22.0;
    w->tau_h = 40.0;
    w->cold_c = 12.0;
    w->clpu_extra = 0.3;
    w->clpu_h = 2.0;
}

double gr_weather_outdoor_c(const gr_campaign_weather *w, int night, double clock_h)
{
    double mean = w->mean_c;
    for (int k = 0; k < w->nsnaps; k++) /* the last snap that covers the night */
        if (night >= w->snaps[k].night && night < w->snaps[k].night + w->snaps[k].days)
            mean = w->snaps[k].mean_c;
    return mean + w->diurnal_c * cos(2.0 * HEAT_PI * (clock_h - 15.0) / 24.0);
}

double gr_heat_indoor_step(const gr_campaign_weather *w, double t_in, double t_out, double q,
                           double dt_h)
{
    q = fmin(fmax(q, 0.0), 1.0);
    double t_eq = t_out + q * (w->indoor_c - w->design_c);
    double t = w->tau_h > 0.0 ? t_eq + (t_in - t_eq) * exp(-dt_h / w->tau_h) : t_eq;
    return fmin(t, w->indoor_c);
}

void camp_heat_supply(camp_run *w, const double *cfrac, double *q)
{
    const camp_model *m = w->m;
    const camp_qh_model *qm = m->qh;
    const gr_grid *g0 = m->g0;
    int nh = m->nheat;
    double *chp_lost = w->chp_lost;
    for (int d = 0; d < nh; d++) {
        chp_lost[d] = 0.0;
        q[d] = 0.0;
    }
    for (int i = 0; i < w->nd; i++) {
        const camp_dmg *x = &w->d[i];
        if (x->kind != GR_ELEM_GEN || !x->active || x->done)
            continue;
        int p = m->gen_plant[x->index];
        for (int d = 0; d < nh; d++)
            if (p >= 0 && m->dist_plant[d] == p && m->plant_pmax[p] > 0.0)
                chp_lost[d] += g0->pmax[x->index] / m->plant_pmax[p];
    }
    /* q[d] collects the served heating facilities first */
    for (int b = 0; b < m->nb; b++) {
        int d = m->heat_dist[b];
        if (d >= 0 && d < nh && qm->heat_fac[b] > 0.0)
            q[d] += qm->heat_fac[b] * fmin(fmax(cfrac[b], 0.0), 1.0);
    }
    for (int d = 0; d < nh; d++) {
        double pump = qm->dist_fac[d] > 0.0 ? q[d] / qm->dist_fac[d] : 1.0;
        q[d] = fmax(0.0, 1.0 - fmin(chp_lost[d], 1.0)) * fmin(pump, 1.0);
    }
}
