/*
 * hash_reply: the replies servers give when asked for a file's hash, for
 * --verify. Pure, unit tested and fuzzed: the text comes from the server.
 *
 * - HASH (draft-bryan-ftp-hash; ProFTPD's mod_digest): FEAT lists
 *   "HASH SHA-1;SHA-256*;SHA-512;MD5", '*' marking the algorithm in force
 *   (OPTS HASH NAME changes it); the reply is "213 NAME START-END HEX
 *   PATH", HEX in either case.
 * - XSHA256, XSHA512, XSHA1, XMD5 (mod_digest and several Windows
 *   servers): "250 HEX", some servers 213, some with more text after a
 *   blank; the hex has the algorithm's length.
 * - XCRC (CRC-32): the same replies, but some servers drop the leading
 *   zeros ("250 aae4aae" for 0aae4aae), so the CRC is read as a number.
 * vsftpd offers none of these; Debian's Pure-FTPd none either; Debian's
 * ProFTPD ships mod_digest (HASH and the X commands, when loaded).
 */
#ifndef FTPC_PARSE_HASH_REPLY_H
#define FTPC_PARSE_HASH_REPLY_H

#include <stddef.h>
#include <stdint.h>

enum ftp_hash_algo { HASH_SHA256, HASH_SHA512, HASH_SHA1, HASH_MD5, HASH_CRC32, HASH_ALGOS };

#define FTP_HASH_BIT(a) (1u << (a))
#define FTP_HASH_HEX_MAX 128 /* SHA-512 */

/* The draft's name of an algorithm ("SHA-256"), and the number of hex
 * digits of its value (CRC32: 8, at most). */
const char *ftp_hash_name(enum ftp_hash_algo a);
size_t ftp_hash_hex_len(enum ftp_hash_algo a);
/* The algorithm called p[0..n) (case-insensitive); -1 when unknown. */
int ftp_hash_algo_of(const char *p, size_t n);

/* FEAT's HASH value "SHA-1;SHA-256*;MD5": the known algorithms as
 * FTP_HASH_BIT bits, and the one marked '*' (-1 when none is). Unknown
 * names are skipped; an empty name, a blank or a control byte, or two
 * marked, is -1. */
int ftp_parse_hash_feat(const char *p, size_t n, unsigned *algos, int *selected);

struct ftp_hash_value {
    enum ftp_hash_algo algo;
    uint64_t start, end;             /* the byte range hashed (HASH only) */
    char hex[FTP_HASH_HEX_MAX + 1];  /* lower case */
};

/* The text of a 213 reply to HASH: "NAME START-END HEX PATH" with a known
 * algorithm, START <= END, HEX of the algorithm's length (CRC32: 1 to 8
 * digits, leading zeros restored) and a PATH. 0, or -1. */
int ftp_parse_hash_reply(const char *p, size_t n, struct ftp_hash_value *h);

/* The text of a 250 or 213 reply to XSHA256, XSHA512, XSHA1 or XMD5 for
 * algorithm a: the hex value of its length, then nothing or a blank and
 * more text. 0, or -1. */
int ftp_parse_x_digest(const char *p, size_t n, enum ftp_hash_algo a, struct ftp_hash_value *h);

/* The text of a 250 or 213 reply to XCRC: 1 to 8 hex digits, then
 * nothing or a blank and more text, as a number. 0, or -1. */
int ftp_parse_xcrc(const char *p, size_t n, uint32_t *crc);

/* 1 for the reply codes a hash comes with (213, 250). */
int ftp_hash_reply_code_ok(int code);

#endif
