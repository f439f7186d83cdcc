#!/usr/bin/env bash
# Revocation: CRLs are imported only when a CA in the store signed them, and
# each application's policy (none, if-present, required) is applied the
# same way by ftpc and by trustd verify.
. "$(dirname "$0")/lib.sh"
S=(--store "$T/store.db")
"$TRUSTD" "${S[@]}" import "$PKI/ca.pem" > /dev/null

make_crl() { # ca-name out revoke-cert-or-empty
    local d="$T/crl-$1-$(basename "$2")"
    ca_db "$d"
    if [ -n "${3:-}" ]; then
        openssl ca -config "$d/cnf" -keyfile "$PKI/$1.key" -cert "$PKI/$1.pem" -revoke "$3" > /dev/null 2>&1
    fi
    openssl ca -config "$d/cnf" -keyfile "$PKI/$1.key" -cert "$PKI/$1.pem" -gencrl -out "$2" 2> /dev/null
}
make_crl ca "$T/clean.crl"
make_crl ca "$T/revoked.crl" "$PKI/server.pem"
make_crl other-ca "$T/foreign.crl"
printf 'user %s\npwd\n' "$FTP_USER" > "$T/cmds"
ftpc_run() { FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"; }

# Not signed by a CA in the store: refused. Damaged: refused.
run "$TRUSTD" "${S[@]}" crl import "$T/foreign.crl"
expect_status 4
expect_in "$T/err" "not signed by a CA in the trust store"
head -c 300 "$T/clean.crl" > "$T/damaged.crl"
run "$TRUSTD" "${S[@]}" crl import "$T/damaged.crl"
expect_status 1

# required: works while the CA's CRL does not list the server.
run "$TRUSTD" "${S[@]}" crl import "$T/clean.crl"
expect_status 0
expect_in "$T/out" "imported"
run "$TRUSTD" "${S[@]}" crl import "$T/clean.crl"
expect_in "$T/out" "already present"
run "$TRUSTD" "${S[@]}" app set ftp-client --crl required
expect_status 0
ftpc_run
expect_status 0

# The server's certificate revoked: refused by ftpc and by verify.
clean=$("$TRUSTD" "${S[@]}" crl list | cut -d' ' -f1)
run "$TRUSTD" "${S[@]}" crl remove "${clean:0:12}"
expect_status 0
run "$TRUSTD" "${S[@]}" crl import "$(openssl crl -in "$T/revoked.crl" -outform DER -out "$T/revoked.der"; echo "$T/revoked.der")"
expect_status 0
expect_in "$T/out" "1 revoked"
run "$TRUSTD" "${S[@]}" crl list --json
json_check "$T/out" 'len(d) == 1 and d[0]["revoked"] == 1 and d[0]["issuer"] == "CN=ftpc Test Root CA,O=ftpc tests"'
ftpc_run
expect_status 4
expect_in "$T/err" "server certificate for 127.0.0.1 not trusted: it is revoked by the CRL of CN=ftpc Test Root CA,O=ftpc tests in the trust store"
expect_in "$T/err" "serial $(openssl x509 -in "$PKI/server.pem" -noout -serial | cut -d= -f2)"
expect_no_password
run "$TRUSTD" "${S[@]}" verify --app ftp-client "$PKI/server.pem"
expect_status 4
expect_in "$T/out" "NOT TRUSTED by ftp-client: it is revoked by the CRL of CN=ftpc Test Root CA,O=ftpc tests in the trust store"

# none: CRLs are not consulted.
"$TRUSTD" "${S[@]}" app set ftp-client --crl none > /dev/null
ftpc_run
expect_status 0

# No CRL for the CA: required fails, if-present goes on.
rev=$("$TRUSTD" "${S[@]}" crl list | cut -d' ' -f1)
"$TRUSTD" "${S[@]}" crl remove "$rev" > /dev/null
"$TRUSTD" "${S[@]}" app set ftp-client --crl required > /dev/null
ftpc_run
expect_status 4
expect_in "$T/err" "not trusted: application ftp-client requires a CRL for every CA (revocation policy required), and the trust store has none from CN=ftpc Test Root CA,O=ftpc tests"
expect_in "$T/err" "trustd --store $T/store.db crl import FILE"
"$TRUSTD" "${S[@]}" app set ftp-client --crl if-present > /dev/null
ftpc_run
expect_status 0
run "$TRUSTD" "${S[@]}" app show ftp-client --json
json_check "$T/out" 'd["crl_policy"] == "if-present"'
run "$TRUSTD" "${S[@]}" app set ftp-client --crl sometimes
expect_status 2
# Removing a CA takes its CRLs with it.
"$TRUSTD" "${S[@]}" crl import "$T/clean.crl" > /dev/null
"$TRUSTD" "${S[@]}" remove "$(fingerprint "$PKI/ca.pem")" > /dev/null
[ -z "$("$TRUSTD" "${S[@]}" crl list)" ] || fail "CRL outlived its CA"
echo "ok: revocation"
