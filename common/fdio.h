/* fdio: plain file-descriptor I/O that survives signals and short writes. */
#ifndef COMMON_FDIO_H
#define COMMON_FDIO_H

#include <stddef.h>

#include "common/err.h"

/* Writes all n bytes, retrying on EINTR and short writes. 0, or -1 with errno set. */
int fd_write_all(int fd, const void *p, size_t n) MUST_CHECK;

#endif
