/*
 * probe: fetches the certificate chain an FTPS server presents, without
 * trusting it (explicit: AUTH TLS after the greeting; implicit: TLS at
 * connect). Nothing is sent after the handshake: no login. The connection
 * and every parse of what the server sent happen in a child process that
 * is confined (sandbox/sandbox.h: no writes, reading only the system's
 * configuration and libraries, TCP only to the server's port and DNS);
 * it hands the chain (DER) and its messages back over a pipe, and trustd
 * itself then judges, imports and runs the hooks.
 */
#ifndef TRUSTD_CLI_PROBE_H
#define TRUSTD_CLI_PROBE_H

#include <stddef.h>

#include <openssl/x509.h>

#include "common/err.h"

/* How long a probe waits for the server at each step. */
#define PROBE_TIMEOUT_MS 15000

/* The chain (*chain, the caller frees it) and "TLSv1.3, CIPHER" into
 * tls_info, from the confined child (probe_confined.c). */
int probe_chain(const char *host, unsigned port, int implicit, int timeout_ms,
                STACK_OF(X509) **chain, char *tls_info, size_t tls_info_len, struct err *e);

/* The same in this process: the child's part (probe.c). */
int probe_talk(const char *host, unsigned port, int implicit, int timeout_ms,
               STACK_OF(X509) **chain, char *tls_info, size_t tls_info_len, struct err *e);

#endif
