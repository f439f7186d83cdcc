/*
 * probe: fetches the certificate chain an FTPS server presents, without
 * trusting it (explicit: AUTH TLS after the greeting; implicit: TLS at
 * connect). Nothing is sent after the handshake: no login.
 */
#ifndef TRUSTD_CLI_PROBE_H
#define TRUSTD_CLI_PROBE_H

#include <stddef.h>

#include <openssl/x509.h>

#include "common/err.h"

/* How long a probe waits for the server at each step. */
#define PROBE_TIMEOUT_MS 15000

int probe_chain(const char *host, unsigned port, int implicit, int timeout_ms,
                STACK_OF(X509) **chain, char *tls_info, size_t tls_info_len, struct err *e);

#endif
