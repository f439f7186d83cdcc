#!/usr/bin/env bash
# A release build is hardened (the flags of the top CMakeLists.txt took
# effect): each program is a position-independent executable with full
# RELRO (read-only relocations, immediate binding) and a stack that cannot
# run code, calls the stack protector, and links checked (_FORTIFY_SOURCE)
# variants of the C library's buffer functions.
# check_hardening.sh PROGRAM...
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
[ $# -gt 0 ] || fail "no program to check"
for prog in "$@"; do
    name=$(basename "$prog")
    header=$(readelf -h "$prog")
    dynamic=$(readelf -d "$prog")
    segments=$(readelf -lW "$prog")
    symbols=$(readelf --dyn-syms -W "$prog")
    grep -qE 'Type:\s+DYN' <<< "$header" || fail "$name is not position-independent (ELF type is not DYN)"
    grep -qE 'FLAGS_1.*\bPIE\b' <<< "$dynamic" || fail "$name is not a PIE (no PIE in FLAGS_1)"
    grep -q 'GNU_RELRO' <<< "$segments" || fail "$name has no RELRO segment"
    grep -qE 'BIND_NOW|FLAGS.*\bNOW\b' <<< "$dynamic" || fail "$name does not bind immediately (no BIND_NOW)"
    grep -E 'GNU_STACK' <<< "$segments" | grep -qE '\sRW\s' || fail "$name has an executable stack"
    grep -qw '__stack_chk_fail' <<< "$symbols" || fail "$name does not use the stack protector"
    checked=$(grep -oE '\b__[a-z_]+_chk\b' <<< "$symbols" | sort -u | paste -sd ' ' || true)
    [ -n "$checked" ] || fail "$name uses no checked (_FORTIFY_SOURCE) functions"
    echo "ok: $name: PIE, full RELRO, no executable stack, stack protector, fortified ($checked)"
done
