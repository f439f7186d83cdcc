/*
 * tree_name: whether a name from a server's listing may become a local
 * file or folder in a tree transfer. A listing comes from the server and
 * is untrusted: a name is one path element, never a way out of the folder
 * it is listed in, and never text that could drive a terminal. Pure.
 */
#ifndef FTPC_PARSE_TREE_NAME_H
#define FTPC_PARSE_TREE_NAME_H

#include <stddef.h>

/* 0 when name[0..len) is safe as one element of a local path: not empty,
 * not "." or "..", no '/' (so never absolute), no NUL, no control byte
 * (C0, DEL) and no backslash (a path separator elsewhere). Otherwise -1
 * and *why says which rule it breaks ("is empty", "holds '/'", ...). */
int tree_name_check(const char *name, size_t len, const char **why);

#endif
