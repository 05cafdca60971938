/* lp_clp.c — the LP wrapper on COIN-OR CLP's C interface: the only file that includes a CLP header. */
#include <float.h>
#include <math.h>
#include <string.h>

#include <coin/Clp_C_Interface.h>

#include "gridres.h"
#include "solve/coin_guard.h"
#include "solve/lp.h"

struct lp_problem {
    Clp_Simplex *clp;
    int m, n;
    int loaded;        /* a problem is loaded */
    int solved;        /* results exist */
    int broken;        /* CLP threw (std::bad_alloc, ...): the model is not used again */
};

/* ------------------------------------------------------------------------
 * Calls into CLP that allocate run under coin_guard (coin_guard.h): a C++
 * exception (std::bad_alloc under an address-space limit) becomes
 * GR_ENOMEM / GR_ELP instead of std::terminate. The callbacks make CLP
 * calls only and hold nothing to release.
 * ------------------------------------------------------------------------ */
typedef struct clp_call {
    Clp_Simplex *clp;
    int m, n;
    const int *Ap, *Ai;
    const double *Ax, *c, *lo, *up;
    int first, nrows;     /* lp_add_rows: first new row, rows added */
    int solve;            /* 0 initial solve; 1 dual from the basis, unscaled; 2 dual resolve */
} clp_call;

static void cb_new(void *arg)
{
    clp_call *k = arg;
    k->clp = Clp_newModel();
    if (k->clp)
        Clp_setLogLevel(k->clp, 0);
}

static void cb_load(void *arg)
{
    clp_call *k = arg;
    Clp_loadProblem(k->clp, k->n, k->m, k->Ap, k->Ai, k->Ax, NULL, NULL, k->c, NULL, NULL);
}

static void cb_add_rows(void *arg)
{
    clp_call *k = arg;
    Clp_addRows(k->clp, k->nrows, k->lo, k->up, k->Ap, k->Ai, k->Ax);
    for (int i = k->first; i < k->first + k->nrows; i++)
        Clp_setRowStatus(k->clp, i, LP_BASIC);
}

static void cb_solve(void *arg)
{
    clp_call *k = arg;
    if (k->solve == 0) {
        Clp_initialSolve(k->clp);
        return;
    }
    if (k->solve == 1) {
        /* No scaling: from a basis that is already close, CLP's scaling
         * costs far more iterations than it saves (measured on case2383wp
         * and case9241pegase: 55 against 1583 iterations after a 6-element
         * outage). */
        Clp_scaling(k->clp, 0);
        Clp_dual(k->clp, 0);
        int s = Clp_status(k->clp);
        if (s != 0 && s != 1) { /* trouble: from scratch, scaled, with presolve */
            Clp_scaling(k->clp, 3);
            Clp_initialSolve(k->clp);
        }
        return;
    }
    Clp_dual(k->clp, 0);
    int s = Clp_status(k->clp);
    if (s != 0 && s != 1) /* numerical trouble: try again from scratch */
        Clp_initialSolve(k->clp);
}

static void cb_delete(void *arg) { Clp_deleteModel(arg); }

/* Run a guarded call; on an exception the model is marked broken. */
static int guarded(lp_problem *lp, void (*fn)(void *), clp_call *k)
{
    if (lp->broken)
        return GR_ENOMEM;
    k->clp = lp->clp;
    int st = coin_guard(fn, k);
    if (st) {
        lp->broken = 1;
        lp->solved = 0;
    }
    return st;
}

/* CLP marks infinite bounds with COIN_DBL_MAX; HUGE_VAL (inf) and anything
 * past 1e30 are mapped to it. */
static double clp_bound(double x)
{
    if (x >= 1e30)
        return DBL_MAX;
    if (x <= -1e30)
        return -DBL_MAX;
    return x;
}

int lp_create(lp_problem **out)
{
    *out = NULL;
    lp_problem *lp = gr_calloc(1, sizeof *lp);
    if (!lp)
        return GR_ENOMEM;
    clp_call k = {0};
    int st = coin_guard(cb_new, &k);
    if (st || !k.clp) {   /* a model half-built by an exception is leaked (coin_guard.h) */
        gr_free(lp);
        return st ? st : GR_ENOMEM;
    }
    lp->clp = k.clp;
    *out = lp;
    return GR_OK;
}

void lp_free(lp_problem *lp)
{
    if (!lp)
        return;
    if (lp->clp && !lp->broken)
        (void)coin_guard(cb_delete, lp->clp);
    gr_free(lp);
}

int lp_load_cols(lp_problem *lp, int m, int n, const int *Ap, const int *Ai, const double *Ax,
                 const double *clo, const double *cup, const double *c, const double *rlo,
                 const double *rup)
{
    if (!lp || m < 0 || n < 0 || !Ap || (Ap[n] > 0 && (!Ai || !Ax)))
        return GR_EINVAL;
    for (int j = 0; j < n; j++)
        for (int p = Ap[j]; p < Ap[j + 1]; p++)
            if (Ai[p] < 0 || Ai[p] >= m)
                return GR_EINVAL;
    /* Bounds go in after the load, written into the model's own arrays with
     * infinities converted: no temporary copies. */
    clp_call k = {.m = m, .n = n, .Ap = Ap, .Ai = Ai, .Ax = Ax, .c = c};
    int st = guarded(lp, cb_load, &k);
    if (st)
        return st;
    double *cl = Clp_columnLower(lp->clp), *cu = Clp_columnUpper(lp->clp);
    double *rl = Clp_rowLower(lp->clp), *ru = Clp_rowUpper(lp->clp);
    for (int j = 0; j < n; j++) {
        cl[j] = clp_bound(clo ? clo[j] : 0.0);
        cu[j] = clp_bound(cup ? cup[j] : LP_INF);
    }
    for (int i = 0; i < m; i++) {
        rl[i] = clp_bound(rlo ? rlo[i] : -LP_INF);
        ru[i] = clp_bound(rup ? rup[i] : LP_INF);
    }
    Clp_setOptimizationDirection(lp->clp, 1.0);
    lp->m = m;
    lp->n = n;
    lp->loaded = 1;
    lp->solved = 0;
    return GR_OK;
}

int lp_load_rows(lp_problem *lp, int m, int n, const int *Ap, const int *Ai, const double *Ax,
                 const double *clo, const double *cup, const double *c, const double *rlo,
                 const double *rup)
{
    if (!lp || m < 0 || n < 0 || !Ap || (Ap[m] > 0 && (!Ai || !Ax)))
        return GR_EINVAL;
    int nz = Ap[m];
    int *Cp = gr_calloc((size_t)n + 1, sizeof(int));
    int *Ci = gr_malloc(((size_t)nz + 1) * sizeof(int));
    double *Cx = gr_malloc(((size_t)nz + 1) * sizeof(double));
    int *next = gr_malloc(((size_t)n + 1) * sizeof(int));
    int st = GR_ENOMEM;
    if (!Cp || !Ci || !Cx || !next)
        goto done;
    st = GR_EINVAL;
    for (int p = 0; p < nz; p++) {
        if (Ai[p] < 0 || Ai[p] >= n)
            goto done;
        Cp[Ai[p] + 1]++;
    }
    for (int j = 0; j < n; j++)
        Cp[j + 1] += Cp[j];
    memcpy(next, Cp, (size_t)n * sizeof(int));
    /* A' in CSC of A': scattering rows in order keeps row indices sorted */
    for (int i = 0; i < m; i++)
        for (int p = Ap[i]; p < Ap[i + 1]; p++) {
            int q = next[Ai[p]]++;
            Ci[q] = i;
            Cx[q] = Ax[p];
        }
    st = lp_load_cols(lp, m, n, Cp, Ci, Cx, clo, cup, c, rlo, rup);
done:
    gr_free(Cp);
    gr_free(Ci);
    gr_free(Cx);
    gr_free(next);
    return st;
}

int lp_add_rows(lp_problem *lp, int nrows, const int *Rp, const int *Rj, const double *Rx,
                const double *rlo, const double *rup)
{
    if (!lp || !lp->loaded || nrows < 0 || !Rp)
        return GR_EINVAL;
    for (int p = 0; p < Rp[nrows]; p++)
        if (Rj[p] < 0 || Rj[p] >= lp->n)
            return GR_EINVAL;
    if (nrows == 0)
        return GR_OK;
    double *lo = gr_malloc((size_t)nrows * sizeof(double));
    double *up = gr_malloc((size_t)nrows * sizeof(double));
    if (!lo || !up) {
        gr_free(lo);
        gr_free(up);
        return GR_ENOMEM;
    }
    for (int i = 0; i < nrows; i++) {
        lo[i] = clp_bound(rlo[i]);
        up[i] = clp_bound(rup[i]);
    }
    clp_call k = {.Ap = Rp, .Ai = Rj, .Ax = Rx, .lo = lo, .up = up, .first = lp->m,
                  .nrows = nrows};
    int st = guarded(lp, cb_add_rows, &k);
    gr_free(lo);
    gr_free(up);
    if (st)
        return st;
    lp->m += nrows;
    return GR_OK;
}

void lp_set_perturbation(lp_problem *lp, int on)
{
    if (lp && !lp->broken)
        Clp_setPerturbation(lp->clp, on ? 50 : 100);
}

void lp_set_col_bounds(lp_problem *lp, int j, double lo, double up)
{
    if (!lp || !lp->loaded || lp->broken || j < 0 || j >= lp->n)
        return;
    double *cl = Clp_columnLower(lp->clp), *cu = Clp_columnUpper(lp->clp);
    cl[j] = clp_bound(lo);
    cu[j] = clp_bound(up);
    /* ClpModel::chgColumnLower copies element by element and marks the
     * bounds changed, so the next solve sees them. */
    Clp_chgColumnLower(lp->clp, cl);
    Clp_chgColumnUpper(lp->clp, cu);
}

void lp_set_row_bounds(lp_problem *lp, int i, double lo, double up)
{
    if (!lp || !lp->loaded || lp->broken || i < 0 || i >= lp->m)
        return;
    double *rl = Clp_rowLower(lp->clp), *ru = Clp_rowUpper(lp->clp);
    rl[i] = clp_bound(lo);
    ru[i] = clp_bound(up);
    Clp_chgRowLower(lp->clp, rl);
    Clp_chgRowUpper(lp->clp, ru);
}

static lp_status map_status(int s)
{
    switch (s) {
    case 0: return LP_OPTIMAL;
    case 1: return LP_INFEASIBLE;
    case 2: return LP_UNBOUNDED;
    case 3: return LP_STOPPED;
    default: return LP_FAILED;
    }
}

int lp_solve(lp_problem *lp, lp_status *status)
{
    if (!lp || !lp->loaded)
        return GR_EINVAL;
    if (lp->n == 0 && lp->m == 0) {
        *status = LP_OPTIMAL;
        lp->solved = 1;
        return GR_OK;
    }
    clp_call k = {.solve = 0};
    int st = guarded(lp, cb_solve, &k);
    if (st)
        return st;
    *status = map_status(Clp_status(lp->clp));
    lp->solved = 1;
    return GR_OK;
}

void lp_set_basis(lp_problem *lp, const unsigned char *col_status,
                  const unsigned char *row_status)
{
    if (!lp || !lp->loaded || lp->broken)
        return;
    /* ClpSimplex::Status: basic 1, atUpperBound 2, atLowerBound 3 */
    for (int j = 0; j < lp->n; j++)
        Clp_setColumnStatus(lp->clp, j, col_status[j]);
    for (int i = 0; i < lp->m; i++)
        Clp_setRowStatus(lp->clp, i, row_status[i]);
}

int lp_solve_dual(lp_problem *lp, lp_status *status)
{
    if (!lp || !lp->loaded)
        return GR_EINVAL;
    if (lp->n == 0 && lp->m == 0) {
        lp->solved = 1;
        *status = LP_OPTIMAL;
        return GR_OK;
    }
    clp_call k = {.solve = 1};
    int st = guarded(lp, cb_solve, &k);
    if (st)
        return st;
    lp->solved = 1;
    *status = map_status(Clp_status(lp->clp));
    return GR_OK;
}

int lp_resolve(lp_problem *lp, lp_status *status)
{
    if (!lp || !lp->loaded)
        return GR_EINVAL;
    if (!lp->solved)
        return lp_solve(lp, status);
    if (lp->n == 0 && lp->m == 0) {
        *status = LP_OPTIMAL;
        return GR_OK;
    }
    clp_call k = {.solve = 2};
    int st = guarded(lp, cb_solve, &k);
    if (st)
        return st;
    *status = map_status(Clp_status(lp->clp));
    return GR_OK;
}

int lp_iterations(const lp_problem *lp)
{
    return lp && lp->solved && lp->m + lp->n > 0 ? Clp_numberIterations(lp->clp) : 0;
}

double lp_objective(const lp_problem *lp)
{
    return lp && lp->solved && lp->m + lp->n > 0 ? Clp_objectiveValue(lp->clp) : 0.0;
}

const double *lp_primal(const lp_problem *lp) { return Clp_primalColumnSolution(lp->clp); }
const double *lp_row_activity(const lp_problem *lp) { return Clp_primalRowSolution(lp->clp); }
const double *lp_dual(const lp_problem *lp) { return Clp_dualRowSolution(lp->clp); }
const double *lp_reduced_cost(const lp_problem *lp) { return Clp_dualColumnSolution(lp->clp); }

const char *lp_status_name(lp_status s)
{
    switch (s) {
    case LP_OPTIMAL: return "optimal";
    case LP_INFEASIBLE: return "infeasible";
    case LP_UNBOUNDED: return "unbounded";
    case LP_STOPPED: return "stopped at the iteration limit";
    case LP_FAILED: return "numerical failure";
    }
    return "?";
}
