/* sweep_internal.h — state of one sweep, shared by the engine (sweep.c), the checkpoint files (sweep_ckpt.c) and the MPI backend (sweep_mpi.c). */
#ifndef GRIDRES_SWEEP_INTERNAL_H
#define GRIDRES_SWEEP_INTERNAL_H

#include <omp.h>

#include "gridres.h"

struct gr_sweep_buf {
    unsigned char *p;
    size_t len, cap;
};

/* Items [lo, hi). */
typedef struct sweep_range {
    long lo, hi;
} sweep_range;

/* A record file of the checkpoint, as listed in the manifest. */
typedef struct sweep_part {
    int id;                 /* part-<id>.bin */
    long records;
    uint64_t bytes, sum;    /* size and FNV-1a 64 of the whole file */
} sweep_part;

typedef struct sweep_ckpt {
    char *dir;              /* DIR/checkpoint */
    char *ident;            /* the job line */
    long n;
    uint64_t *bits;         /* n bits: items whose record is in a listed part */
    long ndone;
    sweep_part *parts;
    int nparts, cap_parts, next_id;
} sweep_ckpt;

enum { SWEEP_LOCAL = 0, SWEEP_ROOT = 1, SWEEP_WORKER = 2 };

/* Seconds between checkpoints when neither gr_sweep_options.every nor every_s is set. */
#define SWEEP_DEFAULT_EVERY_S 60.0
/* A streaming sweep writes a checkpoint at the latest when its pending packed
   records reach this size, so its memory does not grow with the items. */
#define SWEEP_PEND_MAX_BYTES ((size_t)1 << 20)

/* The MPI session of a process (gr_mpi_open): MPI is process-wide state, and this
 * is its one mirror, owned by the caller, never a global. */
enum { MPI_OFF = 1, MPI_OURS = 2, MPI_HOSTS = 3 };
struct gr_mpi {
    int state;              /* MPI_OFF (one rank), MPI_OURS (initialised by this
                               session), MPI_HOSTS (by the host program) */
    int rank, size;
    int local;              /* ranks on this node */
    int agreed_fail;        /* the last sweep failed on every rank alike */
    char lib[256];          /* MPI library version, "" when off */
};

typedef struct sweep {
    const gr_sweep_spec *spec;
    gr_mpi *mpi;            /* the session the sweep spreads over; NULL: local */
    int role, rank, size, threads;
    omp_lock_t lock;        /* everything below that changes during the run */
    omp_lock_t writer;      /* held while a checkpoint is written */
    /* items still to hand out: pool[head .. npool-1], front range consumed first */
    sweep_range *pool;
    int npool, head, cap_pool;
    long pool_items;
    int no_more;            /* worker: rank 0 has no more work */
    int active;             /* compute threads not finished */
    long todo;              /* rank 0 / local: items this call must complete */
    long done;              /* rank 0 / local: items completed (here or received) */
    long run_here;
    /* rank 0 / local: completed items not yet checkpointed */
    long *pending;
    long npending, cap_pending;
    /* rank 0 / local, streaming with a checkpoint: the pending items' records,
       packed when they completed ({int64 item, uint64 len, bytes}...), so they
       can be delivered and released before the checkpoint is written */
    struct gr_sweep_buf pend;
    double last_ckpt_s;
    sweep_ckpt *ck;         /* NULL: no checkpoint */
    int ck_failed;          /* a checkpoint write failed: no more (writer lock) */
    int checkpoints;
    long resumed;
    /* worker: packed records waiting to go to rank 0 ({int64 item, uint64 len, bytes}...) */
    struct gr_sweep_buf out;
    long out_items;
    /* the first failure; stop is also read without the lock to end early */
    int status;
    int stop;               /* atomic reads/writes (sweep_stopped) */
    gr_error err;
    /* rank 0 / local with spec->deliver: items stored for good (1 byte each),
       the next item to deliver; out_lock is held while delivering */
    unsigned char *ready;
    long next_out;
    omp_lock_t out_lock;
    long kill_after;        /* GRIDRES_TEST_KILL_AFTER (0: off) */
    int kill_rank;
} sweep;

/* engine (sweep.c) */
void sweep_fail(sweep *s, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
int sweep_stopped(sweep *s);
void sweep_compute(sweep *s, int thread);
/* rank 0 / local: open or resume the checkpoint, fill the pool (error in s->err) */
int sweep_root_prepare(sweep *s);
long sweep_pool_take(sweep *s, long max, long *lo);      /* caller holds the lock */
int sweep_pool_add(sweep *s, long lo, long hi);          /* caller holds the lock */
int sweep_pack(const sweep *s, long item, struct gr_sweep_buf *b);
int sweep_unpack(sweep *s, long item, const void *data, size_t len);
/* Append {int64 item, uint64 len, record} to b: the record as given (packed,
   len), or packed by the spec when packed is NULL; on failure b is as before. */
int sweep_put_record(const sweep *s, long item, const void *packed, size_t len,
                     struct gr_sweep_buf *b);
/* rank 0 / local: item completed (its record is in place; `packed`, len: the
   record as packed already, or NULL); lock taken inside */
int sweep_completed(sweep *s, long item, const void *packed, size_t len);
/* rank 0 / local with spec->deliver: deliver, in item order, every item now
   ready (a no-op otherwise; failures through sweep_fail). GR_OK or the status. */
int sweep_deliver(sweep *s);
/* rank 0 / local: write a checkpoint if one is due; force 1: whatever is
   pending; 2: that even after a failure (the last one of a sweep) */
void sweep_maybe_checkpoint(sweep *s, int force);
void sweep_kill_check(const sweep *s, long count);
void sweep_nap(void);            /* 0.1 ms */
void sweep_nap_us(long us);
int sweep_buf_put(struct gr_sweep_buf *b, const void *data, size_t len);
uint64_t sweep_fnv(uint64_t h, const void *data, size_t len);
#define SWEEP_FNV_INIT 0xcbf29ce484222325ULL

/* checkpoint (sweep_ckpt.c), rank 0 only */
int ckpt_open(sweep *s, gr_error *err);                 /* creates s->ck; resumes */
/* a part with items[0..n-1]: their records from `packed` (as sweep.pend
   holds them), or packed from the caller's slots when NULL */
int ckpt_write(sweep *s, const long *items, long n, const struct gr_sweep_buf *packed,
               gr_error *err);
void ckpt_free(sweep_ckpt *c);

/* MPI (sweep_mpi.c; stubs in sweep.c without MPI): fill a zeroed session,
   initialising MPI when launched; end it */
void sweep_mpi_open(gr_mpi *m);
void sweep_mpi_close(gr_mpi *m, int exit_code);
/* the distributed run (rank 0 prepares the checkpoint inside); the same status
   on every rank, rank 0's message in s->err */
int sweep_mpi_run(sweep *s);

#endif
