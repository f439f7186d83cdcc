/*
 * interrupt: Ctrl-C in the interactive shell. The handler only sets a flag
 * (async-signal-safe); transfers check it between reads and writes, and a
 * blocking read returns early because the handler is installed without
 * SA_RESTART. Batch use keeps the default: Ctrl-C ends ftpc.
 */
#ifndef FTPC_CONN_INTERRUPT_H
#define FTPC_CONN_INTERRUPT_H

#include <signal.h>

extern volatile sig_atomic_t ftpc_interrupted;

void interrupt_install(void);

/* Returns the flag and clears it. */
int interrupt_take(void);

#endif
