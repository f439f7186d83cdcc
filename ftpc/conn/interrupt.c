/* interrupt: SIGINT sets a flag. */
#include <string.h>

#include "ftpc/conn/interrupt.h"

volatile sig_atomic_t ftpc_interrupted;
static volatile sig_atomic_t second_ends;

static void on_sigint(int sig)
{
    if (second_ends && ftpc_interrupted) {
        /* The first one is still being handled: end at once, as without
         * a handler (signal and raise are async-signal-safe). */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    ftpc_interrupted = 1;
}

void interrupt_install_second_ends(void)
{
    second_ends = 1;
    interrupt_install();
}

void interrupt_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocking read returns with EINTR */
    sigaction(SIGINT, &sa, NULL);
}

int interrupt_take(void)
{
    int v = ftpc_interrupted;
    ftpc_interrupted = 0;
    return v;
}
