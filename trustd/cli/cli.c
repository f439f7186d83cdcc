/*
 * cli: trustd's command line: global options, the command table, opening
 * the store read-only or read-write as the command needs. Exit codes are
 * trustd's column of common/err.c's table (0 ok, 1 error, 2 usage, 3 not
 * found, 4 not trusted).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/certinfo.h"
#include "common/fdio.h"
#include "common/file_write.h"
#include "common/prompt.h"
#include "common/visible.h"
#include "trustd/cli/cli.h"
#include "trustd/cli/cli_changes.h"
#include "trustd/cli/cli_internal.h"
#include "trustd/cli/cli_json.h"

static const char USAGE[] =
    "usage: trustd [--store PATH] COMMAND ...\n"
    "Certificates (CERT: SHA-256 fingerprint, 8+ hex digit prefix, or label):\n"
    "  import [--label L] [--disabled] [--ca-only | --allow-leaf] [--pass-file F | --pass-env VAR] FILE...\n"
    "  import --system [--enabled]\n"
    "  list [--app ID] [--expiring DAYS] [--json]\n"
    "  show CERT [--json] [--pem]\n"
    "  export CERT [--der] [--out FILE] [--force]\n"
    "  export --app ID [--out FILE] [--force]\n"
    "  enable CERT | disable CERT | label CERT NEW | remove [--force] CERT\n"
    "Applications:\n"
    "  app add ID [--description T] [--type client|server]\n"
    "  app remove ID | app list [--json] | app show ID [--json]\n"
    "  app trust ID CERT... | app untrust ID CERT...\n"
    "  app trust-list ID defined|undefined\n"
    "  app set ID --crl none|if-present|required\n"
    "  app cert assign ID FILE [--label L] [--group G] | app cert list ID [--json]\n"
    "  app cert remove ID CERT | app cert export ID CERT [--with-key] | app cert group ID G\n"
    "Verification:\n"
    "  verify --app ID [--host NAME] CHAIN.pem\n"
    "  probe [--app ID] HOST[:PORT] [--implicit] [--import-root | --trust-issuer]\n"
    "        [--expect-sha256 FP]\n"
    "Revocation: crl import FILE | crl list [--json] | crl remove CRL\n"
    "  crl refresh [--app ID] [--timeout SECS] [--ca-file FILE]\n"
    "Monitoring: validate [--app ID] [--days N] [--json] [--quiet]\n"
    "The store: audit [--since T] [--json] | check | backup FILE | restore FILE --force\n"
    "A fleet: publish --out DIR --signer CERT --key KEY [--valid-for 7d] [--on-stale warn|refuse]\n"
    "  subscribe URL --signer-ca CERT [--tls-ca CERT] | sync [--timeout SECS]\n"
    "  status [--json] | unsubscribe\n"
    "Help: help [COMMAND] | COMMAND --help | --version\n"
    "The store is --store PATH, else $" STORE_ENV ", else " STORE_DEFAULT_PATH ".\n"
    "After a change trustd runs the hooks in --hooks-dir DIR, else $" HOOKS_ENV ",\n"
    "else (for " STORE_DEFAULT_PATH " only) " HOOKS_SYSTEM_DIR "; each for at most\n"
    "--hooks-timeout SECS (else $" HOOKS_TIMEOUT_ENV ", else 30).\n"
    "Fingerprints are shown as AB:CD:... (JSON: abcd...); any case, with or without colons, is accepted.\n"
    "--json, with any command: one JSON document on standard output, the result\n"
    "or the error (trustd(8), JSON OUTPUT).\n"
    "Exit status: 0 ok, 1 error, 2 usage, 3 not found, 4 not trusted.\n";

int cli_open(struct cli *c, struct err *e)
{
    if (c->s != NULL)
        return 0;
    /* A store others could change is still opened (the administrator is
     * the one to mend it), with one line saying why it is unsafe. */
    struct err unsafe;
    err_clear(&unsafe);
    if (store_check_permissions(c->path, getuid(), &unsafe) != 0)
        cli_warn("%s", unsafe.msg);
    /* sync checks the store only when it installs (an unchanged policy
     * writes just its note): store_open's STORE_READ_WRITE_LAZY. */
    enum store_mode mode = !c->writes ? STORE_READ_ONLY
                           : c->action != NULL && strcmp(c->action, "sync") == 0
                               ? STORE_READ_WRITE_LAZY
                               : STORE_READ_WRITE;
    if (store_open(c->path, mode, &c->s, e) != 0)
        return -1;
    struct store_fleet f;
    if (store_fleet_get(c->s, &f, e) != 0)
        goto fail;
    /* A managed store takes its policy from the publisher only. */
    if (c->writes && c->fleet_owned && f.managed) {
        store_fleet_refuse_local(c->s, &f, e);
        goto fail;
    }
    const char *act = c->action ? c->action : "";
    if (store_fleet_stale(&f, (int64_t)time(NULL)) && strcmp(act, "sync") != 0 &&
        strcmp(act, "status") != 0) {
        char t[40];
        certinfo_format_iso(f.not_after, t, sizeof t);
        /* probe connects as a client would: it refuses as ftpc does. */
        if (strcmp(f.on_stale, "refuse") == 0 && strcmp(act, "probe") == 0) {
            err_set(e, ERR_STORE, "the fleet policy of trust store %s (serial %lld from %s) went "
                    "stale at %s and its publisher refuses stale policies: run trustd sync",
                    c->path, (long long)f.serial, f.url, t);
            goto fail;
        }
        cli_warn("the fleet policy of trust store %s (serial %lld from %s) went stale at %s: "
                 "run trustd sync", c->path, (long long)f.serial, f.url, t);
    }
    return 0;
fail:
    store_close(c->s);
    c->s = NULL;
    return -1;
}

int cli_transaction(struct cli *c, int (*fn)(struct cli *, void *), void *arg, struct err *e)
{
    if (cli_open(c, e) != 0 || store_begin(c->s, e) != 0)
        return -1;
    struct cli_changes before = c->changes;
    size_t items_before = c->items.n;
    if (fn(c, arg) != 0 || store_commit(c->s, e) != 0) {
        store_rollback(c->s);
        /* What the transaction recorded was not kept. */
        c->changes.n = before.n;
        memcpy(c->changes.count, before.count, sizeof before.count);
        cli_items_rollback(c, items_before);
        return -1;
    }
    c->changes.committed = 1;
    return 0;
}

void cli_change(struct cli *c, enum cli_change_kind kind, const char *object, const char *fp,
                const char *label, const char *app)
{
    struct cli_changes *ch = &c->changes;
    ch->count[kind]++;
    if (ch->n == ch->cap) {
        size_t cap = ch->cap ? ch->cap * 2 : 16;
        struct cli_change *items = realloc(ch->items, cap * sizeof *items);
        if (items == NULL)
            return; /* counted; the hooks see fewer details */
        ch->items = items;
        ch->cap = cap;
    }
    struct cli_change *it = &ch->items[ch->n++];
    it->kind = kind;
    it->object = object;
    snprintf(it->fingerprint, sizeof it->fingerprint, "%s", fp ? fp : "");
    snprintf(it->label, sizeof it->label, "%s", label ? label : "");
    snprintf(it->app, sizeof it->app, "%s", app ? app : "");
}

int cli_seconds(const char *what, const char *text, long max, long *out, struct err *e)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || v < 1 || v > max)
        return err_set(e, ERR_USAGE, "%s takes seconds from 1 to %ld, not '%s'", what, max, text);
    *out = v;
    return 0;
}

void cli_warn(const char *fmt, ...)
{
    char msg[ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fputs("trustd: warning: ", stderr);
    visible_fwrite(stderr, msg, strlen(msg), 0);
    fputc('\n', stderr);
}

const char *cli_fp(const char *hex)
{
    static char bufs[8][CERTINFO_COLON_SHA256];
    static unsigned next;
    char *b = bufs[next++ % 8];
    certinfo_colon_form(hex ? hex : "", b);
    return b;
}

int cli_report_open(struct cli_report *r, struct err *e)
{
    r->text = NULL;
    r->len = 0;
    r->f = open_memstream(&r->text, &r->len);
    return r->f != NULL ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
}

void cli_report_close(struct cli_report *r, int committed, struct err *e)
{
    int ok = fclose(r->f) == 0;
    if (committed && ok && r->text != NULL)
        fputs(r->text, stdout);
    if (!committed && e->code != ERR_NONE) {
        char was[ERR_MSG_MAX];
        memcpy(was, e->msg, sizeof was);
        err_set(e, e->code, "%s: nothing was changed", was);
    }
    free(r->text);
    r->text = NULL;
}

const char *cli_vis(const char *s)
{
    /* Enough for every field of one line (a subject is at most 512 bytes,
     * a list of applications 1024, each byte at worst four escaped). */
    static char bufs[8][4096 + 16];
    static unsigned next;
    char *b = bufs[next++ % 8];
    return visible_str(b, sizeof bufs[0], s ? s : "");
}

void cli_print_time(FILE *f, int64_t t)
{
    char buf[64];
    certinfo_format_time(t, buf, sizeof buf);
    fputs(buf, f);
}

int cli_write_file(const char *path, const void *data, size_t len, int force, struct err *e)
{
    return cli_write_file_mode(path, data, len, 0644, force, e);
}

int cli_write_file_mode(const char *path, const void *data, size_t len, mode_t mode, int force,
                        struct err *e)
{
    if (strcmp(path, "-") == 0) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
            return err_set(e, ERR_LOCAL, "cannot write to standard output");
        return 0;
    }
    /* Said before anything is written; link() closes the gap after. */
    struct stat sb;
    if (!force && lstat(path, &sb) == 0)
        return err_set(e, ERR_USAGE, "%s exists (use --force to replace it)", path);
    return file_write_whole(path, data, len, mode, force, "trustd-export", e);
}

int cli_password_options(const char *pass_file, const char *pass_env, struct err *e)
{
    if (pass_file != NULL && pass_env != NULL)
        return err_set(e, ERR_USAGE, "give --pass-file or --pass-env, not both");
    return 0;
}

int cli_password(const char *pass_file, const char *pass_env, const char *name, char *out,
                 size_t outlen, struct err *e)
{
    if (pass_file != NULL) {
        FILE *f = fopen(pass_file, "r");
        if (f == NULL)
            return err_set(e, ERR_LOCAL, "cannot open %s: %s", pass_file, strerror(errno));
        if (fgets(out, (int)outlen, f) == NULL)
            out[0] = '\0';
        fclose(f);
        out[strcspn(out, "\r\n")] = '\0';
        return 0;
    }
    if (pass_env != NULL) {
        const char *v = getenv(pass_env);
        if (v == NULL)
            return err_set(e, ERR_USAGE, "the variable %s is not set", pass_env);
        snprintf(out, outlen, "%s", v);
        return 0;
    }
    char prompt[PATH_MAX + 32];
    snprintf(prompt, sizeof prompt, "Password for %s: ", name);
    return prompt_password(prompt, out, outlen, e);
}

enum access_mode { READS, WRITES };

struct command {
    const char *word1;
    const char *word2; /* NULL for one-word commands */
    enum access_mode mode;
    int (*fn)(struct cli *c, struct err *e);
};

static const struct command COMMANDS[] = {
    { "import", NULL, WRITES, cmd_import },
    { "list", NULL, READS, cmd_list },
    { "show", NULL, READS, cmd_show },
    { "export", NULL, READS, cmd_export },
    { "enable", NULL, WRITES, cmd_enable },
    { "disable", NULL, WRITES, cmd_disable },
    { "label", NULL, WRITES, cmd_label },
    { "remove", NULL, WRITES, cmd_remove },
    { "app", "add", WRITES, cmd_app_add },
    { "app", "remove", WRITES, cmd_app_remove },
    { "app", "list", READS, cmd_app_list },
    { "app", "show", READS, cmd_app_show },
    { "app", "trust", WRITES, cmd_app_trust },
    { "app", "untrust", WRITES, cmd_app_untrust },
    { "app", "trust-list", WRITES, cmd_app_trust_list },
    { "app", "set", WRITES, cmd_app_set },
    { "app", "cert", WRITES, cmd_app_cert },
    { "verify", NULL, READS, cmd_verify },
    { "probe", NULL, READS, cmd_probe },
    { "crl", "import", WRITES, cmd_crl_import },
    { "crl", "list", READS, cmd_crl_list },
    { "crl", "remove", WRITES, cmd_crl_remove },
    { "crl", "refresh", WRITES, cmd_crl_refresh },
    { "validate", NULL, READS, cmd_validate },
    { "audit", NULL, READS, cmd_audit },
    { "check", NULL, READS, cmd_check },
    { "backup", NULL, READS, cmd_backup },
    { "restore", NULL, WRITES, cmd_restore },
    { "publish", NULL, WRITES, cmd_publish },
    { "subscribe", NULL, WRITES, cmd_subscribe },
    { "unsubscribe", NULL, WRITES, cmd_unsubscribe },
    { "sync", NULL, WRITES, cmd_sync },
    { "status", NULL, READS, cmd_status },
};

/* The commands that write what a fleet publisher owns (certificates, CRLs,
 * applications, trust lists): every writer but client certificates, check
 * and the fleet's own. */
static int fleet_owned(const struct command *c)
{
    if (c->mode != WRITES && c->fn != cmd_probe)
        return 0;
    return c->fn != cmd_app_cert && c->fn != cmd_publish && c->fn != cmd_subscribe &&
           c->fn != cmd_unsubscribe && c->fn != cmd_sync && c->fn != cmd_check;
}

static int has_word(int argc, char **argv, const char *word)
{
    for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], word) == 0)
            return 1;
    return 0;
}

/* The command named by argv[0] (and argv[1] for two-word commands). */
static const struct command *find_command(int argc, char **argv)
{
    for (size_t k = 0; k < sizeof COMMANDS / sizeof COMMANDS[0]; k++) {
        const struct command *c = &COMMANDS[k];
        if (argc >= 1 && strcmp(c->word1, argv[0]) == 0 &&
            (c->word2 == NULL || (argc >= 2 && strcmp(c->word2, argv[1]) == 0)))
            return c;
    }
    return NULL;
}

/* The end of a run that failed: the message on standard error (control
 * bytes made visible; with the usage when asked), under --json the error
 * object on standard output; the exit status. */
static int failed(int json, const char *command, const struct err *e, int with_usage)
{
    /* Messages quote file names, subjects, labels and server replies:
     * every control byte in them is shown as \xNN. */
    fputs("trustd: ", stderr);
    visible_fwrite(stderr, e->msg, strlen(e->msg), 0);
    fputc('\n', stderr);
    if (with_usage)
        fputs(USAGE, stderr);
    if (json) {
        cli_json_error(command, e);
        fflush(stdout);
    }
    return err_exit_code(ERR_PROGRAM_TRUSTD, e->code == ERR_NONE ? ERR_INTERNAL : e->code);
}

static int unknown_command(int json, int argc, char **argv)
{
    int two = argc >= 2 && (strcmp(argv[0], "app") == 0 || strcmp(argv[0], "crl") == 0);
    struct err e;
    err_set(&e, ERR_USAGE, "unknown command '%s%s%s'", argv[0], two ? " " : "", two ? argv[1] : "");
    return failed(json, NULL, &e, 1);
}

/* trustd help [COMMAND [WORD]]. */
static int help_command(int json, int argc, char **argv)
{
    if (argc == 0) {
        fputs(USAGE, stdout);
        return 0;
    }
    const struct command *cmd = find_command(argc, argv);
    if (cmd == NULL && argc == 1 && cli_help_group(stdout, argv[0]) > 0)
        return 0;
    if (cmd == NULL)
        return unknown_command(json, argc, argv);
    cli_help(stdout, cmd->word1, cmd->word2);
    return 0;
}

/* Takes every --json before "--" out of argv: the dispatcher reads it for
 * all commands, as it reads --help. 1 when there was one. */
static int take_json(int *argc, char **argv)
{
    int found = 0, k = 1, i = 1;
    for (; i < *argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--json") == 0)
            found = 1;
        else
            argv[k++] = argv[i];
    }
    for (; i < *argc; i++)
        argv[k++] = argv[i];
    argv[k] = NULL;
    *argc = k;
    return found;
}

/* Runs the command, its standard output held back under --json. */
static int run_command(struct cli *c, const struct command *cmd, struct cli_hooks *hooks,
                       struct err *e)
{
    struct cli_capture cap = { 0 };
    if (c->json && cli_capture_begin(&cap, e) != 0)
        return failed(c->json, c->action, e, 0);
    /* The command reads its command line first and opens the store only
     * then (cli_open, cli_transaction): a usage error never creates or
     * upgrades a store. */
    int rc = cmd->fn(c, e);
    store_close(c->s);
    if (c->json && cli_capture_end(&cap) != 0) {
        c->json_document = 0;
        if (rc == 0)
            rc = err_set(e, ERR_INTERNAL, "out of memory: the output was lost");
    }
    if (!c->json && fflush(stdout) != 0 && rc == 0)
        rc = err_set(e, ERR_LOCAL, "cannot write to standard output");
    /* The change is committed and audited: what the hooks do never
     * changes the exit status. */
    cli_changes_done(c, hooks);
    if (c->json) {
        cli_json_output(c, &cap, rc, e);
        free(cap.text);
        if (fflush(stdout) != 0 && rc == 0)
            rc = err_set(e, ERR_LOCAL, "cannot write to standard output");
    }
    if (rc == 0)
        return 0;
    /* The JSON document is out: the message goes to standard error only. */
    return failed(0, c->action, e, 0);
}

/* trustd reads private keys (app cert assign, export, backup): like ftpc,
 * no core dump carries them (and their numbers go to OpenSSL's secure
 * heap when one is read: tls_w_secure_heap). */
static void protect_secrets(void)
{
    struct rlimit none = { 0, 0 };
    (void)setrlimit(RLIMIT_CORE, &none);
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int trustd_main(int argc, char **argv)
{
    struct err e;
    err_clear(&e);
    protect_secrets();
    const char *store_opt = NULL, *hooks_dir = NULL, *hooks_timeout = NULL;
    int help = 0, version = 0, i;
    int json = take_json(&argc, argv);
    const struct opt opts[] = {
        { "--store", OPT_VALUE, NULL, &store_opt },
        { "--hooks-dir", OPT_VALUE, NULL, &hooks_dir },
        { "--hooks-timeout", OPT_VALUE, NULL, &hooks_timeout },
        { "-h", OPT_STOP, &help, NULL },
        { "--help", OPT_STOP, &help, NULL },
        { "--version", OPT_STOP, &version, NULL },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (options_front(argc - 1, argv + 1, opts, &i, &e) != 0)
        return failed(json, NULL, &e, 1);
    i += 1;
    if (help) {
        fputs(USAGE, stdout);
        return 0;
    }
    if (version) {
        printf("trustd %s\n", FTPC_TRUSTD_VERSION);
        return 0;
    }
    if (i == argc) {
        fputs(USAGE, stderr);
        if (json) {
            err_set(&e, ERR_USAGE, "name a command (trustd help lists them)");
            cli_json_error(NULL, &e);
        }
        return err_exit_code(ERR_PROGRAM_TRUSTD, ERR_USAGE);
    }
    if (strcmp(argv[i], "help") == 0)
        return help_command(json, argc - i - 1, argv + i + 1);
    const struct command *cmd = find_command(argc - i, argv + i);
    /* "trustd app --help": the help of every app command. */
    if (cmd == NULL && i + 1 < argc &&
        (strcmp(argv[i + 1], "--help") == 0 || strcmp(argv[i + 1], "-h") == 0) &&
        cli_help_group(stdout, argv[i]) > 0)
        return 0;
    if (cmd == NULL)
        return unknown_command(json, argc - i, argv + i);
    i += cmd->word2 ? 2 : 1;
    /* COMMAND --help (or -h) anywhere before "--": its usage and options. */
    if (has_word(argc - i, argv + i, "--help") || has_word(argc - i, argv + i, "-h")) {
        cli_help(stdout, cmd->word1, cmd->word2);
        return 0;
    }
    struct cli c = { .path = store_path_resolve(store_opt), .argc = argc - i, .argv = argv + i,
                     .json = json };
    char action[32];
    snprintf(action, sizeof action, "%s%s%s", cmd->word1, cmd->word2 ? " " : "",
             cmd->word2 ? cmd->word2 : "");
    c.action = action;
    struct cli_hooks hooks;
    if (cli_hooks_conf(hooks_dir, hooks_timeout, c.path, &hooks, &e) != 0)
        return failed(json, c.action, &e, 0);
    c.writes = cmd->mode == WRITES;
    c.fleet_owned = fleet_owned(cmd);
    /* probe writes only when asked to import; check creates a missing store
     * and upgrades one its owner can write. */
    if (cmd->fn == cmd_probe &&
        (has_word(c.argc, c.argv, "--import-root") || has_word(c.argc, c.argv, "--trust-issuer")))
        c.writes = 1;
    if (cmd->fn == cmd_check && (access(c.path, W_OK) == 0 || errno == ENOENT))
        c.writes = 1;
    return run_command(&c, cmd, &hooks, &e);
}
