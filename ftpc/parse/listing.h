/*
 * listing: the MLSD listing parser (RFC 3659 section 7), one line at a
 * time: "type=file;size=12;modify=...; name". Pure, unit tested and
 * fuzzed: listings come from the server and are untrusted.
 */
#ifndef FTPC_PARSE_LISTING_H
#define FTPC_PARSE_LISTING_H

#include <stddef.h>
#include <stdint.h>

#include "ftpc/parse/facts.h"

#define FTP_NAME_MAX 1024

struct ftp_entry {
    char name[FTP_NAME_MAX];
    enum ftp_entry_type type;
    uint64_t size;
    int has_size;
};

/* 0: an entry; 1: a line that names no entry (type=cdir or pdir); -1:
 * malformed (facts as ftp_parse_facts reads them, a type fact, a name that
 * is one path element). len excludes the line end. */
int ftp_parse_mlsd_line(const char *line, size_t len, struct ftp_entry *e);

#endif
