/* campaign_cascade.c — the cascade at a wave's boundary: the operator's state before the wave, the new damage through gr_cascade_run, what tripped, the served fractions of the cascade window and the cascade's events. */
#include <math.h>
#include <string.h>

#include "sim/campaign_internal.h"

/* ------------------------------------------------------------------------
 * Cascade at a wave's boundary.
 * ------------------------------------------------------------------------ */
static int uf_root(int *p, int a)
{
    while (p[a] != a) {
        p[a] = p[p[a]];
        a = p[a];
    }
    return a;
}

/* The operator's state before a wave on w->g: statuses of the state `key`,
 * load served as entry e gives at level lam, and a balanced dispatch: each
 * island's served load shared by its units in proportion to pmax. */
static void pre_wave_state(camp_run *w, const camp_entry *e, double lam, int nkey)
{
    const camp_model *m = w->m;
    gr_grid *g = w->g;
    const gr_grid *g0 = m->g0;
    int nb = m->nb;
    int *uf = w->keybuf + nkey; /* keybuf has room for nl + ng + nb entries */
    double *load = w->run_scratch, *cap = w->run_scratch + nb;
    camp_apply_key(m, g, w->keybuf, nkey);
    camp_entry_at(m, e, lam, w->frac, w->cfrac);
    for (int b = 0; b < nb; b++) {
        uf[b] = b;
        load[b] = cap[b] = 0.0;
        double pd = lam * g0->pd[b];
        g->pd[b] = pd > 0.0 ? pd * w->frac[b] : pd;
        g->qd[b] = lam * g0->qd[b] * (pd > 0.0 ? w->frac[b] : 1.0);
    }
    for (int k = 0; k < m->nl; k++)
        if (g->br_on[k]) {
            int a = uf_root(uf, g->br_f[k]), c = uf_root(uf, g->br_t[k]);
            if (a != c)
                uf[a] = c;
        }
    for (int b = 0; b < nb; b++)
        if (g->bus_type[b] != GR_BUS_ISOLATED)
            load[uf_root(uf, b)] += g->pd[b];
    for (int k = 0; k < m->ng; k++)
        if (g->gen_on[k] && g->pmax[k] > 0.0)
            cap[uf_root(uf, g->gen_bus[k])] += g->pmax[k];
    for (int k = 0; k < m->ng; k++) {
        int r = uf_root(uf, g->gen_bus[k]);
        double f = cap[r] > 0.0 ? fmin(1.0, fmax(0.0, load[r] / cap[r])) : 0.0;
        g->pg[k] = g->gen_on[k] && g->pmax[k] > 0.0 ? f * g->pmax[k] : 0.0;
    }
}

int camp_cascade(camp_run *w, int night, double t_h, double lam, int from, int to,
                 const camp_entry *before)
{
    const camp_model *m = w->m;
    gr_grid *g = w->g;
    gr_cascade_result *cr = NULL;
    int st;
    /* the operator's state before the wave: damage so far (not this wave's) */
    int n = 0;
    for (int i = 0; i < w->nd; i++) {
        const camp_dmg *d = &w->d[i];
        if (d->active && !d->done && (i < from || i >= to))
            w->keybuf[n++] = d->kind << 28 | d->index;
    }
    n = camp_fleet_key(w, w->keybuf, n); /* units out before the wave (fleet.c) */
    pre_wave_state(w, before, lam, n);
    /* the new damage */
    int nbr = 0, ngen = 0, nbus = 0;
    for (int i = from; i < to; i++) {
        int k = w->d[i].kind;
        nbr += k == GR_ELEM_BRANCH;
        ngen += k == GR_ELEM_GEN;
        nbus += k == GR_ELEM_BUS;
    }
    int *buf = gr_malloc((size_t)(to - from + 1) * sizeof(int));
    if (!buf)
        return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
    int *br = buf, *gn = buf + nbr, *bs = buf + nbr + ngen;
    int ib = 0, ig = 0, is = 0;
    for (int i = from; i < to; i++) {
        const camp_dmg *d = &w->d[i];
        if (d->kind == GR_ELEM_BRANCH)
            br[ib++] = d->index;
        else if (d->kind == GR_ELEM_GEN)
            gn[ig++] = d->index;
        else
            bs[is++] = d->index;
    }
    gr_cascade_damage cd = {nbr, ngen, nbus, br, gn, bs};
    gr_cascade_options co = m->co;
    co.model = m->s->cascade_model;
    st = gr_cascade_run(g, &cd, &co, &cr, w->err);
    gr_free(buf);
    if (st)
        return st;
    /* tripped: off after the cascade, in service before, not damaged */
    memset(w->trip_br, 0, (size_t)m->nl);
    memset(w->trip_gen, 0, (size_t)m->ng);
    w->ntrip = 0;
    for (int k = 0; k < m->nl; k++)
        if (g->br_on[k] && !cr->br_on[k] && !w->dmg_br[k]) {
            w->trip_br[k] = 1;
            w->ntrip++;
        }
    for (int k = 0; k < m->ng; k++)
        if (g->gen_on[k] && !cr->gen_on[k] && !w->dmg_gen[k]) {
            w->trip_gen[k] = 1;
            w->ntrip++;
        }
    camp_fleet_cascade(w, t_h, cr); /* restarts, nuclear frequency band (fleet.c) */
    /* window fractions, relative to the full load at this level */
    double base = m->base;
    for (int b = 0; b < m->nb; b++) {
        double pd = lam * m->g0->pd[b];
        double served = pd > 0.0 ? fmin(pd, cr->pd_mw[b] / base) : 0.0;
        w->casc_f[b] = pd > 0.0 ? (float)(served / pd) : 1.0f;
        double cc = lam * m->crit0[b];
        w->casc_c[b] = cc > 0.0 ? (float)fmin(1.0, served / cc) : 1.0f;
    }
    w->casc_lam = lam;
    /* events */
    for (int e = 0; e < cr->n_events && !st; e++) {
        const gr_cascade_event *ev = &cr->events[e];
        double te = t_h + ev->t_s / 3600.0;
        if (ev->cause == GR_CAUSE_DAMAGE) {
            /* add its lost load to this wave's damage event of that element */
            if (ev->mw_lost > 0.0 && w->keep_events)
                for (int j = w->nev - 1; j >= 0; j--) {
                    gr_campaign_event *x = &w->ev[j];
                    if (x->kind == GR_CEV_DAMAGE && x->elem_kind == ev->kind &&
                        x->elem_index == ev->index && x->night == night) {
                        x->mw_lost += ev->mw_lost;
                        break;
                    }
                }
            continue;
        }
        int kind = gr_cascade_cause_category(ev->cause) >= 0 ? GR_CEV_SHED : GR_CEV_TRIP;
        st = camp_log_event(w, night, te, kind, ev->kind, ev->index, ev->cause, ev->mw_lost);
    }
    gr_cascade_result_free(cr);
    return st;
}
