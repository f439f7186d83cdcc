/*
 * store_fleet: a store's fleet state (docs/fleet.md): the subscription of
 * a managed store, the snapshot it installed, a publisher's serial. These
 * rows are local: snapshot.c leaves them out of every snapshot.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h>

#include "trustd/store/store_internal.h"

static int row_fleet(sqlite3_stmt *st, void *arg, struct err *e)
{
    (void)e;
    struct store_fleet *f = arg;
    f->managed = 1;
    store_column_text(st, 0, f->url, sizeof f->url);
    f->subscribed_at = sqlite3_column_int64(st, 1);
    store_column_text(st, 2, f->etag, sizeof f->etag);
    f->fetched_at = sqlite3_column_int64(st, 3);
    store_column_text(st, 4, f->last_error, sizeof f->last_error);
    f->last_error_at = sqlite3_column_int64(st, 5);
    return 1;
}

static int row_installed(sqlite3_stmt *st, void *arg, struct err *e)
{
    (void)e;
    struct store_fleet *f = arg;
    f->installed = 1;
    f->serial = sqlite3_column_int64(st, 0);
    f->created = sqlite3_column_int64(st, 1);
    f->not_after = sqlite3_column_int64(st, 2);
    store_column_text(st, 3, f->on_stale, sizeof f->on_stale);
    store_column_text(st, 4, f->sha256, sizeof f->sha256);
    f->size = sqlite3_column_int64(st, 5);
    f->installed_at = sqlite3_column_int64(st, 6);
    return 1;
}

static int row_floor(sqlite3_stmt *st, void *arg, struct err *e)
{
    (void)e;
    struct store_fleet *f = arg;
    f->floor_serial = sqlite3_column_int64(st, 0);
    store_column_text(st, 1, f->floor_sha256, sizeof f->floor_sha256);
    return 1;
}

static int row_url(sqlite3_stmt *st, void *arg, struct err *e)
{
    (void)e;
    struct store *s = arg;
    s->managed = 1;
    store_column_text(st, 0, s->fleet_url, sizeof s->fleet_url);
    return 1;
}

void store_fleet_refresh(struct store *s)
{
    struct err ignored;
    sqlite3_stmt *st = NULL;
    int was = s->managed;
    s->managed = 0;
    if (s->version < 6 || store_prepare(s, "SELECT url FROM fleet_subscription WHERE id = 1", &st,
                                        "fleet", &ignored) != 0 ||
        store_each_row(s, st, row_url, s, "fleet", &ignored) != 0)
        s->managed = was;
}

int store_fleet_get(struct store *s, struct store_fleet *out, struct err *e)
{
    static const char what[] = "cannot read its fleet subscription";
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = NULL;
    if (store_prepare(s, "SELECT url, subscribed_at, etag, fetched_at, last_error, last_error_at "
                      "FROM fleet_subscription WHERE id = 1", &st, what, e) != 0 ||
        store_each_row(s, st, row_fleet, out, what, e) != 0)
        return -1;
    if (store_prepare(s, "SELECT serial, created, not_after, on_stale, sha256, size, installed_at "
                      "FROM fleet_installed WHERE id = 1", &st, what, e) != 0 ||
        store_each_row(s, st, row_installed, out, what, e) != 0)
        return -1;
    if (store_prepare(s, "SELECT r.serial, r.sha256 FROM fleet_serials r JOIN fleet_subscription f "
                      "ON r.signer_ca = f.signer_ca WHERE f.id = 1", &st, what, e) != 0 ||
        store_each_row(s, st, row_floor, out, what, e) != 0)
        return -1;
    return 0;
}

struct cas {
    X509 *signer;
    char *tls_pem;
    int found;
};

static int row_cas(sqlite3_stmt *st, void *arg, struct err *e)
{
    (void)e;
    struct cas *c = arg;
    c->found = 1;
    const unsigned char *der = sqlite3_column_blob(st, 0);
    int n = sqlite3_column_bytes(st, 0);
    if (der != NULL && n > 0)
        c->signer = d2i_X509(NULL, &der, n);
    const unsigned char *pem = sqlite3_column_text(st, 1);
    if (pem != NULL)
        c->tls_pem = strdup((const char *)pem);
    return 1;
}

int store_fleet_cas(struct store *s, X509 **signer_ca, char **tls_ca_pem, struct err *e)
{
    static const char what[] = "cannot read its fleet subscription";
    *signer_ca = NULL;
    *tls_ca_pem = NULL;
    struct cas c = { 0 };
    sqlite3_stmt *st = NULL;
    if (store_prepare(s, "SELECT signer_ca, tls_ca FROM fleet_subscription WHERE id = 1", &st,
                      what, e) != 0 ||
        store_each_row(s, st, row_cas, &c, what, e) != 0)
        return -1;
    if (!c.found)
        return err_set(e, ERR_USAGE, "trust store %s is not subscribed to a fleet publisher "
                       "(trustd subscribe URL --signer-ca CERT)", s->path);
    if (c.signer == NULL) {
        free(c.tls_pem);
        return err_set(e, ERR_STORE, "trust store %s: its pinned fleet signer CA does not parse "
                       "(subscribe again)", s->path);
    }
    *signer_ca = c.signer;
    *tls_ca_pem = c.tls_pem;
    return 0;
}

int store_fleet_subscribe(struct store *s, const char *url, X509 *signer_ca, const char *tls_ca_pem,
                          struct err *e)
{
    static const char what[] = "cannot record the fleet subscription";
    unsigned char *der = NULL;
    int n = i2d_X509(signer_ca, &der);
    if (n <= 0)
        return err_set(e, ERR_INTERNAL, "cannot encode the signer CA");
    sqlite3_stmt *st = NULL;
    int rc = store_exec(s, "DELETE FROM fleet_installed", e);
    if (rc == 0)
        rc = store_prepare(s, "INSERT OR REPLACE INTO fleet_subscription (id, url, signer_ca, "
                           "tls_ca, subscribed_at) VALUES (1, ?1, ?2, ?3, ?4)", &st, what, e);
    if (rc == 0 &&
        (sqlite3_bind_text(st, 1, url, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
         sqlite3_bind_blob(st, 2, der, n, SQLITE_TRANSIENT) != SQLITE_OK ||
         (tls_ca_pem ? sqlite3_bind_text(st, 3, tls_ca_pem, -1, SQLITE_TRANSIENT)
                     : sqlite3_bind_null(st, 3)) != SQLITE_OK ||
         sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL)) != SQLITE_OK))
        rc = store_bind_failed(s, &st, what, e);
    if (rc == 0)
        rc = store_each_row(s, st, NULL, NULL, what, e);
    OPENSSL_free(der);
    store_fleet_refresh(s);
    return rc;
}

int store_fleet_unsubscribe(struct store *s, struct err *e)
{
    int rc = store_exec(s, "DELETE FROM fleet_subscription; DELETE FROM fleet_installed", e);
    store_fleet_refresh(s);
    return rc;
}

int store_fleet_note(struct store *s, int64_t fetched_at, const char *etag, const char *error,
                     struct err *e)
{
    static const char what[] = "cannot record the sync";
    sqlite3_stmt *st = NULL;
    if (store_prepare(s, "UPDATE fleet_subscription SET "
                      "fetched_at = CASE WHEN ?1 > 0 THEN ?1 ELSE fetched_at END, "
                      "etag = CASE WHEN ?2 IS NULL THEN etag WHEN ?2 = '' THEN NULL ELSE ?2 END, "
                      "last_error = NULLIF(?3, ''), "
                      "last_error_at = CASE WHEN ?3 = '' THEN NULL ELSE ?4 END WHERE id = 1",
                      &st, what, e) != 0)
        return -1;
    if (sqlite3_bind_int64(st, 1, fetched_at) != SQLITE_OK ||
        (etag ? sqlite3_bind_text(st, 2, etag, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, 2)) !=
            SQLITE_OK ||
        sqlite3_bind_text(st, 3, error ? error : "", -1, SQLITE_TRANSIENT) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL)) != SQLITE_OK)
        return store_bind_failed(s, &st, what, e);
    return store_each_row(s, st, NULL, NULL, what, e);
}

int store_fleet_publisher_serial(struct store *s, int64_t *serial, struct err *e)
{
    static const char what[] = "cannot read its publisher serial";
    sqlite3_stmt *st = NULL;
    *serial = 0;
    if (store_prepare(s, "SELECT serial FROM fleet_publisher WHERE id = 1", &st, what, e) != 0)
        return -1;
    return store_each_row(s, st, store_row_first_int64, serial, what, e);
}

int store_fleet_set_publisher_serial(struct store *s, int64_t serial, struct err *e)
{
    static const char what[] = "cannot record its publisher serial";
    sqlite3_stmt *st = NULL;
    if (store_prepare(s, "INSERT OR REPLACE INTO fleet_publisher (id, serial, published_at) "
                      "VALUES (1, ?1, ?2)", &st, what, e) != 0)
        return -1;
    if (sqlite3_bind_int64(st, 1, serial) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL)) != SQLITE_OK)
        return store_bind_failed(s, &st, what, e);
    return store_each_row(s, st, NULL, NULL, what, e);
}

int store_fleet_set_installed(struct store *s, int64_t serial, int64_t created, int64_t not_after,
                              const char *on_stale, const char *sha256, int64_t size,
                              struct err *e)
{
    static const char what[] = "cannot record the installed snapshot";
    sqlite3_stmt *st = NULL;
    if (store_prepare(s, "INSERT OR REPLACE INTO fleet_installed (id, serial, created, not_after, "
                      "on_stale, sha256, size, installed_at) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                      &st, what, e) != 0)
        return -1;
    if (sqlite3_bind_int64(st, 1, serial) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, created) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, not_after) != SQLITE_OK ||
        sqlite3_bind_text(st, 4, on_stale, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
        sqlite3_bind_text(st, 5, sha256, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
        sqlite3_bind_int64(st, 6, size) != SQLITE_OK ||
        sqlite3_bind_int64(st, 7, (sqlite3_int64)time(NULL)) != SQLITE_OK)
        return store_bind_failed(s, &st, what, e);
    if (store_each_row(s, st, NULL, NULL, what, e) != 0)
        return -1;
    /* Never lowered: sync refuses a serial below the floor. */
    if (store_prepare(s, "INSERT INTO fleet_serials (signer_ca, serial, sha256) SELECT signer_ca, "
                      "?1, ?2 FROM fleet_subscription WHERE id = 1 ON CONFLICT(signer_ca) DO "
                      "UPDATE SET serial = excluded.serial, sha256 = excluded.sha256 "
                      "WHERE excluded.serial > serial", &st, what, e) != 0)
        return -1;
    if (sqlite3_bind_int64(st, 1, serial) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, sha256, -1, SQLITE_TRANSIENT) != SQLITE_OK)
        return store_bind_failed(s, &st, what, e);
    return store_each_row(s, st, NULL, NULL, what, e);
}

int store_fleet_stale(const struct store_fleet *f, int64_t now)
{
    return f->managed && f->installed && now > f->not_after;
}

int store_fleet_refuse_local(struct store *s, const struct store_fleet *f, struct err *e)
{
    return err_set(e, ERR_STORE,
                   "trust store %s is managed by the fleet publisher at %s: change the policy "
                   "there and publish it (trustd unsubscribe makes this store local again)",
                   s->path, f->url);
}
