/* pasv: EPSV and PASV reply parsers. */
#include <string.h>

#include "ftpc/parse/number.h"
#include "ftpc/parse/pasv.h"

/* Reads 1..max_digits decimal digits at *p and moves *p past them. */
static int read_number(const char **p, size_t max_digits, unsigned *out)
{
    size_t n = count_digits(*p, max_digits + 1); /* stops at the NUL */
    uint64_t v = 0;
    if (n > max_digits || parse_digits_u64(*p, n, &v) != 0)
        return -1;
    *p += n;
    *out = (unsigned)v;
    return 0;
}

int ftp_parse_epsv(const char *text, unsigned *port)
{
    const char *p = strchr(text, '(');
    if (p == NULL)
        return -1;
    char d = p[1];
    /* RFC 2428: the delimiter is a printable ASCII character other than a digit. */
    if (d < 33 || d > 126 || (d >= '0' && d <= '9'))
        return -1;
    if (p[2] != d || p[3] != d)
        return -1;
    p += 4;
    unsigned v = 0;
    if (read_number(&p, 5, &v) != 0 || p[0] != d || p[1] != ')' || v < 1 || v > 65535)
        return -1;
    *port = v;
    return 0;
}

int ftp_parse_pasv(const char *text, unsigned char addr[4], unsigned *port)
{
    /* The numbers may come with or without parentheses: find the first digit. */
    const char *p = text;
    while (*p && !(*p >= '0' && *p <= '9'))
        p++;
    unsigned v[6];
    for (int i = 0; i < 6; i++) {
        if (read_number(&p, 3, &v[i]) != 0 || v[i] > 255)
            return -1;
        if (i < 5) {
            if (*p != ',')
                return -1;
            p++;
        }
    }
    unsigned pt = v[4] * 256 + v[5];
    if (pt == 0)
        return -1;
    for (int i = 0; i < 4; i++)
        addr[i] = (unsigned char)v[i];
    *port = pt;
    return 0;
}
