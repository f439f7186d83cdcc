/* tree_glob: --exclude and --include over fnmatch(3). */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "ftpc/parse/tree_glob.h"

int tree_glob_match(const char *glob, const char *path, const char *name)
{
    if (strchr(glob, '/') != NULL)
        return fnmatch(glob, path, FNM_PATHNAME) == 0;
    return fnmatch(glob, name, 0) == 0;
}

static const char *first_match(const char *const *globs, size_t n, const char *path,
                               const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (tree_glob_match(globs[i], path, name))
            return globs[i];
    return NULL;
}

int tree_filter_takes(const struct tree_filter *f, const char *path, const char *name,
                      int is_folder, char *why_buf, size_t why_len)
{
    const char *g = first_match(f->exclude, f->n_exclude, path, name);
    if (g != NULL) {
        snprintf(why_buf, why_len, "excluded by %s", g);
        return 0;
    }
    if (!is_folder && f->n_include > 0 && first_match(f->include, f->n_include, path, name) == NULL) {
        snprintf(why_buf, why_len, "not included");
        return 0;
    }
    return 1;
}

static int quotable(char c)
{
    return c != '\0' && strchr("*?[]\\", c) != NULL;
}

int tree_has_glob(const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' && quotable(s[1]))
            s++;
        else if (*s == '*' || *s == '?' || *s == '[')
            return 1;
    }
    return 0;
}

int tree_glob_unquote(const char *s, char *out, size_t outlen)
{
    size_t n = 0;
    for (; *s; s++) {
        if (*s == '\\' && quotable(s[1]))
            s++;
        if (n + 1 >= outlen)
            return -1;
        out[n++] = *s;
    }
    if (outlen == 0)
        return -1;
    out[n] = '\0';
    return 0;
}
