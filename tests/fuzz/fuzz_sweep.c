/* fuzz_sweep.c — libFuzzer target: a sweep checkpoint (manifest and part files, from any bytes) resumed through gr_sweep_run; on success every item has exactly one record, read back or computed. */
#include <dirent.h>
#include <inttypes.h>
#include <stdint.h>
#include <sys/stat.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input: the manifest, then part files, each starting with the part magic
 * "GRSWPRT1" (chunk k, 1-based, becomes part-00000k.bin). So that the fuzzer
 * gets past the checksums, the harness completes what only a writer can
 * compute: a manifest line "part ID RECORDS *" gets the size and FNV-1a 64 of
 * part ID, and a manifest without a "sum" line gets the right one appended. */
#define N_ITEMS 40
#define KIND "fuzz/1"
#define JOB "gridres fuzz job"
#define PART_MAGIC "GRSWPRT1"
#define MAX_CHUNKS 16

static char dir[512], ckdir[600];

typedef struct ctx {
    int fixed;                  /* fixed-size records (8 bytes) or packed */
    int unpacked[N_ITEMS], ran[N_ITEMS];
    int64_t rec[N_ITEMS];       /* fixed-size mode: the records */
} ctx;

/* The first PART_MAGIC in [p, p + n), or NULL. */
static const uint8_t *find_magic(const uint8_t *p, size_t n)
{
    for (size_t k = 0; k + 8 <= n; k++)
        if (p[k] == 'G' && memcmp(p + k, PART_MAGIC, 8) == 0)
            return p + k;
    return NULL;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t k = 0; k < n; k++) {
        h ^= b[k];
        h *= 0x100000001b3ULL;
    }
    return h;
}
#define FNV_INIT 0xcbf29ce484222325ULL

static int cb_run(void *vc, long item, void *record, int thread)
{
    ctx *c = vc;
    (void)thread;
    if (item < 0 || item >= N_ITEMS || c->unpacked[item] || c->ran[item]++) {
        fprintf(stderr, "item %ld run again (unpacked %d)\n", item,
                item >= 0 && item < N_ITEMS ? c->unpacked[item] : -1);
        abort();
    }
    if (record)
        memcpy(record, &(int64_t){item}, sizeof(int64_t));
    return GR_OK;
}

static int cb_pack(void *vc, long item, gr_sweep_buf *out)
{
    (void)vc;
    int64_t v = item;
    return gr_sweep_put(out, &v, sizeof v);
}

static int cb_unpack(void *vc, long item, const void *data, size_t len)
{
    ctx *c = vc;
    if (item < 0 || item >= N_ITEMS || c->unpacked[item]++ || c->ran[item]) {
        fprintf(stderr, "item %ld unpacked twice or after its run\n", item);
        abort();
    }
    (void)data;
    return len > 64 ? GR_EPARSE : GR_OK; /* a record this sweep cannot hold */
}

static void write_file(const char *name, const void *p, size_t n)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", ckdir, name);
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

static void clear_dir(void)
{
    DIR *d = opendir(ckdir);
    if (!d)
        return;
    struct dirent *e;
    char path[1024];
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", ckdir, e->d_name);
            unlink(path);
        }
    closedir(d);
}

/* The manifest of the input with the "*" part lines and the sum filled in. */
static char *complete_manifest(const char *m, size_t mlen, const uint8_t **chunk,
                               const size_t *clen, int nchunk, size_t *outlen)
{
    /* a filled-in part line is at most 76 bytes, from at least 10 */
    size_t cap = 8 * mlen + 256, n = 0;
    char *out = malloc(cap);
    const char *p = m, *end = m + mlen;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t ll = eol ? (size_t)(eol - p) : (size_t)(end - p);
        int id = 0;
        long recs = 0;
        char star = 0;
        char line[128];
        if (ll < sizeof line && ll > 5 && memcmp(p, "part ", 5) == 0) {
            memcpy(line, p, ll);
            line[ll] = '\0';
            if (!memchr(line, '\0', ll) && sscanf(line, "part %d %ld %c", &id, &recs, &star) == 3 &&
                star == '*' && id >= 1 && id <= nchunk) {
                uint64_t sum = fnv(fnv(FNV_INIT, PART_MAGIC, 8), chunk[id - 1], clen[id - 1]);
                n += (size_t)snprintf(out + n, cap - n, "part %d %ld %zu %016" PRIx64 "\n", id,
                                      recs, clen[id - 1] + 8, sum);
                p += ll + (eol != NULL);
                continue;
            }
        }
        memcpy(out + n, p, ll);
        n += ll;
        if (eol)
            out[n++] = '\n';
        p += ll + (eol != NULL);
    }
    int has_sum = 0;
    for (size_t k = 0; k + 5 <= n && !has_sum; k++)
        has_sum = out[k] == '\n' && memcmp(out + k + 1, "sum ", 4) == 0;
    if (!has_sum) {
        if (n > 0 && out[n - 1] != '\n')
            out[n++] = '\n';
        /* the reader sums the bytes up to the sum line as C text (it stops at a NUL) */
        size_t upto = strnlen(out, n);
        uint64_t sum = fnv(FNV_INIT, out, upto);
        n += (size_t)snprintf(out + n, cap - n, "sum %016" PRIx64 "\n", sum);
    }
    out[n] = '\0';
    *outlen = n;
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "%s/fuzz_sweep_%ld", fuzz_tmpdir(), (long)getpid());
        snprintf(ckdir, sizeof ckdir, "%s/checkpoint", dir);
        mkdir(dir, 0700);
        mkdir(ckdir, 0700);
    }
    /* split at the part magic */
    const uint8_t *chunk[MAX_CHUNKS];
    size_t clen[MAX_CHUNKS];
    int nchunk = 0;
    const uint8_t *p = data, *end = data + size;
    const uint8_t *mark = find_magic(p, size);
    size_t mlen = mark ? (size_t)(mark - data) : size;
    while (mark && nchunk < MAX_CHUNKS) {
        p = mark + 8;
        const uint8_t *next = find_magic(p, (size_t)(end - p));
        chunk[nchunk] = p;
        clen[nchunk] = next ? (size_t)(next - p) : (size_t)(end - p);
        nchunk++;
        mark = next;
    }
    clear_dir();
    size_t manlen = 0;
    char *man = complete_manifest((const char *)data, mlen, chunk, clen, nchunk, &manlen);
    write_file("manifest", man, manlen);
    for (int k = 0; k < nchunk; k++) {
        char name[64];
        unsigned char *buf = malloc(clen[k] + 8);
        memcpy(buf, PART_MAGIC, 8);
        memcpy(buf + 8, chunk[k], clen[k]);
        snprintf(name, sizeof name, "part-%06d.bin", k + 1);
        write_file(name, buf, clen[k] + 8);
        free(buf);
    }

    static ctx c;
    memset(&c, 0, sizeof c);
    c.fixed = strstr(man, "\nrecord fixed:") != NULL;
    free(man);
    gr_sweep_options o;
    gr_sweep_options_default(&o);
    o.dir = dir;
    o.resume = 1;
    o.job = JOB;
    gr_sweep_spec sp = {.n = N_ITEMS, .threads = 1, .ctx = &c, .run = cb_run, .kind = KIND,
                        .opt = &o, .local = 1};
    if (c.fixed) {
        sp.record_size = sizeof(int64_t);
        sp.records = c.rec;
    } else {
        sp.pack = cb_pack;
        sp.unpack = cb_unpack;
    }
    gr_sweep_stats stats;
    gr_error err = {0};
    int st = gr_sweep_run(&sp, &stats, &err);
    fuzz_verdict(st, &err);
    if (st != GR_OK) {
        fuzz_check_failure(st, NULL, &err, "");
        return 0;
    }
    /* every item once: read back (packed mode: unpack) or run here */
    long ran = 0;
    for (int i = 0; i < N_ITEMS; i++) {
        ran += c.ran[i];
        if (!c.fixed && c.unpacked[i] + c.ran[i] != 1) {
            fprintf(stderr, "item %d: unpacked %d, run %d\n", i, c.unpacked[i], c.ran[i]);
            abort();
        }
    }
    if (stats.run_here != ran || stats.resumed + ran != N_ITEMS) {
        fprintf(stderr, "stats: resumed %ld, run %ld (counted %ld) of %d\n", stats.resumed,
                stats.run_here, ran, N_ITEMS);
        abort();
    }
    return 0;
}
