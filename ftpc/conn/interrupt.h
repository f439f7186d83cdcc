/*
 * interrupt: Ctrl-C in the interactive shell and in a one-shot get or
 * put. The handler only sets a flag
 * (async-signal-safe); transfers check it between reads and writes, and a
 * blocking read returns early because the handler is installed without
 * SA_RESTART. Batch use keeps the default: Ctrl-C ends ftpc.
 */
#ifndef FTPC_CONN_INTERRUPT_H
#define FTPC_CONN_INTERRUPT_H

#include <signal.h>

extern volatile sig_atomic_t ftpc_interrupted;

void interrupt_install(void);
/* For a one-shot transfer, where there is no prompt to go back to: the
 * first Ctrl-C says "interrupting; Ctrl-C again to quit at once" on
 * standard error (clearing the progress bar's line first when one is
 * drawn) and stops the transfer as above (the part kept, a message); a
 * second one before ftpc is done ends it at once, as Ctrl-C does without
 * a handler (a server that does not answer the abort cannot keep ftpc
 * waiting for the time-out), removing the download's NAME.part when it
 * is still empty. */
void interrupt_install_second_ends(int progress_bar);

/* The download's NAME.part (open as fd) for that second Ctrl-C; NULL
 * when there is none. path must stay valid until it is unset. */
void interrupt_watch_part(int fd, const char *path);
/* Unsets it when path is the one watched. */
void interrupt_unwatch_part(const char *path);

/* Returns the flag and clears it. */
int interrupt_take(void);

#endif
