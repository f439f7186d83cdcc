/* Unit tests of the trust store: migrations, import, app trust lists, fingerprints. */
#include <stdlib.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sqlite3.h>

#include "common/certinfo.h"
#include "tests/unit/expect.h"
#include "trustd/store/anchor_lookup.h"
#include "trustd/store/schema.h"
#include "trustd/store/import.h"
#include "trustd/store/store.h"

static char dir[] = "/tmp/test_store.XXXXXX";

/* A self-signed certificate; *keep, when not NULL, gets its key. */
static X509 *make_cert_key(const char *cn, int ca, long serial, EVP_PKEY **keep)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints,
                                              ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    /* Key identifiers, as real CAs have: they tell same-named CAs apart. */
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_key_identifier, "hash");
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    ext = X509V3_EXT_conf_nid(NULL, &v3, NID_authority_key_identifier, "keyid:always");
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    X509_sign(x, key, EVP_sha256());
    if (keep != NULL)
        *keep = key;
    else
        EVP_PKEY_free(key);
    return x;
}

static X509 *make_cert(const char *cn, int ca, long serial)
{
    return make_cert_key(cn, ca, serial, NULL);
}

static void sql(const char *path, const char *stmt)
{
    sqlite3 *db = NULL;
    EXPECT_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, stmt, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "sql: %s\n", msg);
    EXPECT_EQ_INT(rc, SQLITE_OK);
    sqlite3_free(msg);
    sqlite3_close(db);
}

static void sql_text(const char *path, const char *stmt, char *out, size_t outlen)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    out[0] = '\0';
    sqlite3_open(path, &db);
    if (sqlite3_prepare_v2(db, stmt, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void migrations(void)
{
    char path[256], text[64];
    struct err e;
    struct store *s = NULL;
    snprintf(path, sizeof path, "%s/new/folder/trust.db", dir);

    /* Read-only refuses a missing store and creates nothing. */
    EXPECT_EQ_INT(store_open(path, STORE_READ_ONLY, &s, &e), -1);
    EXPECT_CONTAINS(e.msg, "does not exist");
    EXPECT(access(path, F_OK) != 0);

    EXPECT_EQ_INT(store_open(path, STORE_READ_WRITE, &s, &e), 0);
    EXPECT_EQ_INT(store_schema_version(s), store_schema_latest());
    EXPECT(store_schema_latest() >= 1);
    struct store_app app;
    EXPECT_EQ_INT(store_app_get(s, STORE_FTP_CLIENT_APP, &app, &e), 0);
    EXPECT_EQ_STR(app.type, "client");
    EXPECT_EQ_INT(app.trust_list_defined, 0);
    store_close(s);

    sql_text(path, "PRAGMA journal_mode", text, sizeof text);
    EXPECT_EQ_STR(text, "wal");
    sql_text(path, "PRAGMA user_version", text, sizeof text);
    char latest[16];
    snprintf(latest, sizeof latest, "%d", store_schema_latest());
    EXPECT_EQ_STR(text, latest);

    /* Opening again applies nothing and keeps the data. */
    EXPECT_EQ_INT(store_open(path, STORE_READ_WRITE, &s, &e), 0);
    store_close(s);
    sql_text(path, "SELECT count(*) FROM applications", text, sizeof text);
    EXPECT_EQ_STR(text, "1");

    EXPECT_EQ_INT(store_open(path, STORE_READ_ONLY, &s, &e), 0);
    store_close(s);

    /* A store from a newer program is refused in both modes. */
    sql(path, "PRAGMA user_version = 99");
    EXPECT_EQ_INT(store_open(path, STORE_READ_WRITE, &s, &e), -1);
    EXPECT_CONTAINS(e.msg, "newer");
    EXPECT_EQ_INT(store_open(path, STORE_READ_ONLY, &s, &e), -1);
    EXPECT_CONTAINS(e.msg, "newer");
}

/* A store made by a program that knew only migrations 0001 and 0002 (an
 * application with a trust list and a revocation policy) is upgraded in
 * place: its data kept, the TLS policy at its default. */
static void upgrade_keeps_data(void)
{
    char path[256];
    struct err e;
    struct store *s = NULL;
    snprintf(path, sizeof path, "%s/old.db", dir);
    EXPECT(store_schema_latest() >= 3);
    sql(path, schema_migrations[0].sql);
    sql(path, schema_migrations[1].sql);
    sql(path, "PRAGMA user_version = 2");
    sql(path, "INSERT INTO applications (id, description, type, trust_list_defined, crl_policy) "
              "VALUES ('backup', 'nightly', 'client', 1, 'required')");
    /* A store that needs migrating is refused read-only... */
    EXPECT_EQ_INT(store_open(path, STORE_READ_ONLY, &s, &e), -1);
    EXPECT_CONTAINS(e.msg, "needs upgrading");
    /* ...and upgraded read-write, keeping what it held. */
    EXPECT_EQ_INT(store_open(path, STORE_READ_WRITE, &s, &e), 0);
    EXPECT_EQ_INT(store_schema_version(s), store_schema_latest());
    struct store_app app;
    EXPECT_EQ_INT(store_app_get(s, "backup", &app, &e), 0);
    EXPECT_EQ_STR(app.description, "nightly");
    EXPECT_EQ_INT(app.trust_list_defined, 1);
    EXPECT_EQ_STR(app.crl_policy, "required");
    EXPECT_EQ_STR(app.tls.tls_min, "");
    EXPECT_EQ_STR(app.tls.tls_max, "");
    EXPECT_EQ_STR(app.tls.ciphers, "");
    EXPECT_EQ_STR(app.tls.ciphersuites, "");
    EXPECT_EQ_INT(app.tls.sni, 1);
    EXPECT_EQ_INT(store_app_get(s, STORE_FTP_CLIENT_APP, &app, &e), 0);
    EXPECT_EQ_INT(app.tls.sni, 1);
    store_close(s);
}

static struct store *fresh_store(const char *name, char *path, size_t pathlen)
{
    struct err e;
    struct store *s = NULL;
    snprintf(path, pathlen, "%s/%s.db", dir, name);
    EXPECT_EQ_INT(store_open(path, STORE_READ_WRITE, &s, &e), 0);
    return s;
}

static void import_and_find(void)
{
    char path[256];
    struct err e;
    struct store *s = fresh_store("import", path, sizeof path);
    X509 *ca = make_cert("Example Root", 1, 1);
    X509 *ca2 = make_cert("Example Root", 1, 2);
    int added = 0;
    struct store_cert row, again, found;
    EXPECT_EQ_INT(store_cert_add(s, ca, NULL, &added, &row, &e), 0);
    EXPECT_EQ_INT(added, 1);
    EXPECT_EQ_STR(row.label, "Example Root");
    EXPECT_EQ_INT(row.is_ca, 1);
    EXPECT_EQ_INT(row.enabled, 1);
    EXPECT_EQ_STR(row.subject, "CN=Example Root");

    /* Duplicate: not added, the existing row returned. */
    EXPECT_EQ_INT(store_cert_add(s, ca, NULL, &added, &again, &e), 0);
    EXPECT_EQ_INT(added, 0);
    EXPECT_EQ_INT(again.id, row.id);

    /* Same CN, other certificate: the label is made unique. */
    EXPECT_EQ_INT(store_cert_add(s, ca2, NULL, &added, &again, &e), 0);
    EXPECT_EQ_INT(added, 1);
    EXPECT_EQ_STR(again.label, "Example Root (2)");

    /* Fingerprint forms: lower, upper with colons, prefix of 8. */
    char colon[CERTINFO_COLON_SHA256], prefix[9];
    certinfo_colon_form(row.sha256, colon);
    memcpy(prefix, row.sha256, 8);
    prefix[8] = '\0';
    EXPECT_EQ_INT(store_cert_find(s, row.sha256, &found, &e), 0);
    EXPECT_EQ_INT(found.id, row.id);
    EXPECT_EQ_INT(store_cert_find(s, colon, &found, &e), 0);
    EXPECT_EQ_INT(found.id, row.id);
    EXPECT_EQ_INT(store_cert_find(s, prefix, &found, &e), 0);
    EXPECT_EQ_INT(found.id, row.id);

    EXPECT_EQ_INT(store_cert_find(s, "abcdef1", &found, &e), -1);
    EXPECT_CONTAINS(e.msg, "at least 8");
    EXPECT_EQ_INT(store_cert_find(s, "not-hex-at-all", &found, &e), -1);
    EXPECT_EQ_INT(store_cert_find(s, "0000000000000000", &found, &e), -1);
    EXPECT_CONTAINS(e.msg, "no certificate");

    char hex[65];
    EXPECT_EQ_INT(store_normalize_fingerprint("AB:cd:01", hex), 6);
    EXPECT_EQ_STR(hex, "abcd01");

    /* Two fingerprints sharing a prefix: ambiguous, and the error lists both. */
    store_close(s);
    sql(path, "INSERT INTO certificates (der, sha256, label, subject, issuer, serial, not_before,"
              " not_after, is_ca, imported_at) VALUES"
              " (x'00', 'feedbeef00000000000000000000000000000000000000000000000000000001', 'one',"
              "  'CN=one', 'CN=one', '01', 0, 0, 1, 0),"
              " (x'00', 'feedbeef00000000000000000000000000000000000000000000000000000002', 'two',"
              "  'CN=two', 'CN=two', '02', 0, 0, 1, 0)");
    EXPECT_EQ_INT(store_open(path, STORE_READ_WRITE, &s, &e), 0);
    EXPECT_EQ_INT(store_cert_find(s, "FEEDBEEF", &found, &e), -1);
    EXPECT_CONTAINS(e.msg, "ambiguous");
    EXPECT_CONTAINS(e.msg, "(one)");
    EXPECT_CONTAINS(e.msg, "(two)");
    EXPECT_EQ_INT(store_cert_find(s, "feedbeef00000000000000000000000000000000000000000000000000000002",
                                  &found, &e), 0);
    EXPECT_EQ_STR(found.label, "two");
    store_close(s);
    X509_free(ca);
    X509_free(ca2);
}

/* Verifies target (a chain of one) against xs, as a handshake would. */
static int verifies(X509_STORE *xs, X509 *target)
{
    X509_STORE_CTX *vc = X509_STORE_CTX_new();
    int ok = vc != NULL && X509_STORE_CTX_init(vc, xs, target, NULL) == 1 &&
             X509_verify_cert(vc) == 1;
    X509_STORE_CTX_free(vc);
    return ok;
}

static void trust_lists(void)
{
    char path[256];
    struct err e;
    struct store *s = fresh_store("apps", path, sizeof path);
    X509_STORE *xs = NULL;
    int count = -1;

    /* Empty store: the client trusts nothing, and is told so. */
    EXPECT_EQ_INT(store_app_trust_anchors(s, STORE_FTP_CLIENT_APP, &xs, &count, &e), -1);
    EXPECT_CONTAINS(e.msg, "no enabled CA");

    X509 *a = make_cert("CA A", 1, 10), *b = make_cert("CA B", 1, 11), *leaf = make_cert("leaf", 0, 12);
    struct store_cert ra, rb, rl;
    int added;
    EXPECT_EQ_INT(store_cert_add(s, a, NULL, &added, &ra, &e), 0);
    EXPECT_EQ_INT(store_cert_add(s, b, NULL, &added, &rb, &e), 0);
    EXPECT_EQ_INT(store_cert_add(s, leaf, NULL, &added, &rl, &e), 0);
    EXPECT_EQ_INT(rl.is_ca, 0);

    /* No list defined: every enabled CA (not the leaf). */
    EXPECT_EQ_INT(store_app_trust_anchors(s, STORE_FTP_CLIENT_APP, &xs, &count, &e), 0);
    EXPECT_EQ_INT(count, 2);
    X509_STORE_free(xs);

    /* Defining the list with one CA narrows it to that CA. */
    EXPECT_EQ_INT(store_app_trust(s, STORE_FTP_CLIENT_APP, rb.id, &added, &e), 0);
    EXPECT_EQ_INT(added, 1);
    EXPECT_EQ_INT(store_app_trust(s, STORE_FTP_CLIENT_APP, rb.id, &added, &e), 0);
    EXPECT_EQ_INT(added, 0);
    struct store_app app;
    EXPECT_EQ_INT(store_app_get(s, STORE_FTP_CLIENT_APP, &app, &e), 0);
    EXPECT_EQ_INT(app.trust_list_defined, 1);
    EXPECT_EQ_INT(store_app_trust_anchors(s, STORE_FTP_CLIENT_APP, &xs, &count, &e), 0);
    EXPECT_EQ_INT(count, 1);
    /* Nothing is parsed until a verification asks... */
    EXPECT_EQ_INT(sk_X509_OBJECT_num(X509_STORE_get0_objects(xs)), 0);
    EXPECT(verifies(xs, b));
    EXPECT(!verifies(xs, a));
    /* ...and then only the CA it asked for is there. */
    STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(xs);
    EXPECT_EQ_INT(sk_X509_OBJECT_num(objs), 1);
    X509 *only = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, 0));
    EXPECT(only != NULL && X509_cmp(only, b) == 0);
    X509_STORE_free(xs);

    /* A disabled member is not used: the defined list then trusts nothing. */
    store_close(s);
    sql(path, "UPDATE certificates SET enabled = 0 WHERE label = 'CA B'");
    EXPECT_EQ_INT(store_open(path, STORE_READ_ONLY, &s, &e), 0);
    EXPECT_EQ_INT(store_app_trust_anchors(s, STORE_FTP_CLIENT_APP, &xs, &count, &e), -1);
    EXPECT_CONTAINS(e.msg, "trusts nothing");

    EXPECT_EQ_INT(store_app_trust_anchors(s, "no-such-app", &xs, &count, &e), -1);
    EXPECT_CONTAINS(e.msg, "not defined");
    store_close(s);
    X509_free(a);
    X509_free(b);
    X509_free(leaf);
}

/* A CA re-keyed under the same name: both keys are anchors, whichever a
 * chain names first. And the subject finder on good and bad input. */
static void lazy_anchors(void)
{
    char path[256];
    struct err e;
    struct store *s = fresh_store("lazy", path, sizeof path);
    X509 *old_key = make_cert("CA Rekeyed", 1, 20), *new_key = make_cert("CA Rekeyed", 1, 21);
    X509 *other = make_cert("CA Other", 1, 22);
    struct store_cert r;
    int added, count = 0;
    EXPECT_EQ_INT(store_cert_add(s, old_key, NULL, &added, &r, &e), 0);
    EXPECT_EQ_INT(store_cert_add(s, new_key, NULL, &added, &r, &e), 0);
    EXPECT_EQ_INT(store_cert_add(s, other, NULL, &added, &r, &e), 0);
    X509_STORE *xs = NULL;
    EXPECT_EQ_INT(store_app_trust_anchors(s, STORE_FTP_CLIENT_APP, &xs, &count, &e), 0);
    EXPECT_EQ_INT(count, 3);
    EXPECT(verifies(xs, new_key));
    EXPECT(verifies(xs, old_key));
    EXPECT(verifies(xs, other));
    EXPECT_EQ_INT(sk_X509_OBJECT_num(X509_STORE_get0_objects(xs)), 3);
    X509_STORE_free(xs);
    store_close(s);

    unsigned char *der = NULL;
    int len = i2d_X509(other, &der);
    unsigned char *name_der = NULL;
    int name_len = i2d_X509_NAME(X509_get_subject_name(other), &name_der);
    const unsigned char *found = NULL;
    size_t found_len = 0;
    EXPECT_EQ_INT(anchor_der_subject(der, (size_t)len, &found, &found_len), 0);
    EXPECT(found_len == (size_t)name_len && memcmp(found, name_der, found_len) == 0);
    /* Every truncation of the certificate is refused or stays inside it. */
    for (int cut = 0; cut < len; cut++) {
        int rc = anchor_der_subject(der, (size_t)cut, &found, &found_len);
        EXPECT(rc == -1 || (found >= der && found + found_len <= der + cut));
    }
    const unsigned char junk[] = {0x30, 0x80, 0x30, 0x03, 0x02, 0x01, 0x01};
    EXPECT_EQ_INT(anchor_der_subject(junk, sizeof junk, &found, &found_len), -1);
    OPENSSL_free(der);
    OPENSSL_free(name_der);
    X509_free(old_key);
    X509_free(new_key);
    X509_free(other);
}

static size_t to_pem(X509 *x, char *out, size_t outlen)
{
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, x);
    char *p;
    long n = BIO_get_mem_data(b, &p);
    size_t m = (size_t)n < outlen ? (size_t)n : outlen;
    memcpy(out, p, m);
    BIO_free(b);
    return m;
}

static void parse_files(void)
{
    struct err e;
    STACK_OF(X509) *certs = NULL;
    X509 *a = make_cert("P1", 1, 20), *b = make_cert("P2", 1, 21);
    char pem[8192];
    size_t n = to_pem(a, pem, sizeof pem);
    n += to_pem(b, pem + n, sizeof pem - n);

    EXPECT_EQ_INT(import_parse((unsigned char *)pem, n, "two.pem", NULL, &certs, &e), 0);
    EXPECT_EQ_INT(sk_X509_num(certs), 2);
    sk_X509_pop_free(certs, X509_free);

    unsigned char *der = NULL;
    int dlen = i2d_X509(a, &der);
    EXPECT_EQ_INT(import_parse(der, (size_t)dlen, "one.der", NULL, &certs, &e), 0);
    EXPECT_EQ_INT(sk_X509_num(certs), 1);
    sk_X509_pop_free(certs, X509_free);
    /* DER with trailing bytes is not a certificate file. */
    unsigned char *longer = malloc((size_t)dlen + 3);
    memcpy(longer, der, (size_t)dlen);
    memcpy(longer + dlen, "xyz", 3);
    EXPECT_EQ_INT(import_parse(longer, (size_t)dlen + 3, "junk.der", NULL, &certs, &e), -1);
    free(longer);
    OPENSSL_free(der);

    EXPECT_EQ_INT(import_parse((const unsigned char *)"hello", 5, "hello.txt", NULL, &certs, &e), -1);
    EXPECT_CONTAINS(e.msg, "hello.txt");
    EXPECT_EQ_INT(import_parse((const unsigned char *)"", 0, "empty.pem", NULL, &certs, &e), -1);
    EXPECT_CONTAINS(e.msg, "empty");

    /* A key in the bundle is named, with its position. */
    const char key[] = "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n";
    memcpy(pem + n, key, sizeof key - 1);
    EXPECT_EQ_INT(import_parse((unsigned char *)pem, n + sizeof key - 1, "mixed.pem", NULL, &certs, &e), -1);
    EXPECT_CONTAINS(e.msg, "mixed.pem: PEM block 3 is a PRIVATE KEY");

    /* A damaged base64 body. */
    const char bad[] = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
    EXPECT_EQ_INT(import_parse((const unsigned char *)bad, sizeof bad - 1, "bad.pem", NULL, &certs, &e), -1);
    EXPECT_CONTAINS(e.msg, "bad.pem");
    X509_free(a);
    X509_free(b);
}

/* Labels within one transaction and across transactions, a label taken
 * by hand stepped over, and labels with control characters refused. */
static void labels(void)
{
    char path[256];
    struct store *s = fresh_store("labels", path, sizeof path);
    struct err e;
    struct store_cert row;
    int added = 0;
    EXPECT_EQ_INT(store_begin(s, &e), 0);
    for (long i = 1; i <= 5; i++) {
        X509 *x = make_cert("Same Name", 1, i);
        EXPECT_EQ_INT(store_cert_add(s, x, NULL, &added, &row, &e), 0);
        X509_free(x);
    }
    EXPECT_EQ_STR(row.label, "Same Name (5)");
    EXPECT_EQ_INT(store_commit(s, &e), 0);
    /* A later transaction goes on from the largest suffix... */
    X509 *x = make_cert("Same Name", 1, 6);
    EXPECT_EQ_INT(store_cert_add(s, x, NULL, &added, &row, &e), 0);
    EXPECT_EQ_STR(row.label, "Same Name (6)");
    X509_free(x);
    /* ...and steps over a label given by hand in the meantime. */
    EXPECT_EQ_INT(store_begin(s, &e), 0);
    x = make_cert("Same Name", 1, 7);
    EXPECT_EQ_INT(store_cert_add(s, x, NULL, &added, &row, &e), 0);
    EXPECT_EQ_STR(row.label, "Same Name (7)");
    X509_free(x);
    x = make_cert("Other", 1, 8);
    struct store_cert_opts hand = { .label = "Same Name (8)" };
    EXPECT_EQ_INT(store_cert_add(s, x, &hand, &added, &row, &e), 0);
    X509_free(x);
    x = make_cert("Same Name", 1, 9);
    EXPECT_EQ_INT(store_cert_add(s, x, NULL, &added, &row, &e), 0);
    EXPECT_EQ_STR(row.label, "Same Name (9)");
    X509_free(x);
    /* Control characters in a given label are refused. */
    x = make_cert("Clean", 1, 10);
    struct store_cert_opts bad = { .label = "red\x1b[31m" };
    EXPECT_EQ_INT(store_cert_add(s, x, &bad, &added, &row, &e), -1);
    EXPECT_CONTAINS(e.msg, "control characters");
    X509_free(x);
    EXPECT_EQ_INT(store_cert_set_label(s, row.id, "bell\a", &e), -1);
    EXPECT_CONTAINS(e.msg, "control characters");
    EXPECT_EQ_INT(store_commit(s, &e), 0);
    store_close(s);
}

/* store_check_permissions: the file, -wal, -shm and the folder. */
static void permissions(void)
{
    char sub[300], path[340], wal[350];
    struct err e;
    snprintf(sub, sizeof sub, "%s/perm", dir);
    EXPECT_EQ_INT(mkdir(sub, 0755), 0);
    EXPECT_EQ_INT(chmod(sub, 0755), 0);
    snprintf(path, sizeof path, "%s/trust.db", sub);
    snprintf(wal, sizeof wal, "%s-wal", path);
    EXPECT_EQ_INT(store_check_permissions(path, getuid(), &e), 0); /* nothing there yet */
    struct store *s = NULL;
    EXPECT_EQ_INT(store_open(path, STORE_READ_WRITE, &s, &e), 0);
    store_close(s);
    EXPECT_EQ_INT(store_check_permissions(path, getuid(), &e), 0);
    EXPECT_EQ_INT(chmod(wal, 0666), 0);
    EXPECT_EQ_INT(store_check_permissions(path, getuid(), &e), -1);
    EXPECT_CONTAINS(e.msg, "-wal has mode 0666");
    EXPECT_EQ_INT(chmod(wal, 0644), 0);
    EXPECT_EQ_INT(chmod(sub, 01777), 0);
    EXPECT_EQ_INT(store_check_permissions(path, getuid(), &e), -1);
    EXPECT_CONTAINS(e.msg, "its folder");
    EXPECT_CONTAINS(e.msg, "mode 1777");
    EXPECT_EQ_INT(chmod(sub, 0755), 0);
    if (getuid() == 0) {
        EXPECT_EQ_INT(chown(path, 4242, 4242), 0);
        EXPECT_EQ_INT(store_check_permissions(path, 0, &e), -1);
        EXPECT_CONTAINS(e.msg, "owned by uid 4242, neither root nor uid 0");
        EXPECT_EQ_INT(store_check_permissions(path, 4242, &e), 0);
        EXPECT_EQ_INT(chown(path, 0, 0), 0);
        EXPECT_EQ_INT(store_check_permissions(path, 4242, &e), 0); /* root's store, any user */
    }
}

/* What a walk's callback saw, and when it stops or fails. */
struct walk {
    int calls;
    int stop_at;  /* return 1 at this call (0: never) */
    int fail_at;  /* return -1 with an error at this call (0: never) */
    char seen[1024];
};

static int walk_step(struct walk *w, const char *name, struct err *e)
{
    w->calls++;
    size_t used = strlen(w->seen);
    snprintf(w->seen + used, sizeof w->seen - used, "%s%s", used ? "," : "", name);
    if (w->calls == w->fail_at)
        return err_set(e, ERR_LOCAL, "callback failed at %s", name);
    return w->calls == w->stop_at ? 1 : 0;
}

static int walk_cert(const struct store_cert *c, void *arg, struct err *e)
{
    return walk_step(arg, c->label, e);
}

static int walk_app(const struct store_app *a, void *arg, struct err *e)
{
    return walk_step(arg, a->id, e);
}

static int walk_crl(const struct store_crl *c, void *arg, struct err *e)
{
    char name[16];
    snprintf(name, sizeof name, "%.8s", c->sha256);
    return walk_step(arg, name, e);
}

static int walk_audit(const struct store_audit_entry *a, void *arg, struct err *e)
{
    return walk_step(arg, a->action, e);
}

/* The applications that trust c, as "a,b". */
static const char *trusted_by(struct store *s, const char *spec)
{
    static struct walk w;
    struct store_cert c;
    struct err e;
    memset(&w, 0, sizeof w);
    if (store_cert_find(s, spec, &c, &e) != 0 || store_cert_trusted_by(s, &c, walk_app, &w, &e) != 0)
        return "(error)";
    return w.seen;
}

/* enable, disable, label, remove, and which applications trust a CA. */
static void cert_changes(void)
{
    char path[256];
    struct err e;
    struct store *s = fresh_store("changes", path, sizeof path);
    X509 *a = make_cert("CA A", 1, 30), *b = make_cert("CA B", 1, 31), *leaf = make_cert("leaf", 0, 32);
    struct store_cert ra, rb, rl, found;
    int added = 0;
    EXPECT_EQ_INT(store_cert_add(s, a, NULL, &added, &ra, &e), 0);
    EXPECT_EQ_INT(store_cert_add(s, b, NULL, &added, &rb, &e), 0);
    EXPECT_EQ_INT(store_cert_add(s, leaf, NULL, &added, &rl, &e), 0);

    /* No trust list: every application trusts every enabled CA, no leaf. */
    EXPECT_EQ_STR(trusted_by(s, "CA A"), STORE_FTP_CLIENT_APP);
    EXPECT_EQ_INT(store_app_add(s, "payroll", "Payroll", "client", &e), 0);
    EXPECT_EQ_STR(trusted_by(s, "CA A"), "ftp-client,payroll");
    EXPECT_EQ_STR(trusted_by(s, "leaf"), "");
    /* A defined list narrows it to its members. */
    EXPECT_EQ_INT(store_app_trust(s, "payroll", rb.id, &added, &e), 0);
    EXPECT_EQ_STR(trusted_by(s, "CA A"), STORE_FTP_CLIENT_APP);
    EXPECT_EQ_STR(trusted_by(s, "CA B"), "ftp-client,payroll");
    /* A pinned leaf on a list is trusted by that list only. */
    EXPECT_EQ_INT(store_app_trust(s, "payroll", rl.id, &added, &e), 0);
    EXPECT_EQ_STR(trusted_by(s, "leaf"), "payroll");

    /* Disabled: stored, found, trusted by none; enabled again: as before. */
    EXPECT_EQ_INT(store_cert_set_enabled(s, rb.id, 0, &e), 0);
    EXPECT_EQ_INT(store_cert_find(s, "CA B", &found, &e), 0);
    EXPECT_EQ_INT(found.enabled, 0);
    EXPECT_EQ_STR(trusted_by(s, "CA B"), "");
    EXPECT_EQ_INT(store_cert_set_enabled(s, rb.id, 1, &e), 0);
    EXPECT_EQ_INT(store_cert_find(s, "CA B", &found, &e), 0);
    EXPECT_EQ_INT(found.enabled, 1);
    EXPECT_EQ_STR(trusted_by(s, "CA B"), "ftp-client,payroll");

    /* Labels: the new one finds it, the old one no longer does, a taken
     * or empty one is refused. */
    EXPECT_EQ_INT(store_cert_set_label(s, ra.id, "Renamed A", &e), 0);
    EXPECT_EQ_INT(store_cert_find(s, "Renamed A", &found, &e), 0);
    EXPECT_EQ_INT(found.id, ra.id);
    EXPECT_EQ_INT(store_cert_find(s, "CA A", &found, &e), -1);
    EXPECT_EQ_INT(e.code, ERR_NOTFOUND);
    EXPECT_EQ_INT(store_cert_set_label(s, rb.id, "Renamed A", &e), -1);
    EXPECT_CONTAINS(e.msg, "already in use");
    EXPECT_EQ_INT(store_cert_set_label(s, rb.id, "", &e), -1);
    EXPECT_CONTAINS(e.msg, "cannot be empty");

    /* Remove: refused while a list holds it (naming the list), done with
     * force, which takes it off the list. */
    EXPECT_EQ_INT(store_cert_remove(s, rb.id, 0, &e), -1);
    EXPECT_EQ_INT(e.code, ERR_USAGE);
    EXPECT_CONTAINS(e.msg, "payroll");
    EXPECT_EQ_INT(store_cert_find(s, "CA B", &found, &e), 0);
    EXPECT_EQ_INT(store_cert_remove(s, rb.id, 1, &e), 0);
    EXPECT_EQ_INT(store_cert_find(s, "CA B", &found, &e), -1);
    EXPECT_EQ_INT(e.code, ERR_NOTFOUND);
    struct walk w = { 0 };
    EXPECT_EQ_INT(store_app_list_members(s, "payroll", walk_cert, &w, &e), 0);
    EXPECT_EQ_STR(w.seen, "leaf");
    EXPECT_EQ_INT(store_cert_remove(s, ra.id, 0, &e), 0); /* on no list */
    memset(&w, 0, sizeof w);
    EXPECT_EQ_INT(store_cert_list(s, walk_cert, &w, &e), 0);
    EXPECT_EQ_STR(w.seen, "leaf");

    /* A certificate whose stored form is damaged: an error naming it. */
    store_close(s);
    sql(path, "UPDATE certificates SET der = x'3082' WHERE label = 'leaf'");
    EXPECT_EQ_INT(store_open(path, STORE_READ_ONLY, &s, &e), 0);
    X509 *x = store_cert_x509(s, rl.id, &e);
    EXPECT(x == NULL);
    EXPECT_EQ_INT(e.code, ERR_STORE);
    EXPECT_CONTAINS(e.msg, "'leaf'");
    char colon[CERTINFO_COLON_SHA256];
    certinfo_colon_form(rl.sha256, colon);
    EXPECT_CONTAINS(e.msg, colon);
    X509_free(x);
    EXPECT(store_cert_x509(s, 999999, &e) == NULL);
    EXPECT_EQ_INT(e.code, ERR_NOTFOUND);
    store_close(s);
    X509_free(a);
    X509_free(b);
    X509_free(leaf);
}

/* A CRL from ca (signed with key) that revokes serial. */
static X509_CRL *make_crl(X509 *ca, EVP_PKEY *key, long serial, long next_days)
{
    X509_CRL *crl = X509_CRL_new();
    X509_CRL_set_version(crl, 1);
    X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca));
    ASN1_TIME *t = ASN1_TIME_adj(NULL, time(NULL), 0, 0);
    X509_CRL_set1_lastUpdate(crl, t);
    ASN1_TIME_adj(t, time(NULL), (int)next_days, 0);
    X509_CRL_set1_nextUpdate(crl, t);
    ASN1_TIME_free(t);
    X509_REVOKED *r = X509_REVOKED_new();
    ASN1_INTEGER *sn = ASN1_INTEGER_new();
    ASN1_INTEGER_set(sn, serial);
    X509_REVOKED_set_serialNumber(r, sn);
    ASN1_INTEGER_free(sn);
    t = ASN1_TIME_adj(NULL, time(NULL), 0, 0);
    X509_REVOKED_set_revocationDate(r, t);
    ASN1_TIME_free(t);
    X509_CRL_add0_revoked(crl, r);
    X509_CRL_sort(crl);
    X509_CRL_sign(crl, key, EVP_sha256());
    return crl;
}

static void crls(void)
{
    char path[256];
    struct err e;
    struct store *s = fresh_store("crls", path, sizeof path);
    EVP_PKEY *key = NULL, *other_key = NULL;
    X509 *ca = make_cert_key("CRL CA", 1, 40, &key);
    X509 *other = make_cert_key("CRL CA", 1, 41, &other_key); /* same name, other key */
    struct store_cert rca;
    int added = 0;
    EXPECT_EQ_INT(store_cert_add(s, ca, NULL, &added, &rca, &e), 0);

    /* Signed by a CA that is not in the store: refused. */
    X509_CRL *stranger = make_crl(other, other_key, 5, 7);
    struct store_crl row, again, found;
    EXPECT_EQ_INT(store_crl_add(s, stranger, &added, &row, &e), -1);
    EXPECT_EQ_INT(e.code, ERR_VERIFY);
    EXPECT_CONTAINS(e.msg, "not signed by a CA in the trust store");

    X509_CRL *crl = make_crl(ca, key, 77, 7);
    EXPECT_EQ_INT(store_crl_add(s, crl, &added, &row, &e), 0);
    EXPECT_EQ_INT(added, 1);
    EXPECT_EQ_INT(row.issuer_id, rca.id);
    EXPECT_EQ_INT(row.entries, 1);
    EXPECT_EQ_STR(row.issuer, "CN=CRL CA");
    EXPECT(row.next_update > row.this_update);
    EXPECT_EQ_INT(store_crl_add(s, crl, &added, &again, &e), 0); /* the same again */
    EXPECT_EQ_INT(added, 0);
    EXPECT_EQ_INT(again.id, row.id);

    /* Lookup by the whole fingerprint, upper case with colons, or 8 digits. */
    char colon[CERTINFO_COLON_SHA256], prefix[9];
    certinfo_colon_form(row.sha256, colon);
    memcpy(prefix, row.sha256, 8);
    prefix[8] = '\0';
    EXPECT_EQ_INT(store_crl_find(s, row.sha256, &found, &e), 0);
    EXPECT_EQ_INT(found.id, row.id);
    EXPECT_EQ_INT(store_crl_find(s, colon, &found, &e), 0);
    EXPECT_EQ_INT(found.id, row.id);
    EXPECT_EQ_INT(store_crl_find(s, prefix, &found, &e), 0);
    EXPECT_EQ_INT(found.id, row.id);
    EXPECT_EQ_INT(store_crl_find(s, "abcdef1", &found, &e), -1);
    EXPECT_EQ_INT(e.code, ERR_USAGE);
    EXPECT_EQ_INT(store_crl_find(s, row.sha256[0] == '0' ? "11111111" : "00000000", &found, &e), -1);
    EXPECT_EQ_INT(e.code, ERR_NOTFOUND);

    /* The stored CRL is the one imported. */
    X509_CRL *back = store_crl_x509(s, row.id, &e);
    EXPECT(back != NULL && X509_CRL_cmp(back, crl) == 0);
    X509_REVOKED *entry = NULL;
    EXPECT(back != NULL && X509_CRL_get0_by_serial(back, &entry, X509_get0_serialNumber(ca)) == 0);
    X509_CRL_free(back);
    EXPECT(store_crl_x509(s, 999999, &e) == NULL);
    EXPECT_EQ_INT(e.code, ERR_NOTFOUND);

    /* A second CRL; the list has both; removing the CA removes its CRLs. */
    X509_CRL *newer = make_crl(ca, key, 78, 14);
    EXPECT_EQ_INT(store_crl_add(s, newer, &added, &again, &e), 0);
    EXPECT_EQ_INT(added, 1);
    struct walk w = { 0 };
    EXPECT_EQ_INT(store_crl_list(s, walk_crl, &w, &e), 0);
    EXPECT_EQ_INT(w.calls, 2);
    EXPECT_EQ_INT(store_crl_remove(s, again.id, &e), 0);
    memset(&w, 0, sizeof w);
    EXPECT_EQ_INT(store_crl_list(s, walk_crl, &w, &e), 0);
    EXPECT_EQ_INT(w.calls, 1);
    EXPECT_EQ_INT(store_cert_remove(s, rca.id, 0, &e), 0);
    memset(&w, 0, sizeof w);
    EXPECT_EQ_INT(store_crl_list(s, walk_crl, &w, &e), 0);
    EXPECT_EQ_INT(w.calls, 0);
    store_close(s);
    X509_CRL_free(stranger);
    X509_CRL_free(crl);
    X509_CRL_free(newer);
    X509_free(ca);
    X509_free(other);
    EVP_PKEY_free(key);
    EVP_PKEY_free(other_key);
}

struct audit_rows {
    int n;
    char action[8][32];
    char subject[8][700];
};

static int keep_audit(const struct store_audit_entry *a, void *arg, struct err *e)
{
    (void)e;
    struct audit_rows *r = arg;
    if (r->n < 8) {
        snprintf(r->action[r->n], sizeof r->action[r->n], "%s", a->action);
        snprintf(r->subject[r->n], sizeof r->subject[r->n], "%s", a->subject);
    }
    r->n++;
    return 0;
}

/* Every change leaves one audit entry, in order, in its own transaction:
 * a rolled-back change leaves none. */
static void audit_log(void)
{
    char path[256];
    struct err e;
    struct store *s = fresh_store("audit", path, sizeof path);
    X509 *a = make_cert("Audited CA", 1, 50), *b = make_cert("Rolled Back", 1, 51);
    struct store_cert ra, rb;
    int added = 0;
    EXPECT_EQ_INT(store_cert_add(s, a, NULL, &added, &ra, &e), 0);
    EXPECT_EQ_INT(store_app_add(s, "backup", NULL, "client", &e), 0);
    EXPECT_EQ_INT(store_app_trust(s, "backup", ra.id, &added, &e), 0);
    EXPECT_EQ_INT(store_app_trust(s, "backup", ra.id, &added, &e), 0); /* no change: no entry */
    EXPECT_EQ_INT(store_cert_set_enabled(s, ra.id, 0, &e), 0);
    EXPECT_EQ_INT(store_begin(s, &e), 0);
    EXPECT_EQ_INT(store_cert_add(s, b, NULL, &added, &rb, &e), 0);
    store_rollback(s);

    struct audit_rows r;
    memset(&r, 0, sizeof r);
    EXPECT_EQ_INT(store_audit_list(s, 0, keep_audit, &r, &e), 0);
    EXPECT_EQ_INT(r.n, 4);
    EXPECT_EQ_STR(r.action[0], "import");
    EXPECT_EQ_STR(r.subject[0], ra.sha256);
    EXPECT_EQ_STR(r.action[1], "app add");
    EXPECT_EQ_STR(r.subject[1], "backup");
    EXPECT_EQ_STR(r.action[2], "trust");
    char subject[128];
    snprintf(subject, sizeof subject, "backup %s", ra.sha256);
    EXPECT_EQ_STR(r.subject[2], subject);
    EXPECT_EQ_STR(r.action[3], "disable");
    EXPECT_EQ_STR(r.subject[3], ra.sha256);
    /* Entries from a time after now: none. */
    memset(&r, 0, sizeof r);
    EXPECT_EQ_INT(store_audit_list(s, (int64_t)time(NULL) + 3600, keep_audit, &r, &e), 0);
    EXPECT_EQ_INT(r.n, 0);
    store_close(s);
    X509_free(a);
    X509_free(b);
}

/* The TLS policy: validated as a whole, stored, audited per setting. */
static void tls_policy(void)
{
    char path[256];
    struct err e;
    struct store *s = fresh_store("tls", path, sizeof path);
    struct store_tls_policy p = { .sni = 1 };
    snprintf(p.tls_min, sizeof p.tls_min, "1.3");
    snprintf(p.tls_max, sizeof p.tls_max, "1.2");
    EXPECT_EQ_INT(store_app_set_tls_policy(s, STORE_FTP_CLIENT_APP, &p, &e), -1);
    EXPECT_EQ_STR(e.msg, "--tls-min 1.3 is above --tls-max 1.2");
    snprintf(p.tls_max, sizeof p.tls_max, "1.4");
    EXPECT_EQ_INT(store_tls_policy_check(&p, &e), -1);
    EXPECT_EQ_STR(e.msg, "--tls-max takes 1.2 or 1.3, not '1.4'");
    p.tls_max[0] = '\0';
    snprintf(p.ciphers, sizeof p.ciphers, "NO-SUCH-CIPHER");
    EXPECT_EQ_INT(store_tls_policy_check(&p, &e), -1);
    EXPECT_CONTAINS(e.msg, "--ciphers 'NO-SUCH-CIPHER'");
    snprintf(p.ciphers, sizeof p.ciphers, "ECDHE+AESGCM\n");
    EXPECT_EQ_INT(store_tls_policy_check(&p, &e), -1);
    EXPECT_CONTAINS(e.msg, "printable");
    snprintf(p.ciphers, sizeof p.ciphers, "ECDHE+AESGCM");
    snprintf(p.ciphersuites, sizeof p.ciphersuites, "TLS_NO_SUCH");
    EXPECT_EQ_INT(store_tls_policy_check(&p, &e), -1);
    EXPECT_CONTAINS(e.msg, "--ciphersuites");
    snprintf(p.ciphersuites, sizeof p.ciphersuites, "TLS_AES_256_GCM_SHA384");
    p.sni = 0;
    EXPECT_EQ_INT(store_app_set_tls_policy(s, STORE_FTP_CLIENT_APP, &p, &e), 0);
    struct store_app app;
    EXPECT_EQ_INT(store_app_get(s, STORE_FTP_CLIENT_APP, &app, &e), 0);
    EXPECT_EQ_STR(app.tls.tls_min, "1.3");
    EXPECT_EQ_STR(app.tls.tls_max, "");
    EXPECT_EQ_STR(app.tls.ciphers, "ECDHE+AESGCM");
    EXPECT_EQ_STR(app.tls.ciphersuites, "TLS_AES_256_GCM_SHA384");
    EXPECT_EQ_INT(app.tls.sni, 0);
    /* Back to the default: stored as NULL, one entry per changed setting. */
    struct store_tls_policy def = { .sni = 1 };
    snprintf(def.tls_min, sizeof def.tls_min, "1.3");
    EXPECT_EQ_INT(store_app_set_tls_policy(s, STORE_FTP_CLIENT_APP, &def, &e), 0);
    char text[64];
    sql_text(path, "SELECT count(*) FROM applications WHERE ciphers IS NULL AND ciphersuites IS NULL "
                   "AND tls_max IS NULL AND tls_min = '1.3' AND sni = 1", text, sizeof text);
    EXPECT_EQ_STR(text, "1");
    struct audit_rows r;
    memset(&r, 0, sizeof r);
    EXPECT_EQ_INT(store_audit_list(s, 0, keep_audit, &r, &e), 0);
    EXPECT_EQ_INT(r.n, 7);
    EXPECT_EQ_STR(r.action[0], "app set");
    EXPECT_EQ_STR(r.subject[0], "ftp-client tls-min 1.3");
    EXPECT_EQ_STR(r.subject[1], "ftp-client ciphers ECDHE+AESGCM");
    EXPECT_EQ_STR(r.subject[3], "ftp-client sni off");
    EXPECT_EQ_STR(r.subject[4], "ftp-client ciphers default");
    EXPECT_EQ_STR(r.subject[6], "ftp-client sni on");
    EXPECT_EQ_INT(store_app_set_tls_policy(s, "nobody", &def, &e), -1);
    EXPECT_EQ_INT(e.code, ERR_NOTFOUND);
    store_close(s);
}

/* The callback convention of every walk: negative is an error the walk
 * returns with the callback's message, positive stops it early. */
static void callback_results(void)
{
    char path[256];
    struct err e;
    struct store *s = fresh_store("walks", path, sizeof path);
    int added = 0;
    struct store_cert row;
    for (long i = 0; i < 3; i++) {
        char cn[16];
        snprintf(cn, sizeof cn, "Walk %ld", i);
        X509 *x = make_cert(cn, 1, 60 + i);
        EXPECT_EQ_INT(store_cert_add(s, x, NULL, &added, &row, &e), 0);
        X509_free(x);
    }
    EXPECT_EQ_INT(store_app_add(s, "second", NULL, "client", &e), 0);

    struct walk w = { 0 };
    EXPECT_EQ_INT(store_cert_list(s, walk_cert, &w, &e), 0);
    EXPECT_EQ_STR(w.seen, "Walk 0,Walk 1,Walk 2");

    memset(&w, 0, sizeof w);
    w.fail_at = 2;
    err_clear(&e);
    EXPECT_EQ_INT(store_cert_list(s, walk_cert, &w, &e), -1);
    EXPECT_EQ_INT(w.calls, 2);
    EXPECT_EQ_INT(e.code, ERR_LOCAL);
    EXPECT_EQ_STR(e.msg, "callback failed at Walk 1");

    memset(&w, 0, sizeof w);
    w.stop_at = 1;
    EXPECT_EQ_INT(store_cert_list(s, walk_cert, &w, &e), 0);
    EXPECT_EQ_STR(w.seen, "Walk 0");

    memset(&w, 0, sizeof w);
    w.fail_at = 3;
    EXPECT_EQ_INT(store_app_effective(s, STORE_FTP_CLIENT_APP, walk_cert, &w, &e), -1);
    EXPECT_EQ_STR(e.msg, "callback failed at Walk 2");
    memset(&w, 0, sizeof w);
    w.stop_at = 2;
    EXPECT_EQ_INT(store_app_effective(s, STORE_FTP_CLIENT_APP, walk_cert, &w, &e), 0);
    EXPECT_EQ_INT(w.calls, 2);

    memset(&w, 0, sizeof w);
    w.fail_at = 1;
    EXPECT_EQ_INT(store_app_list(s, walk_app, &w, &e), -1);
    EXPECT_EQ_STR(e.msg, "callback failed at ftp-client");
    memset(&w, 0, sizeof w);
    w.stop_at = 1;
    EXPECT_EQ_INT(store_app_list(s, walk_app, &w, &e), 0);
    EXPECT_EQ_STR(w.seen, STORE_FTP_CLIENT_APP);

    memset(&w, 0, sizeof w);
    w.fail_at = 2;
    EXPECT_EQ_INT(store_cert_trusted_by(s, &row, walk_app, &w, &e), -1);
    EXPECT_EQ_STR(e.msg, "callback failed at second");

    memset(&w, 0, sizeof w);
    w.fail_at = 3;
    EXPECT_EQ_INT(store_audit_list(s, 0, walk_audit, &w, &e), -1);
    EXPECT_EQ_INT(w.calls, 3);
    EXPECT_EQ_STR(e.msg, "callback failed at import");
    memset(&w, 0, sizeof w);
    w.stop_at = 1;
    EXPECT_EQ_INT(store_audit_list(s, 0, walk_audit, &w, &e), 0);
    EXPECT_EQ_INT(w.calls, 1);
    store_close(s);
}

/* A managed store refuses writes to fleet-owned tables in the library
 * itself, for any caller; local tables (audit) stay writable, and
 * unsubscribe lifts it. */
static void managed_refusals(void)
{
    char path[256];
    struct err e;
    struct store *s = fresh_store("managed", path, sizeof path);
    X509 *ca = make_cert("Fleet Pinned", 1, 40), *other = make_cert("Local CA", 1, 41);
    int added = 0;
    struct store_cert row;
    EXPECT_EQ_INT(store_begin(s, &e), 0);
    EXPECT_EQ_INT(store_fleet_subscribe(s, "https://fleet.example/trust", ca, NULL, &e), 0);
    EXPECT_EQ_INT(store_commit(s, &e), 0);
    EXPECT_EQ_INT(store_cert_add(s, other, NULL, &added, &row, &e), -1);
    EXPECT_CONTAINS(e.msg, "is managed by the fleet publisher at https://fleet.example/trust");
    EXPECT_EQ_INT(store_app_add(s, "local", "", "client", &e), -1);
    EXPECT_CONTAINS(e.msg, "is managed by the fleet publisher");
    EXPECT_EQ_INT(store_audit(s, "test", "a local note", &e), 0);
    EXPECT_EQ_INT(store_begin(s, &e), 0);
    EXPECT_EQ_INT(store_fleet_unsubscribe(s, &e), 0);
    EXPECT_EQ_INT(store_commit(s, &e), 0);
    EXPECT_EQ_INT(store_cert_add(s, other, NULL, &added, &row, &e), 0);
    EXPECT_EQ_INT(added, 1);
    X509_free(ca);
    X509_free(other);
    store_close(s);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    migrations();
    upgrade_keeps_data();
    import_and_find();
    trust_lists();
    lazy_anchors();
    parse_files();
    labels();
    permissions();
    cert_changes();
    crls();
    audit_log();
    callback_results();
    tls_policy();
    managed_refusals();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return expect_done("test_store");
}
