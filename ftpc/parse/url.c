/* url: FTP URL parsing. */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>

#include "ftpc/parse/number.h"
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

/* Decodes n bytes of s into out (size outlen). */
static int decode(const char *s, size_t n, char *out, size_t outlen, const char **why)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            int hi = i + 2 < n ? parse_hex_digit(s[i + 1]) : -1;
            int lo = hi >= 0 ? parse_hex_digit(s[i + 2]) : -1;
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

/* The scheme: sets u->scheme, *rest just past "://". */
static int parse_scheme(const char *s, struct ftp_url *u, const char **rest, const char **why)
{
    for (size_t i = 0; i < sizeof SCHEMES / sizeof SCHEMES[0]; i++) {
        size_t n = strlen(SCHEMES[i].prefix);
        if (strncasecmp(s, SCHEMES[i].prefix, n) == 0) {
            u->scheme = SCHEMES[i].scheme;
            *rest = s + n;
            return 0;
        }
    }
    *why = "not an ftp://, ftps:// or ftpes:// URL";
    return -1;
}

/* "user[:password]@" at the start of the authority [*p, auth_end), if
 * any: decoded into u, *p moved past the '@'. */
static int parse_userinfo(const char **p, const char *auth_end, struct ftp_url *u, const char **why)
{
    /* The last '@' before the path (a password may hold '@' only encoded). */
    const char *at = NULL;
    for (const char *q = *p; q < auth_end; q++)
        if (*q == '@')
            at = q;
    if (at == NULL)
        return 0;
    const char *colon = memchr(*p, ':', (size_t)(at - *p));
    const char *user_end = colon ? colon : at;
    if (decode(*p, (size_t)(user_end - *p), u->user, sizeof u->user, why) != 0)
        return -1;
    u->has_user = 1;
    if (colon != NULL) {
        if (decode(colon + 1, (size_t)(at - colon - 1), u->password, sizeof u->password, why) != 0)
            return -1;
        u->has_password = 1;
    }
    *p = at + 1;
    return 0;
}

/* The host at p, a name or "[v6]", into u->host; *host_end just past it. */
static int parse_host(const char *p, const char *auth_end, struct ftp_url *u, const char **host_end,
                      const char **why)
{
    const char *start = p, *stop;
    if (*p == '[') {
        const char *close = memchr(p, ']', (size_t)(auth_end - p));
        if (close == NULL) {
            *why = "unclosed [ in the host";
            return -1;
        }
        start = p + 1;
        stop = close;
        *host_end = close + 1;
    } else {
        stop = memchr(p, ':', (size_t)(auth_end - p));
        if (stop == NULL)
            stop = auth_end;
        *host_end = stop;
    }
    if ((size_t)(stop - start) >= sizeof u->host) {
        *why = "host name too long";
        return -1;
    }
    memcpy(u->host, start, (size_t)(stop - start));
    u->host[stop - start] = '\0';
    /* [...] holds an IPv6 address and nothing else (RFC 3986 IP-literal;
     * zone ids and IPvFuture are not taken). */
    unsigned char addr[sizeof(struct in6_addr)];
    if (*p == '[' && inet_pton(AF_INET6, u->host, addr) != 1) {
        *why = "[...] in the host must hold an IPv6 address";
        return -1;
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
    return 0;
}

/* ":port" between the host and the path, if any: 1..65535 into u->port. */
static int parse_port(const char *p, const char *auth_end, struct ftp_url *u, const char **why)
{
    if (p == auth_end)
        return 0;
    uint64_t v = 0;
    if (*p != ':' || parse_digits_u64(p + 1, (size_t)(auth_end - p - 1), &v) != 0 || v == 0 ||
        v > 65535) {
        *why = "bad port";
        return -1;
    }
    u->port = (unsigned)v;
    return 0;
}

/* The path after the authority's '/' (NULL: none), decoded into u->path. */
static int parse_path(const char *slash, struct ftp_url *u, const char **why)
{
    if (slash == NULL || slash[1] == '\0') {
        u->is_dir = 1;
        return 0;
    }
    const char *path = slash + 1;
    size_t n = strlen(path);
    u->is_dir = path[n - 1] == '/';
    return decode(path, n, u->path, sizeof u->path, why);
}

int url_parse(const char *s, struct ftp_url *u, const char **why)
{
    memset(u, 0, sizeof *u);
    const char *p, *host_end;
    if (parse_scheme(s, u, &p, why) != 0)
        return -1;
    const char *slash = strchr(p, '/');
    const char *auth_end = slash ? slash : p + strlen(p);
    if (parse_userinfo(&p, auth_end, u, why) != 0 || parse_host(p, auth_end, u, &host_end, why) != 0 ||
        parse_port(host_end, auth_end, u, why) != 0)
        return -1;
    return parse_path(slash, u, why);
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
