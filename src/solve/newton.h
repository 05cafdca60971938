/* newton.h — Newton-Raphson power-flow kernel (polar) for one set of buses. */
#ifndef GRIDRES_NEWTON_H
#define GRIDRES_NEWTON_H

#include <math.h>

#include "gridres.h"
#include "solve/lu.h"

/* Bus roles inside the kernel. */
enum { NR_FIXED = 0, NR_PV = 1, NR_PQ = 2 };

/* Workspace for one island (or any bus set closed under Ybus): Jacobian
 * pattern and slot map built once by nr_setup, KLU analysed once; each
 * iteration refills values and refactors. */
typedef struct nr_ws {
    const gr_csc *Y;      /* borrowed Ybus (complex) */
    int nb;               /* buses in the whole grid */
    int nbus;             /* buses in the set */
    int *bus;             /* nbus: the set, sorted */
    int npvpq, npq, n;    /* unknowns: angles of PV+PQ, magnitudes of PQ */
    int *arow;            /* nb: row/column of the bus's P equation / angle, or -1 */
    int *qrow;            /* nb: row/column of the bus's Q equation / magnitude, or -1 */
    gr_csc *J;            /* n x n, real */
    int *slot;            /* 4 per Ybus entry of the set's columns: J11, J12, J21, J22 positions,
                             or nzj when J has no such entry (a scratch value past J's) */
    int nzj;              /* entries of J */
    int *yfirst;          /* nbus: first slot index of each set column (slot base) */
    int *ydiag;           /* nbus: offset of the diagonal in the bus's Ybus column, or -1 */
    lu_solver *lu;
    double *F, *dx;       /* n */
    double *vr, *vi, *ir, *ii; /* nb: V and I = Y V (only set entries used) */
    double lu_time_s;     /* time spent in factor + solve, summed */
    int n_factor;         /* factorizations done */
} nr_ws;

/* Build the workspace for buses `bus[0..nbus-1]` (sorted ascending) with
 * roles kind[b] (indexed by bus, NR_FIXED/NR_PV/NR_PQ). */
int nr_setup(nr_ws *w, const gr_csc *Y, int nb, int nbus, const int *bus, const int *kind);
void nr_free(nr_ws *w);

/* Newton iterations from the voltages vm/va (indexed by bus, pu/rad; only
 * the set's entries are read and written). sp/sq: scheduled injections
 * (pu). Stops when max |mismatch| <= tol or after max_iter iterations.
 * Returns GR_OK (check *converged) or GR_ENOMEM. */
int nr_solve(nr_ws *w, const double *sp, const double *sq, double *vm, double *va, double tol,
             int max_iter, int *converged, int *iterations, double *mismatch);

/* The Newton iteration of nr_solve (chord steps: newton.c's DESIGN note)
 * on callbacks, so that another Jacobian layout (pf_reuse.c's fixed
 * pattern) runs the same loop: voltage: V exactly from vm/va; mismatch: F
 * at the current V, returns max |F| (NaN if any); factor: fill J at the
 * current V and factorise (GR_OK, GR_ENOMEM, anything else: singular);
 * solve: dx = J^-1 F; step: vm/va -= sign dx, V turned to match. */
typedef struct nr_ops {
    void *ctx;
    void (*voltage)(void *ctx);
    double (*mismatch)(void *ctx);
    int (*factor)(void *ctx);
    void (*solve)(void *ctx);
    void (*step)(void *ctx, double sign);
} nr_ops;

/* chord: 1 when the factors already there may serve the first step (a
 * chord step first). Returns GR_OK (check *converged) or GR_ENOMEM. */
int nr_iterate(const nr_ops *o, double tol, int max_iter, int chord, int *converged,
               int *iterations, double *mismatch);

/* Turn and scale V = *vr + j *vi by a Newton step: V *= scale e^{j dva},
 * where vm, va are the new magnitude and angle. cos and sin of a small dva
 * (|dva| <= 0.05 rad) by their series (truncation below 1e-16), and V
 * recomputed from vm, va otherwise. */
static inline void nr_rotate(double *vr, double *vi, double vm, double va, double dva,
                             double scale)
{
    if (dva == 0.0 && scale == 1.0)
        return;
    if (fabs(dva) <= 0.05 && isfinite(scale)) {
        double d2 = dva * dva;
        double cs = 1.0 - d2 * (0.5 - d2 * (1.0 / 24 - d2 * (1.0 / 720 - d2 / 40320)));
        double sn = dva * (1.0 - d2 * (1.0 / 6 - d2 * (1.0 / 120 - d2 / 5040)));
        double r = *vr, i = *vi;
        *vr = scale * (r * cs - i * sn);
        *vi = scale * (r * sn + i * cs);
    } else {
        *vr = vm * cos(va);
        *vi = vm * sin(va);
    }
}

/* Complex injections S = V conj(Y V) at the set's buses into p/q (indexed by bus). */
void nr_injections(nr_ws *w, const double *vm, const double *va, double *p, double *q);

#endif
