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

/* How the reasons name the two sides and the source's listing. */
struct sides {
    const char *src, *dst, *src_listing;
};

static const struct sides DOWNLOAD = { "on the server", "here", "the server's listing" };
static const struct sides UPLOAD = { "here", "on the server", "the local listing" };

static const struct sides *sides_of(unsigned flags)
{
    return (flags & PLAN_OPT_UPLOAD) ? &UPLOAD : &DOWNLOAD;
}

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
    /* An empty side may have no array at all: bsearch takes none. */
    return n > 0 ? bsearch(&key, v, n, sizeof *v, entry_cmp) : NULL;
}

/* NAME of "NAME.part", or 0 when name is no partial download's name. */
static size_t part_stem(const struct tree_entry *e)
{
    if (e->name_len <= PART_LEN || memcmp(e->name + e->name_len - PART_LEN, PART_SUFFIX, PART_LEN) != 0)
        return 0;
    return e->name_len - PART_LEN;
}

/* The source's file that the target's "NAME.part" is the partial
 * transfer of (NULL when l is none). */
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

/* A file on both sides: replaced, or skipped, and why (r the source's
 * entry, l the target's). */
static void compare_files(const struct tree_entry *r, const struct tree_entry *l, unsigned flags,
                          struct plan_action *a)
{
    const struct sides *w = sides_of(flags);
    if (flags & PLAN_OPT_ONLY_MISSING) {
        set(a, PLAN_SKIP, 0, "exists %s (--only-missing)", w->dst);
        return;
    }
    int times = r->has_mtime && l->has_mtime && !(flags & PLAN_OPT_IGNORE_TIME);
    int sizes = r->has_size && l->has_size;
    int sizes_differ = sizes && r->size != l->size;
    char rt[32], lt[32];
    if (times) {
        utc(r->mtime, rt, sizeof rt);
        utc(l->mtime, lt, sizeof lt);
    }
    if (times && (flags & (PLAN_OPT_ONLY_NEWER | PLAN_OPT_NO_TIME_SET))) {
        if (r->mtime > l->mtime)
            set(a, PLAN_REPLACE, 0, "newer %s (%s UTC, %s %s UTC)", w->src, rt, w->dst, lt);
        else if (!sizes_differ && (r->mtime == l->mtime || (flags & PLAN_OPT_NO_TIME_SET)))
            set(a, PLAN_SKIP, 0, "up to date");
        else if (flags & PLAN_OPT_ONLY_NEWER)
            set(a, PLAN_SKIP, 0, "not newer %s (--only-newer)", w->src);
        else
            set(a, PLAN_REPLACE, 0, "size differs (%" PRIu64 " bytes %s, %s %" PRIu64 ")", r->size, w->src,
                w->dst, l->size);
        return;
    }
    if (times && r->mtime != l->mtime)
        set(a, PLAN_REPLACE, 0, "modified (%s UTC %s, %s %s UTC)", rt, w->src, w->dst, lt);
    else if (sizes_differ)
        set(a, PLAN_REPLACE, 0, "size differs (%" PRIu64 " bytes %s, %s %" PRIu64 ")", r->size, w->src,
            w->dst, l->size);
    else if (times || sizes)
        set(a, PLAN_SKIP, 0, "up to date");
    else
        set(a, PLAN_SKIP, 0, "exists %s; the server gives no size or time to compare", w->dst);
}

static void append(struct plan_action *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void append(struct plan_action *a, const char *fmt, ...)
{
    size_t used = strlen(a->reason);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->reason + used, sizeof a->reason - used, fmt, ap);
    va_end(ap);
}

/* A transfer of r: continue NAME.part when it can be (shorter than the
 * source, and not older: a source changed since is sent again whole). */
static void consider_part(const struct tree_entry *r, const struct tree_entry *part, struct plan_action *a,
                          const struct sides *w, unsigned flags)
{
    if (part == NULL)
        return;
    const char *what = w == &UPLOAD ? "upload" : "download";
    /* A server's NAME.part may be anyone's: continued only where a hash
     * can show it holds the file's beginning. */
    if (flags & PLAN_OPT_NO_PART_CHECK)
        append(a, "; the old partial upload is started again (the server offers no hash to check it by)");
    else if (r->has_size && part->has_size && part->size < r->size &&
        (!r->has_mtime || !part->has_mtime || part->mtime >= r->mtime)) {
        a->part = part;
        append(a, "; continues the partial %s (%" PRIu64 " bytes)", what, part->size);
    } else {
        append(a, "; the old partial %s is started again", what);
    }
}

/* The target's NAME.part for the source's file r. */
static const struct tree_entry *part_of(const struct tree_entry *r, const struct tree_entry *target,
                                        size_t n_target)
{
    char part_name[PATH_MAX];
    if (r->name_len + PART_LEN >= sizeof part_name)
        return NULL;
    memcpy(part_name, r->name, r->name_len);
    memcpy(part_name + r->name_len, PART_SUFFIX, PART_LEN);
    const struct tree_entry *part = find(target, n_target, part_name, r->name_len + PART_LEN);
    /* Not a file: not ours to continue (the download will say why). */
    return part != NULL && part->kind == TREE_FILE ? part : NULL;
}

/* A link of the source that is not followed, and why: with
 * --follow-links (r->link set) each such link is also a notice. */
static void skip_link(const struct tree_entry *r, const struct sides *w, int upload, struct plan_action *a)
{
    switch (r->link) {
    case LINK_OUTSIDE:
        set(a, PLAN_SKIP, 0, "link %s leading outside the tree; not followed", w->src);
        break;
    case LINK_UNKNOWN:
        set(a, PLAN_SKIP, 0, "link %s whose target the server does not say (or is no path); not followed",
            w->src);
        break;
    case LINK_LOOP:
        set(a, PLAN_SKIP, 0, "link %s back to a folder above it (a loop); not followed", w->src);
        break;
    case LINK_BROKEN:
        set(a, PLAN_SKIP, 0, "link %s leading to nothing the server can list or send; not followed", w->src);
        break;
    default:
        if (upload)
            set(a, PLAN_SKIP, 0, "a symbolic link here (not followed; --follow-links follows it)");
        else
            set(a, PLAN_SKIP, 0, "link %s, not followed (--follow-links follows links inside the tree)", w->src);
        return;
    }
    a->notice = 1;
}

/* An entry of the source's listing (l: its namesake in the target, or NULL). */
static void plan_source(const struct tree_entry *r, const struct tree_entry *l, int duplicate,
                        const struct tree_entry *source, size_t n_source, const struct tree_entry *target,
                        size_t n_target, const struct plan_options *o, struct plan_action *a)
{
    memset(a, 0, sizeof *a);
    a->source = r;
    a->target = l;
    const struct sides *w = sides_of(o->flags);
    int upload = (o->flags & PLAN_OPT_UPLOAD) != 0;
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
        skip_link(r, w, upload, a);
        return;
    case TREE_OTHER:
        set(a, PLAN_SKIP, 0, "neither a file nor a folder %s", w->src);
        return;
    case TREE_FOLDER:
        /* A folder NAME.part beside a file NAME would stand where NAME's
         * transfers land: every one of them would fail. */
        if (part_stem(r) != 0) {
            const struct tree_entry *owner = find(source, n_source, r->name, part_stem(r));
            if (owner != NULL && owner->kind == TREE_FILE) {
                set(a, PLAN_SKIP, 1, "a folder named as the partial transfer (.part) of the file beside it; "
                    "rename it to mirror it");
                return;
            }
        }
        if (l == NULL)
            set(a, PLAN_DESCEND, 0, "new folder");
        else if (l->kind == TREE_FOLDER)
            set(a, PLAN_DESCEND, 0, "folder");
        else
            set(a, PLAN_SKIP, 1, "a folder %s, but %s %s", w->src, w->dst, kind_here(l->kind));
        if (r->link == LINK_FOLLOWED && a->act == PLAN_DESCEND)
            append(a, "; through a symbolic link");
        return;
    case TREE_FILE:
        break;
    }
    /* NAME.part is how a transfer lands (either way): never a file of
     * the tree itself, so never taken for one on a later run. */
    if (part_stem(r) != 0) {
        set(a, PLAN_SKIP, 0, "a partial transfer (.part), never mirrored as a file");
        return;
    }
    if (l != NULL && l->kind != TREE_FILE) {
        set(a, PLAN_SKIP, 1, "a file %s, but %s %s", w->src, w->dst, kind_here(l->kind));
        return;
    }
    const struct tree_entry *part = part_of(r, target, n_target);
    if (l == NULL) {
        set(a, PLAN_TRANSFER, 0, "new");
        consider_part(r, part, a, w, o->flags);
    } else {
        compare_files(r, l, o->flags, a);
        if (a->act == PLAN_REPLACE)
            consider_part(r, part, a, w, o->flags);
    }
    if (r->link == LINK_FOLLOWED)
        append(a, "; through a symbolic link");
}

/* An entry of the target only. */
static void plan_target(const struct tree_entry *l, const struct tree_entry *source, size_t n_source,
                        const struct plan_options *o, int delete_blocked, struct plan_action *a)
{
    memset(a, 0, sizeof *a);
    a->target = l;
    const struct sides *w = sides_of(o->flags);
    int del = (o->flags & PLAN_OPT_DELETE) != 0;
    char path[PATH_MAX];
    const char *name = tree_path(o->folder, l, path, sizeof path);
    char why[PLAN_REASON_MAX];
    const char *unsafe;
    if (find(source, n_source, l->name, l->name_len) != NULL)
        set(a, PLAN_SKIP, 1, "listed more than once %s; not deleted", w->dst);
    else if ((o->flags & PLAN_OPT_UPLOAD) && tree_name_check(l->name, l->name_len, &unsafe) != 0)
        set(a, del ? PLAN_SKIP : PLAN_KEEP, del, "unsafe name %s: it %s; not deleted", w->dst, unsafe);
    else if (name == NULL)
        set(a, PLAN_KEEP, 0, "not %s; path too long", w->src);
    else if (!tree_filter_takes(&o->filter, path, name, l->kind == TREE_FOLDER, why, sizeof why))
        set(a, PLAN_KEEP, 0, "not %s; %s", w->src, why);
    else if (!del)
        set(a, PLAN_KEEP, 0, "not %s (--delete removes it)", w->src);
    else if (delete_blocked)
        set(a, PLAN_KEEP, 0, "not %s; not deleted: %s had failures", w->src, w->src_listing);
    else if (l->kind == TREE_FOLDER)
        set(a, PLAN_DELETE, 0, "folder not %s, with all it holds", w->src);
    else
        set(a, PLAN_DELETE, 0, "not %s", w->src);
}

/* Whether any name of the source's listing is refused or listed twice. */
static int listing_has_failures(const struct tree_entry *source, size_t n)
{
    const char *why;
    for (size_t i = 0; i < n; i++)
        if (tree_name_check(source[i].name, source[i].name_len, &why) != 0 ||
            (i > 0 && entry_cmp(&source[i - 1], &source[i]) == 0))
            return 1;
    return 0;
}

size_t mirror_plan(struct tree_entry *source, size_t n_source, struct tree_entry *target,
                   size_t n_target, const struct plan_options *o, struct plan_action *out,
                   int *delete_blocked)
{
    if (n_source > 1)
        qsort(source, n_source, sizeof *source, entry_cmp);
    if (n_target > 1)
        qsort(target, n_target, sizeof *target, entry_cmp);
    *delete_blocked = listing_has_failures(source, n_source);
    size_t i = 0, j = 0, n = 0;
    while (i < n_source || j < n_target) {
        int c = i >= n_source ? 1 : j >= n_target ? -1 : entry_cmp(&source[i], &target[j]);
        if (c <= 0) {
            int duplicate = (i > 0 && entry_cmp(&source[i - 1], &source[i]) == 0) ||
                            (i + 1 < n_source && entry_cmp(&source[i], &source[i + 1]) == 0);
            const struct tree_entry *l = c == 0 ? &target[j] : NULL;
            plan_source(&source[i], l, duplicate, source, n_source, target, n_target, o, &out[n++]);
            i++;
            if (l != NULL && (i >= n_source || entry_cmp(&source[i], l) != 0))
                j++;
        } else {
            if (part_owner(&target[j], source, n_source) == NULL)
                plan_target(&target[j], source, n_source, o, *delete_blocked, &out[n++]);
            j++;
        }
    }
    return n;
}
