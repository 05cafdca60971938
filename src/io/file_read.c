/* file_read.c — a whole file into memory, for the text readers of io/. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "io/file_read.h"

int io_read_file(const char *path, char **buf, size_t *len, gr_error *err)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return gr_error_set(err, GR_EIO, "%s: cannot open the file: %s", path, strerror(errno));
    char *b = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 65536) {
            size_t ncap = cap ? 2 * cap : 262144;
            char *nb = gr_realloc(b, ncap);
            if (!nb) {
                gr_free(b);
                fclose(f);
                return gr_error_set(err, GR_ENOMEM, "%s: out of memory", path);
            }
            b = nb;
            cap = ncap;
        }
        size_t got = fread(b + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        gr_free(b);
        return gr_error_set(err, GR_EIO, "%s: read error", path);
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return GR_OK;
}
