/* size_text: decimal units, one decimal. */
#include <stdio.h>

#include "ftpc/parse/size_text.h"

void size_text(uint64_t n, char *out, size_t outlen)
{
    static const char *units[] = { "B", "kB", "MB", "GB", "TB" };
    double v = (double)n;
    int u = 0;
    while (v >= 1000.0 && u < 4) {
        v /= 1000.0;
        u++;
    }
    snprintf(out, outlen, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}
