/* islands_internal.h — which elements can carry power. */
#ifndef GRIDRES_ISLANDS_INTERNAL_H
#define GRIDRES_ISLANDS_INTERNAL_H

#include "gridres.h"

/* A branch is energisable when in service and neither end is an isolated (type 4) bus. */
int branch_energisable(const gr_grid *g, int k);
/* A generator is energisable when in service and not at an isolated bus. */
int gen_energisable(const gr_grid *g, int k);

/* Union-find over parent[] (and size[] for union by size), shared with the
 * MATPOWER reader's one-reference-bus-per-island check: root of x, with path
 * halving; join the sets of a and b. */
int uf_find(int *parent, int x);
void uf_union(int *parent, int *size, int a, int b);

#endif
