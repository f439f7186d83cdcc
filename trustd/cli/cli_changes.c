/*
 * cli_changes: the end of every write command: one line that sums up what
 * it changed, then the change hooks (hooks.h) with the change as JSON.
 */
#include <limits.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/certinfo.h"
#include "common/json.h"
#include "trustd/cli/cli_changes.h"

static const char *const KIND_NAMES[CHANGE_KINDS] = { "added", "removed", "updated", "unchanged" };

int cli_hooks_conf(const char *dir_opt, const char *timeout_opt, const char *store_path,
                   struct cli_hooks *h, struct err *e)
{
    memset(h, 0, sizeof *h);
    h->conf.timeout = HOOKS_TIMEOUT_DEFAULT;
    const char *t = timeout_opt ? timeout_opt : getenv(HOOKS_TIMEOUT_ENV);
    if (t != NULL && cli_seconds(timeout_opt ? "--hooks-timeout" : "$" HOOKS_TIMEOUT_ENV, t,
                                 HOOKS_TIMEOUT_MAX, &h->conf.timeout, e) != 0)
        return -1;
    const char *env = getenv(HOOKS_ENV);
    if (dir_opt != NULL && dir_opt[0] == '\0')
        return err_set(e, ERR_USAGE, "--hooks-dir takes a folder");
    /* Only the system store runs the system's hooks: a user's own store
     * runs only the hooks its user names. */
    if (dir_opt != NULL || (env != NULL && env[0] != '\0')) {
        h->conf.dir = dir_opt ? dir_opt : env;
        h->conf.dir_chosen = 1;
    } else if (strcmp(store_path, STORE_DEFAULT_PATH) == 0) {
        h->conf.dir = HOOKS_SYSTEM_DIR;
    }
    snprintf(h->store, sizeof h->store, "%s", store_path);
    h->conf.store = h->store;
    return 0;
}

void cli_changes_counts_json(struct jw *j, const struct cli_changes *ch)
{
    jw_key(j, "changes");
    jw_begin_object(j);
    for (int k = 0; k < CHANGE_KINDS; k++)
        jw_kv_int(j, KIND_NAMES[k], ch->count[k]);
    jw_end_object(j);
}

static void summary_line(const struct cli_changes *ch)
{
    fprintf(stderr, "trustd: changed: %ld added, %ld removed, %ld updated, %ld unchanged\n",
            ch->count[CHANGE_ADDED], ch->count[CHANGE_REMOVED], ch->count[CHANGE_UPDATED],
            ch->count[CHANGE_UNCHANGED]);
}

/* Each distinct value of a field among the changed items, as an array. */
static void distinct_array(struct jw *j, const char *key, const struct cli_changes *ch, size_t offset)
{
    jw_key(j, key);
    jw_begin_array(j);
    for (size_t i = 0; i < ch->n; i++) {
        const char *v = (const char *)&ch->items[i] + offset;
        int seen = v[0] == '\0' || ch->items[i].kind == CHANGE_UNCHANGED;
        for (size_t k = 0; k < i && !seen; k++)
            seen = ch->items[k].kind != CHANGE_UNCHANGED &&
                   strcmp((const char *)&ch->items[k] + offset, v) == 0;
        if (!seen)
            jw_string(j, v);
    }
    jw_end_array(j);
}

static void change_json(struct jw *j, const struct cli *c, const struct cli_hooks *h)
{
    const struct cli_changes *ch = &c->changes;
    char when[64], user[64];
    certinfo_format_iso((int64_t)time(NULL), when, sizeof when);
    struct passwd *pw = getpwuid(getuid());
    snprintf(user, sizeof user, "%s", pw ? pw->pw_name : "?");
    /* The application: the one every changed item names, if there is one. */
    const char *app = NULL;
    for (size_t i = 0; i < ch->n; i++) {
        if (ch->items[i].kind == CHANGE_UNCHANGED || ch->items[i].app[0] == '\0')
            continue;
        if (app != NULL && strcmp(app, ch->items[i].app) != 0) {
            app = NULL;
            break;
        }
        app = ch->items[i].app;
    }
    jw_begin_object(j);
    jw_kv_string(j, "action", c->action);
    jw_key(j, "application");
    if (app != NULL)
        jw_string(j, app);
    else
        jw_null(j);
    distinct_array(j, "fingerprints", ch, offsetof(struct cli_change, fingerprint));
    distinct_array(j, "labels", ch, offsetof(struct cli_change, label));
    jw_kv_string(j, "time", when);
    jw_kv_string(j, "user", user);
    jw_kv_int(j, "uid", (long long)getuid());
    jw_kv_string(j, "store", h->store);
    cli_changes_counts_json(j, ch);
    jw_key(j, "items");
    jw_begin_array(j);
    for (size_t i = 0; i < ch->n; i++) {
        const struct cli_change *it = &ch->items[i];
        jw_begin_object(j);
        jw_kv_string(j, "change", KIND_NAMES[it->kind]);
        jw_kv_string(j, "object", it->object);
        if (it->fingerprint[0] != '\0')
            jw_kv_string(j, "fingerprint", it->fingerprint);
        if (it->label[0] != '\0')
            jw_kv_string(j, "label", it->label);
        if (it->app[0] != '\0')
            jw_kv_string(j, "application", it->app);
        jw_end_object(j);
    }
    jw_end_array(j);
    jw_end_object(j);
    jw_finish(j);
}

void cli_changes_done(struct cli *c, struct cli_hooks *h)
{
    struct cli_changes *ch = &c->changes;
    if (ch->committed) {
        fflush(stdout);
        summary_line(ch);
    }
    long changed = ch->count[CHANGE_ADDED] + ch->count[CHANGE_REMOVED] + ch->count[CHANGE_UPDATED];
    if (ch->committed && changed > 0 && h->conf.dir != NULL) {
        /* The store exists now (a first import creates it): its absolute
         * path (the hooks run in /) and its owner. */
        char abs[PATH_MAX];
        if (realpath(h->store, abs) != NULL)
            snprintf(h->store, sizeof h->store, "%s", abs);
        struct stat sb;
        h->conf.store_owner = stat(h->store, &sb) == 0 ? sb.st_uid : 0;
        char *json = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&json, &len);
        if (f == NULL) {
            cli_warn("out of memory: the change hooks were not run");
        } else {
            struct jw j;
            jw_init(&j, f);
            change_json(&j, c, h);
            if (fclose(f) != 0)
                cli_warn("out of memory: the change hooks were not run");
            else
                hooks_run(&h->conf, json, len);
        }
        free(json);
    }
    free(ch->items);
    ch->items = NULL;
    ch->n = ch->cap = 0;
}
