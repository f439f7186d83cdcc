/* store_internal: what the store_*.c files share; not part of the API. */
#ifndef TRUSTD_STORE_INTERNAL_H
#define TRUSTD_STORE_INTERNAL_H

#include <stdio.h>

#include <sqlite3.h>

#include "trustd/store.h"

struct store {
    sqlite3 *db;
    int version;
    int writable;
    char path[4096];
};

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
int store_crls_load(struct store *s, X509_STORE *xs, struct err *e);

int store_sql_error(struct store *s, struct err *e, const char *what);
int store_exec(struct store *s, const char *sql, struct err *e);

#endif
