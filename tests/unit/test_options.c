/* Unit tests of the option parser both programs use (common/options.h). */
#include <string.h>

#include "common/options.h"
#include "tests/unit/expect.h"

struct settings {
    int json, passive, help;
    const char *app, *store;
};

#define OPTS(s)                                              \
    {                                                        \
        { "--json", OPT_FLAG, &(s).json, NULL },             \
        { "--active", OPT_UNSET, &(s).passive, NULL },       \
        { "--help", OPT_STOP, &(s).help, NULL },             \
        { "--app", OPT_VALUE, NULL, &(s).app },              \
        { "-s", OPT_VALUE, NULL, &(s).store },               \
        { NULL, OPT_FLAG, NULL, NULL },                      \
    }

static void anywhere(void)
{
    struct settings s = { .passive = 1 };
    const struct opt opts[] = OPTS(s);
    char *argv[] = { "a", "--json", "--app=web", "-", "--active", "--", "--json", NULL };
    char *pos[OPTIONS_MAX_POS];
    int npos = -1;
    struct err e;
    err_clear(&e);
    EXPECT_EQ_INT(options_parse(7, argv, opts, pos, &npos, &e), 0);
    EXPECT_EQ_INT(s.json, 1);
    EXPECT_EQ_INT(s.passive, 0);
    EXPECT_EQ_STR(s.app, "web");
    EXPECT_EQ_INT(npos, 3);
    EXPECT_EQ_STR(pos[0], "a");
    EXPECT_EQ_STR(pos[1], "-");
    EXPECT_EQ_STR(pos[2], "--json");
}

static void errors(void)
{
    struct settings s = { 0 };
    const struct opt opts[] = OPTS(s);
    char *pos[OPTIONS_MAX_POS];
    int npos;
    struct err e;
    char *bogus[] = { "--bogus", NULL };
    EXPECT_EQ_INT(options_parse(1, bogus, opts, pos, &npos, &e), -1);
    EXPECT_EQ_INT(e.code, ERR_USAGE);
    EXPECT_EQ_STR(e.msg, "unknown option --bogus");
    char *novalue[] = { "x", "--app", NULL };
    EXPECT_EQ_INT(options_parse(2, novalue, opts, pos, &npos, &e), -1);
    EXPECT_EQ_STR(e.msg, "option --app needs a value");
    char *flagvalue[] = { "--json=1", NULL };
    EXPECT_EQ_INT(options_parse(1, flagvalue, opts, pos, &npos, &e), -1);
    EXPECT_EQ_STR(e.msg, "option --json takes no value");
    /* "=" belongs to long options only: "-s=x" is no option of the table. */
    char *shorteq[] = { "-s=x", NULL };
    EXPECT_EQ_INT(options_parse(1, shorteq, opts, pos, &npos, &e), -1);
    EXPECT_EQ_STR(e.msg, "unknown option -s=x");
    /* No table: every option is unknown. */
    EXPECT_EQ_INT(options_parse(1, flagvalue, NULL, pos, &npos, &e), -1);
    EXPECT_EQ_STR(e.msg, "unknown option --json=1");
}

static void in_front(void)
{
    struct settings s = { .passive = 1 };
    const struct opt opts[] = OPTS(s);
    struct err e;
    int next = -1;
    char *argv[] = { "-s", "db", "--json", "host", "--bogus", NULL };
    EXPECT_EQ_INT(options_front(5, argv, opts, &next, &e), 0);
    EXPECT_EQ_INT(next, 3);
    EXPECT_EQ_STR(s.store, "db");
    EXPECT_EQ_INT(s.json, 1);
    char *dashes[] = { "--", "--json", NULL };
    EXPECT_EQ_INT(options_front(2, dashes, opts, &next, &e), 0);
    EXPECT_EQ_INT(next, 1);
    /* --help ends the options: what follows is not read. */
    char *help[] = { "--help", "--bogus", NULL };
    EXPECT_EQ_INT(options_front(2, help, opts, &next, &e), 0);
    EXPECT_EQ_INT(s.help, 1);
    EXPECT_EQ_INT(next, 1);
    char *none[] = { NULL };
    EXPECT_EQ_INT(options_front(0, none, opts, &next, &e), 0);
    EXPECT_EQ_INT(next, 0);
    char *bad[] = { "--bogus", "host", NULL };
    EXPECT_EQ_INT(options_front(2, bad, opts, &next, &e), -1);
    EXPECT_EQ_STR(e.msg, "unknown option --bogus");
}

/* A repeatable option keeps every value in order, up to its limit. */
static void repeated(void)
{
    const char *vals[OPTIONS_MAX_REPEAT];
    int n = 0;
    const struct opt opts[] = {
        { "--unset", OPT_REPEAT, &n, vals },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    char *argv[] = { "id", "--unset", "sni", "--unset=ciphers", NULL };
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    struct err e;
    EXPECT_EQ_INT(options_parse(4, argv, opts, pos, &npos, &e), 0);
    EXPECT_EQ_INT(n, 2);
    EXPECT_EQ_STR(vals[0], "sni");
    EXPECT_EQ_STR(vals[1], "ciphers");
    EXPECT_EQ_INT(npos, 1);
    char *many[2 * OPTIONS_MAX_REPEAT + 2];
    for (int i = 0; i <= OPTIONS_MAX_REPEAT; i++) {
        many[2 * i] = "--unset";
        many[2 * i + 1] = "sni";
    }
    n = 0;
    EXPECT_EQ_INT(options_parse(2 * OPTIONS_MAX_REPEAT + 2, many, opts, pos, &npos, &e), -1);
    EXPECT_CONTAINS(e.msg, "--unset given more than");
}

int main(void)
{
    anywhere();
    repeated();
    errors();
    in_front();
    return expect_done("options");
}
