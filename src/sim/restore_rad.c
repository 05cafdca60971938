/* restore_rad.c — RAD-like randomized block re-optimisation of a repair order (Rhodes, Coffrin et al., PowerModelsRestoration).
 *
 * DESIGN
 * PowerModelsRestoration's RAD heuristic fixes all of a restoration sequence
 * but a randomly placed window, re-optimises the window and keeps the result
 * when it is better. Here the sequence is the priority order fed to the
 * decoder (restore_core.c), and a window of w elements (opt->rad_window, 5) is
 * re-optimised exactly: all w! orders of its elements are decoded and
 * evaluated (states cached, so a window costs at most 2^w new LPs), the best
 * is kept if it lowers the weighted ENS. Windows start at positions drawn
 * from gr_rng seeded by opt->seed, so a run is reproducible. It stops after
 * opt->rad_iters windows (default 2 n, at least 40), after 2 x (number of
 * window positions) windows in a row without improvement, or at
 * opt->rad_time_s. With n <= w the single window is the whole order: RAD is
 * then exhaustive over the decoder's orders.
 *
 * Pruning (issue 15): a trial order is only worth its LPs if it can beat the
 * best of the window. rs_objective_below values the states it meets by the
 * cache or an upper bound of their served load (restore_eval.c), a lower
 * bound of the trial's weighted ENS, and solves the unknown states only
 * while that bound stays below the best: the same orders win as when every
 * trial is evaluated in full (opt->exhaustive, kept as the reference). */
#include <math.h>
#include <string.h>

#include "sim/restore_internal.h"

int rs_rad(const rs_inst *in, const gr_restore_options *opt, int *order, rs_sched *best,
           gr_error *err)
{
    int n = in->n, st = GR_OK;
    if (n < 2)
        return GR_OK;
    int w = opt->rad_window < n ? opt->rad_window : n;
    int positions = n - w + 1;
    int iters = opt->rad_iters > 0 ? opt->rad_iters : (2 * n > 40 ? 2 * n : 40);
    if (positions == 1)
        iters = 1;
    int stall_max = 2 * positions > 10 ? 2 * positions : 10;
    double t0 = gr_time_s();
    rs_sched trial, cand;
    memset(&trial, 0, sizeof trial);
    memset(&cand, 0, sizeof cand);
    int *cur = gr_malloc(((size_t)n + 1) * sizeof(int));
    if (!cur || rs_sched_alloc(n, &trial) || rs_sched_alloc(n, &cand)) {
        gr_free(cur);
        rs_sched_free(&trial);
        rs_sched_free(&cand);
        return gr_error_set(err, GR_ENOMEM, "restore: out of memory");
    }
    gr_rng rng;
    gr_rng_seed(&rng, opt->seed);
    int stall = 0;
    for (int it = 0; it < iters && stall < stall_max; it++) {
        if (opt->rad_time_s > 0.0 && gr_time_s() - t0 > opt->rad_time_s)
            break;
        int i0 = positions > 1 ? (int)(gr_rng_next(&rng) % (uint64_t)positions) : 0;
        /* the current order as decoded (precedence-feasible) */
        memcpy(cur, best->order, (size_t)n * sizeof(int));
        int *a = cur + i0, c[8] = {0};
        int improved = 0;
        cand.objective = best->objective;
        /* Heap's algorithm: every permutation of a[0..w-1] but the first */
        for (int k = 1; k < w;) {
            if (c[k] < k) {
                int j = k % 2 == 0 ? 0 : c[k], tmp = a[j];
                a[j] = a[k];
                a[k] = tmp;
                rs_decode(in, cur, &trial);
                double cutoff = cand.objective - 1e-9 * fabs(cand.objective) - 1e-12;
                int below = 1;
                if (opt->exhaustive)
                    st = rs_objective(in, &trial, err);
                else   /* skips the LPs of orders that bounds prove no better */
                    st = rs_objective_below(in, &trial, cutoff, &below, err);
                if (st)
                    goto done;
                if (below && trial.objective < cutoff) {
                    rs_sched_copy(&cand, &trial, n);
                    improved = 1;
                }
                c[k]++;
                k = 1;
            } else {
                c[k] = 0;
                k++;
            }
        }
        if (improved) {
            rs_sched_copy(best, &cand, n);
            stall = 0;
        } else {
            stall++;
        }
    }
    memcpy(order, best->order, (size_t)n * sizeof(int));
done:
    gr_free(cur);
    rs_sched_free(&trial);
    rs_sched_free(&cand);
    return st;
}
