/* class_key.h — asset-class keys ("sub400", "lineEHV", "submax", plant types) resolved against a case's own class table: the one resolver of the scenario reader and costs.json. */
#ifndef GRIDRES_IO_CLASS_KEY_H
#define GRIDRES_IO_CLASS_KEY_H

#include "gridres.h"
#include "io/json_read.h"

/* Asset-class key k against a's class table (docs/scenario.md "Asset classes"):
 * "sub<kV>"/"line<kV>" for a level of the case, a band "subEHV"/"subHV"/"subMV",
 * "lineEHV"/… (EHV >= 300 kV, HV >= 100 kV, MV below), "submax"/"linemax" for the
 * highest level, "line" for every line, and plant type names. Into set[] (GR_ASSET_NCLASS
 * bytes) the classes the key names; the return is its specificity (0 "line", 1 a band, 2
 * "…max", 3 a level or a plant) or -1 when it names nothing the case has. A band the case
 * lacks names no class but is no error (it fits any case). */
int io_class_key(const gr_campaign_assets *a, const char *k, unsigned char *set);

/* GR_EPARSE at p: "unknown asset class "k" (the case's voltage levels: 400, 220 kV;
 * expected one of: …); did you mean "sub400"?" (the suggestion when one is close). */
int io_class_key_fail(jr *r, const char *p, const char *k, const gr_campaign_assets *a);

/* The synthetic region's class table (750/330/110 kV and the plant types) into a (only
 * nlevel, level_kv and class_name are set): what keys resolve against when no case is
 * given. */
void io_class_table_synth(gr_campaign_assets *a);

#endif /* GRIDRES_IO_CLASS_KEY_H */
