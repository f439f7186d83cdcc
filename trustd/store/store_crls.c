/* store_crls: certificate revocation lists, each tied to the CA that signed it. */
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "common/certinfo.h"
#include "trustd/store/store_internal.h"

#define CRL_COLUMNS "id, sha256, issuer_id, issuer, this_update, next_update, entries"

static void row_to_crl(sqlite3_stmt *st, struct store_crl *c)
{
    c->id = sqlite3_column_int64(st, 0);
    store_column_text(st, 1, c->sha256, sizeof c->sha256);
    c->issuer_id = sqlite3_column_int64(st, 2);
    store_column_text(st, 3, c->issuer, sizeof c->issuer);
    c->this_update = sqlite3_column_int64(st, 4);
    c->next_update = sqlite3_column_type(st, 5) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 5);
    c->entries = sqlite3_column_int(st, 6);
}

static int crl_sha256(X509_CRL *crl, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!X509_CRL_digest(crl, EVP_sha256(), md, &n) || n != 32)
        return -1;
    certinfo_hex32(md, out);
    return 0;
}

struct crl_rows {
    store_crl_cb cb;
    void *arg;
};

static int crl_row(sqlite3_stmt *st, void *arg, struct err *e)
{
    const struct crl_rows *r = arg;
    struct store_crl c;
    row_to_crl(st, &c);
    return r->cb(&c, r->arg, e);
}

/* Calls cb for each CRL matching sql (with ?1 bound to text when given). */
static int each_crl(struct store *s, const char *sql, const char *text, store_crl_cb cb, void *arg,
                    struct err *e)
{
    static const char what[] = "cannot read CRLs";
    sqlite3_stmt *st = NULL;
    struct crl_rows r = { cb, arg };
    if (store_prepare_text(s, sql, text, &st, what, e) != 0)
        return -1;
    return store_each_row(s, st, crl_row, &r, what, e);
}

struct issuer_search {
    X509_CRL *crl;
    struct store *s;
    int64_t found;
};

/* A certificate that cannot be read is not the issuer: the search goes on. */
static int try_issuer(const struct store_cert *c, void *arg, struct err *e)
{
    (void)e;
    struct issuer_search *is = arg;
    struct err ignored;
    X509 *x = store_cert_x509(is->s, c->id, &ignored);
    EVP_PKEY *key = x ? X509_get0_pubkey(x) : NULL;
    int ok = key != NULL && c->is_ca &&
             X509_CRL_verify(is->crl, key) == 1;
    X509_free(x);
    if (ok) {
        is->found = c->id;
        return 1;
    }
    return 0;
}

int store_crl_add(struct store *s, X509_CRL *crl, int *added, struct store_crl *row, struct err *e)
{
    *added = 0;
    struct store_crl c;
    memset(&c, 0, sizeof c);
    if (crl_sha256(crl, c.sha256) != 0)
        return err_set(e, ERR_INTERNAL, "cannot compute the CRL's fingerprint");
    struct store_crl existing;
    struct err ignored;
    if (store_crl_find(s, c.sha256, &existing, &ignored) == 0) {
        *row = existing;
        return 0;
    }
    certinfo_name(X509_CRL_get_issuer(crl), c.issuer, sizeof c.issuer);
    struct issuer_search is = { .crl = crl, .s = s, .found = 0 };
    if (store_each_cert(s, "SELECT " CERT_COLUMNS " FROM certificates c WHERE c.subject = ?1",
                        c.issuer, try_issuer, &is, e) != 0)
        return -1;
    if (is.found == 0)
        return err_set(e, ERR_VERIFY,
                       "the CRL from %s is not signed by a CA in the trust store (import the CA first)",
                       c.issuer);
    c.issuer_id = is.found;
    if (certinfo_time(X509_CRL_get0_lastUpdate(crl), &c.this_update) != 0)
        return err_set(e, ERR_USAGE, "the CRL from %s has no valid lastUpdate", c.issuer);
    const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
    if (next != NULL && certinfo_time(next, &c.next_update) != 0)
        return err_set(e, ERR_USAGE, "the CRL from %s has an unreadable nextUpdate", c.issuer);
    STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(crl);
    c.entries = rev ? sk_X509_REVOKED_num(rev) : 0;

    unsigned char *der = NULL;
    int derlen = i2d_X509_CRL(crl, &der);
    if (derlen <= 0)
        return err_set(e, ERR_INTERNAL, "cannot encode the CRL");
    static const char what[] = "cannot add the CRL";
    sqlite3_stmt *st = NULL;
    const char *sql = "INSERT INTO crls (der, sha256, issuer_id, issuer, this_update, next_update, "
                      "entries, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    int rc = store_prepare(s, sql, &st, what, e);
    if (rc == 0 &&
        (sqlite3_bind_blob(st, 1, der, derlen, SQLITE_TRANSIENT) != SQLITE_OK ||
         sqlite3_bind_text(st, 2, c.sha256, -1, SQLITE_STATIC) != SQLITE_OK ||
         sqlite3_bind_int64(st, 3, c.issuer_id) != SQLITE_OK ||
         sqlite3_bind_text(st, 4, c.issuer, -1, SQLITE_STATIC) != SQLITE_OK ||
         sqlite3_bind_int64(st, 5, c.this_update) != SQLITE_OK ||
         (next != NULL ? sqlite3_bind_int64(st, 6, c.next_update) : sqlite3_bind_null(st, 6)) !=
             SQLITE_OK ||
         sqlite3_bind_int(st, 7, c.entries) != SQLITE_OK ||
         sqlite3_bind_int64(st, 8, (sqlite3_int64)time(NULL)) != SQLITE_OK))
        rc = store_bind_failed(s, &st, what, e);
    if (rc == 0)
        rc = store_each_row(s, st, NULL, NULL, what, e);
    OPENSSL_free(der);
    if (rc != 0)
        return -1;
    c.id = sqlite3_last_insert_rowid(s->db);
    *row = c;
    *added = 1;
    return store_audit(s, "crl import", c.sha256, e);
}

int store_crl_list(struct store *s, store_crl_cb cb, void *arg, struct err *e)
{
    return each_crl(s, "SELECT " CRL_COLUMNS " FROM crls ORDER BY issuer, this_update", NULL, cb, arg, e);
}

struct crl_match {
    struct store_crl first;
    int count;
};

static int count_crl(const struct store_crl *c, void *arg, struct err *e)
{
    (void)e;
    struct crl_match *m = arg;
    if (m->count++ == 0)
        m->first = *c;
    return 0;
}

int store_crl_find(struct store *s, const char *spec, struct store_crl *out, struct err *e)
{
    char hex[65];
    if (store_normalize_fingerprint(spec, hex) < 8)
        return err_set(e, ERR_USAGE, "'%s' is not a CRL fingerprint or a prefix of at least 8 hex digits",
                       spec);
    struct crl_match m = { .count = 0 };
    if (each_crl(s, "SELECT " CRL_COLUMNS " FROM crls WHERE sha256 >= ?1 AND sha256 < ?1 || 'g'", hex,
                 count_crl, &m, e) != 0)
        return -1;
    if (m.count == 0)
        return err_set(e, ERR_NOTFOUND, "no CRL in trust store %s matches %s", s->path, spec);
    if (m.count > 1)
        return err_set(e, ERR_USAGE, "%s is ambiguous: it matches %d CRLs", spec, m.count);
    *out = m.first;
    return 0;
}

int store_crl_remove(struct store *s, int64_t id, struct err *e)
{
    static const char what[] = "cannot remove the CRL";
    sqlite3_stmt *st = NULL;
    char sha256[65];
    if (store_text_by_id(s, "SELECT sha256 FROM crls WHERE id = ?1", id, sha256, sizeof sha256,
                         what, e) != 0 ||
        store_prepare_id(s, "DELETE FROM crls WHERE id = ?1", id, &st, what, e) != 0 ||
        store_each_row(s, st, NULL, NULL, what, e) != 0)
        return -1;
    return store_audit(s, "crl remove", sha256, e);
}

/* The CRL of a row whose column 0 is its DER form; NULL when it does not parse. */
static X509_CRL *row_crl(sqlite3_stmt *st)
{
    const unsigned char *der = sqlite3_column_blob(st, 0);
    int n = sqlite3_column_bytes(st, 0);
    return der != NULL && n > 0 ? d2i_X509_CRL(NULL, &der, n) : NULL;
}

/* One CRL; found tells a missing row from one that does not parse. */
struct crl_der {
    X509_CRL *crl;
    int found;
};

static int parse_crl_row(sqlite3_stmt *st, void *arg, struct err *e)
{
    (void)e;
    struct crl_der *d = arg;
    d->found = 1;
    d->crl = row_crl(st);
    return 1;
}

X509_CRL *store_crl_x509(struct store *s, int64_t id, struct err *e)
{
    static const char what[] = "cannot read the CRL";
    sqlite3_stmt *st = NULL;
    struct crl_der d = { NULL, 0 };
    if (store_prepare_id(s, "SELECT der FROM crls WHERE id = ?1", id, &st, what, e) != 0 ||
        store_each_row(s, st, parse_crl_row, &d, what, e) != 0)
        return NULL;
    if (!d.found)
        err_set(e, ERR_NOTFOUND, "no CRL %lld in trust store %s", (long long)id, s->path);
    else if (d.crl == NULL)
        err_set(e, ERR_STORE, "trust store %s holds a CRL that cannot be read", s->path);
    return d.crl;
}

struct crl_load {
    struct store *s;
    X509_STORE *xs;
};

static int load_crl_row(sqlite3_stmt *st, void *arg, struct err *e)
{
    const struct crl_load *l = arg;
    X509_CRL *crl = row_crl(st);
    int ok = crl != NULL && X509_STORE_add_crl(l->xs, crl) == 1;
    X509_CRL_free(crl);
    if (!ok)
        return err_set(e, ERR_STORE, "trust store %s holds a CRL that cannot be read", l->s->path);
    return 0;
}

int store_crls_load(struct store *s, X509_STORE *xs, struct err *e)
{
    static const char what[] = "cannot read CRLs";
    sqlite3_stmt *st = NULL;
    struct crl_load l = { s, xs };
    if (store_prepare(s, "SELECT der FROM crls", &st, what, e) != 0)
        return -1;
    return store_each_row(s, st, load_crl_row, &l, what, e);
}
