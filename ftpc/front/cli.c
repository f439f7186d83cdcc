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
#include <sys/stat.h>
#include <unistd.h>

#include "common/visible.h"
#include "ftpc/commands/commands.h"
#include "ftpc/front/cli.h"
#include "ftpc/front/progress.h"
#include "ftpc/front/shell.h"
#include "ftpc/parse/cmdline.h"
#include "ftpc/parse/url.h"
#include "ftpc/session/creds.h"
#include "ftpc/session/session.h"
#include "ftpc/transfer/transfer.h"
#include "trustd/store/store.h"
#include <limits.h>

/* The longest batch or standard-input line, with its newline. */
#define BATCH_LINE_MAX 8192

static const char USAGE[] =
    "usage: ftpc [options] [HOST [PORT]]\n"
    "       ftpc [options] [--force] get URL [LOCAL]\n"
    "       ftpc [options] put LOCAL URL\n"
    "       ftpc [options] ls URL\n"
    "URL: ftpes://[USER@]HOST[:PORT]/PATH (explicit FTPS), ftps:// (implicit),\n"
    "ftp:// (clear text, needs --seccnn none); PATH is relative to the login folder.\n"
    "  --store PATH             trust store (default $" STORE_ENV " or " STORE_DEFAULT_PATH ")\n"
    "  --appid ID               trust-store application whose CA trust list and revocation\n"
    "                           policy verify the server (default " STORE_FTP_CLIENT_APP ")\n"
    "  --seccnn ssl|implicit|none\n"
    "                           control connection: AUTH TLS (default), TLS at connect\n"
    "                           (port 990, also chosen by port 990), or clear text\n"
    "  --dtaprot private|clear  data connections in TLS (default) or clear\n"
    "  --tls-min 1.2|1.3        lowest TLS version (default 1.2)\n"
    "  --tls-max 1.2|1.3        highest TLS version\n"
    "  --ciphers LIST           TLS 1.2 cipher list (OpenSSL syntax)\n"
    "  --ciphersuites LIST      TLS 1.3 cipher suites\n"
    "  --cert FILE              client certificate (PEM) for servers that ask for one\n"
    "  --key FILE               its private key (default: in the --cert file)\n"
    "  --active                 data connections from the server (EPRT/PORT)\n"
    "  --connect-timeout SECS   give up connecting after SECS (default 30)\n"
    "  --timeout SECS           give up waiting for a reply after SECS (default 60)\n"
    "  --greeting-timeout SECS  wait SECS for an explicit server's greeting before\n"
    "                           suggesting implicit FTPS (default 10)\n"
    "  --data-timeout SECS      give up on a silent data connection after SECS (default 60)\n"
    "  --user NAME              log in as NAME right after connecting\n"
    "  --password-file FILE     the password, from the first line of FILE (mode 600)\n"
    "  --netrc-file FILE        logins and passwords (default ~/.netrc, mode 600)\n"
    "  -s FILE                  read subcommands from FILE\n"
    "  -o FILE                  write replies and messages to FILE (IBM i OUTPUT)\n"
    "  -f, --force              downloads replace existing local files (as set clobber on;\n"
    "                           without it an existing LOCAL is refused)\n"
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
    const char *verb;   /* URL mode: get, put or ls */
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
    const char *host;
    unsigned port;
};

/* Messages go to standard error through a visible stream (visible.h), so
 * text from a server, a certificate or a file name cannot drive the
 * terminal. */
static FILE *msg_err;

static FILE *err_stream(void)
{
    return msg_err != NULL ? msg_err : stderr;
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ftpc: ", err_stream());
    vfprintf(err_stream(), fmt, ap);
    va_end(ap);
    fputs(" (see ftpc --help)\n", err_stream());
    return err_exit_code(ERR_USAGE);
}

static int parse_number(const char *s, long min, long max, long *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int seconds(const char *opt, const char *v, int *ms)
{
    long n;
    if (parse_number(v, 1, 86400, &n) != 0)
        return usage_error("%s takes 1 to 86400 seconds, not '%s'", opt, v);
    *ms = (int)(n * 1000);
    return -1;
}

/* The URL decides the security; an --seccnn that says otherwise is an error,
 * and so is ftp:// without --seccnn none. */
static int url_options(struct cli_args *a)
{
    const char *why = NULL;
    char shown[4096];
    url_redact(a->url, shown, sizeof shown);
    if (url_parse(a->url, &a->u, &why) != 0)
        return usage_error("bad URL '%s': %s", shown, why);
    enum ftp_seccnn sec = a->u.scheme == URL_FTP ? SECCNN_NONE
                          : a->u.scheme == URL_FTPS ? SECCNN_IMPLICIT : SECCNN_SSL;
    if (a->u.scheme == URL_FTP && !(a->seccnn_given && a->opt.seccnn == SECCNN_NONE))
        return usage_error("%s", "ftp:// is clear text: add --seccnn none to allow it (or use ftpes://)");
    if (a->seccnn_given && a->opt.seccnn != sec)
        return usage_error("%s", "--seccnn contradicts the URL's scheme");
    a->opt.seccnn = sec;
    a->host = a->u.host;
    a->port = a->u.port ? a->u.port : (sec == SECCNN_IMPLICIT ? 990 : 21);
    if (sec == SECCNN_NONE)
        a->opt.prot = 'C';
    if (a->u.has_user)
        a->user = a->u.user;
    if (strcmp(a->verb, "get") == 0 && a->u.is_dir)
        return usage_error("the URL names a folder, not a file: %s", shown);
    if (a->u.has_password)
        fprintf(err_stream(), "ftpc: warning: a password in a URL can be seen by other users of this machine; "
                        "use ~/.netrc, --password-file or FTPC_PASSWORD\n");
    return -1;
}

/* Returns -1 to go on, else an exit status. */
static int parse_args(int argc, char **argv, struct cli_args *a)
{
    memset(a, 0, sizeof *a);
    a->opt.appid = STORE_FTP_CLIENT_APP;
    a->opt.seccnn = SECCNN_SSL;
    a->opt.prot = 'P';
    a->opt.passive = 1;
    a->opt.connect_timeout_ms = 30000;
    a->opt.reply_timeout_ms = 60000;
    a->opt.greeting_timeout_ms = 10000;
    a->opt.data_timeout_ms = 60000;
    int i = 1, st;
    for (; i < argc; i++) {
        const char *o = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (o[0] != '-' || strcmp(o, "-") == 0)
            break;
        if (strcmp(o, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
            fputs(USAGE, stdout);
            commands_help(stdout, NULL);
            return 0;
        }
        if (strcmp(o, "--version") == 0) {
            printf("ftpc %s\n", FTPC_TRUSTD_VERSION);
            return 0;
        }
        if (strcmp(o, "-v") == 0 || strcmp(o, "--verbose") == 0) {
            a->verbose = 1;
            continue;
        }
        if (strcmp(o, "-d") == 0 || strcmp(o, "--debug") == 0) {
            a->debug = 1;
            continue;
        }
        if (strcmp(o, "--continue") == 0) {
            a->keep_going = 1;
            continue;
        }
        if (strcmp(o, "--stop-on-error") == 0) {
            a->keep_going = 0;
            continue;
        }
        if (strcmp(o, "-q") == 0 || strcmp(o, "--quiet") == 0) {
            a->quiet = 1;
            continue;
        }
        if (strcmp(o, "-f") == 0 || strcmp(o, "--force") == 0) {
            a->opt.clobber = 1;
            continue;
        }
        if (strcmp(o, "--active") == 0) {
            a->opt.passive = 0;
            continue;
        }
        if (strcmp(o, "--passive") == 0) {
            a->opt.passive = 1;
            continue;
        }
        /* Only a known option can need a value: "ftpc --bogus" is an
         * unknown option wherever it stands. */
        static const char *const WITH_VALUE[] = {
            "--store", "--appid", "-s", "-o", "--user", "--password-file", "--netrc-file",
            "--seccnn", "--dtaprot", "--tls-min", "--tls-max", "--ciphers", "--ciphersuites",
            "--cert", "--key", "--connect-timeout", "--timeout", "--greeting-timeout",
            "--data-timeout",
        };
        size_t k = 0;
        while (k < sizeof WITH_VALUE / sizeof WITH_VALUE[0] && strcmp(o, WITH_VALUE[k]) != 0)
            k++;
        if (k == sizeof WITH_VALUE / sizeof WITH_VALUE[0])
            return usage_error("unknown option %s", o);
        if (v == NULL)
            return usage_error("option %s needs a value", o);
        i++;
        if (strcmp(o, "--store") == 0) {
            a->opt.store = v;
        } else if (strcmp(o, "--appid") == 0) {
            a->opt.appid = v;
        } else if (strcmp(o, "-s") == 0) {
            a->script = v;
        } else if (strcmp(o, "-o") == 0) {
            a->output = v;
        } else if (strcmp(o, "--user") == 0) {
            a->user = v;
        } else if (strcmp(o, "--password-file") == 0) {
            a->opt.password_file = v;
        } else if (strcmp(o, "--netrc-file") == 0) {
            a->opt.netrc_file = v;
        } else if (strcmp(o, "--seccnn") == 0) {
            a->seccnn_given = 1;
            if (strcmp(v, "ssl") == 0)
                a->opt.seccnn = SECCNN_SSL;
            else if (strcmp(v, "implicit") == 0)
                a->opt.seccnn = SECCNN_IMPLICIT;
            else if (strcmp(v, "none") == 0)
                a->opt.seccnn = SECCNN_NONE;
            else
                return usage_error("--seccnn takes ssl, implicit or none, not '%s'", v);
        } else if (strcmp(o, "--dtaprot") == 0) {
            a->prot_given = 1;
            if (strcmp(v, "private") == 0)
                a->opt.prot = 'P';
            else if (strcmp(v, "clear") == 0)
                a->opt.prot = 'C';
            else
                return usage_error("--dtaprot takes private or clear, not '%s'", v);
        } else if (strcmp(o, "--tls-min") == 0 || strcmp(o, "--tls-max") == 0) {
            int ver = tls_w_parse_version(v);
            if (ver < 0)
                return usage_error("TLS version must be 1.2 or 1.3, not '%s'", v);
            if (strcmp(o, "--tls-min") == 0)
                a->opt.tls.min_version = ver;
            else
                a->opt.tls.max_version = ver;
        } else if (strcmp(o, "--ciphers") == 0) {
            a->opt.tls.ciphers = v;
        } else if (strcmp(o, "--ciphersuites") == 0) {
            a->opt.tls.ciphersuites = v;
        } else if (strcmp(o, "--cert") == 0) {
            a->opt.tls.cert_file = v;
        } else if (strcmp(o, "--key") == 0) {
            a->opt.tls.key_file = v;
        } else if (strcmp(o, "--connect-timeout") == 0) {
            if ((st = seconds(o, v, &a->opt.connect_timeout_ms)) >= 0)
                return st;
        } else if (strcmp(o, "--timeout") == 0) {
            if ((st = seconds(o, v, &a->opt.reply_timeout_ms)) >= 0)
                return st;
        } else if (strcmp(o, "--greeting-timeout") == 0) {
            if ((st = seconds(o, v, &a->opt.greeting_timeout_ms)) >= 0)
                return st;
        } else if (strcmp(o, "--data-timeout") == 0) {
            if ((st = seconds(o, v, &a->opt.data_timeout_ms)) >= 0)
                return st;
        }
    }
    /* One-shot URL mode: get URL [LOCAL] | put LOCAL URL | ls URL. */
    if (i < argc && (strcmp(argv[i], "get") == 0 || strcmp(argv[i], "put") == 0 ||
                     strcmp(argv[i], "ls") == 0)) {
        a->verb = argv[i++];
        /* ftpc get --force URL is as good as ftpc --force get URL. */
        while (a->verb[0] == 'g' && i < argc &&
               (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--force") == 0)) {
            a->opt.clobber = 1;
            i++;
        }
        if (i < argc && strcmp(argv[i], "--") == 0)
            i++;
        int n = argc - i;
        int put = strcmp(a->verb, "put") == 0;
        if ((put && n != 2) || (!put && a->verb[0] == 'l' && n != 1) ||
            (!put && a->verb[0] == 'g' && (n < 1 || n > 2)))
            return usage_error("usage: ftpc get URL [LOCAL] | put LOCAL URL | ls URL");
        a->url = put ? argv[i + 1] : argv[i];
        a->local = put ? argv[i] : (n == 2 ? argv[i + 1] : NULL);
        if (!url_is_ftp(a->url)) {
            char shown[4096];
            url_redact(a->url, shown, sizeof shown);
            return usage_error("'%s' is not an ftp://, ftps:// or ftpes:// URL", shown);
        }
        return url_options(a);
    }
    if (i < argc)
        a->host = argv[i++];
    long port = 0;
    if (i < argc && parse_number(argv[i++], 1, 65535, &port) != 0)
        return usage_error("'%s' is not a port number (1-65535)", argv[i - 1]);
    a->port = (unsigned)port;
    if (i < argc)
        return usage_error("unexpected argument '%s'", argv[i]);
    /* IBM i: port 990 without a SECCNN means implicit. */
    if (a->port == 990 && !a->seccnn_given)
        a->opt.seccnn = SECCNN_IMPLICIT;
    if (a->port == 0)
        a->port = a->opt.seccnn == SECCNN_IMPLICIT ? 990 : 21;
    if (a->opt.seccnn == SECCNN_NONE) {
        if (a->prot_given && a->opt.prot == 'P')
            return usage_error("%s", "--dtaprot private needs a secure control connection (--seccnn ssl or implicit)");
        a->opt.prot = 'C';
    }
    if (a->opt.tls.min_version && a->opt.tls.max_version &&
        a->opt.tls.min_version > a->opt.tls.max_version)
        return usage_error("%s", "--tls-min is above --tls-max");
    if (a->opt.tls.key_file && !a->opt.tls.cert_file)
        return usage_error("%s", "--key needs --cert");
    char why[256];
    if (a->opt.tls.ciphers && !tls_w_cipher_list_ok(a->opt.tls.ciphers, 0, why, sizeof why))
        return usage_error("--ciphers '%s': %s", a->opt.tls.ciphers, why);
    if (a->opt.tls.ciphersuites && !tls_w_cipher_list_ok(a->opt.tls.ciphersuites, 1, why, sizeof why))
        return usage_error("--ciphersuites '%s': %s", a->opt.tls.ciphersuites, why);
    a->opt.tls.client_name = "ftpc";
    return -1;
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

/* A batch file that holds a password must be private, as ~/.netrc is. */
static int check_script(FILE *in, const char *path, struct err *e)
{
    struct stat sb;
    if (fstat(fileno(in), &sb) != 0 || !S_ISREG(sb.st_mode) || (sb.st_mode & 077) == 0)
        return 0;
    char line[BATCH_LINE_MAX], words[BATCH_LINE_MAX];
    int lineno = 0, found = 0;
    enum line_read r;
    while (!found && (r = read_line(in, line, sizeof line)) != LINE_EOF) {
        lineno++;
        char *argv[CMDLINE_MAX_WORDS + 1], **args;
        const char *why;
        int argc = split_batch_line(line, lineno, words, sizeof words, argv, &args, &why);
        found = r == LINE_OK && argc > 0 && commands_carry_secret(argc, args, lineno == 1);
    }
    secret_wipe(line, sizeof line);
    secret_wipe(words, sizeof words);
    if (found)
        return err_set(e, ERR_LOCAL, "%s holds a password (line %d) but others can read or write it "
                       "(chmod 600 %s)", path, lineno, path);
    rewind(in);
    return 0;
}

static int run_lines(struct cmd_ctx *cx, FILE *in, int keep_going, struct err *first)
{
    char line[BATCH_LINE_MAX], words[BATCH_LINE_MAX];
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
            rc = err_set(&e, ERR_USAGE, "longer than %d bytes: nothing on it was run", BATCH_LINE_MAX - 1);
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
    else if (creds_password(&s->opt, a->host, user, s->ctrl.tls == NULL, pw, sizeof pw, e) != 0)
        return -1;
    int rc = session_user(s, user, pw[0] ? pw : NULL, e);
    secret_wipe(pw, sizeof pw);
    if (rc == 0 && s->state != SESSION_LOGGED_IN)
        rc = err_set(e, ERR_LOGIN, "no password for %s (use --password-file, FTPC_PASSWORD or ~/.netrc)", user);
    return rc;
}

/* One-shot URL mode, after connecting and logging in. */
static int url_transfer(struct ftp_session *s, const struct cli_args *a, FILE *out, struct err *e)
{
    if (s->state != SESSION_LOGGED_IN)
        return err_set(e, ERR_LOGIN, "no user name: give one in the URL, with --user or in ~/.netrc");
    const char *path = a->u.path;
    if (strcmp(a->verb, "ls") == 0)
        return xfer_list(s, "NLST", path[0] ? path : NULL, out, e);
    if (strcmp(a->verb, "get") == 0) {
        char local[PATH_MAX];
        if (a->local != NULL)
            snprintf(local, sizeof local, "%s", a->local);
        else
            cmd_local_name(path, local, sizeof local);
        return xfer_get(s, path, local, 0, "--force", e);
    }
    char remote[4096 + PATH_MAX];
    if (a->u.is_dir) {
        char base[PATH_MAX];
        if (strcmp(a->local, "-") == 0)
            return err_set(e, ERR_USAGE, "put -: the URL must name the remote file");
        cmd_base_name(a->local, base, sizeof base);
        snprintf(remote, sizeof remote, "%s%s", path, base);
    } else {
        snprintf(remote, sizeof remote, "%s", path);
    }
    return xfer_put(s, a->local, remote, PUT_STORE, e);
}

/* ftpc may hold a password (kept for TLS ticket renewal) and a private
 * key: no core dump may carry them, and no other process of the user may
 * read its memory (PR_SET_DUMPABLE also closes ptrace and /proc/PID/mem). */
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

static void close_visible(FILE *v, FILE *raw)
{
    if (v != raw)
        fclose(v);
}

static int run(const struct cli_args *a, FILE *in, FILE *output, FILE *out, struct err *e)
{
    int interactive = a->verb == NULL && a->script == NULL && isatty(STDIN_FILENO);
    struct ftp_session s;
    struct progress bar;
    int reported = 0;
    if (session_init(&s, &a->opt, e) == 0) {
        s.verbose = a->verbose || (interactive && !a->quiet);
        s.quiet = a->quiet;
        s.msg = output != NULL ? output : err_stream();
        /* A progress bar only where someone watches it. */
        if (interactive && !a->quiet && isatty(STDERR_FILENO))
            s.progress = progress_hooks(&bar, stderr);
        if (a->debug)
            s.ctrl.trace = s.msg;
        if (a->opt.seccnn == SECCNN_NONE)
            fprintf(err_stream(), "ftpc: warning: the control connection is not encrypted: "
                                  "the password will be sent in clear text\n");
        struct cmd_ctx cx = { .s = &s, .out = out, .err = err_stream() };
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
        if (opened && a->verb != NULL) {
            if (url_transfer(&s, a, cx.out, e) == 0)
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
    }
    session_free(&s);
    return reported;
}

int ftpc_main(int argc, char **argv)
{
    protect_secrets();
    msg_err = visible_or_raw(stderr);
    struct cli_args a;
    int status = parse_args(argc, argv, &a);
    hide_url_passwords(argc, argv);
    if (status >= 0) {
        close_visible(msg_err, stderr);
        return status;
    }
    /* A peer that closes early must give an error, not kill us with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    struct err e;
    err_clear(&e);
    FILE *in = stdin, *output = NULL, *raw_output = NULL;
    if (a.script != NULL && (in = fopen(a.script, "r")) == NULL) {
        fprintf(err_stream(), "ftpc: cannot open %s: %s\n", a.script, strerror(errno));
        close_visible(msg_err, stderr);
        return err_exit_code(ERR_LOCAL);
    }
    if (in != stdin && check_script(in, a.script, &e) != 0) {
        fprintf(err_stream(), "ftpc: %s\n", e.msg);
        fclose(in);
        close_visible(msg_err, stderr);
        return err_exit_code(e.code);
    }
    if (a.output != NULL && (raw_output = fopen(a.output, "w")) == NULL) {
        fprintf(err_stream(), "ftpc: cannot write %s: %s\n", a.output, strerror(errno));
        if (in != stdin)
            fclose(in);
        close_visible(msg_err, stderr);
        return err_exit_code(ERR_LOCAL);
    }
    if (raw_output != NULL)
        output = visible_or_raw(raw_output);
    FILE *out = visible_or_raw(raw_output != NULL ? raw_output : stdout);
    int reported = run(&a, in, output, out, &e);
    if (in != stdin)
        fclose(in);
    if (e.code != ERR_NONE && e.msg[0] != '\0' && !reported) {
        fprintf(err_stream(), "ftpc: %s\n", e.msg);
        if (output != NULL)
            fprintf(output, "ftpc: %s\n", e.msg);
    }
    close_visible(out, raw_output != NULL ? raw_output : stdout);
    if (output != NULL)
        close_visible(output, raw_output);
    close_visible(msg_err, stderr);
    msg_err = NULL;
    if (raw_output != NULL && fclose(raw_output) != 0 && e.code == ERR_NONE)
        return err_exit_code(ERR_LOCAL);
    return err_exit_code(e.code);
}
