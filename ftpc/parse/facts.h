/*
 * facts: the facts of an MLST or MLSD entry (RFC 3659 section 7):
 *   entry = [facts] SP pathname;  facts = 1*(name "=" value ";")
 * as in "type=file;size=12;modify=20261128003226; name". One parser for
 * the 250 reply to MLST, the MLSD listing and the fact list FEAT offers.
 * Pure, unit tested and fuzzed: everything here comes from the server.
 */
#ifndef FTPC_PARSE_FACTS_H
#define FTPC_PARSE_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "ftpc/parse/time_val.h"

/* The facts this client reads, as bits (FEAT's MLST line lists them). */
#define FTP_FACT_TYPE   0x01u
#define FTP_FACT_SIZE   0x02u
#define FTP_FACT_MODIFY 0x04u
#define FTP_FACT_PERM   0x08u
#define FTP_FACT_UNIQUE 0x10u
#define FTP_FACT_UNIX_MODE 0x20u  /* UNIX.mode (ProFTPD, Pure-FTPd): octal permission bits */

#define FTP_UNIQUE_MAX 128

enum ftp_entry_type { ENTRY_FILE, ENTRY_DIR, ENTRY_LINK, ENTRY_OTHER };

struct ftp_facts {
    unsigned have;              /* FTP_FACT_* present */
    enum ftp_entry_type type;   /* OS.unix=slink or symlink: ENTRY_LINK */
    const char *link_target;    /* "OS.unix=slink:TARGET": TARGET, in the parsed text; else NULL */
    size_t link_target_len;     /* 0 when the server names no target (Pure-FTPd sends "slink:") */
    int listed_folder;          /* type=cdir or pdir: the folder itself or its parent */
    uint64_t size;              /* digits only */
    struct ftp_time modify;     /* UTC */
    unsigned perm;              /* FTP_PERM(letter) bits, "acdeflmprw" */
    unsigned unix_mode;         /* UNIX.mode: 1 to 7 octal digits, kept as given (& 07777777) */
    char unique[FTP_UNIQUE_MAX];
};

#define FTP_PERM(letter) (1u << ((letter) - 'a'))

/* The FTP_FACT_* bit of the fact named p[0..n) (case-insensitive), or 0
 * for a fact this client does not read. */
unsigned ftp_fact_bit(const char *p, size_t n);

/* p[0..n) as facts: each "name=value;", names of printable ASCII, no
 * control bytes anywhere, no known fact twice; type a token, size digits
 * only, modify a valid time, perm letters of "acdeflmprw", unique 1 to
 * FTP_UNIQUE_MAX - 1 printable bytes, UNIX.mode 1 to 7 octal digits. Other facts are checked for form
 * only. n may be 0 (no facts). 0, or -1. */
int ftp_parse_facts(const char *p, size_t n, struct ftp_facts *f);

/* An entry line "facts SP pathname" (without the line end): the facts,
 * and where the pathname is (not empty; the caller checks what else it
 * needs). 0, or -1. */
int ftp_parse_fact_line(const char *line, size_t len, struct ftp_facts *f, const char **name,
                        size_t *name_len);

#endif
