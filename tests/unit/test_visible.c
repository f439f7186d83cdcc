/* Unit tests of the escaping of untrusted text for terminals. */
#include "common/visible.h"
#include "tests/unit/expect.h"

static const char *vis(const char *s, unsigned flags)
{
    static char out[256];
    visible_copy(out, sizeof out, s, strlen(s), flags);
    return out;
}

static void escapes(void)
{
    EXPECT_EQ_STR(vis("plain name.txt", 0), "plain name.txt");
    EXPECT_EQ_STR(vis("a\x1b[31mred", 0), "a\\x1b[31mred");
    EXPECT_EQ_STR(vis("bell\a", 0), "bell\\x07");
    EXPECT_EQ_STR(vis("del\x7f", 0), "del\\x7f");
    EXPECT_EQ_STR(vis("cr\rlf\n", 0), "cr\\x0dlf\\x0a");
    EXPECT_EQ_STR(vis("line1\nline2\r\n", VIS_KEEP_NL), "line1\nline2\\x0d\n");
    EXPECT_EQ_STR(vis("tab\tkept", 0), "tab\tkept");
    /* UTF-8 passes; C1 controls (U+009B CSI) and broken sequences do not. */
    EXPECT_EQ_STR(vis("caf\xc3\xa9 \xe2\x82\xac", 0), "caf\xc3\xa9 \xe2\x82\xac");
    EXPECT_EQ_STR(vis("x\xc2\x9b" "31m", 0), "x\\xc2\\x9b31m");
    EXPECT_EQ_STR(vis("\x9b" "2J", 0), "\\x9b2J");
    EXPECT_EQ_STR(vis("\xc3", 0), "\\xc3");
    EXPECT_EQ_STR(vis("\xc0\xaf", 0), "\\xc0\\xaf");         /* overlong '/' */
    EXPECT_EQ_STR(vis("\xed\xa0\x80", 0), "\\xed\\xa0\\x80"); /* surrogate */
    /* A NUL inside the given length is escaped too. */
    char out[32];
    EXPECT_EQ_INT(visible_copy(out, sizeof out, "a\0b", 3, 0), 6);
    EXPECT_EQ_STR(out, "a\\x00b");
}

static void bounded(void)
{
    char out[6];
    /* Needs 9 bytes; what fits ends before the escape, never inside it. */
    EXPECT_EQ_INT(visible_copy(out, sizeof out, "abc\x1b" "de", 6, 0), 9);
    EXPECT_EQ_STR(out, "abc");
    /* Never half a UTF-8 character. */
    EXPECT_EQ_INT(visible_copy(out, 5, "abc\xc3\xa9", 5, 0), 5);
    EXPECT_EQ_STR(out, "abc");
    EXPECT_EQ_INT(visible_copy(out, 0, "abc", 3, 0), 3);
    EXPECT(visible_is_clean("hello \xc3\xa9", 8, 0));
    EXPECT(!visible_is_clean("a\x1b", 2, 0));
    EXPECT(!visible_is_clean("a\n", 2, 0));
    EXPECT(visible_is_clean("a\n", 2, VIS_KEEP_NL));
    char buf[16];
    EXPECT_EQ_STR(visible_str(buf, sizeof buf, NULL), "");
}

int main(void)
{
    escapes();
    bounded();
    return expect_done("test_visible");
}
