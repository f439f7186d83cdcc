/*
 * tls_narrow: the TLS versions of one run, from the application's policy
 * in the trust store and the command line (pure, unit-tested). The
 * application's range is the base; --tls-min may only raise its minimum
 * and --tls-max only lower its maximum. Asking for a version outside the
 * range is an ERR_USAGE error naming the option, the application and what
 * it requires.
 */
#ifndef FTPC_PARSE_TLS_NARROW_H
#define FTPC_PARSE_TLS_NARROW_H

#include "common/err.h"

/* Versions as 12 (TLS 1.2) or 13 (TLS 1.3); 0 is "not set": the minimum
 * defaults to 12, the maximum to the newest (13). */
struct tls_versions {
    int min, max;
};

/* The versions in force: app narrowed by cli into *out, with
 * *min_from_cli / *max_from_cli saying which bound the command line set.
 * show is the command that prints the application ("trustd app show ID"),
 * named in errors. */
int tls_narrow_versions(const char *app_id, const char *show, struct tls_versions app,
                        struct tls_versions cli, struct tls_versions *out, int *min_from_cli,
                        int *max_from_cli, struct err *e) MUST_CHECK;

#endif
