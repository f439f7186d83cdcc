/*
 * control: the FTP control connection. Sends one command line, reads one
 * reply, and can switch the connection to TLS. Command lines are refused if
 * they hold CR or LF (a file name must never smuggle in a second command).
 * The protocol trace prints PASS as "PASS ****".
 */
#ifndef FTPC_CONN_CONTROL_H
#define FTPC_CONN_CONTROL_H

#include <stdarg.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/ftp_reply.h"
#include "common/net.h"
#include "common/tls.h"

/* The longest command line ftpc sends, before IAC doubling and CRLF. */
#define FTP_COMMAND_MAX 4096

/* Default time-outs, in seconds (the command line can change them). */
#define CTRL_CONNECT_TIMEOUT_S 30  /* to connect */
#define CTRL_REPLY_TIMEOUT_S 60    /* for a reply */
#define CTRL_GREETING_TIMEOUT_S 10 /* for an explicit server's greeting */

struct ftp_ctrl {
    int fd;
    struct tls_w_conn *tls;   /* NULL while the connection is clear */
    int tls_off;              /* after CCC: clear I/O, tls kept for data sessions */
    struct buf in;            /* bytes read but not yet parsed */
    struct net_addr peer;     /* where data connections go */
    char host[256];           /* the name we were asked to reach */
    int timeout_ms;
    FILE *trace;              /* protocol trace, or NULL */
    int trace_tag;            /* its number in a parallel run, shown in the trace; 0: none */
    int tls12;                /* the next handshake: TLS 1.2 at most (tls_w_connect_tls12) */
};

void ctrl_init(struct ftp_ctrl *c);

/* One line of the protocol trace (when there is one), whole, after the
 * connection's "[N] " when it has a number: the connections of a parallel
 * run share one trace. */
void ctrl_trace(const struct ftp_ctrl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* TCP connection to host:port. */
int ctrl_connect(struct ftp_ctrl *c, const char *host, unsigned port, int timeout_ms,
                 struct err *e) MUST_CHECK;

/* TLS handshake on the control connection (after AUTH, or at connect for
 * implicit FTPS). The server is verified here, before any login. */
int ctrl_start_tls(struct ftp_ctrl *c, struct tls_w_ctx *ctx, struct err *e) MUST_CHECK;

/* CCC: both close_notify alerts, then clear text on the same socket. The
 * TLS session stays available for data connections. */
int ctrl_end_tls(struct ftp_ctrl *c, struct err *e) MUST_CHECK;

/* Sends "line\r\n". */
int ctrl_send(struct ftp_ctrl *c, const char *line, struct err *e) MUST_CHECK;

/* Reads the next complete reply. */
int ctrl_read_reply(struct ftp_ctrl *c, struct ftp_reply *r, struct err *e) MUST_CHECK;

/* Formats and sends a command; the formatted line is wiped afterwards. */
int ctrl_sendf(struct ftp_ctrl *c, struct err *e, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0))) MUST_CHECK;

/* 1 when a reply is waiting (or arrives within timeout_ms), 0 when not. */
int ctrl_reply_ready(struct ftp_ctrl *c, int timeout_ms);

/* 1 while connected. */
int ctrl_is_open(const struct ftp_ctrl *c);

/* Closes: TLS close_notify (waiting at most wait_ms for the peer's), then TCP. */
void ctrl_close(struct ftp_ctrl *c, int wait_ms);

#endif
