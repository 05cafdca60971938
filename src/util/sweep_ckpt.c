/* sweep_ckpt.c — a sweep's checkpoint in DIR/checkpoint/: record files (parts) and a manifest listing them with checksums, each written to a temporary name, fsync'ed and renamed; verified on resume. */
/*
 * Layout of DIR/checkpoint/:
 *   manifest          text, one field a line:
 *                       gridres-sweep-checkpoint 1
 *                       abi le-i4-l8-d8        byte order and sizes of the records
 *                       kind cascade-random-n2/1
 *                       record packed          (or fixed:SIZE)
 *                       items 200
 *                       job gridres cascade ... (the caller's job line)
 *                       done 0-49 60-79        completed items, inclusive ranges
 *                       part 3 50 4096 0123456789abcdef   id, records, bytes, FNV-1a 64
 *                       sum 0123456789abcdef   FNV-1a 64 of every byte above
 *   part-000003.bin   "GRSWPRT1", then records {int64 item, uint64 len, len bytes}
 * A part is complete on disk (renamed after fsync) before the manifest that
 * lists it is renamed into place, so whatever instant a kill comes, the
 * manifest names only whole parts and the items listed under `done` are
 * exactly the records those parts hold. At SWEEP_MAX_PARTS parts the newest
 * ones (size tiers, merge_from) are merged into the next one: their records
 * are copied from the files, checked against the manifest's checksums (a
 * streaming sweep no longer holds them in memory).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/sweep_internal.h"

#define MANIFEST_MAGIC "gridres-sweep-checkpoint 1"
#define PART_MAGIC "GRSWPRT1"
#define SWEEP_MAX_PARTS 64

void ckpt_free(sweep_ckpt *c)
{
    if (!c)
        return;
    gr_free(c->dir);
    gr_free(c->ident);
    gr_free(c->bits);
    gr_free(c->parts);
    gr_free(c);
}

static int bit_get(const uint64_t *b, long i) { return (int)(b[i >> 6] >> (i & 63) & 1); }
static void bit_set(uint64_t *b, long i) { b[i >> 6] |= (uint64_t)1 << (i & 63); }

static char *str_dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = gr_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static int path_of(char *buf, size_t len, const char *dir, const char *name)
{
    int w = snprintf(buf, len, "%s/%s", dir, name);
    return w < 0 || (size_t)w >= len ? -1 : 0;
}

static void part_name(char *buf, size_t len, int id, const char *ext)
{
    snprintf(buf, len, "part-%06d.%s", id, ext);
}

/* mkdir -p; 0 or -1 with errno. */
static int mkdir_p(const char *dir)
{
    char tmp[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(tmp, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] != '/' && tmp[i] != '\0')
            continue;
        char c = tmp[i];
        tmp[i] = '\0';
        if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
            return -1;
        tmp[i] = c;
    }
    struct stat st;
    if (stat(dir, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

/* Whole file into *out (NUL-terminated, gr_free). GR_ENOTFOUND, GR_EIO, GR_ENOMEM. */
static int read_all(const char *path, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? GR_ENOTFOUND : GR_EIO;
    size_t cap = 4096, n = 0;
    unsigned char *p = gr_malloc(cap);
    int st = p ? GR_OK : GR_ENOMEM;
    while (!st) {
        if (cap - n < 2) {
            unsigned char *q = cap < ((size_t)-1) / 2 ? gr_realloc(p, cap * 2) : NULL;
            if (!q) {
                st = GR_ENOMEM;
                break;
            }
            p = q;
            cap *= 2;
        }
        size_t got = fread(p + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                st = GR_EIO;
            break;
        }
    }
    fclose(f);
    if (st) {
        gr_free(p);
        return st;
    }
    p[n] = '\0';
    *out = p;
    *len = n;
    return GR_OK;
}

/* Write buf to dir/name through gr_out_write_buf (DIR/NAME.tmp.PID.SEQ, fsync, rename, fsync dir). */
static int write_atomic(const char *dir, const char *name, const void *buf, size_t len,
                        gr_error *err)
{
    char path[4096];
    if (path_of(path, sizeof path, dir, name))
        return gr_error_set(err, GR_EIO, "checkpoint %s: path too long", dir);
    gr_error e = {0, ""};
    int st = gr_out_write_buf(path, 1, buf, len, &e);
    if (st)
        return gr_error_set(err, GR_EIO, "checkpoint: %s", e.msg);
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Identity and manifest.
 * ------------------------------------------------------------------------ */
static void abi_tag(char *buf, size_t len)
{
    const uint16_t one = 1;
    unsigned char b0;
    memcpy(&b0, &one, 1);
    snprintf(buf, len, "%s-i%zu-l%zu-d%zu", b0 ? "le" : "be", sizeof(int), sizeof(long),
             sizeof(double));
}

/* A value on one manifest line: newlines become spaces; NULL or empty: "-". */
static int put_field(struct gr_sweep_buf *b, const char *key, const char *val)
{
    int st = sweep_buf_put(b, key, strlen(key));
    st = st ? st : sweep_buf_put(b, " ", 1);
    if (!val || !*val)
        val = "-";
    for (const char *p = val; *p && !st; p++) {
        char c = *p == '\n' || *p == '\r' ? ' ' : *p;
        st = sweep_buf_put(b, &c, 1);
    }
    return st ? st : sweep_buf_put(b, "\n", 1);
}

static int put_fmt(struct gr_sweep_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int put_fmt(struct gr_sweep_buf *b, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= sizeof line)
        return GR_EINVAL;
    return sweep_buf_put(b, line, (size_t)w);
}

/* The identity lines (abi, kind, record, items, job) of this sweep. */
static int ident_lines(const sweep *s, struct gr_sweep_buf *b)
{
    const gr_sweep_spec *sp = s->spec;
    char abi[64], rec[64];
    abi_tag(abi, sizeof abi);
    if (sp->pack)
        snprintf(rec, sizeof rec, "packed");
    else
        snprintf(rec, sizeof rec, "fixed:%zu", sp->record_size);
    int st = put_field(b, "abi", abi);
    st = st ? st : put_field(b, "kind", sp->kind);
    st = st ? st : put_field(b, "record", rec);
    st = st ? st : put_fmt(b, "items %ld\n", sp->n);
    st = st ? st : put_field(b, "job", sp->opt ? sp->opt->job : NULL);
    return st;
}

static int manifest_write(sweep *s, gr_error *err)
{
    sweep_ckpt *c = s->ck;
    struct gr_sweep_buf b = {0};
    int st = sweep_buf_put(&b, MANIFEST_MAGIC "\n", strlen(MANIFEST_MAGIC) + 1);
    st = st ? st : ident_lines(s, &b);
    st = st ? st : sweep_buf_put(&b, "done", 4);
    for (long i = 0; i < c->n && !st;) {
        if (!c->bits[i >> 6]) {
            i = (i | 63) + 1;
            continue;
        }
        if (!bit_get(c->bits, i)) {
            i++;
            continue;
        }
        long j = i;
        while (j + 1 < c->n && bit_get(c->bits, j + 1))
            j++;
        st = put_fmt(&b, " %ld-%ld", i, j);
        i = j + 1;
    }
    st = st ? st : sweep_buf_put(&b, "\n", 1);
    for (int k = 0; k < c->nparts && !st; k++)
        st = put_fmt(&b, "part %d %ld %" PRIu64 " %016" PRIx64 "\n", c->parts[k].id,
                     c->parts[k].records, c->parts[k].bytes, c->parts[k].sum);
    if (!st)
        st = put_fmt(&b, "sum %016" PRIx64 "\n", sweep_fnv(SWEEP_FNV_INIT, b.p, b.len));
    if (st) {
        gr_free(b.p);
        return gr_error_set(err, GR_ENOMEM, "checkpoint: out of memory");
    }
    st = write_atomic(c->dir, "manifest", b.p, b.len, err);
    gr_free(b.p);
    return st;
}

/* Remove checkpoint files: all (keep == NULL) or the part files not listed. */
static void clean_dir(const sweep_ckpt *c, int all)
{
    DIR *d = opendir(c->dir);
    if (!d)
        return;
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        size_t len = strlen(n);
        int tmp = (len > 4 && strcmp(n + len - 4, ".tmp") == 0) || strstr(n, ".tmp.") != NULL;
        int part = strncmp(n, "part-", 5) == 0 && (tmp || (len > 4 && strcmp(n + len - 4, ".bin") == 0));
        int drop = tmp || (all && strcmp(n, "manifest") == 0);
        if (part && !tmp && !all) {
            int id = atoi(n + 5);
            drop = 1;
            for (int k = 0; k < c->nparts; k++)
                drop &= c->parts[k].id != id;
        } else if (part) {
            drop = 1;
        }
        if (drop && !path_of(path, sizeof path, c->dir, n))
            unlink(path);
    }
    closedir(d);
}

static int add_part(sweep_ckpt *c, sweep_part p)
{
    if (c->nparts == c->cap_parts) {
        int cap = c->cap_parts ? 2 * c->cap_parts : 16;
        sweep_part *q = gr_realloc(c->parts, (size_t)cap * sizeof *q);
        if (!q)
            return GR_ENOMEM;
        c->parts = q;
        c->cap_parts = cap;
    }
    c->parts[c->nparts++] = p;
    if (p.id >= c->next_id)
        c->next_id = p.id + 1;
    return GR_OK;
}

/* Compare one identity line of the manifest with ours. */
static int same_field(const char *mine, const char *theirs, const char *what, const char *dir,
                      gr_error *err)
{
    if (strcmp(mine, theirs) == 0)
        return GR_OK;
    return gr_error_set(err, GR_EINVAL,
                        "cannot resume from %s: it holds a different sweep (%s '%.150s' there, "
                        "'%.150s' here); use another directory, or start afresh without resuming",
                        dir, what, theirs, mine);
}

/* Parse and check the manifest; fills c->bits, c->ndone, c->parts. */
static int manifest_read(sweep *s, gr_error *err)
{
    sweep_ckpt *c = s->ck;
    char path[4096];
    if (path_of(path, sizeof path, c->dir, "manifest"))
        return gr_error_set(err, GR_EIO, "checkpoint %s: path too long", c->dir);
    unsigned char *buf = NULL;
    size_t len = 0;
    int st = read_all(path, &buf, &len);
    if (st == GR_ENOTFOUND)
        return st;
    if (st)
        return gr_error_set(err, st, "cannot read %s: %s", path, gr_strerror(st));
    struct gr_sweep_buf mine = {0};
    if ((st = ident_lines(s, &mine))) {
        gr_free(buf);
        return gr_error_set(err, GR_ENOMEM, "checkpoint: out of memory");
    }
    /* the checksum line closes the file */
    char *text = (char *)buf, *sum = NULL;
    for (char *p = strstr(text, "\nsum "); p; p = strstr(p + 1, "\nsum "))
        sum = p + 1;
    uint64_t want = 0;
    if (!sum || sscanf(sum, "sum %" SCNx64, &want) != 1 ||
        sweep_fnv(SWEEP_FNV_INIT, buf, (size_t)(sum - text)) != want) {
        st = gr_error_set(err, GR_EPARSE,
                          "%s: damaged (checksum mismatch or truncated); remove %s to start afresh",
                          path, c->dir);
        goto done;
    }
    *sum = '\0';
    char *save = NULL, *line = strtok_r(text, "\n", &save);
    if (!line || strcmp(line, MANIFEST_MAGIC) != 0) {
        st = gr_error_set(err, GR_EPARSE, "%s: not a gridres sweep checkpoint (format 1)", path);
        goto done;
    }
    /* identity: our lines in order, compared one by one */
    char *msave = NULL;
    char *mtext = gr_malloc(mine.len + 1);
    if (!mtext) {
        st = gr_error_set(err, GR_ENOMEM, "checkpoint: out of memory");
        goto done;
    }
    memcpy(mtext, mine.p, mine.len);
    mtext[mine.len] = '\0';
    for (char *m = strtok_r(mtext, "\n", &msave); m && !st; m = strtok_r(NULL, "\n", &msave)) {
        line = strtok_r(NULL, "\n", &save);
        const char *key_end = strchr(m, ' ');
        size_t klen = key_end ? (size_t)(key_end - m) : strlen(m);
        if (!line || strncmp(line, m, klen) != 0 || line[klen] != ' ') {
            st = gr_error_set(err, GR_EPARSE, "%s: malformed (expected the '%.*s' line)", path,
                              (int)klen, m);
            break;
        }
        char what[32];
        snprintf(what, sizeof what, "%.*s", (int)klen, m);
        if (strcmp(what, "items") == 0)
            snprintf(what, sizeof what, "N");
        st = same_field(m + klen + 1, line + klen + 1, what, c->dir, err);
    }
    gr_free(mtext);
    if (st)
        goto done;
    /* done ranges and parts */
    line = strtok_r(NULL, "\n", &save);
    if (!line || strncmp(line, "done", 4) != 0) {
        st = gr_error_set(err, GR_EPARSE, "%s: malformed (no 'done' line)", path);
        goto done;
    }
    for (char *p = line + 4; *p && !st;) {
        char *end;
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        long lo = strtol(p, &end, 10), hi;
        if (end == p || *end != '-' || ((hi = strtol(end + 1, &p, 10)), p == end + 1) || lo < 0 ||
            hi < lo || hi >= c->n) {
            st = gr_error_set(err, GR_EPARSE, "%s: malformed 'done' ranges", path);
            break;
        }
        for (long i = lo; i <= hi; i++) {
            if (bit_get(c->bits, i)) {
                st = gr_error_set(err, GR_EPARSE, "%s: item %ld listed twice", path, i);
                break;
            }
            bit_set(c->bits, i);
            c->ndone++;
        }
    }
    while (!st && (line = strtok_r(NULL, "\n", &save)) != NULL) {
        sweep_part p;
        if (sscanf(line, "part %d %ld %" SCNu64 " %" SCNx64, &p.id, &p.records, &p.bytes, &p.sum) != 4 ||
            p.id < 0 || p.records < 0) {
            st = gr_error_set(err, GR_EPARSE, "%s: malformed line '%.80s'", path, line);
            break;
        }
        if (add_part(c, p))
            st = gr_error_set(err, GR_ENOMEM, "checkpoint: out of memory");
    }
done:
    gr_free(mine.p);
    gr_free(buf);
    return st;
}

/* fwrite and hash. */
static int put_file(FILE *f, const void *p, size_t n, uint64_t *h, uint64_t *bytes)
{
    if (n && fwrite(p, 1, n, f) != n)
        return -1;
    *h = sweep_fnv(*h, p, n);
    *bytes += n;
    return 0;
}

/* Size and FNV-1a 64 of a file, read in chunks of 1 MB; with `to`, every
 * byte after the first `skip` is also appended to it (put_file: its hash h
 * and size n). GR_ENOTFOUND, GR_EIO (errno kept), GR_ENOMEM. */
static int file_sum(const char *path, uint64_t *bytes, uint64_t *sum, size_t skip, FILE *to,
                    uint64_t *h, uint64_t *n)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return errno == ENOENT ? GR_ENOTFOUND : GR_EIO;
    enum { CHUNK = 1 << 20 };
    unsigned char *buf = gr_malloc(CHUNK);
    if (!buf) {
        fclose(in);
        return GR_ENOMEM;
    }
    *bytes = 0;
    *sum = SWEEP_FNV_INIT;
    int st = GR_OK;
    size_t got;
    while (!st && (got = fread(buf, 1, CHUNK, in)) > 0) {
        *sum = sweep_fnv(*sum, buf, got);
        size_t from = 0; /* the first byte of this chunk past `skip` */
        if (*bytes < skip)
            from = skip - *bytes < got ? (size_t)(skip - *bytes) : got;
        *bytes += got;
        if (to && from < got && put_file(to, buf + from, got - from, h, n))
            st = GR_EIO;
    }
    if (!st && ferror(in))
        st = GR_EIO;
    fclose(in);
    gr_free(buf);
    return st;
}

/* Read exactly len bytes of f into *buf (grown as needed): 0, or -1 at a short read. */
static int read_record(FILE *f, struct gr_sweep_buf *buf, size_t len)
{
    buf->len = 0;
    if (len > buf->cap) {
        unsigned char *p = gr_realloc(buf->p, len);
        if (!p)
            return -2;
        buf->p = p;
        buf->cap = len;
    }
    if (len && fread(buf->p, 1, len, f) != len)
        return -1;
    buf->len = len;
    return 0;
}

/* Read every listed part back through unpack; every record must be listed
 * under `done` exactly once, and every listed item must have its record.
 * Each part is checked whole against the manifest first, then read a record
 * at a time; a streaming sweep delivers (and releases) the records as they
 * come back, so a resume holds little more than the records after a gap. */
static int parts_read(sweep *s, gr_error *err)
{
    sweep_ckpt *c = s->ck;
    uint64_t *seen = gr_calloc((size_t)(c->n + 63) / 64 + 1, sizeof *seen);
    if (!seen)
        return gr_error_set(err, GR_ENOMEM, "checkpoint: out of memory");
    struct gr_sweep_buf rec = {0};
    long total = 0;
    int st = GR_OK;
    for (int k = 0; k < c->nparts && !st; k++) {
        const sweep_part *pt = &c->parts[k];
        char name[64], path[4096];
        part_name(name, sizeof name, pt->id, "bin");
        if (path_of(path, sizeof path, c->dir, name)) {
            st = gr_error_set(err, GR_EIO, "checkpoint %s: path too long", c->dir);
            break;
        }
        uint64_t bytes = 0, sum = 0;
        if ((st = file_sum(path, &bytes, &sum, 0, NULL, NULL, NULL))) {
            st = gr_error_set(err, st == GR_ENOMEM ? GR_ENOMEM : GR_EPARSE,
                              "%s: %s (listed in the manifest); remove %s to start afresh", path,
                              st == GR_ENOTFOUND ? "missing" : gr_strerror(st), c->dir);
            break;
        }
        unsigned char magic[8];
        FILE *in = bytes == pt->bytes && sum == pt->sum && bytes >= 8 ? fopen(path, "rb") : NULL;
        if (!in || fread(magic, 1, 8, in) != 8 || memcmp(magic, PART_MAGIC, 8) != 0) {
            if (in)
                fclose(in);
            st = gr_error_set(err, GR_EPARSE,
                              "%s: damaged (size or checksum differs from the manifest); remove "
                              "%s to start afresh",
                              path, c->dir);
            break;
        }
        uint64_t left = bytes - 8;
        long count = 0;
        while (left > 0 && !st) {
            int64_t item;
            uint64_t rlen;
            int bad = left < 16 || fread(&item, sizeof item, 1, in) != 1 ||
                      fread(&rlen, sizeof rlen, 1, in) != 1;
            if (!bad) {
                left -= 16;
                bad = rlen > left || item < 0 || item >= c->n || !bit_get(c->bits, (long)item) ||
                      bit_get(seen, (long)item);
            }
            int got = bad ? -1 : read_record(in, &rec, (size_t)rlen);
            if (got == -2) {
                st = gr_error_set(err, GR_ENOMEM, "checkpoint: out of memory");
                break;
            }
            if (got) {
                st = gr_error_set(err, GR_EPARSE, "%s: record %ld is malformed or not listed once",
                                  path, count);
                break;
            }
            left -= rlen;
            int ust = sweep_unpack(s, (long)item, rec.p, rec.len);
            if (ust) {
                st = gr_error_set(err, ust == GR_ENOMEM ? GR_ENOMEM : GR_EPARSE,
                                  "%s: the record of item %" PRId64 " does not fit this sweep (%s)",
                                  path, item, gr_strerror(ust));
                break;
            }
            bit_set(seen, (long)item);
            count++;
            if (s->ready) { /* streaming: hand over what is now a complete prefix */
                s->ready[item] = 1;
                sweep_deliver(s);
            }
        }
        fclose(in);
        if (!st && count != pt->records)
            st = gr_error_set(err, GR_EPARSE, "%s: %ld records, the manifest says %ld", path, count,
                              pt->records);
        total += count;
    }
    if (!st && total != c->ndone)
        st = gr_error_set(err, GR_EPARSE, "checkpoint %s: %ld items listed done, %ld records found",
                          c->dir, c->ndone, total);
    gr_free(rec.p);
    gr_free(seen);
    return st;
}

int ckpt_open(sweep *s, gr_error *err)
{
    const gr_sweep_options *o = s->spec->opt;
    sweep_ckpt *c = gr_calloc(1, sizeof *c);
    char path[4096];
    if (!c)
        return gr_error_set(err, GR_ENOMEM, "checkpoint: out of memory");
    s->ck = c;
    c->n = s->spec->n;
    c->bits = gr_calloc((size_t)(c->n + 63) / 64 + 1, sizeof *c->bits);
    if (path_of(path, sizeof path, o->dir, "checkpoint"))
        return gr_error_set(err, GR_EIO, "checkpoint directory: path too long");
    c->dir = str_dup(path);
    if (!c->bits || !c->dir)
        return gr_error_set(err, GR_ENOMEM, "checkpoint: out of memory");
    if (mkdir_p(c->dir) != 0)
        return gr_error_set(err, GR_EIO, "cannot create %s: %s", c->dir, strerror(errno));
    c->next_id = 1;
    int st = GR_ENOTFOUND;
    if (o->resume && (st = manifest_read(s, err)) != GR_ENOTFOUND) {
        if (!st)
            st = parts_read(s, err);
        if (st)
            return st;
        s->resumed = c->ndone;
        clean_dir(c, 0);
        return GR_OK;
    }
    /* afresh (or nothing to resume): an earlier checkpoint is deleted only with force */
    if (!o->resume && !o->force) {
        char man[4096];
        struct stat sb;
        if (!path_of(man, sizeof man, c->dir, "manifest") && stat(man, &sb) == 0)
            return gr_error_set(err, GR_EEXIST,
                                "%s holds the checkpoint of an earlier sweep; not deleting it: "
                                "resume it, or start afresh with force (--force)",
                                c->dir);
    }
    if (err) {
        err->status = 0;
        err->msg[0] = '\0';
    }
    clean_dir(c, 1);
    return manifest_write(s, err);
}

/* Append the records of part pt to f (file_sum: 1 MB at a time), checking
 * the whole file against the manifest's size and checksum: a mismatch fails
 * the merge (the caller drops the new part). */
static int part_copy(const sweep_ckpt *c, const sweep_part *pt, FILE *f, uint64_t *h,
                     uint64_t *bytes, gr_error *err)
{
    char name[64], path[4096];
    part_name(name, sizeof name, pt->id, "bin");
    if (path_of(path, sizeof path, c->dir, name))
        return gr_error_set(err, GR_EIO, "checkpoint %s: path too long", c->dir);
    uint64_t size = 0, sum = 0;
    int st = file_sum(path, &size, &sum, 8, f, h, bytes);
    if (st)
        return gr_error_set(err, st, "checkpoint: cannot merge %s: %s", path,
                            st == GR_EIO ? strerror(errno ? errno : EIO) : gr_strerror(st));
    if (size != pt->bytes || sum != pt->sum)
        return gr_error_set(err, GR_EIO, "checkpoint: %s changed on disk (size or checksum)", path);
    return GR_OK;
}

/* At SWEEP_MAX_PARTS parts, the first part to merge into the next one (size
 * tiers): the newest parts, back to the first older one that is larger than
 * all that is merged so far, and at least the newest part. A part taken in by
 * the tier rule at least doubles, so a record is copied about log2(parts)
 * times over a sweep. nparts: no merge. */
static int merge_from(const sweep_ckpt *c, uint64_t new_bytes)
{
    if (c->nparts < SWEEP_MAX_PARTS)
        return c->nparts;
    int j = c->nparts - 1;
    uint64_t total = new_bytes + c->parts[j].bytes;
    while (j > 0 && c->parts[j - 1].bytes <= total) {
        total += c->parts[j - 1].bytes;
        j--;
    }
    return j;
}

int ckpt_write(sweep *s, const long *items, long n, const struct gr_sweep_buf *packed,
               gr_error *err)
{
    sweep_ckpt *c = s->ck;
    if (n <= 0)
        return GR_OK;
    int keep = merge_from(c, packed ? packed->len : 0); /* parts[keep..] merged here */
    for (long k = 0; k < n; k++)
        bit_set(c->bits, items[k]);
    char name[64], path[4096];
    sweep_part pt = {.id = c->next_id};
    part_name(name, sizeof name, pt.id, "bin");
    if (path_of(path, sizeof path, c->dir, name))
        return gr_error_set(err, GR_EIO, "checkpoint %s: path too long", c->dir);
    gr_error oe = {0, ""};
    FILE *f = gr_out_open(path, 1, &oe); /* PART.tmp.PID.SEQ, fsync'ed and renamed */
    if (!f)
        return gr_error_set(err, GR_EIO, "checkpoint: %s", oe.msg);
    struct gr_sweep_buf b = {0};
    uint64_t h = SWEEP_FNV_INIT;
    int st = put_file(f, PART_MAGIC, 8, &h, &pt.bytes) ? GR_EIO : GR_OK;
    for (int k = keep; k < c->nparts && !st; k++) { /* the merged parts' records */
        if ((st = part_copy(c, &c->parts[k], f, &h, &pt.bytes, err))) {
            gr_out_abort(f);
            return st;
        }
        pt.records += c->parts[k].records;
    }
    if (packed) { /* {int64 item, uint64 len, bytes} already */
        if (!st && put_file(f, packed->p, packed->len, &h, &pt.bytes))
            st = GR_EIO;
        pt.records += n;
    }
    for (long k = 0; !packed && k < n && !st; k++) { /* packed from the slots */
        b.len = 0;
        if ((st = sweep_put_record(s, items[k], NULL, 0, &b))) {
            gr_out_abort(f);
            gr_free(b.p);
            return gr_error_set(err, st, "checkpoint: cannot pack item %ld: %s", items[k],
                                gr_strerror(st));
        }
        if (put_file(f, b.p, b.len, &h, &pt.bytes))
            st = GR_EIO;
        pt.records++;
    }
    gr_free(b.p);
    if (st) {
        int e = errno;
        gr_out_abort(f);
        return gr_error_set(err, GR_EIO, "checkpoint %s: %s", path, strerror(e ? e : EIO));
    }
    if (gr_out_close(f, &oe) != GR_OK)
        return gr_error_set(err, GR_EIO, "checkpoint: %s", oe.msg);
    pt.sum = h;
    c->next_id++;
    int nmerged = c->nparts - keep;
    sweep_part *merged = nmerged > 0 ? gr_malloc((size_t)nmerged * sizeof *merged) : NULL;
    if (nmerged > 0 && !merged)
        return gr_error_set(err, GR_ENOMEM, "checkpoint: out of memory");
    if (nmerged > 0)
        memcpy(merged, c->parts + keep, (size_t)nmerged * sizeof *merged);
    c->nparts = keep;
    if (add_part(c, pt)) {
        gr_free(merged);
        return gr_error_set(err, GR_ENOMEM, "checkpoint: out of memory");
    }
    if ((st = manifest_write(s, err))) {
        gr_free(merged);
        return st;
    }
    for (int k = 0; k < nmerged; k++) { /* listed no more */
        part_name(name, sizeof name, merged[k].id, "bin");
        if (!path_of(path, sizeof path, c->dir, name))
            unlink(path);
    }
    gr_free(merged);
    c->ndone += n;
    return GR_OK;
}
