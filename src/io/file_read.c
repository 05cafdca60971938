/* file_read.c — a whole file into memory, for the text readers of io/. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/file_read.h"

/* What st_mode is, for "not a regular file (a directory)". */
static const char *file_kind(mode_t m)
{
    if (S_ISDIR(m))
        return "directory";
    if (S_ISCHR(m))
        return "character device";
    if (S_ISBLK(m))
        return "block device";
    if (S_ISFIFO(m))
        return "FIFO";
    if (S_ISSOCK(m))
        return "socket";
    return "special file";
}

int io_check_text(const char *text, size_t len, const char *name, gr_error *err)
{
    const char *nul = len ? memchr(text, 0, len) : NULL;
    if (!nul)
        return GR_OK;
    int line = 1;
    const char *bol = text;
    for (const char *q = text; q < nul; q++)
        if (*q == '\n') {
            line++;
            bol = q + 1;
        }
    return gr_error_set(err, GR_EPARSE, "%s:%d:%d: NUL byte in a text file", name ? name : "<memory>",
                        line, (int)(nul - bol) + 1);
}

void io_escape_controls(char *msg, size_t cap)
{
    char in[GR_ERROR_MAX];
    size_t n = strlen(msg);
    int any = 0;
    for (size_t k = 0; k < n && !any; k++)
        any = (unsigned char)msg[k] < 0x20 || msg[k] == 0x7f;
    if (!any || cap == 0)
        return;
    if (n >= sizeof in)
        n = sizeof in - 1;
    memcpy(in, msg, n);
    in[n] = 0;
    size_t o = 0;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)in[k];
        char e[5];
        if (c == '\n')
            memcpy(e, "\\n", 3);
        else if (c == '\t')
            memcpy(e, "\\t", 3);
        else if (c == '\r')
            memcpy(e, "\\r", 3);
        else if (c < 0x20 || c == 0x7f)
            snprintf(e, sizeof e, "\\x%02x", c);
        else
            e[0] = (char)c, e[1] = 0;
        size_t el = strlen(e);
        if (o + el + 1 > cap)
            break;
        memcpy(msg + o, e, el);
        o += el;
    }
    msg[o] = 0;
}

int io_read_file(const char *path, char **buf, size_t *len, gr_error *err)
{
    *buf = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO without a writer returns at once (and is then
       refused as not a regular file) instead of waiting */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return gr_error_set(err, GR_EIO, "%s: cannot open the file: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return gr_error_set(err, GR_EIO, "%s: cannot open the file: %s", path, strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return gr_error_set(err, GR_EIO, "%s: not a regular file (a %s)", path,
                            file_kind(sb.st_mode));
    }
    if (sb.st_size > (off_t)IO_MAX_INPUT) {
        close(fd);
        return gr_error_set(err, GR_EIO, "%s: file larger than 1 GiB (the largest input read)",
                            path);
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int e = errno;
        close(fd);
        return gr_error_set(err, GR_EIO, "%s: cannot open the file: %s", path, strerror(e));
    }
    char *b = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n > IO_MAX_INPUT) { /* the file grew while read */
            gr_free(b);
            fclose(f);
            return gr_error_set(err, GR_EIO,
                                "%s: file larger than 1 GiB (the largest input read)", path);
        }
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
    int st = io_check_text(b, n, path, err);
    if (st != GR_OK) {
        gr_free(b);
        return st;
    }
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
    int st = io_check_text(copy, len, name, err);
    if (st == GR_OK)
        st = parse(copy, len, name, out, err);
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
