/* matpower.h — private to src/io: MATPOWER case-format constants shared by reader and writer. */
#ifndef GRIDRES_IO_MATPOWER_H
#define GRIDRES_IO_MATPOWER_H

#include "gridres.h"

/* Column counts of MATPOWER's caseformat (version 2). */
enum {
    MP_BUS_COLS = 13,         /* BUS_I .. VMIN */
    MP_GEN_MIN_COLS = 10,     /* GEN_BUS .. PMIN are required */
    MP_GEN_COLS = 21,         /* .. APF; 22-25 (MU_*) are OPF results, kept as extra */
    MP_BRANCH_MIN_COLS = 11,  /* F_BUS .. BR_STATUS are required */
    MP_BRANCH_COLS = 13,      /* .. ANGMAX; 14+ (PF, QF, PT, QT, MU_*) are results */
    MP_GENCOST_MIN_COLS = 4   /* MODEL STARTUP SHUTDOWN NCOST, then coefficients */
};

/* Shortest of %.15g/%.16g/%.17g that reads back to the same double, or
 * "Inf"/"-Inf"/"NaN" (MATLAB spellings). buf must hold 32 bytes. */
void gr_mp_format_double(double v, char *buf);

/* gr_case_read for a MATPOWER file (case.c dispatches by extension). */
int mp_case_read(const char *path, gr_case **out, gr_error *err);

#endif
