/* listing: MLSD lines. */
#include <string.h>

#include "ftpc/parse/listing.h"

static int set_name(struct ftp_entry *e, const char *p, size_t n)
{
    if (n == 0 || n >= sizeof e->name || memchr(p, '\0', n) != NULL || memchr(p, '/', n) != NULL)
        return -1;
    memcpy(e->name, p, n);
    e->name[n] = '\0';
    return 0;
}

int ftp_parse_mlsd_line(const char *line, size_t len, struct ftp_entry *e)
{
    memset(e, 0, sizeof *e);
    e->type = ENTRY_OTHER;
    struct ftp_facts f;
    const char *name;
    size_t name_len;
    if (ftp_parse_fact_line(line, len, &f, &name, &name_len) != 0 || !(f.have & FTP_FACT_TYPE))
        return -1;
    if (f.listed_folder)
        return 1;
    e->type = f.type;
    e->size = f.size;
    e->has_size = (f.have & FTP_FACT_SIZE) != 0;
    return set_name(e, name, name_len);
}
