/* cascade_accfm.c — model accfm (placeholder while written). */
#include "sim/cascade_internal.h"

int casc_accfm_setup(casc_ws *ws, gr_error *err)
{
    (void)ws;
    return gr_error_set(err, GR_EINVAL, "cascade: model accfm not available yet");
}

int casc_accfm_run(casc_ws *ws, gr_error *err)
{
    (void)ws;
    return gr_error_set(err, GR_EINVAL, "cascade: model accfm not available yet");
}
