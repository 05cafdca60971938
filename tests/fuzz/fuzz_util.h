/* fuzz_util.h — shared by the libFuzzer harnesses: the fixed inputs they read once, a scratch directory, the clean-failure check. */
#ifndef GRIDRES_FUZZ_UTIL_H
#define GRIDRES_FUZZ_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gridres.h"

#ifndef GRIDRES_FUZZ_SOURCE_DIR
#error "GRIDRES_FUZZ_SOURCE_DIR (the checkout) is set by tests/fuzz/CMakeLists.txt"
#endif

/* A file of the checkout (rel to its root) as a path in buf; exits when it is missing. */
static inline const char *fuzz_source_path(const char *rel, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", GRIDRES_FUZZ_SOURCE_DIR, rel);
    if (access(buf, R_OK) != 0) {
        fprintf(stderr, "fuzz: %s is missing (the harness reads it from the checkout)\n", buf);
        exit(1);
    }
    return buf;
}

/* The case and grid of a file of the checkout, read once; exits on failure. */
static inline void fuzz_load_grid(const char *rel, gr_case **c, gr_grid **g)
{
    char path[1024];
    gr_error err = {0};
    fuzz_source_path(rel, path, sizeof path);
    if (gr_case_read(path, c, &err) != GR_OK || (g && gr_grid_from_case(*c, g, &err) != GR_OK)) {
        fprintf(stderr, "fuzz: %s: %s\n", path, err.msg);
        exit(1);
    }
}

/* Scratch directory for files a harness writes: $FUZZ_TMPDIR, /dev/shm or /tmp. */
static inline const char *fuzz_tmpdir(void)
{
    const char *dir = getenv("FUZZ_TMPDIR");
    if (!dir)
        dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    return dir;
}

/* Whole file into a malloc'ed buffer (NULL when unreadable). */
static inline char *fuzz_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    *len = buf ? fread(buf, 1, (size_t)n, f) : 0;
    fclose(f);
    return buf;
}

/* With FUZZ_VERBOSE set, the reader's verdict on each input goes to stderr
 * (to see what a seed or a crash input reaches: `FUZZ_VERBOSE=1 fuzz_X FILE`). */
static inline void fuzz_verdict(int st, const gr_error *err)
{
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("FUZZ_VERBOSE") != NULL;
    if (verbose)
        fprintf(stderr, "fuzz: %s\n", st == GR_OK ? "read" : err->msg);
}

/* A reader's failure must be clean: nothing returned, the status in err, a
 * one-line message, and a parse error that names the input. Aborts otherwise. */
static inline void fuzz_check_failure(int st, const void *out, const gr_error *err,
                                      const char *name)
{
    if (out != NULL || err->status != st || !err->msg[0] || strchr(err->msg, '\n') ||
        (st == GR_EPARSE && strncmp(err->msg, name, strlen(name)) != 0)) {
        fprintf(stderr, "unclean failure (status %d, out %p): '%s'\n", st, out, err->msg);
        abort();
    }
}

#endif
