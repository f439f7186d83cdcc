/* Fuzz target: the fleet manifest parser (what a publisher signs; parsed
 * after the signature is checked, but trusted no further) and its round
 * trip: what parses, formats to text that parses to the same fields. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trustd/store/fleet_manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct err e;
    struct fleet_manifest m, again;
    if (fleet_manifest_parse(data, size, &m, &e) != 0)
        return 0;
    char text[FLEET_MANIFEST_MAX];
    int n = fleet_manifest_format(&m, text, sizeof text);
    if (n < 0 || fleet_manifest_parse((const unsigned char *)text, (size_t)n, &again, &e) != 0 ||
        memcmp(&m, &again, sizeof m) != 0)
        abort();
    return 0;
}
