/* test_contingency.c — DC and AC contingency analysis against independent full solves of the outaged grid, MATPOWER's DC N-1, islands, threads and list files. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#define TOL_DC 1e-8   /* pu, against gr_pf_dc of the outaged grid */
#define TOL_AC 1e-6   /* pu, against gr_pf_ac of the outaged grid */

/* Worst differences seen, printed at the end. */
static double worst_dc, worst_ac, worst_ref_mw;
static int n_ac_compared, n_ac_islanding;

static gr_grid *seven_bus(void);

static gr_case *load_case(const char *name)
{
    char rel[512], path[4096];
    snprintf(rel, sizeof rel, "cases/matpower/%s.m", name);
    if (!tu_shared_path(rel, path, sizeof path)) {
        snprintf(rel, sizeof rel, "cases/pglib/%s.m", name);
        TU_NEED_SHARED(rel, path, sizeof path);
    }
    gr_case *c = NULL;
    gr_error err = {0};
    if (gr_case_read(path, &c, &err))
        fail_msg("%s: %s", path, err.msg);
    return c;
}

static gr_grid *load_grid(const char *name)
{
    gr_case *c = load_case(name);
    gr_grid *g = NULL;
    gr_error err = {0};
    if (gr_grid_from_case(c, &g, &err))
        fail_msg("%s: %s", name, err.msg);
    gr_case_free(c);
    return g;
}

/* Apply contingency c of l to a grid copy (on = 0) or lift it (on = 1). */
static void apply(const gr_grid *g, gr_grid *gc, const gr_ctg_list *l, int c, int on)
{
    for (int e = l->ptr[c]; e < l->ptr[c + 1]; e++) {
        int k = l->index[e];
        if (l->kind[e] == GR_ELEM_BRANCH)
            gc->br_on[k] = on ? g->br_on[k] : 0;
        else
            gc->gen_on[k] = on ? g->gen_on[k] : 0;
    }
}

/* Contingencies every `stride` of the list (stride 1: all) against gr_pf_dc. */
static void check_dc(const gr_grid *g, const gr_ctg_list *l, const gr_ctg_result *r, int stride,
                     const char *name)
{
    gr_grid *gc = NULL;
    assert_int_equal(gr_grid_copy(g, &gc), GR_OK);
    for (int c = 0; c < l->n; c += stride) {
        gr_pf_result *f = NULL;
        apply(g, gc, l, c, 0);
        assert_int_equal(gr_pf_dc(gc, &f, NULL), GR_OK);
        apply(g, gc, l, c, 1);
        assert_int_equal(r->converged[c], 1);
        if (r->islands[c] != f->n_islands)
            fail_msg("%s ctg %d: %d islands, full solve %d", name, c + 1, r->islands[c],
                     f->n_islands);
        assert_near(r->dark_load_p[c], f->dark_load_p, 1e-12, 1e-12);
        for (int k = 0; k < g->nl; k++) {
            assert_near(r->pt[(size_t)c * g->nl + k], f->pt[k], TOL_DC, 0);
            assert_near(r->qf[(size_t)c * g->nl + k], 0.0, 0, 0);
            double d = fabs(r->pf[(size_t)c * g->nl + k] - f->pf[k]);
            if (d > worst_dc)
                worst_dc = d;
            if (d > TOL_DC)
                fail_msg("%s ctg %d (method %d) branch %d: Pf %.12g vs full %.12g", name, c + 1,
                         r->method[c], k + 1, r->pf[(size_t)c * g->nl + k], f->pf[k]);
        }
        gr_pf_result_free(f);
    }
    gr_grid_free(gc);
}

static gr_ctg_result *run(const gr_grid *g, const gr_ctg_list *l, int ac, int threads, int flows)
{
    gr_ctg_options opt;
    gr_ctg_options_default(&opt);
    opt.ac = ac;
    opt.threads = threads;
    opt.keep_flows = flows;
    gr_ctg_result *r = NULL;
    gr_error err = {0};
    int st = gr_ctg_run(g, l, &opt, &r, &err);
    if (st)
        fail_msg("gr_ctg_run: %s", err.msg);
    return r;
}

static void dc_n1_case(const char *name, int stride)
{
    gr_grid *g = load_grid(name);
    gr_ctg_list *l = NULL;
    assert_int_equal(gr_ctg_list_n1(g, GR_CTG_BRANCHES | GR_CTG_GENS, &l), GR_OK);
    gr_ctg_result *r = run(g, l, 0, 2, 1);
    check_dc(g, l, r, stride, name);
    gr_ctg_result_free(r);
    gr_ctg_list_free(l);
    gr_grid_free(g);
}

static void test_dc_n1_vs_full(void **state)
{
    (void)state;
    dc_n1_case("case9", 1);
    dc_n1_case("case14", 1);
    dc_n1_case("case30", 1);
    dc_n1_case("case118", 1);
    dc_n1_case("case300", 1);
    dc_n1_case("case1354pegase", UNDER_ASAN ? 41 : 3);
    dc_n1_case("case2383wp", UNDER_ASAN ? 53 : 5);
}

static void test_dc_n2_vs_full(void **state)
{
    (void)state;
    const char *names[] = {"case9", "case30", "case118"};
    int strides[] = {1, UNDER_ASAN ? 7 : 1, UNDER_ASAN ? 397 : 37};
    for (int i = 0; i < 3; i++) {
        gr_grid *g = load_grid(names[i]);
        gr_ctg_list *l = NULL;
        assert_int_equal(gr_ctg_list_n2(g, GR_CTG_BRANCHES, &l), GR_OK);
        gr_ctg_result *r = run(g, l, 0, 2, 1);
        check_dc(g, l, r, strides[i], names[i]);
        gr_ctg_result_free(r);
        gr_ctg_list_free(l);
        gr_grid_free(g);
    }
}

/* MATPOWER rundcpf N-1 (shared/reference/<case>/dc_n1*.csv): the rows it
 * solved (islanding = 0); we also solve the others, checked above. */
static void test_dc_n1_matpower(void **state)
{
    (void)state;
    const char *names[] = {"case14", "case30", "case118", "pglib_opf_case14_ieee",
                           "pglib_opf_case30_ieee", "pglib_opf_case118_ieee"};
    int n_cases = 0;
    for (int i = 0; i < 6; i++) {
        char rel[512], p1[4096], p2[4096];
        snprintf(rel, sizeof rel, "reference/%s/dc_n1.csv", names[i]);
        TU_NEED_SHARED(rel, p1, sizeof p1);
        snprintf(rel, sizeof rel, "reference/%s/dc_n1_flows.csv", names[i]);
        TU_NEED_SHARED(rel, p2, sizeof p2);
        gr_grid *g = load_grid(names[i]);
        n_cases++;
        tu_csv *s = tu_csv_read(p1), *fl = tu_csv_read(p2);
        assert_non_null(s);
        assert_non_null(fl);
        gr_ctg_list *l = NULL;
        assert_int_equal(gr_ctg_list_n1(g, GR_CTG_BRANCHES, &l), GR_OK);
        gr_ctg_result *r = run(g, l, 0, 1, 1);
        int c_out = tu_csv_col(s, "outage_branch"), c_isl = tu_csv_col(s, "islanding");
        int c_load = tu_csv_col(s, "max_loading_pct"), c_nov = tu_csv_col(s, "n_overloaded");
        int c_lbr = tu_csv_col(s, "max_loading_branch");
        int checked = 0;
        for (int row = 0; row < s->rows; row++) {
            int br = (int)tu_csv_get(s, row, c_out);
            if (br == 0 || tu_csv_get(s, row, c_isl) != 0.0)
                continue;
            int c = -1;
            for (int q = 0; q < l->n; q++)
                if (l->index[l->ptr[q]] == br - 1)
                    c = q;
            assert_true(c >= 0);
            /* flows row for this outage */
            int frow = -1;
            for (int q = 0; q < fl->rows; q++)
                if ((int)tu_csv_get(fl, q, 0) == br)
                    frow = q;
            assert_true(frow >= 0);
            for (int k = 0; k < g->nl; k++) {
                double ref = tu_csv_get(fl, frow, k + 1);
                double ours = r->pf[(size_t)c * g->nl + k] * g->base_mva;
                double d = fabs(ours - ref);
                if (d > worst_ref_mw)
                    worst_ref_mw = d;
                if (d > 1e-6 + 1e-8 * fabs(ref))
                    fail_msg("%s outage %d branch %d: Pf %.10g MW vs MATPOWER %.10g", names[i],
                             br, k + 1, ours, ref);
            }
            double ref_load = tu_csv_get(s, row, c_load);
            if (!isnan(ref_load)) {
                assert_near(r->max_loading[c] * 100.0, ref_load, 1e-6, 1e-8);
                assert_int_equal(r->max_loading_branch[c] + 1, (int)tu_csv_get(s, row, c_lbr));
                assert_int_equal(r->n_overloaded[c], (int)tu_csv_get(s, row, c_nov));
            }
            checked++;
        }
        assert_true(checked > 0);
        gr_ctg_result_free(r);
        gr_ctg_list_free(l);
        tu_csv_free(s);
        tu_csv_free(fl);
        gr_grid_free(g);
    }
    assert_true(n_cases >= 3);
}

/* AC: every `stride`-th contingency against gr_pf_ac of the outaged grid. */
static void check_ac_opt(const gr_grid *g, const gr_ctg_list *l, const gr_ctg_result *r,
                         int stride, const char *name, const gr_pf_options *popt)
{
    gr_grid *gc = NULL;
    assert_int_equal(gr_grid_copy(g, &gc), GR_OK);
    gr_pf_options opt = *popt;
    /* The independent solve starts from the base solution too: from the case
     * voltages a stressed grid can land on another (low-voltage) solution. */
    gr_pf_result *base = NULL;
    assert_int_equal(gr_pf_ac(g, &opt, &base, NULL), GR_OK);
    for (int b = 0; b < g->nb; b++)
        if (base->vm[b] > 0) {
            gc->vm0[b] = base->vm[b];
            gc->va0[b] = base->va[b];
        }
    gr_pf_result_free(base);
    for (int c = 0; c < l->n; c += stride) {
        gr_pf_result *f = NULL;
        apply(g, gc, l, c, 0);
        assert_int_equal(gr_pf_ac(gc, &opt, &f, NULL), GR_OK);
        apply(g, gc, l, c, 1);
        if (r->converged[c] != f->converged)
            fail_msg("%s ctg %d: converged %d, the full solve %d", name, c + 1, r->converged[c],
                     f->converged);
        n_ac_compared++;
        n_ac_islanding += r->method[c] == GR_CTG_ISLANDS;
        if (r->islands[c] != f->n_islands)
            fail_msg("%s ctg %d: %d islands, full solve %d", name, c + 1, r->islands[c],
                     f->n_islands);
        assert_near(r->dark_load_p[c], f->dark_load_p, 1e-12, 1e-12);
        if (!f->converged) {
            gr_pf_result_free(f);
            continue;
        }
        const double *ours[4] = {r->pf, r->qf, r->pt, r->qt};
        const double *full[4] = {f->pf, f->qf, f->pt, f->qt};
        for (int j = 0; j < 4; j++)
            for (int k = 0; k < g->nl; k++) {
                double d = fabs(ours[j][(size_t)c * g->nl + k] - full[j][k]);
                if (d > worst_ac)
                    worst_ac = d;
                if (!(d <= TOL_AC))
                    fail_msg("%s ctg %d (method %d) branch %d: flow %d %.10g vs full %.10g", name,
                             c + 1, r->method[c], k + 1, j, ours[j][(size_t)c * g->nl + k],
                             full[j][k]);
            }
        /* voltage range over energised buses of live islands */
        double vmin = HUGE_VAL, vmax = -HUGE_VAL;
        for (int b = 0; b < g->nb; b++) {
            int i = f->bus_island[b];
            if (i < 0 || f->island_converged[i] != 1)
                continue;
            vmin = fmin(vmin, f->vm[b]);
            vmax = fmax(vmax, f->vm[b]);
        }
        assert_near(r->vm_min[c], vmin, TOL_AC, 0);
        assert_near(r->vm_max[c], vmax, TOL_AC, 0);
        gr_pf_result_free(f);
    }
    gr_grid_free(gc);
}

static void check_ac(const gr_grid *g, const gr_ctg_list *l, const gr_ctg_result *r, int stride,
                     const char *name)
{
    gr_pf_options opt;
    gr_pf_options_default(&opt);
    check_ac_opt(g, l, r, stride, name, &opt);
}

static void ac_n1_case(const char *name, int stride, int gens)
{
    gr_grid *g = load_grid(name);
    gr_ctg_list *l = NULL;
    assert_int_equal(gr_ctg_list_n1(g, GR_CTG_BRANCHES | (gens ? GR_CTG_GENS : 0), &l), GR_OK);
    gr_ctg_result *r = run(g, l, 1, 2, 1);
    check_ac(g, l, r, stride, name);
    gr_ctg_result_free(r);
    gr_ctg_list_free(l);
    gr_grid_free(g);
}

static void test_ac_n1_vs_full(void **state)
{
    (void)state;
    ac_n1_case("case9", 1, 1);
    ac_n1_case("case14", 1, 1);
    ac_n1_case("case30", 1, 1);
    ac_n1_case("case118", UNDER_ASAN ? 3 : 1, 1);
    ac_n1_case("case300", UNDER_ASAN ? 7 : 1, 1);
    ac_n1_case("case2383wp", UNDER_ASAN ? 97 : 1, 0);
    print_message("AC: %d contingencies compared (%d islanding); worst flow difference %.3g pu\n",
                  n_ac_compared, n_ac_islanding, worst_ac);
}

/* --qlim: every contingency as gr_pf_ac with enforce_q_lims of the outaged grid. */
static void test_ac_qlim(void **state)
{
    (void)state;
    const char *names[] = {"case30", "case118"};
    for (int i = 0; i < 2; i++) {
        gr_grid *g = load_grid(names[i]);
        gr_ctg_list *l = NULL;
        assert_int_equal(gr_ctg_list_n1(g, GR_CTG_BRANCHES | GR_CTG_GENS, &l), GR_OK);
        gr_ctg_options opt;
        gr_ctg_options_default(&opt);
        opt.pf.enforce_q_lims = 1;
        opt.keep_flows = 1;
        opt.threads = 2;
        gr_ctg_result *r = NULL;
        assert_int_equal(gr_ctg_run(g, l, &opt, &r, NULL), GR_OK);
        check_ac_opt(g, l, r, UNDER_ASAN ? 5 : 1, names[i], &opt.pf);
        gr_ctg_result_free(r);
        gr_ctg_list_free(l);
        gr_grid_free(g);
    }
}

/* Out of memory anywhere: GR_ENOMEM (or success), never a crash or a leak. */
static void test_out_of_memory(void **state)
{
    (void)state;
    gr_grid *g = seven_bus();
    const char *txt = "branch:4\nbranch:2,branch:6\ngen:2\nbranch:1\n";
    int n_fail = 0;
    for (int ac = 0; ac < 2; ac++)
        for (long n = 0;; n++) {
            gr_ctg_list *l = NULL;
            gr_ctg_result *r = NULL;
            gr_ctg_options opt;
            gr_ctg_options_default(&opt);
            opt.ac = ac;
            opt.threads = 1;
            opt.keep_flows = 1;
            gr_alloc_fail_after(n);
            int st = gr_ctg_list_parse(txt, strlen(txt), "t", g, &l, NULL);
            if (st == GR_OK)
                st = gr_ctg_run(g, l, &opt, &r, NULL);
            gr_alloc_fail_after(-1);
            gr_ctg_result_free(r);
            gr_ctg_list_free(l);
            if (st == GR_OK)
                break;
            assert_int_equal(st, GR_ENOMEM);
            n_fail++;
            assert_true(n < 100000);
        }
    for (long n = 0;; n++) {
        gr_sens *s = NULL;
        gr_alloc_fail_after(n);
        int st = gr_sens_create(g, &s, NULL);
        gr_alloc_fail_after(-1);
        gr_sens_free(s);
        if (st == GR_OK)
            break;
        assert_int_equal(st, GR_ENOMEM);
    }
    assert_true(n_fail > 50);
    gr_grid_free(g);
}

/* Results do not depend on the thread count (bit for bit). */
static void same_results(const gr_ctg_result *a, const gr_ctg_result *b)
{
    assert_int_equal(a->n, b->n);
    size_t n = (size_t)a->n, nf = n * (size_t)a->nl;
    assert_memory_equal(a->converged, b->converged, n * sizeof(int));
    assert_memory_equal(a->iterations, b->iterations, n * sizeof(int));
    assert_memory_equal(a->islands, b->islands, n * sizeof(int));
    assert_memory_equal(a->max_loading, b->max_loading, n * sizeof(double));
    assert_memory_equal(a->vm_min, b->vm_min, n * sizeof(double));
    assert_memory_equal(a->vm_max, b->vm_max, n * sizeof(double));
    assert_int_equal(a->nviol, b->nviol);
    if (a->nviol)
        assert_memory_equal(a->viol, b->viol, (size_t)a->nviol * sizeof *a->viol);
    assert_memory_equal(a->pf, b->pf, nf * sizeof(double));
    assert_memory_equal(a->qf, b->qf, nf * sizeof(double));
    assert_memory_equal(a->pt, b->pt, nf * sizeof(double));
    assert_memory_equal(a->qt, b->qt, nf * sizeof(double));
}

static void test_threads_identical(void **state)
{
    (void)state;
    gr_grid *g = load_grid("case300");
    gr_ctg_list *l = NULL;
    assert_int_equal(gr_ctg_list_n1(g, GR_CTG_BRANCHES | GR_CTG_GENS, &l), GR_OK);
    for (int ac = 0; ac < 2; ac++) {
        gr_ctg_result *r1 = run(g, l, ac, 1, 1), *r2 = run(g, l, ac, 2, 1),
                      *r3 = run(g, l, ac, 3, 1);
        same_results(r1, r2);
        same_results(r1, r3);
        gr_ctg_result_free(r1);
        gr_ctg_result_free(r2);
        gr_ctg_result_free(r3);
    }
    gr_ctg_list_free(l);
    gr_grid_free(g);
}

/* Seven buses, base 100 MVA:
 *   1 (REF, gen 200 MW) == 2 (load 50) -- 3 (load 60) == 1   (a ring 1-2-3)
 *   3 -- 4 (gen 40 MW, PV, load 10) -- 5 (load 30)            (4 and 5 hang off 3 by one branch)
 *   2 -- 6 (load 20) -- 7 (load 5)                           (a radial feeder, no generation)
 * Branch 4 (3-4) splits off an island with generation; 6 (2-6) and 7 (6-7)
 * leave dark islands. */
static gr_grid *seven_bus(void)
{
    gr_case *c = NULL;
    assert_int_equal(gr_case_alloc(7, 2, 7, &c), GR_OK);
    c->base_mva = 100;
    int types[7] = {3, 1, 1, 2, 1, 1, 1};
    double pd[7] = {0, 50, 60, 10, 30, 20, 5};
    for (int b = 0; b < 7; b++) {
        c->bus.bus_i[b] = b + 1;
        c->bus.type[b] = types[b];
        c->bus.pd_mw[b] = pd[b];
        c->bus.qd_mvar[b] = pd[b] * 0.2;
        c->bus.vm_pu[b] = 1.0;
        c->bus.va_deg[b] = -(double)b;  /* not a solution: warm start must not matter */
        c->bus.base_kv[b] = 110;
        c->bus.vmax_pu[b] = 1.1;
        c->bus.vmin_pu[b] = 0.9;
    }
    int gb[2] = {1, 4};
    double pg[2] = {200, 40}, vg[2] = {1.02, 1.01};
    for (int k = 0; k < 2; k++) {
        c->gen.bus[k] = gb[k];
        c->gen.pg_mw[k] = pg[k];
        c->gen.vg_pu[k] = vg[k];
        c->gen.pmax_mw[k] = 300;
        c->gen.qmax_mvar[k] = 300;
        c->gen.qmin_mvar[k] = -300;
    }
    int f[7] = {1, 2, 3, 3, 4, 2, 6}, t[7] = {2, 3, 1, 4, 5, 6, 7};
    double x[7] = {0.05, 0.08, 0.06, 0.07, 0.05, 0.1, 0.1};
    double rate[7] = {150, 100, 150, 60, 50, 30, 10};
    for (int k = 0; k < 7; k++) {
        c->branch.f_bus[k] = f[k];
        c->branch.t_bus[k] = t[k];
        c->branch.r_pu[k] = x[k] / 8;
        c->branch.x_pu[k] = x[k];
        c->branch.b_pu[k] = 0.02;
        c->branch.rate_a_mva[k] = rate[k];
    }
    gr_grid *g = NULL;
    assert_int_equal(gr_grid_from_case(c, &g, NULL), GR_OK);
    gr_case_free(c);
    return g;
}

static void test_islands(void **state)
{
    (void)state;
    gr_grid *g = seven_bus();
    gr_ctg_list *l = NULL;
    assert_int_equal(gr_ctg_list_n1(g, GR_CTG_BRANCHES | GR_CTG_GENS, &l), GR_OK);
    assert_int_equal(l->n, 9);
    for (int ac = 0; ac < 2; ac++) {
        gr_ctg_result *r = run(g, l, ac, 1, 1);
        if (ac)
            check_ac(g, l, r, 1, "seven_bus");
        else
            check_dc(g, l, r, 1, "seven_bus");
        /* branch 4 (3-4): two live islands, nothing dark */
        assert_int_equal(r->islands[3], 2);
        assert_int_equal(r->converged[3], 1);
        assert_near(r->dark_load_p[3], 0.0, 1e-15, 0);
        assert_int_equal(r->method[3], GR_CTG_ISLANDS);
        /* branch 6 (2-6): buses 6 and 7 dark, 25 MW */
        assert_int_equal(r->islands[5], 2);
        assert_near(r->dark_load_p[5], 0.25, 1e-12, 0);
        /* branch 7 (6-7): bus 7 dark, 5 MW */
        assert_near(r->dark_load_p[6], 0.05, 1e-12, 0);
        /* gen 2 (bus 4) out: its PV bus turns PQ, solved in full */
        assert_int_equal(r->converged[8], 1);
        /* the island of bus 4 and 5 with 40 MW of generation and 40 MW of load:
         * flows on branch 5 (4-5) about 30 MW */
        assert_near(r->pf[3 * 7 + 4], 0.30, ac ? 0.01 : 1e-12, 0);
        gr_ctg_result_free(r);
    }
    gr_ctg_list_free(l);
    gr_grid_free(g);
}

static void test_list_plain(void **state)
{
    (void)state;
    gr_grid *g = seven_bus();
    const char *txt = "# outages\nbranch:1\n\nbranch:2, branch:4  % a pair\ngen:2\n";
    gr_ctg_list *l = NULL;
    gr_error err = {0};
    assert_int_equal(gr_ctg_list_parse(txt, strlen(txt), "t.txt", g, &l, &err), GR_OK);
    assert_int_equal(l->n, 3);
    assert_int_equal(l->ptr[1], 1);
    assert_int_equal(l->ptr[2], 3);
    assert_int_equal(l->index[2], 3);
    assert_int_equal(l->kind[3], GR_ELEM_GEN);
    assert_int_equal(l->index[3], 1);
    gr_ctg_list_free(l);
    struct {
        const char *txt, *msg;
    } bad[] = {
        {"branch:8\n", "t.txt:1:8: branch row 8 out of range"},
        {"branch:1\nwire:3\n", "t.txt:2:1: unknown element kind 'wire'"},
        {"branch:x\n", "t.txt:1:8: expected a row number"},
        {"branch:1,,branch:2\n", "t.txt:1:10: expected an element after ','"},
        {"gen:0\n", "t.txt:1:5: gen row 0 out of range"},
        {"12\n", "t.txt:1:1: expected an element like"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        memset(&err, 0, sizeof err);
        assert_int_equal(gr_ctg_list_parse(bad[k].txt, strlen(bad[k].txt), "t.txt", g, &l, &err),
                         GR_EPARSE);
        assert_null(l);
        if (strncmp(err.msg, bad[k].msg, strlen(bad[k].msg)) != 0)
            fail_msg("'%s': message '%s', expected '%s…'", bad[k].txt, err.msg, bad[k].msg);
    }
    gr_grid_free(g);
}

static void test_list_contab(void **state)
{
    (void)state;
    gr_grid *g = seven_bus();
    const char *txt = "function chgtab = t\ndefine_constants;\n"
                      "%\tlabel\tprob\ttable\trow\tcol\tchgtype\tnewval\n"
                      "chgtab = [\n"
                      "\t1\t0\tCT_TBRCH\t2\tBR_STATUS\tCT_REP\t0;\n"
                      "\t2\t0.01\tCT_TGEN\t1\tGEN_STATUS\tCT_REP\t0;\n"
                      "\t2\t0.01\tCT_TBRCH\t7\tBR_STATUS\tCT_REP\t0;\n"
                      "\t3\t0\tCT_TLOAD\t0\tCT_LOAD_ALL_P\tCT_REL\t1.1;\n"
                      "\t4\t0\t3\t5\t11\t1\t0\n"
                      "];\n";
    gr_ctg_list *l = NULL;
    gr_error err = {0};
    assert_int_equal(gr_ctg_list_parse(txt, strlen(txt), "c.m", g, &l, &err), GR_OK);
    assert_int_equal(l->n, 4);
    assert_int_equal(l->label[1], 2);
    assert_int_equal(l->ptr[2] - l->ptr[1], 2);
    assert_int_equal(l->kind[1], GR_ELEM_GEN);
    assert_int_equal(l->index[2], 6);
    assert_int_equal(l->ptr[3] - l->ptr[2], 0); /* the load change is not an outage */
    assert_int_equal(l->index[3], 4);
    assert_int_equal(l->n_ignored, 1);
    assert_non_null(strstr(l->ignored_msg, "c.m:8:"));
    gr_ctg_list_free(l);
    gr_grid_free(g);
    /* the ACTIVSg2000 table of MATPOWER */
    char path[4096];
    TU_NEED_SHARED("cases/matpower/contab_ACTIVSg2000.m", path, sizeof path);
    gr_grid *g2 = load_grid("case_ACTIVSg2000");
    assert_int_equal(gr_ctg_list_read(path, g2, &l, &err), GR_OK);
    assert_int_equal(l->n, 3734);   /* labels 1..3735, one unused */
    assert_int_equal(l->n_ignored, 0);
    assert_int_equal(l->label[3733], 3735);
    assert_int_equal(l->kind[l->ptr[3733]], GR_ELEM_GEN);
    assert_int_equal(l->index[l->ptr[3733]], 543);
    gr_ctg_list_free(l);
    gr_grid_free(g2);
}

/* Violations new or worse than in the base case: case118 with ratings cut so
 * that the base case overloads some branches. Each violation's flag is checked
 * against an independent AC solve of the base grid and the documented rule,
 * and a contingency that only repeats the base case's overloads is not new. */
static void test_new_or_worse(void **state)
{
    (void)state;
    gr_grid *g = load_grid("case118");
    gr_pf_options po;
    gr_pf_options_default(&po);
    gr_pf_result *b = NULL;
    assert_int_equal(gr_pf_ac(g, &po, &b, NULL), GR_OK);
    assert_true(b->converged);
    /* rateA = 0.95 x base flow on every 10th branch (overloaded in the base case),
       2 x base flow elsewhere */
    for (int k = 0; k < g->nl; k++) {
        double s = fmax(hypot(b->pf[k], b->qf[k]), hypot(b->pt[k], b->qt[k]));
        g->rate_a[k] = s > 1e-3 ? (k % 10 == 0 ? 0.95 : 2.0) * s : 0.0;
    }
    gr_ctg_list *l = NULL;
    assert_int_equal(gr_ctg_list_n1(g, GR_CTG_BRANCHES, &l), GR_OK);
    gr_ctg_result *r = run(g, l, 1, 2, 0);
    assert_true(r->base_nviol > 0);
    int new_total = 0, repeats_only = 0;
    for (int v = 0; v < r->nviol; v++) {
        const gr_ctg_violation *x = &r->viol[v];
        int want = 1;
        if (x->kind == GR_VIOL_FLOW) {
            int k = x->element;
            double base = fmax(hypot(b->pf[k], b->qf[k]), hypot(b->pt[k], b->qt[k]));
            assert_near(r->base_flow[k], base, 1e-6, 1e-6);
            int base_viol = base > g->rate_a[k] + 1e-9;
            want = !base_viol || x->value > base + GR_CTG_WORSE_FLOW * g->rate_a[k];
        } else if (x->kind == GR_VIOL_VMIN || x->kind == GR_VIOL_VMAX) {
            double vb = b->vm[x->element];
            int lo = x->kind == GR_VIOL_VMIN;
            int base_viol = lo ? vb < g->vmin[x->element] - 1e-9 : vb > g->vmax[x->element] + 1e-9;
            want = !base_viol || (lo ? x->value < vb - GR_CTG_WORSE_VM : x->value > vb + GR_CTG_WORSE_VM);
        }
        assert_int_equal(x->new_or_worse, want);
        new_total += x->new_or_worse;
    }
    int sum = 0;
    for (int c = 0; c < r->n; c++) {
        sum += r->n_new_viol[c];
        int any = 0;
        for (int v = 0; v < r->nviol; v++)
            any |= r->viol[v].ctg == c;
        repeats_only += any && r->n_new_viol[c] == 0;
    }
    assert_int_equal(sum, new_total);
    /* most outages leave the base case's overloads as they were */
    assert_true(repeats_only > 0);
    assert_true(r->n_ctg_new < r->n);
    print_message("case118: %d base violations, %d of %d contingencies with new or worse "
                  "ones, %d repeat only the base case's\n",
                  r->base_nviol, r->n_ctg_new, r->n, repeats_only);
    gr_ctg_result_free(r);
    gr_ctg_list_free(l);
    gr_pf_result_free(b);
    gr_grid_free(g);
}

/* Found by tests/fuzz/fuzz_ctg: a chgtab label, table, row, column or change
 * type that is not an int (4.3e62 went through an undefined double -> int
 * conversion) is a parse error naming the line and the column. */
static void test_list_contab_not_integers(void **state)
{
    (void)state;
    gr_grid *g = seven_bus();
    static const struct {
        const char *row, *msg;
    } bad[] = {
        {"\t4.33e62\t0.1\t3\t5\t11\t1\t0\n", "c.m:3:2: chgtab label: expected an integer, found 4.33e+62"},
        {"\t1\t0\tCT_TBRCH\t1e300\tBR_STATUS\tCT_REP\t0\n", "c.m:3:2: chgtab row: expected an integer"},
        {"\t1\t0\tnan\t1\tBR_STATUS\tCT_REP\t0\n", "c.m:3:2: chgtab table: expected an integer"},
        {"\t1\t0\tCT_TBRCH\t2.5\tBR_STATUS\tCT_REP\t0\n", "c.m:3:2: chgtab row: expected an integer, found 2.5"},
        {"\t1\t0\tCT_TBRCH\t1\t-inf\tCT_REP\t0\n", "c.m:3:2: chgtab col: expected an integer"},
        {"\t1\t0\tCT_TBRCH\t1\tBR_STATUS\t2147483648\t0\n", "c.m:3:2: chgtab chgtype: expected an integer"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char txt[512];
        snprintf(txt, sizeof txt, "function chgtab = t\nchgtab = [\n%s];\n", bad[k].row);
        gr_ctg_list *l = NULL;
        gr_error err = {0};
        assert_int_equal(gr_ctg_list_parse(txt, strlen(txt), "c.m", g, &l, &err), GR_EPARSE);
        assert_null(l);
        if (strncmp(err.msg, bad[k].msg, strlen(bad[k].msg)) != 0)
            fail_msg("row '%s': message '%s', expected '%s…'", bad[k].row, err.msg, bad[k].msg);
    }
    /* integral values written as reals still read: table 3.0, row 2e0 */
    const char *ok = "chgtab = [\n\t7\t0\t3.0\t2e0\t11\t1\t0\n];\n";
    gr_ctg_list *l = NULL;
    gr_error err = {0};
    assert_int_equal(gr_ctg_list_parse(ok, strlen(ok), "c.m", g, &l, &err), GR_OK);
    assert_int_equal(l->n, 1);
    assert_int_equal(l->label[0], 7);
    assert_int_equal(l->ptr[1], 1);
    assert_int_equal(l->kind[0], GR_ELEM_BRANCH);
    assert_int_equal(l->index[0], 1);
    gr_ctg_list_free(l);
    gr_grid_free(g);
}

/* Issue 22: an element twice in one contingency is GR_EINVAL naming both
 * (before, 200,001 copies of one branch made the DC engine ask for a
 * 200,002^2 matrix, 320 GB, per thread); the same element in two
 * contingencies is fine. A contingency of more than 64 distinct branches is
 * solved as the full DC power flow of the outaged grid (exact, as the
 * formula), so a thread's workspace is bounded. */
static void test_duplicate_elements(void **state)
{
    (void)state;
    gr_grid *g = seven_bus();
    enum { NDUP = 200001 };
    gr_ctg_list l = {0};
    int ptr[3] = {0, 1, 1 + NDUP};
    int label[2] = {4, 9};
    int *kind = calloc(NDUP + 1, sizeof(int)), *index = calloc(NDUP + 1, sizeof(int));
    assert_non_null(kind);
    assert_non_null(index);
    for (int e = 0; e <= NDUP; e++)
        kind[e] = GR_ELEM_BRANCH, index[e] = 0; /* branch 1 in both, 200,001 times in the second */
    l.n = 2, l.ptr = ptr, l.kind = kind, l.index = index, l.label = label;
    for (int ac = 0; ac <= 1; ac++) {
        gr_ctg_options opt;
        gr_ctg_options_default(&opt);
        opt.ac = ac;
        gr_ctg_result *r = NULL;
        gr_error err = {0};
        assert_int_equal(gr_ctg_run(g, &l, &opt, &r, &err), GR_EINVAL);
        assert_null(r);
        assert_string_equal(err.msg, "contingency 9: branch:1 appears twice");
    }
    /* a generator twice too; two distinct elements and the same one in two contingencies pass */
    kind[1] = GR_ELEM_GEN, kind[2] = GR_ELEM_GEN;
    ptr[2] = 3;
    gr_ctg_result *r = NULL;
    gr_error err = {0};
    gr_ctg_options opt;
    gr_ctg_options_default(&opt);
    opt.ac = 0;
    assert_int_equal(gr_ctg_run(g, &l, &opt, &r, &err), GR_EINVAL);
    assert_string_equal(err.msg, "contingency 9: gen:1 appears twice");
    index[2] = 1;
    kind[2] = GR_ELEM_BRANCH;
    assert_int_equal(gr_ctg_run(g, &l, &opt, &r, &err), GR_OK);
    assert_int_equal(r->n, 2);
    gr_ctg_result_free(r);
    free(kind);
    free(index);
    gr_grid_free(g);

    /* 100 distinct branches of case118 in one contingency: the full solve's flows */
    gr_grid *h = load_grid("case118");
    int m = 0, kk[100], bk[100];
    for (int k = 0; k < h->nl && m < 100; k += 1)
        if (h->br_on[k])
            kk[m] = GR_ELEM_BRANCH, bk[m++] = k;
    int p2[2] = {0, m}, lab = 1;
    gr_ctg_list big = {.n = 1, .ptr = p2, .kind = kk, .index = bk, .label = &lab};
    gr_ctg_result *rb = run(h, &big, 0, 1, 1);
    check_dc(h, &big, rb, 1, "case118 x100");
    gr_ctg_result_free(rb);
    gr_grid_free(h);
}

static int print_summary(void **state)
{
    (void)state;
    print_message("worst |dPf|: DC vs full %.3g pu, DC vs MATPOWER %.3g MW, AC vs full %.3g pu\n",
                  worst_dc, worst_ref_mw, worst_ac);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_plain),
        cmocka_unit_test(test_list_contab),
        cmocka_unit_test(test_islands),
        cmocka_unit_test(test_dc_n1_vs_full),
        cmocka_unit_test(test_dc_n2_vs_full),
        cmocka_unit_test(test_dc_n1_matpower),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_ac_n1_vs_full),
        cmocka_unit_test(test_ac_qlim),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_new_or_worse),
        cmocka_unit_test(test_list_contab_not_integers),
        cmocka_unit_test(test_duplicate_elements),
    };
    return tu_exit(cmocka_run_group_tests(tests, NULL, print_summary));
}
