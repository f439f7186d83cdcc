/* store_internal: what the store_*.c files share; not part of the API. */
#ifndef TRUSTD_STORE_STORE_INTERNAL_H
#define TRUSTD_STORE_STORE_INTERNAL_H

#include <stdio.h>

#include <sqlite3.h>

#include "trustd/store/store.h"

/* How long a writer waits for another one to finish. */
#define STORE_BUSY_TIMEOUT_MS 30000

/* Within one write transaction: for each label base (a subject CN) the
 * next " (N)" suffix to try, so that certificates sharing a name get unique
 * labels with one query per name, not one per attempt (store_certs.c). */
#define LABEL_BUCKETS 4096
struct label_next {
    struct label_next *link;
    long next;
    char base[];
};

struct store {
    sqlite3 *db;
    int version;
    int writable;
    int unchecked;      /* the structural check is still to run (STORE_READ_WRITE_LAZY) */
    int relaxed;        /* synchronous = NORMAL for a note (store_begin_note) */
    /* Managed by a fleet publisher (as last read, store_fleet_refresh):
     * the authorizer (store_db.c) refuses every write to a fleet-owned
     * table but the install's (installing). denied: it just did. */
    int managed, installing, denied;
    char fleet_url[STORE_FLEET_URL_MAX];
    char path[4096];
    struct label_next *labels[LABEL_BUCKETS];
};

/* Reads whether s is managed, and by which URL, into s (after a failure
 * it keeps what it had). */
void store_fleet_refresh(struct store *s);

/* Forgets the label suffixes (at every transaction's start and end). */
void store_labels_forget(struct store *s);

/* The columns store_row_to_cert reads, in its order. */
#define CERT_COLUMNS \
    "c.id, c.sha256, c.label, c.subject, c.issuer, c.serial, c.not_before, c.not_after, " \
    "c.is_ca, c.enabled"

void store_row_to_cert(sqlite3_stmt *st, struct store_cert *c);

/* A row of a query, as the store's callbacks return (store.h): 0 go on,
 * positive stop, negative fail with e filled in. */
typedef int (*store_row_fn)(sqlite3_stmt *st, void *arg, struct err *e);

/* The one row loop of the store: steps st (prepared, its parameters bound)
 * and calls row for each row (row NULL: a statement whose rows, if any,
 * are not wanted: INSERT, UPDATE, DELETE); finalizes st in every case.
 * Returns 0 when the rows ran out or row asked to stop, -1 when row failed
 * (e as row left it) or SQLite did (e: "trust store PATH: what: why"). */
int store_each_row(struct store *s, sqlite3_stmt *st, store_row_fn row, void *arg,
                   const char *what, struct err *e) STORE_MUST_CHECK;

/* Prepares sql into *st; -1 with e naming what. The _text form binds text
 * (when not NULL) as ?1, the _id form binds id as ?1; *st is NULL after
 * any failure. */
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st, const char *what,
                  struct err *e) STORE_MUST_CHECK;
int store_prepare_text(struct store *s, const char *sql, const char *text, sqlite3_stmt **st,
                       const char *what, struct err *e) STORE_MUST_CHECK;
int store_prepare_id(struct store *s, const char *sql, int64_t id, sqlite3_stmt **st,
                     const char *what, struct err *e) STORE_MUST_CHECK;
/* After a sqlite3_bind_* that failed: e says why, *st is finalized and set
 * to NULL. Returns -1. */
int store_bind_failed(struct store *s, sqlite3_stmt **st, const char *what, struct err *e);

/* Column col of the current row as text into out ("" for NULL). */
void store_column_text(sqlite3_stmt *st, int col, char *out, size_t outlen);
/* For a query asked whether it has a row: *(int *)arg = 1 at the first, then stop. */
int store_row_exists(sqlite3_stmt *st, void *arg, struct err *e);
/* For a query of one row: its column 0 into *(int64_t *)arg, then stop
 * (arg keeps its value when there is no row). */
int store_row_first_int64(sqlite3_stmt *st, void *arg, struct err *e);

/* Runs a certificate query (param, when not NULL, bound as ?1) and calls cb
 * per row, as store_cert_list does. */
int store_each_cert(struct store *s, const char *sql, const char *param, store_cert_cb cb,
                    void *arg, struct err *e) STORE_MUST_CHECK;
/* The first column of the one row a query with ?1 = id returns, as text,
 * into out ("" when there is no such row). */
int store_text_by_id(struct store *s, const char *sql, int64_t id, char *out, size_t outlen,
                     const char *what, struct err *e) STORE_MUST_CHECK;
/* The fingerprint (lower-case hex) of certificate id, "" when it is gone. */
int store_cert_sha256(struct store *s, int64_t id, char out[65], struct err *e) STORE_MUST_CHECK;
/* 1 when cert_id, an issuing CA on app_id's trust list, is left out of its
 * anchors because a CRL of its issuer in the store revokes it. */
int store_anchor_revoked(struct store *s, const char *app_id, int64_t cert_id);
/* Adds every CRL of the store to xs. */
int store_crls_load(struct store *s, X509_STORE *xs, struct err *e) STORE_MUST_CHECK;

/* A label an administrator gives: printable text only, so that what
 * list and show print is what was typed; -1 with e saying why not. */
int store_label_valid(const char *label, struct err *e) STORE_MUST_CHECK;

int store_sql_error(struct store *s, struct err *e, const char *what);
int store_exec(struct store *s, const char *sql, struct err *e) STORE_MUST_CHECK;
/* Whether the schema of s (an image of a backup or snapshot, what) is
 * exactly what the migrations up to version make: the same tables,
 * indexes, views and triggers with the same SQL. ERR_VERIFY naming the
 * first entry extra, missing or changed. */
int store_schema_is_reference(struct store *s, int version, const char *what, struct err *e) STORE_MUST_CHECK;

#endif
