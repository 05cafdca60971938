/* cmd_shed.h — input loading shared by `gridres shed` and `gridres schedule`: case, overlay, outage list, load classes. */
#ifndef GRIDRES_CLI_CMD_SHED_H
#define GRIDRES_CLI_CMD_SHED_H

#include "gridres.h"

typedef struct shed_input {
    gr_case *c;
    gr_grid *g;              /* with the outage applied */
    gr_overlay *ov;          /* NULL without --overlay */
    gr_load_classes *lc;     /* from the overlay, or the defaults */
    gr_outage *outage;       /* parsed list (possibly empty) */
    const char *name;        /* case name for the report */
    const char *source;      /* path, or "built-in" */
} shed_input;

/* Read CASE (NULL: the built-in example grid), the overlay (may be NULL) and
 * apply the outage list (may be NULL). Returns CLI_EXIT_OK, or an exit code
 * with a message printed ("gridres CMD: …"). */
int shed_input_load(const char *cmd, const char *case_path, const char *overlay_path,
                    const char *outage_spec, shed_input *in);
void shed_input_free(shed_input *in);

/* Branch limit in pu for rating 'A' or 'B' (rateB, falling back to rateA); 0 = none. */
double shed_cli_limit(const gr_grid *g, int k, char rating);
/* Branches whose |flow| exceeds the limit (relative tolerance 1e-6 plus 1e-7 pu). */
int shed_cli_overloads(const gr_grid *g, const double *flow, char rating);

#endif /* GRIDRES_CLI_CMD_SHED_H */
