/* anchor_lookup: an application's CAs handed to OpenSSL on demand. */
#include "trustd/store/anchor_lookup.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/x509.h>

struct anchor {
    unsigned char *der;
    size_t len;
    X509_NAME *subject;  /* parsed at the first lookup */
    int subject_bad;     /* the subject could not be parsed: never matches */
    int in_store;        /* already added to the X509_STORE */
};

struct anchor_set {
    struct anchor *a;
    size_t n, cap;
};

/* Reads one DER header at *p (at most left bytes); moves *p past it.
 * Returns the content length, or -1. */
static long der_header(const unsigned char **p, size_t left, int *tag, int *cls, int *constructed)
{
    long len = 0;
    if (left > LONG_MAX)
        left = LONG_MAX;
    int r = ASN1_get_object(p, &len, tag, cls, (long)left);
    if (r & 0x80 || r == 0x21) /* error, or indefinite length (not DER) */
        return -1;
    *constructed = (r & V_ASN1_CONSTRUCTED) != 0;
    return len;
}

int anchor_der_subject(const unsigned char *der, size_t len, const unsigned char **name,
                       size_t *name_len)
{
    const unsigned char *p = der, *end = der + len;
    int tag, cls, cons;
    /* Certificate and TBSCertificate: SEQUENCEs whose contents we enter. */
    for (int i = 0; i < 2; i++) {
        long l = der_header(&p, (size_t)(end - p), &tag, &cls, &cons);
        if (l < 0 || tag != V_ASN1_SEQUENCE || cls != V_ASN1_UNIVERSAL || !cons)
            return -1;
        end = p + l;
    }
    /* [0] version (optional), serial, signature, issuer, validity, subject. */
    for (int field = 0; p < end; field++) {
        const unsigned char *start = p;
        long l = der_header(&p, (size_t)(end - p), &tag, &cls, &cons);
        if (l < 0)
            return -1;
        if (field == 0 && cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0)
            field = -1; /* the version does not count */
        else if (field == 4) {
            if (tag != V_ASN1_SEQUENCE || cls != V_ASN1_UNIVERSAL || !cons)
                return -1;
            *name = start;
            *name_len = (size_t)(p - start) + (size_t)l;
            return 0;
        }
        p += l;
    }
    return -1;
}

struct anchor_set *anchor_set_new(void)
{
    return calloc(1, sizeof(struct anchor_set));
}

int anchor_set_add(struct anchor_set *set, const unsigned char *der, size_t len)
{
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 32;
        struct anchor *a = realloc(set->a, cap * sizeof *a);
        if (a == NULL)
            return -1;
        set->a = a;
        set->cap = cap;
    }
    struct anchor *a = &set->a[set->n];
    memset(a, 0, sizeof *a);
    a->der = malloc(len ? len : 1);
    if (a->der == NULL)
        return -1;
    memcpy(a->der, der, len);
    a->len = len;
    set->n++;
    return 0;
}

size_t anchor_set_count(const struct anchor_set *set)
{
    return set->n;
}

void anchor_set_free(struct anchor_set *set)
{
    if (set == NULL)
        return;
    for (size_t i = 0; i < set->n; i++) {
        free(set->a[i].der);
        X509_NAME_free(set->a[i].subject);
    }
    free(set->a);
    free(set);
}

static int subject_matches(struct anchor *a, const X509_NAME *name)
{
    if (a->subject == NULL && !a->subject_bad) {
        const unsigned char *p = NULL;
        size_t n = 0;
        if (anchor_der_subject(a->der, a->len, &p, &n) == 0 && n <= LONG_MAX)
            a->subject = d2i_X509_NAME(NULL, &p, (long)n);
        a->subject_bad = a->subject == NULL;
    }
    return a->subject != NULL && X509_NAME_cmp(a->subject, name) == 0;
}

/* OpenSSL asks for a subject: every CA of the set with that subject goes
 * into the store (a re-keyed CA shares its name), and one of them is
 * returned, borrowed from the store as OpenSSL's own lookups do. */
static int get_by_subject(X509_LOOKUP *lu, X509_LOOKUP_TYPE type, const X509_NAME *name,
                          X509_OBJECT *ret)
{
    struct anchor_set *set = X509_LOOKUP_get_method_data(lu);
    X509_STORE *xs = X509_LOOKUP_get_store(lu);
    if (type != X509_LU_X509 || set == NULL || xs == NULL)
        return 0;
    int found = 0;
    for (size_t i = 0; i < set->n; i++) {
        struct anchor *a = &set->a[i];
        if (!subject_matches(a, name))
            continue;
        if (!a->in_store) {
            const unsigned char *p = a->der;
            X509 *x = a->len <= LONG_MAX ? d2i_X509(NULL, &p, (long)a->len) : NULL;
            if (x == NULL)
                continue; /* unreadable: not a trust anchor */
            int ok = X509_STORE_add_cert(xs, x);
            X509_free(x);
            if (!ok)
                return 0;
            a->in_store = 1;
        }
        found = 1;
    }
    if (!found)
        return 0;
    X509_OBJECT *obj = X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(xs), X509_LU_X509,
                                                       name);
    X509 *x = obj != NULL ? X509_OBJECT_get0_X509(obj) : NULL;
    if (x == NULL || !X509_OBJECT_set1_X509(ret, x))
        return 0;
    X509_free(x); /* the caller takes its own reference: ret only borrows */
    return 1;
}

static void free_lookup(X509_LOOKUP *lu)
{
    anchor_set_free(X509_LOOKUP_get_method_data(lu));
}

/* One method for the life of the process. */
static X509_LOOKUP_METHOD *method(void)
{
    static X509_LOOKUP_METHOD *m;
    if (m == NULL) {
        X509_LOOKUP_METHOD *n = X509_LOOKUP_meth_new("trust store application list");
        if (n == NULL || !X509_LOOKUP_meth_set_get_by_subject(n, get_by_subject) ||
            !X509_LOOKUP_meth_set_free(n, free_lookup)) {
            X509_LOOKUP_meth_free(n);
            return NULL;
        }
        m = n;
    }
    return m;
}

int anchor_set_attach(X509_STORE *xs, struct anchor_set *set)
{
    X509_LOOKUP_METHOD *m = method();
    X509_LOOKUP *lu = m != NULL ? X509_STORE_add_lookup(xs, m) : NULL;
    if (lu == NULL || !X509_LOOKUP_set_method_data(lu, set)) {
        anchor_set_free(set);
        return -1;
    }
    return 0;
}
