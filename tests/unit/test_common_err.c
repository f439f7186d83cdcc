/* Unit tests of common/err: messages, codes and prefixes, also at the
 * length limit (ERR_MSG_MAX). */
#include <stdlib.h>

#include "common/err.h"
#include "tests/unit/expect.h"

static void set_and_prefix(void)
{
    struct err e;
    err_clear(&e);
    EXPECT_EQ_INT(e.code, ERR_NONE);
    EXPECT_EQ_STR(e.msg, "");

    EXPECT_EQ_INT(err_set(&e, ERR_STORE, "trust store %s: %d problems", "/x/trust.db", 2), -1);
    EXPECT_EQ_INT(e.code, ERR_STORE);
    EXPECT_EQ_STR(e.msg, "trust store /x/trust.db: 2 problems");

    e.detail = ERR_DETAIL_TIMEOUT;
    err_set(&e, ERR_CONNECT, "lost");
    EXPECT_EQ_INT(e.detail, ERR_DETAIL_NONE); /* err_set resets the detail */

    EXPECT_EQ_INT(err_prefix(&e, "%s:%d", "host", 21), -1);
    EXPECT_EQ_STR(e.msg, "host:21: lost");
    EXPECT_EQ_INT(e.code, ERR_CONNECT); /* the prefix keeps the code */
    err_prefix(&e, "file %s", "a.txt");
    EXPECT_EQ_STR(e.msg, "file a.txt: host:21: lost");

    /* An empty message gets a prefix too. */
    err_set(&e, ERR_LOCAL, "%s", "");
    err_prefix(&e, "ctx");
    EXPECT_EQ_STR(e.msg, "ctx: ");

    /* NULL is allowed and still returns -1. */
    EXPECT_EQ_INT(err_set(NULL, ERR_USAGE, "x"), -1);
    EXPECT_EQ_INT(err_prefix(NULL, "x"), -1);
}

static void limits(void)
{
    static char big[ERR_MSG_MAX * 2];
    struct err e;

    /* A message longer than the buffer is cut, always terminated. */
    memset(big, 'm', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    err_set(&e, ERR_SERVER, "%s", big);
    EXPECT_EQ_INT(strlen(e.msg), ERR_MSG_MAX - 1);

    /* A full message with a prefix: the prefix stays whole, the end of the
     * old message is cut. */
    err_prefix(&e, "prefix");
    EXPECT_EQ_INT(strlen(e.msg), ERR_MSG_MAX - 1);
    EXPECT(strncmp(e.msg, "prefix: mmm", 11) == 0);
    EXPECT_EQ_INT(e.code, ERR_SERVER);

    /* Exactly filling: prefix + ": " + message == ERR_MSG_MAX - 1. */
    size_t old = ERR_MSG_MAX - 1 - 2 - 3;
    memset(big, 'o', old);
    big[old] = '\0';
    err_set(&e, ERR_LOCAL, "%s", big);
    err_prefix(&e, "abc");
    EXPECT_EQ_INT(strlen(e.msg), ERR_MSG_MAX - 1);
    EXPECT(strncmp(e.msg, "abc: ooo", 8) == 0);
    EXPECT_EQ_INT(e.msg[ERR_MSG_MAX - 2], 'o');
    /* One byte over: the last byte of the old message goes. */
    memset(big, 'o', old + 1);
    big[old + 1] = '\0';
    err_set(&e, ERR_LOCAL, "%s", big);
    err_prefix(&e, "abc");
    EXPECT_EQ_INT(strlen(e.msg), ERR_MSG_MAX - 1);

    /* A prefix as long as the buffer leaves ": " and no old text. */
    memset(big, 'p', ERR_MSG_MAX + 10);
    big[ERR_MSG_MAX + 10] = '\0';
    err_set(&e, ERR_LOCAL, "old");
    err_prefix(&e, "%s", big);
    EXPECT_EQ_INT(strlen(e.msg), ERR_MSG_MAX - 1);
    EXPECT_EQ_INT(e.msg[ERR_MSG_MAX - 3], ':');
    EXPECT_EQ_INT(e.msg[ERR_MSG_MAX - 2], ' ');
    EXPECT(strstr(e.msg, "old") == NULL);
}

static void wipe(void)
{
    char secret[16] = "hunter2";
    secret_wipe(secret, sizeof secret);
    for (size_t i = 0; i < sizeof secret; i++)
        EXPECT_EQ_INT(secret[i], 0);
}

int main(void)
{
    set_and_prefix();
    limits();
    wipe();
    return expect_done("test_common_err");
}
