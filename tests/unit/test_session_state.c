/* Unit tests of the session's transition table (ftpc/session/state.c). */
#include "ftpc/session/state.h"
#include "tests/unit/expect.h"

#define D SESSION_DISCONNECTED
#define C SESSION_CONNECTED
#define S SESSION_SECURED
#define U SESSION_USER_SENT
#define L SESSION_LOGGED_IN

static unsigned fx(enum session_state from, enum session_state to)
{
    return session_state_effects(from, to);
}

/* Every state may drop the connection, and doing so closes it and forgets
 * the folder. */
static void disconnect_from_anywhere(void)
{
    enum session_state all[] = { D, C, S, U, L };
    for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++) {
        EXPECT(!(fx(all[i], D) & STATE_INVALID));
        EXPECT(fx(all[i], D) & STATE_CLOSE_CONTROL);
        EXPECT(fx(all[i], D) & STATE_FORGET_FOLDER);
    }
}

/* Nothing but a new connection leaves DISCONNECTED. */
static void connect_first(void)
{
    EXPECT_EQ_INT(fx(D, C), STATE_FORGET_FOLDER);
    EXPECT(fx(D, S) & STATE_INVALID);
    EXPECT(fx(D, U) & STATE_INVALID);
    EXPECT(fx(D, L) & STATE_INVALID);
}

/* TLS comes on a clear connection only, and never goes back before login
 * (CCC needs a login; after it REIN leads to CONNECTED from LOGGED_IN). */
static void securing(void)
{
    EXPECT(!(fx(C, S) & STATE_INVALID));
    EXPECT(fx(S, C) & STATE_INVALID);
    EXPECT(!(fx(L, C) & STATE_INVALID));
    EXPECT(!(fx(L, S) & STATE_INVALID));
}

/* A login passes through the base state: a logged-in session sends USER
 * only after going back; 331 leads to USER_SENT, 230 to LOGGED_IN, a
 * refusal back to the base. None of these closes the connection. */
static void login_steps(void)
{
    EXPECT(fx(L, U) & STATE_INVALID);
    enum session_state base[] = { C, S };
    for (unsigned i = 0; i < 2; i++) {
        EXPECT_EQ_INT(fx(base[i], U), STATE_FORGET_FOLDER);
        EXPECT_EQ_INT(fx(base[i], L), STATE_FORGET_FOLDER);
        EXPECT_EQ_INT(fx(U, base[i]), STATE_FORGET_FOLDER);
        EXPECT_EQ_INT(fx(L, base[i]), STATE_FORGET_FOLDER);
    }
    EXPECT_EQ_INT(fx(U, U), STATE_FORGET_FOLDER);
    EXPECT_EQ_INT(fx(U, L), STATE_FORGET_FOLDER);
    /* Staying logged in keeps the folder. */
    EXPECT_EQ_INT(fx(L, L), 0);
}

static void bounds_and_names(void)
{
    EXPECT(fx((enum session_state)7, C) & STATE_INVALID);
    EXPECT(fx(C, (enum session_state)7) & STATE_INVALID);
    EXPECT_EQ_STR(session_state_name(D), "disconnected");
    EXPECT_EQ_STR(session_state_name(S), "secured");
    EXPECT_EQ_STR(session_state_name(L), "logged in");
    EXPECT_EQ_STR(session_state_name((enum session_state)9), "?");
}

int main(void)
{
    disconnect_from_anywhere();
    connect_first();
    securing();
    login_steps();
    bounds_and_names();
    return expect_done("test_session_state");
}
