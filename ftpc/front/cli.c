/*
 * cli: ftpc's command line and its input loop (batch file, piped standard
 * input, or an interactive prompt). With a HOST the connection is opened
 * (and the server verified) before the first subcommand; without one,
 * open or secopen does it.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <limits.h>

#include "common/net.h"
#include "common/options.h"
#include "common/visible.h"
#include "ftpc/commands/commands.h"
#include "ftpc/conn/control.h"
#include "ftpc/conn/data.h"
#include "ftpc/conn/interrupt.h"
#include "ftpc/conn/localfile.h"
#include "ftpc/front/cli.h"
#include "ftpc/front/confine.h"
#include "ftpc/front/oneshot.h"
#include "ftpc/front/progress.h"
#include "ftpc/front/shell.h"
#include "ftpc/parse/cmdline.h"
#include "ftpc/parse/number.h"
#include "ftpc/parse/url.h"
#include "ftpc/session/creds.h"
#include "ftpc/session/session.h"
#include "ftpc/transfer/transfer.h"
#include "sandbox/sandbox.h"
#include "trustd/store/store.h"

/* -c anywhere but before get or put. */
#define RESUME_USAGE "-c (--resume) is for ftpc get and ftpc put; in the shell use reget or reput"

/* The longest URL a message shows (a longer one is cut). */
#define URL_SHOWN_MAX 4096

static const char USAGE[] =
    "usage: ftpc [options] [HOST [PORT]]\n"
    "       ftpc [options] get [-f] [-c] URL [LOCAL]   (URL's last part may be a glob)\n"
    "       ftpc [options] put [-c] LOCAL... URL       (LOCAL may be a glob)\n"
    "       ftpc [options] ls URL\n"
    "       ftpc [options] mirror [MIRROR-OPTIONS] URL [LOCAL]   (see help mirror)\n"
    "       ftpc [options] mirror -R [MIRROR-OPTIONS] LOCAL URL   (upload)\n"
    "URL: ftpes://[USER@]HOST[:PORT]/PATH (explicit FTPS), ftps:// (implicit),\n"
    "ftp:// (clear text, needs --seccnn none); PATH is relative to the login folder.\n"
    "HOST may be [IPv6] as in URLs. LOCAL for get may be a folder; several files\n"
    "or a glob need one (get) or a URL ending in / (put).\n"
    "  --store PATH             trust store (default $" STORE_ENV " or " STORE_DEFAULT_PATH ")\n"
    "  --appid ID               trust-store application whose CA trust list and revocation\n"
    "                           policy verify the server (default " STORE_FTP_CLIENT_APP ")\n"
    "  --seccnn ssl|implicit|none\n"
    "                           control connection: AUTH TLS (default), TLS at connect\n"
    "                           (port " HELP_NUMBER(FTPS_IMPLICIT_PORT) ", also chosen by port "
    HELP_NUMBER(FTPS_IMPLICIT_PORT) "), or clear text\n"
    "  --dtaprot private|clear  data connections in TLS (default) or clear\n"
    "  --tls-min 1.2|1.3        lowest TLS version (default 1.2)\n"
    "  --tls-max 1.2|1.3        highest TLS version\n"
    "  --ciphers LIST           TLS 1.2 cipher list (OpenSSL syntax)\n"
    "  --ciphersuites LIST      TLS 1.3 cipher suites\n"
    "  --cert FILE              client certificate (PEM) for servers that ask for one\n"
    "  --key FILE               its private key (default: in the --cert file)\n"
    "  --active                 data connections from the server (EPRT/PORT)\n"
    "  --connect-timeout SECS   give up connecting after SECS (default " HELP_NUMBER(CTRL_CONNECT_TIMEOUT_S) ")\n"
    "  --timeout SECS           give up waiting for a reply after SECS (default " HELP_NUMBER(CTRL_REPLY_TIMEOUT_S) ")\n"
    "  --greeting-timeout SECS  wait SECS for an explicit server's greeting before\n"
    "                           suggesting implicit FTPS (default " HELP_NUMBER(CTRL_GREETING_TIMEOUT_S) ")\n"
    "  --data-timeout SECS      give up on a silent data connection after SECS (default " HELP_NUMBER(DATA_TIMEOUT_S) ")\n"
    "  --user NAME              log in as NAME right after connecting\n"
    "  --password-file FILE     the password, from the first line of FILE (mode 600)\n"
    "  --netrc-file FILE        logins and passwords (default ~/.netrc, mode 600)\n"
    "  -s FILE                  read subcommands from FILE\n"
    "  -o FILE                  write replies and messages to FILE (IBM i OUTPUT)\n"
    "  --allow-write DIR        the sandbox lets ftpc write in DIR too (repeatable; it\n"
    "                           always may in the starting folder and the named targets)\n"
    "  --no-sandbox             run without the sandbox (seccomp, Landlock): to debug only\n"
    "  -f, --force              downloads replace existing local files (as set clobber on;\n"
    "                           without it an existing LOCAL is refused)\n"
    "  -c, --resume             get continues LOCAL.part from its end (as reget); put\n"
    "                           continues the file on the server (as reput)\n"
    "                           (Ctrl-C stops a one-shot get or put and keeps what\n"
    "                           arrived; a second Ctrl-C quits at once)\n"
    "  -4, -6                   IPv4 only, IPv6 only\n"
    "  -q, --quiet              no progress bar and no transfer summaries\n"
    "  --stop-on-error          in batch use, stop at the first failure (the default)\n"
    "  --continue               in batch use, go on after a failed subcommand (the exit\n"
    "                           status is still that of the first failure)\n"
    "  -v, --verbose            show server replies and transfer summaries\n"
    "  -d, --debug              protocol trace (passwords shown as ****)\n"
    "  -h, --help               this text\n"
    "  --version                the version of ftpc\n"
    "Subcommands are read from FILE, from standard input when it is not a\n"
    "terminal, or at a prompt. In batch use the first failure ends the run\n"
    "unless --continue.\n"
    "Exit status: 0 ok, 2 usage, 3 connection, 4 TLS/verification, 5 login,\n"
    "6 refused by the server, 7 local file, 8 trust store.\n"
    "Subcommands:\n";

struct cli_args {
    struct ftp_options opt;
    int help;           /* --help or --version: print, run nothing */
    int version;
    const char *verb;   /* URL mode: get, put, ls or mirror */
    char **words;       /* mirror: its words after "mirror", the URL among them */
    int n_words;
    const char *url;
    const char *local;
    struct ftp_url u;
    int seccnn_given;
    int prot_given;
    const char *script;
    const char *output;
    const char *user;
    int quiet;
    int keep_going;
    int verbose;
    int debug;
    int no_sandbox;
    int resume;         /* -c, --resume */
    int ipv4, ipv6;     /* -4, -6 */
    struct oneshot one; /* URL mode get and put: the files */
    char **put_words;   /* put: the LOCAL words, globs not yet expanded */
    int n_put_words;
    const char *allow_write[OPTIONS_MAX_REPEAT]; /* --allow-write DIR */
    int n_allow_write;
    const char *host;
    char host_bare[256]; /* HOST without the [] of an IPv6 address */
    unsigned port;
};

/* Option values that need checking before they become settings. */
struct option_texts {
    const char *seccnn, *dtaprot, *tls_min, *tls_max;
    const char *connect_timeout, *reply_timeout, *greeting_timeout, *data_timeout;
};

/* Messages go to standard error through a visible stream (visible.h), so
 * text from a server, a certificate or a file name cannot drive the
 * terminal. */
static FILE *msg_err;

static FILE *err_stream(void)
{
    return msg_err != NULL ? msg_err : stderr;
}

static int seconds(const char *opt, const char *v, int *ms, struct err *e)
{
    uint64_t n;
    if (v == NULL)
        return 0;
    if (parse_in_range(v, 1, 86400, &n) != 0)
        return err_set(e, ERR_USAGE, "%s takes 1 to 86400 seconds, not '%s'", opt, v);
    *ms = (int)(n * 1000);
    return 0;
}

static int tls_version(const char *opt, const char *v, int *out, struct err *e)
{
    if (v == NULL)
        return 0;
    int ver = tls_w_parse_version(v);
    if (ver < 0)
        return err_set(e, ERR_USAGE, "%s: TLS version must be 1.2 or 1.3, not '%s'", opt, v);
    *out = ver;
    return 0;
}

/* The checked option values into a's settings. */
static int apply_texts(const struct option_texts *t, struct cli_args *a, struct err *e)
{
    if (t->seccnn != NULL) {
        a->seccnn_given = 1;
        if (strcmp(t->seccnn, "ssl") == 0)
            a->opt.seccnn = SECCNN_SSL;
        else if (strcmp(t->seccnn, "implicit") == 0)
            a->opt.seccnn = SECCNN_IMPLICIT;
        else if (strcmp(t->seccnn, "none") == 0)
            a->opt.seccnn = SECCNN_NONE;
        else
            return err_set(e, ERR_USAGE, "--seccnn takes ssl, implicit or none, not '%s'", t->seccnn);
    }
    if (t->dtaprot != NULL) {
        a->prot_given = 1;
        if (strcmp(t->dtaprot, "private") == 0)
            a->opt.prot = 'P';
        else if (strcmp(t->dtaprot, "clear") == 0)
            a->opt.prot = 'C';
        else
            return err_set(e, ERR_USAGE, "--dtaprot takes private or clear, not '%s'", t->dtaprot);
    }
    if (tls_version("--tls-min", t->tls_min, &a->opt.tls.min_version, e) != 0 ||
        tls_version("--tls-max", t->tls_max, &a->opt.tls.max_version, e) != 0 ||
        seconds("--connect-timeout", t->connect_timeout, &a->opt.connect_timeout_ms, e) != 0 ||
        seconds("--timeout", t->reply_timeout, &a->opt.reply_timeout_ms, e) != 0 ||
        seconds("--greeting-timeout", t->greeting_timeout, &a->opt.greeting_timeout_ms, e) != 0 ||
        seconds("--data-timeout", t->data_timeout, &a->opt.data_timeout_ms, e) != 0)
        return -1;
    return 0;
}

/* The options before HOST or the URL verb: one table, each option with
 * what it sets. */
static int read_options(int argc, char **argv, struct cli_args *a, int *next, struct err *e)
{
    struct option_texts t = { 0 };
    const struct opt opts[] = {
        { "-h", OPT_STOP, &a->help, NULL },
        { "--help", OPT_STOP, &a->help, NULL },
        { "--version", OPT_STOP, &a->version, NULL },
        { "-v", OPT_FLAG, &a->verbose, NULL },
        { "--verbose", OPT_FLAG, &a->verbose, NULL },
        { "-d", OPT_FLAG, &a->debug, NULL },
        { "--debug", OPT_FLAG, &a->debug, NULL },
        { "--continue", OPT_FLAG, &a->keep_going, NULL },
        { "--stop-on-error", OPT_UNSET, &a->keep_going, NULL },
        { "-q", OPT_FLAG, &a->quiet, NULL },
        { "--quiet", OPT_FLAG, &a->quiet, NULL },
        { "-f", OPT_FLAG, &a->opt.clobber, NULL },
        { "--force", OPT_FLAG, &a->opt.clobber, NULL },
        { "--active", OPT_UNSET, &a->opt.passive, NULL },
        { "--passive", OPT_FLAG, &a->opt.passive, NULL },
        { "--store", OPT_VALUE, NULL, &a->opt.store },
        { "--appid", OPT_VALUE, NULL, &a->opt.appid },
        { "-s", OPT_VALUE, NULL, &a->script },
        { "-o", OPT_VALUE, NULL, &a->output },
        { "--user", OPT_VALUE, NULL, &a->user },
        { "--password-file", OPT_VALUE, NULL, &a->opt.password_file },
        { "--netrc-file", OPT_VALUE, NULL, &a->opt.netrc_file },
        { "--seccnn", OPT_VALUE, NULL, &t.seccnn },
        { "--dtaprot", OPT_VALUE, NULL, &t.dtaprot },
        { "--tls-min", OPT_VALUE, NULL, &t.tls_min },
        { "--tls-max", OPT_VALUE, NULL, &t.tls_max },
        { "--ciphers", OPT_VALUE, NULL, &a->opt.tls.ciphers },
        { "--ciphersuites", OPT_VALUE, NULL, &a->opt.tls.ciphersuites },
        { "--cert", OPT_VALUE, NULL, &a->opt.cert_file },
        { "--key", OPT_VALUE, NULL, &a->opt.key_file },
        { "--connect-timeout", OPT_VALUE, NULL, &t.connect_timeout },
        { "--timeout", OPT_VALUE, NULL, &t.reply_timeout },
        { "--greeting-timeout", OPT_VALUE, NULL, &t.greeting_timeout },
        { "--data-timeout", OPT_VALUE, NULL, &t.data_timeout },
        { "--allow-write", OPT_REPEAT, &a->n_allow_write, a->allow_write },
        { "--no-sandbox", OPT_FLAG, &a->no_sandbox, NULL },
        { "-c", OPT_FLAG, &a->resume, NULL },
        { "--resume", OPT_FLAG, &a->resume, NULL },
        { "-4", OPT_FLAG, &a->ipv4, NULL },
        { "-6", OPT_FLAG, &a->ipv6, NULL },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (options_front(argc - 1, argv + 1, opts, next, e) != 0)
        return -1;
    *next += 1;
    return a->help || a->version ? 0 : apply_texts(&t, a, e);
}

/* The URL decides the security; an --seccnn that says otherwise is an error,
 * and so is ftp:// without --seccnn none. */
static int url_options(struct cli_args *a, struct err *e)
{
    const char *why = NULL;
    char shown[URL_SHOWN_MAX];
    url_redact(a->url, shown, sizeof shown);
    if (url_parse(a->url, &a->u, &why) != 0)
        return err_set(e, ERR_USAGE, "bad URL '%s': %s", shown, why);
    enum ftp_seccnn sec = a->u.scheme == URL_FTP ? SECCNN_NONE
                          : a->u.scheme == URL_FTPS ? SECCNN_IMPLICIT : SECCNN_SSL;
    if (a->u.scheme == URL_FTP && !(a->seccnn_given && a->opt.seccnn == SECCNN_NONE))
        return err_set(e, ERR_USAGE, "ftp:// is clear text: add --seccnn none to allow it (or use ftpes://)");
    if (a->seccnn_given && a->opt.seccnn != sec)
        return err_set(e, ERR_USAGE, "--seccnn contradicts the URL's scheme");
    a->opt.seccnn = sec;
    a->host = a->u.host;
    a->port = a->u.port ? a->u.port : session_default_port(sec);
    if (sec == SECCNN_NONE)
        a->opt.prot = 'C';
    if (a->u.has_user)
        a->user = a->u.user;
    if (strcmp(a->verb, "get") == 0 && a->u.is_dir)
        return err_set(e, ERR_USAGE, "the URL names a folder, not a file: %s (ftpc mirror copies a folder; "
                       "a glob such as DIR/*.csv some of its files)", shown);
    if (strcmp(a->verb, "get") == 0)
        return oneshot_prepare_get(&a->one, a->u.path, a->local, e);
    if (strcmp(a->verb, "put") == 0)
        return oneshot_prepare_put(&a->one, a->put_words, a->n_put_words, a->u.path, a->u.is_dir, e);
    return 0;
}

/* One-shot mirror [MIRROR-OPTIONS] URL [LOCAL]: the words go to the
 * mirror subcommand, the URL (the first ftp URL among them) replaced by
 * its path. */
static int mirror_mode(int argc, char **argv, int i, struct cli_args *a, struct err *e)
{
    a->words = argv + i;
    a->n_words = argc - i;
    for (int k = i; k < argc && a->url == NULL; k++)
        if (url_is_ftp(argv[k]))
            a->url = argv[k];
    if (a->url == NULL)
        return err_set(e, ERR_USAGE, "usage: ftpc mirror [MIRROR-OPTIONS] URL [LOCAL] | mirror -R [MIRROR-OPTIONS] LOCAL URL");
    return url_options(a, e);
}

/* One-shot URL mode: get URL [LOCAL] | put LOCAL URL | ls URL, from argv[i]. */
static int url_mode(int argc, char **argv, int i, struct cli_args *a, struct err *e)
{
    a->verb = argv[i++];
    if (a->resume && (strcmp(a->verb, "ls") == 0 || strcmp(a->verb, "mirror") == 0))
        return err_set(e, ERR_USAGE, RESUME_USAGE);
    if (strcmp(a->verb, "mirror") == 0)
        return mirror_mode(argc, argv, i, a, e);
    int put = strcmp(a->verb, "put") == 0;
    /* ftpc get --force URL is as good as ftpc --force get URL, -c too. */
    for (; a->verb[0] != 'l' && i < argc; i++) {
        if (!put && (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--force") == 0))
            a->opt.clobber = 1;
        else if (strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--resume") == 0)
            a->resume = 1;
        else
            break;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    int n = argc - i;
    if ((put && n < 2) || (!put && a->verb[0] == 'l' && n != 1) ||
        (!put && a->verb[0] == 'g' && (n < 1 || n > 2)))
        return err_set(e, ERR_USAGE, "usage: ftpc get URL [LOCAL] | put LOCAL... URL | ls URL");
    a->url = put ? argv[argc - 1] : argv[i];
    a->local = put ? NULL : (n == 2 ? argv[i + 1] : NULL);
    a->put_words = put ? argv + i : NULL;
    a->n_put_words = put ? n - 1 : 0;
    a->one.resume = a->resume;
    if (!url_is_ftp(a->url)) {
        char shown[URL_SHOWN_MAX];
        url_redact(a->url, shown, sizeof shown);
        return err_set(e, ERR_USAGE, "'%s' is not an ftp://, ftps:// or ftpes:// URL", shown);
    }
    return url_options(a, e);
}

/* The TLS settings, for both ways of running: each named as the user wrote it. */
static int check_tls_settings(const struct cli_args *a, struct err *e)
{
    if (a->opt.tls.min_version && a->opt.tls.max_version &&
        a->opt.tls.min_version > a->opt.tls.max_version)
        return err_set(e, ERR_USAGE, "--tls-min is above --tls-max");
    if (a->opt.key_file && !a->opt.cert_file)
        return err_set(e, ERR_USAGE, "--key needs --cert");
    char why[256];
    if (a->opt.tls.ciphers && !tls_w_cipher_list_ok(a->opt.tls.ciphers, 0, why, sizeof why))
        return err_set(e, ERR_USAGE, "--ciphers '%s': %s", a->opt.tls.ciphers, why);
    if (a->opt.tls.ciphersuites && !tls_w_cipher_list_ok(a->opt.tls.ciphersuites, 1, why, sizeof why))
        return err_set(e, ERR_USAGE, "--ciphersuites '%s': %s", a->opt.tls.ciphersuites, why);
    return 0;
}

/* The settings that depend on each other, once all are read. */
static int check_settings(struct cli_args *a, struct err *e)
{
    /* IBM i: port 990 without a SECCNN means implicit. */
    if (a->port == FTPS_IMPLICIT_PORT && !a->seccnn_given)
        a->opt.seccnn = SECCNN_IMPLICIT;
    if (a->port == 0)
        a->port = session_default_port(a->opt.seccnn);
    if (a->opt.seccnn == SECCNN_NONE) {
        if (a->prot_given && a->opt.prot == 'P')
            return err_set(e, ERR_USAGE, "--dtaprot private needs a secure control connection (--seccnn ssl or implicit)");
        a->opt.prot = 'C';
    }
    return check_tls_settings(a, e);
}

/* The command line into a: 0, or -1 with a usage error in e. With --help
 * or --version a->help or a->version is set and nothing else is read. */
static int parse_args(int argc, char **argv, struct cli_args *a, struct err *e)
{
    memset(a, 0, sizeof *a);
    oneshot_init(&a->one);
    a->opt.appid = STORE_FTP_CLIENT_APP;
    a->opt.seccnn = SECCNN_SSL;
    a->opt.prot = 'P';
    a->opt.passive = 1;
    a->opt.connect_timeout_ms = CTRL_CONNECT_TIMEOUT_S * 1000;
    a->opt.reply_timeout_ms = CTRL_REPLY_TIMEOUT_S * 1000;
    a->opt.greeting_timeout_ms = CTRL_GREETING_TIMEOUT_S * 1000;
    a->opt.data_timeout_ms = DATA_TIMEOUT_S * 1000;
    a->opt.tls.client_name = "ftpc";
    int i;
    if (read_options(argc, argv, a, &i, e) != 0)
        return -1;
    if (a->help || a->version)
        return 0;
    if (a->ipv4 && a->ipv6)
        return err_set(e, ERR_USAGE, "-4 and -6 exclude each other");
    (void)net_set_family(a->ipv4 ? AF_INET : a->ipv6 ? AF_INET6 : AF_UNSPEC);
    if (i < argc && (strcmp(argv[i], "get") == 0 || strcmp(argv[i], "put") == 0 ||
                     strcmp(argv[i], "ls") == 0 || strcmp(argv[i], "mirror") == 0))
        return url_mode(argc, argv, i, a, e) != 0 ? -1 : check_tls_settings(a, e);
    if (a->resume)
        return err_set(e, ERR_USAGE, RESUME_USAGE);
    if (i < argc && net_host_unbracket(argv[i], a->host_bare, sizeof a->host_bare) != 0)
        return err_set(e, ERR_USAGE, "'%s' is not a host name or address ([...] holds an IPv6 address)", argv[i]);
    if (i < argc) {
        a->host = a->host_bare;
        i++;
    }
    if (i < argc && parse_tcp_port(argv[i++], &a->port) != 0)
        return err_set(e, ERR_USAGE, "'%s' is not a port number (1-65535)", argv[i - 1]);
    if (i < argc)
        return err_set(e, ERR_USAGE, "unexpected argument '%s'", argv[i]);
    return check_settings(a, e);
}

enum line_read { LINE_OK, LINE_EOF, LINE_TOO_LONG, LINE_NUL };

/* One line of at most cap - 1 bytes without its newline. A longer line is
 * read to its end and reported, never cut into two subcommands; a NUL byte
 * would silently end the line early, so it is reported too. */
static enum line_read read_line(FILE *in, char *buf, size_t cap)
{
    size_t n = 0;
    int c, any = 0, too_long = 0, nul = 0;
    while ((c = getc(in)) != EOF) {
        any = 1;
        if (c == '\n')
            break;
        if (c == '\0')
            nul = 1;
        if (n + 1 < cap)
            buf[n++] = (char)c;
        else
            too_long = 1;
    }
    buf[n] = '\0';
    if (!any)
        return LINE_EOF;
    return too_long ? LINE_TOO_LONG : nul ? LINE_NUL : LINE_OK;
}

/* Splits a batch line; on the first line, IBM i's "name password" becomes
 * "user name password". argv has room for CMDLINE_MAX_WORDS + 1. */
static int split_batch_line(char *line, int lineno, char *words, size_t wordslen, char **argv,
                            char ***args, const char **why)
{
    int argc = cmdline_split(line, words, wordslen, argv + 1, why);
    *args = argv + 1;
    if (lineno == 1 && argc == 2 && !commands_known(argv[1])) {
        argv[0] = "user";
        *args = argv;
        argc = 3;
    }
    return argc;
}

/* Reads a batch file ahead of its run: each line that splits into words
 * goes to each, until one returns -1; then the file is rewound for the
 * run (which reports the lines that do not split). */
typedef int (*script_line_fn)(int argc, char **argv, int lineno, void *ctx, struct err *e);

static int each_script_line(FILE *in, script_line_fn each, void *ctx, struct err *e)
{
    char line[COMMAND_LINE_MAX], words[COMMAND_LINE_MAX];
    int lineno = 0, rc = 0;
    enum line_read r;
    while (rc == 0 && (r = read_line(in, line, sizeof line)) != LINE_EOF) {
        lineno++;
        char *argv[CMDLINE_MAX_WORDS + 1], **args;
        const char *why;
        int argc = split_batch_line(line, lineno, words, sizeof words, argv, &args, &why);
        if (r == LINE_OK && argc > 0)
            rc = each(argc, args, lineno, ctx, e);
    }
    secret_wipe(line, sizeof line);
    secret_wipe(words, sizeof words);
    rewind(in);
    return rc;
}

static int refuse_password(int argc, char **argv, int lineno, void *path, struct err *e)
{
    if (!commands_carry_secret(argc, argv, lineno == 1))
        return 0;
    return err_set(e, ERR_LOCAL, "%s holds a password (line %d) but others can read or write it "
                   "(chmod 600 %s)", (const char *)path, lineno, (const char *)path);
}

/* A batch file that holds a password must be private, as ~/.netrc is. */
static int check_script(FILE *in, const char *path, struct err *e)
{
    struct stat sb;
    if (fstat(fileno(in), &sb) != 0 || !S_ISREG(sb.st_mode) || (sb.st_mode & 077) == 0)
        return 0;
    return each_script_line(in, refuse_password, (void *)path, e);
}

static int run_lines(struct cmd_ctx *cx, FILE *in, int keep_going, struct err *first)
{
    char line[COMMAND_LINE_MAX], words[COMMAND_LINE_MAX];
    int lineno = 0, failed = 0;
    enum line_read r;
    while (!cx->quit && (r = read_line(in, line, sizeof line)) != LINE_EOF) {
        lineno++;
        char *argv[CMDLINE_MAX_WORDS + 1], **args;
        const char *why = NULL;
        struct err e;
        err_clear(&e);
        int rc = 0;
        if (r == LINE_TOO_LONG) {
            rc = err_set(&e, ERR_USAGE, "longer than %d bytes: nothing on it was run", COMMAND_LINE_MAX - 1);
        } else if (r == LINE_NUL) {
            rc = err_set(&e, ERR_USAGE, "holds a NUL byte: nothing on it was run");
        } else {
            int argc = split_batch_line(line, lineno, words, sizeof words, argv, &args, &why);
            if (argc < 0)
                rc = err_set(&e, ERR_USAGE, "%s", why);
            else if (argc > 0)
                rc = commands_run(cx, argc, args, &e);
        }
        fflush(cx->out);
        secret_wipe(line, sizeof line);
        secret_wipe(words, sizeof words);
        if (rc == 0)
            continue;
        fprintf(cx->err, "ftpc: line %d: %s\n", lineno, e.msg);
        if (cx->s->msg != cx->err)
            fprintf(cx->s->msg, "ftpc: line %d: %s\n", lineno, e.msg);
        if (!failed)
            *first = e;
        failed = 1;
        if (!keep_going)
            return -1; /* batch: stop at the first failure */
    }
    return failed ? -1 : 0;
}

/* Logs in right after connecting when a user is known (--user, the URL, or
 * a netrc entry for the host). 0 also when there is nobody to log in as. */
static int auto_login(struct ftp_session *s, const struct cli_args *a, struct err *e)
{
    char user[256] = "";
    if (a->user != NULL)
        snprintf(user, sizeof user, "%s", a->user);
    else if (creds_netrc_user(&s->opt, a->host, user, sizeof user, e) < 0)
        return -1;
    if (user[0] == '\0')
        return 0;
    char pw[1024];
    if (a->u.has_password)
        snprintf(pw, sizeof pw, "%s", a->u.password);
    else if (creds_password(&s->opt, a->host, user, s->agreed.control != CONTROL_TLS, pw, sizeof pw, e) != 0)
        return -1;
    int rc = session_user(s, user, pw[0] ? pw : NULL, e);
    secret_wipe(pw, sizeof pw);
    if (rc == 0 && s->state != SESSION_LOGGED_IN)
        rc = err_set(e, ERR_LOGIN, "no password for %s (use --password-file, FTPC_PASSWORD or ~/.netrc)", user);
    return rc;
}

/* The one-shot mirror: the mirror subcommand, the URL replaced by its path. */
static int url_mirror(struct cmd_ctx *cx, const struct cli_args *a, struct err *e)
{
    char *argv[OPTIONS_MAX_POS + 2];
    int argc = 0;
    argv[argc++] = "mirror";
    char path[URL_PATH_MAX];
    snprintf(path, sizeof path, "%s", a->u.path[0] ? a->u.path : ".");
    for (int k = 0; k < a->n_words && argc < OPTIONS_MAX_POS + 1; k++)
        argv[argc++] = a->words[k] == a->url ? path : a->words[k];
    argv[argc] = NULL;
    return commands_run(cx, argc, argv, e);
}

/* One-shot URL mode, after connecting and logging in. */
static int url_transfer(struct ftp_session *s, const struct cli_args *a, struct cmd_ctx *cx, struct err *e)
{
    FILE *out = cx->out;
    if (s->state != SESSION_LOGGED_IN)
        return err_set(e, ERR_LOGIN, "no user name: give one in the URL, with --user or in ~/.netrc");
    const char *path = a->u.path;
    if (strcmp(a->verb, "mirror") == 0)
        return url_mirror(cx, a, e);
    if (strcmp(a->verb, "ls") == 0)
        return xfer_list(s, "NLST", path[0] ? path : NULL, out, e);
    if (strcmp(a->verb, "get") == 0)
        return oneshot_get(s, &a->one, cx->err, e);
    return oneshot_put(s, &a->one, cx->err, e);
}

/* ftpc may hold a password (kept for TLS ticket renewal) and a private
 * key: no core dump may carry them, and no other process of the user may
 * read its memory (PR_SET_DUMPABLE also closes ptrace and /proc/PID/mem).
 * A key's numbers also go to OpenSSL's secure heap, made when a key is
 * first read (tls_w_secure_heap). */
static void protect_secrets(void)
{
    struct rlimit none = { 0, 0 };
    (void)setrlimit(RLIMIT_CORE, &none);
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* Other users see the command line in ps: a URL's password is overwritten
 * with '*' once it has been read (as curl does). */
static void hide_url_passwords(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        size_t off, len;
        if (url_is_ftp(argv[i]) && url_password_span(argv[i], &off, &len))
            memset(argv[i] + off, '*', len);
    }
}

/* Visible streams (visible.h) for what the user sees; NULL only when out
 * of memory, and then the raw stream is used. */
static FILE *visible_or_raw(FILE *raw)
{
    FILE *v = visible_stream(raw, VIS_KEEP_NL);
    return v != NULL ? v : raw;
}

/* 0, or -1 when what was written to v (and so to raw) did not arrive. */
static int close_visible(FILE *v, FILE *raw)
{
    if (v == raw)
        return ferror(v) ? -1 : 0;
    return fclose(v);
}

/* Where listings and the like go (standard output, or -o FILE), and with
 * -o FILE replies and messages too. FILE is written as a download is
 * (localfile.h): beside it, renamed into place at the end only when every
 * write arrived, so a failed write never replaces an existing FILE. */
struct output {
    const char *name;         /* "standard output", "standard error" or FILE, for messages */
    int to_file;
    struct local_target file; /* -o FILE */
    FILE *raw;                /* stdout, or a stream on the file */
    FILE *out;                /* visible stream over raw */
    FILE *msg;                /* -o FILE: replies and messages; else NULL */
    int failure_reported;     /* a subcommand already failed on a write to it */
};

/* Removes what -o FILE wrote beside FILE; FILE itself stays as it was. */
static void discard_file(struct local_target *t)
{
    int had_part = !t->direct && t->part[0] != '\0';
    local_target_abort(t);
    if (had_part)
        (void)unlink(t->part);
}

static int output_open(struct output *o, const char *path, struct err *e)
{
    memset(o, 0, sizeof *o);
    if (path == NULL) {
        o->name = "standard output";
        o->raw = stdout;
        o->out = visible_or_raw(stdout);
        return 0;
    }
    /* Our own standard streams by name: the symbolic links in /dev lead
     * back to descriptors this process already has. */
    static const struct { const char *path; int fd; } OWN[] = {
        { "/dev/stdout", 1 }, { "/dev/fd/1", 1 }, { "/dev/stderr", 2 }, { "/dev/fd/2", 2 },
    };
    for (size_t i = 0; i < sizeof OWN / sizeof OWN[0]; i++) {
        if (strcmp(path, OWN[i].path) != 0)
            continue;
        o->name = OWN[i].fd == 2 ? "standard error" : "standard output";
        o->raw = OWN[i].fd == 2 ? stderr : stdout;
        o->out = visible_or_raw(o->raw);
        o->msg = visible_or_raw(o->raw);
        return 0;
    }
    o->name = path;
    o->to_file = 1;
    if (local_target_open(&o->file, path, LOCAL_REPLACE, NULL, e) != 0)
        return -1;
    /* The stream has a descriptor of its own: the target closes its own. */
    int fd = dup(o->file.fd);
    o->raw = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (o->raw == NULL) {
        int saved = errno;
        if (fd >= 0)
            close(fd);
        discard_file(&o->file);
        return err_set(e, ERR_LOCAL, "cannot write %s: %s", path, strerror(saved));
    }
    o->out = visible_or_raw(o->raw);
    o->msg = visible_or_raw(o->raw);
    return 0;
}

/* Flushes and closes; -o FILE takes its place only when all of it was
 * written. */
static int output_close(struct output *o, struct err *e)
{
    int ok = 1;
    if (o->msg != NULL && close_visible(o->msg, o->raw) != 0)
        ok = 0;
    if (close_visible(o->out, o->raw) != 0)
        ok = 0;
    if (ferror(o->raw))
        ok = 0;
    if (!o->to_file) {
        if (fflush(o->raw) != 0 || ferror(o->raw))
            ok = 0;
        return ok ? 0 : err_set(e, ERR_LOCAL, "cannot write to %s", o->name);
    }
    if (fclose(o->raw) != 0)
        ok = 0;
    if (ok)
        return local_target_commit(&o->file, e);
    int direct = o->file.direct;
    discard_file(&o->file);
    return err_set(e, ERR_LOCAL, direct ? "cannot write to %s" : "cannot write to %s (it was left as it was)",
                   o->name);
}

/* 0 when --help or --version reached standard output. */
static int stdout_ok(void)
{
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : -1;
}

static int is_interactive(const struct cli_args *a)
{
    return a->verb == NULL && a->script == NULL && isatty(STDIN_FILENO);
}

static int allow_script_line(int argc, char **argv, int lineno, void *scope, struct err *e)
{
    (void)lineno;
    return confine_allow_line(scope, argc, argv, e);
}

/* A glob get's LOCAL folder (and below it, as a get into a folder): its
 * own message when it cannot be resolved, not --allow-write's. */
static int allow_glob_folder(struct confine_scope *sc, const char *dir, struct err *e)
{
    char resolved[PATH_MAX];
    if (realpath(dir, resolved) == NULL)
        return err_set(e, ERR_LOCAL, "%s (the folder for the glob's files): %s", dir, strerror(errno));
    return confine_allow_dir(sc, resolved, e);
}

/* The sandbox (confine.h), before any server is contacted: its scope
 * from the command line, the batch file and the history file. */
static int sandbox_start(const struct cli_args *a, FILE *in, struct err *e)
{
    if (a->no_sandbox) {
        sandbox_skip("--no-sandbox");
        fprintf(err_stream(), "ftpc: warning: --no-sandbox: nothing confines ftpc (no seccomp filter, "
                              "no Landlock); use it only to debug\n");
        return 0;
    }
    struct confine_scope sc;
    int rc = confine_scope_init(&sc, e);
    for (int i = 0; rc == 0 && i < a->n_allow_write; i++)
        rc = confine_allow_dir(&sc, a->allow_write[i], e);
    if (rc == 0 && a->output != NULL)
        rc = confine_allow_target(&sc, a->output, e);
    if (rc == 0 && a->verb != NULL && strcmp(a->verb, "get") == 0)
        rc = a->one.glob && !a->one.into_file ? allow_glob_folder(&sc, a->one.local, e)
                                              : confine_allow_target(&sc, a->one.local, e);
    if (rc == 0 && a->words != NULL)
        rc = confine_allow_mirror(&sc, a->n_words, a->words, e);
    /* A batch file is read ahead only when it can be read again (not a
     * pipe): the run reads it from its start. */
    struct stat sb;
    if (rc == 0 && in != stdin && fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode))
        rc = each_script_line(in, allow_script_line, &sc, e);
    char hist[PATH_MAX];
    if (rc == 0 && is_interactive(a) && shell_history_ready(hist, sizeof hist))
        rc = confine_allow_file(&sc, hist, e);
    if (rc == 0)
        rc = confine_apply(&sc, e);
    confine_scope_free(&sc);
    return rc;
}

/* 1 when the error is already on standard error (a batch line's). */
static int run(const struct cli_args *a, FILE *in, struct output *o, struct err *e)
{
    int interactive = is_interactive(a);
    struct ftp_session s;
    struct progress bar;
    struct oneshot_watch watch;
    int reported = 0;
    if (session_init(&s, &a->opt, e) == 0) {
        s.verbose = a->verbose || (interactive && !a->quiet);
        s.quiet = a->quiet;
        s.msg = o->msg != NULL ? o->msg : err_stream();
        /* A progress bar only where someone watches it. */
        int watched = !a->quiet && isatty(STDERR_FILENO);
        int one_file = a->verb != NULL && (strcmp(a->verb, "get") == 0 || strcmp(a->verb, "put") == 0);
        if (interactive && watched)
            s.progress = progress_hooks(&bar, stderr);
        if (one_file)
            s.progress = oneshot_watch_hooks(&watch, watched, stderr);
        if (a->debug) {
            char what[2048];
            sandbox_describe(what, sizeof what);
            s.ctrl.trace = s.msg;
            fprintf(s.msg, "---- sandbox: %s\n", what);
        }
        if (a->opt.seccnn == SECCNN_NONE)
            fprintf(err_stream(), "ftpc: warning: the control connection is not encrypted: "
                                  "the password will be sent in clear text\n");
        struct cmd_ctx cx = { .s = &s, .out = o->out, .out_name = o->name, .err = err_stream() };
        int opened = a->host == NULL || session_open(&s, a->host, a->port, a->opt.seccnn, e) == 0;
        if (opened && a->host != NULL && auto_login(&s, a, e) != 0) {
            /* At the prompt a refused data protection is shown and the user
             * chooses; elsewhere it ends the run. */
            if (interactive && s.state == SESSION_LOGGED_IN && s.agreed.prot == PROT_REFUSED) {
                fprintf(cx.err, "ftpc: %s\n", e->msg);
                err_clear(e);
            } else {
                opened = 0;
            }
        }
        /* Ctrl-C in a one-shot get or put, once logged in: the transfer
         * is aborted and what arrived kept, with a message on how to go
         * on. Before that (connecting, logging in) it ends ftpc as ever. */
        if (opened && one_file)
            interrupt_install_second_ends(watched);
        if (opened && a->verb != NULL) {
            if (url_transfer(&s, a, &cx, e) == 0)
                (void)session_close(&s, e);
            else
                (void)session_close(&s, &(struct err){ 0 });
        } else if (opened && interactive) {
            shell_run(&cx);
            (void)session_close(&s, &(struct err){ 0 });
        } else if (opened) {
            if (run_lines(&cx, in, a->keep_going, e) == 0) {
                (void)session_close(&s, e);
            } else {
                reported = 1; /* run_lines printed it with its line number */
                (void)session_close(&s, &(struct err){ 0 });
            }
        }
        o->failure_reported = cx.out_failed;
    }
    session_free(&s);
    return reported;
}

int ftpc_main(int argc, char **argv)
{
    protect_secrets();
    msg_err = visible_or_raw(stderr);
    struct cli_args a;
    struct err e;
    err_clear(&e);
    int rc = parse_args(argc, argv, &a, &e);
    hide_url_passwords(argc, argv);
    if (rc != 0 || a.help || a.version) {
        if (rc != 0) {
            fprintf(err_stream(), "ftpc: %s (see ftpc --help)\n", e.msg);
        } else {
            if (a.help) {
                fputs(USAGE, stdout);
                commands_help(stdout, NULL);
            } else {
                printf("ftpc %s\n", FTPC_TRUSTD_VERSION);
            }
            if (stdout_ok() != 0)
                rc = err_set(&e, ERR_LOCAL, "cannot write to standard output");
            if (rc != 0)
                fprintf(err_stream(), "ftpc: %s\n", e.msg);
        }
        close_visible(msg_err, stderr);
        oneshot_free(&a.one);
        return err_exit_code(ERR_PROGRAM_FTPC, e.code);
    }
    if (a.u.has_password)
        fprintf(err_stream(), "ftpc: warning: a password in a URL can be seen by other users of this machine; "
                        "use ~/.netrc, --password-file or FTPC_PASSWORD\n");
    /* A peer that closes early must give an error, not kill us with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    FILE *in = stdin;
    struct output o;
    if (a.script != NULL && (in = fopen(a.script, "r")) == NULL)
        rc = err_set(&e, ERR_LOCAL, "cannot open %s: %s", a.script, strerror(errno));
    else if (in != stdin && check_script(in, a.script, &e) != 0)
        rc = -1;
    else if (sandbox_start(&a, in, &e) != 0)
        rc = -1;
    else if (output_open(&o, a.output, &e) != 0)
        rc = -1;
    if (rc != 0) {
        fprintf(err_stream(), "ftpc: %s\n", e.msg);
        if (in != NULL && in != stdin)
            fclose(in);
        close_visible(msg_err, stderr);
        oneshot_free(&a.one);
        return err_exit_code(ERR_PROGRAM_FTPC, e.code);
    }
    int reported = run(&a, in, &o, &e);
    if (in != stdin)
        fclose(in);
    if (e.code != ERR_NONE && e.msg[0] != '\0' && !reported) {
        fprintf(err_stream(), "ftpc: %s\n", e.msg);
        if (o.msg != NULL)
            fprintf(o.msg, "ftpc: %s\n", e.msg);
    }
    struct err close_err;
    err_clear(&close_err);
    if (output_close(&o, &close_err) != 0) {
        if (!o.failure_reported)
            fprintf(err_stream(), "ftpc: %s\n", close_err.msg);
        if (e.code == ERR_NONE)
            e = close_err;
    }
    close_visible(msg_err, stderr);
    msg_err = NULL;
    oneshot_free(&a.one);
    return err_exit_code(ERR_PROGRAM_FTPC, e.code);
}
