/* Unit tests of common/file_write: a new file appears whole or not at all,
 * an existing name is kept without replace, symlinks are never followed. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_write.h"
#include "tests/unit/expect.h"

static char dir[] = "/tmp/test_file_write.XXXXXX";

static const char *at(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static void put(const char *name, const char *text)
{
    FILE *f = fopen(at(name), "w");
    EXPECT(f != NULL);
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}

static const char *get(const char *name)
{
    static char text[256];
    text[0] = '\0';
    FILE *f = fopen(at(name), "r");
    if (f != NULL) {
        size_t n = fread(text, 1, sizeof text - 1, f);
        text[n] = '\0';
        fclose(f);
    }
    return text;
}

/* Entries in the folder: no temporary file may stay behind. */
static int entries(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *de; d != NULL && (de = readdir(d)) != NULL;)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            n++;
    if (d != NULL)
        closedir(d);
    return n;
}

static void folders(void)
{
    char out[16];
    EXPECT_EQ_INT(path_folder("a/b/c", out, sizeof out), 0);
    EXPECT_EQ_STR(out, "a/b");
    EXPECT_EQ_INT(path_folder("name", out, sizeof out), 0);
    EXPECT_EQ_STR(out, ".");
    EXPECT_EQ_INT(path_folder("/top", out, sizeof out), 0);
    EXPECT_EQ_STR(out, "/");
    EXPECT_EQ_INT(path_folder("0123456789/0123456789", out, sizeof out), -1);
}

static void writes(void)
{
    struct err e;
    struct stat sb;
    /* A new file, with the mode asked for whatever the umask. */
    mode_t old = umask(077);
    EXPECT_EQ_INT(file_write_whole(at("new"), "one", 3, 0644, 0, "t", &e), 0);
    umask(old);
    EXPECT_EQ_STR(get("new"), "one");
    EXPECT(stat(at("new"), &sb) == 0 && (sb.st_mode & 07777) == 0644);
    /* Without replace an existing file is kept, and the error says how. */
    EXPECT_EQ_INT(file_write_whole(at("new"), "two", 3, 0644, 0, "t", &e), -1);
    EXPECT_EQ_INT(e.code, ERR_USAGE);
    EXPECT_CONTAINS(e.msg, "exists (use --force to replace it)");
    EXPECT_EQ_STR(get("new"), "one");
    /* With replace it is replaced whole. */
    EXPECT_EQ_INT(file_write_whole(at("new"), "three", 5, 0600, 1, "t", &e), 0);
    EXPECT_EQ_STR(get("new"), "three");
    EXPECT(stat(at("new"), &sb) == 0 && (sb.st_mode & 07777) == 0600);
    EXPECT_EQ_INT(entries(), 1);

    /* A dangling symlink is a name that exists: never written through. */
    char target[256];
    snprintf(target, sizeof target, "%s", at("target")); /* at() has one buffer */
    EXPECT_EQ_INT(symlink(target, at("link")), 0);
    EXPECT_EQ_INT(file_write_whole(at("link"), "x", 1, 0644, 0, "t", &e), -1);
    EXPECT(access(at("target"), F_OK) != 0);
    /* Replace takes the symlink's place; its target is never touched. */
    put("target", "kept");
    EXPECT_EQ_INT(file_write_whole(at("link"), "y", 1, 0644, 1, "t", &e), 0);
    EXPECT(lstat(at("link"), &sb) == 0 && S_ISREG(sb.st_mode));
    EXPECT_EQ_STR(get("target"), "kept");
    EXPECT_EQ_STR(get("link"), "y");
    EXPECT_EQ_INT(entries(), 3);

    /* A folder that is not there: an error naming the file, nothing made. */
    EXPECT_EQ_INT(file_write_whole(at("none/file"), "z", 1, 0644, 0, "t", &e), -1);
    EXPECT_EQ_INT(e.code, ERR_LOCAL);
    EXPECT_CONTAINS(e.msg, "none/file");
    EXPECT_EQ_INT(entries(), 3);
}

int main(void)
{
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    folders();
    writes();
    unlink(at("new"));
    unlink(at("link"));
    unlink(at("target"));
    rmdir(dir);
    return expect_done("test_common_file_write");
}
