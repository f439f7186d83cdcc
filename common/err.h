/*
 * err: the one error idiom of the project. Functions return 0 or -1 and fill
 * a caller's struct err with a code and a one-line message that names its
 * subject (the file, fingerprint, application or host). A refused server
 * certificate is the one message of several lines (trustd/store/diagnose.h):
 * the verdict, then indented detail and commands. Codes map to the
 * documented exit codes of each program in one table (err_exit_code).
 */
#ifndef COMMON_ERR_H
#define COMMON_ERR_H

#include <stddef.h>

/* On a function whose result says whether it worked: a caller that drops
 * the result gets a warning (an error with FTPC_WERROR). */
#define MUST_CHECK __attribute__((warn_unused_result))

enum err_code {
    ERR_NONE = 0,
    ERR_USAGE,     /* bad command line or subcommand                */
    ERR_CONNECT,   /* cannot reach the server, or connection lost   */
    ERR_TLS,       /* TLS handshake, verification or TLS I/O         */
    ERR_LOGIN,     /* the server refused USER/PASS                   */
    ERR_SERVER,    /* the server refused a command or a transfer     */
    ERR_LOCAL,     /* a local file could not be read or written      */
    ERR_STORE,     /* the trust store: missing, corrupt, unwritable  */
    ERR_NOTFOUND,  /* no such certificate, application or CRL        */
    ERR_VERIFY,    /* a chain is not trusted (trustd verify, probe)  */
    ERR_INTERRUPTED, /* the user pressed Ctrl-C                      */
    ERR_INTERNAL   /* out of memory and other should-not-happen      */
};

#define ERR_MSG_MAX 8192 /* a refusal: summary, 6 KiB of detail and the commands */

/* What a caller may act on beyond the code (a hint in its own words). */
enum err_detail {
    ERR_DETAIL_NONE = 0,
    ERR_DETAIL_TIMEOUT,     /* a wait for the peer ran out */
    ERR_DETAIL_CLEAR_TEXT,  /* the peer wrote clear text where TLS was expected */
};

struct err {
    enum err_code code;
    enum err_detail detail;  /* set after err_set, which resets it */
    char msg[ERR_MSG_MAX];
};

/* Sets code and message; always returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *e, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Puts "context: " in front of an existing message (keeps its code). Returns -1. */
int err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Adds text after an existing message (keeps its code), cut to fit. Returns -1. */
int err_suffix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void err_clear(struct err *e);

/* The programs, each with its column of exit codes. */
enum err_program { ERR_PROGRAM_FTPC, ERR_PROGRAM_TRUSTD };

/* The exit status of program p for code (README's table): ftpc 0 ok,
 * 2 usage, 3 connection, 4 TLS or verification, 5 login, 6 server refused,
 * 7 local file, 8 trust store (also not found), 70 internal, 130
 * interrupted; trustd 0 ok, 1 error, 2 usage, 3 not found, 4 not trusted. */
int err_exit_code(enum err_program p, enum err_code code);

/* Wipes a secret so it does not linger in memory. */
void secret_wipe(void *p, size_t len);

#endif
