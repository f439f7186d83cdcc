/* Unit tests of the URL and .netrc parsers. */
#include <sys/socket.h>

#include "common/net.h"
#include "ftpc/parse/netrc.h"
#include "ftpc/parse/url.h"
#include "tests/unit/expect.h"

static void urls(void)
{
    struct ftp_url u;
    const char *why;
    EXPECT_EQ_INT(url_parse("ftpes://alice@files.example.com/dir/report.csv", &u, &why), 0);
    EXPECT_EQ_INT(u.scheme, URL_FTPES);
    EXPECT_EQ_STR(u.user, "alice");
    EXPECT_EQ_INT(u.has_password, 0);
    EXPECT_EQ_STR(u.host, "files.example.com");
    EXPECT_EQ_INT(u.port, 0);
    EXPECT_EQ_STR(u.path, "dir/report.csv");
    EXPECT_EQ_INT(u.is_dir, 0);

    EXPECT_EQ_INT(url_parse("FTPS://bob%40corp:p%3Ass%2Fw@127.0.0.1:2121/%2Fetc/x%20y", &u, &why), 0);
    EXPECT_EQ_INT(u.scheme, URL_FTPS);
    EXPECT_EQ_STR(u.user, "bob@corp");
    EXPECT_EQ_STR(u.password, "p:ss/w");
    EXPECT_EQ_INT(u.port, 2121);
    EXPECT_EQ_STR(u.path, "/etc/x y");

    EXPECT_EQ_INT(url_parse("ftp://[::1]:21/up/", &u, &why), 0);
    EXPECT_EQ_STR(u.host, "::1");
    EXPECT_EQ_STR(u.path, "up/");
    EXPECT_EQ_INT(u.is_dir, 1);
    EXPECT_EQ_INT(url_parse("ftpes://host", &u, &why), 0);
    EXPECT_EQ_STR(u.path, "");
    EXPECT_EQ_INT(u.is_dir, 1);

    EXPECT_EQ_INT(url_parse("http://host/x", &u, &why), -1);
    EXPECT_EQ_INT(url_parse("ftp:///x", &u, &why), -1);
    EXPECT_EQ_INT(url_parse("ftp://host:0/x", &u, &why), -1);
    EXPECT_EQ_INT(url_parse("ftp://host:99999/x", &u, &why), -1);
    EXPECT_EQ_INT(url_parse("ftp://host:/x", &u, &why), -1);
    EXPECT_EQ_INT(url_parse("ftp://host/a%0D%0ADELE%20x", &u, &why), -1);
    EXPECT_CONTAINS(why, "CR or LF");

    /* Messages never show a URL's password. */
    char red[256];
    url_redact("ftpes://bob:s3cr%40t@host:2121/dir/a@b:c", red, sizeof red);
    EXPECT_EQ_STR(red, "ftpes://bob:****@host:2121/dir/a@b:c");
    url_redact("ftps://a:b@c@host/x", red, sizeof red);
    EXPECT_EQ_STR(red, "ftps://a:****@host/x");
    url_redact("ftpes://bob@host/x:y@z", red, sizeof red);
    EXPECT_EQ_STR(red, "ftpes://bob@host/x:y@z");
    url_redact("not a url:x@y", red, sizeof red);
    EXPECT_EQ_STR(red, "not a url:x@y");
    url_redact("ftp://u:p@h", red, 8);
    EXPECT_EQ_STR(red, "ftp://u");
    EXPECT_EQ_INT(url_parse("ftp://host/a%00b", &u, &why), -1);
    EXPECT_EQ_INT(url_parse("ftp://host/a%4", &u, &why), -1);
    EXPECT_EQ_INT(url_parse("ftp://host/a%zz", &u, &why), -1);
    EXPECT_EQ_INT(url_parse("ftp://[::1/x", &u, &why), -1);
    /* Brackets hold an IPv6 address only; after them a port or the path. */
    EXPECT_EQ_INT(url_parse("ftpes://[::1]/a.csv", &u, &why), 0);
    EXPECT_EQ_STR(u.host, "::1");
    EXPECT_EQ_INT(u.port, 0);
    EXPECT_EQ_INT(url_parse("ftpes://u@[fd00::2]:2121/", &u, &why), 0);
    EXPECT_EQ_STR(u.host, "fd00::2");
    EXPECT_EQ_INT(u.port, 2121);
    EXPECT_EQ_INT(url_parse("ftpes://[127.0.0.1]/x", &u, &why), -1);
    EXPECT_CONTAINS(why, "IPv6 address");
    EXPECT_EQ_INT(url_parse("ftpes://[host]/x", &u, &why), -1);
    EXPECT_EQ_INT(url_parse("ftpes://[]/x", &u, &why), -1);
    EXPECT_EQ_INT(url_parse("ftpes://[::1]x/y", &u, &why), -1);
    /* A glob stays in the path as it is (ftpc get matches its last part). */
    EXPECT_EQ_INT(url_parse("ftpes://h/reports/*.csv", &u, &why), 0);
    EXPECT_EQ_STR(u.path, "reports/*.csv");
    EXPECT_EQ_INT(url_parse("ftpes://h/r/%5Ba%5D?.csv", &u, &why), 0);
    EXPECT_EQ_STR(u.path, "r/[a]?.csv");
    /* HOST on the command line: [v6] as in URLs (common/net.h). */
    char bare[64];
    EXPECT_EQ_INT(net_host_unbracket("[::1]", bare, sizeof bare), 0);
    EXPECT_EQ_STR(bare, "::1");
    EXPECT_EQ_INT(net_host_unbracket("files.example.com", bare, sizeof bare), 0);
    EXPECT_EQ_STR(bare, "files.example.com");
    EXPECT_EQ_INT(net_host_unbracket("::1", bare, sizeof bare), 0);
    EXPECT_EQ_STR(bare, "::1");
    EXPECT_EQ_INT(net_host_unbracket("[::1", bare, sizeof bare), -1);
    EXPECT_EQ_INT(net_host_unbracket("::1]", bare, sizeof bare), -1);
    EXPECT_EQ_INT(net_host_unbracket("[127.0.0.1]", bare, sizeof bare), -1);
    EXPECT_EQ_INT(net_host_unbracket("[host]", bare, sizeof bare), -1);
    EXPECT_EQ_INT(net_host_unbracket("[::1]", bare, 3), -1);
    EXPECT_EQ_INT(net_set_family(AF_INET6), 0);
    EXPECT_EQ_INT(net_family(), AF_INET6);
    EXPECT_EQ_INT(net_set_family(12345), -1);
    EXPECT_EQ_INT(net_family(), AF_INET6);
    EXPECT_EQ_INT(net_set_family(AF_UNSPEC), 0);
    EXPECT(url_is_ftp("ftpes://x"));
    EXPECT(!url_is_ftp("sftp://x"));
}

static void netrc(void)
{
    struct netrc_entry n;
    const char *why;
    const char text[] =
        "machine other.example login o password op\n"
        "macdef init\ncd /tmp\nbinary\n\n"
        "machine files.example.com\n  login alice\n  password \"s3 cret\"\n"
        "default login anonymous password guest\n";
    EXPECT_EQ_INT(netrc_lookup(text, sizeof text - 1, "FILES.example.com", &n, &why), 1);
    EXPECT_EQ_STR(n.login, "alice");
    EXPECT_EQ_STR(n.password, "s3 cret");
    EXPECT_EQ_INT(netrc_lookup(text, sizeof text - 1, "other.example", &n, &why), 1);
    EXPECT_EQ_STR(n.login, "o");
    EXPECT_EQ_INT(netrc_lookup(text, sizeof text - 1, "unknown.example", &n, &why), 1);
    EXPECT_EQ_STR(n.login, "anonymous");

    const char nodefault[] = "machine a login x password y\n";
    EXPECT_EQ_INT(netrc_lookup(nodefault, sizeof nodefault - 1, "b", &n, &why), 0);
    const char bad[] = "login x\n";
    EXPECT_EQ_INT(netrc_lookup(bad, sizeof bad - 1, "a", &n, &why), -1);
    const char dangling[] = "machine a login\n";
    EXPECT_EQ_INT(netrc_lookup(dangling, sizeof dangling - 1, "a", &n, &why), -1);
    const char unknown[] = "machine a frobnicate x\n";
    EXPECT_EQ_INT(netrc_lookup(unknown, sizeof unknown - 1, "a", &n, &why), -1);
    EXPECT_EQ_INT(netrc_lookup("", 0, "a", &n, &why), 0);
}

int main(void)
{
    urls();
    netrc();
    return expect_done("test_url_netrc");
}
