/* strlist: a bounded list of strings (remote names for mget/mdelete). */
#ifndef FTPC_TRANSFER_STRLIST_H
#define FTPC_TRANSFER_STRLIST_H

#include <stddef.h>

#include "common/err.h"

#define STRLIST_MAX_ITEMS 100000

struct strlist {
    char **items;
    size_t n, cap;
};

void strlist_init(struct strlist *l);
/* Copies s (len bytes); -1 when full or out of memory. */
int strlist_add(struct strlist *l, const char *s, size_t len) MUST_CHECK;
void strlist_free(struct strlist *l);

#endif
