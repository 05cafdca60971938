/* fragility.h — damage by fragility: the kill of one hit on a row of units (pure, no campaign state), shared by the campaign's damage step (campaign_damage.c) and the unit tests. */
#ifndef GRIDRES_SIM_FRAGILITY_H
#define GRIDRES_SIM_FRAGILITY_H

#include "gridres.h"

/* States of a unit in fr_hit_row. */
enum { FR_INTACT = 0, FR_DAMAGED = 1, FR_BLAST = 2, FR_FIRE = 3 };

/* One hit on a row of k units (unit j at j x spacing_m along a line), aimed
 * at unit `aim`. The impact point is drawn about the aim point from the
 * circular normal of CEP cep_m (miss distance cep x sqrt(-log2 u), uniform
 * bearing); a shelter defeats the hit with probability `protection` (one
 * draw); else every intact unit within r_m of the impact is lost to the blast
 * (FR_BLAST), and each blast-lost unit sets each intact adjacent unit (j - 1,
 * j + 1) on fire with p_fire (FR_FIRE; one step, fire does not spread on).
 * state[k]: FR_INTACT or FR_DAMAGED on entry (damaged units stay as they are);
 * returns the number of units newly lost. Always draws three uniforms, then
 * one per fire candidate, from rng. */
int fr_hit_row(int k, int aim, double spacing_m, double r_m, double cep_m, double protection,
               double p_fire, unsigned char *state, gr_rng *rng);

/* The built-in fragility (docs/calibration.md). */
void fr_defaults(gr_fragility *f);

/* Component of asset class cls's main unit (GR_FRAG_*): substations an
 * autotransformer, lines a span, plants a unit. */
int fr_main_component(int cls);

#endif /* GRIDRES_SIM_FRAGILITY_H */
