/* Unit tests of the parsers of numbers, sizes, times, quoted names and
 * FEAT in server replies. */
#include "ftpc/parse/facts.h"
#include "ftpc/parse/feat.h"
#include "ftpc/parse/hash_reply.h"
#include "ftpc/parse/number.h"
#include "ftpc/parse/quoted_name.h"
#include "ftpc/parse/size_reply.h"
#include "ftpc/parse/time_val.h"
#include "tests/unit/expect.h"

static int digits(const char *s, uint64_t *v) { return parse_digits_u64(s, strlen(s), v); }
static int size(const char *s, uint64_t *v) { return ftp_parse_size_reply(s, strlen(s), v); }
static int announced(const char *s, uint64_t *v) { return ftp_parse_announced_size(s, strlen(s), v); }
static int tv(const char *s, struct ftp_time *t) { return ftp_parse_time_val(s, strlen(s), t); }
static int quoted(const char *s, char *out, size_t n) { return ftp_parse_quoted_name(s, strlen(s), out, n); }
static int feat(const char *s, struct ftp_features *f) { return ftp_parse_feat(s, strlen(s), f); }

static void numbers(void)
{
    uint64_t v = 7;
    EXPECT_EQ_INT(digits("0", &v), 0);
    EXPECT_EQ_INT(v, 0);
    EXPECT_EQ_INT(digits("18446744073709551615", &v), 0);
    EXPECT(v == UINT64_MAX);
    EXPECT_EQ_INT(digits("000000000000000000000000042", &v), 0);
    EXPECT_EQ_INT(v, 42);
    v = 7;
    EXPECT_EQ_INT(digits("18446744073709551616", &v), -1);
    EXPECT_EQ_INT(digits("99999999999999999999", &v), -1);
    EXPECT_EQ_INT(digits("", &v), -1);
    EXPECT_EQ_INT(digits("-1", &v), -1);
    EXPECT_EQ_INT(digits("+5", &v), -1);
    EXPECT_EQ_INT(digits(" 5", &v), -1);
    EXPECT_EQ_INT(digits("5 ", &v), -1);
    EXPECT_EQ_INT(v, 7); /* untouched on failure */
    EXPECT_EQ_INT(count_digits("12ab", 4), 2);
    EXPECT_EQ_INT(count_digits("12", 1), 1);
    /* What users type: the same digits, in a range. */
    EXPECT_EQ_INT(parse_in_range("86400", 1, 86400, &v), 0);
    EXPECT_EQ_INT(v, 86400);
    EXPECT_EQ_INT(parse_in_range("86401", 1, 86400, &v), -1);
    EXPECT_EQ_INT(parse_in_range("0", 1, 86400, &v), -1);
    EXPECT_EQ_INT(parse_in_range("30s", 1, 86400, &v), -1);
    unsigned port = 9;
    EXPECT_EQ_INT(parse_tcp_port("65535", &port), 0);
    EXPECT_EQ_INT(port, 65535);
    EXPECT_EQ_INT(parse_tcp_port("65536", &port), -1);
    EXPECT_EQ_INT(parse_tcp_port("0", &port), -1);
    EXPECT_EQ_INT(parse_tcp_port("-21", &port), -1);
    EXPECT_EQ_INT(parse_tcp_port(" 21", &port), -1);
    EXPECT_EQ_INT(port, 65535);
}

static void sizes(void)
{
    uint64_t v = 0;
    EXPECT_EQ_INT(size("1048576", &v), 0);
    EXPECT_EQ_INT(v, 1048576);
    EXPECT_EQ_INT(size("-1", &v), -1);
    EXPECT_EQ_INT(size("12abc", &v), -1);
    EXPECT_EQ_INT(size("+5", &v), -1);
    EXPECT_EQ_INT(size(" 5", &v), -1);
    EXPECT_EQ_INT(size("5\nmore", &v), -1);
    EXPECT_EQ_INT(size("File not found", &v), -1);
    EXPECT_EQ_INT(size("", &v), -1);

    EXPECT_EQ_INT(announced("Opening BINARY mode data connection for f (1234 bytes).", &v), 0);
    EXPECT_EQ_INT(v, 1234);
    EXPECT_EQ_INT(announced("here (it) comes (102400 bytes)", &v), 0);
    EXPECT_EQ_INT(v, 102400);
    EXPECT_EQ_INT(announced("Opening data connection (-1 bytes)", &v), -1);
    EXPECT_EQ_INT(announced("Opening data connection (+5 bytes)", &v), -1);
    EXPECT_EQ_INT(announced("Opening data connection ( 5 bytes)", &v), -1);
    EXPECT_EQ_INT(announced("Opening data connection (5 bytes", &v), -1);
    EXPECT_EQ_INT(announced("Opening data connection (5 kB)", &v), -1);
    EXPECT_EQ_INT(announced("Opening data connection ( bytes)", &v), -1);
    EXPECT_EQ_INT(announced("(99999999999999999999 bytes)", &v), -1);
    EXPECT_EQ_INT(announced("(5 bytes) and then (x)", &v), -1); /* the last parenthesis counts */
    EXPECT_EQ_INT(announced("Accepted data connection", &v), -1);
    EXPECT_EQ_INT(announced("(", &v), -1);
}

static void times(void)
{
    struct ftp_time t;
    EXPECT_EQ_INT(tv("20261128003226", &t), 0);
    EXPECT_EQ_INT(t.year, 2026);
    EXPECT_EQ_INT(t.month, 11);
    EXPECT_EQ_INT(t.day, 28);
    EXPECT_EQ_INT(t.hour, 0);
    EXPECT_EQ_INT(t.minute, 32);
    EXPECT_EQ_INT(t.second, 26);
    EXPECT_EQ_INT(tv("20261128003226.123", &t), 0);
    EXPECT_EQ_INT(tv("20240229235960", &t), 0);  /* a leap year, a leap second */
    EXPECT_EQ_INT(tv("20000229000000", &t), 0);
    EXPECT_EQ_INT(tv("19000229000000", &t), -1); /* 1900 is no leap year */
    EXPECT_EQ_INT(tv("20250229000000", &t), -1);
    EXPECT_EQ_INT(tv("20260431000000", &t), -1);
    EXPECT_EQ_INT(tv("20261301000000", &t), -1);
    EXPECT_EQ_INT(tv("20260001000000", &t), -1);
    EXPECT_EQ_INT(tv("20260100000000", &t), -1);
    EXPECT_EQ_INT(tv("20260101240000", &t), -1);
    EXPECT_EQ_INT(tv("20260101006000", &t), -1);
    EXPECT_EQ_INT(tv("20260101000061", &t), -1);
    EXPECT_EQ_INT(tv("20261128003226.", &t), -1);
    EXPECT_EQ_INT(tv("20261128003226.1x", &t), -1);
    EXPECT_EQ_INT(tv("20261128003226 ", &t), -1);
    EXPECT_EQ_INT(tv("2026112800322", &t), -1);
    EXPECT_EQ_INT(tv("191261128003226", &t), -1); /* the old "19" + year-1900 bug */
    EXPECT_EQ_INT(tv("-0261128003226", &t), -1);
    EXPECT_EQ_INT(tv("", &t), -1);
}

static void quoted_names(void)
{
    char out[64];
    EXPECT_EQ_INT(quoted("\"/home/user\" is the current directory", out, sizeof out), 0);
    EXPECT_EQ_STR(out, "/home/user");
    EXPECT_EQ_INT(quoted("\"/\"", out, sizeof out), 0);
    EXPECT_EQ_STR(out, "/");
    EXPECT_EQ_INT(quoted("\"/a \"\"quoted\"\" name\" created", out, sizeof out), 0);
    EXPECT_EQ_STR(out, "/a \"quoted\" name");
    EXPECT_EQ_INT(quoted("\"\"\"\"", out, sizeof out), 0);
    EXPECT_EQ_STR(out, "\"");
    EXPECT_EQ_INT(quoted("\"/a\" is \"b\"", out, sizeof out), 0); /* the first closing quote ends it */
    EXPECT_EQ_STR(out, "/a");
    EXPECT_EQ_INT(quoted("\"/x\x1b[31m\" here", out, sizeof out), 0); /* kept; printing escapes it */
    EXPECT_EQ_STR(out, "/x\x1b[31m");
    EXPECT_EQ_INT(quoted("\"/first\"\nsecond line", out, sizeof out), 0);
    EXPECT_EQ_STR(out, "/first");

    EXPECT_EQ_INT(quoted("\"/unclosed is the current directory", out, sizeof out), -1);
    EXPECT_EQ_STR(out, "");
    EXPECT_EQ_INT(quoted("\"/a\"\"", out, sizeof out), -1); /* "" is a quote, then no end */
    EXPECT_EQ_INT(quoted("\"/a\nb\"", out, sizeof out), -1);   /* the name ends with its line */
    EXPECT_EQ_INT(quoted("\"/a\"x", out, sizeof out), -1);
    EXPECT_EQ_INT(quoted("\"\" empty", out, sizeof out), -1);
    EXPECT_EQ_INT(quoted("/home/user is the current directory", out, sizeof out), -1);
    EXPECT_EQ_INT(quoted("current: \"/home\"", out, sizeof out), -1);
    EXPECT_EQ_INT(quoted("", out, sizeof out), -1);
    EXPECT_EQ_INT(ftp_parse_quoted_name("\"a\0b\"", 5, out, sizeof out), -1); /* NUL: no C string */
    EXPECT_EQ_INT(quoted("\"12345678\"", out, 9), 0);
    EXPECT_EQ_INT(quoted("\"123456789\"", out, 9), -1); /* too long: never cut */
    EXPECT_EQ_STR(out, "");
}

static void features(void)
{
    struct ftp_features f;
    EXPECT_EQ_INT(feat("Extensions supported:\n EPRT\n mdtm\n SIZE\n REST STREAM\n"
                       " MLST type*;size*;sizd*;modify*;UNIX.mode*;perm;unique*;\n MLSD\n UTF8\nEnd.", &f), 0);
    EXPECT_EQ_INT(f.names, FTP_FEAT_MLST | FTP_FEAT_SIZE | FTP_FEAT_MDTM | FTP_FEAT_REST_STREAM | FTP_FEAT_UTF8);
    EXPECT_EQ_INT(f.mlst_facts, FTP_FACT_TYPE | FTP_FACT_SIZE | FTP_FACT_MODIFY | FTP_FACT_PERM | FTP_FACT_UNIQUE |
                                    FTP_FACT_UNIX_MODE);
    EXPECT_EQ_INT(f.mlst_default, FTP_FACT_TYPE | FTP_FACT_SIZE | FTP_FACT_MODIFY | FTP_FACT_UNIQUE |
                                      FTP_FACT_UNIX_MODE);
    EXPECT_EQ_INT(feat("Features:\n  mlst Type*;\nEnd", &f), 0);
    EXPECT_EQ_INT(f.names, FTP_FEAT_MLST);
    EXPECT_EQ_INT(f.mlst_default, FTP_FACT_TYPE);
    EXPECT_EQ_INT(feat("Features:\n MLST\nEnd", &f), 0);
    EXPECT_EQ_INT(f.names, FTP_FEAT_MLST);
    EXPECT_EQ_INT(f.mlst_facts, 0);
    /* Only feature lines count: not the free text, not a longer name. */
    EXPECT_EQ_INT(feat("MLST is not here\n MLSTX\n REST\n SIZES\nEnd", &f), 0);
    EXPECT_EQ_INT(f.names, 0);
    EXPECT_EQ_INT(feat("no features", &f), 0);
    EXPECT_EQ_INT(f.names, 0);
    EXPECT_EQ_INT(feat("", &f), 0);

    EXPECT_EQ_INT(feat("Features:\n MLST type*;size\nEnd", &f), -1);  /* no final ';' */
    EXPECT_EQ_INT(f.names, 0);
    EXPECT_EQ_INT(feat("Features:\n MLST type;;\nEnd", &f), -1);
    EXPECT_EQ_INT(feat("Features:\n MLST *;\nEnd", &f), -1);
    EXPECT_EQ_INT(feat("Features:\n MLST ty=pe;\nEnd", &f), -1);
    EXPECT_EQ_INT(feat("Features:\n SIZE\x1b[2J\nEnd", &f), -1);
    EXPECT_EQ_INT(feat("Features:\n \nEnd", &f), -1);
}

/* What --verify and an upload's times need: MFMT, HASH with its
 * algorithms, the X digest commands. */
static void tree_features(void)
{
    struct ftp_features f;
    EXPECT_EQ_INT(feat("Features:\n MFMT\n HASH SHA-1;SHA-256*;SHA-512;MD5;CRC32\n XSHA256\n XSHA512\n"
                       " XSHA1\n XMD5\n XCRC\n MLST type*;\nEnd", &f), 0);
    EXPECT_EQ_INT(f.names, FTP_FEAT_MFMT | FTP_FEAT_HASH | FTP_FEAT_XSHA256 | FTP_FEAT_XSHA512 | FTP_FEAT_XSHA1 |
                               FTP_FEAT_XMD5 | FTP_FEAT_XCRC | FTP_FEAT_MLST);
    EXPECT_EQ_INT(f.hash_algos, FTP_HASH_BIT(HASH_SHA1) | FTP_HASH_BIT(HASH_SHA256) | FTP_HASH_BIT(HASH_SHA512) |
                                    FTP_HASH_BIT(HASH_MD5) | FTP_HASH_BIT(HASH_CRC32));
    EXPECT_EQ_INT(f.hash_selected, HASH_SHA256);
    /* A HASH list that does not parse leaves HASH out, not the rest. */
    EXPECT_EQ_INT(feat("Features:\n HASH SHA-1*;MD5*\n MLST type*;\nEnd", &f), 0);
    EXPECT_EQ_INT(f.names, FTP_FEAT_MLST);
    EXPECT_EQ_INT(f.hash_algos, 0);
    EXPECT_EQ_INT(f.hash_selected, -1);
    EXPECT_EQ_INT(feat("Features:\n HASH SHA-1\nEnd", &f), 0);
    EXPECT_EQ_INT(f.names, FTP_FEAT_HASH);
    EXPECT_EQ_INT(f.hash_selected, -1);
    EXPECT_EQ_INT(feat("no features", &f), 0);
    EXPECT_EQ_INT(f.hash_selected, -1);
}

int main(void)
{
    numbers();
    sizes();
    times();
    quoted_names();
    features();
    tree_features();
    return expect_done("test_replies");
}
