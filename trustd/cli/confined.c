/* confined: untrusted talk in a confined child; its answer over a pipe. */
#define _GNU_SOURCE /* pipe2, close_range */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/fdio.h"
#include "sandbox/sandbox.h"
#include "trustd/cli/confined.h"

static const char *const SYSTEM_READS[] = { "/etc", "/usr", "/lib", "/lib64", "/dev/urandom" };
/* The resolver's files may be links out of /etc (systemd-resolved's
 * resolv.conf lives in /run): what they lead to is readable too. */
static const char *const RESOLVER_FILES[] = { "/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf",
                                              "/etc/host.conf", "/etc/gai.conf" };

void confined_limits_system(struct confined_limits *r)
{
    r->n = 0;
    r->port = 0;
    r->threads = 0;
    for (size_t i = 0; i < sizeof SYSTEM_READS / sizeof SYSTEM_READS[0]; i++)
        if (access(SYSTEM_READS[i], F_OK) == 0)
            r->paths[r->n++] = SYSTEM_READS[i];
    for (size_t i = 0; i < sizeof RESOLVER_FILES / sizeof RESOLVER_FILES[0]; i++)
        if (r->n < CONFINED_READS_MAX && realpath(RESOLVER_FILES[i], r->resolved[r->n]) != NULL &&
            strncmp(r->resolved[r->n], "/etc/", 5) != 0) {
            r->paths[r->n] = r->resolved[r->n];
            r->n++;
        }
}

void confined_read(struct confined_limits *r, const char *path)
{
    if (r->n < CONFINED_READS_MAX && realpath(path, r->resolved[r->n]) != NULL) {
        r->paths[r->n] = r->resolved[r->n];
        r->n++;
    }
}

/* The answer, in this machine's byte order (one program on both ends):
 * u32 failed, u32 code, u32 detail, the message as u32 length and
 * bytes, then the work's own answer. */
int answer_put_u32(struct buf *b, size_t v)
{
    uint32_t u = (uint32_t)v;
    return v > UINT32_MAX ? -1 : buf_append(b, &u, sizeof u);
}

int answer_put_bytes(struct buf *b, const void *p, size_t n)
{
    return answer_put_u32(b, n) == 0 && buf_append(b, p, n) == 0 ? 0 : -1;
}

int answer_take_u32(struct answer *a, uint32_t *v)
{
    if (a->left < sizeof *v)
        return -1;
    memcpy(v, a->p, sizeof *v);
    a->p += sizeof *v;
    a->left -= sizeof *v;
    return 0;
}

int answer_take_bytes(struct answer *a, size_t max, const unsigned char **p, size_t *n)
{
    uint32_t len;
    if (answer_take_u32(a, &len) != 0 || len > max || len > a->left)
        return -1;
    *p = a->p;
    *n = len;
    a->p += len;
    a->left -= len;
    return 0;
}

/* The child: keep only the answer pipe (as 3), confine, work, answer, end. */
static void child(int out, const struct confined_limits *l, confined_work work, void *arg, size_t answer_max)
{
    struct sandbox_policy p = {
        .read_paths = l->paths,
        .n_read_paths = l->n,
        .threads = l->threads,
        .no_unix_sockets = 1,
        .connect_ports = &l->port,
        .n_connect_ports = l->port != 0,
    };
    struct sandbox_report r;
    struct err e;
    err_clear(&e);
    struct buf body, head;
    buf_init(&body, answer_max);
    buf_init(&head, ERR_MSG_MAX + 64);
    int rc = 0;
    if ((out != 3 && dup2(out, 3) != 3) || close_range(4, ~0U, 0) != 0)
        rc = err_set(&e, ERR_INTERNAL, "cannot close the parent's files in the confined process");
    out = 3;
    if (rc == 0)
        rc = sandbox_apply(&p, &r, &e);
    if (rc == 0)
        rc = work(arg, &body, &e);
    if (rc != 0)
        body.len = 0;
    int sent = answer_put_u32(&head, rc != 0) == 0 && answer_put_u32(&head, (size_t)e.code) == 0 &&
               answer_put_u32(&head, (size_t)e.detail) == 0 &&
               answer_put_bytes(&head, e.msg, strlen(e.msg)) == 0 &&
               fd_write_all(out, head.data, head.len) == 0 &&
               (body.len == 0 || fd_write_all(out, body.data, body.len) == 0);
    _exit(sent ? 0 : 1);
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Everything the child writes, until it closes the pipe (0), the
 * deadline passes (-1) or the answer outgrows its bound (-2). */
static int read_answer(int fd, long long deadline, struct buf *b)
{
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = left > 0 ? poll(&p, 1, (int)(left > 1000000 ? 1000000 : left)) : 0;
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0 && now_ms() < deadline)
            continue;
        if (r <= 0)
            return -1;
        char chunk[65536];
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got > 0 && buf_append(b, chunk, (size_t)got) != 0)
            return -2;
        if (got == 0)
            return 0;
    }
}

/* The child's own error, when it gave one: 1 (e set); 0 when it worked. */
static int child_error(struct answer *a, struct err *e)
{
    uint32_t failed, code, detail;
    const unsigned char *msg;
    size_t msg_len;
    if (answer_take_u32(a, &failed) != 0 || answer_take_u32(a, &code) != 0 ||
        answer_take_u32(a, &detail) != 0 || answer_take_bytes(a, ERR_MSG_MAX - 1, &msg, &msg_len) != 0 ||
        code > ERR_INTERNAL || detail > ERR_DETAIL_CLEAR_TEXT)
        return -1;
    if (!failed)
        return 0;
    err_set(e, code == ERR_NONE ? ERR_INTERNAL : (enum err_code)code, "%.*s", (int)msg_len,
            (const char *)msg);
    e->detail = (enum err_detail)detail;
    return 1;
}

int confined_run(const char *what, const struct confined_limits *limits, confined_work work, void *arg, long long timeout_ms, size_t answer_max, struct buf *buf, struct answer *a,
                 struct err *e)
{
    buf_init(buf, answer_max + ERR_MSG_MAX + 64);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return err_set(e, ERR_INTERNAL, "%s: cannot make a pipe: %s", what, strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], limits, work, arg, answer_max);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return err_set(e, ERR_INTERNAL, "%s: cannot start its confined process: %s", what, strerror(errno));
    }
    int got = read_answer(fds[0], now_ms() + timeout_ms, buf);
    close(fds[0]);
    if (got != 0)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    *a = (struct answer){ (const unsigned char *)buf->data, buf->len };
    int rc = got == 0 ? child_error(a, e) : -1;
    if (rc == 0)
        return 0;
    buf_free(buf);
    if (rc == 1)
        return -1;
    if (got == -1)
        return err_set(e, ERR_CONNECT, "%s: no answer within %lld seconds", what, timeout_ms / 1000);
    if (got == -2)
        return err_set(e, ERR_INTERNAL, "%s: its confined process answered more than %zu bytes", what,
                       answer_max);
    if (WIFSIGNALED(status))
        return err_set(e, ERR_INTERNAL, "%s: its confined process was killed by signal %d%s", what,
                       WTERMSIG(status),
                       WTERMSIG(status) == SIGSYS ? " (the sandbox refused a system call)" : "");
    return err_set(e, ERR_INTERNAL, "%s: its confined process gave no usable answer", what);
}
