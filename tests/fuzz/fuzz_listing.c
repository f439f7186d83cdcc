/* Fuzz target: MLSD listings, line by line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ftpc/parse/listing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        struct ftp_entry e;
        if (ftp_parse_mlsd_line(p, n, &e) == 0 && (e.name[0] == '\0' || strchr(e.name, '/')))
            abort();
        p += n + 1;
    }
    return 0;
}
