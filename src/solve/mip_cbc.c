/* mip_cbc.c — the MIP wrapper on COIN-OR CBC's C interface; the only file that includes the CBC header. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <coin/Cbc_C_Interface.h>

#include "gridres.h"
#include "solve/mip.h"

const char *mip_status_name(mip_status s)
{
    switch (s) {
    case MIP_OPTIMAL: return "optimal";
    case MIP_FEASIBLE: return "feasible (not proven optimal)";
    case MIP_INFEASIBLE: return "infeasible";
    case MIP_NOSOLUTION: return "no solution found";
    default: return "failed";
    }
}

static double cbc_bound(double v)
{
    return v >= 1e30 ? DBL_MAX : v <= -1e30 ? -DBL_MAX : v;
}

int mip_solve(int m, int n, const int *Ap, const int *Ai, const double *Ax, const double *clo,
              const double *cup, const double *c, const double *rlo, const double *rup,
              const unsigned char *is_int, const mip_options *opt, double *x, mip_result *res)
{
    memset(res, 0, sizeof *res);
    res->status = MIP_FAILED;
    res->objective = HUGE_VAL;
    res->bound = -HUGE_VAL;
    if (m < 0 || n < 1 || !Ap || !clo || !cup || !c || (m > 0 && (!rlo || !rup)))
        return GR_EINVAL;
    size_t nz = (size_t)Ap[n];
    CoinBigIndex *start = gr_malloc(((size_t)n + 1) * sizeof(CoinBigIndex));
    double *cl = gr_malloc((size_t)n * sizeof(double)), *cu = gr_malloc((size_t)n * sizeof(double));
    double *rl = gr_malloc(((size_t)m + 1) * sizeof(double));
    double *ru = gr_malloc(((size_t)m + 1) * sizeof(double));
    int *sidx = gr_malloc((size_t)n * sizeof(int));
    double *sval = gr_malloc((size_t)n * sizeof(double));
    int st = GR_OK;
    Cbc_Model *model = NULL;
    if (!start || !cl || !cu || !rl || !ru || !sidx || !sval) {
        st = GR_ENOMEM;
        goto done;
    }
    for (int j = 0; j <= n; j++)
        start[j] = (CoinBigIndex)Ap[j];
    for (int j = 0; j < n; j++) {
        cl[j] = cbc_bound(clo[j]);
        cu[j] = cbc_bound(cup[j]);
    }
    for (int i = 0; i < m; i++) {
        rl[i] = cbc_bound(rlo[i]);
        ru[i] = cbc_bound(rup[i]);
    }
    (void)nz;
    double t0 = gr_time_s();
    model = Cbc_newModel();
    if (!model) {
        st = GR_ENOMEM;
        goto done;
    }
    Cbc_loadProblem(model, n, m, start, Ai, Ax, cl, cu, c, rl, ru);
    Cbc_setObjSense(model, 1.0);
    int nint = 0;
    for (int j = 0; j < n; j++)
        if (is_int && is_int[j]) {
            Cbc_setInteger(model, j);
            if (opt && opt->start) {
                sidx[nint] = j;
                sval[nint] = opt->start[j];
            }
            nint++;
        }
    Cbc_setLogLevel(model, 0);
    Cbc_setParameter(model, "log", "0");
    Cbc_setParameter(model, "slog", "0");
    Cbc_setParameter(model, "threads", "1");
    /* The wall-clock limit through both doors: the model's own limit and
       the solver's "sec" parameter, which CbcMain applies to the search it
       runs (the setting on the model alone is not carried into every phase
       of every CBC version). */
    double limit = opt && opt->time_limit_s > 0.0 ? opt->time_limit_s : 60.0;
    char sec[32];
    snprintf(sec, sizeof sec, "%.3f", limit);
    Cbc_setMaximumSeconds(model, limit);
    Cbc_setParameter(model, "timeMode", "elapsed");   /* wall clock, not CPU time */
    Cbc_setParameter(model, "sec", sec);
    Cbc_setAllowableFractionGap(model, opt && opt->rel_gap > 0.0 ? opt->rel_gap : 1e-6);
    if (opt && opt->start && nint > 0)
        Cbc_setMIPStartI(model, nint, sidx, sval);
    /* CBC may print a banner on stdout even at log level 0: keep stdout
       clean for the caller by flushing first (nothing is redirected). */
    fflush(stdout);
    Cbc_solve(model);
    res->solve_s = gr_time_s() - t0;
    res->nodes = Cbc_getNodeCount(model);
    const double *sol = Cbc_bestSolution(model);
    if (Cbc_isProvenInfeasible(model)) {
        res->status = MIP_INFEASIBLE;
    } else if (sol) {
        memcpy(x, sol, (size_t)n * sizeof(double));
        res->objective = Cbc_getObjValue(model);
        res->status = Cbc_isProvenOptimal(model) ? MIP_OPTIMAL : MIP_FEASIBLE;
        double b = Cbc_getBestPossibleObjValue(model);
        res->bound = isfinite(b) && fabs(b) < 1e30 ? b : -HUGE_VAL;
        if (res->status == MIP_OPTIMAL && (!(res->bound > -HUGE_VAL) || res->bound > res->objective))
            res->bound = res->objective;
    } else if (Cbc_isAbandoned(model)) {
        res->status = MIP_FAILED;
    } else {
        res->status = MIP_NOSOLUTION;
        double b = Cbc_getBestPossibleObjValue(model);
        res->bound = isfinite(b) && fabs(b) < 1e30 ? b : -HUGE_VAL;
    }
done:
    if (model)
        Cbc_deleteModel(model);
    gr_free(start);
    gr_free(cl);
    gr_free(cu);
    gr_free(rl);
    gr_free(ru);
    gr_free(sidx);
    gr_free(sval);
    return st;
}
