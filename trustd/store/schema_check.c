/* schema_check: an image's schema against what the migrations make. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trustd/store/schema.h"
#include "trustd/store/store_internal.h"

/* Every schema entry: tables, indexes, views and triggers with the SQL
 * that made them. None is left out: trustd never runs ANALYZE, so a
 * statistics table is foreign too (and a name alone proves nothing). */
static const char ENTRIES[] = "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema "
                              "ORDER BY type, name";

/* The next entry as "type name", its table and SQL: 1; 0 at the end;
 * -1 when it cannot be read. */
static int next_entry(sqlite3_stmt *st, char *what, size_t len, const char **table, const char **sql)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return -1;
    snprintf(what, len, "%s %s", (const char *)sqlite3_column_text(st, 0),
             (const char *)sqlite3_column_text(st, 1));
    *table = (const char *)sqlite3_column_text(st, 2);
    *sql = (const char *)sqlite3_column_text(st, 3);
    return 1;
}

int store_schema_is_reference(struct store *s, int version, const char *what, struct err *e)
{
    if (version <= 0 || version > schema_migration_count)
        return err_set(e, ERR_STORE, "%s has schema version %d, which this program cannot check", s->path,
                       version);
    struct store ref = { 0 };
    snprintf(ref.path, sizeof ref.path, "the reference schema %d", version);
    if (sqlite3_open(":memory:", &ref.db) != SQLITE_OK) {
        sqlite3_close(ref.db);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    int rc = 0;
    for (int i = 0; rc == 0 && i < version; i++)
        rc = store_exec(&ref, schema_migrations[i].sql, e);
    sqlite3_stmt *mine = NULL, *want = NULL;
    if (rc == 0 && (sqlite3_prepare_v2(s->db, ENTRIES, -1, &mine, NULL) != SQLITE_OK ||
                    sqlite3_prepare_v2(ref.db, ENTRIES, -1, &want, NULL) != SQLITE_OK))
        rc = store_sql_error(mine == NULL ? s : &ref, e, "cannot read the schema");
    while (rc == 0) {
        char a[300], b[300];
        const char *ta = "", *sa = "", *tb = "", *sb = "";
        int has_a = next_entry(mine, a, sizeof a, &ta, &sa);
        int has_b = next_entry(want, b, sizeof b, &tb, &sb);
        if (has_a < 0 || has_b < 0) {
            rc = store_sql_error(has_a < 0 ? s : &ref, e, "cannot read the schema");
            break;
        }
        if (!has_a && !has_b)
            break;
        const char *why = NULL, *name = a;
        if (!has_a || (has_b && strcmp(a, b) > 0)) {
            why = "lacks";
            name = b;
        } else if (!has_b || strcmp(a, b) < 0) {
            why = "has an extra";
        } else if (strcmp(ta, tb) != 0 || strcmp(sa, sb) != 0) {
            why = "has another";
        }
        if (why != NULL)
            rc = err_set(e, ERR_VERIFY, "%s is not %s of schema version %d: it %s %s", s->path, what,
                         version, why, name);
    }
    sqlite3_finalize(mine);
    sqlite3_finalize(want);
    sqlite3_close(ref.db);
    return rc;
}
