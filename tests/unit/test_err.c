/* Unit tests of the exit-code table (common/err.c) and of README's table,
 * which must name exactly the statuses each program's column gives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "tests/unit/expect.h"

static void ftpc_column(void)
{
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_FTPC, ERR_NONE), 0);
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_FTPC, ERR_USAGE), 2);
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_FTPC, ERR_CONNECT), 3);
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_FTPC, ERR_TLS), 4);
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_FTPC, ERR_VERIFY), 4);
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_FTPC, ERR_LOGIN), 5);
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_FTPC, ERR_SERVER), 6);
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_FTPC, ERR_LOCAL), 7);
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_FTPC, ERR_STORE), 8);
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_FTPC, ERR_NOTFOUND), 8);
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_FTPC, ERR_INTERRUPTED), 130);
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_FTPC, ERR_INTERNAL), 70);
}

static void trustd_column(void)
{
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_TRUSTD, ERR_NONE), 0);
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_TRUSTD, ERR_USAGE), 2);
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_TRUSTD, ERR_NOTFOUND), 3);
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_TRUSTD, ERR_VERIFY), 4);
    enum err_code others[] = { ERR_CONNECT, ERR_TLS,   ERR_LOGIN,       ERR_SERVER,
                               ERR_LOCAL,   ERR_STORE, ERR_INTERRUPTED, ERR_INTERNAL };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_TRUSTD, others[i]), 1);
}

static void out_of_range(void)
{
    /* A code past the table is an internal error, never 0. */
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_FTPC, (enum err_code)99), 70);
    EXPECT_EQ_INT(err_exit_code(ERR_PROGRAM_TRUSTD, (enum err_code)99), 1);
}

/* 1 when some code gives status in p's column. */
static int gives(enum err_program p, int status)
{
    for (int c = ERR_NONE; c <= ERR_INTERNAL; c++)
        if (err_exit_code(p, (enum err_code)c) == status)
            return 1;
    return 0;
}

/* README's "| status | ftpc | trustd |" rows: a status has words in a
 * program's column exactly when the table gives it (70, internal, is not
 * documented). */
static void readme_table(const char *path)
{
    FILE *f = fopen(path, "r");
    EXPECT(f != NULL);
    if (f == NULL)
        return;
    char line[1024];
    int in_table = 0, rows = 0;
    int listed[2][256] = { { 0 } };
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "| status | ftpc | trustd |", 26) == 0) {
            in_table = 1;
            continue;
        }
        if (!in_table || strncmp(line, "|---", 4) == 0)
            continue;
        if (line[0] != '|')
            break;
        char *end = NULL;
        long status = strtol(line + 1, &end, 10);
        EXPECT(end != line + 1 && status >= 0 && status < 256);
        if (end == line + 1 || status < 0 || status >= 256)
            continue;
        char *ftpc = strchr(end, '|');
        char *trustd = ftpc ? strchr(ftpc + 1, '|') : NULL;
        EXPECT(trustd != NULL);
        if (trustd == NULL)
            continue;
        listed[ERR_PROGRAM_FTPC][status] = strspn(ftpc + 1, " ") != (size_t)(trustd - ftpc - 1);
        listed[ERR_PROGRAM_TRUSTD][status] = trustd[1 + strspn(trustd + 1, " ")] != '|';
        rows++;
    }
    fclose(f);
    EXPECT(rows >= 9);
    for (int p = ERR_PROGRAM_FTPC; p <= ERR_PROGRAM_TRUSTD; p++) {
        for (int status = 0; status < 256; status++) {
            if (status == 70)
                continue;
            int documented = listed[p][status];
            int given = gives((enum err_program)p, status);
            if (documented != given)
                fprintf(stderr, "README, status %d of %s: %s\n", status, p ? "trustd" : "ftpc",
                        given ? "not documented" : "documented but never given");
            EXPECT_EQ_INT(documented, given);
        }
    }
}

int main(int argc, char **argv)
{
    ftpc_column();
    trustd_column();
    out_of_range();
    EXPECT(argc == 2);
    if (argc == 2)
        readme_table(argv[1]);
    return expect_done("err");
}
