/* cli_json: the end of a run under --json: one JSON document on standard
 * output, the command's own (list, show, ...) or the result object, or the
 * error object (trustd(8), JSON OUTPUT). */
#ifndef TRUSTD_CLI_CLI_JSON_H
#define TRUSTD_CLI_CLI_JSON_H

#include <stdio.h>

#include "trustd/cli/cli_internal.h"

/* Standard output held in a buffer while the command runs. */
struct cli_capture {
    FILE *saved;
    FILE *buf;
    char *text;
    size_t len;
};
int cli_capture_begin(struct cli_capture *cap, struct err *e);
/* Standard output back; -1 when the buffer was lost (out of memory). */
int cli_capture_end(struct cli_capture *cap);

/* Prints the run's document: cap's text when the command finished a
 * document of its own, else the result object (rc 0) or the error object
 * (e); frees the items. */
void cli_json_output(struct cli *c, const struct cli_capture *cap, int rc, const struct err *e);

/* The error object of a run that found no command to run (command NULL)
 * or failed before it ran. */
void cli_json_error(const char *command, const struct err *e);

#endif
