# Shared by the fleet tests (docs/fleet.md): a fleet signing PKI and
# helpers for a publisher and its subscribers. Sourced after lib_local.sh
# or lib.sh (T, PKI and the assertions come from there).

FLEET_EKU=2.25.332603511364343167872398633870680035333

# fleet_pki DIR: the fleet's signing CA and signers, made with openssl:
#   fleet-ca                the CA subscribers pin
#   fleet-signer            from fleet-ca, with the fleet signing EKU
#   fleet-signer-noeku      from fleet-ca, code signing only
#   fleet-other-ca          another CA
#   fleet-signer-other      from fleet-other-ca, with the fleet signing EKU
fleet_pki() {
    local d=$1
    mkdir -p "$d"
    fleet_ca() { # file cn
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 30 \
            -subj "/O=ftpc tests/CN=$2" -keyout "$d/$1.key" -out "$d/$1.pem" \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    }
    fleet_signer() { # file cn issuer eku
        openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
            -subj "/O=ftpc tests/CN=$2" -keyout "$d/$1.key" -out "$d/$1.csr" 2>/dev/null
        printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\n' \
            "$4" > "$d/$1.ext"
        openssl x509 -req -in "$d/$1.csr" -CA "$d/$3.pem" -CAkey "$d/$3.key" -CAcreateserial \
            -days 30 -sha256 -extfile "$d/$1.ext" -out "$d/$1.pem" 2>/dev/null
        rm -f "$d/$1.csr" "$d/$1.ext"
    }
    fleet_ca fleet-ca "ftpc Fleet Signing CA" &&
        fleet_ca fleet-other-ca "ftpc Other Fleet CA" &&
        fleet_signer fleet-signer "fleet publisher" fleet-ca "$FLEET_EKU" &&
        fleet_signer fleet-signer-noeku "fleet code signer" fleet-ca codeSigning &&
        fleet_signer fleet-signer-other "other fleet publisher" fleet-other-ca "$FLEET_EKU" ||
        fail "cannot make the fleet PKI"
}

# fleet_intermediate DIR (after fleet_pki): a signer one CA further down:
#   fleet-int               an intermediate CA from fleet-ca
#   fleet-signer-int        from fleet-int, with the fleet signing EKU
#   fleet-signer-int-chain  fleet-signer-int and fleet-int in one file
fleet_intermediate() {
    local d=$1
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
        -subj "/O=ftpc tests/CN=ftpc Fleet Intermediate CA" -keyout "$d/fleet-int.key" \
        -out "$d/fleet-int.csr" 2>/dev/null &&
        printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$d/fleet-int.ext" &&
        openssl x509 -req -in "$d/fleet-int.csr" -CA "$d/fleet-ca.pem" -CAkey "$d/fleet-ca.key" \
            -CAcreateserial -days 30 -sha256 -extfile "$d/fleet-int.ext" -out "$d/fleet-int.pem" 2>/dev/null &&
        rm -f "$d/fleet-int.csr" "$d/fleet-int.ext" &&
        fleet_signer fleet-signer-int "fleet publisher under the intermediate" fleet-int "$FLEET_EKU" &&
        cat "$d/fleet-signer-int.pem" "$d/fleet-int.pem" > "$d/fleet-signer-int-chain.pem" ||
        fail "cannot make the fleet's intermediate CA"
}

# fleet_publisher STORE: a publisher's store whose trustd-fleet application
# trusts the fleet signing CA.
fleet_publisher() {
    "$TRUSTD" --store "$1" import "$FPKI/fleet-ca.pem" > /dev/null &&
        "$TRUSTD" --store "$1" app add trustd-fleet --description "fleet signers" > /dev/null &&
        "$TRUSTD" --store "$1" app trust trustd-fleet "$(fingerprint "$FPKI/fleet-ca.pem")" > /dev/null ||
        fail "cannot make the publisher's store"
}

# publish STORE DIR [options...]: publishes with the fleet signer.
publish() {
    local store=$1 dir=$2
    shift 2
    "$TRUSTD" --store "$store" publish --out "$dir" --signer "$FPKI/fleet-signer.pem" \
        --key "$FPKI/fleet-signer.key" "$@"
}

serial_of() { # store -> installed serial (or "null")
    "$TRUSTD" --store "$1" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["serial"])'
}

# fleet_tables DB: the rows of the fleet-owned tables, every column, ids too.
fleet_tables() {
    local q
    for q in "SELECT id, hex(der), sha256, label, subject, issuer, serial, not_before, not_after, is_ca, enabled, imported_at FROM certificates ORDER BY id" \
             "SELECT id, hex(der), sha256, issuer_id, issuer, this_update, next_update, entries, imported_at FROM crls ORDER BY id" \
             "SELECT * FROM applications ORDER BY id" \
             "SELECT app_id, cert_id FROM trust_list ORDER BY app_id, cert_id"; do
        echo "-- $q"
        sqlite3 "$1" "$q"
    done
}

# same_as_snapshot STORE DIR: sync left the store's fleet-owned tables
# exactly as the newest snapshot in DIR holds them.
same_as_snapshot() {
    local snap
    snap=$(ls "$2"/snapshot-*.db | sort -V | tail -1)
    diff <(fleet_tables "$snap") <(fleet_tables "$1") > "$T/tables.diff" ||
        { cat "$T/tables.diff"; fail "$1 does not hold what $snap holds"; }
}

# fleet_httpd MODE PORTFILE [DIR]: the scripted web server (fleet_httpd.py)
# in the background, waited for until it has written its port (at most
# 30 s); its pid in httpd_pid, for the caller to end it.
fleet_httpd() {
    timeout 300 python3 "$(dirname "$0")/fleet_httpd.py" "$@" &
    httpd_pid=$!
    local _
    for _ in $(seq 300); do [ -f "$2" ] && return 0; sleep 0.1; done
    fail "the web server of fleet_httpd.py $1 did not start"
}
