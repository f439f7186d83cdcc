/*
 * tree_links: a download mirror's --follow-links. Each symbolic link of
 * a server's folder is decided before the folder is planned: its target
 * (from MLSD's "OS.unix=slink:TARGET", or else from LIST's "name ->
 * target": ProFTPD's and Pure-FTPd's MLSD name none) is resolved as
 * tree_link.h says, against the links already seen in the run; one inside
 * the tree is asked of the server (CWD: a folder; else SIZE and MDTM: a
 * file) and planned as what it leads to, fetched through the link's own
 * name. A folder link to a folder on the walk's path (or above one) is a
 * loop; so, past TREE_LINKS_FOLLOWED_MAX followed folder links in one
 * run, is every further one (a bound on what a server's links can make a
 * run walk). The rest stay links, each with why (tree_entry's link).
 */
#ifndef FTPC_TRANSFER_TREE_LINKS_H
#define FTPC_TRANSFER_TREE_LINKS_H

#include "common/err.h"
#include "ftpc/session/session.h"
#include "ftpc/transfer/tree_list.h"

#define TREE_LINKS_MAX 4096            /* links remembered in one run */
#define TREE_LINKS_FOLLOWED_MAX 1024   /* folder links followed in one run */

struct tree_links;

/* For the tree whose top is remote on the server; NULL when out of memory. */
struct tree_links *tree_links_new(struct ftp_session *s, const char *remote);
void tree_links_free(struct tree_links *t);

/* The links of l, the server's listing of folder (its path on the
 * server) at rel (its path from the top, as the walk names it). above:
 * the folders the walk went through to get here, each as a path with no
 * link in it, one a line (NULL or "" at the top); a folder link to one
 * of them, to rel's own, or to one above any of them is a loop. real
 * (size real_len) gets rel's own path with no link in it ("" when it
 * cannot be judged), for the folders below. The folder is noted as
 * listed: a target through a folder not listed yet is not followed
 * (LINK_UNKNOWN), since a link there could lead anywhere. -1 only when
 * the session cannot go on; a link that cannot be decided stays a link. */
int tree_links_decide(struct tree_links *t, struct ftp_session *s, const char *folder, const char *rel,
                      const char *above, char *real, size_t real_len, struct tree_listing *l,
                      struct err *e) MUST_CHECK;

#endif
