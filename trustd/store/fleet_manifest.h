/*
 * fleet_manifest: the text a fleet publisher signs (docs/fleet.md). Pure:
 * bytes in, fields out, no I/O. The signature (CMS) is checked before
 * these bytes are parsed, but the parser still trusts nothing: every line
 * is known, each key comes once, numbers fit, the file name is plain.
 *
 *   trustd-fleet-manifest 1
 *   serial 1767225600
 *   created 1767225600
 *   not-after 1767830400
 *   snapshot snapshot-1767225600.db
 *   size 49152
 *   sha256 <64 lower-case hex digits>
 *   schema 6
 *   on-stale warn
 */
#ifndef TRUSTD_STORE_FLEET_MANIFEST_H
#define TRUSTD_STORE_FLEET_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define FLEET_MANIFEST_MAX 4096         /* bytes of manifest text */
#define FLEET_MANIFEST_MAGIC "trustd-fleet-manifest 1"
#define FLEET_SNAPSHOT_NAME_MAX 128

struct fleet_manifest {
    int64_t serial;      /* grows with every publication */
    int64_t created;     /* Unix seconds */
    int64_t not_after;   /* Unix seconds: stale after this */
    char snapshot[FLEET_SNAPSHOT_NAME_MAX]; /* file name beside the manifest */
    int64_t size;        /* bytes of the snapshot */
    char sha256[65];     /* of the snapshot, lower-case hex */
    int schema;          /* its schema version */
    char on_stale[8];    /* "warn" or "refuse" */
};

/* Parses data[0..len). 0, or -1 with e (ERR_VERIFY) saying which line is wrong. */
int fleet_manifest_parse(const unsigned char *data, size_t len, struct fleet_manifest *m,
                         struct err *e) MUST_CHECK;

/* The text of m, as fleet_manifest_parse reads it, into out; its length,
 * or -1 when it does not fit. */
int fleet_manifest_format(const struct fleet_manifest *m, char *out, size_t outlen);

/* 1 when name is a plain file name a manifest may give: letters, digits,
 * '.', '-', '_', not starting with '.', at most FLEET_SNAPSHOT_NAME_MAX - 1. */
int fleet_snapshot_name_ok(const char *name);

#endif
