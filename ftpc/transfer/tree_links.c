/* tree_links: a server's symbolic links, followed inside the tree only. */
#define _GNU_SOURCE /* memrchr */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftpc/conn/interrupt.h"
#include "ftpc/parse/size_reply.h"
#include "ftpc/parse/time_val.h"
#include "ftpc/parse/tree_link.h"
#include "ftpc/parse/tree_name.h"
#include "ftpc/transfer/tree_links.h"

struct known {
    char *from;     /* the link's path in the tree */
    char *to;       /* where it leads in the tree; NULL: outside */
    int untold;     /* its target is not known */
};

/* The folders listed in the run (their paths with no link in them), so
 * that a target through one not listed yet is not judged inside: an
 * open-addressing set of strings. */
#define TREE_LISTED_MAX (1u << 18)

struct tree_links {
    struct known *v;
    size_t n, cap;
    char **listed;
    size_t nlisted, caplisted; /* caplisted: a power of two */
    size_t followed;        /* folder links followed so far */
    int have_top;
    char top_abs[PATH_MAX]; /* the top's absolute path on the server, when known */
};

struct tree_links *tree_links_new(struct ftp_session *s, const char *remote)
{
    struct tree_links *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    const char *cwd = session_cwd(s);
    int n = remote[0] == '/' ? snprintf(t->top_abs, sizeof t->top_abs, "%s", remote)
            : cwd != NULL && cwd[0] == '/' ? snprintf(t->top_abs, sizeof t->top_abs, "%s/%s", cwd, remote)
                                           : -1;
    t->have_top = n > 0 && (size_t)n < sizeof t->top_abs;
    return t;
}

void tree_links_free(struct tree_links *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].from);
        free(t->v[i].to);
    }
    for (size_t i = 0; i < t->caplisted; i++)
        free(t->listed[i]);
    free(t->listed);
    free(t->v);
    free(t);
}

static size_t hash(const char *p, size_t len)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211u;
    return (size_t)h;
}

/* The slot of path[0..len) in the listed set: its own, or the empty one
 * where it would go. */
static size_t listed_slot(const struct tree_links *t, const char *path, size_t len)
{
    size_t mask = t->caplisted - 1, i = hash(path, len) & mask;
    while (t->listed[i] != NULL && !(strlen(t->listed[i]) == len && memcmp(t->listed[i], path, len) == 0))
        i = (i + 1) & mask;
    return i;
}

static int was_listed(const struct tree_links *t, const char *path, size_t len)
{
    return t->caplisted > 0 && t->listed[listed_slot(t, path, len)] != NULL;
}

/* Notes path as listed; a full set just leaves it out (then what lies
 * through it is not followed). */
static void note_listed(struct tree_links *t, const char *path)
{
    size_t len = strlen(path);
    if (was_listed(t, path, len) || t->nlisted >= TREE_LISTED_MAX)
        return;
    if (2 * (t->nlisted + 1) > t->caplisted) {
        size_t cap = t->caplisted ? 2 * t->caplisted : 64;
        char **v = calloc(cap, sizeof *v);
        if (v == NULL)
            return;
        char **old = t->listed;
        size_t oldcap = t->caplisted;
        t->listed = v;
        t->caplisted = cap;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i] != NULL)
                t->listed[listed_slot(t, old[i], strlen(old[i]))] = old[i];
        free(old);
    }
    char *d = strdup(path);
    if (d == NULL)
        return;
    t->listed[listed_slot(t, path, len)] = d;
    t->nlisted++;
}

static int lookup(void *arg, const char *path, size_t len, const char **to)
{
    const struct tree_links *t = arg;
    for (size_t i = 0; i < t->n; i++)
        if (strlen(t->v[i].from) == len && memcmp(t->v[i].from, path, len) == 0) {
            *to = t->v[i].to;
            return t->v[i].untold ? 2 : 1;
        }
    /* Not a link as far as the run knows: it knows only when the folder
     * holding it was listed. */
    const char *slash = memrchr(path, '/', len);
    size_t parent = slash != NULL ? (size_t)(slash - path) : 0;
    return was_listed(t, path, parent) ? 0 : 3;
}

/* Remembers the link at from leading to to (NULL: outside; untold: not
 * known); 0, or -1 when the table is full (then the link is not followed). */
static int remember(struct tree_links *t, const char *from, const char *to, int untold)
{
    const char *old;
    int had = lookup(t, from, strlen(from), &old);
    if (had == 1 || had == 2)
        return 0;
    if (t->n == TREE_LINKS_MAX)
        return -1;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        struct known *v = realloc(t->v, cap * sizeof *v);
        if (v == NULL)
            return -1;
        t->v = v;
        t->cap = cap;
    }
    char *f = strdup(from), *d = to ? strdup(to) : NULL;
    if (f == NULL || (to != NULL && d == NULL)) {
        free(f);
        free(d);
        return -1;
    }
    t->v[t->n++] = (struct known){ f, d, untold };
    return 0;
}

static int join(char *out, size_t len, const char *dir, const char *name)
{
    int n = dir[0] ? snprintf(out, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name)
                   : snprintf(out, len, "%s", name);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Targets LIST names, for the links MLSD gave none. */
static void targets_from_list(struct ftp_session *s, const char *folder, struct tree_listing *l)
{
    struct tree_listing ls;
    tree_listing_init(&ls);
    struct err none;
    err_clear(&none);
    if (tree_list_remote_ls(s, folder, &ls, &none) != 0)
        return;
    for (size_t i = 0; i < l->n; i++) {
        struct tree_entry *e = &l->v[i];
        if (e->kind != TREE_LINK || e->target != NULL)
            continue;
        for (size_t j = 0; j < ls.n; j++) {
            struct tree_entry *m = &ls.v[j];
            if (m->kind == TREE_LINK && m->target != NULL && m->name_len == e->name_len &&
                memcmp(m->name, e->name, e->name_len) == 0) {
                e->target = m->target; /* the listing's own now */
                e->target_len = m->target_len;
                m->target = NULL;
                break;
            }
        }
    }
    tree_listing_free(&ls);
}

/* What the link at path on the server leads to: a folder (CWD), a file
 * (SIZE, and MDTM for its time), or nothing (LINK_BROKEN). -1 when the
 * session cannot go on. */
static int probe(struct ftp_session *s, const char *path, struct tree_entry *e, struct err *e_out)
{
    struct err why;
    err_clear(&why);
    if (tree_remote_folder_exists(s, path, &why) == 0) {
        e->kind = TREE_FOLDER;
        e->has_size = e->has_mtime = 0;
        return 0;
    }
    if (s->state != SESSION_LOGGED_IN || ftpc_interrupted) {
        *e_out = why;
        return -1;
    }
    if (session_command(s, e_out, "SIZE %s", path) != 0)
        return -1;
    uint64_t size;
    if (s->reply.code != 213 || ftp_parse_size_reply(s->reply.text, s->reply.text_len, &size) != 0) {
        e->link = LINK_BROKEN;
        return 0;
    }
    e->kind = TREE_FILE;
    e->has_size = 1;
    e->size = size;
    e->has_mtime = 0;
    if (session_command(s, e_out, "MDTM %s", path) != 0)
        return -1;
    struct ftp_time ft;
    if (s->reply.code == 213 && ftp_parse_time_val(s->reply.text, s->reply.text_len, &ft) == 0) {
        e->has_mtime = 1;
        e->mtime = ftp_time_epoch(&ft);
    }
    return 0;
}

static enum tree_link link_of(enum tree_where w)
{
    return w == WHERE_OUTSIDE ? LINK_OUTSIDE : w == WHERE_LOOP ? LINK_LOOP : LINK_UNKNOWN;
}

/* Whether to (a folder's path with no link in it) is one of the folders
 * on the walk's path, or above one: the lines of above, and real. */
static int on_path(const char *to, const char *above, const char *real)
{
    if (tree_link_is_above(to, real))
        return 1;
    char one[PATH_MAX];
    for (const char *p = above; p != NULL && *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
        if (n < sizeof one) {
            memcpy(one, p, n);
            one[n] = '\0';
            if (tree_link_is_above(to, one))
                return 1;
        }
        p = nl != NULL ? nl + 1 : p + n;
    }
    return 0;
}

int tree_links_decide(struct tree_links *t, struct ftp_session *s, const char *folder, const char *rel,
                      const char *above, char *real, size_t real_len, struct tree_listing *l, struct err *e)
{
    char path[PATH_MAX], lexical[PATH_MAX], to[PATH_MAX];
    /* The folder's own path with no link in it: through the links seen,
     * each folder on the way listed before (the walk goes top down). */
    enum tree_where where = t->n == 0 ? (snprintf(real, real_len, "%s", rel) < (int)real_len ? WHERE_INSIDE
                                                                                             : WHERE_BAD)
                                      : tree_link_canonical(rel, lookup, t, real, real_len);
    if (where == WHERE_INSIDE)
        note_listed(t, real);
    else
        real[0] = '\0';
    int any = 0, untold = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].kind == TREE_LINK) {
            any = 1;
            untold |= l->v[i].target == NULL;
        }
    if (!any)
        return 0;
    if (untold)
        targets_from_list(s, folder, l);
    /* First every link of this folder remembered, so that one through
     * another of them is judged by where that one leads. */
    const char *why;
    for (size_t i = 0; i < l->n; i++) {
        struct tree_entry *x = &l->v[i];
        if (x->kind != TREE_LINK)
            continue;
        x->link = LINK_UNKNOWN;
        if (where != WHERE_INSIDE || tree_name_check(x->name, x->name_len, &why) != 0 ||
            join(path, sizeof path, real, x->name) != 0)
            continue;
        enum tree_where w = x->target == NULL ? WHERE_BAD
                            : tree_link_resolve(t->have_top ? t->top_abs : NULL, real, x->target, x->target_len,
                                                lexical, sizeof lexical);
        x->link = w == WHERE_INSIDE ? LINK_NONE : link_of(w);
        /* One whose target is not known is remembered too: nothing
         * through it is followed (ProFTPD's LIST leaves out some links
         * its MLSD shows, such as one to ".."). */
        if (remember(t, path, w == WHERE_INSIDE ? lexical : NULL, w == WHERE_BAD || w == WHERE_LOOP) != 0 &&
            x->link == LINK_NONE)
            x->link = LINK_LOOP;
    }
    for (size_t i = 0; i < l->n; i++) {
        struct tree_entry *x = &l->v[i];
        if (x->kind != TREE_LINK || x->link != LINK_NONE)
            continue;
        const char *lex = NULL;
        if (join(path, sizeof path, real, x->name) != 0 || lookup(t, path, strlen(path), &lex) != 1 || lex == NULL) {
            x->link = LINK_UNKNOWN;
            continue;
        }
        enum tree_where w = tree_link_canonical(lex, lookup, t, to, sizeof to);
        if (w != WHERE_INSIDE) {
            x->link = link_of(w);
            continue;
        }
        /* A folder on the walk's path (this one, one above it, or one a
         * followed link led to on the way here), or one above such a
         * folder: a loop (a folder, so nothing to ask the server). */
        if (on_path(to, above, real)) {
            x->link = LINK_LOOP;
            continue;
        }
        char remote[PATH_MAX];
        if (join(remote, sizeof remote, folder, x->name) != 0) {
            x->link = LINK_UNKNOWN;
            continue;
        }
        struct tree_entry led = *x;
        if (probe(s, remote, &led, e) != 0)
            return -1;
        if (led.link == LINK_BROKEN) {
            x->link = LINK_BROKEN;
            continue;
        }
        if (led.kind == TREE_FOLDER && t->followed >= TREE_LINKS_FOLLOWED_MAX) {
            x->link = LINK_LOOP;
            continue;
        }
        if (led.kind == TREE_FOLDER)
            t->followed++;
        led.link = LINK_FOLLOWED;
        led.has_mode = 0; /* the link's own bits (0777), not its target's */
        *x = led;
    }
    return 0;
}
