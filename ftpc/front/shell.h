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

/* The prompt for the session's state: "ftpc tls:P host:/dir> ". Pure but
 * for asking the folder. */
void shell_prompt(struct ftp_session *s, char *out, size_t outlen);

#endif
