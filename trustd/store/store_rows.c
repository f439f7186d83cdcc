/* store_rows: the one loop that steps a query of the trust store, and the
 * prepare and bind steps every query starts with. */
#include "trustd/store/store_internal.h"

int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st, const char *what,
                  struct err *e)
{
    *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return store_sql_error(s, e, what);
    return 0;
}

int store_prepare_text(struct store *s, const char *sql, const char *text, sqlite3_stmt **st,
                       const char *what, struct err *e)
{
    if (store_prepare(s, sql, st, what, e) != 0)
        return -1;
    if (text != NULL && sqlite3_bind_text(*st, 1, text, -1, SQLITE_TRANSIENT) != SQLITE_OK)
        return store_bind_failed(s, st, what, e);
    return 0;
}

int store_prepare_id(struct store *s, const char *sql, int64_t id, sqlite3_stmt **st,
                     const char *what, struct err *e)
{
    if (store_prepare(s, sql, st, what, e) != 0)
        return -1;
    if (sqlite3_bind_int64(*st, 1, id) != SQLITE_OK)
        return store_bind_failed(s, st, what, e);
    return 0;
}

int store_bind_failed(struct store *s, sqlite3_stmt **st, const char *what, struct err *e)
{
    /* The message first: it is SQLite's account of the failed bind. */
    store_sql_error(s, e, what);
    sqlite3_finalize(*st);
    *st = NULL;
    return -1;
}

int store_each_row(struct store *s, sqlite3_stmt *st, store_row_fn row, void *arg,
                   const char *what, struct err *e)
{
    int rc, verdict = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (row != NULL && (verdict = row(st, arg, e)) != 0)
            break;
    }
    if (verdict == 0 && rc != SQLITE_DONE)
        verdict = store_sql_error(s, e, what);
    sqlite3_finalize(st);
    return verdict < 0 ? -1 : 0;
}

void store_column_text(sqlite3_stmt *st, int col, char *out, size_t outlen)
{
    const unsigned char *text = sqlite3_column_text(st, col);
    snprintf(out, outlen, "%s", text ? (const char *)text : "");
}

int store_row_exists(sqlite3_stmt *st, void *arg, struct err *e)
{
    (void)st;
    (void)e;
    *(int *)arg = 1;
    return 1;
}

int store_row_first_int64(sqlite3_stmt *st, void *arg, struct err *e)
{
    (void)e;
    *(int64_t *)arg = sqlite3_column_int64(st, 0);
    return 1;
}

struct text_out {
    char *out;
    size_t outlen;
};

static int first_text(sqlite3_stmt *st, void *arg, struct err *e)
{
    (void)e;
    const struct text_out *t = arg;
    store_column_text(st, 0, t->out, t->outlen);
    return 1;
}

int store_text_by_id(struct store *s, const char *sql, int64_t id, char *out, size_t outlen,
                     const char *what, struct err *e)
{
    sqlite3_stmt *st = NULL;
    struct text_out t = { out, outlen };
    out[0] = '\0';
    if (store_prepare_id(s, sql, id, &st, what, e) != 0)
        return -1;
    return store_each_row(s, st, first_text, &t, what, e);
}
