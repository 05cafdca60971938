/* dc.h — the DC (B-theta) network model shared by the DC power flow and the sensitivities. */
#ifndef GRIDRES_DC_H
#define GRIDRES_DC_H

#include "gridres.h"
#include "solve/lu.h"

/* MATPOWER makeBdc on the energised network, reduced to the non-reference
 * buses of live islands and factorised once. */
typedef struct dc_system {
    int nb, nl;
    int n;          /* unknown angles */
    int *col;       /* nb: unknown index of the bus, -1 for references, dark and isolated buses */
    int *bus_of;    /* n: bus of each unknown */
    double *b;      /* nl: branch susceptance 1/(x tap), 0 when not energised */
    double *pfinj;  /* nl: flow injection of the phase shift, -b * shift */
    double *pbusinj;/* nb: bus injection of the phase shifts */
    gr_csc *B;      /* n x n reduced Bbus */
    lu_solver *lu;  /* its factors */
} dc_system;

/* Build and factorise. Returns GR_ESINGULAR when the reduced B is singular
 * (a branch with x = 0 in a live island, say). */
int dc_system_build(const gr_grid *g, const gr_islands *isl, dc_system *dc);
void dc_system_free(dc_system *dc);

/* The reference bus's generators close the island's balance, as MATPOWER's
 * rundcpf: the first energisable unit at bus `ref` takes the bus's net
 * injection pinj_ref (pu, flows out) plus its load and shunt loss, less the
 * other units at the bus; pg (ng, pu) is updated in place. */
void dc_slack_dispatch(const gr_grid *g, int ref, double pinj_ref, double *pg);

#endif
