/* store_certs: certificates in the trust store (add, find, list). */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/x509v3.h>

#include "common/certinfo.h"
#include "common/visible.h"
#include "trustd/store/store_internal.h"

static void copy_text(sqlite3_stmt *st, int col, char *out, size_t outlen)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, outlen, "%s", t ? (const char *)t : "");
}

void store_row_to_cert(sqlite3_stmt *st, struct store_cert *c)
{
    c->id = sqlite3_column_int64(st, 0);
    copy_text(st, 1, c->sha256, sizeof c->sha256);
    copy_text(st, 2, c->label, sizeof c->label);
    copy_text(st, 3, c->subject, sizeof c->subject);
    copy_text(st, 4, c->issuer, sizeof c->issuer);
    copy_text(st, 5, c->serial, sizeof c->serial);
    c->not_before = sqlite3_column_int64(st, 6);
    c->not_after = sqlite3_column_int64(st, 7);
    c->is_ca = sqlite3_column_int(st, 8);
    c->enabled = sqlite3_column_int(st, 9);
}

int store_normalize_fingerprint(const char *spec, char out[65])
{
    int n = 0;
    for (const char *p = spec; *p; p++) {
        if (*p == ':')
            continue;
        if (!isxdigit((unsigned char)*p) || n == 64)
            return -1;
        out[n++] = (char)tolower((unsigned char)*p);
    }
    out[n] = '\0';
    return n;
}

/* Runs st (one text parameter already bound) and counts/returns matches. */
static int find_by_prefix(struct store *s, const char *hex, struct store_cert *out, int *count,
                          char *names, size_t nameslen, struct err *e)
{
    sqlite3_stmt *st = NULL;
    const char *sql = "SELECT " CERT_COLUMNS " FROM certificates c "
                      /* A range on the unique index: every hex string that starts
                       * with the prefix sorts between it and the prefix + 'g'. */
                      "WHERE c.sha256 >= ?1 AND c.sha256 < ?1 || 'g' ORDER BY c.sha256 LIMIT 11";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_sql_error(s, e, "cannot look up certificate");
    sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
    *count = 0;
    size_t used = 0;
    names[0] = '\0';
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_cert c;
        store_row_to_cert(st, &c);
        if (*count == 0)
            *out = c;
        (*count)++;
        if (used < nameslen) {
            char colon[CERTINFO_COLON_SHA256];
            certinfo_colon_form(c.sha256, colon);
            int w = snprintf(names + used, nameslen - used, "%s%.23s... (%s)",
                             used ? ", " : "", colon, c.label);
            used = w < 0 ? nameslen : used + (size_t)w;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_sql_error(s, e, "cannot look up certificate");
    return 0;
}

static int find_by_label(struct store *s, const char *label, struct store_cert *out, int *found,
                         struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT " CERT_COLUMNS " FROM certificates c WHERE c.label = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return store_sql_error(s, e, "cannot look up certificate");
    sqlite3_bind_text(st, 1, label, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    if (*found)
        store_row_to_cert(st, out);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sql_error(s, e, "cannot look up certificate");
    return 0;
}

int store_cert_find(struct store *s, const char *spec, struct store_cert *out, struct err *e)
{
    char hex[65];
    int n = store_normalize_fingerprint(spec, hex);
    if (n >= 8) {
        int count = 0;
        char names[700];
        if (find_by_prefix(s, hex, out, &count, names, sizeof names, e) != 0)
            return -1;
        if (count == 1)
            return 0;
        if (count > 1)
            return err_set(e, ERR_USAGE, "%s is ambiguous: it matches %s%s", spec, names,
                           count > 10 ? " and more" : "");
    }
    int found = 0;
    if (find_by_label(s, spec, out, &found, e) != 0)
        return -1;
    if (found)
        return 0;
    if (n >= 8)
        return err_set(e, ERR_NOTFOUND, "no certificate in trust store %s matches %s", s->path, spec);
    return err_set(e, ERR_NOTFOUND,
                   "no certificate in trust store %s is labelled '%s', and it is not a SHA-256 "
                   "fingerprint or a prefix of at least 8 hex digits",
                   s->path, spec);
}

/* A label an administrator gives: printable text only, so that what
 * list and show print is what was typed. */
static int label_valid(const char *label, struct err *e)
{
    if (label[0] == '\0')
        return err_set(e, ERR_USAGE, "a label cannot be empty");
    if (!visible_is_clean(label, strlen(label), 0))
        return err_set(e, ERR_USAGE,
                       "the label '%s' holds control characters or invalid UTF-8; "
                       "choose one of printable characters",
                       label);
    if (strlen(label) >= sizeof ((struct store_cert *)0)->label)
        return err_set(e, ERR_USAGE, "the label '%.40s...' is longer than %zu bytes", label,
                       sizeof ((struct store_cert *)0)->label - 1);
    return 0;
}

static int label_taken(struct store *s, const char *label, int *taken, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM certificates WHERE label = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return store_sql_error(s, e, "cannot check label");
    sqlite3_bind_text(st, 1, label, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_sql_error(s, e, "cannot check label");
    *taken = rc == SQLITE_ROW;
    return 0;
}

void store_labels_forget(struct store *s)
{
    for (size_t i = 0; i < LABEL_BUCKETS; i++) {
        while (s->labels[i] != NULL) {
            struct label_next *n = s->labels[i];
            s->labels[i] = n->link;
            free(n);
        }
    }
}

static struct label_next **label_slot(struct store *s, const char *base)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)base; *p; p++)
        h = (h ^ *p) * 16777619u;
    struct label_next **slot = &s->labels[h % LABEL_BUCKETS];
    while (*slot != NULL && strcmp((*slot)->base, base) != 0)
        slot = &(*slot)->link;
    return slot;
}

/* One query: the largest N of the labels "base (N)" in the store, 1 when
 * there is none. The labels that start with "base (" are one range of the
 * label index: from "base (" to "base )". */
static int label_max_suffix(struct store *s, const char *base, long *max, struct err *e)
{
    sqlite3_stmt *st = NULL;
    const char *sql = "SELECT max(CAST(substr(label, length(?1) + 3) AS INTEGER)) FROM certificates "
                      "WHERE label >= ?1 || ' (' AND label < ?1 || ' )'";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_sql_error(s, e, "cannot check label");
    sqlite3_bind_text(st, 1, base, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    *max = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return store_sql_error(s, e, "cannot check label");
    if (*max < 1)
        *max = 1;
    return 0;
}

/* The subject CN (or the fingerprint's start), or "CN (N)" when that is
 * taken, N one more than the largest in use. The first certificate with a
 * name costs one or two queries; the next ones with that name, in the same
 * transaction, none (the INSERT's unique index catches a label taken since,
 * and store_cert_add asks again with fresh set). */
static int unique_label(struct store *s, X509 *cert, const char *hex, int fresh, char *out,
                        size_t outlen, struct err *e)
{
    char base[200];
    certinfo_cn(cert, base, sizeof base);
    if (base[0] == '\0')
        snprintf(base, sizeof base, "%.16s", hex);
    int cache = !sqlite3_get_autocommit(s->db);
    struct label_next **slot = cache ? label_slot(s, base) : NULL;
    long next = 0;
    if (slot != NULL && *slot != NULL && !fresh) {
        next = (*slot)->next;
    } else {
        int taken = 1;
        if (!fresh && label_taken(s, base, &taken, e) != 0)
            return -1;
        if (taken) {
            long max = 1;
            if (label_max_suffix(s, base, &max, e) != 0)
                return -1;
            next = max + 1;
        } else {
            next = 1; /* the bare name */
        }
    }
    if (next == 1)
        snprintf(out, outlen, "%s", base);
    else
        snprintf(out, outlen, "%s (%ld)", base, next);
    if (slot != NULL) {
        if (*slot == NULL) {
            size_t n = strlen(base) + 1;
            struct label_next *ln = malloc(sizeof *ln + n);
            if (ln == NULL)
                return err_set(e, ERR_INTERNAL, "out of memory");
            memcpy(ln->base, base, n);
            ln->link = NULL;
            *slot = ln;
        }
        (*slot)->next = next < 2 ? 2 : next + 1;
    }
    return 0;
}

int store_cert_add(struct store *s, X509 *cert, const struct store_cert_opts *opts, int *added,
                   struct store_cert *row, struct err *e)
{
    *added = 0;
    char hex[CERTINFO_HEX_SHA256];
    if (certinfo_sha256_hex(cert, hex) != 0)
        return err_set(e, ERR_INTERNAL, "cannot compute certificate fingerprint");
    int count = 0;
    char names[8];
    if (find_by_prefix(s, hex, row, &count, names, sizeof names, e) != 0)
        return -1;
    if (count > 0)
        return 0;

    struct store_cert c;
    memset(&c, 0, sizeof c);
    memcpy(c.sha256, hex, sizeof c.sha256);
    certinfo_name(X509_get_subject_name(cert), c.subject, sizeof c.subject);
    certinfo_name(X509_get_issuer_name(cert), c.issuer, sizeof c.issuer);
    certinfo_serial(cert, c.serial, sizeof c.serial);
    if (certinfo_time(X509_get0_notBefore(cert), &c.not_before) != 0 ||
        certinfo_time(X509_get0_notAfter(cert), &c.not_after) != 0)
        return err_set(e, ERR_USAGE, "certificate %s has an unreadable validity period", hex);
    c.is_ca = certinfo_is_ca(cert);
    c.enabled = !(opts && opts->disabled);
    if (opts && opts->label) {
        int taken = 0;
        if (label_valid(opts->label, e) != 0)
            return -1;
        if (label_taken(s, opts->label, &taken, e) != 0)
            return -1;
        if (taken)
            return err_set(e, ERR_USAGE, "the label '%s' is already in use", opts->label);
        snprintf(c.label, sizeof c.label, "%s", opts->label);
    } else if (unique_label(s, cert, hex, 0, c.label, sizeof c.label, e) != 0) {
        return -1;
    }

    unsigned char *der = NULL;
    int derlen = i2d_X509(cert, &der);
    if (derlen <= 0)
        return err_set(e, ERR_INTERNAL, "cannot encode certificate %s", hex);
    sqlite3_stmt *st = NULL;
    const char *sql = "INSERT INTO certificates (der, sha256, label, subject, issuer, serial, "
                      "not_before, not_after, is_ca, enabled, imported_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    int rc = SQLITE_ERROR;
    /* A label made here may be taken after all (a certificate labelled
     * "CN (7)" by hand): then once more, with the largest suffix read anew. */
    for (int attempt = 0; attempt < 2; attempt++) {
        if (attempt > 0 && unique_label(s, cert, hex, 1, c.label, sizeof c.label, e) != 0) {
            OPENSSL_free(der);
            return -1;
        }
        if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
            OPENSSL_free(der);
            return store_sql_error(s, e, "cannot add certificate");
        }
        sqlite3_bind_blob(st, 1, der, derlen, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, c.sha256, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, c.label, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, c.subject, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, c.issuer, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, c.serial, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, c.not_before);
        sqlite3_bind_int64(st, 8, c.not_after);
        sqlite3_bind_int(st, 9, c.is_ca);
        sqlite3_bind_int(st, 10, c.enabled);
        sqlite3_bind_int64(st, 11, (sqlite3_int64)time(NULL));
        rc = sqlite3_step(st);
        int label_clash = rc == SQLITE_CONSTRAINT_UNIQUE && !(opts && opts->label) &&
                          strstr(sqlite3_errmsg(s->db), "certificates.label") != NULL;
        sqlite3_finalize(st);
        if (!label_clash)
            break;
    }
    OPENSSL_free(der);
    if (rc != SQLITE_DONE)
        return store_sql_error(s, e, "cannot add certificate");
    c.id = sqlite3_last_insert_rowid(s->db);
    *row = c;
    *added = 1;
    return store_audit(s, "import", c.sha256, e);
}

X509 *store_cert_x509(struct store *s, int64_t id, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT der FROM certificates WHERE id = ?", -1, &st, NULL) !=
        SQLITE_OK) {
        store_sql_error(s, e, "cannot read certificate");
        return NULL;
    }
    sqlite3_bind_int64(st, 1, id);
    X509 *x = NULL;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *der = sqlite3_column_blob(st, 0);
        int n = sqlite3_column_bytes(st, 0);
        x = der ? d2i_X509(NULL, &der, n) : NULL;
    }
    sqlite3_finalize(st);
    if (x == NULL)
        err_set(e, ERR_STORE, "trust store %s holds a certificate that cannot be read", s->path);
    return x;
}

/* Runs an UPDATE/DELETE with an id (?1) and an optional text (?2). */
static int change(struct store *s, const char *sql, int64_t id, const char *text, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_sql_error(s, e, "cannot change the store");
    sqlite3_bind_int64(st, 1, id);
    if (text != NULL)
        sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_sql_error(s, e, "cannot change the store");
    return 0;
}

static int audit_cert(struct store *s, const char *action, int64_t id, struct err *e)
{
    char sha256[65] = "";
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT sha256 FROM certificates WHERE id = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return store_sql_error(s, e, "cannot read certificate");
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(sha256, sizeof sha256, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return store_audit(s, action, sha256, e);
}

int store_cert_set_enabled(struct store *s, int64_t id, int enabled, struct err *e)
{
    if (change(s, enabled ? "UPDATE certificates SET enabled = 1 WHERE id = ?1"
                          : "UPDATE certificates SET enabled = 0 WHERE id = ?1",
               id, NULL, e) != 0)
        return -1;
    return audit_cert(s, enabled ? "enable" : "disable", id, e);
}

int store_cert_set_label(struct store *s, int64_t id, const char *label, struct err *e)
{
    if (label_valid(label, e) != 0)
        return -1;
    int taken = 0;
    if (label_taken(s, label, &taken, e) != 0)
        return -1;
    if (taken)
        return err_set(e, ERR_USAGE, "the label '%s' is already in use", label);
    if (change(s, "UPDATE certificates SET label = ?2 WHERE id = ?1", id, label, e) != 0)
        return -1;
    return audit_cert(s, "label", id, e);
}

static int count_lists(struct store *s, int64_t id, int *n, char *apps, size_t appslen, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT app_id FROM trust_list WHERE cert_id = ? ORDER BY app_id",
                           -1, &st, NULL) != SQLITE_OK)
        return store_sql_error(s, e, "cannot read trust lists");
    sqlite3_bind_int64(st, 1, id);
    *n = 0;
    size_t used = 0;
    apps[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW) {
        (*n)++;
        if (used < appslen) {
            int w = snprintf(apps + used, appslen - used, "%s%s", used ? ", " : "",
                             (const char *)sqlite3_column_text(st, 0));
            used = w < 0 ? appslen : used + (size_t)w;
        }
    }
    sqlite3_finalize(st);
    return 0;
}

int store_cert_remove(struct store *s, int64_t id, int force, struct err *e)
{
    int lists = 0;
    char apps[400];
    if (count_lists(s, id, &lists, apps, sizeof apps, e) != 0)
        return -1;
    if (lists > 0 && !force)
        return err_set(e, ERR_USAGE,
                       "the trust list of %s holds this certificate; untrust it first or use --force",
                       apps);
    if (audit_cert(s, "remove", id, e) != 0 ||
        change(s, "DELETE FROM trust_list WHERE cert_id = ?1", id, NULL, e) != 0 ||
        change(s, "DELETE FROM crls WHERE issuer_id = ?1", id, NULL, e) != 0 ||
        change(s, "DELETE FROM certificates WHERE id = ?1", id, NULL, e) != 0)
        return -1;
    return 0;
}

int store_each_cert(struct store *s, const char *sql, const char *param, store_cert_cb cb,
                    void *arg, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_sql_error(s, e, "cannot read certificates");
    if (param != NULL)
        sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_cert c;
        store_row_to_cert(st, &c);
        if (cb(&c, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_sql_error(s, e, "cannot read certificates");
    return 0;
}

int store_cert_list(struct store *s, store_cert_cb cb, void *arg, struct err *e)
{
    return store_each_cert(s, "SELECT " CERT_COLUMNS " FROM certificates c ORDER BY c.label", NULL,
                           cb, arg, e);
}
