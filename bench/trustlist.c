/*
 * trustlist: how long a client takes to get an application's trust list
 * from the store (store_open + store_app_trust_anchors, what ftpc does),
 * against OpenSSL loading the same certificates from a PEM file
 * (SSL_CTX_load_verify_locations). Both times include one verification
 * against the list (the last CA of the PEM file, as a chain of one), so that
 * work put off until a handshake is counted too. Prints the medians in
 * milliseconds.
 *
 *   trustlist STORE APPID PEMFILE ROUNDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "trustd/store/store.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* The last certificate of a PEM file. */
static X509 *last_cert(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    X509 *x, *last = NULL;
    while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
        X509_free(last);
        last = x;
    }
    fclose(f);
    return last;
}

/* Verifies target against ctx's trust store, as a handshake would. */
static int verify(SSL_CTX *ctx, X509 *target)
{
    X509_STORE_CTX *vc = X509_STORE_CTX_new();
    int ok = vc != NULL && X509_STORE_CTX_init(vc, SSL_CTX_get_cert_store(ctx), target, NULL) == 1 &&
             X509_verify_cert(vc) == 1;
    X509_STORE_CTX_free(vc);
    return ok;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: trustlist STORE APPID PEMFILE ROUNDS\n");
        return 2;
    }
    char *end = NULL;
    long n = strtol(argv[4], &end, 10);
    if (end == argv[4] || *end != '\0' || n < 1 || n > 10000) {
        fprintf(stderr, "trustlist: ROUNDS must be 1 to 10000, not '%s'\n", argv[4]);
        return 2;
    }
    int rounds = (int)n;
    double *store_ms = calloc((size_t)rounds, sizeof *store_ms);
    double *pem_ms = calloc((size_t)rounds, sizeof *pem_ms);
    int count = 0;
    X509 *target = last_cert(argv[3]);
    if (target == NULL) {
        fprintf(stderr, "trustlist: no certificate in %s\n", argv[3]);
        return 1;
    }
    for (int i = 0; i < rounds; i++) {
        struct err e;
        double t0 = now_ms();
        struct store *s = NULL;
        X509_STORE *xs = NULL;
        if (store_open(argv[1], STORE_READ_ONLY, &s, &e) != 0 ||
            store_app_trust_anchors(s, argv[2], &xs, &count, &e) != 0) {
            fprintf(stderr, "trustlist: %s\n", e.msg);
            return 1;
        }
        /* Made into a TLS context, as ftpc does. */
        SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
        SSL_CTX_set_cert_store(ctx, xs);
        store_close(s);
        if (!verify(ctx, target)) {
            fprintf(stderr, "trustlist: the store's list does not verify the last CA\n");
            return 1;
        }
        store_ms[i] = now_ms() - t0;
        SSL_CTX_free(ctx);

        t0 = now_ms();
        ctx = SSL_CTX_new(TLS_client_method());
        if (SSL_CTX_load_verify_locations(ctx, argv[3], NULL) != 1) {
            fprintf(stderr, "trustlist: cannot load %s\n", argv[3]);
            return 1;
        }
        if (!verify(ctx, target)) {
            fprintf(stderr, "trustlist: the PEM file does not verify its last CA\n");
            return 1;
        }
        pem_ms[i] = now_ms() - t0;
        SSL_CTX_free(ctx);
    }
    qsort(store_ms, (size_t)rounds, sizeof *store_ms, cmp);
    qsort(pem_ms, (size_t)rounds, sizeof *pem_ms, cmp);
    printf("certificates %d\nstore_ms %.3f %.3f %.3f\npem_ms %.3f %.3f %.3f\n", count,
           store_ms[rounds / 2], store_ms[0], store_ms[rounds - 1], pem_ms[rounds / 2], pem_ms[0],
           pem_ms[rounds - 1]);
    X509_free(target);
    free(store_ms);
    free(pem_ms);
    return 0;
}
