/* store_tls_policy: an application's TLS versions, cipher lists and SNI. */
#include <string.h>

#include "common/tls.h"
#include "trustd/store/store_internal.h"

/* OpenSSL's cipher list syntax is printable ASCII; anything else would
 * reach app show's output and the audit trail. */
static int printable(const char *s)
{
    for (; *s; s++)
        if (*s < 0x21 || *s > 0x7e)
            return 0;
    return 1;
}

static int check_version(const char *v, const char *option, struct err *e)
{
    if (v[0] != '\0' && tls_w_parse_version(v) < 0)
        return err_set(e, ERR_USAGE, "%s takes 1.2 or 1.3, not '%s'", option, v);
    return 0;
}

static int check_list(const char *list, int tls13, const char *option, struct err *e)
{
    if (list[0] == '\0')
        return 0;
    if (!printable(list))
        return err_set(e, ERR_USAGE, "%s: a cipher list is printable ASCII without spaces "
                       "(OpenSSL's syntax, e.g. ECDHE+AESGCM)", option);
    char why[256] = "";
    if (!tls_w_cipher_list_ok(list, tls13, why, sizeof why))
        return err_set(e, ERR_USAGE, "%s '%s': OpenSSL accepts no %s from it (%s)", option, list,
                       tls13 ? "TLS 1.3 cipher suite" : "TLS 1.2 cipher", why);
    return 0;
}

int store_tls_policy_check(const struct store_tls_policy *p, struct err *e)
{
    if (check_version(p->tls_min, "--tls-min", e) != 0 ||
        check_version(p->tls_max, "--tls-max", e) != 0 ||
        check_list(p->ciphers, 0, "--ciphers", e) != 0 ||
        check_list(p->ciphersuites, 1, "--ciphersuites", e) != 0)
        return -1;
    if (p->tls_min[0] && p->tls_max[0] && tls_w_parse_version(p->tls_min) > tls_w_parse_version(p->tls_max))
        return err_set(e, ERR_USAGE, "--tls-min %s is above --tls-max %s", p->tls_min, p->tls_max);
    if (p->sni != 0 && p->sni != 1)
        return err_set(e, ERR_USAGE, "--sni takes on or off");
    return 0;
}

static int audit_setting(struct store *s, const char *app_id, const char *setting, const char *was,
                         const char *now, struct err *e)
{
    if (strcmp(was, now) == 0)
        return 0;
    /* Fits the audit trail's subject (an id, a setting, a list). */
    char subject[sizeof((struct store_app *)0)->id + 16 + STORE_CIPHERS_MAX];
    snprintf(subject, sizeof subject, "%s %s %s", app_id, setting, now[0] ? now : "default");
    return store_audit(s, "app set", subject, e);
}

static int bind_or_null(sqlite3_stmt *st, int col, const char *text)
{
    return text[0] ? sqlite3_bind_text(st, col, text, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, col);
}

int store_app_set_tls_policy(struct store *s, const char *app_id, const struct store_tls_policy *p,
                             struct err *e)
{
    if (store_tls_policy_check(p, e) != 0)
        return -1;
    struct store_app app;
    if (store_app_get(s, app_id, &app, e) != 0)
        return -1;
    static const char what[] = "cannot change application";
    sqlite3_stmt *st = NULL;
    if (store_prepare_text(s,
                           "UPDATE applications SET tls_min = ?2, tls_max = ?3, ciphers = ?4, "
                           "ciphersuites = ?5, sni = ?6 WHERE id = ?1",
                           app_id, &st, what, e) != 0)
        return -1;
    if (bind_or_null(st, 2, p->tls_min) != SQLITE_OK || bind_or_null(st, 3, p->tls_max) != SQLITE_OK ||
        bind_or_null(st, 4, p->ciphers) != SQLITE_OK ||
        bind_or_null(st, 5, p->ciphersuites) != SQLITE_OK ||
        sqlite3_bind_int(st, 6, p->sni) != SQLITE_OK)
        return store_bind_failed(s, &st, what, e);
    if (store_each_row(s, st, NULL, NULL, what, e) != 0)
        return -1;
    const struct store_tls_policy *was = &app.tls;
    if (audit_setting(s, app_id, "tls-min", was->tls_min, p->tls_min, e) != 0 ||
        audit_setting(s, app_id, "tls-max", was->tls_max, p->tls_max, e) != 0 ||
        audit_setting(s, app_id, "ciphers", was->ciphers, p->ciphers, e) != 0 ||
        audit_setting(s, app_id, "ciphersuites", was->ciphersuites, p->ciphersuites, e) != 0 ||
        audit_setting(s, app_id, "sni", was->sni ? "on" : "off", p->sni ? "on" : "off", e) != 0)
        return -1;
    return 0;
}
