/* contingency.c — gr_ctg_run: options, results, N-1/N-2 lists; the engines (contingency_dc.c, contingency_ac.c) and what they share (contingency_core.c) below it. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sim/contingency_internal.h"

void gr_ctg_options_default(gr_ctg_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->ac = 1;
    gr_pf_options_default(&opt->pf);
    opt->pf.enforce_q_lims = 0;
    opt->threads = 0;
    opt->keep_flows = 0;
}

/* ------------------------------------------------------------------------
 * Lists.
 * ------------------------------------------------------------------------ */
void gr_ctg_list_free(gr_ctg_list *l)
{
    if (!l)
        return;
    gr_free(l->ptr);
    gr_free(l->kind);
    gr_free(l->index);
    gr_free(l->label);
    gr_free(l);
}

/* A list of n contingencies with room for nel elements in all. */
static int list_alloc(int n, long nel, gr_ctg_list **out)
{
    *out = NULL;
    gr_ctg_list *l = gr_calloc(1, sizeof *l);
    if (!l)
        return GR_ENOMEM;
    l->n = n;
    l->ptr = gr_calloc((size_t)n + 1, sizeof(int));
    l->kind = gr_malloc(((size_t)nel + 1) * sizeof(int));
    l->index = gr_malloc(((size_t)nel + 1) * sizeof(int));
    l->label = gr_malloc(((size_t)n + 1) * sizeof(int));
    if (!l->ptr || !l->kind || !l->index || !l->label) {
        gr_ctg_list_free(l);
        return GR_ENOMEM;
    }
    *out = l;
    return GR_OK;
}

/* In-service elements of the requested kinds, in order; returns the count. */
static int n1_elements(const gr_grid *g, int elements, int *kind, int *index)
{
    int n = 0;
    if (elements & GR_CTG_BRANCHES)
        for (int k = 0; k < g->nl; k++)
            if (g->br_on[k]) {
                if (kind) {
                    kind[n] = GR_ELEM_BRANCH;
                    index[n] = k;
                }
                n++;
            }
    if (elements & GR_CTG_GENS)
        for (int k = 0; k < g->ng; k++)
            if (g->gen_on[k]) {
                if (kind) {
                    kind[n] = GR_ELEM_GEN;
                    index[n] = k;
                }
                n++;
            }
    return n;
}

int gr_ctg_list_n1(const gr_grid *g, int elements, gr_ctg_list **out)
{
    *out = NULL;
    if (!g || !(elements & (GR_CTG_BRANCHES | GR_CTG_GENS)))
        return GR_EINVAL;
    int n = n1_elements(g, elements, NULL, NULL);
    gr_ctg_list *l;
    int st = list_alloc(n, n, &l);
    if (st)
        return st;
    n1_elements(g, elements, l->kind, l->index);
    for (int c = 0; c <= n; c++)
        l->ptr[c] = c;
    for (int c = 0; c < n; c++)
        l->label[c] = c + 1;
    *out = l;
    return GR_OK;
}

int gr_ctg_list_n2(const gr_grid *g, int elements, gr_ctg_list **out)
{
    *out = NULL;
    if (!g || !(elements & (GR_CTG_BRANCHES | GR_CTG_GENS)))
        return GR_EINVAL;
    int m = n1_elements(g, elements, NULL, NULL);
    int64_t pairs = (int64_t)m * (m - 1) / 2;
    if (pairs > ((int64_t)1 << 28))
        return GR_EINVAL;
    int *kind = gr_malloc(((size_t)m + 1) * sizeof(int));
    int *index = gr_malloc(((size_t)m + 1) * sizeof(int));
    gr_ctg_list *l = NULL;
    int st = GR_ENOMEM;
    if (!kind || !index || (st = list_alloc((int)pairs, 2 * (long)pairs, &l)))
        goto done;
    n1_elements(g, elements, kind, index);
    int c = 0;
    for (int i = 0; i < m; i++)
        for (int j = i + 1; j < m; j++) {
            l->ptr[c] = 2 * c;
            l->kind[2 * c] = kind[i];
            l->index[2 * c] = index[i];
            l->kind[2 * c + 1] = kind[j];
            l->index[2 * c + 1] = index[j];
            l->label[c] = c + 1;
            c++;
        }
    l->ptr[c] = 2 * c;
    *out = l;
    st = GR_OK;
done:
    gr_free(kind);
    gr_free(index);
    return st;
}

/* ------------------------------------------------------------------------
 * Results.
 * ------------------------------------------------------------------------ */
void gr_ctg_result_free(gr_ctg_result *r)
{
    if (!r)
        return;
    gr_free(r->converged);
    gr_free(r->method);
    gr_free(r->iterations);
    gr_free(r->islands);
    gr_free(r->dark_load_p);
    gr_free(r->max_loading);
    gr_free(r->max_loading_branch);
    gr_free(r->n_overloaded);
    gr_free(r->vm_min);
    gr_free(r->vm_max);
    gr_free(r->time_s);
    gr_free(r->viol);
    gr_free(r->n_new_viol);
    gr_free(r->base_flow);
    gr_free(r->base_vm);
    gr_free(r->pf);
    gr_free(r->qf);
    gr_free(r->pt);
    gr_free(r->qt);
    gr_free(r);
}

/* Which violations are new or worse than in the base case (the margins
 * GR_CTG_WORSE_FLOW and GR_CTG_WORSE_VM), so that a base case that already
 * violates limits still gives a useful count; per contingency and in all. */
static void mark_new_or_worse(const gr_grid *g, gr_ctg_result *r)
{
    for (int v = 0; v < r->nviol; v++) {
        gr_ctg_violation *x = &r->viol[v];
        int e = x->element, nw = 1;
        if (x->kind == GR_VIOL_FLOW && r->base_flow) {
            double base = r->base_flow[e];
            int base_viol = base > x->limit + CTG_LIMIT_SLACK;
            nw = !base_viol || x->value > base + GR_CTG_WORSE_FLOW * x->limit;
        } else if ((x->kind == GR_VIOL_VMIN || x->kind == GR_VIOL_VMAX) && r->base_vm &&
                   !isnan(r->base_vm[e])) {
            double base = r->base_vm[e];
            if (x->kind == GR_VIOL_VMIN)
                nw = !(base < g->vmin[e] - CTG_LIMIT_SLACK) || x->value < base - GR_CTG_WORSE_VM;
            else
                nw = !(base > g->vmax[e] + CTG_LIMIT_SLACK) || x->value > base + GR_CTG_WORSE_VM;
        }
        x->new_or_worse = nw;
        r->n_new_viol[x->ctg] += nw;
    }
    for (int c = 0; c < r->n; c++)
        r->n_ctg_new += r->n_new_viol[c] > 0;
}

static int result_alloc(int n, int nl, int keep_flows, gr_ctg_result **out)
{
    *out = NULL;
    gr_ctg_result *r = gr_calloc(1, sizeof *r);
    if (!r)
        return GR_ENOMEM;
    r->n = n;
    r->nl = nl;
    size_t m = (size_t)n + 1;
    r->converged = gr_calloc(m, sizeof(int));
    r->method = gr_calloc(m, sizeof(int));
    r->iterations = gr_calloc(m, sizeof(int));
    r->islands = gr_calloc(m, sizeof(int));
    r->dark_load_p = gr_calloc(m, sizeof(double));
    r->max_loading = gr_calloc(m, sizeof(double));
    r->max_loading_branch = gr_calloc(m, sizeof(int));
    r->n_overloaded = gr_calloc(m, sizeof(int));
    r->vm_min = gr_calloc(m, sizeof(double));
    r->vm_max = gr_calloc(m, sizeof(double));
    r->time_s = gr_calloc(m, sizeof(double));
    r->n_new_viol = gr_calloc(m, sizeof(int));
    int ok = r->time_s && r->n_new_viol && r->converged && r->method && r->iterations && r->islands && r->dark_load_p &&
             r->max_loading && r->max_loading_branch && r->n_overloaded && r->vm_min && r->vm_max;
    if (ok && keep_flows) {
        size_t nf = (size_t)n * (size_t)nl + 1;
        if ((size_t)n > 0 && nf / (size_t)n < (size_t)nl) {
            ok = 0;
        } else {
            r->pf = gr_calloc(nf, sizeof(double));
            r->qf = gr_calloc(nf, sizeof(double));
            r->pt = gr_calloc(nf, sizeof(double));
            r->qt = gr_calloc(nf, sizeof(double));
            ok = r->pf && r->qf && r->pt && r->qt;
        }
    }
    if (!ok) {
        gr_ctg_result_free(r);
        return GR_ENOMEM;
    }
    *out = r;
    return GR_OK;
}

/* Layout, kinds and rows of the list, and no element twice in one
 * contingency: so a contingency has at most nl branches and ng generators,
 * which bounds what the engines allocate per contingency. */
static int check_list(const gr_grid *g, const gr_ctg_list *l, gr_error *err)
{
    if (l->n < 0 || !l->ptr || l->ptr[0] != 0)
        return gr_error_set(err, GR_EINVAL, "contingency list: bad layout");
    /* seen[row] = 1 + the last contingency that named it (branches, then generators) */
    int *seen = gr_calloc((size_t)g->nl + (size_t)g->ng + 1, sizeof(int));
    if (!seen)
        return gr_error_set(err, GR_ENOMEM, "out of memory checking %d contingencies", l->n);
    int st = GR_OK;
    for (int c = 0; c < l->n && st == GR_OK; c++) {
        if (l->ptr[c + 1] < l->ptr[c]) {
            st = gr_error_set(err, GR_EINVAL, "contingency list: bad layout");
            break;
        }
        for (int e = l->ptr[c]; e < l->ptr[c + 1]; e++) {
            int k = l->index[e], br = l->kind[e] == GR_ELEM_BRANCH;
            int n = br ? g->nl : l->kind[e] == GR_ELEM_GEN ? g->ng : -1;
            if (n < 0) {
                st = gr_error_set(err, GR_EINVAL, "contingency %d: unknown element kind %d",
                                  l->label[c], l->kind[e]);
                break;
            }
            if (k < 0 || k >= n) {
                st = gr_error_set(err, GR_EINVAL, "contingency %d: %s row %d out of range (1..%d)",
                                  l->label[c], br ? "branch" : "gen", k + 1, n);
                break;
            }
            int *mark = &seen[br ? k : g->nl + k];
            if (*mark == c + 1) {
                st = gr_error_set(err, GR_EINVAL, "contingency %d: %s:%d appears twice",
                                  l->label[c], br ? "branch" : "gen", k + 1);
                break;
            }
            *mark = c + 1;
        }
    }
    gr_free(seen);
    return st;
}

int gr_ctg_run(const gr_grid *g, const gr_ctg_list *list, const gr_ctg_options *opt_in,
               gr_ctg_result **out, gr_error *err)
{
    double t0 = gr_time_s();
    *out = NULL;
    gr_ctg_options defaults;
    if (!opt_in) {
        gr_ctg_options_default(&defaults);
        opt_in = &defaults;
    }
    if (!g || !list)
        return gr_error_set(err, GR_EINVAL, "contingency analysis: no grid or no list");
    gr_error e = {0};
    int st = gr_grid_check(g, opt_in->ac ? GR_GRID_CHECK_AC : GR_GRID_CHECK_DC, &e);
    if (st)
        return gr_error_set(err, st, "contingency analysis: %s", e.msg);
    if ((st = check_list(g, list, err)))
        return st;
    ctg_run run = {.g = g, .list = list, .opt = opt_in};
    run.threads = ctg_sweep_threads(&run); /* threads per rank (src/util/sweep) */
    st = result_alloc(list->n, g->nl, opt_in->keep_flows, &run.r);
    if (st)
        return gr_error_set(err, st, "out of memory for %d contingencies", list->n);
    run.r->ac = opt_in->ac != 0;
    run.r->threads = run.threads;
    run.viol = gr_calloc((size_t)list->n + 1, sizeof *run.viol);
    run.nviol = gr_calloc((size_t)list->n + 1, sizeof *run.nviol);
    run.rated = gr_malloc(((size_t)g->nl + 1) * sizeof(int));
    if (!run.viol || !run.nviol || !run.rated) {
        st = gr_error_set(err, GR_ENOMEM, "out of memory for %d contingencies", list->n);
        goto done;
    }
    for (int k = 0; k < g->nl; k++)
        if (g->br_on[k] && g->rate_a[k] > 0.0)
            run.rated[run.nrated++] = k;
    st = opt_in->ac ? ctg_run_ac(&run, err) : ctg_run_dc(&run, err);
    if (st)
        goto done;
    /* Violations in contingency order. */
    long total = 0;
    for (int c = 0; c < list->n; c++)
        total += run.nviol[c];
    run.r->viol = gr_malloc(((size_t)total + 1) * sizeof *run.r->viol);
    if (!run.r->viol || total > 0x7fffffffL) {
        st = gr_error_set(err, GR_ENOMEM, "out of memory for %ld violations", total);
        goto done;
    }
    for (int c = 0; c < list->n; c++)
        if (run.nviol[c]) {
            memcpy(run.r->viol + run.r->nviol, run.viol[c], (size_t)run.nviol[c] * sizeof **run.viol);
            run.r->nviol += run.nviol[c];
        }
    mark_new_or_worse(g, run.r);
    run.r->solve_s = gr_time_s() - t0;
done:
    if (run.viol)
        for (int c = 0; c < list->n; c++)
            gr_free(run.viol[c]);
    gr_free(run.viol);
    gr_free(run.nviol);
    gr_free(run.rated);
    if (st) {
        gr_ctg_result_free(run.r);
        return st;
    }
    *out = run.r;
    return GR_OK;
}
