/* frequency.c — low-order system frequency response (SFR) model: closed-form step response, nadir, its time and the initial RoCoF.
 *
 * DESIGN (docs/models.md "Frequency response")
 *   Anderson & Mirheydar, "A low-order system frequency response model",
 *   IEEE Trans. Power Systems 5(3):720-729, 1990. One aggregate machine of
 *   inertia H, load damping D, a reheat-steam governor of droop R, reheat
 *   time T_R, high-pressure fraction F_H and gain Km, per unit on the
 *   island's base S. For a step deficit p (pu of S) at t = 0:
 *     Δω(s) = -(p/s) (1/(2H T_R)) (1 + T_R s) / (s² + 2ζω_n s + ω_n²),
 *     ω_n² = (DR + Km) / (2HRT_R),  2ζω_n = (2HR + (DR + Km F_H) T_R) / (2HRT_R).
 *   With y(t) the step response of (1 + T_R s) / (s (s² + 2ζω_n s + ω_n²)),
 *   the deviation below f0 is p y(t) / (2H T_R). Underdamped (ζ < 1), with
 *   a = ζω_n and w = ω_n √(1 - ζ²):
 *     y(t) = A + e^{-at} (B cos wt + C sin wt),  A = 1/ω_n², B = -A,
 *     C = (T_R - aA) / w   (y(0) = 0, y'(0) = T_R);
 *   y'(t) = e^{-at} (T_R cos wt - (aC + wB) sin wt), so the nadir is at
 *     t_z = atan2(T_R, aC + wB) / w,
 *   the same instant as A&M's eq. (13), t_z = atan(ω_r T_R / (ζω_n T_R - 1)) / ω_r
 *   taken in (0, π/ω_r). Overdamped: y = A + c1 e^{r1 t} + c2 e^{r2 t} over
 *   the real roots, nadir where y' = 0 if that has a root t > 0, else the
 *   settling value p R / (DR + Km) (A&M eq. (9)). The initial rate of
 *   change is p / (2H) (the swing equation at t = 0+). */
#include <math.h>

#include "gridres.h"

void gr_sfr_params_default(gr_sfr_params *p)
{
    /* Anderson & Mirheydar 1990, the typical reheat-steam system of their Table 1 */
    p->h_s = 4.0;
    p->r = 0.05;
    p->t_r_s = 8.0;
    p->f_h = 0.3;
    p->km = 0.95;
    /* ENTSO-E, "Rate of change of frequency (RoCoF) withstand capability",
     * Guidance document for national implementation of network codes on grid
     * connection, 2018: 1 Hz/s over a 500 ms window as the reference for
     * loss-of-mains (RoCoF) protection of units */
    p->rocof_trip_hz_s = 1.0;
    /* Continental Europe: ~300+ GW of demand served synchronously (ENTSO-E
     * statistics); reference incident 3000 MW, frequency containment reserve
     * fully activated at 200 mHz (ENTSO-E System Operation Guideline, Reg.
     * 2017/1485, Annex V) */
    p->sync_system_mw = 300000.0;
    p->sync_h_s = 4.0;
    p->sync_fcr_mw = 3000.0;
    p->sync_fcr_hz = 0.2;
}

static int check(const gr_sfr_model *m, gr_error *err)
{
    if (!(m->h_s > 0.0) || !(m->r > 0.0) || !(m->t_r_s > 0.0) || !(m->f_h >= 0.0) ||
        !(m->f_h <= 1.0) || !(m->km >= 0.0) || !(m->d >= 0.0) || !isfinite(m->h_s + m->r +
                                                                            m->t_r_s + m->km + m->d))
        return gr_error_set(err, GR_EINVAL,
                            "frequency model: H %g s, R %g, T_R %g s must be > 0, F_H %g in "
                            "[0, 1], Km %g and D %g >= 0",
                            m->h_s, m->r, m->t_r_s, m->f_h, m->km, m->d);
    return GR_OK;
}

/* The polynomial s² + a1 s + a0 of the model and the gain 1/(2H T_R). */
typedef struct sfr_poly {
    double a1, a0, gain;
    int under;          /* complex roots */
    double a, w;        /* underdamped: -a ± jw */
    double r1, r2;      /* overdamped: real roots */
} sfr_poly;

static void poly(const gr_sfr_model *m, sfr_poly *q)
{
    double a2 = 2.0 * m->h_s * m->r * m->t_r_s;
    q->a1 = (2.0 * m->h_s * m->r + (m->d * m->r + m->km * m->f_h) * m->t_r_s) / a2;
    q->a0 = (m->d * m->r + m->km) / a2;
    q->gain = 1.0 / (2.0 * m->h_s * m->t_r_s);
    q->a = 0.5 * q->a1;
    double disc = q->a * q->a - q->a0;
    q->under = disc <= 1e-12 * q->a0;
    if (q->under) {
        q->w = sqrt(fmax(-disc, 1e-12 * q->a0));
    } else {
        double sq = sqrt(disc);
        q->r1 = -q->a + sq;
        q->r2 = -q->a - sq;
    }
}

/* y(t) and y'(t) of (1 + T_R s) / (s (s² + a1 s + a0)); a0 > 0. */
static double y_at(const sfr_poly *q, double tr, double t, double *dy)
{
    double A = 1.0 / q->a0;
    if (q->under) {
        double B = -A, C = (tr - q->a * A) / q->w;
        double e = exp(-q->a * t), c = cos(q->w * t), s = sin(q->w * t);
        if (dy)
            *dy = e * (tr * c - (q->a * C + q->w * B) * s);
        return A + e * (B * c + C * s);
    }
    double c1 = (1.0 + tr * q->r1) / (q->r1 * (q->r1 - q->r2));
    double c2 = (1.0 + tr * q->r2) / (q->r2 * (q->r2 - q->r1));
    double e1 = exp(q->r1 * t), e2 = exp(q->r2 * t);
    if (dy)
        *dy = c1 * q->r1 * e1 + c2 * q->r2 * e2;
    return A + c1 * e1 + c2 * e2;
}

double gr_sfr_at(const gr_sfr_model *m, double p, double t_s)
{
    if (t_s <= 0.0)
        return 0.0;
    sfr_poly q;
    poly(m, &q);
    if (!(q.a0 > 0.0)) /* no damping, no governor: the frequency falls for ever */
        return p * t_s / (2.0 * m->h_s);
    return p * q.gain * y_at(&q, m->t_r_s, t_s, NULL);
}

int gr_sfr_step(const gr_sfr_model *m, double p, gr_sfr_response *out, gr_error *err)
{
    int st = check(m, err);
    if (st)
        return st;
    out->rocof_pu_s = p / (2.0 * m->h_s);
    out->nadir_pu = out->t_nadir_s = out->steady_pu = 0.0;
    if (!(p > 0.0))
        return GR_OK;
    sfr_poly q;
    poly(m, &q);
    if (!(q.a0 > 0.0)) {
        out->nadir_pu = out->steady_pu = HUGE_VAL;
        out->t_nadir_s = HUGE_VAL;
        return GR_OK;
    }
    double tr = m->t_r_s;
    out->steady_pu = p * m->r / (m->d * m->r + m->km);
    double tz = -1.0;
    if (q.under) {
        double A = 1.0 / q.a0, B = -A, C = (tr - q.a * A) / q.w;
        tz = atan2(tr, q.a * C + q.w * B) / q.w;
    } else {
        double c1 = (1.0 + tr * q.r1) / (q.r1 * (q.r1 - q.r2));
        double c2 = (1.0 + tr * q.r2) / (q.r2 * (q.r2 - q.r1));
        double ratio = -(c2 * q.r2) / (c1 * q.r1);
        if (c1 != 0.0 && ratio > 0.0)
            tz = log(ratio) / (q.r1 - q.r2);
    }
    double yz = tz > 0.0 ? y_at(&q, tr, tz, NULL) : 0.0;
    if (tz > 0.0 && p * q.gain * yz > out->steady_pu) {
        out->nadir_pu = p * q.gain * yz;
        out->t_nadir_s = tz;
    } else { /* no overshoot: the frequency settles monotonically */
        out->nadir_pu = out->steady_pu;
        out->t_nadir_s = HUGE_VAL;
    }
    return GR_OK;
}
