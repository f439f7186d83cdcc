/* tree_link: a link's target resolved lexically inside a tree. */
#include <string.h>

#include "ftpc/parse/tree_link.h"

/* A path being built, component by component, in out. */
struct walk {
    char *out;
    size_t cap, len;
};

/* One component of a path: "." nothing, ".." one up (-1 above the top). */
static int step(struct walk *w, const char *c, size_t n)
{
    if (n == 0 || (n == 1 && c[0] == '.'))
        return 0;
    if (n == 2 && c[0] == '.' && c[1] == '.') {
        if (w->len == 0)
            return -1;
        while (w->len > 0 && w->out[w->len - 1] != '/')
            w->len--;
        if (w->len > 0)
            w->len--; /* the '/' before it */
        w->out[w->len] = '\0';
        return 0;
    }
    size_t need = w->len + (w->len ? 1 : 0) + n;
    if (need >= w->cap)
        return -2;
    if (w->len)
        w->out[w->len++] = '/';
    memcpy(w->out + w->len, c, n);
    w->len += n;
    w->out[w->len] = '\0';
    return 0;
}

/* Every component of p[0..n) in turn: 0, -1 above the top, -2 too long. */
static int steps(struct walk *w, const char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && p[j] != '/')
            j++;
        int r = step(w, p + i, j - i);
        if (r != 0)
            return r;
        i = j + 1;
    }
    return 0;
}

enum tree_where tree_link_resolve(const char *top_abs, const char *folder, const char *target, size_t len,
                                  char *out, size_t outlen)
{
    if (outlen == 0)
        return WHERE_BAD;
    out[0] = '\0';
    if (len == 0)
        return WHERE_BAD;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)target[i] < 0x20 || target[i] == 0x7f)
            return WHERE_BAD;
    struct walk w = { out, outlen, 0 };
    if (target[0] != '/') {
        int r = steps(&w, folder, strlen(folder));
        if (r == 0)
            r = steps(&w, target, len);
        return r == 0 ? WHERE_INSIDE : r == -1 ? WHERE_OUTSIDE : WHERE_BAD;
    }
    /* Absolute: the whole path made plain ("/.." is "/"), then it must
     * lie under the top's own plain path. */
    if (top_abs == NULL || top_abs[0] != '/')
        return WHERE_OUTSIDE;
    char top[4096], abs[4096];
    struct walk t = { top, sizeof top, 0 }, a = { abs, sizeof abs, 0 };
    top[0] = abs[0] = '\0';
    if (steps(&t, top_abs, strlen(top_abs)) == -2)
        return WHERE_BAD;
    size_t i = 0;
    while (i < len) { /* ".." at the root stays there, as the kernel has it */
        size_t j = i;
        while (j < len && target[j] != '/')
            j++;
        int r = step(&a, target + i, j - i);
        if (r == -2)
            return WHERE_BAD;
        i = j + 1;
    }
    if (t.len > 0 && (a.len < t.len || memcmp(abs, top, t.len) != 0 || (a.len > t.len && abs[t.len] != '/')))
        return WHERE_OUTSIDE;
    const char *rest = abs + t.len + (a.len > t.len && t.len > 0 ? 1 : 0);
    size_t n = strlen(rest);
    if (n >= outlen)
        return WHERE_BAD;
    memcpy(out, rest, n + 1);
    return WHERE_INSIDE;
}

enum tree_where tree_link_canonical(const char *path, tree_link_lookup lookup, void *arg, char *out,
                                    size_t outlen)
{
    char cur[4096], next[4096];
    size_t n = strlen(path);
    if (n >= sizeof cur || n >= outlen)
        return WHERE_BAD;
    memcpy(cur, path, n + 1);
    for (int hop = 0; hop <= TREE_LINK_HOPS; hop++) {
        size_t cn = strlen(cur);
        int replaced = 0;
        /* Each leading part "a", "a/b", ... (shortest first: an outer link
         * decides where the rest is). */
        for (size_t end = 0; end <= cn && !replaced; end++) {
            if (end < cn && cur[end] != '/')
                continue;
            if (end == 0)
                continue;
            const char *to = NULL;
            int known = lookup(arg, cur, end, &to);
            if (known == 0)
                continue;
            if (known != 1)
                return WHERE_BAD;
            if (to == NULL)
                return WHERE_OUTSIDE;
            struct walk w = { next, sizeof next, 0 };
            next[0] = '\0';
            int r = steps(&w, to, strlen(to));
            if (r == 0 && end < cn)
                r = steps(&w, cur + end + 1, cn - end - 1);
            if (r != 0)
                return r == -1 ? WHERE_OUTSIDE : WHERE_BAD;
            memcpy(cur, next, w.len + 1);
            replaced = 1;
        }
        if (!replaced) {
            size_t m = strlen(cur);
            if (m >= outlen)
                return WHERE_BAD;
            memcpy(out, cur, m + 1);
            return WHERE_INSIDE;
        }
    }
    return WHERE_LOOP;
}

int tree_link_is_above(const char *target, const char *folder)
{
    size_t t = strlen(target);
    if (t == 0)
        return 1;
    return strncmp(folder, target, t) == 0 && (folder[t] == '\0' || folder[t] == '/');
}
