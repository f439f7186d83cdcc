/*
 * session: connection, security and login. RFC 959 for the commands,
 * RFC 4217 for AUTH TLS / PBSZ / PROT / CCC, and the IBM i client's rules
 * for implicit FTPS and SECDATA.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/net.h"
#include "ftpc/parse/feat.h"
#include "ftpc/parse/quoted_name.h"
#include "ftpc/session/session.h"
#include "trustd/store/diagnose.h"
#include "trustd/store/store.h"

/* Nothing agreed yet: clear data, binary, no refusals or features known. */
static void session_agreed_reset(struct session_agreed *a)
{
    memset(a, 0, sizeof *a);
    a->control = CONTROL_CLEAR;
    a->prot = 'C';
}

/* The one way the state changes: applies what the step undoes (state.c:
 * entering DISCONNECTED closes the control connection; leaving or entering
 * LOGGED_IN forgets the folder). A step the table has not fails closed:
 * the session is disconnected. */
static void session_enter(struct ftp_session *s, enum session_state to)
{
    unsigned effects = session_state_effects(s->state, to);
    if (effects & STATE_INVALID) {
        if (s->ctrl.trace)
            fprintf(s->ctrl.trace, "---- no step from %s to %s: disconnecting\n",
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
static enum session_state session_base_state(const struct ftp_session *s)
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

static void forget_password(struct ftp_session *s)
{
    if (s->password != NULL) {
        secret_wipe(s->password, strlen(s->password));
        free(s->password);
        s->password = NULL;
    }
}

void session_free(struct ftp_session *s)
{
    forget_password(s);
    ctrl_close(&s->ctrl, 0);
    buf_free(&s->ctrl.in);
    tls_w_ctx_free(s->tls_ctx);
    s->tls_ctx = NULL;
    free(s->io);
    s->io = NULL;
}

/* A refused server certificate: the trust store's own words for why, and
 * the trustd commands that would fix it (trustd/store/diagnose.c). */
static int refusal(void *arg, const char *host, STACK_OF(X509) *chain, struct err *e)
{
    struct ftp_session *s = arg;
    struct diag_target t = { .app_id = s->opt.appid, .host = host, .port = s->port,
                             .implicit = s->sec == SECCNN_IMPLICIT };
    return diagnose_refusal(store_path_resolve(s->opt.store), &t, chain, e);
}

/* The application's trust list, made into a TLS context, once. */
static int tls_context(struct ftp_session *s, struct err *e)
{
    if (s->tls_ctx != NULL)
        return 0;
    struct store *st = NULL;
    const char *path = store_path_resolve(s->opt.store);
    /* A store others could change would let them choose whom we trust. */
    if (store_check_permissions(path, getuid(), e) != 0 || store_open(path, STORE_READ_ONLY, &st, e) != 0)
        return -1;
    X509_STORE *anchors = NULL;
    int count = 0;
    int rc = store_app_trust_anchors(st, s->opt.appid, &anchors, &count, e);
    store_close(st);
    if (rc != 0)
        return -1;
    s->tls_ctx = tls_w_ctx_new(&s->opt.tls, anchors, e);
    if (s->tls_ctx != NULL)
        tls_w_ctx_set_refusal(s->tls_ctx, refusal, s);
    return s->tls_ctx ? 0 : -1;
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

/* Explicit and implicit FTPS mixed up: an implicit handshake answered in
 * clear text (an explicit server's greeting), or an explicit connection
 * whose greeting never came (an implicit server waits for the client). */
static void mode_hint(struct err *e, const char *host, unsigned port, enum ftp_seccnn sec)
{
    char where[300];
    net_host_port(host, port, where, sizeof where);
    char was[ERR_MSG_MAX];
    memcpy(was, e->msg, sizeof was);
    if (sec == SECCNN_IMPLICIT && e->detail == ERR_DETAIL_CLEAR_TEXT)
        err_set(e, ERR_TLS, "%s; the server answered in clear text, as an explicit FTPS server "
                "does: try ftpes://%s/ or --seccnn ssl", was, where);
    else if (sec != SECCNN_IMPLICIT && e->detail == ERR_DETAIL_TIMEOUT)
        err_set(e, ERR_CONNECT, "no greeting from %s: %s; a server that waits for the client to "
                "speak first may expect implicit FTPS (TLS from the first byte): try ftps://%s/ "
                "or --seccnn implicit (--greeting-timeout sets the wait)", where, was, where);
}

/* The control connection is under TLS and the server verified. */
static void secured(struct ftp_session *s)
{
    s->agreed.control = CONTROL_TLS;
    session_enter(s, SESSION_SECURED);
}

int session_open(struct ftp_session *s, const char *host, unsigned port, enum ftp_seccnn sec,
                 struct err *e)
{
    if (s->state != SESSION_DISCONNECTED) {
        struct err ignored;
        (void)session_close(s, &ignored);
    }
    if (sec != SECCNN_NONE && tls_context(s, e) != 0)
        return -1;
    s->sec = sec;
    snprintf(s->host, sizeof s->host, "%s", host);
    s->port = port;
    session_agreed_reset(&s->agreed);
    /* An explicit or clear server greets at once; one that stays silent
     * may be waiting for a TLS ClientHello (implicit FTPS). */
    int greeting_ms = s->opt.greeting_timeout_ms;
    if (sec == SECCNN_IMPLICIT || greeting_ms <= 0 || greeting_ms > s->opt.reply_timeout_ms)
        greeting_ms = s->opt.reply_timeout_ms;
    s->ctrl.timeout_ms = greeting_ms;
    if (ctrl_connect(&s->ctrl, host, port, s->opt.connect_timeout_ms, e) != 0)
        return -1;
    session_enter(s, SESSION_CONNECTED);
    if (sec == SECCNN_IMPLICIT) {
        if (ctrl_start_tls(&s->ctrl, s->tls_ctx, e) != 0) {
            mode_hint(e, host, port, SECCNN_IMPLICIT);
            goto fail;
        }
        secured(s);
    }
    if (session_read_reply(s, e) != 0) {
        mode_hint(e, host, port, sec);
        goto fail;
    }
    /* The server spoke: from now on the usual reply time-out. */
    s->ctrl.timeout_ms = s->opt.reply_timeout_ms;
    if (greeting_ms != s->opt.reply_timeout_ms &&
        net_set_timeouts(s->ctrl.fd, s->ctrl.timeout_ms) != 0) {
        err_set(e, ERR_CONNECT, "cannot set time-outs on the connection to %s", host);
        goto fail;
    }
    while (s->reply.code == 120) /* "service ready in nnn minutes" */
        if (session_read_reply(s, e) != 0)
            goto fail;
    if (s->reply.code != 220) {
        session_refused(s, ERR_CONNECT, "server not ready", e);
        goto fail;
    }
    if (sec == SECCNN_SSL) {
        if (session_command(s, e, "AUTH TLS") != 0)
            goto fail;
        /* Some servers know only the older name; still TLS. */
        if (s->reply.code == 504 && session_command(s, e, "AUTH SSL") != 0)
            goto fail;
        /* 334 is wrong for TLS, but some old servers send it to mean "go". */
        if (s->reply.code != 234 && s->reply.code != 334) {
            session_refused(s, ERR_TLS, "the server refused AUTH TLS (not continuing in clear text)", e);
            goto fail;
        }
        if (ctrl_start_tls(&s->ctrl, s->tls_ctx, e) != 0)
            goto fail;
        secured(s);
    }
    /* Implicit FTPS implies PROT P (the server acts as if it had been sent). */
    if (sec == SECCNN_IMPLICIT)
        s->agreed.prot = 'P';
    if (s->agreed.control == CONTROL_TLS && s->verbose)
        fprintf(s->msg, "%s, %s; server certificate for %s verified\n", tls_w_version(s->ctrl.tls),
                tls_w_cipher(s->ctrl.tls), host);
    return 0;
fail:
    session_enter(s, SESSION_DISCONNECTED);
    return -1;
}

/* PBSZ 0 then PROT (RFC 4217 section 9). PBSZ always comes first: some
 * servers refuse PROT without it. 0 when the server agreed to the level;
 * a refusal is an ERR_SERVER error naming the command and the reply. With
 * both, PROT is sent even when PBSZ was refused. */
static int protect(struct ftp_session *s, char level, int both, struct err *e)
{
    if (session_command(s, e, "PBSZ 0") != 0)
        return -1;
    int pbsz_ok = ftp_reply_class(s->reply.code) == 2;
    if (!pbsz_ok && !both)
        return session_refused(s, ERR_SERVER, "PBSZ 0", e);
    struct err pbsz;
    if (!pbsz_ok)
        session_refused(s, ERR_SERVER, "PBSZ 0", &pbsz);
    if (session_command(s, e, "PROT %c", level) != 0)
        return -1;
    if (ftp_reply_class(s->reply.code) != 2)
        return session_refused(s, ERR_SERVER, level == 'P' ? "PROT P" : "PROT C", e);
    if (!pbsz_ok) {
        *e = pbsz;
        return -1;
    }
    s->agreed.prot = level;
    return 0;
}

/* Private data was wanted and the server did not agree: no level is in
 * force, and every transfer fails until the user chooses clear data. */
static int protection_refused(struct ftp_session *s, const struct err *why, struct err *e)
{
    s->agreed.prot = PROT_REFUSED;
    return err_set(e, ERR_SERVER,
                   "the server refused data protection (%s); nothing will be transferred in clear "
                   "text unless asked: give secdata c (or --dtaprot clear) for clear data",
                   why->msg);
}

static void warn_clear_data(struct ftp_session *s)
{
    fprintf(s->msg, "ftpc: warning: data connections are now in clear text; "
                    "files and listings can be read on the network\n");
}

/* What a login asks for once the server let the user in: the data
 * protection level (the user's wish; a renewal asks for what was in
 * force) and the type. */
struct login_levels {
    char prot;
    int ascii;
};

/* TYPE on a logged-in session; what the server agreed to is in force. */
static int apply_type(struct ftp_session *s, int ascii, struct err *e)
{
    if (session_expect(s, 2, ascii ? "TYPE A refused" : "TYPE I refused", e, "TYPE %s",
                       ascii ? "A" : "I") != 0)
        return -1;
    s->agreed.ascii = ascii;
    return 0;
}

static int after_login(struct ftp_session *s, const struct login_levels *want, struct err *e)
{
    session_enter(s, SESSION_LOGGED_IN);
    struct err why;
    int refused = 0;
    if (s->agreed.control != CONTROL_CLEAR) {
        /* Implicit: vsftpd still wants PBSZ/PROT before any transfer (as curl
         * sends them); a refusal leaves the implied private level in force. */
        int implicit_private = s->sec == SECCNN_IMPLICIT && s->agreed.prot == 'P' && want->prot == 'P';
        if (protect(s, want->prot, implicit_private, &why) != 0) {
            if (s->state == SESSION_DISCONNECTED) {
                *e = why;
                return -1;
            }
            if (!implicit_private)
                refused = 1;
        }
    }
    /* TYPE as usual: the session goes on even when protection was refused. */
    if (apply_type(s, want->ascii, e) != 0)
        return -1;
    if (refused && want->prot == 'P')
        return protection_refused(s, &why, e);
    if (refused) {
        *e = why;
        return -1;
    }
    return 0;
}

static int login_result(struct ftp_session *s, const char *user, const struct login_levels *want,
                        struct err *e)
{
    if (s->reply.code == 230 || s->reply.code == 202)
        return after_login(s, want, e);
    if (s->reply.code == 332)
        return err_set(e, ERR_LOGIN, "the server wants an account for %s (use acct)", user);
    session_enter(s, session_base_state(s));
    return err_set(e, ERR_LOGIN, "login as %s refused: %d %s", user, s->reply.code, s->reply.text);
}

/* The user and password kept for a renewal's new login. */
static int remember(struct ftp_session *s, const char *user, const char *password, struct err *e)
{
    if (user != NULL)
        snprintf(s->user, sizeof s->user, "%s", user);
    if (password != NULL) {
        forget_password(s);
        s->password = strdup(password);
        if (s->password == NULL)
            return err_set(e, ERR_INTERNAL, "out of memory");
    }
    return 0;
}

/* The levels a login by the user asks for: the wished protection and the
 * type chosen so far. */
static struct login_levels wished_levels(const struct ftp_session *s)
{
    return (struct login_levels){ .prot = s->opt.prot, .ascii = s->opt.ascii };
}

static int login(struct ftp_session *s, const char *user, const char *password,
                 const struct login_levels *want, struct err *e)
{
    if (session_require(s, 0, e) != 0)
        return -1;
    session_enter(s, session_base_state(s));
    if (remember(s, user, password, e) != 0)
        return -1;
    if (session_command(s, e, "USER %s", user) != 0)
        return -1;
    if (s->reply.code == 331) {
        session_enter(s, SESSION_USER_SENT);
        if (password == NULL)
            return 0; /* 'pass' comes next */
        if (session_command(s, e, "PASS %s", password) != 0)
            return -1;
    }
    return login_result(s, user, want, e);
}

int session_user(struct ftp_session *s, const char *user, const char *password, struct err *e)
{
    struct login_levels want = wished_levels(s);
    return login(s, user, password, &want, e);
}

int session_pass(struct ftp_session *s, const char *password, struct err *e)
{
    if (session_require(s, 0, e) != 0)
        return -1;
    if (s->state != SESSION_USER_SENT)
        return err_set(e, ERR_USAGE, "pass: send user first");
    if (remember(s, NULL, password, e) != 0)
        return -1;
    if (session_command(s, e, "PASS %s", password) != 0)
        return -1;
    struct login_levels want = wished_levels(s);
    return login_result(s, "this user", &want, e);
}

int session_acct(struct ftp_session *s, const char *account, struct err *e)
{
    if (session_require(s, 0, e) != 0 || session_command(s, e, "ACCT %s", account) != 0)
        return -1;
    if (s->reply.code == 230 || s->reply.code == 202) {
        struct login_levels want = wished_levels(s);
        return s->state == SESSION_LOGGED_IN ? 0 : after_login(s, &want, e);
    }
    if (ftp_reply_class(s->reply.code) != 2)
        return session_refused(s, ERR_LOGIN, "acct refused", e);
    return 0;
}

int session_secdata(struct ftp_session *s, char level, struct err *e)
{
    if (session_require(s, 1, e) != 0)
        return -1;
    if (s->agreed.control == CONTROL_CLEAR)
        return err_set(e, ERR_USAGE, "secdata needs a secure control connection (use secopen)");
    char old = s->agreed.prot;
    struct err why;
    if (protect(s, level, 0, &why) == 0) {
        s->opt.prot = level; /* the user's choice, for the next secopen too */
        if (level == 'C')
            warn_clear_data(s);
        return 0;
    }
    if (s->state == SESSION_DISCONNECTED) {
        *e = why;
        return -1;
    }
    /* A refusal never lowers protection: private agreed stays private. */
    if (old == 'P')
        return err_set(e, ERR_SERVER, "%s; data protection stays private (secdata p is in force)",
                       why.msg);
    if (level == 'P')
        return protection_refused(s, &why, e);
    /* Clear asked for, and no private level was ever agreed: the server's
     * data connections are clear (RFC 2228's default), as asked. */
    s->agreed.prot = 'C';
    s->opt.prot = 'C';
    if (s->verbose)
        fprintf(s->msg, "the server refused PROT C (%s); its data connections are clear by default\n",
                why.msg);
    warn_clear_data(s);
    return 0;
}

int session_ccc(struct ftp_session *s, struct err *e)
{
    if (session_require(s, 1, e) != 0)
        return -1;
    if (s->agreed.control != CONTROL_TLS)
        return err_set(e, ERR_USAGE, "ccc: the control connection is not encrypted");
    if (session_expect(s, 2, "ccc refused", e, "CCC") != 0)
        return -1;
    if (ctrl_end_tls(&s->ctrl, e) != 0) {
        session_enter(s, SESSION_DISCONNECTED);
        return -1;
    }
    s->agreed.control = CONTROL_CLEARED;
    fprintf(s->msg, "ftpc: warning: the control connection is now in clear text; "
                    "commands and file names can be read on the network\n");
    return 0;
}

int session_rein(struct ftp_session *s, struct err *e)
{
    if (session_require(s, 0, e) != 0 || session_command(s, e, "REIN") != 0)
        return -1;
    if (s->reply.code != 220)
        return session_refused(s, ERR_SERVER, "reinitialize refused", e);
    session_enter(s, session_base_state(s));
    if (s->sec != SECCNN_IMPLICIT)
        s->agreed.prot = 'C';
    return 0;
}

int session_close(struct ftp_session *s, struct err *e)
{
    forget_password(s);
    int rc = 0;
    if (s->state != SESSION_DISCONNECTED) {
        rc = session_command(s, e, "QUIT");
        ctrl_close(&s->ctrl, QUIT_CLOSE_WAIT_MS);
    }
    session_enter(s, SESSION_DISCONNECTED);
    return rc;
}

int session_set_type(struct ftp_session *s, int ascii, struct err *e)
{
    s->opt.ascii = ascii; /* the wish: every login asks for it */
    return s->state == SESSION_LOGGED_IN ? apply_type(s, ascii, e) : 0;
}

int session_type_ascii(const struct ftp_session *s)
{
    return s->state == SESSION_LOGGED_IN ? s->agreed.ascii : s->opt.ascii;
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

/* Reconnects to the same server with the same wishes, logs in again as the
 * same user, and replays what the session had: the folder, the type and
 * the protection in force. The same open and login as the user's own. */
static int reconnect(struct ftp_session *s, struct err *e)
{
    char cwd[4096] = "";
    if (session_command(s, e, "PWD") != 0)
        return -1;
    /* The new login must land where this one is: a folder that cannot be
     * read back would send the next transfer somewhere else. */
    if (s->reply.code != 257 ||
        ftp_parse_quoted_name(s->reply.text, s->reply.text_len, cwd, sizeof cwd) != 0)
        return session_refused(s, ERR_SERVER, "cannot tell the current folder to return to it", e);
    struct login_levels replay = { .prot = s->agreed.prot, .ascii = s->agreed.ascii };
    char host[256], user[256];
    snprintf(host, sizeof host, "%s", s->host);
    snprintf(user, sizeof user, "%s", s->user);
    unsigned port = s->port;
    enum ftp_seccnn sec = s->sec;
    char *password = s->password;
    s->password = NULL; /* close forgets it; the new login needs it */
    struct err ignored;
    (void)session_close(s, &ignored);
    int rc = session_open(s, host, port, sec, e);
    if (rc == 0)
        rc = login(s, user, password, &replay, e);
    if (rc == 0 && s->state != SESSION_LOGGED_IN)
        rc = err_set(e, ERR_LOGIN, "could not log in again as %s", user);
    if (rc == 0 && cwd[0] != '\0')
        rc = session_expect(s, 2, "cannot return to the folder", e, "CWD %s", cwd);
    if (password != NULL) {
        secret_wipe(password, strlen(password));
        free(password);
    }
    return rc;
}

int session_renew_if_needed(struct ftp_session *s, struct err *e)
{
    struct tls_w_conn *t = s->ctrl.tls;
    int fresh = 0;
    /* A server that never gave a ticket (Pure-FTPd) does not resume at all:
     * logging in again would not help. */
    if (s->agreed.prot != 'P' || t == NULL || !tls_w_is_tls13(t) || tls_w_sessions(t, &fresh) == 0 ||
        fresh > 0)
        return 0;
    if (s->password == NULL)
        return 0; /* nothing to log in with: offer the used ticket and see */
    s->renewals++;
    if (s->verbose)
        fprintf(s->msg, "renewing the TLS session: the server gave no new ticket to resume\n");
    if (reconnect(s, e) != 0)
        return err_prefix(e, "renewing the TLS session");
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
    if (s->renewals > 0)
        fprintf(out, "TLS sessions renewed: %d\n", s->renewals);
}
