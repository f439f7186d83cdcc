/* netrc: .netrc parsing. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ftpc/parse/netrc.h"

struct lexer {
    const char *p, *end;
};

/* Next token into out; 0 at the end, -1 when too long. Quoted tokens may hold blanks. */
static int next(struct lexer *lx, char *out, size_t outlen)
{
    while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r'))
        lx->p++;
    if (lx->p >= lx->end)
        return 0;
    size_t o = 0;
    int quoted = *lx->p == '"';
    if (quoted)
        lx->p++;
    while (lx->p < lx->end) {
        char c = *lx->p;
        if (quoted ? c == '"' : (c == ' ' || c == '\t' || c == '\n' || c == '\r'))
            break;
        if (c == '\\' && lx->p + 1 < lx->end) {
            lx->p++;
            c = *lx->p;
        }
        if (o + 1 >= outlen)
            return -1;
        out[o++] = c;
        lx->p++;
    }
    if (quoted && lx->p < lx->end)
        lx->p++;
    out[o] = '\0';
    return 1;
}

static void skip_macdef(struct lexer *lx)
{
    /* A macro runs to the first empty line. */
    while (lx->p < lx->end) {
        const char *nl = memchr(lx->p, '\n', (size_t)(lx->end - lx->p));
        if (nl == NULL) {
            lx->p = lx->end;
            return;
        }
        lx->p = nl + 1;
        if (lx->p < lx->end && (*lx->p == '\n' || (*lx->p == '\r' && lx->p + 1 < lx->end && lx->p[1] == '\n')))
            return;
    }
}

int netrc_lookup(const char *text, size_t len, const char *host, struct netrc_entry *out,
                 const char **why)
{
    struct lexer lx = { text, text + len };
    char tok[256];
    int in_match = 0, found = 0, in_entry = 0;
    struct netrc_entry cur, dflt;
    int have_default = 0;
    memset(out, 0, sizeof *out);
    memset(&cur, 0, sizeof cur);
    memset(&dflt, 0, sizeof dflt);
    int r;
    while ((r = next(&lx, tok, sizeof tok)) > 0) {
        if (strcmp(tok, "machine") == 0 || strcmp(tok, "default") == 0) {
            if (in_match) {
                *out = cur;
                return 1;
            }
            int is_default = tok[0] == 'd';
            memset(&cur, 0, sizeof cur);
            in_entry = 1;
            if (is_default) {
                in_match = 0;
                have_default = 1;
                /* collect into dflt from now on */
                in_entry = 2;
                continue;
            }
            if (next(&lx, tok, sizeof tok) <= 0) {
                *why = "machine without a name";
                return -1;
            }
            in_match = strcasecmp(tok, host) == 0;
        } else if (strcmp(tok, "login") == 0 || strcmp(tok, "password") == 0 ||
                   strcmp(tok, "account") == 0) {
            char key = tok[0];
            if (!in_entry) {
                *why = "login or password outside a machine entry";
                return -1;
            }
            if (next(&lx, tok, sizeof tok) <= 0) {
                *why = "a keyword without its value";
                return -1;
            }
            struct netrc_entry *e = in_entry == 2 ? &dflt : &cur;
            if (key == 'l') {
                snprintf(e->login, sizeof e->login, "%s", tok);
                e->has_login = 1;
            } else if (key == 'p') {
                snprintf(e->password, sizeof e->password, "%s", tok);
                e->has_password = 1;
            }
        } else if (strcmp(tok, "macdef") == 0) {
            skip_macdef(&lx);
        } else {
            *why = "unknown keyword";
            return -1;
        }
    }
    if (r < 0) {
        *why = "a token longer than 255 bytes";
        return -1;
    }
    if (in_match) {
        *out = cur;
        found = 1;
    } else if (have_default) {
        *out = dflt;
        found = 1;
    }
    memset(&cur, 0, sizeof cur);
    memset(&dflt, 0, sizeof dflt);
    return found;
}
