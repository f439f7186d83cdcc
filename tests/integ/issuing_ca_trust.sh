#!/usr/bin/env bash
# Trust lists that name an issuing CA (DCM's narrowing) on real servers:
# vsftpd with a certificate from the test intermediate ("A", served as
# leaf + intermediate, and once with the root too), and one from a sibling
# issuing CA ("B") under the same root. Naming A trusts exactly A's
# servers; revocation applies below the anchor; the anchor itself is
# checked only when its issuer and that issuer's CRL are in the store.
# Then trustd probe --trust-issuer / --import-root with --expect-sha256.
. "$(dirname "$0")/lib.sh"
started=""
cleanup() {
    local n
    for n in $started; do "$SCRIPTS/local-ftpd" stop "$WORK" "$n" > /dev/null 2>&1 || true; done
    rm -rf "$T"
}
trap cleanup EXIT
: "${SCRIPTS:?}"

# The sibling issuing CA B and its server certificate.
openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/O=ftpc tests/CN=ftpc Test Sibling CA" \
    -keyout "$T/sib.key" -out "$T/sib.csr" 2> /dev/null
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$T/sib.ext"
openssl x509 -req -in "$T/sib.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -CAcreateserial \
    -CAserial "$T/ca.srl" -days 30 -sha256 -extfile "$T/sib.ext" -out "$T/sib.pem" 2> /dev/null
openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/O=ftpc tests/CN=from the sibling CA" \
    -keyout "$T/sibleaf.key" -out "$T/sibleaf.csr" 2> /dev/null
printf 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$T/leaf.ext"
openssl x509 -req -in "$T/sibleaf.csr" -CA "$T/sib.pem" -CAkey "$T/sib.key" -CAcreateserial \
    -CAserial "$T/sib.srl" -days 30 -sha256 -extfile "$T/leaf.ext" -out "$T/sibleaf.pem" 2> /dev/null
cat "$PKI/viainter.pem" "$PKI/inter.pem" > "$T/a-chain.pem"
cat "$PKI/viainter.pem" "$PKI/inter.pem" "$PKI/ca.pem" > "$T/a-full.pem"
cat "$T/sibleaf.pem" "$T/sib.pem" > "$T/b-chain.pem"
chmod 644 "$T"/*.pem

start() { # name cert key
    local n="$1-$$"
    "$SCRIPTS/local-ftpd" start "$WORK" "$n" vsftpd "$2" "$3" > /dev/null
    started="$started $n"
    server "$n"
}
start issa "$T/a-chain.pem" "$PKI/viainter.key"; A_PORT=$PORT; A_ROOT=$ROOT
start issfull "$T/a-full.pem" "$PKI/viainter.key"; FULL_PORT=$PORT
start issb "$T/b-chain.pem" "$T/sibleaf.key"; B_PORT=$PORT

S=(--store "$T/store.db")
ST="$T/store.db"
inter_fp=$(fingerprint "$PKI/inter.pem")
root_fp=$(fingerprint "$PKI/ca.pem")
name="issued-$$.bin"
head -c 100000 /dev/urandom > "$T/$name"
printf 'user %s\nbinary\nput %s %s\nget %s %s\npwd\nquit\n' "$FTP_USER" "$T/$name" "$name" "$name" "$T/back.bin" > "$T/xfer"
printf 'user %s\npwd\n' "$FTP_USER" > "$T/cmds"
ftpc_to() { FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$ST" -s "$2" 127.0.0.1 "$1"; }

# Only issuing CA A, on ftp-client's defined list; the root is not in the store.
"$TRUSTD" "${S[@]}" import "$PKI/inter.pem" > /dev/null
"$TRUSTD" "${S[@]}" app trust ftp-client "$inter_fp" > /dev/null
ftpc_to "$A_PORT" "$T/xfer"
expect_status 0
cmp "$T/$name" "$A_ROOT/$name" || fail "upload under an issuing-CA anchor differs"
cmp "$T/$name" "$T/back.bin" || fail "download under an issuing-CA anchor differs"
rm -f "$T/back.bin"
run "$TRUSTD" "${S[@]}" verify --app ftp-client --host localhost "$T/a-chain.pem"
expect_status 0
expect_in "$T/out" "TRUSTED by ftp-client for localhost; path:"
expect_in "$T/out" "1  CN=ftpc Test Intermediate CA,O=ftpc tests"
expect_not_in "$T/out" "  2  CN="
# The sibling's server: same root, another issuing CA: refused.
ftpc_to "$B_PORT" "$T/cmds"
expect_status 4
expect_in "$T/err" "server certificate for 127.0.0.1 not trusted: the CA that issued CN=ftpc Test Sibling CA,O=ftpc tests, CN=ftpc Test Root CA,O=ftpc tests, is not in the trust store"
expect_in "$T/err" "trustd --store $ST probe --app ftp-client 127.0.0.1:$B_PORT"
expect_in "$T/err" "--trust-issuer --expect-sha256 $(fingerprint "$T/sib.pem")"
expect_not_in "$T/err" "---> USER"
# The same chain under an application without a trust list: today's rule,
# only self-signed roots anchor (the issuing CA alone does not).
"$TRUSTD" "${S[@]}" app add nolist > /dev/null
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$ST" --appid nolist -s "$T/cmds" 127.0.0.1 "$A_PORT"
expect_status 4
expect_in "$T/err" "is not in the trust store"
expect_in "$T/err" "without a CA trust list only self-signed roots are anchors for nolist"
# Adding the root makes both A's and B's servers trusted for nolist, and
# still only A's for ftp-client.
"$TRUSTD" "${S[@]}" import "$PKI/ca.pem" > /dev/null
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$ST" --appid nolist -s "$T/cmds" 127.0.0.1 "$B_PORT"
expect_status 0
ftpc_to "$B_PORT" "$T/cmds"
expect_status 4
expect_in "$T/err" "not trusted: the CA CN=ftpc Test Root CA,O=ftpc tests that its chain leads to is in the trust store but not on application ftp-client's CA trust list"
expect_in "$T/err" "trustd --store $ST app trust ftp-client $root_fp"
expect_in "$T/err" "--trust-issuer --expect-sha256 $(fingerprint "$T/sib.pem")"
ftpc_to "$A_PORT" "$T/cmds"
expect_status 0

# Revocation below the anchor.
make_crl() { # key cert out [revoke...]
    local d; d=$(mktemp -d "$T/crl.XXXXXX")
    ca_db "$d"
    local key=$1 cert=$2 out=$3 r
    shift 3
    for r in "$@"; do openssl ca -config "$d/cnf" -keyfile "$key" -cert "$cert" -revoke "$r" > /dev/null 2>&1; done
    openssl ca -config "$d/cnf" -keyfile "$key" -cert "$cert" -gencrl -out "$out" 2> /dev/null
}
make_crl "$PKI/inter.key" "$PKI/inter.pem" "$T/inter-clean.crl"
make_crl "$PKI/inter.key" "$PKI/inter.pem" "$T/inter-revoked.crl" "$PKI/viainter.pem"
make_crl "$PKI/ca.key" "$PKI/ca.pem" "$T/root-clean.crl"
make_crl "$PKI/ca.key" "$PKI/ca.pem" "$T/root-revokes-inter.crl" "$PKI/inter.pem"

# A fresh store: A on the list, no root, policy required.
rm -f "$ST" "$ST"-*
"$TRUSTD" "${S[@]}" import "$PKI/inter.pem" > /dev/null
"$TRUSTD" "${S[@]}" app trust ftp-client "$inter_fp" > /dev/null
"$TRUSTD" "${S[@]}" app set ftp-client --crl required > /dev/null
# No CRL from A: required names A and the command.
ftpc_to "$A_PORT" "$T/cmds"
expect_status 4
expect_in "$T/err" "not trusted: application ftp-client requires a CRL for every CA (revocation policy required), and the trust store has none from CN=ftpc Test Intermediate CA,O=ftpc tests"
expect_in "$T/err" "trustd --store $ST crl import FILE"
expect_in "$T/err" "trustd --store $ST app set ftp-client --crl if-present"
run "$TRUSTD" "${S[@]}" verify --app ftp-client --host localhost "$T/a-chain.pem"
expect_status 4
expect_in "$T/out" "NOT TRUSTED by ftp-client: application ftp-client requires a CRL for every CA"
# A's CRL (clean): trusted, although neither the root nor its CRL is there.
"$TRUSTD" "${S[@]}" crl import "$T/inter-clean.crl" > /dev/null
ftpc_to "$A_PORT" "$T/cmds"
expect_status 0
# The root in the store (not on the list) without its CRL: the anchor is
# not checked, still trusted.
"$TRUSTD" "${S[@]}" import "$PKI/ca.pem" > /dev/null
ftpc_to "$A_PORT" "$T/cmds"
expect_status 0
# The root's CRL, not revoking A: trusted.
"$TRUSTD" "${S[@]}" crl import "$T/root-clean.crl" > /dev/null
ftpc_to "$A_PORT" "$T/cmds"
expect_status 0
# The root's CRL revoking A: the anchor is revoked.
"$TRUSTD" "${S[@]}" crl import "$T/root-revokes-inter.crl" > /dev/null
ftpc_to "$A_PORT" "$T/cmds"
expect_status 4
expect_in "$T/err" "not trusted: the CA CN=ftpc Test Intermediate CA,O=ftpc tests on application ftp-client's CA trust list is revoked by the CRL of CN=ftpc Test Root CA,O=ftpc tests"
run "$TRUSTD" "${S[@]}" verify --app ftp-client --host localhost "$T/a-chain.pem"
expect_status 4
expect_in "$T/out" "is revoked by the CRL of CN=ftpc Test Root CA"
# A's CRL revoking the server (every other CRL gone): revoked below the anchor.
for c in $("$TRUSTD" "${S[@]}" crl list --json | python3 -c 'import json,sys
d = json.load(sys.stdin)
d = d if isinstance(d, list) else next(v for v in d.values() if isinstance(v, list))
print(" ".join(c["sha256"] for c in d))'); do
    "$TRUSTD" "${S[@]}" crl remove "$c" > /dev/null
done
"$TRUSTD" "${S[@]}" crl import "$T/inter-revoked.crl" > /dev/null
ftpc_to "$A_PORT" "$T/cmds"
expect_status 4
expect_in "$T/err" "not trusted: it is revoked by the CRL of CN=ftpc Test Intermediate CA,O=ftpc tests in the trust store"
expect_in "$T/err" "serial $(openssl x509 -in "$PKI/viainter.pem" -noout -serial | cut -d= -f2)"

# trustd probe: an empty store, the default application (ftp-client).
rm -f "$ST" "$ST"-*
"$TRUSTD" "${S[@]}" check > /dev/null
run "$TRUSTD" "${S[@]}" probe "127.0.0.1:$A_PORT"
expect_status 4
expect_in "$T/out" "the server presented:"
expect_in "$T/out" "1  CN=ftpc Test Intermediate CA,O=ftpc tests"
expect_in "$T/out" "NOT TRUSTED by ftp-client: the CA that issued CN=ftpc Test Intermediate CA,O=ftpc tests, CN=ftpc Test Root CA,O=ftpc tests, is not in the trust store"
expect_in "$T/out" "trustd --store $ST probe --app ftp-client 127.0.0.1:$A_PORT --trust-issuer --expect-sha256 $inter_fp"
before=$(store_dump "$ST")
# No terminal, no fingerprint: refused, nothing imported, says how.
run "$TRUSTD" "${S[@]}" probe "127.0.0.1:$A_PORT" --trust-issuer < /dev/null
expect_status 4
expect_in "$T/err" "--expect-sha256 $inter_fp"
[ "$(store_dump "$ST")" = "$before" ] || fail "--trust-issuer without a fingerprint changed the store"
# A wrong fingerprint: refused, nothing imported.
run "$TRUSTD" "${S[@]}" probe "127.0.0.1:$A_PORT" --trust-issuer --expect-sha256 "$root_fp"
expect_status 4
expect_in "$T/err" "not $(fp "$PKI/ca.pem") (--expect-sha256): nothing imported"
[ "$(store_dump "$ST")" = "$before" ] || fail "a wrong fingerprint changed the store"
# The right one, upper case with colons: imported, on the list, trusted.
colon_fp=$(openssl x509 -in "$PKI/inter.pem" -noout -fingerprint -sha256 | cut -d= -f2)
run "$TRUSTD" "${S[@]}" probe "127.0.0.1:$A_PORT" --trust-issuer --expect-sha256 "$colon_fp"
expect_status 0
expect_in "$T/out" "SHA-256 matches --expect-sha256"
expect_in "$T/out" "added to ftp-client's CA trust list"
expect_in "$T/out" "TRUSTED by ftp-client for 127.0.0.1; path:"
run "$TRUSTD" "${S[@]}" app show ftp-client
expect_in "$T/out" "ftpc Test Intermediate CA"
ftpc_to "$A_PORT" "$T/cmds"
expect_status 0
ftpc_to "$B_PORT" "$T/cmds"
expect_status 4
# Again: already trusted, nothing imported.
run "$TRUSTD" "${S[@]}" probe "127.0.0.1:$A_PORT" --trust-issuer --expect-sha256 "$inter_fp"
expect_status 0
expect_in "$T/out" "already trusted: nothing imported"

# At a terminal (tmux): the SHA-256 is shown and asked about; no imports
# nothing, yes imports and trusts.
command -v tmux > /dev/null || fail "tmux is not installed (scripts/install-deps installs it)"
sock="$T/tmux.sock"
tm() { tmux -S "$sock" "$@"; }
screen() { tm capture-pane -t probe -p -S -200; }
wait_for() { # text
    for _ in $(seq 1 100); do
        screen | grep -qF -- "$1" && return 0
        sleep 0.1
    done
    screen >&2
    fail "'$1' did not appear on the screen"
}
trap 'tm kill-server 2>/dev/null || true; cleanup' EXIT
colon_inter=$(openssl x509 -in "$PKI/inter.pem" -noout -fingerprint -sha256 | cut -d= -f2)
for answer in n y; do
    rm -f "$ST" "$ST"-*
    "$TRUSTD" "${S[@]}" check > /dev/null
    tm new-session -d -s probe -x 200 -y 60 \
        "'$TRUSTD' --store '$ST' probe 127.0.0.1:$A_PORT --trust-issuer; echo probe-ended-\$?; sleep 30"
    wait_for "SHA-256:    $colon_inter"
    wait_for "Trust this CA for ftp-client? [y/N]"
    tm send-keys -t probe "$answer" Enter
    if [ "$answer" = n ]; then
        wait_for "probe-ended-4"
        run "$TRUSTD" "${S[@]}" list
        expect_not_in "$T/out" "Intermediate"
    else
        wait_for "TRUSTED by ftp-client for 127.0.0.1; path:"
        wait_for "probe-ended-0"
    fi
    tm kill-session -t probe
done
ftpc_to "$A_PORT" "$T/cmds"
expect_status 0

# The server that sends the full chain: --trust-issuer still takes the
# issuing CA (not the root); --import-root checks --expect-sha256 too.
rm -f "$ST" "$ST"-*
"$TRUSTD" "${S[@]}" check > /dev/null
run "$TRUSTD" "${S[@]}" probe "127.0.0.1:$FULL_PORT"
expect_status 4
expect_in "$T/out" "2  CN=ftpc Test Root CA,O=ftpc tests"
expect_in "$T/out" "the root CA it was sent with, CN=ftpc Test Root CA,O=ftpc tests, is not in the trust store"
expect_in "$T/out" "--import-root --expect-sha256 $root_fp"
expect_in "$T/out" "--trust-issuer --expect-sha256 $inter_fp"
before=$(store_dump "$ST")
run "$TRUSTD" "${S[@]}" probe "127.0.0.1:$FULL_PORT" --import-root --expect-sha256 "$inter_fp"
expect_status 4
expect_in "$T/err" "nothing imported"
[ "$(store_dump "$ST")" = "$before" ] || fail "--import-root with a wrong fingerprint changed the store"
run "$TRUSTD" "${S[@]}" probe "127.0.0.1:$FULL_PORT" --trust-issuer --expect-sha256 "$inter_fp"
expect_status 0
run "$TRUSTD" "${S[@]}" list
expect_in "$T/out" "ftpc Test Intermediate CA"
expect_not_in "$T/out" "ftpc Test Root CA"
rm -f "$ST" "$ST"-*
"$TRUSTD" "${S[@]}" check > /dev/null
run "$TRUSTD" "${S[@]}" probe "127.0.0.1:$FULL_PORT" --import-root --expect-sha256 "$(echo "$root_fp" | tr a-f A-F)"
expect_status 0
expect_in "$T/out" "TRUSTED by ftp-client for 127.0.0.1; path:"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$ST" -s "$T/cmds" 127.0.0.1 "$B_PORT"
expect_status 0
# Usage: --expect-sha256 alone, or not a whole fingerprint.
run "$TRUSTD" "${S[@]}" probe "127.0.0.1:$A_PORT" --expect-sha256 "$inter_fp"
expect_status 2
run "$TRUSTD" "${S[@]}" probe "127.0.0.1:$A_PORT" --trust-issuer --expect-sha256 abcd1234
expect_status 2
expect_no_password
echo "ok: issuing-CA trust lists, probe --trust-issuer and --expect-sha256"
