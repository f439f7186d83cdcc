/* net: TCP connect with time-outs. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/net.h"

int net_set_timeouts(int fd, int timeout_ms)
{
    struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0)
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0)
        return -1;
    return 0;
}

void net_addr_string(const struct net_addr *a, char *out, size_t outlen)
{
    const void *src = NULL;
    if (a->ss.ss_family == AF_INET)
        src = &((const struct sockaddr_in *)&a->ss)->sin_addr;
    else if (a->ss.ss_family == AF_INET6)
        src = &((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
    if (src == NULL || inet_ntop(a->ss.ss_family, src, out, (socklen_t)outlen) == NULL)
        snprintf(out, outlen, "?");
}

/* -4 / -6: one choice for the whole run, made before the first connection. */
static int family = AF_UNSPEC;

int net_set_family(int af)
{
    if (af != AF_UNSPEC && af != AF_INET && af != AF_INET6)
        return -1;
    family = af;
    return 0;
}

int net_family(void)
{
    return family;
}

int net_host_unbracket(const char *host, char *out, size_t outlen)
{
    size_t n = strlen(host);
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
        unsigned char tmp[sizeof(struct in6_addr)];
        char inner[INET6_ADDRSTRLEN + 1];
        if (n - 2 >= sizeof inner)
            return -1;
        memcpy(inner, host + 1, n - 2);
        inner[n - 2] = '\0';
        if (inet_pton(AF_INET6, inner, tmp) != 1)
            return -1;
        host = inner;
        n -= 2;
        if (n >= outlen)
            return -1;
        memcpy(out, host, n + 1);
        return 0;
    }
    if (n >= outlen || host[0] == '[' || memchr(host, ']', n) != NULL)
        return -1; /* an unclosed or stray bracket */
    memcpy(out, host, n + 1);
    return 0;
}

/* Why a literal cannot be reached under -4 or -6, or NULL. */
static const char *family_mismatch(const char *host)
{
    unsigned char tmp[sizeof(struct in6_addr)];
    if (family == AF_INET && inet_pton(AF_INET6, host, tmp) == 1)
        return "is an IPv6 address, and -4 allows IPv4 only";
    if (family == AF_INET6 && inet_pton(AF_INET, host, tmp) == 1)
        return "is an IPv4 address, and -6 allows IPv6 only";
    /* ::ffff:a.b.c.d is IPv4 on the wire. */
    struct in6_addr a6;
    if (family == AF_INET6 && inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_V4MAPPED(&a6))
        return "is an IPv4-mapped address (its connection is IPv4), and -6 allows IPv6 only";
    return NULL;
}

int net_is_ip_literal(const char *host)
{
    unsigned char tmp[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host, tmp) == 1 || inet_pton(AF_INET6, host, tmp) == 1;
}

int net_set_blocking(int fd, int blocking)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        return -1;
    return fcntl(fd, F_SETFL, blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK);
}

/* Non-blocking connect so the wait is bounded, then back to blocking. */
static int connect_one(const struct sockaddr *sa, socklen_t len, int timeout_ms, int *out_errno)
{
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *out_errno = errno;
        return -1;
    }
    if (net_set_blocking(fd, 0) != 0)
        goto fail;
    if (connect(fd, sa, len) != 0) {
        if (errno != EINPROGRESS)
            goto fail;
        struct pollfd p = { .fd = fd, .events = POLLOUT };
        int r;
        do {
            r = poll(&p, 1, timeout_ms);
        } while (r < 0 && errno == EINTR);
        if (r == 0) {
            errno = ETIMEDOUT;
            goto fail;
        }
        if (r < 0)
            goto fail;
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
            goto fail;
        if (soerr != 0) {
            errno = soerr;
            goto fail;
        }
    }
    if (net_set_blocking(fd, 1) != 0)
        goto fail;
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (net_set_timeouts(fd, timeout_ms) != 0)
        goto fail;
    return fd;
fail:
    *out_errno = errno;
    close(fd);
    return -1;
}

int net_connect_host(const char *host, unsigned port, int timeout_ms,
                     struct net_addr *peer, struct err *e)
{
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%u", port);
    const char *mismatch = family_mismatch(host);
    if (mismatch != NULL)
        return err_set(e, ERR_CONNECT, "cannot connect to %s: it %s", host, mismatch);
    const char *only = family == AF_INET ? " (IPv4 only: -4)" : family == AF_INET6 ? " (IPv6 only: -6)" : "";
    struct addrinfo hints = { .ai_family = family, .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc != 0)
        return err_set(e, ERR_CONNECT, "cannot resolve host %s%s: %s", host, only, gai_strerror(rc));
    int fd = -1, last_errno = 0;
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = connect_one(ai->ai_addr, ai->ai_addrlen, timeout_ms, &last_errno);
        if (fd >= 0 && peer != NULL) {
            memcpy(&peer->ss, ai->ai_addr, ai->ai_addrlen);
            peer->len = ai->ai_addrlen;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        return err_set(e, ERR_CONNECT, "cannot connect to %s port %u%s: %s", host, port, only,
                       strerror(last_errno));
    return fd;
}

int net_connect_addr(const struct net_addr *addr, unsigned port, int timeout_ms,
                     struct err *e)
{
    struct net_addr a = *addr;
    if (a.ss.ss_family == AF_INET)
        ((struct sockaddr_in *)&a.ss)->sin_port = htons((uint16_t)port);
    else if (a.ss.ss_family == AF_INET6)
        ((struct sockaddr_in6 *)&a.ss)->sin6_port = htons((uint16_t)port);
    else
        return err_set(e, ERR_CONNECT, "unsupported address family");
    int last_errno = 0;
    int fd = connect_one((struct sockaddr *)&a.ss, a.len, timeout_ms, &last_errno);
    if (fd < 0) {
        char s[64];
        net_addr_string(addr, s, sizeof s);
        return err_set(e, ERR_CONNECT, "cannot open data connection to %s port %u: %s", s,
                       port, strerror(last_errno));
    }
    return fd;
}

void net_keepalive(int fd)
{
    int one = 1, idle = 60, interval = 15, count = 4;
    (void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

int net_local_addr(int fd, struct net_addr *out)
{
    out->len = sizeof out->ss;
    return getsockname(fd, (struct sockaddr *)&out->ss, &out->len) == 0 ? 0 : -1;
}

static unsigned addr_port(const struct net_addr *a)
{
    if (a->ss.ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
    return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
}

int net_listen(const struct net_addr *addr, unsigned *port, struct err *e)
{
    struct net_addr a = *addr;
    if (a.ss.ss_family == AF_INET)
        ((struct sockaddr_in *)&a.ss)->sin_port = 0;
    else
        ((struct sockaddr_in6 *)&a.ss)->sin6_port = 0;
    int fd = socket(a.ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return err_set(e, ERR_CONNECT, "cannot open a data socket: %s", strerror(errno));
    if (bind(fd, (struct sockaddr *)&a.ss, a.len) != 0 || listen(fd, 1) != 0 ||
        net_local_addr(fd, &a) != 0) {
        int saved = errno;
        close(fd);
        return err_set(e, ERR_CONNECT, "cannot listen for a data connection: %s", strerror(saved));
    }
    *port = addr_port(&a);
    return fd;
}

int net_same_host(const struct net_addr *a, const struct net_addr *b)
{
    if (a->ss.ss_family != b->ss.ss_family)
        return 0;
    if (a->ss.ss_family == AF_INET)
        return memcmp(&((const struct sockaddr_in *)&a->ss)->sin_addr,
                      &((const struct sockaddr_in *)&b->ss)->sin_addr, sizeof(struct in_addr)) == 0;
    return memcmp(&((const struct sockaddr_in6 *)&a->ss)->sin6_addr,
                  &((const struct sockaddr_in6 *)&b->ss)->sin6_addr, sizeof(struct in6_addr)) == 0;
}

int net_accept_from(int lfd, const struct net_addr *want, int timeout_ms,
                    const volatile sig_atomic_t *stop, struct err *e)
{
    struct pollfd p = { .fd = lfd, .events = POLLIN };
    int r;
    do {
        r = poll(&p, 1, timeout_ms);
    } while (r < 0 && errno == EINTR && !(stop != NULL && *stop));
    if (r < 0 && errno == EINTR)
        return err_set(e, ERR_INTERRUPTED, "interrupted while waiting for the data connection");
    if (r == 0)
        return err_set(e, ERR_CONNECT, "the server did not open the data connection (timed out)");
    if (r < 0)
        return err_set(e, ERR_CONNECT, "waiting for the data connection: %s", strerror(errno));
    struct net_addr peer;
    peer.len = sizeof peer.ss;
    int fd = accept(lfd, (struct sockaddr *)&peer.ss, &peer.len);
    if (fd < 0)
        return err_set(e, ERR_CONNECT, "cannot accept the data connection: %s", strerror(errno));
    if (!net_same_host(&peer, want)) {
        char s[64];
        net_addr_string(&peer, s, sizeof s);
        close(fd);
        return err_set(e, ERR_CONNECT, "refused a data connection from %s, which is not the server", s);
    }
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    (void)net_set_timeouts(fd, timeout_ms);
    return fd;
}

void net_host_port(const char *host, unsigned port, char *out, size_t outlen)
{
    snprintf(out, outlen, strchr(host, ':') != NULL ? "[%s]:%u" : "%s:%u", host, port);
}
