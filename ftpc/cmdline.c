/* cmdline: subcommand word splitting and option scanning. */
#include <string.h>
#include <strings.h>

#include "cmdline.h"

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int cmdline_split(const char *line, char *storage, size_t storage_len,
                  char *argv[CMDLINE_MAX_WORDS], const char **why)
{
    const char *p = line;
    size_t o = 0;
    int argc = 0;
    *why = NULL;
    while (is_blank(*p))
        p++;
    if (*p == '#')
        return 0;
    while (*p) {
        while (is_blank(*p))
            p++;
        if (*p == '\0')
            break;
        if (argc == CMDLINE_MAX_WORDS) {
            *why = "too many words";
            return -1;
        }
        argv[argc++] = storage + o;
        int quoted = 0;
        while (*p && (quoted || !is_blank(*p))) {
            char c = *p++;
            if (c == '"') {
                quoted = !quoted;
                continue;
            }
            if (quoted && c == '\\' && (*p == '"' || *p == '\\'))
                c = *p++;
            if (o + 1 >= storage_len) {
                *why = "line too long";
                return -1;
            }
            storage[o++] = c;
        }
        if (quoted) {
            *why = "unterminated quote";
            return -1;
        }
        if (o >= storage_len) {
            *why = "line too long";
            return -1;
        }
        storage[o++] = '\0';
    }
    return argc;
}

int cmdline_options(int argc, char **argv, const char *allowed, unsigned *flags, const char **bad)
{
    *flags = 0;
    *bad = NULL;
    int i = 1;
    for (; i < argc; i++) {
        const char *w = argv[i];
        if (w[0] != '-' || w[1] == '\0')
            break;
        if (strcmp(w, "--") == 0) {
            i++;
            break;
        }
        for (const char *c = w + 1; *c; c++) {
            if (*c < 'a' || *c > 'z' || allowed == NULL || strchr(allowed, *c) == NULL) {
                *bad = w;
                return -1;
            }
            *flags |= CMDLINE_OPT(*c);
        }
    }
    int skipped = i - 1;
    if (skipped > 0) {
        memmove(argv + 1, argv + i, (size_t)(argc - i) * sizeof *argv);
        argc -= skipped;
        argv[argc] = NULL;
    }
    return argc;
}

int cmdline_paren_option(int *argc, char **argv, const char *name, int min_names)
{
    if (*argc - 2 < min_names)
        return 0;
    const char *w = argv[*argc - 1];
    size_t n = strlen(name);
    if (w[0] != '(' || strncasecmp(w + 1, name, n) != 0 ||
        !(w[1 + n] == '\0' || (w[1 + n] == ')' && w[2 + n] == '\0')))
        return 0;
    argv[--*argc] = NULL;
    return 1;
}
