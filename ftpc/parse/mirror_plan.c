/* mirror_plan: one folder's actions from its two listings. */
#include <inttypes.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ftpc/parse/mirror_plan.h"
#include "ftpc/parse/tree_name.h"

#define PART_SUFFIX ".part"
#define PART_LEN (sizeof PART_SUFFIX - 1)

const char *plan_act_name(enum plan_act a)
{
    static const char *const NAMES[] = { "transfer", "replace", "delete", "skip", "folder", "keep" };
    return NAMES[a];
}

static int name_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c != 0 ? c : an < bn ? -1 : an > bn;
}

static int entry_cmp(const void *x, const void *y)
{
    const struct tree_entry *a = x, *b = y;
    return name_cmp(a->name, a->name_len, b->name, b->name_len);
}

static const struct tree_entry *find(const struct tree_entry *v, size_t n, const char *name, size_t len)
{
    struct tree_entry key = { .name = name, .name_len = len };
    return bsearch(&key, v, n, sizeof *v, entry_cmp);
}

/* NAME of "NAME.part", or 0 when name is no partial download's name. */
static size_t part_stem(const struct tree_entry *e)
{
    if (e->name_len <= PART_LEN || memcmp(e->name + e->name_len - PART_LEN, PART_SUFFIX, PART_LEN) != 0)
        return 0;
    return e->name_len - PART_LEN;
}

/* The server's file that a local "NAME.part" is the partial download of. */
static const struct tree_entry *part_owner(const struct tree_entry *l, const struct tree_entry *remote,
                                           size_t n_remote)
{
    size_t stem = l->kind == TREE_FILE ? part_stem(l) : 0;
    const struct tree_entry *r = stem ? find(remote, n_remote, l->name, stem) : NULL;
    return r != NULL && r->kind == TREE_FILE ? r : NULL;
}

static const char *kind_here(enum tree_kind k)
{
    switch (k) {
    case TREE_FILE:   return "a file";
    case TREE_FOLDER: return "a folder";
    case TREE_LINK:   return "a symbolic link";
    default:          return "not a regular file";
    }
}

static void utc(int64_t t, char *buf, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        snprintf(buf, len, "%" PRId64, t);
}

static void set(struct plan_action *a, enum plan_act act, int failed, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set(struct plan_action *a, enum plan_act act, int failed, const char *fmt, ...)
{
    a->act = act;
    a->failed = failed;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->reason, sizeof a->reason, fmt, ap);
    va_end(ap);
}

/* The entry's path from the top of the tree into path ("folder/name"),
 * returning where its name starts there; NULL when it does not fit. */
static const char *tree_path(const char *folder, const struct tree_entry *e, char *path, size_t len)
{
    if (e->name_len >= len)
        return NULL;
    int w = snprintf(path, len, "%s%s%.*s", folder, folder[0] ? "/" : "", (int)e->name_len, e->name);
    if (w < 0 || (size_t)w >= len)
        return NULL;
    return path + (size_t)w - e->name_len;
}

/* A file on both sides: replaced, or skipped, and why. */
static void compare_files(const struct tree_entry *r, const struct tree_entry *l, unsigned flags,
                          struct plan_action *a)
{
    if (flags & PLAN_OPT_ONLY_MISSING) {
        set(a, PLAN_SKIP, 0, "exists here (--only-missing)");
        return;
    }
    int times = r->has_mtime && l->has_mtime && !(flags & PLAN_OPT_IGNORE_TIME);
    int sizes_differ = r->has_size && r->size != l->size;
    char rt[32], lt[32];
    if (times) {
        utc(r->mtime, rt, sizeof rt);
        utc(l->mtime, lt, sizeof lt);
    }
    if (times && (flags & PLAN_OPT_ONLY_NEWER)) {
        if (r->mtime > l->mtime)
            set(a, PLAN_REPLACE, 0, "newer on the server (%s UTC, here %s UTC)", rt, lt);
        else if (r->mtime == l->mtime && !sizes_differ)
            set(a, PLAN_SKIP, 0, "up to date");
        else
            set(a, PLAN_SKIP, 0, "not newer on the server (--only-newer)");
        return;
    }
    if (times && r->mtime != l->mtime)
        set(a, PLAN_REPLACE, 0, "modified (%s UTC on the server, here %s UTC)", rt, lt);
    else if (sizes_differ)
        set(a, PLAN_REPLACE, 0, "size differs (%" PRIu64 " bytes on the server, here %" PRIu64 ")",
            r->size, l->size);
    else if (times || r->has_size)
        set(a, PLAN_SKIP, 0, "up to date");
    else
        set(a, PLAN_SKIP, 0, "exists here; the server gives no size or time to compare");
}

/* A transfer of r: continue NAME.part when it can be. */
static void consider_part(const struct tree_entry *r, const struct tree_entry *part, struct plan_action *a)
{
    if (part == NULL)
        return;
    size_t used = strlen(a->reason);
    if (r->has_size && part->size < r->size && (!r->has_mtime || !part->has_mtime || part->mtime >= r->mtime)) {
        a->part = part;
        snprintf(a->reason + used, sizeof a->reason - used, "; continues the partial download (%" PRIu64
                 " bytes)", part->size);
    } else {
        snprintf(a->reason + used, sizeof a->reason - used, "; the old partial download is started again");
    }
}

/* An entry of the server's listing (l: its namesake here, or NULL). */
static void plan_remote(const struct tree_entry *r, const struct tree_entry *l, int duplicate,
                        const struct tree_entry *remote, size_t n_remote, const struct tree_entry *local,
                        size_t n_local, const struct plan_options *o, struct plan_action *a)
{
    memset(a, 0, sizeof *a);
    a->remote = r;
    a->local = l;
    const char *why;
    if (tree_name_check(r->name, r->name_len, &why) != 0) {
        set(a, PLAN_SKIP, 1, "unsafe name: it %s", why);
        return;
    }
    if (duplicate) {
        set(a, PLAN_SKIP, 1, "listed more than once by the server");
        return;
    }
    char path[PATH_MAX];
    const char *name = tree_path(o->folder, r, path, sizeof path);
    if (name == NULL) {
        set(a, PLAN_SKIP, 1, "path too long");
        return;
    }
    if (!tree_filter_takes(&o->filter, path, name, r->kind == TREE_FOLDER, a->reason, sizeof a->reason)) {
        a->act = PLAN_SKIP;
        return;
    }
    switch (r->kind) {
    case TREE_LINK:
        set(a, PLAN_SKIP, 0, "a symbolic link on the server (not followed)");
        return;
    case TREE_OTHER:
        set(a, PLAN_SKIP, 0, "neither a file nor a folder on the server");
        return;
    case TREE_FOLDER:
        if (l == NULL)
            set(a, PLAN_DESCEND, 0, "new folder");
        else if (l->kind == TREE_FOLDER)
            set(a, PLAN_DESCEND, 0, "folder");
        else
            set(a, PLAN_SKIP, 1, "a folder on the server, but here %s", kind_here(l->kind));
        return;
    case TREE_FILE:
        break;
    }
    size_t stem = part_stem(r);
    const struct tree_entry *owner = stem ? find(remote, n_remote, r->name, stem) : NULL;
    if (owner != NULL && owner->kind == TREE_FILE) {
        set(a, PLAN_SKIP, 1, "clashes with the partial download of the file without .part");
        return;
    }
    if (l != NULL && l->kind != TREE_FILE) {
        set(a, PLAN_SKIP, 1, "a file on the server, but here %s", kind_here(l->kind));
        return;
    }
    char part_name[PATH_MAX];
    const struct tree_entry *part = NULL;
    if (r->name_len + PART_LEN < sizeof part_name) {
        memcpy(part_name, r->name, r->name_len);
        memcpy(part_name + r->name_len, PART_SUFFIX, PART_LEN);
        part = find(local, n_local, part_name, r->name_len + PART_LEN);
        if (part != NULL && part->kind != TREE_FILE)
            part = NULL; /* not ours to continue: the download will say why */
    }
    if (l == NULL) {
        set(a, PLAN_TRANSFER, 0, "new");
        consider_part(r, part, a);
        return;
    }
    compare_files(r, l, o->flags, a);
    if (a->act == PLAN_REPLACE)
        consider_part(r, part, a);
}

static void plan_local(const struct tree_entry *l, const struct plan_options *o, int delete_blocked,
                       struct plan_action *a)
{
    memset(a, 0, sizeof *a);
    a->local = l;
    char path[PATH_MAX];
    const char *name = tree_path(o->folder, l, path, sizeof path);
    char why[PLAN_REASON_MAX];
    if (name == NULL)
        set(a, PLAN_KEEP, 0, "not on the server; path too long");
    else if (!tree_filter_takes(&o->filter, path, name, l->kind == TREE_FOLDER, why, sizeof why))
        set(a, PLAN_KEEP, 0, "not on the server; %s", why);
    else if (!(o->flags & PLAN_OPT_DELETE))
        set(a, PLAN_KEEP, 0, "not on the server (--delete removes it)");
    else if (delete_blocked)
        set(a, PLAN_KEEP, 0, "not on the server; not deleted: the server's listing had failures");
    else
        set(a, PLAN_DELETE, 0, l->kind == TREE_FOLDER ? "folder not on the server, with all it holds"
                                                      : "not on the server");
}

/* Whether any name of the server's listing is refused or listed twice. */
static int listing_has_failures(const struct tree_entry *remote, size_t n)
{
    const char *why;
    for (size_t i = 0; i < n; i++)
        if (tree_name_check(remote[i].name, remote[i].name_len, &why) != 0 ||
            (i > 0 && entry_cmp(&remote[i - 1], &remote[i]) == 0))
            return 1;
    return 0;
}

size_t mirror_plan(struct tree_entry *remote, size_t n_remote, struct tree_entry *local,
                   size_t n_local, const struct plan_options *o, struct plan_action *out,
                   int *delete_blocked)
{
    if (n_remote > 1)
        qsort(remote, n_remote, sizeof *remote, entry_cmp);
    if (n_local > 1)
        qsort(local, n_local, sizeof *local, entry_cmp);
    *delete_blocked = listing_has_failures(remote, n_remote);
    size_t i = 0, j = 0, n = 0;
    while (i < n_remote || j < n_local) {
        int c = i >= n_remote ? 1 : j >= n_local ? -1 : entry_cmp(&remote[i], &local[j]);
        if (c <= 0) {
            int duplicate = (i > 0 && entry_cmp(&remote[i - 1], &remote[i]) == 0) ||
                            (i + 1 < n_remote && entry_cmp(&remote[i], &remote[i + 1]) == 0);
            const struct tree_entry *l = c == 0 ? &local[j] : NULL;
            plan_remote(&remote[i], l, duplicate, remote, n_remote, local, n_local, o, &out[n++]);
            i++;
            if (l != NULL && (i >= n_remote || entry_cmp(&remote[i], l) != 0))
                j++;
        } else {
            if (part_owner(&local[j], remote, n_remote) == NULL)
                plan_local(&local[j], o, *delete_blocked, &out[n++]);
            j++;
        }
    }
    return n;
}
