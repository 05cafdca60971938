/* campaign.c — the multi-night strike campaign: options, results and the Monte Carlo over runs (gr_campaign_run); the stages are in campaign_*.c (listed in campaign_internal.h).
 *
 * DESIGN (DESIGN §7-8; docs/campaign.md)
 *   Time runs in hours from the evening of night 1 (t = 0 at clock start_h);
 *   night k is [24 (k-1), 24 k), 24 hourly steps. Each night (campaign_run.c):
 *
 *   attack   every wave of the night's plan launches its threats; each salvo
 *            gets a target (policy capacity / worst / list); a threat flies
 *            straight from a random point of its launch area: arrival =
 *            launch + distance / speed (+ the wave's spread). All the night's
 *            threats go through one gr_ad_engage (zones keep their stock
 *            between nights). Leakers in arrival order damage their asset
 *            with p_damage x (1 - protection): a 750/330 kV substation loses
 *            its switchyard (p_switchyard) or one transformer unit, a plant
 *            one unit, a 110 kV substation its bus, a line itself.
 *            (campaign_attack.c; the damaged element: campaign_damage.c)
 *   damage   a wave's damage takes effect at the hour boundary nearest the
 *            median arrival of its threats (hourly resolution).
 *   cascade  at that boundary the grid, in the operator's state before the
 *            wave (shedding LP dispatch and load at that hour's level), takes
 *            the new damage through gr_cascade_run (control shed or none).
 *            Until reclose_h later the served load is the cascade's (its
 *            tripped, undamaged elements out); then they are reclosed.
 *            (campaign_cascade.c)
 *   hourly   otherwise served load comes from the shedding LP on the damaged
 *            grid (rateA limits, priority classes from the overlay) at that
 *            hour's load level. A state is solved at the day's highest and
 *            lowest level and interpolated per bus between them; when the
 *            LP serves all energised load at the highest level, load served
 *            scales exactly with the level (a feasible dispatch scales down),
 *            and one LP is enough. States are cached per run.
 *            (campaign_state.c)
 *   repair   (one function, camp_repair_hour in campaign_repair.c: swap in
 *            the restoration planner there) crews set off within their shift
 *            window to the most important waiting job (asset loss at peak,
 *            then shortest), the nearest free crew first; a job that needs a
 *            spare waits for one in stock. Travel at speed_kmh x road_factor,
 *            then the sampled repair duration; the element is back at the
 *            next hour boundary.
 *   resupply interceptors after each night (gr_ad_resupply); spare deliveries
 *            every every_days.
 *
 *   Every run owns its grid copy, rng stream, zones, cache and output slot;
 *   the scenario and the shared model (campaign_model.c) are read only, so
 *   runs are independent and the result is the same for any thread count. */
#include <stdio.h>
#include <string.h>

#include "sim/campaign_internal.h"

static const char *const cev_names[GR_CEV_NKIND] = {"damage", "hit",     "trip",
                                                    "shed",   "reclose", "repair"};

const char *gr_campaign_event_kind_name(int kind)
{
    return kind >= 0 && kind < GR_CEV_NKIND ? cev_names[kind] : "?";
}

void gr_campaign_options_default(gr_campaign_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->runs = 1;
    opt->seed = 1;
    opt->control = -1;
    opt->keep_hourly = 1;
    opt->keep_events = 1;
}

/* ------------------------------------------------------------------------
 * Public entry: Monte Carlo over runs.
 * ------------------------------------------------------------------------ */
void gr_campaign_result_free(gr_campaign_result *r)
{
    if (!r)
        return;
    gr_free(r->hourly);
    gr_free(r->night);
    gr_free(r->total);
    gr_free(r->warn_mean_min);
    gr_free(r->warn_short_min);
    gr_free(r->area_hourly);
    if (r->events)
        for (int i = 0; i < r->runs; i++)
            gr_free(r->events[i]);
    gr_free(r->events);
    gr_free(r->n_events);
    gr_free(r->status);
    gr_free(r->run_s);
    gr_free(r);
}

/* One sweep item is one run; its record is its slice of every result array
 * (for other MPI ranks and the checkpoint). With opt->on_run the curves of a
 * run live in a buffer of its own (curves[run]) from the run until it is
 * streamed (camp_sw_deliver) and freed (camp_sw_release). */
typedef struct camp_sweep {
    const camp_model *m;
    const gr_campaign_options *opt;
    gr_campaign_result *r;
    int *lps;
    gr_error *errs;
    camp_progress *prog;
    double **curves;        /* on_run: per run, hourly then area rows, or NULL */
    int on_run_status;      /* the status on_run returned (0: none failed) */
    int on_run_item;
} camp_sweep;

/* Values of one run's hourly and area curves. */
static size_t hourly_len(const gr_campaign_result *r)
{
    return (size_t)r->nights * HOURS * NFIELD;
}
static size_t area_len(const gr_campaign_result *r)
{
    return (size_t)r->nights * HOURS * ((size_t)r->ncity + 1) * GR_AREA_NFIELD;
}

/* Where run i's curves are: its slices of the result's arrays, or (on_run)
 * its own buffer, allocated zeroed on first use; both NULL without
 * keep_hourly. GR_ENOMEM. */
static int run_curves(camp_sweep *x, size_t i, double **hourly, double **area)
{
    gr_campaign_result *r = x->r;
    *hourly = *area = NULL;
    if (!x->opt->keep_hourly)
        return GR_OK;
    if (r->hourly) {
        *hourly = r->hourly + i * hourly_len(r);
        *area = r->area_hourly + i * area_len(r);
        return GR_OK;
    }
    if (!x->curves[i] && !(x->curves[i] = gr_calloc(hourly_len(r) + area_len(r), sizeof(double))))
        return GR_ENOMEM;
    *hourly = x->curves[i];
    *area = x->curves[i] + hourly_len(r);
    return GR_OK;
}

static int camp_sw_run(void *ctx, long item, void *record, int thread)
{
    camp_sweep *x = ctx;
    gr_campaign_result *r = x->r;
    int i = (int)item, nights = r->nights;
    size_t ncity = (size_t)r->ncity;
    (void)record;
    (void)thread;
    double t_run = gr_time_s();
    size_t slot = (size_t)i * (size_t)nights;
    double *hourly, *area;
    if (run_curves(x, (size_t)i, &hourly, &area))
        return GR_ENOMEM;
    camp_run_ctx rc = {
        .m = x->m, .index = i, .seed = x->opt->seed, .keep_events = x->opt->keep_events,
        .prog = x->prog, .hourly = hourly, .night = r->night + slot, .total = &r->total[i],
        .warn_mean_min = r->warn_mean_min + (size_t)i * ncity,
        .warn_short_min = r->warn_short_min + (size_t)i * ncity, .events = &r->events[i],
        .area_hourly = area, .n_events = &r->n_events[i], .lp_solves = &x->lps[i],
        .err = &x->errs[i]};
    r->status[i] = camp_run_one(&rc);
    r->run_s[i] = gr_time_s() - t_run;
    return GR_OK; /* a failed run is a result (status[i]); reported after all runs */
}

static int camp_sw_pack(void *ctx, long item, gr_sweep_buf *b)
{
    camp_sweep *x = ctx;
    const gr_campaign_result *r = x->r;
    size_t i = (size_t)item, nn = (size_t)r->nights, nc = (size_t)r->ncity;
    double *hourly, *area;
    if (run_curves(x, i, &hourly, &area))
        return GR_ENOMEM;
    int head[4] = {r->status[i], x->lps[i], r->n_events[i], (int)strlen(x->errs[i].msg)};
    int st = gr_sweep_put(b, head, sizeof head);
    st = st ? st : gr_sweep_put(b, &r->run_s[i], sizeof(double));
    st = st ? st : gr_sweep_put(b, x->errs[i].msg, (size_t)head[3]);
    if (!st && hourly)
        st = gr_sweep_put(b, hourly, hourly_len(r) * sizeof(double));
    st = st ? st : gr_sweep_put(b, r->night + i * nn, nn * sizeof *r->night);
    st = st ? st : gr_sweep_put(b, &r->total[i], sizeof *r->total);
    st = st ? st : gr_sweep_put(b, r->warn_mean_min + i * nc, nc * sizeof(double));
    st = st ? st : gr_sweep_put(b, r->warn_short_min + i * nc, nc * sizeof(double));
    if (!st && area)
        st = gr_sweep_put(b, area, area_len(r) * sizeof(double));
    if (!st && r->n_events[i] > 0 && r->events[i])
        st = gr_sweep_put(b, r->events[i], (size_t)r->n_events[i] * sizeof **r->events);
    return st;
}

static int camp_sw_unpack(void *ctx, long item, const void *data, size_t len)
{
    camp_sweep *x = ctx;
    gr_campaign_result *r = x->r;
    size_t i = (size_t)item, nn = (size_t)r->nights, nc = (size_t)r->ncity;
    int head[4];
    double *hourly, *area;
    if (run_curves(x, i, &hourly, &area))
        return GR_ENOMEM;
    if (gr_sweep_get(&data, &len, head, sizeof head) || head[2] < 0 || head[3] < 0 ||
        head[3] >= GR_ERROR_MAX || gr_sweep_get(&data, &len, &r->run_s[i], sizeof(double)))
        return GR_EPARSE;
    r->status[i] = head[0];
    x->lps[i] = head[1];
    memset(&x->errs[i], 0, sizeof x->errs[i]);
    x->errs[i].status = head[0];
    if (gr_sweep_get(&data, &len, x->errs[i].msg, (size_t)head[3]) ||
        (hourly && gr_sweep_get(&data, &len, hourly, hourly_len(r) * sizeof(double))) ||
        gr_sweep_get(&data, &len, r->night + i * nn, nn * sizeof *r->night) ||
        gr_sweep_get(&data, &len, &r->total[i], sizeof *r->total) ||
        gr_sweep_get(&data, &len, r->warn_mean_min + i * nc, nc * sizeof(double)) ||
        gr_sweep_get(&data, &len, r->warn_short_min + i * nc, nc * sizeof(double)) ||
        (area && gr_sweep_get(&data, &len, area, area_len(r) * sizeof(double))))
        return GR_EPARSE;
    gr_free(r->events[i]);
    r->events[i] = NULL;
    r->n_events[i] = 0;
    if (len != (size_t)head[2] * sizeof **r->events)
        return GR_EPARSE;
    if (head[2] > 0) {
        r->events[i] = gr_malloc(len);
        if (!r->events[i])
            return GR_ENOMEM;
        memcpy(r->events[i], data, len);
    }
    r->n_events[i] = head[2];
    return GR_OK;
}

/* on_run: run `item`'s curves and log to the caller, in run order. */
static int camp_sw_deliver(void *ctx, long item)
{
    camp_sweep *x = ctx;
    size_t i = (size_t)item;
    if (x->r->status[i])
        return GR_OK; /* a failed run: reported after the sweep */
    double *hourly, *area; /* (the run made them, or its record was read back) */
    if (run_curves(x, i, &hourly, &area))
        return GR_ENOMEM;
    gr_campaign_run_out v = {.run = (int)item, .hourly = hourly, .area_hourly = area,
                             .events = x->r->events[i],
                             .n_events = x->r->events[i] ? x->r->n_events[i] : 0};
    int st = x->opt->on_run(x->opt->on_run_user, x->r, &v);
    if (st) {
        x->on_run_status = st;
        x->on_run_item = (int)item;
    }
    return st;
}

/* on_run: run `item` is streamed (or, on another rank, sent): free its curves and log. */
static void camp_sw_release(void *ctx, long item)
{
    camp_sweep *x = ctx;
    gr_free(x->curves[item]);
    x->curves[item] = NULL;
    gr_free(x->r->events[item]);
    x->r->events[item] = NULL;
}

int gr_campaign_run(const gr_campaign_scenario *s, const gr_campaign_options *opt,
                    gr_campaign_result **out, gr_error *err)
{
    return camp_campaign_run(s, opt, 0, out, err);
}

int camp_campaign_run(const gr_campaign_scenario *s, const gr_campaign_options *opt, int plain,
                      gr_campaign_result **out, gr_error *err)
{
    *out = NULL;
    if (!s || !opt || opt->runs < 1 || opt->nights < 0 || opt->threads < 0 ||
        opt->control < -1 || opt->control > GR_CASCADE_CONTROL_SHED)
        return gr_error_set(err, GR_EINVAL, "campaign: bad options (runs >= 1, nights >= 0, "
                                            "threads >= 0, control -1/0/1)");
    double t_start = gr_time_s();
    int nights = opt->nights > 0 ? opt->nights : s->nights;
    int control = opt->control >= 0 ? opt->control : s->control;
    int runs = opt->runs, ncity = s->overlay->ncity;
    camp_model m;
    int st = camp_model_build(&m, s, control, nights, plain, err);
    if (st) {
        camp_model_free(&m);
        return st;
    }
    gr_campaign_result *r = gr_calloc(1, sizeof *r);
    if (!r) {
        camp_model_free(&m);
        return gr_error_set(err, GR_ENOMEM, "out of memory in the campaign");
    }
    r->runs = runs;
    r->nights = nights;
    r->seed = opt->seed;
    r->control = control;
    r->nb = m.nb;
    r->population = m.population;
    r->peak_mw = m.load_pu * m.lam_hi * m.base;
    r->ncity = ncity;
    size_t nr = (size_t)runs;
    int stream = opt->on_run != NULL;
    if (opt->keep_hourly && !stream) {
        r->hourly = gr_calloc(nr * hourly_len(r), sizeof(double));
        r->area_hourly = gr_calloc(nr * area_len(r), sizeof(double));
    }
    r->night = gr_calloc(nr * (size_t)nights, sizeof *r->night);
    r->total = gr_calloc(nr, sizeof *r->total);
    r->warn_mean_min = gr_calloc(nr * (size_t)(ncity + 1), sizeof(double));
    r->warn_short_min = gr_calloc(nr * (size_t)(ncity + 1), sizeof(double));
    r->events = gr_calloc(nr, sizeof *r->events);
    r->n_events = gr_calloc(nr, sizeof(int));
    r->status = gr_calloc(nr, sizeof(int));
    r->run_s = gr_calloc(nr, sizeof(double));
    int *lps = gr_calloc(nr, sizeof(int));
    gr_error *errs = gr_calloc(nr, sizeof *errs);
    double **curves = stream ? gr_calloc(nr, sizeof *curves) : NULL;
    if ((opt->keep_hourly && !stream && (!r->hourly || !r->area_hourly)) || !r->night ||
        !r->total || !r->warn_mean_min || !r->warn_short_min || !r->events || !r->n_events ||
        !r->status || !r->run_s || !lps || !errs || (stream && !curves)) {
        gr_free(lps);
        gr_free(errs);
        gr_free(curves);
        gr_campaign_result_free(r);
        camp_model_free(&m);
        return gr_error_set(err, GR_ENOMEM, "out of memory in the campaign");
    }
    /* the runs as a sweep (src/util/sweep): threads here, runs on other MPI
       ranks, checkpoints; each run writes its own slot */
    camp_progress prog = {opt, 0, runs * nights};
    camp_sweep cs = {&m, opt, r, lps, errs, &prog, curves, 0, 0};
    char kind[160];
    snprintf(kind, sizeof kind, "campaign/2 seed=%llu nights=%d control=%d hourly=%d events=%d",
             (unsigned long long)opt->seed, nights, control, opt->keep_hourly != 0,
             opt->keep_events != 0);
    gr_sweep_spec sp = {.n = runs, .threads = opt->threads, .ctx = &cs, .run = camp_sw_run,
                        .pack = camp_sw_pack, .unpack = camp_sw_unpack, .kind = kind,
                        .opt = opt->sweep};
    if (stream) {
        sp.deliver = camp_sw_deliver;
        sp.release = camp_sw_release;
    }
    r->threads = gr_sweep_threads(&sp);
    st = gr_sweep_run(&sp, NULL, err);
    if (cs.on_run_status && err) /* the caller's own failure, in its words */
        gr_error_set(err, cs.on_run_status, "campaign: streaming run %d failed: %s",
                     cs.on_run_item + 1, gr_strerror(cs.on_run_status));
    for (size_t i = 0; stream && i < nr; i++)
        gr_free(curves[i]); /* runs left unstreamed by a failure */
    gr_free(curves);
    if (st) {
        gr_free(lps);
        gr_free(errs);
        gr_campaign_result_free(r);
        camp_model_free(&m);
        return st;
    }
    st = GR_OK;
    for (int i = 0; i < runs; i++) {
        r->lp_solves += lps[i];
        if (r->status[i] && !st) {
            st = r->status[i];
            if (err) {
                *err = errs[i];
                err->status = st;
            }
        }
    }
    gr_free(lps);
    gr_free(errs);
    camp_model_free(&m);
    r->wall_s = gr_time_s() - t_start;
    if (st) {
        gr_campaign_result_free(r);
        return st;
    }
    *out = r;
    return GR_OK;
}
