#!/usr/bin/env bash
# Bytes from certificate files and servers never reach the terminal as
# they are: a CA whose subject holds ESC [ 31 m and BEL is listed, shown,
# verified, probed and its CRL imported with \x1b and \x07 in the output,
# never a raw control byte; JSON keeps the exact name (\u001b). A label
# with control characters given by the administrator is refused.
. "$(dirname "$0")/lib.sh"
S=(--store "$T/store.db")
evil_cn=$(printf 'Evil\033[31m Red\a CA')
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/O=x/CN=$evil_cn" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$T/evil-ca.key" -out "$T/evil-ca.pem" 2> /dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$(printf 'leaf\033]0;title\a')" \
    -keyout "$T/leaf.key" -out "$T/leaf.csr" 2> /dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$T/leaf.ext"
openssl x509 -req -in "$T/leaf.csr" -CA "$T/evil-ca.pem" -CAkey "$T/evil-ca.key" -CAcreateserial \
    -days 30 -extfile "$T/leaf.ext" -out "$T/leaf.pem" 2> /dev/null
esc=$(printf '\033')
bel=$(printf '\a')
clean() { # every output file of the last run: no ESC, no BEL
    local f
    for f in "$T/out" "$T/err"; do
        if grep -q "[$esc$bel]" "$f"; then od -c "$f" | head -20 >&2; fail "raw control byte in $(basename "$f")"; fi
    done
}
run "$TRUSTD" "${S[@]}" import "$T/evil-ca.pem"
expect_status 0; clean
expect_in "$T/out" 'CN=Evil\x1b[31m Red\x07 CA,O=x'
run "$TRUSTD" "${S[@]}" list
expect_status 0; clean
expect_in "$T/out" 'Evil\x1b[31m Red\x07 CA  enabled '
expect_in "$T/out" "  $(fp "$T/evil-ca.pem")  "'CN=Evil\x1b[31m Red\x07 CA,O=x'
fp=$(fingerprint "$T/evil-ca.pem")
run "$TRUSTD" "${S[@]}" show "$fp"
expect_status 0; clean
expect_in "$T/out" 'Label:               Evil\x1b[31m Red\x07 CA'
expect_in "$T/out" 'Subject:             CN=Evil\x1b[31m Red\x07 CA,O=x'
expect_in "$T/out" 'Issuer:              CN=Evil\x1b[31m Red\x07 CA,O=x'
# JSON holds the exact name, escaped as JSON escapes it.
run "$TRUSTD" "${S[@]}" list --json
expect_status 0
expect_in "$T/out" '"subject":"CN=Evil\u001b[31m Red\u0007 CA,O=x"'
json_check "$T/out" 'd[0]["label"] == "Evil\x1b[31m Red\x07 CA"'
run "$TRUSTD" "${S[@]}" show "$fp" --json
expect_status 0
json_check "$T/out" 'd["issuer"] == "CN=Evil\x1b[31m Red\x07 CA,O=x"'
run "$TRUSTD" "${S[@]}" verify --app ftp-client --host localhost "$T/leaf.pem"
expect_status 0; clean
expect_in "$T/out" '0  CN=leaf\x1b]0\;title\x07'
expect_in "$T/out" 'issuer CN=Evil\x1b[31m Red\x07 CA,O=x'
# Not trusted: the reason and the error message are visible too.
run "$TRUSTD" "${S[@]}" verify --app ftp-client --host other.example "$T/leaf.pem"
expect_status 4; clean
# A file of its certificates, as the bundle export writes it: its comment
# lines hold the visible subject, never a line break from it.
run "$TRUSTD" "${S[@]}" export --app ftp-client
expect_status 0; clean
expect_in "$T/out" '# CN=Evil\x1b[31m Red\x07 CA,O=x'
# A CRL from that CA: its issuer in list and import output.
d=$T/crl
ca_db "$d"
openssl ca -config "$d/cnf" -keyfile "$T/evil-ca.key" -cert "$T/evil-ca.pem" -gencrl -out "$d/crl.pem" 2> /dev/null
run "$TRUSTD" "${S[@]}" crl import "$d/crl.pem"
expect_status 0; clean
expect_in "$T/out" 'from CN=Evil\x1b[31m Red\x07 CA,O=x'
run "$TRUSTD" "${S[@]}" crl list
expect_status 0; clean
expect_in "$T/out" 'CN=Evil\x1b[31m Red\x07 CA,O=x'
# A leaf refused at import: the error names it visibly.
run "$TRUSTD" "${S[@]}" import "$T/leaf.pem"
expect_status 1; clean
expect_in "$T/err" 'CN=leaf\x1b]0\;title\x07'
# probe: what a server presents.
hostile ok "$T/leaf.pem" "$T/leaf.key"
run "$TRUSTD" "${S[@]}" probe --app ftp-client "127.0.0.1:$HOSTILE_PORT"
hostile_stop
expect_status 0; clean
expect_in "$T/out" '0  CN=leaf\x1b]0\;title\x07'
# ftpc's refusal message names the server's certificate visibly too.
"$TRUSTD" "${S[@]}" import "$PKI/other-ca.pem" > /dev/null
"$TRUSTD" "${S[@]}" disable "$fp" > /dev/null
hostile ok "$T/leaf.pem" "$T/leaf.key"
printf 'user someone x\n' > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 4; clean
expect_in "$T/err" 'issuer: CN=Evil\x1b[31m Red\x07 CA,O=x'

# Labels typed by the administrator: control characters are refused.
dump=$(store_dump "$T/store.db")
run "$TRUSTD" "${S[@]}" label "$fp" "$(printf 'new\033[2Jlabel')"
expect_status 2; clean
expect_in "$T/err" "holds control characters or invalid UTF-8"
"$TRUSTD" "${S[@]}" remove "$fp" > /dev/null 2>&1 || "$TRUSTD" "${S[@]}" remove --force "$fp" > /dev/null
dump=$(store_dump "$T/store.db")
run "$TRUSTD" "${S[@]}" import --label "$(printf 'tab\there\a')" "$PKI/ca.pem"
expect_status 2; clean
expect_in "$T/err" "holds control characters"
[ "$(store_dump "$T/store.db")" = "$dump" ] || fail "a refused label changed the store"
run "$TRUSTD" "${S[@]}" import --label "Ünïcode label" "$PKI/ca.pem"
expect_status 0
expect_in "$T/out" "imported"
echo "ok: untrusted text is made visible"
