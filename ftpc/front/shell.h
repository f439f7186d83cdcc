/*
 * shell: the interactive front end: libedit line editing, persistent
 * history (without lines that hold passwords), tab completion of
 * subcommands and of remote and local paths, a prompt that shows the
 * security state, and Ctrl-C that aborts a transfer (a second Ctrl-C or
 * Ctrl-D at the prompt quits).
 */
#ifndef FTPC_FRONT_SHELL_H
#define FTPC_FRONT_SHELL_H

#include <stddef.h>

#include "ftpc/commands/commands.h"

/* The history file's name into path, the file made (0600) when it is
 * missing: 1 when it is ready for writing, else 0. */
int shell_history_ready(char *path, size_t len);

/* Runs until quit, EOF or a second Ctrl-C. */
void shell_run(struct cmd_ctx *cx);

#endif
