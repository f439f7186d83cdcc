/*
 * cmdline: splits one subcommand line into words. Pure. Words are separated
 * by blanks; "double quotes" keep blanks inside a word and \" or \\ inside
 * quotes stand for the character. A line starting with # is a comment.
 */
#ifndef FTPC_CMDLINE_H
#define FTPC_CMDLINE_H

#include <stddef.h>

#define CMDLINE_MAX_WORDS 16

/* Fills argv with pointers into storage (at least strlen(line) + 1 bytes).
 * Returns the number of words (0 for blank or comment lines) or -1 with
 * *why set (unterminated quote, too many words). */
int cmdline_split(const char *line, char *storage, size_t storage_len,
                  char *argv[CMDLINE_MAX_WORDS], const char **why);

#endif
