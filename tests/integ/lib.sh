# Shared by the integration tests against the fixture's servers: their
# ports, the test login, the fixture's PKI and a private temp folder; the
# assertions are in lib_base.sh. Every test fails (never skips) when the
# fixture is missing.
. "$(dirname "${BASH_SOURCE[0]}")/lib_base.sh"
: "${FTPC:?}" "${TRUSTD:?}" "${WORK:?}"
[ -f "$WORK/main.env" ] || { echo "FAIL: the server fixture is not running" >&2; exit 1; }
# server NAME: sets PORT, ROOT, LOG and KIND of a fixture server.
server() {
    [ -f "$WORK/$1.env" ] || { echo "FAIL: fixture server $1 is not running" >&2; exit 1; }
    # shellcheck disable=SC1090
    . "$WORK/$1.env"
}
server main
MAIN_PORT=$PORT
MAIN_ROOT=$ROOT
MAIN_LOG=$LOG
server wronghost
WRONGHOST_PORT=$PORT
server implicit
IMPLICIT_PORT=$PORT
IMPLICIT_ROOT=$ROOT
FTP_USER=$(cat "$WORK/user")
FTP_PASSWORD=$(cat "$WORK/password")
PKI=$WORK/pki
T=$(mktemp -d "$WORK/test.XXXXXX")
trap 'rm -rf "$T"' EXIT

# The password is never part of any output.
expect_no_password() {
    expect_not_in "$T/out" "$FTP_PASSWORD"
    expect_not_in "$T/err" "$FTP_PASSWORD"
}
