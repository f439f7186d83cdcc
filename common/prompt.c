/* prompt: password entry with echo off, restored on every path. */
#include <stdio.h>
#include <string.h>
#include <termios.h>

#include "common/prompt.h"

int prompt_password(const char *prompt, char *out, size_t outlen, struct err *e)
{
    FILE *tty = fopen("/dev/tty", "r+");
    if (tty == NULL)
        return err_set(e, ERR_USAGE, "no password given and no terminal to ask for one");
    int fd = fileno(tty);
    struct termios old, quiet;
    int have_termios = tcgetattr(fd, &old) == 0;
    if (have_termios) {
        quiet = old;
        quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        (void)tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    fputs(prompt, tty);
    fflush(tty);
    int rc = 0;
    if (fgets(out, (int)outlen, tty) == NULL)
        rc = err_set(e, ERR_USAGE, "no password entered");
    if (have_termios)
        (void)tcsetattr(fd, TCSAFLUSH, &old);
    fputc('\n', tty);
    fclose(tty);
    if (rc == 0)
        out[strcspn(out, "\r\n")] = '\0';
    return rc;
}
