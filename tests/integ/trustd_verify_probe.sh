#!/usr/bin/env bash
# verify and probe judge chains as ftpc does: the application's trust list,
# the host name, and the path built; probe reads what a live server presents
# (explicit and implicit FTPS) and --import-root starts trusting it.
. "$(dirname "$0")/lib.sh"
S=(--store "$T/store.db")
"$TRUSTD" "${S[@]}" import "$PKI/ca.pem" "$PKI/other-ca.pem" > /dev/null
ca=$(fingerprint "$PKI/ca.pem")
ca_text=$(fp "$PKI/ca.pem")
cat "$PKI/server.pem" > "$T/chain.pem"

run "$TRUSTD" "${S[@]}" verify --app ftp-client --host localhost "$T/chain.pem"
expect_status 0
expect_in "$T/out" "TRUSTED by ftp-client for localhost; path:"
expect_in "$T/out" "1  CN=ftpc Test Root CA,O=ftpc tests"
run "$TRUSTD" "${S[@]}" verify --app ftp-client --host 127.0.0.1 "$T/chain.pem"
expect_status 0
run "$TRUSTD" "${S[@]}" verify --app ftp-client --host ftp.example.org "$T/chain.pem"
expect_status 4
expect_in "$T/out" "NOT TRUSTED by ftp-client: it does not name ftp.example.org (host name mismatch)"
expect_in "$T/out" "it names: DNS:localhost, IP:127.0.0.1"
run "$TRUSTD" "${S[@]}" verify --app ftp-client --host 127.0.0.2 "$T/chain.pem"
expect_status 4
expect_in "$T/out" "it does not name 127.0.0.2 (host name mismatch)"
"$TRUSTD" "${S[@]}" app add other-only > /dev/null
"$TRUSTD" "${S[@]}" app trust other-only "$(fingerprint "$PKI/other-ca.pem")" > /dev/null
run "$TRUSTD" "${S[@]}" verify --app other-only "$T/chain.pem"
expect_status 4
expect_in "$T/out" "NOT TRUSTED by other-only: the CA CN=ftpc Test Root CA,O=ftpc tests that issued it is in the trust store but not on application other-only's CA trust list"
expect_in "$T/out" "trustd --store $T/store.db app trust other-only $ca"
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
# Fingerprints as text shows them everywhere (AB:CD:...), for the chain
# presented and for the path built.
expect_in "$T/out" "     SHA-256 $(fp "$PKI/server.pem")"
expect_in "$T/out" "     SHA-256 $ca_text"
run "$TRUSTD" "${S[@]}" probe --app other-only "127.0.0.1:$MAIN_PORT"
expect_status 4
expect_in "$T/out" "NOT TRUSTED by other-only"
run "$TRUSTD" "${S[@]}" probe --app ftp-client "localhost:$WRONGHOST_PORT"
expect_status 4
expect_in "$T/out" "NOT TRUSTED by ftp-client: it does not name localhost (host name mismatch)"
expect_in "$T/out" "it names: DNS:ftp.invalid"
# probe: implicit FTPS.
run "$TRUSTD" "${S[@]}" probe --app ftp-client --implicit "127.0.0.1:$IMPLICIT_PORT"
expect_status 0
expect_in "$T/out" "(implicit FTPS)"
# probe: nothing listening.
run "$TRUSTD" "${S[@]}" probe --app ftp-client "127.0.0.1:1"
expect_status 1
expect_in "$T/err" "cannot connect to 127.0.0.1 port 1"

# --import-root imports exactly one certificate: the self-signed CA that
# completes a verified path for the host, and only when the server sent it.
S2=(--store "$T/fresh.db")
"$TRUSTD" "${S2[@]}" check > /dev/null   # creates an empty store
empty=$(store_dump "$T/fresh.db")
# vsftpd sends only its own certificate: nothing to import.
run "$TRUSTD" "${S2[@]}" probe --app ftp-client "127.0.0.1:$MAIN_PORT" --import-root < /dev/null
expect_status 4
expect_in "$T/out" "127.0.0.1 did not send its root CA: nothing imported"
expect_in "$T/err" "did not send a self-signed CA that completes its chain (the chain ends with CN=localhost,O=ftpc tests"
[ "$(store_dump "$T/fresh.db")" = "$empty" ] || fail "something was imported"
run "$TRUSTD" "${S2[@]}" probe --app ftp-client "127.0.0.1:$MAIN_PORT" --import-root --allow-leaf
expect_status 2
expect_in "$T/err" "imports only the server's self-signed root CA"
# A self-signed server certificate is not a root that completes a path.
hostile ok "$PKI/selfsigned.pem" "$PKI/selfsigned.key"
run "$TRUSTD" "${S2[@]}" probe --app ftp-client "127.0.0.1:$HOSTILE_PORT" --import-root < /dev/null
hostile_stop
expect_status 4
expect_in "$T/out" "did not send its root CA"
expect_in "$T/err" "nothing imported; it sent only a self-signed certificate, no CA: to pin this one server, save its certificate and run 'trustd import --allow-leaf FILE'"
[ "$(store_dump "$T/fresh.db")" = "$empty" ] || fail "something was imported"
# Only its own certificate: the advice is the CA from its publisher (not
# --trust-issuer, which needs the CA sent), and a plain probe does not
# suggest running itself again.
hostile ok "$PKI/server.pem" "$PKI/server.key"
run "$TRUSTD" "${S2[@]}" probe --app ftp-client "127.0.0.1:$HOSTILE_PORT" --import-root < /dev/null
expect_status 4
expect_in "$T/err" "issued by CN=ftpc Test Root CA,O=ftpc tests): nothing imported; it sent only its own certificate: get the CA that issued it from its publisher and run 'trustd import FILE'"
expect_not_in "$T/err" "--trust-issuer"
hostile_stop
hostile ok "$PKI/server.pem" "$PKI/server.key"
run "$TRUSTD" "${S2[@]}" probe --app ftp-client "127.0.0.1:$HOSTILE_PORT"
hostile_stop
expect_status 4
expect_in "$T/out" "trustd --store $T/fresh.db import FILE"
expect_not_in "$T/out" "see what the server sends"
[ "$(store_dump "$T/fresh.db")" = "$empty" ] || fail "something was imported"
# Its root, but a certificate for another name: nothing imported either.
cat "$PKI/wronghost.pem" "$PKI/ca.pem" > "$T/wrong-served.pem"
hostile ok "$T/wrong-served.pem" "$PKI/wronghost.key"
run "$TRUSTD" "${S2[@]}" probe --app ftp-client "127.0.0.1:$HOSTILE_PORT" --import-root < /dev/null
hostile_stop
expect_status 4
expect_in "$T/out" "no CA 127.0.0.1 sent completes a verified path for it: nothing imported"
expect_in "$T/err" "sent a self-signed CA, but its chain does not verify with it for 127.0.0.1 (IP address mismatch"
[ "$(store_dump "$T/fresh.db")" = "$empty" ] || fail "something was imported"
# A server that sends its root last, after an unrelated self-signed CA,
# and another one after it: only its root is imported (not the chain's top).
cat "$PKI/server.pem" "$PKI/other-ca.pem" "$PKI/ca.pem" "$PKI/selfsigned.pem" > "$T/served.pem"
hostile ok "$T/served.pem" "$PKI/server.key"
run "$TRUSTD" "${S2[@]}" probe --app ftp-client "127.0.0.1:$HOSTILE_PORT" --import-root < /dev/null
hostile_stop
expect_status 0
expect_in "$T/out" "Subject:    CN=ftpc Test Root CA,O=ftpc tests"
expect_in "$T/out" "imported  $ca_text"
expect_in "$T/out" "TRUSTED by ftp-client for 127.0.0.1; path:"
expect_not_in "$T/out" "[y/N]"   # not a terminal: no question
[ "$("$TRUSTD" "${S2[@]}" list | wc -l)" = 2 ] || fail "more than the root imported"
"$TRUSTD" "${S2[@]}" list | grep -qF "  $ca_text  " || fail "the root is not the one imported"
# Already trusted: nothing more.
hostile ok "$T/served.pem" "$PKI/server.key"
run "$TRUSTD" "${S2[@]}" probe --app ftp-client "127.0.0.1:$HOSTILE_PORT" --import-root < /dev/null
hostile_stop
expect_status 0
expect_in "$T/out" "already trusted: nothing imported"
# A defined trust list without the root: imported, but still not trusted.
S3=(--store "$T/listed.db")
"$TRUSTD" "${S3[@]}" import "$PKI/other-ca.pem" > /dev/null
"$TRUSTD" "${S3[@]}" app trust ftp-client "$(fingerprint "$PKI/other-ca.pem")" > /dev/null
hostile ok "$T/served.pem" "$PKI/server.key"
run "$TRUSTD" "${S3[@]}" probe --app ftp-client "127.0.0.1:$HOSTILE_PORT" --import-root < /dev/null
hostile_stop
expect_status 4
expect_in "$T/out" "imported  $ca_text"
expect_in "$T/err" "is still not trusted by ftp-client after the import"
# At a terminal it shows the CA and asks first: "n" imports nothing, "y" does.
at_terminal() { # answer command...
    python3 - "$@" <<'PY'
import os, pty, sys
answer = sys.argv[1].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
out, asked = b"", False
while True:
    try:
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    out += d
    if not asked and b"[y/N]" in out:
        os.write(fd, answer + b"\n")
        asked = True
_, st = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(st))
PY
}
S4=(--store "$T/asked.db")
"$TRUSTD" "${S4[@]}" check > /dev/null
empty=$(store_dump "$T/asked.db")
hostile ok "$T/served.pem" "$PKI/server.key"
run at_terminal n "$TRUSTD" "${S4[@]}" probe --app ftp-client "127.0.0.1:$HOSTILE_PORT" --import-root
hostile_stop
expect_status 4
expect_in "$T/out" "SHA-256:    $(openssl x509 -in "$PKI/ca.pem" -noout -fingerprint -sha256 | cut -d= -f2)"
expect_in "$T/out" "Import this CA into the trust store? [y/N]"
expect_in "$T/out" "nothing imported"
[ "$(store_dump "$T/asked.db")" = "$empty" ] || fail "imported after answering no"
hostile ok "$T/served.pem" "$PKI/server.key"
run at_terminal y "$TRUSTD" "${S4[@]}" probe --app ftp-client "127.0.0.1:$HOSTILE_PORT" --import-root
hostile_stop
expect_status 0
expect_in "$T/out" "imported  $ca_text"
expect_in "$T/out" "TRUSTED by ftp-client for 127.0.0.1"
echo "ok: verify and probe"
