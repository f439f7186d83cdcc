/* store_client_certs: the certificates an application presents, and their keys. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>

#include "common/certinfo.h"
#include "trustd/store/identity.h"
#include "trustd/store/keyfile.h"
#include "trustd/store/store_internal.h"

#define CLIENT_COLUMNS \
    "id, position, sha256, label, subject, issuer, not_before, not_after, key_type, key_sha256, " \
    "chain, assigned_at"

const char *store_path(const struct store *s)
{
    return s->path;
}

/* DER certificates one after another: how many. */
static int chain_count(const unsigned char *p, long len)
{
    int n = 0;
    const unsigned char *end = p + len;
    while (p != NULL && p < end) {
        X509 *x = d2i_X509(NULL, &p, end - p);
        if (x == NULL)
            break;
        X509_free(x);
        n++;
    }
    ERR_clear_error();
    return n;
}

static void row_to_client(sqlite3_stmt *st, struct store_client_cert *c)
{
    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    c->position = sqlite3_column_int(st, 1);
    store_column_text(st, 2, c->sha256, sizeof c->sha256);
    store_column_text(st, 3, c->label, sizeof c->label);
    store_column_text(st, 4, c->subject, sizeof c->subject);
    store_column_text(st, 5, c->issuer, sizeof c->issuer);
    c->not_before = sqlite3_column_int64(st, 6);
    c->not_after = sqlite3_column_int64(st, 7);
    store_column_text(st, 8, c->key_type, sizeof c->key_type);
    store_column_text(st, 9, c->key_sha256, sizeof c->key_sha256);
    c->chain = chain_count(sqlite3_column_blob(st, 10), sqlite3_column_bytes(st, 10));
    c->assigned_at = sqlite3_column_int64(st, 11);
}

struct client_rows {
    store_client_cert_cb cb;
    void *arg;
};

static int client_row(sqlite3_stmt *st, void *arg, struct err *e)
{
    const struct client_rows *r = arg;
    struct store_client_cert c;
    row_to_client(st, &c);
    return r->cb(&c, r->arg, e);
}

static int each_client(struct store *s, const char *sql, const char *app_id, const char *param,
                       store_client_cert_cb cb, void *arg, struct err *e)
{
    static const char what[] = "cannot read client certificates";
    sqlite3_stmt *st = NULL;
    if (store_prepare_text(s, sql, app_id, &st, what, e) != 0)
        return -1;
    if (param != NULL && sqlite3_bind_text(st, 2, param, -1, SQLITE_TRANSIENT) != SQLITE_OK)
        return store_bind_failed(s, &st, what, e);
    struct client_rows r = { cb, arg };
    return store_each_row(s, st, client_row, &r, what, e);
}

int store_client_cert_list(struct store *s, const char *app_id, store_client_cert_cb cb, void *arg,
                           struct err *e)
{
    struct store_app app;
    if (store_app_get(s, app_id, &app, e) != 0)
        return -1;
    return each_client(s, "SELECT " CLIENT_COLUMNS " FROM client_certs WHERE app_id = ?1 "
                       "ORDER BY position, id", app_id, NULL, cb, arg, e);
}

struct client_match {
    struct store_client_cert *first;
    int count;
};

static int match_client(const struct store_client_cert *c, void *arg, struct err *e)
{
    (void)e;
    struct client_match *m = arg;
    if (m->count++ == 0)
        *m->first = *c;
    return 0;
}

int store_client_cert_find(struct store *s, const char *app_id, const char *spec,
                           struct store_client_cert *out, struct err *e)
{
    struct store_app app;
    if (store_app_get(s, app_id, &app, e) != 0)
        return -1;
    char hex[65];
    struct client_match m = { out, 0 };
    if (store_normalize_fingerprint(spec, hex) >= 8) {
        if (each_client(s, "SELECT " CLIENT_COLUMNS " FROM client_certs WHERE app_id = ?1 AND "
                        "sha256 >= ?2 AND sha256 < ?2 || 'g'", app_id, hex, match_client, &m, e) != 0)
            return -1;
        if (m.count > 1)
            return err_set(e, ERR_USAGE, "%s is ambiguous among the client certificates of "
                           "application %s: give more of the fingerprint", spec, app_id);
    }
    if (m.count == 0 &&
        each_client(s, "SELECT " CLIENT_COLUMNS " FROM client_certs WHERE app_id = ?1 AND label = ?2",
                    app_id, spec, match_client, &m, e) != 0)
        return -1;
    if (m.count == 0)
        return err_set(e, ERR_NOTFOUND, "application %s has no client certificate labelled or "
                       "fingerprinted '%s' (trustd app cert list %s shows them)", app_id, spec, app_id);
    return 0;
}

/* "CN", else "CN (2)", ...: unique within the application. */
static int unique_label(struct store *s, const char *app_id, const char *base, char *out,
                        size_t outlen, struct err *e)
{
    for (int n = 1; n <= STORE_CLIENT_CERTS_MAX + 1; n++) {
        if (n == 1)
            snprintf(out, outlen, "%s", base);
        else
            snprintf(out, outlen, "%.200s (%d)", base, n);
        struct store_client_cert c;
        struct client_match m = { &c, 0 };
        if (each_client(s, "SELECT " CLIENT_COLUMNS " FROM client_certs WHERE app_id = ?1 AND "
                        "label = ?2", app_id, out, match_client, &m, e) != 0)
            return -1;
        if (m.count == 0)
            return 0;
    }
    return err_set(e, ERR_USAGE, "no free label for '%s' in application %s: give one with --label",
                   base, app_id);
}

/* The chain as DER certificates one after another. */
static int chain_der(STACK_OF(X509) *chain, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    size_t total = 0;
    for (int i = 0; i < sk_X509_num(chain); i++) {
        int n = i2d_X509(sk_X509_value(chain, i), NULL);
        if (n <= 0)
            return -1;
        total += (size_t)n;
    }
    if (total == 0)
        return 0;
    unsigned char *buf = malloc(total), *p = buf;
    if (buf == NULL)
        return -1;
    for (int i = 0; i < sk_X509_num(chain); i++)
        (void)i2d_X509(sk_X509_value(chain, i), &p);
    *out = buf;
    *len = total;
    return 0;
}

static int find_by_sha256(struct store *s, const char *app_id, const char *sha256,
                          struct store_client_cert *out, int *found, struct err *e)
{
    struct client_match m = { out, 0 };
    if (each_client(s, "SELECT " CLIENT_COLUMNS " FROM client_certs WHERE app_id = ?1 AND sha256 = ?2",
                    app_id, sha256, match_client, &m, e) != 0)
        return -1;
    *found = m.count > 0;
    return 0;
}

/* The new row's fields from the certificate and key. */
static int describe(X509 *cert, EVP_PKEY *key, struct store_client_cert *c, struct err *e)
{
    memset(c, 0, sizeof *c);
    if (certinfo_sha256_hex(cert, c->sha256) != 0 || identity_key_sha256(key, c->key_sha256) != 0)
        return err_set(e, ERR_INTERNAL, "cannot fingerprint the certificate");
    certinfo_name(X509_get_subject_name(cert), c->subject, sizeof c->subject);
    certinfo_name(X509_get_issuer_name(cert), c->issuer, sizeof c->issuer);
    if (certinfo_time(X509_get0_notBefore(cert), &c->not_before) != 0 ||
        certinfo_time(X509_get0_notAfter(cert), &c->not_after) != 0)
        return err_set(e, ERR_LOCAL, "the certificate's validity dates cannot be read");
    identity_key_type(key, c->key_type, sizeof c->key_type);
    return 0;
}

int store_client_cert_add(struct store *s, const char *app_id, X509 *cert, STACK_OF(X509) *chain,
                          EVP_PKEY *key, const char *label, int *added,
                          struct store_client_cert *row, struct err *e)
{
    *added = 0;
    struct store_app app;
    if (store_app_get(s, app_id, &app, e) != 0)
        return -1;
    struct store_client_cert c;
    if (describe(cert, key, &c, e) != 0)
        return -1;
    char cn[256], named[300];
    certinfo_cn(cert, cn, sizeof cn);
    snprintf(named, sizeof named, "client certificate '%s'", cn[0] ? cn : c.sha256);
    if (identity_check(cert, key, named, (int64_t)time(NULL), e) != 0)
        return -1;
    int found = 0;
    if (find_by_sha256(s, app_id, c.sha256, row, &found, e) != 0)
        return -1;
    if (found)
        return 0;
    int64_t count = 0, last = 0;
    sqlite3_stmt *st = NULL;
    if (store_prepare_text(s, "SELECT count(*) FROM client_certs WHERE app_id = ?1", app_id, &st,
                           "cannot count client certificates", e) != 0 ||
        store_each_row(s, st, store_row_first_int64, &count, "cannot count client certificates", e) != 0 ||
        store_prepare_text(s, "SELECT coalesce(max(position), 0) FROM client_certs WHERE app_id = ?1",
                           app_id, &st, "cannot count client certificates", e) != 0 ||
        store_each_row(s, st, store_row_first_int64, &last, "cannot count client certificates", e) != 0)
        return -1;
    if (count >= STORE_CLIENT_CERTS_MAX)
        return err_set(e, ERR_USAGE, "application %s already has %d client certificates, the most "
                       "it may have: remove one first (trustd app cert remove %s CERT)", app_id,
                       STORE_CLIENT_CERTS_MAX, app_id);
    if (label != NULL) {
        if (store_label_valid(label, e) != 0)
            return -1;
        snprintf(c.label, sizeof c.label, "%s", label);
        struct store_client_cert other;
        struct client_match m = { &other, 0 };
        if (each_client(s, "SELECT " CLIENT_COLUMNS " FROM client_certs WHERE app_id = ?1 AND "
                        "label = ?2", app_id, label, match_client, &m, e) != 0)
            return -1;
        if (m.count > 0)
            return err_set(e, ERR_USAGE, "application %s already has a client certificate labelled "
                           "'%s'", app_id, label);
    } else if (unique_label(s, app_id, cn[0] ? cn : c.sha256, c.label, sizeof c.label, e) != 0) {
        return -1;
    }
    unsigned char *der = NULL, *chainbuf = NULL;
    size_t chainlen = 0;
    int derlen = i2d_X509(cert, &der);
    if (derlen <= 0 || chain_der(chain, &chainbuf, &chainlen) != 0) {
        OPENSSL_free(der);
        return err_set(e, ERR_INTERNAL, "cannot encode the certificate");
    }
    static const char what[] = "cannot assign the client certificate";
    c.position = (int)last + 1;
    c.assigned_at = (int64_t)time(NULL);
    int rc = store_prepare_text(s,
                                "INSERT INTO client_certs (app_id, position, der, chain, sha256, label, "
                                "subject, issuer, not_before, not_after, key_type, key_sha256, "
                                "assigned_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                                "?12, ?13)",
                                app_id, &st, what, e);
    if (rc == 0 &&
        (sqlite3_bind_int(st, 2, c.position) != SQLITE_OK ||
         sqlite3_bind_blob(st, 3, der, derlen, SQLITE_TRANSIENT) != SQLITE_OK ||
         (chainlen ? sqlite3_bind_blob(st, 4, chainbuf, (int)chainlen, SQLITE_TRANSIENT)
                   : sqlite3_bind_null(st, 4)) != SQLITE_OK ||
         sqlite3_bind_text(st, 5, c.sha256, -1, SQLITE_STATIC) != SQLITE_OK ||
         sqlite3_bind_text(st, 6, c.label, -1, SQLITE_STATIC) != SQLITE_OK ||
         sqlite3_bind_text(st, 7, c.subject, -1, SQLITE_STATIC) != SQLITE_OK ||
         sqlite3_bind_text(st, 8, c.issuer, -1, SQLITE_STATIC) != SQLITE_OK ||
         sqlite3_bind_int64(st, 9, c.not_before) != SQLITE_OK ||
         sqlite3_bind_int64(st, 10, c.not_after) != SQLITE_OK ||
         sqlite3_bind_text(st, 11, c.key_type, -1, SQLITE_STATIC) != SQLITE_OK ||
         sqlite3_bind_text(st, 12, c.key_sha256, -1, SQLITE_STATIC) != SQLITE_OK ||
         sqlite3_bind_int64(st, 13, c.assigned_at) != SQLITE_OK))
        rc = store_bind_failed(s, &st, what, e);
    if (rc == 0)
        rc = store_each_row(s, st, NULL, NULL, what, e);
    OPENSSL_free(der);
    free(chainbuf);
    if (rc != 0)
        return -1;
    c.id = sqlite3_last_insert_rowid(s->db);
    c.chain = sk_X509_num(chain) > 0 ? sk_X509_num(chain) : 0;
    char subject[sizeof c.label + 256];
    snprintf(subject, sizeof subject, "%s client certificate %s %s", app_id, c.label, c.sha256);
    if (store_audit(s, "app cert assign", subject, e) != 0)
        return -1;
    *row = c;
    *added = 1;
    return 0;
}

int store_client_cert_remove(struct store *s, const char *app_id, const struct store_client_cert *c,
                             struct err *e)
{
    static const char what[] = "cannot remove the client certificate";
    sqlite3_stmt *st = NULL;
    if (store_prepare_id(s, "DELETE FROM client_certs WHERE id = ?1", c->id, &st, what, e) != 0 ||
        store_each_row(s, st, NULL, NULL, what, e) != 0)
        return -1;
    /* The ones after it move up: the order stays 1, 2, ... */
    if (store_prepare_text(s, "UPDATE client_certs SET position = position - 1 WHERE app_id = ?1 "
                           "AND position > ?2", app_id, &st, what, e) != 0)
        return -1;
    if (sqlite3_bind_int(st, 2, c->position) != SQLITE_OK)
        return store_bind_failed(s, &st, what, e);
    if (store_each_row(s, st, NULL, NULL, what, e) != 0)
        return -1;
    char subject[sizeof c->label + 256];
    snprintf(subject, sizeof subject, "%s client certificate %s %s", app_id, c->label, c->sha256);
    return store_audit(s, "app cert remove", subject, e);
}

struct loaded {
    X509 *cert;
    STACK_OF(X509) *chain;
};

static int load_row(sqlite3_stmt *st, void *arg, struct err *e)
{
    struct loaded *l = arg;
    const unsigned char *p = sqlite3_column_blob(st, 0);
    l->cert = p ? d2i_X509(NULL, &p, sqlite3_column_bytes(st, 0)) : NULL;
    l->chain = sk_X509_new_null();
    const unsigned char *c = sqlite3_column_blob(st, 1);
    const unsigned char *end = c ? c + sqlite3_column_bytes(st, 1) : NULL;
    while (c != NULL && c < end && l->chain != NULL) {
        X509 *x = d2i_X509(NULL, &c, end - c);
        if (x == NULL || !sk_X509_push(l->chain, x)) {
            X509_free(x);
            break;
        }
    }
    ERR_clear_error();
    if (l->cert == NULL || l->chain == NULL || (c != NULL && c != end))
        return err_set(e, ERR_STORE, "a client certificate in the store is damaged (run trustd check)") ;
    return 1;
}

int store_client_cert_load(struct store *s, int64_t id, X509 **cert, STACK_OF(X509) **chain,
                           struct err *e)
{
    *cert = NULL;
    *chain = NULL;
    static const char what[] = "cannot read a client certificate";
    struct loaded l = { NULL, NULL };
    sqlite3_stmt *st = NULL;
    int rc = store_prepare_id(s, "SELECT der, chain FROM client_certs WHERE id = ?1", id, &st, what, e);
    if (rc == 0)
        rc = store_each_row(s, st, load_row, &l, what, e);
    if (rc == 0 && l.cert == NULL)
        rc = err_set(e, ERR_NOTFOUND, "the client certificate is gone from the store");
    if (rc != 0) {
        X509_free(l.cert);
        sk_X509_pop_free(l.chain, X509_free);
        return -1;
    }
    *cert = l.cert;
    *chain = l.chain;
    return 0;
}

void store_identities_free(struct store_identity *ids, int n)
{
    for (int i = 0; i < n; i++) {
        X509_free(ids[i].cert);
        EVP_PKEY_free(ids[i].key);
        sk_X509_pop_free(ids[i].chain, X509_free);
        memset(&ids[i], 0, sizeof ids[i]);
    }
}

struct rows_out {
    struct store_client_cert rows[STORE_CLIENT_CERTS_MAX];
    int n;
};

static int keep_row(const struct store_client_cert *c, void *arg, struct err *e)
{
    (void)e;
    struct rows_out *r = arg;
    if (r->n < STORE_CLIENT_CERTS_MAX)
        r->rows[r->n++] = *c;
    return 0;
}

int store_app_identities(struct store *s, const char *app_id,
                         struct store_identity out[STORE_CLIENT_CERTS_MAX], int *n, struct err *e)
{
    *n = 0;
    struct rows_out r = { .n = 0 };
    if (store_client_cert_list(s, app_id, keep_row, &r, e) != 0)
        return -1;
    if (r.n == 0)
        return 0;
    /* Keys every user could read are no secret: not used (fail closed). */
    struct keyfile_info ki;
    keyfile_info(s->path, app_id, &ki);
    if (ki.exists && ki.regular && (ki.mode & 0004))
        return err_set(e, ERR_LOCAL, "key file %s is mode %04o: every user may read application "
                       "%s's private keys, so they are not used until the store's administrator "
                       "closes it (trustd app cert group %s none, or GROUP)", ki.path, ki.mode,
                       app_id, app_id);
    struct keyfile kf = { .n = 0 };
    if (keyfile_read(s->path, app_id, &kf, e) != 0)
        return -1;
    int rc = 0;
    for (int i = 0; rc == 0 && i < r.n; i++) {
        struct store_identity *id = &out[*n];
        memset(id, 0, sizeof *id);
        id->row = r.rows[i];
        EVP_PKEY *key = keyfile_find(&kf, r.rows[i].key_sha256);
        char path[4096 + 600];
        if (key == NULL) {
            if (keyfile_path(s->path, app_id, path, sizeof path) != 0)
                snprintf(path, sizeof path, "its key file");
            rc = err_set(e, ERR_LOCAL, "the private key of client certificate '%s' of application %s "
                         "is not in %s: assign the certificate again with its key", r.rows[i].label,
                         app_id, path);
            break;
        }
        if (store_client_cert_load(s, r.rows[i].id, &id->cert, &id->chain, e) != 0) {
            rc = -1;
            break;
        }
        id->key = key;
        EVP_PKEY_up_ref(key);
        (*n)++;
    }
    keyfile_clear(&kf);
    if (rc != 0) {
        store_identities_free(out, *n);
        *n = 0;
    }
    return rc;
}
