/* matpower_write.c — MATPOWER version-2 case writer: exact round trip, atomic replace. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gridres.h"
#include "io/matpower.h"

void gr_mp_format_double(double v, char *buf)
{
    if (isnan(v)) {
        memcpy(buf, "NaN", 4);
        return;
    }
    if (isinf(v)) {
        memcpy(buf, v > 0 ? "Inf" : "-Inf", v > 0 ? 4 : 5);
        return;
    }
    /* %.17g always reads back exactly; fewer digits keep 0.1 as "0.1" */
    for (int prec = 15; prec < 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
    snprintf(buf, 32, "%.17g", v);
}

static void put_num(FILE *f, double v)
{
    char buf[32];
    gr_mp_format_double(v, buf);
    fputc('\t', f);
    fputs(buf, f);
}

static void put_int(FILE *f, int v) { fprintf(f, "\t%d", v); }

/* A value that must be written: nonzero, NaN, or -0 (0 is the default on reading). */
static int not_default_zero(double v) { return v != 0.0 || signbit(v); }

static int is_identifier(const char *s, size_t len)
{
    if (len == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    for (size_t k = 1; k < len; k++) {
        char ch = s[k];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_'))
            return 0;
    }
    return 1;
}

/* The function name: the case's own, else the file's base name (as savecase),
 * else a fixed one. */
static void function_name(const gr_case *c, const char *path, char *buf, size_t len)
{
    if (c->name && is_identifier(c->name, strlen(c->name)) && strlen(c->name) < len) {
        snprintf(buf, len, "%s", c->name);
        return;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 2 && strcmp(base + n - 2, ".m") == 0)
        n -= 2;
    if (is_identifier(base, n) && n < len) {
        snprintf(buf, len, "%.*s", (int)n, base);
        return;
    }
    snprintf(buf, len, "gridres_case");
}

static void write_header(FILE *f, const gr_case *c, const char *fname)
{
    char base[32];
    gr_mp_format_double(c->base_mva, base);
    fprintf(f,
            "function mpc = %s\n"
            "%%%s  MATPOWER case written by gridres %s.\n"
            "%%   Please see CASEFORMAT for details on the case file format.\n\n"
            "%%%% MATPOWER Case Format : Version 2\n"
            "mpc.version = '2';\n\n"
            "%%%%-----  Power Flow Data  -----%%%%\n"
            "%%%% system MVA base\n"
            "mpc.baseMVA = %s;\n",
            fname, fname, GRIDRES_VERSION, base);
}

static void write_bus(FILE *f, const gr_bus_table *b)
{
    fputs("\n%% bus data\n"
          "%\tbus_i\ttype\tPd\tQd\tGs\tBs\tarea\tVm\tVa\tbaseKV\tzone\tVmax\tVmin\n"
          "mpc.bus = [\n", f);
    for (int r = 0; r < b->n; r++) {
        put_int(f, b->bus_i[r]);
        put_int(f, b->type[r]);
        put_num(f, b->pd_mw[r]);
        put_num(f, b->qd_mvar[r]);
        put_num(f, b->gs_mw[r]);
        put_num(f, b->bs_mvar[r]);
        put_int(f, b->area[r]);
        put_num(f, b->vm_pu[r]);
        put_num(f, b->va_deg[r]);
        put_num(f, b->base_kv[r]);
        put_int(f, b->zone[r]);
        put_num(f, b->vmax_pu[r]);
        put_num(f, b->vmin_pu[r]);
        for (int j = 0; j < b->n_extra; j++)
            put_num(f, b->extra[(size_t)r * (size_t)b->n_extra + (size_t)j]);
        fputs(";\n", f);
    }
    fputs("];\n", f);
}

/* Columns to write: as many as the file had (10..21), more if a later
 * standard column holds data, all 21 when extra columns follow. */
static int gen_columns(const gr_gen_table *g, double *const *opt)
{
    if (g->n_extra > 0)
        return MP_GEN_COLS;
    int cols = g->n_cols_in_file;
    if (cols < MP_GEN_MIN_COLS)
        cols = MP_GEN_MIN_COLS;
    if (cols > MP_GEN_COLS)
        cols = MP_GEN_COLS;
    for (int j = MP_GEN_MIN_COLS; j < MP_GEN_COLS; j++)
        for (int r = 0; r < g->n && cols <= j; r++)
            if (not_default_zero(opt[j - MP_GEN_MIN_COLS][r]))
                cols = j + 1;
    return cols;
}

static void write_gen(FILE *f, const gr_gen_table *g)
{
    double *const opt[MP_GEN_COLS - MP_GEN_MIN_COLS] = {
        g->pc1, g->pc2, g->qc1min, g->qc1max, g->qc2min, g->qc2max,
        g->ramp_agc, g->ramp_10, g->ramp_30, g->ramp_q, g->apf};
    int cols = gen_columns(g, opt);
    fputs("\n%% generator data\n"
          "%\tbus\tPg\tQg\tQmax\tQmin\tVg\tmBase\tstatus\tPmax\tPmin\tPc1\tPc2\tQc1min\tQc1max\t"
          "Qc2min\tQc2max\tramp_agc\tramp_10\tramp_30\tramp_q\tapf\n"
          "mpc.gen = [\n", f);
    for (int r = 0; r < g->n; r++) {
        put_int(f, g->bus[r]);
        put_num(f, g->pg_mw[r]);
        put_num(f, g->qg_mvar[r]);
        put_num(f, g->qmax_mvar[r]);
        put_num(f, g->qmin_mvar[r]);
        put_num(f, g->vg_pu[r]);
        put_num(f, g->mbase_mva[r]);
        put_int(f, g->status[r]);
        put_num(f, g->pmax_mw[r]);
        put_num(f, g->pmin_mw[r]);
        for (int j = MP_GEN_MIN_COLS; j < cols; j++)
            put_num(f, opt[j - MP_GEN_MIN_COLS][r]);
        for (int j = 0; j < g->n_extra; j++)
            put_num(f, g->extra[(size_t)r * (size_t)g->n_extra + (size_t)j]);
        fputs(";\n", f);
    }
    fputs("];\n", f);
}

/* 11..13 columns: ANGMIN/ANGMAX only when the file had them or they differ
 * from loadcase's defaults (-360/360). */
static int branch_columns(const gr_branch_table *br)
{
    int cols = br->n_cols_in_file;
    if (cols < MP_BRANCH_MIN_COLS)
        cols = MP_BRANCH_MIN_COLS;
    if (cols > MP_BRANCH_COLS)
        cols = MP_BRANCH_COLS;
    for (int r = 0; r < br->n; r++) {
        if (br->angmax_deg[r] != 360.0)
            cols = MP_BRANCH_COLS;
        else if (br->angmin_deg[r] != -360.0 && cols < 12)
            cols = 12;
    }
    return cols;
}

static void write_branch(FILE *f, const gr_branch_table *br)
{
    int cols = branch_columns(br);
    fputs("\n%% branch data\n"
          "%\tfbus\ttbus\tr\tx\tb\trateA\trateB\trateC\tratio\tangle\tstatus\tangmin\tangmax\n"
          "mpc.branch = [\n", f);
    for (int r = 0; r < br->n; r++) {
        put_int(f, br->f_bus[r]);
        put_int(f, br->t_bus[r]);
        put_num(f, br->r_pu[r]);
        put_num(f, br->x_pu[r]);
        put_num(f, br->b_pu[r]);
        put_num(f, br->rate_a_mva[r]);
        put_num(f, br->rate_b_mva[r]);
        put_num(f, br->rate_c_mva[r]);
        put_num(f, br->tap[r]);
        put_num(f, br->shift_deg[r]);
        put_int(f, br->status[r]);
        if (cols > 11)
            put_num(f, br->angmin_deg[r]);
        if (cols > 12)
            put_num(f, br->angmax_deg[r]);
        fputs(";\n", f);
    }
    fputs("];\n", f);
}

static void write_gencost(FILE *f, const gr_gencost_table *gc)
{
    if (gc->n <= 0)
        return;
    fputs("\n%%-----  OPF Data  -----%%\n"
          "%% generator cost data\n"
          "%\t1\tstartup\tshutdown\tn\tx1\ty1\t...\txn\tyn\n"
          "%\t2\tstartup\tshutdown\tn\tc(n-1)\t...\tc0\n"
          "mpc.gencost = [\n", f);
    for (int r = 0; r < gc->n; r++) {
        for (int j = 0; j < gc->cols; j++)
            put_num(f, gc->x[(size_t)r * (size_t)gc->cols + (size_t)j]);
        fputs(";\n", f);
    }
    fputs("];\n", f);
}

/* A MATLAB string literal: quotes doubled. */
static void write_bus_names(FILE *f, const gr_case *c)
{
    if (!c->bus_name)
        return;
    fputs("\n%% bus names\nmpc.bus_name = {\n", f);
    for (int r = 0; r < c->bus.n; r++) {
        fputs("\t'", f);
        for (const char *s = c->bus_name[r] ? c->bus_name[r] : ""; *s; s++) {
            if (*s == '\'')
                fputc('\'', f);
            fputc(*s, f);
        }
        fputs("';\n", f);
    }
    fputs("};\n", f);
}

/* What the reader could not read back: refuse it before touching the disk. */
static int check_writable(const gr_case *c, const char *path, gr_error *err)
{
    if (c->bus.n < 0 || c->gen.n < 0 || c->branch.n < 0 || c->gencost.n < 0 ||
        c->bus.n_extra < 0 || c->gen.n_extra < 0 ||
        (c->gencost.n > 0 && (c->gencost.cols <= 0 || !c->gencost.x)) ||
        (c->bus.n_extra > 0 && c->bus.n > 0 && !c->bus.extra) ||
        (c->gen.n_extra > 0 && c->gen.n > 0 && !c->gen.extra))
        return gr_error_set(err, GR_EINVAL, "%s: inconsistent case tables", path);
    for (int r = 0; c->bus_name && r < c->bus.n; r++)
        if (c->bus_name[r] && strpbrk(c->bus_name[r], "\n\r"))
            return gr_error_set(err, GR_EINVAL, "%s: bus name %d holds a line break", path, r + 1);
    return GR_OK;
}

int gr_case_write(const gr_case *c, const char *path, gr_error *err)
{
    if (!c || !path)
        return gr_error_set(err, GR_EINVAL, "gr_case_write: case or path is NULL");
    int st = check_writable(c, path, err);
    if (st != GR_OK)
        return st;
    /* PATH.tmp.PID.SEQ, fsync'ed and renamed onto PATH (the old file is replaced in one step) */
    FILE *f = gr_out_open(path, 1, err);
    if (!f)
        return err ? err->status : GR_EIO;
    char fname[128];
    function_name(c, path, fname, sizeof fname);
    write_header(f, c, fname);
    write_bus(f, &c->bus);
    write_gen(f, &c->gen);
    write_branch(f, &c->branch);
    write_gencost(f, &c->gencost);
    write_bus_names(f, c);
    return gr_out_close(f, err);
}
