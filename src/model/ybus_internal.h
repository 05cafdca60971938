/* ybus_internal.h — per-branch π-model admittances. */
#ifndef GRIDRES_YBUS_INTERNAL_H
#define GRIDRES_YBUS_INTERNAL_H

#include <complex.h>

#include "gridres.h"

/* The four admittances of branch k (MATPOWER makeYbus), ignoring its status. */
void branch_admittances(const gr_grid *g, int k, double complex *yff, double complex *yft,
                        double complex *ytf, double complex *ytt);

#endif
