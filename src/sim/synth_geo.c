/* synth_geo.c — geography of the synthetic region: cities, load points, substations, plants, critical sites, zones, crews.
 *
 * DESIGN
 * Everything is drawn from one gr_rng stream in a fixed order, on integer
 * coordinates (0.1 km), with only exact or correctly rounded arithmetic, so a
 * seed gives the same region everywhere. Cities get rank-size (Zipf, exponent
 * 1) populations; 65 % of people live in cities, the rest in a rural
 * population spread evenly. A fifth of the load points (110 kV substations)
 * are urban, so a city substation supplies several times the people of a
 * rural one. 330 kV substations sit at the centres of a k-means clustering of
 * the load points weighted by sqrt(people) (people and coverage of the
 * countryside both count), 750 kV ones at the centres of a clustering of the
 * 330 kV substations weighted by the people they serve. Plant sites follow
 * planning practice: nuclear away from cities, thermal near a city, CHP
 * inside cities, hydro along a river. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/synth.h"

#define URBAN_SHARE 0.65     /* people living in cities */
#define URBAN_POINT_SHARE 0.2 /* load points that are urban (city substations are larger) */
#define CITY_DENSITY 2500.0  /* people per km^2 inside a city disc */
#define DH_SHARE 0.5         /* share of a CHP city's people on district heating */
#define CHP_KW_PER_HEATED 0.35 /* CHP electric capacity per heated person, kW */
#define PI 3.14159265358979323846

/* People per critical facility (planning figures, docs/synth.md). */
#define PEOPLE_PER_HOSPITAL 25000.0
#define PEOPLE_PER_WATER 40000.0
#define HEATED_PER_HEATING 20000.0
static const double fac_mw[GR_FAC_N] = {0.5, 0.4, 0.3};
#define CRIT_MAX_SHARE 0.5   /* critical load is at most this share of a bus's load */

/* ---- spatial hash for minimum spacing ---- */
typedef struct sgrid {
    int cell, g;
    int *head;
    int *next, *px, *py, n, cap;
} sgrid;

static int sgrid_init(sgrid *h, int w, int cell)
{
    memset(h, 0, sizeof *h);
    h->cell = cell < 1 ? 1 : cell;
    h->g = w / h->cell + 2;
    if (h->g > 2048) {
        h->g = 2048;
        h->cell = w / 2046 + 1;
    }
    h->head = gr_malloc((size_t)h->g * (size_t)h->g * sizeof *h->head);
    if (!h->head)
        return GR_ENOMEM;
    for (long k = 0; k < (long)h->g * h->g; k++)
        h->head[k] = -1;
    return GR_OK;
}

static void sgrid_free(sgrid *h)
{
    gr_free(h->head);
    gr_free(h->next);
    gr_free(h->px);
    gr_free(h->py);
}

static int sgrid_cell(const sgrid *h, int v)
{
    int c = v / h->cell;
    return c < 0 ? 0 : (c >= h->g ? h->g - 1 : c);
}

static int sgrid_add(sgrid *h, int x, int y)
{
    if (h->n + 1 > h->cap) {
        int cap = h->cap, st;
        if ((st = sy_grow((void **)&h->next, &cap, h->n + 1, sizeof(int))))
            return st;
        cap = h->cap;
        if ((st = sy_grow((void **)&h->px, &cap, h->n + 1, sizeof(int))))
            return st;
        cap = h->cap;
        if ((st = sy_grow((void **)&h->py, &cap, h->n + 1, sizeof(int))))
            return st;
        h->cap = cap;
    }
    long c = (long)sgrid_cell(h, y) * h->g + sgrid_cell(h, x);
    h->px[h->n] = x;
    h->py[h->n] = y;
    h->next[h->n] = h->head[c];
    h->head[c] = h->n;
    h->n++;
    return GR_OK;
}

/* 1 when no stored point lies closer than `sp` (0.1 km) to (x, y). */
static int sgrid_free_at(const sgrid *h, int x, int y, int sp)
{
    int r = sp / h->cell + 1;
    int cx = sgrid_cell(h, x), cy = sgrid_cell(h, y);
    int64_t sp2 = (int64_t)sp * sp;
    for (int j = cy - r; j <= cy + r; j++) {
        if (j < 0 || j >= h->g)
            continue;
        for (int i = cx - r; i <= cx + r; i++) {
            if (i < 0 || i >= h->g)
                continue;
            for (int k = h->head[(long)j * h->g + i]; k >= 0; k = h->next[k])
                if (sy_d2(x, y, h->px[k], h->py[k]) < sp2)
                    return 0;
        }
    }
    return 1;
}

/* ---- helpers ---- */
static double unif(sy_state *s) { return gr_rng_uniform(&s->rng); }

/* Uniform integer coordinate in [lo, hi]. */
static int coord(sy_state *s, int lo, int hi)
{
    if (hi <= lo)
        return lo;
    return lo + sy_rand_int(&s->rng, hi - lo + 1);
}

static int clampi(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

/* Point uniform in the disc of radius r (0.1 km) around (cx, cy), by rejection. */
static void disc_point(sy_state *s, int cx, int cy, double r, int *x, int *y)
{
    double u, v;
    do {
        u = 2.0 * unif(s) - 1.0;
        v = 2.0 * unif(s) - 1.0;
    } while (u * u + v * v > 1.0);
    *x = clampi(cx + (int)sy_lround(u * r), 0, s->w);
    *y = clampi(cy + (int)sy_lround(v * r), 0, s->w);
}

static const char *const syl_a[] = {"Bor", "Vel", "Kra", "Zel", "Ost", "Nov", "Lis", "Dub",
                                    "Myr", "Hor", "Sol", "Bil", "Cher", "Ter", "Zor", "Lan",
                                    "Pol", "Rad", "Sta", "Vys", "Kam", "Lug", "Pry", "Svi"};
static const char *const syl_b[] = {"ivka", "ohrad", "yn", "ske", "opil", "ivsk", "any",
                                    "iv", "ets", "omyr", "ava", "ynets", "ohir", "ytsia",
                                    "ne", "orod"};

static void city_name(sy_state *s, int k, char *out, size_t len)
{
    const int na = (int)(sizeof syl_a / sizeof *syl_a), nb = (int)(sizeof syl_b / sizeof *syl_b);
    for (int tries = 0; tries < 40; tries++) {
        int a = sy_rand_int(&s->rng, na), b = sy_rand_int(&s->rng, nb);
        snprintf(out, len, "%s%s", syl_a[a], syl_b[b]);
        int dup = 0;
        for (int j = 0; j < k && !dup; j++)
            dup = strcmp(s->city.v[j].name, out) == 0;
        if (!dup)
            return;
    }
    snprintf(out, len, "City-%d", k + 1);
}

/* ---- cities ---- */
static int make_cities(sy_state *s)
{
    int nc = s->opt.n_cities;
    double w[4096], sum = 0.0;
    if (nc > 4096)
        nc = 4096;
    if (nc > s->opt.n_bus / 10)
        return gr_error_set(s->err, GR_EINVAL, "synth: %d buses are too few for %d cities",
                            s->opt.n_bus, nc);
    for (int k = 0; k < nc; k++) {
        w[k] = (0.85 + 0.3 * unif(s)) / (double)(k + 1);
        sum += w[k];
    }
    /* keep rank order after the jitter */
    for (int i = 1; i < nc; i++)
        for (int j = i; j > 0 && w[j] > w[j - 1]; j--) {
            double t = w[j];
            w[j] = w[j - 1];
            w[j - 1] = t;
        }
    double urban = URBAN_SHARE * s->pop;
    for (int k = 0; k < nc; k++) {
        sy_city *c = SY_APPEND(s->city);
        if (!c)
            return GR_ENOMEM;
        c->pop = (double)sy_lround(urban * w[k] / sum);
        c->radius_km = (double)sy_lround(10.0 * sqrt(c->pop / (PI * CITY_DENSITY))) / 10.0;
        if (c->radius_km < 1.0)
            c->radius_km = 1.0;
        city_name(s, k, c->name, sizeof c->name);
        /* centre: inside a margin, apart from earlier cities */
        double rk = c->radius_km / SY_UNIT_KM;
        double sep = 0.45 * (double)s->w / sqrt((double)nc);
        int margin = (int)sy_lround(rk) + 50, lo = s->w / 12 > margin ? s->w / 12 : margin;
        if (lo > s->w / 2)
            lo = s->w / 2;
        for (int tries = 0;; tries++) {
            c->x = coord(s, lo, s->w - lo);
            c->y = coord(s, lo, s->w - lo);
            int ok = 1;
            for (int j = 0; j < k && ok; j++) {
                double dmin = rk + s->city.v[j].radius_km / SY_UNIT_KM + sep;
                ok = (double)sy_d2(c->x, c->y, s->city.v[j].x, s->city.v[j].y) >= dmin * dmin;
            }
            if (ok || tries >= 3000)
                break; /* crowded region: accept the overlap rather than loop */
            if (tries % 100 == 99)
                sep *= 0.8;
        }
    }
    return GR_OK;
}

/* ---- plants: sizes and types (sites come later) ---- */
static int add_plant(sy_state *s, int type, int city, int nunit, double unit_mw)
{
    sy_plant *p = SY_APPEND(s->plant);
    if (!p)
        return GR_ENOMEM;
    *p = (sy_plant){.type = type, .bus = -1, .sub = -1, .city = city, .nunit = nunit, .unit_mw = unit_mw};
    return GR_OK;
}

/* Plants of one type sharing mw equally, about plant_mw each (at least one
 * plant), each of whole-MW units below unit_max_mw; adds their capacity to
 * *used. */
static int add_plant_group(sy_state *s, int type, int city, double mw, double plant_mw, double unit_max_mw,
                           double *used)
{
    int st, np = (int)sy_lround(mw / plant_mw);
    if (np < 1)
        np = 1;
    for (int k = 0; k < np; k++) {
        double pm = mw / np;
        int nu = (int)(pm / unit_max_mw) + 1;
        double um = (double)sy_lround(pm / nu);
        if ((st = add_plant(s, type, city, nu, um)))
            return st;
        *used += nu * um;
    }
    return GR_OK;
}

static int plan_plants(sy_state *s)
{
    double cap = s->opt.capacity_ratio * s->peak_mw, used = 0.0;
    int st;
    /* nuclear: VVER-1000 units in big systems, VVER-440 in middling ones */
    double unit = s->peak_mw >= 4000.0 ? 1000.0 : (s->peak_mw >= 1200.0 ? 440.0 : 0.0);
    if (unit > 0.0) {
        int nu = (int)sy_lround(0.33 * cap / unit);
        if (nu < 1)
            nu = 1;
        int npp = (nu + 5) / 6;
        for (int k = 0; k < npp; k++) {
            int n = nu / npp + (k < nu % npp ? 1 : 0);
            if ((st = add_plant(s, GR_PLANT_NUCLEAR, -1, n, unit)))
                return st;
            used += n * unit;
        }
    }
    /* CHP: cities of 150 000 people and more, sized by their heated people */
    for (int c = 0; c < s->city.n; c++) {
        double pop = s->city.v[c].pop;
        if (pop < 150000.0)
            continue;
        double mw = DH_SHARE * pop * CHP_KW_PER_HEATED / 1000.0;
        if ((st = add_plant_group(s, GR_PLANT_CHP, c, mw, 300.0, 120.0, &used)))
            return st;
    }
    /* hydro: a river cascade, 10 % of the capacity */
    double hydro = 0.10 * cap;
    if (hydro >= 40.0 && (st = add_plant_group(s, GR_PLANT_HYDRO, -1, hydro, 400.0, 100.0, &used)))
        return st;
    /* thermal: the rest, in plants of about six standard units */
    double rem = cap - used;
    if (rem < 0.15 * cap)
        rem = 0.15 * cap;
    double tu = s->peak_mw >= 3000.0 ? 300.0 : (s->peak_mw >= 800.0 ? 200.0 : 100.0);
    if (rem < 2.0 * tu)
        tu = (double)sy_lround(rem / 2.0);
    if (tu < 1.0)
        tu = 1.0;
    int tot = (int)sy_lround(rem / tu), ntpp = (int)sy_lround(rem / (6.0 * tu));
    if (tot < 1)
        tot = 1;
    if (ntpp < 1)
        ntpp = 1;
    if (ntpp > tot)
        ntpp = tot;
    for (int k = 0; k < ntpp; k++) {
        int n = tot / ntpp + (k < tot % ntpp ? 1 : 0);
        if ((st = add_plant(s, GR_PLANT_THERMAL, -1, n, tu)))
            return st;
    }
    return GR_OK;
}

/* Level of a plant's switchyard. */
static int plant_level(const sy_state *s, const sy_plant *p)
{
    double mw = p->nunit * p->unit_mw;
    switch (p->type) {
    case GR_PLANT_NUCLEAR: return s->has750 ? SY_L750 : SY_L330;
    case GR_PLANT_THERMAL: return SY_L330;
    default: return mw >= 300.0 ? SY_L330 : SY_L110;
    }
}

/* ---- buses and substations ---- */
static int add_sub(sy_state *s, int kind, int x, int y, int city)
{
    sy_sub *b = SY_APPEND(s->sub);
    if (!b)
        return GR_ENOMEM;
    *b = (sy_sub){.kind = kind, .x = x, .y = y, .city = city, .bus = {-1, -1, -1}};
    return GR_OK;
}

static int add_bus(sy_state *s, int level, int sub, int city, double pop)
{
    sy_bus *b = SY_APPEND(s->bus);
    if (!b)
        return GR_ENOMEM;
    sy_sub *sb = &s->sub.v[sub];
    *b = (sy_bus){.level = level, .x = sb->x, .y = sb->y, .sub = sub, .city = city, .plant = -1, .pop = pop,
                  .heat = -1};
    sb->bus[level] = s->bus.n - 1;
    return GR_OK;
}

/* Place load points: urban ones in city discs, rural ones evenly outside. */
static int make_load_points(sy_state *s, int n_load, sgrid *h110)
{
    int st, nc = s->city.n;
    double urban = 0.0;
    for (int c = 0; c < nc; c++)
        urban += s->city.v[c].pop;
    int n_u = nc > 0 ? (int)sy_lround(URBAN_POINT_SHARE * n_load) : 0;
    int m[4096], msum = 0;
    for (int c = 0; c < nc; c++) {
        m[c] = (int)sy_lround(n_u * s->city.v[c].pop / urban);
        if (m[c] < 1)
            m[c] = 1;
        msum += m[c];
    }
    if (nc > 0) {
        m[0] += n_u - msum; /* the largest city absorbs the rounding */
        if (m[0] < 1)
            m[0] = 1;
        msum = 0;
        for (int c = 0; c < nc; c++)
            msum += m[c];
    }
    int n_r = n_load - msum;
    if (n_r < 1)
        return gr_error_set(s->err, GR_EINVAL, "synth: too few buses for %d cities", nc);
    /* urban points */
    for (int c = 0; c < nc; c++) {
        sy_city *ci = &s->city.v[c];
        double r = ci->radius_km / SY_UNIT_KM, wsum = 0.0;
        int first = s->bus.n, sp = 5;
        for (int k = 0; k < m[c]; k++) {
            int x, y, tries = 0;
            do {
                disc_point(s, ci->x, ci->y, r, &x, &y);
                if (++tries % 50 == 0 && sp > 1)
                    sp--;
            } while (!sgrid_free_at(h110, x, y, sp) && tries < 2000);
            if ((st = add_sub(s, GR_SUB_DISTRIBUTION, x, y, c)) ||
                (st = add_bus(s, SY_L110, s->sub.n - 1, c, 0.6 + 0.8 * unif(s))) ||
                (st = sgrid_add(h110, x, y)))
                return st;
            wsum += s->bus.v[s->bus.n - 1].pop;
        }
        /* people in proportion to the weights, the last point takes the rest */
        double left = ci->pop;
        for (int b = first; b < s->bus.n; b++) {
            double p = b + 1 < s->bus.n ? (double)sy_lround(ci->pop * s->bus.v[b].pop / wsum) : left;
            if (p > left)
                p = left;
            s->bus.v[b].pop = p;
            left -= p;
        }
    }
    /* rural points: outside the cities, spread by a minimum spacing */
    double rural = s->pop - urban, wsum = 0.0;
    int first = s->bus.n;
    double area = (double)s->w * (double)s->w;
    int sp = (int)sy_lround(0.45 * sqrt(area / n_r));
    int lo = s->w / 50, hi = s->w - s->w / 50;
    for (int k = 0; k < n_r; k++) {
        int x, y, tries = 0, ok;
        do {
            x = coord(s, lo, hi);
            y = coord(s, lo, hi);
            ok = sgrid_free_at(h110, x, y, sp);
            for (int c = 0; c < nc && ok; c++) {
                double rr = s->city.v[c].radius_km / SY_UNIT_KM + 10.0;
                ok = (double)sy_d2(x, y, s->city.v[c].x, s->city.v[c].y) > rr * rr;
            }
            if (++tries % 100 == 0 && sp > 2)
                sp = sp * 9 / 10;
        } while (!ok && tries < 5000);
        if ((st = add_sub(s, GR_SUB_DISTRIBUTION, x, y, -1)) ||
            (st = add_bus(s, SY_L110, s->sub.n - 1, -1, 0.5 + unif(s))) ||
            (st = sgrid_add(h110, x, y)))
            return st;
        wsum += s->bus.v[s->bus.n - 1].pop;
    }
    double left = rural;
    for (int b = first; b < s->bus.n; b++) {
        double p = b + 1 < s->bus.n ? (double)sy_lround(rural * s->bus.v[b].pop / wsum) : left;
        if (p > left)
            p = left;
        if (p < 0.0)
            p = 0.0;
        s->bus.v[b].pop = p;
        left -= p;
    }
    return GR_OK;
}

/* Weighted k-means (k-means++ start, Lloyd steps) of points (x, y, w); the
 * centres are then snapped to distinct points. chosen[k] gets a point index. */
static int kmeans_pick(sy_state *s, const int *x, const int *y, const double *w, int n, int k,
                       int *chosen)
{
    double *cx = gr_malloc((size_t)k * sizeof *cx), *cy = gr_malloc((size_t)k * sizeof *cy);
    double *d2 = gr_malloc((size_t)n * sizeof *d2), *sw = gr_malloc((size_t)k * 3 * sizeof *sw);
    int *asg = gr_malloc((size_t)n * sizeof *asg);
    unsigned char *taken = gr_calloc((size_t)n, 1);
    int st = GR_ENOMEM;
    if (!cx || !cy || !d2 || !sw || !asg || !taken)
        goto done;
    /* k-means++ seeding, weighted by w * D^2 */
    double tot = 0.0;
    for (int i = 0; i < n; i++)
        tot += w[i];
    double r = unif(s) * tot, acc = 0.0;
    int first = n - 1;
    for (int i = 0; i < n; i++) {
        acc += w[i];
        if (acc > r) {
            first = i;
            break;
        }
    }
    cx[0] = x[first];
    cy[0] = y[first];
    for (int i = 0; i < n; i++)
        d2[i] = (double)sy_d2(x[i], y[i], x[first], y[first]);
    for (int c = 1; c < k; c++) {
        double sum = 0.0;
        for (int i = 0; i < n; i++)
            sum += w[i] * d2[i];
        int pick = n - 1;
        if (sum > 0.0) {
            r = unif(s) * sum;
            acc = 0.0;
            for (int i = 0; i < n; i++) {
                acc += w[i] * d2[i];
                if (acc > r) {
                    pick = i;
                    break;
                }
            }
        } else {
            pick = sy_rand_int(&s->rng, n);
        }
        cx[c] = x[pick];
        cy[c] = y[pick];
        for (int i = 0; i < n; i++) {
            double d = (double)sy_d2(x[i], y[i], x[pick], y[pick]);
            if (d < d2[i])
                d2[i] = d;
        }
    }
    /* Lloyd steps */
    for (int it = 0; it < 8; it++) {
        for (int c = 0; c < 3 * k; c++)
            sw[c] = 0.0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bd = 0.0;
            for (int c = 0; c < k; c++) {
                double dx = (double)x[i] - cx[c], dy = (double)y[i] - cy[c];
                double d = dx * dx + dy * dy;
                if (c == 0 || d < bd) {
                    bd = d;
                    best = c;
                }
            }
            asg[i] = best;
            sw[3 * best] += w[i];
            sw[3 * best + 1] += w[i] * x[i];
            sw[3 * best + 2] += w[i] * y[i];
        }
        for (int c = 0; c < k; c++)
            if (sw[3 * c] > 0.0) {
                cx[c] = (double)sy_lround(sw[3 * c + 1] / sw[3 * c]);
                cy[c] = (double)sy_lround(sw[3 * c + 2] / sw[3 * c]);
            }
    }
    /* snap, heaviest cluster first */
    for (int c = 0; c < k; c++)
        chosen[c] = -1;
    for (int done = 0; done < k; done++) {
        int c = -1;
        for (int j = 0; j < k; j++)
            if (chosen[j] < 0 && (c < 0 || sw[3 * j] > sw[3 * c]))
                c = j;
        int best = -1;
        double bd = 0.0;
        for (int i = 0; i < n; i++) {
            if (taken[i])
                continue;
            double dx = (double)x[i] - cx[c], dy = (double)y[i] - cy[c];
            double d = dx * dx + dy * dy;
            if (best < 0 || d < bd) {
                bd = d;
                best = i;
            }
        }
        chosen[c] = best;
        taken[best] = 1;
    }
    st = GR_OK;
done:
    gr_free(cx);
    gr_free(cy);
    gr_free(d2);
    gr_free(sw);
    gr_free(asg);
    gr_free(taken);
    return st;
}

/* 330 kV substations at load centres; 750 kV ones among them. */
static int make_transmission(sy_state *s, sgrid *h330, sgrid *h750)
{
    int n = s->bus.n, k = s->n330, st = GR_ENOMEM;
    int *x = gr_malloc((size_t)n * sizeof *x), *y = gr_malloc((size_t)n * sizeof *y);
    double *w = gr_malloc((size_t)n * sizeof *w);
    int *chosen = gr_malloc((size_t)(k > 0 ? k : 1) * sizeof *chosen);
    int *s330 = NULL;
    if (!x || !y || !w || !chosen)
        goto done;
    for (int i = 0; i < n; i++) {
        x[i] = s->bus.v[i].x;
        y[i] = s->bus.v[i].y;
        /* sqrt: coverage of the countryside counts as well as people */
        w[i] = sqrt(s->bus.v[i].pop + 1.0);
    }
    if ((st = kmeans_pick(s, x, y, w, n, k, chosen)))
        goto done;
    s330 = gr_malloc((size_t)k * sizeof *s330);
    if (!s330) {
        st = GR_ENOMEM;
        goto done;
    }
    for (int c = 0; c < k; c++) {
        int b = chosen[c], sub = s->bus.v[b].sub;
        s->sub.v[sub].kind = GR_SUB_TRANSMISSION;
        if ((st = add_bus(s, SY_L330, sub, -1, 0.0)) ||
            (st = sgrid_add(h330, s->sub.v[sub].x, s->sub.v[sub].y)))
            goto done;
        s330[c] = sub;
    }
    if (s->n750 > 0) {
        /* weight of a 330 kV substation: people of the load points nearest to it */
        for (int c = 0; c < k; c++) {
            x[c] = s->sub.v[s330[c]].x;
            y[c] = s->sub.v[s330[c]].y;
            w[c] = 1.0;
        }
        for (int i = 0; i < n; i++) {
            int best = 0;
            int64_t bd = 0;
            for (int c = 0; c < k; c++) {
                int64_t d = sy_d2(s->bus.v[i].x, s->bus.v[i].y, x[c], y[c]);
                if (c == 0 || d < bd) {
                    bd = d;
                    best = c;
                }
            }
            w[best] += s->bus.v[i].pop;
        }
        int k7 = s->n750 < k ? s->n750 : k;
        if ((st = kmeans_pick(s, x, y, w, k, k7, chosen)))
            goto done;
        for (int c = 0; c < k7; c++) {
            int sub = s330[chosen[c]];
            if ((st = add_bus(s, SY_L750, sub, -1, 0.0)) ||
                (st = sgrid_add(h750, s->sub.v[sub].x, s->sub.v[sub].y)))
                goto done;
        }
        s->n750 = k7;
    }
    st = GR_OK;
done:
    gr_free(x);
    gr_free(y);
    gr_free(w);
    gr_free(chosen);
    gr_free(s330);
    return st;
}

/* Minimum distance (0.1 km) from (x, y) to the edge of any city disc. */
static double city_clearance(const sy_state *s, int x, int y)
{
    double best = 1e18;
    for (int c = 0; c < s->city.n; c++) {
        double d = sy_dist_km(x, y, s->city.v[c].x, s->city.v[c].y) / SY_UNIT_KM -
                   s->city.v[c].radius_km / SY_UNIT_KM;
        if (d < best)
            best = d;
    }
    return best;
}

static int pick_city_weighted(sy_state *s)
{
    double tot = 0.0;
    for (int c = 0; c < s->city.n; c++)
        tot += s->city.v[c].pop;
    double r = unif(s) * tot, acc = 0.0;
    for (int c = 0; c < s->city.n; c++) {
        acc += s->city.v[c].pop;
        if (acc > r)
            return c;
    }
    return s->city.n - 1;
}

static int place_plants(sy_state *s, sgrid **hl)
{
    int st, nnuc = 0, nhyd = 0, khyd = 0;
    int W = s->w;
    double cxp = 0.0, cyp = 0.0, pt = 0.0;
    for (int b = 0; b < s->bus.n; b++) {
        cxp += s->bus.v[b].pop * s->bus.v[b].x;
        cyp += s->bus.v[b].pop * s->bus.v[b].y;
        pt += s->bus.v[b].pop;
    }
    if (pt > 0.0) {
        cxp /= pt;
        cyp /= pt;
    } else {
        cxp = cyp = W / 2.0;
    }
    for (int p = 0; p < s->plant.n; p++)
        if (s->plant.v[p].type == GR_PLANT_HYDRO)
            nhyd++;
    /* the river: a straight line from the west edge to the east edge */
    int ry0 = (int)sy_lround((0.2 + 0.6 * unif(s)) * W), ry1 = (int)sy_lround((0.2 + 0.6 * unif(s)) * W);
    for (int p = 0; p < s->plant.n; p++) {
        sy_plant *pl = &s->plant.v[p];
        int lev = plant_level(s, pl), x = W / 2, y = W / 2, sp = 30;
        sgrid *h = hl[lev];
        if (pl->type == GR_PLANT_NUCLEAR) {
            /* far from cities (up to a cap), then close to the load centre */
            double cap = 0.15 * W > 400.0 ? 0.15 * W : 400.0, best = -1e30;
            for (int t = 0; t < 96; t++) {
                int cx = coord(s, W / 12, W - W / 12), cy = coord(s, W / 12, W - W / 12);
                double clr = city_clearance(s, cx, cy);
                if (clr > cap)
                    clr = cap;
                for (int q = 0; q < p; q++)
                    if (s->plant.v[q].type == GR_PLANT_NUCLEAR &&
                        sy_dist_km(cx, cy, s->plant.v[q].x, s->plant.v[q].y) < 0.25 * W * SY_UNIT_KM)
                        clr -= 1e6;
                double dx = cx - cxp, dy = cy - cyp;
                double score = clr - 0.25 * sqrt(dx * dx + dy * dy);
                if (!sgrid_free_at(h, cx, cy, sp))
                    score -= 1e9;
                if (score > best) {
                    best = score;
                    x = cx;
                    y = cy;
                }
            }
            nnuc++;
        } else if (pl->type == GR_PLANT_THERMAL) {
            /* near a city, outside it */
            int c = s->city.n > 0 ? pick_city_weighted(s) : -1;
            for (int t = 0; t < 400; t++) {
                if (c >= 0) {
                    double r0 = s->city.v[c].radius_km / SY_UNIT_KM + 80.0;
                    disc_point(s, s->city.v[c].x, s->city.v[c].y, r0 + 270.0, &x, &y);
                    if ((double)sy_d2(x, y, s->city.v[c].x, s->city.v[c].y) < r0 * r0)
                        continue;
                } else {
                    x = coord(s, W / 10, W - W / 10);
                    y = coord(s, W / 10, W - W / 10);
                }
                if (x < W / 30 || x > W - W / 30 || y < W / 30 || y > W - W / 30)
                    continue;
                if (city_clearance(s, x, y) < 20.0)
                    continue;
                if (sgrid_free_at(h, x, y, t < 200 ? sp : 5))
                    break;
            }
        } else if (pl->type == GR_PLANT_HYDRO) {
            for (int t = 0; t < 400; t++) {
                double f = ((double)khyd + 0.25 + 0.5 * unif(s)) / nhyd;
                x = clampi((int)sy_lround(f * W), 0, W);
                y = clampi((int)sy_lround(ry0 + f * (ry1 - ry0)), 0, W);
                if (city_clearance(s, x, y) >= 20.0 && sgrid_free_at(h, x, y, t < 200 ? sp : 5))
                    break;
            }
            khyd++;
        } else { /* CHP inside its city */
            sy_city *ci = &s->city.v[pl->city];
            for (int t = 0; t < 400; t++) {
                disc_point(s, ci->x, ci->y, 0.6 * ci->radius_km / SY_UNIT_KM, &x, &y);
                if (sgrid_free_at(h, x, y, t < 200 ? 10 : 2))
                    break;
            }
        }
        pl->x = x;
        pl->y = y;
        if ((st = add_sub(s, GR_SUB_PLANT, x, y, pl->type == GR_PLANT_CHP ? pl->city : -1)) ||
            (st = add_bus(s, lev, s->sub.n - 1, pl->type == GR_PLANT_CHP ? pl->city : -1, 0.0)) ||
            (st = sgrid_add(h, x, y)))
            return st;
        pl->sub = s->sub.n - 1;
        pl->bus = s->bus.n - 1;
        s->bus.v[pl->bus].plant = p;
    }
    return GR_OK;
}

/* Names of substations and plants, from the nearest city. */
static int nearest_city(const sy_state *s, int x, int y)
{
    int best = -1;
    int64_t bd = 0;
    for (int c = 0; c < s->city.n; c++) {
        int64_t d = sy_d2(x, y, s->city.v[c].x, s->city.v[c].y);
        if (best < 0 || d < bd) {
            bd = d;
            best = c;
        }
    }
    return best;
}

static void name_things(sy_state *s)
{
    int count[GR_PLANT_N] = {0};
    static const char *const tag[GR_PLANT_N] = {"NPP", "TPP", "CHP", "HPP", "GPP", "WPP",
                                                "SPP", "PP"};
    for (int p = 0; p < s->plant.n; p++) {
        sy_plant *pl = &s->plant.v[p];
        int c = pl->city >= 0 ? pl->city : nearest_city(s, pl->x, pl->y);
        count[pl->type]++;
        snprintf(pl->name, sizeof pl->name, "%s %s-%d", c >= 0 ? s->city.v[c].name : "Region",
                 tag[pl->type], count[pl->type]);
        snprintf(s->sub.v[pl->sub].name, sizeof s->sub.v[pl->sub].name, "%s", pl->name);
    }
    int k7 = 0, k3 = 0, k1 = 0;
    for (int i = 0; i < s->sub.n; i++) {
        sy_sub *b = &s->sub.v[i];
        if (b->kind == GR_SUB_PLANT)
            continue;
        if (b->bus[SY_L750] >= 0)
            snprintf(b->name, sizeof b->name, "SS750-%d", ++k7);
        else if (b->bus[SY_L330] >= 0)
            snprintf(b->name, sizeof b->name, "SS330-%d", ++k3);
        else
            snprintf(b->name, sizeof b->name, "SS110-%d", ++k1);
    }
}

/* Load, heat districts and critical facilities of the load buses. */
static int make_loads(sy_state *s)
{
    double kw = s->opt.kw_per_person, pf = s->opt.load_pf;
    double tanphi = sqrt(1.0 - pf * pf) / pf;
    /* heat districts: one per CHP plant */
    for (int p = 0; p < s->plant.n; p++) {
        if (s->plant.v[p].type != GR_PLANT_CHP)
            continue;
        sy_heat *h = SY_APPEND(s->heat);
        if (!h)
            return GR_ENOMEM;
        *h = (sy_heat){.city = s->plant.v[p].city, .plant = p, .pop = 0.0};
    }
    for (int b = 0; b < s->bus.n; b++) {
        sy_bus *bu = &s->bus.v[b];
        if (bu->pop <= 0.0)
            continue;
        bu->pd = sy_round6(bu->pop * kw / 1000.0);
        bu->qd = sy_round6(bu->pd * tanphi);
        if (bu->city >= 0) {
            int best = -1;
            int64_t bd = 0;
            for (int h = 0; h < s->heat.n; h++) {
                if (s->heat.v[h].city != bu->city)
                    continue;
                const sy_plant *pl = &s->plant.v[s->heat.v[h].plant];
                int64_t d = sy_d2(bu->x, bu->y, pl->x, pl->y);
                if (best < 0 || d < bd) {
                    bd = d;
                    best = h;
                }
            }
            if (best >= 0) {
                bu->heat = best;
                bu->heat_pop = (double)sy_lround(DH_SHARE * bu->pop);
                s->heat.v[best].pop += bu->heat_pop;
            }
        }
        /* counts: whole part plus a draw for the fraction */
        double rate[GR_FAC_N];
        rate[GR_FAC_HOSPITAL] = bu->pop / PEOPLE_PER_HOSPITAL;
        rate[GR_FAC_WATER] = bu->pop / PEOPLE_PER_WATER;
        rate[GR_FAC_HEATING] = bu->city >= 0 ? DH_SHARE * bu->pop / HEATED_PER_HEATING : 0.0;
        double crit = 0.0;
        for (int f = 0; f < GR_FAC_N; f++) {
            int n = (int)rate[f];
            if (unif(s) < rate[f] - n)
                n++;
            bu->fac[f] = n;
            crit += n * fac_mw[f];
        }
        /* critical load stays at most half of the bus load */
        for (int f = GR_FAC_N - 1; f >= 0 && crit > CRIT_MAX_SHARE * bu->pd; f--)
            while (bu->fac[f] > 0 && crit > CRIT_MAX_SHARE * bu->pd) {
                bu->fac[f]--;
                crit -= fac_mw[f];
            }
    }
    return GR_OK;
}

/* A defended zone: a disc of radius_km around (x, y), in city (or -1),
 * named "<what> air defence". */
static int add_zone(sy_state *s, int city, int x, int y, double radius_km, const char *what)
{
    sy_zone *z = SY_APPEND(s->zone);
    if (!z)
        return GR_ENOMEM;
    *z = (sy_zone){.city = city, .x = x, .y = y, .radius_km = radius_km};
    snprintf(z->name, sizeof z->name, "%s air defence", what);
    return GR_OK;
}

/* A crew base of `crews` crews at substation sub, named "<what> crew base". */
static int add_crew_base(sy_state *s, int sub, int crews, const char *what)
{
    sy_crew *cr = SY_APPEND(s->crew);
    if (!cr)
        return GR_ENOMEM;
    *cr = (sy_crew){.sub = sub, .x = s->sub.v[sub].x, .y = s->sub.v[sub].y, .crews = crews};
    snprintf(cr->name, sizeof cr->name, "%s crew base", what);
    return GR_OK;
}

static int make_zones_crews(sy_state *s)
{
    int st;
    for (int c = 0; c < s->city.n; c++) {
        const sy_city *ct = &s->city.v[c];
        if ((st = add_zone(s, c, ct->x, ct->y, ct->radius_km + 15.0, ct->name)))
            return st;
    }
    for (int p = 0; p < s->plant.n; p++) {
        const sy_plant *pl = &s->plant.v[p];
        if (pl->type == GR_PLANT_NUCLEAR && (st = add_zone(s, -1, pl->x, pl->y, 15.0, pl->name)))
            return st;
    }
    /* crew bases: one per city at its transmission substation nearest the
     * centre (else the nearest substation), then rural ones so that every
     * transmission substation has a base within 100 km */
    for (int c = 0; c < s->city.n; c++) {
        int best = -1, bt = 0;
        int64_t bd = 0;
        for (int i = 0; i < s->sub.n; i++) {
            int tr = s->sub.v[i].kind == GR_SUB_TRANSMISSION;
            int64_t d = sy_d2(s->sub.v[i].x, s->sub.v[i].y, s->city.v[c].x, s->city.v[c].y);
            double rr = s->city.v[c].radius_km / SY_UNIT_KM + 100.0;
            if (tr && (double)d > rr * rr)
                tr = 0;
            if (best < 0 || tr > bt || (tr == bt && d < bd)) {
                best = i;
                bd = d;
                bt = tr;
            }
        }
        if ((st = add_crew_base(s, best, 2 + (int)(s->city.v[c].pop / 400000.0), s->city.v[c].name)))
            return st;
    }
    for (int i = 0; i < s->sub.n; i++) {
        if (s->sub.v[i].kind != GR_SUB_TRANSMISSION)
            continue;
        int covered = 0;
        for (int k = 0; k < s->crew.n && !covered; k++)
            covered = sy_d2(s->sub.v[i].x, s->sub.v[i].y, s->crew.v[k].x, s->crew.v[k].y) <=
                      (int64_t)1000 * 1000;
        if (!covered && (st = add_crew_base(s, i, 2, s->sub.v[i].name)))
            return st;
    }
    return GR_OK;
}

int sy_geo(sy_state *s)
{
    sgrid h[SY_NLEVEL];
    sgrid *hl[SY_NLEVEL] = {&h[0], &h[1], &h[2]};
    int st;
    memset(h, 0, sizeof h);
    if ((st = make_cities(s)) || (st = plan_plants(s)))
        return st;
    int n_load = s->opt.n_bus - s->n330 - s->n750 - s->plant.n;
    if (n_load < 2 * s->n330 + 2)
        return gr_error_set(s->err, GR_EINVAL, "synth: %d buses are too few for this region",
                            s->opt.n_bus);
    for (int l = 0; l < SY_NLEVEL; l++)
        if ((st = sgrid_init(&h[l], s->w, 100)))
            goto done;
    if ((st = make_load_points(s, n_load, &h[SY_L110])) ||
        (st = make_transmission(s, &h[SY_L330], &h[SY_L750])) || (st = place_plants(s, hl)))
        goto done;
    name_things(s);
    if ((st = make_loads(s)) || (st = make_zones_crews(s)))
        goto done;
    st = GR_OK;
done:
    for (int l = 0; l < SY_NLEVEL; l++)
        sgrid_free(&h[l]);
    return st;
}

double sy_fac_mw(int f) { return f >= 0 && f < GR_FAC_N ? fac_mw[f] : 0.0; }
