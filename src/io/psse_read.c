/* psse_read.c — PSS/E RAW reader (versions 30 to 35): the entry points; the stages are psse_*.c (see psse_internal.h). */
#include <string.h>

#include "io/file_read.h"
#include "io/psse_internal.h"

/* Parse text[0..len) with text[len] == 0. */
static int parse_terminated(const char *text, size_t len, const char *name, gr_case **out,
                            gr_error *err)
{
    ps_parser P;
    memset(&P, 0, sizeof P);
    P.text = P.p = text;
    P.end = text + len;
    P.name = name ? name : "<memory>";
    P.err = err;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)   /* UTF-8 byte order mark */
        P.p = text + 3;
    int st = ps_parse_file(&P);
    if (st == GR_OK)
        st = ps_build_case(&P, out);
    ps_release(&P);
    return st;
}

int gr_case_parse_raw(const char *text, size_t len, const char *name, gr_case **out,
                      gr_error *err)
{
    if (!out)
        return gr_error_set(err, GR_EINVAL, "gr_case_parse_raw: out is NULL");
    *out = NULL;
    if (!text && len > 0)
        return gr_error_set(err, GR_EINVAL, "gr_case_parse_raw: text is NULL");
    if (len > PS_MAX_INPUT)
        return gr_error_set(err, GR_EINVAL, "%s: input larger than 2 GiB", name ? name : "<memory>");
    char *copy = gr_malloc(len + 1);
    if (!copy)
        return gr_error_set(err, GR_ENOMEM, "%s: out of memory", name ? name : "<memory>");
    if (len)
        memcpy(copy, text, len);
    copy[len] = 0;
    int st = parse_terminated(copy, len, name, out, err);
    gr_free(copy);
    return st;
}

int gr_case_read_raw(const char *path, gr_case **out, gr_error *err)
{
    if (!out)
        return gr_error_set(err, GR_EINVAL, "gr_case_read_raw: out is NULL");
    *out = NULL;
    if (!path)
        return gr_error_set(err, GR_EINVAL, "gr_case_read_raw: path is NULL");
    char *text = NULL;
    size_t len = 0;
    int st = io_read_file(path, &text, &len, err);
    if (st != GR_OK)
        return st;
    if (len > PS_MAX_INPUT) {
        gr_free(text);
        return gr_error_set(err, GR_EINVAL, "%s: file larger than 2 GiB", path);
    }
    gr_case *c = NULL;
    st = parse_terminated(text, len, path, &c, err);
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
