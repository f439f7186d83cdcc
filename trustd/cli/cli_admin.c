/* cli_admin: revocation lists, the audit trail, check and backup. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "common/certinfo.h"
#include "common/json.h"
#include "trustd/cli/cli_internal.h"
#include "trustd/cli/cli_validate.h"
#include "trustd/store/keyfile.h"
#include "trustd/store/import.h"
#include "trustd/store/since.h"

/* One or more CRLs from PEM, or one DER CRL (also crl refresh's, cli_crl_refresh.c). */
int cli_parse_crls(const unsigned char *data, size_t len, const char *name,
                      STACK_OF(X509_CRL) **out, struct err *e)
{
    STACK_OF(X509_CRL) *crls = sk_X509_CRL_new_null();
    if (crls == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    int rc = 0;
    if (import_looks_like_pem(data, len)) {
        BIO *b = BIO_new_mem_buf(data, (int)len);
        X509_CRL *crl;
        while (b && (crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) != NULL)
            if (!sk_X509_CRL_push(crls, crl))
                X509_CRL_free(crl);
        unsigned long code = ERR_peek_last_error();
        if (sk_X509_CRL_num(crls) == 0 || (code && ERR_GET_REASON(code) != PEM_R_NO_START_LINE))
            rc = err_set(e, ERR_LOCAL, "%s: not a valid PEM CRL file", name);
        BIO_free(b);
    } else {
        const unsigned char *p = data;
        X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
        if (crl == NULL || p != data + len || !sk_X509_CRL_push(crls, crl)) {
            X509_CRL_free(crl);
            rc = err_set(e, ERR_LOCAL, "%s: not a CRL (PEM or DER expected)", name);
        }
    }
    ERR_clear_error();
    if (rc != 0) {
        sk_X509_CRL_pop_free(crls, X509_CRL_free);
        return -1;
    }
    *out = crls;
    return 0;
}

struct crl_import {
    STACK_OF(X509_CRL) *crls;
    const char *name;
    FILE *report;   /* one line per CRL, printed only after the commit */
    struct err *e;
};

static int run_crl_import(struct cli *c, void *arg)
{
    struct crl_import *ci = arg;
    for (int i = 0; i < sk_X509_CRL_num(ci->crls); i++) {
        struct store_crl row;
        int added = 0;
        if (store_crl_add(c->s, sk_X509_CRL_value(ci->crls, i), &added, &row, ci->e) != 0)
            return err_prefix(ci->e, "%s: CRL %d", ci->name, i + 1);
        cli_change(c, added ? CHANGE_ADDED : CHANGE_UNCHANGED, "crl", row.sha256, row.issuer, NULL);
        fprintf(ci->report, "%s  %s  from %s, %d revoked\n", added ? "imported" : "already present",
                cli_fp(row.sha256), cli_vis(row.issuer), row.entries);
        cli_item(c, &(struct cli_item){ .object = "crl",
                                        .result = added ? "imported" : "already_present",
                                        .sha256 = row.sha256, .issuer = row.issuer,
                                        .revoked = &row.entries, .file = ci->name });
    }
    return 0;
}

int cmd_crl_import(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    if (options_parse(c->argc, c->argv, NULL, pos, &npos, e) != 0)
        return -1;
    if (npos != 1)
        return err_set(e, ERR_USAGE, "usage: crl import FILE");
    unsigned char *data = NULL;
    size_t len = 0;
    if (import_read_file(pos[0], &data, &len, e) != 0)
        return -1;
    struct crl_import ci = { .name = pos[0], .e = e };
    int rc = len == 0 ? err_set(e, ERR_LOCAL, "%s: file is empty", pos[0])
                      : cli_parse_crls(data, len, pos[0], &ci.crls, e);
    free(data);
    if (rc != 0)
        return -1;
    struct cli_report rep;
    if (cli_report_open(&rep, e) != 0) {
        sk_X509_CRL_pop_free(ci.crls, X509_CRL_free);
        return -1;
    }
    ci.report = rep.f;
    rc = cli_transaction(c, run_crl_import, &ci, e);
    sk_X509_CRL_pop_free(ci.crls, X509_CRL_free);
    cli_report_close(&rep, rc == 0, e);
    return rc;
}

struct crl_print {
    int json;
    struct jw jw;
};

static int print_crl(const struct store_crl *crl, void *arg, struct err *e)
{
    (void)e;
    struct crl_print *p = arg;
    char t[40];
    if (p->json) {
        jw_begin_object(&p->jw);
        jw_kv_string(&p->jw, "sha256", crl->sha256);
        jw_kv_string(&p->jw, "issuer", crl->issuer);
        certinfo_format_iso(crl->this_update, t, sizeof t);
        jw_kv_string(&p->jw, "this_update", t);
        if (crl->next_update) {
            certinfo_format_iso(crl->next_update, t, sizeof t);
            jw_kv_string(&p->jw, "next_update", t);
        } else {
            jw_key(&p->jw, "next_update");
            jw_null(&p->jw);
        }
        jw_kv_int(&p->jw, "revoked", crl->entries);
        jw_end_object(&p->jw);
        return 0;
    }
    printf("%s  %s  %d revoked  next update ", cli_fp(crl->sha256), cli_vis(crl->issuer), crl->entries);
    if (crl->next_update)
        cli_print_time(stdout, crl->next_update);
    else
        printf("(none)");
    printf("%s\n", crl->next_update && crl->next_update < (int64_t)time(NULL) ? "  (stale)" : "");
    return 0;
}

int cmd_crl_list(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    struct crl_print p = { .json = c->json };
    if (options_parse(c->argc, c->argv, NULL, pos, &npos, e) != 0)
        return -1;
    if (npos != 0)
        return err_set(e, ERR_USAGE, "usage: crl list [--json]");
    if (cli_open(c, e) != 0)
        return -1;
    if (p.json) {
        jw_init(&p.jw, stdout);
        jw_begin_array(&p.jw);
    }
    if (store_crl_list(c->s, print_crl, &p, e) != 0)
        return -1;
    if (p.json) {
        jw_end_array(&p.jw);
        cli_json_finish(c, &p.jw);
    }
    return 0;
}

struct crl_remove {
    const char *spec;
    struct err *e;
};

static int run_crl_remove(struct cli *c, void *arg)
{
    struct crl_remove *r = arg;
    struct store_crl crl;
    if (store_crl_find(c->s, r->spec, &crl, r->e) != 0 || store_crl_remove(c->s, crl.id, r->e) != 0)
        return -1;
    cli_change(c, CHANGE_REMOVED, "crl", crl.sha256, crl.issuer, NULL);
    printf("removed  %s  %s\n", cli_fp(crl.sha256), cli_vis(crl.issuer));
    cli_item(c, &(struct cli_item){ .object = "crl", .result = "removed", .sha256 = crl.sha256,
                                    .issuer = crl.issuer, .revoked = &crl.entries });
    return 0;
}

int cmd_crl_remove(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    if (options_parse(c->argc, c->argv, NULL, pos, &npos, e) != 0)
        return -1;
    if (npos != 1)
        return err_set(e, ERR_USAGE, "usage: crl remove CRL (its SHA-256 or 8+ hex digits of it)");
    struct crl_remove r = { pos[0], e };
    return cli_transaction(c, run_crl_remove, &r, e);
}

struct audit_print {
    int json;
    struct jw jw;
    struct store *s;
};

/* The fingerprint an entry's subject names ("HEX" or "APP HEX"), if any. */
static const char *audit_fingerprint(const char *subject, char hex[65])
{
    const char *p = strrchr(subject, ' ');
    p = p ? p + 1 : subject;
    if (strlen(p) != 64 || store_normalize_fingerprint(p, hex) != 64)
        return NULL;
    return p;
}

/* The label of the certificate with this fingerprint, "" when it is gone
 * (or the fingerprint is a CRL's). */
static void audit_label(struct store *s, const char *hex, char *out, size_t outlen)
{
    struct store_cert sc;
    struct err ignored;
    out[0] = '\0';
    if (store_cert_find(s, hex, &sc, &ignored) == 0 && strcmp(sc.sha256, hex) == 0)
        snprintf(out, outlen, "%s", sc.label);
}

static int print_audit(const struct store_audit_entry *a, void *arg, struct err *e)
{
    (void)e;
    struct audit_print *p = arg;
    char t[40], hex[65], label[256] = "";
    certinfo_format_iso(a->time, t, sizeof t);
    const char *fp = audit_fingerprint(a->subject, hex);
    if (fp != NULL)
        audit_label(p->s, hex, label, sizeof label);
    if (p->json) {
        jw_begin_object(&p->jw);
        jw_kv_int(&p->jw, "id", a->id);
        jw_kv_string(&p->jw, "time", t);
        jw_kv_int(&p->jw, "uid", a->uid);
        jw_kv_string(&p->jw, "user", a->user);
        jw_key(&p->jw, "login_uid");
        if (a->login_uid >= 0)
            jw_int(&p->jw, a->login_uid);
        else
            jw_null(&p->jw);
        jw_key(&p->jw, "login_user");
        if (a->login_uid >= 0)
            jw_string(&p->jw, a->login_user);
        else
            jw_null(&p->jw);
        jw_kv_string(&p->jw, "action", a->action);
        jw_kv_string(&p->jw, "subject", a->subject);
        if (label[0] != '\0')
            jw_kv_string(&p->jw, "label", label);
        jw_end_object(&p->jw);
        return 0;
    }
    printf("%s  %s(%lld)  %s  ", t, cli_vis(a->user), (long long)a->uid, cli_vis(a->action));
    if (fp == NULL) {
        printf("%s", cli_vis(a->subject));
    } else {
        /* "APP " before the fingerprint stays; the fingerprint in text
         * form, then the certificate's label when it is still in the store. */
        char prefix[sizeof a->subject];
        snprintf(prefix, sizeof prefix, "%.*s", (int)(fp - a->subject), a->subject);
        printf("%s%s", cli_vis(prefix), cli_fp(hex));
        if (label[0] != '\0')
            printf("  (%s)", cli_vis(label));
    }
    /* Who logged in, when that was someone else (sudo, Cockpit). */
    if (a->login_uid >= 0 && a->login_uid != a->uid)
        printf("  login %s(%lld)", cli_vis(a->login_user), (long long)a->login_uid);
    putchar('\n');
    return 0;
}

int cmd_audit(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    const char *since = NULL;
    struct audit_print p = { .json = c->json };
    const struct opt opts[] = {
        { "--since", OPT_VALUE, NULL, &since },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (options_parse(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if (npos != 0)
        return err_set(e, ERR_USAGE, "usage: audit [--since T] [--json]");
    int64_t from = 0;
    if (since != NULL && since_parse(since, (int64_t)time(NULL), &from) != 0)
        return err_set(e, ERR_USAGE,
                       "--since takes a duration (30s, 15m, 12h, 7d), a date (2026-11-28, "
                       "2026-11-28T10:00) or Unix seconds, not '%s'",
                       since);
    if (cli_open(c, e) != 0)
        return -1;
    p.s = c->s;
    if (p.json) {
        jw_init(&p.jw, stdout);
        jw_begin_array(&p.jw);
    }
    if (store_audit_list(c->s, from, print_audit, &p, e) != 0)
        return -1;
    if (p.json) {
        jw_end_array(&p.jw);
        cli_json_finish(c, &p.jw);
    }
    return 0;
}

int cmd_check(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    if (options_parse(c->argc, c->argv, NULL, pos, &npos, e) != 0)
        return -1;
    if (npos != 0)
        return err_set(e, ERR_USAGE, "usage: check");
    if (cli_open(c, e) != 0)
        return -1;
    char report[1024];
    if (store_check(c->s, report, sizeof report, e) != 0)
        return -1;
    printf("%s: ok (schema version %d of %d)\n", cli_vis(c->path), store_schema_version(c->s),
           store_schema_latest());
    cli_item(c, &(struct cli_item){ .object = "store", .result = "ok", .file = c->path });
    return 0;
}

/* Every application's key file from one store's folder to another's;
 * the files of the destination's folder that belong to no application of
 * the store go. */
static int copy_key_files(struct store *s, const char *from, const char *to, int *copied,
                          struct err *e)
{
    struct store_app *apps = NULL;
    size_t n = 0;
    *copied = 0;
    if (cli_collect_apps(s, NULL, &apps, &n, e) != 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct keyfile_info ki;
        keyfile_info(from, apps[i].id, &ki);
        rc = keyfile_copy(from, to, apps[i].id, e);
        *copied += rc == 0 && ki.exists;
    }
    if (rc == 0)
        rc = keyfile_prune(to, apps, n, e);
    free(apps);
    return rc;
}

/* backup's and restore's command line: one FILE, and --force. */
static int file_and_force(struct cli *c, const char *usage, char **file, int *force, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    *force = 0;
    const struct opt opts[] = {
        { "--force", OPT_FLAG, force, NULL },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (options_parse(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if (npos != 1)
        return err_set(e, ERR_USAGE, "usage: %s", usage);
    *file = pos[0];
    return 0;
}

int cmd_backup(struct cli *c, struct err *e)
{
    char *pos[1];
    int force = 0;
    if (file_and_force(c, "backup FILE [--force]", &pos[0], &force, e) != 0)
        return -1;
    if (cli_open(c, e) != 0)
        return -1;
    if (store_backup(c->s, pos[0], force, e) != 0)
        return -1;
    /* The client certificates' keys go beside the copy, as beside the
     * store, with their modes and groups: a restored store presents the
     * same certificates. */
    int keys = 0;
    if (copy_key_files(c->s, c->path, pos[0], &keys, e) != 0) {
        (void)unlink(pos[0]);
        return err_suffix(e, ": no backup was made");
    }
    printf("backed up %s to %s", cli_vis(c->path), cli_vis(pos[0]));
    if (keys > 0) {
        char folder[4200];
        if (keyfile_folder(pos[0], folder, sizeof folder) == 0)
            printf(" and its %d key file%s to %s", keys, keys == 1 ? "" : "s", cli_vis(folder));
    }
    printf("\n");
    cli_item(c, &(struct cli_item){ .object = "store", .result = "backed_up", .file = pos[0] });
    return 0;
}

int cmd_restore(struct cli *c, struct err *e)
{
    char *pos[1];
    int force = 0;
    if (file_and_force(c, "restore FILE [--force]", &pos[0], &force, e) != 0)
        return -1;
    struct stat sb;
    if (!force && stat(c->path, &sb) == 0)
        return err_set(e, ERR_USAGE, "restore replaces everything trust store %s holds: add --force "
                       "(trustd backup makes a copy of it first)", c->path);
    /* The backup's keys must be readable before anything is replaced. */
    if (keyfile_check_all(pos[0], e) != 0)
        return err_suffix(e, ": restore as a user who may read the backup's key files; the "
                          "store was not changed");
    if (cli_open(c, e) != 0)
        return -1;
    if (store_restore(c->s, pos[0], e) != 0)
        return err_suffix(e, ": the store was not changed");
    int keys = 0;
    struct err kerr;
    err_clear(&kerr);
    int keys_ok = copy_key_files(c->s, pos[0], c->path, &keys, &kerr) == 0;
    char subject[600];
    snprintf(subject, sizeof subject, "from %s", pos[0]);
    /* Audited in the restored store, as every change is. */
    if (store_begin(c->s, e) != 0 || store_audit(c->s, "restore", subject, e) != 0 ||
        store_commit(c->s, e) != 0) {
        store_rollback(c->s);
        cli_warn("the restore was not audited: %s", e->msg);
        err_clear(e);
    }
    cli_change(c, CHANGE_UPDATED, "store", NULL, pos[0], NULL);
    c->changes.committed = 1;
    printf("restored %s from %s with %d key file%s\n", cli_vis(c->path), cli_vis(pos[0]), keys,
           keys == 1 ? "" : "s");
    cli_item(c, &(struct cli_item){ .object = "store", .result = "restored", .file = pos[0] });
    if (!keys_ok)
        return err_set(e, kerr.code, "the store was restored, but not its keys: %s; mend that "
                       "and run the restore again", kerr.msg);
    return 0;
}
