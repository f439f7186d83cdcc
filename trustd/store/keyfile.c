/* keyfile: an application's private keys in a file of their own, beside the store. */
#define _GNU_SOURCE /* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/fdio.h"
#include "common/file_write.h"
#include "common/tls.h"
#include "trustd/store/identity.h"
#include "trustd/store/keyfile.h"
#include "trustd/store/store.h"

/* A key file holds a few PEM keys; anything much larger is not one. */
#define KEYFILE_BYTES_MAX (256 * 1024)

int keyfile_folder(const char *store_path, char *out, size_t outlen)
{
    int n = snprintf(out, outlen, "%s.keys", store_path);
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

static int safe_byte(unsigned char c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || (c == '.' && !first);
}

/* The application's file name in the folder: APP.key, its id escaped. */
static int file_name(const char *app_id, char *out, size_t outlen)
{
    size_t o = 0;
    for (size_t i = 0; app_id[i]; i++) {
        unsigned char c = (unsigned char)app_id[i];
        if (o + 4 >= outlen)
            return -1;
        if (safe_byte(c, i == 0))
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, outlen - o, "%%%02X", c);
    }
    if (o + 5 > outlen)
        return -1;
    memcpy(out + o, ".key", 5);
    return 0;
}

int keyfile_path(const char *store_path, const char *app_id, char *out, size_t outlen)
{
    char folder[4096 + 8], name[512];
    if (keyfile_folder(store_path, folder, sizeof folder) != 0 || file_name(app_id, name, sizeof name) != 0)
        return -1;
    int n = snprintf(out, outlen, "%s/%s", folder, name);
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

EVP_PKEY *keyfile_find(const struct keyfile *kf, const char *key_sha256)
{
    for (int i = 0; i < kf->n; i++) {
        char hex[65];
        if (identity_key_sha256(kf->keys[i], hex) == 0 && strcmp(hex, key_sha256) == 0)
            return kf->keys[i];
    }
    return NULL;
}

void keyfile_clear(struct keyfile *kf)
{
    for (int i = 0; i < kf->n; i++)
        EVP_PKEY_free(kf->keys[i]);
    kf->n = 0;
}

static void owner_name(uid_t uid, char *out, size_t outlen)
{
    struct passwd *pw = getpwuid(uid);
    if (pw != NULL)
        snprintf(out, outlen, "%s", pw->pw_name);
    else
        snprintf(out, outlen, "uid %lu", (unsigned long)uid);
}

static void group_name(gid_t gid, char *out, size_t outlen)
{
    struct group *gr = getgrgid(gid);
    if (gr != NULL)
        snprintf(out, outlen, "%s", gr->gr_name);
    else
        snprintf(out, outlen, "gid %lu", (unsigned long)gid);
}

static int in_group(gid_t gid)
{
    if (getegid() == gid)
        return 1;
    gid_t groups[256];
    int n = getgroups(256, groups);
    for (int i = 0; i < n; i++)
        if (groups[i] == gid)
            return 1;
    return 0;
}

void keyfile_info(const char *store_path, const char *app_id, struct keyfile_info *out)
{
    memset(out, 0, sizeof *out);
    struct stat sb;
    if (keyfile_path(store_path, app_id, out->path, sizeof out->path) != 0 || lstat(out->path, &sb) != 0)
        return;
    out->exists = 1;
    out->regular = S_ISREG(sb.st_mode);
    out->mode = (unsigned)(sb.st_mode & 07777);
    out->gid = (long)sb.st_gid;
    owner_name(sb.st_uid, out->owner, sizeof out->owner);
    group_name(sb.st_gid, out->group, sizeof out->group);
}

/* Why the caller may not read a key file: its permissions against who the
 * caller is, in words. */
static int denied(const char *app_id, const char *path, struct err *e)
{
    struct stat sb;
    char folder[4096 + 8];
    if (stat(path, &sb) != 0) {
        int why = errno;
        struct stat fb;
        if (path_folder(path, folder, sizeof folder) == 0 && stat(folder, &fb) == 0)
            return err_set(e, ERR_LOCAL, "cannot read the private key of application %s: the key "
                           "folder %s (mode %04o) is closed to you", app_id, folder,
                           (unsigned)(fb.st_mode & 07777));
        return err_set(e, ERR_LOCAL, "cannot read the private key of application %s: %s: %s", app_id,
                       path, strerror(why));
    }
    char owner[64], group[64], me[64];
    owner_name(sb.st_uid, owner, sizeof owner);
    group_name(sb.st_gid, group, sizeof group);
    owner_name(geteuid(), me, sizeof me);
    const char *why = (sb.st_mode & S_IRGRP) && !in_group(sb.st_gid)
                          ? "you are not in that group"
                          : "its mode gives you no read permission";
    return err_set(e, ERR_LOCAL, "cannot read the private key of application %s: %s is mode %04o, "
                   "owner %s, group %s, and you (%s, uid %lu) may not read it: %s", app_id, path,
                   (unsigned)(sb.st_mode & 07777), owner, group, me, (unsigned long)geteuid(), why);
}

/* The file's bytes, in memory that is wiped when freed. */
static int read_bytes(int fd, const char *path, unsigned char **out, size_t *len, struct err *e)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return err_set(e, ERR_LOCAL, "cannot read key file %s: %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return err_set(e, ERR_LOCAL, "key file %s is not a regular file", path);
    if (sb.st_mode & (S_IWGRP | S_IWOTH))
        return err_set(e, ERR_LOCAL, "key file %s is unsafe: mode %04o lets others than its owner "
                       "change it (run chmod go-w on it)", path, (unsigned)(sb.st_mode & 07777));
    if (sb.st_size > KEYFILE_BYTES_MAX)
        return err_set(e, ERR_LOCAL, "key file %s is larger than %d bytes: not a key file", path,
                       KEYFILE_BYTES_MAX);
    size_t cap = (size_t)sb.st_size + 1, n = 0;
    unsigned char *buf = OPENSSL_secure_malloc(cap);
    if (buf == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    while (n < cap) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            OPENSSL_secure_clear_free(buf, cap);
            return err_set(e, ERR_LOCAL, "cannot read key file %s: %s", path, strerror(errno));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (n == cap) { /* it grew while being read */
        OPENSSL_secure_clear_free(buf, cap);
        return err_set(e, ERR_LOCAL, "key file %s changed while it was read", path);
    }
    *out = buf;
    *len = n;
    return 0;
}

/* The PKCS#8 "PRIVATE KEY" blocks keyfile_write writes, up to
 * KEYFILE_KEYS_MAX; -1 for anything else. */
static int parse_keys(const unsigned char *buf, size_t len, struct keyfile *kf)
{
    BIO *bio = BIO_new_mem_buf(buf, (int)len);
    int rc = bio != NULL ? 0 : -1;
    while (rc == 0) {
        char *type = NULL, *header = NULL;
        unsigned char *body = NULL;
        long bodylen = 0;
        if (!PEM_read_bio(bio, &type, &header, &body, &bodylen)) {
            if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE)
                rc = -1;
            break;
        }
        const unsigned char *p = body;
        PKCS8_PRIV_KEY_INFO *p8 = strcmp(type, "PRIVATE KEY") == 0
                                      ? d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, bodylen)
                                      : NULL;
        EVP_PKEY *k = p8 ? EVP_PKCS82PKEY(p8) : NULL;
        PKCS8_PRIV_KEY_INFO_free(p8);
        if (k == NULL || kf->n == KEYFILE_KEYS_MAX) {
            EVP_PKEY_free(k);
            rc = -1;
        } else {
            kf->keys[kf->n++] = k;
        }
        OPENSSL_free(type);
        OPENSSL_free(header);
        OPENSSL_clear_free(body, (size_t)bodylen);
    }
    ERR_clear_error();
    BIO_free(bio);
    return rc;
}

int keyfile_read(const char *store_path, const char *app_id, struct keyfile *kf, struct err *e)
{
    kf->n = 0;
    char path[4096 + 600];
    if (keyfile_path(store_path, app_id, path, sizeof path) != 0)
        return err_set(e, ERR_LOCAL, "the key file path of application %s is too long", app_id);
    tls_w_secure_heap();
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT)
            return err_set(e, ERR_NOTFOUND, "the key file of application %s, %s, is missing", app_id,
                           path);
        if (errno == EACCES)
            return denied(app_id, path, e);
        if (errno == ELOOP)
            return err_set(e, ERR_LOCAL, "key file %s is a symbolic link; trustd keeps its key "
                           "files as plain files", path);
        return err_set(e, ERR_LOCAL, "cannot open key file %s: %s", path, strerror(errno));
    }
    unsigned char *buf = NULL;
    size_t len = 0;
    int rc = read_bytes(fd, path, &buf, &len, e);
    close(fd);
    if (rc != 0)
        return -1;
    rc = parse_keys(buf, len, kf);
    OPENSSL_secure_clear_free(buf, len + 1);
    if (rc != 0) {
        keyfile_clear(kf);
        return err_set(e, ERR_LOCAL, "key file %s is damaged: assign the application's "
                       "certificates again, or restore the store's backup", path);
    }
    return 0;
}

/* The folder of the key files, made when missing, refused when someone
 * else could swap what is in it. */
static int key_folder(const char *store_path, char *folder, size_t folderlen, struct err *e)
{
    if (keyfile_folder(store_path, folder, folderlen) != 0)
        return err_set(e, ERR_LOCAL, "the key folder path of store %s is too long", store_path);
    if (mkdir(folder, 0755) != 0 && errno != EEXIST)
        return err_set(e, ERR_LOCAL, "cannot make key folder %s: %s", folder, strerror(errno));
    struct stat sb;
    if (lstat(folder, &sb) != 0)
        return err_set(e, ERR_LOCAL, "cannot check key folder %s: %s", folder, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return err_set(e, ERR_LOCAL, "key folder %s is not a folder (a symbolic link?): "
                       "move it away", folder);
    if ((sb.st_uid != geteuid() && sb.st_uid != 0) || (sb.st_mode & (S_IWGRP | S_IWOTH)))
        return err_set(e, ERR_LOCAL, "key folder %s is unsafe: owner uid %lu, mode %04o (it must "
                       "be yours and writable by you alone)", folder, (unsigned long)sb.st_uid,
                       (unsigned)(sb.st_mode & 07777));
    return 0;
}

/* The keys as PEM in memory that is wiped when freed. */
static BIO *keys_pem(EVP_PKEY *const *keys, int n)
{
    BIO *bio = BIO_new(BIO_s_secmem());
    for (int i = 0; bio != NULL && i < n; i++)
        if (!PEM_write_bio_PKCS8PrivateKey(bio, keys[i], NULL, NULL, 0, NULL, NULL)) {
            BIO_free(bio);
            bio = NULL;
        }
    return bio;
}

int keyfile_write(const char *store_path, const char *app_id, EVP_PKEY *const *keys, int n,
                  long gid, struct err *e)
{
    char folder[4096 + 8], path[4096 + 600], tmp[4096 + 620];
    struct stat fb;
    /* Nothing to keep and no folder: nothing to do (and no folder made). */
    if (n == 0 && keyfile_folder(store_path, folder, sizeof folder) == 0 && lstat(folder, &fb) != 0 &&
        errno == ENOENT)
        return 0;
    if (key_folder(store_path, folder, sizeof folder, e) != 0)
        return -1;
    if (keyfile_path(store_path, app_id, path, sizeof path) != 0)
        return err_set(e, ERR_LOCAL, "the key file path of application %s is too long", app_id);
    struct stat old;
    int exists = lstat(path, &old) == 0;
    if (exists && (!S_ISREG(old.st_mode) || old.st_uid != geteuid()))
        return err_set(e, ERR_LOCAL, "key file %s is not a plain file of yours: move it away", path);
    if (n == 0) {
        if (exists && unlink(path) != 0)
            return err_set(e, ERR_LOCAL, "cannot remove key file %s: %s", path, strerror(errno));
        return 0;
    }
    /* Mode and group: the ones asked for, else the old file's own. */
    int grouped = gid >= 0 || (gid == KEYFILE_KEEP && exists && (old.st_mode & S_IRGRP));
    gid_t group = gid >= 0 ? (gid_t)gid : exists ? old.st_gid : getegid();
    snprintf(tmp, sizeof tmp, "%s/.key-XXXXXX", folder);
    int fd = mkostemp(tmp, O_CLOEXEC); /* O_EXCL, mode 0600 */
    if (fd < 0)
        return err_set(e, ERR_LOCAL, "cannot write in key folder %s: %s", folder, strerror(errno));
    BIO *pem = keys_pem(keys, n);
    char *data = NULL;
    long len = pem ? BIO_get_mem_data(pem, &data) : -1;
    const char *failed = NULL;
    if (len <= 0)
        failed = "cannot encode the keys";
    else if (fd_write_all(fd, data, (size_t)len) != 0)
        failed = "cannot write";
    else if (grouped && fchown(fd, (uid_t)-1, group) != 0)
        failed = "cannot set the group of";
    else if (fchmod(fd, grouped ? 0640 : 0600) != 0)
        failed = "cannot set the mode of";
    else if (fsync(fd) != 0)
        failed = "cannot sync";
    int why = errno;
    BIO_free(pem);
    if (close(fd) != 0 && failed == NULL) {
        failed = "cannot write";
        why = errno;
    }
    if (failed == NULL && rename(tmp, path) != 0) {
        failed = "cannot replace";
        why = errno;
    }
    if (failed != NULL) {
        unlink(tmp);
        if (len <= 0)
            return err_set(e, ERR_INTERNAL, "%s of application %s", failed, app_id);
        return err_set(e, ERR_LOCAL, "%s key file %s: %s", failed, path, strerror(why));
    }
    int dfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return 0;
}

int keyfile_copy(const char *from_store, const char *to_store, const char *app_id, struct err *e)
{
    struct keyfile_info from;
    keyfile_info(from_store, app_id, &from);
    struct keyfile kf = { .n = 0 };
    if (from.exists && keyfile_read(from_store, app_id, &kf, e) != 0)
        return -1;
    int rc = keyfile_write(to_store, app_id, kf.keys, kf.n,
                           (from.mode & 0040) ? from.gid : KEYFILE_PRIVATE, e);
    keyfile_clear(&kf);
    return rc;
}

static int is_key_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".key") == 0;
}

/* Calls fn for each key file (NAME.key) of the store's key folder; none
 * when it has no folder. fn returns 0 to go on, -1 with e set to stop. */
typedef int (*key_file_fn)(int dirfd, const char *folder, const char *name, void *arg,
                           struct err *e);

static int each_key_file(const char *store_path, key_file_fn fn, void *arg, struct err *e)
{
    char folder[4096 + 8];
    if (keyfile_folder(store_path, folder, sizeof folder) != 0)
        return err_set(e, ERR_LOCAL, "the key folder path of store %s is too long", store_path);
    DIR *d = opendir(folder);
    if (d == NULL)
        return errno == ENOENT ? 0 : err_set(e, ERR_LOCAL, "cannot read key folder %s: %s", folder,
                                             strerror(errno));
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d)) != NULL)
        if (is_key_name(de->d_name))
            rc = fn(dirfd(d), folder, de->d_name, arg, e);
    closedir(d);
    return rc;
}

struct prune {
    const struct store_app *apps;
    size_t n;
};

static int prune_one(int dfd, const char *folder, const char *name, void *arg, struct err *e)
{
    const struct prune *p = arg;
    for (size_t i = 0; i < p->n; i++) {
        char mine[512];
        if (file_name(p->apps[i].id, mine, sizeof mine) == 0 && strcmp(mine, name) == 0)
            return 0;
    }
    if (unlinkat(dfd, name, 0) != 0)
        return err_set(e, ERR_LOCAL, "cannot remove key file %s/%s: %s", folder, name, strerror(errno));
    return 0;
}

int keyfile_prune(const char *store_path, const struct store_app *apps, size_t n, struct err *e)
{
    struct prune p = { apps, n };
    return each_key_file(store_path, prune_one, &p, e);
}

static int check_one(int dfd, const char *folder, const char *name, void *arg, struct err *e)
{
    (void)arg;
    char path[4096 + 600];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return err_set(e, ERR_LOCAL, "cannot read key file %s: %s", path, strerror(errno));
    unsigned char *buf = NULL;
    size_t len = 0;
    int rc = read_bytes(fd, path, &buf, &len, e);
    close(fd);
    struct keyfile kf = { .n = 0 };
    if (rc == 0 && parse_keys(buf, len, &kf) != 0)
        rc = err_set(e, ERR_LOCAL, "key file %s is damaged", path);
    keyfile_clear(&kf);
    if (buf != NULL)
        OPENSSL_secure_clear_free(buf, len + 1);
    return rc;
}

int keyfile_check_all(const char *store_path, struct err *e)
{
    return each_key_file(store_path, check_one, NULL, e);
}
