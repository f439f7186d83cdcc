/*
 * cli_fleet: one trust policy for a fleet (docs/fleet.md). publish writes
 * a signed, numbered snapshot of what the fleet owns into a folder any
 * web server can carry; subscribe makes a store managed by a publisher;
 * sync fetches, verifies and installs the newest snapshot; status says
 * where a store stands; unsubscribe makes it local again.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "common/certinfo.h"
#include "common/file_write.h"
#include "trustd/cli/cli_internal.h"
#include "trustd/cli/crl_fetch.h"
#include "trustd/cli/fleet_sign.h"
#include "trustd/store/fleet_manifest.h"
#include "trustd/store/import.h"
#include "trustd/store/since.h"

#define MANIFEST_NAME "manifest.p7m"
#define SNAPSHOT_PREFIX "snapshot-"
#define SNAPSHOT_SUFFIX ".db"
#define VALID_FOR_DEFAULT (7 * 86400L)
#define VALID_FOR_MAX (366 * 86400L)
#define SYNC_TIMEOUT_DEFAULT 30L
#define SYNC_TIMEOUT_MAX 3600L
/* --timeout is how long the server may be silent; a fetch that keeps
 * going but slowly (a busy machine, a slow link) may take this many
 * times as long in all before it is cut off. */
#define SYNC_TOTAL_FACTOR 20L
/* Connecting, TLS handshake included, may take this many times
 * --timeout: a busy web server (hundreds of subscribers fetching at once)
 * answers new handshakes late, after the transfers it is already at. */
#define SYNC_CONNECT_FACTOR 4L
/* As large as restore reads. */
#define SNAPSHOT_BYTES_MAX (512u * 1024 * 1024)

static void iso(int64_t t, char *out, size_t outlen)
{
    certinfo_format_iso(t, out, outlen);
}

/* The certificates of a file, at least one (the caller frees them). */
static int read_certs(const char *path, STACK_OF(X509) **out, struct err *e)
{
    unsigned char *data = NULL;
    size_t len = 0;
    if (import_read_file(path, &data, &len, e) != 0)
        return -1;
    int rc = import_check_size(len, path, e) == 0 ? import_parse(data, len, path, NULL, out, e) : -1;
    free(data);
    return rc;
}

static int read_one_cert(const char *path, const char *what, X509 **out, struct err *e)
{
    STACK_OF(X509) *certs = NULL;
    if (read_certs(path, &certs, e) != 0)
        return err_prefix(e, "%s", what);
    if (sk_X509_num(certs) != 1) {
        int n = sk_X509_num(certs);
        sk_X509_pop_free(certs, X509_free);
        return err_set(e, ERR_USAGE, "%s %s: %d certificates where one was expected", what, path, n);
    }
    *out = sk_X509_shift(certs);
    sk_X509_free(certs);
    return 0;
}

/* A duration: N followed by s, m, h or d. */
static int parse_duration(const char *opt, const char *text, long max, long *out, struct err *e)
{
    size_t n = strlen(text);
    int64_t now = (int64_t)time(NULL), from = 0;
    if (n < 2 || strchr("smhd", text[n - 1]) == NULL || since_parse(text, now, &from) != 0 ||
        now - from < 1 || now - from > max)
        return err_set(e, ERR_USAGE, "%s takes a duration (90s, 30m, 12h, 7d; at most %ld days), "
                       "not '%s'", opt, max / 86400, text);
    *out = (long)(now - from);
    return 0;
}

/* ---- publish ---- */

/* How far ahead of the clock a serial may run (serials are clock seconds;
 * publishing more than once a second moves them on by one). */
#define SERIAL_AHEAD_MAX 86400L

/* The manifest already in dir, if this publisher could have signed it: 1
 * with its serial when it verifies against anchors (the trustd-fleet CAs)
 * and parses, 0 when there is none, -1 with why when there is one that is
 * not ours (not a regular file, unreadable, or not verified): a publisher
 * restored from an old backup still moves past its own serial, and a
 * planted file chooses neither the serial nor what is pruned. */
static int folder_manifest(const char *dir, X509_STORE *anchors, int64_t *serial, char *why,
                           size_t whylen)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, MANIFEST_NAME);
    *serial = 0;
    /* No link followed, and a FIFO does not block the open. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0) {
        snprintf(why, whylen, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    unsigned char *data = NULL;
    ssize_t len = 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        snprintf(why, whylen, "not a regular file");
    else if (st.st_size <= 0 || (uintmax_t)st.st_size > FLEET_SIGNED_MAX)
        snprintf(why, whylen, "its size (%jd bytes) is wrong", (intmax_t)st.st_size);
    else if ((data = malloc((size_t)st.st_size)) == NULL ||
             (len = read(fd, data, (size_t)st.st_size)) != (ssize_t)st.st_size)
        snprintf(why, whylen, "cannot read it");
    close(fd);
    if (len <= 0 || len != (ssize_t)st.st_size) {
        free(data);
        return -1;
    }
    unsigned char *text = NULL;
    size_t textlen = 0;
    char signer[512];
    struct fleet_manifest m;
    struct err e;
    int rc = fleet_verify_trust(data, (size_t)len, path, anchors, &text, &textlen, signer,
                                sizeof signer, &e);
    free(data);
    if (rc == 0)
        rc = fleet_manifest_parse(text, textlen, &m, &e);
    free(text);
    if (rc != 0) {
        snprintf(why, whylen, "%s", e.msg);
        return -1;
    }
    *serial = m.serial;
    return 1;
}

struct publish {
    const char *dir;
    X509_STORE *anchors;   /* the trustd-fleet CAs */
    int prune;             /* the folder's manifest was ours (or there was none) */
    X509 *signer;
    EVP_PKEY *key;
    long valid_for;
    const char *on_stale;
    STACK_OF(X509) *certs; /* embedded: the CAs between the signer and the anchor */
    X509 *anchor;          /* the CA the chain ends at, as a subscriber pins it */
    struct fleet_manifest m;
    int64_t previous;   /* the serial published before, 0 when none */
    unsigned char *der; /* the signed manifest, written after the commit */
    size_t derlen;
    struct err *e;
};

/* What a subscriber pinning the anchor does with the new manifest: its
 * text must come back, or nothing is published. */
static int publish_self_check(const struct publish *p, const unsigned char *der, size_t derlen,
                              const char *text, size_t len, struct err *e)
{
    unsigned char *back = NULL;
    size_t backlen = 0;
    char signer[512], ca[512];
    certinfo_name(X509_get_subject_name(p->anchor), ca, sizeof ca);
    if (fleet_verify(der, derlen, "the new manifest", p->anchor, &back, &backlen, signer,
                     sizeof signer, e) != 0)
        return err_suffix(e, " (a subscriber pinning %s would refuse it)", ca);
    int same = backlen == len && memcmp(back, text, len) == 0;
    free(back);
    return same ? 0 : err_set(e, ERR_INTERNAL, "the new manifest does not verify to its own text");
}

static int run_publish(struct cli *c, void *arg)
{
    struct publish *p = arg;
    struct err *e = p->e;
    int64_t last = 0, now = (int64_t)time(NULL);
    if (store_fleet_publisher_serial(c->s, &last, e) != 0)
        return -1;
    char why[ERR_MSG_MAX];
    p->prune = folder_manifest(p->dir, p->anchors, &p->previous, why, sizeof why) >= 0;
    if (!p->prune)
        cli_warn("%s/%s is not a manifest this publisher signed (%s): its serial is ignored and "
                 "no older snapshot is removed", p->dir, MANIFEST_NAME, why);
    int64_t serial = now;
    if (last + 1 > serial)
        serial = last + 1;
    if (p->previous + 1 > serial)
        serial = p->previous + 1;
    if (serial > now + SERIAL_AHEAD_MAX)
        return err_set(e, ERR_LOCAL, "the next serial would be %" PRId64 ", more than a day ahead "
                       "of the clock (%" PRId64 "; this store published %" PRId64 ", the folder's "
                       "manifest says %" PRId64 "): check the clock", serial, now, last, p->previous);
    unsigned char *image = NULL;
    size_t len = 0;
    if (store_snapshot_make(c->s, &image, &len, e) != 0)
        return -1;
    /* Opened as every subscriber will open it (schema, integrity): a
     * store with objects of its own is refused here, not on every machine. */
    struct store *check = NULL;
    int schema = 0;
    if (store_snapshot_open(image, len, "the new snapshot", &check, &schema, e) != 0) {
        free(image);
        return err_suffix(e, " (every subscriber would refuse it)");
    }
    store_close(check);
    struct fleet_manifest *m = &p->m;
    memset(m, 0, sizeof *m);
    m->serial = serial;
    m->created = now;
    m->not_after = now + p->valid_for;
    m->size = (int64_t)len;
    m->schema = store_schema_version(c->s);
    snprintf(m->on_stale, sizeof m->on_stale, "%s", p->on_stale);
    snprintf(m->snapshot, sizeof m->snapshot, SNAPSHOT_PREFIX "%" PRId64 SNAPSHOT_SUFFIX, serial);
    unsigned char md[32];
    if (EVP_Digest(image, len, md, NULL, EVP_sha256(), NULL) != 1) {
        free(image);
        ERR_clear_error();
        return err_set(e, ERR_INTERNAL, "cannot compute the snapshot's SHA-256 (OpenSSL)");
    }
    certinfo_hex32(md, m->sha256);
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", p->dir, m->snapshot);
    /* The snapshot first, the manifest last, after the commit (in
     * cmd_publish): a reader never finds a manifest whose snapshot is not
     * complete, and no manifest is live whose serial is not recorded. */
    int rc = file_write_whole(path, image, len, 0644, 1, "trustd-publish", e);
    free(image);
    if (rc != 0)
        return -1;
    char text[FLEET_MANIFEST_MAX];
    int tn = fleet_manifest_format(m, text, sizeof text);
    unsigned char *der = NULL;
    size_t derlen = 0;
    if (tn < 0)
        return err_set(e, ERR_INTERNAL, "the manifest does not fit");
    if (fleet_sign(text, (size_t)tn, p->signer, p->key, p->certs, &der, &derlen, e) != 0)
        return -1;
    if (publish_self_check(p, der, derlen, text, (size_t)tn, e) != 0) {
        OPENSSL_free(der);
        return -1;
    }
    p->der = der;
    p->derlen = derlen;
    char subject[700];
    snprintf(subject, sizeof subject, "serial %" PRId64 " to %s", serial, p->dir);
    if (store_fleet_set_publisher_serial(c->s, serial, e) != 0 ||
        store_audit(c->s, "publish", subject, e) != 0)
        return -1;
    return 0;
}

/* The snapshots of dir but the one just published and the one before
 * (a subscriber may be fetching it): they go. */
static void prune(const char *dir, const struct fleet_manifest *m, int64_t previous)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    char keep[FLEET_SNAPSHOT_NAME_MAX];
    snprintf(keep, sizeof keep, SNAPSHOT_PREFIX "%" PRId64 SNAPSHOT_SUFFIX, previous);
    struct dirent *de;
    size_t plen = strlen(SNAPSHOT_PREFIX), slen = strlen(SNAPSHOT_SUFFIX);
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n <= plen + slen || strncmp(de->d_name, SNAPSHOT_PREFIX, plen) != 0 ||
            strcmp(de->d_name + n - slen, SNAPSHOT_SUFFIX) != 0 ||
            strcmp(de->d_name, m->snapshot) == 0 || strcmp(de->d_name, keep) == 0)
            continue;
        (void)unlinkat(dirfd(d), de->d_name, 0);
    }
    closedir(d);
}

static int read_key(const char *path, EVP_PKEY **out, struct err *e)
{
    unsigned char *data = NULL;
    size_t len = 0;
    if (import_read_file(path, &data, &len, e) != 0)
        return -1;
    BIO *b = BIO_new_mem_buf(data, (int)len);
    /* An empty password callback: an encrypted key is refused, never asked for. */
    EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, (void *)"") : NULL;
    BIO_free(b);
    OPENSSL_cleanse(data, len);
    free(data);
    ERR_clear_error();
    if (k == NULL)
        return err_set(e, ERR_USAGE, "--key %s: not an unencrypted PEM private key", path);
    *out = k;
    return 0;
}

int cmd_publish(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    const char *out = NULL, *signer = NULL, *key = NULL, *valid = NULL, *on_stale = NULL;
    const struct opt opts[] = {
        { "--out", OPT_VALUE, NULL, &out },
        { "--signer", OPT_VALUE, NULL, &signer },
        { "--key", OPT_VALUE, NULL, &key },
        { "--valid-for", OPT_VALUE, NULL, &valid },
        { "--on-stale", OPT_VALUE, NULL, &on_stale },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    static const char usage[] =
        "usage: publish --out DIR --signer CERT --key KEY [--valid-for 7d] [--on-stale warn|refuse]";
    if (options_parse(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if (npos != 0 || out == NULL || signer == NULL || key == NULL)
        return err_set(e, ERR_USAGE, "%s", usage);
    struct publish p = { .dir = out, .prune = 1, .valid_for = VALID_FOR_DEFAULT,
                         .on_stale = on_stale ? on_stale : "warn", .e = e };
    if (strcmp(p.on_stale, "warn") != 0 && strcmp(p.on_stale, "refuse") != 0)
        return err_set(e, ERR_USAGE, "--on-stale takes warn or refuse, not '%s'", p.on_stale);
    if (valid != NULL && parse_duration("--valid-for", valid, VALID_FOR_MAX, &p.valid_for, e) != 0)
        return -1;
    STACK_OF(X509) *chain = NULL;
    if (read_certs(signer, &chain, e) != 0)
        return err_prefix(e, "--signer");
    p.signer = sk_X509_shift(chain);
    int rc = read_key(key, &p.key, e);
    X509_STORE *anchors = NULL;
    int count = 0;
    if (rc == 0)
        rc = cli_open(c, e);
    if (rc == 0 && store_app_trust_anchors(c->s, STORE_FLEET_APP, &anchors, &count, e) != 0) {
        char so[4200];
        store_command_option(c->path, so, sizeof so);
        rc = err_suffix(e, "; the CA that issues fleet signers must be trusted for the "
                        "application " STORE_FLEET_APP " ('trustd%s app add " STORE_FLEET_APP
                        "', then 'trustd%s app trust " STORE_FLEET_APP " CA')", so, so);
    }
    STACK_OF(X509) *built = NULL;
    if (rc == 0)
        rc = fleet_signer_check(p.signer, anchors, chain, &built, e);
    if (rc == 0) {
        /* The chain as publish built it, less the signer (CMS_sign adds
         * it) and the anchor (a subscriber has it pinned). */
        X509_free(sk_X509_shift(built));
        p.anchor = sk_X509_pop(built);
        p.certs = built;
        if (p.anchor == NULL)
            rc = err_set(e, ERR_VERIFY, "fleet signer %s: it is trusted itself, not through a "
                         "CA a subscriber could pin (trust the CA that issues it for "
                         STORE_FLEET_APP ")", signer);
    }
    p.anchors = anchors;
    if (rc == 0)
        rc = cli_transaction(c, run_publish, &p, e);
    sk_X509_pop_free(built, X509_free);
    X509_free(p.anchor);
    X509_STORE_free(anchors);
    X509_free(p.signer);
    sk_X509_pop_free(chain, X509_free);
    EVP_PKEY_free(p.key);
    if (rc != 0) {
        OPENSSL_free(p.der);
        return err_suffix(e, ": nothing was published");
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", out, MANIFEST_NAME);
    /* A later mtime than the manifest before: an ETag from mtime and size
     * (nginx) must change even for two publications in one second. */
    rc = file_replace_newer(path, p.der, p.derlen, 0644, "trustd-publish", e);
    OPENSSL_free(p.der);
    if (rc != 0)
        return err_suffix(e, ": serial %" PRId64 " is recorded and its snapshot %s written, but "
                          "the manifest is not: subscribers still see the one before (publish "
                          "again)", p.m.serial, p.m.snapshot);
    char until[40], detail[200];
    iso(p.m.not_after, until, sizeof until);
    snprintf(detail, sizeof detail, "serial %" PRId64 ", %" PRId64 " bytes, valid until %s, "
             "on stale %s", p.m.serial, p.m.size, until, p.m.on_stale);
    cli_item(c, &(struct cli_item){ .object = "snapshot", .result = "published", .file = out,
                                    .sha256 = p.m.sha256, .detail = detail });
    if (p.prune)
        prune(out, &p.m, p.previous);
    printf("published serial %" PRId64 " to %s: %s (%" PRId64 " bytes), valid until %s, "
           "on stale: %s\n", p.m.serial, cli_vis(out), p.m.snapshot, p.m.size, until, p.m.on_stale);
    return 0;
}

/* ---- subscribe, unsubscribe ---- */

struct subscribe {
    const char *url;
    X509 *signer_ca;
    char *tls_pem;
    struct err *e;
};

static int run_subscribe(struct cli *c, void *arg)
{
    struct subscribe *sb = arg;
    char subject[700];
    snprintf(subject, sizeof subject, "%s", sb->url);
    if (store_fleet_subscribe(c->s, sb->url, sb->signer_ca, sb->tls_pem, sb->e) != 0 ||
        store_audit(c->s, "subscribe", subject, sb->e) != 0)
        return -1;
    cli_item(c, &(struct cli_item){ .object = "store", .result = "subscribed", .file = sb->url });
    return 0;
}

/* The certificates of a file as PEM text (the caller frees it). */
static int certs_pem(const char *path, char **out, struct err *e)
{
    STACK_OF(X509) *certs = NULL;
    if (read_certs(path, &certs, e) != 0)
        return err_prefix(e, "--tls-ca");
    BIO *b = BIO_new(BIO_s_mem());
    int ok = b != NULL;
    for (int i = 0; ok && i < sk_X509_num(certs); i++)
        ok = PEM_write_bio_X509(b, sk_X509_value(certs, i)) == 1;
    sk_X509_pop_free(certs, X509_free);
    char *data = NULL;
    long n = ok ? BIO_get_mem_data(b, &data) : 0;
    *out = n > 0 ? strndup(data, (size_t)n) : NULL;
    BIO_free(b);
    return *out ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
}

static int url_ok(const char *url)
{
    if (strncasecmp(url, "https://", 8) != 0 && strncasecmp(url, "http://", 7) != 0 &&
        strncasecmp(url, "file://", 7) != 0)
        return 0;
    size_t n = strlen(url);
    if (n + 1 + FLEET_SNAPSHOT_NAME_MAX >= STORE_FLEET_URL_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
            return 0;
    return 1;
}

int cmd_subscribe(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    const char *signer_ca = NULL, *tls_ca = NULL;
    const struct opt opts[] = {
        { "--signer-ca", OPT_VALUE, NULL, &signer_ca },
        { "--tls-ca", OPT_VALUE, NULL, &tls_ca },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (options_parse(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if (npos != 1 || signer_ca == NULL)
        return err_set(e, ERR_USAGE, "usage: subscribe URL --signer-ca CERT [--tls-ca CERT]");
    char url[STORE_FLEET_URL_MAX];
    snprintf(url, sizeof url, "%s", pos[0]);
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        url[--n] = '\0';
    if (!url_ok(url))
        return err_set(e, ERR_USAGE, "subscribe: '%s' is not an https://, http:// or file:// URL "
                       "of the published folder", pos[0]);
    struct subscribe sb = { .url = url, .e = e };
    if (read_one_cert(signer_ca, "--signer-ca", &sb.signer_ca, e) != 0)
        return -1;
    int rc = 0;
    if (!certinfo_is_ca(sb.signer_ca))
        rc = err_set(e, ERR_USAGE, "--signer-ca %s is not a CA certificate", signer_ca);
    if (rc == 0 && tls_ca != NULL)
        rc = certs_pem(tls_ca, &sb.tls_pem, e);
    if (rc == 0)
        rc = cli_transaction(c, run_subscribe, &sb, e);
    char who[512];
    certinfo_name(X509_get_subject_name(sb.signer_ca), who, sizeof who);
    X509_free(sb.signer_ca);
    free(sb.tls_pem);
    if (rc != 0)
        return -1;
    char so[4200];
    store_command_option(c->path, so, sizeof so);
    printf("subscribed %s to %s (snapshots signed under %s); run 'trustd%s sync'\n",
           cli_vis(c->path), cli_vis(url), cli_vis(who), so);
    return 0;
}

static int run_unsubscribe(struct cli *c, void *arg)
{
    struct err *e = arg;
    struct store_fleet f;
    if (store_fleet_get(c->s, &f, e) != 0)
        return -1;
    if (!f.managed)
        return err_set(e, ERR_USAGE, "trust store %s is not subscribed to a fleet publisher",
                       c->path);
    if (store_fleet_unsubscribe(c->s, e) != 0 || store_audit(c->s, "unsubscribe", f.url, e) != 0)
        return -1;
    printf("%s is local again (it keeps the policy of serial %" PRId64 " from %s)\n",
           cli_vis(c->path), f.serial, cli_vis(f.url));
    cli_item(c, &(struct cli_item){ .object = "store", .result = "unsubscribed", .file = f.url });
    return 0;
}

int cmd_unsubscribe(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    if (options_parse(c->argc, c->argv, NULL, pos, &npos, e) != 0)
        return -1;
    if (npos != 0)
        return err_set(e, ERR_USAGE, "usage: unsubscribe");
    return cli_transaction(c, run_unsubscribe, e, e);
}

/* ---- sync ---- */

struct install {
    const struct fleet_manifest *m;
    const char *url;
    X509 *ca;            /* the subscription this sync verified against */
    const char *tls_pem;
    const char *etag;
    int up_to_date;      /* another sync installed this serial meanwhile */
    long count[3];
    struct err *e;
};

/* Inside the install's transaction: the subscription and the installed
 * serial as they are now, not as the sync read them before its fetch
 * (another sync, subscribe or unsubscribe may have run since). */
static int install_still_wanted(struct cli *c, struct install *in, struct err *e)
{
    struct store_fleet f;
    X509 *ca = NULL;
    char *tls = NULL;
    if (store_fleet_get(c->s, &f, e) != 0)
        return -1;
    if (!f.managed)
        return err_set(e, ERR_VERIFY, "%s: the store was unsubscribed while this sync ran "
                       "(refused)", in->url);
    if (store_fleet_cas(c->s, &ca, &tls, e) != 0)
        return -1;
    int same = strcmp(f.url, in->url) == 0 && ca != NULL && X509_cmp(ca, in->ca) == 0 &&
               ((tls == NULL && in->tls_pem == NULL) ||
                (tls != NULL && in->tls_pem != NULL && strcmp(tls, in->tls_pem) == 0));
    X509_free(ca);
    free(tls);
    if (!same)
        return err_set(e, ERR_VERIFY, "%s: the subscription changed while this sync ran (refused)",
                       in->url);
    const struct fleet_manifest *m = in->m;
    if (f.installed && m->serial == f.serial && strcmp(m->sha256, f.sha256) == 0) {
        in->up_to_date = 1;
        return 0;
    }
    if (f.installed && m->serial <= f.serial)
        return err_set(e, ERR_VERIFY, "%s: serial %" PRId64 " is not newer than serial %" PRId64
                       ", which another sync installed meanwhile (a rollback is refused)",
                       in->url, m->serial, f.serial);
    return 0;
}

static int on_diff(int kind, const char *object, const char *fp, const char *label, void *arg,
                   struct err *e)
{
    (void)e;
    struct cli *c = arg;
    cli_change(c, (enum cli_change_kind)kind, object, fp[0] ? fp : NULL, label,
               strcmp(object, "application") == 0 ? label : NULL);
    return 0;
}

static int run_install(struct cli *c, void *arg)
{
    struct install *in = arg;
    struct err *e = in->e;
    long before[3] = { c->changes.count[CHANGE_ADDED], c->changes.count[CHANGE_REMOVED],
                       c->changes.count[CHANGE_UPDATED] };
    if (install_still_wanted(c, in, e) != 0)
        return -1;
    if (in->up_to_date)
        return 0;
    if (store_snapshot_diff(c->s, on_diff, c, e) != 0 || store_snapshot_replace(c->s, e) != 0)
        return -1;
    in->count[0] = c->changes.count[CHANGE_ADDED] - before[0];
    in->count[1] = c->changes.count[CHANGE_REMOVED] - before[1];
    in->count[2] = c->changes.count[CHANGE_UPDATED] - before[2];
    const struct fleet_manifest *m = in->m;
    char subject[700];
    snprintf(subject, sizeof subject, "serial %" PRId64 " from %s: %ld added, %ld removed, "
             "%ld updated", m->serial, in->url, in->count[0], in->count[1], in->count[2]);
    if (store_fleet_set_installed(c->s, m->serial, m->created, m->not_after, m->on_stale,
                                  m->sha256, m->size, e) != 0 ||
        store_fleet_note(c->s, (int64_t)time(NULL), in->etag, "", e) != 0 ||
        store_audit(c->s, "sync", subject, e) != 0)
        return -1;
    char detail[200];
    snprintf(detail, sizeof detail, "serial %" PRId64 ": %ld added, %ld removed, %ld updated",
             m->serial, in->count[0], in->count[1], in->count[2]);
    cli_item(c, &(struct cli_item){ .object = "snapshot", .result = "installed", .file = in->url,
                                    .sha256 = m->sha256, .detail = detail });
    return 0;
}

/* Records the outcome of a sync that changed no policy, in a transaction
 * of its own (status shows it): a failure's message, or the fetch time. */
static void note(struct cli *c, int64_t fetched_at, const char *etag, const char *error)
{
    struct err ignored;
    if (store_begin_note(c->s, &ignored) != 0)
        return;
    if (store_fleet_note(c->s, fetched_at, etag, error, &ignored) != 0 ||
        store_commit(c->s, &ignored) != 0)
        store_rollback(c->s);
}

static int sha256_ok(const unsigned char *data, size_t len, const char *want)
{
    unsigned char md[32];
    char hex[65];
    if (EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL) != 1)
        return 0;
    certinfo_hex32(md, hex);
    return strcmp(hex, want) == 0;
}

struct sync {
    struct store_fleet f;
    X509 *ca;
    char *tls_pem;
    long timeout;
    int64_t fetched_at;
    char etag[256];
};

/* Past half the installed policy's validity: the manifest is fetched
 * whole (no If-None-Match), as an ETag (nginx: mtime seconds and length)
 * may match a newer manifest published in the same second. */
static int late(const struct store_fleet *f)
{
    int64_t now = (int64_t)time(NULL);
    return now >= f->not_after - (f->not_after - f->created) / 2;
}

/* Everything sync checks, in order, before the store is touched; then the
 * install. 1 when the store was already up to date. */
static int sync_run(struct cli *c, struct sync *y, struct err *e)
{
    struct crl_fetch_opts o = { .timeout = y->timeout * SYNC_TOTAL_FACTOR,
                                .stall = y->timeout, .connect = y->timeout * SYNC_CONNECT_FACTOR,
                                .max_size = FLEET_SIGNED_MAX };
    struct fetch_more more = { .allow_file = 1, .user_agent = "trustd-sync", .ca_pem = y->tls_pem,
                               .if_none_match = y->f.installed && !late(&y->f) ? y->f.etag
                                                                               : NULL };
    char url[STORE_FLEET_URL_MAX + FLEET_SNAPSHOT_NAME_MAX + 2];
    snprintf(url, sizeof url, "%s/%s", y->f.url, MANIFEST_NAME);
    unsigned char *signed_data = NULL, *text = NULL;
    size_t signed_len = 0, text_len = 0;
    if (fetch_url(url, &o, &more, &signed_data, &signed_len, e) != 0)
        return -1;
    y->fetched_at = (int64_t)time(NULL);
    snprintf(y->etag, sizeof y->etag, "%s", more.etag);
    if (more.not_modified) {
        printf("up to date: serial %" PRId64 " from %s (not modified)\n", y->f.serial,
               cli_vis(y->f.url));
        cli_item(c, &(struct cli_item){ .object = "snapshot", .result = "unchanged",
                                        .file = y->f.url, .sha256 = y->f.sha256 });
        return 1;
    }
    char signer[512];
    struct fleet_manifest m;
    int rc = fleet_verify(signed_data, signed_len, url, y->ca, &text, &text_len, signer,
                          sizeof signer, e);
    free(signed_data);
    if (rc == 0) {
        rc = fleet_manifest_parse(text, text_len, &m, e);
        if (rc != 0)
            err_prefix(e, "%s", url);
    }
    free(text);
    if (rc != 0)
        return -1;
    int64_t now = (int64_t)time(NULL);
    char t[40];
    if (y->f.installed && m.serial < y->f.serial)
        return err_set(e, ERR_VERIFY, "%s: serial %" PRId64 " is older than the installed %" PRId64
                       " (a rollback or a replay is refused)", url, m.serial, y->f.serial);
    if (y->f.installed && m.serial == y->f.serial) {
        if (strcmp(m.sha256, y->f.sha256) != 0)
            return err_set(e, ERR_VERIFY, "%s: serial %" PRId64 " names another snapshot than the "
                           "one installed under it (refused)", url, m.serial);
        printf("up to date: serial %" PRId64 " from %s\n", m.serial, cli_vis(y->f.url));
        cli_item(c, &(struct cli_item){ .object = "snapshot", .result = "unchanged",
                                        .file = y->f.url, .sha256 = m.sha256 });
        return 1;
    }
    /* What an earlier subscription under the same signer CA installed
     * holds too: unsubscribe and subscribe again reopen no replay. */
    if (m.serial < y->f.floor_serial ||
        (m.serial == y->f.floor_serial && strcmp(m.sha256, y->f.floor_sha256) != 0))
        return err_set(e, ERR_VERIFY, "%s: serial %" PRId64 " is %s serial %" PRId64 " this store "
                       "installed before under the same signer CA (a rollback or a replay is "
                       "refused)", url, m.serial,
                       m.serial < y->f.floor_serial ? "older than" : "another snapshot than",
                       y->f.floor_serial);
    if (m.not_after <= now) {
        iso(m.not_after, t, sizeof t);
        return err_set(e, ERR_VERIFY, "%s: serial %" PRId64 " expired at %s (the publisher must "
                       "publish again)", url, m.serial, t);
    }
    if (m.schema > store_schema_latest())
        return err_set(e, ERR_VERIFY, "%s: the snapshot has schema version %d, newer than this "
                       "program knows (%d): upgrade trustd", url, m.schema, store_schema_latest());
    if (m.size <= 0 || (uint64_t)m.size > SNAPSHOT_BYTES_MAX)
        return err_set(e, ERR_VERIFY, "%s: the snapshot's size (%" PRId64 ") is out of bounds",
                       url, m.size);
    char snap_url[sizeof url];
    snprintf(snap_url, sizeof snap_url, "%s/%s", y->f.url, m.snapshot);
    struct crl_fetch_opts so = { .timeout = y->timeout * SYNC_TOTAL_FACTOR,
                                 .stall = y->timeout, .connect = y->timeout * SYNC_CONNECT_FACTOR,
                                 .max_size = (size_t)m.size };
    struct fetch_more smore = { .allow_file = 1, .user_agent = "trustd-sync", .ca_pem = y->tls_pem };
    unsigned char *image = NULL;
    size_t len = 0;
    if (fetch_url(snap_url, &so, &smore, &image, &len, e) != 0)
        return -1;
    if (len != (size_t)m.size) {
        free(image);
        return err_set(e, ERR_VERIFY, "%s: %zu bytes where the manifest says %" PRId64
                       " (truncated or replaced)", snap_url, len, m.size);
    }
    if (!sha256_ok(image, len, m.sha256)) {
        free(image);
        return err_set(e, ERR_VERIFY, "%s: its SHA-256 is not the one the manifest signs "
                       "(tampered with)", snap_url);
    }
    struct store *snap = NULL;
    int schema = 0;
    rc = store_snapshot_open(image, len, snap_url, &snap, &schema, e);
    free(image);
    if (rc != 0)
        return -1;
    if (schema != m.schema) {
        store_close(snap);
        return err_set(e, ERR_VERIFY, "%s: schema version %d where the manifest says %d", snap_url,
                       schema, m.schema);
    }
    rc = store_snapshot_attach(c->s, snap, e);
    if (rc != 0) {
        store_close(snap);
        return -1;
    }
    struct install in = { .m = &m, .url = y->f.url, .ca = y->ca, .tls_pem = y->tls_pem,
                          .etag = y->etag, .e = e };
    rc = cli_transaction(c, run_install, &in, e);
    store_snapshot_detach(c->s);
    store_close(snap);
    if (rc != 0)
        return -1;
    if (in.up_to_date) {
        printf("up to date: serial %" PRId64 " from %s (installed by another sync meanwhile)\n",
               m.serial, cli_vis(y->f.url));
        cli_item(c, &(struct cli_item){ .object = "snapshot", .result = "unchanged",
                                        .file = y->f.url, .sha256 = m.sha256 });
        return 1;
    }
    iso(m.created, t, sizeof t);
    printf("installed serial %" PRId64 " from %s (published %s, signed by %s): %ld added, "
           "%ld removed, %ld updated\n", m.serial, cli_vis(y->f.url), t, cli_vis(signer),
           in.count[0], in.count[1], in.count[2]);
    return 0;
}

int cmd_sync(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    const char *timeout = NULL;
    const struct opt opts[] = {
        { "--timeout", OPT_VALUE, NULL, &timeout },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (options_parse(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if (npos != 0)
        return err_set(e, ERR_USAGE, "usage: sync [--timeout SECS]");
    struct sync y = { .timeout = SYNC_TIMEOUT_DEFAULT };
    if (timeout != NULL && cli_seconds("--timeout", timeout, SYNC_TIMEOUT_MAX, &y.timeout, e) != 0)
        return -1;
    if (cli_open(c, e) != 0 || store_fleet_get(c->s, &y.f, e) != 0 ||
        store_fleet_cas(c->s, &y.ca, &y.tls_pem, e) != 0)
        return -1;
    int rc = crl_fetch_init(e);
    if (rc == 0) {
        rc = sync_run(c, &y, e);
        crl_fetch_cleanup();
    }
    X509_free(y.ca);
    free(y.tls_pem);
    if (rc > 0 && store_fleet_stale(&y.f, (int64_t)time(NULL))) {
        /* Up to date with a stale policy: the publisher (or whoever
         * serves its folder) has not published since; timers must see it. */
        char t[40];
        iso(y.f.not_after, t, sizeof t);
        err_set(e, ERR_VERIFY, "the publisher at %s has not published since serial %" PRId64
                ", which went stale at %s", y.f.url, y.f.serial, t);
        note(c, y.fetched_at, y.etag[0] ? y.etag : NULL, e->msg);
        return err_suffix(e, "; the store was not changed");
    }
    if (rc > 0) {
        note(c, y.fetched_at, y.etag[0] ? y.etag : NULL, "");
        return 0;
    }
    if (rc == 0)
        return 0;
    note(c, y.fetched_at, NULL, e->msg);
    return err_suffix(e, "; the store was not changed");
}

/* ---- status ---- */

static void json_time(struct jw *j, const char *key, int64_t t)
{
    char buf[40];
    jw_key(j, key);
    if (t <= 0) {
        jw_null(j);
        return;
    }
    iso(t, buf, sizeof buf);
    jw_string(j, buf);
}

int cmd_status(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    if (options_parse(c->argc, c->argv, NULL, pos, &npos, e) != 0)
        return -1;
    if (npos != 0)
        return err_set(e, ERR_USAGE, "usage: status [--json]");
    struct store_fleet f;
    int64_t published = 0;
    if (cli_open(c, e) != 0 || store_fleet_get(c->s, &f, e) != 0 ||
        store_fleet_publisher_serial(c->s, &published, e) != 0)
        return -1;
    int64_t now = (int64_t)time(NULL);
    int stale = store_fleet_stale(&f, now);
    if (c->json) {
        struct jw j;
        jw_init(&j, stdout);
        jw_begin_object(&j);
        jw_kv_string(&j, "store", c->path);
        jw_kv_bool(&j, "managed", f.managed);
        jw_key(&j, "url");
        if (f.managed)
            jw_string(&j, f.url);
        else
            jw_null(&j);
        jw_key(&j, "serial");
        if (f.installed)
            jw_int(&j, f.serial);
        else
            jw_null(&j);
        json_time(&j, "published", f.installed ? f.created : 0);
        json_time(&j, "installed", f.installed ? f.installed_at : 0);
        json_time(&j, "fetched", f.fetched_at);
        json_time(&j, "stale_after", f.installed ? f.not_after : 0);
        jw_kv_bool(&j, "stale", stale);
        jw_key(&j, "on_stale");
        if (f.installed)
            jw_string(&j, f.on_stale);
        else
            jw_null(&j);
        jw_key(&j, "last_error");
        if (f.last_error[0])
            jw_string(&j, f.last_error);
        else
            jw_null(&j);
        json_time(&j, "last_error_at", f.last_error[0] ? f.last_error_at : 0);
        jw_key(&j, "published_serial");
        if (published > 0)
            jw_int(&j, published);
        else
            jw_null(&j);
        jw_end_object(&j);
        cli_json_finish(c, &j);
        return 0;
    }
    char t[40];
    if (!f.managed) {
        printf("%s: local (not subscribed to a fleet publisher)\n", cli_vis(c->path));
    } else {
        printf("%s: managed by %s\n", cli_vis(c->path), cli_vis(f.url));
        if (f.installed) {
            iso(f.created, t, sizeof t);
            printf("  serial:      %" PRId64 ", published %s\n", f.serial, t);
            iso(f.installed_at, t, sizeof t);
            printf("  installed:   %s\n", t);
            iso(f.not_after, t, sizeof t);
            printf("  stale after: %s%s (on stale: %s)\n", t, stale ? ", STALE NOW" : "",
                   f.on_stale);
        } else {
            printf("  serial:      none installed yet (run trustd sync)\n");
        }
        if (f.fetched_at > 0)
            iso(f.fetched_at, t, sizeof t);
        printf("  fetched:     %s\n", f.fetched_at > 0 ? t : "never");
        if (f.last_error[0]) {
            iso(f.last_error_at, t, sizeof t);
            printf("  last sync:   failed at %s: %s\n", t, cli_vis(f.last_error));
        } else {
            printf("  last sync:   ok\n");
        }
    }
    if (published > 0)
        printf("  published:   serial %" PRId64 " (this store is a publisher)\n", published);
    return 0;
}
