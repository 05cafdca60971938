/* interconnection.c — the campaign's boundary ties to neighbouring systems: generator-like injections appended to the model's grid.
 *
 * DESIGN (docs/campaign.md "Interconnection")
 *   A tie (scenario interconnection.ties[]) is a generator at its bus with
 *   pg in [-export_mw, import_mw]: the shedding LP (which relaxes pmin to 0)
 *   uses its import like a unit's output, the cascade's rebalance picks up
 *   (and, for a surplus, backs down to -export_mw) through it at once (its
 *   ramp is its whole import: the flow over an AC tie changes with the
 *   angles, no unit has to move). A tie is cut with its bus: a damaged
 *   substation or a de-energised bus takes its generators out, the tie among
 *   them. A synchronous tie makes its island part of the large
 *   interconnection for the frequency model (cascade_balance.c, SFR); an
 *   island without one is on its own. The ties are appended after the
 *   scenario's units, so the asset table, the plants and the heat districts
 *   (indexed on the scenario's grid) are untouched. */
#include <math.h>
#include <string.h>

#include "model/grid_internal.h"
#include "sim/campaign_internal.h"

int camp_ties_build(camp_model *m, gr_error *err)
{
    const gr_campaign_scenario *s = m->s;
    const gr_grid *g = s->grid;
    m->ng0 = g->ng;
    m->co.sfr.sync_system_mw = s->sync_system_mw > 0.0 ? s->sync_system_mw
                                                       : m->co.sfr.sync_system_mw;
    if (s->nties <= 0)
        return GR_OK;
    int nt = s->nties, ng = g->ng + nt;
    gr_grid *c = NULL;
    if (grid_alloc(g->nb, ng, g->nl, &c))
        goto oom;
    c->base_mva = g->base_mva;
    size_t nb = (size_t)g->nb, nl = (size_t)g->nl, n0 = (size_t)g->ng;
#define CP(name, n) memcpy(c->name, g->name, (n) * sizeof *c->name);
    CP(bus_id, nb) CP(bus_type, nb) CP(pd, nb) CP(qd, nb) CP(gs, nb) CP(bs, nb) CP(vm0, nb)
    CP(va0, nb) CP(base_kv, nb) CP(vmax, nb) CP(vmin, nb) CP(bus_order, nb)
    CP(gen_bus, n0) CP(gen_on, n0) CP(pg, n0) CP(qg, n0) CP(qmax, n0) CP(qmin, n0)
    CP(pmax, n0) CP(pmin, n0) CP(vg, n0) CP(apf, n0)
    CP(br_f, nl) CP(br_t, nl) CP(br_on, nl) CP(br_r, nl) CP(br_x, nl) CP(br_b, nl)
    CP(br_tap, nl) CP(br_shift, nl) CP(rate_a, nl) CP(rate_b, nl) CP(rate_c, nl)
#undef CP
    m->gen_sync = gr_calloc((size_t)ng, 1);
    m->tie_ramp_mw = gr_calloc((size_t)ng, sizeof(double));
    if (!m->gen_sync || !m->tie_ramp_mw) {
        gr_grid_free(c);
        goto oom;
    }
    for (int t = 0; t < nt; t++) {
        const gr_tie *tie = &s->ties[t];
        int k = g->ng + t, b = tie->bus;
        double imp = tie->import_mw / g->base_mva;
        c->gen_bus[k] = b;
        c->gen_on[k] = g->bus_type[b] != GR_BUS_ISOLATED;
        c->pg[k] = c->qg[k] = 0.0;
        c->pmax[k] = imp;
        c->pmin[k] = -tie->export_mw / g->base_mva;
        c->qmax[k] = fmax(imp, c->pmin[k] < 0.0 ? -c->pmin[k] : 0.0);
        c->qmin[k] = -c->qmax[k];
        c->vg[k] = g->vm0[b] > 0.0 ? g->vm0[b] : 1.0;
        c->apf[k] = 0.0;
        m->gen_sync[k] = (unsigned char)(tie->synchronous != 0);
        m->tie_ramp_mw[k] = tie->import_mw;
    }
    m->tie_grid = c;
    m->g0 = c;
    m->ng = ng;
    m->co.gen_sync = m->gen_sync;
    m->co.ramp_mw = m->tie_ramp_mw; /* 0 (ramp_frac) for the units */
    return GR_OK;
oom:
    return gr_error_set(err, GR_ENOMEM, "out of memory in the campaign");
}

void camp_ties_free(camp_model *m)
{
    gr_grid_free(m->tie_grid);
    gr_free(m->gen_sync);
    gr_free(m->tie_ramp_mw);
    m->tie_grid = NULL;
    m->gen_sync = NULL;
    m->tie_ramp_mw = NULL;
}
