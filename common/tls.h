/*
 * tls: a small client-side TLS API over OpenSSL, in the manner of libtls.
 * A context is made once from a trust anchor store; connections made from it
 * always verify the chain and the host name (DNS name or IP literal), send
 * SNI for DNS names (unless the config says no_sni), and can resume the latest session of another connection
 * (FTP data connections resume the control connection's session).
 * No OpenSSL type appears here but the opaque X509_STORE handed in.
 */
#ifndef COMMON_TLS_H
#define COMMON_TLS_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "common/err.h"

struct x509_store_st; /* OpenSSL's X509_STORE */
struct tls_w_ctx;
struct tls_w_conn;

/* Protocol bounds (0: minimum TLS 1.2, maximum the newest) and cipher
 * lists (NULL: OpenSSL's defaults). */
struct tls_w_config {
    int min_version;          /* 12 or 13 */
    int max_version;          /* 12 or 13 */
    const char *ciphers;      /* TLS 1.2, OpenSSL cipher list syntax */
    const char *ciphersuites; /* TLS 1.3 */
    const char *client_name;  /* in messages: "which NAME refuses" (NULL: this client) */
    int no_sni;               /* 1: no server name in the ClientHello (the name is still checked) */
    const char *policy;       /* where these settings come from, added to a failed
                                 handshake's message (NULL: none) */
};

/* Makes a client context that trusts exactly the CAs in trust, of which it
 * takes ownership (also on failure). The store's verify callback, when it
 * has one, is the caller's policy: handshakes run it on every failure
 * before deciding, as X509_verify_cert with that store would. Returns NULL
 * with e set on error. */
struct tls_w_ctx *tls_w_ctx_new(const struct tls_w_config *cfg, struct x509_store_st *trust,
                                struct err *e) MUST_CHECK;
void tls_w_ctx_free(struct tls_w_ctx *ctx);

/* A client certificate a context may present to servers that ask for
 * one: the certificate, its private key and the chain sent after it (NULL:
 * none); name says which in messages and traces. */
struct x509_st;
struct evp_pkey_st;
struct stack_st_X509;
#define TLS_W_IDENTITIES_MAX 4
struct tls_w_identity {
    struct x509_st *cert;
    struct evp_pkey_st *key;
    struct stack_st_X509 *chain;
    char name[300];
};

/* Adds id to the certificates ctx may present (up to
 * TLS_W_IDENTITIES_MAX; the context takes references of its own). When a
 * server asks for a certificate, the first within its validity that suits
 * the handshake (signature algorithms, TLS 1.2 certificate types) and
 * whose chain leads to a CA the server names is presented, else the first
 * that suits it, else none. */
int tls_w_ctx_add_identity(struct tls_w_ctx *ctx, const struct tls_w_identity *id,
                           struct err *e) MUST_CHECK;

/* A certificate file (PEM; the chain may follow the certificate) and its
 * key file (PEM; NULL: in the certificate file), read into id; the key is
 * checked against the certificate. Errors name the file. */
int tls_w_identity_from_files(const char *cert_file, const char *key_file,
                              struct tls_w_identity *id, struct err *e) MUST_CHECK;
/* Frees what id holds. */
void tls_w_identity_clear(struct tls_w_identity *id);

/* Before a private key is read: OpenSSL's secure heap, so that the key's
 * numbers live in locked pages left out of core dumps and wiped when
 * freed (where RLIMIT_MEMLOCK allows; else the ordinary heap, still
 * wiped). Once per process; only programs that hold a key pay for it. */
void tls_w_secure_heap(void);

/* The client certificate c's handshake presented: its name, "" when the
 * server asked for none or the session was resumed (then the one of the
 * first handshake stands), NULL when the server asked and none suited. */
const char *tls_w_presented(const struct tls_w_conn *c);

/* Words for a refused server chain: when a handshake's verification fails,
 * fn gets the host and the chain the server sent (its certificate first;
 * OpenSSL's STACK_OF(X509)) and may set e (then returns 0); when it returns
 * -1 the message names the certificate and OpenSSL's reason. */
typedef int (*tls_w_refusal_fn)(void *arg, const char *host, struct stack_st_X509 *chain,
                                struct err *e);
void tls_w_ctx_set_refusal(struct tls_w_ctx *ctx, tls_w_refusal_fn fn, void *arg);

/* 1 when OpenSSL accepts list as TLS 1.2 ciphers (tls13 0) or TLS 1.3
 * cipher suites (1), else 0 with its reason in why. */
int tls_w_cipher_list_ok(const char *list, int tls13, char *why, size_t whylen);

/* 1 when every cipher OpenSSL takes from narrow is also one it takes from
 * base (TLS 1.2 lists, tls13 0, with no lower security level; or TLS 1.3
 * suites, 1), so a context made from narrow offers a subset of base's;
 * else 0 with the first cipher outside base, or OpenSSL's reason, in why.
 * OpenSSL cannot intersect two lists; this tells whether one lies within
 * the other. */
int tls_w_cipher_list_within(const char *narrow, const char *base, int tls13, char *why,
                             size_t whylen);

/* Parses "1.2"/"1.3" into 12/13; -1 when it is neither. */
int tls_w_parse_version(const char *s);

/* Performs the client handshake on a connected socket. host is used for SNI
 * and for the name check. resume, when not NULL, is a connection whose newest
 * session is offered; sessions this connection receives go back to resume's
 * pool, so resume must outlive it. On a verification failure the message names the
 * server certificate's subject, issuer, SHA-256 fingerprint and the reason.
 * The socket stays owned by the caller. */
struct tls_w_conn *tls_w_connect(struct tls_w_ctx *ctx, int fd, const char *host,
                                 struct tls_w_conn *resume, struct err *e) MUST_CHECK;

/* Whether the context's policy lets a connection use TLS 1.2. */
int tls_w_ctx_allows_tls12(const struct tls_w_ctx *ctx);
/* tls_w_connect (no session to resume) at most TLS 1.2, within the
 * context's policy (an error when its minimum is TLS 1.3): for servers
 * that resume TLS 1.2 sessions well and TLS 1.3 ones badly. The data
 * connections that resume it speak TLS 1.2 too. */
struct tls_w_conn *tls_w_connect_tls12(struct tls_w_ctx *ctx, int fd, const char *host,
                                       struct err *e) MUST_CHECK;

/* The same in two steps, for a non-blocking socket: tls_w_start sets the
 * connection up without I/O; tls_w_handshake advances the handshake and
 * returns 1 when done, 0 when it must be called again once fd is readable
 * (*want_write 0) or writable (1), -1 on failure (free the connection). */
struct tls_w_conn *tls_w_start(struct tls_w_ctx *ctx, int fd, const char *host,
                               struct tls_w_conn *resume, struct err *e) MUST_CHECK;
int tls_w_handshake(struct tls_w_conn *c, int *want_write, struct err *e) MUST_CHECK;

/* Reads up to len bytes. Returns the count, 0 when the peer closed with
 * close_notify, -1 on error; a close without close_notify is an error
 * ("truncated"). */
ssize_t tls_w_read(struct tls_w_conn *c, void *buf, size_t len, struct err *e) MUST_CHECK;

/* Like tls_w_read, but goes on while more records wait in the read
 * buffer of a data connection, so one call returns up to len bytes for one
 * system call. An error or close_notify met after some bytes is returned
 * by the next call. */
ssize_t tls_w_read_bulk(struct tls_w_conn *c, void *buf, size_t len, struct err *e) MUST_CHECK;

/* Socket bytes a data connection reads at once (one system call). */
#define TLS_W_READ_AHEAD (1024 * 1024)

/* A data connection that only receives (a download or listing): what
 * OpenSSL writes from now on (the answers to a server's HelloRequests or
 * key updates) is held back until tls_w_close, tls_w_write, or
 * TLS_W_HOLD_MAX bytes. A server that closes with our answers unread would
 * make its kernel reset the connection and drop the file's tail still in
 * its send queue (ProFTPD asking for renegotiation, to a slow client). */
int tls_w_hold_writes(struct tls_w_conn *c);
#define TLS_W_HOLD_MAX (1024 * 1024)

/* Writes all of len bytes or fails. */
int tls_w_write(struct tls_w_conn *c, const void *buf, size_t len, struct err *e) MUST_CHECK;

/* Sends close_notify and waits up to wait_ms for the peer's. Returns 0 when
 * both arrived, 1 when ours was sent but the peer closed or went quiet
 * without one, -1 when ours could not be sent. */
int tls_w_close(struct tls_w_conn *c, int wait_ms, struct err *e);

void tls_w_conn_free(struct tls_w_conn *c);

/* Bytes already decrypted and waiting to be read. */
int tls_w_pending(const struct tls_w_conn *c);

/* The peer's certificate chain, one line per certificate (depth, subject,
 * issuer, SHA-256), for the protocol trace. */
void tls_w_print_chain(const struct tls_w_conn *c, FILE *out);

/* What was negotiated, for messages and traces. */
const char *tls_w_version(const struct tls_w_conn *c);
const char *tls_w_cipher(const struct tls_w_conn *c);
int tls_w_session_reused(const struct tls_w_conn *c);

/* Sessions kept for c (received on it and its data connections); *fresh
 * gets how many were not offered yet. */
int tls_w_sessions(const struct tls_w_conn *c, int *fresh);

/* 1 when c negotiated TLS 1.3 (whose tickets servers may take only once). */
int tls_w_is_tls13(const struct tls_w_conn *c);

#endif
