/*
 * data: passive data connections. Trust boundary: the port comes from the
 * server, the address never does (see pasv.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/fdio.h"
#include "ftpc/conn/data.h"
#include "ftpc/conn/interrupt.h"
#include "ftpc/parse/pasv.h"

static int data_start_tls(struct ftp_data *d, struct tls_w_ctx *ctx, struct ftp_ctrl *c,
                          struct err *e);

static int open_passive(struct ftp_ctrl *c, int *epsv_refused, struct ftp_data *d, struct err *e)
{
    struct ftp_reply *r = malloc(sizeof *r);
    if (r == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    unsigned port = 0;
    int rc = -1;
    if (!*epsv_refused) {
        if (ctrl_command(c, r, e, "EPSV") != 0)
            goto out;
        if (r->code == 229) {
            if (ftp_parse_epsv(r->text, &port) != 0) {
                err_set(e, ERR_SERVER, "malformed EPSV reply: %d %s", r->code, r->text);
                goto out;
            }
        } else if (ftp_reply_class(r->code) == 5) {
            *epsv_refused = 1;
        } else {
            err_set(e, ERR_SERVER, "EPSV refused: %d %s", r->code, r->text);
            goto out;
        }
    }
    if (port == 0) {
        if (c->peer.ss.ss_family != AF_INET) {
            err_set(e, ERR_SERVER, "the server refused EPSV, and PASV cannot reach an IPv6 address");
            goto out;
        }
        if (ctrl_command(c, r, e, "PASV") != 0)
            goto out;
        unsigned char ignored_addr[4];
        if (r->code != 227) {
            err_set(e, ERR_SERVER, "PASV refused: %d %s", r->code, r->text);
            goto out;
        }
        if (ftp_parse_pasv(r->text, ignored_addr, &port) != 0) {
            err_set(e, ERR_SERVER, "malformed PASV reply: %d %s", r->code, r->text);
            goto out;
        }
    }
    if (c->trace)
        fprintf(c->trace, "---- data connection to port %u\n", port);
    d->fd = net_connect_addr(&c->peer, port, d->timeout_ms, e);
    rc = d->fd < 0 ? -1 : 0;
out:
    free(r);
    return rc;
}

static int open_active(struct ftp_ctrl *c, int *eprt_refused, struct ftp_data *d, struct err *e)
{
    struct net_addr local;
    if (net_local_addr(c->fd, &local) != 0)
        return err_set(e, ERR_CONNECT, "cannot read the local address");
    unsigned port = 0;
    d->listen_fd = net_listen(&local, &port, e);
    if (d->listen_fd < 0)
        return -1;
    char host[64];
    net_addr_string(&local, host, sizeof host);
    struct ftp_reply *r = malloc(sizeof *r);
    if (r == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    int rc = -1;
    int v6 = local.ss.ss_family == AF_INET6;
    if (!*eprt_refused) {
        if (ctrl_command(c, r, e, "EPRT |%d|%s|%u|", v6 ? 2 : 1, host, port) != 0)
            goto out;
        if (ftp_reply_class(r->code) == 2) {
            rc = 0;
            goto out;
        }
        if (r->code != 500 && r->code != 501 && r->code != 502) {
            err_set(e, ERR_SERVER, "EPRT refused: %d %s", r->code, r->text);
            goto out;
        }
        *eprt_refused = 1;
    }
    if (v6) {
        err_set(e, ERR_SERVER, "the server refused EPRT, and PORT cannot name an IPv6 address");
        goto out;
    }
    for (char *p = host; *p; p++)
        if (*p == '.')
            *p = ',';
    if (ctrl_command(c, r, e, "PORT %s,%u,%u", host, port / 256, port % 256) != 0)
        goto out;
    if (ftp_reply_class(r->code) != 2) {
        err_set(e, ERR_SERVER, "PORT refused: %d %s", r->code, r->text);
        goto out;
    }
    rc = 0;
out:
    free(r);
    return rc;
}

int data_prepare(struct ftp_ctrl *c, int passive, int *epsv_refused, int *eprt_refused,
                 int timeout_ms, struct ftp_data *d, struct err *e)
{
    d->fd = -1;
    d->listen_fd = -1;
    d->tls = NULL;
    d->timeout_ms = timeout_ms;
    int rc = passive ? open_passive(c, epsv_refused, d, e) : open_active(c, eprt_refused, d, e);
    if (rc != 0)
        data_close(d);
    return rc;
}

int data_establish(struct ftp_data *d, struct ftp_ctrl *c, struct tls_w_ctx *ctx, struct err *e)
{
    if (d->fd < 0) {
        d->fd = net_accept_from(d->listen_fd, &c->peer, d->timeout_ms, &ftpc_interrupted, e);
        close(d->listen_fd);
        d->listen_fd = -1;
        if (d->fd < 0)
            return -1;
        if (c->trace)
            fprintf(c->trace, "---- data connection accepted\n");
    }
    return ctx ? data_start_tls(d, ctx, c, e) : 0;
}

static int data_start_tls(struct ftp_data *d, struct tls_w_ctx *ctx, struct ftp_ctrl *c,
                          struct err *e)
{
    d->tls = tls_w_connect(ctx, d->fd, c->host, c->tls, e);
    if (d->tls == NULL) {
        err_prefix(e, "data connection");
        return -1;
    }
    return 0;
}

ssize_t data_read(struct ftp_data *d, void *p, size_t n, struct err *e)
{
    if (d->tls != NULL) {
        ssize_t r = tls_w_read_bulk(d->tls, p, n, e);
        if (r < 0)
            err_prefix(e, "data connection");
        return r;
    }
    for (;;) {
        ssize_t r = read(d->fd, p, n);
        if (r >= 0)
            return r;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return err_set(e, ERR_CONNECT, "data connection: no data for %d s (timed out)",
                           d->timeout_ms / 1000);
        return err_set(e, ERR_CONNECT, "data connection: %s", strerror(errno));
    }
}

int data_write(struct ftp_data *d, const void *p, size_t n, struct err *e)
{
    if (d->tls != NULL) {
        if (tls_w_write(d->tls, p, n, e) != 0)
            return err_prefix(e, "data connection");
        return 0;
    }
    if (fd_write_all(d->fd, p, n) != 0)
        return err_set(e, ERR_CONNECT, "data connection: %s", strerror(errno));
    return 0;
}

int data_finish_upload(struct ftp_data *d, int wait_ms, struct err *e)
{
    if (d->tls != NULL) {
        struct err ignored;
        /* 1 (the server closed without its own close_notify) is fine for an
         * upload: it has read ours, so it has every byte. */
        if (tls_w_close(d->tls, wait_ms, &ignored) < 0)
            return err_set(e, ERR_TLS, "data connection: %s", ignored.msg);
        return 0;
    }
    if (shutdown(d->fd, SHUT_WR) != 0)
        return err_set(e, ERR_CONNECT, "data connection: %s", strerror(errno));
    (void)net_set_timeouts(d->fd, wait_ms);
    char sink[512];
    while (read(d->fd, sink, sizeof sink) > 0) {
    }
    return 0;
}

void data_close(struct ftp_data *d)
{
    tls_w_conn_free(d->tls);
    d->tls = NULL;
    if (d->fd >= 0)
        close(d->fd);
    if (d->listen_fd >= 0)
        close(d->listen_fd);
    d->fd = d->listen_fd = -1;
}
