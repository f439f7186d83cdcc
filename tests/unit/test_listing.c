/* Unit tests of the MLSD and LIST line parsers. */
#include "ftpc/parse/listing.h"
#include "tests/unit/expect.h"

static int mlsd(const char *s, struct ftp_entry *e) { return ftp_parse_mlsd_line(s, strlen(s), e); }
static int list(const char *s, struct ftp_entry *e) { return ftp_parse_list_line(s, strlen(s), e); }

int main(void)
{
    struct ftp_entry e;
    EXPECT_EQ_INT(mlsd("type=file;size=1048576;modify=20261128003226;UNIX.mode=0644; big file.bin", &e), 0);
    EXPECT_EQ_STR(e.name, "big file.bin");
    EXPECT_EQ_INT(e.type, ENTRY_FILE);
    EXPECT_EQ_INT(e.size, 1048576);
    EXPECT_EQ_INT(mlsd("Type=dir;modify=20261128003231; sub", &e), 0);
    EXPECT_EQ_INT(e.type, ENTRY_DIR);
    EXPECT_EQ_INT(e.has_size, 0);
    EXPECT_EQ_INT(mlsd("type=cdir;sizd=4096; .", &e), 1);
    EXPECT_EQ_INT(mlsd("type=pdir; ..", &e), 1);
    EXPECT_EQ_INT(mlsd("type=OS.unix=symlink;size=5; link", &e), 0);
    EXPECT_EQ_INT(e.type, ENTRY_LINK);
    EXPECT_EQ_INT(mlsd("size=5; noType", &e), -1);
    EXPECT_EQ_INT(mlsd("type=file;size=x1; bad", &e), -1);
    EXPECT_EQ_INT(mlsd("type=file;size=99999999999999999999999; huge", &e), -1);
    EXPECT_EQ_INT(mlsd("type=file nameless", &e), -1);
    EXPECT_EQ_INT(mlsd("type=file; ../../etc/passwd", &e), -1); /* a name is one path element */
    EXPECT_EQ_INT(mlsd("type=file; ", &e), -1);
    EXPECT_EQ_INT(mlsd("", &e), -1);

    EXPECT_EQ_INT(list("-rw-r--r--    1 999      995       5242880 Nov 28 00:11 payload.bin", &e), 0);
    EXPECT_EQ_STR(e.name, "payload.bin");
    EXPECT_EQ_INT(e.size, 5242880);
    EXPECT_EQ_INT(e.type, ENTRY_FILE);
    EXPECT_EQ_INT(list("drwxr-xr-x    2 ftp      ftp          4096 Jan  1  2025 my dir", &e), 0);
    EXPECT_EQ_STR(e.name, "my dir");
    EXPECT_EQ_INT(e.type, ENTRY_DIR);
    EXPECT_EQ_INT(list("lrwxrwxrwx 1 root root 7 Nov 28 00:11 latest -> v2.tar", &e), 0);
    EXPECT_EQ_STR(e.name, "latest");
    EXPECT_EQ_INT(e.type, ENTRY_LINK);
    EXPECT_EQ_INT(list("-rw-r--r-- 1 owner 123 Nov 28 00:11 nogroup.txt", &e), 0);
    EXPECT_EQ_STR(e.name, "nogroup.txt");
    EXPECT_EQ_INT(e.size, 123);
    EXPECT_EQ_INT(list("total 12", &e), 1);
    EXPECT_EQ_INT(list("drwxr-xr-x 2 a b 4096 Nov 28 00:11 .", &e), 1);
    EXPECT_EQ_INT(list("garbage", &e), -1);
    EXPECT_EQ_INT(list("-rw-r--r-- 1 a b notanumber Nov 28 00:11 x", &e), -1);
    EXPECT_EQ_INT(list("-rw-r--r-- 1 a b 5 Nov 28", &e), -1);
    EXPECT_EQ_INT(list("", &e), -1);
    return expect_done("test_listing");
}
