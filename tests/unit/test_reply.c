/* Unit tests of the FTP reply parser. */
#include <stdlib.h>

#include "common/ftp_reply.h"
#include "tests/unit/expect.h"

static struct ftp_reply r;

static enum ftp_parse parse(const char *s, size_t *used)
{
    const char *why = NULL;
    *used = 0;
    return ftp_reply_parse(s, strlen(s), &r, used, &why);
}

static void single_line(void)
{
    size_t used;
    EXPECT_EQ_INT(parse("220 (vsFTPd 3.0.3)\r\n", &used), FTP_PARSE_OK);
    EXPECT_EQ_INT(r.code, 220);
    EXPECT_EQ_STR(r.text, "(vsFTPd 3.0.3)");
    EXPECT_EQ_INT(used, 20);

    /* Two replies in one read: only the first is taken. */
    EXPECT_EQ_INT(parse("331 Password\r\n230 OK\r\n", &used), FTP_PARSE_OK);
    EXPECT_EQ_INT(r.code, 331);
    EXPECT_EQ_INT(used, 14);

    /* A bare LF and a code with no text are accepted. */
    EXPECT_EQ_INT(parse("200 ok\n", &used), FTP_PARSE_OK);
    EXPECT_EQ_INT(r.code, 200);
    EXPECT_EQ_INT(parse("200\r\n", &used), FTP_PARSE_OK);
    EXPECT_EQ_STR(r.text, "");
}

static void multi_line(void)
{
    size_t used;
    const char *feat = "211-Features:\r\n EPRT\r\n EPSV\r\n211 End\r\n";
    EXPECT_EQ_INT(parse(feat, &used), FTP_PARSE_OK);
    EXPECT_EQ_INT(r.code, 211);
    EXPECT_EQ_STR(r.text, "Features:\n EPRT\n EPSV\nEnd");
    EXPECT_EQ_INT(used, strlen(feat));
    EXPECT_EQ_INT(r.lines, 4);

    /* A line inside that starts with another code does not end the reply. */
    EXPECT_EQ_INT(parse("230-Welcome\r\n220 not the end\r\n230-still\r\n230 done\r\n", &used),
                  FTP_PARSE_OK);
    EXPECT_EQ_INT(r.code, 230);
    EXPECT_EQ_STR(r.text, "Welcome\n220 not the end\nstill\ndone");

    /* Incomplete multi-line reply: more needed. */
    EXPECT_EQ_INT(parse("211-Features:\r\n EPSV\r\n", &used), FTP_PARSE_MORE);
    EXPECT_EQ_INT(parse("211-Features:\r\n211-x\r\n", &used), FTP_PARSE_MORE);
}

static void incomplete(void)
{
    size_t used;
    EXPECT_EQ_INT(parse("", &used), FTP_PARSE_MORE);
    EXPECT_EQ_INT(parse("22", &used), FTP_PARSE_MORE);
    EXPECT_EQ_INT(parse("220 hello", &used), FTP_PARSE_MORE);
    EXPECT_EQ_INT(parse("220 hello\r", &used), FTP_PARSE_MORE);
}

static void bad_input(void)
{
    size_t used;
    EXPECT_EQ_INT(parse("hello\r\n", &used), FTP_PARSE_BAD);
    EXPECT_EQ_INT(parse("22 short\r\n", &used), FTP_PARSE_BAD);
    EXPECT_EQ_INT(parse("999 out of range\r\n", &used), FTP_PARSE_BAD);
    EXPECT_EQ_INT(parse("099 out of range\r\n", &used), FTP_PARSE_BAD);
    EXPECT_EQ_INT(parse("220xtext\r\n", &used), FTP_PARSE_BAD);
    EXPECT_EQ_INT(parse("abc text\r\n", &used), FTP_PARSE_BAD);

    const char nul[] = "220 a\0b\r\n";
    const char *why = NULL;
    EXPECT_EQ_INT(ftp_reply_parse(nul, sizeof nul - 1, &r, &used, &why), FTP_PARSE_BAD);
    EXPECT_CONTAINS(why, "NUL");

    /* An over-long line is refused even before its end arrives. */
    size_t n = FTP_REPLY_LINE_MAX + 10;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    memcpy(big, "220 ", 4);
    big[n] = '\0';
    EXPECT_EQ_INT(ftp_reply_parse(big, n, &r, &used, &why), FTP_PARSE_BAD);
    EXPECT_CONTAINS(why, "line");
    free(big);

    /* A multi-line reply that never ends is refused at the total limit. */
    size_t lines = FTP_REPLY_MAX / 10 + 10;
    char *endless = malloc(lines * 10 + 16);
    size_t o = 0;
    memcpy(endless, "211-start\r\n", 11);
    o = 11;
    for (size_t i = 0; i < lines; i++) {
        memcpy(endless + o, " xxxxxxx\r\n", 10);
        o += 10;
    }
    EXPECT_EQ_INT(ftp_reply_parse(endless, o, &r, &used, &why), FTP_PARSE_BAD);
    free(endless);
}

static void long_text_is_cut(void)
{
    /* Many short lines: parsed, text kept up to its limit and terminated. */
    size_t lines = FTP_REPLY_TEXT_MAX / 8 + 100;
    char *s = malloc(lines * 8 + 32);
    size_t o = 0;
    memcpy(s, "214-help\r\n", 10);
    o = 10;
    for (size_t i = 0; i < lines; i++) {
        memcpy(s + o, " abcde\r\n", 8);
        o += 8;
    }
    memcpy(s + o, "214 end\r\n", 9);
    o += 9;
    size_t used;
    const char *why;
    EXPECT_EQ_INT(ftp_reply_parse(s, o, &r, &used, &why), FTP_PARSE_OK);
    EXPECT_EQ_INT(used, o);
    EXPECT(r.text_len < FTP_REPLY_TEXT_MAX);
    EXPECT_EQ_INT(strlen(r.text), r.text_len);
    free(s);
}

int main(void)
{
    single_line();
    multi_line();
    incomplete();
    bad_input();
    long_text_is_cut();
    return expect_done("test_reply");
}
