/* Unit tests of the facts parser of MLST and MLSD entries. */
#include "ftpc/parse/facts.h"
#include "tests/unit/expect.h"

static int facts(const char *s, struct ftp_facts *f) { return ftp_parse_facts(s, strlen(s), f); }

int main(void)
{
    struct ftp_facts f;
    EXPECT_EQ_INT(facts("type=file;size=12;modify=20261128003226.5;perm=adfrw;unique=803g4f0;UNIX.mode=0644;", &f), 0);
    EXPECT_EQ_INT(f.have, FTP_FACT_TYPE | FTP_FACT_SIZE | FTP_FACT_MODIFY | FTP_FACT_PERM | FTP_FACT_UNIQUE |
                              FTP_FACT_UNIX_MODE);
    EXPECT_EQ_INT(f.unix_mode, 0644);
    EXPECT_EQ_INT(f.type, ENTRY_FILE);
    EXPECT_EQ_INT(f.size, 12);
    EXPECT_EQ_INT(f.modify.year, 2026);
    EXPECT_EQ_INT(f.modify.second, 26);
    EXPECT_EQ_INT(f.perm, FTP_PERM('a') | FTP_PERM('d') | FTP_PERM('f') | FTP_PERM('r') | FTP_PERM('w'));
    EXPECT_EQ_STR(f.unique, "803g4f0");
    EXPECT_EQ_INT(facts("", &f), 0); /* an entry may have no facts */
    EXPECT_EQ_INT(f.have, 0);
    EXPECT_EQ_INT(facts("SIZE=7;Type=DIR;", &f), 0); /* names and types are case-insensitive */
    EXPECT_EQ_INT(f.type, ENTRY_DIR);
    EXPECT_EQ_INT(facts("perm=ELR;", &f), 0);
    EXPECT_EQ_INT(f.perm, FTP_PERM('e') | FTP_PERM('l') | FTP_PERM('r'));
    EXPECT_EQ_INT(facts("perm=;", &f), 0); /* no rights at all */
    EXPECT_EQ_INT(facts("type=pdir;", &f), 0);
    EXPECT_EQ_INT(f.listed_folder, 1);

    EXPECT_EQ_INT(facts("size=1;size=2;", &f), -1);   /* a fact twice */
    EXPECT_EQ_INT(facts("size= 5;", &f), -1);
    EXPECT_EQ_INT(facts("size=0x10;", &f), -1);
    EXPECT_EQ_INT(facts("type=;", &f), -1);
    EXPECT_EQ_INT(facts("perm=rwx;", &f), -1);        /* x is no RFC 3659 permission */
    EXPECT_EQ_INT(facts("unique=;", &f), -1);
    EXPECT_EQ_INT(facts("modify=2026112800322;", &f), -1);
    EXPECT_EQ_INT(facts("=x;", &f), -1);              /* no name */
    EXPECT_EQ_INT(facts("type=file", &f), -1);        /* no ';' */
    EXPECT_EQ_INT(facts("typefile;", &f), -1);        /* no '=' */
    EXPECT_EQ_INT(facts("type=file;x\x1b=1;", &f), -1);
    EXPECT_EQ_INT(facts("UNIX.owner=a\rb;", &f), -1);
    char longu[200];
    memset(longu, 'u', sizeof longu);
    memcpy(longu, "unique=", 7);
    longu[sizeof longu - 2] = ';';
    longu[sizeof longu - 1] = '\0';
    EXPECT_EQ_INT(facts(longu, &f), -1);

    const char *name;
    size_t n;
    const char *line = "type=file;size=3; /dir/with space";
    EXPECT_EQ_INT(ftp_parse_fact_line(line, strlen(line), &f, &name, &n), 0);
    EXPECT_EQ_INT(n, strlen("/dir/with space"));
    EXPECT(memcmp(name, "/dir/with space", n) == 0);
    EXPECT_EQ_INT(ftp_parse_fact_line(" only-a-name", 12, &f, &name, &n), 0);
    EXPECT_EQ_INT(f.have, 0);
    EXPECT_EQ_INT(ftp_parse_fact_line("type=file;", 10, &f, &name, &n), -1);
    EXPECT_EQ_INT(ftp_parse_fact_line("type=file; ", 11, &f, &name, &n), -1);

    EXPECT_EQ_INT(ftp_fact_bit("Modify", 6), FTP_FACT_MODIFY);
    EXPECT_EQ_INT(ftp_fact_bit("sizd", 4), 0);
    return expect_done("test_facts");
}
