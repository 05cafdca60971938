/* matpower_scan.c — MATPOWER reader: correctly rounded number literals. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "io/matpower_internal.h"

/* ------------------------------------------------------------------------
 * Numbers: a correctly rounded decimal scanner with a fast path (Clinger:
 * a mantissa below 2^53 times an exact power of ten is rounded once).
 * ------------------------------------------------------------------------ */
static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};


/* Scan an unsigned decimal literal (1, 1.5, .5, 5., 1e-3, 1E+2) at s. Returns
 * the end, or NULL when s does not start one. The text is NUL-terminated. */
const char *mp_scan_decimal(const char *s, double *v)
{
    const char *p = s;
    uint64_t m = 0;
    int exp10 = 0, ndig = 0, slow = 0;
    for (; is_digit(*p); p++, ndig++) {
        if (m < 100000000000000000ULL)
            m = m * 10 + (uint64_t)(*p - '0');
        else
            slow = 1;
    }
    if (*p == '.' && !is_continuation(p)) {
        for (p++; is_digit(*p); p++, ndig++) {
            if (m < 100000000000000000ULL) {
                m = m * 10 + (uint64_t)(*p - '0');
                exp10--;
            } else {
                slow = 1;
            }
        }
    }
    if (ndig == 0)
        return NULL;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        int neg = 0, e = 0;
        if (*q == '+' || *q == '-')
            neg = *q++ == '-';
        if (!is_digit(*q))
            return NULL;
        for (; is_digit(*q); q++)
            if (e < 100000)
                e = e * 10 + (*q - '0');
        exp10 += neg ? -e : e;
        p = q;
    }
    if (!slow && m == 0)
        *v = 0.0;
    else if (!slow && m <= (1ULL << 53) && exp10 >= -22 && exp10 <= 22)
        *v = exp10 < 0 ? (double)m / pow10_exact[-exp10] : (double)m * pow10_exact[exp10];
    else
        *v = strtod(s, NULL); /* s..p is a valid literal; strtod stops at its end */
    return p;
}

/* A signed literal as found in data matrices: [+-] decimal | Inf | inf | NaN | nan. */
const char *mp_scan_signed(const char *s, double *v)
{
    const char *p = s;
    int neg = 0;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if ((p[0] == 'I' || p[0] == 'i') && p[1] == 'n' && p[2] == 'f') {
        *v = neg ? -HUGE_VAL : HUGE_VAL;
        return p + 3;
    }
    if ((p[0] == 'N' && p[1] == 'a' && p[2] == 'N') || (p[0] == 'n' && p[1] == 'a' && p[2] == 'n')) {
        *v = NAN; /* one NaN, whatever the sign, so that a round trip is bit-exact */
        return p + 3;
    }
    p = mp_scan_decimal(p, v);
    if (p && neg)
        *v = -*v;
    return p;
}
