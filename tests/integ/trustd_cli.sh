#!/usr/bin/env bash
# trustd's first commands end to end: import (PEM bundle, DER, duplicates),
# list, app trust with each fingerprint form, app show, and failures that
# change nothing.
. "$(dirname "$0")/lib_local.sh"
local_pki
S=(--store "$T/nested/dir/store.db")
cat "$PKI/ca.pem" "$PKI/other-ca.pem" > "$T/bundle.pem"
run "$TRUSTD" "${S[@]}" import "$T/bundle.pem"
expect_status 0
expect_in "$T/out" "imported  $(fp "$PKI/ca.pem")  CN=ftpc Test Root CA,O=ftpc tests"
expect_in "$T/out" "imported  $(fp "$PKI/other-ca.pem")  CN=ftpc Other Test CA"
[ -f "$T/nested/dir/store.db" ] || fail "store folder not created"

run "$TRUSTD" "${S[@]}" import "$PKI/ca.pem"
expect_status 0
expect_in "$T/out" "already present"

openssl x509 -in "$PKI/ca.pem" -outform DER -out "$T/ca.der"
run "$TRUSTD" "${S[@]}" import "$T/ca.der"
expect_status 0
expect_in "$T/out" "already present"

run "$TRUSTD" "${S[@]}" list
expect_status 0
[ "$(wc -l < "$T/out")" = 3 ] || fail "list should show a header and 2 certificates"
# A header and aligned columns: label, state, not after, SHA-256, subject.
not_after() { date -u -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" '+%Y-%m-%d %H:%M:%S UTC'; }
{
    printf '%-18s  %-8s  %-23s  %-95s  %s\n' LABEL STATE "NOT AFTER" SHA-256 SUBJECT
    printf '%-18s  %-8s  %-23s  %-95s  %s\n' "ftpc Other Test CA" enabled "$(not_after "$PKI/other-ca.pem")" \
        "$(fp "$PKI/other-ca.pem")" "CN=ftpc Other Test CA,O=ftpc tests"
    printf '%-18s  %-8s  %-23s  %-95s  %s\n' "ftpc Test Root CA" enabled "$(not_after "$PKI/ca.pem")" \
        "$(fp "$PKI/ca.pem")" "CN=ftpc Test Root CA,O=ftpc tests"
} > "$T/list-expected"
diff "$T/list-expected" "$T/out" || fail "list layout"
cp "$T/out" "$T/list-before"

# Bad input changes nothing: a bundle whose second certificate is a leaf,
# a damaged file, a missing file.
cat "$PKI/other-ca.pem" "$PKI/server.pem" > "$T/with-leaf.pem"
run "$TRUSTD" "${S[@]}" import "$T/with-leaf.pem"
expect_status 1
expect_in "$T/err" "with-leaf.pem: certificate 2 (CN=localhost,O=ftpc tests"
expect_in "$T/err" "not a CA certificate"
echo "garbage" > "$T/garbage.pem"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Extra CA" -keyout "$T/extra.key" \
    -out "$T/extra.pem" -addext "basicConstraints=critical,CA:TRUE" 2>/dev/null
run "$TRUSTD" "${S[@]}" import "$T/extra.pem" "$T/garbage.pem"
[ "$status" != 0 ] || fail "garbage imported"
expect_in "$T/err" "garbage.pem"
run "$TRUSTD" "${S[@]}" import "$T/none.pem"
expect_status 1
"$TRUSTD" "${S[@]}" list > "$T/list-after"
cmp "$T/list-before" "$T/list-after" || fail "a failed import changed the store"

# app show before a list is defined: every enabled CA.
run "$TRUSTD" "${S[@]}" app show ftp-client
expect_status 0
expect_in "$T/out" "Trust list:   not defined"
expect_in "$T/out" "ftpc Other Test CA"

# Fingerprint forms: openssl's colon form, upper case, and a prefix.
colon=$(openssl x509 -in "$PKI/ca.pem" -noout -fingerprint -sha256 | cut -d= -f2)
run "$TRUSTD" "${S[@]}" app trust ftp-client "$colon"
expect_status 0
expect_in "$T/out" "trusted  $(fp "$PKI/ca.pem")"
run "$TRUSTD" "${S[@]}" app trust ftp-client "$(fingerprint "$PKI/ca.pem" | cut -c1-8 | tr a-f A-F)"
expect_status 0
expect_in "$T/out" "already trusted"
run "$TRUSTD" "${S[@]}" app show ftp-client
expect_in "$T/out" "Trust list:   defined"
expect_in "$T/out" "ftpc Test Root CA"
expect_not_in "$T/out" "ftpc Other Test CA"

run "$TRUSTD" "${S[@]}" app trust ftp-client 1234567
expect_status 3
expect_in "$T/err" "at least 8 hex digits"
run "$TRUSTD" "${S[@]}" app trust no-such-app "$colon"
expect_status 3
expect_in "$T/err" "application 'no-such-app' is not defined"
run "$TRUSTD" "${S[@]}" app show no-such-app
expect_status 3

# The store location from the environment.
TRUSTD_STORE="$T/nested/dir/store.db" run "$TRUSTD" list
expect_status 0
cmp "$T/out" "$T/list-after" || fail "TRUSTD_STORE not used"
run "$TRUSTD" frobnicate
expect_status 2
echo "ok: trustd commands"
