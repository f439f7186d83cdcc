/* commands: the subcommand table, dispatch and help. */
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "ftpc/commands/commands.h"
#include "ftpc/parse/cmdline.h"
#include "sandbox/sandbox.h"

struct command {
    const char *name;
    const char *alias;      /* another name, or NULL */
    int min_args, max_args; /* max -1: any number */
    cmd_fn run;
    const char *usage;
    const char *help;
    const char *args;       /* per argument: r remote, l local, - other; last repeats */
    /* Options (cmdline_options): NULL, the words are taken as they are;
     * "" no options, but "--" ends them (names may start with '-'); "f"
     * the letters it takes; "~" words starting with '-' go to the server
     * (ls -l), a leading "--" is still removed. */
    const char *opts;
};

static const struct command COMMANDS[] = {
    { "open", NULL, 1, 2, cmd_open, "open HOST [PORT]", "connect with the --seccnn security (default: AUTH TLS)", "-", NULL },
    { "secopen", "sopen", 1, 3, cmd_secopen, "secopen HOST [PORT] [ssl|implicit]", "connect securely: AUTH TLS (ssl, port " HELP_NUMBER(FTP_PORT) ") or TLS at connect (implicit, port " HELP_NUMBER(FTPS_IMPLICIT_PORT) ")", "-", NULL },
    { "user", NULL, 1, 2, cmd_user, "user NAME [PASSWORD]", "log in (password from the line, FTPC_PASSWORD, a prompt, or a pass line)", "-", NULL },
    { "pass", NULL, 0, 1, cmd_pass, "pass [PASSWORD]", "send the password after user", "-", NULL },
    { "acct", NULL, 1, 1, cmd_acct, "acct ACCOUNT", "send account information", "-", NULL },
    { "close", "disconnect", 0, 0, cmd_close, "close", "log out and close the connection", "-", NULL },
    { "quit", "bye", 0, 0, cmd_quit, "quit", "log out and end", "-", NULL },
    { "reinitialize", "rein", 0, 0, cmd_rein, "reinitialize", "back to the state before login (REIN)", "-", NULL },
    { "ccc", NULL, 0, 0, cmd_ccc, "ccc", "clear command channel: control connection back to clear text (warns)", "-", NULL },
    { "secdata", "sdata", 0, 1, cmd_secdata, "secdata [c|p]", "show or set data protection: clear or private (PBSZ 0, PROT)", "-", NULL },
    { "get", "recv", 1, 2, cmd_get_any, "get [-f] [-r] REMOTE [LOCAL] [(REPLACE]", "download (LOCAL - is standard output); -f or (REPLACE replaces an existing LOCAL; -r a folder with all it holds (as mirror)", "rl", "fr" },
    { "reget", NULL, 1, 2, cmd_reget, "reget REMOTE [LOCAL]", "resume a download from LOCAL.part or LOCAL (REST)", "rl", "" },
    { "put", "send", 1, 2, cmd_put_any, "put [-r] LOCAL [REMOTE]", "upload (LOCAL - is standard input); -r a folder with all it holds (as mirror -R)", "lr", "r" },
    { "append", NULL, 1, 2, cmd_append, "append LOCAL [REMOTE]", "append to a remote file (APPE)", "lr", "" },
    { "reput", NULL, 1, 2, cmd_reput, "reput LOCAL [REMOTE]", "resume an upload (REST and STOR, or APPE)", "lr", "" },
    { "mget", NULL, 1, -1, cmd_mget, "mget [-f] PATTERN... [(REPLACE]", "download the remote files matching each pattern; -f or (REPLACE replaces existing files", "r", "f" },
    { "mirror", NULL, 1, -1, cmd_mirror, "mirror [OPTIONS] REMOTE [LOCAL] | mirror -R [OPTIONS] LOCAL [REMOTE]", "download the remote folder into LOCAL with all it holds, only what changed; -R uploads LOCAL (--dry-run, --delete, --only-newer, --ignore-time, --only-missing, --exclude GLOB, --include GLOB, --follow-links, --perms, --verify, --parallel N, --json, -v)", "rl", NULL },
    { "mput", NULL, 1, -1, cmd_mput, "mput PATTERN...", "upload the local files matching each pattern", "l", "" },
    { "delete", NULL, 1, 1, cmd_delete, "delete REMOTE", "delete a remote file", "r", "" },
    { "mdelete", NULL, 1, -1, cmd_mdelete, "mdelete PATTERN...", "delete the remote files matching each pattern", "r", "" },
    { "rename", NULL, 2, 2, cmd_rename, "rename FROM TO", "rename a remote file", "rr", "" },
    { "mkdir", NULL, 1, 1, cmd_mkdir, "mkdir DIR", "make a remote folder", "r", "" },
    { "rmdir", NULL, 1, 1, cmd_rmdir, "rmdir DIR", "remove a remote folder", "r", "" },
    { "size", NULL, 1, 1, cmd_size, "size REMOTE", "size of a remote file in bytes", "r", "" },
    { "modtime", NULL, 1, 1, cmd_modtime, "modtime REMOTE", "last modification time of a remote file", "r", "" },
    { "ls", "nlist", 0, 1, cmd_ls, "ls [PATH]", "list names (NLST)", "r", "~" },
    { "dir", "list", 0, 1, cmd_dir, "dir [PATH]", "list in long form (LIST)", "r", "~" },
    { "mlsd", NULL, 0, 1, cmd_mlsd, "mlsd [PATH]", "machine-readable listing (when the server has MLST)", "r", "" },
    { "mlst", NULL, 0, 1, cmd_mlst, "mlst [PATH]", "machine-readable facts of one entry", "r", "" },
    { "cd", "cwd", 1, 1, cmd_cd, "cd PATH", "change the remote folder", "r", "" },
    { "cdup", NULL, 0, 0, cmd_cdup, "cdup", "go to the remote parent folder", "-", NULL },
    { "pwd", NULL, 0, 0, cmd_pwd, "pwd", "print the remote folder", "-", NULL },
    { "lcd", NULL, 0, 1, cmd_lcd, "lcd [DIR]", "change the local folder (home without DIR)", "l", "" },
    { "lpwd", NULL, 0, 0, cmd_lpwd, "lpwd", "print the local folder", "-", NULL },
    { "ascii", NULL, 0, 0, cmd_ascii, "ascii", "text transfers: line ends converted (TYPE A)", "-", NULL },
    { "binary", "image", 0, 0, cmd_binary, "binary", "transfer files as they are (TYPE I, the default)", "-", NULL },
    { "type", NULL, 0, 1, cmd_type, "type [ascii|binary]", "show or set the transfer type", "-", NULL },
    { "passive", NULL, 0, 0, cmd_passive, "passive", "data connections from the client (EPSV, then PASV; default)", "-", NULL },
    { "active", NULL, 0, 0, cmd_active, "active", "data connections from the server (EPRT, then PORT)", "-", NULL },
    { "system", "syst", 0, 0, cmd_system, "system", "the server's system type", "-", NULL },
    { "stat", NULL, 0, 1, cmd_stat, "stat [PATH]", "server status, or a listing over the control connection", "r", "~" },
    { "feat", NULL, 0, 0, cmd_feat, "feat", "the server's features", "-", NULL },
    { "noop", NULL, 0, 0, cmd_noop, "noop", "do nothing (keeps the connection alive)", "-", NULL },
    { "quote", "literal", 1, -1, cmd_quote, "quote COMMAND [ARGS]", "send a raw command", "-", NULL },
    { "site", NULL, 1, -1, cmd_site, "site ARGS", "send a SITE command", "-", NULL },
    { "status", NULL, 0, 0, cmd_status, "status", "the connection, its TLS, the last data connection, protection, type, mode, the sandbox", "-", NULL },
    { "set", NULL, 0, 2, cmd_set, "set [NAME [on|off]]", "list the session settings, or show or set one (clobber: downloads replace files)", "-", NULL },
    { "help", "?", 0, 1, cmd_help, "help [COMMAND]", "this list, or one subcommand", "-", NULL },
    { "verbose", NULL, 0, 1, cmd_verbose, "verbose [on|off]", "show server replies and transfer summaries", "-", NULL },
    { "debug", NULL, 0, 1, cmd_debug, "debug [on|off]", "protocol trace (the password shown as ****)", "-", NULL },
};

#define N_COMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static const struct command *find(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcasecmp(COMMANDS[i].name, name) == 0 ||
            (COMMANDS[i].alias && strcasecmp(COMMANDS[i].alias, name) == 0))
            return &COMMANDS[i];
    return NULL;
}

int commands_help(FILE *out, const char *name)
{
    if (name != NULL) {
        const struct command *c = find(name);
        if (c == NULL)
            return -1;
        fprintf(out, "%s\n    %s%s%s\n", c->usage, c->help, c->alias ? "; also " : "",
                c->alias ? c->alias : "");
        return 0;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-36s %s\n", COMMANDS[i].usage, COMMANDS[i].help);
    return 0;
}

const char *commands_name(size_t i)
{
    return i < N_COMMANDS ? COMMANDS[i].name : NULL;
}

int commands_known(const char *name)
{
    return find(name) != NULL;
}

enum cmd_arg commands_arg(const char *name, int argno)
{
    const struct command *c = find(name);
    if (c == NULL || argno < 1 || c->args[0] == '\0')
        return ARG_OTHER;
    size_t n = strlen(c->args);
    char k = c->args[(size_t)argno - 1 < n ? (size_t)argno - 1 : n - 1];
    return k == 'r' ? ARG_REMOTE : k == 'l' ? ARG_LOCAL : ARG_OTHER;
}

int cmd_status(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    (void)argv;
    (void)e;
    session_status(cx->s, cx->out);
    char sandbox[2048];
    sandbox_describe(sandbox, sizeof sandbox);
    fprintf(cx->out, "Sandbox: %s\n", sandbox);
    return 0;
}

/* 1 when a write of the last subcommand to what the user reads failed
 * (the streams are visible streams, whose writes flush at once). The
 * error is taken, so that the next subcommand is judged on its own. */
static int output_failed(struct cmd_ctx *cx)
{
    FILE *streams[] = { cx->out, cx->s->msg != cx->err ? cx->s->msg : NULL };
    int failed = 0;
    for (size_t i = 0; i < sizeof streams / sizeof streams[0]; i++) {
        if (streams[i] != NULL && (fflush(streams[i]) != 0 || ferror(streams[i]))) {
            failed = 1;
            clearerr(streams[i]);
        }
    }
    return failed;
}

int commands_run(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    const struct command *c = find(argv[0]);
    if (c == NULL)
        return err_set(e, ERR_USAGE, "unknown subcommand '%s' (try help)", argv[0]);
    cx->opts = 0;
    if (c->opts != NULL && strcmp(c->opts, "~") == 0) {
        if (argc > 1 && strcmp(argv[1], "--") == 0) {
            memmove(argv + 1, argv + 2, (size_t)(argc - 2) * sizeof *argv);
            argv[--argc] = NULL;
        }
    } else if (c->opts != NULL) {
        const char *bad = NULL;
        argc = cmdline_options(argc, argv, c->opts, &cx->opts, &bad);
        if (argc < 0)
            return err_set(e, ERR_USAGE, "%s: unknown option %.40s (a name that starts with - goes "
                           "after --); usage: %s", c->name, bad, c->usage);
        /* IBM i: GET and MGET take (REPLACE after the names. */
        if (strchr(c->opts, 'f') != NULL && cmdline_paren_option(&argc, argv, "REPLACE", c->min_args))
            cx->opts |= CMDLINE_OPT('f');
    }
    if (argc - 1 < c->min_args || (c->max_args >= 0 && argc - 1 > c->max_args))
        return err_set(e, ERR_USAGE, "usage: %s", c->usage);
    int rc = c->run(cx, argc, argv, e);
    if (output_failed(cx) && rc == 0) {
        cx->out_failed = 1;
        rc = err_set(e, ERR_LOCAL, "cannot write to %s", cx->out_name);
    }
    return rc;
}

void cmd_base_name(const char *path, char *out, size_t outlen)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    snprintf(out, outlen, "%s", basename(tmp));
}

void cmd_local_name(const char *remote, char *out, size_t outlen)
{
    char base[PATH_MAX];
    cmd_base_name(remote, base, sizeof base);
    /* A remote file called "-" is a file here too, never standard output. */
    snprintf(out, outlen, "%s%s", strcmp(base, "-") == 0 ? "./" : "", base);
}

int cmd_join(int argc, char **argv, int from, char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = from; i < argc; i++) {
        int w = snprintf(out + used, outlen - used, "%s%s", i > from ? " " : "", argv[i]);
        if (w < 0 || (size_t)w >= outlen - used)
            return -1;
        used += (size_t)w;
    }
    return 0;
}

int cmd_help(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    if (commands_help(cx->out, argc > 1 ? argv[1] : NULL) != 0)
        return err_set(e, ERR_USAGE, "no subcommand '%s' (try help)", argv[1]);
    return 0;
}

int commands_carry_secret(int argc, char **argv, int first_line)
{
    if (argc < 1)
        return 0;
    const struct command *c = find(argv[0]);
    /* IBM i batch input: a first line of just "name password". */
    if (c == NULL)
        return first_line && argc == 2;
    const char *n = c->name;
    if (strcmp(n, "user") == 0)
        return argc >= 3;
    if (strcmp(n, "pass") == 0 || strcmp(n, "acct") == 0)
        return argc >= 2;
    if (strcmp(n, "quote") == 0)
        return argc >= 3 && (strcasecmp(argv[1], "PASS") == 0 || strcasecmp(argv[1], "ACCT") == 0);
    return 0;
}

int commands_history_ok(int argc, char **argv)
{
    const struct command *c = argc >= 1 ? find(argv[0]) : NULL;
    if (c == NULL)
        return 0; /* did not parse: perhaps a password typed at the wrong prompt */
    const char *n = c->name;
    if (strcmp(n, "user") == 0 || strcmp(n, "pass") == 0 || strcmp(n, "acct") == 0)
        return argc < 2;
    return strcmp(n, "quote") != 0 && strcmp(n, "site") != 0;
}
