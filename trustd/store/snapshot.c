/*
 * snapshot: a fleet snapshot made from a store, and one installed into a
 * store (docs/fleet.md). A snapshot is an SQLite image of the fleet-owned
 * tables: certificates, crls, applications, trust_list. Installing it
 * replaces exactly those tables in one write transaction on the live
 * store (no file is renamed over it), so that a reader sees the old
 * policy or the new one; the local tables (client_certs, audit, the
 * fleet_* state) are never written but for the record of the install.
 *
 * The column lists below (the *_COLS and the *_SAME comparisons) are those
 * of the schema; a migration that adds a column to a fleet-owned table
 * adds it here too.
 */
#include <stdlib.h>
#include <string.h>

#include "trustd/store/store_internal.h"

#define SNAP "fleet_snap"

#define CERT_COLS \
    "id, der, sha256, label, subject, issuer, serial, not_before, not_after, is_ca, enabled, " \
    "imported_at"
#define CRL_COLS "id, der, sha256, issuer_id, issuer, this_update, next_update, entries, imported_at"
#define APP_COLS \
    "id, description, type, trust_list_defined, crl_policy, tls_min, tls_max, ciphers, " \
    "ciphersuites, sni"

int store_snapshot_make(struct store *s, unsigned char **image, size_t *len, struct err *e)
{
    *image = NULL;
    *len = 0;
    sqlite3_int64 size = 0;
    unsigned char *live = sqlite3_serialize(s->db, "main", &size, 0);
    if (live == NULL || size < 100) {
        sqlite3_free(live);
        return store_sql_error(s, e, "cannot read the store for a snapshot");
    }
    if (live[18] == 2 && live[19] == 2)
        live[18] = live[19] = 1;
    /* The local rows go in a copy in memory, then VACUUM rewrites it so
     * that not even their free pages are published. */
    struct store m = { 0 };
    snprintf(m.path, sizeof m.path, "%.4000s (snapshot)", s->path);
    int rc = sqlite3_open(":memory:", &m.db) == SQLITE_OK ? 0 : -1;
    if (rc == 0 && sqlite3_deserialize(m.db, "main", live, size, size,
                                       SQLITE_DESERIALIZE_FREEONCLOSE |
                                           SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK)
        rc = -1;
    else
        live = NULL;
    sqlite3_free(live);
    if (rc != 0) {
        sqlite3_close(m.db);
        return err_set(e, ERR_INTERNAL, "out of memory making a snapshot");
    }
    rc = store_exec(&m, "DELETE FROM client_certs; DELETE FROM audit; "
                        "DELETE FROM fleet_subscription; DELETE FROM fleet_installed; "
                        "DELETE FROM fleet_publisher; DELETE FROM fleet_serials; VACUUM", e);
    sqlite3_int64 n = 0;
    unsigned char *out = rc == 0 ? sqlite3_serialize(m.db, "main", &n, 0) : NULL;
    if (rc == 0 && (out == NULL || n < 100))
        rc = store_sql_error(&m, e, "cannot serialize the snapshot");
    unsigned char *copy = rc == 0 ? malloc((size_t)n) : NULL;
    if (rc == 0 && copy == NULL)
        rc = err_set(e, ERR_INTERNAL, "out of memory");
    if (rc == 0) {
        memcpy(copy, out, (size_t)n);
        if (copy[18] == 2 && copy[19] == 2)
            copy[18] = copy[19] = 1;
        *image = copy;
        *len = (size_t)n;
    }
    sqlite3_free(out);
    sqlite3_close(m.db);
    return rc;
}

int store_snapshot_attach(struct store *s, struct store *snap, struct err *e)
{
    /* The snapshot's own pages, read in place (no copy of megabytes):
     * snap stays open, and unchanged, until store_snapshot_detach. */
    sqlite3_int64 n = 0;
    unsigned char *img = sqlite3_serialize(snap->db, "main", &n, SQLITE_SERIALIZE_NOCOPY);
    /* Not SQLITE_DESERIALIZE_READONLY: the install's BEGIN IMMEDIATE takes
     * every attached database's write lock; nothing writes to it. */
    unsigned flags = 0;
    if (img == NULL) {
        img = sqlite3_serialize(snap->db, "main", &n, 0);
        if (img == NULL)
            return store_sql_error(snap, e, "cannot copy the snapshot");
        if (n >= 100 && img[18] == 2 && img[19] == 2)
            img[18] = img[19] = 1;
        flags |= SQLITE_DESERIALIZE_FREEONCLOSE;
    }
    if (store_exec(s, "ATTACH ':memory:' AS " SNAP, e) != 0) {
        if (flags & SQLITE_DESERIALIZE_FREEONCLOSE)
            sqlite3_free(img);
        return -1;
    }
    if (sqlite3_deserialize(s->db, SNAP, img, n, n, flags) != SQLITE_OK) {
        store_sql_error(s, e, "cannot attach the snapshot");
        store_snapshot_detach(s);
        return -1;
    }
    /* The comparison reads both whole: with SQLite's default cache of
     * 2 MiB, 6 MiB stores were read again and again (a third of the
     * install's time). */
    (void)sqlite3_exec(s->db, "PRAGMA main.cache_size = -65536; PRAGMA " SNAP
                       ".cache_size = -65536", NULL, NULL, NULL);
    /* store_snapshot_replace's temporary table, in memory (the pragma
     * cannot change inside its transaction). */
    if (store_exec(s, "PRAGMA temp_store = MEMORY", e) != 0) {
        store_snapshot_detach(s);
        return -1;
    }
    return 0;
}

void store_snapshot_detach(struct store *s)
{
    (void)sqlite3_exec(s->db, "DETACH " SNAP, NULL, NULL, NULL);
}

struct diff_walk {
    int kind;
    const char *object;
    store_snapshot_diff_cb cb;
    void *arg;
};

static int diff_row(sqlite3_stmt *st, void *arg, struct err *e)
{
    struct diff_walk *w = arg;
    char fp[65], label[512];
    store_column_text(st, 0, fp, sizeof fp);
    store_column_text(st, 1, label, sizeof label);
    return w->cb(w->kind, w->object, fp, label, w->arg, e) < 0 ? -1 : 0;
}

/* The certificate pairs (application, fingerprint) of a trust list in db. */
#define PAIRS(db, app) \
    "SELECT t.app_id, c.sha256 FROM " db ".trust_list t JOIN " db ".certificates c " \
    "ON c.id = t.cert_id WHERE t.app_id = " app

int store_snapshot_diff(struct store *s, store_snapshot_diff_cb cb, void *arg, struct err *e)
{
    static const struct {
        int kind;
        const char *object;
        const char *sql;
    } Q[] = {
        { 0, "certificate", "SELECT sha256, label FROM " SNAP ".certificates WHERE sha256 NOT IN "
                            "(SELECT sha256 FROM main.certificates) ORDER BY label" },
        { 1, "certificate", "SELECT sha256, label FROM main.certificates WHERE sha256 NOT IN "
                            "(SELECT sha256 FROM " SNAP ".certificates) ORDER BY label" },
        { 2, "certificate", "SELECT n.sha256, n.label FROM " SNAP ".certificates n JOIN "
                            "main.certificates o ON o.sha256 = n.sha256 WHERE o.label IS NOT "
                            "n.label OR o.enabled IS NOT n.enabled ORDER BY n.label" },
        { 0, "crl", "SELECT sha256, issuer FROM " SNAP ".crls WHERE sha256 NOT IN "
                    "(SELECT sha256 FROM main.crls)" },
        { 1, "crl", "SELECT sha256, issuer FROM main.crls WHERE sha256 NOT IN "
                    "(SELECT sha256 FROM " SNAP ".crls)" },
        { 0, "application", "SELECT '', id FROM " SNAP ".applications WHERE id NOT IN "
                            "(SELECT id FROM main.applications)" },
        { 1, "application", "SELECT '', id FROM main.applications WHERE id NOT IN "
                            "(SELECT id FROM " SNAP ".applications)" },
        { 2, "application",
          "SELECT '', n.id FROM " SNAP ".applications n JOIN main.applications o ON o.id = n.id "
          "WHERE o.description IS NOT n.description OR o.type IS NOT n.type OR "
          "o.trust_list_defined IS NOT n.trust_list_defined OR o.crl_policy IS NOT n.crl_policy "
          "OR o.tls_min IS NOT n.tls_min OR o.tls_max IS NOT n.tls_max OR o.ciphers IS NOT "
          "n.ciphers OR o.ciphersuites IS NOT n.ciphersuites OR o.sni IS NOT n.sni "
          "OR EXISTS (" PAIRS(SNAP, "n.id") " EXCEPT " PAIRS("main", "n.id") ") "
          "OR EXISTS (" PAIRS("main", "n.id") " EXCEPT " PAIRS(SNAP, "n.id") ")" },
    };
    for (size_t i = 0; i < sizeof Q / sizeof Q[0]; i++) {
        struct diff_walk w = { Q[i].kind, Q[i].object, cb, arg };
        sqlite3_stmt *st = NULL;
        if (store_prepare(s, Q[i].sql, &st, "cannot compare the snapshot", e) != 0 ||
            store_each_row(s, st, diff_row, &w, "cannot compare the snapshot", e) != 0)
            return -1;
    }
    return 0;
}

/* A main row of table t (alias o) that the snapshot's row of the same id
 * does not hold exactly, column for column: it goes and the snapshot's
 * comes. Rows equal in both stay untouched. */
#define CERT_SAME(o) \
    "n.id = " o ".id AND n.der IS " o ".der AND n.sha256 IS " o ".sha256 AND n.label IS " o \
    ".label AND n.subject IS " o ".subject AND n.issuer IS " o ".issuer AND n.serial IS " o \
    ".serial AND n.not_before IS " o ".not_before AND n.not_after IS " o ".not_after AND " \
    "n.is_ca IS " o ".is_ca AND n.enabled IS " o ".enabled AND n.imported_at IS " o ".imported_at"
#define CRL_SAME(o) \
    "n.id = " o ".id AND n.der IS " o ".der AND n.sha256 IS " o ".sha256 AND n.issuer_id IS " o \
    ".issuer_id AND n.issuer IS " o ".issuer AND n.this_update IS " o ".this_update AND " \
    "n.next_update IS " o ".next_update AND n.entries IS " o ".entries AND n.imported_at IS " o \
    ".imported_at"
/* The ids of the main certificates that go. */
#define CERTS_GOING \
    "SELECT o.id FROM main.certificates o WHERE NOT EXISTS (SELECT 1 FROM " SNAP \
    ".certificates n WHERE " CERT_SAME("o") ")"

#define GOING "(SELECT id FROM temp.fleet_going)"

int store_snapshot_replace(struct store *s, struct err *e)
{
    /* Only the rows that differ are written: a changed policy of 10,000
     * certificates with one added writes one row, not 20,000 (and a WAL
     * and a checkpoint to match). What refers to a row that goes (a trust
     * list entry, a CRL) goes first and comes back from the snapshot
     * last. The rows left are rows of the snapshot, so no insert meets a
     * UNIQUE label or fingerprint on its way, and one whose id is there
     * already is that very row (DO NOTHING: a condition reading the
     * table written to would make SQLite copy all 10,000 rows first).
     *
     * Applications are updated in place, not deleted, as the client
     * certificates of this machine refer to them; one the publisher
     * dropped stays while it holds some, with a defined, empty list
     * (it trusts nothing). */
    static const char sql[] =
        /* The certificates that go, compared once (temp_store is MEMORY
         * from store_snapshot_attach: no file). */
        "CREATE TEMP TABLE fleet_going (id INTEGER PRIMARY KEY);"
        "INSERT INTO temp.fleet_going " CERTS_GOING ";"
        "DELETE FROM main.trust_list WHERE cert_id IN " GOING " OR NOT EXISTS "
        "(SELECT 1 FROM " SNAP ".trust_list n WHERE n.app_id = trust_list.app_id AND "
        "n.cert_id = trust_list.cert_id);"
        "DELETE FROM main.crls WHERE issuer_id IN " GOING " OR NOT EXISTS "
        "(SELECT 1 FROM " SNAP ".crls n WHERE " CRL_SAME("crls") ");"
        "DELETE FROM main.certificates WHERE id IN " GOING ";"
        "INSERT INTO main.certificates (" CERT_COLS ") SELECT " CERT_COLS " FROM " SNAP
        ".certificates WHERE true ON CONFLICT(id) DO NOTHING;"
        "INSERT INTO main.crls (" CRL_COLS ") SELECT " CRL_COLS " FROM " SNAP ".crls "
        "WHERE true ON CONFLICT(id) DO NOTHING;"
        "INSERT INTO main.applications (" APP_COLS ") SELECT " APP_COLS " FROM " SNAP
        ".applications WHERE true ON CONFLICT(id) DO UPDATE SET description = excluded.description, "
        "type = excluded.type, trust_list_defined = excluded.trust_list_defined, "
        "crl_policy = excluded.crl_policy, tls_min = excluded.tls_min, tls_max = excluded.tls_max, "
        "ciphers = excluded.ciphers, ciphersuites = excluded.ciphersuites, sni = excluded.sni "
        "WHERE description IS NOT excluded.description OR type IS NOT excluded.type OR "
        "trust_list_defined IS NOT excluded.trust_list_defined OR crl_policy IS NOT "
        "excluded.crl_policy OR tls_min IS NOT excluded.tls_min OR tls_max IS NOT "
        "excluded.tls_max OR ciphers IS NOT excluded.ciphers OR ciphersuites IS NOT "
        "excluded.ciphersuites OR sni IS NOT excluded.sni;"
        "DELETE FROM main.applications WHERE id NOT IN (SELECT id FROM " SNAP ".applications) "
        "AND id NOT IN (SELECT app_id FROM main.client_certs);"
        "UPDATE main.applications SET trust_list_defined = 1 WHERE trust_list_defined = 0 AND "
        "id NOT IN (SELECT id FROM " SNAP ".applications);"
        "INSERT INTO main.trust_list (app_id, cert_id) SELECT app_id, cert_id FROM " SNAP
        ".trust_list WHERE true ON CONFLICT(app_id, cert_id) DO NOTHING;"
        "DROP TABLE temp.fleet_going;";
    /* The one writer of a managed store's fleet-owned tables. */
    s->installing = 1;
    int rc = store_exec(s, sql, e);
    s->installing = 0;
    if (rc != 0)
        (void)sqlite3_exec(s->db, "DROP TABLE IF EXISTS temp.fleet_going", NULL, NULL, NULL);
    if (rc != 0)
        return err_prefix(e, "cannot install the snapshot");
    return 0;
}
