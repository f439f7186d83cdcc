/*
 * crl_fetch: gets a CA's CRL from its CRL distribution points, over HTTP or
 * HTTPS (libcurl), with bounds: a largest size, a connect and a total
 * time-out, redirects only to the same scheme, HTTPS verified against the
 * system CA bundle or a given file. Only trustd's crl refresh uses it; the
 * store library (and so ftpc) does not link libcurl.
 */
#ifndef TRUSTD_CLI_CRL_FETCH_H
#define TRUSTD_CLI_CRL_FETCH_H

#include <stddef.h>

#include <openssl/x509.h>

#include "common/err.h"

#define CRL_FETCH_MAX_SIZE (10u * 1024 * 1024) /* 10 MiB */
#define CRL_FETCH_TIMEOUT 30L                  /* seconds, the whole transfer */
#define CRL_FETCH_CONNECT_TIMEOUT 10L          /* seconds, at most the total */
#define CRL_FETCH_MAX_URIS 8

struct crl_fetch_opts {
    long timeout;        /* seconds for the whole transfer */
    size_t max_size;     /* bytes */
    const char *ca_file; /* NULL: the system CA bundle */
    /* When > 0: seconds to connect (TLS included) and the longest the
     * server may send nothing; timeout then only bounds a trickle. A busy
     * machine makes a transfer slow, not silent, so it is not cut off. */
    long stall;
    long connect;        /* seconds to connect, TLS included; 0: as said above */
};

/* Once per process, before the first crl_fetch. 0 or -1. */
int crl_fetch_init(struct err *e);
void crl_fetch_cleanup(void);

/* The http:// and https:// URIs (full names) of the certificate's CRL
 * distribution points, in order, at most max; the caller frees each with
 * free(). Returns how many (0 when there are none). */
int crl_fetch_uris(X509 *cert, char **out, int max);

/* Fetches url into *data (the caller frees it). Anything but a 200 answer,
 * a body over max_size, a time-out or an unverified HTTPS server is an
 * error naming the URL. libcurl, its TLS and HTTP run in a confined child
 * (confined.h): it reads the system's files, the CA file and a file://
 * URL's file, connects to the URL's port and a proxy's, writes nothing,
 * and hands the body back over a pipe. */
int crl_fetch(const char *url, const struct crl_fetch_opts *o, unsigned char **data, size_t *len,
              struct err *e);

/* The same fetch for a fleet's sync (cli_fleet.c), with more: file://
 * URLs too when allow_file, a conditional request (If-None-Match) and
 * the answer's ETag. A 304 answer is no error: *not_modified is 1 and
 * *data NULL. The user agent names the caller. */
struct fetch_more {
    int allow_file;
    const char *user_agent;
    const char *ca_pem;        /* the HTTPS server's CA as PEM text; NULL: o->ca_file */
    const char *if_none_match; /* NULL or "": none */
    char etag[256];            /* out: the answer's ETag, "" when none */
    int not_modified;          /* out */
};
int fetch_url(const char *url, const struct crl_fetch_opts *o, struct fetch_more *m,
              unsigned char **data, size_t *len, struct err *e);

/* The port of a URL, or of a proxy with flags CURLU_GUESS_SCHEME (its
 * scheme's default when none, *explicit_port 0 then): 0 when it cannot
 * be read. */
unsigned long fetch_url_port(const char *text, unsigned flags, int *explicit_port);

/* The same in this process: the child's part (crl_fetch.c; fetch_url is
 * in fetch_confined.c). */
int fetch_url_here(const char *url, const struct crl_fetch_opts *o, struct fetch_more *m,
                   unsigned char **data, size_t *len, struct err *e);

#endif
