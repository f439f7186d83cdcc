/*
 * cli_json: the JSON output of every command run with --json. The
 * dispatcher holds standard output in a buffer while the command runs, so
 * that its text lines never mix with the JSON; the command says what it did
 * through cli_change (the "changes" counts) and cli_item (the "items").
 * Then one document: the command's own, if it finished one, else
 *   {"ok": true, "command", "changes", "items"}
 * or, when it failed,
 *   {"ok": false, "command", "error": {"code", "exit_status", "message"},
 *    "changes", "items"}
 * with the exit status of common/err.c's table.
 */
#include <stdlib.h>

#include "trustd/cli/cli_changes.h"
#include "trustd/cli/cli_json.h"

int cli_capture_begin(struct cli_capture *cap, struct err *e)
{
    fflush(stdout);
    cap->text = NULL;
    cap->len = 0;
    cap->buf = open_memstream(&cap->text, &cap->len);
    if (cap->buf == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    /* glibc's stdout is a variable: every printf of the command goes to
     * the buffer, without each command having to know. */
    cap->saved = stdout;
    stdout = cap->buf;
    return 0;
}

int cli_capture_end(struct cli_capture *cap)
{
    stdout = cap->saved;
    if (fclose(cap->buf) == 0)
        return 0;
    free(cap->text);
    cap->text = NULL;
    cap->len = 0;
    return -1;
}

static void item_json(struct jw *j, const struct cli_item *it)
{
    const struct { const char *key, *value; } texts[] = {
        { "application", it->application }, { "sha256", it->sha256 },
        { "label", it->label },             { "subject", it->subject },
        { "issuer", it->issuer },
    };
    jw_begin_object(j);
    jw_kv_string(j, "object", it->object);
    jw_kv_string(j, "result", it->result);
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (texts[i].value != NULL)
            jw_kv_string(j, texts[i].key, texts[i].value);
    if (it->depth != NULL)
        jw_kv_int(j, "depth", *it->depth);
    if (it->enabled != NULL)
        jw_kv_bool(j, "enabled", *it->enabled);
    if (it->revoked != NULL)
        jw_kv_int(j, "revoked", *it->revoked);
    if (it->file != NULL)
        jw_kv_string(j, "file", it->file);
    if (it->detail != NULL)
        jw_kv_string(j, "detail", it->detail);
    if (it->definition != NULL) {
        jw_key(j, "definition");
        jw_begin_object(j);
        cli_app_json_fields(j, it->definition);
        jw_end_object(j);
    }
    jw_end_object(j);
}

void cli_item(struct cli *c, const struct cli_item *it)
{
    if (!c->json)
        return;
    struct cli_items *items = &c->items;
    if (items->n == items->cap) {
        size_t cap = items->cap ? items->cap * 2 : 16;
        struct cli_item_text *v = realloc(items->v, cap * sizeof *v);
        if (v == NULL)
            return; /* out of memory: the changes are still counted */
        items->v = v;
        items->cap = cap;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL)
        return;
    struct jw j;
    jw_init(&j, f);
    item_json(&j, it);
    if (fclose(f) != 0) {
        free(text);
        return;
    }
    items->v[items->n++] = (struct cli_item_text){ text, it->refusal };
}

int cli_item_app(struct cli *c, const char *result, const char *app_id, struct err *e)
{
    if (!c->json)
        return 0;
    struct store_app a;
    if (store_app_get(c->s, app_id, &a, e) != 0)
        return -1;
    cli_item(c, &(struct cli_item){ .object = "application", .result = result,
                                    .application = app_id, .definition = &a });
    return 0;
}

void cli_json_finish(struct cli *c, struct jw *j)
{
    jw_finish(j);
    c->json_document = 1;
}

void cli_items_rollback(struct cli *c, size_t before)
{
    struct cli_items *items = &c->items;
    size_t kept = before;
    for (size_t i = before; i < items->n; i++) {
        if (items->v[i].refusal)
            items->v[kept++] = items->v[i];
        else
            free(items->v[i].json);
    }
    items->n = kept;
}

/* The word of an exit status: what a caller acts on. */
static const char *error_code(int status)
{
    switch (status) {
    case 2:  return "usage";
    case 3:  return "not_found";
    case 4:  return "not_trusted";
    default: return "error";
    }
}

static void error_member(struct jw *j, const struct err *e)
{
    enum err_code code = e->code == ERR_NONE ? ERR_INTERNAL : e->code;
    int status = err_exit_code(ERR_PROGRAM_TRUSTD, code);
    jw_key(j, "error");
    jw_begin_object(j);
    jw_kv_string(j, "code", error_code(status));
    jw_kv_int(j, "exit_status", status);
    jw_kv_string(j, "message", e->msg);
    jw_end_object(j);
}

/* The document around what the run did; e NULL on success. */
static void run_object(const char *command, const struct cli_changes *ch,
                       const struct cli_items *items, const struct err *e)
{
    struct jw j;
    jw_init(&j, stdout);
    jw_begin_object(&j);
    jw_kv_bool(&j, "ok", e == NULL);
    jw_key(&j, "command");
    if (command != NULL)
        jw_string(&j, command);
    else
        jw_null(&j);
    if (e != NULL)
        error_member(&j, e);
    cli_changes_counts_json(&j, ch);
    jw_key(&j, "items");
    jw_begin_array(&j);
    /* Each item is a whole JSON value already: written as it is. */
    for (size_t i = 0; items != NULL && i < items->n; i++) {
        if (i > 0)
            fputc(',', stdout);
        fputs(items->v[i].json, stdout);
    }
    jw_end_array(&j);
    jw_end_object(&j);
    jw_finish(&j);
}

void cli_json_output(struct cli *c, const struct cli_capture *cap, int rc, const struct err *e)
{
    if (c->json_document && cap->text != NULL)
        fwrite(cap->text, 1, cap->len, stdout);
    else
        run_object(c->action, &c->changes, &c->items, rc == 0 ? NULL : e);
    for (size_t i = 0; i < c->items.n; i++)
        free(c->items.v[i].json);
    free(c->items.v);
    c->items.v = NULL;
    c->items.n = c->items.cap = 0;
}

void cli_json_error(const char *command, const struct err *e)
{
    const struct cli_changes none = { 0 };
    run_object(command, &none, NULL, e);
}
