/*
 * tree_ls: a LIST line in the `ls -l` form, for tree transfers from a
 * server without MLSD (vsftpd), read only as far as a mirror needs it:
 * the kind, the size, the permission bits (rwx only: s, S, t and T
 * give or take x, never setuid, setgid or sticky), the name and a
 * link's target. Times are not taken from it (a year
 * or a minute, in the server's zone): a mirror asks MDTM per file.
 * Anything it cannot read without guessing is refused. Pure, unit tested
 * and fuzzed.
 *
 *   drwxr-xr-x    3 984      0            4096 Dec 02 03:26 name
 *   -rw-r--r--    1 owner    group          12 Jan  5  2024 name with blanks
 *   lrwxrwxrwx    1 984      0               3 Dec 02 03:26 link -> target
 *
 * The mode is ten characters (the kind, then nine of rwxsStT-), maybe
 * with '+', '.' or '@' after it; then the link count, the owner, the
 * group (some servers leave it out), the size, the month (Jan..Dec), the
 * day, the time (HH:MM) or year, one blank and the name (the two
 * readings, with and without the group, cannot both hold: the word
 * after a month is a day). Refused: any other form (DOS listings), a
 * name that is empty or starts with a blank (padding or the name's?),
 * a link whose " -> " is not there exactly once.
 */
#ifndef FTPC_PARSE_TREE_LS_H
#define FTPC_PARSE_TREE_LS_H

#include <stddef.h>

#include "ftpc/parse/tree_entry.h"

/* One line (without its line end): 0 and *e filled (no time; the name
 * at *name, name_len bytes, as sent; a link's target at e->target), 1 for a line to skip ("total N",
 * the entries "." and ".."), -1 when refused. */
int tree_parse_ls_line(const char *line, size_t len, struct tree_entry *e, const char **name,
                       size_t *name_len);

#endif
