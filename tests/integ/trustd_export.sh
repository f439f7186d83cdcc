#!/usr/bin/env bash
# export: a trust list's bundle holds each CA it trusts. When the store
# cannot read one of them (its stored form damaged), export fails with one
# line naming that certificate and writes nothing: no partial bundle, an
# existing file is left as it was, no temporary file stays behind.
. "$(dirname "$0")/lib_local.sh"
local_pki
S=(--store "$T/store.db")
"$TRUSTD" "${S[@]}" import "$PKI/ca.pem" "$PKI/other-ca.pem" > /dev/null
mkdir "$T/outdir"
bundle=$T/outdir/bundle.pem

run "$TRUSTD" "${S[@]}" export --app ftp-client --out "$bundle"
expect_status 0
[ "$(grep -c 'BEGIN CERTIFICATE' "$bundle")" = 2 ] || fail "the bundle does not hold both CAs"
expect_in "$bundle" "# SHA-256 $(fp "$PKI/ca.pem")"
expect_in "$bundle" "# SHA-256 $(fp "$PKI/other-ca.pem")"
cp "$bundle" "$T/bundle.before"

# The DER form of one CA replaced by bytes that do not parse: the last of
# the bundle (by label), so that the others could be written before it.
sqlite3 "$T/store.db" \
    "UPDATE certificates SET der = x'3082000102' WHERE sha256 = '$(fingerprint "$PKI/ca.pem")'"

check_refused() { # what
    expect_status 1
    expect_in "$T/err" "'ftpc Test Root CA'"
    expect_in "$T/err" "$(fp "$PKI/ca.pem")"
    expect_in "$T/err" "cannot be read"
    [ "$(wc -l < "$T/err")" = 1 ] || { cat "$T/err" >&2; fail "$1: more than one line of error"; }
    [ ! -s "$T/out" ] || { cat "$T/out" >&2; fail "$1: wrote to standard output"; }
}

run "$TRUSTD" "${S[@]}" export --app ftp-client --out "$bundle" --force
check_refused "export over a file"
cmp -s "$bundle" "$T/bundle.before" || fail "a failed export changed the existing bundle"
[ "$(ls -A "$T/outdir")" = bundle.pem ] || { ls -A "$T/outdir" >&2; fail "a failed export left a file"; }

run "$TRUSTD" "${S[@]}" export --app ftp-client --out "$T/outdir/new.pem"
check_refused "export to a new file"
[ ! -e "$T/outdir/new.pem" ] || fail "a failed export created its output file"

run "$TRUSTD" "${S[@]}" export --app ftp-client
check_refused "export to standard output"

# A trust list that holds it fails the same way; one without it exports.
"$TRUSTD" "${S[@]}" app add other-only --type client > /dev/null
"$TRUSTD" "${S[@]}" app trust other-only "$(fingerprint "$PKI/other-ca.pem")" > /dev/null
run "$TRUSTD" "${S[@]}" export --app other-only --out "$T/outdir/other.pem"
expect_status 0
[ "$(grep -c 'BEGIN CERTIFICATE' "$T/outdir/other.pem")" = 1 ] || fail "other-only's bundle is not its one CA"
"$TRUSTD" "${S[@]}" app trust other-only "$(fingerprint "$PKI/ca.pem")" > /dev/null
run "$TRUSTD" "${S[@]}" export --app other-only --out "$T/outdir/other.pem" --force
check_refused "export of a defined list"
[ "$(grep -c 'BEGIN CERTIFICATE' "$T/outdir/other.pem")" = 1 ] || fail "the failed export changed other.pem"

# The remedy the error names: remove it and import it again.
run "$TRUSTD" "${S[@]}" remove --force "$(fingerprint "$PKI/ca.pem")"
expect_status 0
"$TRUSTD" "${S[@]}" import "$PKI/ca.pem" > /dev/null
run "$TRUSTD" "${S[@]}" export --app ftp-client --out "$bundle" --force
expect_status 0
cmp -s "$bundle" "$T/bundle.before" || fail "the export after the repair differs from the first"
echo "ok: export fails whole on a certificate the store cannot read"
