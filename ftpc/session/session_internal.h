/*
 * session_internal: what the session's files (session.c, session_open.c,
 * session_login.c) share; nothing outside ftpc/session includes it
 * (tests/check_sources.sh), so the state still changes in one place.
 */
#ifndef FTPC_SESSION_SESSION_INTERNAL_H
#define FTPC_SESSION_SESSION_INTERNAL_H

#include "ftpc/session/session.h"
#include "trustd/store/store.h"

/* Nothing agreed yet: clear data, binary, no refusals or features known. */
void session_agreed_reset(struct session_agreed *a);

/* The one way the state changes (see session.c). */
void session_enter(struct ftp_session *s, enum session_state to);

/* The state before login on this connection: SECURED under TLS, else CONNECTED. */
enum session_state session_base_state(const struct ftp_session *s);

/* USER and PASS as a login by the user does, then the given protection
 * and type (session_open_like, a renewal). */
int session_login_levels(struct ftp_session *s, const char *user, const char *password, char prot,
                         int ascii, struct err *e) MUST_CHECK;

/* Wipes and frees the password kept for a renewal. */
void session_forget_password(struct ftp_session *s);

/* The TLS settings of this run in *cfg: the application's policy app,
 * narrowed by the command line (s->opt.tls), as session_policy.c says;
 * fills s->tls_policy (what came from where). An option outside the
 * application's policy is an ERR_USAGE error naming both. cfg's lists
 * point into app and s->opt. */
int session_tls_config(struct ftp_session *s, const struct store_tls_policy *app,
                       struct tls_w_config *cfg, struct err *e) MUST_CHECK;

/* The client certificates of this run into ids (session_identity.c):
 * --cert/--key's, else the application's from st with their keys; fills
 * s->client_certs. An unreadable key is an ERR_LOCAL error naming the file
 * and its permissions. The caller clears the n identities. */
int session_identities(struct ftp_session *s, struct store *st,
                       struct tls_w_identity ids[TLS_W_IDENTITIES_MAX], int *n,
                       struct err *e) MUST_CHECK;

/* After the control connection's handshake: which client certificate it
 * presented, in s->presented and the trace. */
void session_note_presented(struct ftp_session *s);

#endif
