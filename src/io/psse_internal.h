/* psse_internal.h — private to the PSS/E RAW reader (psse_*.c): records, the case being built, and each stage's entry points. */
#ifndef GRIDRES_IO_PSSE_INTERNAL_H
#define GRIDRES_IO_PSSE_INTERNAL_H

#include <limits.h>
#include <stddef.h>

#include "gridres.h"

/* Stages, each calling only those below it:
 *   psse_read.c      entry points: gr_case_parse_raw, gr_case_read_raw
 *   psse_section.c   the file's layout: header, version, sections in order, skipped sections
 *   psse_record.c    records of the sections that are read (bus ... transformer)
 *   psse_build.c     the rows built so far -> checked gr_case; bus lookup; warnings
 *   psse_lex.c       one line -> fields; numbers; "file:line: ..." errors */

#define PS_MAX_FIELDS 96              /* fields kept per line (v35 switched shunts have 36) */
#define PS_MAX_INPUT ((size_t)INT_MAX - 16)
#define PS_MAX_WARNINGS 64            /* notes kept; the last one says how many were dropped */

/* One field of a line: [s, s + len), quotes removed. */
typedef struct ps_field {
    const char *s;
    int len;
    int quoted;
} ps_field;

/* One line of data, split into fields. */
typedef struct ps_line {
    int line;                    /* 1-based line number */
    int nf;                      /* fields (at most PS_MAX_FIELDS are kept) */
    ps_field f[PS_MAX_FIELDS];
    const char *comment, *comment_end;   /* text after an unquoted '/', or NULL */
} ps_line;

/* Rows of the case being built, in MATPOWER's units (MW, MVAr, pu, degrees). */
typedef struct ps_bus {
    int id, type, area, zone, line;
    double base_kv, vm, va, vmax, vmin;
    double pd, qd, gs, bs;
    char *name;
} ps_bus;

typedef struct ps_gen {
    int bus, status, line;
    double pg, qg, qmax, qmin, vg, mbase, pmax, pmin;
} ps_gen;

typedef struct ps_branch {
    int f, t, status, line;
    double r, x, b, rate_a, rate_b, rate_c, tap, shift;
} ps_branch;

typedef struct ps_bus_key {
    int id, row;
} ps_bus_key;

/* Layout of one RAW version's records (field positions differ between 30 and 35). */
typedef struct ps_layout {
    int rev;
    int bus_has_shunt;       /* v30: GL, BL in the bus record; no fixed-shunt section */
    int branch_name;         /* v34+: NAME after B, then RATE1..RATE12 */
    int gen_nreg;            /* v34+: NREG after IREG */
    int swsh_binit;          /* field of BINIT in a switched-shunt record */
    int swsh_stat;           /* field of its status, -1 when none (v30, v31) */
    int xf_rates;            /* ratings in a winding line (3, or 12 from v34) */
} ps_layout;

typedef struct ps_parser {
    const char *text, *end, *p;  /* input (NUL-terminated at end) and read position */
    int line;                    /* number of the last line read */
    const char *name;            /* file name for messages */
    gr_error *err;
    ps_line L;                   /* the current line */
    const char *section;         /* for messages: "bus data" */
    int record;                  /* 1-based record number within the section */
    ps_layout lay;
    double sbase;
    int saw_headers;             /* a `@!` line was seen (v35 writes them) */
    int at_end;                  /* `Q` or end of input reached */
    /* rows */
    ps_bus *bus;
    int nb, cap_bus;
    ps_gen *gen;
    int ng, cap_gen;
    ps_branch *br;
    int nl, cap_br;
    ps_bus_key *keys;            /* the file's buses sorted by id (after the bus section) */
    int nkeys, max_id;
    int star_base, n_star;       /* star buses of three-winding transformers: star_base + k */
    /* counts for the summary notes */
    int n_remote_reg, first_remote_reg_line;
    int n_tap_control, n_swsh_control, n_zero_x, n_iy_load;
    char **warn;
    int n_warn, cap_warn, n_warn_dropped;
} ps_parser;

/* Return the status of x when it is not GR_OK. */
#define PS_TRY(x)             \
    do {                      \
        int st_ = (x);        \
        if (st_ != GR_OK)     \
            return st_;       \
    } while (0)

/* ---- psse_lex.c */
#if defined(__GNUC__)
#define PS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PS_PRINTF(a, b)
#endif
/* Read the next line into P->L, skipping `@!` header lines; 0 at end of input. */
int ps_next_line(ps_parser *P);
/* Skip the rest of the current physical line and the next n lines (free text). */
void ps_skip_raw_lines(ps_parser *P, int n);
/* The line ends a section ("0", "0 / comment") or the data ("Q"). */
int ps_is_terminator(const ps_line *L);
int ps_is_q(const ps_line *L);
int ps_field_empty(const ps_line *L, int k);
/* Field k as a number / integer / text; `def` when the field is absent or empty.
 * `what` names the field in the error "file:line: section, record N, field WHAT: ...". */
int ps_num(ps_parser *P, int k, const char *what, double def, double *out);
/* ps_num of a magnitude, a base or a rating: >= 0 (the MATPOWER reader's V_NONNEG rule). */
int ps_num_nonneg(ps_parser *P, int k, const char *what, double def, double *out);
int ps_int(ps_parser *P, int k, const char *what, int def, int *out);
/* A required field: an error when absent or empty. */
int ps_num_req(ps_parser *P, int k, const char *what, double *out);
int ps_int_req(ps_parser *P, int k, const char *what, int *out);
/* Text of field k with trailing blanks removed, gr_malloc'd (NULL on no memory). */
char *ps_text(const ps_line *L, int k);
/* GR_EPARSE "file:line: section, record N, field WHAT: message". */
int ps_field_error(ps_parser *P, const char *what, const char *fmt, ...) PS_PRINTF(3, 4);
/* GR_EPARSE "file:line: message". */
int ps_error(ps_parser *P, int line, const char *fmt, ...) PS_PRINTF(3, 4);
int ps_oom(ps_parser *P);
/* Quote up to 24 bytes of a field for a message. */
void ps_quote(const char *s, int len, char *buf, size_t size);

/* ---- psse_build.c */
/* Room for one more row in *arr (count n, capacity *cap); 0 on no memory. */
int ps_grow(void *arr, int *cap, int n, size_t size);
/* Sort the bus ids; a repeated bus number is an error at its later record. */
int ps_index_buses(ps_parser *P);
/* Row of bus `id` among the file's buses, or -1. */
int ps_bus_row(const ps_parser *P, int id);
/* Row of the bus in field k (its number), or an error naming the field. */
int ps_bus_field(ps_parser *P, int k, const char *what, int *row);
/* Add a note "file:line: text" (line 0: no location) to the case's warnings. */
int ps_warn(ps_parser *P, int line, const char *fmt, ...) PS_PRINTF(3, 4);
/* The rows -> a checked gr_case (moves names and warnings into it). */
int ps_build_case(ps_parser *P, gr_case **out);
void ps_release(ps_parser *P);

/* ---- psse_record.c: one record of a section that is read (P->L holds its first line) */
int ps_read_bus(ps_parser *P);
int ps_read_load(ps_parser *P);
int ps_read_fixed_shunt(ps_parser *P);
int ps_read_gen(ps_parser *P);
int ps_read_branch(ps_parser *P);
int ps_read_switching_device(ps_parser *P);
int ps_read_transformer(ps_parser *P);
int ps_read_switched_shunt(ps_parser *P);

/* ---- psse_section.c */
/* Header, then every section to `Q` or the end; rows into P. */
int ps_parse_file(ps_parser *P);

#endif /* GRIDRES_IO_PSSE_INTERNAL_H */
