/* Unit tests of common/tls.h's cipher list checks (no connection). */
#include <string.h>

#include "common/tls.h"
#include "tests/unit/expect.h"

int main(void)
{
    char why[256];
    /* A list within another: every cipher it gives is one the other allows. */
    EXPECT_EQ_INT(tls_w_cipher_list_within("ECDHE-RSA-AES128-GCM-SHA256",
                                           "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384",
                                           0, why, sizeof why), 1);
    EXPECT_EQ_INT(tls_w_cipher_list_within("ECDHE+AESGCM", "ECDHE+AESGCM:ECDHE+CHACHA20", 0, why,
                                           sizeof why), 1);
    /* One cipher outside: named. */
    EXPECT_EQ_INT(tls_w_cipher_list_within("ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256",
                                           0, why, sizeof why), 0);
    EXPECT_EQ_STR(why, "ECDHE-RSA-AES256-GCM-SHA384 is not among them");
    /* A lower security level widens, whatever the ciphers. */
    EXPECT_EQ_INT(tls_w_cipher_list_within("ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0",
                                           "ECDHE-RSA-AES128-GCM-SHA256", 0, why, sizeof why), 0);
    EXPECT_CONTAINS(why, "lowers the security level to 0");
    /* TLS 1.3 suites are compared with suites only. */
    EXPECT_EQ_INT(tls_w_cipher_list_within("TLS_AES_128_GCM_SHA256",
                                           "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256", 1, why,
                                           sizeof why), 1);
    EXPECT_EQ_INT(tls_w_cipher_list_within("TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384", 1,
                                           why, sizeof why), 0);
    EXPECT_EQ_STR(why, "TLS_CHACHA20_POLY1305_SHA256 is not among them");
    /* A list OpenSSL takes nothing from: its reason. */
    EXPECT_EQ_INT(tls_w_cipher_list_within("NO-SUCH", "ECDHE+AESGCM", 0, why, sizeof why), 0);
    EXPECT(strlen(why) > 0);
    EXPECT_EQ_INT(tls_w_cipher_list_ok("ECDHE+AESGCM", 0, why, sizeof why), 1);
    EXPECT_EQ_INT(tls_w_cipher_list_ok("NO-SUCH", 0, why, sizeof why), 0);
    return expect_done("common_tls");
}
