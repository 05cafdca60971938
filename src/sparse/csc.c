/* csc.c — compressed-sparse-column matrices: allocation, assembly from triplets, products. */
#include <string.h>

#include "sparse/csc.h"

void gr_csc_free(gr_csc *A)
{
    if (!A)
        return;
    gr_free(A->p);
    gr_free(A->i);
    gr_free(A->x);
    gr_free(A->z);
    gr_free(A);
}

gr_csc *csc_alloc(int m, int n, int nzmax, int with_values, int complex_values)
{
    gr_csc *A = gr_calloc(1, sizeof *A);
    if (!A)
        return NULL;
    A->m = m;
    A->n = n;
    size_t nzs = (size_t)(nzmax > 0 ? nzmax : 1);
    A->p = gr_calloc((size_t)n + 1, sizeof(int));
    A->i = gr_malloc(nzs * sizeof(int));
    if (with_values || complex_values)
        A->x = gr_calloc(nzs, sizeof(double));
    if (complex_values)
        A->z = gr_calloc(nzs, sizeof(double));
    if (!A->p || !A->i || ((with_values || complex_values) && !A->x) || (complex_values && !A->z)) {
        gr_csc_free(A);
        return NULL;
    }
    return A;
}

gr_csc *csc_from_triplets(int m, int n, int nz, const int *Ti, const int *Tj, const double *Tx,
                          const double *Tz, int force_diag)
{
    int nd = force_diag ? (m < n ? m : n) : 0;
    int total = nz + nd;
    int *count = gr_calloc((size_t)n + 1, sizeof(int));
    int *order = gr_malloc((size_t)(total > 0 ? total : 1) * sizeof(int));
    int *rowcount = gr_calloc((size_t)m + 1, sizeof(int));
    int *byrow = gr_malloc((size_t)(total > 0 ? total : 1) * sizeof(int));
    int *mark = gr_malloc((size_t)(m > 0 ? m : 1) * sizeof(int));
    gr_csc *A = csc_alloc(m, n, total, Tx != NULL, Tz != NULL);
    if (!count || !order || !rowcount || !byrow || !mark || !A) {
        gr_csc_free(A);
        A = NULL;
        goto done;
    }
    /* Entry k < nz is a triplet, k >= nz is the diagonal (k - nz). */
#define TROW(k) ((k) < nz ? Ti[k] : (k) - nz)
#define TCOL(k) ((k) < nz ? Tj[k] : (k) - nz)
    /* Stable counting sort by row, then by column: (col, row) order. */
    for (int k = 0; k < total; k++)
        rowcount[TROW(k) + 1]++;
    for (int r = 0; r < m; r++)
        rowcount[r + 1] += rowcount[r];
    for (int k = 0; k < total; k++)
        byrow[rowcount[TROW(k)]++] = k;
    for (int k = 0; k < total; k++)
        count[TCOL(k) + 1]++;
    for (int c = 0; c < n; c++)
        count[c + 1] += count[c];
    for (int q = 0; q < total; q++) {
        int k = byrow[q];
        order[count[TCOL(k)]++] = k;
    }
    /* Walk in (col, row) order and sum duplicates. */
    for (int r = 0; r < m; r++)
        mark[r] = -1;
    int nnz = 0, q = 0;
    for (int c = 0; c < n; c++) {
        A->p[c] = nnz;
        int colstart = nnz;
        for (; q < total && TCOL(order[q]) == c; q++) {
            int k = order[q], r = TROW(k);
            double vx = k < nz && Tx ? Tx[k] : 0.0, vz = k < nz && Tz ? Tz[k] : 0.0;
            if (mark[r] >= colstart) {
                if (A->x)
                    A->x[mark[r]] += vx;
                if (A->z)
                    A->z[mark[r]] += vz;
                continue;
            }
            mark[r] = nnz;
            A->i[nnz] = r;
            if (A->x)
                A->x[nnz] = vx;
            if (A->z)
                A->z[nnz] = vz;
            nnz++;
        }
    }
    A->p[n] = nnz;
#undef TROW
#undef TCOL
done:
    gr_free(count);
    gr_free(order);
    gr_free(rowcount);
    gr_free(byrow);
    gr_free(mark);
    return A;
}

void csc_cmatvec(const gr_csc *A, const double *xr, const double *xi, double *yr, double *yi)
{
    for (int c = 0; c < A->n; c++) {
        double ar = xr[c], ai = xi[c];
        for (int q = A->p[c]; q < A->p[c + 1]; q++) {
            int r = A->i[q];
            double yx = A->x[q], yz = A->z[q];
            yr[r] += yx * ar - yz * ai;
            yi[r] += yx * ai + yz * ar;
        }
    }
}
