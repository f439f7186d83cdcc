/*
 * expect: the few macros every unit test uses. A failed expectation prints
 * where and what, and the test binary exits non-zero at the end.
 */
#ifndef TESTS_EXPECT_H
#define TESTS_EXPECT_H

#include <stdio.h>
#include <string.h>

static int expect_failures;
static int expect_checks;

#define EXPECT(cond)                                                              \
    do {                                                                          \
        expect_checks++;                                                          \
        if (!(cond)) {                                                            \
            expect_failures++;                                                    \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);  \
        }                                                                         \
    } while (0)

#define EXPECT_EQ_INT(a, b)                                                              \
    do {                                                                                 \
        long long ea_ = (long long)(a), eb_ = (long long)(b);                            \
        expect_checks++;                                                                 \
        if (ea_ != eb_) {                                                                \
            expect_failures++;                                                           \
            fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, \
                    ea_, eb_);                                                           \
        }                                                                                \
    } while (0)

#define EXPECT_EQ_STR(a, b)                                                                   \
    do {                                                                                      \
        const char *ea_ = (a), *eb_ = (b);                                                    \
        expect_checks++;                                                                      \
        if (ea_ == NULL || strcmp(ea_, eb_) != 0) {                                           \
            expect_failures++;                                                                \
            fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
                    ea_ ? ea_ : "(null)", eb_);                                               \
        }                                                                                     \
    } while (0)

#define EXPECT_CONTAINS(hay, needle)                                                         \
    do {                                                                                     \
        const char *eh_ = (hay);                                                             \
        expect_checks++;                                                                     \
        if (eh_ == NULL || strstr(eh_, (needle)) == NULL) {                                  \
            expect_failures++;                                                               \
            fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,  \
                    eh_ ? eh_ : "(null)", (needle));                                         \
        }                                                                                    \
    } while (0)

static inline int expect_done(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, expect_checks, expect_failures);
    return expect_failures == 0 && expect_checks > 0 ? 0 : 1;
}

#endif
