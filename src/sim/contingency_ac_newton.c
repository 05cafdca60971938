/* contingency_ac_newton.c — chord-Newton of the AC engine on the base pattern: masks, the low-rank change through the base factors (DESIGN: contingency_ac.c). */
#include <math.h>
#include <string.h>

#include "sim/contingency_ac.h"

/* Refactor the Jacobian when a chord step reduces the mismatch by less than
 * this factor. A refactor (fill + klu_refactor) costs about seven chord steps
 * (case9241pegase: 4.3 ms against 0.62 ms, fitted from whole N-1 runs); over
 * its first 400 branch outages 0.1 gave 141 refactors and 2,067 steps, 0.2
 * 67 and 2,383, 0.3 40 and 2,530, 0.5 12 and 2,748: 0.3 is the least work
 * (about 8 % below 0.1; a rule on the predicted steps left did no better). */
#define CHORD_RATE 0.3
/* Chord steps allowed per Newton iteration of the options (max_iter). */
#define CHORD_STEPS_PER_ITER 3

/* ------------------------------------------------------------------------
 * The kernel: mismatch and Jacobian on the shared pattern, with masks.
 * Formulas as newton.c (MATPOWER TN2); a masked angle (mask_a) or magnitude
 * (mask_m) has an identity row and an empty column.
 * ------------------------------------------------------------------------ */

/* V = vm e^{j va} at the set's buses, exactly. */
void ctg_ac_voltage_exact(const nr_ws *w, ac_thread *t)
{
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        t->vr[k] = t->vm[k] * cos(t->va[k]);
        t->vi[k] = t->vm[k] * sin(t->va[k]);
    }
}

/* I = Y V over the set. */
void ctg_ac_compute_current(const nr_ws *w, ac_thread *t)
{
    const gr_csc *Y = &t->Y;
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        t->ir[k] = t->ii[k] = 0.0;
    }
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        double ar = t->vr[k], ai = t->vi[k];
        for (int q = Y->p[k]; q < Y->p[k + 1]; q++) {
            int i = Y->i[q];
            t->ir[i] += Y->x[q] * ar - Y->z[q] * ai;
            t->ii[i] += Y->x[q] * ai + Y->z[q] * ar;
        }
    }
}

/* F = S(V) - S_sched on unmasked rows from the current V; returns max |F|
 * (NaN if any is NaN). With the transposed values (sh->tpos) I_k = sum_i
 * Y_ki V_i is gathered bus by bus in the same pass as the mismatch (one
 * sweep of Y, no scattered stores); else I = Y V is scattered first. */
static double mismatch(const ac_shared *sh, const nr_ws *w, ac_thread *t)
{
    const double *sq = sh->sq;
    const int *Yp = t->Y.p, *Yi = t->Y.i;
    const double *gx = t->gx, *gz = t->gz, *vr = t->vr, *vi = t->vi;
    int gather = sh->tpos != NULL;
    if (!gather)
        ctg_ac_compute_current(w, t);
    double norm = 0.0;
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        double ir, ii;
        if (gather) {
            ir = ii = 0.0;
            for (int q = Yp[k]; q < Yp[k + 1]; q++) {
                int i = Yi[q];
                ir += gx[q] * vr[i] - gz[q] * vi[i];
                ii += gx[q] * vi[i] + gz[q] * vr[i];
            }
            t->ir[k] = ir;
            t->ii[k] = ii;
        } else {
            ir = t->ir[k];
            ii = t->ii[k];
        }
        if (w->arow[k] < 0)
            continue;
        double p = vr[k] * ir + vi[k] * ii;
        double q = vi[k] * ir - vr[k] * ii;
        double fp = t->mask_a[k] ? 0.0 : p - t->sp[k];
        t->F[w->arow[k]] = fp;
        if (!(fabs(fp) <= norm))
            norm = isnan(fp) ? NAN : fabs(fp);
        if (w->qrow[k] >= 0) {
            double fq = t->mask_m[k] ? 0.0 : q - sq[k];
            t->F[w->qrow[k]] = fq;
            if (!(fabs(fq) <= norm))
                norm = isnan(fq) ? NAN : fabs(fq);
        }
        if (isnan(norm))
            return NAN;
    }
    return norm;
}

/* The four derivatives of S_i by Va_k and Vm_k owed to Ybus entry (i, k) =
 * yr + j yz: d[0] = dP/dVa, d[1] = dP/dVm, d[2] = dQ/dVa, d[3] = dQ/dVm. */
static void entry_derivs(const ac_thread *t, int i, int k, double yr, double yz, double inv_vmk,
                         double d[4])
{
    double vrk = t->vr[k], vik = t->vi[k];
    double c = yr * vrk - yz * vik, dd = yr * vik + yz * vrk;   /* Y_ik V_k */
    double vri = t->vr[i], vii = t->vi[i];
    double e = vri * c + vii * dd, f = vii * c - vri * dd;      /* V_i conj(Y_ik V_k) */
    double ar = f, ai = -e, br = e * inv_vmk, bi = f * inv_vmk;
    if (i == k) {
        double sr = vri * t->ir[i] + vii * t->ii[i];            /* V_i conj(I_i) */
        double si = vii * t->ir[i] - vri * t->ii[i];
        ar += -si;
        ai += sr;
        br += sr * inv_vmk;
        bi += si * inv_vmk;
    }
    d[0] = ar;
    d[1] = br;
    d[2] = ai;
    d[3] = bi;
}

void ctg_ac_fill_jacobian(const nr_ws *w, ac_thread *t, int masked)
{
    const gr_csc *Y = &t->Y;
    double *Jx = t->Jx;
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        const int *slot = w->slot + 4 * w->yfirst[s];
        double inv_vmk = 1.0 / t->vm[k];
        for (int q = Y->p[k]; q < Y->p[k + 1]; q++, slot += 4) {
            int i = Y->i[q];
            double d[4];
            entry_derivs(t, i, k, Y->x[q], Y->z[q], inv_vmk, d);
            if (masked) {
                int pa = t->mask_a[i], pm = t->mask_m[i], ca = t->mask_a[k], cm = t->mask_m[k];
                if (pa || ca)
                    d[0] = i == k && pa ? 1.0 : 0.0;   /* J11: P_i / Va_k */
                if (pa || cm)
                    d[1] = 0.0;                         /* J12: P_i / Vm_k */
                if (pm || ca)
                    d[2] = 0.0;                         /* J21: Q_i / Va_k */
                if (pm || cm)
                    d[3] = i == k && pm ? 1.0 : 0.0;   /* J22: Q_i / Vm_k */
            }
            for (int e = 0; e < 4; e++) /* absent slots: the scratch entry Jx[nzj] */
                Jx[slot[e]] = d[e];
        }
    }
}

/* Apply the step dx: Va -= dx(angle), Vm -= dx(magnitude), and rotate and
 * scale V = vr + j vi to match (nr_rotate). */
static void apply_step(const nr_ws *w, ac_thread *t)
{
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        double dva = 0.0, scale = 1.0;
        if (w->arow[k] >= 0 && !t->mask_a[k]) {
            dva = -t->dx[w->arow[k]];
            t->va[k] += dva;
        }
        if (w->qrow[k] >= 0 && !t->mask_m[k]) {
            double vm = t->vm[k] - t->dx[w->qrow[k]];
            scale = vm / t->vm[k];
            t->vm[k] = vm;
        }
        nr_rotate(&t->vr[k], &t->vi[k], t->vm[k], t->va[k], dva, scale);
    }
}

/* Small dense LU with partial pivoting (column-major s x s); 0 if singular. */
static int dense_lu(int s, double *A, int *piv)
{
    double amax = 0.0;
    for (int e = 0; e < s * s; e++)
        amax = fmax(amax, fabs(A[e]));
    for (int k = 0; k < s; k++) {
        int p = k;
        for (int i = k + 1; i < s; i++)
            if (fabs(A[k * s + i]) > fabs(A[k * s + p]))
                p = i;
        piv[k] = p;
        if (!(fabs(A[k * s + p]) > 1e-12 * amax))
            return 0;
        if (p != k)
            for (int j = 0; j < s; j++) {
                double tmp = A[j * s + k];
                A[j * s + k] = A[j * s + p];
                A[j * s + p] = tmp;
            }
        for (int i = k + 1; i < s; i++) {
            A[k * s + i] /= A[k * s + k];
            for (int j = k + 1; j < s; j++)
                A[j * s + i] -= A[k * s + i] * A[j * s + k];
        }
    }
    return 1;
}

static void dense_solve(int s, const double *A, const int *piv, double *b)
{
    for (int k = 0; k < s; k++) {
        double tmp = b[k];
        b[k] = b[piv[k]];
        b[piv[k]] = tmp;
        for (int i = k + 1; i < s; i++)
            b[i] -= A[k * s + i] * b[k];
    }
    for (int k = s - 1; k >= 0; k--) {
        b[k] /= A[k * s + k];
        for (int i = 0; i < k; i++)
            b[i] -= A[k * s + i] * b[k];
    }
}

/* Set up the compensation (Alsac, Stott & Tinney 1983; Tinney, Brandwajn &
 * Chan, "Sparse vector methods", IEEE TPAS 1985) of an outage whose
 * Jacobian J' = J0 + E D E' differs from the base one J0 only in the rows
 * and columns of the buses t->ubus (the two ends of the branch, and the
 * buses it cuts off with their masks; V and the post-outage currents are in
 * t->vr/vi/ir/ii): E selects their s unknowns, D is the change there.
 * J' x = F is then J0 x = F - E D u with u = E'x, and u solves the s x s
 * system (I + Z D) u = E' J0^-1 F, Z = E' J0^-1 E. With J0 = P' L U Q'
 * (sh->f0), E' J0^-1 needs only the s rows of Q U^-1 and J0^-1 E the s
 * sparse vectors L^-1 P E; both are kept here, and Z is their products.
 * Returns 1 when usable, 0 when the caller must refactor instead (too many
 * unknowns, vectors beyond the pool, a singular I + Z D), or a negative
 * status. */
static int smw_setup(const ac_shared *sh, ac_thread *t)
{
    const nr_ws *w = &sh->proto;
    const gr_csc *Y = &t->Y;
    int s = 0;
    for (int a = 0; a < t->nubus; a++) {
        int b = t->ubus[a];
        if (sh->bus_pos[b] < 0)
            continue;   /* not in a live island: no unknowns (arow/qrow unset) */
        int need = (w->arow[b] >= 0) + (w->qrow[b] >= 0);
        if (s + need > SMW_MAX)
            return 0;
        if (w->arow[b] >= 0)
            t->smw_idx[s++] = w->arow[b];
        if (w->qrow[b] >= 0)
            t->smw_idx[s++] = w->qrow[b];
    }
    t->smw_s = s;
    if (s == 0)
        return 1;  /* only fixed buses: the operator does not change */
    /* D(r, c): post-outage (masked) minus base Jacobian entries */
    memset(t->smw_D, 0, sizeof t->smw_D);
    for (int a = 0; a < t->nubus; a++) {
        int k = t->ubus[a], sk = sh->bus_pos[k];
        if (sk < 0)
            continue;
        const int *slot = w->slot + 4 * w->yfirst[sk];
        double inv_vmk = 1.0 / t->vm[k];
        for (int q = Y->p[k]; q < Y->p[k + 1]; q++, slot += 4) {
            int i = Y->i[q], in = 0;
            for (int c = 0; c < t->nubus && !in; c++)
                in = t->ubus[c] == i;
            if (!in)
                continue;
            double d[4];
            entry_derivs(t, i, k, Y->x[q], Y->z[q], inv_vmk, d);
            int pa = t->mask_a[i], pm = t->mask_m[i], ca = t->mask_a[k], cm = t->mask_m[k];
            if (pa || ca)
                d[0] = i == k && pa ? 1.0 : 0.0;
            if (pa || cm)
                d[1] = 0.0;
            if (pm || ca)
                d[2] = 0.0;
            if (pm || cm)
                d[3] = i == k && pm ? 1.0 : 0.0;
            /* 0 J11 (P_i, Va_k), 1 J12 (P_i, Vm_k), 2 J21 (Q_i, Va_k), 3 J22 (Q_i, Vm_k) */
            int rows[4] = {w->arow[i], w->arow[i], w->qrow[i], w->qrow[i]};
            int cols[4] = {w->arow[k], w->qrow[k], w->arow[k], w->qrow[k]};
            for (int e = 0; e < 4; e++) {
                if (slot[e] == w->nzj)
                    continue;
                int rr = -1, cc = -1;
                for (int j = 0; j < s; j++) {
                    if (t->smw_idx[j] == rows[e])
                        rr = j;
                    if (t->smw_idx[j] == cols[e])
                        cc = j;
                }
                t->smw_D[cc * s + rr] = d[e] - sh->Jx0[slot[e]];
            }
        }
    }
    /* the sparse vectors: a_j = L^-1 P e_j, then the rows of Q U^-1 */
    const lu_factors *f = sh->f0;
    int used = 0, n = f->n;
    for (int pass = 0; pass < 2; pass++)
        for (int j = 0; j < s; j++) {
            if (used + n > t->smw_cap)
                return 0;   /* no room left for a dense worst case */
            int *start = pass == 0 ? t->smw_a : t->smw_b;
            start[j] = used;
            used += pass == 0 ? lu_lower_unit(f, t->smw_idx[j], t->smw_work, t->smw_pi + used,
                                              t->smw_pv + used)
                              : lu_upper_row(f, t->smw_idx[j], t->smw_work, t->smw_pi + used,
                                             t->smw_pv + used);
            start[j + 1] = used;
        }
    /* Z(i, j) = (row i of Q U^-1) . a_j, then M = I + Z D */
    double Z[SMW_MAX * SMW_MAX];
    for (int j = 0; j < s; j++) {
        for (int q = t->smw_a[j]; q < t->smw_a[j + 1]; q++)
            t->smw_work[t->smw_pi[q]] = t->smw_pv[q];
        for (int i = 0; i < s; i++) {
            double z = 0.0;
            for (int q = t->smw_b[i]; q < t->smw_b[i + 1]; q++)
                z += t->smw_pv[q] * t->smw_work[t->smw_pi[q]];
            Z[j * s + i] = z;
        }
        for (int q = t->smw_a[j]; q < t->smw_a[j + 1]; q++)
            t->smw_work[t->smw_pi[q]] = 0.0;
    }
    for (int c = 0; c < s; c++)
        for (int r = 0; r < s; r++) {
            double v = r == c;
            for (int j = 0; j < s; j++)
                v += Z[j * s + r] * t->smw_D[c * s + j];
            t->smw_M[c * s + r] = v;
        }
    return dense_lu(s, t->smw_M, t->smw_piv);
}

/* dx = J'^-1 F through the base factors (see smw_setup): c = L^-1 P F;
 * u from (I + Z D) u = (rows of Q U^-1) c; c -= L^-1 P E (D u); dx = Q U^-1 c. */
static void smw_solve(const ac_shared *sh, ac_thread *t)
{
    int s = t->smw_s;
    double *c = t->smw_c;
    lu_lower_solve(sh->f0, t->F, c);
    if (s > 0) {
        double u[SMW_MAX], v[SMW_MAX];
        for (int i = 0; i < s; i++) {
            double x = 0.0;
            for (int q = t->smw_b[i]; q < t->smw_b[i + 1]; q++)
                x += t->smw_pv[q] * c[t->smw_pi[q]];
            u[i] = x;
        }
        dense_solve(s, t->smw_M, t->smw_piv, u);
        for (int r = 0; r < s; r++) {                   /* v = D u */
            v[r] = 0.0;
            for (int j = 0; j < s; j++)
                v[r] += t->smw_D[j * s + r] * u[j];
        }
        for (int j = 0; j < s; j++)
            for (int q = t->smw_a[j]; q < t->smw_a[j + 1]; q++)
                c[t->smw_pi[q]] -= v[j] * t->smw_pv[q];
    }
    lu_upper_solve(sh->f0, c, t->dx);
}

/* Chord-Newton from t->vm/va (and t->vr/vi matching them). smw: 1, the
 * first operator through the base factors with the change on t->ubus
 * (smw_setup; none: the base operator itself); 0: refactor. newton: a
 * fresh Jacobian at every step (plain Newton, as gr_pf_ac).
 * Returns GR_OK or GR_ENOMEM; *converged, *iterations (updates), *mis (final
 * max mismatch), *repivot (1 when a fresh pivoting happened: the caller
 * restores the reference pivots). */
int ctg_ac_chord_newton(const ac_shared *sh, ac_thread *t, int masked, int smw, int newton,
                        int *converged, int *iterations, double *mis, int *repivot)
{
    const nr_ws *w = &sh->proto;
    double tol = sh->pf->tol;
    int max_fact = sh->pf->max_iter, max_steps = CHORD_STEPS_PER_ITER * sh->pf->max_iter;
    int nfact = 0, op = 0; /* op: 0 none, 1 base factors + low-rank change, 2 t->lu */
    *converged = 0;
    *iterations = 0;
    *repivot = 0;
    double norm = mismatch(sh, w, t);
    if (norm > tol && smw) {
        int ok = smw_setup(sh, t);
        if (ok < 0)
            return ok;
        op = ok ? 1 : 0;
    }
    for (int step = 0; step < max_steps && norm > tol; step++) {
        if (op == 0) {
            if (nfact == max_fact)
                break;
            ctg_ac_fill_jacobian(w, t, masked);
            int full = 0;
            int st = lu_factor_track(t->lu, w->J->p, w->J->i, t->Jx, &full);
            *repivot |= full;
            nfact++;
            if (st == GR_ENOMEM)
                return st;
            if (st != GR_OK) {
                norm = NAN;
                break;
            }
            op = 2;
        }
        int st = GR_OK;
        if (op == 1) {
            smw_solve(sh, t);
        } else {
            memcpy(t->dx, t->F, (size_t)w->n * sizeof(double));
            st = lu_solve(t->lu, t->dx);
        }
        if (st)
            return st == GR_ENOMEM ? st : GR_OK;
        apply_step(w, t);
        (*iterations)++;
        double next = mismatch(sh, w, t);
        if (isnan(next)) {
            norm = NAN;
            break;
        }
        if (newton || !(next <= CHORD_RATE * norm))
            op = 0;   /* slow or growing: a fresh Jacobian next */
        norm = next;
    }
    *converged = norm <= tol;
    *mis = norm;
    return GR_OK;
}
