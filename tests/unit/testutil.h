/* testutil.h — helpers shared by the unit tests: tolerances, shared-data paths, CSV reading. */
#ifndef GRIDRES_TESTUTIL_H
#define GRIDRES_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gridres.h"

/* Exit code ctest treats as "skipped". */
#define TEST_SKIP_CODE 77

/* Path of a file under ../shared (e.g. "cases/matpower/case9.m") into buf.
 * Returns 1 if the file exists, 0 if not. */
int tu_shared_path(const char *rel, char *buf, size_t len);
/* Exit with TEST_SKIP_CODE and a clear message when ../shared is absent. */
void tu_require_shared(void);
/* Path of a file under ../shared into buf; when it is absent, print "SKIP: <what>
 * needs <path>" and end the calling test as skipped (cmocka's skip()). Call
 * only from a test function. The program then exits TEST_SKIP_CODE (tu_exit)
 * unless a test failed, so ctest reports it skipped, never silently passed. */
#define TU_NEED_SHARED(rel, buf, len)                                               \
    do {                                                                            \
        if (!tu_shared_path((rel), (buf), (len))) {                                 \
            tu_note_skip(__func__, (buf));                                          \
            skip();                                                                 \
        }                                                                           \
    } while (0)
void tu_note_skip(const char *what, const char *missing);
/* Exit code of a test program: `failed` (cmocka's count) when > 0, else
 * TEST_SKIP_CODE when a test was skipped (tu_note_skip), else 0. */
int tu_exit(int failed);

/* |a - b| <= abs_tol + rel_tol * |b|; on failure prints both values and fails. */
#define assert_near(a, b, abs_tol, rel_tol) \
    tu_assert_near((a), (b), (abs_tol), (rel_tol), #a, __FILE__, __LINE__)
void tu_assert_near(double a, double b, double abs_tol, double rel_tol, const char *expr,
                    const char *file, int line);

/* A numeric CSV table (header row, then numbers; empty or NaN cells -> NAN). */
typedef struct tu_csv {
    int rows, cols;
    char **header;   /* cols names */
    double *x;       /* rows * cols, row-major */
} tu_csv;
/* Read a CSV; returns NULL if the file cannot be opened. */
tu_csv *tu_csv_read(const char *path);
/* Column index by name, or -1. */
int tu_csv_col(const tu_csv *t, const char *name);
double tu_csv_get(const tu_csv *t, int row, int col);
void tu_csv_free(tu_csv *t);

#endif
