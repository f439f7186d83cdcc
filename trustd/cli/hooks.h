/*
 * hooks: after a committed change trustd runs the executables of a hooks
 * folder in name order, each with the change as JSON on standard input, a
 * minimal environment, "/" as its working folder and a time limit. Only a
 * folder and files owned by root or the store's owner and writable by
 * nobody else run; what was checked is what runs (the folder is opened
 * without following a symbolic link, each hook is checked through the
 * descriptor it is executed from). A hook that fails, is killed at its
 * limit or is refused is reported on stderr; the change stays.
 */
#ifndef TRUSTD_CLI_HOOKS_H
#define TRUSTD_CLI_HOOKS_H

#include <stddef.h>
#include <sys/types.h>

#define HOOKS_SYSTEM_DIR "/etc/trustd/hooks.d"
#define HOOKS_ENV "TRUSTD_HOOKS"
#define HOOKS_TIMEOUT_ENV "TRUSTD_HOOKS_TIMEOUT"
#define HOOKS_TIMEOUT_DEFAULT 30L
#define HOOKS_TIMEOUT_MAX 3600L

struct hooks_conf {
    const char *dir;       /* NULL: no hooks */
    int dir_chosen;        /* named by --hooks-dir or $TRUSTD_HOOKS: a missing one is reported */
    const char *store;     /* TRUSTD_STORE for the hooks */
    uid_t store_owner;     /* besides root, the owner hooks may have */
    long timeout;          /* seconds per hook */
};

/* Runs every hook of conf->dir with json[0..len) on its standard input.
 * Problems are reported on stderr; returns the number of hooks that failed
 * or were refused. */
int hooks_run(const struct hooks_conf *conf, const char *json, size_t len);

#endif
