/* testutil.c — helpers shared by the unit tests. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int tu_shared_path(const char *rel, char *buf, size_t len)
{
    const char *dir = getenv("GRIDRES_SHARED_DIR");
    if (!dir)
        dir = GRIDRES_SHARED_DIR;
    snprintf(buf, len, "%s/%s", dir, rel);
    struct stat st;
    return stat(buf, &st) == 0;
}

void tu_require_shared(void)
{
    char buf[4096];
    if (!tu_shared_path("cases", buf, sizeof buf)) {
        fprintf(stderr, "SKIP: shared test data not found at %s (set GRIDRES_SHARED_DIR)\n", buf);
        exit(TEST_SKIP_CODE);
    }
}

/* Tests skipped for missing shared data (tu_note_skip). */
static int tu_skipped;

void tu_note_skip(const char *what, const char *missing)
{
    fprintf(stderr, "SKIP: %s needs %s, which is absent (set GRIDRES_SHARED_DIR)\n", what,
            missing);
    tu_skipped++;
}

int tu_exit(int failed)
{
    if (failed > 0)
        return failed;
    if (tu_skipped) {
        fprintf(stderr, "SKIP: %d test(s) skipped for missing shared data\n", tu_skipped);
        return TEST_SKIP_CODE;
    }
    return 0;
}

void tu_assert_near(double a, double b, double abs_tol, double rel_tol, const char *expr,
                    const char *file, int line)
{
    double d = fabs(a - b);
    if (!(d <= abs_tol + rel_tol * fabs(b))) {
        fail_msg("%s:%d: %s = %.12g, expected %.12g (|diff| %.3g > tol %.3g)", file, line, expr,
                 a, b, d, abs_tol + rel_tol * fabs(b));
    }
}

tu_csv *tu_csv_read(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    tu_csv *t = calloc(1, sizeof *t);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    size_t xcap = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        if (len == 0)
            continue;
        if (!t->header) {
            int n = 1;
            for (char *p = line; *p; p++)
                n += *p == ',';
            t->cols = n;
            t->header = calloc((size_t)n, sizeof *t->header);
            char *save = NULL;
            int k = 0;
            for (char *tok = strtok_r(line, ",", &save); tok && k < n; tok = strtok_r(NULL, ",", &save))
                t->header[k++] = strdup(tok);
            continue;
        }
        if ((size_t)(t->rows + 1) * (size_t)t->cols > xcap) {
            xcap = xcap ? 2 * xcap : 1024;
            while (xcap < (size_t)(t->rows + 1) * (size_t)t->cols)
                xcap *= 2;
            t->x = realloc(t->x, xcap * sizeof *t->x);
        }
        double *row = t->x + (size_t)t->rows * (size_t)t->cols;
        char *p = line;
        for (int k = 0; k < t->cols; k++) {
            char *end;
            double v = strtod(p, &end);
            row[k] = end == p ? NAN : v;
            p = strchr(p, ',');
            if (!p) {
                for (int j = k + 1; j < t->cols; j++)
                    row[j] = NAN;
                break;
            }
            p++;
        }
        t->rows++;
    }
    free(line);
    fclose(f);
    return t;
}

int tu_csv_col(const tu_csv *t, const char *name)
{
    for (int k = 0; k < t->cols; k++)
        if (t->header[k] && strcmp(t->header[k], name) == 0)
            return k;
    return -1;
}

double tu_csv_get(const tu_csv *t, int row, int col)
{
    return t->x[(size_t)row * (size_t)t->cols + (size_t)col];
}

void tu_csv_free(tu_csv *t)
{
    if (!t)
        return;
    for (int k = 0; k < t->cols; k++)
        free(t->header ? t->header[k] : NULL);
    free(t->header);
    free(t->x);
    free(t);
}
