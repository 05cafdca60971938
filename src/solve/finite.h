/* finite.h — the one check that a solve's outputs are finite, shared by the AC and DC power flows, contingencies, sensitivities and cascades. */
#ifndef GRIDRES_FINITE_H
#define GRIDRES_FINITE_H

#include <stddef.h>

#include "gridres.h"

/* The outputs of one solve, indexed as the grid; a NULL array is not part of
 * it. A bus is live when bus_live[b] (when given) and, when bus_island is
 * given, island_ok[bus_island[b]] == 1; generators and branches are live
 * with their (from) bus. */
typedef struct solve_outputs {
    const double *vm, *va;              /* nb */
    const double *pg, *qg;              /* ng */
    const double *pf, *qf, *pt, *qt;    /* nl */
    const unsigned char *bus_live;      /* nb, or NULL */
    const int *bus_island, *island_ok;  /* nb and islands, or NULL */
    const unsigned char *br_skip;       /* nl: 1 for branches not part of the result, or NULL */
} solve_outputs;

/* Where the first non-finite output is. */
typedef struct solve_nonfinite {
    int kind;           /* GR_ELEM_BUS, GR_ELEM_GEN, GR_ELEM_BRANCH */
    int index;          /* 0-based row */
    int bus;            /* the bus it belongs to (a branch: its from bus) */
    const char *what;   /* "voltage magnitude", "active flow", ... */
} solve_nonfinite;

/* 1 when every output of every live element is finite; else 0 with *where
 * (may be NULL) naming the first one (buses, then generators, then branches). */
int solve_outputs_finite(const gr_grid *g, const solve_outputs *o, solve_nonfinite *where);

/* That message, "non-finite voltage magnitude at bus 14", into buf. */
void solve_nonfinite_text(const gr_grid *g, const solve_nonfinite *w, char *buf, size_t len);

/* Index of the first non-finite x[0..n-1], or -1 (dense outputs: PTDF, LODF). */
long solve_first_nonfinite(const double *x, size_t n);

/* The check applied to a power-flow result before it is reported: every
 * island marked converged whose outputs are not all finite becomes not
 * converged (its numbers NaN, as every failed island's), r->converged = 0,
 * r->fail = GR_PF_FAIL_NONFINITE with the element in r->reason (unless an
 * earlier reason is set), max_mismatch NaN. Returns 1 when r was all finite. */
int pf_result_check_finite(const gr_grid *g, gr_pf_result *r);

/* Set r->fail and r->reason unless a reason is already there (the first
 * failed island's is kept); printf-style. */
void pf_result_fail(gr_pf_result *r, int fail, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
