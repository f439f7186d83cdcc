/*
 * cli_app_certs: the client certificates of an application (app cert
 * assign, list, remove, export, group). The certificates go into the store;
 * their keys into the application's key file beside it (keyfile.h), which
 * is written before the assignment commits (a failed commit leaves an
 * unused key there, never a certificate without its key) and after a
 * removal commits (a failure leaves an unused key behind, said as a
 * warning).
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "common/certinfo.h"
#include "common/json.h"
#include "trustd/cli/cli_internal.h"
#include "trustd/store/identity.h"
#include "trustd/store/import.h"
#include "trustd/store/keyfile.h"

/* "ftpjobs" or "1001" as a group id; "none" is KEYFILE_PRIVATE. */
static int parse_group(const char *text, long *gid, struct err *e)
{
    if (strcmp(text, "none") == 0) {
        *gid = KEYFILE_PRIVATE;
        return 0;
    }
    struct group *g = getgrnam(text);
    if (g != NULL) {
        *gid = (long)g->gr_gid;
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long v = text[0] >= '0' && text[0] <= '9' ? strtol(text, &end, 10) : -1;
    if (v < 0 || end == NULL || *end != '\0' || errno != 0)
        return err_set(e, ERR_USAGE, "--group %s: no such group (give a group name or number, or "
                       "none for a key only its owner reads)", text);
    *gid = v;
    return 0;
}

struct key_rows {
    const struct keyfile *old;
    EVP_PKEY *extra;
    EVP_PKEY *keys[KEYFILE_KEYS_MAX];
    int n;
    const char *app;
};

/* The key among the file's, or extra, whose public key is sha's. */
static EVP_PKEY *key_named(const struct keyfile *kf, EVP_PKEY *extra, const char *sha)
{
    EVP_PKEY *k = keyfile_find(kf, sha);
    char hex[65];
    if (k == NULL && extra != NULL && identity_key_sha256(extra, hex) == 0 && strcmp(hex, sha) == 0)
        k = extra;
    return k;
}

static int key_of_row(const struct store_client_cert *cc, void *arg, struct err *e)
{
    (void)e;
    struct key_rows *k = arg;
    EVP_PKEY *key = key_named(k->old, k->extra, cc->key_sha256);
    if (key == NULL)
        cli_warn("the key of client certificate '%s' of application %s is missing: assign it again",
                 cc->label, k->app);
    else if (k->n < KEYFILE_KEYS_MAX)
        k->keys[k->n++] = key;
    return 0;
}

/* The application's key file made to hold exactly the keys of its
 * certificates in the store (extra: a key not yet in the file). */
static int rewrite_keys(struct cli *c, const char *app, EVP_PKEY *extra, long gid, struct err *e)
{
    struct keyfile old = { .n = 0 };
    if (keyfile_read(c->path, app, &old, e) != 0) {
        if (e->code != ERR_NOTFOUND)
            return -1;
        err_clear(e);
    }
    struct key_rows k = { .old = &old, .extra = extra, .app = app };
    int rc = store_client_cert_list(c->s, app, key_of_row, &k, e);
    if (rc == 0)
        rc = keyfile_write(c->path, app, k.keys, k.n, gid, e);
    keyfile_clear(&old);
    return rc;
}

static void print_key_file(FILE *f, const char *store, const char *app)
{
    struct keyfile_info ki;
    keyfile_info(store, app, &ki);
    if (ki.exists)
        fprintf(f, "key file %s (mode %04o, %s:%s)\n", cli_vis(ki.path), ki.mode, cli_vis(ki.owner),
                cli_vis(ki.group));
}

/* ---- assign ---- */

struct assign {
    const char *app, *file, *label;
    long gid;
    struct identity id;
    struct store_client_cert row;
    int added;
    int key_back;   /* it was assigned, its key missing from the key file */
    struct err *e;
};

static int run_assign(struct cli *c, void *arg)
{
    struct assign *a = arg;
    if (store_client_cert_add(c->s, a->app, a->id.cert, a->id.chain, a->id.key, a->label, &a->added,
                              &a->row, a->e) != 0)
        return -1;
    /* Already assigned: its key may have gone from the file (assigning
     * it again is how it comes back). */
    int key_back = 0;
    if (!a->added) {
        struct keyfile kf = { .n = 0 };
        struct err ignored;
        if (keyfile_read(c->path, a->app, &kf, &ignored) != 0 || kf.n == 0 ||
            keyfile_find(&kf, a->row.key_sha256) == NULL)
            key_back = 1;
        keyfile_clear(&kf);
    }
    if (a->added || key_back || a->gid != KEYFILE_KEEP) {
        if (rewrite_keys(c, a->app, a->id.key, a->gid, a->e) != 0)
            return -1;
    }
    a->key_back = key_back;
    cli_change(c, a->added ? CHANGE_ADDED : key_back ? CHANGE_UPDATED : CHANGE_UNCHANGED,
               "client certificate", a->row.sha256, a->row.label, a->app);
    cli_item(c, &(struct cli_item){ .object = "client certificate",
                                    .result = a->added ? "assigned" : key_back ? "key_restored"
                                                                              : "already_assigned",
                                    .application = a->app, .sha256 = a->row.sha256,
                                    .label = a->row.label, .subject = a->row.subject,
                                    .issuer = a->row.issuer, .file = a->file });
    return 0;
}

/* The file's certificate and key, asking for a password when it needs one. */
static int read_identity(const char *file, const char *pass_file, const char *pass_env,
                         struct identity *id, struct err *e)
{
    unsigned char *data = NULL;
    size_t len = 0;
    if (import_read_file(file, &data, &len, e) != 0)
        return -1;
    char pass[1024];
    const char *given = NULL;
    int rc = 0;
    if (pass_file != NULL || pass_env != NULL) {
        rc = cli_password(pass_file, pass_env, file, pass, sizeof pass, e);
        given = pass;
    }
    if (rc == 0)
        rc = identity_parse(data, len, file, given, id, e);
    if (rc == IMPORT_NEED_PASSWORD && given == NULL) {
        rc = cli_password(NULL, NULL, file, pass, sizeof pass, e);
        if (rc == 0)
            rc = identity_parse(data, len, file, pass, id, e);
    }
    if (rc == IMPORT_NEED_PASSWORD)
        rc = err_set(e, ERR_LOCAL, "%s: the password does not open it", file);
    OPENSSL_cleanse(pass, sizeof pass);
    OPENSSL_cleanse(data, len);
    free(data);
    return rc;
}

static int cert_assign(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    const char *group = NULL, *pass_file = NULL, *pass_env = NULL;
    struct assign a = { .gid = KEYFILE_KEEP, .e = e };
    const struct opt opts[] = {
        { "--label", OPT_VALUE, NULL, &a.label },
        { "--group", OPT_VALUE, NULL, &group },
        { "--pass-file", OPT_VALUE, NULL, &pass_file },
        { "--pass-env", OPT_VALUE, NULL, &pass_env },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (options_parse(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if (npos != 2)
        return err_set(e, ERR_USAGE, "usage: app cert assign ID FILE [--label L] [--group G] "
                       "[--pass-file F | --pass-env VAR]");
    if (cli_password_options(pass_file, pass_env, e) != 0)
        return -1;
    if (group != NULL && parse_group(group, &a.gid, e) != 0)
        return -1;
    a.app = pos[0];
    a.file = pos[1];
    if (read_identity(a.file, pass_file, pass_env, &a.id, e) != 0)
        return -1;
    /* Said of the file before the store opens (the store checks again). */
    if (identity_check(a.id.cert, a.id.key, a.file, (int64_t)time(NULL), e) != 0) {
        identity_free(&a.id);
        return -1;
    }
    int rc = cli_transaction(c, run_assign, &a, e);
    identity_free(&a.id);
    if (rc != 0)
        return -1;
    if (a.key_back)
        printf("client certificate '%s' of application %s has its key again\n",
               cli_vis(a.row.label), cli_vis(a.app));
    else if (!a.added)
        printf("client certificate '%s' is already assigned to application %s\n",
               cli_vis(a.row.label), cli_vis(a.app));
    else
        printf("assigned client certificate '%s' (%s, SHA-256 %s) to application %s as number %d\n",
               cli_vis(a.row.label), a.row.key_type, cli_fp(a.row.sha256), cli_vis(a.app),
               a.row.position);
    print_key_file(stdout, c->path, a.app);
    return 0;
}

/* ---- list ---- */

struct listing {
    int json;
    struct jw jw;
    int count;
};

static int list_row(const struct store_client_cert *cc, void *arg, struct err *e)
{
    (void)e;
    struct listing *l = arg;
    l->count++;
    char nb[64], na[64], at[64];
    if (l->json) {
        struct jw *j = &l->jw;
        certinfo_format_iso(cc->not_before, nb, sizeof nb);
        certinfo_format_iso(cc->not_after, na, sizeof na);
        certinfo_format_iso(cc->assigned_at, at, sizeof at);
        jw_begin_object(j);
        jw_kv_int(j, "position", cc->position);
        jw_kv_string(j, "label", cc->label);
        jw_kv_string(j, "sha256", cc->sha256);
        jw_kv_string(j, "subject", cc->subject);
        jw_kv_string(j, "issuer", cc->issuer);
        jw_kv_string(j, "not_before", nb);
        jw_kv_string(j, "not_after", na);
        jw_kv_string(j, "key_type", cc->key_type);
        jw_kv_string(j, "key_sha256", cc->key_sha256);
        jw_kv_int(j, "chain", cc->chain);
        jw_kv_string(j, "assigned_at", at);
        jw_end_object(j);
        return 0;
    }
    certinfo_format_time(cc->not_after, na, sizeof na);
    printf("%d. %s  %s  expires %s  SHA-256 %s\n", cc->position, cli_vis(cc->label), cc->key_type,
           na, cli_fp(cc->sha256));
    printf("   subject %s\n   issuer  %s\n", cli_vis(cc->subject), cli_vis(cc->issuer));
    if (cc->chain > 0)
        printf("   sent with %d chain certificate%s\n", cc->chain, cc->chain == 1 ? "" : "s");
    return 0;
}

static int cert_list(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    struct listing l = { .json = c->json };
    if (options_parse(c->argc, c->argv, NULL, pos, &npos, e) != 0)
        return -1;
    if (npos != 1)
        return err_set(e, ERR_USAGE, "usage: app cert list ID [--json]");
    if (cli_open(c, e) != 0)
        return -1;
    struct keyfile_info ki;
    keyfile_info(c->path, pos[0], &ki);
    if (l.json) {
        jw_init(&l.jw, stdout);
        jw_begin_object(&l.jw);
        jw_kv_string(&l.jw, "application", pos[0]);
        jw_key(&l.jw, "key_file");
        jw_begin_object(&l.jw);
        jw_kv_string(&l.jw, "path", ki.path);
        jw_kv_bool(&l.jw, "exists", ki.exists);
        if (ki.exists) {
            char mode[8];
            snprintf(mode, sizeof mode, "%04o", ki.mode);
            jw_kv_string(&l.jw, "mode", mode);
            jw_kv_string(&l.jw, "owner", ki.owner);
            jw_kv_string(&l.jw, "group", ki.group);
        }
        jw_end_object(&l.jw);
        jw_key(&l.jw, "certificates");
        jw_begin_array(&l.jw);
    }
    if (store_client_cert_list(c->s, pos[0], list_row, &l, e) != 0)
        return -1;
    if (l.json) {
        jw_end_array(&l.jw);
        jw_end_object(&l.jw);
        cli_json_finish(c, &l.jw);
        return 0;
    }
    if (l.count == 0)
        printf("application %s has no client certificates (trustd app cert assign %s FILE)\n",
               cli_vis(pos[0]), cli_vis(pos[0]));
    else
        print_key_file(stdout, c->path, pos[0]);
    return 0;
}

/* app show's part: the labels in text, the rows in JSON. */
struct show_rows {
    struct jw *j;
    int count;
};

static int show_row(const struct store_client_cert *cc, void *arg, struct err *e)
{
    (void)e;
    struct show_rows *r = arg;
    r->count++;
    if (r->j == NULL) {
        char na[64];
        certinfo_format_time(cc->not_after, na, sizeof na);
        printf("  %d. %s (%s, expires %s)\n", cc->position, cli_vis(cc->label), cc->key_type, na);
        return 0;
    }
    char na[64];
    certinfo_format_iso(cc->not_after, na, sizeof na);
    jw_begin_object(r->j);
    jw_kv_int(r->j, "position", cc->position);
    jw_kv_string(r->j, "label", cc->label);
    jw_kv_string(r->j, "sha256", cc->sha256);
    jw_kv_string(r->j, "key_type", cc->key_type);
    jw_kv_string(r->j, "not_after", na);
    jw_end_object(r->j);
    return 0;
}

int cli_show_client_certs(struct cli *c, const char *app_id, struct jw *j, struct err *e)
{
    struct show_rows r = { j, 0 };
    if (j != NULL) {
        jw_key(j, "client_certificates");
        jw_begin_array(j);
    } else {
        printf("Client certificates:\n");
    }
    if (store_client_cert_list(c->s, app_id, show_row, &r, e) != 0)
        return -1;
    if (j != NULL)
        jw_end_array(j);
    else if (r.count == 0)
        printf("  (none)\n");
    return 0;
}

/* ---- remove, group ---- */

struct one_client {
    const char *app, *spec;
    long gid;
    struct store_client_cert row;
    struct err *e;
};

static int run_remove(struct cli *c, void *arg)
{
    struct one_client *o = arg;
    if (store_client_cert_find(c->s, o->app, o->spec, &o->row, o->e) != 0 ||
        store_client_cert_remove(c->s, o->app, &o->row, o->e) != 0)
        return -1;
    cli_change(c, CHANGE_REMOVED, "client certificate", o->row.sha256, o->row.label, o->app);
    cli_item(c, &(struct cli_item){ .object = "client certificate", .result = "removed",
                                    .application = o->app, .sha256 = o->row.sha256,
                                    .label = o->row.label, .subject = o->row.subject });
    return 0;
}

static int run_drop_key(struct cli *c, void *arg)
{
    struct one_client *o = arg;
    return rewrite_keys(c, o->app, NULL, KEYFILE_KEEP, o->e);
}

static int cert_remove(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    if (options_parse(c->argc, c->argv, NULL, pos, &npos, e) != 0)
        return -1;
    if (npos != 2)
        return err_set(e, ERR_USAGE, "usage: app cert remove ID CERT");
    struct one_client o = { .app = pos[0], .spec = pos[1], .e = e };
    if (cli_transaction(c, run_remove, &o, e) != 0)
        return -1;
    printf("removed client certificate '%s' from application %s\n", cli_vis(o.row.label),
           cli_vis(o.app));
    /* Committed: the key goes from the file too, under the store's write
     * lock (a transaction of its own), so that no assignment running
     * meanwhile loses its key to this rewrite. */
    struct err kerr;
    err_clear(&kerr);
    o.e = &kerr;
    if (cli_transaction(c, run_drop_key, &o, &kerr) != 0)
        cli_warn("%s: its key is still in the key file", kerr.msg);
    return 0;
}

static int run_group(struct cli *c, void *arg)
{
    struct one_client *o = arg;
    struct store_app app;
    if (store_app_get(c->s, o->app, &app, o->e) != 0 ||
        rewrite_keys(c, o->app, NULL, o->gid, o->e) != 0)
        return -1;
    char subject[300];
    snprintf(subject, sizeof subject, "%s key file group %s", o->app, o->spec);
    if (store_audit(c->s, "app cert group", subject, o->e) != 0)
        return -1;
    cli_change(c, CHANGE_UPDATED, "key file", NULL, o->spec, o->app);
    cli_item(c, &(struct cli_item){ .object = "key file", .result = "updated", .application = o->app,
                                    .detail = o->spec });
    return 0;
}

static int cert_group(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    if (options_parse(c->argc, c->argv, NULL, pos, &npos, e) != 0)
        return -1;
    if (npos != 2)
        return err_set(e, ERR_USAGE, "usage: app cert group ID GROUP|none");
    struct one_client o = { .app = pos[0], .spec = pos[1], .e = e };
    if (parse_group(pos[1], &o.gid, e) != 0 || cli_transaction(c, run_group, &o, e) != 0)
        return -1;
    print_key_file(stdout, c->path, o.app);
    return 0;
}

/* ---- export ---- */

/* A new password for an exported key: from a file or variable, else asked
 * twice. Never empty. */
static int new_password(const char *pass_file, const char *pass_env, char *out, size_t outlen,
                        struct err *e)
{
    if (pass_file != NULL || pass_env != NULL) {
        if (cli_password(pass_file, pass_env, "the exported key", out, outlen, e) != 0)
            return -1;
    } else {
        char again[1024];
        if (cli_password(NULL, NULL, "the exported key (new)", out, outlen, e) != 0 ||
            cli_password(NULL, NULL, "the exported key (again)", again, sizeof again, e) != 0)
            return -1;
        int same = strcmp(out, again) == 0;
        OPENSSL_cleanse(again, sizeof again);
        if (!same)
            return err_set(e, ERR_USAGE, "the two passwords differ: nothing was exported");
    }
    if (out[0] == '\0')
        return err_set(e, ERR_USAGE, "an exported private key needs a password that is not empty");
    return 0;
}

struct export {
    const char *app, *spec;
    struct store_client_cert row;
    struct identity id;
    int with_key;
    struct err *e;
};

static int load_export(struct cli *c, void *arg)
{
    struct export *x = arg;
    if (store_client_cert_find(c->s, x->app, x->spec, &x->row, x->e) != 0 ||
        store_client_cert_load(c->s, x->row.id, &x->id.cert, &x->id.chain, x->e) != 0)
        return -1;
    if (!x->with_key)
        return 0;
    struct keyfile kf = { .n = 0 };
    if (keyfile_read(c->path, x->app, &kf, x->e) != 0)
        return -1;
    EVP_PKEY *k = keyfile_find(&kf, x->row.key_sha256);
    if (k != NULL && EVP_PKEY_up_ref(k))
        x->id.key = k;
    keyfile_clear(&kf);
    if (x->id.key == NULL)
        return err_set(x->e, ERR_LOCAL, "the key of client certificate '%s' is not in application "
                       "%s's key file", x->row.label, x->app);
    char subject[700];
    snprintf(subject, sizeof subject, "%s client certificate %s %s with its key", x->app,
             x->row.label, x->row.sha256);
    return store_audit(c->s, "app cert export", subject, x->e);
}

static int cert_export(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0, force = 0;
    const char *out = "-", *pass_file = NULL, *pass_env = NULL;
    struct export x = { .e = e };
    const struct opt opts[] = {
        { "--out", OPT_VALUE, NULL, &out },
        { "--force", OPT_FLAG, &force, NULL },
        { "--with-key", OPT_FLAG, &x.with_key, NULL },
        { "--pass-file", OPT_VALUE, NULL, &pass_file },
        { "--pass-env", OPT_VALUE, NULL, &pass_env },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (options_parse(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if (npos != 2)
        return err_set(e, ERR_USAGE, "usage: app cert export ID CERT [--out FILE] [--force] "
                       "[--with-key [--pass-file F | --pass-env VAR]]");
    if (cli_password_options(pass_file, pass_env, e) != 0)
        return -1;
    if (!x.with_key && (pass_file || pass_env))
        return err_set(e, ERR_USAGE, "--pass-file and --pass-env set the password of --with-key's "
                       "PKCS#12 file");
    if (x.with_key && strcmp(out, "-") == 0 && isatty(STDOUT_FILENO))
        return err_set(e, ERR_USAGE, "--with-key writes a PKCS#12 file: give --out FILE");
    if (c->json && strcmp(out, "-") == 0)
        return err_set(e, ERR_USAGE, "with --json, export writes to a file: give --out FILE");
    x.app = pos[0];
    x.spec = pos[1];
    char pass[1024] = "";
    if (x.with_key && new_password(pass_file, pass_env, pass, sizeof pass, e) != 0) {
        OPENSSL_cleanse(pass, sizeof pass);
        return -1;
    }
    /* With the key: read-write, for the audit trail's line. */
    c->writes = x.with_key;
    int rc = x.with_key ? cli_transaction(c, load_export, &x, e)
                        : cli_open(c, e) == 0 ? load_export(c, &x) : -1;
    unsigned char *data = NULL;
    size_t len = 0;
    BIO *mem = NULL;
    if (rc == 0 && x.with_key) {
        rc = identity_to_p12(&x.id, x.row.label, pass, &data, &len, e);
        if (rc == 0)
            rc = cli_write_file_mode(out, data, len, 0600, force, e);
        OPENSSL_clear_free(data, len);
    } else if (rc == 0) {
        mem = BIO_new(BIO_s_mem());
        int ok = mem != NULL && PEM_write_bio_X509(mem, x.id.cert) == 1;
        for (int i = 0; ok && i < sk_X509_num(x.id.chain); i++)
            ok = PEM_write_bio_X509(mem, sk_X509_value(x.id.chain, i)) == 1;
        char *pem = NULL;
        long plen = ok ? BIO_get_mem_data(mem, &pem) : 0;
        rc = ok ? cli_write_file(out, pem, (size_t)plen, force, e)
                : err_set(e, ERR_INTERNAL, "cannot encode the certificate");
    }
    BIO_free(mem);
    OPENSSL_cleanse(pass, sizeof pass);
    identity_free(&x.id);
    if (rc == 0)
        cli_item(c, &(struct cli_item){ .object = "client certificate", .result = "exported",
                                        .application = x.app, .sha256 = x.row.sha256,
                                        .label = x.row.label, .file = out,
                                        .detail = x.with_key ? "with its private key" : NULL });
    if (rc == 0 && x.with_key && strcmp(out, "-") != 0)
        fprintf(stderr, "trustd: wrote client certificate '%s' with its private key to %s (mode "
                "0600)\n", cli_vis(x.row.label), cli_vis(out));
    return rc;
}

/* ---- the group's dispatch ---- */

struct sub {
    const char *word;
    const char *action; /* for the hooks */
    int writes;
    int (*fn)(struct cli *c, struct err *e);
};

static const struct sub SUBS[] = {
    { "assign", "app cert assign", 1, cert_assign },
    { "list", "app cert list", 0, cert_list },
    { "remove", "app cert remove", 1, cert_remove },
    { "export", "app cert export", 0, cert_export },
    { "group", "app cert group", 1, cert_group },
};

int cmd_app_cert(struct cli *c, struct err *e)
{
    for (size_t i = 0; c->argc > 0 && i < sizeof SUBS / sizeof SUBS[0]; i++)
        if (strcmp(c->argv[0], SUBS[i].word) == 0) {
            c->writes = SUBS[i].writes;
            c->action = SUBS[i].action;
            c->argc--;
            c->argv++;
            return SUBS[i].fn(c, e);
        }
    return err_set(e, ERR_USAGE, "usage: app cert assign|list|remove|export|group ID ... "
                   "(trustd help app cert)");
}
