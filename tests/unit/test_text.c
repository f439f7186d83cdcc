/* Unit tests of ASCII line-end conversion, subcommand splitting and option scanning. */
#include "ftpc/parse/ascii.h"
#include "ftpc/parse/cmdline.h"
#include "tests/unit/expect.h"

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

/* Splits line and scans its options with allowed; returns the new argc. */
static int scan(const char *line, const char *allowed, char **argv, unsigned *flags, const char **bad)
{
    static char storage[256];
    const char *why = NULL;
    int argc = cmdline_split(line, storage, sizeof storage, argv, &why);
    return cmdline_options(argc, argv, allowed, flags, bad);
}

static void options(void)
{
    char *argv[CMDLINE_MAX_WORDS];
    unsigned flags = 0;
    const char *bad = NULL;
    /* No options: nothing moves. */
    EXPECT_EQ_INT(scan("get a b", "f", argv, &flags, &bad), 3);
    EXPECT_EQ_INT(flags, 0);
    EXPECT_EQ_STR(argv[1], "a");
    EXPECT_EQ_STR(argv[2], "b");
    /* -f is taken out and noted. */
    EXPECT_EQ_INT(scan("get -f a b", "f", argv, &flags, &bad), 3);
    EXPECT_EQ_INT(flags, CMDLINE_OPT('f'));
    EXPECT_EQ_STR(argv[0], "get");
    EXPECT_EQ_STR(argv[1], "a");
    EXPECT_EQ_STR(argv[2], "b");
    EXPECT(argv[3] == NULL);
    /* -- ends the options: a name may start with '-' after it. */
    EXPECT_EQ_INT(scan("get -f -- -f -x", "f", argv, &flags, &bad), 3);
    EXPECT_EQ_INT(flags, CMDLINE_OPT('f'));
    EXPECT_EQ_STR(argv[1], "-f");
    EXPECT_EQ_STR(argv[2], "-x");
    EXPECT_EQ_INT(scan("delete -- -", "", argv, &flags, &bad), 2);
    EXPECT_EQ_STR(argv[1], "-");
    EXPECT_EQ_INT(scan("get -- --", "f", argv, &flags, &bad), 2);
    EXPECT_EQ_STR(argv[1], "--");
    /* "-" alone is a name (standard output or input), and ends the options. */
    EXPECT_EQ_INT(scan("get a -", "f", argv, &flags, &bad), 3);
    EXPECT_EQ_STR(argv[2], "-");
    EXPECT_EQ_INT(scan("put - -f", "", argv, &flags, &bad), 3);
    EXPECT_EQ_STR(argv[1], "-");
    EXPECT_EQ_STR(argv[2], "-f");
    /* Options only before the first name. */
    EXPECT_EQ_INT(scan("get a -f", "f", argv, &flags, &bad), 3);
    EXPECT_EQ_INT(flags, 0);
    EXPECT_EQ_STR(argv[2], "-f");
    /* Unknown letters, also in a group, and options where none are taken. */
    EXPECT_EQ_INT(scan("get -x a", "f", argv, &flags, &bad), -1);
    EXPECT_EQ_STR(bad, "-x");
    EXPECT_EQ_INT(scan("get -fx a", "f", argv, &flags, &bad), -1);
    EXPECT_EQ_STR(bad, "-fx");
    EXPECT_EQ_INT(scan("delete -f a", "", argv, &flags, &bad), -1);
    EXPECT_EQ_INT(scan("get --force a", "f", argv, &flags, &bad), -1);
    EXPECT_EQ_INT(scan("get -F a", "f", argv, &flags, &bad), -1);
    EXPECT_EQ_INT(scan("quote -f", NULL, argv, &flags, &bad), -1);
    /* Grouped letters. */
    EXPECT_EQ_INT(scan("x -ab c", "ab", argv, &flags, &bad), 2);
    EXPECT_EQ_INT(flags, CMDLINE_OPT('a') | CMDLINE_OPT('b'));
    /* Nothing after the options. */
    EXPECT_EQ_INT(scan("get -f", "f", argv, &flags, &bad), 1);
    EXPECT_EQ_INT(scan("get --", "f", argv, &flags, &bad), 1);
}

static void paren_option(void)
{
    char storage[256];
    char *argv[CMDLINE_MAX_WORDS];
    const char *why = NULL;
    int argc = cmdline_split("get a b (REPLACE", storage, sizeof storage, argv, &why);
    EXPECT_EQ_INT(cmdline_paren_option(&argc, argv, "REPLACE", 1), 1);
    EXPECT_EQ_INT(argc, 3);
    EXPECT(argv[3] == NULL);
    argc = cmdline_split("get a (replace)", storage, sizeof storage, argv, &why);
    EXPECT_EQ_INT(cmdline_paren_option(&argc, argv, "REPLACE", 1), 1);
    EXPECT_EQ_INT(argc, 2);
    /* Too few names left: it is a name. */
    argc = cmdline_split("get (REPLACE", storage, sizeof storage, argv, &why);
    EXPECT_EQ_INT(cmdline_paren_option(&argc, argv, "REPLACE", 1), 0);
    EXPECT_EQ_INT(argc, 2);
    /* Only the exact word. */
    argc = cmdline_split("get a (REPLACEX", storage, sizeof storage, argv, &why);
    EXPECT_EQ_INT(cmdline_paren_option(&argc, argv, "REPLACE", 1), 0);
    argc = cmdline_split("get a REPLACE", storage, sizeof storage, argv, &why);
    EXPECT_EQ_INT(cmdline_paren_option(&argc, argv, "REPLACE", 1), 0);
    argc = cmdline_split("get a (REPL", storage, sizeof storage, argv, &why);
    EXPECT_EQ_INT(cmdline_paren_option(&argc, argv, "REPLACE", 1), 0);
    argc = cmdline_split("get a (REPLACE))", storage, sizeof storage, argv, &why);
    EXPECT_EQ_INT(cmdline_paren_option(&argc, argv, "REPLACE", 1), 0);
    /* Not the last word: a name. */
    argc = cmdline_split("get (REPLACE b", storage, sizeof storage, argv, &why);
    EXPECT_EQ_INT(cmdline_paren_option(&argc, argv, "REPLACE", 1), 0);
    EXPECT_EQ_INT(argc, 3);
}

int main(void)
{
    completion_quoting();
    to_local();
    to_network();
    split();
    options();
    paren_option();
    return expect_done("test_text");
}
