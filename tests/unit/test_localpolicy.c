/* Unit tests of the local-file decisions: replace or not, which bits, and
 * what to do with NAME.part, from stat data alone. */
#include <sys/stat.h>

#include "ftpc/parse/localpolicy.h"
#include "tests/unit/expect.h"

#define ME 1000
#define OTHER 1001

static struct stat entry(mode_t mode, uid_t uid)
{
    struct stat sb;
    memset(&sb, 0, sizeof sb);
    sb.st_mode = mode;
    sb.st_uid = uid;
    return sb;
}

static const mode_t PRIVATE_DIR = S_IFDIR | 0755;
static const mode_t TMP_DIR = S_IFDIR | 01777;
static const mode_t OPEN_DIR = S_IFDIR | 0777;      /* o+w, no sticky bit */
static const mode_t GROUP_STICKY = S_IFDIR | 01770; /* sticky, others may not write */

static void folders(void)
{
    EXPECT(!local_folder_open_to_others(PRIVATE_DIR));
    EXPECT(!local_folder_open_to_others(S_IFDIR | 0775));
    EXPECT(local_folder_open_to_others(TMP_DIR));
    EXPECT(local_folder_open_to_others(OPEN_DIR));
    EXPECT(local_folder_open_to_others(GROUP_STICKY));
}

static void destination(void)
{
    struct stat mine = entry(S_IFREG | 0644, ME), theirs = entry(S_IFREG | 0644, OTHER);
    /* Nothing there: a new file, whatever the folder. */
    EXPECT_EQ_INT(local_decide(NULL, TMP_DIR, ME, 0), LV_CREATE);
    EXPECT_EQ_INT(local_decide(NULL, PRIVATE_DIR, ME, LP_APPEND), LV_CREATE);
    /* An existing file: only on an explicit choice. */
    EXPECT_EQ_INT(local_decide(&mine, PRIVATE_DIR, ME, 0), LV_EXISTS);
    EXPECT_EQ_INT(local_decide(&mine, PRIVATE_DIR, ME, LP_REPLACE), LV_REPLACE);
    EXPECT_EQ_INT(local_decide(&mine, TMP_DIR, ME, LP_REPLACE), LV_REPLACE);
    /* Another user's file: never in a folder others may write ... */
    EXPECT_EQ_INT(local_decide(&theirs, TMP_DIR, ME, LP_REPLACE), LV_FOREIGN);
    EXPECT_EQ_INT(local_decide(&theirs, TMP_DIR, ME, 0), LV_FOREIGN);
    EXPECT_EQ_INT(local_decide(&theirs, OPEN_DIR, ME, LP_REPLACE), LV_FOREIGN);
    EXPECT_EQ_INT(local_decide(&theirs, GROUP_STICKY, ME, LP_REPLACE), LV_FOREIGN);
    EXPECT_EQ_INT(local_decide(&theirs, TMP_DIR, ME, LP_APPEND), LV_FOREIGN);
    /* ... root included (protected_regular holds for root too). */
    EXPECT_EQ_INT(local_decide(&theirs, TMP_DIR, 0, LP_REPLACE), LV_FOREIGN);
    /* Elsewhere it may be replaced (a new inode; its bits are not taken). */
    EXPECT_EQ_INT(local_decide(&theirs, PRIVATE_DIR, 0, LP_REPLACE), LV_REPLACE);
    /* Links and folders: never. */
    struct stat link = entry(S_IFLNK | 0777, ME), dir = entry(S_IFDIR | 0755, ME);
    EXPECT_EQ_INT(local_decide(&link, PRIVATE_DIR, ME, LP_REPLACE), LV_SYMLINK);
    EXPECT_EQ_INT(local_decide(&link, PRIVATE_DIR, ME, LP_APPEND), LV_SYMLINK);
    EXPECT_EQ_INT(local_decide(&dir, PRIVATE_DIR, ME, LP_REPLACE), LV_FOLDER);
    /* Devices and pipes are written directly, not replaced; never resumed. */
    struct stat null = entry(S_IFCHR | 0666, 0), fifo = entry(S_IFIFO | 0600, ME),
                theirfifo = entry(S_IFIFO | 0666, OTHER), sock = entry(S_IFSOCK | 0755, ME);
    EXPECT_EQ_INT(local_decide(&null, PRIVATE_DIR, ME, 0), LV_DIRECT);
    EXPECT_EQ_INT(local_decide(&fifo, TMP_DIR, ME, 0), LV_DIRECT);
    EXPECT_EQ_INT(local_decide(&theirfifo, TMP_DIR, ME, 0), LV_FOREIGN);
    EXPECT_EQ_INT(local_decide(&null, PRIVATE_DIR, ME, LP_APPEND), LV_NOT_REGULAR);
    EXPECT_EQ_INT(local_decide(&sock, PRIVATE_DIR, ME, 0), LV_NOT_REGULAR);
    /* reget without a part: append to the user's own file. */
    EXPECT_EQ_INT(local_decide(&mine, TMP_DIR, ME, LP_APPEND), LV_APPEND);
}

static void part(void)
{
    struct stat mine = entry(S_IFREG | 0600, ME), theirs = entry(S_IFREG | 0600, OTHER);
    EXPECT_EQ_INT(local_decide_part(NULL, ME, 0), PV_CREATE);
    EXPECT_EQ_INT(local_decide_part(NULL, ME, 1), PV_CREATE);
    EXPECT_EQ_INT(local_decide_part(&mine, ME, 1), PV_RESUME);
    EXPECT_EQ_INT(local_decide_part(&mine, ME, 0), PV_STALE);
    EXPECT_EQ_INT(local_decide_part(&theirs, ME, 0), PV_FOREIGN);
    EXPECT_EQ_INT(local_decide_part(&theirs, ME, 1), PV_FOREIGN);
    EXPECT_EQ_INT(local_decide_part(&theirs, 0, 1), PV_FOREIGN);
    struct stat link = entry(S_IFLNK | 0777, ME), fifo = entry(S_IFIFO | 0600, ME),
                sock = entry(S_IFSOCK | 0600, ME), chr = entry(S_IFCHR | 0600, ME),
                dir = entry(S_IFDIR | 0700, ME);
    EXPECT_EQ_INT(local_decide_part(&link, ME, 0), PV_SYMLINK);
    EXPECT_EQ_INT(local_decide_part(&link, ME, 1), PV_SYMLINK);
    EXPECT_EQ_INT(local_decide_part(&fifo, ME, 1), PV_SPECIAL);
    EXPECT_EQ_INT(local_decide_part(&sock, ME, 0), PV_SPECIAL);
    EXPECT_EQ_INT(local_decide_part(&chr, ME, 0), PV_SPECIAL);
    EXPECT_EQ_INT(local_decide_part(&dir, ME, 0), PV_FOLDER);
}

static void modes(void)
{
    /* New: 0666 & ~umask. */
    EXPECT_EQ_INT(local_final_mode(NULL, ME, 022), 0644);
    EXPECT_EQ_INT(local_final_mode(NULL, ME, 027), 0640);
    EXPECT_EQ_INT(local_final_mode(NULL, ME, 0), 0666);
    EXPECT_EQ_INT(local_final_mode(NULL, ME, 0777), 0);
    /* The user's own file keeps its bits & 0777: no setuid, setgid, sticky. */
    struct stat mine = entry(S_IFREG | 0604, ME);
    EXPECT_EQ_INT(local_final_mode(&mine, ME, 077), 0604);
    mine = entry(S_IFREG | 07755, ME);
    EXPECT_EQ_INT(local_final_mode(&mine, ME, 022), 0755);
    mine = entry(S_IFREG | 04700, ME);
    EXPECT_EQ_INT(local_final_mode(&mine, ME, 0), 0700);
    /* Another user's file lends nothing: 0666 & ~umask. */
    struct stat theirs = entry(S_IFREG | 06777, OTHER);
    EXPECT_EQ_INT(local_final_mode(&theirs, ME, 022), 0644);
    EXPECT_EQ_INT(local_final_mode(&theirs, 0, 077), 0600);
    /* Not a regular file: as new. */
    struct stat link = entry(S_IFLNK | 0777, ME);
    EXPECT_EQ_INT(local_final_mode(&link, ME, 022), 0644);
}

static void kinds(void)
{
    EXPECT_EQ_STR(local_kind_name(S_IFIFO | 0600), "a FIFO");
    EXPECT_EQ_STR(local_kind_name(S_IFSOCK | 0600), "a socket");
    EXPECT_EQ_STR(local_kind_name(S_IFLNK | 0777), "a symbolic link");
    EXPECT_EQ_STR(local_kind_name(S_IFCHR | 0666), "a character device");
}

int main(void)
{
    folders();
    destination();
    part();
    modes();
    kinds();
    return expect_done("test_localpolicy");
}
