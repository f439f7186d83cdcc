/*
 * cli: ftpc's command line and its input loop (batch file, piped standard
 * input, or an interactive prompt). With a HOST the connection is opened
 * (and the server verified) before the first subcommand; without one,
 * open or secopen does it.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmdline.h"
#include "commands.h"
#include "session.h"
#include "trustd/store.h"

static const char USAGE[] =
    "usage: ftpc [options] [HOST [PORT]]\n"
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
    "  --data-timeout SECS      give up on a silent data connection after SECS (default 60)\n"
    "  -s FILE                  read subcommands from FILE\n"
    "  --continue               in batch use, go on after a failed subcommand (the exit\n"
    "                           status is still that of the first failure)\n"
    "  -v, --verbose            show server replies and transfer summaries\n"
    "  -d, --debug              protocol trace (passwords shown as ****)\n"
    "  -h, --help               this text\n"
    "Subcommands are read from FILE, from standard input when it is not a\n"
    "terminal, or at a prompt. In batch use the first failure ends the run\n"
    "unless --continue.\n"
    "Exit status: 0 ok, 2 usage, 3 connection, 4 TLS/verification, 5 login,\n"
    "6 refused by the server, 7 local file, 8 trust store.\n"
    "Subcommands:\n";

struct cli_args {
    struct ftp_options opt;
    int seccnn_given;
    int prot_given;
    const char *script;
    int keep_going;
    int verbose;
    int debug;
    const char *host;
    unsigned port;
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ftpc: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see ftpc --help)\n", stderr);
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
        if (strcmp(o, "--active") == 0) {
            a->opt.passive = 0;
            continue;
        }
        if (strcmp(o, "--passive") == 0) {
            a->opt.passive = 1;
            continue;
        }
        if (v == NULL)
            return usage_error("option %s needs a value", o);
        i++;
        if (strcmp(o, "--store") == 0) {
            a->opt.store = v;
        } else if (strcmp(o, "--appid") == 0) {
            a->opt.appid = v;
        } else if (strcmp(o, "-s") == 0) {
            a->script = v;
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
        } else if (strcmp(o, "--data-timeout") == 0) {
            if ((st = seconds(o, v, &a->opt.data_timeout_ms)) >= 0)
                return st;
        } else {
            return usage_error("unknown option %s", o);
        }
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
    return -1;
}

static int run_lines(struct cmd_ctx *cx, FILE *in, int interactive, int keep_going,
                     struct err *first)
{
    int failed = 0;
    char line[8192], words[8192];
    int lineno = 0;
    while (!cx->quit) {
        if (interactive) {
            fputs("ftpc> ", stdout);
            fflush(stdout);
        }
        if (fgets(line, sizeof line, in) == NULL)
            break;
        lineno++;
        char *argv[CMDLINE_MAX_WORDS];
        const char *why = NULL;
        int argc = cmdline_split(line, words, sizeof words, argv, &why);
        struct err e;
        err_clear(&e);
        int rc = 0;
        if (argc < 0)
            rc = err_set(&e, ERR_USAGE, "%s", why);
        else if (argc > 0)
            rc = commands_run(cx, argc, argv, &e);
        fflush(cx->out);
        secret_wipe(line, sizeof line);
        secret_wipe(words, sizeof words);
        if (rc == 0)
            continue;
        if (interactive) {
            fprintf(stderr, "ftpc: %s\n", e.msg);
            continue;
        }
        fprintf(stderr, "ftpc: line %d: %s\n", lineno, e.msg);
        if (!failed)
            *first = e;
        failed = 1;
        if (!keep_going)
            return -1; /* batch: stop at the first failure */
    }
    return failed ? -1 : 0;
}

int ftpc_main(int argc, char **argv)
{
    struct cli_args a;
    int status = parse_args(argc, argv, &a);
    if (status >= 0)
        return status;
    /* A peer that closes early must give an error, not kill us with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    struct err e;
    err_clear(&e);
    FILE *in = stdin;
    if (a.script != NULL && (in = fopen(a.script, "r")) == NULL) {
        fprintf(stderr, "ftpc: cannot open %s\n", a.script);
        return err_exit_code(ERR_LOCAL);
    }
    int interactive = a.script == NULL && isatty(STDIN_FILENO);
    struct ftp_session s;
    int reported = 0;
    if (session_init(&s, &a.opt, &e) == 0) {
        s.verbose = a.verbose || interactive;
        if (a.debug)
            s.ctrl.trace = stderr;
        if (a.opt.seccnn == SECCNN_NONE)
            fprintf(stderr, "ftpc: warning: the control connection is not encrypted: "
                            "the password will be sent in clear text\n");
        struct cmd_ctx cx = { .s = &s, .out = stdout };
        if (a.host == NULL || session_open(&s, a.host, a.port, a.opt.seccnn, &e) == 0) {
            if (run_lines(&cx, in, interactive, a.keep_going, &e) == 0) {
                (void)session_close(&s, &e);
            } else {
                reported = 1; /* run_lines printed it with its line number */
                (void)session_close(&s, &(struct err){ 0 });
            }
        }
    }
    session_free(&s);
    if (in != stdin)
        fclose(in);
    if (e.code != ERR_NONE && e.msg[0] != '\0' && !reported)
        fprintf(stderr, "ftpc: %s\n", e.msg);
    return err_exit_code(e.code);
}
