/* store_audit: who changed what, written in the same transaction as the change. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trustd/store/store_internal.h"

/* The user's name, else the uid in digits. */
static void user_name(uid_t uid, char *out, size_t outlen)
{
    struct passwd pw, *found = NULL;
    char pwbuf[1024];
    if (getpwuid_r(uid, &pw, pwbuf, sizeof pwbuf, &found) == 0 && found != NULL)
        snprintf(out, outlen, "%s", found->pw_name);
    else
        snprintf(out, outlen, "%ld", (long)uid);
}

/* A uid written in decimal digits (and an optional newline), nothing else. */
static int parse_uid(const char *text, uid_t *out)
{
    if (text[0] < '0' || text[0] > '9')
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || (*end != '\0' && strcmp(end, "\n") != 0) || v >= (unsigned long)(uid_t)-1)
        return -1;
    *out = (uid_t)v;
    return 0;
}

/* Who logged in: the kernel's audit login uid (set by pam_loginuid at a
 * login, Cockpit's too, and kept across sudo), else, for a process running
 * as root, the SUDO_UID that sudo sets (a plain user could set it to
 * anything). 0 when known, -1 when not. */
static int login_uid(uid_t uid, uid_t *out)
{
    char text[16] = "";
    int fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, text, sizeof text - 1);
        close(fd);
        text[n > 0 ? (size_t)n : 0] = '\0';
        if (parse_uid(text, out) == 0)
            return 0; /* 4294967295, "not set", is refused by parse_uid */
    }
    const char *sudo_uid = getenv("SUDO_UID");
    if (uid == 0 && sudo_uid != NULL && parse_uid(sudo_uid, out) == 0)
        return 0;
    return -1;
}

/* Binds the login user to columns col and col + 1: NULL when not known. */
static int bind_login(sqlite3_stmt *st, int col, int known, uid_t login, const char *name)
{
    if (!known)
        return sqlite3_bind_null(st, col) == SQLITE_OK && sqlite3_bind_null(st, col + 1) == SQLITE_OK ? 0 : -1;
    return sqlite3_bind_int64(st, col, (sqlite3_int64)login) == SQLITE_OK &&
                   sqlite3_bind_text(st, col + 1, name, -1, SQLITE_TRANSIENT) == SQLITE_OK
               ? 0
               : -1;
}

int store_audit(struct store *s, const char *action, const char *subject, struct err *e)
{
    uid_t uid = getuid(), login = 0;
    char user[64], login_name[64] = "";
    user_name(uid, user, sizeof user);
    int login_known = login_uid(uid, &login) == 0;
    if (login_known)
        user_name(login, login_name, sizeof login_name);
    static const char what[] = "cannot write the audit trail";
    sqlite3_stmt *st = NULL;
    if (store_prepare(s,
                      "INSERT INTO audit (time, uid, user, login_uid, login_user, action, subject) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)",
                      &st, what, e) != 0)
        return -1;
    if (sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL)) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, (sqlite3_int64)uid) != SQLITE_OK ||
        sqlite3_bind_text(st, 3, user, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
        bind_login(st, 4, login_known, login, login_name) != 0 ||
        sqlite3_bind_text(st, 6, action, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
        sqlite3_bind_text(st, 7, subject, -1, SQLITE_TRANSIENT) != SQLITE_OK)
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
    a.login_uid = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 4);
    store_column_text(st, 5, a.login_user, sizeof a.login_user);
    store_column_text(st, 6, a.action, sizeof a.action);
    store_column_text(st, 7, a.subject, sizeof a.subject);
    return r->cb(&a, r->arg, e);
}

int store_audit_list(struct store *s, int64_t since, store_audit_cb cb, void *arg, struct err *e)
{
    static const char what[] = "cannot read the audit trail";
    sqlite3_stmt *st = NULL;
    struct audit_rows r = { cb, arg };
    if (store_prepare_id(s,
                         "SELECT id, time, uid, user, login_uid, login_user, action, subject FROM audit "
                         "WHERE time >= ?1 ORDER BY id",
                         since, &st, what, e) != 0)
        return -1;
    return store_each_row(s, st, audit_row, &r, what, e);
}
