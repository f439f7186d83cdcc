/*
 * transfer: data transfers. Trust boundary: the data connection's bytes
 * are counted and must end with TLS close_notify (when private) and a
 * 226/250 reply; sizes the server announces are checked, not trusted.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/net.h"
#include "ftpc/conn/data.h"
#include "ftpc/conn/interrupt.h"
#include "ftpc/conn/localfile.h"
#include "ftpc/parse/ascii.h"
#include "ftpc/parse/listing.h"
#include "ftpc/parse/size_reply.h"
#include "ftpc/parse/size_text.h"
#include "ftpc/transfer/transfer.h"

#define CLOSE_WAIT_MS 10000
#define ABORT_CLOSED "; the server did not answer the abort, so the control connection was closed"
#define NAMES_MAX_BYTES (8u * 1024 * 1024)

static void note_data(struct ftp_session *s, const struct ftp_data *d, const char *verb)
{
    if (d->tls != NULL)
        snprintf(s->last_data, sizeof s->last_data, "%s, %s, %s (%s, %s)", tls_w_version(d->tls),
                 tls_w_cipher(d->tls), tls_w_session_reused(d->tls) ? "session resumed" : "new session",
                 verb, s->opt.passive ? "passive" : "active");
    else
        snprintf(s->last_data, sizeof s->last_data, "clear (%s, %s)", verb,
                 s->opt.passive ? "passive" : "active");
    if (s->ctrl.trace && d->tls != NULL)
        fprintf(s->ctrl.trace, "---- data TLS %s, %s, session %s\n", tls_w_version(d->tls),
                tls_w_cipher(d->tls), tls_w_session_reused(d->tls) ? "resumed" : "new");
}

/* The transfer command's first reply must be 1xx ("about to send"). */
static int check_preliminary(struct ftp_session *s, const char *what, struct err *e)
{
    if (ftp_reply_class(s->reply.code) != 1)
        return err_set(e, ERR_SERVER, "%s: %d %s", what, s->reply.code, s->reply.text);
    return 0;
}

/* After a failed or interrupted data connection: the transfer command's
 * replies up to its final one (1xx skipped), each within the reply
 * time-out. When one does not come the control connection is closed (by
 * the read that failed), so a late reply can never be taken as the answer
 * to a later command; the message says so. 0 when in step. */
static int read_final_reply(struct ftp_session *s, struct err *e)
{
    struct err why;
    do {
        if (session_read_reply(s, &why) != 0) {
            char first[ERR_MSG_MAX];
            snprintf(first, sizeof first, "%s", e->msg);
            err_set(e, e->code ? e->code : why.code,
                    "%s; no final reply for the transfer (%s), so the control connection was closed: "
                    "use open to connect again", first, why.msg);
            return -1;
        }
    } while (ftp_reply_class(s->reply.code) == 1);
    return 0;
}

/* Ctrl-C: the data connection is closed, ABOR is sent, and the transfer's
 * final reply and ABOR's are read (or the control connection closed). */
static int abort_replies(struct ftp_session *s, struct err *e)
{
    err_set(e, ERR_INTERRUPTED, "interrupted");
    if (!ctrl_is_open(&s->ctrl))
        return -1;
    struct err why;
    if (ctrl_send(&s->ctrl, "ABOR", &why) != 0) {
        ctrl_close(&s->ctrl, 0);
        return err_set(e, ERR_INTERRUPTED, "interrupted; %s", why.msg);
    }
    if (read_final_reply(s, e) == 0)
        (void)read_final_reply(s, e); /* ABOR's own */
    return -1;
}

/* Passive and private: the TLS handshake starts right after the transfer
 * command, without waiting for the server's 1xx, watching the control
 * connection at the same time (a refusal there ends the handshake). Saves
 * a round trip per file. Every failure reads the transfer's final reply
 * (or closes the control connection) before it returns. */
static int overlapped_handshake(struct ftp_session *s, struct ftp_data *d, const char *verb,
                                const char *what, struct err *e)
{
    d->tls = tls_w_start(s->tls_ctx, d->fd, s->ctrl.host, s->ctrl.tls, e);
    if (d->tls == NULL || net_set_blocking(d->fd, 0) != 0) {
        if (d->tls != NULL)
            err_set(e, ERR_CONNECT, "data connection: %s", strerror(errno));
        data_close(d);
        (void)read_final_reply(s, e);
        return -1;
    }
    int got_reply = 0;
    for (;;) {
        int want_write = 0;
        int r = tls_w_handshake(d->tls, &want_write, e);
        if (r == 1)
            break;
        if (r < 0) {
            err_prefix(e, "data connection");
            data_close(d);
            snprintf(s->last_data, sizeof s->last_data, "failed (%s)", verb);
            /* The 1xx (if not read yet) and the transfer's final reply. */
            (void)read_final_reply(s, e);
            return -1;
        }
        if (!got_reply && ctrl_reply_ready(&s->ctrl, 0)) {
            if (session_read_reply(s, e) != 0)
                return -1;
            got_reply = 1;
            if (check_preliminary(s, what, e) != 0)
                return -1; /* that was the final reply */
            continue;
        }
        struct pollfd p[2] = { { .fd = d->fd, .events = want_write ? POLLOUT : POLLIN },
                               { .fd = s->ctrl.fd, .events = POLLIN } };
        int n;
        do {
            n = poll(p, got_reply ? 1 : 2, s->opt.data_timeout_ms);
        } while (n < 0 && errno == EINTR && !ftpc_interrupted);
        if (n <= 0) {
            data_close(d);
            snprintf(s->last_data, sizeof s->last_data, "failed (%s)", verb);
            if (ftpc_interrupted)
                return abort_replies(s, e);
            err_set(e, ERR_CONNECT, "data connection: TLS handshake timed out after %d s",
                    s->opt.data_timeout_ms / 1000);
            (void)read_final_reply(s, e);
            return -1;
        }
    }
    if (net_set_blocking(d->fd, 1) != 0) {
        err_set(e, ERR_CONNECT, "data connection: %s", strerror(errno));
        data_close(d);
        (void)read_final_reply(s, e);
        return -1;
    }
    if (!got_reply && (session_read_reply(s, e) != 0 || check_preliminary(s, what, e) != 0))
        return -1;
    return 0;
}

/* Opens the data connection, sends the transfer command and, once the
 * server said 1xx, completes the connection (accept, TLS). On a data
 * connection failure the server's verdict is still read, so the control
 * connection stays in step (or it is closed). */
static int transfer_begin(struct ftp_session *s, struct ftp_data *d, const char *verb,
                          const char *arg, struct err *e)
{
    if (session_require_data(s, e) != 0 || session_renew_if_needed(s, e) != 0)
        return -1;
    if (data_prepare(&s->ctrl, s->opt.passive, &s->epsv_refused, &s->eprt_refused,
                     s->opt.data_timeout_ms, d, e) != 0)
        return -1;
    char what[4200];
    snprintf(what, sizeof what, "%s%s%s", verb, arg ? " " : "", arg ? arg : "");
    if (s->opt.passive && s->prot == 'P') {
        int rc = ctrl_send(&s->ctrl, what, e);
        if (rc == 0)
            rc = overlapped_handshake(s, d, verb, what, e);
        if (rc != 0) {
            data_close(d);
            return -1;
        }
        note_data(s, d, verb);
        return 0;
    }
    if (session_command(s, e, "%s", what) != 0) {
        data_close(d);
        return -1;
    }
    if (check_preliminary(s, what, e) != 0) {
        data_close(d);
        return -1;
    }
    if (data_establish(d, &s->ctrl, s->prot == 'P' ? s->tls_ctx : NULL, e) != 0) {
        data_close(d);
        snprintf(s->last_data, sizeof s->last_data, "failed (%s)", verb);
        if (ftpc_interrupted)
            return abort_replies(s, e);
        (void)read_final_reply(s, e);
        return -1;
    }
    note_data(s, d, verb);
    return 0;
}

/* Ctrl-C during a transfer: the data connection is closed (a download
 * cleanly; an upload without close_notify, so the server cannot take the
 * part for a whole file), ABOR is sent, and the replies are read so the
 * session stays usable (or, when they do not come, the control connection
 * is closed). */
static int transfer_abort(struct ftp_session *s, struct ftp_data *d, int upload, struct err *e)
{
    if (!upload && d->tls != NULL) {
        struct err ignored;
        (void)tls_w_close(d->tls, 1, &ignored);
    }
    data_close(d);
    return abort_replies(s, e);
}

/* The final reply of a transfer; only 226/250 mean success. */
static int transfer_end(struct ftp_session *s, int data_ok, struct err *e)
{
    struct err reply_err;
    do {
        if (session_read_reply(s, &reply_err) != 0) {
            if (data_ok) {
                *e = reply_err;
            } else {
                char first[ERR_MSG_MAX];
                snprintf(first, sizeof first, "%s", e->msg);
                err_set(e, e->code, "%s; no final reply for the transfer (%s), so the control "
                                    "connection was closed: use open to connect again", first, reply_err.msg);
            }
            return -1;
        }
    } while (ftp_reply_class(s->reply.code) == 1);
    if (!data_ok)
        return -1;
    if (s->reply.code != 226 && s->reply.code != 250)
        return session_refused(s, ERR_SERVER, "transfer failed", e);
    return 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void summary(struct ftp_session *s, const char *what, const char *name, uint64_t bytes,
                    const struct timespec *t0, int resumed)
{
    if (s->quiet)
        return;
    double secs = seconds_since(t0);
    char size[32];
    size_text(bytes, size, sizeof size);
    fprintf(s->msg, "%s %s: %" PRIu64 " bytes (%s) in %.3f s, %.1f MB/s, %s\n", what, name, bytes,
            size, secs, secs > 0 ? (double)bytes / secs / 1e6 : 0.0,
            s->prot == 'C' ? "clear data connection"
                           : resumed ? "TLS data connection, session resumed"
                                     : "TLS data connection, new session");
}

/* The front end's progress bar, unless quiet. */
static void watch_begin(struct ftp_session *s, const char *name, uint64_t total)
{
    if (!s->quiet && s->progress.begin != NULL)
        s->progress.begin(s->progress.arg, name, total);
}

static void watch_advance(struct ftp_session *s, uint64_t bytes)
{
    if (!s->quiet && s->progress.advance != NULL)
        s->progress.advance(s->progress.arg, bytes);
}

static void watch_end(struct ftp_session *s)
{
    if (!s->quiet && s->progress.end != NULL)
        s->progress.end(s->progress.arg);
}

static int data_resumed(const struct ftp_data *d)
{
    return d->tls != NULL && tls_w_session_reused(d->tls);
}

/* Copies the data connection to a sink, converting line ends when asked.
 * Returns 0 at a proper end of data, -2 when interrupted. */
static int receive(struct ftp_session *s, struct ftp_data *d, int to_local_text,
                   int (*sink)(void *, const void *, size_t, struct err *), void *arg,
                   int watched, uint64_t *bytes, struct err *e)
{
    int pending_cr = 0;
    char *in = s->io, *conv = s->io + FTP_IO_SIZE;
    for (;;) {
        ssize_t n = data_read(d, in, FTP_IO_SIZE, e);
        if (ftpc_interrupted)
            return -2;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        *bytes += (uint64_t)n;
        if (watched)
            watch_advance(s, (uint64_t)n);
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

/* A download only reads: the TLS answers to the server (a refused
 * renegotiation) wait until the end, so the server never closes with them
 * unread (its kernel would reset the connection and lose the file's tail). */
static void hold_answers(struct ftp_data *d)
{
    if (d->tls != NULL)
        (void)tls_w_hold_writes(d->tls);
}

/* After the data arrived: our close_notify back, briefly, then close. */
static void finish_download(struct ftp_session *s, struct ftp_data *d)
{
    if (d->tls != NULL) {
        struct err why;
        int r = tls_w_close(d->tls, 1, &why);
        if (s->ctrl.trace && r < 0)
            fprintf(s->ctrl.trace, "---- data TLS: no close_notify sent: %s\n", why.msg);
        else if (s->ctrl.trace)
            fprintf(s->ctrl.trace, "---- data TLS: close_notify sent\n");
    }
    data_close(d);
}

int xfer_remote_size(struct ftp_session *s, const char *remote, uint64_t *size, struct err *e)
{
    if (session_command(s, e, "SIZE %s", remote) != 0)
        return -1;
    if (s->reply.code != 213)
        return session_refused(s, ERR_SERVER, "size refused", e);
    if (ftp_parse_size_reply(s->reply.text, s->reply.text_len, size) != 0)
        return session_refused(s, ERR_SERVER, "malformed SIZE reply", e);
    return 0;
}

int xfer_get(struct ftp_session *s, const char *remote, const char *local, unsigned flags,
             const char *hint, struct err *e)
{
    int resume = (flags & GET_RESUME) != 0;
    unsigned lflags = (resume ? LOCAL_RESUME : 0) |
                      ((flags & GET_REPLACE) || s->opt.clobber ? LOCAL_REPLACE : 0);
    /* Renew before REST: a REST sent on the old connection would be lost. */
    if (session_require_data(s, e) != 0 || session_renew_if_needed(s, e) != 0)
        return -1;
    if (resume && s->ascii)
        return err_set(e, ERR_USAGE, "reget works in binary type only (offsets of converted text do not match)");
    uint64_t expected = 0;
    int know_size = 0;
    if (resume) {
        if (xfer_remote_size(s, remote, &expected, e) != 0)
            return err_prefix(e, "cannot resume %s", remote);
        know_size = 1;
    }
    struct local_target t;
    if (local_target_open(&t, local, lflags, hint, e) != 0)
        return -1;
    if (know_size && t.offset > expected) {
        local_target_abort(&t);
        return err_set(e, ERR_LOCAL, "%s: the local part (%" PRIu64 " bytes) is larger than %s (%" PRIu64 " bytes)",
                       local, t.offset, remote, expected);
    }
    if (know_size && t.offset == expected) {
        if (local_target_commit(&t, e) != 0)
            return -1;
        if (s->verbose)
            fprintf(s->msg, "%s is already complete (%" PRIu64 " bytes)\n", local, expected);
        return 0;
    }
    struct ftp_data d;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (t.offset > 0 && session_expect(s, 3, "cannot resume (REST refused)", e, "REST %" PRIu64, t.offset) != 0) {
        local_target_abort(&t);
        return -1;
    }
    if (transfer_begin(s, &d, "RETR", remote, e) != 0) {
        local_target_abort(&t);
        return -1;
    }
    hold_answers(&d);
    if (!know_size && !s->ascii && ftp_parse_announced_size(s->reply.text, s->reply.text_len, &expected) == 0)
        know_size = 1;
    uint64_t bytes = 0;
    watch_begin(s, remote, know_size ? expected - t.offset : 0);
    int got = receive(s, &d, s->ascii, sink_target, &t, 1, &bytes, e);
    watch_end(s);
    if (got == -2) {
        local_target_abort(&t);
        transfer_abort(s, &d, 0, e);
        return err_set(e, ERR_INTERRUPTED, "get %s interrupted after %" PRIu64 " bytes%s%s", remote,
                       t.offset + bytes, t.part[0] && t.offset + bytes ? "; reget continues it" : "",
                       ctrl_is_open(&s->ctrl) ? "" : ABORT_CLOSED);
    }
    int data_ok = got == 0;
    int resumed = data_resumed(&d);
    finish_download(s, &d);
    int rc = transfer_end(s, data_ok, e);
    if (rc == 0 && know_size && t.offset + bytes != expected)
        rc = err_set(e, ERR_SERVER, "short transfer: %" PRIu64 " of %" PRIu64 " bytes", t.offset + bytes,
                     expected);
    if (rc != 0 || local_target_commit(&t, e) != 0) {
        local_target_abort(&t);
        return err_prefix(e, "get %s", remote);
    }
    summary(s, "received", remote, bytes, &t0, resumed);
    return 0;
}

static int open_source(const char *local, uint64_t *size, struct err *e)
{
    int fd = strcmp(local, "-") == 0 ? dup(STDIN_FILENO) : open(local, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(e, ERR_LOCAL, "cannot open %s: %s", local, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        close(fd);
        return err_set(e, ERR_LOCAL, "%s is a folder", local);
    }
    *size = S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
    return fd;
}

/* Clear uploads send 64 KiB per write: the server (the bottleneck there)
 * gets each piece sooner. 1 GiB to Pure-FTPd and vsftpd: 0.59 s and 0.64 s
 * against 0.63 s and 0.74 s with 256 KiB writes (medians of six to ten). */
#define CLEAR_UPLOAD_CHUNK (64 * 1024)

int xfer_put(struct ftp_session *s, const char *local, const char *remote, enum put_how how,
             struct err *e)
{
    if (session_require_data(s, e) != 0 || session_renew_if_needed(s, e) != 0)
        return -1;
    if (how == PUT_RESUME && s->ascii)
        return err_set(e, ERR_USAGE, "reput works in binary type only");
    uint64_t local_size = 0, offset = 0;
    int fd = open_source(local, &local_size, e);
    if (fd < 0)
        return -1;
    const char *verb = how == PUT_APPEND ? "APPE" : "STOR";
    if (how == PUT_RESUME) {
        struct err none;
        if (xfer_remote_size(s, remote, &offset, &none) != 0)
            offset = 0; /* nothing there yet: a plain upload */
        if (offset > local_size) {
            close(fd);
            return err_set(e, ERR_LOCAL, "%s on the server (%" PRIu64 " bytes) is larger than %s", remote,
                           offset, local);
        }
        if (offset == local_size) {
            close(fd);
            if (s->verbose)
                fprintf(s->msg, "%s is already complete on the server\n", remote);
            return 0;
        }
        if (lseek(fd, (off_t)offset, SEEK_SET) < 0) {
            close(fd);
            return err_set(e, ERR_LOCAL, "cannot seek in %s: %s", local, strerror(errno));
        }
        /* REST then STOR; a server that refuses REST for STOR gets APPE. */
        if (offset > 0) {
            if (session_command(s, e, "REST %" PRIu64, offset) != 0) {
                close(fd);
                return -1;
            }
            if (s->reply.code != 350)
                verb = "APPE";
        }
    }
    struct ftp_data d;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (transfer_begin(s, &d, verb, remote, e) != 0) {
        close(fd);
        return -1;
    }
    uint64_t bytes = 0;
    int data_ok = 1;
    watch_begin(s, local, local_size > offset ? local_size - offset : 0);
    for (;;) {
        if (ftpc_interrupted) {
            watch_end(s);
            close(fd);
            transfer_abort(s, &d, 1, e);
            return err_set(e, ERR_INTERRUPTED, "put %s interrupted after %" PRIu64 " bytes; reput continues it%s",
                           local, offset + bytes, ctrl_is_open(&s->ctrl) ? "" : ABORT_CLOSED);
        }
        ssize_t n = read(fd, s->io, d.tls != NULL ? FTP_IO_SIZE : CLEAR_UPLOAD_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err_set(e, ERR_LOCAL, "cannot read %s: %s", local, strerror(errno));
            data_ok = 0;
            break;
        }
        if (n == 0)
            break;
        const char *p = s->io;
        size_t m = (size_t)n;
        if (s->ascii) {
            m = ascii_to_network(s->io, (size_t)n, s->io + FTP_IO_SIZE);
            p = s->io + FTP_IO_SIZE;
        }
        if (data_write(&d, p, m, e) != 0) {
            if (ftpc_interrupted)
                continue; /* handled at the top of the loop */
            data_ok = 0;
            break;
        }
        bytes += (uint64_t)n;
        watch_advance(s, (uint64_t)n);
    }
    watch_end(s);
    close(fd);
    /* A local read error must not look like a complete file: close without
     * close_notify so the server sees a truncated transfer. */
    if (data_ok && data_finish_upload(&d, CLOSE_WAIT_MS, e) != 0)
        data_ok = 0;
    else if (data_ok && d.tls != NULL && s->ctrl.trace)
        fprintf(s->ctrl.trace, "---- data TLS: close_notify sent\n");
    int resumed = data_resumed(&d);
    data_close(&d);
    if (transfer_end(s, data_ok, e) != 0)
        return err_prefix(e, "put %s", local);
    summary(s, "sent", local, bytes, &t0, resumed);
    return 0;
}

int xfer_list(struct ftp_session *s, const char *verb, const char *path, FILE *out, struct err *e)
{
    struct ftp_data d;
    if (transfer_begin(s, &d, verb, path, e) != 0)
        return -1;
    hold_answers(&d);
    uint64_t bytes = 0;
    /* Listings are text with CRLF line ends whatever the type. */
    int got = receive(s, &d, 1, sink_stream, out, 0, &bytes, e);
    if (got == -2)
        return transfer_abort(s, &d, 0, e);
    int data_ok = got == 0;
    finish_download(s, &d);
    if (fflush(out) != 0 && data_ok) {
        err_set(e, ERR_LOCAL, "cannot write the listing: %s", strerror(errno));
        data_ok = 0;
    }
    return transfer_end(s, data_ok, e);
}

struct names_sink {
    struct strlist *names;
    int mlsd;          /* lines are MLSD facts; keep regular files only */
    char line[4096];
    size_t len;
    size_t total;
};

/* One complete line of a name listing. */
static int names_line(struct names_sink *ns, struct err *e)
{
    if (ns->len == 0)
        return 0;
    if (!ns->mlsd)
        return strlist_add(ns->names, ns->line, ns->len) == 0
                   ? 0 : err_set(e, ERR_SERVER, "too many names in the listing");
    struct ftp_entry entry;
    int r = ftp_parse_mlsd_line(ns->line, ns->len, &entry);
    if (r < 0)
        return err_set(e, ERR_SERVER, "malformed MLSD line: %.60s", ns->line);
    if (r == 0 && entry.type == ENTRY_FILE && strlist_add(ns->names, entry.name, strlen(entry.name)) != 0)
        return err_set(e, ERR_SERVER, "too many names in the listing");
    return 0;
}

static int sink_names(void *arg, const void *p, size_t n, struct err *e)
{
    struct names_sink *ns = arg;
    ns->total += n;
    if (ns->total > NAMES_MAX_BYTES)
        return err_set(e, ERR_SERVER, "the name listing is larger than %u bytes", NAMES_MAX_BYTES);
    const char *c = p;
    for (size_t i = 0; i < n; i++) {
        if (c[i] == '\n') {
            if (names_line(ns, e) != 0)
                return -1;
            ns->len = 0;
        } else if (ns->len < sizeof ns->line - 1) {
            ns->line[ns->len++] = c[i];
        } else {
            return err_set(e, ERR_SERVER, "a name in the listing is longer than %zu bytes", sizeof ns->line);
        }
    }
    return 0;
}

static int collect_names(struct ftp_session *s, const char *verb, const char *path,
                         struct strlist *names, struct err *e)
{
    struct ftp_data d;
    if (transfer_begin(s, &d, verb, path, e) != 0)
        return -1;
    hold_answers(&d);
    struct names_sink *ns = calloc(1, sizeof *ns);
    if (ns == NULL) {
        data_close(&d);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    ns->names = names;
    ns->mlsd = strcmp(verb, "MLSD") == 0;
    uint64_t bytes = 0;
    int got = receive(s, &d, 1, sink_names, ns, 0, &bytes, e);
    if (got == -2) {
        free(ns);
        return transfer_abort(s, &d, 0, e);
    }
    int data_ok = got == 0 && names_line(ns, e) == 0;
    free(ns);
    finish_download(s, &d);
    return transfer_end(s, data_ok, e);
}

int xfer_names(struct ftp_session *s, const char *path, struct strlist *names, struct err *e)
{
    return collect_names(s, "NLST", path, names, e);
}

int xfer_files(struct ftp_session *s, const char *path, struct strlist *names, struct err *e)
{
    return collect_names(s, "MLSD", path, names, e);
}
