/* overlay.c — the scenario overlay as model data: allocation by table sizes, lifetime, string copies, critical load per bus, warnings. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gridres.h"
#include "model/overlay.h"

char *gr_overlay_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = gr_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* ------------------------------------------------------------------------
 * Lifetime. Every array is listed once in OV_ARRAYS (field, element type,
 * size member, fill: 0 zero, 1 minus one), so alloc and free cannot drift.
 * ------------------------------------------------------------------------ */
#define OV_ARRAYS(X)                                                                       \
    X(bus_id, int, nb, 0) X(bus_x_km, double, nb, 0) X(bus_y_km, double, nb, 0)          \
    X(bus_kv, double, nb, 0) X(bus_substation, int, nb, 1) X(bus_city, int, nb, 1)        \
    X(bus_population, double, nb, 0) X(bus_heat_district, int, nb, 1)                     \
    X(bus_heat_population, double, nb, 0)                                                  \
    X(sub_kind, int, nsub, 0) X(sub_x_km, double, nsub, 0) X(sub_y_km, double, nsub, 0)   \
    X(plant_type, int, nplant, 0) X(plant_substation, int, nplant, 1)                     \
    X(plant_city, int, nplant, 1) X(gen_plant, int, ng, 1) X(gen_bus, int, ng, 0)                                \
    X(city_population, double, ncity, 0) X(city_x_km, double, ncity, 0)                   \
    X(city_y_km, double, ncity, 0) X(city_radius_km, double, ncity, 0)                    \
    X(heat_city, int, nheat, 1) X(heat_plant, int, nheat, 1)                              \
    X(heat_population, double, nheat, 0) X(zone_city, int, nzone, 1)                      \
    X(zone_x_km, double, nzone, 0) X(zone_y_km, double, nzone, 0)                         \
    X(zone_radius_km, double, nzone, 0) X(crew_substation, int, ncrew, 1)                 \
    X(crew_count, int, ncrew, 0) X(crew_x_km, double, ncrew, 0) X(crew_y_km, double, ncrew, 0)
#define OV_NAMES(X) X(sub_name, nsub) X(plant_name, nplant) X(city_name, ncity) \
    X(zone_name, nzone) X(crew_name, ncrew)

void gr_overlay_free(gr_overlay *ov)
{
    if (!ov)
        return;
#define FREE_ARR(f, T, n, fill) gr_free(ov->f);
    OV_ARRAYS(FREE_ARR)
#undef FREE_ARR
#define FREE_NAMES(f, n)                      \
    if (ov->f) {                              \
        for (int k = 0; k < ov->n; k++)       \
            gr_free(ov->f[k]);                \
        gr_free(ov->f);                       \
    }
    OV_NAMES(FREE_NAMES)
#undef FREE_NAMES
    gr_free(ov->bus_fac);
    gr_free(ov->branch_from);
    gr_free(ov->branch_to);
    gr_free(ov->branch_length_km);
    gr_free(ov->case_file);
    for (int k = 0; k < ov->n_warnings; k++)
        gr_free(ov->warnings[k]);
    gr_free(ov->warnings);
    gr_free(ov);
}

int gr_overlay_alloc(const gr_overlay_sizes *sz, gr_overlay **out)
{
    if (!out)
        return GR_EINVAL;
    *out = NULL;
    if (!sz || sz->nb < 0 || sz->nsub < 0 || sz->nplant < 0 || sz->ng < 0 || sz->ncity < 0 ||
        sz->nheat < 0 || sz->nzone < 0 || sz->ncrew < 0 || sz->nl < 0)
        return GR_EINVAL;
    gr_overlay *ov = gr_calloc(1, sizeof *ov);
    if (!ov)
        return GR_ENOMEM;
    ov->version = GR_OVERLAY_VERSION;
    ov->seed = -1;
    ov->nb = sz->nb;
    ov->nsub = sz->nsub;
    ov->nplant = sz->nplant;
    ov->ng = sz->ng;
    ov->ncity = sz->ncity;
    ov->nheat = sz->nheat;
    ov->nzone = sz->nzone;
    ov->ncrew = sz->ncrew;
    ov->nl = sz->nl;
    int ok = 1;
#define ALLOC_ARR(f, T, n, fill)                                             \
    if (ok) {                                                                \
        ov->f = gr_calloc(ov->n ? (size_t)ov->n : 1, sizeof(T));             \
        if (!ov->f)                                                          \
            ok = 0;                                                          \
        else if (fill)                                                       \
            for (int k_ = 0; k_ < ov->n; k_++)                               \
                ov->f[k_] = (T)-1;                                           \
    }
    OV_ARRAYS(ALLOC_ARR)
#undef ALLOC_ARR
#define ALLOC_NAMES(f, n)                                                   \
    if (ok) {                                                               \
        ov->f = gr_calloc(ov->n ? (size_t)ov->n : 1, sizeof(char *));       \
        if (!ov->f)                                                         \
            ok = 0;                                                         \
    }
    OV_NAMES(ALLOC_NAMES)
#undef ALLOC_NAMES
    if (ok) {
        ov->bus_fac = gr_calloc(ov->nb ? (size_t)ov->nb * GR_FAC_N : 1, sizeof(int));
        ok = ov->bus_fac != NULL;
    }
    if (ok && ov->nl > 0) {
        ov->branch_from = gr_calloc((size_t)ov->nl, sizeof(int));
        ov->branch_to = gr_calloc((size_t)ov->nl, sizeof(int));
        ov->branch_length_km = gr_calloc((size_t)ov->nl, sizeof(double));
        ok = ov->branch_from && ov->branch_to && ov->branch_length_km;
    }
    if (!ok) {
        /* names arrays not yet allocated are NULL: the free loop skips them */
        gr_overlay_free(ov);
        return GR_ENOMEM;
    }
    *out = ov;
    return GR_OK;
}

double gr_overlay_critical_mw(const gr_overlay *ov, int bus, double *mw)
{
    double total = 0.0;
    for (int f = 0; f < GR_FAC_N; f++) {
        double x = 0.0;
        if (ov && bus >= 0 && bus < ov->nb)
            x = ov->bus_fac[(size_t)bus * GR_FAC_N + (size_t)f] * ov->fac_mw[f];
        if (mw)
            mw[f] = x;
        total += x;
    }
    return total;
}

int gr_overlay_warn(gr_overlay *ov, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **w = gr_realloc(ov->warnings, ((size_t)ov->n_warnings + 1) * sizeof *w);
    if (!w)
        return GR_ENOMEM;
    ov->warnings = w;
    if (!(w[ov->n_warnings] = gr_overlay_strdup(buf)))
        return GR_ENOMEM;
    ov->n_warnings++;
    return GR_OK;
}

/* Warnings, not errors: each is legal but usually a mistake in a hand-edited
 * (or built) overlay. A substation holding most of the grid's buses makes
 * one asset of the whole grid; people on a bus without load are never
 * counted as losing power through the shedding LP; a zone covering no bus
 * defends nothing. */
#define NOTE_SUB_SHARE 0.5   /* a substation holding more than this share of the buses */
#define NOTE_SUB_MIN_BUSES 10 /* ... of a grid of at least this many buses */
int gr_overlay_note_checks(gr_overlay *ov, const gr_case *c, const char *name)
{
    if (!ov || !c || ov->nb != c->bus.n)
        return GR_OK;
    const char *nm = name ? name : "(overlay)";
    int st = GR_OK;
    if (ov->nb >= NOTE_SUB_MIN_BUSES && ov->nsub > 0) {
        int *cnt = gr_calloc((size_t)ov->nsub, sizeof *cnt);
        if (!cnt)
            return GR_ENOMEM;
        for (int b = 0; b < ov->nb; b++)
            if (ov->bus_substation[b] >= 0 && ov->bus_substation[b] < ov->nsub)
                cnt[ov->bus_substation[b]]++;
        for (int i = 0; i < ov->nsub && !st; i++)
            if (cnt[i] > NOTE_SUB_SHARE * ov->nb)
                st = gr_overlay_warn(ov, "%s: $.substations[%d]: holds %d of the %d buses "
                                     "(more than half of the grid in one substation)",
                                     nm, i, cnt[i], ov->nb);
        gr_free(cnt);
    }
    int n_noload = 0, first = -1;
    for (int b = 0; b < ov->nb; b++)
        if (ov->bus_population[b] > 0.0 && !(c->bus.pd_mw[b] > 0.0)) {
            if (first < 0)
                first = b;
            n_noload++;
        }
    if (!st && n_noload > 0)
        st = gr_overlay_warn(ov, "%s: $.buses[%d].population: %d bus%s with people but no load "
                             "(bus %d first)", nm, first, n_noload, n_noload == 1 ? "" : "es",
                             c->bus.bus_i[first]);
    for (int z = 0; z < ov->nzone && !st; z++) {
        int covered = 0;
        double r2 = ov->zone_radius_km[z] * ov->zone_radius_km[z];
        for (int b = 0; b < ov->nb && !covered; b++) {
            double dx = ov->bus_x_km[b] - ov->zone_x_km[z], dy = ov->bus_y_km[b] - ov->zone_y_km[z];
            covered = dx * dx + dy * dy <= r2;
        }
        if (!covered)
            st = gr_overlay_warn(ov, "%s: $.defended_zones[%d]: covers no bus", nm, z);
    }
    return st;
}
