/* landlock: writes only below the policy's folders, per ABI. */
#define _GNU_SOURCE /* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/landlock.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_RULE_NET_PORT 2

struct ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net; /* ABI 4 */
    uint64_t scoped;             /* ABI 6 */
};

struct ll_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

struct ll_net_port_attr {
    uint64_t allowed_access;
    uint64_t port;
};

/* Ports confined: DNS may fall back to TCP. */
#define DNS_PORT 53

void landlock_masks_for(int abi, int confine_reads, int confine_ports, struct landlock_masks *m)
{
    memset(m, 0, sizeof *m);
    /* Reading (READ_FILE, READ_DIR) stays open unless confined; running a
     * file never is. */
    uint64_t make = LL_FS_MAKE_CHAR | LL_FS_MAKE_DIR | LL_FS_MAKE_REG | LL_FS_MAKE_SOCK |
                    LL_FS_MAKE_FIFO | LL_FS_MAKE_BLOCK | LL_FS_MAKE_SYM;
    m->handled_fs = LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE | make;
    /* Files and folders, never devices, FIFOs, sockets or links. */
    m->dir_grant = LL_FS_WRITE_FILE | LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE | LL_FS_MAKE_DIR |
                   LL_FS_MAKE_REG;
    m->file_grant = LL_FS_WRITE_FILE;
    if (confine_reads) {
        m->read_grant = LL_FS_READ_FILE | LL_FS_READ_DIR;
        m->handled_fs |= m->read_grant;
    }
    m->attr_size = sizeof(uint64_t);
    if (abi >= 2) {
        /* Renames and links between granted folders; ABI 1 refuses every
         * one that changes folder. */
        m->handled_fs |= LL_FS_REFER;
        m->dir_grant |= LL_FS_REFER;
    }
    if (abi >= 3) {
        /* Below ABI 3 truncate(2) of any file the user owns goes unchecked
         * (opening one for writing does not). */
        m->handled_fs |= LL_FS_TRUNCATE;
        m->dir_grant |= LL_FS_TRUNCATE;
        m->file_grant |= LL_FS_TRUNCATE;
    }
    if (abi >= 4) {
        m->attr_size = 2 * sizeof(uint64_t);
        if (confine_ports)
            m->handled_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
    }
    /* ABI 5's IOCTL_DEV is left unhandled: the seccomp filter allows only
     * the terminal's and the sockets' requests, on any file. */
    if (abi >= 6) {
        m->attr_size = sizeof(struct ll_ruleset_attr);
        m->scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
    }
    /* ABI 7 adds only logging flags: its masks are ABI 6's. */
}

int landlock_kernel_abi(void)
{
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
    return abi > 0 && abi < 1000 ? (int)abi : 0;
}

/* Rights a rule on a file (not a folder) may hold. */
#define LL_FS_FILE_RIGHTS (LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE | \
                           LL_FS_IOCTL_DEV)

/* folder: 1 a folder, 0 a file, -1 either (a file gets the file rights of grant). */
static int add_path(int ruleset, const char *path, int folder, uint64_t grant, struct err *e)
{
    int fd = open(path, O_PATH | O_CLOEXEC | (folder == 1 ? O_DIRECTORY : 0));
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        int saved = errno;
        if (fd >= 0)
            close(fd);
        return err_set(e, ERR_LOCAL, "sandbox: cannot open %s for a rule: %s", path, strerror(saved));
    }
    if (!S_ISDIR(sb.st_mode))
        grant &= LL_FS_FILE_RIGHTS;
    struct ll_path_beneath_attr rule = { .allowed_access = grant, .parent_fd = fd };
    int rc = (int)syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &rule, 0);
    int saved = errno;
    close(fd);
    if (rc != 0)
        return err_set(e, ERR_INTERNAL, "sandbox: Landlock refused the rule for %s: %s", path,
                       strerror(saved));
    return 0;
}

static int add_port(int ruleset, unsigned port, struct err *e)
{
    struct ll_net_port_attr rule = { .allowed_access = LL_NET_CONNECT_TCP, .port = port };
    if (syscall(SYS_landlock_add_rule, ruleset, LL_RULE_NET_PORT, &rule, 0) != 0)
        return err_set(e, ERR_INTERNAL, "sandbox: Landlock refused the rule for port %u: %s", port,
                       strerror(errno));
    return 0;
}

static int add_rules(int ruleset, const struct sandbox_policy *p, const struct landlock_masks *m,
                     struct err *e)
{
    for (size_t i = 0; i < p->n_write_dirs; i++)
        if (add_path(ruleset, p->write_dirs[i], 1, m->dir_grant, e) != 0)
            return -1;
    for (size_t i = 0; i < p->n_write_files; i++)
        if (add_path(ruleset, p->write_files[i], 0, m->file_grant, e) != 0)
            return -1;
    for (size_t i = 0; m->read_grant != 0 && i < p->n_read_paths; i++)
        if (add_path(ruleset, p->read_paths[i], -1, m->read_grant, e) != 0)
            return -1;
    if (m->handled_net == 0)
        return 0;
    if (add_port(ruleset, DNS_PORT, e) != 0)
        return -1;
    for (size_t i = 0; i < p->n_connect_ports; i++)
        if (add_port(ruleset, p->connect_ports[i], e) != 0)
            return -1;
    return 0;
}

int landlock_confine(const struct sandbox_policy *p, int abi, struct err *e)
{
    struct landlock_masks m;
    landlock_masks_for(abi, p->read_paths != NULL, p->n_connect_ports > 0, &m);
    struct ll_ruleset_attr attr = {
        .handled_access_fs = m.handled_fs,
        .handled_access_net = m.handled_net,
        .scoped = m.scoped,
    };
    int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, m.attr_size, 0);
    if (ruleset < 0)
        return err_set(e, ERR_INTERNAL, "sandbox: cannot create a Landlock ruleset (ABI %d): %s", abi,
                       strerror(errno));
    int rc = add_rules(ruleset, p, &m, e);
    if (rc == 0 && syscall(SYS_landlock_restrict_self, ruleset, 0) != 0)
        rc = err_set(e, ERR_INTERNAL, "sandbox: Landlock would not confine the process: %s",
                     strerror(errno));
    close(ruleset);
    return rc;
}
