/* cmdline: subcommand word splitting. */
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
