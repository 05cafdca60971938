/* cmd_info.c — `gridres info`: statistics of a MATPOWER case and, with its overlay, of the region it serves. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cli_util.h"
#include "gridres.h"

int cmd_info(int argc, char **argv, gr_mpi *mpi);

static void info_help(FILE *f)
{
    fputs("usage: gridres info CASE.m [--overlay scenario.json] [--json]\n"
          "\n"
          "Print statistics of a MATPOWER case: buses per voltage level (baseKV), lines and\n"
          "transformers, load and generation, islands, the bus-graph degree. With the\n"
          "scenario overlay (docs/scenario.md) also generation by plant type, people,\n"
          "critical sites, cities, heat districts, defended zones, crew bases and line\n"
          "lengths per voltage level (from the overlay's branch lengths, else from the\n"
          "bus coordinates).\n"
          "\n"
          "options:\n"
          "  --overlay FILE      the scenario overlay of the case\n"
          CLI_HELP_JSON
          CLI_HELP_HELP
          "\n"
          CLI_HELP_DEFAULTS
          "examples:\n"
          "  gridres info examples/example6.m\n"
          "  gridres info examples/example6.m --overlay examples/example6.scenario.json --json\n"
          "\n"
          "exit status: 0 success, 2 bad command line or input file, 1 other failure.\n",
          f);
}

#define MAX_LEVELS 32

typedef struct level_stat {
    double kv;
    int buses, lines;
    double load_mw;
    double *len;   /* line lengths, km */
    int nlen;
} level_stat;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int find_level(level_stat *lv, int *nlv, double kv)
{
    for (int k = 0; k < *nlv; k++)
        if (lv[k].kv == kv)
            return k;
    if (*nlv >= MAX_LEVELS)
        return -1;
    memset(&lv[*nlv], 0, sizeof lv[*nlv]);
    lv[*nlv].kv = kv;
    return (*nlv)++;
}

typedef struct pair {
    int a, b;
} pair;

static int cmp_pair(const void *x, const void *y)
{
    const pair *p = x, *q = y;
    if (p->a != q->a)
        return (p->a > q->a) - (p->a < q->a);
    return (p->b > q->b) - (p->b < q->b);
}

static json_t *num(double x) { return cli_json_num(x); }

int cmd_info(int argc, char **argv, gr_mpi *mpi)
{
    (void)mpi;
    const char *ov_path = NULL, *pos[1];
    int json = 0, npos = 0, rc;
    cli_inputs in;
    level_stat lv[MAX_LEVELS];
    int nlv = 0;
    pair *pairs = NULL;
    int *deg = NULL;
    json_t *o = NULL;

    const cli_opt opts[] = {
        CLI_OPT_OVERLAY(ov_path),
        CLI_OPT_JSON(json),
    };
    if (!cli_parse_args("info", argc, argv, opts, CLI_NOPTS(opts), pos, 1, &npos, info_help, &rc))
        return rc;
    if (npos != 1) {
        cli_errorf("info", "expects one case file (see gridres info --help)");
        return CLI_EXIT_USAGE;
    }
    memset(lv, 0, sizeof lv);
    const cli_inputs_spec spec = {pos[0], ov_path, 0, 0, 1, "error: ", "error: "};
    if ((rc = cli_load_inputs("info", &spec, &in)) != CLI_EXIT_OK)
        goto done;
    const gr_case *c = in.c;
    const gr_grid *g = in.g;
    const gr_islands *isl = in.isl;
    const gr_overlay *ov = in.ov;
    rc = CLI_EXIT_FAIL;

    /* levels, load */
    double load_p = 0.0, load_q = 0.0, shunt_cap = 0.0, shunt_reac = 0.0;
    for (int k = 0; k < c->bus.n; k++) {
        int l = find_level(lv, &nlv, c->bus.base_kv[k]);
        if (l >= 0) {
            lv[l].buses++;
            lv[l].load_mw += c->bus.pd_mw[k];
        }
        load_p += c->bus.pd_mw[k];
        load_q += c->bus.qd_mvar[k];
        if (c->bus.bs_mvar[k] > 0)
            shunt_cap += c->bus.bs_mvar[k];
        else
            shunt_reac -= c->bus.bs_mvar[k];
    }
    /* branches: transformers by gr_grid_branch_is_transformer (tap != 1 with
       tap 0 meaning 1, a phase shift, or two base kV), the rest lines */
    int nline = 0, nxf = 0, nout = 0;
    for (int k = 0; k < c->branch.n; k++) {
        int f = g->br_f[k];
        int xf = gr_grid_branch_is_transformer(g, k);
        nout += !g->br_on[k];
        if (xf) {
            nxf++;
            continue;
        }
        nline++;
        int l = find_level(lv, &nlv, g->base_kv[f]);
        if (l >= 0)
            lv[l].lines++;
    }
    /* line lengths per level (overlay) */
    if (ov) {
        for (int l = 0; l < nlv; l++) {
            lv[l].len = malloc((size_t)(lv[l].lines + 1) * sizeof(double));
            if (!lv[l].len) {
                cli_errorf("info", "out of memory");
                goto done;
            }
        }
        for (int k = 0; k < c->branch.n; k++) {
            int f = g->br_f[k], t = g->br_t[k];
            if (gr_grid_branch_is_transformer(g, k))
                continue;
            int l = find_level(lv, &nlv, g->base_kv[f]);
            double len = ov->branch_length_km ? ov->branch_length_km[k]
                                              : hypot(ov->bus_x_km[f] - ov->bus_x_km[t],
                                                      ov->bus_y_km[f] - ov->bus_y_km[t]);
            if (l >= 0 && lv[l].len)
                lv[l].len[lv[l].nlen++] = len;
        }
        for (int l = 0; l < nlv; l++)
            if (lv[l].len)
                qsort(lv[l].len, (size_t)lv[l].nlen, sizeof(double), cmp_double);
    }
    /* sort levels by voltage, highest first */
    for (int i = 1; i < nlv; i++)
        for (int j = i; j > 0 && lv[j].kv > lv[j - 1].kv; j--) {
            level_stat t = lv[j];
            lv[j] = lv[j - 1];
            lv[j - 1] = t;
        }
    /* bus graph: distinct bus pairs joined by in-service branches */
    pairs = malloc((size_t)(c->branch.n + 1) * sizeof *pairs);
    deg = calloc((size_t)c->bus.n + 1, sizeof *deg);
    if (!pairs || !deg) {
        cli_errorf("info", "out of memory");
        goto done;
    }
    int np = 0;
    for (int k = 0; k < c->branch.n; k++) {
        if (!g->br_on[k] || g->br_f[k] == g->br_t[k])
            continue;
        int a = g->br_f[k], b = g->br_t[k];
        pairs[np].a = a < b ? a : b;
        pairs[np].b = a < b ? b : a;
        np++;
    }
    qsort(pairs, (size_t)np, sizeof *pairs, cmp_pair);
    int nedge = 0, maxdeg = 0, hist[6] = {0};
    for (int k = 0; k < np; k++) {
        if (k > 0 && pairs[k].a == pairs[k - 1].a && pairs[k].b == pairs[k - 1].b)
            continue;
        nedge++;
        deg[pairs[k].a]++;
        deg[pairs[k].b]++;
    }
    for (int k = 0; k < c->bus.n; k++) {
        maxdeg = deg[k] > maxdeg ? deg[k] : maxdeg;
        hist[deg[k] < 5 ? deg[k] : 5]++;
    }
    double avgdeg = c->bus.n > 0 ? 2.0 * nedge / c->bus.n : 0.0;
    /* generation */
    double cap = 0.0, pg = 0.0, tcap[GR_PLANT_N] = {0}, tpg[GR_PLANT_N] = {0};
    int tunits[GR_PLANT_N] = {0}, tplants[GR_PLANT_N] = {0}, ngon = 0;
    for (int k = 0; k < c->gen.n; k++) {
        if (c->gen.status[k] <= 0)
            continue;
        ngon++;
        cap += c->gen.pmax_mw[k];
        pg += c->gen.pg_mw[k];
        if (ov) {
            int t = ov->plant_type[ov->gen_plant[k]];
            tcap[t] += c->gen.pmax_mw[k];
            tpg[t] += c->gen.pg_mw[k];
            tunits[t]++;
        }
    }
    double people = 0.0, heated = 0.0, crit_mw = 0.0;
    int fac[GR_FAC_N] = {0}, crews = 0;
    if (ov) {
        for (int p = 0; p < ov->nplant; p++)
            tplants[ov->plant_type[p]]++;
        for (int k = 0; k < ov->nb; k++) {
            people += ov->bus_population[k];
            heated += ov->bus_heat_population[k];
            crit_mw += gr_overlay_critical_mw(ov, k, NULL);
            for (int f = 0; f < GR_FAC_N; f++)
                fac[f] += ov->bus_fac[(size_t)k * GR_FAC_N + (size_t)f];
        }
        for (int k = 0; k < ov->ncrew; k++)
            crews += ov->crew_count[k];
    }

    if (json) {
        o = json_object();
        json_t *levels = json_array(), *gen = json_object();
        json_object_set_new(o, "case", json_string(pos[0]));
        json_object_set_new(o, "buses", json_integer(c->bus.n));
        json_object_set_new(o, "generators", json_integer(c->gen.n));
        json_object_set_new(o, "branches", json_integer(c->branch.n));
        json_object_set_new(o, "lines", json_integer(nline));
        json_object_set_new(o, "transformers", json_integer(nxf));
        json_object_set_new(o, "out_of_service", json_integer(nout));
        json_object_set_new(o, "islands", json_integer(isl->n));
        json_object_set_new(o, "load_mw", num(load_p));
        json_object_set_new(o, "load_mvar", num(load_q));
        json_object_set_new(o, "capacity_mw", num(cap));
        json_object_set_new(o, "dispatch_mw", num(pg));
        json_object_set_new(o, "shunt_capacitors_mvar", num(shunt_cap));
        json_object_set_new(o, "shunt_reactors_mvar", num(shunt_reac));
        json_object_set_new(o, "average_degree", num(avgdeg));
        json_object_set_new(o, "max_degree", json_integer(maxdeg));
        for (int l = 0; l < nlv; l++) {
            json_t *e = json_object();
            json_object_set_new(e, "kv", num(lv[l].kv));
            json_object_set_new(e, "buses", json_integer(lv[l].buses));
            json_object_set_new(e, "lines", json_integer(lv[l].lines));
            json_object_set_new(e, "load_mw", num(lv[l].load_mw));
            if (lv[l].len && lv[l].nlen > 0) {
                double tot = 0.0;
                for (int k = 0; k < lv[l].nlen; k++)
                    tot += lv[l].len[k];
                json_object_set_new(e, "line_km_total", num(tot));
                json_object_set_new(e, "line_km_min", num(lv[l].len[0]));
                json_object_set_new(e, "line_km_median", num(lv[l].len[lv[l].nlen / 2]));
                json_object_set_new(e, "line_km_mean", num(tot / lv[l].nlen));
                json_object_set_new(e, "line_km_max", num(lv[l].len[lv[l].nlen - 1]));
            }
            json_array_append_new(levels, e);
        }
        json_object_set_new(o, "levels", levels);
        if (ov) {
            for (int t = 0; t < GR_PLANT_N; t++) {
                if (!tplants[t])
                    continue;
                json_t *e = json_object();
                json_object_set_new(e, "plants", json_integer(tplants[t]));
                json_object_set_new(e, "units", json_integer(tunits[t]));
                json_object_set_new(e, "capacity_mw", num(tcap[t]));
                json_object_set_new(e, "dispatch_mw", num(tpg[t]));
                json_object_set_new(gen, gr_plant_type_name(t), e);
            }
            json_object_set_new(o, "generation_by_type", gen);
            gen = NULL;
            json_object_set_new(o, "population", num(people));
            json_object_set_new(o, "district_heated", num(heated));
            json_t *cr = json_object();
            for (int f = 0; f < GR_FAC_N; f++)
                json_object_set_new(cr, gr_facility_name(f), json_integer(fac[f]));
            json_object_set_new(o, "critical_sites", cr);
            json_object_set_new(o, "critical_mw", num(crit_mw));
            json_object_set_new(o, "cities", json_integer(ov->ncity));
            json_object_set_new(o, "heat_districts", json_integer(ov->nheat));
            json_object_set_new(o, "defended_zones", json_integer(ov->nzone));
            json_object_set_new(o, "crew_bases", json_integer(ov->ncrew));
            json_object_set_new(o, "crews", json_integer(crews));
        }
        json_decref(gen);
        if (cli_json_print(stdout, o) != 0) {
            cli_errorf("info", "cannot print JSON");
            goto done;
        }
    } else {
        printf("case        %s (%s)\n", c->name ? c->name : "?", pos[0]);
        printf("size        %d buses, %d generators (%d in service), %d branches\n", c->bus.n,
               c->gen.n, ngon, c->branch.n);
        printf("branches    %d lines, %d transformers, %d out of service\n", nline, nxf, nout);
        printf("islands     %d\n", isl->n);
        printf("load        %.1f MW, %.1f MVAr\n", load_p, load_q);
        printf("generation  capacity %.1f MW (%.3f x load), dispatch %.1f MW\n", cap,
               load_p > 0 ? cap / load_p : 0.0, pg);
        printf("shunts      capacitors %.1f MVAr, reactors %.1f MVAr\n", shunt_cap, shunt_reac);
        printf("degree      average %.3f, max %d; buses of degree 1..4, 5+: %d %d %d %d %d\n",
               avgdeg, maxdeg, hist[1], hist[2], hist[3], hist[4], hist[5]);
        printf("levels      kV      buses   lines  load MW%s\n",
               ov ? "   line km: total      min   median     mean      max" : "");
        for (int l = 0; l < nlv; l++) {
            printf("            %-7g %6d %7d %8.1f", lv[l].kv, lv[l].buses, lv[l].lines,
                   lv[l].load_mw);
            if (lv[l].len && lv[l].nlen > 0) {
                double tot = 0.0;
                for (int k = 0; k < lv[l].nlen; k++)
                    tot += lv[l].len[k];
                printf("   %15.1f %8.1f %8.1f %8.1f %8.1f", tot, lv[l].len[0],
                       lv[l].len[lv[l].nlen / 2], tot / lv[l].nlen, lv[l].len[lv[l].nlen - 1]);
            }
            printf("\n");
        }
        if (ov) {
            printf("plants      type      plants units  capacity MW  dispatch MW\n");
            for (int t = 0; t < GR_PLANT_N; t++)
                if (tplants[t])
                    printf("            %-9s %6d %5d %12.1f %12.1f\n", gr_plant_type_name(t),
                           tplants[t], tunits[t], tcap[t], tpg[t]);
            printf("people      %.0f (%.0f on district heating)\n", people, heated);
            printf("critical    %d hospitals, %d water pumping, %d district heating sites "
                   "(%.1f MW, %.1f %% of load)\n",
                   fac[GR_FAC_HOSPITAL], fac[GR_FAC_WATER], fac[GR_FAC_HEATING], crit_mw,
                   load_p > 0 ? 100.0 * crit_mw / load_p : 0.0);
            printf("cities      %d, %d heat districts\n", ov->ncity, ov->nheat);
            for (int k = 0; k < ov->ncity && k < 10; k++)
                printf("            %-14s %10.0f people, radius %.1f km\n", ov->city_name[k],
                       ov->city_population[k], ov->city_radius_km[k]);
            if (ov->ncity > 10)
                printf("            … and %d more\n", ov->ncity - 10);
            printf("defence     %d defended zones\n", ov->nzone);
            printf("crews       %d bases, %d crews\n", ov->ncrew, crews);
        }
    }
    rc = CLI_EXIT_OK;
done:
    for (int l = 0; l < nlv; l++)
        free(lv[l].len);
    free(pairs);
    free(deg);
    json_decref(o);
    cli_inputs_free(&in);
    return rc;
}
