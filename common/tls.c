/*
 * tls: client TLS over OpenSSL. Trust boundary: everything the peer sends is
 * untrusted until the handshake verified its chain against the caller's
 * store and its name against the host we meant to reach.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "common/certinfo.h"
#include "common/chainverify.h"
#include "common/net.h"
#include "common/tls.h"
#include "common/visible.h"

struct tls_w_ctx {
    SSL_CTX *ssl_ctx;
    tls_w_refusal_fn refusal; /* words for a refused chain (tls_w_ctx_set_refusal) */
    void *refusal_arg;
    X509_STORE_CTX_verify_cb store_verify_cb; /* the caller's policy, from its store */
    char client[32];          /* our name in messages ("which ftpc refuses") */
    int no_sni;               /* the policy says: send no server name */
    int min_version;          /* 12 or 13 */
    char policy[512];         /* tls_w_config's policy, "" when none */
    struct tls_w_identity ids[TLS_W_IDENTITIES_MAX]; /* client certificates */
    int nids;
};

static const char *client_name(const struct tls_w_ctx *ctx)
{
    return ctx != NULL && ctx->client[0] ? ctx->client : "this client";
}

/* What the verify callback saw when the chain or the name failed. */
struct verify_failure {
    int failed;
    long error;
    int depth;
    X509 *cert; /* the server's own certificate */
    STACK_OF(X509) *chain; /* what the server sent, its certificate first */
    int cn_rule; /* refused by chain_cn_rule */
};

/* Sessions that can be offered, newest last. A TLS 1.3 ticket may be
 * single-use (RFC 8446 section C.4; vsftpd enforces it), so an unused one
 * is offered first, and the ticket a server sends on a data connection
 * comes back here for the next one. When none is left (ProFTPD sends no
 * ticket on upload connections), the newest used one is offered again;
 * callers can see that coming with tls_w_sessions. */
#define SESSION_POOL 4

struct tls_w_conn {
    SSL *ssl;
    struct tls_w_ctx *ctx;
    int fd;
    SSL_SESSION *pool[SESSION_POOL];
    int used[SESSION_POOL];
    int npool;
    struct tls_w_conn *parent; /* where sessions received here are kept */
    struct verify_failure vf;
    char host[256];
    /* tls_w_read_bulk: how a read that already returned bytes ended. */
    int deferred;
    ssize_t deferred_ret;
    struct err deferred_err;
    /* The control connection's last socket bytes (see keep_raw). */
    unsigned char raw[8];
    size_t nraw;
    int hello_requests; /* renegotiations the server asked for (refused) */
    BIO *held_sock;     /* tls_w_hold_writes: the socket BIO while held */
    int cert_asked;     /* the server asked for a client certificate */
    int presented;      /* which (1: ids[0]) was presented, 0 none */
};

static int conn_index = -1;

static void openssl_reason(char *out, size_t outlen)
{
    unsigned long code = ERR_get_error();
    if (code == 0) {
        snprintf(out, outlen, "%s", errno ? strerror(errno) : "connection closed by peer");
        return;
    }
    ERR_error_string_n(code, out, outlen);
    ERR_clear_error();
}

static void pool_push(struct tls_w_conn *c, SSL_SESSION *sess)
{
    if (c->npool == SESSION_POOL) {
        SSL_SESSION_free(c->pool[0]);
        memmove(c->pool, c->pool + 1, (SESSION_POOL - 1) * sizeof c->pool[0]);
        memmove(c->used, c->used + 1, (SESSION_POOL - 1) * sizeof c->used[0]);
        c->npool--;
    }
    c->pool[c->npool] = sess;
    c->used[c->npool] = 0;
    c->npool++;
}

/* A data connection offers its key share for the group the control
 * connection agreed on. OpenSSL's first choice is X25519; servers that use
 * only P-256 (vsftpd, Pure-FTPd) answer that with a HelloRetryRequest,
 * which would cost every data connection a round trip and a second key
 * generation. The other groups stay on the list, after it. */
static int prefer_parent_group(SSL *ssl, SSL *parent)
{
    static const int defaults[] = {NID_X25519, NID_X9_62_prime256v1, NID_X448, NID_secp521r1,
                                   NID_secp384r1};
    int nid = (int)SSL_get_negotiated_group(parent); /* a NID: an int */
    if (nid <= 0 || (nid & TLSEXT_nid_unknown) || nid == NID_X25519)
        return 1; /* nothing known, or already first */
    int list[1 + sizeof defaults / sizeof defaults[0]];
    size_t n = 0;
    list[n++] = nid;
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (defaults[i] != nid)
            list[n++] = defaults[i];
    return SSL_set1_groups(ssl, list, (long)n) == 1;
}

/* Data connections read the socket through a buffer: fewer, larger reads.
 * (Not the control connection: after CCC, clear text follows close_notify
 * on the same socket and must not be swallowed.) A buffer BIO rather than
 * OpenSSL's own read-ahead: that one moves everything still buffered to the
 * front of its buffer before each record, so a large read-ahead buffer cost
 * several copies of every byte. */
static int set_buffered_bios(SSL *ssl, int fd)
{
    BIO *sock = BIO_new_socket(fd, BIO_NOCLOSE);
    BIO *buf = BIO_new(BIO_f_buffer());
    if (sock == NULL || buf == NULL || BIO_set_read_buffer_size(buf, TLS_W_READ_AHEAD) != 1 ||
        !BIO_up_ref(sock)) {
        BIO_free(sock);
        BIO_free(buf);
        return 0;
    }
    /* Reads go through the buffer, writes straight to the socket; the
     * SSL owns one reference to the socket BIO through each. */
    SSL_set_bio(ssl, BIO_push(buf, sock), sock);
    return 1;
}

/* The session to offer next: the newest unused one, else the newest. */
static SSL_SESSION *pool_take(struct tls_w_conn *c)
{
    for (int i = c->npool - 1; i >= 0; i--) {
        if (!c->used[i]) {
            c->used[i] = 1;
            return c->pool[i];
        }
    }
    return c->npool > 0 ? c->pool[c->npool - 1] : NULL;
}

/* The control connection keeps the last bytes read from its socket: when a
 * server writes clear text inside TLS (vsftpd's "500 OOPS: ..." after a
 * failed set-up), OpenSSL has just read that text as a record header, and
 * the message can show it instead of only "wrong version number". */
static long keep_raw(BIO *b, int oper, const char *argp, size_t len, int argi, long argl,
                     int ret, size_t *processed)
{
    (void)len;
    (void)argi;
    (void)argl;
    struct tls_w_conn *c = (struct tls_w_conn *)BIO_get_callback_arg(b);
    if (c == NULL || oper != (BIO_CB_READ | BIO_CB_RETURN) || ret <= 0 || processed == NULL)
        return ret;
    for (size_t i = 0; i < *processed; i++) {
        if (c->nraw == sizeof c->raw) {
            memmove(c->raw, c->raw + 1, sizeof c->raw - 1);
            c->nraw--;
        }
        c->raw[c->nraw++] = (unsigned char)argp[i];
    }
    return ret;
}

/* A TLS record header never starts with a printable character (content
 * types are 20 to 24), so a record error on such bytes means clear text. On
 * a record error, writes the text (the header just read and what waits
 * behind it, up to the line end) into out and returns 1. */
static int clear_text_seen(struct tls_w_conn *c, unsigned long ossl, char *out, size_t outlen)
{
    int reason = ERR_GET_REASON(ossl);
    if (c->nraw < SSL3_RT_HEADER_LENGTH ||
        (reason != SSL_R_WRONG_VERSION_NUMBER && reason != SSL_R_PACKET_LENGTH_TOO_LONG &&
         reason != SSL_R_ENCRYPTED_LENGTH_TOO_LONG && reason != SSL_R_HTTP_REQUEST &&
         reason != SSL_R_HTTPS_PROXY_REQUEST))
        return 0;
    char text[200];
    memcpy(text, c->raw + c->nraw - SSL3_RT_HEADER_LENGTH, SSL3_RT_HEADER_LENGTH);
    if (text[0] < 0x20 || text[0] > 0x7e)
        return 0;
    size_t n = SSL3_RT_HEADER_LENGTH;
    /* The rest of the line, if it is already there (a short wait for it). */
    struct pollfd p = { .fd = c->fd, .events = POLLIN };
    if (poll(&p, 1, 200) > 0) {
        ssize_t r = recv(c->fd, text + n, sizeof text - 1 - n, MSG_PEEK | MSG_DONTWAIT);
        if (r > 0)
            n += (size_t)r;
    }
    text[n] = '\0';
    text[strcspn(text, "\r\n")] = '\0';
    char shown[400];
    visible_str(shown, sizeof shown, text);
    snprintf(out, outlen, "the server wrote clear text inside the TLS connection: \"%s\"", shown);
    return 1;
}

/* Renegotiation is refused (SSL_OP_NO_RENEGOTIATION: the answer to a
 * HelloRequest is a no_renegotiation warning and the connection goes on);
 * the count lets an error that follows say why. */
static void note_messages(int write_p, int version, int content_type, const void *buf,
                          size_t len, SSL *ssl, void *arg)
{
    (void)version;
    (void)arg;
    if (write_p || content_type != SSL3_RT_HANDSHAKE || len < 1 ||
        ((const unsigned char *)buf)[0] != SSL3_MT_HELLO_REQUEST)
        return;
    struct tls_w_conn *c = SSL_get_ex_data(ssl, conn_index);
    if (c != NULL)
        c->hello_requests++;
}

/* The reason of the latest OpenSSL error, with what we know beyond it.
 * 1 when it was clear text from the peer, else 0. */
static int io_reason(struct tls_w_conn *c, char *out, size_t outlen)
{
    unsigned long ossl = ERR_peek_error();
    if (clear_text_seen(c, ossl, out, outlen)) {
        ERR_clear_error();
        return 1;
    }
    char why[256];
    openssl_reason(why, sizeof why);
    if (c->hello_requests > 0)
        snprintf(out, outlen,
                 "%s (the server had asked to renegotiate TLS, which %s refuses: ask its "
                 "administrator to turn TLS renegotiation off)", why, client_name(c->ctx));
    else
        snprintf(out, outlen, "%s", why);
    return 0;
}

static int new_session_cb(SSL *ssl, SSL_SESSION *sess)
{
    struct tls_w_conn *c = SSL_get_ex_data(ssl, conn_index);
    if (c == NULL)
        return 0;
    pool_push(c->parent ? c->parent : c, sess);
    return 1; /* we keep the reference */
}

/* Keeps what the first failure was, for the message; returns 0 so the
 * handshake is aborted (fail closed). */
static int record_failure(X509_STORE_CTX *xctx)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(xctx, SSL_get_ex_data_X509_STORE_CTX_idx());
    struct tls_w_conn *c = ssl ? SSL_get_ex_data(ssl, conn_index) : NULL;
    if (c != NULL && !c->vf.failed) {
        c->vf.failed = 1;
        c->vf.error = X509_STORE_CTX_get_error(xctx);
        c->vf.depth = X509_STORE_CTX_get_error_depth(xctx);
        X509 *leaf = X509_STORE_CTX_get0_cert(xctx);
        if (leaf != NULL && X509_up_ref(leaf))
            c->vf.cert = leaf;
        /* libssl hands the whole chain the server sent as untrusted. */
        STACK_OF(X509) *sent = X509_STORE_CTX_get0_untrusted(xctx);
        c->vf.chain = sent != NULL ? X509_chain_up_ref(sent) : NULL;
    }
    return 0;
}

static int verify_cb(int preverify_ok, X509_STORE_CTX *xctx)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(xctx, SSL_get_ex_data_X509_STORE_CTX_idx());
    struct tls_w_conn *c = ssl ? SSL_get_ex_data(ssl, conn_index) : NULL;
    /* The caller's policy first: the callback of the store it handed in
     * (the trust store's revocation policy), as a plain verification with
     * that store would run it. */
    if (!preverify_ok && c != NULL && c->ctx != NULL && c->ctx->store_verify_cb != NULL)
        preverify_ok = c->ctx->store_verify_cb(preverify_ok, xctx);
    return preverify_ok ? 1 : record_failure(xctx);
}

/* The whole chain check of a handshake: OpenSSL's, then the rule on
 * subject CNs under name constraints (common/chainverify.c), which
 * `trustd verify` and `trustd probe` apply the same way. */
static int cert_verify(X509_STORE_CTX *xctx, void *arg)
{
    (void)arg;
    int ok = X509_verify_cert(xctx);
    if (ok == 1 && !chain_cn_rule(xctx)) {
        SSL *ssl = X509_STORE_CTX_get_ex_data(xctx, SSL_get_ex_data_X509_STORE_CTX_idx());
        struct tls_w_conn *c = ssl ? SSL_get_ex_data(ssl, conn_index) : NULL;
        int first = c != NULL && !c->vf.failed;
        ok = record_failure(xctx);
        if (first)
            c->vf.cn_rule = 1;
    }
    return ok;
}

/* A context holding only list (TLS 1.2 ciphers or TLS 1.3 suites). */
static SSL_CTX *list_ctx(const char *list, int tls13, char *why, size_t whylen)
{
    SSL_CTX *s = SSL_CTX_new(TLS_client_method());
    if (s == NULL) {
        snprintf(why, whylen, "cannot create a TLS context");
        return NULL;
    }
    if (!(tls13 ? SSL_CTX_set_ciphersuites(s, list) : SSL_CTX_set_cipher_list(s, list))) {
        openssl_reason(why, whylen);
        SSL_CTX_free(s);
        return NULL;
    }
    return s;
}

int tls_w_cipher_list_ok(const char *list, int tls13, char *why, size_t whylen)
{
    SSL_CTX *s = list_ctx(list, tls13, why, whylen);
    int ok = s != NULL;
    SSL_CTX_free(s);
    return ok;
}

static int is_tls13_suite(const SSL_CIPHER *c)
{
    return strcmp(SSL_CIPHER_get_version(c), "TLSv1.3") == 0;
}

int tls_w_cipher_list_within(const char *narrow, const char *base, int tls13, char *why,
                             size_t whylen)
{
    SSL_CTX *n = list_ctx(narrow, tls13, why, whylen);
    SSL_CTX *b = n != NULL ? list_ctx(base, tls13, why, whylen) : NULL;
    if (b == NULL) {
        SSL_CTX_free(n);
        return 0;
    }
    int ok = 1;
    /* "@SECLEVEL=0" in a list lowers the level: that widens, it never narrows. */
    if (!tls13 && SSL_CTX_get_security_level(n) < SSL_CTX_get_security_level(b)) {
        snprintf(why, whylen, "it lowers the security level to %d", SSL_CTX_get_security_level(n));
        ok = 0;
    }
    STACK_OF(SSL_CIPHER) *nc = SSL_CTX_get_ciphers(n), *bc = SSL_CTX_get_ciphers(b);
    for (int i = 0; ok && i < sk_SSL_CIPHER_num(nc); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(nc, i);
        if (is_tls13_suite(c) != (tls13 != 0))
            continue;
        int found = 0;
        for (int j = 0; !found && j < sk_SSL_CIPHER_num(bc); j++)
            found = SSL_CIPHER_get_id(sk_SSL_CIPHER_value(bc, j)) == SSL_CIPHER_get_id(c);
        if (!found) {
            snprintf(why, whylen, "%s is not among them", SSL_CIPHER_get_name(c));
            ok = 0;
        }
    }
    SSL_CTX_free(n);
    SSL_CTX_free(b);
    return ok;
}

int tls_w_parse_version(const char *s)
{
    if (strcmp(s, "1.2") == 0)
        return 12;
    if (strcmp(s, "1.3") == 0)
        return 13;
    return -1;
}

static int proto_of(int v)
{
    return v == 13 ? TLS1_3_VERSION : TLS1_2_VERSION;
}

/* Cipher lists, each with an error that names it. */
static int configure(SSL_CTX *s, const struct tls_w_config *cfg, struct err *e)
{
    char why[256];
    if (cfg->ciphers && !SSL_CTX_set_cipher_list(s, cfg->ciphers)) {
        openssl_reason(why, sizeof why);
        return err_set(e, ERR_USAGE, "TLS 1.2 cipher list '%s': %s", cfg->ciphers, why);
    }
    if (cfg->ciphersuites && !SSL_CTX_set_ciphersuites(s, cfg->ciphersuites)) {
        openssl_reason(why, sizeof why);
        return err_set(e, ERR_USAGE, "TLS 1.3 cipher suites '%s': %s", cfg->ciphersuites, why);
    }
    return 0;
}

void tls_w_identity_clear(struct tls_w_identity *id)
{
    X509_free(id->cert);
    EVP_PKEY_free(id->key);
    sk_X509_pop_free(id->chain, X509_free);
    memset(id, 0, sizeof *id);
}

void tls_w_secure_heap(void)
{
    if (!CRYPTO_secure_malloc_initialized())
        (void)CRYPTO_secure_malloc_init(64 * 1024, 32);
}

int tls_w_identity_from_files(const char *cert_file, const char *key_file,
                              struct tls_w_identity *id, struct err *e)
{
    memset(id, 0, sizeof *id);
    tls_w_secure_heap();
    char why[256];
    BIO *b = BIO_new_file(cert_file, "r");
    id->cert = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    id->chain = sk_X509_new_null();
    X509 *x;
    while (id->cert != NULL && id->chain != NULL && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
        if (!sk_X509_push(id->chain, x))
            X509_free(x);
    BIO_free(b);
    if (id->cert == NULL) {
        openssl_reason(why, sizeof why);
        tls_w_identity_clear(id);
        return err_set(e, ERR_LOCAL, "cannot use client certificate %s: %s", cert_file, why);
    }
    ERR_clear_error(); /* the end of the chain */
    const char *key = key_file ? key_file : cert_file;
    b = BIO_new_file(key, "r");
    id->key = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    if (id->key == NULL) {
        openssl_reason(why, sizeof why);
        tls_w_identity_clear(id);
        return err_set(e, ERR_LOCAL, "cannot use client key %s: %s", key, why);
    }
    if (X509_check_private_key(id->cert, id->key) != 1) {
        ERR_clear_error();
        tls_w_identity_clear(id);
        return err_set(e, ERR_LOCAL, "client key %s does not match certificate %s", key, cert_file);
    }
    snprintf(id->name, sizeof id->name, "%s", cert_file);
    return 0;
}

int tls_w_ctx_add_identity(struct tls_w_ctx *ctx, const struct tls_w_identity *id, struct err *e)
{
    if (ctx->nids == TLS_W_IDENTITIES_MAX)
        return err_set(e, ERR_USAGE, "at most %d client certificates", TLS_W_IDENTITIES_MAX);
    struct tls_w_identity *mine = &ctx->ids[ctx->nids];
    mine->chain = id->chain ? X509_chain_up_ref(id->chain) : sk_X509_new_null();
    if (mine->chain == NULL || !X509_up_ref(id->cert)) {
        sk_X509_pop_free(mine->chain, X509_free);
        mine->chain = NULL;
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    mine->cert = id->cert;
    if (!EVP_PKEY_up_ref(id->key)) {
        tls_w_identity_clear(mine);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    mine->key = id->key;
    snprintf(mine->name, sizeof mine->name, "%s", id->name);
    ctx->nids++;
    return 0;
}

static int within_validity(X509 *x)
{
    return X509_cmp_current_time(X509_get0_notBefore(x)) < 0 &&
           X509_cmp_current_time(X509_get0_notAfter(x)) > 0;
}

/* 1 when names (the CAs a server says it accepts) is empty or holds the
 * issuer of the certificate or of a certificate of its chain: the chain
 * leads to one of them. */
static int named_by_server(const STACK_OF(X509_NAME) *names, X509 *cert, STACK_OF(X509) *chain)
{
    if (names == NULL || sk_X509_NAME_num(names) == 0)
        return 1;
    for (int i = -1; i < sk_X509_num(chain); i++) {
        X509 *x = i < 0 ? cert : sk_X509_value(chain, i);
        for (int k = 0; k < sk_X509_NAME_num(names); k++)
            if (X509_NAME_cmp(sk_X509_NAME_value(names, k), X509_get_issuer_name(x)) == 0)
                return 1;
    }
    return 0;
}

/* 1 when a TLS 1.2 server's certificate types (none: any) take key's. */
static int type_accepted(SSL *ssl, EVP_PKEY *key)
{
    const unsigned char *types = NULL;
    long n = SSL_get0_certificate_types(ssl, &types);
    if (n <= 0 || SSL_version(ssl) >= TLS1_3_VERSION)
        return 1;
    int id = EVP_PKEY_get_base_id(key);
    unsigned char want = id == EVP_PKEY_EC || id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448
                             ? TLS_CT_ECDSA_SIGN
                             : TLS_CT_RSA_SIGN;
    for (long i = 0; i < n; i++)
        if (types[i] == want)
            return 1;
    return 0;
}

/* The server asked for a certificate: pick one (tls_w_ctx_add_identity).
 * SSL_check_chain says whether a chain suits the handshake's signature
 * algorithms; the server's CA names and TLS 1.2 certificate types are
 * compared here, since with OpenSSL 3.0 its CERT_PKEY_ISSUER_NAME flag
 * was set for a certificate of another CA than the one a vsftpd server
 * named (app_client_certs.sh). */
static int choose_identity(SSL *ssl, void *arg)
{
    (void)arg;
    struct tls_w_conn *c = SSL_get_ex_data(ssl, conn_index);
    if (c == NULL || c->ctx->nids == 0)
        return 1;
    c->cert_asked = 1;
    const STACK_OF(X509_NAME) *names = SSL_get0_peer_CA_list(ssl);
    int pick = -1;
    for (int i = 0; i < c->ctx->nids; i++) {
        struct tls_w_identity *id = &c->ctx->ids[i];
        int flags = SSL_check_chain(ssl, id->cert, id->key, id->chain);
        if (!(flags & CERT_PKEY_VALID) || !within_validity(id->cert) || !type_accepted(ssl, id->key))
            continue;
        if (named_by_server(names, id->cert, id->chain)) {
            pick = i;
            break;
        }
        if (pick < 0)
            pick = i;
    }
    ERR_clear_error();
    if (pick < 0)
        return 1; /* none suits: the server decides */
    struct tls_w_identity *id = &c->ctx->ids[pick];
    if (SSL_use_cert_and_key(ssl, id->cert, id->key, id->chain, 1) != 1)
        return 0;
    c->presented = pick + 1;
    return 1;
}

const char *tls_w_presented(const struct tls_w_conn *c)
{
    if (c->presented > 0)
        return c->ctx->ids[c->presented - 1].name;
    return c->cert_asked ? NULL : "";
}

struct tls_w_ctx *tls_w_ctx_new(const struct tls_w_config *cfg, struct x509_store_st *trust,
                                struct err *e)
{
    if (conn_index < 0)
        conn_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    struct tls_w_ctx *ctx = calloc(1, sizeof *ctx);
    SSL_CTX *s = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || s == NULL || conn_index < 0) {
        X509_STORE_free(trust);
        SSL_CTX_free(s);
        free(ctx);
        err_set(e, ERR_INTERNAL, "cannot create TLS context");
        return NULL;
    }
    SSL_CTX_set_cert_store(s, trust);
    ctx->store_verify_cb = X509_STORE_get_verify_cb(trust);
    if (cfg != NULL && cfg->client_name != NULL)
        snprintf(ctx->client, sizeof ctx->client, "%s", cfg->client_name);
    ctx->no_sni = cfg != NULL && cfg->no_sni;
    if (cfg != NULL && cfg->policy != NULL)
        snprintf(ctx->policy, sizeof ctx->policy, "%s", cfg->policy);
    /* The store carries the application's revocation flags; make sure the
     * handshake's own parameters include them. */
    X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(s),
                                X509_VERIFY_PARAM_get_flags(X509_STORE_get0_param(trust)));
    int minv = cfg && cfg->min_version ? cfg->min_version : 12;
    ctx->min_version = minv;
    int maxv = cfg && cfg->max_version ? cfg->max_version : 0;
    if (!SSL_CTX_set_min_proto_version(s, proto_of(minv)) ||
        !SSL_CTX_set_max_proto_version(s, maxv ? proto_of(maxv) : 0)) {
        SSL_CTX_free(s);
        free(ctx);
        err_set(e, ERR_INTERNAL, "cannot set TLS protocol versions");
        return NULL;
    }
    if (cfg != NULL && configure(s, cfg, e) != 0) {
        SSL_CTX_free(s);
        free(ctx);
        return NULL;
    }
    SSL_CTX_set_verify(s, SSL_VERIFY_PEER, verify_cb);
    SSL_CTX_set_cert_cb(s, choose_identity, NULL);
    SSL_CTX_set_cert_verify_callback(s, cert_verify, NULL);
    /* A TLS 1.2 renegotiation asked for by the server is refused: OpenSSL 3
     * servers (ProFTPD's TLSRenegotiate) refuse to complete the handshakes
     * they ask for, and one still in progress when a transfer ends would
     * keep our close_notify from being sent. */
    SSL_CTX_set_options(s, SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_msg_callback(s, note_messages);
    /* Client-side cache without OpenSSL's internal store: we keep the latest
     * session per connection ourselves, which is what FTP data connections need. */
    SSL_CTX_set_session_cache_mode(s, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(s, new_session_cb);
    ctx->ssl_ctx = s;
    return ctx;
}

void tls_w_ctx_free(struct tls_w_ctx *ctx)
{
    if (ctx == NULL)
        return;
    for (int i = 0; i < ctx->nids; i++)
        tls_w_identity_clear(&ctx->ids[i]);
    SSL_CTX_free(ctx->ssl_ctx);
    free(ctx);
}

void tls_w_ctx_set_refusal(struct tls_w_ctx *ctx, tls_w_refusal_fn fn, void *arg)
{
    ctx->refusal = fn;
    ctx->refusal_arg = arg;
}

static void describe_failure(const struct tls_w_conn *c, const char *host, struct err *e)
{
    /* The caller's words (ftpc: from the trust store's diagnosis). */
    if (c->ctx != NULL && c->ctx->refusal != NULL && c->vf.chain != NULL &&
        sk_X509_num(c->vf.chain) > 0 &&
        c->ctx->refusal(c->ctx->refusal_arg, host, c->vf.chain, e) == 0)
        return;
    char subject[256] = "?", issuer[256] = "?", hex[CERTINFO_HEX_SHA256] = "";
    char fp[CERTINFO_COLON_SHA256] = "?", raw[256];
    if (c->vf.cert != NULL) {
        /* The server's names, made visible: the message reaches a terminal. */
        certinfo_name(X509_get_subject_name(c->vf.cert), raw, sizeof raw);
        visible_str(subject, sizeof subject, raw);
        certinfo_name(X509_get_issuer_name(c->vf.cert), raw, sizeof raw);
        visible_str(issuer, sizeof issuer, raw);
        if (certinfo_sha256_hex(c->vf.cert, hex) == 0)
            certinfo_colon_form(hex, fp);
    }
    const char *reason = X509_verify_cert_error_string(c->vf.error);
    if (c->vf.cn_rule)
        err_set(e, ERR_TLS,
                "server certificate for %s not trusted: %s; subject: %s; issuer: %s; SHA-256: %s",
                host, CHAIN_CN_RULE_REASON, subject, issuer, fp);
    else if (c->vf.error == X509_V_ERR_HOSTNAME_MISMATCH || c->vf.error == X509_V_ERR_IP_ADDRESS_MISMATCH)
        err_set(e, ERR_TLS,
                "server certificate for %s not trusted: it does not name %s (%s); "
                "subject: %s; issuer: %s; SHA-256: %s",
                host, host, reason, subject, issuer, fp);
    else
        err_set(e, ERR_TLS,
                "server certificate for %s not trusted: %s (at depth %d); "
                "subject: %s; issuer: %s; SHA-256: %s",
                host, reason, c->vf.depth, subject, issuer, fp);
}

void tls_w_conn_free(struct tls_w_conn *c)
{
    if (c == NULL)
        return;
    SSL_free(c->ssl);
    BIO_free(c->held_sock);
    for (int i = 0; i < c->npool; i++)
        SSL_SESSION_free(c->pool[i]);
    X509_free(c->vf.cert);
    sk_X509_pop_free(c->vf.chain, X509_free);
    free(c);
}

struct tls_w_conn *tls_w_start(struct tls_w_ctx *ctx, int fd, const char *host,
                               struct tls_w_conn *resume, struct err *e)
{
    struct tls_w_conn *c = calloc(1, sizeof *c);
    if (c == NULL || (c->ssl = SSL_new(ctx->ssl_ctx)) == NULL) {
        free(c);
        err_set(e, ERR_INTERNAL, "cannot create TLS connection");
        return NULL;
    }
    c->fd = fd;
    c->ctx = ctx;
    snprintf(c->host, sizeof c->host, "%s", host);
    SSL_set_ex_data(c->ssl, conn_index, c);
    int ok = (resume != NULL ? set_buffered_bios(c->ssl, fd) : SSL_set_fd(c->ssl, fd)) &&
             chain_set_host(SSL_get0_param(c->ssl), host);
    if (ok && resume == NULL) {
        BIO *rbio = SSL_get_rbio(c->ssl);
        BIO_set_callback_arg(rbio, (char *)c);
        BIO_set_callback_ex(rbio, keep_raw);
    }
    /* SNI carries DNS names only (RFC 6066 section 3); a policy may keep
     * it back. The name is checked either way (chain_set_host). */
    if (ok && !ctx->no_sni && !net_is_ip_literal(host))
        ok = SSL_set_tlsext_host_name(c->ssl, host) == 1;
    if (ok && resume != NULL) {
        c->parent = resume;
        ok = prefer_parent_group(c->ssl, resume->ssl);
        /* A data connection speaks its control connection's version: a
         * TLS 1.2 session cannot be resumed by a TLS 1.3 handshake. */
        if (ok && SSL_version(resume->ssl) == TLS1_2_VERSION)
            ok = SSL_set_max_proto_version(c->ssl, TLS1_2_VERSION) == 1;
        SSL_SESSION *sess = pool_take(resume);
        if (ok && sess != NULL)
            ok = SSL_set_session(c->ssl, sess); /* takes its own reference */
    }
    if (!ok) {
        tls_w_conn_free(c);
        err_set(e, ERR_INTERNAL, "cannot set up TLS for %s", host);
        return NULL;
    }
    return c;
}

int tls_w_handshake(struct tls_w_conn *c, int *want_write, struct err *e)
{
    ERR_clear_error();
    errno = 0;
    int r = SSL_connect(c->ssl);
    if (r == 1)
        return 1;
    int code = SSL_get_error(c->ssl, r);
    if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) {
        *want_write = code == SSL_ERROR_WANT_WRITE;
        return 0;
    }
    if (c->vf.failed) {
        describe_failure(c, c->host, e);
    } else {
        char why[512];
        int reason = ERR_GET_REASON(ERR_peek_error());
        int old = reason == SSL_R_UNSUPPORTED_PROTOCOL || reason == SSL_R_TLSV1_ALERT_PROTOCOL_VERSION ||
                  reason == SSL_R_NO_PROTOCOLS_AVAILABLE || reason == SSL_R_VERSION_TOO_LOW;
        int clear = io_reason(c, why, sizeof why);
        const char *policy = c->ctx != NULL ? c->ctx->policy : "";
        if (old && c->ctx != NULL && c->ctx->min_version > 12)
            err_set(e, ERR_TLS,
                    "TLS handshake with %s failed: %s\n  the server offers no TLS version "
                    "%s allows (TLS 1.3 or newer)%s%s",
                    c->host, why, client_name(c->ctx), policy[0] ? ": " : "", policy);
        else if (old)
            err_set(e, ERR_TLS,
                    "TLS handshake with %s failed: %s\n  the server offers only a TLS version "
                    "older than 1.2 (old TLS), which %s refuses: ask its administrator to "
                    "enable TLS 1.2 or 1.3",
                    c->host, why, client_name(c->ctx));
        else if (policy[0])
            err_set(e, ERR_TLS, "TLS handshake with %s failed: %s\n  %s", c->host, why, policy);
        else
            err_set(e, ERR_TLS, "TLS handshake with %s failed: %s", c->host, why);
        if (clear)
            e->detail = ERR_DETAIL_CLEAR_TEXT;
    }
    ERR_clear_error();
    return -1;
}

struct tls_w_conn *tls_w_connect(struct tls_w_ctx *ctx, int fd, const char *host,
                                 struct tls_w_conn *resume, struct err *e)
{
    struct tls_w_conn *c = tls_w_start(ctx, fd, host, resume, e);
    if (c == NULL)
        return NULL;
    int want_write = 0;
    int r = tls_w_handshake(c, &want_write, e);
    if (r == 1)
        return c;
    /* A blocking socket only stops early on its time-out. */
    if (r == 0)
        err_set(e, ERR_CONNECT, "TLS handshake with %s: timed out", host);
    tls_w_conn_free(c);
    return NULL;
}

int tls_w_ctx_allows_tls12(const struct tls_w_ctx *ctx)
{
    return ctx != NULL && ctx->min_version <= 12;
}

struct tls_w_conn *tls_w_connect_tls12(struct tls_w_ctx *ctx, int fd, const char *host, struct err *e)
{
    if (!tls_w_ctx_allows_tls12(ctx)) {
        err_set(e, ERR_USAGE, "TLS 1.2 is below the TLS policy's minimum");
        return NULL;
    }
    struct tls_w_conn *c = tls_w_start(ctx, fd, host, NULL, e);
    if (c == NULL)
        return NULL;
    if (SSL_set_max_proto_version(c->ssl, TLS1_2_VERSION) != 1) {
        tls_w_conn_free(c);
        err_set(e, ERR_INTERNAL, "cannot set up TLS 1.2 for %s", host);
        return NULL;
    }
    int want_write = 0;
    int r = tls_w_handshake(c, &want_write, e);
    if (r == 1)
        return c;
    if (r == 0)
        err_set(e, ERR_CONNECT, "TLS handshake with %s: timed out", host);
    tls_w_conn_free(c);
    return NULL;
}

ssize_t tls_w_read(struct tls_w_conn *c, void *buf, size_t len, struct err *e)
{
    size_t n = 0;
    ERR_clear_error();
    errno = 0;
    if (SSL_read_ex(c->ssl, buf, len, &n) == 1)
        return (ssize_t)n;
    int code = SSL_get_error(c->ssl, 0);
    if (code == SSL_ERROR_ZERO_RETURN)
        return 0;
    unsigned long ossl = ERR_peek_error();
    if (ERR_GET_REASON(ossl) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        ERR_clear_error();
        return err_set(e, ERR_TLS, "connection closed without TLS close_notify (data may be truncated)");
    }
    /* A socket time-out shows as WANT_READ on a blocking socket. */
    if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE ||
        (code == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK))) {
        ERR_clear_error();
        return err_set(e, ERR_CONNECT, "timed out waiting for the server");
    }
    char why[512];
    io_reason(c, why, sizeof why);
    return err_set(e, ERR_TLS, "TLS read failed: %s", why);
}

int tls_w_hold_writes(struct tls_w_conn *c)
{
    if (c->held_sock != NULL || c->parent == NULL)
        return 0;
    BIO *sock = SSL_get_wbio(c->ssl);
    BIO *mem = BIO_new(BIO_s_mem());
    if (sock == NULL || mem == NULL || !BIO_up_ref(sock)) {
        BIO_free(mem);
        return -1;
    }
    SSL_set0_wbio(c->ssl, mem); /* drops the SSL's reference, ours stays */
    c->held_sock = sock;
    return 0;
}

/* Sends what was held and writes straight to the socket again. */
static int release_writes(struct tls_w_conn *c)
{
    if (c->held_sock == NULL)
        return 0;
    char *p = NULL;
    long n = BIO_get_mem_data(SSL_get_wbio(c->ssl), &p);
    int ok = 1;
    while (ok && n > 0) {
        int w = BIO_write(c->held_sock, p, n > INT_MAX ? INT_MAX : (int)n);
        if (w <= 0)
            ok = 0;
        else {
            p += w;
            n -= w;
        }
    }
    BIO *sock = c->held_sock;
    c->held_sock = NULL;
    SSL_set0_wbio(c->ssl, sock); /* frees the memory BIO */
    return ok ? 0 : -1;
}

ssize_t tls_w_read_bulk(struct tls_w_conn *c, void *buf, size_t len, struct err *e)
{
    /* Held answers stay bounded: past the limit they go out as they come. */
    if (c->held_sock != NULL && BIO_pending(SSL_get_wbio(c->ssl)) > TLS_W_HOLD_MAX)
        (void)release_writes(c);
    if (c->deferred) {
        c->deferred = 0;
        *e = c->deferred_err;
        return c->deferred_ret;
    }
    ssize_t got = tls_w_read(c, buf, len, e);
    if (got <= 0)
        return got;
    size_t filled = (size_t)got;
    /* Records already in the read buffer cost no system call. */
    while (filled < len && (SSL_has_pending(c->ssl) || BIO_pending(SSL_get_rbio(c->ssl)) > 0)) {
        ssize_t r = tls_w_read(c, (char *)buf + filled, len - filled, &c->deferred_err);
        if (r <= 0) {
            c->deferred = 1;
            c->deferred_ret = r;
            break;
        }
        filled += (size_t)r;
    }
    return (ssize_t)filled;
}

int tls_w_write(struct tls_w_conn *c, const void *buf, size_t len, struct err *e)
{
    const char *p = buf;
    (void)release_writes(c);
    while (len > 0) {
        size_t n = 0;
        ERR_clear_error();
        errno = 0;
        if (SSL_write_ex(c->ssl, p, len, &n) != 1) {
            int code = SSL_get_error(c->ssl, 0);
            if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE ||
                (code == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK))) {
                ERR_clear_error();
                return err_set(e, ERR_CONNECT, "timed out sending to the server");
            }
            char why[512];
            io_reason(c, why, sizeof why);
            return err_set(e, ERR_TLS, "TLS write failed: %s", why);
        }
        p += n;
        len -= n;
    }
    return 0;
}

/* Processes what the peer already sent (TLS 1.3 session tickets, above
 * all) without waiting: a ticket read only after our close_notify may be
 * dropped, and the next data connection would have no session to resume. */
static void absorb_pending(struct tls_w_conn *c)
{
    int flags = fcntl(c->fd, F_GETFL);
    if (flags < 0 || fcntl(c->fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return;
    char sink[512];
    size_t n = 0;
    ERR_clear_error();
    while (SSL_read_ex(c->ssl, sink, sizeof sink, &n) == 1) {
    }
    ERR_clear_error();
    (void)fcntl(c->fd, F_SETFL, flags);
}

int tls_w_close(struct tls_w_conn *c, int wait_ms, struct err *e)
{
    absorb_pending(c);
    if (release_writes(c) != 0) {
        char why[256];
        openssl_reason(why, sizeof why);
        return err_set(e, ERR_TLS, "cannot send TLS close_notify: %s", why);
    }
    /* close_notify cannot be sent in the middle of a handshake: one still
     * running (none should, renegotiation being refused) ends first, within
     * the wait. */
    if (SSL_in_init(c->ssl) && SSL_is_init_finished(c->ssl) == 0) {
        (void)net_set_timeouts(c->fd, wait_ms);
        ERR_clear_error();
        if (SSL_do_handshake(c->ssl) != 1) {
            char why[512];
            io_reason(c, why, sizeof why);
            return err_set(e, ERR_TLS, "cannot send TLS close_notify: a TLS handshake did not end: %s", why);
        }
    }
    ERR_clear_error();
    int r = SSL_shutdown(c->ssl);
    if (r == 1)
        return 0;
    if (r < 0) {
        char why[256];
        openssl_reason(why, sizeof why);
        return err_set(e, ERR_TLS, "cannot send TLS close_notify: %s", why);
    }
    /* Ours is out; read (and drop) until the peer's close_notify, EOF or the
     * deadline. Leaving data unread would make the kernel send RST. */
    (void)net_set_timeouts(c->fd, wait_ms);
    char sink[4096];
    for (;;) {
        size_t n = 0;
        ERR_clear_error();
        if (SSL_read_ex(c->ssl, sink, sizeof sink, &n) == 1)
            continue;
        int code = SSL_get_error(c->ssl, 0);
        ERR_clear_error();
        if (code == SSL_ERROR_ZERO_RETURN)
            return 0;
        err_set(e, ERR_TLS, "the server did not answer with TLS close_notify");
        return 1;
    }
}

const char *tls_w_version(const struct tls_w_conn *c)
{
    return SSL_get_version(c->ssl);
}

const char *tls_w_cipher(const struct tls_w_conn *c)
{
    return SSL_get_cipher_name(c->ssl);
}

int tls_w_session_reused(const struct tls_w_conn *c)
{
    return SSL_session_reused(c->ssl);
}

int tls_w_sessions(const struct tls_w_conn *c, int *fresh)
{
    *fresh = 0;
    for (int i = 0; i < c->npool; i++)
        *fresh += !c->used[i];
    return c->npool;
}

int tls_w_is_tls13(const struct tls_w_conn *c)
{
    return SSL_version(c->ssl) >= TLS1_3_VERSION;
}

int tls_w_pending(const struct tls_w_conn *c)
{
    return SSL_pending(c->ssl);
}

void tls_w_print_chain(const struct tls_w_conn *c, FILE *out)
{
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(c->ssl);
    for (int i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
        X509 *x = sk_X509_value(chain, i);
        char subject[256], issuer[256], hex[CERTINFO_HEX_SHA256] = "?", raw[256];
        char colon[CERTINFO_COLON_SHA256];
        certinfo_name(X509_get_subject_name(x), raw, sizeof raw);
        visible_str(subject, sizeof subject, raw);
        certinfo_name(X509_get_issuer_name(x), raw, sizeof raw);
        visible_str(issuer, sizeof issuer, raw);
        (void)certinfo_sha256_hex(x, hex);
        certinfo_colon_form(hex, colon);
        fprintf(out, "---- certificate %d: %s; issuer %s; SHA-256 %s\n", i, subject, issuer, colon);
    }
}
