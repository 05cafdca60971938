/* grid_internal.h — private helpers of the grid model. */
#ifndef GRIDRES_GRID_INTERNAL_H
#define GRIDRES_GRID_INTERNAL_H

#include "gridres.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Allocate a zeroed grid with the given sizes. */
int grid_alloc(int nb, int ng, int nl, gr_grid **out);

#endif
