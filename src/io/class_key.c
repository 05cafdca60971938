/* class_key.c — asset-class keys resolved against a case's own voltage levels, with the error that lists them and suggests the closest name.
 *
 * DESIGN. One resolver for every reader that takes class keys (the campaign scenario's
 * p_damage, class_weight and protection, costs.json's shelter costs), so that a key means
 * the same everywhere: a level is named by its kV ("sub400"), never by its position. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/class_key.h"

int io_class_key(const gr_campaign_assets *a, const char *k, unsigned char *set)
{
    static const char *const bands[3] = {"EHV", "HV", "MV"};
    memset(set, 0, GR_ASSET_NCLASS);
    for (int t = 0; t < GR_PLANT_N; t++)
        if (strcmp(k, gr_plant_type_name(t)) == 0) {
            set[GR_ASSET_PLANT + t] = 1;
            return 3;
        }
    int base = strncmp(k, "sub", 3) == 0 ? GR_ASSET_SUB : strncmp(k, "line", 4) == 0 ? GR_ASSET_LINE : -1;
    if (base < 0)
        return -1;
    const char *rest = k + (base == GR_ASSET_SUB ? 3 : 4);
    int any = 0;
    if (!*rest) {
        if (base != GR_ASSET_LINE)
            return -1;
        for (int l = 0; l < a->nlevel; l++)
            set[base + l] = 1;
        return 0;
    }
    if (strcmp(rest, "max") == 0) { /* the case's highest level */
        if (a->nlevel > 0)
            set[base] = 1;
        return 2;
    }
    for (int b = 0; b < 3; b++)
        if (strcmp(rest, bands[b]) == 0) {
            for (int l = 0; l < a->nlevel; l++)
                if (gr_kv_band(a->level_kv[l]) == b)
                    set[base + l] = 1;
            return 1; /* a band the case lacks names no class: no error */
        }
    char *end;
    double kv = strtod(rest, &end);
    if (end == rest || *end || !(kv > 0.0))
        return -1;
    for (int l = 0; l < a->nlevel; l++)
        if (fabs(a->level_kv[l] - kv) < 0.05)
            any = set[base + l] = 1;
    return any ? 3 : -1;
}

/* The name of a's classes or the generic keys closest to k by edit distance, at most
 * maxd edits (keys of 4 characters or fewer: 1), or NULL. */
static const char *closest(const gr_campaign_assets *a, const char *k, int maxd)
{
    static const char *const generic[] = {"line",   "submax", "linemax", "subEHV", "subHV",
                                          "subMV",  "lineEHV", "lineHV", "lineMV"};
    const char *best = NULL;
    int best_d = maxd + 1, ng = (int)(sizeof generic / sizeof generic[0]);
    size_t len = strlen(k);
    for (int c = 0; c < GR_ASSET_NCLASS + ng; c++) {
        const char *name = c < GR_ASSET_NCLASS ? a->class_name[c] : generic[c - GR_ASSET_NCLASS];
        if (!name[0])
            continue;
        int dist = gr_edit_distance(k, len, name, strlen(name));
        if (dist < best_d && (dist <= 1 || len > 4)) {
            best_d = dist;
            best = name;
        }
    }
    return best;
}

/* The name a mistyped key most likely meant, into buf, or NULL: a name one edit away
 * ("sub75" -> "sub750", "subEVH" -> "subEHV"); else, for a level the case lacks
 * ("sub750" on a 400/220 kV case), the same kind at the nearest kV ("sub400"); else a
 * name two edits away. */
static const char *suggest(const gr_campaign_assets *a, const char *k, char *buf, size_t cap)
{
    const char *best = closest(a, k, 1);
    int base = strncmp(k, "sub", 3) == 0 ? GR_ASSET_SUB : strncmp(k, "line", 4) == 0 ? GR_ASSET_LINE : -1;
    if (!best && base >= 0 && a->nlevel > 0) {
        const char *rest = k + (base == GR_ASSET_SUB ? 3 : 4);
        char *end;
        double kv = strtod(rest, &end);
        if (end != rest && !*end && kv > 0.0) {
            int l = 0;
            for (int m = 1; m < a->nlevel; m++)
                if (fabs(log(a->level_kv[m] / kv)) < fabs(log(a->level_kv[l] / kv)))
                    l = m;
            best = a->class_name[base + l];
        }
    }
    if (!best)
        best = closest(a, k, 2);
    if (!best)
        return NULL;
    snprintf(buf, cap, "%s", best);
    return buf;
}

int io_class_key_fail(jr *r, const char *p, const char *k, const gr_campaign_assets *a)
{
    char lv[160] = "", list[600] = "", sg[40] = "", dym[64] = "";
    for (int l = 0; l < a->nlevel; l++) {
        size_t n = strlen(lv);
        snprintf(lv + n, sizeof lv - n, "%s%g", l ? ", " : "", a->level_kv[l]);
    }
    for (int c = 0; c < GR_ASSET_NCLASS; c++) {
        if (!a->class_name[c][0])
            continue;
        size_t n = strlen(list);
        snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", a->class_name[c]);
    }
    if (suggest(a, k, sg, sizeof sg))
        snprintf(dym, sizeof dym, "; did you mean \"%s\"?", sg);
    return jr_fail(r, p, "unknown asset class \"%s\" (the case's voltage levels: %s kV; "
                         "expected one of: %s, line, submax, linemax, or a band "
                         "subEHV/subHV/subMV, lineEHV/lineHV/lineMV)%s", k, lv, list, dym);
}

void io_class_table_synth(gr_campaign_assets *a)
{
    static const double kv[3] = {750.0, 330.0, 110.0};
    a->nlevel = 3;
    memset(a->level_kv, 0, sizeof a->level_kv);
    memset(a->class_name, 0, sizeof a->class_name);
    for (int l = 0; l < 3; l++) {
        a->level_kv[l] = kv[l];
        snprintf(a->class_name[GR_ASSET_SUB + l], sizeof a->class_name[0], "sub%g", kv[l]);
        snprintf(a->class_name[GR_ASSET_LINE + l], sizeof a->class_name[0], "line%g", kv[l]);
    }
    for (int t = 0; t < GR_PLANT_N; t++)
        snprintf(a->class_name[GR_ASSET_PLANT + t], sizeof a->class_name[0], "%s",
                 gr_plant_type_name(t));
}
