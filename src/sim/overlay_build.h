/* overlay_build.h — private to the overlay builder: substation coordinates from geodata or a stress layout, and the line-length assumptions they share. */
#ifndef GRIDRES_SIM_OVERLAY_BUILD_H
#define GRIDRES_SIM_OVERLAY_BUILD_H

#include "gridres.h"

/* The substations of a grid as the layout sees them: bus -> substation, and
 * each bus's voltage level (kV, > 0). */
typedef struct ob_subs {
    int nb, nsub;
    const int *bus_sub;     /* nb */
    const double *bus_kv;   /* nb */
} ob_subs;

/* Planning length (km) of a line of `kv` kV with reactance x_pu (on
 * base_mva): its reactance over a typical reactance per km of its voltage
 * class, kept within [0.2, 5] times the class's typical length (median 50 km
 * at 200 kV and above, 10 km at 100-200 kV, 5 km below); x_pu <= 0: the
 * typical length. docs/own_grid.md gives the figures and their sources. */
double ob_line_km(double kv, double x_pu, double base_mva);

/* Substation coordinates (km, arbitrary origin) by sparse stress
 * majorization on the substation graph, lines weighted by ob_line_km, from
 * a pivot-MDS start; at most max_iter sweeps; seed picks the start's
 * tie-breaking jitter. sx, sy: nsub entries. GR_ENOMEM in err. */
int ob_layout(const gr_grid *g, const ob_subs *s, int max_iter, uint64_t seed, double *sx,
              double *sy, gr_error *err);

/* Substation coordinates (km, arbitrary origin) from geodata: lon/lat
 * projected equirectangularly about the mean latitude, or planar km as
 * given; a substation takes the mean of its buses' points, one without
 * any is placed at the mean of its neighbours (repeatedly, Tutte-style).
 * *n_unknown gets the geo rows naming no bus of the grid, *n_placed the
 * substations placed by their neighbours. GR_EINVAL when no row names a
 * bus of the grid. */
int ob_geo_place(const gr_grid *g, const ob_subs *s, const gr_bus_geo *geo, double *sx,
                 double *sy, int *n_unknown, int *n_placed, gr_error *err);

/* Substation adjacency (CSR over nsub, no self loops, parallel branches
 * merged keeping the shortest planning length in len). */
typedef struct ob_adj {
    int n;
    int *ptr, *nbr;
    double *len;
} ob_adj;

int ob_adj_build(const gr_grid *g, const ob_subs *s, ob_adj *a);
void ob_adj_free(ob_adj *a);

#endif /* GRIDRES_SIM_OVERLAY_BUILD_H */
