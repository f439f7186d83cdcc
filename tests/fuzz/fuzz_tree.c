#define _GNU_SOURCE /* memrchr */
/* Fuzz target: what tree transfers read from the server. The first byte
 * picks a parser (its value modulo their number), the rest is its input:
 * an MLSD line as a tree entry, the name check, FEAT's HASH value, and
 * the replies to HASH, XSHA256 and XCRC, a LIST line, a folder listing
 * planned from the input's lines, and a symbolic link's target resolved
 * in a tree (folder, a newline, the target). Each result is checked for what the
 * parser promises. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ftpc/parse/hash_reply.h"
#include "ftpc/parse/mirror_plan.h"
#include "ftpc/parse/tree_entry.h"
#include "ftpc/parse/tree_link.h"
#include "ftpc/parse/tree_ls.h"
#include "ftpc/parse/tree_name.h"

static void check_hex(const struct ftp_hash_value *h)
{
    size_t n = strlen(h->hex);
    if (n != ftp_hash_hex_len(h->algo) || strspn(h->hex, "0123456789abcdef") != n)
        abort();
}

#define MAX_ENTRIES 64

/* Plans the entries the input's lines give against an empty local side
 * and against a copy of itself: every action has a reason, and an unsafe
 * name is always a failure. */
static void plan_lines(const char *p, size_t n)
{
    static struct tree_entry remote[MAX_ENTRIES], local[MAX_ENTRIES];
    static struct plan_action out[2 * MAX_ENTRIES];
    size_t k = 0;
    const char *end = p + n;
    while (p < end && k < MAX_ENTRIES) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *name;
        size_t name_len;
        if (tree_parse_mlsd_line(p, len, &remote[k], &name, &name_len) == 0) {
            remote[k].name = name;
            remote[k].name_len = name_len;
            k++;
        }
        p += len + 1;
    }
    memcpy(local, remote, k * sizeof *remote);
    struct plan_options o = { .flags = PLAN_OPT_DELETE, .folder = "" };
    int blocked;
    size_t m = mirror_plan(remote, k, local, k, &o, out, &blocked);
    if (m > 2 * k)
        abort();
    for (size_t i = 0; i < m; i++) {
        const char *why;
        if (out[i].reason[0] == '\0' || (out[i].source == NULL && out[i].target == NULL))
            abort();
        if (out[i].source && tree_name_check(out[i].source->name, out[i].source->name_len, &why) != 0 &&
            (!out[i].failed || !blocked))
            abort();
        if (out[i].act == PLAN_DELETE && blocked)
            abort();
    }
}

/* A path inside the tree: no leading, trailing or doubled '/', no "."
 * component, and no ".." unless dotdot (tree_link_resolve keeps them for
 * tree_link_canonical to judge; its result has none). */
static void check_inside(const char *out, int dotdot)
{
    size_t n = strlen(out);
    if (n > 0 && (out[0] == '/' || out[n - 1] == '/' || strstr(out, "//") != NULL))
        abort();
    const char *c = out;
    while (n > 0 && *c) {
        size_t k = strcspn(c, "/");
        if ((k == 1 && c[0] == '.') || (!dotdot && k == 2 && c[0] == '.' && c[1] == '.'))
            abort();
        c += k + (c[k] == '/');
    }
}

/* Links known to the fuzzed canonicalisation: "l" leads to the resolved
 * target itself, "o" outside, "u" nowhere known. */
static char g_target[512];

static int fuzz_lookup(void *arg, const char *path, size_t len, const char **to)
{
    (void)arg;
    const char *last = memrchr(path, '/', len);
    size_t k = last ? (size_t)(path + len - last - 1) : len;
    const char *name = path + len - k;
    if (k != 1)
        return 0;
    *to = name[0] == 'l' ? g_target : NULL;
    return name[0] == 'l' || name[0] == 'o' ? 1 : name[0] == 'u' ? 2 : 0;
}

static void resolve_link(const char *p, size_t n)
{
    const char *nl = memchr(p, '\n', n);
    if (nl == NULL || (size_t)(nl - p) >= 256 || memchr(p, '\0', (size_t)(nl - p)) != NULL)
        return;
    char folder[256];
    memcpy(folder, p, (size_t)(nl - p));
    folder[nl - p] = '\0';
    const char *target = nl + 1;
    size_t tlen = n - (size_t)(nl - p) - 1;
    char out[512];
    enum tree_where w = tree_link_resolve((n & 1) ? "/top/dir" : NULL, folder, target, tlen, out, sizeof out);
    if (w > WHERE_LOOP)
        abort();
    if (w != WHERE_INSIDE)
        return;
    if (strlen(out) >= sizeof out || memchr(target, '\0', tlen) != NULL)
        abort();
    int plain_folder = 1; /* the folder comes from checked names: then so is every byte of out */
    for (size_t i = 0; folder[i]; i++)
        plain_folder &= (unsigned char)folder[i] >= 0x20 && folder[i] != 0x7f;
    for (size_t i = 0; plain_folder && out[i]; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
            abort();
    check_inside(out, 1);
    memcpy(g_target, out, strlen(out) + 1);
    char canon[512];
    w = tree_link_canonical(out, fuzz_lookup, NULL, canon, sizeof canon);
    if (w != WHERE_INSIDE)
        return;
    if (strlen(canon) >= sizeof canon)
        abort();
    check_inside(canon, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    switch (data[0] % 9) {
    case 0: {
        struct tree_entry e;
        const char *name;
        size_t n;
        if (tree_parse_mlsd_line(text, len, &e, &name, &n) == 0 &&
            (n == 0 || name < text || name + n != text + len || e.kind > TREE_OTHER || e.mode > 07777 ||
             (e.target != NULL && (e.kind != TREE_LINK || e.target_len == 0 || e.target < text ||
                                   e.target + e.target_len > name))))
            abort();
        break;
    }
    case 1: {
        const char *why = NULL;
        if (tree_name_check(text, len, &why) == 0) {
            if (len == 0 || memchr(text, '/', len) || memchr(text, '\0', len) ||
                (len <= 2 && strspn(text, ".") == len))
                abort();
            for (size_t i = 0; i < len; i++)
                if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
                    abort();
        } else if (why == NULL) {
            abort();
        }
        break;
    }
    case 2: {
        unsigned algos;
        int sel;
        if (ftp_parse_hash_feat(text, len, &algos, &sel) == 0 && sel >= 0 &&
            !(algos & FTP_HASH_BIT(sel)))
            abort();
        break;
    }
    case 3: {
        struct ftp_hash_value h;
        if (ftp_parse_hash_reply(text, len, &h) == 0) {
            check_hex(&h);
            if (h.start > h.end)
                abort();
        }
        break;
    }
    case 4: {
        struct ftp_hash_value h;
        if (ftp_parse_x_digest(text, len, HASH_SHA256, &h) == 0)
            check_hex(&h);
        break;
    }
    case 5: {
        uint32_t crc;
        (void)ftp_parse_xcrc(text, len, &crc);
        break;
    }
    case 6: {
        struct tree_entry e;
        const char *name;
        size_t n;
        if (tree_parse_ls_line(text, len, &e, &name, &n) == 0 &&
            (n == 0 || name <= text || name + n > text + len || name[0] == ' ' || e.kind > TREE_OTHER ||
             e.has_mtime || (e.has_size && e.kind != TREE_FILE) || !e.has_mode || e.mode > 0777 ||
             (e.target != NULL && (e.kind != TREE_LINK || e.target_len == 0 || e.target + e.target_len != text + len))))
            abort();
        break;
    }
    case 8:
        resolve_link(text, len);
        break;
    default:
        plan_lines(text, len);
        break;
    }
    return 0;
}
