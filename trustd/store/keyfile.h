/*
 * keyfile: the private keys of an application's client certificates. They
 * never go into the store's database, which every user may read: each
 * application has one key file beside the store (STORE.keys/APP.key, PEM
 * PKCS#8), mode 0600, or 0640 with a group the administrator names, so a
 * key is readable by exactly those its file's permissions allow. The
 * database names each certificate's key by its public key's SHA-256.
 */
#ifndef TRUSTD_STORE_KEYFILE_H
#define TRUSTD_STORE_KEYFILE_H

#include <stddef.h>
#include <sys/types.h>

#include <openssl/evp.h>

#include "common/err.h"

/* At most as many keys as an application has certificates. */
#define KEYFILE_KEYS_MAX 4

#define KEYFILE_KEEP (-1L)
#define KEYFILE_PRIVATE (-2L)

struct keyfile {
    EVP_PKEY *keys[KEYFILE_KEYS_MAX];
    int n;
};

/* The folder of the key files (STORE.keys) and one application's file in
 * it; an id's bytes other than letters, digits, '-', '_' and a '.' that
 * does not lead are written %XX. -1 when it does not fit. */
int keyfile_folder(const char *store_path, char *out, size_t outlen);
int keyfile_path(const char *store_path, const char *app_id, char *out, size_t outlen);

/* Reads app's keys. A missing file is ERR_NOTFOUND; one the caller may not
 * read is ERR_LOCAL saying which file, its mode, owner and group, and why
 * the caller is not among those it allows. The file's bytes are wiped
 * once parsed. */
int keyfile_read(const char *store_path, const char *app_id, struct keyfile *kf, struct err *e);

/* Replaces app's key file with keys[0..n) in one step (none: removes it).
 * gid >= 0: mode 0640 with that group; KEYFILE_KEEP: the existing file's
 * group and mode (0600 for a new file); KEYFILE_PRIVATE: 0600. The folder is made (0755) when missing, and
 * refused when it is a symbolic link or others may write it. */
int keyfile_write(const char *store_path, const char *app_id, EVP_PKEY *const *keys, int n,
                  long gid, struct err *e);

/* What the key file's permissions are, for list and validate. */
struct keyfile_info {
    char path[4096 + 600];
    int exists;
    int regular;       /* a plain file, not a link or anything else */
    unsigned mode;
    long gid;
    char owner[64];
    char group[64];
};
void keyfile_info(const char *store_path, const char *app_id, struct keyfile_info *out);

/* Copies app's key file from one store's folder to another's, its mode
 * (0600 or 0640) and group with it; where from has none, the one of to is
 * removed. For backup and restore. */
int keyfile_copy(const char *from_store, const char *to_store, const char *app_id,
                 struct err *e);

/* The key of kf whose public key's SHA-256 (lower-case hex, as the store
 * records it) is key_sha256; NULL when none is. */
EVP_PKEY *keyfile_find(const struct keyfile *kf, const char *key_sha256);

/* Removes the key files of the store's folder that belong to none of
 * apps[0..n) (after a restore: applications the backup does not have). */
struct store_app;
int keyfile_prune(const char *store_path, const struct store_app *apps, size_t n, struct err *e);

/* Every key file in a store's key folder (a backup's) can be read: none
 * closed to the caller, a link or damaged. 0 when it has no folder. */
int keyfile_check_all(const char *store_path, struct err *e);

void keyfile_clear(struct keyfile *kf);

#endif
