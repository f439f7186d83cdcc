/*
 * cmdline: splits one subcommand line into words. Pure. Words are separated
 * by blanks; "double quotes" keep blanks inside a word and \" or \\ inside
 * quotes stand for the character. A line starting with # is a comment.
 */
#ifndef FTPC_PARSE_CMDLINE_H
#define FTPC_PARSE_CMDLINE_H

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

/* One bit per option letter a-z, for cmdline_options. */
#define CMDLINE_OPT(c) (1u << ((c) - 'a'))

/* The options of a split subcommand line (the one scanner for every
 * subcommand): the words after argv[0] that start with '-', up to the first
 * other word; "--" ends the options and is removed, so a name starting with
 * '-' can follow it; "-" alone is a name (standard input or output).
 * allowed: the lower-case letters the subcommand takes ("f"); letters may
 * be grouped ("-fx"); allowed NULL takes none. The options are removed
 * from argv (argv[0] and the names move down, in order; a freed slot after
 * them becomes NULL) and their bits set in *flags. Returns the new argc, or
 * -1 with *bad pointing at the offending word. Pure. */
int cmdline_options(int argc, char **argv, const char *allowed, unsigned *flags, const char **bad);

/* IBM i style: a last word "(NAME" or "(NAME)" (any case), such as
 * "(REPLACE", after at least min_names names. Returns 1 and removes it
 * from argv (*argc one less), else 0. */
int cmdline_paren_option(int *argc, char **argv, const char *name, int min_names);

#endif
