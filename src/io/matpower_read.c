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
    if (!out)
        return gr_error_set(err, GR_EINVAL, "gr_case_parse: out is NULL");
    *out = NULL;
    if (!text && len > 0)
        return gr_error_set(err, GR_EINVAL, "gr_case_parse: text is NULL");
    if (len > MP_MAX_INPUT)
        return gr_error_set(err, GR_EINVAL, "%s: input larger than 2 GiB", name ? name : "<memory>");
    char *copy = gr_malloc(len + 1);
    if (!copy)
        return gr_error_set(err, GR_ENOMEM, "%s: out of memory", name ? name : "<memory>");
    if (len)
        memcpy(copy, text, len);
    copy[len] = 0;
    int st = parse_terminated(copy, len, name, out, err);
    gr_free(copy);
    return st;
}

/* Whole file into a NUL-terminated buffer. */
static int read_file(const char *path, char **text, size_t *len, gr_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return gr_error_set(err, GR_EIO, "%s: cannot open for reading", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = gr_malloc(cap);
    int st = buf ? GR_OK : gr_error_set(err, GR_ENOMEM, "%s: out of memory", path);
    while (st == GR_OK) {
        if (cap - n < 2) {
            if (cap > MP_MAX_INPUT) {
                st = gr_error_set(err, GR_EINVAL, "%s: file larger than 2 GiB", path);
                break;
            }
            char *b = gr_realloc(buf, 2 * cap);
            if (!b) {
                st = gr_error_set(err, GR_ENOMEM, "%s: out of memory", path);
                break;
            }
            buf = b;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                st = gr_error_set(err, GR_EIO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (st != GR_OK) {
        gr_free(buf);
        return st;
    }
    buf[n] = 0;
    *text = buf;
    *len = n;
    return GR_OK;
}

int mp_case_read(const char *path, gr_case **out, gr_error *err)
{
    if (!out)
        return gr_error_set(err, GR_EINVAL, "gr_case_read: out is NULL");
    *out = NULL;
    if (!path)
        return gr_error_set(err, GR_EINVAL, "gr_case_read: path is NULL");
    char *text = NULL;
    size_t len = 0;
    int st = read_file(path, &text, &len, err);
    if (st != GR_OK)
        return st;
    gr_case *c = NULL;
    st = parse_terminated(text, len, path, &c, err);
    gr_free(text);
    if (st != GR_OK)
        return st;
    size_t plen = strlen(path) + 1;
    if (!(c->path = gr_malloc(plen))) {
        gr_case_free(c);
        return gr_error_set(err, GR_ENOMEM, "%s: out of memory", path);
    }
    memcpy(c->path, path, plen);
    *out = c;
    return GR_OK;
}
