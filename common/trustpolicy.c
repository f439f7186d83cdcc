/* trustpolicy: revocation policy on an X509_STORE. */
#include <stdint.h>
#include <string.h>

#include "trustpolicy.h"

static int policy_index = -1;

int trustpolicy_parse(const char *s)
{
    if (strcmp(s, "none") == 0)
        return TRUST_CRL_NONE;
    if (strcmp(s, "if-present") == 0)
        return TRUST_CRL_IF_PRESENT;
    if (strcmp(s, "required") == 0)
        return TRUST_CRL_REQUIRED;
    return -1;
}

const char *trustpolicy_name(enum trust_crl_policy p)
{
    switch (p) {
    case TRUST_CRL_NONE:       return "none";
    case TRUST_CRL_IF_PRESENT: return "if-present";
    case TRUST_CRL_REQUIRED:   return "required";
    default:                   return "?";
    }
}

int trustpolicy_apply(X509_STORE *xs, enum trust_crl_policy p)
{
    if (policy_index < 0)
        policy_index = X509_STORE_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    if (policy_index < 0 || !X509_STORE_set_ex_data(xs, policy_index, (void *)(intptr_t)(p + 1)))
        return -1;
    X509_STORE_set_verify_cb(xs, trustpolicy_filter);
    if (p != TRUST_CRL_NONE &&
        !X509_STORE_set_flags(xs, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL))
        return -1;
    return 0;
}

int trustpolicy_filter(int ok, X509_STORE_CTX *ctx)
{
    if (ok || policy_index < 0)
        return ok;
    X509_STORE *xs = X509_STORE_CTX_get0_store(ctx);
    intptr_t p = xs ? (intptr_t)X509_STORE_get_ex_data(xs, policy_index) - 1 : -1;
    if (p == TRUST_CRL_IF_PRESENT && X509_STORE_CTX_get_error(ctx) == X509_V_ERR_UNABLE_TO_GET_CRL) {
        X509_STORE_CTX_set_error(ctx, X509_V_OK);
        return 1;
    }
    return ok;
}
