/*
 * tree_list: the two listings a tree transfer plans a folder from: the
 * server's (MLSD, its lines parsed as they arrive, bounded in bytes and
 * entries) and the local folder's (following a symbolic link only when
 * asked).
 */
#ifndef FTPC_TRANSFER_TREE_LIST_H
#define FTPC_TRANSFER_TREE_LIST_H

#include <stddef.h>

#include "common/err.h"
#include "ftpc/parse/tree_entry.h"
#include "ftpc/session/session.h"

struct tree_listing {
    struct tree_entry *v;   /* each name a copy of its own, NUL-terminated */
    size_t n, cap;
};

void tree_listing_init(struct tree_listing *l);
void tree_listing_free(struct tree_listing *l);

/* FEAT asked (once per connection): whether MLSD is there. */
int tree_remote_ready(struct ftp_session *s, struct err *e) MUST_CHECK;

/* MLSD of path on the server; where FEAT offers no MLST, LIST -a read
 * as `ls -l` lines (tree_ls.h), path proved a folder with CWD first, and
 * MDTM asked for each file's time. A malformed line, too large a listing
 * or too many entries fail the whole listing: a mirror never acts on half
 * of one. Names are kept as sent (the plan checks them). */
int tree_list_remote(struct ftp_session *s, const char *path, struct tree_listing *l,
                     struct err *e) MUST_CHECK;

/* tree_list_remote, with TREE_LIST_NO_TIMES: no MDTM for each file
 * where LIST is read (a caller that needs no times: files then have
 * none). */
#define TREE_LIST_NO_TIMES 1u
int tree_list_remote_with(struct ftp_session *s, const char *path, unsigned flags, struct tree_listing *l,
                          struct err *e) MUST_CHECK;

/* LIST -a of path read as `ls -l` lines, without times: where MLSD
 * names no link targets, LIST does ("name -> target"). */
int tree_list_remote_ls(struct ftp_session *s, const char *path, struct tree_listing *l,
                        struct err *e) MUST_CHECK;

/* CWD path and back at once: 0 when path is a folder on the server. */
int tree_remote_folder_exists(struct ftp_session *s, const char *path, struct err *e) MUST_CHECK;

/* The local folder path; a folder that does not exist is empty. A
 * symbolic link is listed as a link (TREE_LINK), unless follow_links:
 * then as what it leads to (a link that leads nowhere stays a link), and
 * path itself may be one. */
int tree_list_local(const char *path, int follow_links, struct tree_listing *l,
                    struct err *e) MUST_CHECK;

#endif
