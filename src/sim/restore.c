/* restore.c — restoration planning (DESIGN §6): options, instance, the methods run in turn, results, remaining damage.
 *
 * DESIGN
 * Problem. n damaged elements, each with work hours p_i, a site, spare
 * units it needs and predecessors (elements that must be back before its
 * work starts: explicit "after" lists, and a branch or generator at a
 * damaged bus waits for the bus). C crews, each free from some time at some
 * place; they travel at speed_kmh over road_factor x the straight distance
 * and work and travel only during a daily shift of work_h_per_day hours.
 * Spare units of a class are available at the plan start (stock), at given
 * arrival times (on order) or, beyond those, lead_h after the plan start
 * (ordered at once). The load served in a state (set of elements repaired)
 * is the shedding LP's (restore_eval.c). Objective: priority-weighted energy
 * not served from the plan start until the last repair,
 *     sum over the served-load steps of (weighted demand - weighted served) x duration,
 * PowerModelsRestoration's ROP objective with crews, travel and spares added.
 *
 * Working time, the decoder and the greedy method: restore_core.c (DESIGN
 * there); RAD: restore_rad.c; the exact MIP: restore_mip.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/restore_internal.h"

static const char *const method_names[3] = {"greedy", "rad", "mip"};

const char *gr_restore_method_name(int method)
{
    return method >= 0 && method < 3 ? method_names[method] : "?";
}

static const char *const mip_status_names[4] = {"optimal", "time limit", "fallback", "failed"};

const char *gr_restore_mip_status_name(int status)
{
    return status >= 0 && status < 4 ? mip_status_names[status] : "?";
}

void gr_restore_options_default(gr_restore_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->method = GR_RESTORE_RAD;
    opt->crews = 4;
    opt->start_h = 0.0;
    opt->clock_h = 6.0;
    opt->horizon_h = 0.0;
    opt->speed_kmh = 60.0;
    opt->road_factor = 1.3;
    opt->work_h_per_day = 16.0;
    opt->shift_start_h = 6.0;
    opt->repair_h[GR_DMG_LINE] = 24.0;
    opt->repair_h[GR_DMG_TRANSFORMER] = 504.0;
    opt->repair_h[GR_DMG_GEN] = 1440.0;
    opt->repair_h[GR_DMG_BUS] = 336.0;
    gr_shed_options_default(&opt->shed);
    opt->eval = GR_RESTORE_EVAL_SHED;
    opt->seed = 1;
    opt->rad_iters = 0;
    opt->rad_window = 5;
    opt->rad_time_s = 0.0;
    opt->mip_max_elems = 10;
    opt->mip_time_s = 60.0;
}

/* ------------------------------------------------------------------------
 * Instance.
 * ------------------------------------------------------------------------ */
static void inst_free(rs_inst *in)
{
    gr_free(in->p);
    gr_free(in->travel);
    gr_free(in->crew_phi);
    gr_free(in->pred_p);
    gr_free(in->pred_i);
    gr_free(in->unit_p);
    gr_free(in->unit_phi);
    gr_free(in->unit_abs);
    gr_free(in->new_phi);
    gr_free(in->new_abs);
    memset(in, 0, sizeof *in);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Site of each element (x, y; NaN when unknown) from the damage and overlay.
 * bus_x/bus_y: per grid bus, or NULL. */
static void element_site(const gr_grid *g, const gr_damage_elem *e, const double *bus_x,
                         const double *bus_y, double *x, double *y)
{
    *x = e->x_km;
    *y = e->y_km;
    if (!isnan(*x) || !bus_x)
        return;
    if (e->kind == GR_ELEM_BUS) {
        *x = bus_x[e->index];
        *y = bus_y[e->index];
    } else if (e->kind == GR_ELEM_GEN) {
        *x = bus_x[g->gen_bus[e->index]];
        *y = bus_y[g->gen_bus[e->index]];
    } else {
        int f = g->br_f[e->index], t = g->br_t[e->index];
        *x = 0.5 * (bus_x[f] + bus_x[t]);
        *y = 0.5 * (bus_y[f] + bus_y[t]);
    }
}

static int inst_build(const gr_grid *g, const gr_overlay *ov, const gr_damage *d,
                      const gr_restore_options *opt, const double *bus_x, const double *bus_y,
                      rs_inst *in, gr_error *err)
{
    int n = d->n, C = opt->crews;
    memset(in, 0, sizeof *in);
    in->n = n;
    in->C = C;
    in->d = d;
    in->nspare = d->nspare;
    in->start_h = opt->start_h;
    rs_cal_init(&in->cal, opt->clock_h, opt->shift_start_h, opt->work_h_per_day);
    size_t n1 = (size_t)n + 1;
    in->p = gr_malloc(n1 * sizeof(double));
    in->travel = gr_malloc(((size_t)n + (size_t)C) * n1 * sizeof(double));
    in->crew_phi = gr_malloc(((size_t)C + 1) * sizeof(double));
    in->pred_p = gr_calloc(n1 + 1, sizeof(int));
    in->unit_p = gr_calloc((size_t)d->nspare + 2, sizeof(int));
    in->new_phi = gr_malloc(((size_t)d->nspare + 1) * sizeof(double));
    in->new_abs = gr_malloc(((size_t)d->nspare + 1) * sizeof(double));
    double *sx = gr_malloc(((size_t)n + (size_t)C + 1) * sizeof(double));
    double *sy = gr_malloc(((size_t)n + (size_t)C + 1) * sizeof(double));
    int *bus_elem = gr_malloc(((size_t)g->nb + 1) * sizeof(int));
    if (!in->p || !in->travel || !in->crew_phi || !in->pred_p || !in->unit_p || !in->new_phi ||
        !in->new_abs || !sx || !sy || !bus_elem)
        goto oom;

    for (int i = 0; i < n; i++) {
        const gr_damage_elem *e = &d->elem[i];
        in->p[i] = isnan(e->repair_h) ? opt->repair_h[e->cls] : e->repair_h;
        element_site(g, e, bus_x, bus_y, &sx[i], &sy[i]);
    }
    /* crews: given positions, else the overlay's bases (each base's crews in
       turn, round robin over bases), else the first damaged element's site */
    int *base_left = NULL;
    if (!opt->crew_x_km && ov && ov->ncrew > 0) {
        base_left = gr_malloc((size_t)ov->ncrew * sizeof(int));
        if (!base_left)
            goto oom;
        int total = 0;
        for (int b = 0; b < ov->ncrew; b++)
            total += base_left[b] = ov->crew_count[b] > 0 ? ov->crew_count[b] : 0;
        int b = 0;
        for (int c = 0; c < C; c++) {
            if (total <= 0) {   /* every base emptied: start over */
                for (int q = 0; q < ov->ncrew; q++)
                    total += base_left[q] = ov->crew_count[q] > 0 ? ov->crew_count[q] : 0;
                if (total <= 0)
                    for (int q = 0; q < ov->ncrew; q++)
                        total += base_left[q] = 1;
            }
            while (base_left[b] <= 0)
                b = (b + 1) % ov->ncrew;
            sx[n + c] = ov->crew_x_km[b];
            sy[n + c] = ov->crew_y_km[b];
            base_left[b]--;
            total--;
            b = (b + 1) % ov->ncrew;
        }
        gr_free(base_left);
    } else {
        for (int c = 0; c < C; c++) {
            sx[n + c] = opt->crew_x_km ? opt->crew_x_km[c] : n > 0 ? sx[0] : NAN;
            sy[n + c] = opt->crew_y_km ? opt->crew_y_km[c] : n > 0 ? sy[0] : NAN;
        }
    }
    double kmh = opt->speed_kmh / opt->road_factor;
    for (int a = 0; a < n + C; a++)
        for (int i = 0; i < n; i++) {
            double t = 0.0;
            if (!isnan(sx[a]) && !isnan(sx[i]))
                t = hypot(sx[a] - sx[i], sy[a] - sy[i]) / kmh;
            in->travel[(size_t)a * (size_t)n + (size_t)i] = a == i ? 0.0 : t;
        }
    for (int c = 0; c < C; c++) {
        double t = opt->crew_free_h && opt->crew_free_h[c] > opt->start_h ? opt->crew_free_h[c]
                                                                           : opt->start_h;
        in->crew_phi[c] = rs_cal_phi(&in->cal, t);
    }

    /* precedence: explicit, and branch/gen at a damaged bus after the bus */
    for (int b = 0; b < g->nb; b++)
        bus_elem[b] = -1;
    for (int i = 0; i < n; i++)
        if (d->elem[i].kind == GR_ELEM_BUS)
            bus_elem[d->elem[i].index] = i;
    for (int pass = 0; pass < 2; pass++) {
        int cnt = 0;
        for (int i = 0; i < n; i++) {
            const gr_damage_elem *e = &d->elem[i];
            int add[3], na = 0;
            if (e->kind == GR_ELEM_BRANCH) {
                add[na++] = bus_elem[g->br_f[e->index]];
                if (g->br_t[e->index] != g->br_f[e->index])
                    add[na++] = bus_elem[g->br_t[e->index]];
            } else if (e->kind == GR_ELEM_GEN) {
                add[na++] = bus_elem[g->gen_bus[e->index]];
            }
            if (pass == 1)
                in->pred_p[i] = cnt;
            for (int a = 0; a < e->n_after + na; a++) {
                int j = a < e->n_after ? e->after[a] : add[a - e->n_after];
                if (j < 0)
                    continue;
                int dup = 0;   /* explicit and automatic may coincide */
                if (pass == 1)
                    for (int q = in->pred_p[i]; q < cnt; q++)
                        dup |= in->pred_i[q] == j;
                if (dup)
                    continue;
                if (pass == 1)
                    in->pred_i[cnt] = j;
                cnt++;
            }
        }
        if (pass == 0) {
            in->pred_i = gr_malloc(((size_t)cnt + 1) * sizeof(int));
            if (!in->pred_i)
                goto oom;
        } else {
            in->pred_p[n] = cnt;
        }
    }

    /* spare units */
    int units = 0;
    for (int k = 0; k < d->nspare; k++) {
        in->unit_p[k] = units;
        units += d->spare[k].stock + d->spare[k].n_on_order;
    }
    in->unit_p[d->nspare] = units;
    in->unit_phi = gr_malloc(((size_t)units + 1) * sizeof(double));
    in->unit_abs = gr_malloc(((size_t)units + 1) * sizeof(double));
    if (!in->unit_phi || !in->unit_abs)
        goto oom;
    for (int k = 0; k < d->nspare; k++) {
        const gr_spare_class *sc = &d->spare[k];
        double *a = in->unit_abs + in->unit_p[k];
        for (int u = 0; u < sc->stock; u++)
            a[u] = opt->start_h;
        for (int u = 0; u < sc->n_on_order; u++)
            a[sc->stock + u] = opt->start_h + sc->on_order_h[u];
        qsort(a, (size_t)(sc->stock + sc->n_on_order), sizeof(double), cmp_double);
        for (int u = in->unit_p[k]; u < in->unit_p[k + 1]; u++)
            in->unit_phi[u] = rs_cal_phi(&in->cal, in->unit_abs[u]);
        in->new_abs[k] = isfinite(sc->lead_h) ? opt->start_h + sc->lead_h : HUGE_VAL;
        in->new_phi[k] = isfinite(sc->lead_h) ? rs_cal_phi(&in->cal, in->new_abs[k]) : HUGE_VAL;
    }
    gr_free(sx);
    gr_free(sy);
    gr_free(bus_elem);
    return GR_OK;
oom:
    gr_free(sx);
    gr_free(sy);
    gr_free(bus_elem);
    inst_free(in);
    return gr_error_set(err, GR_ENOMEM, "restore: out of memory");
}

/* ------------------------------------------------------------------------
 * Results.
 * ------------------------------------------------------------------------ */
void gr_restore_result_free(gr_restore_result *r)
{
    if (!r)
        return;
    gr_free(r->task);
    gr_free(r->step);
    gr_free(r);
}

static int build_result(const rs_inst *in, const rs_sched *s, const gr_restore_options *opt,
                        gr_restore_result **out, gr_error *err)
{
    int n = in->n, nw = in->nw, st = GR_OK;
    gr_restore_result *r = gr_calloc(1, sizeof *r);
    int *idx = gr_malloc(((size_t)n + 1) * sizeof(int));
    uint64_t *mask = gr_calloc((size_t)nw, sizeof(uint64_t));
    if (!r || !idx || !mask ||
        !(r->task = gr_calloc((size_t)n + 1, sizeof *r->task)) ||
        !(r->step = gr_calloc((size_t)n + 1, sizeof *r->step))) {
        gr_restore_result_free(r);
        gr_free(idx);
        gr_free(mask);
        return gr_error_set(err, GR_ENOMEM, "restore: out of memory");
    }
    r->method = opt->method;
    r->n = n;
    r->start_h = in->start_h;
    r->mip_optimal = -1;
    r->mip_status = -1;
    r->mip_objective = NAN;
    r->mip_bound = NAN;
    r->mip_gap_pct = NAN;
    double crit;
    rs_eval_demand(in->ev, &r->demand_mw, &r->demand_weighted, &crit);

    /* tasks in order of start, then crew */
    for (int i = 0; i < n; i++) {
        gr_restore_task *t = &r->task[i];
        const gr_damage_elem *e = &in->d->elem[i];
        t->elem = i;
        t->crew = s->crew[i];
        double tr = s->arr[i] - s->dep[i];
        t->depart_h = rs_cal_start(&in->cal, s->dep[i]);
        t->arrive_h = tr > 0.0 ? rs_cal_end(&in->cal, s->arr[i]) : t->depart_h;
        t->start_h = rs_cal_start(&in->cal, s->st[i]);
        t->end_h = s->t_done[i];
        if (t->depart_h < in->start_h)
            t->depart_h = in->start_h;
        if (t->arrive_h < t->depart_h)
            t->arrive_h = t->depart_h;
        if (t->start_h < t->arrive_h)
            t->start_h = t->arrive_h;
        if (t->end_h < t->start_h)
            t->end_h = t->start_h;
        t->spare_used = e->spare >= 0 ? e->spare_count : 0;
        t->spare_ready_h = e->spare >= 0 ? s->spare_abs[i] : NAN;
    }
    for (int i = 1; i < n; i++) {   /* insertion sort by (start, crew) */
        gr_restore_task x = r->task[i];
        int j = i - 1;
        while (j >= 0 && (r->task[j].start_h > x.start_h ||
                          (r->task[j].start_h == x.start_h && r->task[j].crew > x.crew))) {
            r->task[j + 1] = r->task[j];
            j--;
        }
        r->task[j + 1] = x;
    }

    /* served-load curve */
    rs_sort_by_done(s, n, idx);
    rs_value v;
    if ((st = rs_eval_get(in->ev, mask, &v, err)))
        goto fail;
    int ns = 0;
    r->step[ns].t_h = in->start_h;
    r->step[ns].repaired = 0;
    r->step[ns].served_mw = v.served_mw;
    r->step[ns].served_critical_mw = v.critical_mw;
    r->step[ns].served_weighted = v.weighted;
    r->step[ns++].people_out = v.people_out;
    r->end_h = in->start_h;
    for (int k = 0; k < n;) {
        double t = s->t_done[idx[k]];
        while (k < n && s->t_done[idx[k]] == t) {
            mask[idx[k] >> 6] |= (uint64_t)1 << (idx[k] & 63);
            k++;
        }
        if ((st = rs_eval_get(in->ev, mask, &v, err)))
            goto fail;
        gr_restore_step *p = &r->step[ns - 1];
        if (t <= p->t_h)   /* done at the start: replaces the first step */
            ns--;
        r->step[ns].t_h = t > in->start_h ? t : in->start_h;
        r->step[ns].repaired = k;
        r->step[ns].served_mw = v.served_mw;
        r->step[ns].served_critical_mw = v.critical_mw;
        r->step[ns].served_weighted = v.weighted;
        r->step[ns++].people_out = v.people_out;
        r->end_h = t;
    }
    r->n_steps = ns;
    r->window_end_h = opt->horizon_h > 0.0 ? in->start_h + opt->horizon_h : r->end_h;
    double obj = 0.0;
    for (int k = 0; k < ns; k++) {
        double a = r->step[k].t_h, b = k + 1 < ns ? r->step[k + 1].t_h : r->window_end_h;
        double bo = k + 1 < ns ? r->step[k + 1].t_h : r->end_h;
        obj += (r->demand_weighted - r->step[k].served_weighted) * (bo - a);
        if (b > r->window_end_h)
            b = r->window_end_h;
        if (k + 1 == ns && r->window_end_h > b)
            b = r->window_end_h;
        if (b <= a)
            continue;
        r->ens_mwh += (r->demand_mw - r->step[k].served_mw) * (b - a);
        r->ens_weighted += (r->demand_weighted - r->step[k].served_weighted) * (b - a);
        r->people_out_h += r->step[k].people_out * (b - a);
    }
    r->objective = obj;
    gr_free(idx);
    gr_free(mask);
    *out = r;
    return GR_OK;
fail:
    gr_free(idx);
    gr_free(mask);
    gr_restore_result_free(r);
    return st;
}

/* ------------------------------------------------------------------------
 * The planner.
 * ------------------------------------------------------------------------ */
static int check_options(const gr_restore_options *o, gr_error *err)
{
    if (o->method < GR_RESTORE_GREEDY || o->method > GR_RESTORE_MIP)
        return gr_error_set(err, GR_EINVAL, "restore: unknown method %d", o->method);
    if (o->crews < 1 || o->crews > 10000)
        return gr_error_set(err, GR_EINVAL, "restore: crews must be 1..10000, not %d", o->crews);
    if (!isfinite(o->start_h) || !isfinite(o->clock_h) || !(o->horizon_h >= 0.0) ||
        !isfinite(o->horizon_h))
        return gr_error_set(err, GR_EINVAL,
                            "restore: start, clock and horizon must be finite, horizon >= 0");
    if (!(o->speed_kmh > 0.0) || !isfinite(o->speed_kmh) || !(o->road_factor >= 1.0) ||
        !isfinite(o->road_factor))
        return gr_error_set(err, GR_EINVAL,
                            "restore: speed must be > 0 km/h and road factor >= 1");
    if (!(o->work_h_per_day > 0.0 && o->work_h_per_day <= 24.0) ||
        !(o->shift_start_h >= 0.0 && o->shift_start_h < 24.0))
        return gr_error_set(err, GR_EINVAL,
                            "restore: work hours a day must be in (0, 24], shift start in [0, 24)");
    for (int c = 0; c < GR_DMG_NCLASS; c++)
        if (!(o->repair_h[c] >= 0.0) || !isfinite(o->repair_h[c]))
            return gr_error_set(err, GR_EINVAL, "restore: default repair hours of %s: %g",
                                gr_damage_class_name(c), o->repair_h[c]);
    if (o->eval != GR_RESTORE_EVAL_WARM && o->eval != GR_RESTORE_EVAL_SHED)
        return gr_error_set(err, GR_EINVAL, "restore: unknown evaluator %d", o->eval);
    if (o->rad_window < 2 || o->rad_window > 8 || o->rad_iters < 0 || !(o->rad_time_s >= 0.0))
        return gr_error_set(err, GR_EINVAL,
                            "restore: RAD window must be 2..8, iterations and time >= 0");
    if (o->mip_max_elems < 1 || o->mip_max_elems > 16 || !(o->mip_time_s > 0.0))
        return gr_error_set(err, GR_EINVAL,
                            "restore: MIP element limit must be 1..16 and time limit > 0");
    if ((o->crew_x_km == NULL) != (o->crew_y_km == NULL))
        return gr_error_set(err, GR_EINVAL, "restore: give crew_x_km and crew_y_km together");
    return GR_OK;
}

/* Latest time (hours after the plan start) the planner accepts for any event:
 * a spare delivery, the end of one element's work. Beyond it times lose their
 * precision in the MIP's big-M rows and no plan is meaningful. */
#define RS_PLAN_MAX_H 1e6

/* "element 3 (branch 12, \"AT-1\")" for messages. */
static void elem_label(const gr_grid *g, const gr_damage *d, int i, char *buf, size_t len)
{
    const gr_damage_elem *e = &d->elem[i];
    const char *kind = e->kind == GR_ELEM_BUS ? "bus" : e->kind == GR_ELEM_GEN ? "gen" : "branch";
    int id = e->kind == GR_ELEM_BUS ? g->bus_id[e->index] : e->index + 1;
    if (e->label)
        snprintf(buf, len, "element %d (%s %d, \"%s\")", i, kind, id, e->label);
    else
        snprintf(buf, len, "element %d (%s %d)", i, kind, id);
}

/* Reasons a plan cannot exist, named before any solver runs (issue 14): a
 * repair whose spare units never arrive within RS_PLAN_MAX_H, an element no
 * crew can reach (every crew free only at an infinite time or from a start
 * site that is not finite), work longer than RS_PLAN_MAX_H. GR_EINVAL. */
static int precheck(const gr_grid *g, const gr_damage *d, const gr_restore_options *o,
                    const rs_inst *in, gr_error *err)
{
    char name[160];
    for (int i = 0; i < in->n; i++) {
        int reach = 0;
        for (int c = 0; c < in->C && !reach; c++)
            reach = isfinite(in->crew_phi[c]) &&
                    isfinite(in->travel[(size_t)(in->n + c) * (size_t)in->n + (size_t)i]);
        if (!reach) {
            elem_label(g, d, i, name, sizeof name);
            return gr_error_set(err, GR_EINVAL,
                                "restore: %s cannot be reached by any crew: every crew is free "
                                "only at an infinite time or starts from a site that is not "
                                "finite (crew_free_h, crew_x_km/crew_y_km)",
                                name);
        }
        if (!(in->p[i] <= RS_PLAN_MAX_H)) {
            elem_label(g, d, i, name, sizeof name);
            return gr_error_set(err, GR_EINVAL,
                                "restore: %s needs %g h of work, more than the planning horizon "
                                "of %g h",
                                name, in->p[i], RS_PLAN_MAX_H);
        }
    }
    for (int k = 0; k < d->nspare; k++) {
        /* the elements of class k take its units earliest first: the last of
           them needs the need-th unit */
        int need = 0, last = -1;
        for (int i = 0; i < d->n; i++)
            if (d->elem[i].spare == k) {
                need += d->elem[i].spare_count;
                last = i;
            }
        if (need == 0)
            continue;
        int listed = in->unit_p[k + 1] - in->unit_p[k];
        double at = need <= listed ? in->unit_abs[in->unit_p[k] + need - 1] : in->new_abs[k];
        if (at - in->start_h <= RS_PLAN_MAX_H)
            continue;
        const gr_spare_class *sc = &d->spare[k];
        elem_label(g, d, last, name, sizeof name);
        if (need > listed && !isfinite(sc->lead_h))
            return gr_error_set(err, GR_EINVAL,
                                "restore: %s needs spare class \"%s\": %d units needed, %d in "
                                "stock or on order, and none can be ordered (lead_h null)",
                                name, sc->name ? sc->name : "", need, listed);
        return gr_error_set(err, GR_EINVAL,
                            "restore: %s needs spare class \"%s\", whose unit %d of %d needed "
                            "arrives only %g h after the plan start (%s), beyond the planning "
                            "horizon of %g h",
                            name, sc->name ? sc->name : "", need, need, at - in->start_h,
                            need <= listed ? "on_order_h" : "lead_h", RS_PLAN_MAX_H);
    }
    (void)o;
    return GR_OK;
}

int gr_restore_plan(const gr_grid *g, const gr_overlay *ov, const gr_damage *d,
                    const gr_restore_options *opt_in, gr_restore_result **out, gr_error *err)
{
    double t0 = gr_time_s();
    gr_restore_options opt;
    if (!out)
        return gr_error_set(err, GR_EINVAL, "gr_restore_plan: out is NULL");
    *out = NULL;
    if (!g || !d)
        return gr_error_set(err, GR_EINVAL, "gr_restore_plan: grid or damage is NULL");
    if (opt_in)
        opt = *opt_in;
    else
        gr_restore_options_default(&opt);
    int st = check_options(&opt, err);
    if (st || (st = gr_damage_check(d, g, err)))
        return st;
    if (opt.method == GR_RESTORE_MIP && d->n > opt.mip_max_elems)
        return gr_error_set(err, GR_EINVAL,
                            "restore: the MIP is for small instances: %d elements, limit %d "
                            "(use greedy or rad)",
                            d->n, opt.mip_max_elems);
    if (ov && ov->nb != g->nb)
        return gr_error_set(err, GR_EINVAL, "restore: the overlay has %d buses, the grid %d",
                            ov->nb, g->nb);

    gr_load_classes *own_cl = NULL;
    const gr_load_classes *cl = opt.classes;
    double *pop = NULL, *bx = NULL, *by = NULL;
    rs_eval *ev = NULL;
    rs_inst in;
    rs_sched s = {0}, s2 = {0};
    int *order = NULL;
    gr_restore_result *r = NULL;
    memset(&in, 0, sizeof in);
    if (ov) {
        if (!cl && (st = gr_load_classes_from_overlay(g, ov, &own_cl, err)))
            return st;
        if (!cl)
            cl = own_cl;
        pop = gr_calloc((size_t)g->nb + 1, sizeof(double));
        bx = gr_malloc(((size_t)g->nb + 1) * sizeof(double));
        by = gr_malloc(((size_t)g->nb + 1) * sizeof(double));
        if (!pop || !bx || !by) {
            st = gr_error_set(err, GR_ENOMEM, "restore: out of memory");
            goto done;
        }
        for (int row = 0; row < ov->nb; row++) {
            int b = gr_grid_bus_index(g, ov->bus_id[row]);
            if (b < 0) {
                st = gr_error_set(err, GR_EINVAL, "restore: overlay bus %d is not in the grid",
                                  ov->bus_id[row]);
                goto done;
            }
            pop[b] = ov->bus_population[row];
            bx[b] = ov->bus_x_km[row];
            by[b] = ov->bus_y_km[row];
        }
    }
    if ((st = rs_eval_create(g, d, cl, &opt.shed, pop, opt.eval, &ev, err)))
        goto done;
    if ((st = inst_build(g, ov, d, &opt, bx, by, &in, err)))
        goto done;
    in.ev = ev;
    in.nw = rs_eval_words(ev);
    rs_eval_demand(ev, &in.demand_mw, &in.demand_weighted, NULL);
    order = gr_malloc(((size_t)d->n + 1) * sizeof(int));
    if (!order || rs_sched_alloc(d->n, &s) || rs_sched_alloc(d->n, &s2)) {
        st = gr_error_set(err, GR_ENOMEM, "restore: out of memory");
        goto done;
    }
    if ((st = precheck(g, d, &opt, &in, err)))
        goto done;
    /* the MIP's limit covers RAD (a quarter of it at most), the states and CBC */
    double deadline = t0 + opt.mip_time_s;
    if (opt.method == GR_RESTORE_MIP) {
        double rad_share = 0.25 * opt.mip_time_s;
        if (!(opt.rad_time_s > 0.0) || opt.rad_time_s > rad_share)
            opt.rad_time_s = rad_share;
    }
    if ((st = rs_greedy(&in, opt.exhaustive, order, err)))
        goto done;
    rs_decode(&in, order, &s);
    if ((st = rs_objective(&in, &s, err)))
        goto done;
    if (opt.method == GR_RESTORE_RAD || opt.method == GR_RESTORE_MIP) {
        if ((st = rs_rad(&in, &opt, order, &s, err)))
            goto done;
    }
    rs_mip_out mo = {-1, 0, NAN, NAN};
    if (opt.method == GR_RESTORE_MIP) {
        if ((st = rs_mip(&in, &s, deadline, &s2, &mo, err)))
            goto done;
        if (mo.have_plan) {
            if ((st = rs_objective(&in, &s2, err)))
                goto done;
            if (s2.objective <= s.objective)   /* else keep RAD's (CBC stopped early) */
                rs_sched_copy(&s, &s2, d->n);
        }
    }
    if ((st = build_result(&in, &s, &opt, &r, err)))
        goto done;
    if (opt.method == GR_RESTORE_MIP) {
        r->mip_status = mo.status;
        r->mip_optimal = mo.status == GR_RESTORE_MIP_OPTIMAL;
        r->mip_objective = mo.objective;
        r->mip_bound = mo.bound;
        if (mo.status == GR_RESTORE_MIP_OPTIMAL) {
            r->mip_gap_pct = 0.0;
        } else if (isfinite(mo.bound)) {
            double gap = r->objective - mo.bound;
            r->mip_gap_pct = gap <= 0.0 ? 0.0
                             : r->objective > 0.0 ? 100.0 * gap / r->objective : 0.0;
        }
    }
    rs_eval_stats(ev, &r->lp_solves, &r->cache_hits, &r->lp_s);
    r->bound_checks = rs_eval_bounds(ev);
    r->wall_s = gr_time_s() - t0;
    *out = r;
done:
    rs_sched_free(&s);
    rs_sched_free(&s2);
    gr_free(order);
    inst_free(&in);
    rs_eval_free(ev);
    gr_free(pop);
    gr_free(bx);
    gr_free(by);
    gr_load_classes_free(own_cl);
    return st;
}

/* ------------------------------------------------------------------------
 * What is left at time t (campaign carry-over).
 * ------------------------------------------------------------------------ */
int gr_restore_remaining(const gr_damage *d, const gr_restore_result *r,
                         const gr_restore_options *opt_in, double t_h, gr_damage **out,
                         gr_error *err)
{
    gr_restore_options opt;
    if (!out)
        return gr_error_set(err, GR_EINVAL, "gr_restore_remaining: out is NULL");
    *out = NULL;
    if (!d || !r || r->n != d->n)
        return gr_error_set(err, GR_EINVAL, "gr_restore_remaining: plan and damage differ");
    if (opt_in)
        opt = *opt_in;
    else
        gr_restore_options_default(&opt);
    rs_cal cal;
    rs_cal_init(&cal, opt.clock_h, opt.shift_start_h, opt.work_h_per_day);
    const gr_restore_task **task_of = gr_calloc((size_t)d->n + 1, sizeof *task_of);
    int *map = gr_malloc(((size_t)d->n + 1) * sizeof(int));
    long *used = gr_calloc((size_t)d->nspare + 1, sizeof(long));
    long *need = gr_calloc((size_t)d->nspare + 1, sizeof(long));
    gr_damage *o = NULL;
    int st = GR_OK;
    if (!task_of || !map || !used || !need)
        goto oom;
    for (int k = 0; k < r->n; k++)
        if (r->task[k].elem >= 0 && r->task[k].elem < d->n)
            task_of[r->task[k].elem] = &r->task[k];
    int left = 0;
    for (int i = 0; i < d->n; i++) {
        const gr_restore_task *t = task_of[i];
        if (!t) {
            st = gr_error_set(err, GR_EINVAL, "gr_restore_remaining: element %d has no task",
                              i + 1);
            goto done;
        }
        map[i] = t->end_h > t_h ? left++ : -1;
        const gr_damage_elem *e = &d->elem[i];
        if (e->spare >= 0) {
            need[e->spare] += e->spare_count;
            if (t->start_h <= t_h)
                used[e->spare] += e->spare_count;
        }
    }
    if (gr_damage_alloc(left, d->nspare, &o))
        goto oom;
    /* spare classes: units in hand by t_h less those used; later ones on order */
    for (int k = 0; k < d->nspare; k++) {
        const gr_spare_class *sc = &d->spare[k];
        gr_spare_class *nc = &o->spare[k];
        size_t len = strlen(sc->name ? sc->name : "") + 1;
        if (!(nc->name = gr_malloc(len)))
            goto oom;
        memcpy(nc->name, sc->name ? sc->name : "", len);
        nc->lead_h = sc->lead_h;
        long listed = (long)sc->stock + sc->n_on_order;
        long ordered = need[k] > listed && isfinite(sc->lead_h) ? need[k] - listed : 0;
        long total = listed + ordered, in_hand = 0, later = 0;
        nc->on_order_h = gr_malloc(((size_t)total + 1) * sizeof(double));
        if (!nc->on_order_h)
            goto oom;
        for (long u = 0; u < total; u++) {
            double at = u < sc->stock ? r->start_h
                        : u < listed  ? r->start_h + sc->on_order_h[u - sc->stock]
                                      : r->start_h + sc->lead_h;
            if (at <= t_h)
                in_hand++;
            else
                nc->on_order_h[later++] = at - t_h;
        }
        nc->stock = (int)(in_hand - used[k] > 0 ? in_hand - used[k] : 0);
        nc->n_on_order = (int)later;
    }
    for (int i = 0; i < d->n; i++) {
        if (map[i] < 0)
            continue;
        const gr_damage_elem *e = &d->elem[i];
        gr_damage_elem *ne = &o->elem[map[i]];
        const gr_restore_task *t = task_of[i];
        double p = isnan(e->repair_h) ? opt.repair_h[e->cls] : e->repair_h;
        ne->kind = e->kind;
        ne->index = e->index;
        ne->cls = e->cls;
        ne->x_km = e->x_km;
        ne->y_km = e->y_km;
        if (t->start_h <= t_h) {   /* in progress: its spares are fitted */
            double done = rs_cal_phi(&cal, t_h) - rs_cal_phi(&cal, t->start_h);
            p -= done > 0.0 ? done : 0.0;
            if (p < 0.0)
                p = 0.0;
            ne->spare = -1;
            ne->spare_count = 0;
        } else {
            ne->spare = e->spare;
            ne->spare_count = e->spare_count;
        }
        ne->repair_h = p;
        if (e->label) {
            size_t len = strlen(e->label) + 1;
            if (!(ne->label = gr_malloc(len)))
                goto oom;
            memcpy(ne->label, e->label, len);
        }
        int na = 0;
        for (int a = 0; a < e->n_after; a++)
            na += map[e->after[a]] >= 0;
        if (na) {
            if (!(ne->after = gr_malloc((size_t)na * sizeof(int))))
                goto oom;
            for (int a = 0; a < e->n_after; a++)
                if (map[e->after[a]] >= 0)
                    ne->after[ne->n_after++] = map[e->after[a]];
        }
    }
    *out = o;
    o = NULL;
    goto done;
oom:
    st = gr_error_set(err, GR_ENOMEM, "restore: out of memory");
done:
    gr_damage_free(o);
    gr_free(task_of);
    gr_free(map);
    gr_free(used);
    gr_free(need);
    return st;
}
