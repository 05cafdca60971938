/* shed.h — private entry points of the emergency shedding LP (shed.c), its screen (shed_screen.c) and inputs (shed_core.c), shared with the schedule. */
#ifndef GRIDRES_SHED_H
#define GRIDRES_SHED_H

#include "gridres.h"
#include "solve/dc.h"

/* Default class shares (gr_load_classes_default). */
#define SHED_SHARE_CRITICAL 0.05
#define SHED_SHARE_RESIDENTIAL 0.60
#define SHED_SHARE_OTHER 0.35

/* Branch limit (pu) for a rating letter: 'B' is rateB, falling back to rateA
 * when rateB is 0; anything else is rateA. 0 = unlimited. (shed_core.c) */
double shed_branch_limit(const gr_grid *g, int k, char rating);

/* gr_shed_solve with the sheddable load given directly: cap[b * 3 + c] (pu,
 * >= 0) is the load of class c at bus b that may be served. Buses with
 * pd < 0 keep pd as a fixed injection whatever cap says. shed_p in the
 * result is measured against cap (sum over classes), not against pd. */
int shed_solve_caps(const gr_grid *g, const double *cap, const gr_shed_options *opt,
                    gr_shed_result **out, gr_error *err);

/* Per-class load caps pd * share for pd > 0, 0 otherwise (nb * 3, pu).
 * classes NULL: the defaults. (shed_core.c) */
void shed_caps_from_classes(const gr_grid *g, const gr_load_classes *classes, double *cap);

/* Exact shortcut (shed_screen.c): when serving the most valuable load that
 * generation allows breaks no branch limit, fill r as the LP would and set
 * *solved = 1; else leave *solved = 0 (r's arrays may have been written and
 * are rewritten by the LP). brow/gcol: the LP's balance rows and generator
 * columns (-1: not live), pg0 its starting dispatch. */
int shed_screen(const gr_grid *g, const gr_islands *isl, const double *cap,
                const gr_shed_options *opt, const int *brow, const int *gcol, const double *pg0,
                gr_shed_result *r, int *solved);

/* shed_screen on a DC system the caller built for g and isl (dc_system_build);
 * every r->flow_p is computed, and *decided = 1 when the knapsack could
 * decide (then r->pg, r->shed_class_p and r->flow_p hold its point, which
 * breaks a branch limit where *solved stays 0). */
int shed_screen_dc(const gr_grid *g, const gr_islands *isl, const double *cap,
                   const gr_shed_options *opt, const int *brow, const int *gcol,
                   const double *pg0, const dc_system *dc, gr_shed_result *r, int *solved,
                   int *decided);

/* Option checks and starting dispatch of the LP (shed.c), shared with
 * shed_lazy.c: pg0 (ng) is g->pg clamped to [0, max(pmax, 0)] and scaled
 * per island to its demand with everything served; brow (nb) >= 0 marks the
 * buses of live islands, gcol (ng) >= 0 the units that are dispatched. */
/* A zeroed result for nb buses, ng units, nl branches. GR_ENOMEM. */
int shed_result_alloc(int nb, int ng, int nl, gr_shed_result **out);
int shed_check_options(const gr_grid *g, const gr_shed_options *opt, gr_error *err);
int shed_starting_dispatch(const gr_grid *g, const gr_islands *isl, const double *cap,
                           const int *brow, const int *gcol, double *pg0);

/* shed_solve_caps by constraint generation (shed_lazy.c): the same LP with
 * the angles eliminated (power transfer distribution factors from the
 * factorised B), starting with no branch limit, adding the limits that the
 * last optimum breaks until it breaks none; that optimum is optimal for the
 * full LP (same objective and served load per class up to the LP's
 * tolerance; within a class the split between buses may be another of the
 * equally good ones). Falls back to shed_solve_caps where it does not apply
 * (a redispatch cost, screen off, a singular B, the knapsack undecided, a
 * limit set that does not settle or passes a hundred
 * branches, where the full sparse LP is the cheaper one) and for every error. */
int shed_solve_lazy(const gr_grid *g, const double *cap, const gr_shed_options *opt,
                    gr_shed_result **out, gr_error *err);

/* The same for several solves on one topology (shed_lazy.c): create for the
 * statuses of g (islands, B factorised once), then solve for grids with
 * those statuses and any loads and caps (the campaign's two load levels).
 * Each solve starts its active set with the branches of the last one; its
 * result then depends on that last solve where the LP is degenerate. */
typedef struct shed_lazy shed_lazy;
int shed_lazy_create(const gr_grid *g, const gr_shed_options *opt, shed_lazy **out,
                     gr_error *err);
int shed_lazy_solve(shed_lazy *z, const gr_grid *g, const double *cap, gr_shed_result **out,
                    gr_error *err);
void shed_lazy_free(shed_lazy *z);
/* Start z's active set with the branches br (n; those live in z's topology
 * with a limit, not yet in the set): their rows are in the next solve's first
 * LP (the campaign's asset ranking seeds each asset's LP with the binding
 * limits of the undamaged grid). GR_ENOMEM. */
int shed_lazy_seed(shed_lazy *z, const gr_grid *g, const int *br, int n);
/* A second dispatch for the no-limit shortcut (shed_screen_dc) of the next
 * solves: when the knapsack point from the starting dispatch breaks a limit,
 * the same served load from pg (ng, pu; clamped to the live units' [0, pmax],
 * the island's mismatch spread as shed_screen.c does) is tried before the
 * LP. Exact either way: a point within every limit that reaches the knapsack
 * bound is optimal. The asset ranking gives the undamaged grid's optimum, so
 * an asset that moves no generation or load is decided by one DC solve.
 * GR_ENOMEM. */
int shed_lazy_set_start(shed_lazy *z, const gr_grid *g, const double *pg);
/* Make z as shed_lazy_create(g) would, keeping its islands and factorised
 * B, when g has the same energised branches and islands as the grid z was
 * built for (only units differ: the asset ranking's plants). Then B is the
 * one dc_system_build would make again, bit for bit, so the solves give the
 * same results as with a fresh z; *same = 1. Otherwise z is left as it was
 * and *same = 0. Errors of gr_islands_find. */
int shed_lazy_rebind(shed_lazy *z, const gr_grid *g, int *same, gr_error *err);
/* The zero-loss test of the asset ranking: before z builds a fresh LP (the
 * screens undecided), the LP of warm's last solve (kept, at its optimum) is
 * re-solved from its basis with the units that the grid given to
 * shed_lazy_solve has not energised fixed at 0, rows added as needed; when
 * its total shed is within zero (pu) of shed0, that result is returned and
 * no fresh LP is built. Only for grids with warm's islands, energised
 * branches, loads and caps (the ranking's plants: only units differ); warm
 * NULL turns the test off. Exact: both are optimal points of the same LP,
 * so a shed within zero of shed0 there means the fresh LP's is too, up to
 * the LP's tolerance (the ranking counts differences below CAMP_RANK_ZERO,
 * ten times zero, as no loss). */
void shed_lazy_set_warm(shed_lazy *z, shed_lazy *warm, double shed0, double zero);
/* How many of z's solves the zero-loss test decided. */
int shed_lazy_warm_hits(const shed_lazy *z);
/* The active set after the last solve (borrowed, n branches; changes with the
 * next solve or seed). */
const int *shed_lazy_active(const shed_lazy *z, int *n);

#endif /* GRIDRES_SHED_H */
