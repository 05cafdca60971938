/* gridres.h — the one public header of libgridres, and its API reference. */
#ifndef GRIDRES_H
#define GRIDRES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GRIDRES_VERSION "0.1.0"

/* ------------------------------------------------------------------------
 * Status codes. GR_OK is zero, errors are negative. One X-macro list drives
 * the enum, gr_strerror() and gr_err_name().
 * ------------------------------------------------------------------------ */
#define GR_STATUS_MAP(X)                                        \
    X(OK, 0, "success")                                         \
    X(ENOMEM, -1, "out of memory")                              \
    X(EINVAL, -2, "invalid argument")                           \
    X(EPARSE, -3, "malformed input")                            \
    X(EIO, -4, "input/output error")                            \
    X(ESINGULAR, -5, "singular matrix")                         \
    X(ELP, -6, "linear program failed")                         \
    X(ENOTFOUND, -7, "not found")                               \
    X(EINFEASIBLE, -8, "problem is infeasible")                 \
    X(EEXIST, -9, "already exists")

typedef enum {
#define GR_STATUS_ENUM(name, code, text) GR_##name = code,
    GR_STATUS_MAP(GR_STATUS_ENUM)
#undef GR_STATUS_ENUM
} gr_status;

/* Text for a status ("out of memory"); never NULL. */
const char *gr_strerror(int status);
/* Name of a status ("GR_ENOMEM"); never NULL. */
const char *gr_err_name(int status);

/* Error details. Functions that can fail take an optional gr_error *err
 * (NULL is fine) and write a one-line message into it: for parse errors
 * "file:line:col: expected …, found …". */
#define GR_ERROR_MAX 512
typedef struct gr_error {
    int status;               /* the gr_status returned */
    char msg[GR_ERROR_MAX];   /* human-readable, one line, no trailing newline */
} gr_error;

/* Fill err (if not NULL) with status and a printf-style message; returns status. */
int gr_error_set(gr_error *err, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ------------------------------------------------------------------------
 * Allocation. Every allocation in the library goes through these, so that
 * tests can make the Nth allocation fail (gr_alloc_fail_after).
 * ------------------------------------------------------------------------ */
void *gr_malloc(size_t size);
void *gr_calloc(size_t count, size_t size);
void *gr_realloc(void *ptr, size_t size);
void gr_free(void *ptr);
/* Test hook: after n more successful allocations, every allocation fails.
 * n < 0 switches failure injection off. Not thread-safe; tests only. */
void gr_alloc_fail_after(long n);

/* ------------------------------------------------------------------------
 * MATPOWER case data, exactly as in the file (MW, MVAr, degrees, external
 * bus numbers). Structs of arrays, one per table. The reader fills every
 * column; optional columns absent from the file get MATPOWER's defaults.
 * ------------------------------------------------------------------------ */

/* MATPOWER bus types. */
enum { GR_BUS_PQ = 1, GR_BUS_PV = 2, GR_BUS_REF = 3, GR_BUS_ISOLATED = 4 };

typedef struct gr_bus_table {
    int n;              /* rows */
    int *bus_i;         /* external bus number (positive, unique) */
    int *type;          /* GR_BUS_PQ/PV/REF/ISOLATED */
    double *pd_mw, *qd_mvar;   /* constant-power load */
    double *gs_mw, *bs_mvar;   /* shunt at V = 1 pu */
    int *area;
    double *vm_pu, *va_deg;    /* voltage (initial guess / solution) */
    double *base_kv;
    int *zone;
    double *vmax_pu, *vmin_pu;
    int n_extra;        /* columns beyond the 13 standard ones (e.g. OPF lambdas) */
    double *extra;      /* n * n_extra, row-major; NULL when n_extra == 0 */
    int *line;          /* source line of each row, or NULL when not read from a file */
} gr_bus_table;

typedef struct gr_gen_table {
    int n;
    int *bus;                  /* external bus number */
    double *pg_mw, *qg_mvar;
    double *qmax_mvar, *qmin_mvar;
    double *vg_pu, *mbase_mva;
    int *status;               /* > 0 in service */
    double *pmax_mw, *pmin_mw;
    /* columns 11-21 (PC1 … APF); 0 when absent in the file */
    double *pc1, *pc2, *qc1min, *qc1max, *qc2min, *qc2max;
    double *ramp_agc, *ramp_10, *ramp_30, *ramp_q, *apf;
    int n_cols_in_file;        /* how many of the 21 standard columns the file had (10..21) */
    int n_extra;               /* columns beyond 21, kept for the writer */
    double *extra;             /* n * n_extra, row-major */
    int *line;                 /* source line of each row, or NULL */
} gr_gen_table;

typedef struct gr_branch_table {
    int n;
    int *f_bus, *t_bus;        /* external bus numbers */
    double *r_pu, *x_pu, *b_pu;
    double *rate_a_mva, *rate_b_mva, *rate_c_mva;  /* 0 = unlimited */
    double *tap;               /* off-nominal ratio, 0 = line (1.0) */
    double *shift_deg;         /* phase shift */
    int *status;               /* > 0 in service */
    double *angmin_deg, *angmax_deg;  /* -360/360 when absent */
    int n_cols_in_file;        /* 11..13 standard columns read */
    int *line;                 /* source line of each row, or NULL */
} gr_branch_table;

typedef struct gr_gencost_table {
    int n;            /* rows (ng or 2*ng), 0 when the file has none */
    int cols;         /* columns of the widest row */
    double *x;        /* n * cols, row-major; short rows padded with 0 */
} gr_gencost_table;

typedef struct gr_case {
    char *path;                /* file it was read from, or NULL */
    char *name;                /* from "function mpc = NAME", or NULL */
    double base_mva;
    gr_bus_table bus;
    gr_gen_table gen;
    gr_branch_table branch;
    gr_gencost_table gencost;
    char **bus_name;           /* bus.n strings, or NULL when the file has none */
} gr_case;

/* Read a MATPOWER version-2 case. `path` names the file in messages.
 * On error returns GR_EPARSE/GR_EIO/GR_ENOMEM, sets *out = NULL and writes
 * "path:line:col: …" into err. The caller frees *out with gr_case_free. */
int gr_case_read(const char *path, gr_case **out, gr_error *err);
/* Same, from a memory buffer of len bytes; `name` is used in messages. */
int gr_case_parse(const char *text, size_t len, const char *name, gr_case **out,
                  gr_error *err);
/* Write a MATPOWER version-2 case that gr_case_read reads back identically
 * (numbers printed with %.17g). `fname` is the function name, or NULL. */
int gr_case_write(const gr_case *c, const char *path, gr_error *err);
/* Allocate an empty case with the given table sizes (all zeros, defaults for
 * angmin/angmax, vm = 1, gen status 1, branch status 1, gen column count 21). */
int gr_case_alloc(int nb, int ng, int nl, gr_case **out);
/* Deep copy. */
int gr_case_copy(const gr_case *c, gr_case **out);
void gr_case_free(gr_case *c);

/* ------------------------------------------------------------------------
 * Grid model: per unit, 0-based indices, structs of arrays. Built from a
 * case; simulations change statuses and loads of their own copy.
 * ------------------------------------------------------------------------ */
typedef struct gr_grid {
    int nb, ng, nl;
    double base_mva;
    /* bus */
    int *bus_id;        /* external number of bus k */
    int *bus_type;      /* type from the case (GR_BUS_*) */
    double *pd, *qd;    /* load, pu */
    double *gs, *bs;    /* shunt, pu at 1 pu voltage */
    double *vm0, *va0;  /* initial voltage from the case (pu, rad) */
    double *base_kv;
    double *vmax, *vmin;
    /* generator */
    int *gen_bus;       /* bus index */
    int *gen_on;        /* 1 in service */
    double *pg, *qg;    /* pu */
    double *qmax, *qmin, *pmax, *pmin;  /* pu (±HUGE_VAL allowed) */
    double *vg;         /* voltage set point, pu */
    double *apf;        /* participation factor (distributed slack) */
    /* branch */
    int *br_f, *br_t;   /* bus indices */
    int *br_on;         /* 1 in service */
    double *br_r, *br_x, *br_b;
    double *br_tap;     /* 1.0 for lines */
    double *br_shift;   /* rad */
    double *rate_a, *rate_b, *rate_c;  /* pu (MVA / base); 0 = unlimited */
} gr_grid;

/* Build a grid from a case: maps bus numbers to indices, converts to per unit.
 * Errors (GR_EPARSE): unknown bus number in gen/branch, duplicate bus number. */
int gr_grid_from_case(const gr_case *c, gr_grid **out, gr_error *err);
int gr_grid_copy(const gr_grid *g, gr_grid **out);
void gr_grid_free(gr_grid *g);
/* Index of external bus number `id`, or -1. O(log nb). */
int gr_grid_bus_index(const gr_grid *g, int id);

/* Islands: connected components of in-service branches over buses that are
 * not isolated (type 4). Each island with an in-service generator has one
 * reference bus: the case's REF bus if it is inside, else the bus of its
 * largest in-service generator (by pmax). An island without generation is
 * dark (ref = -1). Isolated buses (type 4) belong to no island (-1). */
typedef struct gr_islands {
    int nb;
    int n;              /* number of islands */
    int *bus_island;    /* nb: island of each bus, -1 for isolated */
    int *ref;           /* n: reference bus index per island, -1 if dark */
    int *n_bus;         /* n: buses per island */
} gr_islands;

/* Compute islands. Returns GR_EPARSE (with err naming the two buses) when
 * one island holds two REF buses and `strict` is set. */
int gr_islands_find(const gr_grid *g, int strict, gr_islands **out, gr_error *err);
void gr_islands_free(gr_islands *isl);

/* ------------------------------------------------------------------------
 * Sparse matrices (compressed sparse column, CSparse names).
 * ------------------------------------------------------------------------ */
typedef struct gr_csc {
    int m, n;       /* rows, columns */
    int *p;         /* column pointers, n+1 */
    int *i;         /* row indices, nnz */
    double *x;      /* values (real part), nnz, or NULL for pattern only */
    double *z;      /* imaginary part, nnz, or NULL for real matrices */
} gr_csc;

void gr_csc_free(gr_csc *A);

/* Admittance matrices (pu) of the in-service branches and bus shunts,
 * as MATPOWER's makeYbus: Ybus (nb x nb), Yf and Yt (nl x nb). Rows of
 * out-of-service branches in Yf/Yt are empty. Any output may be NULL. */
int gr_ybus_build(const gr_grid *g, gr_csc **ybus, gr_csc **yf, gr_csc **yt);

/* ------------------------------------------------------------------------
 * Power flow.
 * ------------------------------------------------------------------------ */
typedef struct gr_pf_options {
    double tol;         /* max |mismatch| in pu (default 1e-8, MATPOWER) */
    int max_iter;       /* Newton iterations (default 10, MATPOWER) */
    int enforce_q_lims; /* 1: PV->PQ at limits, as MATPOWER pf.enforce_q_lims = 1 */
    int max_q_rounds;   /* outer Q-limit rounds (default 50) */
    int flat_start;     /* 1: Vm = 1 (Vg at PV/REF), Va = 0; 0: start from case voltages */
    int distributed_slack; /* 1: island's slack shared by gens in proportion to apf (or pmax) */
} gr_pf_options;

void gr_pf_options_default(gr_pf_options *opt);

typedef struct gr_pf_result {
    int nb, ng, nl;
    int converged;      /* 1 when every island with generation converged */
    int iterations;     /* Newton iterations, summed over islands and Q rounds */
    double max_mismatch;/* final max |mismatch| (pu) */
    int n_islands, n_dark_islands;
    double solve_s;     /* wall time of the solve */
    /* bus */
    double *vm, *va;    /* pu, rad */
    int *bus_type;      /* final types (PV->PQ switches, new REF) */
    /* gen, pu (0 for out of service) */
    double *pg, *qg;
    /* branch flows, pu, at the from and to ends (0 for out of service) */
    double *pf, *qf, *pt, *qt;
    double loss_p, loss_q; /* total losses, pu */
    double dark_load_p;    /* load in dark islands and isolated buses, pu */
} gr_pf_result;

/* AC power flow by Newton-Raphson (polar, KLU). Each island with generation
 * is solved with its own reference. Non-convergence is a result
 * (converged = 0), not an error. Caller frees *out with gr_pf_result_free. */
int gr_pf_ac(const gr_grid *g, const gr_pf_options *opt, gr_pf_result **out,
             gr_error *err);
/* DC power flow (B-theta, with phase shifters and shunts), MATPOWER's model. */
int gr_pf_dc(const gr_grid *g, gr_pf_result **out, gr_error *err);
int gr_pf_result_alloc(int nb, int ng, int nl, gr_pf_result **out);
void gr_pf_result_free(gr_pf_result *r);

/* Largest |P| and |Q| mismatch (pu) of a result recomputed from its voltages
 * and generator outputs through Ybus: an independent residual check. */
int gr_pf_residual(const gr_grid *g, const gr_pf_result *r, double *max_p,
                   double *max_q);

/* ------------------------------------------------------------------------
 * Utilities.
 * ------------------------------------------------------------------------ */
/* Monotonic wall clock, seconds. */
double gr_time_s(void);

/* Deterministic random numbers (xoshiro256**, seeded by splitmix64). */
typedef struct gr_rng { uint64_t s[4]; } gr_rng;
void gr_rng_seed(gr_rng *r, uint64_t seed);
uint64_t gr_rng_next(gr_rng *r);
double gr_rng_uniform(gr_rng *r);              /* [0, 1) */
double gr_rng_normal(gr_rng *r);               /* N(0, 1) */
/* Independent stream `k` of a master seed (for per-scenario seeding). */
void gr_rng_stream(gr_rng *r, uint64_t seed, uint64_t k);

#ifdef __cplusplus
}
#endif
#endif /* GRIDRES_H */
