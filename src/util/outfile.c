/* outfile.c — gr_out_*: every output file is written to PATH.tmp.PID beside it, flushed, fsync'ed and renamed into place, so a file under its final name is always whole. */
/*
 * DESIGN
 * One helper for every writer (CLI tables and JSON, report pages and charts,
 * grid.m, the overlay, sweep.json, checkpoints). gr_out_open creates
 * PATH.tmp.PID.SEQ (O_EXCL) and returns a stdio stream on it; gr_out_close
 * flushes, fsyncs, closes and renames it onto PATH (without force: link(2)
 * then unlink, which fails when PATH appeared meanwhile, so nothing is
 * clobbered), then fsyncs the folder. Any error removes the temporary file.
 * The open temporaries are listed in a small table so that gr_out_cleanup
 * (async-signal-safe: the CLI calls it from its SIGINT/SIGTERM/SIGHUP handler
 * and at exit) can remove them; a SIGKILL leaves PATH.tmp.PID behind, and the
 * next successful write of PATH removes every PATH.tmp.PID whose process is
 * gone (kill(PID, 0) fails with ESRCH). Atomic rename: POSIX rename(2); the
 * write/fsync/rename/fsync-dir sequence is the one of Pillai et al., "All
 * File Systems Are Not Created Equal", OSDI 2014.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gridres.h"

#define OUT_SLOTS 64
#define OUT_PATH 4096

typedef struct out_slot {
    volatile sig_atomic_t used; /* 1: tmp names a temporary file of this process */
    FILE *f;
    int force;
    char path[OUT_PATH];
    char tmp[OUT_PATH + 32];
} out_slot;

static out_slot slots[OUT_SLOTS];
static unsigned long seq; /* temporary names PATH.tmp.PID.SEQ: distinct within the process */
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

/* Test hook: GRIDRES_TEST_FAIL_WRITE_AFTER=N[:kill|:term] (see gridres.h), read
 * again whenever its value changes (caller holds slots_lock). */
static long long hook_bytes_left = -1; /* -1: off */
static int hook_signal;
static char hook_seen[64];

static void hook_read(void)
{
    const char *v = getenv("GRIDRES_TEST_FAIL_WRITE_AFTER");
    if (!v)
        v = "";
    if (strncmp(v, hook_seen, sizeof hook_seen - 1) == 0)
        return;
    snprintf(hook_seen, sizeof hook_seen, "%s", v);
    hook_bytes_left = -1;
    hook_signal = 0;
    char *end;
    long long n = strtoll(v, &end, 10);
    if (!*v || end == v || n < 0)
        return;
    hook_bytes_left = n;
    if (strcmp(end, ":kill") == 0)
        hook_signal = SIGKILL;
    else if (strcmp(end, ":term") == 0)
        hook_signal = SIGTERM;
}

static int dir_of(char *buf, size_t len, const char *path)
{
    const char *slash = strrchr(path, '/');
    int n = slash ? snprintf(buf, len, "%.*s", slash == path ? 1 : (int)(slash - path), path)
                  : snprintf(buf, len, ".");
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

static void fsync_dir(const char *path)
{
    char dir[OUT_PATH];
    if (dir_of(dir, sizeof dir, path) != 0)
        return;
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd); /* best effort: some file systems refuse it on folders */
        close(fd);
    }
}

/* Remove BASE.tmp.PID[.SEQ] beside path for every PID that is not running. */
static void remove_stale(const char *path)
{
    char dir[OUT_PATH], stale[OUT_PATH + 300];
    if (dir_of(dir, sizeof dir, path) != 0)
        return;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t bl = strlen(base);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (strncmp(n, base, bl) != 0 || strncmp(n + bl, ".tmp.", 5) != 0)
            continue;
        char *end;
        long pid = strtol(n + bl + 5, &end, 10);
        if (end == n + bl + 5 || pid <= 0 || (*end && *end != '.'))
            continue;
        if (pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH &&
            snprintf(stale, sizeof stale, "%s/%s", dir, n) < (int)sizeof stale)
            unlink(stale);
    }
    closedir(d);
}

FILE *gr_out_open(const char *path, int force, gr_error *err)
{
    if (!path || !*path) {
        gr_error_set(err, GR_EINVAL, "no output path given");
        return NULL;
    }
    if (strlen(path) >= OUT_PATH) {
        gr_error_set(err, GR_EINVAL, "output path too long: '%.200s...'", path);
        return NULL;
    }
    struct stat sb;
    if (!force && lstat(path, &sb) == 0) {
        gr_error_set(err, GR_EEXIST, "'%s' exists; not overwriting it (use --force)", path);
        return NULL;
    }
    pthread_mutex_lock(&slots_lock);
    hook_read();
    out_slot *s = NULL;
    for (int k = 0; k < OUT_SLOTS && !s; k++)
        if (!slots[k].used)
            s = &slots[k];
    if (!s) {
        pthread_mutex_unlock(&slots_lock);
        gr_error_set(err, GR_ENOMEM, "%s: more than %d output files open at once", path,
                     OUT_SLOTS);
        return NULL;
    }
    snprintf(s->path, sizeof s->path, "%s", path);
    int fd = -1;
    for (int tries = 0; tries < 100 && fd < 0; tries++) { /* (EEXIST: a stale one of ours) */
        snprintf(s->tmp, sizeof s->tmp, "%s.tmp.%ld.%lu", path, (long)getpid(), seq++);
        fd = open(s->tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int e = errno;
        pthread_mutex_unlock(&slots_lock);
        gr_error_set(err, GR_EIO, "%s: cannot create: %s", path, strerror(e));
        return NULL;
    }
    s->f = fdopen(fd, "wb");
    if (!s->f) {
        int e = errno;
        close(fd);
        unlink(s->tmp);
        pthread_mutex_unlock(&slots_lock);
        gr_error_set(err, GR_EIO, "%s: cannot create: %s", path, strerror(e));
        return NULL;
    }
    s->force = force;
    s->used = 1;
    pthread_mutex_unlock(&slots_lock);
    return s->f;
}

/* The slot of f (it stays listed until release), its strings copied out; -1: none. */
static int take(FILE *f, char *path, char *tmp, int *force)
{
    int found = -1;
    pthread_mutex_lock(&slots_lock);
    for (int k = 0; k < OUT_SLOTS; k++)
        if (slots[k].used && slots[k].f == f) {
            memcpy(path, slots[k].path, sizeof slots[k].path);
            memcpy(tmp, slots[k].tmp, sizeof slots[k].tmp);
            *force = slots[k].force;
            found = k;
            break;
        }
    pthread_mutex_unlock(&slots_lock);
    return found;
}

static void release(int k)
{
    pthread_mutex_lock(&slots_lock);
    slots[k].used = 0;
    slots[k].f = NULL;
    pthread_mutex_unlock(&slots_lock);
}

/* The test hook at commit time: 0, or the errno to fail with. */
static int hook_apply(FILE *f)
{
    pthread_mutex_lock(&slots_lock);
    long long left = hook_bytes_left;
    long pos = ftell(f);
    int fire = left >= 0 && pos >= 0 && (long long)pos > left;
    if (left >= 0 && pos >= 0)
        hook_bytes_left = fire ? 0 : left - pos;
    pthread_mutex_unlock(&slots_lock);
    if (!fire)
        return 0;
    /* what a full disk leaves: the first `left` bytes */
    if (ftruncate(fileno(f), (off_t)left) != 0)
        return EIO;
    if (hook_signal)
        raise(hook_signal);
    return ENOSPC;
}

int gr_out_close(FILE *f, gr_error *err)
{
    char path[OUT_PATH], tmp[OUT_PATH + 32];
    int force = 0;
    if (!f)
        return gr_error_set(err, GR_EINVAL, "gr_out_close: no file");
    int slot = take(f, path, tmp, &force);
    if (slot < 0) {
        fclose(f);
        return gr_error_set(err, GR_EINVAL, "gr_out_close: not a file of gr_out_open");
    }
    int e = 0;
    if (ferror(f))
        e = errno ? errno : EIO;
    if (!e && fflush(f) != 0)
        e = errno ? errno : EIO;
    if (!e)
        e = hook_apply(f);
    if (!e && fsync(fileno(f)) != 0 && errno != EINVAL && errno != EROFS)
        e = errno; /* (EINVAL: a special file that cannot be synced) */
    if (fclose(f) != 0 && !e)
        e = errno ? errno : EIO;
    if (!e) {
        if (force) {
            if (rename(tmp, path) != 0)
                e = errno;
        } else if (link(tmp, path) == 0) {
            unlink(tmp);
        } else if (errno == EEXIST) {
            unlink(tmp);
            release(slot);
            return gr_error_set(err, GR_EEXIST, "'%s' exists; not overwriting it (use --force)",
                                path);
        } else { /* no hard links here (some network or FAT file systems) */
            struct stat sb;
            if (lstat(path, &sb) == 0) {
                unlink(tmp);
                release(slot);
                return gr_error_set(err, GR_EEXIST,
                                    "'%s' exists; not overwriting it (use --force)", path);
            }
            if (rename(tmp, path) != 0)
                e = errno;
        }
    }
    if (e) {
        unlink(tmp);
        release(slot);
        return gr_error_set(err, GR_EIO, "%s: write failed: %s", path, strerror(e));
    }
    release(slot);
    fsync_dir(path);
    remove_stale(path);
    return GR_OK;
}

void gr_out_abort(FILE *f)
{
    char path[OUT_PATH], tmp[OUT_PATH + 32];
    int force;
    if (!f)
        return;
    int slot = take(f, path, tmp, &force);
    if (slot >= 0) {
        fclose(f);
        unlink(tmp);
        release(slot);
    } else {
        fclose(f);
    }
}

void gr_out_cleanup(void)
{
    /* async-signal-safe: unlink(2) on the names of the table, no lock */
    for (int k = 0; k < OUT_SLOTS; k++)
        if (slots[k].used)
            unlink(slots[k].tmp);
}

int gr_out_write_buf(const char *path, int force, const void *data, size_t len, gr_error *err)
{
    gr_error mine = {0, ""};
    if (!err)
        err = &mine;
    FILE *f = gr_out_open(path, force, err);
    if (!f)
        return err->status;
    if (len && fwrite(data, 1, len, f) != len) {
        int e = errno;
        gr_out_abort(f);
        return gr_error_set(err, GR_EIO, "%s: write failed: %s", path, strerror(e ? e : EIO));
    }
    return gr_out_close(f, err);
}
