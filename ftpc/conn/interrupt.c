/* interrupt: SIGINT sets a flag. */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ftpc/conn/interrupt.h"

volatile sig_atomic_t ftpc_interrupted;
static volatile sig_atomic_t second_ends;
static volatile sig_atomic_t bar_shown;
/* The download's NAME.part, removed by a second Ctrl-C while it is empty. */
static volatile sig_atomic_t part_fd = -1;
static const char *volatile part_path;

static void say(const char *s)
{
    ssize_t r = write(STDERR_FILENO, s, strlen(s));
    (void)r; /* nothing to do when standard error is gone */
}

static void on_sigint(int sig)
{
    if (second_ends && ftpc_interrupted) {
        /* The first one is still being handled: end at once, as without
         * a handler. fstat, unlink, write, signal and raise are all
         * async-signal-safe. */
        struct stat sb;
        int fd = part_fd;
        if (fd >= 0 && part_path != NULL && fstat(fd, &sb) == 0 && sb.st_size == 0)
            (void)unlink(part_path);
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    if (second_ends) {
        if (bar_shown)
            say("\r\033[K"); /* the progress bar's line, not left half drawn */
        say("ftpc: interrupting; Ctrl-C again to quit at once\n");
    }
    ftpc_interrupted = 1;
}

void interrupt_install_second_ends(int progress_bar)
{
    bar_shown = progress_bar != 0;
    second_ends = 1;
    interrupt_install();
}

void interrupt_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocking read returns with EINTR */
    sigaction(SIGINT, &sa, NULL);
}

void interrupt_watch_part(int fd, const char *path)
{
    part_fd = -1;
    part_path = path;
    part_fd = path != NULL ? fd : -1;
}

void interrupt_unwatch_part(const char *path)
{
    if (part_path == path)
        interrupt_watch_part(-1, NULL);
}

int interrupt_take(void)
{
    int v = ftpc_interrupted;
    ftpc_interrupted = 0;
    return v;
}
