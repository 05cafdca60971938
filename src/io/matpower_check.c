/* matpower_check.c — MATPOWER reader: raw tables to a gr_case, with the checks of a read case. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/bus_key.h"
#include "io/matpower_internal.h"
#include "model/islands_internal.h"

/* Column names of caseformat, for messages. */
static const char *const bus_col_name[MP_BUS_COLS] = {
    "BUS_I", "BUS_TYPE", "PD", "QD", "GS", "BS", "BUS_AREA", "VM", "VA", "BASE_KV", "ZONE",
    "VMAX", "VMIN"};
static const char *const gen_col_name[MP_GEN_MIN_COLS] = {
    "GEN_BUS", "PG", "QG", "QMAX", "QMIN", "VG", "MBASE", "GEN_STATUS", "PMAX", "PMIN"};
static const char *const branch_col_name[MP_BRANCH_COLS] = {
    "F_BUS", "T_BUS", "BR_R", "BR_X", "BR_B", "RATE_A", "RATE_B", "RATE_C", "TAP", "SHIFT",
    "BR_STATUS", "ANGMIN", "ANGMAX"};

/*
 * DESIGN — values a case may not hold (docs/input_validation.md is the rule
 * for every case reader). Each physical column is checked where it is read,
 * by one of these rules; a bad value is GR_EPARSE at its own line and column,
 * "column NAME (mpc.T row R): expected ..., found ...":
 *   V_FINITE  any sign, never NaN or ±Inf: loads, shunts, impedances, angles,
 *             set points (MATPOWER's own cases hold negative R, X, PD, PG);
 *   V_NONNEG  finite and >= 0: magnitudes (VM, VG, BASE_KV, MBASE), ratings
 *             (0 = no limit, as MATPOWER) and TAP (0 = a line, ratio 1);
 *   V_UPPER   an upper limit: a number or +Inf ("no limit": QMAX = Inf and
 *             PMAX = Inf are in MATPOWER's own cases), never NaN or -Inf;
 *   V_LOWER   a lower limit: a number or -Inf, never NaN or +Inf.
 * Statuses: MATPOWER's ext2int takes a status > 0 as in service and <= 0 as
 * out; we take 0 as out, a positive integer as in service and reject a
 * negative one. The extra OPF columns (PC1 .. APF, MU_*) and gencost are kept
 * as read: no power flow uses them.
 * An in-service branch with |BR_R| + |BR_X| < GR_MP_ZERO_IMPEDANCE_PU is
 * rejected: makeYbus divides by r + jx, so MATPOWER gets Inf/NaN in Ybus and
 * we would get a solve that cannot converge. Out-of-service ones are kept, as
 * MATPOWER's ext2int drops them before makeYbus.
 */
enum value_rule { V_FINITE, V_NONNEG, V_UPPER, V_LOWER };

/* Below this |BR_R| + |BR_X| (pu) an in-service branch counts as zero
 * impedance. The smallest in MATPOWER's and PGLib's cases is 6.2e-10
 * (case16am); 1e-10 pu of a 100 MVA base conducts 1e12 MVA per pu angle. */
#define GR_MP_ZERO_IMPEDANCE_PU 1e-10

/* ------------------------------------------------------------------------
 * From raw tables to a validated gr_case
 * ------------------------------------------------------------------------ */

static int field_error(mp_parser *P, int which, int r, int k, const char *fmt, ...) MP_PRINTF(5, 6);

/* A parse error that points at field k of row r of a table. */
static int field_error(mp_parser *P, int which, int r, int k, const char *fmt, ...)
{
    int line, col;
    mp_field_pos(P, &P->tab[which], r, k, &line, &col);
    char msg[GR_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mp_perr(P, line, col, "%s", msg);
}

static double raw(const mp_parser *P, int which, int r, int k)
{
    const mp_table *t = &P->tab[which];
    return t->x[(size_t)r * (size_t)t->cols + (size_t)k];
}

static const char *col_name(int which, int k)
{
    return which == TB_BUS ? bus_col_name[k] : which == TB_GEN ? gen_col_name[k] : branch_col_name[k];
}

/* An integer column (bus numbers, types, status, area, zone). */
static int int_field(mp_parser *P, int which, int r, int k, int *out)
{
    double v = raw(P, which, r, k);
    if (v >= INT_MIN && v <= INT_MAX && v == floor(v)) {
        *out = (int)v;
        return GR_OK;
    }
    char found[32];
    gr_mp_format_double(v, found);
    return field_error(P, which, r, k, "expected an integer %s in mpc.%s, found %s", col_name(which, k),
                       mp_table_field[which], found);
}

/* A physical column k of row r, checked against its rule (see DESIGN above);
 * `hint` (or NULL) says what the allowed edge values mean. */
static int real_field(mp_parser *P, int which, int r, int k, enum value_rule rule, const char *hint,
                      double *out)
{
    double v = raw(P, which, r, k);
    const char *want = NULL;
    switch (rule) {
    case V_FINITE:
        if (!isfinite(v))
            want = "a finite number";
        break;
    case V_NONNEG:
        if (!(isfinite(v) && v >= 0))
            want = "a finite non-negative number";
        break;
    case V_UPPER:
        if (isnan(v) || v == -HUGE_VAL)
            want = "a number or Inf (no upper limit)";
        break;
    case V_LOWER:
        if (isnan(v) || v == HUGE_VAL)
            want = "a number or -Inf (no lower limit)";
        break;
    }
    if (!want) {
        *out = v;
        return GR_OK;
    }
    char found[32];
    gr_mp_format_double(v, found);
    return field_error(P, which, r, k, "column %s (mpc.%s row %d): expected %s%s%s%s, found %s",
                       col_name(which, k), mp_table_field[which], r + 1, want, hint ? " (" : "",
                       hint ? hint : "", hint ? ")" : "", found);
}

/* A status column: 0 out of service, a positive integer in service (as
 * MATPOWER's ext2int, which takes > 0 as in service); negative is an error. */
static int status_field(mp_parser *P, int which, int r, int k, int *out)
{
    int st = int_field(P, which, r, k, out);
    if (st != GR_OK || *out >= 0)
        return st;
    return field_error(P, which, r, k,
                       "column %s (mpc.%s row %d): expected 0 (out of service) or a positive "
                       "integer (in service), found %d",
                       col_name(which, k), mp_table_field[which], r + 1, *out);
}

static int fill_bus(mp_parser *P, gr_case *c)
{
    gr_bus_table *b = &c->bus;
    const mp_table *t = &P->tab[TB_BUS];
    b->n_extra = t->cols - MP_BUS_COLS;
    if (b->n_extra > 0 && !(b->extra = gr_malloc((size_t)b->n * (size_t)b->n_extra * sizeof(double))))
        return mp_oom(P);
    int st;
    for (int r = 0; r < b->n; r++) {
        const double *x = t->x + (size_t)r * (size_t)t->cols;
        if ((st = int_field(P, TB_BUS, r, 0, &b->bus_i[r])) != GR_OK ||
            (st = int_field(P, TB_BUS, r, 1, &b->type[r])) != GR_OK ||
            (st = int_field(P, TB_BUS, r, 6, &b->area[r])) != GR_OK ||
            (st = int_field(P, TB_BUS, r, 10, &b->zone[r])) != GR_OK)
            return st;
        if ((st = real_field(P, TB_BUS, r, 2, V_FINITE, NULL, &b->pd_mw[r])) != GR_OK ||
            (st = real_field(P, TB_BUS, r, 3, V_FINITE, NULL, &b->qd_mvar[r])) != GR_OK ||
            (st = real_field(P, TB_BUS, r, 4, V_FINITE, NULL, &b->gs_mw[r])) != GR_OK ||
            (st = real_field(P, TB_BUS, r, 5, V_FINITE, NULL, &b->bs_mvar[r])) != GR_OK ||
            (st = real_field(P, TB_BUS, r, 7, V_NONNEG, NULL, &b->vm_pu[r])) != GR_OK ||
            (st = real_field(P, TB_BUS, r, 8, V_FINITE, NULL, &b->va_deg[r])) != GR_OK ||
            (st = real_field(P, TB_BUS, r, 9, V_NONNEG, NULL, &b->base_kv[r])) != GR_OK ||
            (st = real_field(P, TB_BUS, r, 11, V_UPPER, NULL, &b->vmax_pu[r])) != GR_OK ||
            (st = real_field(P, TB_BUS, r, 12, V_LOWER, NULL, &b->vmin_pu[r])) != GR_OK)
            return st;
        for (int j = 0; j < b->n_extra; j++)
            b->extra[(size_t)r * (size_t)b->n_extra + (size_t)j] = x[MP_BUS_COLS + j];
        if (b->bus_i[r] <= 0)
            return field_error(P, TB_BUS, r, 0, "expected a positive bus number in mpc.bus BUS_I, found %d",
                               b->bus_i[r]);
        if (b->type[r] < GR_BUS_PQ || b->type[r] > GR_BUS_ISOLATED)
            return field_error(P, TB_BUS, r, 1,
                               "expected bus type 1 (PQ), 2 (PV), 3 (REF) or 4 (isolated) in mpc.bus "
                               "BUS_TYPE, found %d", b->type[r]);
    }
    return GR_OK;
}

static int fill_gen(mp_parser *P, gr_case *c)
{
    gr_gen_table *g = &c->gen;
    const mp_table *t = &P->tab[TB_GEN];
    if (g->n == 0)
        return GR_OK;
    g->n_cols_in_file = t->cols < MP_GEN_COLS ? t->cols : MP_GEN_COLS;
    g->n_extra = t->cols > MP_GEN_COLS ? t->cols - MP_GEN_COLS : 0;
    if (g->n_extra > 0 && !(g->extra = gr_malloc((size_t)g->n * (size_t)g->n_extra * sizeof(double))))
        return mp_oom(P);
    double *opt[MP_GEN_COLS - MP_GEN_MIN_COLS] = {
        g->pc1, g->pc2, g->qc1min, g->qc1max, g->qc2min, g->qc2max,
        g->ramp_agc, g->ramp_10, g->ramp_30, g->ramp_q, g->apf};
    int st;
    for (int r = 0; r < g->n; r++) {
        const double *x = t->x + (size_t)r * (size_t)t->cols;
        if ((st = int_field(P, TB_GEN, r, 0, &g->bus[r])) != GR_OK ||
            (st = status_field(P, TB_GEN, r, 7, &g->status[r])) != GR_OK ||
            (st = real_field(P, TB_GEN, r, 1, V_FINITE, NULL, &g->pg_mw[r])) != GR_OK ||
            (st = real_field(P, TB_GEN, r, 2, V_FINITE, NULL, &g->qg_mvar[r])) != GR_OK ||
            (st = real_field(P, TB_GEN, r, 3, V_UPPER, NULL, &g->qmax_mvar[r])) != GR_OK ||
            (st = real_field(P, TB_GEN, r, 4, V_LOWER, NULL, &g->qmin_mvar[r])) != GR_OK ||
            (st = real_field(P, TB_GEN, r, 5, V_NONNEG, NULL, &g->vg_pu[r])) != GR_OK ||
            (st = real_field(P, TB_GEN, r, 6, V_NONNEG, NULL, &g->mbase_mva[r])) != GR_OK ||
            (st = real_field(P, TB_GEN, r, 8, V_UPPER, NULL, &g->pmax_mw[r])) != GR_OK ||
            (st = real_field(P, TB_GEN, r, 9, V_LOWER, NULL, &g->pmin_mw[r])) != GR_OK)
            return st;
        for (int j = MP_GEN_MIN_COLS; j < MP_GEN_COLS; j++) /* absent: 0 */
            opt[j - MP_GEN_MIN_COLS][r] = j < t->cols ? x[j] : 0.0;
        for (int j = 0; j < g->n_extra; j++)
            g->extra[(size_t)r * (size_t)g->n_extra + (size_t)j] = x[MP_GEN_COLS + j];
    }
    return GR_OK;
}

/* An in-service branch needs an impedance to divide by (see DESIGN above). */
static int check_impedance(mp_parser *P, const gr_branch_table *br, int r)
{
    double z = fabs(br->r_pu[r]) + fabs(br->x_pu[r]);
    if (br->status[r] <= 0 || z >= GR_MP_ZERO_IMPEDANCE_PU)
        return GR_OK;
    char found[32];
    gr_mp_format_double(z, found);
    return field_error(P, TB_BRANCH, r, 2,
                       "columns BR_R, BR_X (mpc.branch row %d, bus %d to bus %d): expected |BR_R| + "
                       "|BR_X| >= %g pu on an in-service branch, found %s (zero impedance: the "
                       "admittance 1/(r + jx) is infinite); merge buses %d and %d, give the branch "
                       "a small reactance (e.g. BR_X = 1e-4) or set BR_STATUS = 0",
                       r + 1, br->f_bus[r], br->t_bus[r], GR_MP_ZERO_IMPEDANCE_PU, found,
                       br->f_bus[r], br->t_bus[r]);
}

static int fill_branch(mp_parser *P, gr_case *c)
{
    gr_branch_table *br = &c->branch;
    const mp_table *t = &P->tab[TB_BRANCH];
    if (br->n == 0)
        return GR_OK;
    br->n_cols_in_file = t->cols < MP_BRANCH_COLS ? t->cols : MP_BRANCH_COLS;
    int st;
    for (int r = 0; r < br->n; r++) {
        if ((st = int_field(P, TB_BRANCH, r, 0, &br->f_bus[r])) != GR_OK ||
            (st = int_field(P, TB_BRANCH, r, 1, &br->t_bus[r])) != GR_OK ||
            (st = status_field(P, TB_BRANCH, r, 10, &br->status[r])) != GR_OK ||
            (st = real_field(P, TB_BRANCH, r, 2, V_FINITE, NULL, &br->r_pu[r])) != GR_OK ||
            (st = real_field(P, TB_BRANCH, r, 3, V_FINITE, NULL, &br->x_pu[r])) != GR_OK ||
            (st = real_field(P, TB_BRANCH, r, 4, V_FINITE, NULL, &br->b_pu[r])) != GR_OK ||
            (st = real_field(P, TB_BRANCH, r, 5, V_NONNEG, "0 = no limit", &br->rate_a_mva[r])) != GR_OK ||
            (st = real_field(P, TB_BRANCH, r, 6, V_NONNEG, "0 = no limit", &br->rate_b_mva[r])) != GR_OK ||
            (st = real_field(P, TB_BRANCH, r, 7, V_NONNEG, "0 = no limit", &br->rate_c_mva[r])) != GR_OK ||
            (st = real_field(P, TB_BRANCH, r, 8, V_NONNEG, "0 = a line, ratio 1", &br->tap[r])) != GR_OK ||
            (st = real_field(P, TB_BRANCH, r, 9, V_FINITE, NULL, &br->shift_deg[r])) != GR_OK)
            return st;
        /* loadcase: ANGMIN/ANGMAX default to -360/360 when the file lacks them */
        br->angmin_deg[r] = -360.0;
        br->angmax_deg[r] = 360.0;
        if ((t->cols > 11 && (st = real_field(P, TB_BRANCH, r, 11, V_LOWER, NULL, &br->angmin_deg[r])) != GR_OK) ||
            (t->cols > 12 && (st = real_field(P, TB_BRANCH, r, 12, V_UPPER, NULL, &br->angmax_deg[r])) != GR_OK) ||
            (st = check_impedance(P, br, r)) != GR_OK)
            return st;
    }
    return GR_OK;
}

static int fill_gencost(mp_parser *P, gr_case *c)
{
    mp_table *t = &P->tab[TB_GENCOST];
    if (!t->defined || t->rows == 0)
        return GR_OK;
    c->gencost.n = t->rows;
    c->gencost.cols = t->cols;
    c->gencost.x = t->x; /* moved */
    t->x = NULL;
    return GR_OK;
}

/* Sorted bus numbers; a duplicate is reported at its later row. */
static int check_bus_numbers(mp_parser *P, const gr_case *c, bus_key *keys)
{
    int nb = c->bus.n;
    for (int r = 0; r < nb; r++) {
        keys[r].id = c->bus.bus_i[r];
        keys[r].row = r;
    }
    qsort(keys, (size_t)nb, sizeof *keys, bus_key_cmp);
    int first = -1, later = -1;
    for (int k = 1, group = 0; k < nb; k++) {
        if (keys[k].id != keys[k - 1].id) {
            group = k;
            continue;
        }
        if (later < 0 || keys[k].row < later) { /* the earliest repeat in the file */
            later = keys[k].row;
            first = keys[group].row;
        }
    }
    if (later < 0)
        return GR_OK;
    int id = c->bus.bus_i[later];
    return field_error(P, TB_BUS, later, 0,
                       "expected a unique bus number in mpc.bus BUS_I, found %d again (first at line %d)",
                       id, P->tab[TB_BUS].line[first]);
}

static int check_references(mp_parser *P, const gr_case *c, const bus_key *keys)
{
    int nb = c->bus.n;
    for (int r = 0; r < c->gen.n; r++)
        if (bus_key_row(keys, nb, c->gen.bus[r]) < 0)
            return field_error(P, TB_GEN, r, 0,
                               "expected a bus number from mpc.bus in mpc.gen GEN_BUS, found %d",
                               c->gen.bus[r]);
    for (int r = 0; r < c->branch.n; r++) {
        if (bus_key_row(keys, nb, c->branch.f_bus[r]) < 0)
            return field_error(P, TB_BRANCH, r, 0,
                               "expected a bus number from mpc.bus in mpc.branch F_BUS, found %d",
                               c->branch.f_bus[r]);
        if (bus_key_row(keys, nb, c->branch.t_bus[r]) < 0)
            return field_error(P, TB_BRANCH, r, 1,
                               "expected a bus number from mpc.bus in mpc.branch T_BUS, found %d",
                               c->branch.t_bus[r]);
    }
    return GR_OK;
}

/* At most one REF bus per island of in-service branches (isolated buses,
 * type 4, join no island, as in gr_islands_find). */
static int check_ref_buses(mp_parser *P, const gr_case *c, const bus_key *keys)
{
    int nb = c->bus.n, st = GR_OK;
    int *parent = gr_malloc(3 * (size_t)nb * sizeof(int));
    if (!parent)
        return mp_oom(P);
    int *size = parent + nb, *ref = parent + 2 * nb;
    for (int i = 0; i < nb; i++) {
        parent[i] = i;
        size[i] = 1;
        ref[i] = -1;
    }
    for (int r = 0; r < c->branch.n; r++) {
        int f = bus_key_row(keys, nb, c->branch.f_bus[r]);
        int t = bus_key_row(keys, nb, c->branch.t_bus[r]);
        if (c->branch.status[r] > 0 && c->bus.type[f] != GR_BUS_ISOLATED &&
            c->bus.type[t] != GR_BUS_ISOLATED)
            uf_union(parent, size, f, t);
    }
    for (int i = 0; i < nb && st == GR_OK; i++) {
        if (c->bus.type[i] != GR_BUS_REF)
            continue;
        int root = uf_find(parent, i);
        if (ref[root] < 0) {
            ref[root] = i;
            continue;
        }
        st = field_error(P, TB_BUS, i, 1,
                         "expected one reference bus (type 3) per island, found a second: bus %d is "
                         "connected to reference bus %d (line %d)",
                         c->bus.bus_i[i], c->bus.bus_i[ref[root]], P->tab[TB_BUS].line[ref[root]]);
    }
    gr_free(parent);
    return st;
}

static int eof_error(mp_parser *P, const char *what)
{
    return mp_perr(P, P->line, mp_col_of(P, P->end), "expected %s, found end of file", what);
}

static int check_required(mp_parser *P)
{
    if (!P->tab[TB_BUS].defined)
        return eof_error(P, "mpc.bus");
    if (!P->tab[TB_GEN].defined)
        return eof_error(P, "mpc.gen");
    if (!P->tab[TB_BRANCH].defined)
        return eof_error(P, "mpc.branch");
    if (!P->have_base)
        return eof_error(P, "mpc.baseMVA");
    if (!(P->base_mva > 0 && P->base_mva < HUGE_VAL)) {
        char found[32];
        gr_mp_format_double(P->base_mva, found);
        return mp_perr(P, P->base_line, P->base_col, "expected a positive mpc.baseMVA, found %s", found);
    }
    if (P->tab[TB_BUS].rows == 0)
        return mp_perr(P, P->tab[TB_BUS].line0, P->tab[TB_BUS].col0,
                    "expected at least one row in mpc.bus, found none");
    if (P->names_defined && P->n_names != P->tab[TB_BUS].rows)
        return mp_perr(P, P->names_line, P->names_col,
                    "expected %d names in mpc.bus_name (one per bus), found %d",
                    P->tab[TB_BUS].rows, P->n_names);
    return GR_OK;
}

/* Move the per-row line numbers and names from the parser into the case. */
static void move_rows_info(mp_parser *P, gr_case *c)
{
    c->bus.line = P->tab[TB_BUS].line;
    P->tab[TB_BUS].line = NULL;
    if (c->gen.n) {
        c->gen.line = P->tab[TB_GEN].line;
        P->tab[TB_GEN].line = NULL;
    }
    if (c->branch.n) {
        c->branch.line = P->tab[TB_BRANCH].line;
        P->tab[TB_BRANCH].line = NULL;
    }
    if (P->names_defined) {
        c->bus_name = P->names;
        P->names = NULL;
        P->n_names = P->cap_names = 0;
    }
    c->name = P->fname;
    P->fname = NULL;
}

int mp_build_case(mp_parser *P, gr_case **out)
{
    int st = check_required(P);
    if (st != GR_OK)
        return st;
    gr_case *c = NULL;
    if ((st = gr_case_alloc(P->tab[TB_BUS].rows, P->tab[TB_GEN].rows, P->tab[TB_BRANCH].rows, &c)) != GR_OK)
        return mp_oom(P);
    c->base_mva = P->base_mva;
    bus_key *keys = NULL;
    if ((st = fill_bus(P, c)) == GR_OK && (st = fill_gen(P, c)) == GR_OK &&
        (st = fill_branch(P, c)) == GR_OK && (st = fill_gencost(P, c)) == GR_OK) {
        if (!(keys = gr_malloc((size_t)c->bus.n * sizeof *keys)))
            st = mp_oom(P);
        else if ((st = check_bus_numbers(P, c, keys)) == GR_OK &&
                 (st = check_references(P, c, keys)) == GR_OK)
            st = check_ref_buses(P, c, keys);
    }
    gr_free(keys);
    if (st != GR_OK) {
        gr_case_free(c);
        return st;
    }
    move_rows_info(P, c);
    *out = c;
    return GR_OK;
}
