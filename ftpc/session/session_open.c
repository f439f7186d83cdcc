/*
 * session_open: connecting and securing the control connection (RFC 4217
 * AUTH TLS, implicit FTPS), the server verified against the application's
 * trust list before anything else is sent; CCC; closing.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/certinfo.h"
#include "common/net.h"
#include "common/visible.h"
#include "ftpc/session/session.h"
#include "ftpc/session/session_internal.h"
#include "trustd/store/diagnose.h"
#include "trustd/store/store.h"

/* A refused server certificate: the trust store's own words for why, and
 * the trustd commands that would fix it (trustd/store/diagnose.c). */
static int refusal(void *arg, const char *host, STACK_OF(X509) *chain, struct err *e)
{
    struct ftp_session *s = arg;
    struct diag_target t = { .app_id = s->opt.appid, .host = host, .port = s->port,
                             .implicit = s->sec == SECCNN_IMPLICIT };
    return diagnose_refusal(store_path_resolve(s->opt.store), &t, chain, e);
}

/* A fleet policy past its not-after (docs/fleet.md): a warning, or a
 * refusal when its publisher chose so (revocations may be missing). */
static int stale_policy(struct store *st, const char *path, struct err *e)
{
    struct store_fleet f;
    if (store_fleet_get(st, &f, e) != 0)
        return -1;
    if (!store_fleet_stale(&f, (int64_t)time(NULL)))
        return 0;
    char t[40], vpath[1200], vurl[1200];
    certinfo_format_iso(f.not_after, t, sizeof t);
    /* The path and the URL are not ours: they must not drive the terminal. */
    visible_str(vpath, sizeof vpath, path);
    visible_str(vurl, sizeof vurl, f.url);
    if (strcmp(f.on_stale, "refuse") == 0)
        return err_set(e, ERR_STORE, "the fleet policy of trust store %s (serial %lld from %s) went "
                       "stale at %s and its publisher refuses stale policies: not connecting "
                       "(run trustd sync)", vpath, (long long)f.serial, vurl, t);
    fprintf(stderr, "ftpc: warning: the fleet policy of trust store %s (serial %lld from %s) went "
            "stale at %s: revocations published since are missing (run trustd sync)\n", vpath,
            (long long)f.serial, vurl, t);
    return 0;
}

/* The application's trust list and TLS policy, made into a TLS context, once. */
static int tls_context(struct ftp_session *s, struct err *e)
{
    if (s->tls_ctx != NULL)
        return 0;
    struct store *st = NULL;
    const char *path = store_path_resolve(s->opt.store);
    /* A store others could change would let them choose whom we trust. */
    if (store_check_permissions(path, getuid(), e) != 0 || store_open(path, STORE_READ_ONLY, &st, e) != 0)
        return -1;
    /* The definition and its trust list from the one open: the policy
     * is the application's, the command line may only narrow it. */
    struct store_app app;
    X509_STORE *anchors = NULL;
    int count = 0, nids = 0;
    struct tls_w_identity ids[TLS_W_IDENTITIES_MAX];
    memset(ids, 0, sizeof ids);
    int rc = stale_policy(st, path, e);
    if (rc == 0)
        rc = store_app_get(st, s->opt.appid, &app, e);
    if (rc == 0)
        rc = store_app_trust_anchors(st, s->opt.appid, &anchors, &count, e);
    if (rc == 0)
        rc = session_identities(s, st, ids, &nids, e);
    store_close(st);
    struct tls_w_config cfg;
    if (rc == 0)
        rc = session_tls_config(s, &app.tls, &cfg, e);
    if (rc == 0) {
        ctrl_trace(&s->ctrl, "---- TLS policy of application %s: %s\n", s->opt.appid, s->tls_policy);
        ctrl_trace(&s->ctrl, "---- client certificates: %s\n", s->client_certs[0] ? s->client_certs : "none");
    }
    if (rc == 0)
        s->tls_ctx = tls_w_ctx_new(&cfg, anchors, e);
    else
        X509_STORE_free(anchors);
    for (int i = 0; s->tls_ctx != NULL && i < nids; i++)
        if (tls_w_ctx_add_identity(s->tls_ctx, &ids[i], e) != 0) {
            tls_w_ctx_free(s->tls_ctx);
            s->tls_ctx = NULL;
        }
    /* The context holds the keys now; these copies go at once. */
    for (int i = 0; i < nids; i++)
        tls_w_identity_clear(&ids[i]);
    if (s->tls_ctx != NULL)
        tls_w_ctx_set_refusal(s->tls_ctx, refusal, s);
    return s->tls_ctx ? 0 : -1;
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
    session_note_presented(s);
    session_enter(s, SESSION_SECURED);
}

int session_open(struct ftp_session *s, const char *host, unsigned port, enum ftp_seccnn sec,
                 struct err *e)
{
    if (s->state != SESSION_DISCONNECTED) {
        struct err ignored;
        (void)session_close(s, &ignored);
    }
    /* A new server: what was learnt of the last one's TLS sessions goes
     * (a reconnect to the same one puts it back). */
    s->renewals = 0;
    s->tls12_failed = 0;
    /* "[::1]", as in URLs, is the address ::1 (the name TLS checks too). */
    char bare[sizeof s->host];
    if (net_host_unbracket(host, bare, sizeof bare) != 0)
        return err_set(e, ERR_USAGE, "'%s' is not a host name or address ([...] holds an IPv6 address)", host);
    host = bare;
    if (sec != SECCNN_NONE && tls_context(s, e) != 0)
        return -1;
    s->ctrl.tls12 = s->open_tls12;
    s->open_tls12 = 0;
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

int session_close(struct ftp_session *s, struct err *e)
{
    session_forget_password(s);
    int rc = 0;
    if (s->state != SESSION_DISCONNECTED) {
        rc = session_command(s, e, "QUIT");
        ctrl_close(&s->ctrl, QUIT_CLOSE_WAIT_MS);
    }
    session_enter(s, SESSION_DISCONNECTED);
    return rc;
}
