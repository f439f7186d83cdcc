/*
 * session_internal: what the session's files (session.c, session_open.c,
 * session_login.c) share; nothing outside ftpc/session includes it
 * (tests/check_sources.sh), so the state still changes in one place.
 */
#ifndef FTPC_SESSION_SESSION_INTERNAL_H
#define FTPC_SESSION_SESSION_INTERNAL_H

#include "ftpc/session/session.h"

/* Nothing agreed yet: clear data, binary, no refusals or features known. */
void session_agreed_reset(struct session_agreed *a);

/* The one way the state changes (see session.c). */
void session_enter(struct ftp_session *s, enum session_state to);

/* The state before login on this connection: SECURED under TLS, else CONNECTED. */
enum session_state session_base_state(const struct ftp_session *s);

/* Wipes and frees the password kept for a renewal. */
void session_forget_password(struct ftp_session *s);

#endif
