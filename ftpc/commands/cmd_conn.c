/* cmd_conn: connection, login and protection subcommands. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ftpc/commands/commands.h"
#include "ftpc/parse/number.h"
#include "ftpc/session/creds.h"

int cmd_open(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    unsigned port = 0;
    if (argc > 2 && parse_tcp_port(argv[2], &port) != 0)
        return err_set(e, ERR_USAGE, "'%s' is not a port number (1-65535)", argv[2]);
    enum ftp_seccnn sec = cx->s->opt.seccnn;
    if (port == 0)
        port = session_default_port(sec);
    return session_open(cx->s, argv[1], port, sec, e);
}

/* secopen HOST [PORT] [ssl|implicit], IBM's "(SSL" and "(IMPLICIT" too. */
int cmd_secopen(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    unsigned port = 0;
    int mode = -1;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i][0] == '(' ? argv[i] + 1 : argv[i];
        if (strcasecmp(a, "ssl") == 0)
            mode = SECCNN_SSL;
        else if (strcasecmp(a, "implicit") == 0)
            mode = SECCNN_IMPLICIT;
        else if (port == 0 && parse_tcp_port(a, &port) == 0)
            continue;
        else
            return err_set(e, ERR_USAGE, "secopen: '%s' is neither a port nor ssl/implicit", argv[i]);
    }
    /* IBM i: no option means SSL, except that port 990 means implicit. */
    if (mode < 0)
        mode = port == FTPS_IMPLICIT_PORT ? SECCNN_IMPLICIT : SECCNN_SSL;
    if (port == 0)
        port = session_default_port((enum ftp_seccnn)mode);
    return session_open(cx->s, argv[1], port, (enum ftp_seccnn)mode, e);
}

static int find_password(struct ftp_session *s, const char *user, char *out, size_t outlen,
                         struct err *e)
{
    return creds_password(&s->opt, s->host, user, s->agreed.control != CONTROL_TLS, out,
                          outlen, e);
}

int cmd_user(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    struct ftp_session *s = cx->s;
    if (session_require(s, 0, e) != 0)
        return -1;
    int rc;
    if (argc >= 3) {
        rc = session_user(s, argv[1], argv[2], e);
        secret_wipe(argv[2], strlen(argv[2]));
        return rc;
    }
    /* Ask the server first: it may need no password. */
    if (session_user(s, argv[1], NULL, e) != 0)
        return -1;
    if (s->state != SESSION_USER_SENT)
        return 0;
    char pw[1024];
    if (find_password(s, argv[1], pw, sizeof pw, e) != 0)
        return -1;
    if (pw[0] == '\0' && getenv("FTPC_PASSWORD") == NULL && s->opt.password_file == NULL) {
        if (s->verbose)
            fprintf(s->msg, "password needed: send it with pass\n");
        return 0;
    }
    rc = session_pass(s, pw, e);
    secret_wipe(pw, sizeof pw);
    return rc;
}

int cmd_pass(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    struct ftp_session *s = cx->s;
    char pw[1024];
    if (argc >= 2) {
        snprintf(pw, sizeof pw, "%s", argv[1]);
        secret_wipe(argv[1], strlen(argv[1]));
    } else if (find_password(s, s->user, pw, sizeof pw, e) != 0) {
        return -1;
    }
    int rc = session_pass(s, pw, e);
    secret_wipe(pw, sizeof pw);
    return rc;
}

int cmd_acct(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    int rc = session_acct(cx->s, argv[1], e);
    secret_wipe(argv[1], strlen(argv[1]));
    return rc;
}

int cmd_close(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    (void)argv;
    if (session_require(cx->s, 0, e) != 0)
        return -1;
    return session_close(cx->s, e);
}

int cmd_quit(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    (void)argv;
    cx->quit = 1;
    return session_close(cx->s, e);
}

int cmd_rein(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    (void)argv;
    return session_rein(cx->s, e);
}

int cmd_ccc(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    (void)argv;
    return session_ccc(cx->s, e);
}

int cmd_secdata(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    struct ftp_session *s = cx->s;
    if (argc == 1) {
        fprintf(cx->out, "data protection: %s%s\n", session_prot_name(s->agreed.prot),
                s->state != SESSION_DISCONNECTED ? "" : " (not connected)");
        return 0;
    }
    char level;
    if (strcasecmp(argv[1], "p") == 0 || strcasecmp(argv[1], "private") == 0)
        level = 'P';
    else if (strcasecmp(argv[1], "c") == 0 || strcasecmp(argv[1], "clear") == 0)
        level = 'C';
    else
        return err_set(e, ERR_USAGE, "secdata takes c (clear) or p (private), not '%s'", argv[1]);
    return session_secdata(s, level, e);
}
