/* bus_key.c — bus number → row lookup shared by the readers. */
#include "io/bus_key.h"

int bus_key_cmp(const void *a, const void *b)
{
    const bus_key *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

int bus_key_row(const bus_key *keys, int n, int id)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (keys[mid].id == id)
            return keys[mid].row;
        if (keys[mid].id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}
