/*
 * confined: talking to a server trustd does not trust (a probe, a CRL or
 * fleet fetch) in a child process that confines itself first: it ends
 * with its parent; run by root, it becomes nobody; it keeps none of the
 * parent's files (standard input and output are /dev/null, and so is
 * standard error but in a sanitizer build; Landlock judges opens, not
 * descriptors already held); then sandbox/sandbox.h: no writes, reading
 * only the files the system's resolver, OpenSSL and libcurl need and what
 * the caller names (never all of /etc), TCP only to the ports named and
 * DNS, no UNIX sockets. It hands its answer back over a pipe; trustd
 * itself then judges what came and writes the store.
 */
#ifndef TRUSTD_CLI_CONFINED_H
#define TRUSTD_CLI_CONFINED_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

#define CONFINED_READS_MAX 40
#define CONFINED_PORTS_MAX 16

/* What the child may do. Read: the libraries, the kernel's random
 * bytes, the files of /etc the resolver, OpenSSL and libcurl read (where
 * they are links, what they lead to), and what confined_read adds.
 * Connect: to the ports (and DNS) when there are some, else to any TCP
 * port. Threads: whether it may start them (libcurl's resolver does).
 * keep_root: run by root, it stays root (a file:// fetch: the file may
 * be root's own, and no network bytes are parsed) instead of nobody. */
struct confined_limits {
    const char *paths[CONFINED_READS_MAX];
    size_t n;
    char resolved[CONFINED_READS_MAX][PATH_MAX];
    unsigned ports[CONFINED_PORTS_MAX];
    size_t n_ports;
    int threads;
    int keep_root;
};
void confined_limits_system(struct confined_limits *l);
/* path too, when it exists (resolved: Landlock judges the file itself). */
void confined_read(struct confined_limits *l, const char *path);
/* port too, once (1..65535; -1 when there is no room or it is out of
 * range). */
int confined_port(struct confined_limits *l, unsigned long port);

/* The child's work, confined: its answer into out, or -1 and e. */
typedef int (*confined_work)(void *arg, struct buf *out, struct err *e);

/* A reader of the child's answer. */
struct answer {
    const unsigned char *p;
    size_t left;
};
int answer_put_u32(struct buf *b, size_t v);
int answer_put_bytes(struct buf *b, const void *p, size_t n);
int answer_take_u32(struct answer *a, uint32_t *v);
/* A length of at most max, then as many bytes (*p points at them). */
int answer_take_bytes(struct answer *a, size_t max, const unsigned char **p, size_t *n);

/* Runs work(arg) in a child confined to limits, ended after timeout_ms.
 * 0: *a reads the work's answer (held in buf, at most answer_max bytes;
 * the caller frees it). -1 and e: the child's own error as it gave it,
 * or why there was no answer, named by what ("probe of HOST", a URL). */
int confined_run(const char *what, const struct confined_limits *limits, confined_work work, void *arg, long long timeout_ms, size_t answer_max, struct buf *buf, struct answer *a,
                 struct err *e);

#endif
