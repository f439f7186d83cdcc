/* since: the moment an audit --since names. Pure: no I/O, "now" is given. */
#ifndef TRUSTD_STORE_SINCE_H
#define TRUSTD_STORE_SINCE_H

#include <stdint.h>

/* Parses spec into Unix seconds: a duration back from now ("30s", "15m",
 * "12h", "7d"), an ISO date in UTC ("2026-11-28", "2026-11-28T10:00",
 * "2026-11-28T10:00:00", with a space for the T and a trailing Z allowed),
 * or Unix seconds ("1764300000"). 0 on success, -1 for anything else
 * (an empty or negative number, another unit, a date that does not
 * exist, a duration reaching before 1970). */
int since_parse(const char *spec, int64_t now, int64_t *out);

#endif
