/* case.c — gr_case lifetime: allocate with MATPOWER defaults, deep copy, free; gr_case_read picks the reader by extension. */
#include <string.h>

#include "gridres.h"
#include "io/matpower.h"

/* Each table's arrays are listed once, so alloc, copy and free cannot drift apart. */
#define BUS_DOUBLES(X) X(pd_mw) X(qd_mvar) X(gs_mw) X(bs_mvar) X(vm_pu) X(va_deg) \
    X(base_kv) X(vmax_pu) X(vmin_pu)
#define BUS_INTS(X) X(bus_i) X(type) X(area) X(zone)
#define GEN_DOUBLES(X) X(pg_mw) X(qg_mvar) X(qmax_mvar) X(qmin_mvar) X(vg_pu) X(mbase_mva) \
    X(pmax_mw) X(pmin_mw) X(pc1) X(pc2) X(qc1min) X(qc1max) X(qc2min) X(qc2max)      \
    X(ramp_agc) X(ramp_10) X(ramp_30) X(ramp_q) X(apf)
#define GEN_INTS(X) X(bus) X(status)
#define BRANCH_DOUBLES(X) X(r_pu) X(x_pu) X(b_pu) X(rate_a_mva) X(rate_b_mva) X(rate_c_mva) \
    X(tap) X(shift_deg) X(angmin_deg) X(angmax_deg)
#define BRANCH_INTS(X) X(f_bus) X(t_bus) X(status)

/* Allocate n zeroed elements of `size` into *p; returns 0 on failure. */
static int zalloc(void *p, size_t n, size_t size)
{
    void **slot = p;
    *slot = gr_calloc(n ? n : 1, size);
    return *slot != NULL;
}

/* Copy n elements of `size` from src into a new array *p (NULL stays NULL). */
static int dup_array(void *p, const void *src, size_t n, size_t size)
{
    void **slot = p;
    *slot = NULL;
    if (!src)
        return 1;
    *slot = gr_malloc(n ? n * size : 1);
    if (!*slot)
        return 0;
    if (n)
        memcpy(*slot, src, n * size);
    return 1;
}

static char *dup_string(const char *s, int *ok)
{
    if (!s)
        return NULL;
    size_t len = strlen(s) + 1;
    char *d = gr_malloc(len);
    if (!d) {
        *ok = 0;
        return NULL;
    }
    memcpy(d, s, len);
    return d;
}

static void free_tables(gr_case *c)
{
#define FREE_BUS(f) gr_free(c->bus.f);
#define FREE_GEN(f) gr_free(c->gen.f);
#define FREE_BRANCH(f) gr_free(c->branch.f);
    BUS_DOUBLES(FREE_BUS) BUS_INTS(FREE_BUS)
    GEN_DOUBLES(FREE_GEN) GEN_INTS(FREE_GEN)
    BRANCH_DOUBLES(FREE_BRANCH) BRANCH_INTS(FREE_BRANCH)
#undef FREE_BUS
#undef FREE_GEN
#undef FREE_BRANCH
    gr_free(c->bus.extra);
    gr_free(c->bus.line);
    gr_free(c->gen.extra);
    gr_free(c->gen.line);
    gr_free(c->branch.line);
    gr_free(c->gencost.x);
}

void gr_case_free(gr_case *c)
{
    if (!c)
        return;
    free_tables(c);
    for (int k = 0; k < c->n_warnings; k++)
        gr_free(c->warnings[k]);
    gr_free(c->warnings);
    if (c->bus_name) {
        for (int k = 0; k < c->bus.n; k++)
            gr_free(c->bus_name[k]);
        gr_free(c->bus_name);
    }
    gr_free(c->path);
    gr_free(c->name);
    gr_free(c);
}

/* MATPOWER's defaults for a fresh row (caseformat; loadcase fills ANGMIN/ANGMAX
 * with -360/360 when a file lacks them). */
static void set_defaults(gr_case *c)
{
    c->base_mva = 100.0;
    for (int k = 0; k < c->bus.n; k++) {
        c->bus.type[k] = GR_BUS_PQ;
        c->bus.vm_pu[k] = 1.0;
    }
    for (int k = 0; k < c->gen.n; k++) {
        c->gen.status[k] = 1;
        c->gen.vg_pu[k] = 1.0;
    }
    for (int k = 0; k < c->branch.n; k++) {
        c->branch.status[k] = 1;
        c->branch.angmin_deg[k] = -360.0;
        c->branch.angmax_deg[k] = 360.0;
    }
    c->gen.n_cols_in_file = 21;
    c->branch.n_cols_in_file = 13;
}

int gr_case_alloc(int nb, int ng, int nl, gr_case **out)
{
    if (!out)
        return GR_EINVAL;
    *out = NULL;
    if (nb < 0 || ng < 0 || nl < 0)
        return GR_EINVAL;
    gr_case *c = gr_calloc(1, sizeof *c);
    if (!c)
        return GR_ENOMEM;
    c->bus.n = nb;
    c->gen.n = ng;
    c->branch.n = nl;
    int ok = 1;
#define ALLOC_BUS_D(f) ok = ok && zalloc(&c->bus.f, (size_t)nb, sizeof(double));
#define ALLOC_BUS_I(f) ok = ok && zalloc(&c->bus.f, (size_t)nb, sizeof(int));
#define ALLOC_GEN_D(f) ok = ok && zalloc(&c->gen.f, (size_t)ng, sizeof(double));
#define ALLOC_GEN_I(f) ok = ok && zalloc(&c->gen.f, (size_t)ng, sizeof(int));
#define ALLOC_BR_D(f) ok = ok && zalloc(&c->branch.f, (size_t)nl, sizeof(double));
#define ALLOC_BR_I(f) ok = ok && zalloc(&c->branch.f, (size_t)nl, sizeof(int));
    BUS_DOUBLES(ALLOC_BUS_D) BUS_INTS(ALLOC_BUS_I)
    GEN_DOUBLES(ALLOC_GEN_D) GEN_INTS(ALLOC_GEN_I)
    BRANCH_DOUBLES(ALLOC_BR_D) BRANCH_INTS(ALLOC_BR_I)
#undef ALLOC_BUS_D
#undef ALLOC_BUS_I
#undef ALLOC_GEN_D
#undef ALLOC_GEN_I
#undef ALLOC_BR_D
#undef ALLOC_BR_I
    if (!ok) {
        gr_case_free(c);
        return GR_ENOMEM;
    }
    set_defaults(c);
    *out = c;
    return GR_OK;
}

int gr_case_copy(const gr_case *c, gr_case **out)
{
    if (!out)
        return GR_EINVAL;
    *out = NULL;
    if (!c)
        return GR_EINVAL;
    gr_case *d = gr_calloc(1, sizeof *d);
    if (!d)
        return GR_ENOMEM;
    *d = *c; /* scalars and counts; every pointer is replaced below */
    d->path = d->name = NULL;
    d->bus_name = NULL;
    d->warnings = NULL;
    d->n_warnings = 0;
    size_t nb = (size_t)c->bus.n, ng = (size_t)c->gen.n, nl = (size_t)c->branch.n;
    int ok = 1;
#define COPY_BUS_D(f) ok = dup_array(&d->bus.f, c->bus.f, nb, sizeof(double)) && ok;
#define COPY_BUS_I(f) ok = dup_array(&d->bus.f, c->bus.f, nb, sizeof(int)) && ok;
#define COPY_GEN_D(f) ok = dup_array(&d->gen.f, c->gen.f, ng, sizeof(double)) && ok;
#define COPY_GEN_I(f) ok = dup_array(&d->gen.f, c->gen.f, ng, sizeof(int)) && ok;
#define COPY_BR_D(f) ok = dup_array(&d->branch.f, c->branch.f, nl, sizeof(double)) && ok;
#define COPY_BR_I(f) ok = dup_array(&d->branch.f, c->branch.f, nl, sizeof(int)) && ok;
    BUS_DOUBLES(COPY_BUS_D) BUS_INTS(COPY_BUS_I)
    GEN_DOUBLES(COPY_GEN_D) GEN_INTS(COPY_GEN_I)
    BRANCH_DOUBLES(COPY_BR_D) BRANCH_INTS(COPY_BR_I)
#undef COPY_BUS_D
#undef COPY_BUS_I
#undef COPY_GEN_D
#undef COPY_GEN_I
#undef COPY_BR_D
#undef COPY_BR_I
    ok = dup_array(&d->bus.extra, c->bus.extra, nb * (size_t)c->bus.n_extra, sizeof(double)) && ok;
    ok = dup_array(&d->gen.extra, c->gen.extra, ng * (size_t)c->gen.n_extra, sizeof(double)) && ok;
    ok = dup_array(&d->bus.line, c->bus.line, nb, sizeof(int)) && ok;
    ok = dup_array(&d->gen.line, c->gen.line, ng, sizeof(int)) && ok;
    ok = dup_array(&d->branch.line, c->branch.line, nl, sizeof(int)) && ok;
    ok = dup_array(&d->gencost.x, c->gencost.x,
                   (size_t)c->gencost.n * (size_t)c->gencost.cols, sizeof(double)) && ok;
    d->path = dup_string(c->path, &ok);
    d->name = dup_string(c->name, &ok);
    if (ok && c->bus_name) {
        d->bus_name = gr_calloc(nb ? nb : 1, sizeof *d->bus_name);
        if (!d->bus_name)
            ok = 0;
        for (size_t k = 0; ok && k < nb; k++)
            d->bus_name[k] = dup_string(c->bus_name[k], &ok);
    }
    if (ok && c->n_warnings > 0) {
        d->warnings = gr_calloc((size_t)c->n_warnings, sizeof *d->warnings);
        if (!d->warnings)
            ok = 0;
        else
            d->n_warnings = c->n_warnings;
        for (int k = 0; ok && k < c->n_warnings; k++)
            d->warnings[k] = dup_string(c->warnings[k], &ok);
    }
    if (!ok) {
        gr_case_free(d);
        return GR_ENOMEM;
    }
    *out = d;
    return GR_OK;
}

/* The name ends in ".raw", in any case. */
static int is_raw_name(const char *path)
{
    size_t n = strlen(path);
    if (n < 4)
        return 0;
    const char *e = path + n - 4;
    return e[0] == '.' && (e[1] | 0x20) == 'r' && (e[2] | 0x20) == 'a' && (e[3] | 0x20) == 'w';
}

int gr_case_read(const char *path, gr_case **out, gr_error *err)
{
    if (path && is_raw_name(path))
        return gr_case_read_raw(path, out, err);
    return mp_case_read(path, out, err);
}
