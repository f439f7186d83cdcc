/* state: the session's transition table. */
#include "ftpc/session/state.h"

#define N_STATES 5

/* Rows: from; columns: to. Entering DISCONNECTED closes the connection;
 * SECURED comes only from CONNECTED (AUTH TLS, or the implicit handshake),
 * and a login, REIN or a new USER leaves it only for LOGGED_IN or a state
 * before login. */
#define X STATE_INVALID
#define C STATE_CLOSE_CONTROL
#define F STATE_FORGET_FOLDER
static const unsigned char EFFECTS[N_STATES][N_STATES] = {
    /*                 DISCONNECTED CONNECTED SECURED USER_SENT LOGGED_IN */
    /* DISCONNECTED */ { C | F,     F,        X,      X,        X },
    /* CONNECTED    */ { C | F,     F,        F,      F,        F },
    /* SECURED      */ { C | F,     X,        F,      F,        F },
    /* USER_SENT    */ { C | F,     F,        F,      F,        F },
    /* LOGGED_IN    */ { C | F,     F,        F,      X,        0 },
};
#undef X
#undef C
#undef F

unsigned session_state_effects(enum session_state from, enum session_state to)
{
    if ((unsigned)from >= N_STATES || (unsigned)to >= N_STATES)
        return STATE_INVALID;
    return EFFECTS[from][to];
}

const char *session_state_name(enum session_state s)
{
    static const char *const NAMES[N_STATES] = { "disconnected", "connected", "secured",
                                                 "user sent", "logged in" };
    return (unsigned)s < N_STATES ? NAMES[s] : "?";
}
