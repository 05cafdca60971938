/* cascade_dc.h — the cascade's DC power flow on a fixed pattern (analysed once, factored per step). */
#ifndef GRIDRES_CASCADE_DC_H
#define GRIDRES_CASCADE_DC_H

#include "gridres.h"

typedef struct casc_dc casc_dc;

/* Pattern of every branch of g (in service or not) and every diagonal, AMD
 * analysed. Later grids may only have fewer branches energised. */
int casc_dc_create(const gr_grid *g, casc_dc **out);
void casc_dc_free(casc_dc *dc);
/* DC power flow of g with islands isl (gr_islands_find of g) into r, whose
 * island arrays hold at least isl->n entries. Same model and results as
 * gr_pf_dc; GR_ESINGULAR when a live island's B is singular. */
/* Before a new cascade: back to the pivots of the first solve if a later
 * solve had to pivot afresh. */
int casc_dc_restart(casc_dc *dc);
int casc_dc_solve(casc_dc *dc, const gr_grid *g, const gr_islands *isl, gr_pf_result *r);

#endif
