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

void store_row_to_cert(sqlite3_stmt *st, struct store_cert *c)
{
    c->id = sqlite3_column_int64(st, 0);
    store_column_text(st, 1, c->sha256, sizeof c->sha256);
    store_column_text(st, 2, c->label, sizeof c->label);
    store_column_text(st, 3, c->subject, sizeof c->subject);
    store_column_text(st, 4, c->issuer, sizeof c->issuer);
    store_column_text(st, 5, c->serial, sizeof c->serial);
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

/* The certificates a lookup matches: the first, how many, and (when
 * nameslen is not 0) their names for an "ambiguous" message. */
struct cert_match {
    struct store_cert *first;
    int count;
    char *names;
    size_t nameslen, used;
};

static int match_row(const struct store_cert *c, void *arg, struct err *e)
{
    (void)e;
    struct cert_match *m = arg;
    if (m->count++ == 0)
        *m->first = *c;
    if (m->used < m->nameslen) {
        char colon[CERTINFO_COLON_SHA256];
        certinfo_colon_form(c->sha256, colon);
        int w = snprintf(m->names + m->used, m->nameslen - m->used, "%s%.23s... (%s)",
                         m->used ? ", " : "", colon, c->label);
        m->used = w < 0 ? m->nameslen : m->used + (size_t)w;
    }
    return 0;
}

static int find_by_prefix(struct store *s, const char *hex, struct store_cert *out, int *count,
                          char *names, size_t nameslen, struct err *e)
{
    /* A range on the unique index: every hex string that starts with the
     * prefix sorts between it and the prefix + 'g'. */
    const char *sql = "SELECT " CERT_COLUMNS " FROM certificates c "
                      "WHERE c.sha256 >= ?1 AND c.sha256 < ?1 || 'g' ORDER BY c.sha256 LIMIT 11";
    struct cert_match m = { .first = out, .names = names, .nameslen = nameslen };
    names[0] = '\0';
    int rc = store_each_cert(s, sql, hex, match_row, &m, e);
    *count = m.count;
    return rc;
}

static int find_by_label(struct store *s, const char *label, struct store_cert *out, int *found,
                         struct err *e)
{
    struct cert_match m = { .first = out };
    if (store_each_cert(s, "SELECT " CERT_COLUMNS " FROM certificates c WHERE c.label = ?1", label,
                        match_row, &m, e) != 0)
        return -1;
    *found = m.count > 0;
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

int store_label_valid(const char *label, struct err *e)
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
    *taken = 0;
    if (store_prepare_text(s, "SELECT 1 FROM certificates WHERE label = ?1", label, &st,
                           "cannot check label", e) != 0)
        return -1;
    return store_each_row(s, st, store_row_exists, taken, "cannot check label", e);
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
    int64_t largest = 0; /* max() of no rows is NULL: 0 */
    if (store_prepare_text(s, sql, base, &st, "cannot check label", e) != 0 ||
        store_each_row(s, st, store_row_first_int64, &largest, "cannot check label", e) != 0)
        return -1;
    *max = (long)largest;
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
        if (store_label_valid(opts->label, e) != 0)
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
        if (store_prepare(s, sql, &st, "cannot add certificate", e) != 0) {
            OPENSSL_free(der);
            return -1;
        }
        if (sqlite3_bind_blob(st, 1, der, derlen, SQLITE_TRANSIENT) != SQLITE_OK ||
            sqlite3_bind_text(st, 2, c.sha256, -1, SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_text(st, 3, c.label, -1, SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_text(st, 4, c.subject, -1, SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_text(st, 5, c.issuer, -1, SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_text(st, 6, c.serial, -1, SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_int64(st, 7, c.not_before) != SQLITE_OK ||
            sqlite3_bind_int64(st, 8, c.not_after) != SQLITE_OK ||
            sqlite3_bind_int(st, 9, c.is_ca) != SQLITE_OK ||
            sqlite3_bind_int(st, 10, c.enabled) != SQLITE_OK ||
            sqlite3_bind_int64(st, 11, (sqlite3_int64)time(NULL)) != SQLITE_OK) {
            OPENSSL_free(der);
            return store_bind_failed(s, &st, "cannot add certificate", e);
        }
        /* Stepped here, not by store_each_row: a label clash is retried. */
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

/* A certificate's parsed form; found tells a missing row from one whose
 * stored data does not parse. */
struct cert_der {
    X509 *x;
    int found;
    char sha256[65];
    char label[256];
};

static int parse_der_row(sqlite3_stmt *st, void *arg, struct err *e)
{
    (void)e;
    struct cert_der *d = arg;
    const unsigned char *der = sqlite3_column_blob(st, 0);
    int n = sqlite3_column_bytes(st, 0);
    d->found = 1;
    d->x = der != NULL && n > 0 ? d2i_X509(NULL, &der, n) : NULL;
    store_column_text(st, 1, d->sha256, sizeof d->sha256);
    store_column_text(st, 2, d->label, sizeof d->label);
    return 1;
}

X509 *store_cert_x509(struct store *s, int64_t id, struct err *e)
{
    static const char what[] = "cannot read certificate";
    sqlite3_stmt *st = NULL;
    struct cert_der d = { .x = NULL };
    if (store_prepare_id(s, "SELECT der, sha256, label FROM certificates WHERE id = ?1", id, &st,
                         what, e) != 0 ||
        store_each_row(s, st, parse_der_row, &d, what, e) != 0)
        return NULL;
    if (!d.found)
        err_set(e, ERR_NOTFOUND, "no certificate %lld in trust store %s", (long long)id, s->path);
    else if (d.x == NULL) {
        char colon[CERTINFO_COLON_SHA256] = "?";
        if (strlen(d.sha256) == 64)
            certinfo_colon_form(d.sha256, colon);
        err_set(e, ERR_STORE,
                "trust store %s holds certificate '%s' (SHA-256 %s) in a form that cannot be read "
                "(remove it with 'trustd remove %s' and import it again)",
                s->path, d.label, colon, d.sha256);
    }
    return d.x;
}

/* Runs an UPDATE/DELETE with an id (?1) and an optional text (?2). */
static int change(struct store *s, const char *sql, int64_t id, const char *text, struct err *e)
{
    static const char what[] = "cannot change the store";
    sqlite3_stmt *st = NULL;
    if (store_prepare_id(s, sql, id, &st, what, e) != 0)
        return -1;
    if (text != NULL && sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT) != SQLITE_OK)
        return store_bind_failed(s, &st, what, e);
    return store_each_row(s, st, NULL, NULL, what, e);
}

int store_cert_sha256(struct store *s, int64_t id, char out[65], struct err *e)
{
    return store_text_by_id(s, "SELECT sha256 FROM certificates WHERE id = ?1", id, out, 65,
                            "cannot read certificate", e);
}

static int audit_cert(struct store *s, const char *action, int64_t id, struct err *e)
{
    char sha256[65];
    if (store_cert_sha256(s, id, sha256, e) != 0)
        return -1;
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
    if (store_label_valid(label, e) != 0)
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

/* The applications whose trust list holds a certificate. */
struct list_holders {
    int n;
    char *apps;
    size_t appslen, used;
};

static int name_app(sqlite3_stmt *st, void *arg, struct err *e)
{
    (void)e;
    struct list_holders *a = arg;
    a->n++;
    if (a->used < a->appslen) {
        const unsigned char *id = sqlite3_column_text(st, 0);
        int w = snprintf(a->apps + a->used, a->appslen - a->used, "%s%s", a->used ? ", " : "",
                         id ? (const char *)id : "");
        a->used = w < 0 ? a->appslen : a->used + (size_t)w;
    }
    return 0;
}

static int count_lists(struct store *s, int64_t id, int *n, char *apps, size_t appslen, struct err *e)
{
    static const char what[] = "cannot read trust lists";
    sqlite3_stmt *st = NULL;
    struct list_holders a = { .apps = apps, .appslen = appslen };
    apps[0] = '\0';
    if (store_prepare_id(s, "SELECT app_id FROM trust_list WHERE cert_id = ?1 ORDER BY app_id", id,
                         &st, what, e) != 0 ||
        store_each_row(s, st, name_app, &a, what, e) != 0)
        return -1;
    *n = a.n;
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

struct cert_rows {
    store_cert_cb cb;
    void *arg;
};

static int cert_row(sqlite3_stmt *st, void *arg, struct err *e)
{
    const struct cert_rows *r = arg;
    struct store_cert c;
    store_row_to_cert(st, &c);
    return r->cb(&c, r->arg, e);
}

int store_each_cert(struct store *s, const char *sql, const char *param, store_cert_cb cb,
                    void *arg, struct err *e)
{
    static const char what[] = "cannot read certificates";
    sqlite3_stmt *st = NULL;
    struct cert_rows r = { cb, arg };
    if (store_prepare_text(s, sql, param, &st, what, e) != 0)
        return -1;
    return store_each_row(s, st, cert_row, &r, what, e);
}

int store_cert_list(struct store *s, store_cert_cb cb, void *arg, struct err *e)
{
    return store_each_cert(s, "SELECT " CERT_COLUMNS " FROM certificates c ORDER BY c.label", NULL,
                           cb, arg, e);
}
