/* Unit tests of the MLSD line parser. */
#include "ftpc/parse/listing.h"
#include "tests/unit/expect.h"

static int mlsd(const char *s, struct ftp_entry *e) { return ftp_parse_mlsd_line(s, strlen(s), e); }

int main(void)
{
    struct ftp_entry e;
    EXPECT_EQ_INT(mlsd("type=file;size=1048576;modify=20261128003226;UNIX.mode=0644; big file.bin", &e), 0);
    EXPECT_EQ_STR(e.name, "big file.bin");
    EXPECT_EQ_INT(e.type, ENTRY_FILE);
    EXPECT_EQ_INT(e.size, 1048576);
    EXPECT_EQ_INT(e.has_size, 1);
    EXPECT_EQ_INT(mlsd("Type=dir;modify=20261128003231; sub", &e), 0);
    EXPECT_EQ_INT(e.type, ENTRY_DIR);
    EXPECT_EQ_INT(e.has_size, 0);
    EXPECT_EQ_INT(mlsd("type=cdir;sizd=4096; .", &e), 1);
    EXPECT_EQ_INT(mlsd("type=pdir; ..", &e), 1);
    EXPECT_EQ_INT(mlsd("type=cdir; /a/full/path", &e), 1);
    EXPECT_EQ_INT(mlsd("type=OS.unix=symlink;size=5; link", &e), 0);
    EXPECT_EQ_INT(e.type, ENTRY_LINK);
    EXPECT_EQ_INT(mlsd("type=OS.unix=slink:/target; link", &e), 0);
    EXPECT_EQ_INT(e.type, ENTRY_LINK);
    EXPECT_EQ_INT(mlsd("type=OS.unix=blkdev; sda", &e), 0);
    EXPECT_EQ_INT(e.type, ENTRY_OTHER);
    EXPECT_EQ_INT(mlsd("size=5; noType", &e), -1);
    EXPECT_EQ_INT(mlsd("type=file;size=x1; bad", &e), -1);
    EXPECT_EQ_INT(mlsd("type=file;size=-1; negative", &e), -1);
    EXPECT_EQ_INT(mlsd("type=file;size=+5; plus", &e), -1);
    EXPECT_EQ_INT(mlsd("type=file;size=12abc; junk", &e), -1);
    EXPECT_EQ_INT(mlsd("type=file;size=; empty", &e), -1);
    EXPECT_EQ_INT(mlsd("type=file;size=99999999999999999999999; huge", &e), -1);
    EXPECT_EQ_INT(mlsd("type=file;size=18446744073709551615; max", &e), 0);
    EXPECT(e.size == UINT64_MAX);
    EXPECT_EQ_INT(mlsd("type=file;size=18446744073709551616; over", &e), -1);
    EXPECT_EQ_INT(mlsd("type=file;modify=20261328003226; month13", &e), -1);
    EXPECT_EQ_INT(mlsd("type=file nameless", &e), -1);
    EXPECT_EQ_INT(mlsd("type=file; ../../etc/passwd", &e), -1); /* a name is one path element */
    EXPECT_EQ_INT(mlsd("type=file; ", &e), -1);
    EXPECT_EQ_INT(mlsd("", &e), -1);
    return expect_done("test_listing");
}
