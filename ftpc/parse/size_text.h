/* size_text: a byte count for people ("12.3 MB", "1.0 GB"), in messages. */
#ifndef FTPC_PARSE_SIZE_TEXT_H
#define FTPC_PARSE_SIZE_TEXT_H

#include <stddef.h>
#include <stdint.h>

void size_text(uint64_t n, char *out, size_t outlen);

#endif
