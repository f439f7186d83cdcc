/*
 * time_val: the UTC times of RFC 3659 section 2.3, "YYYYMMDDHHMMSS[.sss]",
 * as the 213 reply to MDTM (section 3) and the modify= fact of MLST and MLSD
 * (section 7.5.3) carry them. Pure, unit tested and fuzzed.
 */
#ifndef FTPC_PARSE_TIME_VAL_H
#define FTPC_PARSE_TIME_VAL_H

#include <stddef.h>

struct ftp_time {
    unsigned year, month, day, hour, minute, second;
};

/* p[0..n) is exactly 14 digits, optionally '.' and one or more digits (the
 * fraction, checked and not kept), with every field in range: month 1..12,
 * day 1..the month's last day (leap years counted), hour 0..23, minute
 * 0..59, second 0..60 (a leap second). 0, or -1. */
int ftp_parse_time_val(const char *p, size_t n, struct ftp_time *t);

#endif
