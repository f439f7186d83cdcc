/* probe_confined: the probe in a confined child; its answer over a pipe. */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "common/buf.h"
#include "common/fdio.h"
#include "sandbox/sandbox.h"
#include "trustd/cli/probe.h"

/* What the child may read: the system's configuration (resolver, OpenSSL)
 * and libraries (the resolver's modules), the kernel's random bytes.
 * Not the store, its key files or anyone's home. */
static const char *const PROBE_READS[] = { "/etc", "/usr", "/lib", "/lib64", "/dev/urandom" };
/* The resolver's files may be links out of /etc (systemd-resolved's
 * resolv.conf lives in /run): what they lead to is readable too. */
static const char *const RESOLVER_FILES[] = { "/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf",
                                              "/etc/host.conf", "/etc/gai.conf" };
#define N_PROBE_READS (sizeof PROBE_READS / sizeof PROBE_READS[0])
#define N_RESOLVER_FILES (sizeof RESOLVER_FILES / sizeof RESOLVER_FILES[0])

/* Bounds on the answer: OpenSSL takes at most 100 KiB of certificates. */
#define CHAIN_MAX 100
#define ANSWER_MAX (1024 * 1024)

/* The answer, in this machine's byte order (one program on both ends):
 * u32 failed, u32 code, u32 detail, then the message, the TLS text and
 * each certificate (DER) as u32 length and bytes, after u32 count. */
static int put_u32(struct buf *b, size_t v)
{
    uint32_t u = (uint32_t)v;
    return v > UINT32_MAX ? -1 : buf_append(b, &u, sizeof u);
}

static int put_bytes(struct buf *b, const void *p, size_t n)
{
    return put_u32(b, n) == 0 && buf_append(b, p, n) == 0 ? 0 : -1;
}

static int encode(struct buf *b, int failed, const struct err *e, const char *info,
                  STACK_OF(X509) *chain)
{
    int n = chain != NULL ? sk_X509_num(chain) : 0;
    if (put_u32(b, failed != 0) != 0 || put_u32(b, (size_t)e->code) != 0 ||
        put_u32(b, (size_t)e->detail) != 0 || put_bytes(b, e->msg, strlen(e->msg)) != 0 ||
        put_bytes(b, info, strlen(info)) != 0 || put_u32(b, (size_t)n) != 0)
        return -1;
    for (int i = 0; i < n; i++) {
        unsigned char *der = NULL;
        int len = i2d_X509(sk_X509_value(chain, i), &der);
        int rc = len > 0 ? put_bytes(b, der, (size_t)len) : -1;
        OPENSSL_free(der);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* The child: confine, probe, answer, end. Never returns. */
static void child(int out, const char *host, unsigned port, int implicit, int timeout_ms)
{
    const char *reads[N_PROBE_READS + N_RESOLVER_FILES];
    char targets[N_RESOLVER_FILES][PATH_MAX];
    size_t n = 0;
    for (size_t i = 0; i < N_PROBE_READS; i++)
        if (access(PROBE_READS[i], F_OK) == 0)
            reads[n++] = PROBE_READS[i];
    for (size_t i = 0; i < N_RESOLVER_FILES; i++)
        if (realpath(RESOLVER_FILES[i], targets[i]) != NULL && strncmp(targets[i], "/etc/", 5) != 0)
            reads[n++] = targets[i];
    struct sandbox_policy p = {
        .read_paths = reads,
        .n_read_paths = n,
        .connect_ports = &port,
        .n_connect_ports = 1,
        .no_unix_sockets = 1,
    };
    struct sandbox_report r;
    struct err e;
    err_clear(&e);
    STACK_OF(X509) *chain = NULL;
    char info[128] = "";
    /* The parent's descriptors (the open store, its -wal and -shm) stay
     * with the parent: Landlock judges opens, not descriptors already
     * held. Only the standard three and the answer pipe (as 3) remain. */
    int rc = 0;
    if ((out != 3 && dup2(out, 3) != 3) || close_range(4, ~0U, 0) != 0)
        rc = err_set(&e, ERR_INTERNAL, "cannot close the parent's files in the probe's child");
    out = 3;
    if (rc == 0)
        rc = sandbox_apply(&p, &r, &e);
    if (rc == 0)
        rc = probe_talk(host, port, implicit, timeout_ms, &chain, info, sizeof info, &e);
    struct buf b;
    buf_init(&b, ANSWER_MAX);
    int sent = encode(&b, rc, &e, info, chain) == 0 && fd_write_all(out, b.data, b.len) == 0;
    _exit(sent ? 0 : 1);
}

/* Reading the answer back: a cursor over the bytes. */
struct cursor {
    const unsigned char *p;
    size_t left;
};

static int take_u32(struct cursor *c, uint32_t *v)
{
    if (c->left < sizeof *v)
        return -1;
    memcpy(v, c->p, sizeof *v);
    c->p += sizeof *v;
    c->left -= sizeof *v;
    return 0;
}

/* A length of at most max, then as many bytes (*p points at them). */
static int take_bytes(struct cursor *c, size_t max, const unsigned char **p, size_t *n)
{
    uint32_t len;
    if (take_u32(c, &len) != 0 || len > max || len > c->left)
        return -1;
    *p = c->p;
    *n = len;
    c->p += len;
    c->left -= len;
    return 0;
}

static int decode_chain(struct cursor *c, STACK_OF(X509) **chain)
{
    uint32_t n;
    if (take_u32(c, &n) != 0 || n > CHAIN_MAX || (*chain = sk_X509_new_null()) == NULL)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        const unsigned char *der;
        size_t len;
        if (take_bytes(c, ANSWER_MAX, &der, &len) != 0)
            return -1;
        const unsigned char *q = der;
        X509 *x = d2i_X509(NULL, &q, (long)len);
        if (x == NULL || q != der + len || !sk_X509_push(*chain, x)) {
            X509_free(x);
            return -1;
        }
    }
    return c->left == 0 && n > 0 ? 0 : -1;
}

/* The child's answer into the caller's results: its error, or the chain. */
static int decode(const struct buf *b, STACK_OF(X509) **chain, char *info, size_t info_len,
                  struct err *e)
{
    struct cursor c = { (const unsigned char *)b->data, b->len };
    uint32_t failed, code, detail;
    const unsigned char *msg, *text;
    size_t msg_len, text_len;
    if (take_u32(&c, &failed) != 0 || take_u32(&c, &code) != 0 || take_u32(&c, &detail) != 0 ||
        take_bytes(&c, ERR_MSG_MAX - 1, &msg, &msg_len) != 0 ||
        take_bytes(&c, info_len - 1, &text, &text_len) != 0 || code > ERR_INTERNAL ||
        detail > ERR_DETAIL_CLEAR_TEXT)
        return -1;
    if (failed) {
        err_set(e, code == ERR_NONE ? ERR_INTERNAL : (enum err_code)code, "%.*s", (int)msg_len,
                (const char *)msg);
        e->detail = (enum err_detail)detail;
        return 1;
    }
    memcpy(info, text, text_len);
    info[text_len] = '\0';
    if (decode_chain(&c, chain) != 0) {
        sk_X509_pop_free(*chain, X509_free);
        *chain = NULL;
        return -1;
    }
    return 0;
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Everything the child writes, until it closes the pipe or the deadline
 * passes (then -1). */
static int read_answer(int fd, long long deadline, struct buf *b)
{
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = left > 0 ? poll(&p, 1, (int)left) : 0;
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        char chunk[16384];
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 || (got > 0 && buf_append(b, chunk, (size_t)got) != 0))
            return -1;
        if (got == 0)
            return 0;
    }
}

int probe_chain(const char *host, unsigned port, int implicit, int timeout_ms,
                STACK_OF(X509) **chain, char *tls_info, size_t tls_info_len, struct err *e)
{
    *chain = NULL;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return err_set(e, ERR_INTERNAL, "probe: cannot make a pipe: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], host, port, implicit, timeout_ms);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return err_set(e, ERR_INTERNAL, "probe: cannot start its confined process: %s", strerror(errno));
    }
    /* Each step (connect, greeting, AUTH, handshake) has its own timeout;
     * a child that outlives them all is ended. */
    struct buf b;
    buf_init(&b, ANSWER_MAX);
    int got = read_answer(fds[0], now_ms() + 5LL * timeout_ms, &b);
    close(fds[0]);
    if (got != 0)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    int rc = got == 0 ? decode(&b, chain, tls_info, tls_info_len, e) : -1;
    buf_free(&b);
    if (rc == 1)
        return -1; /* the child's own error */
    if (rc == 0)
        return 0;
    if (got != 0)
        return err_set(e, ERR_CONNECT, "probe of %s: no answer within %d seconds", host,
                       5 * timeout_ms / 1000);
    if (WIFSIGNALED(status))
        return err_set(e, ERR_INTERNAL, "probe of %s: its confined process was killed by signal %d%s",
                       host, WTERMSIG(status),
                       WTERMSIG(status) == SIGSYS ? " (the sandbox refused a system call)" : "");
    return err_set(e, ERR_INTERNAL, "probe of %s: its confined process gave no usable answer", host);
}
