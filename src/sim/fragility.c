/* fragility.c — damage by fragility: the probability that a hit's impact lies within a component's lethal radius (CEP, circular normal), the lethal radius from the warhead by cube-root scaling, passive protection, which units of a row are lost, and fire spreading to adjacent units.
 *
 * MODEL (docs/campaign.md "Damage"; every default and its source in
 * docs/calibration.md). A hit by threat type t aimed at a component c:
 *   - miss distance: circular normal about the aim point with CEP cep_m[t],
 *     so P(miss <= r) = 1 - 0.5^((r/CEP)^2) (the definition of CEP as the
 *     median radial miss of a circular normal distribution: Driels,
 *     Weaponeering, 2nd ed., AIAA 2013, ch. 3);
 *   - lethal radius: R = z_c x W^(1/3) with W the warhead's TNT-equivalent
 *     mass (Hopkinson-Cranz cube-root scaling of blast: UFC 3-340-02, 2008,
 *     §2-13); z_c is the scaled distance at which the side-on overpressure
 *     (Kinney & Graham, Explosive Shocks in Air, 2nd ed., 1985, eq. for TNT
 *     in free air) reaches the component's damage threshold;
 *   - passive protection (gabion, sandbag or concrete walls and shelters)
 *     defeats the hit with probability `protection` of the asset;
 *   - the units of an asset stand in a row `spacing_m` apart: every intact
 *     unit within R of the impact is lost (one unit, or two or three for a
 *     large warhead close to its neighbours), and each lost unit's oil or
 *     fuel fire spreads to each intact neighbour with p_fire (one step).
 * A repeat hit aims at an intact unit, so it takes further units. */
#include <math.h>

#include "sim/fragility.h"

double gr_cep_hit_probability(double r_m, double cep_m)
{
    if (!(r_m > 0.0))
        return 0.0;
    if (!(cep_m > 0.0))
        return 1.0;
    double q = r_m / cep_m;
    return 1.0 - pow(0.5, q * q);
}

double gr_lethal_radius_m(double z, double w_kg)
{
    if (!(z > 0.0) || !(w_kg > 0.0))
        return 0.0;
    return z * cbrt(w_kg);
}

int fr_hit_row(int k, int aim, double spacing_m, double r_m, double cep_m, double protection,
               double p_fire, unsigned char *state, gr_rng *rng)
{
    double u_prot = gr_rng_uniform(rng), u_r = gr_rng_uniform(rng), u_ang = gr_rng_uniform(rng);
    if (k <= 0 || aim < 0 || aim >= k || u_prot < protection)
        return 0;
    /* miss distance: inverse of P(miss <= d) = 1 - 0.5^((d/CEP)^2) */
    double d = cep_m > 0.0 ? cep_m * sqrt(-log2(1.0 - u_r)) : 0.0;
    double ang = 6.283185307179586 * u_ang;
    double x = aim * spacing_m + d * cos(ang), y = d * sin(ang);
    int lost = 0;
    for (int j = 0; j < k; j++) {
        if (state[j] != FR_INTACT)
            continue;
        double dx = x - j * spacing_m;
        if (dx * dx + y * y <= r_m * r_m) {
            state[j] = FR_BLAST;
            lost++;
        }
    }
    if (lost == 0 || !(p_fire > 0.0))
        return lost;
    for (int j = 0; j < k; j++) {
        if (state[j] != FR_BLAST)
            continue;
        for (int nb = j - 1; nb <= j + 1; nb += 2) {
            if (nb < 0 || nb >= k || state[nb] != FR_INTACT)
                continue;
            if (gr_rng_uniform(rng) < p_fire) {
                state[nb] = FR_FIRE;
                lost++;
            }
        }
    }
    return lost;
}

void fr_defaults(gr_fragility *f)
{
    /* warheads (kg, taken as TNT equivalent): Shahed-136/Geran-2 ~50 kg;
       Kh-101 ~400-450 kg; Iskander-M ~480 kg. CEP (m): open claims, an
       assumption for drones under jamming (docs/calibration.md). */
    f->warhead_kg[GR_THREAT_DRONE] = 50.0;
    f->warhead_kg[GR_THREAT_CRUISE] = 450.0;
    f->warhead_kg[GR_THREAT_BALLISTIC] = 480.0;
    f->cep_m[GR_THREAT_DRONE] = 15.0;
    f->cep_m[GR_THREAT_CRUISE] = 10.0;
    f->cep_m[GR_THREAT_BALLISTIC] = 7.0;
    /* lethal scaled distances (m/kg^(1/3)) at damage thresholds of the
       side-on overpressure (Kinney & Graham 1985): 5.0 ~ 29 kPa (utility
       poles, insulators, breakers); 3.8 ~ 50 kPa (oil-filled transformers:
       tank, bushings, radiators); 3.2 ~ 70 kPa (heavy machinery in a hall) */
    f->lethal_z[GR_FRAG_LINE] = 5.0;
    f->lethal_z[GR_FRAG_SUB110] = 3.8;
    f->lethal_z[GR_FRAG_AUTOTRANSFORMER] = 3.8;
    f->lethal_z[GR_FRAG_SWITCHYARD] = 5.0;
    f->lethal_z[GR_FRAG_UNIT] = 3.2;
    f->spacing_m[GR_FRAG_LINE] = 0.0;
    f->spacing_m[GR_FRAG_SUB110] = 15.0;
    f->spacing_m[GR_FRAG_AUTOTRANSFORMER] = 25.0;
    f->spacing_m[GR_FRAG_SWITCHYARD] = 0.0;
    f->spacing_m[GR_FRAG_UNIT] = 50.0;
    f->p_fire[GR_FRAG_LINE] = 0.0;
    f->p_fire[GR_FRAG_SUB110] = 0.1;
    f->p_fire[GR_FRAG_AUTOTRANSFORMER] = 0.1;
    f->p_fire[GR_FRAG_SWITCHYARD] = 0.0;
    f->p_fire[GR_FRAG_UNIT] = 0.1;
}

int fr_main_component(int cls)
{
    if (cls >= GR_ASSET_PLANT)
        return GR_FRAG_UNIT;
    if (cls >= GR_ASSET_LINE)
        return GR_FRAG_LINE;
    return GR_FRAG_AUTOTRANSFORMER;
}

void gr_fragility_p_damage(gr_campaign_scenario *s)
{
    const gr_fragility *f = &s->fragility;
    for (int t = 0; t < GR_THREAT_NTYPES; t++)
        for (int c = 0; c < GR_ASSET_NCLASS; c++) {
            if (s->p_damage_fixed[t][c])
                continue;
            double r = gr_lethal_radius_m(f->lethal_z[fr_main_component(c)], f->warhead_kg[t]);
            s->p_damage[t][c] = gr_cep_hit_probability(r, f->cep_m[t]);
        }
}
