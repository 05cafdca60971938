/* shed_core.c — what the shedding LP (shed.c), its screen (shed_screen.c) and the schedule read off the grid: branch limits, per-class load caps, zero-reactance branches as ties. */
#include <math.h>

#include "sim/shed.h"

double shed_branch_limit(const gr_grid *g, int k, char rating)
{
    double r = g->rate_a[k];
    if ((rating == 'B' || rating == 'b') && g->rate_b[k] > 0.0)
        r = g->rate_b[k];
    return r > 0.0 && isfinite(r) ? r : 0.0;
}

void shed_caps_from_classes(const gr_grid *g, const gr_load_classes *classes, double *cap)
{
    static const double def[GR_LOAD_NCLASS] = {SHED_SHARE_CRITICAL, SHED_SHARE_RESIDENTIAL,
                                               SHED_SHARE_OTHER};
    for (int b = 0; b < g->nb; b++) {
        const double *sh = classes ? classes->share + (size_t)b * GR_LOAD_NCLASS : def;
        for (int c = 0; c < GR_LOAD_NCLASS; c++) {
            double s = sh[c] > 0.0 ? sh[c] : 0.0;
            cap[(size_t)b * GR_LOAD_NCLASS + (size_t)c] = g->pd[b] > 0.0 ? g->pd[b] * s : 0.0;
        }
    }
}

int gr_shed_tie_zero_x(gr_grid *g, double x_tie)
{
    int n = 0;
    for (int k = 0; k < g->nl; k++)
        if (g->br_x[k] == 0.0) { /* what the DC check refuses (grid_check.c; tap != 0 there) */
            g->br_x[k] = x_tie;
            n++;
        }
    return n;
}

int gr_shed_cap_infinite_pmax(gr_grid *g, double *load_pu, int *first)
{
    double load = 0.0;
    for (int b = 0; b < g->nb; b++)
        load += g->pd[b] > 0.0 ? g->pd[b] : 0.0;
    int n = 0, k0 = -1;
    for (int k = 0; k < g->ng; k++)
        if (isinf(g->pmax[k]) && g->pmax[k] > 0.0) {
            g->pmax[k] = load + (isfinite(g->pg[k]) ? fabs(g->pg[k]) : 0.0);
            if (n++ == 0)
                k0 = k;
        }
    if (load_pu)
        *load_pu = load;
    if (first)
        *first = k0;
    return n;
}
