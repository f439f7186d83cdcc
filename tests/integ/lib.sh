# Shared by the integration tests: the fixture's servers, a private temp
# folder, and small assertions. Every test fails (never skips) when the
# fixture is missing.
set -euo pipefail
: "${FTPC:?}" "${TRUSTD:?}" "${WORK:?}"
[ -f "$WORK/main.env" ] || { echo "FAIL: the vsftpd fixture is not running" >&2; exit 1; }
# shellcheck disable=SC1091
. "$WORK/main.env"
MAIN_PORT=$PORT
MAIN_ROOT=$ROOT
MAIN_LOG=$LOG
# shellcheck disable=SC1091
. "$WORK/wronghost.env"
WRONGHOST_PORT=$PORT
# shellcheck disable=SC1091
. "$WORK/implicit.env"
IMPLICIT_PORT=$PORT
IMPLICIT_ROOT=$ROOT
FTP_USER=$(cat "$WORK/user")
FTP_PASSWORD=$(cat "$WORK/password")
PKI=$WORK/pki
T=$(mktemp -d "$WORK/test.XXXXXX")
trap 'rm -rf "$T"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# Runs a command, keeping its exit status in $status and its output in files.
run() {
    set +e
    "$@" > "$T/out" 2> "$T/err"
    status=$?
    set -e
}

expect_status() {
    [ "$status" = "$1" ] || { cat "$T/out" "$T/err" >&2; fail "exit status $status, expected $1"; }
}

expect_in() { # file text
    grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "'$2' not in $(basename "$1")"; }
}

expect_not_in() { # file text
    if grep -qF -- "$2" "$1"; then cat "$1" >&2; fail "'$2' unexpectedly in $(basename "$1")"; fi
}

# A store in the test's folder holding the named certificates of the test PKI.
make_store() {
    local name
    for name in "$@"; do
        "$TRUSTD" --store "$T/store.db" import "$PKI/$name.pem" > /dev/null
    done
}

fingerprint() { # pem file -> lower-case hex
    openssl x509 -in "$1" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d : | tr 'A-F' 'a-f'
}

# The password is never part of any output.
expect_no_password() {
    expect_not_in "$T/out" "$FTP_PASSWORD"
    expect_not_in "$T/err" "$FTP_PASSWORD"
}
