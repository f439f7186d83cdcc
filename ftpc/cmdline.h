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
