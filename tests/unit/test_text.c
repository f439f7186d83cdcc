/* Unit tests of ASCII line-end conversion and subcommand splitting. */
#include "ascii.h"
#include "cmdline.h"
#include "expect.h"

static void to_local(void)
{
    char out[64];
    int cr = 0;
    size_t n = ascii_to_local("a\r\nb\r\n", 6, out, &cr);
    EXPECT_EQ_INT(n, 4);
    EXPECT(memcmp(out, "a\nb\n", 4) == 0);

    /* CR at the end of one buffer and LF at the start of the next. */
    cr = 0;
    n = ascii_to_local("x\r", 2, out, &cr);
    EXPECT_EQ_INT(n, 1);
    EXPECT_EQ_INT(cr, 1);
    n = ascii_to_local("\ny", 2, out, &cr);
    EXPECT_EQ_INT(n, 2);
    EXPECT(memcmp(out, "\ny", 2) == 0);

    /* A lone CR stays a CR, also at the very end. */
    cr = 0;
    n = ascii_to_local("a\rb\r", 4, out, &cr);
    EXPECT_EQ_INT(n, 3);
    EXPECT(memcmp(out, "a\rb", 3) == 0);
    EXPECT_EQ_INT(ascii_to_local_end(out, &cr), 1);
    EXPECT_EQ_INT(out[0], '\r');
    EXPECT_EQ_INT(ascii_to_local_end(out, &cr), 0);
}

static void to_network(void)
{
    char out[64];
    size_t n = ascii_to_network("a\nb\n\n", 5, out);
    EXPECT_EQ_INT(n, 8);
    EXPECT(memcmp(out, "a\r\nb\r\n\r\n", 8) == 0);
    EXPECT_EQ_INT(ascii_to_network("", 0, out), 0);
}

static void split(void)
{
    char storage[256];
    char *argv[CMDLINE_MAX_WORDS];
    const char *why;
    EXPECT_EQ_INT(cmdline_split("  put  a.txt   b.txt\n", storage, sizeof storage, argv, &why), 3);
    EXPECT_EQ_STR(argv[0], "put");
    EXPECT_EQ_STR(argv[2], "b.txt");
    EXPECT_EQ_INT(cmdline_split("get \"my file.txt\" out\r\n", storage, sizeof storage, argv, &why), 3);
    EXPECT_EQ_STR(argv[1], "my file.txt");
    EXPECT_EQ_INT(cmdline_split("cd \"a \\\"q\\\" b\"", storage, sizeof storage, argv, &why), 2);
    EXPECT_EQ_STR(argv[1], "a \"q\" b");
    EXPECT_EQ_INT(cmdline_split("# comment", storage, sizeof storage, argv, &why), 0);
    EXPECT_EQ_INT(cmdline_split("   \n", storage, sizeof storage, argv, &why), 0);
    EXPECT_EQ_INT(cmdline_split("get \"open", storage, sizeof storage, argv, &why), -1);
    EXPECT_CONTAINS(why, "quote");
    EXPECT_EQ_INT(cmdline_split("a b c d e f g h i j k l m n o p q", storage, sizeof storage, argv, &why), -1);
    char tiny[4];
    EXPECT_EQ_INT(cmdline_split("abcdef", tiny, sizeof tiny, argv, &why), -1);
}

/* Completion: what is typed so far, and what to insert so the name stays
 * one word when split again. */
static void completion_quoting(void)
{
    char w[64], out[64];
    size_t start;
    int q;
    EXPECT_EQ_INT(cmdline_word_at("get \"my fi", 11, w, sizeof w, &start, &q), 0);
    EXPECT_EQ_STR(w, "my fi");
    EXPECT_EQ_INT(start, 4);
    EXPECT_EQ_INT(q, 1);
    EXPECT_EQ_INT(cmdline_word_at("get ", 4, w, sizeof w, &start, &q), 0);
    EXPECT_EQ_STR(w, "");
    EXPECT_EQ_INT(start, 4);
    EXPECT_EQ_INT(q, 0);
    EXPECT_EQ_INT(cmdline_word_at("put a\"b\\\"c\" d", 16, w, sizeof w, &start, &q), 0);
    EXPECT_EQ_STR(w, "d");
    EXPECT_EQ_INT(cmdline_word_at("x \"a\\\\\"", 7, w, sizeof w, &start, &q), 0);
    EXPECT_EQ_STR(w, "a\\");
    EXPECT_EQ_INT(q, 0);
    EXPECT_EQ_INT(cmdline_word_at("x \"a\\\"", 6, w, sizeof w, &start, &q), 0);
    EXPECT_EQ_STR(w, "a\"");
    EXPECT_EQ_INT(q, 1);
    EXPECT_EQ_INT(cmdline_word_at("x aaaaaaaa", 10, w, 4, &start, &q), -1);

    EXPECT_EQ_INT(cmdline_quote_rest("plain.txt", 0, out, sizeof out), 0);
    EXPECT_EQ_STR(out, "plain.txt");
    EXPECT_EQ_INT(cmdline_quote_rest("my file.txt", 0, out, sizeof out), 0);
    EXPECT_EQ_STR(out, "\"my file.txt\"");
    EXPECT_EQ_INT(cmdline_quote_rest("le.txt", 1, out, sizeof out), 0);
    EXPECT_EQ_STR(out, "le.txt\"");
    EXPECT_EQ_INT(cmdline_quote_rest("a\"b\\c", 0, out, sizeof out), 0);
    EXPECT_EQ_STR(out, "\"a\\\"b\\\\c\"");
    EXPECT_EQ_INT(cmdline_quote_rest("abcdef", 0, out, 4), -1);

    /* Whatever the name, "get " + inserted text splits into get and the name. */
    const char *names[] = { "two words", "q\"uote", "back\\slash", "tab\there", "x" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char line[128], storage[128];
        char *argv[CMDLINE_MAX_WORDS];
        const char *why;
        EXPECT_EQ_INT(cmdline_quote_rest(names[i], 0, out, sizeof out), 0);
        snprintf(line, sizeof line, "get %s", out);
        EXPECT_EQ_INT(cmdline_split(line, storage, sizeof storage, argv, &why), 2);
        EXPECT_EQ_STR(argv[1], names[i]);
        /* And when the user had opened a quote and typed the first two bytes. */
        if (strcspn(names[i], "\"\\") < 2)
            continue;
        snprintf(line, sizeof line, "get \"%.2s", names[i]);
        EXPECT_EQ_INT(cmdline_quote_rest(names[i] + 2, 1, out, sizeof out), 0);
        size_t l = strlen(line);
        snprintf(line + l, sizeof line - l, "%s", out);
        EXPECT_EQ_INT(cmdline_split(line, storage, sizeof storage, argv, &why), 2);
        EXPECT_EQ_STR(argv[1], names[i]);
    }
}

int main(void)
{
    completion_quoting();
    to_local();
    to_network();
    split();
    return expect_done("test_text");
}
