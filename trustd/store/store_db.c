/*
 * store_db: opening a trust store, its migrations and its transactions.
 * All SQLite calls of the trust store live in the store_*.c files; the
 * statements are prepared with bound parameters only.
 */
#define _GNU_SOURCE /* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_write.h"
#include "common/visible.h"
#include "trustd/store/schema.h"
#include "trustd/store/store_internal.h"

void store_command_option(const char *path, char *out, size_t outlen)
{
    if (strcmp(path, STORE_DEFAULT_PATH) == 0) {
        snprintf(out, outlen, "%s", "");
        return;
    }
    /* Quoted for a shell where it needs it; shown escaped either way. */
    char q[4150];
    size_t n = 0;
    int plain = strpbrk(path, " \t'\"\\$`;&|<>()*?[]#~") == NULL;
    if (!plain)
        q[n++] = '\'';
    for (const char *p = path; *p && n + 6 < sizeof q; p++) {
        if (*p == '\'' && !plain) {
            memcpy(q + n, "'\\''", 4);
            n += 4;
        } else {
            q[n++] = *p;
        }
    }
    if (!plain)
        q[n++] = '\'';
    q[n] = '\0';
    char shown[4200];
    visible_str(shown, sizeof shown, q);
    snprintf(out, outlen, " --store %s", shown);
}

const char *store_path_resolve(const char *option)
{
    if (option != NULL && option[0] != '\0')
        return option;
    const char *env = getenv(STORE_ENV);
    if (env != NULL && env[0] != '\0')
        return env;
    return STORE_DEFAULT_PATH;
}

int store_schema_latest(void)
{
    return schema_migration_count;
}

int store_schema_version(struct store *s)
{
    return s->version;
}

/* The refusal of a write the authorizer denied, as trustd says it. */
static int refused_managed(struct store *s, struct err *e)
{
    s->denied = 0;
    return err_set(e, ERR_STORE,
                   "trust store %s is managed by the fleet publisher at %s: change the policy "
                   "there and publish it (trustd unsubscribe makes this store local again)",
                   s->path, s->fleet_url);
}

int store_sql_error(struct store *s, struct err *e, const char *what)
{
    if (s->denied)
        return refused_managed(s, e);
    return err_set(e, ERR_STORE, "trust store %s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

/* What a fleet owns (docs/fleet.md): in a managed store only the install
 * of a verified snapshot writes it, whoever calls the library. */
static int authorize(void *arg, int action, const char *table, const char *column,
                     const char *db, const char *trigger)
{
    (void)column;
    (void)trigger;
    static const char *const owned[] = { "certificates", "crls", "applications", "trust_list" };
    struct store *s = arg;
    if (!s->managed || s->installing ||
        (action != SQLITE_INSERT && action != SQLITE_UPDATE && action != SQLITE_DELETE) ||
        table == NULL || db == NULL || strcmp(db, "main") != 0)
        return SQLITE_OK;
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
        if (strcmp(table, owned[i]) == 0) {
            s->denied = 1;
            return SQLITE_DENY;
        }
    return SQLITE_OK;
}

int store_exec(struct store *s, const char *sql, struct err *e)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        if (s->denied) {
            sqlite3_free(msg);
            return refused_managed(s, e);
        }
        err_set(e, ERR_STORE, "trust store %s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int read_user_version(struct store *s, int *out, struct err *e)
{
    static const char what[] = "cannot read schema version";
    sqlite3_stmt *st = NULL;
    int64_t version = 0;
    if (store_prepare(s, "PRAGMA user_version", &st, what, e) != 0 ||
        store_each_row(s, st, store_row_first_int64, &version, what, e) != 0)
        return -1;
    *out = (int)version;
    return 0;
}

/* A folder we create is open to all (0755 whatever the umask), so every
 * user's client can reach the store inside it. */
static int make_folder(const char *dir, struct err *e)
{
    if (mkdir(dir, 0755) == 0)
        return chmod(dir, 0755) == 0 ? 0
               : err_set(e, ERR_STORE, "cannot set permissions on %s: %s", dir, strerror(errno));
    if (errno == EEXIST)
        return 0;
    return err_set(e, ERR_STORE, "cannot create folder %s: %s", dir, strerror(errno));
}

/* mkdir -p for the folder that holds path. */
static int make_parent(const char *path, struct err *e)
{
    char dir[4096];
    size_t n = strlen(path);
    if (n >= sizeof dir)
        return err_set(e, ERR_STORE, "trust store path is too long");
    memcpy(dir, path, n + 1);
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (make_folder(dir, e) != 0)
            return -1;
        *p = '/';
    }
    return make_folder(dir, e);
}

/* A new store is readable by everyone whatever the umask: it holds only
 * public certificates, and every user's client must read it. SQLite gives
 * its -wal and -shm files the same permissions. */
static int create_readable(const char *path, struct err *e)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (errno == EEXIST)
            return 0;
        return err_set(e, ERR_STORE, "cannot create trust store %s: %s", path, strerror(errno));
    }
    int rc = fchmod(fd, 0644);
    close(fd);
    if (rc != 0)
        return err_set(e, ERR_STORE, "cannot set permissions on %s: %s", path, strerror(errno));
    return 0;
}

/* Applies every migration newer than the store, in one transaction. */
static int migrate(struct store *s, struct err *e)
{
    if (store_exec(s, "BEGIN IMMEDIATE", e) != 0)
        return -1;
    /* Another process may have migrated while we waited for the lock. */
    int version = 0;
    if (read_user_version(s, &version, e) != 0)
        goto fail;
    if (version > schema_migration_count) {
        err_set(e, ERR_STORE,
                "trust store %s has schema version %d, newer than this program knows (%d)",
                s->path, version, schema_migration_count);
        goto fail;
    }
    for (int i = version; i < schema_migration_count; i++) {
        if (store_exec(s, schema_migrations[i].sql, e) != 0) {
            err_prefix(e, "migration %s", schema_migrations[i].name);
            goto fail;
        }
    }
    if (version < schema_migration_count) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", schema_migration_count);
        if (store_exec(s, sql, e) != 0)
            goto fail;
    }
    if (store_exec(s, "COMMIT", e) != 0)
        goto fail;
    s->version = schema_migration_count;
    return 0;
fail:
    store_rollback(s);
    return -1;
}

/* Reads what a file is before anything is written to it: an SQLite file
 * that is not a trust store, or a store from a newer program, is refused
 * and left as it was. */
static int validate(struct store *s, struct err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        s->version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    int base = rc & 0xff;
    if (base == SQLITE_NOTADB)
        return err_set(e, ERR_STORE, "%s is not a trust store (not an SQLite database)", s->path);
    if (base == SQLITE_CORRUPT)
        return err_set(e, ERR_STORE, "trust store %s is damaged: %s", s->path, sqlite3_errmsg(s->db));
    if (rc != SQLITE_ROW)
        return store_sql_error(s, e, "cannot read schema version");
    if (s->version > schema_migration_count)
        return err_set(e, ERR_STORE,
                       "trust store %s has schema version %d, newer than this program knows (%d)",
                       s->path, s->version, schema_migration_count);
    if (s->version == 0) {
        int tables = -1;
        if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            tables = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        if (tables != 0)
            return err_set(e, ERR_STORE, "%s is not a trust store (an SQLite database of something else)",
                           s->path);
    }
    return 0;
}

/* A quick structural check before writing, so a damaged store is never
 * written to (the write could spread the damage). */
static int quick_check(struct store *s, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check(1)", -1, &st, NULL) != SQLITE_OK)
        return err_set(e, ERR_STORE, "trust store %s is damaged: %s", s->path, sqlite3_errmsg(s->db));
    int rc = sqlite3_step(st);
    const unsigned char *t = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    int ok = t != NULL && strcmp((const char *)t, "ok") == 0;
    if (!ok)
        err_set(e, ERR_STORE, "trust store %s is damaged: %s", s->path,
                t ? (const char *)t : sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    return ok ? 0 : -1;
}

/* Every connection: an image from elsewhere (a backup, a fleet
 * snapshot, attached to the live connection) may hold any schema: no writes to sqlite_master and the like, and no function with
 * side effects run from its views, triggers or defaults. */
static int harden(sqlite3 *db)
{
    int on = -1;
    if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, &on) != SQLITE_OK || on != 1)
        return -1;
    return sqlite3_exec(db, "PRAGMA trusted_schema = OFF", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int store_open(const char *path, enum store_mode mode, struct store **out, struct err *e)
{
    *out = NULL;
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (!exists && errno == EACCES)
        return err_set(e, ERR_STORE, "cannot read trust store %s: permission denied", path);
    if (!exists && errno != ENOENT)
        return err_set(e, ERR_STORE, "cannot read trust store %s: %s", path, strerror(errno));
    if (mode == STORE_READ_ONLY && !exists) {
        char so[4200];
        store_command_option(path, so, sizeof so);
        return err_set(e, ERR_STORE,
                       "trust store %s does not exist (import a CA with 'trustd%s import')", path, so);
    }
    if (exists && !S_ISREG(sb.st_mode))
        return err_set(e, ERR_STORE, "%s is not a trust store (not a regular file)", path);
    /* Said in plain words: SQLite would only say "unable to open database file". */
    if (exists && access(path, R_OK) != 0 && errno == EACCES)
        return err_set(e, ERR_STORE, "cannot read trust store %s: permission denied", path);
    int writes = mode != STORE_READ_ONLY;
    if (writes && exists && access(path, R_OK | W_OK) != 0)
        return err_set(e, ERR_STORE, "cannot write trust store %s: %s", path, strerror(errno));
    if (writes && !exists &&
        (make_parent(path, e) != 0 || create_readable(path, e) != 0))
        return -1;
    struct store *s = calloc(1, sizeof *s);
    if (s == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    snprintf(s->path, sizeof s->path, "%s", path);
    int flags = mode == STORE_READ_ONLY ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        err_set(e, ERR_STORE, "cannot open trust store %s: %s", path,
                s->db ? sqlite3_errmsg(s->db) : "out of memory");
        store_close(s);
        return -1;
    }
    /* Writers queue behind each other; readers never wait for a writer (WAL). */
    sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(s->db, 1);
    /* A fleet snapshot is attached to this connection (store_snapshot_attach). */
    if (harden(s->db) != 0) {
        store_sql_error(s, e, "cannot harden the connection");
        goto fail;
    }
    if (validate(s, e) != 0 || store_exec(s, "PRAGMA foreign_keys = ON", e) != 0)
        goto fail;
    if (mode == STORE_READ_ONLY) {
        if (s->version < schema_migration_count) {
            err_set(e, ERR_STORE,
                    "trust store %s has schema version %d and needs upgrading: run 'trustd check' as its owner",
                    path, s->version);
            goto fail;
        }
        /* One read transaction for as long as the store is open: a reader
         * (ftpc) sees the policy before a write (a fleet sync, an import)
         * or after it, never part of each. */
        if (store_exec(s, "BEGIN", e) != 0 ||
            store_exec(s, "SELECT count(*) FROM sqlite_master", e) != 0)
            goto fail;
    } else {
        if (mode == STORE_READ_WRITE_LAZY)
            s->unchecked = s->version > 0;
        else if (s->version > 0 && quick_check(s, e) != 0)
            goto fail;
        /* Keep the -wal and -shm files after close: a reader that cannot
         * write the folder (a user's ftpc on a root-owned system store) can
         * open a WAL database only when they already exist. */
        int persist = 1;
        if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist) != SQLITE_OK) {
            store_sql_error(s, e, "cannot keep its write-ahead log files for readers");
            goto fail;
        }
        if (store_exec(s, "PRAGMA journal_mode = WAL", e) != 0)
            goto fail;
        if (s->version < schema_migration_count && migrate(s, e) != 0)
            goto fail;
        s->writable = 1;
        store_fleet_refresh(s);
        sqlite3_set_authorizer(s->db, authorize, s);
    }
    *out = s;
    return 0;
fail:
    store_close(s);
    return -1;
}

/* One file or folder of the store: see store_check_permissions. */
static int check_one(const char *store, const char *what, int folder, uid_t uid, struct err *e)
{
    struct stat sb;
    if (stat(what, &sb) != 0) {
        if (errno == ENOENT)
            return 0;
        return err_set(e, ERR_STORE, "cannot check trust store %s: %s: %s", store, what,
                       strerror(errno));
    }
    unsigned mode = (unsigned)(sb.st_mode & 07777);
    if (sb.st_mode & (S_IWGRP | S_IWOTH))
        return err_set(e, ERR_STORE,
                       "trust store %s is unsafe: %s %s has mode %04o, writable by others than "
                       "its owner (%s)",
                       store, folder ? "its folder" : "the file", what, mode,
                       folder ? "keep the store in a folder only its owner can write"
                              : "run chmod go-w on it");
    if (sb.st_uid != 0 && sb.st_uid != uid)
        return err_set(e, ERR_STORE,
                       "trust store %s is unsafe: %s %s (mode %04o) is owned by uid %lu, neither "
                       "root nor uid %lu (its owner could change it: chown it to root)",
                       store, folder ? "its folder" : "the file", what, mode,
                       (unsigned long)sb.st_uid, (unsigned long)uid);
    return 0;
}

int store_check_permissions(const char *path, uid_t uid, struct err *e)
{
    char name[4096 + 8];
    /* The folder: whoever may write it may replace the store. */
    if (path_folder(path, name, sizeof name) != 0)
        return err_set(e, ERR_STORE, "trust store path is too long");
    if (check_one(path, name, 1, uid, e) != 0 || check_one(path, path, 0, uid, e) != 0)
        return -1;
    static const char *const suffixes[] = { "-wal", "-shm" };
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
        if (check_one(path, name, 0, uid, e) != 0)
            return -1;
    }
    return 0;
}

/* The problems integrity_check reports (every row but "ok"), joined. */
struct check_report {
    char *text;
    size_t len, used;
    int problems;
};

static int check_row(sqlite3_stmt *st, void *arg, struct err *e)
{
    (void)e;
    struct check_report *r = arg;
    const char *t = (const char *)sqlite3_column_text(st, 0);
    if (t != NULL && strcmp(t, "ok") == 0)
        return 0;
    r->problems++;
    if (r->used < r->len) {
        int w = snprintf(r->text + r->used, r->len - r->used, "%s%s", r->used ? "; " : "",
                         t ? t : "?");
        r->used = w < 0 ? r->len : r->used + (size_t)w;
    }
    return 0;
}

int store_check(struct store *s, char *report, size_t reportlen, struct err *e)
{
    sqlite3_stmt *st = NULL;
    struct check_report r = { report, reportlen, 0, 0 };
    report[0] = '\0';
    if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
        return err_set(e, ERR_STORE, "trust store %s is damaged: %s", s->path, sqlite3_errmsg(s->db));
    struct err failed;
    int done = store_each_row(s, st, check_row, &r, "integrity check", &failed) == 0;
    if (!done && r.problems == 0)
        snprintf(report, reportlen, "%s", sqlite3_errmsg(s->db));
    int dangling = 0;
    if (done && r.problems == 0) {
        /* Any row of foreign_key_check is a reference to a missing row. */
        if (store_prepare(s, "PRAGMA foreign_key_check", &st, "foreign key check", &failed) != 0 ||
            store_each_row(s, st, store_row_exists, &dangling, "foreign key check", &failed) != 0) {
            done = 0;
            snprintf(report, reportlen, "%s", sqlite3_errmsg(s->db));
        } else if (dangling) {
            r.problems++;
            snprintf(report, reportlen, "a trust list or CRL refers to a missing certificate");
        }
    }
    if (!done || r.problems > 0)
        return err_set(e, ERR_STORE, "trust store %s is damaged: %s", s->path, report);
    /* A trigger or view no migration made (someone's sqlite3 session). */
    if (s->version > 0 && store_schema_is_reference(s, s->version, "a trust store", e) != 0) {
        snprintf(report, reportlen, "%s", e->msg);
        return err_suffix(e, " (something other than trustd changed its schema: remove that, or "
                          "restore a backup)");
    }
    snprintf(report, reportlen, "ok");
    return 0;
}

int store_backup(struct store *s, const char *dest, int replace, struct err *e)
{
    /* The whole database as one consistent image, read in memory under one
     * read transaction: SQLite never opens a file (or a journal) near dest. */
    sqlite3_int64 size = 0;
    unsigned char *image = sqlite3_serialize(s->db, "main", &size, 0);
    if (image == NULL || size <= 0) {
        sqlite3_free(image);
        return store_sql_error(s, e, "cannot read the store for a backup");
    }
    /* The copy is a file of its own: bytes 18 and 19 of the header say 2
     * (WAL) in the store; 1 (rollback journal) needs no -wal or -shm file
     * beside the copy. trustd sets WAL again when it writes to it. */
    if (size >= 100 && image[18] == 2 && image[19] == 2)
        image[18] = image[19] = 1;
    int rc = file_write_whole(dest, image, (size_t)size, 0644, replace, "trustd-backup", e);
    sqlite3_free(image);
    return rc;
}

/* Largest backup restore reads (a store of 100,000 CAs is under 200 MiB). */
#define RESTORE_BYTES_MAX (512LL * 1024 * 1024)

/* The backup's bytes in memory SQLite owns. */
static int read_backup(const char *path, unsigned char **out, sqlite3_int64 *len, struct err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        int why = errno;
        if (fd >= 0)
            close(fd);
        return err_set(e, ERR_LOCAL, "cannot read backup %s: %s", path, strerror(why));
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size < 100 || sb.st_size > RESTORE_BYTES_MAX) {
        close(fd);
        return err_set(e, ERR_LOCAL, "%s is not a trust store backup (%s)", path,
                       !S_ISREG(sb.st_mode) ? "not a regular file" : "its size is wrong");
    }
    unsigned char *buf = sqlite3_malloc64((sqlite3_uint64)sb.st_size);
    size_t n = 0, want = (size_t)sb.st_size;
    while (buf != NULL && n < want) {
        ssize_t r = read(fd, buf + n, want - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (buf == NULL || n != want) {
        sqlite3_free(buf);
        return err_set(e, ERR_LOCAL, "cannot read backup %s", path);
    }
    *out = buf;
    *len = (sqlite3_int64)want;
    return 0;
}

/* An image (SQLite owns it from here and frees it even on failure) as a
 * store in memory, judged and upgraded to this schema there: nothing is
 * written to any file. name is for messages; *was its schema version. */
static int open_image(unsigned char *image, sqlite3_int64 size, const char *name, const char *what,
                      struct store **out, int *was, struct err *e)
{
    *out = NULL;
    struct store *b = calloc(1, sizeof *b);
    if (b == NULL) {
        sqlite3_free(image);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    snprintf(b->path, sizeof b->path, "%s", name);
    int rc = sqlite3_open(":memory:", &b->db) == SQLITE_OK ? 0 : -1;
    if (rc == 0 && harden(b->db) != 0)
        rc = -1;
    if (rc == 0) {
        int d = sqlite3_deserialize(b->db, "main", image, size, size,
                                    SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
        image = NULL;
        if (d != SQLITE_OK)
            rc = -1;
    }
    sqlite3_free(image);
    if (rc != 0) {
        err_set(e, ERR_LOCAL, "%s is not %s", name, what);
    } else if (validate(b, e) != 0 ||
               /* Nothing of its own (a trigger, a view, a changed table)
                * may run in a check, a migration or an install. */
               (b->version > 0 && store_schema_is_reference(b, b->version, what, e) != 0 &&
                err_suffix(e, " (refused before anything reads it)")) ||
               /* store_check below covers it, but a migration must not
                * run on a damaged image. */
               (b->version < schema_migration_count && quick_check(b, e) != 0)) {
        rc = -1;
    } else {
        *was = b->version;
        if (store_exec(b, "PRAGMA foreign_keys = ON", e) != 0 ||
                   (b->version < schema_migration_count && migrate(b, e) != 0)) {
            rc = -1;
        } else {
            char report[1024];
            rc = store_check(b, report, sizeof report, e);
        }
    }
    if (rc != 0) {
        sqlite3_close(b->db);
        free(b);
        return -1;
    }
    *out = b;
    return 0;
}

int store_restore(struct store *s, const char *backup, struct err *e)
{
    /* The backup API writes pages, which no authorizer sees. */
    store_fleet_refresh(s);
    if (s->managed)
        return refused_managed(s, e);
    unsigned char *image = NULL;
    sqlite3_int64 size = 0;
    if (read_backup(backup, &image, &size, e) != 0)
        return -1;
    /* The backup is judged, and upgraded, in memory: nothing is written
     * near it, and the store is touched only by the one copy below. */
    struct store *b = NULL;
    int was = 0;
    if (open_image(image, size, backup, "a trust store backup", &b, &was, e) != 0)
        return -1;
    int rc = 0;
    sqlite3_backup *copy = sqlite3_backup_init(s->db, "main", b->db, "main");
    int step = copy ? sqlite3_backup_step(copy, -1) : SQLITE_ERROR;
    int fin = copy ? sqlite3_backup_finish(copy) : SQLITE_ERROR;
    if (step != SQLITE_DONE || fin != SQLITE_OK)
        rc = store_sql_error(s, e, "cannot restore the backup into it");
    else
        s->version = b->version;
    sqlite3_close(b->db);
    free(b);
    return rc;
}

int store_snapshot_open(const unsigned char *image, size_t len, const char *name,
                        struct store **out, int *schema, struct err *e)
{
    *out = NULL;
    if (len < 100 || len > RESTORE_BYTES_MAX)
        return err_set(e, ERR_VERIFY, "%s is not a fleet snapshot (its size is wrong)", name);
    unsigned char *copy = sqlite3_malloc64((sqlite3_uint64)len);
    if (copy == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    memcpy(copy, image, len);
    /* A snapshot is a file of its own: never in WAL mode in memory. */
    if (copy[18] == 2 && copy[19] == 2)
        copy[18] = copy[19] = 1;
    if (open_image(copy, (sqlite3_int64)len, name, "a fleet snapshot", out, schema, e) != 0)
        return -1;
    if (*schema == 0) {
        store_close(*out);
        *out = NULL;
        return err_set(e, ERR_VERIFY, "%s is not a fleet snapshot (an empty database)", name);
    }
    return 0;
}

/* A log this small stays (a few notes of unchanged syncs): scanning it
 * costs a reader microseconds, and folding it in would cost every such
 * sync three flushes to disk. */
#define WAL_KEPT_MAX (256 * 1024)

static long long wal_bytes(struct store *s)
{
    char wal[sizeof s->path + 8];
    struct stat sb;
    snprintf(wal, sizeof wal, "%s-wal", s->path);
    /* Unknown: fold it in, as before. */
    return stat(wal, &sb) == 0 ? (long long)sb.st_size : WAL_KEPT_MAX + 1;
}

void store_close(struct store *s)
{
    if (s == NULL)
        return;
    /* Fold the write-ahead log into the database and empty it. A reader
     * that finds frames in it must scan them all at open (3 ms per client
     * connection after a 10,000-certificate import); an empty one costs
     * nothing. Busy readers only postpone this to the next writer. */
    if (s->writable && s->db != NULL && wal_bytes(s) > WAL_KEPT_MAX) {
        sqlite3_busy_timeout(s->db, 100);
        (void)sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    }
    sqlite3_close(s->db);
    store_labels_forget(s);
    free(s);
}

/* Commits flushed to disk (the default), or not for a note. */
static int set_relaxed(struct store *s, int relaxed, struct err *e)
{
    if (s->relaxed == relaxed)
        return 0;
    if (store_exec(s, relaxed ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL", e) != 0)
        return -1;
    s->relaxed = relaxed;
    return 0;
}

int store_begin(struct store *s, struct err *e)
{
    store_labels_forget(s);
    if (set_relaxed(s, 0, e) != 0)
        return -1;
    /* Before the first write of a lazily opened store: never write to a
     * damaged one. Checked inside the write lock, so no other writer can
     * change it between the check and the write. */
    if (store_exec(s, "BEGIN IMMEDIATE", e) != 0)
        return -1;
    /* Another process may have subscribed or unsubscribed the store. */
    if (s->writable)
        store_fleet_refresh(s);
    if (s->unchecked) {
        if (quick_check(s, e) != 0) {
            store_rollback(s);
            return -1;
        }
        s->unchecked = 0;
    }
    return 0;
}

int store_begin_note(struct store *s, struct err *e)
{
    store_labels_forget(s);
    if (set_relaxed(s, 1, e) != 0)
        return -1;
    return store_exec(s, "BEGIN IMMEDIATE", e);
}

int store_commit(struct store *s, struct err *e)
{
    store_labels_forget(s);
    return store_exec(s, "COMMIT", e);
}

void store_rollback(struct store *s)
{
    store_labels_forget(s);
    if (!sqlite3_get_autocommit(s->db))
        (void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}
