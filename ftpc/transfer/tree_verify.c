/* tree_verify: a file's hash here and on the server, compared. */
#define _GNU_SOURCE /* memrchr */
#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "common/visible.h"
#include "ftpc/parse/crc32.h"
#include "ftpc/transfer/tree_verify.h"

/* The X commands in the order they are preferred, and their FEAT bits. */
static const struct {
    unsigned feat;
    enum ftp_hash_algo algo;
    const char *verb;
} X_COMMANDS[] = {
    { FTP_FEAT_XSHA256, HASH_SHA256, "XSHA256" },
    { FTP_FEAT_XSHA512, HASH_SHA512, "XSHA512" },
    { FTP_FEAT_XSHA1, HASH_SHA1, "XSHA1" },
    { FTP_FEAT_XMD5, HASH_MD5, "XMD5" },
};

/* HASH algorithms in the order they are preferred (CRC32 last: it is no
 * cryptographic hash). */
static const enum ftp_hash_algo HASH_ORDER[] = { HASH_SHA256, HASH_SHA512, HASH_SHA1, HASH_MD5, HASH_CRC32 };

static const char *x_verb(enum ftp_hash_algo a)
{
    for (size_t i = 0; i < sizeof X_COMMANDS / sizeof X_COMMANDS[0]; i++)
        if (X_COMMANDS[i].algo == a)
            return X_COMMANDS[i].verb;
    return "XCRC";
}

const char *tree_verify_name(const struct tree_verify *v, char *buf, size_t len)
{
    switch (v->way) {
    case VERIFY_HASH: snprintf(buf, len, "%s (HASH)", ftp_hash_name(v->algo)); break;
    case VERIFY_X:    snprintf(buf, len, "%s (%s)", ftp_hash_name(v->algo), x_verb(v->algo)); break;
    case VERIFY_XCRC: snprintf(buf, len, "CRC-32 (XCRC)"); break;
    case VERIFY_NONE: snprintf(buf, len, "none"); break;
    }
    return buf;
}

/* HASH: the best algorithm it lists, picked with OPTS HASH unless in force. */
static int start_hash(struct tree_verify *v, struct ftp_session *s, const struct ftp_features *f, struct err *e)
{
    for (size_t i = 0; i < sizeof HASH_ORDER / sizeof HASH_ORDER[0]; i++) {
        enum ftp_hash_algo a = HASH_ORDER[i];
        if (!(f->hash_algos & FTP_HASH_BIT(a)))
            continue;
        if (f->hash_selected != (int)a) {
            if (session_command(s, e, "OPTS HASH %s", ftp_hash_name(a)) != 0)
                return -1;
            if (ftp_reply_class(s->reply.code) != 2)
                continue;
        }
        v->picked = 1;
        v->renewals = s->renewals;
        v->way = VERIFY_HASH;
        v->algo = a;
        return 0;
    }
    /* None could be picked: the one in force, when it is known. */
    if (f->hash_selected >= 0) {
        v->way = VERIFY_HASH;
        v->algo = (enum ftp_hash_algo)f->hash_selected;
    }
    return 0;
}

int tree_verify_start(struct tree_verify *v, struct ftp_session *s, const struct ftp_features *f, FILE *err,
                      struct err *e)
{
    memset(v, 0, sizeof *v);
    v->way = VERIFY_NONE;
    v->algo = HASH_SHA256;
    if ((f->names & FTP_FEAT_HASH) && start_hash(v, s, f, e) != 0)
        return -1;
    for (size_t i = 0; v->way == VERIFY_NONE && i < sizeof X_COMMANDS / sizeof X_COMMANDS[0]; i++)
        if (f->names & X_COMMANDS[i].feat) {
            v->way = VERIFY_X;
            v->algo = X_COMMANDS[i].algo;
        }
    if (v->way == VERIFY_NONE && (f->names & FTP_FEAT_XCRC)) {
        v->way = VERIFY_XCRC;
        v->algo = HASH_CRC32;
    }
    if (v->way == VERIFY_NONE && err != NULL)
        fprintf(err, "ftpc: mirror: --verify: the server offers no hash (HASH, XSHA256, XSHA512, XSHA1, XMD5 "
                     "or XCRC in FEAT); files are not verified\n");
    return 0;
}

static const EVP_MD *md_of(enum ftp_hash_algo a)
{
    switch (a) {
    case HASH_SHA256: return EVP_sha256();
    case HASH_SHA512: return EVP_sha512();
    case HASH_SHA1:   return EVP_sha1();
    case HASH_MD5:    return EVP_md5();
    default:          return NULL;
    }
}

/* The local file's value as lower-case hex (CRC32: 8 digits). */
static int local_value(int fd, uint64_t limit, enum ftp_hash_algo a, char *hex, size_t len, struct err *e)
{
    const EVP_MD *md = md_of(a);
    EVP_MD_CTX *ctx = md ? EVP_MD_CTX_new() : NULL;
    if (md != NULL && (ctx == NULL || EVP_DigestInit_ex(ctx, md, NULL) != 1)) {
        EVP_MD_CTX_free(ctx);
        return err_set(e, ERR_INTERNAL, "cannot start %s", ftp_hash_name(a));
    }
    uint32_t crc = 0;
    unsigned char buf[65536];
    off_t at = 0;
    int rc = 0;
    for (;;) {
        size_t want = (uint64_t)at + sizeof buf > limit ? (size_t)(limit - (uint64_t)at) : sizeof buf;
        if (want == 0)
            break;
        ssize_t n = pread(fd, buf, want, at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = err_set(e, ERR_LOCAL, "cannot read the file to hash it: %s", strerror(errno));
            break;
        }
        if (n == 0)
            break;
        at += n;
        if (md != NULL)
            EVP_DigestUpdate(ctx, buf, (size_t)n);
        else
            crc = ftp_crc32_update(crc, buf, (size_t)n);
    }
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned out_len = 0;
    if (rc == 0 && md != NULL && EVP_DigestFinal_ex(ctx, out, &out_len) != 1)
        rc = err_set(e, ERR_INTERNAL, "cannot finish %s", ftp_hash_name(a));
    EVP_MD_CTX_free(ctx);
    if (rc != 0)
        return -1;
    if (md == NULL) {
        snprintf(hex, len, "%08x", (unsigned)crc);
        return 0;
    }
    for (unsigned i = 0; i < out_len && 2 * i + 2 < len; i++)
        snprintf(hex + 2 * i, len - 2 * i, "%02x", out[i]);
    return 0;
}

/* The server's value for remote as lower-case hex, and its algorithm. */
static int server_value(const struct tree_verify *v, struct ftp_session *s, const char *remote, char *hex,
                        size_t len, enum ftp_hash_algo *algo, struct err *e)
{
    const char *verb = v->way == VERIFY_HASH ? "HASH" : x_verb(v->algo);
    if (session_command(s, e, "%s %s", verb, remote) != 0)
        return -1;
    char text[256];
    if (!ftp_hash_reply_code_ok(s->reply.code))
        return err_set(e, ERR_SERVER, "%s refused: %d %s", verb, s->reply.code,
                       visible_str(text, sizeof text, s->reply.text));
    /* The value is on the reply's last line: ProFTPD says "213-Computing
     * SHA-1 digest" first. */
    const char *p = s->reply.text;
    size_t n = s->reply.text_len;
    const char *nl = memrchr(p, '\n', n);
    if (nl != NULL) {
        n -= (size_t)(nl + 1 - p);
        p = nl + 1;
    }
    struct ftp_hash_value h;
    uint32_t crc;
    int rc;
    if (v->way == VERIFY_HASH)
        rc = ftp_parse_hash_reply(p, n, &h) == 0 && h.start == 0 ? 0 : -1;
    else if (v->way == VERIFY_X)
        rc = ftp_parse_x_digest(p, n, v->algo, &h);
    else if ((rc = ftp_parse_xcrc(p, n, &crc)) == 0) {
        h.algo = HASH_CRC32;
        snprintf(h.hex, sizeof h.hex, "%08x", (unsigned)crc);
    }
    if (rc != 0)
        return err_set(e, ERR_SERVER, "malformed %s reply: %d %s", verb, s->reply.code,
                       visible_str(text, sizeof text, s->reply.text));
    snprintf(hex, len, "%s", h.hex);
    *algo = h.algo;
    return 0;
}

/* remote against the first limit bytes of fd (UINT64_MAX: all of it). */
static int compare(struct tree_verify *v, struct ftp_session *s, const char *remote, int fd, uint64_t limit,
                   struct err *e)
{
    /* A new login (a TLS renewal) has the server's default again. */
    if (v->picked && v->renewals != s->renewals) {
        if (session_command(s, e, "OPTS HASH %s", ftp_hash_name(v->algo)) != 0)
            return err_prefix(e, "--verify");
        v->renewals = s->renewals;
    }
    char here[FTP_HASH_HEX_MAX + 1], there[FTP_HASH_HEX_MAX + 1], name[64];
    enum ftp_hash_algo algo = v->algo;
    if (server_value(v, s, remote, there, sizeof there, &algo, e) != 0 ||
        local_value(fd, limit, algo, here, sizeof here, e) != 0)
        return err_prefix(e, "--verify");
    struct tree_verify used = *v;
    used.algo = algo;
    if (strcmp(here, there) != 0)
        return err_set(e, ERR_SERVER, "--verify: the server's %s %s differs from the file's %s",
                       tree_verify_name(&used, name, sizeof name), there, here);
    return 0;
}

int tree_verify_file(struct tree_verify *v, struct ftp_session *s, const char *remote, int fd,
                     struct err *e)
{
    if (v->way == VERIFY_NONE)
        return 0;
    return compare(v, s, remote, fd, UINT64_MAX, e);
}

int tree_verify_prefix(struct tree_verify *v, struct ftp_session *s, const char *remote, int fd, uint64_t len,
                       struct err *e)
{
    if (v->way == VERIFY_NONE)
        return 1;
    return compare(v, s, remote, fd, len, e);
}
