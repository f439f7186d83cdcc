/*
 * data: an FTP data connection's whole life. Passive: EPSV, falling back
 * to PASV, always connecting to the control connection's peer. Active:
 * EPRT, falling back to PORT, accepting only a connection from the
 * server's address. Either way, with private protection the client is the
 * TLS client and resumes the control connection's session (servers such
 * as vsftpd require that).
 *
 * The control connection stays in step: after any failure once the
 * transfer command went out, the command's final reply is still read (1xx
 * skipped; after ABOR, ABOR's too), each within the reply time-out; when
 * one does not come, the control connection is closed (by the session's
 * reader), so a late reply is never taken as the answer to a later command.
 */
#ifndef FTPC_CONN_DATA_H
#define FTPC_CONN_DATA_H

#include <stddef.h>
#include <sys/types.h>

#include "common/err.h"
#include "common/ftp_reply.h"
#include "common/tls.h"
#include "ftpc/conn/control.h"

/* Default time-out of a silent data connection, in seconds. */
#define DATA_TIMEOUT_S 60

/* The control connection as the data connection uses it. Commands go out
 * and replies come in through the session's functions (they show replies
 * when verbose, and a failure there closes the control connection and
 * ends the session's connected state); ctrl is read only for the peer's
 * address, the TLS session to resume, the trace and readiness. */
struct data_link {
    struct ftp_ctrl *ctrl;
    const struct ftp_reply *reply;                 /* where read_reply leaves each reply */
    int (*send)(void *arg, const char *line, struct err *e);
    int (*read_reply)(void *arg, int shown, struct err *e);
    void *arg;
    int quiet;      /* no reply of this connection is shown (tab completion's listings) */
};

/* How this data connection is to be made. */
struct data_plan {
    int passive;               /* 1: EPSV/PASV, 0: EPRT/PORT */
    struct tls_w_ctx *tls_ctx; /* private data; NULL: clear, if clear is 1 */
    int clear;                 /* clear data is in force (PROT C, or no TLS at all) */
    int timeout_ms;            /* connect, accept, handshake, inactivity */
    int *epsv_refused;         /* what the server does not know, so it is */
    int *eprt_refused;         /* not asked again on this connection */
};

struct ftp_data {
    int fd;         /* the data connection, once there is one */
    int listen_fd;  /* active mode: waiting for the server */
    int timeout_ms;
    struct tls_w_conn *tls;
    struct data_link link;
    int failed;     /* the data connection itself failed (not the server's refusal) */
};

/* Prepares the data connection (EPSV/PASV/EPRT/PORT), sends command and,
 * once the server said 1xx, completes the connection (accept, TLS; with
 * passive private data the handshake overlaps the server's 1xx). The 1xx
 * reply is left in *link->reply. On failure nothing stays open and the
 * control connection is in step (or closed); d->failed tells whether the
 * data connection itself failed. Ctrl-C: ERR_INTERRUPTED, after ABOR. */
int data_open(struct ftp_data *d, const struct data_link *link, const struct data_plan *plan,
              const char *command, struct err *e) MUST_CHECK;

/* Reads; 0 at the proper end (TLS close_notify, or EOF on a clear
 * connection). An EOF without close_notify is an error; Ctrl-C is
 * ERR_INTERRUPTED. */
ssize_t data_read(struct ftp_data *d, void *p, size_t n, struct err *e) MUST_CHECK;
int data_write(struct ftp_data *d, const void *p, size_t n, struct err *e) MUST_CHECK;

/* The size of an upload's writes: large pieces for TLS, smaller for clear. */
size_t data_upload_chunk(const struct ftp_data *d);
/* 1 when the TLS session was resumed (for summaries). */
int data_resumed(const struct ftp_data *d);
/* "TLSv1.3, CIPHER, session resumed (detail)" or "clear (detail)", for status. */
void data_describe(const struct ftp_data *d, const char *detail, char *out, size_t outlen);

/* A download only reads: the TLS answers to the server (a refused
 * renegotiation) wait until the end, so the server never closes with them
 * unread (its kernel would reset the connection and lose the file's tail). */
void data_hold_answers(struct ftp_data *d);

/* The end of a download: our close_notify back, the connection closed,
 * then the final reply. ok 0: the data failed (e says why), the reply is
 * still read. 0 only with ok and a 226/250 reply. */
int data_end_download(struct ftp_data *d, int ok, struct err *e) MUST_CHECK;
/* The end of an upload: with ok, close_notify (or a TCP half-close) and a
 * bounded wait for the server to finish reading, so no RST cuts the file's
 * tail; without, a close with no close_notify, so the server cannot take
 * the part for a whole file. Then the final reply, as above. */
int data_end_upload(struct ftp_data *d, int ok, struct err *e) MUST_CHECK;

/* Ctrl-C during the transfer: the data connection closed (a download
 * cleanly; an upload without close_notify), ABOR, and the transfer's and
 * ABOR's replies read (or the control connection closed). Always -1 with
 * ERR_INTERRUPTED. */
int data_abort(struct ftp_data *d, int upload, struct err *e);

#endif
