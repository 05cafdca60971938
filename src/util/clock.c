/* clock.c — monotonic wall clock. */
#include <time.h>

#include "gridres.h"

double gr_time_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
