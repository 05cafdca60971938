/* _core.c — the CPython extension of the gridres package: libgridres (include/gridres.h
 * only) behind a small low-level API of dicts of numpy arrays. The Python layer
 * (gridres/__init__.py) names the columns and builds pandas DataFrames.
 *
 * Rules kept here (docs/python.md):
 *  - every library status other than GR_OK becomes a gridres.Error subclass carrying the
 *    library's message (gr_error.msg: "file:line:col: ...", JSON paths);
 *  - the GIL is released around every solve and sweep (Py_BEGIN_ALLOW_THREADS); the
 *    library calls made without the GIL touch only C data owned by this call or by a
 *    Case that the calling frame keeps alive;
 *  - results are copied into new numpy arrays, so no Python object points into memory
 *    the library frees. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridres.h"

/* ------------------------------------------------------------------------
 * Exceptions.
 * ------------------------------------------------------------------------ */
static PyObject *Error, *ParseError, *InvalidError, *IOErrorGr, *NoMemError, *SingularError,
    *LPError, *NotFoundError, *InfeasibleError, *ExistsError;

static PyObject *exc_for(int st)
{
    switch (st) {
    case GR_EPARSE: return ParseError;
    case GR_EINVAL: return InvalidError;
    case GR_EIO: return IOErrorGr;
    case GR_ENOMEM: return NoMemError;
    case GR_ESINGULAR: return SingularError;
    case GR_ELP: return LPError;
    case GR_ENOTFOUND: return NotFoundError;
    case GR_EINFEASIBLE: return InfeasibleError;
    case GR_EEXIST: return ExistsError;
    default: return Error;
    }
}

/* Raise the exception of status st with err's message (or the status text); NULL. */
static PyObject *raise_gr(int st, const gr_error *err, const char *prefix)
{
    const char *msg = err && err->msg[0] ? err->msg : gr_strerror(st);
    PyObject *e = exc_for(st);
    PyObject *text = PyUnicode_FromFormat("%s%s", prefix ? prefix : "", msg);
    if (!text)
        return NULL;
    PyObject *inst = PyObject_CallOneArg(e, text);
    if (inst) {
        PyObject *code = PyLong_FromLong(st), *name = PyUnicode_FromString(gr_err_name(st));
        if (code && name) {
            PyObject_SetAttrString(inst, "status", code);
            PyObject_SetAttrString(inst, "status_name", name);
            PyObject_SetAttrString(inst, "message", text);
        }
        Py_XDECREF(code);
        Py_XDECREF(name);
        PyErr_SetObject(e, inst);
        Py_DECREF(inst);
    }
    Py_DECREF(text);
    return NULL;
}

static PyObject *raise_msg(int st, const char *fmt, const char *arg)
{
    gr_error err;
    gr_error_set(&err, st, fmt, arg ? arg : "");
    return raise_gr(st, &err, NULL);
}

/* ------------------------------------------------------------------------
 * numpy helpers: new arrays holding copies.
 * ------------------------------------------------------------------------ */
static PyObject *np_d(const double *x, npy_intp n)
{
    PyObject *a = PyArray_SimpleNew(1, &n, NPY_DOUBLE);
    if (!a)
        return NULL;
    double *p = PyArray_DATA((PyArrayObject *)a);
    if (x && n > 0)
        memcpy(p, x, (size_t)n * sizeof(double));
    else
        for (npy_intp k = 0; k < n; k++)
            p[k] = NAN;
    return a;
}

static PyObject *np_d2(const double *x, npy_intp rows, npy_intp cols)
{
    npy_intp dims[2] = {rows, cols};
    PyObject *a = PyArray_SimpleNew(2, dims, NPY_DOUBLE);
    if (!a)
        return NULL;
    if (x && rows * cols > 0)
        memcpy(PyArray_DATA((PyArrayObject *)a), x, (size_t)(rows * cols) * sizeof(double));
    return a;
}

static PyObject *np_i(const int *x, npy_intp n)
{
    PyObject *a = PyArray_SimpleNew(1, &n, NPY_INT32);
    if (!a)
        return NULL;
    int32_t *p = PyArray_DATA((PyArrayObject *)a);
    for (npy_intp k = 0; k < n; k++)
        p[k] = x ? (int32_t)x[k] : 0;
    return a;
}

/* d[key] = value, stealing value; -1 on error (value NULL included). */
static int put(PyObject *d, const char *key, PyObject *value)
{
    if (!value)
        return -1;
    int rc = PyDict_SetItemString(d, key, value);
    Py_DECREF(value);
    return rc;
}

static PyObject *str_list(char *const *s, int n)
{
    if (!s)
        Py_RETURN_NONE;
    PyObject *l = PyList_New(n);
    for (int k = 0; l && k < n; k++) {
        PyObject *v = PyUnicode_DecodeUTF8(s[k] ? s[k] : "", (Py_ssize_t)strlen(s[k] ? s[k] : ""),
                                           "replace");
        if (!v) {
            Py_DECREF(l);
            return NULL;
        }
        PyList_SET_ITEM(l, k, v);
    }
    return l;
}

/* A 1-D int array argument (any sequence of integers) into a malloc'ed int array. */
static int int_seq(PyObject *o, int **out, int *n)
{
    *out = NULL;
    *n = 0;
    if (o == NULL || o == Py_None)
        return 0;
    PyArrayObject *a = (PyArrayObject *)PyArray_FROMANY(o, NPY_INT64, 0, 1, NPY_ARRAY_CARRAY);
    if (!a)
        return -1;
    npy_intp m = PyArray_SIZE(a);
    if (m > 0x3fffffff) {
        Py_DECREF(a);
        PyErr_SetString(PyExc_ValueError, "too many indices");
        return -1;
    }
    int *v = malloc(((size_t)m + 1) * sizeof(int));
    if (!v) {
        Py_DECREF(a);
        PyErr_NoMemory();
        return -1;
    }
    const int64_t *p = PyArray_DATA(a);
    for (npy_intp k = 0; k < m; k++) {
        if (p[k] < INT32_MIN || p[k] > INT32_MAX) {
            free(v);
            Py_DECREF(a);
            PyErr_SetString(PyExc_ValueError, "index out of range");
            return -1;
        }
        v[k] = (int)p[k];
    }
    Py_DECREF(a);
    *out = v;
    *n = (int)m;
    return 0;
}

/* ------------------------------------------------------------------------
 * The Case object: a gr_case and, built on first use, its gr_grid.
 * ------------------------------------------------------------------------ */
typedef struct {
    PyObject_HEAD
    gr_case *c;
    gr_grid *g;         /* NULL until a solve needs it */
    int islands_ok;     /* 1 once gr_islands_find(g, strict) passed */
} CaseObject;

static PyTypeObject CaseType;

static PyObject *case_wrap(gr_case *c)
{
    CaseObject *o = PyObject_New(CaseObject, &CaseType);
    if (!o) {
        gr_case_free(c);
        return NULL;
    }
    o->c = c;
    o->g = NULL;
    o->islands_ok = 0;
    return (PyObject *)o;
}

static void case_dealloc(CaseObject *o)
{
    gr_grid_free(o->g);
    gr_case_free(o->c);
    Py_TYPE(o)->tp_free((PyObject *)o);
}

/* The grid of the case (built once; the CLI's gr_grid_from_case). NULL with an exception. */
static const gr_grid *case_grid(CaseObject *o)
{
    if (o->g)
        return o->g;
    gr_error err = {0, ""};
    if (o->c->bus.n <= 0) {
        raise_msg(GR_EPARSE, "%sthe case has no buses", o->c->path);
        return NULL;
    }
    int st = gr_grid_from_case(o->c, &o->g, &err);
    if (st != GR_OK) {
        o->g = NULL;
        raise_gr(st, &err, NULL);
        return NULL;
    }
    return o->g;
}

/* The CLI's strict island check of `gridres pf` (one REF bus per island). */
static int case_check_islands(CaseObject *o, const gr_grid *g)
{
    if (o->islands_ok)
        return 0;
    gr_islands *isl = NULL;
    gr_error err = {0, ""};
    int st = gr_islands_find(g, 1, &isl, &err);
    gr_islands_free(isl);
    if (st != GR_OK) {
        raise_gr(st, &err, NULL);
        return -1;
    }
    o->islands_ok = 1;
    return 0;
}

static PyObject *read_case(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *pathobj;
    if (!PyArg_ParseTuple(args, "O&", PyUnicode_FSConverter, &pathobj))
        return NULL;
    const char *path = PyBytes_AS_STRING(pathobj);
    gr_case *c = NULL;
    gr_error err = {0, ""};
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = gr_case_read(path, &c, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(pathobj);
    if (st != GR_OK)
        return raise_gr(st, &err, NULL);
    return case_wrap(c);
}

static PyObject *parse_case(PyObject *self, PyObject *args)
{
    (void)self;
    const char *text, *name = "<string>";
    Py_ssize_t len;
    int raw = 0;
    if (!PyArg_ParseTuple(args, "s#|sp", &text, &len, &name, &raw))
        return NULL;
    gr_case *c = NULL;
    gr_error err = {0, ""};
    int st = raw ? gr_case_parse_raw(text, (size_t)len, name, &c, &err)
                 : gr_case_parse(text, (size_t)len, name, &c, &err);
    if (st != GR_OK)
        return raise_gr(st, &err, NULL);
    return case_wrap(c);
}

static PyObject *case_write(CaseObject *o, PyObject *args)
{
    PyObject *pathobj;
    if (!PyArg_ParseTuple(args, "O&", PyUnicode_FSConverter, &pathobj))
        return NULL;
    gr_error err = {0, ""};
    int st;
    const char *path = PyBytes_AS_STRING(pathobj);
    Py_BEGIN_ALLOW_THREADS
    st = gr_case_write(o->c, path, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(pathobj);
    if (st != GR_OK)
        return raise_gr(st, &err, NULL);
    Py_RETURN_NONE;
}

/* The case tables, column by column (units of the file). */
static PyObject *case_tables(CaseObject *o, PyObject *unused)
{
    (void)unused;
    const gr_case *c = o->c;
    PyObject *d = PyDict_New(), *bus = PyDict_New(), *gen = PyDict_New(), *br = PyDict_New();
    if (!d || !bus || !gen || !br)
        goto fail;
    npy_intp nb = c->bus.n, ng = c->gen.n, nl = c->branch.n;
    const gr_bus_table *B = &c->bus;
    if (put(bus, "bus_i", np_i(B->bus_i, nb)) || put(bus, "type", np_i(B->type, nb)) ||
        put(bus, "pd_mw", np_d(B->pd_mw, nb)) || put(bus, "qd_mvar", np_d(B->qd_mvar, nb)) ||
        put(bus, "gs_mw", np_d(B->gs_mw, nb)) || put(bus, "bs_mvar", np_d(B->bs_mvar, nb)) ||
        put(bus, "area", np_i(B->area, nb)) || put(bus, "vm_pu", np_d(B->vm_pu, nb)) ||
        put(bus, "va_deg", np_d(B->va_deg, nb)) || put(bus, "base_kv", np_d(B->base_kv, nb)) ||
        put(bus, "zone", np_i(B->zone, nb)) || put(bus, "vmax_pu", np_d(B->vmax_pu, nb)) ||
        put(bus, "vmin_pu", np_d(B->vmin_pu, nb)))
        goto fail;
    const gr_gen_table *G = &c->gen;
    if (put(gen, "bus", np_i(G->bus, ng)) || put(gen, "pg_mw", np_d(G->pg_mw, ng)) ||
        put(gen, "qg_mvar", np_d(G->qg_mvar, ng)) || put(gen, "qmax_mvar", np_d(G->qmax_mvar, ng)) ||
        put(gen, "qmin_mvar", np_d(G->qmin_mvar, ng)) || put(gen, "vg_pu", np_d(G->vg_pu, ng)) ||
        put(gen, "mbase_mva", np_d(G->mbase_mva, ng)) || put(gen, "status", np_i(G->status, ng)) ||
        put(gen, "pmax_mw", np_d(G->pmax_mw, ng)) || put(gen, "pmin_mw", np_d(G->pmin_mw, ng)) ||
        put(gen, "ramp_10", np_d(G->ramp_10, ng)) || put(gen, "apf", np_d(G->apf, ng)))
        goto fail;
    const gr_branch_table *L = &c->branch;
    if (put(br, "f_bus", np_i(L->f_bus, nl)) || put(br, "t_bus", np_i(L->t_bus, nl)) ||
        put(br, "r_pu", np_d(L->r_pu, nl)) || put(br, "x_pu", np_d(L->x_pu, nl)) ||
        put(br, "b_pu", np_d(L->b_pu, nl)) || put(br, "rate_a_mva", np_d(L->rate_a_mva, nl)) ||
        put(br, "rate_b_mva", np_d(L->rate_b_mva, nl)) ||
        put(br, "rate_c_mva", np_d(L->rate_c_mva, nl)) || put(br, "tap", np_d(L->tap, nl)) ||
        put(br, "shift_deg", np_d(L->shift_deg, nl)) || put(br, "status", np_i(L->status, nl)) ||
        put(br, "angmin_deg", np_d(L->angmin_deg, nl)) ||
        put(br, "angmax_deg", np_d(L->angmax_deg, nl)))
        goto fail;
    if (PyDict_SetItemString(d, "bus", bus) || PyDict_SetItemString(d, "gen", gen) ||
        PyDict_SetItemString(d, "branch", br))
        goto fail;
    Py_CLEAR(bus);
    Py_CLEAR(gen);
    Py_CLEAR(br);
    if (put(d, "gencost", np_d2(c->gencost.x, c->gencost.n, c->gencost.cols)) ||
        put(d, "base_mva", PyFloat_FromDouble(c->base_mva)) ||
        put(d, "name", c->name ? PyUnicode_FromString(c->name) : Py_NewRef(Py_None)) ||
        put(d, "path", c->path ? PyUnicode_DecodeFSDefault(c->path) : Py_NewRef(Py_None)) ||
        put(d, "bus_name", str_list(c->bus_name, c->bus.n)) ||
        put(d, "warnings", c->warnings ? str_list(c->warnings, c->n_warnings) : PyList_New(0)))
        goto fail;
    return d;
fail:
    Py_XDECREF(d);
    Py_XDECREF(bus);
    Py_XDECREF(gen);
    Py_XDECREF(br);
    return NULL;
}

/* What the Python layer needs of the grid model to name and scale results. */
static PyObject *case_grid_info(CaseObject *o, PyObject *unused)
{
    (void)unused;
    const gr_grid *g = case_grid(o);
    if (!g)
        return NULL;
    PyObject *d = PyDict_New();
    if (!d)
        return NULL;
    int *gbus = malloc(((size_t)g->ng + 1) * sizeof(int));
    int *fb = malloc(((size_t)g->nl + 1) * sizeof(int)), *tb = malloc(((size_t)g->nl + 1) * sizeof(int));
    if (!gbus || !fb || !tb) {
        free(gbus);
        free(fb);
        free(tb);
        Py_DECREF(d);
        return PyErr_NoMemory();
    }
    for (int k = 0; k < g->ng; k++)
        gbus[k] = g->bus_id[g->gen_bus[k]];
    for (int k = 0; k < g->nl; k++) {
        fb[k] = g->bus_id[g->br_f[k]];
        tb[k] = g->bus_id[g->br_t[k]];
    }
    int bad = put(d, "base_mva", PyFloat_FromDouble(g->base_mva)) ||
              put(d, "bus_id", np_i(g->bus_id, g->nb)) || put(d, "pd", np_d(g->pd, g->nb)) ||
              put(d, "qd", np_d(g->qd, g->nb)) || put(d, "gen_bus_id", np_i(gbus, g->ng)) ||
              put(d, "gen_on", np_i(g->gen_on, g->ng)) || put(d, "from_bus_id", np_i(fb, g->nl)) ||
              put(d, "to_bus_id", np_i(tb, g->nl)) || put(d, "br_on", np_i(g->br_on, g->nl)) ||
              put(d, "rate_a", np_d(g->rate_a, g->nl)) || put(d, "rate_b", np_d(g->rate_b, g->nl)) ||
              put(d, "rate_c", np_d(g->rate_c, g->nl)) || put(d, "br_f", np_i(g->br_f, g->nl)) ||
              put(d, "br_t", np_i(g->br_t, g->nl));
    free(gbus);
    free(fb);
    free(tb);
    if (bad) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

/* ------------------------------------------------------------------------
 * Power flow.
 * ------------------------------------------------------------------------ */
static PyObject *pf_result_dict(const gr_pf_result *r)
{
    PyObject *d = PyDict_New();
    if (!d)
        return NULL;
    if (put(d, "converged", PyBool_FromLong(r->converged)) ||
        put(d, "iterations", PyLong_FromLong(r->iterations)) ||
        put(d, "max_mismatch", PyFloat_FromDouble(r->max_mismatch)) ||
        put(d, "n_islands", PyLong_FromLong(r->n_islands)) ||
        put(d, "n_dark_islands", PyLong_FromLong(r->n_dark_islands)) ||
        put(d, "solve_s", PyFloat_FromDouble(r->solve_s)) ||
        put(d, "vm", np_d(r->vm, r->nb)) || put(d, "va", np_d(r->va, r->nb)) ||
        put(d, "bus_type", np_i(r->bus_type, r->nb)) || put(d, "pg", np_d(r->pg, r->ng)) ||
        put(d, "qg", np_d(r->qg, r->ng)) || put(d, "pf", np_d(r->pf, r->nl)) ||
        put(d, "qf", np_d(r->qf, r->nl)) || put(d, "pt", np_d(r->pt, r->nl)) ||
        put(d, "qt", np_d(r->qt, r->nl)) || put(d, "loss_p", PyFloat_FromDouble(r->loss_p)) ||
        put(d, "loss_q", PyFloat_FromDouble(r->loss_q)) ||
        put(d, "dark_load_p", PyFloat_FromDouble(r->dark_load_p)) ||
        put(d, "bus_island", np_i(r->bus_island, r->nb))) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

static PyObject *case_pf(CaseObject *o, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"dc", "qlim", "tol", "max_iter", "flat", "distributed_slack", NULL};
    int dc = 0, qlim = 0, flat = 0, dslack = 0;
    gr_pf_options opt;
    gr_pf_options_default(&opt);
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|ppdipp", kwlist, &dc, &qlim, &opt.tol,
                                     &opt.max_iter, &flat, &dslack))
        return NULL;
    if (!(opt.tol > 0.0) || !isfinite(opt.tol))
        return raise_msg(GR_EINVAL, "tol must be a positive number%s", NULL);
    if (opt.max_iter < 1)
        return raise_msg(GR_EINVAL, "max_iter must be at least 1%s", NULL);
    opt.enforce_q_lims = qlim;
    opt.flat_start = flat;
    opt.distributed_slack = dslack;
    const gr_grid *g = case_grid(o);
    if (!g || case_check_islands(o, g) != 0)
        return NULL;
    gr_pf_result *r = NULL;
    gr_error err = {0, ""};
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = dc ? gr_pf_dc(g, &r, &err) : gr_pf_ac(g, &opt, &r, &err);
    Py_END_ALLOW_THREADS
    if (st != GR_OK)
        return raise_gr(st, &err, "power flow failed: ");
    PyObject *d = pf_result_dict(r);
    gr_pf_result_free(r);
    return d;
}

/* ------------------------------------------------------------------------
 * Contingencies.
 * ------------------------------------------------------------------------ */
static PyObject *case_contingency(CaseObject *o, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"ac", "qlim", "tol", "max_iter", "kind", "elements", "list_path",
                             "list_text", "threads", "keep_flows", NULL};
    int ac = 1, qlim = 0, elements = GR_CTG_BRANCHES, threads = 0, keep = 0;
    const char *kind = "n-1", *list_text = NULL;
    Py_ssize_t list_len = 0;
    PyObject *list_path = NULL;
    gr_ctg_options opt;
    gr_ctg_options_default(&opt);
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|ppdisiO&z#ip", kwlist, &ac, &qlim, &opt.pf.tol,
                                     &opt.pf.max_iter, &kind, &elements, PyUnicode_FSConverter,
                                     &list_path, &list_text, &list_len, &threads, &keep))
        return NULL;
    PyObject *ret = NULL;
    gr_ctg_list *l = NULL;
    gr_ctg_result *r = NULL;
    gr_error err = {0, ""};
    int st = GR_OK;
    const gr_grid *g = case_grid(o);
    if (!g)
        goto done;
    if (threads < 0) {
        raise_msg(GR_EINVAL, "threads must be >= 0%s", NULL);
        goto done;
    }
    opt.ac = ac;
    opt.pf.enforce_q_lims = qlim;
    opt.threads = threads;
    opt.keep_flows = keep;
    if (list_path) {
        st = gr_ctg_list_read(PyBytes_AS_STRING(list_path), g, &l, &err);
    } else if (list_text) {
        st = gr_ctg_list_parse(list_text, (size_t)list_len, "<contingencies>", g, &l, &err);
    } else if (strcmp(kind, "n-1") == 0) {
        st = gr_ctg_list_n1(g, elements, &l);
    } else if (strcmp(kind, "n-2") == 0) {
        st = gr_ctg_list_n2(g, elements, &l);
        if (st == GR_EINVAL)
            gr_error_set(&err, st, "too many pairs for n-2 (more than 2^28)");
    } else {
        raise_msg(GR_EINVAL, "kind must be 'n-1' or 'n-2', not '%s'", kind);
        goto done;
    }
    if (st != GR_OK) {
        raise_gr(st, &err, NULL);
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    st = gr_ctg_run(g, l, &opt, &r, &err);
    Py_END_ALLOW_THREADS
    if (st != GR_OK) {
        raise_gr(st, &err, NULL);
        goto done;
    }
    PyObject *d = PyDict_New();
    if (!d)
        goto done;
    int n = l->n, nv = r->nviol;
    int *vc = malloc(((size_t)nv + 1) * sizeof(int)), *vk = malloc(((size_t)nv + 1) * sizeof(int));
    int *ve = malloc(((size_t)nv + 1) * sizeof(int)), *vn = malloc(((size_t)nv + 1) * sizeof(int));
    double *vv = malloc(((size_t)nv + 1) * sizeof(double)), *vl = malloc(((size_t)nv + 1) * sizeof(double));
    int bad = !vc || !vk || !ve || !vn || !vv || !vl;
    for (int v = 0; !bad && v < nv; v++) {
        vc[v] = r->viol[v].ctg;
        vk[v] = r->viol[v].kind;
        ve[v] = r->viol[v].element;
        vn[v] = r->viol[v].new_or_worse;
        vv[v] = r->viol[v].value;
        vl[v] = r->viol[v].limit;
    }
    if (bad)
        PyErr_NoMemory();
    bad = bad || put(d, "n", PyLong_FromLong(n)) || put(d, "ptr", np_i(l->ptr, n + 1)) ||
          put(d, "elem_kind", np_i(l->kind, l->ptr[n])) ||
          put(d, "elem_index", np_i(l->index, l->ptr[n])) || put(d, "label", np_i(l->label, n)) ||
          put(d, "n_ignored", PyLong_FromLong(l->n_ignored)) ||
          put(d, "ignored_msg", PyUnicode_FromString(l->ignored_msg)) ||
          put(d, "converged", np_i(r->converged, n)) || put(d, "method", np_i(r->method, n)) ||
          put(d, "iterations", np_i(r->iterations, n)) || put(d, "islands", np_i(r->islands, n)) ||
          put(d, "dark_load_p", np_d(r->dark_load_p, n)) ||
          put(d, "max_loading", np_d(r->max_loading, n)) ||
          put(d, "max_loading_branch", np_i(r->max_loading_branch, n)) ||
          put(d, "n_overloaded", np_i(r->n_overloaded, n)) || put(d, "vm_min", np_d(r->vm_min, n)) ||
          put(d, "vm_max", np_d(r->vm_max, n)) || put(d, "n_new_viol", np_i(r->n_new_viol, n)) ||
          put(d, "viol_ctg", np_i(vc, nv)) || put(d, "viol_kind", np_i(vk, nv)) ||
          put(d, "viol_element", np_i(ve, nv)) || put(d, "viol_value", np_d(vv, nv)) ||
          put(d, "viol_limit", np_d(vl, nv)) || put(d, "viol_new_or_worse", np_i(vn, nv)) ||
          put(d, "base_max_loading", PyFloat_FromDouble(r->base_max_loading)) ||
          put(d, "base_converged", PyBool_FromLong(r->base_converged)) ||
          put(d, "base_nviol", PyLong_FromLong(r->base_nviol)) ||
          put(d, "n_ctg_new", PyLong_FromLong(r->n_ctg_new)) ||
          put(d, "solve_s", PyFloat_FromDouble(r->solve_s)) ||
          put(d, "threads", PyLong_FromLong(r->threads)) || put(d, "ac", PyBool_FromLong(r->ac));
    /* the CLI's names: "branch:12;gen:3" per contingency, "branch:12" / "bus:45" per
       violation (a Python loop over them would cost more than the solve) */
    PyObject *en = bad ? NULL : PyList_New(n), *vn_ = bad ? NULL : PyList_New(nv);
    bad = bad || !en || !vn_;
    char buf[512];
    for (int c = 0; !bad && c < n; c++) {
        size_t w = 0;
        buf[0] = 0;
        for (int e = l->ptr[c]; e < l->ptr[c + 1] && w + 32 < sizeof buf; e++)
            w += (size_t)snprintf(buf + w, sizeof buf - w, "%s%s:%d", e > l->ptr[c] ? ";" : "",
                                  l->kind[e] == GR_ELEM_BRANCH ? "branch" : "gen",
                                  l->index[e] + 1);
        PyObject *x = PyUnicode_FromString(buf);
        if (!x)
            bad = 1;
        else
            PyList_SET_ITEM(en, c, x);
    }
    for (int v = 0; !bad && v < nv; v++) {
        const gr_ctg_violation *x = &r->viol[v];
        PyObject *t = x->kind == GR_VIOL_FLOW ? PyUnicode_FromFormat("branch:%d", x->element + 1)
                      : x->kind == GR_VIOL_VMIN || x->kind == GR_VIOL_VMAX
                          ? PyUnicode_FromFormat("bus:%d", g->bus_id[x->element])
                          : PyUnicode_FromString("");
        if (!t)
            bad = 1;
        else
            PyList_SET_ITEM(vn_, v, t);
    }
    bad = bad || put(d, "elements", Py_NewRef(en)) || put(d, "viol_element_name", Py_NewRef(vn_));
    Py_XDECREF(en);
    Py_XDECREF(vn_);
    if (!bad && r->pf)
        bad = put(d, "pf", np_d2(r->pf, n, r->nl)) || put(d, "qf", np_d2(r->qf, n, r->nl)) ||
              put(d, "pt", np_d2(r->pt, n, r->nl)) || put(d, "qt", np_d2(r->qt, n, r->nl));
    free(vc);
    free(vk);
    free(ve);
    free(vn);
    free(vv);
    free(vl);
    if (bad)
        Py_DECREF(d);
    else
        ret = d;
done:
    Py_XDECREF(list_path);
    gr_ctg_result_free(r);
    gr_ctg_list_free(l);
    return ret;
}

/* ------------------------------------------------------------------------
 * Sensitivities.
 * ------------------------------------------------------------------------ */
static PyObject *case_sens(CaseObject *o, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"ptdf", "lodf", "monitored", "outaged", NULL};
    int want_ptdf = 1, want_lodf = 1;
    PyObject *mon_o = NULL, *out_o = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|ppOO", kwlist, &want_ptdf, &want_lodf, &mon_o,
                                     &out_o))
        return NULL;
    const gr_grid *g = case_grid(o);
    if (!g)
        return NULL;
    int *mon = NULL, *out = NULL, nmon = 0, nout = 0;
    if (int_seq(mon_o, &mon, &nmon) || int_seq(out_o, &out, &nout)) {
        free(mon);
        return NULL;
    }
    if (!mon_o || mon_o == Py_None) {
        nmon = g->nl;
        mon = malloc(((size_t)nmon + 1) * sizeof(int));
        for (int k = 0; mon && k < nmon; k++)
            mon[k] = k;
    }
    if (!out_o || out_o == Py_None) {
        nout = g->nl;
        out = malloc(((size_t)nout + 1) * sizeof(int));
        for (int k = 0; out && k < nout; k++)
            out[k] = k;
    }
    PyObject *ret = NULL, *pa = NULL, *la = NULL;
    gr_sens *s = NULL;
    gr_error err = {0, ""};
    int st;
    if (!mon || !out) {
        PyErr_NoMemory();
        goto done;
    }
    for (int k = 0; k < nmon; k++)
        if (mon[k] < 0 || mon[k] >= g->nl) {
            raise_msg(GR_EINVAL, "monitored branch index out of range (0-based rows)%s", NULL);
            goto done;
        }
    for (int k = 0; k < nout; k++)
        if (out[k] < 0 || out[k] >= g->nl) {
            raise_msg(GR_EINVAL, "outaged branch index out of range (0-based rows)%s", NULL);
            goto done;
        }
    npy_intp pd[2] = {want_ptdf ? nmon : 0, g->nb}, ld[2] = {want_lodf ? nmon : 0, nout};
    pa = PyArray_ZEROS(2, pd, NPY_DOUBLE, 0);
    la = PyArray_ZEROS(2, ld, NPY_DOUBLE, 0);
    if (!pa || !la)
        goto done;
    double *pp = PyArray_DATA((PyArrayObject *)pa), *lp = PyArray_DATA((PyArrayObject *)la);
    Py_BEGIN_ALLOW_THREADS
    st = gr_sens_create(g, &s, &err);
    if (st == GR_OK && want_ptdf)
        st = gr_sens_ptdf(s, nmon, mon, pp);
    if (st == GR_OK && want_lodf)
        st = gr_sens_lodf(s, nmon, mon, nout, out, lp);
    Py_END_ALLOW_THREADS
    if (st != GR_OK) {
        raise_gr(st, &err, NULL);
        goto done;
    }
    ret = PyDict_New();
    if (ret && (put(ret, "ptdf", want_ptdf ? Py_NewRef(pa) : Py_NewRef(Py_None)) ||
                put(ret, "lodf", want_lodf ? Py_NewRef(la) : Py_NewRef(Py_None)) ||
                put(ret, "monitored", np_i(mon, nmon)) || put(ret, "outaged", np_i(out, nout))))
        Py_CLEAR(ret);
done:
    Py_XDECREF(pa);
    Py_XDECREF(la);
    gr_sens_free(s);
    free(mon);
    free(out);
    return ret;
}

/* ------------------------------------------------------------------------
 * Outages, cascades, shedding.
 * ------------------------------------------------------------------------ */
/* The CLI's build_damage: parse SPEC (element names, docs/cli.md; ov may be NULL),
 * check it on a grid copy, split by kind. */
static int build_damage(const gr_grid *g, const gr_overlay *ov, const char *spec,
                        gr_cascade_damage *d, int **buf)
{
    gr_outage *out = NULL;
    gr_grid *tmp = NULL;
    gr_error err = {0, ""};
    int st = gr_outage_parse_names(spec, g, ov, &out, &err);
    if (!st && !(st = gr_grid_copy(g, &tmp)))
        st = gr_outage_apply(out, tmp, &err);
    gr_grid_free(tmp);
    if (st) {
        gr_outage_free(out);
        raise_gr(st == GR_ENOTFOUND ? GR_EPARSE : st, &err, "outage: ");
        return -1;
    }
    *buf = malloc(((size_t)out->n + 1) * sizeof(int));
    if (!*buf) {
        gr_outage_free(out);
        PyErr_NoMemory();
        return -1;
    }
    int *p = *buf;
    memset(d, 0, sizeof *d);
    d->branch = p;
    for (int i = 0; i < out->n; i++)
        if (out->kind[i] == GR_OUTAGE_BRANCH)
            p[d->n_branch++] = out->id[i] - 1;
    d->gen = p + d->n_branch;
    for (int i = 0; i < out->n; i++)
        if (out->kind[i] == GR_OUTAGE_GEN)
            p[d->n_branch + d->n_gen++] = out->id[i] - 1;
    d->bus = p + d->n_branch + d->n_gen;
    for (int i = 0; i < out->n; i++)
        if (out->kind[i] == GR_OUTAGE_BUS)
            p[d->n_branch + d->n_gen + d->n_bus++] = gr_grid_bus_index(g, out->id[i]);
    gr_outage_free(out);
    return 0;
}

static int parse_control(const char *s, int *out)
{
    if (strcmp(s, "shed") == 0)
        *out = GR_CASCADE_CONTROL_SHED;
    else if (strcmp(s, "none") == 0)
        *out = GR_CASCADE_CONTROL_NONE;
    else {
        raise_msg(GR_EINVAL, "control must be 'shed' or 'none', not '%s'", s);
        return -1;
    }
    return 0;
}

/* Overlay (nullable path) and load classes from it (else NULL: the defaults). */
static int load_overlay(CaseObject *o, const gr_grid *g, PyObject *path, gr_overlay **ov,
                        gr_load_classes **lc)
{
    gr_error err = {0, ""};
    *ov = NULL;
    if (lc)
        *lc = NULL;
    if (!path)
        return 0;
    int st = gr_overlay_read(PyBytes_AS_STRING(path), o->c, ov, &err);
    if (st == GR_OK && lc)
        st = gr_load_classes_from_overlay(g, *ov, lc, &err);
    if (st != GR_OK) {
        gr_overlay_free(*ov);
        *ov = NULL;
        raise_gr(st, &err, "overlay: ");
        return -1;
    }
    return 0;
}

/* Cascade options common to one cascade and the random N-2 Monte Carlo. */
static int cascade_opts(CaseObject *o, const gr_grid *g, int ac, int qlim, const char *control,
                        const char *rating, const char *base, double t_max,
                        gr_cascade_options *opt, double **ramp)
{
    gr_cascade_options_default(opt);
    opt->ac = ac;
    if (qlim && !ac) {
        raise_msg(GR_EINVAL, "qlim applies to the AC power flow only (ac=True)%s", NULL);
        return -1;
    }
    opt->pf.enforce_q_lims = qlim;
    if (parse_control(control, &opt->control))
        return -1;
    if (rating) {
        if (strlen(rating) != 1 || !strchr("ABC", rating[0])) {
            raise_msg(GR_EINVAL, "rating must be 'A', 'B' or 'C', not '%s'", rating);
            return -1;
        }
        opt->rating = rating[0];
    }
    if (base) {
        if (strcmp(base, "raise") == 0)
            opt->base_overload = GR_CASCADE_BASE_RAISE;
        else if (strcmp(base, "keep") == 0)
            opt->base_overload = GR_CASCADE_BASE_KEEP;
        else {
            raise_msg(GR_EINVAL, "base_overload must be 'raise' or 'keep', not '%s'", base);
            return -1;
        }
    }
    if (t_max >= 0)
        opt->t_max_s = t_max;
    /* ramp limits from the case's RAMP_10 column, as the CLI */
    *ramp = calloc((size_t)g->ng + 1, sizeof(double));
    if (!*ramp) {
        PyErr_NoMemory();
        return -1;
    }
    for (int k = 0; k < g->ng; k++)
        (*ramp)[k] = o->c->gen.ramp_10 ? o->c->gen.ramp_10[k] : 0.0;
    opt->ramp_mw = *ramp;
    return 0;
}

static PyObject *case_cascade(CaseObject *o, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"outage", "ac", "qlim", "control", "rating", "base_overload",
                             "t_max", "overlay", NULL};
    const char *outage = "", *control = "none", *rating = NULL, *base = NULL;
    int ac = 0, qlim = 0;
    double t_max = -1;
    PyObject *ovp = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "s|ppszzdO&", kwlist, &outage, &ac, &qlim,
                                     &control, &rating, &base, &t_max, PyUnicode_FSConverter, &ovp))
        return NULL;
    PyObject *ret = NULL;
    gr_overlay *ov = NULL;
    gr_load_classes *lc = NULL;
    gr_cascade_result *r = NULL;
    double *ramp = NULL;
    int *dbuf = NULL;
    gr_cascade_options opt;
    gr_cascade_damage dmg;
    gr_error err = {0, ""};
    int st;
    const gr_grid *g = case_grid(o);
    if (!g || cascade_opts(o, g, ac, qlim, control, rating, base, t_max, &opt, &ramp) ||
        load_overlay(o, g, ovp, &ov, &lc) || build_damage(g, ov, outage, &dmg, &dbuf))
        goto done;
    opt.classes = lc;
    Py_BEGIN_ALLOW_THREADS
    st = gr_cascade_run(g, &dmg, &opt, &r, &err);
    Py_END_ALLOW_THREADS
    if (st != GR_OK) {
        raise_gr(st, &err, NULL);
        goto done;
    }
    int ne = r->n_events;
    double *t = malloc(((size_t)ne + 1) * sizeof(double)), *mw = malloc(((size_t)ne + 1) * sizeof(double));
    double *val = malloc(((size_t)ne + 1) * sizeof(double));
    int *kd = malloc(((size_t)ne + 1) * sizeof(int)), *ix = malloc(((size_t)ne + 1) * sizeof(int));
    int *cs = malloc(((size_t)ne + 1) * sizeof(int)), *id = malloc(((size_t)ne + 1) * sizeof(int));
    PyObject *d = PyDict_New(), *cause_names = PyList_New(0);
    int bad = !t || !mw || !val || !kd || !ix || !cs || !id || !d || !cause_names;
    for (int e = 0; !bad && e < ne; e++) {
        const gr_cascade_event *ev = &r->events[e];
        t[e] = ev->t_s;
        mw[e] = ev->mw_lost;
        val[e] = ev->value;
        kd[e] = ev->kind;
        ix[e] = ev->index;
        cs[e] = ev->cause;
        id[e] = ev->kind == GR_ELEM_BRANCH || ev->kind == GR_ELEM_GEN ? ev->index + 1
                                                                      : g->bus_id[ev->index];
        PyObject *cn = PyUnicode_FromString(gr_cascade_cause_name(ev->cause));
        bad = !cn || PyList_Append(cause_names, cn);
        Py_XDECREF(cn);
    }
    PyObject *elem_names = bad ? NULL : PyList_New(ne);
    for (int e = 0; elem_names && e < ne; e++) {
        PyObject *s = PyUnicode_FromFormat("%s:%d", gr_elem_kind_name(r->events[e].kind), id[e]);
        if (!s) {
            Py_CLEAR(elem_names);
            break;
        }
        PyList_SET_ITEM(elem_names, e, s);
    }
    bad = bad || !elem_names;
    PyObject *cats = bad ? NULL : PyDict_New();
    for (int c = 0; cats && c < GR_LOSS_N; c++)
        if (put(cats, gr_cascade_loss_name(c), PyFloat_FromDouble(r->lost_by_cat_mw[c])))
            Py_CLEAR(cats);
    bad = bad || !cats;
    if (!bad)
        bad = put(d, "t_s", np_d(t, ne)) || put(d, "mw_lost", np_d(mw, ne)) ||
              put(d, "value", np_d(val, ne)) || put(d, "kind", np_i(kd, ne)) ||
              put(d, "index", np_i(ix, ne)) || put(d, "cause_code", np_i(cs, ne)) ||
              put(d, "element", Py_NewRef(elem_names)) || put(d, "cause", Py_NewRef(cause_names)) ||
              put(d, "lost_by_category_mw", Py_NewRef(cats)) ||
              put(d, "load0_mw", PyFloat_FromDouble(r->load0_mw)) ||
              put(d, "served_mw", PyFloat_FromDouble(r->served_mw)) ||
              put(d, "lost_mw", PyFloat_FromDouble(r->lost_mw)) ||
              put(d, "operator_shed_mw", PyFloat_FromDouble(r->operator_shed_mw)) ||
              put(d, "n_trips", PyLong_FromLong(r->n_trips)) ||
              put(d, "n_steps", PyLong_FromLong(r->n_steps)) ||
              put(d, "t_end_s", PyFloat_FromDouble(r->t_end_s)) ||
              put(d, "stop_reason", PyLong_FromLong(r->stop_reason)) ||
              put(d, "n_islands", PyLong_FromLong(r->n_islands)) ||
              put(d, "n_dark_islands", PyLong_FromLong(r->n_dark_islands)) ||
              put(d, "bus_island", np_i(r->bus_island, r->nb)) ||
              put(d, "pd_mw", np_d(r->pd_mw, r->nb)) || put(d, "pg_mw", np_d(r->pg_mw, r->ng)) ||
              put(d, "br_on", np_i(r->br_on, r->nl)) || put(d, "gen_on", np_i(r->gen_on, r->ng));
    Py_XDECREF(cats);
    Py_XDECREF(elem_names);
    Py_XDECREF(cause_names);
    free(t);
    free(mw);
    free(val);
    free(kd);
    free(ix);
    free(cs);
    free(id);
    if (bad) {
        Py_XDECREF(d);
        if (!PyErr_Occurred())
            PyErr_NoMemory();
    } else {
        ret = d;
    }
done:
    Py_XDECREF(ovp);
    free(ramp);
    free(dbuf);
    gr_cascade_result_free(r);
    gr_load_classes_free(lc);
    gr_overlay_free(ov);
    return ret;
}

static PyObject *case_cascade_n2(CaseObject *o, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"n", "seed", "threads", "ac", "qlim", "control", "rating",
                             "base_overload", "t_max", "overlay", NULL};
    const char *control = "none", *rating = NULL, *base = NULL;
    int n = 0, threads = 0, ac = 0, qlim = 0;
    unsigned long long seed = 0;
    double t_max = -1;
    PyObject *ovp = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "iK|ippszzdO&", kwlist, &n, &seed, &threads, &ac,
                                     &qlim, &control, &rating, &base, &t_max,
                                     PyUnicode_FSConverter, &ovp))
        return NULL;
    PyObject *ret = NULL;
    gr_overlay *ov = NULL;
    gr_load_classes *lc = NULL;
    gr_cascade_mc_result *m = NULL;
    double *ramp = NULL, *cx = NULL, *cp = NULL;
    gr_cascade_options opt;
    gr_error err = {0, ""};
    int st;
    const gr_grid *g = case_grid(o);
    if (!g || cascade_opts(o, g, ac, qlim, control, rating, base, t_max, &opt, &ramp) ||
        load_overlay(o, g, ovp, &ov, &lc))
        goto done;
    if (n < 1 || threads < 0) {
        raise_msg(GR_EINVAL, "n must be >= 1 and threads >= 0%s", NULL);
        goto done;
    }
    opt.classes = lc;
    Py_BEGIN_ALLOW_THREADS
    st = gr_cascade_random_n2(g, &opt, n, (uint64_t)seed, threads, &m, &err);
    Py_END_ALLOW_THREADS
    if (st != GR_OK) {
        raise_gr(st, &err, NULL);
        goto done;
    }
    int nc = gr_ccdf(m->mw_lost, m->n, &cx, &cp);
    if (nc < 0) {
        PyErr_NoMemory();
        goto done;
    }
    PyObject *d = PyDict_New();
    if (d && (put(d, "branch1", np_i(m->branch1, m->n)) || put(d, "branch2", np_i(m->branch2, m->n)) ||
              put(d, "mw_lost", np_d(m->mw_lost, m->n)) || put(d, "fraction", np_d(m->fraction, m->n)) ||
              put(d, "n_trips", np_i(m->n_trips, m->n)) ||
              put(d, "operator_mw", np_d(m->operator_mw, m->n)) ||
              put(d, "lost_by_cat_mw", np_d2(m->lost_by_cat_mw, m->n, GR_LOSS_N)) ||
              put(d, "status", np_i(m->status, m->n)) ||
              put(d, "load0_mw", PyFloat_FromDouble(m->load0_mw)) ||
              put(d, "ccdf_mw", np_d(cx, nc)) || put(d, "ccdf_p", np_d(cp, nc))))
        Py_CLEAR(d);
    ret = d;
done:
    Py_XDECREF(ovp);
    free(ramp);
    gr_free(cx);
    gr_free(cp);
    gr_cascade_mc_result_free(m);
    gr_load_classes_free(lc);
    gr_overlay_free(ov);
    return ret;
}

static PyObject *case_shed(CaseObject *o, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"outage", "rating", "overlay", NULL};
    const char *outage = "", *rating = "A";
    PyObject *ovp = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|ssO&", kwlist, &outage, &rating,
                                     PyUnicode_FSConverter, &ovp))
        return NULL;
    PyObject *ret = NULL;
    gr_overlay *ov = NULL;
    gr_load_classes *lc = NULL;
    gr_outage *out = NULL;
    gr_grid *g2 = NULL;
    gr_shed_result *r = NULL;
    gr_error err = {0, ""};
    int st;
    gr_shed_options opt;
    gr_shed_options_default(&opt);
    const gr_grid *g = case_grid(o);
    if (!g)
        goto done;
    if ((strcmp(rating, "A") && strcmp(rating, "a") && strcmp(rating, "B") && strcmp(rating, "b"))) {
        raise_msg(GR_EINVAL, "rating must be 'A' or 'B', not '%s'", rating);
        goto done;
    }
    opt.rating = (char)(rating[0] & ~0x20);
    if (load_overlay(o, g, ovp, &ov, &lc))
        goto done;
    if ((st = gr_outage_parse_names(outage, g, ov, &out, &err)) != GR_OK) {
        raise_gr(st == GR_ENOTFOUND ? GR_EPARSE : st, &err, "outage: ");
        goto done;
    }
    if (!lc && (st = gr_load_classes_default(g->nb, &lc)) != GR_OK) {
        raise_gr(st, NULL, NULL);
        goto done;
    }
    if ((st = gr_grid_copy(g, &g2)) != GR_OK || (st = gr_outage_apply(out, g2, &err)) != GR_OK) {
        raise_gr(st, &err, "outage: ");
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    st = gr_shed_solve(g2, lc, &opt, &r, &err);
    Py_END_ALLOW_THREADS
    if (st != GR_OK) {
        raise_gr(st, &err, NULL);
        goto done;
    }
    PyObject *d = PyDict_New();
    if (d && (put(d, "load_p", np_d(g2->pd, g2->nb)) || put(d, "served_p", np_d(r->served_p, r->nb)) ||
              put(d, "shed_p", np_d(r->shed_p, r->nb)) ||
              put(d, "shed_class_p", np_d2(r->shed_class_p, r->nb, GR_LOAD_NCLASS)) ||
              put(d, "pg", np_d(r->pg, r->ng)) || put(d, "flow_p", np_d(r->flow_p, r->nl)) ||
              put(d, "va", np_d(r->va, r->nb)) ||
              put(d, "rate_a", np_d(g2->rate_a, g2->nl)) || put(d, "rate_b", np_d(g2->rate_b, g2->nl)) ||
              put(d, "shed_total_p", PyFloat_FromDouble(r->shed_total_p)) ||
              put(d, "shed_by_class_p", np_d(r->shed_by_class_p, GR_LOAD_NCLASS)) ||
              put(d, "dark_p", PyFloat_FromDouble(r->dark_p)) ||
              put(d, "objective", PyFloat_FromDouble(r->objective)) ||
              put(d, "lp_iterations", PyLong_FromLong(r->lp_iterations)) ||
              put(d, "solve_s", PyFloat_FromDouble(r->solve_s))))
        Py_CLEAR(d);
    ret = d;
done:
    Py_XDECREF(ovp);
    gr_shed_result_free(r);
    gr_grid_free(g2);
    gr_outage_free(out);
    gr_load_classes_free(lc);
    gr_overlay_free(ov);
    return ret;
}

/* ------------------------------------------------------------------------
 * Restoration.
 * ------------------------------------------------------------------------ */
static PyObject *case_restore(CaseObject *o, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"damage", "method", "crews", "overlay", "seed", "horizon_h",
                             "speed_kmh", "work_h", "start_h", "mip_time_s", NULL};
    PyObject *dmgp = NULL, *ovp = NULL;
    const char *method = "rad";
    unsigned long long seed = 1;
    gr_restore_options opt;
    gr_restore_options_default(&opt);
    seed = opt.seed;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|siO&Kddddd", kwlist, PyUnicode_FSConverter,
                                     &dmgp, &method, &opt.crews, PyUnicode_FSConverter, &ovp,
                                     &seed, &opt.horizon_h, &opt.speed_kmh, &opt.work_h_per_day,
                                     &opt.start_h, &opt.mip_time_s))
        return NULL;
    PyObject *ret = NULL;
    gr_overlay *ov = NULL;
    gr_damage *dm = NULL;
    gr_restore_result *r = NULL;
    gr_error err = {0, ""};
    int st;
    opt.seed = (uint64_t)seed;
    const gr_grid *g = case_grid(o);
    if (!g)
        goto done;
    if (strcmp(method, "greedy") == 0)
        opt.method = GR_RESTORE_GREEDY;
    else if (strcmp(method, "rad") == 0)
        opt.method = GR_RESTORE_RAD;
    else if (strcmp(method, "mip") == 0)
        opt.method = GR_RESTORE_MIP;
    else {
        raise_msg(GR_EINVAL, "method must be 'greedy', 'rad' or 'mip', not '%s'", method);
        goto done;
    }
    if (load_overlay(o, g, ovp, &ov, NULL))
        goto done;
    if ((st = gr_damage_read(PyBytes_AS_STRING(dmgp), g, &dm, &err)) != GR_OK) {
        raise_gr(st, &err, NULL);
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    st = gr_restore_plan(g, ov, dm, &opt, &r, &err);
    Py_END_ALLOW_THREADS
    if (st != GR_OK) {
        raise_gr(st, &err, NULL);
        goto done;
    }
    int n = r->n, ns = r->n_steps;
    size_t sz = (size_t)(n > ns ? n : ns) + 1;
    double *a = malloc(sz * 6 * sizeof(double));
    int *ia = malloc(sz * 4 * sizeof(int));
    PyObject *d = PyDict_New(), *labels = PyList_New(n);
    int bad = !a || !ia || !d || !labels;
    for (int k = 0; !bad && k < n; k++) {
        const gr_restore_task *t = &r->task[k];
        const gr_damage_elem *e = &dm->elem[t->elem];
        ia[k] = t->crew + 1;
        ia[sz + k] = e->kind;
        ia[2 * sz + k] = e->index;
        ia[3 * sz + k] = t->spare_used;
        a[k] = t->depart_h;
        a[sz + k] = t->arrive_h;
        a[2 * sz + k] = t->start_h;
        a[3 * sz + k] = t->end_h;
        int id = e->kind == GR_ELEM_BUS ? g->bus_id[e->index] : e->index + 1;
        PyObject *s = e->label ? PyUnicode_FromString(e->label)
                               : PyUnicode_FromFormat("%s:%d", gr_elem_kind_name(e->kind), id);
        if (!s)
            bad = 1;
        else
            PyList_SET_ITEM(labels, k, s);
    }
    bad = bad || put(d, "crew", np_i(ia, n)) || put(d, "elem_kind", np_i(ia + sz, n)) ||
          put(d, "elem_index", np_i(ia + 2 * sz, n)) || put(d, "spare_used", np_i(ia + 3 * sz, n)) ||
          put(d, "depart_h", np_d(a, n)) || put(d, "arrive_h", np_d(a + sz, n)) ||
          put(d, "start_h", np_d(a + 2 * sz, n)) || put(d, "end_h", np_d(a + 3 * sz, n)) ||
          put(d, "element", Py_NewRef(labels));
    for (int k = 0; !bad && k < ns; k++) {
        a[k] = r->step[k].t_h;
        a[sz + k] = r->step[k].served_mw;
        a[2 * sz + k] = r->step[k].served_critical_mw;
        a[3 * sz + k] = r->step[k].people_out;
        a[4 * sz + k] = r->step[k].served_weighted;
        ia[k] = r->step[k].repaired;
    }
    bad = bad || put(d, "step_t_h", np_d(a, ns)) || put(d, "step_served_mw", np_d(a + sz, ns)) ||
          put(d, "step_served_critical_mw", np_d(a + 2 * sz, ns)) ||
          put(d, "step_people_out", np_d(a + 3 * sz, ns)) ||
          put(d, "step_served_weighted", np_d(a + 4 * sz, ns)) ||
          put(d, "step_repaired", np_i(ia, ns)) ||
          put(d, "method", PyUnicode_FromString(gr_restore_method_name(r->method))) ||
          put(d, "start_h", PyFloat_FromDouble(r->start_h)) ||
          put(d, "end_h", PyFloat_FromDouble(r->end_h)) ||
          put(d, "ens_mwh", PyFloat_FromDouble(r->ens_mwh)) ||
          put(d, "ens_weighted", PyFloat_FromDouble(r->ens_weighted)) ||
          put(d, "people_out_h", PyFloat_FromDouble(r->people_out_h)) ||
          put(d, "objective", PyFloat_FromDouble(r->objective)) ||
          put(d, "demand_mw", PyFloat_FromDouble(r->demand_mw)) ||
          put(d, "mip_status", PyLong_FromLong(r->mip_status)) ||
          put(d, "mip_gap_pct", PyFloat_FromDouble(r->mip_gap_pct)) ||
          put(d, "lp_solves", PyLong_FromLong(r->lp_solves));
    free(a);
    free(ia);
    Py_XDECREF(labels);
    if (bad) {
        Py_XDECREF(d);
        if (!PyErr_Occurred())
            PyErr_NoMemory();
    } else {
        ret = d;
    }
done:
    Py_XDECREF(dmgp);
    Py_XDECREF(ovp);
    gr_restore_result_free(r);
    gr_damage_free(dm);
    gr_overlay_free(ov);
    return ret;
}

/* ------------------------------------------------------------------------
 * Campaigns and the synthetic grid (module functions).
 * ------------------------------------------------------------------------ */
static const char *threat_name(int t)
{
    return t == GR_THREAT_DRONE ? "drone" : t == GR_THREAT_CRUISE ? "cruise" : t == GR_THREAT_DECOY ? "decoy" : "ballistic";
}

/* The cause column of the CLI's events.csv. */
static const char *campaign_cause_name(const gr_campaign_event *e)
{
    switch (e->kind) {
    case GR_CEV_DAMAGE:
    case GR_CEV_HIT: return threat_name(e->cause);
    case GR_CEV_TRIP:
    case GR_CEV_SHED: return gr_cascade_cause_name(e->cause);
    case GR_CEV_REPAIR: return gr_repair_kind_name(e->cause);
    default: return "operator";
    }
}

static PyObject *campaign(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *kwlist[] = {"scenario", "runs", "nights", "threads", "seed", "control", NULL};
    PyObject *scen = NULL;
    const char *control = NULL;
    gr_campaign_options opt;
    gr_campaign_options_default(&opt);
    unsigned long long seed = opt.seed;
    int runs = 1, nights = 0, threads = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|O&iiiKz", kwlist, PyUnicode_FSConverter, &scen,
                                     &runs, &nights, &threads, &seed, &control))
        return NULL;
    PyObject *ret = NULL;
    gr_campaign_scenario *s = NULL;
    gr_campaign_result *r = NULL;
    gr_error err = {0, ""};
    int st;
    if (runs < 1 || nights < 0 || threads < 0) {
        raise_msg(GR_EINVAL, "runs must be >= 1, nights and threads >= 0%s", NULL);
        goto done;
    }
    if (control && parse_control(control, &opt.control))
        goto done;
    opt.runs = runs;
    opt.nights = nights;
    opt.threads = threads;
    opt.seed = (uint64_t)seed;
    const char *path = scen ? PyBytes_AS_STRING(scen) : NULL;
    Py_BEGIN_ALLOW_THREADS
    st = gr_campaign_scenario_read(path, &s, &err);
    if (st == GR_OK)
        st = gr_campaign_run(s, &opt, &r, &err);
    Py_END_ALLOW_THREADS
    if (st != GR_OK) {
        raise_gr(st, &err, NULL);
        goto done;
    }
    const gr_grid *g = s->grid;
    int R = r->runs, N = r->nights;
    size_t nn = (size_t)R * (size_t)N;
    PyObject *d = PyDict_New();
    if (!d)
        goto done;
    /* nights: one row per (run, night) */
    enum { NI_DRONES, NI_MISSILES, NI_INTERCEPTED, NI_EW, NI_HITS, NI_DAMAGED, NI_INTERCEPTORS,
           NI_SPARES, NI_N };
    enum { ND_ENS, ND_PEAK, ND_CH, ND_HEAT, ND_CRIT, ND_LEVEL, ND_N };
    int *ni = malloc((nn * NI_N + 1) * sizeof(int));
    double *nd = malloc((nn * ND_N + 1) * sizeof(double));
    int bad = !ni || !nd;
    for (size_t k = 0; !bad && k < nn; k++) {
        const gr_campaign_night *x = &r->night[k];
        int iv[NI_N] = {x->drones, x->missiles, x->intercepted, x->ew, x->hits, x->damaged,
                        x->interceptors_used, x->spares_left};
        double dv[ND_N] = {x->ens_mwh, x->peak_lost_mw, x->customer_hours,
                           x->people_without_heat_max, x->critical_dark_h, x->level_before_wave};
        for (int j = 0; j < NI_N; j++)
            ni[j * nn + k] = iv[j];
        for (int j = 0; j < ND_N; j++)
            nd[j * nn + k] = dv[j];
    }
    PyObject *nights_d = bad ? NULL : PyDict_New();
    if (nights_d) {
        static const char *inames[NI_N] = {"drones", "missiles", "intercepted", "ew", "hits",
                                           "damaged", "interceptors_used", "spares_left"};
        static const char *dnames[ND_N] = {"ens_mwh", "peak_lost_mw", "customer_hours",
                                           "people_without_heat_max", "critical_dark_h",
                                           "level_before_wave"};
        for (int j = 0; nights_d && j < NI_N; j++)
            if (put(nights_d, inames[j], np_i(ni + j * nn, (npy_intp)nn)))
                Py_CLEAR(nights_d);
        for (int j = 0; nights_d && j < ND_N; j++)
            if (put(nights_d, dnames[j], np_d(nd + j * nn, (npy_intp)nn)))
                Py_CLEAR(nights_d);
    }
    free(ni);
    free(nd);
    bad = bad || put(d, "nights_table", nights_d);
    /* hourly: runs * nights * 24 rows of GR_HOUR_NFIELD */
    if (!bad)
        bad = put(d, "hourly", np_d2(r->hourly, r->hourly ? (npy_intp)(nn * 24) : 0, GR_HOUR_NFIELD));
    /* runs totals, the CLI's runs.csv columns */
    PyObject *tot = bad ? NULL : PyDict_New();
    enum { NTOT = 44 }; /* the columns of runs.csv */
    double *tv = malloc(((size_t)R + 1) * NTOT * sizeof(double));
    if (!tv)
        bad = 1;
    if (tot && tv) {
        static const char *tnames[NTOT] = {
            "ens_mwh", "customer_hours", "peak_lost_mw", "people_without_power_max",
            "people_without_power_mean", "people_without_heat_max", "critical_dark_h",
            "worst_week_hours_per_day", "saidi_h", "final_level", "worst_night", "drones",
            "missiles", "intercepted", "ew", "hits", "damaged", "interceptors_used",
            "spares_left", "level_trend_per_night", "e_trend_h_per_night", "pi_trend_per_night",
            "relaxed_hours", "curtailed_mwh", "curtailed_max_mw", "unbalanced_mwh",
            "unbalanced_max_mw",
            "mean_hours_per_day", "worst_decile_hours_per_day", "longest_dark_h",
            "queue1_hours_per_day", "queue2_hours_per_day", "queue3_hours_per_day",
            "queue4_hours_per_day", "queue5_hours_per_day", "queue6_hours_per_day", "clpu_mwh",
            "people_below_12c_max", "person_hours_below_12c", "indoor_min_c",
            "unit_restarts", "nuclear_disconnections", "nuclear_unit_days_out",
            "hydro_energy_limited_mwh"};
        for (int i = 0; i < R; i++) {
            const gr_campaign_total *t = &r->total[i];
            int out[GR_OUT_NOUTCOMES] = {0, 0, 0};
            for (int ty = 0; ty < GR_THREAT_NTYPES; ty++)
                for (int oc = 0; oc < GR_OUT_NOUTCOMES; oc++)
                    out[oc] += t->outcome[ty][oc];
            /* queue q: the mean of its sub-queues (as the CLI) */
#define QH(q) (0.5 * (t->queue_hours_per_day[2 * (q)] + t->queue_hours_per_day[2 * (q) + 1]))
            double v[NTOT] = {t->ens_mwh, t->customer_hours, t->peak_lost_mw,
                            t->people_without_power_max, t->people_without_power_mean,
                            t->people_without_heat_max, t->critical_dark_h,
                            t->worst_week_hours_per_day, t->saidi_h, t->final_level,
                            (double)t->worst_night, (double)t->launched[GR_THREAT_DRONE],
                            (double)(t->launched[GR_THREAT_CRUISE] + t->launched[GR_THREAT_BALLISTIC]),
                            (double)out[GR_OUT_INTERCEPTED], (double)out[GR_OUT_EW],
                            (double)out[GR_OUT_LEAKED], (double)t->damaged,
                            (double)t->interceptors_used, (double)t->spares_left, t->level_trend,
                            t->e_trend, t->pi_trend, (double)t->relaxed_hours, t->curtailed_mwh,
                            t->curtailed_max_mw, t->unbalanced_mwh, t->unbalanced_max_mw,
                            t->mean_hours_per_day,
                            t->worst_decile_hours_per_day, t->longest_dark_h, QH(0), QH(1),
                            QH(2), QH(3), QH(4), QH(5), t->clpu_mwh, t->people_below_12c_max,
                            t->person_hours_below_12c, t->indoor_min_c,
                            (double)t->unit_restarts, (double)t->nuclear_disconnections,
                            t->nuclear_unit_days_out, t->hydro_energy_limited_mwh};
#undef QH
            for (int j = 0; j < NTOT; j++)
                tv[(size_t)j * (size_t)R + (size_t)i] = v[j];
        }
        for (int j = 0; tot && j < NTOT; j++)
            if (put(tot, tnames[j], np_d(tv + (size_t)j * (size_t)R, R)))
                Py_CLEAR(tot);
    }
    free(tv);
    bad = bad || put(d, "runs_table", tot);
    /* events */
    size_t ne = 0;
    for (int i = 0; r->n_events && i < R; i++)
        ne += (size_t)r->n_events[i];
    int *er = malloc((ne + 1) * sizeof(int)), *en = malloc((ne + 1) * sizeof(int));
    double *et = malloc((ne + 1) * sizeof(double)), *em = malloc((ne + 1) * sizeof(double));
    PyObject *el = PyList_New((Py_ssize_t)ne), *ek = PyList_New((Py_ssize_t)ne),
             *ec = PyList_New((Py_ssize_t)ne);
    bad = bad || !er || !en || !et || !em || !el || !ek || !ec;
    size_t q = 0;
    for (int i = 0; !bad && r->n_events && i < R; i++)
        for (int k = 0; !bad && k < r->n_events[i]; k++, q++) {
            const gr_campaign_event *e = &r->events[i][k];
            int id = e->elem_kind == GR_ELEM_BRANCH || e->elem_kind == GR_ELEM_GEN
                         ? e->elem_index + 1
                         : g->bus_id[e->elem_index];
            er[q] = i + 1;
            en[q] = e->night;
            et[q] = e->t_h;
            em[q] = e->mw_lost;
            PyObject *a = PyUnicode_FromFormat("%s:%d", gr_elem_kind_name(e->elem_kind), id);
            PyObject *b = PyUnicode_FromString(gr_campaign_event_kind_name(e->kind));
            PyObject *c = PyUnicode_FromString(campaign_cause_name(e));
            if (!a || !b || !c) {
                Py_XDECREF(a);
                Py_XDECREF(b);
                Py_XDECREF(c);
                bad = 1;
                break;
            }
            PyList_SET_ITEM(el, (Py_ssize_t)q, a);
            PyList_SET_ITEM(ek, (Py_ssize_t)q, b);
            PyList_SET_ITEM(ec, (Py_ssize_t)q, c);
        }
    PyObject *ev = bad ? NULL : PyDict_New();
    if (ev && (put(ev, "run", np_i(er, (npy_intp)ne)) || put(ev, "night", np_i(en, (npy_intp)ne)) ||
               put(ev, "t_h", np_d(et, (npy_intp)ne)) || put(ev, "element", Py_NewRef(el)) ||
               put(ev, "kind", Py_NewRef(ek)) || put(ev, "cause", Py_NewRef(ec)) ||
               put(ev, "mw_lost", np_d(em, (npy_intp)ne))))
        Py_CLEAR(ev);
    free(er);
    free(en);
    free(et);
    free(em);
    Py_XDECREF(el);
    Py_XDECREF(ek);
    Py_XDECREF(ec);
    bad = bad || put(d, "events_table", ev);
    bad = bad || put(d, "runs", PyLong_FromLong(R)) || put(d, "nights", PyLong_FromLong(N)) ||
          put(d, "seed", PyLong_FromUnsignedLongLong(r->seed)) ||
          put(d, "control", PyLong_FromLong(r->control)) ||
          put(d, "population", PyFloat_FromDouble(r->population)) ||
          put(d, "peak_mw", PyFloat_FromDouble(r->peak_mw)) ||
          put(d, "status", np_i(r->status, R)) || put(d, "lp_solves", PyLong_FromLong(r->lp_solves)) ||
          put(d, "wall_s", PyFloat_FromDouble(r->wall_s)) ||
          put(d, "threads", PyLong_FromLong(r->threads)) ||
          put(d, "scenario_name", PyUnicode_FromString(s->name ? s->name : "")) ||
          put(d, "scenario_source", PyUnicode_FromString(s->source ? s->source : ""));
    if (bad) {
        Py_DECREF(d);
        if (!PyErr_Occurred())
            PyErr_NoMemory();
    } else {
        ret = d;
    }
done:
    Py_XDECREF(scen);
    gr_campaign_result_free(r);
    gr_campaign_scenario_free(s);
    return ret;
}

static PyObject *synth(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *kwlist[] = {"n_bus", "seed", "n_cities", "population", "region_km",
                             "tune", "overlay_path", NULL};
    gr_synth_options opt;
    gr_synth_options_default(&opt);
    unsigned long long seed = opt.seed;
    PyObject *ovp = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|iKiddpO&", kwlist, &opt.n_bus, &seed,
                                     &opt.n_cities, &opt.population, &opt.region_km, &opt.tune,
                                     PyUnicode_FSConverter, &ovp))
        return NULL;
    opt.seed = (uint64_t)seed;
    gr_case *c = NULL;
    gr_overlay *ov = NULL;
    gr_error err = {0, ""};
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = gr_synth(&opt, &c, ovp ? &ov : NULL, &err);
    if (st == GR_OK && ovp)
        st = gr_overlay_write(ov, PyBytes_AS_STRING(ovp), &err);
    Py_END_ALLOW_THREADS
    Py_XDECREF(ovp);
    gr_overlay_free(ov);
    if (st != GR_OK) {
        gr_case_free(c);
        return raise_gr(st, &err, NULL);
    }
    return case_wrap(c);
}

static PyObject *strerror_(PyObject *self, PyObject *args)
{
    (void)self;
    int st;
    if (!PyArg_ParseTuple(args, "i", &st))
        return NULL;
    return PyUnicode_FromString(gr_strerror(st));
}

/* ------------------------------------------------------------------------
 * Module.
 * ------------------------------------------------------------------------ */
static PyMethodDef case_methods[] = {
    {"write", (PyCFunction)case_write, METH_VARARGS, "write(path): MATPOWER case file"},
    {"tables", (PyCFunction)case_tables, METH_NOARGS, "the case tables as numpy columns"},
    {"grid_info", (PyCFunction)case_grid_info, METH_NOARGS, "grid model arrays"},
    {"pf", (PyCFunction)(void (*)(void))case_pf, METH_VARARGS | METH_KEYWORDS, "power flow"},
    {"contingency", (PyCFunction)(void (*)(void))case_contingency, METH_VARARGS | METH_KEYWORDS,
     "contingency analysis"},
    {"sens", (PyCFunction)(void (*)(void))case_sens, METH_VARARGS | METH_KEYWORDS, "PTDF/LODF"},
    {"cascade", (PyCFunction)(void (*)(void))case_cascade, METH_VARARGS | METH_KEYWORDS,
     "one cascade"},
    {"cascade_random_n2", (PyCFunction)(void (*)(void))case_cascade_n2,
     METH_VARARGS | METH_KEYWORDS, "Monte Carlo of random N-2 cascades"},
    {"shed", (PyCFunction)(void (*)(void))case_shed, METH_VARARGS | METH_KEYWORDS,
     "emergency load shedding LP"},
    {"restore", (PyCFunction)(void (*)(void))case_restore, METH_VARARGS | METH_KEYWORDS,
     "restoration plan"},
    {NULL, NULL, 0, NULL}};

static PyTypeObject CaseType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "gridres._core.CCase",
    .tp_basicsize = sizeof(CaseObject),
    .tp_dealloc = (destructor)case_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "a libgridres case (gr_case) and its grid model",
    .tp_methods = case_methods,
};

static PyMethodDef module_methods[] = {
    {"read_case", read_case, METH_VARARGS, "read_case(path) -> CCase (.m or .raw)"},
    {"parse_case", parse_case, METH_VARARGS, "parse_case(text, name='<string>', raw=False)"},
    {"campaign", (PyCFunction)(void (*)(void))campaign, METH_VARARGS | METH_KEYWORDS,
     "strike campaign"},
    {"synth", (PyCFunction)(void (*)(void))synth, METH_VARARGS | METH_KEYWORDS,
     "synthetic regional grid"},
    {"strerror", strerror_, METH_VARARGS, "text of a gr_status"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef moduledef = {PyModuleDef_HEAD_INIT, "_core",
                                       "libgridres binding (low level; use the gridres package)",
                                       -1, module_methods, NULL, NULL, NULL, NULL};

static PyObject *new_exc(PyObject *m, const char *name, PyObject *base2, const char *doc)
{
    char full[96];
    snprintf(full, sizeof full, "gridres.%s", name);
    PyObject *bases = base2 ? PyTuple_Pack(2, Error, base2) : PyTuple_Pack(1, Error);
    if (!bases)
        return NULL;
    PyObject *e = PyErr_NewExceptionWithDoc(full, doc, bases, NULL);
    Py_DECREF(bases);
    if (e && PyModule_AddObjectRef(m, name, e) < 0) {
        Py_DECREF(e);
        return NULL;
    }
    return e;
}

PyMODINIT_FUNC PyInit__core(void);
PyMODINIT_FUNC PyInit__core(void)
{
    import_array();
    if (PyType_Ready(&CaseType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&moduledef);
    if (!m)
        return NULL;
    Error = PyErr_NewExceptionWithDoc("gridres.Error",
                                      "A libgridres error; .status, .status_name and .message "
                                      "carry the library's status and message.",
                                      PyExc_Exception, NULL);
    if (!Error || PyModule_AddObjectRef(m, "Error", Error) < 0)
        goto fail;
    if (!(ParseError = new_exc(m, "ParseError", PyExc_ValueError, "malformed input (GR_EPARSE)")) ||
        !(InvalidError = new_exc(m, "InvalidError", PyExc_ValueError, "invalid argument (GR_EINVAL)")) ||
        !(IOErrorGr = new_exc(m, "IOError", PyExc_OSError, "input/output error (GR_EIO)")) ||
        !(NoMemError = new_exc(m, "NoMemoryError", PyExc_MemoryError, "out of memory (GR_ENOMEM)")) ||
        !(SingularError = new_exc(m, "SingularError", NULL, "singular matrix (GR_ESINGULAR)")) ||
        !(LPError = new_exc(m, "LPError", NULL, "linear program failed (GR_ELP)")) ||
        !(NotFoundError = new_exc(m, "NotFoundError", PyExc_LookupError, "not found (GR_ENOTFOUND)")) ||
        !(InfeasibleError = new_exc(m, "InfeasibleError", NULL, "infeasible (GR_EINFEASIBLE)")) ||
        !(ExistsError = new_exc(m, "ExistsError", NULL, "already exists (GR_EEXIST)")))
        goto fail;
    if (PyModule_AddObjectRef(m, "CCase", (PyObject *)&CaseType) < 0 ||
        PyModule_AddStringConstant(m, "LIB_VERSION", GRIDRES_VERSION) < 0)
        goto fail;
    return m;
fail:
    Py_DECREF(m);
    return NULL;
}
