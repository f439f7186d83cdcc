/* seccomp_filter: what a client does is allowed; the rest refused or fatal. */
#define _GNU_SOURCE /* CLONE_THREAD */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <seccomp.h>

#include "sandbox/seccomp_filter.h"

const char *const SECCOMP_ALLOWED[] = {
    /* files: reading anywhere, writing where Landlock lets it */
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "lseek",
    "close", "open", "openat", "creat", "fstat", "stat", "lstat", "newfstatat", "statx",
    "fstatfs", "statfs", "access", "faccessat", "faccessat2", "readlink", "readlinkat",
    "getdents64", "getcwd", "chdir", "fchdir", "fcntl", "dup", "dup2", "dup3", "pipe", "pipe2",
    "fsync", "fdatasync", "ftruncate", "flock", "fadvise64", "rename", "renameat", "renameat2",
    "link", "linkat", "unlink", "unlinkat", "mkdir", "mkdirat", "rmdir", "fchmod", "umask",
    "utimensat",
    /* memory */
    "brk", "mmap", "munmap", "mprotect", "mremap", "madvise", "mlock", "mlock2", "munlock",
    /* time and waiting */
    "clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep", "clock_nanosleep",
    "poll", "ppoll", "select", "pselect6", "epoll_create1", "epoll_ctl", "epoll_wait",
    "epoll_pwait",
    /* signals */
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigsuspend",
    "rt_sigtimedwait", "sigaltstack", "restart_syscall", "alarm", "setitimer", "getitimer",
    /* who and where it runs */
    "getpid", "gettid", "getppid", "getuid", "geteuid", "getgid", "getegid", "getgroups",
    "getresuid", "getresgid", "getpgrp", "getrandom", "uname", "sysinfo", "getrusage",
    "sched_yield", "sched_getaffinity", "futex", "set_robust_list", "rseq", "exit", "exit_group",
    /* network: the server, DNS (UDP and TCP) and the resolver's sockets */
    "connect", "bind", "listen", "accept", "accept4", "getsockname", "getpeername", "setsockopt",
    "getsockopt", "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown",
};
const size_t SECCOMP_N_ALLOWED = sizeof SECCOMP_ALLOWED / sizeof SECCOMP_ALLOWED[0];

/* socket: IPv4, IPv6, netlink, and local (UNIX) unless the policy has
 * no_unix_sockets (the resolver asks netlink for the
 * addresses); socketpair: UNIX only, a connected pair that reaches no
 * path (libcurl's resolver thread signals over one); ioctl: the terminal's and the sockets' requests (never
 * TIOCSTI); kill: itself or its process group (the line editor passes a
 * Ctrl-C on); tgkill: its own threads; prlimit64: reading limits only;
 * clone: threads, when the policy has them. */
const char *const SECCOMP_CHECKED[] = { "socket", "socketpair", "ioctl", "kill", "tgkill", "prlimit64", "clone" };
const size_t SECCOMP_N_CHECKED = sizeof SECCOMP_CHECKED / sizeof SECCOMP_CHECKED[0];

const char *const SECCOMP_KILLED[] = {
    "execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev", "kexec_load",
    "kexec_file_load", "init_module", "finit_module", "delete_module", "bpf",
};
const size_t SECCOMP_N_KILLED = sizeof SECCOMP_KILLED / sizeof SECCOMP_KILLED[0];

const char *const SECCOMP_NOT_THERE[] = { "clone3" };
const size_t SECCOMP_N_NOT_THERE = sizeof SECCOMP_NOT_THERE / sizeof SECCOMP_NOT_THERE[0];

#ifdef SANDBOX_FOR_SANITIZERS
/* LeakSanitizer at exit: a tracer task that shares the memory but is no
 * thread (clone with CLONE_VM and CLONE_UNTRACED, never a fork or a
 * thread) lists the process's threads (getdents), attaches to them
 * (ptrace, once prctl has made the process dumpable and set the tracer's
 * parent death signal) and is waited for. */
const char *const SECCOMP_SANITIZER[] = { "ptrace", "wait4", "getdents" };
const size_t SECCOMP_N_SANITIZER = sizeof SECCOMP_SANITIZER / sizeof SECCOMP_SANITIZER[0];
#else
const char *const SECCOMP_SANITIZER[] = { NULL };
const size_t SECCOMP_N_SANITIZER = 0;
#endif

/* The low 32 bits of an argument: the kernel reads int and unsigned int
 * arguments so, whatever the upper half holds. */
#define LOW32 0xffffffffULL

static const int SOCKET_DOMAINS[] = { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK };

static const unsigned long IOCTLS[] = {
    TCGETS, TCSETS, TCSETSW, TCSETSF, TCSBRK, TCXONC, TCFLSH, TIOCGPGRP, TIOCGWINSZ,
    FIONREAD, FIONBIO, FIOCLEX, FIONCLEX,
};

static int fail(int rc, const char *what, struct err *e)
{
    return err_set(e, ERR_INTERNAL, "sandbox: cannot build the seccomp filter (%s): %s", what,
                   strerror(-rc));
}

/* Adds one rule for name; a call this architecture does not have is
 * skipped (nothing can make it). */
static int rule(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned n_args,
                const struct scmp_arg_cmp *args, struct err *e)
{
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR || nr < 0)
        return 0;
    int rc = seccomp_rule_add_array(ctx, action, nr, n_args, args);
    return rc == 0 ? 0 : fail(rc, name, e);
}

static int rules(scmp_filter_ctx ctx, uint32_t action, const char *const *names, size_t n,
                 struct err *e)
{
    for (size_t i = 0; i < n; i++)
        if (rule(ctx, action, names[i], 0, NULL, e) != 0)
            return -1;
    return 0;
}

/* Allowed when argument `arg` (its low 32 bits) is one of values. */
static int allow_low32_in(scmp_filter_ctx ctx, const char *name, unsigned arg,
                          const unsigned long *values, size_t n, struct err *e)
{
    for (size_t i = 0; i < n; i++) {
        struct scmp_arg_cmp c = { arg, SCMP_CMP_MASKED_EQ, LOW32, values[i] & LOW32 };
        if (rule(ctx, SCMP_ACT_ALLOW, name, 1, &c, e) != 0)
            return -1;
    }
    return 0;
}

#ifdef SANDBOX_FOR_SANITIZERS
static int sanitizer_rules(scmp_filter_ctx ctx, struct err *e)
{
    static const unsigned long options[] = { PR_GET_DUMPABLE, PR_SET_DUMPABLE, PR_SET_PTRACER,
                                             PR_SET_PDEATHSIG };
    struct scmp_arg_cmp tracer = { 0, SCMP_CMP_MASKED_EQ, CLONE_VM | CLONE_UNTRACED | CLONE_THREAD,
                                   CLONE_VM | CLONE_UNTRACED };
    if (allow_low32_in(ctx, "prctl", 0, options, sizeof options / sizeof options[0], e) != 0)
        return -1;
    return rule(ctx, SCMP_ACT_ALLOW, "clone", 1, &tracer, e);
}
#else
static int sanitizer_rules(scmp_filter_ctx ctx, struct err *e)
{
    (void)ctx;
    (void)e;
    return 0;
}
#endif

static int checked_rules(scmp_filter_ctx ctx, int threads, int no_unix, struct err *e)
{
    unsigned long domains[sizeof SOCKET_DOMAINS / sizeof SOCKET_DOMAINS[0]];
    size_t ndomains = 0;
    for (size_t i = 0; i < sizeof domains / sizeof domains[0]; i++)
        if (!(no_unix && SOCKET_DOMAINS[i] == AF_UNIX))
            domains[ndomains++] = (unsigned long)SOCKET_DOMAINS[i];
    unsigned long unix_only[] = { AF_UNIX };
    unsigned long self[] = { (unsigned long)getpid(), 0 };
    struct scmp_arg_cmp own_pid = { 0, SCMP_CMP_MASKED_EQ, LOW32, self[0] & LOW32 };
    struct scmp_arg_cmp read_only = { 2, SCMP_CMP_EQ, 0, 0 };
    struct scmp_arg_cmp thread = { 0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD };
    if (allow_low32_in(ctx, "socket", 0, domains, ndomains, e) != 0 ||
        allow_low32_in(ctx, "socketpair", 0, unix_only, 1, e) != 0 ||
        allow_low32_in(ctx, "ioctl", 1, IOCTLS, sizeof IOCTLS / sizeof IOCTLS[0], e) != 0 ||
        allow_low32_in(ctx, "kill", 0, self, 2, e) != 0 ||
        rule(ctx, SCMP_ACT_ALLOW, "tgkill", 1, &own_pid, e) != 0 ||
        rule(ctx, SCMP_ACT_ALLOW, "prlimit64", 1, &read_only, e) != 0)
        return -1;
    return threads ? rule(ctx, SCMP_ACT_ALLOW, "clone", 1, &thread, e) : 0;
}

int seccomp_filter_load(int threads, int no_unix_sockets, struct err *e)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
    if (ctx == NULL)
        return err_set(e, ERR_INTERNAL, "sandbox: cannot build the seccomp filter: out of memory");
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (rc != 0) {
        fail(rc, "other architectures", e);
        goto out;
    }
    rc = -1;
    if (rules(ctx, SCMP_ACT_ALLOW, SECCOMP_ALLOWED, SECCOMP_N_ALLOWED, e) != 0 ||
        rules(ctx, SCMP_ACT_ALLOW, SECCOMP_SANITIZER, SECCOMP_N_SANITIZER, e) != 0 ||
        sanitizer_rules(ctx, e) != 0 ||
        checked_rules(ctx, threads, no_unix_sockets, e) != 0 ||
        rules(ctx, SCMP_ACT_ERRNO(ENOSYS), SECCOMP_NOT_THERE, SECCOMP_N_NOT_THERE, e) != 0)
        goto out;
    for (size_t i = 0; i < SECCOMP_N_KILLED; i++) {
        int sanitizer = 0;
        for (size_t k = 0; k < SECCOMP_N_SANITIZER; k++)
            sanitizer |= strcmp(SECCOMP_KILLED[i], SECCOMP_SANITIZER[k]) == 0;
        if (!sanitizer && rule(ctx, SCMP_ACT_KILL_PROCESS, SECCOMP_KILLED[i], 0, NULL, e) != 0)
            goto out;
    }
    rc = seccomp_load(ctx);
    if (rc != 0)
        rc = fail(rc, "loading it", e);
out:
    seccomp_release(ctx);
    return rc == 0 ? 0 : -1;
}
