/* shed.h — private entry points of the emergency shedding LP (shed.c), its screen (shed_screen.c) and inputs (shed_core.c), shared with the schedule. */
#ifndef GRIDRES_SHED_H
#define GRIDRES_SHED_H

#include "gridres.h"

/* Default class shares (gr_load_classes_default). */
#define SHED_SHARE_CRITICAL 0.05
#define SHED_SHARE_RESIDENTIAL 0.60
#define SHED_SHARE_OTHER 0.35

/* Branch limit (pu) for a rating letter: 'B' is rateB, falling back to rateA
 * when rateB is 0; anything else is rateA. 0 = unlimited. (shed_core.c) */
double shed_branch_limit(const gr_grid *g, int k, char rating);

/* gr_shed_solve with the sheddable load given directly: cap[b * 3 + c] (pu,
 * >= 0) is the load of class c at bus b that may be served. Buses with
 * pd < 0 keep pd as a fixed injection whatever cap says. shed_p in the
 * result is measured against cap (sum over classes), not against pd. */
int shed_solve_caps(const gr_grid *g, const double *cap, const gr_shed_options *opt,
                    gr_shed_result **out, gr_error *err);

/* Per-class load caps pd * share for pd > 0, 0 otherwise (nb * 3, pu).
 * classes NULL: the defaults. (shed_core.c) */
void shed_caps_from_classes(const gr_grid *g, const gr_load_classes *classes, double *cap);

/* Exact shortcut (shed_screen.c): when serving the most valuable load that
 * generation allows breaks no branch limit, fill r as the LP would and set
 * *solved = 1; else leave *solved = 0 (r's arrays may have been written and
 * are rewritten by the LP). brow/gcol: the LP's balance rows and generator
 * columns (-1: not live), pg0 its starting dispatch. */
int shed_screen(const gr_grid *g, const gr_islands *isl, const double *cap,
                const gr_shed_options *opt, const int *brow, const int *gcol, const double *pg0,
                gr_shed_result *r, int *solved);

#endif /* GRIDRES_SHED_H */
