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

#endif /* GRIDRES_IO_FILE_READ_H */
