/* newton.c — Newton-Raphson power flow in polar form (Tinney & Hart 1967; MATPOWER newtonpf).
 *
 * DESIGN. The Jacobian [dP/dVa dP/dVm; dQ/dVa dQ/dVm] has the pattern of
 * Ybus restricted to the unknowns, so it is built once: every Ybus entry
 * (i,k) owns up to four slots in J (J11..J22), and each iteration refills
 * J's values straight from the entry-wise derivatives
 *     dS_i/dVa_k = j V_i (d_ik conj(I_i) - conj(Y_ik V_k))
 *     dS_i/dVm_k = V_i conj(Y_ik V_k) / |V_k| + d_ik conj(I_i) V_i / |V_i|
 * (Zimmerman, "AC power flows, generalized OPF costs and their derivatives",
 * MATPOWER TN2) before klu_refactor reuses the pivot order. Unknowns are
 * numbered in bus order, angles first then magnitudes, so each J column
 * comes out with sorted row indices without any sorting. */
#include <math.h>
#include <string.h>

#include "solve/newton.h"
#include "sparse/csc.h"

void nr_free(nr_ws *w)
{
    if (!w)
        return;
    gr_free(w->bus);
    gr_free(w->arow);
    gr_free(w->qrow);
    gr_csc_free(w->J);
    gr_free(w->slot);
    gr_free(w->yfirst);
    lu_free(w->lu);
    gr_free(w->F);
    gr_free(w->dx);
    gr_free(w->vr);
    gr_free(w->vi);
    gr_free(w->ir);
    gr_free(w->ii);
    memset(w, 0, sizeof *w);
}

/* Count J entries and fill the pattern (when J->i is allocated). */
static int build_pattern(nr_ws *w, int fill)
{
    const gr_csc *Y = w->Y;
    int nz = 0, col = 0;
    for (int pass = 0; pass < 2; pass++) {          /* 0: angle columns, 1: magnitude columns */
        for (int s = 0; s < w->nbus; s++) {
            int k = w->bus[s];
            int jc = pass == 0 ? w->arow[k] : w->qrow[k];
            if (jc < 0)
                continue;
            if (fill)
                w->J->p[col] = nz;
            col++;
            for (int rowpass = 0; rowpass < 2; rowpass++) { /* P rows then Q rows */
                for (int q = Y->p[k]; q < Y->p[k + 1]; q++) {
                    int i = Y->i[q];
                    int jr = rowpass == 0 ? w->arow[i] : w->qrow[i];
                    if (jr < 0)
                        continue;
                    if (fill) {
                        w->J->i[nz] = jr;
                        /* slot index: base of column s, offset of entry q, which derivative */
                        int which = 2 * rowpass + pass; /* 0:J11 1:J12 2:J21 3:J22 */
                        w->slot[4 * (w->yfirst[s] + (q - Y->p[k])) + which] = nz;
                    }
                    nz++;
                }
            }
        }
    }
    if (fill)
        w->J->p[col] = nz;
    return nz;
}

/* Order the Jacobian by a fill-reducing order of the bus graph (AMD on the
 * set's Ybus pattern, a quarter of J's entries), each bus's angle then
 * magnitude kept together: as good an order as AMD on J, found ~4x faster. */
static int analyze_by_bus(nr_ws *w)
{
    const gr_csc *Y = w->Y;
    int nbus = w->nbus, st = GR_ENOMEM;
    int *local = gr_malloc((size_t)w->nb * sizeof(int));
    int *Bp = gr_malloc(((size_t)nbus + 1) * sizeof(int));
    int *Bi = gr_malloc(((size_t)w->yfirst[nbus - 1] + (size_t)(Y->p[w->bus[nbus - 1] + 1] -
                                                                Y->p[w->bus[nbus - 1]]) + 1) *
                        sizeof(int));
    int *order = gr_malloc(((size_t)nbus + 1) * sizeof(int));
    int *perm = gr_malloc(((size_t)w->n + 1) * sizeof(int));
    if (!local || !Bp || !Bi || !order || !perm)
        goto done;
    for (int s = 0; s < nbus; s++)
        local[w->bus[s]] = s;
    int nz = 0;
    for (int s = 0; s < nbus; s++) {
        int k = w->bus[s];
        Bp[s] = nz;
        for (int q = Y->p[k]; q < Y->p[k + 1]; q++)
            Bi[nz++] = local[Y->i[q]];
    }
    Bp[nbus] = nz;
    if ((st = lu_order_amd(nbus, Bp, Bi, order)))
        goto done;
    int m = 0;
    for (int j = 0; j < nbus; j++) {
        int k = w->bus[order[j]];
        if (w->arow[k] >= 0)
            perm[m++] = w->arow[k];
        if (w->qrow[k] >= 0)
            perm[m++] = w->qrow[k];
    }
    st = lu_analyze_given(w->lu, w->n, w->J->p, w->J->i, perm);
done:
    gr_free(local);
    gr_free(Bp);
    gr_free(Bi);
    gr_free(order);
    gr_free(perm);
    return st;
}

int nr_setup(nr_ws *w, const gr_csc *Y, int nb, int nbus, const int *bus, const int *kind)
{
    memset(w, 0, sizeof *w);
    w->Y = Y;
    w->nb = nb;
    w->nbus = nbus;
    w->bus = gr_malloc((size_t)(nbus ? nbus : 1) * sizeof(int));
    w->arow = gr_malloc((size_t)nb * sizeof(int));
    w->qrow = gr_malloc((size_t)nb * sizeof(int));
    w->yfirst = gr_malloc((size_t)(nbus ? nbus : 1) * sizeof(int));
    w->vr = gr_calloc((size_t)nb, sizeof(double));
    w->vi = gr_calloc((size_t)nb, sizeof(double));
    w->ir = gr_calloc((size_t)nb, sizeof(double));
    w->ii = gr_calloc((size_t)nb, sizeof(double));
    if (!w->bus || !w->arow || !w->qrow || !w->yfirst || !w->vr || !w->vi || !w->ir || !w->ii)
        goto oom;
    memcpy(w->bus, bus, (size_t)nbus * sizeof(int));
    for (int s = 0; s < nbus; s++) {
        int k = bus[s];
        w->arow[k] = w->qrow[k] = -1;
    }
    int ny = 0;
    for (int s = 0; s < nbus; s++) {
        int k = bus[s];
        w->yfirst[s] = ny;
        ny += Y->p[k + 1] - Y->p[k];
        if (kind[k] != NR_FIXED)
            w->arow[k] = w->npvpq++;
    }
    for (int s = 0; s < nbus; s++) {
        int k = bus[s];
        if (kind[k] == NR_PQ)
            w->qrow[k] = w->npvpq + w->npq++;
    }
    w->n = w->npvpq + w->npq;
    /* arow/qrow of buses outside the set are never read: Ybus columns of the
     * set only reach rows of the set (the set is closed under Ybus). */
    w->slot = gr_malloc((size_t)(4 * (ny ? ny : 1)) * sizeof(int));
    if (!w->slot)
        goto oom;
    for (int e = 0; e < 4 * ny; e++)
        w->slot[e] = -1;
    int nz = build_pattern(w, 0);
    w->J = csc_alloc(w->n, w->n, nz, 1, 0);
    w->F = gr_malloc((size_t)(w->n ? w->n : 1) * sizeof(double));
    w->dx = gr_malloc((size_t)(w->n ? w->n : 1) * sizeof(double));
    if (!w->J || !w->F || !w->dx || lu_create(&w->lu) != GR_OK)
        goto oom;
    build_pattern(w, 1);
    if (w->n > 0) {
        int st = analyze_by_bus(w);
        if (st != GR_OK) {
            nr_free(w);
            return st;
        }
    }
    return GR_OK;
oom:
    nr_free(w);
    return GR_ENOMEM;
}

/* V from (vm, va) and I = Y V over the set. */
static void compute_current(nr_ws *w, const double *vm, const double *va)
{
    const gr_csc *Y = w->Y;
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        double a = va[k], m = vm[k]; /* locals: one sincos, not a reload after each store */
        w->vr[k] = m * cos(a);
        w->vi[k] = m * sin(a);
        w->ir[k] = w->ii[k] = 0.0;
    }
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        double ar = w->vr[k], ai = w->vi[k];
        for (int q = Y->p[k]; q < Y->p[k + 1]; q++) {
            int i = Y->i[q];
            w->ir[i] += Y->x[q] * ar - Y->z[q] * ai;
            w->ii[i] += Y->x[q] * ai + Y->z[q] * ar;
        }
    }
}

/* Fill F with the mismatch at the current V; returns max |F| (NaN if any is NaN). */
static double compute_mismatch(nr_ws *w, const double *sp, const double *sq, const double *vm,
                               const double *va)
{
    compute_current(w, vm, va);
    double norm = 0.0;
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        if (w->arow[k] < 0)
            continue;
        /* S = V conj(I) */
        double p = w->vr[k] * w->ir[k] + w->vi[k] * w->ii[k];
        double q = w->vi[k] * w->ir[k] - w->vr[k] * w->ii[k];
        double fp = p - sp[k];
        w->F[w->arow[k]] = fp;
        if (!(fabs(fp) <= norm))
            norm = isnan(fp) ? NAN : fabs(fp);
        if (w->qrow[k] >= 0) {
            double fq = q - sq[k];
            w->F[w->qrow[k]] = fq;
            if (!(fabs(fq) <= norm))
                norm = isnan(fq) ? NAN : fabs(fq);
        }
        if (isnan(norm))
            return NAN;
    }
    return norm;
}

/* Refill J's values from V and I (see the DESIGN note at the top). */
static void fill_jacobian(nr_ws *w, const double *vm)
{
    const gr_csc *Y = w->Y;
    double *Jx = w->J->x;
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        const int *slot = w->slot + 4 * w->yfirst[s];
        double vrk = w->vr[k], vik = w->vi[k], inv_vmk = 1.0 / vm[k];
        for (int q = Y->p[k]; q < Y->p[k + 1]; q++, slot += 4) {
            int i = Y->i[q];
            if (slot[0] < 0 && slot[1] < 0 && slot[2] < 0 && slot[3] < 0)
                continue;
            double yr = Y->x[q], yz = Y->z[q];
            double c = yr * vrk - yz * vik, d = yr * vik + yz * vrk;  /* Y_ik V_k */
            double vri = w->vr[i], vii = w->vi[i];
            double e = vri * c + vii * d, f = vii * c - vri * d;      /* V_i conj(Y_ik V_k) */
            double ar = f, ai = -e;                                  /* dS/dVa (off-diagonal part) */
            double br = e * inv_vmk, bi = f * inv_vmk;               /* dS/dVm (off-diagonal part) */
            if (i == k) {
                double sr = vri * w->ir[i] + vii * w->ii[i];        /* V_i conj(I_i) */
                double si = vii * w->ir[i] - vri * w->ii[i];
                ar += -si;
                ai += sr;
                br += sr * inv_vmk;
                bi += si * inv_vmk;
            }
            if (slot[0] >= 0)
                Jx[slot[0]] = ar;
            if (slot[1] >= 0)
                Jx[slot[1]] = br;
            if (slot[2] >= 0)
                Jx[slot[2]] = ai;
            if (slot[3] >= 0)
                Jx[slot[3]] = bi;
        }
    }
}

int nr_solve(nr_ws *w, const double *sp, const double *sq, double *vm, double *va, double tol,
             int max_iter, int *converged, int *iterations, double *mismatch)
{
    *converged = 0;
    *iterations = 0;
    double norm = compute_mismatch(w, sp, sq, vm, va);
    if (norm <= tol) {
        *converged = 1;
        *mismatch = norm;
        return GR_OK;
    }
    for (int it = 1; it <= max_iter && !isnan(norm); it++) {
        fill_jacobian(w, vm);
        double t0 = gr_time_s();
        int st = lu_factor(w->lu, w->J->p, w->J->i, w->J->x);
        if (st == GR_ENOMEM)
            return st;
        if (st != GR_OK) { /* singular Jacobian: the flow has no solution from here */
            norm = NAN;
            *iterations = it;
            break;
        }
        memcpy(w->dx, w->F, (size_t)w->n * sizeof(double));
        lu_solve(w->lu, w->dx);
        w->lu_time_s += gr_time_s() - t0;
        w->n_factor++;
        for (int s = 0; s < w->nbus; s++) {
            int k = w->bus[s];
            if (w->arow[k] >= 0)
                va[k] -= w->dx[w->arow[k]];
            if (w->qrow[k] >= 0)
                vm[k] -= w->dx[w->qrow[k]];
        }
        *iterations = it;
        norm = compute_mismatch(w, sp, sq, vm, va);
        if (norm <= tol) {
            *converged = 1;
            break;
        }
    }
    *mismatch = norm;
    return GR_OK;
}

void nr_injections(nr_ws *w, const double *vm, const double *va, double *p, double *q)
{
    compute_current(w, vm, va);
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        p[k] = w->vr[k] * w->ir[k] + w->vi[k] * w->ii[k];
        q[k] = w->vi[k] * w->ir[k] - w->vr[k] * w->ii[k];
    }
}
