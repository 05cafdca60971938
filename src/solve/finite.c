/* finite.c — the one check that a solve's outputs are finite (a result is never "converged" with NaN or Inf in it). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "solve/finite.h"

static int bus_live(const solve_outputs *o, int b)
{
    if (o->bus_live && !o->bus_live[b])
        return 0;
    if (o->bus_island) {
        int s = o->bus_island[b];
        return s >= 0 && o->island_ok[s] == 1;
    }
    return 1;
}

static int found(solve_nonfinite *w, int kind, int index, int bus, const char *what)
{
    if (w) {
        w->kind = kind;
        w->index = index;
        w->bus = bus;
        w->what = what;
    }
    return 0;
}

int solve_outputs_finite(const gr_grid *g, const solve_outputs *o, solve_nonfinite *where)
{
    for (int b = 0; b < g->nb; b++) {
        if (!bus_live(o, b))
            continue;
        if (o->vm && !isfinite(o->vm[b]))
            return found(where, GR_ELEM_BUS, b, b, "voltage magnitude");
        if (o->va && !isfinite(o->va[b]))
            return found(where, GR_ELEM_BUS, b, b, "voltage angle");
    }
    for (int k = 0; k < g->ng; k++) {
        int b = g->gen_bus[k];
        if (!bus_live(o, b))
            continue;
        if (o->pg && !isfinite(o->pg[k]))
            return found(where, GR_ELEM_GEN, k, b, "active power");
        if (o->qg && !isfinite(o->qg[k]))
            return found(where, GR_ELEM_GEN, k, b, "reactive power");
    }
    for (int k = 0; k < g->nl; k++) {
        int b = g->br_f[k];
        if (!bus_live(o, b) || (o->br_skip && o->br_skip[k]))
            continue;
        if ((o->pf && !isfinite(o->pf[k])) || (o->pt && !isfinite(o->pt[k])))
            return found(where, GR_ELEM_BRANCH, k, b, "active power flow");
        if ((o->qf && !isfinite(o->qf[k])) || (o->qt && !isfinite(o->qt[k])))
            return found(where, GR_ELEM_BRANCH, k, b, "reactive power flow");
    }
    return 1;
}

void solve_nonfinite_text(const gr_grid *g, const solve_nonfinite *w, char *buf, size_t len)
{
    if (w->kind == GR_ELEM_BUS)
        snprintf(buf, len, "non-finite %s at bus %d", w->what, g->bus_id[w->index]);
    else if (w->kind == GR_ELEM_GEN)
        snprintf(buf, len, "non-finite %s of generator %d (bus %d)", w->what, w->index + 1,
                 g->bus_id[w->bus]);
    else
        snprintf(buf, len, "non-finite %s on branch %d (bus %d to bus %d)", w->what,
                 w->index + 1, g->bus_id[g->br_f[w->index]], g->bus_id[g->br_t[w->index]]);
}

long solve_first_nonfinite(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return (long)i;
    return -1;
}

void pf_result_fail(gr_pf_result *r, int fail, const char *fmt, ...)
{
    if (r->fail != GR_PF_FAIL_NONE)
        return;
    r->fail = fail;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
}

int pf_result_check_finite(const gr_grid *g, gr_pf_result *r)
{
    solve_outputs o = {.vm = r->vm, .va = r->va, .pg = r->pg, .qg = r->qg, .pf = r->pf,
                       .qf = r->qf, .pt = r->pt, .qt = r->qt, .bus_island = r->bus_island,
                       .island_ok = r->island_converged};
    solve_nonfinite w;
    int all = 1;
    /* each failure takes its island out of the live set; at most one round per island */
    while (!solve_outputs_finite(g, &o, &w)) {
        int s = r->bus_island[w.bus];
        char msg[GR_PF_REASON_MAX];
        solve_nonfinite_text(g, &w, msg, sizeof msg);
        pf_result_fail(r, GR_PF_FAIL_NONFINITE, "%s", msg);
        r->island_converged[s] = 0;
        all = 0;
    }
    if (all)
        return 1;
    /* A failed island has no solution: its numbers are NaN (as gr_pf_ac's). */
    for (int b = 0; b < g->nb; b++) {
        int s = r->bus_island[b];
        if (s >= 0 && r->island_converged[s] == 0)
            r->vm[b] = r->va[b] = NAN;
    }
    for (int k = 0; k < g->ng; k++) {
        int s = r->bus_island[g->gen_bus[k]];
        if (s >= 0 && r->island_converged[s] == 0)
            r->pg[k] = r->qg[k] = NAN;
    }
    for (int k = 0; k < g->nl; k++) {
        int s = r->bus_island[g->br_f[k]];
        if (s >= 0 && r->island_converged[s] == 0)
            r->pf[k] = r->qf[k] = r->pt[k] = r->qt[k] = NAN;
    }
    r->loss_p = r->loss_q = NAN;
    r->converged = 0;
    r->max_mismatch = NAN;
    return 0;
}
