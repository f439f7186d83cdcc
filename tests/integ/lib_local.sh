# Shared by the trustd tests that need no server: a private temp folder
# and, for the tests that call local_pki, a PKI of their own made by
# scripts/make-test-pki. They run without the server fixture, alone or
# side by side with any other test.
. "$(dirname "${BASH_SOURCE[0]}")/lib_base.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/trustd-test.XXXXXX")
trap 'rm -rf "$T"' EXIT

# local_pki: sets PKI to a new test PKI in the test's folder.
local_pki() {
    PKI=$T/pki
    "${SCRIPTS:-$(dirname "${BASH_SOURCE[0]}")/../../scripts}/make-test-pki" "$PKI" > /dev/null ||
        fail "cannot make the test PKI"
}
