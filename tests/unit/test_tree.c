/* Unit tests of the pure parts of tree transfers: remote name safety,
 * --exclude/--include globs, MLSD lines as tree entries, UTC times, and
 * the hash replies of HASH, XSHA*, XMD5 and XCRC. */
#include "ftpc/parse/crc32.h"
#include "ftpc/parse/hash_reply.h"
#include "ftpc/parse/tree_entry.h"
#include "ftpc/parse/tree_glob.h"
#include "ftpc/parse/tree_link.h"
#include "ftpc/parse/tree_ls.h"
#include "ftpc/parse/tree_name.h"
#include "tests/unit/expect.h"

static int name_ok(const char *s) { const char *why; return tree_name_check(s, strlen(s), &why) == 0; }

static const char *name_why(const char *s, size_t n)
{
    const char *why = NULL;
    return tree_name_check(s, n, &why) == 0 ? "(safe)" : why;
}

static void test_names(void)
{
    EXPECT(name_ok("report.csv"));
    EXPECT(name_ok(".hidden"));
    EXPECT(name_ok("..."));              /* not a way out: an ordinary name */
    EXPECT(name_ok("..x"));
    EXPECT(name_ok("with space"));
    EXPECT(name_ok("caf\xc3\xa9"));      /* UTF-8 */
    EXPECT(name_ok("-rf"));
    EXPECT_EQ_STR(name_why("", 0), "is empty");
    EXPECT_CONTAINS(name_why(".", 1), "is . or ..");
    EXPECT_CONTAINS(name_why("..", 2), "is . or ..");
    EXPECT_CONTAINS(name_why("../x", 4), "'/'");
    EXPECT_CONTAINS(name_why("a/b", 3), "'/'");
    EXPECT_CONTAINS(name_why("/etc", 4), "absolute");
    EXPECT_CONTAINS(name_why("a\\..\\b", 6), "'\\'");
    EXPECT_CONTAINS(name_why("a\0b", 3), "NUL");
    EXPECT_CONTAINS(name_why("a\nb", 3), "control");
    EXPECT_CONTAINS(name_why("a\rb", 3), "control");
    EXPECT_CONTAINS(name_why("\x1b[31m", 5), "control");
    EXPECT_CONTAINS(name_why("a\x7f", 2), "control");
    EXPECT_CONTAINS(name_why("tab\there", 8), "control");
}

static void test_globs(void)
{
    EXPECT(tree_glob_match("*.tmp", "a/b/c.tmp", "c.tmp"));   /* no '/': the name, at any depth */
    EXPECT(!tree_glob_match("*.tmp", "a/c.tmp.gz", "c.tmp.gz"));
    EXPECT(tree_glob_match("*", ".dot", ".dot"));              /* dot files too */
    EXPECT(tree_glob_match("logs/*.gz", "logs/x.gz", "x.gz"));  /* with '/': the path */
    EXPECT(!tree_glob_match("logs/*.gz", "logs/old/x.gz", "x.gz")); /* '*' never crosses '/' */
    EXPECT(!tree_glob_match("logs/*.gz", "x.gz", "x.gz"));
    EXPECT(tree_glob_match("file?.[ch]", "file1.c", "file1.c"));
    EXPECT(!tree_glob_match("file?.[ch]", "file10.c", "file10.c"));
    EXPECT(tree_glob_match("\\*", "*", "*"));                 /* quoted */
    EXPECT(!tree_glob_match("\\*", "x", "x"));

    const char *ex[] = { "*.tmp", "cache" };
    const char *in[] = { "*.csv" };
    char why[64];
    struct tree_filter none = { 0 };
    EXPECT(tree_filter_takes(&none, "a", "a", 0, why, sizeof why));
    struct tree_filter f = { ex, 2, NULL, 0 };
    EXPECT(!tree_filter_takes(&f, "x/y.tmp", "y.tmp", 0, why, sizeof why));
    EXPECT_EQ_STR(why, "excluded by *.tmp");
    EXPECT(!tree_filter_takes(&f, "x/cache", "cache", 1, why, sizeof why)); /* a folder too */
    EXPECT_EQ_STR(why, "excluded by cache");
    EXPECT(tree_filter_takes(&f, "x/y.csv", "y.csv", 0, why, sizeof why));
    struct tree_filter g = { ex, 2, in, 1 };
    EXPECT(tree_filter_takes(&g, "r/a.csv", "a.csv", 0, why, sizeof why));
    EXPECT(!tree_filter_takes(&g, "r/a.txt", "a.txt", 0, why, sizeof why));
    EXPECT_EQ_STR(why, "not included");
    EXPECT(tree_filter_takes(&g, "r", "r", 1, why, sizeof why));       /* folders are descended */
    EXPECT(!tree_filter_takes(&g, "a.csv.tmp", "a.csv.tmp", 0, why, sizeof why)); /* exclude wins */
}

static int mlsd(const char *line, struct tree_entry *e, char *name, size_t cap)
{
    const char *p;
    size_t n;
    int r = tree_parse_mlsd_line(line, strlen(line), e, &p, &n);
    if (r == 0 && n < cap) {
        memcpy(name, p, n);
        name[n] = '\0';
    }
    return r;
}

static void test_entries(void)
{
    struct ftp_time t = { 1970, 1, 1, 0, 0, 0 };
    EXPECT_EQ_INT(ftp_time_epoch(&t), 0);
    t = (struct ftp_time){ 2000, 3, 1, 0, 0, 0 };   /* after a leap day of a century year */
    EXPECT_EQ_INT(ftp_time_epoch(&t), 951868800);
    t = (struct ftp_time){ 2026, 11, 28, 0, 32, 26 };
    EXPECT_EQ_INT(ftp_time_epoch(&t), 1795825946);
    t = (struct ftp_time){ 1969, 12, 31, 23, 59, 59 };
    EXPECT_EQ_INT(ftp_time_epoch(&t), -1);
    t = (struct ftp_time){ 2100, 1, 1, 0, 0, 0 };
    EXPECT_EQ_INT(ftp_time_epoch(&t), 4102444800);

    struct tree_entry e;
    char name[64];
    EXPECT_EQ_INT(mlsd("type=file;size=12;modify=20261128003226; a b.txt", &e, name, sizeof name), 0);
    EXPECT_EQ_INT(e.kind, TREE_FILE);
    EXPECT_EQ_INT(e.has_size, 1);
    EXPECT_EQ_INT(e.size, 12);
    EXPECT_EQ_INT(e.has_mtime, 1);
    EXPECT_EQ_INT(e.mtime, 1795825946);
    EXPECT_EQ_STR(name, "a b.txt");
    EXPECT_EQ_INT(mlsd("type=dir;modify=20261128003226; sub", &e, name, sizeof name), 0);
    EXPECT_EQ_INT(e.kind, TREE_FOLDER);
    EXPECT_EQ_INT(e.has_size, 0);
    EXPECT_EQ_INT(mlsd("type=OS.unix=slink:/etc; link", &e, name, sizeof name), 0);
    EXPECT_EQ_INT(e.kind, TREE_LINK);
    EXPECT_EQ_INT(e.target_len, 4);
    EXPECT(e.target != NULL && memcmp(e.target, "/etc", 4) == 0);
    /* Pure-FTPd names no target, ProFTPD says "symlink": neither has one. */
    EXPECT_EQ_INT(mlsd("type=OS.unix=slink:;size=5;UNIX.mode=0777; lf", &e, name, sizeof name), 0);
    EXPECT_EQ_INT(e.kind, TREE_LINK);
    EXPECT(e.target == NULL);
    EXPECT_EQ_INT(mlsd("modify=20261202061611;size=3;type=OS.unix=symlink;UNIX.ownername=u; ld", &e, name,
                       sizeof name), 0);
    EXPECT_EQ_INT(e.kind, TREE_LINK);
    EXPECT(e.target == NULL);
    /* UNIX.mode as ProFTPD and Pure-FTPd send it: setuid kept here, masked where used. */
    EXPECT_EQ_INT(mlsd("type=file;size=3;UNIX.mode=04755; f.txt", &e, name, sizeof name), 0);
    EXPECT_EQ_INT(e.has_mode, 1);
    EXPECT_EQ_INT(e.mode, 04755);
    EXPECT_EQ_INT(mlsd("type=file;size=3; nomode", &e, name, sizeof name), 0);
    EXPECT_EQ_INT(e.has_mode, 0);
    EXPECT_EQ_INT(mlsd("type=file;UNIX.mode=0899; badmode", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(mlsd("type=file;UNIX.mode=; emptymode", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(mlsd("type=file;UNIX.mode=01234567; longmode", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(mlsd("type=OS.unix=chr-1/3; null", &e, name, sizeof name), 0);
    EXPECT_EQ_INT(e.kind, TREE_OTHER);
    /* The name comes back as sent, for tree_name_check to judge. */
    EXPECT_EQ_INT(mlsd("type=file;size=1; ../x", &e, name, sizeof name), 0);
    EXPECT_EQ_STR(name, "../x");
    EXPECT_EQ_INT(mlsd("type=cdir; .", &e, name, sizeof name), 1);
    EXPECT_EQ_INT(mlsd("type=pdir; ..", &e, name, sizeof name), 1);
    EXPECT_EQ_INT(mlsd("size=1; notype", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(mlsd("type=file;modify=20261328003226; badmonth", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(mlsd("type=file;", &e, name, sizeof name), -1);
}

static void test_hashes(void)
{
    EXPECT_EQ_INT(ftp_hash_algo_of("sha-256", 7), HASH_SHA256);
    EXPECT_EQ_INT(ftp_hash_algo_of("SHA-3", 5), -1);
    EXPECT_EQ_INT(ftp_hash_hex_len(HASH_SHA1), 40);
    EXPECT_EQ_STR(ftp_hash_name(HASH_MD5), "MD5");

    unsigned algos;
    int sel;
    const char *feat = "SHA-1;SHA-256*;SHA-512;MD5;CRC32";
    EXPECT_EQ_INT(ftp_parse_hash_feat(feat, strlen(feat), &algos, &sel), 0);
    EXPECT_EQ_INT(algos, 0x1f);
    EXPECT_EQ_INT(sel, HASH_SHA256);
    EXPECT_EQ_INT(ftp_parse_hash_feat("SHA-1*;BLAKE3", 13, &algos, &sel), 0); /* unknown skipped */
    EXPECT_EQ_INT(algos, FTP_HASH_BIT(HASH_SHA1));
    EXPECT_EQ_INT(sel, HASH_SHA1);
    EXPECT_EQ_INT(ftp_parse_hash_feat("MD5", 3, &algos, &sel), 0);
    EXPECT_EQ_INT(sel, -1);
    EXPECT_EQ_INT(ftp_parse_hash_feat("MD5*;SHA-1*", 11, &algos, &sel), -1);
    EXPECT_EQ_INT(ftp_parse_hash_feat("MD5;;SHA-1", 10, &algos, &sel), -1);
    EXPECT_EQ_INT(ftp_parse_hash_feat("MD5; SHA-1", 10, &algos, &sel), -1);

    struct ftp_hash_value h;
    const char *sha = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
    char reply[300];
    snprintf(reply, sizeof reply, "SHA-256 0-0 %s empty file", sha);
    EXPECT_EQ_INT(ftp_parse_hash_reply(reply, strlen(reply), &h), 0);
    EXPECT_EQ_INT(h.algo, HASH_SHA256);
    EXPECT_EQ_INT(h.start, 0);
    EXPECT_EQ_INT(h.end, 0);
    EXPECT_EQ_STR(h.hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ_INT(ftp_parse_hash_reply("CRC32 0-10 aae4aae f", 20, &h), 0);
    EXPECT_EQ_STR(h.hex, "0aae4aae");
    snprintf(reply, sizeof reply, "SHA-256 0-49 %s", sha);         /* no path */
    EXPECT_EQ_INT(ftp_parse_hash_reply(reply, strlen(reply), &h), -1);
    snprintf(reply, sizeof reply, "SHA-256 49-0 %s f", sha);       /* backwards range */
    EXPECT_EQ_INT(ftp_parse_hash_reply(reply, strlen(reply), &h), -1);
    snprintf(reply, sizeof reply, "SHA-256 0-49 %.63s f", sha);    /* one digit short */
    EXPECT_EQ_INT(ftp_parse_hash_reply(reply, strlen(reply), &h), -1);
    snprintf(reply, sizeof reply, "SHA-1 0-49 %s f", sha);         /* SHA-256's length */
    EXPECT_EQ_INT(ftp_parse_hash_reply(reply, strlen(reply), &h), -1);
    snprintf(reply, sizeof reply, "SHA-256 0-x %s f", sha);
    EXPECT_EQ_INT(ftp_parse_hash_reply(reply, strlen(reply), &h), -1);
    snprintf(reply, sizeof reply, "SHA-256 0-49 %.63sg f", sha);   /* not hex */
    EXPECT_EQ_INT(ftp_parse_hash_reply(reply, strlen(reply), &h), -1);
    EXPECT_EQ_INT(ftp_parse_hash_reply("", 0, &h), -1);

    EXPECT_EQ_INT(ftp_parse_x_digest(sha, strlen(sha), HASH_SHA256, &h), 0);
    EXPECT_EQ_STR(h.hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    snprintf(reply, sizeof reply, "%s file.bin", sha);             /* text after a blank */
    EXPECT_EQ_INT(ftp_parse_x_digest(reply, strlen(reply), HASH_SHA256, &h), 0);
    EXPECT_EQ_INT(ftp_parse_x_digest(sha, strlen(sha), HASH_MD5, &h), -1);
    EXPECT_EQ_INT(ftp_parse_x_digest("d41d8cd98f00b204e9800998ecf8427e", 32, HASH_MD5, &h), 0);
    EXPECT_EQ_INT(ftp_parse_x_digest("d41d8cd98f00b204e9800998ecf8427", 31, HASH_MD5, &h), -1);
    EXPECT_EQ_INT(ftp_parse_x_digest("d41d8cd98f00b204e9800998ecf8427e:", 33, HASH_MD5, &h), -1);

    uint32_t crc = 0;
    EXPECT_EQ_INT(ftp_parse_xcrc("aae4aae", 7, &crc), 0);           /* leading zero dropped */
    EXPECT_EQ_INT(crc, 0x0aae4aae);
    EXPECT_EQ_INT(ftp_parse_xcrc("0AAE4AAE", 8, &crc), 0);
    EXPECT_EQ_INT(crc, 0x0aae4aae);
    EXPECT_EQ_INT(ftp_parse_xcrc("0", 1, &crc), 0);
    EXPECT_EQ_INT(crc, 0);
    EXPECT_EQ_INT(ftp_parse_xcrc("FFFFFFFF name", 13, &crc), 0);
    EXPECT_EQ_INT(crc, 0xffffffffu);
    EXPECT_EQ_INT(ftp_parse_xcrc("1FFFFFFFF", 9, &crc), -1);       /* more than 32 bits */
    EXPECT_EQ_INT(ftp_parse_xcrc("", 0, &crc), -1);
    EXPECT_EQ_INT(ftp_parse_xcrc("xyz", 3, &crc), -1);
    EXPECT_EQ_INT(ftp_parse_xcrc(" 12", 3, &crc), -1);
    EXPECT(ftp_hash_reply_code_ok(250));
    EXPECT(ftp_hash_reply_code_ok(213));
    EXPECT(!ftp_hash_reply_code_ok(200));
}

/* CRC-32 as XCRC gives it (zlib's): the standard check value, and the
 * same value whatever the pieces. */
static void test_crc32(void)
{
    EXPECT_EQ_INT(ftp_crc32_update(0, "", 0), 0);
    EXPECT_EQ_INT(ftp_crc32_update(0, "123456789", 9), 0xCBF43926u);
    EXPECT_EQ_INT(ftp_crc32_update(ftp_crc32_update(0, "1234", 4), "56789", 5), 0xCBF43926u);
    EXPECT_EQ_INT(ftp_crc32_update(0, "hello\n", 6), 0x363A3020u); /* as ProFTPD's XCRC answered */
}

static int ls(const char *line, struct tree_entry *e, char *name, size_t len)
{
    const char *n;
    size_t nl;
    int r = tree_parse_ls_line(line, strlen(line), e, &n, &nl);
    name[0] = '\0';
    if (r == 0 && nl < len) {
        memcpy(name, n, nl);
        name[nl] = '\0';
    }
    return r;
}

/* LIST lines as vsftpd and others write them; what is refused. */
static void test_ls_lines(void)
{
    struct tree_entry e;
    char name[256];
    EXPECT_EQ_INT(ls("-rw-r--r--    1 984      0               2 Dec 02 03:26 a b", &e, name, sizeof name), 0);
    EXPECT_EQ_STR(name, "a b");
    EXPECT_EQ_INT(e.kind, TREE_FILE);
    EXPECT_EQ_INT(e.has_size, 1);
    EXPECT_EQ_INT(e.size, 2);
    EXPECT_EQ_INT(e.has_mtime, 0);
    EXPECT_EQ_INT(ls("drwxr-xr-x    2 984      0            4096 Dec 02 03:26 sub", &e, name, sizeof name), 0);
    EXPECT_EQ_INT(e.kind, TREE_FOLDER);
    EXPECT_EQ_INT(e.has_size, 0);
    EXPECT_EQ_INT(ls("lrwxrwxrwx    1 984      0               3 Dec 02 03:26 lnk -> a b", &e, name, sizeof name), 0);
    EXPECT_EQ_STR(name, "lnk");
    EXPECT_EQ_INT(e.kind, TREE_LINK);
    EXPECT_EQ_INT(e.target_len, 3);
    EXPECT(e.target != NULL && memcmp(e.target, "a b", 3) == 0);
    EXPECT_EQ_INT(e.mode, 0777);
    /* The mode's rwx only: s and t give x, S and T take it. */
    EXPECT_EQ_INT(ls("-rwsr-Sr-t    1 984      0               2 Dec 02 03:26 suid", &e, name, sizeof name), 0);
    EXPECT_EQ_INT(e.has_mode, 1);
    EXPECT_EQ_INT(e.mode, 0745);
    EXPECT_EQ_INT(ls("-r--------    1 984      0               2 Dec 02 03:26 ro", &e, name, sizeof name), 0);
    EXPECT_EQ_INT(e.mode, 0400);
    /* No group column, a year instead of a time, an ACL mark. */
    EXPECT_EQ_INT(ls("-rw-r--r--+ 1 owner 123456789012 Jan  5  2024 old.log", &e, name, sizeof name), 0);
    EXPECT_EQ_STR(name, "old.log");
    EXPECT_EQ_INT(e.size, 123456789012u);
    EXPECT_EQ_INT(ls("prw-r--r--    1 0 0 0 Jan 01 00:00 fifo", &e, name, sizeof name), 0);
    EXPECT_EQ_INT(e.kind, TREE_OTHER);
    /* Skipped. */
    EXPECT_EQ_INT(ls("total 12", &e, name, sizeof name), 1);
    EXPECT_EQ_INT(ls("drwxr-xr-x    3 984      0            4096 Dec 02 03:26 .", &e, name, sizeof name), 1);
    EXPECT_EQ_INT(ls("drwxr-xr-x    3 984      0            4096 Dec 02 03:26 ..", &e, name, sizeof name), 1);
    /* Refused. */
    EXPECT_EQ_INT(ls("-rw-r--r--    1 984      0               2 Dec 02 03:26  lead", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(ls("-rw-r--r--    1 984      0               2 Dec 02 03:26", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(ls("-rw-r--r--    1 984      0               2 Dec 02 03:26 ", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(ls("lrwxrwxrwx    1 984      0               3 Dec 02 03:26 a -> b -> c", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(ls("lrwxrwxrwx    1 984      0               3 Dec 02 03:26 nolink", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(ls("-rw-r--r--    1 984      0              -2 Dec 02 03:26 neg", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(ls("-rw-r--r--    1 984      0               2 Foo 02 03:26 month", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(ls("-rw-r--r--    1 984      0               2 Dec 02 3:26 time", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(ls("?rw-r--r--    1 984      0               2 Dec 02 03:26 kind", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(ls("-rw-r--r--x   1 984      0               2 Dec 02 03:26 mode", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(ls("04-05-24  10:00AM       <DIR>          dos", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(ls("total x", &e, name, sizeof name), -1);
    EXPECT_EQ_INT(ls("", &e, name, sizeof name), -1);
    /* A name that looks like a date is still the name. */
    EXPECT_EQ_INT(ls("-rw-r--r-- 1 12 2 Jan 01 00:00 Jan 01 00:00 x", &e, name, sizeof name), 0);
    EXPECT_EQ_STR(name, "Jan 01 00:00 x");
    EXPECT_EQ_INT(e.size, 2);
}

/* Links resolved inside a tree, as tree_links.c asks. */
struct known {
    const char *from, *to;
};
static const struct known KNOWN[] = { { "out", NULL }, { "sub/up", "sub/.." }, { "ld", "sub" },
                                      { "self", "self" }, { "sub/b", "sub/a" }, { "sub/a", "sub/.." },
                                      { "untold", "?" }, { "abs", NULL }, { "lnk", "other/deep" } };

/* Every folder is listed but those under "unlisted". */
static int known(void *arg, const char *path, size_t len, const char **to)
{
    (void)arg;
    for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++)
        if (strlen(KNOWN[i].from) == len && memcmp(KNOWN[i].from, path, len) == 0) {
            *to = KNOWN[i].to;
            return KNOWN[i].to != NULL && strcmp(KNOWN[i].to, "?") == 0 ? 2 : 1;
        }
    return len > 9 && memcmp(path, "unlisted/", 9) == 0 ? 3 : 0;
}

static void test_links(void)
{
    char out[256];
#define RESOLVE(top, folder, target) tree_link_resolve(top, folder, target, strlen(target), out, sizeof out)
    EXPECT_EQ_INT(RESOLVE(NULL, "", "f.txt"), WHERE_INSIDE);
    EXPECT_EQ_STR(out, "f.txt");
    /* ".." is kept: what it means depends on the links before it. */
    EXPECT_EQ_INT(RESOLVE(NULL, "a/b", "../c/./d//e"), WHERE_INSIDE);
    EXPECT_EQ_STR(out, "a/b/../c/d/e");
    EXPECT_EQ_INT(RESOLVE(NULL, "a", ".."), WHERE_INSIDE);
    EXPECT_EQ_STR(out, "a/..");
    EXPECT_EQ_INT(RESOLVE(NULL, "a", "../.."), WHERE_INSIDE);
    EXPECT_EQ_INT(tree_link_canonical(out, known, NULL, out, sizeof out), WHERE_OUTSIDE);
    EXPECT_EQ_INT(RESOLVE(NULL, "", "../tree/x"), WHERE_INSIDE);
    EXPECT_EQ_INT(tree_link_canonical(out, known, NULL, out, sizeof out), WHERE_OUTSIDE); /* out and back in */
    EXPECT_EQ_INT(RESOLVE(NULL, "", "/etc/passwd"), WHERE_OUTSIDE);
    EXPECT_EQ_INT(RESOLVE("/srv/tree", "", "/etc/passwd"), WHERE_OUTSIDE);
    EXPECT_EQ_INT(RESOLVE("/srv/tree", "a", "/srv/tree/b/c"), WHERE_INSIDE);
    EXPECT_EQ_STR(out, "b/c");
    EXPECT_EQ_INT(RESOLVE("/srv/tree/", "a", "/srv/tree"), WHERE_INSIDE);
    EXPECT_EQ_STR(out, "");
    EXPECT_EQ_INT(RESOLVE("/srv/tree", "a", "/srv/treetop/x"), WHERE_OUTSIDE);
    EXPECT_EQ_INT(RESOLVE("/srv/tree", "a", "/srv/tree/../x"), WHERE_INSIDE);
    EXPECT_EQ_STR(out, "../x");
    EXPECT_EQ_INT(tree_link_canonical(out, known, NULL, out, sizeof out), WHERE_OUTSIDE);
    EXPECT_EQ_INT(RESOLVE("/srv/tree", "a", "/srv/x/../tree/y"), WHERE_OUTSIDE); /* srv/x may be a link */
    /* A ".." above the root in the top's own path stays at the root. */
    EXPECT_EQ_INT(RESOLVE("/../a/b", "", "/etc"), WHERE_OUTSIDE);
    EXPECT_EQ_INT(RESOLVE("/../a/b", "", "/a/b/c"), WHERE_INSIDE);
    EXPECT_EQ_STR(out, "c");
    EXPECT_EQ_INT(RESOLVE("/", "", "/../x"), WHERE_INSIDE);
    EXPECT_EQ_STR(out, "x");
    EXPECT_EQ_INT(RESOLVE("/srv/tree", "a", "/../../srv/tree/x"), WHERE_INSIDE); /* "/.." is "/" */
    EXPECT_EQ_STR(out, "x");
    EXPECT_EQ_INT(RESOLVE("/", "a", "/x/y"), WHERE_INSIDE);
    EXPECT_EQ_STR(out, "x/y");
    EXPECT_EQ_INT(RESOLVE(NULL, "", ""), WHERE_BAD);
    EXPECT_EQ_INT(RESOLVE(NULL, "", "a\\b"), WHERE_INSIDE); /* a backslash is a byte like any */
    EXPECT_EQ_INT(tree_link_resolve(NULL, "", "a\nb", 3, out, sizeof out), WHERE_BAD);
    EXPECT_EQ_INT(tree_link_resolve(NULL, "", "a\0b", 3, out, sizeof out), WHERE_BAD);
    EXPECT_EQ_INT(tree_link_resolve(NULL, "abcdef", "ghijkl", 6, out, 8), WHERE_BAD); /* too long */
#undef RESOLVE
    /* Through the links already seen. */
    EXPECT_EQ_INT(tree_link_canonical("ld/x", known, NULL, out, sizeof out), WHERE_INSIDE);
    EXPECT_EQ_STR(out, "sub/x");
    EXPECT_EQ_INT(tree_link_canonical("ld/up/f", known, NULL, out, sizeof out), WHERE_INSIDE);
    EXPECT_EQ_STR(out, "f");
    EXPECT_EQ_INT(tree_link_canonical("out/passwd", known, NULL, out, sizeof out), WHERE_OUTSIDE);
    EXPECT_EQ_INT(tree_link_canonical("self/x", known, NULL, out, sizeof out), WHERE_LOOP);
    EXPECT_EQ_INT(tree_link_canonical("untold/x", known, NULL, out, sizeof out), WHERE_BAD);
    EXPECT_EQ_INT(tree_link_canonical("sub/b", known, NULL, out, sizeof out), WHERE_INSIDE); /* b -> a -> .. */
    EXPECT_EQ_STR(out, "");
    EXPECT_EQ_INT(tree_link_canonical("", known, NULL, out, sizeof out), WHERE_INSIDE);
    EXPECT_EQ_STR(out, "");
    EXPECT_EQ_INT(tree_link_canonical("subx/up", known, NULL, out, sizeof out), WHERE_INSIDE); /* no prefix match */
    EXPECT_EQ_STR(out, "subx/up");
    /* A ".." after a link applies to where the link leads (abs leads
     * out, lnk to other/deep), as the server has it. */
    EXPECT_EQ_INT(tree_link_canonical("abs/../secret.txt", known, NULL, out, sizeof out), WHERE_OUTSIDE);
    EXPECT_EQ_INT(tree_link_canonical("lnk/../s", known, NULL, out, sizeof out), WHERE_INSIDE);
    EXPECT_EQ_STR(out, "other/s");
    EXPECT_EQ_INT(tree_link_canonical("ld/../f", known, NULL, out, sizeof out), WHERE_INSIDE);
    EXPECT_EQ_STR(out, "f");
    EXPECT_EQ_INT(tree_link_canonical("../x", known, NULL, out, sizeof out), WHERE_OUTSIDE);
    /* Through a folder not listed yet: a link there could lead anywhere. */
    EXPECT_EQ_INT(tree_link_canonical("unlisted/inner/c", known, NULL, out, sizeof out), WHERE_BAD);
    EXPECT_EQ_INT(tree_link_canonical("unlisted", known, NULL, out, sizeof out), WHERE_INSIDE);
    /* Loops: a folder link to its own folder or one above. */
    EXPECT(tree_link_is_above("", "sub"));
    EXPECT(tree_link_is_above("sub", "sub"));
    EXPECT(tree_link_is_above("sub", "sub/deep"));
    EXPECT(!tree_link_is_above("sub", "subx"));
    EXPECT(!tree_link_is_above("sub/deep", "sub"));
}

int main(void)
{
    test_names();
    test_globs();
    test_entries();
    test_links();
    test_hashes();
    test_crc32();
    test_ls_lines();
    return expect_done("test_tree");
}
