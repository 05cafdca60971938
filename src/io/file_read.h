/* file_read.h — a whole file into memory, for the text readers of io/. */
#ifndef GRIDRES_IO_FILE_READ_H
#define GRIDRES_IO_FILE_READ_H

#include <stddef.h>

#include "gridres.h"

/* Read all of `path` into *buf (gr_malloc'd, NUL-terminated; the caller
 * frees it) with *len bytes before the NUL. On failure *buf is NULL and err
 * holds GR_EIO "PATH: cannot open the file: REASON" or "PATH: read error",
 * or GR_ENOMEM "PATH: out of memory". */
int io_read_file(const char *path, char **buf, size_t *len, gr_error *err);

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
