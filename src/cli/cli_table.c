/* cli_table.c — the short "most loaded branches, lowest voltages" tables of pf and
 * contingency (the summary's stress points, docs/cli.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli_table.h"

/* Indices of the `top` largest key[i] (finite; ties: lower index first) into out.
 * Returns how many. Selection by repeated scan: top is small (5). */
static int pick(const double *key, int n, int top, int largest, int *out)
{
    int m = 0;
    for (int t = 0; t < top; t++) {
        int best = -1;
        for (int i = 0; i < n; i++) {
            if (!isfinite(key[i]))
                continue;
            int used = 0;
            for (int j = 0; j < m && !used; j++)
                used = out[j] == i;
            if (used)
                continue;
            if (best < 0 || (largest ? key[i] > key[best] : key[i] < key[best]))
                best = i;
        }
        if (best < 0)
            break;
        out[m++] = best;
    }
    return m;
}

void cli_print_stress(FILE *f, const char *title, const gr_grid *g, const double *flow_pu,
                      const double *vm, int top)
{
    double *key = malloc(((size_t)(g->nl > g->nb ? g->nl : g->nb) + 1) * sizeof(double));
    int idx[CLI_STRESS_MAX];
    if (!key)
        return;
    if (top > CLI_STRESS_MAX)
        top = CLI_STRESS_MAX;
    for (int k = 0; k < g->nl; k++)
        key[k] = g->br_on[k] && g->rate_a[k] > 0 ? fabs(flow_pu[k]) / g->rate_a[k] : NAN;
    int m = pick(key, g->nl, top, 1, idx);
    fprintf(f, "\n%smost loaded branches (%% of rateA):\n", title);
    if (m == 0)
        fprintf(f, "  none rated (rateA = 0: unlimited)\n");
    else
        fprintf(f, "  %6s %8s %8s %10s %10s %9s\n", "branch", "from", "to", "flow_MVA", "rateA_MVA",
                "loading%");
    for (int i = 0; i < m; i++) {
        int k = idx[i];
        fprintf(f, "  %6d %8d %8d %10.2f %10.2f %9.1f\n", k + 1, g->bus_id[g->br_f[k]],
                g->bus_id[g->br_t[k]], fabs(flow_pu[k]) * g->base_mva, g->rate_a[k] * g->base_mva,
                key[k] * 100.0);
    }
    if (vm) {
        for (int b = 0; b < g->nb; b++)
            key[b] = g->bus_type[b] != GR_BUS_ISOLATED ? vm[b] : NAN;
        m = pick(key, g->nb, top, 0, idx);
        fprintf(f, "%slowest voltages:\n", title);
        fprintf(f, "  %6s %8s %8s\n", "bus", "vm_pu", "base_kV");
        for (int i = 0; i < m; i++)
            fprintf(f, "  %6d %8.4f %8.1f\n", g->bus_id[idx[i]], vm[idx[i]], g->base_kv[idx[i]]);
    }
    free(key);
}
