/* ftp_reply: the FTP reply parser. See ftp_reply.h for the contract. */
#include <string.h>

#include "common/ftp_reply.h"

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Code at the start of a line: 100..599, or -1. */
static int line_code(const char *line, size_t n)
{
    if (n < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2]))
        return -1;
    if (line[0] < '1' || line[0] > '5')
        return -1;
    return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

static void add_text(struct ftp_reply *r, const char *p, size_t n)
{
    if (r->lines > 0 && r->text_len + 1 < sizeof r->text)
        r->text[r->text_len++] = '\n';
    size_t room = sizeof r->text - 1 - r->text_len;
    if (n > room)
        n = room;
    memcpy(r->text + r->text_len, p, n);
    r->text_len += n;
    r->text[r->text_len] = '\0';
    r->lines++;
}

enum ftp_parse ftp_reply_parse(const char *buf, size_t len, struct ftp_reply *r,
                               size_t *consumed, const char **why)
{
    size_t pos = 0;
    int code = -1, multi = 0;
    r->code = 0;
    r->text_len = 0;
    r->text[0] = '\0';
    r->lines = 0;
    *why = NULL;
    for (;;) {
        if (pos > FTP_REPLY_MAX) {
            *why = "reply longer than 64 KiB";
            return FTP_PARSE_BAD;
        }
        const char *line = buf + pos;
        size_t avail = len - pos;
        const char *lf = memchr(line, '\n', avail);
        if (lf == NULL) {
            if (avail > FTP_REPLY_LINE_MAX) {
                *why = "reply line longer than 8 KiB";
                return FTP_PARSE_BAD;
            }
            if (memchr(line, '\0', avail) != NULL) {
                *why = "NUL byte in reply";
                return FTP_PARSE_BAD;
            }
            return FTP_PARSE_MORE;
        }
        size_t n = (size_t)(lf - line);
        pos += n + 1;
        if (n > FTP_REPLY_LINE_MAX) {
            *why = "reply line longer than 8 KiB";
            return FTP_PARSE_BAD;
        }
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (memchr(line, '\0', n) != NULL) {
            *why = "NUL byte in reply";
            return FTP_PARSE_BAD;
        }
        int lc = line_code(line, n);
        if (code < 0) {
            /* First line: "ddd text", "ddd-text" or just "ddd". */
            if (lc < 0 || (n > 3 && line[3] != ' ' && line[3] != '-')) {
                *why = "reply does not start with a 3-digit code";
                return FTP_PARSE_BAD;
            }
            code = lc;
            multi = n > 3 && line[3] == '-';
            add_text(r, line + (n > 3 ? 4 : 3), n > 3 ? n - 4 : 0);
            if (!multi)
                break;
            continue;
        }
        /* Inside a multi-line reply: ends at "ddd " (or a bare "ddd") with the same code. */
        if (lc == code && (n == 3 || line[3] == ' ')) {
            add_text(r, line + (n > 3 ? 4 : 3), n > 3 ? n - 4 : 0);
            break;
        }
        if (lc == code && line[3] == '-')
            add_text(r, line + 4, n - 4);
        else
            add_text(r, line, n);
    }
    if (pos > FTP_REPLY_MAX) {
        *why = "reply longer than 64 KiB";
        return FTP_PARSE_BAD;
    }
    r->code = code;
    *consumed = pos;
    return FTP_PARSE_OK;
}
