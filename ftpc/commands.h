/*
 * commands: the subcommands read in batch and interactive use, one table
 * from name to handler.
 */
#ifndef FTPC_COMMANDS_H
#define FTPC_COMMANDS_H

#include "err.h"
#include "session.h"

/* Runs one split subcommand line. *quit is set by quit/bye. */
int commands_run(struct ftp_session *s, int argc, char **argv, int *quit, struct err *e);

/* One line per subcommand, for help. */
void commands_help(FILE *out);

#endif
