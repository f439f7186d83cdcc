/* store_audit: who changed what, written in the same transaction as the change. */
#include <pwd.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trustd/store/store_internal.h"

int store_audit(struct store *s, const char *action, const char *subject, struct err *e)
{
    uid_t uid = getuid();
    char user[64];
    struct passwd pw, *found = NULL;
    char pwbuf[1024];
    if (getpwuid_r(uid, &pw, pwbuf, sizeof pwbuf, &found) == 0 && found != NULL)
        snprintf(user, sizeof user, "%s", found->pw_name);
    else
        snprintf(user, sizeof user, "%ld", (long)uid);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO audit (time, uid, user, action, subject) VALUES (?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return store_sql_error(s, e, "cannot write the audit trail");
    sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
    sqlite3_bind_int64(st, 2, (sqlite3_int64)uid);
    sqlite3_bind_text(st, 3, user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, action, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, subject, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_sql_error(s, e, "cannot write the audit trail");
    return 0;
}

int store_audit_list(struct store *s, int64_t since, store_audit_cb cb, void *arg, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, time, uid, user, action, subject FROM audit WHERE time >= ? "
                           "ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return store_sql_error(s, e, "cannot read the audit trail");
    sqlite3_bind_int64(st, 1, since);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_audit_entry a;
        a.id = sqlite3_column_int64(st, 0);
        a.time = sqlite3_column_int64(st, 1);
        a.uid = sqlite3_column_int64(st, 2);
        snprintf(a.user, sizeof a.user, "%s", (const char *)sqlite3_column_text(st, 3));
        snprintf(a.action, sizeof a.action, "%s", (const char *)sqlite3_column_text(st, 4));
        snprintf(a.subject, sizeof a.subject, "%s", (const char *)sqlite3_column_text(st, 5));
        if (cb(&a, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_sql_error(s, e, "cannot read the audit trail");
    return 0;
}
