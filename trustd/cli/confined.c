/* confined: untrusted talk in a confined child; its answer over a pipe. */
#define _GNU_SOURCE /* pipe2, close_range, setresuid */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/fdio.h"
#include "sandbox/sandbox.h"
#include "trustd/cli/confined.h"

/* Libraries, their configuration and the kernel's random bytes. */
static const char *const SYSTEM_READS[] = { "/usr", "/lib", "/lib64", "/dev/urandom" };
/* What the resolver (and the NSS modules it loads), OpenSSL and libcurl
 * read of /etc, each where it is (links followed: systemd-resolved's
 * resolv.conf lives in /run). Not /etc itself: not shadow, host keys or
 * /etc/ssl/private. */
static const char *const ETC_READS[] = {
    "/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/host.conf", "/etc/gai.conf",
    "/etc/services", "/etc/ld.so.cache", "/etc/localtime", "/etc/ssl/certs", "/etc/ssl/openssl.cnf",
    "/etc/pki/tls/certs", "/etc/pki/ca-trust/extracted", "/etc/ca-certificates",
};

void confined_limits_system(struct confined_limits *r)
{
    r->n = 0;
    r->n_ports = 0;
    r->threads = 0;
    r->keep_root = 0;
    for (size_t i = 0; i < sizeof SYSTEM_READS / sizeof SYSTEM_READS[0]; i++)
        if (access(SYSTEM_READS[i], F_OK) == 0)
            r->paths[r->n++] = SYSTEM_READS[i];
    for (size_t i = 0; i < sizeof ETC_READS / sizeof ETC_READS[0]; i++)
        confined_read(r, ETC_READS[i]);
}

void confined_read(struct confined_limits *r, const char *path)
{
    if (r->n < CONFINED_READS_MAX && realpath(path, r->resolved[r->n]) != NULL) {
        r->paths[r->n] = r->resolved[r->n];
        r->n++;
    }
}

int confined_port(struct confined_limits *l, unsigned long port)
{
    if (port == 0 || port > 65535)
        return -1;
    for (size_t i = 0; i < l->n_ports; i++)
        if (l->ports[i] == port)
            return 0;
    if (l->n_ports >= CONFINED_PORTS_MAX)
        return -1;
    l->ports[l->n_ports++] = (unsigned)port;
    return 0;
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

#if defined(__SANITIZE_ADDRESS__)
#define KEEP_STDERR 1 /* the sanitizers report there */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define KEEP_STDERR 1
#endif
#endif
#ifndef KEEP_STDERR
#define KEEP_STDERR 0
#endif

/* Only the answer pipe, as 3: /dev/null on 0, 1 and 2 (a taken-over
 * child can put nothing on the terminal or in a log), nothing above 3
 * (in the parent 3 may be the store). 0 or -1 (nothing written then). */
static int keep_only(int out)
{
    int hi = fcntl(out, F_DUPFD, 10);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    /* (The pipe itself may have been given 2, when the parent had none.) */
    if (hi < 0 || null < 0 || dup2(null, 0) != 0 || dup2(null, 1) != 1 ||
        ((!KEEP_STDERR || out == 2) && dup2(null, 2) != 2) || dup2(hi, 3) != 3)
        return -1;
    if (close_range(4, ~0U, 0) != 0) { /* before Linux 5.9, or refused */
        DIR *d = opendir("/proc/self/fd");
        if (d == NULL)
            return -1;
        int fds[1024], n = 0, self = dirfd(d);
        struct dirent *de;
        while ((de = readdir(d)) != NULL && n < 1024) {
            char *end;
            long fd = strtol(de->d_name, &end, 10);
            if (*end == '\0' && end != de->d_name && fd > 3 && fd < INT_MAX && fd != self)
                fds[n++] = (int)fd;
        }
        closedir(d);
        if (n == 1024)
            return -1;
        for (int i = 0; i < n; i++)
            close(fds[i]);
    }
    return 0;
}

/* Run by root: nobody from here on (looked up by the parent). */
static int drop_root(uid_t uid, gid_t gid, struct err *e)
{
    if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0 ||
        geteuid() != uid || getegid() != gid)
        return err_set(e, ERR_INTERNAL, "cannot become nobody to talk to the server: %s (run by root, "
                       "trustd needs CAP_SETUID and CAP_SETGID for that; or run it as the store's "
                       "owner)", strerror(errno));
    return 0;
}

struct child_setup {
    const char *what;
    const struct confined_limits *l;
    pid_t parent;
    int drop;
    uid_t uid;
    gid_t gid;
};

/* The child: keep only the answer pipe, become nobody, end with the
 * parent, confine, work, answer, end. */
static void child(int out, const struct child_setup *c, confined_work work, void *arg, size_t answer_max)
{
    if (keep_only(out) != 0)
        _exit(1);
    out = 3;
    struct sandbox_policy p = {
        .read_paths = c->l->paths,
        .n_read_paths = c->l->n,
        .threads = c->l->threads,
        .no_unix_sockets = 1,
        .connect_ports = c->l->ports,
        .n_connect_ports = c->l->n_ports,
    };
    struct sandbox_report r;
    struct err e;
    err_clear(&e);
    struct buf body, head;
    buf_init(&body, answer_max);
    buf_init(&head, ERR_MSG_MAX + 64);
    /* No controlling terminal, a process group of its own: no /dev/tty
     * to write to, no kill(0) reaching the parent's group. */
    (void)setsid();
    int rc = c->drop && drop_root(c->uid, c->gid, &e) != 0 ? err_prefix(&e, "%s", c->what) : 0;
    /* After the change of user, which clears it; a parent already gone
     * (killed meanwhile) leaves nobody to answer. */
    if (rc == 0 && (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != c->parent))
        _exit(1);
    if (rc == 0 && sandbox_apply(&p, &r, &e) != 0)
        rc = err_prefix(&e, "%s", c->what);
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
 * deadline passes (-1), the answer outgrows its bound (-2) or reading
 * fails (-3, errno kept). */
static int read_answer(int fd, long long deadline, struct buf *b)
{
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = left > 0 ? poll(&p, 1, (int)(left > 1000000 ? 1000000 : left)) : 0;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -3;
        if (r == 0 && now_ms() < deadline)
            continue;
        if (r == 0)
            return -1;
        char chunk[65536];
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -3;
        if (got > 0 && b->len + (size_t)got > b->max)
            return -2;
        if (got > 0 && buf_append(b, chunk, (size_t)got) != 0)
            return -3;
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

/* Who the child becomes when root runs it: nobody (65534 where the
 * system has no such user). */
static void nobody(struct child_setup *c)
{
    struct passwd *pw = getpwnam("nobody");
    c->uid = pw != NULL ? pw->pw_uid : 65534;
    c->gid = pw != NULL ? pw->pw_gid : 65534;
    if (c->uid == 0 || c->gid == 0)
        c->uid = c->gid = 65534;
}

int confined_run(const char *what, const struct confined_limits *limits, confined_work work, void *arg,
                 long long timeout_ms, size_t answer_max, struct buf *buf, struct answer *a,
                 struct err *e)
{
    buf_init(buf, answer_max + ERR_MSG_MAX + 64);
    struct child_setup c = { .what = what, .l = limits, .parent = getpid(),
                             .drop = geteuid() == 0 && !limits->keep_root };
    if (c.drop)
        nobody(&c);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return err_set(e, ERR_INTERNAL, "%s: cannot make a pipe: %s", what, strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], &c, work, arg, answer_max);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return err_set(e, ERR_INTERNAL, "%s: cannot start its confined process: %s", what, strerror(errno));
    }
    int got = read_answer(fds[0], now_ms() + timeout_ms, buf);
    int read_errno = errno;
    close(fds[0]);
    /* Whatever it answered, it is done: one that closed the pipe and
     * lingers must not hold the caller (a zombie keeps its status). */
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
    if (got == -3)
        return err_set(e, ERR_INTERNAL, "%s: cannot read its confined process's answer: %s", what,
                       strerror(read_errno));
    if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
        return err_set(e, ERR_INTERNAL, "%s: its confined process was killed by signal %d%s", what,
                       WTERMSIG(status),
                       WTERMSIG(status) == SIGSYS ? " (the sandbox refused a system call)" : "");
    return err_set(e, ERR_INTERNAL, "%s: its confined process gave no usable answer", what);
}
