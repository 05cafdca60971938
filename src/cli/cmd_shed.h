/* cmd_shed.h — input loading shared by `gridres shed` and `gridres schedule`: case, overlay, outage list, load classes. */
#ifndef GRIDRES_CLI_CMD_SHED_H
#define GRIDRES_CLI_CMD_SHED_H

#include "cli_common.h"
#include "gridres.h"

typedef struct shed_input {
    cli_inputs io;           /* case, grid (with the outage applied), overlay (NULL
                                without --overlay), case name and source */
    gr_load_classes *lc;     /* from the overlay, or the defaults */
    gr_outage *outage;       /* parsed list (possibly empty) */
} shed_input;

/* Read CASE (NULL: the built-in example grid), the overlay (may be NULL) and
 * apply the outage list (may be NULL). Returns CLI_EXIT_OK, or an exit code
 * with a message printed ("gridres CMD: …"). */
int shed_input_load(const char *cmd, const char *case_path, const char *overlay_path,
                    const char *outage_spec, shed_input *in);
void shed_input_free(shed_input *in);

/* --rating A|B (or a|b) into *out. Returns 0, or CLI_EXIT_USAGE with a message printed. */
int shed_cli_rating(const char *cmd, const char *s, char *out);
/* Branch limit in pu for rating 'A' or 'B' (rateB, falling back to rateA); 0 = none. */
double shed_cli_limit(const gr_grid *g, int k, char rating);
/* Branches whose |flow| exceeds the limit (relative tolerance 1e-6 plus 1e-7 pu). */
int shed_cli_overloads(const gr_grid *g, const double *flow, char rating);

#endif /* GRIDRES_CLI_CMD_SHED_H */
