/*
 * listing: parsers for directory listings, one line at a time. Pure, unit
 * tested and fuzzed: listings come from the server and are untrusted.
 *   MLSD (RFC 3659 section 7): "type=file;size=12;modify=...; name"
 *   LIST in the Unix "ls -l" form most servers send:
 *     "-rw-r--r--   1 owner group   1234 Nov 28 00:15 name"
 */
#ifndef FTPC_PARSE_LISTING_H
#define FTPC_PARSE_LISTING_H

#include <stddef.h>
#include <stdint.h>

#define FTP_NAME_MAX 1024

enum ftp_entry_type { ENTRY_FILE, ENTRY_DIR, ENTRY_LINK, ENTRY_OTHER };

struct ftp_entry {
    char name[FTP_NAME_MAX];
    enum ftp_entry_type type;
    uint64_t size;
    int has_size;
};

/* 0: an entry; 1: a line that names no entry (".", "..", "total 12"); -1:
 * malformed. len excludes the line end. */
int ftp_parse_mlsd_line(const char *line, size_t len, struct ftp_entry *e);
int ftp_parse_list_line(const char *line, size_t len, struct ftp_entry *e);

#endif
