/* hooks: trustd's change hooks (see hooks.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/visible.h"
#include "trustd/cli/hooks.h"

#define HOOK_OUTPUT_MAX 2048   /* of a hook's output, what its report shows */
#define HOOKS_MAX 256

/* "trustd: warning: hook NAME WHAT; the change is kept[: OUTPUT]" (or
 * "hooks folder DIR ..."), every byte of NAME and OUTPUT made visible. */
static void report_as(const char *kind, const char *name, const char *what, const char *output)
{
    fprintf(stderr, "trustd: warning: %s ", kind);
    visible_fwrite(stderr, name, strlen(name), 0);
    fprintf(stderr, " %s; the change is kept", what);
    if (output != NULL && output[0] != '\0') {
        fputs(": ", stderr);
        visible_fwrite(stderr, output, strlen(output), 0);
    }
    fputc('\n', stderr);
}

static void report(const char *name, const char *what, const char *output)
{
    report_as("hook", name, what, output);
}

/* Root or the store's owner, and writable by nobody else. */
static const char *unsafe_owner(const struct stat *sb, uid_t owner)
{
    if (sb->st_uid != 0 && sb->st_uid != owner)
        return "is owned by neither root nor the store's owner";
    if (sb->st_mode & (S_IWGRP | S_IWOTH))
        return "is writable by group or others";
    return NULL;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* In the child: the hook's descriptor at 3 (an interpreter reads a script
 * through it), the JSON on 0, the output pipe on 1 and 2, nothing else. */
static void child(int hook_fd, int in_fd, int out_fd, const char *name, const char *store)
{
    (void)setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    /* Above 3 first, so that no dup2 below overwrites another's source. */
    hook_fd = fcntl(hook_fd, F_DUPFD_CLOEXEC, 10);
    in_fd = fcntl(in_fd, F_DUPFD_CLOEXEC, 10);
    out_fd = fcntl(out_fd, F_DUPFD_CLOEXEC, 10);
    if (hook_fd < 0 || in_fd < 0 || out_fd < 0 || dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 ||
        dup2(out_fd, 2) < 0 || dup2(hook_fd, 3) < 0)
        _exit(126);
    if (close_range(4, ~0U, 0) != 0)
        for (int fd = 4; fd < 1024; fd++)
            close(fd);
    if (chdir("/") != 0)
        _exit(126);
    char env_store[4096 + 16];
    snprintf(env_store, sizeof env_store, "TRUSTD_STORE=%s", store);
    char *envp[] = { (char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", env_store, NULL };
    char *argv[] = { (char *)name, NULL };
    fexecve(3, argv, envp);
    _exit(126);
}

/* Feeds the JSON, collects the output, waits up to the limit. 0, or -1
 * (reported) when the hook failed or was killed. */
static int supervise(pid_t pid, int in_fd, int out_fd, const char *json, size_t len,
                      long timeout, const char *name)
{
    char output[HOOK_OUTPUT_MAX + 1];
    size_t used = 0, sent = 0;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    (void)fcntl(in_fd, F_SETFL, O_NONBLOCK);
    if (len == 0) {
        close(in_fd);
        in_fd = -1;
    }
    int status = 0, exited = 0, killed = 0;
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long ms = timeout * 1000 - ((now.tv_sec - start.tv_sec) * 1000 +
                                    (now.tv_nsec - start.tv_nsec) / 1000000);
        if (ms <= 0) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            killed = 1;
            break;
        }
        if (out_fd < 0 && waitpid(pid, &status, WNOHANG) == pid) {
            exited = 1;
            break;
        }
        struct pollfd p[2] = { { .fd = out_fd, .events = POLLIN }, { .fd = in_fd, .events = POLLOUT } };
        int r = poll(p, 2, out_fd < 0 ? (ms < 20 ? (int)ms : 20) : (int)(ms < 1000 ? ms : 1000));
        if (r <= 0)
            continue; /* an interrupted poll; the deadline still holds */
        if (in_fd >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(in_fd, json + sent, len - sent);
            if (w > 0)
                sent += (size_t)w;
            if (w < 0 && errno != EAGAIN && errno != EINTR)
                sent = len; /* the hook does not read: fine */
            if (sent == len) {
                close(in_fd);
                in_fd = -1;
            }
        }
        if (out_fd >= 0 && (p[0].revents & (POLLIN | POLLERR | POLLHUP))) {
            char buf[1024];
            ssize_t got = read(out_fd, buf, sizeof buf);
            if (got > 0) {
                size_t keep = (size_t)got < HOOK_OUTPUT_MAX - used ? (size_t)got : HOOK_OUTPUT_MAX - used;
                memcpy(output + used, buf, keep);
                used += keep;
            } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                close(out_fd);
                out_fd = -1;
            }
        }
    }
    if (in_fd >= 0)
        close(in_fd);
    if (out_fd >= 0)
        close(out_fd);
    if (!exited)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    while (used > 0 && (output[used - 1] == '\n' || output[used - 1] == '\r'))
        used--;
    output[used] = '\0';
    char what[96];
    if (killed)
        snprintf(what, sizeof what, "was killed after its time limit of %ld s", timeout);
    else if (WIFSIGNALED(status))
        snprintf(what, sizeof what, "was killed by signal %d", WTERMSIG(status));
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        snprintf(what, sizeof what, "failed with exit status %d", WEXITSTATUS(status));
    else
        return 0;
    report(name, what, output);
    return -1;
}

/* Runs one hook already opened and checked. 0, or -1 when it failed. */
static int run_one(int hook_fd, const char *name, const struct hooks_conf *conf, const char *json,
                   size_t len)
{
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0)
        return report(name, "could not be started (no pipe)", NULL), -1;
    if (pipe2(out, O_CLOEXEC) != 0) {
        close(in[0]);
        close(in[1]);
        return report(name, "could not be started (no pipe)", NULL), -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0)
        child(hook_fd, in[0], out[1], name, conf->store);
    close(in[0]);
    close(out[1]);
    if (pid < 0) {
        close(in[1]);
        close(out[0]);
        return report(name, "could not be started (fork failed)", NULL), -1;
    }
    (void)setpgid(pid, pid);
    return supervise(pid, in[1], out[0], json, len, conf->timeout, name);
}

int hooks_run(const struct hooks_conf *conf, const char *json, size_t len)
{
    if (conf->dir == NULL)
        return 0;
    int dfd = open(conf->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) {
        if (errno == ENOENT && !conf->dir_chosen)
            return 0; /* no system hooks */
        char what[160];
        if (errno == ELOOP || errno == ENOTDIR) /* O_NOFOLLOW's answer to a link */
            snprintf(what, sizeof what, "is not a folder or is a symbolic link: no hook was run");
        else
            snprintf(what, sizeof what, "cannot be opened (%s): no hook was run", strerror(errno));
        report_as("hooks folder", conf->dir, what, NULL);
        return 1;
    }
    struct stat sb;
    const char *why = fstat(dfd, &sb) != 0 ? "cannot be examined" : unsafe_owner(&sb, conf->store_owner);
    if (why != NULL) {
        char what[160];
        snprintf(what, sizeof what, "%s: no hook was run", why);
        report_as("hooks folder", conf->dir, what, NULL);
        close(dfd);
        return 1;
    }
    int lfd = dup(dfd);
    DIR *d = lfd >= 0 ? fdopendir(lfd) : NULL;
    if (d == NULL) {
        if (lfd >= 0)
            close(lfd);
        close(dfd);
        report_as("hooks folder", conf->dir, "cannot be read: no hook was run", NULL);
        return 1;
    }
    char *names[HOOKS_MAX];
    size_t n = 0;
    struct dirent *de;
    int failed = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == HOOKS_MAX || (names[n] = strdup(de->d_name)) == NULL) {
            report_as("hooks folder", conf->dir, "holds too many entries: some hooks were not run", NULL);
            failed++;
            break;
        }
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof names[0], by_name);
    struct sigaction ign = { .sa_handler = SIG_IGN }, old;
    sigaction(SIGPIPE, &ign, &old);
    for (size_t i = 0; i < n; i++) {
        /* O_NONBLOCK: a FIFO planted there does not hang trustd. */
        int fd = openat(dfd, names[i], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        struct stat hb;
        char refused[96];
        const char *bad = NULL;
        if (fd < 0)
            bad = errno == ELOOP ? "is refused: it is a symbolic link" : "is refused: it cannot be opened";
        else if (fstat(fd, &hb) != 0)
            bad = "is refused: it cannot be examined";
        else if (!S_ISREG(hb.st_mode) || !(hb.st_mode & S_IXUSR)) {
            close(fd); /* not a program (a folder, a note): not a hook */
            free(names[i]);
            continue;
        } else if ((why = unsafe_owner(&hb, conf->store_owner)) != NULL) {
            snprintf(refused, sizeof refused, "is refused: it %s", why);
            bad = refused;
        }
        if (bad != NULL) {
            report(names[i], bad, NULL);
            failed++;
        } else if (run_one(fd, names[i], conf, json, len) != 0) {
            failed++;
        }
        if (fd >= 0)
            close(fd);
        free(names[i]);
    }
    sigaction(SIGPIPE, &old, NULL);
    close(dfd);
    return failed;
}
