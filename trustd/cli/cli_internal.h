/* cli_internal: what the trustd command files share. */
#ifndef TRUSTD_CLI_CLI_INTERNAL_H
#define TRUSTD_CLI_CLI_INTERNAL_H

#include <stdio.h>
#include <sys/types.h>

#include "common/err.h"
#include "common/json.h"
#include "common/options.h"
#include "trustd/store/store.h"

/* What one command run changed, recorded as it goes (a rolled-back
 * transaction's records are dropped): the summary line and the hooks'
 * JSON both come from it. */
enum cli_change_kind { CHANGE_ADDED, CHANGE_REMOVED, CHANGE_UPDATED, CHANGE_UNCHANGED, CHANGE_KINDS };
struct cli_change {
    enum cli_change_kind kind;
    const char *object;     /* "certificate", "crl", "application" */
    char fingerprint[65];   /* lower-case hex, "" for an application */
    char label[512];        /* a certificate's label, a CRL's issuer */
    char app[128];          /* the application, "" when none */
};
struct cli_changes {
    struct cli_change *items;
    size_t n, cap;
    long count[CHANGE_KINDS];
    int committed;          /* a transaction of this run committed */
};

/* The per-item results of a run under --json, each one JSON object
 * (cli_item); a rolled-back transaction's are dropped, but for those that
 * say why it failed. */
struct cli_items {
    struct cli_item_text {
        char *json;
        int refusal;
    } *v;
    size_t n, cap;
};

/* Everything a command needs. */
struct cli {
    struct store *s;    /* NULL until cli_open */
    const char *path;   /* the store's path */
    int writes;         /* cli_open opens it read-write */
    int fleet_owned;    /* it changes what a fleet publisher owns: refused on a managed store */
    int argc;           /* the command's words after its name, --json taken out */
    char **argv;
    const char *action; /* the command's name, for the hooks */
    struct cli_changes changes;
    /* --json, which the dispatcher takes out of every command's words:
     * standard output is one JSON document (trustd(8), JSON OUTPUT).
     * While the command runs, what it prints goes to a buffer that is
     * dropped; what it did reaches the JSON through cli_change (the
     * "changes") and cli_item (the "items", one per text line). A command
     * with a document of its own (list, show, ...) writes it when c->json
     * and ends it with cli_json_finish. Under --json nothing asks a
     * question, and no data goes to standard output (export needs --out). */
    int json;
    int json_document;  /* the command wrote its own document whole (cli_json_finish) */
    struct cli_items items;
};

/* Records one change (or a thing left unchanged) of the running transaction. */
void cli_change(struct cli *c, enum cli_change_kind kind, const char *object, const char *fp,
                const char *label, const char *app);

/* One result of a command under --json, what one of its text lines says:
 * an object of the "items" array (trustd(8), JSON OUTPUT). object and
 * result are always given; a NULL field is left out. A command makes one
 * for each line it prints (inside its transaction, so that a rollback
 * drops it); nothing happens without --json. */
struct cli_item {
    const char *object;       /* "certificate", "crl", "application", "trust", "store" */
    const char *result;       /* what happened: "imported", "already_present", ... */
    const char *application;
    const char *sha256;       /* lower-case hex: the certificate's, or the CRL's */
    const char *label;
    const char *subject;
    const char *issuer;
    const int *depth;         /* its place in a chain, 0 the server's own */
    const int *enabled;
    const int *revoked;       /* a CRL's count of revoked certificates */
    const char *file;         /* the file (or URL) it was read from or written to */
    const char *detail;       /* the rest of the line in words: why refused, skipped, failed */
    const struct store_app *definition; /* the application as app show --json gives it */
    int refusal;              /* it says why its transaction failed: kept after the rollback */
};
void cli_item(struct cli *c, const struct cli_item *it);
/* Drops the items made since the first before (c->items.n then), but for
 * refusals: cli_transaction's rollback, and a command's own undoing. */
void cli_items_rollback(struct cli *c, size_t before);
/* Under --json, the item of application app_id with its definition as it is
 * now (read in the caller's transaction). */
int cli_item_app(struct cli *c, const char *result, const char *app_id, struct err *e);
/* Ends a command's own JSON document (list, show, validate...): printed
 * under --json in place of the result object, even when the command then
 * fails (validate's problems). */
void cli_json_finish(struct cli *c, struct jw *j);
/* An application's fields as app list and app show give them. */
void cli_app_json_fields(struct jw *j, const struct store_app *a);

/* Opens the store (once; read-write when c->writes). Every command calls
 * it, or cli_transaction, only after its whole command line was read, so
 * that a usage error never creates, upgrades or even reads a store. */
/* Lines that say what a transaction did, kept until it committed: then
 * printed; after a rollback dropped, and the error says that nothing was
 * changed. */
struct cli_report {
    FILE *f;
    char *text;
    size_t len;
};
int cli_report_open(struct cli_report *r, struct err *e);
void cli_report_close(struct cli_report *r, int committed, struct err *e);

int cli_open(struct cli *c, struct err *e);

/* Runs fn inside one transaction (opening the store first): all of it is
 * kept, or none. */
int cli_transaction(struct cli *c, int (*fn)(struct cli *, void *), void *arg, struct err *e);

/* text as seconds from 1 to max, for the option what. */
int cli_seconds(const char *what, const char *text, long max, long *out, struct err *e);

/* Output helpers. */
/* Untrusted text (from a certificate, a file or a server) as it may be
 * printed: control bytes and escape sequences as \xNN (common/visible.h).
 * The result lives until eight more calls. JSON output does not use it:
 * json.c escapes exactly. */
const char *cli_vis(const char *s);
/* A fingerprint from the store (lower-case hex) as text shows every
 * fingerprint: "AB:CD:...", as OpenSSL prints it. JSON keeps the lower-case
 * hex. The result lives until eight more calls. */
const char *cli_fp(const char *hex);
/* The usage and options of a command (trustd help CMD, CMD --help). */
void cli_help(FILE *f, const char *word1, const char *word2);
/* Every command of a two-word group ("app", "crl"); the number printed. */
int cli_help_group(FILE *f, const char *word1);
/* "trustd: warning: ..." on stderr, one line, made visible. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_print_time(FILE *f, int64_t t);

/* Writes data to path through a temporary file renamed into place; an
 * existing path is replaced only with force. path "-" is standard output. */
int cli_write_file(const char *path, const void *data, size_t len, int force, struct err *e);
/* The same with the file's mode (0600 for one that holds a key). */
int cli_write_file_mode(const char *path, const void *data, size_t len, mode_t mode, int force,
                        struct err *e);

/* Refuses --pass-file and --pass-env together (checked when the options
 * are read, before anything else). */
int cli_password_options(const char *pass_file, const char *pass_env, struct err *e);
/* Reads a password for name: from --pass-file, --pass-env, or the terminal. */
int cli_password(const char *pass_file, const char *pass_env, const char *name, char *out,
                 size_t outlen, struct err *e);

/* The commands. */
int cmd_import(struct cli *c, struct err *e);
int cmd_list(struct cli *c, struct err *e);
int cmd_show(struct cli *c, struct err *e);
int cmd_export(struct cli *c, struct err *e);
int cmd_enable(struct cli *c, struct err *e);
int cmd_disable(struct cli *c, struct err *e);
int cmd_label(struct cli *c, struct err *e);
int cmd_remove(struct cli *c, struct err *e);
int cmd_app_add(struct cli *c, struct err *e);
int cmd_app_remove(struct cli *c, struct err *e);
int cmd_app_list(struct cli *c, struct err *e);
int cmd_app_show(struct cli *c, struct err *e);
int cmd_app_trust(struct cli *c, struct err *e);
int cmd_app_untrust(struct cli *c, struct err *e);
int cmd_app_trust_list(struct cli *c, struct err *e);
int cmd_app_set(struct cli *c, struct err *e);
int cmd_app_cert(struct cli *c, struct err *e);
/* app show's list of the application's client certificates: text, or
 * a "client_certificates" member of j's object. */
int cli_show_client_certs(struct cli *c, const char *app_id, struct jw *j, struct err *e);
int cmd_verify(struct cli *c, struct err *e);
int cmd_probe(struct cli *c, struct err *e);
int cmd_crl_import(struct cli *c, struct err *e);
int cmd_crl_list(struct cli *c, struct err *e);
int cmd_crl_remove(struct cli *c, struct err *e);
int cmd_audit(struct cli *c, struct err *e);
int cmd_check(struct cli *c, struct err *e);
int cmd_backup(struct cli *c, struct err *e);
int cmd_restore(struct cli *c, struct err *e);
int cmd_validate(struct cli *c, struct err *e);
int cmd_crl_refresh(struct cli *c, struct err *e);
int cmd_publish(struct cli *c, struct err *e);
int cmd_subscribe(struct cli *c, struct err *e);
int cmd_unsubscribe(struct cli *c, struct err *e);
int cmd_sync(struct cli *c, struct err *e);
int cmd_status(struct cli *c, struct err *e);

/* One or more CRLs from PEM, or one DER CRL, from data read from name (for
 * messages): crl import and crl refresh parse alike. */
int cli_parse_crls(const unsigned char *data, size_t len, const char *name,
                   STACK_OF(X509_CRL) **out, struct err *e);

/* Adds certificates to the store in the caller's transaction, with the
 * import rules (CA only unless allow_leaf; warnings for validity). */
struct import_rules {
    const char *label;
    int disabled;
    int allow_leaf;
    int ca_only;        /* skip certificates that are not CAs */
    int count_added;
    /* One line per input certificate, printed by cli_import_report once
     * the transaction committed (a rollback imported nothing). */
    char *lines;
    size_t lines_len;
    FILE *report;
    /* The line of the certificate that was refused, when one was. */
    char refused[1024];
};
int cli_import_certs(struct cli *c, STACK_OF(X509) *certs, const char *name,
                     struct import_rules *r, struct err *e);
/* After the transaction: committed, prints the lines; otherwise prints the
 * refused certificate's line, if any, and adds "nothing was imported" to
 * e. Frees the lines either way. */
void cli_import_report(struct import_rules *r, int committed, struct err *e);

#endif
