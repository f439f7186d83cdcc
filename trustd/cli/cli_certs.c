/* cli_certs: the certificate commands (import, list, show, export, enable,
 * disable, label, remove). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "common/certinfo.h"
#include "common/json.h"
#include "trustd/cli/cli_internal.h"
#include "trustd/store/import.h"

#define SYSTEM_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

/* One line of the import's report (kept until the commit). */
static void report_line(struct import_rules *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void report_line(struct import_rules *r, const char *fmt, ...)
{
    if (r->report == NULL && (r->report = open_memstream(&r->lines, &r->lines_len)) == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(r->report, fmt, ap);
    va_end(ap);
}

void cli_import_report(struct import_rules *r, int committed, struct err *e)
{
    if (r->report != NULL)
        fclose(r->report);
    if (committed && r->lines != NULL)
        fwrite(r->lines, 1, r->lines_len, stdout);
    free(r->lines);
    r->report = NULL;
    r->lines = NULL;
    r->lines_len = 0;
    if (committed)
        return;
    if (r->refused[0] != '\0')
        fputs(r->refused, stdout);
    char msg[ERR_MSG_MAX];
    snprintf(msg, sizeof msg, "%s", e->msg);
    err_set(e, e->code == ERR_NONE ? ERR_INTERNAL : e->code, "%s: nothing was imported", msg);
}

int cli_import_certs(struct cli *c, STACK_OF(X509) *certs, const char *name,
                     struct import_rules *r, struct err *e)
{
    time_t now = time(NULL);
    int wanted = 0;
    for (int i = 0; i < sk_X509_num(certs); i++)
        wanted += r->allow_leaf || !r->ca_only || certinfo_is_ca(sk_X509_value(certs, i));
    if (r->label != NULL && wanted > 1)
        return err_set(e, ERR_USAGE, "%s: --label names one certificate, this file holds %d", name,
                       wanted);
    int cas = 0;
    for (int i = 0; i < sk_X509_num(certs); i++)
        cas += certinfo_is_ca(sk_X509_value(certs, i));
    for (int i = 0; i < sk_X509_num(certs); i++) {
        X509 *x = sk_X509_value(certs, i);
        char hex[CERTINFO_HEX_SHA256] = "?", subject[512];
        (void)certinfo_sha256_hex(x, hex);
        certinfo_name(X509_get_subject_name(x), subject, sizeof subject);
        if (!certinfo_is_ca(x) && !r->allow_leaf) {
            if (r->ca_only) {
                report_line(r, "skipped  %s  %s  (not a CA certificate: --ca-only)\n", cli_fp(hex),
                            cli_vis(subject));
                cli_item(c, &(struct cli_item){ .object = "certificate", .result = "skipped",
                                                .sha256 = hex, .subject = subject, .file = name,
                                                .detail = "not a CA certificate: --ca-only" });
                continue;
            }
            snprintf(r->refused, sizeof r->refused, "refused  %s  %s  (not a CA certificate)\n",
                     cli_fp(hex), cli_vis(subject));
            cli_item(c, &(struct cli_item){ .object = "certificate", .result = "refused",
                                            .sha256 = hex, .subject = subject, .file = name,
                                            .detail = "not a CA certificate", .refusal = 1 });
            return err_set(e, ERR_LOCAL,
                           "%s: certificate %d (%s, SHA-256 %s) is not a CA certificate; %s",
                           name, i + 1, subject, cli_fp(hex),
                           cas > 0 ? "use --ca-only to import only the CA certificates (or "
                                     "--allow-leaf to pin this one too)"
                                   : "use --allow-leaf to pin it");
        }
        struct store_cert_opts o = { .label = r->label, .disabled = r->disabled };
        int added = 0;
        struct store_cert row;
        if (store_cert_add(c->s, x, &o, &added, &row, e) != 0) {
            snprintf(r->refused, sizeof r->refused, "refused  %s  %s  (%s)\n", cli_fp(hex),
                     cli_vis(subject), cli_vis(e->msg));
            cli_item(c, &(struct cli_item){ .object = "certificate", .result = "refused",
                                            .sha256 = hex, .subject = subject, .file = name,
                                            .detail = e->msg, .refusal = 1 });
            return err_prefix(e, "%s: certificate %d", name, i + 1);
        }
        cli_change(c, added ? CHANGE_ADDED : CHANGE_UNCHANGED, "certificate", row.sha256, row.label, NULL);
        cli_item(c, &(struct cli_item){ .object = "certificate",
                                        .result = added ? "imported" : "already_present",
                                        .sha256 = row.sha256, .label = row.label,
                                        .subject = row.subject, .enabled = &row.enabled,
                                        .file = name });
        if (!added) {
            report_line(r, "already present  %s  %s\n", cli_fp(row.sha256), cli_vis(row.subject));
            continue;
        }
        r->count_added++;
        report_line(r, "imported  %s  %s%s\n", cli_fp(row.sha256), cli_vis(row.subject),
                    row.enabled ? "" : "  (disabled)");
        if (row.not_after < (int64_t)now)
            cli_warn("%s (%s) has expired", row.label, name);
        else if (row.not_before > (int64_t)now)
            cli_warn("%s (%s) is not valid yet", row.label, name);
    }
    return 0;
}

struct import_args {
    char **files;
    int nfiles;
    struct import_rules rules;
    const char *pass_file, *pass_env;
};

static int import_file(struct cli *c, struct import_args *a, const char *path, struct err *e)
{
    unsigned char *data = NULL;
    size_t len = 0;
    if (import_read_file(path, &data, &len, e) != 0)
        return -1;
    STACK_OF(X509) *certs = NULL;
    int rc = import_parse(data, len, path, NULL, &certs, e);
    if (rc == IMPORT_NEED_PASSWORD) {
        char pw[1024];
        rc = cli_password(a->pass_file, a->pass_env, path, pw, sizeof pw, e);
        if (rc == 0)
            rc = import_parse(data, len, path, pw, &certs, e);
        secret_wipe(pw, sizeof pw);
        if (rc == IMPORT_NEED_PASSWORD)
            rc = err_set(e, ERR_LOCAL, "%s: wrong PKCS#12 password", path);
    }
    free(data);
    if (rc != 0)
        return -1;
    rc = cli_import_certs(c, certs, path, &a->rules, e);
    sk_X509_pop_free(certs, X509_free);
    return rc;
}

struct import_run {
    struct import_args *a;
    struct err *e;
};

static int import_run(struct cli *c, void *arg)
{
    struct import_run *r = arg;
    for (int i = 0; i < r->a->nfiles; i++)
        if (import_file(c, r->a, r->a->files[i], r->e) != 0)
            return -1;
    return 0;
}

int cmd_import(struct cli *c, struct err *e)
{
    struct import_args a;
    memset(&a, 0, sizeof a);
    int system = 0, enabled = 0;
    char *pos[OPTIONS_MAX_POS];
    const struct opt opts[] = {
        { "--label", OPT_VALUE, NULL, &a.rules.label },
        { "--disabled", OPT_FLAG, &a.rules.disabled, NULL },
        { "--allow-leaf", OPT_FLAG, &a.rules.allow_leaf, NULL },
        { "--ca-only", OPT_FLAG, &a.rules.ca_only, NULL },
        { "--pass-file", OPT_VALUE, NULL, &a.pass_file },
        { "--pass-env", OPT_VALUE, NULL, &a.pass_env },
        { "--system", OPT_FLAG, &system, NULL },
        { "--enabled", OPT_FLAG, &enabled, NULL },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (options_parse(c->argc, c->argv, opts, pos, &a.nfiles, e) != 0 ||
        cli_password_options(a.pass_file, a.pass_env, e) != 0)
        return -1;
    a.files = pos;
    char *system_files[1] = { (char *)SYSTEM_BUNDLE };
    if (system) {
        if (a.nfiles > 0)
            return err_set(e, ERR_USAGE, "import --system takes no file");
        /* The operating system's CAs come in disabled: trusting them all is a choice. */
        a.rules.disabled = !enabled;
        a.files = system_files;
        a.nfiles = 1;
    } else if (enabled) {
        return err_set(e, ERR_USAGE, "--enabled goes with --system (imports are enabled by default)");
    }
    if (a.nfiles == 0)
        return err_set(e, ERR_USAGE, "import: name a certificate file (or - for standard input)");
    if (a.rules.ca_only && a.rules.allow_leaf)
        return err_set(e, ERR_USAGE, "--ca-only skips what --allow-leaf would import: choose one");
    struct import_run r = { &a, e };
    int rc = cli_transaction(c, import_run, &r, e);
    /* c->s is set once the store was opened: before that nothing was
     * tried, so there is nothing to report. */
    if (c->s != NULL)
        cli_import_report(&a.rules, rc == 0, e);
    if (rc != 0)
        return -1;
    if (system)
        printf("%d certificates imported from %s%s\n", a.rules.count_added, SYSTEM_BUNDLE,
               a.rules.disabled ? " (disabled: enable the ones to trust)" : "");
    return 0;
}

/* ---- list ---- */

struct list_state {
    int json;
    int64_t expiring_before; /* 0: no filter */
    struct jw jw;
    struct store_cert *rows; /* text: kept to measure the columns */
    size_t nrows, cap;
};

static void cert_json(struct jw *j, const struct store_cert *c)
{
    char t[40];
    jw_begin_object(j);
    jw_kv_string(j, "sha256", c->sha256);
    jw_kv_string(j, "label", c->label);
    jw_kv_string(j, "subject", c->subject);
    jw_kv_string(j, "issuer", c->issuer);
    jw_kv_string(j, "serial", c->serial);
    certinfo_format_iso(c->not_before, t, sizeof t);
    jw_kv_string(j, "not_before", t);
    certinfo_format_iso(c->not_after, t, sizeof t);
    jw_kv_string(j, "not_after", t);
    jw_kv_bool(j, "is_ca", c->is_ca);
    jw_kv_bool(j, "enabled", c->enabled);
}

static int list_row(const struct store_cert *c, void *arg, struct err *e)
{
    struct list_state *st = arg;
    if (st->expiring_before && c->not_after >= st->expiring_before)
        return 0;
    if (st->json) {
        cert_json(&st->jw, c);
        jw_end_object(&st->jw);
        return 0;
    }
    if (st->nrows == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 64;
        struct store_cert *rows = realloc(st->rows, cap * sizeof *rows);
        if (rows == NULL)
            return err_set(e, ERR_INTERNAL, "out of memory");
        st->rows = rows;
        st->cap = cap;
    }
    st->rows[st->nrows++] = *c;
    return 0;
}

/* Characters a terminal shows for s (UTF-8: continuation bytes take none). */
static size_t shown_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

static void pad(const char *s, size_t width)
{
    fputs(s, stdout);
    for (size_t w = shown_width(s); w < width; w++)
        putchar(' ');
    fputs("  ", stdout);
}

/* A header and aligned columns; the subject, of any length, comes last. */
static void list_print(const struct list_state *st)
{
    size_t wlabel = strlen("LABEL");
    for (size_t i = 0; i < st->nrows; i++) {
        size_t w = shown_width(cli_vis(st->rows[i].label));
        if (w > wlabel)
            wlabel = w;
    }
    char t[64];
    certinfo_format_time(0, t, sizeof t);
    size_t wtime = strlen(t);
    pad("LABEL", wlabel);
    pad("STATE", 8);
    pad("NOT AFTER", wtime);
    pad("SHA-256", CERTINFO_COLON_SHA256 - 1);
    puts("SUBJECT");
    for (size_t i = 0; i < st->nrows; i++) {
        const struct store_cert *c = &st->rows[i];
        pad(cli_vis(c->label), wlabel);
        pad(c->enabled ? "enabled" : "disabled", 8);
        certinfo_format_time(c->not_after, t, sizeof t);
        pad(t, wtime);
        pad(cli_fp(c->sha256), CERTINFO_COLON_SHA256 - 1);
        puts(cli_vis(c->subject));
    }
}

int cmd_list(struct cli *c, struct err *e)
{
    struct list_state st;
    memset(&st, 0, sizeof st);
    const char *app = NULL, *days = NULL;
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    const struct opt opts[] = {
        { "--app", OPT_VALUE, NULL, &app },
        { "--expiring", OPT_VALUE, NULL, &days },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    st.json = c->json;
    if (options_parse(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if (npos != 0)
        return err_set(e, ERR_USAGE, "list takes no arguments but options");
    if (days != NULL) {
        char *end = NULL;
        long d = strtol(days, &end, 10);
        if (end == days || *end != '\0' || d < 0 || d > 36500)
            return err_set(e, ERR_USAGE, "--expiring takes a number of days, not '%s'", days);
        st.expiring_before = (int64_t)time(NULL) + (int64_t)d * 86400;
    }
    if (cli_open(c, e) != 0)
        return -1;
    if (st.json) {
        jw_init(&st.jw, stdout);
        jw_begin_array(&st.jw);
    }
    int rc = app ? store_app_effective(c->s, app, list_row, &st, e)
                 : store_cert_list(c->s, list_row, &st, e);
    if (rc == 0 && st.json) {
        jw_end_array(&st.jw);
        cli_json_finish(c, &st.jw);
    } else if (rc == 0) {
        list_print(&st);
    }
    free(st.rows);
    return rc;
}

/* ---- show ---- */

struct app_names {
    char text[1024];
    size_t used;
    struct jw *jw;
};

static int collect_app(const struct store_app *a, void *arg, struct err *e)
{
    (void)e;
    struct app_names *n = arg;
    if (n->jw) {
        jw_string(n->jw, a->id);
        return 0;
    }
    if (n->used < sizeof n->text) {
        int w = snprintf(n->text + n->used, sizeof n->text - n->used, "%s%s", n->used ? ", " : "",
                         a->id);
        n->used = w < 0 ? sizeof n->text : n->used + (size_t)w;
    }
    return 0;
}

static const char *key_type(EVP_PKEY *k)
{
    switch (EVP_PKEY_get_base_id(k)) {
    case EVP_PKEY_RSA:     return "RSA";
    case EVP_PKEY_EC:      return "EC";
    case EVP_PKEY_ED25519: return "Ed25519";
    case EVP_PKEY_ED448:   return "Ed448";
    case EVP_PKEY_DSA:     return "DSA";
    default:               return "other";
    }
}

static void key_usage(X509 *x, char *out, size_t outlen)
{
    static const struct { uint32_t bit; const char *name; } KU[] = {
        { KU_DIGITAL_SIGNATURE, "Digital Signature" }, { KU_NON_REPUDIATION, "Non Repudiation" },
        { KU_KEY_ENCIPHERMENT, "Key Encipherment" },   { KU_DATA_ENCIPHERMENT, "Data Encipherment" },
        { KU_KEY_AGREEMENT, "Key Agreement" },         { KU_KEY_CERT_SIGN, "Certificate Sign" },
        { KU_CRL_SIGN, "CRL Sign" },                   { KU_ENCIPHER_ONLY, "Encipher Only" },
        { KU_DECIPHER_ONLY, "Decipher Only" },
    };
    out[0] = '\0';
    if (!(X509_get_extension_flags(x) & EXFLAG_KUSAGE)) {
        snprintf(out, outlen, "absent");
        return;
    }
    uint32_t ku = X509_get_key_usage(x);
    size_t used = 0;
    for (size_t i = 0; i < sizeof KU / sizeof KU[0]; i++) {
        if (!(ku & KU[i].bit) || used >= outlen)
            continue;
        int w = snprintf(out + used, outlen - used, "%s%s", used ? ", " : "", KU[i].name);
        used = w < 0 ? outlen : used + (size_t)w;
    }
}

static void basic_constraints(X509 *x, char *out, size_t outlen, int *present, int *ca, long *pathlen)
{
    uint32_t flags = X509_get_extension_flags(x);
    *present = (flags & EXFLAG_BCONS) != 0;
    *ca = (flags & EXFLAG_CA) != 0;
    *pathlen = X509_get_pathlen(x);
    if (!*present)
        snprintf(out, outlen, "absent");
    else if (*ca && *pathlen >= 0)
        snprintf(out, outlen, "CA:TRUE, pathlen:%ld", *pathlen);
    else
        snprintf(out, outlen, "CA:%s", *ca ? "TRUE" : "FALSE");
}

/* What show prints of the certificate itself, beyond its store row. */
struct cert_details {
    const char *key_type;
    int key_bits;
    const char *signature;
    char key_usage[256];
    char basic_constraints[64];
    int bc_present, bc_ca;
    long pathlen;
    char sha1[64];      /* colon form, for text */
    char sha1_hex[64];  /* lower-case hex, for JSON */
};

static void cert_details(X509 *x, struct cert_details *d)
{
    EVP_PKEY *key = X509_get0_pubkey(x);
    d->key_type = key ? key_type(key) : "?";
    d->key_bits = key ? EVP_PKEY_get_bits(key) : 0;
    const char *sig = OBJ_nid2ln(X509_get_signature_nid(x));
    d->signature = sig ? sig : "?";
    key_usage(x, d->key_usage, sizeof d->key_usage);
    basic_constraints(x, d->basic_constraints, sizeof d->basic_constraints, &d->bc_present,
                      &d->bc_ca, &d->pathlen);
    snprintf(d->sha1, sizeof d->sha1, "?");
    snprintf(d->sha1_hex, sizeof d->sha1_hex, "?");
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (X509_digest(x, EVP_sha1(), md, &mdlen)) {
        certinfo_hex(md, mdlen, 1, d->sha1, sizeof d->sha1);
        certinfo_hex(md, mdlen, 0, d->sha1_hex, sizeof d->sha1_hex);
    }
}

/* The PEM form of x as a new string; the caller frees it. */
static char *pem_text(X509 *x, struct err *e)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *p = NULL, *text = NULL;
    long len = 0;
    if (b != NULL && PEM_write_bio_X509(b, x) == 1)
        len = BIO_get_mem_data(b, &p);
    if (len > 0)
        text = strndup(p, (size_t)len);
    BIO_free(b);
    if (text == NULL)
        err_set(e, ERR_INTERNAL, "cannot write the PEM form (out of memory)");
    return text;
}

static int show_json(struct cli *c, const struct store_cert *sc, X509 *x,
                     const struct cert_details *d, int pem, struct err *e)
{
    char *pem_form = NULL;
    if (pem && (pem_form = pem_text(x, e)) == NULL)
        return -1;
    struct jw j;
    jw_init(&j, stdout);
    cert_json(&j, sc);
    jw_kv_string(&j, "key_type", d->key_type);
    jw_kv_int(&j, "key_bits", d->key_bits);
    jw_kv_string(&j, "signature_algorithm", d->signature);
    jw_key(&j, "basic_constraints");
    jw_begin_object(&j);
    jw_kv_bool(&j, "present", d->bc_present);
    jw_kv_bool(&j, "ca", d->bc_ca);
    if (d->pathlen >= 0)
        jw_kv_int(&j, "pathlen", d->pathlen);
    jw_end_object(&j);
    jw_kv_string(&j, "key_usage", d->key_usage);
    jw_kv_string(&j, "sha1", d->sha1_hex);
    jw_key(&j, "trusted_by");
    jw_begin_array(&j);
    struct app_names n = { .jw = &j };
    int rc = store_cert_trusted_by(c->s, sc, collect_app, &n, e);
    jw_end_array(&j);
    if (pem_form != NULL)
        jw_kv_string(&j, "pem", pem_form);
    free(pem_form);
    jw_end_object(&j);
    if (rc == 0)
        cli_json_finish(c, &j);
    return rc;
}

static int show_text(struct cli *c, const struct store_cert *sc, X509 *x,
                     const struct cert_details *d, int pem, struct err *e)
{
    struct app_names n = { .jw = NULL };
    int rc = store_cert_trusted_by(c->s, sc, collect_app, &n, e);
    printf("Label:               %s\n", cli_vis(sc->label));
    printf("Subject:             %s\n", cli_vis(sc->subject));
    printf("Issuer:              %s\n", cli_vis(sc->issuer));
    printf("Serial:              %s\n", sc->serial);
    printf("Not before:          ");
    cli_print_time(stdout, sc->not_before);
    printf("\nNot after:           ");
    cli_print_time(stdout, sc->not_after);
    printf("%s\n", sc->not_after < (int64_t)time(NULL) ? "  (expired)" : "");
    printf("Key:                 %s %d bits\n", d->key_type, d->key_bits);
    printf("Signature algorithm: %s\n", d->signature);
    printf("Basic constraints:   %s\n", d->basic_constraints);
    printf("Key usage:           %s\n", d->key_usage);
    printf("SHA-256:             %s\n", cli_fp(sc->sha256));
    printf("SHA-1:               %s\n", d->sha1);
    printf("Enabled:             %s\n", sc->enabled ? "yes" : "no");
    printf("Trusted by:          %s\n", n.used ? cli_vis(n.text) : "(no application)");
    if (pem && PEM_write_X509(stdout, x) != 1)
        rc = err_set(e, ERR_LOCAL, "cannot write the PEM form");
    return rc;
}

int cmd_show(struct cli *c, struct err *e)
{
    int json = c->json, pem = 0, npos = 0;
    char *pos[OPTIONS_MAX_POS];
    const struct opt opts[] = {
        { "--pem", OPT_FLAG, &pem, NULL },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (options_parse(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if (npos != 1)
        return err_set(e, ERR_USAGE, "usage: show CERT [--json] [--pem]");
    struct store_cert sc;
    if (cli_open(c, e) != 0 || store_cert_find(c->s, pos[0], &sc, e) != 0)
        return -1;
    X509 *x = store_cert_x509(c->s, sc.id, e);
    if (x == NULL)
        return -1;
    struct cert_details d;
    cert_details(x, &d);
    int rc = json ? show_json(c, &sc, x, &d, pem, e) : show_text(c, &sc, x, &d, pem, e);
    X509_free(x);
    return rc;
}

/* ---- export ---- */

struct bundle {
    BIO *out;
    struct cli *c;
    const char *file;
    int count;
};

static void exported(struct cli *c, const struct store_cert *sc, const char *file)
{
    cli_item(c, &(struct cli_item){ .object = "certificate", .result = "exported", .sha256 = sc->sha256,
                                    .label = sc->label, .subject = sc->subject, .file = file });
}

/* One certificate of the bundle. A certificate that cannot be read fails
 * the export: a bundle without it would trust less than the application. */
static int add_to_bundle(const struct store_cert *c, void *arg, struct err *e)
{
    struct bundle *b = arg;
    X509 *x = store_cert_x509(b->c->s, c->id, e);
    if (x == NULL)
        return -1;
    /* A comment line per certificate, as in system bundles; openssl and curl skip it. */
    /* The subject made visible: a newline in it would start a line of its own. */
    int ok = BIO_printf(b->out, "# %s\n# SHA-256 %s\n", cli_vis(c->subject), cli_fp(c->sha256)) > 0 &&
             PEM_write_bio_X509(b->out, x) == 1;
    X509_free(x);
    if (!ok)
        return err_set(e, ERR_INTERNAL, "cannot encode certificate %s", cli_fp(c->sha256));
    exported(b->c, c, b->file);
    b->count++;
    return 0;
}

int cmd_export(struct cli *c, struct err *e)
{
    int der = 0, force = 0, npos = 0;
    const char *app = NULL, *out = "-";
    char *pos[OPTIONS_MAX_POS];
    const struct opt opts[] = {
        { "--der", OPT_FLAG, &der, NULL },
        { "--force", OPT_FLAG, &force, NULL },
        { "--app", OPT_VALUE, NULL, &app },
        { "--out", OPT_VALUE, NULL, &out },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (options_parse(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if ((app == NULL) == (npos == 0) || npos > 1)
        return err_set(e, ERR_USAGE, "usage: export CERT [--der] [--out FILE] | export --app ID [--out FILE]");
    if (app != NULL && der)
        return err_set(e, ERR_USAGE, "--der exports one certificate; a trust list is a PEM bundle");
    if (c->json && strcmp(out, "-") == 0)
        return err_set(e, ERR_USAGE, "export --json: name the file with --out FILE (standard output "
                                     "holds the JSON)");
    if (cli_open(c, e) != 0)
        return -1;
    BIO *mem = BIO_new(BIO_s_mem());
    if (mem == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    size_t items_before = c->items.n;
    int rc = 0;
    if (app != NULL) {
        struct bundle b = { .out = mem, .c = c, .file = out };
        rc = store_app_effective(c->s, app, add_to_bundle, &b, e);
        if (rc == 0 && b.count == 0)
            rc = err_set(e, ERR_NOTFOUND, "application '%s' trusts no certificate: nothing to export", app);
    } else {
        struct store_cert sc;
        X509 *x = NULL;
        rc = store_cert_find(c->s, pos[0], &sc, e);
        if (rc == 0 && (x = store_cert_x509(c->s, sc.id, e)) == NULL)
            rc = -1;
        if (rc == 0 && (der ? i2d_X509_bio(mem, x) : PEM_write_bio_X509(mem, x)) != 1)
            rc = err_set(e, ERR_INTERNAL, "cannot encode the certificate");
        if (rc == 0)
            exported(c, &sc, out);
        X509_free(x);
    }
    if (rc == 0) {
        char *data = NULL;
        long len = BIO_get_mem_data(mem, &data);
        rc = cli_write_file(out, data, (size_t)len, force, e);
    }
    BIO_free(mem);
    if (rc != 0)
        cli_items_rollback(c, items_before); /* nothing was written */
    return rc;
}

/* ---- enable, disable, label, remove ---- */

struct one_cert {
    const char *spec;
    const char *text;
    int flag;
    int (*apply)(struct cli *c, struct one_cert *o, const struct store_cert *sc, struct err *e);
    struct err *e;
    const char *done;
    enum cli_change_kind kind;  /* what it does to the certificate */
    FILE *report;   /* its line, printed only after the commit */
};

static int apply_enable(struct cli *c, struct one_cert *o, const struct store_cert *sc, struct err *e);

static int one_cert_run(struct cli *c, void *arg)
{
    struct one_cert *o = arg;
    struct store_cert sc;
    if (store_cert_find(c->s, o->spec, &sc, o->e) != 0)
        return -1;
    /* enable or disable of a certificate already so changes nothing and
     * writes no audit entry. */
    if (o->apply == apply_enable && sc.enabled == o->flag) {
        cli_change(c, CHANGE_UNCHANGED, "certificate", sc.sha256, sc.label, NULL);
        fprintf(o->report, "already %s  %s  %s\n", o->done, cli_fp(sc.sha256), cli_vis(sc.subject));
        char already[32];
        snprintf(already, sizeof already, "already_%s", o->done);
        cli_item(c, &(struct cli_item){ .object = "certificate", .result = already,
                                        .sha256 = sc.sha256, .label = sc.label, .subject = sc.subject });
        return 0;
    }
    if (o->apply(c, o, &sc, o->e) != 0)
        return -1;
    const char *label = o->text ? o->text : sc.label;
    cli_change(c, o->kind, "certificate", sc.sha256, label, NULL);
    fprintf(o->report, "%s  %s  %s\n", o->done, cli_fp(sc.sha256), cli_vis(sc.subject));
    cli_item(c, &(struct cli_item){ .object = "certificate", .result = o->done, .sha256 = sc.sha256,
                                    .label = label, .subject = sc.subject });
    return 0;
}

static int apply_enable(struct cli *c, struct one_cert *o, const struct store_cert *sc, struct err *e)
{
    return store_cert_set_enabled(c->s, sc->id, o->flag, e);
}

static int apply_label(struct cli *c, struct one_cert *o, const struct store_cert *sc, struct err *e)
{
    return store_cert_set_label(c->s, sc->id, o->text, e);
}

static int apply_remove(struct cli *c, struct one_cert *o, const struct store_cert *sc, struct err *e)
{
    return store_cert_remove(c->s, sc->id, o->flag, e);
}

static int one_cert_command(struct cli *c, struct err *e, const char *usage, int words,
                            const struct opt *opts, struct one_cert *o)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    if (options_parse(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if (npos != words)
        return err_set(e, ERR_USAGE, "usage: %s", usage);
    o->spec = pos[0];
    o->text = words > 1 ? pos[1] : NULL;
    o->e = e;
    struct cli_report rep;
    if (cli_report_open(&rep, e) != 0)
        return -1;
    o->report = rep.f;
    int rc = cli_transaction(c, one_cert_run, o, e);
    cli_report_close(&rep, rc == 0, e);
    return rc;
}

int cmd_enable(struct cli *c, struct err *e)
{
    struct one_cert o = { .flag = 1, .apply = apply_enable, .done = "enabled", .kind = CHANGE_UPDATED };
    return one_cert_command(c, e, "enable CERT", 1, NULL, &o);
}

int cmd_disable(struct cli *c, struct err *e)
{
    struct one_cert o = { .flag = 0, .apply = apply_enable, .done = "disabled", .kind = CHANGE_UPDATED };
    return one_cert_command(c, e, "disable CERT", 1, NULL, &o);
}

int cmd_label(struct cli *c, struct err *e)
{
    struct one_cert o = { .apply = apply_label, .done = "labelled", .kind = CHANGE_UPDATED };
    return one_cert_command(c, e, "label CERT NEW", 2, NULL, &o);
}

int cmd_remove(struct cli *c, struct err *e)
{
    struct one_cert o = { .apply = apply_remove, .done = "removed", .kind = CHANGE_REMOVED };
    const struct opt opts[] = {
        { "--force", OPT_FLAG, &o.flag, NULL },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    return one_cert_command(c, e, "remove [--force] CERT", 1, opts, &o);
}
