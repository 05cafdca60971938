/* geo_csv.c — bus coordinates from a geodata CSV ("bus_id,lon,lat" or "bus_id,x_km,y_km") for the overlay builder.
 *
 * DESIGN. The header line decides the kind: a longitude/latitude pair, or
 * planar kilometres; the three columns may come in any order and further
 * columns are refused, so that a file with the wrong layout fails at its
 * header instead of giving a map of nonsense. Every row is checked (field
 * count, numbers, latitude and longitude ranges, duplicate buses) and the
 * first problem is reported as "path:line: field NAME: message". */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"
#include "io/file_read.h"

enum { COL_BUS = 0, COL_X = 1, COL_Y = 2, NCOL = 3 };

void gr_bus_geo_free(gr_bus_geo *geo)
{
    if (!geo)
        return;
    gr_free(geo->bus_id);
    gr_free(geo->x);
    gr_free(geo->y);
    gr_free(geo->line);
    gr_free(geo->path);
    gr_free(geo);
}

/* Split `line` (modified in place) at commas into at most max fields,
 * trimming spaces, tabs and a trailing '\r'; returns the count (max + 1 when
 * there are more). */
static int split(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        char *start = p, *end;
        while (*p && *p != ',')
            p++;
        end = p;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
            end--;
        int last = *p == '\0';
        *end = '\0';
        if (n < max)
            f[n] = start;
        n++;
        if (last)
            break;
        p++;
    }
    return n > max ? max + 1 : n;
}

/* The column a header name stands for; *lonlat set to 1 or 0 when it tells. */
static int header_col(const char *name, int *lonlat)
{
    char low[32];
    size_t k = 0;
    for (; name[k] && k + 1 < sizeof low; k++)
        low[k] = (char)tolower((unsigned char)name[k]);
    low[k] = '\0';
    if (!strcmp(low, "bus_id") || !strcmp(low, "bus") || !strcmp(low, "bus_i") ||
        !strcmp(low, "id"))
        return COL_BUS;
    if (!strcmp(low, "lon") || !strcmp(low, "lng") || !strcmp(low, "longitude")) {
        *lonlat = 1;
        return COL_X;
    }
    if (!strcmp(low, "lat") || !strcmp(low, "latitude")) {
        *lonlat = 1;
        return COL_Y;
    }
    if (!strcmp(low, "x_km") || !strcmp(low, "x")) {
        *lonlat = 0;
        return COL_X;
    }
    if (!strcmp(low, "y_km") || !strcmp(low, "y")) {
        *lonlat = 0;
        return COL_Y;
    }
    return -1;
}

static int parse_num(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Resize *p to n elements of size sz; -1 (and *p unchanged) on failure. */
static int grow(void **p, size_t n, size_t sz)
{
    void *q = gr_realloc(*p, n * sz);
    if (!q)
        return -1;
    *p = q;
    return 0;
}

static int cmp_int(const void *a, const void *b)
{
    const int *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

/* Refuse duplicate bus numbers (sorted (bus, row) pairs). */
static int check_unique(const gr_bus_geo *g, const char *name, gr_error *err)
{
    int *pairs = gr_malloc(((size_t)g->n + 1) * 2 * sizeof *pairs);
    if (!pairs)
        return gr_error_set(err, GR_ENOMEM, "%s: out of memory", name);
    for (int k = 0; k < g->n; k++) {
        pairs[2 * k] = g->bus_id[k];
        pairs[2 * k + 1] = k;
    }
    qsort(pairs, (size_t)g->n, 2 * sizeof *pairs, cmp_int);
    int st = GR_OK;
    for (int k = 1; k < g->n && !st; k++)
        if (pairs[2 * k] == pairs[2 * k - 2]) {
            int a = pairs[2 * k - 1], b = pairs[2 * k + 1];
            int later = a > b ? a : b, earlier = a > b ? b : a;
            st = gr_error_set(err, GR_EPARSE, "%s:%d: field bus_id: bus %d appears twice "
                              "(first on line %d)", name, g->line[later], pairs[2 * k],
                              g->line[earlier]);
        }
    gr_free(pairs);
    return st;
}

int gr_bus_geo_parse(const char *text, size_t len, const char *name, gr_bus_geo **out,
                     gr_error *err)
{
    if (!out)
        return gr_error_set(err, GR_EINVAL, "gr_bus_geo_parse: out is NULL");
    *out = NULL;
    if (!text)
        return gr_error_set(err, GR_EINVAL, "gr_bus_geo_parse: text is NULL");
    if (!name)
        name = "(geodata)";
    int nul = io_check_text(text, len, name, err);
    if (nul)
        return nul;
    static const char *const col_name[NCOL] = {"bus_id", "x", "y"};
    const char *xy_name[2][2] = {{"x_km", "y_km"}, {"lon", "lat"}};
    char *buf = gr_malloc(len + 1);
    gr_bus_geo *g = gr_calloc(1, sizeof *g);
    size_t cap = 0;
    int st = GR_OK, lineno = 0, have_header = 0, col_of[NCOL] = {-1, -1, -1};
    if (!buf || !g || !(g->path = gr_malloc(strlen(name) + 1))) {
        st = gr_error_set(err, GR_ENOMEM, "%s: out of memory", name);
        goto done;
    }
    strcpy(g->path, name);
    memcpy(buf, text, len);
    buf[len] = '\0';
    g->lonlat = -1;
    for (char *line = buf, *next; line && !st; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        const char *p = line;
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        if (lineno == 1 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
            (unsigned char)p[2] == 0xBF)
            line += 3; /* UTF-8 byte-order mark */
        char *f[NCOL + 1];
        int nf = split(line, f, NCOL);
        if (!have_header) {
            int lonlat = -1;
            if (nf != NCOL) {
                st = gr_error_set(err, GR_EPARSE, "%s:%d: header: expected 3 columns "
                                  "(bus_id,lon,lat or bus_id,x_km,y_km), found %s%d", name,
                                  lineno, nf > NCOL ? "more than " : "", nf > NCOL ? NCOL : nf);
                break;
            }
            for (int k = 0; k < NCOL && !st; k++) {
                int ll = -1, c = header_col(f[k], &ll);
                if (c < 0 || col_of[c] >= 0 || (ll >= 0 && lonlat >= 0 && ll != lonlat))
                    st = gr_error_set(err, GR_EPARSE, "%s:%d: header: column %d \"%s\": "
                                      "expected bus_id,lon,lat or bus_id,x_km,y_km", name,
                                      lineno, k + 1, f[k]);
                else {
                    col_of[c] = k;
                    if (ll >= 0)
                        lonlat = ll;
                }
            }
            g->lonlat = lonlat;
            have_header = 1;
            continue;
        }
        const char *lbl[NCOL] = {col_name[0], xy_name[g->lonlat][0], xy_name[g->lonlat][1]};
        if (nf != NCOL) {
            st = gr_error_set(err, GR_EPARSE, "%s:%d: expected 3 fields, found %s%d", name,
                              lineno, nf > NCOL ? "more than " : "", nf > NCOL ? NCOL : nf);
            break;
        }
        double v[NCOL];
        for (int c = 0; c < NCOL && !st; c++) {
            const char *s = f[col_of[c]];
            if (parse_num(s, &v[c]))
                st = gr_error_set(err, GR_EPARSE, "%s:%d: field %s: \"%s\" is not a number",
                                  name, lineno, lbl[c], s);
        }
        if (st)
            break;
        if (v[COL_BUS] != floor(v[COL_BUS]) || v[COL_BUS] < 1 || v[COL_BUS] > 2147483647.0) {
            st = gr_error_set(err, GR_EPARSE, "%s:%d: field bus_id: %s is not a bus number "
                              "(an integer >= 1)", name, lineno, f[col_of[COL_BUS]]);
            break;
        }
        if (g->lonlat && (fabs(v[COL_X]) > 180.0 || fabs(v[COL_Y]) > 90.0)) {
            int bad = fabs(v[COL_X]) > 180.0 ? COL_X : COL_Y;
            st = gr_error_set(err, GR_EPARSE, "%s:%d: field %s: %s is out of range [%d, %d]",
                              name, lineno, lbl[bad], f[col_of[bad]], bad == COL_X ? -180 : -90,
                              bad == COL_X ? 180 : 90);
            break;
        }
        if ((size_t)g->n == cap) {
            size_t nc = cap ? 2 * cap : 256;
            if (grow((void **)&g->bus_id, nc, sizeof(int)) || grow((void **)&g->line, nc, sizeof(int)) ||
                grow((void **)&g->x, nc, sizeof(double)) || grow((void **)&g->y, nc, sizeof(double))) {
                st = gr_error_set(err, GR_ENOMEM, "%s: out of memory", name);
                break;
            }
            cap = nc;
        }
        g->bus_id[g->n] = (int)v[COL_BUS];
        g->x[g->n] = v[COL_X];
        g->y[g->n] = v[COL_Y];
        g->line[g->n] = lineno;
        g->n++;
    }
    if (!st && !have_header)
        st = gr_error_set(err, GR_EPARSE, "%s:%d: no header (expected bus_id,lon,lat or "
                          "bus_id,x_km,y_km)", name, lineno);
    else if (!st && g->n == 0)
        st = gr_error_set(err, GR_EPARSE, "%s:%d: no rows after the header", name, lineno);
    if (!st)
        st = check_unique(g, name, err);
done:
    gr_free(buf);
    if (st) {
        gr_bus_geo_free(g);
        return st;
    }
    *out = g;
    return GR_OK;
}

int gr_bus_geo_read(const char *path, gr_bus_geo **out, gr_error *err)
{
    if (!out)
        return gr_error_set(err, GR_EINVAL, "gr_bus_geo_read: out is NULL");
    *out = NULL;
    if (!path)
        return gr_error_set(err, GR_EINVAL, "gr_bus_geo_read: path is NULL");
    char *buf;
    size_t len;
    int st = io_read_file(path, &buf, &len, err);
    if (st)
        return st;
    st = gr_bus_geo_parse(buf, len, path, out, err);
    gr_free(buf);
    return st;
}
