/* campaign_model.c — the campaign's shared model, built once per campaign from the scenario and read only by the runs: load levels, people, heat, plants, spare classes, targeting weights, worst-case ranking, the undamaged state. */
#include <math.h>
#include <string.h>

#include "sim/campaign_heat.h"

static int cmp_rank_ctx_loss(const double *loss, const double *cap, int a, int b)
{
    if (loss[a] != loss[b])
        return loss[a] > loss[b] ? -1 : 1;
    if (cap[a] != cap[b])
        return cap[a] > cap[b] ? -1 : 1;
    return (a > b) - (a < b);
}

int camp_model_build(camp_model *m, const gr_campaign_scenario *s, int control, int nights,
                     int plain, gr_error *err)
{
    const gr_grid *g = s->grid;
    const gr_overlay *ov = s->overlay;
    const gr_campaign_assets *as = &s->assets;
    int st;
    memset(m, 0, sizeof *m);
    m->s = s;
    m->g0 = g;
    m->nb = g->nb;
    m->ng = g->ng;
    m->nl = g->nl;
    m->base = g->base_mva;
    m->nights = nights;
    m->control = control;
    m->plain = plain;
    m->population = ov->population;
    m->lam_hi = 0.0;
    m->lam_lo = INFINITY;
    for (int h = 0; h < 24; h++) {
        m->lam_hi = fmax(m->lam_hi, s->profile[h]);
        m->lam_lo = fmin(m->lam_lo, s->profile[h]);
    }
    if (m->lam_hi <= 0.0)
        m->lam_hi = m->lam_lo = 1.0;
    gr_cascade_options_default(&m->co);
    m->co.freq_model = s->frequency;
    /* the boundary ties: appended generators (interconnection.c) */
    if ((st = camp_ties_build(m, err)))
        return st;
    g = m->g0;
    if ((st = camp_adj_build(g, &m->adj)))
        goto oom;
    if ((st = gr_load_classes_from_overlay(g, ov, &m->lc, err)))
        return st;
    gr_shed_options_default(&m->so);
    m->co.control = control;
    m->co.classes = m->lc;
    size_t nb = (size_t)g->nb + 1;
    m->crit0 = gr_calloc(nb, sizeof(double));
    m->pop = gr_calloc(nb, sizeof(double));
    m->heat_pop = gr_calloc(nb, sizeof(double));
    m->fac = gr_calloc(nb, sizeof(double));
    m->heat_dist = gr_malloc(nb * sizeof(int));
    m->nheat = ov->nheat;
    m->dist_plant = gr_malloc(((size_t)ov->nheat + 1) * sizeof(int));
    m->plant_pmax = gr_calloc((size_t)ov->nplant + 1, sizeof(double));
    m->gen_plant = gr_malloc(((size_t)g->ng + 1) * sizeof(int));
    m->rank = gr_malloc(((size_t)as->n + 1) * sizeof(int));
    m->weight = gr_calloc((size_t)as->n + 1, sizeof(double));
    m->spare_of_kind = gr_malloc(GR_REPAIR_NKIND * sizeof(int));
    if (!m->crit0 || !m->pop || !m->heat_pop || !m->fac || !m->heat_dist || !m->dist_plant ||
        !m->plant_pmax || !m->gen_plant || !m->rank || !m->weight || !m->spare_of_kind) {
        st = GR_ENOMEM;
        goto oom;
    }
    for (int b = 0; b < g->nb; b++) {
        double pd = g->pd[b];
        if (pd > 0.0) {
            m->crit0[b] = pd * m->lc->share[(size_t)b * GR_LOAD_NCLASS + GR_LOAD_CRITICAL];
            m->load_pu += pd;
        }
        m->pop[b] = ov->bus_population[b];
        m->heat_pop[b] = ov->bus_heat_population[b];
        m->heat_dist[b] = ov->bus_heat_district[b];
        for (int f = 0; f < GR_FAC_N; f++)
            m->fac[b] += ov->bus_fac[(size_t)b * GR_FAC_N + (size_t)f];
    }
    for (int d = 0; d < ov->nheat; d++)
        m->dist_plant[d] = ov->heat_plant[d];
    for (int k = 0; k < g->ng; k++) {
        m->gen_plant[k] = k < ov->ng ? ov->gen_plant[k] : -1;
        if (m->gen_plant[k] >= 0)
            m->plant_pmax[m->gen_plant[k]] += g->pmax[k];
    }
    for (int k = 0; k < GR_REPAIR_NKIND; k++) {
        m->spare_of_kind[k] = -1;
        for (int j = 0; j < s->nspares && m->spare_of_kind[k] < 0; j++)
            if (s->spares[j].kinds & (1 << k))
                m->spare_of_kind[k] = j;
    }
    if ((st = camp_qh_model_build(m))) /* outage queues and heat */
        goto oom;
    /* targeting */
    for (int a = 0; a < as->n; a++)
        m->weight[a] = s->class_weight[as->cls[a]] * as->capacity_mw[a];
    for (int a = 0; a < as->n; a++)
        if (s->class_weight[as->cls[a]] > 0.0)
            m->rank[m->nrank++] = a;
    /* insertion sort is too slow for thousands; a simple merge via qsort on pairs */
    for (int i = 1; i < m->nrank; i++) { /* binary-insertion on an already mostly small list */
        int x = m->rank[i], lo = 0, hi = i;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (cmp_rank_ctx_loss(as->loss_mw, as->capacity_mw, m->rank[mid], x) <= 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        memmove(&m->rank[lo + 1], &m->rank[lo], (size_t)(i - lo) * sizeof(int));
        m->rank[lo] = x;
    }
    /* the undamaged state */
    {
        gr_grid *gw = NULL;
        int lp = 0;
        if ((st = gr_grid_copy(g, &gw)))
            goto oom;
        m->base_entry.key = gr_malloc(sizeof(int));
        if (!m->base_entry.key) {
            gr_grid_free(gw);
            st = GR_ENOMEM;
            goto oom;
        }
        st = camp_entry_solve(m, gw, &m->base_entry, NULL, &lp, err);
        gr_grid_free(gw);
        if (st)
            return st;
    }
    return GR_OK;
oom:
    return gr_error_set(err, st, "out of memory in the campaign");
}

void camp_model_free(camp_model *m)
{
    camp_ties_free(m);
    camp_adj_free(&m->adj);
    gr_load_classes_free(m->lc);
    gr_free(m->crit0);
    gr_free(m->pop);
    gr_free(m->heat_pop);
    gr_free(m->fac);
    gr_free(m->heat_dist);
    gr_free(m->dist_plant);
    gr_free(m->plant_pmax);
    gr_free(m->gen_plant);
    gr_free(m->rank);
    gr_free(m->weight);
    gr_free(m->spare_of_kind);
    camp_entry_free(&m->base_entry);
    camp_qh_model_free(m);
}
