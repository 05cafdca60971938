/* contingency_internal.h — shared state of one contingency run, the core both engines use (contingency_core.c) and the engines (DC, AC) behind gr_ctg_run. */
#ifndef GRIDRES_CONTINGENCY_INTERNAL_H
#define GRIDRES_CONTINGENCY_INTERNAL_H

#include "gridres.h"

/* Contingencies handed to a worker at a time. Block boundaries depend only
 * on the list, never on the thread count, so results are the same for any. */
#define CTG_BLOCK 8

/* Slack on limits before a value counts as a violation (pu). */
#define CTG_LIMIT_SLACK 1e-9

typedef struct ctg_run {
    const gr_grid *g;
    const gr_ctg_list *list;
    const gr_ctg_options *opt;
    gr_ctg_result *r;
    int threads;
    gr_ctg_violation **viol;   /* n: violations of each contingency (NULL if none) */
    int *nviol;                /* n */
    int *rated, nrated;        /* in-service branches with rateA > 0 */
} ctg_run;

/* What one solved contingency looks like to the report. */
typedef struct ctg_state {
    int converged, method, iterations, islands;
    double dark_load_p;
    double mismatch;           /* final mismatch, reported when not converged */
    const double *vm;          /* nb, or NULL (DC: 1 pu) */
    const unsigned char *bus_ok; /* nb: bus energised in a solved island */
    const double *pf, *qf, *pt, *qt; /* nl (qf/qt NULL for DC) */
    const unsigned char *br_out; /* nl: 1 for branches outaged by this contingency, or NULL */
} ctg_state;

/* Metrics, violations and (keep_flows) flows of contingency c into the
 * result; c < 0 evaluates the base case into base_* only. Thread-safe for
 * distinct c. Returns GR_OK or GR_ENOMEM. */
int ctg_record(ctg_run *run, int c, const ctg_state *s);

/* Elements of contingency c (no element twice: gr_ctg_run checks): branches energised into br,
 * generators in service at energised buses into gen; returns counts. br and
 * gen need room for the contingency's element count. */
void ctg_elements(const ctg_run *run, int c, int *br, int *nbr, int *gen, int *ngen);

/* Outages of contingency c applied to (on = 0) or lifted from (on = 1) gc,
 * a thread's copy of the grid (for full solves of the outaged grid). */
void ctg_apply_outage(const ctg_run *run, int c, gr_grid *gc, int on);

/* The contingencies as a sweep (src/util/sweep): item b is the block of
 * contingencies [b CTG_BLOCK, (b+1) CTG_BLOCK), spread over threads and MPI
 * ranks and checkpointed as run->opt->sweep says; its record (every result
 * of its contingencies, violations and flows included) is packed here for
 * the other ranks and the checkpoint. An engine gives the size of its
 * per-thread workspace (allocated zeroed here, one per thread; init is
 * always followed by free, even when it fails) and solves a block into the
 * result (ctg_record) with its read-only shared state. */
typedef struct ctg_engine {
    const void *shared;
    size_t thread_size;
    int (*thread_init)(void *thread, const void *shared);
    void (*thread_free)(void *thread);
    int (*block)(ctg_run *run, const void *shared, void *thread, int c0, int c1);
    const char *name;   /* "ac" or "dc": part of the checkpoint's identity */
    const char *what;   /* "AC contingency analysis": the subject of failure messages */
} ctg_engine;
/* Threads the sweep will use (run->threads). */
int ctg_sweep_threads(const ctg_run *run);
/* Run every block; the first fatal error (GR_OK otherwise), message in err:
 * the checkpoint's own (GR_EIO, GR_EPARSE, GR_EINVAL), else "<what> failed:
 * <status>". */
int ctg_sweep(ctg_run *run, const ctg_engine *e, gr_error *err);

/* The depth-first tree of the base grid's bridges (sens_bridge_tree), to
 * split a grid at a single bridge without searching for islands again. */
typedef struct ctg_tree {
    unsigned char *bridge;  /* nl */
    int *far;               /* nl: end of a bridge away from the tree's root, else -1 */
    int *disc, *last;       /* nb: discovery time; last discovery time in the subtree */
    int *order;             /* nb: bus discovered j-th */
    double *pd_pref;        /* nb+1: prefix sums of the load in discovery order */
    double *island_pd;      /* load of each base island */
    int *gen_ptr, *gen_list;/* generators by bus (row order within a bus) */
} ctg_tree;

int ctg_tree_build(const gr_grid *g, const gr_islands *isl, ctg_tree *t);
void ctg_tree_free(ctg_tree *t);

/* The side S a single bridge k cuts off from its island's reference. */
typedef struct ctg_cut {
    int island;             /* base island of k */
    int v, flip;            /* S = buses under v in the tree (flip: the rest of the island) */
    int ref;                /* S's reference per DESIGN §1, -1 when S is dark */
    int s_end;              /* the end of k in S */
    double pd;              /* S's load, pu */
} ctg_cut;

void ctg_cut_side(const gr_grid *g, const gr_islands *isl, const ctg_tree *t, int k,
                  ctg_cut *cs);
static inline int ctg_in_cut(const gr_islands *isl, const ctg_tree *t, const ctg_cut *cs, int b)
{
    int d = t->disc[b];
    int under = d >= t->disc[cs->v] && d <= t->last[cs->v];
    return isl->bus_island[b] == cs->island && (under != cs->flip);
}

/* The engines (contingency_dc.c, contingency_ac.c): fill run->r. */
int ctg_run_dc(ctg_run *run, gr_error *err);
int ctg_run_ac(ctg_run *run, gr_error *err);

#endif
