/* trustpolicy: revocation policy on an X509_STORE. */
#include <stdint.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "trustd/store/trustpolicy.h"

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

/* 1 for a CRL error on an anchor that is not self-issued (an issuing CA
 * on a defined trust list, X509_V_FLAG_PARTIAL_CHAIN): OpenSSL's
 * CRL_CHECK_ALL looks for the CRL of its issuer, which is not in the path;
 * the store checks that anchor itself when it holds the issuer and its CRL
 * (trustd/store/store_apps.c). */
static int anchor_crl_error(X509_STORE_CTX *ctx, int err)
{
    if (err != X509_V_ERR_UNABLE_TO_GET_CRL && err != X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER &&
        err != X509_V_ERR_CRL_SIGNATURE_FAILURE && err != X509_V_ERR_CRL_HAS_EXPIRED &&
        err != X509_V_ERR_CRL_NOT_YET_VALID && err != X509_V_ERR_DIFFERENT_CRL_SCOPE)
        return 0;
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
    int depth = X509_STORE_CTX_get_error_depth(ctx);
    if (param == NULL || !(X509_VERIFY_PARAM_get_flags(param) & X509_V_FLAG_PARTIAL_CHAIN) ||
        chain == NULL || depth < 1 || depth != sk_X509_num(chain) - 1)
        return 0;
    X509 *top = sk_X509_value(chain, depth);
    return X509_check_issued(top, top) != X509_V_OK;
}

int trustpolicy_filter(int ok, X509_STORE_CTX *ctx)
{
    if (ok || policy_index < 0)
        return ok;
    X509_STORE *xs = X509_STORE_CTX_get0_store(ctx);
    intptr_t p = xs ? (intptr_t)X509_STORE_get_ex_data(xs, policy_index) - 1 : -1;
    int err = X509_STORE_CTX_get_error(ctx);
    if (anchor_crl_error(ctx, err)) {
        X509_STORE_CTX_set_error(ctx, X509_V_OK);
        return 1;
    }
    if (p == TRUST_CRL_IF_PRESENT && err == X509_V_ERR_UNABLE_TO_GET_CRL) {
        X509_STORE_CTX_set_error(ctx, X509_V_OK);
        return 1;
    }
    return ok;
}
