/* schema: the migrations compiled in from the schema folder (see cmake/embed_schema.cmake). */
#ifndef TRUSTD_STORE_SCHEMA_H
#define TRUSTD_STORE_SCHEMA_H

struct schema_migration {
    int version;
    const char *name;
    const char *sql;
};

extern const struct schema_migration schema_migrations[];
extern const int schema_migration_count;

#endif
