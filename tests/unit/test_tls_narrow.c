/* Unit tests of the TLS version narrowing (ftpc/parse/tls_narrow.h). */
#include "ftpc/parse/tls_narrow.h"
#include "tests/unit/expect.h"

static const char SHOW[] = "trustd app show ftp-client";

static int narrow(int amin, int amax, int cmin, int cmax, struct tls_versions *out, int *fmin,
                  int *fmax, struct err *e)
{
    struct tls_versions app = { amin, amax }, cli = { cmin, cmax };
    return tls_narrow_versions("ftp-client", SHOW, app, cli, out, fmin, fmax, e);
}

int main(void)
{
    struct tls_versions v;
    int fmin = -1, fmax = -1;
    struct err e;
    /* Nothing anywhere: the defaults, from the application. */
    EXPECT_EQ_INT(narrow(0, 0, 0, 0, &v, &fmin, &fmax, &e), 0);
    EXPECT_EQ_INT(v.min, 0);
    EXPECT_EQ_INT(v.max, 0);
    EXPECT_EQ_INT(fmin, 0);
    EXPECT_EQ_INT(fmax, 0);
    /* The application's bounds, when the command line names none. */
    EXPECT_EQ_INT(narrow(13, 0, 0, 0, &v, &fmin, &fmax, &e), 0);
    EXPECT_EQ_INT(v.min, 13);
    /* Narrowing: a higher minimum, a lower maximum. */
    EXPECT_EQ_INT(narrow(0, 0, 13, 0, &v, &fmin, &fmax, &e), 0);
    EXPECT_EQ_INT(v.min, 13);
    EXPECT_EQ_INT(fmin, 1);
    EXPECT_EQ_INT(fmax, 0);
    EXPECT_EQ_INT(narrow(12, 13, 0, 12, &v, &fmin, &fmax, &e), 0);
    EXPECT_EQ_INT(v.min, 12);
    EXPECT_EQ_INT(v.max, 12);
    EXPECT_EQ_INT(fmax, 1);
    /* The same bound as the application's is no widening. */
    EXPECT_EQ_INT(narrow(13, 13, 13, 13, &v, &fmin, &fmax, &e), 0);
    /* Widening is refused, naming the option, the application and its rule. */
    EXPECT_EQ_INT(narrow(13, 0, 0, 12, &v, &fmin, &fmax, &e), -1);
    EXPECT_EQ_INT(e.code, ERR_USAGE);
    EXPECT_EQ_STR(e.msg, "--tls-max 1.2: application ftp-client requires TLS 1.3 or newer "
                         "(trustd app show ftp-client)");
    EXPECT_EQ_INT(narrow(13, 0, 12, 0, &v, &fmin, &fmax, &e), -1);
    EXPECT_EQ_STR(e.msg, "--tls-min 1.2: application ftp-client requires TLS 1.3 or newer "
                         "(trustd app show ftp-client)");
    EXPECT_EQ_INT(narrow(0, 12, 13, 0, &v, &fmin, &fmax, &e), -1);
    EXPECT_EQ_STR(e.msg, "--tls-min 1.3: application ftp-client allows TLS 1.2 at most "
                         "(trustd app show ftp-client)");
    EXPECT_EQ_INT(narrow(12, 12, 0, 13, &v, &fmin, &fmax, &e), -1);
    EXPECT_EQ_STR(e.msg, "--tls-max 1.3: application ftp-client allows TLS 1.2 at most "
                         "(trustd app show ftp-client)");
    EXPECT_EQ_INT(narrow(0, 0, 13, 12, &v, &fmin, &fmax, &e), -1);
    EXPECT_EQ_STR(e.msg, "--tls-min 1.3 is above --tls-max 1.2");
    return expect_done("tls_narrow");
}
