/* mip_cbc.c — the MIP wrapper on COIN-OR CBC's C interface; the only file that includes the CBC header. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <coin/Cbc_C_Interface.h>

#include "gridres.h"
#include "solve/coin_guard.h"
#include "solve/mip.h"

const char *mip_status_name(mip_status s)
{
    switch (s) {
    case MIP_OPTIMAL: return "optimal";
    case MIP_FEASIBLE: return "feasible (not proven optimal)";
    case MIP_INFEASIBLE: return "infeasible";
    case MIP_NOSOLUTION: return "time limit, no feasible solution found";
    default: return "failed";
    }
}

static double cbc_bound(double v)
{
    return v >= 1e30 ? DBL_MAX : v <= -1e30 ? -DBL_MAX : v;
}

/* Everything one CBC run needs and gives back. cbc_run makes only CBC calls
 * and writes only into this struct (it runs under coin_guard: a C++
 * exception unwinds through it). */
typedef struct cbc_job {
    /* in */
    int m, n;
    const CoinBigIndex *start;
    const int *Ai;
    const double *Ax, *cl, *cu, *c, *rl, *ru;
    const unsigned char *is_int;
    const int *sidx;
    const double *sval;
    int nstart;
    double limit, gap;
    int threads;
    /* out */
    Cbc_Model *model;
    int have_sol, infeasible, abandoned, optimal, on_time, nodes;
    double obj, bound;
    double *x;
} cbc_job;

static void cbc_run(void *arg)
{
    cbc_job *j = arg;
    char buf[32];
    Cbc_Model *model = Cbc_newModel();
    j->model = model;
    if (!model)
        return;
    Cbc_loadProblem(model, j->n, j->m, j->start, j->Ai, j->Ax, j->cl, j->cu, j->c, j->rl, j->ru);
    Cbc_setObjSense(model, 1.0);
    for (int k = 0; j->is_int && k < j->n; k++)
        if (j->is_int[k])
            Cbc_setInteger(model, k);
    Cbc_setLogLevel(model, 0);
    Cbc_setParameter(model, "log", "0");
    Cbc_setParameter(model, "slog", "0");
    /* CBC's "threads N" starts N worker threads for the tree (CbcModel::
       setNumberThreads; 0 = none): "1" is not single-threaded. */
    snprintf(buf, sizeof buf, "%d", j->threads > 1 ? j->threads : 0);
    Cbc_setParameter(model, "threads", buf);
    /* No CglPreProcess: a time limit expiring inside it crashes CBC 2.10 in
       CglPreProcess::postProcess, or leaves a model CBC calls infeasible
       (issue 22). The search keeps its cuts and heuristics. */
    Cbc_setParameter(model, "preprocess", "off");
    /* The wall-clock limit through both doors: the model's own limit and the
       solver's "sec" parameter, which CbcMain applies to the search it runs. */
    snprintf(buf, sizeof buf, "%.3f", j->limit);
    Cbc_setMaximumSeconds(model, j->limit);
    Cbc_setParameter(model, "timeMode", "elapsed");   /* wall clock, not CPU time */
    Cbc_setParameter(model, "sec", buf);
    Cbc_setAllowableFractionGap(model, j->gap);
    if (j->nstart > 0)
        Cbc_setMIPStartI(model, j->nstart, j->sidx, j->sval);
    /* CBC may print a banner on stdout even at log level 0: keep stdout
       clean for the caller by flushing first (nothing is redirected). */
    fflush(stdout);
    Cbc_solve(model);
    j->nodes = Cbc_getNodeCount(model);
    j->on_time = Cbc_isSecondsLimitReached(model) || Cbc_secondaryStatus(model) == 4;
    j->infeasible = Cbc_isProvenInfeasible(model);
    j->abandoned = Cbc_isAbandoned(model);
    j->optimal = Cbc_isProvenOptimal(model);
    j->bound = Cbc_getBestPossibleObjValue(model);
    const double *sol = Cbc_bestSolution(model);
    if (sol) {
        memcpy(j->x, sol, (size_t)j->n * sizeof(double));
        j->obj = Cbc_getObjValue(model);
        j->have_sol = 1;
    }
}

static void cbc_free(void *arg) { Cbc_deleteModel(arg); }

/* 1 when x satisfies bounds, rows and integrality (tolerance 1e-6 scaled). */
static int satisfies(int m, int n, const int *Ap, const int *Ai, const double *Ax,
                     const double *clo, const double *cup, const double *rlo, const double *rup,
                     const unsigned char *is_int, const double *x, double *act)
{
    for (int i = 0; i < m; i++)
        act[i] = 0.0;
    for (int j = 0; j < n; j++) {
        double tol = 1e-6 * (1.0 + fabs(x[j]));
        if (!isfinite(x[j]) || x[j] < clo[j] - tol || x[j] > cup[j] + tol)
            return 0;
        if (is_int && is_int[j] && fabs(x[j] - nearbyint(x[j])) > 1e-6)
            return 0;
        for (int p = Ap[j]; p < Ap[j + 1]; p++)
            act[Ai[p]] += Ax[p] * x[j];
    }
    for (int i = 0; i < m; i++) {
        double tol = 1e-6 * (1.0 + fabs(act[i]));
        if (act[i] < rlo[i] - tol || act[i] > rup[i] + tol)
            return 0;
    }
    return 1;
}

int mip_solve(int m, int n, const int *Ap, const int *Ai, const double *Ax, const double *clo,
              const double *cup, const double *c, const double *rlo, const double *rup,
              const unsigned char *is_int, const mip_options *opt, double *x, mip_result *res)
{
    memset(res, 0, sizeof *res);
    res->status = MIP_FAILED;
    res->objective = HUGE_VAL;
    res->bound = -HUGE_VAL;
    if (m < 0 || n < 1 || !Ap || !clo || !cup || !c || !x || (m > 0 && (!rlo || !rup)))
        return GR_EINVAL;
    CoinBigIndex *start = gr_malloc(((size_t)n + 1) * sizeof(CoinBigIndex));
    double *cl = gr_malloc((size_t)n * sizeof(double)), *cu = gr_malloc((size_t)n * sizeof(double));
    double *rl = gr_malloc(((size_t)m + 1) * sizeof(double));
    double *ru = gr_malloc(((size_t)m + 1) * sizeof(double));
    int *sidx = gr_malloc((size_t)n * sizeof(int));
    double *sval = gr_malloc((size_t)n * sizeof(double));
    double *act = gr_malloc(((size_t)m + 1) * sizeof(double));
    int st = GR_OK;
    cbc_job j;
    memset(&j, 0, sizeof j);
    if (!start || !cl || !cu || !rl || !ru || !sidx || !sval || !act) {
        st = GR_ENOMEM;
        goto done;
    }
    for (int k = 0; k <= n; k++)
        start[k] = (CoinBigIndex)Ap[k];
    for (int k = 0; k < n; k++) {
        cl[k] = cbc_bound(clo[k]);
        cu[k] = cbc_bound(cup[k]);
    }
    for (int i = 0; i < m; i++) {
        rl[i] = cbc_bound(rlo[i]);
        ru[i] = cbc_bound(rup[i]);
    }
    int nint = 0;
    for (int k = 0; k < n; k++)
        if (is_int && is_int[k] && opt && opt->start) {
            sidx[nint] = k;
            sval[nint++] = opt->start[k];
        }
    j.m = m;
    j.n = n;
    j.start = start;
    j.Ai = Ai;
    j.Ax = Ax;
    j.cl = cl;
    j.cu = cu;
    j.c = c;
    j.rl = rl;
    j.ru = ru;
    j.is_int = is_int;
    j.sidx = sidx;
    j.sval = sval;
    j.nstart = nint;
    j.limit = opt && opt->time_limit_s > 0.0 ? opt->time_limit_s : 60.0;
    j.gap = opt && opt->rel_gap > 0.0 ? opt->rel_gap : 1e-6;
    j.threads = opt ? opt->threads : 0;
    j.x = x;
    double t0 = gr_time_s();
    st = coin_guard(cbc_run, &j);
    res->solve_s = gr_time_s() - t0;
    if (st) {
        j.model = NULL;   /* half-updated by the exception: leaked, not deleted (coin_guard.h) */
        goto done;
    }
    if (!j.model) {
        st = GR_ENOMEM;
        goto done;
    }
    res->nodes = j.nodes;
    res->time_limit = j.on_time;
    double b = isfinite(j.bound) && fabs(j.bound) < 1e30 ? j.bound : -HUGE_VAL;
    /* CBC found nothing (the time limit stopped it first): the start is the
       incumbent when it satisfies the model */
    if (!j.have_sol && opt && opt->start && !j.optimal &&
        satisfies(m, n, Ap, Ai, Ax, clo, cup, rlo, rup, is_int, opt->start, act)) {
        memcpy(x, opt->start, (size_t)n * sizeof(double));
        j.obj = 0.0;
        for (int k = 0; k < n; k++)
            j.obj += c[k] * x[k];
        j.have_sol = 1;
        j.infeasible = 0;
    }
    if (j.have_sol) {
        res->objective = j.obj;
        res->status = j.optimal && !j.on_time ? MIP_OPTIMAL : MIP_FEASIBLE;
        res->bound = b;
        if (res->status == MIP_OPTIMAL && (!(b > -HUGE_VAL) || b > j.obj))
            res->bound = j.obj;
        if (res->bound > res->objective)
            res->bound = res->objective;
    } else if (j.on_time) {
        res->status = MIP_NOSOLUTION;   /* never "infeasible" after a stop on time */
        res->bound = b;
    } else if (j.infeasible) {
        res->status = MIP_INFEASIBLE;
    } else if (j.abandoned) {
        res->status = MIP_FAILED;
    } else {
        res->status = MIP_NOSOLUTION;
        res->bound = b;
    }
done:
    if (j.model)
        (void)coin_guard(cbc_free, j.model);
    gr_free(start);
    gr_free(cl);
    gr_free(cu);
    gr_free(rl);
    gr_free(ru);
    gr_free(sidx);
    gr_free(sval);
    gr_free(act);
    return st;
}
