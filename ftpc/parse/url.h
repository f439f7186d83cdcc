/*
 * url: parses ftp://, ftps:// and ftpes:// URLs for the one-shot mode.
 * Pure. ftpes:// is explicit FTPS (AUTH TLS), ftps:// implicit, ftp://
 * clear, as curl, lftp and FileZilla read them. The path is relative to
 * the login folder (RFC 1738); a leading %2F makes it absolute. User,
 * password and path are percent-decoded; a decoded NUL, CR or LF is an
 * error (it could smuggle in a command).
 */
#ifndef FTPC_PARSE_URL_H
#define FTPC_PARSE_URL_H

#include <stddef.h>

enum url_scheme { URL_FTP, URL_FTPS, URL_FTPES };

#define URL_PATH_MAX 4096 /* the longest decoded path, with its NUL */

struct ftp_url {
    enum url_scheme scheme;
    char user[256];
    char password[256];
    int has_user, has_password;
    char host[256];
    unsigned port;   /* 0 when the URL names none */
    char path[URL_PATH_MAX]; /* decoded; "" for the login folder */
    int is_dir;      /* the URL ends with '/' (or has no path) */
};

/* 1 when s starts with one of the three schemes. */
int url_is_ftp(const char *s);

/* 0, or -1 with *why set. */
int url_parse(const char *s, struct ftp_url *u, const char **why);

/* Where the password of s's userinfo is (offset and length): 1, or 0 when
 * s holds none. */
int url_password_span(const char *s, size_t *off, size_t *len);

/* s with the password of its userinfo (if any) replaced by ****, for
 * messages; text that is not a URL is copied as it is. */
void url_redact(const char *s, char *out, size_t outlen);

#endif
