/* number: strict decimal digits. */
#include <string.h>

#include "ftpc/parse/number.h"

int parse_digits_u64(const char *p, size_t n, uint64_t *out)
{
    if (n == 0 || count_digits(p, n) != n)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t d = (uint64_t)(p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

size_t count_digits(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && p[i] >= '0' && p[i] <= '9')
        i++;
    return i;
}

int parse_in_range(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    uint64_t v;
    if (parse_digits_u64(s, strlen(s), &v) != 0 || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int parse_tcp_port(const char *s, unsigned *out)
{
    uint64_t v;
    if (parse_in_range(s, 1, 65535, &v) != 0)
        return -1;
    *out = (unsigned)v;
    return 0;
}

int parse_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
