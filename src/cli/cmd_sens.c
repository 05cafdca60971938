/* cmd_sens.c — `gridres sens`: PTDF and LODF of a MATPOWER case's DC model, written as CSV in row blocks. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cli_util.h"
#include "gridres.h"

int cmd_sens(int argc, char **argv, gr_mpi *mpi);

#define CMD "sens"
/* Matrix entries computed per block of rows (memory bound: 8 bytes each). */
#define SENS_BLOCK_ENTRIES (16L * 1024 * 1024)

static void sens_help(FILE *f)
{
    fputs("usage: gridres sens CASE.m (--ptdf | --lodf | both) --out DIR [options]\n"
          "\n"
          "DC sensitivities of a MATPOWER case (MATPOWER's DC model, makeBdc), computed by\n"
          "sparse solves with the factorised B matrix, in blocks (never its inverse).\n"
          "\n"
          "  --ptdf              DIR/ptdf.csv: row per monitored branch, column per bus\n"
          "                      (named by bus number): MW change of the branch's from-end\n"
          "                      flow per MW injected at the bus and taken at the reference\n"
          "                      bus of its island (0 at references and for other islands)\n"
          "  --lodf              DIR/lodf.csv: row per monitored branch, column per branch\n"
          "                      (named by its 1-based row): flow change per MW of flow on\n"
          "                      the outaged branch before it trips; -1 on the diagonal;\n"
          "                      empty where the outage splits an island (a bridge) or the\n"
          "                      branch is out of service\n"
          "  --monitor FILE      monitored branches (default: all): 1-based rows of the\n"
          "                      case's branch table, as '12', 'branch:12', 'line:12' or\n"
          "                      'trafo:12' (docs/cli.md \"Element names\"), separated by\n"
          "                      commas, spaces or new lines; '#' or '%' starts a comment\n"
          "  --out DIR           output directory (created if missing)\n"
          CLI_HELP_FORCE
          CLI_HELP_HELP
          "\n"
          "Each row starts with branch,from,to (row and bus numbers). Values are %.10g.\n"
          CLI_HELP_DEFAULTS
          "examples:\n"
          "  gridres sens examples/example6.m --ptdf --lodf --out sens-out\n"
          "\n"
          "exit status: 0 success, 2 bad command line or input, 1 other failure.\n",
          f);
}

static void lib_error(int st, const gr_error *err)
{
    cli_errorf(CMD, "%s", err->msg[0] ? err->msg : gr_strerror(st));
}

/* Monitored branches from a file; returns 0 or CLI_EXIT_USAGE/FAIL (printed). */
static int read_monitor(const char *path, const gr_grid *g, int **out, int *nout)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        cli_errorf(CMD, "cannot open '%s': %s", path, strerror(errno));
        return CLI_EXIT_USAGE;
    }
    int cap = 64, n = 0, line = 0, rc = 0;
    int *v = malloc((size_t)cap * sizeof *v);
    char buf[8192];
    while (v && rc == 0 && fgets(buf, sizeof buf, f)) {
        line++;
        char *p = buf;
        for (char *q = buf; *q; q++)
            if (*q == '#' || *q == '%') {
                *q = 0;
                break;
            }
        while (*p && rc == 0) {
            while (*p && (isspace((unsigned char)*p) || *p == ','))
                p++;
            if (!*p)
                break;
            char *start = p, *end = p;
            while (*end && !isspace((unsigned char)*end) && *end != ',')
                end++;
            /* a bare row number, or any branch name of the one grammar (docs/cli.md
               "Element names": branch:N, line:N, trafo:N) */
            int k = -1;
            if (isdigit((unsigned char)*start)) {
                errno = 0;
                char *e;
                long r = strtol(start, &e, 10);
                if (e != end || errno)
                    r = -1;
                if (r < 1 || r > g->nl) {
                    cli_errorf(CMD, "error: %s:%d:%d: %s '%.*s' (the case has branches 1..%d)",
                               path, line, (int)(start - buf) + 1,
                               r < 0 ? "expected a branch row like '12' or 'branch:12', found"
                                     : "branch row out of range:",
                               (int)(end - start), start, g->nl);
                    rc = CLI_EXIT_USAGE;
                    break;
                }
                k = (int)r - 1;
            } else {
                gr_element_name en;
                gr_error e2 = {0, ""};
                if (gr_element_parse(start, (size_t)(end - start), g, NULL, &en, NULL, &e2) ||
                    en.kind != GR_ELEM_BRANCH) {
                    cli_errorf(CMD, "error: %s:%d:%d: %s", path, line, (int)(start - buf) + 1,
                               e2.msg[0] ? e2.msg : "a monitored element must be a branch");
                    rc = CLI_EXIT_USAGE;
                    break;
                }
                k = en.index;
            }
            if (n == cap) {
                int *w = realloc(v, (size_t)(cap *= 2) * sizeof *v);
                if (!w) {
                    free(v);
                    v = NULL;
                    break;
                }
                v = w;
            }
            v[n++] = k;
            p = end;
        }
    }
    fclose(f);
    if (!v) {
        cli_errorf(CMD, "out of memory");
        return CLI_EXIT_FAIL;
    }
    if (rc == 0 && n == 0) {
        cli_errorf(CMD, "error: %s: no branch to monitor", path);
        rc = CLI_EXIT_USAGE;
    }
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *nout = n;
    return 0;
}

static void csv_num(FILE *f, double x, char sep)
{
    if (isnan(x))
        fputc(sep, f);
    else
        cli_csv_num(f, x, sep);
}

/* One matrix (PTDF when lodf == 0) to DIR/name, in blocks of monitored rows. */
static int write_matrix(gr_sens *s, const gr_grid *g, int lodf, const int *mon, int nmon,
                        const char *dir, int force)
{
    char path[4096];
    const char *name = lodf ? "lodf.csv" : "ptdf.csv";
    int ncol = lodf ? g->nl : g->nb;
    int *all = NULL;
    if (cli_path_join(path, sizeof path, dir, name) != 0)
        return CLI_EXIT_USAGE;
    long rows_per = SENS_BLOCK_ENTRIES / (ncol > 0 ? ncol : 1);
    if (rows_per < 1)
        rows_per = 1;
    if (rows_per > nmon)
        rows_per = nmon;
    double *m = malloc(((size_t)rows_per * (size_t)ncol + 1) * sizeof *m);
    if (lodf) {
        all = malloc(((size_t)g->nl + 1) * sizeof *all);
        for (int k = 0; all && k < g->nl; k++)
            all[k] = k;
    }
    if (!m || (lodf && !all)) {
        free(m);
        free(all);
        cli_errorf(CMD, "out of memory");
        return CLI_EXIT_FAIL;
    }
    FILE *f = cli_open_out(CMD, path, force);
    if (!f) {
        free(m);
        free(all);
        return CLI_EXIT_FAIL;
    }
    fputs("branch,from,to", f);
    for (int j = 0; j < ncol; j++)
        fprintf(f, ",%d", lodf ? j + 1 : g->bus_id[j]);
    fputc('\n', f);
    int rc = 0;
    for (int i0 = 0; i0 < nmon && rc == 0; i0 += (int)rows_per) {
        int nr = nmon - i0 < rows_per ? nmon - i0 : (int)rows_per;
        int st = lodf ? gr_sens_lodf(s, nr, mon + i0, g->nl, all, m)
                      : gr_sens_ptdf(s, nr, mon + i0, m);
        if (st) {
            cli_errorf(CMD, "%s failed: %s", lodf ? "LODF" : "PTDF", gr_strerror(st));
            rc = CLI_EXIT_FAIL;
            break;
        }
        for (int i = 0; i < nr; i++) {
            int k = mon[i0 + i];
            fprintf(f, "%d,%d,%d,", k + 1, g->bus_id[g->br_f[k]], g->bus_id[g->br_t[k]]);
            const double *row = m + (size_t)i * ncol;
            for (int j = 0; j < ncol; j++) /* per pu = per MW; -0 as 0, NaN empty */
                csv_num(f, row[j] == 0.0 ? 0.0 : row[j], j + 1 < ncol ? ',' : '\n');
        }
    }
    free(m);
    free(all);
    if (cli_close_out(CMD, f, path) != 0 && rc == 0)
        rc = CLI_EXIT_FAIL;
    return rc;
}

int cmd_sens(int argc, char **argv, gr_mpi *mpi)
{
    (void)mpi;
    int ptdf = 0, lodf = 0, force = 0;
    const char *monitor = NULL, *out_dir = NULL;
    const char *pos[1];
    int npos = 0;
    const cli_opt opts[] = {
        {"ptdf", CLI_FLAG, &ptdf, 1, 0, 0, NULL},
        {"lodf", CLI_FLAG, &lodf, 1, 0, 0, NULL},
        {"monitor", CLI_STRING, &monitor, 0, 0, 0, NULL},
        CLI_OPT_OUT(out_dir),
        CLI_OPT_FORCE(force),
    };
    int rc;
    if (!cli_parse_args(CMD, argc, argv, opts, CLI_NOPTS(opts), pos, 1, &npos, sens_help, &rc))
        return rc;
    if (npos != 1) {
        cli_errorf(CMD, "expected one case file (see gridres sens --help)");
        return CLI_EXIT_USAGE;
    }
    if (!ptdf && !lodf) {
        cli_errorf(CMD, "say what to compute: --ptdf, --lodf or both");
        return CLI_EXIT_USAGE;
    }
    if (!out_dir) {
        cli_errorf(CMD, "--out DIR is required (the matrices are written as CSV)");
        return CLI_EXIT_USAGE;
    }
    static const char *const names[] = {"ptdf.csv", "lodf.csv"};
    if ((rc = cli_check_outputs(CMD, out_dir, names + !ptdf, ptdf + lodf, force)) != CLI_EXIT_OK)
        return rc;
    cli_inputs in;
    gr_sens *s = NULL;
    gr_error err = {0};
    int *mon = NULL, nmon = 0, st;
    const cli_inputs_spec spec = {pos[0], NULL, -1, 0, 0, "", ""};
    if ((rc = cli_load_inputs(CMD, &spec, &in)) != CLI_EXIT_OK)
        goto done;
    const gr_grid *g = in.g;
    if (monitor) {
        if ((rc = read_monitor(monitor, g, &mon, &nmon)))
            goto done;
    } else {
        nmon = g->nl;
        mon = malloc(((size_t)nmon + 1) * sizeof *mon);
        if (!mon) {
            cli_errorf(CMD, "out of memory");
            rc = CLI_EXIT_FAIL;
            goto done;
        }
        for (int k = 0; k < nmon; k++)
            mon[k] = k;
    }
    if ((st = gr_sens_create(g, &s, &err))) {
        lib_error(st, &err);
        rc = st == GR_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
        goto done;
    }
    if (cli_mkdir_p(CMD, out_dir) != 0) {
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    rc = CLI_EXIT_OK;
    if (ptdf)
        rc = write_matrix(s, g, 0, mon, nmon, out_dir, force);
    if (rc == CLI_EXIT_OK && lodf)
        rc = write_matrix(s, g, 1, mon, nmon, out_dir, force);
done:
    free(mon);
    gr_sens_free(s);
    cli_inputs_free(&in);
    return rc;
}
