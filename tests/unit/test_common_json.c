/* Unit tests of common/json: commas and nesting, RFC 8259 escaping, and
 * text that is not valid UTF-8 written as U+FFFD. */
#define _GNU_SOURCE /* open_memstream */
#include <stdlib.h>

#include "common/json.h"
#include "tests/unit/expect.h"

/* The document one string value makes. */
static char out[4096];

static const char *json_of_string(const char *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL)
        return "";
    struct jw j;
    jw_init(&j, f);
    jw_string(&j, s);
    fclose(f);
    snprintf(out, sizeof out, "%s", text ? text : "");
    free(text);
    return out;
}

static void escaping(void)
{
    EXPECT_EQ_STR(json_of_string(""), "\"\"");
    EXPECT_EQ_STR(json_of_string("plain text"), "\"plain text\"");
    EXPECT_EQ_STR(json_of_string("say \"hi\""), "\"say \\\"hi\\\"\"");
    EXPECT_EQ_STR(json_of_string("C:\\dir"), "\"C:\\\\dir\"");
    EXPECT_EQ_STR(json_of_string("a\nb\tc\rd"), "\"a\\nb\\tc\\rd\"");
    /* Every other control character as \u00XX; the escape sequence of a
     * terminal never reaches the output raw. */
    EXPECT_EQ_STR(json_of_string("\x1b[31mred"), "\"\\u001b[31mred\"");
    EXPECT_EQ_STR(json_of_string("\x01\x07\x1f"), "\"\\u0001\\u0007\\u001f\"");
    /* DEL and '/' need no escape in JSON. */
    EXPECT_EQ_STR(json_of_string("a/b\x7f"), "\"a/b\x7f\"");
}

static void utf8(void)
{
    /* Valid UTF-8 of 2, 3 and 4 bytes passes as it is. */
    EXPECT_EQ_STR(json_of_string("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
    EXPECT_EQ_STR(json_of_string("\xe2\x82\xac 5"), "\"\xe2\x82\xac 5\"");
    EXPECT_EQ_STR(json_of_string("\xf0\x9f\x94\x92"), "\"\xf0\x9f\x94\x92\"");
    /* A stray continuation byte, a lead byte that can never start a
     * character (C0, C1: overlong; F5..FF), a sequence cut short by the end
     * or by an ASCII byte: each invalid byte is one U+FFFD. */
    EXPECT_EQ_STR(json_of_string("a\x80z"), "\"a\\ufffdz\"");
    EXPECT_EQ_STR(json_of_string("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
    EXPECT_EQ_STR(json_of_string("\xf5\xff"), "\"\\ufffd\\ufffd\"");
    EXPECT_EQ_STR(json_of_string("end\xe2\x82"), "\"end\\ufffd\\ufffd\"");
    EXPECT_EQ_STR(json_of_string("\xc3" "A"), "\"\\ufffdA\"");
    EXPECT_EQ_STR(json_of_string("\xf0\x9f\x94" "x"), "\"\\ufffd\\ufffd\\ufffdx\"");
    /* The sequences the terminal escaping refuses are refused here too
     * (one decoder, common/utf8.c): a 3-byte overlong form, a surrogate,
     * a lead byte past F4 with continuation bytes, a code point past
     * U+10FFFF. */
    EXPECT_EQ_STR(json_of_string("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\"");
    EXPECT_EQ_STR(json_of_string("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
    EXPECT_EQ_STR(json_of_string("\xf5\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
    EXPECT_EQ_STR(json_of_string("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

static void structure(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    EXPECT(f != NULL);
    if (f == NULL)
        return;
    struct jw j;
    jw_init(&j, f);
    jw_begin_array(&j);
    jw_begin_object(&j);
    jw_kv_string(&j, "id", "ftp-client");
    jw_kv_int(&j, "count", -3);
    jw_kv_bool(&j, "defined", 1);
    jw_key(&j, "next");
    jw_null(&j);
    jw_key(&j, "apps");
    jw_begin_array(&j);
    jw_string(&j, "a");
    jw_string(&j, "b");
    jw_end_array(&j);
    jw_key(&j, "empty");
    jw_begin_object(&j);
    jw_end_object(&j);
    jw_end_object(&j);
    jw_begin_object(&j);
    jw_kv_bool(&j, "ok", 0);
    jw_kv_int(&j, "big", 9007199254740993LL);
    jw_end_object(&j);
    jw_int(&j, 0);
    jw_end_array(&j);
    jw_finish(&j);
    fclose(f);
    EXPECT_EQ_STR(text, "[{\"id\":\"ftp-client\",\"count\":-3,\"defined\":true,\"next\":null,"
                        "\"apps\":[\"a\",\"b\"],\"empty\":{}},{\"ok\":false,"
                        "\"big\":9007199254740993},0]\n");
    free(text);

    /* Keys are escaped like values. */
    text = NULL;
    f = open_memstream(&text, &len);
    EXPECT(f != NULL);
    if (f == NULL)
        return;
    jw_init(&j, f);
    jw_begin_object(&j);
    jw_kv_string(&j, "k\"\n", "v");
    jw_end_object(&j);
    fclose(f);
    EXPECT_EQ_STR(text, "{\"k\\\"\\n\":\"v\"}");
    free(text);
}

int main(void)
{
    escaping();
    utf8();
    structure();
    return expect_done("test_common_json");
}
