/* The fleet manifest parser: the good form, each way a manifest is wrong. */
#include <stdio.h>
#include <string.h>

#include "tests/unit/expect.h"
#include "trustd/store/fleet_manifest.h"

#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define GOOD "trustd-fleet-manifest 1\nserial 1767225600\ncreated 1767225600\n" \
             "not-after 1767830400\nsnapshot snapshot-1767225600.db\nsize 49152\n" \
             "sha256 " SHA "\nschema 6\non-stale warn\n"

static int parse(const char *text, struct fleet_manifest *m)
{
    struct err e;
    return fleet_manifest_parse((const unsigned char *)text, strlen(text), m, &e);
}

/* GOOD with its line starting with key replaced by line. */
static int parse_with(const char *key, const char *line)
{
    char text[1024], out[1200] = "";
    snprintf(text, sizeof text, "%s", GOOD);
    char *p = text;
    size_t used = 0;
    while (*p) {
        char *nl = strchr(p, '\n');
        size_t n = (size_t)(nl - p);
        if (strncmp(p, key, strlen(key)) == 0 && p[strlen(key)] == ' ')
            used += (size_t)snprintf(out + used, sizeof out - used, "%s", line);
        else
            used += (size_t)snprintf(out + used, sizeof out - used, "%.*s\n", (int)n, p);
        p = nl + 1;
    }
    struct fleet_manifest m;
    return parse(out, &m);
}

int main(void)
{
    struct fleet_manifest m;
    EXPECT_EQ_INT(parse(GOOD, &m), 0);
    EXPECT_EQ_INT(m.serial, 1767225600);
    EXPECT_EQ_INT(m.not_after, 1767830400);
    EXPECT_EQ_INT(m.size, 49152);
    EXPECT_EQ_INT(m.schema, 6);
    EXPECT_EQ_STR(m.snapshot, "snapshot-1767225600.db");
    EXPECT_EQ_STR(m.sha256, SHA);
    EXPECT_EQ_STR(m.on_stale, "warn");
    char text[FLEET_MANIFEST_MAX];
    EXPECT_EQ_INT(fleet_manifest_format(&m, text, sizeof text), (long long)strlen(GOOD));
    EXPECT_EQ_STR(text, GOOD);

    EXPECT_EQ_INT(parse_with("serial", "serial 0\n"), -1);
    EXPECT_EQ_INT(parse_with("serial", "serial -5\n"), -1);
    EXPECT_EQ_INT(parse_with("serial", "serial 012\n"), -1);
    EXPECT_EQ_INT(parse_with("serial", "serial 99999999999999999\n"), -1);
    EXPECT_EQ_INT(parse_with("serial", ""), -1);                       /* missing */
    EXPECT_EQ_INT(parse_with("serial", "serial 5\nserial 6\n"), -1);   /* twice */
    EXPECT_EQ_INT(parse_with("snapshot", "snapshot ../trust.db\n"), -1);
    EXPECT_EQ_INT(parse_with("snapshot", "snapshot .hidden\n"), -1);
    EXPECT_EQ_INT(parse_with("snapshot", "snapshot a/b\n"), -1);
    EXPECT_EQ_INT(parse_with("sha256", "sha256 " SHA "0\n"), -1);
    EXPECT_EQ_INT(parse_with("sha256", "sha256 0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\n"), -1);
    EXPECT_EQ_INT(parse_with("on-stale", "on-stale maybe\n"), -1);
    EXPECT_EQ_INT(parse_with("on-stale", "on-stale refuse\n"), 0);
    EXPECT_EQ_INT(parse_with("schema", "schema 0\n"), -1);
    EXPECT_EQ_INT(parse_with("size", "size 1\r\n"), -1);
    EXPECT_EQ_INT(parse_with("not-after", "not-after 1000\n"), -1);    /* before created */
    EXPECT_EQ_INT(parse_with("created", "created 1767225600\nextra 1\n"), -1);
    EXPECT_EQ_INT(parse("trustd-fleet-manifest 2\n", &m), -1);
    EXPECT_EQ_INT(parse("", &m), -1);
    char nonl[sizeof GOOD];
    memcpy(nonl, GOOD, sizeof GOOD);
    nonl[strlen(nonl) - 1] = '\0';
    EXPECT_EQ_INT(parse(nonl, &m), -1);
    struct err e;
    EXPECT_EQ_INT(fleet_manifest_parse((const unsigned char *)"trustd-fleet-manifest 1\nserial\0 1\n", 34, &m, &e), -1);
    /* A NUL inside the snapshot name: "a" as a C string, refused as bytes. */
    char nul[sizeof GOOD + 8];
    const char *at = strstr(GOOD, "snapshot-1767225600.db");
    size_t head = (size_t)(at - GOOD);
    memcpy(nul, GOOD, sizeof GOOD);
    nul[head + 1] = '\0';
    EXPECT_EQ_INT(fleet_manifest_parse((const unsigned char *)nul, strlen(GOOD), &m, &e), -1);
    EXPECT(strstr(e.msg, "NUL") != NULL);
    EXPECT(fleet_snapshot_name_ok("snapshot-1.db"));
    EXPECT(!fleet_snapshot_name_ok(""));
    return expect_done("test_fleet_manifest");
}
