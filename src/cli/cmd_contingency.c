/* cmd_contingency.c — `gridres contingency`: DC or AC N-1 / N-2 / listed contingencies, ranked summary, CSV and JSON output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cli_sweep.h"
#include "cli_table.h"
#include "cli_util.h"
#include "gridres.h"

int cmd_contingency(int argc, char **argv, gr_mpi *mpi);

#define CMD "contingency"
static const char *const out_names[3] = {"contingencies.csv", "violations.csv", "flows.csv"};

static void ctg_help(FILE *f)
{
    gr_pf_options d;
    gr_pf_options_default(&d);
    fprintf(f,
            "usage: gridres contingency CASE.m [options]\n"
            "\n"
            "Take elements of a MATPOWER case out of service, one contingency at a time,\n"
            "solve the power flow after each and rank them by severity: non-convergence\n"
            "first, then load left in dark islands, then the highest branch loading.\n"
            "Outages that split the grid are solved island by island (each island with\n"
            "generation gets a reference bus; islands without are dark).\n"
            "\n"
            "model:\n"
            "  --ac                AC power flow (default): Newton warm-started from the base\n"
            "                      case on its Jacobian pattern and LU analysis\n"
            "  --dc                DC power flow by line outage distribution factors\n"
            CLI_HELP_QLIM
            "                      (slower: full solves)\n"
            CLI_HELP_TOL
            CLI_HELP_MAX_ITER
            "contingencies (one of; default --n-1):\n"
            "  --n-1               every in-service element alone\n"
            "  --n-2               every pair of in-service elements\n"
            "  --list FILE         one contingency per line, elements separated by commas:\n"
            "                      branch:12  line:12,trafo:40  gen:3  bus:45 (element names:\n"
            "                      rows of the case file; a bus = all its branches and\n"
            "                      generators); or a MATPOWER change table (contab .m file:\n"
            "                      branch/generator outages are read, other changes skipped\n"
            "                      and reported)\n"
            "  --elements LIST     with --n-1/--n-2: branch, gen or branch,gen (default branch)\n"
            "output:\n"
            CLI_HELP_THREADS
            "  --top N             contingencies in the ranked summary (default 10)\n"
            "  --out DIR           write DIR/contingencies.csv (one row per contingency),\n"
            "                      DIR/violations.csv (contingency,element,kind,value,limit)\n"
            "  --flows             with --out: also DIR/flows.csv, every branch's flow after\n"
            "                      every contingency (MW, MVAr)\n"
            CLI_HELP_JSON
            CLI_HELP_FORCE
            CLI_HELP_HELP,
            d.tol, d.max_iter);
    cli_sweep_help(f, "contingencies");
    fprintf(f,
            "\n"
            "Loading is max(|Sf|, |St|) (DC: |Pf|) in %% of rateA; rateA = 0 means unlimited.\n"
            CLI_HELP_DEFAULTS
            "examples:\n"
            "  gridres contingency examples/example6.m\n"
            "  gridres contingency examples/example6.m --list examples/example6.contingencies.txt --dc\n"
            "  gridres contingency examples/example6.m --n-2 --elements branch,gen --top 5 --out ctg-out\n"
            "\n"
            "exit status: 0 done (non-converged contingencies are results, listed first),\n"
            "2 bad command line or input, 3 the base case does not converge, 1 other failure.\n");
}

static void lib_error(const char *what, int st, const gr_error *err)
{
    cli_errorf(CMD, "%s%s", what, err->msg[0] ? err->msg : gr_strerror(st));
}

static const char *method_name(int m)
{
    switch (m) {
    case GR_CTG_NOOP: return "none";
    case GR_CTG_LODF: return "lodf";
    case GR_CTG_FAST: return "fast";
    case GR_CTG_ISLANDS: return "islands";
    case GR_CTG_FULL: return "full";
    default: return "?";
    }
}

static const char *viol_name(int k)
{
    switch (k) {
    case GR_VIOL_FLOW: return "flow";
    case GR_VIOL_VMIN: return "vmin";
    case GR_VIOL_VMAX: return "vmax";
    case GR_VIOL_NOCONV: return "not_converged";
    default: return "?";
    }
}

/* "branch:12;gen:3" (1-based rows) into buf. */
static void elements_str(const gr_ctg_list *l, int c, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = 0;
    for (int e = l->ptr[c]; e < l->ptr[c + 1] && n < len; e++) {
        int w = snprintf(buf + n, len - n, "%s%s:%d", e > l->ptr[c] ? ";" : "",
                         l->kind[e] == GR_ELEM_BRANCH ? "branch" : "gen", l->index[e] + 1);
        if (w < 0)
            break;
        n += (size_t)w;
    }
    if (n >= len && len > 4)
        memcpy(buf + len - 4, "...", 4);
}

/* CSV number with an empty field for NaN. */
static void csv_num(FILE *f, double x, char sep)
{
    if (isnan(x))
        fputc(sep, f);
    else
        cli_csv_num(f, x, sep);
}

/* A number for the table, "-" when NaN (no rated branch, not converged). */
static void fmt_num(char *buf, size_t len, const char *fmt, double x)
{
    if (isnan(x))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, fmt, x);
}

/* Severity order (see the help): a before b? */
static const gr_ctg_result *sort_r;
static int cmp_severity(const void *pa, const void *pb)
{
    int a = *(const int *)pa, b = *(const int *)pb;
    const gr_ctg_result *r = sort_r;
    if (r->converged[a] != r->converged[b])
        return r->converged[a] - r->converged[b];
    if (r->dark_load_p[a] != r->dark_load_p[b])
        return r->dark_load_p[a] > r->dark_load_p[b] ? -1 : 1;
    double la = isnan(r->max_loading[a]) ? -1.0 : r->max_loading[a];
    double lb = isnan(r->max_loading[b]) ? -1.0 : r->max_loading[b];
    if (la != lb)
        return la > lb ? -1 : 1;
    if (r->n_overloaded[a] != r->n_overloaded[b])
        return r->n_overloaded[b] - r->n_overloaded[a];
    return a - b;
}

typedef struct totals {
    int converged, not_converged, islanding, with_overload, with_voltage;
    double dark_p;
} totals;

static int write_outputs(const char *dir, int force, const gr_grid *g, const gr_ctg_list *l,
                         const gr_ctg_result *r, int flows)
{
    char path[4096], el[512];
    double base = g->base_mva;
    FILE *f;
    if (!(f = cli_open_out_in(CMD, dir, out_names[0], force, path, sizeof path)))
        return -1;
    fputs("id,elements,converged,islands,dark_load_mw,max_loading_pct,max_loading_branch,"
          "n_overloaded,min_vm_pu,max_vm_pu,iterations,method\n",
          f);
    for (int c = 0; c < l->n; c++) {
        elements_str(l, c, el, sizeof el);
        cli_csv_int(f, l->label[c], ',');
        fprintf(f, "%s,", el);
        cli_csv_int(f, r->converged[c], ',');
        cli_csv_int(f, r->islands[c], ',');
        cli_csv_num(f, r->dark_load_p[c] * base, ',');
        csv_num(f, r->max_loading[c] * 100.0, ',');
        if (r->max_loading_branch[c] >= 0)
            cli_csv_int(f, r->max_loading_branch[c] + 1, ',');
        else
            fputc(',', f);
        cli_csv_int(f, r->n_overloaded[c], ',');
        csv_num(f, r->vm_min[c], ',');
        csv_num(f, r->vm_max[c], ',');
        cli_csv_int(f, r->iterations[c], ',');
        fprintf(f, "%s\n", method_name(r->method[c]));
    }
    if (cli_close_out(CMD, f, path) != 0)
        return -1;

    if (!(f = cli_open_out_in(CMD, dir, out_names[1], force, path, sizeof path)))
        return -1;
    fputs("contingency,element,kind,value,limit,new_or_worse\n", f);
    for (int v = 0; v < r->nviol; v++) {
        const gr_ctg_violation *x = &r->viol[v];
        cli_csv_int(f, l->label[x->ctg], ',');
        if (x->kind == GR_VIOL_FLOW)
            fprintf(f, "branch:%d,", x->element + 1);
        else if (x->kind == GR_VIOL_VMIN || x->kind == GR_VIOL_VMAX)
            fprintf(f, "bus:%d,", g->bus_id[x->element]);
        else
            fputc(',', f);
        fprintf(f, "%s,", viol_name(x->kind));
        int flow = x->kind == GR_VIOL_FLOW;
        cli_csv_num(f, flow ? x->value * base : x->value, ',');
        if (x->kind == GR_VIOL_NOCONV)
            fputc(',', f);
        else
            cli_csv_num(f, flow ? x->limit * base : x->limit, ',');
        cli_csv_int(f, x->new_or_worse, '\n');
    }
    if (cli_close_out(CMD, f, path) != 0)
        return -1;

    if (!flows)
        return 0;
    if (!(f = cli_open_out_in(CMD, dir, out_names[2], force, path, sizeof path)))
        return -1;
    fputs("contingency,branch,pf_mw,qf_mvar,pt_mw,qt_mvar\n", f);
    for (int c = 0; c < l->n; c++)
        for (int k = 0; k < g->nl; k++) {
            size_t o = (size_t)c * (size_t)g->nl + (size_t)k;
            cli_csv_int(f, l->label[c], ',');
            cli_csv_int(f, k + 1, ',');
            cli_csv_num(f, r->pf[o] * base, ',');
            cli_csv_num(f, r->qf[o] * base, ',');
            cli_csv_num(f, r->pt[o] * base, ',');
            cli_csv_num(f, r->qt[o] * base, '\n');
        }
    return cli_close_out(CMD, f, path);
}

/* Parse --elements: "branch", "gen", "branch,gen". */
static int parse_elements(const char *s)
{
    int m = 0;
    const char *p = s;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if ((n == 6 && strncmp(p, "branch", 6) == 0) || (n == 8 && strncmp(p, "branches", 8) == 0))
            m |= GR_CTG_BRANCHES;
        else if ((n == 3 && strncmp(p, "gen", 3) == 0) || (n == 4 && strncmp(p, "gens", 4) == 0))
            m |= GR_CTG_GENS;
        else
            return -1;
        p += n + (e != NULL);
        if (e && !*p)
            return -1;
    }
    return m ? m : -1;
}

static json_t *row_json(const gr_grid *g, const gr_ctg_list *l, const gr_ctg_result *r, int c,
                        int rank)
{
    char el[512];
    elements_str(l, c, el, sizeof el);
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    bad |= json_object_set_new(o, "rank", json_integer(rank));
    bad |= json_object_set_new(o, "id", json_integer(l->label[c]));
    bad |= json_object_set_new(o, "elements", json_string(el));
    bad |= json_object_set_new(o, "converged", json_boolean(r->converged[c] == 1));
    bad |= json_object_set_new(o, "islands", json_integer(r->islands[c]));
    bad |= json_object_set_new(o, "dark_load_mw", cli_json_num(r->dark_load_p[c] * g->base_mva));
    bad |= json_object_set_new(o, "max_loading_pct", cli_json_num(r->max_loading[c] * 100.0));
    bad |= json_object_set_new(o, "max_loading_branch",
                               r->max_loading_branch[c] >= 0
                                   ? json_integer(r->max_loading_branch[c] + 1)
                                   : json_null());
    bad |= json_object_set_new(o, "n_overloaded", json_integer(r->n_overloaded[c]));
    bad |= json_object_set_new(o, "n_new_or_worse", json_integer(r->n_new_viol[c]));
    bad |= json_object_set_new(o, "min_vm_pu", cli_json_num(r->vm_min[c]));
    bad |= json_object_set_new(o, "max_vm_pu", cli_json_num(r->vm_max[c]));
    bad |= json_object_set_new(o, "method", json_string(method_name(r->method[c])));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int cmd_contingency(int argc, char **argv, gr_mpi *mpi)
{
    int ac = 0, dc = 0, qlim = 0, n1 = 0, n2 = 0, threads = 0, top = 10, json = 0, force = 0;
    int flows = 0, tol_seen = 0, iter_seen = 0, elements_seen = 0;
    const char *list_path = NULL, *elements = NULL, *out_dir = NULL;
    const char *pos[1];
    int npos = 0, rc, st;
    gr_ctg_options opt;
    gr_ctg_options_default(&opt);
    cli_sweep cs;
    memset(&cs, 0, sizeof cs);
    const cli_opt opts[] = {
        CLI_SWEEP_OPTS(cs),
        CLI_OPT_AC(ac),
        CLI_OPT_DC(dc),
        CLI_OPT_QLIM(qlim),
        CLI_OPT_TOL(opt.pf.tol, &tol_seen),
        CLI_OPT_MAX_ITER(opt.pf.max_iter, &iter_seen),
        {"n-1", CLI_FLAG, &n1, 1, 0, 0, NULL},
        {"n-2", CLI_FLAG, &n2, 1, 0, 0, NULL},
        {"list", CLI_STRING, &list_path, 0, 0, 0, NULL},
        {"elements", CLI_STRING, &elements, 0, 0, 0, &elements_seen},
        CLI_OPT_THREADS(threads),
        {"top", CLI_INT, &top, 0, 0, 1000000, NULL},
        CLI_OPT_OUT(out_dir),
        {"flows", CLI_FLAG, &flows, 1, 0, 0, NULL},
        CLI_OPT_JSON(json),
        CLI_OPT_FORCE(force),
    };
    if ((rc = cli_sweep_args(CMD, &cs, mpi, opts, CLI_NOPTS(opts), &argc, &argv)) != CLI_EXIT_OK)
        return rc;
    if (!cli_parse_args(CMD, argc, argv, opts, CLI_NOPTS(opts), pos, 1, &npos, ctg_help, &rc))
        return rc;
    if (npos != 1) {
        cli_errorf(CMD, "expected one case file (see gridres contingency --help)");
        return CLI_EXIT_USAGE;
    }
    if (ac && dc) {
        cli_errorf(CMD, "--ac and --dc exclude each other");
        return CLI_EXIT_USAGE;
    }
    if (n1 + n2 + (list_path != NULL) > 1) {
        cli_errorf(CMD, "--n-1, --n-2 and --list exclude each other");
        return CLI_EXIT_USAGE;
    }
    if (dc && (qlim || tol_seen || iter_seen)) {
        cli_errorf(CMD, "--qlim, --tol and --max-iter apply to the AC model only, not with --dc");
        return CLI_EXIT_USAGE;
    }
    if (list_path && elements_seen) {
        cli_errorf(CMD, "--elements applies to --n-1 and --n-2; a --list file names its elements");
        return CLI_EXIT_USAGE;
    }
    if ((rc = cli_sweep_setup(CMD, &cs, mpi, argc, argv, &out_dir, &opt.sweep)) != CLI_EXIT_OK)
        return rc;
    if (flows && !out_dir) {
        cli_errorf(CMD, "--flows writes DIR/flows.csv: give --out DIR");
        return CLI_EXIT_USAGE;
    }
    int el_mask = GR_CTG_BRANCHES;
    if (elements && (el_mask = parse_elements(elements)) < 0) {
        cli_errorf(CMD, "--elements expects branch, gen or branch,gen, got '%s'", elements);
        return CLI_EXIT_USAGE;
    }
    opt.ac = !dc;
    opt.pf.enforce_q_lims = qlim;
    opt.threads = threads;
    opt.keep_flows = flows;
    /* Refuse before solving if an output file exists. */
    if (out_dir &&
        (rc = cli_check_outputs(CMD, out_dir, out_names, 2 + flows, force)) != CLI_EXIT_OK)
        return rc;

    cli_inputs in;
    gr_ctg_list *l = NULL;
    gr_ctg_result *r = NULL;
    gr_error err = {0};
    int *order = NULL;
    const char *path = pos[0];
    const cli_inputs_spec spec = {path, NULL, 1, 0, 0, "", "error: "};
    if ((rc = cli_load_inputs(CMD, &spec, &in)) != CLI_EXIT_OK)
        goto done;
    const gr_grid *g = in.g;
    const gr_islands *isl = in.isl;
    const char *kind;
    if (list_path) {
        st = gr_ctg_list_read(list_path, g, &l, &err);
        kind = "listed";
    } else if (n2) {
        st = gr_ctg_list_n2(g, el_mask, &l);
        if (st == GR_EINVAL)
            gr_error_set(&err, st, "too many pairs for --n-2 (more than 2^28)");
        kind = "N-2";
    } else {
        st = gr_ctg_list_n1(g, el_mask, &l);
        kind = "N-1";
    }
    if (st) {
        lib_error("", st, &err);
        rc = st == GR_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
        goto done;
    }
    if (l->n_ignored > 0)
        cli_errorf(CMD, "warning: %d change%s of the table not supported and skipped; first: %s",
                   l->n_ignored, l->n_ignored == 1 ? "" : "s", l->ignored_msg);

    if ((rc = cli_sweep_begin(CMD, &cs, out_dir, l->n, force)) != CLI_EXIT_OK)
        goto done;
    st = gr_ctg_run(g, l, &opt, &r, &err);
    if (st) {
        if (cli_sweep_root(&cs))
            lib_error("", st, &err);
        rc = st == GR_ENOMEM ? CLI_EXIT_FAIL
             : st == GR_EINFEASIBLE || st == GR_ESINGULAR ? CLI_EXIT_NOCONV
             : st == GR_EINVAL || st == GR_EPARSE         ? CLI_EXIT_USAGE /* refused resume */
                                                          : CLI_EXIT_FAIL;
        goto done;
    }
    if (!cli_sweep_root(&cs)) { /* MPI: rank 0 prints and writes the outputs */
        rc = CLI_EXIT_OK;
        goto done;
    }
    cli_sweep_report(CMD, &cs, "blocks of contingencies");

    /* Ranked summary. */
    order = malloc(((size_t)l->n + 1) * sizeof *order);
    if (!order) {
        cli_errorf(CMD, "out of memory");
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    totals t;
    memset(&t, 0, sizeof t);
    {
        unsigned char *volt = calloc((size_t)l->n + 1, 1);
        for (int v = 0; volt && v < r->nviol; v++)
            if (r->viol[v].kind == GR_VIOL_VMIN || r->viol[v].kind == GR_VIOL_VMAX)
                volt[r->viol[v].ctg] = 1;
        for (int k = 0; k < l->n; k++) {
            order[k] = k;
            t.converged += r->converged[k] == 1;
            t.not_converged += r->converged[k] != 1;
            t.islanding += r->islands[k] > isl->n;
            t.with_overload += r->n_overloaded[k] > 0;
            t.with_voltage += volt ? volt[k] : 0;
            t.dark_p += r->dark_load_p[k];
        }
        free(volt);
    }
    sort_r = r;
    qsort(order, (size_t)l->n, sizeof *order, cmp_severity);
    int shown = top < l->n ? top : l->n;
    const char *name = in.name;
    double per_ms = l->n ? r->solve_s * 1e3 / l->n : 0.0;
    if (json) {
        json_t *o = json_object(), *worst = json_array();
        int bad = !o || !worst;
        if (!bad) {
            bad |= json_object_set_new(o, "case", json_string(name));
            bad |= json_object_set_new(o, "source", json_string(path));
            bad |= json_object_set_new(o, "model", json_string(dc ? "dc" : "ac"));
            bad |= json_object_set_new(o, "kind", json_string(kind));
            bad |= json_object_set_new(o, "contingencies", json_integer(l->n));
            bad |= json_object_set_new(o, "threads", json_integer(r->threads));
            bad |= json_object_set_new(o, "total_s", cli_json_num(r->solve_s));
            bad |= json_object_set_new(o, "per_contingency_ms", cli_json_num(per_ms));
            bad |= json_object_set_new(o, "converged", json_integer(t.converged));
            bad |= json_object_set_new(o, "not_converged", json_integer(t.not_converged));
            bad |= json_object_set_new(o, "islanding", json_integer(t.islanding));
            bad |= json_object_set_new(o, "with_overloads", json_integer(t.with_overload));
            bad |= json_object_set_new(o, "with_voltage_violations", json_integer(t.with_voltage));
            bad |= json_object_set_new(o, "violations", json_integer(r->nviol));
            bad |= json_object_set_new(o, "base_max_loading_pct",
                                       cli_json_num(r->base_max_loading * 100.0));
            bad |= json_object_set_new(o, "base_violations", json_integer(r->base_nviol));
            bad |= json_object_set_new(o, "with_new_or_worse_violations",
                                       json_integer(r->n_ctg_new));
            bad |= json_object_set_new(o, "skipped_changes", json_integer(l->n_ignored));
            for (int k = 0; k < shown && !bad; k++) {
                json_t *row = row_json(g, l, r, order[k], k + 1);
                bad |= !row || json_array_append_new(worst, row);
            }
            bad |= json_object_set_new(o, "worst", worst);
            worst = NULL;
        }
        if (bad || cli_json_print(stdout, o) != 0) {
            cli_errorf(CMD, "cannot print JSON");
            json_decref(o);
            json_decref(worst);
            rc = CLI_EXIT_FAIL;
            goto done;
        }
        json_decref(o);
    } else {
        printf("case          %s (%s), %d buses, %d generators, %d branches\n", name, path, g->nb,
               g->ng, g->nl);
        if (dc)
            printf("model         DC power flow, line outage distribution factors\n");
        else
            printf("model         AC Newton-Raphson, tol %g pu, max %d iterations, Q limits %s\n",
                   opt.pf.tol, opt.pf.max_iter, qlim ? "enforced" : "off");
        printf("contingencies %d (%s), %d thread%s, %.3f s (%.3f ms each)\n", l->n, kind,
               r->threads, r->threads == 1 ? "" : "s", r->solve_s, per_ms);
        if (l->n_ignored)
            printf("skipped       %d unsupported change%s of the table\n", l->n_ignored,
                   l->n_ignored == 1 ? "" : "s");
        if (isnan(r->base_max_loading))
            printf("base case     no rated branch (rateA = 0: unlimited)\n");
        else
            printf("base case     max loading %.1f %%, %d violation%s of its own\n",
                   r->base_max_loading * 100.0, r->base_nviol, r->base_nviol == 1 ? "" : "s");
        printf("results       %d converged, %d NOT converged, %d split the grid, %d with "
               "overloads, %d with voltage violations\n",
               t.converged, t.not_converged, t.islanding, t.with_overload, t.with_voltage);
        printf("vs base case  %d contingenc%s with new or worse violations (flow +%.0f %% of "
               "rateA, voltage +%.2f pu beyond the base case)\n",
               r->n_ctg_new, r->n_ctg_new == 1 ? "y" : "ies", GR_CTG_WORSE_FLOW * 100.0,
               GR_CTG_WORSE_VM);
        if (r->base_flow)
            cli_print_stress(stdout, "base case: ", g, r->base_flow, dc ? NULL : r->base_vm,
                             CLI_STRESS_TOP);
        if (shown > 0) {
            printf("\nworst %d (non-convergence, then dark load, then max loading):\n", shown);
            printf("%5s %7s %-22s %4s %7s %10s %9s %7s %6s %7s %7s\n", "rank", "id", "elements",
                   "conv", "islands", "dark_MW", "max_load%", "branch", "n_over", "min_vm",
                   "max_vm");
            for (int k = 0; k < shown; k++) {
                int q = order[k];
                char el[512], lb[32];
                elements_str(l, q, el, sizeof el);
                if (strlen(el) > 22)
                    memcpy(el + 19, "...", 4);
                if (r->max_loading_branch[q] >= 0)
                    snprintf(lb, sizeof lb, "%d", r->max_loading_branch[q] + 1);
                else
                    snprintf(lb, sizeof lb, "-");
                char ml[32], v0[32], v1[32];
                fmt_num(ml, sizeof ml, "%9.1f", r->max_loading[q] * 100.0);
                fmt_num(v0, sizeof v0, "%7.4f", r->vm_min[q]);
                fmt_num(v1, sizeof v1, "%7.4f", r->vm_max[q]);
                printf("%5d %7d %-22s %4s %7d %10.2f %9s %7s %6d %7s %7s\n", k + 1, l->label[q],
                       el, r->converged[q] == 1 ? "yes" : "NO", r->islands[q],
                       r->dark_load_p[q] * g->base_mva, ml, lb, r->n_overloaded[q], v0, v1);
            }
        }
    }
    fflush(stdout);
    if (out_dir && (cli_mkdir_p(CMD, out_dir) != 0 || write_outputs(out_dir, force, g, l, r, flows) != 0)) {
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    rc = CLI_EXIT_OK;
done:
    free(order);
    gr_ctg_result_free(r);
    gr_ctg_list_free(l);
    cli_inputs_free(&in);
    return rc;
}
