/*
 * crc32: the CRC-32 of ISO 3309 and zlib (reflected, polynomial
 * 0xEDB88320), the value XCRC replies carry. Pure, unit tested.
 */
#ifndef FTPC_PARSE_CRC32_H
#define FTPC_PARSE_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* The CRC of what came before (0 at the start) continued over p[0..n). */
uint32_t ftp_crc32_update(uint32_t crc, const void *p, size_t n);

#endif
