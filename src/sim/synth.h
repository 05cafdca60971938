/* synth.h — private state and steps of the synthetic regional grid generator (see synth.c and docs/synth.md). */
#ifndef GRIDRES_SIM_SYNTH_H
#define GRIDRES_SIM_SYNTH_H

#include <stdint.h>

#include "gridres.h"

/* Reproducibility: the generator uses only +, -, *, / and sqrt (all correctly
 * rounded in IEEE 754) on data that feeds its output, never libm's
 * transcendental functions, and asks the compiler not to fuse a*b+c (GCC in
 * ISO C mode does not by default; clang honours the pragma). */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* Coordinates are integers in units of 0.1 km (exact geometry, exact
 * Delaunay predicates). */
#define SY_UNIT_KM 0.1

/* Voltage levels. */
enum { SY_L750 = 0, SY_L330 = 1, SY_L110 = 2, SY_NLEVEL = 3 };
/* Corridor kinds. */
enum { SY_LINE = 0, SY_XFMR = 1 };

typedef struct sy_city {
    int x, y;               /* centre, 0.1 km */
    double pop;             /* people */
    double radius_km;
    char name[24];
} sy_city;

typedef struct sy_bus {
    int level;              /* SY_L750 / SY_L330 / SY_L110 */
    int x, y;               /* 0.1 km */
    int sub;                /* substation index */
    int city;               /* city index or -1 */
    int plant;              /* plant whose switchyard this is, or -1 */
    double pop;             /* people supplied */
    double pd, qd;          /* load, MW / MVAr */
    double bs;              /* shunt, MVAr at 1 pu (capacitor > 0) */
    double vs;              /* tuning: voltage a temporary var source holds, 0 none */
    int heat;               /* heat district or -1 */
    double heat_pop;
    int fac[GR_FAC_N];      /* critical facility counts */
    int id;                 /* external bus number (set when the case is built) */
} sy_bus;

typedef struct sy_sub {
    int kind;               /* GR_SUB_* */
    int x, y;
    int city;               /* city it stands in, or -1 */
    int bus[SY_NLEVEL];     /* its bus at each level, or -1 */
    char name[48];
} sy_sub;

/* A corridor: parallel line circuits, or a bank of transformer units,
 * between two buses. Becomes `n` branch rows of the case. */
typedef struct sy_corr {
    int a, b;               /* buses (a is the higher voltage for a transformer) */
    int kind;               /* SY_LINE / SY_XFMR */
    int level;              /* line level, or the transformer's HV level */
    double len_km;          /* route length (0 for transformers) */
    int n;                  /* circuits / units in parallel */
    int cond;               /* conductor (line) or unit type (transformer), see synth_net.c */
    int tap;                /* transformer tap position (steps) */
    int tapdir;             /* tuning: direction the tap last moved (-1, 0, 1) */
} sy_corr;

typedef struct sy_plant {
    int type;               /* GR_PLANT_* */
    int bus, sub, city;
    int x, y;
    int nunit;
    double unit_mw;
    double cost;            /* marginal cost, $/MWh */
    double vg;              /* voltage set point, pu */
    char name[48];
} sy_plant;

typedef struct sy_unit {
    int plant;
    double pmax, pmin, pg, qmax, qmin;
} sy_unit;

typedef struct sy_heat {
    int city, plant;
    double pop;
} sy_heat;

typedef struct sy_zone {
    int city;
    int x, y;
    double radius_km;
    char name[64];
} sy_zone;

typedef struct sy_crew {
    int sub;
    int x, y;
    int crews;
    char name[64];
} sy_crew;

/* A growable array: data, count, capacity. */
#define SY_VEC(T) struct { T *v; int n, cap; }

typedef struct sy_state {
    gr_synth_options opt;
    gr_rng rng;
    gr_error *err;
    int w;                  /* region side, 0.1 km */
    double pop, peak_mw;
    int has750;
    int n330, n750;         /* substations to place */
    SY_VEC(sy_city) city;
    SY_VEC(sy_bus) bus;
    SY_VEC(sy_sub) sub;
    SY_VEC(sy_corr) corr;
    SY_VEC(sy_plant) plant;
    SY_VEC(sy_unit) unit;
    SY_VEC(sy_heat) heat;
    SY_VEC(sy_zone) zone;
    SY_VEC(sy_crew) crew;
    int ref_bus;
} sy_state;

/* Shared core (synth_core.c), used by synth.c and every helper file. The
 * files form a tree: synth.c calls synth_geo.c and synth_net.c, synth_net.c
 * calls synth_delaunay.c, and all of them use synth_core.c; no helper calls
 * back into synth.c. */

/* Grow array *p (elements of elem bytes, capacity *cap) to hold at least
 * need elements; GR_OK or GR_ENOMEM. */
int sy_grow(void **p, int *cap, int need, size_t elem);
/* Append one zeroed element to vector `vec` (a SY_VEC): a pointer to it, or
 * NULL when out of memory (the vector is then unchanged). */
#define SY_APPEND(vec) sy_append((void **)&(vec).v, &(vec).n, &(vec).cap, sizeof *(vec).v)
void *sy_append(void **p, int *n, int *cap, size_t elem);

/* Round to 6 significant digits (exactly, through decimal text). */
double sy_round6(double x);
/* Uniform integer in [0, n). */
int sy_rand_int(gr_rng *r, int n);
/* Integer nearest to x (halves away from zero); no libm. */
long sy_lround(double x);
/* Squared distance of two points, exact. */
int64_t sy_d2(int ax, int ay, int bx, int by);
/* Distance in km. */
double sy_dist_km(int ax, int ay, int bx, int by);

/* Delaunay triangulation (Bowyer-Watson, exact integer predicates) of n
 * distinct points: its edges as pairs (edges[2k], edges[2k+1]), *ne of them.
 * *edges is gr_malloc'd. Handles n < 3 and collinear input. */
int sy_delaunay(const int *x, const int *y, int n, int **edges, int *ne);

/* Steps (each returns a gr_status and writes err on failure). */
int sy_geo(sy_state *s);        /* cities, load points, substations, plants, sites */
int sy_network(sy_state *s);    /* corridors: Delaunay + MST per level, transformers */
int sy_generation(sy_state *s); /* units, costs, merit-order dispatch, reference bus */

/* Line conductor data by level (synth_net.c). */
typedef struct sy_conductor {
    const char *name;
    double r_ohm_km, x_ohm_km, b_us_km;  /* positive sequence per km */
    double rate_mva;                      /* continuous thermal rating */
} sy_conductor;
extern const sy_conductor sy_cond[SY_NLEVEL][4];
extern const int sy_ncond[SY_NLEVEL];
/* Transformer unit data (synth_net.c): [0] 750/330 group, [1] 330/110 200 MVA, [2] 330/110 125 MVA. */
typedef struct sy_xfmr_type {
    const char *name;
    double mva, r_pu, x_pu;   /* on its own MVA base */
    double tap_step;          /* per-step ratio change */
    int tap_max;              /* steps either way */
} sy_xfmr_type;
extern const sy_xfmr_type sy_xfmr[3];
extern const double sy_level_kv[SY_NLEVEL];
/* Peak MW of one critical facility of class f (synth_geo.c). */
double sy_fac_mw(int f);

#endif /* GRIDRES_SIM_SYNTH_H */
