/*
 * net: TCP connections with bounded waits. Every socket made here has
 * TCP_NODELAY and send/receive timeouts, so a silent peer cannot hang us.
 */
#ifndef COMMON_NET_H
#define COMMON_NET_H

#include <signal.h>
#include <sys/socket.h>

#include "common/err.h"

struct net_addr {
    struct sockaddr_storage ss;
    socklen_t len;
};

/* -4 / -6: names resolve to, and connections use, only AF_INET or
 * AF_INET6 from now on (AF_UNSPEC: either, the default). -1 for any other
 * value. A literal of the other family is then refused with a message
 * that says so. */
int net_set_family(int af);
int net_family(void);

/* "[::1]" (an IPv6 literal in brackets, as in URLs) into "::1"; any other
 * host is copied as it is. -1 when it does not fit, or the brackets hold
 * no IPv6 address. */
int net_host_unbracket(const char *host, char *out, size_t outlen);

/* Resolves host and connects to the first address that answers within
 * timeout_ms. Fills *peer with the address connected to. Returns the fd or -1. */
int net_connect_host(const char *host, unsigned port, int timeout_ms,
                     struct net_addr *peer, struct err *e) MUST_CHECK;

/* Connects to addr with its port replaced by port. Returns the fd or -1. */
int net_connect_addr(const struct net_addr *addr, unsigned port, int timeout_ms,
                     struct err *e) MUST_CHECK;

/* TCP keepalive probes after a minute of silence. */
void net_keepalive(int fd);

/* The local address of a connected socket. */
int net_local_addr(int fd, struct net_addr *out) MUST_CHECK;

/* A listening socket on addr's IP at a free port; *port gets the port. */
int net_listen(const struct net_addr *addr, unsigned *port, struct err *e) MUST_CHECK;

/* Waits up to timeout_ms for a connection on lfd; the peer must have the
 * same IP address as want (a data connection from anywhere else is refused).
 * When *stop is set by a signal handler (stop may be NULL), the wait ends
 * with ERR_INTERRUPTED. */
int net_accept_from(int lfd, const struct net_addr *want, int timeout_ms,
                    const volatile sig_atomic_t *stop, struct err *e) MUST_CHECK;

/* 1 when a and b hold the same IP address (ports ignored). */
int net_same_host(const struct net_addr *a, const struct net_addr *b);

/* Switches O_NONBLOCK off (blocking 1) or on (0). 0, or -1 with errno. */
int net_set_blocking(int fd, int blocking) MUST_CHECK;

/* Sets SO_RCVTIMEO and SO_SNDTIMEO. */
int net_set_timeouts(int fd, int timeout_ms);

/* "127.0.0.1" or "::1" for an address (no port). */
void net_addr_string(const struct net_addr *a, char *out, size_t outlen);

/* 1 when host is an IPv4 or IPv6 literal (no SNI is sent for those). */
int net_is_ip_literal(const char *host);

/* "HOST:PORT", or "[HOST]:PORT" for an IPv6 literal, into out. */
void net_host_port(const char *host, unsigned port, char *out, size_t outlen);

#endif
