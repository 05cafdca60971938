/* pf_internal.h — helpers shared by the AC and DC power flows. */
#ifndef GRIDRES_PF_INTERNAL_H
#define GRIDRES_PF_INTERNAL_H

#include "gridres.h"
#include "solve/lu.h"

/* Copy island numbering and references into the result; dark islands get -1. */
int pf_result_set_islands(gr_pf_result *r, const gr_islands *isl);
/* Branch flows and losses from r->vm/va (AC); vr, vi: nb doubles of scratch. */
void pf_branch_flows(const gr_grid *g, gr_pf_result *r, double *vr, double *vi);

/* Newton on a fixed Jacobian pattern for the islands of one bus set
 * (pf_reuse.c; its DESIGN note). */
typedef struct pf_big {
    int nb, nbus, n;   /* buses of the grid, of the set; unknowns */
    int *bus;          /* nbus, ascending */
    int *acol, *mcol;  /* nbus: unknown of the angle / magnitude (n: none) */
    int *loc;          /* nb: position in bus, or -1 */
    gr_csc *Y;         /* the set's Ybus columns, fixed pattern, current values */
    gr_csc *J;         /* n x n, rows and columns by unknown */
    int *jcol;         /* J entry -> its column */
    int *slot;         /* 4 per Y entry: J11 J12 J21 J22 positions */
    int nzj;
    lu_solver *lu;
    double *F, *dx;    /* n */
    double *vr, *vi, *ir, *ii; /* nb */
    unsigned char *var, *in;   /* n: an unknown of this solve; nb: in its island */
    int fresh;         /* 1: the next factorisation must not depend on the last ones:
                          on jref's pivots when there is a jref, else pivots afresh */
    double *jref;      /* nzj: a fixed J (pf_big_reference), or NULL */
    int refpiv;        /* the factors have jref's pivots (no fresh pivoting since) */
    unsigned char *fvar; /* n: var of the last factorisation */
    int factored;      /* the factors are those of fvar's unknowns */
    int *mask, nmask;  /* J entries of a row or column that is not an unknown */
    unsigned char *mvar; /* n: var when mask was listed */
    int masked;        /* mask is listed (for mvar) */
} pf_big;

/* bus[0..nbus-1]: an island of Y (closed under its pattern), ascending;
 * pv[b] (by bus): no magnitude unknown for bus b (a solve that needs one
 * is not covered). */
int pf_big_create(const gr_csc *Y, int nbus, const int *bus, const unsigned char *pv,
                  pf_big **out);
void pf_big_free(pf_big *w);
/* The reference J of w: the Jacobian of the whole set at the voltages
 * vm/va (by bus; NULL or not finite: a flat start), the angle of bus fixed
 * (not in the set: bus[0]), every other unknown one. A solve marked fresh
 * refactors on its pivots instead of pivoting afresh (jref pivoted once,
 * again only after a fresh pivoting since). */
int pf_big_reference(pf_big *w, const double *vm, const double *va, int fixed);
/* Values from E (the current Ybus); GR_EINVAL when E has an entry the
 * pattern lacks. */
int pf_big_values(pf_big *w, const gr_csc *E);
/* 1 when the island bus[0..nbus-1] lies in the set, is large enough for it
 * and its PQ buses (kind, by bus; NULL: not checked) have their magnitude
 * unknowns. */
int pf_big_covers(const pf_big *w, int nbus, const int *bus, const int *kind);
/* As nr_solve (newton.h) for the island (roles kind[b], indexed by bus). */
int pf_big_solve(pf_big *w, const int *bus, int nbus, const int *kind, const double *sp,
                 const double *sq, double *vm, double *va, double tol, int max_iter,
                 int *converged, int *iterations, double *mismatch);
/* As nr_injections for the island. */
void pf_big_injections(pf_big *w, const int *bus, int nbus, const double *vm, const double *va,
                       double *p, double *q);

/* Keep solver s for grid g after a topology change (branches out, units
 * out, bus roles): islands recomputed, Ybus on the pattern s had, Newton
 * workspaces of islands whose bus set did not change kept (analysis and
 * pivots reused). Branches switched in since gr_pf_solver_create are not
 * supported: create a new solver then. */
int pf_solver_update(gr_pf_solver *s, const gr_grid *g, gr_error *err);
/* The next pf_solver_update starts afresh (Ybus pattern, workspaces and
 * pivots as a new solver would have them; the fixed-pattern Newton keeps its
 * analysis): what follows does not depend on what the solver did before. */
void pf_solver_restart(gr_pf_solver *s);
/* pf_solver_update on g now, the fixed-pattern Newton's reference
 * Jacobians (pf_big_reference) at the voltages vm/va (by bus: a solution of
 * g, so that its pivots suit the solves that follow). */
int pf_solver_base(gr_pf_solver *s, const gr_grid *g, const double *vm, const double *va,
                   gr_error *err);

#endif
