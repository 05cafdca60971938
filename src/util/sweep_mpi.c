/* sweep_mpi.c — the MPI backend of gr_sweep_run: rank 0 hands out chunks of items on demand and gathers the records; every rank computes on its own threads (built only with GRIDRES_WITH_MPI). */
/*
 * Protocol (one duplicated communicator per sweep; only the main thread of a
 * rank calls MPI, so MPI_THREAD_FUNNELED suffices):
 *   worker -> 0  REQ  int64 want          ask for more items (queue running low)
 *   0 -> worker  WORK int64 lo, hi        items [lo, hi); lo == hi: no more work;
 *                                         lo == hi == -1: the sweep failed, stop
 *   worker -> 0  RES  bytes               records {int64 item, uint64 len, bytes}...
 *   worker -> 0  ERR  int status, text    a fatal error on that rank
 *   worker -> 0  FIN  int64 items run     last message of a worker
 * Messages from one rank arrive in the order sent, so when rank 0 has every
 * FIN it has every record. Chunks shrink with the work left (guided), never
 * below the requester's thread count; results do not depend on them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "util/sweep_internal.h"

enum { TAG_REQ = 1, TAG_WORK = 2, TAG_RES = 3, TAG_ERR = 4, TAG_FIN = 5 };

/* Send results when this many bytes are waiting, or after this long. */
#define SEND_BYTES (1u << 20)
#define SEND_S 0.05
/* An idle communication thread sleeps 50 us, doubling up to 0.5 ms while nothing
 * happens (workers ask for more well before their queue runs dry). */
#define NAP_MIN_US 50
#define NAP_MAX_US 500

static int launched(void)
{
    const char *e = getenv("GRIDRES_MPI");
    if (e && *e)
        return *e != '0';
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                                       "PMI_SIZE", "MPI_LOCALNRANKS", "MV2_COMM_WORLD_SIZE"};
    for (size_t k = 0; k < sizeof vars / sizeof vars[0]; k++)
        if (getenv(vars[k]))
            return 1;
    return 0;
}

/* MPI is process-wide state; the session m (zeroed, one rank) mirrors it. */
void sweep_mpi_open(gr_mpi *m)
{
    /* the library's version (callable before MPI_Init): first line only */
    char lib[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(lib, &len);
    lib[len > 0 && len < (int)sizeof lib ? len : (len > 0 ? (int)sizeof lib - 1 : 0)] = '\0';
    char *nl = strchr(lib, '\n');
    if (nl)
        *nl = '\0';
    snprintf(m->lib, sizeof m->lib, "%s", lib);
    int inited = 0, finalized = 0;
    MPI_Initialized(&inited);
    MPI_Finalized(&finalized);
    m->state = MPI_OFF;
    if (finalized)
        return;
    if (inited) {
        m->state = MPI_HOSTS;
    } else if (!launched()) {
        return;
    } else {
        int provided = 0;
        if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
            return;
        m->state = MPI_OURS;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &m->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &m->size);
    MPI_Comm node;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) ==
        MPI_SUCCESS) {
        MPI_Comm_size(node, &m->local);
        MPI_Comm_free(&node);
    }
}

void sweep_mpi_close(gr_mpi *m, int exit_code)
{
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (m->state != MPI_OURS || finalized)
        return;
    if (exit_code != 0 && m->size > 1 && !m->agreed_fail)
        MPI_Abort(MPI_COMM_WORLD, exit_code);
    MPI_Finalize();
    m->state = MPI_OFF;
}

/* ------------------------------------------------------------------------
 * Rank 0.
 * ------------------------------------------------------------------------ */
static int64_t chunk_size(const sweep *s, int64_t want)
{
    if (want < 1)
        want = 1;
    int64_t k = (int64_t)s->pool_items / (2 * (int64_t)s->size);
    if (k > 64 * want)
        k = 64 * want;
    return k < want ? want : k;
}

/* Records from a worker: unpack each into its slot. */
static void root_results(sweep *s, const unsigned char *p, size_t len, int src)
{
    const void *q = p;
    size_t left = len;
    while (left > 0 && !sweep_stopped(s)) {
        int64_t item;
        uint64_t rlen;
        if (gr_sweep_get(&q, &left, &item, sizeof item) || gr_sweep_get(&q, &left, &rlen, sizeof rlen) ||
            rlen > left || item < 0 || item >= s->spec->n) {
            sweep_fail(s, GR_EPARSE, "sweep: malformed results from rank %d", src);
            return;
        }
        int st = sweep_unpack(s, (long)item, q, (size_t)rlen);
        if (st) {
            sweep_fail(s, st, "sweep: cannot store item %" PRId64 " from rank %d: %s", item, src,
                       gr_strerror(st));
            return;
        }
        if (sweep_completed(s, (long)item, q, (size_t)rlen))
            return;
        q = (const unsigned char *)q + rlen;
        left -= (size_t)rlen;
    }
    sweep_deliver(s);
}

static void root_comm(sweep *s, MPI_Comm comm)
{
    struct gr_sweep_buf rb = {0};
    int fins = 0;
    long nap = NAP_MIN_US;
    for (;;) {
        int flag = 0, busy = 0;
        MPI_Status stt;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &flag, &stt);
        if (flag) {
            busy = 1;
            int src = stt.MPI_SOURCE, count = 0;
            MPI_Get_count(&stt, MPI_BYTE, &count);
            if (count < 0)
                count = 0;
            rb.len = 0;
            if ((size_t)count > rb.cap) {
                unsigned char *p = gr_realloc(rb.p, (size_t)count);
                if (p) {
                    rb.p = p;
                    rb.cap = (size_t)count;
                }
            }
            if ((size_t)count > rb.cap) {
                /* receive into nothing and fail: the message must still be taken */
                char dummy[64];
                MPI_Recv(dummy, 0, MPI_BYTE, src, stt.MPI_TAG, comm, MPI_STATUS_IGNORE);
                sweep_fail(s, GR_ENOMEM, "sweep: out of memory for results of rank %d", src);
                continue;
            }
            MPI_Recv(rb.p, count, MPI_BYTE, src, stt.MPI_TAG, comm, MPI_STATUS_IGNORE);
            if (stt.MPI_TAG == TAG_REQ) {
                int64_t want = 1, work[2] = {0, 0};
                if ((size_t)count >= sizeof want)
                    memcpy(&want, rb.p, sizeof want);
                omp_set_lock(&s->lock);
                if (s->stop) {
                    work[0] = work[1] = -1;
                } else {
                    long lo = 0, k = sweep_pool_take(s, (long)chunk_size(s, want), &lo);
                    work[0] = lo;
                    work[1] = lo + k;
                }
                omp_unset_lock(&s->lock);
                MPI_Send(work, 2, MPI_INT64_T, src, TAG_WORK, comm);
            } else if (stt.MPI_TAG == TAG_RES) {
                root_results(s, rb.p, (size_t)count, src);
            } else if (stt.MPI_TAG == TAG_ERR) {
                int st = GR_EINVAL;
                if ((size_t)count >= sizeof st)
                    memcpy(&st, rb.p, sizeof st);
                int tl = count - (int)sizeof st;
                sweep_fail(s, st ? st : GR_EINVAL, "%.*s", tl > 0 ? tl : 0,
                           (const char *)rb.p + sizeof st);
            } else if (stt.MPI_TAG == TAG_FIN) {
                fins++;
            }
        }
        if (!sweep_stopped(s))
            sweep_maybe_checkpoint(s, 0);
        omp_set_lock(&s->lock);
        int active = s->active;
        omp_unset_lock(&s->lock);
        if (active == 0 && fins == s->size - 1)
            break;
        nap = busy ? NAP_MIN_US : nap * 2 > NAP_MAX_US ? NAP_MAX_US : nap * 2;
        if (!busy)
            sweep_nap_us(nap);
    }
    gr_free(rb.p);
}

/* ------------------------------------------------------------------------
 * Other ranks.
 * ------------------------------------------------------------------------ */
static void worker_comm(sweep *s, MPI_Comm comm)
{
    struct gr_sweep_buf send = {0};
    MPI_Request req = MPI_REQUEST_NULL;
    int64_t work[2] = {0, 0};
    int outstanding = 0, err_sent = 0;
    long sent = 0, nap = NAP_MIN_US;
    double last_send = gr_time_s();
    for (;;) {
        int busy = 0;
        omp_set_lock(&s->lock);
        long queued = s->pool_items;
        int no_more = s->no_more, stop = s->stop, active = s->active;
        size_t waiting = s->out.len;
        omp_unset_lock(&s->lock);
        if (!no_more && !stop && !outstanding && queued < 2 * (long)s->threads) {
            int64_t want = 2 * (int64_t)s->threads; /* keep every thread fed while asking */
            MPI_Send(&want, (int)sizeof want, MPI_BYTE, 0, TAG_REQ, comm);
            MPI_Irecv(work, 2, MPI_INT64_T, 0, TAG_WORK, comm, &req);
            outstanding = busy = 1;
        }
        if (outstanding) {
            int flag = 0;
            MPI_Test(&req, &flag, MPI_STATUS_IGNORE);
            if (flag) {
                outstanding = 0;
                busy = 1;
                omp_set_lock(&s->lock);
                if (work[0] == -1) {
                    s->no_more = 1;
#pragma omp atomic write
                    s->stop = 1; /* the sweep failed elsewhere */
                } else if (work[1] > work[0]) {
                    if (sweep_pool_add(s, (long)work[0], (long)work[1])) {
                        omp_unset_lock(&s->lock);
                        sweep_fail(s, GR_ENOMEM, "sweep: out of memory on rank %d", s->rank);
                        omp_set_lock(&s->lock);
                    }
                } else {
                    s->no_more = 1;
                }
                omp_unset_lock(&s->lock);
            }
        }
        double now = gr_time_s();
        if (waiting > 0 && (waiting >= SEND_BYTES || now - last_send >= SEND_S || active == 0 || no_more)) {
            omp_set_lock(&s->lock);
            struct gr_sweep_buf t = s->out;
            s->out = send;
            long cnt = s->out_items;
            s->out_items = 0;
            omp_unset_lock(&s->lock);
            send = t;
            if (send.len > (size_t)0x7fffffff) {
                sweep_fail(s, GR_ENOMEM, "sweep: a batch of results over 2 GiB on rank %d", s->rank);
            } else if (!stop) {
                sent += cnt;
                sweep_kill_check(s, sent); /* test hook: dies with these records in hand */
                MPI_Send(send.p, (int)send.len, MPI_BYTE, 0, TAG_RES, comm);
            }
            send.len = 0;
            last_send = now;
            busy = 1;
        }
        if (stop && !err_sent) {
            omp_set_lock(&s->lock);
            int st = s->status;
            char msg[GR_ERROR_MAX + sizeof(int)];
            memcpy(msg, &st, sizeof st);
            size_t ml = strlen(s->err.msg);
            memcpy(msg + sizeof st, s->err.msg, ml);
            omp_unset_lock(&s->lock);
            if (st) /* our own failure (else rank 0 told us to stop) */
                MPI_Send(msg, (int)(sizeof st + ml), MPI_BYTE, 0, TAG_ERR, comm);
            err_sent = 1;
            busy = 1;
        }
        if (active == 0 && !outstanding && (no_more || stop)) {
            omp_set_lock(&s->lock);
            int empty = s->out.len == 0 || s->stop;
            omp_unset_lock(&s->lock);
            if (empty && (!stop || err_sent)) {
                int64_t n = s->run_here;
                MPI_Send(&n, (int)sizeof n, MPI_BYTE, 0, TAG_FIN, comm);
                break;
            }
        }
        nap = busy ? NAP_MIN_US : nap * 2 > NAP_MAX_US ? NAP_MAX_US : nap * 2;
        if (!busy)
            sweep_nap_us(nap);
    }
    gr_free(send.p);
}

/* ------------------------------------------------------------------------
 * The run.
 * ------------------------------------------------------------------------ */
static uint64_t spec_hash(const sweep *s)
{
    const gr_sweep_spec *sp = s->spec;
    uint64_t h = SWEEP_FNV_INIT;
    int64_t n = sp->n;
    uint64_t rs = sp->pack ? 0 : sp->record_size;
    h = sweep_fnv(h, &n, sizeof n);
    h = sweep_fnv(h, &rs, sizeof rs);
    if (sp->kind)
        h = sweep_fnv(h, sp->kind, strlen(sp->kind));
    if (sp->opt && sp->opt->job)
        h = sweep_fnv(h, sp->opt->job, strlen(sp->opt->job));
    return h;
}

/* Rank 0's status and message to every rank. */
static int agree(sweep *s, MPI_Comm comm, int st)
{
    MPI_Bcast(&st, 1, MPI_INT, 0, comm);
    MPI_Bcast(s->err.msg, GR_ERROR_MAX, MPI_CHAR, 0, comm);
    s->err.msg[GR_ERROR_MAX - 1] = '\0';
    s->status = st;
    s->mpi->agreed_fail = st != GR_OK;
    return st;
}

int sweep_mpi_run(sweep *s)
{
    MPI_Comm comm;
    s->mpi->agreed_fail = 0;
    MPI_Comm_dup(MPI_COMM_WORLD, &comm);
    /* the same sweep everywhere? */
    uint64_t h = spec_hash(s), h0 = h;
    MPI_Bcast(&h0, 1, MPI_UINT64_T, 0, comm);
    int bad = h0 != h, any_bad = 0;
    MPI_Allreduce(&bad, &any_bad, 1, MPI_INT, MPI_MAX, comm);
    int st = GR_OK;
    if (any_bad) {
        snprintf(s->err.msg, sizeof s->err.msg,
                 "sweep: the ranks run different sweeps (item count, kind or job differ)");
        st = GR_EINVAL;
    }
    if (!st && s->role == SWEEP_ROOT)
        st = sweep_root_prepare(s);
    if ((st = agree(s, comm, st))) {
        MPI_Comm_free(&comm);
        return st;
    }
    s->active = s->threads;
#pragma omp parallel num_threads(s->threads + 1)
    {
        int id = omp_get_thread_num();
#pragma omp single
        {
            s->active = omp_get_num_threads() - 1;
            if (s->active < 1)
                sweep_fail(s, GR_EINVAL, "sweep: rank %d got one OpenMP thread; the MPI backend "
                                         "needs two (communication and compute)", s->rank);
        }
        if (id == 0) {
            if (s->role == SWEEP_ROOT)
                root_comm(s, comm);
            else
                worker_comm(s, comm);
        } else {
            sweep_compute(s, id - 1);
        }
    }
    if (s->role == SWEEP_ROOT) {
        sweep_maybe_checkpoint(s, 2); /* what arrived, even if the sweep failed */
        sweep_deliver(s);
        if (!s->status && s->done != s->todo)
            sweep_fail(s, GR_EINVAL, "sweep: internal error: %ld of %ld items done", s->done, s->todo);
    }
    st = agree(s, comm, s->status);
    long here = s->run_here, total = 0;
    MPI_Reduce(&here, &total, 1, MPI_LONG, MPI_SUM, 0, comm);
    if (s->role == SWEEP_ROOT)
        s->done = total; /* run_total: items run by all ranks in this call */
    MPI_Comm_free(&comm);
    return st;
}
