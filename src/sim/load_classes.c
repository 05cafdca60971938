/* load_classes.c — priority classes of load per bus (critical, residential, other): defaults and the rule that derives them from a scenario overlay. */
#include <math.h>
#include <string.h>

#include "sim/shed.h"

void gr_load_classes_free(gr_load_classes *c)
{
    if (!c)
        return;
    gr_free(c->share);
    gr_free(c);
}

static int classes_alloc(int nb, gr_load_classes **out)
{
    *out = NULL;
    if (nb < 0)
        return GR_EINVAL;
    gr_load_classes *c = gr_calloc(1, sizeof *c);
    if (!c)
        return GR_ENOMEM;
    c->nb = nb;
    c->share = gr_calloc((size_t)(nb ? nb : 1) * GR_LOAD_NCLASS, sizeof(double));
    if (!c->share) {
        gr_free(c);
        return GR_ENOMEM;
    }
    *out = c;
    return GR_OK;
}

int gr_load_classes_default(int nb, gr_load_classes **out)
{
    int st = classes_alloc(nb, out);
    if (st)
        return st;
    for (int b = 0; b < nb; b++) {
        double *s = (*out)->share + (size_t)b * GR_LOAD_NCLASS;
        s[GR_LOAD_CRITICAL] = SHED_SHARE_CRITICAL;
        s[GR_LOAD_RESIDENTIAL] = SHED_SHARE_RESIDENTIAL;
        s[GR_LOAD_OTHER] = SHED_SHARE_OTHER;
    }
    return GR_OK;
}

/* The rule (docs/shedding.md), at bus b with load pd > 0 MW:
 *   critical    = min(pd, facility MW)   (hospitals, water, heating sites)
 *   residential = min(pd - critical, GR_HOUSEHOLD_PEAK_SHARE * people * kW/person / 1000)
 *   other       = pd - critical - residential
 * kw_per_person is the region's whole peak load per person; households take
 * about half of a winter evening peak, the rest is business, industry and
 * services, which sit in "other" with the load of buses that have no people. */
int gr_load_classes_from_overlay(const gr_grid *g, const gr_overlay *ov, gr_load_classes **out,
                                 gr_error *err)
{
    *out = NULL;
    if (!g || !ov)
        return gr_error_set(err, GR_EINVAL, "load classes: no grid or overlay");
    if (ov->nb != g->nb)
        return gr_error_set(err, GR_EINVAL,
                            "load classes: the overlay has %d buses, the grid %d", ov->nb,
                            g->nb);
    for (int b = 0; b < g->nb; b++)
        if (ov->bus_id && ov->bus_id[b] != g->bus_id[b])
            return gr_error_set(err, GR_EINVAL,
                                "load classes: bus row %d is bus %d in the overlay but %d in "
                                "the grid",
                                b + 1, ov->bus_id[b], g->bus_id[b]);
    gr_load_classes *c = NULL;
    if (classes_alloc(g->nb, &c))
        return gr_error_set(err, GR_ENOMEM, "out of memory for load classes");
    double kw = isfinite(ov->kw_per_person) && ov->kw_per_person > 0.0 ? ov->kw_per_person : 0.0;
    for (int b = 0; b < g->nb; b++) {
        double *s = c->share + (size_t)b * GR_LOAD_NCLASS;
        double pd = g->pd[b] * g->base_mva;
        if (!(pd > 0.0)) {
            s[GR_LOAD_OTHER] = 1.0;
            continue;
        }
        double crit = gr_overlay_critical_mw(ov, b, NULL);
        crit = isfinite(crit) && crit > 0.0 ? (crit < pd ? crit : pd) : 0.0;
        double pop = ov->bus_population && isfinite(ov->bus_population[b]) &&
                             ov->bus_population[b] > 0.0
                         ? ov->bus_population[b]
                         : 0.0;
        double res = GR_HOUSEHOLD_PEAK_SHARE * pop * kw / 1000.0;
        if (res > pd - crit)
            res = pd - crit;
        s[GR_LOAD_CRITICAL] = crit / pd;
        s[GR_LOAD_RESIDENTIAL] = res / pd;
        s[GR_LOAD_OTHER] = 1.0 - s[GR_LOAD_CRITICAL] - s[GR_LOAD_RESIDENTIAL];
        if (s[GR_LOAD_OTHER] < 0.0)
            s[GR_LOAD_OTHER] = 0.0;
    }
    *out = c;
    return GR_OK;
}
