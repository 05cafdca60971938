/* cmd_pf.c — `gridres pf`: AC or DC power flow of a case; summary, CSV and case output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cli_table.h"
#include "cli_util.h"
#include "gridres.h"

#define RAD2DEG (180.0 / 3.14159265358979323846)

int cmd_pf(int argc, char **argv, gr_mpi *mpi);

static void pf_help(FILE *f)
{
    gr_pf_options d;
    gr_pf_options_default(&d);
    fprintf(f,
            "usage: gridres pf [CASE.m | CASE.raw] [options]\n"
            "\n"
            "Solve the power flow of a MATPOWER case or a PSS/E RAW file (versions 30-35,\n"
            "read when the name ends in .raw) and print a summary: convergence, islands,\n"
            "generation, load, losses and the voltage range. Without CASE it solves\n"
            "the built-in example grid (examples/example6.m, 6 buses, 330/110 kV).\n"
            "\n"
            "options:\n"
            "  --dc                DC power flow (B-theta, lossless, Vm = 1) instead of AC\n"
            CLI_HELP_QLIM
            CLI_HELP_TOL
            CLI_HELP_MAX_ITER
            "  --flat              AC flat start: Vm = 1 (Vg at generator buses), Va = 0\n"
            "  --warm              AC start from the case's Vm/Va, Vg at generator buses\n"
            "                      (the default, as MATPOWER's runpf)\n"
            "  --out DIR           write DIR/bus.csv, DIR/gen.csv, DIR/branch.csv\n"
            "                      (MW, MVAr, degrees; rows in case-file order)\n"
            CLI_HELP_JSON
            "  --write-case OUT.m  write the case with the solved voltages and dispatch\n"
            "                      (MATPOWER format: converts a RAW file)\n"
            CLI_HELP_FORCE
            CLI_HELP_HELP
            "\n"
            CLI_HELP_DEFAULTS
            "examples:\n"
            "  gridres pf\n"
            "  gridres pf examples/example6.m --dc\n"
            "  gridres pf examples/example6.m --out pf-out --write-case solved.m\n"
            "\n"
            "exit status: 0 converged, 3 not converged, 2 bad command line or input file,\n"
            "1 other failure (out of memory, cannot write).\n",
            d.tol, d.max_iter);
}

static void lib_error(const char *what, int st, const gr_error *err)
{
    if (err->msg[0])
        cli_errorf(NULL, "error: %s%s", what, err->msg);
    else
        cli_errorf(NULL, "error: %s%s", what, gr_strerror(st));
}

/* ------------------------------------------------------------------------
 * Summary figures.
 * ------------------------------------------------------------------------ */
typedef struct pf_summary {
    double gen_p, gen_q, load_p, load_q, dark_p, loss_p, loss_q;
    double vm_min, vm_max;
    int vm_min_bus, vm_max_bus;   /* external numbers, 0 when no bus is energized */
} pf_summary;

static void summarize(const gr_grid *g, const gr_islands *isl, const gr_pf_result *r, int dc,
                      pf_summary *s)
{
    double base = g->base_mva;
    memset(s, 0, sizeof *s);
    s->vm_min = NAN;
    s->vm_max = NAN;
    for (int k = 0; k < g->ng; k++)
        if (g->gen_on[k]) {
            s->gen_p += r->pg[k] * base;
            s->gen_q += dc ? 0.0 : r->qg[k] * base;
        }
    for (int b = 0; b < g->nb; b++) {
        int i = b < isl->nb ? isl->bus_island[b] : -1;
        s->load_p += g->pd[b] * base;
        s->load_q += g->qd[b] * base;
        if (dc || i < 0 || i >= isl->n || isl->ref[i] < 0)
            continue;   /* dark or isolated: its voltage means nothing */
        if (!(r->vm[b] >= s->vm_min)) {   /* also replaces the initial NaN */
            s->vm_min = r->vm[b];
            s->vm_min_bus = g->bus_id[b];
        }
        if (!(r->vm[b] <= s->vm_max)) {
            s->vm_max = r->vm[b];
            s->vm_max_bus = g->bus_id[b];
        }
    }
    s->dark_p = r->dark_load_p * base;
    s->loss_p = r->loss_p * base;
    s->loss_q = dc ? 0.0 : r->loss_q * base;
}

static void print_summary(FILE *f, const char *name, const char *source, const gr_grid *g,
                          const gr_pf_result *r, const gr_pf_options *opt, int dc,
                          const pf_summary *s)
{
    fprintf(f, "case       %s (%s)\n", name, source);
    fprintf(f, "size       %d buses, %d generators, %d branches, base %g MVA\n", g->nb, g->ng,
            g->nl, g->base_mva);
    if (dc)
        fprintf(f, "method     DC power flow\n");
    else
        fprintf(f, "method     AC Newton-Raphson, tol %g pu, max %d iterations, %s start%s\n",
                opt->tol, opt->max_iter, opt->flat_start ? "flat" : "case-voltage",
                opt->enforce_q_lims ? ", Q limits enforced" : "");
    if (r->converged)
        fprintf(f, "converged  yes, %d iteration%s, max mismatch %.3g pu\n", r->iterations,
                r->iterations == 1 ? "" : "s", r->max_mismatch);
    else   /* the reason, never a mismatch that stands for NaN outputs */
        fprintf(f, "converged  NO, %d iteration%s: %s\n", r->iterations,
                r->iterations == 1 ? "" : "s", r->reason[0] ? r->reason : "no reason given");
    fprintf(f, "islands    %d (%d dark)\n", r->n_islands, r->n_dark_islands);
    if (dc) {
        fprintf(f, "generation %.3f MW\n", s->gen_p);
        fprintf(f, "load       %.3f MW", s->load_p);
    } else {
        fprintf(f, "generation %.3f MW, %.3f MVAr\n", s->gen_p, s->gen_q);
        fprintf(f, "load       %.3f MW, %.3f MVAr", s->load_p, s->load_q);
    }
    if (s->dark_p != 0.0)
        fprintf(f, " (%.3f MW of it unserved in dark islands)", s->dark_p);
    fputc('\n', f);
    if (dc)
        fprintf(f, "losses     0 MW (DC model)\n");
    else
        fprintf(f, "losses     %.3f MW, %.3f MVAr (net of line charging)\n", s->loss_p,
                s->loss_q);
    if (dc)
        fprintf(f, "voltage    1 pu everywhere (DC model)\n");
    else if (s->vm_min_bus)
        fprintf(f, "voltage    min %.4f pu at bus %d, max %.4f pu at bus %d\n", s->vm_min,
                s->vm_min_bus, s->vm_max, s->vm_max_bus);
    else
        fprintf(f, "voltage    no energized bus\n");
    fprintf(f, "time       %.3f ms\n", r->solve_s * 1e3);
}

/* The most loaded branches (max(|Sf|, |St|), DC |Pf|, of rateA) and the lowest
 * voltages of energised islands (AC). */
static void print_stress(const gr_grid *g, const gr_pf_result *r, int dc)
{
    double *flow = malloc(((size_t)g->nl + 1) * sizeof(double));
    double *vm = malloc(((size_t)g->nb + 1) * sizeof(double));
    if (flow && vm) {
        for (int k = 0; k < g->nl; k++)
            flow[k] = dc ? fabs(r->pf[k])
                         : fmax(hypot(r->pf[k], r->qf[k]), hypot(r->pt[k], r->qt[k]));
        for (int b = 0; b < g->nb; b++) {
            int i = r->bus_island ? r->bus_island[b] : 0;
            vm[b] = i >= 0 && (!r->island_converged || r->island_converged[i] != -1) ? r->vm[b]
                                                                                    : NAN;
        }
        cli_print_stress(stdout, "", g, flow, dc ? NULL : vm, CLI_STRESS_TOP);
    }
    free(flow);
    free(vm);
}

static json_t *summary_json(const char *name, const char *source, const gr_grid *g,
                            const gr_pf_result *r, const gr_pf_options *opt, int dc,
                            const pf_summary *s)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    bad |= json_object_set_new(o, "case", json_string(name));
    bad |= json_object_set_new(o, "source", json_string(source));
    bad |= json_object_set_new(o, "method", json_string(dc ? "dc" : "ac"));
    bad |= json_object_set_new(o, "buses", json_integer(g->nb));
    bad |= json_object_set_new(o, "gens", json_integer(g->ng));
    bad |= json_object_set_new(o, "branches", json_integer(g->nl));
    bad |= json_object_set_new(o, "base_mva", cli_json_num(g->base_mva));
    if (!dc) {
        bad |= json_object_set_new(o, "tol", cli_json_num(opt->tol));
        bad |= json_object_set_new(o, "max_iter", json_integer(opt->max_iter));
        bad |= json_object_set_new(o, "flat_start", json_boolean(opt->flat_start));
        bad |= json_object_set_new(o, "enforce_q_lims", json_boolean(opt->enforce_q_lims));
    }
    bad |= json_object_set_new(o, "converged", json_boolean(r->converged));
    bad |= json_object_set_new(o, "iterations", json_integer(r->iterations));
    bad |= json_object_set_new(o, "max_mismatch_pu", cli_json_num(r->max_mismatch));
    bad |= json_object_set_new(o, "reason", r->converged ? json_null() : json_string(r->reason));
    bad |= json_object_set_new(o, "islands", json_integer(r->n_islands));
    bad |= json_object_set_new(o, "dark_islands", json_integer(r->n_dark_islands));
    bad |= json_object_set_new(o, "gen_mw", cli_json_num(s->gen_p));
    bad |= json_object_set_new(o, "gen_mvar", dc ? json_null() : cli_json_num(s->gen_q));
    bad |= json_object_set_new(o, "load_mw", cli_json_num(s->load_p));
    bad |= json_object_set_new(o, "load_mvar", cli_json_num(s->load_q));
    bad |= json_object_set_new(o, "dark_load_mw", cli_json_num(s->dark_p));
    bad |= json_object_set_new(o, "loss_mw", cli_json_num(s->loss_p));
    bad |= json_object_set_new(o, "loss_mvar", dc ? json_null() : cli_json_num(s->loss_q));
    if (dc || !s->vm_min_bus) {
        bad |= json_object_set_new(o, "vm_min_pu", json_null());
        bad |= json_object_set_new(o, "vm_min_bus", json_null());
        bad |= json_object_set_new(o, "vm_max_pu", json_null());
        bad |= json_object_set_new(o, "vm_max_bus", json_null());
    } else {
        bad |= json_object_set_new(o, "vm_min_pu", cli_json_num(s->vm_min));
        bad |= json_object_set_new(o, "vm_min_bus", json_integer(s->vm_min_bus));
        bad |= json_object_set_new(o, "vm_max_pu", cli_json_num(s->vm_max));
        bad |= json_object_set_new(o, "vm_max_bus", json_integer(s->vm_max_bus));
    }
    bad |= json_object_set_new(o, "solve_ms", cli_json_num(r->solve_s * 1e3));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* ------------------------------------------------------------------------
 * Output files.
 * ------------------------------------------------------------------------ */
static const char *const csv_names[3] = {"bus.csv", "gen.csv", "branch.csv"};

static int write_csvs(const char *dir, int force, const gr_case *c, const gr_grid *g,
                      const gr_pf_result *r, int dc)
{
    char path[4096];
    double base = g->base_mva;
    FILE *f;

    /* bus.csv, rows in case-file order; the net injection into the network is
       what the bus's branches carry away (generation - load - shunt) */
    double *pinj = calloc((size_t)g->nb + 1, sizeof *pinj);
    double *qinj = calloc((size_t)g->nb + 1, sizeof *qinj);
    if (!pinj || !qinj) {
        free(pinj);
        free(qinj);
        cli_errorf("pf", "out of memory");
        return -1;
    }
    for (int k = 0; k < g->nl; k++) {
        pinj[g->br_f[k]] += r->pf[k];
        pinj[g->br_t[k]] += r->pt[k];
        qinj[g->br_f[k]] += dc ? 0.0 : r->qf[k];
        qinj[g->br_t[k]] += dc ? 0.0 : r->qt[k];
    }
    if (!(f = cli_open_out_in("pf", dir, csv_names[0], force, path, sizeof path))) {
        free(pinj);
        free(qinj);
        return -1;
    }
    fputs("bus_id,vm_pu,va_deg,type,pd_mw,qd_mvar,p_inj_mw,q_inj_mvar\n", f);
    for (int row = 0; row < c->bus.n; row++) {
        int b = gr_grid_bus_index(g, c->bus.bus_i[row]);
        cli_csv_int(f, c->bus.bus_i[row], ',');
        cli_csv_num(f, dc ? 1.0 : r->vm[b], ',');
        cli_csv_num(f, r->va[b] * RAD2DEG, ',');
        cli_csv_int(f, r->bus_type[b], ',');
        cli_csv_num(f, g->pd[b] * base, ',');
        cli_csv_num(f, g->qd[b] * base, ',');
        cli_csv_num(f, pinj[b] * base, ',');
        cli_csv_num(f, qinj[b] * base, '\n');
    }
    free(pinj);
    free(qinj);
    if (cli_close_out("pf", f, path) != 0)
        return -1;

    /* gen.csv */
    if (!(f = cli_open_out_in("pf", dir, csv_names[1], force, path, sizeof path)))
        return -1;
    fputs("row,gen_bus,pg_mw,qg_mvar,status\n", f);
    for (int k = 0; k < g->ng; k++) {
        cli_csv_int(f, k + 1, ',');
        cli_csv_int(f, g->bus_id[g->gen_bus[k]], ',');
        cli_csv_num(f, r->pg[k] * base, ',');
        cli_csv_num(f, dc ? 0.0 : r->qg[k] * base, ',');
        cli_csv_int(f, g->gen_on[k], '\n');
    }
    if (cli_close_out("pf", f, path) != 0)
        return -1;

    /* branch.csv */
    if (!(f = cli_open_out_in("pf", dir, csv_names[2], force, path, sizeof path)))
        return -1;
    fputs("row,from,to,pf_mw,qf_mvar,pt_mw,qt_mvar,status,loading_pct\n", f);
    for (int k = 0; k < g->nl; k++) {
        cli_csv_int(f, k + 1, ',');
        cli_csv_int(f, g->bus_id[g->br_f[k]], ',');
        cli_csv_int(f, g->bus_id[g->br_t[k]], ',');
        cli_csv_num(f, r->pf[k] * base, ',');
        cli_csv_num(f, dc ? 0.0 : r->qf[k] * base, ',');
        cli_csv_num(f, r->pt[k] * base, ',');
        cli_csv_num(f, dc ? 0.0 : r->qt[k] * base, ',');
        cli_csv_int(f, g->br_on[k], ',');
        /* max(|Sf|, |St|) (DC: |Pf|) in % of rateA; empty when unrated (0) */
        double sf = dc ? fabs(r->pf[k]) : hypot(r->pf[k], r->qf[k]);
        double st = dc ? fabs(r->pt[k]) : hypot(r->pt[k], r->qt[k]);
        if (g->rate_a[k] > 0.0)
            cli_csv_num(f, 100.0 * fmax(sf, st) / g->rate_a[k], '\n');
        else
            fputc('\n', f);
    }
    return cli_close_out("pf", f, path);
}

/* Write the case with the solution in it, as MATPOWER's runpf saves it:
 * AC: Vm, Va, final bus types, Pg, Qg (0 for generators out of service);
 * DC: Vm = 1, Va, Pg. */
static int write_solved_case(const char *path, const gr_case *c, const gr_grid *g,
                             const gr_pf_result *r, int dc)
{
    gr_case *out = NULL;
    gr_error err = {0};
    int st = gr_case_copy(c, &out);
    if (st != GR_OK) {
        cli_errorf("pf", "cannot copy the case: %s", gr_strerror(st));
        return -1;
    }
    for (int row = 0; row < out->bus.n; row++) {
        int b = gr_grid_bus_index(g, out->bus.bus_i[row]);
        out->bus.vm_pu[row] = dc ? 1.0 : r->vm[b];
        out->bus.va_deg[row] = r->va[b] * RAD2DEG;
        out->bus.type[row] = r->bus_type[b];
    }
    for (int k = 0; k < out->gen.n; k++) {
        out->gen.pg_mw[k] = g->gen_on[k] ? r->pg[k] * g->base_mva : 0.0;
        if (!dc)
            out->gen.qg_mvar[k] = g->gen_on[k] ? r->qg[k] * g->base_mva : 0.0;
    }
    st = gr_case_write(out, path, &err);
    gr_case_free(out);
    if (st != GR_OK) {
        cli_errorf("pf", "cannot write '%s': %s", path, err.msg[0] ? err.msg : gr_strerror(st));
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * The command.
 * ------------------------------------------------------------------------ */
int cmd_pf(int argc, char **argv, gr_mpi *mpi)
{
    (void)mpi;
    gr_pf_options opt;
    int dc = 0, qlim = 0, flat = 0, warm = 0, json = 0, force = 0;
    int tol_seen = 0, iter_seen = 0;
    const char *out_dir = NULL, *write_case = NULL;
    const char *pos[1];
    int npos = 0;
    cli_inputs in;
    gr_pf_result *r = NULL;
    gr_error err = {0};
    int rc, st;

    gr_pf_options_default(&opt);
    const cli_opt opts[] = {
        CLI_OPT_DC(dc),
        CLI_OPT_QLIM(qlim),
        CLI_OPT_TOL(opt.tol, &tol_seen),
        CLI_OPT_MAX_ITER(opt.max_iter, &iter_seen),
        {"flat", CLI_FLAG, &flat, 1, 0, 0, NULL},
        {"warm", CLI_FLAG, &warm, 1, 0, 0, NULL},
        CLI_OPT_OUT(out_dir),
        CLI_OPT_JSON(json),
        {"write-case", CLI_STRING, &write_case, 0, 0, 0, NULL},
        CLI_OPT_FORCE(force),
    };
    if (!cli_parse_args("pf", argc, argv, opts, CLI_NOPTS(opts), pos, 1, &npos, pf_help, &rc))
        return rc;
    if (flat && warm) {
        cli_errorf("pf", "--flat and --warm exclude each other (see gridres pf --help)");
        return CLI_EXIT_USAGE;
    }
    if (dc && (qlim || flat || warm || tol_seen || iter_seen)) {
        cli_errorf("pf", "--qlim, --tol, --max-iter, --flat and --warm apply to the AC power "
                         "flow only, not with --dc");
        return CLI_EXIT_USAGE;
    }
    opt.enforce_q_lims = qlim;
    opt.flat_start = flat;   /* default: start from the case's voltages, as runpf */

    /* Refuse before solving if an output file exists. */
    if (out_dir && (rc = cli_check_outputs("pf", out_dir, csv_names, 3, force)) != CLI_EXIT_OK)
        return rc;
    if (write_case && cli_check_new("pf", write_case, force) != 0)
        return CLI_EXIT_USAGE;

    /* Read and build. The reader has checked bus numbers and reference buses (one per
       island). */
    const cli_inputs_spec spec = {npos ? pos[0] : NULL, NULL, 0, 1, 1, "error: ", "error: "};
    if ((rc = cli_load_inputs("pf", &spec, &in)) != CLI_EXIT_OK)
        goto done;
    const gr_case *c = in.c;
    const gr_grid *g = in.g;
    const char *name = in.name, *source = in.source;

    /* Solve. */
    st = dc ? gr_pf_dc(g, &r, &err) : gr_pf_ac(g, &opt, &r, &err);
    if (st != GR_OK) {
        lib_error("power flow failed: ", st, &err);
        rc = st == GR_ENOMEM ? CLI_EXIT_FAIL
             : st == GR_ESINGULAR ? CLI_EXIT_NOCONV
             : st == GR_EPARSE || st == GR_EINVAL ? CLI_EXIT_USAGE
                                                   : CLI_EXIT_FAIL;
        goto done;
    }

    /* Report. */
    pf_summary s;
    summarize(g, in.isl, r, dc, &s);
    if (json) {
        json_t *o = summary_json(name, source, g, r, &opt, dc, &s);
        if (!o || cli_json_print(stdout, o) != 0) {
            cli_errorf("pf", "cannot print JSON");
            json_decref(o);
            rc = CLI_EXIT_FAIL;
            goto done;
        }
        json_decref(o);
    } else {
        print_summary(stdout, name, source, g, r, &opt, dc, &s);
        print_stress(g, r, dc);
    }
    fflush(stdout);

    /* Files. */
    if (out_dir &&
        (cli_mkdir_p("pf", out_dir) != 0 || write_csvs(out_dir, force, c, g, r, dc) != 0)) {
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    if (write_case && write_solved_case(write_case, c, g, r, dc) != 0) {
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    rc = r->converged ? CLI_EXIT_OK : CLI_EXIT_NOCONV;

done:
    gr_pf_result_free(r);
    cli_inputs_free(&in);
    return rc;
}
