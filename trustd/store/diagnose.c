/* diagnose: the verdict on a server's chain, its cause and the fix. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "common/certinfo.h"
#include "common/chainverify.h"
#include "common/ftp_ports.h"
#include "common/net.h"
#include "common/visible.h"
#include "trustd/store/diagnose.h"
#include "trustd/store/store_internal.h"

static void add(struct diagnosis *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct diagnosis *d, const char *fmt, ...)
{
    size_t used = strlen(d->detail);
    if (used + 1 >= sizeof d->detail)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->detail + used, sizeof d->detail - used, fmt, ap);
    va_end(ap);
}

static void summary(struct diagnosis *d, enum diag_cause cause, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void summary(struct diagnosis *d, enum diag_cause cause, const char *fmt, ...)
{
    d->cause = cause;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->summary, sizeof d->summary, fmt, ap);
    va_end(ap);
}

/* A certificate's name, made visible (it comes from the server). The
 * result lives in one of eight rotating buffers. */
static const char *vis_name(const X509_NAME *n)
{
    static char bufs[8][600];
    static int next;
    char raw[512];
    certinfo_name(n, raw, sizeof raw);
    char *b = bufs[next++ % 8];
    return visible_str(b, sizeof bufs[0], raw);
}

static const char *vis_text(const char *s)
{
    static char bufs[4][1100];
    static int next;
    char *b = bufs[next++ % 4];
    return visible_str(b, sizeof bufs[0], s);
}

/* A fingerprint as text shows it (AB:CD:..., as OpenSSL prints it); the
 * commands to paste keep the plain hex, which every command accepts. */
static const char *fp_text(const char *hex)
{
    static char bufs[4][CERTINFO_COLON_SHA256];
    static int next;
    char *b = bufs[next++ % 4];
    char h[CERTINFO_HEX_SHA256];
    snprintf(h, sizeof h, "%s", hex);
    certinfo_colon_form(h, b);
    return b;
}

static const char *date_of(const ASN1_TIME *t)
{
    static char bufs[4][64];
    static int next;
    char *b = bufs[next++ % 4];
    int64_t v = 0;
    if (t == NULL || certinfo_time(t, &v) != 0)
        snprintf(b, sizeof bufs[0], "?");
    else
        certinfo_format_time(v, b, sizeof bufs[0]);
    return b;
}

static const char *time_of(int64_t v)
{
    static char bufs[4][64];
    static int next;
    char *b = bufs[next++ % 4];
    certinfo_format_time(v, b, sizeof bufs[0]);
    return b;
}

/* " --store PATH" when the store is not the default one, so the commands
 * work as pasted. */
static const char *store_opt(const struct store *s)
{
    static char buf[4200];
    store_command_option(s->path, buf, sizeof buf);
    return buf;
}

/* "HOST:PORT" for a probe command; [V6]:PORT for IPv6 literals. */
static const char *host_port(const struct diag_target *t)
{
    static char buf[300];
    if (t->host == NULL) {
        snprintf(buf, sizeof buf, "HOST:PORT");
    } else if (strchr(t->host, ':') != NULL || t->port != 0) {
        /* An IPv6 literal needs its port to be told apart from it. */
        char where[280];
        net_host_port(vis_text(t->host), t->port ? t->port : ftp_default_port(t->implicit), where,
                      sizeof where);
        snprintf(buf, sizeof buf, "%s%s", where, t->implicit ? " --implicit" : "");
    } else {
        snprintf(buf, sizeof buf, "%s", vis_text(t->host));
    }
    return buf;
}

static X509 *path_at(STACK_OF(X509) *path, int depth)
{
    return path != NULL && depth >= 0 && depth < sk_X509_num(path) ? sk_X509_value(path, depth) : NULL;
}

static int self_issued(X509 *x)
{
    return X509_check_issued(x, x) == X509_V_OK;
}

/* The store's certificate with that fingerprint; 0 when found. */
static int store_row_of(struct store *s, X509 *x, struct store_cert *row)
{
    char hex[CERTINFO_HEX_SHA256];
    struct err ignored;
    if (certinfo_sha256_hex(x, hex) != 0)
        return -1;
    return store_cert_find(s, hex, row, &ignored);
}

/* Looks for the store's certificates that issued x: by subject name, then
 * the signature. The first found (an enabled one if any) goes to row. */
struct issuer_search {
    struct store *s;
    X509 *child;
    char name[512];
    int found;
    struct store_cert row;
};

static int try_issuer(const struct store_cert *c, void *arg, struct err *e)
{
    (void)e;
    struct issuer_search *is = arg;
    if (strcmp(c->subject, is->name) != 0 || (is->found && is->row.enabled))
        return 0;
    struct err ignored;
    X509 *x = store_cert_x509(is->s, c->id, &ignored);
    if (x != NULL && X509_check_issued(x, is->child) == X509_V_OK && X509_cmp(x, is->child) != 0) {
        is->found = 1;
        is->row = *c;
    }
    X509_free(x);
    return 0;
}

static int store_issuer_of(struct store *s, X509 *child, struct store_cert *row)
{
    struct issuer_search is = { .s = s, .child = child };
    certinfo_name(X509_get_issuer_name(child), is.name, sizeof is.name);
    struct err ignored;
    if (store_cert_list(s, try_issuer, &is, &ignored) != 0 || !is.found)
        return -1;
    *row = is.row;
    return 0;
}

struct member_search {
    int64_t id;
    int found;
};

static int is_member(const struct store_cert *c, void *arg, struct err *e)
{
    (void)e;
    struct member_search *m = arg;
    if (c->id != m->id)
        return 0;
    m->found = 1;
    return 1;
}

static int on_list(struct store *s, const char *app_id, int64_t id)
{
    struct member_search m = { .id = id };
    struct err ignored;
    /* A list that cannot be read holds nothing this diagnosis can name. */
    if (store_app_list_members(s, app_id, is_member, &m, &ignored) != 0)
        return 0;
    return m.found;
}

static int crl_of_text(struct store *s, const char *issuer, struct store_crl *row);

static void describe_row(struct diagnosis *d, const char *what, const struct store_cert *row)
{
    add(d, "  %s: %s\n    label \"%s\", SHA-256 %s, %s\n", what, vis_text(row->subject),
        vis_text(row->label), fp_text(row->sha256), row->enabled ? "enabled" : "disabled");
}

/* The chain does not reach an anchor of the application: find the CA that
 * would, and say where it stands in the store. */
static void issuer_cause(struct store *s, const struct diag_target *t, const struct store_app *app,
                         STACK_OF(X509) *chain, const struct chain_result *r, struct diagnosis *d)
{
    STACK_OF(X509) *path = r->path;
    int n = path ? sk_X509_num(path) : 0;
    X509 *leaf = sk_X509_value(chain, 0);
    const char *app_id = t->app_id;
    const char *so = store_opt(s);
    /* The server's CAs in the path, nearest first, then the issuer of the top. */
    for (int i = 1; i <= n; i++) {
        struct store_cert row;
        X509 *x = i < n ? path_at(path, i) : NULL;
        int have;
        if (x != NULL) {
            have = store_row_of(s, x, &row) == 0;
        } else {
            X509 *top = path_at(path, n - 1);
            if (top == NULL || self_issued(top))
                break;
            have = store_issuer_of(s, top, &row) == 0;
        }
        if (!have)
            continue;
        int member = app->trust_list_defined && on_list(s, app_id, row.id);
        if (!row.enabled) {
            summary(d, DIAG_ISSUER_DISABLED,
                    "the CA %s that %s is in the trust store but disabled", vis_text(row.subject),
                    i == 1 ? "issued it" : "its chain leads to");
            describe_row(d, "the CA", &row);
            add(d, "  enable it:\n    trustd%s enable %s\n", so, row.sha256);
            if (app->trust_list_defined && !member)
                add(d, "  and put it on %s's CA trust list:\n    trustd%s app trust %s %s\n",
                    vis_text(app_id), so, vis_text(app_id), row.sha256);
            return;
        }
        if (app->trust_list_defined && !member) {
            summary(d, DIAG_NOT_ON_LIST,
                    "the CA %s that %s is in the trust store but not on application %s's CA "
                    "trust list",
                    vis_text(row.subject), i == 1 ? "issued it" : "its chain leads to",
                    vis_text(app_id));
            describe_row(d, "the CA", &row);
            add(d, "  put it on the list:\n    trustd%s app trust %s %s\n", so, vis_text(app_id),
                row.sha256);
            X509 *leaf_issuer = path_at(path, 1);
            if (i > 1 && leaf_issuer != NULL && !self_issued(leaf_issuer)) {
                char hex[CERTINFO_HEX_SHA256] = "?";
                (void)certinfo_sha256_hex(leaf_issuer, hex);
                add(d, "  or trust only the CA that issued it, %s (SHA-256 %s):\n"
                       "    trustd%s probe --app %s %s --trust-issuer --expect-sha256 %s\n",
                    vis_name(X509_get_subject_name(leaf_issuer)), fp_text(hex), so, vis_text(app_id),
                    host_port(t), hex);
            }
            return;
        }
        if (member && strcmp(row.subject, row.issuer) != 0 &&
            strcmp(app->crl_policy, "none") != 0 && store_anchor_revoked(s, app_id, row.id)) {
            struct store_crl crl;
            int crl_known = crl_of_text(s, row.issuer, &crl) == 0;
            summary(d, DIAG_REVOKED,
                    "the CA %s on application %s's CA trust list is revoked by the CRL of %s in "
                    "the trust store",
                    vis_text(row.subject), vis_text(app_id), vis_text(row.issuer));
            describe_row(d, "the CA", &row);
            if (crl_known)
                add(d, "  by the CRL of %s, SHA-256 %s, issued %s\n", vis_text(crl.issuer),
                    fp_text(crl.sha256), time_of(crl.this_update));
            add(d, "  it cannot be trusted any more: take it off the list and trust its "
                   "successor\n");
            return;
        }
        if (!app->trust_list_defined && !row.is_ca)
            continue;
        /* Enabled and usable, but not an anchor by itself (an issuing CA
         * without a trust list): what is missing is above it. */
    }
    X509 *top = path_at(path, n - 1);
    if (top == NULL)
        top = leaf;
    int top_self = self_issued(top);
    X509 *leaf_issuer = n > 1 ? path_at(path, 1) : NULL;
    if (top_self && top == leaf) {
        summary(d, DIAG_ISSUER_UNKNOWN,
                "it is self-signed, and the trust store does not hold it (no CA vouches for it)");
    } else if (top_self) {
        summary(d, DIAG_ISSUER_UNKNOWN, "the root CA it was sent with, %s, is not in the trust store",
                vis_name(X509_get_subject_name(top)));
    } else {
        summary(d, DIAG_ISSUER_UNKNOWN, "the CA that issued %s, %s, is not in the trust store",
                top == leaf ? "it" : vis_name(X509_get_subject_name(top)),
                vis_name(X509_get_issuer_name(top)));
    }
    if (!app->trust_list_defined && n > 1) {
        struct store_cert row;
        if (store_row_of(s, leaf_issuer, &row) == 0 && row.enabled)
            add(d, "  its issuing CA %s is in the store, but without a CA trust list only "
                   "self-signed roots are anchors for %s\n",
                vis_text(row.subject), vis_text(app_id));
    }
    if (!t->probing)
        add(d, "  see what the server sends and which certificate to import:\n    trustd%s probe --app "
               "%s %s\n",
            so, vis_text(app_id), host_port(t));
    if (top_self && top != leaf) {
        char hex[CERTINFO_HEX_SHA256] = "?";
        (void)certinfo_sha256_hex(top, hex);
        add(d, "  import the root CA it sent (after checking its SHA-256 %s with its publisher):\n"
               "    trustd%s probe --app %s %s --import-root --expect-sha256 %s\n",
            fp_text(hex), so, vis_text(app_id), host_port(t), hex);
    }
    if (leaf_issuer != NULL && !self_issued(leaf_issuer)) {
        char hex[CERTINFO_HEX_SHA256] = "?";
        (void)certinfo_sha256_hex(leaf_issuer, hex);
        add(d, "  or trust only the CA that issued it, %s (SHA-256 %s), for %s:\n"
               "    trustd%s probe --app %s %s --trust-issuer --expect-sha256 %s\n",
            vis_name(X509_get_subject_name(leaf_issuer)), fp_text(hex), vis_text(app_id), so,
            vis_text(app_id), host_port(t), hex);
    }
    if (top_self && top == leaf)
        add(d, "  or, to pin this one server, save its certificate and import it:\n"
               "    trustd%s import --allow-leaf FILE\n", so);
    else
        add(d, "  or import %s from a file its publisher gives you:\n    trustd%s import FILE\n",
            top_self ? "that root CA" : "the CA that issued it", so);
}

/* The names a server certificate holds, for a host-name mismatch. */
static void names_held(X509 *leaf, char *out, size_t outlen)
{
    out[0] = '\0';
    size_t used = 0;
    GENERAL_NAMES *sans = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans); i++) {
        GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
        char one[300] = "";
        if (g->type == GEN_DNS) {
            const unsigned char *p = ASN1_STRING_get0_data(g->d.dNSName);
            int len = ASN1_STRING_length(g->d.dNSName);
            char raw[256];
            snprintf(raw, sizeof raw, "%.*s", len < 255 ? len : 255, (const char *)p);
            snprintf(one, sizeof one, "DNS:%s", vis_text(raw));
        } else if (g->type == GEN_IPADD) {
            char *ip = i2s_ASN1_OCTET_STRING(NULL, g->d.iPAddress);
            unsigned char *b = g->d.iPAddress->data;
            if (g->d.iPAddress->length == 4)
                snprintf(one, sizeof one, "IP:%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
            else
                snprintf(one, sizeof one, "IP:%s", ip ? ip : "?");
            OPENSSL_free(ip);
        }
        if (one[0] && used + strlen(one) + 3 < outlen)
            used += (size_t)snprintf(out + used, outlen - used, "%s%s", used ? ", " : "", one);
    }
    GENERAL_NAMES_free(sans);
    char cn[256];
    certinfo_cn(leaf, cn, sizeof cn);
    if (used + strlen(cn) + 60 < outlen)
        snprintf(out + used, outlen - used, "%ssubject CN %s%s", used ? "; " : "", vis_text(cn),
                 sans ? " (not used for the name check: it has subjectAltNames)" : "");
}

/* The CRL in the store issued by the CA named issuer (the newest). */
struct crl_search {
    char issuer[512];
    int found;
    struct store_crl row;
};

static int try_crl(const struct store_crl *c, void *arg, struct err *e)
{
    (void)e;
    struct crl_search *cs = arg;
    if (strcmp(c->issuer, cs->issuer) == 0 && (!cs->found || c->this_update > cs->row.this_update)) {
        cs->found = 1;
        cs->row = *c;
    }
    return 0;
}

static int crl_of_text(struct store *s, const char *issuer, struct store_crl *row)
{
    struct crl_search cs = { .found = 0 };
    snprintf(cs.issuer, sizeof cs.issuer, "%s", issuer);
    struct err ignored;
    if (store_crl_list(s, try_crl, &cs, &ignored) != 0 || !cs.found)
        return -1;
    *row = cs.row;
    return 0;
}

static int crl_of(struct store *s, const X509_NAME *issuer, struct store_crl *row)
{
    char name[512];
    certinfo_name(issuer, name, sizeof name);
    return crl_of_text(s, name, row);
}

static const char *which(int depth)
{
    return depth == 0 ? "the server's certificate" : "a CA certificate in its chain";
}

static void key_text(X509 *x, char *out, size_t outlen)
{
    EVP_PKEY *k = X509_get0_pubkey(x);
    if (k == NULL)
        snprintf(out, outlen, "an unreadable key");
    else
    {
        int id = EVP_PKEY_get_base_id(k);
        const char *kind = id == EVP_PKEY_RSA ? "RSA" : id == EVP_PKEY_EC ? "EC"
                           : id == EVP_PKEY_DSA ? "DSA" : OBJ_nid2sn(id);
        snprintf(out, outlen, "%s, %d bits (%d bits of security)", kind, EVP_PKEY_get_bits(k),
                 EVP_PKEY_get_security_bits(k));
    }
}

static void cause_of(struct store *s, const struct diag_target *t, const struct store_app *app,
                     STACK_OF(X509) *chain, const struct chain_result *r, struct diagnosis *d)
{
    X509 *leaf = sk_X509_value(chain, 0);
    X509 *x = path_at(r->path, r->depth);
    if (x == NULL)
        x = r->depth == 0 ? leaf : NULL;
    const char *so = store_opt(s);
    switch (r->error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        issuer_cause(s, t, app, chain, r, d);
        return;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID: {
        int expired = r->error == X509_V_ERR_CERT_HAS_EXPIRED;
        const char *when = x ? date_of(expired ? X509_get0_notAfter(x) : X509_get0_notBefore(x)) : "?";
        if (r->depth == 0)
            summary(d, expired ? DIAG_EXPIRED : DIAG_NOT_YET_VALID, "it %s %s",
                    expired ? "expired on" : "is not valid before", when);
        else
            summary(d, expired ? DIAG_EXPIRED : DIAG_NOT_YET_VALID, "the CA %s in its chain %s %s",
                    x ? vis_name(X509_get_subject_name(x)) : "?",
                    expired ? "expired on" : "is not valid before", when);
        if (x != NULL)
            add(d, "  valid from %s to %s (%s)\n", date_of(X509_get0_notBefore(x)),
                date_of(X509_get0_notAfter(x)), which(r->depth));
        add(d, "  %s\n", expired ? "ask the server's administrator to renew it (or check this "
                                   "machine's clock)"
                                 : "check this machine's clock, or ask the server's administrator");
        return;
    }
    case X509_V_ERR_CERT_REVOKED: {
        struct store_crl crl;
        const char *who = x ? vis_name(X509_get_subject_name(x)) : "?";
        char serial[128] = "?";
        if (x != NULL)
            certinfo_serial(x, serial, sizeof serial);
        if (x != NULL && crl_of(s, X509_get_issuer_name(x), &crl) == 0) {
            summary(d, DIAG_REVOKED, "%s is revoked by the CRL of %s in the trust store",
                    r->depth == 0 ? "it" : who, vis_text(crl.issuer));
            add(d, "  revoked: %s, serial %s\n  by the CRL of %s, SHA-256 %s, issued %s\n", who,
                serial, vis_text(crl.issuer), fp_text(crl.sha256), time_of(crl.this_update));
        } else {
            summary(d, DIAG_REVOKED, "%s is revoked", r->depth == 0 ? "it" : who);
        }
        add(d, "  the server needs a new certificate: ask its administrator\n");
        return;
    }
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID: {
        const char *ca = x ? vis_name(X509_get_issuer_name(x)) : "?";
        if (r->error == X509_V_ERR_UNABLE_TO_GET_CRL) {
            summary(d, DIAG_NO_CRL,
                    "application %s requires a CRL for every CA (revocation policy %s), and the "
                    "trust store has none from %s",
                    vis_text(t->app_id), app->crl_policy, ca);
            add(d, "  the CA without a CRL: %s (it issued %s)\n", ca,
                x ? vis_name(X509_get_subject_name(x)) : "?");
        } else {
            struct store_crl crl;
            int have = x != NULL && crl_of(s, X509_get_issuer_name(x), &crl) == 0;
            summary(d, DIAG_CRL_EXPIRED, "the trust store's CRL from %s is %s", ca,
                    r->error == X509_V_ERR_CRL_HAS_EXPIRED ? "out of date" : "not valid yet");
            if (have)
                add(d, "  CRL SHA-256 %s, issued %s, next update %s\n", fp_text(crl.sha256),
                    time_of(crl.this_update), crl.next_update ? time_of(crl.next_update) : "none");
        }
        add(d, "  import a current CRL from %s:\n    trustd%s crl import FILE\n", ca, so);
        if (strcmp(app->crl_policy, "required") == 0 && r->error == X509_V_ERR_UNABLE_TO_GET_CRL)
            add(d, "  or check CRLs only where the store has one:\n    trustd%s app set %s --crl "
                   "if-present\n",
                so, vis_text(t->app_id));
        return;
    }
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH: {
        char names[1500];
        names_held(leaf, names, sizeof names);
        if (r->cn_rule) {
            summary(d, DIAG_CN_RULE, "%s", CHAIN_CN_RULE_REASON);
            add(d, "  it names: %s\n  ask the server's administrator for a certificate that names "
                   "%s in a subjectAltName\n",
                names, t->host ? vis_text(t->host) : "the host");
            return;
        }
        summary(d, DIAG_HOST_MISMATCH, "it does not name %s (host name mismatch)",
                t->host ? vis_text(t->host) : "the host");
        add(d, "  it names: %s\n  connect with a name it holds, or ask the server's "
               "administrator for a certificate that names %s\n",
            names, t->host ? vis_text(t->host) : "the host");
        return;
    }
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_CA_MD_TOO_WEAK: {
        char key[200] = "?";
        if (x != NULL)
            key_text(x, key, sizeof key);
        if (r->error == X509_V_ERR_CA_MD_TOO_WEAK)
            summary(d, DIAG_WEAK, "%s is signed with a weak digest (%s)",
                    r->depth == 0 ? "it" : (x ? vis_name(X509_get_subject_name(x)) : "?"),
                    x ? OBJ_nid2ln(X509_get_signature_nid(x)) : "?");
        else
            summary(d, DIAG_WEAK, "%s has a weak key: %s (at least 2048-bit RSA or a 256-bit "
                                  "EC key is needed)",
                    r->depth == 0 ? "it" : (x ? vis_name(X509_get_subject_name(x)) : "?"), key);
        add(d, "  OpenSSL: %s\n  ask the server's administrator for a certificate with a "
               "stronger key and SHA-256 signatures\n",
            X509_verify_cert_error_string(r->error));
        return;
    }
    default:
        summary(d, DIAG_OTHER, "%s", r->why);
        return;
    }
}

int diagnose_chain(struct store *s, const struct diag_target *t, STACK_OF(X509) *chain,
                   struct diagnosis *d, struct err *e)
{
    memset(d, 0, sizeof *d);
    if (chain == NULL || sk_X509_num(chain) < 1)
        return err_set(e, ERR_USAGE, "no certificate to judge");
    X509 *leaf = sk_X509_value(chain, 0);
    struct store_app app;
    if (store_app_get(s, t->app_id, &app, e) != 0)
        return -1;
    char subject[600], hex[CERTINFO_HEX_SHA256] = "?", colon[CERTINFO_COLON_SHA256] = "?";
    snprintf(subject, sizeof subject, "%s", vis_name(X509_get_subject_name(leaf)));
    if (certinfo_sha256_hex(leaf, hex) == 0)
        certinfo_colon_form(hex, colon);
    add(d, "  subject: %s\n  issuer: %s\n  SHA-256: %s\n", subject,
        vis_name(X509_get_issuer_name(leaf)), colon);
    add(d, "  trust store: %s, application %s (%s, revocation policy %s)\n", vis_text(s->path),
        vis_text(t->app_id),
        app.trust_list_defined ? "its CA trust list" : "no CA trust list: every enabled root CA",
        app.crl_policy);
    X509_STORE *xs = NULL;
    int count = 0;
    struct err why;
    if (store_app_trust_anchors(s, t->app_id, &xs, &count, &why) != 0) {
        if (why.code == ERR_NOTFOUND || why.code == ERR_INTERNAL) {
            *e = why;
            return -1;
        }
        /* It trusts nothing: judged against no anchor, so the cause still
         * names the CA to import. */
        add(d, "  %s\n", vis_text(why.msg));
        xs = X509_STORE_new();
        if (xs == NULL)
            return err_set(e, ERR_INTERNAL, "out of memory");
    }
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    for (int i = 1; untrusted && i < sk_X509_num(chain); i++)
        sk_X509_push(untrusted, sk_X509_value(chain, i));
    if (untrusted == NULL) {
        X509_STORE_free(xs);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    struct chain_result r;
    int ok = chain_verify_ex(xs, leaf, untrusted, t->host, &r) == 0;
    sk_X509_free(untrusted);
    X509_STORE_free(xs);
    if (ok) {
        d->cause = DIAG_TRUSTED;
        snprintf(d->summary, sizeof d->summary, "trusted");
        d->path = r.path;
        r.path = NULL;
    } else {
        cause_of(s, t, &app, chain, &r, d);
    }
    chain_result_free(&r);
    return 0;
}

void diagnosis_free(struct diagnosis *d)
{
    sk_X509_pop_free(d->path, X509_free);
    d->path = NULL;
}

int diagnose_refusal(const char *path, const struct diag_target *t, STACK_OF(X509) *chain,
                     struct err *e)
{
    struct store *s = NULL;
    struct err ignored;
    if (chain == NULL || store_open(path, STORE_READ_ONLY, &s, &ignored) != 0)
        return -1;
    struct diagnosis *d = calloc(1, sizeof *d);
    int rc = -1;
    if (d != NULL && diagnose_chain(s, t, chain, d, &ignored) == 0 && d->cause != DIAG_TRUSTED) {
        char head[300];
        snprintf(head, sizeof head, "%s", t->host ? vis_text(t->host) : "the server");
        /* The detail ends in a newline; the message does not. */
        size_t n = strlen(d->detail);
        if (n > 0 && d->detail[n - 1] == '\n')
            d->detail[n - 1] = '\0';
        err_set(e, ERR_TLS, "server certificate for %s not trusted: %s\n%s", head, d->summary,
                d->detail);
        rc = 0;
    }
    if (d != NULL)
        diagnosis_free(d);
    free(d);
    store_close(s);
    return rc;
}
