/*
 * trustd store: the trust store library. One SQLite database holds CA
 * certificates, application definitions and each application's CA trust
 * list, as IBM i's Digital Certificate Manager does. Clients such as ftpc
 * use only store_open (read-only) and store_app_trust_anchors: they never
 * read the database themselves.
 *
 * Every function returns 0 on success or -1 with e filled in.
 */
#ifndef TRUSTD_STORE_H
#define TRUSTD_STORE_H

#include <stdint.h>

#include <openssl/x509.h>

#include "err.h"

#define STORE_DEFAULT_PATH "/var/lib/trustd/trust.db"
#define STORE_ENV "TRUSTD_STORE"
#define STORE_FTP_CLIENT_APP "ftp-client"

struct store;

enum store_mode { STORE_READ_ONLY, STORE_READ_WRITE };

struct store_cert {
    int64_t id;
    char sha256[65];
    char label[256];
    char subject[512];
    char issuer[512];
    char serial[128];
    int64_t not_before;
    int64_t not_after;
    int is_ca;
    int enabled;
};

struct store_app {
    char id[128];
    char description[256];
    char type[16];
    int trust_list_defined;
};

/* The store to use: the --store value when given, else $TRUSTD_STORE, else
 * STORE_DEFAULT_PATH. */
const char *store_path_resolve(const char *option);

/* Opens the store at path. Read-write creates it (and its parent folder) when
 * missing and applies pending migrations in one transaction; read-only
 * refuses a missing store or one that needs migrating. A store written by a
 * newer program is refused in both modes. */
int store_open(const char *path, enum store_mode mode, struct store **out, struct err *e);
void store_close(struct store *s);

/* Schema version of an open store and the newest this program knows. */
int store_schema_version(struct store *s);
int store_schema_latest(void);

/* Explicit transactions, so a command of many steps is all or nothing. */
int store_begin(struct store *s, struct err *e);
int store_commit(struct store *s, struct err *e);
void store_rollback(struct store *s);

/* Adds a certificate. *added is 0 (and *row the existing one) when a
 * certificate with the same SHA-256 fingerprint is already there. The label
 * is made from the subject CN and made unique. */
int store_cert_add(struct store *s, X509 *cert, int *added, struct store_cert *row,
                   struct err *e);

/* Finds one certificate from a fingerprint (any case, colons optional) or a
 * unique prefix of at least 8 hex digits. Ambiguous prefixes are an error
 * that lists the matches. */
int store_cert_find(struct store *s, const char *spec, struct store_cert *out, struct err *e);

typedef int (*store_cert_cb)(const struct store_cert *c, void *arg);

/* Calls cb for every certificate, ordered by label. */
int store_cert_list(struct store *s, store_cert_cb cb, void *arg, struct err *e);

int store_app_get(struct store *s, const char *app_id, struct store_app *out, struct err *e);

/* Defines app_id's trust list when it was not defined and adds the
 * certificate; *added is 0 when it was already on the list. */
int store_app_trust(struct store *s, const char *app_id, int64_t cert_id, int *added,
                    struct err *e);

/* Calls cb for each certificate on app_id's list (defined lists only). */
int store_app_list_members(struct store *s, const char *app_id, store_cert_cb cb, void *arg,
                           struct err *e);

/* The question clients ask: which CAs may app_id use? Fills *out with a new
 * X509_STORE holding exactly those certificates (enabled ones on its list, or
 * every enabled CA when it has no list) and *count with their number. An
 * application that trusts nothing is an error that says why. */
int store_app_trust_anchors(struct store *s, const char *app_id, X509_STORE **out, int *count,
                            struct err *e);

/* Normalises a fingerprint or prefix to lower-case hex without colons.
 * Returns the number of hex digits, or -1 when spec is not of that form. */
int store_normalize_fingerprint(const char *spec, char out[65]);

#endif
