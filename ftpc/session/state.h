/*
 * state: the FTP session's states and what each transition undoes. Pure:
 * a table, so the rules can be tested without a server. The session moves
 * only through session_enter (session.c), which applies these effects.
 */
#ifndef FTPC_SESSION_STATE_H
#define FTPC_SESSION_STATE_H

enum session_state {
    SESSION_DISCONNECTED, /* no control connection */
    SESSION_CONNECTED,    /* a control connection in clear text, not logged in */
    SESSION_SECURED,      /* the control connection under TLS, the server verified; not logged in */
    SESSION_USER_SENT,    /* USER answered 331: PASS comes next */
    SESSION_LOGGED_IN,
};

/* Effects of a transition. */
#define STATE_CLOSE_CONTROL 1u  /* the control connection is closed */
#define STATE_FORGET_FOLDER 2u  /* the remote folder is no longer known */
#define STATE_INVALID       4u  /* the protocol has no such step */

unsigned session_state_effects(enum session_state from, enum session_state to);

/* "disconnected", "connected", ... for traces and tests. */
const char *session_state_name(enum session_state s);

#endif
