/* mip.h — mixed-integer programming behind one wrapper (COIN-OR CBC today): load, solve with a time limit, read the solution and bound. */
#ifndef GRIDRES_MIP_H
#define GRIDRES_MIP_H

/* The problem is
 *     minimise    c' x
 *     subject to  rlo <= A x <= rup,   clo <= x <= cup,   x_j integer where is_int[j]
 * with A an m x n sparse matrix given column-wise (CSC). Infinite bounds are
 * +-HUGE_VAL. Only mip_cbc.c includes the solver's header. */

typedef enum {
    MIP_OPTIMAL = 0,     /* proven optimal (within the relative gap) */
    MIP_FEASIBLE = 1,    /* a solution, not proven optimal (time limit) */
    MIP_INFEASIBLE = 2,  /* proven infeasible (never said of a search the time limit stopped) */
    MIP_NOSOLUTION = 3,  /* time limit, no feasible solution found */
    MIP_FAILED = 4       /* the solver gave up (numerical trouble, unbounded) */
} mip_status;

typedef struct mip_options {
    double time_limit_s;   /* wall seconds (> 0; default 60 when <= 0) */
    double rel_gap;        /* stop when (incumbent - bound) <= rel_gap |incumbent| (default 1e-6) */
    const double *start;   /* n values of a feasible solution (only integer entries are
                              passed on), or NULL */
    int threads;           /* CBC threads; <= 1: none besides the caller's (the default:
                              CBC's "threads 1" would start one worker thread) */
} mip_options;

typedef struct mip_result {
    mip_status status;
    double objective;      /* of the solution found (HUGE_VAL when none) */
    double bound;          /* best lower bound (-HUGE_VAL when unknown) */
    int nodes;             /* branch-and-bound nodes */
    int time_limit;        /* 1: CBC stopped at the time limit */
    double solve_s;
} mip_result;

/* Solve. x (n values, caller's) receives the solution when status is
 * MIP_OPTIMAL or MIP_FEASIBLE. Returns GR_OK when the solver ran (whatever
 * the status), GR_EINVAL for bad sizes, GR_ENOMEM (also when CBC threw
 * std::bad_alloc), GR_ELP when CBC threw anything else. Never prints.
 *
 * CBC runs without its preprocessing (CglPreProcess): CBC 2.10 crashes in
 * CglPreProcess::postProcess when the time limit expires inside the
 * preprocessing (issue 22), and calls a model it stopped there
 * "infeasible". A stop at the time limit is never reported as infeasible:
 * with an incumbent (CBC's, or the start when it satisfies every row) it is
 * MIP_FEASIBLE with CBC's bound, without one MIP_NOSOLUTION. */
int mip_solve(int m, int n, const int *Ap, const int *Ai, const double *Ax, const double *clo,
              const double *cup, const double *c, const double *rlo, const double *rup,
              const unsigned char *is_int, const mip_options *opt, double *x, mip_result *res);

const char *mip_status_name(mip_status s);

#endif /* GRIDRES_MIP_H */
