/*
 * mirror: a remote folder downloaded into a local one (or, mirror_upload,
 * a local one uploaded), recursively over
 * MLSD, folder by folder as mirror_plan.h decides. Each file goes through
 * xfer_get (NAME.part, renamed into place; a partial one continued) and
 * then gets the server's modification time; folders are made 0777 &
 * ~umask (with perms, the server's bits & 0777, folders u+rwx). The
 * server's links are followed only with follow_links, and only inside
 * the tree (tree_links.h). A failed file or folder is counted and the run goes on; Ctrl-C
 * or a lost connection ends it. A folder whose listing failed is left as
 * it is (nothing deleted in it). With dry_run nothing is changed: the
 * plan is printed, every folder of the server listed. With verify, each
 * file is compared with the server's copy by hash (tree_verify.h): a
 * download that differs stays NAME.part, an upload that differs is
 * deleted from the server; either is a failed file.
 */
#ifndef FTPC_TRANSFER_MIRROR_H
#define FTPC_TRANSFER_MIRROR_H

#include <stdint.h>
#include <stdio.h>

#include "common/err.h"
#include "ftpc/parse/tree_glob.h"
#include "ftpc/session/session.h"

struct mirror_options {
    unsigned plan_flags;        /* PLAN_OPT_* (mirror_plan.h) */
    struct tree_filter filter;
    int dry_run;
    int verbose;                /* a line per action, and each transfer's summary */
    int follow_links;           /* symbolic links followed: upload, local ones (loops refused);
                                   download, the server's inside the tree (tree_links.h) */
    int perms;                  /* permission bits copied (& 0777): download from UNIX.mode or
                                   LIST's mode, upload with SITE CHMOD where the server has it */
    int verify;                 /* each file's hash compared with the server's (tree_verify.h) */
    int parallel;               /* connections (conn_pool.h); 0 or 1: the one session, in order */
    FILE *out;                  /* the plan (dry run, verbose) and the summary */
    FILE *err;                  /* each failure */
};

struct mirror_summary {
    uint64_t transferred, skipped, deleted, failed, folders_made;
    uint64_t bytes;             /* of the files transferred (what was sent of them) */
    double seconds;
    struct err first;           /* the first failure (code ERR_NONE when none) */
    uint64_t planned_files, planned_bytes; /* to transfer, as far as the tree was listed */
    int connections;            /* that took part (--parallel) */
};

/* remote (a folder on the server) into local (made when missing). 0 when
 * the run went through the tree (sum->failed counts what failed in it),
 * -1 when it was stopped (e says why). */
int mirror_download(struct ftp_session *s, const char *remote, const char *local,
                    const struct mirror_options *o, struct mirror_summary *sum,
                    struct err *e) MUST_CHECK;

/* local (a folder here) onto remote (made when the server cannot list
 * it): the same walk with the sides swapped. Files go up through
 * NAME.part, renamed when complete (tree_remote_put; a NAME.part left by
 * an interrupted run is continued), then get their local time with MFMT
 * where FEAT lists it
 * (where not, the plan compares by size, and a local file newer than
 * the server's copy is sent again); folders are made with MKD; --delete
 * removes what the local folder lacks, on the server, inside remote
 * only. Local symbolic links are skipped unless o->follow_links (then a
 * link back to a folder being copied is a loop: a failure, not
 * followed). */
int mirror_upload(struct ftp_session *s, const char *local, const char *remote,
                  const struct mirror_options *o, struct mirror_summary *sum,
                  struct err *e) MUST_CHECK;

/* The summary line: "mirror: 3 transferred, ... in 0.52 s", then (unless
 * a dry run) "mirror: 5.8 files/s over 4 connections". */
void mirror_print_summary(FILE *out, const struct mirror_summary *sum, int dry_run);

/* The same summary as one JSON object (--json): direction, dry_run,
 * transferred, skipped, deleted, failed, folders_made, bytes,
 * milliseconds, files_per_second, connections, and first_failure (the first failure's message, or null). */
void mirror_print_json(FILE *out, const struct mirror_summary *sum, int upload, int dry_run);

#endif
