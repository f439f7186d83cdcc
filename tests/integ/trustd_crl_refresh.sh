#!/usr/bin/env bash
# crl refresh: CAs whose crlDistributionPoints name http:// and https://
# URLs of real servers on 127.0.0.1 (Python's http.server, plain and with
# TLS). A stale CRL is replaced, a current one left alone, and a 404, a CRL
# from another CA, an oversized answer, a server that never answers, a
# redirect to another scheme and an HTTPS server with an untrusted
# certificate each fail that CA alone, with its CRLs left as they were.
. "$(dirname "$0")/lib_local.sh"
local_pki
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy=127.0.0.1
S=(--store "$T/store.db")
mkdir -p "$T/www"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"' EXIT
httpd() { # portfile [cert key]
    python3 "$(dirname "$0")/crl_httpd.py" "$T/www" "$@" 2>> "$T/httpd.log" &
    pids+=($!)
    for _ in $(seq 1 100); do [ -s "$1" ] && break; sleep 0.05; done
    [ -s "$1" ] || { cat "$T/httpd.log" >&2; fail "CRL server did not start"; }
}
httpd "$T/http.port"
httpd "$T/https.port" "$PKI/server.pem" "$PKI/server.key"
H=http://127.0.0.1:$(cat "$T/http.port")
HS=https://127.0.0.1:$(cat "$T/https.port")

# cdp_ca NAME URL...: a CA (ten years) whose distribution points are the URLs.
cdp_ca() {
    local name=$1 d="$T/ca-$1" dp
    shift
    dp=$(printf 'URI:%s,' "$@")
    ca_db "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/O=ftpc tests/CN=CDP $name" \
        -keyout "$d/key.pem" -out "$T/$name.pem" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "crlDistributionPoints=${dp%,}" 2>/dev/null
}
# gen_crl NAME OUT [LAST NEXT]: the CA's next CRL (its number counts up).
gen_crl() {
    local d="$T/ca-$1" dates=()
    [ -n "${3:-}" ] && dates=(-crl_lastupdate "$3" -crl_nextupdate "$4")
    openssl ca -config "$d/cnf" -keyfile "$d/key.pem" -cert "$T/$1.pem" -gencrl "${dates[@]}" \
        -out "$2" 2>/dev/null
    openssl crl -in "$2" -outform DER -out "$2.der"
}
crl_fp() { openssl crl -in "$1" -outform DER | sha256sum | cut -d' ' -f1; }
crls_of() { # CA name -> the SHA-256 of the store's CRLs from it, sorted
    "$TRUSTD" "${S[@]}" crl list --json | python3 -c 'import json,sys
print(" ".join(sorted(c["sha256"] for c in json.load(sys.stdin) if c["issuer"] == sys.argv[1])))' "CN=CDP $1,O=ftpc tests"
}

cdp_ca stale "$H/stale.crl"
cdp_ca current "$H/current.crl"
cdp_ca missing "$H/no-such.crl"
cdp_ca wrong "$H/wrong.crl"
cdp_ca big "$H/big.crl"
cdp_ca hang "$H/hang/x.crl"
cdp_ca scheme "$H/redirect/file:///etc/passwd"
cdp_ca tls "$HS/tls.crl"
cdp_ca nodp "ldap://127.0.0.1/cn=nodp"
cdp_ca twodp "$H/no-such-either.crl" "$H/twodp.crl"
all="stale current missing wrong big hang scheme tls nodp twodp"
"$TRUSTD" "${S[@]}" app add monitor > /dev/null
for n in $all; do
    "$TRUSTD" "${S[@]}" import "$T/$n.pem" > /dev/null
    [ "$n" = hang ] || "$TRUSTD" "${S[@]}" app trust monitor "$(fingerprint "$T/$n.pem")" > /dev/null
done
"$TRUSTD" "${S[@]}" app set monitor --crl if-present > /dev/null
# The server that never answers has an application of its own, refreshed
# with a short time-out (the others keep the default, for slow checkers).
"$TRUSTD" "${S[@]}" app add hang-app > /dev/null
"$TRUSTD" "${S[@]}" app trust hang-app "$(fingerprint "$T/hang.pem")" > /dev/null
"$TRUSTD" "${S[@]}" app set hang-app --crl required > /dev/null

# Stale CRLs in the store (2020) for every CA but current; what the servers hold.
for n in $all; do
    [ "$n" = current ] && continue
    gen_crl "$n" "$T/$n-old.crl" 20200101000000Z 20200201000000Z
    "$TRUSTD" "${S[@]}" crl import "$T/$n-old.crl" > /dev/null
done
gen_crl current "$T/current-now.crl"
"$TRUSTD" "${S[@]}" crl import "$T/current-now.crl" > /dev/null
cp "$T/current-now.crl.der" "$T/www/current.crl"
gen_crl stale "$T/stale-new.crl"
cp "$T/stale-new.crl.der" "$T/www/stale.crl"
gen_crl twodp "$T/twodp-new.crl"
cp "$T/twodp-new.crl" "$T/www/twodp.crl"            # PEM is taken too
gen_crl tls "$T/tls-new.crl"
cp "$T/tls-new.crl.der" "$T/www/tls.crl"
# A CA of the same name with another key signed this one.
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/O=ftpc tests/CN=CDP wrong" \
    -keyout "$T/impostor.key" -out "$T/impostor.pem" 2>/dev/null
cp "$T/ca-wrong/cnf" "$T/impostor.cnf"
openssl ca -config "$T/impostor.cnf" -keyfile "$T/impostor.key" -cert "$T/impostor.pem" -gencrl \
    -out "$T/www/wrong.crl" 2>/dev/null
# 11 MiB, above the 10 MiB bound.
head -c $((11 * 1024 * 1024)) /dev/zero > "$T/www/big.crl"

before=$("$TRUSTD" "${S[@]}" crl list --json)
for n in $all; do eval "old_$n='$(crls_of "$n")'"; done
audit_before=$("$TRUSTD" "${S[@]}" audit --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
run "$TRUSTD" "${S[@]}" crl refresh --app monitor
[ "$status" -ne 0 ] || fail "crl refresh with failures exited 0"
expect_status 1
cat "$T/out"
line() { grep -F "$(fp "$T/$1.pem")" "$T/out" || fail "no line for $1"; }
[ "$(wc -l < "$T/out")" -eq 9 ] || fail "one line per CA expected"
line stale   | grep -q '^updated .*replaces'      || fail "stale CRL not updated"
line current | grep -q '^unchanged .*not newer'   || fail "current CRL not left alone"
line missing | grep -q '^failed .*HTTP 404'       || fail "404 not reported"
line wrong   | grep -q '^failed .*not signed by this CA' || fail "wrong issuer not reported"
line big     | grep -q '^failed .*larger than 10485760 bytes' || fail "oversized answer not refused"
line scheme  | grep -q '^failed '                 || fail "redirect to file: followed"
line tls     | grep -q '^failed .*SSL\|^failed .*certificate' || fail "untrusted HTTPS accepted"
line nodp    | grep -q '^skipped .*no http or https CRL distribution point' || fail "CA without an http point"
line twodp   | grep -q '^updated '                || fail "second distribution point not tried"
expect_in "$T/err" "crl refresh: 5 of 9 CAs"
# The server that never answers: a time-out, kept short here.
start=$(date +%s)
run "$TRUSTD" "${S[@]}" crl refresh --app hang-app --timeout 2
elapsed=$(( $(date +%s) - start ))
expect_status 1
line hang | grep -q '^failed .*no complete answer within 2 seconds' || fail "time-out not reported"
[ "$elapsed" -lt 30 ] || fail "refresh took $elapsed s with a 2 s time-out"
# The CRLs of the failed CAs are as they were; the updated ones replaced.
for n in missing wrong big hang scheme tls nodp current; do
    [ "$(crls_of "$n")" = "$(eval echo "\$old_$n")" ] || fail "the CRLs of $n changed"
done
[ "$(crls_of stale)" = "$(crl_fp "$T/stale-new.crl")" ] || fail "stale CRL not replaced"
[ "$(crls_of twodp)" = "$(crl_fp "$T/twodp-new.crl")" ] || fail "twodp CRL not replaced"
# Audited as crl import (and the old one's removal as crl remove).
run "$TRUSTD" "${S[@]}" audit --json
json_check "$T/out" "len(d) == $audit_before + 4"
json_check "$T/out" "any(a['action'] == 'crl import' and a['subject'] == '$(crl_fp "$T/stale-new.crl")' for a in d)"
json_check "$T/out" "any(a['action'] == 'crl remove' and a['subject'] == '$old_stale' for a in d)"

# Run again: now unchanged for both (exit still 1: the failures remain).
run "$TRUSTD" "${S[@]}" crl refresh --app monitor
expect_status 1
line stale | grep -q '^unchanged ' || fail "second refresh changed the stale CA's CRL"

# HTTPS against the test CA: the TLS CA's CRL is fetched; --app limits the run.
"$TRUSTD" "${S[@]}" app add tls-only > /dev/null
"$TRUSTD" "${S[@]}" app trust tls-only "$(fingerprint "$T/tls.pem")" > /dev/null
run "$TRUSTD" "${S[@]}" crl refresh --app tls-only
expect_status 0
run "$TRUSTD" "${S[@]}" crl refresh --app tls-only --ca-file "$PKI/ca.pem"
expect_status 0
expect_in "$T/out" "policy none"
"$TRUSTD" "${S[@]}" app set tls-only --crl required > /dev/null
run "$TRUSTD" "${S[@]}" crl refresh --app tls-only --ca-file "$PKI/ca.pem"
expect_status 0
[ "$(wc -l < "$T/out")" -eq 1 ] || fail "--app refreshed other CAs"
expect_in "$T/out" "updated"
[ "$(crls_of tls)" = "$(crl_fp "$T/tls-new.crl")" ] || fail "HTTPS CRL not stored"
# An older CRL (a lower number) is not taken over a newer one.
gen_crl stale "$T/stale-newer.crl"
"$TRUSTD" "${S[@]}" crl import "$T/stale-newer.crl" > /dev/null
"$TRUSTD" "${S[@]}" app add stale-only --description x > /dev/null
"$TRUSTD" "${S[@]}" app trust stale-only "$(fingerprint "$T/stale.pem")" > /dev/null
"$TRUSTD" "${S[@]}" app set stale-only --crl required > /dev/null
run "$TRUSTD" "${S[@]}" crl refresh --app stale-only
expect_status 0
expect_in "$T/out" "not newer"
expect_in "$T/out" "number 2 against 3"

# Bad options.
run "$TRUSTD" "${S[@]}" crl refresh --timeout 0
expect_status 2
run "$TRUSTD" "${S[@]}" crl refresh --app no-such-app
expect_status 3
run "$TRUSTD" "${S[@]}" crl refresh --ca-file "$T/no-such.pem"
expect_status 1
echo "ok: crl refresh"
