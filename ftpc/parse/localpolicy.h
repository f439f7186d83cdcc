/*
 * localpolicy: the decisions behind a download's local file, from stat
 * data only (pure, unit-tested; localfile.c does the system calls).
 *
 * - A folder "others may write" is one with the sticky bit or o+w (as the
 *   kernel's protected_regular reasons): there, an entry owned by another
 *   user is never replaced or written into, whoever we are (root too).
 * - A symbolic link is never written through, at NAME or at NAME.part.
 * - An existing regular file is replaced only on an explicit choice
 *   (get -f, (REPLACE, set clobber on, --force, a mirror's plan, reget).
 * - Permission bits never come from a file the user does not own: a new
 *   file, or one that replaces another user's file, gets 0666 & ~umask; a
 *   replaced file of the user's own keeps its bits & 0777 (never setuid,
 *   setgid or sticky).
 */
#ifndef FTPC_PARSE_LOCALPOLICY_H
#define FTPC_PARSE_LOCALPOLICY_H

#include <sys/stat.h>
#include <sys/types.h>

/* What to do with the destination NAME. */
enum local_verdict {
    LV_CREATE,          /* nothing there: a new file, through NAME.part */
    LV_REPLACE,         /* a regular file, replaced through NAME.part */
    LV_APPEND,          /* reget without NAME.part: append to NAME itself */
    LV_DIRECT,          /* a character device, block device or FIFO: written directly */
    LV_EXISTS,          /* a regular file, and no explicit choice to replace it */
    LV_SYMLINK,         /* a symbolic link: never written through */
    LV_FOLDER,          /* a folder */
    LV_FOREIGN,         /* another user's, in a folder others may write */
    LV_NOT_REGULAR,     /* a socket, or a device or FIFO to resume into */
};

/* How a download treats NAME: */
#define LP_REPLACE 1u   /* an explicit choice to replace an existing file */
#define LP_APPEND  2u   /* reget with no NAME.part: continue NAME itself */

/* 1 when others may write the folder (sticky or o+w). */
int local_folder_open_to_others(mode_t folder_mode);

/* dest: lstat of NAME, NULL when there is none; folder_mode: its folder's
 * mode (0 when unknown); uid: the effective user. */
enum local_verdict local_decide(const struct stat *dest, mode_t folder_mode, uid_t uid,
                                unsigned how);

/* What to do with NAME.part. */
enum part_verdict {
    PV_CREATE,          /* none: created exclusively, mode 0600 */
    PV_RESUME,          /* reget: the user's own regular file, continued */
    PV_STALE,           /* a plain get: the user's own old part, removed and made anew */
    PV_SYMLINK,         /* refused */
    PV_SPECIAL,         /* FIFO, socket or device: refused without opening it */
    PV_FOLDER,          /* refused */
    PV_FOREIGN,         /* another user's: refused */
};

/* part: lstat of NAME.part, NULL when there is none. */
enum part_verdict local_decide_part(const struct stat *part, uid_t uid, int resume);

/* The permission bits of the finished file. dest: lstat of what it
 * replaces (NULL or not a regular file: a new file). */
mode_t local_final_mode(const struct stat *dest, uid_t uid, mode_t umask_bits);

/* "a FIFO", "a socket", ... for messages. */
const char *local_kind_name(mode_t mode);

#endif
