/* matpower_read.c — MATPOWER version-2 case reader: the entry points; the stages are matpower_*.c (see matpower_internal.h). */
/*
 * DESIGN
 * A MATPOWER case file is a MATLAB function (see MATPOWER's caseformat.m). We
 * run the small subset of MATLAB that case files use, in one pass:
 *   - `function mpc = NAME`; `mpc.version`, `mpc.baseMVA` (a scalar expression:
 *     case533mt_* say `50/3`);
 *   - `mpc.bus/gen/branch/gencost = [ ... ];` read by a fast character scanner
 *     (mp_scan_data_matrix) that takes only signed number literals, Inf and NaN —
 *     these tables are nearly all of a file's bytes;
 *   - `mpc.bus_name = { 'a'; 'b' };`
 *   - the unit conversions that MATPOWER's distribution cases append, e.g.
 *     `mpc.bus(:, [PD, QD]) = mpc.bus(:, [PD, QD]) / 1e3;` after
 *     `[PQ, PV, ...] = idx_bus;`, scalar variables, and `if c ... else ... end`
 *     (case8387pegase's `if fixed`). A small evaluator (matpower_eval.c)
 *     computes these with MATLAB's double arithmetic, so the data match
 *     MATPOWER's loadcase;
 *   - anything else is skipped when it cannot change the case (unknown fields
 *     such as mpc.areas, mpc.gentype, mpc.dcline; commands such as
 *     define_constants), and is an error when it would (loops, assignments
 *     to the tables that we cannot evaluate).
 * Tables stay "raw" (as in the file: rows x columns, row-major) until the end,
 * so conversions index them with MATPOWER's column numbers; then they become a
 * gr_case and are validated. Every error is GR_EPARSE with "PATH:LINE:COL:
 * expected ..., found ..."; a row's fields are located by rescanning the row
 * (mp_field_pos), so no positions are stored per number.
 */
#include <stdio.h>
#include <string.h>

#include "io/file_read.h"
#include "io/matpower_internal.h"

/* ------------------------------------------------------------------------
 * Entry points
 * ------------------------------------------------------------------------ */
static void parser_release(mp_parser *P)
{
    for (int k = 0; k < TB_COUNT; k++)
        mp_table_release(P, k);
    mp_free_names(P);
    gr_free(P->fname);
    for (int k = 0; k < P->n_vars; k++)
        mp_ev_free(&P->vars[k].v);
    gr_free(P->vars);
}

/* Parse text[0..len) with text[len] == 0. */
static int parse_terminated(const char *text, size_t len, const char *name, gr_case **out,
                            gr_error *err)
{
    mp_parser P;
    memset(&P, 0, sizeof P);
    P.text = P.p = P.line_start = text;
    P.end = text + len;
    P.line = 1;
    P.name = name ? name : "<memory>";
    P.err = err;
    P.sv = "mpc";
    P.sv_len = 3;
    P.tok.kind = T_NL;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) /* UTF-8 byte order mark */
        P.p = P.line_start = text + 3;
    const char *kw;
    int st = mp_lex(&P);
    if (st == GR_OK)
        st = mp_parse_statements(&P, 0, &kw);
    if (st == GR_OK)
        st = mp_build_case(&P, out);
    parser_release(&P);
    return st;
}

int gr_case_parse(const char *text, size_t len, const char *name, gr_case **out, gr_error *err)
{
    return io_case_parse_text("gr_case_parse", text, len, name, MP_MAX_INPUT, parse_terminated,
                              out, err);
}

int mp_case_read(const char *path, gr_case **out, gr_error *err)
{
    return io_case_read_file("gr_case_read", path, MP_MAX_INPUT, parse_terminated, out, err);
}
