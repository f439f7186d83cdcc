/* Unit tests of the EPSV and PASV parsers. */
#include "ftpc/parse/pasv.h"
#include "tests/unit/expect.h"

static void epsv(void)
{
    unsigned port = 0;
    EXPECT_EQ_INT(ftp_parse_epsv("Entering Extended Passive Mode (|||6446|)", &port), 0);
    EXPECT_EQ_INT(port, 6446);
    EXPECT_EQ_INT(ftp_parse_epsv("(!!!1!)", &port), 0);
    EXPECT_EQ_INT(port, 1);
    EXPECT_EQ_INT(ftp_parse_epsv("ok (|||65535|)", &port), 0);
    EXPECT_EQ_INT(port, 65535);

    EXPECT_EQ_INT(ftp_parse_epsv("no parenthesis |||21|", &port), -1);
    EXPECT_EQ_INT(ftp_parse_epsv("(|||0|)", &port), -1);
    EXPECT_EQ_INT(ftp_parse_epsv("(|||65536|)", &port), -1);
    EXPECT_EQ_INT(ftp_parse_epsv("(|||999999|)", &port), -1);
    EXPECT_EQ_INT(ftp_parse_epsv("(||||)", &port), -1);
    EXPECT_EQ_INT(ftp_parse_epsv("(|||21)", &port), -1);
    EXPECT_EQ_INT(ftp_parse_epsv("(|1|127.0.0.1|21|)", &port), -1);
    EXPECT_EQ_INT(ftp_parse_epsv("(1112)", &port), -1);
    EXPECT_EQ_INT(ftp_parse_epsv("(", &port), -1);
    EXPECT_EQ_INT(ftp_parse_epsv("", &port), -1);
}

static void pasv(void)
{
    unsigned char a[4];
    unsigned port = 0;
    EXPECT_EQ_INT(ftp_parse_pasv("Entering Passive Mode (127,0,0,1,234,96).", a, &port), 0);
    EXPECT_EQ_INT(port, 234 * 256 + 96);
    EXPECT_EQ_INT(a[0], 127);
    EXPECT_EQ_INT(a[3], 1);
    /* Without parentheses, as some servers send it. */
    EXPECT_EQ_INT(ftp_parse_pasv("Entering Passive Mode 10,1,2,3,0,21", a, &port), 0);
    EXPECT_EQ_INT(port, 21);

    EXPECT_EQ_INT(ftp_parse_pasv("(127,0,0,1,256,1)", a, &port), -1);
    EXPECT_EQ_INT(ftp_parse_pasv("(127,0,0,1,0,0)", a, &port), -1);
    EXPECT_EQ_INT(ftp_parse_pasv("(300,0,0,1,4,1)", a, &port), -1);
    EXPECT_EQ_INT(ftp_parse_pasv("(127,0,0,1,4)", a, &port), -1);
    EXPECT_EQ_INT(ftp_parse_pasv("(127,0,0,1,4,)", a, &port), -1);
    EXPECT_EQ_INT(ftp_parse_pasv("(127,0,0,1,0004,1)", a, &port), -1);
    EXPECT_EQ_INT(ftp_parse_pasv("no numbers", a, &port), -1);
    EXPECT_EQ_INT(ftp_parse_pasv("", a, &port), -1);
}

int main(void)
{
    epsv();
    pasv();
    return expect_done("test_pasv");
}
