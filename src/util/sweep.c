/* sweep.c — gr_sweep_run: independent items over threads (and MPI ranks: sweep_mpi.c), records gathered in item order, checkpoints (sweep_ckpt.c). */
/*
 * DESIGN
 * A sweep is n items, each computed from its index alone. Whoever runs an
 * item stores its record (a slot of the caller's result), so the result is
 * the same however the items are split between threads and ranks.
 *
 * In one process (SWEEP_LOCAL) T compute threads take items one at a time
 * from a pool of item ranges under a lock. Each completed item is appended to
 * `pending`; when a checkpoint is due (every `every` items or `every_s`
 * seconds) the thread that notices it and gets the writer lock writes the
 * pending records as one part file and a new manifest (sweep_ckpt.c), while
 * the other threads keep computing.
 *
 * Under MPI (sweep_mpi.c) each rank runs T compute threads plus one
 * communication thread (the main thread, so MPI is only ever called from it:
 * MPI_THREAD_FUNNELED). Rank 0 (SWEEP_ROOT) owns the pool, hands out chunks
 * on request, unpacks the records the others send back into the caller's
 * slots and writes the checkpoints; its compute threads take items from the
 * same pool. The other ranks (SWEEP_WORKER) keep a small queue of items,
 * ask for more when it runs low, and send their packed records in batches.
 *
 * Resume: rank 0 reads the manifest, checks it names the same sweep, verifies
 * each part's checksum and unpacks its records into the slots; the pool is
 * then every item not in the checkpoint. Items completed after the last
 * checkpoint are simply run again: a record is either in a listed part or
 * not, so nothing is lost and nothing is counted twice.
 *
 * Streaming (spec->deliver): rank 0 marks an item `ready` once its record is
 * stored for good (in its slot; with a checkpoint also packed into `pend`,
 * which a checkpoint writes at the latest at SWEEP_PEND_MAX_BYTES), and
 * whichever thread gets out_lock hands the ready prefix over in item order
 * (sweep_deliver), then releases each record: the caller frees it, and the
 * checkpoint no longer needs it (merges copy parts from the files).
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/sweep_internal.h"

void gr_sweep_options_default(gr_sweep_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

/* ------------------------------------------------------------------------
 * Buffers and checksums.
 * ------------------------------------------------------------------------ */
int sweep_buf_put(struct gr_sweep_buf *b, const void *data, size_t len)
{
    if (len > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < len) {
            if (cap > ((size_t)-1) / 2)
                return GR_ENOMEM;
            cap *= 2;
        }
        unsigned char *p = gr_realloc(b->p, cap);
        if (!p)
            return GR_ENOMEM;
        b->p = p;
        b->cap = cap;
    }
    if (len)
        memcpy(b->p + b->len, data, len);
    b->len += len;
    return GR_OK;
}

int gr_sweep_put(gr_sweep_buf *b, const void *data, size_t len)
{
    if (!b || (!data && len))
        return GR_EINVAL;
    return sweep_buf_put(b, data, len);
}

int gr_sweep_get(const void **data, size_t *left, void *dst, size_t len)
{
    if (*left < len)
        return GR_EPARSE;
    if (len)
        memcpy(dst, *data, len);
    *data = (const unsigned char *)*data + len;
    *left -= len;
    return GR_OK;
}

/* FNV-1a, 64 bits. */
uint64_t sweep_fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

void sweep_nap(void)
{
    sweep_nap_us(100);
}

void sweep_nap_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------------------
 * Shared state.
 * ------------------------------------------------------------------------ */
void sweep_fail(sweep *s, int status, const char *fmt, ...)
{
    omp_set_lock(&s->lock);
    if (!s->status) {
        s->status = status;
        s->err.status = status;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->err.msg, sizeof s->err.msg, fmt, ap);
        va_end(ap);
    }
#pragma omp atomic write
    s->stop = 1;
    omp_unset_lock(&s->lock);
}

int sweep_stopped(sweep *s)
{
    int v;
#pragma omp atomic read
    v = s->stop;
    return v;
}

int sweep_pool_add(sweep *s, long lo, long hi)
{
    if (hi <= lo)
        return GR_OK;
    if (s->npool == s->cap_pool) {
        int cap = s->cap_pool ? 2 * s->cap_pool : 16;
        sweep_range *p = gr_realloc(s->pool, (size_t)cap * sizeof *p);
        if (!p)
            return GR_ENOMEM;
        s->pool = p;
        s->cap_pool = cap;
    }
    s->pool[s->npool].lo = lo;
    s->pool[s->npool].hi = hi;
    s->npool++;
    s->pool_items += hi - lo;
    return GR_OK;
}

long sweep_pool_take(sweep *s, long max, long *lo)
{
    while (s->head < s->npool && s->pool[s->head].lo >= s->pool[s->head].hi)
        s->head++;
    if (s->head == s->npool || max < 1) {
        if (s->head == s->npool)
            s->head = s->npool = 0; /* reuse the array */
        return 0;
    }
    sweep_range *r = &s->pool[s->head];
    long k = r->hi - r->lo < max ? r->hi - r->lo : max;
    *lo = r->lo;
    r->lo += k;
    s->pool_items -= k;
    return k;
}

int sweep_pack(const sweep *s, long item, struct gr_sweep_buf *b)
{
    const gr_sweep_spec *sp = s->spec;
    if (sp->pack)
        return sp->pack(sp->ctx, item, b);
    return sweep_buf_put(b, (const unsigned char *)sp->records + (size_t)item * sp->record_size,
                         sp->record_size);
}

int sweep_unpack(sweep *s, long item, const void *data, size_t len)
{
    const gr_sweep_spec *sp = s->spec;
    if (sp->unpack)
        return sp->unpack(sp->ctx, item, data, len);
    if (len != sp->record_size)
        return GR_EPARSE;
    memcpy((unsigned char *)sp->records + (size_t)item * sp->record_size, data, len);
    return GR_OK;
}

int sweep_put_record(const sweep *s, long item, const void *packed, size_t len,
                     struct gr_sweep_buf *b)
{
    int64_t it = item;
    uint64_t n = len;
    size_t at = b->len;
    int st = sweep_buf_put(b, &it, sizeof it);
    st = st ? st : sweep_buf_put(b, &n, sizeof n);
    st = st ? st : packed ? sweep_buf_put(b, packed, len) : sweep_pack(s, item, b);
    if (st) {
        b->len = at; /* nothing of it */
        return st;
    }
    n = (uint64_t)(b->len - at - sizeof it - sizeof n);
    memcpy(b->p + at + sizeof it, &n, sizeof n);
    return GR_OK;
}

int sweep_completed(sweep *s, long item, const void *packed, size_t len)
{
    int st = GR_OK;
    omp_set_lock(&s->lock);
    s->done++;
    if (s->ck) {
        if (s->npending == s->cap_pending) {
            long cap = s->cap_pending ? 2 * s->cap_pending : 256;
            long *p = gr_realloc(s->pending, (size_t)cap * sizeof *p);
            if (p) {
                s->pending = p;
                s->cap_pending = cap;
            } else {
                st = GR_ENOMEM;
            }
        }
        /* streaming: the record packed now for the checkpoint, so that it can
           be delivered and released before that is written */
        if (!st && s->ready)
            st = sweep_put_record(s, item, packed, len, &s->pend);
        if (!st)
            s->pending[s->npending++] = item;
    }
    if (!st && s->ready)
        s->ready[item] = 1; /* kept for good: in its slot until delivered, or packed */
    omp_unset_lock(&s->lock);
    if (st)
        sweep_fail(s, st, "sweep: cannot keep item %ld for the checkpoint: %s", item,
                   gr_strerror(st));
    return st;
}

void sweep_kill_check(const sweep *s, long count)
{
    if (s->kill_after > 0 && s->rank == s->kill_rank && count >= s->kill_after)
        raise(SIGKILL); /* test hook: GRIDRES_TEST_KILL_AFTER */
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

void sweep_maybe_checkpoint(sweep *s, int force)
{
    if (!s->ck)
        return;
    const gr_sweep_options *o = s->spec->opt;
    double now = gr_time_s();
    double every_s = o->every > 0 || o->every_s > 0 ? o->every_s : SWEEP_DEFAULT_EVERY_S;
    omp_set_lock(&s->lock);
    int full = s->pend.len >= SWEEP_PEND_MAX_BYTES; /* streaming: memory bound */
    int due = s->npending > 0 && !s->ck_failed && (force == 2 || !s->stop) &&
              (force || full || (o->every > 0 && s->npending >= o->every) ||
               (every_s > 0 && now - s->last_ckpt_s >= every_s));
    omp_unset_lock(&s->lock);
    if (!due)
        return;
    if (!omp_test_lock(&s->writer)) {
        if (!force && !full)
            return; /* another thread is writing one */
        omp_set_lock(&s->writer);
    }
    omp_set_lock(&s->lock);
    long *items = s->pending, n = s->npending;
    struct gr_sweep_buf packed = s->pend;
    s->pending = NULL;
    s->npending = s->cap_pending = 0;
    memset(&s->pend, 0, sizeof s->pend);
    omp_unset_lock(&s->lock);
    if (n > 0) {
        qsort(items, (size_t)n, sizeof *items, cmp_long);
        gr_error e = {0};
        int st = ckpt_write(s, items, n, s->ready ? &packed : NULL, &e);
        if (st) {
            omp_set_lock(&s->lock);
            s->ck_failed = 1;
            omp_unset_lock(&s->lock);
            sweep_fail(s, st, "%s", e.msg);
        } else {
            omp_set_lock(&s->lock);
            s->checkpoints++;
            s->last_ckpt_s = gr_time_s();
            omp_unset_lock(&s->lock);
            sweep_kill_check(s, s->ck->ndone - s->resumed);
        }
    }
    gr_free(items);
    gr_free(packed.p);
    omp_unset_lock(&s->writer);
}

/* The next item to deliver, if it is ready and the sweep goes on (-1: none). */
static long next_ready(sweep *s)
{
    omp_set_lock(&s->lock);
    long i = s->next_out;
    int go = i < s->spec->n && s->ready[i] && !s->stop;
    omp_unset_lock(&s->lock);
    return go ? i : -1;
}

/* One thread delivers at a time; a thread that finds another delivering
 * leaves its items to it: the deliverer looks again after letting go of
 * out_lock, so an item marked ready while it held the lock is not left behind. */
int sweep_deliver(sweep *s)
{
    const gr_sweep_spec *sp = s->spec;
    if (!s->ready)
        return GR_OK;
    int st = GR_OK;
    while (!st && next_ready(s) >= 0) {
        if (!omp_test_lock(&s->out_lock))
            return GR_OK; /* the thread delivering takes this item too */
        long i;
        while ((i = next_ready(s)) >= 0) {
            if ((st = sp->deliver(sp->ctx, i))) {
                sweep_fail(s, st, "sweep: item %ld could not be delivered: %s", i, gr_strerror(st));
                break;
            }
            if (sp->release)
                sp->release(sp->ctx, i);
            omp_set_lock(&s->lock);
            s->next_out = i + 1;
            omp_unset_lock(&s->lock);
        }
        omp_unset_lock(&s->out_lock);
    }
    return st;
}

/* ------------------------------------------------------------------------
 * A compute thread.
 * ------------------------------------------------------------------------ */
void sweep_compute(sweep *s, int thread)
{
    const gr_sweep_spec *sp = s->spec;
    struct gr_sweep_buf b = {0};
    int st = GR_OK;
    if (sp->thread_init && (st = sp->thread_init(sp->ctx, thread)))
        sweep_fail(s, st, "sweep: worker thread %d (rank %d) could not start: %s", thread, s->rank,
                   gr_strerror(st));
    while (!st && !sweep_stopped(s)) {
        long item = 0;
        omp_set_lock(&s->lock);
        long k = sweep_pool_take(s, 1, &item);
        int wait = k == 0 && s->role == SWEEP_WORKER && !s->no_more && !s->stop;
        omp_unset_lock(&s->lock);
        if (k == 0) {
            if (wait) {
                sweep_nap();
                continue;
            }
            break;
        }
        void *rec = NULL;
        if (!sp->pack) {
            rec = (unsigned char *)sp->records + (size_t)item * sp->record_size;
            memset(rec, 0, sp->record_size);
        }
        if ((st = sp->run(sp->ctx, item, rec, thread))) {
            sweep_fail(s, st, "sweep: item %ld failed on rank %d: %s", item, s->rank, gr_strerror(st));
            break;
        }
        if (s->role == SWEEP_WORKER) {
            b.len = 0; /* the record for rank 0 */
            if (!(st = sweep_put_record(s, item, NULL, 0, &b))) {
                omp_set_lock(&s->lock);
                st = sweep_buf_put(&s->out, b.p, b.len);
                if (!st) {
                    s->out_items++;
                    s->run_here++;
                }
                omp_unset_lock(&s->lock);
            }
            if (st) {
                sweep_fail(s, st, "sweep: cannot pack item %ld on rank %d: %s", item, s->rank,
                           gr_strerror(st));
                break;
            }
            if (sp->release) /* packed for rank 0: not needed here any more */
                sp->release(sp->ctx, item);
        } else {
            omp_set_lock(&s->lock);
            s->run_here++;
            omp_unset_lock(&s->lock);
            if ((st = sweep_completed(s, item, NULL, 0)))
                break;
            if (s->role == SWEEP_LOCAL)
                sweep_maybe_checkpoint(s, 0);
            sweep_deliver(s);
        }
    }
    gr_free(b.p);
    if (sp->thread_free)
        sp->thread_free(sp->ctx, thread);
    omp_set_lock(&s->lock);
    s->active--;
    omp_unset_lock(&s->lock);
}

/* ------------------------------------------------------------------------
 * The public entry.
 * ------------------------------------------------------------------------ */
/* The session a sweep spreads over: its options', unless it is local. */
static gr_mpi *sweep_session(const gr_sweep_spec *spec)
{
    return spec->local || !spec->opt ? NULL : spec->opt->mpi;
}

static int resolve_threads(const gr_sweep_spec *spec, int size)
{
    int t = spec->threads;
    if (t <= 0) {
        if (size > 1 && !getenv("OMP_NUM_THREADS")) {
            long cpus = sysconf(_SC_NPROCESSORS_ONLN);
            int local = sweep_session(spec)->local; /* size > 1: there is one */
            t = (int)(cpus / (local > 0 ? local : 1));
        } else {
            t = omp_get_max_threads();
        }
    }
    if (t < 1)
        t = 1;
    if ((long)t > spec->n)
        t = spec->n > 0 ? (int)spec->n : 1;
    return t;
}

static int sweep_size(const gr_sweep_spec *spec)
{
    return gr_mpi_size(sweep_session(spec));
}

int gr_sweep_threads(const gr_sweep_spec *spec)
{
    return resolve_threads(spec, sweep_size(spec));
}

/* Rank 0 / local: open (or resume) the checkpoint and fill the pool. */
static int sweep_prepare(sweep *s)
{
    const gr_sweep_spec *sp = s->spec;
    int st = GR_OK;
    if (sp->opt && sp->opt->dir && (st = ckpt_open(s, &s->err))) {
        s->status = st;
        return st;
    }
    long lo = 0;
    for (long i = 0; i <= sp->n && !st; i++) {
        int have = i < sp->n && s->ck && (s->ck->bits[i >> 6] >> (i & 63) & 1);
        if (i == sp->n || have) {
            st = sweep_pool_add(s, lo, i);
            lo = i + 1;
        }
    }
    s->todo = s->pool_items;
    s->last_ckpt_s = gr_time_s();
    if (st) {
        s->status = st;
        snprintf(s->err.msg, sizeof s->err.msg, "sweep: out of memory");
        return st;
    }
    return s->status; /* a deliver may have failed while the parts were read back */
}

static int run_local(sweep *s)
{
    int st = sweep_prepare(s);
    if (st)
        return st;
    s->active = s->threads;
    if (s->todo > 0) { /* (a resume of a finished sweep starts no thread) */
#pragma omp parallel num_threads(s->threads)
        sweep_compute(s, omp_get_thread_num());
    }
    sweep_maybe_checkpoint(s, 2); /* what completed, even if an item failed */
    sweep_deliver(s);
    if (!s->status && s->done != s->todo)
        sweep_fail(s, GR_EINVAL, "sweep: internal error: %ld of %ld items done", s->done, s->todo);
    return s->status;
}

int gr_sweep_run(const gr_sweep_spec *spec, gr_sweep_stats *stats, gr_error *err)
{
    double t0 = gr_time_s();
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (!spec || !spec->run || spec->n < 0 || spec->threads < 0)
        return gr_error_set(err, GR_EINVAL, "sweep: no spec, no run callback, or n/threads < 0");
    if (!spec->pack != !spec->unpack)
        return gr_error_set(err, GR_EINVAL, "sweep: give both pack and unpack, or neither");
    if (!spec->pack && (spec->record_size == 0 || !spec->records))
        return gr_error_set(err, GR_EINVAL,
                            "sweep: records need record_size and records, or pack and unpack");
    if (spec->release && !spec->deliver)
        return gr_error_set(err, GR_EINVAL, "sweep: release needs deliver");
    if (spec->opt && spec->opt->dir && (spec->opt->every < 0 || !(spec->opt->every_s >= 0)))
        return gr_error_set(err, GR_EINVAL, "sweep: checkpoint every N items / S seconds must be >= 0");

#ifndef GRIDRES_HAVE_MPI
    /* started as one of several MPI ranks, each would run the whole sweep */
    const char *launched = getenv("OMPI_COMM_WORLD_SIZE");
    if (!launched)
        launched = getenv("PMI_SIZE");
    const char *force = getenv("GRIDRES_MPI");
    if (!spec->local && launched && atoi(launched) > 1 && !(force && *force == '0'))
        return gr_error_set(err, GR_EINVAL,
                            "sweep: started as one of %d MPI ranks, but libgridres was built "
                            "without MPI (GRIDRES_WITH_MPI=OFF): every rank would run the whole "
                            "sweep; run one process, or set GRIDRES_MPI=0 to do it anyway",
                            atoi(launched));
#endif
    sweep s;
    memset(&s, 0, sizeof s);
    s.spec = spec;
    s.mpi = sweep_session(spec);
    s.size = gr_mpi_size(s.mpi);
    s.rank = gr_mpi_rank(s.mpi);
    s.role = s.size == 1 ? SWEEP_LOCAL : s.rank == 0 ? SWEEP_ROOT : SWEEP_WORKER;
    s.threads = resolve_threads(spec, s.size);
    const char *k = getenv("GRIDRES_TEST_KILL_AFTER");
    if (k && *k) {
        s.kill_after = strtol(k, NULL, 10);
        const char *r = getenv("GRIDRES_TEST_KILL_RANK");
        s.kill_rank = r && *r ? (int)strtol(r, NULL, 10) : 0;
    }
    omp_init_lock(&s.lock);
    omp_init_lock(&s.writer);
    omp_init_lock(&s.out_lock);
    if (spec->deliver && s.role != SWEEP_WORKER && spec->n > 0 &&
        !(s.ready = gr_calloc((size_t)spec->n, 1))) {
        omp_destroy_lock(&s.lock);
        omp_destroy_lock(&s.writer);
        omp_destroy_lock(&s.out_lock);
        return gr_error_set(err, GR_ENOMEM, "sweep: out of memory");
    }

    int st = s.size > 1 ? sweep_mpi_run(&s) : run_local(&s);
    if (st)
        gr_error_set(err, st, "%s", s.err.msg[0] ? s.err.msg : gr_strerror(st));

    gr_sweep_stats sx = {.n = spec->n, .resumed = s.resumed, .run_here = s.run_here,
                         .run_total = s.done, .checkpoints = s.checkpoints, .ranks = s.size,
                         .threads = s.threads, .wall_s = gr_time_s() - t0};
    if (s.role == SWEEP_WORKER)
        sx.run_total = s.run_here;
    if (stats)
        *stats = sx;
    if (spec->opt && spec->opt->stats)
        *spec->opt->stats = sx;

    omp_destroy_lock(&s.lock);
    omp_destroy_lock(&s.writer);
    omp_destroy_lock(&s.out_lock);
    gr_free(s.ready);
    ckpt_free(s.ck);
    gr_free(s.pool);
    gr_free(s.pending);
    gr_free(s.pend.p);
    gr_free(s.out.p);
    return st;
}

int sweep_root_prepare(sweep *s)
{
    return sweep_prepare(s);
}

/* ------------------------------------------------------------------------
 * Without MPI: one process.
 * ------------------------------------------------------------------------ */
#ifndef GRIDRES_HAVE_MPI
void sweep_mpi_open(gr_mpi *m) { m->state = MPI_OFF; }
void sweep_mpi_close(gr_mpi *m, int exit_code)
{
    (void)m;
    (void)exit_code;
}
int sweep_mpi_run(sweep *s)
{
    return run_local(s);
}
#endif

/* ------------------------------------------------------------------------
 * The MPI session.
 * ------------------------------------------------------------------------ */
int gr_mpi_open(gr_mpi **out, gr_error *err)
{
    *out = NULL;
    gr_mpi *m = gr_calloc(1, sizeof *m);
    if (!m)
        return gr_error_set(err, GR_ENOMEM, "out of memory");
    m->rank = 0;
    m->size = m->local = 1;
    sweep_mpi_open(m);
    *out = m;
    return GR_OK;
}

int gr_mpi_rank(const gr_mpi *m) { return m ? m->rank : 0; }
int gr_mpi_size(const gr_mpi *m) { return m ? m->size : 1; }
const char *gr_mpi_library(const gr_mpi *m) { return m && m->lib[0] ? m->lib : NULL; }

void gr_mpi_close(gr_mpi *m, int exit_code)
{
    if (!m)
        return;
    sweep_mpi_close(m, exit_code);
    gr_free(m);
}
