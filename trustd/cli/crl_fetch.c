/* crl_fetch: a CA's CRL from its distribution points, with libcurl. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/x509v3.h>

#include "trustd/cli/crl_fetch.h"

int crl_fetch_init(struct err *e)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return err_set(e, ERR_INTERNAL, "cannot initialise libcurl");
    return 0;
}

void crl_fetch_cleanup(void)
{
    curl_global_cleanup();
}

static int http_scheme(const char *uri)
{
    return strncasecmp(uri, "http://", 7) == 0 || strncasecmp(uri, "https://", 8) == 0;
}

int crl_fetch_uris(X509 *cert, char **out, int max)
{
    STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
    int n = 0;
    for (int i = 0; dps && i < sk_DIST_POINT_num(dps) && n < max; i++) {
        DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
        if (dp->distpoint == NULL || dp->distpoint->type != 0)
            continue;
        GENERAL_NAMES *names = dp->distpoint->name.fullname;
        for (int j = 0; j < sk_GENERAL_NAME_num(names) && n < max; j++) {
            GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, j);
            if (gn->type != GEN_URI)
                continue;
            const ASN1_IA5STRING *u = gn->d.uniformResourceIdentifier;
            int len = ASN1_STRING_length(u);
            const unsigned char *p = ASN1_STRING_get0_data(u);
            /* No NUL inside, no spaces or control bytes: a URL libcurl gets as it is. */
            int clean = len > 0 && len < 2048;
            for (int k = 0; clean && k < len; k++)
                clean = p[k] > 0x20 && p[k] < 0x7f;
            if (!clean)
                continue;
            char *s = malloc((size_t)len + 1);
            if (s == NULL)
                continue;
            memcpy(s, p, (size_t)len);
            s[len] = '\0';
            if (http_scheme(s))
                out[n++] = s;
            else
                free(s);
        }
    }
    sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
    return n;
}

struct body {
    CURL *h;
    unsigned char *data;
    size_t len, cap, max;
    int too_big;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
    struct body *b = arg;
    size_t n = size * nmemb;
    if (n > b->max - b->len) {
        b->too_big = 1;
        return 0; /* aborts the transfer */
    }
    if (b->len + n > b->cap) {
        /* The size the server announced, when it is within bounds: one
         * buffer, not a string of ever larger copies. */
        curl_off_t announced = -1;
        size_t cap = b->cap ? b->cap : 64 * 1024;
        if (b->cap == 0 && curl_easy_getinfo(b->h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced) ==
                               CURLE_OK &&
            announced > 0 && (uint64_t)announced <= b->max && (size_t)announced > cap)
            cap = (size_t)announced;
        while (cap < b->len + n)
            cap *= 2;
        if (cap > b->max)
            cap = b->max;
        unsigned char *p = realloc(b->data, cap);
        if (p == NULL)
            return 0;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    return n;
}

/* The ETag header of the answer, quotes and all, as it must come back. */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
    struct fetch_more *m = arg;
    size_t n = size * nmemb;
    if (n > 5 && strncasecmp(ptr, "etag:", 5) == 0) {
        size_t a = 5, b = n;
        while (a < b && (ptr[a] == ' ' || ptr[a] == '\t'))
            a++;
        while (b > a && (ptr[b - 1] == '\r' || ptr[b - 1] == '\n' || ptr[b - 1] == ' '))
            b--;
        int clean = b - a < sizeof m->etag;
        for (size_t i = a; clean && i < b; i++)
            clean = ptr[i] > 0x20 && ptr[i] < 0x7f;
        if (clean) {
            memcpy(m->etag, ptr + a, b - a);
            m->etag[b - a] = '\0';
        }
    }
    return n;
}

/* The given CA and nothing else: libcurl's built-in CA file and CA path
 * (Debian's: /etc/ssl/certs) would still admit every public CA. */
static CURLcode set_ca_blob(CURL *h, const char *pem)
{
    struct curl_blob blob = { .data = (void *)pem, .len = strlen(pem), .flags = CURL_BLOB_COPY };
    CURLcode rc = curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_CAINFO, NULL);
    return rc == CURLE_OK ? curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob) : rc;
}

unsigned long fetch_url_port(const char *text, unsigned flags, int *explicit_port)
{
    CURLU *u = curl_url();
    char *port = NULL;
    unsigned long p = 0;
    *explicit_port = 0;
    if (u != NULL && curl_url_set(u, CURLUPART_URL, text, flags | CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
        if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
            *explicit_port = 1;
        else
            (void)curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
    }
    if (port != NULL) {
        char *end;
        p = strtoul(port, &end, 10);
        if (*end != '\0' || p > 65535)
            p = 0;
    }
    curl_free(port);
    curl_url_cleanup(u);
    return p;
}

int crl_fetch(const char *url, const struct crl_fetch_opts *o, unsigned char **data, size_t *len,
              struct err *e)
{
    struct fetch_more m = { .user_agent = "trustd-crl-refresh" };
    return fetch_url(url, o, &m, data, len, e);
}

int fetch_url_here(const char *url, const struct crl_fetch_opts *o, struct fetch_more *m,
                   unsigned char **data, size_t *len, struct err *e)
{
    *data = NULL;
    *len = 0;
    m->etag[0] = '\0';
    m->not_modified = 0;
    int https = strncasecmp(url, "https://", 8) == 0;
    int file = m->allow_file && strncasecmp(url, "file://", 7) == 0;
    if (!https && !file && strncasecmp(url, "http://", 7) != 0)
        return err_set(e, ERR_USAGE, "%s: only http%s and https URLs are fetched", url,
                       m->allow_file ? ", file" : "");
    CURL *h = curl_easy_init();
    if (h == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    struct curl_slist *headers = NULL;
    char cond[300];
    if (!file && m->if_none_match != NULL && m->if_none_match[0] != '\0') {
        snprintf(cond, sizeof cond, "If-None-Match: %s", m->if_none_match);
        headers = curl_slist_append(NULL, cond);
    }
    struct body b = { .h = h, .max = o->max_size };
    char errbuf[CURL_ERROR_SIZE] = "";
    long timeout = o->timeout > 0 ? o->timeout : CRL_FETCH_TIMEOUT;
    long connect = o->connect > 0 ? o->connect
                   : o->stall > 0 ? o->stall
                   : timeout < CRL_FETCH_CONNECT_TIMEOUT ? timeout : CRL_FETCH_CONNECT_TIMEOUT;
    const char *scheme = file ? "file" : https ? "https" : "http";
    int ok = curl_easy_setopt(h, CURLOPT_URL, url) == CURLE_OK &&
             /* Only the URL's scheme, also after a redirect (no https -> http, no file://). */
             curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, scheme) == CURLE_OK &&
             curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, scheme) == CURLE_OK &&
             curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK &&
             curl_easy_setopt(h, CURLOPT_MAXREDIRS, 3L) == CURLE_OK &&
             curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
             curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, connect) == CURLE_OK &&
             curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout) == CURLE_OK &&
             (o->stall <= 0 ||
              (curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L) == CURLE_OK &&
               curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, o->stall) == CURLE_OK)) &&
             curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_size) == CURLE_OK &&
             curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
             curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
             (o->ca_file == NULL || curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file) == CURLE_OK) &&
             (m->ca_pem == NULL || set_ca_blob(h, m->ca_pem) == CURLE_OK) &&
             curl_easy_setopt(h, CURLOPT_USERAGENT, m->user_agent) == CURLE_OK &&
             curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK &&
             curl_easy_setopt(h, CURLOPT_HEADERDATA, m) == CURLE_OK &&
             (headers == NULL || curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers) == CURLE_OK) &&
             curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data) == CURLE_OK &&
             curl_easy_setopt(h, CURLOPT_WRITEDATA, &b) == CURLE_OK &&
             curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK;
    if (!ok) {
        curl_easy_cleanup(h);
        curl_slist_free_all(headers);
        return err_set(e, ERR_INTERNAL, "%s: cannot set up the transfer", url);
    }
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_off_t spent = 0, connected = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &spent);
    curl_easy_getinfo(h, https ? CURLINFO_APPCONNECT_TIME_T : CURLINFO_CONNECT_TIME_T, &connected);
    long redirects = 0;
    int explicit_port;
    char *last = NULL;
    curl_easy_getinfo(h, CURLINFO_REDIRECT_COUNT, &redirects);
    curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &last);
    char moved[512] = "";
    if (redirects > 0 && last != NULL)
        snprintf(moved, sizeof moved, "%s", last);
    curl_easy_cleanup(h);
    curl_slist_free_all(headers);
    if (file && rc == CURLE_OK)
        status = 200; /* file:// has no status; a read that ended is the whole file */
    int failed = -1;
    if (b.too_big || rc == CURLE_FILESIZE_EXCEEDED)
        err_set(e, ERR_CONNECT, "%s: the answer is larger than %zu bytes", url, o->max_size);
    else if (rc == CURLE_OPERATION_TIMEDOUT && o->stall > 0 && connected == 0 && !file &&
             spent < (curl_off_t)timeout * 1000000)
        err_set(e, ERR_CONNECT, "%s: no connection within %ld seconds", url, connect);
    else if (rc == CURLE_OPERATION_TIMEDOUT && o->stall > 0 && spent < (curl_off_t)timeout * 1000000)
        err_set(e, ERR_CONNECT, "%s: the server sent nothing for %ld seconds", url, o->stall);
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        err_set(e, ERR_CONNECT, "%s: no complete answer within %ld seconds", url, timeout);
    else if (rc == CURLE_UNSUPPORTED_PROTOCOL && status >= 300 && status < 400)
        err_set(e, ERR_CONNECT, "%s: redirected to another scheme (refused)", url);
    else if (rc == CURLE_COULDNT_CONNECT && moved[0] != '\0' &&
             fetch_url_port(moved, 0, &explicit_port) != fetch_url_port(url, 0, &explicit_port))
        /* The confined fetch connects only to the URL's own port. */
        err_set(e, ERR_CONNECT, "%s: redirected to %s, which could not be reached (a redirect must "
                "keep the URL's port: subscribe to the final URL)", url, moved);
    else if (rc != CURLE_OK)
        err_set(e, ERR_CONNECT, "%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
    else if (status == 304 && headers != NULL) {
        m->not_modified = 1;
        free(b.data);
        return 0;
    } else if (status != 200)
        err_set(e, ERR_CONNECT, "%s: the server answered HTTP %ld", url, status);
    else if (b.len == 0)
        err_set(e, ERR_CONNECT, "%s: the answer is empty", url);
    else
        failed = 0;
    if (failed) {
        free(b.data);
        return -1;
    }
    *data = b.data;
    *len = b.len;
    return 0;
}
