/* test_sweep.c — the sweep engine: item order and determinism for any thread count, fixed and packed records, checkpoint manifest integrity, resume after a failure, refusal of a mismatched or damaged checkpoint. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

/* ------------------------------------------------------------------------
 * Fixed-size records.
 * ------------------------------------------------------------------------ */
typedef struct fixed_rec {
    long item;
    double value;
    uint64_t draw;
} fixed_rec;

typedef struct fixed_ctx {
    uint64_t seed;
    int *thread_used;   /* per thread: 1 when it ran something */
} fixed_ctx;

static int fixed_run(void *ctx, long item, void *record, int thread)
{
    fixed_ctx *c = ctx;
    fixed_rec *r = record;
    gr_rng rng;
    gr_rng_stream(&rng, c->seed, (uint64_t)item);
    r->item = item;
    r->draw = gr_rng_next(&rng);
    double x = 0;
    for (int k = 0; k < 50 + (int)(item % 13) * 20; k++) /* uneven cost */
        x += gr_rng_uniform(&rng);
    r->value = x;
    c->thread_used[thread] = 1;
    return GR_OK;
}

static fixed_rec *fixed_sweep(long n, int threads, uint64_t seed)
{
    fixed_rec *recs = calloc((size_t)n + 1, sizeof *recs);
    static int used[4096];
    fixed_ctx c = {seed, used};
    gr_sweep_spec sp = {.n = n, .threads = threads, .ctx = &c, .run = fixed_run,
                        .record_size = sizeof(fixed_rec), .records = recs, .kind = "test-fixed/1"};
    assert_true(gr_sweep_threads(&sp) <= (threads ? threads : 4096));
    gr_sweep_stats st;
    gr_error err = {0};
    assert_int_equal(gr_sweep_run(&sp, &st, &err), GR_OK);
    assert_int_equal(st.n, n);
    assert_int_equal(st.run_here, n);
    assert_int_equal(st.ranks, 1);
    assert_int_equal(st.resumed, 0);
    return recs;
}

static void test_fixed_order_and_threads(void **state)
{
    (void)state;
    /* a session opened outside mpirun, and no session at all, are one rank */
    gr_mpi *m = NULL;
    assert_int_equal(gr_mpi_open(&m, NULL), GR_OK);
    assert_int_equal(gr_mpi_rank(m), 0);
    assert_int_equal(gr_mpi_size(m), 1);
    gr_mpi_close(m, 0);
    assert_int_equal(gr_mpi_rank(NULL), 0);
    assert_int_equal(gr_mpi_size(NULL), 1);
    const long n = 997;
    fixed_rec *r1 = fixed_sweep(n, 1, 7);
    for (long i = 0; i < n; i++)
        assert_int_equal(r1[i].item, i);
    int threads[] = {2, 4, 0};
    for (int k = 0; k < 3; k++) {
        fixed_rec *rt = fixed_sweep(n, threads[k], 7);
        assert_memory_equal(r1, rt, (size_t)n * sizeof *r1);
        free(rt);
    }
    fixed_rec *other = fixed_sweep(n, 2, 8); /* another seed differs */
    assert_true(memcmp(r1, other, (size_t)n * sizeof *r1) != 0);
    free(other);
    free(r1);
    /* zero items is fine */
    free(fixed_sweep(0, 2, 7));
}

/* ------------------------------------------------------------------------
 * Packed (variable-size) records, stored by the caller.
 * ------------------------------------------------------------------------ */
typedef struct var_ctx {
    uint64_t seed;
    long n;
    int *len;           /* n: values of item i */
    double **vals;      /* n arrays */
    long fail_at;       /* run fails at this item (-1: never) */
    int init_fail;      /* thread_init fails */
    int *inits;         /* per thread: init calls - free calls */
    /* streaming (var_stream_sweep) */
    long next_out;      /* the item the next deliver must be */
    long deliver_fail;  /* deliver fails at this item (-1: never) */
    uint64_t *sums;     /* n: FNV-1a of the values as delivered */
    int *released;      /* n: release calls */
} var_ctx;

static int var_run(void *ctx, long item, void *record, int thread)
{
    var_ctx *c = ctx;
    (void)thread;
    assert_null(record);
    if (item == c->fail_at)
        return GR_ESINGULAR;
    int m = (int)(item % 7);
    double *v = malloc(((size_t)m + 1) * sizeof *v);
    if (!v)
        return GR_ENOMEM;
    gr_rng rng;
    gr_rng_stream(&rng, c->seed, (uint64_t)item);
    for (int k = 0; k < m; k++)
        v[k] = gr_rng_normal(&rng);
    c->vals[item] = v;
    c->len[item] = m;
    return GR_OK;
}

static int var_pack(void *ctx, long item, gr_sweep_buf *out)
{
    var_ctx *c = ctx;
    int st = gr_sweep_put(out, &c->len[item], sizeof(int));
    return st ? st : gr_sweep_put(out, c->vals[item], (size_t)c->len[item] * sizeof(double));
}

static int var_unpack(void *ctx, long item, const void *data, size_t len)
{
    var_ctx *c = ctx;
    int m;
    if (gr_sweep_get(&data, &len, &m, sizeof m) || m < 0 || len != (size_t)m * sizeof(double))
        return GR_EPARSE;
    double *v = malloc(((size_t)m + 1) * sizeof *v);
    if (!v)
        return GR_ENOMEM;
    gr_sweep_get(&data, &len, v, (size_t)m * sizeof(double));
    free(c->vals[item]);
    c->vals[item] = v;
    c->len[item] = m;
    return GR_OK;
}

static int var_init(void *ctx, int thread)
{
    var_ctx *c = ctx;
    c->inits[thread]++;
    return c->init_fail ? GR_ENOMEM : GR_OK;
}

static void var_free(void *ctx, int thread)
{
    var_ctx *c = ctx;
    c->inits[thread]--;
}

static void var_ctx_init(var_ctx *c, long n, uint64_t seed)
{
    memset(c, 0, sizeof *c);
    c->seed = seed;
    c->n = n;
    c->len = calloc((size_t)n + 1, sizeof *c->len);
    c->vals = calloc((size_t)n + 1, sizeof *c->vals);
    c->inits = calloc(64, sizeof *c->inits);
    c->fail_at = -1;
    c->deliver_fail = -1;
    c->sums = calloc((size_t)n + 1, sizeof *c->sums);
    c->released = calloc((size_t)n + 1, sizeof *c->released);
}

static void var_ctx_free(var_ctx *c)
{
    for (long i = 0; i < c->n; i++)
        free(c->vals[i]);
    free(c->vals);
    free(c->len);
    free(c->inits);
    free(c->sums);
    free(c->released);
}

static void var_equal(const var_ctx *a, const var_ctx *b)
{
    for (long i = 0; i < a->n; i++) {
        assert_int_equal(a->len[i], b->len[i]);
        if (a->len[i])
            assert_memory_equal(a->vals[i], b->vals[i], (size_t)a->len[i] * sizeof(double));
    }
}

static int var_sweep(var_ctx *c, int threads, const gr_sweep_options *opt, gr_sweep_stats *st,
                     gr_error *err)
{
    gr_sweep_spec sp = {.n = c->n, .threads = threads, .ctx = c, .run = var_run,
                        .thread_init = var_init, .thread_free = var_free, .pack = var_pack,
                        .unpack = var_unpack, .kind = "test-var/1", .opt = opt};
    return gr_sweep_run(&sp, st, err);
}

static char tmp_root[256];

static void make_tmp(void)
{
    snprintf(tmp_root, sizeof tmp_root, "/tmp/gridres-test-sweep-XXXXXX");
    assert_non_null(mkdtemp(tmp_root));
}

static void remove_tmp(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
    assert_int_equal(system(cmd), 0);
}

static int count_parts(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/checkpoint", dir);
    DIR *d = opendir(path);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, "part-", 5) == 0;
    closedir(d);
    return n;
}

static void test_packed_threads(void **state)
{
    (void)state;
    var_ctx a, b;
    var_ctx_init(&a, 500, 3);
    var_ctx_init(&b, 500, 3);
    gr_error err = {0};
    gr_sweep_stats st;
    assert_int_equal(var_sweep(&a, 1, NULL, &st, &err), GR_OK);
    assert_int_equal(st.threads, 1);
    assert_int_equal(var_sweep(&b, 4, NULL, &st, &err), GR_OK);
    assert_int_equal(st.threads, 4);
    var_equal(&a, &b);
    for (int t = 0; t < 4; t++)
        assert_int_equal(b.inits[t], 0); /* every init has its free */
    var_ctx_free(&a);
    var_ctx_free(&b);
}

static void test_checkpoint_and_resume(void **state)
{
    (void)state;
    make_tmp();
    const long n = 300;
    var_ctx ref, a, b;
    var_ctx_init(&ref, n, 11);
    gr_error err = {0};
    gr_sweep_stats st;
    assert_int_equal(var_sweep(&ref, 2, NULL, &st, &err), GR_OK);

    /* one thread, a checkpoint every 10 items, the sweep fails at item 55: the
     * last checkpoint still saves the five items done since the fifth */
    var_ctx_init(&a, n, 11);
    a.fail_at = 55;
    gr_sweep_options o;
    gr_sweep_options_default(&o);
    o.dir = tmp_root;
    o.every = 10;
    o.job = "unit test job seed=11";
    assert_int_equal(var_sweep(&a, 1, &o, &st, &err), GR_ESINGULAR);
    assert_non_null(strstr(err.msg, "item 55"));
    assert_int_equal(st.checkpoints, 6);
    char path[512];
    snprintf(path, sizeof path, "%s/checkpoint/manifest", tmp_root);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    int have_done = 0, parts = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "done ", 5) == 0) {
            assert_string_equal(line, "done 0-54\n");
            have_done = 1;
        }
        parts += strncmp(line, "part ", 5) == 0;
    }
    fclose(f);
    assert_true(have_done);
    assert_int_equal(parts, 6);

    /* resume on 3 threads: only the 245 missing items run */
    var_ctx_init(&b, n, 11);
    o.resume = 1;
    o.every = 0;
    o.every_s = 0;
    gr_sweep_stats st2;
    o.stats = &st2;
    assert_int_equal(var_sweep(&b, 3, &o, &st, &err), GR_OK);
    assert_int_equal(st.resumed, 55);
    assert_int_equal(st.run_here, n - 55);
    assert_int_equal(st2.resumed, 55);
    var_equal(&ref, &b);

    /* resuming a finished sweep runs nothing and gives the same records */
    var_ctx c;
    var_ctx_init(&c, n, 11);
    o.stats = NULL;
    assert_int_equal(var_sweep(&c, 2, &o, &st, &err), GR_OK);
    assert_int_equal(st.resumed, n);
    assert_int_equal(st.run_here, 0);
    var_equal(&ref, &c);
    var_ctx_free(&c);

    var_ctx_free(&ref);
    var_ctx_free(&a);
    var_ctx_free(&b);
    remove_tmp();
}

static void test_resume_refused(void **state)
{
    (void)state;
    make_tmp();
    var_ctx a;
    var_ctx_init(&a, 100, 5);
    gr_sweep_options o;
    gr_sweep_options_default(&o);
    o.dir = tmp_root;
    o.every = 7;
    o.job = "cascade case=x seed=5";
    gr_error err = {0};
    gr_sweep_stats st;
    assert_int_equal(var_sweep(&a, 2, &o, &st, &err), GR_OK);
    var_ctx_free(&a);

    /* another job (seed) */
    var_ctx_init(&a, 100, 6);
    o.resume = 1;
    o.job = "cascade case=x seed=6";
    assert_int_equal(var_sweep(&a, 2, &o, &st, &err), GR_EINVAL);
    assert_non_null(strstr(err.msg, "different sweep"));
    assert_non_null(strstr(err.msg, "seed=5"));
    assert_non_null(strstr(err.msg, "seed=6"));
    var_ctx_free(&a);

    /* another N */
    var_ctx_init(&a, 120, 5);
    o.job = "cascade case=x seed=5";
    assert_int_equal(var_sweep(&a, 2, &o, &st, &err), GR_EINVAL);
    assert_non_null(strstr(err.msg, "N '100' there, '120' here"));
    var_ctx_free(&a);

    /* the same sweep resumes */
    var_ctx_init(&a, 100, 5);
    assert_int_equal(var_sweep(&a, 2, &o, &st, &err), GR_OK);
    assert_int_equal(st.resumed, 100);
    var_ctx_free(&a);

    /* a damaged part is refused */
    char path[512];
    snprintf(path, sizeof path, "%s/checkpoint/part-000001.bin", tmp_root);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, 20, SEEK_SET);
    int ch = fgetc(f);
    fseek(f, 20, SEEK_SET);
    fputc(ch ^ 0x5a, f);
    fclose(f);
    var_ctx_init(&a, 100, 5);
    assert_int_equal(var_sweep(&a, 2, &o, &st, &err), GR_EPARSE);
    assert_non_null(strstr(err.msg, "damaged"));
    var_ctx_free(&a);

    /* so is a damaged manifest */
    snprintf(path, sizeof path, "%s/checkpoint/manifest", tmp_root);
    f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, 40, SEEK_SET);
    ch = fgetc(f);
    fseek(f, 40, SEEK_SET);
    fputc(ch ^ 0x01, f);
    fclose(f);
    var_ctx_init(&a, 100, 5);
    assert_int_equal(var_sweep(&a, 2, &o, &st, &err), GR_EPARSE);
    assert_non_null(strstr(err.msg, "manifest: damaged"));
    var_ctx_free(&a);

    /* starting afresh (resume off) keeps the checkpoint there without force (issue 22:
       it was deleted), and replaces it with force */
    var_ctx_init(&a, 100, 5);
    o.resume = 0;
    assert_int_equal(var_sweep(&a, 2, &o, &st, &err), GR_EEXIST);
    assert_non_null(strstr(err.msg, "not deleting it"));
    assert_int_equal(stat(path, &sb), 0); /* the manifest is still there */
    var_ctx_free(&a);
    var_ctx_init(&a, 100, 5);
    o.force = 1;
    assert_int_equal(var_sweep(&a, 2, &o, &st, &err), GR_OK);
    o.force = 0;
    var_ctx_free(&a);
    var_ctx_init(&a, 100, 5);
    o.resume = 1;
    assert_int_equal(var_sweep(&a, 2, &o, &st, &err), GR_OK);
    assert_int_equal(st.resumed, 100);
    var_ctx_free(&a);

    /* resume with nothing there runs everything */
    remove_tmp();
    make_tmp();
    var_ctx_init(&a, 100, 5);
    assert_int_equal(var_sweep(&a, 2, &o, &st, &err), GR_OK);
    assert_int_equal(st.resumed, 0);
    assert_int_equal(st.run_here, 100);
    var_ctx_free(&a);
    remove_tmp();
}

static void test_compaction(void **state)
{
    (void)state;
    make_tmp();
    const long n = 400;
    var_ctx ref, a, b;
    var_ctx_init(&ref, n, 2);
    gr_error err = {0};
    gr_sweep_stats st;
    assert_int_equal(var_sweep(&ref, 1, NULL, &st, &err), GR_OK);
    var_ctx_init(&a, n, 2);
    a.fail_at = 350;
    gr_sweep_options o;
    gr_sweep_options_default(&o);
    o.dir = tmp_root;
    o.every = 1; /* a part per item: merged when they pile up */
    assert_int_equal(var_sweep(&a, 1, &o, &st, &err), GR_ESINGULAR);
    assert_int_equal(st.checkpoints, 350);
    assert_true(count_parts(tmp_root) <= 65);
    var_ctx_init(&b, n, 2);
    o.resume = 1;
    assert_int_equal(var_sweep(&b, 2, &o, &st, &err), GR_OK);
    assert_int_equal(st.resumed, 350);
    var_equal(&ref, &b);
    var_ctx_free(&ref);
    var_ctx_free(&a);
    var_ctx_free(&b);
    remove_tmp();
}

/* ------------------------------------------------------------------------
 * Streaming: deliver in item order, release after.
 * ------------------------------------------------------------------------ */
static uint64_t values_sum(const double *v, int m)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    const unsigned char *p = (const unsigned char *)v;
    for (size_t k = 0; k < (size_t)m * sizeof *v; k++)
        h = (h ^ p[k]) * 0x100000001b3ULL;
    return h ^ (uint64_t)m;
}

static int var_deliver(void *ctx, long item)
{
    var_ctx *c = ctx;
    if (item != c->next_out || !c->vals[item])
        return GR_EINVAL; /* out of order, or its record is gone */
    c->sums[item] = values_sum(c->vals[item], c->len[item]);
    c->next_out++;
    return item == c->deliver_fail ? GR_EIO : GR_OK;
}

static void var_release(void *ctx, long item)
{
    var_ctx *c = ctx;
    free(c->vals[item]);
    c->vals[item] = NULL;
    c->released[item]++;
}

static int var_stream_sweep(var_ctx *c, int threads, const gr_sweep_options *opt,
                            gr_sweep_stats *st, gr_error *err)
{
    gr_sweep_spec sp = {.n = c->n, .threads = threads, .ctx = c, .run = var_run,
                        .pack = var_pack, .unpack = var_unpack, .kind = "test-var/1", .opt = opt,
                        .deliver = var_deliver, .release = var_release};
    return gr_sweep_run(&sp, st, err);
}

/* Every item delivered once, in order, with the reference's values, and released. */
static void stream_matches(const var_ctx *ref, const var_ctx *c)
{
    assert_int_equal(c->next_out, ref->n);
    for (long i = 0; i < ref->n; i++) {
        assert_true(c->sums[i] == values_sum(ref->vals[i], ref->len[i]));
        assert_int_equal(c->released[i], 1);
        assert_null(c->vals[i]);
    }
}

static void test_streaming(void **state)
{
    (void)state;
    make_tmp();
    const long n = 300;
    var_ctx ref, a, b, c, d;
    var_ctx_init(&ref, n, 5);
    gr_error err = {0};
    gr_sweep_stats st;
    assert_int_equal(var_sweep(&ref, 1, NULL, &st, &err), GR_OK);

    /* no checkpoint, 3 threads: in order, as the items complete */
    var_ctx_init(&a, n, 5);
    assert_int_equal(var_stream_sweep(&a, 3, NULL, &st, &err), GR_OK);
    stream_matches(&ref, &a);

    /* one thread, a checkpoint every 7 items, the sweep fails at item 100:
     * items are delivered (and released) as they complete, their packed
     * records kept for the checkpoint; the last one saves 98 and 99 */
    var_ctx_init(&b, n, 5);
    b.fail_at = 100;
    gr_sweep_options o;
    gr_sweep_options_default(&o);
    o.dir = tmp_root;
    o.every = 7;
    assert_int_equal(var_stream_sweep(&b, 1, &o, &st, &err), GR_ESINGULAR);
    assert_int_equal(b.next_out, 100);
    assert_int_equal(st.checkpoints, 15);
    for (long i = 0; i < n; i++)
        assert_int_equal(b.released[i], i < b.next_out);

    /* resumed on 2 threads: the records read back are delivered first */
    var_ctx_init(&c, n, 5);
    o.resume = 1;
    assert_int_equal(var_stream_sweep(&c, 2, &o, &st, &err), GR_OK);
    assert_int_equal(st.resumed, 100);
    stream_matches(&ref, &c);
    remove_tmp();

    /* a part per item: the parts are merged after their records were
     * released, and a plain resume reads every record back */
    make_tmp();
    o.dir = tmp_root;
    o.resume = 0;
    o.every = 1;
    var_ctx_init(&d, n, 5);
    assert_int_equal(var_stream_sweep(&d, 2, &o, &st, &err), GR_OK);
    stream_matches(&ref, &d);
    assert_true(count_parts(tmp_root) <= 65);
    var_ctx_free(&d);
    var_ctx_init(&d, n, 5);
    o.resume = 1;
    assert_int_equal(var_sweep(&d, 2, &o, &st, &err), GR_OK);
    assert_int_equal(st.resumed, n);
    var_equal(&ref, &d);
    var_ctx_free(&d);
    remove_tmp();

    /* deliver fails: the sweep stops with its status */
    var_ctx_init(&d, n, 5);
    d.deliver_fail = 40;
    assert_int_equal(var_stream_sweep(&d, 2, NULL, &st, &err), GR_EIO);
    assert_non_null(strstr(err.msg, "item 40"));
    assert_int_equal(d.next_out, 41);
    var_ctx_free(&d);

    /* release without deliver is refused */
    gr_sweep_spec sp = {.n = 5, .run = var_run, .pack = var_pack, .unpack = var_unpack,
                        .ctx = &a, .release = var_release};
    assert_int_equal(gr_sweep_run(&sp, &st, &err), GR_EINVAL);

    var_ctx_free(&ref);
    var_ctx_free(&a);
    var_ctx_free(&b);
    var_ctx_free(&c);
}

/* Big fixed records, streamed with a checkpoint and no interval: parts are
 * written as the packed records pending reach 1 MB, not only at the end. */
typedef struct big_ctx {
    long next;
    int released;
} big_ctx;

enum { BIG_RECORD = 64 * 1024 };

static int big_run(void *ctx, long item, void *record, int thread)
{
    (void)ctx;
    (void)thread;
    memset(record, (int)(item & 0x7f), BIG_RECORD);
    return GR_OK;
}

static int big_deliver(void *ctx, long item)
{
    big_ctx *c = ctx;
    return item == c->next++ ? GR_OK : GR_EINVAL;
}

static void big_release(void *ctx, long item)
{
    (void)item;
    ((big_ctx *)ctx)->released++;
}

static void test_streaming_budget(void **state)
{
    (void)state;
    make_tmp();
    const long n = 64; /* 4 MB of records */
    unsigned char *recs = calloc((size_t)n, BIG_RECORD);
    big_ctx c = {0, 0};
    gr_sweep_options o;
    gr_sweep_options_default(&o);
    o.dir = tmp_root; /* every 60 s by default: longer than this sweep */
    gr_sweep_spec sp = {.n = n, .threads = 1, .ctx = &c, .run = big_run,
                        .record_size = BIG_RECORD, .records = recs, .kind = "test-big/1",
                        .opt = &o, .deliver = big_deliver, .release = big_release};
    gr_sweep_stats st;
    gr_error err = {0};
    assert_int_equal(gr_sweep_run(&sp, &st, &err), GR_OK);
    assert_int_equal(c.next, n);
    assert_int_equal(c.released, n);
    assert_int_equal(st.checkpoints, 4); /* one per 16 records (1 MB) */
    /* the parts hold every record: a resume reads them back */
    memset(recs, 0xff, (size_t)n * BIG_RECORD);
    o.resume = 1;
    sp.threads = 2;
    sp.deliver = NULL;
    sp.release = NULL;
    assert_int_equal(gr_sweep_run(&sp, &st, &err), GR_OK);
    assert_int_equal(st.resumed, n);
    for (long i = 0; i < n; i++)
        assert_int_equal(recs[(size_t)i * BIG_RECORD + BIG_RECORD - 1], i & 0x7f);
    free(recs);
    remove_tmp();
}

static void test_errors(void **state)
{
    (void)state;
    var_ctx a;
    var_ctx_init(&a, 50, 1);
    gr_error err = {0};
    gr_sweep_stats st;
    a.init_fail = 1;
    assert_int_equal(var_sweep(&a, 3, NULL, &st, &err), GR_ENOMEM);
    assert_non_null(strstr(err.msg, "could not start"));
    for (int t = 0; t < 3; t++)
        assert_int_equal(a.inits[t], 0); /* thread_free runs after a failed init too */
    var_ctx_free(&a);

    gr_sweep_spec sp = {.n = 10, .run = var_run};
    assert_int_equal(gr_sweep_run(&sp, &st, &err), GR_EINVAL); /* no records */
    assert_int_equal(gr_sweep_run(NULL, &st, &err), GR_EINVAL);
    sp.pack = var_pack;
    assert_int_equal(gr_sweep_run(&sp, &st, &err), GR_EINVAL); /* pack without unpack */
    sp.pack = NULL;
    sp.n = -1;
    sp.record_size = 8;
    double recs[1];
    sp.records = recs;
    assert_int_equal(gr_sweep_run(&sp, &st, &err), GR_EINVAL);

    /* gr_sweep_get refuses short reads */
    const unsigned char bytes[3] = {1, 2, 3};
    const void *p = bytes;
    size_t left = 3;
    uint16_t v;
    assert_int_equal(gr_sweep_get(&p, &left, &v, 2), GR_OK);
    assert_int_equal(left, 1);
    assert_int_equal(gr_sweep_get(&p, &left, &v, 2), GR_EPARSE);
    assert_int_equal(left, 1);

    /* an unwritable checkpoint directory is an I/O error */
    var_ctx_init(&a, 10, 1);
    gr_sweep_options o;
    gr_sweep_options_default(&o);
    o.dir = "/proc/gridres-no-such-dir";
    assert_int_equal(var_sweep(&a, 1, &o, &st, &err), GR_EIO);
    var_ctx_free(&a);
}

/* names in dir (sorted by readdir order, joined by ' '), "." and ".." left out */
static void list_dir(const char *dir, char *buf, size_t len)
{
    buf[0] = '\0';
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t n = strlen(buf);
        snprintf(buf + n, len - n, "%s%s", n ? " " : "", e->d_name);
    }
    closedir(d);
}

static long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* gr_out_*: a file appears under its name only whole; no clobbering without force;
 * errors (the ENOSPC test hook) leave neither the file nor its temporary (issue 22). */
static void test_out_files(void **state)
{
    (void)state;
    make_tmp();
    char path[512], names[4096];
    gr_error err = {0};
    snprintf(path, sizeof path, "%s/a.csv", tmp_root);

    FILE *f = gr_out_open(path, 0, &err);
    assert_non_null(f);
    fputs("x,y\n1,2\n", f);
    list_dir(tmp_root, names, sizeof names); /* while open: only the temporary */
    assert_int_equal(strncmp(names, "a.csv.tmp.", 10), 0);
    assert_int_equal(file_size(path), -1);
    assert_int_equal(gr_out_close(f, &err), GR_OK);
    list_dir(tmp_root, names, sizeof names);
    assert_string_equal(names, "a.csv");
    assert_int_equal(file_size(path), 8);

    /* no force: refused at the open, and at the close when it appeared meanwhile */
    assert_null(gr_out_open(path, 0, &err));
    assert_int_equal(err.status, GR_EEXIST);
    assert_non_null(strstr(err.msg, "use --force"));
    snprintf(path, sizeof path, "%s/b.csv", tmp_root);
    f = gr_out_open(path, 0, &err);
    assert_non_null(f);
    fputs("mine\n", f);
    assert_int_equal(gr_out_write_buf(path, 0, "theirs\n", 7, &err), GR_OK);
    assert_int_equal(gr_out_close(f, &err), GR_EEXIST);
    assert_int_equal(file_size(path), 7);
    /* with force: replaced */
    assert_int_equal(gr_out_write_buf(path, 1, "ok\n", 3, &err), GR_OK);
    assert_int_equal(file_size(path), 3);

    /* abort: nothing left */
    snprintf(path, sizeof path, "%s/c.csv", tmp_root);
    f = gr_out_open(path, 1, &err);
    assert_non_null(f);
    fputs("partial", f);
    gr_out_abort(f);
    assert_int_equal(file_size(path), -1);

    /* a stale temporary of a process that is gone is removed by the next write */
    char stale[600];
    snprintf(stale, sizeof stale, "%s/a.csv.tmp.2147483646.0", tmp_root);
    FILE *s = fopen(stale, "w");
    assert_non_null(s);
    fputs("cut mid-li", s);
    fclose(s);
    snprintf(path, sizeof path, "%s/a.csv", tmp_root);
    assert_int_equal(gr_out_write_buf(path, 1, "x,y\n", 4, &err), GR_OK);
    assert_int_equal(file_size(stale), -1);
    list_dir(tmp_root, names, sizeof names);
    assert_null(strstr(names, ".tmp."));

    /* a full disk (test hook: ENOSPC after 10 more bytes): the error is reported,
       the file that did not fit is not there, nor is its temporary; the old file
       under that name is kept */
    setenv("GRIDRES_TEST_FAIL_WRITE_AFTER", "10", 1);
    snprintf(path, sizeof path, "%s/d.csv", tmp_root);
    assert_int_equal(gr_out_write_buf(path, 1, "0123456", 7, &err), GR_OK); /* fits */
    snprintf(path, sizeof path, "%s/a.csv", tmp_root);
    assert_int_equal(gr_out_write_buf(path, 1, "0123456789", 10, &err), GR_EIO);
    assert_non_null(strstr(err.msg, "No space left on device"));
    assert_non_null(strstr(err.msg, "a.csv"));
    assert_int_equal(file_size(path), 4);
    unsetenv("GRIDRES_TEST_FAIL_WRITE_AFTER");
    list_dir(tmp_root, names, sizeof names);
    assert_null(strstr(names, ".tmp."));

    /* no such folder */
    snprintf(path, sizeof path, "%s/no/such.csv", tmp_root);
    assert_null(gr_out_open(path, 1, &err));
    assert_int_equal(err.status, GR_EIO);
    assert_non_null(strstr(err.msg, "No such file or directory"));
    remove_tmp();
}

/* gr_inputs_*: what was noted, with its FNV-1a 64 (reference value of "a": the FNV
 * test vectors, 0xaf63dc4c8601ec8c). */
static void test_inputs(void **state)
{
    (void)state;
    gr_inputs_reset();
    assert_int_equal(gr_inputs_count(), 0);
    assert_int_equal(gr_inputs_note("dir/a.m", "a", 1), GR_OK);
    assert_int_equal(gr_inputs_note("b.json", "", 0), GR_OK);
    assert_int_equal(gr_inputs_count(), 2);
    gr_input_file in;
    assert_int_equal(gr_inputs_get(0, &in), GR_OK);
    assert_string_equal(in.path, "dir/a.m");
    assert_int_equal(in.bytes, 1);
    assert_true(in.fnv1a64 == 0xaf63dc4c8601ec8cULL);
    assert_int_equal(gr_inputs_get(1, &in), GR_OK);
    assert_true(in.fnv1a64 == 0xcbf29ce484222325ULL); /* the offset basis */
    assert_int_equal(gr_inputs_get(2, &in), GR_EINVAL);
    gr_inputs_reset();
    assert_int_equal(gr_inputs_count(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_order_and_threads),
        cmocka_unit_test(test_packed_threads),
        cmocka_unit_test(test_checkpoint_and_resume),
        cmocka_unit_test(test_resume_refused),
        cmocka_unit_test(test_compaction),
        cmocka_unit_test(test_streaming),
        cmocka_unit_test(test_streaming_budget),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_out_files),
        cmocka_unit_test(test_inputs),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
