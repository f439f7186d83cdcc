/*
 * The sandbox (sandbox/) under ftpc's own policy (ftpc/front/confine.c),
 * at every Landlock ABI from 1 to the kernel's: each forbidden thing
 * (running a shell, writing outside the allowed folders, ptrace, fork,
 * mount, ...) must fail, each allowed one (writing inside, reading
 * anywhere, a TCP connection to 127.0.0.1, DNS, threads where the policy
 * has them) must work; and a policy like trustd probe's (no writes,
 * reading and TCP confined). Every case runs in a child of its own, which
 * confines itself and reports through its exit status; a call the filter
 * kills ends the child with SIGSYS. Also: the Landlock masks per ABI, the
 * scope ftpc reads from batch lines, and docs/security.md naming every
 * call of the filter (argument 1).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ftpc/front/confine.h"
#include "sandbox/landlock.h"
#include "sandbox/sandbox.h"
#include "sandbox/seccomp_filter.h"
#include "tests/unit/expect.h"

/* The folders of the test: allowed (the starting folder), outside (read
 * only), hist (holds the one allowed file, history). */
static char top[PATH_MAX], allowed[PATH_MAX], outside[PATH_MAX], hist_dir[PATH_MAX],
    hist_file[PATH_MAX];
static unsigned listen_port, other_port;
static int sanitizer_build;

static void path_in(char *out, const char *dir, const char *name)
{
    if (snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
        abort();
}

/* ftpc's policy, as ftpc builds it, with the ABI capped at abi. */
static int confine_as_ftpc(int abi)
{
    char cap[8];
    snprintf(cap, sizeof cap, "%d", abi);
    if (setenv(CONFINE_ABI_ENV, cap, 1) != 0 || chdir(allowed) != 0)
        return -1;
    struct confine_scope sc;
    struct err e;
    err_clear(&e);
    int rc = confine_scope_init(&sc, &e);
    if (rc == 0)
        rc = confine_allow_file(&sc, hist_file, &e);
    if (rc == 0)
        rc = confine_apply(&sc, &e);
    confine_scope_free(&sc);
    if (rc != 0)
        fprintf(stderr, "confine_apply: %s\n", e.msg);
    return rc;
}

/* The same with threads allowed (a policy ftpc does not use). */
static int confine_with_threads(int abi)
{
    const char *dirs[] = { allowed };
    struct sandbox_policy p = { .write_dirs = dirs, .n_write_dirs = 1, .threads = 1,
                                .landlock_abi_max = abi };
    struct sandbox_report r;
    struct err e;
    err_clear(&e);
    if (sandbox_apply(&p, &r, &e) != 0) {
        fprintf(stderr, "sandbox_apply: %s\n", e.msg);
        return -1;
    }
    return 0;
}

/* The kind of policy trustd's probe child has: no writes, reading only
 * some folders, TCP only to one port. */
static int confine_like_probe(int abi)
{
    const char *reads[] = { "/etc", "/usr", "/lib", hist_file };
    unsigned ports[] = { listen_port };
    struct sandbox_policy p = { .read_paths = reads, .n_read_paths = 4, .connect_ports = ports,
                                .n_connect_ports = 1, .landlock_abi_max = abi,
                                .no_unix_sockets = 1 };
    struct sandbox_report r;
    struct err e;
    err_clear(&e);
    if (sandbox_apply(&p, &r, &e) != 0) {
        fprintf(stderr, "sandbox_apply: %s\n", e.msg);
        return -1;
    }
    return 0;
}

/* A case's check: 0 when what happened is what must. */
#define REFUSED(call, err_no)                                                                 \
    do {                                                                                       \
        errno = 0;                                                                             \
        long r_ = (long)(call);                                                                \
        if (r_ != -1 || errno != (err_no)) {                                                   \
            fprintf(stderr, "  %s: %ld (%s), expected -1 (%s)\n", #call, r_, strerror(errno), \
                    strerror(err_no));                                                         \
            return 1;                                                                          \
        }                                                                                      \
    } while (0)
#define WORKS(call)                                                                            \
    do {                                                                                       \
        errno = 0;                                                                             \
        long r_ = (long)(call);                                                                \
        if (r_ < 0) {                                                                          \
            fprintf(stderr, "  %s: %ld (%s), expected to work\n", #call, r_, strerror(errno)); \
            return 1;                                                                          \
        }                                                                                      \
    } while (0)

struct ctx {
    int abi; /* in force; 0: no Landlock */
};

static int exec_shell(const struct ctx *c)
{
    (void)c;
    execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
    return 1; /* still here: not killed */
}

static int ptrace_me(const struct ctx *c)
{
    (void)c;
    if (sanitizer_build) {
        WORKS(ptrace(PTRACE_TRACEME, 0, NULL, NULL));
        return 0;
    }
    ptrace(PTRACE_TRACEME, 0, NULL, NULL);
    return 1;
}

static int bpf_call(const struct ctx *c)
{
    (void)c;
    syscall(SYS_bpf, 0, NULL, 0);
    return 1;
}

static int process_vm(const struct ctx *c)
{
    (void)c;
    syscall(SYS_process_vm_readv, getppid(), NULL, 0, NULL, 0, 0);
    return 1;
}

static int no_fork(const struct ctx *c)
{
    (void)c;
    errno = 0;
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    if (pid > 0) {
        waitpid(pid, NULL, 0);
        fprintf(stderr, "  fork worked\n");
        return 1;
    }
    REFUSED(syscall(SYS_fork), EPERM);
    REFUSED(syscall(SYS_vfork), EPERM);
    REFUSED(syscall(SYS_clone3, NULL, 0), ENOSYS);
    return 0;
}

static void *thread_main(void *arg)
{
    return arg;
}

static int threads_when_allowed(const struct ctx *c)
{
    (void)c;
    pthread_t t;
    void *back = NULL;
    int rc = pthread_create(&t, NULL, thread_main, (void *)&listen_port);
    if (rc != 0 || pthread_join(t, &back) != 0 || back != (void *)&listen_port) {
        fprintf(stderr, "  pthread_create: %s\n", strerror(rc));
        return 1;
    }
    REFUSED(fork(), EPERM);
    return 0;
}

static int refused_calls(const struct ctx *c)
{
    (void)c;
    char dir[PATH_MAX];
    path_in(dir, allowed, "mnt");
    REFUSED(mount("none", allowed, "tmpfs", 0, NULL), EPERM);
    REFUSED(unshare(CLONE_NEWUSER), EPERM);
    REFUSED(syscall(SYS_keyctl, 0, 0, 0, 0, 0), EPERM);
    REFUSED(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0), EPERM);
    REFUSED(socket(AF_PACKET, SOCK_RAW, 0), EPERM);
    /* No UNIX socket: a bus's path would be reachable past Landlock. */
    REFUSED(socket(AF_UNIX, SOCK_STREAM, 0), EPERM);
    REFUSED(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), EPERM);
    /* A connected pair reaches no path: allowed (libcurl's resolver
     * thread wakes its caller through one); of another family, not. */
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        fprintf(stderr, "  socketpair(AF_UNIX): %s\n", strerror(errno));
        return 1;
    }
    close(pair[0]);
    close(pair[1]);
    REFUSED(socketpair(AF_INET, SOCK_STREAM, 0, pair), EPERM);
    REFUSED(ioctl(STDIN_FILENO, TIOCSTI, "x"), EPERM);
    REFUSED(prctl(PR_SET_NAME, "x", 0, 0, 0), EPERM);
    if (!sanitizer_build)
        REFUSED(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), EPERM);
    REFUSED(kill(1, 0), EPERM);
    REFUSED(setuid(0), EPERM);
    REFUSED(chroot(allowed), EPERM);
    REFUSED(mkfifo(dir, 0600), EPERM);
    REFUSED(symlink("x", dir), EPERM);
    REFUSED(chmod(allowed, 0700), EPERM);
    struct rlimit none = { 0, 0 };
    REFUSED(setrlimit(RLIMIT_CORE, &none), EPERM);
    REFUSED(syscall(SYS_setrlimit, RLIMIT_CORE, &none), EPERM);
    return 0;
}

static int writes_outside(const struct ctx *c)
{
    char neu[PATH_MAX], existing[PATH_MAX], other[PATH_MAX], mine[PATH_MAX];
    path_in(neu, outside, "new");
    path_in(existing, outside, "existing");
    path_in(other, hist_dir, "other");
    path_in(mine, allowed, "moved-out");
    if (c->abi == 0)
        return 0; /* nothing confines writes: main() says so */
    REFUSED(open(neu, O_WRONLY | O_CREAT | O_EXCL, 0600), EACCES);
    REFUSED(open(existing, O_WRONLY), EACCES);
    REFUSED(open(existing, O_RDWR | O_APPEND), EACCES);
    REFUSED(open(other, O_WRONLY | O_CREAT, 0600), EACCES);
    REFUSED(mkdir(neu, 0700), EACCES);
    REFUSED(unlink(existing), EACCES);
    REFUSED(rmdir(outside), EACCES);
    REFUSED(open("/etc/passwd", O_WRONLY | O_APPEND), EACCES);
    REFUSED(open(existing, O_WRONLY | O_TRUNC), EACCES);
    REFUSED(truncate(existing, 0), EPERM); /* not a call ftpc makes */
    /* Moving a file out of the allowed folder. */
    int fd = open(mine, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return 1;
    close(fd);
    REFUSED(rename(mine, neu), EACCES);
    REFUSED(link(mine, neu), EACCES);
    unlink(mine);
    struct stat sb;
    if (stat(existing, &sb) != 0 || sb.st_size != 3)
        return 1;
    return 0;
}

static int writes_inside(const struct ctx *c)
{
    char a[PATH_MAX], b[PATH_MAX], sub[PATH_MAX], moved[PATH_MAX];
    path_in(a, allowed, "a.part");
    path_in(b, allowed, "a");
    path_in(sub, allowed, "made");
    path_in(moved, sub, "a");
    int fd = open(a, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    WORKS(fd);
    WORKS(write(fd, "abc", 3));
    WORKS(fsync(fd));
    WORKS(fchmod(fd, 0644));
    WORKS(ftruncate(fd, 2));
    close(fd);
    WORKS(rename(a, b));
    struct timespec t[2] = { { 0, UTIME_NOW }, { 1000000000, 0 } };
    WORKS(utimensat(AT_FDCWD, b, t, AT_SYMLINK_NOFOLLOW));
    WORKS(mkdir(sub, 0700));
    if (c->abi == 1) {
        REFUSED(rename(b, moved), EXDEV); /* ABI 1 refuses every change of folder */
        WORKS(unlink(b));
    } else {
        WORKS(rename(b, moved));
        WORKS(unlink(moved));
    }
    WORKS(rmdir(sub));
    /* The history file, in place. */
    fd = open(hist_file, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
    WORKS(fd);
    WORKS(write(fd, "ls\n", 3));
    close(fd);
    fd = open("/dev/null", O_WRONLY);
    WORKS(fd);
    close(fd);
    return 0;
}

static int reads_anywhere(const struct ctx *c)
{
    (void)c;
    char buf[64], existing[PATH_MAX];
    path_in(existing, outside, "existing");
    int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
    WORKS(fd);
    WORKS(read(fd, buf, sizeof buf));
    close(fd);
    fd = open(existing, O_RDONLY | O_CLOEXEC);
    WORKS(fd);
    if (read(fd, buf, sizeof buf) != 3)
        return 1;
    close(fd);
    DIR *d = opendir("/");
    if (d == NULL || readdir(d) == NULL)
        return 1;
    closedir(d);
    char cwd[PATH_MAX];
    WORKS(chdir(outside));
    if (getcwd(cwd, sizeof cwd) == NULL)
        return 1;
    return 0;
}

static int network(const struct ctx *c)
{
    (void)c;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    WORKS(fd);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)listen_port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    WORKS(connect(fd, (struct sockaddr *)&sa, sizeof sa));
    WORKS(send(fd, "x", 1, MSG_NOSIGNAL));
    struct pollfd p = { .fd = fd, .events = POLLOUT };
    WORKS(poll(&p, 1, 1000));
    int one = 1;
    WORKS(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one));
    int avail = 0;
    WORKS(ioctl(fd, FIONREAD, &avail));
    close(fd);
    /* An active-mode data port: bound, listening. */
    fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    WORKS(fd);
    close(fd);
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res = NULL;
    int rc = getaddrinfo("localhost", "21", &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "  getaddrinfo(localhost): %s\n", gai_strerror(rc));
        return 1;
    }
    freeaddrinfo(res);
    return 0;
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = sig;
}

static int signals_and_time(const struct ctx *c)
{
    (void)c;
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    WORKS(sigaction(SIGUSR1, &sa, NULL));
    WORKS(raise(SIGUSR1));
    WORKS(kill(getpid(), SIGUSR1));
    WORKS(kill(0, 0));
    if (got_signal != SIGUSR1)
        return 1;
    struct timespec ts;
    WORKS(clock_gettime(CLOCK_REALTIME, &ts));
    struct timespec nap = { 0, 1000000 };
    WORKS(nanosleep(&nap, NULL));
    int fds[2];
    WORKS(pipe2(fds, O_CLOEXEC));
    struct pollfd p = { .fd = fds[0], .events = POLLIN };
    WORKS(poll(&p, 1, 0));
    void *m = malloc(1 << 20);
    if (m == NULL)
        return 1;
    memset(m, 1, 1 << 20);
    free(m);
    return 0;
}

/* What the sandbox in force says about itself and its refusals. */
static int report(const struct ctx *c)
{
    char text[4096], want[64], inside[PATH_MAX], out_file[PATH_MAX];
    int failures_before = expect_failures; /* the parent's, inherited */
    sandbox_describe(text, sizeof text);
    if (c->abi > 0) {
        snprintf(want, sizeof want, "seccomp filter, Landlock ABI %d;", c->abi);
        EXPECT_CONTAINS(text, want);
        EXPECT_CONTAINS(text, allowed);
        EXPECT_CONTAINS(text, hist_file);
    } else {
        EXPECT_CONTAINS(text, "Landlock not available");
    }
    EXPECT(sandbox_active());
    path_in(inside, allowed, "x");
    path_in(out_file, outside, "x");
    EXPECT(sandbox_may_write_in(allowed));
    EXPECT(sandbox_may_write_in(inside)); /* a folder yet to be made */
    EXPECT_EQ_INT(sandbox_may_write_in(outside), c->abi == 0);
    EXPECT_EQ_STR(sandbox_errno_text(EACCES, inside), strerror(EACCES));
    EXPECT_EQ_STR(sandbox_errno_text(ENOSPC, out_file), strerror(ENOSPC));
    if (c->abi > 0) {
        const char *t = sandbox_errno_text(EACCES, out_file);
        EXPECT_CONTAINS(t, "the sandbox allows no writes in");
        EXPECT_CONTAINS(t, outside);
        EXPECT_CONTAINS(t, "start ftpc with --allow-write");
    }
    return expect_failures == failures_before ? 0 : 1;
}

static int connect_to(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

static int probe_policy(const struct ctx *c)
{
    char inside[PATH_MAX], existing[PATH_MAX];
    path_in(inside, allowed, "probe-wrote");
    path_in(existing, outside, "existing");
    WORKS(connect_to(listen_port));
    char buf[8];
    int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
    WORKS(fd);
    WORKS(read(fd, buf, sizeof buf));
    close(fd);
    WORKS(fd = open(hist_file, O_RDONLY | O_CLOEXEC)); /* a file named for reading */
    close(fd);
    if (c->abi == 0)
        return 0;
    REFUSED(open(inside, O_WRONLY | O_CREAT | O_EXCL, 0600), EACCES);
    REFUSED(open(hist_file, O_WRONLY), EACCES);
    REFUSED(open(existing, O_RDONLY), EACCES);
    REFUSED(opendir(outside) == NULL ? -1 : 0, EACCES);
    if (c->abi >= 4)
        REFUSED(connect_to(other_port), EACCES);
    else
        WORKS(connect_to(other_port)); /* no network rules below ABI 4 */
    return 0;
}

enum outcome { WORKS_OR_REFUSED, KILLED };
enum policy_kind { FTPC_POLICY, THREADS_POLICY, PROBE_POLICY };

struct test_case {
    const char *name;
    int (*run)(const struct ctx *);
    enum policy_kind policy;
    enum outcome outcome;
};

static const struct test_case CASES[] = {
    { "exec a shell", exec_shell, FTPC_POLICY, KILLED },
    { "ptrace", ptrace_me, FTPC_POLICY, KILLED },
    { "bpf", bpf_call, FTPC_POLICY, KILLED },
    { "process_vm_readv", process_vm, FTPC_POLICY, KILLED },
    { "fork and clone3", no_fork, FTPC_POLICY, WORKS_OR_REFUSED },
    /* ftpc's own policy has threads (mirror --parallel), never processes. */
    { "ftpc's threads", threads_when_allowed, FTPC_POLICY, WORKS_OR_REFUSED },
    { "threads allowed", threads_when_allowed, THREADS_POLICY, WORKS_OR_REFUSED },
    { "probe's policy", probe_policy, PROBE_POLICY, WORKS_OR_REFUSED },
    { "refused calls", refused_calls, FTPC_POLICY, WORKS_OR_REFUSED },
    { "writes outside", writes_outside, FTPC_POLICY, WORKS_OR_REFUSED },
    { "writes inside", writes_inside, FTPC_POLICY, WORKS_OR_REFUSED },
    { "reads anywhere", reads_anywhere, FTPC_POLICY, WORKS_OR_REFUSED },
    { "network", network, FTPC_POLICY, WORKS_OR_REFUSED },
    { "signals, time, memory", signals_and_time, FTPC_POLICY, WORKS_OR_REFUSED },
    { "report", report, FTPC_POLICY, WORKS_OR_REFUSED },
};

static void run_case(const struct test_case *t, int abi, int kernel_abi)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        EXPECT(pid >= 0);
        return;
    }
    if (pid == 0) {
        int rc = t->policy == THREADS_POLICY  ? confine_with_threads(abi)
                 : t->policy == PROBE_POLICY ? confine_like_probe(abi)
                                             : confine_as_ftpc(abi);
        struct ctx c = { .abi = kernel_abi > 0 ? abi : 0 };
        _exit(rc != 0 ? 2 : t->run(&c));
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        EXPECT(0);
        return;
    }
    int killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
    int ok = t->outcome == KILLED && !(t->run == ptrace_me && sanitizer_build)
                 ? killed
                 : WIFEXITED(status) && WEXITSTATUS(status) == 0;
    expect_checks++;
    if (!ok) {
        expect_failures++;
        fprintf(stderr, "ABI %d: %s: %s %d\n", abi, t->name,
                WIFSIGNALED(status) ? "killed by signal" : "exit status",
                WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    }
}

static void masks(void)
{
    struct landlock_masks m;
    for (int abi = 1; abi <= SANDBOX_LANDLOCK_ABI_KNOWN + 1; abi++) {
        landlock_masks_for(abi, 0, 0, &m);
        /* Reading is never handled, running a file always is. */
        EXPECT_EQ_INT(m.handled_fs & (LL_FS_READ_FILE | LL_FS_READ_DIR), 0);
        EXPECT(m.handled_fs & LL_FS_EXECUTE);
        EXPECT_EQ_INT(m.dir_grant & (LL_FS_EXECUTE | LL_FS_MAKE_SYM | LL_FS_MAKE_FIFO |
                                     LL_FS_MAKE_CHAR | LL_FS_MAKE_BLOCK | LL_FS_MAKE_SOCK), 0);
        EXPECT_EQ_INT(m.dir_grant & ~m.handled_fs, 0);
        EXPECT_EQ_INT(m.file_grant & ~m.dir_grant, 0);
        EXPECT_EQ_INT((m.handled_fs & LL_FS_REFER) != 0, abi >= 2);
        EXPECT_EQ_INT((m.handled_fs & LL_FS_TRUNCATE) != 0, abi >= 3);
        EXPECT_EQ_INT(m.handled_fs & LL_FS_IOCTL_DEV, 0);
        EXPECT_EQ_INT(m.handled_net, 0);
        EXPECT_EQ_INT(m.read_grant, 0);
        EXPECT_EQ_INT(m.scoped != 0, abi >= 6);
        EXPECT_EQ_INT(m.attr_size, abi >= 6 ? 24 : abi >= 4 ? 16 : 8);
        landlock_masks_for(abi, 1, 1, &m);
        EXPECT_EQ_INT(m.read_grant, LL_FS_READ_FILE | LL_FS_READ_DIR);
        EXPECT_EQ_INT(m.handled_fs & m.read_grant, m.read_grant);
        EXPECT_EQ_INT(m.handled_net, abi >= 4 ? (LL_NET_BIND_TCP | LL_NET_CONNECT_TCP) : 0);
    }
}

static void paths(void)
{
    EXPECT(sandbox_path_within("/", "/etc"));
    EXPECT(sandbox_path_within("/a/b", "/a/b"));
    EXPECT(sandbox_path_within("/a/b", "/a/b/c"));
    EXPECT(!sandbox_path_within("/a/b", "/a/bc"));
    EXPECT(!sandbox_path_within("/a/b", "/a"));
    EXPECT(!sandbox_path_within("/a/b", "relative"));
}

static int has(const struct strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i], s) == 0)
            return 1;
    return 0;
}

/* One batch line, split, into the scope. */
static void line(struct confine_scope *sc, const char *words)
{
    char copy[1024], *argv[16];
    int argc = 0;
    snprintf(copy, sizeof copy, "%s", words);
    for (char *w = copy; *w != '\0' && argc < 15;) {
        argv[argc++] = w;
        char *blank = strchr(w, ' ');
        if (blank == NULL)
            break;
        *blank = '\0';
        w = blank + 1;
    }
    argv[argc] = NULL;
    struct err e;
    err_clear(&e);
    EXPECT_EQ_INT(confine_allow_line(sc, argc, argv, &e), 0);
}

static void scope(void)
{
    char sub[PATH_MAX], made[PATH_MAX], away[PATH_MAX];
    path_in(sub, outside, "sub");
    path_in(made, outside, "made");
    path_in(away, outside, "away");
    EXPECT_EQ_INT(mkdir(sub, 0700), 0);
    EXPECT_EQ_INT(chdir(allowed), 0);
    struct confine_scope sc;
    struct err e;
    err_clear(&e);
    EXPECT_EQ_INT(confine_scope_init(&sc, &e), 0);
    EXPECT(has(&sc.dirs, allowed));
    char text[PATH_MAX + 64];
    /* Uploads and listings write nothing here; a mirror's --exclude value
     * is no target. */
    line(&sc, "put /etc/passwd x");
    snprintf(text, sizeof text, "mirror --exclude %s/x remote newdir", outside);
    line(&sc, text);
    snprintf(text, sizeof text, "get -r remote %s", made);
    line(&sc, text);
    EXPECT(has(&sc.dirs, outside)); /* made does not exist: mirror makes it in outside */
    confine_scope_free(&sc);

    EXPECT_EQ_INT(confine_scope_init(&sc, &e), 0);
    snprintf(text, sizeof text, "mirror --exclude %s/x remote newdir", outside);
    line(&sc, text);
    EXPECT(!has(&sc.dirs, outside));
    /* lcd moves where relative names start. */
    snprintf(text, sizeof text, "lcd %s", sub);
    line(&sc, text);
    EXPECT(has(&sc.dirs, sub));
    line(&sc, "get remote ../away");
    EXPECT(has(&sc.dirs, outside));
    line(&sc, "get -f remote /dev/null");
    EXPECT(has(&sc.files, "/dev/null"));
    line(&sc, "recv remote -");
    EXPECT_EQ_INT(sc.files.n, 1);
    EXPECT_EQ_INT(confine_allow_dir(&sc, "/no/such/folder", &e), -1);
    EXPECT_EQ_INT(e.code, ERR_USAGE);
    EXPECT_CONTAINS(e.msg, "--allow-write /no/such/folder: no such folder");
    EXPECT_EQ_INT(confine_allow_dir(&sc, "/etc/passwd", &e), -1);
    EXPECT_CONTAINS(e.msg, "not a folder");
    confine_scope_free(&sc);
    EXPECT_EQ_INT(rmdir(sub), 0);
}

/* docs/security.md names every call the filter allows, checks, kills or
 * answers ENOSYS, each as `name`. */
static void docs(const char *path)
{
    FILE *f = fopen(path, "r");
    EXPECT(f != NULL);
    if (f == NULL)
        return;
    static char doc[1 << 20];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    doc[n] = '\0';
    fclose(f);
    const char *const *tables[] = { SECCOMP_ALLOWED, SECCOMP_CHECKED, SECCOMP_KILLED,
                                    SECCOMP_NOT_THERE, SECCOMP_SANITIZER };
    size_t counts[] = { SECCOMP_N_ALLOWED, SECCOMP_N_CHECKED, SECCOMP_N_KILLED,
                        SECCOMP_N_NOT_THERE, SECCOMP_N_SANITIZER };
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        for (size_t i = 0; i < counts[t]; i++) {
            char want[64];
            snprintf(want, sizeof want, "`%s`", tables[t][i]);
            EXPECT_CONTAINS(doc, want);
        }
    }
}

static int make_dirs(void)
{
    snprintf(top, sizeof top, "/tmp/ftpc-sandbox-test.XXXXXX");
    if (mkdtemp(top) == NULL)
        return -1;
    path_in(allowed, top, "allowed");
    path_in(outside, top, "outside");
    path_in(hist_dir, top, "hist");
    path_in(hist_file, hist_dir, "history");
    char existing[PATH_MAX];
    path_in(existing, outside, "existing");
    if (mkdir(allowed, 0700) != 0 || mkdir(outside, 0700) != 0 || mkdir(hist_dir, 0700) != 0)
        return -1;
    FILE *f = fopen(existing, "w");
    FILE *h = fopen(hist_file, "w");
    int ok = f != NULL && h != NULL && fputs("abc", f) >= 0;
    if (f != NULL)
        fclose(f);
    if (h != NULL)
        fclose(h);
    return ok ? 0 : -1;
}

static void remove_dirs(void)
{
    const char *files[] = { "outside/existing", "hist/history", "allowed/a", "allowed/moved-out" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char p[PATH_MAX];
        path_in(p, top, files[i]);
        unlink(p);
    }
    rmdir(allowed);
    rmdir(outside);
    rmdir(hist_dir);
    rmdir(top);
}

static int listener(unsigned *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
        return -1;
    *port = ntohs(sa.sin_port);
    return fd;
}

int main(int argc, char **argv)
{
    sanitizer_build = SECCOMP_N_SANITIZER > 0;
    masks();
    paths();
    if (argc > 1)
        docs(argv[1]);
    EXPECT_EQ_INT(make_dirs(), 0);
    int lfd = listener(&listen_port), ofd = listener(&other_port);
    EXPECT(lfd >= 0 && ofd >= 0);
    scope();
    int kernel = sandbox_landlock_abi();
    int top_abi = kernel > SANDBOX_LANDLOCK_ABI_KNOWN ? SANDBOX_LANDLOCK_ABI_KNOWN : kernel;
    if (kernel == 0) {
        /* Said, never skipped silently: writes are then confined by nothing. */
        printf("note: this kernel has no Landlock: the write cases only check that writes work\n");
        top_abi = 1;
    } else {
        printf("kernel Landlock ABI %d: the cases run at ABI 1 to %d\n", kernel, top_abi);
    }
    if (sanitizer_build)
        printf("note: sanitizer build: ptrace and LeakSanitizer's calls are allowed\n");
    for (int abi = 1; abi <= top_abi; abi++)
        for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
            run_case(&CASES[i], abi, kernel);
    if (lfd >= 0)
        close(lfd);
    if (ofd >= 0)
        close(ofd);
    remove_dirs();
    return expect_done("sandbox");
}
