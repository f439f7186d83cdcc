/* fetch_confined: a CRL or fleet fetch with libcurl in a confined child. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "trustd/cli/confined.h"
#include "trustd/cli/crl_fetch.h"
#include "trustd/store/import.h"

struct fetch_job {
    const char *url;
    const struct crl_fetch_opts *o;
    struct fetch_more *m;
};

/* In the child, confined: the fetch; then u32 not-modified, the ETag and
 * the body, each as u32 length and bytes. */
static int fetch_work(void *arg, struct buf *out, struct err *e)
{
    struct fetch_job *j = arg;
    unsigned char *data = NULL;
    size_t len = 0;
    if (fetch_url_here(j->url, j->o, j->m, &data, &len, e) != 0)
        return -1;
    int rc = answer_put_u32(out, (size_t)j->m->not_modified) == 0 &&
                     answer_put_bytes(out, j->m->etag, strlen(j->m->etag)) == 0 &&
                     answer_put_bytes(out, data, len) == 0
                 ? 0
                 : err_set(e, ERR_INTERNAL, "%s: the answer is too large to hand over", j->url);
    free(data);
    return rc;
}

/* The proxies libcurl would use (its own variables; HTTP_PROXY it
 * ignores): their ports join the URL's (a proxy without one may be
 * reached at libcurl's default 1080 or its scheme's). -1 when one cannot
 * be read: then any port. */
static int proxy_ports(struct confined_limits *l)
{
    static const char *const names[] = { "http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy",
                                         "ALL_PROXY" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = getenv(names[i]);
        if (v == NULL || v[0] == '\0')
            continue;
        int explicit_port;
        unsigned long p = fetch_url_port(v, CURLU_GUESS_SCHEME, &explicit_port);
        if (p == 0 || confined_port(l, p) != 0 ||
            (!explicit_port && (confined_port(l, 1080) != 0 || confined_port(l, 443) != 0)))
            return -1;
    }
    return 0;
}

/* What the child needs beyond the system's files: the URL's port (a
 * redirect to another fails) and a proxy's; a file:// URL's file
 * (decoded as libcurl decodes it). The CA file it gets as text. */
static int limits_for(const char *url, struct confined_limits *l, struct err *e)
{
    confined_limits_system(l);
    l->threads = 1; /* libcurl's threaded resolver */
    if (strncasecmp(url, "file://", 7) == 0) {
        /* No network bytes to parse, and the file may be root's own: it
         * stays root, reading only that file; TCP to DNS alone. */
        l->keep_root = 1;
        (void)confined_port(l, 53);
        CURLU *u = curl_url();
        char *path = NULL;
        int ok = u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
                 curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) == CURLUE_OK;
        if (ok)
            confined_read(l, path);
        curl_free(path);
        curl_url_cleanup(u);
        return ok ? 0 : err_set(e, ERR_CONNECT, "%s: not a URL libcurl can read", url);
    }
    int explicit_port;
    unsigned long port = fetch_url_port(url, 0, &explicit_port);
    if (port == 0 || confined_port(l, port) != 0)
        return err_set(e, ERR_CONNECT, "%s: not a URL libcurl can read", url);
    if (proxy_ports(l) != 0)
        l->n_ports = 0; /* a proxy of a form not read here: any port */
    return 0;
}

int fetch_url(const char *url, const struct crl_fetch_opts *o, struct fetch_more *m,
              unsigned char **data, size_t *len, struct err *e)
{
    *data = NULL;
    *len = 0;
    m->etag[0] = '\0';
    m->not_modified = 0;
    struct confined_limits l;
    if (limits_for(url, &l, e) != 0)
        return -1;
    /* The CA file is read here: the child, nobody when root runs this,
     * may not be able to, and gets its text (only it, as the file alone
     * was meant: no CA path beside it). */
    struct crl_fetch_opts co = *o;
    struct fetch_more cm = *m;
    unsigned char *ca = NULL;
    size_t ca_len = 0;
    if (o->ca_file != NULL && m->ca_pem == NULL) {
        if (import_read_file(o->ca_file, &ca, &ca_len, e) != 0)
            return err_prefix(e, "%s: the CA file", url);
        char *text = realloc(ca, ca_len + 1);
        if (text == NULL) {
            free(ca);
            return err_set(e, ERR_INTERNAL, "out of memory");
        }
        text[ca_len] = '\0';
        ca = (unsigned char *)text;
        cm.ca_pem = text;
        co.ca_file = NULL;
    }
    /* libcurl keeps to its own time-out, which bounds the whole transfer;
     * a child that outlives it (and the hand-over) is ended. */
    long timeout = o->timeout > 0 ? o->timeout : CRL_FETCH_TIMEOUT;
    struct fetch_job j = { url, &co, &cm };
    struct buf b;
    struct answer a;
    /* The margin covers handing the body over: a second per 16 MiB. */
    long long margin = 5 + (long long)(o->max_size >> 24);
    int rc = confined_run(url, &l, fetch_work, &j, ((long long)timeout + margin) * 1000,
                          o->max_size + sizeof m->etag + 16, &b, &a, e);
    free(ca);
    if (rc != 0)
        return -1;
    uint32_t not_modified;
    const unsigned char *etag, *body;
    size_t etag_len, body_len;
    int ok = answer_take_u32(&a, &not_modified) == 0 && not_modified <= 1 &&
             answer_take_bytes(&a, sizeof m->etag - 1, &etag, &etag_len) == 0 &&
             answer_take_bytes(&a, o->max_size, &body, &body_len) == 0 && a.left == 0 &&
             /* Not modified only when asked, and then with no body. */
             (not_modified ? body_len == 0 && m->if_none_match != NULL && m->if_none_match[0] != '\0'
                           : body_len > 0);
    for (size_t i = 0; ok && i < etag_len; i++) /* as on_header keeps it: printable, no spaces */
        ok = etag[i] > 0x20 && etag[i] < 0x7f;
    if (ok && body_len > 0) {
        *data = malloc(body_len);
        ok = *data != NULL;
        if (ok)
            memcpy(*data, body, body_len);
    }
    if (ok) {
        m->not_modified = (int)not_modified;
        memcpy(m->etag, etag, etag_len);
        m->etag[etag_len] = '\0';
        *len = body_len;
    }
    buf_free(&b);
    return ok ? 0 : err_set(e, ERR_INTERNAL, "%s: its confined process gave no usable answer", url);
}
