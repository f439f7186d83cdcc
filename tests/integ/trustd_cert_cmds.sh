#!/usr/bin/env bash
# The certificate commands: list (--app, --expiring, --json), show (--json,
# --pem), export (PEM, DER, an application's bundle that curl and openssl
# accept; --force), enable, disable, label, remove (--force).
. "$(dirname "$0")/lib.sh"
S=(--store "$T/store.db")
"$TRUSTD" "${S[@]}" import "$PKI/ca.pem" "$PKI/other-ca.pem" > /dev/null
make_expired_ca old "Old Expired CA"
"$TRUSTD" "${S[@]}" import "$T/old.pem" > /dev/null 2>&1
ca=$(fingerprint "$PKI/ca.pem")
ca_text=$(fp "$PKI/ca.pem")
other=$(fingerprint "$PKI/other-ca.pem")
other_text=$(fp "$PKI/other-ca.pem")

run "$TRUSTD" "${S[@]}" list --json
expect_status 0
json_check "$T/out" 'len(d) == 3 and {c["label"] for c in d} == {"ftpc Test Root CA", "ftpc Other Test CA", "Old Expired CA"}'
run "$TRUSTD" "${S[@]}" list --expiring 60 --json
json_check "$T/out" 'len(d) == 3'
run "$TRUSTD" "${S[@]}" list --expiring 0 --json
json_check "$T/out" '[c["label"] for c in d] == ["Old Expired CA"]'
run "$TRUSTD" "${S[@]}" list --expiring soon
expect_status 2

# show: every field, and which applications trust it.
run "$TRUSTD" "${S[@]}" show "${ca:0:10}" --json --pem
expect_status 0
json_check "$T/out" 'd["key_type"] == "RSA" and d["key_bits"] == 2048 and d["signature_algorithm"] == "sha256WithRSAEncryption"'
json_check "$T/out" 'd["basic_constraints"] == {"present": True, "ca": True} and d["key_usage"] == "Certificate Sign, CRL Sign"'
json_check "$T/out" 'd["trusted_by"] == ["ftp-client"] and d["enabled"] and d["sha256"] == "'"$ca"'"'
sha1=$(openssl x509 -in "$PKI/ca.pem" -noout -fingerprint -sha1 | cut -d= -f2)
sha1_json=$(echo "$sha1" | tr -d : | tr A-F a-f)
json_check "$T/out" 'd["sha1"] == "'"$sha1_json"'" and d["pem"].startswith("-----BEGIN CERTIFICATE-----")'
run "$TRUSTD" "${S[@]}" show "ftpc Test Root CA" --pem
expect_in "$T/out" "Serial:              $(openssl x509 -in "$PKI/ca.pem" -noout -serial | cut -d= -f2)"
expect_in "$T/out" "Trusted by:          ftp-client"
expect_in "$T/out" "-----BEGIN CERTIFICATE-----"
run "$TRUSTD" "${S[@]}" show "${ca:0:4}"
expect_status 3

# export one certificate, PEM and DER, byte for byte.
run "$TRUSTD" "${S[@]}" export "$ca" --out "$T/ca.out.pem"
expect_status 0
cmp <(openssl x509 -in "$PKI/ca.pem") "$T/ca.out.pem" || fail "PEM export differs"
run "$TRUSTD" "${S[@]}" export "$ca" --der --out "$T/ca.der"
cmp <(openssl x509 -in "$PKI/ca.pem" -outform DER) "$T/ca.der" || fail "DER export differs"
run "$TRUSTD" "${S[@]}" export "$ca" --out "$T/ca.der"
expect_status 2
expect_in "$T/err" "exists (use --force"
cmp <(openssl x509 -in "$PKI/ca.pem" -outform DER) "$T/ca.der" || fail "export replaced a file without --force"
run "$TRUSTD" "${S[@]}" export "$ca" --out "$T/ca.der" --force
expect_status 0

# export --app: exactly what the application trusts, usable by openssl and curl.
"$TRUSTD" "${S[@]}" app add strict --description "only the test root" > /dev/null
"$TRUSTD" "${S[@]}" app trust strict "$ca" > /dev/null
run "$TRUSTD" "${S[@]}" export --app strict --out "$T/strict.pem"
expect_status 0
[ "$(grep -c 'BEGIN CERTIFICATE' "$T/strict.pem")" = 1 ] || fail "bundle should hold one CA"
openssl verify -CAfile "$T/strict.pem" "$PKI/server.pem" > /dev/null || fail "openssl verify rejected the bundle"
if openssl verify -CAfile "$T/strict.pem" "$PKI/other-ca.pem" > /dev/null 2>&1; then fail "bundle trusts too much"; fi
curl -s --ssl-reqd --cacert "$T/strict.pem" -u "$FTP_USER:$FTP_PASSWORD" \
    "ftp://127.0.0.1:$MAIN_PORT/" > /dev/null || fail "curl --cacert rejected the bundle"
run "$TRUSTD" "${S[@]}" export --app ftp-client
expect_status 0
[ "$(grep -c "BEGIN CERTIFICATE" "$T/out")" = 3 ] || fail "ftp-client should trust the three enabled CAs"

# disable / enable / label
run "$TRUSTD" "${S[@]}" disable "$ca"
expect_status 0
run "$TRUSTD" "${S[@]}" export --app strict
expect_status 3
expect_in "$T/err" "trusts no certificate"
run "$TRUSTD" "${S[@]}" app show strict
expect_in "$T/out" "(disabled: not used)"
expect_in "$T/out" "this application trusts nothing"
run "$TRUSTD" "${S[@]}" enable "$ca"
expect_status 0
run "$TRUSTD" "${S[@]}" label "$ca" "Lab Root"
expect_status 0
run "$TRUSTD" "${S[@]}" show "Lab Root" --json
json_check "$T/out" 'd["label"] == "Lab Root"'
run "$TRUSTD" "${S[@]}" label "$other" "Lab Root"
expect_status 2
expect_in "$T/err" "already in use"

# remove: refused while a trust list holds it, --force also takes it off the list.
run "$TRUSTD" "${S[@]}" remove "Lab Root"
expect_status 2
expect_in "$T/err" "the trust list of strict holds this certificate"
run "$TRUSTD" "${S[@]}" remove "$other"
expect_status 0
run "$TRUSTD" "${S[@]}" remove --force "Lab Root"
expect_status 0
run "$TRUSTD" "${S[@]}" app show strict --json
json_check "$T/out" 'd["certificates"] == [] and d["trusts_nothing"]'
run "$TRUSTD" "${S[@]}" list --json
json_check "$T/out" '[c["label"] for c in d] == ["Old Expired CA"]'
run "$TRUSTD" "${S[@]}" remove "$ca"
expect_status 3
echo "ok: certificate commands"
