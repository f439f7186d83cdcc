/*
 * diagnose: why an application of the trust store trusts a server's chain
 * or refuses it, in the words an administrator acts on, and the trustd
 * commands that fix it (ready to paste, with the real application,
 * certificate and host). The one place that decides this wording: ftpc's
 * refusal message, `trustd verify` and `trustd probe` all come here.
 */
#ifndef TRUSTD_STORE_DIAGNOSE_H
#define TRUSTD_STORE_DIAGNOSE_H

#include <openssl/x509.h>

#include "common/err.h"
#include "trustd/store/store.h"

enum diag_cause {
    DIAG_TRUSTED,
    DIAG_ISSUER_UNKNOWN,   /* the CA that would complete the path is not in the store */
    DIAG_ISSUER_DISABLED,  /* it is in the store, disabled */
    DIAG_NOT_ON_LIST,      /* in the store, enabled, not on the application's trust list */
    DIAG_EXPIRED,
    DIAG_NOT_YET_VALID,
    DIAG_REVOKED,
    DIAG_NO_CRL,           /* the policy requires a CRL the store does not have */
    DIAG_CRL_EXPIRED,      /* the store's CRL is out of date */
    DIAG_HOST_MISMATCH,
    DIAG_CN_RULE,
    DIAG_WEAK,             /* key too small or signature digest too weak */
    DIAG_OTHER
};

/* What is judged and where the fix would be made. */
struct diag_target {
    const char *app_id;
    const char *host;  /* the name checked; NULL: none */
    unsigned port;     /* for the suggested probe; 0: none known */
    int implicit;      /* the server speaks implicit FTPS (probe --implicit) */
    int probing;       /* the diagnosis is trustd probe's own: it does not suggest a plain probe */
};

struct diagnosis {
    enum diag_cause cause;
    char summary[1024];       /* one sentence, no newline: the verdict's reason */
    char detail[6144];        /* indented lines, each ending in a newline: the
                               * certificate, the store, the cause's detail and
                               * the next commands */
    STACK_OF(X509) *path;     /* trusted: the path built, leaf first */
};

/* Judges chain (the server's certificate first, then what else it sent)
 * for t->app_id and t->host exactly as a client of the application would
 * (store_app_trust_anchors + chain_verify), and says why. Returns 0 (look
 * at d->cause), or -1 when it cannot judge at all (an unknown application,
 * an unreadable store). Free d with diagnosis_free. */
int diagnose_chain(struct store *s, const struct diag_target *t, STACK_OF(X509) *chain,
                   struct diagnosis *d, struct err *e);
void diagnosis_free(struct diagnosis *d);

/* For clients (ftpc): after a handshake refused the server's chain, opens
 * the store at path read-only, diagnoses the chain and sets e to an ERR_TLS
 * message of several lines: "server certificate for HOST not trusted:
 * REASON", then the detail. Returns 0 when e was set, -1 when no diagnosis
 * could be made or it found the chain trusted (then e is untouched). */
int diagnose_refusal(const char *path, const struct diag_target *t, STACK_OF(X509) *chain,
                     struct err *e);

#endif
