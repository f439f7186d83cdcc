/* strlist: bounded string list. */
#include <stdlib.h>
#include <string.h>

#include "ftpc/transfer/strlist.h"

void strlist_init(struct strlist *l)
{
    l->items = NULL;
    l->n = l->cap = 0;
}

int strlist_add(struct strlist *l, const char *s, size_t len)
{
    if (l->n == STRLIST_MAX_ITEMS)
        return -1;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **items = realloc(l->items, cap * sizeof *items);
        if (items == NULL)
            return -1;
        l->items = items;
        l->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, s, len);
    copy[len] = '\0';
    l->items[l->n++] = copy;
    return 0;
}

void strlist_free(struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    strlist_init(l);
}
