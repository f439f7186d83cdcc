/*
 * creds: where user names and passwords come from, never the command line
 * alone: --password-file, FTPC_PASSWORD, ~/.netrc (refused when others can
 * read it), or a prompt without echo. Secrets are wiped by their users.
 */
#ifndef FTPC_SESSION_CREDS_H
#define FTPC_SESSION_CREDS_H

#include <stddef.h>

#include "common/err.h"
#include "ftpc/session/session.h"

/* The login named for host in the netrc file (--netrc-file or ~/.netrc).
 * 1 found, 0 none (or no file), -1 error (bad permissions, bad syntax). */
int creds_netrc_user(const struct ftp_options *o, const char *host, char *user, size_t userlen,
                     struct err *e) MUST_CHECK;

/* The password for user at host, in this order: --password-file,
 * FTPC_PASSWORD, the netrc entry for host (when its login is user), a
 * prompt on the terminal (warning when clear_text). out[0] == 0 when there
 * is none and no terminal to ask. */
int creds_password(const struct ftp_options *o, const char *host, const char *user,
                   int clear_text, char *out, size_t outlen, struct err *e) MUST_CHECK;

#endif
