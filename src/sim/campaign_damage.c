/* campaign_damage.c — the campaign's damage bookkeeping (which element a damaging hit takes out, its repair kind, spare and sampled repair time) and the run's event log. */
#include <math.h>
#include <string.h>

#include "sim/campaign_internal.h"

/* ------------------------------------------------------------------------
 * Events.
 * ------------------------------------------------------------------------ */
int camp_log_event(camp_run *w, int night, double t_h, int kind, int ek, int ei, int cause,
                   double mw)
{
    if (!w->keep_events)
        return GR_OK;
    if (w->nev == w->capev) {
        int cap = w->capev ? 2 * w->capev : 256;
        gr_campaign_event *e = gr_realloc(w->ev, (size_t)cap * sizeof *e);
        if (!e)
            return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
        w->ev = e;
        w->capev = cap;
    }
    /* the whole record, padding included, is zeroed: checkpoints store it byte
       for byte, and their checksums must not depend on stack garbage */
    gr_campaign_event *x = &w->ev[w->nev++];
    memset(x, 0, sizeof *x);
    x->night = night;
    x->t_h = t_h;
    x->kind = kind;
    x->elem_kind = ek;
    x->elem_index = ei;
    x->cause = cause;
    x->mw_lost = mw;
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Damage bookkeeping.
 * ------------------------------------------------------------------------ */
unsigned char *camp_dmg_flag(camp_run *w, int kind, int index)
{
    return kind == GR_ELEM_BRANCH ? &w->dmg_br[index]
           : kind == GR_ELEM_GEN  ? &w->dmg_gen[index]
                                  : &w->dmg_bus[index];
}

/* 1 when every element of asset a is damaged. */
int camp_asset_dead(camp_run *w, int a)
{
    const gr_campaign_assets *as = &w->m->s->assets;
    for (int j = as->elem_ptr[a]; j < as->elem_ptr[a + 1]; j++)
        if (!*camp_dmg_flag(w, as->elem_kind[j], as->elem_index[j]))
            return 0;
    return 1;
}

static int repair_kind(const camp_model *m, int asset, int kind)
{
    const gr_campaign_assets *as = &m->s->assets;
    int cls = as->cls[asset];
    if (cls >= GR_ASSET_PLANT)
        return GR_REPAIR_PLANT + (cls - GR_ASSET_PLANT);
    if (cls >= GR_ASSET_LINE)
        return GR_REPAIR_LINE;
    if (as->switchyard[asset] >= 0) /* a transmission substation */
        return kind == GR_ELEM_BUS ? GR_REPAIR_SWITCHYARD : GR_REPAIR_AUTOTRANSFORMER;
    return GR_REPAIR_SUB110; /* a distribution substation, any level */
}

/* A damaging hit on asset a: pick the element (or -1 when nothing is left). */
int camp_pick_element(camp_run *w, int a, int *kind, int *index)
{
    const gr_campaign_assets *as = &w->m->s->assets;
    int cls = as->cls[a], sy = as->switchyard[a];
    int n0 = as->elem_ptr[a], n1 = as->elem_ptr[a + 1];
    double u = gr_rng_uniform(&w->dmg), v = gr_rng_uniform(&w->dmg);
    int cand = 0;
    for (int j = n0; j < n1; j++)
        if (as->elem_kind[j] != GR_ELEM_BUS || sy < 0)
            cand += !*camp_dmg_flag(w, as->elem_kind[j], as->elem_index[j]);
    int sy_ok = sy >= 0 && !w->dmg_bus[sy];
    if (cls < GR_ASSET_LINE && sy >= 0) { /* a transmission substation */
        if (sy_ok && (u < w->m->s->p_switchyard || cand == 0)) {
            *kind = GR_ELEM_BUS;
            *index = sy;
            return 0;
        }
    }
    if (cand == 0)
        return -1;
    int pick = (int)(v * cand);
    if (pick >= cand)
        pick = cand - 1;
    for (int j = n0; j < n1; j++) {
        if (as->elem_kind[j] == GR_ELEM_BUS && sy >= 0)
            continue;
        if (*camp_dmg_flag(w, as->elem_kind[j], as->elem_index[j]))
            continue;
        if (pick-- == 0) {
            *kind = as->elem_kind[j];
            *index = as->elem_index[j];
            return 0;
        }
    }
    return -1;
}

int camp_add_damage(camp_run *w, int night, int a, int kind, int index, double t_h)
{
    const camp_model *m = w->m;
    if (w->nd == w->capd) {
        int cap = w->capd ? 2 * w->capd : 64;
        camp_dmg *d = gr_realloc(w->d, (size_t)cap * sizeof *d);
        if (!d)
            return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
        w->d = d;
        w->capd = cap;
    }
    camp_dmg *d = &w->d[w->nd++];
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->index = index;
    d->asset = a;
    d->rkind = repair_kind(m, a, kind);
    d->spare = m->spare_of_kind[d->rkind];
    d->t_h = t_h;
    d->work_h = fmax(0.0, gr_dist_sample(&m->s->repair[d->rkind], &w->dmg));
    d->work_left = d->work_h;
    d->crew = -1;
    d->night = night;
    d->prio = NAN;
    *camp_dmg_flag(w, kind, index) = 1;
    w->total->damaged_kind[d->rkind]++;
    w->total->repair_work_h[d->rkind] += d->work_h;
    return GR_OK;
}
