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

/* For completion: the word that ends at line[end] (the cursor), unquoted
 * into word, where it starts in line, and whether a quote is still open.
 * -1 when it does not fit in word. */
int cmdline_word_at(const char *line, size_t end, char *word, size_t wordlen, size_t *word_start,
                    int *in_quote);

/* The text to insert after what was typed so that the word reads as
 * ...rest when split: inside an open quote, rest escaped and the quote
 * closed; outside, rest quoted when it holds blanks, quotes or
 * backslashes, else rest itself. -1 when it does not fit. */
int cmdline_quote_rest(const char *rest, int in_quote, char *out, size_t outlen);

#endif
