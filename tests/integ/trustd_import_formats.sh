#!/usr/bin/env bash
# trustd import: every format (PEM bundle, DER, PKCS#7 PEM and DER, PKCS#12
# with each password source, standard input, the system bundle), labels,
# disabled imports, leaf pinning and validity warnings.
. "$(dirname "$0")/lib_local.sh"
local_pki
S=(--store "$T/store.db")
count() { "$TRUSTD" "${S[@]}" list --json > "$T/list.json"; python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/list.json"; }

# PKCS#7, PEM and DER.
openssl crl2pkcs7 -nocrl -certfile "$PKI/ca.pem" -certfile "$PKI/other-ca.pem" -out "$T/b.p7b"
openssl crl2pkcs7 -nocrl -certfile "$PKI/ca.pem" -outform DER -out "$T/b.p7c"
run "$TRUSTD" "${S[@]}" import "$T/b.p7b"
expect_status 0
expect_in "$T/out" "imported  $(fp "$PKI/other-ca.pem")"
run "$TRUSTD" "${S[@]}" import "$T/b.p7c"
expect_status 0
expect_in "$T/out" "already present  $(fp "$PKI/ca.pem")"
[ "$(count)" = 2 ] || fail "PKCS#7 import count"

# PKCS#12: certificates only, the password from a file or a variable, never argv.
openssl pkcs12 -export -in "$PKI/server.pem" -inkey "$PKI/server.key" -certfile "$PKI/ca.pem" \
    -passout pass:s3cret -out "$T/server.p12"
echo s3cret > "$T/pass"
before=$(store_dump "$T/store.db")
run "$TRUSTD" "${S[@]}" import --pass-file "$T/pass" "$T/server.p12"
expect_status 1
expect_in "$T/err" "server.p12: certificate 1 (CN=localhost,O=ftpc tests, SHA-256 $(fp "$PKI/server.pem")) is not a CA certificate; use --ca-only to import only the CA certificates (or --allow-leaf to pin this one too): nothing was imported"
[ "$(cat "$T/out")" = "refused  $(fp "$PKI/server.pem")  CN=localhost,O=ftpc tests  (not a CA certificate)" ] || fail "refused line: $(cat "$T/out")"
echo wrong > "$T/badpass"
run "$TRUSTD" "${S[@]}" import --allow-leaf --pass-file "$T/badpass" "$T/server.p12"
expect_status 1
expect_in "$T/err" "wrong PKCS#12 password"
# No password source and no terminal: a clear error, not a hang.
run setsid "$TRUSTD" "${S[@]}" import --allow-leaf "$T/server.p12" < /dev/null
expect_status 2
expect_in "$T/err" "no password given and no terminal"
[ "$before" = "$(store_dump "$T/store.db")" ] || fail "a failed PKCS#12 import changed the store"
printf 's3cret\n' > "$T/p12pass"
P12PASS=s3cret run "$TRUSTD" "${S[@]}" import --allow-leaf --pass-env P12PASS --pass-file "$T/p12pass" "$T/server.p12"
expect_status 2
expect_in "$T/err" "give --pass-file or --pass-env, not both"
[ "$before" = "$(store_dump "$T/store.db")" ] || fail "a refused PKCS#12 import changed the store"
P12PASS=s3cret run "$TRUSTD" "${S[@]}" import --allow-leaf --pass-env P12PASS "$T/server.p12"
expect_status 0
expect_in "$T/out" "imported  $(fp "$PKI/server.pem")  CN=localhost"
expect_in "$T/out" "already present  $(fp "$PKI/ca.pem")"
expect_not_in "$T/out" "PRIVATE"
# An empty-password PKCS#12 needs no password at all.
openssl pkcs12 -export -nokeys -in "$PKI/wronghost.pem" -passout pass: -out "$T/empty.p12"
run "$TRUSTD" "${S[@]}" import --allow-leaf "$T/empty.p12" < /dev/null
expect_status 0
expect_in "$T/out" "imported  $(fp "$PKI/wronghost.pem")"

# Standard input, and a label of one's own.
make_expired_ca old "Old Expired CA"
run "$TRUSTD" "${S[@]}" import --label "Retired root" - < "$T/old.pem"
expect_status 0
expect_in "$T/err" "warning: Retired root (-) has expired"
run "$TRUSTD" "${S[@]}" show "Retired root" --json
json_check "$T/out" 'd["label"] == "Retired root" and d["subject"] == "CN=Old Expired CA"'
run "$TRUSTD" "${S[@]}" import --label "Two" "$T/b.p7b"
expect_status 2
expect_in "$T/err" "--label names one certificate"

# Disabled on import; labels made unique.
openssl req -x509 -newkey rsa:2048 -nodes -days 5 -subj "/CN=ftpc Test Root CA" -keyout "$T/k" \
    -out "$T/samecn.pem" -addext basicConstraints=critical,CA:TRUE 2>/dev/null
run "$TRUSTD" "${S[@]}" import --disabled "$T/samecn.pem"
expect_status 0
expect_in "$T/out" "(disabled)"
run "$TRUSTD" "${S[@]}" show "ftpc Test Root CA (2)" --json
json_check "$T/out" 'd["enabled"] is False'

# The operating system's bundle: disabled unless --enabled, and deduplicated.
bundle=/etc/ssl/certs/ca-certificates.crt
[ -s "$bundle" ] || fail "no system bundle at $bundle"
n=$(grep -c 'BEGIN CERTIFICATE' "$bundle")
S2=(--store "$T/system.db")
run "$TRUSTD" "${S2[@]}" import --system
expect_status 0
expect_in "$T/out" "certificates imported from $bundle (disabled"
"$TRUSTD" "${S2[@]}" list --json > "$T/sys.json"
json_check "$T/sys.json" "len(d) >= $n - 5 and all(not c['enabled'] for c in d)"
run "$TRUSTD" "${S2[@]}" import --system
expect_in "$T/out" "0 certificates imported"
"$TRUSTD" --store "$T/system-on.db" import --system --enabled > /dev/null
"$TRUSTD" --store "$T/system-on.db" list --json > "$T/sys.json"
json_check "$T/sys.json" "all(c['enabled'] for c in d)"
echo "ok: import formats"
