/*
 * session: one FTP session: the connection and its security (RFC 4217:
 * AUTH, PBSZ, PROT, CCC), login, and the settings that outlive a
 * connection (IBM i: SECCNN, DTAPROT, and what SECDATA remembers). The
 * password is only ever sent after the server's certificate was verified:
 * session_open does that before it returns.
 */
#ifndef FTPC_SESSION_SESSION_H
#define FTPC_SESSION_SESSION_H

#include <stdint.h>
#include <stdio.h>

#include "common/err.h"
#include "common/ftp_ports.h"
#include "common/ftp_reply.h"
#include "common/tls.h"
#include "ftpc/conn/control.h"
#include "ftpc/conn/data.h"
#include "ftpc/conn/limits.h"
#include "ftpc/session/state.h"

enum ftp_seccnn { SECCNN_NONE, SECCNN_SSL, SECCNN_IMPLICIT };

/* The port of a mode when none is given. */
static inline unsigned session_default_port(enum ftp_seccnn sec)
{
    return ftp_default_port(sec == SECCNN_IMPLICIT);
}

/* Features learnt from FEAT (only what ftpc decides on). */
#define FEAT_MLST 1u

/* What the command line and the settings subcommands choose. */
struct ftp_options {
    const char *store;
    const char *appid;
    struct tls_w_config tls;
    const char *cert_file;    /* --cert: presented instead of the application's */
    const char *key_file;     /* --key (NULL: in the --cert file) */
    enum ftp_seccnn seccnn;   /* for open without a mode */
    char prot;                /* wanted data protection: 'P' or 'C' */
    int passive;              /* 1: EPSV/PASV, 0: EPRT/PORT */
    int connect_timeout_ms;
    int reply_timeout_ms;
    int greeting_timeout_ms;  /* the greeting of an explicit or clear server */
    int data_timeout_ms;
    const char *password_file; /* --password-file */
    const char *netrc_file;    /* --netrc-file, NULL: ~/.netrc */
    int clobber;               /* downloads replace existing local files (set clobber, --force) */
    int ascii;                 /* the type asked for: TYPE A (ascii), else TYPE I (binary) */
};

/* A tree transfer's counts so far (totals: as far as it was listed). */
struct xfer_tree_tally {
    uint64_t files_done, files_total, failed;
    uint64_t bytes_done, bytes_total;
};

/* A front end's view of a transfer in progress (ftpc/front/progress.c
 * draws a bar): the transfer code calls these while data moves. tree: a
 * whole tree's line (mirror), called as files end, from one thread at a
 * time; t NULL and done 1 at the end of the run. */
struct xfer_progress {
    void (*begin)(void *arg, const char *name, uint64_t total);
    void (*advance)(void *arg, uint64_t bytes);
    void (*end)(void *arg);
    void (*tree)(void *arg, const struct xfer_tree_tally *t, int done);
    void *arg;
};

/* How the control connection is protected. */
enum control_security {
    CONTROL_CLEAR,   /* never secured */
    CONTROL_TLS,
    CONTROL_CLEARED, /* clear again after CCC; the TLS session stays for data connections */
};

/* What the server agreed to on this connection: reset (session_agreed_reset)
 * when a connection starts, kept after it ends for status. What the user
 * asked for stays in struct ftp_options and is never overwritten by it. */
struct session_agreed {
    enum control_security control;
    char prot;                  /* in force: 'P', 'C', or PROT_REFUSED */
    int ascii;                  /* TYPE A instead of TYPE I */
    int epsv_refused, eprt_refused;
    int feat_known;             /* FEAT was asked on this connection */
    unsigned feat;
};

/* The session's state (state.h) changes only in session.c's
 * session_enter; front ends and commands read it. */
struct ftp_session {
    struct ftp_options opt;     /* the user's wishes; only the user's commands change them */
    struct session_agreed agreed;
    enum session_state state;
    struct ftp_ctrl ctrl;
    struct tls_w_ctx *tls_ctx;  /* made at the first secure connection */
    int tls_ctx_shared;         /* tls_ctx is another session's (session_open_like): not freed here */
    enum ftp_seccnn sec;        /* how the open (or last) connection was made */
    int verbose;                /* replies and summaries on msg */
    FILE *msg;
    struct ftp_reply reply;     /* the latest reply */
    char *io;                   /* transfer buffer, 2 * FTP_IO_SIZE + 1 */
    /* To log in again when TLS 1.3 tickets run out (session_renew_if_needed). */
    char host[256];
    unsigned port;
    char user[256];
    char *password;             /* wiped on close and free */
    int renewals;
    int open_tls12;             /* the next session_open: TLS 1.2 at most (a renewal's choice) */
    int tls12_failed;           /* TLS 1.2, tried for resumption, did not work with this server */
    /* Feedback. */
    int quiet;                  /* no summaries, no progress */
    struct xfer_progress progress; /* a front end's progress bar; begin NULL: none */
    char cwd[1024];             /* for the prompt; "" when unknown */
    char last_data[96];         /* the latest data connection, for status */
    /* The TLS policy in force and where each setting came from (""
     * until the first secure connection); the note for failed handshakes. */
    char tls_policy[1400];
    char tls_policy_note[2400];
    /* The client certificates this run may present, and where from; the
     * one the control connection presented. */
    char client_certs[1400];
    char presented[1500];
};

/* s->agreed.prot when private data was wanted and the server refused PBSZ
 * or PROT P: no level is in force and every transfer fails, until secdata c
 * (the user's explicit choice of clear data) or an accepted secdata p. */
#define PROT_REFUSED 'R'

int session_init(struct ftp_session *s, const struct ftp_options *opt, struct err *e) MUST_CHECK;

void session_free(struct ftp_session *s);

/* Connects with the given security, reads the greeting and secures the
 * control connection, verifying the server. A connection already open is
 * closed first. */
int session_open(struct ftp_session *s, const char *host, unsigned port, enum ftp_seccnn sec,
                 struct err *e) MUST_CHECK;

/* USER, then PASS when password is not NULL and the server asks for it.
 * After login: PBSZ/PROT on a secure connection, then TYPE. When private
 * data is wanted and PBSZ or PROT P is refused (except with implicit FTPS,
 * where the implied private level stays), the login holds but this is an
 * ERR_SERVER error and s->agreed.prot is PROT_REFUSED. */
int session_user(struct ftp_session *s, const char *user, const char *password, struct err *e) MUST_CHECK;
int session_pass(struct ftp_session *s, const char *password, struct err *e) MUST_CHECK;
int session_acct(struct ftp_session *s, const char *account, struct err *e) MUST_CHECK;

/* SECDATA: PBSZ 0 and PROT level; remembered for the session and the next
 * secopen. A refusal never lowers protection: private in force stays
 * private; private asked for without it becomes PROT_REFUSED. Clear
 * prints a warning; asked for where nothing private was agreed, it holds
 * even when the server refuses PROT C (its default is clear). */
int session_secdata(struct ftp_session *s, char level, struct err *e) MUST_CHECK;
/* CCC: the control connection back to clear text after login. */
int session_ccc(struct ftp_session *s, struct err *e) MUST_CHECK;
/* REIN: back to the state before login (the connection stays). */
int session_rein(struct ftp_session *s, struct err *e) MUST_CHECK;
/* QUIT, then an orderly close. */
int session_close(struct ftp_session *s, struct err *e);

/* The type asked for from now on (also by later logins); TYPE at once
 * when logged in. */
int session_set_type(struct ftp_session *s, int ascii, struct err *e) MUST_CHECK;
/* The type in force, or before a login the one it will ask for. */
int session_type_ascii(const struct ftp_session *s);
/* FEAT, once per connection. */
int session_features(struct ftp_session *s, struct err *e) MUST_CHECK;

/* Before a private data connection: with TLS 1.3, a server that requires
 * session reuse accepts each ticket once, and some (ProFTPD) issue none on
 * upload connections. When no fresh ticket is left, the control connection
 * is made again, logged in again, and put back in the same folder, type
 * and protection. Where the application's TLS policy allows TLS 1.2, the
 * new connection uses it: such servers resume a TLS 1.2 session for every
 * data connection (one login instead of one per ticket; ProFTPD, 100
 * uploads: 51 logins with TLS 1.3, 2 so). 0 when nothing was needed or it
 * worked. */
int session_renew_if_needed(struct ftp_session *s, struct err *e) MUST_CHECK;

/* Before many private data connections (a tree): a server that gave no
 * TLS 1.3 ticket on the control connection (Pure-FTPd) resumes none, so
 * each data connection would be a full handshake, certificate checks and
 * all. Where the application's TLS policy allows TLS 1.2, the session logs
 * in again with it (as a renewal does): such servers resume a TLS 1.2
 * session for every data connection. 0 when nothing was needed or it
 * worked. */
int session_prefer_resumable(struct ftp_session *s, struct err *e) MUST_CHECK;

/* What it takes to open more connections like a logged-in session's,
 * for parallel transfers, taken once from it (session_like_take asks
 * PWD) so that other threads never read the session itself: its
 * server, mode, options, TLS context (the same trust list, TLS policy,
 * host name check and client certificates: never a second, weaker
 * path), user and the password it keeps (never asked again), the
 * protection and type in force, and its folder. */
struct session_like {
    struct ftp_options opt;
    struct tls_w_ctx *tls_ctx;  /* the session's own; it must outlive every copy */
    enum ftp_seccnn sec;
    char host[256];
    unsigned port;
    char user[256];
    char *password;             /* a copy, wiped by session_like_free; NULL: none */
    char prot;
    int ascii;
    char cwd[1024];             /* "" when the server could not say */
    int tls12;                  /* the session renewed to TLS 1.2: so do these */
    FILE *trace, *msg;
    int verbose;
};

int session_like_take(struct ftp_session *s, struct session_like *like, struct err *e) MUST_CHECK;
void session_like_free(struct session_like *like);

/* dst (not yet initialised) opened, secured, logged in and put in the
 * folder as like says; safe in any thread (each its own dst). On failure
 * dst is freed. tag: its number in the trace (conn_pool: 2 and on). */
int session_open_like(struct ftp_session *dst, const struct session_like *like, int tag, struct err *e) MUST_CHECK;

/* How a data connection reaches the control connection, and how it is
 * to be made (mode, protection, time-out), for data_open. */
void session_data_link(struct ftp_session *s, struct data_link *link, struct data_plan *plan);

/* The remote folder, asked quietly (for the prompt). */
const char *session_cwd(struct ftp_session *s);

/* status: the connection, its TLS, protection, type and mode. */
void session_status(struct ftp_session *s, FILE *out);

/* Fails with a clear message unless connected (and logged in). */
int session_require(struct ftp_session *s, int login, struct err *e) MUST_CHECK;
/* The same before a transfer: logged in, and a data protection in force. */
int session_require_data(struct ftp_session *s, struct err *e) MUST_CHECK;
/* "private", "clear" or the refused state, for messages. */
const char *session_prot_name(char prot);

/* Sends a command and reads its reply into s->reply (shown when verbose). */
int session_command(struct ftp_session *s, struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4))) MUST_CHECK;
/* The same, its reply never shown (for the prompt's own questions). */
int session_command_quiet(struct ftp_session *s, struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4))) MUST_CHECK;
/* session_command, and an error unless the reply's first digit is want (2 or 3). */
int session_expect(struct ftp_session *s, int want, const char *what, struct err *e,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6))) MUST_CHECK;
int session_read_reply(struct ftp_session *s, struct err *e) MUST_CHECK;
/* An error "what: NNN text" from the latest reply. */
int session_refused(struct ftp_session *s, enum err_code code, const char *what, struct err *e);

#endif
