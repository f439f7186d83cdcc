/*
 * tree_entry: one entry of a folder in a tree transfer, on either side:
 * its name, kind, size and modification time (seconds since 1970, UTC).
 * For the server's side, from an MLSD line's facts (RFC 3659 section 7);
 * the name is returned as the server sent it, for tree_name_check, so an
 * unsafe name can be reported rather than lost. Pure, unit tested and
 * fuzzed.
 */
#ifndef FTPC_PARSE_TREE_ENTRY_H
#define FTPC_PARSE_TREE_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "ftpc/parse/time_val.h"

enum tree_kind { TREE_FILE, TREE_FOLDER, TREE_LINK, TREE_OTHER };

/* What became of a symbolic link of the source (tree_link.h decides;
 * the plan says why it is skipped). LINK_NONE: not a link, or one not
 * looked at (no --follow-links). LINK_FOLLOWED: kind, size and time are
 * now those of what it leads to, inside the tree. */
enum tree_link { LINK_NONE, LINK_FOLLOWED, LINK_OUTSIDE, LINK_UNKNOWN, LINK_LOOP, LINK_BROKEN };

struct tree_entry {
    const char *name;      /* owned by the caller; NUL-terminated after name_len bytes */
    size_t name_len;       /* a server's name may hold a NUL: tree_name_check sees it */
    enum tree_kind kind;
    int has_size, has_mtime;
    uint64_t size;
    int64_t mtime;         /* seconds since 1970-01-01 UTC */
    int has_mode;
    unsigned mode;         /* permission bits as listed (may hold setuid, setgid, sticky) */
    const char *target;    /* a link's target as the server sent it (NULL: not said) */
    size_t target_len;
    enum tree_link link;
};

/* An MLSD line (without its line end): 0 and *e filled (e->name NULL;
 * the name is at *name, name_len bytes, not checked), 1 for a line that
 * names the folder itself or its parent (type=cdir, pdir), -1 when
 * malformed (facts as ftp_parse_facts reads them; a type fact needed).
 * UNIX.mode gives the mode; "OS.unix=slink:TARGET" the link's target
 * (e->target points into line). */
int tree_parse_mlsd_line(const char *line, size_t len, struct tree_entry *e, const char **name,
                         size_t *name_len);

/* A valid UTC time (time_val.h's ranges) as seconds since 1970. */
int64_t ftp_time_epoch(const struct ftp_time *t);

#endif
