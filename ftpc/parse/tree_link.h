/*
 * tree_link: where a server's symbolic link leads, decided from text
 * alone (a mirror with --follow-links follows only links inside the
 * tree). Paths here are relative to the top of the tree ("" is the top,
 * "a/b" a folder in it); a target is resolved lexically against the
 * folder holding the link ("." and ".." taken as written, never by
 * asking the server), then through the links already seen (a callback
 * gives their resolution), so a link through a link that leads out is
 * out too. A target the server makes up can at worst name another place
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

/* target[0..len) of a link in folder (a path inside the tree), into out
 * (size outlen). top_abs: the top's absolute path on the server, for an
 * absolute target; NULL when unknown (then every absolute target is
 * outside). */
enum tree_where tree_link_resolve(const char *top_abs, const char *folder, const char *target, size_t len,
                                  char *out, size_t outlen);

/* The links already seen: for path[0..len) (inside the tree), 1 and *to
 * (the link's resolved path, or NULL when it leads outside) when a link
 * is there; 2 for a link whose target is not known (nothing through it
 * can be judged); 0 when none is. */
typedef int (*tree_link_lookup)(void *arg, const char *path, size_t len, const char **to);

/* path (inside the tree) with every leading part that is a known link
 * replaced by where it leads, into out, until no part is a link.
 * WHERE_BAD when a part is a link of unknown target. */
enum tree_where tree_link_canonical(const char *path, tree_link_lookup lookup, void *arg, char *out,
                                    size_t outlen);

/* Whether the folder target is folder itself or one above it: a link
 * there from folder is a loop. */
int tree_link_is_above(const char *target, const char *folder);

#endif
