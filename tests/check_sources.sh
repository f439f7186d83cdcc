#!/usr/bin/env bash
# The source rules a compiler does not check:
#  - no unbounded or error-hiding C library functions;
#  - every project include names its part from the one include root
#    ("common/err.h"), and runs only downwards through the layers:
#
#      front > commands > transfer > session > conn > parse     (ftpc)
#      trustd/cli > trustd/store                                 (trustd)
#      both > sandbox > common;  common knows neither; nothing reaches into ftpc
#
#    The sandbox (a program confining itself) sits between the programs
#    and common: the ftpc layers that write local files or set up the
#    sandbox (conn, transfer, commands, front) and trustd/cli use it; the
#    parsers, the session and the store library do not.
#    The store library's inside (store_internal.h, schema.h), the
#    session's (session_internal.h) and the sandbox's (landlock.h,
#    seccomp_filter.h) are their own; other parts use their public
#    headers.
set -euo pipefail
root=$1
cd "$root"
fail=0

banned='strcpy|strcat|sprintf|vsprintf|gets|strncpy|strtok|atoi|atol|atoll|sscanf|alloca'
if grep -rnE "(^|[^A-Za-z0-9_.>])($banned)\s*\(" common sandbox trustd ftpc tests bench \
        --include='*.c' --include='*.h'; then
    echo "FAIL: banned functions above ($banned)" >&2
    fail=1
fi

# The parts each part may include, lowest layer last.
allowed() {
    case $1 in
    common)          echo "common" ;;
    sandbox)         echo "sandbox common" ;;
    trustd/store)    echo "trustd/store common" ;;
    trustd/cli)      echo "trustd/cli trustd/store sandbox common" ;;
    ftpc/parse)      echo "ftpc/parse common" ;;
    ftpc/conn)       echo "ftpc/conn ftpc/parse sandbox common" ;;
    ftpc/session)    echo "ftpc/session ftpc/conn ftpc/parse trustd/store common" ;;
    ftpc/transfer)   echo "ftpc/transfer ftpc/session ftpc/conn ftpc/parse sandbox common" ;;
    ftpc/commands)   echo "ftpc/commands ftpc/transfer ftpc/session ftpc/conn ftpc/parse sandbox common" ;;
    ftpc/front)      echo "ftpc/front ftpc/commands ftpc/transfer ftpc/session ftpc/conn ftpc/parse trustd/store sandbox common" ;;
    *)               echo "" ;;
    esac
}

# The part a file or an included path belongs to.
part_of() {
    case $1 in
    common/*)       echo common ;;
    sandbox/*)      echo sandbox ;;
    trustd/store/*) echo trustd/store ;;
    trustd/cli/*)   echo trustd/cli ;;
    ftpc/*/*)       echo "${1%/*}" ;;
    *)              echo "?" ;;
    esac
}

while IFS= read -r file; do
    from=$(part_of "$file")
    ok=$(allowed "$from")
    if [ -z "$ok" ]; then
        echo "$file: not in a known part (add it to tests/check_sources.sh)" >&2
        fail=1
        continue
    fi
    while IFS=: read -r line inc; do
        target=$(part_of "$inc")
        if [ ! -f "$inc" ] && [ "$inc" != "trustd/store/schema.h" ]; then
            echo "$file:$line: \"$inc\" does not name a file from the project root" >&2
            fail=1
        elif [[ " $ok " != *" $target "* ]]; then
            echo "$file:$line: $from may not include $inc ($target is not below it)" >&2
            fail=1
        elif [ "$target" = trustd/store ] && [ "$from" != trustd/store ] &&
             [[ $inc == */store_internal.h || $inc == */schema.h ]]; then
            echo "$file:$line: $inc is the store library's inside; use its public headers" >&2
            fail=1
        elif [ "$inc" = ftpc/session/session_internal.h ] && [ "$from" != ftpc/session ]; then
            echo "$file:$line: $inc is the session's inside: its state changes only there" >&2
            fail=1
        elif [ "$target" = sandbox ] && [ "$from" != sandbox ] && [ "$inc" != sandbox/sandbox.h ]; then
            echo "$file:$line: $inc is the sandbox's inside; use sandbox/sandbox.h" >&2
            fail=1
        fi
    done < <(grep -nE '^\s*#\s*include\s+"' "$file" | sed -E 's/^([0-9]+):.*"([^"]+)".*/\1:\2/')
done < <(find common sandbox trustd ftpc -name '*.[ch]' | sort)

# Project headers are included with quotes, never as system headers.
if grep -rnE '^\s*#\s*include\s*<(common|sandbox|ftpc|trustd|tests)/' common sandbox trustd ftpc tests bench \
        --include='*.c' --include='*.h'; then
    echo "FAIL: a project header included with <...> above; use \"part/file.h\"" >&2
    fail=1
fi

# Tests, fuzz targets and benchmarks may use any part, but name it fully.
while IFS=: read -r file line inc; do
    if [ ! -f "$inc" ] && [ "$(part_of "$inc")" = "?" ]; then
        echo "$file:$line: \"$inc\" does not name a file from the project root" >&2
        fail=1
    fi
done < <(grep -rnE '^\s*#\s*include\s+"' tests bench --include='*.c' --include='*.h' |
         sed -E 's/^([^:]+):([0-9]+):.*"([^"]+)".*/\1:\2:\3/')

[ "$fail" = 0 ] || exit 1
echo "ok: no banned functions; every include names its part and runs down the layers"
