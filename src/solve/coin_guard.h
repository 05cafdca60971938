/* coin_guard.h — run a call into COIN-OR (CLP, CBC: C++ behind a C interface) so that a C++ exception it throws becomes a status instead of std::terminate. */
#ifndef GRIDRES_COIN_GUARD_H
#define GRIDRES_COIN_GUARD_H

#ifdef __cplusplus
extern "C" {
#endif

/* Call fn(arg) inside try/catch (coin_guard.cpp, the library's only C++).
 * Returns GR_OK when fn returned, GR_ENOMEM when it threw std::bad_alloc
 * (operator new failed: an address-space limit, ulimit -v), GR_ELP for any
 * other exception (CoinError, std::exception, ...).
 *
 * The exception unwinds through fn's own C frame, so fn (in lp_clp.c or
 * mip_cbc.c, compiled with -fexceptions: GCC manual, "Code Gen Options")
 * must hold nothing that needs releasing: it makes the COIN calls and
 * stores results in *arg, nothing else. After an exception the COIN model
 * may be half-updated: the callers stop using it, and do not delete it (a
 * destructor on a half-resized model can free twice; leaking it after an
 * out-of-memory error is the safe side). */
int coin_guard(void (*fn)(void *arg), void *arg);

#ifdef __cplusplus
}
#endif

#endif /* GRIDRES_COIN_GUARD_H */
