/* quoted_name: "name" with "" for one quote. */
#include "ftpc/parse/quoted_name.h"

/* The decoded length of the name, or 0 when the text holds none. */
static size_t decode(const char *text, size_t len, char *out, size_t outlen)
{
    if (len == 0 || text[0] != '"')
        return 0;
    size_t o = 0;
    for (size_t i = 1; i < len && text[i] != '\n'; i++) {
        char c = text[i];
        if (c == '\0')
            return 0; /* a C string cannot hold it */
        if (c == '"') {
            if (i + 1 < len && text[i + 1] == '"') {
                i++; /* "" is one quote */
            } else {
                int ends = i + 1 == len || text[i + 1] == ' ' || text[i + 1] == '\n';
                return ends ? o : 0;
            }
        }
        if (o + 1 >= outlen)
            return 0;
        out[o++] = c;
    }
    return 0; /* no closing quote on the first line */
}

int ftp_parse_quoted_name(const char *text, size_t len, char *out, size_t outlen)
{
    if (outlen == 0)
        return -1;
    size_t n = decode(text, len, out, outlen);
    out[n] = '\0';
    return n > 0 ? 0 : -1;
}
