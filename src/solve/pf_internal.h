/* pf_internal.h — helpers shared by the AC and DC power flows. */
#ifndef GRIDRES_PF_INTERNAL_H
#define GRIDRES_PF_INTERNAL_H

#include "gridres.h"

/* Copy island numbering and references into the result; dark islands get -1. */
int pf_result_set_islands(gr_pf_result *r, const gr_islands *isl);
/* Branch flows and losses from r->vm/va (AC). */
void pf_branch_flows(const gr_grid *g, gr_pf_result *r);

/* Keep solver s for grid g after a topology change (branches out, units
 * out, bus roles): islands recomputed, Ybus on the pattern s had, Newton
 * workspaces of islands whose bus set did not change kept (analysis and
 * pivots reused). Branches switched in since gr_pf_solver_create are not
 * supported: create a new solver then. */
int pf_solver_update(gr_pf_solver *s, const gr_grid *g, gr_error *err);

#endif
