# The integration tests' assertions and helpers, with or without the
# server fixture: lib.sh (tests against the fixture's servers) and
# lib_local.sh (trustd tests that need no server) source it. They set T,
# the test's private folder, and PKI, the test PKI (scripts/make-test-pki).
set -euo pipefail
: "${TRUSTD:?}"

fail() { echo "FAIL: $*" >&2; exit 1; }

# Runs a command, keeping its exit status in $status and its output in files.
run() {
    set +e
    "$@" > "$T/out" 2> "$T/err"
    status=$?
    set -e
}

expect_status() {
    [ "$status" = "$1" ] || { cat "$T/out" "$T/err" >&2; fail "exit status $status, expected $1"; }
}

expect_in() { # file text
    grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "'$2' not in $(basename "$1")"; }
}

expect_not_in() { # file text
    if grep -qF -- "$2" "$1"; then cat "$1" >&2; fail "'$2' unexpectedly in $(basename "$1")"; fi
}

# A store in the test's folder holding the named certificates of the test PKI.
make_store() {
    local name
    for name in "$@"; do
        "$TRUSTD" --store "$T/store.db" import "$PKI/$name.pem" > /dev/null
    done
}

fingerprint() { # pem file -> lower-case hex (the JSON form; any form is accepted as input)
    openssl x509 -in "$1" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d : | tr 'A-F' 'a-f'
}

fp() { # pem file -> AB:CD:... (the text form, as openssl prints it)
    openssl x509 -in "$1" -noout -fingerprint -sha256 | cut -d= -f2
}

# A JSON check: python3 reads the document on stdin and evaluates an
# expression over it as d; the test fails when it is false.
json_check() { # file expression
    python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" || { cat "$1" >&2; fail "JSON check failed: $2"; }
}

# Everything a store holds, for before/after comparisons.
store_dump() { # store file
    sqlite3 "$1" .dump
}

# shared_folder [ftpc] [trustd]: sets shared to a new folder under /tmp that
# other users may enter (755), removed when the test ends, holding a copy of
# each program named: the program itself, not a test wrapper, so that a
# plain user (nobody) can run it.
shared_folder() {
    shared=$(mktemp -d /tmp/ftpc-shared.XXXXXX)
    trap 'rm -rf "$T" "$shared"' EXIT
    chmod 755 "$shared"
    local p
    for p in "$@"; do
        case $p in
        ftpc) cp "${FTPC_BIN:-$FTPC}" "$shared/ftpc" ;;
        trustd) cp "${TRUSTD_BIN:-$TRUSTD}" "$shared/trustd" ;;
        *) fail "shared_folder: no program $p" ;;
        esac
        chmod 755 "$shared/$p"
    done
}

# ca_db DIR: a folder for `openssl ca -config DIR/cnf` (its database,
# CRL numbers and a configuration whose CRLs last 7 days).
ca_db() {
    mkdir -p "$1"
    : > "$1/index.txt"
    echo 01 > "$1/crlnumber"
    printf '[ca]\ndefault_ca=x\n[x]\ndatabase=%s/index.txt\ncrlnumber=%s/crlnumber\ndefault_md=sha256\ndefault_crl_days=7\n' "$1" "$1" > "$1/cnf"
}

# A self-signed CA whose validity lies in the past (openssl ca can set dates).
make_expired_ca() { # name cn
    local d="$T/ca-$1"
    mkdir -p "$d"
    : > "$d/index.txt"
    echo 01 > "$d/serial"
    cat > "$d/ca.cnf" <<CNF
[ ca ]
default_ca = x
[ x ]
dir = $d
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
default_md = sha256
policy = any
x509_extensions = v3
copy_extensions = none
unique_subject = no
[ any ]
commonName = supplied
[ v3 ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
CNF
    openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$d/key.pem" -out "$d/req.pem" 2>/dev/null
    openssl ca -batch -config "$d/ca.cnf" -selfsign -keyfile "$d/key.pem" -in "$d/req.pem" \
        -startdate 20200101000000Z -enddate 20200201000000Z -out "$T/$1.pem" >/dev/null 2>&1
    openssl x509 -in "$T/$1.pem" -out "$T/$1.pem"
}

# hostile SCENARIO [CERT KEY [DATA_CERT DATA_KEY]]: starts the scripted
# hostile server (one client) and sets HOSTILE_PORT; hostile_stop ends it.
hostile() {
    local scenario=$1 cert=${2:-$PKI/server.pem} key=${3:-$PKI/server.key}
    shift $(( $# < 3 ? $# : 3 ))
    rm -f "$T/hostile.port"
    python3 "$(dirname "${BASH_SOURCE[0]}")/hostile_ftpd.py" "$cert" "$key" "$T/hostile.port" "$scenario" "$@" \
        > "$T/hostile.log" 2>&1 &
    hostile_pid=$!
    for _ in $(seq 1 100); do [ -s "$T/hostile.port" ] && break; sleep 0.05; done
    [ -s "$T/hostile.port" ] || { cat "$T/hostile.log" >&2; fail "hostile server did not start"; }
    HOSTILE_PORT=$(cat "$T/hostile.port")
}
hostile_stop() {
    kill "$hostile_pid" 2>/dev/null || true
    wait "$hostile_pid" 2>/dev/null || true
}

# A real terminal for ftpc's shell (tmux): tm runs tmux on the test's own
# server, screen prints the pane of session "ftpc", wait_for and
# wait_for_line wait until the screen shows a text or a line matching a
# regular expression. The tmux server is stopped when the test ends.
terminal() {
    command -v tmux > /dev/null || fail "tmux is not installed (scripts/install-deps installs it)"
    sock="$T/tmux.sock"
    trap 'tm kill-server 2>/dev/null || true; rm -rf "$T"' EXIT
}
tm() { tmux -S "$sock" "$@"; }
screen() { tm capture-pane -t ftpc -p -S -200; }
# wait_screen GREP-MODE PATTERN SECONDS WHAT: until the screen matches.
wait_screen() {
    for _ in $(seq 1 $(( $3 * 10 ))); do
        screen | grep -q"$1" -- "$2" && return 0
        sleep 0.1
    done
    screen >&2
    fail "$4"
}
wait_for() { wait_screen F "$1" "${2:-10}" "'$1' did not appear on the screen"; } # text [seconds]
wait_for_line() { wait_screen E "$1" "${2:-10}" "no line matching '$1' on the screen"; } # regex [seconds]
