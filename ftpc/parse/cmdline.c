/* cmdline: subcommand word splitting, option scanning and quoting for completion. */
#include <string.h>
#include <strings.h>

#include "ftpc/parse/cmdline.h"

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

int cmdline_word_at(const char *line, size_t end, char *word, size_t wordlen, size_t *word_start,
                    int *in_quote)
{
    size_t o = 0, start = 0;
    int quoted = 0, inside = 0;
    for (size_t i = 0; i < end && line[i] != '\0'; i++) {
        char c = line[i];
        if (!quoted && is_blank(c)) {
            inside = 0;
            o = 0;
            continue;
        }
        if (!inside) {
            inside = 1;
            start = i;
            o = 0;
        }
        if (c == '"') {
            quoted = !quoted;
            continue;
        }
        if (quoted && c == '\\' && i + 1 < end && (line[i + 1] == '"' || line[i + 1] == '\\'))
            c = line[++i];
        if (o + 1 >= wordlen)
            return -1;
        word[o++] = c;
    }
    if (wordlen > 0)
        word[o] = '\0';
    *word_start = inside ? start : end;
    *in_quote = quoted;
    return 0;
}

static int needs_quotes(const char *s)
{
    return s[strcspn(s, " \t\"\\")] != '\0';
}

int cmdline_quote_rest(const char *rest, int in_quote, char *out, size_t outlen)
{
    size_t o = 0;
    int quote = in_quote || needs_quotes(rest);
    if (quote && !in_quote) {
        if (o + 1 >= outlen)
            return -1;
        out[o++] = '"';
    }
    for (const char *p = rest; *p; p++) {
        int esc = quote && (*p == '"' || *p == '\\');
        if (o + 1 + (size_t)esc + 1 >= outlen)
            return -1;
        if (esc)
            out[o++] = '\\';
        out[o++] = *p;
    }
    if (quote) {
        if (o + 1 >= outlen)
            return -1;
        out[o++] = '"';
    }
    out[o] = '\0';
    return 0;
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
