#!/usr/bin/env bash
# The source rules a compiler does not check: no unbounded string functions.
set -euo pipefail
root=$1
if grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|gets)\s*\(' "$root"/common "$root"/trustd "$root"/ftpc \
        --include='*.c' --include='*.h'; then
    echo "FAIL: unbounded string functions above" >&2
    exit 1
fi
echo "ok: no unbounded string functions"
