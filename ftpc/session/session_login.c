/*
 * session_login: USER/PASS/ACCT, then data protection (PBSZ/PROT, RFC 4217;
 * IBM i's SECDATA) and type; REIN; and the renewal that logs in again with
 * the same wishes when TLS 1.3 tickets run out.
 */
#include <stdlib.h>
#include <string.h>

#include "ftpc/parse/quoted_name.h"
#include "ftpc/session/session.h"
#include "ftpc/session/session_internal.h"

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
        session_forget_password(s);
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

int session_login_levels(struct ftp_session *s, const char *user, const char *password, char prot,
                         int ascii, struct err *e)
{
    struct login_levels want = { .prot = prot, .ascii = ascii };
    return login(s, user, password, &want, e);
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

int session_set_type(struct ftp_session *s, int ascii, struct err *e)
{
    s->opt.ascii = ascii; /* the wish: every login asks for it */
    return s->state == SESSION_LOGGED_IN ? apply_type(s, ascii, e) : 0;
}

int session_type_ascii(const struct ftp_session *s)
{
    return s->state == SESSION_LOGGED_IN ? s->agreed.ascii : s->opt.ascii;
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
    /* TLS 1.2 where allowed; only a preference when this session is not
     * already on it: a server that will not do it gets TLS 1.3 again. */
    int preferred = !s->ctrl.tls12 && tls_w_ctx_allows_tls12(s->tls_ctx);
    int tls12 = s->ctrl.tls12 || preferred;
    int renewals = s->renewals, tls12_failed = s->tls12_failed;
    struct err ignored;
    (void)session_close(s, &ignored);
    s->open_tls12 = tls12;
    int rc = session_open(s, host, port, sec, e);
    if (rc != 0 && preferred) {
        if (s->verbose)
            fprintf(s->msg, "TLS 1.2 did not work with this server; connecting with TLS 1.3 again\n");
        err_clear(e);
        s->open_tls12 = 0;
        rc = session_open(s, host, port, sec, e);
        tls12_failed = 1;
    }
    s->renewals = renewals;
    s->tls12_failed = tls12_failed;
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

int session_prefer_resumable(struct ftp_session *s, struct err *e)
{
    struct tls_w_conn *t = s->ctrl.tls;
    int fresh = 0;
    /* Not after CCC either: a new login would be TLS throughout again. */
    if (s->agreed.prot != 'P' || t == NULL || s->agreed.control != CONTROL_TLS || !tls_w_is_tls13(t) ||
        tls_w_sessions(t, &fresh) > 0 || s->password == NULL || s->tls12_failed ||
        !tls_w_ctx_allows_tls12(s->tls_ctx))
        return 0;
    if (s->verbose)
        fprintf(s->msg, "the server gives no TLS 1.3 tickets, so each data connection would be a full "
                        "handshake; logging in again with TLS 1.2 (the application's policy allows it), "
                        "whose session the server can resume\n");
    ctrl_trace(&s->ctrl, "---- logging in again: TLS 1.2, as the application's policy allows, for a server "
                         "that gives no TLS 1.3 tickets\n");
    if (reconnect(s, e) != 0) {
        if (s->state == SESSION_LOGGED_IN) {
            err_clear(e); /* it could not tell its folder: it stays as it was, and slower */
            return 0;
        }
        return err_prefix(e, "logging in again");
    }
    if (s->ctrl.tls12)
        s->renewals++;
    return 0;
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
    int tls12 = tls_w_ctx_allows_tls12(s->tls_ctx);
    if (s->verbose)
        fprintf(s->msg, "renewing the TLS session: the server gave no new ticket to resume%s\n",
                tls12 ? "; logging in again with TLS 1.2 (the application's policy allows it), whose "
                        "session the server can resume for every data connection" : "");
    if (tls12)
        ctrl_trace(&s->ctrl, "---- renewal: TLS 1.2, as the application's policy allows, for servers "
                             "that give no TLS 1.3 tickets on uploads\n");
    if (reconnect(s, e) != 0)
        return err_prefix(e, "renewing the TLS session");
    return 0;
}
