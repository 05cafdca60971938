/* cascade.c — gr_cascade_run: one cascade from the outside (cause and loss names, the result); the simulator is cascade_sim.c (DESIGN), its workspace cascade_core.c. */
#include <string.h>

#include "model/islands_internal.h"
#include "sim/cascade_internal.h"

/* ------------------------------------------------------------------------
 * Names.
 * ------------------------------------------------------------------------ */
static const char *const cause_names[] = {
#define GR_CASCADE_CAUSE_NAME(name, text) text,
    GR_CASCADE_CAUSE_MAP(GR_CASCADE_CAUSE_NAME)
#undef GR_CASCADE_CAUSE_NAME
};

const char *gr_cascade_cause_name(int cause)
{
    return cause >= 0 && cause < GR_CAUSE_N ? cause_names[cause] : "?";
}

int gr_cascade_cause_category(int cause)
{
    switch (cause) {
    case GR_CAUSE_DAMAGE:
    case GR_CAUSE_ISLANDING: return GR_LOSS_ISLANDING;
    case GR_CAUSE_UFLS: return GR_LOSS_UFLS;
    case GR_CAUSE_UVLS: return GR_LOSS_UVLS;
    case GR_CAUSE_VOLTAGE_COLLAPSE:
    case GR_CAUSE_VCLS: return GR_LOSS_VOLTAGE_COLLAPSE;
    case GR_CAUSE_OPERATOR_SHED: return GR_LOSS_OPERATOR;
    case GR_CAUSE_LOAD_RELIEF:
    case GR_CAUSE_FREQ_COLLAPSE: return GR_LOSS_OTHER;
    default: return -1;
    }
}

const char *gr_cascade_loss_name(int category)
{
    static const char *const names[GR_LOSS_N] = {"islanding", "ufls", "uvls",
                                                 "voltage_collapse", "operator_shed", "other"};
    return category >= 0 && category < GR_LOSS_N ? names[category] : "?";
}

const char *gr_cascade_model_name(int model)
{
    static const char *const names[] = {"gridres", "dcsimsep", "accfm"};
    return model >= 0 && model <= GR_CASCADE_MODEL_ACCFM ? names[model] : "?";
}

int gr_cascade_model_parse(const char *name)
{
    for (int m = 0; name && m <= GR_CASCADE_MODEL_ACCFM; m++)
        if (!strcmp(name, gr_cascade_model_name(m)))
            return m;
    return -1;
}

const char *gr_elem_kind_name(int kind)
{
    static const char *const names[] = {"branch", "gen", "bus", "island"};
    return kind >= 0 && kind <= GR_ELEM_ISLAND ? names[kind] : "?";
}

/* ------------------------------------------------------------------------
 * Public entry.
 * ------------------------------------------------------------------------ */
void gr_cascade_result_free(gr_cascade_result *r)
{
    if (!r)
        return;
    gr_free(r->events);
    gr_free(r->bus_island);
    gr_free(r->island_live);
    gr_free(r->pd_mw);
    gr_free(r->pg_mw);
    gr_free(r->br_on);
    gr_free(r->gen_on);
    gr_free(r);
}

int gr_cascade_run(const gr_grid *g, const gr_cascade_damage *damage,
                   const gr_cascade_options *opt, gr_cascade_result **out, gr_error *err)
{
    *out = NULL;
    casc_ws *ws = NULL;
    gr_cascade_result *r = NULL;
    int st = casc_ws_create(g, opt, 1, &ws, err);
    if (st)
        return st;
    if ((st = casc_ws_run(ws, damage, err)))
        goto done;
    st = GR_ENOMEM;
    r = gr_calloc(1, sizeof *r);
    if (!r)
        goto done;
    const gr_grid *w = ws->g;
    const gr_islands *isl = ws->isl;
    double base = g->base_mva;
    r->nb = g->nb, r->ng = g->ng, r->nl = g->nl;
    r->events = gr_malloc(((size_t)ws->n_ev + 1) * sizeof *r->events);
    r->bus_island = gr_malloc(((size_t)g->nb + 1) * sizeof(int));
    r->island_live = gr_malloc(((size_t)isl->n + 1) * sizeof(int));
    r->pd_mw = gr_calloc((size_t)g->nb + 1, sizeof(double));
    r->pg_mw = gr_calloc((size_t)g->ng + 1, sizeof(double));
    r->br_on = gr_malloc(((size_t)g->nl + 1) * sizeof(int));
    r->gen_on = gr_malloc(((size_t)g->ng + 1) * sizeof(int));
    if (!r->events || !r->bus_island || !r->island_live || !r->pd_mw || !r->pg_mw || !r->br_on ||
        !r->gen_on)
        goto done;
    if (ws->n_ev)
        memcpy(r->events, ws->ev, (size_t)ws->n_ev * sizeof *r->events);
    r->n_events = ws->n_ev;
    memcpy(r->bus_island, isl->bus_island, (size_t)g->nb * sizeof(int));
    for (int s = 0; s < isl->n; s++) {
        r->island_live[s] = isl->ref[s] >= 0;
        r->n_islands += isl->ref[s] >= 0;
        r->n_dark_islands += isl->ref[s] < 0;
    }
    for (int b = 0; b < g->nb; b++) {
        int s = isl->bus_island[b];
        r->pd_mw[b] = s >= 0 && isl->ref[s] >= 0 ? w->pd[b] * base : 0.0;
    }
    for (int k = 0; k < g->ng; k++) {
        r->gen_on[k] = w->gen_on[k];
        int s = isl->bus_island[w->gen_bus[k]];
        r->pg_mw[k] = gen_energisable(w, k) && s >= 0 && isl->ref[s] >= 0 ? w->pg[k] * base : 0.0;
    }
    memcpy(r->br_on, w->br_on, (size_t)g->nl * sizeof(int));
    r->load0_mw = ws->load0 * base;
    r->served_mw = casc_served(ws) * base;
    r->lost_mw = r->load0_mw - r->served_mw;
    for (int c = 0; c < GR_LOSS_N; c++)
        r->lost_by_cat_mw[c] = ws->lost[c] * base;
    r->operator_shed_mw = r->lost_by_cat_mw[GR_LOSS_OPERATOR];
    r->n_trips = ws->n_trips;
    r->n_steps = ws->n_steps;
    r->t_end_s = ws->t;
    r->stop_reason = ws->stop_reason;
    st = GR_OK;
done:
    casc_ws_free(ws);
    if (st) {
        gr_cascade_result_free(r);
        if (st == GR_ENOMEM)
            gr_error_set(err, st, "out of memory in the cascade");
        return st;
    }
    *out = r;
    return GR_OK;
}
