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
 * comes out with sorted row indices without any sorting. An absent
 * derivative's slot points at a scratch entry past J's values, so the fill
 * stores all four without a test; the diagonal's extra terms are added after
 * its column.
 *
 * Chord steps (Shamanskii's modification of Newton's method; Kelley,
 * "Iterative Methods for Linear and Nonlinear Equations", SIAM 1995, §5.4):
 * refactoring costs several times a solve with the factors already there,
 * so once a Newton step has shown the fast local convergence (the mismatch
 * fell by NR_CHORD_GATE or more and is below NR_CHORD_NEAR pu) the next steps
 * reuse the factors for as long as each shrinks the mismatch by
 * NR_CHORD_RATE or more. A chord step that does worse ends the run of chord
 * steps (one that made the mismatch grow is undone), and Newton continues
 * from the better point. Every accepted step lowers the mismatch, the stop
 * test is the same (max |mismatch| <= tol), and max_iter still bounds the
 * factorisations: where Newton converges this converges to the same
 * solution with fewer factorisations, and a case it does not solve is still
 * given up after max_iter Newton steps. The iteration is nr_iterate, on
 * callbacks (newton.h): nr_solve runs it on this file's Jacobian, and
 * pf_reuse.c's fixed-pattern Newton on its own, so both share one loop and
 * one set of chord constants.
 *
 * Between exact evaluations V = vm e^{j va} is kept in rectangular form and
 * each step turns and scales it, V *= (vm'/vm) e^{j dVa}, with cos and sin of
 * the small dVa by their series (nr_rotate): no sincos per bus and step. */
#include <math.h>
#include <string.h>

#include "solve/newton.h"
#include "sparse/csc.h"

/* Chord steps: see the DESIGN note above. */
#define NR_CHORD_GATE 0.1
#define NR_CHORD_NEAR 1.0
#define NR_CHORD_RATE 0.05
/* Steps allowed per Newton step of max_iter (chord steps included). */
#define NR_STEPS_PER_ITER 3

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
    gr_free(w->ydiag);
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
    w->ydiag = gr_malloc((size_t)(nbus ? nbus : 1) * sizeof(int));
    w->vr = gr_calloc((size_t)nb, sizeof(double));
    w->vi = gr_calloc((size_t)nb, sizeof(double));
    w->ir = gr_calloc((size_t)nb, sizeof(double));
    w->ii = gr_calloc((size_t)nb, sizeof(double));
    if (!w->bus || !w->arow || !w->qrow || !w->yfirst || !w->ydiag || !w->vr || !w->vi || !w->ir || !w->ii)
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
        w->ydiag[s] = -1;
        for (int q = Y->p[k]; q < Y->p[k + 1]; q++)
            if (Y->i[q] == k)
                w->ydiag[s] = q - Y->p[k];
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
    int nz = build_pattern(w, 0);
    w->nzj = nz;
    for (int e = 0; e < 4 * ny; e++)
        w->slot[e] = nz;
    w->J = csc_alloc(w->n, w->n, nz + 1, 1, 0); /* + the scratch entry of absent slots */
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

/* V = vm e^{j va} at the set's buses, exactly. */
static void compute_voltage(nr_ws *w, const double *vm, const double *va)
{
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        double a = va[k], m = vm[k]; /* locals: one sincos, not a reload after each store */
        w->vr[k] = m * cos(a);
        w->vi[k] = m * sin(a);
    }
}

/* I = Y V over the set, from w->vr/vi. */
static void compute_current(nr_ws *w)
{
    const gr_csc *Y = w->Y;
    const int *Yp = Y->p, *Yi = Y->i;
    const double *Yx = Y->x, *Yz = Y->z, *vr = w->vr, *vi = w->vi;
    double *ir = w->ir, *ii = w->ii;
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        ir[k] = ii[k] = 0.0;
    }
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        double ar = vr[k], ai = vi[k];
        for (int q = Yp[k]; q < Yp[k + 1]; q++) {
            int i = Yi[q];
            ir[i] += Yx[q] * ar - Yz[q] * ai;
            ii[i] += Yx[q] * ai + Yz[q] * ar;
        }
    }
}

/* Fill F with the mismatch at the current V (w->vr/vi); returns max |F|
 * (NaN if any is NaN). */
static double compute_mismatch(nr_ws *w, const double *sp, const double *sq)
{
    compute_current(w);
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

/* Refill J's values from V and I (see the DESIGN note at the top): the
 * off-diagonal formula for every entry, stored in all four slots (absent
 * ones land on the scratch entry), then the diagonal's own terms. */
static void fill_jacobian(nr_ws *w, const double *vm)
{
    const gr_csc *Y = w->Y;
    const int *Yp = Y->p, *Yi = Y->i;
    const double *Yx = Y->x, *Yz = Y->z, *vr = w->vr, *vi = w->vi;
    double *Jx = w->J->x;
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        const int *slot = w->slot + 4 * w->yfirst[s];
        double vrk = vr[k], vik = vi[k], inv_vmk = 1.0 / vm[k];
        for (int q = Yp[k]; q < Yp[k + 1]; q++, slot += 4) {
            int i = Yi[q];
            double yr = Yx[q], yz = Yz[q];
            double c = yr * vrk - yz * vik, d = yr * vik + yz * vrk;  /* Y_ik V_k */
            double vri = vr[i], vii = vi[i];
            double e = vri * c + vii * d, f = vii * c - vri * d;      /* V_i conj(Y_ik V_k) */
            Jx[slot[0]] = f;                                         /* dP/dVa (off-diagonal part) */
            Jx[slot[1]] = e * inv_vmk;                               /* dP/dVm */
            Jx[slot[2]] = -e;                                        /* dQ/dVa */
            Jx[slot[3]] = f * inv_vmk;                               /* dQ/dVm */
        }
        if (w->ydiag[s] >= 0) {
            const int *ds = w->slot + 4 * (w->yfirst[s] + w->ydiag[s]);
            double sr = vrk * w->ir[k] + vik * w->ii[k];             /* V_k conj(I_k) */
            double si = vik * w->ir[k] - vrk * w->ii[k];
            Jx[ds[0]] += -si;
            Jx[ds[1]] += sr * inv_vmk;
            Jx[ds[2]] += sr;
            Jx[ds[3]] += si * inv_vmk;
        }
    }
}

/* Va -= sign dx(angle), Vm -= sign dx(magnitude) over the set, and V turned
 * and scaled to match (nr_rotate). */
static void apply_step(nr_ws *w, double *vm, double *va, double sign)
{
    const double *dx = w->dx;
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s], a = w->arow[k], m = w->qrow[k];
        double dva = 0.0, scale = 1.0;
        if (a >= 0) {
            dva = -sign * dx[a];
            va[k] += dva;
        }
        if (m >= 0) {
            double v = vm[k] - sign * dx[m];
            scale = v / vm[k];
            vm[k] = v;
        }
        if (a >= 0)
            nr_rotate(&w->vr[k], &w->vi[k], vm[k], va[k], dva, scale);
    }
}

int nr_iterate(const nr_ops *o, double tol, int max_iter, int chord, int *converged,
               int *iterations, double *mismatch)
{
    *converged = 0;
    *iterations = 0;
    o->voltage(o->ctx);
    double norm = o->mismatch(o->ctx);
    int nfact = 0, steps = 0, max_steps = NR_STEPS_PER_ITER * max_iter;
    while (!(norm <= tol) && !isnan(norm) && steps < max_steps) {
        if (!chord) {
            if (nfact == max_iter)
                break;
            int st = o->factor(o->ctx);
            if (st == GR_ENOMEM)
                return st;
            nfact++;
            if (st != GR_OK) { /* singular Jacobian: the flow has no solution from here */
                norm = NAN;
                steps++;
                break;
            }
        }
        o->solve(o->ctx);
        o->step(o->ctx, 1.0);
        steps++;
        double next = o->mismatch(o->ctx);
        if (!chord) {
            chord = next <= NR_CHORD_GATE * norm && next <= NR_CHORD_NEAR;
        } else if (!(next <= NR_CHORD_RATE * norm)) {
            chord = 0; /* too slow: a fresh Jacobian next */
            if (!(next < norm)) { /* worse: undo the step, Newton from where it was */
                o->step(o->ctx, -1.0);
                steps--;
                o->voltage(o->ctx);
                next = o->mismatch(o->ctx);
            }
        }
        norm = next;
    }
    *iterations = steps;
    *converged = norm <= tol;
    *mismatch = norm;
    return GR_OK;
}

/* nr_solve's callbacks of nr_iterate: one workspace, its own pattern. */
typedef struct nr_ctx {
    nr_ws *w;
    const double *sp, *sq;
    double *vm, *va;
} nr_ctx;

static void ctx_voltage(void *p)
{
    nr_ctx *c = p;
    compute_voltage(c->w, c->vm, c->va);
}

static double ctx_mismatch(void *p)
{
    nr_ctx *c = p;
    return compute_mismatch(c->w, c->sp, c->sq);
}

static int ctx_factor(void *p)
{
    nr_ctx *c = p;
    nr_ws *w = c->w;
    fill_jacobian(w, c->vm);
    double t0 = gr_time_s();
    int st = lu_factor(w->lu, w->J->p, w->J->i, w->J->x);
    w->lu_time_s += gr_time_s() - t0;
    if (st != GR_ENOMEM)
        w->n_factor++;
    return st;
}

static void ctx_solve(void *p)
{
    nr_ws *w = ((nr_ctx *)p)->w;
    memcpy(w->dx, w->F, (size_t)w->n * sizeof(double));
    double t0 = gr_time_s();
    lu_solve(w->lu, w->dx);
    w->lu_time_s += gr_time_s() - t0;
}

static void ctx_step(void *p, double sign)
{
    nr_ctx *c = p;
    apply_step(c->w, c->vm, c->va, sign);
}

int nr_solve(nr_ws *w, const double *sp, const double *sq, double *vm, double *va, double tol,
             int max_iter, int *converged, int *iterations, double *mismatch)
{
    nr_ctx c = {w, sp, sq, vm, va};
    nr_ops o = {&c, ctx_voltage, ctx_mismatch, ctx_factor, ctx_solve, ctx_step};
    return nr_iterate(&o, tol, max_iter, 0, converged, iterations, mismatch);
}

void nr_injections(nr_ws *w, const double *vm, const double *va, double *p, double *q)
{
    compute_voltage(w, vm, va);
    compute_current(w);
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        p[k] = w->vr[k] * w->ir[k] + w->vi[k] * w->ii[k];
        q[k] = w->vi[k] * w->ir[k] - w->vr[k] * w->ii[k];
    }
}
