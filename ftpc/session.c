/*
 * session: FTP session operations over the control and data layers.
 * RFC 959 for the commands, RFC 4217 for AUTH TLS / PBSZ / PROT.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ascii.h"
#include "data.h"
#include "localfile.h"
#include "session.h"

#define IO_SIZE (256 * 1024)
#define CLOSE_WAIT_MS 10000

int session_init(struct ftp_session *s, enum ftp_seccnn seccnn, char prot,
                 struct tls_w_ctx *tls_ctx, struct err *e)
{
    memset(s, 0, sizeof *s);
    ctrl_init(&s->ctrl);
    s->seccnn = seccnn;
    s->prot = prot;
    s->tls_ctx = tls_ctx;
    s->msg = stderr;
    /* 2 * IO_SIZE leaves room for LF -> CRLF growth in ASCII uploads. */
    s->io = malloc(2 * IO_SIZE + 1);
    if (s->io == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    return 0;
}

void session_free(struct ftp_session *s)
{
    ctrl_close(&s->ctrl, 0);
    buf_free(&s->ctrl.in);
    tls_w_ctx_free(s->tls_ctx);
    s->tls_ctx = NULL;
    free(s->io);
    s->io = NULL;
}

static void show_reply(struct ftp_session *s)
{
    if (s->verbose && s->ctrl.trace == NULL)
        fprintf(s->msg, "%d %s\n", s->reply.code, s->reply.text);
}

static int read_reply(struct ftp_session *s, struct err *e)
{
    if (ctrl_read_reply(&s->ctrl, &s->reply, e) != 0) {
        s->logged_in = 0;
        return -1;
    }
    show_reply(s);
    return 0;
}

static int command(struct ftp_session *s, struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int command(struct ftp_session *s, struct err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = ctrl_sendf(&s->ctrl, e, fmt, ap);
    va_end(ap);
    if (rc != 0) {
        if (e->code != ERR_USAGE)
            s->logged_in = 0;
        return -1;
    }
    return read_reply(s, e);
}

static int refused(struct ftp_session *s, struct err *e, enum err_code code, const char *what)
{
    return err_set(e, code, "%s: %d %s", what, s->reply.code, s->reply.text);
}

int session_open(struct ftp_session *s, const char *host, unsigned port, int timeout_ms,
                 struct err *e)
{
    if (ctrl_connect(&s->ctrl, host, port, timeout_ms, e) != 0)
        return -1;
    if (s->seccnn == SECCNN_IMPLICIT && ctrl_start_tls(&s->ctrl, s->tls_ctx, e) != 0)
        goto fail;
    do {
        if (read_reply(s, e) != 0)
            goto fail;
    } while (s->reply.code == 120); /* "service ready in nnn minutes" */
    if (s->reply.code != 220) {
        refused(s, e, ERR_CONNECT, "server not ready");
        goto fail;
    }
    if (s->seccnn == SECCNN_SSL) {
        if (command(s, e, "AUTH TLS") != 0)
            goto fail;
        if (s->reply.code == 504 && command(s, e, "AUTH SSL") != 0)
            goto fail;
        /* 334 is wrong for TLS, but some old servers send it to mean "go". */
        if (s->reply.code != 234 && s->reply.code != 334) {
            refused(s, e, ERR_TLS, "the server refused AUTH TLS (not continuing in clear text)");
            goto fail;
        }
        if (ctrl_start_tls(&s->ctrl, s->tls_ctx, e) != 0)
            goto fail;
    }
    if (s->verbose && s->ctrl.tls != NULL)
        fprintf(s->msg, "%s, %s; server certificate for %s verified\n", tls_w_version(s->ctrl.tls),
                tls_w_cipher(s->ctrl.tls), host);
    return 0;
fail:
    ctrl_close(&s->ctrl, 0);
    return -1;
}

/* PBSZ 0 and PROT after login (RFC 4217 section 9). */
static int set_protection(struct ftp_session *s, struct err *e)
{
    if (s->seccnn == SECCNN_NONE)
        return 0;
    int implicit = s->seccnn == SECCNN_IMPLICIT;
    if (command(s, e, "PBSZ 0") != 0)
        return -1;
    if (ftp_reply_class(s->reply.code) != 2 && !implicit)
        return refused(s, e, ERR_SERVER, "the server refused PBSZ 0");
    if (command(s, e, "PROT %c", s->prot) != 0)
        return -1;
    if (ftp_reply_class(s->reply.code) != 2) {
        /* Implicit FTPS implies PROT P: a refusal leaves that level in force. */
        if (implicit && s->prot == 'P')
            return 0;
        return refused(s, e, ERR_SERVER,
                       s->prot == 'P' ? "the server refused PROT P" : "the server refused PROT C");
    }
    return 0;
}

int session_login(struct ftp_session *s, const char *user, const char *password, struct err *e)
{
    if (!ctrl_is_open(&s->ctrl))
        return err_set(e, ERR_CONNECT, "not connected");
    if (command(s, e, "USER %s", user) != 0)
        return -1;
    if (s->reply.code == 331) {
        if (password == NULL)
            return err_set(e, ERR_LOGIN, "the server wants a password for %s", user);
        if (command(s, e, "PASS %s", password) != 0)
            return -1;
    }
    if (s->reply.code == 332)
        return err_set(e, ERR_LOGIN, "the server wants an account (ACCT) for %s", user);
    if (s->reply.code != 230 && s->reply.code != 202)
        return err_set(e, ERR_LOGIN, "login as %s refused: %d %s", user, s->reply.code,
                       s->reply.text);
    s->logged_in = 1;
    if (set_protection(s, e) != 0 || session_set_type(s, s->ascii, e) != 0)
        return -1;
    return 0;
}

int session_set_type(struct ftp_session *s, int ascii, struct err *e)
{
    if (ctrl_is_open(&s->ctrl)) {
        if (command(s, e, "TYPE %s", ascii ? "A" : "I") != 0)
            return -1;
        if (ftp_reply_class(s->reply.code) != 2)
            return refused(s, e, ERR_SERVER, ascii ? "TYPE A refused" : "TYPE I refused");
    }
    s->ascii = ascii;
    return 0;
}

/* Opens the data connection, sends the transfer command and, once the
 * server said 1xx, secures the data connection. */
static int transfer_begin(struct ftp_session *s, struct ftp_data *d, const char *verb,
                          const char *arg, struct err *e)
{
    if (!ctrl_is_open(&s->ctrl))
        return err_set(e, ERR_CONNECT, "not connected");
    if (data_open_passive(&s->ctrl, &s->epsv_refused, d, e) != 0)
        return -1;
    int rc = arg ? command(s, e, "%s %s", verb, arg) : command(s, e, "%s", verb);
    if (rc != 0) {
        data_close(d);
        return -1;
    }
    if (ftp_reply_class(s->reply.code) != 1) {
        data_close(d);
        return err_set(e, ERR_SERVER, "%s%s%s: %d %s", verb, arg ? " " : "", arg ? arg : "",
                       s->reply.code, s->reply.text);
    }
    if (s->prot == 'P' && data_start_tls(d, s->tls_ctx, &s->ctrl, e) != 0) {
        data_close(d);
        struct err ignored;
        (void)read_reply(s, &ignored); /* the server's verdict, to stay in step */
        return -1;
    }
    return 0;
}

/* Reads the final reply of a transfer; only 226/250 mean success. */
static int transfer_end(struct ftp_session *s, int data_ok, struct err *e)
{
    struct err reply_err;
    if (read_reply(s, &reply_err) != 0) {
        if (data_ok)
            *e = reply_err;
        return -1;
    }
    if (!data_ok)
        return -1;
    if (s->reply.code != 226 && s->reply.code != 250)
        return refused(s, e, ERR_SERVER, "transfer failed");
    return 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void summary(struct ftp_session *s, const char *what, uint64_t bytes,
                    const struct timespec *t0, int resumed)
{
    if (!s->verbose)
        return;
    double secs = seconds_since(t0);
    fprintf(s->msg, "%s %llu bytes in %.3f s (%.1f MB/s), %s\n", what, (unsigned long long)bytes,
            secs, secs > 0 ? (double)bytes / secs / 1e6 : 0.0,
            s->prot == 'C' ? "clear data connection"
                           : resumed ? "TLS data connection, session resumed"
                                     : "TLS data connection, new session");
}

static int data_resumed(const struct ftp_data *d)
{
    return d->tls != NULL && tls_w_session_reused(d->tls);
}

/* Copies the data connection to out (a local target), converting line ends
 * when asked. Returns 0 at a proper end of data. */
static int receive(struct ftp_session *s, struct ftp_data *d, int to_local_text,
                   int (*sink)(void *, const void *, size_t, struct err *), void *arg,
                   uint64_t *bytes, struct err *e)
{
    int pending_cr = 0;
    char *in = s->io, *conv = s->io + IO_SIZE;
    for (;;) {
        ssize_t n = data_read(d, in, IO_SIZE, e);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        *bytes += (uint64_t)n;
        if (to_local_text) {
            size_t m = ascii_to_local(in, (size_t)n, conv, &pending_cr);
            if (sink(arg, conv, m, e) != 0)
                return -1;
        } else if (sink(arg, in, (size_t)n, e) != 0) {
            return -1;
        }
    }
    size_t m = ascii_to_local_end(conv, &pending_cr);
    if (m > 0 && sink(arg, conv, m, e) != 0)
        return -1;
    return 0;
}

static int sink_target(void *arg, const void *p, size_t n, struct err *e)
{
    return local_target_write(arg, p, n, e);
}

static int sink_stream(void *arg, const void *p, size_t n, struct err *e)
{
    if (fwrite(p, 1, n, (FILE *)arg) != n)
        return err_set(e, ERR_LOCAL, "cannot write the listing: %s", strerror(errno));
    return 0;
}

/* After the data arrived: our close_notify back, briefly, then close. */
static void finish_download(struct ftp_data *d)
{
    if (d->tls != NULL) {
        struct err ignored;
        (void)tls_w_close(d->tls, 1, &ignored);
    }
    data_close(d);
}

int session_get(struct ftp_session *s, const char *remote, const char *local, struct err *e)
{
    struct local_target t;
    if (local_target_open(&t, local, e) != 0)
        return -1;
    struct ftp_data d;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (transfer_begin(s, &d, "RETR", remote, e) != 0) {
        local_target_abort(&t);
        return -1;
    }
    uint64_t bytes = 0;
    int data_ok = receive(s, &d, s->ascii, sink_target, &t, &bytes, e) == 0;
    int resumed = data_resumed(&d);
    finish_download(&d);
    if (transfer_end(s, data_ok, e) != 0 || local_target_commit(&t, e) != 0) {
        local_target_abort(&t);
        return err_prefix(e, "get %s", remote);
    }
    summary(s, "received", bytes, &t0, resumed);
    return 0;
}

int session_list(struct ftp_session *s, const char *verb, const char *path, FILE *out,
                 struct err *e)
{
    struct ftp_data d;
    if (transfer_begin(s, &d, verb, path, e) != 0)
        return -1;
    uint64_t bytes = 0;
    /* Listings are text with CRLF line ends whatever the type. */
    int data_ok = receive(s, &d, 1, sink_stream, out, &bytes, e) == 0;
    finish_download(&d);
    if (fflush(out) != 0 && data_ok)
        data_ok = err_set(e, ERR_LOCAL, "cannot write the listing: %s", strerror(errno)) == 0;
    return transfer_end(s, data_ok, e);
}

int session_put(struct ftp_session *s, const char *local, const char *remote, struct err *e)
{
    int fd = strcmp(local, "-") == 0 ? dup(STDIN_FILENO) : open(local, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(e, ERR_LOCAL, "cannot open %s: %s", local, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        close(fd);
        return err_set(e, ERR_LOCAL, "%s is a folder", local);
    }
    struct ftp_data d;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (transfer_begin(s, &d, "STOR", remote, e) != 0) {
        close(fd);
        return -1;
    }
    uint64_t bytes = 0;
    int data_ok = 1;
    for (;;) {
        ssize_t n = read(fd, s->io, IO_SIZE);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            data_ok = err_set(e, ERR_LOCAL, "cannot read %s: %s", local, strerror(errno)) == 0;
            break;
        }
        if (n == 0)
            break;
        const char *p = s->io;
        size_t m = (size_t)n;
        if (s->ascii) {
            m = ascii_to_network(s->io, (size_t)n, s->io + IO_SIZE);
            p = s->io + IO_SIZE;
        }
        if (data_write(&d, p, m, e) != 0) {
            data_ok = 0;
            break;
        }
        bytes += (uint64_t)n;
    }
    close(fd);
    /* A local read error must not look like a complete file: close without
     * close_notify so the server sees a truncated transfer. */
    if (data_ok && data_finish_upload(&d, CLOSE_WAIT_MS, e) != 0)
        data_ok = 0;
    int resumed = data_resumed(&d);
    data_close(&d);
    if (transfer_end(s, data_ok, e) != 0)
        return err_prefix(e, "put %s", local);
    summary(s, "sent", bytes, &t0, resumed);
    return 0;
}

int session_cd(struct ftp_session *s, const char *path, struct err *e)
{
    if (command(s, e, "CWD %s", path) != 0)
        return -1;
    if (ftp_reply_class(s->reply.code) != 2)
        return refused(s, e, ERR_SERVER, "cd refused");
    return 0;
}

int session_pwd(struct ftp_session *s, FILE *out, struct err *e)
{
    if (command(s, e, "PWD") != 0)
        return -1;
    if (s->reply.code != 257)
        return refused(s, e, ERR_SERVER, "pwd refused");
    /* 257 "dir" text: the name is quoted, with "" standing for one quote (RFC 959). */
    const char *p = strchr(s->reply.text, '"');
    if (p == NULL) {
        fprintf(out, "%s\n", s->reply.text);
        return 0;
    }
    for (p++; *p; p++) {
        if (*p == '"') {
            if (p[1] != '"')
                break;
            p++;
        }
        fputc(*p, out);
    }
    fputc('\n', out);
    return 0;
}

int session_quit(struct ftp_session *s, struct err *e)
{
    int rc = 0;
    if (ctrl_is_open(&s->ctrl)) {
        rc = command(s, e, "QUIT");
        ctrl_close(&s->ctrl, 2000);
    }
    s->logged_in = 0;
    return rc;
}
