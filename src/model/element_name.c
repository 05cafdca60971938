/* element_name.c — the one grammar of element names ("branch:12", "line:3", "trafo:2",
 * "gen:1", "bus:45", an overlay's substation or plant name), shared by every command
 * option and input file that names grid elements (docs/cli.md "Element names"). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"

static int kind_is(const char *a, size_t n, const char *word)
{
    return strlen(word) == n && strncmp(a, word, n) == 0;
}

const char *gr_element_kind_name(int kind)
{
    switch (kind) {
    case GR_ELEM_BRANCH: return "branch";
    case GR_ELEM_GEN: return "gen";
    case GR_ELEM_BUS: return "bus";
    case GR_ELEM_SUBSTATION: return "substation";
    case GR_ELEM_PLANT: return "plant";
    default: return "?";
    }
}

int gr_element_parse(const char *name, size_t len, const gr_grid *g, const gr_overlay *ov,
                     gr_element_name *out, size_t *err_at, gr_error *err)
{
    size_t at = 0;
    if (!err_at)
        err_at = &at;
    *err_at = 0;
    out->kind = -1;
    out->index = -1;
    if (len == 0)
        return gr_error_set(err, GR_EPARSE, "empty element name");
    /* overlay names first: a substation or plant may be called "bus:1" by nobody, but
       nothing forbids a name with a colon, and the overlay's own name wins */
    if (ov) {
        for (int s = 0; s < ov->nsub; s++)
            if (ov->sub_name[s] && kind_is(name, len, ov->sub_name[s])) {
                out->kind = GR_ELEM_SUBSTATION;
                out->index = s;
                return GR_OK;
            }
        for (int p = 0; p < ov->nplant; p++)
            if (ov->plant_name[p] && kind_is(name, len, ov->plant_name[p])) {
                out->kind = GR_ELEM_PLANT;
                out->index = p;
                return GR_OK;
            }
    }
    const char *colon = memchr(name, ':', len);
    if (!colon)
        return gr_error_set(err, GR_EPARSE,
                            "expected an element like branch:12, line:3, trafo:2, gen:1 or "
                            "bus:45%s, found '%.*s'",
                            ov ? " (or a substation or plant name of the overlay)" : "", (int)len,
                            name);
    size_t kl = (size_t)(colon - name);
    int kind, want = 0; /* want: 1 a line, 2 a transformer */
    const char *kw;
    if (kind_is(name, kl, "branch")) {
        kind = GR_ELEM_BRANCH, kw = "branch";
    } else if (kind_is(name, kl, "line")) {
        kind = GR_ELEM_BRANCH, kw = "line", want = 1;
    } else if (kind_is(name, kl, "trafo") || kind_is(name, kl, "transformer")) {
        kind = GR_ELEM_BRANCH, kw = "trafo", want = 2;
    } else if (kind_is(name, kl, "gen") || kind_is(name, kl, "generator")) {
        kind = GR_ELEM_GEN, kw = "gen";
    } else if (kind_is(name, kl, "bus")) {
        kind = GR_ELEM_BUS, kw = "bus";
    } else {
        return gr_error_set(err, GR_EPARSE,
                            "unknown element kind '%.*s' in '%.*s' (expected branch, line, "
                            "trafo, gen or bus)",
                            (int)kl, name, (int)len, name);
    }
    *err_at = kl + 1;
    const char *num = colon + 1;
    size_t nl = len - kl - 1;
    long v = 0;
    int ok = nl > 0 && nl < 16;
    for (size_t i = 0; ok && i < nl; i++)
        ok = isdigit((unsigned char)num[i]) != 0;
    if (ok) {
        char buf[16];
        memcpy(buf, num, nl);
        buf[nl] = '\0';
        errno = 0;
        v = strtol(buf, NULL, 10);
        ok = errno == 0 && v <= INT_MAX;
    }
    if (!ok)
        return gr_error_set(err, GR_EPARSE,
                            "expected a %s number (a positive integer) after '%s:', found "
                            "'%.*s' in '%.*s'",
                            kind == GR_ELEM_BUS ? "bus" : "row", kw, (int)nl, num, (int)len, name);
    if (!g) { /* syntax only (gr_outage_parse): rows and bus numbers unchecked */
        if (want)
            return gr_error_set(err, GR_EPARSE, "'%.*s': %s:N needs the case to tell lines from "
                                "transformers", (int)len, name, kw);
        if (v < 1)
            return gr_error_set(err, GR_ENOTFOUND, "'%.*s': rows and bus numbers start at 1",
                                (int)len, name);
        out->kind = kind;
        out->index = kind == GR_ELEM_BUS ? (int)v : (int)v - 1;
        return GR_OK;
    }
    if (kind == GR_ELEM_BUS) {
        int b = gr_grid_bus_index(g, (int)v);
        if (b < 0)
            return gr_error_set(err, GR_ENOTFOUND, "bus:%ld: no bus numbered %ld", v, v);
        out->kind = GR_ELEM_BUS;
        out->index = b;
        return GR_OK;
    }
    int n = kind == GR_ELEM_GEN ? g->ng : g->nl;
    if (v < 1 || v > n)
        return gr_error_set(err, GR_ENOTFOUND, "%s row %ld out of range (the case has %s 1..%d)",
                            kind == GR_ELEM_GEN ? "gen" : "branch", v,
                            kind == GR_ELEM_GEN ? "generators" : "branches", n);
    int k = (int)v - 1;
    if (want) {
        int tr = gr_grid_branch_is_transformer(g, k);
        if (want == 1 && tr)
            return gr_error_set(err, GR_EPARSE,
                                "line:%d: branch row %d is a transformer (write trafo:%d or "
                                "branch:%d)", k + 1, k + 1, k + 1, k + 1);
        if (want == 2 && !tr)
            return gr_error_set(err, GR_EPARSE,
                                "trafo:%d: branch row %d is a line, not a transformer (write "
                                "line:%d or branch:%d)", k + 1, k + 1, k + 1, k + 1);
    }
    out->kind = kind;
    out->index = k;
    return GR_OK;
}

static int push(gr_outage *o, int *cap, int kind, int id)
{
    for (int i = 0; i < o->n; i++)
        if (o->kind[i] == kind && o->id[i] == id)
            return GR_OK; /* named twice (a plant and its generator): once */
    if (o->n == *cap) {
        int nc = *cap ? 2 * *cap : 8;
        int *k = gr_realloc(o->kind, (size_t)nc * sizeof(int));
        if (!k)
            return GR_ENOMEM;
        o->kind = k;
        int *d = gr_realloc(o->id, (size_t)nc * sizeof(int));
        if (!d)
            return GR_ENOMEM;
        o->id = d;
        *cap = nc;
    }
    o->kind[o->n] = kind;
    o->id[o->n++] = id;
    return GR_OK;
}

static void outage_free(gr_outage *o)
{
    if (!o)
        return;
    gr_free(o->kind);
    gr_free(o->id);
    gr_free(o);
}

int gr_outage_parse_names(const char *spec, const gr_grid *g, const gr_overlay *ov,
                          gr_outage **out, gr_error *err)
{
    *out = NULL;
    if (!spec)
        spec = "";
    gr_outage *o = gr_calloc(1, sizeof *o);
    int cap = 0, st = GR_OK, item = 0;
    if (!o)
        return gr_error_set(err, GR_ENOMEM, "out of memory parsing an outage list");
    size_t len = strlen(spec);
    const char *p = spec;
    for (;;) {
        const char *end = strchr(p, ',');
        if (!end)
            end = spec + len;
        item++;
        const char *a = p, *z = end;
        while (a < z && isspace((unsigned char)*a))
            a++;
        while (z > a && isspace((unsigned char)z[-1]))
            z--;
        if (a == z) {
            if (end == spec + len && item == 1)
                break; /* empty list */
            outage_free(o);
            return gr_error_set(err, GR_EPARSE, "outage list '%s': item %d is empty", spec, item);
        }
        gr_element_name e;
        gr_error e2 = {0};
        if ((st = gr_element_parse(a, (size_t)(z - a), g, g ? ov : NULL, &e, NULL, &e2))) {
            outage_free(o);
            return gr_error_set(err, st == GR_ENOTFOUND && !g ? GR_EPARSE : st,
                                "outage list '%s': %s", spec, e2.msg);
        }
        if (e.kind == GR_ELEM_BRANCH)
            st = push(o, &cap, GR_OUTAGE_BRANCH, e.index + 1);
        else if (e.kind == GR_ELEM_GEN)
            st = push(o, &cap, GR_OUTAGE_GEN, e.index + 1);
        else if (e.kind == GR_ELEM_BUS)
            st = push(o, &cap, GR_OUTAGE_BUS, g ? g->bus_id[e.index] : e.index);
        else if (e.kind == GR_ELEM_SUBSTATION) {
            for (int b = 0; b < ov->nb && b < g->nb && !st; b++)
                if (ov->bus_substation[b] == e.index)
                    st = push(o, &cap, GR_OUTAGE_BUS, g->bus_id[b]);
        } else {
            for (int k = 0; k < ov->ng && k < g->ng && !st; k++)
                if (ov->gen_plant[k] == e.index)
                    st = push(o, &cap, GR_OUTAGE_GEN, k + 1);
        }
        if (st) {
            outage_free(o);
            return gr_error_set(err, GR_ENOMEM, "out of memory parsing an outage list");
        }
        if (end == spec + len)
            break;
        p = end + 1;
    }
    *out = o;
    return GR_OK;
}
