/*
 * transfer: data transfers. Trust boundary: the data connection's bytes
 * are counted and must end with TLS close_notify (when private) and a
 * 226/250 reply; sizes the server announces are checked, not trusted. The
 * data connection itself (sockets, TLS, the replies around it) is
 * ftpc/conn/data.c's; here are the files, the counts and the messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ftpc/conn/data.h"
#include "ftpc/conn/interrupt.h"
#include "ftpc/conn/limits.h"
#include "ftpc/conn/localfile.h"
#include "ftpc/parse/ascii.h"
#include "ftpc/parse/listing.h"
#include "ftpc/parse/size_reply.h"
#include "ftpc/parse/size_text.h"
#include "ftpc/parse/tree_ls.h"
#include "ftpc/transfer/transfer.h"

#define ABORT_CLOSED XFER_ABORT_CLOSED

/* For status: how the latest data connection was made. */
static void note_data(struct ftp_session *s, const struct ftp_data *d, const char *verb)
{
    char detail[32];
    snprintf(detail, sizeof detail, "%s, %s", verb, s->opt.passive ? "passive" : "active");
    data_describe(d, detail, s->last_data, sizeof s->last_data);
}

/* Opens the data connection for verb (and arg): renews the TLS session
 * first when needed, then data_open, which keeps the control connection
 * in step whatever fails. */
/* How a transfer speaks: its replies shown (when verbose) and the TLS
 * session renewed when needed; or quietly, for tab completion, which
 * shows nothing and never logs in again behind the user's back (the next
 * real transfer renews). */
enum voice { SHOWN, QUIET };

static int transfer_begin_as(struct ftp_session *s, struct ftp_data *d, const char *verb,
                             const char *arg, enum voice voice, struct err *e)
{
    if (session_require_data(s, e) != 0 || (voice == SHOWN && session_renew_if_needed(s, e) != 0))
        return -1;
    char what[4200];
    snprintf(what, sizeof what, "%s%s%s", verb, arg ? " " : "", arg ? arg : "");
    struct data_link link;
    struct data_plan plan;
    session_data_link(s, &link, &plan);
    link.quiet = voice == QUIET;
    if (data_open(d, &link, &plan, what, e) != 0) {
        if (d->failed)
            snprintf(s->last_data, sizeof s->last_data, "failed (%s)", verb);
        return -1;
    }
    note_data(s, d, verb);
    return 0;
}

static int transfer_begin(struct ftp_session *s, struct ftp_data *d, const char *verb,
                          const char *arg, struct err *e)
{
    return transfer_begin_as(s, d, verb, arg, SHOWN, e);
}

static int connected(const struct ftp_session *s)
{
    return s->state != SESSION_DISCONNECTED;
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
            s->agreed.prot == 'C' ? "clear data connection"
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

/* Copies the data connection to a sink, converting line ends when asked.
 * 0 at a proper end of data; Ctrl-C is an ERR_INTERRUPTED error. */
static int receive(struct ftp_session *s, struct ftp_data *d, int to_local_text,
                   int (*sink)(void *, const void *, size_t, struct err *), void *arg,
                   int watched, uint64_t *bytes, struct err *e)
{
    int pending_cr = 0;
    char *in = s->io, *conv = s->io + FTP_IO_SIZE;
    for (;;) {
        ssize_t n = data_read(d, in, FTP_IO_SIZE, e);
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

/* A download's receive ended: Ctrl-C aborts (the data connection and the
 * server's transfer); otherwise the data connection is ended and the
 * final reply read, the data's own failure (got != 0) kept in e. */
static int end_download(struct ftp_data *d, int got, int *interrupted, struct err *e)
{
    *interrupted = got != 0 && e->code == ERR_INTERRUPTED;
    if (*interrupted)
        return data_abort(d, 0, e);
    return data_end_download(d, got == 0, e);
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
    return xfer_get_checked(s, remote, local, flags, hint, NULL, e);
}

static int get_file(struct ftp_session *s, const char *remote, const char *local, unsigned flags,
                    const char *hint, const struct get_check *check, struct get_outcome *out, struct err *e);

int xfer_get_checked(struct ftp_session *s, const char *remote, const char *local, unsigned flags,
                     const char *hint, const struct get_check *check, struct err *e)
{
    struct get_outcome out;
    return get_file(s, remote, local, flags, hint, check, &out, e);
}

int xfer_get_noting(struct ftp_session *s, const char *remote, const char *local, unsigned flags,
                    const char *hint, struct get_outcome *out, struct err *e)
{
    return get_file(s, remote, local, flags, hint, NULL, out, e);
}

/* The caller's check of a finished download, when there is one: on the
 * file just written, opened again for reading (the target is write-only)
 * and checked to be the same file. */
static int check_download(const struct get_check *check, const struct local_target *t, struct err *e)
{
    if (check == NULL || check->fn == NULL)
        return 0;
    const char *path = t->direct ? t->path : t->part;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat written, read_back;
    if (fd < 0 || fstat(t->fd, &written) != 0 || fstat(fd, &read_back) != 0 || !S_ISREG(read_back.st_mode) ||
        written.st_dev != read_back.st_dev || written.st_ino != read_back.st_ino) {
        if (fd >= 0)
            close(fd);
        return err_set(e, ERR_LOCAL, "cannot read %s back to check it", path);
    }
    int rc = check->fn(check->arg, fd, e);
    close(fd);
    return rc;
}

/* What an interrupted download keeps: the target's bytes stay (NAME.part
 * when it holds any; NAME itself when continued in place). */
static void note_kept(const struct local_target *t, struct get_outcome *out)
{
    out->offset = t->offset;
    out->written = t->written;
    if (t->offset + t->written == 0 || strcmp(t->path, "-") == 0)
        return;
    snprintf(out->kept, sizeof out->kept, "%s", t->direct ? t->path : t->part);
}

static int get_file(struct ftp_session *s, const char *remote, const char *local, unsigned flags,
                    const char *hint, const struct get_check *check, struct get_outcome *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    int resume = (flags & GET_RESUME) != 0;
    unsigned lflags = (resume ? LOCAL_RESUME : 0) |
                      ((flags & GET_REPLACE) || s->opt.clobber ? LOCAL_REPLACE : 0);
    /* Renew before REST: a REST sent on the old connection would be lost. */
    if (session_require_data(s, e) != 0 || session_renew_if_needed(s, e) != 0)
        return -1;
    if (resume && s->agreed.ascii)
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
    if (check != NULL && check->set_mode) {
        t.set_mode = 1;
        t.mode = check->mode;
    }
    out->target_opened = 1;
    out->offset = t.offset;
    out->total = know_size ? expected : 0;
    if (know_size && t.offset > expected) {
        local_target_abort(&t);
        return err_set(e, ERR_LOCAL, "%s: the local part (%" PRIu64 " bytes) is larger than %s (%" PRIu64 " bytes)",
                       local, t.offset, remote, expected);
    }
    if (know_size && t.offset == expected) {
        if (check_download(check, &t, e) != 0) {
            local_target_abort(&t);
            return err_prefix(e, "get %s", remote);
        }
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
    data_hold_answers(&d);
    if (!know_size && !s->agreed.ascii && ftp_parse_announced_size(s->reply.text, s->reply.text_len, &expected) == 0)
        know_size = 1;
    out->total = know_size ? expected : 0;
    uint64_t bytes = 0;
    watch_begin(s, remote, know_size ? expected - t.offset : 0);
    int got = receive(s, &d, s->agreed.ascii, sink_target, &t, 1, &bytes, e);
    watch_end(s);
    int resumed = data_resumed(&d);
    /* Ctrl-C: the target is closed (an empty NAME.part removed) before the
     * abort, which may wait for the server: a second Ctrl-C that ends ftpc
     * then leaves nothing behind. */
    if (got != 0 && e->code == ERR_INTERRUPTED) {
        local_target_abort(&t);
        note_kept(&t, out);
    }
    int interrupted;
    int rc = end_download(&d, got, &interrupted, e);
    if (interrupted) {
        out->abort_closed = !connected(s);
        return err_set(e, ERR_INTERRUPTED, "get %s interrupted after %" PRIu64 " bytes%s%s", remote,
                       t.offset + bytes, t.part[0] && t.offset + bytes ? "; reget continues it" : "",
                       connected(s) ? "" : ABORT_CLOSED);
    }
    if (rc == 0 && know_size && t.offset + bytes != expected)
        rc = err_set(e, ERR_SERVER, "short transfer: %" PRIu64 " of %" PRIu64 " bytes", t.offset + bytes,
                     expected);
    if (rc != 0 || check_download(check, &t, e) != 0 || local_target_commit(&t, e) != 0) {
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

/* One upload: the local file, where on the server it starts, and how. */
struct upload {
    const char *local, *remote;
    int fd;
    uint64_t size;      /* of a regular local file; 0 otherwise */
    uint64_t offset;    /* what the server has already (reput) */
    const char *verb;   /* STOR or APPE */
    int complete;       /* reput: the server has it all, nothing to send */
};

/* reput: where to continue. SIZE (nothing there: a plain upload), the
 * local file positioned there, then REST; a server that refuses REST for
 * STOR gets APPE. */
static int upload_resume_point(struct ftp_session *s, struct upload *u, struct err *e)
{
    struct err none;
    int there = xfer_remote_size(s, u->remote, &u->offset, &none) == 0;
    if (!there)
        u->offset = 0; /* nothing there yet: a plain upload */
    if (u->offset > u->size)
        return err_set(e, ERR_LOCAL, "%s on the server (%" PRIu64 " bytes) is larger than %s", u->remote,
                       u->offset, u->local);
    /* Complete only when the server said so: an empty file it does not
     * have yet is still sent. */
    if (there && u->offset == u->size) {
        u->complete = 1;
        return 0;
    }
    if (lseek(u->fd, (off_t)u->offset, SEEK_SET) < 0)
        return err_set(e, ERR_LOCAL, "cannot seek in %s: %s", u->local, strerror(errno));
    if (u->offset > 0) {
        if (session_command(s, e, "REST %" PRIu64, u->offset) != 0)
            return -1;
        if (s->reply.code != 350)
            u->verb = "APPE";
    }
    return 0;
}

/* Copies the local file to the data connection (LF -> CRLF in ASCII). A
 * local read error is ERR_LOCAL, Ctrl-C ERR_INTERRUPTED. */
static int upload_send(struct ftp_session *s, struct upload *u, struct ftp_data *d, uint64_t *bytes,
                       struct err *e)
{
    size_t chunk = data_upload_chunk(d);
    for (;;) {
        if (ftpc_interrupted)
            return err_set(e, ERR_INTERRUPTED, "interrupted");
        ssize_t n = read(u->fd, s->io, chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return err_set(e, ERR_LOCAL, "cannot read %s: %s", u->local, strerror(errno));
        if (n == 0)
            return 0;
        const char *p = s->io;
        size_t m = (size_t)n;
        if (s->agreed.ascii) {
            m = ascii_to_network(s->io, (size_t)n, s->io + FTP_IO_SIZE);
            p = s->io + FTP_IO_SIZE;
        }
        if (data_write(d, p, m, e) != 0)
            return -1;
        *bytes += (uint64_t)n;
        watch_advance(s, (uint64_t)n);
    }
}

/* The upload's data connection: send, then end it (or abort on Ctrl-C). */
static int upload_transfer(struct ftp_session *s, struct upload *u, struct err *e)
{
    struct ftp_data d;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (transfer_begin(s, &d, u->verb, u->remote, e) != 0)
        return -1;
    uint64_t bytes = 0;
    watch_begin(s, u->local, u->size > u->offset ? u->size - u->offset : 0);
    int sent = upload_send(s, u, &d, &bytes, e);
    watch_end(s);
    if (sent != 0 && e->code == ERR_INTERRUPTED) {
        data_abort(&d, 1, e);
        return err_set(e, ERR_INTERRUPTED, "put %s interrupted after %" PRIu64 " bytes; reput continues it%s",
                       u->local, u->offset + bytes, connected(s) ? "" : ABORT_CLOSED);
    }
    int resumed = data_resumed(&d);
    if (data_end_upload(&d, sent == 0, e) != 0)
        return err_prefix(e, "put %s", u->local);
    summary(s, "sent", u->local, bytes, &t0, resumed);
    return 0;
}

int xfer_put(struct ftp_session *s, const char *local, const char *remote, enum put_how how,
             struct err *e)
{
    if (session_require_data(s, e) != 0 || session_renew_if_needed(s, e) != 0)
        return -1;
    if (how == PUT_RESUME && s->agreed.ascii)
        return err_set(e, ERR_USAGE, "reput works in binary type only");
    if (how == PUT_RESUME && strcmp(local, "-") == 0)
        return err_set(e, ERR_USAGE, "cannot resume from standard input (its size is not known)");
    struct upload u = { .local = local, .remote = remote,
                        .verb = how == PUT_APPEND ? "APPE" : "STOR" };
    u.fd = open_source(local, &u.size, e);
    if (u.fd < 0)
        return -1;
    int rc = how == PUT_RESUME ? upload_resume_point(s, &u, e) : 0;
    if (rc == 0 && u.complete) {
        if (s->verbose)
            fprintf(s->msg, "%s is already complete on the server\n", remote);
    } else if (rc == 0) {
        rc = upload_transfer(s, &u, e);
    }
    close(u.fd);
    return rc;
}

int xfer_list(struct ftp_session *s, const char *verb, const char *path, FILE *out, struct err *e)
{
    struct ftp_data d;
    if (transfer_begin(s, &d, verb, path, e) != 0)
        return -1;
    data_hold_answers(&d);
    uint64_t bytes = 0;
    /* Listings are text with CRLF line ends whatever the type. */
    int got = receive(s, &d, 1, sink_stream, out, 0, &bytes, e);
    if (fflush(out) != 0 && got == 0)
        got = err_set(e, ERR_LOCAL, "cannot write the listing: %s", strerror(errno));
    int interrupted;
    return end_download(&d, got, &interrupted, e);
}

/* How a names listing reads its lines. */
enum names_form {
    NAMES_PLAIN,       /* NLST: one name a line */
    NAMES_FILES,       /* MLSD: regular files only */
    NAMES_TYPED_MLSD,  /* MLSD: every entry, a folder's name with '/' after it */
    NAMES_TYPED_LS,    /* LIST's `ls -l` lines: the same; lines it cannot read are left out */
};

struct names_sink {
    struct strlist *names;
    enum names_form form;
    char line[4096];
    size_t len;
    size_t total;
};

/* One complete line of a name listing. */
static int names_line(struct names_sink *ns, struct err *e)
{
    if (ns->len == 0)
        return 0;
    if (ns->form == NAMES_PLAIN)
        return strlist_add(ns->names, ns->line, ns->len) == 0
                   ? 0 : err_set(e, ERR_SERVER, "too many names in the listing");
    if (ns->form == NAMES_TYPED_LS) {
        struct tree_entry t;
        const char *name;
        size_t len;
        char typed[sizeof ns->line + 1];
        if (tree_parse_ls_line(ns->line, ns->len, &t, &name, &len) != 0 || len >= sizeof typed - 1 ||
            memchr(name, '\0', len) != NULL)
            return 0;
        memcpy(typed, name, len);
        if (t.kind == TREE_FOLDER)
            typed[len++] = '/';
        return strlist_add(ns->names, typed, len) == 0 ? 0 : err_set(e, ERR_SERVER, "too many names in the listing");
    }
    struct ftp_entry entry;
    int r = ftp_parse_mlsd_line(ns->line, ns->len, &entry);
    if (r < 0)
        return err_set(e, ERR_SERVER, "malformed MLSD line: %.60s", ns->line);
    if (r != 0 || (ns->form == NAMES_FILES && entry.type != ENTRY_FILE))
        return 0;
    char typed[FTP_NAME_MAX + 1];
    size_t len = strlen(entry.name);
    memcpy(typed, entry.name, len);
    if (ns->form == NAMES_TYPED_MLSD && entry.type == ENTRY_DIR)
        typed[len++] = '/';
    if (strlist_add(ns->names, typed, len) != 0)
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
                         enum voice voice, enum names_form form, struct strlist *names, struct err *e)
{
    struct names_sink *ns = calloc(1, sizeof *ns);
    if (ns == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    ns->names = names;
    ns->form = form;
    struct ftp_data d;
    int rc = -1;
    if (transfer_begin_as(s, &d, verb, path, voice, e) == 0) {
        data_hold_answers(&d);
        uint64_t bytes = 0;
        int got = receive(s, &d, 1, sink_names, ns, 0, &bytes, e);
        if (got == 0 && names_line(ns, e) != 0)
            got = -1;
        int interrupted;
        rc = end_download(&d, got, &interrupted, e);
    }
    free(ns);
    return rc;
}

int xfer_names(struct ftp_session *s, const char *path, struct strlist *names, struct err *e)
{
    return collect_names(s, "NLST", path, SHOWN, NAMES_PLAIN, names, e);
}

int xfer_names_quietly(struct ftp_session *s, const char *path, struct strlist *names, struct err *e)
{
    return collect_names(s, "NLST", path, QUIET, NAMES_PLAIN, names, e);
}

int xfer_entries_quietly(struct ftp_session *s, const char *path, struct strlist *names, struct err *e)
{
    if (s->agreed.feat_known && (s->agreed.feat & FEAT_MLST))
        return collect_names(s, "MLSD", path, QUIET, NAMES_TYPED_MLSD, names, e);
    char arg[4200];
    snprintf(arg, sizeof arg, "-a%s%s", path ? " " : "", path ? path : "");
    return collect_names(s, "LIST", arg, QUIET, NAMES_TYPED_LS, names, e);
}

int xfer_files(struct ftp_session *s, const char *path, struct strlist *names, struct err *e)
{
    return collect_names(s, "MLSD", path, SHOWN, NAMES_FILES, names, e);
}
