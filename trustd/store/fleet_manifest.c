/* fleet_manifest: parsing and writing the signed manifest's text. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "trustd/store/fleet_manifest.h"

/* Largest number a field takes: Unix seconds and byte counts fit well below. */
#define FIELD_MAX ((int64_t)1 << 53)

enum field { F_SERIAL, F_CREATED, F_NOT_AFTER, F_SNAPSHOT, F_SIZE, F_SHA256, F_SCHEMA, F_ON_STALE,
             F_COUNT };
static const char *const NAMES[F_COUNT] = { "serial", "created", "not-after",
                                            "snapshot", "size", "sha256", "schema", "on-stale" };

int fleet_snapshot_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= FLEET_SNAPSHOT_NAME_MAX || name[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

/* Decimal digits only, no sign, no leading zero (but "0"), at most FIELD_MAX. */
static int parse_number(const char *v, size_t n, int64_t *out)
{
    if (n == 0 || n > 16 || (n > 1 && v[0] == '0'))
        return -1;
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        x = x * 10 + (v[i] - '0');
    }
    if (x > FIELD_MAX)
        return -1;
    *out = x;
    return 0;
}

static int parse_value(enum field f, const char *v, size_t n, struct fleet_manifest *m)
{
    int64_t x = 0;
    switch (f) {
    case F_SERIAL:
        return parse_number(v, n, &m->serial) == 0 && m->serial > 0 ? 0 : -1;
    case F_CREATED:
        return parse_number(v, n, &m->created);
    case F_NOT_AFTER:
        return parse_number(v, n, &m->not_after);
    case F_SIZE:
        return parse_number(v, n, &m->size) == 0 && m->size > 0 ? 0 : -1;
    case F_SCHEMA:
        if (parse_number(v, n, &x) != 0 || x < 1 || x > 10000)
            return -1;
        m->schema = (int)x;
        return 0;
    case F_SNAPSHOT:
        if (n >= sizeof m->snapshot)
            return -1;
        memcpy(m->snapshot, v, n);
        m->snapshot[n] = '\0';
        return fleet_snapshot_name_ok(m->snapshot) ? 0 : -1;
    case F_SHA256:
        if (n != 64)
            return -1;
        for (size_t i = 0; i < n; i++)
            if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
                return -1;
        memcpy(m->sha256, v, 64);
        m->sha256[64] = '\0';
        return 0;
    case F_ON_STALE:
        if ((n == 4 && memcmp(v, "warn", 4) == 0) || (n == 6 && memcmp(v, "refuse", 6) == 0)) {
            memcpy(m->on_stale, v, n);
            m->on_stale[n] = '\0';
            return 0;
        }
        return -1;
    case F_COUNT:
        break;
    }
    return -1;
}

int fleet_manifest_parse(const unsigned char *data, size_t len, struct fleet_manifest *m,
                         struct err *e)
{
    memset(m, 0, sizeof *m);
    if (len == 0 || len > FLEET_MANIFEST_MAX)
        return err_set(e, ERR_VERIFY, "fleet manifest: its size (%zu bytes) is wrong", len);
    if (data[len - 1] != '\n')
        return err_set(e, ERR_VERIFY, "fleet manifest: it does not end with a line break");
    /* Text only: a value cut short at a NUL would pass as its C string. */
    if (memchr(data, '\0', len) != NULL)
        return err_set(e, ERR_VERIFY, "fleet manifest: it holds a NUL byte");
    int seen[F_COUNT] = { 0 };
    size_t pos = 0;
    int line = 0;
    while (pos < len) {
        const unsigned char *nl = memchr(data + pos, '\n', len - pos);
        size_t n = (size_t)(nl - (data + pos));
        const char *text = (const char *)data + pos;
        line++;
        pos += n + 1;
        if (line == 1) {
            if (n != strlen(FLEET_MANIFEST_MAGIC) || memcmp(text, FLEET_MANIFEST_MAGIC, n) != 0)
                return err_set(e, ERR_VERIFY,
                               "fleet manifest: line 1 is not '%s' (not a manifest, or a "
                               "newer format this program does not know)", FLEET_MANIFEST_MAGIC);
            continue;
        }
        const char *sp = memchr(text, ' ', n);
        if (sp == NULL)
            return err_set(e, ERR_VERIFY, "fleet manifest: line %d has no value", line);
        size_t klen = (size_t)(sp - text);
        enum field f = F_COUNT;
        for (int k = 0; k < F_COUNT; k++)
            if (strlen(NAMES[k]) == klen && memcmp(NAMES[k], text, klen) == 0)
                f = (enum field)k;
        if (f == F_COUNT)
            return err_set(e, ERR_VERIFY, "fleet manifest: line %d has an unknown key", line);
        if (seen[f]++)
            return err_set(e, ERR_VERIFY, "fleet manifest: '%s' comes twice", NAMES[f]);
        if (parse_value(f, sp + 1, n - klen - 1, m) != 0)
            return err_set(e, ERR_VERIFY, "fleet manifest: the value of '%s' (line %d) is wrong",
                           NAMES[f], line);
    }
    for (int k = 0; k < F_COUNT; k++)
        if (!seen[k])
            return err_set(e, ERR_VERIFY, "fleet manifest: '%s' is missing", NAMES[k]);
    if (m->not_after < m->created)
        return err_set(e, ERR_VERIFY, "fleet manifest: not-after is before created");
    return 0;
}

int fleet_manifest_format(const struct fleet_manifest *m, char *out, size_t outlen)
{
    int n = snprintf(out, outlen,
                     "%s\nserial %" PRId64 "\ncreated %" PRId64 "\nnot-after %" PRId64
                     "\nsnapshot %s\nsize %" PRId64 "\nsha256 %s\nschema %d\non-stale %s\n",
                     FLEET_MANIFEST_MAGIC, m->serial, m->created, m->not_after, m->snapshot,
                     m->size, m->sha256, m->schema, m->on_stale);
    return n < 0 || (size_t)n >= outlen ? -1 : n;
}
