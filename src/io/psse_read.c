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
    return io_case_parse_text("gr_case_parse_raw", text, len, name, PS_MAX_INPUT,
                              parse_terminated, out, err);
}

int gr_case_read_raw(const char *path, gr_case **out, gr_error *err)
{
    return io_case_read_file("gr_case_read_raw", path, PS_MAX_INPUT, parse_terminated, out, err);
}
