/* scenario_internal.h — private pieces of the campaign scenario reader: the field helpers (scenario_fields.c) and the air defence, targets, protection and repair sections (scenario_sections.c), called by the entry in scenario.c. */
#ifndef GRIDRES_IO_SCENARIO_INTERNAL_H
#define GRIDRES_IO_SCENARIO_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "gridres.h"
#include "io/json_read.h"

/* Most repair crews of one campaign ($.repair.crews, or the overlay's crew bases in
 * all): 1e5, above the largest national utility workforce (docs/input_validation.md). */
#define GR_SC_MAX_CREWS 100000

/* Field helpers (scenario_fields.c): every failure names the file and the JSON path. */
int sc_boolean(jr *r, const json_t *obj, const char *path, const char *key, int *out);
/* A non-empty string (borrowed from the JSON tree). */
int sc_string(jr *r, const json_t *obj, const char *path, const char *key, int required,
              const char **out);
int sc_dup(jr *r, const char *src, char **dst);
const char *sc_threat_name(int t);
int sc_keyed_map(jr *r, const json_t *obj, const char *path, const char *key, int n,
                 const char *(*name_of)(int), const char *what, double min, double max,
                 double *dout, int *iout);
/* Numbers in [min, max] keyed by names, into out[index]. */
int sc_name_map(jr *r, const json_t *obj, const char *path, const char *key, int n,
                const char *(*name_of)(int), const char *what, double min, double max,
                double *out);
/* Integers in [min, max] keyed by threat type, into out[type]. */
/* Numbers in [min, max] keyed by asset class ("sub400", "line220", "lineEHV",
 * "line", plant types) of s->assets' class table, into out[class]; an unknown key
 * fails naming the case's voltage levels. */
int sc_class_map(jr *r, const json_t *obj, const char *path, const char *key,
                 const gr_campaign_scenario *s, double min, double max, double *out);
int sc_int_map(jr *r, const json_t *obj, const char *path, const char *key, long long min,
               long long max, int *out);
/* An array field (optional when !required: *arr NULL, *n 0). */
int sc_array(jr *r, const json_t *obj, const char *path, const char *key, int required,
             const json_t **arr, size_t *n);

/* Threat-type route fields (altitude_m, decoy) and a launch area's
 * waypoints ("via"), read by scenario.c (scenario_fields.c). */
int sc_read_type_route(jr *r, const json_t *o, const char *p, gr_threat_type *ty);
int sc_read_via(jr *r, const json_t *o, const char *p, gr_launch_area *la);

/* Sections read after the grid and its asset table exist (scenario_sections.c). */
int sc_read_air_defence(jr *r, const json_t *root, gr_campaign_scenario *s);
int sc_read_targets(jr *r, const json_t *root, gr_campaign_scenario *s);
int sc_read_protection(jr *r, const json_t *root, gr_campaign_scenario *s);
int sc_read_repair(jr *r, const json_t *root, gr_campaign_scenario *s);
int sc_read_fleet(jr *r, const json_t *root, gr_campaign_scenario *s);

#endif /* GRIDRES_IO_SCENARIO_INTERNAL_H */
