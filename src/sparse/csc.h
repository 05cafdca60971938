/* csc.h — private sparse-matrix helpers (compressed sparse column, CSparse names). */
#ifndef GRIDRES_CSC_H
#define GRIDRES_CSC_H

#include "gridres.h"

/* Allocate an m x n matrix with room for nzmax entries; values real (x),
 * and imaginary (z) when complex is set. p is zeroed. */
gr_csc *csc_alloc(int m, int n, int nzmax, int with_values, int complex_values);

/* Compress nz triplets (Ti[k], Tj[k], Tx[k] + j Tz[k]) into CSC with
 * sorted row indices and duplicates summed. Tx/Tz may be NULL (pattern only
 * / real). Entries of `diag_always` extra explicit zeros on the diagonal
 * are added when force_diag is set (square matrices). */
gr_csc *csc_from_triplets(int m, int n, int nz, const int *Ti, const int *Tj, const double *Tx,
                          const double *Tz, int force_diag);

/* y += A x for complex A (x real parts in xr/xi). */
void csc_cmatvec(const gr_csc *A, const double *xr, const double *xi, double *yr, double *yi);

#endif
