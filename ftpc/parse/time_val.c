/* time_val: YYYYMMDDHHMMSS[.sss], every field checked. */
#include "ftpc/parse/number.h"
#include "ftpc/parse/time_val.h"

/* The width-digit number at p (all digits, checked by the caller). */
static unsigned field(const char *p, size_t width)
{
    uint64_t v = 0;
    (void)parse_digits_u64(p, width, &v);
    return (unsigned)v;
}

static unsigned days_in_month(unsigned year, unsigned month)
{
    static const unsigned DAYS[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : DAYS[month - 1];
}

int ftp_parse_time_val(const char *p, size_t n, struct ftp_time *t)
{
    if (n < 14 || count_digits(p, 14) != 14)
        return -1;
    if (n > 14 && (p[14] != '.' || n == 15 || count_digits(p + 15, n - 15) != n - 15))
        return -1;
    struct ftp_time v = {
        .year = field(p, 4), .month = field(p + 4, 2), .day = field(p + 6, 2),
        .hour = field(p + 8, 2), .minute = field(p + 10, 2), .second = field(p + 12, 2),
    };
    if (v.month < 1 || v.month > 12 || v.day < 1 || v.day > days_in_month(v.year, v.month) ||
        v.hour > 23 || v.minute > 59 || v.second > 60)
        return -1;
    *t = v;
    return 0;
}
