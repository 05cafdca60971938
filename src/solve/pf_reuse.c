/* pf_reuse.c — Newton power flow on a fixed Jacobian pattern for the islands of one bus set, so that a grid losing branches (a cascade) keeps one KLU analysis and its pivots.
 *
 * DESIGN. A kept solver (pf_solver_update in pf_ac.c) sees its islands
 * split as branches go out. nr_setup (newton.c) builds a Jacobian for one
 * island's bus set and roles, so every split of the main island costs a new
 * pattern, a fill-reducing order (AMD) and a factorisation with fresh
 * pivoting (klu_factor, ~3x a klu_refactor). Here the Jacobian is built once
 * for the set the solver's largest island had when it was created, every
 * bus with both unknowns (angle, magnitude), on the Ybus pattern of that
 * time; Ybus values come from the current grid (explicit zeros for branches
 * out). A solve of an island inside the set fills the island's derivatives
 * (the formulas of newton.c's fill_jacobian: Zimmerman, MATPOWER TN2) and
 * turns every row and column of an unknown that is not one (buses outside
 * the island, the reference, magnitudes of PV buses) into the identity
 * with a zero mismatch: the system is block diagonal, its island block is
 * the Jacobian nr_setup would build (in another order), so the Newton steps
 * are the same up to rounding. klu_refactor reuses the pivots (lu_factor
 * redoes the pivoting when the estimate of rcond falls too low). The
 * iteration (chord steps included) is newton.c's own, nr_iterate, on this
 * file's fill, factorisation and step; a solve whose unknowns are those of
 * the last factorisation may start with a chord step on those factors.
 *
 * The fill writes every entry whose row and column are unknowns of the
 * solve, so J is not cleared: the entries of the other rows and columns
 * (listed again only when the set of unknowns changes) are set to the
 * identity after it. */
#include <math.h>
#include <string.h>

#include "solve/newton.h"
#include "solve/pf_internal.h"
#include "sparse/csc.h"

void pf_big_free(pf_big *w)
{
    if (!w)
        return;
    gr_free(w->bus);
    gr_free(w->acol);
    gr_free(w->mcol);
    gr_free(w->loc);
    gr_csc_free(w->Y);
    gr_csc_free(w->J);
    gr_free(w->jcol);
    gr_free(w->slot);
    lu_free(w->lu);
    gr_free(w->F);
    gr_free(w->dx);
    gr_free(w->vr);
    gr_free(w->vi);
    gr_free(w->ir);
    gr_free(w->ii);
    gr_free(w->var);
    gr_free(w->fvar);
    gr_free(w->mvar);
    gr_free(w->jref);
    gr_free(w->mask);
    gr_free(w->in);
    gr_free(w);
}

int pf_big_create(const gr_csc *Y, int nbus, const int *bus, const unsigned char *pv,
                  pf_big **out)
{
    *out = NULL;
    int nb = Y->n, st = GR_ENOMEM;
    pf_big *w = gr_calloc(1, sizeof *w);
    if (!w)
        return GR_ENOMEM;
    w->nb = nb;
    w->nbus = nbus;
    w->n = 0;
    size_t nn = 2 * (size_t)nbus + 1;
    w->bus = gr_malloc(((size_t)nbus + 1) * sizeof(int));
    w->acol = gr_malloc(((size_t)nbus + 1) * sizeof(int));
    w->mcol = gr_malloc(((size_t)nbus + 1) * sizeof(int));
    w->loc = gr_malloc(((size_t)nb + 1) * sizeof(int));
    w->F = gr_calloc(nn, sizeof(double));
    w->dx = gr_calloc(nn, sizeof(double));
    w->vr = gr_calloc((size_t)nb + 1, sizeof(double));
    w->vi = gr_calloc((size_t)nb + 1, sizeof(double));
    w->ir = gr_calloc((size_t)nb + 1, sizeof(double));
    w->ii = gr_calloc((size_t)nb + 1, sizeof(double));
    w->var = gr_calloc(nn, 1);
    w->fvar = gr_calloc(nn, 1);
    w->mvar = gr_calloc(nn, 1);
    w->in = gr_calloc((size_t)nb + 1, 1);
    if (!w->bus || !w->acol || !w->mcol || !w->loc || !w->F || !w->dx || !w->vr || !w->vi || !w->ir || !w->ii ||
        !w->var || !w->fvar || !w->mvar || !w->in)
        goto fail;
    memcpy(w->bus, bus, (size_t)nbus * sizeof(int));
    for (int b = 0; b < nb; b++)
        w->loc[b] = -1;
    for (int s = 0; s < nbus; s++)
        w->loc[bus[s]] = s;
    /* unknowns in bus order: the angle, then the magnitude unless PV */
    for (int s = 0; s < nbus; s++) {
        w->acol[s] = w->n++;
        w->mcol[s] = pv[bus[s]] ? -1 : w->n++;
    }
    for (int s = 0; s < nbus; s++)
        if (w->mcol[s] < 0)
            w->mcol[s] = w->n; /* a dummy unknown past the others: never one */
    /* Ybus of the set's columns (the set is closed under Y: an island) */
    int ny = 0;
    for (int s = 0; s < nbus; s++)
        ny += Y->p[bus[s] + 1] - Y->p[bus[s]];
    w->Y = csc_alloc(nb, nb, ny + 1, 1, 1);
    w->J = csc_alloc(w->n, w->n, 4 * ny + 1, 1, 0);
    w->jcol = gr_malloc((size_t)(4 * ny + 1) * sizeof(int));
    w->slot = gr_malloc((size_t)(4 * ny + 1) * sizeof(int));
    w->mask = gr_malloc((size_t)(4 * ny + 1) * sizeof(int));
    for (int e = 0; w->slot && e < 4 * ny + 1; e++)
        w->slot[e] = -1;
    if (!w->Y || !w->J || !w->jcol || !w->slot || !w->mask || lu_create(&w->lu) != GR_OK)
        goto fail;
    int nz = 0, s = 0;
    for (int k = 0; k < nb; k++) {
        w->Y->p[k] = nz;
        if (s < nbus && bus[s] == k) {
            for (int q = Y->p[k]; q < Y->p[k + 1]; q++) {
                if (w->loc[Y->i[q]] < 0) { /* not closed: not an island */
                    st = GR_EINVAL;
                    goto fail;
                }
                w->Y->i[nz] = Y->i[q], w->Y->x[nz] = Y->x[q], w->Y->z[nz++] = Y->z[q];
            }
            s++;
        }
    }
    w->Y->p[nb] = nz;
    /* J: rows as columns (P row = angle unknown, Q row = magnitude unknown) */
    int jz = 0;
    for (s = 0; s < nbus; s++) {
        int k = bus[s], y0 = w->Y->p[k], m = w->Y->p[k + 1] - y0;
        for (int c = 0; c < 2; c++) {
            int col = c ? w->mcol[s] : w->acol[s];
            if (col == w->n)
                continue;
            w->J->p[col] = jz;
            for (int q = 0; q < m; q++) {
                int t = w->loc[w->Y->i[y0 + q]];
                for (int r = 0; r < 2; r++) {
                    int row = r ? w->mcol[t] : w->acol[t];
                    if (row == w->n)
                        continue;
                    w->J->i[jz] = row;
                    w->jcol[jz] = col;
                    /* slot: 4 per Y entry, J11 J12 J21 J22 (which = 2 r + c) */
                    w->slot[4 * (y0 + q) + 2 * r + c] = jz;
                    jz++;
                }
            }
        }
    }
    w->J->p[w->n] = jz;
    w->nzj = jz;
    for (int e = 0; e < 4 * ny; e++)
        if (w->slot[e] < 0)
            w->slot[e] = jz; /* absent: a scratch entry past J's */
    /* order: AMD on the bus graph, each bus's two unknowns together (as newton.c) */
    {
        int *Bp = gr_malloc(((size_t)nbus + 1) * sizeof(int));
        int *Bi = gr_malloc(((size_t)nz + 1) * sizeof(int));
        int *order = gr_malloc(((size_t)nbus + 1) * sizeof(int));
        int *perm = gr_malloc(nn * sizeof(int));
        st = GR_ENOMEM;
        if (Bp && Bi && order && perm) {
            int bz = 0;
            for (s = 0; s < nbus; s++) {
                Bp[s] = bz;
                for (int q = w->Y->p[bus[s]]; q < w->Y->p[bus[s] + 1]; q++)
                    Bi[bz++] = w->loc[w->Y->i[q]];
            }
            Bp[nbus] = bz;
            st = lu_order_amd(nbus, Bp, Bi, order);
            if (!st) {
                int m = 0;
                for (int j = 0; j < nbus; j++) {
                    perm[m++] = w->acol[order[j]];
                    if (w->mcol[order[j]] < w->n)
                        perm[m++] = w->mcol[order[j]];
                }
                st = lu_analyze_given(w->lu, w->n, w->J->p, w->J->i, perm);
            }
        }
        gr_free(Bp);
        gr_free(Bi);
        gr_free(order);
        gr_free(perm);
        if (st)
            goto fail;
    }
    *out = w;
    return GR_OK;
fail:
    pf_big_free(w);
    return st;
}

int pf_big_values(pf_big *w, const gr_csc *E)
{
    const gr_csc *Y = w->Y;
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s], qe = E->p[k];
        for (int q = Y->p[k]; q < Y->p[k + 1]; q++) {
            if (qe < E->p[k + 1] && E->i[qe] == Y->i[q]) {
                Y->x[q] = E->x[qe];
                Y->z[q] = E->z[qe++];
            } else {
                Y->x[q] = Y->z[q] = 0.0;
            }
        }
        if (qe != E->p[k + 1])
            return GR_EINVAL; /* an entry the pattern lacks: a branch in */
    }
    return GR_OK;
}

int pf_big_covers(const pf_big *w, int nbus, const int *bus, const int *kind)
{
    if (!(nbus > 0 && bus[0] < w->nb && w->loc[bus[0]] >= 0 && 4 * nbus >= w->nbus))
        return 0;
    for (int j = 0; kind && j < nbus; j++)
        if (kind[bus[j]] == NR_PQ && w->mcol[w->loc[bus[j]]] == w->n)
            return 0; /* a magnitude the pattern lacks */
    return 1;
}

static void pb_voltage(pf_big *w, const int *bus, int nbus, const double *vm, const double *va)
{
    for (int j = 0; j < nbus; j++) {
        int k = bus[j];
        double a = va[k], m = vm[k];
        w->vr[k] = m * cos(a);
        w->vi[k] = m * sin(a);
    }
}

/* I = Y V over the island. Y's entries between the island and other buses
 * are zeros (no branch in service joins two islands: pf_big_values), so
 * they add nothing to the island's currents (what lands on other buses is
 * never read). */
static void pb_current(pf_big *w, const int *bus, int nbus)
{
    const gr_csc *Y = w->Y;
    const int *Yp = Y->p, *Yi = Y->i;
    const double *Yx = Y->x, *Yz = Y->z, *vr = w->vr, *vi = w->vi;
    double *ir = w->ir, *ii = w->ii;
    for (int j = 0; j < nbus; j++)
        ir[bus[j]] = ii[bus[j]] = 0.0;
    for (int j = 0; j < nbus; j++) {
        int k = bus[j];
        double ar = vr[k], ai = vi[k];
        for (int q = Yp[k]; q < Yp[k + 1]; q++) {
            int i = Yi[q];
            ir[i] += Yx[q] * ar - Yz[q] * ai;
            ii[i] += Yx[q] * ai + Yz[q] * ar;
        }
    }
}

static double pb_mismatch(pf_big *w, const int *bus, int nbus, const double *sp, const double *sq)
{
    pb_current(w, bus, nbus);
    double norm = 0.0;
    for (int j = 0; j < nbus; j++) {
        int k = bus[j], a = w->acol[w->loc[k]], mc = w->mcol[w->loc[k]];
        if (!w->var[a])
            continue;
        double p = w->vr[k] * w->ir[k] + w->vi[k] * w->ii[k];
        double q = w->vi[k] * w->ir[k] - w->vr[k] * w->ii[k];
        double fp = p - sp[k];
        w->F[a] = fp;
        if (!(fabs(fp) <= norm))
            norm = isnan(fp) ? NAN : fabs(fp);
        if (w->var[mc]) {
            double fq = q - sq[k];
            w->F[mc] = fq;
            if (!(fabs(fq) <= norm))
                norm = isnan(fq) ? NAN : fabs(fq);
        }
        if (isnan(norm))
            return NAN;
    }
    return norm;
}

static void pb_jacobian(pf_big *w, const int *bus, int nbus, const double *vm)
{
    const gr_csc *Y = w->Y;
    const int *Yp = Y->p, *Yi = Y->i;
    const double *Yx = Y->x, *Yz = Y->z, *vr = w->vr, *vi = w->vi;
    double *Jx = w->J->x;
    for (int j = 0; j < nbus; j++) {
        int k = bus[j];
        const int *slot = w->slot + 4 * Yp[k];
        double vrk = vr[k], vik = vi[k], inv_vmk = 1.0 / vm[k];
        const int *ds = NULL;
        for (int q = Yp[k]; q < Yp[k + 1]; q++, slot += 4) {
            int i = Yi[q];
            if (i == k)
                ds = slot;
            double yr = Yx[q], yz = Yz[q];
            double c = yr * vrk - yz * vik, d = yr * vik + yz * vrk;
            double vri = vr[i], vii = vi[i];
            double e = vri * c + vii * d, f = vii * c - vri * d;
            Jx[slot[0]] = f;
            Jx[slot[1]] = e * inv_vmk;
            Jx[slot[2]] = -e;
            Jx[slot[3]] = f * inv_vmk;
        }
        if (ds) {
            double sr = vrk * w->ir[k] + vik * w->ii[k];
            double si = vik * w->ir[k] - vrk * w->ii[k];
            Jx[ds[0]] += -si;
            Jx[ds[1]] += sr * inv_vmk;
            Jx[ds[2]] += sr;
            Jx[ds[3]] += si * inv_vmk;
        }
    }
    /* rows and columns of what is not an unknown: the identity (every other
     * entry has both its buses in the island and was written above) */
    const int *Ji = w->J->i;
    if (!w->masked || memcmp(w->var, w->mvar, (size_t)w->n)) {
        w->nmask = 0;
        for (int q = 0; q < w->nzj; q++)
            if (!w->var[Ji[q]] || !w->var[w->jcol[q]])
                w->mask[w->nmask++] = q;
        memcpy(w->mvar, w->var, (size_t)w->n);
        w->masked = 1;
    }
    for (int m = 0; m < w->nmask; m++) {
        int q = w->mask[m];
        Jx[q] = Ji[q] == w->jcol[q] ? 1.0 : 0.0;
    }
}

static void pb_step(pf_big *w, const int *bus, int nbus, double *vm, double *va, double sign)
{
    const double *dx = w->dx;
    for (int j = 0; j < nbus; j++) {
        int k = bus[j], a = w->acol[w->loc[k]], mc = w->mcol[w->loc[k]];
        double dva = 0.0, scale = 1.0;
        if (w->var[a]) {
            dva = -sign * dx[a];
            va[k] += dva;
        }
        if (w->var[mc]) {
            double v = vm[k] - sign * dx[mc];
            scale = v / vm[k];
            vm[k] = v;
        }
        if (w->var[a])
            nr_rotate(&w->vr[k], &w->vi[k], vm[k], va[k], dva, scale);
    }
}

int pf_big_reference(pf_big *w, const double *vm, const double *va, int fixed)
{
    double *one = gr_malloc(((size_t)w->nb + 1) * sizeof(double));
    gr_free(w->jref);
    w->jref = gr_malloc(((size_t)w->nzj + 1) * sizeof(double));
    if (!one || !w->jref) {
        gr_free(one);
        gr_free(w->jref);
        w->jref = NULL;
        return GR_ENOMEM;
    }
    for (int s = 0; vm && va && s < w->nbus; s++)
        if (!isfinite(vm[w->bus[s]]) || !isfinite(va[w->bus[s]]) || !(vm[w->bus[s]] > 0.0))
            vm = va = NULL; /* no usable voltages: a flat start */
    if (fixed < 0 || fixed >= w->nb || w->loc[fixed] < 0)
        fixed = w->bus[0];
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        one[k] = vm ? vm[k] : 1.0;
        w->vr[k] = va ? one[k] * cos(va[k]) : 1.0;
        w->vi[k] = va ? one[k] * sin(va[k]) : 0.0;
        w->in[k] = 1;
        w->var[w->acol[s]] = (unsigned char)(k != fixed);
        w->var[w->mcol[s]] = (unsigned char)(w->mcol[s] < w->n);
    }
    pb_current(w, w->bus, w->nbus);
    pb_jacobian(w, w->bus, w->nbus, one);
    memcpy(w->jref, w->J->x, (size_t)w->nzj * sizeof(double));
    for (int s = 0; s < w->nbus; s++) {
        int k = w->bus[s];
        w->vr[k] = w->vi[k] = 0.0;
        w->in[k] = 0;
        w->var[w->acol[s]] = w->var[w->mcol[s]] = 0;
    }
    w->masked = 0;
    w->refpiv = 0;
    gr_free(one);
    return GR_OK;
}

/* Mark the island's buses and unknowns (kind: NR_FIXED / NR_PV / NR_PQ by bus). */
static void pb_mark(pf_big *w, const int *bus, int nbus, const int *kind, int on)
{
    for (int j = 0; j < nbus; j++) {
        int k = bus[j], a = w->acol[w->loc[k]], mc = w->mcol[w->loc[k]];
        w->in[k] = (unsigned char)on;
        w->var[a] = (unsigned char)(on && kind[k] != NR_FIXED);
        w->var[mc] = (unsigned char)(on && kind[k] == NR_PQ && mc < w->n);
        w->F[a] = w->F[mc] = 0.0;
    }
}

/* pf_big_solve's callbacks of nr_iterate (newton.h). */
typedef struct pb_ctx {
    pf_big *w;
    const int *bus;
    int nbus;
    const double *sp, *sq;
    double *vm, *va;
} pb_ctx;

static void ctx_voltage(void *p)
{
    pb_ctx *c = p;
    pb_voltage(c->w, c->bus, c->nbus, c->vm, c->va);
}

static double ctx_mismatch(void *p)
{
    pb_ctx *c = p;
    return pb_mismatch(c->w, c->bus, c->nbus, c->sp, c->sq);
}

static int ctx_factor(void *p)
{
    pb_ctx *c = p;
    pf_big *w = c->w;
    pb_jacobian(w, c->bus, c->nbus, c->vm);
    int st = GR_OK, full = 0;
    if (w->fresh && w->jref && !w->refpiv) { /* the reference pivots back */
        st = lu_factor_full(w->lu, w->J->p, w->J->i, w->jref);
        if (st == GR_ENOMEM)
            return st;
        w->refpiv = st == GR_OK;
    }
    if (w->fresh && !w->refpiv)
        st = lu_factor_full(w->lu, w->J->p, w->J->i, w->J->x), full = 1;
    else
        st = lu_factor_track(w->lu, w->J->p, w->J->i, w->J->x, &full);
    if (full)
        w->refpiv = 0;
    w->fresh = 0;
    w->factored = st == GR_OK;
    memcpy(w->fvar, w->var, (size_t)w->n);
    return st;
}

static void ctx_solve(void *p)
{
    pf_big *w = ((pb_ctx *)p)->w;
    memcpy(w->dx, w->F, (size_t)w->n * sizeof(double));
    lu_solve(w->lu, w->dx);
}

static void ctx_step(void *p, double sign)
{
    pb_ctx *c = p;
    pb_step(c->w, c->bus, c->nbus, c->vm, c->va, sign);
}

int pf_big_solve(pf_big *w, const int *bus, int nbus, const int *kind, const double *sp,
                 const double *sq, double *vm, double *va, double tol, int max_iter,
                 int *converged, int *iterations, double *mismatch)
{
    pb_mark(w, bus, nbus, kind, 1);
    /* the factors of the last solve, when they are of the same unknowns: a
     * chord step first */
    int chord = w->factored && !w->fresh && !memcmp(w->var, w->fvar, (size_t)w->n);
    pb_ctx c = {w, bus, nbus, sp, sq, vm, va};
    nr_ops o = {&c, ctx_voltage, ctx_mismatch, ctx_factor, ctx_solve, ctx_step};
    int st = nr_iterate(&o, tol, max_iter, chord, converged, iterations, mismatch);
    pb_mark(w, bus, nbus, kind, 0);
    return st;
}

void pf_big_injections(pf_big *w, const int *bus, int nbus, const double *vm, const double *va,
                       double *p, double *q)
{
    for (int j = 0; j < nbus; j++)
        w->in[bus[j]] = 1;
    pb_voltage(w, bus, nbus, vm, va);
    pb_current(w, bus, nbus);
    for (int j = 0; j < nbus; j++) {
        int k = bus[j];
        p[k] = w->vr[k] * w->ir[k] + w->vi[k] * w->ii[k];
        q[k] = w->vi[k] * w->ir[k] - w->vr[k] * w->ii[k];
        w->in[k] = 0;
    }
}
