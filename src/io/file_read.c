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
    if (gr_inputs_note(path, b, n) != GR_OK) { /* (a sweep's identity: docs/cluster.md) */
        gr_free(b);
        return gr_error_set(err, GR_ENOMEM, "%s: out of memory", path);
    }
    *buf = b;
    *len = n;
    return GR_OK;
}

int io_case_parse_text(const char *fn, const char *text, size_t len, const char *name,
                       size_t max_len, io_case_parser parse, gr_case **out, gr_error *err)
{
    if (!out)
        return gr_error_set(err, GR_EINVAL, "%s: out is NULL", fn);
    *out = NULL;
    if (!text && len > 0)
        return gr_error_set(err, GR_EINVAL, "%s: text is NULL", fn);
    if (len > max_len)
        return gr_error_set(err, GR_EINVAL, "%s: input larger than 2 GiB", name ? name : "<memory>");
    char *copy = gr_malloc(len + 1);
    if (!copy)
        return gr_error_set(err, GR_ENOMEM, "%s: out of memory", name ? name : "<memory>");
    if (len)
        memcpy(copy, text, len);
    copy[len] = 0;
    int st = parse(copy, len, name, out, err);
    gr_free(copy);
    return st;
}

int io_case_read_file(const char *fn, const char *path, size_t max_len, io_case_parser parse,
                      gr_case **out, gr_error *err)
{
    if (!out)
        return gr_error_set(err, GR_EINVAL, "%s: out is NULL", fn);
    *out = NULL;
    if (!path)
        return gr_error_set(err, GR_EINVAL, "%s: path is NULL", fn);
    char *text = NULL;
    size_t len = 0;
    int st = io_read_file(path, &text, &len, err);
    if (st != GR_OK)
        return st;
    if (len > max_len) {
        gr_free(text);
        return gr_error_set(err, GR_EINVAL, "%s: file larger than 2 GiB", path);
    }
    gr_case *c = NULL;
    st = parse(text, len, path, &c, err);
    gr_free(text);
    if (st != GR_OK)
        return st;
    size_t plen = strlen(path) + 1;
    if (!(c->path = gr_malloc(plen))) {
        gr_case_free(c);
        return gr_error_set(err, GR_ENOMEM, "%s: out of memory", path);
    }
    memcpy(c->path, path, plen);
    *out = c;
    return GR_OK;
}
