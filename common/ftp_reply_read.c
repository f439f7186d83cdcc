/* ftp_reply_read: the read-one-reply loop over the pure reply parser. */
#include "common/ftp_reply_read.h"

int ftp_reply_read(struct buf *in, ftp_reply_source src, void *arg, const char *host,
                   struct ftp_reply *r, struct err *e)
{
    for (;;) {
        size_t used = 0;
        const char *why = NULL;
        enum ftp_parse p = ftp_reply_parse(in->data ? in->data : "", in->len, r, &used, &why);
        if (p == FTP_PARSE_OK) {
            buf_consume(in, used);
            return 0;
        }
        if (p == FTP_PARSE_BAD)
            return err_set(e, ERR_CONNECT, "%s sent a malformed reply: %s", host, why);
        char tmp[4096];
        ssize_t n = src(arg, tmp, sizeof tmp, e);
        if (n < 0)
            return -1;
        if (buf_append(in, tmp, (size_t)n) != 0)
            return err_set(e, ERR_CONNECT, "%s sent an over-long reply", host);
    }
}
