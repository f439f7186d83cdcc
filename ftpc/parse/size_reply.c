/* size_reply: SIZE replies and the size announced by a 150 reply. */
#include <string.h>

#include "ftpc/parse/number.h"
#include "ftpc/parse/size_reply.h"

int ftp_parse_size_reply(const char *text, size_t len, uint64_t *size)
{
    return parse_digits_u64(text, len, size);
}

int ftp_parse_announced_size(const char *text, size_t len, uint64_t *size)
{
    static const char TAIL[] = " bytes)";
    const char *open = NULL;
    for (size_t i = len; i > 0; i--)
        if (text[i - 1] == '(') {
            open = text + i - 1;
            break;
        }
    if (open == NULL)
        return -1;
    const char *p = open + 1;
    size_t rest = (size_t)(text + len - p);
    size_t n = count_digits(p, rest);
    if (rest - n < sizeof TAIL - 1 || memcmp(p + n, TAIL, sizeof TAIL - 1) != 0)
        return -1;
    return parse_digits_u64(p, n, size);
}
