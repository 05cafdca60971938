/* restore_core.c — the core of restoration planning shared by all its files: shift calendar, schedules, the schedule decoder, the weighted-ENS objective, greedy.
 *
 * DESIGN
 * Working time. Everything a crew does is timed in working hours phi (hours
 * of shift since the day-0 shift start), so shifts are invisible to the
 * scheduling: work that reaches the end of a shift goes on next morning. Only
 * completion times (for the served-load curve) and the report are mapped
 * back to the clock (rs_cal_end / rs_cal_start).
 *
 * Decoder (serial schedule generation). A priority order of the elements
 * becomes a schedule: in that order (repaired to respect precedence), each
 * element goes to the crew that would finish it first, starting when the
 * crew has arrived, its predecessors are done and its spare units are in
 * (units of a class go to elements in order, earliest units first). Greedy
 * and RAD search over orders; decode(order) is the schedule.
 *
 * Greedy: repeatedly take the element with the largest marginal weighted
 * load regained (LP value of the assigned set plus it, minus without) per
 * crew-hour it costs (travel, waiting and work of the crew that finishes it
 * first). When no element regains load by itself (e.g. a line whose far
 * end is still dark), the tie is broken by what it is worth at the end
 * (value of all repaired minus all but it) per crew-hour. */
#include <math.h>
#include <string.h>

#include "sim/restore_internal.h"

/* ------------------------------------------------------------------------
 * Calendar.
 * ------------------------------------------------------------------------ */
void rs_cal_init(rs_cal *c, double clock_h, double shift_start_h, double work_h)
{
    c->W = work_h >= 24.0 ? 24.0 : work_h;
    c->u0 = clock_h - shift_start_h;
}

static double cal_F(double W, double u)
{
    double d = floor(u / 24.0), r = u - 24.0 * d;
    return d * W + (r < W ? r : W);
}

double rs_cal_phi(const rs_cal *c, double t)
{
    if (c->W >= 24.0)
        return t;
    return cal_F(c->W, t + c->u0);
}

double rs_cal_start(const rs_cal *c, double phi)
{
    if (c->W >= 24.0)
        return phi;
    double q = phi / c->W, d = floor(q + 1e-9 * (1.0 + fabs(q)));
    double r = phi - d * c->W;
    if (r < 0.0)
        r = 0.0;
    return 24.0 * d + r - c->u0;
}

double rs_cal_end(const rs_cal *c, double phi)
{
    if (c->W >= 24.0)
        return phi;
    double q = phi / c->W, d = ceil(q - 1e-9 * (1.0 + fabs(q))) - 1.0;
    double r = phi - d * c->W;
    if (r > c->W)
        r = c->W;
    return 24.0 * d + r - c->u0;
}

/* ------------------------------------------------------------------------
 * Schedules.
 * ------------------------------------------------------------------------ */
/* The arrays of a schedule, listed once for allocating, freeing and copying. */
enum { SCHED_NINT = 2, SCHED_NDBL = 6 };
typedef struct sched_arrays {
    int **ints[SCHED_NINT];
    double **dbls[SCHED_NDBL];
} sched_arrays;

static sched_arrays sched_arrays_of(rs_sched *s)
{
    return (sched_arrays){{&s->crew, &s->order},
                          {&s->dep, &s->arr, &s->st, &s->en, &s->spare_abs, &s->t_done}};
}

int rs_sched_alloc(int n, rs_sched *s)
{
    memset(s, 0, sizeof *s);
    size_t m = (size_t)n + 1;
    sched_arrays a = sched_arrays_of(s);
    int ok = 1;
    for (int k = 0; k < SCHED_NINT; k++)
        ok &= (*a.ints[k] = gr_malloc(m * sizeof(int))) != NULL;
    for (int k = 0; k < SCHED_NDBL; k++)
        ok &= (*a.dbls[k] = gr_malloc(m * sizeof(double))) != NULL;
    if (!ok) {
        rs_sched_free(s);
        return GR_ENOMEM;
    }
    s->objective = HUGE_VAL;
    return GR_OK;
}

void rs_sched_free(rs_sched *s)
{
    sched_arrays a = sched_arrays_of(s);
    for (int k = 0; k < SCHED_NINT; k++)
        gr_free(*a.ints[k]);
    for (int k = 0; k < SCHED_NDBL; k++)
        gr_free(*a.dbls[k]);
    memset(s, 0, sizeof *s);
}

void rs_sched_copy(rs_sched *dst, const rs_sched *src, int n)
{
    rs_sched from = *src;   /* the same arrays, through a non-const handle */
    sched_arrays d = sched_arrays_of(dst), f = sched_arrays_of(&from);
    for (int k = 0; k < SCHED_NINT; k++)
        memcpy(*d.ints[k], *f.ints[k], (size_t)n * sizeof(int));
    for (int k = 0; k < SCHED_NDBL; k++)
        memcpy(*d.dbls[k], *f.dbls[k], (size_t)n * sizeof(double));
    dst->objective = src->objective;
}

/* Decoder state: crews and spare counters while elements are placed. */
typedef struct rs_dstate {
    double *free_phi;   /* C */
    int *loc;           /* C: last site (element) or n + c (start) */
    int *used;          /* nspare: units taken */
    unsigned char *done;/* n */
} rs_dstate;

static void dstate_free(rs_dstate *s)
{
    gr_free(s->free_phi);
    gr_free(s->loc);
    gr_free(s->used);
    gr_free(s->done);
}

static int dstate_alloc(const rs_inst *in, rs_dstate *s)
{
    s->free_phi = gr_malloc(((size_t)in->C + 1) * sizeof(double));
    s->loc = gr_malloc(((size_t)in->C + 1) * sizeof(int));
    s->used = gr_malloc(((size_t)in->nspare + 1) * sizeof(int));
    s->done = gr_malloc((size_t)in->n + 1);
    if (!s->free_phi || !s->loc || !s->used || !s->done) {
        dstate_free(s);
        return GR_ENOMEM;
    }
    return GR_OK;
}

static void dstate_reset(const rs_inst *in, rs_dstate *s)
{
    for (int c = 0; c < in->C; c++) {
        s->free_phi[c] = in->crew_phi[c];
        s->loc[c] = in->n + c;
    }
    for (int k = 0; k < in->nspare; k++)
        s->used[k] = 0;
    memset(s->done, 0, (size_t)in->n);
}

static double travel_h(const rs_inst *in, int from, int to)
{
    return in->travel[(size_t)from * (size_t)in->n + (size_t)to];
}

/* phi (and absolute time) at which the `count` units after `used` of class k are in. */
static double spare_phi(const rs_inst *in, int k, int used, int count, double *abs_t)
{
    int have = in->unit_p[k + 1] - in->unit_p[k], last = used + count - 1;
    if (last < have) {
        *abs_t = in->unit_abs[in->unit_p[k] + last];
        return in->unit_phi[in->unit_p[k] + last];
    }
    *abs_t = in->new_abs[k];
    return in->new_phi[k];
}

/* Where element i would go from state ds: best crew, its times. */
typedef struct rs_place {
    int crew;
    double dep, arr, st, en, spare_abs;
} rs_place;

static void place(const rs_inst *in, const rs_dstate *ds, const rs_sched *s, int i, rs_place *pl)
{
    const gr_damage_elem *e = &in->d->elem[i];
    double ready = -HUGE_VAL;
    for (int q = in->pred_p[i]; q < in->pred_p[i + 1]; q++)
        if (s->en[in->pred_i[q]] > ready)
            ready = s->en[in->pred_i[q]];
    pl->spare_abs = NAN;
    if (e->spare >= 0) {
        double sp = spare_phi(in, e->spare, ds->used[e->spare], e->spare_count, &pl->spare_abs);
        if (sp > ready)
            ready = sp;
    }
    pl->crew = -1;
    for (int c = 0; c < in->C; c++) {
        double arr = ds->free_phi[c] + travel_h(in, ds->loc[c], i);
        double st = arr > ready ? arr : ready, en = st + in->p[i];
        if (pl->crew < 0 || en < pl->en - 1e-9 || (en <= pl->en + 1e-9 && arr < pl->arr - 1e-9)) {
            pl->crew = c;
            pl->dep = ds->free_phi[c];
            pl->arr = arr;
            pl->st = st;
            pl->en = en;
        }
    }
}

static void commit(const rs_inst *in, rs_dstate *ds, rs_sched *s, int i, const rs_place *pl)
{
    const gr_damage_elem *e = &in->d->elem[i];
    s->crew[i] = pl->crew;
    s->dep[i] = pl->dep;
    s->arr[i] = pl->arr;
    s->st[i] = pl->st;
    s->en[i] = pl->en;
    s->spare_abs[i] = pl->spare_abs;
    s->t_done[i] = in->p[i] > 0.0 ? rs_cal_end(&in->cal, pl->en) : rs_cal_start(&in->cal, pl->st);
    if (s->t_done[i] < in->start_h)
        s->t_done[i] = in->start_h;
    ds->free_phi[pl->crew] = pl->en;
    ds->loc[pl->crew] = i;
    if (e->spare >= 0)
        ds->used[e->spare] += e->spare_count;
    ds->done[i] = 1;
}

static int preds_done(const rs_inst *in, const rs_dstate *ds, int i)
{
    for (int q = in->pred_p[i]; q < in->pred_p[i + 1]; q++)
        if (!ds->done[in->pred_i[q]])
            return 0;
    return 1;
}

/* The decoder needs a state; one per call keeps it re-entrant (small). */
void rs_decode(const rs_inst *in, const int *order, rs_sched *s)
{
    rs_dstate ds;
    double fp[64];
    int lc[64], us[64];
    unsigned char dn[256];
    int heap = in->C > 64 || in->nspare > 64 || in->n > 256;
    if (heap) {
        if (dstate_alloc(in, &ds)) {   /* cannot happen in practice: sizes were allocated before */
            s->objective = HUGE_VAL;
            return;
        }
    } else {
        ds.free_phi = fp;
        ds.loc = lc;
        ds.used = us;
        ds.done = dn;
    }
    dstate_reset(in, &ds);
    int n = in->n, next = 0;
    for (int k = 0; k < n; k++) {
        /* first element of the order not placed whose predecessors are */
        int i = -1;
        for (int q = 0; q < n; q++) {
            int c = order[q];
            if (!ds.done[c] && preds_done(in, &ds, c)) {
                i = c;
                break;
            }
        }
        if (i < 0)
            break;   /* cycle: excluded by gr_damage_check */
        rs_place pl;
        place(in, &ds, s, i, &pl);
        commit(in, &ds, s, i, &pl);
        s->order[next++] = i;
    }
    s->objective = HUGE_VAL;
    if (heap)
        dstate_free(&ds);
}

/* Sort indices by t_done (insertion sort: n is small, orders nearly sorted). */
void rs_sort_by_done(const rs_sched *s, int n, int *idx)
{
    for (int i = 0; i < n; i++)
        idx[i] = i;
    for (int i = 1; i < n; i++) {
        int x = idx[i], j = i - 1;
        while (j >= 0 && (s->t_done[idx[j]] > s->t_done[x] ||
                          (s->t_done[idx[j]] == s->t_done[x] && idx[j] > x))) {
            idx[j + 1] = idx[j];
            j--;
        }
        idx[j + 1] = x;
    }
}

int rs_objective(const rs_inst *in, rs_sched *s, gr_error *err)
{
    int n = in->n, nw = in->nw, st;
    int ib[256];
    uint64_t mb[8];
    int *idx = n <= 256 ? ib : gr_malloc((size_t)n * sizeof(int));
    uint64_t *mask = nw <= 8 ? mb : gr_calloc((size_t)nw, sizeof(uint64_t));
    if (!idx || !mask) {
        if (idx != ib)
            gr_free(idx);
        if (mask != mb)
            gr_free(mask);
        return gr_error_set(err, GR_ENOMEM, "restore: out of memory");
    }
    memset(mask, 0, (size_t)nw * sizeof(uint64_t));
    rs_sort_by_done(s, n, idx);
    rs_value v;
    double area = 0.0, t_prev = in->start_h;
    if ((st = rs_eval_get(in->ev, mask, &v, err)))
        goto done;
    for (int k = 0; k < n;) {
        double t = s->t_done[idx[k]];
        area += (in->demand_weighted - v.weighted) * (t - t_prev);
        t_prev = t;
        while (k < n && s->t_done[idx[k]] == t) {
            mask[idx[k] >> 6] |= (uint64_t)1 << (idx[k] & 63);
            k++;
        }
        if (k < n && (st = rs_eval_get(in->ev, mask, &v, err)))
            goto done;
    }
    s->objective = area;
done:
    if (idx != ib)
        gr_free(idx);
    if (mask != mb)
        gr_free(mask);
    return st;
}

/* The objective of s if it is below `cutoff`, else a proof that it is not
 * (issue 15). The steps of the served-load curve are valued by their cached
 * value or rs_eval_bound (an upper bound of the value, so a lower bound of
 * the ENS); uncached steps are solved, longest first, only while the
 * lower bound stays below the cutoff. *below = 1: s->objective is exact (the same
 * number rs_objective gives); 0: s->objective is a lower bound >= cutoff. */
int rs_objective_below(const rs_inst *in, rs_sched *s, double cutoff, int *below, gr_error *err)
{
    int n = in->n, nw = in->nw, st = GR_OK;
    *below = 1;
    if (n == 0)
        return rs_objective(in, s, err);
    int *idx = gr_malloc((size_t)n * sizeof(int));
    int *kstep = gr_malloc((size_t)n * sizeof(int));       /* step -> elements done */
    double *t_at = gr_malloc(((size_t)n + 1) * sizeof(double));   /* step start */
    double *val = gr_malloc((size_t)n * sizeof(double));    /* value or bound */
    unsigned char *exact = gr_malloc((size_t)n);
    uint64_t *masks = gr_calloc((size_t)n * (size_t)nw, sizeof(uint64_t));
    if (!idx || !kstep || !t_at || !val || !exact || !masks) {
        st = gr_error_set(err, GR_ENOMEM, "restore: out of memory");
        goto done;
    }
    rs_sort_by_done(s, n, idx);
    /* step q: the state after the first kstep[q] completions, from t_at[q]
       to the next completion time; step 0 is the damaged state */
    int ns;
    uint64_t *cur = masks;
    t_at[0] = in->start_h;
    kstep[0] = 0;
    ns = 1;
    for (int k = 0; k < n;) {
        double t = s->t_done[idx[k]];
        while (k < n && s->t_done[idx[k]] == t)
            k++;
        if (k >= n) {   /* the last state lasts no time */
            t_at[ns] = t;
            break;
        }
        uint64_t *m = masks + (size_t)ns * (size_t)nw;
        memcpy(m, cur, (size_t)nw * sizeof(uint64_t));
        for (int q = kstep[ns - 1]; q < k; q++)
            m[idx[q] >> 6] |= (uint64_t)1 << (idx[q] & 63);
        cur = m;
        t_at[ns] = t;
        kstep[ns++] = k;
    }
    /* ns steps; step q lasts t_at[q+1] - t_at[q] (t_at[ns] = last completion) */
    for (int q = 0; q < ns; q++)
        exact[q] = (unsigned char)rs_eval_bound(in->ev, masks + (size_t)q * (size_t)nw, &val[q]);
    for (;;) {
        double lb = 0.0, longest = -1.0;
        int todo = -1;
        for (int q = 0; q < ns; q++) {
            double dt = t_at[q + 1] - t_at[q];
            lb += (in->demand_weighted - val[q]) * dt;
            if (!exact[q] && dt > longest) {   /* the longest step moves the bound most */
                longest = dt;
                todo = q;
            }
        }
        if (todo < 0)
            break;
        if (lb >= cutoff) {
            s->objective = lb;
            *below = 0;
            goto done;
        }
        rs_value v;
        if ((st = rs_eval_get(in->ev, masks + (size_t)todo * (size_t)nw, &v, err)))
            goto done;
        val[todo] = v.weighted;
        exact[todo] = 1;
    }
    st = rs_objective(in, s, err);   /* every state cached: the reference sum */
done:
    gr_free(idx);
    gr_free(kstep);
    gr_free(t_at);
    gr_free(val);
    gr_free(exact);
    gr_free(masks);
    return st;
}

/* ------------------------------------------------------------------------
 * Greedy.
 * ------------------------------------------------------------------------ */
/* A greedy candidate of one round. */
typedef struct rs_cand {
    int i;
    rs_place pl;
    double hours;
    double gain;        /* exact when `known`, else the upper bound */
    int known;
} rs_cand;

/* Order of candidates by bound score, best first (insertion sort into idx). */
static void sort_by_bound(const rs_cand *c, int nc, int *idx)
{
    for (int a = 0; a < nc; a++) {
        int x = idx[a], j = a - 1;
        double sx = c[x].gain / c[x].hours;
        while (j >= 0 && c[idx[j]].gain / c[idx[j]].hours < sx) {
            idx[j + 1] = idx[j];
            j--;
        }
        idx[j + 1] = x;
    }
}

int rs_greedy(const rs_inst *in, int exhaustive, int *order_out, gr_error *err)
{
    int n = in->n, nw = in->nw, st = GR_OK;
    rs_dstate ds;
    rs_sched s;
    uint64_t *mask = gr_calloc((size_t)nw, sizeof(uint64_t));
    double *final_gain = gr_malloc(((size_t)n + 1) * sizeof(double));
    rs_cand *cand = gr_malloc(((size_t)n + 1) * sizeof(rs_cand));
    int *by_bound = gr_malloc(((size_t)n + 1) * sizeof(int));
    unsigned char *skip = gr_malloc((size_t)n + 1);
    if (!mask || !final_gain || !cand || !by_bound || !skip || dstate_alloc(in, &ds)) {
        gr_free(mask);
        gr_free(final_gain);
        gr_free(cand);
        gr_free(by_bound);
        gr_free(skip);
        return gr_error_set(err, GR_ENOMEM, "restore: out of memory");
    }
    if (rs_sched_alloc(n, &s)) {
        gr_free(mask);
        gr_free(final_gain);
        gr_free(cand);
        gr_free(by_bound);
        gr_free(skip);
        dstate_free(&ds);
        return gr_error_set(err, GR_ENOMEM, "restore: out of memory");
    }
    dstate_reset(in, &ds);
    double tol = 1e-9 * (in->demand_weighted > 1.0 ? in->demand_weighted : 1.0);
    rs_value v_all, v;
    int have_final = 0;
    rs_value v_cur;
    if ((st = rs_eval_get(in->ev, mask, &v_cur, err)))
        goto done;

    for (int k = 0; k < n; k++) {
        /* the candidates: placed, with their gain (exact, or bounded) */
        int nc = 0;
        for (int i = 0; i < n; i++) {
            if (ds.done[i] || !preds_done(in, &ds, i))
                continue;
            rs_cand *c = &cand[nc];
            c->i = i;
            place(in, &ds, &s, i, &c->pl);
            c->hours = c->pl.en - c->pl.dep;
            if (c->hours < 1e-6)
                c->hours = 1e-6;
            mask[i >> 6] |= (uint64_t)1 << (i & 63);
            if (exhaustive) {
                st = rs_eval_get(in->ev, mask, &v, err);
                c->gain = v.weighted - v_cur.weighted;
                c->known = 1;
            } else {
                double ub;
                c->known = rs_eval_bound(in->ev, mask, &ub);
                c->gain = ub - v_cur.weighted;
                /* a bound at or below the tolerance settles the tier */
                if (!c->known && c->gain <= tol)
                    c->known = 1;
            }
            mask[i >> 6] ^= (uint64_t)1 << (i & 63);
            if (st)
                goto done;
            skip[nc] = 0;
            by_bound[nc] = nc;
            nc++;
        }
        if (nc == 0)
            break;
        if (!exhaustive) {
            /* solve candidates in order of their bound score until no bound
               can beat the best exact score (issue 15); the rest are skipped */
            sort_by_bound(cand, nc, by_bound);
            double best = -1.0;
            for (int a = 0; a < nc; a++) {
                rs_cand *c = &cand[by_bound[a]];
                if (c->gain <= tol && c->known)
                    continue;
                double ubs = c->gain / c->hours;
                if (best >= 0.0 && ubs < best * (1.0 - 1e-12)) {
                    skip[by_bound[a]] = !c->known || c->gain > tol;
                    continue;
                }
                if (!c->known) {
                    mask[c->i >> 6] |= (uint64_t)1 << (c->i & 63);
                    st = rs_eval_get(in->ev, mask, &v, err);
                    mask[c->i >> 6] ^= (uint64_t)1 << (c->i & 63);
                    if (st)
                        goto done;
                    c->gain = v.weighted - v_cur.weighted;
                    c->known = 1;
                }
                if (c->gain > tol && c->gain / c->hours > best)
                    best = c->gain / c->hours;
            }
            for (int a = 0; a < nc; a++)   /* bounds at or below tol: not tier 2 */
                if (!skip[a] && cand[a].gain > tol && !cand[a].known)
                    skip[a] = 1;
        }
        /* tiers 1 and 0 need the elements' worth at the end: v(all) - v(all
           but it), computed once, when a round first needs it */
        int need_final = 1;
        for (int a = 0; a < nc && need_final; a++)
            need_final = !(!skip[a] && cand[a].gain > tol);
        if (exhaustive && !have_final)
            need_final = 1;
        if (need_final && !have_final) {
            uint64_t *all = gr_calloc((size_t)nw, sizeof(uint64_t));
            if (!all) {
                st = gr_error_set(err, GR_ENOMEM, "restore: out of memory");
                goto done;
            }
            for (int i = 0; i < n; i++)
                all[i >> 6] |= (uint64_t)1 << (i & 63);
            if ((st = rs_eval_get(in->ev, all, &v_all, err))) {
                gr_free(all);
                goto done;
            }
            for (int i = 0; i < n && !st; i++) {
                all[i >> 6] ^= (uint64_t)1 << (i & 63);
                st = rs_eval_get(in->ev, all, &v, err);
                final_gain[i] = v_all.weighted - v.weighted;
                all[i >> 6] ^= (uint64_t)1 << (i & 63);
            }
            gr_free(all);
            if (st)
                goto done;
            have_final = 1;
        }
        /* the choice, over the candidates in element order as always */
        int best = -1, best_tier = 0;
        double best_score = 0.0, best_en = 0.0;
        rs_place best_pl = {0};
        for (int a = 0; a < nc; a++) {
            if (skip[a])
                continue;
            const rs_cand *c = &cand[a];
            double gain = c->gain;
            int tier = gain > tol ? 2 : !have_final ? 0 : final_gain[c->i] > tol ? 1 : 0;
            double score = tier == 2 ? gain / c->hours
                         : tier == 1 ? final_gain[c->i] / c->hours : 0.0;
            if (best < 0 || tier > best_tier ||
                (tier == best_tier && (score > best_score * (1.0 + 1e-12) ||
                                       (score >= best_score * (1.0 - 1e-12) &&
                                        c->pl.en < best_en)))) {
                best = c->i;
                best_tier = tier;
                best_score = score;
                best_en = c->pl.en;
                best_pl = c->pl;
            }
        }
        if (best < 0)
            break;
        commit(in, &ds, &s, best, &best_pl);
        order_out[k] = best;
        mask[best >> 6] |= (uint64_t)1 << (best & 63);
        if ((st = rs_eval_get(in->ev, mask, &v_cur, err)))
            goto done;
    }
done:
    rs_sched_free(&s);
    dstate_free(&ds);
    gr_free(mask);
    gr_free(final_gain);
    gr_free(cand);
    gr_free(by_bound);
    gr_free(skip);
    return st;
}
