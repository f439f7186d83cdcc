#!/usr/bin/env bash
# Each refusal cause in the words of trustd/store/diagnose.c: trustd verify says
# it, with the certificate, the store, the application and the commands
# that fix it; ftpc's refusal of the same certificate (the scripted
# server) says exactly the same reason.
. "$(dirname "$0")/lib.sh"
ST="$T/store.db"
S=(--store "$ST")
make_store ca other-ca
ca_fp=$(fingerprint "$PKI/ca.pem")
other_fp=$(fingerprint "$PKI/other-ca.pem")
printf 'user someone pw\npwd\n' > "$T/cmds"; chmod 600 "$T/cmds"

# same STEM REASON: verify names REASON; ftpc, refused by the scripted
# server presenting STEM, gives the very same first line.
same() {
    local stem=$1 reason=$2
    run "$TRUSTD" "${S[@]}" verify --app ftp-client --host 127.0.0.1 "$PKI/$stem.pem"
    expect_status 4
    expect_in "$T/out" "NOT TRUSTED by ftp-client: $reason"
    expect_in "$T/out" "trust store: $ST, application ftp-client"
    expect_in "$T/out" "subject: $(openssl x509 -in "$PKI/$stem.pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')"
    cp "$T/out" "$T/verify.out"
    local line
    line=$(head -n 1 "$T/verify.out" | sed 's/^NOT TRUSTED by ftp-client: //')
    hostile ok "$PKI/$stem.pem" "$PKI/$stem.key"
    run "$FTPC" --store "$ST" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
    hostile_stop
    expect_status 4
    expect_in "$T/err" "ftpc: server certificate for 127.0.0.1 not trusted: $line"
    expect_in "$T/err" "SHA-256: $(openssl x509 -in "$PKI/$stem.pem" -noout -fingerprint -sha256 | cut -d= -f2)"
}

# Issuer not in the store.
same viainter "the CA that issued it, CN=ftpc Test Intermediate CA,O=ftpc tests, is not in the trust store"
expect_in "$T/verify.out" "trustd --store $ST probe --app ftp-client 127.0.0.1"
expect_in "$T/verify.out" "trustd --store $ST import FILE"
expect_in "$T/err" "trustd --store $ST probe --app ftp-client 127.0.0.1:$HOSTILE_PORT"
# In the store but disabled.
"$TRUSTD" "${S[@]}" disable "$other_fp" > /dev/null
same otherleaf "the CA CN=ftpc Other Test CA,O=ftpc tests that issued it is in the trust store but disabled"
expect_in "$T/verify.out" "trustd --store $ST enable $other_fp"
expect_in "$T/err" "trustd --store $ST enable $other_fp"
"$TRUSTD" "${S[@]}" enable "$other_fp" > /dev/null
# In the store, not on the application's list.
"$TRUSTD" "${S[@]}" app trust ftp-client "$ca_fp" > /dev/null
same otherleaf "the CA CN=ftpc Other Test CA,O=ftpc tests that issued it is in the trust store but not on application ftp-client's CA trust list"
expect_in "$T/verify.out" "trustd --store $ST app trust ftp-client $other_fp"
expect_in "$T/err" "trustd --store $ST app trust ftp-client $other_fp"
# Disabled and not on the list: both commands.
"$TRUSTD" "${S[@]}" disable "$other_fp" > /dev/null
same otherleaf "the CA CN=ftpc Other Test CA,O=ftpc tests that issued it is in the trust store but disabled"
expect_in "$T/err" "trustd --store $ST enable $other_fp"
expect_in "$T/err" "trustd --store $ST app trust ftp-client $other_fp"
"$TRUSTD" "${S[@]}" enable "$other_fp" > /dev/null
"$TRUSTD" "${S[@]}" app trust-list ftp-client undefined > /dev/null
# Expired, not yet valid: with the dates.
same expired "it expired on 2020-02-01 00:00:00 UTC"
same notyet "it is not valid before 2099-01-01 00:00:00 UTC"
# Host name mismatch: the names it holds.
same wronghost "it does not name 127.0.0.1 (host name mismatch)"
expect_in "$T/verify.out" "it names: DNS:ftp.invalid"
expect_in "$T/err" "it names: DNS:ftp.invalid"
# Weak key.
same weak "it has a weak key: RSA, 1024 bits"
# Self-signed server certificate.
same selfsigned "it is self-signed, and the trust store does not hold it"
expect_in "$T/err" "trustd --store $ST import --allow-leaf FILE"

# Revoked (which CRL) and no CRL (which CA).
d=$T/crl
ca_db "$d"
openssl ca -config "$d/cnf" -keyfile "$PKI/ca.key" -cert "$PKI/ca.pem" -revoke "$PKI/server.pem" > /dev/null 2>&1
openssl ca -config "$d/cnf" -keyfile "$PKI/ca.key" -cert "$PKI/ca.pem" -gencrl -out "$d/crl.pem" 2> /dev/null
"$TRUSTD" "${S[@]}" app set ftp-client --crl required > /dev/null
same server "application ftp-client requires a CRL for every CA (revocation policy required), and the trust store has none from CN=ftpc Test Root CA,O=ftpc tests"
expect_in "$T/verify.out" "trustd --store $ST crl import FILE"
expect_in "$T/err" "trustd --store $ST crl import FILE"
expect_in "$T/err" "trustd --store $ST app set ftp-client --crl if-present"
"$TRUSTD" "${S[@]}" crl import "$d/crl.pem" > /dev/null
crl_fp=$("$TRUSTD" "${S[@]}" crl list | cut -d' ' -f1)
same server "it is revoked by the CRL of CN=ftpc Test Root CA,O=ftpc tests in the trust store"
expect_in "$T/verify.out" "by the CRL of CN=ftpc Test Root CA,O=ftpc tests, SHA-256 $crl_fp"
expect_in "$T/err" "serial $(openssl x509 -in "$PKI/server.pem" -noout -serial | cut -d= -f2)"

# Old TLS: probe says it in the words ftpc uses (hostile_certs.sh).
hostile oldtls
run "$TRUSTD" "${S[@]}" probe "127.0.0.1:$HOSTILE_PORT"
hostile_stop
[ "$status" != 0 ] || fail "probe of an old-TLS server succeeded"
expect_in "$T/err" "the server offers only a TLS version older than 1.2 (old TLS)"

# A store under a name with a space: the commands quote it.
mkdir -p "$T/with space"
cp "$ST" "$T/with space/trust.db"
run "$TRUSTD" --store "$T/with space/trust.db" verify --app ftp-client --host 127.0.0.1 "$PKI/viainter.pem"
expect_in "$T/out" "trustd --store '$T/with space/trust.db' import FILE"
echo "ok: refusal causes in the same words from ftpc and trustd verify"
