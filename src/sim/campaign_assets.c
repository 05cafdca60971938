/* campaign_assets.c — the campaign's asset table (what a strike can target), grid status helpers and the worst-case ranking by load lost at peak.
 *
 * DESIGN. An asset is what an attacker aims at and a planner protects: a
 * transmission substation (its autotransformers and its high-voltage
 * switchyard), a distribution substation (its buses), a power plant (its
 * units), or a line. Its class is its kind and voltage level, the levels
 * being the case's own (class_table; docs/campaign.md "Voltage classes"). Its elements are grid rows, so a hit becomes a damage set the
 * cascade and the shedding LP understand. The "worst case" ranking asks, for
 * each asset alone, how much load is lost at peak if the whole asset is lost:
 * for transmission substations and plants the shedding LP answers (gr_shed_solve:
 * the operator redispatches and sheds what flows and capacity force), for
 * distribution substations and lines connectivity does (the load left without a path to
 * a generator), which is exact for them in a meshed backbone and thousands of
 * times cheaper. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/overlay.h"
#include "sim/campaign_internal.h"

/* The synthetic region's levels (gr_synth: 750, 330, 110 kV). */
static const char *const synth_names[2][3] = {{"sub750", "sub330", "sub110"},
                                              {"line750", "line330", "line110"}};

const char *gr_asset_class_name(int cls)
{
    if (cls >= GR_ASSET_SUB && cls < GR_ASSET_SUB + 3)
        return synth_names[0][cls - GR_ASSET_SUB];
    if (cls >= GR_ASSET_LINE && cls < GR_ASSET_LINE + 3)
        return synth_names[1][cls - GR_ASSET_LINE];
    if (cls >= GR_ASSET_PLANT && cls < GR_ASSET_NCLASS)
        return gr_plant_type_name(cls - GR_ASSET_PLANT);
    return "?";
}

const char *gr_campaign_class_name(const gr_campaign_assets *a, int cls)
{
    if (!a || cls < 0 || cls >= GR_ASSET_NCLASS || !a->class_name[cls][0])
        return "?";
    return a->class_name[cls];
}

/* The class table: the overlay's voltage levels (the lowest merge into the
 * last beyond GR_ASSET_NLEVEL) and the names "sub<kV>", "line<kV>". */
static void class_table(gr_campaign_assets *a, const gr_overlay *ov, int nb)
{
    /* the synthetic region's levels (gr_synth: 750/330/110 kV, 750 only above
       2500 MW of peak) stay all three at any size: GR_ASSET_SUB750 … and
       gr_asset_class_name hold for it */
    a->nlevel = gr_kv_class_levels(ov->bus_kv, nb, a->level_kv, GR_ASSET_NLEVEL);
    memset(a->class_name, 0, sizeof a->class_name);
    for (int l = 0; l < a->nlevel; l++) {
        snprintf(a->class_name[GR_ASSET_SUB + l], sizeof a->class_name[0], "sub%g",
                 a->level_kv[l]);
        snprintf(a->class_name[GR_ASSET_LINE + l], sizeof a->class_name[0], "line%g",
                 a->level_kv[l]);
    }
    for (int t = 0; t < GR_PLANT_N; t++)
        snprintf(a->class_name[GR_ASSET_PLANT + t], sizeof a->class_name[0], "%s",
                 gr_plant_type_name(t));
}

static int level_of(const gr_campaign_assets *a, double kv)
{
    return gr_kv_level_index(a->level_kv, a->nlevel, kv);
}

static const char *const repair_names[GR_REPAIR_PLANT] = {"line", "sub110", "autotransformer",
                                                          "switchyard"};

const char *gr_repair_kind_name(int kind)
{
    if (kind >= 0 && kind < GR_REPAIR_PLANT)
        return repair_names[kind];
    if (kind >= GR_REPAIR_PLANT && kind < GR_REPAIR_NKIND)
        return gr_plant_type_name(kind - GR_REPAIR_PLANT);
    return "?";
}

/* ------------------------------------------------------------------------
 * Grid helpers.
 * ------------------------------------------------------------------------ */
void camp_adj_free(camp_adj *a)
{
    if (!a)
        return;
    gr_free(a->br_ptr);
    gr_free(a->br);
    gr_free(a->gen_ptr);
    gr_free(a->gen);
    memset(a, 0, sizeof *a);
}

int camp_adj_build(const gr_grid *g, camp_adj *a)
{
    memset(a, 0, sizeof *a);
    a->nb = g->nb;
    a->br_ptr = gr_calloc((size_t)g->nb + 1, sizeof(int));
    a->br = gr_malloc((size_t)(2 * g->nl + 1) * sizeof(int));
    a->gen_ptr = gr_calloc((size_t)g->nb + 1, sizeof(int));
    a->gen = gr_malloc((size_t)(g->ng + 1) * sizeof(int));
    if (!a->br_ptr || !a->br || !a->gen_ptr || !a->gen) {
        camp_adj_free(a);
        return GR_ENOMEM;
    }
    for (int k = 0; k < g->nl; k++) {
        a->br_ptr[g->br_f[k] + 1]++;
        if (g->br_t[k] != g->br_f[k])
            a->br_ptr[g->br_t[k] + 1]++;
    }
    for (int k = 0; k < g->ng; k++)
        a->gen_ptr[g->gen_bus[k] + 1]++;
    for (int b = 0; b < g->nb; b++) {
        a->br_ptr[b + 1] += a->br_ptr[b];
        a->gen_ptr[b + 1] += a->gen_ptr[b];
    }
    int *pos = gr_malloc((size_t)(g->nb + 1) * sizeof(int));
    if (!pos) {
        camp_adj_free(a);
        return GR_ENOMEM;
    }
    memcpy(pos, a->br_ptr, (size_t)g->nb * sizeof(int));
    for (int k = 0; k < g->nl; k++) {
        a->br[pos[g->br_f[k]]++] = k;
        if (g->br_t[k] != g->br_f[k])
            a->br[pos[g->br_t[k]]++] = k;
    }
    memcpy(pos, a->gen_ptr, (size_t)g->nb * sizeof(int));
    for (int k = 0; k < g->ng; k++)
        a->gen[pos[g->gen_bus[k]]++] = k;
    gr_free(pos);
    return GR_OK;
}

void camp_grid_reset(gr_grid *g, const gr_grid *g0)
{
    memcpy(g->br_on, g0->br_on, (size_t)g->nl * sizeof(int));
    memcpy(g->gen_on, g0->gen_on, (size_t)g->ng * sizeof(int));
    memcpy(g->bus_type, g0->bus_type, (size_t)g->nb * sizeof(int));
}

void camp_grid_out(gr_grid *g, const camp_adj *adj, int kind, int index)
{
    if (kind == GR_ELEM_BRANCH) {
        g->br_on[index] = 0;
    } else if (kind == GR_ELEM_GEN) {
        g->gen_on[index] = 0;
    } else if (kind == GR_ELEM_BUS) {
        g->bus_type[index] = GR_BUS_ISOLATED;
        for (int j = adj->br_ptr[index]; j < adj->br_ptr[index + 1]; j++)
            g->br_on[adj->br[j]] = 0;
        for (int j = adj->gen_ptr[index]; j < adj->gen_ptr[index + 1]; j++)
            g->gen_on[adj->gen[j]] = 0;
    }
}

double camp_dark_load(const gr_grid *g, const camp_adj *adj, int *mark, int *queue)
{
    int head = 0, tail = 0;
    memset(mark, 0, (size_t)g->nb * sizeof(int));
    for (int k = 0; k < g->ng; k++) {
        int b = g->gen_bus[k];
        if (g->gen_on[k] && g->pmax[k] > 0.0 && g->bus_type[b] != GR_BUS_ISOLATED && !mark[b]) {
            mark[b] = 1;
            queue[tail++] = b;
        }
    }
    while (head < tail) {
        int b = queue[head++];
        for (int j = adj->br_ptr[b]; j < adj->br_ptr[b + 1]; j++) {
            int k = adj->br[j];
            if (!g->br_on[k])
                continue;
            int o = g->br_f[k] == b ? g->br_t[k] : g->br_f[k];
            if (mark[o] || g->bus_type[o] == GR_BUS_ISOLATED)
                continue;
            mark[o] = 1;
            queue[tail++] = o;
        }
    }
    double dark = 0.0;
    for (int b = 0; b < g->nb; b++)
        if (!mark[b] && g->pd[b] > 0.0)
            dark += g->pd[b];
    return dark;
}

/* ------------------------------------------------------------------------
 * The asset table.
 * ------------------------------------------------------------------------ */
void camp_assets_free(gr_campaign_assets *a)
{
    if (!a)
        return;
    if (a->name)
        for (int i = 0; i < a->n; i++)
            gr_free(a->name[i]);
    gr_free(a->name);
    gr_free(a->cls);
    gr_free(a->x_km);
    gr_free(a->y_km);
    gr_free(a->city);
    gr_free(a->capacity_mw);
    gr_free(a->loss_mw);
    gr_free(a->protection);
    gr_free(a->elem_ptr);
    gr_free(a->elem_kind);
    gr_free(a->elem_index);
    gr_free(a->switchyard);
    memset(a, 0, sizeof *a);
}

int gr_campaign_asset_find(const gr_campaign_assets *a, const char *name)
{
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->name[i], name) == 0)
            return i;
    return -1;
}

static int city_at(const gr_overlay *ov, double x, double y)
{
    for (int c = 0; c < ov->ncity; c++) {
        double dx = x - ov->city_x_km[c], dy = y - ov->city_y_km[c];
        if (dx * dx + dy * dy <= ov->city_radius_km[c] * ov->city_radius_km[c])
            return c;
    }
    return -1;
}

/* Loss at peak of every asset (pu x base = MW) into a->loss_mw: campaign_rank.c. */
static int assets_loss(gr_campaign_scenario *s, const camp_adj *adj, gr_error *err)
{
    return camp_assets_loss(s, adj, 0, NULL, err);
}

int gr_campaign_assets_build(gr_campaign_scenario *s, gr_error *err)
{
    gr_campaign_assets *a = &s->assets;
    const gr_grid *g = s->grid;
    const gr_overlay *ov = s->overlay;
    camp_adj adj;
    int st, i = 0;
    memset(a, 0, sizeof *a);
    /* zero-reactance branches are bus ties in every DC model of the run */
    int first = 0;
    while (first < g->nl && g->br_x[first] != 0.0)
        first++;
    int nties = gr_shed_tie_zero_x(s->grid, GR_SHED_TIE_X_PU);
    if (nties > 0 &&
        gr_overlay_warn(s->overlay,
                        "%d branch%s with x = 0 (branch %d first) taken as bus tie%s: x = %g pu "
                        "in the DC models (PSS/E's zero-impedance threshold; docs/own_grid.md)",
                        nties, nties == 1 ? "" : "es", first + 1, nties == 1 ? "" : "s",
                        GR_SHED_TIE_X_PU))
        return gr_error_set(err, GR_ENOMEM, "out of memory building the asset table");
    /* PMAX = Inf ("no limit"): finite, so that shares of it stay finite */
    double load = 0.0;
    int firstu = -1;
    int ninf = gr_shed_cap_infinite_pmax(s->grid, &load, &firstu);
    if (ninf > 0 &&
        gr_overlay_warn(s->overlay,
                        "%d generator%s with PMAX = Inf (generator %d first) given PMAX = the "
                        "case's total load (%.0f MW) plus |PG| (docs/own_grid.md)",
                        ninf, ninf == 1 ? "" : "s", firstu + 1, load * g->base_mva))
        return gr_error_set(err, GR_ENOMEM, "out of memory building the asset table");
    class_table(a, ov, g->nb);
    if ((st = camp_adj_build(g, &adj)))
        return gr_error_set(err, st, "out of memory building the asset table");

    /* count assets and elements */
    int n = 0, ne = 0;
    for (int sub = 0; sub < ov->nsub; sub++)
        if (ov->sub_kind[sub] != GR_SUB_PLANT)
            n++;
    n += ov->nplant;
    for (int k = 0; k < g->nl; k++)
        if (!gr_grid_branch_is_transformer(g, k))
            n++;
    ne = g->nb + 2 * g->nl + g->ng + 1; /* upper bound */
    a->name = gr_calloc((size_t)n + 1, sizeof(char *));
    a->cls = gr_malloc(((size_t)n + 1) * sizeof(int));
    a->x_km = gr_malloc(((size_t)n + 1) * sizeof(double));
    a->y_km = gr_malloc(((size_t)n + 1) * sizeof(double));
    a->city = gr_malloc(((size_t)n + 1) * sizeof(int));
    a->capacity_mw = gr_calloc((size_t)n + 1, sizeof(double));
    a->loss_mw = gr_calloc((size_t)n + 1, sizeof(double));
    a->protection = gr_calloc((size_t)n + 1, sizeof(double));
    a->elem_ptr = gr_calloc((size_t)n + 2, sizeof(int));
    a->elem_kind = gr_malloc((size_t)ne * sizeof(int));
    a->elem_index = gr_malloc((size_t)ne * sizeof(int));
    a->switchyard = gr_malloc(((size_t)n + 1) * sizeof(int));
    /* buses of each substation (CSR) */
    int *sb_ptr = gr_calloc((size_t)ov->nsub + 2, sizeof(int));
    int *sb = gr_malloc(((size_t)g->nb + 1) * sizeof(int));
    if (!a->name || !a->cls || !a->x_km || !a->y_km || !a->city || !a->capacity_mw ||
        !a->loss_mw || !a->protection || !a->elem_ptr || !a->elem_kind || !a->elem_index ||
        !a->switchyard || !sb_ptr || !sb) {
        st = GR_ENOMEM;
        goto fail;
    }
    for (int b = 0; b < g->nb; b++)
        if (ov->bus_substation[b] >= 0)
            sb_ptr[ov->bus_substation[b] + 1]++;
    for (int sub = 0; sub < ov->nsub; sub++)
        sb_ptr[sub + 1] += sb_ptr[sub];
    {
        int *pos = gr_malloc(((size_t)ov->nsub + 1) * sizeof(int));
        if (!pos) {
            st = GR_ENOMEM;
            goto fail;
        }
        memcpy(pos, sb_ptr, (size_t)ov->nsub * sizeof(int));
        for (int b = 0; b < g->nb; b++)
            if (ov->bus_substation[b] >= 0)
                sb[pos[ov->bus_substation[b]]++] = b;
        gr_free(pos);
    }

    ne = 0;
    double base = g->base_mva;
    /* substations */
    for (int sub = 0; sub < ov->nsub; sub++) {
        if (ov->sub_kind[sub] == GR_SUB_PLANT)
            continue;
        a->x_km[i] = ov->sub_x_km[sub];
        a->y_km[i] = ov->sub_y_km[sub];
        a->switchyard[i] = -1;
        a->capacity_mw[i] = 0.0;
        a->elem_ptr[i] = ne;
        if (ov->sub_kind[sub] == GR_SUB_TRANSMISSION) {
            int hv = -1;
            for (int j = sb_ptr[sub]; j < sb_ptr[sub + 1]; j++)
                if (hv < 0 || ov->bus_kv[sb[j]] > ov->bus_kv[hv])
                    hv = sb[j];
            a->cls[i] = GR_ASSET_SUB + (hv >= 0 ? level_of(a, ov->bus_kv[hv]) : a->nlevel - 1);
            /* transformer rows between two buses of this substation */
            for (int k = 0; k < g->nl; k++) {
                if (!gr_grid_branch_is_transformer(g, k))
                    continue;
                if (ov->bus_substation[g->br_f[k]] != sub || ov->bus_substation[g->br_t[k]] != sub)
                    continue;
                a->elem_kind[ne] = GR_ELEM_BRANCH;
                a->elem_index[ne++] = k;
                a->capacity_mw[i] += g->rate_a[k] * base;
            }
            if (hv >= 0) {
                a->elem_kind[ne] = GR_ELEM_BUS;
                a->elem_index[ne++] = hv;
                a->switchyard[i] = hv;
            }
        } else {
            double top = 0.0;
            for (int j = sb_ptr[sub]; j < sb_ptr[sub + 1]; j++)
                top = fmax(top, ov->bus_kv[sb[j]]);
            a->cls[i] = GR_ASSET_SUB + level_of(a, top);
            for (int j = sb_ptr[sub]; j < sb_ptr[sub + 1]; j++) {
                a->elem_kind[ne] = GR_ELEM_BUS;
                a->elem_index[ne++] = sb[j];
                a->capacity_mw[i] += fmax(0.0, g->pd[sb[j]]) * base;
            }
        }
        if (ne == a->elem_ptr[i])
            continue; /* nothing to hit */
        if (!(a->name[i] = gr_overlay_strdup(ov->sub_name[sub]))) {
            st = GR_ENOMEM;
            goto fail;
        }
        i++;
    }
    /* plants */
    for (int p = 0; p < ov->nplant; p++) {
        int sub = ov->plant_substation[p];
        a->cls[i] = GR_ASSET_PLANT + ov->plant_type[p];
        a->x_km[i] = sub >= 0 ? ov->sub_x_km[sub] : 0.0;
        a->y_km[i] = sub >= 0 ? ov->sub_y_km[sub] : 0.0;
        a->switchyard[i] = -1;
        a->elem_ptr[i] = ne;
        a->capacity_mw[i] = 0.0;
        for (int k = 0; k < g->ng && k < ov->ng; k++)
            if (ov->gen_plant[k] == p) {
                a->elem_kind[ne] = GR_ELEM_GEN;
                a->elem_index[ne++] = k;
                a->capacity_mw[i] += g->pmax[k] * base;
            }
        if (ne == a->elem_ptr[i])
            continue;
        if (!(a->name[i] = gr_overlay_strdup(ov->plant_name[p]))) {
            st = GR_ENOMEM;
            goto fail;
        }
        i++;
    }
    /* lines */
    for (int k = 0; k < g->nl; k++) {
        if (gr_grid_branch_is_transformer(g, k))
            continue;
        char buf[32];
        snprintf(buf, sizeof buf, "line:%d", k + 1);
        a->cls[i] = GR_ASSET_LINE + level_of(a, fmax(ov->bus_kv[g->br_f[k]],
                                                       ov->bus_kv[g->br_t[k]]));
        a->x_km[i] = 0.5 * (ov->bus_x_km[g->br_f[k]] + ov->bus_x_km[g->br_t[k]]);
        a->y_km[i] = 0.5 * (ov->bus_y_km[g->br_f[k]] + ov->bus_y_km[g->br_t[k]]);
        a->switchyard[i] = -1;
        a->elem_ptr[i] = ne;
        a->elem_kind[ne] = GR_ELEM_BRANCH;
        a->elem_index[ne++] = k;
        a->capacity_mw[i] = g->rate_a[k] * base;
        if (!(a->name[i] = gr_overlay_strdup(buf))) {
            st = GR_ENOMEM;
            goto fail;
        }
        i++;
    }
    a->n = i;
    a->elem_ptr[i] = ne;
    for (int j = 0; j < a->n; j++)
        a->city[j] = city_at(ov, a->x_km[j], a->y_km[j]);
    gr_free(sb_ptr);
    gr_free(sb);
    sb_ptr = sb = NULL;
    if ((st = assets_loss(s, &adj, err)))
        goto fail_quiet;
    camp_adj_free(&adj);
    return GR_OK;
fail:
    gr_error_set(err, st, "out of memory building the asset table");
fail_quiet:
    gr_free(sb_ptr);
    gr_free(sb);
    camp_adj_free(&adj);
    a->n = i;
    camp_assets_free(a);
    return st;
}
