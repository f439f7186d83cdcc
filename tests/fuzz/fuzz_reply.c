/* Fuzz target: the FTP reply parser, reply after reply as a client reads them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"

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
    return 0;
}
