/* scope: path prefixes on whole names. */
#include <string.h>

#include "sandbox/sandbox.h"

int sandbox_path_within(const char *root, const char *path)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return path[0] == '/';
    /* "/a/bc" is not below "/a/b". */
    return strncmp(root, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}
