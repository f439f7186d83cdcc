/* crc32: CRC-32, bit by bit (XCRC is the last resort of --verify; no table needed). */
#include "ftpc/parse/crc32.h"

uint32_t ftp_crc32_update(uint32_t crc, const void *p, size_t n)
{
    const unsigned char *b = p;
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= b[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}
