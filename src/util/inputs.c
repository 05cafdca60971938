/* inputs.c — gr_inputs_*: the files this process read (path, size, FNV-1a 64 of the bytes as read), for a sweep's identity. */
#include <pthread.h>
#include <string.h>

#include "gridres.h"

typedef struct input_rec {
    char *path;
    long long bytes;
    uint64_t fnv;
} input_rec;

static input_rec *recs;
static int nrecs, caprecs;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int gr_inputs_note(const char *path, const void *data, size_t len)
{
    /* FNV-1a 64 (Fowler, Noll, Vo; IETF draft-eastlake-fnv) */
    uint64_t h = 0xcbf29ce484222325ULL;
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    if (!path)
        path = "";
    size_t pl = strlen(path) + 1;
    char *copy = gr_malloc(pl);
    if (!copy)
        return GR_ENOMEM;
    memcpy(copy, path, pl);
    pthread_mutex_lock(&lock);
    if (nrecs == caprecs) {
        int cap = caprecs ? 2 * caprecs : 16;
        input_rec *q = gr_realloc(recs, (size_t)cap * sizeof *q);
        if (!q) {
            pthread_mutex_unlock(&lock);
            gr_free(copy);
            return GR_ENOMEM;
        }
        recs = q;
        caprecs = cap;
    }
    recs[nrecs++] = (input_rec){copy, (long long)len, h};
    pthread_mutex_unlock(&lock);
    return GR_OK;
}

int gr_inputs_count(void)
{
    pthread_mutex_lock(&lock);
    int n = nrecs;
    pthread_mutex_unlock(&lock);
    return n;
}

int gr_inputs_get(int k, gr_input_file *out)
{
    int st = GR_EINVAL;
    pthread_mutex_lock(&lock);
    if (out && k >= 0 && k < nrecs) {
        out->path = recs[k].path;
        out->bytes = recs[k].bytes;
        out->fnv1a64 = recs[k].fnv;
        st = GR_OK;
    }
    pthread_mutex_unlock(&lock);
    return st;
}

void gr_inputs_reset(void)
{
    pthread_mutex_lock(&lock);
    for (int k = 0; k < nrecs; k++)
        gr_free(recs[k].path);
    gr_free(recs);
    recs = NULL;
    nrecs = caprecs = 0;
    pthread_mutex_unlock(&lock);
}
