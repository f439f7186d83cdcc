/*
 * tree_local: what a mirror changes in the local tree besides files:
 * folders made (0777 & ~umask), entries deleted (--delete; a folder with
 * all it holds, never following a symbolic link out of it), and the
 * server's modification time given to a downloaded file.
 */
#ifndef FTPC_TRANSFER_TREE_LOCAL_H
#define FTPC_TRANSFER_TREE_LOCAL_H

#include <stdint.h>

#include "common/err.h"

/* A new folder; one already there is fine when it is a folder (not a link). */
int tree_local_mkdir(const char *path, struct err *e) MUST_CHECK;

/* Removes path: a file, a link (itself) or a folder with everything in it. */
int tree_local_remove(const char *path, struct err *e) MUST_CHECK;

/* --perms: the folder path (not through a link) given the server's
 * bits & 0777, and always u+rwx (the mirror must stay able to update
 * it): never setuid, setgid or sticky. */
int tree_local_folder_mode(const char *path, unsigned mode, struct err *e) MUST_CHECK;

/* Sets the modification time of the file path (not through a link). */
int tree_local_set_mtime(const char *path, int64_t mtime, struct err *e) MUST_CHECK;

#endif
