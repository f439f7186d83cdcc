/*
 * session: the session's state and its commands: the one place the state
 * changes, commands and replies on the control connection, what a data
 * connection needs from it, the checks before a command or a transfer,
 * status. Connecting and securing are in session_open.c, login, data
 * protection and renewal in session_login.c.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ftpc/parse/feat.h"
#include "ftpc/parse/quoted_name.h"
#include "ftpc/session/session.h"
#include "ftpc/session/session_internal.h"

/* Nothing agreed yet: clear data, binary, no refusals or features known. */
void session_agreed_reset(struct session_agreed *a)
{
    memset(a, 0, sizeof *a);
    a->control = CONTROL_CLEAR;
    a->prot = 'C';
}

/* The one way the state changes: applies what the step undoes (state.c:
 * entering DISCONNECTED closes the control connection; leaving or entering
 * LOGGED_IN forgets the folder). A step the table has not fails closed:
 * the session is disconnected. */
void session_enter(struct ftp_session *s, enum session_state to)
{
    unsigned effects = session_state_effects(s->state, to);
    if (effects & STATE_INVALID) {
        ctrl_trace(&s->ctrl, "---- no step from %s to %s: disconnecting\n",
                   session_state_name(s->state), session_state_name(to));
        to = SESSION_DISCONNECTED;
        effects = session_state_effects(s->state, to);
    }
    if (effects & STATE_CLOSE_CONTROL)
        ctrl_close(&s->ctrl, 0);
    if (effects & STATE_FORGET_FOLDER)
        s->cwd[0] = '\0';
    s->state = to;
}

/* The state before login on this connection: SECURED under TLS, else CONNECTED. */
enum session_state session_base_state(const struct ftp_session *s)
{
    return s->agreed.control == CONTROL_TLS ? SESSION_SECURED : SESSION_CONNECTED;
}

int session_init(struct ftp_session *s, const struct ftp_options *opt, struct err *e)
{
    memset(s, 0, sizeof *s);
    s->opt = *opt;
    ctrl_init(&s->ctrl);
    s->state = SESSION_DISCONNECTED;
    session_agreed_reset(&s->agreed);
    s->msg = stderr;
    /* 2 * FTP_IO_SIZE leaves room for LF -> CRLF growth in ASCII uploads.
     * Page-aligned: the kernel's copies into and out of it run faster
     * (a clear 1 GiB upload: 0.54 s of CPU against 0.58 s with malloc's
     * 16-byte alignment, medians of eight). */
    void *io;
    if (posix_memalign(&io, 4096, 2 * FTP_IO_SIZE + 1) != 0)
        return err_set(e, ERR_INTERNAL, "out of memory");
    s->io = io;
    return 0;
}

void session_forget_password(struct ftp_session *s)
{
    if (s->password != NULL) {
        secret_wipe(s->password, strlen(s->password));
        free(s->password);
        s->password = NULL;
    }
}

void session_free(struct ftp_session *s)
{
    session_forget_password(s);
    ctrl_close(&s->ctrl, 0);
    buf_free(&s->ctrl.in);
    if (!s->tls_ctx_shared)
        tls_w_ctx_free(s->tls_ctx);
    s->tls_ctx = NULL;
    free(s->io);
    s->io = NULL;
}

/* One reply into s->reply, shown when verbose and shown. A failure has
 * closed the control connection (it would be out of step). */
static int read_reply(struct ftp_session *s, int shown, struct err *e)
{
    if (ctrl_read_reply(&s->ctrl, &s->reply, e) != 0) {
        session_enter(s, SESSION_DISCONNECTED);
        return -1;
    }
    if (shown && s->verbose && s->ctrl.trace == NULL)
        fprintf(s->msg, "%d %s\n", s->reply.code, s->reply.text);
    return 0;
}

int session_read_reply(struct ftp_session *s, struct err *e)
{
    return read_reply(s, 1, e);
}

/* A command line that did not go out whole leaves the connection out of
 * step: it is closed. A refused line (CR, LF, too long) was not sent. */
static int sent(struct ftp_session *s, int rc, struct err *e)
{
    if (rc != 0 && e->code != ERR_USAGE)
        session_enter(s, SESSION_DISCONNECTED);
    return rc;
}

static int send_line(struct ftp_session *s, const char *line, struct err *e)
{
    if (s->state == SESSION_DISCONNECTED)
        return err_set(e, ERR_CONNECT, "not connected (use open or secopen)");
    return sent(s, ctrl_send(&s->ctrl, line, e), e);
}

static int vcommand(struct ftp_session *s, int shown, struct err *e, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static int vcommand(struct ftp_session *s, int shown, struct err *e, const char *fmt, va_list ap)
{
    if (s->state == SESSION_DISCONNECTED)
        return err_set(e, ERR_CONNECT, "not connected (use open or secopen)");
    if (sent(s, ctrl_sendf(&s->ctrl, e, fmt, ap), e) != 0)
        return -1;
    return read_reply(s, shown, e);
}

int session_command(struct ftp_session *s, struct err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vcommand(s, 1, e, fmt, ap);
    va_end(ap);
    return rc;
}

int session_command_quiet(struct ftp_session *s, struct err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vcommand(s, 0, e, fmt, ap);
    va_end(ap);
    return rc;
}

static int link_send(void *arg, const char *line, struct err *e)
{
    return send_line(arg, line, e);
}

static int link_read_reply(void *arg, int shown, struct err *e)
{
    return read_reply(arg, shown, e);
}

void session_data_link(struct ftp_session *s, struct data_link *link, struct data_plan *plan)
{
    *link = (struct data_link){ .ctrl = &s->ctrl, .reply = &s->reply, .send = link_send,
                                .read_reply = link_read_reply, .arg = s };
    *plan = (struct data_plan){ .passive = s->opt.passive,
                                .tls_ctx = s->agreed.prot == 'P' ? s->tls_ctx : NULL,
                                .clear = s->agreed.prot == 'C',
                                .timeout_ms = s->opt.data_timeout_ms,
                                .epsv_refused = &s->agreed.epsv_refused,
                                .eprt_refused = &s->agreed.eprt_refused };
}

int session_refused(struct ftp_session *s, enum err_code code, const char *what, struct err *e)
{
    return err_set(e, code, "%s: %d %s", what, s->reply.code, s->reply.text);
}

int session_expect(struct ftp_session *s, int want, const char *what, struct err *e,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vcommand(s, 1, e, fmt, ap);
    va_end(ap);
    if (rc != 0)
        return -1;
    if (ftp_reply_class(s->reply.code) != want)
        return session_refused(s, ERR_SERVER, what, e);
    return 0;
}

const char *session_prot_name(char prot)
{
    return prot == 'P' ? "private"
           : prot == 'C' ? "clear"
                         : "refused by the server (no transfers: secdata c for clear data)";
}

int session_require_data(struct ftp_session *s, struct err *e)
{
    if (session_require(s, 1, e) != 0)
        return -1;
    if (s->agreed.prot == PROT_REFUSED)
        return err_set(e, ERR_SERVER, "no transfer: the server refused data protection; give secdata c "
                                      "for clear data, or secdata p to ask again");
    return 0;
}

int session_require(struct ftp_session *s, int login, struct err *e)
{
    if (s->state == SESSION_DISCONNECTED)
        return err_set(e, ERR_CONNECT, "not connected (use open or secopen)");
    if (login && s->state != SESSION_LOGGED_IN)
        return err_set(e, ERR_LOGIN, "not logged in (use user)");
    return 0;
}

int session_features(struct ftp_session *s, struct err *e)
{
    if (s->agreed.feat_known)
        return 0;
    if (session_command(s, e, "FEAT") != 0)
        return -1;
    s->agreed.feat_known = 1;
    s->agreed.feat = 0;
    struct ftp_features f;
    /* No FEAT, or a malformed one: assume nothing. */
    if (s->reply.code == 211 && ftp_parse_feat(s->reply.text, s->reply.text_len, &f) == 0 &&
        (f.names & FTP_FEAT_MLST))
        s->agreed.feat |= FEAT_MLST;
    return 0;
}

const char *session_cwd(struct ftp_session *s)
{
    if (s->cwd[0] != '\0' || s->state != SESSION_LOGGED_IN)
        return s->cwd;
    struct err ignored;
    if (session_command_quiet(s, &ignored, "PWD") == 0 && s->reply.code == 257)
        (void)ftp_parse_quoted_name(s->reply.text, s->reply.text_len, s->cwd, sizeof s->cwd);
    return s->cwd;
}

void session_status(struct ftp_session *s, FILE *out)
{
    if (s->state == SESSION_DISCONNECTED) {
        fprintf(out, "Not connected.\n");
    } else {
        fprintf(out, "Connected to %s port %u, %s FTPS%s\n", s->host, s->port,
                s->sec == SECCNN_IMPLICIT ? "implicit" : s->sec == SECCNN_SSL ? "explicit" : "no",
                s->sec == SECCNN_NONE ? " (clear text)" : "");
        if (s->state == SESSION_LOGGED_IN)
            fprintf(out, "Logged in as %s\n", s->user);
        else
            fprintf(out, "Not logged in\n");
        if (s->agreed.control != CONTROL_CLEAR)
            fprintf(out, "Control connection: %s, %s%s\n", tls_w_version(s->ctrl.tls),
                    tls_w_cipher(s->ctrl.tls),
                    s->agreed.control == CONTROL_CLEARED ? " (clear text after CCC)" : "");
        else
            fprintf(out, "Control connection: clear text\n");
    }
    fprintf(out, "Data protection: %s; next secopen: %s\n", session_prot_name(s->agreed.prot),
            s->opt.prot == 'P' ? "private" : "clear");
    fprintf(out, "Type: %s; mode: %s\n", session_type_ascii(s) ? "ascii" : "binary",
            s->opt.passive ? "passive" : "active");
    fprintf(out, "Last data connection: %s\n", s->last_data[0] ? s->last_data : "none yet");
    if (s->tls_policy[0])
        fprintf(out, "TLS policy (application %s): %s\n", s->opt.appid, s->tls_policy);
    if (s->tls_ctx != NULL)
        fprintf(out, "Client certificates: %s\n", s->client_certs[0] ? s->client_certs : "none");
    if (s->presented[0])
        fprintf(out, "Client certificate presented: %s\n", s->presented);
    if (s->renewals > 0)
        fprintf(out, "TLS sessions renewed: %d\n", s->renewals);
}
