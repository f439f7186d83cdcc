/* listing: MLSD and Unix LIST line parsers. */
#include <string.h>
#include <strings.h>

#include "ftpc/parse/listing.h"

static int set_name(struct ftp_entry *e, const char *p, size_t n)
{
    if (n == 0 || n >= sizeof e->name || memchr(p, '\0', n) != NULL || memchr(p, '/', n) != NULL)
        return -1;
    memcpy(e->name, p, n);
    e->name[n] = '\0';
    return 0;
}

static int parse_u64(const char *p, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0 || n > 20)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        uint64_t d = (uint64_t)(p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int ftp_parse_mlsd_line(const char *line, size_t len, struct ftp_entry *e)
{
    memset(e, 0, sizeof *e);
    e->type = ENTRY_OTHER;
    const char *sp = memchr(line, ' ', len);
    if (sp == NULL)
        return -1;
    /* Facts: "name=value;" each, up to the blank before the name. */
    const char *p = line;
    int have_type = 0;
    while (p < sp) {
        const char *semi = memchr(p, ';', (size_t)(sp - p));
        if (semi == NULL)
            return -1;
        const char *eq = memchr(p, '=', (size_t)(semi - p));
        if (eq == NULL)
            return -1;
        size_t klen = (size_t)(eq - p), vlen = (size_t)(semi - eq - 1);
        const char *v = eq + 1;
        if (klen == 4 && strncasecmp(p, "type", 4) == 0) {
            have_type = 1;
            if (vlen == 4 && strncasecmp(v, "file", 4) == 0)
                e->type = ENTRY_FILE;
            else if (vlen == 3 && strncasecmp(v, "dir", 3) == 0)
                e->type = ENTRY_DIR;
            else if ((vlen == 4 && (strncasecmp(v, "cdir", 4) == 0 || strncasecmp(v, "pdir", 4) == 0)))
                return 1; /* the folder itself or its parent */
            else if (vlen >= 7 && strncasecmp(v, "OS.unix", 7) == 0)
                e->type = ENTRY_LINK;
        } else if (klen == 4 && strncasecmp(p, "size", 4) == 0) {
            if (parse_u64(v, vlen, &e->size) != 0)
                return -1;
            e->has_size = 1;
        }
        p = semi + 1;
    }
    if (!have_type)
        return -1;
    return set_name(e, sp + 1, (size_t)(line + len - sp - 1));
}

/* The next blank-separated field at *p (before end); its length in *n. */
static const char *field(const char **p, const char *end, size_t *n)
{
    while (*p < end && **p == ' ')
        (*p)++;
    const char *start = *p;
    while (*p < end && **p != ' ')
        (*p)++;
    *n = (size_t)(*p - start);
    return *n ? start : NULL;
}

int ftp_parse_list_line(const char *line, size_t len, struct ftp_entry *e)
{
    memset(e, 0, sizeof *e);
    const char *p = line, *end = line + len;
    size_t n;
    const char *perms = field(&p, end, &n);
    if (perms == NULL)
        return -1;
    if (n >= 5 && strncmp(perms, "total", 5) == 0)
        return 1;
    if (n != 10 && n != 11)
        return -1;
    switch (perms[0]) {
    case '-': e->type = ENTRY_FILE; break;
    case 'd': e->type = ENTRY_DIR; break;
    case 'l': e->type = ENTRY_LINK; break;
    default:  e->type = ENTRY_OTHER; break;
    }
    /* links, owner, group (some servers leave it out), size, month, day, time or year */
    const char *f[7];
    size_t fl[7];
    for (int i = 0; i < 7; i++)
        if ((f[i] = field(&p, end, &fl[i])) == NULL)
            return -1;
    int size_at = 3;
    if (parse_u64(f[3], fl[3], &e->size) != 0) {
        /* No group: owner, size, month, day, time; the name starts at f[6]. */
        if (parse_u64(f[2], fl[2], &e->size) != 0)
            return -1;
        size_at = 2;
    }
    e->has_size = 1;
    const char *name = size_at == 3 ? p : f[6];
    if (size_at == 3) {
        while (name < end && *name == ' ')
            name++;
    }
    size_t nlen = (size_t)(end - name);
    if (e->type == ENTRY_LINK) {
        /* "name -> target" */
        for (size_t i = 0; i + 4 <= nlen; i++)
            if (memcmp(name + i, " -> ", 4) == 0) {
                nlen = i;
                break;
            }
    }
    if ((nlen == 1 && name[0] == '.') || (nlen == 2 && name[0] == '.' && name[1] == '.'))
        return 1;
    return set_name(e, name, nlen);
}
