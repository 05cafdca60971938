/* report_viewer.c — the interactive map of report.html: the data as JSON in the page and a
 * small plain-JavaScript viewer drawing inline SVG (no network, no library; docs/report.md). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"

/* A JSON string; '<', '>' and '&' as \u escapes so that the text can never end the
   <script> element it sits in. */
static void jstr(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* A number with d decimals ("null" for NaN / infinity). */
static void jnum(FILE *f, double x, int dec)
{
    if (!isfinite(x))
        fputs("null", f);
    else
        fprintf(f, "%.*f", dec, x);
}

static const char *const sub_kind_word[3] = {"distribution substation", "transmission substation",
                                             "plant switchyard"};

/* The data: substations, plants, lines, cities, every run's events mapped to them,
   and the share of each city's people cut off hour by hour. */
static int viewer_data(FILE *f, const rp_data *d)
{
    const gr_overlay *ov = d->ov;
    const gr_grid *g = d->grid;
    int ns = ov->nsub, np = ov->nplant, nc = ov->ncity, R = d->runs, nh = d->nights * RP_HOURS;
    /* the highest kV of each substation's buses */
    double *skv = gr_calloc((size_t)ns + 1, sizeof(double));
    int *line_of = gr_malloc(((size_t)g->nl + 1) * sizeof(int));
    if (!skv || !line_of) {
        gr_free(skv);
        gr_free(line_of);
        return -1;
    }
    for (int b = 0; b < g->nb; b++) {
        int sb = ov->bus_substation[b];
        if (sb >= 0 && sb < ns && ov->bus_kv[b] > skv[sb])
            skv[sb] = ov->bus_kv[b];
    }
    fprintf(f, "{\"nights\":%d,\"runs\":%d,\"run\":%d,\"w\":", d->nights, R, d->run);
    jnum(f, ov->width_km, 2);
    fputs(",\"h\":", f);
    jnum(f, ov->height_km, 2);
    fputs(",\"subs\":[", f);
    for (int j = 0; j < ns; j++) {
        int k = ov->sub_kind[j];
        fputs(j ? ",[" : "[", f);
        jnum(f, ov->sub_x_km[j], 2);
        fputc(',', f);
        jnum(f, ov->sub_y_km[j], 2);
        fputc(',', f);
        jstr(f, ov->sub_name[j]);
        fprintf(f, ",\"%g kV %s\",", skv[j], k >= 0 && k < 3 ? sub_kind_word[k] : "substation");
        jnum(f, d->has_risk ? d->sub_p[j] : NAN, 3);
        fputc(']', f);
    }
    fputs("],\"plants\":[", f);
    for (int j = 0; j < np; j++) {
        int sb = ov->plant_substation[j];
        fputs(j ? ",[" : "[", f);
        jnum(f, sb >= 0 && sb < ns ? ov->sub_x_km[sb] : NAN, 2);
        fputc(',', f);
        jnum(f, sb >= 0 && sb < ns ? ov->sub_y_km[sb] : NAN, 2);
        fputc(',', f);
        jstr(f, ov->plant_name[j]);
        fputc(',', f);
        char cls[64];
        snprintf(cls, sizeof cls, "%s plant", gr_plant_type_name(ov->plant_type[j]));
        jstr(f, cls);
        fputc(',', f);
        jnum(f, d->has_risk ? d->plant_p[j] : NAN, 3);
        fputc(']', f);
    }
    /* lines: branches between two buses of the same level that are not transformers */
    struct {
        int n;
        double kv[3];
    } lv;
    lv.n = gr_kv_class_levels(ov->bus_kv, g->nb, lv.kv, 3);
    fputs("],\"kv\":[", f);
    for (int j = 0; j < lv.n; j++)
        fprintf(f, "%s%g", j ? "," : "", lv.kv[j]);
    fputs("],\"lines\":[", f);
    int nline = 0;
    for (int k = 0; k < g->nl; k++) {
        int fb = g->br_f[k], tb = g->br_t[k];
        line_of[k] = -1;
        if (ov->bus_kv[fb] != ov->bus_kv[tb] || gr_grid_branch_is_transformer(g, k))
            continue;
        int cls = 3;
        double v = round(ov->bus_kv[fb] * 10.0) / 10.0;
        for (int j = lv.n - 1; j >= 0; j--)
            if (v >= lv.kv[j])
                cls = j;
        line_of[k] = nline;
        fputs(nline++ ? ",[" : "[", f);
        jnum(f, ov->bus_x_km[fb], 1);
        fputc(',', f);
        jnum(f, ov->bus_y_km[fb], 1);
        fputc(',', f);
        jnum(f, ov->bus_x_km[tb], 1);
        fputc(',', f);
        jnum(f, ov->bus_y_km[tb], 1);
        fprintf(f, ",%d,%d,", cls, k + 1);
        jnum(f, d->has_risk ? d->line_p[k] : NAN, 3);
        fputc(']', f);
    }
    fputs("],\"cities\":[", f);
    double pmax = 0.0;
    for (int c = 0; c < nc; c++)
        if (ov->city_population[c] > pmax)
            pmax = ov->city_population[c];
    for (int c = 0; c < nc; c++) {
        fputs(c ? ",[" : "[", f);
        jnum(f, ov->city_x_km[c], 2);
        fputc(',', f);
        jnum(f, ov->city_y_km[c], 2);
        fputc(',', f);
        jnum(f, pmax > 0 ? fmax(0.6, 0.045 * ov->width_km * sqrt(ov->city_population[c] / pmax)) : 2.0, 2);
        fputc(',', f);
        jstr(f, ov->city_name[c]);
        fputc(',', f);
        jnum(f, ov->city_population[c], 0);
        /* district-heated people; per run the campaign's hours without power per resident
           and hours below 12 °C per heated resident (null without cities.csv) */
        double hp = d->has_cities ? d->city_heat_people[c] : NAN;
        fputc(',', f);
        jnum(f, hp, 0);
        for (int what = 0; what < 2; what++) {
            if (!d->has_risk || (what && !d->has_cities)) {
                fputs(",null", f);
                continue;
            }
            fputs(",[", f);
            for (int r = 0; r < R; r++) {
                size_t i = (size_t)c * (size_t)R + (size_t)r;
                fputs(r ? "," : "", f);
                jnum(f, what ? (hp > 0.0 ? d->city_cold_ph[i] / hp : 0.0) : d->city_dark_h[i], 3);
            }
            fputc(']', f);
        }
        fputc(']', f);
    }
    /* events: per run, [t_h, asset, kind, element] with asset = substation j, plant
       ns + j or line ns + np + j, kind 1 damage, 2 repair, 3 trip, 4 reclose, element a
       number unique per element (an asset may hold several) */
    fputs("],\"events\":[", f);
    int k = 0;
    for (int r = 1; r <= R; r++) {
        fputs(r > 1 ? ",[" : "[", f);
        int first = 1;
        while (k < d->nev_all && d->ev_all[k].run < r)
            k++;
        for (; k < d->nev_all && d->ev_all[k].run == r; k++) {
            const rp_event *e = &d->ev_all[k];
            int kind = e->kind == RP_EV_DAMAGE    ? 1
                       : e->kind == RP_EV_REPAIR  ? 2
                       : e->kind == RP_EV_TRIP    ? 3
                       : e->kind == RP_EV_RECLOSE ? 4
                                                  : 0;
            if (!kind)
                continue;
            int asset = -1, elem = -1;
            if (e->elem_kind == GR_ELEM_BUS) {
                int b = gr_grid_bus_index(g, e->elem_id);
                if (b >= 0) {
                    asset = ov->bus_substation[b];
                    elem = 2 * g->nl + 2 * g->ng + b;
                }
            } else if (e->elem_kind == GR_ELEM_GEN && e->elem_id >= 1 && e->elem_id <= g->ng) {
                int pl = ov->gen_plant[e->elem_id - 1];
                asset = pl >= 0 && pl < np ? ns + pl : ov->bus_substation[g->gen_bus[e->elem_id - 1]];
                elem = g->nl + e->elem_id - 1;
            } else if (e->elem_kind == GR_ELEM_BRANCH && e->elem_id >= 1 && e->elem_id <= g->nl) {
                int br = e->elem_id - 1;
                asset = line_of[br] >= 0 ? ns + np + line_of[br] : ov->bus_substation[g->br_f[br]];
                elem = br;
            }
            if (asset < 0)
                continue;
            fprintf(f, "%s[%g,%d,%d,%d]", first ? "" : ",", e->t_h, asset, kind, elem);
            first = 0;
        }
        fputc(']', f);
    }
    /* dark, cold: per run, nh * ncity percentages (one decimal) of each city's people
       cut off and of its district-heated people below 12 °C indoors */
    for (int layer = 0; layer < 2; layer++) {
        const double *x = layer ? d->city_cold : d->city_dark;
        fputs(layer ? ",\"cold\":" : "],\"dark\":", f);
        if (!d->has_risk || !x) {
            fputs("null", f);
            continue;
        }
        fputc('[', f);
        for (int r = 0; r < R; r++) {
            fputs(r ? ",[" : "[", f);
            for (size_t i = 0; i < (size_t)nh * (size_t)nc; i++) {
                double v = round(1000.0 * x[(size_t)r * (size_t)nh * (size_t)nc + i]) / 10.0;
                if (v == 0.0)
                    fputs(i ? ",0" : "0", f);
                else
                    fprintf(f, "%s%.1f", i ? "," : "", v);
            }
            fputc(']', f);
        }
        fputc(']', f);
    }
    fprintf(f, ",\"queues\":%s", d->has_cities ? "true" : "false");
    fputc('}', f);
    gr_free(skv);
    gr_free(line_of);
    return 0;
}

/* The viewer: reads #viewer-data, draws the map as SVG elements once, and recolours them
   for the chosen view (one run or all runs) and campaign hour. URL parameters night=,
   hour=, run= (or run=all) set the start; window.gridresViewer.set({night, hour, run})
   steps it (the browser test uses both). */
static const char *const viewer_js =
"(function () {\n"
"'use strict';\n"
"var D = JSON.parse(document.getElementById('viewer-data').textContent);\n"
"var SVGNS = document.getElementById('v-map').namespaceURI;\n"
"var svg = document.getElementById('v-map'), tip = document.getElementById('v-tip');\n"
"var NS = D.subs.length, NP = D.plants.length, NL = D.lines.length, NC = D.cities.length;\n"
"var NH = D.nights * 24, W = D.w, H = D.h, R = D.runs, NA = NS + NP + NL;\n"
"var KVC = ['#cc79a7', '#0072b2', '#009e73', '#9e9e9e'], KVW = [0.9, 0.6, 0.3, 0.25];\n"
"var SEQ = ['#fde725', '#5dc863', '#21908d', '#3b528b', '#440154'];\n"
"var DMG = '#d55e00', TRIP = '#e69f00';\n"
"function seq(p) { var k = Math.floor(p * 5 - 1e-9); return SEQ[k < 0 ? 0 : k > 4 ? 4 : k]; }\n"
"function mk(tag, at, parent) {\n"
"  var e = document.createElementNS(SVGNS, tag);\n"
"  for (var k in at) e.setAttribute(k, at[k]);\n"
"  parent.appendChild(e);\n"
"  return e;\n"
"}\n"
"function pct(x) { return (100 * x).toFixed(x < 0.1 ? 1 : 0) + ' %'; }\n"
"function people(p) { return p >= 1e6 ? (p / 1e6).toPrecision(3) + ' M' : p >= 1e3 ? Math.round(p / 1e3) + ' k' : String(Math.round(p)); }\n"
"function when(t) { return 'night ' + (Math.floor(t / 24) + 1) + ', hour ' + (t % 24); }\n"
"svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);\n"
"mk('rect', {x: 0, y: 0, width: W, height: H, fill: '#f3f5ee', stroke: '#9e9e9e', 'stroke-width': 0.3}, svg);\n"
"var gc = mk('g', {}, svg), gl = mk('g', {'stroke-linecap': 'round'}, svg), gs = mk('g', {}, svg);\n"
"var cityEl = [], cityDk = [], lineEl = [], subEl = [], plantEl = [];\n"
"D.cities.forEach(function (c, i) {\n"
"  var a = {cx: c[0], cy: H - c[1], r: c[2]};\n"
"  a.fill = '#fff3b0'; a.stroke = '#c9a227'; a['stroke-width'] = 0.2; a['data-c'] = i;\n"
"  cityEl.push(mk('circle', a, gc));\n"
"  cityDk.push(mk('circle', {cx: c[0], cy: H - c[1], r: c[2], fill: '#212121', 'fill-opacity': 0, 'data-c': i}, gc));\n"
"});\n"
"D.lines.forEach(function (l, j) {\n"
"  lineEl.push(mk('line', {x1: l[0], y1: H - l[1], x2: l[2], y2: H - l[3], stroke: KVC[l[4]], 'stroke-width': KVW[l[4]], 'data-a': NS + NP + j}, gl));\n"
"});\n"
"D.subs.forEach(function (s, j) {\n"
"  subEl.push(mk('circle', {cx: s[0], cy: H - s[1], r: 0.8, fill: '#555', 'data-a': j}, gs));\n"
"});\n"
"D.plants.forEach(function (p, j) {\n"
"  if (p[0] === null) { plantEl.push(null); return; }\n"
"  var x = p[0], y = H - p[1] - 2.2, r = 1.8;\n"
"  plantEl.push(mk('path', {d: 'M' + x + ' ' + (y - r) + 'L' + (x + 0.9 * r) + ' ' + (y + 0.6 * r) + 'L' + (x - 0.9 * r) + ' ' + (y + 0.6 * r) + 'Z',\n"
"    fill: '#fff', stroke: '#000', 'stroke-width': 0.3, 'data-a': NS + j}, gs));\n"
"});\n"
"/* cumulative hours cut off per resident, per run and city */\n"
"var cum = [];\n"
"if (D.dark) for (var r = 0; r < R; r++) {\n"
"  var c0 = new Float64Array(NH * NC), dk = D.dark[r];\n"
"  for (var t = 0; t < NH; t++) for (var c = 0; c < NC; c++)\n"
"    c0[t * NC + c] = (t ? c0[(t - 1) * NC + c] : 0) + dk[t * NC + c] / 100;\n"
"  cum.push(c0);\n"
"}\n"
"var cumC = [];\n"
"if (D.cold) for (var r2 = 0; r2 < R; r2++) {\n"
"  var c1 = new Float64Array(NH * NC), ck = D.cold[r2];\n"
"  for (var t2 = 0; t2 < NH; t2++) for (var c2 = 0; c2 < NC; c2++)\n"
"    c1[t2 * NC + c2] = (t2 ? c1[(t2 - 1) * NC + c2] : 0) + ck[t2 * NC + c2] / 100;\n"
"  cumC.push(c1);\n"
"}\n"
"/* asset states of run r (1-based) at campaign hour t: 0 in service, 1 damaged, 2 tripped */\n"
"function stateAt(r, t) {\n"
"  var ev = D.events[r - 1] || [], es = {}, ea = {}, st = new Int8Array(NA), eta = new Float64Array(NA);\n"
"  var k = 0;\n"
"  for (; k < ev.length && ev[k][0] <= t + 1e-9; k++) {\n"
"    var e = ev[k], cur = es[e[3]] || 0;\n"
"    ea[e[3]] = e[1];\n"
"    if (e[2] === 1) es[e[3]] = 1;\n"
"    else if (e[2] === 2 && cur === 1) es[e[3]] = 0;\n"
"    else if (e[2] === 3 && cur === 0) es[e[3]] = 2;\n"
"    else if (e[2] === 4 && cur === 2) es[e[3]] = 0;\n"
"  }\n"
"  for (var el in es) {\n"
"    var a = ea[el], s = es[el];\n"
"    if (s === 1) {\n"
"      st[a] = 1;\n"
"      var due = Infinity;\n"
"      for (var j = k; j < ev.length; j++) if (ev[j][3] === +el && ev[j][2] === 2) { due = ev[j][0]; break; }\n"
"      if (due > eta[a]) eta[a] = due;\n"
"    } else if (s === 2 && st[a] === 0) st[a] = 2;\n"
"  }\n"
"  return {st: st, eta: eta};\n"
"}\n"
"var V = {night: 1, hour: 23, run: R > 1 ? 'all' : '1'}, cur = null;\n"
"function compute() {\n"
"  var t = (V.night - 1) * 24 + V.hour, o = {t: t, share: new Float64Array(NA), ever: new Float64Array(NA), dark: new Float64Array(NC), cum: new Float64Array(NC), tot: new Float64Array(NC), cold: new Float64Array(NC), ccum: new Float64Array(NC), ctot: new Float64Array(NC)};\n"
"  var runs = V.run === 'all' ? null : +V.run;\n"
"  if (runs) { var s = stateAt(runs, t); o.st = s.st; o.eta = s.eta; }\n"
"  var list = runs ? [runs] : Array.from({length: R}, function (_, i) { return i + 1; });\n"
"  list.forEach(function (r) {\n"
"    var s = runs ? {st: o.st} : stateAt(r, t), e = stateAt(r, NH);\n"
"    for (var a = 0; a < NA; a++) if (s.st[a] === 1) o.share[a] += 1 / list.length;\n"
"    (D.events[r - 1] || []).forEach(function (x) { if (x[2] === 1) e.st[x[1]] = 9; });\n"
"    for (var a2 = 0; a2 < NA; a2++) if (e.st[a2] === 9) o.ever[a2] += 1 / list.length;\n"
"    if (D.dark) for (var c = 0; c < NC; c++) {\n"
"      o.dark[c] += D.dark[r - 1][t * NC + c] / 100 / list.length;\n"
"      o.cum[c] += cum[r - 1][t * NC + c] / list.length;\n"
"      o.tot[c] += (D.cities[c][6] ? D.cities[c][6][r - 1] : cum[r - 1][(NH - 1) * NC + c]) / list.length;\n"
"    }\n"
"    if (D.cold) for (var c3 = 0; c3 < NC; c3++) {\n"
"      o.cold[c3] += D.cold[r - 1][t * NC + c3] / 100 / list.length;\n"
"      o.ccum[c3] += cumC[r - 1][t * NC + c3] / list.length;\n"
"      o.ctot[c3] += (D.cities[c3][7] ? D.cities[c3][7][r - 1] : cumC[r - 1][(NH - 1) * NC + c3]) / list.length;\n"
"    }\n"
"  });\n"
"  return o;\n"
"}\n"
"function render() {\n"
"  cur = compute();\n"
"  var agg = V.run === 'all', n = 0, ndark = 0, ncold = 0;\n"
"  for (var j = 0; j < NL; j++) {\n"
"    var a = NS + NP + j, l = D.lines[j], e = lineEl[j];\n"
"    var s = agg ? (cur.share[a] > 0 ? 1 : 0) : cur.st[a];\n"
"    e.setAttribute('stroke', s === 1 ? (agg ? seq(cur.share[a]) : DMG) : s === 2 ? TRIP : KVC[l[4]]);\n"
"    e.setAttribute('stroke-width', s ? 1.2 : KVW[l[4]]);\n"
"    e.setAttribute('stroke-dasharray', s === 2 ? '1 1' : 'none');\n"
"  }\n"
"  for (var i = 0; i < NS + NP; i++) {\n"
"    var el = i < NS ? subEl[i] : plantEl[i - NS];\n"
"    if (!el) continue;\n"
"    var d = agg ? cur.share[i] : cur.st[i] === 1 ? 1 : 0;\n"
"    if (d > 0) n++;\n"
"    el.setAttribute('fill', agg ? (d > 0 ? seq(d) : (i < NS ? '#555' : '#fff')) : cur.st[i] === 1 ? DMG : cur.st[i] === 2 ? TRIP : (i < NS ? '#555' : '#fff'));\n"
"    if (i < NS) el.setAttribute('r', d > 0 ? 1.6 + 1.4 * d : 0.8);\n"
"  }\n"
"  for (var c = 0; c < NC; c++) {\n"
"    cityDk[c].setAttribute('fill-opacity', (0.75 * cur.dark[c]).toFixed(3));\n"
"    cityEl[c].setAttribute('stroke', cur.cold[c] > 0 ? '#56b4e9' : '#c9a227');\n"
"    cityEl[c].setAttribute('stroke-width', cur.cold[c] > 0 ? (0.4 + 1.6 * cur.cold[c]).toFixed(2) : 0.2);\n"
"    ndark += cur.dark[c] * D.cities[c][4];\n"
"    if (D.cold && D.cities[c][5] > 0) ncold += cur.cold[c] * D.cities[c][5];\n"
"  }\n"
"  svg.setAttribute('data-t', cur.t);\n"
"  svg.setAttribute('data-damaged', n);\n"
"  svg.setAttribute('data-view', V.run);\n"
"  document.getElementById('v-night').value = V.night;\n"
"  document.getElementById('v-hour').value = V.hour;\n"
"  document.getElementById('v-run').value = V.run;\n"
"  document.getElementById('v-when').textContent = when(cur.t) + ' (campaign hour ' + cur.t + ')';\n"
"  document.getElementById('v-status').textContent = (agg ? 'All ' + R + ' runs: ' + n + ' substations and plants damaged in at least one run at this hour; on average ' : 'Run ' + V.run + ': ' + n + ' substations and plants damaged; ') + people(ndark) + ' people in the cities without power' + (D.cold ? ', ' + people(ncold) + ' below 12 °C indoors' : '') + '.';\n"
"}\n"
"function set(o) {\n"
"  if (o.night !== undefined) V.night = Math.max(1, Math.min(D.nights, +o.night || 1));\n"
"  if (o.hour !== undefined) V.hour = Math.max(0, Math.min(23, +o.hour || 0));\n"
"  if (o.run !== undefined) V.run = o.run === 'all' && R > 1 ? 'all' : String(Math.max(1, Math.min(R, +o.run || 1)));\n"
"  render();\n"
"  return svg.getAttribute('data-damaged');\n"
"}\n"
"function tipText(tg) {\n"
"  var agg = V.run === 'all';\n"
"  if (tg.hasAttribute('data-c')) {\n"
"    var c = +tg.getAttribute('data-c'), ci = D.cities[c];\n"
"    var s = ci[3] + ' — ' + people(ci[4]) + ' people\\n' + (D.dark ? (agg ? 'on average ' : '') + pct(cur.dark[c]) + ' without power now' + (D.queues ? ' (outage queues and cut-off buses)' : ' (cut-off buses only)') + '\\n' +\n"
"      'dark hours per resident: ' + cur.cum[c].toFixed(1) + ' h so far, ' + cur.tot[c].toFixed(1) + ' h over the campaign' + (agg ? ' (mean of ' + R + ' runs)' : '') : '');\n"
"    if (D.cold && ci[5] > 0) s += '\\n' + people(ci[5]) + ' on district heat: ' + (agg ? 'on average ' : '') + pct(cur.cold[c]) + ' below 12 °C indoors now\\n' +\n"
"      'hours below 12 °C per heated resident: ' + cur.ccum[c].toFixed(1) + ' h so far, ' + cur.ctot[c].toFixed(1) + ' h over the campaign (' + people(cur.ctot[c] * ci[5]) + ' person-hours)';\n"
"    else if (D.cold) s += '\\nno district heat';\n"
"    return s;\n"
"  }\n"
"  var a = +tg.getAttribute('data-a'), nm, cls;\n"
"  if (a < NS) { nm = D.subs[a][2]; cls = D.subs[a][3]; }\n"
"  else if (a < NS + NP) { nm = D.plants[a - NS][2]; cls = D.plants[a - NS][3]; }\n"
"  else { var l = D.lines[a - NS - NP]; nm = 'line (branch ' + l[5] + ')'; cls = (D.kv[l[4]] ? D.kv[l[4]] + ' kV' : 'lower voltage') + ' line'; }\n"
"  var s = nm + ' — ' + cls + '\\n';\n"
"  if (agg) return s + 'damaged at this hour in ' + pct(cur.share[a]) + ' of runs; damaged at some time in ' + pct(cur.ever[a]) + ' of runs';\n"
"  var st = cur.st[a];\n"
"  s += st === 1 ? 'damaged' : st === 2 ? 'tripped (switched out, not damaged)' : 'in service';\n"
"  if (st === 1) s += '\\nrepair ETA: ' + (isFinite(cur.eta[a]) ? when(cur.eta[a]) + ' (in ' + (cur.eta[a] - cur.t) + ' h)' : 'not repaired by the end of the campaign (hour ' + NH + ')');\n"
"  return s;\n"
"}\n"
"svg.addEventListener('mousemove', function (ev) {\n"
"  var tg = ev.target;\n"
"  if (!tg.hasAttribute || !(tg.hasAttribute('data-a') || tg.hasAttribute('data-c'))) { tip.hidden = true; return; }\n"
"  tip.textContent = tipText(tg);\n"
"  tip.hidden = false;\n"
"  var b = document.getElementById('viewer').getBoundingClientRect();\n"
"  var x = ev.clientX - b.left + 12;\n"
"  if (x + tip.offsetWidth > b.width) x = Math.max(0, ev.clientX - b.left - tip.offsetWidth - 12);\n"
"  tip.style.left = x + 'px';\n"
"  tip.style.top = (ev.clientY - b.top + 12) + 'px';\n"
"});\n"
"svg.addEventListener('mouseleave', function () { tip.hidden = true; });\n"
"document.getElementById('v-night').addEventListener('input', function (e) { set({night: e.target.value}); });\n"
"document.getElementById('v-hour').addEventListener('input', function (e) { set({hour: e.target.value}); });\n"
"document.getElementById('v-run').addEventListener('change', function (e) { set({run: e.target.value}); });\n"
"document.getElementById('v-prev').addEventListener('click', function () { var t = Math.max(0, cur.t - 1); set({night: Math.floor(t / 24) + 1, hour: t % 24}); });\n"
"document.getElementById('v-next').addEventListener('click', function () { var t = Math.min(NH - 1, cur.t + 1); set({night: Math.floor(t / 24) + 1, hour: t % 24}); });\n"
"var q = new URLSearchParams(location.search);\n"
"set({night: q.get('night') || 1, hour: q.has('hour') ? q.get('hour') : 23, run: q.get('run') || V.run});\n"
"window.gridresViewer = {set: set, tip: tipText, state: function () { return cur; }};\n"
"document.body.setAttribute('data-viewer', 'ready');\n"
"})();\n";

/* HTML text (the city names). */
static void hesc(FILE *f, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++)
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*p, f);
        }
}

/* "12.3 (8.1–15.0)": mean and p10–p90 of x over the runs (the range with two runs or more). */
static void stat_cell(FILE *f, const double *x, int n, int dec)
{
    static const double pc[2] = {10.0, 90.0};
    double s[3];
    if (gr_stats(x, n, pc, 2, s) != GR_OK || !isfinite(s[0])) {
        fputs("–", f);
        return;
    }
    fprintf(f, "%.*f", dec, s[0]);
    if (n > 1)
        fprintf(f, " (%.*f–%.*f)", dec, s[1], dec, s[2]);
}

/* Per city over all runs, from the campaign's cities.csv: hours without power per resident
   and hours below 12 °C indoors per district-heated resident (mean and p10–p90), and the
   person-hours; data- attributes carry the means for the tests. */
static int city_table(FILE *f, const rp_data *d)
{
    const gr_overlay *ov = d->ov;
    int R = d->runs, nc = ov->ncity;
    double *x = gr_malloc(2 * ((size_t)R + 1) * sizeof(double)), *y = x ? x + R + 1 : NULL;
    if (!x)
        return -1;
    fprintf(f, "<h3 id=\"cities-h\">Cities over %s</h3>\n<p>From the campaign's outage queues "
               "and heat model (cities.csv): the people the queues left without power, plus "
               "the buses no generator reached, and the district-heated people whose flats fell "
               "below 12 °C; per run summed over the %d hours, then mean and p10–p90 over runs."
               "</p>\n<table id=\"city-table\">\n<tr><th>City</th><th>People</th><th>Hours "
               "without power per resident, mean (p10–p90)</th><th>District-heated people</th><th>"
               "Hours below 12 °C per heated resident, mean (p10–p90)</th><th>Person-hours below "
               "12 °C, mean</th></tr>\n",
            R > 1 ? "all runs" : "the run", d->nights * RP_HOURS);
    for (int c = 0; c <= nc; c++) {
        double ppl = 0.0, heat = c < nc ? d->city_heat_people[c] : 0.0;
        if (c < nc)
            ppl = d->city_people[c];
        else
            for (int b = 0; b < ov->nb; b++)
                if (ov->bus_city[b] < 0 || ov->bus_city[b] >= nc)
                    ppl += ov->bus_population[b];
        for (int r = 0; r < R; r++) {
            size_t i = (size_t)c * (size_t)R + (size_t)r;
            x[r] = ppl > 0.0 ? d->city_dark_ph[i] / ppl : 0.0;
            y[r] = heat > 0.0 ? d->city_cold_ph[i] / heat : 0.0;
        }
        double mx = 0.0, my = 0.0, mp = 0.0;
        for (int r = 0; r < R; r++) {
            mx += x[r] / R;
            my += y[r] / R;
            mp += d->city_cold_ph[(size_t)c * (size_t)R + (size_t)r] / R;
        }
        fputs("<tr data-city=\"", f);
        hesc(f, c < nc ? ov->city_name[c] : "");
        fprintf(f, "\" data-dark-h=\"%.3f\" data-cold-ph=\"%.1f\"><td>", mx, mp);
        if (c < nc)
            hesc(f, ov->city_name[c]);
        else
            fputs("<i>buses of no city</i>", f);
        fprintf(f, "</td><td>%.0f</td><td>", ppl);
        stat_cell(f, x, R, 1);
        fprintf(f, "</td><td>%.0f</td><td>", heat);
        if (heat > 0.0)
            stat_cell(f, y, R, 1);
        else
            fputs("no district heat", f);
        fputs("</td><td>", f);
        if (heat > 0.0)
            fprintf(f, "%.0f", mp);
        else
            fputs("–", f);
        (void)my;
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
    gr_free(x);
    return 0;
}

void rp_city_summary(FILE *f, const rp_data *d)
{
    int nc = d->ov ? d->ov->ncity : 0, hd = -1, hc = -1;
    if (!d->has_cities)
        return;
    for (int c = 0; c < nc; c++) {
        if (rp_city_mean(d, c, 0) > 0.0 && (hd < 0 || rp_city_mean(d, c, 0) > rp_city_mean(d, hd, 0)))
            hd = c;
        if (rp_city_mean(d, c, 1) > 0.0 && (hc < 0 || rp_city_mean(d, c, 1) > rp_city_mean(d, hc, 1)))
            hc = c;
    }
    const char *over = d->runs > 1 ? ", mean over runs" : "";
    if (hd >= 0) {
        fputs(" The city longest without power is ", f);
        hesc(f, d->ov->city_name[hd]);
        fprintf(f, ": %.0f hours per resident over the campaign (outage queues and cut-off "
                   "buses%s).", rp_city_mean(d, hd, 0), over);
    }
    if (hc >= 0) {
        fputs(" The coldest is ", f);
        hesc(f, d->ov->city_name[hc]);
        fprintf(f, ": its district-heated residents spent %.0f hours below 12 °C indoors%s.",
                rp_city_mean(d, hc, 1), over);
    } else {
        fputs(" No district-heated flat fell below 12 °C.", f);
    }
}

int rp_viewer_write(FILE *f, const rp_data *d)
{
    if (!d->has_grid || !d->has_hourly)
        return 0;
    fputs("<h2 id=\"viewer-h\">Interactive map</h2>\n<div id=\"viewer\">\n<div class=\"vctl\">"
          "<label>View <select id=\"v-run\">", f);
    if (d->runs > 1)
        fprintf(f, "<option value=\"all\">Monte Carlo: all %d runs</option>", d->runs);
    for (int r = 1; r <= d->runs; r++)
        fprintf(f, "<option value=\"%d\">run %d</option>", r, r);
    fprintf(f, "</select></label> <label>Night <input type=\"range\" id=\"v-night\" min=\"1\" "
            "max=\"%d\" value=\"1\"></label> <label>Hour <input type=\"range\" id=\"v-hour\" "
            "min=\"0\" max=\"23\" value=\"23\"></label> <button type=\"button\" id=\"v-prev\" "
            "title=\"one hour back\">&#9664;</button><button type=\"button\" id=\"v-next\" "
            "title=\"one hour on\">&#9654;</button> <span id=\"v-when\"></span></div>\n",
            d->nights);
    fputs("<svg id=\"v-map\" role=\"img\" "
          "aria-label=\"grid map\"></svg>\n<div id=\"v-tip\" class=\"vtip\" hidden></div>\n"
          "<p id=\"v-status\"></p>\n<p class=\"vleg\">Lines by voltage level "
          "(<span style=\"color:#cc79a7\">■</span> highest, <span style=\"color:#0072b2\">■"
          "</span> second, <span style=\"color:#009e73\">■</span> third, grey below); grey dots "
          "are substations, triangles plants, yellow discs cities (darkened by the share of "
          "their people without power; a sky-blue rim: district-heated people below 12 °C indoors). One run: <span style=\"color:#d55e00\">■</span> damaged, "
          "<span style=\"color:#e69f00\">■</span> tripped. All runs: substations, plants and "
          "lines coloured by the share of runs in which they are damaged at that hour ("
          "<span style=\"color:#fde725\">■</span> up to 20 %, <span style=\"color:#5dc863\">■"
          "</span>, <span style=\"color:#21908d\">■</span>, <span style=\"color:#3b528b\">■"
          "</span>, <span style=\"color:#440154\">■</span> over 80 %). Hover an asset or a "
          "city for its figures.</p>\n</div>\n<script type=\"application/json\" "
          "id=\"viewer-data\">", f);
    if (viewer_data(f, d) != 0)
        return -1;
    fputs("</script>\n<script>\n", f);
    fputs(viewer_js, f);
    fputs("</script>\n", f);
    if (d->has_cities && city_table(f, d) != 0)
        return -1;
    return 1;
}
