#!/usr/bin/env bash
# A host name that matches only the subject CN (no DNS subjectAltName) is
# refused when a CA in the path has name constraints: constraints govern
# subjectAltNames, so the CN would escape them. trustd verify, trustd probe
# and ftpc's handshake apply the one rule (common/chainverify.c).
. "$(dirname "$0")/lib.sh"
ca() { # name [extra -addext]
    local name=$1
    shift
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
        -subj "/O=ftpc tests/CN=$name" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" "$@" \
        -keyout "$T/$name.key" -out "$T/$name.pem" 2> /dev/null
}
leaf() { # name ca cn [subjectAltName]
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$3" \
        -keyout "$T/$1.key" -out "$T/$1.csr" 2> /dev/null
    printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n%s\n' "${4:+subjectAltName=$4}" > "$T/$1.ext"
    openssl x509 -req -in "$T/$1.csr" -CA "$T/$2.pem" -CAkey "$T/$2.key" -CAcreateserial -days 30 \
        -extfile "$T/$1.ext" -out "$T/$1.pem" 2> /dev/null
}
ca nc-ca -addext "nameConstraints=critical,permitted;DNS:example.com"
ca plain-ca
leaf cn-only nc-ca localhost
leaf cn-plain plain-ca localhost
leaf san-ok nc-ca localhost "DNS:www.example.com,IP:127.0.0.1"
S=(--store "$T/store.db")
"$TRUSTD" "${S[@]}" import "$T/nc-ca.pem" "$T/plain-ca.pem" > /dev/null

# The CN-only leaf under the constrained CA: refused for its CN's name.
run "$TRUSTD" "${S[@]}" verify --app ftp-client --host localhost "$T/cn-only.pem"
expect_status 4
expect_in "$T/out" "NOT TRUSTED by ftp-client: it names the host only in its subject CN, and a CA in its path has name constraints"
# The same leaf under a CA without constraints: the CN still names the host.
run "$TRUSTD" "${S[@]}" verify --app ftp-client --host localhost "$T/cn-plain.pem"
expect_status 0
# Under the constrained CA, a subjectAltName inside the constraints works.
run "$TRUSTD" "${S[@]}" verify --app ftp-client --host www.example.com "$T/san-ok.pem"
expect_status 0
# No host given: no name check, the chain itself is fine.
run "$TRUSTD" "${S[@]}" verify --app ftp-client "$T/cn-only.pem"
expect_status 0

# probe and ftpc against a server presenting the CN-only certificate.
hostile ok "$T/cn-only.pem" "$T/cn-only.key"
run "$TRUSTD" "${S[@]}" probe --app ftp-client "localhost:$HOSTILE_PORT"
hostile_stop
expect_status 4
expect_in "$T/out" "it names the host only in its subject CN"
printf 'user someone secret-%s\npwd\n' "$$" > "$T/cmds"; chmod 600 "$T/cmds"
hostile ok "$T/cn-only.pem" "$T/cn-only.key"
run "$FTPC" -d --store "$T/store.db" -s "$T/cmds" localhost "$HOSTILE_PORT"
hostile_stop
expect_status 4
expect_in "$T/err" "server certificate for localhost not trusted: it names the host only in its subject CN, and a CA in its path has name constraints"
expect_not_in "$T/err" "---> USER"
# The control case over TLS: the unconstrained CA's CN-only leaf is accepted.
hostile ok "$T/cn-plain.pem" "$T/cn-plain.key"
printf 'quit\n' > "$T/cmds2"
run "$FTPC" -d --store "$T/store.db" -s "$T/cmds2" localhost "$HOSTILE_PORT"
hostile_stop
expect_not_in "$T/err" "not trusted"
echo "ok: a CN does not escape name constraints"
