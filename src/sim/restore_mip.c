/* restore_mip.c — exact restoration plan for small instances: a disjunctive MIP with crews, travel, shifts, spares and precedence, solved by CBC (solve/mip.h).
 *
 * DESIGN
 * Served load as a set function. The LP value v(S) (weighted MW served with
 * the set S repaired) is computed for all 2^n subsets (cached evaluator) and
 * written through its Moebius transform m(T) = sum_{U ⊆ T} (-1)^{|T \ U|} v(U),
 * so that v(S) = sum_{T ⊆ S} m(T). A subset T "pays" m(T) from the time its
 * last element is back, M_T = max_{i in T} T_i, and the weighted ENS from the
 * plan start s to the last completion E is exactly
 *     ENS = (Dw - v(all)) E + sum_{T != ∅} m(T) M_T + (v(∅) - Dw) s.
 * M_T of a singleton is T_i itself; for |T| >= 2 with m(T) > 0 the rows
 * M_T >= T_i suffice (minimisation pushes M_T down onto the max); with
 * m(T) < 0 (substitutes, e.g. two parallel lines) M_T must not exceed the max:
 * binaries lambda_{T,i} pick the element that is last, M_T <= T_i + B (1 - lambda).
 * Elements that act independently give m(T) = 0 and cost nothing; terms with
 * |m(T)| <= 1e-7 Dw are dropped.
 *
 * Scheduling (working hours phi, as the decoder): S_i start of work, crew
 * assignment z_ic, order o_ij (i < j) on a common crew, disjunctive big-M:
 *     S_j >= S_i + p_i + t_ij - M (3 - o_ij - z_ic - z_jc)
 *     S_i >= S_j + p_j + t_ji - M (2 + o_ij - z_ic - z_jc)
 *     S_i >= (a_c + t_{c,i}) z_ic                  (crew c free at a_c at its start site)
 * which is exact because travel times obey the triangle inequality (a crew's
 * earlier jobs are all at least as far back as the one just before).
 * Precedence S_j >= S_i + p_i; spares: slot q of a class (a unit available at
 * phi a_q: stock, on order, or ordered now for lead_h) goes to at most one
 * element, element i takes spare_count slots, S_i >= a_q g_iq.
 * Shifts: the completion clock time is T_i = S_i + p_i + (24 - W) d_i - u0
 * with the day d_i integer and W d_i <= S_i + p_i <= W (d_i + 1).
 * The objective is scaled by 1/Dw. RAD's schedule is the MIP start, so CBC
 * always has an incumbent; the result is the optimum (status optimal) or the
 * best found with its lower bound. */
#include <math.h>
#include <string.h>

#include "sim/restore_internal.h"
#include "solve/mip.h"

/* Model-size limits (issue 22), checked before anything is built. CBC does
 * not look at its time limit while it solves the root LP and generates its
 * first cuts: measured on example6 with 5 elements and many crews, a 2 s
 * limit ran 2.8 s at 25k rows / 110k nonzeros (1000 crews, 93 MB) but 9.7 s
 * at 100k rows / 440k nonzeros (4000 crews, 320 MB), and 10000 crews took
 * 39 s and 750 MB for a 5 s limit. Past these limits the MIP is refused. */
#define RS_MIP_MAX_ROWS 50000
#define RS_MIP_MAX_COLS 50000
#define RS_MIP_MAX_NZ 200000

/* Triplet model builder. */
typedef struct mb {
    int m, n, nz;
    int rcap, ccap, zcap;
    int *ri, *ci;
    double *v;
    double *rlo, *rup, *clo, *cup, *obj;
    unsigned char *isint;
    int oom;
} mb;

static int grow_d(double **p, int cap)
{
    double *q = gr_realloc(*p, (size_t)cap * sizeof(double));
    if (!q)
        return -1;
    *p = q;
    return 0;
}

static int grow_i(int **p, int cap)
{
    int *q = gr_realloc(*p, (size_t)cap * sizeof(int));
    if (!q)
        return -1;
    *p = q;
    return 0;
}

static int next_cap(int cap) { return cap ? 2 * cap : 64; }

static int mb_col(mb *b, double lo, double up, double obj, int isint)
{
    if (b->oom)
        return 0;
    if (b->n + 1 > b->ccap) {
        int nc = next_cap(b->ccap);
        unsigned char *q = gr_realloc(b->isint, (size_t)nc);
        if (q)
            b->isint = q;
        if (!q || grow_d(&b->clo, nc) || grow_d(&b->cup, nc) || grow_d(&b->obj, nc)) {
            b->oom = 1;
            return 0;
        }
        b->ccap = nc;
    }
    b->clo[b->n] = lo;
    b->cup[b->n] = up;
    b->obj[b->n] = obj;
    b->isint[b->n] = (unsigned char)isint;
    return b->n++;
}

static int mb_row(mb *b, double lo, double up)
{
    if (b->oom)
        return 0;
    if (b->m + 1 > b->rcap) {
        int nc = next_cap(b->rcap);
        if (grow_d(&b->rlo, nc) || grow_d(&b->rup, nc)) {
            b->oom = 1;
            return 0;
        }
        b->rcap = nc;
    }
    b->rlo[b->m] = lo;
    b->rup[b->m] = up;
    return b->m++;
}

static void mb_add(mb *b, int row, int col, double v)
{
    if (b->oom || v == 0.0)
        return;
    if (b->nz + 1 > b->zcap) {
        int nc = next_cap(b->zcap);
        if (grow_i(&b->ri, nc) || grow_i(&b->ci, nc) || grow_d(&b->v, nc)) {
            b->oom = 1;
            return;
        }
        b->zcap = nc;
    }
    b->ri[b->nz] = row;
    b->ci[b->nz] = col;
    b->v[b->nz++] = v;
}

static void mb_free(mb *b)
{
    gr_free(b->ri);
    gr_free(b->ci);
    gr_free(b->v);
    gr_free(b->rlo);
    gr_free(b->rup);
    gr_free(b->clo);
    gr_free(b->cup);
    gr_free(b->obj);
    gr_free(b->isint);
}

/* Triplets to CSC (duplicates summed would need care: the model has none). */
static int mb_csc(const mb *b, int **Ap, int **Ai, double **Ax)
{
    *Ap = gr_calloc((size_t)b->n + 1, sizeof(int));
    *Ai = gr_malloc(((size_t)b->nz + 1) * sizeof(int));
    *Ax = gr_malloc(((size_t)b->nz + 1) * sizeof(double));
    int *next = gr_malloc(((size_t)b->n + 1) * sizeof(int));
    if (!*Ap || !*Ai || !*Ax || !next) {
        gr_free(next);
        return GR_ENOMEM;
    }
    for (int k = 0; k < b->nz; k++)
        (*Ap)[b->ci[k] + 1]++;
    for (int j = 0; j < b->n; j++)
        (*Ap)[j + 1] += (*Ap)[j];
    memcpy(next, *Ap, (size_t)b->n * sizeof(int));
    for (int k = 0; k < b->nz; k++) {   /* rows ascending within a column: triplets are */
        int p = next[b->ci[k]]++;       /* added row by row */
        (*Ai)[p] = b->ri[k];
        (*Ax)[p] = b->v[k];
    }
    gr_free(next);
    return GR_OK;
}

/* Size of the model (rows, columns, nonzeros) as the code below builds it,
 * counted before anything is built: slot_p the spare slots per class,
 * msub/nsub/mo the served-load terms (NULL/0 before they are known: the
 * size without them). Refused (GR_EINVAL, naming the sizes and the limits)
 * past RS_MIP_MAX_ROWS / _COLS / _NZ. The nonzeros are an upper bound (a
 * coefficient that happens to be 0 is not stored), rows and columns exact. */
typedef struct mip_size {
    long long rows, cols, nz;
} mip_size;

static int mip_size_check(const rs_inst *in, const int *slot_p, const int *slot_L,
                          const int *msub, int nsub, const double *mo, mip_size *sz,
                          gr_error *err)
{
    const long long n = in->n, C = in->C, multi = in->C > 1;
    const gr_damage *d = in->d;
    long long rows = 0, cols = 0, nz = 0;
    double phi_min = HUGE_VAL;
    for (int c = 0; c < in->C; c++)
        phi_min = in->crew_phi[c] < phi_min ? in->crew_phi[c] : phi_min;
    /* per element: S, T, D (shifts), z_ic; one-crew row, crew-start rows,
       completion rows, E >= T_i, precedence, spares */
    cols += n * (2 + (in->cal.W < 24.0) + (multi ? C : 0));
    for (int i = 0; i < in->n; i++) {
        rows += multi + C + (in->cal.W < 24.0 ? 2 : 1) + 1;
        nz += (multi ? C : 0) + (multi ? 2 * C : C) + (in->cal.W < 24.0 ? 5 : 2) + 2;
        long long np = in->pred_p[i + 1] - in->pred_p[i];
        rows += np;
        nz += 2 * np;
        int k = d->elem[i].spare;
        if (k < 0)
            continue;
        long long ns = slot_p[k + 1] - slot_p[k], late = 0;
        for (int q = 0; q < ns; q++) {   /* S_i >= a_q g_iq for units in after phi_min */
            double phi = q < slot_L[k] ? in->unit_phi[in->unit_p[k] + q] : in->new_phi[k];
            late += !(phi <= phi_min);
        }
        cols += ns;
        rows += 1 + late;
        nz += ns + 2 * late;
    }
    for (int k = 0; k < in->nspare; k++) {   /* a unit to one element at most */
        long long users = 0;
        for (int i = 0; i < in->n; i++)
            users += d->elem[i].spare == k;
        if (users >= 2) {
            rows += slot_p[k + 1] - slot_p[k];
            nz += users * (slot_p[k + 1] - slot_p[k]);
        }
    }
    long long pairs = n * (n - 1) / 2;
    cols += pairs + 1;   /* o_ij, E */
    rows += 2 * pairs * C;
    nz += 2 * pairs * C * (multi ? 5 : 3);
    for (int k = 0; k < nsub; k++) {   /* M_T, lambda */
        long long t = __builtin_popcount((unsigned)msub[k]);
        cols += 1;
        rows += t;
        nz += 2 * t;
        if (mo[msub[k]] < 0.0) {
            cols += t;
            rows += 1 + t;
            nz += t + 3 * t;
        }
    }
    sz->rows = rows;
    sz->cols = cols;
    sz->nz = nz;
    if (rows <= RS_MIP_MAX_ROWS && cols <= RS_MIP_MAX_COLS && nz <= RS_MIP_MAX_NZ)
        return GR_OK;
    return gr_error_set(err, GR_EINVAL,
                        "restore: the MIP would have %lld rows, %lld columns and %lld nonzeros%s; "
                        "the limits are %d rows, %d columns, %d nonzeros (%d elements, %d crews, "
                        "%d spare slots): use --method rad",
                        rows, cols, nz, msub ? "" : " before its served-load terms",
                        RS_MIP_MAX_ROWS, RS_MIP_MAX_COLS, RS_MIP_MAX_NZ, in->n, in->C,
                        slot_p[in->nspare]);
}

int rs_mip(const rs_inst *in, const rs_sched *start, double deadline, rs_sched *s,
           rs_mip_out *out, gr_error *err)
{
    const int n = in->n, C = in->C;
    const gr_damage *d = in->d;
    out->status = GR_RESTORE_MIP_FALLBACK;
    out->have_plan = 0;
    out->objective = NAN;
    out->bound = NAN;
    if (n == 0) {
        out->status = GR_RESTORE_MIP_OPTIMAL;
        out->objective = 0.0;
        out->bound = 0.0;
        return GR_OK;
    }
    if (n > 16)
        return gr_error_set(err, GR_EINVAL, "restore: MIP limited to 16 elements");
    int st = GR_OK;
    size_t ns = (size_t)1 << n;
    double *v = gr_malloc(ns * sizeof(double));
    double *mo = gr_malloc(ns * sizeof(double));
    uint64_t mask[1];
    mb b;
    memset(&b, 0, sizeof b);
    mip_size size;
    int *Ap = NULL, *Ai = NULL;
    double *Ax = NULL, *x = NULL, *x0 = NULL;
    int *colS = gr_malloc((size_t)n * sizeof(int)), *colT = gr_malloc((size_t)n * sizeof(int));
    int *colD = gr_malloc((size_t)n * sizeof(int)), *colZ = gr_malloc((size_t)n * C * sizeof(int));
    int *colO = gr_malloc((size_t)n * n * sizeof(int));
    int *slot_p = gr_calloc((size_t)in->nspare + 2, sizeof(int));
    int *slot_L = gr_calloc((size_t)in->nspare + 2, sizeof(int));
    int *colG = NULL;        /* per element i: first g column (slots of its class) */
    double *slot_phi = NULL, *slot_abs = NULL;
    int *msub = NULL, *mcol = NULL, *lam = NULL, nsub = 0, nlam = 0;
    if (!v || !mo || !colS || !colT || !colD || !colZ || !colO || !slot_p || !slot_L)
        goto oom;

    /* spare slots per class: the earliest listed units, then one "ordered now"
       unit per unit needed. Units differ only in when they are in, and the
       elements of a class take `need` units in all: a plan that uses a later
       listed unit while an earlier one is free stays feasible with the
       earlier one, so min(listed, need) listed units are enough (exact; a
       stock of 10^6 gave 10^6 slots per element, issue 22). slot_L[k] = how
       many listed units are kept. */
    int nslot = 0;
    for (int k = 0; k < in->nspare; k++) {
        int listed = in->unit_p[k + 1] - in->unit_p[k];
        long long need = 0;
        for (int i = 0; i < n; i++)
            if (d->elem[i].spare == k)
                need += d->elem[i].spare_count;
        if (need > RS_MIP_MAX_COLS) {
            st = gr_error_set(err, GR_EINVAL,
                              "restore: the MIP would need %lld spare slots of class \"%s\", "
                              "more than its limit of %d columns: use --method rad",
                              need, d->spare[k].name ? d->spare[k].name : "", RS_MIP_MAX_COLS);
            goto done;
        }
        slot_p[k] = nslot;
        slot_L[k] = listed < need ? listed : (int)need;
        nslot += slot_L[k] + (isfinite(in->new_phi[k]) ? (int)need : 0);
    }
    slot_p[in->nspare] = nslot;
    /* the model's size without the served-load terms: refuse before the
       2^n states are computed */
    if ((st = mip_size_check(in, slot_p, slot_L, NULL, 0, NULL, &size, err)))
        goto done;

    /* served-load values of all subsets, and their Moebius transform */
    for (size_t S = 0; S < ns; S++) {
        rs_value val;
        mask[0] = (uint64_t)S;
        if (gr_time_s() > deadline)   /* no time left for CBC: the caller keeps its plan */
            goto done;
        if ((st = rs_eval_get(in->ev, mask, &val, err)))
            goto done;
        v[S] = val.weighted;
        mo[S] = val.weighted;
    }
    for (int i = 0; i < n; i++)
        for (size_t S = 0; S < ns; S++)
            if (S & ((size_t)1 << i))
                mo[S] -= mo[S ^ ((size_t)1 << i)];
    double Dw = in->demand_weighted > 0.0 ? in->demand_weighted : 1.0;
    double drop = 1e-7 * Dw, scale = 1.0 / Dw;

    /* horizon bounds (phi) */
    double phi_min = HUGE_VAL, phi_max = -HUGE_VAL, tmax = 0.0, pmax = 0.0, psum = 0.0;
    for (int c = 0; c < C; c++) {
        phi_min = in->crew_phi[c] < phi_min ? in->crew_phi[c] : phi_min;
        phi_max = in->crew_phi[c] > phi_max ? in->crew_phi[c] : phi_max;
    }
    for (int a = 0; a < n + C; a++)
        for (int i = 0; i < n; i++)
            tmax = in->travel[(size_t)a * n + i] > tmax ? in->travel[(size_t)a * n + i] : tmax;
    for (int i = 0; i < n; i++) {
        psum += in->p[i];
        pmax = in->p[i] > pmax ? in->p[i] : pmax;
    }
    double rel_max = phi_max;
    slot_phi = gr_malloc(((size_t)nslot + 1) * sizeof(double));
    slot_abs = gr_malloc(((size_t)nslot + 1) * sizeof(double));
    colG = gr_malloc(((size_t)n + 1) * sizeof(int));
    if (!slot_phi || !slot_abs || !colG)
        goto oom;
    for (int k = 0; k < in->nspare; k++) {
        int listed = slot_L[k];
        for (int q = slot_p[k]; q < slot_p[k + 1]; q++) {
            int u = q - slot_p[k];
            slot_phi[q] = u < listed ? in->unit_phi[in->unit_p[k] + u] : in->new_phi[k];
            slot_abs[q] = u < listed ? in->unit_abs[in->unit_p[k] + u] : in->new_abs[k];
            if (slot_phi[q] > rel_max)
                rel_max = slot_phi[q];
        }
    }
    double H = rel_max + psum + (double)n * tmax + 1.0;   /* no start beyond H */
    double M = H - phi_min + pmax + tmax + 1.0;
    double W = in->cal.W;
    double Tmax = rs_cal_end(&in->cal, H + pmax) + 48.0;
    double BT = Tmax - in->start_h + 1.0;

    /* subsets with |T| >= 2 and m(T) != 0 */
    msub = gr_malloc(ns * sizeof(int));
    mcol = gr_malloc(ns * sizeof(int));
    if (!msub || !mcol)
        goto oom;
    for (size_t S = 1; S < ns; S++) {
        if ((S & (S - 1)) == 0 || fabs(mo[S]) <= drop)
            continue;
        msub[nsub++] = (int)S;
    }
    /* the exact size, with the served-load terms: refuse before building */
    if ((st = mip_size_check(in, slot_p, slot_L, msub, nsub, mo, &size, err)))
        goto done;

    /* columns */
    for (int i = 0; i < n; i++) {
        colS[i] = mb_col(&b, phi_min, H, 0.0, 0);
        colT[i] = mb_col(&b, in->start_h, Tmax, scale * mo[(size_t)1 << i], 0);
        colD[i] = W < 24.0 ? mb_col(&b, floor(phi_min / W) - 1.0, ceil((H + pmax) / W) + 1.0,
                                    0.0, 1)
                           : -1;
        for (int c = 0; c < C; c++)
            colZ[i * C + c] = C > 1 ? mb_col(&b, 0.0, 1.0, 0.0, 1) : -1;
    }
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            colO[i * n + j] = mb_col(&b, 0.0, 1.0, 0.0, 1);
    for (int i = 0; i < n; i++) {
        int k = d->elem[i].spare;
        colG[i] = -1;
        if (k < 0)
            continue;
        colG[i] = b.n;
        for (int q = slot_p[k]; q < slot_p[k + 1]; q++)
            mb_col(&b, 0.0, 1.0, 0.0, 1);
    }
    double v_all = v[ns - 1];
    int colE = mb_col(&b, in->start_h, Tmax, scale * (in->demand_weighted - v_all), 0);
    for (int k = 0; k < nsub; k++)
        mcol[k] = mb_col(&b, in->start_h, Tmax, scale * mo[msub[k]], 0);
    /* lambda columns for negative terms, in subset order then element order */
    for (int k = 0; k < nsub; k++)
        if (mo[msub[k]] < 0.0)
            for (int i = 0; i < n; i++)
                nlam += (msub[k] >> i) & 1;
    lam = gr_malloc(((size_t)nlam + 1) * sizeof(int));
    if (!lam)
        goto oom;
    nlam = 0;
    for (int k = 0; k < nsub; k++)
        if (mo[msub[k]] < 0.0)
            for (int i = 0; i < n; i++)
                if (msub[k] & (1 << i))
                    lam[nlam++] = mb_col(&b, 0.0, 1.0, 0.0, 1);

    /* rows */
    int r;
    for (int i = 0; i < n; i++) {
        /* one crew each */
        if (C > 1) {
            r = mb_row(&b, 1.0, 1.0);
            for (int c = 0; c < C; c++)
                mb_add(&b, r, colZ[i * C + c], 1.0);
        }
        /* from the crew's start: S_i >= (a_c + t_ci) z_ic */
        for (int c = 0; c < C; c++) {
            double a = in->crew_phi[c] + in->travel[(size_t)(n + c) * n + i];
            if (C > 1) {
                r = mb_row(&b, 0.0, HUGE_VAL);
                mb_add(&b, r, colS[i], 1.0);
                mb_add(&b, r, colZ[i * C + c], -a);
            } else {
                r = mb_row(&b, a, HUGE_VAL);
                mb_add(&b, r, colS[i], 1.0);
            }
        }
        /* completion clock time */
        if (W < 24.0) {
            r = mb_row(&b, in->p[i] - in->cal.u0, in->p[i] - in->cal.u0);
            mb_add(&b, r, colT[i], 1.0);
            mb_add(&b, r, colS[i], -1.0);
            mb_add(&b, r, colD[i], -(24.0 - W));
            r = mb_row(&b, -in->p[i], W - in->p[i]);   /* W d <= S + p <= W d + W */
            mb_add(&b, r, colS[i], 1.0);
            mb_add(&b, r, colD[i], -W);
        } else {
            r = mb_row(&b, in->p[i], in->p[i]);
            mb_add(&b, r, colT[i], 1.0);
            mb_add(&b, r, colS[i], -1.0);
        }
        r = mb_row(&b, 0.0, HUGE_VAL);   /* E >= T_i */
        mb_add(&b, r, colE, 1.0);
        mb_add(&b, r, colT[i], -1.0);
        /* precedence */
        for (int q = in->pred_p[i]; q < in->pred_p[i + 1]; q++) {
            int j = in->pred_i[q];
            r = mb_row(&b, in->p[j], HUGE_VAL);
            mb_add(&b, r, colS[i], 1.0);
            mb_add(&b, r, colS[j], -1.0);
        }
        /* spares */
        int k = d->elem[i].spare;
        if (k >= 0) {
            r = mb_row(&b, d->elem[i].spare_count, d->elem[i].spare_count);
            for (int q = slot_p[k]; q < slot_p[k + 1]; q++)
                mb_add(&b, r, colG[i] + q - slot_p[k], 1.0);
            for (int q = slot_p[k]; q < slot_p[k + 1]; q++) {
                if (slot_phi[q] <= phi_min)
                    continue;
                r = mb_row(&b, 0.0, HUGE_VAL);
                mb_add(&b, r, colS[i], 1.0);
                mb_add(&b, r, colG[i] + q - slot_p[k], -slot_phi[q]);
            }
        }
    }
    for (int k = 0; k < in->nspare; k++)   /* a unit goes to one element at most */
        for (int q = slot_p[k]; q < slot_p[k + 1]; q++) {
            int users = 0;
            for (int i = 0; i < n; i++)
                users += d->elem[i].spare == k;
            if (users < 2)
                continue;
            r = mb_row(&b, -HUGE_VAL, 1.0);
            for (int i = 0; i < n; i++)
                if (d->elem[i].spare == k)
                    mb_add(&b, r, colG[i] + q - slot_p[k], 1.0);
        }
    /* disjunctive pairs */
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            int o = colO[i * n + j];
            double tij = in->travel[(size_t)i * n + j], tji = in->travel[(size_t)j * n + i];
            for (int c = 0; c < C; c++) {
                /* S_j - S_i - M o - M z_ic - M z_jc >= p_i + t_ij - 3M */
                r = mb_row(&b, in->p[i] + tij - (C > 1 ? 3.0 : 1.0) * M, HUGE_VAL);
                mb_add(&b, r, colS[i], -1.0);
                mb_add(&b, r, colS[j], 1.0);
                mb_add(&b, r, o, -M);
                if (C > 1) {
                    mb_add(&b, r, colZ[i * C + c], -M);
                    mb_add(&b, r, colZ[j * C + c], -M);
                }
                /* S_i - S_j + M o - M z_ic - M z_jc >= p_j + t_ji - 2M */
                r = mb_row(&b, in->p[j] + tji - (C > 1 ? 2.0 : 0.0) * M, HUGE_VAL);
                mb_add(&b, r, colS[i], 1.0);
                mb_add(&b, r, colS[j], -1.0);
                mb_add(&b, r, o, M);
                if (C > 1) {
                    mb_add(&b, r, colZ[i * C + c], -M);
                    mb_add(&b, r, colZ[j * C + c], -M);
                }
            }
        }
    /* M_T rows */
    {
        int lk = 0;
        for (int k = 0; k < nsub; k++) {
            int S = msub[k], neg = mo[S] < 0.0, r1 = 0;
            if (neg)
                r1 = mb_row(&b, 1.0, 1.0);   /* sum lambda = 1 */
            for (int i = 0; i < n; i++) {
                if (!(S & (1 << i)))
                    continue;
                r = mb_row(&b, 0.0, HUGE_VAL);   /* M_T >= T_i */
                mb_add(&b, r, mcol[k], 1.0);
                mb_add(&b, r, colT[i], -1.0);
                if (neg) {
                    int l = lam[lk++];
                    mb_add(&b, r1, l, 1.0);
                    r = mb_row(&b, -HUGE_VAL, BT);   /* M_T - T_i + BT lambda <= BT */
                    mb_add(&b, r, mcol[k], 1.0);
                    mb_add(&b, r, colT[i], -1.0);
                    mb_add(&b, r, l, BT);
                }
            }
        }
    }
    if (b.oom || mb_csc(&b, &Ap, &Ai, &Ax))
        goto oom;
    if (b.m != size.rows || b.n != size.cols || b.nz > size.nz) {
        st = gr_error_set(err, GR_EINVAL,
                          "restore: MIP of %d rows, %d columns, %d nonzeros, counted as %lld, "
                          "%lld, %lld (internal error)",
                          b.m, b.n, b.nz, size.rows, size.cols, size.nz);
        goto done;
    }
    if (gr_time_s() > deadline)   /* set-up took the time: the caller keeps its plan */
        goto done;

    /* MIP start from the given schedule */
    x = gr_malloc(((size_t)b.n + 1) * sizeof(double));
    x0 = gr_calloc((size_t)b.n + 1, sizeof(double));
    if (!x || !x0)
        goto oom;
    if (start) {
        for (int i = 0; i < n; i++) {
            x0[colS[i]] = start->st[i];
            x0[colT[i]] = start->t_done[i];
            if (colD[i] >= 0) {
                double q = (start->st[i] + in->p[i]) / W;
                x0[colD[i]] = ceil(q - 1e-9 * (1.0 + fabs(q))) - 1.0;
            }
            for (int c = 0; c < C; c++)
                if (colZ[i * C + c] >= 0)
                    x0[colZ[i * C + c]] = start->crew[i] == c;
            for (int j = i + 1; j < n; j++)
                x0[colO[i * n + j]] = start->st[i] < start->st[j] ||
                                      (start->st[i] == start->st[j] && start->en[i] <= start->en[j]);
        }
        /* spare units as the decoder hands them out: in decode order, earliest first */
        int *used = gr_calloc((size_t)in->nspare + 1, sizeof(int));
        if (!used)
            goto oom;
        for (int q = 0; q < n; q++) {
            int i = start->order[q], k = d->elem[i].spare;
            if (k < 0)
                continue;
            int listed = in->unit_p[k + 1] - in->unit_p[k];
            for (int u = 0; u < d->elem[i].spare_count; u++) {
                /* the decoder's unit t: listed units first (t < need, so
                   t < slot_L[k] when listed), then new ones in turn */
                int t = used[k] + u;
                int slot = t < listed ? t : slot_L[k] + (t - listed);
                if (slot >= slot_p[k + 1] - slot_p[k])
                    slot = slot_p[k + 1] - slot_p[k] - 1;
                x0[colG[i] + slot] = 1.0;
            }
            used[k] += d->elem[i].spare_count;
        }
        gr_free(used);
        double last = in->start_h;   /* E: the last completion */
        for (int i = 0; i < n; i++)
            last = start->t_done[i] > last ? start->t_done[i] : last;
        x0[colE] = last;
        int lk = 0;
        for (int k = 0; k < nsub; k++) {
            int S = msub[k], arg = -1;
            double mx = -HUGE_VAL;
            for (int i = 0; i < n; i++)
                if ((S & (1 << i)) && start->t_done[i] > mx) {
                    mx = start->t_done[i];
                    arg = i;
                }
            x0[mcol[k]] = mx;
            if (mo[S] < 0.0)
                for (int i = 0; i < n; i++)
                    if (S & (1 << i))
                        x0[lam[lk++]] = i == arg;
        }
    }

    mip_options mo_opt;
    memset(&mo_opt, 0, sizeof mo_opt);   /* threads 0: CBC single-threaded */
    double left = deadline - gr_time_s();
    if (left < 0.05)   /* no time for CBC */
        goto done;
    mo_opt.time_limit_s = left;
    mo_opt.rel_gap = 1e-6;
    mo_opt.start = start ? x0 : NULL;
    mip_result res;
    if ((st = mip_solve(b.m, b.n, Ap, Ai, Ax, b.clo, b.cup, b.obj, b.rlo, b.rup, b.isint, &mo_opt,
                        x, &res))) {
        st = gr_error_set(err, st, "restore: MIP: %s", gr_strerror(st));
        goto done;
    }
    double K = (v[0] - in->demand_weighted) * in->start_h;
    out->bound = res.bound > -HUGE_VAL ? res.bound / scale + K : NAN;
    if (res.status != MIP_OPTIMAL && res.status != MIP_FEASIBLE) {
        /* no integer solution in time, or CBC gave up / called the model
           infeasible although the start satisfies it (numerical trouble: the
           inputs were checked before, see restore.c) */
        out->status = res.status == MIP_NOSOLUTION ? GR_RESTORE_MIP_FALLBACK
                                                   : GR_RESTORE_MIP_FAILED;
        goto done;
    }
    out->status = res.status == MIP_OPTIMAL ? GR_RESTORE_MIP_OPTIMAL : GR_RESTORE_MIP_TIME_LIMIT;
    out->objective = res.objective / scale + K;
    out->have_plan = 1;

    /* schedule from the solution: crews and order from z and S, times by a
       forward pass (each job as early as crew, travel, predecessors and its
       spare units allow) */
    {
        int *ord = s->order;
        for (int i = 0; i < n; i++) {
            ord[i] = i;
            int cb = 0;
            for (int c = 0; c < C; c++)
                if (colZ[i * C + c] >= 0 && x[colZ[i * C + c]] > 0.5)
                    cb = c;
            s->crew[i] = cb;
        }
        for (int i = 1; i < n; i++) {   /* by MIP start time */
            int e = ord[i], j = i - 1;
            while (j >= 0 && x[colS[ord[j]]] > x[colS[e]] + 1e-9) {
                ord[j + 1] = ord[j];
                j--;
            }
            ord[j + 1] = e;
        }
        double fp[64];
        int lc[64];
        double *free_phi = C <= 64 ? fp : gr_malloc((size_t)C * sizeof(double));
        int *loc = C <= 64 ? lc : gr_malloc((size_t)C * sizeof(int));
        if (!free_phi || !loc) {
            if (free_phi != fp)
                gr_free(free_phi);
            if (loc != lc)
                gr_free(loc);
            goto oom;
        }
        for (int c = 0; c < C; c++) {
            free_phi[c] = in->crew_phi[c];
            loc[c] = n + c;
        }
        unsigned char *placed = gr_calloc((size_t)n + 1, 1);
        if (!placed) {
            if (free_phi != fp)
                gr_free(free_phi);
            if (loc != lc)
                gr_free(loc);
            goto oom;
        }
        for (int q = 0; q < n; q++) {
            /* first element by MIP start whose predecessors are placed (ties
               of zero-length work could put a successor first) */
            int i = -1;
            for (int a = 0; a < n && i < 0; a++) {
                int e = ord[a], ok = !placed[e];
                for (int pq = in->pred_p[e]; ok && pq < in->pred_p[e + 1]; pq++)
                    ok = placed[in->pred_i[pq]];
                if (ok)
                    i = e;
            }
            if (i < 0)
                break;
            placed[i] = 1;
            int c = s->crew[i];
            double ready = -HUGE_VAL;
            for (int pq = in->pred_p[i]; pq < in->pred_p[i + 1]; pq++)
                if (s->en[in->pred_i[pq]] > ready)
                    ready = s->en[in->pred_i[pq]];
            s->spare_abs[i] = NAN;
            int k = d->elem[i].spare;
            if (k >= 0) {
                double sa = -HUGE_VAL;
                for (int sl = slot_p[k]; sl < slot_p[k + 1]; sl++)
                    if (x[colG[i] + sl - slot_p[k]] > 0.5) {
                        if (slot_phi[sl] > ready)
                            ready = slot_phi[sl];
                        if (slot_abs[sl] > sa)
                            sa = slot_abs[sl];
                    }
                s->spare_abs[i] = sa;
            }
            s->dep[i] = free_phi[c];
            s->arr[i] = free_phi[c] + in->travel[(size_t)loc[c] * n + i];
            s->st[i] = s->arr[i] > ready ? s->arr[i] : ready;
            s->en[i] = s->st[i] + in->p[i];
            s->t_done[i] = in->p[i] > 0.0 ? rs_cal_end(&in->cal, s->en[i])
                                          : rs_cal_start(&in->cal, s->st[i]);
            if (s->t_done[i] < in->start_h)
                s->t_done[i] = in->start_h;
            free_phi[c] = s->en[i];
            loc[c] = i;
        }
        gr_free(placed);
        if (free_phi != fp)
            gr_free(free_phi);
        if (loc != lc)
            gr_free(loc);
        s->objective = HUGE_VAL;
    }
    goto done;
oom:
    st = gr_error_set(err, GR_ENOMEM, "restore: out of memory");
done:
    mb_free(&b);
    gr_free(Ap);
    gr_free(Ai);
    gr_free(Ax);
    gr_free(x);
    gr_free(x0);
    gr_free(v);
    gr_free(mo);
    gr_free(colS);
    gr_free(colT);
    gr_free(colD);
    gr_free(colZ);
    gr_free(colO);
    gr_free(colG);
    gr_free(slot_p);
    gr_free(slot_L);
    gr_free(slot_phi);
    gr_free(slot_abs);
    gr_free(msub);
    gr_free(mcol);
    gr_free(lam);
    return st;
}
