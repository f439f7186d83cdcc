/* Fuzz target: the FTP reply parser, reply after reply as a client reads
 * them, and the escaping every server text goes through before it is
 * printed (visible.h): its output must never need escaping again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/ftp_reply.h"
#include "common/visible.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ftp_reply r;
    size_t pos = 0;
    while (pos < size) {
        size_t used = 0;
        const char *why = NULL;
        enum ftp_parse p = ftp_reply_parse((const char *)data + pos, size - pos, &r, &used, &why);
        if (p != FTP_PARSE_OK)
            break;
        if (used == 0 || used > size - pos || r.code < 100 || r.code > 599 || strlen(r.text) != r.text_len)
            abort();
        pos += used;
    }
    static char shown[4 * 65536 + 1];
    for (unsigned flags = 0; flags <= VIS_KEEP_NL; flags += VIS_KEEP_NL) {
        size_t need = visible_copy(shown, sizeof shown, (const char *)data, size, flags);
        size_t len = strlen(shown);
        if ((need < sizeof shown && need != len) || len > need || !visible_is_clean(shown, len, flags))
            abort();
        /* Cut short, the copy still ends on a whole escape or character. */
        char small[7];
        visible_copy(small, sizeof small, (const char *)data, size, flags);
        if (!visible_is_clean(small, strlen(small), flags))
            abort();
    }
    return 0;
}
