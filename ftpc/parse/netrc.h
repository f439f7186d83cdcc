/*
 * netrc: finds a host's login in a ~/.netrc text. Pure: the caller reads
 * the file (and refuses one readable by others). Tokens: machine, default,
 * login, password, account, macdef (skipped to the next blank line).
 */
#ifndef FTPC_PARSE_NETRC_H
#define FTPC_PARSE_NETRC_H

#include <stddef.h>

struct netrc_entry {
    char login[256];
    char password[256];
    int has_login, has_password;
};

/* 1 when a machine entry for host (or a default entry) was found, 0 when
 * none, -1 when the text is malformed (*why says how). */
int netrc_lookup(const char *text, size_t len, const char *host, struct netrc_entry *out,
                 const char **why);

#endif
