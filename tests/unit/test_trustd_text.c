/* Unit tests of trustd's pure text helpers: fingerprint forms (certinfo_hex,
 * certinfo_colon_form, store_normalize_fingerprint) and audit --since
 * (since_parse). */
#include <stdint.h>

#include "common/certinfo.h"
#include "tests/unit/expect.h"
#include "trustd/store/since.h"
#include "trustd/store/store.h"

static void fingerprints(void)
{
    unsigned char md[32];
    for (int i = 0; i < 32; i++)
        md[i] = (unsigned char)(i * 37 + 10);
    char text[CERTINFO_COLON_SHA256], json[CERTINFO_HEX_SHA256];
    certinfo_hex(md, 32, 1, text, sizeof text);
    certinfo_hex(md, 32, 0, json, sizeof json);
    EXPECT_EQ_STR(text, "0A:2F:54:79:9E:C3:E8:0D:32:57:7C:A1:C6:EB:10:35:5A:7F:A4:C9:EE:13:38:5D:"
                        "82:A7:CC:F1:16:3B:60:85");
    EXPECT_EQ_STR(json, "0a2f54799ec3e80d32577ca1c6eb10355a7fa4c9ee13385d82a7ccf1163b6085");
    /* The stored form to the text form, and back through the input rule. */
    char back[CERTINFO_COLON_SHA256], norm[65];
    certinfo_colon_form(json, back);
    EXPECT_EQ_STR(back, text);
    EXPECT_EQ_INT(store_normalize_fingerprint(text, norm), 64);
    EXPECT_EQ_STR(norm, json);
    EXPECT_EQ_INT(store_normalize_fingerprint("0a:2F:54:79", norm), 8);
    EXPECT_EQ_STR(norm, "0a2f5479");
    EXPECT_EQ_INT(store_normalize_fingerprint("0A2F5479", norm), 8);
    EXPECT_EQ_STR(norm, "0a2f5479");
    EXPECT_EQ_INT(store_normalize_fingerprint("not hex", norm), -1);
    /* SHA-1: 20 bytes, the same two forms. */
    char sha1[64], sha1_json[64];
    certinfo_hex(md, 20, 1, sha1, sizeof sha1);
    certinfo_hex(md, 20, 0, sha1_json, sizeof sha1_json);
    EXPECT_EQ_STR(sha1, "0A:2F:54:79:9E:C3:E8:0D:32:57:7C:A1:C6:EB:10:35:5A:7F:A4:C9");
    EXPECT_EQ_STR(sha1_json, "0a2f54799ec3e80d32577ca1c6eb10355a7fa4c9");
    /* A short buffer holds whole bytes only. */
    char small[9];
    certinfo_hex(md, 32, 1, small, sizeof small);
    EXPECT_EQ_STR(small, "0A:2F:54");
    certinfo_hex(md, 32, 0, small, sizeof small);
    EXPECT_EQ_STR(small, "0a2f5479");
    char one[1] = { 'x' };
    certinfo_hex(md, 32, 1, one, sizeof one);
    EXPECT_EQ_STR(one, "");
}

static int64_t since(const char *s, int64_t now)
{
    int64_t out = -12345;
    return since_parse(s, now, &out) == 0 ? out : -1;
}

static void durations(void)
{
    const int64_t now = 1764331200; /* 2025-11-28T12:00:00Z */
    EXPECT_EQ_INT(since("30s", now), now - 30);
    EXPECT_EQ_INT(since("15m", now), now - 900);
    EXPECT_EQ_INT(since("12h", now), now - 43200);
    EXPECT_EQ_INT(since("7d", now), now - 604800);
    EXPECT_EQ_INT(since("0s", now), now);
    EXPECT_EQ_INT(since("1764300000", now), 1764300000);
    EXPECT_EQ_INT(since("0", now), 0);
    /* Dates, in UTC. */
    EXPECT_EQ_INT(since("2025-11-28", now), 1764288000);
    EXPECT_EQ_INT(since("2025-11-28T10:00", now), 1764324000);
    EXPECT_EQ_INT(since("2025-11-28T10:00:30", now), 1764324030);
    EXPECT_EQ_INT(since("2025-11-28 10:00:30", now), 1764324030);
    EXPECT_EQ_INT(since("2025-11-28T10:00:30Z", now), 1764324030);
    EXPECT_EQ_INT(since("1970-01-01", now), 0);
    EXPECT_EQ_INT(since("2024-02-29", now), 1709164800);
    EXPECT_EQ_INT(since("2000-03-01", now), 951868800);
    /* Refused. */
    const char *bad[] = { "", "s", "30x", "30ss", "-5m", "+5m", " 5m", "5 m", "1.5h", "yesterday",
                          "2025-13-01", "2025-02-29", "2025-11-31", "2025-11-28T24:00", "2025-11-28T10:60",
                          "2025-11-28T10", "2025-11-28X", "2025-1-28", "1969-12-31",
                          "99999999999999999999", "9999999999999999d" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t out = 7;
        int rc = since_parse(bad[i], now, &out);
        if (rc == 0)
            fprintf(stderr, "since_parse accepted '%s'\n", bad[i]);
        EXPECT(rc == -1 && out == 7);
    }
}

int main(void)
{
    fingerprints();
    durations();
    return expect_done("test_trustd_text");
}
