/*
 * data: FTP data connections. Passive only for now: EPSV, falling back to
 * PASV, always connecting to the control connection's peer. With
 * protection P the client performs a TLS handshake that resumes the control
 * connection's latest session (servers such as vsftpd require that).
 */
#ifndef FTPC_DATA_H
#define FTPC_DATA_H

#include <sys/types.h>

#include "control.h"
#include "err.h"
#include "tls.h"

struct ftp_data {
    int fd;
    struct tls_w_conn *tls;
};

/* Asks for a passive port and connects to it. *epsv_refused remembers that
 * the server does not know EPSV, so it is not asked again. */
int data_open_passive(struct ftp_ctrl *c, int *epsv_refused, struct ftp_data *d, struct err *e);

/* TLS handshake as the client, resuming the control connection's session. */
int data_start_tls(struct ftp_data *d, struct tls_w_ctx *ctx, struct ftp_ctrl *c,
                   struct err *e);

/* Reads; 0 at the proper end (TLS close_notify, or EOF on a clear
 * connection). An EOF without close_notify is an error. */
ssize_t data_read(struct ftp_data *d, void *p, size_t n, struct err *e);

int data_write(struct ftp_data *d, const void *p, size_t n, struct err *e);

/* End of an upload: close_notify (or a TCP half-close) and a bounded wait for
 * the server to finish reading, so no RST cuts the file's tail. */
int data_finish_upload(struct ftp_data *d, int wait_ms, struct err *e);

/* Closes whatever is open. */
void data_close(struct ftp_data *d);

#endif
