#!/usr/bin/env bash
# One version everywhere: ftpc --version, trustd --version, the .TH lines of
# the manual pages in docs/ and of the installed copies in the build.
# check_version.sh VERSION SOURCE_DIR BUILD_DIR FTPC TRUSTD
set -euo pipefail
version=$1 src=$2 build=$3 ftpc=$4 trustd=$5
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$("$ftpc" --version)" = "ftpc $version" ] || fail "ftpc --version: $("$ftpc" --version)"
[ "$("$trustd" --version)" = "trustd $version" ] || fail "trustd --version: $("$trustd" --version)"
for page in "$src/docs/ftpc.1" "$src/docs/trustd.8" "$build/man/ftpc.1" "$build/man/trustd.8"; do
    name=$(basename "$page"); name=${name%.*}
    head -1 "$page" | grep -qF "\"$name $version\"" || fail "$page: $(head -1 "$page") (expected \"$name $version\")"
done
echo "ok: version $version everywhere"
