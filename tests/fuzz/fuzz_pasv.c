/* Fuzz target: the EPSV and PASV reply parsers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ftpc/parse/pasv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    unsigned port = 0;
    unsigned char addr[4];
    if (ftp_parse_epsv(text, &port) == 0 && (port < 1 || port > 65535))
        abort();
    if (ftp_parse_pasv(text, addr, &port) == 0 && (port < 1 || port > 65535))
        abort();
    free(text);
    return 0;
}
