/*
 * file_write: a whole file written safely where others may write too
 * (an export, a backup): the bytes go to a new temporary file beside the
 * destination (mkostemp: O_EXCL|O_NOFOLLOW, so no planted file or symlink
 * is ever opened), its mode is set on the open file, it is synced, and it
 * then takes the destination's name in one step: without replace a rename
 * that fails when the name exists (RENAME_NOREPLACE, or link() where the
 * file system lacks it), even as a dangling symlink, also when it appeared
 * a moment ago; with replace rename() (replaces a symlink itself, never
 * its target). A failure leaves nothing behind and the destination as
 * it was.
 */
#ifndef COMMON_FILE_WRITE_H
#define COMMON_FILE_WRITE_H

#include <stddef.h>
#include <sys/types.h>

#include "common/err.h"

/* The folder that holds path ("." for a bare name, "/" for one at the
 * root) into out. -1 when it does not fit. */
int path_folder(const char *path, char *out, size_t outlen) MUST_CHECK;

/* Moves tmp to dest only when dest does not exist (EEXIST when it does,
 * even as a dangling symlink): atomically where the file system can
 * (RENAME_NOREPLACE, else a hard link); where it can do neither (some
 * network file systems), after a check that the name is free. 0 or -1
 * with errno. */
int file_take_new_name(const char *tmp, const char *dest) MUST_CHECK;

/* Writes data[0..len) as dest with mode. tag names the temporary file
 * (".TAG-XXXXXX" beside dest). An existing dest without replace is
 * ERR_USAGE "DEST exists (use --force to replace it)"; other failures are
 * ERR_LOCAL naming dest. */
int file_write_whole(const char *dest, const void *data, size_t len, mode_t mode, int replace,
                     const char *tag, struct err *e) MUST_CHECK;

/* The same, replacing dest, with a modification time in a later second
 * than the file it replaces (one second past it when the clock has not
 * moved on): web servers derive an ETag from mtime seconds and size
 * (nginx), so a new file written within the same second must not look
 * like the old one to a conditional request. Only a dest of the same
 * owner counts: another user's file lends it no time. */
int file_replace_newer(const char *dest, const void *data, size_t len, mode_t mode, const char *tag,
                       struct err *e) MUST_CHECK;

#endif
