/* store_apps: application definitions and their CA trust lists. */
#include <string.h>

#include "store_internal.h"

int store_app_get(struct store *s, const char *app_id, struct store_app *out, struct err *e)
{
    sqlite3_stmt *st = NULL;
    const char *sql = "SELECT id, description, type, trust_list_defined FROM applications WHERE id = ?";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_sql_error(s, e, "cannot read application");
    sqlite3_bind_text(st, 1, app_id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(out->id, sizeof out->id, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(out->description, sizeof out->description, "%s",
                 (const char *)sqlite3_column_text(st, 1));
        snprintf(out->type, sizeof out->type, "%s", (const char *)sqlite3_column_text(st, 2));
        out->trust_list_defined = sqlite3_column_int(st, 3);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return err_set(e, ERR_STORE, "application '%s' is not defined in trust store %s", app_id,
                       s->path);
    if (rc != SQLITE_ROW)
        return store_sql_error(s, e, "cannot read application");
    return 0;
}

int store_app_trust(struct store *s, const char *app_id, int64_t cert_id, int *added,
                    struct err *e)
{
    struct store_app app;
    if (store_app_get(s, app_id, &app, e) != 0)
        return -1;
    sqlite3_stmt *st = NULL;
    if (!app.trust_list_defined) {
        if (sqlite3_prepare_v2(s->db, "UPDATE applications SET trust_list_defined = 1 WHERE id = ?",
                               -1, &st, NULL) != SQLITE_OK)
            return store_sql_error(s, e, "cannot define trust list");
        sqlite3_bind_text(st, 1, app_id, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return store_sql_error(s, e, "cannot define trust list");
    }
    if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO trust_list (app_id, cert_id) VALUES (?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return store_sql_error(s, e, "cannot add to trust list");
    sqlite3_bind_text(st, 1, app_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, cert_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_sql_error(s, e, "cannot add to trust list");
    *added = sqlite3_changes(s->db) > 0;
    return 0;
}

static const char MEMBERS_SQL[] =
    "SELECT " CERT_COLUMNS " FROM certificates c JOIN trust_list t ON t.cert_id = c.id "
    "WHERE t.app_id = ?1 ORDER BY c.label";

int store_app_list_members(struct store *s, const char *app_id, store_cert_cb cb, void *arg,
                           struct err *e)
{
    return store_each_cert(s, MEMBERS_SQL, app_id, cb, arg, e);
}

struct anchor_load {
    X509_STORE *xs;
    int count;
    int failed;
    struct store *s;
};

static int load_der(struct anchor_load *ld, int64_t id)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ld->s->db, "SELECT der FROM certificates WHERE id = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int ok = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *der = sqlite3_column_blob(st, 0);
        int n = sqlite3_column_bytes(st, 0);
        X509 *x = der ? d2i_X509(NULL, &der, n) : NULL;
        if (x != NULL && X509_STORE_add_cert(ld->xs, x) == 1)
            ok = 0;
        X509_free(x);
    }
    sqlite3_finalize(st);
    return ok;
}

static int add_anchor(const struct store_cert *c, void *arg)
{
    struct anchor_load *ld = arg;
    if (load_der(ld, c->id) != 0) {
        ld->failed = 1;
        return 1;
    }
    ld->count++;
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
    struct anchor_load ld = { .xs = X509_STORE_new(), .s = s };
    if (ld.xs == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    /* A defined list: its enabled members. No list: every enabled CA (DCM). */
    const char *sql = app.trust_list_defined
        ? "SELECT " CERT_COLUMNS " FROM certificates c JOIN trust_list t ON t.cert_id = c.id "
          "WHERE t.app_id = ?1 AND c.enabled = 1"
        : "SELECT " CERT_COLUMNS " FROM certificates c WHERE c.enabled = 1 AND c.is_ca = 1";
    if (store_each_cert(s, sql, app.trust_list_defined ? app_id : NULL, add_anchor, &ld, e) != 0 ||
        ld.failed) {
        X509_STORE_free(ld.xs);
        if (ld.failed)
            return err_set(e, ERR_STORE, "trust store %s holds a certificate that cannot be read",
                           s->path);
        return -1;
    }
    if (ld.count == 0) {
        X509_STORE_free(ld.xs);
        if (app.trust_list_defined)
            return err_set(e, ERR_STORE,
                           "application '%s' has a CA trust list with no enabled certificate: it "
                           "trusts nothing (add one with 'trustd app trust %s CERT')",
                           app_id, app_id);
        return err_set(e, ERR_STORE,
                       "trust store %s has no enabled CA certificate for application '%s' "
                       "(import one with 'trustd import')",
                       s->path, app_id);
    }
    *out = ld.xs;
    *count = ld.count;
    return 0;
}
