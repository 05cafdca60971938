/* damage.c — damage sets for restoration planning: damage.json reader (docs/restore.md), allocation, checks. */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "gridres.h"
#include "io/file_read.h"
#include "io/json_read.h"
#include "model/overlay.h"

/* Default lead time of a spare class without "lead_h": 12 months, the middle
 * of the 6-18 months quoted for a new large power transformer (DESIGN §6). */
#define DMG_DEFAULT_LEAD_H 8760.0

static const char *const class_names[GR_DMG_NCLASS] = {"line", "transformer", "gen", "bus"};

const char *gr_damage_class_name(int cls)
{
    return cls >= 0 && cls < GR_DMG_NCLASS ? class_names[cls] : "?";
}

int gr_damage_classify(const gr_grid *g, int kind, int index)
{
    if (kind == GR_ELEM_BUS)
        return GR_DMG_BUS;
    if (kind == GR_ELEM_GEN)
        return GR_DMG_GEN;
    if (!g || index < 0 || index >= g->nl)
        return GR_DMG_LINE;
    return gr_grid_branch_is_transformer(g, index) ? GR_DMG_TRANSFORMER : GR_DMG_LINE;
}

void gr_damage_free(gr_damage *d)
{
    if (!d)
        return;
    if (d->elem)
        for (int i = 0; i < d->n; i++) {
            gr_free(d->elem[i].after);
            gr_free(d->elem[i].label);
        }
    if (d->spare)
        for (int s = 0; s < d->nspare; s++) {
            gr_free(d->spare[s].name);
            gr_free(d->spare[s].on_order_h);
        }
    gr_free(d->elem);
    gr_free(d->spare);
    gr_free(d);
}

int gr_damage_alloc(int n, int nspare, gr_damage **out)
{
    *out = NULL;
    if (n < 0 || nspare < 0)
        return GR_EINVAL;
    gr_damage *d = gr_calloc(1, sizeof *d);
    if (!d)
        return GR_ENOMEM;
    d->elem = gr_calloc((size_t)n + 1, sizeof *d->elem);
    d->spare = gr_calloc((size_t)nspare + 1, sizeof *d->spare);
    if (!d->elem || !d->spare) {
        gr_damage_free(d);
        return GR_ENOMEM;
    }
    d->n = n;
    d->nspare = nspare;
    for (int i = 0; i < n; i++) {
        gr_damage_elem *e = &d->elem[i];
        e->kind = GR_ELEM_BRANCH;
        e->cls = GR_DMG_LINE;
        e->repair_h = NAN;
        e->spare = -1;
        e->x_km = NAN;
        e->y_km = NAN;
    }
    for (int s = 0; s < nspare; s++)
        d->spare[s].lead_h = INFINITY;
    *out = d;
    return GR_OK;
}

/* Kahn's algorithm on the explicit precedence; returns 1 when acyclic. */
static int acyclic(const gr_damage *d)
{
    int n = d->n, ok = 1;
    int *indeg = gr_calloc((size_t)n + 1, sizeof(int));
    int *queue = gr_malloc(((size_t)n + 1) * sizeof(int));
    if (!indeg || !queue) {
        gr_free(indeg);
        gr_free(queue);
        return -1;
    }
    for (int i = 0; i < n; i++)
        indeg[i] = d->elem[i].n_after;
    int head = 0, tail = 0;
    for (int i = 0; i < n; i++)
        if (!indeg[i])
            queue[tail++] = i;
    while (head < tail) {
        int j = queue[head++];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < d->elem[i].n_after; a++)
                if (d->elem[i].after[a] == j && --indeg[i] == 0)
                    queue[tail++] = i;
    }
    ok = tail == n;
    gr_free(indeg);
    gr_free(queue);
    return ok;
}

int gr_damage_check(const gr_damage *d, const gr_grid *g, gr_error *err)
{
    if (!d || !g)
        return gr_error_set(err, GR_EINVAL, "damage: NULL damage set or grid");
    if (d->n < 0 || d->nspare < 0 || (d->n > 0 && !d->elem) || (d->nspare > 0 && !d->spare))
        return gr_error_set(err, GR_EINVAL, "damage: bad sizes");
    for (int s = 0; s < d->nspare; s++) {
        const gr_spare_class *sc = &d->spare[s];
        if (!sc->name || !sc->name[0])
            return gr_error_set(err, GR_EINVAL, "damage: spare class %d has no name", s);
        for (int r = 0; r < s; r++)
            if (strcmp(d->spare[r].name, sc->name) == 0)
                return gr_error_set(err, GR_EINVAL, "damage: spare class '%s' listed twice",
                                    sc->name);
        if (sc->stock < 0 || !(sc->lead_h >= 0.0) || sc->n_on_order < 0 ||
            (sc->n_on_order > 0 && !sc->on_order_h))
            return gr_error_set(err, GR_EINVAL,
                                "damage: spare class '%s': stock, lead time and units on order "
                                "must be >= 0",
                                sc->name);
        for (int k = 0; k < sc->n_on_order; k++)
            if (!(sc->on_order_h[k] >= 0.0) || !isfinite(sc->on_order_h[k]))
                return gr_error_set(err, GR_EINVAL,
                                    "damage: spare class '%s': arrival %d must be a finite "
                                    "number of hours >= 0",
                                    sc->name, k + 1);
    }
    for (int i = 0; i < d->n; i++) {
        const gr_damage_elem *e = &d->elem[i];
        int lim = e->kind == GR_ELEM_BRANCH ? g->nl : e->kind == GR_ELEM_GEN ? g->ng
                  : e->kind == GR_ELEM_BUS  ? g->nb
                                            : -1;
        if (lim < 0)
            return gr_error_set(err, GR_EINVAL, "damage: element %d: unknown kind %d", i + 1,
                                e->kind);
        if (e->index < 0 || e->index >= lim)
            return gr_error_set(err, GR_EINVAL, "damage: element %d: %s %d does not exist",
                                i + 1, gr_elem_kind_name(e->kind), e->index + 1);
        if (e->cls < 0 || e->cls >= GR_DMG_NCLASS)
            return gr_error_set(err, GR_EINVAL, "damage: element %d: unknown class %d", i + 1,
                                e->cls);
        if (!isnan(e->repair_h) && !(e->repair_h >= 0.0 && isfinite(e->repair_h)))
            return gr_error_set(err, GR_EINVAL,
                                "damage: element %d: repair hours %g (must be >= 0)", i + 1,
                                e->repair_h);
        if (e->spare < -1 || e->spare >= d->nspare || (e->spare >= 0 && e->spare_count < 1))
            return gr_error_set(err, GR_EINVAL, "damage: element %d: bad spare %d x %d", i + 1,
                                e->spare, e->spare_count);
        if (isnan(e->x_km) != isnan(e->y_km))
            return gr_error_set(err, GR_EINVAL,
                                "damage: element %d: give both x_km and y_km or neither", i + 1);
        if (e->n_after < 0 || (e->n_after > 0 && !e->after))
            return gr_error_set(err, GR_EINVAL, "damage: element %d: bad precedence list", i + 1);
        for (int a = 0; a < e->n_after; a++)
            if (e->after[a] < 0 || e->after[a] >= d->n || e->after[a] == i)
                return gr_error_set(err, GR_EINVAL,
                                    "damage: element %d: precedence on element %d", i + 1,
                                    e->after[a] + 1);
        for (int j = 0; j < i; j++)
            if (d->elem[j].kind == e->kind && d->elem[j].index == e->index)
                return gr_error_set(err, GR_EINVAL, "damage: elements %d and %d are the same %s",
                                    j + 1, i + 1, gr_elem_kind_name(e->kind));
    }
    int ac = acyclic(d);
    if (ac < 0)
        return gr_error_set(err, GR_ENOMEM, "damage: out of memory");
    if (!ac)
        return gr_error_set(err, GR_EINVAL, "damage: the precedence (after) has a cycle");
    for (int s = 0; s < d->nspare; s++) {
        const gr_spare_class *sc = &d->spare[s];
        long need = 0;
        for (int i = 0; i < d->n; i++)
            if (d->elem[i].spare == s)
                need += d->elem[i].spare_count;
        if (!isfinite(sc->lead_h) && need > (long)sc->stock + sc->n_on_order)
            return gr_error_set(err, GR_EINVAL,
                                "damage: spare class '%s': %ld units needed, %d in stock, %d on "
                                "order and none can be ordered",
                                sc->name, need, sc->stock, sc->n_on_order);
    }
    return GR_OK;
}

/* ------------------------------------------------------------------------
 * Reader.
 * ------------------------------------------------------------------------ */
/* A number in [min, max] (finite). `what` completes "expected …". */
static int rd_num(jr *r, const json_t *v, const char *path, double min, double max,
                  const char *what, double *out)
{
    if (!json_is_number(v))
        return jr_fail(r, path, "expected %s, found %s", what, jr_type(v));
    double x = json_number_value(v);
    if (!isfinite(x) || x < min)
        return jr_fail(r, path, "expected %s, found %g", what, x);
    if (x > max)
        return jr_fail(r, path, "%g is more than the physical maximum of %g "
                                "(docs/input_validation.md)",
                       x, max);
    *out = x;
    return GR_OK;
}

/* Hours: a number in [0, GR_DAMAGE_MAX_HOURS]. */
static int rd_hours(jr *r, const json_t *v, const char *path, const char *what, double *out)
{
    if (json_is_number(v) && json_number_value(v) > GR_DAMAGE_MAX_HOURS)
        return jr_fail(r, path, "%g h is more than the maximum of %g h (10 years; "
                                "docs/input_validation.md)",
                       json_number_value(v), GR_DAMAGE_MAX_HOURS);
    return rd_num(r, v, path, 0.0, GR_DAMAGE_MAX_HOURS, what, out);
}

static int rd_int(jr *r, const json_t *v, const char *path, long long min, long long max,
                  const char *what, long long *out)
{
    if (!json_is_integer(v))
        return jr_fail(r, path, "expected %s, found %s", what, jr_type(v));
    long long x = json_integer_value(v);
    if (x < min)
        return jr_fail(r, path, "expected %s, found %lld", what, x);
    if (x > max)
        return jr_fail(r, path, "expected %s, found %lld (the maximum is %lld)", what, x, max);
    *out = x;
    return GR_OK;
}

static int find_spare(const gr_damage *d, const char *name)
{
    for (int s = 0; s < d->nspare; s++)
        if (strcmp(d->spare[s].name, name) == 0)
            return s;
    return -1;
}

static int rd_spares(jr *r, const json_t *arr, gr_damage *d)
{
    static const char *const fields[] = {"class", "stock", "lead_h", "on_order_h", NULL};
    char p[JR_PATHLEN], q[JR_PATHLEN], s2[JR_PATHLEN];
    int st;
    for (size_t k = 0; k < json_array_size(arr); k++) {
        const json_t *o = json_array_get(arr, k), *v;
        gr_spare_class *sc = &d->spare[k];
        jr_key_index_path(p, "$", "spares", k);
        if ((st = jr_keys(r, o, p, fields)))
            return st;
        jr_key_path(q, p, "class");
        if (!(v = json_object_get(o, "class")))
            return jr_fail(r, p, "missing field \"class\"");
        if (!json_is_string(v) || !json_string_value(v)[0])
            return jr_fail(r, q, "expected a non-empty string, found %s",
                           json_is_string(v) ? "\"\"" : jr_type(v));
        if (find_spare(d, json_string_value(v)) >= 0)
            return jr_fail(r, q, "spare class \"%s\" listed twice", json_string_value(v));
        if (!(sc->name = gr_overlay_strdup(json_string_value(v))))
            return gr_error_set(r->err, GR_ENOMEM, "%s: out of memory", r->name);
        d->nspare = (int)k + 1;
        sc->stock = 0;
        sc->lead_h = DMG_DEFAULT_LEAD_H;
        if ((v = json_object_get(o, "stock"))) {
            long long x = 0;
            jr_key_path(q, p, "stock");
            if ((st = rd_int(r, v, q, 0, GR_DAMAGE_MAX_STOCK, "a non-negative integer", &x)))
                return st;
            sc->stock = (int)x;
        }
        if ((v = json_object_get(o, "lead_h"))) {
            jr_key_path(q, p, "lead_h");
            if (json_is_null(v))
                sc->lead_h = INFINITY;
            else if ((st = rd_hours(r, v, q, "a non-negative number or null", &sc->lead_h)))
                return st;
        }
        if ((v = json_object_get(o, "on_order_h"))) {
            jr_key_path(q, p, "on_order_h");
            if (!json_is_array(v))
                return jr_fail(r, q, "expected an array of hours, found %s", jr_type(v));
            size_t m = json_array_size(v);
            if (m > GR_DAMAGE_MAX_ON_ORDER)
                return jr_fail(r, q, "%zu units on order, more than the maximum of %d",
                               m, GR_DAMAGE_MAX_ON_ORDER);
            sc->on_order_h = gr_malloc((m + 1) * sizeof(double));
            if (!sc->on_order_h)
                return gr_error_set(r->err, GR_ENOMEM, "%s: out of memory", r->name);
            for (size_t j = 0; j < m; j++) {
                jr_key_index_path(s2, p, "on_order_h", j);
                if ((st = rd_hours(r, json_array_get(v, j), s2, "a non-negative number",
                                   &sc->on_order_h[j])))
                    return st;
                sc->n_on_order = (int)j + 1;
            }
        }
    }
    return GR_OK;
}

/* Class defaults given in the file ("repair_h": {"line": 12, …}); NaN = not given. */
static int rd_defaults(jr *r, const json_t *o, double *def)
{
    static const char *const fields[] = {"line", "transformer", "gen", "bus", NULL};
    char q[JR_PATHLEN];
    int st;
    if ((st = jr_keys(r, o, "$.repair_h", fields)))
        return st;
    for (int c = 0; c < GR_DMG_NCLASS; c++) {
        const json_t *v = json_object_get(o, class_names[c]);
        if (!v)
            continue;
        jr_key_path(q, "$.repair_h", class_names[c]);
        if ((st = rd_hours(r, v, q, "a non-negative number", &def[c])))
            return st;
    }
    return GR_OK;
}

static int rd_element(jr *r, const json_t *o, size_t k, const gr_grid *g, const double *def,
                      gr_damage *d)
{
    static const char *const fields[] = {"kind", "row", "from", "to", "bus", "repair_h",
                                         "spare", "spare_count", "x_km", "y_km", "after",
                                         "label", "element", NULL};
    char p[JR_PATHLEN], q[JR_PATHLEN];
    const json_t *v;
    long long x = 0;
    int st;
    gr_damage_elem *e = &d->elem[k];
    jr_key_index_path(p, "$", "elements", k);
    if ((st = jr_keys(r, o, p, fields)))
        return st;
    int forced = -1;
    if ((v = json_object_get(o, "element"))) {
        /* "element": "trafo:3" — the element names of every command (docs/cli.md) */
        gr_element_name en;
        gr_error e2 = {0};
        jr_key_path(q, p, "element");
        if (json_object_get(o, "kind") || json_object_get(o, "row") || json_object_get(o, "from") ||
            json_object_get(o, "to") || json_object_get(o, "bus"))
            return jr_fail(r, p, "give either \"element\" or \"kind\" with row/from/to/bus");
        if (!json_is_string(v))
            return jr_fail(r, q, "expected an element name like \"trafo:3\", found %s",
                           jr_type(v));
        if (gr_element_parse(json_string_value(v), strlen(json_string_value(v)), g, NULL, &en,
                             NULL, &e2) != GR_OK)
            return jr_fail(r, q, "%s", e2.msg);
        e->kind = en.kind;
        e->index = en.index;
        goto classify;
    }
    jr_key_path(q, p, "kind");
    if (!(v = json_object_get(o, "kind")))
        return jr_fail(r, p, "missing field \"kind\" (or \"element\")");
    if (!json_is_string(v))
        return jr_fail(r, q, "expected \"branch\", \"line\", \"transformer\", \"gen\", \"bus\" "
                             "or \"substation\", found %s",
                       jr_type(v));
    const char *kind = json_string_value(v);
    if (strcmp(kind, "branch") == 0) {
        e->kind = GR_ELEM_BRANCH;
    } else if (strcmp(kind, "line") == 0) {
        e->kind = GR_ELEM_BRANCH;
        forced = GR_DMG_LINE;
    } else if (strcmp(kind, "transformer") == 0) {
        e->kind = GR_ELEM_BRANCH;
        forced = GR_DMG_TRANSFORMER;
    } else if (strcmp(kind, "gen") == 0 || strcmp(kind, "generator") == 0) {
        e->kind = GR_ELEM_GEN;
    } else if (strcmp(kind, "bus") == 0 || strcmp(kind, "substation") == 0) {
        e->kind = GR_ELEM_BUS;
    } else {
        return jr_fail(r, q, "expected \"branch\", \"line\", \"transformer\", \"gen\", \"bus\" "
                             "or \"substation\", found \"%s\"",
                       kind);
    }

    /* which element */
    const json_t *row = json_object_get(o, "row"), *from = json_object_get(o, "from"),
                 *to = json_object_get(o, "to"), *bus = json_object_get(o, "bus");
    if (e->kind == GR_ELEM_BUS) {
        if (row || from || to)
            return jr_fail(r, p, "a bus is named by \"bus\" (its number), not row/from/to");
        jr_key_path(q, p, "bus");
        if (!bus)
            return jr_fail(r, p, "missing field \"bus\"");
        if ((st = rd_int(r, bus, q, 1, 2147483647LL, "a bus number", &x)))
            return st;
        e->index = gr_grid_bus_index(g, (int)x);
        if (e->index < 0)
            return jr_fail(r, q, "bus %lld does not exist in the case", x);
    } else if (e->kind == GR_ELEM_GEN) {
        if (bus || from || to)
            return jr_fail(r, p, "a generator is named by \"row\" (1-based row of mpc.gen)");
        jr_key_path(q, p, "row");
        if (!row)
            return jr_fail(r, p, "missing field \"row\"");
        if ((st = rd_int(r, row, q, 1, 2147483647LL, "a 1-based generator row", &x)))
            return st;
        if (x > g->ng)
            return jr_fail(r, q, "generator %lld does not exist (the case has generators 1..%d)",
                           x, g->ng);
        e->index = (int)x - 1;
    } else {
        if (bus)
            return jr_fail(r, p, "a branch is named by \"row\" or by \"from\" and \"to\"");
        if (row && (from || to))
            return jr_fail(r, p, "give either \"row\" or \"from\" and \"to\", not both");
        if (row) {
            jr_key_path(q, p, "row");
            if ((st = rd_int(r, row, q, 1, 2147483647LL, "a 1-based branch row", &x)))
                return st;
            if (x > g->nl)
                return jr_fail(r, q, "branch %lld does not exist (the case has branches 1..%d)",
                               x, g->nl);
            e->index = (int)x - 1;
        } else {
            long long fb = 0, tb = 0;
            if (!from || !to)
                return jr_fail(r, p, "missing field \"%s\" (a branch needs \"row\", or \"from\" "
                                     "and \"to\")",
                               from ? "to" : "from");
            jr_key_path(q, p, "from");
            if ((st = rd_int(r, from, q, 1, 2147483647LL, "a bus number", &fb)))
                return st;
            jr_key_path(q, p, "to");
            if ((st = rd_int(r, to, q, 1, 2147483647LL, "a bus number", &tb)))
                return st;
            int bf = gr_grid_bus_index(g, (int)fb), bt = gr_grid_bus_index(g, (int)tb);
            e->index = -1;
            for (int l = 0; l < g->nl && e->index < 0 && bf >= 0 && bt >= 0; l++)
                if ((g->br_f[l] == bf && g->br_t[l] == bt) || (g->br_f[l] == bt && g->br_t[l] == bf))
                    e->index = l;
            if (e->index < 0)
                return jr_fail(r, p, "no branch between buses %lld and %lld", fb, tb);
        }
    }
classify:
    e->cls = forced >= 0 ? forced : gr_damage_classify(g, e->kind, e->index);
    for (size_t j = 0; j < k; j++)
        if (d->elem[j].kind == e->kind && d->elem[j].index == e->index)
            return jr_fail(r, p, "the same %s as $.elements[%zu]", gr_elem_kind_name(e->kind), j);

    /* repair */
    e->repair_h = def[e->cls];
    if ((v = json_object_get(o, "repair_h"))) {
        jr_key_path(q, p, "repair_h");
        if ((st = rd_hours(r, v, q, "a non-negative number", &e->repair_h)))
            return st;
    }
    e->spare = -1;
    e->spare_count = 0;
    if ((v = json_object_get(o, "spare")) && !json_is_null(v)) {
        jr_key_path(q, p, "spare");
        if (!json_is_string(v))
            return jr_fail(r, q, "expected the name of a spare class, found %s", jr_type(v));
        e->spare = find_spare(d, json_string_value(v));
        if (e->spare < 0)
            return jr_fail(r, q, "unknown spare class \"%s\" (not in $.spares)",
                           json_string_value(v));
        e->spare_count = 1;
    }
    if ((v = json_object_get(o, "spare_count"))) {
        jr_key_path(q, p, "spare_count");
        if (e->spare < 0)
            return jr_fail(r, q, "given without \"spare\"");
        if ((st = rd_int(r, v, q, 1, GR_DAMAGE_MAX_SPARE_COUNT, "a positive integer", &x)))
            return st;
        e->spare_count = (int)x;
    }
    if (e->spare >= 0) {
        const gr_spare_class *sc = &d->spare[e->spare];
        long need = 0;
        for (size_t j = 0; j <= k; j++)
            if (d->elem[j].spare == e->spare)
                need += d->elem[j].spare_count;
        if (!isfinite(sc->lead_h) && need > (long)sc->stock + sc->n_on_order) {
            jr_key_path(q, p, json_object_get(o, "spare_count") ? "spare_count" : "spare");
            return jr_fail(r, q,
                           "more \"%s\" units used than exist: %ld needed so far, %d in stock, "
                           "%d on order, and none can be ordered (lead_h null)",
                           sc->name, need, sc->stock, sc->n_on_order);
        }
    }

    /* site */
    const json_t *vx = json_object_get(o, "x_km"), *vy = json_object_get(o, "y_km");
    if (!vx != !vy)
        return jr_fail(r, p, "give both \"x_km\" and \"y_km\" or neither");
    if (vx) {
        jr_key_path(q, p, "x_km");
        if ((st = rd_num(r, vx, q, -GR_DAMAGE_MAX_KM, GR_DAMAGE_MAX_KM, "a number (km)",
                         &e->x_km)))
            return st;
        jr_key_path(q, p, "y_km");
        if ((st = rd_num(r, vy, q, -GR_DAMAGE_MAX_KM, GR_DAMAGE_MAX_KM, "a number (km)",
                         &e->y_km)))
            return st;
    }
    if ((v = json_object_get(o, "label")) && !json_is_null(v)) {
        jr_key_path(q, p, "label");
        if (!json_is_string(v))
            return jr_fail(r, q, "expected a string, found %s", jr_type(v));
        if (!(e->label = gr_overlay_strdup(json_string_value(v))))
            return gr_error_set(r->err, GR_ENOMEM, "%s: out of memory", r->name);
    }
    return GR_OK;
}

/* "after" lists: read once every element is known. */
static int rd_after(jr *r, const json_t *elems, gr_damage *d)
{
    char p[JR_PATHLEN], q[JR_PATHLEN], s2[JR_PATHLEN];
    int st;
    for (size_t k = 0; k < json_array_size(elems); k++) {
        const json_t *v = json_object_get(json_array_get(elems, k), "after");
        if (!v)
            continue;
        jr_key_index_path(p, "$", "elements", k);
        jr_key_path(q, p, "after");
        if (!json_is_array(v))
            return jr_fail(r, q, "expected an array of element indices, found %s", jr_type(v));
        size_t m = json_array_size(v);
        gr_damage_elem *e = &d->elem[k];
        e->after = gr_malloc((m + 1) * sizeof(int));
        if (!e->after)
            return gr_error_set(r->err, GR_ENOMEM, "%s: out of memory", r->name);
        for (size_t j = 0; j < m; j++) {
            long long x = 0;
            jr_key_index_path(s2, p, "after", j);
            if ((st = rd_int(r, json_array_get(v, j), s2, 0, (long long)d->n - 1,
                             "a 0-based index into $.elements", &x)))
                return st;
            if ((size_t)x == k)
                return jr_fail(r, s2, "an element cannot come after itself");
            e->after[e->n_after++] = (int)x;
        }
    }
    int ac = acyclic(d);
    if (ac < 0)
        return gr_error_set(r->err, GR_ENOMEM, "%s: out of memory", r->name);
    if (!ac)
        return jr_fail(r, "$.elements", "the \"after\" lists form a cycle");
    return GR_OK;
}

static int rd_root(jr *r, const json_t *root, const gr_grid *g, gr_damage **out)
{
    static const char *const fields[] = {"format", "version", "repair_h", "spares", "elements",
                                         "comment", NULL};
    const json_t *v, *spares, *elems;
    int st;
    if ((st = jr_keys(r, root, "$", fields)))
        return st;
    if ((v = json_object_get(root, "format")) &&
        (!json_is_string(v) || strcmp(json_string_value(v), "gridres-damage") != 0))
        return jr_fail(r, "$.format", "expected \"gridres-damage\"");
    if ((v = json_object_get(root, "version"))) {
        long long x;
        if ((st = rd_int(r, v, "$.version", 1, 1, "1", &x)))
            return st;
    }
    double def[GR_DMG_NCLASS];
    for (int c = 0; c < GR_DMG_NCLASS; c++)
        def[c] = NAN;
    if ((v = json_object_get(root, "repair_h")) && (st = rd_defaults(r, v, def)))
        return st;
    spares = json_object_get(root, "spares");
    if (spares && !json_is_array(spares))
        return jr_fail(r, "$.spares", "expected an array, found %s", jr_type(spares));
    elems = json_object_get(root, "elements");
    if (!elems)
        return jr_fail(r, "$", "missing field \"elements\"");
    if (!json_is_array(elems))
        return jr_fail(r, "$.elements", "expected an array, found %s", jr_type(elems));
    size_t ns = spares ? json_array_size(spares) : 0, ne = json_array_size(elems);
    if (ns > 100000 || ne > 1000000)
        return jr_fail(r, "$", "too many elements or spare classes");
    gr_damage *d = NULL;
    if (gr_damage_alloc((int)ne, (int)ns, &d))
        return gr_error_set(r->err, GR_ENOMEM, "%s: out of memory", r->name);
    d->nspare = 0;   /* counts classes read, so the lookup sees only those */
    if (spares && (st = rd_spares(r, spares, d)))
        goto fail;
    for (size_t k = 0; k < ne; k++)
        if ((st = rd_element(r, json_array_get(elems, k), k, g, def, d)))
            goto fail;
    if ((st = rd_after(r, elems, d)))
        goto fail;
    *out = d;
    return GR_OK;
fail:
    gr_damage_free(d);
    return st;
}

int gr_damage_parse(const char *text, size_t len, const char *name, const gr_grid *g,
                    gr_damage **out, gr_error *err)
{
    jr r;
    json_t *root;
    if (!out)
        return gr_error_set(err, GR_EINVAL, "gr_damage_parse: out is NULL");
    *out = NULL;
    if (!text || !g)
        return gr_error_set(err, GR_EINVAL, "gr_damage_parse: text or grid is NULL");
    r.name = name ? name : "(damage)";
    r.err = err;
    int st = jr_load_text(&r, text, len, &root);
    if (st)
        return st;
    st = rd_root(&r, root, g, out);
    json_decref(root);
    return st;
}

int gr_damage_read(const char *path, const gr_grid *g, gr_damage **out, gr_error *err)
{
    if (!out)
        return gr_error_set(err, GR_EINVAL, "gr_damage_read: out is NULL");
    *out = NULL;
    if (!path)
        return gr_error_set(err, GR_EINVAL, "gr_damage_read: path is NULL");
    char *buf;
    size_t len;
    int st = io_read_file(path, &buf, &len, err);
    if (st)
        return st;
    st = gr_damage_parse(buf, len, path, g, out, err);
    gr_free(buf);
    return st;
}
