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
    static const char what[] = "cannot write the audit trail";
    sqlite3_stmt *st = NULL;
    if (store_prepare(s, "INSERT INTO audit (time, uid, user, action, subject) VALUES (?, ?, ?, ?, ?)",
                      &st, what, e) != 0)
        return -1;
    if (sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL)) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, (sqlite3_int64)uid) != SQLITE_OK ||
        sqlite3_bind_text(st, 3, user, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
        sqlite3_bind_text(st, 4, action, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
        sqlite3_bind_text(st, 5, subject, -1, SQLITE_TRANSIENT) != SQLITE_OK)
        return store_bind_failed(s, &st, what, e);
    return store_each_row(s, st, NULL, NULL, what, e);
}

struct audit_rows {
    store_audit_cb cb;
    void *arg;
};

static int audit_row(sqlite3_stmt *st, void *arg, struct err *e)
{
    const struct audit_rows *r = arg;
    struct store_audit_entry a;
    a.id = sqlite3_column_int64(st, 0);
    a.time = sqlite3_column_int64(st, 1);
    a.uid = sqlite3_column_int64(st, 2);
    store_column_text(st, 3, a.user, sizeof a.user);
    store_column_text(st, 4, a.action, sizeof a.action);
    store_column_text(st, 5, a.subject, sizeof a.subject);
    return r->cb(&a, r->arg, e);
}

int store_audit_list(struct store *s, int64_t since, store_audit_cb cb, void *arg, struct err *e)
{
    static const char what[] = "cannot read the audit trail";
    sqlite3_stmt *st = NULL;
    struct audit_rows r = { cb, arg };
    if (store_prepare_id(s,
                         "SELECT id, time, uid, user, action, subject FROM audit WHERE time >= ?1 "
                         "ORDER BY id",
                         since, &st, what, e) != 0)
        return -1;
    return store_each_row(s, st, audit_row, &r, what, e);
}
