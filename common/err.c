/* err: formatting of error messages and the table of exit codes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"

int err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
    if (e == NULL)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->code = code;
    e->detail = ERR_DETAIL_NONE;
    return -1;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
    if (e == NULL)
        return -1;
    char head[ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    size_t hl = strlen(head);
    if (hl + 2 >= sizeof e->msg)
        hl = sizeof e->msg - 3;
    /* Shift the old message right to make room, cutting its end if need be. */
    size_t room = sizeof e->msg - hl - 2;
    size_t ol = strnlen(e->msg, sizeof e->msg - 1);
    if (ol >= room)
        ol = room - 1;
    memmove(e->msg + hl + 2, e->msg, ol);
    e->msg[hl + 2 + ol] = '\0';
    memcpy(e->msg, head, hl);
    e->msg[hl] = ':';
    e->msg[hl + 1] = ' ';
    return -1;
}

void err_clear(struct err *e)
{
    e->code = ERR_NONE;
    e->detail = ERR_DETAIL_NONE;
    e->msg[0] = '\0';
}

int err_exit_code(enum err_code code)
{
    switch (code) {
    case ERR_NONE:     return 0;
    case ERR_USAGE:    return 2;
    case ERR_CONNECT:  return 3;
    case ERR_TLS:      return 4;
    case ERR_LOGIN:    return 5;
    case ERR_SERVER:   return 6;
    case ERR_LOCAL:    return 7;
    case ERR_STORE:    return 8;
    case ERR_NOTFOUND: return 8;
    case ERR_VERIFY:   return 4;
    case ERR_INTERRUPTED: return 130;
    case ERR_INTERNAL: return 70;
    default:           return 70;
    }
}

void secret_wipe(void *p, size_t len)
{
    /* Unlike memset, never dropped for memory that is about to be freed. */
    explicit_bzero(p, len);
}
