/* prompt: reads a password from the terminal without echo. */
#ifndef COMMON_PROMPT_H
#define COMMON_PROMPT_H

#include <stddef.h>

#include "common/err.h"

/* Prompts on /dev/tty; fails when there is no terminal. */
int prompt_password(const char *prompt, char *out, size_t outlen, struct err *e) MUST_CHECK;

#endif
