/*
 * sandbox: a program confines itself once its start-up is done, before
 * it reads anything from a peer it does not trust. In this order:
 * PR_SET_NO_NEW_PRIVS; Landlock, where the kernel has it (the ABI is asked
 * at run time), so that writes reach only the folders and files the policy
 * names while reading stays open; then a seccomp filter that allows the
 * calls a network client makes and refuses the rest (docs/security.md
 * lists them). Nothing undoes it: it holds until the process ends, and in
 * any child.
 */
#ifndef SANDBOX_SANDBOX_H
#define SANDBOX_SANDBOX_H

#include <stddef.h>

#include "common/err.h"

/* The newest Landlock ABI whose rights this library knows (a newer
 * kernel is used at this one). */
#define SANDBOX_LANDLOCK_ABI_KNOWN 7

struct sandbox_policy {
    const char *const *write_dirs;  /* writes allowed in these folders and below */
    size_t n_write_dirs;
    const char *const *write_files; /* and to these files, in place */
    size_t n_write_files;
    /* Reading: NULL, anywhere; else only in these folders (and below) and
     * these files. */
    const char *const *read_paths;
    size_t n_read_paths;
    int threads;                    /* 1: clone may start threads (never processes) */
    /* 1: no UNIX socket may be made. Landlock does not judge a connect to a
     * socket's path, so a taken-over process could reach the system's or
     * the session's bus (systemd, D-Bus) and have them run commands. The
     * resolver does without (nscd and systemd-resolved's varlink are
     * skipped; files and DNS remain). */
    int no_unix_sockets;
    /* The TCP ports it may connect to, where Landlock has network rules
     * (ABI 4 and later); n 0: any port. No TCP port may then be bound. */
    const unsigned *connect_ports;
    size_t n_connect_ports;
    int landlock_abi_max;           /* 0: the kernel's ABI; else at most this one */
    /* The words that tell the user how to allow writes in a folder, put
     * before its name in a refusal: "start ftpc with --allow-write". */
    const char *allow_hint;
};

struct sandbox_report {
    int active;        /* sandbox_apply succeeded: no new privileges, the filter */
    int seccomp;       /* the seccomp filter is loaded */
    int landlock_abi;  /* the Landlock ABI in force; 0: Landlock not available */
    int kernel_abi;    /* the kernel's Landlock ABI; 0: none */
};

/* Confines the calling process, which must have no other thread yet.
 * Landlock missing from the kernel is no error (the report says so);
 * anything else that fails is, and then the process may already be partly
 * confined: the caller ends it. Every folder and file of the policy must
 * exist. */
int sandbox_apply(const struct sandbox_policy *p, struct sandbox_report *r, struct err *e) MUST_CHECK;

/* The program chose to run unconfined: why, for sandbox_describe
 * ("--no-sandbox"). */
void sandbox_skip(const char *why);

/* 1 once sandbox_apply succeeded. */
int sandbox_active(void);

/* The kernel's Landlock ABI, 0 when it has none. */
int sandbox_landlock_abi(void);

/* What is in force, in one line for status and traces: "seccomp filter,
 * Landlock ABI 7; writes only in: /a, /b" (cut to len bytes); "off" and
 * sandbox_skip's reason when it is not. */
void sandbox_describe(char *out, size_t len);

/* 1 when path is root or below it, both absolute and resolved (no ".."
 * or links, no '/' at the end but for "/" itself). Pure. */
int sandbox_path_within(const char *root, const char *path);

/* 1 when the sandbox in force lets the process write in folder dir
 * (create, replace or remove what it holds); also 1 when there is none or
 * Landlock is not available. */
int sandbox_may_write_in(const char *dir);

/* The words for writes refused in folder dir: that the sandbox refuses
 * them, and how to allow them (the policy's allow_hint). In a static
 * buffer until the next call, as strerror's. */
const char *sandbox_refusal(const char *dir);

/* strerror(errnum) for a write to path that failed, except when the
 * sandbox refused it: then sandbox_refusal's words for its folder. */
const char *sandbox_errno_text(int errnum, const char *path);

#endif
