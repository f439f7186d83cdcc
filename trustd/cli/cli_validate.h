/* cli_validate: what validate and crl refresh both gather from the store. */
#ifndef TRUSTD_CLI_CLI_VALIDATE_H
#define TRUSTD_CLI_CLI_VALIDATE_H

#include <stddef.h>

#include "trustd/store/store.h"

/* The application app_id (NULL: every application, ordered by id) into a
 * new array; the caller frees *out. An unknown app_id is ERR_NOTFOUND. */
int cli_collect_apps(struct store *s, const char *app_id, struct store_app **out, size_t *n,
                     struct err *e);
/* The certificates app_id trusts now (store_app_effective) into a new array. */
int cli_collect_effective(struct store *s, const char *app_id, struct store_cert **out,
                          size_t *n, struct err *e);
/* Every CRL of the store into a new array. */
int cli_collect_crls(struct store *s, struct store_crl **out, size_t *n, struct err *e);
/* The CRL of issuer_id with the latest thisUpdate, or NULL. */
const struct store_crl *cli_newest_crl(const struct store_crl *crls, size_t n, int64_t issuer_id);

#endif
