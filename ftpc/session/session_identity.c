/*
 * session_identity: the client certificates a run may present. The
 * application's, from the trust store with their keys from its key file,
 * unless --cert/--key name one for this run. Either way they are loaded
 * before any server is contacted, and a key that cannot be read is one
 * clear error, not a handshake failure later.
 */
#include <string.h>

#include "common/visible.h"
#include "ftpc/session/session_internal.h"

/* What the store said, and the two ways on. */
static int key_refused(const char *app_id, struct err *e)
{
    e->code = ERR_LOCAL;
    return err_suffix(e, "; ask the trust store's administrator about application %s's client "
                      "certificates (trustd app cert list %s), or present your own with --cert "
                      "and --key", app_id, app_id);
}

int session_identities(struct ftp_session *s, struct store *st,
                       struct tls_w_identity ids[TLS_W_IDENTITIES_MAX], int *n, struct err *e)
{
    *n = 0;
    if (s->opt.cert_file != NULL) {
        if (tls_w_identity_from_files(s->opt.cert_file, s->opt.key_file, &ids[0], e) != 0)
            return -1;
        *n = 1;
        snprintf(s->client_certs, sizeof s->client_certs, "%s (command line)", s->opt.cert_file);
        return 0;
    }
    struct store_identity found[STORE_CLIENT_CERTS_MAX];
    int count = 0;
    if (store_app_identities(st, s->opt.appid, found, &count, e) != 0)
        return key_refused(s->opt.appid, e);
    size_t used = 0;
    s->client_certs[0] = '\0';
    for (int i = 0; i < count && i < TLS_W_IDENTITIES_MAX; i++) {
        struct tls_w_identity *id = &ids[(*n)++];
        id->cert = found[i].cert;
        id->key = found[i].key;
        id->chain = found[i].chain;
        found[i].cert = NULL;
        found[i].key = NULL;
        found[i].chain = NULL;
        /* A label may come from a certificate's CN: shown as text. */
        char label[sizeof found[i].row.label * 4 + 1];
        snprintf(id->name, sizeof id->name, "'%s' (%s)",
                 visible_str(label, sizeof label, found[i].row.label), found[i].row.key_type);
        int w = snprintf(s->client_certs + used, sizeof s->client_certs - used, "%s%s",
                         used ? ", " : "", id->name);
        if (w > 0 && (size_t)w < sizeof s->client_certs - used)
            used += (size_t)w;
    }
    store_identities_free(found, count);
    if (count > 0) {
        char from[200];
        snprintf(from, sizeof from, " (application %s)", s->opt.appid);
        if (used + strlen(from) < sizeof s->client_certs)
            memcpy(s->client_certs + used, from, strlen(from) + 1);
    }
    return 0;
}

void session_note_presented(struct ftp_session *s)
{
    const char *p = tls_w_presented(s->ctrl.tls);
    if (p == NULL)
        snprintf(s->presented, sizeof s->presented, "none (the server asked; none of %s suited it)",
                 s->client_certs[0] ? s->client_certs : "no certificates");
    else if (p[0] == '\0')
        snprintf(s->presented, sizeof s->presented, "none (the server asked for none)");
    else
        snprintf(s->presented, sizeof s->presented, "%s", p);
    ctrl_trace(&s->ctrl, "---- client certificate presented: %s\n", s->presented);
}
