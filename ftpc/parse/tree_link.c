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

/* One component appended as it is ("." and empty left out, ".." kept:
 * what it means depends on the links before it). -2 when too long. */
static int add(struct walk *w, const char *c, size_t n)
{
    if (n == 0 || (n == 1 && c[0] == '.'))
        return 0;
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

static int adds(struct walk *w, const char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && p[j] != '/')
            j++;
        if (add(w, p + i, j - i) != 0)
            return -2;
        i = j + 1;
    }
    return 0;
}

static int is_dotdot(const char *c, size_t n)
{
    return n == 2 && c[0] == '.' && c[1] == '.';
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
    if (target[0] != '/')
        return adds(&w, folder, strlen(folder)) == 0 && adds(&w, target, len) == 0 ? WHERE_INSIDE : WHERE_BAD;
    /* Absolute: it must start with the top's own components ("/.." at the
     * root is the root, as the kernel has it; a ".." below the root could
     * cross a link outside the tree: out). The rest is kept as written. */
    if (top_abs == NULL || top_abs[0] != '/')
        return WHERE_OUTSIDE;
    char top[4096];
    struct walk t = { top, sizeof top, 0 };
    top[0] = '\0';
    size_t tn = strlen(top_abs);
    for (size_t i = 0; i < tn;) { /* the top made plain, ".." clamped at the root */
        size_t j = i;
        while (j < tn && top_abs[j] != '/')
            j++;
        if (step(&t, top_abs + i, j - i) == -2)
            return WHERE_BAD;
        i = j + 1;
    }
    size_t matched = 0, i = 0; /* bytes of top matched so far */
    while (i < len && matched < t.len) {
        size_t j = i;
        while (j < len && target[j] != '/')
            j++;
        const char *c = target + i;
        size_t n = j - i;
        i = j + 1;
        if (n == 0 || (n == 1 && c[0] == '.'))
            continue;
        if (is_dotdot(c, n)) {
            if (matched == 0)
                continue;
            return WHERE_OUTSIDE;
        }
        size_t at = matched ? matched + 1 : 0;
        if (at + n > t.len || memcmp(top + at, c, n) != 0 || (at + n < t.len && top[at + n] != '/'))
            return WHERE_OUTSIDE;
        matched = at + n;
    }
    if (matched < t.len)
        return WHERE_OUTSIDE;
    while (t.len == 0 && i < len) { /* the top is the root: a ".." there stays there */
        size_t j = i;
        while (j < len && target[j] != '/')
            j++;
        if (!(j == i || (j - i == 1 && target[i] == '.') || is_dotdot(target + i, j - i)))
            break;
        i = j + 1;
    }
    return i < len && adds(&w, target + i, len - i) != 0 ? WHERE_BAD : WHERE_INSIDE;
}

enum tree_where tree_link_canonical(const char *path, tree_link_lookup lookup, void *arg, char *out,
                                    size_t outlen)
{
    /* Component by component, as the server walks it: a link is replaced
     * by where it leads before a ".." after it applies. */
    char rem[4096], res[4096], next[4096];
    size_t n = strlen(path);
    if (n >= sizeof rem)
        return WHERE_BAD;
    memcpy(rem, path, n + 1);
    struct walk r = { res, sizeof res, 0 };
    res[0] = '\0';
    int hops = 0;
    size_t i = 0, rn = n;
    while (i < rn) {
        size_t j = i;
        while (j < rn && rem[j] != '/')
            j++;
        const char *c = rem + i;
        size_t cn = j - i;
        i = j + 1;
        if (cn == 0 || (cn == 1 && c[0] == '.'))
            continue;
        if (is_dotdot(c, cn)) {
            if (step(&r, c, cn) != 0)
                return WHERE_OUTSIDE;
            continue;
        }
        if (add(&r, c, cn) != 0)
            return WHERE_BAD;
        const char *to = NULL;
        int known = lookup(arg, res, r.len, &to);
        if (known == 0)
            continue;
        if (known != 1)
            return WHERE_BAD; /* a link of unknown target, or a folder not listed */
        if (to == NULL)
            return WHERE_OUTSIDE;
        if (++hops > TREE_LINK_HOPS)
            return WHERE_LOOP;
        struct walk nw = { next, sizeof next, 0 };
        next[0] = '\0';
        if (adds(&nw, to, strlen(to)) != 0 || (i < rn && adds(&nw, rem + i, rn - i) != 0))
            return WHERE_BAD;
        memcpy(rem, next, nw.len + 1);
        rn = nw.len;
        i = 0;
        r.len = 0;
        res[0] = '\0';
    }
    if (r.len >= outlen)
        return WHERE_BAD;
    memcpy(out, res, r.len + 1);
    return WHERE_INSIDE;
}

int tree_link_is_above(const char *target, const char *folder)
{
    size_t t = strlen(target);
    if (t == 0)
        return 1;
    return strncmp(folder, target, t) == 0 && (folder[t] == '\0' || folder[t] == '/');
}
