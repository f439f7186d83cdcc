/* shell: interactive use over libedit's readline interface. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <editline/readline.h>

#include "common/visible.h"
#include "ftpc/conn/interrupt.h"
#include "ftpc/front/shell.h"
#include "ftpc/parse/cmdline.h"
#include "ftpc/transfer/strlist.h"
#include "ftpc/transfer/transfer.h"

#define HISTORY_LINES 1000
#define CACHE_DIRS 8

static struct cmd_ctx *shell_cx;

/* Remote names per folder, so completion asks the server once per
 * folder until the next subcommand; a folder's name ends with '/'. */
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
    if (s->state != SESSION_LOGGED_IN)
        return NULL;
    int slot = cache_next++ % CACHE_DIRS;
    if (cache[slot].used)
        strlist_free(&cache[slot].names);
    strlist_init(&cache[slot].names);
    snprintf(cache[slot].dir, sizeof cache[slot].dir, "%s", dir);
    struct err e;
    int rc = xfer_entries_quietly(s, dir[0] ? dir : NULL, &cache[slot].names, &e);
    /* A listing it cannot read (not `ls -l` lines): names without kinds. */
    if (rc != 0 || cache[slot].names.n == 0) {
        strlist_free(&cache[slot].names);
        strlist_init(&cache[slot].names);
        rc = s->state == SESSION_LOGGED_IN ? xfer_names_quietly(s, dir[0] ? dir : NULL, &cache[slot].names, &e) : -1;
    }
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

/* The word being completed, as the subcommand splitter will read it. */
static struct {
    char word[1024];      /* unquoted, from its start to the cursor */
    size_t typed;         /* bytes of word before readline's own start */
    int quoted_at_start;  /* a quote is open where readline inserts */
    int dash_dash;        /* insert "-- " before a name starting with '-' */
} cur;

/* The completion for a full name: what to insert after what readline
 * keeps, quoted so that the name stays one word (cmdline_quote_rest), and
 * after "--" when it starts with '-'. Names with control characters are
 * never offered (they would drive the terminal when listed). */
static char *insertion(const char *name)
{
    if (!visible_is_clean(name, strlen(name), 0) || strlen(name) < cur.typed)
        return NULL;
    char quoted[2100];
    if (cmdline_quote_rest(name + cur.typed, cur.quoted_at_start, quoted, sizeof quoted) != 0)
        return NULL;
    int dash = cur.dash_dash && name[0] == '-';
    size_t n = strlen(quoted) + 4;
    char *out = malloc(n);
    if (out != NULL)
        snprintf(out, n, "%s%s", dash ? "-- " : "", quoted);
    return out;
}

static char *remote_generator(const char *text, int state)
{
    (void)text; /* readline's word ends at blanks even inside quotes: cur has the real one */
    static size_t i;
    static struct strlist *names;
    static char dir[1024];
    static const char *base;
    if (state == 0) {
        i = 0;
        const char *slash = strrchr(cur.word, '/');
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - cur.word + 1) : 0, cur.word);
        base = slash ? slash + 1 : cur.word;
        names = remote_names(dir);
    }
    while (names != NULL && i < names->n) {
        char name[1100];
        int w = snprintf(name, sizeof name, "%s", names->items[i++]);
        if (w < 0 || (size_t)w >= sizeof name)
            continue; /* cut, it would offer a name the server does not have */
        size_t len = strlen(name);
        int folder = len > 1 && name[len - 1] == '/';
        if (folder)
            name[len - 1] = '\0';
        const char *last = strrchr(name, '/');
        last = last ? last + 1 : name;
        if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0 || strncmp(last, base, strlen(base)) != 0)
            continue;
        /* A folder gets its '/' (and no blank after it): the next Tab lists it. */
        char full[sizeof dir + sizeof name + 1];
        int fw = snprintf(full, sizeof full, "%s%s%s", dir, last, folder ? "/" : "");
        if (fw < 0 || (size_t)fw >= sizeof full)
            continue;
        char *out = insertion(full);
        if (out != NULL)
            return out;
    }
    return NULL;
}

static char *local_generator(const char *text, int state)
{
    (void)text;
    char *path;
    while ((path = rl_filename_completion_function(cur.word, state)) != NULL) {
        state = 1;
        char *out = insertion(path);
        free(path);
        if (out != NULL)
            return out;
    }
    return NULL;
}

/* Which argument of its subcommand the next word is (1-based): options
 * before "--" and "--" itself do not count. Also tells whether "--" is
 * there already. */
static int argument_number(int argc, char **argv, int *dash_dash_seen)
{
    int n = 0, opts = 1;
    *dash_dash_seen = 0;
    for (int k = 1; k < argc; k++) {
        if (opts && strcmp(argv[k], "--") == 0) {
            opts = 0;
            *dash_dash_seen = 1;
        } else if (!(opts && argv[k][0] == '-' && argv[k][1] != '\0')) {
            n++;
        }
    }
    return n + 1;
}

static char **complete(const char *text, int start, int end)
{
    rl_attempted_completion_over = 1;
    rl_completion_append_character = ' ';
    size_t wstart, wstart2;
    int q_end, q_start;
    char before[1024];
    if (cmdline_word_at(rl_line_buffer, (size_t)end, cur.word, sizeof cur.word, &wstart, &q_end) != 0 ||
        cmdline_word_at(rl_line_buffer, (size_t)start, before, sizeof before, &wstart2, &q_start) != 0)
        return NULL;
    int inside = (size_t)start > wstart;
    cur.typed = inside ? strlen(before) : 0;
    cur.quoted_at_start = inside && q_start;
    /* Which word is this, and of which command? */
    char words[1024];
    char *argv[CMDLINE_MAX_WORDS];
    const char *why;
    char head[1024];
    snprintf(head, sizeof head, "%.*s", (int)wstart, rl_line_buffer);
    int argc = cmdline_split(head, words, sizeof words, argv, &why);
    if (argc < 0)
        return NULL;
    if (argc == 0)
        return rl_completion_matches(text, command_generator);
    int seen;
    int argno = argument_number(argc, argv, &seen);
    cur.dash_dash = !seen && !inside;
    switch (commands_arg(argv[0], argno)) {
    case ARG_REMOTE: {
        char **m = rl_completion_matches(text, remote_generator);
        /* One folder: no blank after its '/', so Tab goes on into it.
         * One match is m[0] alone, or m[0] and m[1] the same (libedit). */
        size_t n = m != NULL && (m[1] == NULL || m[2] == NULL) ? strlen(m[0]) : 0;
        if (n > 0 && (m[0][n - 1] == '/' || (n > 1 && m[0][n - 1] == '"' && m[0][n - 2] == '/')))
            rl_completion_append_character = '\0';
        return m;
    }
    case ARG_LOCAL:
        return rl_completion_matches(text, local_generator);
    case ARG_OTHER:
    default:
        return NULL;
    }
}

/* The prompt for the session's state: "ftpc tls:P host:/dir> ". Pure but
 * for asking the folder. */
static void shell_prompt(struct ftp_session *s, char *out, size_t outlen)
{
    if (s->state == SESSION_DISCONNECTED) {
        snprintf(out, outlen, "ftpc (not connected)> ");
        return;
    }
    const char *sec = s->agreed.control == CONTROL_CLEAR     ? "clear"
                      : s->agreed.control == CONTROL_CLEARED ? "ccc"
                                                             : "tls";
    char cwd[1100];
    visible_str(cwd, sizeof cwd, s->state == SESSION_LOGGED_IN ? session_cwd(s) : "");
    /* P or C for data, "refused" while the server refused protection. */
    const char *prot = s->agreed.prot == 'P' ? "P" : s->agreed.prot == 'C' ? "C" : "refused";
    snprintf(out, outlen, "ftpc %s:%s %s:%s> ", sec, prot, s->host, cwd[0] ? cwd : "?");
}

static void history_path(char *out, size_t outlen)
{
    const char *home = getenv("HOME");
    if (home == NULL || snprintf(out, outlen, "%s/.ftpc_history", home) >= (int)outlen)
        out[0] = '\0';
}

/* The history file exists, is ours, is not a link, and is 0600 before
 * libedit writes it (file names can be private too). */
static int history_file_ready(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0)
        return 0;
    struct stat sb;
    int ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == geteuid() &&
             fchmod(fd, 0600) == 0;
    close(fd);
    return ok;
}

int shell_history_ready(char *path, size_t len)
{
    history_path(path, len);
    return path[0] != '\0' && history_file_ready(path);
}

void shell_run(struct cmd_ctx *cx)
{
    shell_cx = cx;
    char hist[PATH_MAX];
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
        char words[COMMAND_LINE_MAX];
        char *argv[CMDLINE_MAX_WORDS];
        const char *why = NULL;
        int argc = cmdline_split(line, words, sizeof words, argv, &why);
        /* Only known subcommands that cannot carry a secret reach the
         * history (not a password typed at the wrong prompt). */
        if (argc > 0 && commands_history_ok(argc, argv))
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
            fprintf(cx->err, "ftpc: %s\n", e.msg);
        (void)interrupt_take();
    }
    cache_clear();
    if (hist[0] && history_file_ready(hist))
        (void)write_history(hist);
    fputc('\n', stderr);
}
