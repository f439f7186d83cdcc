#!/usr/bin/env bash
# -4, -6 and [::1]: against a vsftpd of this test's own that listens on
# ::1 only, with a certificate for the address ::1 from the test CA. -6
# and [::1] (in a URL, as HOST, and in open) reach it, passive and
# active; -4 is refused with a message naming the reason; a server on
# 127.0.0.1 only is unreachable with -6.
. "$(dirname "$0")/lib.sh"
make_store ca
ip -6 addr show dev lo | grep -q 'inet6 ::1/128' || fail "the loopback has no ::1 (IPv6 is off on this machine)"
own=ipv6-$$
trap '"$SCRIPTS/local-ftpd" stop "$WORK" "$own" > /dev/null 2>&1 || true; rm -rf "$T"' EXIT
# A leaf for ::1 (the fixture's server certificate names 127.0.0.1 only).
openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/O=ftpc tests/CN=localhost" \
    -keyout "$T/v6.key" -out "$T/v6.csr" 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:::1\n' \
    > "$T/v6.ext"
openssl x509 -req -in "$T/v6.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
    -days 2 -sha256 -extfile "$T/v6.ext" -out "$T/v6.pem" 2>/dev/null
chmod 644 "$T/v6.pem"
chmod 755 "$T"
"$SCRIPTS/local-ftpd" start "$WORK" "$own" vsftpd "$T/v6.pem" "$T/v6.key" ipv6 > /dev/null
server "$own"
ss -Hltn "sport = :$PORT" | grep -qF "[::1]:$PORT" || fail "the test server does not listen on ::1"
ss -Hltn "sport = :$PORT" | grep -qF "127.0.0.1:$PORT" && fail "the test server listens on 127.0.0.1 too"
printf 'over six\n' > "$ROOT/six.txt"
chown "$FTP_USER" "$ROOT/six.txt"
mkdir -p "$T/home"
printf 'machine ::1\n  login %s\n  password %s\n' "$FTP_USER" "$FTP_PASSWORD" > "$T/home/.netrc"
chmod 600 "$T/home/.netrc"
F=(env HOME="$T/home" "$FTPC" --store "$T/store.db")
cd "$T"

# URL with [::1], with -6 and without.
run "${F[@]}" -6 get "ftpes://[::1]:$PORT/six.txt" "$T/a.txt"
expect_status 0
cmp "$ROOT/six.txt" "$T/a.txt" || fail "get over IPv6 differs"
run "${F[@]}" -v get "ftpes://[::1]:$PORT/six.txt" "$T/b.txt"
expect_status 0
expect_in "$T/err" "server certificate for ::1 verified"
# HOST [::1] on the command line (netrc found under ::1), passive and active.
printf 'get six.txt %s/c.txt\nls\n' "$T" > "$T/cmds"
run "${F[@]}" -6 -s "$T/cmds" '[::1]' "$PORT"
expect_status 0
cmp "$ROOT/six.txt" "$T/c.txt" || fail "get from HOST [::1] differs"
printf 'ls\n' > "$T/cmds"
run "${F[@]}" --active -s "$T/cmds" '[::1]' "$PORT"
expect_status 0
expect_in "$T/out" "six.txt"
# open [::1] PORT in a batch (as in the shell).
printf 'open [::1] %s\nuser %s\nls\n' "$PORT" "$FTP_USER" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "${F[@]}" -s "$T/cmds"
expect_status 0
expect_in "$T/out" "six.txt"
# -4 cannot reach it, and says why.
run "${F[@]}" -4 get "ftpes://[::1]:$PORT/six.txt" "$T/d.txt"
expect_status 3
expect_in "$T/err" "cannot connect to ::1: it is an IPv6 address, and -4 allows IPv4 only"
[ ! -e "$T/d.txt" ] || fail "-4 wrote a file"
printf 'ls\n' > "$T/cmds"
run "${F[@]}" -4 -s "$T/cmds" '[::1]' "$PORT"
expect_status 3
expect_in "$T/err" "-4 allows IPv4 only"
# -6 to the fixture's server on 127.0.0.1: refused the same way.
run "${F[@]}" -6 ls "ftpes://127.0.0.1:$MAIN_PORT/"
expect_status 3
expect_in "$T/err" "cannot connect to 127.0.0.1: it is an IPv4 address, and -6 allows IPv6 only"
# An IPv4-mapped IPv6 literal is IPv4 on the wire: -6 refuses it too.
run "${F[@]}" -6 ls "ftpes://[::ffff:127.0.0.1]:$MAIN_PORT/"
expect_status 3
expect_in "$T/err" "cannot connect to ::ffff:127.0.0.1: it is an IPv4-mapped address (its connection is IPv4), and -6 allows IPv6 only"
# Usage errors.
run "${F[@]}" -4 -6 ls "ftpes://[::1]:$PORT/"
expect_status 2
expect_in "$T/err" "-4 and -6 exclude each other"
run "${F[@]}" -s "$T/cmds" '[::1' "$PORT"
expect_status 2
expect_in "$T/err" "'[::1' is not a host name or address"
run "${F[@]}" -s "$T/cmds" '[127.0.0.1]' "$PORT"
expect_status 2
expect_no_password
echo "ok: -4, -6 and [::1]"
