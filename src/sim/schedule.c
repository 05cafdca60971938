/* schedule.c — rotating outage schedules (DESIGN §5): queues of residential and other load dark in turn, checked block by block with the shedding LP.
 *
 * DESIGN
 * Queues. Every area bus's non-critical load (residential + other, per its
 * load classes) is split into Q equal slices, as a distribution company
 * spreads the 10 kV feeders of each substation over all queues (Ukrenergo's
 * 6 queues, 2024); queue q is slice q of every bus of the area. So every
 * queue holds exactly 1/Q of the area's rotating load and of each bus's
 * share: balanced by MW exactly, and deterministic. Critical load is in no
 * queue. Buses of dark islands are dark anyway and are in no queue. The
 * area is the whole grid (every bus of a live island), except with the LP
 * check (below) when a congestion is relieved with fewer MW dark by
 * rotating only the buses where the LP sheds.
 *
 * Rotation. With k queues dark per block, block t darkens the cyclic window
 * {t k, …, t k + k - 1} mod Q. Over T blocks the windows cover 0 … T k - 1
 * in order, so each queue is dark floor(T k / Q) or ceil(T k / Q) blocks:
 * equal dark time to within one block.
 *
 * Deficit. Either given (MW per block: k = ceil(deficit / queue MW)), or
 * from the network (check_lp): the deficit is what gr_shed_solve sheds on
 * the live buses of the grid, and for each block the LP is solved again with
 * that block's dark slices removed; any further shedding it still needs
 * ("extra") means the dark set does not relieve the network, and k grows
 * until none is needed (or all queues are dark: the remainder is reported
 * per block). Both areas are tried; the one with fewer MW dark wins. */
#include <math.h>
#include <string.h>

#include "sim/shed.h"

void gr_schedule_options_default(gr_schedule_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->queues = 6;
    opt->hours = 24;
    opt->block_min = 30;
    opt->deficit_mw = 0.0;
    opt->check_lp = 0;
    gr_shed_options_default(&opt->shed);
}

void gr_schedule_free(gr_schedule *s)
{
    if (!s)
        return;
    gr_free(s->dark);
    gr_free(s->dark_mw);
    gr_free(s->extra_shed_mw);
    gr_free(s->dark_blocks);
    gr_free(s->in_area);
    gr_free(s);
}

/* Darken the rotation windows for k queues per block. */
static void rotate(gr_schedule *s, int k)
{
    int Q = s->queues, T = s->blocks;
    s->k = k;
    memset(s->dark, 0, (size_t)Q * (size_t)T);
    memset(s->dark_blocks, 0, (size_t)Q * sizeof(int));
    for (int t = 0; t < T; t++)
        for (int i = 0; i < k; i++) {
            int q = (int)(((long)t * k + i) % Q);
            s->dark[(size_t)q * (size_t)T + (size_t)t] = 1;
            s->dark_blocks[q]++;
        }
    for (int t = 0; t < T; t++)
        s->dark_mw[t] = k * s->queue_mw;
}

/* Extra shedding (MW) the LP needs on the live buses when `ndark` of the Q
 * slices of every area bus's non-critical load are dark. */
static int dark_extra(const gr_grid *g, const double *cap, const unsigned char *area, int Q,
                      int ndark, const gr_shed_options *opt, double *capt, double *extra,
                      double *lp_s, gr_error *err)
{
    double lit = 1.0 - (double)ndark / Q;
    for (int b = 0; b < g->nb; b++)
        for (int c = 0; c < GR_LOAD_NCLASS; c++) {
            size_t i = (size_t)b * GR_LOAD_NCLASS + (size_t)c;
            capt[i] = c != GR_LOAD_CRITICAL && area[b] ? cap[i] * lit : cap[i];
        }
    gr_shed_result *r = NULL;
    int st = shed_solve_caps(g, capt, opt, &r, err);
    if (st)
        return st;
    *extra = (r->shed_total_p - r->dark_p) * g->base_mva;
    if (*extra < 0.0)
        *extra = 0.0;
    *lp_s += r->total_s;
    gr_shed_result_free(r);
    return GR_OK;
}

/* Non-critical MW of the area buses. */
static double area_mw(const gr_grid *g, const double *cap, const unsigned char *area)
{
    double mw = 0.0;
    for (int b = 0; b < g->nb; b++)
        if (area[b])
            mw += (cap[(size_t)b * GR_LOAD_NCLASS + GR_LOAD_RESIDENTIAL] +
                   cap[(size_t)b * GR_LOAD_NCLASS + GR_LOAD_OTHER]) *
                  g->base_mva;
    return mw;
}

/* Smallest k >= ceil(deficit / queue MW) for which the LP needs no further
 * shedding with k of Q slices of the area dark (*k = Q and *ok = 0 when
 * none). Every block darkens k slices of every area bus, so one LP per k
 * decides; gr_schedule_build checks every block again at the end. */
static int min_dark(const gr_grid *g, const double *cap, const unsigned char *area, int Q,
                    double deficit, double tol, const gr_shed_options *opt, double *capt, int *k,
                    int *ok, double *lp_s, gr_error *err)
{
    double qmw = area_mw(g, cap, area) / Q, extra = 0.0;
    *ok = 0;
    *k = Q;
    if (!(qmw > 0.0))
        return GR_OK;
    int k0 = deficit > tol ? (int)ceil((deficit - tol) / qmw) : 0;
    for (int kk = k0 < 0 ? 0 : k0; kk <= Q; kk++) {
        int st = dark_extra(g, cap, area, Q, kk, opt, capt, &extra, lp_s, err);
        if (st)
            return st;
        if (extra <= tol) {
            *k = kk;
            *ok = 1;
            return GR_OK;
        }
    }
    return GR_OK;
}

int gr_schedule_build(const gr_grid *g, const gr_load_classes *classes,
                      const gr_schedule_options *opt_in, gr_schedule **out, gr_error *err)
{
    *out = NULL;
    gr_schedule_options opt;
    if (opt_in)
        opt = *opt_in;
    else
        gr_schedule_options_default(&opt);
    if (opt.queues < 1 || opt.queues > 1000)
        return gr_error_set(err, GR_EINVAL, "schedule: %d queues (1 .. 1000)", opt.queues);
    if (opt.hours < 1 || opt.hours > 24 * 366)
        return gr_error_set(err, GR_EINVAL, "schedule: %d hours (1 .. 8784)", opt.hours);
    if (opt.block_min < 1 || (opt.hours * 60) % opt.block_min != 0)
        return gr_error_set(err, GR_EINVAL,
                            "schedule: blocks of %d minutes do not divide %d hours evenly",
                            opt.block_min, opt.hours);
    if (!opt.check_lp && (!isfinite(opt.deficit_mw) || opt.deficit_mw < 0.0))
        return gr_error_set(err, GR_EINVAL, "schedule: deficit %g MW (must be >= 0)",
                            opt.deficit_mw);
    if (classes && classes->nb != g->nb)
        return gr_error_set(err, GR_EINVAL,
                            "schedule: load classes are for %d buses, the grid has %d",
                            classes->nb, g->nb);
    int nb = g->nb, Q = opt.queues, T = opt.hours * 60 / opt.block_min;
    gr_islands *isl = NULL;
    gr_schedule *s = NULL;
    double *cap = NULL, *capt = NULL;
    unsigned char *area2 = NULL;
    int st = gr_islands_find(g, 0, &isl, err);
    if (st)
        return st;
    s = gr_calloc(1, sizeof *s);
    cap = gr_malloc(((size_t)nb * GR_LOAD_NCLASS + 1) * sizeof(double));
    capt = gr_malloc(((size_t)nb * GR_LOAD_NCLASS + 1) * sizeof(double));
    area2 = gr_calloc((size_t)nb + 1, 1);
    if (!s || !cap || !capt || !area2)
        goto oom;
    s->queues = Q;
    s->blocks = T;
    s->block_min = opt.block_min;
    s->dark = gr_calloc((size_t)Q * (size_t)T, 1);
    s->dark_mw = gr_calloc((size_t)T, sizeof(double));
    s->dark_blocks = gr_calloc((size_t)Q, sizeof(int));
    s->in_area = gr_calloc((size_t)nb + 1, 1);
    if (!s->dark || !s->dark_mw || !s->dark_blocks || !s->in_area)
        goto oom;
    if (opt.check_lp && !(s->extra_shed_mw = gr_calloc((size_t)T, sizeof(double))))
        goto oom;

    /* The whole grid: every bus of a live island. */
    shed_caps_from_classes(g, classes, cap);
    for (int b = 0; b < nb; b++) {
        int i = isl->bus_island[b];
        s->in_area[b] = i >= 0 && isl->ref[i] >= 0;
        if (s->in_area[b])
            s->critical_mw += cap[(size_t)b * GR_LOAD_NCLASS + GR_LOAD_CRITICAL] * g->base_mva;
    }
    double sheddable = area_mw(g, cap, s->in_area);
    /* Tolerance: 1e-6 of the load, so that LP round-off darkens no queue more. */
    double tol = 1e-6 * (sheddable + s->critical_mw) + 1e-6;
    int k = 0;
    if (!opt.check_lp) {
        s->deficit_mw = opt.deficit_mw;
        s->queue_mw = sheddable / Q;
        if (s->deficit_mw > tol) {
            if (!(s->queue_mw > 0.0)) {
                st = gr_error_set(err, GR_EINFEASIBLE,
                                  "schedule: a deficit of %.2f MW but no residential or other "
                                  "load to rotate",
                                  s->deficit_mw);
                goto fail;
            }
            k = (int)ceil((s->deficit_mw - tol) / s->queue_mw);
            k = k < 1 ? 1 : k;
        }
        if (k > Q) {
            st = gr_error_set(err, GR_EINFEASIBLE,
                              "schedule: the deficit %.2f MW exceeds all residential and other "
                              "load (%.2f MW); critical load (%.2f MW) is never scheduled",
                              s->deficit_mw, sheddable, s->critical_mw);
            goto fail;
        }
    } else {
        /* The deficit and where the LP sheds it. */
        gr_shed_result *r = NULL;
        if ((st = shed_solve_caps(g, cap, &opt.shed, &r, err)))
            goto fail;
        s->deficit_mw = (r->shed_total_p - r->dark_p) * g->base_mva;
        if (s->deficit_mw < 0.0)
            s->deficit_mw = 0.0;
        s->lp_s += r->total_s;
        int n2 = 0, nall = 0;
        for (int b = 0; b < nb; b++) {
            const double *sc = r->shed_class_p + (size_t)b * GR_LOAD_NCLASS;
            area2[b] = s->in_area[b] && sc[GR_LOAD_RESIDENTIAL] + sc[GR_LOAD_OTHER] > 1e-9;
            n2 += area2[b];
            nall += s->in_area[b];
        }
        gr_shed_result_free(r);
        /* Two candidate areas: the whole grid, and the buses where the LP
         * sheds (a congestion is relieved locally). Keep the one that
         * darkens fewer MW; the whole grid on a tie. */
        int k1, ok1, k2 = Q, ok2 = 0;
        if ((st = min_dark(g, cap, s->in_area, Q, s->deficit_mw, tol, &opt.shed, capt, &k1, &ok1,
                           &s->lp_s, err)))
            goto fail;
        if (n2 > 0 && n2 < nall &&
            (st = min_dark(g, cap, area2, Q, s->deficit_mw, tol, &opt.shed, capt, &k2, &ok2,
                           &s->lp_s, err)))
            goto fail;
        double mw1 = k1 * sheddable / Q, mw2 = k2 * area_mw(g, cap, area2) / Q;
        if (ok2 && (!ok1 || mw2 < mw1 - tol)) {
            memcpy(s->in_area, area2, (size_t)nb);
            k = k2;
        } else {
            k = k1;
        }
        s->queue_mw = area_mw(g, cap, s->in_area) / Q;
    }
    for (int b = 0; b < nb; b++)
        s->n_area += s->in_area[b];
    rotate(s, k);
    if (opt.check_lp) {
        /* Every block with its own dark set. A block's effect on the network
         * depends only on how many slices of each area bus are dark (the
         * same fraction at every bus), so one LP per distinct count. */
        double *by_count = gr_malloc(((size_t)Q + 1) * sizeof(double));
        if (!by_count)
            goto oom;
        for (int q = 0; q <= Q; q++)
            by_count[q] = -1.0;
        for (int t = 0; t < T; t++) {
            int ndark = 0;
            for (int q = 0; q < Q; q++)
                ndark += s->dark[(size_t)q * (size_t)T + (size_t)t];
            if (by_count[ndark] < 0.0 &&
                (st = dark_extra(g, cap, s->in_area, Q, ndark, &opt.shed, capt, &by_count[ndark],
                                 &s->lp_s, err))) {
                gr_free(by_count);
                goto fail;
            }
            s->extra_shed_mw[t] = by_count[ndark];
        }
        gr_free(by_count);
    }
    gr_free(cap);
    gr_free(capt);
    gr_free(area2);
    gr_islands_free(isl);
    *out = s;
    return GR_OK;
oom:
    st = gr_error_set(err, GR_ENOMEM, "out of memory building a schedule");
fail:
    gr_free(cap);
    gr_free(capt);
    gr_free(area2);
    gr_islands_free(isl);
    gr_schedule_free(s);
    return st;
}
