/* contingency_core.c — what the DC and AC engines share: elements of a contingency, the per-contingency report, the blocks as a sweep, the bridge tree and the side a bridge cuts off. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/islands_internal.h"
#include "sim/contingency_internal.h"
#include "solve/finite.h"
#include "solve/sens.h"

/* ------------------------------------------------------------------------
 * Elements and the report of one contingency.
 * ------------------------------------------------------------------------ */
void ctg_elements(const ctg_run *run, int c, int *br, int *nbr, int *gen, int *ngen)
{
    const gr_grid *g = run->g;
    const gr_ctg_list *l = run->list;
    *nbr = *ngen = 0;
    for (int e = l->ptr[c]; e < l->ptr[c + 1]; e++) {
        int k = l->index[e]; /* gr_ctg_run has refused an element named twice */
        if (l->kind[e] == GR_ELEM_BRANCH) {
            if (branch_energisable(g, k))
                br[(*nbr)++] = k;
        } else if (gen_energisable(g, k)) {
            gen[(*ngen)++] = k;
        }
    }
}

void ctg_apply_outage(const ctg_run *run, int c, gr_grid *gc, int on)
{
    const gr_ctg_list *l = run->list;
    for (int e = l->ptr[c]; e < l->ptr[c + 1]; e++) {
        int k = l->index[e];
        if (l->kind[e] == GR_ELEM_BRANCH)
            gc->br_on[k] = on ? run->g->br_on[k] : 0;
        else
            gc->gen_on[k] = on ? run->g->gen_on[k] : 0;
    }
}

static void set_viol(gr_ctg_violation *v, int c, int kind, int element, double value,
                     double limit)
{
    v->ctg = c;
    v->kind = kind;
    v->element = element;
    v->value = value;
    v->limit = limit;
}

int ctg_record(ctg_run *run, int c, const ctg_state *s)
{
    const gr_grid *g = run->g;
    ctg_state nonfinite;
    if (s->converged) { /* never converged with a NaN or Inf in it (solve/finite.h) */
        solve_outputs o = {.vm = s->vm, .pf = s->pf, .qf = s->qf, .pt = s->pt, .qt = s->qt,
                           .bus_live = s->bus_ok, .br_skip = s->br_out};
        if (!solve_outputs_finite(g, &o, NULL)) {
            nonfinite = *s;
            nonfinite.converged = 0;
            nonfinite.mismatch = NAN;
            s = &nonfinite;
        }
    }
    gr_ctg_result *r = run->r;
    int nl = g->nl, ac = s->qf != NULL;
    double max_load = NAN, vmin = NAN, vmax = NAN;
    int max_br = -1, n_over = 0, n_viol = 0;
    /* pass 0 counts, pass 1 fills */
    gr_ctg_violation *v = NULL;
    for (int pass = 0; pass < 2; pass++) {
        int nv = 0;
        if (!s->converged) {
            if (pass)
                set_viol(&v[nv], c, GR_VIOL_NOCONV, -1, s->mismatch, 0.0);
            nv++;
        } else {
            for (int q = 0; q < run->nrated; q++) {
                int k = run->rated[q];
                if (s->br_out && s->br_out[k])
                    continue;
                double rate = g->rate_a[k];
                double flow = ac ? sqrt(fmax(s->pf[k] * s->pf[k] + s->qf[k] * s->qf[k],
                                               s->pt[k] * s->pt[k] + s->qt[k] * s->qt[k]))
                                 : fabs(s->pf[k]);
                if (pass == 0 && !(flow / rate <= max_load)) {
                    max_load = flow / rate;
                    max_br = k;
                }
                if (flow > rate + CTG_LIMIT_SLACK) {
                    if (pass)
                        set_viol(&v[nv], c, GR_VIOL_FLOW, k, flow, rate);
                    else
                        n_over++;
                    nv++;
                }
            }
            for (int b = 0; b < g->nb; b++) {
                if (!s->bus_ok[b])
                    continue;
                if (!s->vm) {   /* DC: 1 pu wherever a bus is energised */
                    vmin = vmax = 1.0;
                    break;
                }
                double vm = s->vm[b];
                if (pass == 0) {
                    if (!(vm >= vmin))
                        vmin = vm;
                    if (!(vm <= vmax))
                        vmax = vm;
                }
                if (vm < g->vmin[b] - CTG_LIMIT_SLACK) {
                    if (pass)
                        set_viol(&v[nv], c, GR_VIOL_VMIN, b, vm, g->vmin[b]);
                    nv++;
                } else if (vm > g->vmax[b] + CTG_LIMIT_SLACK) {
                    if (pass)
                        set_viol(&v[nv], c, GR_VIOL_VMAX, b, vm, g->vmax[b]);
                    nv++;
                }
            }
        }
        if (pass == 0) {
            n_viol = nv;
            if (c < 0 || nv == 0)
                break;
            v = gr_calloc((size_t)nv, sizeof *v); /* zeroed padding: results compare bytewise */
            if (!v)
                return GR_ENOMEM;
        }
    }
    if (c < 0) { /* the base case: what later violations are compared with */
        r->base_converged = s->converged;
        r->base_max_loading = s->converged ? max_load : NAN;
        r->base_nviol = s->converged ? n_viol : 0;
        gr_free(r->base_flow);
        gr_free(r->base_vm);
        r->base_flow = gr_calloc((size_t)nl + 1, sizeof *r->base_flow);
        r->base_vm = gr_malloc(((size_t)g->nb + 1) * sizeof *r->base_vm);
        if (!r->base_flow || !r->base_vm)
            return GR_ENOMEM;
        for (int q = 0; s->converged && q < run->nrated; q++) {
            int k = run->rated[q];
            r->base_flow[k] = ac ? sqrt(fmax(s->pf[k] * s->pf[k] + s->qf[k] * s->qf[k],
                                             s->pt[k] * s->pt[k] + s->qt[k] * s->qt[k]))
                                 : fabs(s->pf[k]);
        }
        for (int b = 0; b < g->nb; b++)
            r->base_vm[b] = !s->converged || !s->bus_ok[b] ? NAN : s->vm ? s->vm[b] : 1.0;
        return GR_OK;
    }
    r->converged[c] = s->converged;
    r->method[c] = s->method;
    r->iterations[c] = s->iterations;
    r->islands[c] = s->islands;
    r->dark_load_p[c] = s->dark_load_p;
    r->max_loading[c] = s->converged ? max_load : NAN;
    r->max_loading_branch[c] = s->converged ? max_br : -1;
    r->n_overloaded[c] = n_over;
    r->vm_min[c] = s->converged ? vmin : NAN;
    r->vm_max[c] = s->converged ? vmax : NAN;
    run->viol[c] = v;
    run->nviol[c] = n_viol;
    if (r->pf) {
        size_t o = (size_t)c * (size_t)nl;
        for (int k = 0; k < nl; k++) {
            int zero = !s->converged || (s->br_out && s->br_out[k]);
            r->pf[o + k] = zero ? 0.0 : s->pf[k];
            r->pt[o + k] = zero ? 0.0 : s->pt ? s->pt[k] : -s->pf[k];
            r->qf[o + k] = zero || !ac ? 0.0 : s->qf[k];
            r->qt[o + k] = zero || !ac ? 0.0 : s->qt[k];
        }
    }
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * The blocks as a sweep.
 * ------------------------------------------------------------------------ */
typedef struct ctg_sweep_ctx {
    ctg_run *run;
    const ctg_engine *e;
    char *ws;               /* run->threads workspaces of e->thread_size bytes */
} ctg_sweep_ctx;

static void *thread_ws(const ctg_sweep_ctx *x, int t)
{
    return x->ws + (size_t)t * x->e->thread_size;
}

static long ctg_nblocks(const ctg_run *run)
{
    return ((long)run->list->n + CTG_BLOCK - 1) / CTG_BLOCK;
}

int ctg_sweep_threads(const ctg_run *run)
{
    gr_sweep_spec sp = {.n = ctg_nblocks(run), .threads = run->opt->threads};
    return gr_sweep_threads(&sp);
}

static int sw_init(void *ctx, int t)
{
    const ctg_sweep_ctx *x = ctx;
    return x->e->thread_init(thread_ws(x, t), x->e->shared);
}

static void sw_free(void *ctx, int t)
{
    const ctg_sweep_ctx *x = ctx;
    x->e->thread_free(thread_ws(x, t));
}

static void block_range(const ctg_run *run, long blk, int *c0, int *c1)
{
    *c0 = (int)(blk * CTG_BLOCK);
    *c1 = *c0 + CTG_BLOCK < run->list->n ? *c0 + CTG_BLOCK : run->list->n;
}

static int sw_run(void *ctx, long blk, void *record, int t)
{
    ctg_sweep_ctx *x = ctx;
    int c0, c1;
    (void)record;
    block_range(x->run, blk, &c0, &c1);
    return x->e->block(x->run, x->e->shared, thread_ws(x, t), c0, c1);
}

/* Record of a block: per contingency its scalars, violations and flows. */
static int sw_pack(void *ctx, long blk, gr_sweep_buf *b)
{
    const ctg_run *run = ((ctg_sweep_ctx *)ctx)->run;
    const gr_ctg_result *r = run->r;
    int c0, c1, st = GR_OK;
    block_range(run, blk, &c0, &c1);
    for (int c = c0; c < c1 && !st; c++) {
        int iv[7] = {r->converged[c], r->method[c], r->iterations[c], r->islands[c],
                     r->max_loading_branch[c], r->n_overloaded[c], run->nviol[c]};
        double dv[6] = {r->dark_load_p[c], r->max_loading[c], r->vm_min[c], r->vm_max[c],
                        r->time_s[c], 0.0};
        st = gr_sweep_put(b, iv, sizeof iv);
        st = st ? st : gr_sweep_put(b, dv, sizeof dv);
        st = st ? st : gr_sweep_put(b, run->viol[c], (size_t)run->nviol[c] * sizeof **run->viol);
        if (!st && r->pf) {
            size_t o = (size_t)c * (size_t)r->nl, nl = (size_t)r->nl * sizeof(double);
            st = gr_sweep_put(b, r->pf + o, nl);
            st = st ? st : gr_sweep_put(b, r->qf + o, nl);
            st = st ? st : gr_sweep_put(b, r->pt + o, nl);
            st = st ? st : gr_sweep_put(b, r->qt + o, nl);
        }
    }
    return st;
}

static int sw_unpack(void *ctx, long blk, const void *data, size_t len)
{
    ctg_run *run = ((ctg_sweep_ctx *)ctx)->run;
    gr_ctg_result *r = run->r;
    int c0, c1;
    block_range(run, blk, &c0, &c1);
    for (int c = c0; c < c1; c++) {
        int iv[7];
        double dv[6];
        if (gr_sweep_get(&data, &len, iv, sizeof iv) || gr_sweep_get(&data, &len, dv, sizeof dv) ||
            iv[6] < 0 || len / sizeof **run->viol < (size_t)iv[6])
            return GR_EPARSE;
        r->converged[c] = iv[0];
        r->method[c] = iv[1];
        r->iterations[c] = iv[2];
        r->islands[c] = iv[3];
        r->max_loading_branch[c] = iv[4];
        r->n_overloaded[c] = iv[5];
        r->dark_load_p[c] = dv[0];
        r->max_loading[c] = dv[1];
        r->vm_min[c] = dv[2];
        r->vm_max[c] = dv[3];
        r->time_s[c] = dv[4];
        gr_free(run->viol[c]);
        run->viol[c] = NULL;
        run->nviol[c] = 0;
        if (iv[6] > 0) {
            run->viol[c] = gr_malloc((size_t)iv[6] * sizeof **run->viol);
            if (!run->viol[c])
                return GR_ENOMEM;
            run->nviol[c] = iv[6];
            gr_sweep_get(&data, &len, run->viol[c], (size_t)iv[6] * sizeof **run->viol);
        }
        if (r->pf) {
            size_t o = (size_t)c * (size_t)r->nl, nl = (size_t)r->nl * sizeof(double);
            if (gr_sweep_get(&data, &len, r->pf + o, nl) || gr_sweep_get(&data, &len, r->qf + o, nl) ||
                gr_sweep_get(&data, &len, r->pt + o, nl) || gr_sweep_get(&data, &len, r->qt + o, nl))
                return GR_EPARSE;
        }
    }
    return len == 0 ? GR_OK : GR_EPARSE;
}

int ctg_sweep(ctg_run *run, const ctg_engine *e, gr_error *err)
{
    ctg_sweep_ctx x = {run, e, gr_calloc((size_t)run->threads, e->thread_size)};
    if (!x.ws)
        return gr_error_set(err, GR_ENOMEM, "%s failed: %s", e->what, gr_strerror(GR_ENOMEM));
    char kind[96];
    snprintf(kind, sizeof kind, "contingency-%s/2 n=%d block=%d flows=%d", e->name, run->list->n,
             CTG_BLOCK, run->r->pf != NULL);
    /* opt->sweep->every counts contingencies: whole blocks here */
    gr_sweep_options so;
    if (run->opt->sweep) {
        so = *run->opt->sweep;
        so.every = (so.every + CTG_BLOCK - 1) / CTG_BLOCK;
    }
    gr_sweep_spec sp = {.n = ctg_nblocks(run), .threads = run->opt->threads, .ctx = &x,
                        .run = sw_run, .thread_init = sw_init, .thread_free = sw_free,
                        .pack = sw_pack, .unpack = sw_unpack, .kind = kind,
                        .opt = run->opt->sweep ? &so : NULL};
    gr_error serr = {0};
    int fail = gr_sweep_run(&sp, NULL, &serr);
    gr_free(x.ws);
    if (fail == GR_EIO || fail == GR_EPARSE || fail == GR_EINVAL)
        return gr_error_set(err, fail, "%s", serr.msg); /* checkpoint / resume */
    if (fail)
        return gr_error_set(err, fail, "%s failed: %s", e->what, gr_strerror(fail));
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * The bridge tree and the side a single bridge cuts off.
 * ------------------------------------------------------------------------ */
void ctg_tree_free(ctg_tree *t)
{
    gr_free(t->bridge);
    gr_free(t->far);
    gr_free(t->disc);
    gr_free(t->last);
    gr_free(t->order);
    gr_free(t->pd_pref);
    gr_free(t->island_pd);
    gr_free(t->gen_ptr);
    gr_free(t->gen_list);
    memset(t, 0, sizeof *t);
}

int ctg_tree_build(const gr_grid *g, const gr_islands *isl, ctg_tree *t)
{
    size_t nb = (size_t)g->nb + 1, nl = (size_t)g->nl + 1;
    memset(t, 0, sizeof *t);
    t->bridge = gr_malloc(nl);
    t->far = gr_malloc(nl * sizeof(int));
    t->disc = gr_malloc(nb * sizeof(int));
    t->last = gr_malloc(nb * sizeof(int));
    t->order = gr_malloc(nb * sizeof(int));
    t->pd_pref = gr_calloc(nb + 1, sizeof(double));
    t->island_pd = gr_calloc((size_t)isl->n + 1, sizeof(double));
    t->gen_ptr = gr_calloc(nb + 1, sizeof(int));
    t->gen_list = gr_malloc(((size_t)g->ng + 1) * sizeof(int));
    int st = GR_ENOMEM;
    if (!t->bridge || !t->far || !t->disc || !t->last || !t->order || !t->pd_pref ||
        !t->island_pd || !t->gen_ptr || !t->gen_list ||
        (st = sens_bridge_tree(g, t->bridge, t->far, t->disc, t->last, t->order))) {
        ctg_tree_free(t);
        return st;
    }
    for (int j = 0; j < g->nb; j++)
        t->pd_pref[j + 1] = t->pd_pref[j] + g->pd[t->order[j]];
    for (int b = 0; b < g->nb; b++)
        if (isl->bus_island[b] >= 0)
            t->island_pd[isl->bus_island[b]] += g->pd[b];
    for (int q = 0; q < g->ng; q++)
        t->gen_ptr[g->gen_bus[q] + 1]++;
    for (int b = 0; b < g->nb; b++)
        t->gen_ptr[b + 1] += t->gen_ptr[b];
    int *fill = gr_calloc(nb, sizeof(int));
    if (!fill) {
        ctg_tree_free(t);
        return GR_ENOMEM;
    }
    for (int q = 0; q < g->ng; q++) {
        int b = g->gen_bus[q];
        t->gen_list[t->gen_ptr[b] + fill[b]++] = q;
    }
    gr_free(fill);
    return GR_OK;
}

/* Reference rule of gr_islands_find for generator q at bus b: improves the
 * candidate (*ref, *best, *has_ref_type)? */
static void consider_gen(const gr_grid *g, int q, int *ref, double *best, int *ref_type)
{
    int b = g->gen_bus[q];
    if (!gen_energisable(g, q))
        return;
    if (g->bus_type[b] == GR_BUS_REF) {   /* a REF bus wins; the lowest one */
        if (!*ref_type || b < *ref) {
            *ref = b;
            *ref_type = 1;
        }
        return;
    }
    if (*ref_type)
        return;
    if (g->pmax[q] > *best || (g->pmax[q] == *best && b < *ref)) {
        *best = g->pmax[q];
        *ref = b;
    }
}

void ctg_cut_side(const gr_grid *g, const gr_islands *isl, const ctg_tree *t, int k,
                  ctg_cut *cs)
{
    int v = t->far[k], i = isl->bus_island[v], r = isl->ref[i];
    cs->island = i;
    cs->v = v;
    cs->flip = r >= 0 && t->disc[r] >= t->disc[v] && t->disc[r] <= t->last[v];
    double under = t->pd_pref[t->last[v] + 1] - t->pd_pref[t->disc[v]];
    cs->pd = cs->flip ? t->island_pd[i] - under : under;
    /* S's reference as gr_islands_find chooses it: a REF bus with an
     * energisable generator (lowest index), else the bus of the largest
     * generator by pmax (lowest bus index on ties); the rule does not depend
     * on the order generators are looked at */
    int ref = -1, ref_type = 0;
    double best = -HUGE_VAL;
    if (!cs->flip) {
        for (int j = t->disc[v]; j <= t->last[v]; j++) {
            int b = t->order[j];
            for (int e = t->gen_ptr[b]; e < t->gen_ptr[b + 1]; e++)
                consider_gen(g, t->gen_list[e], &ref, &best, &ref_type);
        }
    } else {
        for (int q = 0; q < g->ng; q++)
            if (ctg_in_cut(isl, t, cs, g->gen_bus[q]))
                consider_gen(g, q, &ref, &best, &ref_type);
    }
    cs->ref = ref;
    cs->s_end = ctg_in_cut(isl, t, cs, g->br_t[k]) ? g->br_t[k] : g->br_f[k];
}
