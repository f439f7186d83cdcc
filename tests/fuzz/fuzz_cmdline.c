/* Fuzz target: what batch files and command lines feed ftpc: subcommand
 * lines, URLs and .netrc text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "netrc.h"
#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char words[8192];
    char *argv[CMDLINE_MAX_WORDS];
    const char *why;
    int argc = cmdline_split(text, words, sizeof words, argv, &why);
    for (int i = 0; i < argc; i++)
        if (argv[i] < words || argv[i] >= words + sizeof words)
            abort();
    struct ftp_url u;
    if (url_parse(text, &u, &why) == 0 && (strpbrk(u.path, "\r\n") || u.host[0] == '\0'))
        abort();
    struct netrc_entry n;
    (void)netrc_lookup((const char *)data, size, "example.com", &n, &why);
    free(text);
    return 0;
}
