/* cli_table.h — short tables of the summaries: the most loaded branches and the lowest
 * voltages (pf, contingency). */
#ifndef GRIDRES_CLI_TABLE_H
#define GRIDRES_CLI_TABLE_H

#include <stdio.h>

#include "gridres.h"

#define CLI_STRESS_TOP 5 /* rows of each table */
#define CLI_STRESS_MAX 32

/* Print, after a blank line, the `top` in-service branches with the highest loading
 * |flow_pu[k]| / rateA (unrated ones skipped) and, when vm is not NULL, the `top`
 * energised buses (type not isolated; NaN skipped) with the lowest vm. `title`
 * prefixes both headings ("" or "base case: "). */
void cli_print_stress(FILE *f, const char *title, const gr_grid *g, const double *flow_pu,
                      const double *vm, int top);

#endif /* GRIDRES_CLI_TABLE_H */
