/* fuzz_campaign.c — libFuzzer target: any bytes through gr_campaign_scenario_parse with the campaign sample's directory as base (grid.m, scenario.json); inputs that would build a synthetic grid or name files elsewhere are skipped. */
#include <stdint.h>

#include <jansson.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SAMPLE_DIR "tests/data/report/campaign"

static char base_dir[1024];

/* An integer-valued JSON number in [lo, hi]. */
static int is_int_in(const json_t *v, double lo, double hi)
{
    if (!v || !json_is_number(v))
        return 0;
    double x = json_number_value(v);
    return x >= lo && x <= hi && x == (double)(long long)x;
}

/* Whether the input may go to the reader: "grid" and "overlay" file names stay
 * inside the sample directory (no '/'), and a scenario without "grid" (the
 * synthetic region, 100 .. 50000 buses tuned by AC power flows: 0.02 s at 100
 * buses, 0.1 s at 300 and 0.5 s at 2000 in a Release build, several times that
 * here, against about 1 ms for an input on the sample grid) only when its
 * "synth" block is sure to be refused before gr_synth runs: not an object, an
 * unknown field, or "buses"/"seed" out of their ranges. The synthetic grid is
 * gr_synth's, not the reader's (tests/unit/test_synth.c). FUZZ_CAMPAIGN_SYNTH=1
 * lets synthetic grids of at most 300 buses through as well (slow). */
static int admissible(const uint8_t *data, size_t size)
{
    json_error_t je;
    json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (!root || !json_is_object(root)) {
        json_decref(root);
        return 1; /* the reader refuses it before any file is read */
    }
    int ok = 1;
    const json_t *grid = json_object_get(root, "grid"), *ov = json_object_get(root, "overlay");
    const json_t *sv = json_object_get(root, "synth");
    if (grid && json_is_string(grid) && strchr(json_string_value(grid), '/'))
        ok = 0;
    if (ov && json_is_string(ov) && strchr(json_string_value(ov), '/'))
        ok = 0;
    if (ok && (!grid || json_is_null(grid)) && !(ov && !json_is_null(ov))) {
        /* would synthesise unless synth is refused */
        int refused = 0;
        if (sv && !json_is_object(sv))
            refused = 1;
        else if (sv) {
            const char *key;
            const json_t *val;
            json_object_foreach((json_t *)sv, key, val) {
                if (strcmp(key, "buses") == 0)
                    refused |= !is_int_in(val, 100, 50000);
                else if (strcmp(key, "seed") == 0)
                    refused |= !is_int_in(val, 0, 9007199254740991.0);
                else
                    refused = 1;
            }
        }
        static int synth_ok = -1;
        if (synth_ok < 0)
            synth_ok = getenv("FUZZ_CAMPAIGN_SYNTH") != NULL;
        const json_t *nb = sv && json_is_object(sv) ? json_object_get(sv, "buses") : NULL;
        ok = refused || (synth_ok && nb && is_int_in(nb, 100, 300));
    }
    json_decref(root);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!base_dir[0])
        fuzz_source_path(SAMPLE_DIR, base_dir, sizeof base_dir);
    if (!admissible(data, size))
        return 0;
    gr_campaign_scenario *s = (gr_campaign_scenario *)&s;
    gr_error err = {0};
    int st = gr_campaign_scenario_parse((const char *)data, size, "fuzz.json", base_dir, &s,
                                        &err);
    fuzz_verdict(st, &err);
    if (st != GR_OK) {
        /* file errors name the grid or overlay file, not the scenario */
        if (st == GR_EPARSE && strstr(err.msg, base_dir) == err.msg)
            fuzz_check_failure(st, s, &err, base_dir);
        else
            fuzz_check_failure(st, s, &err, "fuzz.json");
        return 0;
    }
    if (!s->grid || !s->grid_case || !s->overlay || s->grid->nb != s->grid_case->bus.n ||
        s->nights < 1 || !s->text || memcmp(s->text, data, size) != 0 || !s->source ||
        strcmp(s->source, "fuzz.json") != 0)
        abort();
    const gr_campaign_assets *a = &s->assets;
    for (int k = 0; k < a->n; k++) {
        if (a->cls[k] < 0 || a->cls[k] >= GR_ASSET_NCLASS || !(a->protection[k] >= 0) ||
            !(a->protection[k] <= 1))
            abort();
    }
    for (int night = 1; night <= s->nights && night <= 100; night++) {
        const gr_night_plan *p = gr_campaign_night_plan(s, night);
        if (p && (p < s->plans || p >= s->plans + s->nplans))
            abort();
    }
    gr_campaign_scenario_free(s);
    return 0;
}
