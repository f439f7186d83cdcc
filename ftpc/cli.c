/*
 * cli: ftpc's command line and its input loop (batch file, piped standard
 * input, or an interactive prompt). The trust list is read from the store
 * before any connection, so a client with nothing to trust never connects.
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
    "usage: ftpc [options] HOST [PORT]\n"
    "  --store PATH             trust store (default $" STORE_ENV " or " STORE_DEFAULT_PATH ")\n"
    "  --appid ID               trust-store application whose CA trust list verifies\n"
    "                           the server (default " STORE_FTP_CLIENT_APP ")\n"
    "  --seccnn ssl|implicit|none\n"
    "                           control connection: AUTH TLS (default), TLS at\n"
    "                           connect (port 990), or clear text\n"
    "  --dtaprot private|clear  data connections in TLS (default) or clear\n"
    "  --tls-min 1.2|1.3        lowest TLS version (default 1.2)\n"
    "  --tls-max 1.2|1.3        highest TLS version\n"
    "  --timeout SECONDS        give up on a silent server (default 60)\n"
    "  -s FILE                  read subcommands from FILE\n"
    "  -v, --verbose            show server replies and transfer summaries\n"
    "  -d, --debug              protocol trace (passwords shown as ****)\n"
    "  -h, --help               this text\n"
    "Subcommands are read from FILE, from standard input when it is not a\n"
    "terminal, or at a prompt. Subcommands:\n";

struct options {
    const char *store;
    const char *appid;
    enum ftp_seccnn seccnn;
    int seccnn_given;
    char prot;
    int prot_given;
    struct tls_w_config tls;
    int timeout_s;
    const char *script;
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

static int parse_port(const char *s, unsigned *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || v < 1 || v > 65535)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* Returns -1 to go on, else an exit status. */
static int parse_options(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    o->appid = STORE_FTP_CLIENT_APP;
    o->seccnn = SECCNN_SSL;
    o->prot = 'P';
    o->timeout_s = 60;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (a[0] != '-' || strcmp(a, "-") == 0)
            break;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(USAGE, stdout);
            commands_help(stdout);
            return 0;
        }
        if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            o->verbose = 1;
            continue;
        }
        if (strcmp(a, "-d") == 0 || strcmp(a, "--debug") == 0) {
            o->debug = 1;
            continue;
        }
        if (v == NULL)
            return usage_error("option %s needs a value", a);
        i++;
        if (strcmp(a, "--store") == 0) {
            o->store = v;
        } else if (strcmp(a, "--appid") == 0) {
            o->appid = v;
        } else if (strcmp(a, "-s") == 0) {
            o->script = v;
        } else if (strcmp(a, "--seccnn") == 0) {
            o->seccnn_given = 1;
            if (strcmp(v, "ssl") == 0)
                o->seccnn = SECCNN_SSL;
            else if (strcmp(v, "implicit") == 0)
                o->seccnn = SECCNN_IMPLICIT;
            else if (strcmp(v, "none") == 0)
                o->seccnn = SECCNN_NONE;
            else
                return usage_error("--seccnn takes ssl, implicit or none, not '%s'", v);
        } else if (strcmp(a, "--dtaprot") == 0) {
            o->prot_given = 1;
            if (strcmp(v, "private") == 0)
                o->prot = 'P';
            else if (strcmp(v, "clear") == 0)
                o->prot = 'C';
            else
                return usage_error("--dtaprot takes private or clear, not '%s'", v);
        } else if (strcmp(a, "--tls-min") == 0 || strcmp(a, "--tls-max") == 0) {
            int ver = tls_w_parse_version(v);
            if (ver < 0)
                return usage_error("TLS version must be 1.2 or 1.3, not '%s'", v);
            if (a[6] == 'i')
                o->tls.min_version = ver;
            else
                o->tls.max_version = ver;
        } else if (strcmp(a, "--timeout") == 0) {
            unsigned t;
            if (parse_port(v, &t) != 0 || t > 3600)
                return usage_error("--timeout takes 1 to 3600 seconds, not '%s'", v);
            o->timeout_s = (int)t;
        } else {
            return usage_error("unknown option %s", a);
        }
    }
    if (i == argc)
        return usage_error("%s", "name a HOST to connect to");
    o->host = argv[i++];
    if (i < argc && parse_port(argv[i++], &o->port) != 0)
        return usage_error("'%s' is not a port number (1-65535)", argv[i - 1]);
    if (i < argc)
        return usage_error("unexpected argument '%s'", argv[i]);
    /* IBM i: port 990 without a SECCNN means implicit. */
    if (o->port == 990 && !o->seccnn_given)
        o->seccnn = SECCNN_IMPLICIT;
    if (o->port == 0)
        o->port = o->seccnn == SECCNN_IMPLICIT ? 990 : 21;
    if (o->seccnn == SECCNN_NONE) {
        if (o->prot_given && o->prot == 'P')
            return usage_error("%s", "--dtaprot private needs a secure control connection (--seccnn ssl or implicit)");
        o->prot = 'C';
    }
    if (o->tls.min_version && o->tls.max_version && o->tls.min_version > o->tls.max_version)
        return usage_error("%s", "--tls-min is above --tls-max");
    return -1;
}

/* The application's trust list, made into a TLS context. */
static struct tls_w_ctx *make_tls(const struct options *o, struct err *e)
{
    struct store *st = NULL;
    if (store_open(store_path_resolve(o->store), STORE_READ_ONLY, &st, e) != 0)
        return NULL;
    X509_STORE *anchors = NULL;
    int count = 0;
    int rc = store_app_trust_anchors(st, o->appid, &anchors, &count, e);
    store_close(st);
    if (rc != 0)
        return NULL;
    return tls_w_ctx_new(&o->tls, anchors, e);
}

static int run_lines(struct ftp_session *s, FILE *in, int interactive, struct err *first)
{
    char line[8192], words[8192];
    int quit = 0, lineno = 0;
    while (!quit) {
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
            rc = commands_run(s, argc, argv, &quit, &e);
        secret_wipe(line, sizeof line);
        secret_wipe(words, sizeof words);
        if (rc == 0)
            continue;
        if (interactive) {
            fprintf(stderr, "ftpc: %s\n", e.msg);
            continue;
        }
        fprintf(stderr, "ftpc: line %d: %s\n", lineno, e.msg);
        *first = e;
        return -1; /* batch: stop at the first failure */
    }
    return 0;
}

int ftpc_main(int argc, char **argv)
{
    struct options o;
    int status = parse_options(argc, argv, &o);
    if (status >= 0)
        return status;

    /* A peer that closes early must give an error, not kill us with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    struct err e;
    err_clear(&e);
    FILE *in = stdin;
    if (o.script != NULL && (in = fopen(o.script, "r")) == NULL) {
        fprintf(stderr, "ftpc: cannot open %s\n", o.script);
        return err_exit_code(ERR_LOCAL);
    }
    int interactive = o.script == NULL && isatty(STDIN_FILENO);

    struct tls_w_ctx *tls = NULL;
    if (o.seccnn != SECCNN_NONE && (tls = make_tls(&o, &e)) == NULL)
        goto done;
    struct ftp_session s;
    if (session_init(&s, o.seccnn, o.prot, tls, &e) != 0) {
        session_free(&s);
        goto done;
    }
    s.verbose = o.verbose || interactive;
    if (o.debug)
        s.ctrl.trace = stderr;
    if (o.seccnn == SECCNN_NONE)
        fprintf(stderr, "ftpc: warning: the control connection is not encrypted: "
                        "the password will be sent in clear text\n");
    if (session_open(&s, o.host, o.port, o.timeout_s * 1000, &e) == 0) {
        if (run_lines(&s, in, interactive, &e) == 0)
            (void)session_quit(&s, &e);
        else
            (void)session_quit(&s, &(struct err){ 0 });
    }
    session_free(&s);
done:
    if (in != stdin)
        fclose(in);
    if (e.code != ERR_NONE && e.msg[0] != '\0' && e.code != ERR_USAGE)
        fprintf(stderr, "ftpc: %s\n", e.msg);
    return err_exit_code(e.code);
}
