/* Unit tests of telling a pattern from a name: tree_has_glob sees only
 * the *, ? and [ no backslash quotes, and tree_glob_unquote gives the
 * literal name back (a backslash before other bytes stays). */
#include <fnmatch.h>

#include "ftpc/parse/tree_glob.h"
#include "tests/unit/expect.h"

static const char *unquoted(const char *s)
{
    static char out[64];
    return tree_glob_unquote(s, out, sizeof out) == 0 ? out : "(too long)";
}

int main(void)
{
    EXPECT(tree_has_glob("*.csv"));
    EXPECT(tree_has_glob("a?b"));
    EXPECT(tree_has_glob("photo [1].jpg"));
    EXPECT(!tree_has_glob("report.csv"));
    EXPECT(!tree_has_glob("r \\[2024\\]"));
    EXPECT(!tree_has_glob("\\*\\?"));
    EXPECT(tree_has_glob("\\\\*"));          /* a quoted backslash, then a real * */
    EXPECT(!tree_has_glob("a]b"));           /* ] alone opens nothing */
    EXPECT(!tree_has_glob("dir\\name"));     /* a backslash before a plain byte */
    EXPECT(!tree_has_glob("end\\"));

    EXPECT_EQ_STR(unquoted("r \\[2024\\]"), "r [2024]");
    EXPECT_EQ_STR(unquoted("\\*\\?\\\\"), "*?\\");
    EXPECT_EQ_STR(unquoted("dir\\name"), "dir\\name");
    EXPECT_EQ_STR(unquoted("end\\"), "end\\");
    EXPECT_EQ_STR(unquoted("plain"), "plain");
    char small[4];
    EXPECT(tree_glob_unquote("abcd", small, sizeof small) == -1);
    EXPECT(tree_glob_unquote("abc", small, sizeof small) == 0);
    /* What unquote gives is what fnmatch takes the quoted pattern to mean. */
    EXPECT(fnmatch("r \\[2024\\]", unquoted("r \\[2024\\]"), 0) == 0);
    return expect_done("test_glob_quote");
}
