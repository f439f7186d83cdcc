/* commands: subcommand table and handlers. */
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "prompt.h"

struct command {
    const char *name;
    int min_args, max_args;
    int (*run)(struct ftp_session *s, int argc, char **argv, int *quit, struct err *e);
    const char *usage;
};

/* The last part of a path, for a default file name on the other side. */
static void base_name(const char *path, char *out, size_t outlen)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    snprintf(out, outlen, "%s", basename(tmp));
}

static int do_user(struct ftp_session *s, int argc, char **argv, int *quit, struct err *e)
{
    (void)quit;
    char pw[1024];
    int rc;
    if (argc >= 3) {
        rc = session_login(s, argv[1], argv[2], e);
        secret_wipe(argv[2], strlen(argv[2]));
        return rc;
    }
    const char *env = getenv("FTPC_PASSWORD");
    if (env != NULL) {
        snprintf(pw, sizeof pw, "%s", env);
    } else {
        char prompt[300];
        snprintf(prompt, sizeof prompt, "Password for %s: ", argv[1]);
        if (prompt_password(prompt, pw, sizeof pw, e) != 0)
            return -1;
    }
    rc = session_login(s, argv[1], pw, e);
    secret_wipe(pw, sizeof pw);
    return rc;
}

static int do_get(struct ftp_session *s, int argc, char **argv, int *quit, struct err *e)
{
    (void)quit;
    char local[PATH_MAX];
    if (argc >= 3)
        snprintf(local, sizeof local, "%s", argv[2]);
    else
        base_name(argv[1], local, sizeof local);
    return session_get(s, argv[1], local, e);
}

static int do_put(struct ftp_session *s, int argc, char **argv, int *quit, struct err *e)
{
    (void)quit;
    char remote[PATH_MAX];
    if (argc >= 3)
        snprintf(remote, sizeof remote, "%s", argv[2]);
    else if (strcmp(argv[1], "-") == 0)
        return err_set(e, ERR_USAGE, "put -: name the remote file");
    else
        base_name(argv[1], remote, sizeof remote);
    return session_put(s, argv[1], remote, e);
}

static int do_ls(struct ftp_session *s, int argc, char **argv, int *quit, struct err *e)
{
    (void)quit;
    return session_list(s, "NLST", argc > 1 ? argv[1] : NULL, stdout, e);
}

static int do_dir(struct ftp_session *s, int argc, char **argv, int *quit, struct err *e)
{
    (void)quit;
    return session_list(s, "LIST", argc > 1 ? argv[1] : NULL, stdout, e);
}

static int do_cd(struct ftp_session *s, int argc, char **argv, int *quit, struct err *e)
{
    (void)quit;
    (void)argc;
    return session_cd(s, argv[1], e);
}

static int do_pwd(struct ftp_session *s, int argc, char **argv, int *quit, struct err *e)
{
    (void)quit;
    (void)argc;
    (void)argv;
    return session_pwd(s, stdout, e);
}

static int do_binary(struct ftp_session *s, int argc, char **argv, int *quit, struct err *e)
{
    (void)quit;
    (void)argc;
    (void)argv;
    return session_set_type(s, 0, e);
}

static int do_ascii(struct ftp_session *s, int argc, char **argv, int *quit, struct err *e)
{
    (void)quit;
    (void)argc;
    (void)argv;
    return session_set_type(s, 1, e);
}

static int do_quit(struct ftp_session *s, int argc, char **argv, int *quit, struct err *e)
{
    (void)argc;
    (void)argv;
    *quit = 1;
    return session_quit(s, e);
}

static int do_help(struct ftp_session *s, int argc, char **argv, int *quit, struct err *e)
{
    (void)s;
    (void)argc;
    (void)argv;
    (void)quit;
    (void)e;
    commands_help(stdout);
    return 0;
}

static const struct command COMMANDS[] = {
    { "user", 1, 2, do_user, "user NAME [PASSWORD]   log in (asks for the password when not given)" },
    { "get", 1, 2, do_get, "get REMOTE [LOCAL]     download a file (LOCAL - is standard output)" },
    { "recv", 1, 2, do_get, "recv REMOTE [LOCAL]    same as get" },
    { "put", 1, 2, do_put, "put LOCAL [REMOTE]     upload a file (LOCAL - is standard input)" },
    { "send", 1, 2, do_put, "send LOCAL [REMOTE]    same as put" },
    { "ls", 0, 1, do_ls, "ls [PATH]              list names (NLST)" },
    { "dir", 0, 1, do_dir, "dir [PATH]             list in long form (LIST)" },
    { "cd", 1, 1, do_cd, "cd PATH                change the remote folder" },
    { "pwd", 0, 0, do_pwd, "pwd                    print the remote folder" },
    { "binary", 0, 0, do_binary, "binary                 transfer files as they are (TYPE I)" },
    { "ascii", 0, 0, do_ascii, "ascii                  convert line ends (TYPE A)" },
    { "quit", 0, 0, do_quit, "quit                   log out and end" },
    { "bye", 0, 0, do_quit, "bye                    same as quit" },
    { "help", 0, 1, do_help, "help                   this list" },
};

void commands_help(FILE *out)
{
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        fprintf(out, "  %s\n", COMMANDS[i].usage);
}

int commands_run(struct ftp_session *s, int argc, char **argv, int *quit, struct err *e)
{
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++) {
        const struct command *c = &COMMANDS[i];
        if (strcasecmp(c->name, argv[0]) != 0)
            continue;
        if (argc - 1 < c->min_args || argc - 1 > c->max_args)
            return err_set(e, ERR_USAGE, "usage: %s", c->usage);
        return c->run(s, argc, argv, quit, e);
    }
    return err_set(e, ERR_USAGE, "unknown subcommand '%s' (try help)", argv[0]);
}
