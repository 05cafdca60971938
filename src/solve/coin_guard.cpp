// coin_guard.cpp — the C++ exception boundary of the COIN-OR wrappers (lp_clp.c, mip_cbc.c); the library's only C++ file.
#include <exception>
#include <new>

#include "gridres.h"
#include "solve/coin_guard.h"

extern "C" int coin_guard(void (*fn)(void *arg), void *arg)
{
    try {
        fn(arg);
    } catch (const std::bad_alloc &) {
        return GR_ENOMEM;
    } catch (...) {
        return GR_ELP;
    }
    return GR_OK;
}
