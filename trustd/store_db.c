/*
 * store_db: opening a trust store, its migrations and its transactions.
 * All SQLite calls of the trust store live in the store_*.c files; the
 * statements are prepared with bound parameters only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schema.h"
#include "store_internal.h"

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

int store_sql_error(struct store *s, struct err *e, const char *what)
{
    return err_set(e, ERR_STORE, "trust store %s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

int store_exec(struct store *s, const char *sql, struct err *e)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(e, ERR_STORE, "trust store %s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int read_user_version(struct store *s, int *out, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return store_sql_error(s, e, "cannot read schema version");
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return store_sql_error(s, e, "cannot read schema version");
    }
    *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
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

int store_open(const char *path, enum store_mode mode, struct store **out, struct err *e)
{
    *out = NULL;
    struct stat sb;
    if (mode == STORE_READ_ONLY && stat(path, &sb) != 0) {
        if (errno == ENOENT)
            return err_set(e, ERR_STORE,
                           "trust store %s does not exist (import a CA with 'trustd import')", path);
        return err_set(e, ERR_STORE, "cannot read trust store %s: %s", path, strerror(errno));
    }
    if (mode == STORE_READ_WRITE && make_parent(path, e) != 0)
        return -1;
    if (mode == STORE_READ_WRITE && create_readable(path, e) != 0)
        return -1;
    struct store *s = calloc(1, sizeof *s);
    if (s == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    snprintf(s->path, sizeof s->path, "%s", path);
    int flags = mode == STORE_READ_ONLY ? SQLITE_OPEN_READONLY
                                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        err_set(e, ERR_STORE, "cannot open trust store %s: %s", path,
                s->db ? sqlite3_errmsg(s->db) : "out of memory");
        store_close(s);
        return -1;
    }
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_extended_result_codes(s->db, 1);
    if (store_exec(s, "PRAGMA foreign_keys = ON", e) != 0)
        goto fail;
    if (mode == STORE_READ_WRITE) {
        /* Keep the -wal and -shm files after close: a reader that cannot
         * write the folder (a user's ftpc on a root-owned system store) can
         * open a WAL database only when they already exist. */
        int persist = 1;
        sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
        if (store_exec(s, "PRAGMA journal_mode = WAL", e) != 0 || migrate(s, e) != 0)
            goto fail;
    } else {
        if (read_user_version(s, &s->version, e) != 0)
            goto fail;
        if (s->version > schema_migration_count) {
            err_set(e, ERR_STORE,
                    "trust store %s has schema version %d, newer than this program knows (%d)",
                    path, s->version, schema_migration_count);
            goto fail;
        }
        if (s->version < schema_migration_count) {
            err_set(e, ERR_STORE,
                    "trust store %s has schema version %d and needs upgrading: run 'trustd list' as its owner",
                    path, s->version);
            goto fail;
        }
    }
    *out = s;
    return 0;
fail:
    store_close(s);
    return -1;
}

void store_close(struct store *s)
{
    if (s == NULL)
        return;
    sqlite3_close(s->db);
    free(s);
}

int store_begin(struct store *s, struct err *e)
{
    return store_exec(s, "BEGIN IMMEDIATE", e);
}

int store_commit(struct store *s, struct err *e)
{
    return store_exec(s, "COMMIT", e);
}

void store_rollback(struct store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        (void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}
