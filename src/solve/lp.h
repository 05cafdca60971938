/* lp.h — linear programming behind one wrapper (COIN-OR CLP today): load a problem column-wise or row-wise, solve, read the solution. */
#ifndef GRIDRES_LP_H
#define GRIDRES_LP_H

/* The problem is always
 *     minimise    c' x
 *     subject to  rlo <= A x <= rup,   clo <= x <= cup
 * with A an m x n sparse matrix. Infinite bounds are +-HUGE_VAL (LP_INF).
 * Only lp_clp.c includes the solver's header: swapping the solver means
 * rewriting that one file.
 *
 * Out of memory inside CLP: CLP is C++ and reports a failed allocation by
 * throwing std::bad_alloc. Every call that can allocate (lp_create, the
 * loads, lp_add_rows, the solves) catches it at the wrapper (coin_guard.h)
 * and returns GR_ENOMEM (GR_ELP for any other C++ exception); the problem
 * is then unusable: later loads and solves return GR_ENOMEM, the setters do
 * nothing, and lp_free releases the wrapper but not CLP's half-updated
 * model (leaked on purpose: deleting it could free twice). */
#include <math.h>

#define LP_INF HUGE_VAL

/* Outcome of a solve. A solve that ran is not an error: the status says
 * whether it found an optimum. */
typedef enum {
    LP_OPTIMAL = 0,
    LP_INFEASIBLE = 1,   /* primal infeasible */
    LP_UNBOUNDED = 2,    /* dual infeasible */
    LP_STOPPED = 3,      /* iteration or time limit */
    LP_FAILED = 4        /* numerical trouble inside the solver */
} lp_status;

/* An LP workspace (one solver model). Not shared between threads: each
 * worker owns its own; separate workspaces may be used concurrently. */
typedef struct lp_problem lp_problem;

/* Create an empty problem, quiet (solver log level 0). GR_ENOMEM on failure. */
int lp_create(lp_problem **out);
/* NULL is fine. */
void lp_free(lp_problem *lp);

/* Load a problem, replacing any earlier one. A is given column-wise (CSC:
 * Ap n+1 column pointers, Ai row indices, Ax values; no duplicate entries
 * in a column). clo/cup/c have n entries, rlo/rup m entries; NULL means the
 * solver default (clo 0, cup +inf, c 0, rlo -inf, rup +inf). The arrays are
 * copied; the caller keeps them. GR_EINVAL for bad sizes. */
int lp_load_cols(lp_problem *lp, int m, int n, const int *Ap, const int *Ai, const double *Ax,
                 const double *clo, const double *cup, const double *c, const double *rlo,
                 const double *rup);

/* The same with A given row-wise (CSR: Ap m+1 row pointers, Ai column
 * indices). Transposed into column form internally (O(nnz), gr_malloc). */
int lp_load_rows(lp_problem *lp, int m, int n, const int *Ap, const int *Ai, const double *Ax,
                 const double *clo, const double *cup, const double *c, const double *rlo,
                 const double *rup);

/* Append nrows rows to the loaded problem, given row-wise (CSR: Rp nrows+1
 * pointers, Rj column indices, Rx values) with bounds rlo/rup. The new rows'
 * logicals are basic and the rest of the last basis is kept, so the next
 * lp_solve_dual (or lp_resolve) warm-starts from it: a basis that was dual
 * feasible stays so, and the dual simplex works off the new rows' violations
 * (cutting planes, lazily added constraints). GR_EINVAL for bad indices. */
int lp_add_rows(lp_problem *lp, int nrows, const int *Rp, const int *Rj, const double *Rx,
                const double *rlo, const double *rup);

/* Perturbation of the simplex (CLP: 50 = always, 100 = CLP decides, the
 * default). On, degenerate LPs (many columns with the same cost, as loads of
 * one class) take far fewer iterations: 115 -> 8 a solve on the campaign's
 * distribution-factor LPs. The optimum is cleaned of the perturbation. */
void lp_set_perturbation(lp_problem *lp, int on);

/* Change bounds of one column / one row of the loaded problem (a later
 * lp_resolve warm-starts from the last basis). */
void lp_set_col_bounds(lp_problem *lp, int j, double lo, double up);
void lp_set_row_bounds(lp_problem *lp, int i, double lo, double up);

/* A starting basis: one status per column (n) and per row (m, the row's
 * logical) — LP_BASIC, or nonbasic at a bound. For a row, LP_AT_LOWER means
 * its activity A x sits at rlo. The next lp_solve_dual starts from it. */
enum { LP_BASIC = 1, LP_AT_UPPER = 2, LP_AT_LOWER = 3 };
void lp_set_basis(lp_problem *lp, const unsigned char *col_status,
                  const unsigned char *row_status);
/* Dual simplex from the basis set by lp_set_basis (or the last one), no
 * presolve: fast when the basis is dual feasible and few rows are violated. */
int lp_solve_dual(lp_problem *lp, lp_status *status);

/* Solve from scratch (presolve, then dual simplex). *status receives the
 * outcome. Returns GR_OK when the solver ran (whatever the status),
 * GR_EINVAL when nothing is loaded. */
int lp_solve(lp_problem *lp, lp_status *status);
/* Re-solve after bound changes by dual simplex from the current basis. */
int lp_resolve(lp_problem *lp, lp_status *status);

/* Results of the last solve (pointers valid until the next load or solve). */
int lp_iterations(const lp_problem *lp);
double lp_objective(const lp_problem *lp);
const double *lp_primal(const lp_problem *lp);       /* n: x */
const double *lp_row_activity(const lp_problem *lp); /* m: A x */
const double *lp_dual(const lp_problem *lp);         /* m: row duals (shadow prices) */
const double *lp_reduced_cost(const lp_problem *lp); /* n: reduced costs */

/* A short text for a status ("optimal", "infeasible", …). */
const char *lp_status_name(lp_status s);

#endif /* GRIDRES_LP_H */
