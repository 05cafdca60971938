/* sens.c — PTDF and LODF of the DC model by block solves with the factorised reduced B (never its inverse).
 *
 * With B the reduced Bbus of the energised network (MATPOWER makeBdc, one
 * slack per island, dc.h) and x = B^-1 (e_f - e_t) for branch l = (f, t):
 *     PTDF(l, b) = b_l x_b                     (B is symmetric)
 *     H(l, k)    = b_l (X_k[f_l] - X_k[t_l]),  X_k = B^-1 (e_fk - e_tk)
 *     LODF(l, k) = H(l, k) / (1 - H(k, k)),    LODF(k, k) = -1
 * (Wood & Wollenberg, "Power Generation, Operation and Control", ch. 7;
 * Guler, Gross & Liu, IEEE TPWRS 2007). 1 - H(k, k) = 0 exactly when k is a
 * bridge; bridges are found on the graph (Tarjan), not by a tolerance. */
#include <math.h>
#include <string.h>

#include "model/islands_internal.h"
#include "solve/finite.h"
#include "solve/sens.h"

struct gr_sens {
    gr_grid *g;            /* private copy (topology, reactances) */
    gr_islands *isl;
    dc_system dc;
    unsigned char *bridge; /* nl */
    double *X;             /* dc.n x SENS_BLOCK */
};

int sens_bridges(const gr_grid *g, unsigned char *bridge)
{
    return sens_bridge_tree(g, bridge, NULL, NULL, NULL, NULL);
}

int sens_bridge_tree(const gr_grid *g, unsigned char *bridge, int *far, int *disc_out,
                     int *last, int *order)
{
    int nb = g->nb, nl = g->nl, st = GR_ENOMEM;
    int *adj_ptr = gr_calloc((size_t)nb + 2, sizeof(int));
    int *adj = gr_malloc((size_t)(2 * nl + 1) * sizeof(int)); /* branch ids */
    int *disc = disc_out ? disc_out : gr_malloc(((size_t)nb + 1) * sizeof(int));
    int *low = gr_malloc(((size_t)nb + 1) * sizeof(int));
    int *stack_v = gr_malloc(((size_t)nb + 1) * sizeof(int));
    int *stack_e = gr_malloc(((size_t)nb + 1) * sizeof(int)); /* edge used to reach the vertex */
    int *next = gr_malloc(((size_t)nb + 1) * sizeof(int));    /* adjacency cursor */
    if (!adj_ptr || !adj || !disc || !low || !stack_v || !stack_e || !next)
        goto done;
    memset(bridge, 0, (size_t)nl);
    if (far)
        for (int k = 0; k < nl; k++)
            far[k] = -1;
    for (int k = 0; k < nl; k++)
        if (branch_energisable(g, k) && g->br_f[k] != g->br_t[k]) {
            adj_ptr[g->br_f[k] + 2]++;
            adj_ptr[g->br_t[k] + 2]++;
        }
    for (int b = 0; b < nb; b++)
        adj_ptr[b + 2] += adj_ptr[b + 1];
    for (int k = 0; k < nl; k++)
        if (branch_energisable(g, k) && g->br_f[k] != g->br_t[k]) {
            adj[adj_ptr[g->br_f[k] + 1]++] = k;
            adj[adj_ptr[g->br_t[k] + 1]++] = k;
        }
    for (int b = 0; b < nb; b++)
        disc[b] = -1;
    int time = 0;
    for (int root = 0; root < nb; root++) {
        if (disc[root] >= 0)
            continue;
        int sp = 0;
        stack_v[0] = root;
        stack_e[0] = -1;
        if (order)
            order[time] = root;
        disc[root] = low[root] = time++;
        next[root] = adj_ptr[root];
        while (sp >= 0) {
            int u = stack_v[sp];
            if (next[u] < adj_ptr[u + 1]) {
                int e = adj[next[u]++];
                if (e == stack_e[sp])
                    continue; /* the edge we came by (a parallel edge has another id) */
                int v = g->br_f[e] == u ? g->br_t[e] : g->br_f[e];
                if (disc[v] < 0) {
                    if (order)
                        order[time] = v;
                    disc[v] = low[v] = time++;
                    next[v] = adj_ptr[v];
                    stack_v[++sp] = v;
                    stack_e[sp] = e;
                } else if (disc[v] < low[u]) {
                    low[u] = disc[v];
                }
            } else {
                /* u finished: its subtree is disc[u] .. time-1; pass its low-link up */
                if (last)
                    last[u] = time - 1;
                if (sp > 0) {
                    int p = stack_v[sp - 1];
                    if (low[u] < low[p])
                        low[p] = low[u];
                    if (low[u] > disc[p]) {
                        bridge[stack_e[sp]] = 1;
                        if (far)
                            far[stack_e[sp]] = u;
                    }
                }
                sp--;
            }
        }
    }
    st = GR_OK;
done:
    gr_free(adj_ptr);
    gr_free(adj);
    if (!disc_out)
        gr_free(disc);
    gr_free(low);
    gr_free(stack_v);
    gr_free(stack_e);
    gr_free(next);
    return st;
}

int sens_branch_columns(const gr_grid *g, const dc_system *dc, int m, const int *br, double *X)
{
    int n = dc->n;
    if (n == 0 || m == 0)
        return GR_OK;
    memset(X, 0, (size_t)n * (size_t)m * sizeof(double));
    for (int j = 0; j < m; j++) {
        int k = br[j];
        if (dc->b[k] == 0.0)
            continue;
        int cf = dc->col[g->br_f[k]], ct = dc->col[g->br_t[k]];
        if (cf >= 0)
            X[(size_t)j * n + cf] += 1.0;
        if (ct >= 0)
            X[(size_t)j * n + ct] -= 1.0;
    }
    return lu_solve_many(dc->lu, m, X);
}

void gr_sens_free(gr_sens *s)
{
    if (!s)
        return;
    gr_grid_free(s->g);
    gr_islands_free(s->isl);
    dc_system_free(&s->dc);
    gr_free(s->bridge);
    gr_free(s->X);
    gr_free(s);
}

int gr_sens_create(const gr_grid *g, gr_sens **out, gr_error *err)
{
    *out = NULL;
    gr_sens *s = gr_calloc(1, sizeof *s);
    int st = GR_ENOMEM;
    if (!s || (st = gr_grid_copy(g, &s->g)))
        goto fail;
    if ((st = gr_grid_check(g, GR_GRID_CHECK_DC, err)))
        goto fail;
    if ((st = gr_islands_find(g, 0, &s->isl, err)))
        goto fail;
    if ((st = dc_system_build(g, s->isl, &s->dc))) {
        if (st == GR_ESINGULAR)
            gr_error_set(err, st, "sensitivities: the susceptance matrix is singular");
        goto fail;
    }
    s->bridge = gr_malloc((size_t)g->nl + 1);
    s->X = gr_malloc(((size_t)s->dc.n * SENS_BLOCK + 1) * sizeof(double));
    st = GR_ENOMEM;
    if (!s->bridge || !s->X || (st = sens_bridges(g, s->bridge)))
        goto fail;
    *out = s;
    return GR_OK;
fail:
    gr_sens_free(s);
    if (st == GR_ENOMEM)
        gr_error_set(err, st, "out of memory computing sensitivities");
    return st;
}

int gr_sens_is_bridge(const gr_sens *s, int k)
{
    return k >= 0 && k < s->g->nl && s->bridge[k];
}

int gr_sens_ptdf(gr_sens *s, int nmon, const int *mon, double *ptdf)
{
    const gr_grid *g = s->g;
    const dc_system *dc = &s->dc;
    int nb = g->nb, n = dc->n;
    for (int i = 0; i < nmon; i++)
        if (mon[i] < 0 || mon[i] >= g->nl)
            return GR_EINVAL;
    memset(ptdf, 0, (size_t)nmon * (size_t)nb * sizeof(double));
    for (int i0 = 0; i0 < nmon; i0 += SENS_BLOCK) {
        int m = nmon - i0 < SENS_BLOCK ? nmon - i0 : SENS_BLOCK;
        int st = sens_branch_columns(g, dc, m, mon + i0, s->X);  /* X = B^-1 (e_f - e_t) */
        if (st)
            return st;
        if (solve_first_nonfinite(s->X, (size_t)m * (size_t)n) >= 0)
            return GR_ESINGULAR;  /* the one finite check (solve/finite.h) */
        for (int j = 0; j < m && n > 0; j++) {
            double bl = dc->b[mon[i0 + j]];
            double *row = ptdf + (size_t)(i0 + j) * nb;
            const double *x = s->X + (size_t)j * n;
            if (bl == 0.0)
                continue;
            for (int c = 0; c < n; c++)
                row[dc->bus_of[c]] = bl * x[c];
        }
    }
    return GR_OK;
}

int gr_sens_lodf(gr_sens *s, int nmon, const int *mon, int nout, const int *out, double *lodf)
{
    const gr_grid *g = s->g;
    const dc_system *dc = &s->dc;
    int n = dc->n;
    for (int i = 0; i < nmon; i++)
        if (mon[i] < 0 || mon[i] >= g->nl)
            return GR_EINVAL;
    for (int j = 0; j < nout; j++)
        if (out[j] < 0 || out[j] >= g->nl)
            return GR_EINVAL;
    for (int j0 = 0; j0 < nout; j0 += SENS_BLOCK) {
        int m = nout - j0 < SENS_BLOCK ? nout - j0 : SENS_BLOCK;
        int st = sens_branch_columns(g, dc, m, out + j0, s->X); /* X_k = B^-1 (e_fk - e_tk) */
        if (st)
            return st;
        if (solve_first_nonfinite(s->X, (size_t)m * (size_t)n) >= 0)
            return GR_ESINGULAR;
        for (int j = 0; j < m; j++) {
            int k = out[j0 + j];
            const double *x = s->X + (size_t)j * n;
            int undefined = dc->b[k] == 0.0 || s->bridge[k];
            double den = undefined ? NAN : 1.0 - sens_branch_delta(g, dc, k, x);
            for (int i = 0; i < nmon; i++) {
                int l = mon[i];
                double v;
                if (l == k)
                    v = undefined ? NAN : -1.0;
                else if (undefined)
                    v = NAN;
                else if (dc->b[l] == 0.0)
                    v = 0.0;
                else
                    v = sens_branch_delta(g, dc, l, x) / den;
                lodf[(size_t)i * nout + j0 + j] = v;
            }
        }
    }
    return GR_OK;
}
