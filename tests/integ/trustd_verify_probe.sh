#!/usr/bin/env bash
# verify and probe judge chains as ftpc does: the application's trust list,
# the host name, and the path built; probe reads what a live server presents
# (explicit and implicit FTPS) and --import-root starts trusting it.
. "$(dirname "$0")/lib.sh"
S=(--store "$T/store.db")
"$TRUSTD" "${S[@]}" import "$PKI/ca.pem" "$PKI/other-ca.pem" > /dev/null
ca=$(fingerprint "$PKI/ca.pem")
cat "$PKI/server.pem" > "$T/chain.pem"

run "$TRUSTD" "${S[@]}" verify --app ftp-client --host localhost "$T/chain.pem"
expect_status 0
expect_in "$T/out" "TRUSTED by ftp-client for localhost; path:"
expect_in "$T/out" "1  CN=ftpc Test Root CA,O=ftpc tests"
run "$TRUSTD" "${S[@]}" verify --app ftp-client --host 127.0.0.1 "$T/chain.pem"
expect_status 0
run "$TRUSTD" "${S[@]}" verify --app ftp-client --host ftp.example.org "$T/chain.pem"
expect_status 4
expect_in "$T/out" "NOT TRUSTED by ftp-client: hostname mismatch"
run "$TRUSTD" "${S[@]}" verify --app ftp-client --host 127.0.0.2 "$T/chain.pem"
expect_status 4
expect_in "$T/out" "IP address mismatch"
"$TRUSTD" "${S[@]}" app add other-only > /dev/null
"$TRUSTD" "${S[@]}" app trust other-only "$(fingerprint "$PKI/other-ca.pem")" > /dev/null
run "$TRUSTD" "${S[@]}" verify --app other-only "$T/chain.pem"
expect_status 4
expect_in "$T/out" "unable to get local issuer certificate"
run "$TRUSTD" "${S[@]}" verify --app nobody "$T/chain.pem"
expect_status 3
# A certificate that is not for TLS servers is refused like in a handshake.
run "$TRUSTD" "${S[@]}" verify --app ftp-client "$PKI/other-ca.pem"
expect_status 4

# probe: explicit FTPS.
run "$TRUSTD" "${S[@]}" probe --app ftp-client "127.0.0.1:$MAIN_PORT"
expect_status 0
expect_in "$T/out" "(explicit FTPS), TLSv1.3"
expect_in "$T/out" "0  CN=localhost,O=ftpc tests"
expect_in "$T/out" "TRUSTED by ftp-client for 127.0.0.1"
run "$TRUSTD" "${S[@]}" probe --app other-only "127.0.0.1:$MAIN_PORT"
expect_status 4
expect_in "$T/out" "NOT TRUSTED by other-only"
run "$TRUSTD" "${S[@]}" probe --app ftp-client "localhost:$WRONGHOST_PORT"
expect_status 4
expect_in "$T/out" "hostname mismatch"
# probe: implicit FTPS.
run "$TRUSTD" "${S[@]}" probe --app ftp-client --implicit "127.0.0.1:$IMPLICIT_PORT"
expect_status 0
expect_in "$T/out" "(implicit FTPS)"
# probe: nothing listening.
run "$TRUSTD" "${S[@]}" probe --app ftp-client "127.0.0.1:1"
expect_status 1
expect_in "$T/err" "cannot connect to 127.0.0.1 port 1"

# --import-root: an empty store learns to trust the server in one step.
S2=(--store "$T/fresh.db")
"$TRUSTD" "${S2[@]}" check > /dev/null   # creates an empty store
run "$TRUSTD" "${S2[@]}" probe --app ftp-client "127.0.0.1:$MAIN_PORT" --import-root
expect_status 1
expect_in "$T/out" "importing the chain's top certificate, SHA-256"
expect_in "$T/err" "is not a CA certificate; use --allow-leaf"
[ "$("$TRUSTD" "${S2[@]}" list | wc -l)" = 0 ] || fail "leaf imported without --allow-leaf"
run "$TRUSTD" "${S2[@]}" probe --app ftp-client "127.0.0.1:$MAIN_PORT" --import-root --allow-leaf
expect_status 0
expect_in "$T/out" "imported  $(fingerprint "$PKI/server.pem")"
"$TRUSTD" "${S2[@]}" app trust ftp-client "$(fingerprint "$PKI/server.pem")" > /dev/null
run "$TRUSTD" "${S2[@]}" probe --app ftp-client "127.0.0.1:$MAIN_PORT"
expect_status 4   # a pinned leaf is not a trust anchor unless it is self-signed
echo "ok: verify and probe"
