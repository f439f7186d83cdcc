/*
 * shell: the interactive front end: libedit line editing, persistent
 * history (without lines that hold passwords), tab completion of
 * subcommands and of remote and local paths, a prompt that shows the
 * security state, and Ctrl-C that aborts a transfer (a second Ctrl-C or
 * Ctrl-D at the prompt quits).
 */
#ifndef FTPC_FRONT_SHELL_H
#define FTPC_FRONT_SHELL_H

#include "ftpc/commands/commands.h"

/* Runs until quit, EOF or a second Ctrl-C. */
void shell_run(struct cmd_ctx *cx);

#endif
