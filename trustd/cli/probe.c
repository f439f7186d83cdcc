/* probe: connect, start TLS, keep the presented chain, hang up (in the
 * confined child, probe_confined.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/buf.h"
#include "common/fdio.h"
#include "common/ftp_reply_read.h"
#include "common/net.h"
#include "trustd/cli/probe.h"

/* Bytes of a reply from a clear connection. */
struct probe_source {
    int fd;
    const char *host;
};

static ssize_t read_clear(void *arg, char *p, size_t n, struct err *e)
{
    const struct probe_source *src = arg;
    for (;;) {
        ssize_t got = read(src->fd, p, n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return err_set(e, ERR_CONNECT, "%s closed the connection or timed out", src->host);
        return got;
    }
}

static int read_reply(int fd, struct buf *in, struct ftp_reply *r, const char *host, struct err *e)
{
    struct probe_source src = { .fd = fd, .host = host };
    return ftp_reply_read(in, read_clear, &src, host, r, e);
}

static int start_explicit(int fd, const char *host, struct err *e)
{
    struct buf in;
    buf_init(&in, FTP_REPLY_BUF_MAX);
    struct ftp_reply *r = malloc(sizeof *r);
    int rc = r == NULL ? err_set(e, ERR_INTERNAL, "out of memory") : 0;
    while (rc == 0 && (rc = read_reply(fd, &in, r, host, e)) == 0 && r->code == 120) {
    }
    if (rc == 0 && r->code != 220)
        rc = err_set(e, ERR_CONNECT, "%s is not ready: %d %s", host, r->code, r->text);
    const char *auth[] = { "AUTH TLS\r\n", "AUTH SSL\r\n" };
    for (int i = 0; rc == 0 && i < 2; i++) {
        if (fd_write_all(fd, auth[i], strlen(auth[i])) != 0)
            rc = err_set(e, ERR_CONNECT, "lost the connection to %s", host);
        else if ((rc = read_reply(fd, &in, r, host, e)) == 0) {
            if (r->code == 234 || r->code == 334)
                break;
            if (r->code != 504 || i == 1)
                rc = err_set(e, ERR_TLS, "%s refused AUTH TLS: %d %s", host, r->code, r->text);
        }
    }
    if (rc == 0 && in.len > 0)
        rc = err_set(e, ERR_TLS, "%s sent data before the TLS handshake", host);
    free(r);
    buf_free(&in);
    return rc;
}

int probe_talk(const char *host, unsigned port, int implicit, int timeout_ms,
               STACK_OF(X509) **chain, char *tls_info, size_t tls_info_len, struct err *e)
{
    *chain = NULL;
    int fd = net_connect_host(host, port, timeout_ms, NULL, e);
    if (fd < 0)
        return -1;
    if (!implicit && start_explicit(fd, host, e) != 0) {
        close(fd);
        return -1;
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl = ctx ? SSL_new(ctx) : NULL;
    int rc = -1;
    if (ssl == NULL) {
        err_set(e, ERR_INTERNAL, "cannot create a TLS connection");
        goto out;
    }
    /* Verification is done afterwards, with the application's trust list;
     * here we only want to see what the server presents. */
    SSL_set_min_proto_version(ssl, TLS1_2_VERSION); /* as ftpc: no TLS below 1.2 */
    SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
    SSL_set_fd(ssl, fd);
    if (!net_is_ip_literal(host))
        SSL_set_tlsext_host_name(ssl, host);
    ERR_clear_error();
    if (SSL_connect(ssl) != 1) {
        char why[256] = "connection closed";
        unsigned long code = ERR_get_error();
        if (code)
            ERR_error_string_n(code, why, sizeof why);
        int reason = ERR_GET_REASON(code);
        if (reason == SSL_R_UNSUPPORTED_PROTOCOL || reason == SSL_R_TLSV1_ALERT_PROTOCOL_VERSION ||
            reason == SSL_R_NO_PROTOCOLS_AVAILABLE || reason == SSL_R_VERSION_TOO_LOW)
            err_set(e, ERR_TLS,
                    "TLS handshake with %s failed: %s; the server offers only a TLS version "
                    "older than 1.2 (old TLS), which ftpc refuses: ask its administrator to "
                    "enable TLS 1.2 or 1.3",
                    host, why);
        else
            err_set(e, ERR_TLS, "TLS handshake with %s failed: %s", host, why);
        goto out;
    }
    STACK_OF(X509) *peer = SSL_get_peer_cert_chain(ssl);
    if (peer == NULL || sk_X509_num(peer) == 0) {
        err_set(e, ERR_TLS, "%s presented no certificate", host);
        goto out;
    }
    *chain = X509_chain_up_ref(peer);
    snprintf(tls_info, tls_info_len, "%s, %s", SSL_get_version(ssl), SSL_get_cipher_name(ssl));
    (void)SSL_shutdown(ssl);
    rc = *chain ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
out:
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ERR_clear_error();
    close(fd);
    return rc;
}
