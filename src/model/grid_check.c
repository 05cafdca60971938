/* grid_check.c — gr_grid_check: the one input check of every solver path (NaN/Inf values, zero impedances). */
#include <math.h>

#include "gridres.h"
#include "model/islands_internal.h"

/* The rules are the MATPOWER reader's (docs/input_validation.md), restated
 * on the per-unit grid, so that a grid built or changed through the API
 * meets the same ones before any solver divides by its numbers. */

static int bad_bus(const gr_grid *g, int k, const char *what, double v, const char *rule,
                   gr_error *err)
{
    return gr_error_set(err, GR_EINVAL, "bus %d (row %d): %s = %g: %s", g->bus_id[k], k + 1, what,
                        v, rule);
}

static int bad_gen(const gr_grid *g, int k, const char *what, double v, const char *rule,
                   gr_error *err)
{
    return gr_error_set(err, GR_EINVAL, "generator %d (at bus %d): %s = %g: %s", k + 1,
                        g->bus_id[g->gen_bus[k]], what, v, rule);
}

static int bad_branch(const gr_grid *g, int k, const char *what, double v, const char *rule,
                      gr_error *err)
{
    return gr_error_set(err, GR_EINVAL, "branch %d (bus %d to bus %d): %s = %g: %s", k + 1,
                        g->bus_id[g->br_f[k]], g->bus_id[g->br_t[k]], what, v, rule);
}

static const char *const FINITE = "expected a finite number";
static const char *const UPPER = "expected a number or +Inf (no limit)";
static const char *const LOWER = "expected a number or -Inf (no limit)";
static const char *const RATING = "expected a finite number >= 0 (0 = unlimited)";

static int upper_ok(double v) { return !isnan(v) && v != -HUGE_VAL; }
static int lower_ok(double v) { return !isnan(v) && v != HUGE_VAL; }
static int rating_ok(double v) { return isfinite(v) && v >= 0.0; }

int gr_grid_check(const gr_grid *g, int models, gr_error *err)
{
    if (!g || g->nb < 0 || g->ng < 0 || g->nl < 0)
        return gr_error_set(err, GR_EINVAL, "no grid");
    if (!isfinite(g->base_mva) || !(g->base_mva > 0.0))
        return gr_error_set(err, GR_EINVAL, "baseMVA = %g: expected a finite number > 0",
                            g->base_mva);
    for (int k = 0; k < g->nb; k++) {
        const struct { const char *name; double v; } f[] = {
            {"Pd", g->pd[k]}, {"Qd", g->qd[k]}, {"Gs", g->gs[k]}, {"Bs", g->bs[k]},
            {"Vm", g->vm0[k]}, {"Va", g->va0[k]}};
        for (int j = 0; j < (int)(sizeof f / sizeof f[0]); j++)
            if (!isfinite(f[j].v))
                return bad_bus(g, k, f[j].name, f[j].v, FINITE, err);
        if (!upper_ok(g->vmax[k]))
            return bad_bus(g, k, "Vmax", g->vmax[k], UPPER, err);
        if (!lower_ok(g->vmin[k]))
            return bad_bus(g, k, "Vmin", g->vmin[k], LOWER, err);
    }
    for (int k = 0; k < g->ng; k++) {
        const struct { const char *name; double v; } f[] = {
            {"Pg", g->pg[k]}, {"Qg", g->qg[k]}, {"Vg", g->vg[k]}, {"APF", g->apf[k]}};
        for (int j = 0; j < (int)(sizeof f / sizeof f[0]); j++)
            if (!isfinite(f[j].v))
                return bad_gen(g, k, f[j].name, f[j].v, FINITE, err);
        if (!upper_ok(g->qmax[k]))
            return bad_gen(g, k, "Qmax", g->qmax[k], UPPER, err);
        if (!upper_ok(g->pmax[k]))
            return bad_gen(g, k, "Pmax", g->pmax[k], UPPER, err);
        if (!lower_ok(g->qmin[k]))
            return bad_gen(g, k, "Qmin", g->qmin[k], LOWER, err);
        if (!lower_ok(g->pmin[k]))
            return bad_gen(g, k, "Pmin", g->pmin[k], LOWER, err);
    }
    for (int k = 0; k < g->nl; k++) {
        const struct { const char *name; double v; } f[] = {
            {"r", g->br_r[k]}, {"x", g->br_x[k]}, {"b", g->br_b[k]}, {"tap", g->br_tap[k]},
            {"shift", g->br_shift[k]}};
        for (int j = 0; j < (int)(sizeof f / sizeof f[0]); j++)
            if (!isfinite(f[j].v))
                return bad_branch(g, k, f[j].name, f[j].v, FINITE, err);
        if (g->br_tap[k] == 0.0)
            return bad_branch(g, k, "tap", 0.0, "expected a non-zero ratio (1 for a line)", err);
        const struct { const char *name; double v; } rt[] = {
            {"rateA", g->rate_a[k]}, {"rateB", g->rate_b[k]}, {"rateC", g->rate_c[k]}};
        for (int j = 0; j < 3; j++)
            if (!rating_ok(rt[j].v))
                return bad_branch(g, k, rt[j].name, rt[j].v, RATING, err);
        if (!branch_energisable(g, k))
            continue;
        /* MATPOWER makeYbus: Ys = 1 / (r + j x); the reader's threshold (issue 14). */
        if ((models & GR_GRID_CHECK_AC) && !(fabs(g->br_r[k]) + fabs(g->br_x[k]) >= GR_BRANCH_MIN_Z_PU))
            return gr_error_set(err, GR_EINVAL,
                                "branch %d (bus %d to bus %d): |r| + |x| = %g pu on an in-service "
                                "branch: expected >= %g pu (zero impedance); merge the buses, give "
                                "it a small reactance or take it out of service",
                                k + 1, g->bus_id[g->br_f[k]], g->bus_id[g->br_t[k]],
                                fabs(g->br_r[k]) + fabs(g->br_x[k]), GR_BRANCH_MIN_Z_PU);
        /* MATPOWER makeBdc: b = 1 / (x tap). */
        if ((models & GR_GRID_CHECK_DC) && !(g->br_x[k] * g->br_tap[k] != 0.0))
            return gr_error_set(err, GR_EINVAL,
                                "branch %d (bus %d to bus %d): zero reactance x = %g pu on an "
                                "in-service branch: the DC model needs b = 1/(x tap); give it a "
                                "small reactance or take it out of service",
                                k + 1, g->bus_id[g->br_f[k]], g->bus_id[g->br_t[k]], g->br_x[k]);
    }
    return GR_OK;
}
