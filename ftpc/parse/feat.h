/*
 * feat: the 211 reply to FEAT (RFC 2389): a first and a last line of free
 * text, and between them one feature per line, each starting with a blank:
 * " NAME [parameters]". Names are case-insensitive. The MLST line lists
 * the facts the server can give, "*" marking those it gives by default
 * (RFC 3659 section 7.8): " MLST type*;size*;modify*;perm;". The HASH
 * line lists algorithms (hash_reply.h); one that does not parse leaves
 * HASH out rather than failing the list. Pure, unit tested and fuzzed.
 */
#ifndef FTPC_PARSE_FEAT_H
#define FTPC_PARSE_FEAT_H

#include <stddef.h>

#define FTP_FEAT_MLST        0x01u
#define FTP_FEAT_SIZE        0x02u
#define FTP_FEAT_MDTM        0x04u
#define FTP_FEAT_REST_STREAM 0x08u
#define FTP_FEAT_UTF8        0x10u
#define FTP_FEAT_MFMT        0x20u  /* MFMT: a file's modification time set */
#define FTP_FEAT_HASH        0x40u  /* HASH, its algorithms in hash_algos */
#define FTP_FEAT_XSHA256     0x80u
#define FTP_FEAT_XSHA512    0x100u
#define FTP_FEAT_XSHA1      0x200u
#define FTP_FEAT_XMD5       0x400u
#define FTP_FEAT_XCRC       0x800u

struct ftp_features {
    unsigned names;        /* FTP_FEAT_* the server lists */
    unsigned mlst_facts;   /* FTP_FACT_* its MLST line lists */
    unsigned mlst_default; /* of those, the ones marked "*" */
    unsigned hash_algos;   /* HASH: FTP_HASH_BIT bits (hash_reply.h) */
    int hash_selected;     /* HASH: the algorithm marked "*", -1 when none */
};

/* The reply text (lines joined by '\n', codes removed). Lines that do not
 * start with a blank are the free text and skipped; unknown features are
 * skipped. 0, or -1 for a malformed feature line: an empty name, a control
 * byte, or an MLST fact list that is not 1*(name ["*"] ";"). */
int ftp_parse_feat(const char *text, size_t len, struct ftp_features *f);

#endif
