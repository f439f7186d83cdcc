/* ascii: TYPE A line-end conversion. */
#include "ftpc/parse/ascii.h"

size_t ascii_to_local(const char *in, size_t n, char *out, int *pending_cr)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (*pending_cr) {
            *pending_cr = 0;
            if (c == '\n') {
                out[o++] = '\n';
                continue;
            }
            out[o++] = '\r';
        }
        if (c == '\r')
            *pending_cr = 1;
        else
            out[o++] = c;
    }
    return o;
}

size_t ascii_to_local_end(char *out, int *pending_cr)
{
    if (!*pending_cr)
        return 0;
    *pending_cr = 0;
    out[0] = '\r';
    return 1;
}

size_t ascii_to_network(const char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i] == '\n')
            out[o++] = '\r';
        out[o++] = in[i];
    }
    return o;
}
