/*
 * commands: the subcommands of batch and interactive use (IBM i names and
 * the usual Unix ones), one table from name to handler, with the usage
 * line and help text of each.
 */
#ifndef FTPC_COMMANDS_COMMANDS_H
#define FTPC_COMMANDS_COMMANDS_H

#include <stdio.h>

#include "common/err.h"
#include "ftpc/session/session.h"
#include "ftpc/transfer/strlist.h"

/* A number macro's digits, for help and usage texts. */
#define HELP_NUMBER_(x) #x
#define HELP_NUMBER(x) HELP_NUMBER_(x)

/* The longest subcommand line (batch, standard input or the prompt), with
 * its newline. */
#define COMMAND_LINE_MAX 8192

struct cmd_ctx {
    struct ftp_session *s;
    FILE *out;   /* what the user asked to see: listings, pwd, size... */
    const char *out_name; /* out for messages ("standard output", -o FILE) */
    int out_failed;       /* a subcommand failed because a write to out failed */
    FILE *err;   /* error messages (escaped: see visible.h) */
    int quit;    /* set by quit/bye */
    unsigned opts; /* the options of the running subcommand, CMDLINE_OPT bits */
};

/* Runs one split subcommand line. A write to cx->out (or to s->msg when
 * that is not cx->err) that failed fails the subcommand (ERR_LOCAL). */
int commands_run(struct cmd_ctx *cx, int argc, char **argv, struct err *e) MUST_CHECK;

/* help: every subcommand, or one. */
int commands_help(FILE *out, const char *name);

/* For completion: the i-th name (NULL past the end), whether name is a
 * subcommand, and what its argument number argno (1-based) names. */
enum cmd_arg { ARG_OTHER, ARG_REMOTE, ARG_LOCAL };
const char *commands_name(size_t i);
int commands_known(const char *name);
enum cmd_arg commands_arg(const char *name, int argno);

/* 1 when a split line carries a password or account (user NAME PASSWORD,
 * pass, acct, quote PASS; on the first line of batch input also IBM i's
 * "name password"). */
int commands_carry_secret(int argc, char **argv, int first_line);
/* 1 when a line may be kept in the shell's history: a known subcommand
 * that cannot carry a secret (no user/pass/acct with arguments, no quote
 * or site, nothing that did not parse). */
int commands_history_ok(int argc, char **argv);

/* Handlers, by group (cmd_conn.c, cmd_files.c, cmd_misc.c, cmd_mirror.c). */
typedef int (*cmd_fn)(struct cmd_ctx *cx, int argc, char **argv, struct err *e);
int cmd_open(struct cmd_ctx *, int, char **, struct err *);
int cmd_secopen(struct cmd_ctx *, int, char **, struct err *);
int cmd_user(struct cmd_ctx *, int, char **, struct err *);
int cmd_pass(struct cmd_ctx *, int, char **, struct err *);
int cmd_acct(struct cmd_ctx *, int, char **, struct err *);
int cmd_close(struct cmd_ctx *, int, char **, struct err *);
int cmd_quit(struct cmd_ctx *, int, char **, struct err *);
int cmd_rein(struct cmd_ctx *, int, char **, struct err *);
int cmd_ccc(struct cmd_ctx *, int, char **, struct err *);
int cmd_secdata(struct cmd_ctx *, int, char **, struct err *);
int cmd_get(struct cmd_ctx *, int, char **, struct err *);
int cmd_get_any(struct cmd_ctx *, int, char **, struct err *); /* get, or get -r (cmd_mirror.c) */
int cmd_mirror(struct cmd_ctx *, int, char **, struct err *);
int cmd_put_any(struct cmd_ctx *, int, char **, struct err *); /* put, or put -r (cmd_mirror.c) */
int cmd_reget(struct cmd_ctx *, int, char **, struct err *);
int cmd_put(struct cmd_ctx *, int, char **, struct err *);
int cmd_append(struct cmd_ctx *, int, char **, struct err *);
int cmd_reput(struct cmd_ctx *, int, char **, struct err *);
int cmd_mget(struct cmd_ctx *, int, char **, struct err *);
int cmd_mput(struct cmd_ctx *, int, char **, struct err *);
int cmd_delete(struct cmd_ctx *, int, char **, struct err *);
int cmd_mdelete(struct cmd_ctx *, int, char **, struct err *);
int cmd_rename(struct cmd_ctx *, int, char **, struct err *);
int cmd_mkdir(struct cmd_ctx *, int, char **, struct err *);
int cmd_rmdir(struct cmd_ctx *, int, char **, struct err *);
int cmd_size(struct cmd_ctx *, int, char **, struct err *);
int cmd_modtime(struct cmd_ctx *, int, char **, struct err *);
int cmd_ls(struct cmd_ctx *, int, char **, struct err *);
int cmd_dir(struct cmd_ctx *, int, char **, struct err *);
int cmd_mlsd(struct cmd_ctx *, int, char **, struct err *);
int cmd_mlst(struct cmd_ctx *, int, char **, struct err *);
int cmd_cd(struct cmd_ctx *, int, char **, struct err *);
int cmd_cdup(struct cmd_ctx *, int, char **, struct err *);
int cmd_pwd(struct cmd_ctx *, int, char **, struct err *);
int cmd_lcd(struct cmd_ctx *, int, char **, struct err *);
int cmd_lpwd(struct cmd_ctx *, int, char **, struct err *);
int cmd_ascii(struct cmd_ctx *, int, char **, struct err *);
int cmd_binary(struct cmd_ctx *, int, char **, struct err *);
int cmd_type(struct cmd_ctx *, int, char **, struct err *);
int cmd_passive(struct cmd_ctx *, int, char **, struct err *);
int cmd_active(struct cmd_ctx *, int, char **, struct err *);
int cmd_system(struct cmd_ctx *, int, char **, struct err *);
int cmd_stat(struct cmd_ctx *, int, char **, struct err *);
int cmd_feat(struct cmd_ctx *, int, char **, struct err *);
int cmd_noop(struct cmd_ctx *, int, char **, struct err *);
int cmd_quote(struct cmd_ctx *, int, char **, struct err *);
int cmd_site(struct cmd_ctx *, int, char **, struct err *);
int cmd_help(struct cmd_ctx *, int, char **, struct err *);
int cmd_set(struct cmd_ctx *, int, char **, struct err *);
int cmd_status(struct cmd_ctx *, int, char **, struct err *);
int cmd_verbose(struct cmd_ctx *, int, char **, struct err *);
int cmd_debug(struct cmd_ctx *, int, char **, struct err *);

/* The last part of a path, for a default file name on the other side. */
void cmd_base_name(const char *path, char *out, size_t outlen);

/* The local name a download of remote gets when none is given: its last
 * part, and "./-" for "-" (a server's name never means standard output). */
void cmd_local_name(const char *remote, char *out, size_t outlen);

/* The local files a list of words names, for mput and ftpc put: a word
 * that names an existing entry is taken as it is (a file may be called
 * p[1].csv); otherwise one with an unquoted *, ? or [ is a glob(3) that
 * must match (one that matches nothing is an error naming it); any other
 * word is taken as it is (opening it reports what is wrong). */
int cmd_expand_locals(char **words, int n, struct strlist *out, struct err *e) MUST_CHECK;

/* Joins argv[from..] with blanks into out. -1 when it does not fit. */
int cmd_join(int argc, char **argv, int from, char *out, size_t outlen) MUST_CHECK;

#endif
