/*
 * options: command-line options read from a table. Each entry names an
 * option, says whether it takes a value, and what it sets. Long options
 * take their value as "--name value" or "--name=value", short ones as
 * "-n value". Errors (unknown option, missing or unwanted value) are
 * ERR_USAGE with a message that names the option.
 */
#ifndef COMMON_OPTIONS_H
#define COMMON_OPTIONS_H

#include "common/err.h"

#define OPTIONS_MAX_POS 1024 /* positional words options_parse keeps */

enum opt_kind {
    OPT_FLAG,   /* sets *flag to 1 */
    OPT_UNSET,  /* sets *flag to 0 (--passive after --active) */
    OPT_VALUE,  /* sets *value to the option's value */
    OPT_STOP,   /* sets *flag to 1 and ends the options (--help, --version) */
    OPT_REPEAT, /* appends the value to value[*flag] (at most OPTIONS_MAX_REPEAT) */
};

#define OPTIONS_MAX_REPEAT 16 /* values one OPT_REPEAT option keeps */

struct opt {
    const char *name;   /* "--json" or "-s" */
    enum opt_kind kind;
    int *flag;          /* OPT_FLAG, OPT_UNSET, OPT_STOP; OPT_REPEAT: the count */
    const char **value; /* OPT_VALUE; OPT_REPEAT: an array of OPTIONS_MAX_REPEAT */
};

/* Splits argv into options, anywhere, and positional words (at most
 * OPTIONS_MAX_POS). "-" is positional; "--" ends options. opts ends with
 * an entry whose name is NULL; NULL opts means no options. */
int options_parse(int argc, char **argv, const struct opt *opts, char **pos, int *npos,
                  struct err *e) MUST_CHECK;

/* Reads the options in front of the first positional word ("-" is one;
 * "--" ends options and is skipped); *next is the index of that word (argc
 * when none). */
int options_front(int argc, char **argv, const struct opt *opts, int *next,
                  struct err *e) MUST_CHECK;

#endif
