/* localpolicy: where a download may land, decided from stat data. */
#include <stddef.h>

#include "ftpc/parse/localpolicy.h"

int local_folder_open_to_others(mode_t folder_mode)
{
    return (folder_mode & (S_ISVTX | S_IWOTH)) != 0;
}

enum local_verdict local_decide(const struct stat *dest, mode_t folder_mode, uid_t uid,
                                unsigned how)
{
    if (dest == NULL)
        return LV_CREATE;
    mode_t m = dest->st_mode;
    if (S_ISLNK(m))
        return LV_SYMLINK;
    if (S_ISDIR(m))
        return LV_FOLDER;
    /* protected_regular and protected_fifos: another user's entry in a
     * folder others may write is theirs to swap, so never ours to write. */
    if (dest->st_uid != uid && local_folder_open_to_others(folder_mode))
        return LV_FOREIGN;
    if (S_ISCHR(m) || S_ISBLK(m) || S_ISFIFO(m))
        return (how & LP_APPEND) ? LV_NOT_REGULAR : LV_DIRECT;
    if (!S_ISREG(m))
        return LV_NOT_REGULAR;
    if (how & LP_APPEND)
        return LV_APPEND;
    return (how & LP_REPLACE) ? LV_REPLACE : LV_EXISTS;
}

enum part_verdict local_decide_part(const struct stat *part, uid_t uid, int resume)
{
    if (part == NULL)
        return PV_CREATE;
    mode_t m = part->st_mode;
    if (S_ISLNK(m))
        return PV_SYMLINK;
    if (S_ISDIR(m))
        return PV_FOLDER;
    if (!S_ISREG(m))
        return PV_SPECIAL;
    if (part->st_uid != uid)
        return PV_FOREIGN;
    return resume ? PV_RESUME : PV_STALE;
}

mode_t local_final_mode(const struct stat *dest, uid_t uid, mode_t umask_bits)
{
    if (dest != NULL && S_ISREG(dest->st_mode) && dest->st_uid == uid)
        return dest->st_mode & 0777;
    return 0666 & ~umask_bits & 0777;
}

const char *local_kind_name(mode_t mode)
{
    if (S_ISLNK(mode))
        return "a symbolic link";
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISREG(mode))
        return "a regular file";
    return "not a regular file";
}
