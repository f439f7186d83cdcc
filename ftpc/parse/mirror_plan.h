/*
 * mirror_plan: what a mirror does in one folder, decided from the two
 * listings alone (no I/O, so every rule is unit tested): for each entry
 * an action and the reason, as --dry-run prints them.
 *
 * From the server's side (the source):
 * - a name tree_name_check refuses, or one listed twice, is skipped and
 *   is a failure, and then nothing is deleted in this folder;
 * - what the filter (tree_glob.h) does not take is skipped, and its
 *   local namesake left alone; so are entries that are neither file nor
 *   folder, and links: without --follow-links all of them, with it those
 *   tree_link.h found leading out of the tree, to nothing, in a loop, or
 *   with no target the server names (each then also a notice, not a
 *   failure); a link followed (e->link LINK_FOLLOWED) is planned as what
 *   it leads to;
 * - a folder is descended (made here when missing); a file is
 *   transferred when missing here, else compared: by modification time
 *   and size (either differing: replaced); --ignore-time: size only;
 *   --only-newer: replaced only when the server's copy is newer;
 *   --only-missing: never replaced. Without times, the size decides.
 * - a file or folder facing the other kind (or a link, or a special
 *   file) here is a failure, never replaced.
 * - NAME.part in the target is the partial transfer of file NAME: it is
 *   continued when shorter than the source's file and not older than
 *   it, else the transfer starts again. A source file named NAME.part is
 *   never mirrored (skipped, no failure): that name is how transfers land.
 * From the local side (the target): an entry the server does not have
 *   is deleted only with --delete (a folder with all it holds), never
 *   when the server's listing had failures; else it is kept. A target
 *   entry named like a source entry it was not paired with (a target
 *   listing that names it twice) is never deleted, and is a failure.
 *
 * An upload (PLAN_OPT_UPLOAD) is the same plan with the sides swapped:
 * the local folder is the source, the server's the target, and the
 * reasons say so ("here", "on the server"); NAME.part is then the
 * server's (an upload lands as NAME.part, renamed when complete). A
 * target name tree_name_check refuses is never
 * deleted (with --delete it is a failure), as the server sent it. With
 * PLAN_OPT_NO_TIME_SET (the server cannot be given a file's time, so
 * its copy carries the time of the upload), a target newer than the
 * source is not taken as modified: the size decides, and a source newer
 * than the target is replaced.
 */
#ifndef FTPC_PARSE_MIRROR_PLAN_H
#define FTPC_PARSE_MIRROR_PLAN_H

#include <stddef.h>

#include "ftpc/parse/tree_entry.h"
#include "ftpc/parse/tree_glob.h"

/* plan_options flags */
#define PLAN_OPT_ONLY_NEWER   1u
#define PLAN_OPT_IGNORE_TIME  2u
#define PLAN_OPT_ONLY_MISSING 4u
#define PLAN_OPT_DELETE       8u
#define PLAN_OPT_UPLOAD      16u  /* the source is the local folder, the target the server's */
#define PLAN_OPT_NO_TIME_SET 32u  /* upload: the target's times are those of the uploads */
#define PLAN_OPT_NO_PART_CHECK 64u /* upload: no hash to check a server's NAME.part by: never continued */

struct plan_options {
    unsigned flags;
    struct tree_filter filter;
    const char *folder;      /* this folder's path from the top of the tree; "" at the top */
};

enum plan_act {
    PLAN_TRANSFER,   /* new here (or continued from NAME.part) */
    PLAN_REPLACE,    /* here, but different: downloaded again */
    PLAN_DELETE,     /* here only, and --delete */
    PLAN_SKIP,       /* nothing to do (a failure when failed is set) */
    PLAN_DESCEND,    /* a folder: made when missing, then planned itself */
    PLAN_KEEP,       /* here only, left alone */
};

#define PLAN_REASON_MAX 200

struct plan_action {
    enum plan_act act;
    const struct tree_entry *source; /* NULL for an entry of the target only */
    const struct tree_entry *target; /* NULL when the target has none */
    const struct tree_entry *part;   /* TRANSFER, REPLACE: NAME.part to continue, else NULL */
    int failed;                      /* a SKIP that is a failure */
    int notice;                      /* a SKIP to report though not a failure (a link not followed) */
    char reason[PLAN_REASON_MAX];
};

/* The plan of one folder. source and target (on a download the server's
 * listing and the local one) are sorted by name here (in place); out has
 * room for n_source + n_target actions, in name order. The number of
 * actions is returned; *delete_blocked is set when failures in the
 * source's listing stopped --delete. */
size_t mirror_plan(struct tree_entry *source, size_t n_source, struct tree_entry *target,
                   size_t n_target, const struct plan_options *o, struct plan_action *out,
                   int *delete_blocked);

/* "transfer", "replace", "delete", "skip", "folder", "keep". */
const char *plan_act_name(enum plan_act a);

#endif
