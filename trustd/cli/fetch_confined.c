/* fetch_confined: a CRL or fleet fetch with libcurl in a confined child. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "trustd/cli/confined.h"
#include "trustd/cli/crl_fetch.h"

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

/* A proxy libcurl would use (its own variables; HTTP_PROXY it ignores). */
static int proxy_set(void)
{
    static const char *const names[] = { "http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy",
                                         "ALL_PROXY" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = getenv(names[i]);
        if (v != NULL && v[0] != '\0')
            return 1;
    }
    return 0;
}

/* What the child needs beyond the system's files: the URL's port (a
 * redirect to another fails), or any when a proxy is set; the CA file;
 * a file:// URL's file (decoded as libcurl decodes it). */
static int limits_for(const char *url, const struct crl_fetch_opts *o, struct confined_limits *l,
                      struct err *e)
{
    confined_limits_system(l);
    l->threads = 1; /* libcurl's threaded resolver */
    if (o->ca_file != NULL)
        confined_read(l, o->ca_file);
    CURLU *u = curl_url();
    char *port = NULL, *path = NULL;
    int file = strncasecmp(url, "file://", 7) == 0;
    int ok = u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
             (file ? curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) == CURLUE_OK
                   : curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK);
    if (ok && path != NULL)
        confined_read(l, path);
    if (ok && port != NULL) {
        char *end;
        unsigned long p = strtoul(port, &end, 10);
        ok = *end == '\0' && p > 0 && p < 65536;
        l->port = proxy_set() ? 0 : (unsigned)p;
    }
    curl_free(port);
    curl_free(path);
    curl_url_cleanup(u);
    return ok ? 0 : err_set(e, ERR_USAGE, "%s: not a URL libcurl can read", url);
}

int fetch_url(const char *url, const struct crl_fetch_opts *o, struct fetch_more *m,
              unsigned char **data, size_t *len, struct err *e)
{
    *data = NULL;
    *len = 0;
    m->etag[0] = '\0';
    m->not_modified = 0;
    struct confined_limits l;
    if (limits_for(url, o, &l, e) != 0)
        return -1;
    /* libcurl keeps to its own time-outs; a child that outlives them is ended. */
    long timeout = o->timeout > 0 ? o->timeout : CRL_FETCH_TIMEOUT;
    long long limit_ms = ((long long)timeout + o->connect + o->stall + 5) * 1000;
    struct fetch_job j = { url, o, m };
    struct buf b;
    struct answer a;
    if (confined_run(url, &l, fetch_work, &j, limit_ms, o->max_size + sizeof m->etag + 16, &b, &a, e) != 0)
        return -1;
    uint32_t not_modified;
    const unsigned char *etag, *body;
    size_t etag_len, body_len;
    int ok = answer_take_u32(&a, &not_modified) == 0 && not_modified <= 1 &&
             answer_take_bytes(&a, sizeof m->etag - 1, &etag, &etag_len) == 0 &&
             answer_take_bytes(&a, o->max_size, &body, &body_len) == 0 && a.left == 0 &&
             (not_modified || body_len > 0);
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
