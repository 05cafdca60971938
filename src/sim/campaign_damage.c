/* campaign_damage.c — the campaign's damage: one hit's effect (camp_hit: damage by fragility, or the fixed p_damage model), the bookkeeping of damaged elements (repair kind, spare, sampled repair time) and the run's event log. */
#include <math.h>
#include <string.h>

#include "sim/campaign_internal.h"
#include "sim/fragility.h"

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

/* ------------------------------------------------------------------------
 * One hit (the hook the attack calls for every threat that reached its target).
 * ------------------------------------------------------------------------ */
/* A hit that did no damage: its event names the asset's main element. */
static int log_miss(camp_run *w, int night, int a, int type, double th)
{
    const gr_campaign_assets *as = &w->m->s->assets;
    int j = as->elem_ptr[a];
    int ek = as->switchyard[a] >= 0 ? GR_ELEM_BUS : as->elem_kind[j];
    int ei = as->switchyard[a] >= 0 ? as->switchyard[a] : as->elem_index[j];
    return camp_log_event(w, night, th, GR_CEV_HIT, ek, ei, type, 0.0);
}

static int damage_one(camp_run *w, int night, int a, int type, int ek, int ei, double th,
                      gr_campaign_night *nr)
{
    nr->damaged++;
    int st = camp_add_damage(w, night, a, ek, ei, th);
    if (!st)
        st = camp_log_event(w, night, th, GR_CEV_DAMAGE, ek, ei, type, 0.0);
    return st;
}

/* The fixed model: damage with p_damage x (1 - protection), one element. */
static int hit_fixed(camp_run *w, int night, int a, int type, double th, gr_campaign_night *nr)
{
    const gr_campaign_scenario *s = w->m->s;
    const gr_campaign_assets *as = &s->assets;
    double p = s->p_damage[type][as->cls[a]] * (1.0 - as->protection[a]);
    double u = gr_rng_uniform(&w->dmg);
    int ek = -1, ei = -1;
    if (u < p && camp_pick_element(w, a, &ek, &ei) == 0)
        return damage_one(w, night, a, type, ek, ei, th, nr);
    return log_miss(w, night, a, type, th);
}

/* Damage by fragility (sim/fragility.c): the aim point is the switchyard (a
 * transmission substation, share p_switchyard, or when no unit is intact) or
 * an intact unit of the asset's row (its transformer rows, buses or
 * generators), then fr_hit_row decides which units are lost. */
static int hit_fragility(camp_run *w, int night, int a, int type, double th,
                         gr_campaign_night *nr)
{
    const gr_campaign_scenario *s = w->m->s;
    const gr_campaign_assets *as = &s->assets;
    const gr_fragility *f = &s->fragility;
    int cls = as->cls[a], sy = as->switchyard[a];
    int n0 = as->elem_ptr[a], n1 = as->elem_ptr[a + 1];
    double u_aim = gr_rng_uniform(&w->dmg), u_unit = gr_rng_uniform(&w->dmg);
    /* the row: every element but a transmission substation's switchyard bus */
    int k = 0, intact = 0;
    for (int j = n0; j < n1; j++)
        if (!(as->elem_kind[j] == GR_ELEM_BUS && sy >= 0)) {
            k++;
            intact += !*camp_dmg_flag(w, as->elem_kind[j], as->elem_index[j]);
        }
    int comp = cls >= GR_ASSET_PLANT  ? GR_FRAG_UNIT
               : cls >= GR_ASSET_LINE ? GR_FRAG_LINE
               : sy >= 0              ? GR_FRAG_AUTOTRANSFORMER
                                      : GR_FRAG_SUB110;
    int sy_ok = sy >= 0 && !w->dmg_bus[sy];
    if (sy_ok && (u_aim < s->p_switchyard || intact == 0)) {
        unsigned char one = FR_INTACT;
        double r = gr_lethal_radius_m(f->lethal_z[GR_FRAG_SWITCHYARD], f->warhead_kg[type]);
        if (fr_hit_row(1, 0, 0.0, r, f->cep_m[type], as->protection[a],
                       f->p_fire[GR_FRAG_SWITCHYARD], &one, &w->dmg) > 0)
            return damage_one(w, night, a, type, GR_ELEM_BUS, sy, th, nr);
        return log_miss(w, night, a, type, th);
    }
    if (k == 0 || intact == 0)
        return log_miss(w, night, a, type, th); /* nothing left to lose */
    unsigned char *state = gr_malloc((size_t)k);
    int *row = gr_malloc((size_t)k * sizeof(int));
    if (!state || !row) {
        gr_free(state);
        gr_free(row);
        return gr_error_set(w->err, GR_ENOMEM, "out of memory in the campaign");
    }
    int aim = -1, pick = (int)(u_unit * intact), i = 0;
    if (pick >= intact)
        pick = intact - 1;
    for (int j = n0; j < n1; j++) {
        if (as->elem_kind[j] == GR_ELEM_BUS && sy >= 0)
            continue;
        int dmg = *camp_dmg_flag(w, as->elem_kind[j], as->elem_index[j]);
        state[i] = dmg ? FR_DAMAGED : FR_INTACT;
        if (!dmg && pick-- == 0)
            aim = i;
        row[i++] = j;
    }
    double r = gr_lethal_radius_m(f->lethal_z[comp], f->warhead_kg[type]);
    int lost = fr_hit_row(k, aim, f->spacing_m[comp], r, f->cep_m[type], as->protection[a],
                          f->p_fire[comp], state, &w->dmg);
    int st = GR_OK;
    for (i = 0; i < k && !st; i++)
        if (state[i] == FR_BLAST || state[i] == FR_FIRE)
            st = damage_one(w, night, a, type, as->elem_kind[row[i]], as->elem_index[row[i]], th,
                            nr);
    gr_free(state);
    gr_free(row);
    if (!st && lost == 0)
        st = log_miss(w, night, a, type, th);
    return st;
}

int camp_hit(camp_run *w, int night, int hit, int a, int type, double th,
             gr_campaign_night *nr)
{
    /* Common random numbers: each hit draws from its own stream, so whether
     * it damages (protection, say) never shifts the draws of other hits or of
     * later nights (gridres protect compares options on the same attacks). */
    gr_rng_stream(&w->dmg, w->night_key ^ 0x6a09e667f3bcc909ULL,
                  ((uint64_t)night << 32) | (uint64_t)hit);
    if (w->m->s->p_damage_fixed[type][w->m->s->assets.cls[a]])
        return hit_fixed(w, night, a, type, th, nr);
    return hit_fragility(w, night, a, type, th, nr);
}
