/* cli_changes: the summary line and the change hooks of a write command. */
#ifndef TRUSTD_CLI_CLI_CHANGES_H
#define TRUSTD_CLI_CLI_CHANGES_H

#include <limits.h>

#include "trustd/cli/cli_internal.h"
#include "trustd/cli/hooks.h"

struct cli_hooks {
    struct hooks_conf conf;
    char store[PATH_MAX];   /* the store's absolute path, for TRUSTD_STORE */
};

/* Which hooks a run of trustd has: --hooks-dir, else $TRUSTD_HOOKS, else
 * (for the system store only) the system's folder; the time limit from
 * --hooks-timeout, else $TRUSTD_HOOKS_TIMEOUT, else 30 s. */
int cli_hooks_conf(const char *dir_opt, const char *timeout_opt, const char *store_path,
                   struct cli_hooks *h, struct err *e);

/* "changes": {"added": N, "removed": N, "updated": N, "unchanged": N}, as
 * the hooks and the JSON output (cli_json.c) give it. */
void cli_changes_counts_json(struct jw *j, const struct cli_changes *ch);

/* After the command: when one of its transactions committed, the line
 * "trustd: changed: N added, N removed, N updated, N unchanged" on stderr
 * (standard output keeps the command's own lines), then, when something
 * changed, the hooks. Frees what c->changes holds. */
void cli_changes_done(struct cli *c, struct cli_hooks *h);

#endif
