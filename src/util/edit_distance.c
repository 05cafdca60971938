/* edit_distance.c — gr_edit_distance: how far apart two names are, for "did you mean"
 * suggestions (command options, scenario and costs.json class keys). */
#include <string.h>

#include "gridres.h"

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions,
 * Damerau 1964, Comm. ACM 7(3)), capped at 9; names longer than 64 count as 9. */
int gr_edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
    enum { MAXL = 64 };
    int d[MAXL + 1][MAXL + 1];
    if (na > MAXL || nb > MAXL)
        return 9;
    for (size_t i = 0; i <= na; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[na][nb] > 9 ? 9 : d[na][nb];
}
