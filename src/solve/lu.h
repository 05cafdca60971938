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

/* The factors of a factored solver, copied out, for solves split in their
 * two triangular halves and for sparse right-hand sides (compensation of a
 * low-rank change, contingency analysis): A(P,Q) = L U, L unit lower and U
 * upper triangular, stored by columns without their diagonals (U's in
 * udiag), U also by rows. Read-only once made: one copy serves every thread. */
typedef struct lu_factors {
    int n;
    int *P, *Pinv, *Q, *Qinv;           /* row and column permutations and inverses */
    int *Lp, *Li;                       /* strictly lower part of L, by columns */
    double *Lx;
    int *Up, *Ui;                       /* strictly upper part of U, by columns */
    double *Ux;
    int *Rp, *Ri;                       /* the same, by rows */
    double *Rx;
    int *LRp, *LRi;                     /* L's strictly lower part by rows (the solves
                                           gather: no scattered stores) */
    double *LRx;
    double *udiag;                      /* diagonal of U */
    double *uinv;                       /* its reciprocals: the solves multiply, never divide */
} lu_factors;

/* Copy out the factors of an lu_solver factored without row scaling (as
 * lu_create sets it). GR_OK, GR_ENOMEM or GR_EINVAL (not factored). */
int lu_extract(const lu_solver *lu, lu_factors **out);
void lu_factors_free(lu_factors *f);

/* c = L^-1 P b: the first half of x = A^-1 b (b and c distinct, n entries). */
void lu_lower_solve(const lu_factors *f, const double *b, double *c);

/* x = Q U^-1 c: the second half (c is overwritten; x distinct, n entries). */
void lu_upper_solve(const lu_factors *f, double *c, double *x);

/* The nonzeros of L^-1 P e_j (e_j: column j of the identity), what
 * lu_lower_solve makes of a unit right-hand side at j: their count, and
 * their positions (ascending) and values in idx and val (room for n). work:
 * n zeros on entry, zeros again on return. */
int lu_lower_unit(const lu_factors *f, int j, double *work, int *idx, double *val);

/* The nonzeros of the row of Q U^-1 that gives entry j of x = Q U^-1 c
 * (x_j = sum val[q] c[idx[q]]): count, positions, values as lu_lower_unit. */
int lu_upper_row(const lu_factors *f, int j, double *work, int *idx, double *val);

#endif
