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

int err_suffix(struct err *e, const char *fmt, ...)
{
    if (e == NULL)
        return -1;
    size_t ol = strnlen(e->msg, sizeof e->msg - 1);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg + ol, sizeof e->msg - ol, fmt, ap);
    va_end(ap);
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

/* One row per code, one column per program (enum err_program). */
static const unsigned char EXIT_CODES[][2] = {
    [ERR_NONE]        = { 0, 0 },
    [ERR_USAGE]       = { 2, 2 },
    [ERR_CONNECT]     = { 3, 1 },
    [ERR_TLS]         = { 4, 1 },
    [ERR_LOGIN]       = { 5, 1 },
    [ERR_SERVER]      = { 6, 1 },
    [ERR_LOCAL]       = { 7, 1 },
    [ERR_STORE]       = { 8, 1 },
    [ERR_NOTFOUND]    = { 8, 3 },
    [ERR_VERIFY]      = { 4, 4 },
    [ERR_INTERRUPTED] = { 130, 1 },
    [ERR_INTERNAL]    = { 70, 1 },
};

int err_exit_code(enum err_program p, enum err_code code)
{
    size_t column = p == ERR_PROGRAM_TRUSTD ? 1 : 0;
    if ((size_t)code >= sizeof EXIT_CODES / sizeof EXIT_CODES[0])
        code = ERR_INTERNAL;
    return EXIT_CODES[code][column];
}

void secret_wipe(void *p, size_t len)
{
    /* Unlike memset, never dropped for memory that is about to be freed. */
    explicit_bzero(p, len);
}
