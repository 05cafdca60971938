/* bus_key.h — bus number → row lookup shared by the readers: (number, row) pairs sorted by number, searched by bisection. */
#ifndef GRIDRES_IO_BUS_KEY_H
#define GRIDRES_IO_BUS_KEY_H

typedef struct bus_key {
    int id, row;
} bus_key;

/* qsort order: by bus number, then row (so duplicates sit together, first row first). */
int bus_key_cmp(const void *a, const void *b);
/* Row of bus `id` among n sorted keys, or -1. */
int bus_key_row(const bus_key *keys, int n, int id);

#endif /* GRIDRES_IO_BUS_KEY_H */
