#!/usr/bin/env bash
# Servers with certificates that must not be trusted: each is refused
# during the handshake, before USER, with the reason named, and the exit
# status for TLS failures. Also a data connection that presents another
# certificate than the control connection.
. "$(dirname "$0")/lib.sh"
make_store ca other-ca
printf 'user someone secret-%s\npwd\n' "$$" > "$T/cmds"; chmod 600 "$T/cmds"
refused() { # name cert-stem reason [ftpc options...]
    local what=$1 stem=$2 reason=$3
    shift 3
    hostile ok "$PKI/$stem.pem" "$PKI/$stem.key"
    run "$FTPC" -d --store "$T/store.db" "$@" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
    hostile_stop
    [ "$status" = 4 ] || { cat "$T/err"; fail "$what: status $status, expected 4"; }
    expect_in "$T/err" "$reason"
    expect_not_in "$T/err" "---> USER"
    expect_not_in "$T/err" "secret-$$"
}
ST="$T/store.db"
refused self-signed selfsigned "not trusted: it is self-signed, and the trust store does not hold it"
expect_in "$T/err" "trustd --store $ST import --allow-leaf FILE"
expect_in "$T/err" "trust store: $ST, application ftp-client"
refused expired expired "not trusted: it expired on 2020-02-01 00:00:00 UTC"
expect_in "$T/err" "valid from 2020-01-01 00:00:00 UTC to 2020-02-01 00:00:00 UTC"
refused not-yet-valid notyet "not trusted: it is not valid before 2099-01-01 00:00:00 UTC"
refused wrong-host wronghost "not trusted: it does not name 127.0.0.1 (host name mismatch)"
expect_in "$T/err" "it names: DNS:ftp.invalid; subject CN ftp.invalid"
refused weak-key weak "not trusted: it has a weak key: RSA, 1024 bits"
refused missing-intermediate viainter "not trusted: the CA that issued it, CN=ftpc Test Intermediate CA,O=ftpc tests, is not in the trust store"
expect_in "$T/err" "trustd --store $ST probe --app ftp-client 127.0.0.1:"
expect_in "$T/err" "trustd --store $ST import FILE"
# The other CA is in the store, but ftp-client's list holds only the test root.
"$TRUSTD" --store "$T/store.db" app trust ftp-client "$(fingerprint "$PKI/ca.pem")" > /dev/null
refused not-on-the-list otherleaf "not trusted: the CA CN=ftpc Other Test CA,O=ftpc tests that issued it is in the trust store but not on application ftp-client's CA trust list"
expect_in "$T/err" "trustd --store $ST app trust ftp-client $(fingerprint "$PKI/other-ca.pem")"
# A disabled CA is not used.
"$TRUSTD" --store "$T/store.db" app trust-list ftp-client undefined > /dev/null
"$TRUSTD" --store "$T/store.db" disable "$(fingerprint "$PKI/other-ca.pem")" > /dev/null
refused disabled-ca otherleaf "not trusted: the CA CN=ftpc Other Test CA,O=ftpc tests that issued it is in the trust store but disabled"
expect_in "$T/err" "trustd --store $ST enable $(fingerprint "$PKI/other-ca.pem")"
"$TRUSTD" --store "$T/store.db" enable "$(fingerprint "$PKI/other-ca.pem")" > /dev/null

# Old TLS only: no handshake below TLS 1.2.
hostile oldtls
run "$FTPC" -d --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 4
expect_in "$T/err" "TLS handshake with 127.0.0.1 failed"
grep -qiE "protocol version|unsupported protocol|no protocols available" "$T/err" || fail "the reason does not name the protocol"
expect_in "$T/err" "the server offers only a TLS version older than 1.2 (old TLS), which ftpc refuses"
expect_not_in "$T/err" "---> USER"

# Revoked (the CRL test in trustd_crl.sh covers it with a real server);
# here: the same refusal through the hostile server's handshake.
d=$T/crl
ca_db "$d"
openssl ca -config "$d/cnf" -keyfile "$PKI/ca.key" -cert "$PKI/ca.pem" -revoke "$PKI/server.pem" > /dev/null 2>&1
openssl ca -config "$d/cnf" -keyfile "$PKI/ca.key" -cert "$PKI/ca.pem" -gencrl -out "$d/crl.pem" 2> /dev/null
"$TRUSTD" --store "$T/store.db" crl import "$d/crl.pem" > /dev/null
"$TRUSTD" --store "$T/store.db" app set ftp-client --crl if-present > /dev/null
refused revoked server "not trusted: it is revoked by the CRL of CN=ftpc Test Root CA,O=ftpc tests in the trust store"
"$TRUSTD" --store "$T/store.db" app set ftp-client --crl none > /dev/null

# A data connection with another certificate than the control connection
# (a hijacked data port) is verified like the control one and refused.
hostile ok "$PKI/server.pem" "$PKI/server.key" "$PKI/selfsigned.pem" "$PKI/selfsigned.key"
printf 'user someone pw\nget payload %s\npwd\n' "$T/hijack.bin" > "$T/cmds2"; chmod 600 "$T/cmds2"
run "$FTPC" --continue --store "$T/store.db" -s "$T/cmds2" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 4
expect_in "$T/err" "data connection: server certificate for 127.0.0.1 not trusted: it is self-signed, and the trust store does not hold it"
expect_in "$T/out" "/hostile"
[ ! -e "$T/hijack.bin" ] && [ ! -e "$T/hijack.bin.part" ] || fail "a hijacked data connection wrote a file"
echo "ok: hostile certificates"
