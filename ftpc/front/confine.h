/*
 * confine: ftpc's sandbox (sandbox/sandbox.h), applied once the command
 * line, the batch file and the output file are read and before any server
 * is contacted. ftpc may then write only in its scope: the starting folder
 * and below, the history file, the local targets the command line or a
 * batch file (-s) names for get, reget, mget, mirror and lcd, the -o file's
 * folder, and the folders given with --allow-write. Reading stays open.
 */
#ifndef FTPC_FRONT_CONFINE_H
#define FTPC_FRONT_CONFINE_H

#include <limits.h>

#include "common/err.h"
#include "ftpc/transfer/strlist.h"

/* Caps the Landlock ABI used (1 to 7), so that tests can run ftpc as a
 * kernel with an older ABI would (Debian 12's has 2). */
#define CONFINE_ABI_ENV "FTPC_SANDBOX_LANDLOCK_ABI"

struct confine_scope {
    struct strlist dirs;  /* writes in these folders and below (resolved) */
    struct strlist files; /* writes to these files only */
    char cwd[PATH_MAX];   /* where relative names start: a batch's lcd moves it */
};

/* The scope with the starting folder in it. */
int confine_scope_init(struct confine_scope *s, struct err *e) MUST_CHECK;
void confine_scope_free(struct confine_scope *s);

/* --allow-write DIR: an existing folder, else a usage error. */
int confine_allow_dir(struct confine_scope *s, const char *dir, struct err *e) MUST_CHECK;
/* One file that exists (the history file). */
int confine_allow_file(struct confine_scope *s, const char *path, struct err *e) MUST_CHECK;
/* A file a download (or -o) writes: its folder, where NAME.part is made
 * and renamed; a device or FIFO itself. Nothing for "-". */
int confine_allow_target(struct confine_scope *s, const char *local, struct err *e) MUST_CHECK;
/* A split line of a batch file: the local places get, reget, mget, mirror
 * and lcd write, followed through the lcd lines before it. */
int confine_allow_line(struct confine_scope *s, int argc, char **argv, struct err *e) MUST_CHECK;
/* mirror's words after "mirror" ([OPTIONS] REMOTE [LOCAL], also the
 * one-shot mirror's): LOCAL, or the folder it is made in. */
int confine_allow_mirror(struct confine_scope *s, int n, char **words, struct err *e) MUST_CHECK;

/* Confines ftpc to the scope (seccomp, and Landlock where the kernel has
 * it). */
int confine_apply(const struct confine_scope *s, struct err *e) MUST_CHECK;

#endif
