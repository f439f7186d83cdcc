/* store_internal: what the store_*.c files share; not part of the API. */
#ifndef TRUSTD_STORE_STORE_INTERNAL_H
#define TRUSTD_STORE_STORE_INTERNAL_H

#include <stdio.h>

#include <sqlite3.h>

#include "trustd/store/store.h"

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
    char path[4096];
    struct label_next *labels[LABEL_BUCKETS];
};

/* Forgets the label suffixes (at every transaction's start and end). */
void store_labels_forget(struct store *s);

/* The columns store_row_to_cert reads, in its order. */
#define CERT_COLUMNS \
    "c.id, c.sha256, c.label, c.subject, c.issuer, c.serial, c.not_before, c.not_after, " \
    "c.is_ca, c.enabled"

void store_row_to_cert(sqlite3_stmt *st, struct store_cert *c);
/* Runs a certificate query (param, when not NULL, bound as ?1) and calls cb
 * per row until it returns non-zero. */
int store_each_cert(struct store *s, const char *sql, const char *param, store_cert_cb cb,
                    void *arg, struct err *e);
/* Adds every CRL of the store to xs. */
/* 1 when cert_id, an issuing CA on app_id's trust list, is left out of its
 * anchors because a CRL of its issuer in the store revokes it. */
int store_anchor_revoked(struct store *s, const char *app_id, int64_t cert_id);
int store_crls_load(struct store *s, X509_STORE *xs, struct err *e);

int store_sql_error(struct store *s, struct err *e, const char *what);
int store_exec(struct store *s, const char *sql, struct err *e);

#endif
