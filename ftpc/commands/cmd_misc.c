/* cmd_misc: navigation, settings and raw commands. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ftpc/commands/commands.h"
#include "ftpc/parse/quoted_name.h"
#include "sandbox/sandbox.h"

int cmd_cd(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    if (session_require(cx->s, 1, e) != 0)
        return -1;
    cx->s->cwd[0] = '\0';
    return session_expect(cx->s, 2, "cd refused", e, "CWD %s", argv[1]);
}

int cmd_cdup(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    (void)argv;
    if (session_require(cx->s, 1, e) != 0)
        return -1;
    cx->s->cwd[0] = '\0';
    return session_expect(cx->s, 2, "cdup refused", e, "CDUP");
}

int cmd_pwd(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    (void)argv;
    struct ftp_session *s = cx->s;
    if (session_require(s, 1, e) != 0 || session_command(s, e, "PWD") != 0)
        return -1;
    if (s->reply.code != 257)
        return session_refused(s, ERR_SERVER, "pwd refused", e);
    char name[FTP_REPLY_TEXT_MAX];
    if (ftp_parse_quoted_name(s->reply.text, s->reply.text_len, name, sizeof name) != 0)
        return session_refused(s, ERR_SERVER, "malformed PWD reply", e);
    fprintf(cx->out, "%s\n", name);
    return 0;
}

int cmd_lcd(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    const char *dir = argc > 1 ? argv[1] : getenv("HOME");
    if (dir == NULL)
        return err_set(e, ERR_USAGE, "lcd: name a folder");
    if (chdir(dir) != 0)
        return err_set(e, ERR_LOCAL, "cannot change to %s: %s", dir, strerror(errno));
    if (cmd_lpwd(cx, 1, argv, e) != 0)
        return -1;
    /* The folder may be outside what the sandbox lets ftpc write. */
    if (!sandbox_may_write_in("."))
        fprintf(cx->err, "ftpc: warning: downloads here will fail: %s\n", sandbox_refusal("."));
    return 0;
}

int cmd_lpwd(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    (void)argv;
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == NULL)
        return err_set(e, ERR_LOCAL, "cannot read the local folder: %s", strerror(errno));
    fprintf(cx->out, "%s\n", cwd);
    return 0;
}

int cmd_ascii(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    (void)argv;
    return session_set_type(cx->s, 1, e);
}

int cmd_binary(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    (void)argv;
    return session_set_type(cx->s, 0, e);
}

int cmd_type(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    if (argc == 1) {
        fprintf(cx->out, "type: %s\n", session_type_ascii(cx->s) ? "ascii" : "binary");
        return 0;
    }
    if (strcasecmp(argv[1], "ascii") == 0 || strcasecmp(argv[1], "a") == 0)
        return session_set_type(cx->s, 1, e);
    if (strcasecmp(argv[1], "binary") == 0 || strcasecmp(argv[1], "image") == 0 ||
        strcasecmp(argv[1], "i") == 0)
        return session_set_type(cx->s, 0, e);
    return err_set(e, ERR_USAGE, "type takes ascii or binary, not '%s'", argv[1]);
}

int cmd_passive(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    (void)argv;
    (void)e;
    cx->s->opt.passive = 1;
    if (cx->s->verbose)
        fprintf(cx->s->msg, "passive mode: the client opens data connections\n");
    return 0;
}

int cmd_active(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    (void)argv;
    (void)e;
    cx->s->opt.passive = 0;
    if (cx->s->verbose)
        fprintf(cx->s->msg, "active mode: the server opens data connections\n");
    return 0;
}

/* Sends a command and prints the reply's text; a 4xx/5xx reply is an error. */
static int show(struct cmd_ctx *cx, const char *what, const char *line, struct err *e)
{
    struct ftp_session *s = cx->s;
    if (session_require(s, 0, e) != 0 || session_command(s, e, "%s", line) != 0)
        return -1;
    if (!s->verbose)
        fprintf(cx->out, "%d %s\n", s->reply.code, s->reply.text);
    if (ftp_reply_class(s->reply.code) >= 4)
        return session_refused(s, ERR_SERVER, what, e);
    return 0;
}

int cmd_system(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    (void)argv;
    return show(cx, "system refused", "SYST", e);
}

int cmd_stat(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    char line[FTP_COMMAND_MAX];
    if (argc > 1)
        snprintf(line, sizeof line, "STAT %s", argv[1]);
    else
        snprintf(line, sizeof line, "STAT");
    return show(cx, "stat refused", line, e);
}

int cmd_feat(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    (void)argv;
    return show(cx, "feat refused", "FEAT", e);
}

int cmd_noop(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    (void)argv;
    return show(cx, "noop refused", "NOOP", e);
}

int cmd_quote(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    char line[FTP_COMMAND_MAX];
    if (cmd_join(argc, argv, 1, line, sizeof line) != 0)
        return err_set(e, ERR_USAGE, "command line too long");
    int rc = show(cx, "the server refused it", line, e);
    secret_wipe(line, sizeof line);
    return rc;
}

int cmd_site(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    char line[FTP_COMMAND_MAX];
    memcpy(line, "SITE ", 5);
    if (cmd_join(argc, argv, 1, line + 5, sizeof line - 5) != 0)
        return err_set(e, ERR_USAGE, "command line too long");
    return show(cx, "site refused", line, e);
}

static int on_off(int argc, char **argv, int current, int *out, struct err *e)
{
    if (argc == 1) {
        *out = !current;
        return 0;
    }
    if (strcasecmp(argv[1], "on") == 0)
        *out = 1;
    else if (strcasecmp(argv[1], "off") == 0)
        *out = 0;
    else
        return err_set(e, ERR_USAGE, "%s takes on or off", argv[0]);
    return 0;
}

int cmd_verbose(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    int v;
    if (on_off(argc, argv, cx->s->verbose, &v, e) != 0)
        return -1;
    cx->s->verbose = v;
    fprintf(cx->s->msg, "verbose %s\n", v ? "on" : "off");
    return 0;
}

int cmd_debug(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    int v;
    if (on_off(argc, argv, cx->s->ctrl.trace != NULL, &v, e) != 0)
        return -1;
    cx->s->ctrl.trace = v ? cx->s->msg : NULL;
    fprintf(cx->s->msg, "debug %s\n", v ? "on" : "off");
    return 0;
}

/* Session settings for set: each on or off. */
struct setting {
    const char *name;
    const char *help;
    int *(*where)(struct ftp_session *s);
};

static int *clobber_of(struct ftp_session *s)
{
    return &s->opt.clobber;
}

static const struct setting SETTINGS[] = {
    { "clobber", "downloads replace existing local files (get -f does it once)", clobber_of },
};

#define N_SETTINGS (sizeof SETTINGS / sizeof SETTINGS[0])

int cmd_set(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    if (argc == 1) {
        for (size_t i = 0; i < N_SETTINGS; i++)
            fprintf(cx->out, "%-10s %-4s %s\n", SETTINGS[i].name,
                    *SETTINGS[i].where(cx->s) ? "on" : "off", SETTINGS[i].help);
        return 0;
    }
    const struct setting *st = NULL;
    for (size_t i = 0; i < N_SETTINGS && st == NULL; i++)
        if (strcasecmp(SETTINGS[i].name, argv[1]) == 0)
            st = &SETTINGS[i];
    if (st == NULL)
        return err_set(e, ERR_USAGE, "set: no setting '%.40s' (set alone lists them)", argv[1]);
    int *v = st->where(cx->s);
    if (argc == 2) {
        fprintf(cx->out, "%s %s\n", st->name, *v ? "on" : "off");
        return 0;
    }
    if (strcasecmp(argv[2], "on") == 0)
        *v = 1;
    else if (strcasecmp(argv[2], "off") == 0)
        *v = 0;
    else
        return err_set(e, ERR_USAGE, "set %s takes on or off, not '%.40s'", st->name, argv[2]);
    if (cx->s->verbose)
        fprintf(cx->s->msg, "%s %s\n", st->name, *v ? "on" : "off");
    return 0;
}
