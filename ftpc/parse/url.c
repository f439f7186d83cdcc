/* url: FTP URL parsing. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ftpc/parse/url.h"

static const struct {
    const char *prefix;
    enum url_scheme scheme;
} SCHEMES[] = {
    { "ftp://", URL_FTP },
    { "ftps://", URL_FTPS },
    { "ftpes://", URL_FTPES },
};

int url_is_ftp(const char *s)
{
    for (size_t i = 0; i < sizeof SCHEMES / sizeof SCHEMES[0]; i++)
        if (strncasecmp(s, SCHEMES[i].prefix, strlen(SCHEMES[i].prefix)) == 0)
            return 1;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes n bytes of s into out (size outlen). */
static int decode(const char *s, size_t n, char *out, size_t outlen, const char **why)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = hi >= 0 ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                *why = "bad percent-encoding";
                return -1;
            }
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0' || c == '\r' || c == '\n') {
            *why = "NUL, CR or LF in the URL";
            return -1;
        }
        if (o + 1 >= outlen) {
            *why = "URL part too long";
            return -1;
        }
        out[o++] = c;
    }
    out[o] = '\0';
    return 0;
}

int url_parse(const char *s, struct ftp_url *u, const char **why)
{
    memset(u, 0, sizeof *u);
    const char *p = NULL;
    for (size_t i = 0; i < sizeof SCHEMES / sizeof SCHEMES[0] && p == NULL; i++) {
        size_t n = strlen(SCHEMES[i].prefix);
        if (strncasecmp(s, SCHEMES[i].prefix, n) == 0) {
            u->scheme = SCHEMES[i].scheme;
            p = s + n;
        }
    }
    if (p == NULL) {
        *why = "not an ftp://, ftps:// or ftpes:// URL";
        return -1;
    }
    const char *slash = strchr(p, '/');
    const char *auth_end = slash ? slash : p + strlen(p);
    /* userinfo: the last '@' before the path (a password may hold '@' only encoded). */
    const char *at = NULL;
    for (const char *q = p; q < auth_end; q++)
        if (*q == '@')
            at = q;
    if (at != NULL) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        const char *user_end = colon ? colon : at;
        if (decode(p, (size_t)(user_end - p), u->user, sizeof u->user, why) != 0)
            return -1;
        u->has_user = 1;
        if (colon != NULL) {
            if (decode(colon + 1, (size_t)(at - colon - 1), u->password, sizeof u->password, why) != 0)
                return -1;
            u->has_password = 1;
        }
        p = at + 1;
    }
    /* host, [v6] or name, then :port */
    const char *host_end;
    if (*p == '[') {
        const char *close = memchr(p, ']', (size_t)(auth_end - p));
        if (close == NULL) {
            *why = "unclosed [ in the host";
            return -1;
        }
        if ((size_t)(close - p - 1) >= sizeof u->host) {
            *why = "host name too long";
            return -1;
        }
        memcpy(u->host, p + 1, (size_t)(close - p - 1));
        u->host[close - p - 1] = '\0';
        host_end = close + 1;
    } else {
        host_end = memchr(p, ':', (size_t)(auth_end - p));
        if (host_end == NULL)
            host_end = auth_end;
        if ((size_t)(host_end - p) >= sizeof u->host) {
            *why = "host name too long";
            return -1;
        }
        memcpy(u->host, p, (size_t)(host_end - p));
        u->host[host_end - p] = '\0';
    }
    if (u->host[0] == '\0') {
        *why = "no host in the URL";
        return -1;
    }
    for (const char *h = u->host; *h; h++) {
        if (*h == '%' || *h == ' ' || *h == '@' || (unsigned char)*h < 0x21) {
            *why = "bad character in the host";
            return -1;
        }
    }
    if (host_end < auth_end) {
        if (*host_end != ':' || host_end + 1 == auth_end) {
            *why = "bad port";
            return -1;
        }
        unsigned v = 0;
        for (const char *q = host_end + 1; q < auth_end; q++) {
            if (*q < '0' || *q > '9' || (v = v * 10 + (unsigned)(*q - '0')) > 65535) {
                *why = "bad port";
                return -1;
            }
        }
        if (v == 0) {
            *why = "bad port";
            return -1;
        }
        u->port = v;
    }
    if (slash == NULL || slash[1] == '\0') {
        u->is_dir = 1;
        return 0;
    }
    const char *path = slash + 1;
    size_t n = strlen(path);
    u->is_dir = path[n - 1] == '/';
    return decode(path, n, u->path, sizeof u->path, why);
}

int url_password_span(const char *s, size_t *off, size_t *len)
{
    const char *scheme_end = strstr(s, "://");
    if (scheme_end == NULL)
        return 0;
    const char *p = scheme_end + 3;
    const char *auth_end = p + strcspn(p, "/");
    const char *at = NULL;
    for (const char *q = p; q < auth_end; q++)
        if (*q == '@')
            at = q;
    const char *colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
    if (colon == NULL)
        return 0;
    *off = (size_t)(colon + 1 - s);
    *len = (size_t)(at - colon - 1);
    return 1;
}

void url_redact(const char *s, char *out, size_t outlen)
{
    size_t off, len;
    if (outlen == 0)
        return;
    if (!url_password_span(s, &off, &len))
        snprintf(out, outlen, "%s", s);
    else
        snprintf(out, outlen, "%.*s****%s", (int)off, s, s + off + len);
}
