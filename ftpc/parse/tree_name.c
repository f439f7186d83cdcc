/* tree_name: the one check of a remote name before it becomes a local path. */
#include <string.h>

#include "ftpc/parse/tree_name.h"

int tree_name_check(const char *name, size_t len, const char **why)
{
    if (len == 0) {
        *why = "is empty";
        return -1;
    }
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.')) {
        *why = "is . or .. (a way out of the folder)";
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '/') {
            *why = i == 0 ? "is an absolute path" : "holds '/' (a path, not a name)";
            return -1;
        }
        if (c == '\\') {
            *why = "holds '\\' (a path separator on some systems)";
            return -1;
        }
        if (c == '\0') {
            *why = "holds a NUL byte";
            return -1;
        }
        if (c < 0x20 || c == 0x7f) {
            *why = "holds a control character";
            return -1;
        }
    }
    return 0;
}
