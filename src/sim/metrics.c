/* metrics.c — resilience metrics: the Panteli-Mancarella trapezoid of an event, erosion trends, Monte Carlo statistics (DESIGN §8).
 *
 * The trapezoid (Panteli, Mancarella et al., "Metrics and quantification of
 * operational and infrastructure resilience in power systems", IEEE TPWRS
 * 32(6), 2017) reads a resilience level curve R(t) — here the fraction of load
 * served — in four phases: the fall during the event (Φ, slope), how far it
 * falls (Λ), how long the system stays degraded at the bottom (E), and how
 * fast it recovers (Π); the area between R0 and R(t) is the resilience lost.
 * On a sampled curve the event starts at step t_event, the fall ends at the
 * first minimum, the degraded state lasts while R stays at that minimum, and
 * the recovery ends when R first reaches its final value. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"

/* Levels closer than this are the same (fractions of load). */
#define LEVEL_EPS 1e-9

int gr_trapezoid_compute(const double *level, int n, double dt_h, int t_event,
                         gr_trapezoid *out)
{
    if (!level || !out || n < 1 || t_event < 0 || t_event >= n || !(dt_h > 0.0))
        return GR_EINVAL;
    memset(out, 0, sizeof *out);
    double r0 = level[t_event > 0 ? t_event - 1 : 0];
    int t_min = t_event;
    for (int k = t_event + 1; k < n; k++)
        if (level[k] < level[t_min] - LEVEL_EPS)
            t_min = k;
    double r_min = level[t_min];
    if (r_min > r0) /* the event did not lower the level */
        r_min = r0;
    int j = t_min; /* end of the degraded plateau */
    while (j + 1 < n && level[j + 1] <= r_min + LEVEL_EPS)
        j++;
    double r_end = level[n - 1];
    int k_pr = j;
    if (r_end > r_min + LEVEL_EPS) {
        for (k_pr = j + 1; k_pr < n - 1; k_pr++)
            if (level[k_pr] >= r_end - LEVEL_EPS)
                break;
    }
    out->r0 = r0;
    out->r_min = r_min;
    out->r_end = r_end;
    out->t_oe = t_event * dt_h;
    out->t_ee = t_min * dt_h;
    out->t_or = j * dt_h;
    out->t_pr = k_pr * dt_h;
    out->lambda = r0 - r_min;
    out->phi = out->lambda / (out->t_ee - out->t_oe + dt_h);
    out->e_h = out->lambda > LEVEL_EPS ? out->t_or - out->t_ee + dt_h : 0.0;
    out->pi = k_pr > j ? (r_end - r_min) / (out->t_pr - out->t_or) : 0.0;
    double area = 0.0;
    for (int k = t_event; k < n; k++)
        area += fmax(r0 - level[k], 0.0) * dt_h;
    out->area = area;
    return GR_OK;
}

double gr_trend_slope(const double *y, int n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int m = 0;
    for (int k = 0; k < n; k++) {
        if (isnan(y[k]))
            continue;
        double x = k;
        sx += x;
        sy += y[k];
        sxx += x * x;
        sxy += x * y[k];
        m++;
    }
    if (m < 2)
        return 0.0;
    double den = m * sxx - sx * sx;
    return den != 0.0 ? (m * sxy - sx * sy) / den : 0.0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int gr_stats(const double *x, int n, const double *p, int np, double *out)
{
    double *v = gr_malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
    if (!v)
        return GR_ENOMEM;
    int m = 0;
    double sum = 0.0;
    for (int k = 0; k < n; k++)
        if (!isnan(x[k])) {
            v[m++] = x[k];
            sum += x[k];
        }
    if (m == 0) {
        for (int j = 0; j <= np; j++)
            out[j] = NAN;
        gr_free(v);
        return GR_OK;
    }
    qsort(v, (size_t)m, sizeof(double), cmp_double);
    out[0] = sum / m;
    for (int j = 0; j < np; j++) {
        double q = fmin(fmax(p[j], 0.0), 100.0) / 100.0 * (m - 1);
        int lo = (int)floor(q);
        int hi = lo + 1 < m ? lo + 1 : lo;
        double f = q - lo;
        out[1 + j] = v[lo] + f * (v[hi] - v[lo]);
    }
    gr_free(v);
    return GR_OK;
}

/* Worst-off share (docs/campaign.md "Outage queues"): sort by x from the
 * largest down and average over the first `share` of the total weight, the
 * element at the boundary with its fraction. */
typedef struct ws_item {
    double x, w;
} ws_item;

static int cmp_ws_desc(const void *a, const void *b)
{
    double x = ((const ws_item *)a)->x, y = ((const ws_item *)b)->x;
    return (x < y) - (x > y);
}

int gr_worst_share(const double *x, const double *w, int n, double share, double *out)
{
    *out = NAN;
    if (n < 0 || !(share > 0.0 && share <= 1.0))
        return GR_EINVAL;
    ws_item *v = gr_malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    if (!v)
        return GR_ENOMEM;
    double total = 0.0;
    int m = 0;
    for (int k = 0; k < n; k++) {
        if (w[k] < 0.0) {
            gr_free(v);
            return GR_EINVAL;
        }
        if (w[k] > 0.0 && !isnan(x[k])) {
            v[m++] = (ws_item){x[k], w[k]};
            total += w[k];
        }
    }
    if (total > 0.0) {
        qsort(v, (size_t)m, sizeof *v, cmp_ws_desc);
        double want = share * total, got = 0.0, sum = 0.0;
        for (int k = 0; k < m && got < want; k++) {
            double take = fmin(v[k].w, want - got);
            sum += take * v[k].x;
            got += take;
        }
        *out = sum / got;
    }
    gr_free(v);
    return GR_OK;
}
