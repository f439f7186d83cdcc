/* options: the one option parser of ftpc and trustd. */
#include <string.h>

#include "common/options.h"

static int is_positional(const char *a)
{
    return a[0] != '-' || strcmp(a, "-") == 0;
}

/* Applies the option at argv[*i] (moving *i past a separate value). Sets
 * *stop for an OPT_STOP option. */
static int apply_option(int argc, char **argv, int *i, const struct opt *opts, int *stop,
                        struct err *e)
{
    const char *a = argv[*i];
    /* Only a long option carries "=value". */
    const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
    size_t namelen = eq ? (size_t)(eq - a) : strlen(a);
    const struct opt *o = opts;
    for (; o && o->name; o++)
        if (strlen(o->name) == namelen && strncmp(o->name, a, namelen) == 0)
            break;
    if (o == NULL || o->name == NULL)
        return err_set(e, ERR_USAGE, "unknown option %s", a);
    int takes_value = o->kind == OPT_VALUE || o->kind == OPT_REPEAT;
    if (!takes_value && eq)
        return err_set(e, ERR_USAGE, "option %s takes no value", o->name);
    switch (o->kind) {
    case OPT_FLAG:
        *o->flag = 1;
        break;
    case OPT_UNSET:
        *o->flag = 0;
        break;
    case OPT_STOP:
        *o->flag = 1;
        *stop = 1;
        break;
    case OPT_VALUE:
    case OPT_REPEAT: {
        const char *v = NULL;
        if (eq)
            v = eq + 1;
        else if (*i + 1 < argc)
            v = argv[++*i];
        else
            return err_set(e, ERR_USAGE, "option %s needs a value", o->name);
        if (o->kind == OPT_VALUE) {
            *o->value = v;
        } else if (*o->flag >= OPTIONS_MAX_REPEAT) {
            return err_set(e, ERR_USAGE, "option %s given more than %d times", o->name,
                           OPTIONS_MAX_REPEAT);
        } else {
            o->value[(*o->flag)++] = v;
        }
        break;
    }
    }
    return 0;
}

int options_parse(int argc, char **argv, const struct opt *opts, char **pos, int *npos,
                  struct err *e)
{
    *npos = 0;
    int only_pos = 0, stop = 0;
    for (int i = 0; i < argc; i++) {
        if (only_pos || stop || is_positional(argv[i])) {
            if (*npos == OPTIONS_MAX_POS)
                return err_set(e, ERR_USAGE, "too many arguments");
            pos[(*npos)++] = argv[i];
        } else if (strcmp(argv[i], "--") == 0) {
            only_pos = 1;
        } else if (apply_option(argc, argv, &i, opts, &stop, e) != 0) {
            return -1;
        }
    }
    return 0;
}

int options_front(int argc, char **argv, const struct opt *opts, int *next, struct err *e)
{
    int i = 0, stop = 0;
    for (; i < argc && !stop && !is_positional(argv[i]); i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (apply_option(argc, argv, &i, opts, &stop, e) != 0)
            return -1;
    }
    *next = i;
    return 0;
}
