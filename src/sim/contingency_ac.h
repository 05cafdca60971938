/* contingency_ac.h — state of the AC contingency engine (contingency_ac.c) and its chord-Newton kernel (contingency_ac_newton.c). */
#ifndef GRIDRES_CONTINGENCY_AC_H
#define GRIDRES_CONTINGENCY_AC_H

#include "sim/contingency_internal.h"
#include "solve/newton.h"

/* Largest change of the Jacobian (unknowns) applied through the base factors. */
#define SMW_MAX 12

typedef struct ac_shared {
    const gr_grid *g;
    const gr_pf_options *pf;
    gr_islands *isl;
    gr_pf_result *base;
    gr_csc *Y;
    nr_ws proto;            /* pattern, slot map and symbolic LU of the base roles */
    int proto_ok;
    int *kind;              /* nb: NR_FIXED / NR_PV / NR_PQ in the base case */
    unsigned char *live;    /* nb: bus in an island with generation (in proto's set) */
    double *sp, *sq;        /* nb: scheduled injections */
    double *Jx0;            /* base Jacobian values (the reference pivots) */
    lu_factors *f0;         /* the base Jacobian's factors, copied out, shared read-only */
    double *vr0, *vi0;      /* nb: base voltages, rectangular */
    int *bus_pos;           /* nb: position of the bus in proto.bus, or -1 */
    int *ypos;              /* 4 nl: Ybus entries (f,f) (f,t) (t,f) (t,t), -1 if not energised */
    int *tpos;              /* Ybus entries: position of the transposed entry ((i,k) -> (k,i)),
                               NULL when the pattern is not symmetric (then no gather) */
    double *yb;             /* 8 nl: yff, yft, ytf, ytt (re, im) */
    ctg_tree tree;          /* bridges and the sides they cut off */
    int *gen_ptr, *gen_list;/* energised generators by bus */
    int max_el;
} ac_shared;

typedef struct ac_thread {
    gr_csc Y;               /* shared pattern, own values */
    double *gx, *gz;        /* Y's values transposed (gx[q] = Y.x[tpos[q]]): I by rows */
    double *Jx;
    lu_solver *lu;          /* refactored per contingency when needed */
    double *F, *dx, *vr, *vi, *ir, *ii;
    int smw_idx[SMW_MAX], smw_s; /* unknowns (rows = columns) of the low-rank change */
    double smw_D[SMW_MAX * SMW_MAX], smw_M[SMW_MAX * SMW_MAX]; /* D and I + Z D, column-major */
    int smw_piv[SMW_MAX];
    /* sparse vectors of the change (smw_setup): a_j = L0^-1 P0 e_j (columns) and
     * the rows of Q0 U0^-1 (rows), j over smw_idx, packed in a pool of smw_cap */
    int smw_a[SMW_MAX + 1], smw_b[SMW_MAX + 1]; /* starts in the pool */
    int *smw_pi, smw_cap;
    double *smw_pv;
    double *smw_work;       /* n zeros between uses */
    double *smw_c;          /* n: the half-solved right-hand side */
    int *ubus, nubus;       /* buses whose rows and columns change (SMW_MAX) */
    double *vm, *va, *sp;
    double *vm_start, *va_start; /* nb: the start, for a second attempt */
    unsigned char *mask_a, *mask_m, *bus_ok, *br_out;
    double *pf, *qf, *pt, *qt;
    double *ysave;          /* 8 per outaged branch */
    int *br, *gen;
    gr_grid *gc;
} ac_thread;

/* V = vm e^{j va} at the set's buses, exactly. */
void ctg_ac_voltage_exact(const nr_ws *w, ac_thread *t);
/* I = Y V over the set. */
void ctg_ac_compute_current(const nr_ws *w, ac_thread *t);
/* Jacobian values at t's V and I into t->Jx (masked: identity rows and empty
 * columns of the masked unknowns). */
void ctg_ac_fill_jacobian(const nr_ws *w, ac_thread *t, int masked);
/* Chord-Newton from t->vm/va; see the definition for smw, newton and the
 * outputs. GR_OK or GR_ENOMEM. */
int ctg_ac_chord_newton(const ac_shared *sh, ac_thread *t, int masked, int smw, int newton,
                        int *converged, int *iterations, double *mis, int *repivot);

#endif
