#!/usr/bin/env bash
# Servers that require a client certificate: refused without one, served
# with one (on the control and on every data connection), and bad
# certificate options are one clear error. Then the test PKI's client
# certificates against vsftpd and ProFTPD: an EC one, one from the other CA
# (only the server trusting that CA takes it), one from the intermediate
# (taken only with the intermediate sent after it); ProFTPD's TLS log names
# the certificate and the cipher, and the reason it refuses the two bad ones
# (for servers only, expired).
. "$(dirname "$0")/lib.sh"
make_store ca
server clientcert
head -c 100000 /dev/urandom > "$T/f"
printf 'user %s\nput %s f\nget f %s\n' "$FTP_USER" "$T/f" "$T/back" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$PORT"
[ "$status" = 4 ] || [ "$status" = 3 ] || { cat "$T/err"; fail "no client certificate: status $status"; }
expect_not_in "$T/out" "$FTP_PASSWORD"

FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$T/store.db" --cert "$PKI/client.pem" --key "$PKI/client.key" \
    -s "$T/cmds" 127.0.0.1 "$PORT"
expect_status 0
cmp "$T/f" "$T/back" || fail "download differs"
[ "$(grep -c 'data TLS.*session resumed' "$T/err")" = 2 ] || fail "data connections did not resume"

# A key that does not match, a missing file, --key without --cert.
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" --cert "$PKI/client.pem" --key "$PKI/server.key" \
    -s "$T/cmds" 127.0.0.1 "$PORT"
expect_status 7
expect_in "$T/err" "does not match certificate"
run "$FTPC" --store "$T/store.db" --cert "$T/nothing.pem" -s "$T/cmds" 127.0.0.1 "$PORT"
expect_status 7
expect_in "$T/err" "cannot use client certificate $T/nothing.pem"
run "$FTPC" --key "$PKI/client.key" 127.0.0.1 "$PORT"
expect_status 2

# transfer [FTPC OPTION...]: puts $T/f on the current server under a name of
# its own ($name) and gets it back into $T/back; served and refused judge.
transfer() {
    name=client-cert-$$-$RANDOM
    rm -f "$T/back"
    printf 'user %s\nput %s %s\nget %s %s\n' "$FTP_USER" "$T/f" "$name" "$name" "$T/back" > "$T/cmds"
    FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$T/store.db" "$@" -s "$T/cmds" 127.0.0.1 "$PORT"
    expect_no_password
}
served() { # what
    [ "$status" = 0 ] || { cat "$T/err" >&2; fail "$1: status $status, expected 0"; }
    cmp "$T/f" "$ROOT/$name" || fail "$1: the upload differs on the server"
    cmp "$T/f" "$T/back" || fail "$1: the download differs"
    [ "$(grep -c 'data TLS.*session resumed' "$T/err")" = 2 ] || fail "$1: data connections did not resume"
}
# Refused at the TLS handshake (the server's alert, or its reset), nothing stored.
refused() { # what
    [ "$status" = 4 ] || [ "$status" = 3 ] || { cat "$T/err" >&2; fail "$1: status $status, expected 4 (or 3)"; }
    [ ! -e "$ROOT/$name" ] || fail "$1: a file was stored"
}
# A server's log is shared with the other tests: log_mark, then log_new
# copies to $T/new.log the lines written since.
log_mark() { log_file=$1; log_lines=$(wc -l < "$1"); }
log_new() { tail -n "+$((log_lines + 1))" "$log_file" > "$T/new.log"; }
# vsftpd's word for a client certificate it did not accept.
expect_vsftpd_refused() { # what
    log_new
    grep -q 'SSL_accept failed: .*certificate verify failed' "$T/new.log" || { cat "$T/new.log" >&2; fail "$1: vsftpd did not refuse the certificate"; }
}

# An EC (P-256) certificate from the root.
server clientcert
transfer --cert "$PKI/client-ec.pem" --key "$PKI/client-ec.key"
served "EC client certificate"

# ProFTPD: no certificate is refused at the handshake; the log says why.
server proclientcert
if [ -z "$TLSLOG" ] || [ ! -f "$TLSLOG" ]; then fail "proclientcert has no TLS log"; fi
log_mark "$TLSLOG"
transfer
refused "ProFTPD, no client certificate"
log_new
expect_in "$T/new.log" "client did not provide certificate, but one is required via 'TLSVerifyClient on'"

# With client.pem: both ways, and the log names it and the cipher ftpc
# negotiated, on the control connection and on the first data connection
# (mod_tls names only the first); each data connection resumed the session.
log_mark "$TLSLOG"
transfer --cert "$PKI/client.pem" --key "$PKI/client.key"
served "ProFTPD with client.pem"
negotiated=$(grep -m1 '^---- TLS TLSv' "$T/err" | sed 's/^---- TLS //') # "TLSv1.3, TLS_AES_256_GCM_SHA384"
version=${negotiated%%,*}
cipher=${negotiated#*, }
if [ -z "$version" ] || [ -z "$cipher" ]; then cat "$T/err" >&2; fail "ftpc -d named no TLS version and cipher"; fi
log_new
session=$(grep -E 'Client: O = ftpc tests, CN = ftpc test client$' "$T/new.log" | sed -n 's/.*\[\([0-9]*\)\]: Client: .*/\1/p' | head -1)
[ -n "$session" ] || { cat "$T/new.log" >&2; fail "the TLS log does not name the client certificate"; }
# The session's process may log the last data connection after ftpc ended.
resumed() { grep -cF "[$session]: client reused TLS session for data connection" "$T/new.log" || true; }
for _ in $(seq 1 50); do
    [ "$(resumed)" -ge 2 ] && break
    sleep 0.1
    log_new
done
[ "$(resumed)" = 2 ] || { cat "$T/new.log" >&2; fail "the TLS log does not show two data connections resuming the session"; }
expect_in "$T/new.log" "[$session]: $version connection accepted, using cipher $cipher ("
expect_in "$T/new.log" "[$session]: $version data connection accepted, using cipher $cipher ("

# The certificates a server must refuse, presented by openssl s_client (TLS
# 1.2, so that the refusal ends the handshake) and refused for the right reason.
s_client_refused() { # certificate reason
    log_mark "$TLSLOG"
    if openssl s_client -starttls ftp -tls1_2 -connect "127.0.0.1:$PORT" -CAfile "$PKI/ca.pem" \
        -cert "$PKI/$1.pem" -key "$PKI/$1.key" < /dev/null > "$T/s_client.out" 2>&1; then
        fail "ProFTPD accepted $1"
    fi
    log_new
    expect_in "$T/new.log" "client certificate failed verification: $2"
}
s_client_refused client-serveronly "unsuitable certificate purpose"
s_client_refused client-expired "certificate has expired"

# A server trusting only the other CA: client.pem is refused, client-other taken.
server clientcertother
log_mark "$LOG"
transfer --cert "$PKI/client.pem" --key "$PKI/client.key"
refused "client.pem on the other CA's server"
expect_vsftpd_refused "client.pem on the other CA's server"
transfer --cert "$PKI/client-other.pem" --key "$PKI/client-other.key"
served "client-other.pem on the other CA's server"

# A server trusting the root only: the intermediate's certificate alone is
# refused, with the intermediate after it (one file) taken.
server clientcertinter
log_mark "$LOG"
transfer --cert "$PKI/client-inter.pem" --key "$PKI/client-inter.key"
refused "client-inter.pem without its chain"
expect_vsftpd_refused "client-inter.pem without its chain"
cat "$PKI/client-inter.pem" "$PKI/inter.pem" > "$T/client-inter-chain.pem"
transfer --cert "$T/client-inter-chain.pem" --key "$PKI/client-inter.key"
served "client-inter.pem with the intermediate"
echo "ok: client certificates"
