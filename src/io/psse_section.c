/* psse_section.c — PSS/E RAW reader: the file's layout (case identification, version, sections in order) and the sections that are skipped. */
/*
 * DESIGN
 * A RAW file is: the case identification record (IC, SBASE, REV, XFRRAT,
 * NXFRAT, BASFRQ / comment), two lines of free text, then sections in an order
 * fixed by the version, each ended by a record "0" (usually "0 / END OF ...
 * DATA, BEGIN ... DATA"), and "Q" to end the data. Sections are recognised by
 * their place in that order, not by the comments (which are optional).
 * Version 35 adds `@!` column-header lines (skipped everywhere) and a
 * system-wide data section before the buses. The version is REV; when REV is
 * absent, "PSS(R)E-NN" in the comment, else 35 if `@!` lines were seen, else 33.
 * Version 34 is read with version 35's record layouts (12 ratings, branch NAME,
 * generator NREG, switched-shunt ID).
 */
#include <string.h>

#include "io/psse_internal.h"

enum sec_kind {
    S_BUS, S_LOAD, S_FSHUNT, S_GEN, S_BRANCH, S_SWDEV, S_XFMR, S_AREA, S_TWODC, S_VSC,
    S_IMPCOR, S_MTDC, S_MSLINE, S_ZONE, S_IATRANS, S_OWNER, S_FACTS, S_SWSHUNT, S_GNE,
    S_INDMACH, S_SUBST, S_KINDS
};

typedef struct sec_info {
    const char *name;              /* for messages */
    int (*read)(ps_parser *P);     /* NULL: not part of the case */
    int lines_per_record;          /* for skipped sections: 1, 3, or 0 (varies) */
    const char *skip_note;         /* NULL: skipped silently (names only) */
} sec_info;

static const sec_info sections[S_KINDS] = {
    [S_BUS] = {"bus data", ps_read_bus, 1, NULL},
    [S_LOAD] = {"load data", ps_read_load, 1, NULL},
    [S_FSHUNT] = {"fixed shunt data", ps_read_fixed_shunt, 1, NULL},
    [S_GEN] = {"generator data", ps_read_gen, 1, NULL},
    [S_BRANCH] = {"branch data", ps_read_branch, 1, NULL},
    [S_SWDEV] = {"system switching device data", ps_read_switching_device, 1, NULL},
    [S_XFMR] = {"transformer data", ps_read_transformer, 4, NULL},
    [S_AREA] = {"area data", NULL, 1, NULL},
    [S_TWODC] = {"two-terminal DC data", NULL, 3,
                 "two-terminal DC lines are not modelled: the power they carry is missing"},
    [S_VSC] = {"VSC DC line data", NULL, 3,
               "VSC DC lines are not modelled: the power they carry is missing"},
    [S_IMPCOR] = {"impedance correction data", NULL, 0,
                  "impedance correction tables are not applied: transformers keep their "
                  "nominal impedance"},
    [S_MTDC] = {"multi-terminal DC data", NULL, 0, "multi-terminal DC systems are not modelled"},
    [S_MSLINE] = {"multi-section line data", NULL, 1,
                  "multi-section line groupings are not kept (their sections are branches "
                  "in the branch data)"},
    [S_ZONE] = {"zone data", NULL, 1, NULL},
    [S_IATRANS] = {"inter-area transfer data", NULL, 1, NULL},
    [S_OWNER] = {"owner data", NULL, 1, NULL},
    [S_FACTS] = {"FACTS device data", NULL, 1, "FACTS devices are not modelled"},
    [S_SWSHUNT] = {"switched shunt data", ps_read_switched_shunt, 1, NULL},
    [S_GNE] = {"GNE device data", NULL, 0, "GNE devices are not modelled"},
    [S_INDMACH] = {"induction machine data", NULL, 1,
                   "induction machines are not modelled: their power is missing"},
    [S_SUBST] = {"substation data", NULL, 0,
                 "substation (node-breaker) data is not used; the bus-branch data is"},
};

/* Section order of each version (PSS/E POM, "Power Flow Raw Data File Contents";
 * MATPOWER's psse_parse.m). */
static const int order30[] = {S_BUS, S_LOAD, S_GEN, S_BRANCH, S_XFMR, S_AREA, S_TWODC, S_VSC,
                              S_SWSHUNT, S_IMPCOR, S_MTDC, S_MSLINE, S_ZONE, S_IATRANS, S_OWNER,
                              S_FACTS};
static const int order31[] = {S_BUS, S_LOAD, S_FSHUNT, S_GEN, S_BRANCH, S_XFMR, S_AREA, S_TWODC,
                              S_VSC, S_IMPCOR, S_MTDC, S_MSLINE, S_ZONE, S_IATRANS, S_OWNER,
                              S_FACTS, S_SWSHUNT};
static const int order33[] = {S_BUS, S_LOAD, S_FSHUNT, S_GEN, S_BRANCH, S_XFMR, S_AREA, S_TWODC,
                              S_VSC, S_IMPCOR, S_MTDC, S_MSLINE, S_ZONE, S_IATRANS, S_OWNER,
                              S_FACTS, S_SWSHUNT, S_GNE, S_INDMACH};
static const int order35[] = {S_BUS, S_LOAD, S_FSHUNT, S_GEN, S_BRANCH, S_SWDEV, S_XFMR, S_AREA,
                              S_TWODC, S_VSC, S_IMPCOR, S_MTDC, S_MSLINE, S_ZONE, S_IATRANS,
                              S_OWNER, S_FACTS, S_SWSHUNT, S_GNE, S_INDMACH, S_SUBST};

/* ------------------------------------------------------------------------
 * Case identification
 * ------------------------------------------------------------------------ */
/* "PSS(R)E-33", "PSS/E-30", "PSS(tm)E-29" in a comment: the number, or 0. */
static int rev_from_comment(const char *s, const char *e)
{
    for (const char *p = s; s && p + 3 <= e; p++) {
        if (memcmp(p, "PSS", 3) != 0)
            continue;
        for (const char *q = p + 3; q + 2 < e && q < p + 12; q++)
            if (q[0] == 'E' && q[1] == '-' && q[2] >= '0' && q[2] <= '9') {
                int v = 0;
                for (q += 2; q < e && *q >= '0' && *q <= '9' && v < 1000; q++)
                    v = 10 * v + (*q - '0');
                return v;
            }
    }
    return 0;
}

static void set_layout(ps_layout *lay, int rev)
{
    memset(lay, 0, sizeof *lay);
    lay->rev = rev;
    lay->bus_has_shunt = rev < 31;
    lay->branch_name = lay->gen_nreg = rev >= 34;
    lay->xf_rates = rev >= 34 ? 12 : 3;
    if (rev < 32) {          /* I,MODSW,VSWHI,VSWLO,SWREM,RMPCT,'RMIDNT',BINIT */
        lay->swsh_binit = 7;
        lay->swsh_stat = -1;
    } else if (rev < 34) {   /* I,MODSW,ADJM,STAT,VSWHI,VSWLO,SWREM,RMPCT,'RMIDNT',BINIT */
        lay->swsh_binit = 9;
        lay->swsh_stat = 3;
    } else {                 /* I,'ID',MODSW,ADJM,ST,VSWHI,VSWLO,SWREG,NREG,RMPCT,'RMIDNT',BINIT */
        lay->swsh_binit = 11;
        lay->swsh_stat = 4;
    }
}

static int read_identification(ps_parser *P)
{
    P->section = "case identification data";
    P->record = 1;
    if (!ps_next_line(P))
        return ps_error(P, P->line > 0 ? P->line : 1,
                        "case identification data: expected IC, SBASE, REV, found the end of the file");
    int ic, rev;
    PS_TRY(ps_int(P, 0, "IC", 0, &ic));
    PS_TRY(ps_num_req(P, 1, "SBASE", &P->sbase));
    if (!(P->sbase > 0))
        return ps_field_error(P, "SBASE", "expected a system base > 0 MVA, found %g", P->sbase);
    PS_TRY(ps_int(P, 2, "REV", 0, &rev));
    int line1 = P->L.line;
    if (rev == 0) {
        rev = rev_from_comment(P->L.comment, P->L.comment_end);
        if (rev == 0) {
            rev = P->saw_headers ? 35 : 33;
            PS_TRY(ps_warn(P, line1, "no REV in the case identification: read as version %d%s", rev,
                        P->saw_headers ? " (it has @! header lines)" : ""));
        }
    }
    if (rev < 30)
        return ps_field_error(P, "REV", "expected a RAW version 30 to 35, found %d", rev);
    if (rev > 35) {
        PS_TRY(ps_warn(P, line1, "RAW version %d is newer than 35: read as version 35", rev));
        rev = 35;
    }
    if (ic != 0)
        PS_TRY(ps_warn(P, line1, "IC = %d marks a change case; it is read as a base case", ic));
    set_layout(&P->lay, rev);
    ps_skip_raw_lines(P, 2);   /* two lines of free text: the case title */
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Sections
 * ------------------------------------------------------------------------ */
static int is_blank_line(const ps_line *L) { return L->nf == 0; }

/* A v35 system-wide record starts with a keyword (GENERAL, GAUSS, RATING, ...). */
static int starts_system_wide(const ps_line *L)
{
    if (L->nf == 0 || L->f[0].quoted || L->f[0].len == 0)
        return 0;
    char c = L->f[0].s[0];
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int comment_has(const ps_line *L, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = L->comment; p && p + n <= L->comment_end; p++)
        if (memcmp(p, word, n) == 0)
            return 1;
    return 0;
}

static int skip_note(ps_parser *P, const sec_info *s, int first_line, int lines,
                     const ps_line *first)
{
    if (!s->skip_note || lines == 0)
        return GR_OK;
    char q[64] = "";
    if (first->nf > 0)
        ps_quote(first->f[0].s, first->f[0].len, q, sizeof q);
    if (s->lines_per_record > 0) {
        int n = (lines + s->lines_per_record - 1) / s->lines_per_record;
        return ps_warn(P, first_line, "%s: %d record%s skipped (first %s): %s", s->name, n,
                       n == 1 ? "" : "s", q, s->skip_note);
    }
    return ps_warn(P, first_line, "%s: %d line%s skipped: %s", s->name, lines, lines == 1 ? "" : "s",
                   s->skip_note);
}

/* Notes that explain where a power flow of the case can differ from PSS/E's. */
static int summary_notes(ps_parser *P)
{
    if (P->n_remote_reg)
        PS_TRY(ps_warn(P, P->first_remote_reg_line,
                    "%d in-service generator%s regulating a remote bus (IREG): the set point VS is "
                    "held at the generator's own bus, as MATPOWER does", P->n_remote_reg,
                    P->n_remote_reg == 1 ? "" : "s"));
    if (P->n_tap_control)
        PS_TRY(ps_warn(P, 0, "%d transformer%s with automatic control (COD not 0) held at the saved "
                          "ratio and angle", P->n_tap_control, P->n_tap_control == 1 ? "" : "s"));
    if (P->n_swsh_control)
        PS_TRY(ps_warn(P, 0, "%d switched shunt%s with voltage control (MODSW not 0) held at BINIT",
                    P->n_swsh_control, P->n_swsh_control == 1 ? "" : "s"));
    if (P->n_zero_x)
        PS_TRY(ps_warn(P, 0, "%d branch%s with R = 0 and |X| <= 0.0001 (PSS/E's default THRSHZ makes "
                          "them zero-impedance ties) keep their X", P->n_zero_x,
                    P->n_zero_x == 1 ? "" : "es"));
    if (P->n_iy_load)
        PS_TRY(ps_warn(P, 0, "%d load%s with constant-current or constant-admittance parts converted "
                          "to constant power at the bus's saved voltage VM, as psse2mpc",
                    P->n_iy_load, P->n_iy_load == 1 ? "" : "s"));
    if (P->n_star)
        PS_TRY(ps_warn(P, 0, "buses %d to %d added as star points of %d three-winding transformer%s",
                    P->star_base + 1, P->star_base + P->n_star, P->n_star, P->n_star == 1 ? "" : "s"));
    return GR_OK;
}

int ps_parse_file(ps_parser *P)
{
    PS_TRY(read_identification(P));
    const int *order;
    int n_order;
    if (P->lay.rev == 30) {
        order = order30;
        n_order = (int)(sizeof order30 / sizeof *order30);
    } else if (P->lay.rev == 31) {
        order = order31;
        n_order = (int)(sizeof order31 / sizeof *order31);
    } else if (P->lay.rev == 32) {   /* as 33, without induction machines */
        order = order33;
        n_order = (int)(sizeof order33 / sizeof *order33) - 1;
    } else if (P->lay.rev == 33) {
        order = order33;
        n_order = (int)(sizeof order33 / sizeof *order33);
    } else {
        order = order35;
        n_order = (int)(sizeof order35 / sizeof *order35);
    }

    int have = ps_next_line(P);
    if (have && P->lay.rev >= 34 && !ps_is_q(&P->L) &&
        (starts_system_wide(&P->L) || (ps_is_terminator(&P->L) && comment_has(&P->L, "SYSTEM")))) {
        while (have && !ps_is_terminator(&P->L) && !ps_is_q(&P->L))
            have = ps_next_line(P);
        if (have && ps_is_terminator(&P->L))
            have = ps_next_line(P);
    }
    int indexed = 0;
    for (int s = 0; s < n_order && have && !P->at_end; s++) {
        const sec_info *sec = &sections[order[s]];
        P->section = sec->name;
        P->record = 0;
        int first_line = 0, lines = 0;
        ps_line first;
        first.nf = 0;
        while (have) {
            if (ps_is_q(&P->L)) {
                P->at_end = 1;
                break;
            }
            if (ps_is_terminator(&P->L)) {
                have = ps_next_line(P);
                break;
            }
            if (!is_blank_line(&P->L)) {
                if (!lines++) {
                    first_line = P->L.line;
                    first = P->L;
                }
                P->record++;
                if (sec->read)
                    PS_TRY(sec->read(P));
            }
            have = ps_next_line(P);
        }
        if (order[s] == S_BUS) {
            PS_TRY(ps_index_buses(P));
            indexed = 1;
        }
        PS_TRY(skip_note(P, sec, first_line, lines, &first));
    }
    if (!indexed)
        PS_TRY(ps_index_buses(P));
    if (have && !P->at_end) {   /* sections beyond the version's layout */
        int first_line = P->L.line, lines = 0;
        for (; have && !ps_is_q(&P->L); have = ps_next_line(P))
            lines += !is_blank_line(&P->L) && !ps_is_terminator(&P->L);
        if (lines)
            PS_TRY(ps_warn(P, first_line, "%d line%s after the last section of version %d skipped",
                        lines, lines == 1 ? "" : "s", P->lay.rev));
    }
    P->section = NULL;
    return summary_notes(P);
}
