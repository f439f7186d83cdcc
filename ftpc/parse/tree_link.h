/*
 * tree_link: where a server's symbolic link leads, decided from text
 * alone (a mirror with --follow-links follows only links inside the
 * tree). Paths here are relative to the top of the tree ("" is the top,
 * "a/b" a folder in it); a target is joined to the folder holding the
 * link, then walked component by component as the server would, through
 * the links already seen (a callback gives them, and which folders were
 * listed), never by asking the server: a link through a link that leads
 * out is out too, and so is a ".." after a link that leads out. A target the server makes up can at worst name another place
 * inside the tree: local paths are never built from targets, only from
 * checked names. Pure, unit tested and fuzzed.
 */
#ifndef FTPC_PARSE_TREE_LINK_H
#define FTPC_PARSE_TREE_LINK_H

#include <stddef.h>

enum tree_where {
    WHERE_INSIDE,   /* *out: the path inside the tree ("" the top itself) */
    WHERE_OUTSIDE,  /* above the top, or an absolute path not under it */
    WHERE_BAD,      /* empty, a NUL or control byte, or too long */
    WHERE_LOOP,     /* more than TREE_LINK_HOPS links in a row */
};

#define TREE_LINK_HOPS 40 /* as the kernel's ELOOP bound */

/* target[0..len) of a link in folder (a path inside the tree, itself
 * with no link in it), into out (size outlen): the target as a path from
 * the top, its ".." kept (what one means depends on the links before
 * it: tree_link_canonical judges it). top_abs: the top's absolute path
 * on the server, for an absolute target; NULL when unknown (then every
 * absolute target is outside). WHERE_OUTSIDE for an absolute target not
 * under the top. */
enum tree_where tree_link_resolve(const char *top_abs, const char *folder, const char *target, size_t len,
                                  char *out, size_t outlen);

/* What the run knows of path[0..len) (inside the tree, with no link in
 * it before its last component): 1 and *to (the link's target from
 * tree_link_resolve, or NULL when it leads outside) when a link is
 * there; 2 for a link whose target is not known; 0 when no link is (the
 * folder holding it was listed); 3 when that folder was not listed, so
 * nothing is known of it. */
typedef int (*tree_link_lookup)(void *arg, const char *path, size_t len, const char **to);

/* path (from the top) walked component by component as the server
 * would: each part that is a known link replaced by where it leads
 * before a ".." after it applies, into out. WHERE_OUTSIDE when a ".."
 * leaves the top or a link leads out; WHERE_BAD when a part is a link of
 * unknown target or lies in a folder not listed yet (it could be a link:
 * nothing through it can be judged); WHERE_LOOP past TREE_LINK_HOPS. */
enum tree_where tree_link_canonical(const char *path, tree_link_lookup lookup, void *arg, char *out,
                                    size_t outlen);

/* Whether the folder target is folder itself or one above it: a link
 * there from folder is a loop. */
int tree_link_is_above(const char *target, const char *folder);

#endif
