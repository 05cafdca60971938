/* report_csv.c — a small CSV reader for the report: header by name, quoted fields, messages "PATH:LINE: …". */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"

/* Read one line (without its \n or \r\n) into c->buf. 1: a line, 0: EOF. */
static int read_line(rp_csv *c, gr_error *err)
{
    size_t n = 0;
    int ch, any = 0;
    while ((ch = fgetc(c->f)) != EOF) {
        any = 1;
        if (ch == '\n')
            break;
        if (n + 2 > c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 256;
            if (cap > (size_t)64 << 20)
                return gr_error_set(err, GR_EPARSE, "%s:%ld: line longer than 64 MiB", c->path,
                                    c->line + 1);
            char *b = gr_realloc(c->buf, cap);
            if (!b)
                return gr_error_set(err, GR_ENOMEM, "out of memory reading %s", c->path);
            c->buf = b;
            c->cap = cap;
        }
        c->buf[n++] = (char)ch;
    }
    if (ferror(c->f))
        return gr_error_set(err, GR_EIO, "%s: read error: %s", c->path, strerror(errno));
    if (!any)
        return 0;
    if (!c->buf) {
        c->buf = gr_malloc(256);
        if (!c->buf)
            return gr_error_set(err, GR_ENOMEM, "out of memory reading %s", c->path);
        c->cap = 256;
    }
    if (n > 0 && c->buf[n - 1] == '\r')
        n--;
    c->buf[n] = '\0';
    c->line++;
    return 1;
}

static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t')
            return 0;
    return 1;
}

/* Split s in place into at most max fields (quotes removed); returns the
 * field count (which may exceed max: the extra ones are counted, not stored),
 * or -1 for an unterminated quote. */
static int split(char *s, char **field, int max)
{
    int n = 0;
    char *r = s, *w = s;
    for (;;) {
        char *start = w;
        while (*r == ' ' || *r == '\t')
            r++;
        if (*r == '"') {
            r++;
            for (;;) {
                if (!*r)
                    return -1;
                if (*r == '"') {
                    if (r[1] == '"') {
                        *w++ = '"';
                        r += 2;
                        continue;
                    }
                    r++;
                    break;
                }
                *w++ = *r++;
            }
            while (*r == ' ' || *r == '\t')
                r++;
            if (*r && *r != ',')
                return -1;
        } else {
            while (*r && *r != ',')
                *w++ = *r++;
            while (w > start && (w[-1] == ' ' || w[-1] == '\t'))
                w--;
        }
        int more = *r == ',';
        *w++ = '\0';
        if (n < max)
            field[n] = start;
        n++;
        if (!more)
            break;
        r++;
    }
    return n;
}

int rp_csv_open(rp_csv *c, const char *path, gr_error *err)
{
    int st;
    memset(c, 0, sizeof *c);
    c->path = path;
    c->f = fopen(path, "rb");
    if (!c->f)
        return gr_error_set(err, GR_EIO, "%s: cannot open: %s", path, strerror(errno));
    if ((st = read_line(c, err)) < 0)
        goto fail;
    if (st == 0) {
        st = gr_error_set(err, GR_EPARSE, "%s:1: empty file (expected a header line)", path);
        goto fail;
    }
    /* a UTF-8 byte order mark */
    char *h = c->buf;
    if ((unsigned char)h[0] == 0xEF && (unsigned char)h[1] == 0xBB && (unsigned char)h[2] == 0xBF)
        h += 3;
    size_t len = strlen(h);
    c->hbuf = gr_malloc(len + 1);
    if (!c->hbuf) {
        st = gr_error_set(err, GR_ENOMEM, "out of memory reading %s", path);
        goto fail;
    }
    memcpy(c->hbuf, h, len + 1);
    int n = split(c->hbuf, NULL, 0);
    if (n < 0) {
        st = gr_error_set(err, GR_EPARSE, "%s:1: unterminated quote in the header", path);
        goto fail;
    }
    c->head = gr_calloc((size_t)n, sizeof(char *));
    c->cell = gr_calloc((size_t)n, sizeof(char *));
    if (!c->head || !c->cell) {
        st = gr_error_set(err, GR_ENOMEM, "out of memory reading %s", path);
        goto fail;
    }
    /* split again into the array (the first split already unquoted in place,
       so re-split the original header) */
    memcpy(c->hbuf, h, len + 1);
    split(c->hbuf, c->head, n);
    c->ncol = n;
    for (int k = 0; k < n; k++) {
        if (!c->head[k][0]) {
            st = gr_error_set(err, GR_EPARSE, "%s:1: column %d has an empty name", path, k + 1);
            goto fail;
        }
        for (int j = 0; j < k; j++)
            if (strcmp(c->head[j], c->head[k]) == 0) {
                st = gr_error_set(err, GR_EPARSE, "%s:1: column '%s' appears twice", path,
                                  c->head[k]);
                goto fail;
            }
    }
    c->data_pos = ftell(c->f);
    return GR_OK;
fail:
    rp_csv_close(c);
    c->path = path;
    return st;
}

void rp_csv_close(rp_csv *c)
{
    if (c->f)
        fclose(c->f);
    gr_free(c->buf);
    gr_free(c->hbuf);
    gr_free(c->head);
    gr_free(c->cell);
    memset(c, 0, sizeof *c);
}

int rp_csv_col(const rp_csv *c, const char *name)
{
    for (int k = 0; k < c->ncol; k++)
        if (strcmp(c->head[k], name) == 0)
            return k;
    return -1;
}

int rp_csv_require(const rp_csv *c, const char *name, int *col, gr_error *err)
{
    *col = rp_csv_col(c, name);
    if (*col < 0)
        return gr_error_set(err, GR_EPARSE, "%s:1: no column '%s' in the header", c->path, name);
    return GR_OK;
}

int rp_csv_next(rp_csv *c, gr_error *err)
{
    int st;
    for (;;) {
        if ((st = read_line(c, err)) <= 0)
            return st;
        if (!blank(c->buf))
            break;
    }
    int n = split(c->buf, c->cell, c->ncol);
    if (n < 0)
        return gr_error_set(err, GR_EPARSE, "%s:%ld: unterminated quote", c->path, c->line);
    if (n != c->ncol)
        return gr_error_set(err, GR_EPARSE, "%s:%ld: expected %d fields (as the header), found %d",
                            c->path, c->line, c->ncol, n);
    return 1;
}

int rp_csv_rewind(rp_csv *c, gr_error *err)
{
    if (fseek(c->f, c->data_pos, SEEK_SET) != 0)
        return gr_error_set(err, GR_EIO, "%s: cannot seek: %s", c->path, strerror(errno));
    c->line = 1;
    return GR_OK;
}

int rp_csv_num(const rp_csv *c, int col, double *x, gr_error *err)
{
    const char *s = c->cell[col];
    char *end;
    if (!*s)
        return gr_error_set(err, GR_EPARSE, "%s:%ld: column '%s': expected a number, found an empty field",
                            c->path, c->line, c->head[col]);
    errno = 0;
    double v = strtod(s, &end);
    if (*end || (errno == ERANGE && isinf(v)))
        return gr_error_set(err, GR_EPARSE, "%s:%ld: column '%s': expected a number, found '%.40s'",
                            c->path, c->line, c->head[col], s);
    if (isinf(v))
        return gr_error_set(err, GR_EPARSE, "%s:%ld: column '%s': expected a finite number, found '%.40s'",
                            c->path, c->line, c->head[col], s);
    *x = v;
    return GR_OK;
}

int rp_csv_int(const rp_csv *c, int col, long lo, long hi, int *x, gr_error *err)
{
    const char *s = c->cell[col];
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno)
        return gr_error_set(err, GR_EPARSE, "%s:%ld: column '%s': expected an integer, found '%.40s'",
                            c->path, c->line, c->head[col], s);
    if (v < lo || v > hi)
        return gr_error_set(err, GR_EPARSE, "%s:%ld: column '%s': %ld is out of range [%ld, %ld]",
                            c->path, c->line, c->head[col], v, lo, hi);
    *x = (int)v;
    return GR_OK;
}
