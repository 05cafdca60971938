/* lu.h — sparse LU behind one wrapper (KLU today): analyse once per pattern, refactor per iteration. */
#ifndef GRIDRES_LU_H
#define GRIDRES_LU_H

/* A factorisation workspace. Not shared between threads: each worker owns one. */
typedef struct lu_solver lu_solver;

int lu_create(lu_solver **out);
void lu_free(lu_solver *lu);

/* Analyse the sparsity pattern of an n x n CSC matrix (ordering, block
 * triangular form). Discards any earlier analysis and factors. */
int lu_analyze(lu_solver *lu, int n, const int *Ap, const int *Ai);

/* Analyse with a given symmetric permutation perm (n entries): row and
 * column k of the permuted matrix are perm[k] of the original. */
int lu_analyze_given(lu_solver *lu, int n, const int *Ap, const int *Ai, const int *perm);

/* Fill-reducing ordering (AMD) of the pattern of A + A'. */
int lu_order_amd(int n, const int *Ap, const int *Ai, int *perm);

/* Factor values Ax on the analysed pattern: a full factorisation (with
 * pivoting) the first time, klu_refactor (same pivots) afterwards; falls
 * back to a full factorisation if the refactored pivots are poor.
 * Returns GR_ESINGULAR for a singular matrix. */
int lu_factor(lu_solver *lu, const int *Ap, const int *Ai, const double *Ax);

/* Force a full factorisation with new pivots. */
int lu_factor_full(lu_solver *lu, const int *Ap, const int *Ai, const double *Ax);

/* Solve A x = b in place (b has n entries). */
int lu_solve(lu_solver *lu, double *b);

/* Solve for nrhs right-hand sides stored column-major in B (n x nrhs). */
int lu_solve_many(lu_solver *lu, int nrhs, double *B);

/* Solve A' x = b in place. */
int lu_solve_transpose(lu_solver *lu, double *b);

/* Shared symbolic analysis, per-thread numerics (contingency analysis).
 * lu_create_sharing makes a solver that borrows `proto`'s symbolic analysis
 * (proto must be analysed and must outlive it) and owns only its numeric
 * factors; free it with lu_free_sharing, never lu_free or lu_analyze. The
 * symbolic object is only read, so several sharing solvers may factor and
 * solve concurrently, one per thread. */
int lu_create_sharing(const lu_solver *proto, lu_solver **out);
void lu_free_sharing(lu_solver *lu);

/* As lu_factor, and *full = 1 when it had to pivot afresh (first factor or
 * poor refactored pivots), else 0: callers that need results independent of
 * what was factored before restore their reference pivots after that. */
int lu_factor_track(lu_solver *lu, const int *Ap, const int *Ai, const double *Ax, int *full);

#endif
