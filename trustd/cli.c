/*
 * cli: the trustd command line. Each command is one function and one
 * transaction: on any error nothing it did is kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/x509v3.h>

#include "certinfo.h"
#include "cli.h"
#include "import.h"
#include "trustd/store.h"

static const char USAGE[] =
    "usage: trustd [--store PATH] COMMAND ...\n"
    "  import [--allow-leaf] FILE...    import CA certificates (PEM or DER; - is stdin)\n"
    "  list                             list the certificates in the store\n"
    "  app trust APPID CERT...          put certificates on APPID's CA trust list\n"
    "  app show APPID                   show APPID's definition and the CAs it trusts\n"
    "CERT: a SHA-256 fingerprint (any case, colons optional) or a unique prefix of\n"
    "at least 8 hex digits. The store is --store PATH, else $" STORE_ENV ", else\n"
    STORE_DEFAULT_PATH ".\n";

static void print_date(int64_t t, char *out, size_t outlen)
{
    certinfo_format_time(t, out, outlen);
}

static int import_one_file(struct store *s, const char *path, int allow_leaf, struct err *e)
{
    unsigned char *data = NULL;
    size_t len = 0;
    if (import_read_file(path, &data, &len, e) != 0)
        return -1;
    STACK_OF(X509) *certs = NULL;
    int rc = import_parse(data, len, path, &certs, e);
    free(data);
    if (rc != 0)
        return -1;
    time_t now = time(NULL);
    for (int i = 0; i < sk_X509_num(certs) && rc == 0; i++) {
        X509 *x = sk_X509_value(certs, i);
        char hex[CERTINFO_HEX_SHA256] = "?";
        (void)certinfo_sha256_hex(x, hex);
        if (X509_check_ca(x) == 0 && !allow_leaf) {
            char subject[512];
            certinfo_name(X509_get_subject_name(x), subject, sizeof subject);
            rc = err_set(e, ERR_USAGE,
                         "%s: certificate %d (%s, SHA-256 %s) is not a CA certificate; "
                         "use --allow-leaf to pin it",
                         path, i + 1, subject, hex);
            break;
        }
        int added = 0;
        struct store_cert row;
        if (store_cert_add(s, x, &added, &row, e) != 0) {
            err_prefix(e, "%s: certificate %d", path, i + 1);
            rc = -1;
            break;
        }
        if (!added) {
            printf("already present  %s  %s\n", row.sha256, row.subject);
            continue;
        }
        printf("imported  %s  %s\n", row.sha256, row.subject);
        if (row.not_after < (int64_t)now)
            fprintf(stderr, "trustd: warning: %s has expired\n", row.label);
        else if (row.not_before > (int64_t)now)
            fprintf(stderr, "trustd: warning: %s is not valid yet\n", row.label);
    }
    sk_X509_pop_free(certs, X509_free);
    return rc;
}

static int cmd_import(struct store *s, int argc, char **argv, struct err *e)
{
    int allow_leaf = 0, i = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        if (strcmp(argv[i], "--allow-leaf") == 0)
            allow_leaf = 1;
        else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else
            return err_set(e, ERR_USAGE, "import: unknown option %s", argv[i]);
    }
    if (i == argc)
        return err_set(e, ERR_USAGE, "import: name a certificate file");
    if (store_begin(s, e) != 0)
        return -1;
    for (; i < argc; i++) {
        if (import_one_file(s, argv[i], allow_leaf, e) != 0) {
            store_rollback(s);
            return -1;
        }
    }
    return store_commit(s, e);
}

static int print_list_row(const struct store_cert *c, void *arg)
{
    (void)arg;
    char date[64];
    print_date(c->not_after, date, sizeof date);
    printf("%s  %s  %s  %s%s\n", c->sha256, c->label, c->subject, date,
           c->enabled ? "" : "  (disabled)");
    return 0;
}

static int cmd_list(struct store *s, int argc, char **argv, struct err *e)
{
    (void)argv;
    if (argc != 0)
        return err_set(e, ERR_USAGE, "list: takes no arguments");
    return store_cert_list(s, print_list_row, NULL, e);
}

static int cmd_app_trust(struct store *s, int argc, char **argv, struct err *e)
{
    if (argc < 2)
        return err_set(e, ERR_USAGE, "app trust: usage: app trust APPID CERT...");
    const char *app_id = argv[0];
    if (store_begin(s, e) != 0)
        return -1;
    for (int i = 1; i < argc; i++) {
        struct store_cert c;
        int added = 0;
        if (store_cert_find(s, argv[i], &c, e) != 0 ||
            store_app_trust(s, app_id, c.id, &added, e) != 0) {
            store_rollback(s);
            return -1;
        }
        printf("%s  %s  %s\n", added ? "trusted" : "already trusted", c.sha256, c.subject);
    }
    return store_commit(s, e);
}

struct show_state {
    int count;
    int only_enabled_cas;
};

static int print_member(const struct store_cert *c, void *arg)
{
    struct show_state *st = arg;
    if (st->only_enabled_cas && (!c->enabled || !c->is_ca))
        return 0;
    char date[64];
    print_date(c->not_after, date, sizeof date);
    printf("  %s  %s  %s  not after %s%s\n", c->sha256, c->label, c->subject, date,
           c->enabled ? "" : "  (disabled: not used)");
    st->count++;
    return 0;
}

static int cmd_app_show(struct store *s, int argc, char **argv, struct err *e)
{
    if (argc != 1)
        return err_set(e, ERR_USAGE, "app show: usage: app show APPID");
    struct store_app app;
    if (store_app_get(s, argv[0], &app, e) != 0)
        return -1;
    printf("Application:  %s\n", app.id);
    printf("Description:  %s\n", app.description);
    printf("Type:         %s\n", app.type);
    struct show_state st = { 0, 0 };
    if (app.trust_list_defined) {
        printf("Trust list:   defined\n");
        printf("Trusted CAs:\n");
        if (store_app_list_members(s, app.id, print_member, &st, e) != 0)
            return -1;
        if (st.count == 0)
            printf("  (none: the list is empty, so this application trusts nothing)\n");
    } else {
        printf("Trust list:   not defined (trusts every enabled CA in the store)\n");
        printf("Trusted CAs:\n");
        st.only_enabled_cas = 1;
        if (store_cert_list(s, print_member, &st, e) != 0)
            return -1;
        if (st.count == 0)
            printf("  (none: the store holds no enabled CA)\n");
    }
    return 0;
}

static int cmd_app(struct store *s, int argc, char **argv, struct err *e)
{
    if (argc < 1)
        return err_set(e, ERR_USAGE, "app: name a subcommand (trust, show)");
    if (strcmp(argv[0], "trust") == 0)
        return cmd_app_trust(s, argc - 1, argv + 1, e);
    if (strcmp(argv[0], "show") == 0)
        return cmd_app_show(s, argc - 1, argv + 1, e);
    return err_set(e, ERR_USAGE, "app: unknown subcommand '%s'", argv[0]);
}

int trustd_main(int argc, char **argv)
{
    struct err e;
    err_clear(&e);
    const char *store_opt = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--store") == 0 && i + 1 < argc) {
            store_opt = argv[++i];
        } else if (strncmp(argv[i], "--store=", 8) == 0) {
            store_opt = argv[i] + 8;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(USAGE, stdout);
            return 0;
        } else {
            fprintf(stderr, "trustd: unknown option %s\n%s", argv[i], USAGE);
            return err_exit_code(ERR_USAGE);
        }
    }
    if (i == argc) {
        fputs(USAGE, stderr);
        return err_exit_code(ERR_USAGE);
    }
    const char *cmd = argv[i++];
    int (*fn)(struct store *, int, char **, struct err *) = NULL;
    if (strcmp(cmd, "import") == 0)
        fn = cmd_import;
    else if (strcmp(cmd, "list") == 0)
        fn = cmd_list;
    else if (strcmp(cmd, "app") == 0)
        fn = cmd_app;
    if (fn == NULL) {
        fprintf(stderr, "trustd: unknown command '%s'\n%s", cmd, USAGE);
        return err_exit_code(ERR_USAGE);
    }
    struct store *s = NULL;
    int rc = store_open(store_path_resolve(store_opt), STORE_READ_WRITE, &s, &e);
    if (rc == 0)
        rc = fn(s, argc - i, argv + i, &e);
    store_close(s);
    if (fflush(stdout) != 0 && rc == 0)
        rc = err_set(&e, ERR_LOCAL, "cannot write to standard output");
    if (rc != 0) {
        fprintf(stderr, "trustd: %s\n", e.msg);
        return err_exit_code(e.code);
    }
    return 0;
}
