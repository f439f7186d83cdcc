/*
 * session_like: more connections like a logged-in session's, for parallel
 * transfers. They go through the same session_open and login as the
 * user's own, with the session's own TLS context: no second way in, and
 * nothing weaker (the same verification before the password is sent).
 */
#include <stdlib.h>
#include <string.h>

#include "ftpc/parse/quoted_name.h"
#include "ftpc/session/session.h"
#include "ftpc/session/session_internal.h"

int session_like_take(struct ftp_session *s, struct session_like *like, struct err *e)
{
    memset(like, 0, sizeof *like);
    if (session_require_data(s, e) != 0)
        return -1;
    /* Each login sends the password: over a clear control connection only once. */
    if (s->ctrl.tls == NULL)
        return err_set(e, ERR_USAGE, "the control connection is not encrypted, and more connections "
                       "would send the password in clear text again");
    /* The other connections must land where this one is: a folder that
     * cannot be read back would send their transfers somewhere else. */
    if (session_command_quiet(s, e, "PWD") != 0)
        return -1;
    if (s->reply.code != 257 ||
        ftp_parse_quoted_name(s->reply.text, s->reply.text_len, like->cwd, sizeof like->cwd) != 0)
        return session_refused(s, ERR_SERVER, "cannot tell the current folder for more connections", e);
    like->opt = s->opt;
    like->tls_ctx = s->tls_ctx;
    like->sec = s->sec;
    snprintf(like->host, sizeof like->host, "%s", s->host);
    like->port = s->port;
    snprintf(like->user, sizeof like->user, "%s", s->user);
    if (s->password != NULL && (like->password = strdup(s->password)) == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    like->prot = s->agreed.prot;
    like->ascii = s->agreed.ascii;
    like->tls12 = s->ctrl.tls12;
    like->trace = s->ctrl.trace;
    like->msg = s->msg;
    like->verbose = s->verbose;
    return 0;
}

void session_like_free(struct session_like *like)
{
    if (like->password != NULL) {
        secret_wipe(like->password, strlen(like->password));
        free(like->password);
    }
    like->password = NULL;
}

int session_open_like(struct ftp_session *dst, const struct session_like *like, int tag, struct err *e)
{
    if (session_init(dst, &like->opt, e) != 0)
        return -1;
    dst->tls_ctx = like->tls_ctx;
    dst->tls_ctx_shared = 1;
    dst->ctrl.trace = like->trace;
    dst->ctrl.trace_tag = tag;
    dst->msg = like->msg;
    dst->verbose = like->verbose;
    dst->quiet = 1;
    dst->open_tls12 = like->tls12;
    int rc = session_open(dst, like->host, like->port, like->sec, e);
    if (rc == 0)
        rc = session_login_levels(dst, like->user, like->password, like->prot, like->ascii, e);
    if (rc == 0 && dst->state != SESSION_LOGGED_IN)
        rc = err_set(e, ERR_LOGIN, "could not log in as %s on another connection", like->user);
    if (rc == 0 && like->cwd[0] != '\0')
        rc = session_expect(dst, 2, "cannot go to the folder on another connection", e, "CWD %s", like->cwd);
    if (rc != 0) {
        struct err ignored;
        (void)session_close(dst, &ignored);
        session_free(dst);
    }
    return rc;
}
