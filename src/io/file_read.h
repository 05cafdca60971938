/* file_read.h — a whole file into memory, for the text readers of io/. */
#ifndef GRIDRES_IO_FILE_READ_H
#define GRIDRES_IO_FILE_READ_H

#include <stddef.h>

#include "gridres.h"

/* The largest input file a reader takes: 1 GiB (docs/input_validation.md). The largest
 * shared case (ACTIVSg70k, MATPOWER format) is about 30 MB. */
#define IO_MAX_INPUT ((size_t)1 << 30)

/* Read all of `path` into *buf (gr_malloc'd, NUL-terminated; the caller
 * frees it) with *len bytes before the NUL. Only a regular file of at most
 * IO_MAX_INPUT bytes without NUL bytes is read (no device, FIFO or directory:
 * "/dev/zero" fails at once). On failure *buf is NULL and err holds GR_EIO
 * "PATH: cannot open the file: REASON", "PATH: not a regular file (a WHAT)",
 * "PATH: file larger than 1 GiB ..." or "PATH: read error", GR_EPARSE
 * "PATH:LINE:COL: NUL byte ..." (io_check_text), or GR_ENOMEM "PATH: out of memory". */
int io_read_file(const char *path, char **buf, size_t *len, gr_error *err);

/* Text readers' input holds no NUL byte (a NUL would end the text early for the
 * C string functions and silently drop the rest of a line): GR_EPARSE
 * "NAME:LINE:COL: NUL byte in a text file" at the first one, else GR_OK. */
int io_check_text(const char *text, size_t len, const char *name, gr_error *err);

/* Escape the control characters of msg in place, so that a message that echoes
 * input stays one line: newline, tab and CR as \n \t \r, the others (and DEL)
 * as \xNN; truncated to cap bytes (with its NUL). */
void io_escape_controls(char *msg, size_t cap);

/* A case reader's parser of NUL-terminated text (text[len] == 0); `name` in messages. */
typedef int (*io_case_parser)(const char *text, size_t len, const char *name, gr_case **out,
                              gr_error *err);
/* The public gr_case_parse* entry: check the arguments (`fn` names the function in
 * messages), refuse more than max_len bytes, parse a NUL-terminated copy of text. */
int io_case_parse_text(const char *fn, const char *text, size_t len, const char *name,
                       size_t max_len, io_case_parser parse, gr_case **out, gr_error *err);
/* The public gr_case_read* entry: read path whole, refuse more than max_len bytes,
 * parse it and record the path in the case. */
int io_case_read_file(const char *fn, const char *path, size_t max_len, io_case_parser parse,
                      gr_case **out, gr_error *err);

#endif /* GRIDRES_IO_FILE_READ_H */
