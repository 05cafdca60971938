/* sens.h — private side of the DC sensitivities: bridges and block solves on the reduced B. */
#ifndef GRIDRES_SENS_H
#define GRIDRES_SENS_H

#include "gridres.h"
#include "solve/dc.h"

/* Right-hand sides solved together (KLU works on 4 columns at a time). */
#define SENS_BLOCK 32

/* bridge[k] = 1 when branch k is energised and removing it alone splits its
 * island (Tarjan's low-link on the energised network; parallel branches are
 * not bridges). bridge has nl entries. */
int sens_bridges(const gr_grid *g, unsigned char *bridge);

/* The same, with the depth-first tree that found them (arrays of nb; NULL
 * for what is not wanted): far[k] (nl) is the end of bridge k away from the
 * tree's root (-1 for other branches); the buses cut off by bridge k are
 * those u with disc[far[k]] <= disc[u] <= last[far[k]]; order[j] is the bus
 * discovered j-th. */
int sens_bridge_tree(const gr_grid *g, unsigned char *bridge, int *far, int *disc, int *last,
                     int *order);

/* X(:, j) = B^-1 (e_f - e_t) for branch br[j] (m columns of dc->n rows,
 * column-major, reduced numbering dc->col; ends that are references or dark
 * contribute nothing). Uses dc->lu: one thread per dc_system. */
int sens_branch_columns(const gr_grid *g, const dc_system *dc, int m, const int *br, double *X);

/* b_l (x[f_l] - x[t_l]) for a reduced solution x (reference entries 0). */
static inline double sens_branch_delta(const gr_grid *g, const dc_system *dc, int l,
                                       const double *x)
{
    int cf = dc->col[g->br_f[l]], ct = dc->col[g->br_t[l]];
    double d = (cf >= 0 ? x[cf] : 0.0) - (ct >= 0 ? x[ct] : 0.0);
    return dc->b[l] * d;
}

#endif
