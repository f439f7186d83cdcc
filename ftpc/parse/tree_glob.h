/*
 * tree_glob: which entries of a tree transfer --exclude and --include
 * select. Globs are fnmatch(3) patterns (*, ?, [...], \ quotes), the
 * shell's, which users know from mget and their shell; the C library's
 * matcher is used rather than one of ours. Pure.
 *
 * - A glob without '/' matches an entry's name, at any depth ("*.tmp").
 * - A glob with '/' matches the entry's path from the top of the tree
 *   ("logs/ followed by *.gz"), '*' and '?' never crossing a '/' (FNM_PATHNAME).
 * - A leading '.' is matched by '*' like any other byte: --exclude '*'
 *   excludes dot files too.
 * - An entry matching any --exclude is left out (a folder with all it
 *   holds). With --include, a file is taken only when it matches one;
 *   folders are still descended, so --include '*.csv' finds csv files at
 *   every depth.
 */
#ifndef FTPC_PARSE_TREE_GLOB_H
#define FTPC_PARSE_TREE_GLOB_H

#include <stddef.h>

struct tree_filter {
    const char *const *exclude;
    size_t n_exclude;
    const char *const *include;
    size_t n_include;
};

/* 1 when glob matches the entry called name at path (its path from the
 * top of the tree, name being its last part). */
int tree_glob_match(const char *glob, const char *path, const char *name);

/* 1 when the filter takes the entry (path as above; name its last part),
 * else 0 and *why "excluded by GLOB" or "not included" (why_buf holds
 * the text). */
int tree_filter_takes(const struct tree_filter *f, const char *path, const char *name,
                      int is_folder, char *why_buf, size_t why_len);

/* 1 when s holds a *, ? or [ that no backslash quotes: a pattern, not a
 * name. */
int tree_has_glob(const char *s);

/* s with the backslash dropped before each of * ? [ ] \ (the quoting a
 * pattern needs for a literal name); any other backslash stays, so a
 * name that holds one needs no quoting. -1 when out is too small. */
int tree_glob_unquote(const char *s, char *out, size_t outlen);

#endif
