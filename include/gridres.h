/* gridres.h — the one public header of libgridres, and its API reference. */
#ifndef GRIDRES_H
#define GRIDRES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/* Deterministic random-number generator state (defined under Utilities). */
typedef struct gr_rng gr_rng;

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
/* 1 while the test hook makes every allocation fail (for readers whose
 * third-party parser reports a failed allocation as a syntax error: jansson). */
int gr_alloc_failing(void);
/* For programs (process-wide; the library never calls it): keep freed memory
 * in the process for reuse instead of handing it back to the kernel after
 * every large solve (glibc mallopt; a no-op elsewhere). The gridres program
 * and the benchmarks call it first thing. */
void gr_heap_keep(void);

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
    /* The reader's notes: what a RAW file held that the case cannot (two-terminal
     * DC lines, FACTS, ... skipped) and the assumptions made (switched shunts at
     * BINIT, remote regulation held locally), each "path:line: text" or
     * "path: text". NULL/0 for MATPOWER files. Copied by gr_case_copy. */
    int n_warnings;
    char **warnings;
} gr_case;

/* Every gr_*_read function of a file (cases, overlays, scenarios, damage, costs,
 * contingency lists, geodata) reads only a regular file of at most 1 GiB: a
 * directory, device or FIFO is GR_EIO "path: not a regular file (a WHAT)", a
 * larger file GR_EIO "path: file larger than 1 GiB ...", and a NUL byte in the
 * text GR_EPARSE "path:line:col: NUL byte in a text file" (docs/input_validation.md). */

/* Read a case file: a PSS/E RAW file when the name ends in .raw (any case:
 * .RAW, .Raw), else a MATPOWER version-2 case (the dispatch is by extension,
 * not content). MATPOWER: `path` names the file in messages.
 * Unit conversions appended to a case (`mpc.bus(:, [PD, QD]) = ... / 1e3;`
 * after `[...] = idx_bus;`, as MATPOWER's distribution cases) are evaluated,
 * so the data match MATPOWER's loadcase; unknown fields are skipped.
 * Impossible values (NaN/Inf in impedances, loads, voltages, set points;
 * negative ratings, magnitudes or statuses; an in-service branch with
 * |r| + |x| < 1e-10 pu) are GR_EPARSE naming column and row; the rules are
 * in docs/input_validation.md. On error returns GR_EPARSE/GR_EIO/GR_ENOMEM, sets *out = NULL and writes
 * "path:line:col: …" into err. The caller frees *out with gr_case_free. */
int gr_case_read(const char *path, gr_case **out, gr_error *err);
/* Same, from a memory buffer of len bytes (need not be NUL-terminated);
 * `name` is used in messages; c->path stays NULL. */
int gr_case_parse(const char *text, size_t len, const char *name, gr_case **out,
                  gr_error *err);
/* Read a PSS/E RAW power-flow file, versions 30 to 35 (the version from REV;
 * docs/psse.md), into a MATPOWER-style case as MATPOWER's psse2mpc converts it:
 * loads, fixed shunts, switched shunts at BINIT, generators, branches (line
 * shunts as bus shunts), two- and three-winding transformers (a star bus added
 * per three-winding one, numbered from the next power of ten above the largest
 * bus), v35 switching devices as branches. Records the case cannot hold (DC
 * lines, FACTS, GNE, induction machines, ...) are skipped with a note in
 * c->warnings. Bus names go to bus_name; area, zone and owner names are not kept.
 * Errors: GR_EPARSE "path:line: SECTION, record N, field NAME: message",
 * GR_EIO, GR_ENOMEM; *out = NULL then. */
int gr_case_read_raw(const char *path, gr_case **out, gr_error *err);
/* Same, from a memory buffer of len bytes; `name` is used in messages. */
int gr_case_parse_raw(const char *text, size_t len, const char *name, gr_case **out,
                      gr_error *err);
/* Write a MATPOWER version-2 case that gr_case_read reads back bit-identically
 * (each number in the shortest of %.15g/%.16g/%.17g that reads back exactly;
 * Inf, -Inf, NaN). The function name is c->name, else the file's base name.
 * Writes PATH.tmp.* beside `path`, then renames it over `path`. */
int gr_case_write(const gr_case *c, const char *path, gr_error *err);
/* Allocate an empty case with the given table sizes: all zeros except
 * baseMVA 100, bus type PQ, vm = 1, gen vg = 1 and status 1, branch status 1,
 * angmin/angmax -360/360, gen column count 21, branch column count 13. */
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
    int *bus_order;     /* bus indices sorted by bus_id (for gr_grid_bus_index) */
} gr_grid;

/* Kinds of grid element, shared by outage specs, contingencies and event logs. */
enum { GR_ELEM_BRANCH = 0, GR_ELEM_GEN = 1, GR_ELEM_BUS = 2, GR_ELEM_ISLAND = 3 };

/* Build a grid from a case: maps bus numbers to indices, converts to per unit.
 * Errors (GR_EPARSE): unknown bus number in gen/branch, duplicate bus number. */
int gr_grid_from_case(const gr_case *c, gr_grid **out, gr_error *err);
int gr_grid_copy(const gr_grid *g, gr_grid **out);
void gr_grid_free(gr_grid *g);
/* Index of external bus number `id`, or -1. O(log nb). */
int gr_grid_bus_index(const gr_grid *g, int id);
/* 1 when branch row k of g is a transformer: its buses' base kV differ, or it
 * has an off-nominal tap (tap != 1; MATPOWER's tap 0 means 1, as the grid
 * stores it) or a phase shift; else a line. The one rule of info, restore,
 * campaign assets, the overlay builder and the report (docs/own_grid.md). */
int gr_grid_branch_is_transformer(const gr_grid *g, int k);
/* Voltage levels (docs/campaign.md "Voltage classes"): the distinct values of
 * kv[0..n-1] (> 0, rounded to 0.1 kV), highest first; the `max` highest into
 * levels[] (may be NULL with max 0). Returns how many distinct levels there are
 * (the GR_KV_MAXLEVELS highest are told apart). */
#define GR_KV_MAXLEVELS 64
int gr_kv_levels(const double *kv, int n, double *levels, int max);
/* Index in levels[0..nlevel-1] (highest first) of the level of `kv`: the
 * level equal to it (0.1 kV), else the highest level below it, else the last. */
int gr_kv_level_index(const double *levels, int nlevel, double kv);
/* The levels asset classes and the report's map use: gr_kv_levels' `max`
 * highest, except that a grid whose levels all lie in the synthetic region's
 * 750/330/110 kV gets exactly those three (so that a small synthetic grid
 * without 750 kV keeps their indices, names and colours). Returns the count
 * filled (<= max). */
int gr_kv_class_levels(const double *kv, int n, double *levels, int max);
/* Voltage bands the defaults are mapped by: EHV >= 300 kV, HV >= 100 kV, MV below. */
enum { GR_BAND_EHV = 0, GR_BAND_HV = 1, GR_BAND_MV = 2 };
int gr_kv_band(double kv);

/* The one input check of every solver path (power flows, contingencies,
 * sensitivities, cascades, shedding; docs/input_validation.md, "Grids built
 * through the API"): a grid read from a file passed the reader's checks, but
 * one built or changed through this API may hold anything. Always: every
 * load, shunt, start voltage, generator set point, impedance, tap and shift
 * finite, limits and ratings never NaN (ratings >= 0, an upper limit never
 * -Inf, a lower one never +Inf), tap != 0. GR_GRID_CHECK_AC: no in-service
 * (energisable) branch with |r| + |x| < GR_BRANCH_MIN_Z_PU (MATPOWER makeYbus
 * divides by r + jx). GR_GRID_CHECK_DC: no energisable branch with x tap = 0
 * (makeBdc divides by x tap). Returns GR_OK or GR_EINVAL with a message
 * naming the 1-based row and its buses ("branch 1 (bus 1 to bus 2): ..."). */
enum { GR_GRID_CHECK_AC = 1, GR_GRID_CHECK_DC = 2 };
#define GR_BRANCH_MIN_Z_PU 1e-10
int gr_grid_check(const gr_grid *g, int models, gr_error *err);

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

#define GR_PF_REASON_MAX 160
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
    int *bus_island;       /* nb: island of each bus (-1 isolated) */
    int *island_converged; /* n_islands: 1 converged, 0 not, -1 dark (no generation) */
    int *island_ref;       /* n_islands: final reference bus, -1 if dark */
    /* Why converged = 0 (of the first island that failed): GR_PF_FAIL_*, and
     * the same in one line naming the bus, generator or branch ("" when
     * converged). A result is never converged unless every output of its live
     * islands is finite (the one check of every solver path). */
    int fail;
    char reason[GR_PF_REASON_MAX];
} gr_pf_result;

/* Reasons of a failed power flow. MAX_ITER: Newton stopped at max_iter above
 * tol (max_mismatch is its last mismatch); DIVERGED: the Newton iterate left
 * the finite numbers; QLIM_INFEASIBLE: every unit at a PV/REF bus of the
 * island exceeds its Q limit on the same side (MATPOWER runpf: "INFEASIBLE
 * PROBLEM"); QLIM_NO_REF: the reference bus was fixed at a limit and no PV bus
 * is left to take over; QLIM_ROUNDS: limits not settled in max_q_rounds;
 * NONFINITE: a non-finite output (voltage, dispatch or flow) of a solve.
 * max_mismatch is NaN for every reason but MAX_ITER. */
enum {
    GR_PF_FAIL_NONE = 0, GR_PF_FAIL_MAX_ITER = 1, GR_PF_FAIL_DIVERGED = 2,
    GR_PF_FAIL_QLIM_INFEASIBLE = 3, GR_PF_FAIL_QLIM_NO_REF = 4, GR_PF_FAIL_QLIM_ROUNDS = 5,
    GR_PF_FAIL_NONFINITE = 6
};

/* AC power flow by Newton-Raphson (polar, KLU). Each island with generation
 * is solved with its own reference. Non-convergence is a result
 * (converged = 0, the reason in fail/reason), not an error; a grid that
 * fails gr_grid_check(GR_GRID_CHECK_AC) is GR_EINVAL. Caller frees *out
 * with gr_pf_result_free. */
int gr_pf_ac(const gr_grid *g, const gr_pf_options *opt, gr_pf_result **out,
             gr_error *err);
/* A reusable AC solver for repeated solves of one topology (loads, dispatch
 * and set points may change between solves; branch and generator statuses
 * and impedances may not). Islands, Ybus, the Jacobian pattern, the KLU
 * analysis and pivots are kept, so a repeated solve only refactors.
 * One solver per thread. gr_pf_ac is create + solve + free. */
typedef struct gr_pf_solver gr_pf_solver;
int gr_pf_solver_create(const gr_grid *g, gr_pf_solver **out, gr_error *err);
/* Solve g (same topology as at create) with opt (NULL: defaults). */
int gr_pf_solver_solve(gr_pf_solver *s, const gr_grid *g, const gr_pf_options *opt,
                       gr_pf_result **out, gr_error *err);
void gr_pf_solver_free(gr_pf_solver *s);

/* DC power flow (B-theta, with phase shifters and shunts), MATPOWER's model.
 * GR_EINVAL when the grid fails gr_grid_check(GR_GRID_CHECK_DC) (x = 0). */
int gr_pf_dc(const gr_grid *g, gr_pf_result **out, gr_error *err);
int gr_pf_result_alloc(int nb, int ng, int nl, gr_pf_result **out);
void gr_pf_result_free(gr_pf_result *r);

/* Largest |P| and |Q| mismatch (pu) of a result recomputed from its voltages
 * and generator outputs through Ybus: an independent residual check. */
int gr_pf_residual(const gr_grid *g, const gr_pf_result *r, double *max_p,
                   double *max_q);

/* ------------------------------------------------------------------------
 * Threats and air defence (src/sim/threats). A planning model at the level
 * of public operations research, not fire control (DESIGN §7).
 * ------------------------------------------------------------------------ */
/* GR_THREAT_DECOY: a Gerbera-type decoy drone that air defence cannot tell
 * from a drone: it draws fire and interceptors and does no damage. */
enum {
    GR_THREAT_DRONE = 0,
    GR_THREAT_CRUISE = 1,
    GR_THREAT_BALLISTIC = 2,
    GR_THREAT_DECOY = 3,
    GR_THREAT_NTYPES = 4
};
/* Outcome of one threat. */
enum { GR_OUT_INTERCEPTED = 0, GR_OUT_EW = 1, GR_OUT_LEAKED = 2, GR_OUT_NOUTCOMES = 3 };

typedef struct gr_threat_type {
    char name[24];
    double speed_kmh;   /* drone ~150-200, cruise ~800, ballistic ~3000 */
    double p_ew;        /* probability of being lost to electronic warfare before engagement */
    double engage_min;  /* minutes a fire channel is busy per engagement of this type */
    double altitude_m;  /* cruise altitude above the radar's ground, m (radar horizon of
                           the layered model): drone 500, cruise 50, ballistic 30000, decoy 500 */
    int decoy;          /* 1: draws fire, does no damage (GR_THREAT_DECOY) */
} gr_threat_type;

/* The built-in threat types (Shahed-type drone, cruise missile, ballistic
 * missile, decoy drone). */
void gr_threat_types_default(gr_threat_type types[GR_THREAT_NTYPES]);

/* A defended zone: a circle around a city with air-defence systems. */
typedef struct gr_ad_zone {
    double x_km, y_km, radius_km;
    int channels;                   /* simultaneous engagements (fire channels) */
    int stock;                      /* interceptors available now */
    int stock_max;                  /* magazine size (resupply fills up to it) */
    int resupply;                   /* interceptors delivered per night */
    double pk[GR_THREAT_NTYPES];    /* kill probability of one interceptor per type */
    int shots[GR_THREAT_NTYPES];    /* interceptors fired per engagement, per type */
    int shoot_look_shoot;           /* 1: re-engage a survivor while time and stock remain */
    /* layered model (gr_ad_engage_layered; ignored by gr_ad_engage) */
    int kind;                       /* GR_AD_AREA, GR_AD_POINT or GR_AD_MOBILE */
    double radar_h_m;               /* radar antenna height, m; 0: no horizon (sees its whole
                                       circle: acoustic/visual posts of mobile groups) */
    double reaction_min;            /* detection to the first shot, minutes */
    double reload_min;              /* channel turnaround after an engagement, minutes */
    int resupply_days;              /* `resupply` arrives every so many nights (0, 1: nightly) */
    int days;                       /* nights since the last delivery (gr_ad_resupply) */
} gr_ad_zone;

/* Layers of the layered model. AREA: engages every threat whose route
 * crosses its circle; POINT: only threats aimed at a target inside its circle
 * (terminal defence of the site); MOBILE: mobile fire groups along the
 * corridors (geometry as AREA). */
enum { GR_AD_AREA = 0, GR_AD_POINT = 1, GR_AD_MOBILE = 2 };

/* Radar horizon, km, of a radar at h_radar_m over a target at h_target_m on
 * the standard 4/3-earth model: d = 4.12 (sqrt(h_radar) + sqrt(h_target))
 * (Skolnik, Introduction to Radar Systems, 3rd ed., 2001, §8.2). */
double gr_radar_horizon_km(double h_radar_m, double h_target_m);

/* One threat on its way to a target. The caller fills type, arrival_h,
 * x_km/y_km (its target's location) and target; gr_ad_engage fills the rest. */
typedef struct gr_threat {
    int type;           /* GR_THREAT_* */
    double arrival_h;   /* when it reaches its target, hours */
    double x_km, y_km;  /* target location */
    int target;         /* caller's asset index (not used by the engagement) */
    int outcome;        /* GR_OUT_* */
    int zone;           /* zone that engaged it, -1 when undefended */
    int interceptors;   /* interceptors fired at it */
    int engagements;    /* engagements against it */
    /* route (gr_ad_engage_layered): the caller fills launch_h, lx_km/ly_km
     * (launch point) and nwp waypoints wp_km (x0, y0, x1, y1, ...; borrowed);
     * the engagement fills arrival_h, detect_h, first_zone and layers */
    double launch_h;
    double lx_km, ly_km;
    int nwp;
    const double *wp_km;
    double detect_h;    /* first detection by a zone's radar; INFINITY: never */
    int first_zone;     /* first zone that engaged it, -1 none */
    int layers;         /* zones that engaged it */
} gr_threat;

/* Discrete-event engagement of n threats by the zones, in order of zone
 * entry (arrival minus the time to cross the zone's radius; ties by arrival,
 * then by index). A threat whose target lies in no zone leaks. Otherwise it
 * is lost to EW with p_ew; else while it is inside the zone a free fire
 * channel with enough interceptors engages it (channel busy engage_min;
 * kill probability 1-(1-pk)^shots), again after a miss when shoot-look-shoot
 * is on and the threat has not yet arrived. No channel or stock in time: it
 * leaks. Zones' stock is drawn down. Deterministic for a given rng state. */
int gr_ad_engage(gr_ad_zone *zones, int nzones, const gr_threat_type *types, gr_threat *threats,
                 int n, gr_rng *rng, gr_error *err);

/* Layered air defence along the routes (docs/threats.md). Each threat flies
 * its route (launch point, waypoints, target) at its type's speed from
 * launch_h; arrival_h is set from the route's length. A zone's radar sees it
 * within the radar horizon gr_radar_horizon_km(radar_h_m, altitude_m) of the
 * zone's centre (no limit when radar_h_m is 0); the zone can fire while the
 * threat is both inside its circle and seen, from reaction_min after that
 * begins until it leaves (or arrives): its engagement windows. A threat is
 * lost to EW with p_ew (one draw per threat, index order, before any
 * firing). The windows of all threats and zones are taken in time order
 * (ties: threat, then zone): a living threat is engaged by a free channel of
 * the zone with stock (busy engage_min + reload_min; kill probability
 * 1-(1-pk)^shots), again after a miss with shoot-look-shoot while the window
 * lasts; a later zone starts no earlier than the previous zone's last look.
 * So every zone the route crosses can engage it, in route order, and
 * channels and magazines shared by the wave saturate as it grows (nothing
 * depends on the wave's size). Zones' stock is drawn down. `zone`: the zone
 * that killed it or last engaged it (-1 none). Deterministic for a given rng
 * state. GR_EINVAL for a bad zone or type, GR_ENOMEM. */
int gr_ad_engage_layered(gr_ad_zone *zones, int nzones, const gr_threat_type *types,
                         gr_threat *threats, int n, gr_rng *rng, gr_error *err);

/* Resupply after a night: stock += resupply, capped at stock_max, every
 * night when resupply_days <= 1, else every resupply_days-th night. */
void gr_ad_resupply(gr_ad_zone *zones, int nzones);

/* ------------------------------------------------------------------------
 * Synthetic regional grid (src/sim/synth). [section owned by the synth module]
 * ------------------------------------------------------------------------ */
/* @@synth@@ */
/* Scenario overlay (scenario.json, documented in docs/scenario.md): what a
 * MATPOWER case lacks and the later stages need — geography, people and
 * critical sites per bus, plants and their types, cities with their heat
 * districts, defended zones and crew bases. Structs of arrays; every array
 * of the bus (generator, branch) table has one entry per row of the case, in
 * the case's row order. Indices are 0-based; -1 means "none". */

/* Critical facility classes (priority load, DESIGN §5 and §8). */
enum { GR_FAC_HOSPITAL = 0, GR_FAC_WATER = 1, GR_FAC_HEATING = 2, GR_FAC_N = 3 };
/* Plant types. */
enum {
    GR_PLANT_NUCLEAR = 0, GR_PLANT_THERMAL, GR_PLANT_CHP, GR_PLANT_HYDRO,
    GR_PLANT_GAS, GR_PLANT_WIND, GR_PLANT_SOLAR, GR_PLANT_OTHER, GR_PLANT_N
};
/* Substation kinds: distribution (110 kV load), transmission (750/330 kV
 * autotransformers), plant (a power station's switchyard). */
enum { GR_SUB_DISTRIBUTION = 0, GR_SUB_TRANSMISSION, GR_SUB_PLANT, GR_SUB_N };

/* JSON names of the enums ("hospital", "nuclear", "transmission"); "?" when
 * out of range. */
const char *gr_facility_name(int fac);
const char *gr_plant_type_name(int type);
const char *gr_substation_kind_name(int kind);

typedef struct gr_overlay {
    int version;                /* format version (1) */
    char *case_file;            /* case file the overlay belongs to, or NULL */
    int64_t seed;               /* generator seed, -1 when not generated */
    double width_km, height_km; /* region: x in [0, width], y in [0, height] */
    double population;          /* people in the region */
    double kw_per_person;       /* peak load per person (kW) */
    double load_pf;             /* load power factor */
    double fac_mw[GR_FAC_N];    /* peak MW of one facility of each class */

    /* buses: nb entries in the case's bus row order */
    int nb;
    int *bus_id;                /* external bus number (as in the case) */
    double *bus_x_km, *bus_y_km;
    double *bus_kv;             /* voltage level (kV) */
    int *bus_substation;        /* substation index */
    int *bus_city;              /* city index, or -1 (rural, transmission) */
    double *bus_population;     /* people supplied from this bus */
    int *bus_heat_district;     /* heat district index, or -1 */
    double *bus_heat_population;/* people on this bus heated by that district */
    int *bus_fac;               /* nb * GR_FAC_N, row-major: facility counts */

    /* substations */
    int nsub;
    char **sub_name;
    int *sub_kind;              /* GR_SUB_* */
    double *sub_x_km, *sub_y_km;

    /* plants (a plant has one or more generator rows) */
    int nplant;
    char **plant_name;
    int *plant_type;            /* GR_PLANT_* */
    int *plant_substation;      /* substation of its switchyard */
    int *plant_city;            /* city it stands in, or -1 */

    /* generators: ng entries in the case's gen row order */
    int ng;
    int *gen_bus;               /* external bus number (as in the case) */
    int *gen_plant;             /* plant index */

    /* cities */
    int ncity;
    char **city_name;
    double *city_population;
    double *city_x_km, *city_y_km, *city_radius_km;

    /* heat districts: the people a CHP plant heats */
    int nheat;
    int *heat_city, *heat_plant;
    double *heat_population;

    /* defended zones (air defence cover) */
    int nzone;
    char **zone_name;
    int *zone_city;             /* city it protects, or -1 */
    double *zone_x_km, *zone_y_km, *zone_radius_km;

    /* repair crew bases */
    int ncrew;
    char **crew_name;
    int *crew_substation;       /* substation it stands at, or -1 */
    int *crew_count;            /* crews stationed there */
    double *crew_x_km, *crew_y_km;

    /* branches (optional): route length per case branch row (0 for
     * transformers); the arrays are NULL when absent (nl = 0) */
    int nl;
    int *branch_from, *branch_to; /* external bus numbers (as in the case) */
    double *branch_length_km;

    /* Notes on what looks wrong but is allowed ("NAME: $.substations[3]: holds
     * 812 of 1000 buses"), set by gr_overlay_read/parse when a case is given,
     * and by gr_overlay_build (its assumptions). Not written; the CLI prints
     * them as "gridres: warning: ...". NULL/0 when none. */
    int n_warnings;
    char **warnings;
} gr_overlay;

/* Read and validate scenario.json. Every field is checked (type, range,
 * references between tables); with `c` given, the buses must be exactly the
 * case's buses and the generators its generator rows, each bus's kv the
 * case's BASE_KV (where that is > 0), and ov->warnings notes a substation
 * holding more than half of the buses (of 10 or more), people on buses
 * without load and defended zones that cover no bus. Errors (GR_EPARSE, exit
 * 2 in the CLI) name the file and the JSON path:
 * "scenario.json: $.buses[12].population: expected a number, found string";
 * JSON syntax errors give "scenario.json:3:14: …". GR_EIO when the file cannot
 * be read. The caller frees *out with gr_overlay_free. */
int gr_overlay_read(const char *path, const gr_case *c, gr_overlay **out, gr_error *err);
/* Same, from a buffer of len bytes; `name` is used in messages. */
int gr_overlay_parse(const char *text, size_t len, const char *name, const gr_case *c,
                     gr_overlay **out, gr_error *err);
/* Write the overlay as JSON (one bus, generator, … per line; the same overlay
 * gives the same bytes). Fails with GR_EINVAL when the overlay is
 * inconsistent (the checks of the reader). */
int gr_overlay_write(const gr_overlay *ov, const char *path, gr_error *err);
void gr_overlay_free(gr_overlay *ov);
/* Critical load (MW) at bus row `bus`: facility counts times fac_mw, per class
 * into mw[GR_FAC_N] (may be NULL); returns the total. */
double gr_overlay_critical_mw(const gr_overlay *ov, int bus, double *mw);

/* Bus coordinates from a geodata CSV (read by gr_bus_geo_read): one row per
 * bus, either geographic (lon/lat, degrees) or already planar (km). */
typedef struct gr_bus_geo {
    int n;
    int lonlat;             /* 1: x = longitude, y = latitude (degrees); 0: km */
    int *bus_id;            /* external bus numbers (unique) */
    double *x, *y;
    char *path;             /* file it was read from, for messages */
    int *line;              /* source line of each row */
} gr_bus_geo;

/* Read a geodata CSV: a header "bus_id,lon,lat" or "bus_id,x_km,y_km" (the
 * header decides; "bus", "lng", "longitude", "latitude", "x", "y" are also
 * accepted), then one row per bus. Blank lines and lines starting with '#'
 * are skipped. Errors (GR_EPARSE): "path:line: field lat: ..." for a bad
 * number, a wrong field count, a duplicate bus, an unknown header; GR_EIO
 * when the file cannot be read. Free *out with gr_bus_geo_free. */
int gr_bus_geo_read(const char *path, gr_bus_geo **out, gr_error *err);
int gr_bus_geo_parse(const char *text, size_t len, const char *name, gr_bus_geo **out,
                     gr_error *err);
void gr_bus_geo_free(gr_bus_geo *geo);

/* Overlay builder (docs/own_grid.md): a complete overlay for any case, to be
 * edited by the user. Every figure is an assumption listed there. */
typedef struct gr_overlay_build_options {
    double people_per_mw;   /* people per MW of peak load (default 1800: the
                               synthetic region's 10 M people / 5.5 GW) */
    double zero_z_pu;       /* a branch with |r + jx| below this (pu) is a bus tie
                               inside a substation (default 1e-4) */
    const gr_bus_geo *geo;  /* coordinates, or NULL: a layout (sparse stress
                               majorization) from the network; borrowed */
    int n_cities;           /* load centres; 0: 8 * sqrt(nb / 2000), at least 1 */
    int max_iter;           /* layout iterations (default 200) */
    uint64_t seed;          /* layout start (default 1; recorded in the overlay) */
    const char *case_file;  /* recorded as "case" (may be NULL) */
} gr_overlay_build_options;

void gr_overlay_build_options_default(gr_overlay_build_options *opt);

/* Build the overlay of case c (g: its grid, or NULL to build it here):
 * substations from transformers, bus ties and shared bus names; coordinates
 * from opt->geo or a stress layout scaled to plausible line lengths; people
 * in proportion to load; critical sites; cities by weighted k-means of the
 * load; a defended zone per city; crew bases; plants by substation with
 * types by unit size. The result passes the reader's checks; the same input
 * gives the same overlay, bit for bit. opt NULL: the defaults. GR_EINVAL
 * (bad options, a geo file naming no bus of the case), GR_ENOMEM. */
int gr_overlay_build(const gr_case *c, const gr_grid *g, const gr_overlay_build_options *opt,
                     gr_overlay **out, gr_error *err);

/* Synthetic regional grid (DESIGN §9; docs/synth.md): cities with Zipf
 * populations, substations placed by population, a 750/330 kV backbone and a
 * 110 kV network from Delaunay + minimum-spanning-tree candidates (Birchfield
 * et al., IEEE TPWRS 2017), nuclear/thermal/CHP/hydro plants dispatched in
 * merit order, shunts and transformer taps tuned by AC power flows. The same
 * options give the same case and overlay, bit for bit. */
typedef struct gr_synth_options {
    int n_bus;              /* buses (default 2000; 100 .. 50000) */
    int n_cities;           /* cities, <= n_bus / 10; 0: 8 * sqrt(n_bus/2000) */
    uint64_t seed;          /* default 1 (the overlay records it modulo 2^63) */
    double population;      /* people, 1000 .. 20000 per bus; 0: 5000 per bus
                               (10 million for 2000 buses) */
    double region_km;       /* side of the square region, 5 .. 500 km^2 per bus and
                               <= 2500 km; 0: 400 km * sqrt(n_bus/2000) */
    double kw_per_person;   /* winter evening peak per person (default 0.55 kW) */
    double load_pf;         /* load power factor (default 0.95) */
    double capacity_ratio;  /* installed capacity / peak load (default 1.22) */
    int tune;               /* 1 (default): AC power flows set shunts, taps and
                               ratings and store the solved voltages; 0: skip
                               (faster, no quality guarantee) */
} gr_synth_options;

void gr_synth_options_default(gr_synth_options *opt);

/* Generate the grid. On success *case_out (free with gr_case_free) holds the
 * MATPOWER case (solved voltages and dispatch) and *overlay_out (free with
 * gr_overlay_free) its overlay; either pointer may be NULL when not wanted.
 * GR_EINVAL for options out of range; GR_EINFEASIBLE when tuning could not
 * make the AC power flow converge. */
int gr_synth(const gr_synth_options *opt, gr_case **case_out, gr_overlay **overlay_out,
             gr_error *err);

/* ------------------------------------------------------------------------
 * Sensitivities and contingencies (src/solve/sens, src/sim/contingency).
 * ------------------------------------------------------------------------ */
/* @@contingency@@ */
/* DC sensitivities of MATPOWER's DC model (makeBdc; see gr_pf_dc): computed
 * by sparse solves with the factorised reduced B, in blocks of right-hand
 * sides; never a dense inverse. Each island has its own slack: its
 * reference bus (gr_islands_find). Documented in docs/contingency.md. */
typedef struct gr_sens gr_sens;

/* Build the DC model of the energised network and factorise it. The handle
 * copies what it needs from g (g is not kept). GR_EINVAL when g fails
 * gr_grid_check(GR_GRID_CHECK_DC) (a branch with x = 0, a NaN); GR_ESINGULAR
 * when the reduced B is singular. gr_sens_ptdf/lodf return GR_ESINGULAR when
 * a solved column is not finite. Free with gr_sens_free. */
int gr_sens_create(const gr_grid *g, gr_sens **out, gr_error *err);
void gr_sens_free(gr_sens *s);

/* PTDF rows of the nmon branches mon[] (0-based rows) into ptdf (nmon x nb,
 * row-major): ptdf[i*nb + b] = change of the from-end flow of branch mon[i]
 * (pu) per 1 pu injected at bus b and taken out at the reference bus of b's
 * island. 0 for reference, dark and isolated buses, buses in another island,
 * and rows of branches that are not energised. One solve per monitored
 * branch. Not thread-safe on one handle. */
int gr_sens_ptdf(gr_sens *s, int nmon, const int *mon, double *ptdf);

/* LODF of monitored branches mon[] for outages of branches out[] into lodf
 * (nmon x nout, row-major): lodf[i*nout + j] = change of the flow on mon[i]
 * per pu of pre-outage flow on out[j]; -1 where mon[i] == out[j]; 0 for a
 * monitored branch that is not energised; NaN for an outage that splits an
 * island (a bridge: the LODF is undefined) or of a branch that is not
 * energised. One solve per outage. Not thread-safe on one handle. */
int gr_sens_lodf(gr_sens *s, int nmon, const int *mon, int nout, const int *out, double *lodf);

/* 1 when removing energised branch k alone splits its island, else 0. */
int gr_sens_is_bridge(const gr_sens *s, int k);

/* Contingency analysis (DESIGN §3; docs/contingency.md). A contingency is a
 * set of elements taken out of service together. */
/* (element kinds GR_ELEM_* are defined with the grid model) */
/* Which element kinds gr_ctg_list_n1/n2 enumerate (bit mask). */
enum { GR_CTG_BRANCHES = 1, GR_CTG_GENS = 2 };

typedef struct gr_ctg_list {
    int n;              /* contingencies */
    int *ptr;           /* n+1: elements of contingency c are ptr[c] .. ptr[c+1]-1 */
    int *kind;          /* ptr[n]: GR_ELEM_BRANCH or GR_ELEM_GEN */
    int *index;         /* ptr[n]: 0-based row of the branch or generator table */
    int *label;         /* n: id in reports (1.. in order, or a contab label) */
    int n_ignored;      /* contab rows skipped as unsupported (see the reader) */
    char ignored_msg[GR_ERROR_MAX]; /* the first of them, "file:line: …", or "" */
} gr_ctg_list;

/* Every in-service element of the kinds in `elements` (GR_CTG_BRANCHES |
 * GR_CTG_GENS) alone: branches in row order, then generators. */
int gr_ctg_list_n1(const gr_grid *g, int elements, gr_ctg_list **out);
/* Every unordered pair of those elements, in the order (i, j), i < j, of the
 * N-1 list. GR_EINVAL when there would be more than 2^28 pairs. */
int gr_ctg_list_n2(const gr_grid *g, int elements, gr_ctg_list **out);
/* Read a contingency file. Either one contingency per line, elements
 * separated by commas: "branch:12", "branch:12,branch:40", "gen:3" (1-based
 * rows of the case file; '#' or '%' starts a comment, blank lines are
 * skipped), or a MATPOWER change table (contab: `chgtab = [label prob table
 * row col chgtype newval; …]`, rows with one label form one contingency):
 * branch and generator status set to 0 (CT_TBRCH/BR_STATUS, CT_TGEN/
 * GEN_STATUS, CT_REP 0) are read; other changes are skipped, counted in
 * n_ignored and the first one named in ignored_msg. Errors (GR_EPARSE,
 * "file:line:col: …"): unknown element kind, row out of range, bad syntax.
 * g gives the table sizes. Free with gr_ctg_list_free. */
int gr_ctg_list_read(const char *path, const gr_grid *g, gr_ctg_list **out, gr_error *err);
int gr_ctg_list_parse(const char *text, size_t len, const char *name, const gr_grid *g,
                      gr_ctg_list **out, gr_error *err);
void gr_ctg_list_free(gr_ctg_list *l);

typedef struct gr_ctg_options {
    int ac;             /* 1: AC (default), 0: DC */
    gr_pf_options pf;   /* AC tolerance, iterations, Q limits (off by default) */
    int threads;        /* worker threads; 0: OpenMP's default */
    int keep_flows;     /* 1: store every contingency's branch flows (n x nl) */
    /* checkpoint/resume (NULL: none; `every` counts contingencies, rounded up
       to the blocks of 8 that are the sweep's items); under MPI the
       contingencies spread over the ranks either way (docs/cluster.md) */
    const struct gr_sweep_options *sweep;
} gr_ctg_options;

void gr_ctg_options_default(gr_ctg_options *opt);

/* How a contingency was solved. */
enum {
    GR_CTG_NOOP = 0,    /* no element was in service: the base case */
    GR_CTG_LODF = 1,    /* DC: line outage distribution factors (N-k formula) */
    GR_CTG_FAST = 2,    /* AC: warm start on the base pattern and symbolic LU */
    GR_CTG_ISLANDS = 3, /* the outage split the grid: AC as FAST with islands split
                           off or dark masked out; DC a single bridge on the base factors */
    GR_CTG_FULL = 4     /* an independent power flow of the outaged grid */
};
/* Violation kinds. */
enum { GR_VIOL_FLOW = 0, GR_VIOL_VMIN = 1, GR_VIOL_VMAX = 2, GR_VIOL_NOCONV = 3 };

typedef struct gr_ctg_violation {
    int ctg;            /* contingency index (0-based, list order) */
    int kind;           /* GR_VIOL_* */
    int element;        /* branch (FLOW) or bus (VMIN/VMAX) index, -1 for NOCONV */
    double value;       /* FLOW: max(|Sf|, |St|) (DC |Pf|), pu; V*: Vm, pu; NOCONV: mismatch */
    double limit;       /* FLOW: rateA, pu; VMIN/VMAX: the bus limit, pu */
    int new_or_worse;   /* 1: absent in the base case, or worse than there by more than
                           GR_CTG_WORSE_FLOW x rateA (FLOW) / GR_CTG_WORSE_VM (V*);
                           NOCONV always */
} gr_ctg_violation;
/* Margins of "worse than in the base case" (docs/contingency.md): a branch already
 * overloaded in the base case counts again only when its flow grows by more than 5 %
 * of its rating; a bus already outside its limits only when it moves more than
 * 0.01 pu further out. */
#define GR_CTG_WORSE_FLOW 0.05
#define GR_CTG_WORSE_VM 0.01

typedef struct gr_ctg_result {
    int n, nl;
    int ac;                  /* the model used */
    int *converged;          /* n: 1 solved (every live island), 0 not */
    int *method;             /* n: GR_CTG_* */
    int *iterations;         /* n: Newton iterations (AC), 1 (DC), 0 (no-op) */
    int *islands;            /* n: islands after the outage */
    double *dark_load_p;     /* n: load in dark islands and isolated buses, pu */
    double *max_loading;     /* n: max flow / rateA over rated energised branches
                                (1 = 100 %), NaN when none or not converged */
    int *max_loading_branch; /* n: its branch, -1 when none */
    int *n_overloaded;       /* n: branches above rateA */
    double *vm_min, *vm_max; /* n: over energised buses of live islands (DC: 1), NaN if none */
    int nviol;
    gr_ctg_violation *viol;  /* nviol, in contingency order, then element order */
    double *pf, *qf, *pt, *qt; /* n x nl (row per contingency), pu, when keep_flows; else NULL */
    double base_max_loading; /* the base case's max loading (NaN if none) */
    int base_converged;
    int base_nviol;          /* violations of the base case itself (flows, voltages) */
    int *n_new_viol;         /* n: violations new or worse than in the base case */
    int n_ctg_new;           /* contingencies with at least one such violation */
    double *base_flow;       /* nl: the base case's flow as in viol.value (pu), 0 unrated */
    double *base_vm;         /* nb: its voltage magnitudes (DC: 1), NaN when not energised */
    double *time_s;          /* n: wall time of each contingency (not part of the results
                                that are identical across thread counts) */
    double solve_s;          /* wall time of the whole run */
    int threads;             /* threads used */
} gr_ctg_result;

/* Solve every contingency of `list` on g (not modified). AC: the base case
 * is solved once (gr_pf_ac, opt->pf); each outage restarts from the base
 * solution on the base Jacobian pattern and symbolic LU (values change; the
 * first operator comes from the base factors by a low-rank update, later
 * ones by refactoring), to the same tolerance; when that does not converge,
 * plain Newton from the same start decides. Outages that split islands are
 * solved island by island (new references per DESIGN §1, dark islands
 * reported with their load); generator outages that change bus roles, and
 * every contingency with Q limits, by an independent gr_pf_ac of the
 * outaged grid started from the base solution. DC: LODF, N-k by the
 * multiple-outage formula, a single bridge by the cut-off side's import,
 * other islanding outages by gr_pf_dc of the outaged grid. Results are the
 * same for any thread count. Non-convergence is a result (converged = 0, a
 * GR_VIOL_NOCONV violation; so is a result with a non-finite flow or
 * voltage). Errors: GR_EINVAL (bad list: an element twice in one
 * contingency too; a grid failing gr_grid_check for the model), GR_ENOMEM,
 * GR_ESINGULAR, GR_EINFEASIBLE (the AC base case does not converge); the
 * message is in err. Free with gr_ctg_result_free. */
int gr_ctg_run(const gr_grid *g, const gr_ctg_list *list, const gr_ctg_options *opt,
               gr_ctg_result **out, gr_error *err);
void gr_ctg_result_free(gr_ctg_result *r);

/* ------------------------------------------------------------------------
 * Cascades and emergency shedding (src/sim/cascade, src/sim/shed).
 * ------------------------------------------------------------------------ */
/* Priority classes of load (DESIGN §5): critical (hospitals, water,
 * heating), residential, other. */
enum { GR_LOAD_CRITICAL = 0, GR_LOAD_RESIDENTIAL = 1, GR_LOAD_OTHER = 2, GR_LOAD_NCLASS = 3 };

/* Share of each bus's load in each class (rows sum to 1). */
typedef struct gr_load_classes {
    int nb;
    double *share;      /* nb * GR_LOAD_NCLASS, row-major: share[b * 3 + class] */
} gr_load_classes;

/* Default classes when no overlay is given: 5 % critical, 60 % residential,
 * 35 % other at every bus. Free with gr_load_classes_free. */
int gr_load_classes_default(int nb, gr_load_classes **out);
void gr_load_classes_free(gr_load_classes *c);
/* Classes from a scenario overlay (docs/shedding.md): at bus b with load
 * pd > 0 (MW), critical = min(pd, facility MW of the bus,
 * gr_overlay_critical_mw); residential = min(pd - critical,
 * GR_HOUSEHOLD_PEAK_SHARE * population * kw_per_person / 1000); other = the
 * rest. Buses with pd <= 0 get share (0, 0, 1). The overlay's buses must be
 * the grid's (same count, same numbers in the same order): else GR_EINVAL. */
#define GR_HOUSEHOLD_PEAK_SHARE 0.5
int gr_load_classes_from_overlay(const gr_grid *g, const gr_overlay *ov, gr_load_classes **out,
                                 gr_error *err);

typedef struct gr_shed_options {
    char rating;            /* 'A' (rateA, default) or 'B' (emergency rateB, falls back to rateA) */
    double weight[GR_LOAD_NCLASS]; /* value of 1 MW served per class (default 1000, 10, 1) */
    double gen_cost;        /* small cost per MW generated (default 1e-3) */
    /* appended: cost per MW that a unit moves away from its case dispatch
     * (scaled to the island's demand), default 0. A small value (1e-4)
     * makes the dispatch unique and cuts LP iterations several times on
     * large, heavily congested grids, at the price of sometimes shedding
     * slightly more instead of a large redispatch. */
    double redispatch_cost;
    /* 1 (default): skip the LP when serving the most valuable load that
     * generation allows breaks no branch limit (then that point is the LP's
     * optimum; the shed within a class is spread in proportion to load);
     * 0: always solve the LP */
    int screen;
} gr_shed_options;

void gr_shed_options_default(gr_shed_options *opt);

typedef struct gr_shed_result {
    int nb, ng, nl;
    double *served_p;       /* nb: load served per bus, pu */
    double *shed_p;         /* nb: load shed per bus, pu */
    double *shed_class_p;   /* nb * GR_LOAD_NCLASS: shed per bus and class, pu */
    double *pg;             /* ng: dispatch, pu */
    double *flow_p;         /* nl: DC branch flows, pu */
    double *va;             /* nb: DC angles, rad */
    double shed_total_p;    /* pu */
    double shed_by_class_p[GR_LOAD_NCLASS];
    double objective;       /* weighted load served minus generation cost */
    double solve_s;         /* LP solve time */
    int lp_iterations;
    /* added after the first draft (appended, so positional users are unaffected) */
    double dark_p;          /* part of shed_total_p on dark islands and isolated buses, pu */
    int lp_rows, lp_cols;   /* size of the LP that was solved */
    double total_s;         /* wall time of the whole call (islands, build, solve) */
    /* Relaxation (docs/shedding.md "Infeasible states"): when the fixed
     * injections cannot be balanced even with all load shed, the LP is solved
     * again with negative load curtailable and a balance slack per island. */
    int relaxed;            /* 1 if the relaxed LP was solved */
    double curtailed_p;     /* negative load (fixed injection) curtailed, pu (>= 0) */
    double unbalanced_p;    /* |balance slack| summed over islands, pu (>= 0) */
    int unbalanced_bus;     /* bus row (0-based) of the island with the largest slack, -1 */
} gr_shed_result;

/* Emergency load shedding as an LP in DC-OPF form (DESIGN §5), solved with
 * COIN-OR CLP: maximise priority-weighted load served minus a small
 * generation cost, subject to nodal balance, branch limits (rateA or rateB;
 * 0 = unlimited), generator limits [pmin, pmax] (pmin relaxed to 0 so a
 * unit may be dispatched down) and one reference angle per island. Dark
 * islands shed everything. classes may be NULL (defaults). Returns
 * GR_EINFEASIBLE or GR_ELP with a message when the LP has no solution. */
int gr_shed_solve(const gr_grid *g, const gr_load_classes *classes, const gr_shed_options *opt,
                  gr_shed_result **out, gr_error *err);
void gr_shed_result_free(gr_shed_result *r);

/* Zero-reactance branches as bus ties in the campaign's DC models (campaign,
 * protect, restore, shed; docs/own_grid.md "Zero-impedance branches"): every
 * branch with x = 0 (which the DC model's b = 1/(x tap) cannot take,
 * gr_grid_check(GR_GRID_CHECK_DC)) gets x = x_tie, in or out of service (a
 * repair may switch it in). GR_SHED_TIE_X_PU is PSS/E's zero-impedance line
 * threshold THRSHZ (Siemens PTI, PSS/E Program Operation Manual, "Zero
 * Impedance Lines"): a branch that small is a tie whose two buses share one
 * angle to within x_tie x flow. Branches with a small non-zero x keep it (the
 * DC model takes them; gr_pf_dc and MATPOWER's makeBdc use 1/x). gr_pf_dc
 * does not substitute. Returns how many branches changed. */
#define GR_SHED_TIE_X_PU 1e-4
int gr_shed_tie_zero_x(gr_grid *g, double x_tie);
/* Units whose PMAX is +Inf (MATPOWER's "no limit": case8387pegase has 615)
 * get PMAX = the case's total positive load plus |PG|, so that such a unit can
 * still carry the whole grid while every dispatch the DC models compute (a
 * share of PMAX, a headroom, a fleet budget) stays finite. Returns how many
 * units changed; *load_pu receives that total load and *first the first such
 * unit (-1: none), both nullable. */
int gr_shed_cap_infinite_pmax(gr_grid *g, double *load_pu, int *first);

/* @@cascade@@ */

/* Quasi-steady-state cascading-failure simulation (DESIGN §4; docs/cascade.md):
 * DCSIMSEP (Eppstein & Hines, IEEE TPWRS 2012) and AC-CFM (Noebels, Preece &
 * Panteli, IEEE Systems Journal 2020). From a damage set: islands → per-island
 * rebalance (generator pick-up within headroom and ramp, staged UFLS,
 * over-frequency generator tripping) → power flow (AC or DC) → under-voltage
 * shedding and voltage collapse of AC islands that do not converge → optional
 * operator shedding LP (gr_shed_solve) → time-overcurrent relays; time jumps
 * to the next trip until no branch is overloaded. */

/* Kinds of element in the event log: GR_ELEM_* (defined with the grid model). */

/* Causes of events (gr_cascade_cause_name gives the CSV/JSON names). */
#define GR_CASCADE_CAUSE_MAP(X)                                                     \
    X(DAMAGE, "damage")                 /* initiating event (the damage set) */      \
    X(OVERLOAD, "overload")             /* time-overcurrent relay */                 \
    X(OVERLOAD_INSTANT, "overload_instant") /* above relay_instant x rating */      \
    X(ISLANDING, "islanding")           /* island left without generation: dark */  \
    X(UFLS, "ufls")                     /* under-frequency load shedding stage */    \
    X(LOAD_RELIEF, "load_relief")       /* load relief of a small deficit (damping) */ \
    X(FREQ_COLLAPSE, "frequency_collapse") /* deficit below f_collapse_hz */        \
    X(OVERFREQUENCY, "overfrequency")   /* generator tripped by a surplus */         \
    X(UVLS, "uvls")                     /* under-voltage load shedding step (AC) */  \
    X(VOLTAGE_COLLAPSE, "voltage_collapse") /* AC island did not converge */        \
    X(OPERATOR_SHED, "operator_shed")   /* emergency shedding LP (control = shed) */ \
    X(VCLS, "vcls")                     /* model accfm: AC island did not converge;  \
                                           AC-CFM's OPF-based voltage-collapse load  \
                                           shedding is replaced by tripping it */ \
    X(UNDERLOAD, "gen_underload")       /* model accfm: unit below Pmin tripped */ \
    X(ROCOF, "rocof")                   /* frequency model sfr: unit tripped by its  \
                                           RoCoF protection */                      \
    X(SEPARATION, "separation")         /* frequency model sfr: synchronous tie     \
                                           tripped, the island leaves the large     \
                                           interconnection */

typedef enum {
#define GR_CASCADE_CAUSE_ENUM(name, text) GR_CAUSE_##name,
    GR_CASCADE_CAUSE_MAP(GR_CASCADE_CAUSE_ENUM)
#undef GR_CASCADE_CAUSE_ENUM
    GR_CAUSE_N
} gr_cascade_cause;

/* Categories of lost load (each cause maps to one: gr_cascade_cause_category). */
enum {
    GR_LOSS_ISLANDING = 0,  /* dark islands and destroyed buses */
    GR_LOSS_UFLS,           /* under-frequency load shedding */
    GR_LOSS_UVLS,           /* under-voltage load shedding */
    GR_LOSS_VOLTAGE_COLLAPSE,
    GR_LOSS_OPERATOR,       /* operator emergency shedding */
    GR_LOSS_OTHER,          /* load relief, frequency collapse */
    GR_LOSS_N
};

const char *gr_cascade_cause_name(int cause);   /* "overload"; "?" out of range */
int gr_cascade_cause_category(int cause);       /* GR_LOSS_*, -1 if it sheds no load */
const char *gr_cascade_loss_name(int category); /* "islanding", "ufls", … "other" */
const char *gr_elem_kind_name(int kind);        /* "branch", "gen", "bus", "island" */

enum { GR_CASCADE_CONTROL_NONE = 0, GR_CASCADE_CONTROL_SHED = 1 };
/* Rule sets (gr_cascade_options.model; docs/cascade.md has them side by side):
 * GRIDRES: this file's model (default). DCSIMSEP: the rules of DCSIMSEP
 * (Eppstein & Hines, IEEE TPWRS 2012; phines/dcsimsep): DC power flow,
 * strict rateB relays, 1 min of 5 %/min ramping then uniform shedding,
 * events up to 900 s in steps of at most 60 s, stop_served. ACCFM: the rules
 * of AC-CFM (Noebels, Preece & Panteli, IEEE Syst. J. 2020; mnoebels/AC-CFM
 * get_default_settings.m): AC power flow per island, recursive, instantaneous
 * trips above 1.01 x rateA, UFLS, O/UXL, UVLS, vcls; event times are its
 * iterations. Both take their own parameters from their sources; of the
 * options below they use only base_overload (raise: also the Q limits, Vmin
 * and Pmin the base breaks, accfm), pf (accfm), stop_served (dcsimsep),
 * max_steps and on_step; control is always none. */
enum { GR_CASCADE_MODEL_GRIDRES = 0, GR_CASCADE_MODEL_DCSIMSEP = 1, GR_CASCADE_MODEL_ACCFM = 2 };
const char *gr_cascade_model_name(int model); /* "gridres", "dcsimsep", "accfm"; "?" */
int gr_cascade_model_parse(const char *name);  /* GR_CASCADE_MODEL_*, -1 if unknown */
/* Branches already over their relay rating in the undamaged base case. */
enum {
    GR_CASCADE_BASE_RAISE = 0, /* relay rating = max(rating, base flow): the operator has
                                  accepted the base point (default) */
    GR_CASCADE_BASE_KEEP = 1   /* keep the rating: the base case may cascade by itself */
};

/* Called after every power flow of a cascade (the grid as solved, its result and
 * the simulated time); for tests and tracing. Must not keep the pointers. */
typedef void (*gr_cascade_step_fn)(void *user, const gr_grid *g, const gr_pf_result *r,
                                   double t_s);

/* Low-order system frequency response (SFR) model of an island (Anderson &
 * Mirheydar, "A low-order system frequency response model", IEEE TPWRS 5(3),
 * 1990): one aggregate machine (inertia h_s), a reheat-steam governor (droop
 * r, reheat time t_r_s, high-pressure fraction f_h, gain km) and load
 * damping d, all per unit on the island's base S:
 *   Δω/ΔP = -(1/(2H T_R)) (1 + T_R s) / (s² + 2ζω_n s + ω_n²),
 *   ω_n² = (D R + Km) / (2 H R T_R),  2ζω_n = (2HR + (DR + Km F_H) T_R) / (2HR T_R).
 * docs/models.md "Frequency response". */
typedef struct gr_sfr_model {
    double h_s, r, t_r_s, f_h, km, d;
} gr_sfr_model;
/* Response to a step deficit p (pu of S, > 0: generation lost) at t = 0,
 * by the closed form; frequencies as deviations in pu of f0 (> 0: below). */
typedef struct gr_sfr_response {
    double rocof_pu_s;  /* initial rate of change p / (2H), pu/s (× f0: Hz/s) */
    double nadir_pu;    /* largest deviation (the nadir), pu */
    double t_nadir_s;   /* its time, s (0: none, p <= 0) */
    double steady_pu;   /* settling deviation p R / (D R + Km), pu */
} gr_sfr_response;
/* GR_EINVAL (message) unless h_s, r, t_r_s > 0, f_h in [0, 1], km, d >= 0. */
int gr_sfr_step(const gr_sfr_model *m, double p, gr_sfr_response *out, gr_error *err);
/* Deviation (pu, > 0: below f0) at time t of the step response (closed form). */
double gr_sfr_at(const gr_sfr_model *m, double p, double t_s);

/* Parameters of the cascade's SFR rebalance (defaults and sources:
 * gr_sfr_params_default, docs/cascade.md "Frequency response"). */
typedef struct gr_sfr_params {
    double h_s;             /* aggregate inertia on the online capacity: 4 s (A&M) */
    double r;               /* governor droop: 0.05 (A&M; ENTSO-E RfG 2-12 %) */
    double t_r_s;           /* reheat time constant: 8 s (A&M) */
    double f_h;             /* high-pressure fraction: 0.3 (A&M) */
    double km;              /* governor gain (share of units responding): 0.95 (A&M) */
    double rocof_trip_hz_s; /* units trip above this initial RoCoF: 1 Hz/s (ENTSO-E
                               RoCoF withstand, 2018 guidance: 1 Hz/s over 500 ms) */
    double sync_system_mw;  /* size of the large interconnection of a synchronous tie:
                               300000 MW (Continental Europe) */
    double sync_h_s;        /* its inertia: 4 s */
    double sync_fcr_mw;     /* its primary reserve: 3000 MW (ENTSO-E reference incident) */
    double sync_fcr_hz;     /* fully active at this deviation: 0.2 Hz (ENTSO-E SOGL) */
} gr_sfr_params;
void gr_sfr_params_default(gr_sfr_params *p);
enum { GR_FREQ_STATIC = 0, GR_FREQ_SFR = 1 };

/* Every parameter of the model; defaults (gr_cascade_options_default) and their
 * sources are listed in docs/cascade.md. */
typedef struct gr_cascade_options {
    int ac;                     /* 0: DC power flow (default), 1: AC Newton-Raphson */
    gr_pf_options pf;           /* AC options (default: gr_pf_options_default, so no
                                   reactive limits; see docs/cascade.md) */
    /* protection: time-overcurrent relays (DCSIMSEP) and instantaneous trip (Grid2Op) */
    char rating;                /* relay rating: 'B' (default) rateB, else rateC, else rateA;
                                   'C' rateC, else rateB, else rateA; 'A' rateA. 0 = unlimited */
    int base_overload;          /* GR_CASCADE_BASE_RAISE (default) or _KEEP */
    double relay_ref_overload;  /* overload (fraction above rating) of the calibration
                                   point: 0.5 (DCSIMSEP) */
    double relay_ref_time_s;    /* its trip time: 15 s (DCSIMSEP); the relay trips when
                                   ∫(loading - 1) dt reaches ref_overload * ref_time */
    double relay_instant;       /* loading (x rating) tripped at once: 2.0 (Grid2Op) */
    int relay_memory;           /* 1 (default): the integral is kept when the overload
                                   ends; 0: it resets */
    double t_max_s;             /* stop simulating after this time: 3600 s */
    int max_steps;              /* power flows per cascade at most: 10000 */
    /* rebalance of each island (primary frequency response) */
    double ramp_frac;           /* a unit picks up at most ramp_frac * pmax above its
                                   base dispatch: 0.2 (where ramp_mw gives no value);
                                   backing down is limited by pmin only */
    const double *ramp_mw;      /* optional ng values (MW, > 0 used; NULL: none), e.g.
                                   the case's RAMP_10; borrowed */
    double f0_hz;               /* nominal frequency: 50 */
    double load_damping_pct_per_hz; /* load self-regulation: 1 %/Hz (ENTSO-E) */
    double ufls_f_start_hz;     /* first UFLS stage: 49.0 Hz (ENTSO-E NC ER) */
    double ufls_f_step_hz;      /* between stages: 0.2 Hz (last stage at 48.0 Hz) */
    int ufls_stages;            /* 6 (ENTSO-E: at least 6) */
    double ufls_stage_frac;     /* load shed per stage, of the bus's base load: 0.08
                                   (6 x 8 % = 48 %, ENTSO-E 45 % ± 7 %) */
    double f_collapse_hz;       /* a deficit that leaves f below this blacks the island
                                   out: 47.5 Hz (ENTSO-E RfG generator limit) */
    double overfreq_surplus;    /* surplus over this fraction of the island's load trips
                                   its smallest generators: 0.15 */
    double f_overfreq_trip_hz;  /* so does a surplus the units cannot back down that
                                   raises f above this: 51.5 Hz (ENTSO-E RfG) */
    /* voltage (AC) */
    double uvls_step_frac;      /* UVLS step, fraction of the island's load: 0.05 */
    int uvls_max_steps;         /* 5; then the island collapses */
    /* operator emergency control (DESIGN §4-5) */
    int control;                /* GR_CASCADE_CONTROL_NONE (default) or _SHED */
    const gr_load_classes *classes; /* priority classes for the LP (NULL: defaults); borrowed */
    double shed_margin;         /* the LP keeps flows under (1 - shed_margin) x relay
                                   rating: 0; AC: minus the reactive part, sqrt(limit^2
                                   - Q^2), and 2 % tighter per retry */
    int shed_max_rounds;        /* LP rounds per power flow at most: 6 (AC may need
                                   several; DC clears every overload in one) */
    /* observer */
    gr_cascade_step_fn on_step; /* NULL: none */
    void *user;
    /* gr_cascade_random_n2 only: checkpoint/resume of the events (NULL:
       none); under MPI the events spread over the ranks either way */
    const struct gr_sweep_options *sweep;
    /* appended: the rule set, GR_CASCADE_MODEL_* (default GRIDRES) */
    int model;
    /* model dcsimsep: stop once the load served falls below this fraction of
       the base load (DCSIMSEP's opt.sim.stop_threshold, src/psoptions.m:
       0.95); 0: run the cascade to its end */
    double stop_served;
    /* appended: frequency model of the rebalance, GR_FREQ_* (default STATIC,
       the deficit rule above; SFR: docs/cascade.md "Frequency response") */
    int freq_model;
    gr_sfr_params sfr;          /* its parameters (gr_sfr_params_default) */
    const unsigned char *gen_sync; /* optional ng flags (NULL: none): 1 = the unit
                                   is a synchronous tie to the large interconnection
                                   of sfr.sync_system_mw; borrowed */
} gr_cascade_options;

void gr_cascade_options_default(gr_cascade_options *opt);

/* The initiating damage: 0-based rows (branch, gen) and bus indices of the grid. */
typedef struct gr_cascade_damage {
    int n_branch, n_gen, n_bus;
    const int *branch, *gen, *bus;
} gr_cascade_damage;

typedef struct gr_cascade_event {
    double t_s;         /* simulated time */
    int kind;           /* GR_ELEM_* */
    int index;          /* 0-based branch/gen row or bus index; for an island, its
                           lowest bus index */
    int cause;          /* gr_cascade_cause */
    double mw_lost;     /* load lost by this event, MW (≥ 0; 0 for most trips) */
    double value;       /* relay trips: loading (x rating); UFLS, load relief and
                           frequency collapse: the frequency the deficit would settle
                           at (Hz; linear model, floored at 0); over-frequency trips:
                           the surplus (fraction of the island's load); else 0 */
} gr_cascade_event;

typedef struct gr_cascade_result {
    int nb, ng, nl;
    int n_events;
    gr_cascade_event *events;   /* in time order */
    double load0_mw;            /* load served before the damage */
    double served_mw;           /* load served at the end */
    double lost_mw;             /* load0_mw - served_mw */
    double lost_by_cat_mw[GR_LOSS_N]; /* sums to lost_mw */
    double operator_shed_mw;    /* = lost_by_cat_mw[GR_LOSS_OPERATOR] */
    int n_trips;                /* branches and generators tripped by the cascade */
    int n_steps;                /* power flows solved */
    double t_end_s;             /* time of the last event */
    int stop_reason;            /* 0: no overload left (accfm: every island halted),
                                   1: t_max_s (dcsimsep: 900 s), 2: max_steps (accfm:
                                   or 100 iterations), 3: load served below
                                   stop_served (dcsimsep) */
    int n_islands;              /* final islands with generation (live) */
    int n_dark_islands;
    int *bus_island;            /* nb: final island (-1: isolated); numbered as gr_islands */
    int *island_live;           /* n_islands + n_dark_islands: 1 live, 0 dark */
    double *pd_mw;              /* nb: final load served per bus */
    double *pg_mw;              /* ng: final dispatch (0 when off) */
    int *br_on, *gen_on;        /* final statuses (nl, ng) */
} gr_cascade_result;

/* Simulate one cascade on a copy of g (g is not changed). damage may be NULL.
 * The base case (no damage) is solved first; GR_EINFEASIBLE when its power flow
 * does not converge. Free *out with gr_cascade_result_free. */
int gr_cascade_run(const gr_grid *g, const gr_cascade_damage *damage,
                   const gr_cascade_options *opt, gr_cascade_result **out, gr_error *err);
void gr_cascade_result_free(gr_cascade_result *r);

/* Monte Carlo of random N-2 branch outages (DESIGN §4 validation): event e
 * removes two distinct in-service branches drawn with gr_rng_stream(seed, e);
 * events run in parallel (OpenMP, `threads`; 0: the OpenMP default) and each
 * writes its own slot, so the result is the same for any thread count. */
typedef struct gr_cascade_mc_result {
    int n;                      /* events */
    double load0_mw;            /* base-case served load */
    int *branch1, *branch2;     /* n: 0-based branch rows removed */
    double *mw_lost;            /* n: load lost (all causes) */
    double *fraction;           /* n: mw_lost / load0_mw */
    int *n_trips;               /* n: cascade trips */
    double *operator_mw;        /* n: shed by the operator (part of mw_lost) */
    double *lost_by_cat_mw;     /* n * GR_LOSS_N, row-major */
    int *status;                /* n: GR_OK, or the error of that event (e.g. GR_ESINGULAR) */
    double wall_s;
} gr_cascade_mc_result;

int gr_cascade_random_n2(const gr_grid *g, const gr_cascade_options *opt, int n_events,
                         uint64_t seed, int threads, gr_cascade_mc_result **out,
                         gr_error *err);
void gr_cascade_mc_result_free(gr_cascade_mc_result *r);

/* Empirical CCDF of x[0..n-1]: the distinct values v ascending (out_x) and
 * P(X > v) (out_p); returns the count m (≤ n), or -1 when out of memory.
 * The caller frees *out_x and *out_p with gr_free. */
int gr_ccdf(const double *x, int n, double **out_x, double **out_p);

/* Outage sets ("branch:12,gen:3,bus:45"), shared by the shed, schedule and
 * cascade commands. Branch and gen are 1-based rows of the case (= grid
 * index + 1); bus is an external bus number. */
enum { GR_OUTAGE_BRANCH = 0, GR_OUTAGE_GEN = 1, GR_OUTAGE_BUS = 2 };
typedef struct gr_outage {
    int n;
    int *kind;      /* n: GR_OUTAGE_* */
    int *id;        /* n: 1-based row (branch, gen) or bus number (bus) */
} gr_outage;
/* Parse a comma-separated list of KIND:ID (KIND branch, gen or bus; spaces
 * around items allowed; an empty string is an empty set) without a case: the
 * syntax of gr_outage_parse_names (rows are checked by gr_outage_apply).
 * GR_EPARSE with a message naming the item on bad input. Free with gr_outage_free. */
int gr_outage_parse(const char *spec, gr_outage **out, gr_error *err);
/* Apply to g in place: a branch or generator goes out of service; a bus
 * becomes isolated (type 4) with all its branches and generators out of
 * service, so its load is unserved (dark). GR_ENOTFOUND (message naming the
 * item) when a row or bus does not exist; g is unchanged then. */
int gr_outage_apply(const gr_outage *o, gr_grid *g, gr_error *err);
void gr_outage_free(gr_outage *o);

/* Element names (docs/cli.md "Element names"): the one grammar of every option and
 * file that names grid elements (shed/cascade/schedule --outage, contingency lists,
 * campaign target assets):
 *   branch:N  branch row N of the case (1-based)
 *   line:N    branch row N, which must be a line (gr_grid_branch_is_transformer: 0)
 *   trafo:N   branch row N, which must be a transformer (also transformer:N)
 *   gen:N     generator row N (also generator:N)
 *   bus:N     the bus numbered N (the external number, not its row)
 *   NAME      with an overlay: a substation's name (its buses) or a plant's (its units)
 * line:N and trafo:N count rows of the whole branch table (as campaign asset names
 * "line:ROW" always did), so every branch has one row number under every name. */
enum { GR_ELEM_SUBSTATION = 4, GR_ELEM_PLANT = 5 };
typedef struct gr_element_name {
    int kind;   /* GR_ELEM_BRANCH, GR_ELEM_GEN, GR_ELEM_BUS, GR_ELEM_SUBSTATION, GR_ELEM_PLANT */
    int index;  /* 0-based: branch or gen row, bus index, overlay substation or plant */
} gr_element_name;
/* Parse name[0..len-1] (not NUL-terminated) against g (and ov, may be NULL).
 * g NULL: syntax only (branch:, gen:, bus: — index is the row - 1, or for bus the bus
 * number itself; line:/trafo: are GR_EPARSE: they need the case).
 * GR_EPARSE (bad form, wrong kind) or GR_ENOTFOUND (no such row, bus) with a message
 * quoting the name; *err_at (may be NULL) is the offset in name of the bad part. */
int gr_element_parse(const char *name, size_t len, const gr_grid *g, const gr_overlay *ov,
                     gr_element_name *out, size_t *err_at, gr_error *err);
/* "branch", "gen", "bus", "substation", "plant". */
const char *gr_element_kind_name(int kind);
/* gr_outage_parse with element names checked against g (and ov): a comma-separated
 * list of names; a substation stands for its buses, a plant for its generators
 * (an element named twice is listed once). Free with gr_outage_free. */
int gr_outage_parse_names(const char *spec, const gr_grid *g, const gr_overlay *ov,
                          gr_outage **out, gr_error *err);

/* Rotating outage schedule (DESIGN §5; docs/shedding.md): the residential
 * and other load of every bus of the area is split into `queues` equal
 * slices (its feeders, spread round-robin over the queues), so queue q is
 * the q-th slice of every area bus: queues are balanced by MW exactly. The
 * area is every bus of a live island; with check_lp, the buses where the
 * shedding LP sheds instead when that darkens fewer MW. Each block a
 * contiguous window (cyclic) of k queues is dark, the window advancing by k
 * per block, so dark time per queue differs by at most one block. Critical
 * load is never scheduled. */
typedef struct gr_schedule_options {
    int queues;             /* default 6 */
    int hours;              /* default 24 */
    int block_min;          /* block length in minutes (default 30); divides hours*60 */
    double deficit_mw;      /* deficit to cover each block, MW (>= 0); ignored with check_lp */
    int check_lp;           /* 1: deficit = what gr_shed_solve sheds on g, and each
                               block's dark set is checked by the LP (no further
                               shedding needed); k grows until it holds */
    gr_shed_options shed;   /* LP options when check_lp */
} gr_schedule_options;
void gr_schedule_options_default(gr_schedule_options *opt);

typedef struct gr_schedule {
    int queues, blocks, block_min;
    int k;                  /* dark queues per block */
    unsigned char *dark;    /* queues * blocks, row-major: dark[q * blocks + t] */
    double queue_mw;        /* sheddable MW per queue (all equal) */
    double critical_mw;     /* load never scheduled (critical), MW */
    double deficit_mw;      /* deficit to cover per block, MW */
    double *dark_mw;        /* blocks: load dark in each block, MW */
    double *extra_shed_mw;  /* blocks: further shedding the LP needed with the block's
                               dark set (0 when check_lp holds; NULL without check_lp) */
    int *dark_blocks;       /* queues: blocks dark per queue */
    double lp_s;            /* time spent in LP checks */
    unsigned char *in_area; /* nb: 1 when the bus's non-critical load is in the queues */
    int n_area;             /* buses in the area */
} gr_schedule;
/* Build a schedule for grid g (with any outage already applied). classes
 * may be NULL (defaults). GR_EINFEASIBLE with a message when even all
 * queues dark cannot cover the deficit. Free with gr_schedule_free. */
int gr_schedule_build(const gr_grid *g, const gr_load_classes *classes,
                      const gr_schedule_options *opt, gr_schedule **out, gr_error *err);
void gr_schedule_free(gr_schedule *s);

/* ------------------------------------------------------------------------
 * Restoration planning (src/sim/restore).
 * ------------------------------------------------------------------------ */
/* Repair planning after damage (DESIGN §6; docs/restore.md): crews with bases,
 * travel and shifts, spares with stock and lead times, precedence (a branch or
 * generator at a damaged bus waits for the bus), load served after each repair
 * from the shedding LP (gr_shed_solve's model), minimising energy not served.
 * Methods: greedy, RAD-like randomized block re-optimisation (Rhodes, Coffrin
 * et al., PowerModelsRestoration) and an exact MIP (COIN-OR CBC) for small
 * instances. Times are hours on one absolute clock (opt.start_h is "now"). */

/* Damage classes: default repair hours and reporting. */
enum {
    GR_DMG_LINE = 0,        /* a branch that is a line */
    GR_DMG_TRANSFORMER = 1, /* a branch gr_grid_branch_is_transformer calls one (tap != 1,
                               tap 0 meaning 1; a phase shift; different base kV at its ends) */
    GR_DMG_GEN = 2,         /* a generator (unit of a plant) */
    GR_DMG_BUS = 3,         /* a bus: a substation (its branches and units go dark) */
    GR_DMG_NCLASS = 4
};
/* "line", "transformer", "gen", "bus"; "?" out of range. */
const char *gr_damage_class_name(int cls);
/* Class of element (kind GR_ELEM_BRANCH/GEN/BUS, 0-based index) of g. */
int gr_damage_classify(const gr_grid *g, int kind, int index);

/* Physical upper bounds of a damage set (issue 22; docs/input_validation.md),
 * checked by the damage.json reader, which names the JSON path (sets built in
 * memory, as the campaign's, are not held to them; the planner checks what it
 * needs, docs/restore.md): every time in hours (repair_h, lead_h, on_order_h)
 * at most 10 years, far past the 6-18 months quoted for a new large power
 * transformer (DESIGN §6); units in stock and on order per class; units one
 * repair takes; site coordinates (|x|, |y| in km, at most Earth's
 * circumference). */
#define GR_DAMAGE_MAX_HOURS 87600.0
#define GR_DAMAGE_MAX_STOCK 100000
#define GR_DAMAGE_MAX_ON_ORDER 100000
#define GR_DAMAGE_MAX_SPARE_COUNT 1000
#define GR_DAMAGE_MAX_KM 40075.0

/* A class of spare equipment (e.g. "AT-750/330", 750/330 kV autotransformers). */
typedef struct gr_spare_class {
    char *name;             /* unique, non-empty */
    int stock;              /* units in stock at the plan start (>= 0) */
    double lead_h;          /* hours from the plan start until a unit ordered now
                               arrives; INFINITY: no new unit can be had */
    int n_on_order;
    double *on_order_h;     /* n_on_order arrival times of units already ordered,
                               hours after the plan start (>= 0) */
} gr_spare_class;

typedef struct gr_damage_elem {
    int kind;               /* GR_ELEM_BRANCH, GR_ELEM_GEN or GR_ELEM_BUS */
    int index;              /* 0-based branch or generator row, or bus index */
    int cls;                /* GR_DMG_* (default repair hours) */
    double repair_h;        /* work hours on site (>= 0); NaN: the class default of
                               gr_restore_options */
    int spare;              /* index into gr_damage.spare, -1: needs none */
    int spare_count;        /* units of it needed (>= 1 when spare >= 0) */
    double x_km, y_km;      /* site; NaN: from the overlay (bus; branch midpoint) */
    int n_after;
    int *after;             /* n_after elements (indices into gr_damage.elem) that must be
                               repaired before this one starts (besides the automatic
                               rule: a branch or generator at a damaged bus waits for it) */
    char *label;            /* name in reports, or NULL */
} gr_damage_elem;

/* A damage set to repair. Build one with gr_damage_read/parse, or with
 * gr_damage_alloc and filling the elements (the campaign loop). */
typedef struct gr_damage {
    int n;
    gr_damage_elem *elem;   /* n */
    int nspare;
    gr_spare_class *spare;  /* nspare */
} gr_damage;

/* n elements (kind branch, index 0, cls line, repair_h NaN, spare -1, x/y NaN,
 * no precedence, no label) and nspare spare classes (name NULL, stock 0, lead
 * INFINITY, none on order), all owned by *out. Free with gr_damage_free. */
int gr_damage_alloc(int n, int nspare, gr_damage **out);
void gr_damage_free(gr_damage *d);
/* Check a damage set against g: indices in range, no element twice, hours
 * >= 0, spares known, precedence without cycles, and no spare class short of
 * units when none can be ordered. GR_EINVAL with a message otherwise. */
int gr_damage_check(const gr_damage *d, const gr_grid *g, gr_error *err);

/* Read damage.json (format in docs/restore.md) for grid g. Every field is
 * checked; errors (GR_EPARSE) name the file and the JSON path:
 * "damage.json: $.elements[3].repair_h: expected a non-negative number";
 * JSON syntax errors "damage.json:3:14: …"; GR_EIO when the file cannot be
 * read. Free *out with gr_damage_free. */
int gr_damage_read(const char *path, const gr_grid *g, gr_damage **out, gr_error *err);
int gr_damage_parse(const char *text, size_t len, const char *name, const gr_grid *g,
                    gr_damage **out, gr_error *err);

enum { GR_RESTORE_GREEDY = 0, GR_RESTORE_RAD = 1, GR_RESTORE_MIP = 2 };
/* "greedy", "rad", "mip"; "?" out of range. */
const char *gr_restore_method_name(int method);

/* How the MIP ended (gr_restore_result.mip_status). */
enum {
    GR_RESTORE_MIP_OPTIMAL = 0,    /* proven optimal */
    GR_RESTORE_MIP_TIME_LIMIT = 1, /* time limit: the best plan found, with its gap */
    GR_RESTORE_MIP_FALLBACK = 2,   /* no integer solution in time: the heuristic plan
                                      (greedy improved by RAD, the MIP's start) is kept */
    GR_RESTORE_MIP_FAILED = 3      /* CBC gave up (numerical trouble): heuristic plan kept */
};
/* "optimal", "time limit", "fallback", "failed"; "?" out of range. */
const char *gr_restore_mip_status_name(int status);

/* How the load served by a set of repairs is computed. */
enum {
    GR_RESTORE_EVAL_SHED = 0, /* gr_shed_solve's LP on a copy of the grid per state, by
                                 constraint generation (binding limits only; default) */
    GR_RESTORE_EVAL_WARM = 1  /* the same LP with branch flows as variables, loaded once;
                                 each state changes column bounds only and re-solves by
                                 dual simplex from the last state's basis (same optimum;
                                 today ~1.7x slower than _SHED on the synthetic grid) */
};

typedef struct gr_restore_options {
    int method;             /* GR_RESTORE_* (default GR_RESTORE_RAD) */
    int crews;              /* crews (default 4) */
    double start_h;         /* absolute time of the plan start (default 0) */
    double clock_h;         /* time of day at absolute time 0, hours (default 6) */
    double horizon_h;       /* report ENS over [start_h, start_h + horizon_h]; 0: until
                               full restoration (default). The methods minimise weighted
                               ENS until full restoration either way */
    double speed_kmh;       /* crew travel speed (default 60) */
    double road_factor;     /* road distance / straight line (default 1.3) */
    double work_h_per_day;  /* crew working hours a day, travel included (default 16;
                               24: around the clock) */
    double shift_start_h;   /* time of day a shift starts (default 6) */
    double repair_h[GR_DMG_NCLASS]; /* default work hours per class: line 24, transformer
                               504 (swap from a spare, ~3 weeks), gen 1440 (>= 2 months),
                               bus 336 (~2 weeks) */
    /* crews' positions and availability (NULL: every crew free at start_h, at the
       overlay's crew bases in turn, else at the first damaged element's site) */
    const double *crew_x_km, *crew_y_km; /* crews entries, borrowed */
    const double *crew_free_h;           /* crews entries: absolute time free, borrowed */
    /* load classes and weights */
    const gr_load_classes *classes; /* NULL: from the overlay, else the defaults; borrowed */
    gr_shed_options shed;   /* LP options and class weights (gr_shed_options_default) */
    int eval;               /* GR_RESTORE_EVAL_* */
    /* RAD */
    uint64_t seed;          /* default 1 */
    int rad_iters;          /* window re-optimisations at most (default 0: 2 x elements,
                               at least 40); it also stops after 2 x (window positions)
                               windows in a row without improvement */
    int rad_window;         /* elements per window, 2..8 (default 5) */
    double rad_time_s;      /* stop after this wall time (0: no limit; the result then
                               depends on the machine) */
    /* MIP */
    int mip_max_elems;      /* refuse larger instances (default 10) */
    double mip_time_s;      /* wall-clock limit of method GR_RESTORE_MIP as a whole, s
                               (default 60; CLI --time-limit): RAD's start plan, the
                               2^n served-load states and CBC all stop by it. At the
                               limit the best plan found is returned with its gap; with
                               no integer solution the heuristic plan is kept
                               (mip_status in the result says which) */
    int exhaustive;         /* 1: greedy and RAD solve every candidate state and trial
                               order by LP, as before the bounds of issue 15 (the same
                               plans, slower; a reference for tests and benchmarks).
                               Default 0 */
} gr_restore_options;

void gr_restore_options_default(gr_restore_options *opt);

/* One repair in the schedule. Times are absolute hours. */
typedef struct gr_restore_task {
    int elem;               /* index into gr_damage.elem */
    int crew;               /* 0-based */
    double depart_h;        /* the crew sets off (from its base or last site) */
    double arrive_h;        /* on site */
    double start_h, end_h;  /* work (pauses outside shifts); the element is back in
                               service at end_h */
    int spare_used;         /* units of its spare class used (0: none) */
    double spare_ready_h;   /* when the last of them was available (NaN: none) */
} gr_restore_task;

/* The served-load curve: state k holds from t_h[k] to t_h[k+1] (the last until
 * the end of the window). */
typedef struct gr_restore_step {
    double t_h;
    int repaired;           /* elements back in service */
    double served_mw;
    double served_critical_mw;
    double served_weighted; /* sum over classes of weight x MW served */
    double people_out;      /* people without power: per bus population x the
                               fraction of its load not served (0 without an overlay) */
} gr_restore_step;

typedef struct gr_restore_result {
    int method;
    int n;                  /* elements = tasks */
    gr_restore_task *task;  /* n, in order of start time */
    int n_steps;
    gr_restore_step *step;  /* n_steps: the damaged state at start_h, then one per
                               distinct completion time */
    double start_h, end_h;  /* plan start; last repair done (full restoration) */
    double window_end_h;    /* end of the reported window */
    double demand_mw;       /* load of the grid (all classes) */
    double demand_weighted; /* weighted load */
    double ens_mwh;         /* energy not served over the window */
    double ens_weighted;    /* priority-weighted ENS over the window (weight x MWh) */
    double people_out_h;    /* people-hours without power over the window */
    double objective;       /* weighted ENS from start_h to end_h: what is minimised */
    /* MIP (method GR_RESTORE_MIP; else NaN / -1) */
    int mip_optimal;        /* 1 proven optimal, 0 not proven, -1 not run */
    int mip_status;         /* GR_RESTORE_MIP_* (-1 not run) */
    double mip_objective;   /* the MIP's objective (weighted ENS to full restoration;
                               NaN when CBC found no integer solution) */
    double mip_bound;       /* its lower bound (NaN: unknown) */
    double mip_gap_pct;     /* 100 (objective - mip_bound) / objective of the plan
                               returned, >= 0 (0 when optimal; NaN: no bound) */
    /* effort */
    int lp_solves;          /* served-load LPs solved */
    int cache_hits;         /* states found in the cache */
    int bound_checks;       /* states valued by the served-load bound (no LP) */
    double lp_s, wall_s;
} gr_restore_result;

/* Plan the repair of d on g (the grid before the damage: every damaged element
 * is out of service until its repair ends, then in service; other elements
 * keep their status in g). ov (nullable) gives sites, crew bases and
 * population; its buses must be g's. Errors: GR_EINVAL (bad options, damage
 * that fails gr_damage_check, MIP on a too large instance), GR_EINFEASIBLE /
 * GR_ELP (a state's LP), GR_ENOMEM. Free *out with gr_restore_result_free. */
int gr_restore_plan(const gr_grid *g, const gr_overlay *ov, const gr_damage *d,
                    const gr_restore_options *opt, gr_restore_result **out, gr_error *err);
void gr_restore_result_free(gr_restore_result *r);

/* The damage left at absolute time t_h under plan r (for a campaign that
 * replans each day): elements whose repair ends after t_h, with repair_h
 * reduced by the work already done on them; spare stock reduced by the units
 * taken by repairs started by t_h and on-order arrivals shifted so that t_h is
 * the new plan start. Precedence is kept among the elements left. opt: the
 * options r was planned with (class hours, shifts). Free *out with
 * gr_damage_free. */
int gr_restore_remaining(const gr_damage *d, const gr_restore_result *r,
                         const gr_restore_options *opt, double t_h, gr_damage **out,
                         gr_error *err);

/* ------------------------------------------------------------------------
 * Strike campaigns (src/sim/campaign).
 * ------------------------------------------------------------------------ */
/* A multi-night strike campaign (DESIGN §7-8; docs/campaign.md, the scenario
 * format in docs/scenario.md): each night waves of drones and missiles fly
 * from launch areas to grid assets, the air defence engages them
 * (gr_ad_engage), leakers damage what they hit, the grid cascades with or
 * without the operator's emergency shedding (gr_cascade_run), and over the
 * day crews repair with the spares at hand before the next night. Load served
 * is tracked hour by hour (the shedding LP of gr_shed_solve on the damaged
 * grid at that hour's winter load). Times are hours: night k (1-based) covers
 * t_h in [24 (k-1), 24 k), t_h = 0 being the evening of night 1 at clock
 * hour start_h (18:00 by default). */

/* Asset classes a strike can target: a (kind, voltage level) pair. The levels
 * are the case's own (gr_kv_levels over the overlay's bus kV, highest first;
 * the lowest merge into the last when there are more than GR_ASSET_NLEVEL),
 * held with the class names in gr_campaign_assets (docs/campaign.md "Voltage
 * classes"). Plants are GR_ASSET_PLANT + GR_PLANT_*. */
#define GR_ASSET_NLEVEL 6
enum {
    GR_ASSET_SUB = 0,       /* substation whose highest bus is at level l: GR_ASSET_SUB + l
                               ("sub<kV>"; transmission: its transformers and switchyard,
                               distribution: its buses) */
    GR_ASSET_LINE = GR_ASSET_NLEVEL, /* line at level l: GR_ASSET_LINE + l ("line<kV>") */
    GR_ASSET_PLANT = 2 * GR_ASSET_NLEVEL, /* a power plant: GR_ASSET_PLANT + GR_PLANT_* */
    GR_ASSET_NCLASS = GR_ASSET_PLANT + GR_PLANT_N,
    /* the synthetic region's levels 750, 330, 110 kV */
    GR_ASSET_SUB750 = GR_ASSET_SUB + 0,
    GR_ASSET_SUB330 = GR_ASSET_SUB + 1,
    GR_ASSET_SUB110 = GR_ASSET_SUB + 2
};
/* Class names of the synthetic region's levels (750/330/110 kV: "sub750",
 * "sub330", "sub110", "line750", …), then the plant type names ("nuclear",
 * "thermal", "chp", …); "?" for other levels and out of range. For any case
 * use gr_campaign_class_name. */
const char *gr_asset_class_name(int cls);

/* Repair kinds (what a crew repairs; each has a repair-time distribution).
 * Plants: GR_REPAIR_PLANT + GR_PLANT_* (one generating unit). */
enum {
    GR_REPAIR_LINE = 0,     /* a line */
    GR_REPAIR_SUB110 = 1,   /* a distribution substation (any level; named for the
                               synthetic region's 110 kV) */
    GR_REPAIR_AUTOTRANSFORMER = 2, /* a transformer unit of a transmission substation */
    GR_REPAIR_SWITCHYARD = 3, /* the high-voltage bus of a transmission substation */
    GR_REPAIR_PLANT = 4,    /* a generating unit: GR_REPAIR_PLANT + plant type */
    GR_REPAIR_NKIND = GR_REPAIR_PLANT + GR_PLANT_N
};
/* "line", "sub110", "autotransformer", "switchyard", then plant type names. */
const char *gr_repair_kind_name(int kind);

/* A probability distribution of a duration, hours. */
enum { GR_DIST_FIXED = 0, GR_DIST_LOGNORMAL = 1, GR_DIST_TRIANGULAR = 2 };
typedef struct gr_dist {
    int kind;               /* GR_DIST_* */
    double a, b, c;         /* FIXED: a = value; LOGNORMAL: a = median (> 0), b = sigma of
                               the log (>= 0); TRIANGULAR: a = min <= b = mode <= c = max */
} gr_dist;
/* Draw from d (uses one or two uniforms of r). */
double gr_dist_sample(const gr_dist *d, gr_rng *r);
/* Mean of d. */
double gr_dist_mean(const gr_dist *d);

/* Air-defence models: TARGET, the first zone holding the target engages
 * (gr_ad_engage); LAYERED, every zone along the route (gr_ad_engage_layered;
 * warning from the zones' radars, detect_km unused). */
enum { GR_AD_MODEL_TARGET = 0, GR_AD_MODEL_LAYERED = 1 };

/* A launch area: threats start at a uniform point of the disc. */
typedef struct gr_launch_area {
    double x_km, y_km, radius_km;   /* region coordinates (may lie outside the region) */
    double share;                   /* relative share of the wave's threats (> 0) */
    int nvia;                       /* waypoints of the route (layered model), <= GR_VIA_MAX */
    double via_km[4][2];            /* x, y of each, in flight order */
} gr_launch_area;
#define GR_VIA_MAX 4

/* A wave: threats launched together. Each flies straight from its launch point
 * to its target: arrival = time_h + distance / speed + U(-spread_h, spread_h). */
typedef struct gr_wave {
    double time_h;                  /* launch, hours after the night's start (start_h) */
    int count[GR_THREAT_NTYPES];    /* threats of each type */
    double spread_h;                /* half-width of the arrival spread, hours (>= 0) */
    int nlaunch;
    gr_launch_area *launch;         /* nlaunch areas */
} gr_wave;

/* A night plan: the waves of the nights it applies to. Night k uses the last
 * plan of the scenario that matches it: k listed in nights[], or
 * (k - first) % every == 0 with k >= first when every > 0. */
typedef struct gr_night_plan {
    char *name;
    int every, first;               /* every-th night from `first` (every 0: off) */
    int nnights;
    int *nights;                    /* explicit 1-based nights */
    int nwaves;
    gr_wave *waves;
} gr_night_plan;

/* Target policies. */
enum {
    GR_TARGET_CAPACITY = 0, /* each salvo draws a target with probability proportional
                               to class_weight x capacity (MW or MVA) */
    GR_TARGET_WORST = 1,    /* worst case for the defender: salvos go down the ranking
                               of assets by load lost at peak if the asset is lost
                               (precomputed: shedding LP for transmission substations
                               and plants, dark islands for distribution substations
                               and lines) */
    GR_TARGET_LIST = 2,     /* the listed assets, drawn in proportion to their weights */
    GR_TARGET_ADAPTIVE = 3  /* the defender's worst case, re-planned each night from what the
                               attacker can see (docs/threats.md): first the assets repaired
                               since they were struck (re-strike), then a greedy
                               interdiction: the `adaptive_evals` eligible assets with the
                               largest loss_mw x (1 - protection) are evaluated by the
                               shedding LP on today's damage plus the asset lost, and ranked
                               by the load it sheds more x (1 - its visible protection) */
};

/* The asset table: what can be targeted, built from the grid and overlay. */
typedef struct gr_campaign_assets {
    int n;
    int *cls;               /* GR_ASSET_* */
    char **name;            /* substation or plant name from the overlay; "line:ROW" */
    double *x_km, *y_km;    /* site (line: midpoint) */
    int *city;              /* city whose radius holds the site, or -1 */
    double *capacity_mw;    /* transmission substations: transformer rating (MVA);
                               distribution: peak load; plants: pmax; lines: rateA */
    double *loss_mw;        /* load lost at peak if the whole asset is lost */
    double *protection;     /* passive protection level in [0, 1] */
    int *elem_ptr;          /* n + 1: its elements elem_*[elem_ptr[a] .. elem_ptr[a+1]-1] */
    int *elem_kind;         /* GR_ELEM_BRANCH/GEN/BUS */
    int *elem_index;        /* 0-based row or bus index */
    int *switchyard;        /* transmission substations: the high-voltage bus index, else -1 */
    int nlevel;             /* voltage levels of the classes (<= GR_ASSET_NLEVEL) */
    double level_kv[GR_ASSET_NLEVEL]; /* their kV, highest first */
    char class_name[GR_ASSET_NCLASS][24]; /* "sub400", "line220", plant names; "" unused */
} gr_campaign_assets;

/* Name of class cls in a's class table ("sub400", "line220", "thermal"), "?"
 * for a class the case does not have. */
const char *gr_campaign_class_name(const gr_campaign_assets *a, int cls);

/* The day's repair step. */
enum {
    GR_CAMPAIGN_REPAIR_DISPATCH = 0, /* free crews take the waiting job of the asset with the
                                        largest loss at peak, then the shortest, nearest
                                        crew first (fast; the Monte Carlo default) */
    GR_CAMPAIGN_REPAIR_PLANNER = 1   /* each morning gr_restore_plan (greedy) orders the most
                                        important waiting jobs for the free crews; the
                                        dispatch rule for the rest (slow: LPs per job pair) */
};

/* A spare-part class (e.g. 330 kV autotransformers) with its stock and
 * deliveries. */
typedef struct gr_campaign_spare {
    char *name;
    int kinds;              /* bit mask of GR_REPAIR_* kinds that need one unit */
    int stock;              /* units at the start */
    double every_days;      /* a delivery every so many days (0: none) */
    int units;              /* units per delivery */
} gr_campaign_spare;

/* Damage by fragility (src/sim/fragility.c; docs/campaign.md "Damage", the
 * defaults' sources in docs/calibration.md). The components a hit can take
 * out, in the order of the first repair kinds: a line span, a distribution
 * substation's bus (its transformer), one autotransformer unit of a bank, the
 * switchyard, one generating unit of a plant. */
enum {
    GR_FRAG_LINE = 0, GR_FRAG_SUB110 = 1, GR_FRAG_AUTOTRANSFORMER = 2, GR_FRAG_SWITCHYARD = 3,
    GR_FRAG_UNIT = 4, GR_FRAG_NCOMP = 5
};
typedef struct gr_fragility {
    double warhead_kg[GR_THREAT_NTYPES]; /* explosive mass of a threat type, kg TNT equivalent */
    double cep_m[GR_THREAT_NTYPES];      /* its circular error probable about the aim point, m */
    double lethal_z[GR_FRAG_NCOMP];      /* lethal scaled distance of a component, m/kg^(1/3):
                                            lethal radius z x warhead_kg^(1/3) */
    double spacing_m[GR_FRAG_NCOMP];     /* centre distance of adjacent units of one asset, m */
    double p_fire[GR_FRAG_NCOMP];        /* a unit lost to the blast sets each adjacent
                                            intact unit on fire (lost) with this probability */
} gr_fragility;
/* Probability that an impact lands within r_m of its aim point for a circular
 * normal miss distance with CEP cep_m: 1 - 0.5^((r/CEP)^2); cep_m 0: 1. */
double gr_cep_hit_probability(double r_m, double cep_m);
/* Lethal radius z x w_kg^(1/3) (Hopkinson-Cranz cube-root scaling), m. */
double gr_lethal_radius_m(double z, double w_kg);

/* A campaign scenario (read by gr_campaign_scenario_read; every field and its
 * default in docs/scenario.md). Owns everything it points to. */
/* A boundary tie to a neighbouring system (interconnection.ties[]). */
#define GR_MAX_TIES 64
typedef struct gr_tie {
    char name[40];          /* "name", else its bus or asset */
    int bus;                /* 0-based bus index of the grid */
    double import_mw;       /* most it brings in, MW (>= 0) */
    double export_mw;       /* most it sends out, MW (>= 0) */
    int synchronous;        /* 1: AC, synchronous with the large interconnection */
} gr_tie;
/* Winter weather, district heat and cold-load pickup of a campaign (scenario
 * "weather" object, docs/scenario.md; model in docs/campaign.md "Heat"). Outdoor
 * temperature: a daily mean (mean_c, or a cold snap's mean_c on its nights) plus a
 * diurnal cosine of half-range diurnal_c, warmest at 15:00. Indoor temperature of a
 * heat district's buildings: first order, dT/dt = [q (indoor_c - design_c) - (T - T_out)]
 * / tau_h, capped at indoor_c, q in [0, 1] the district's heat supply (its CHP plant's
 * undamaged share times the served share of its heating facilities: boiler houses and
 * pumping stations). Heat off: T = T_out + (T0 - T_out) exp(-t / tau_h). */
#define GR_WEATHER_MAX_SNAPS 16
typedef struct gr_cold_snap {
    int night;              /* first night (1-based) */
    int days;               /* nights it lasts (>= 1) */
    double mean_c;          /* daily mean outdoor temperature on those nights, °C */
} gr_cold_snap;
typedef struct gr_campaign_weather {
    double mean_c;          /* daily mean outdoor temperature, °C (default -3: Kyiv, Dec-Feb) */
    double diurnal_c;       /* half the daily range, °C (default 2.5) */
    int nsnaps;
    gr_cold_snap snaps[GR_WEATHER_MAX_SNAPS]; /* default: nights 16-20 at -15 °C */
    double indoor_c;        /* heated indoor temperature, °C (default 20) */
    double design_c;        /* design outdoor temperature of the heating (default -22) */
    double tau_h;           /* building cool-down time constant, h (default 40) */
    double cold_c;          /* "cold" indoor threshold, °C (default 12) */
    double clpu_extra;      /* cold-load pickup: extra share of a re-energised queue's
                               load (default 0.3) ... */
    double clpu_h;          /* ... for this long after re-energising, h (default 2) */
} gr_campaign_weather;
/* The defaults above (docs/campaign.md "Heat" gives their sources). */
void gr_campaign_weather_default(gr_campaign_weather *w);
/* Outdoor temperature (°C) on night (1-based) at clock hour clock_h. */
double gr_weather_outdoor_c(const gr_campaign_weather *w, int night, double clock_h);
/* Indoor temperature after dt_h hours from t_in, with outdoor t_out and heat supply q
 * (0..1) constant over the step: the exact solution of the first-order model. */
double gr_heat_indoor_step(const gr_campaign_weather *w, double t_in, double t_out, double q,
                           double dt_h);

/* The generation fleet of the campaign (src/sim/fleet.c, docs/campaign.md
 * "Generation fleet"; defaults and sources in docs/calibration.md
 * "Generation fleet defaults"). Per plant type GR_PLANT_*: start_h, the time
 * a unit needs after a cascade trip or a return from repair before it can
 * generate again; pmin, the minimum stable output (fraction of Pmax) that a
 * must-run CHP unit holds in winter and below which a nuclear unit's island
 * cannot take its output. Ties are never fleet units. */
typedef struct gr_fleet_params {
    int enabled;                    /* "enabled": default 1 (0: units as before) */
    double start_h[GR_PLANT_N];     /* "start_h": {"nuclear": 48, "thermal": 6, ...} */
    double pmin[GR_PLANT_N];        /* "pmin": {"nuclear": 0.8, ...} fraction of Pmax */
    double hydro_budget_h;          /* "hydro_budget_h": daily energy, hours at Pmax (12) */
    int chp_must_run;               /* "chp_must_run": heat-led CHP held at Pmin (winter: 1) */
    double nuclear_f_low_hz;        /* "nuclear_band_hz": [49.0, 51.0]: a nadir outside */
    double nuclear_f_high_hz;       /*   disconnects the island's nuclear units */
} gr_fleet_params;
/* The defaults (campaign_scenario.c). */
void gr_fleet_params_default(gr_fleet_params *p);

typedef struct gr_campaign_scenario {
    char *name;
    char *source;           /* file it was read from, or "built-in" */
    /* the grid */
    gr_case *grid_case;     /* the MATPOWER case */
    gr_grid *grid;          /* its grid, load at peak x load_scale */
    gr_overlay *overlay;    /* geography, people, plants, zones, crews */
    char *grid_path, *overlay_path; /* where they came from (NULL: built in / embedded) */
    /* campaign */
    int nights;             /* default 30 */
    double start_h;         /* clock hour of t = 0 of each night (default 18) */
    gr_threat_type types[GR_THREAT_NTYPES];
    double p_damage[GR_THREAT_NTYPES][GR_ASSET_NCLASS]; /* damage probability of a hit */
    unsigned char p_damage_fixed[GR_THREAT_NTYPES][GR_ASSET_NCLASS]; /* 1: the scenario gave
                               p_damage: a hit damages one element with that probability
                               (the fixed model); 0: damage by fragility (gr_fragility) */
    gr_fragility fragility; /* weapons, components, fire spread */
    double p_switchyard;    /* a damaging hit on a transmission substation takes out the
                               switchyard (else one transformer unit): default 0.2 */
    int nplans;
    gr_night_plan *plans;
    /* targets */
    int target_policy;      /* GR_TARGET_* */
    int salvo[GR_THREAT_NTYPES];       /* threats aimed at one target together */
    int adaptive_evals;     /* ADAPTIVE: LP evaluations per night (0: the default, 16) */
    double class_weight[GR_ASSET_NCLASS];
    int ntarget;            /* GR_TARGET_LIST */
    int *target_asset;      /* ntarget asset indices */
    double *target_weight;  /* ntarget weights */
    /* air defence: zones in engagement priority (the first zone holding a target
       engages it); their stock is the stock on night 1 */
    int ad_model;           /* GR_AD_MODEL_* (default TARGET; the built-in scenario: LAYERED) */
    double detect_km;       /* detection line: the region border pushed out by this */
    int nzones;
    gr_ad_zone *zones;
    char **zone_name;
    /* assets and their protection */
    gr_campaign_assets assets;
    /* repair */
    int repair_method;      /* GR_CAMPAIGN_REPAIR_* (default DISPATCH) */
    int planner_max_jobs;   /* PLANNER: jobs planned each morning at most (default 10) */
    gr_dist repair[GR_REPAIR_NKIND];
    int crews;              /* crews (default: the overlay's crew bases) */
    double *crew_x_km, *crew_y_km; /* crews entries: home base */
    double work_start_h;    /* clock hour a shift starts (default 6) */
    double work_h_per_day;  /* default 16 (24: around the clock) */
    double speed_kmh, road_factor; /* crew travel (default 60 km/h, 1.3) */
    int nspares;
    gr_campaign_spare *spares;
    /* load and metrics */
    double load_scale;      /* multiplies the case's load (its winter peak): default 1 */
    double profile[24];     /* load per clock hour 0..23, fraction of the peak */
    double heat_loss_h;     /* no longer used (superseded by `weather`: the building
                               model); read and kept for older scenario files */
    gr_campaign_weather weather; /* outdoor temperature, buildings, cold-load pickup */
    /* cascade */
    int control;            /* GR_CASCADE_CONTROL_SHED (default) or _NONE */
    double reclose_h;       /* tripped (undamaged) elements are back after this: 2 h */
    char *text;             /* the scenario JSON as read (or the built-in text) */
    int overlay_built;      /* 1: "grid" without "overlay": gr_overlay_build made it */
    int cascade_model;      /* "cascade": {"model": "gridres"|"dcsimsep"|"accfm"}:
                               GR_CASCADE_MODEL_* of the wave cascades (default
                               gridres; the reference models take no operator
                               shedding, docs/cascade.md) */
    /* interconnection (docs/scenario.md "interconnection"): boundary ties to
       neighbouring systems, each a generator-like injection at its bus */
    int nties;
    gr_tie ties[GR_MAX_TIES];
    double sync_system_mw;  /* "system_mw": the large interconnection, 300000 MW */
    int frequency;          /* "cascade": {"frequency": "sfr"|"static"}: GR_FREQ_*
                               of the wave cascades (default sfr) */
    gr_fleet_params fleet;  /* "fleet": unit availability (docs/scenario.md "fleet") */
} gr_campaign_scenario;

/* Fill s->p_damage[type][class] where p_damage_fixed is 0 with the fragility's
 * single-hit kill probability of the class's main component, unprotected
 * (substations: an autotransformer; lines: a span; plants: a unit): the
 * figure the protection planner's heuristics weigh hits by. */
void gr_fragility_p_damage(gr_campaign_scenario *s);

/* The built-in default scenario as JSON text (static, NUL-terminated): the
 * default synthetic grid (gr_synth defaults), its overlay and a 30-night winter
 * campaign with public-range numbers (docs/campaign.md). */
const char *gr_campaign_default_json(void);

/* Read a campaign scenario. NULL path: the built-in default. "grid" and
 * "overlay" paths are relative to the scenario file's directory; without
 * "grid" the synthetic grid is generated (gr_synth with the "synth" options).
 * Every field is checked; errors (GR_EPARSE, exit 2 in the CLI) name the file
 * and the JSON path: "campaign.json: $.schedule[0].waves[1].counts.drone:
 * expected an integer, found string"; unknown fields and names are errors.
 * GR_EIO when a file cannot be read. Free *out with gr_campaign_scenario_free. */
int gr_campaign_scenario_read(const char *path, gr_campaign_scenario **out, gr_error *err);
/* Same from a buffer; `name` in messages, `base_dir` (NULL: ".") resolves
 * relative paths. */
int gr_campaign_scenario_parse(const char *text, size_t len, const char *name,
                               const char *base_dir, gr_campaign_scenario **out,
                               gr_error *err);
void gr_campaign_scenario_free(gr_campaign_scenario *s);
/* Waves of night k (1-based): the matching plan, or NULL (a quiet night). */
const gr_night_plan *gr_campaign_night_plan(const gr_campaign_scenario *s, int night);

/* Building blocks of the reader (for code that assembles a scenario itself). */
/* Fill the numeric defaults of s (everything docs/scenario.md lists with a
 * default: nights, clock, threat types, damage probabilities, targeting,
 * repair times and crews' travel, load profile, heat, cascade), the values a
 * reader then overrides with what the file gives. Sets numbers only: s
 * should start zeroed; no pointer of s is read, set or freed. */
void gr_campaign_scenario_defaults(gr_campaign_scenario *s);
/* Build the asset table s->assets from s->grid and s->overlay (both set and
 * consistent; load already scaled): the class table (the case's voltage
 * levels, gr_kv_class_levels), transmission substations (class by their
 * highest bus; elements: their transformer rows and the high-voltage bus),
 * distribution substations (their buses), plants (their generator rows) and
 * lines (class by their kV); capacity, city, site; protection zeroed.
 * Then the loss at peak of each asset lost whole (loss_mw: worst-case ranking
 * and repair priority): the shedding LP for transmission substations and
 * plants, dark load (islands without generation) for distribution substations
 * and lines.
 * s->assets is overwritten (not freed first); on success s owns the table
 * (gr_campaign_scenario_free frees it), on failure it is left empty.
 * GR_ENOMEM, or the LP's error, in err. */
int gr_campaign_assets_build(gr_campaign_scenario *s, gr_error *err);
/* Index in a of the asset named `name` (a substation or plant name of the
 * overlay, or "line:ROW"), or -1 when there is none. Borrows both. */
int gr_campaign_asset_find(const gr_campaign_assets *a, const char *name);

/* Resilience trapezoid of one event (Panteli & Mancarella, IEEE TPWRS 2017) from
 * a level curve R (fraction of load served, one value per step of dt_h). The
 * disturbance starts at step t_event; R0 = R[t_event - 1] (R[0] if t_event = 0). */
typedef struct gr_trapezoid {
    double r0;              /* level before the event */
    double r_min;           /* lowest level at or after t_event */
    double r_end;           /* level at the last step (regained before the next event) */
    double t_oe, t_ee;      /* event start, end of the fall (step of the minimum), h */
    double t_or, t_pr;      /* start of recovery (last step at the minimum), end of
                               recovery (first step at r_end after t_or), h */
    double phi;             /* Φ: how fast it drops, (r0 - r_min) / (t_ee - t_oe + dt), per h */
    double lambda;          /* Λ: how far, r0 - r_min */
    double e_h;             /* E: how long degraded at the bottom, t_or - t_ee + dt, h */
    double pi;              /* Π: how fast it recovers, (r_end - r_min) / (t_pr - t_or), per h
                               (0 when it does not recover) */
    double area;            /* ∫ max(r0 - R, 0) dt from t_oe to the end, level x h */
} gr_trapezoid;
/* Compute the trapezoid; n >= 1, 0 <= t_event < n, dt_h > 0; GR_EINVAL otherwise. */
int gr_trapezoid_compute(const double *level, int n, double dt_h, int t_event,
                         gr_trapezoid *out);
/* Least-squares slope of y[0..n-1] against 0..n-1 (NaN values skipped; 0 when
 * fewer than two). */
double gr_trend_slope(const double *y, int n);
/* Mean and the p-th percentiles (linear interpolation between order statistics,
 * p in [0, 100]) of x[0..n-1], NaN skipped: out[0] = mean, out[1 + j] =
 * percentile p[j]. NaN everywhere when no value. GR_ENOMEM on failure. */
int gr_stats(const double *x, int n, const double *p, int np, double *out);
/* Weighted mean of x over the top `share` (0..1] of the weight w when x is sorted
 * from the largest down (the boundary element counts with its fraction): the
 * worst-off decile's mean with share 0.1 and w = people. NaN when no weight.
 * GR_ENOMEM, GR_EINVAL (n < 0, share outside (0, 1], a negative weight). */
int gr_worst_share(const double *x, const double *w, int n, double share, double *out);

struct gr_campaign_result;
struct gr_campaign_run_out;
/* Options of a campaign run. */
typedef struct gr_campaign_options {
    int nights;             /* 0: the scenario's */
    int runs;               /* Monte Carlo runs (default 1) */
    uint64_t seed;          /* run r draws from gr_rng_stream(seed, r) (default 1) */
    int threads;            /* OpenMP threads over runs (0: the OpenMP default) */
    int control;            /* -1: the scenario's; else GR_CASCADE_CONTROL_* */
    int keep_hourly;        /* 1 (default): keep the hourly curves of every run */
    int keep_events;        /* 1 (default): keep the event log of every run */
    /* called after each night of each run with the nights done so far over all
       runs and runs x nights (from any thread, under a lock); may be NULL */
    void (*progress)(void *user, int done, int total);
    void *user;
    /* checkpoint/resume of the runs (NULL: none); under MPI the runs spread
       over the ranks either way (src/util/sweep, docs/cluster.md); progress
       then counts the nights of this rank's runs only */
    const struct gr_sweep_options *sweep;
    /* optional: stream each run's hourly curves and event log instead of
       keeping them all (memory then does not grow with the runs): called once
       per run, in run order, as soon as that run and every run before it are
       done (resumed runs first); on rank 0 only under MPI,
       from any thread, one call at a time. r holds the result so far: the
       run's slices of night, total, warn_*, n_events and status are final.
       The views are freed after the call, and the result's hourly,
       area_hourly and events are NULL. A failed run (status) is not streamed.
       A nonzero return (a gr_status) stops the campaign with that status. */
    int (*on_run)(void *user, const struct gr_campaign_result *r,
                  const struct gr_campaign_run_out *run);
    void *on_run_user;
} gr_campaign_options;
void gr_campaign_options_default(gr_campaign_options *opt);

/* Hourly values, rows (run, night, hour) in that order. */
enum {
    GR_HOUR_LOAD_MW = 0, GR_HOUR_SERVED_MW, GR_HOUR_SERVED_CRITICAL_MW,
    GR_HOUR_PEOPLE_NO_POWER, GR_HOUR_PEOPLE_NO_HEAT, GR_HOUR_NFIELD
};

/* One night of one run. */
typedef struct gr_campaign_night {
    int drones, missiles;           /* launched (missiles: cruise + ballistic) */
    int intercepted, ew, hits;      /* outcomes; hits = threats that reached their target */
    int damaged;                    /* elements damaged this night */
    double ens_mwh;                 /* energy not served over the night's 24 h */
    double peak_lost_mw;            /* largest hourly load - served */
    double customer_hours;          /* people-hours without power (a person = a customer) */
    double people_without_heat_max;
    double critical_dark_h;         /* facility-hours without power (hospitals, water,
                                       heating: count x unserved fraction of their load) */
    int interceptors_used;
    int spares_left;                /* spare units in stock at the night's end */
    double level_before_wave;       /* served / load the hour before the first impact */
    gr_trapezoid trap;              /* this night's event (level = served / load) */
    int has_event;                  /* 1 when some threat arrived */
} gr_campaign_night;

/* One row of the event log. */
enum {
    GR_CEV_DAMAGE = 0,      /* an element damaged by a hit (cause: threat type) */
    GR_CEV_HIT = 1,         /* a hit that did no damage (element: the asset's main one) */
    GR_CEV_TRIP = 2,        /* the cascade tripped an element (cause: cascade cause) */
    GR_CEV_SHED = 3,        /* the cascade shed load (cause: cascade cause) */
    GR_CEV_RECLOSE = 4,     /* a tripped element back in service (cause "operator") */
    GR_CEV_REPAIR = 5,      /* a damaged element repaired (cause: repair kind) */
    GR_CEV_NKIND = 6
};
const char *gr_campaign_event_kind_name(int kind); /* "damage", "hit", "trip", … */
typedef struct gr_campaign_event {
    int night;              /* 1-based */
    double t_h;             /* campaign time */
    int kind;               /* GR_CEV_* */
    int elem_kind, elem_index; /* GR_ELEM_* and 0-based index (island: lowest bus) */
    int cause;              /* DAMAGE, HIT: GR_THREAT_*; TRIP, SHED: gr_cascade_cause;
                               REPAIR: GR_REPAIR_*; RECLOSE: 0 */
    double mw_lost;
} gr_campaign_event;

/* Totals of one run. */
#define GR_CAMPAIGN_QUEUES 6     /* outage queues (Ukrenergo's six) ... */
#define GR_CAMPAIGN_SUBQUEUES 12 /* ... of two sub-queues each */
typedef struct gr_campaign_total {
    double ens_mwh, customer_hours, critical_dark_h;
    double peak_lost_mw;                /* worst hour */
    double people_without_power_max, people_without_power_mean;
    double people_without_heat_max;
    double worst_week_hours_per_day;    /* hours without power per person and day,
                                           averaged over the worst 7 consecutive nights */
    double saidi_h;                     /* customer_hours / population */
    double final_level;                 /* served / load in the last hour */
    int worst_night;                    /* 1-based night with the largest ENS */
    int launched[GR_THREAT_NTYPES];
    int outcome[GR_THREAT_NTYPES][GR_OUT_NOUTCOMES]; /* intercepted, EW, leaked */
    int damaged, interceptors_used, spares_left;
    int repairs_done[GR_REPAIR_NKIND];
    double repair_work_h[GR_REPAIR_NKIND];  /* sum of sampled work hours (damaged) */
    int damaged_kind[GR_REPAIR_NKIND];
    double restore_h[GR_REPAIR_NKIND];      /* sum of damage-to-repair times (repaired) */
    double phi_trend, e_trend, pi_trend, level_trend; /* slopes per night (erosion) */
    /* relaxed shedding states (docs/shedding.md "Infeasible states"): hours
       whose damaged grid could only be balanced by curtailing negative load
       or by the balance slack, and how much, over the hourly states */
    int relaxed_hours;
    double curtailed_mwh, curtailed_max_mw;
    double unbalanced_mwh, unbalanced_max_mw;
    int unbalanced_night, unbalanced_hour;  /* where unbalanced_max_mw was (1-based night,
                                               hour 0..23; 0, -1: none) */
    int unbalanced_bus;                     /* its island's reference bus (0-based), -1 */
    /* outage queues (docs/campaign.md "Outage queues"): hours without power per day */
    double queue_hours_per_day[GR_CAMPAIGN_SUBQUEUES]; /* sub-queues 1.1, 1.2, 2.1, ... 6.2 */
    double mean_hours_per_day;          /* over all people */
    double worst_decile_hours_per_day;  /* mean over the worst-off 10 % of people */
    double longest_dark_h;              /* longest continuous dark spell of any sub-queue */
    double clpu_mwh;                    /* cold-load pickup energy (extra load) */
    /* heat (docs/campaign.md "Heat"): district-heated people */
    double people_below_12c_max;        /* indoor below weather.cold_c (12 °C), peak hour */
    double person_hours_below_12c;
    double indoor_min_c;                /* coldest district, coldest hour */
    /* generation fleet (docs/campaign.md "Generation fleet") */
    int unit_restarts;                  /* units restarted after a trip or a repair */
    int nuclear_disconnections;         /* nuclear units disconnected (outlet, frequency) */
    double nuclear_unit_days_out;       /* unit-days nuclear units were disconnected */
    double hydro_energy_limited_mwh;    /* hydro capacity withheld by the daily budget, MWh */
} gr_campaign_total;

/* Fields of gr_campaign_result.area_hourly: people without power (the outage
 * queues' dark people plus the buses no generator reaches, hour average; the
 * areas sum to GR_HOUR_PEOPLE_NO_POWER) and district-heated people below
 * weather.cold_c indoors at the hour's end (they sum to the hour's share of
 * person_hours_below_12c). */
enum { GR_AREA_NO_POWER = 0, GR_AREA_BELOW_COLD, GR_AREA_NFIELD };

typedef struct gr_campaign_result {
    int runs, nights;
    uint64_t seed;
    int control;
    int nb;
    double population, peak_mw;         /* of the grid (peak x load_scale) */
    double *hourly;                     /* runs * nights * 24 * GR_HOUR_NFIELD, or NULL */
    gr_campaign_night *night;           /* runs * nights */
    gr_campaign_total *total;           /* runs */
    int ncity;
    double *warn_mean_min;              /* runs * ncity: mean warning time, minutes, from
                                           detection (a threat aimed at the city crossing
                                           the detection line) to the first arrival in the
                                           city, over nights with arrivals (NaN: none) */
    double *warn_short_min;             /* runs * ncity: the shortest such warning */
    int *n_events;                      /* runs (0 without keep_events) */
    gr_campaign_event **events;         /* runs arrays, or NULL entries */
    int *status;                        /* runs: GR_OK or the run's error */
    int lp_solves;                      /* shedding LPs solved over all runs */
    /* effort (machine dependent, not part of the results that are identical
       across thread counts) */
    double *run_s;                      /* runs: wall time of each run */
    double wall_s;
    int threads;
    /* per area and hour (keep_hourly; else NULL): runs * nights * 24 * (ncity + 1) *
       GR_AREA_NFIELD; area c < ncity is city c, area ncity the buses of no city */
    double *area_hourly;          /* (appended member) */
} gr_campaign_result;

/* One run's curves and event log, as gr_campaign_options.on_run streams them. */
typedef struct gr_campaign_run_out {
    int run;                        /* 0-based */
    const double *hourly;           /* nights x 24 x GR_HOUR_NFIELD (NULL without keep_hourly) */
    const double *area_hourly;      /* nights x 24 x (ncity + 1) x GR_AREA_NFIELD, or NULL */
    const gr_campaign_event *events; /* n_events rows (NULL without keep_events) */
    int n_events;
} gr_campaign_run_out;

/* Run the campaign: opt->runs independent runs, in parallel over threads, each
 * with its own grid copy and rng stream gr_rng_stream(seed, run); every run
 * writes its own slot, so the result is identical for any thread count.
 * GR_EINVAL for bad options; the first failing run's error otherwise (status[]
 * has each run's). Free *out with gr_campaign_result_free. */
int gr_campaign_run(const gr_campaign_scenario *s, const gr_campaign_options *opt,
                    gr_campaign_result **out, gr_error *err);
void gr_campaign_result_free(gr_campaign_result *r);

/* ------------------------------------------------------------------------
 * Reports (src/report).
 * ------------------------------------------------------------------------ */
/* An HTML report of a campaign output folder (DESIGN §10; docs/report.md):
 * reads DIR/hourly.csv, nights.csv, events.csv, runs.csv, cities.csv,
 * summary.json, grid.m, scenario.json and campaign.json as `gridres campaign`
 * writes them (CSV columns by header name) and writes DIR/report.html and DIR/charts/NAME.png and .svg,
 * drawn with cairo, for each chart whose inputs are there:
 *   served  hourly load, served and critical served load of one run, with
 *           each night's resilience trapezoid (drop, degraded level, recovery)
 *   nights  per-night bars of people without power and without heat
 *   map     the grid on the overlay's coordinates: lines by voltage level,
 *           damaged elements, dark areas at the worst hour, cities, defended zones
 *   fan     Monte Carlo (two runs or more): share of demand served per night,
 *           p5-p95 and p25-p75 bands and the median over runs
 *   ccdf    Monte Carlo: CCDF of the energy not served per run (log y)
 * A chart whose input file is absent is skipped with a note in the page. The
 * page is self-contained (no external resources) and the same folder gives
 * the same bytes. */
typedef struct gr_report_options {
    const char *title;      /* page title; NULL: "Campaign report: " + the scenario name */
    int run;                /* run shown by the served-load curve, the night bars and the
                               map (1-based; default 1) */
    int width_px, height_px;/* size of the served, nights, fan and ccdf charts (default
                               1100 x 560; 300 .. 8000 each) */
    int map_px;             /* width of the map (default 900; 300 .. 8000); its height
                               follows the region's aspect ratio */
    int force;              /* 1: replace an existing report.html and charts; 0 (default):
                               GR_EEXIST when any of them exists, before writing anything */
    int zero_based;         /* 1: the served chart's MW axes start at 0; 0 (default): fitted
                               to the data (appended member) */
    const char *sensitivity;/* a `gridres sensitivity` output folder: its tornado chart is
                               drawn as charts/tornado.png|svg and shown in the page (NULL:
                               none; appended member) */
} gr_report_options;

void gr_report_options_default(gr_report_options *opt);

/* What gr_report_write_info wrote. */
typedef struct gr_report_info {
    int n_charts;           /* charts drawn (each a PNG and an SVG) */
    int n_skipped;          /* charts skipped for missing inputs */
    char charts[128];       /* names of the charts drawn, comma-separated */
    char skipped[GR_ERROR_MAX]; /* "fan: a single run; …", or "" */
} gr_report_info;

/* Write the report of campaign folder `dir` (opt NULL: defaults). Errors:
 * GR_ENOTFOUND (dir is not a folder, or holds none of hourly.csv, nights.csv
 * and summary.json), GR_EPARSE (a malformed input: "DIR/hourly.csv:12: column
 * 'served_mw': expected a number, found 'x'", JSON errors with line and column,
 * grid.m and scenario.json errors of their readers), GR_EINVAL (bad options,
 * a run not in the data), GR_EEXIST (outputs exist and !force), GR_EIO (cannot
 * write), GR_ENOMEM. Output files are written beside their final name and
 * renamed into place. */
int gr_report_write(const char *dir, const gr_report_options *opt, gr_error *err);
/* The same; info (nullable) tells which charts were drawn and skipped. */
int gr_report_write_info(const char *dir, const gr_report_options *opt, gr_report_info *info,
                         gr_error *err);
/* The sensitivity report (src/report/tornado.c; docs/calibration.md "Sensitivity"): reads
 * DIR/sensitivity.json as `gridres sensitivity` writes it and writes DIR/tornado.png,
 * DIR/tornado.svg (one panel per output, one bar pair per parameter: the value at its low
 * and high factor against the base, widest swing on top) and DIR/report.html. GR_ENOTFOUND
 * (no sensitivity.json), GR_EPARSE (not a sensitivity file), GR_EEXIST (outputs exist and
 * !force), GR_EIO, GR_ENOMEM. */
int gr_sensitivity_report_write(const char *dir, int force, gr_error *err);

/* ------------------------------------------------------------------------
 * Sweeps: threads, MPI ranks, checkpoints (src/util/sweep).
 * ------------------------------------------------------------------------ */
/* A sweep runs n independent items (a Monte Carlo event, a block of
 * contingencies, a campaign run): item i is computed from i alone (seeded per
 * item), so the result never depends on how the items are split. Inside one
 * process the items go to threads; under `mpirun -n P` (library built with
 * GRIDRES_WITH_MPI) rank 0 hands out chunks of items on demand, every rank
 * runs its chunks on its own threads, and the records come back to rank 0,
 * which puts them in item order: what rank 0 returns is identical to a
 * single-process run. Other ranks return only what they computed and must
 * not write outputs (see gr_mpi_rank). Completed records can be
 * checkpointed to DIR/checkpoint/ and a killed sweep resumed from there with
 * nothing lost and nothing counted twice. docs/cluster.md has the details. */

/* A growable byte buffer a record is serialised into (gr_sweep_spec.pack). */
typedef struct gr_sweep_buf gr_sweep_buf;
/* Append len bytes to b. GR_ENOMEM. */
int gr_sweep_put(gr_sweep_buf *b, const void *data, size_t len);
/* Read len bytes from a record into dst and advance *data, *left past them
 * (for gr_sweep_spec.unpack). GR_EPARSE when fewer than len bytes are left. */
int gr_sweep_get(const void **data, size_t *left, void *dst, size_t len);

/* Checkpoint and resume of one sweep (all optional). */
typedef struct gr_sweep_options {
    const char *dir;        /* output directory of the sweep: records are checkpointed
                               to dir/checkpoint/ (created); NULL: no checkpoints */
    long every;             /* checkpoint after this many completed items (0: not by count) */
    double every_s;         /* ... and/or after this many seconds (0: not by time); both
                               0 with dir set: every 60 s. A last one when the sweep ends. */
    int resume;             /* 1: read dir/checkpoint/ and run only the missing items
                               (nothing there: run all). 0: start afresh (an old
                               checkpoint in dir is removed only with force) */
    const char *job;        /* one line naming everything the results depend on (the
                               command, its inputs' checksums, N, seed, options); a
                               resume with a different job, item count or record kind is
                               refused with GR_EINVAL and a message saying what differs */
    struct gr_sweep_stats *stats; /* optional: filled by the sweep (written, not read) */
    struct gr_mpi *mpi;     /* the MPI session to spread the sweep over (gr_mpi_open);
                               NULL: this process only */
    int force;              /* 0: with resume 0, a checkpoint already in dir is kept and
                               the sweep refused (GR_EEXIST); 1: it is removed */
} gr_sweep_options;
void gr_sweep_options_default(gr_sweep_options *opt);

typedef struct gr_sweep_stats {
    long n;                 /* items of the sweep */
    long resumed;           /* items read back from the checkpoint (rank 0) */
    long run_here;          /* items run by this process */
    long run_total;         /* items run by all ranks in this call (rank 0; others: run_here) */
    int checkpoints;        /* checkpoints written (rank 0) */
    int ranks, threads;     /* MPI ranks (1 without MPI) and threads of this rank */
    double wall_s;
} gr_sweep_stats;

/* What to sweep. Records: either fixed-size, plain bytes in a caller array
 * (record_size > 0, records; pack = unpack = NULL), or anything the caller
 * stores itself and serialises with pack/unpack (variable size, e.g. a list
 * of violations). */
typedef struct gr_sweep_spec {
    long n;                 /* items 0 .. n-1 (>= 0) */
    int threads;            /* threads per process; 0: OpenMP's default (under MPI
                               without OMP_NUM_THREADS: cores / ranks on the node) */
    void *ctx;              /* passed to every callback */
    /* compute item `item` on worker thread `thread` (0 .. threads-1) and store
       its result: in record (fixed-size mode: records + item * record_size,
       zeroed) or where ctx says (record is NULL). Called concurrently for
       distinct items. Nonzero (a gr_status) stops the whole sweep with that
       error: return it only for fatal errors (a per-item failure belongs in
       the record). */
    int (*run)(void *ctx, long item, void *record, int thread);
    /* optional: set up / free a worker thread's scratch, on that thread,
       before its first and after its last item; nonzero stops the sweep */
    int (*thread_init)(void *ctx, int thread);
    void (*thread_free)(void *ctx, int thread);
    size_t record_size;     /* fixed-size mode: bytes per record */
    void *records;          /* fixed-size mode: n * record_size bytes (every rank) */
    /* serialised mode: append item's stored result to out (after its run, from
       any thread, concurrently with runs of other items) / store a record
       read back (on rank 0 and during a resume; one call at a time, while
       other items run). GR_ENOMEM / GR_EPARSE. */
    int (*pack)(void *ctx, long item, gr_sweep_buf *out);
    int (*unpack)(void *ctx, long item, const void *data, size_t len);
    const char *kind;       /* the kernel and its record layout, e.g. "cascade-random-n2/1";
                               part of the checkpoint's identity */
    const gr_sweep_options *opt; /* NULL: no checkpoint, this process only */
    int local;              /* 1: this process only, even with opt->mpi */
    /* optional: stream the records instead of keeping them all. deliver is
       called on rank 0 (or the only process) once per item, in item order, as
       soon as the item and every item before it are stored there (resumed
       items first); from any thread, one call at a time. Nonzero (a gr_status)
       stops the sweep. release (needs deliver) is called once per item this
       process stored, when the sweep needs its record no more: after its
       deliver on rank 0, after packing it for rank 0 on the other ranks; the
       caller may then free it. With a checkpoint, records are packed as they
       complete and a checkpoint is written at the latest every 1 MB of them,
       so memory does not grow with n. Items left undelivered by a failed
       sweep are not released: free them after gr_sweep_run. */
    int (*deliver)(void *ctx, long item);
    void (*release)(void *ctx, long item);
} gr_sweep_spec;

/* Run the sweep. Collective under MPI: every rank calls it with the same n,
 * kind and job (checked: GR_EINVAL). Returns the same status on every rank:
 * GR_OK; the first fatal error of run/thread_init/pack/unpack (message in
 * err); GR_EIO when a checkpoint cannot be written; GR_EINVAL for a bad spec
 * or a refused resume; GR_EPARSE for a damaged checkpoint (bad checksum).
 * Checkpoint files are written to a temporary name, fsync'ed and renamed,
 * so a kill at any moment leaves the previous checkpoint intact.
 * Test hook (not for production): with GRIDRES_TEST_KILL_AFTER=K in the
 * environment, the process of rank GRIDRES_TEST_KILL_RANK (default 0) raises
 * SIGKILL on itself once K items are checkpointed (rank 0), or once it holds
 * K computed items, before sending the last of them to rank 0 (other ranks). */
int gr_sweep_run(const gr_sweep_spec *spec, gr_sweep_stats *stats, gr_error *err);
/* Threads gr_sweep_run will use on this process for spec (>= 1; the `thread`
 * argument of the callbacks is below it): spec->threads or its default,
 * at most n. For sizing per-thread scratch in ctx. */
int gr_sweep_threads(const gr_sweep_spec *spec);

/* The MPI session of a process (opaque): which rank it is, how many there are,
 * and whether the last sweep failed on every rank alike. A sweep spreads over
 * the ranks only when its options carry a session (gr_sweep_options.mpi).
 * gr_mpi_open initialises MPI (thread level FUNNELED) when an MPI launcher
 * (mpirun, srun) started the process, or GRIDRES_MPI=1; GRIDRES_MPI=0 keeps
 * it off; not launched, or a library built without MPI: a session of one rank.
 * MPI can be initialised once per process: open one session, from the main
 * thread, before any sweep, and close it before the program exits. When the
 * host program initialised MPI itself, the session uses it and leaves its
 * finalisation to the host. GR_ENOMEM. Free with gr_mpi_close. */
typedef struct gr_mpi gr_mpi;
int gr_mpi_open(gr_mpi **out, gr_error *err);
/* This process's rank (0 for NULL) and the number of ranks (1 for NULL). */
int gr_mpi_rank(const gr_mpi *m);
int gr_mpi_size(const gr_mpi *m);
/* "Open MPI v4.1.4, ..." when built with MPI, else NULL. */
const char *gr_mpi_library(const gr_mpi *m);
/* End the session (NULL: nothing). When it initialised MPI: exit_code 0, or a
 * failure of the last sweep (which every rank shares): MPI_Finalize; another
 * failure with several ranks: MPI_Abort(exit_code), so that a rank failing
 * alone does not leave the others waiting for it (MPI_Finalize would hang). */
void gr_mpi_close(gr_mpi *m, int exit_code);

/* ------------------------------------------------------------------------
 * Protection planning (src/sim/protect).
 * ------------------------------------------------------------------------ */
/* What to protect first (docs/protect.md): with a budget, choose shelters for
 * assets, spare transformer units and extra repair crews so that an expected
 * campaign loss is smallest: priority-weighted energy not served (default),
 * people-hours without heat, or critical facility-hours dark, estimated over
 * Monte Carlo campaigns (gr_campaign_run) with common random numbers: run r
 * of every option uses the same campaign seed. Greedy by marginal benefit per
 * cost with lazy re-evaluation (CELF: Leskovec et al., KDD 2007), compared
 * with the rules a planner would use (largest capacity first, most connected
 * first, random) spending the same budget on the same runs. */

/* Option types (costs.json "type"). */
enum {
    GR_OPTION_SHELTER = 0, GR_OPTION_SPARE = 1, GR_OPTION_CREW = 2,
    GR_OPTION_AD = 3,       /* air defence at a defended zone (costs.json "air_defence") */
    GR_OPTION_NTYPES = 4
};
/* What an air-defence option adds at its zone (costs.json "system"): a mobile
 * fire group (a GR_AD_MOBILE zone), a point-defence battery (a GR_AD_POINT
 * zone) at the zone's centre, or interceptors to the zone's magazine. */
enum { GR_PROTECT_AD_FIRE_GROUP = 0, GR_PROTECT_AD_BATTERY = 1, GR_PROTECT_AD_INTERCEPTORS = 2 };
/* "shelter", "spare", "crew", "air_defence"; "?" out of range. */
const char *gr_option_type_name(int type);

/* One option of the catalogue. Costs are in the catalogue's currency
 * (million UAH in the built-in one). */
typedef struct gr_protect_option {
    int type;                           /* GR_OPTION_* */
    char *name;                         /* "drone shelter", "spare autotransformer" */
    /* shelter: a passive protection level of one asset */
    int level;                          /* 1, 2, …: a higher level replaces a lower one */
    double class_cost[GR_ASSET_NCLASS]; /* cost per asset of the class; NaN: not offered */
    double effect[GR_THREAT_NTYPES];    /* share of damaging hits it stops, per threat type */
    /* spare: units added to the scenario's spare class that serves `kind` */
    int kind;                           /* GR_REPAIR_* */
    /* spare and crew */
    double cost;                        /* per purchase */
    int units;                          /* spare: units per purchase */
    int max;                            /* purchases at most (per spare class / per base) */
    int bases;                          /* crew: candidate crew bases (the most needed) */
    /* air defence (GR_OPTION_AD): `max` purchases per zone, `zones` candidate zones (the
       defended zones whose circles hold most of the expected damage) */
    int system;                         /* GR_PROTECT_AD_* */
    int zones;                          /* candidate zones (default 1) */
    int channels;                       /* fire group / battery: fire channels */
    int stock;                          /* fire group / battery: magazine (stock = stock_max);
                                           interceptors: `units` is the number added */
    int resupply;                       /* fire group / battery: delivered per night */
    double radius_km;                   /* fire group / battery: weapon range */
    double radar_h_m;                   /* fire group / battery: sensor height (0: sees its
                                           whole circle) */
    double pk[GR_THREAT_NTYPES];        /* fire group / battery: kill probability per shot */
} gr_protect_option;

/* The cost catalogue (costs.json; every field, unit, default and source in
 * docs/protect.md). Owns everything it points to. */
typedef struct gr_protect_costs {
    char *currency;                     /* "million UAH" (informative) */
    double usd_uah;                     /* exchange rate of the USD figures (informative) */
    int noptions;
    gr_protect_option *options;
    int shortlist;                      /* shelter candidates: the K most exposed assets (12) */
    double critical_weight;             /* weight of critical load in the ens objective (10) */
    int rule_level;                     /* shelter level the rules buy (0: the highest offered) */
    int attacker;                       /* planner.attacker: GR_PROTECT_ATTACKER_* the CLI
                                           uses without --attacker; -1: not given */
    char *source;                       /* the file, or "built-in" */
} gr_protect_costs;

/* The built-in catalogue as JSON text (static, NUL-terminated). */
const char *gr_protect_costs_default_json(void);
/* Read costs.json (NULL path: the built-in catalogue). Every field is checked;
 * errors (GR_EPARSE) name the file and the JSON path ("costs.json:
 * $.options[1].cost.sub330: expected a number, found string"; "…: $.options[3]
 * .type: unknown option type \"moat\" (expected shelter, spare or crew)");
 * JSON syntax errors give "costs.json:3:14: …". GR_EIO when the file cannot be
 * read. Free *out with gr_protect_costs_free. */
int gr_protect_costs_read(const char *path, gr_protect_costs **out, gr_error *err);
/* Same from a buffer; `name` is used in messages. */
int gr_protect_costs_parse(const char *text, size_t len, const char *name,
                           gr_protect_costs **out, gr_error *err);
/* The same with the asset-class keys of the shelters' "cost" ("sub400", "subEHV",
 * "submax", "line", plant types; docs/protect.md) resolved against the class table a
 * (a scenario's s->assets), as the scenario reader resolves them: a key naming a level
 * the case lacks fails with its JSON path, the case's levels and the closest name
 * ("…cost.sub750: unknown asset class \"sub750\" (the case's voltage levels: 400,
 * 220 kV; …); did you mean \"sub400\"?"). a NULL: the synthetic region's 750/330/110 kV
 * (what gr_protect_costs_read and _parse use). */
int gr_protect_costs_read_for(const char *path, const gr_campaign_assets *a,
                              gr_protect_costs **out, gr_error *err);
int gr_protect_costs_parse_for(const char *text, size_t len, const char *name,
                               const gr_campaign_assets *a, gr_protect_costs **out,
                               gr_error *err);
void gr_protect_costs_free(gr_protect_costs *c);

/* Objectives: what the plan minimises (expected value per campaign). */
enum {
    GR_PROTECT_OBJ_ENS = 0,      /* priority-weighted energy not served, MWh: ENS +
                                    (critical_weight - 1) x critical ENS */
    GR_PROTECT_OBJ_HEAT = 1,     /* people-hours without heat (Σ hourly people_without_heat) */
    GR_PROTECT_OBJ_CRITICAL = 2, /* critical facility-hours dark (critical_dark_h) */
    GR_PROTECT_NOBJ = 3
};
/* "ens", "heat", "critical"; "?" out of range. */
const char *gr_protect_objective_name(int obj);

/* Per-run campaign metrics the planner keeps (the first three are the
 * objectives, in the order above). */
enum {
    GR_PM_WEIGHTED_ENS = 0, GR_PM_HEAT_PH, GR_PM_CRITICAL_H, GR_PM_ENS, GR_PM_CRITICAL_ENS,
    GR_PM_CUSTOMER_H, GR_PM_NO_POWER_MAX, GR_PM_NO_HEAT_MAX, GR_PM_PEAK_LOST, GR_PM_DAMAGED,
    GR_PM_WORST_WEEK, GR_PM_N
};
/* "weighted_ens_mwh", "heat_people_hours", "critical_dark_h", "ens_mwh",
 * "critical_ens_mwh", "customer_hours", "people_without_power_max",
 * "people_without_heat_max", "peak_lost_mw", "damaged",
 * "worst_week_hours_per_day"; "?" out of range. */
const char *gr_protect_metric_name(int m);

/* The simple rules. */
enum { GR_RULE_CAPACITY = 0, GR_RULE_DEGREE = 1, GR_RULE_RANDOM = 2, GR_RULE_N = 3 };
/* "capacity", "degree", "random"; "?" out of range. */
const char *gr_protect_rule_name(int rule);

/* The attacker the greedy judges candidates against (docs/protect.md
 * "Against an adaptive attacker"): FIXED, the scenario's targets policy (the
 * default: fast, shelters re-simulate only the runs they change); ADAPTIVE,
 * the adaptive attacker (GR_TARGET_ADAPTIVE), which re-optimises after seeing
 * the protection, every run simulated: a defender-attacker-defender loop
 * (Brown, Carlyle, Salmeron & Wood, Interfaces 36(6), 2006; Alderson, Brown,
 * Carlyle & Wood, Operations Research 59(5), 2011) whose inner defender is the
 * operator's shedding and repairs; BOTH, robust: a candidate's benefit is the
 * smaller of its benefits against the two. With ADAPTIVE or BOTH every plan
 * step and the plan are also valued against both attackers. */
enum { GR_PROTECT_ATTACKER_FIXED = 0, GR_PROTECT_ATTACKER_ADAPTIVE = 1,
       GR_PROTECT_ATTACKER_BOTH = 2, GR_PROTECT_NATTACKER = 3 };
/* "fixed", "adaptive", "both"; "?" out of range. */
const char *gr_protect_attacker_name(int a);

typedef struct gr_protect_options {
    double budget;          /* in the catalogue's currency, >= 0 */
    int objective;          /* GR_PROTECT_OBJ_* (default ENS) */
    int runs;               /* Monte Carlo runs (default 20) */
    int nights;             /* 0: the scenario's */
    uint64_t seed;          /* master seed (default 1): run r is the campaign run of seed
                               gr_protect_run_seed(seed, r) */
    int threads;            /* OpenMP threads over runs (0: the OpenMP default) */
    int rules;              /* 1 (default): evaluate the simple rules as well */
    int validate;           /* > 0: also judge the plan and the rules' purchases on this
                               many fresh runs (R .. R + validate - 1), not used to choose:
                               an out-of-sample check (default 0) */
    int adaptive;           /* 1: also judge the plan and the rules' purchases on the same
                               runs against the adaptive attacker (GR_TARGET_ADAPTIVE: it
                               sees the protection and re-plans each night), every run
                               simulated, each plan step too; default 0 (implied by an
                               attacker other than FIXED) */
    int attacker;           /* GR_PROTECT_ATTACKER_*: the attacker each candidate is judged
                               against (default FIXED) */
    int buy_noise;          /* 1: also buy options whose benefit is positive but not
                               significant (its 95 % interval includes 0; the planner's
                               behaviour before significance was checked); default 0 */
    int screen;             /* > 0 (and < runs): racing in the greedy (docs/protect.md): a
                               candidate it re-evaluates is first judged on the runs among
                               the first `screen` it can change; when the 99 % upper bound of
                               its benefit from them is below the best other key, it goes
                               back with that bound as its key, not evaluated further.
                               Bought options are always evaluated on all runs (their
                               values are full-run values); the plan can differ from the
                               exact greedy's only where a bound was wrong (docs). 0
                               (default): every evaluation on all runs */
    int rule_points;        /* > 0 (default 8): each rule's curve is simulated at this many
                               points, when its spending first reaches j x budget / K and
                               after its last purchase, the purchases in between together;
                               its final figures are the step-by-step ones number for number,
                               the steps between two points have NaN benefits. 0: every
                               step simulated */
    /* called after each batch of campaign runs with a short description of the
       stage and the runs simulated so far (main thread); may be NULL */
    void (*progress)(void *user, const char *stage, long runs_done);
    void *user;
} gr_protect_options;
void gr_protect_options_default(gr_protect_options *opt);

/* Campaign seed of run r (0-based) of a plan with master seed `seed`:
 * (seed x 2^20 + r) mod 2^63. Run r is exactly `gridres campaign --runs 1
 * --seed gr_protect_run_seed(seed, r)` with the options of that run applied. */
uint64_t gr_protect_run_seed(uint64_t seed, int run);

/* One purchase of a plan or of a rule. */
typedef struct gr_protect_step {
    int type;               /* GR_OPTION_* */
    int option;             /* index into the catalogue's options */
    int target;             /* shelter: asset index; spare: the scenario's spare class;
                               crew: overlay crew base; air_defence: the scenario's zone */
    char option_name[64];   /* the option's name */
    char target_name[96];   /* asset, spare class or crew base name */
    double protection;      /* shelter: the asset's protection level after it (0..1) */
    double cost;            /* of this step */
    double benefit;         /* marginal: mean over runs of the objective before minus after */
    double benefit_ci;      /* 1.96 s / sqrt(R), s the std. deviation of the paired differences */
    double cum_cost;        /* spent after this step */
    double cum_benefit, cum_benefit_ci; /* against no protection */
    int runs_simulated;     /* runs simulated for it (the others are identical: no hit on it) */
    /* against the adaptive attacker on the same runs (NaN when not evaluated: attacker
       FIXED without opt.adaptive): marginal and against no protection */
    double adv_benefit, adv_benefit_ci, adv_cum_benefit, adv_cum_benefit_ci;
} gr_protect_step;

typedef struct gr_protect_rule {
    int rule;               /* GR_RULE_* */
    int nsteps;
    gr_protect_step *steps; /* the shelters it buys, in order */
    double cost;            /* spent */
    double objective;       /* mean objective with its shelters */
    double benefit, benefit_ci;     /* against no protection (paired) */
    double plan_gain, plan_gain_ci; /* the plan's benefit minus the rule's (paired) */
    double val_benefit, val_benefit_ci, val_plan_gain, val_plan_gain_ci; /* the same on the
                                       validation runs (NaN without them) */
    double adv_benefit, adv_benefit_ci, adv_plan_gain, adv_plan_gain_ci; /* the same against
                                       the adaptive attacker (NaN without opt.adaptive) */
} gr_protect_rule;

typedef struct gr_protect_result {
    int runs, nights, objective;
    int attacker;           /* GR_PROTECT_ATTACKER_* the plan was chosen against */
    uint64_t seed;
    double budget, spent;
    int nplan;
    gr_protect_step *plan;  /* the purchases, in the order chosen */
    double obj_none, obj_plan;          /* mean objective without / with the plan */
    double benefit, benefit_ci;         /* obj_none - obj_plan (paired) */
    int validate_runs;                  /* opt->validate */
    double val_obj_none, val_obj_plan;  /* on the validation runs (NaN without them) */
    double val_benefit, val_benefit_ci;
    /* against the adaptive attacker on the same runs (opt.adaptive; NaN without) */
    double adv_obj_none, adv_obj_plan, adv_benefit, adv_benefit_ci;
    int nrules;                         /* GR_RULE_N, or 0 without rules */
    gr_protect_rule rules[GR_RULE_N];
    /* per run r: metric m without / with the plan at [r * GR_PM_N + m] */
    double *metric_none, *metric_plan;
    double *protection;     /* assets.n: protection level of every asset with the plan */
    int nshort;
    int *shortlist;         /* nshort shelter candidate assets, most exposed first */
    double *exposure;       /* nshort: their expected damaging hits x loss at peak, MW per
                               campaign */
    int ncandidates;        /* options the greedy considered */
    int evaluations;        /* option evaluations (each on the runs it can change) */
    long runs_simulated;    /* single campaign runs simulated in all */
    long runs_total;        /* ... of evaluations x runs (the rest were skipped as identical) */
    int screened;           /* greedy evaluations stopped on the screening runs (opt.screen) */
    int screen;             /* the screening runs used (opt.screen resolved; 0: exact) */
    int rule_points;        /* opt.rule_points used (0: every rule step simulated) */
    double wall_s;          /* machine dependent */
    int threads;            /* threads used over runs */
} gr_protect_result;

/* 1 when a benefit `mean` with 95 % half-width `ci` is significant: its
 * interval [mean - ci, mean + ci] excludes 0 (and both are finite); 0 else.
 * The planner buys only options whose benefit is significantly positive
 * (it stops buying noise); the CLI flags the others "n.s." (docs/protect.md). */
int gr_protect_significant(double mean, double ci);

/* Plan the protection of scenario s with catalogue c (NULL: the built-in one, keyed by
 * s's levels: gr_protect_costs_read_for) and options opt (NULL: defaults). s is read only (its own protection levels are
 * the starting point). Errors: GR_EINVAL for bad options (negative budget,
 * runs < 1, unknown objective) or under MPI with more than one rank; a failed
 * campaign run's error. Free *out with gr_protect_result_free. */
int gr_protect_plan(const gr_campaign_scenario *s, const gr_protect_costs *c,
                    const gr_protect_options *opt, gr_protect_result **out, gr_error *err);
void gr_protect_result_free(gr_protect_result *r);

/* The benefit curve (cairo): objective reduction against money spent, the plan
 * and each rule, as a PNG (png_path) and an SVG (svg_path); either may be NULL.
 * `unit` labels the money axis ("million UAH"). GR_EIO when a file cannot be
 * written. */
int gr_protect_chart(const gr_protect_result *r, const char *unit, const char *png_path,
                     const char *svg_path, gr_error *err);

/* A picture of any case (gridres plot; src/report/case_plot.c): buses at
 * (x_km[b], y_km[b]) (an overlay's coordinates, e.g. from gr_overlay_build),
 * branches coloured by loading |flow_pu[k]| / rateA (bands < 50, 80, 100 %, above)
 * or buses by vm[b] (NaN: not energised; vm may be NULL with GR_PLOT_LOADING).
 * Written to path (.svg or .png; gr_out_open rules with force). GR_EINVAL for another
 * extension, GR_EIO when it cannot be written. */
enum { GR_PLOT_LOADING = 0, GR_PLOT_VOLTAGE = 1 };
typedef struct gr_case_plot_options {
    int color;          /* GR_PLOT_LOADING (default) or GR_PLOT_VOLTAGE */
    int width_px;       /* default 1000; the height follows the region */
    double vm_lo, vm_hi;/* voltage colour scale (default 0.90 .. 1.10 pu) */
    const char *title;  /* drawn at the top, or NULL */
} gr_case_plot_options;
void gr_case_plot_options_default(gr_case_plot_options *opt);
int gr_case_plot(const gr_grid *g, const double *x_km, const double *y_km,
                 const double *flow_pu, const double *vm, const gr_case_plot_options *opt,
                 const char *path, int force, gr_error *err);

/* How far apart names a[0..na-1] and b[0..nb-1] are (optimal string alignment:
 * insertions, deletions, substitutions, adjacent transpositions; capped at 9), for
 * "did you mean" suggestions (src/util/edit_distance.c). */
int gr_edit_distance(const char *a, size_t na, const char *b, size_t nb);

/* ------------------------------------------------------------------------
 * Output files and the inputs read (src/util/outfile.c, src/util/inputs.c).
 * ------------------------------------------------------------------------ */
/* Every file gridres writes goes through these: the bytes go to PATH.tmp.PID.SEQ
 * in PATH's folder, and gr_out_close flushes, fsyncs, closes and renames it
 * onto PATH (then fsyncs the folder), so a file under its final name is
 * always complete. Without force PATH must not exist, at the open and at the
 * rename (link(2): a file that appeared meanwhile is not clobbered either).
 * On any error the temporary file is removed. A successful close also removes
 * PATH.tmp.PID.* files whose process no longer runs (left by a SIGKILL).
 * Test hook (not for production): GRIDRES_TEST_FAIL_WRITE_AFTER=N makes the
 * closes of this process fail with ENOSPC once more than N bytes were written
 * in all, leaving the temporary file cut at N bytes as a full disk would
 * (then removed as on any error); N:kill / N:term raise SIGKILL / SIGTERM at
 * that moment instead. */
/* Open PATH for writing; NULL with err: GR_EEXIST (exists, no force),
 * GR_EIO "PATH: cannot create: REASON" (no such folder too), GR_EINVAL,
 * GR_ENOMEM (more than 64 open at once). */
FILE *gr_out_open(const char *path, int force, gr_error *err);
/* Commit a stream of gr_out_open (always closed): GR_OK, GR_EIO "PATH: write
 * failed: REASON" (a write, flush, fsync or rename failed, ferror set),
 * GR_EEXIST (appeared meanwhile, no force). */
int gr_out_close(FILE *f, gr_error *err);
/* Close and remove the temporary file of a stream of gr_out_open (NULL: nothing). */
void gr_out_abort(FILE *f);
/* Remove the temporary files of every stream still open; async-signal-safe
 * (for a SIGTERM handler and exit paths). The streams stay open. */
void gr_out_cleanup(void);
/* gr_out_open + len bytes + gr_out_close. */
int gr_out_write_buf(const char *path, int force, const void *data, size_t len, gr_error *err);

/* The input files read by this process, in the order read: every file the
 * readers of src/io read (cases, overlays, scenarios and the grid and overlay
 * they name, costs, damage, contingency lists, geo CSV) is noted with its size
 * and FNV-1a 64 checksum of the bytes as read. A sweep's identity includes
 * them (docs/cluster.md). Thread-safe. */
typedef struct gr_input_file {
    const char *path;       /* as the reader was given it */
    long long bytes;
    uint64_t fnv1a64;
} gr_input_file;
/* Number of files noted; file k (0 .. count-1) into *out (path valid until
 * gr_inputs_reset). GR_EINVAL for a bad k. */
int gr_inputs_count(void);
int gr_inputs_get(int k, gr_input_file *out);
/* Forget the files noted so far. */
void gr_inputs_reset(void);
/* Note a file read (for readers outside src/io). GR_ENOMEM. */
int gr_inputs_note(const char *path, const void *data, size_t len);

/* ------------------------------------------------------------------------
 * Utilities.
 * ------------------------------------------------------------------------ */
/* Monotonic wall clock, seconds. */
double gr_time_s(void);

/* Progress of the long steps of a call on this thread: reading a scenario
 * (building an overlay, ranking the assets by their loss) calls fn(stage,
 * done, total, user) as it goes (total 0 when the step is not counted), as
 * often as once per asset: fn should be cheap and print at its own pace.
 * NULL (the default) for none. Per thread; the CLI shows it on a terminal. */
typedef void (*gr_progress_fn)(const char *stage, long done, long total, void *user);
void gr_progress_set(gr_progress_fn fn, void *user);

/* Deterministic random numbers (xoshiro256**, seeded by splitmix64). */
struct gr_rng { uint64_t s[4]; };
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
