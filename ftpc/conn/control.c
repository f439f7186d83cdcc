/*
 * control: FTP control connection I/O. Trust boundary: replies are parsed by
 * the pure reply parser with hard size limits; commands never carry CR/LF.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/fdio.h"
#include "common/ftp_reply_read.h"
#include "ftpc/conn/control.h"

void ctrl_init(struct ftp_ctrl *c)
{
    memset(c, 0, sizeof *c);
    c->fd = -1;
    buf_init(&c->in, FTP_REPLY_BUF_MAX);
    c->timeout_ms = CTRL_REPLY_TIMEOUT_S * 1000;
}

void ctrl_trace(const struct ftp_ctrl *c, const char *fmt, ...)
{
    if (c->trace == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    flockfile(c->trace);
    if (c->trace_tag > 0)
        fprintf(c->trace, "[%d] ", c->trace_tag);
    vfprintf(c->trace, fmt, ap);
    funlockfile(c->trace);
    va_end(ap);
}

int ctrl_is_open(const struct ftp_ctrl *c)
{
    return c->fd >= 0;
}

int ctrl_connect(struct ftp_ctrl *c, const char *host, unsigned port, int timeout_ms,
                 struct err *e)
{
    snprintf(c->host, sizeof c->host, "%s", host);
    buf_reset(&c->in);
    c->fd = net_connect_host(host, port, timeout_ms, &c->peer, e);
    if (c->fd < 0)
        return -1;
    /* Replies can be far apart during long transfers: keepalive keeps NAT
     * and firewalls from dropping the idle control connection. */
    net_keepalive(c->fd);
    return net_set_timeouts(c->fd, c->timeout_ms);
}

int ctrl_start_tls(struct ftp_ctrl *c, struct tls_w_ctx *ctx, struct err *e)
{
    if (c->in.len > 0) {
        /* Bytes that came before the handshake were not protected by it. */
        return err_set(e, ERR_TLS, "%s sent data before the TLS handshake; refusing", c->host);
    }
    c->tls_off = 0;
    c->tls = c->tls12 ? tls_w_connect_tls12(ctx, c->fd, c->host, e) : tls_w_connect(ctx, c->fd, c->host, NULL, e);
    if (c->tls == NULL)
        return -1;
    if (c->trace) {
        flockfile(c->trace); /* the chain's lines together, in a shared trace */
        ctrl_trace(c, "---- TLS %s, %s\n", tls_w_version(c->tls), tls_w_cipher(c->tls));
        tls_w_print_chain(c->tls, c->trace);
        funlockfile(c->trace);
    }
    return 0;
}

int ctrl_reply_ready(struct ftp_ctrl *c, int timeout_ms)
{
    if (c->fd < 0)
        return 0;
    if (c->in.len > 0 || (c->tls != NULL && !c->tls_off && tls_w_pending(c->tls) > 0))
        return 1;
    struct pollfd p = { .fd = c->fd, .events = POLLIN };
    int r;
    do {
        r = poll(&p, 1, timeout_ms);
    } while (r < 0 && errno == EINTR);
    return r > 0;
}

int ctrl_end_tls(struct ftp_ctrl *c, struct err *e)
{
    if (c->in.len > 0)
        return err_set(e, ERR_TLS, "%s sent data after CCC before closing TLS", c->host);
    struct err why;
    if (tls_w_close(c->tls, c->timeout_ms, &why) != 0)
        return err_set(e, ERR_TLS, "CCC: %s", why.msg);
    (void)net_set_timeouts(c->fd, c->timeout_ms);
    c->tls_off = 1;
    ctrl_trace(c, "---- control connection now in clear text (CCC)\n");
    return 0;
}

static void trace_line(struct ftp_ctrl *c, const char *line)
{
    if (c->trace == NULL)
        return;
    if (strncasecmp(line, "PASS ", 5) == 0 || strcasecmp(line, "PASS") == 0)
        ctrl_trace(c, "---> PASS ****\n");
    else if (strncasecmp(line, "ACCT ", 5) == 0)
        ctrl_trace(c, "---> ACCT ****\n");
    else
        ctrl_trace(c, "---> %s\n", line);
}

static int write_all(struct ftp_ctrl *c, const char *p, size_t n, struct err *e)
{
    if (c->tls != NULL && !c->tls_off)
        return tls_w_write(c->tls, p, n, e);
    if (fd_write_all(c->fd, p, n) != 0)
        return err_set(e, ERR_CONNECT, "lost the connection to %s: %s", c->host, strerror(errno));
    return 0;
}

int ctrl_send(struct ftp_ctrl *c, const char *line, struct err *e)
{
    if (c->fd < 0)
        return err_set(e, ERR_CONNECT, "not connected");
    if (strpbrk(line, "\r\n") != NULL)
        return err_set(e, ERR_USAGE, "a command or file name may not contain CR or LF");
    size_t n = strlen(line);
    if (n > FTP_COMMAND_MAX)
        return err_set(e, ERR_USAGE, "command line too long");
    /* RFC 959 speaks Telnet on the control connection: a 0xFF byte (IAC) in
     * a name is sent doubled so the server reads it as data, never as a
     * Telnet command. */
    char out[2 * FTP_COMMAND_MAX + 2];
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        out[o++] = line[i];
        if ((unsigned char)line[i] == 0xff)
            out[o++] = line[i];
    }
    out[o++] = '\r';
    out[o++] = '\n';
    trace_line(c, line);
    int rc = write_all(c, out, o, e);
    secret_wipe(out, sizeof out);
    return rc;
}

static ssize_t read_some(void *arg, char *p, size_t n, struct err *e)
{
    struct ftp_ctrl *c = arg;
    if (c->tls != NULL && !c->tls_off) {
        ssize_t r = tls_w_read(c->tls, p, n, e);
        if (r == 0)
            return err_set(e, ERR_CONNECT, "%s closed the control connection", c->host);
        return r;
    }
    for (;;) {
        ssize_t r = read(c->fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            err_set(e, ERR_CONNECT, "timed out waiting for a reply from %s", c->host);
            e->detail = ERR_DETAIL_TIMEOUT;
            return -1;
        }
        if (r < 0)
            return err_set(e, ERR_CONNECT, "lost the connection to %s: %s", c->host, strerror(errno));
        if (r == 0)
            return err_set(e, ERR_CONNECT, "%s closed the control connection", c->host);
        return r;
    }
}

int ctrl_read_reply(struct ftp_ctrl *c, struct ftp_reply *r, struct err *e)
{
    if (c->fd < 0)
        return err_set(e, ERR_CONNECT, "not connected");
    /* Whatever went wrong, the connection is out of step: close it. */
    if (ftp_reply_read(&c->in, read_some, c, c->host, r, e) != 0) {
        ctrl_close(c, 0);
        return -1;
    }
    ctrl_trace(c, "<--- %d %s\n", r->code, r->text);
    return 0;
}

int ctrl_sendf(struct ftp_ctrl *c, struct err *e, const char *fmt, va_list ap)
{
    char line[FTP_COMMAND_MAX + 1];
    int n = vsnprintf(line, sizeof line, fmt, ap);
    if (n < 0 || (size_t)n >= sizeof line)
        return err_set(e, ERR_USAGE, "command line too long");
    int rc = ctrl_send(c, line, e);
    secret_wipe(line, sizeof line);
    return rc;
}

void ctrl_close(struct ftp_ctrl *c, int wait_ms)
{
    if (c->tls != NULL) {
        struct err ignored;
        if (wait_ms > 0 && !c->tls_off)
            (void)tls_w_close(c->tls, wait_ms, &ignored);
        tls_w_conn_free(c->tls);
        c->tls = NULL;
    }
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->tls_off = 0;
    buf_reset(&c->in);
}
