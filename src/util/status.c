/* status.c — status codes, their names and texts, and the error buffer. */
#include <stdarg.h>
#include <stdio.h>

#include "gridres.h"

const char *gr_strerror(int status)
{
    switch (status) {
#define GR_STATUS_TEXT(name, code, text) \
    case code:                           \
        return text;
        GR_STATUS_MAP(GR_STATUS_TEXT)
#undef GR_STATUS_TEXT
    default:
        return "unknown status";
    }
}

const char *gr_err_name(int status)
{
    switch (status) {
#define GR_STATUS_NAME(name, code, text) \
    case code:                           \
        return "GR_" #name;
        GR_STATUS_MAP(GR_STATUS_NAME)
#undef GR_STATUS_NAME
    default:
        return "GR_UNKNOWN";
    }
}

int gr_error_set(gr_error *err, int status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->status = status;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return status;
}
