/*
 * data: data connections from the command that opens them to the reply
 * after them. Trust boundary: the port comes from the server, the address
 * never does (see pasv.h); the bytes end properly only with close_notify
 * on a private connection.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/fdio.h"
#include "ftpc/conn/data.h"
#include "ftpc/conn/interrupt.h"
#include "ftpc/conn/limits.h"
#include "ftpc/parse/pasv.h"

static int send_line(struct ftp_data *d, const char *line, struct err *e)
{
    return d->link.send(d->link.arg, line, e);
}

static int read_reply(struct ftp_data *d, int shown, struct err *e)
{
    return d->link.read_reply(d->link.arg, shown && !d->link.quiet, e);
}

/* A command of the data connection's set-up (EPSV, PORT...), its reply
 * not shown. */
static int setup_command(struct ftp_data *d, const char *line, struct err *e)
{
    if (send_line(d, line, e) != 0)
        return -1;
    return read_reply(d, 0, e);
}

static int refused(struct ftp_data *d, const char *what, struct err *e)
{
    return err_set(e, ERR_SERVER, "%s: %d %s", what, d->link.reply->code, d->link.reply->text);
}

static int open_passive(struct ftp_data *d, int *epsv_refused, struct err *e)
{
    const struct ftp_reply *r = d->link.reply;
    struct ftp_ctrl *c = d->link.ctrl;
    unsigned port = 0;
    if (!*epsv_refused) {
        if (setup_command(d, "EPSV", e) != 0)
            return -1;
        if (r->code == 229) {
            if (ftp_parse_epsv(r->text, &port) != 0)
                return refused(d, "malformed EPSV reply", e);
        } else if (ftp_reply_class(r->code) == 5) {
            *epsv_refused = 1;
        } else {
            return refused(d, "EPSV refused", e);
        }
    }
    if (port == 0) {
        if (c->peer.ss.ss_family != AF_INET)
            return err_set(e, ERR_SERVER, "the server refused EPSV, and PASV cannot reach an IPv6 address");
        if (setup_command(d, "PASV", e) != 0)
            return -1;
        unsigned char ignored_addr[4];
        if (r->code != 227)
            return refused(d, "PASV refused", e);
        if (ftp_parse_pasv(r->text, ignored_addr, &port) != 0)
            return refused(d, "malformed PASV reply", e);
    }
    ctrl_trace(c, "---- data connection to port %u\n", port);
    d->fd = net_connect_addr(&c->peer, port, d->timeout_ms, e);
    return d->fd < 0 ? -1 : 0;
}

static int open_active(struct ftp_data *d, int *eprt_refused, struct err *e)
{
    const struct ftp_reply *r = d->link.reply;
    struct net_addr local;
    if (net_local_addr(d->link.ctrl->fd, &local) != 0)
        return err_set(e, ERR_CONNECT, "cannot read the local address");
    unsigned port = 0;
    d->listen_fd = net_listen(&local, &port, e);
    if (d->listen_fd < 0)
        return -1;
    char host[64];
    net_addr_string(&local, host, sizeof host);
    char line[128];
    int v6 = local.ss.ss_family == AF_INET6;
    if (!*eprt_refused) {
        snprintf(line, sizeof line, "EPRT |%d|%s|%u|", v6 ? 2 : 1, host, port);
        if (setup_command(d, line, e) != 0)
            return -1;
        if (ftp_reply_class(r->code) == 2)
            return 0;
        if (r->code != 500 && r->code != 501 && r->code != 502)
            return refused(d, "EPRT refused", e);
        *eprt_refused = 1;
    }
    if (v6)
        return err_set(e, ERR_SERVER, "the server refused EPRT, and PORT cannot name an IPv6 address");
    for (char *p = host; *p; p++)
        if (*p == '.')
            *p = ',';
    snprintf(line, sizeof line, "PORT %s,%u,%u", host, port / 256, port % 256);
    if (setup_command(d, line, e) != 0)
        return -1;
    if (ftp_reply_class(r->code) != 2)
        return refused(d, "PORT refused", e);
    return 0;
}

static void data_close(struct ftp_data *d)
{
    tls_w_conn_free(d->tls);
    d->tls = NULL;
    if (d->fd >= 0)
        close(d->fd);
    if (d->listen_fd >= 0)
        close(d->listen_fd);
    d->fd = d->listen_fd = -1;
}

/* The transfer command's replies up to its final one (1xx skipped). When
 * one does not come, the reader closed the control connection; after an
 * earlier failure (failed, e says what) the message tells both. 0 when in
 * step. */
static int read_final(struct ftp_data *d, int failed, struct err *e)
{
    struct err why;
    do {
        if (read_reply(d, 1, &why) != 0) {
            if (!failed) {
                *e = why;
                return -1;
            }
            char first[ERR_MSG_MAX];
            snprintf(first, sizeof first, "%s", e->msg);
            err_set(e, e->code ? e->code : why.code,
                    "%s; no final reply for the transfer (%s), so the control connection was closed: "
                    "use open to connect again", first, why.msg);
            return -1;
        }
    } while (ftp_reply_class(d->link.reply->code) == 1);
    return 0;
}

/* ABOR, then the transfer's final reply and ABOR's own. */
static int abort_replies(struct ftp_data *d, struct err *e)
{
    err_set(e, ERR_INTERRUPTED, "interrupted");
    if (!ctrl_is_open(d->link.ctrl))
        return -1;
    struct err why;
    if (send_line(d, "ABOR", &why) != 0)
        return err_set(e, ERR_INTERRUPTED, "interrupted; %s", why.msg);
    if (read_final(d, 1, e) == 0)
        (void)read_final(d, 1, e); /* ABOR's own */
    return -1;
}

/* The data connection failed after the transfer command went out (or
 * Ctrl-C): the server's verdict is read so the control connection stays
 * in step. */
static int fail_after_command(struct ftp_data *d, struct err *e)
{
    data_close(d);
    if (ftpc_interrupted)
        return abort_replies(d, e);
    (void)read_final(d, 1, e);
    return -1;
}

/* The transfer command's first reply must be 1xx ("about to send"). */
static int check_preliminary(struct ftp_data *d, const char *command, struct err *e)
{
    if (ftp_reply_class(d->link.reply->code) != 1)
        return refused(d, command, e);
    return 0;
}

/* Passive and private: the TLS handshake starts right after the transfer
 * command, without waiting for the server's 1xx, watching the control
 * connection at the same time (a refusal there ends the handshake). Saves
 * a round trip per file. */
static int overlapped_handshake(struct ftp_data *d, struct tls_w_ctx *ctx, const char *command,
                                struct err *e)
{
    struct ftp_ctrl *c = d->link.ctrl;
    d->tls = tls_w_start(ctx, d->fd, c->host, c->tls, e);
    if (d->tls == NULL || net_set_blocking(d->fd, 0) != 0) {
        if (d->tls != NULL)
            err_set(e, ERR_CONNECT, "data connection: %s", strerror(errno));
        data_close(d);
        (void)read_final(d, 1, e);
        return -1;
    }
    int got_reply = 0;
    for (;;) {
        int want_write = 0;
        int r = tls_w_handshake(d->tls, &want_write, e);
        if (r == 1)
            break;
        if (r < 0) {
            err_prefix(e, "data connection");
            d->failed = 1;
            data_close(d);
            /* The 1xx (if not read yet) and the transfer's final reply. */
            (void)read_final(d, 1, e);
            return -1;
        }
        if (!got_reply && ctrl_reply_ready(c, 0)) {
            if (read_reply(d, 1, e) != 0)
                return -1;
            got_reply = 1;
            if (check_preliminary(d, command, e) != 0)
                return -1; /* that was the final reply */
            continue;
        }
        struct pollfd p[2] = { { .fd = d->fd, .events = want_write ? POLLOUT : POLLIN },
                               { .fd = c->fd, .events = POLLIN } };
        int n;
        do {
            n = poll(p, got_reply ? 1 : 2, d->timeout_ms);
        } while (n < 0 && errno == EINTR && !ftpc_interrupted);
        if (n <= 0) {
            d->failed = 1;
            if (!ftpc_interrupted)
                err_set(e, ERR_CONNECT, "data connection: TLS handshake timed out after %d s",
                        d->timeout_ms / 1000);
            return fail_after_command(d, e);
        }
    }
    if (net_set_blocking(d->fd, 1) != 0) {
        err_set(e, ERR_CONNECT, "data connection: %s", strerror(errno));
        data_close(d);
        (void)read_final(d, 1, e);
        return -1;
    }
    if (!got_reply && (read_reply(d, 1, e) != 0 || check_preliminary(d, command, e) != 0))
        return -1;
    return 0;
}

/* After the server's 1xx reply: accepts the server's connection (active),
 * then the TLS handshake when ctx is not NULL. */
static int establish(struct ftp_data *d, struct tls_w_ctx *ctx, struct err *e)
{
    struct ftp_ctrl *c = d->link.ctrl;
    if (d->fd < 0) {
        d->fd = net_accept_from(d->listen_fd, &c->peer, d->timeout_ms, &ftpc_interrupted, e);
        close(d->listen_fd);
        d->listen_fd = -1;
        if (d->fd < 0)
            return -1;
        ctrl_trace(c, "---- data connection accepted\n");
    }
    if (ctx == NULL)
        return 0;
    d->tls = tls_w_connect(ctx, d->fd, c->host, c->tls, e);
    if (d->tls == NULL)
        return err_prefix(e, "data connection");
    return 0;
}

int data_open(struct ftp_data *d, const struct data_link *link, const struct data_plan *plan,
              const char *command, struct err *e)
{
    d->fd = -1;
    d->listen_fd = -1;
    d->tls = NULL;
    d->timeout_ms = plan->timeout_ms;
    d->link = *link;
    d->failed = 0;
    /* Fail closed: no data connection without protection unless clear
     * data is what is in force. */
    if (plan->tls_ctx == NULL && !plan->clear)
        return err_set(e, ERR_TLS, "no data protection is in force: no data connection is made");
    int rc = plan->passive ? open_passive(d, plan->epsv_refused, e)
                           : open_active(d, plan->eprt_refused, e);
    if (rc == 0 && send_line(d, command, e) != 0)
        rc = -1;
    if (rc != 0) {
        data_close(d);
        return -1;
    }
    if (plan->passive && plan->tls_ctx != NULL) {
        if (overlapped_handshake(d, plan->tls_ctx, command, e) != 0) {
            data_close(d);
            return -1;
        }
    } else {
        if (read_reply(d, 1, e) != 0 || check_preliminary(d, command, e) != 0) {
            data_close(d);
            return -1;
        }
        if (establish(d, plan->tls_ctx, e) != 0) {
            d->failed = 1;
            return fail_after_command(d, e);
        }
    }
    struct ftp_ctrl *c = d->link.ctrl;
    if (d->tls != NULL)
        ctrl_trace(c, "---- data TLS %s, %s, session %s\n", tls_w_version(d->tls),
                  tls_w_cipher(d->tls), tls_w_session_reused(d->tls) ? "resumed" : "new");
    return 0;
}

ssize_t data_read(struct ftp_data *d, void *p, size_t n, struct err *e)
{
    ssize_t r;
    if (d->tls != NULL) {
        r = tls_w_read_bulk(d->tls, p, n, e);
        if (r < 0)
            err_prefix(e, "data connection");
    } else {
        do {
            r = read(d->fd, p, n);
        } while (r < 0 && errno == EINTR);
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            err_set(e, ERR_CONNECT, "data connection: no data for %d s (timed out)", d->timeout_ms / 1000);
        else if (r < 0)
            err_set(e, ERR_CONNECT, "data connection: %s", strerror(errno));
    }
    if (ftpc_interrupted)
        return err_set(e, ERR_INTERRUPTED, "interrupted");
    return r < 0 ? -1 : r;
}

int data_write(struct ftp_data *d, const void *p, size_t n, struct err *e)
{
    int rc = 0;
    if (d->tls != NULL) {
        if (tls_w_write(d->tls, p, n, e) != 0)
            rc = err_prefix(e, "data connection");
    } else if (fd_write_all(d->fd, p, n) != 0) {
        rc = err_set(e, ERR_CONNECT, "data connection: %s", strerror(errno));
    }
    if (rc != 0 && ftpc_interrupted)
        return err_set(e, ERR_INTERRUPTED, "interrupted");
    return rc;
}

size_t data_upload_chunk(const struct ftp_data *d)
{
    return d->tls != NULL ? FTP_IO_SIZE : CLEAR_UPLOAD_CHUNK;
}

int data_resumed(const struct ftp_data *d)
{
    return d->tls != NULL && tls_w_session_reused(d->tls);
}

void data_describe(const struct ftp_data *d, const char *detail, char *out, size_t outlen)
{
    if (d->tls != NULL)
        snprintf(out, outlen, "%s, %s, %s (%s)", tls_w_version(d->tls), tls_w_cipher(d->tls),
                 tls_w_session_reused(d->tls) ? "session resumed" : "new session", detail);
    else
        snprintf(out, outlen, "clear (%s)", detail);
}

void data_hold_answers(struct ftp_data *d)
{
    if (d->tls != NULL)
        (void)tls_w_hold_writes(d->tls);
}

/* After the data: the final reply; only 226/250 mean success. */
static int end_reply(struct ftp_data *d, int ok, struct err *e)
{
    if (read_final(d, !ok, e) != 0 || !ok)
        return -1;
    int code = d->link.reply->code;
    if (code != 226 && code != 250)
        return refused(d, "transfer failed", e);
    return 0;
}

int data_end_download(struct ftp_data *d, int ok, struct err *e)
{
    if (d->tls != NULL) {
        struct err why;
        if (tls_w_close(d->tls, DOWNLOAD_CLOSE_WAIT_MS, &why) < 0)
            ctrl_trace(d->link.ctrl, "---- data TLS: no close_notify sent: %s\n", why.msg);
        else
            ctrl_trace(d->link.ctrl, "---- data TLS: close_notify sent\n");
    }
    data_close(d);
    return end_reply(d, ok, e);
}

/* close_notify (or a TCP half-close), then a bounded wait for the server
 * to finish reading. */
static int finish_upload(struct ftp_data *d, struct err *e)
{
    if (d->tls != NULL) {
        struct err ignored;
        /* 1 (the server closed without its own close_notify) is fine for an
         * upload: it has read ours, so it has every byte. */
        if (tls_w_close(d->tls, UPLOAD_CLOSE_WAIT_MS, &ignored) < 0)
            return err_set(e, ERR_TLS, "data connection: %s", ignored.msg);
        ctrl_trace(d->link.ctrl, "---- data TLS: close_notify sent\n");
        return 0;
    }
    if (shutdown(d->fd, SHUT_WR) != 0)
        return err_set(e, ERR_CONNECT, "data connection: %s", strerror(errno));
    (void)net_set_timeouts(d->fd, UPLOAD_CLOSE_WAIT_MS);
    char sink[512];
    while (read(d->fd, sink, sizeof sink) > 0) {
    }
    return 0;
}

int data_end_upload(struct ftp_data *d, int ok, struct err *e)
{
    /* A local read error must not look like a complete file: close without
     * close_notify so the server sees a truncated transfer. */
    if (ok && finish_upload(d, e) != 0)
        ok = 0;
    data_close(d);
    return end_reply(d, ok, e);
}

int data_abort(struct ftp_data *d, int upload, struct err *e)
{
    if (!upload && d->tls != NULL) {
        struct err ignored;
        (void)tls_w_close(d->tls, DOWNLOAD_CLOSE_WAIT_MS, &ignored);
    }
    data_close(d);
    return abort_replies(d, e);
}
