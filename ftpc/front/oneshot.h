/*
 * oneshot: what `ftpc get URL [LOCAL]` and `ftpc put LOCAL... URL` do
 * beyond one file: a folder as LOCAL, several local files and globs for
 * put, a glob in the URL's last part for get, -c to resume, and the
 * message after Ctrl-C. cli.c reads the command line; the targets are
 * settled here before the sandbox starts (its write scope needs them).
 *
 * Several files: each is tried, a failure reported and counted, and the
 * run goes on (as lftp's mput and curl with several files do); the exit
 * status is the first failure's. Ctrl-C, or a connection lost, ends it
 * with that status instead; after a Ctrl-C no next file is started.
 */
#ifndef FTPC_FRONT_ONESHOT_H
#define FTPC_FRONT_ONESHOT_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "common/err.h"
#include "ftpc/front/progress.h"
#include "ftpc/session/session.h"
#include "ftpc/transfer/strlist.h"

struct oneshot {
    const char *path;        /* the URL's decoded path */
    int url_is_dir;          /* the URL ends with '/' */
    int resume;              /* -c: get continues NAME.part (REST), put continues on the server */
    /* get */
    char remote[PATH_MAX];   /* no glob: the remote file (quoting removed) */
    int glob;                /* the path's last part is a pattern (fnmatch) */
    int into_file;           /* glob: LOCAL is a file, so one file must match */
    char folder[PATH_MAX];   /* the remote folder ("" for the login folder) */
    const char *pattern;     /* glob: the last part */
    char local[PATH_MAX];    /* the local file, or the folder a glob fills */
    /* put */
    struct strlist locals;   /* the local files, globs expanded */
};

void oneshot_init(struct oneshot *o);

/* get: URL path (of a file: cli.c refuses one ending in '/') and the
 * LOCAL argument (NULL: none). A LOCAL that ends with '/' or is a folder
 * gets the URL's last part as the file name (checked as a server's name
 * is: tree_name.h). The folders of the path are names (\ quotes a *, ?
 * or [ in them; a glob there is refused); a last part with an unquoted *,
 * ? or [ is a pattern (a file whose name is exactly that part is taken
 * alone), else a name. A pattern fills LOCAL when it is a folder; when
 * LOCAL is a file, exactly one file must match. */
int oneshot_prepare_get(struct oneshot *o, const char *path, const char *local, struct err *e) MUST_CHECK;
/* put: the LOCAL arguments (cmd_expand_locals: an existing name is taken
 * as it is, else a glob must match). Several files need a URL that names
 * a folder, and different last parts. */
int oneshot_prepare_put(struct oneshot *o, char **words, int n, const char *path, int url_is_dir,
                        struct err *e) MUST_CHECK;
void oneshot_free(struct oneshot *o);

/* Draws the progress bar when draw is set. */
struct oneshot_watch {
    struct progress bar;
    struct xfer_progress inner;
    int draw;
};
struct xfer_progress oneshot_watch_hooks(struct oneshot_watch *w, int draw, FILE *tty);

/* Failures of single files go to err as they happen. */
int oneshot_get(struct ftp_session *s, const struct oneshot *o, FILE *err, struct err *e) MUST_CHECK;
int oneshot_put(struct ftp_session *s, const struct oneshot *o, FILE *err, struct err *e) MUST_CHECK;

#endif
