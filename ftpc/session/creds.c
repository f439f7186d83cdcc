/* creds: passwords and logins from files, the environment and prompts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/prompt.h"
#include "ftpc/parse/netrc.h"
#include "ftpc/session/creds.h"

#define SECRET_FILE_MAX 65536

/* Reads a file that holds secrets: it must be a regular file that only its
 * owner can read or write. */
static int read_private(const char *path, int must_exist, char *buf, size_t buflen, size_t *len,
                        struct err *e)
{
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT && !must_exist)
            return 0;
        return err_set(e, ERR_LOCAL, "cannot open %s: %s", path, strerror(errno));
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return err_set(e, ERR_LOCAL, "%s is not a regular file", path);
    }
    if (sb.st_mode & 077) {
        close(fd);
        return err_set(e, ERR_LOCAL,
                       "%s holds passwords but others can read or write it (chmod 600 %s)", path, path);
    }
    /* One byte more than fits: a longer file is refused, never cut. */
    for (;;) {
        char extra;
        int full = *len + 1 >= buflen;
        ssize_t n = full ? read(fd, &extra, 1) : read(fd, buf + *len, buflen - 1 - *len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || (full && n > 0)) {
            int err = errno;
            close(fd);
            secret_wipe(buf, buflen);
            *len = 0;
            if (n > 0)
                return err_set(e, ERR_LOCAL, "%s is too long (over %zu bytes)", path, buflen - 1);
            return err_set(e, ERR_LOCAL, "cannot read %s: %s", path, strerror(err));
        }
        if (n == 0)
            break;
        *len += (size_t)n;
    }
    close(fd);
    buf[*len] = '\0';
    return 1;
}

static int netrc_entry_for(const struct ftp_options *o, const char *host, struct netrc_entry *out,
                           struct err *e)
{
    char path[4096];
    int explicit_file = o->netrc_file != NULL;
    if (explicit_file) {
        snprintf(path, sizeof path, "%s", o->netrc_file);
    } else {
        const char *home = getenv("HOME");
        if (home == NULL)
            return 0;
        if (snprintf(path, sizeof path, "%s/.netrc", home) >= (int)sizeof path)
            return 0;
    }
    char *buf = malloc(SECRET_FILE_MAX);
    if (buf == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    size_t len = 0;
    int rc = read_private(path, explicit_file, buf, SECRET_FILE_MAX, &len, e);
    if (rc == 1) {
        const char *why = NULL;
        rc = netrc_lookup(buf, len, host, out, &why);
        if (rc < 0)
            rc = err_set(e, ERR_LOCAL, "%s: %s", path, why);
    }
    secret_wipe(buf, SECRET_FILE_MAX);
    free(buf);
    return rc;
}

int creds_netrc_user(const struct ftp_options *o, const char *host, char *user, size_t userlen,
                     struct err *e)
{
    struct netrc_entry n;
    int rc = netrc_entry_for(o, host, &n, e);
    if (rc == 1 && n.has_login)
        snprintf(user, userlen, "%s", n.login);
    secret_wipe(&n, sizeof n);
    return rc < 0 ? -1 : (rc == 1 && user[0] != '\0');
}

int creds_password(const struct ftp_options *o, const char *host, const char *user,
                   int clear_text, char *out, size_t outlen, struct err *e)
{
    out[0] = '\0';
    if (o->password_file != NULL) {
        /* The first line is the password; the file may hold more. */
        char *buf = malloc(SECRET_FILE_MAX);
        if (buf == NULL)
            return err_set(e, ERR_INTERNAL, "out of memory");
        size_t len = 0;
        int rc = read_private(o->password_file, 1, buf, SECRET_FILE_MAX, &len, e) < 0 ? -1 : 0;
        size_t line = rc == 0 ? strcspn(buf, "\r\n") : 0;
        if (rc == 0 && line >= outlen)
            rc = err_set(e, ERR_LOCAL, "the password in %s is too long (over %zu bytes)",
                         o->password_file, outlen - 1);
        if (rc == 0) {
            memcpy(out, buf, line);
            out[line] = '\0';
        }
        secret_wipe(buf, SECRET_FILE_MAX);
        free(buf);
        return rc;
    }
    const char *env = getenv("FTPC_PASSWORD");
    if (env != NULL) {
        snprintf(out, outlen, "%s", env);
        return 0;
    }
    struct netrc_entry n;
    int rc = netrc_entry_for(o, host, &n, e);
    if (rc < 0)
        return -1;
    if (rc == 1 && n.has_password && (!n.has_login || strcmp(n.login, user) == 0)) {
        snprintf(out, outlen, "%s", n.password);
        secret_wipe(&n, sizeof n);
        return 0;
    }
    secret_wipe(&n, sizeof n);
    if (!isatty(STDIN_FILENO) && !isatty(STDERR_FILENO))
        return 0;
    char prompt[600];
    snprintf(prompt, sizeof prompt, "Password for %s@%s%s: ", user, host,
             clear_text ? " (WARNING: it will be sent in CLEAR TEXT)" : "");
    return prompt_password(prompt, out, outlen, e);
}
