/* test_mip.c — the LP/MIP wrappers (solve/lp.h, solve/mip.h) at their edges: a hand-worked MIP, a time-limit stop with a start, and out of memory inside CLP/CBC (issue 22). */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "solve/lp.h"
#include "solve/mip.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TU_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TU_SANITIZED 1
#endif
#endif

/* Hand-worked: max 10a + 13b + 7c with 4a + 6b + 3c <= 9, a, b, c binary.
 * The pairs that fit: a+c (weight 7, value 17), b+c (9, 20); a+b weighs 10.
 * Optimum b = c = 1, value 20 (objective -20 as a minimisation). */
static void test_knapsack_optimal(void **state)
{
    (void)state;
    int Ap[] = {0, 1, 2, 3}, Ai[] = {0, 0, 0};
    double Ax[] = {4, 6, 3}, clo[] = {0, 0, 0}, cup[] = {1, 1, 1}, c[] = {-10, -13, -7};
    double rlo[] = {-HUGE_VAL}, rup[] = {9};
    unsigned char is_int[] = {1, 1, 1};
    double x[3];
    mip_options o = {.time_limit_s = 10.0};
    mip_result r;
    assert_int_equal(mip_solve(1, 3, Ap, Ai, Ax, clo, cup, c, rlo, rup, is_int, &o, x, &r), GR_OK);
    assert_int_equal(r.status, MIP_OPTIMAL);
    assert_near(r.objective, -20.0, 1e-9, 0.0);
    assert_near(x[0], 0.0, 1e-9, 0.0);
    assert_near(x[1], 1.0, 1e-9, 0.0);
    assert_near(x[2], 1.0, 1e-9, 0.0);
    assert_true(r.bound <= r.objective + 1e-9);
    assert_int_equal(r.time_limit, 0);
}

/* A multi-dimensional knapsack too large for a 1 ms limit, with a feasible
 * start (nothing packed): the stop at the time limit is never "infeasible"
 * nor "no solution" (the start is the incumbent), the solution returned
 * satisfies every row, and the bound stays below it (issue 22 item 1). */
static void test_time_limit_with_start(void **state)
{
    (void)state;
    enum { N = 120, M = 6 };
    int *Ap = malloc((N + 1) * sizeof(int)), *Ai = malloc(N * M * sizeof(int));
    double *Ax = malloc(N * M * sizeof(double)), clo[N], cup[N], c[N], x[N], x0[N];
    double rlo[M], rup[M];
    unsigned char is_int[N];
    assert_non_null(Ap);
    assert_non_null(Ai);
    assert_non_null(Ax);
    unsigned s = 12345u;
    for (int j = 0; j < N; j++) {
        Ap[j] = j * M;
        double wsum = 0.0;
        for (int i = 0; i < M; i++) {
            s = s * 1103515245u + 12345u;
            Ai[j * M + i] = i;
            Ax[j * M + i] = 10.0 + (double)((s >> 16) % 90);
            wsum += Ax[j * M + i];
        }
        clo[j] = 0.0;
        cup[j] = 1.0;
        c[j] = -(wsum / M + 5.0);   /* correlated values: hard for branch and bound */
        is_int[j] = 1;
        x0[j] = 0.0;
    }
    Ap[N] = N * M;
    for (int i = 0; i < M; i++) {
        rlo[i] = -HUGE_VAL;
        rup[i] = 0.5 * 55.0 * N;
    }
    mip_options o = {.time_limit_s = 1e-3, .start = x0};
    mip_result r;
    assert_int_equal(mip_solve(M, N, Ap, Ai, Ax, clo, cup, c, rlo, rup, is_int, &o, x, &r), GR_OK);
    assert_true(r.status == MIP_OPTIMAL || r.status == MIP_FEASIBLE);
    assert_true(r.objective <= 1e-9);   /* never worse than the start */
    for (int i = 0; i < M; i++) {
        double a = 0.0;
        for (int j = 0; j < N; j++)
            a += Ax[j * M + i] * x[j];
        assert_true(a <= rup[i] + 1e-6);
    }
    double obj = 0.0;
    for (int j = 0; j < N; j++) {
        assert_true(fabs(x[j] - nearbyint(x[j])) < 1e-6);
        obj += c[j] * x[j];
    }
    assert_near(obj, r.objective, 1e-6, 1e-9);
    assert_true(!(r.bound > r.objective + 1e-9));
    free(Ap);
    free(Ai);
    free(Ax);
}

/* ------------------------------------------------------------------------
 * Out of memory inside CLP/CBC: in a child process with its address space
 * capped a little above what it uses, a large LP and a large MIP either
 * solve or return GR_ENOMEM; before issue 22 std::bad_alloc escaped the C
 * wrappers and aborted (exit 134). Sanitizer builds reserve terabytes of
 * shadow memory and cannot run under RLIMIT_AS: skipped there.
 * ------------------------------------------------------------------------ */
static size_t vm_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%lu", &pages) != 1)
        pages = 0;
    fclose(f);
    return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

/* A problem of n columns, n rows x_j + x_{j+1} <= 1 (a path's stable set),
 * objective -1 each. */
typedef struct big {
    int m, n;
    int *Ap, *Ai;
    double *Ax, *clo, *cup, *c, *rlo, *rup, *x;
    unsigned char *is_int;
} big;

static void big_make(big *b, int n)
{
    b->n = n;
    b->m = n - 1;
    b->Ap = malloc(((size_t)n + 1) * sizeof(int));
    b->Ai = malloc(2 * (size_t)n * sizeof(int));
    b->Ax = malloc(2 * (size_t)n * sizeof(double));
    b->clo = malloc((size_t)n * sizeof(double));
    b->cup = malloc((size_t)n * sizeof(double));
    b->c = malloc((size_t)n * sizeof(double));
    b->x = malloc((size_t)n * sizeof(double));
    b->rlo = malloc((size_t)n * sizeof(double));
    b->rup = malloc((size_t)n * sizeof(double));
    b->is_int = malloc((size_t)n);
    assert_true(b->Ap && b->Ai && b->Ax && b->clo && b->cup && b->c && b->x && b->rlo &&
                b->rup && b->is_int);
    int nz = 0;
    for (int j = 0; j < n; j++) {
        b->Ap[j] = nz;
        if (j > 0) {   /* row j-1: x_{j-1} + x_j */
            b->Ai[nz] = j - 1;
            b->Ax[nz++] = 1.0;
        }
        if (j < n - 1) {
            b->Ai[nz] = j;
            b->Ax[nz++] = 1.0;
        }
        b->clo[j] = 0.0;
        b->cup[j] = 1.0;
        b->c[j] = -1.0 - 1e-3 * (double)(j % 7);
        b->rlo[j] = -HUGE_VAL;
        b->rup[j] = 1.0;
        b->is_int[j] = 1;
    }
    b->Ap[n] = nz;
}

static void big_free(big *b)
{
    free(b->Ap);
    free(b->Ai);
    free(b->Ax);
    free(b->clo);
    free(b->cup);
    free(b->c);
    free(b->x);
    free(b->rlo);
    free(b->rup);
    free(b->is_int);
}

/* Child: cap the address space at its size + headroom, run one solve.
 * Exit 0: solved; 10: GR_ENOMEM; 20: any other status. */
static int run_capped(const big *b, int mip, size_t headroom)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit rl;
        rl.rlim_cur = rl.rlim_max = (rlim_t)(vm_bytes() + headroom);
        if (setrlimit(RLIMIT_AS, &rl) != 0)
            _exit(30);
        int st;
        if (mip) {
            mip_options o = {.time_limit_s = 5.0};
            mip_result r;
            st = mip_solve(b->m, b->n, b->Ap, b->Ai, b->Ax, b->clo, b->cup, b->c, b->rlo, b->rup,
                           b->is_int, &o, b->x, &r);
        } else {
            lp_problem *lp = NULL;
            lp_status ls;
            st = lp_create(&lp);
            if (!st)
                st = lp_load_cols(lp, b->m, b->n, b->Ap, b->Ai, b->Ax, b->clo, b->cup, b->c,
                                  b->rlo, b->rup);
            if (!st)
                st = lp_solve(lp, &ls);
            if (!st) {   /* a broken problem must stay refused, not crash */
                st = lp_resolve(lp, &ls);
            }
            lp_free(lp);
        }
        _exit(st == GR_OK ? 0 : st == GR_ENOMEM ? 10 : 20);
    }
    int ws = 0;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    if (WIFSIGNALED(ws)) {
        print_error("%s under +%zu MB: killed by signal %d\n", mip ? "MIP" : "LP",
                    headroom >> 20, WTERMSIG(ws));
        return -1;
    }
    return WEXITSTATUS(ws);
}

static void test_out_of_memory_in_coin(void **state)
{
    (void)state;
#ifdef TU_SANITIZED
    skip();
#else
    big b;
    big_make(&b, 200000);
    for (int mip = 0; mip <= 1; mip++) {
        int enomem = 0;
        for (size_t mb = 2; mb <= 64; mb *= 2) {
            int rc = run_capped(&b, mip, mb << 20);
            assert_true(rc == 0 || rc == 10);   /* never a signal (abort) or another error */
            enomem += rc == 10;
        }
        assert_true(enomem > 0);   /* the smallest headroom did run out */
    }
    big_free(&b);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_knapsack_optimal),
        cmocka_unit_test(test_time_limit_with_start),
        cmocka_unit_test(test_out_of_memory_in_coin),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
