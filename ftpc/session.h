/*
 * session: one FTP session's state (security of the control connection,
 * data protection level, transfer type) and the operations on it, each
 * one step of RFC 959 / RFC 4217. The password is only ever sent after the
 * server's certificate was verified (session_open does that first).
 */
#ifndef FTPC_SESSION_H
#define FTPC_SESSION_H

#include <stdio.h>

#include "control.h"
#include "err.h"
#include "reply.h"
#include "tls.h"

enum ftp_seccnn { SECCNN_NONE, SECCNN_SSL, SECCNN_IMPLICIT };

struct ftp_session {
    struct ftp_ctrl ctrl;
    struct tls_w_ctx *tls_ctx;  /* owned; NULL with SECCNN_NONE */
    enum ftp_seccnn seccnn;
    char prot;                  /* 'P' private or 'C' clear data */
    int ascii;                  /* TYPE A instead of TYPE I */
    int logged_in;
    int epsv_refused;
    int verbose;                /* server replies and summaries on msg */
    FILE *msg;                  /* where messages go (stderr) */
    struct ftp_reply reply;     /* the latest reply */
    char *io;                   /* transfer buffer */
};

/* Takes ownership of tls_ctx. */
int session_init(struct ftp_session *s, enum ftp_seccnn seccnn, char prot,
                 struct tls_w_ctx *tls_ctx, struct err *e);
void session_free(struct ftp_session *s);

/* Connects, reads the greeting and secures the control connection. */
int session_open(struct ftp_session *s, const char *host, unsigned port, int timeout_ms,
                 struct err *e);
int session_login(struct ftp_session *s, const char *user, const char *password, struct err *e);
int session_get(struct ftp_session *s, const char *remote, const char *local, struct err *e);
int session_put(struct ftp_session *s, const char *local, const char *remote, struct err *e);
/* verb is "NLST" or "LIST"; path may be NULL. */
int session_list(struct ftp_session *s, const char *verb, const char *path, FILE *out,
                 struct err *e);
int session_cd(struct ftp_session *s, const char *path, struct err *e);
int session_pwd(struct ftp_session *s, FILE *out, struct err *e);
int session_set_type(struct ftp_session *s, int ascii, struct err *e);
/* QUIT, then an orderly close. Always leaves the session closed. */
int session_quit(struct ftp_session *s, struct err *e);

#endif
