/* shell: interactive use over libedit's readline interface. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <editline/readline.h>

#include "cmdline.h"
#include "interrupt.h"
#include "shell.h"
#include "strlist.h"
#include "transfer.h"

#define HISTORY_LINES 1000
#define CACHE_DIRS 8

static struct cmd_ctx *shell_cx;

/* Remote names per folder, so completion asks the server once. */
static struct {
    char dir[1024];
    struct strlist names;
    int used;
} cache[CACHE_DIRS];
static int cache_next;

static void cache_clear(void)
{
    for (int i = 0; i < CACHE_DIRS; i++) {
        if (cache[i].used)
            strlist_free(&cache[i].names);
        cache[i].used = 0;
    }
}

static struct strlist *remote_names(const char *dir)
{
    for (int i = 0; i < CACHE_DIRS; i++)
        if (cache[i].used && strcmp(cache[i].dir, dir) == 0)
            return &cache[i].names;
    struct ftp_session *s = shell_cx->s;
    if (!s->logged_in)
        return NULL;
    int slot = cache_next++ % CACHE_DIRS;
    if (cache[slot].used)
        strlist_free(&cache[slot].names);
    strlist_init(&cache[slot].names);
    snprintf(cache[slot].dir, sizeof cache[slot].dir, "%s", dir);
    int verbose = s->verbose, quiet = s->quiet;
    s->verbose = 0;
    s->quiet = 1;
    struct err e;
    int rc = xfer_names(s, dir[0] ? dir : NULL, &cache[slot].names, &e);
    s->verbose = verbose;
    s->quiet = quiet;
    if (rc != 0) {
        strlist_free(&cache[slot].names);
        return NULL;
    }
    cache[slot].used = 1;
    return &cache[slot].names;
}

static char *command_generator(const char *text, int state)
{
    static size_t i;
    if (state == 0)
        i = 0;
    const char *name;
    while ((name = commands_name(i++)) != NULL)
        if (strncmp(name, text, strlen(text)) == 0)
            return strdup(name);
    return NULL;
}

static char remote_dir[1024];

static char *remote_generator(const char *text, int state)
{
    static size_t i;
    static struct strlist *names;
    static const char *base;
    if (state == 0) {
        i = 0;
        const char *slash = strrchr(text, '/');
        if (slash != NULL)
            snprintf(remote_dir, sizeof remote_dir, "%.*s", (int)(slash - text + 1), text);
        else
            remote_dir[0] = '\0';
        base = slash ? slash + 1 : text;
        names = remote_names(remote_dir);
    }
    while (names != NULL && i < names->n) {
        const char *name = names->items[i++];
        const char *last = strrchr(name, '/');
        last = last ? last + 1 : name;
        if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0)
            continue;
        if (strncmp(last, base, strlen(base)) == 0) {
            size_t n = strlen(remote_dir) + strlen(last) + 1;
            char *out = malloc(n);
            if (out != NULL)
                snprintf(out, n, "%s%s", remote_dir, last);
            return out;
        }
    }
    return NULL;
}

static char **complete(const char *text, int start, int end)
{
    (void)end;
    rl_attempted_completion_over = 1;
    /* Which word is this, and of which command? */
    char words[1024];
    char *argv[CMDLINE_MAX_WORDS];
    const char *why;
    char head[1024];
    snprintf(head, sizeof head, "%.*s", start, rl_line_buffer);
    int argc = cmdline_split(head, words, sizeof words, argv, &why);
    if (argc <= 0)
        return rl_completion_matches(text, command_generator);
    switch (commands_arg(argv[0], argc)) {
    case ARG_REMOTE:
        return rl_completion_matches(text, remote_generator);
    case ARG_LOCAL:
        return rl_completion_matches(text, rl_filename_completion_function);
    case ARG_OTHER:
    default:
        return NULL;
    }
}

void shell_prompt(struct ftp_session *s, char *out, size_t outlen)
{
    if (!ctrl_is_open(&s->ctrl)) {
        snprintf(out, outlen, "ftpc (not connected)> ");
        return;
    }
    const char *sec = s->ctrl.tls == NULL ? "clear" : s->ctrl.tls_off ? "ccc" : "tls";
    const char *cwd = s->logged_in ? session_cwd(s) : "";
    /* P or C for data, "refused" while the server refused protection. */
    const char *prot = s->prot == 'P' ? "P" : s->prot == 'C' ? "C" : "refused";
    snprintf(out, outlen, "ftpc %s:%s %s:%s> ", sec, prot, s->host, cwd[0] ? cwd : "?");
}

/* Lines with a password stay out of the history file. */
static int secret_line(int argc, char **argv)
{
    if (argc < 1)
        return 0;
    if (strcasecmp(argv[0], "user") == 0)
        return argc >= 3;
    return strcasecmp(argv[0], "pass") == 0 || strcasecmp(argv[0], "acct") == 0 ||
           strcasecmp(argv[0], "quote") == 0 || strcasecmp(argv[0], "literal") == 0;
}

static void history_path(char *out, size_t outlen)
{
    const char *home = getenv("HOME");
    if (home == NULL || snprintf(out, outlen, "%s/.ftpc_history", home) >= (int)outlen)
        out[0] = '\0';
}

void shell_run(struct cmd_ctx *cx)
{
    shell_cx = cx;
    char hist[4096];
    history_path(hist, sizeof hist);
    rl_readline_name = "ftpc";
    rl_attempted_completion_function = complete;
    using_history();
    stifle_history(HISTORY_LINES);
    if (hist[0])
        (void)read_history(hist);
    interrupt_install();
    int interrupts = 0;
    while (!cx->quit) {
        char prompt[1400];
        shell_prompt(cx->s, prompt, sizeof prompt);
        char *line = readline(prompt);
        if (interrupt_take()) {
            free(line);
            if (++interrupts >= 2)
                break;
            fprintf(stderr, "\n(Ctrl-C again or Ctrl-D to quit)\n");
            continue;
        }
        if (line == NULL)
            break; /* Ctrl-D */
        interrupts = 0;
        char words[8192];
        char *argv[CMDLINE_MAX_WORDS];
        const char *why = NULL;
        int argc = cmdline_split(line, words, sizeof words, argv, &why);
        if (argc > 0 && !secret_line(argc, argv))
            add_history(line);
        secret_wipe(line, strlen(line));
        free(line);
        struct err e;
        err_clear(&e);
        int rc = argc < 0 ? err_set(&e, ERR_USAGE, "%s", why)
                          : argc > 0 ? commands_run(cx, argc, argv, &e) : 0;
        secret_wipe(words, sizeof words);
        fflush(cx->out);
        /* Anything that may change remote folders empties the completion cache. */
        cache_clear();
        if (rc != 0)
            fprintf(stderr, "ftpc: %s\n", e.msg);
        (void)interrupt_take();
    }
    cache_clear();
    if (hist[0] && write_history(hist) == 0)
        (void)chmod(hist, 0600); /* file names can be private too */
    fputc('\n', stderr);
}
