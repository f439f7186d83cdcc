/*
 * landlock: the sandbox's write confinement (the library's inside; others
 * use sandbox.h). The access rights are chosen per ABI, so one binary
 * confines as much as each kernel can: Debian 12's own kernel has ABI 2.
 */
#ifndef SANDBOX_LANDLOCK_H
#define SANDBOX_LANDLOCK_H

#include <stdint.h>

#include "common/err.h"
#include "sandbox/sandbox.h"

/* The rights of linux/landlock.h (a stable interface), written out here:
 * Debian 12's headers stop at ABI 2. */
#define LL_FS_EXECUTE      (1ULL << 0)
#define LL_FS_WRITE_FILE   (1ULL << 1)
#define LL_FS_READ_FILE    (1ULL << 2)
#define LL_FS_READ_DIR     (1ULL << 3)
#define LL_FS_REMOVE_DIR   (1ULL << 4)
#define LL_FS_REMOVE_FILE  (1ULL << 5)
#define LL_FS_MAKE_CHAR    (1ULL << 6)
#define LL_FS_MAKE_DIR     (1ULL << 7)
#define LL_FS_MAKE_REG     (1ULL << 8)
#define LL_FS_MAKE_SOCK    (1ULL << 9)
#define LL_FS_MAKE_FIFO    (1ULL << 10)
#define LL_FS_MAKE_BLOCK   (1ULL << 11)
#define LL_FS_MAKE_SYM     (1ULL << 12)
#define LL_FS_REFER        (1ULL << 13) /* ABI 2 */
#define LL_FS_TRUNCATE     (1ULL << 14) /* ABI 3 */
#define LL_FS_IOCTL_DEV    (1ULL << 15) /* ABI 5 */
#define LL_NET_BIND_TCP    (1ULL << 0)  /* ABI 4 */
#define LL_NET_CONNECT_TCP (1ULL << 1)  /* ABI 4 */
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#define LL_SCOPE_SIGNAL    (1ULL << 1)  /* ABI 6 */

/* What a ruleset handles and what its rules grant, for one ABI. */
struct landlock_masks {
    uint64_t handled_fs;  /* refused unless a rule grants it */
    uint64_t dir_grant;   /* granted in a write folder and below */
    uint64_t file_grant;  /* granted on a write file */
    uint64_t read_grant;  /* granted in a read folder and below (0: reading is open) */
    uint64_t handled_net; /* 0 unless ports are confined */
    uint64_t scoped;      /* signals and abstract sockets kept inside */
    size_t attr_size;     /* the ruleset attribute's size for this ABI */
};

/* The masks at abi (1 and up; above the known ABI, the known one's).
 * confine_reads: reading is handled too; confine_ports: TCP connect and
 * bind are (ABI 4 and up). Pure. */
void landlock_masks_for(int abi, int confine_reads, int confine_ports, struct landlock_masks *m);

/* The kernel's ABI, 0 when it has no Landlock. */
int landlock_kernel_abi(void);

/* Restricts the process at abi (at least 1, at most the kernel's) to the
 * policy's writes and ports. */
int landlock_confine(const struct sandbox_policy *p, int abi, struct err *e) MUST_CHECK;

#endif
