/* store_apps: application definitions, their CA trust lists and policies. */
#include <string.h>

#include <openssl/x509v3.h>

#include "trustd/store/anchor_lookup.h"
#include "trustd/store/store_internal.h"
#include "trustd/store/trustpolicy.h"

#define APP_COLUMNS \
    "id, description, type, trust_list_defined, crl_policy, tls_min, tls_max, ciphers, " \
    "ciphersuites, sni"

static void row_to_app(sqlite3_stmt *st, struct store_app *a)
{
    store_column_text(st, 0, a->id, sizeof a->id);
    store_column_text(st, 1, a->description, sizeof a->description);
    store_column_text(st, 2, a->type, sizeof a->type);
    a->trust_list_defined = sqlite3_column_int(st, 3);
    store_column_text(st, 4, a->crl_policy, sizeof a->crl_policy);
    store_column_text(st, 5, a->tls.tls_min, sizeof a->tls.tls_min);
    store_column_text(st, 6, a->tls.tls_max, sizeof a->tls.tls_max);
    store_column_text(st, 7, a->tls.ciphers, sizeof a->tls.ciphers);
    store_column_text(st, 8, a->tls.ciphersuites, sizeof a->tls.ciphersuites);
    a->tls.sni = sqlite3_column_int(st, 9);
}

struct app_rows {
    store_app_cb cb;
    void *arg;
};

static int app_row(sqlite3_stmt *st, void *arg, struct err *e)
{
    const struct app_rows *r = arg;
    struct store_app a;
    row_to_app(st, &a);
    return r->cb(&a, r->arg, e);
}

/* Steps a prepared application query, calling cb per row; finalizes it. */
static int each_app(struct store *s, sqlite3_stmt *st, store_app_cb cb, void *arg, struct err *e)
{
    struct app_rows r = { cb, arg };
    return store_each_row(s, st, app_row, &r, "cannot read applications", e);
}

/* Runs a statement with ?1 = app_id (and ?2 = text or integer when given). */
static int run(struct store *s, const char *sql, const char *app_id, const char *text, int64_t num,
               int use_num, struct err *e)
{
    static const char what[] = "cannot change application";
    sqlite3_stmt *st = NULL;
    if (store_prepare_text(s, sql, app_id, &st, what, e) != 0)
        return -1;
    int bound = text != NULL ? sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT)
                : use_num    ? sqlite3_bind_int64(st, 2, num)
                             : SQLITE_OK;
    if (bound != SQLITE_OK)
        return store_bind_failed(s, &st, what, e);
    return store_each_row(s, st, NULL, NULL, what, e);
}

struct app_found {
    struct store_app *out;
    int found;
};

static int first_app(const struct store_app *a, void *arg, struct err *e)
{
    (void)e;
    struct app_found *f = arg;
    *f->out = *a;
    f->found = 1;
    return 1;
}

int store_app_get(struct store *s, const char *app_id, struct store_app *out, struct err *e)
{
    sqlite3_stmt *st = NULL;
    struct app_found f = { out, 0 };
    if (store_prepare_text(s, "SELECT " APP_COLUMNS " FROM applications WHERE id = ?1", app_id, &st,
                           "cannot read application", e) != 0 ||
        each_app(s, st, first_app, &f, e) != 0)
        return -1;
    if (!f.found)
        return err_set(e, ERR_NOTFOUND, "application '%s' is not defined in trust store %s", app_id,
                       s->path);
    return 0;
}

int store_app_add(struct store *s, const char *app_id, const char *description, const char *type,
                  struct err *e)
{
    if (app_id[0] == '\0' || strlen(app_id) >= sizeof((struct store_app *)0)->id)
        return err_set(e, ERR_USAGE, "an application id must be 1 to 127 characters");
    if (strcmp(type, "client") != 0 && strcmp(type, "server") != 0)
        return err_set(e, ERR_USAGE, "application type must be client or server, not '%s'", type);
    struct store_app old;
    struct err ignored;
    if (store_app_get(s, app_id, &old, &ignored) == 0)
        return err_set(e, ERR_USAGE, "application '%s' is already defined", app_id);
    static const char what[] = "cannot add application";
    sqlite3_stmt *st = NULL;
    if (store_prepare_text(s, "INSERT INTO applications (id, description, type) VALUES (?1, ?2, ?3)",
                           app_id, &st, what, e) != 0)
        return -1;
    if (sqlite3_bind_text(st, 2, description ? description : "", -1, SQLITE_TRANSIENT) != SQLITE_OK ||
        sqlite3_bind_text(st, 3, type, -1, SQLITE_TRANSIENT) != SQLITE_OK)
        return store_bind_failed(s, &st, what, e);
    if (store_each_row(s, st, NULL, NULL, what, e) != 0)
        return -1;
    return store_audit(s, "app add", app_id, e);
}

int store_app_remove(struct store *s, const char *app_id, struct err *e)
{
    struct store_app app;
    if (store_app_get(s, app_id, &app, e) != 0)
        return -1;
    if (strcmp(app_id, STORE_FTP_CLIENT_APP) == 0)
        return err_set(e, ERR_USAGE, "the %s definition cannot be removed", STORE_FTP_CLIENT_APP);
    if (run(s, "DELETE FROM trust_list WHERE app_id = ?1", app_id, NULL, 0, 0, e) != 0 ||
        run(s, "DELETE FROM applications WHERE id = ?1", app_id, NULL, 0, 0, e) != 0)
        return -1;
    return store_audit(s, "app remove", app_id, e);
}

int store_app_list(struct store *s, store_app_cb cb, void *arg, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (store_prepare(s, "SELECT " APP_COLUMNS " FROM applications ORDER BY id", &st,
                      "cannot list applications", e) != 0)
        return -1;
    return each_app(s, st, cb, arg, e);
}

static int audit_membership(struct store *s, const char *action, const char *app_id,
                            int64_t cert_id, struct err *e)
{
    char sha256[65], subject[200] = "";
    if (store_cert_sha256(s, cert_id, sha256, e) != 0)
        return -1;
    if (sha256[0] != '\0')
        snprintf(subject, sizeof subject, "%s %s", app_id, sha256);
    return store_audit(s, action, subject, e);
}

int store_app_trust(struct store *s, const char *app_id, int64_t cert_id, int *added,
                    struct err *e)
{
    struct store_app app;
    if (store_app_get(s, app_id, &app, e) != 0)
        return -1;
    if (!app.trust_list_defined &&
        run(s, "UPDATE applications SET trust_list_defined = 1 WHERE id = ?1", app_id, NULL, 0, 0, e) != 0)
        return -1;
    if (run(s, "INSERT OR IGNORE INTO trust_list (app_id, cert_id) VALUES (?1, ?2)", app_id, NULL,
            cert_id, 1, e) != 0)
        return -1;
    *added = sqlite3_changes(s->db) > 0;
    return *added ? audit_membership(s, "trust", app_id, cert_id, e) : 0;
}

int store_app_untrust(struct store *s, const char *app_id, int64_t cert_id, int *removed,
                      struct err *e)
{
    struct store_app app;
    if (store_app_get(s, app_id, &app, e) != 0)
        return -1;
    if (run(s, "DELETE FROM trust_list WHERE app_id = ?1 AND cert_id = ?2", app_id, NULL, cert_id, 1,
            e) != 0)
        return -1;
    *removed = sqlite3_changes(s->db) > 0;
    return *removed ? audit_membership(s, "untrust", app_id, cert_id, e) : 0;
}

int store_app_set_defined(struct store *s, const char *app_id, int defined, struct err *e)
{
    struct store_app app;
    if (store_app_get(s, app_id, &app, e) != 0)
        return -1;
    if (!defined && run(s, "DELETE FROM trust_list WHERE app_id = ?1", app_id, NULL, 0, 0, e) != 0)
        return -1;
    if (run(s, "UPDATE applications SET trust_list_defined = ?2 WHERE id = ?1", app_id, NULL, defined,
            1, e) != 0)
        return -1;
    char subject[200];
    snprintf(subject, sizeof subject, "%s %s", app_id, defined ? "defined" : "undefined");
    return store_audit(s, "app trust-list", subject, e);
}

int store_app_set_crl_policy(struct store *s, const char *app_id, const char *policy, struct err *e)
{
    if (trustpolicy_parse(policy) < 0)
        return err_set(e, ERR_USAGE, "--crl takes none, if-present or required, not '%s'", policy);
    struct store_app app;
    if (store_app_get(s, app_id, &app, e) != 0)
        return -1;
    if (run(s, "UPDATE applications SET crl_policy = ?2 WHERE id = ?1", app_id, policy, 0, 0, e) != 0)
        return -1;
    char subject[200];
    snprintf(subject, sizeof subject, "%s crl %s", app_id, policy);
    return store_audit(s, "app set", subject, e);
}

static const char MEMBERS_SQL[] =
    "SELECT " CERT_COLUMNS " FROM certificates c JOIN trust_list t ON t.cert_id = c.id "
    "WHERE t.app_id = ?1 ORDER BY c.label";
/* DCM's rule, in one place: a defined list trusts its enabled members (?1
 * is the application); no list trusts every enabled CA. */
#define EFFECTIVE_LIST_FROM \
    "FROM certificates c JOIN trust_list t ON t.cert_id = c.id WHERE t.app_id = ?1 AND c.enabled = 1"
#define EFFECTIVE_ALL_FROM "FROM certificates c WHERE c.enabled = 1 AND c.is_ca = 1"

static const char EFFECTIVE_LIST_SQL[] = "SELECT " CERT_COLUMNS " " EFFECTIVE_LIST_FROM " ORDER BY c.label";
static const char EFFECTIVE_ALL_SQL[] = "SELECT " CERT_COLUMNS " " EFFECTIVE_ALL_FROM " ORDER BY c.label";

int store_app_list_members(struct store *s, const char *app_id, store_cert_cb cb, void *arg,
                           struct err *e)
{
    return store_each_cert(s, MEMBERS_SQL, app_id, cb, arg, e);
}

int store_app_effective(struct store *s, const char *app_id, store_cert_cb cb, void *arg,
                        struct err *e)
{
    struct store_app app;
    if (store_app_get(s, app_id, &app, e) != 0)
        return -1;
    /* A defined list: its enabled members. No list: every enabled CA (DCM). */
    if (app.trust_list_defined)
        return store_each_cert(s, EFFECTIVE_LIST_SQL, app_id, cb, arg, e);
    return store_each_cert(s, EFFECTIVE_ALL_SQL, NULL, cb, arg, e);
}

int store_cert_trusted_by(struct store *s, const struct store_cert *c, store_app_cb cb, void *arg,
                          struct err *e)
{
    static const char what[] = "cannot read applications";
    sqlite3_stmt *st = NULL;
    const char *sql =
        "SELECT " APP_COLUMNS " FROM applications a WHERE "
        "(a.trust_list_defined = 1 AND EXISTS (SELECT 1 FROM trust_list t WHERE t.app_id = a.id "
        "  AND t.cert_id = ?1) AND ?2 = 1) "
        "OR (a.trust_list_defined = 0 AND ?2 = 1 AND ?3 = 1) ORDER BY a.id";
    if (store_prepare_id(s, sql, c->id, &st, what, e) != 0)
        return -1;
    if (sqlite3_bind_int(st, 2, c->enabled) != SQLITE_OK ||
        sqlite3_bind_int(st, 3, c->is_ca) != SQLITE_OK)
        return store_bind_failed(s, &st, what, e);
    return each_app(s, st, cb, arg, e);
}

/* Collects the DER certificates a query returns (column 0; column 1 the
 * row id), in one pass (no statement per certificate: clients ask this on
 * every connection), leaving out the ids in skip. They are parsed only when
 * a verification needs them (anchor_lookup.h); each was checked when it was
 * imported. */
struct anchor_rows {
    struct anchor_set *set;
    const int64_t *skip;
    size_t nskip;
    size_t *skipped;
};

static int anchor_row(sqlite3_stmt *st, void *arg, struct err *e)
{
    const struct anchor_rows *r = arg;
    const unsigned char *der = sqlite3_column_blob(st, 0);
    int n = sqlite3_column_bytes(st, 0);
    int64_t id = sqlite3_column_int64(st, 1);
    int left_out = 0;
    for (size_t i = 0; i < r->nskip && !left_out; i++)
        left_out = r->skip[i] == id;
    *r->skipped += (size_t)left_out;
    if (!left_out && der != NULL && n > 0 && anchor_set_add(r->set, der, (size_t)n) != 0)
        return err_set(e, ERR_INTERNAL, "out of memory");
    return 0;
}

static int load_anchors(struct store *s, const char *sql, const char *app_id,
                        struct anchor_set *set, const int64_t *skip, size_t nskip,
                        size_t *skipped, struct err *e)
{
    static const char what[] = "cannot read trust list";
    sqlite3_stmt *st = NULL;
    struct anchor_rows r = { set, skip, nskip, skipped };
    if (store_prepare_text(s, sql, app_id, &st, what, e) != 0)
        return -1;
    return store_each_row(s, st, anchor_row, &r, what, e);
}

static X509 *der_cert(sqlite3_stmt *st, int col)
{
    const unsigned char *p = sqlite3_column_blob(st, col);
    int n = sqlite3_column_bytes(st, col);
    return p != NULL && n > 0 ? d2i_X509(NULL, &p, n) : NULL;
}

/* The members a CRL revokes, as revoked_anchors collects them. */
struct revoked_rows {
    const char *app_id;
    int64_t *skip;
    size_t max, *nskip;
};

static int revoked_row(sqlite3_stmt *st, void *arg, struct err *e)
{
    const struct revoked_rows *r = arg;
    X509 *m = der_cert(st, 1), *i = der_cert(st, 2);
    const unsigned char *p = sqlite3_column_blob(st, 3);
    int n = sqlite3_column_bytes(st, 3);
    X509_CRL *crl = p != NULL && n > 0 ? d2i_X509_CRL(NULL, &p, n) : NULL;
    X509_REVOKED *entry = NULL;
    EVP_PKEY *key = i != NULL ? X509_get0_pubkey(i) : NULL;
    int revoked = m != NULL && key != NULL && crl != NULL &&
                  X509_check_issued(i, m) == X509_V_OK && X509_CRL_verify(crl, key) == 1 &&
                  X509_CRL_get0_by_cert(crl, &entry, m) == 1;
    int full = revoked && *r->nskip == r->max;
    if (revoked && !full)
        r->skip[(*r->nskip)++] = sqlite3_column_int64(st, 0);
    X509_free(m);
    X509_free(i);
    X509_CRL_free(crl);
    if (full) /* fail closed rather than keep a revoked anchor */
        return err_set(e, ERR_STORE,
                       "application '%s' has more than %zu revoked CAs on its trust list: "
                       "take them off it ('trustd app untrust')",
                       r->app_id, r->max);
    return 0;
}

/* An issuing CA on a defined list is an anchor: OpenSSL does not look
 * above it, so its own revocation is checked here, when the store holds
 * the CA that issued it and a CRL of that CA (signed by it). Fills skip
 * with the ids of the members such a CRL revokes (at most max). */
static int revoked_anchors(struct store *s, const char *app_id, int64_t *skip, size_t max,
                           size_t *nskip, struct err *e)
{
    static const char sql[] =
        "SELECT m.id, m.der, i.der, r.der FROM trust_list t "
        "JOIN certificates m ON m.id = t.cert_id AND m.enabled = 1 AND m.subject != m.issuer "
        "JOIN certificates i ON i.subject = m.issuer AND i.id != m.id "
        "JOIN crls r ON r.issuer_id = i.id WHERE t.app_id = ?1";
    static const char what[] = "cannot read trust list";
    *nskip = 0;
    sqlite3_stmt *st = NULL;
    struct revoked_rows r = { app_id, skip, max, nskip };
    if (store_prepare_text(s, sql, app_id, &st, what, e) != 0)
        return -1;
    return store_each_row(s, st, revoked_row, &r, what, e);
}

int store_anchor_revoked(struct store *s, const char *app_id, int64_t cert_id)
{
    int64_t skip[64];
    size_t n = 0;
    struct err ignored;
    if (revoked_anchors(s, app_id, skip, sizeof skip / sizeof skip[0], &n, &ignored) != 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (skip[i] == cert_id)
            return 1;
    return 0;
}

int store_app_trust_anchors(struct store *s, const char *app_id, X509_STORE **out, int *count,
                            struct err *e)
{
    *out = NULL;
    *count = 0;
    struct store_app app;
    if (store_app_get(s, app_id, &app, e) != 0)
        return -1;
    X509_STORE *xs = X509_STORE_new();
    struct anchor_set *set = anchor_set_new();
    if (xs == NULL || set == NULL) {
        X509_STORE_free(xs);
        anchor_set_free(set);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    int policy = trustpolicy_parse(app.crl_policy);
    int64_t skip[64];
    size_t nskip = 0, skipped = 0;
    int rc = 0;
    if (app.trust_list_defined && policy != TRUST_CRL_NONE)
        rc = revoked_anchors(s, app_id, skip, sizeof skip / sizeof skip[0], &nskip, e);
    if (rc == 0)
        rc = app.trust_list_defined
            ? load_anchors(s, "SELECT c.der, c.id " EFFECTIVE_LIST_FROM, app_id, set, skip, nskip,
                           &skipped, e)
            : load_anchors(s, "SELECT c.der, c.id " EFFECTIVE_ALL_FROM, NULL, set, NULL, 0,
                           &skipped, e);
    int n = (int)anchor_set_count(set);
    if (rc == 0 && n > 0) {
        if (anchor_set_attach(xs, set) != 0) /* xs owns set from here, also on failure */
            rc = err_set(e, ERR_INTERNAL, "out of memory");
    } else {
        anchor_set_free(set);
    }
    if (rc != 0 || (policy != TRUST_CRL_NONE && store_crls_load(s, xs, e) != 0)) {
        X509_STORE_free(xs);
        return -1;
    }
    /* Members left out as revoked: the store trusts none of them, and the
     * verification says why (trustd/store/diagnose.c). */
    if (n == 0 && skipped == 0) {
        X509_STORE_free(xs);
        char so[4200];
        store_command_option(s->path, so, sizeof so);
        if (app.trust_list_defined)
            return err_set(e, ERR_STORE,
                           "application '%s' has a CA trust list with no enabled certificate: it "
                           "trusts nothing (add one with 'trustd%s app trust %s CERT', or trust "
                           "every enabled CA again with 'trustd%s app trust-list %s undefined')",
                           app_id, so, app_id, so, app_id);
        return err_set(e, ERR_STORE,
                       "trust store %s has no enabled CA certificate for application '%s' "
                       "(import one with 'trustd%s import')",
                       s->path, app_id, so);
    }
    /* A defined list may name an issuing CA: it is an anchor for this
     * application (DCM's narrowing: exactly the servers it issued). Without
     * a list only self-signed roots anchor. */
    if ((app.trust_list_defined && !X509_STORE_set_flags(xs, X509_V_FLAG_PARTIAL_CHAIN)) ||
        trustpolicy_apply(xs, policy < 0 ? TRUST_CRL_REQUIRED : (enum trust_crl_policy)policy) != 0) {
        X509_STORE_free(xs);
        return err_set(e, ERR_INTERNAL, "cannot set the revocation policy");
    }
    *out = xs;
    *count = n;
    return 0;
}
