/* Unit tests of the mirror plan: every rule of mirror_plan.h, from two
 * listings of one folder. */
#include "ftpc/parse/mirror_plan.h"
#include "tests/unit/expect.h"

#define T0 1795825946 /* 2026-11-28 00:32:26 UTC */

static struct tree_entry file(const char *name, uint64_t size, int64_t mtime)
{
    return (struct tree_entry){ .name = name, .name_len = strlen(name), .kind = TREE_FILE,
                                .has_size = 1, .size = size, .has_mtime = 1, .mtime = mtime };
}

static struct tree_entry folder(const char *name)
{
    return (struct tree_entry){ .name = name, .name_len = strlen(name), .kind = TREE_FOLDER };
}

static struct tree_entry of_kind(const char *name, enum tree_kind k)
{
    return (struct tree_entry){ .name = name, .name_len = strlen(name), .kind = k };
}

struct result {
    struct plan_action a[32];
    size_t n;
    int blocked;
};

static void plan(struct tree_entry *r, size_t nr, struct tree_entry *l, size_t nl, unsigned flags,
                 struct result *out)
{
    struct plan_options o = { .flags = flags, .folder = "" };
    out->n = mirror_plan(r, nr, l, nl, &o, out->a, &out->blocked);
}

/* The action for name (by the server's entry, else the local one). */
static const struct plan_action *act(const struct result *res, const char *name)
{
    for (size_t i = 0; i < res->n; i++) {
        const struct tree_entry *e = res->a[i].source ? res->a[i].source : res->a[i].target;
        if (e->name_len == strlen(name) && memcmp(e->name, name, e->name_len) == 0)
            return &res->a[i];
    }
    return NULL;
}

#define EXPECT_ACT(res, name, what, fail, reason_part)                 \
    do {                                                               \
        const struct plan_action *pa_ = act(res, name);                \
        EXPECT(pa_ != NULL);                                           \
        if (pa_ != NULL) {                                             \
            EXPECT_EQ_STR(plan_act_name(pa_->act), what);              \
            EXPECT_EQ_INT(pa_->failed, fail);                          \
            EXPECT_CONTAINS(pa_->reason, reason_part);                 \
        }                                                              \
    } while (0)

static void test_basic(void)
{
    struct tree_entry r[] = { file("new.txt", 5, T0), file("same.txt", 3, T0), file("bigger", 9, T0),
                              file("touched", 3, T0 + 60), folder("sub"), folder("newsub") };
    struct tree_entry l[] = { file("same.txt", 3, T0), file("bigger", 4, T0), file("touched", 3, T0),
                              folder("sub"), file("gone.txt", 1, T0), folder("oldsub") };
    struct result res;
    plan(r, 6, l, 6, 0, &res);
    EXPECT_EQ_INT(res.n, 8);
    EXPECT_ACT(&res, "new.txt", "transfer", 0, "new");
    EXPECT_ACT(&res, "same.txt", "skip", 0, "up to date");
    EXPECT_ACT(&res, "bigger", "replace", 0, "size differs (9 bytes on the server, here 4)");
    EXPECT_ACT(&res, "touched", "replace", 0, "modified (2026-11-28 00:33:26 UTC on the server, here 2026-11-28 00:32:26 UTC)");
    EXPECT_ACT(&res, "sub", "folder", 0, "folder");
    EXPECT_ACT(&res, "newsub", "folder", 0, "new folder");
    EXPECT_ACT(&res, "gone.txt", "keep", 0, "--delete removes it");
    EXPECT_ACT(&res, "oldsub", "keep", 0, "not on the server");
    EXPECT_EQ_INT(res.blocked, 0);
    /* In name order. */
    for (size_t i = 1; i < res.n; i++) {
        const struct tree_entry *a = res.a[i - 1].source ? res.a[i - 1].source : res.a[i - 1].target;
        const struct tree_entry *b = res.a[i].source ? res.a[i].source : res.a[i].target;
        EXPECT(strcmp(a->name, b->name) < 0);
    }
}

static void test_delete(void)
{
    struct tree_entry r[] = { file("a", 1, T0) };
    struct tree_entry l[] = { file("a", 1, T0), file("b", 1, T0), folder("c"), of_kind("d", TREE_LINK) };
    struct result res;
    plan(r, 1, l, 4, PLAN_OPT_DELETE, &res);
    EXPECT_ACT(&res, "a", "skip", 0, "up to date");
    EXPECT_ACT(&res, "b", "delete", 0, "not on the server");
    EXPECT_ACT(&res, "c", "delete", 0, "with all it holds");
    EXPECT_ACT(&res, "d", "delete", 0, "not on the server"); /* the link itself */
    /* An unsafe name in the listing: a failure, and nothing deleted. */
    struct tree_entry r2[] = { file("a", 1, T0), file("../x", 1, T0) };
    struct tree_entry l2[] = { file("a", 1, T0), file("b", 1, T0) };
    plan(r2, 2, l2, 2, PLAN_OPT_DELETE, &res);
    EXPECT_EQ_INT(res.blocked, 1);
    EXPECT_ACT(&res, "../x", "skip", 1, "unsafe name: it holds '/'");
    EXPECT_ACT(&res, "b", "keep", 0, "not deleted: the server's listing had failures");
    /* A name listed twice: both refused, nothing deleted. */
    struct tree_entry r3[] = { file("dup", 1, T0), file("dup", 2, T0) };
    struct tree_entry l3[] = { file("b", 1, T0), file("dup", 1, T0) };
    plan(r3, 2, l3, 2, PLAN_OPT_DELETE, &res);
    EXPECT_EQ_INT(res.n, 3);
    EXPECT_EQ_INT(res.blocked, 1);
    EXPECT_EQ_INT(res.a[0].act, PLAN_KEEP); /* b */
    EXPECT_EQ_INT(res.a[1].failed, 1);
    EXPECT_EQ_INT(res.a[2].failed, 1);
    EXPECT_CONTAINS(res.a[2].reason, "listed more than once");
}

static void test_unsafe_names(void)
{
    struct tree_entry r[] = { file("..", 1, T0), file(".", 1, T0), folder("a/b"), file("/etc", 1, T0),
                              file("x\ny", 1, T0), file("", 1, T0), file("esc\x1b", 1, T0) };
    struct result res;
    plan(r, 7, NULL, 0, 0, &res);
    EXPECT_EQ_INT(res.n, 7);
    for (size_t i = 0; i < res.n; i++) {
        EXPECT_EQ_INT(res.a[i].act, PLAN_SKIP);
        EXPECT_EQ_INT(res.a[i].failed, 1);
        EXPECT_CONTAINS(res.a[i].reason, "unsafe name");
    }
    EXPECT_EQ_INT(res.blocked, 1);
}

static void test_options(void)
{
    struct tree_entry r[] = { file("older", 5, T0 - 60), file("newer", 5, T0 + 60), file("size", 6, T0),
                              file("same", 5, T0) };
    struct tree_entry l[] = { file("older", 4, T0), file("newer", 5, T0), file("size", 5, T0),
                              file("same", 5, T0) };
    struct result res;
    plan(r, 4, l, 4, PLAN_OPT_ONLY_NEWER, &res);
    EXPECT_ACT(&res, "older", "skip", 0, "not newer on the server");
    EXPECT_ACT(&res, "newer", "replace", 0, "newer on the server");
    EXPECT_ACT(&res, "size", "skip", 0, "not newer"); /* same time, other size */
    EXPECT_ACT(&res, "same", "skip", 0, "up to date");
    plan(r, 4, l, 4, PLAN_OPT_IGNORE_TIME, &res);
    EXPECT_ACT(&res, "older", "replace", 0, "size differs");
    EXPECT_ACT(&res, "newer", "skip", 0, "up to date");
    EXPECT_ACT(&res, "size", "replace", 0, "size differs");
    plan(r, 4, l, 4, PLAN_OPT_ONLY_MISSING, &res);
    for (size_t i = 0; i < res.n; i++)
        EXPECT_CONTAINS(res.a[i].reason, "--only-missing");
    /* No time from the server: the size decides. */
    struct tree_entry r2[] = { file("a", 5, 0), file("b", 5, 0) };
    r2[0].has_mtime = r2[1].has_mtime = 0;
    struct tree_entry l2[] = { file("a", 5, T0), file("b", 6, T0) };
    plan(r2, 2, l2, 2, 0, &res);
    EXPECT_ACT(&res, "a", "skip", 0, "up to date");
    EXPECT_ACT(&res, "b", "replace", 0, "size differs");
    /* Neither size nor time: left alone, and said so. */
    struct tree_entry r3[] = { of_kind("c", TREE_FILE) };
    struct tree_entry l3[] = { file("c", 5, T0) };
    plan(r3, 1, l3, 1, 0, &res);
    EXPECT_ACT(&res, "c", "skip", 0, "no size or time");
}

static void test_kinds(void)
{
    struct tree_entry r[] = { of_kind("link", TREE_LINK), of_kind("dev", TREE_OTHER), folder("f2file"),
                              file("file2f", 1, T0), file("file2link", 1, T0), folder("dir2link") };
    struct tree_entry l[] = { file("link", 1, T0), file("f2file", 1, T0), folder("file2f"),
                              of_kind("file2link", TREE_LINK), of_kind("dir2link", TREE_LINK) };
    struct result res;
    plan(r, 6, l, 5, PLAN_OPT_DELETE, &res);
    EXPECT_EQ_INT(res.n, 6);
    EXPECT_ACT(&res, "link", "skip", 0, "link on the server, not followed (--follow-links follows links inside");
    EXPECT(!act(&res, "link")->notice);
    EXPECT_ACT(&res, "dev", "skip", 0, "neither a file nor a folder");
    EXPECT_ACT(&res, "f2file", "skip", 1, "a folder on the server, but here a file");
    EXPECT_ACT(&res, "file2f", "skip", 1, "a file on the server, but here a folder");
    EXPECT_ACT(&res, "file2link", "skip", 1, "here a symbolic link");
    EXPECT_ACT(&res, "dir2link", "skip", 1, "here a symbolic link");
    EXPECT_EQ_INT(res.blocked, 0); /* conflicts are the local side's: the listing is fine */
}

static void test_parts(void)
{
    struct tree_entry r[] = { file("big", 100, T0), file("stale", 100, T0 + 60), file("long", 100, T0),
                              file("repl", 100, T0 + 60), file("x", 1, T0), file("x.part", 1, T0),
                              file("orphan", 1, T0) };
    struct tree_entry l[] = { file("big.part", 40, T0 + 5), file("stale.part", 40, T0),
                              file("long.part", 200, T0), file("repl", 100, T0),
                              file("repl.part", 10, T0 + 70), file("gone.part", 3, T0) };
    struct result res;
    plan(r, 7, l, 6, PLAN_OPT_DELETE, &res);
    EXPECT_ACT(&res, "big", "transfer", 0, "continues the partial download (40 bytes)");
    EXPECT(act(&res, "big")->part != NULL);
    EXPECT_ACT(&res, "stale", "transfer", 0, "the old partial download is started again");
    EXPECT(act(&res, "stale")->part == NULL);
    EXPECT_ACT(&res, "long", "transfer", 0, "started again");
    EXPECT_ACT(&res, "repl", "replace", 0, "continues the partial download (10 bytes)");
    EXPECT_ACT(&res, "x", "transfer", 0, "new");
    EXPECT_ACT(&res, "x.part", "skip", 0, "a partial transfer (.part), never mirrored as a file");
    /* Partial downloads of the server's files are theirs, not deleted;
     * one of a file the server no longer has is. */
    EXPECT(act(&res, "big.part") == NULL);
    EXPECT_ACT(&res, "gone.part", "delete", 0, "not on the server");
    EXPECT_EQ_INT(res.n, 8);
}

static void test_filters(void)
{
    const char *ex[] = { "*.tmp", "sub/skip*" };
    const char *in[] = { "*.csv" };
    struct tree_entry r[] = { file("a.csv", 1, T0), file("b.tmp", 1, T0), file("c.txt", 1, T0),
                              folder("cache") };
    struct tree_entry l[] = { file("old.tmp", 1, T0), file("old.txt", 1, T0), file("old.csv", 1, T0) };
    struct plan_options o = { .flags = PLAN_OPT_DELETE, .filter = { ex, 2, in, 1 }, .folder = "sub" };
    struct result res;
    res.n = mirror_plan(r, 4, l, 3, &o, res.a, &res.blocked);
    EXPECT_ACT(&res, "a.csv", "transfer", 0, "new");
    EXPECT_ACT(&res, "b.tmp", "skip", 0, "excluded by *.tmp");
    EXPECT_ACT(&res, "c.txt", "skip", 0, "not included");
    EXPECT_ACT(&res, "cache", "folder", 0, "new folder");
    /* What the filter does not take is never deleted. */
    EXPECT_ACT(&res, "old.tmp", "keep", 0, "excluded by *.tmp");
    EXPECT_ACT(&res, "old.txt", "keep", 0, "not included");
    EXPECT_ACT(&res, "old.csv", "delete", 0, "not on the server");
    /* A glob with '/' against the folder's path. */
    struct tree_entry r2[] = { file("skipme", 1, T0), file("keepme.csv", 1, T0) };
    res.n = mirror_plan(r2, 2, NULL, 0, &o, res.a, &res.blocked);
    EXPECT_ACT(&res, "skipme", "skip", 0, "excluded by sub/skip*");
    EXPECT_ACT(&res, "keepme.csv", "transfer", 0, "new");
}

static void test_empty(void)
{
    struct result res;
    plan(NULL, 0, NULL, 0, PLAN_OPT_DELETE, &res);
    EXPECT_EQ_INT(res.n, 0);
    EXPECT_EQ_INT(res.blocked, 0);
}

/* An upload: the local listing is the source, the server's the target. */
static void test_upload(void)
{
    struct tree_entry r[] = { file("new.txt", 5, T0), file("bigger", 9, T0), file("touched", 3, T0 + 60),
                              of_kind("link", TREE_LINK), file("x", 1, T0) };
    struct tree_entry l[] = { file("bigger", 4, T0), file("touched", 3, T0), file("gone", 1, T0),
                              file("x.part", 1, T0), file("x", 1, T0) };
    struct result res;
    plan(r, 5, l, 5, PLAN_OPT_UPLOAD | PLAN_OPT_DELETE, &res);
    EXPECT_ACT(&res, "new.txt", "transfer", 0, "new");
    EXPECT_ACT(&res, "bigger", "replace", 0, "size differs (9 bytes here, on the server 4)");
    EXPECT_ACT(&res, "touched", "replace", 0, "modified (2026-11-28 00:33:26 UTC here, on the server");
    EXPECT_ACT(&res, "link", "skip", 0, "a symbolic link here (not followed; --follow-links follows it)");
    EXPECT_ACT(&res, "gone", "delete", 0, "not here");
    /* The server's x.part is x's partial upload: never deleted as a stray
     * file while x is in the source. */
    EXPECT(act(&res, "x.part") == NULL);
    EXPECT_ACT(&res, "x", "skip", 0, "up to date");

    /* Without MFMT the server's copy carries the upload's time: a newer
     * target is up to date, a newer source is sent, sizes still decide. */
    struct tree_entry r2[] = { file("same", 3, T0), file("newer-here", 3, T0 + 100), file("grown", 5, T0) };
    struct tree_entry l2[] = { file("same", 3, T0 + 50), file("newer-here", 3, T0), file("grown", 4, T0 + 50) };
    plan(r2, 3, l2, 3, PLAN_OPT_UPLOAD | PLAN_OPT_NO_TIME_SET, &res);
    EXPECT_ACT(&res, "same", "skip", 0, "up to date");
    EXPECT_ACT(&res, "newer-here", "replace", 0, "newer here");
    EXPECT_ACT(&res, "grown", "replace", 0, "size differs (5 bytes here, on the server 4)");

    /* A server's name that is no safe name is never deleted; twice listed
     * by the server, a name is never deleted either. */
    struct tree_entry r3[] = { file("kept", 1, T0) };
    struct tree_entry l3[] = { file("../up", 1, T0), file("kept", 1, T0), file("kept", 1, T0),
                               file("esc\x1b", 1, T0) };
    plan(r3, 1, l3, 4, PLAN_OPT_UPLOAD | PLAN_OPT_DELETE, &res);
    EXPECT_EQ_INT(res.n, 4);
    EXPECT_ACT(&res, "../up", "skip", 1, "unsafe name on the server: it holds '/'");
    EXPECT_ACT(&res, "esc\x1b", "skip", 1, "unsafe name on the server: it holds a control character");
    EXPECT_EQ_INT(res.a[3].act, PLAN_SKIP);
    EXPECT_EQ_INT(res.a[3].failed, 1);
    EXPECT_CONTAINS(res.a[3].reason, "listed more than once on the server; not deleted");
    plan(r3, 1, l3, 4, PLAN_OPT_UPLOAD, &res);
    EXPECT_ACT(&res, "../up", "keep", 0, "unsafe name on the server");
    /* A download keeps its words. */
    struct tree_entry r4[] = { file("a", 2, T0) };
    struct tree_entry l4[] = { file("a", 1, T0) };
    plan(r4, 1, l4, 1, 0, &res);
    EXPECT_ACT(&res, "a", "replace", 0, "size differs (2 bytes on the server, here 1)");
}

/* --follow-links: links decided by tree_links.c, planned as they say. */
static void test_links(void)
{
    struct tree_entry r[] = { of_kind("out", TREE_LINK), of_kind("loop", TREE_LINK), of_kind("dang", TREE_LINK),
                              of_kind("untold", TREE_LINK), file("lf", 3, T0), folder("ld") };
    r[0].link = LINK_OUTSIDE;
    r[1].link = LINK_LOOP;
    r[2].link = LINK_BROKEN;
    r[3].link = LINK_UNKNOWN;
    r[4].link = LINK_FOLLOWED;
    r[5].link = LINK_FOLLOWED;
    struct result res;
    plan(r, 6, NULL, 0, 0, &res);
    EXPECT_ACT(&res, "out", "skip", 0, "leading outside the tree");
    EXPECT_ACT(&res, "loop", "skip", 0, "(a loop)");
    EXPECT_ACT(&res, "dang", "skip", 0, "leading to nothing");
    EXPECT_ACT(&res, "untold", "skip", 0, "target the server does not say");
    EXPECT(act(&res, "out")->notice && act(&res, "loop")->notice && act(&res, "dang")->notice &&
           act(&res, "untold")->notice);
    EXPECT_ACT(&res, "lf", "transfer", 0, "new; through a symbolic link");
    EXPECT_ACT(&res, "ld", "folder", 0, "new folder; through a symbolic link");
    EXPECT(!act(&res, "lf")->notice);
}

/* An upload lands as NAME.part on the server: one shorter than the local
 * file, and not older, is continued; a complete file is skipped. */
static void test_upload_parts(void)
{
    struct tree_entry r[] = { file("big", 100, T0), file("changed", 100, T0 + 100), file("done", 5, T0),
                              file("mine.part", 1, T0) };
    struct tree_entry l[] = { file("big.part", 40, T0 + 5), file("changed.part", 40, T0 + 5), file("done", 5, T0),
                              file("done.part", 2, T0 + 5), file("stray.part", 2, T0) };
    struct result res;
    plan(r, 4, l, 5, PLAN_OPT_UPLOAD | PLAN_OPT_DELETE, &res);
    EXPECT_ACT(&res, "big", "transfer", 0, "continues the partial upload (40 bytes)");
    EXPECT(act(&res, "big")->part != NULL);
    EXPECT_ACT(&res, "changed", "transfer", 0, "the old partial upload is started again");
    EXPECT(act(&res, "changed")->part == NULL);
    EXPECT_ACT(&res, "done", "skip", 0, "up to date");
    EXPECT_ACT(&res, "mine.part", "skip", 0, "a partial transfer (.part)");
    EXPECT(act(&res, "big.part") == NULL && act(&res, "done.part") == NULL);
    EXPECT_ACT(&res, "stray.part", "delete", 0, "not here");
    /* No hash to check a server's part by: it could be anyone's. */
    plan(r, 4, l, 5, PLAN_OPT_UPLOAD | PLAN_OPT_NO_PART_CHECK, &res);
    EXPECT_ACT(&res, "big", "transfer", 0, "the old partial upload is started again (the server offers no hash");
    EXPECT(act(&res, "big")->part == NULL);
}

/* A source folder NAME.part beside a file NAME: a failure, not mirrored
 * (NAME's transfers land there); one beside nothing is a folder. */
static void test_part_folder(void)
{
    struct tree_entry r[] = { file("x", 3, T0), folder("x.part"), folder("y.part") };
    struct result res;
    plan(r, 3, NULL, 0, 0, &res);
    EXPECT_ACT(&res, "x.part", "skip", 1, "a folder named as the partial transfer (.part) of the file beside it");
    EXPECT_ACT(&res, "y.part", "folder", 0, "new folder");
    EXPECT_ACT(&res, "x", "transfer", 0, "new");
}

int main(void)
{
    test_basic();
    test_delete();
    test_unsafe_names();
    test_options();
    test_kinds();
    test_parts();
    test_filters();
    test_empty();
    test_upload();
    test_links();
    test_upload_parts();
    test_part_folder();
    return expect_done("test_mirror_plan");
}
