/* pf_internal.h — helpers shared by the AC and DC power flows. */
#ifndef GRIDRES_PF_INTERNAL_H
#define GRIDRES_PF_INTERNAL_H

#include "gridres.h"

/* Copy island numbering and references into the result; dark islands get -1. */
int pf_result_set_islands(gr_pf_result *r, const gr_islands *isl);
/* Branch flows and losses from r->vm/va (AC). */
void pf_branch_flows(const gr_grid *g, gr_pf_result *r);

#endif
