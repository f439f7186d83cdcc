/*
 * seccomp_filter: the system calls a confined client may make (the
 * library's inside; others use sandbox.h). Every call not named here is
 * refused with EPERM; the tables are public so that a test holds the docs
 * (docs/security.md) to them.
 */
#ifndef SANDBOX_SECCOMP_FILTER_H
#define SANDBOX_SECCOMP_FILTER_H

#include <stddef.h>

#include "common/err.h"

/* Allowed whatever their arguments. */
extern const char *const SECCOMP_ALLOWED[];
extern const size_t SECCOMP_N_ALLOWED;
/* Allowed with some arguments only (seccomp_filter.c says which). */
extern const char *const SECCOMP_CHECKED[];
extern const size_t SECCOMP_N_CHECKED;
/* Only a process taken over would make these: it is killed. */
extern const char *const SECCOMP_KILLED[];
extern const size_t SECCOMP_N_KILLED;
/* Answered ENOSYS, so that the C library falls back to a call the filter
 * can check (clone3 passes its flags in memory, out of a filter's reach). */
extern const char *const SECCOMP_NOT_THERE[];
extern const size_t SECCOMP_N_NOT_THERE;
/* Allowed as well in sanitizer builds (FTPC_SANITIZE), with clone for a
 * tracer task (CLONE_VM and CLONE_UNTRACED, not CLONE_THREAD) and four
 * prctl options: what LeakSanitizer needs to stop the process and look at
 * its memory at exit. Empty in every other build. */
extern const char *const SECCOMP_SANITIZER[];
extern const size_t SECCOMP_N_SANITIZER;

/* Loads the filter. threads: clone may start threads (CLONE_THREAD), and
 * never a process. */
int seccomp_filter_load(int threads, int no_unix_sockets, struct err *e) MUST_CHECK;

#endif
