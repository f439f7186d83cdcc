/*
 * trustd store: the trust store library. One SQLite database holds CA
 * certificates, application definitions and each application's CA trust
 * list, as IBM i's Digital Certificate Manager does. Clients such as ftpc
 * use only store_open (read-only) and store_app_trust_anchors: they never
 * read the database themselves.
 *
 * Every function returns 0 on success or -1 with e filled in; those marked
 * STORE_MUST_CHECK cannot have their result dropped (the compiler warns).
 *
 * The functions that walk rows (store_cert_list, store_app_list, ...) call
 * a callback per row with their own e. The callback returns 0 to go on, a
 * positive value to stop early (the walk then returns 0), or a negative
 * value after filling e: the walk stops and returns -1 with e as the
 * callback left it (the callback's error is the walk's error).
 */
#ifndef TRUSTD_STORE_STORE_H
#define TRUSTD_STORE_STORE_H

#include <stdint.h>
#include <sys/types.h>

#include <openssl/x509.h>

#include "common/err.h"

/* A result that must be looked at: a dropped store error would go on as if
 * nothing had failed. */
#define STORE_MUST_CHECK __attribute__((warn_unused_result))

#define STORE_DEFAULT_PATH "/var/lib/trustd/trust.db"
#define STORE_ENV "TRUSTD_STORE"
#define STORE_FTP_CLIENT_APP "ftp-client"

struct store;

/* STORE_READ_WRITE_LAZY is STORE_READ_WRITE with the structural check of
 * the whole store (made before anything is written) put off to the first
 * store_begin: for trustd sync, whose usual outcome, an unchanged policy,
 * writes only its note (store_begin_note) and should not read 10,000
 * certificates' pages to do it. */
enum store_mode { STORE_READ_ONLY, STORE_READ_WRITE, STORE_READ_WRITE_LAZY };

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

/* An application's TLS policy; "" (and sni 1) is the default: TLS 1.2 to
 * the newest, OpenSSL's cipher lists, SNI sent. */
#define STORE_CIPHERS_MAX 512
struct store_tls_policy {
    char tls_min[4];                         /* "1.2", "1.3" or "" */
    char tls_max[4];                         /* "1.2", "1.3" or "" */
    char ciphers[STORE_CIPHERS_MAX];         /* TLS 1.2, OpenSSL syntax, or "" */
    char ciphersuites[STORE_CIPHERS_MAX];    /* TLS 1.3, or "" */
    int sni;                                 /* 1: send the host name (SNI) */
};

struct store_app {
    char id[128];
    char description[256];
    char type[16];
    int trust_list_defined;
    char crl_policy[16]; /* none, if-present, required */
    struct store_tls_policy tls;
};

struct store_crl {
    int64_t id;
    char sha256[65];
    int64_t issuer_id;
    char issuer[512];
    int64_t this_update;
    int64_t next_update; /* 0 when the CRL names none */
    int entries;
};

struct store_audit_entry {
    int64_t id;
    int64_t time;
    int64_t uid;
    char user[64];
    int64_t login_uid; /* the login user's (-1: not known) */
    char login_user[64];
    char action[32];
    char subject[700];
};

/* How a new certificate is stored. */
struct store_cert_opts {
    const char *label; /* NULL: the subject CN, made unique */
    int disabled;
};

/* The store to use: the --store value when given, else $TRUSTD_STORE, else
 * STORE_DEFAULT_PATH. */
const char *store_path_resolve(const char *option);

/* " --store PATH" (quoted for a shell, escaped for a terminal) when path
 * is not the default store, else "": for the trustd commands messages
 * suggest, so they work as pasted. */
void store_command_option(const char *path, char *out, size_t outlen);

/* Opens the store at path. Read-write creates it (and its parent folder) when
 * missing and applies pending migrations in one transaction; read-only
 * refuses a missing store or one that needs migrating. A store written by a
 * newer program is refused in both modes. */
int store_open(const char *path, enum store_mode mode, struct store **out, struct err *e)
    STORE_MUST_CHECK;
void store_close(struct store *s);

/* The rule of OpenSSH's StrictModes for a trust store: the store file, its
 * -wal and -shm files and the folder that holds them may be written by
 * their owner only (no group or other write bit), and each is owned by root
 * or by uid. Files that do not exist yet are not checked. 0 when the store
 * is safe; -1 with a one-line message naming the path and its mode or
 * owner. ftpc refuses such a store; trustd warns. */
int store_check_permissions(const char *path, uid_t uid, struct err *e) STORE_MUST_CHECK;

/* PRAGMA integrity_check and foreign keys; report gets "ok" or the problems. */
int store_check(struct store *s, char *report, size_t reportlen, struct err *e) STORE_MUST_CHECK;

/* An online copy of the store into dest, safe in any folder (a
 * world-writable one too): the database is serialized in memory and
 * written to a new mkostemp file (O_NOFOLLOW, mode 0644 set on the open
 * file), then linked to dest, or renamed over it when replace is set. No
 * other file (no journal) is created beside dest. An existing dest without
 * replace is an ERR_USAGE error. */
int store_backup(struct store *s, const char *dest, int replace, struct err *e) STORE_MUST_CHECK;

/* Replaces everything s (open read-write, outside a transaction) holds
 * with the backup's contents in one step: the backup is read into memory,
 * checked and upgraded to this schema there, then copied page by page
 * (SQLite's backup API) into the store, whose file stays the same, so
 * readers see the old store or the restored one. The key files are the
 * caller's. */
int store_restore(struct store *s, const char *backup, struct err *e) STORE_MUST_CHECK;

/* Schema version of an open store and the newest this program knows. */
int store_schema_version(struct store *s);
int store_schema_latest(void);

/* Explicit transactions, so a command of many steps is all or nothing. */
int store_begin(struct store *s, struct err *e) STORE_MUST_CHECK;
int store_commit(struct store *s, struct err *e) STORE_MUST_CHECK;
/* A write transaction for bookkeeping of one small local row (a sync's
 * fetch time, ETag or error): no structural check first even when one is
 * pending (STORE_READ_WRITE_LAZY; SQLite still refuses any page it finds
 * damaged on the way), and its commit is not flushed to disk at once (a
 * power cut may lose the note, never the store's consistency). */
int store_begin_note(struct store *s, struct err *e) STORE_MUST_CHECK;
void store_rollback(struct store *s);

/* Adds a certificate. *added is 0 (and *row the existing one) when a
 * certificate with the same SHA-256 fingerprint is already there. The label
 * is made from the subject CN and made unique. */
int store_cert_add(struct store *s, X509 *cert, const struct store_cert_opts *opts, int *added,
                   struct store_cert *row, struct err *e) STORE_MUST_CHECK;

/* Finds one certificate from a fingerprint (any case, colons optional), a
 * unique prefix of at least 8 hex digits, or a label. Ambiguous prefixes
 * are an error that lists the matches. */
int store_cert_find(struct store *s, const char *spec, struct store_cert *out, struct err *e)
    STORE_MUST_CHECK;

/* The certificate itself; the caller frees it. Stored data that does not
 * parse is an ERR_STORE error naming the certificate (label, SHA-256). */
X509 *store_cert_x509(struct store *s, int64_t id, struct err *e) STORE_MUST_CHECK;

int store_cert_set_enabled(struct store *s, int64_t id, int enabled, struct err *e)
    STORE_MUST_CHECK;
int store_cert_set_label(struct store *s, int64_t id, const char *label, struct err *e)
    STORE_MUST_CHECK;

/* Removes a certificate and the CRLs it issued. Refused while a trust list
 * holds it, unless force, which also takes it off those lists. */
int store_cert_remove(struct store *s, int64_t id, int force, struct err *e) STORE_MUST_CHECK;

typedef int (*store_app_cb)(const struct store_app *a, void *arg, struct err *e);

/* Calls cb for each application that would use this certificate. */
int store_cert_trusted_by(struct store *s, const struct store_cert *c, store_app_cb cb, void *arg,
                          struct err *e) STORE_MUST_CHECK;

typedef int (*store_cert_cb)(const struct store_cert *c, void *arg, struct err *e);

/* Calls cb for every certificate, ordered by label. */
int store_cert_list(struct store *s, store_cert_cb cb, void *arg, struct err *e) STORE_MUST_CHECK;

int store_app_get(struct store *s, const char *app_id, struct store_app *out, struct err *e)
    STORE_MUST_CHECK;
int store_app_add(struct store *s, const char *app_id, const char *description, const char *type,
                  struct err *e) STORE_MUST_CHECK;
/* Refused for ftp-client. */
int store_app_remove(struct store *s, const char *app_id, struct err *e) STORE_MUST_CHECK;
int store_app_list(struct store *s, store_app_cb cb, void *arg, struct err *e) STORE_MUST_CHECK;
/* *removed is 0 when the certificate was not on the list. */
int store_app_untrust(struct store *s, const char *app_id, int64_t cert_id, int *removed,
                      struct err *e) STORE_MUST_CHECK;
/* defined 0 makes the application trust every enabled CA again (its list is dropped). */
int store_app_set_defined(struct store *s, const char *app_id, int defined, struct err *e)
    STORE_MUST_CHECK;
/* policy: "none", "if-present" or "required". */
int store_app_set_crl_policy(struct store *s, const char *app_id, const char *policy, struct err *e)
    STORE_MUST_CHECK;
/* 0 when p is a valid TLS policy: versions "1.2"/"1.3" or "", the minimum
 * not above the maximum, cipher lists OpenSSL accepts (printable, not
 * empty unless default). The message names the option (--tls-min ...). */
int store_tls_policy_check(const struct store_tls_policy *p, struct err *e) STORE_MUST_CHECK;
/* Replaces app_id's TLS policy after store_tls_policy_check; one audit
 * entry ("app set", "ID SETTING VALUE") per setting that changed. */
int store_app_set_tls_policy(struct store *s, const char *app_id, const struct store_tls_policy *p,
                             struct err *e) STORE_MUST_CHECK;
/* The certificates app_id trusts now: the enabled members of its list, or
 * every enabled CA when it has none. */
int store_app_effective(struct store *s, const char *app_id, store_cert_cb cb, void *arg,
                        struct err *e) STORE_MUST_CHECK;

/* Defines app_id's trust list when it was not defined and adds the
 * certificate; *added is 0 when it was already on the list. */
int store_app_trust(struct store *s, const char *app_id, int64_t cert_id, int *added,
                    struct err *e) STORE_MUST_CHECK;

/* Calls cb for each certificate on app_id's list (defined lists only). */
int store_app_list_members(struct store *s, const char *app_id, store_cert_cb cb, void *arg,
                           struct err *e) STORE_MUST_CHECK;

/* The question clients ask: which CAs may app_id use? Fills *out with a new
 * X509_STORE holding exactly those certificates (enabled ones on its list, or
 * every enabled CA when it has no list), the store's CRLs and the
 * application's revocation policy, and *count with the number of CAs. An
 * application that trusts nothing is an error that says why. */
int store_app_trust_anchors(struct store *s, const char *app_id, X509_STORE **out, int *count,
                            struct err *e) STORE_MUST_CHECK;

/* Adds a CRL after checking its signature against the CA in the store that
 * issued it. *added is 0 when it was already there. */
int store_crl_add(struct store *s, X509_CRL *crl, int *added, struct store_crl *row, struct err *e)
    STORE_MUST_CHECK;
typedef int (*store_crl_cb)(const struct store_crl *c, void *arg, struct err *e);
int store_crl_list(struct store *s, store_crl_cb cb, void *arg, struct err *e) STORE_MUST_CHECK;
/* By fingerprint or unique prefix of 8+ hex digits. */
int store_crl_find(struct store *s, const char *spec, struct store_crl *out, struct err *e)
    STORE_MUST_CHECK;
int store_crl_remove(struct store *s, int64_t id, struct err *e) STORE_MUST_CHECK;
/* The CRL itself; the caller frees it. */
X509_CRL *store_crl_x509(struct store *s, int64_t id, struct err *e) STORE_MUST_CHECK;

/* Records a change, inside the caller's transaction: time, user, login
 * user (the audit login uid, else a root process's SUDO_UID), action,
 * subject. */
int store_audit(struct store *s, const char *action, const char *subject, struct err *e)
    STORE_MUST_CHECK;
typedef int (*store_audit_cb)(const struct store_audit_entry *a, void *arg, struct err *e);
/* Entries at or after since (Unix seconds), oldest first. */
int store_audit_list(struct store *s, int64_t since, store_audit_cb cb, void *arg, struct err *e)
    STORE_MUST_CHECK;

/* Client certificates: what an application presents to servers that ask
 * for one, up to STORE_CLIENT_CERTS_MAX, in an order of preference. The
 * database holds the certificates; their private keys are in the
 * application's key file beside the store (trustd/store/keyfile.h). */
#define STORE_CLIENT_CERTS_MAX 4
struct store_client_cert {
    int64_t id;
    int position;          /* 1 first */
    char sha256[65];       /* of the certificate, lower-case hex */
    char label[256];
    char subject[512];
    char issuer[512];
    int64_t not_before;
    int64_t not_after;
    char key_type[32];     /* "RSA 2048", "EC P-256", ... */
    char key_sha256[65];   /* of its public key: names the key in the key file */
    int chain;             /* certificates sent after it */
    int64_t assigned_at;
};
typedef int (*store_client_cert_cb)(const struct store_client_cert *c, void *arg, struct err *e);

/* Assigns cert (with chain, may be NULL, and key, whose public half is
 * recorded) to app_id, last in its order; label NULL: the subject CN, made
 * unique within the application. The certificate must be one a client may
 * present now (trustd/store/identity.h identity_check). *added 0: it was
 * already assigned (row is that one). The caller writes the key file. */
int store_client_cert_add(struct store *s, const char *app_id, X509 *cert, STACK_OF(X509) *chain,
                          EVP_PKEY *key, const char *label, int *added,
                          struct store_client_cert *row, struct err *e) STORE_MUST_CHECK;
int store_client_cert_list(struct store *s, const char *app_id, store_client_cert_cb cb, void *arg,
                           struct err *e) STORE_MUST_CHECK;
/* By fingerprint (8+ hex digit prefix) or label, within app_id. */
int store_client_cert_find(struct store *s, const char *app_id, const char *spec,
                           struct store_client_cert *out, struct err *e) STORE_MUST_CHECK;
int store_client_cert_remove(struct store *s, const char *app_id, const struct store_client_cert *c,
                             struct err *e) STORE_MUST_CHECK;
/* The certificate of a row and the chain sent after it (a new stack). */
int store_client_cert_load(struct store *s, int64_t id, X509 **cert, STACK_OF(X509) **chain,
                           struct err *e) STORE_MUST_CHECK;

/* An application's client certificates with their keys, in its order, for
 * a program that presents them: the rows, then the key file (which the
 * caller must be allowed to read: a clear error says which file and which
 * permission when not). n 0 and no file read when it has none. */
struct store_identity {
    X509 *cert;
    EVP_PKEY *key;
    STACK_OF(X509) *chain;
    struct store_client_cert row;
};
int store_app_identities(struct store *s, const char *app_id,
                         struct store_identity out[STORE_CLIENT_CERTS_MAX], int *n,
                         struct err *e) STORE_MUST_CHECK;
void store_identities_free(struct store_identity *ids, int n);

/* The store's path as it was opened (key files live beside it). */
const char *store_path(const struct store *s);

/* Normalises a fingerprint or prefix to lower-case hex without colons.
 * Returns the number of hex digits, or -1 when spec is not of that form. */
int store_normalize_fingerprint(const char *spec, char out[65]);


/* The fleet (docs/fleet.md): a managed store installs signed snapshots of
 * a publisher's policy (certificates, CRLs, applications and their trust
 * lists) and refuses local changes to them. The state below is local: no
 * snapshot carries it. */
#define STORE_FLEET_APP "trustd-fleet"
#define STORE_FLEET_URL_MAX 1024
struct store_fleet {
    int managed;             /* a subscription is recorded */
    char url[STORE_FLEET_URL_MAX];
    int64_t subscribed_at;
    char etag[256];          /* the manifest's, "" when none */
    int64_t fetched_at;      /* 0: never */
    char last_error[1024];   /* "" after a good sync */
    int64_t last_error_at;
    int installed;           /* a snapshot was installed */
    int64_t serial, created, not_after, size, installed_at;
    char sha256[65];
    char on_stale[8];        /* "warn" or "refuse" */
    /* The highest serial ever installed under the pinned signer CA, by
     * this or an earlier subscription (0: none), and its snapshot's
     * SHA-256: no snapshot below it is installed again. */
    int64_t floor_serial;
    char floor_sha256[65];
};
/* The store's fleet state (all zero for a local store). */
int store_fleet_get(struct store *s, struct store_fleet *out, struct err *e) STORE_MUST_CHECK;
/* The subscription's pinned signer CA (a new X509) and the web server's CA
 * file text (*tls_ca_pem NULL: the system bundle; the caller frees it). */
int store_fleet_cas(struct store *s, X509 **signer_ca, char **tls_ca_pem, struct err *e)
    STORE_MUST_CHECK;
/* In the caller's transaction: records a subscription (replacing one) and
 * forgets what was installed before; unsubscribe drops the subscription
 * and keeps the policy as it is. */
int store_fleet_subscribe(struct store *s, const char *url, X509 *signer_ca, const char *tls_ca_pem,
                          struct err *e) STORE_MUST_CHECK;
int store_fleet_unsubscribe(struct store *s, struct err *e) STORE_MUST_CHECK;
/* The outcome of a sync's fetch (in a transaction of its own or the
 * caller's): fetched_at when the server answered (0 keeps it), the etag
 * (NULL keeps it), the error ("" clears it). */
int store_fleet_note(struct store *s, int64_t fetched_at, const char *etag, const char *error,
                     struct err *e) STORE_MUST_CHECK;
/* A publisher's serial: the last one, 0 when none; then the new one. */
int store_fleet_publisher_serial(struct store *s, int64_t *serial, struct err *e) STORE_MUST_CHECK;
int store_fleet_set_publisher_serial(struct store *s, int64_t serial, struct err *e)
    STORE_MUST_CHECK;
/* 1 when s is managed and the installed snapshot is past its not-after at now. */
int store_fleet_stale(const struct store_fleet *f, int64_t now);
/* "trust store PATH is managed by the fleet publisher at URL: ..." into e,
 * for a refused local change. Returns -1. */
int store_fleet_refuse_local(struct store *s, const struct store_fleet *f, struct err *e);

/* A fleet snapshot: the store's fleet-owned tables only, as one SQLite
 * image (no client certificates, no audit log, no fleet state), made in
 * the caller's transaction. The caller frees *image with free(). */
int store_snapshot_make(struct store *s, unsigned char **image, size_t *len, struct err *e)
    STORE_MUST_CHECK;
/* Opens a snapshot's bytes as a store in memory: judged (an SQLite
 * trust store, schema not newer, integrity and foreign keys) and
 * upgraded to this schema there. *schema is its version as published.
 * name is for messages. The caller closes *out with store_close. */
int store_snapshot_open(const unsigned char *image, size_t len, const char *name,
                        struct store **out, int *schema, struct err *e) STORE_MUST_CHECK;
/* Installing snap into s: attach before the transaction (snap stays
 * open until the detach: s reads its pages in place), then, inside
 * it, the difference (cb per certificate, CRL or application that is
 * added, removed or updated; kind 0 added, 1 removed, 2 updated) and
 * the replacement of the fleet-owned tables; detach after it. */
typedef int (*store_snapshot_diff_cb)(int kind, const char *object, const char *fp,
                                      const char *label, void *arg, struct err *e);
int store_snapshot_attach(struct store *s, struct store *snap, struct err *e) STORE_MUST_CHECK;
int store_snapshot_diff(struct store *s, store_snapshot_diff_cb cb, void *arg, struct err *e)
    STORE_MUST_CHECK;
int store_snapshot_replace(struct store *s, struct err *e) STORE_MUST_CHECK;
/* Records the manifest's fields as installed (in the transaction), and
 * raises the pinned signer CA's floor (store_fleet.floor_serial) to it. */
int store_fleet_set_installed(struct store *s, int64_t serial, int64_t created, int64_t not_after,
                              const char *on_stale, const char *sha256, int64_t size,
                              struct err *e) STORE_MUST_CHECK;
void store_snapshot_detach(struct store *s);

#endif
