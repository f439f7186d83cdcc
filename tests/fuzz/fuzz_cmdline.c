/* Fuzz target: what batch files and command lines feed ftpc: subcommand
 * lines, URLs (and their redaction for messages), .netrc text, and the
 * quoting of names that tab completion inserts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/visible.h"
#include "ftpc/parse/cmdline.h"
#include "ftpc/parse/netrc.h"
#include "ftpc/parse/url.h"

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
    size_t off, len;
    if (url_password_span(text, &off, &len)) {
        char shown[8192];
        url_redact(text, shown, sizeof shown);
        if (len > 4 && strlen(text) < sizeof shown && strstr(shown, "****") == NULL)
            abort();
    }
    /* A name completion inserts reads back as exactly that one word. */
    char quoted[4 * 8192], line[4 * 8192 + 8], w2[4 * 8192 + 8];
    char *av[CMDLINE_MAX_WORDS];
    if (size > 0 && size < 8192 && visible_is_clean(text, size, 0) && strlen(text) == size &&
        cmdline_quote_rest(text, 0, quoted, sizeof quoted) == 0) {
        snprintf(line, sizeof line, "get %s", quoted);
        if (cmdline_split(line, w2, sizeof w2, av, &why) != 2 || strcmp(av[1], text) != 0)
            abort();
        size_t ws;
        int q;
        char word[8192];
        if (cmdline_word_at(line, strlen(line), word, sizeof word, &ws, &q) != 0 || q != 0 ||
            strcmp(word, text) != 0 || ws != 4)
            abort();
    }
    struct netrc_entry n;
    (void)netrc_lookup((const char *)data, size, "example.com", &n, &why);
    free(text);
    return 0;
}
