#!/usr/bin/env bash
# Imports whose cost a file could make unbounded: a PKCS#12 file with an
# absurd MAC or key-derivation iteration count is refused before any
# derivation (at once, store unchanged); 20,000 certificates that share a
# subject import in seconds with unique labels (the time bound is loose on
# purpose: it guards against quadratic behaviour, bench/ measures speed).
. "$(dirname "$0")/lib_local.sh"
local_pki
: "${GEN_CERTS:?}"
P12_ITER="python3 $(dirname "$0")/../tools/p12_iter.py"
S=(--store "$T/store.db")
"$TRUSTD" "${S[@]}" import "$PKI/other-ca.pem" > /dev/null
export P12PW=secret
openssl pkcs12 -export -nokeys -in "$PKI/ca.pem" -passout env:P12PW -out "$T/ok.p12"
openssl pkcs12 -export -in "$PKI/server.pem" -inkey "$PKI/server.key" -certfile "$PKI/ca.pem" \
    -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -passout env:P12PW -out "$T/pbe.p12"
dump=$(store_dump "$T/store.db")
refused() { # file text
    local start end
    start=$(date +%s%N)
    run "$TRUSTD" "${S[@]}" import --pass-env P12PW "$1"
    end=$(date +%s%N)
    expect_status 1
    expect_in "$T/err" "$2"
    [ "$(grep -c . "$T/err")" = 1 ] || { cat "$T/err"; fail "not a one-line error"; }
    # 2^31 PBKDF2 rounds would take many minutes: 20 s is generous under a
    # loaded machine or a sanitizer and still shows nothing was derived.
    [ $(( (end - start) / 1000000 )) -lt 20000 ] || fail "refusing $1 took $(( (end - start) / 1000000 )) ms"
    [ "$(store_dump "$T/store.db")" = "$dump" ] || fail "a refused file changed the store"
}
for n in 2000001 2147483647 4611686018427387904 1180591620717411303424; do
    $P12_ITER "$T/ok.p12" "$T/mac.p12" mac "$n"
    refused "$T/mac.p12" "the PKCS#12 MAC asks for"
    $P12_ITER "$T/ok.p12" "$T/enc.p12" enc "$n"
    refused "$T/enc.p12" "the PKCS#12 encrypted part 1 asks for"
    $P12_ITER "$T/pbe.p12" "$T/enc.p12" enc "$n"   # PKCS#12 PBE (3DES), not PBES2
    refused "$T/enc.p12" "iterations, more than the 2000000 trustd accepts"
done
expect_in "$T/err" "export the file again with a usual count"
$P12_ITER "$T/ok.p12" "$T/zero.p12" mac 0
refused "$T/zero.p12" "has an iteration count below 1"
# Usual counts still import, from PBES2 and from PKCS#12 PBE files (whose
# key bag is never decrypted).
openssl pkcs12 -export -nokeys -in "$PKI/ca.pem" -iter 200000 -passout env:P12PW -out "$T/high.p12"
run "$TRUSTD" "${S[@]}" import --pass-env P12PW "$T/high.p12"
expect_status 0
expect_in "$T/out" "imported  $(fp "$PKI/ca.pem")"
run "$TRUSTD" "${S[@]}" import --allow-leaf --pass-env P12PW "$T/pbe.p12"
expect_status 0
expect_in "$T/out" "imported  $(fp "$PKI/server.pem")"
expect_in "$T/out" "already present  $(fp "$PKI/ca.pem")"

# 20,000 certificates with one subject: one transaction, labels unique.
"$GEN_CERTS" 20000 same same > "$T/same.pem"
start=$(date +%s)
run "$TRUSTD" --store "$T/many.db" import "$T/same.pem"
end=$(date +%s)
expect_status 0
[ $((end - start)) -lt 30 ] || fail "20,000 certificates with one subject took $((end - start)) s"
echo "20,000 certificates with one subject imported in $((end - start)) s"
[ "$(sqlite3 "$T/many.db" "SELECT count(DISTINCT label) FROM certificates")" = 20000 ] || fail "labels not unique"
sqlite3 "$T/many.db" "SELECT label FROM certificates WHERE label IN ('Generated CA same', 'Generated CA same (2)', 'Generated CA same (20000)')" > "$T/labels"
[ "$(wc -l < "$T/labels")" = 3 ] || { cat "$T/labels"; fail "labels are not CN, CN (2) ... CN (20000)"; }
# Later imports go on from the largest suffix, and a label taken by hand
# is stepped over.
"$GEN_CERTS" 3 other same > "$T/other.pem"
M=(--store "$T/small.db")
"$TRUSTD" "${M[@]}" import <(sed -n '1,/END CERT/p' "$T/other.pem") > /dev/null
"$TRUSTD" "${M[@]}" import "$PKI/ca.pem" > /dev/null
"$TRUSTD" "${M[@]}" label "$(fingerprint "$PKI/ca.pem")" "Generated CA other (2)" > /dev/null
run "$TRUSTD" "${M[@]}" import "$T/other.pem"
expect_status 0
expect_in "$T/out" "already present"
json_labels=$("$TRUSTD" "${M[@]}" list --json | python3 -c 'import json,sys; print(sorted(c["label"] for c in json.load(sys.stdin)))')
[ "$json_labels" = "['Generated CA other', 'Generated CA other (2)', 'Generated CA other (3)', 'Generated CA other (4)']" ] \
    || fail "labels: $json_labels"
echo "ok: import costs stay bounded"
