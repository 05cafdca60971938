/* cascade_accfm.h — a switch of model accfm for bench/bench_cascade.c only. */
#ifndef GRIDRES_CASCADE_ACCFM_H
#define GRIDRES_CASCADE_ACCFM_H

/* 1: the AC solver is rebuilt from scratch after every topology change (the
 * path before pf_solver_update, kept as the bench's baseline); 0 (default):
 * kept and updated. Set it only while no cascade runs. */
extern int casc_accfm_rebuild;

#endif
