/* psse_record.c — PSS/E RAW reader: the records that become the case (bus, load, shunts, generator, branch, switching device, transformer). */
/*
 * DESIGN
 * Each record is converted as MATPOWER's psse2mpc (psse_convert.m,
 * psse_convert_xfmr.m) converts it, so that a RAW file and its psse2mpc
 * conversion give the same case, with these additions (docs/psse.md):
 *   - constant-current and constant-admittance load parts become constant
 *     power at the bus's saved voltage VM, as psse2mpc: Pd = PL + IP*VM + YP*VM^2,
 *     Qd = QL + IQ*VM - YQ*VM^2 (PSS/E: YQ > 0 is capacitive);
 *   - switched shunts at BINIT (MVAr at 1 pu), only when in service (v32+ STAT);
 *   - line shunts GI, BI, GJ, BJ (pu) become bus shunts of in-service branches;
 *   - transformer magnetising admittance (CM = 1: G, B in pu; CM = 2: no-load
 *     loss in W and exciting current in pu of SBASE1-2 at NOMV1) becomes a bus
 *     shunt at the winding-1 bus (psse2mpc drops it);
 *   - a two-winding transformer is bus I - t1:1 - Z - 1:t2 - bus J (PSS/E's
 *     model); MATPOWER's branch has one ratio t = t1/t2 at the from end, and
 *     then the impedance seen there is Z*t2^2 (psse2mpc leaves out t2^2, exact
 *     only when t2 = 1);
 *   - three-winding transformers: a star bus per transformer (numbered as
 *     psse2mpc does: 10^k + n above the largest bus), three branches
 *     winding -> star with Z1 = (Z12 + Z31 - Z23)/2 etc., each winding's ratio
 *     and angle at its own bus.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/psse_internal.h"

/* ------------------------------------------------------------------------
 * Buses, loads, shunts, generators
 * ------------------------------------------------------------------------ */
int ps_read_bus(ps_parser *P)
{
    if (!ps_grow(&P->bus, &P->cap_bus, P->nb, sizeof *P->bus))
        return ps_oom(P);
    ps_bus b;
    memset(&b, 0, sizeof b);
    b.line = P->L.line;
    double gl = 0, bl = 0;
    PS_TRY(ps_int_req(P, 0, "I", &b.id));
    if (b.id <= 0)
        return ps_field_error(P, "I", "expected a positive bus number, found %d", b.id);
    PS_TRY(ps_num(P, 2, "BASKV", 0.0, &b.base_kv));
    PS_TRY(ps_int(P, 3, "IDE", 1, &b.type));
    if (b.type < 1 || b.type > 4)
        return ps_field_error(P, "IDE", "expected a bus type 1 to 4, found %d", b.type);
    if (P->lay.bus_has_shunt) {   /* v30: I,'NAME',BASKV,IDE,GL,BL,AREA,ZONE,VM,VA,OWNER */
        PS_TRY(ps_num(P, 4, "GL", 0.0, &gl));
        PS_TRY(ps_num(P, 5, "BL", 0.0, &bl));
        PS_TRY(ps_int(P, 6, "AREA", 1, &b.area));
        PS_TRY(ps_int(P, 7, "ZONE", 1, &b.zone));
        PS_TRY(ps_num_nonneg(P, 8, "VM", 1.0, &b.vm));
        PS_TRY(ps_num(P, 9, "VA", 0.0, &b.va));
        b.vmax = 1.1;
        b.vmin = 0.9;
    } else {   /* I,'NAME',BASKV,IDE,AREA,ZONE,OWNER,VM,VA,NVHI,NVLO,EVHI,EVLO */
        PS_TRY(ps_int(P, 4, "AREA", 1, &b.area));
        PS_TRY(ps_int(P, 5, "ZONE", 1, &b.zone));
        PS_TRY(ps_num_nonneg(P, 7, "VM", 1.0, &b.vm));
        PS_TRY(ps_num(P, 8, "VA", 0.0, &b.va));
        PS_TRY(ps_num(P, 9, "NVHI", 1.1, &b.vmax));
        PS_TRY(ps_num(P, 10, "NVLO", 0.9, &b.vmin));
    }
    if (b.base_kv < 0)
        return ps_field_error(P, "BASKV", "expected a base voltage >= 0 kV, found %g", b.base_kv);
    b.gs = gl;
    b.bs = bl;
    if (!(b.name = ps_text(&P->L, 1)))
        return ps_oom(P);
    P->bus[P->nb++] = b;
    return GR_OK;
}

int ps_read_load(ps_parser *P)
{
    int row, status;
    double pl, ql, ip, iq, yp, yq;
    PS_TRY(ps_bus_field(P, 0, "I", &row));
    PS_TRY(ps_int(P, 2, "STATUS", 1, &status));
    PS_TRY(ps_num(P, 5, "PL", 0.0, &pl));
    PS_TRY(ps_num(P, 6, "QL", 0.0, &ql));
    PS_TRY(ps_num(P, 7, "IP", 0.0, &ip));
    PS_TRY(ps_num(P, 8, "IQ", 0.0, &iq));
    PS_TRY(ps_num(P, 9, "YP", 0.0, &yp));
    PS_TRY(ps_num(P, 10, "YQ", 0.0, &yq));
    if (status <= 0)
        return GR_OK;
    ps_bus *b = &P->bus[row];
    double v = b->vm;
    b->pd += pl + ip * v + yp * v * v;
    b->qd += ql + iq * v - yq * v * v;
    if (ip != 0 || iq != 0 || yp != 0 || yq != 0)
        P->n_iy_load++;
    return GR_OK;
}

int ps_read_fixed_shunt(ps_parser *P)
{
    int row, status;
    double gl, bl;
    PS_TRY(ps_bus_field(P, 0, "I", &row));
    PS_TRY(ps_int(P, 2, "STATUS", 1, &status));
    PS_TRY(ps_num(P, 3, "GL", 0.0, &gl));
    PS_TRY(ps_num(P, 4, "BL", 0.0, &bl));
    if (status > 0) {
        P->bus[row].gs += gl;
        P->bus[row].bs += bl;
    }
    return GR_OK;
}

int ps_read_switched_shunt(ps_parser *P)
{
    int row, status = 1, modsw;
    double binit;
    PS_TRY(ps_bus_field(P, 0, "I", &row));
    int base = P->lay.rev >= 34 ? 1 : 0;   /* v35: I,'ID',MODSW,... */
    PS_TRY(ps_int(P, 1 + base, "MODSW", 1, &modsw));
    if (P->lay.swsh_stat >= 0)
        PS_TRY(ps_int(P, P->lay.swsh_stat, "STAT", 1, &status));
    PS_TRY(ps_num(P, P->lay.swsh_binit, "BINIT", 0.0, &binit));
    if (status > 0) {
        P->bus[row].bs += binit;
        if (modsw != 0)
            P->n_swsh_control++;
    }
    return GR_OK;
}

int ps_read_gen(ps_parser *P)
{
    if (!ps_grow(&P->gen, &P->cap_gen, P->ng, sizeof *P->gen))
        return ps_oom(P);
    int row, ireg, status;
    ps_gen g;
    memset(&g, 0, sizeof g);
    g.line = P->L.line;
    PS_TRY(ps_bus_field(P, 0, "I", &row));
    g.bus = P->bus[row].id;
    PS_TRY(ps_num(P, 2, "PG", 0.0, &g.pg));
    PS_TRY(ps_num(P, 3, "QG", 0.0, &g.qg));
    PS_TRY(ps_num(P, 4, "QT", 9999.0, &g.qmax));
    PS_TRY(ps_num(P, 5, "QB", -9999.0, &g.qmin));
    PS_TRY(ps_num_nonneg(P, 6, "VS", 1.0, &g.vg));
    PS_TRY(ps_int(P, 7, "IREG", 0, &ireg));
    int k = P->lay.gen_nreg ? 9 : 8;   /* v35: I,ID,PG,QG,QT,QB,VS,IREG,NREG,MBASE,... */
    PS_TRY(ps_num_nonneg(P, k, "MBASE", P->sbase, &g.mbase));
    PS_TRY(ps_int(P, k + 6, "STAT", 1, &status));
    PS_TRY(ps_num(P, k + 8, "PT", 9999.0, &g.pmax));
    PS_TRY(ps_num(P, k + 9, "PB", -9999.0, &g.pmin));
    g.status = status > 0;
    /* MATPOWER holds VS at the generator's own bus; PSS/E at IREG. */
    if (ireg != 0 && ireg != g.bus && status > 0) {
        if (!P->n_remote_reg++)
            P->first_remote_reg_line = g.line;
    }
    P->gen[P->ng++] = g;
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Branches
 * ------------------------------------------------------------------------ */
static int add_branch(ps_parser *P, const ps_branch *b)
{
    if (!ps_grow(&P->br, &P->cap_br, P->nl, sizeof *P->br))
        return ps_oom(P);
    P->br[P->nl++] = *b;
    return GR_OK;
}

/* A fresh branch of the current record and the rows of its buses I, J. */
static int read_ends(ps_parser *P, ps_branch *b, int *fi, int *ti)
{
    memset(b, 0, sizeof *b);
    b->line = P->L.line;
    PS_TRY(ps_bus_field(P, 0, "I", fi));
    return ps_bus_field(P, 1, "J", ti);
}

/* Ends (bus rows fi, ti) and status of a branch read from the current record. */
static int set_ends(ps_parser *P, ps_branch *b, int fi, int ti, int st)
{
    if (fi == ti)
        return ps_field_error(P, "J", "the branch joins bus %d to itself", P->bus[fi].id);
    b->f = P->bus[fi].id;
    b->t = P->bus[ti].id;
    b->status = st > 0;
    return GR_OK;
}

int ps_read_branch(ps_parser *P)
{
    int fi, ti, st;
    ps_branch b;
    PS_TRY(read_ends(P, &b, &fi, &ti));
    PS_TRY(ps_num(P, 3, "R", 0.0, &b.r));
    PS_TRY(ps_num_req(P, 4, "X", &b.x));
    PS_TRY(ps_num(P, 5, "B", 0.0, &b.b));
    /* v30-33: RATEA,RATEB,RATEC,GI,BI,GJ,BJ,ST; v34+: NAME,RATE1..RATE12,GI,BI,GJ,BJ,ST */
    int r0 = P->lay.branch_name ? 7 : 6, g0 = P->lay.branch_name ? 19 : 9;
    double gi, bi, gj, bj;
    PS_TRY(ps_num_nonneg(P, r0, P->lay.branch_name ? "RATE1" : "RATEA", 0.0, &b.rate_a));
    PS_TRY(ps_num_nonneg(P, r0 + 1, P->lay.branch_name ? "RATE2" : "RATEB", 0.0, &b.rate_b));
    PS_TRY(ps_num_nonneg(P, r0 + 2, P->lay.branch_name ? "RATE3" : "RATEC", 0.0, &b.rate_c));
    PS_TRY(ps_num(P, g0, "GI", 0.0, &gi));
    PS_TRY(ps_num(P, g0 + 1, "BI", 0.0, &bi));
    PS_TRY(ps_num(P, g0 + 2, "GJ", 0.0, &gj));
    PS_TRY(ps_num(P, g0 + 3, "BJ", 0.0, &bj));
    PS_TRY(ps_int(P, g0 + 4, "ST", 1, &st));
    if (b.r == 0 && b.x == 0)
        return ps_field_error(P, "X", "R and X are both 0 (a zero-impedance line cannot be modelled)");
    PS_TRY(set_ends(P, &b, fi, ti, st));
    if (b.status) {
        P->bus[fi].gs += gi * P->sbase;
        P->bus[fi].bs += bi * P->sbase;
        P->bus[ti].gs += gj * P->sbase;
        P->bus[ti].bs += bj * P->sbase;
    }
    if (b.r == 0 && fabs(b.x) <= 1e-4)   /* PSS/E's default THRSHZ */
        P->n_zero_x++;
    return add_branch(P, &b);
}

/* v35 system switching device: I,J,'CKT',X,RATE1..RATE12,STAT,NSTAT,MET,STYPE,'NAME'. */
int ps_read_switching_device(ps_parser *P)
{
    int fi, ti, st;
    ps_branch b;
    PS_TRY(read_ends(P, &b, &fi, &ti));
    PS_TRY(ps_num(P, 3, "X", 1e-4, &b.x));
    PS_TRY(ps_num_nonneg(P, 4, "RATE1", 0.0, &b.rate_a));
    PS_TRY(ps_num_nonneg(P, 5, "RATE2", 0.0, &b.rate_b));
    PS_TRY(ps_num_nonneg(P, 6, "RATE3", 0.0, &b.rate_c));
    PS_TRY(ps_int(P, 16, "STAT", 1, &st));
    if (b.x == 0)
        return ps_field_error(P, "X", "expected a non-zero reactance, found 0");
    PS_TRY(set_ends(P, &b, fi, ti, st));
    if (fabs(b.x) <= 1e-4)
        P->n_zero_x++;
    return add_branch(P, &b);
}

/* ------------------------------------------------------------------------
 * Transformers
 * ------------------------------------------------------------------------ */
/* One winding line: WINDV, NOMV, ANG, three ratings, COD. */
typedef struct winding {
    double windv, nomv, ang, rate[3];
    int cod;
} winding;

static int next_record_line(ps_parser *P, int k, int of)
{
    int prev = P->L.line;
    if (!ps_next_line(P))
        return ps_error(P, prev, "%s, record %d: expected line %d of %d of the record, found the end "
                                 "of the file", P->section, P->record, k, of);
    return GR_OK;
}

static int read_winding(ps_parser *P, int w, winding *d)
{
    static const char *const names[3][4] = {{"WINDV1", "NOMV1", "ANG1", "COD1"},
                                            {"WINDV2", "NOMV2", "ANG2", "COD2"},
                                            {"WINDV3", "NOMV3", "ANG3", "COD3"}};
    static const char *const rnames[3][3] = {{"RATA1", "RATB1", "RATC1"},
                                             {"RATA2", "RATB2", "RATC2"},
                                             {"RATA3", "RATB3", "RATC3"}};
    PS_TRY(ps_num(P, 0, names[w][0], 1.0, &d->windv));
    PS_TRY(ps_num(P, 1, names[w][1], 0.0, &d->nomv));
    PS_TRY(ps_num(P, 2, names[w][2], 0.0, &d->ang));
    for (int k = 0; k < 3; k++)
        PS_TRY(ps_num_nonneg(P, 3 + k, rnames[w][k], 0.0, &d->rate[k]));
    PS_TRY(ps_int(P, 3 + P->lay.xf_rates, names[w][3], 0, &d->cod));
    return GR_OK;
}

/* Off-nominal ratio of a winding on its bus's base voltage (CW = 1, 2, 3). */
static double winding_ratio(int cw, const winding *d, double bus_kv)
{
    if (cw == 2)
        return d->windv / bus_kv;
    if (cw == 3)
        return d->windv * (d->nomv > 0 ? d->nomv : bus_kv) / bus_kv;
    return d->windv;
}

/* Series impedance on the system base at the winding bus's base voltage
 * (CZ = 1: as given; 2: pu on SBASEw and NOMV; 3: load loss in W and |Z| pu). */
static void winding_impedance(const ps_parser *P, int cz, double r, double x, double sb,
                              double nomv, double bus_kv, double *ro, double *xo)
{
    if (cz == 3) {
        double rw = r / 1e6 / sb;
        x = x * x > rw * rw ? sqrt(x * x - rw * rw) : 0.0;
        r = rw;
    }
    if (cz == 2 || cz == 3) {
        double v = nomv > 0 && bus_kv > 0 ? nomv / bus_kv : 1.0;
        r *= v * v * P->sbase / sb;
        x *= v * v * P->sbase / sb;
    }
    *ro = r;
    *xo = x;
}

int ps_read_transformer(ps_parser *P)
{
    int line1 = P->L.line, row[3] = {-1, -1, -1}, k_id, cw, cz, cm, stat;
    double mag1, mag2;
    PS_TRY(ps_bus_field(P, 0, "I", &row[0]));
    PS_TRY(ps_bus_field(P, 1, "J", &row[1]));
    PS_TRY(ps_int(P, 2, "K", 0, &k_id));
    int three = k_id != 0;
    if (three)
        PS_TRY(ps_bus_field(P, 2, "K", &row[2]));
    PS_TRY(ps_int(P, 4, "CW", 1, &cw));
    PS_TRY(ps_int(P, 5, "CZ", 1, &cz));
    PS_TRY(ps_int(P, 6, "CM", 1, &cm));
    PS_TRY(ps_num(P, 7, "MAG1", 0.0, &mag1));
    PS_TRY(ps_num(P, 8, "MAG2", 0.0, &mag2));
    PS_TRY(ps_int(P, 11, "STAT", 1, &stat));
    if (cw < 1 || cw > 3)
        return ps_field_error(P, "CW", "expected a winding data code 1, 2 or 3, found %d", cw);
    if (cz < 1 || cz > 3)
        return ps_field_error(P, "CZ", "expected an impedance data code 1, 2 or 3, found %d", cz);
    if (cm < 1 || cm > 2)
        return ps_field_error(P, "CM", "expected a magnetising data code 1 or 2, found %d", cm);
    int nw = three ? 3 : 2;
    for (int a = 0; a < nw; a++)
        for (int b = a + 1; b < nw; b++)
            if (row[a] == row[b])
                return ps_field_error(P, b == 1 ? "J" : "K", "the transformer joins bus %d to itself",
                                      P->bus[row[a]].id);
    if (cw != 1)
        for (int a = 0; a < nw; a++)
            if (!(P->bus[row[a]].base_kv > 0))
                return ps_field_error(P, "CW", "CW = %d needs the base voltage of bus %d, found %g kV",
                                      cw, P->bus[row[a]].id, P->bus[row[a]].base_kv);
    char *name = ps_text(&P->L, 10);
    if (!name)
        return ps_oom(P);

    /* line 2: R1-2,X1-2,SBASE1-2[,R2-3,X2-3,SBASE2-3,R3-1,X3-1,SBASE3-1,VMSTAR,ANSTAR] */
    double z[3][3] = {{0}}, vmstar = 1.0, anstar = 0.0;   /* R, X, SBASE of 1-2, 2-3, 3-1 */
    static const char *const zn[3][3] = {{"R1-2", "X1-2", "SBASE1-2"},
                                         {"R2-3", "X2-3", "SBASE2-3"},
                                         {"R3-1", "X3-1", "SBASE3-1"}};
    int st = next_record_line(P, 2, three ? 5 : 4);
    for (int p = 0; p < (three ? 3 : 1) && st == GR_OK; p++) {
        if ((st = ps_num(P, 3 * p, zn[p][0], 0.0, &z[p][0])) == GR_OK &&
            (st = ps_num_req(P, 3 * p + 1, zn[p][1], &z[p][1])) == GR_OK &&
            (st = ps_num(P, 3 * p + 2, zn[p][2], P->sbase, &z[p][2])) == GR_OK && cz != 1 &&
            !(z[p][2] > 0))
            st = ps_field_error(P, zn[p][2], "expected a winding base > 0 MVA for CZ = %d, found %g",
                                cz, z[p][2]);
    }
    if (st == GR_OK && three && (st = ps_num_nonneg(P, 9, "VMSTAR", 1.0, &vmstar)) == GR_OK)
        st = ps_num(P, 10, "ANSTAR", 0.0, &anstar);
    winding w[3];
    memset(w, 0, sizeof w);
    for (int a = 0; a < nw && st == GR_OK; a++) {
        if ((st = next_record_line(P, 3 + a, three ? 5 : 4)) != GR_OK)
            break;
        if (!three && a == 1) {   /* two-winding line 4: WINDV2, NOMV2 only */
            if ((st = ps_num(P, 0, "WINDV2", 1.0, &w[1].windv)) == GR_OK)
                st = ps_num(P, 1, "NOMV2", 0.0, &w[1].nomv);
        } else {
            st = read_winding(P, a, &w[a]);
        }
        if (st == GR_OK && cw == 2 && ps_field_empty(&P->L, 0))
            w[a].windv = P->bus[row[a]].base_kv;   /* CW = 2: the default is the bus's kV */
    }
    if (st != GR_OK) {
        gr_free(name);
        return st;
    }
    int n_on = 0;
    for (int a = 0; a < nw; a++)
        if (w[a].cod != 0 && stat != 0)
            n_on = 1;
    P->n_tap_control += n_on;

    /* Magnetising admittance: a shunt at the winding-1 bus. */
    double gm = 0, bm = 0;
    if (cm == 1) {
        gm = mag1;
        bm = mag2;
    } else {
        double kv = P->bus[row[0]].base_kv, nomv = w[0].nomv > 0 ? w[0].nomv : kv;
        double v = kv > 0 && nomv > 0 ? kv / nomv : 1.0;   /* MAG2 is at NOMV1 */
        gm = mag1 / 1e6 / P->sbase;
        double y = mag2 * z[0][2] / P->sbase * v * v;
        bm = y > fabs(gm) ? -sqrt(y * y - gm * gm) : 0.0;
    }
    if (stat != 0 && (gm != 0 || bm != 0)) {
        P->bus[row[0]].gs += gm * P->sbase;
        P->bus[row[0]].bs += bm * P->sbase;
    }

    double t[3];
    for (int a = 0; a < nw; a++) {
        t[a] = winding_ratio(cw, &w[a], P->bus[row[a]].base_kv);
        if (!(t[a] > 0) || !isfinite(t[a])) {
            gr_free(name);
            return ps_error(P, line1, "%s, record %d, field WINDV%d: expected a positive ratio, "
                                      "found %g", P->section, P->record, a + 1, t[a]);
        }
    }
    ps_branch b;
    memset(&b, 0, sizeof b);
    b.line = line1;
    if (!three) {
        double r, x;
        winding_impedance(P, cz, z[0][0], z[0][1], z[0][2], w[0].nomv, P->bus[row[0]].base_kv, &r, &x);
        gr_free(name);
        if (r == 0 && x == 0)
            return ps_error(P, line1, "%s, record %d, field X1-2: R1-2 and X1-2 are both 0",
                            P->section, P->record);
        b.f = P->bus[row[0]].id;
        b.t = P->bus[row[1]].id;
        b.r = r * t[1] * t[1];
        b.x = x * t[1] * t[1];
        b.tap = t[0] / t[1];
        b.shift = w[0].ang;
        b.rate_a = w[0].rate[0];
        b.rate_b = w[0].rate[1];
        b.rate_c = w[0].rate[2];
        b.status = stat > 0;
        return add_branch(P, &b);
    }

    /* Three windings: a star bus and three branches winding -> star. */
    if (P->star_base <= P->max_id || P->star_base > INT_MAX - P->n_star - 1) {
        gr_free(name);
        return ps_error(P, line1, "%s, record %d: bus numbers too large to number a star bus",
                        P->section, P->record);
    }
    if (!ps_grow(&P->bus, &P->cap_bus, P->nb, sizeof *P->bus)) {
        gr_free(name);
        return ps_oom(P);
    }
    double r[3], x[3];
    for (int p = 0; p < 3; p++)   /* Z1-2 on winding 1's voltage, Z2-3 on 2's, Z3-1 on 3's */
        winding_impedance(P, cz, z[p][0], z[p][1], z[p][2], w[p].nomv, P->bus[row[p]].base_kv, &r[p],
                          &x[p]);
    double rs[3] = {(r[0] + r[2] - r[1]) / 2, (r[0] + r[1] - r[2]) / 2, (r[2] + r[1] - r[0]) / 2};
    double xs[3] = {(x[0] + x[2] - x[1]) / 2, (x[0] + x[1] - x[2]) / 2, (x[2] + x[1] - x[0]) / 2};
    const ps_bus *w1 = &P->bus[row[0]];
    ps_bus s;
    memset(&s, 0, sizeof s);
    s.id = P->star_base + ++P->n_star;
    s.type = stat == 0 ? GR_BUS_ISOLATED : GR_BUS_PQ;
    s.area = w1->area;
    s.zone = w1->zone;
    s.line = line1;
    s.base_kv = w1->base_kv;
    s.vm = vmstar;
    s.va = anstar;
    s.vmax = 1.1;
    s.vmin = 0.9;
    s.name = name;
    if (!name[0]) {   /* no name in the file: "STAR <I>-<J>-<K>" */
        char buf[64];
        snprintf(buf, sizeof buf, "STAR %d-%d-%d", P->bus[row[0]].id, P->bus[row[1]].id,
                 P->bus[row[2]].id);
        gr_free(name);
        size_t len = strlen(buf) + 1;
        if (!(s.name = gr_malloc(len)))
            return ps_oom(P);
        memcpy(s.name, buf, len);
    }
    P->bus[P->nb++] = s;
    /* STAT: 0 all off, 1 all on, 2 winding 2 off, 3 winding 3 off, 4 winding 1 off */
    static const int off_code[3] = {4, 2, 3};
    for (int a = 0; a < 3; a++) {
        if (rs[a] == 0 && xs[a] == 0)
            xs[a] = 1e-6;   /* a winding with no impedance of its own: a tie to the star */
        b.f = P->bus[row[a]].id;
        b.t = s.id;
        b.r = rs[a];
        b.x = xs[a];
        b.tap = t[a];
        b.shift = w[a].ang;
        b.rate_a = w[a].rate[0];
        b.rate_b = w[a].rate[1];
        b.rate_c = w[a].rate[2];
        b.status = stat != 0 && stat != off_code[a];
        PS_TRY(add_branch(P, &b));
    }
    return GR_OK;
}
