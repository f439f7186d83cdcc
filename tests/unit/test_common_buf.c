/* Unit tests of common/buf: the hard maximum, NUL termination, consume. */
#include <stdint.h>
#include <stdlib.h>

#include "common/buf.h"
#include "tests/unit/expect.h"

static void limits(void)
{
    struct buf b;
    buf_init(&b, 10);
    EXPECT_EQ_INT(b.len, 0);
    EXPECT_EQ_INT(buf_append(&b, "0123456789", 10), 0); /* exactly the maximum */
    EXPECT_EQ_INT(b.len, 10);
    EXPECT_EQ_STR(b.data, "0123456789");
    /* One byte more is refused and the buffer is unchanged. */
    EXPECT_EQ_INT(buf_append(&b, "x", 1), -1);
    EXPECT_EQ_INT(b.len, 10);
    EXPECT_EQ_STR(b.data, "0123456789");
    /* Appending nothing is fine even when full. */
    EXPECT_EQ_INT(buf_append(&b, "", 0), 0);
    EXPECT_EQ_INT(b.len, 10);
    buf_free(&b);
    EXPECT(b.data == NULL);
    EXPECT_EQ_INT(b.max, 10); /* buf_free keeps the maximum */

    /* A length that would wrap size_t is refused, not wrapped. */
    buf_init(&b, SIZE_MAX);
    EXPECT_EQ_INT(buf_append(&b, "ab", 2), 0);
    EXPECT_EQ_INT(buf_append(&b, "c", SIZE_MAX - 1), -1);
    EXPECT_EQ_INT(b.len, 2);
    EXPECT_EQ_STR(b.data, "ab");
    buf_free(&b);

    /* More than the maximum at once, into an empty buffer. */
    buf_init(&b, 4);
    EXPECT_EQ_INT(buf_append(&b, "hello", 5), -1);
    EXPECT_EQ_INT(b.len, 0);
    buf_free(&b);
}

static void growth_and_consume(void)
{
    struct buf b;
    buf_init(&b, 100000);
    char chunk[1000];
    memset(chunk, 'a', sizeof chunk);
    for (int i = 0; i < 100; i++)
        EXPECT_EQ_INT(buf_append(&b, chunk, sizeof chunk), 0);
    EXPECT_EQ_INT(b.len, 100000);
    EXPECT(b.cap > b.len); /* room for the NUL */
    EXPECT_EQ_INT(b.data[b.len], '\0');
    EXPECT_EQ_INT(buf_append(&b, "x", 1), -1);

    buf_reset(&b);
    EXPECT_EQ_INT(b.len, 0);
    EXPECT_EQ_STR(b.data, "");
    EXPECT_EQ_INT(buf_append(&b, "220 hello\r\n230 ok\r\n", 19), 0);
    buf_consume(&b, 11);
    EXPECT_EQ_INT(b.len, 8);
    EXPECT_EQ_STR(b.data, "230 ok\r\n");
    /* Consuming more than there is empties the buffer. */
    buf_consume(&b, 50);
    EXPECT_EQ_INT(b.len, 0);
    EXPECT_EQ_STR(b.data, "");
    /* The space consumed is free again up to the maximum. */
    buf_free(&b);
    buf_init(&b, 8);
    EXPECT_EQ_INT(buf_append(&b, "12345678", 8), 0);
    buf_consume(&b, 3);
    EXPECT_EQ_INT(buf_append(&b, "abc", 3), 0);
    EXPECT_EQ_STR(b.data, "45678abc");
    EXPECT_EQ_INT(buf_append(&b, "z", 1), -1);
    buf_free(&b);

    /* Consume on a buffer that never held data. */
    buf_init(&b, 8);
    buf_consume(&b, 1);
    EXPECT_EQ_INT(b.len, 0);
    EXPECT(b.data == NULL);
    buf_free(&b);
}

int main(void)
{
    limits();
    growth_and_consume();
    return expect_done("test_common_buf");
}
