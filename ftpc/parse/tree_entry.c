/* tree_entry: MLSD lines as tree entries, and UTC times as seconds. */
#include <string.h>

#include "ftpc/parse/facts.h"
#include "ftpc/parse/tree_entry.h"

/* Days from 1970-01-01 to year-month-day of the proleptic Gregorian
 * calendar (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (int64_t)d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t ftp_time_epoch(const struct ftp_time *t)
{
    int64_t days = days_from_civil((int64_t)t->year, t->month, t->day);
    return days * 86400 + (int64_t)t->hour * 3600 + (int64_t)t->minute * 60 + (int64_t)t->second;
}

static enum tree_kind kind_of(enum ftp_entry_type type)
{
    switch (type) {
    case ENTRY_FILE: return TREE_FILE;
    case ENTRY_DIR:  return TREE_FOLDER;
    case ENTRY_LINK: return TREE_LINK;
    default:         return TREE_OTHER;
    }
}

int tree_parse_mlsd_line(const char *line, size_t len, struct tree_entry *e, const char **name,
                         size_t *name_len)
{
    memset(e, 0, sizeof *e);
    struct ftp_facts f;
    if (ftp_parse_fact_line(line, len, &f, name, name_len) != 0 || !(f.have & FTP_FACT_TYPE))
        return -1;
    if (f.listed_folder)
        return 1;
    e->kind = kind_of(f.type);
    e->has_size = (f.have & FTP_FACT_SIZE) != 0;
    e->size = f.size;
    e->has_mtime = (f.have & FTP_FACT_MODIFY) != 0;
    if (e->has_mtime)
        e->mtime = ftp_time_epoch(&f.modify);
    e->has_mode = (f.have & FTP_FACT_UNIX_MODE) != 0;
    e->mode = f.unix_mode & 07777;
    if (e->kind == TREE_LINK && f.link_target_len > 0) {
        e->target = f.link_target;
        e->target_len = f.link_target_len;
    }
    return 0;
}
