/*
 * data: FTP data connections. Passive: EPSV, falling back to PASV, always
 * connecting to the control connection's peer. Active: EPRT, falling back
 * to PORT, accepting only a connection from the server's address. Either
 * way, with protection P the client is the TLS client and resumes the
 * control connection's session (servers such as vsftpd require that).
 */
#ifndef FTPC_CONN_DATA_H
#define FTPC_CONN_DATA_H

#include <sys/types.h>

#include "common/err.h"
#include "common/tls.h"
#include "ftpc/conn/control.h"

/* Default time-out of a silent data connection, in seconds. */
#define DATA_TIMEOUT_S 60

struct ftp_data {
    int fd;         /* the data connection, once there is one */
    int listen_fd;  /* active mode: waiting for the server */
    int timeout_ms; /* data inactivity */
    struct tls_w_conn *tls;
};

/* Before the transfer command. Passive: asks for a port and connects.
 * Active: listens on the control connection's local address and says
 * where (EPRT, or PORT). The *_refused flags remember what the server does
 * not know, so it is not asked again. */
int data_prepare(struct ftp_ctrl *c, int passive, int *epsv_refused, int *eprt_refused,
                 int timeout_ms, struct ftp_data *d, struct err *e) MUST_CHECK;

/* After the server's 1xx reply: accepts the server's connection (active),
 * then the TLS handshake when ctx is not NULL. */
int data_establish(struct ftp_data *d, struct ftp_ctrl *c, struct tls_w_ctx *ctx, struct err *e) MUST_CHECK;

/* Reads; 0 at the proper end (TLS close_notify, or EOF on a clear
 * connection). An EOF without close_notify is an error. */
ssize_t data_read(struct ftp_data *d, void *p, size_t n, struct err *e) MUST_CHECK;

int data_write(struct ftp_data *d, const void *p, size_t n, struct err *e) MUST_CHECK;

/* End of an upload: close_notify (or a TCP half-close) and a bounded wait for
 * the server to finish reading, so no RST cuts the file's tail. */
int data_finish_upload(struct ftp_data *d, int wait_ms, struct err *e) MUST_CHECK;

/* Closes whatever is open. */
void data_close(struct ftp_data *d);

#endif
