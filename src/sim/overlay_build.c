/* overlay_build.c — a scenario overlay for any case: substations, coordinates, people, critical sites, cities, defended zones, crew bases and plants (docs/own_grid.md).
 *
 * DESIGN
 * What a case does not say is filled with stated assumptions, each listed
 * with its source in docs/own_grid.md, so that a campaign can run on any
 * grid and the user can edit what the builder guessed.
 * - Substations: union-find over branches that join two buses of one site:
 *   transformers (tap other than 0/1, a phase shift, or two base kV: the
 *   rule of gr_grid_branch_is_transformer, so every transformer lies inside one
 *   substation, as the campaign's asset table needs), bus ties (|z| below
 *   zero_z_pu), and branches between buses whose names agree once a trailing
 *   number is dropped ("ODESSA 2 0" and "ODESSA 2 1").
 * - Kinds: plant (generators and no load), transmission (a transformer
 *   inside, or a bus of 200 kV or more), else distribution.
 * - Coordinates: overlay_build_layout.c. People: people_per_mw x the bus's
 *   load (negative loads count as none). Critical sites: the synthetic
 *   region's people per facility (docs/synth.md), counts spread over the
 *   buses in row order by carried rounding (deterministic), critical load
 *   at most half of a bus's load.
 * - Cities: weighted k-means (Lloyd) of the load substations, seeded
 *   farthest-first from the largest load; a city is the disc around the
 *   member substation nearest the cluster's centre of load with the radius
 *   of its urban people (65 %) at 2,500 people/km² (the synth figures).
 * - A defended zone per city (radius + 15 km) and crew bases as gr_synth
 *   places them: one per city (2 + 1 per 400,000 people), then every
 *   transmission substation farther than 100 km from a base gets one of 2.
 * - Plants: one per substation with generators; type by the largest unit:
 *   Pmax <= 0 other (condenser), < 100 MW gas, else thermal (a MATPOWER
 *   case does not say nuclear, hydro, wind or solar: edit them). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"
#include "model/overlay.h"
#include "sim/overlay_build.h"

#define DEFAULT_PEOPLE_PER_MW 1800.0 /* synth: 10 M people / 5.5 GW winter peak */
#define DEFAULT_ZERO_Z_PU 1e-4
#define TRANSMISSION_KV 200.0
#define MARGIN_KM 10.0
#define PI 3.14159265358979323846
/* the synthetic region's figures (docs/synth.md) */
#define URBAN_SHARE 0.65
#define CITY_DENSITY 2500.0          /* people per km² inside a city disc */
#define PEOPLE_PER_HOSPITAL 25000.0
#define PEOPLE_PER_WATER 40000.0
#define HEATED_PER_HEATING 20000.0
#define DH_SHARE 0.5                 /* city people on district heating */
#define CRIT_MAX_SHARE 0.5
static const double fac_mw[GR_FAC_N] = {0.5, 0.4, 0.3};
#define ZONE_EXTRA_KM 15.0
#define CREW_REACH_KM 100.0
#define GAS_UNIT_MW 100.0

void gr_overlay_build_options_default(gr_overlay_build_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->people_per_mw = DEFAULT_PEOPLE_PER_MW;
    opt->zero_z_pu = DEFAULT_ZERO_Z_PU;
    opt->max_iter = 200;
    opt->seed = 1;
}

/* ------------------------------------------------------------------------
 * Substations.
 * ------------------------------------------------------------------------ */
static int uf_find(int *p, int i)
{
    while (p[i] != i) {
        p[i] = p[p[i]];
        i = p[i];
    }
    return i;
}

static void uf_join(int *p, int a, int b)
{
    a = uf_find(p, a);
    b = uf_find(p, b);
    if (a != b) {
        if (a < b)
            p[b] = a;
        else
            p[a] = b;
    }
}

/* Length of a bus name once a trailing number and its separator are
 * dropped ("ODESSA 2 0" -> "ODESSA 2"), trailing blanks ignored; 0 when less
 * than two characters would remain. */
static size_t name_stem(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    size_t m = n;
    while (m > 0 && isdigit((unsigned char)s[m - 1]))
        m--;
    if (m < n)
        while (m > 0 && (s[m - 1] == ' ' || s[m - 1] == '~' || s[m - 1] == '_' || s[m - 1] == '-'))
            m--;
    return m >= 2 ? m : 0;
}

static int same_site_name(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    size_t na = name_stem(a), nb = name_stem(b);
    return na > 0 && na == nb && strncmp(a, b, na) == 0;
}

/* bus_sub[b]: substations numbered in the order of their first bus row. */
static int group_substations(const gr_case *c, const gr_grid *g, double zero_z, int *bus_sub,
                             int *nsub)
{
    int nb = g->nb;
    int *p = gr_malloc(((size_t)nb + 1) * sizeof *p);
    if (!p)
        return GR_ENOMEM;
    for (int b = 0; b < nb; b++)
        p[b] = b;
    for (int k = 0; k < g->nl; k++) {
        int f = g->br_f[k], t = g->br_t[k];
        int trafo = gr_grid_branch_is_transformer(g, k);
        int tie = hypot(g->br_r[k], g->br_x[k]) < zero_z;
        int named = c->bus_name && same_site_name(c->bus_name[f], c->bus_name[t]);
        if (trafo || tie || named)
            uf_join(p, f, t);
    }
    int n = 0;
    for (int b = 0; b < nb; b++)
        bus_sub[b] = -1;
    for (int b = 0; b < nb; b++) {
        int r = uf_find(p, b);
        if (bus_sub[r] < 0)
            bus_sub[r] = n++;
        bus_sub[b] = bus_sub[r];
    }
    gr_free(p);
    *nsub = n;
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * The builder's working state.
 * ------------------------------------------------------------------------ */
typedef struct ob_state {
    const gr_case *c;
    const gr_grid *g;
    gr_overlay_build_options opt;
    gr_error *err;
    int nb, nsub;
    int *bus_sub;
    double *bus_kv;
    double *sx, *sy;        /* substation coordinates (km) */
    double *sub_load;       /* MW, positive loads */
    double *sub_kv;         /* highest kV */
    int *sub_kind, *sub_gen, *sub_first; /* kind; generator rows; lowest bus row */
    int *sub_trafo;         /* holds a transformer */
    /* cities */
    int ncity;
    int *city_sub;          /* its centre substation */
    double *cx, *cy, *cr, *cpop;
    int nwarn_kv0;
    double kv_fallback;
} ob_state;

static void st_free(ob_state *s)
{
    gr_free(s->bus_sub);
    gr_free(s->bus_kv);
    gr_free(s->sx);
    gr_free(s->sy);
    gr_free(s->sub_load);
    gr_free(s->sub_kv);
    gr_free(s->sub_kind);
    gr_free(s->sub_gen);
    gr_free(s->sub_first);
    gr_free(s->sub_trafo);
    gr_free(s->city_sub);
    gr_free(s->cx);
    gr_free(s->cy);
    gr_free(s->cr);
    gr_free(s->cpop);
}

static int cmp_double(const void *p, const void *q)
{
    double x = *(const double *)p, y = *(const double *)q;
    return (x > y) - (x < y);
}

/* Voltage levels: the case's BASE_KV, else the median of the others (else
 * 110 kV). */
static int bus_levels(ob_state *s)
{
    const gr_case *c = s->c;
    double *v = gr_malloc(((size_t)s->nb + 1) * sizeof *v);
    if (!v)
        return GR_ENOMEM;
    int n = 0;
    for (int b = 0; b < s->nb; b++)
        if (c->bus.base_kv[b] > 0.0)
            v[n++] = c->bus.base_kv[b];
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    s->kv_fallback = n > 0 ? v[n / 2] : 110.0;
    gr_free(v);
    for (int b = 0; b < s->nb; b++) {
        double kv = c->bus.base_kv[b];
        if (!(kv > 0.0)) {
            kv = s->kv_fallback;
            s->nwarn_kv0++;
        }
        s->bus_kv[b] = kv;
    }
    return GR_OK;
}

static int sub_facts(ob_state *s)
{
    const gr_grid *g = s->g;
    int n = s->nsub;
    s->sub_load = gr_calloc((size_t)n + 1, sizeof(double));
    s->sub_kv = gr_calloc((size_t)n + 1, sizeof(double));
    s->sub_kind = gr_calloc((size_t)n + 1, sizeof(int));
    s->sub_gen = gr_calloc((size_t)n + 1, sizeof(int));
    s->sub_first = gr_malloc(((size_t)n + 1) * sizeof(int));
    s->sub_trafo = gr_calloc((size_t)n + 1, sizeof(int));
    if (!s->sub_load || !s->sub_kv || !s->sub_kind || !s->sub_gen || !s->sub_first ||
        !s->sub_trafo)
        return GR_ENOMEM;
    for (int i = 0; i < n; i++)
        s->sub_first[i] = -1;
    for (int b = 0; b < s->nb; b++) {
        int i = s->bus_sub[b];
        if (s->sub_first[i] < 0)
            s->sub_first[i] = b;
        s->sub_load[i] += fmax(0.0, s->c->bus.pd_mw[b]);
        s->sub_kv[i] = fmax(s->sub_kv[i], s->bus_kv[b]);
    }
    for (int k = 0; k < g->ng; k++)
        s->sub_gen[s->bus_sub[g->gen_bus[k]]]++;
    for (int k = 0; k < g->nl; k++) {
        int f = g->br_f[k], t = g->br_t[k];
        if (s->bus_sub[f] == s->bus_sub[t] && gr_grid_branch_is_transformer(g, k))
            s->sub_trafo[s->bus_sub[f]] = 1;
    }
    for (int i = 0; i < n; i++)
        s->sub_kind[i] = s->sub_gen[i] > 0 && s->sub_load[i] <= 0.0 ? GR_SUB_PLANT
                         : s->sub_trafo[i] || s->sub_kv[i] >= TRANSMISSION_KV
                             ? GR_SUB_TRANSMISSION
                             : GR_SUB_DISTRIBUTION;
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Cities: weighted k-means of the load substations.
 * ------------------------------------------------------------------------ */
static double d2(double ax, double ay, double bx, double by)
{
    return (ax - bx) * (ax - bx) + (ay - by) * (ay - by);
}

static int make_cities(ob_state *s)
{
    int n = s->nsub, nl = 0;
    int *mem = gr_malloc(((size_t)n + 1) * sizeof *mem);
    double *w = gr_malloc(((size_t)n + 1) * sizeof *w);
    int *asg = gr_malloc(((size_t)n + 1) * sizeof *asg);
    if (!mem || !w || !asg) {
        gr_free(mem);
        gr_free(w);
        gr_free(asg);
        return GR_ENOMEM;
    }
    for (int i = 0; i < n; i++)
        if (s->sub_load[i] > 0.0) {
            mem[nl] = i;
            w[nl++] = s->sub_load[i];
        }
    if (nl == 0) /* no load at all: every substation counts once */
        for (int i = 0; i < n; i++) {
            mem[nl] = i;
            w[nl++] = 1.0;
        }
    int k = s->opt.n_cities > 0 ? s->opt.n_cities
                                : (int)lround(8.0 * sqrt((double)s->nb / 2000.0));
    if (k < 1)
        k = 1;
    if (k > nl)
        k = nl;
    s->ncity = k;
    s->city_sub = gr_malloc((size_t)k * sizeof(int));
    s->cx = gr_malloc((size_t)k * sizeof(double));
    s->cy = gr_malloc((size_t)k * sizeof(double));
    s->cr = gr_malloc((size_t)k * sizeof(double));
    s->cpop = gr_calloc((size_t)k, sizeof(double));
    double *sw = gr_malloc((size_t)k * 3 * sizeof(double));
    if (!s->city_sub || !s->cx || !s->cy || !s->cr || !s->cpop || !sw) {
        gr_free(mem);
        gr_free(w);
        gr_free(asg);
        gr_free(sw);
        return GR_ENOMEM;
    }
    /* seeds: the largest load, then the largest load x squared distance */
    int best = 0;
    for (int q = 1; q < nl; q++)
        if (w[q] > w[best])
            best = q;
    s->cx[0] = s->sx[mem[best]];
    s->cy[0] = s->sy[mem[best]];
    for (int c = 1; c < k; c++) {
        double bv = -1.0;
        best = 0;
        for (int q = 0; q < nl; q++) {
            double dm = HUGE_VAL;
            for (int j = 0; j < c; j++)
                dm = fmin(dm, d2(s->sx[mem[q]], s->sy[mem[q]], s->cx[j], s->cy[j]));
            if (w[q] * dm > bv) {
                bv = w[q] * dm;
                best = q;
            }
        }
        s->cx[c] = s->sx[mem[best]];
        s->cy[c] = s->sy[mem[best]];
    }
    /* Lloyd iterations */
    for (int it = 0; it < 100; it++) {
        int changed = 0;
        for (int q = 0; q < nl; q++) {
            int bc = 0;
            double bd = HUGE_VAL;
            for (int c = 0; c < k; c++) {
                double d = d2(s->sx[mem[q]], s->sy[mem[q]], s->cx[c], s->cy[c]);
                if (d < bd) {
                    bd = d;
                    bc = c;
                }
            }
            if (it == 0 || asg[q] != bc)
                changed = 1;
            asg[q] = bc;
        }
        if (!changed)
            break;
        memset(sw, 0, (size_t)k * 3 * sizeof *sw);
        for (int q = 0; q < nl; q++) {
            sw[3 * asg[q]] += w[q];
            sw[3 * asg[q] + 1] += w[q] * s->sx[mem[q]];
            sw[3 * asg[q] + 2] += w[q] * s->sy[mem[q]];
        }
        for (int c = 0; c < k; c++)
            if (sw[3 * c] > 0.0) {
                s->cx[c] = sw[3 * c + 1] / sw[3 * c];
                s->cy[c] = sw[3 * c + 2] / sw[3 * c];
            }
    }
    /* each city: the radius of its cluster's urban people, centred on the
       member substation with the most load within that radius */
    for (int c = 0; c < k; c++) {
        double wl = 0.0;
        for (int q = 0; q < nl; q++)
            if (asg[q] == c)
                wl += s->sub_load[mem[q]];
        double people = URBAN_SHARE * wl * s->opt.people_per_mw;
        double r = fmax(2.0, round(10.0 * sqrt(people / (PI * CITY_DENSITY))) / 10.0);
        int bs = -1;
        double bv = -1.0;
        for (int q = 0; q < nl; q++) {
            if (asg[q] != c)
                continue;
            double v = 0.0;
            for (int j = 0; j < nl; j++)
                if (asg[j] == c && d2(s->sx[mem[q]], s->sy[mem[q]], s->sx[mem[j]],
                                      s->sy[mem[j]]) <= r * r)
                    v += w[j];
            if (v > bv) {
                bv = v;
                bs = mem[q];
            }
        }
        if (bs < 0) { /* an empty cluster: the substation nearest its seed */
            double bd = HUGE_VAL;
            for (int q = 0; q < nl; q++) {
                double d = d2(s->sx[mem[q]], s->sy[mem[q]], s->cx[c], s->cy[c]);
                if (d < bd) {
                    bd = d;
                    bs = mem[q];
                }
            }
        }
        s->city_sub[c] = bs;
        s->cx[c] = s->sx[bs];
        s->cy[c] = s->sy[bs];
        s->cr[c] = r;
    }
    gr_free(mem);
    gr_free(w);
    gr_free(asg);
    gr_free(sw);
    return GR_OK;
}

/* The city whose disc holds substation i (the nearest centre), or -1. */
static int city_of(const ob_state *s, int i)
{
    int best = -1;
    double bd = HUGE_VAL;
    for (int c = 0; c < s->ncity; c++) {
        double d = d2(s->sx[i], s->sy[i], s->cx[c], s->cy[c]);
        if (d <= s->cr[c] * s->cr[c] && d < bd) {
            bd = d;
            best = c;
        }
    }
    return best;
}

/* ------------------------------------------------------------------------
 * Assembling the overlay.
 * ------------------------------------------------------------------------ */
/* *dst = a + suffix ("Kamets" + " crew base"). */
static int set_name(char **dst, const char *a, const char *suffix)
{
    size_t na = strlen(a), ns = strlen(suffix);
    *dst = gr_malloc(na + ns + 1);
    if (!*dst)
        return GR_ENOMEM;
    memcpy(*dst, a, na);
    memcpy(*dst + na, suffix, ns + 1);
    return GR_OK;
}

/* "SS345-17" (kV and lowest bus number), or with bus names "ODESSA 2 (17)". */
static int sub_name(const ob_state *s, int i, char **dst)
{
    int b = s->sub_first[i];
    char buf[160];
    const char *nm = s->c->bus_name ? s->c->bus_name[b] : NULL;
    size_t n = nm ? name_stem(nm) : 0;
    if (n > 0) {
        if (n > 100)
            n = 100;
        snprintf(buf, sizeof buf, "%.*s (%d)", (int)n, nm, s->c->bus.bus_i[b]);
    } else {
        snprintf(buf, sizeof buf, "SS%.0f-%d", s->sub_kv[i], s->c->bus.bus_i[b]);
    }
    *dst = gr_overlay_strdup(buf);
    return *dst ? GR_OK : GR_ENOMEM;
}

/* Crew bases as gr_synth places them: one per city at the transmission
 * substation nearest its centre within reach (else the nearest substation),
 * then one at every transmission substation beyond reach of all bases so
 * far. The arrays have room for ncity + nsub bases; *n gets the count. */
static void plan_crews(const ob_state *s, int *n, int *base_sub, int *base_city)
{
    int cnt = 0;
    for (int c = 0; c < s->ncity; c++) {
        int best = -1, bt = 0;
        double bd = HUGE_VAL, rr = s->cr[c] + CREW_REACH_KM;
        for (int i = 0; i < s->nsub; i++) {
            double d = d2(s->sx[i], s->sy[i], s->cx[c], s->cy[c]);
            int tr = s->sub_kind[i] == GR_SUB_TRANSMISSION && d <= rr * rr;
            if (best < 0 || tr > bt || (tr == bt && d < bd)) {
                best = i;
                bd = d;
                bt = tr;
            }
        }
        base_sub[cnt] = best;
        base_city[cnt++] = c;
    }
    for (int i = 0; i < s->nsub; i++) {
        if (s->sub_kind[i] != GR_SUB_TRANSMISSION)
            continue;
        int covered = 0;
        for (int q = 0; q < cnt && !covered; q++)
            covered = d2(s->sx[i], s->sy[i], s->sx[base_sub[q]], s->sy[base_sub[q]]) <=
                      CREW_REACH_KM * CREW_REACH_KM;
        if (!covered) {
            base_sub[cnt] = i;
            base_city[cnt++] = -1;
        }
    }
    *n = cnt;
}

static int plant_type(const gr_grid *g, const int *bus_sub, int sub)
{
    double big = -HUGE_VAL;
    for (int k = 0; k < g->ng; k++)
        if (bus_sub[g->gen_bus[k]] == sub)
            big = fmax(big, g->pmax[k] * g->base_mva);
    return !(big > 0.0) ? GR_PLANT_OTHER : big < GAS_UNIT_MW ? GR_PLANT_GAS : GR_PLANT_THERMAL;
}

static int fill(ob_state *s, gr_overlay *ov, const int *crew_sub, const int *crew_n,
                const int *crew_city)
{
    const gr_case *c = s->c;
    const gr_grid *g = s->g;
    int st;
    double minx = HUGE_VAL, miny = HUGE_VAL, maxx = -HUGE_VAL, maxy = -HUGE_VAL;
    for (int i = 0; i < s->nsub; i++) {
        minx = fmin(minx, s->sx[i]);
        miny = fmin(miny, s->sy[i]);
        maxx = fmax(maxx, s->sx[i]);
        maxy = fmax(maxy, s->sy[i]);
    }
    /* shift into the region [MARGIN, extent + MARGIN], rounded to 1 m */
    double ox = MARGIN_KM - minx, oy = MARGIN_KM - miny;
    for (int i = 0; i < s->nsub; i++) {
        s->sx[i] = round((s->sx[i] + ox) * 1000.0) / 1000.0;
        s->sy[i] = round((s->sy[i] + oy) * 1000.0) / 1000.0;
    }
    for (int k = 0; k < s->ncity; k++) {
        s->cx[k] = s->sx[s->city_sub[k]];
        s->cy[k] = s->sy[s->city_sub[k]];
    }
    ov->width_km = ceil(maxx - minx + 2.0 * MARGIN_KM);
    ov->height_km = ceil(maxy - miny + 2.0 * MARGIN_KM);
    ov->kw_per_person = 1000.0 / s->opt.people_per_mw;
    double p = 0.0, q = 0.0;
    for (int b = 0; b < s->nb; b++) {
        p += fmax(0.0, c->bus.pd_mw[b]);
        q += c->bus.pd_mw[b] > 0.0 ? c->bus.qd_mvar[b] : 0.0;
    }
    double pf = p > 0.0 ? p / hypot(p, q) : 0.95;
    ov->load_pf = round(1000.0 * fmin(1.0, fmax(0.5, pf))) / 1000.0;
    for (int f = 0; f < GR_FAC_N; f++)
        ov->fac_mw[f] = fac_mw[f];
    if (s->opt.case_file && !(ov->case_file = gr_overlay_strdup(s->opt.case_file)))
        return GR_ENOMEM;
    ov->seed = (int64_t)(s->opt.seed & 0x7fffffffffffffffULL);

    /* substations */
    for (int i = 0; i < s->nsub; i++) {
        if ((st = sub_name(s, i, &ov->sub_name[i])))
            return st;
        ov->sub_kind[i] = s->sub_kind[i];
        ov->sub_x_km[i] = s->sx[i];
        ov->sub_y_km[i] = s->sy[i];
    }
    /* buses: people, city, critical sites by carried rounding */
    double carry[GR_FAC_N] = {0.0, 0.0, 0.0}, total = 0.0;
    for (int b = 0; b < s->nb; b++) {
        int i = s->bus_sub[b];
        double pd = fmax(0.0, c->bus.pd_mw[b]);
        double pop = pd * s->opt.people_per_mw;
        ov->bus_id[b] = c->bus.bus_i[b];
        ov->bus_x_km[b] = s->sx[i];
        ov->bus_y_km[b] = s->sy[i];
        ov->bus_kv[b] = s->bus_kv[b];
        ov->bus_substation[b] = i;
        ov->bus_city[b] = pop > 0.0 ? city_of(s, i) : -1;
        ov->bus_population[b] = pop;
        ov->bus_heat_district[b] = -1;
        ov->bus_heat_population[b] = 0.0;
        total += pop;
        if (ov->bus_city[b] >= 0)
            s->cpop[ov->bus_city[b]] += pop;
        double rate[GR_FAC_N] = {pop / PEOPLE_PER_HOSPITAL, pop / PEOPLE_PER_WATER,
                                 ov->bus_city[b] >= 0 ? DH_SHARE * pop / HEATED_PER_HEATING
                                                      : 0.0};
        double crit = 0.0;
        int *fc = &ov->bus_fac[(size_t)b * GR_FAC_N];
        for (int f = 0; f < GR_FAC_N; f++) {
            double before = carry[f];
            carry[f] += rate[f];
            fc[f] = (int)(floor(carry[f] + 1e-9) - floor(before + 1e-9));
            crit += fc[f] * fac_mw[f];
        }
        for (int f = GR_FAC_N - 1; f >= 0 && crit > CRIT_MAX_SHARE * pd; f--)
            while (fc[f] > 0 && crit > CRIT_MAX_SHARE * pd) {
                fc[f]--;
                crit -= fac_mw[f];
            }
    }
    ov->population = total;
    /* cities and their zones */
    for (int k = 0; k < s->ncity; k++) {
        if ((st = set_name(&ov->city_name[k], ov->sub_name[s->city_sub[k]], " area")) ||
            (st = set_name(&ov->zone_name[k], ov->city_name[k], " air defence")))
            return st;
        ov->city_population[k] = s->cpop[k];
        ov->city_x_km[k] = ov->zone_x_km[k] = s->cx[k];
        ov->city_y_km[k] = ov->zone_y_km[k] = s->cy[k];
        ov->city_radius_km[k] = s->cr[k];
        ov->zone_radius_km[k] = s->cr[k] + ZONE_EXTRA_KM;
        ov->zone_city[k] = k;
    }
    /* crew bases */
    for (int k = 0; k < ov->ncrew; k++) {
        const char *where = crew_city[k] >= 0 ? ov->city_name[crew_city[k]] : ov->sub_name[crew_sub[k]];
        if ((st = set_name(&ov->crew_name[k], where, " crew base")))
            return st;
        ov->crew_substation[k] = crew_sub[k];
        ov->crew_count[k] = crew_n[k];
        ov->crew_x_km[k] = s->sx[crew_sub[k]];
        ov->crew_y_km[k] = s->sy[crew_sub[k]];
    }
    /* plants: one per substation with generators, in substation order */
    int *plant_of = gr_malloc(((size_t)s->nsub + 1) * sizeof *plant_of);
    if (!plant_of)
        return GR_ENOMEM;
    int np = 0;
    for (int i = 0; i < s->nsub; i++) {
        plant_of[i] = -1;
        if (s->sub_gen[i] == 0)
            continue;
        plant_of[i] = np;
        if ((st = set_name(&ov->plant_name[np], ov->sub_name[i], " plant"))) {
            gr_free(plant_of);
            return st;
        }
        ov->plant_type[np] = plant_type(g, s->bus_sub, i);
        ov->plant_substation[np] = i;
        ov->plant_city[np] = -1;
        np++;
    }
    for (int k = 0; k < g->ng; k++) {
        ov->gen_bus[k] = c->gen.bus[k];
        ov->gen_plant[k] = plant_of[s->bus_sub[g->gen_bus[k]]];
    }
    gr_free(plant_of);
    /* branch lengths: straight between substations, 0 inside one */
    for (int k = 0; k < g->nl; k++) {
        int a = s->bus_sub[g->br_f[k]], b = s->bus_sub[g->br_t[k]];
        ov->branch_from[k] = c->branch.f_bus[k];
        ov->branch_to[k] = c->branch.t_bus[k];
        ov->branch_length_km[k] =
            a == b ? 0.0 : round(1000.0 * hypot(s->sx[a] - s->sx[b], s->sy[a] - s->sy[b])) / 1000.0;
    }
    return GR_OK;
}

int gr_overlay_build(const gr_case *c, const gr_grid *g_in, const gr_overlay_build_options *opt,
                     gr_overlay **out, gr_error *err)
{
    if (!out)
        return gr_error_set(err, GR_EINVAL, "gr_overlay_build: out is NULL");
    *out = NULL;
    if (!c)
        return gr_error_set(err, GR_EINVAL, "gr_overlay_build: case is NULL");
    ob_state s;
    memset(&s, 0, sizeof s);
    if (opt)
        s.opt = *opt;
    else
        gr_overlay_build_options_default(&s.opt);
    if (!(s.opt.people_per_mw >= 0.0 && s.opt.people_per_mw <= 1e6) ||
        !(s.opt.zero_z_pu >= 0.0 && s.opt.zero_z_pu < 1.0) || s.opt.max_iter < 0 ||
        s.opt.n_cities < 0)
        return gr_error_set(err, GR_EINVAL, "overlay: options out of range (people per MW "
                            "0 .. 1e6, zero impedance 0 .. 1 pu, iterations and cities >= 0)");
    if (s.opt.people_per_mw == 0.0)
        s.opt.people_per_mw = DEFAULT_PEOPLE_PER_MW;
    if (c->bus.n <= 0)
        return gr_error_set(err, GR_EINVAL, "overlay: the case has no buses");
    gr_grid *own = NULL;
    int st;
    if (!g_in) {
        if ((st = gr_grid_from_case(c, &own, err)))
            return st;
        g_in = own;
    }
    s.c = c;
    s.g = g_in;
    s.err = err;
    s.nb = c->bus.n;
    gr_overlay *ov = NULL;
    int ncrew = 0, *crew_sub = NULL, *crew_n = NULL, *crew_city = NULL;
    int n_unknown = 0, n_placed = 0;
    s.bus_sub = gr_malloc((size_t)s.nb * sizeof(int));
    s.bus_kv = gr_malloc((size_t)s.nb * sizeof(double));
    if (!s.bus_sub || !s.bus_kv || (st = bus_levels(&s)) ||
        (st = group_substations(c, g_in, s.opt.zero_z_pu, s.bus_sub, &s.nsub)) ||
        (st = sub_facts(&s))) {
        st = gr_error_set(err, GR_ENOMEM, "overlay: out of memory");
        goto done;
    }
    s.sx = gr_calloc((size_t)s.nsub + 1, sizeof(double));
    s.sy = gr_calloc((size_t)s.nsub + 1, sizeof(double));
    if (!s.sx || !s.sy) {
        st = gr_error_set(err, GR_ENOMEM, "overlay: out of memory");
        goto done;
    }
    ob_subs subs = {s.nb, s.nsub, s.bus_sub, s.bus_kv};
    if (s.opt.geo)
        st = ob_geo_place(g_in, &subs, s.opt.geo, s.sx, s.sy, &n_unknown, &n_placed, err);
    else
        st = ob_layout(g_in, &subs, s.opt.max_iter, s.opt.seed, s.sx, s.sy, err);
    if (st)
        goto done;
    if ((st = make_cities(&s))) {
        st = gr_error_set(err, GR_ENOMEM, "overlay: out of memory");
        goto done;
    }
    crew_sub = gr_malloc(((size_t)s.nsub + (size_t)s.ncity + 1) * sizeof(int));
    crew_n = gr_malloc(((size_t)s.nsub + (size_t)s.ncity + 1) * sizeof(int));
    crew_city = gr_malloc(((size_t)s.nsub + (size_t)s.ncity + 1) * sizeof(int));
    if (!crew_sub || !crew_n || !crew_city) {
        st = gr_error_set(err, GR_ENOMEM, "overlay: out of memory");
        goto done;
    }
    plan_crews(&s, &ncrew, crew_sub, crew_city);
    for (int k = 0; k < ncrew; k++)
        crew_n[k] = 2;
    int np = 0;
    for (int i = 0; i < s.nsub; i++)
        np += s.sub_gen[i] > 0;
    gr_overlay_sizes sz = {s.nb, s.nsub, np, c->gen.n, s.ncity, 0, s.ncity, ncrew, c->branch.n};
    if ((st = gr_overlay_alloc(&sz, &ov)) || (st = fill(&s, ov, crew_sub, crew_n, crew_city))) {
        st = gr_error_set(err, GR_ENOMEM, "overlay: out of memory");
        goto done;
    }
    /* city people are known only now: crews per city base */
    for (int k = 0; k < ncrew; k++)
        if (crew_city[k] >= 0)
            ov->crew_count[k] = 2 + (int)(s.cpop[crew_city[k]] / 400000.0);
    if ((s.nwarn_kv0 && gr_overlay_warn(ov, "overlay: %d buses have BASE_KV 0: their kv is "
                                        "set to %g (the median level)", s.nwarn_kv0,
                                        s.kv_fallback)) ||
        (n_unknown && gr_overlay_warn(ov, "%s: %d rows name no bus of the case (ignored)",
                                      s.opt.geo->path ? s.opt.geo->path : "geodata",
                                      n_unknown)) ||
        (n_placed && gr_overlay_warn(ov, "%s: %d of %d substations have no coordinates: placed "
                                     "at the mean of their neighbours",
                                     s.opt.geo->path ? s.opt.geo->path : "geodata", n_placed,
                                     s.nsub)) ||
        gr_overlay_note_checks(ov, c, "built overlay")) {
        st = gr_error_set(err, GR_ENOMEM, "overlay: out of memory");
        goto done;
    }
    if ((st = gr_overlay_check(ov, c, err))) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        st = gr_error_set(err, GR_EINVAL, "overlay: internal error: the built overlay fails "
                          "the reader's check: %s", msg);
        goto done;
    }
done:
    gr_free(crew_sub);
    gr_free(crew_n);
    gr_free(crew_city);
    st_free(&s);
    gr_grid_free(own);
    if (st) {
        gr_overlay_free(ov);
        return st;
    }
    *out = ov;
    return GR_OK;
}
